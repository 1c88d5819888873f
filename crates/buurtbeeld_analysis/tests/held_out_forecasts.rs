//! Forecasts scored on real months they never saw: the Groningen bicycle thefts per buurt,
//! trained on 2013-01 … 2015-06 and forecast 12 months ahead (2015-07 … 2016-06), against the
//! simple rules an analyst would use instead. The figures are in BENCHMARKS.md ("Forecasts on
//! real months"); `cargo test -p buurtbeeld_analysis --test held_out_forecasts -- --nocapture`
//! prints them.

mod common;

use buurtbeeld_analysis::{forecast, ForecastRequest, Subject};
use buurtbeeld_cube::{AreaCode, AreaLevel, Period};
use buurtbeeld_stats::forecast::central_coverage;
use buurtbeeld_stats::simple_rules::SimpleRule;

#[test]
fn chosen_forecasts_beat_every_simple_rule_on_the_next_year() {
    let request = ForecastRequest {
        area: AreaCode::parse("GM0014").unwrap(),
        level: Some(AreaLevel::Buurt),
        subject: Subject::Theme("fietsdiefstal".to_owned()),
        from: Period::Month {
            year: 2015,
            month: 7,
        },
        horizon: 12,
        method: None,
        source: None,
    };
    let result = forecast(&common::store(), &request).expect("a forecast");
    let (mut errors, mut in_80, mut in_95, mut cells) = (0.0, 0.0, 0.0, 0usize);
    let (mut whole_80, mut whole_95) = (0, 0);
    let mut rule_errors = [0.0; SimpleRule::ALL.len()];
    for area in &result.areas {
        let rows = result.rows.iter().filter(|r| r.code == area.code);
        for (ahead, row) in rows.enumerate() {
            let actual = row.actual.expect("the store holds 2015-07 … 2016-06") as f64;
            errors += (row.median - actual).abs();
            in_80 += central_coverage(row.forecast, row.variance, actual, 0.10, 0.90);
            in_95 += central_coverage(row.forecast, row.variance, actual, 0.025, 0.975);
            whole_80 += usize::from(row.lower_80 <= actual && actual <= row.upper_80);
            whole_95 += usize::from(row.lower_95 <= actual && actual <= row.upper_95);
            for (rule, sum) in SimpleRule::ALL.iter().zip(&mut rule_errors) {
                let point = rule.point(&area.history, ahead + 1).expect("30 months");
                *sum += (point - actual).abs();
            }
            cells += 1;
        }
    }
    let n = cells as f64;
    let mae = errors / n;
    let (coverage_80, coverage_95) = (in_80 / n, in_95 / n);
    println!(
        "{} buurten × 12 months, method {}: MAE {mae:.3}, coverage (PIT) 80% {coverage_80:.3}, \
         95% {coverage_95:.3}; inside the whole-number bounds 80% {:.3}, 95% {:.3}",
        result.areas.len(),
        result.areas[0].method.name(),
        whole_80 as f64 / n,
        whole_95 as f64 / n,
    );
    for (rule, sum) in SimpleRule::ALL.iter().zip(rule_errors) {
        println!(
            "  {}: MAE {:.3} (ratio {:.3})",
            rule.name(),
            sum / n,
            mae / (sum / n)
        );
    }
    assert!(cells >= 1_000, "{cells} buurt-months");
    for (rule, sum) in SimpleRule::ALL.iter().zip(rule_errors) {
        assert!(mae < sum / n, "{}: {} ≥ {}", rule.name(), mae, sum / n);
    }
    let same_month = rule_errors[0] / n;
    assert!(mae <= 0.85 * same_month, "{mae} > 0,85 × {same_month}");
    assert!((coverage_80 - 0.80).abs() <= 0.05, "80%: {coverage_80}");
    assert!((coverage_95 - 0.95).abs() <= 0.05, "95%: {coverage_95}");
}
