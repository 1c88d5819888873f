//! A count model: Poisson regression with a trend and month effects.
//!
//! # What it computes
//! `log μ_t = β_0 + β_1 t + Σ_{m=2}^{12} β_m [month(t) = m]`, fitted by maximum likelihood
//! (iteratively reweighted least squares, as a GLM with log link). Forecasts are `μ_{n+h}`; the
//! variance is `φ μ`, with the dispersion `φ = max(1, Pearson χ² / (n − 13))`: counts that vary
//! more than Poisson (a series of thefts by one group) widen the interval as a negative binomial
//! would.
//!
//! # Assumptions
//! A log-linear trend that continues over the horizon and a stable month pattern; the history
//! starts in January. A calendar month with only zeros has no finite effect (separation): the
//! method then declines, and the pooled model (`pooled_poisson.rs`) takes the pattern from the
//! parent area.
//!
//! # Parameters
//! At least 24 months of history. IRLS stops when the deviance changes by less than 1e-12
//! relative, after at most 100 iterations.
//!
//! # References
//! - McCullagh & Nelder (1989), *Generalized Linear Models*, 2nd ed., ch. 2 and 6.
//! - Oracle: statsmodels `GLM(y, X, family=Poisson()).fit()` coefficients, see
//!   `tests/oracle/forecast.py`.
//!
//! Written by hand: a 13-parameter IRLS is shorter than a dependency on a linear-algebra crate.

use crate::forecast::{Context, Forecaster, Method, PointForecast, SEASON};

/// Number of coefficients: intercept, trend, 11 months.
pub const COEFFICIENTS: usize = 2 + SEASON - 1;

/// The design row of month t: `[1, t, month dummies 2..12]`.
pub fn design_row(t: usize) -> [f64; COEFFICIENTS] {
    let mut row = [0.0; COEFFICIENTS];
    row[0] = 1.0;
    row[1] = t as f64;
    let month = t % SEASON;
    if month > 0 {
        row[1 + month] = 1.0;
    }
    row
}

/// A fitted model.
#[derive(Debug, Clone, PartialEq)]
pub struct PoissonFit {
    pub coefficients: [f64; COEFFICIENTS],
    /// Fitted means of the history.
    pub fitted: Vec<f64>,
    pub deviance: f64,
    /// Pearson χ² / residual degrees of freedom.
    pub dispersion: f64,
    pub iterations: usize,
}

impl PoissonFit {
    /// The mean of month t (t beyond the history for forecasts).
    pub fn mean_at(&self, t: usize) -> f64 {
        let row = design_row(t);
        row.iter()
            .zip(&self.coefficients)
            .map(|(x, b)| x * b)
            .sum::<f64>()
            .exp()
    }
}

/// Fits the model to `y` (counts ≥ 0); `None` if it does not converge to finite coefficients.
pub fn fit_poisson(y: &[f64]) -> Option<PoissonFit> {
    let n = y.len();
    if n < 2 * SEASON || y.iter().any(|v| *v < 0.0 || !v.is_finite()) {
        return None;
    }
    let rows: Vec<[f64; COEFFICIENTS]> = (0..n).map(design_row).collect();
    // Start as statsmodels does: μ = (y + ȳ) / 2.
    let mean_y = y.iter().sum::<f64>() / n as f64;
    let mut mu: Vec<f64> = y.iter().map(|v| (v + mean_y) / 2.0).collect();
    let mut eta: Vec<f64> = mu.iter().map(|m| m.ln()).collect();
    let mut deviance = f64::INFINITY;
    for iteration in 1..=100 {
        // Weighted least squares of the working response z = η + (y − μ)/μ with weights μ.
        let mut xtwx = [[0.0; COEFFICIENTS]; COEFFICIENTS];
        let mut xtwz = [0.0; COEFFICIENTS];
        for (t, row) in rows.iter().enumerate() {
            let w = mu[t];
            let z = eta[t] + (y[t] - mu[t]) / mu[t];
            // A row has at most three non-zero entries: intercept, trend, its month.
            let month = t % SEASON;
            let active = [0, 1, 1 + month];
            let active = if month > 0 { &active[..] } else { &active[..2] };
            for &i in active {
                xtwz[i] += row[i] * w * z;
                for &j in active {
                    xtwx[i][j] += row[i] * w * row[j];
                }
            }
        }
        let coefficients = solve(xtwx, xtwz)?;
        for (t, row) in rows.iter().enumerate() {
            eta[t] = row.iter().zip(&coefficients).map(|(x, b)| x * b).sum();
            mu[t] = eta[t].exp();
        }
        let new_deviance = poisson_deviance(y, &mu);
        if !new_deviance.is_finite() || coefficients.iter().any(|b| b.abs() > 50.0) {
            return None;
        }
        let converged = (deviance - new_deviance).abs() <= 1e-12 * (new_deviance.abs() + 1e-12);
        deviance = new_deviance;
        if converged {
            let pearson: f64 = y.iter().zip(&mu).map(|(v, m)| (v - m).powi(2) / m).sum();
            return Some(PoissonFit {
                coefficients,
                fitted: mu,
                deviance,
                dispersion: pearson / (n - COEFFICIENTS) as f64,
                iterations: iteration,
            });
        }
    }
    None
}

fn poisson_deviance(y: &[f64], mu: &[f64]) -> f64 {
    2.0 * y
        .iter()
        .zip(mu)
        .map(|(&v, &m)| {
            if v > 0.0 {
                v * (v / m).ln() - (v - m)
            } else {
                m
            }
        })
        .sum::<f64>()
}

/// Solves `a x = b` by Gaussian elimination with partial pivoting; `None` if singular.
fn solve(
    mut a: [[f64; COEFFICIENTS]; COEFFICIENTS],
    mut b: [f64; COEFFICIENTS],
) -> Option<[f64; COEFFICIENTS]> {
    let k = COEFFICIENTS;
    for col in 0..k {
        let pivot = (col..k).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[pivot][col].abs() < 1e-12 {
            return None;
        }
        a.swap(col, pivot);
        b.swap(col, pivot);
        let pivot_row = a[col];
        for row in col + 1..k {
            let factor = a[row][col] / pivot_row[col];
            for (value, pivot) in a[row].iter_mut().zip(&pivot_row).skip(col) {
                *value -= factor * pivot;
            }
            b[row] -= factor * b[col];
        }
    }
    let mut x = [0.0; COEFFICIENTS];
    for row in (0..k).rev() {
        let tail: f64 = (row + 1..k).map(|c| a[row][c] * x[c]).sum();
        x[row] = (b[row] - tail) / a[row][row];
    }
    Some(x)
}

/// The Poisson regression as a forecaster.
#[derive(Debug, Clone, Copy, Default)]
pub struct PoissonRegression;

impl Forecaster for PoissonRegression {
    fn method(&self) -> Method {
        Method::PoissonRegression
    }

    fn forecast(&self, history: &[f64], _: &Context<'_>, horizon: usize) -> Option<PointForecast> {
        let fit = fit_poisson(history)?;
        let n = history.len();
        let mean: Vec<f64> = (n..n + horizon).map(|t| fit.mean_at(t)).collect();
        let dispersion = fit.dispersion.max(1.0);
        Some(PointForecast {
            variance: mean.iter().map(|m| m * dispersion).collect(),
            mean,
            median: None,
        })
    }
}
