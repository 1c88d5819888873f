//! Forecasting: the trait every method implements, and prediction intervals that respect
//! counts.
//!
//! # What it computes
//! A method turns a monthly history into point forecasts and their variances for 1…h months
//! ahead ([`PointForecast`]). [`Forecast::from_point`] turns those into 80% and 95% prediction
//! intervals from a count distribution with the same mean and variance: negative binomial when
//! the variance exceeds the mean, Poisson otherwise. Bounds are whole, non-negative counts and
//! nested (the 95% interval contains the 80% one) by construction.
//!
//! # Assumptions
//! The variance of a method is its own estimate (from its one-step residuals and how errors add
//! up over the horizon); parameter uncertainty is ignored, so intervals are somewhat narrow. The
//! backtest (`backtest.rs`) measures their real coverage, which is what users are shown.
//!
//! # Parameters
//! [`SEASON`]: 12 months. [`Context`] carries the parent area's series (same months) for methods
//! that pool seasonality or level from it.
//!
//! # References
//! - Hyndman & Athanasopoulos, *Forecasting: Principles and Practice* (3rd ed.), ch. 5 and 8.

use statrs::distribution::{DiscreteCDF, NegativeBinomial, Poisson};

/// Months in a season.
pub const SEASON: usize = 12;

/// What a method may use besides the series itself.
#[derive(Debug, Clone, Copy, Default)]
pub struct Context<'a> {
    /// The parent area's series over the same months (e.g. the gemeente for a buurt).
    pub parent: Option<&'a [f64]>,
}

/// Point forecasts and their variances, one per month ahead.
#[derive(Debug, Clone, PartialEq)]
pub struct PointForecast {
    pub mean: Vec<f64>,
    pub variance: Vec<f64>,
}

/// A forecasting method.
pub trait Forecaster: Sync {
    /// A stable machine name, e.g. `seasonal_naive`.
    fn name(&self) -> &'static str;
    /// Forecasts `horizon` months after `history`; `None` when the method cannot (history too
    /// short, no parent, a degenerate fit).
    fn forecast(
        &self,
        history: &[f64],
        context: &Context<'_>,
        horizon: usize,
    ) -> Option<PointForecast>;
}

/// Forecasts with 80% and 95% prediction intervals, one per month ahead.
#[derive(Debug, Clone, PartialEq)]
pub struct Forecast {
    pub mean: Vec<f64>,
    pub lower_80: Vec<f64>,
    pub upper_80: Vec<f64>,
    pub lower_95: Vec<f64>,
    pub upper_95: Vec<f64>,
}

impl Forecast {
    /// Intervals from a count distribution with the point forecast's mean and variance; the
    /// mean is clamped at 0 (a count cannot be negative).
    pub fn from_point(point: &PointForecast) -> Forecast {
        let mut forecast = Forecast {
            mean: Vec::new(),
            lower_80: Vec::new(),
            upper_80: Vec::new(),
            lower_95: Vec::new(),
            upper_95: Vec::new(),
        };
        for (&mean, &variance) in point.mean.iter().zip(&point.variance) {
            let mean = if mean.is_finite() { mean.max(0.0) } else { 0.0 };
            let quantile = |q: f64| count_quantile(mean, variance, q);
            forecast.mean.push(mean);
            forecast.lower_95.push(quantile(0.025));
            forecast.lower_80.push(quantile(0.10));
            forecast.upper_80.push(quantile(0.90));
            forecast.upper_95.push(quantile(0.975));
        }
        forecast
    }
}

/// The smallest count k with P(X ≤ k) ≥ q for X with this mean and variance (negative binomial
/// when overdispersed, else Poisson).
pub fn count_quantile(mean: f64, variance: f64, q: f64) -> f64 {
    if mean <= 0.0 {
        return 0.0;
    }
    let variance = if variance.is_finite() { variance } else { mean };
    let cdf: Box<dyn Fn(u64) -> f64> = if variance > mean * (1.0 + 1e-9) {
        let r = mean * mean / (variance - mean);
        let distribution = NegativeBinomial::new(r, r / (r + mean)).expect("r > 0, 0 < p < 1");
        Box::new(move |k| distribution.cdf(k))
    } else {
        let distribution = Poisson::new(mean).expect("mean > 0");
        Box::new(move |k| distribution.cdf(k))
    };
    // Binary search between 0 and a bound far in the upper tail.
    let (mut lo, mut hi) = (
        0u64,
        (mean + 40.0 * variance.max(mean).sqrt() + 10.0) as u64,
    );
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if cdf(mid) >= q {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    lo as f64
}

/// The mean of squared values (residual variance), `None` without values.
pub(crate) fn mean_square(residuals: impl Iterator<Item = f64>) -> Option<f64> {
    let (sum, count) = residuals.fold((0.0, 0usize), |(s, c), r| (s + r * r, c + 1));
    (count > 0).then(|| sum / count as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_are_whole_nested_and_never_negative() {
        let point = PointForecast {
            mean: vec![0.0, 0.4, 5.0, 120.0, -3.0],
            variance: vec![1.0, 0.4, 30.0, 100.0, 2.0],
        };
        let f = Forecast::from_point(&point);
        for i in 0..5 {
            assert!(f.lower_95[i] >= 0.0 && f.lower_95[i].fract() == 0.0);
            assert!(f.lower_95[i] <= f.lower_80[i] && f.lower_80[i] <= f.upper_80[i]);
            assert!(f.upper_80[i] <= f.upper_95[i]);
        }
        assert_eq!(f.mean[4], 0.0);
        assert_eq!(f.upper_95[0], 0.0);
    }
}
