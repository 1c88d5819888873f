//! Simulation tests of the effect estimators: on seeded synthetic panels with a known injected
//! effect (and with none), does the 95% interval cover the truth in about 95% of runs, and does
//! the test call "no effect" significant in about 5%?
//!
//! The panels look like a municipality's buurten: monthly Poisson counts around 15–25 a month
//! with a yearly season, times a log-normal AR(1) disturbance (correlation 0,5 from month to
//! month, standard deviation 0,1) that makes counts overdispersed and serially correlated, as
//! registered crime is. 36 months before the start, 12 after. An effect multiplies the treated
//! areas' expected counts after the start. Each run has its own seed; the rates are printed
//! (`cargo test -p buurtbeeld_stats --test simulation -- --nocapture`).
//!
//! With `RUNS` runs a true rate of 5% is measured with a standard error of 0,7 points, so the
//! bounds below (3–7% and 93–97%) fail a correct method about once in 250 runs of the suite;
//! the seeds are fixed, so a passing suite keeps passing.

use std::f64::consts::PI;

use buurtbeeld_stats::difference_in_differences::difference_in_differences;
use buurtbeeld_stats::rate_ratio_interval;
use buurtbeeld_stats::synthetic_control::synthetic_control_with_placebos;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use statrs::distribution::{Normal, Poisson};

const MONTHS: usize = 48;
const START: usize = 36;
const RUNS: u64 = 1000;

/// A panel and the expected counts behind it.
struct Panel {
    counts: Vec<Vec<f64>>,
    /// Expected counts of each area without the intervention.
    expected: Vec<Vec<f64>>,
}

/// `areas` areas of which the first `treated` get the effect `factor` (0,8 = 20% fewer) from
/// `START` on. `disturbance`: the AR(1) standard deviation (0 gives pure Poisson counts).
fn panel(seed: u64, areas: usize, treated: usize, factor: f64, disturbance: f64) -> Panel {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let noise = Normal::new(0.0, disturbance.max(1e-12)).unwrap();
    let mut counts = Vec::with_capacity(areas);
    let mut expected = Vec::with_capacity(areas);
    for area in 0..areas {
        let level = rng.gen_range(15.0..25.0);
        let mut log_disturbance = 0.0;
        let mut own_counts = Vec::with_capacity(MONTHS);
        let mut own_expected = Vec::with_capacity(MONTHS);
        for month in 0..MONTHS {
            let season = 1.0 + 0.2 * (2.0 * PI * month as f64 / 12.0).sin();
            let mean = level * season;
            log_disturbance = 0.5 * log_disturbance + disturbance * rng.sample(noise);
            let effect = if area < treated && month >= START {
                factor
            } else {
                1.0
            };
            let lambda = mean * effect * log_disturbance.exp();
            own_counts.push(rng.sample(Poisson::new(lambda).unwrap()));
            own_expected.push(mean);
        }
        counts.push(own_counts);
        expected.push(own_expected);
    }
    Panel { counts, expected }
}

/// The true effect per treated area per month: the expected counts the factor removes.
fn true_effect(panel: &Panel, treated: usize, factor: f64) -> f64 {
    let removed: f64 = panel.expected[..treated]
        .iter()
        .flat_map(|e| &e[START..])
        .map(|mean| mean * (factor - 1.0))
        .sum();
    removed / (treated * (MONTHS - START)) as f64
}

fn rate(hits: u64) -> f64 {
    hits as f64 / RUNS as f64
}

fn assert_near(what: &str, measured: f64, stated: f64) {
    println!("{what}: {:.1}%", 100.0 * measured);
    assert!(
        (measured - stated).abs() <= 0.02,
        "{what}: {measured} against the stated {stated}"
    );
}

/// Difference-in-differences with the area-level inference: 95% intervals cover the injected
/// effect in about 95% of runs, and without an effect about 5% of runs are significant. The
/// cluster-robust standard error, measured on the same panels with one treated area, is far
/// too small: that is why verdicts use the area-level one.
#[test]
fn difference_in_differences_keeps_its_stated_rates() {
    for (areas, treated) in [(6, 1), (12, 3)] {
        let flags: Vec<bool> = (0..areas).map(|i| i < treated).collect();
        let (mut covered, mut false_positives, mut robust_false_positives) = (0, 0, 0);
        for run in 0..RUNS {
            let with_effect = panel(run, areas, treated, 0.8, 0.1);
            let truth = true_effect(&with_effect, treated, 0.8);
            let estimate = difference_in_differences(&with_effect.counts, &flags, START).unwrap();
            let (lower, upper) = estimate.area_level.interval;
            covered += u64::from(lower <= truth && truth <= upper);

            let without = panel(RUNS + run, areas, treated, 1.0, 0.1);
            let estimate = difference_in_differences(&without.counts, &flags, START).unwrap();
            false_positives += u64::from(estimate.area_level.p_value < 0.05);
            robust_false_positives += u64::from(estimate.cluster_robust.p_value < 0.05);
        }
        let case = format!("DiD, {treated} of {areas} areas treated");
        assert_near(&format!("{case}: coverage"), rate(covered), 0.95);
        assert_near(
            &format!("{case}: false positives"),
            rate(false_positives),
            0.05,
        );
        println!(
            "{case}: false positives of the cluster-robust test: {:.1}%",
            100.0 * rate(robust_false_positives)
        );
        if treated == 1 {
            assert!(rate(robust_false_positives) > 0.15);
        }
    }
}

/// Binomial thinning of `counts` from `START` on: each incident stays with probability
/// `factor`, which turns Poisson counts with mean `λ` into Poisson counts with mean `factor·λ`.
fn thin(counts: &mut [f64], factor: f64, rng: &mut ChaCha8Rng) {
    for count in &mut counts[START..] {
        *count = (0..*count as u64).filter(|_| rng.gen_bool(factor)).count() as f64;
    }
}

/// Areas like a city's buurten, from quiet to busy: levels log-uniform between 2 and 60 a
/// month, otherwise as [`panel`] (season, AR(1) disturbance of standard deviation 0,1).
/// Returns the counts and each area's level.
fn uneven_panel(seed: u64, areas: usize) -> (Vec<Vec<f64>>, Vec<f64>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let noise = Normal::new(0.0, 0.1).unwrap();
    let levels: Vec<f64> = (0..areas)
        .map(|_| rng.gen_range(2f64.ln()..60f64.ln()).exp())
        .collect();
    let counts = levels
        .iter()
        .map(|level| {
            let mut log_disturbance = 0.0;
            (0..MONTHS)
                .map(|month| {
                    let season = 1.0 + 0.2 * (2.0 * PI * month as f64 / 12.0).sin();
                    log_disturbance = 0.5 * log_disturbance + rng.sample(noise);
                    let lambda = level * season * log_disturbance.exp();
                    rng.sample(Poisson::new(lambda).unwrap())
                })
                .collect()
        })
        .collect();
    (counts, levels)
}

/// Poisson difference-in-differences with placebos in space, 1 treated area among 81 (80
/// placebos: the equal-tailed p-value is 2·(1 + k)/81, below 5% only for k ≤ 1, so its exact
/// size under exchangeability is 4/81 = 4,9% and the inverted interval's coverage 95,1%).
/// Designs: areas of similar size (15–25 a month) with the first treated; uneven areas (2–60
/// a month, log-uniform) with the top hotspot (the highest level) treated, or a random one;
/// and the busiest area by its counts *before the start* treated, which adds regression to the
/// mean (an area picked for its high counts falls back somewhat on its own). Effect: 40% fewer
/// incidents after the start, by binomial thinning; the interval should cover log(0,6).
///
/// Measured (1.000 panels each): false positives 5,0% / 6,5% / 4,3%, coverage 94,9% / 94,6% /
/// 95,6%, for similar / top hotspot / random uneven; picked on its counts before the start
/// 7,4% false positives (regression to the mean). With 1.000 panels a true 5% is measured with
/// a standard error of 0,7 points: the bounds are 3–7% and 93–97%. The top hotspot's 6,5% is
/// near the bound: its variance is mostly the estimated `σ²`, whose own noise (80 placebos)
/// widens its statistic's tails a little.
#[test]
fn poisson_difference_in_differences_keeps_its_stated_rates() {
    use buurtbeeld_stats::poisson_did::poisson_difference_in_differences;
    const AREAS: usize = 81;
    const PANELS: u64 = 1000;
    let truth = 0.6f64.ln();
    let designs = [
        "similar areas",
        "top hotspot",
        "random uneven area",
        "busiest before the start",
    ];
    for design in designs {
        let (mut covered, mut false_positives, mut found) = (0, 0, 0);
        for run in 0..PANELS {
            let seed = 7_000_000 + run;
            // Not the panel's own seed: thinning must not reuse the draws that made the counts.
            let mut rng = ChaCha8Rng::seed_from_u64(seed + 1_000_000_000);
            let (mut counts, treated_row) = if design == "similar areas" {
                (panel(seed, AREAS, 0, 1.0, 0.1).counts, 0)
            } else {
                let (counts, levels) = uneven_panel(seed, AREAS);
                let top = |key: &dyn Fn(usize) -> f64| {
                    (0..AREAS)
                        .max_by(|a, b| key(*a).total_cmp(&key(*b)))
                        .unwrap()
                };
                let row = match design {
                    "top hotspot" => top(&|i| levels[i]),
                    "busiest before the start" => top(&|i| counts[i][..START].iter().sum()),
                    _ => rng.gen_range(0..AREAS),
                };
                (counts, row)
            };
            let flags: Vec<bool> = (0..AREAS).map(|i| i == treated_row).collect();
            let without = poisson_difference_in_differences(&counts, &flags, START, 30.0).unwrap();
            false_positives += u64::from(without.placebo.p_value < 0.05);
            thin(&mut counts[treated_row], 0.6, &mut rng);
            let with = poisson_difference_in_differences(&counts, &flags, START, 30.0).unwrap();
            let (lower, upper) = with.placebo.interval;
            covered += u64::from(lower <= truth && truth <= upper);
            found += u64::from(with.placebo.p_value < 0.05);
        }
        let share = |hits: u64| hits as f64 / PANELS as f64;
        println!(
            "Poisson DiD, {design}: false positives {:.1}%, coverage {:.1}%, found a 40% fall \
             in {:.1}%",
            100.0 * share(false_positives),
            100.0 * share(covered),
            100.0 * share(found)
        );
        if design == "busiest before the start" {
            assert!(share(false_positives) <= 0.12);
        } else {
            assert!((0.03..=0.07).contains(&share(false_positives)));
            assert!((0.93..=0.97).contains(&share(covered)));
        }
        // Uneven areas include quiet ones whose 40% is a handful of incidents.
        assert!(share(found) >= if design == "similar areas" { 0.95 } else { 0.6 });
    }
}

/// Before/after with the exact Poisson rate-ratio interval: it assumes pure Poisson counts
/// around a stable seasonal level, and on such counts keeps its rates (conservatively: the
/// exact interval is at least 95%). On overdispersed, serially correlated counts its
/// false-positive rate is measured and printed: the reason it is labelled the weakest.
#[test]
fn before_after_keeps_its_stated_rates_on_poisson_counts() {
    let (mut covered, mut false_positives, mut overdispersed_false_positives) = (0, 0, 0);
    // Totals before and after of the one area, per month of exposure: the post-period is one
    // full year, so the season cancels against the three years before it.
    let totals = |panel: &Panel| -> (u64, u64) {
        let counts = &panel.counts[0];
        let sum = |part: &[f64]| part.iter().sum::<f64>() as u64;
        (sum(&counts[START..]), sum(&counts[..START]))
    };
    let (post, pre) = ((MONTHS - START) as f64, START as f64);
    for run in 0..RUNS {
        let with_effect = panel(run, 1, 1, 0.8, 0.0);
        let (after, before) = totals(&with_effect);
        let (lower, upper) = rate_ratio_interval(after, post, before, pre);
        covered += u64::from(lower <= 0.8 && 0.8 <= upper);

        let (after, before) = totals(&panel(RUNS + run, 1, 1, 1.0, 0.0));
        let (lower, upper) = rate_ratio_interval(after, post, before, pre);
        false_positives += u64::from(!(lower <= 1.0 && 1.0 <= upper));

        let (after, before) = totals(&panel(2 * RUNS + run, 1, 1, 1.0, 0.1));
        let (lower, upper) = rate_ratio_interval(after, post, before, pre);
        overdispersed_false_positives += u64::from(!(lower <= 1.0 && 1.0 <= upper));
    }
    println!("before/after: coverage {:.1}%", 100.0 * rate(covered));
    println!(
        "before/after: false positives {:.1}%, on overdispersed counts {:.1}%",
        100.0 * rate(false_positives),
        100.0 * rate(overdispersed_false_positives)
    );
    assert!((0.94..=0.99).contains(&rate(covered)), "{}", rate(covered));
    assert!(rate(false_positives) <= 0.06, "{}", rate(false_positives));
}

/// Synthetic control with the placebo test in space: with 19 donors and no effect, the
/// placebo p-value is at most 5% in about 1 run in 20; with a 30% fall it recovers the effect
/// on average (it has no interval: its uncertainty is the placebo test).
#[test]
fn synthetic_control_keeps_its_stated_rates() {
    const SYNTH_RUNS: u64 = 1000;
    let donors_of = |panel: &Panel| -> Vec<Vec<f64>> { panel.counts[1..].to_vec() };
    let (mut false_positives, mut found, mut error_sum) = (0, 0, 0.0);
    for run in 0..SYNTH_RUNS {
        let without = panel(run, 20, 1, 1.0, 0.1);
        let donors = donors_of(&without);
        let rows: Vec<&[f64]> = donors.iter().map(Vec::as_slice).collect();
        let (_, placebo) =
            synthetic_control_with_placebos(&without.counts[0], &rows, START).expect("a fit");
        false_positives += u64::from(placebo.p_value <= 0.05);

        let with_effect = panel(SYNTH_RUNS + run, 20, 1, 0.7, 0.1);
        let truth = true_effect(&with_effect, 1, 0.7) * (MONTHS - START) as f64;
        let donors = donors_of(&with_effect);
        let rows: Vec<&[f64]> = donors.iter().map(Vec::as_slice).collect();
        let (fit, placebo) =
            synthetic_control_with_placebos(&with_effect.counts[0], &rows, START).expect("a fit");
        let estimate: f64 = fit.gap[START..].iter().sum();
        error_sum += (estimate - truth) / truth.abs();
        found += u64::from(placebo.p_value <= 0.05);
    }
    let share = |hits: u64| hits as f64 / SYNTH_RUNS as f64;
    let mean_error = error_sum / SYNTH_RUNS as f64;
    println!(
        "synthetic control: false positives {:.1}%, found a 30% fall in {:.1}%, mean error \
         {:+.1}% of the effect",
        100.0 * share(false_positives),
        100.0 * share(found),
        100.0 * mean_error
    );
    // A little above 5%: the treated area is fitted from 19 donors, each placebo from 18 (the
    // treated area is never a donor), so the treated fit before the start is a little closer
    // and its post/pre ratio a little larger. That is the published test (Abadie et al. 2010).
    assert!(share(false_positives) <= 0.08, "{}", share(false_positives));
    // With 20 areas the smallest p-value is 1/20: only the most extreme of all counts.
    assert!(share(found) >= 0.3, "{}", share(found));
    assert!(mean_error.abs() <= 0.05, "{mean_error}");
}

/// Two sources that share only their season: independent Poisson series of 60 months with the
/// same mean, 20 a month ±40% over the year. Their levels correlate "significantly" in almost
/// every run; month-to-month changes still do in many (the season's steps are shared);
/// year-on-year differences lose the season but are themselves autocorrelated at lag 12
/// (`e_t − e_{t−12}`), which widens the spread of r by Bartlett's factor `1 + 2·(½)² = 1,5`: at
/// a nominal 5% they are "significant" in about 11%, at 1% in about 3,5%. The rates are the
/// ones in `rank_correlation.rs`'s module docs.
#[test]
fn correlating_changes_removes_a_shared_season() {
    use buurtbeeld_stats::rank_correlation::{correlate, Changes, Method};
    let months = 60;
    // [levels, month to month, year on year] × [p < 0,05, p < 0,01]
    let mut significant = [[0u64; 2]; 3];
    let kinds = [Changes::Levels, Changes::MonthToMonth, Changes::YearOnYear];
    for run in 0..RUNS {
        let mut rng = ChaCha8Rng::seed_from_u64(20261128 + run);
        let mut series = || -> Vec<f64> {
            (0..months)
                .map(|month| {
                    let mean = 20.0 * (1.0 + 0.4 * (2.0 * PI * month as f64 / 12.0).sin());
                    rng.sample(Poisson::new(mean).unwrap())
                })
                .collect()
        };
        let (first, second) = (series(), series());
        for (hits, changes) in significant.iter_mut().zip(kinds) {
            let c = correlate(&first, &second, Method::Spearman, changes).unwrap();
            hits[0] += u64::from(c.p_value < 0.05);
            hits[1] += u64::from(c.p_value < 0.01);
        }
    }
    for (hits, changes) in significant.iter().zip(kinds) {
        println!(
            "{changes:?}: p < 0,05 in {:.1}%, p < 0,01 in {:.1}%",
            100.0 * rate(hits[0]),
            100.0 * rate(hits[1])
        );
    }
    assert!(rate(significant[0][0]) > 0.9);
    assert!(rate(significant[1][0]) > 0.15);
    assert!((0.07..=0.15).contains(&rate(significant[2][0])));
    assert!(rate(significant[2][1]) <= 0.05);
}
