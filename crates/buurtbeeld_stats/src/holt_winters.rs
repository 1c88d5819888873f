//! Holt-Winters: exponential smoothing with additive trend and additive season (ETS(A,A,A)).
//!
//! # What it computes
//! With season length m = 12, level l, trend b and seasonal s, for each month t:
//!
//! - one-step forecast `ŷ_t = l_{t−1} + b_{t−1} + s_{t−m}`
//! - `l_t = α(y_t − s_{t−m}) + (1 − α)(l_{t−1} + b_{t−1})`
//! - `b_t = β(l_t − l_{t−1}) + (1 − β) b_{t−1}`
//! - `s_t = γ(y_t − l_{t−1} − b_{t−1}) + (1 − γ) s_{t−m}`
//!
//! and `ŷ_{n+h} = l_n + h·b_n + s_{n+h−m(⌊(h−1)/m⌋+1)}`, with the ETS(A,A,A) variance
//! `σ²(1 + Σ_{j<h} c_j²)`, `c_j = α(1 + jβ) + γ·[j mod m = 0]`, σ² the mean squared one-step
//! error. Initial states: `l_0` the mean of the first year, `b_0` the change of the yearly mean
//! from year one to two per month, `s_0` the first year minus `l_0`. [`HoltWinters`] picks α, β,
//! γ from a grid by the smallest sum of squared one-step errors.
//!
//! # Assumptions
//! A season that adds a fixed number of incidents per month and a trend that continues. Both
//! are shaky for sparse buurt series: `pooled_seasonal.rs` borrows the season from the parent
//! area instead. Forecasts below 0 are clamped at 0 (in `forecast.rs`).
//!
//! # Parameters
//! At least 24 months (two seasons) of history. The grid: α ∈ {0,05; 0,1; 0,2; 0,4; 0,7; 0,9},
//! β ∈ {0; 0,05}, γ ∈ {0; 0,1; 0,2; 0,4} (48 combinations; statsmodels optimises continuously
//! instead, at far greater cost per series).
//!
//! # References
//! - Hyndman, Koehler, Ord & Snyder (2008), *Forecasting with Exponential Smoothing*, ch. 6
//!   (variance of class 1 models).
//! - Oracle: statsmodels `ExponentialSmoothing(trend='add', seasonal='add',
//!   initialization_method='known').fit(optimized=False)` reproduces `smooth` for fixed
//!   parameters; see `tests/oracle/forecast.py`.

use crate::forecast::{Context, Forecaster, Method, PointForecast, SEASON};

/// Smoothing parameters and initial states.
#[derive(Debug, Clone, PartialEq)]
pub struct HoltWintersParameters {
    pub alpha: f64,
    pub beta: f64,
    pub gamma: f64,
    pub level: f64,
    pub trend: f64,
    /// The seasonal states of the first 12 months.
    pub season: Vec<f64>,
}

/// The smoothed path: one-step fitted values and the final states.
#[derive(Debug, Clone, PartialEq)]
pub struct Smoothed {
    pub fitted: Vec<f64>,
    pub sse: f64,
    pub level: f64,
    pub trend: f64,
    /// All seasonal states, `s_0 … s_{n+m−1}` (the last 12 serve the forecast).
    pub season: Vec<f64>,
}

/// Runs the recursion of the module docs over `y` with fixed parameters.
pub fn smooth(y: &[f64], p: &HoltWintersParameters) -> Smoothed {
    let m = p.season.len();
    let (mut level, mut trend) = (p.level, p.trend);
    let mut season = p.season.clone();
    season.reserve(y.len());
    let mut fitted = Vec::with_capacity(y.len());
    let mut sse = 0.0;
    for (t, &observed) in y.iter().enumerate() {
        let seasonal = season[t];
        let prediction = level + trend + seasonal;
        fitted.push(prediction);
        sse += (observed - prediction).powi(2);
        let new_level = p.alpha * (observed - seasonal) + (1.0 - p.alpha) * (level + trend);
        let new_trend = p.beta * (new_level - level) + (1.0 - p.beta) * trend;
        season.push(p.gamma * (observed - level - trend) + (1.0 - p.gamma) * seasonal);
        level = new_level;
        trend = new_trend;
    }
    debug_assert_eq!(season.len(), y.len() + m);
    Smoothed {
        fitted,
        sse,
        level,
        trend,
        season,
    }
}

/// Forecasts `horizon` months after the smoothed path.
pub fn extrapolate(smoothed: &Smoothed, horizon: usize) -> Vec<f64> {
    let m = SEASON;
    let n = smoothed.season.len() - m;
    (1..=horizon)
        .map(|h| smoothed.level + h as f64 * smoothed.trend + smoothed.season[n + (h - 1) % m])
        .collect()
}

/// The initial states of the module docs; `None` with fewer than 24 months.
pub fn initial_states(y: &[f64]) -> Option<(f64, f64, Vec<f64>)> {
    if y.len() < 2 * SEASON {
        return None;
    }
    let year = |k: usize| y[k * SEASON..(k + 1) * SEASON].iter().sum::<f64>() / SEASON as f64;
    let level = year(0);
    let trend = (year(1) - year(0)) / SEASON as f64;
    let season = y[..SEASON].iter().map(|v| v - level).collect();
    Some((level, trend, season))
}

const ALPHAS: [f64; 6] = [0.05, 0.1, 0.2, 0.4, 0.7, 0.9];
const BETAS: [f64; 2] = [0.0, 0.05];
const GAMMAS: [f64; 4] = [0.0, 0.1, 0.2, 0.4];

/// The sum of squared one-step errors of [`smooth`], without keeping the path: the grid search
/// runs this 48 times per fit, so it allocates nothing (the season is a ring of 12).
fn sse(y: &[f64], alpha: f64, beta: f64, gamma: f64, start: &(f64, f64, Vec<f64>)) -> f64 {
    let (mut level, mut trend) = (start.0, start.1);
    let mut season = [0.0; SEASON];
    season.copy_from_slice(&start.2);
    let mut total = 0.0;
    for (t, &observed) in y.iter().enumerate() {
        let slot = &mut season[t % SEASON];
        let seasonal = *slot;
        let error = observed - (level + trend + seasonal);
        total += error * error;
        let new_level = alpha * (observed - seasonal) + (1.0 - alpha) * (level + trend);
        *slot = gamma * (observed - level - trend) + (1.0 - gamma) * seasonal;
        trend = beta * (new_level - level) + (1.0 - beta) * trend;
        level = new_level;
    }
    total
}

/// Holt-Winters with parameters chosen from the grid.
#[derive(Debug, Clone, Copy, Default)]
pub struct HoltWinters;

impl Forecaster for HoltWinters {
    fn method(&self) -> Method {
        Method::HoltWinters
    }

    fn forecast(&self, history: &[f64], _: &Context<'_>, horizon: usize) -> Option<PointForecast> {
        let start = initial_states(history)?;
        let mut best: Option<(f64, f64, f64, f64)> = None;
        for alpha in ALPHAS {
            for beta in BETAS {
                for gamma in GAMMAS {
                    let total = sse(history, alpha, beta, gamma, &start);
                    if best.is_none_or(|b| total < b.0) {
                        best = Some((total, alpha, beta, gamma));
                    }
                }
            }
        }
        let (_, alpha, beta, gamma) = best?;
        let (level, trend, season) = start;
        let p = HoltWintersParameters {
            alpha,
            beta,
            gamma,
            level,
            trend,
            season,
        };
        let smoothed = smooth(history, &p);
        let sigma2 = smoothed.sse / history.len() as f64;
        let mean = extrapolate(&smoothed, horizon);
        let mut variance = Vec::with_capacity(horizon);
        let mut accumulated = 1.0;
        for h in 1..=horizon {
            variance.push(sigma2 * accumulated);
            let j = h as f64;
            let seasonal = if h % SEASON == 0 { p.gamma } else { 0.0 };
            accumulated += (p.alpha * (1.0 + j * p.beta) + seasonal).powi(2);
        }
        Some(PointForecast {
            mean,
            variance,
            median: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The allocation-free error sum of the grid search is the full recursion's.
    #[test]
    fn the_grid_search_scores_what_smooth_computes() {
        let y: Vec<f64> = (0..40)
            .map(|t| 10.0 + ((t * 7) % 11) as f64 + (t % 12) as f64)
            .collect();
        let start = initial_states(&y).unwrap();
        let p = HoltWintersParameters {
            alpha: 0.4,
            beta: 0.05,
            gamma: 0.2,
            level: start.0,
            trend: start.1,
            season: start.2.clone(),
        };
        let full = smooth(&y, &p).sse;
        assert!((sse(&y, 0.4, 0.05, 0.2, &start) - full).abs() <= 1e-9 * full);
    }
}
