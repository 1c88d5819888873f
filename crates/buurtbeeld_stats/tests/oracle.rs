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
