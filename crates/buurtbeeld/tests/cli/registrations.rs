//! The municipality's own registrations end to end: a Signalen export and an enforcement file
//! with a mapping land in the store without a trace of the free text, reporter details and
//! personal columns they carried, and the VIS puts them beside each other.

use crate::harness::{data, Workspace};

/// Strings that stand for a person in the files below; none may be anywhere in the store.
const SECRETS: [&str; 6] = [
    "Jan de Vries",
    "jan.devries@example.nl",
    "06-12345678",
    "0612345678",
    "Vismarkt 1",
    "Opgepakt door agent Pietersen",
];

const SIGNALEN: &str = "id,created_at,main_slug,sub_slug,geometry,text,text_extra,email,phone,\
reporter_name,extra_properties,address_text\n\
17,2016-06-01 10:00:00+00,overlast-van-en-door-personen-of-groepen,jongerenoverlast,\
POINT(6.5665 53.2194),\"Jan de Vries belt 06-12345678, mail jan.devries@example.nl\",\
\"Vismarkt 1\",jan.devries@example.nl,0612345678,Jan de Vries,\
\"[{\"\"label\"\": \"\"Wie\"\", \"\"answer\"\": \"\"Jan de Vries\"\"}]\",Vismarkt 1\n\
18,2016-06-03 21:30:00+00,overlast-van-en-door-personen-of-groepen,jongerenoverlast,\
POINT(6.5670 53.2196),Weer jongeren,,,,,,\n\
19,2016-07-12 22:00:00+00,overlast-van-en-door-personen-of-groepen,jongerenoverlast,\
POINT(6.5500 53.2300),Groep bij de bank,,,,,,\n";

const ENFORCEMENT: &str = "Datum;Soort;X;Y;Opmerking\n\
02-06-2016;Overlast jongeren;233870;582050;Opgepakt door agent Pietersen\n\
15-07-2016;Overlast jongeren;232800;583300;Jan de Vries aangesproken (06-12345678)\n";

const MAPPING: &str = r#"source = "handhaving"
kind = "handhaving"
name = "Handhaving (test)"
drop = ["Opmerking"]

[columns]
date = "Datum"
category = "Soort"
x = "X"
y = "Y"

[categories]
"Overlast jongeren" = "jeugdoverlast"
"#;

#[test]
fn free_text_reporters_and_personal_columns_never_reach_the_store() {
    let workspace = Workspace::new();
    let signalen = workspace.write("meldingen.csv", SIGNALEN.as_bytes());
    let enforcement = workspace.write("handhaving.csv", ENFORCEMENT.as_bytes());
    workspace.write("handhaving.mapping.toml", MAPPING.as_bytes());
    let buurten = data("cbs-wijkbuurtkaart-2017-groningen/buurt2017.geojson");
    let summary = workspace.import(&[&buurten, &signalen, &enforcement]);
    assert!(summary.contains("vrije tekst"), "{summary}");
    assert!(summary.contains("'Opmerking'"), "{summary}");

    let dump = workspace.dump();
    assert_eq!(
        dump.lines()
            .filter(|l| l.starts_with("incidents\t"))
            .count(),
        5,
        "{dump}"
    );
    for secret in SECRETS {
        assert!(!dump.contains(secret), "'{secret}' is in the store");
    }

    // Both sources are read back side by side for the theme that maps their categories.
    let vis = workspace.ok(&[
        "vis",
        "--area",
        "GM0014",
        "--theme",
        "overlast-jeugd",
        "--format",
        "csv",
    ]);
    let mut lines = vis.lines();
    assert_eq!(
        lines.next(),
        Some("maand;Handhaving;Meldingen van bewoners;Meldingen van bewoners (problemen)")
    );
    // June 2016: one enforcement registration; two reports 30 m and two days apart, one problem.
    assert_eq!(lines.next(), Some("2016-06;1;2;1"));
    assert_eq!(lines.next(), Some("2016-07;1;1;1"));
}
