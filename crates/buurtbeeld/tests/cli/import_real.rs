//! Acceptance tests on the real bundled data: Utrechtse Heuvelrug (47022NED) and the Groningen
//! bicycle-theft registrations (BVH) with the 2017 buurt boundaries.

use std::collections::BTreeMap;

use serde_json::Value as Json;

use crate::harness::{data, Workspace};

const UH: &str = "politie-47022ned-utrechtse-heuvelrug-maand";
const CODED: &str = "misdrijven_GM1581_2022MM12-2023MM11_coded.csv";
const PORTAL: &str = "misdrijven_GM1581_2022MM12-2023MM11_portal_export.csv";
const POPULATION: &str =
    "cbs-85984ned-bevolking-buurt-2024/Population85984_2024_buurt_AantalInwoners.csv";

/// The dump without the import log's own rows (file name, kind, checksum and time differ).
fn content(dump: &str) -> String {
    // Which import wrote what, and when, differs by design; the data must not.
    dump.lines()
        .filter(|l| !l.starts_with("imports\t") && !l.starts_with("audit_log\t"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Cells of the dump: (source, area, category, period ordinal) → value text.
fn cells(dump: &str) -> BTreeMap<(String, String, String, i64), String> {
    dump.lines()
        .filter_map(|l| l.strip_prefix("cell\t"))
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (
                (
                    f[0].to_owned(),
                    f[1].to_owned(),
                    f[2].to_owned(),
                    f[4].parse().unwrap(),
                ),
                f[5].to_owned(),
            )
        })
        .collect()
}

fn count(value: &str) -> u64 {
    value
        .strip_prefix("Count(")
        .and_then(|v| v.strip_suffix(')'))
        .unwrap_or_else(|| panic!("not a count: {value}"))
        .parse()
        .unwrap()
}

#[test]
fn portal_export_and_coded_csv_give_identical_stores() {
    let coded = Workspace::new();
    coded.import(&[&data(&format!("{UH}/{CODED}"))]);
    let portal = Workspace::new();
    portal.import(&[&data(&format!("{UH}/{PORTAL}"))]);
    let (a, b) = (content(&coded.dump()), content(&portal.dump()));
    assert_eq!(cells(&a).len(), 27_612);
    assert!(a == b, "the two imports differ");
}

#[test]
fn totals_of_buurten_add_up_to_wijk_and_gemeente_every_month() {
    let w = Workspace::new();
    w.import(&[&data(&format!("{UH}/{CODED}"))]);
    let cells = cells(&w.dump());
    let mut per_level: BTreeMap<(i64, &str), BTreeMap<String, u64>> = BTreeMap::new();
    for ((_, area, category, period), value) in &cells {
        if category == "0.0.0" {
            let level = &area[..2];
            let parent = match level {
                "BU" => format!("WK{}", &area[2..8]),
                "WK" => format!("GM{}", &area[2..6]),
                _ => area.clone(),
            };
            *per_level
                .entry((*period, if level == "BU" { "BU" } else { level }))
                .or_default()
                .entry(parent)
                .or_default() += count(value);
        }
    }
    let months: Vec<i64> = per_level.keys().map(|(p, _)| *p).collect();
    assert_eq!(
        months
            .iter()
            .collect::<std::collections::BTreeSet<_>>()
            .len(),
        12
    );
    for &(period, _) in per_level.keys() {
        let buurten_by_wijk = &per_level[&(period, "BU")];
        let wijken_by_gemeente = &per_level[&(period, "WK")];
        for (wijk, sum) in buurten_by_wijk {
            let own = count(&cells[&("47022NED".into(), wijk.clone(), "0.0.0".into(), period)]);
            assert_eq!(*sum, own, "buurten of {wijk} in month {period}");
        }
        let gemeente = count(&cells[&("47022NED".into(), "GM1581".into(), "0.0.0".into(), period)]);
        assert_eq!(wijken_by_gemeente["GM1581"], gemeente, "month {period}");
        let buurt_total: u64 = buurten_by_wijk.values().sum();
        assert_eq!(
            buurt_total, gemeente,
            "buurten to gemeente in month {period}"
        );
    }
    // The published total includes suppressed categories: never recomputed from the details.
    let dec = 2022 * 12 + 11;
    assert_eq!(
        count(&cells[&("47022NED".into(), "GM1581".into(), "0.0.0".into(), dec)]),
        129
    );
}

fn picture_json(w: &Workspace, args: &[&str]) -> Json {
    let mut all = vec!["picture", "--format", "json"];
    all.extend_from_slice(args);
    serde_json::from_str(&w.ok(&all)).expect("json")
}

#[test]
fn always_suppressed_codes_are_withheld_not_zero() {
    let w = Workspace::new();
    w.import(&[&data(&format!("{UH}/{CODED}"))]);
    for code in ["1.4.1", "3.2.1", "3.2.2", "3.7.3"] {
        let picture = picture_json(
            &w,
            &["--area", "GM1581", "--category", code, "--year", "2023"],
        );
        let rows = picture["rows"].as_array().unwrap();
        assert_eq!(rows.len(), 6, "gemeente and its 5 wijken");
        for row in rows {
            assert_eq!(row["withheld"], Json::Bool(true), "{code} {row}");
            assert_eq!(row["count"], Json::Null, "{code} {row}");
            assert_eq!(row["significant"], Json::Null);
        }
    }
    // The theme geweld contains 1.4.1: its count is a lower bound, marked withheld.
    let picture = picture_json(
        &w,
        &["--area", "GM1581", "--theme", "geweld", "--year", "2023"],
    );
    assert_eq!(picture["rows"][0]["withheld"], Json::Bool(true));
    assert!(picture["rows"][0]["count"].as_u64().is_some());
}

#[test]
fn rates_per_1000_use_85984ned_population() {
    let w = Workspace::new();
    w.import(&[&data(&format!("{UH}/{CODED}")), &data(POPULATION)]);
    let picture = picture_json(
        &w,
        &[
            "--area", "WK158101", "--theme", "totaal", "--year", "2023", "--month", "2023-03",
        ],
    );
    let population: BTreeMap<String, u64> = std::fs::read_to_string(data(POPULATION))
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[1].trim_matches('"').to_owned(), f[2].parse().unwrap())
        })
        .collect();
    let rows = picture["rows"].as_array().unwrap();
    assert!(rows.len() > 2);
    for row in rows.iter().filter(|r| r["level"] == "buurt") {
        let code = row["code"].as_str().unwrap();
        let inhabitants = population[code];
        assert_eq!(row["population"].as_u64(), Some(inhabitants), "{code}");
        assert_eq!(row["population_year"].as_i64(), Some(2024));
        if inhabitants >= 100 {
            let expected = row["count"].as_f64().unwrap() * 1000.0 / inhabitants as f64;
            assert!((row["per_1000"].as_f64().unwrap() - expected).abs() < 1e-9);
        } else {
            // Below the minimum population there is no rate (docs/rates-and-maps.md).
            assert!(row["per_1000"].is_null(), "{code}");
            assert_eq!(row["too_few_inhabitants"], inhabitants > 0, "{code}");
        }
    }
    // The wijk has no own figure in 85984NED: it is the sum of its buurten.
    let wijk: u64 = population
        .iter()
        .filter(|(c, _)| c.starts_with("BU158101"))
        .map(|(_, n)| n)
        .sum();
    assert_eq!(rows[0]["population"].as_u64(), Some(wijk));
}

#[test]
fn importing_the_same_file_twice_changes_nothing() {
    let w = Workspace::new();
    let file = data(&format!("{UH}/{CODED}"));
    w.import(&[&file]);
    let before = w.dump();
    let out = w.import(&[&file]);
    assert!(out.contains("al eerder ingelezen"), "{out}");
    assert_eq!(w.dump(), before);
}

#[test]
fn a_later_release_updates_changed_cells_and_keeps_what_the_earlier_said() {
    let w = Workspace::new();
    let first = w.write(
        "release1.csv",
        b"SoortMisdrijf;WijkenEnBuurten;Perioden;GeregistreerdeMisdrijven_1\n\
          0.0.0;GM1581;2023MM01;122\n0.0.0;GM1581;2023MM02;102\n",
    );
    let second = w.write(
        "release2.csv",
        b"SoortMisdrijf;WijkenEnBuurten;Perioden;GeregistreerdeMisdrijven_1\n\
          0.0.0;GM1581;2023MM01;125\n0.0.0;GM1581;2023MM02;102\n0.0.0;GM1581;2023MM03;115\n",
    );
    w.ok(&["import", "--release", "2023-03", first.to_str().unwrap()]);
    let out = w.ok(&["import", "--release", "2023-04", second.to_str().unwrap()]);
    assert!(
        out.contains("1 nieuwe cellen, 1 gewijzigd, 1 ongewijzigd"),
        "{out}"
    );
    let dump = w.dump();
    let jan = 2023 * 12;
    // Current value from release 2, cell said by import #3 (#1 is the shipped defaults).
    assert!(dump.contains(&format!(
        "cell\t47022NED\tGM1581\t0.0.0\tmonth\t{jan}\tCount(125)\t3"
    )));
    // February still attributed to the first release, which said it first.
    assert!(dump.contains(&format!(
        "cell\t47022NED\tGM1581\t0.0.0\tmonth\t{}\tCount(102)\t2",
        jan + 1
    )));
    // What release 1 said about January is kept.
    assert!(
        dump.contains(&format!(
            "revisions\t\"47022NED\"\t\"GM1581\"\t\"0.0.0\"\t\"month\"\t{jan}\t122\t2\t3"
        )),
        "{dump}"
    );
}

/// Kills the import (abort, no unwinding) after half the series were written.
#[test]
fn a_killed_import_leaves_the_store_as_it_was() {
    let w = Workspace::new();
    w.import(&[&data(POPULATION)]);
    let before = w.dump();
    let mut command = assert_cmd::Command::cargo_bin("buurtbeeld").unwrap();
    let output = command
        .arg("--data-dir")
        .arg(w.data_dir())
        .arg("import")
        .arg(data(&format!("{UH}/{CODED}")))
        .env("BUURTBEELD_FAILPOINT_ABORT_AFTER_SERIES", "1000")
        .output()
        .unwrap();
    assert!(
        !output.status.success(),
        "the failpoint must kill the process"
    );
    assert_eq!(w.dump(), before, "a killed import must leave no trace");
    // And the store still works: the same import now succeeds in full.
    w.import(&[&data(&format!("{UH}/{CODED}"))]);
    assert_eq!(cells(&w.dump()).len(), 27_612);
}

/// Month of a BVH `Kennisnamedatum/tijd` like `20-9-2017 17:30` as `year * 12 + month - 1`.
fn registration_month(text: &str) -> i64 {
    let date = text.split(' ').next().unwrap();
    let parts: Vec<i64> = date.split('-').map(|p| p.parse().unwrap()).collect();
    parts[2] * 12 + parts[1] - 1
}

#[test]
fn groningen_incidents_land_in_their_buurt_and_match_an_independent_count() {
    let w = Workspace::new();
    let out = w.import(&[
        &data("cbs-wijkbuurtkaart-2017-groningen/buurt2017.geojson"),
        &data("cbs-wijkbuurtkaart-2017-groningen/wijk2017.geojson"),
        &data("groningen-fietsdiefstallen-politie-2013-2017/fietsdiefstallen_groningen_BVH_2013-2017.csv"),
    ]);
    let placed: Vec<u64> = out
        .lines()
        .find(|l| l.contains("in een buurt geplaatst"))
        .expect("placement note")
        .split_whitespace()
        .filter_map(|w| w.replace('.', "").parse().ok())
        .take(2)
        .collect();
    let share = placed[0] as f64 / placed[1] as f64;
    println!(
        "placed {} of {} incidents ({:.3}%)",
        placed[0],
        placed[1],
        share * 100.0
    );
    assert_eq!(placed[1], 12_399);
    assert!(share >= 0.998, "only {share} placed");

    // The independent count: the data owner's RD→WGS84 conversion and point-in-polygon join
    // (derived_incident_to_BU2017.csv), with the month of registration from the export.
    let export = std::fs::read(data(
        "groningen-fietsdiefstallen-politie-2013-2017/fietsdiefstallen_groningen_BVH_2013-2017.csv",
    ))
    .unwrap();
    let (text, _, _) = encoding_rs::WINDOWS_1252.decode(&export);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let id_col = headers
        .iter()
        .position(|h| h == "Incident Identificatie")
        .unwrap();
    let date_col = headers
        .iter()
        .position(|h| h == "Kennisnamedatum/tijd")
        .unwrap();
    let month_of: BTreeMap<String, i64> = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[id_col].to_owned(), registration_month(&r[date_col]))
        })
        .collect();
    let mut expected: BTreeMap<(String, i64), u64> = BTreeMap::new();
    let mut joined = csv::Reader::from_path(data(
        "groningen-fietsdiefstallen-politie-2013-2017/derived_incident_to_BU2017.csv",
    ))
    .unwrap();
    for record in joined.records() {
        let record = record.unwrap();
        let buurt = if record[5].is_empty() {
            "BU00000000"
        } else {
            &record[5]
        };
        *expected
            .entry((buurt.to_owned(), month_of[&record[0]]))
            .or_default() += 1;
    }
    let stored = cells(&w.dump());
    let mut differences = Vec::new();
    let mut compared = 0;
    for ((source, area, category, month), value) in &stored {
        if source != "BVH" || !area.starts_with("BU") {
            continue;
        }
        assert_eq!(category, "1.2.3", "A72 maps to fietsdiefstal");
        compared += 1;
        let ours = count(value);
        let theirs = expected.get(&(area.clone(), *month)).copied().unwrap_or(0);
        if ours != theirs {
            differences.push(format!(
                "{area} month {month}: ours {ours}, independent {theirs}"
            ));
        }
    }
    let expected_total: u64 = expected.values().sum();
    println!(
        "compared {compared} buurt-months; {} differ; {expected_total} incidents in the independent count",
        differences.len()
    );
    assert!(compared > 108 * 40);
    assert!(differences.is_empty(), "{differences:#?}");
}

/// OData pages as saved from the API (padded keys, nulls for withheld) give the same cells as
/// the coded CSV of the same rows.
#[test]
fn odata_json_pages_equal_the_coded_csv() {
    let coded = std::fs::read_to_string(data(&format!("{UH}/{CODED}"))).unwrap();
    let rows: Vec<Vec<&str>> = coded
        .lines()
        .skip(1)
        .filter(|l| l.contains(";2023MM0"))
        .map(|l| l.split(';').collect())
        .collect();
    let w = Workspace::new();
    let mut pages = Vec::new();
    for (page, chunk) in rows.chunks(rows.len() / 2 + 1).enumerate() {
        let values: Vec<Json> = chunk
            .iter()
            .enumerate()
            .map(|(i, r)| {
                serde_json::json!({
                    "ID": i,
                    "SoortMisdrijf": format!("{:<6}", r[0]),
                    "WijkenEnBuurten": format!("{:<10}", r[1]),
                    "Perioden": r[2],
                    "GeregistreerdeMisdrijven_1": r[3].parse::<u64>().ok(),
                })
            })
            .collect();
        let document = serde_json::json!({
            "odata.metadata": "https://dataderden.cbs.nl/ODataApi/OData/47022NED/$metadata#Cbs.OData.WebAPI.TypedDataSet",
            "value": values,
        });
        pages.push(w.write(&format!("page{page}.json"), document.to_string().as_bytes()));
    }
    let csv: String = std::iter::once(coded.lines().next().unwrap().to_owned())
        .chain(rows.iter().map(|r| r.join(";")))
        .collect::<Vec<_>>()
        .join("\n");
    let reference = Workspace::new();
    reference.import(&[&reference.write("same.csv", csv.as_bytes())]);
    w.import(&pages.iter().map(|p| p.as_path()).collect::<Vec<_>>());
    let (ours, theirs) = (cells(&w.dump()), cells(&reference.dump()));
    assert_eq!(ours.len(), rows.len());
    assert!(ours == theirs, "OData import differs from the coded CSV");
}

#[test]
fn yearly_table_47018ned_is_read_with_its_own_code_list() {
    let w = Workspace::new();
    let file = w.write(
        "47018NED.csv",
        b"SoortMisdrijf;WijkenEnBuurten;Perioden;GeregistreerdeMisdrijven_1\n\
          0.0.0;GM1581;2022JJ00;1450\n0.0.0;GM1581;2023JJ00;1402\n",
    );
    let out = w.import(&[&file]);
    assert!(out.contains("(47018NED)"), "{out}");
    let picture = picture_json(
        &w,
        &["--area", "GM1581", "--theme", "totaal", "--year", "2023"],
    );
    let row = &picture["rows"][0];
    assert_eq!(row["count"].as_u64(), Some(1402));
    assert_eq!(row["previous_count"].as_u64(), Some(1450));
    assert_eq!(picture["source"], "47018NED");
    assert!((row["change_pct"].as_f64().unwrap() - (-3.310_344_827_586_207)).abs() < 1e-9);
}

/// Large coded files are parsed by two threads; the result must be the sequential one exactly,
/// and a bad file must still be reported with exact lines (the parallel path falls back).
#[test]
fn parallel_parsing_gives_the_sequential_store() {
    let file = data(&format!("{UH}/{CODED}"));
    let path = file.to_str().unwrap();
    let parallel = [("BUURTBEELD_PARALLEL_MIN_BYTES", "1")];
    let sequential = Workspace::new();
    sequential.ok(&["import", path]);
    let fast = Workspace::new();
    let output = fast.run_with_env(&["import", path], &parallel);
    assert!(output.status.success());
    assert_eq!(content(&fast.dump()), content(&sequential.dump()));
    // Same checksum in the log, so re-importing either way is a no-op.
    let log = |w: &Workspace| {
        w.ok(&["log"])
            .lines()
            .last()
            .unwrap()
            .split("sha256")
            .nth(1)
            .map(str::to_owned)
    };
    assert_eq!(log(&fast), log(&sequential));

    let broken = fast.write(
        "broken.csv",
        b"SoortMisdrijf;WijkenEnBuurten;Perioden;GeregistreerdeMisdrijven_1\n\
          0.0.0;GM1581;2023MM01;122\n0.0.0;GM1581;2023MM02;102\n0.0.0;GM1581;2023MM03;-5\n\
          0.0.0;GM1581;2023MM04;97\n",
    );
    let output = fast.run_with_env(&["import", broken.to_str().unwrap()], &parallel);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr.contains("broken.csv, regel 4, veld 'GeregistreerdeMisdrijven_1'"),
        "{stderr}"
    );
}

/// The reproduction of #16's silent corruption: a wijk of the real 2017 map without its own
/// `WK_CODE` used to be read as its gemeente (through `GM_CODE`), giving GM0014 that wijk's
/// boundary and population. It is refused now, and the store keeps its gemeente.
#[test]
fn a_wijk_without_its_own_code_is_refused_not_read_as_its_gemeente() {
    let workspace = Workspace::new();
    let wijken = data("cbs-wijkbuurtkaart-2017-groningen/wijk2017.geojson");
    workspace.import(&[&wijken]);
    let before = workspace.dump();

    let mut map: Json = serde_json::from_slice(&std::fs::read(&wijken).unwrap()).unwrap();
    let properties = map["features"][3]["properties"].as_object_mut().unwrap();
    assert!(properties.remove("WK_CODE").is_some());
    assert!(properties.contains_key("GM_CODE"));
    let broken = workspace.write("wijk2017.geojson", &serde_json::to_vec(&map).unwrap());

    let output = workspace.run(&["import", broken.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("wijk2017.geojson, feature 4, veld 'WK_CODE': geen gebiedscode"),
        "{stderr}"
    );
    assert_eq!(workspace.dump(), before);
}

/// `buurtbeeld demo | head -1`: once the reader has gone, the rest of the output is dropped and
/// the program ends with 0, not a panic (exit 101); the import itself has committed.
#[test]
fn a_reader_that_stops_early_ends_the_output_not_the_import() {
    use std::io::Read as _;
    let workspace = Workspace::new();
    let mut child =
        <std::process::Command as assert_cmd::cargo::CommandCargoExt>::cargo_bin("buurtbeeld")
            .unwrap()
            .arg("--data-dir")
            .arg(workspace.data_dir())
            .arg("demo")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 16];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(workspace
        .ok(&["log"])
        .contains("voorbeeld_interventie_stationsgebied_2015.toml"));
}

/// The synthetic Signalen meldingen (data/groningen-meldingen-synthetisch, SYNTHETIC) with the
/// 2017 buurten: every melding stored and placed, the columns not kept named, and a second
/// import of the same export replacing its meldingen by number instead of adding them again.
#[test]
fn signalen_meldingen_are_placed_and_a_reimport_replaces_them() {
    let w = Workspace::new();
    let meldingen =
        data("groningen-meldingen-synthetisch/signalen_meldingen_groningen_2013-2017.csv");
    let out = w.import(&[
        &data("cbs-wijkbuurtkaart-2017-groningen/buurt2017.geojson"),
        &meldingen,
    ]);
    assert!(
        out.contains("van 16.172 meldingen in een buurt geplaatst"),
        "{out}"
    );
    assert!(out.contains("updated_at, status (niet nodig)"), "{out}");
    let incidents = |dump: &str| {
        dump.lines()
            .filter(|l| l.starts_with("incidents\t"))
            .count()
    };
    let first = incidents(&w.dump());
    assert_eq!(first, 16_172);
    w.import(&[&meldingen]);
    assert_eq!(incidents(&w.dump()), first);
}
