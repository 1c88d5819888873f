//! The near-repeat (Knox) test: against the brute-force numpy oracle, and its properties.

use buurtbeeld_stats::knox::{knox_test, DistanceMetric, KnoxBands, KnoxParameters, KnoxResult};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Deserialize;

#[derive(Deserialize)]
struct Fixture {
    permutations: usize,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    metric: String,
    /// `null` is an infinite break.
    spatial: Vec<Option<f64>>,
    temporal: Vec<Option<f64>>,
    points: Vec<[f64; 2]>,
    days: Vec<i32>,
    observed: Vec<Vec<u64>>,
    permuted_mean: Vec<Vec<f64>>,
    permuted_sd: Vec<Vec<f64>>,
    p_value: Vec<Vec<f64>>,
}

fn breaks(values: &[Option<f64>]) -> Vec<f64> {
    values.iter().map(|b| b.unwrap_or(f64::INFINITY)).collect()
}

fn parameters(case: &Case) -> KnoxParameters {
    KnoxParameters {
        bands: KnoxBands {
            spatial: breaks(&case.spatial),
            temporal: breaks(&case.temporal),
            metric: match case.metric.as_str() {
                "euclidean" => DistanceMetric::Euclidean,
                "manhattan" => DistanceMetric::Manhattan,
                other => panic!("unknown metric {other}"),
            },
        },
        ..KnoxParameters::default()
    }
}

/// Observed counts equal the oracle's exactly. The Monte Carlo figures are two independent
/// estimates (ours from 999 permutations, numpy's from 9.999 with another generator) of the
/// same quantity, so they differ by Monte Carlo error only: the standard error of the
/// difference is `sd · √(1/999 + 1/9999)` for a mean and `√(p(1−p) · (1/999 + 1/9999))` for a
/// p-value. With 88 cells compared, 4 standard errors (two-sided 6·10⁻⁵ per cell) keeps
/// a false alarm unlikely; p-values get 0.002 more for their granularity (1/1000). The mean
/// standardised difference checks for a bias that single cells would hide.
#[test]
fn knox_tables_agree_with_the_brute_force_oracle() {
    let fixture: Fixture = serde_json::from_str(include_str!("fixtures/knox_oracle.json")).unwrap();
    let mut z_scores = Vec::new();
    let mut worst_p = 0.0f64;
    for case in &fixture.cases {
        let ours = knox_test(&case.points, &case.days, &parameters(case)).unwrap();
        let temporal = ours.bands.temporal_bands();
        assert_eq!(
            ours.bands.spatial_bands(),
            case.observed.len(),
            "{}",
            case.name
        );
        for cell in &ours.cells {
            let (s, t) = (cell.spatial_band, cell.temporal_band);
            let at = format!("{} cell ({s}, {t})", case.name);
            assert_eq!(cell.observed, case.observed[s][t], "{at}: observed");
            let factor =
                (1.0 / ours.permutations as f64 + 1.0 / fixture.permutations as f64).sqrt();
            let sd = case.permuted_sd[s][t];
            let mean_error = (cell.permuted_mean - case.permuted_mean[s][t]).abs();
            assert!(
                mean_error <= 4.0 * sd * factor + 1e-9,
                "{at}: mean {} vs oracle {} (sd {sd})",
                cell.permuted_mean,
                case.permuted_mean[s][t]
            );
            if sd > 0.0 {
                z_scores.push((cell.permuted_mean - case.permuted_mean[s][t]) / (sd * factor));
            }
            let p = case.p_value[s][t];
            let p_error = (cell.p_value - p).abs();
            worst_p = worst_p.max(p_error);
            assert!(
                p_error <= 4.0 * (p * (1.0 - p)).sqrt() * factor + 0.002,
                "{at}: p {} vs oracle {p}",
                cell.p_value
            );
            assert_eq!(
                cell.temporal_band + cell.spatial_band * temporal,
                s * temporal + t
            );
        }
    }
    let bias = z_scores.iter().sum::<f64>() / z_scores.len() as f64;
    println!(
        "{} cells with spread, mean standardised difference of means {bias:.3}, worst p difference {worst_p:.4}",
        z_scores.len()
    );
    // The mean of 88 standard normal (correlated within a case) differences.
    assert!(bias.abs() < 0.5, "bias {bias}");
}

#[test]
fn the_planted_near_repeats_are_found() {
    let fixture: Fixture = serde_json::from_str(include_str!("fixtures/knox_oracle.json")).unwrap();
    let case = &fixture.cases[0];
    assert_eq!(case.name, "synthetic_euclidean");
    let result = knox_test(&case.points, &case.days, &parameters(case)).unwrap();
    let raised: Vec<(usize, usize)> = result
        .raised_risk(0.05)
        .iter()
        .map(|c| (c.spatial_band, c.temporal_band))
        .collect();
    // Planted: within 150 m and 10 days; same place for a fifth of them. The open last
    // temporal band (29 days or more) compensates at larger distances (the permutations keep
    // the days, so an excess of short intervals near by is a shortage of them further away):
    // raised there too, which is not a near repeat.
    for cell in [(0, 0), (0, 1), (1, 0), (1, 1), (2, 0)] {
        assert!(raised.contains(&cell), "{cell:?} not in {raised:?}");
    }
    assert!(
        raised.iter().all(|&(s, t)| (s <= 2 && t <= 1) || t == 4),
        "{raised:?}"
    );
}

fn clustered(n: usize, seed: u64) -> (Vec<[f64; 2]>, Vec<i32>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let centres: Vec<[f64; 2]> = (0..5)
        .map(|_| [rng.gen_range(0.0..3000.0), rng.gen_range(0.0..3000.0)])
        .collect();
    let points = (0..n)
        .map(|_| {
            let c = centres[rng.gen_range(0..centres.len())];
            [
                (c[0] + rng.gen_range(-400.0..400.0f64)).round(),
                (c[1] + rng.gen_range(-400.0..400.0f64)).round(),
            ]
        })
        .collect();
    let days = (0..n).map(|_| 16_000 + rng.gen_range(0..400)).collect();
    (points, days)
}

fn with_threads(threads: usize, run: impl FnOnce() -> KnoxResult + Send) -> KnoxResult {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
        .install(run)
}

#[test]
fn the_result_does_not_depend_on_the_thread_count() {
    let (points, days) = clustered(1500, 1);
    let parameters = KnoxParameters::default();
    let one = with_threads(1, || knox_test(&points, &days, &parameters).unwrap());
    let two = with_threads(2, || knox_test(&points, &days, &parameters).unwrap());
    let three = with_threads(3, || knox_test(&points, &days, &parameters).unwrap());
    assert_eq!(one, two);
    assert_eq!(one, three);
    assert!(one.near_pairs > 10_000);
}

#[test]
fn the_result_does_not_depend_on_the_order_of_the_events() {
    let (points, days) = clustered(800, 2);
    let mut events: Vec<([f64; 2], i32)> =
        points.iter().copied().zip(days.iter().copied()).collect();
    // Duplicated events (same place, same day) must also be interchangeable.
    events.extend_from_within(..50);
    let (points, days): (Vec<_>, Vec<_>) = events.iter().copied().unzip();
    let parameters = KnoxParameters {
        permutations: 199,
        ..KnoxParameters::default()
    };
    let listed = knox_test(&points, &days, &parameters).unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    events.shuffle(&mut rng);
    let (points, days): (Vec<_>, Vec<_>) = events.into_iter().unzip();
    assert_eq!(listed, knox_test(&points, &days, &parameters).unwrap());
}

#[test]
fn events_without_near_pairs_show_no_near_repeat() {
    // A 20 × 20 grid 2 km apart: no two events within 501 m.
    let points: Vec<[f64; 2]> = (0..400)
        .map(|k| [(k % 20) as f64 * 2000.0, (k / 20) as f64 * 2000.0])
        .collect();
    let days: Vec<i32> = (0..400).map(|k| (k * 7919) % 365).collect();
    let result = knox_test(&points, &days, &KnoxParameters::default()).unwrap();
    assert_eq!(result.near_pairs, 0);
    let near_bands = result.bands.spatial_bands() - 1;
    for cell in result.cells.iter().filter(|c| c.spatial_band < near_bands) {
        assert_eq!((cell.observed, cell.p_value), (0, 1.0));
        assert_eq!(cell.ratio, None);
    }
    assert!(result.raised_risk(0.05).is_empty());
    let all: u64 = result.cells.iter().map(|c| c.observed).sum();
    assert_eq!(all, 400 * 399 / 2);
}

/// The observed table by the definition: every pair, its bands by search in the breaks.
fn brute_force(points: &[[f64; 2]], days: &[i32], bands: &KnoxBands) -> Vec<u64> {
    let band = |breaks: &[f64], v: f64| {
        let k = breaks.partition_point(|&b| b <= v);
        (k >= 1 && k < breaks.len()).then(|| k - 1)
    };
    let temporal = bands.temporal_bands();
    let mut table = vec![0; bands.spatial_bands() * temporal];
    for i in 0..points.len() {
        for j in i + 1..points.len() {
            let (dx, dy) = (points[i][0] - points[j][0], points[i][1] - points[j][1]);
            let d = match bands.metric {
                DistanceMetric::Euclidean => (dx * dx + dy * dy).sqrt(),
                DistanceMetric::Manhattan => dx.abs() + dy.abs(),
            };
            let dt = f64::from((days[i] - days[j]).abs());
            if let (Some(s), Some(t)) = (band(&bands.spatial, d), band(&bands.temporal, dt)) {
                table[s * temporal + t] += 1;
            }
        }
    }
    table
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn increasing(first: f64, steps: Vec<f64>, open: bool) -> Vec<f64> {
        let mut breaks = vec![first];
        for step in steps {
            breaks.push(breaks.last().unwrap() + step);
        }
        if open {
            breaks.push(f64::INFINITY);
        }
        breaks
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// Whatever the breaks (first above 0 or not, last finite or open, fractional), the
        /// metric and the data (duplicates, boundaries hit exactly on integer coordinates),
        /// the table matches the definition; and the permuted tables, which keep the days,
        /// keep the number of counted pairs when every pair is counted.
        #[test]
        fn observed_tables_match_the_definition(
            events in proptest::collection::vec((0i32..40, 0i32..40, 0i32..30), 2..80),
            scale in prop::sample::select(vec![1.0, 10.0, 25.0]),
            s_first in prop::sample::select(vec![0.0, 0.5, 5.0, 10.0]),
            s_steps in proptest::collection::vec(prop::sample::select(vec![0.5, 5.0, 10.0, 50.0, 100.0]), 1..5),
            t_first in prop::sample::select(vec![0.0, 1.0, 2.5]),
            t_steps in proptest::collection::vec(prop::sample::select(vec![0.5, 1.0, 3.0, 7.0]), 1..4),
            s_open in any::<bool>(),
            t_open in any::<bool>(),
            manhattan in any::<bool>(),
        ) {
            let points: Vec<[f64; 2]> = events.iter().map(|e| [f64::from(e.0) * scale, f64::from(e.1) * scale]).collect();
            let days: Vec<i32> = events.iter().map(|e| e.2 - 10).collect();
            let bands = KnoxBands {
                spatial: increasing(s_first, s_steps, s_open),
                temporal: increasing(t_first, t_steps, t_open),
                metric: if manhattan { DistanceMetric::Manhattan } else { DistanceMetric::Euclidean },
            };
            let parameters = KnoxParameters { bands: bands.clone(), permutations: 40, seed: 9 };
            let result = knox_test(&points, &days, &parameters).unwrap();
            let observed: Vec<u64> = result.cells.iter().map(|c| c.observed).collect();
            prop_assert_eq!(&observed, &brute_force(&points, &days, &bands));
            if s_open && s_first == 0.0 && t_open && t_first == 0.0 {
                let n = points.len() as f64;
                let mean_total: f64 = result.cells.iter().map(|c| c.permuted_mean).sum();
                prop_assert!((mean_total - n * (n - 1.0) / 2.0).abs() < 1e-6);
            }
            for cell in &result.cells {
                prop_assert!(cell.p_value > 0.0 && cell.p_value <= 1.0);
            }
        }
    }
}
