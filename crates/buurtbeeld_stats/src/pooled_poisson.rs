//! The pooled count model: a buurt's share of its parent's Poisson forecast.
//!
//! # What it computes
//! The parent area's (wijk's or gemeente's) series is fitted with the Poisson regression of
//! `poisson_regression.rs` (trend and month effects, estimated where counts are plentiful). The
//! buurt's forecast is its share of the parent's: `ŷ_{n+h} = s · μ^{parent}_{n+h}`, with the
//! share shrunk towards the buurt's share of all history:
//! `s = (Σ_{last 12} y + k·s_all) / (Σ_{last 12} parent + k)`, `s_all = Σ y / Σ parent`, k = 12
//! months' worth of the parent's average count. Variance `φ ŷ`, φ the buurt's Pearson dispersion
//! against `s_all · μ^{parent}_t` (at least 1).
//!
//! # Assumptions
//! The buurt follows the parent's trend and season; its own share changes slowly. This is the
//! hierarchical pooling that keeps sparse series (a few incidents a month) from chasing noise.
//!
//! # Parameters
//! A parent series over the same months on which the Poisson regression converges; at least 24
//! months.
//!
//! # References
//! - Gorr, Olligschlaeger & Thompson (2003), "Short-term forecasting of crime", *International
//!   Journal of Forecasting* 19(4) (pooling small areas with their city).

use crate::forecast::{Context, Forecaster, Method, PointForecast, SEASON};
use crate::poisson_regression::fit_poisson;

#[derive(Debug, Clone, Copy, Default)]
pub struct PooledPoisson;

impl Forecaster for PooledPoisson {
    fn method(&self) -> Method {
        Method::PooledPoisson
    }

    fn forecast(
        &self,
        history: &[f64],
        context: &Context<'_>,
        horizon: usize,
    ) -> Option<PointForecast> {
        let n = history.len();
        let parent = context.parent?.get(..n)?;
        let fit = fit_poisson(parent)?;
        let parent_total: f64 = parent.iter().sum();
        if parent_total <= 0.0 {
            return None;
        }
        let share_all = history.iter().sum::<f64>() / parent_total;
        let recent = n.saturating_sub(SEASON);
        let prior_weight = parent_total / n as f64 * SEASON as f64;
        let share = (history[recent..].iter().sum::<f64>() + prior_weight * share_all)
            / (parent[recent..].iter().sum::<f64>() + prior_weight);
        let pearson: f64 = history
            .iter()
            .zip(&fit.fitted)
            .map(|(y, m)| {
                let expected = share_all * m;
                if expected > 0.0 {
                    (y - expected).powi(2) / expected
                } else {
                    0.0
                }
            })
            .sum();
        let dispersion = (pearson / (n - 1) as f64).max(1.0);
        let mean: Vec<f64> = (n..n + horizon).map(|t| share * fit.mean_at(t)).collect();
        Some(PointForecast {
            variance: mean.iter().map(|m| m * dispersion).collect(),
            mean,
            median: None,
        })
    }
}
