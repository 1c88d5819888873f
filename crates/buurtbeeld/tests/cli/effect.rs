//! `buurtbeeld effect`: the demo's intervention measured by every estimator, and the plain
//! "onvoldoende gegevens" where the data cannot carry a number.

use crate::harness::{data, Workspace};

#[test]
fn the_demo_intervention_is_measured_by_before_after_and_difference_in_differences() {
    let w = Workspace::new();
    w.ok(&["demo"]);
    assert!(w.ok(&["effect"]).contains("lokfietsen-stationsgebied-2015"));
    let report: serde_json::Value = serde_json::from_str(&w.ok(&[
        "effect",
        "--intervention",
        "lokfietsen-stationsgebied-2015",
        "--format",
        "json",
    ]))
    .unwrap();
    let months = report["months"].as_array().unwrap();
    assert_eq!(months.first().unwrap(), "2013-01");
    // Up to the intervention's end, not the end of the data.
    assert_eq!(months.last().unwrap(), "2015-12");
    assert_eq!(
        months[report["start_index"].as_u64().unwrap() as usize],
        "2015-03"
    );
    let estimates = report["estimates"].as_array().unwrap();
    assert_eq!(estimates.len(), 3);
    for estimate in estimates {
        assert_eq!(estimate["verdict"]["status"], "estimate", "{estimate}");
        let p = estimate["verdict"]["p_value"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&p));
        let mid = estimate["verdict"]["percent"].as_f64().unwrap();
        if let (Some(low), Some(high)) = (
            estimate["verdict"]["percent_lower"].as_f64(),
            estimate["verdict"]["percent_upper"].as_f64(),
        ) {
            assert!(low <= mid && mid <= high, "{estimate}");
        }
        assert_eq!(
            estimate["counterfactual"].as_array().unwrap().len(),
            months.len()
        );
    }
    let synth = &estimates[2];
    assert_eq!(synth["method"], "synth");
    let weights: f64 = synth["comparison"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["weight"].as_f64().unwrap())
        .sum();
    assert!(
        (weights - 1.0).abs() < 1e-9,
        "synthetic weights sum to {weights}"
    );
    let did = &estimates[1];
    assert_eq!(did["method"], "did");
    let comparison = did["comparison"].as_array().unwrap();
    // Every buurt outside the Stationsgebied and its seven neighbours, the closest first.
    assert_eq!(comparison.len(), 100);
    assert!(comparison.iter().all(|c| c["code"] != "BU00140008"));

    // The seven buurten touching Stationsgebied (as shapely's `touches` finds them on the same
    // map) are measured for displacement and are never a comparison area or donor.
    let neighbours: Vec<&str> = report["neighbours"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n[0].as_str().unwrap())
        .collect();
    assert_eq!(
        neighbours,
        [
            "BU00140001",
            "BU00140003",
            "BU00140101",
            "BU00140102",
            "BU00140103",
            "BU00140104",
            "BU00140105"
        ]
    );
    for estimate in estimates {
        for area in estimate["comparison"].as_array().unwrap() {
            let code = area["code"].as_str().unwrap();
            assert!(
                !neighbours.contains(&code),
                "{code} borders the intervention"
            );
        }
    }
    let displacement = &report["displacement"];
    assert_eq!(displacement["estimate"]["method"], "displacement");
    assert_eq!(displacement["estimate"]["verdict"]["status"], "estimate");
    assert_eq!(
        displacement["observed"].as_array().unwrap().len(),
        months.len()
    );

    let text = w.ok(&["effect", "--intervention", "lokfietsen-stationsgebied-2015"]);
    for expected in [
        "voor/na (seizoensbasislijn)",
        "De zwakste vergelijking",
        "verschil-in-verschillen",
        "Vergelijkingsgebieden:",
        "synthetische controle",
        "placebotoets",
        "Dosering: 7 maanden, samen 176 uren lokfietsinzet",
        "Aangrenzende gebieden (geen vergelijking): Binnenstad-Zuid (BU00140001)",
        "verplaatsing of uitstraling (aangrenzende gebieden)",
    ] {
        assert!(text.contains(expected), "no '{expected}' in\n{text}");
    }

    let csv = w.ok(&[
        "effect",
        "--intervention",
        "lokfietsen-stationsgebied-2015",
        "--format",
        "csv",
    ]);
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("interventie;methode;omschrijving;gebieden;uitkomst;"));
    let methods: Vec<&str> = lines[1..5]
        .iter()
        .map(|l| l.split(';').nth(1).unwrap())
        .collect();
    assert_eq!(methods, ["before-after", "did", "synth", "displacement"]);
    assert!(lines[4].contains("BU00140001 BU00140003"), "{}", lines[4]);
    assert!(lines[5].starts_with("# Bron:"), "{csv}");

    let refused = w.run(&["effect", "--intervention", "bestaat-niet"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("lokfietsen-stationsgebied-2015"));
}

#[test]
fn too_short_a_period_before_the_start_is_said_plainly() {
    let w = Workspace::new();
    w.import(&[
        &data("cbs-wijkbuurtkaart-2017-groningen/buurt2017.geojson"),
        &data("groningen-fietsdiefstallen-politie-2013-2017/fietsdiefstallen_groningen_BVH_2013-2017.csv"),
    ]);
    let demo = data("plan/voorbeeld_interventie_stationsgebied_2015.toml");
    let demo = std::fs::read_to_string(demo).unwrap();
    // The same intervention started in July 2013 (without its dosage months).
    let early = demo
        .split("[[dosering]]")
        .next()
        .unwrap()
        .replace("start = \"2015-03\"", "start = \"2013-07\"");
    let file = w.write("vroeg.toml", early.as_bytes());
    w.import(&[&file]);
    let text = w.ok(&[
        "effect",
        "--intervention",
        "lokfietsen-stationsgebied-2015",
        "--method",
        "did",
    ]);
    assert!(
        text.contains("Onvoldoende gegevens: te korte periode vóór de start: 6 maanden"),
        "{text}"
    );
    assert!(
        !text.contains("voor/na"),
        "only the method asked for: {text}"
    );
}
