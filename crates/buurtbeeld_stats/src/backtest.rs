//! Backtesting: how would each method have done, had it been used in the past?
//!
//! # What it computes
//! Rolling-origin evaluation: for each of the last `origins` months of a series as the
//! forecast origin, the method sees only the months before it and forecasts up to `horizon`
//! months ahead; the forecasts are compared with what happened. Scores over all those
//! forecasts: MAE, RMSE, MASE (MAE divided by the in-sample MAE of the seasonal naive forecast
//! on the months before the first origin: below 1 beats "same month last year"), and the share
//! of actual values inside the 80% and 95% intervals. [`select`] picks the method with the
//! smallest MAE; seasonal naive comes first, so a method must do strictly better to be chosen
//! over it.
//!
//! # Assumptions
//! The past months are representative of the months to come. Every method is scored on the same
//! origins; a method that cannot forecast at one of them gets no score.
//!
//! # Parameters
//! `origins` (e.g. 12) and `horizon` (1–12).
//!
//! # References
//! - Tashman (2000), "Out-of-sample tests of forecasting accuracy: an analysis and review",
//!   *International Journal of Forecasting* 16(4).
//! - Hyndman & Koehler (2006), "Another look at measures of forecast accuracy" (MASE).

use crate::forecast::{central_coverage, Context, Forecast, Forecaster, SEASON};
use crate::holt_winters::HoltWinters;
use crate::moving_average::MovingAverage;
use crate::naive::Naive;
use crate::poisson_regression::PoissonRegression;
use crate::pooled_poisson::PooledPoisson;
use crate::pooled_seasonal::PooledSeasonal;
use crate::recent_median::RecentMedian;
use crate::seasonal_naive::SeasonalNaive;
use crate::simple_rules::SimpleRule;

/// Every method, seasonal naive first (the one to beat), then from simple to elaborate.
pub fn all_methods() -> Vec<Box<dyn Forecaster>> {
    vec![
        Box::new(SeasonalNaive),
        Box::new(Naive),
        Box::new(MovingAverage),
        Box::new(RecentMedian { years: 1 }),
        Box::new(RecentMedian { years: 2 }),
        Box::new(HoltWinters),
        Box::new(PooledSeasonal),
        Box::new(PoissonRegression),
        Box::new(PooledPoisson),
    ]
}

/// A method's backtest scores.
#[derive(Debug, Clone, PartialEq)]
pub struct Scores {
    pub method: &'static str,
    pub mae: f64,
    pub rmse: f64,
    /// None when seasonal naive makes no in-sample error to compare with.
    pub mase: Option<f64>,
    pub coverage_80: f64,
    pub coverage_95: f64,
    /// Forecasts scored.
    pub forecasts: usize,
}

/// Backtests `method` on `series` (the parent, if any, over the same months); `None` if it
/// cannot forecast at every origin.
pub fn backtest(
    method: &dyn Forecaster,
    series: &[f64],
    parent: Option<&[f64]>,
    origins: usize,
    horizon: usize,
) -> Option<Scores> {
    let n = series.len();
    let first = n.checked_sub(origins)?;
    let scale = seasonal_naive_scale(&series[..first]);
    let (mut abs, mut squares, mut in_80, mut in_95, mut count) = (0.0, 0.0, 0.0, 0.0, 0usize);
    for origin in first..n {
        let steps = horizon.min(n - origin);
        let context = Context {
            parent: parent.map(|p| &p[..origin]),
        };
        let point = method.forecast(&series[..origin], &context, steps)?;
        let forecast = Forecast::from_point(&point);
        for (h, &actual) in series[origin..origin + steps].iter().enumerate() {
            abs += (actual - forecast.median[h]).abs();
            squares += (actual - forecast.mean[h]).powi(2);
            let (mean, variance) = (point.mean[h], point.variance[h]);
            in_80 += central_coverage(mean, variance, actual, 0.10, 0.90);
            in_95 += central_coverage(mean, variance, actual, 0.025, 0.975);
            count += 1;
        }
    }
    if count == 0 {
        return None;
    }
    let total = count as f64;
    let mae = abs / total;
    Some(Scores {
        method: method.name(),
        mae,
        rmse: (squares / total).sqrt(),
        mase: scale.filter(|s| *s > 0.0).map(|s| mae / s),
        coverage_80: in_80 / total,
        coverage_95: in_95 / total,
        forecasts: count,
    })
}

/// The in-sample MAE of the seasonal naive forecast, the scale of MASE.
fn seasonal_naive_scale(training: &[f64]) -> Option<f64> {
    let errors: Vec<f64> = training
        .windows(SEASON + 1)
        .map(|w| (w[SEASON] - w[0]).abs())
        .collect();
    (!errors.is_empty()).then(|| errors.iter().sum::<f64>() / errors.len() as f64)
}

/// Every method's backtest scores on one series (None where it could not run).
pub fn score_methods(
    methods: &[Box<dyn Forecaster>],
    series: &[f64],
    parent: Option<&[f64]>,
    origins: usize,
    horizon: usize,
) -> Vec<Option<Scores>> {
    methods
        .iter()
        .map(|m| backtest(m.as_ref(), series, parent, origins, horizon))
        .collect()
}

/// The method with the smallest MAE over all areas' backtest forecasts together, from each
/// area's [`score_methods`]; the first method (seasonal naive) stands in where a method could
/// not run, as it does when forecasting. Ties go to the earlier method. `None` when no area was
/// scored.
pub fn pooled_choice(per_area: &[Vec<Option<Scores>>]) -> Option<usize> {
    let methods = per_area.first()?.len();
    (0..methods)
        .filter_map(|i| pooled_mae(per_area, i).map(|mae| (i, mae)))
        .fold(None, |best: Option<(usize, f64)>, (i, mae)| match best {
            Some((_, b)) if b <= mae => best,
            _ => Some((i, mae)),
        })
        .map(|(i, _)| i)
}

/// Method `method`'s MAE over all areas' backtest forecasts together, seasonal naive (the first
/// method) standing in where it could not run; `None` when no area was scored.
pub fn pooled_mae(per_area: &[Vec<Option<Scores>>], method: usize) -> Option<f64> {
    let (errors, forecasts) = per_area
        .iter()
        .filter_map(|scores| scores[method].as_ref().or(scores[0].as_ref()))
        .fold((0.0, 0usize), |(e, n), s| {
            (e + s.mae * s.forecasts as f64, n + s.forecasts)
        });
    (forecasts > 0).then(|| errors / forecasts as f64)
}

/// A simple rule's backtest: its MAE and the number of forecasts, on the same origins and
/// horizon as [`backtest`]; `None` if the history is too short for it at some origin.
pub fn backtest_rule(
    rule: SimpleRule,
    series: &[f64],
    origins: usize,
    horizon: usize,
) -> Option<(f64, usize)> {
    let n = series.len();
    let (mut abs, mut count) = (0.0, 0usize);
    for origin in n.checked_sub(origins)?..n {
        for (h, &actual) in series[origin..n.min(origin + horizon)].iter().enumerate() {
            abs += (actual - rule.point(&series[..origin], h + 1)?).abs();
            count += 1;
        }
    }
    (count > 0).then(|| (abs / count as f64, count))
}
