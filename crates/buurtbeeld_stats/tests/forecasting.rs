//! Properties every forecasting method keeps, whatever the series: forecasts and bounds are
//! non-negative, intervals are nested, and a constant series forecasts that constant.

use buurtbeeld_stats::backtest::{all_methods, pooled_choice, score_methods};
use buurtbeeld_stats::forecast::{Context, Forecast};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn forecasts_are_non_negative_and_intervals_nested(
        series in prop::collection::vec(0u32..40, 24..60),
        parent_extra in prop::collection::vec(0u32..200, 60),
        horizon in 1usize..=12,
    ) {
        let series: Vec<f64> = series.into_iter().map(f64::from).collect();
        let parent: Vec<f64> = series
            .iter()
            .zip(&parent_extra)
            .map(|(s, p)| s + f64::from(*p) + 1.0)
            .collect();
        let context = Context { parent: Some(&parent) };
        for method in all_methods() {
            let Some(point) = method.forecast(&series, &context, horizon) else { continue };
            prop_assert_eq!(point.mean.len(), horizon);
            let f = Forecast::from_point(&point);
            for h in 0..horizon {
                prop_assert!(f.mean[h] >= 0.0, "{} mean {}", method.name(), f.mean[h]);
                prop_assert!(f.lower_95[h] >= 0.0);
                prop_assert!(f.lower_95[h] <= f.lower_80[h], "{}", method.name());
                prop_assert!(f.lower_80[h] <= f.upper_80[h], "{}", method.name());
                prop_assert!(f.upper_80[h] <= f.upper_95[h], "{}", method.name());
            }
        }
    }

    #[test]
    fn a_constant_series_forecasts_that_constant(
        value in 0u32..50,
        months in 24usize..60,
        parent in prop::collection::vec(1u32..200, 60),
    ) {
        let series = vec![f64::from(value); months];
        // Every method on its own (no parent to borrow a season from).
        for method in all_methods() {
            let Some(point) = method.forecast(&series, &Context::default(), 12) else { continue };
            for mean in &point.mean {
                prop_assert!((mean - f64::from(value)).abs() < 1e-9, "{}: {mean}", method.name());
            }
        }
        // And the automatic choice, even with a seasonal parent on offer.
        let parent: Vec<f64> = parent.into_iter().map(f64::from).collect();
        let methods = all_methods();
        let best = pooled_choice(&[score_methods(&methods, &series, Some(&parent), 12, 12)]);
        let context = Context { parent: Some(&parent) };
        let point = methods[best.unwrap()].forecast(&series, &context, 12).unwrap();
        for mean in &point.mean {
            prop_assert!((mean - f64::from(value)).abs() < 1e-9);
        }
    }
}
