//! Reference-oracle tests: our statistics against values computed by scipy/statsmodels.

use buurtbeeld_stats::poisson_exact_test;
use serde::Deserialize;

#[derive(Deserialize)]
struct Fixture {
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    c1: u64,
    c2: u64,
    e1: f64,
    e2: f64,
    p_value: f64,
}

#[test]
fn poisson_exact_test_matches_scipy_binomtest() {
    let fixture: Fixture =
        serde_json::from_str(include_str!("fixtures/poisson_exact.json")).unwrap();
    let mut worst = 0.0f64;
    for case in &fixture.cases {
        let ours = poisson_exact_test(case.c1, case.e1, case.c2, case.e2);
        // Tiny p-values underflow differently; below 1e-300 both are "zero". statrs' incomplete
        // beta is accurate to ~2e-9 relative at n = 1.6M (boost, behind scipy, to ~1e-15).
        let close = (ours - case.p_value).abs() <= 1e-8 * case.p_value.max(1e-300)
            || (ours < 1e-300 && case.p_value < 1e-300);
        if case.p_value > 1e-300 {
            worst = worst.max((ours - case.p_value).abs() / case.p_value);
        }
        assert!(
            close,
            "c1={} c2={} e1={} e2={}: ours {ours:e}, scipy {:e}",
            case.c1, case.c2, case.e1, case.e2, case.p_value
        );
    }
    println!(
        "{} cases, worst relative difference {worst:e}",
        fixture.cases.len()
    );
}

mod properties {
    use buurtbeeld_stats::poisson_exact_test;
    use proptest::prelude::*;

    proptest! {
        /// A p-value is a probability; swapping the periods (with their exposures) cannot change
        /// a two-sided test.
        #[test]
        fn p_values_are_probabilities_and_symmetric(
            c1 in 0u64..5_000, c2 in 0u64..5_000, e1 in 0.5f64..2.0, e2 in 0.5f64..2.0,
        ) {
            let p = poisson_exact_test(c1, e1, c2, e2);
            prop_assert!((0.0..=1.0).contains(&p));
            let swapped = poisson_exact_test(c2, e2, c1, e1);
            prop_assert!((p - swapped).abs() <= 1e-9 * p.max(1e-300), "{p} vs {swapped}");
        }

        /// Moving counts away from equality never makes the difference less significant.
        #[test]
        fn larger_differences_are_more_significant(n in 10u64..2_000, shift in 1u64..5) {
            let even = poisson_exact_test(n, 1.0, n, 1.0);
            let apart = poisson_exact_test(n + shift * 10, 1.0, n, 1.0);
            prop_assert!(apart <= even);
        }
    }
}

// ---- Spatial statistics against PySAL (esda, libpysal) on the Groningen buurten ----

mod groningen {
    use buurtbeeld_stats::conditional_permutation::conditional_permutation;
    use buurtbeeld_stats::contiguity::{contiguity_weights, Contiguity};
    use buurtbeeld_stats::distance_band::distance_band_weights;
    use buurtbeeld_stats::empirical_bayes::empirical_bayes_rates;
    use buurtbeeld_stats::gi_star::gi_star;
    use buurtbeeld_stats::knn::knn_weights;
    use buurtbeeld_stats::local_moran::local_moran;
    use buurtbeeld_stats::weights::SpatialWeights;
    use geo::{Centroid, LineString, MapCoords, MultiPolygon, Polygon};
    use serde_json::Value;

    fn fixture() -> Value {
        serde_json::from_str(include_str!("fixtures/hotspots_groningen.json")).unwrap()
    }

    fn floats(value: &Value) -> Vec<f64> {
        value
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect()
    }

    fn lists(value: &Value) -> Vec<Vec<usize>> {
        value
            .as_array()
            .unwrap()
            .iter()
            .map(|l| {
                l.as_array()
                    .unwrap()
                    .iter()
                    .map(|j| j.as_u64().unwrap() as usize)
                    .collect()
            })
            .collect()
    }

    /// The buurten of the published map, in BU_CODE order (the fixture's order).
    fn buurten() -> Vec<MultiPolygon<f64>> {
        let map: Value = serde_json::from_str(include_str!(
            "../../../data/cbs-wijkbuurtkaart-2017-groningen/buurt2017.geojson"
        ))
        .unwrap();
        let mut features: Vec<&Value> = map["features"].as_array().unwrap().iter().collect();
        features.sort_by_key(|f| f["properties"]["BU_CODE"].as_str().unwrap().to_owned());
        let ring = |r: &Value| -> LineString<f64> {
            r.as_array()
                .unwrap()
                .iter()
                .map(|p| (p[0].as_f64().unwrap(), p[1].as_f64().unwrap()))
                .collect::<Vec<_>>()
                .into()
        };
        let polygon = |rings: &Value| {
            let rings = rings.as_array().unwrap();
            Polygon::new(ring(&rings[0]), rings[1..].iter().map(ring).collect())
        };
        features
            .iter()
            .map(|f| {
                let g = &f["geometry"];
                match g["type"].as_str().unwrap() {
                    "Polygon" => MultiPolygon(vec![polygon(&g["coordinates"])]),
                    _ => MultiPolygon(
                        g["coordinates"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .map(polygon)
                            .collect(),
                    ),
                }
            })
            .collect()
    }

    fn assert_close(what: &str, ours: &[f64], theirs: &[f64], tolerance: f64) {
        assert_eq!(ours.len(), theirs.len(), "{what}: length");
        for (i, (a, b)) in ours.iter().zip(theirs).enumerate() {
            assert!(
                (a - b).abs() <= tolerance * b.abs().max(1.0),
                "{what}[{i}]: ours {a}, PySAL {b}"
            );
        }
    }

    #[test]
    fn contiguity_matches_libpysal() {
        let f = fixture();
        let areas = buurten();
        // On the inhabited buurten alone, as the rate analysis builds it.
        let inhabited: Vec<_> = f["rate_areas"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| areas[i.as_u64().unwrap() as usize].clone())
            .collect();
        assert_eq!(
            contiguity_weights(&inhabited, Contiguity::Queen).to_lists(),
            lists(&f["rate_queen"])
        );
        assert_eq!(
            contiguity_weights(&areas, Contiguity::Queen).to_lists(),
            lists(&f["queen"])
        );
        assert_eq!(
            contiguity_weights(&areas, Contiguity::Rook).to_lists(),
            lists(&f["rook"])
        );
    }

    #[test]
    fn distance_weights_match_libpysal_on_its_centroids() {
        let f = fixture();
        let centroids: Vec<[f64; 2]> = f["centroids_rd"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| [c[0].as_f64().unwrap(), c[1].as_f64().unwrap()])
            .collect();
        assert_eq!(knn_weights(&centroids, 5).to_lists(), lists(&f["knn5"]));
        let band = distance_band_weights(&centroids, 1500.0);
        assert_eq!(band.to_lists(), lists(&f["distance_band_1500"]));
        assert_eq!(band.islands(), vec![106, 107]);
        // Our centroids (RD polynomial, as the store's WGS84 is projected back) lie within a
        // metre of pyproj's: the polynomial's stated accuracy.
        for (shape, theirs) in buurten().iter().zip(&centroids) {
            let rd = shape.map_coords(|c| {
                let (x, y) = buurtbeeld_cube::rd::wgs84_to_rd(c.x, c.y);
                geo::Coord { x, y }
            });
            let ours = rd.centroid().unwrap();
            let gap = ((ours.x() - theirs[0]).powi(2) + (ours.y() - theirs[1]).powi(2)).sqrt();
            assert!(gap < 1.0, "centroid {gap} m from pyproj's");
        }
    }

    #[test]
    fn gi_star_and_local_moran_match_esda_to_1e9() {
        let f = fixture();
        for (values, weights, gi_key, moran_key) in [
            (floats(&f["y"]), "queen", "gi_star", "local_moran"),
            (
                floats(&f["rate_per_1000"]),
                "rate_queen",
                "gi_star_rate",
                "local_moran_rate",
            ),
        ] {
            let queen = SpatialWeights::from_lists(lists(&f[weights]));
            let gi = gi_star(&values, &queen);
            let expected = &f[gi_key];
            assert_close("Gs", &gi.g, &floats(&expected["Gs"]), 1e-9);
            let z: Vec<f64> = gi.z.iter().map(|z| z.unwrap()).collect();
            assert_close("Zs", &z, &floats(&expected["Zs"]), 1e-9);
            let p: Vec<f64> = gi.p.iter().map(|p| p.unwrap() / 2.0).collect();
            assert_close("p_norm", &p, &floats(&expected["p_norm"]), 1e-9);
            let moran = local_moran(&values, &queen);
            let expected = &f[moran_key];
            assert_close("Is", &moran.i, &floats(&expected["Is"]), 1e-9);
            let quadrants: Vec<f64> = moran
                .quadrant
                .iter()
                .map(|q| f64::from(q.unwrap().esda_number()))
                .collect();
            assert_eq!(quadrants, floats(&expected["q"]));
            assert_close("EI", &moran.expected, &floats(&expected["EI"]), 1e-9);
            assert_close("VI", &moran.variance, &floats(&expected["VI"]), 1e-9);
        }
        let lattice = &f["lattice"];
        let rook = SpatialWeights::from_lists(lists(&lattice["rook"]));
        let y = floats(&lattice["y"]);
        let z: Vec<f64> = gi_star(&y, &rook).z.iter().map(|z| z.unwrap()).collect();
        assert_close("lattice Zs", &z, &floats(&lattice["gi_star"]["Zs"]), 1e-9);
        assert_close(
            "lattice Is",
            &local_moran(&y, &rook).i,
            &floats(&lattice["local_moran"]["Is"]),
            1e-9,
        );
    }

    #[test]
    fn empirical_bayes_rates_match_esda() {
        let f = fixture();
        let y = floats(&f["y"]);
        let population = floats(&f["population"]);
        let ours = empirical_bayes_rates(&y, &population).unwrap();
        for (i, expected) in f["eb_rate"].as_array().unwrap().iter().enumerate() {
            match (ours[i], expected.as_f64()) {
                (Some(a), Some(b)) => assert!((a - b).abs() <= 1e-12, "{i}: {a} vs {b}"),
                // Population 0: no rate per inhabitant, on both sides.
                (a, b) => assert_eq!((a, b), (None, None), "{i}"),
            }
        }
    }

    /// Pseudo p-values from different random draws agree within Monte Carlo error: each
    /// difference within 5 standard errors, and on average no bias.
    #[test]
    fn permutation_p_values_agree_with_esda_within_monte_carlo_error() {
        let f = fixture();
        let queen = SpatialWeights::from_lists(lists(&f["queen"]));
        let permutations = f["permutations"].as_u64().unwrap() as usize;
        let ours = conditional_permutation(&floats(&f["y"]), &queen, permutations, 20_261_123);
        for (mine, key) in [
            (&ours.gi_star, "gi_star"),
            (&ours.local_moran, "local_moran"),
        ] {
            let theirs = floats(&f[key]["p_sim"]);
            let mut standardised = Vec::new();
            for (a, b) in mine.iter().zip(&theirs) {
                let a = a.unwrap();
                let p = ((a + b) / 2.0).clamp(0.01, 0.99);
                let se = (2.0 * p * (1.0 - p) / permutations as f64).sqrt();
                assert!((a - b).abs() <= 5.0 * se, "{key}: ours {a}, esda {b}");
                standardised.push((a - b) / se);
            }
            let mean = standardised.iter().sum::<f64>() / standardised.len() as f64;
            assert!(
                mean.abs() < 1.0,
                "{key}: mean standardised difference {mean}"
            );
        }
    }
}

// ---- Trend, multiple testing and exceedance against pymannkendall, statsmodels, scipy ----

mod trend_and_tests {
    use buurtbeeld_stats::mann_kendall::mann_kendall;
    use buurtbeeld_stats::multiple_testing::{adjust, Correction};
    use buurtbeeld_stats::normal::two_sided_p;
    use buurtbeeld_stats::spike::{upper_tail_negative_binomial, upper_tail_poisson};
    use serde_json::Value;

    fn fixture() -> Value {
        serde_json::from_str(include_str!("fixtures/trend_and_tests.json")).unwrap()
    }

    fn close(ours: f64, theirs: f64, relative: f64) -> bool {
        (ours - theirs).abs() <= relative * theirs.abs() || (ours < 1e-300 && theirs < 1e-300)
    }

    #[test]
    fn mann_kendall_matches_pymannkendall() {
        for case in fixture()["mann_kendall"].as_array().unwrap() {
            let x: Vec<f64> = case["x"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_f64().unwrap())
                .collect();
            let label = case["label"].as_str().unwrap();
            let var_s = case["var_s"].as_f64().unwrap();
            let Some(ours) = mann_kendall(&x) else {
                // We decline series without variance; pymannkendall reports "no trend".
                assert!(var_s == 0.0 || x.len() < 3, "{label}: declined");
                assert_eq!(case["trend"], "no trend");
                continue;
            };
            assert_eq!(ours.s, case["s"].as_f64().unwrap(), "{label}: S");
            assert!(close(ours.variance, var_s, 1e-12), "{label}: Var(S)");
            assert!(
                close(ours.z, case["z"].as_f64().unwrap(), 1e-12),
                "{label}: z"
            );
            // pymannkendall's own p loses digits in the tail; p_sf is 2·norm.sf(|z|).
            assert!(
                close(ours.p, case["p_sf"].as_f64().unwrap(), 1e-9),
                "{label}: p"
            );
            assert!(
                close(ours.tau, case["tau"].as_f64().unwrap(), 1e-12),
                "{label}: tau"
            );
        }
    }

    #[test]
    fn benjamini_hochberg_and_bonferroni_match_statsmodels() {
        for case in fixture()["multipletests"].as_array().unwrap() {
            let label = case["label"].as_str().unwrap();
            let p: Vec<Option<f64>> = case["p"]
                .as_array()
                .unwrap()
                .iter()
                .map(Value::as_f64)
                .collect();
            let alpha = case["alpha"].as_f64().unwrap();
            for (correction, key) in [
                (Correction::BenjaminiHochberg, "bh"),
                (Correction::Bonferroni, "bonferroni"),
            ] {
                let ours = adjust(&p, alpha, correction);
                let expected = &case[key];
                let reject: Vec<bool> = expected["reject"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| r.as_bool().unwrap())
                    .collect();
                assert_eq!(ours.reject, reject, "{label} {key}: reject");
                for (a, b) in ours
                    .p_adjusted
                    .iter()
                    .zip(expected["p_adjusted"].as_array().unwrap())
                {
                    let b = b.as_f64().unwrap();
                    assert!(close(a.unwrap(), b, 1e-12), "{label} {key}: {a:?} vs {b}");
                }
            }
        }
    }

    #[test]
    fn exceedance_probabilities_match_scipy() {
        let f = fixture();
        for case in f["poisson_exceedance"].as_array().unwrap() {
            let (k, mu) = (case["k"].as_u64().unwrap(), case["mu"].as_f64().unwrap());
            if mu == 0.0 {
                continue; // no expectation: `spike` declines these
            }
            let expected = case["p_upper"].as_f64().unwrap();
            let ours = upper_tail_poisson(k, mu);
            assert!(
                close(ours, expected, 1e-9),
                "Poisson k={k} mu={mu}: {ours} vs {expected}"
            );
        }
        for case in f["negbin_exceedance"].as_array().unwrap() {
            let k = case["k"].as_u64().unwrap();
            let (mean, r) = (case["mean"].as_f64().unwrap(), case["n"].as_f64().unwrap());
            let expected = case["p_upper"].as_f64().unwrap();
            let ours = upper_tail_negative_binomial(k, mean, r);
            assert!(
                close(ours, expected, 1e-9),
                "NB k={k} mean={mean} r={r}: {ours} vs {expected}"
            );
        }
        for case in f["normal_two_sided"].as_array().unwrap() {
            let (z, expected) = (case["z"].as_f64().unwrap(), case["p"].as_f64().unwrap());
            assert!(
                close(two_sided_p(z), expected, 1e-12),
                "z={z}: {} vs {expected}",
                two_sided_p(z)
            );
        }
    }
}

// ---- Forecasting against statsmodels (ExponentialSmoothing, GLM Poisson) ----

mod forecasting {
    use buurtbeeld_stats::holt_winters::{
        extrapolate, initial_states, smooth, HoltWintersParameters,
    };
    use buurtbeeld_stats::poisson_regression::fit_poisson;
    use serde_json::Value;

    fn floats(value: &Value) -> Vec<f64> {
        value
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect()
    }

    fn assert_close(what: &str, ours: &[f64], theirs: &[f64], tolerance: f64) {
        assert_eq!(ours.len(), theirs.len(), "{what}: length");
        let worst = ours
            .iter()
            .zip(theirs)
            .map(|(a, b)| (a - b).abs() / b.abs().max(1.0))
            .fold(0.0, f64::max);
        assert!(
            worst <= tolerance,
            "{what}: worst relative difference {worst:e}"
        );
    }

    #[test]
    fn holt_winters_reproduces_statsmodels_for_fixed_parameters() {
        let fixture: Value = serde_json::from_str(include_str!("fixtures/forecast.json")).unwrap();
        for case in fixture["cases"].as_array().unwrap() {
            let name = case["name"].as_str().unwrap();
            let y = floats(&case["y"]);
            for hw in case["holt_winters"].as_array().unwrap() {
                let (level, trend, season) = initial_states(&y).unwrap();
                // Our initial states are the oracle's (same definitions).
                assert!(
                    (level - hw["l0"].as_f64().unwrap()).abs() < 1e-12,
                    "{name}: l0"
                );
                assert!(
                    (trend - hw["b0"].as_f64().unwrap()).abs() < 1e-12,
                    "{name}: b0"
                );
                assert_close("s0", &season, &floats(&hw["s0"]), 1e-12);
                let parameters = HoltWintersParameters {
                    alpha: hw["alpha"].as_f64().unwrap(),
                    beta: hw["beta"].as_f64().unwrap(),
                    gamma: hw["gamma"].as_f64().unwrap(),
                    level,
                    trend,
                    season,
                };
                let smoothed = smooth(&y, &parameters);
                assert_close(
                    "fitted",
                    &smoothed.fitted,
                    &floats(&hw["fittedvalues"]),
                    1e-6,
                );
                assert_close(
                    "season",
                    &smoothed.season[12..],
                    &floats(&hw["season"]),
                    1e-6,
                );
                let levels = floats(&hw["level"]);
                let trends = floats(&hw["trend"]);
                assert_close(
                    "level",
                    &[smoothed.level],
                    &levels[levels.len() - 1..],
                    1e-6,
                );
                assert_close(
                    "trend",
                    &[smoothed.trend],
                    &trends[trends.len() - 1..],
                    1e-6,
                );
                assert_close("sse", &[smoothed.sse], &[hw["sse"].as_f64().unwrap()], 1e-6);
                // statsmodels 0.15 uses a stale seasonal state at h = 12 (issue #9538); the
                // fixture's `forecast_latest_season` is the corrected forecast.
                assert_close(
                    "forecast",
                    &extrapolate(&smoothed, 12),
                    &floats(&hw["forecast_latest_season"]),
                    1e-6,
                );
            }
        }
    }

    #[test]
    fn poisson_regression_reproduces_statsmodels_glm() {
        let fixture: Value = serde_json::from_str(include_str!("fixtures/forecast.json")).unwrap();
        let mut checked = 0;
        for case in fixture["cases"].as_array().unwrap() {
            let glm = &case["glm"];
            if glm.is_null() {
                continue;
            }
            let name = case["name"].as_str().unwrap();
            let fit = fit_poisson(&floats(&case["y"])).unwrap();
            assert_close(
                &format!("{name} params"),
                &fit.coefficients,
                &floats(&glm["params"]),
                1e-6,
            );
            assert_close(
                &format!("{name} mu"),
                &fit.fitted,
                &floats(&glm["mu"]),
                1e-6,
            );
            let future: Vec<f64> = glm["t_future"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| fit.mean_at(t.as_u64().unwrap() as usize))
                .collect();
            assert_close(
                &format!("{name} forecast"),
                &future,
                &floats(&glm["mu_future"]),
                1e-6,
            );
            assert_close(
                &format!("{name} deviance"),
                &[fit.deviance],
                &[glm["deviance"].as_f64().unwrap()],
                1e-6,
            );
            assert_close(
                &format!("{name} dispersion"),
                &[fit.dispersion],
                &[glm["dispersion"].as_f64().unwrap()],
                1e-6,
            );
            checked += 1;
        }
        assert_eq!(checked, 3);
    }
}

mod effect {
    use buurtbeeld_stats::difference_in_differences::difference_in_differences;
    use buurtbeeld_stats::poisson_did::poisson_difference_in_differences;
    use buurtbeeld_stats::rate_ratio_interval;
    use serde_json::Value;

    fn fixture() -> Value {
        serde_json::from_str(include_str!("fixtures/effect.json")).unwrap()
    }

    fn close(what: &str, ours: f64, theirs: f64, relative: f64) {
        assert!(
            (ours - theirs).abs() <= relative * theirs.abs().max(1e-300),
            "{what}: {ours:e} against {theirs:e}"
        );
    }

    /// DiD on the committed panel equals statsmodels' two-way fixed-effects OLS with standard
    /// errors clustered by area; the interval and p-value equal statsmodels' `use_t=True`
    /// version (Student's t with areas − 1 degrees of freedom). The area-level inference
    /// equals statsmodels' OLS of each area's after-minus-before difference on "treated".
    #[test]
    fn difference_in_differences_matches_statsmodels_ols() {
        let fixture = fixture();
        let area_level: Value =
            serde_json::from_str(include_str!("fixtures/did_area_level.json")).unwrap();
        let areas: Vec<&str> = fixture["areas"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        let y: Vec<Vec<f64>> = fixture["y"]
            .as_array()
            .unwrap()
            .iter()
            .map(|row| {
                row.as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_f64().unwrap())
                    .collect()
            })
            .collect();
        let start = fixture["start"].as_u64().unwrap() as usize;
        for case in ["did", "did_subset"] {
            let expected = &fixture[case];
            let names = |key: &str| -> Vec<&str> {
                expected[key]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|a| a.as_str().unwrap())
                    .collect()
            };
            let (treated, controls) = (names("treated"), names("controls"));
            let mut rows = Vec::new();
            let mut flags = Vec::new();
            for (i, area) in areas.iter().enumerate() {
                if treated.contains(area) || controls.contains(area) {
                    rows.push(y[i].clone());
                    flags.push(treated.contains(area));
                }
            }
            let ours = difference_in_differences(&rows, &flags, start).unwrap();
            let number = |key: &str| expected[key].as_f64().unwrap();
            close(case, ours.effect, number("coef"), 1e-10);
            let robust = &ours.cluster_robust;
            close(case, robust.standard_error, number("se"), 1e-10);
            close(case, robust.p_value, number("p_t"), 1e-9);
            close(
                case,
                robust.interval.0,
                expected["ci95_t"][0].as_f64().unwrap(),
                1e-10,
            );
            close(
                case,
                robust.interval.1,
                expected["ci95_t"][1].as_f64().unwrap(),
                1e-10,
            );

            let collapsed = &area_level[case];
            let number = |key: &str| collapsed[key].as_f64().unwrap();
            let inference = &ours.area_level;
            close(case, inference.standard_error, number("se"), 1e-10);
            close(case, inference.degrees_of_freedom, number("df"), 0.0);
            close(case, inference.p_value, number("p"), 1e-9);
            close(
                case,
                inference.interval.0,
                collapsed["ci95"][0].as_f64().unwrap(),
                1e-10,
            );
            close(
                case,
                inference.interval.1,
                collapsed["ci95"][1].as_f64().unwrap(),
                1e-10,
            );
            assert_eq!(ours.observations as u64, expected["nobs"].as_u64().unwrap());
            assert_eq!(ours.parameters as u64, expected["k"].as_u64().unwrap());
            assert_eq!(ours.clusters as u64, expected["groups"].as_u64().unwrap());
        }
    }

    /// The Poisson difference-in-differences estimate and its Poisson standard error equal
    /// pyfixest's `fepois("y ~ treated_post | area + month", vcov="iid")` on the committed
    /// panel, with one, three and the busiest area treated (all other areas compared).
    #[test]
    fn poisson_difference_in_differences_matches_pyfixest() {
        let fixture = fixture();
        let oracle: Value =
            serde_json::from_str(include_str!("fixtures/poisson_did.json")).unwrap();
        let areas: Vec<&str> = fixture["areas"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        let y: Vec<Vec<f64>> = fixture["y"]
            .as_array()
            .unwrap()
            .iter()
            .map(|row| {
                row.as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_f64().unwrap())
                    .collect()
            })
            .collect();
        let start = oracle["start"].as_u64().unwrap() as usize;
        let cases = oracle["cases"].as_object().unwrap();
        assert_eq!(cases.len(), 3);
        for (case, expected) in cases {
            let treated: Vec<&str> = expected["treated"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a.as_str().unwrap())
                .collect();
            let flags: Vec<bool> = areas.iter().map(|a| treated.contains(a)).collect();
            let ours = poisson_difference_in_differences(&y, &flags, start, 1.0).unwrap();
            close(
                case,
                ours.log_rate_ratio,
                expected["coef"].as_f64().unwrap(),
                1e-6,
            );
            close(
                case,
                ours.standard_error,
                expected["se"].as_f64().unwrap(),
                1e-6,
            );
        }
    }

    #[test]
    fn rate_ratio_interval_matches_scipy_clopper_pearson() {
        for case in fixture()["rate_ratio"].as_array().unwrap() {
            let count = |key: &str| case[key].as_u64().unwrap();
            let months = |key: &str| case[key].as_f64().unwrap();
            let (lower, upper) =
                rate_ratio_interval(count("c1"), months("e1"), count("c2"), months("e2"));
            close("lower", lower, case["lower"].as_f64().unwrap(), 1e-9);
            match case["upper"].as_f64() {
                Some(expected) => close("upper", upper, expected, 1e-9),
                None => assert!(upper.is_infinite(), "{case}"),
            }
        }
    }
}

mod synthetic_control {
    use buurtbeeld_stats::synthetic_control::synthetic_control_with_placebos;
    use serde_json::Value;

    /// Weights, gap and RMSPE equal the exact constrained least-squares solution that checks
    /// pysyncon (within the interior-point solver's tolerance); the placebo ratios and p-value
    /// equal pysyncon's PlaceboTest convention.
    #[test]
    fn weights_and_placebo_p_value_match_the_pysyncon_reference() {
        let fixture: Value = serde_json::from_str(include_str!("fixtures/effect.json")).unwrap();
        let areas: Vec<&str> = fixture["areas"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        let series = |name: &str| -> Vec<f64> {
            let i = areas.iter().position(|a| *a == name).unwrap();
            fixture["y"][i]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_f64().unwrap())
                .collect()
        };
        let synth = &fixture["synth"];
        let donor_names: Vec<&str> = synth["donors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d.as_str().unwrap())
            .collect();
        let donors: Vec<Vec<f64>> = donor_names.iter().map(|d| series(d)).collect();
        let donor_refs: Vec<&[f64]> = donors.iter().map(Vec::as_slice).collect();
        let treated = series(synth["treated"].as_str().unwrap());
        let start = fixture["start"].as_u64().unwrap() as usize;
        let (fit, placebo) = synthetic_control_with_placebos(&treated, &donor_refs, start).unwrap();

        for (ours, theirs) in fit
            .weights
            .iter()
            .zip(synth["weights_check"].as_array().unwrap())
        {
            let theirs = theirs.as_f64().unwrap();
            assert!(
                (ours - theirs).abs() < 1e-6,
                "weight {ours} against {theirs}"
            );
        }
        let relative = |ours: f64, theirs: &Value| {
            let theirs = theirs.as_f64().unwrap();
            assert!(
                (ours - theirs).abs() <= 1e-6 * theirs.abs().max(1.0),
                "{ours} against {theirs}"
            );
        };
        relative(fit.pre_rmspe, &synth["pre_rmspe_check"]);
        relative(fit.post_rmspe, &synth["post_rmspe_check"]);
        for (ours, theirs) in fit.gap.iter().zip(synth["gap_check"].as_array().unwrap()) {
            relative(*ours, theirs);
        }
        let expected = &fixture["placebo"];
        let units: Vec<&str> = std::iter::once("A00").chain(donor_names).collect();
        for (unit, ratio) in units.iter().zip(&placebo.ratios) {
            relative(*ratio, &expected["ratios_check"][unit]);
        }
        assert_eq!(placebo.p_value, expected["p_value_check"].as_f64().unwrap());
    }
}

// ---- Disclosure audit against sympy's exact rank ----

mod disclosure_audit {
    use buurtbeeld_stats::disclosure::{recoverable, LinkedTable};
    use serde_json::Value;

    fn numbers(value: &Value) -> Vec<usize> {
        value
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap() as usize)
            .collect()
    }

    /// `recoverable` names exactly the suppressed cells whose atom vector is in the rational
    /// span of the shown ones, by sympy's exact rank; the cases include tables whose rank drops
    /// modulo 2, 3, 5 and 7 and a dense 40 × 40 one that needs big integers.
    #[test]
    fn recoverable_matches_sympy_exact_rank() {
        let fixture: Value =
            serde_json::from_str(include_str!("fixtures/disclosure_audit.json")).unwrap();
        let cases = fixture["cases"].as_array().unwrap();
        let mut recovered = 0;
        for case in cases {
            let table = LinkedTable {
                atoms: numbers(&case["atoms"])
                    .into_iter()
                    .map(|a| a as u64)
                    .collect(),
                cells: case["cells"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(numbers)
                    .collect(),
            };
            let shown: Vec<bool> = case["shown"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s.as_bool().unwrap())
                .collect();
            let expected = numbers(&case["recoverable"]);
            assert_eq!(recoverable(&table, &shown), expected, "{}", case["name"]);
            recovered += expected.len();
        }
        assert!(cases.len() >= 50);
        println!("{} cases, {recovered} recoverable cells", cases.len());
    }
}

// ---- Kernel density against statsmodels / scipy (tests/oracle/kernel_density.py) ----

mod kernel_density {
    use buurtbeeld_stats::kernel_density::{
        kernel_density, scott_bandwidth, DensityOptions, Grid, Kernel,
    };
    use serde_json::Value;

    fn fixture() -> Value {
        serde_json::from_str(include_str!("fixtures/kernel_density.json")).unwrap()
    }

    fn points(fixture: &Value, name: &str) -> Vec<[f64; 2]> {
        fixture["point_sets"][name]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| [p[0].as_f64().unwrap(), p[1].as_f64().unwrap()])
            .collect()
    }

    fn numbers(value: &Value) -> Option<Vec<f64>> {
        value
            .as_array()
            .map(|a| a.iter().map(|v| v.as_f64().unwrap()).collect())
    }

    /// Every cell equals the reference to 1e-9 relative without the cut-off; with the default
    /// cut-off of 8 bandwidths a cell may also differ by the truncation bound of the module
    /// docs, `n · exp(−32) · 10⁶/(2πh²)` per km² (cells far from every point).
    #[test]
    fn densities_match_statsmodels_and_scipy_on_groningen_and_synthetic_points() {
        let fixture = fixture();
        for case in fixture["cases"].as_array().unwrap() {
            let name = case["name"].as_str().unwrap();
            let points = points(&fixture, case["points"].as_str().unwrap());
            let weights = numbers(&case["weights"]);
            let g = &case["grid"];
            let grid = Grid {
                origin_x: g["origin_x"].as_f64().unwrap(),
                origin_y: g["origin_y"].as_f64().unwrap(),
                cell_size: g["cell_size"].as_f64().unwrap(),
                columns: g["columns"].as_u64().unwrap() as usize,
                rows: g["rows"].as_u64().unwrap() as usize,
            };
            let margin = case["margin"].as_f64().unwrap();
            assert_eq!(
                Grid::covering_points(&points, grid.cell_size, margin).unwrap(),
                grid,
                "{name}: grid builder"
            );
            let kernel = match case["kernel"].as_str().unwrap() {
                "gaussian" => Kernel::Gaussian,
                _ => Kernel::Quartic,
            };
            let bandwidth = case["bandwidth"].as_f64().unwrap();
            let want = numbers(&case["per_square_kilometre"]).unwrap();
            let total = weights
                .as_ref()
                .map_or(points.len() as f64, |w| w.iter().sum());
            let truncation =
                total * (-32.0f64).exp() * 1e6 / (2.0 * std::f64::consts::PI * bandwidth.powi(2));
            for (cutoff, slack) in [(f64::INFINITY, 0.0), (8.0, truncation)] {
                let options = DensityOptions {
                    kernel,
                    bandwidth,
                    cutoff,
                };
                let ours = kernel_density(&points, weights.as_deref(), &grid, &options).unwrap();
                let mut worst = 0.0f64;
                for (cell, (a, b)) in ours.per_square_kilometre.iter().zip(&want).enumerate() {
                    let gap = (a - b).abs();
                    assert!(
                        gap <= 1e-9 * b.abs() + slack,
                        "{name} cutoff {cutoff} cell {cell}: ours {a:e}, reference {b:e}"
                    );
                    if *b > 0.0 {
                        worst = worst.max(gap / b);
                    }
                }
                let counts: Vec<u64> = case["counts"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|c| c.as_u64().unwrap())
                    .collect();
                let ours_counts: Vec<u64> = ours.counts.iter().map(|&c| u64::from(c)).collect();
                assert_eq!(ours_counts, counts, "{name}: counts");
                assert_eq!(ours.outside, 0);
                println!(
                    "{name}, cutoff {cutoff}: {} cells, worst relative difference {worst:e}",
                    want.len()
                );
            }
        }
    }

    #[test]
    fn scott_bandwidths_match_scipy() {
        let fixture = fixture();
        for case in fixture["scott"].as_array().unwrap() {
            let set = case["points"].as_str().unwrap();
            let points = if set == "groningen_full" {
                full_groningen()
            } else {
                points(&fixture, set)
            };
            let weights = numbers(&case["weights"]);
            let ours = scott_bandwidth(&points, weights.as_deref()).unwrap();
            let want = case["bandwidth"].as_f64().unwrap();
            assert!(
                (ours - want).abs() <= 1e-12 * want,
                "{set}: {ours} vs {want}"
            );
        }
    }

    /// The 12.399 points of the bundled source (Bron: CBS/Politie).
    fn full_groningen() -> Vec<[f64; 2]> {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../data/groningen-fietsdiefstallen-politie-2013-2017/derived_incident_to_BU2017.csv"
        );
        let text = std::fs::read_to_string(path).unwrap();
        text.lines()
            .skip(1)
            .map(|line| {
                let fields: Vec<&str> = line.split(',').collect();
                [fields[1].parse().unwrap(), fields[2].parse().unwrap()]
            })
            .collect()
    }
}

// ---- Rank correlation against scipy (tests/oracle/rank_correlation.py) ----

mod rank_correlation {
    use buurtbeeld_stats::rank_correlation::{average_ranks, correlate, Changes, Method};
    use serde_json::Value;

    fn numbers(value: &Value) -> Vec<f64> {
        value
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect()
    }

    /// r to 1e-12 absolute (r is a cosine computed in a different order); p to 1e-9 relative.
    /// Where r is ±1 up to rounding, p hangs on the last bits of r (scipy gives 1,4e-24 for a
    /// rank correlation whose ranks are identical): both must then be below 1e-15.
    #[test]
    fn correlations_and_p_values_match_scipy() {
        let fixture: Value =
            serde_json::from_str(include_str!("fixtures/rank_correlation.json")).unwrap();
        for case in fixture["cases"].as_array().unwrap() {
            let name = case["name"].as_str().unwrap();
            let (x, y) = (numbers(&case["x"]), numbers(&case["y"]));
            let changes = match case["changes"].as_str().unwrap() {
                "levels" => Changes::Levels,
                "month_to_month" => Changes::MonthToMonth,
                _ => Changes::YearOnYear,
            };
            assert_eq!(
                average_ranks(&numbers(&case["x_used"])),
                numbers(&case["ranks_x"]),
                "{name}: ranks"
            );
            for (method, key) in [(Method::Spearman, "spearman"), (Method::Pearson, "pearson")] {
                let ours = correlate(&x, &y, method, changes).unwrap();
                let r = case[key]["r"].as_f64().unwrap();
                let p = case[key]["p"].as_f64().unwrap();
                assert_eq!(ours.n as u64, case["n"].as_u64().unwrap(), "{name}");
                assert!(
                    (ours.r - r).abs() <= 1e-12,
                    "{name} {key}: r {} vs {r}",
                    ours.r
                );
                let close =
                    (ours.p_value - p).abs() <= 1e-9 * p || (ours.p_value < 1e-15 && p < 1e-15);
                assert!(close, "{name} {key}: p {:e} vs {p:e}", ours.p_value);
                println!(
                    "{name} {key}: r {:+.6} (Δ {:.1e}), p {:.3e} (relative Δ {:.1e})",
                    ours.r,
                    (ours.r - r).abs(),
                    ours.p_value,
                    if p > 0.0 {
                        (ours.p_value - p).abs() / p
                    } else {
                        0.0
                    }
                );
            }
        }
    }
}

// ---- Report deduplication against a brute-force Python script (tests/oracle/report_clusters.py) ----

mod report_clusters {
    use buurtbeeld_stats::report_clusters::{cluster_reports, ClusterRule, Report};
    use serde_json::Value;

    /// Exact equality: both sides make the same float64 comparisons (`dx*dx + dy*dy <= d*d`).
    #[test]
    fn problems_equal_the_brute_force_script() {
        let fixture: Value =
            serde_json::from_str(include_str!("fixtures/report_clusters.json")).unwrap();
        let reports: Vec<Report> = fixture["reports"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| Report {
                category: r[0].as_u64().unwrap() as u32,
                x: r[1].as_f64().unwrap(),
                y: r[2].as_f64().unwrap(),
                day: r[3].as_i64().unwrap() as i32,
            })
            .collect();
        let ids = |v: &Value| -> Vec<u64> {
            v.as_array()
                .unwrap()
                .iter()
                .map(|i| i.as_u64().unwrap())
                .collect()
        };
        for case in fixture["cases"].as_array().unwrap() {
            let rule = ClusterRule {
                distance: case["distance"].as_f64().unwrap(),
                days: case["days"].as_i64().unwrap() as i32,
            };
            let problems = cluster_reports(&reports, &rule).unwrap();
            let ours: Vec<u64> = problems.problem_of.iter().map(|&p| u64::from(p)).collect();
            assert_eq!(ours, ids(&case["problem_of"]), "{rule:?}");
            let firsts: Vec<u64> = problems.first_report.iter().map(|&i| i as u64).collect();
            assert_eq!(firsts, ids(&case["first_report"]), "{rule:?}");
            assert_eq!(problems.count() as u64, case["problems"].as_u64().unwrap());
            println!(
                "{rule:?}: {} problems of {} reports",
                problems.count(),
                reports.len()
            );
        }
    }
}
