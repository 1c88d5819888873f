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
    assert_eq!(comparison.len(), 5);
    assert!(comparison.iter().all(|c| c["code"] != "BU00140008"));

    let text = w.ok(&["effect", "--intervention", "lokfietsen-stationsgebied-2015"]);
    for expected in [
        "voor/na (seizoensbasislijn)",
        "De zwakste vergelijking",
        "verschil-in-verschillen",
        "Vergelijkingsgebieden:",
        "synthetische controle",
        "placebotoets",
        "Dosering: 7 maanden, samen 176 uren lokfietsinzet",
    ] {
        assert!(text.contains(expected), "no '{expected}' in\n{text}");
    }

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
