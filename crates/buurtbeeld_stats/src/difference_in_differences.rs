//! Difference-in-differences on a balanced panel of monthly counts, with standard errors
//! clustered by area.
//!
//! # What it computes
//! The effect `δ` of an intervention in the two-way fixed-effects regression
//! `y_it = α_i + γ_t + δ·D_it + ε_it`, where `D_it = 1` for a treated area in a month from the
//! start on. With one start month for all treated areas and a balanced panel this `δ` is the
//! plain difference of differences of means, (treated after − treated before) − (comparison
//! after − comparison before), per area and month. Its standard error is cluster-robust by area
//! (CR1, the Liang-Zeger sandwich with statsmodels' small-sample factor
//! `G/(G−1) · (N−1)/(N−K)`), so that months of one area may be correlated (serial
//! correlation makes ordinary standard errors far too small: Bertrand, Duflo & Mullainathan
//! 2004). The interval and p-value use Student's t with `G − 1` degrees of freedom.
//!
//! # Assumptions
//! Parallel trends: without the intervention the treated areas would have moved like the
//! comparison areas (checked before use by choosing comparison areas with a similar level and
//! trend before the start). No spillover into the comparison areas. Effects are additive in
//! counts.
//!
//! # Parameters
//! `series`: one row of equal length per area; `treated`: which rows; `start`: the first month
//! of the intervention (index into the rows). Needs at least one treated and one comparison
//! area and at least one month before and after `start`.
//!
//! # Method
//! By the Frisch-Waugh-Lovell theorem `δ = Σ d̃·y / Σ d̃²` with `d̃ = D − D̄_i − D̄_t + D̄`
//! (the treatment indicator with both fixed effects removed), and the residuals of the full
//! regression are `ỹ − δ·d̃`. So no dummy matrix is built: O(areas × months).
//!
//! # References
//! - Angrist & Pischke (2009), *Mostly Harmless Econometrics*, ch. 5 and 8.
//! - Cameron & Miller (2015), "A practitioner's guide to cluster-robust inference", J. Human
//!   Resources 50(2).
//! - Oracle: statsmodels `ols("y ~ C(area) + C(month) + d").fit(cov_type="cluster")`; see
//!   `tests/oracle/effect.py`.

use statrs::distribution::{ContinuousCDF, StudentsT};

/// The estimate and its uncertainty.
#[derive(Debug, Clone, PartialEq)]
pub struct DidEstimate {
    /// Effect per treated area per month (negative: fewer incidents).
    pub effect: f64,
    /// Cluster-robust standard error of `effect`.
    pub standard_error: f64,
    /// Two-sided p-value (Student's t, `clusters − 1` degrees of freedom).
    pub p_value: f64,
    /// 95% interval of `effect`.
    pub interval: (f64, f64),
    pub clusters: usize,
    pub observations: usize,
    /// Parameters of the equivalent dummy regression: areas + months.
    pub parameters: usize,
}

/// Why there is no estimate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DidError {
    #[error("the series are not all of the same length")]
    Unbalanced,
    #[error("needs at least one treated and one comparison area")]
    NoComparison,
    #[error("needs at least one month before and one after the start")]
    NoPrePeriodOrPostPeriod,
}

/// See the module docs.
pub fn difference_in_differences(
    series: &[Vec<f64>],
    treated: &[bool],
    start: usize,
) -> Result<DidEstimate, DidError> {
    let areas = series.len();
    let months = series.first().map_or(0, Vec::len);
    if treated.len() != areas || series.iter().any(|s| s.len() != months) {
        return Err(DidError::Unbalanced);
    }
    let treated_areas = treated.iter().filter(|t| **t).count();
    if treated_areas == 0 || treated_areas == areas {
        return Err(DidError::NoComparison);
    }
    if start == 0 || start >= months {
        return Err(DidError::NoPrePeriodOrPostPeriod);
    }
    let (n_areas, n_months) = (areas as f64, months as f64);
    let post = (months - start) as f64;
    let indicator = |i: usize, t: usize| if treated[i] && t >= start { 1.0 } else { 0.0 };
    // Means of the indicator by area, by month and overall.
    let area_mean = |i: usize| if treated[i] { post / n_months } else { 0.0 };
    let month_mean = |t: usize| {
        if t >= start {
            treated_areas as f64 / n_areas
        } else {
            0.0
        }
    };
    let grand_mean = treated_areas as f64 * post / (n_areas * n_months);
    let demeaned_indicator =
        |i: usize, t: usize| indicator(i, t) - area_mean(i) - month_mean(t) + grand_mean;

    let y_area: Vec<f64> = series
        .iter()
        .map(|s| s.iter().sum::<f64>() / n_months)
        .collect();
    let y_month: Vec<f64> = (0..months)
        .map(|t| series.iter().map(|s| s[t]).sum::<f64>() / n_areas)
        .collect();
    let y_grand = y_area.iter().sum::<f64>() / n_areas;
    let demeaned_y = |i: usize, t: usize| series[i][t] - y_area[i] - y_month[t] + y_grand;

    let mut cross = 0.0;
    let mut squares = 0.0;
    for i in 0..areas {
        for t in 0..months {
            let d = demeaned_indicator(i, t);
            cross += d * demeaned_y(i, t);
            squares += d * d;
        }
    }
    let effect = cross / squares;

    // Sandwich: Σ_g (Σ_t d̃·e)² / (Σ d̃²)², with the CR1 factor.
    let meat: f64 = (0..areas)
        .map(|i| {
            let score: f64 = (0..months)
                .map(|t| {
                    let d = demeaned_indicator(i, t);
                    d * (demeaned_y(i, t) - effect * d)
                })
                .sum();
            score * score
        })
        .sum();
    let observations = areas * months;
    let parameters = areas + months;
    let (g, n, k) = (n_areas, observations as f64, parameters as f64);
    let correction = g / (g - 1.0) * (n - 1.0) / (n - k);
    let standard_error = (correction * meat).sqrt() / squares;

    let t_distribution = StudentsT::new(0.0, 1.0, g - 1.0).expect("at least two clusters");
    let t = effect / standard_error;
    let p_value = if standard_error > 0.0 {
        2.0 * t_distribution.cdf(-t.abs())
    } else {
        f64::from(u8::from(effect == 0.0))
    };
    let critical = t_distribution.inverse_cdf(0.975);
    Ok(DidEstimate {
        effect,
        standard_error,
        p_value,
        interval: (
            effect - critical * standard_error,
            effect + critical * standard_error,
        ),
        clusters: areas,
        observations,
        parameters,
    })
}
