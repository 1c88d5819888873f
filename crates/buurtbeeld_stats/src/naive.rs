//! The naive forecast: next month as this month.
//!
//! # What it computes
//! `ŷ_{n+h} = y_n`, with variance `h·σ²`, σ² the mean squared month-on-month change.
//!
//! # Assumptions
//! A random walk: no season, no trend. A baseline to beat, not a method to recommend.
//!
//! # Parameters
//! At least 2 months of history.
//!
//! # References
//! - Hyndman & Athanasopoulos, *Forecasting: Principles and Practice* (3rd ed.), §5.2, §5.5.

use crate::forecast::{mean_square, Context, Forecaster, Method, PointForecast};

#[derive(Debug, Clone, Copy, Default)]
pub struct Naive;

impl Forecaster for Naive {
    fn method(&self) -> Method {
        Method::Naive
    }

    fn forecast(&self, history: &[f64], _: &Context<'_>, horizon: usize) -> Option<PointForecast> {
        let &last = history.last()?;
        let sigma2 = mean_square(history.windows(2).map(|w| w[1] - w[0]))?;
        Some(PointForecast {
            mean: vec![last; horizon],
            variance: (1..=horizon).map(|h| h as f64 * sigma2).collect(),
            median: None,
        })
    }
}
