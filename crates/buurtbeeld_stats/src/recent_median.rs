//! The median of the last 12 or 24 months: a simple rule offered as a method, so that `auto`
//! can choose it where nothing more elaborate does better.
//!
//! # What it computes
//! The point forecast for every month ahead is the median of the last `k` months (the rule of
//! `simple_rules.rs`, scored as such by MAE); the predictive distribution for the intervals has
//! the mean of those months and their variance `σ²(1 + 1/k)`, as the moving average.
//!
//! # Assumptions
//! A stable level; the season and single odd months average out. The median ignores a month
//! with an outburst, which for counts of a few a month is most of what goes wrong.
//!
//! # Parameters
//! `k` = 12 ([`Method::Median12`]) or 24 ([`Method::Median24`]); at least `k` months.
//!
//! # References
//! - Hyndman & Athanasopoulos, *Forecasting: Principles and Practice* (3rd ed.), §5.2.

use crate::forecast::{Context, Forecaster, Method, PointForecast, SEASON};
use crate::moving_average::window_mean_and_variance;
use crate::simple_rules::SimpleRule;

#[derive(Debug, Clone, Copy)]
pub struct RecentMedian {
    /// 1 for the last 12 months, 2 for the last 24.
    pub years: usize,
}

impl Forecaster for RecentMedian {
    fn method(&self) -> Method {
        if self.years == 1 {
            Method::Median12
        } else {
            Method::Median24
        }
    }

    fn forecast(&self, history: &[f64], _: &Context<'_>, horizon: usize) -> Option<PointForecast> {
        let rule = if self.years == 1 {
            SimpleRule::Median12
        } else {
            SimpleRule::Median24
        };
        let median = rule.point(history, 1)?;
        let (mean, variance) = window_mean_and_variance(history, self.years * SEASON)?;
        Some(PointForecast {
            mean: vec![mean; horizon],
            variance: vec![variance; horizon],
            median: Some(vec![median; horizon]),
        })
    }
}
