//! Acceptance: Groningen's bicycle thefts 2013–2016, located in the CBS buurten of 2017, shown
//! on a later buurtindeling (the municipality's own, imported as indeling 2018) with the
//! reallocated share stated, and the gemeente's total per month unchanged to the incident.

use std::collections::BTreeMap;

use serde_json::Value as Json;

use crate::harness::{data, Workspace};

const BVH: &str =
    "groningen-fietsdiefstallen-politie-2013-2017/fietsdiefstallen_groningen_BVH_2013-2017.csv";

/// A store with the 2017 CBS map, the thefts located in it, and then the later indeling.
fn groningen() -> Workspace {
    let w = Workspace::new();
    w.import(&[
        &data("cbs-wijkbuurtkaart-2017-groningen/buurt2017.geojson"),
        &data("cbs-wijkbuurtkaart-2017-groningen/wijk2017.geojson"),
        &data(BVH),
    ]);
    let later = data("groningen-buurtindeling-gemeente/buurtindeling.geojson");
    w.ok(&["import", "--year", "2018", &later.display().to_string()]);
    w
}

/// The BVH counts of GM0014's buurten per month (`YYYY-MM`) straight from the store's dump.
fn source_totals(w: &Workspace) -> BTreeMap<String, u64> {
    let mut totals = BTreeMap::new();
    for line in w.dump().lines() {
        let f: Vec<&str> = line.split('\t').collect();
        if f[0] != "cell" || f[1] != "BVH" || !f[2].starts_with("BU0014") || f[3] != "1.2.3" {
            continue;
        }
        let ordinal: i64 = f[5].parse().unwrap();
        let month = format!("{}-{:02}", ordinal / 12, ordinal % 12 + 1);
        let n: u64 = f[6]
            .strip_prefix("Count(")
            .and_then(|v| v.strip_suffix(')'))
            .unwrap()
            .parse()
            .unwrap();
        *totals.entry(month).or_default() += n;
    }
    totals
}

#[test]
fn thefts_on_a_later_indeling_keep_every_monthly_total_exactly() {
    let w = groningen();
    let dump = w.dump();
    assert!(dump.contains("area_boundaries\t\"BU00140000\"\t2017"));
    assert!(dump.contains("area_boundaries\t\"BU00140000\"\t2018"));

    let json: Json = serde_json::from_str(&w.ok(&[
        "series",
        "--area",
        "GM0014",
        "--category",
        "1.2.3",
        "--indeling",
        "2018",
        "--from",
        "2013",
        "--to",
        "2016",
        "--format",
        "json",
    ]))
    .unwrap();
    let rows = json["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 112, "every buurt of the later indeling");
    let expected = source_totals(&w);
    let totals = json["totals"].as_array().unwrap();
    assert_eq!(totals.len(), 42, "January 2013 to June 2016");
    let mut incidents = 0;
    for (p, total) in totals.iter().enumerate() {
        let month = total["period"].as_str().unwrap();
        let source_total = total["source_total"].as_u64().unwrap();
        assert_eq!(Some(&source_total), expected.get(month), "{month}");
        assert_eq!(total["allocated"].as_u64(), Some(source_total), "{month}");
        assert_eq!(total["unallocated"].as_u64(), Some(0));
        let over_rows: u64 = rows
            .iter()
            .map(|r| r["cells"][p]["count"].as_u64().unwrap())
            .sum();
        assert_eq!(over_rows, source_total, "{month}: the buurten add up");
        incidents += source_total;
    }
    // Of the 108 CBS buurten, 106 lie wholly (≥ 99%) in one buurt of the later indeling;
    // BU00141302 and BU00141400 (the Meerstad area) were split, so only buurten they overlap
    // can hold reallocated thefts.
    let share = json["reallocated_share"].as_f64().unwrap();
    let reallocated: Vec<(&str, u64)> = rows
        .iter()
        .filter(|r| r["reallocated"].as_u64() > Some(0))
        .map(|r| {
            (
                r["code"].as_str().unwrap(),
                r["reallocated"].as_u64().unwrap(),
            )
        })
        .collect();
    println!(
        "{incidents} incidents; {:.3}% reallocated: {reallocated:?}",
        share * 100.0
    );
    assert!(share > 0.0 && share < 0.01, "{share}");
    assert!(reallocated
        .iter()
        .all(|(code, _)| code.starts_with("BU001413") || code.starts_with("BU001414")));

    let table = w.ok(&[
        "series",
        "--area",
        "GM0014",
        "--category",
        "1.2.3",
        "--indeling",
        "2018",
    ]);
    assert!(
        table.contains("van de registraties is herverdeeld uit gebieden van een andere indeling"),
        "{table}"
    );
    assert!(table.contains("Gemeente (totaal)"), "{table}");
    let csv = w.ok(&[
        "series",
        "--area",
        "GM0014",
        "--category",
        "1.2.3",
        "--indeling",
        "2018",
        "--from",
        "2015-01",
        "--to",
        "2015-03",
        "--format",
        "csv",
    ]);
    assert!(csv.starts_with("code;naam;periode;aantal;herverdeeld;aandeel_herverdeeld;ondergrens"));
    assert_eq!(csv.lines().filter(|l| l.contains(";2015-02;")).count(), 113);
}

#[test]
fn on_their_own_indeling_the_thefts_are_taken_as_they_are() {
    let w = groningen();
    let json: Json = serde_json::from_str(&w.ok(&[
        "series",
        "--area",
        "GM0014",
        "--category",
        "1.2.3",
        "--indeling",
        "2017",
        "--format",
        "json",
    ]))
    .unwrap();
    assert_eq!(json["rows"].as_array().unwrap().len(), 108);
    assert_eq!(json["reallocated_share"].as_f64(), Some(0.0));
    assert!(json["note"]
        .as_str()
        .unwrap()
        .starts_with("0,0% van de registraties"));

    let unknown = w.run(&[
        "series",
        "--area",
        "GM0014",
        "--category",
        "1.2.3",
        "--indeling",
        "2024",
    ]);
    assert_eq!(unknown.status.code(), Some(1));
    let message = String::from_utf8_lossy(&unknown.stderr);
    assert!(
        message.contains("geen buurten van GM0014 in de indeling 2024"),
        "{message}"
    );
    assert!(message.contains("2017, 2018"), "{message}");
}
