//! The moving average: next months as the mean of the last twelve.
//!
//! # What it computes
//! `ŷ_{n+h} = (y_{n−11} + … + y_n) / 12` for every h, with variance `σ²(1 + 1/12)`, σ² the
//! variance of the last twelve months around their mean.
//!
//! # Assumptions
//! A stable level; the season averages out. Robust for sparse series.
//!
//! # Parameters
//! A window of 12 months (a whole season); at least 12 months of history.
//!
//! # References
//! - Hyndman & Athanasopoulos, *Forecasting: Principles and Practice* (3rd ed.), §5.2.

use crate::forecast::{Context, Forecaster, Method, PointForecast, SEASON};

#[derive(Debug, Clone, Copy, Default)]
pub struct MovingAverage;

impl Forecaster for MovingAverage {
    fn method(&self) -> Method {
        Method::MovingAverage
    }

    fn forecast(&self, history: &[f64], _: &Context<'_>, horizon: usize) -> Option<PointForecast> {
        let (mean, variance) = window_mean_and_variance(history, SEASON)?;
        Some(PointForecast {
            mean: vec![mean; horizon],
            variance: vec![variance; horizon],
            median: None,
        })
    }
}

/// The mean of the last `months` months and the variance of a forecast by it,
/// `σ²(1 + 1/k)`; `None` with a shorter history.
pub(crate) fn window_mean_and_variance(history: &[f64], months: usize) -> Option<(f64, f64)> {
    let window = history.get(history.len().checked_sub(months)?..)?;
    let k = window.len() as f64;
    let mean = window.iter().sum::<f64>() / k;
    let spread = window.iter().map(|y| (y - mean).powi(2)).sum::<f64>() / (k - 1.0);
    Some((mean, spread * (1.0 + 1.0 / k)))
}
