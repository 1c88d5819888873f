//! The seasonal naive forecast: next January as last January.
//!
//! # What it computes
//! `ŷ_{n+h} = y_{n+h−12k}` with `k = ⌊(h−1)/12⌋ + 1`, with variance `k·σ²`, σ² the mean squared
//! year-on-year change. Its in-sample error is the scale of MASE: every other method is judged
//! by whether it beats this one.
//!
//! # Assumptions
//! The season repeats; no trend.
//!
//! # Parameters
//! At least 13 months of history.
//!
//! # References
//! - Hyndman & Koehler (2006), "Another look at measures of forecast accuracy", *International
//!   Journal of Forecasting* 22(4) (MASE).

use crate::forecast::{mean_square, Context, Forecaster, Method, PointForecast, SEASON};

#[derive(Debug, Clone, Copy, Default)]
pub struct SeasonalNaive;

impl Forecaster for SeasonalNaive {
    fn method(&self) -> Method {
        Method::SeasonalNaive
    }

    fn forecast(&self, history: &[f64], _: &Context<'_>, horizon: usize) -> Option<PointForecast> {
        let n = history.len();
        if n <= SEASON {
            return None;
        }
        let sigma2 = mean_square(history.windows(SEASON + 1).map(|w| w[SEASON] - w[0]))?;
        let mut mean = Vec::with_capacity(horizon);
        let mut variance = Vec::with_capacity(horizon);
        for h in 1..=horizon {
            let k = (h - 1) / SEASON + 1;
            mean.push(history[n + h - SEASON * k - 1]);
            variance.push(k as f64 * sigma2);
        }
        Some(PointForecast {
            mean,
            variance,
            median: None,
        })
    }
}
