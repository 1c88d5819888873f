//! A gemeente beside its peers (Nederland, provincie, size class) on the demo store, against an
//! independent pandas computation; and Nederland's figures without a national row.

use serde_json::Value as Json;

use crate::harness::{data, fixture, Workspace};
use crate::snapshots::fetch;

fn close(actual: &Json, expected: &Json, what: &str) {
    let (a, e) = (actual.as_f64().unwrap(), expected.as_f64().unwrap());
    assert!((a - e).abs() <= 1e-9 * e.abs(), "{what}: {a} != {e}");
}

#[test]
fn the_demo_compares_a_gemeente_with_nederland_its_provincie_and_its_size_class() {
    let expected: Json = serde_json::from_str(
        &std::fs::read_to_string(fixture("peers/peers_expected.json")).unwrap(),
    )
    .unwrap();
    for case in expected.as_array().unwrap() {
        let (gemeente, theme, year) = (&case["gemeente"], &case["theme"], &case["year"]);
        let path = format!(
            "/api/v1/peers?gemeente={}&theme={}&year={}",
            gemeente.as_str().unwrap(),
            theme.as_str().unwrap(),
            year
        );
        let answer: Json = serde_json::from_str(&fetch(&path)).unwrap();
        let comparison = &answer[0];
        let what = |part: &str| format!("{path} {part}");
        close(
            &comparison["own"]["per_1000"],
            &case["own_per_1000"],
            &what("own"),
        );
        for (group, key) in [
            ("nederland", "nederland"),
            ("provincie", "provincie"),
            ("size_class", "size_class"),
        ] {
            let part = &comparison[group];
            close(
                &part["rate"]["per_1000"],
                &case[format!("{key}_per_1000")],
                &what(group),
            );
            assert_eq!(part["rank"], case[format!("{key}_rank")], "{}", what(group));
            assert_eq!(
                part["rate"]["gemeenten"],
                case[format!("{key}_gemeenten")],
                "{}",
                what(group)
            );
        }
        assert_eq!(
            comparison["provincie"]["label"],
            format!("provincie {}", case["provincie"].as_str().unwrap()),
        );
    }
}

#[test]
fn the_gemeente_page_shows_the_peers_with_ranks() {
    let page = fetch("/gebied/GM1581");
    for expected in [
        "Vergeleken met andere gemeenten, 2023",
        "Provincie Utrecht",
        "Gemeenten met 50.000 tot 100.000 inwoners",
        "plaats 13 van 342",
    ] {
        assert!(page.contains(expected), "missing {expected:?}");
    }
    // A gemeente is no longer compared with itself.
    assert!(!page.contains("Gemeente per 1.000"));
}

#[test]
fn the_demo_fills_the_bbv_table_with_the_national_line() {
    let w = Workspace::new();
    w.ok(&["demo"]);
    let plan = w.ok(&["plan"]);
    let bbv = plan
        .split("BBV-indicatoren taakveld Veiligheid")
        .nth(1)
        .unwrap();
    assert!(
        bbv.lines().any(|l| l.contains("Diefstallen uit woning")
            && l.contains("┆  7,3 ┆  6,4 ┆  4,7 ┆  4,8 ┆  3,0")),
        "{bbv}"
    );
    assert!(bbv.contains("– Nederland"), "{bbv}");
    assert!(bbv.contains("andere gemeentelijke indeling"), "{bbv}");

    // The demo's Nederland is the sum of its gemeenten in 47018NED, although one gemeente
    // also has monthly 47022NED figures and another BVH registrations. 22.778 is the sum in
    // the source's long table (its SOURCE.md).
    let national = w.ok(&[
        "picture",
        "--area",
        "NL00",
        "--theme",
        "woninginbraak",
        "--year",
        "2023",
    ]);
    assert!(national.contains("bron 47018NED"), "{national}");
    assert!(national.contains("22.778"), "{national}");
    assert!(
        national.contains("de som van de 343 onderliggende gebieden"),
        "{national}"
    );
}

/// A 47022NED-style monthly file for every gemeente of the police code list, without the row
/// for Nederland, as a download filtered to gemeenten is.
fn gemeenten_without_nederland(w: &Workspace) -> std::path::PathBuf {
    let list = std::fs::read_to_string(data("codelists/47018NED_WijkenEnBuurten.csv")).unwrap();
    let mut file =
        String::from("SoortMisdrijf;WijkenEnBuurten;Perioden;GeregistreerdeMisdrijven_1\n");
    let gemeenten: Vec<&str> = list
        .lines()
        .filter_map(|l| l.split(',').next())
        .map(|c| c.trim_matches(|ch| ch == '"' || ch == ' '))
        .filter(|c| c.starts_with("GM"))
        .collect();
    for (i, gemeente) in gemeenten.iter().enumerate() {
        for year in 2020..=2022 {
            for month in 1..=12 {
                let count = (i * 7 + month * 3 + year as usize) % 11;
                file.push_str(&format!("1.1.1;{gemeente};{year}MM{month:02};{count}\n"));
            }
        }
    }
    w.write("misdrijven_gemeenten_maand.csv", file.as_bytes())
}

#[test]
fn nederland_without_its_own_row_is_the_sum_of_its_gemeenten() {
    let w = Workspace::new();
    let counts = gemeenten_without_nederland(&w);
    w.import(&[
        &counts,
        &data("politie-gemeenten-jaar-47018ned/nl_gemeenten_2024_cartomap.geojson"),
    ]);
    let picture = w.ok(&[
        "picture",
        "--area",
        "NL00",
        "--category",
        "1.1.1",
        "--year",
        "2022",
    ]);
    assert!(
        picture.contains("de som van de 343 onderliggende gebieden"),
        "{picture}"
    );
    let hotspots = w.ok(&[
        "hotspots",
        "--area",
        "NL00",
        "--level",
        "gemeente",
        "--category",
        "1.1.1",
        "--period",
        "2022-12",
    ]);
    assert!(hotspots.contains("van 342 gebieden"), "{hotspots}");
    let forecast = w.ok(&[
        "forecast",
        "--area",
        "NL00",
        "--category",
        "1.1.1",
        "--from",
        "2023-01",
        "--horizon",
        "3",
    ]);
    assert!(
        forecast.contains("Vooruitblik Nederland (NL00)"),
        "{forecast}"
    );

    // One gemeente alone is never shown as the country.
    let one = Workspace::new();
    let single = one.write(
        "een_gemeente.csv",
        b"SoortMisdrijf;WijkenEnBuurten;Perioden;GeregistreerdeMisdrijven_1\n\
          1.1.1;GM1581;2022MM01;12\n",
    );
    one.import(&[&single]);
    let refused = one.run(&[
        "picture",
        "--area",
        "NL00",
        "--category",
        "1.1.1",
        "--year",
        "2022",
    ]);
    assert!(!refused.status.success());
}
