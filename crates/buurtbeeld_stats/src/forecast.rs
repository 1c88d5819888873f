//! Forecasting: the trait every method implements, and prediction intervals that respect
//! counts.
//!
//! # What it computes
//! A method turns a monthly history into point forecasts and their variances for 1…h months
//! ahead ([`PointForecast`]). [`Forecast::from_point`] turns those into a predictive count
//! distribution with the same mean and variance (negative binomial when the variance exceeds
//! the mean, Poisson otherwise) and reads off its median and its 80% and 95% prediction
//! intervals. Bounds are whole, non-negative counts and nested (the 95% interval contains the
//! 80% one) by construction.
//!
//! Two point forecasts, each for its use: the **median** is the forecast that minimises the
//! expected absolute error, so it is the one scored by MAE and shown as "verwacht"; the
//! **mean** adds up (a sum of buurten, a year) and is the one scored by RMSE. For low counts
//! they differ: a buurt expecting 0,8 thefts a month most likely has none.
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

use statrs::distribution::{Discrete, DiscreteCDF, NegativeBinomial, Poisson};

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
    /// The method's own median, for a rule whose point is a median of the past months; `None`:
    /// the median of the count distribution with this mean and variance.
    pub median: Option<Vec<f64>>,
}

/// A forecasting method.
/// The forecasting methods, one per file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Method {
    SeasonalNaive,
    Naive,
    MovingAverage,
    HoltWinters,
    PooledSeasonal,
    PoissonRegression,
    PooledPoisson,
    Median12,
    Median24,
}

impl Method {
    /// A stable machine name, e.g. `seasonal_naive` (JSON, CSV and the command line).
    pub fn name(self) -> &'static str {
        match self {
            Method::SeasonalNaive => "seasonal_naive",
            Method::Naive => "naive",
            Method::MovingAverage => "moving_average",
            Method::HoltWinters => "holt_winters",
            Method::PooledSeasonal => "pooled_seasonal",
            Method::PoissonRegression => "poisson_regression",
            Method::PooledPoisson => "pooled_poisson",
            Method::Median12 => "median_12",
            Method::Median24 => "median_24",
        }
    }
}

pub trait Forecaster: Sync {
    /// Which method this is.
    fn method(&self) -> Method;
    /// A stable machine name, e.g. `seasonal_naive`.
    fn name(&self) -> &'static str {
        self.method().name()
    }
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
    /// The median of the predictive distribution: the point forecast for absolute errors.
    pub median: Vec<f64>,
    /// The predictive distribution's variance (at least the mean: Poisson at the least).
    pub variance: Vec<f64>,
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
            median: Vec::new(),
            variance: Vec::new(),
            lower_80: Vec::new(),
            upper_80: Vec::new(),
            lower_95: Vec::new(),
            upper_95: Vec::new(),
        };
        for (h, (&mean, &variance)) in point.mean.iter().zip(&point.variance).enumerate() {
            let mean = if mean.is_finite() { mean.max(0.0) } else { 0.0 };
            let [lower_95, lower_80, median, upper_80, upper_95] =
                count_quantiles(mean, variance, [0.025, 0.10, 0.5, 0.90, 0.975]);
            let own_median = point.median.as_ref().map(|m| m[h].max(0.0));
            forecast.mean.push(mean);
            forecast.median.push(own_median.unwrap_or(median));
            forecast.variance.push(if variance.is_finite() {
                variance.max(mean)
            } else {
                mean
            });
            forecast.lower_95.push(lower_95);
            forecast.lower_80.push(lower_80);
            forecast.upper_80.push(upper_80);
            forecast.upper_95.push(upper_95);
        }
        forecast
    }
}

/// For each probability q (ascending), the smallest count k with P(X ≤ k) ≥ q, for X with this
/// mean and variance: negative binomial when overdispersed, else Poisson.
///
/// One walk up the distribution: the CDF once (statrs) well below the mean, then the
/// probabilities by their recurrence (`p_{k+1} = p_k·μ/(k+1)` for Poisson,
/// `p_{k+1} = p_k·(k+r)/(k+1)·(1−p)` for the negative binomial) until the last quantile.
pub fn count_quantiles<const N: usize>(mean: f64, variance: f64, q: [f64; N]) -> [f64; N] {
    let mut out = [0.0; N];
    if mean <= 0.0 {
        return out;
    }
    let variance = if variance.is_finite() {
        variance.max(mean)
    } else {
        mean
    };
    let negative_binomial = variance > mean * (1.0 + 1e-9);
    let r = mean * mean / (variance - mean);
    let success = r / (r + mean);
    let start = (mean - 8.0 * variance.sqrt()).floor().max(0.0) as u64;
    let (mut cdf, mut pmf) = if negative_binomial {
        let d = NegativeBinomial::new(r, success).expect("r > 0, 0 < p < 1");
        (d.cdf(start), d.pmf(start))
    } else {
        let d = Poisson::new(mean).expect("mean > 0");
        (d.cdf(start), d.pmf(start))
    };
    let mut k = start;
    let mut next = 0;
    // The walk ends at the last quantile; the bound guards against a CDF that rounds below 1.
    let limit = (mean + 60.0 * variance.sqrt() + 20.0) as u64;
    while next < N {
        while next < N && cdf >= q[next] {
            out[next] = k as f64;
            next += 1;
        }
        if k >= limit {
            for slot in &mut out[next..] {
                *slot = k as f64;
            }
            break;
        }
        let kf = k as f64;
        pmf *= if negative_binomial {
            (kf + r) / (kf + 1.0) * (1.0 - success)
        } else {
            mean / (kf + 1.0)
        };
        k += 1;
        cdf += pmf;
    }
    out
}

/// How much of the central `lower..upper` probability band of the predictive count
/// distribution (mean, variance as in [`Forecast::from_point`]) the count `actual` falls in:
/// the nonrandomised probability integral transform of Czado, Gneiting & Held (2009). For a
/// count the PIT is spread evenly over `[F(y − 1), F(y)]`; this returns the share of that span
/// inside `[lower, upper]`. Averaged over forecasts it is the interval coverage a calibrated
/// forecast gets right (0,80 for the 80% band), where the share of counts inside whole-number
/// bounds is always higher for small counts: with a mean of 1 the smallest whole interval
/// holding 80% already holds 92%.
///
/// Reference: Czado, Gneiting & Held (2009), "Predictive model assessment for count data",
/// *Biometrics* 65(4).
pub fn central_coverage(mean: f64, variance: f64, actual: f64, lower: f64, upper: f64) -> f64 {
    let mean = if mean.is_finite() { mean.max(0.0) } else { 0.0 };
    let (below, at) = if mean <= 0.0 {
        // All probability on 0.
        if actual >= 1.0 {
            (1.0, 1.0)
        } else {
            (0.0, 1.0)
        }
    } else {
        let variance = if variance.is_finite() {
            variance.max(mean)
        } else {
            mean
        };
        let y = actual.max(0.0) as u64;
        let cdf = |k: u64| {
            if variance > mean * (1.0 + 1e-9) {
                let r = mean * mean / (variance - mean);
                NegativeBinomial::new(r, r / (r + mean))
                    .expect("r > 0, 0 < p < 1")
                    .cdf(k)
            } else {
                Poisson::new(mean).expect("mean > 0").cdf(k)
            }
        };
        (if y == 0 { 0.0 } else { cdf(y - 1) }, cdf(y))
    };
    if at - below <= 1e-12 {
        return f64::from(u8::from(lower <= at && at <= upper));
    }
    (at.min(upper) - below.max(lower)).max(0.0) / (at - below)
}

/// The mean of squared values (residual variance), `None` without values.
pub(crate) fn mean_square(residuals: impl Iterator<Item = f64>) -> Option<f64> {
    let (sum, count) = residuals.fold((0.0, 0usize), |(s, c), r| (s + r * r, c + 1));
    (count > 0).then(|| sum / count as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The walk agrees with a search on statrs' CDF, for Poisson and negative binomial, small
    /// and large means.
    #[test]
    fn quantiles_match_a_search_on_the_cdf() {
        let search = |mean: f64, variance: f64, q: f64| -> f64 {
            let cdf = |k: u64| {
                if variance > mean * (1.0 + 1e-9) {
                    let r = mean * mean / (variance - mean);
                    NegativeBinomial::new(r, r / (r + mean)).unwrap().cdf(k)
                } else {
                    Poisson::new(mean).unwrap().cdf(k)
                }
            };
            (0u64..).find(|&k| cdf(k) >= q).unwrap() as f64
        };
        for mean in [0.05, 0.4, 1.0, 3.3, 12.0, 47.5, 310.0, 2500.0] {
            for factor in [0.5, 1.0, 1.5, 4.0, 30.0] {
                let variance = mean * factor;
                let q = [0.025, 0.10, 0.90, 0.975];
                let ours = count_quantiles(mean, variance, q);
                for (i, &p) in q.iter().enumerate() {
                    assert_eq!(
                        ours[i],
                        search(mean, variance, p),
                        "mean {mean} var {variance} q {p}"
                    );
                }
            }
        }
    }

    #[test]
    fn central_coverage_spreads_a_count_over_its_probability() {
        // Poisson(1): F(0) = 0,368, F(1) = 0,736, F(2) = 0,920.
        let (f0, f1) = (0.367_879_441_171_442_3, 0.735_758_882_342_884_6);
        let inside = |y: f64| central_coverage(1.0, 1.0, y, 0.10, 0.90);
        assert!((inside(0.0) - (f0 - 0.10) / f0).abs() < 1e-9);
        assert!((inside(1.0) - 1.0).abs() < 1e-12);
        assert!((inside(2.0) - (0.90 - f1) / (0.919_698_602_928_605_5 - f1)).abs() < 1e-9);
        assert_eq!(inside(7.0), 0.0);
        // Averaged over the distribution itself: exactly the nominal 80%.
        let poisson = Poisson::new(1.0).unwrap();
        let expected: f64 = (0..60).map(|k| poisson.pmf(k) * inside(k as f64)).sum();
        assert!((expected - 0.80).abs() < 1e-9, "{expected}");
        // A forecast of nothing: a zero covers the band's width, anything else nothing.
        assert!((central_coverage(0.0, 0.0, 0.0, 0.10, 0.90) - 0.80).abs() < 1e-12);
        assert_eq!(central_coverage(0.0, 0.0, 3.0, 0.10, 0.90), 0.0);
    }

    #[test]
    fn intervals_are_whole_nested_and_never_negative() {
        let point = PointForecast {
            mean: vec![0.0, 0.4, 5.0, 120.0, -3.0],
            variance: vec![1.0, 0.4, 30.0, 100.0, 2.0],
            median: None,
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
