//! `buurtbeeld picture` and `demo` as a user meets them: output, refusals, idempotence.

use crate::harness::{data, Workspace};

const UH_CODED: &str =
    "politie-47022ned-utrechtse-heuvelrug-maand/misdrijven_GM1581_2022MM12-2023MM11_coded.csv";

fn refused(w: &Workspace, args: &[&str]) -> String {
    let output = w.run(args);
    assert_eq!(output.status.code(), Some(1), "{args:?} should be refused");
    String::from_utf8(output.stderr).unwrap()
}

#[test]
fn the_demo_shows_a_dutch_crime_picture_and_is_idempotent() {
    let w = Workspace::new();
    let first = w.ok(&["demo"]);
    for expected in [
        "Criminaliteitsbeeld Groningen (GM0014): Fietsdiefstal",
        "Periode 2015 vergeleken met 2014",
        "3.572",
        "+5,9%",
        "12.384 van 12.399 incidenten in een buurt geplaatst (99,88%)",
        "Criminaliteitsbeeld Utrechtse Heuvelrug (GM1581): Totaal misdrijven",
        "Bron: CBS/Politie",
    ] {
        assert!(
            first.contains(expected),
            "missing {expected:?} in:\n{first}"
        );
    }
    let dump = w.dump();
    let second = w.ok(&["demo"]);
    // Ten data files (two of them synthetic registrations) and the five files of the example
    // plan.
    assert_eq!(
        second.matches("al eerder ingelezen").count(),
        15,
        "{second}"
    );
    assert_eq!(w.dump(), dump);
}

#[test]
fn picture_formats_carry_the_json_contract_and_dutch_csv() {
    let w = Workspace::new();
    w.import(&[&data(UH_CODED)]);
    let json: serde_json::Value = serde_json::from_str(&w.ok(&[
        "picture",
        "--area",
        "GM1581",
        "--theme",
        "woninginbraak",
        "--year",
        "2023",
        "--month",
        "2023-11",
        "--format",
        "json",
    ]))
    .unwrap();
    let row = &json["rows"][0];
    for key in [
        "code",
        "name",
        "level",
        "count",
        "population",
        "per_1000",
        "previous_count",
        "change_pct",
        "p_value",
        "significant",
        "withheld",
    ] {
        assert!(row.get(key).is_some(), "row lacks {key}: {row}");
    }
    assert_eq!(json["period"], "2023-11");
    assert_eq!(json["attribution"], "Bron: CBS/Politie");
    let csv = w.ok(&[
        "picture",
        "--area",
        "GM1581",
        "--theme",
        "woninginbraak",
        "--year",
        "2023",
        "--format",
        "csv",
    ]);
    assert!(csv.starts_with("code;naam;niveau;aantal;"), "{csv}");
    assert!(csv.trim_end().ends_with("# Bron: CBS/Politie"), "{csv}");
}

#[test]
fn picture_refuses_what_it_cannot_answer_and_says_why() {
    let w = Workspace::new();
    w.import(&[&data(UH_CODED)]);
    let base = ["picture", "--theme", "totaal", "--year", "2023"];
    let with = |extra: &[&'static str]| -> Vec<&'static str> {
        base.iter().copied().chain(extra.iter().copied()).collect()
    };
    assert!(refused(&w, &with(&["--area", "GM9999"])).contains("onbekend gebied GM9999"));
    // A malformed code is a usage error (exit 2), named by clap with our reason.
    let output = w.run(&with(&["--area", "GM15"]));
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("is geen CBS-gebiedscode"));
    let err = refused(
        &w,
        &[
            "picture", "--area", "GM1581", "--theme", "inbraak", "--year", "2023",
        ],
    );
    assert!(
        err.contains("onbekend thema 'inbraak'") && err.contains("woninginbraak"),
        "{err}"
    );
    let err = refused(
        &w,
        &[
            "picture", "--area", "GM1581", "--theme", "totaal", "--year", "2019",
        ],
    );
    assert!(err.contains("december 2022 t/m november 2023"), "{err}");
    let err = refused(
        &w,
        &[
            "picture", "--area", "GM1581", "--theme", "bbv-halt", "--year", "2023",
        ],
    );
    assert!(err.contains("heeft geen politiecategorieën"), "{err}");
    let err = refused(
        &w,
        &[
            "picture", "--area", "GM1581", "--theme", "totaal", "--year", "2023", "--month",
            "2022-05",
        ],
    );
    assert!(err.contains("valt niet in --year 2023"), "{err}");
}
