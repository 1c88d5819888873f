//! `buurtbeeld hotspots` as a user meets it, and its figures against PySAL on the real
//! Groningen data: the whole chain (BVH import, point-in-polygon, stored geometry, weights,
//! statistics) against esda computed from the published files.

use std::path::Path;

use serde_json::Value;

use crate::harness::{data, Workspace};

/// How far apart two Monte Carlo p-values from 999 permutations each may lie, in standard
/// errors of their difference (`√(2p(1−p)/999)`): both esda and we share one set of draws over
/// all areas, so the differences are correlated and a few reach 3–4 SE; 5 SE has a chance of
/// about 1 in 10⁶ per area of failing by chance.
const PERMUTATION_SE: f64 = 5.0;

fn monte_carlo_close(ours: f64, theirs: f64) -> bool {
    let p = ((ours + theirs) / 2.0).clamp(0.01, 0.99);
    (ours - theirs).abs() <= PERMUTATION_SE * (2.0 * p * (1.0 - p) / 999.0).sqrt()
}

fn groningen() -> Workspace {
    let w = Workspace::new();
    w.import(&[
        &data("cbs-wijkbuurtkaart-2017-groningen/buurt2017.geojson"),
        &data("cbs-wijkbuurtkaart-2017-groningen/wijk2017.geojson"),
        &data("groningen-fietsdiefstallen-politie-2013-2017/fietsdiefstallen_groningen_BVH_2013-2017.csv"),
    ]);
    w
}

fn oracle() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../buurtbeeld_stats/tests/fixtures/hotspots_groningen.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("fixture")).expect("JSON")
}

fn floats(value: &Value) -> Vec<f64> {
    value
        .as_array()
        .expect("array")
        .iter()
        .map(|v| v.as_f64().expect("number"))
        .collect()
}

fn json_rows(w: &Workspace, extra: &[&str]) -> (Value, std::collections::BTreeMap<String, Value>) {
    let mut args = vec![
        "hotspots",
        "--area",
        "GM0014",
        "--theme",
        "fietsdiefstal",
        "--period",
        "2015",
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    let result: Value = serde_json::from_str(&w.ok(&args)).expect("JSON output");
    let rows = result["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| (r["code"].as_str().expect("code").to_owned(), r.clone()))
        .collect();
    (result, rows)
}

#[test]
fn groningen_hotspots_match_pysal() {
    let w = groningen();
    let oracle = oracle();
    let codes: Vec<String> = oracle["bu_code"]
        .as_array()
        .expect("codes")
        .iter()
        .map(|c| c.as_str().expect("code").to_owned())
        .collect();
    let (result, rows) = json_rows(&w, &[]);
    assert_eq!(rows.len(), codes.len());
    assert_eq!(result["correction"], "benjamini-hochberg");
    assert_eq!(result["permutations"], 999);

    let y = floats(&oracle["y"]);
    let z = floats(&oracle["gi_star"]["Zs"]);
    let p_norm = floats(&oracle["gi_star"]["p_norm"]);
    let gi_p_sim = floats(&oracle["gi_star"]["p_sim"]);
    let moran_i = floats(&oracle["local_moran"]["Is"]);
    let moran_q = floats(&oracle["local_moran"]["q"]);
    let moran_p_sim = floats(&oracle["local_moran"]["p_sim"]);
    let p_bh = floats(&oracle["multiple_testing"]["p_bh"]);
    let mut worst_z = 0.0f64;
    for (i, code) in codes.iter().enumerate() {
        let row = &rows[code];
        // The counts: our import and point-in-polygon against the independent join.
        assert_eq!(row["count"].as_f64(), Some(y[i]), "{code}: count");
        let ours = row["gi_star_z"].as_f64().expect("z");
        worst_z = worst_z.max((ours - z[i]).abs());
        assert!((ours - z[i]).abs() <= 1e-9, "{code}: z {ours} vs {}", z[i]);
        let p = row["gi_star_p"].as_f64().expect("p");
        assert!(
            (p - 2.0 * p_norm[i]).abs() <= 1e-9 * p.max(1e-12),
            "{code}: p {p} vs 2 × {}",
            p_norm[i]
        );
        let adjusted = row["p_adjusted"].as_f64().expect("p adjusted");
        assert!(
            (adjusted - p_bh[i]).abs() <= 1e-9 * adjusted.max(1e-12),
            "{code}: BH"
        );
        let lisa = row["lisa_i"].as_f64().expect("I");
        assert!(
            (lisa - moran_i[i]).abs() <= 1e-9,
            "{code}: I {lisa} vs {}",
            moran_i[i]
        );
        let quadrant = ["HH", "LH", "LL", "HL"][moran_q[i] as usize - 1];
        assert_eq!(row["lisa_quadrant"], quadrant, "{code}: quadrant");
        // Permutation p-values: different random draws, the same distribution.
        for (key, theirs) in [
            ("gi_star_p_sim", gi_p_sim[i]),
            ("lisa_p_sim", moran_p_sim[i]),
        ] {
            let ours = row[key].as_f64().expect(key);
            assert!(
                monte_carlo_close(ours, theirs),
                "{code}: {key} {ours} vs esda {theirs}"
            );
        }
    }
    println!("Groningen: largest |z − esda z| = {worst_z:e}");
}

#[test]
fn rates_use_empirical_bayes_as_pysal_does() {
    let w = groningen();
    let oracle = oracle();
    let codes = oracle["bu_code"].as_array().expect("codes");
    let areas: Vec<usize> = oracle["rate_areas"]
        .as_array()
        .expect("rate areas")
        .iter()
        .map(|i| i.as_u64().expect("index") as usize)
        .collect();
    let rate = floats(&oracle["rate_per_1000"]);
    let z = floats(&oracle["gi_star_rate"]["Zs"]);
    // esda smooths over every inhabited buurt: the minimum population goes down to 1 to
    // compare the method itself (by default buurten under 100 inhabitants are left out).
    let (result, rows) = json_rows(&w, &["--measure", "per_1000", "--min-population", "1"]);
    assert_eq!(result["measure"], "per_1000");
    // Only the inhabited buurten have a rate per inhabitant; the note names the others.
    assert_eq!(rows.len(), areas.len());
    assert!(result["notes"][0]
        .as_str()
        .unwrap()
        .contains("BU00140007 (60)"));
    for (k, &i) in areas.iter().enumerate() {
        let code = codes[i].as_str().expect("code");
        let row = &rows[code];
        let value = row["value"].as_f64().expect("value");
        assert!(
            (value - rate[k]).abs() <= 1e-9 * rate[k].max(1.0),
            "{code}: rate"
        );
        let ours = row["gi_star_z"].as_f64().expect("z");
        assert!((ours - z[k]).abs() <= 1e-9, "{code}: z {ours} vs {}", z[k]);
    }
}

#[test]
fn the_table_explains_every_flag_and_the_formats_agree() {
    let w = groningen();
    let table = w.ok(&[
        "hotspots",
        "--area",
        "GM0014",
        "--theme",
        "fietsdiefstal",
        "--period",
        "2016-03",
    ]);
    for expected in [
        "Waar is actie nodig? Groningen (GM0014): Fietsdiefstal, maart 2016 per buurt",
        "999 permutaties (seed 20261123), correctie Benjamini-Hochberg (FDR) op α = 0,05",
        "Binnenstad-Noord",
        "Ontwikkeling over april 2015 t/m maart 2016 (12 perioden).",
        "Bron: Politie (BVH-registraties, via de gemeente)",
    ] {
        assert!(
            table.contains(expected),
            "missing {expected:?} in:\n{table}"
        );
    }
    let (json, rows) = json_rows(&w, &["--weights", "knn:6"]);
    assert_eq!(json["weights"], "knn:6");
    for key in [
        "code",
        "name",
        "value",
        "gi_star_z",
        "gi_star_p",
        "p_adjusted",
        "lisa_quadrant",
        "class",
        "emerging_class",
        "expected",
        "spike",
        "explanation",
    ] {
        assert!(
            rows.values().all(|r| r.get(key).is_some()),
            "a row lacks {key}"
        );
    }
    for row in rows.values() {
        let flagged = row["class"] == "hot" || row["class"] == "cold" || row["spike"] == true;
        assert_eq!(row["explanation"].is_string(), flagged, "{row}");
    }
    let csv = w.ok(&[
        "hotspots",
        "--area",
        "GM0014",
        "--theme",
        "fietsdiefstal",
        "--period",
        "2015",
        "--format",
        "csv",
    ]);
    assert!(csv.starts_with("code;naam;waarde;"), "{csv}");
    assert_eq!(csv.lines().count(), 1 + 108 + 1);
    // The same seed gives the same output; another seed other permutation p-values only.
    assert_eq!(json_rows(&w, &[]).0, json_rows(&w, &[]).0);
}

#[test]
fn hotspot_requests_that_cannot_be_answered_say_why() {
    let w = groningen();
    // Malformed options are usage errors (exit 2), named by clap with the allowed values.
    for (args, expected) in [
        (vec!["--weights", "king"], "'king' is geen burenregel"),
        (
            vec!["--measure", "rate"],
            "[possible values: count, per_1000]",
        ),
        (
            vec!["--correction", "holm"],
            "[possible values: bh, bonferroni, none]",
        ),
        (vec!["--permutations", "0"], "0 is not in 1..=99999"),
    ] {
        let mut full = vec![
            "hotspots",
            "--area",
            "GM0014",
            "--theme",
            "fietsdiefstal",
            "--period",
            "2015",
        ];
        full.extend(args);
        let output = w.run(&full);
        assert_eq!(output.status.code(), Some(2), "{full:?}");
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(stderr.contains(expected), "{full:?}: {stderr}");
    }
    for (period, code, expected) in [
        (
            "2015-13",
            2,
            "'2015-13' is geen jaar (2015) of maand (2015-06)",
        ),
        (
            "2030",
            1,
            "geen cijfers voor GM0014 over 2030 in bron BVH; de bron beslaat januari 2013 t/m juni 2016",
        ),
    ] {
        let output = w.run(&[
            "hotspots",
            "--area",
            "GM0014",
            "--theme",
            "fietsdiefstal",
            "--period",
            period,
        ]);
        assert_eq!(output.status.code(), Some(code));
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(stderr.contains(expected), "{period}: {stderr}");
    }
}

#[test]
fn islands_are_reported_and_spikes_carry_their_expectation() {
    let w = groningen();
    let (result, rows) = json_rows(&w, &["--weights", "distance:1500"]);
    assert_eq!(
        result["islands"],
        serde_json::json!(["BU00141401", "BU00141402"])
    );
    for island in ["BU00141401", "BU00141402"] {
        assert_eq!(rows[island]["class"], "island");
        assert_eq!(rows[island]["gi_star_z"], Value::Null);
    }
    // October 2015 in Europapark: 12 bicycle thefts where the preceding 12 months averaged 1,7.
    let result: Value = serde_json::from_str(&w.ok(&[
        "hotspots",
        "--area",
        "GM0014",
        "--theme",
        "fietsdiefstal",
        "--period",
        "2015-10",
        "--format",
        "json",
    ]))
    .unwrap();
    let spikes: Vec<&Value> = result["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["spike"] == true)
        .collect();
    assert_eq!(spikes.len(), 1, "{spikes:?}");
    assert_eq!(spikes[0]["code"], "BU00140501");
    assert_eq!(spikes[0]["count"], 12);
    assert_eq!(spikes[0]["expected"].as_f64().unwrap(), 20.0 / 12.0);
    assert_eq!(
        spikes[0]["explanation"],
        "Meer dan de eigen geschiedenis doet verwachten: 12 geregistreerd, verwacht 1,7."
    );
    assert_eq!(
        spikes[0]["evidence"],
        "piek: 12 geregistreerd, verwacht 1,7 op eigen historie (p = 0,001 na correctie)"
    );
}
