//! `buurtbeeld forecast` and `backtest` as a user meets them. Their accuracy on months they
//! never saw is tested in `buurtbeeld_analysis/tests/held_out_forecasts.rs`.

use serde_json::Value;

use crate::harness::{data, table_lines, Workspace};

fn groningen() -> Workspace {
    let w = Workspace::new();
    w.import(&[
        &data("cbs-wijkbuurtkaart-2017-groningen/buurt2017.geojson"),
        &data("groningen-fietsdiefstallen-politie-2013-2017/fietsdiefstallen_groningen_BVH_2013-2017.csv"),
    ]);
    w
}

fn forecast_json(w: &Workspace) -> Value {
    serde_json::from_str(&w.ok(&[
        "forecast",
        "--area",
        "GM0014",
        "--level",
        "buurt",
        "--theme",
        "fietsdiefstal",
        "--from",
        "2015-07",
        "--horizon",
        "12",
        "--format",
        "json",
    ]))
    .expect("JSON")
}

#[test]
fn forecast_rows_carry_the_json_contract_and_honest_labels() {
    let w = groningen();
    let json = forecast_json(&w);
    let rows = json["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 108 * 12);
    for key in [
        "code", "month", "forecast", "median", "variance", "lower_80", "upper_80", "lower_95",
        "upper_95", "method",
    ] {
        assert!(
            rows.iter().all(|r| r.get(key).is_some()),
            "a row lacks {key}"
        );
    }
    assert_eq!(rows[0]["month"], "2015-07");
    for row in rows {
        let f = |k: &str| row[k].as_f64().unwrap();
        assert!(f("lower_95") >= 0.0 && f("lower_95") <= f("lower_80"));
        assert!(f("lower_80") <= f("upper_80") && f("upper_80") <= f("upper_95"));
    }
    // Never "better than seasonal naive" unless the backtest said so.
    for area in json["areas"].as_array().unwrap() {
        if area["beats_seasonal_naive"] == true {
            assert!(area["mae"].as_f64().unwrap() < area["seasonal_naive_mae"].as_f64().unwrap());
        }
    }
    let table = w.ok(&[
        "forecast",
        "--area",
        "GM0014",
        "--theme",
        "fietsdiefstal",
        "--from",
        "2016-01",
        "--horizon",
        "6",
    ]);
    for expected in [
        "Vooruitblik Groningen (GM0014): Fietsdiefstal, 6 maanden vanaf januari 2016",
        "Beter dan seizoensnaïef",
        "80%-interval",
        "Bron: Politie (BVH-registraties, via de gemeente)",
    ] {
        assert!(
            table.contains(expected),
            "missing {expected:?} in:\n{table}"
        );
    }
}

#[test]
fn the_backtest_scores_every_method_and_the_ranking() {
    let w = groningen();
    let json: Value = serde_json::from_str(&w.ok(&[
        "backtest",
        "--area",
        "GM0014",
        "--level",
        "buurt",
        "--theme",
        "fietsdiefstal",
        "--from",
        "2016-07",
        "--horizon",
        "1",
        "--format",
        "json",
    ]))
    .unwrap();
    let methods: Vec<&str> = json["methods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["method"].as_str().unwrap())
        .collect();
    assert_eq!(methods[0], "seasonal_naive");
    assert_eq!(methods.len(), 9);
    // MASE divides by seasonal naive's in-sample error: its own out-of-sample MASE is near 1.
    let seasonal = json["methods"][0]["mase"].as_f64().unwrap();
    assert!(
        (seasonal - 1.0).abs() < 0.2,
        "seasonal naive MASE {seasonal}"
    );
    let chosen: u64 = json["methods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["chosen"].as_u64().unwrap())
        .sum();
    assert_eq!(chosen, 108);
    let pai = json["ranking"]["pai"].as_f64().unwrap();
    assert!(
        pai > 1.0,
        "flagging by forecast beats flagging at random: PAI {pai}"
    );
}

#[test]
fn forecast_requests_that_cannot_be_answered_say_why() {
    let w = groningen();
    // Exit 2: the command line is malformed (clap); exit 1: the question cannot be answered.
    for (args, code, expected) in [
        (
            vec!["--from", "2016"],
            2,
            "'2016' is geen maand zoals 2016-01",
        ),
        (
            vec!["--from", "2016-01", "--horizon", "13"],
            2,
            "13 is not in 1..=12",
        ),
        (
            vec!["--from", "2016-01", "--method", "prophet"],
            1,
            "onbekende methode 'prophet'; de methoden zijn: auto,",
        ),
        (
            vec!["--from", "2014-06"],
            1,
            "17 maanden historie vóór de voorspelling; nodig zijn er minstens 24",
        ),
    ] {
        let mut full = vec!["forecast", "--area", "GM0014", "--theme", "fietsdiefstal"];
        full.extend(args);
        let output = w.run(&full);
        assert_eq!(output.status.code(), Some(code), "{full:?}");
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(stderr.contains(expected), "{full:?}: {stderr}");
    }
}

#[test]
fn areas_by_name_and_the_forecast_starting_after_the_last_month() {
    let w = groningen();
    // A unique name, and no --from: the month after the last figure (the data end in 2016-06).
    let table = w.ok(&[
        "forecast",
        "--area",
        "stationsgebied",
        "--theme",
        "fietsdiefstal",
        "--horizon",
        "2",
    ]);
    assert!(
        table.starts_with(
            "Vooruitblik Stationsgebied (BU00140008): Fietsdiefstal, 2 maanden vanaf juli 2016"
        ),
        "{table}"
    );
    // A name several areas share: refused with the candidates.
    let output = w.run(&[
        "forecast",
        "--area",
        "Binnenstad",
        "--theme",
        "fietsdiefstal",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(
        message.contains(
            "'Binnenstad' past bij 4 gebieden; kies een code: BU00140000 Binnenstad-Noord (buurt)"
        ),
        "{message}"
    );
    let output = w.run(&["forecast", "--area", "Atlantis", "--theme", "fietsdiefstal"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("geen gebied heet 'Atlantis'"));
    // A month names its year.
    let picture = w.ok(&[
        "picture",
        "--area",
        "Groningen",
        "--theme",
        "fietsdiefstal",
        "--month",
        "2015-03",
    ]);
    assert!(
        picture.contains("Periode maart 2015 vergeleken met maart 2014"),
        "{picture}"
    );
}

#[test]
fn tables_fit_the_width_in_columns() {
    let w = groningen();
    let args = [
        "hotspots",
        "--area",
        "GM0014",
        "--theme",
        "fietsdiefstal",
        "--period",
        "2015",
        "--permutations",
        "99",
    ];
    let wide = w.ok(&args);
    let widest = |text: &str| text.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    assert!(widest(&wide) > 100, "the natural table is wide");
    let output = w.run_with_env(&args, &[("COLUMNS", "80")]);
    assert!(output.status.success());
    let narrow = String::from_utf8(output.stdout).unwrap();
    for line in table_lines(&narrow) {
        assert!(line.chars().count() <= 80, "{line}");
    }
}
