//! Synthetic control: a weighted mix of comparison ("donor") areas that follows the treated area
//! before an intervention, as its counterfactual after it; with placebo tests in space.
//!
//! # What it computes
//! Weights `w ≥ 0`, `Σ w = 1`, minimising `Σ_{t < start} (y_t − Σ_j w_j x_jt)²` over the months
//! before the start (the pre-period outcome path is the only predictor). The synthetic series
//! is `Σ_j w_j x_jt` in every month; the gap `y_t − synthetic_t` after the start is the
//! estimated effect, and the root mean squared gap before the start (pre-RMSPE) says how good
//! the counterfactual is. The placebo test treats each donor in turn as if it had had the
//! intervention (the others as its donors; the treated area is never a donor) and compares the
//! ratio post-RMSPE / pre-RMSPE: the p-value is the share of all units, the treated one
//! included, whose ratio is at least the treated area's.
//!
//! # Assumptions
//! The treated area's path without the intervention lies in the convex hull of the donors'
//! paths (a treated area above or below every donor cannot be matched: its pre-RMSPE then
//! stays large, which is reported). Donors are not affected by the intervention. With `J`
//! donors the smallest possible p-value is `1/(J + 1)`.
//!
//! # Parameters
//! `treated`: the treated area's monthly counts; `donors`: one row per donor, same length;
//! `start`: the first month of the intervention. Needs at least two donors and one month on
//! each side of the start.
//!
//! # Method
//! The weights solve a quadratic program over the simplex with the interior-point solver
//! Clarabel (tolerances 1e-10), with the pre-period residuals as extra variables so that the
//! problem stays sparse; weights below 1e-9 are set to zero and the rest rescaled to sum to
//! one. Placebo fits run in parallel; the result does not depend on thread count.
//!
//! # References
//! - Abadie, Diamond & Hainmueller (2010), "Synthetic control methods for comparative case
//!   studies", JASA 105(490); (2015) "Comparative politics and the synthetic control method",
//!   AJPS 59(2) (the RMSPE-ratio placebo test).
//! - Oracle: pysyncon 1.7.0 `Synth` and `PlaceboTest`, checked by an exact active-set solution;
//!   see `tests/oracle/effect.py`.

use clarabel::algebra::CscMatrix;
use clarabel::solver::{
    DefaultSettingsBuilder, DefaultSolver, IPSolver, NonnegativeConeT, SolverStatus, ZeroConeT,
};
use rayon::prelude::*;

/// A fitted synthetic control.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntheticControl {
    /// One weight per donor, in the donors' order.
    pub weights: Vec<f64>,
    /// The counterfactual per month.
    pub synthetic: Vec<f64>,
    /// Observed minus synthetic, per month.
    pub gap: Vec<f64>,
    pub pre_rmspe: f64,
    pub post_rmspe: f64,
}

/// The placebo test in space.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceboTest {
    /// Post/pre RMSPE ratio of the treated area, then of each donor as a placebo.
    pub ratios: Vec<f64>,
    /// Share of units whose ratio is at least the treated area's.
    pub p_value: f64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SynthError {
    #[error("needs at least two donor areas")]
    TooFewDonors,
    #[error("the series are not all of the same length")]
    Unbalanced,
    #[error("needs at least one month before and one after the start")]
    NoPrePeriodOrPostPeriod,
    #[error("the solver did not converge ({0})")]
    Solver(String),
}

/// Weights below this are zero (the solver's interior point never reaches the bound exactly).
const ZERO_WEIGHT: f64 = 1e-9;

/// Fits the synthetic control of `treated` from `donors`; see the module docs.
pub fn synthetic_control(
    treated: &[f64],
    donors: &[&[f64]],
    start: usize,
) -> Result<SyntheticControl, SynthError> {
    let months = treated.len();
    if donors.len() < 2 {
        return Err(SynthError::TooFewDonors);
    }
    if donors.iter().any(|d| d.len() != months) {
        return Err(SynthError::Unbalanced);
    }
    if start == 0 || start >= months {
        return Err(SynthError::NoPrePeriodOrPostPeriod);
    }
    let weights = simplex_least_squares(treated, donors, start)?;
    let synthetic: Vec<f64> = (0..months)
        .map(|t| donors.iter().zip(&weights).map(|(d, w)| w * d[t]).sum())
        .collect();
    let gap: Vec<f64> = treated.iter().zip(&synthetic).map(|(y, s)| y - s).collect();
    let rmspe = |part: &[f64]| (part.iter().map(|g| g * g).sum::<f64>() / part.len() as f64).sqrt();
    Ok(SyntheticControl {
        pre_rmspe: rmspe(&gap[..start]),
        post_rmspe: rmspe(&gap[start..]),
        weights,
        synthetic,
        gap,
    })
}

/// The synthetic control of `treated` and its placebo test over the donors.
pub fn synthetic_control_with_placebos(
    treated: &[f64],
    donors: &[&[f64]],
    start: usize,
) -> Result<(SyntheticControl, PlaceboTest), SynthError> {
    let fit = synthetic_control(treated, donors, start)?;
    let placebos: Vec<SyntheticControl> = (0..donors.len())
        .into_par_iter()
        .map(|j| {
            let others: Vec<&[f64]> = donors
                .iter()
                .enumerate()
                .filter(|(k, _)| *k != j)
                .map(|(_, d)| *d)
                .collect();
            synthetic_control(donors[j], &others, start)
        })
        .collect::<Result<_, _>>()?;
    let ratio = |fit: &SyntheticControl| fit.post_rmspe / fit.pre_rmspe;
    let ratios: Vec<f64> = std::iter::once(ratio(&fit))
        .chain(placebos.iter().map(ratio))
        .collect();
    let at_least = ratios.iter().filter(|r| **r >= ratios[0]).count();
    let p_value = at_least as f64 / ratios.len() as f64;
    Ok((fit, PlaceboTest { ratios, p_value }))
}

/// `argmin ‖y − X w‖²` over the pre-period, `w ≥ 0`, `Σ w = 1`, as a Clarabel QP in the
/// variables `(w, r)`: minimise `‖r‖² / n` subject to `X w + r = y`, `Σ w = 1`, `w ≥ 0`.
/// Keeping the residuals `r` as variables leaves `P` diagonal and `X` sparse-friendly in the
/// constraints, so a fit costs O(donors · months²) instead of O(donors³) for the dense
/// `XᵀX` form (500 donors: ~100× faster).
fn simplex_least_squares(
    treated: &[f64],
    donors: &[&[f64]],
    start: usize,
) -> Result<Vec<f64>, SynthError> {
    let (j, n) = (donors.len(), start);
    // P: zero for the weights, 2/n on the diagonal for the residuals.
    let mut colptr = vec![0; j + 1];
    let mut rowval = Vec::with_capacity(n);
    let mut nzval = Vec::with_capacity(n);
    for t in 0..n {
        rowval.push(j + t);
        nzval.push(2.0 / n as f64);
        colptr.push(rowval.len());
    }
    let p = CscMatrix::new(j + n, j + n, colptr, rowval, nzval);
    let q = vec![0.0; j + n];
    // Rows 0..n: X w + r = y; row n: Σ w = 1 (zero cone); rows n+1..: −w ≤ 0 (non-negative).
    let mut colptr = vec![0];
    let mut rowval = Vec::new();
    let mut nzval = Vec::new();
    for (col, donor) in donors.iter().enumerate() {
        for (t, value) in donor[..n].iter().enumerate() {
            if *value != 0.0 {
                rowval.push(t);
                nzval.push(*value);
            }
        }
        rowval.extend([n, n + 1 + col]);
        nzval.extend([1.0, -1.0]);
        colptr.push(rowval.len());
    }
    for t in 0..n {
        rowval.push(t);
        nzval.push(1.0);
        colptr.push(rowval.len());
    }
    let a = CscMatrix::new(n + 1 + j, j + n, colptr, rowval, nzval);
    let mut b = vec![0.0; n + 1 + j];
    b[..n].copy_from_slice(&treated[..n]);
    b[n] = 1.0;
    let cones = [ZeroConeT(n + 1), NonnegativeConeT(j)];
    let settings = DefaultSettingsBuilder::default()
        .verbose(false)
        .tol_gap_abs(1e-10)
        .tol_gap_rel(1e-10)
        .tol_feas(1e-10)
        .max_iter(200)
        .build()
        .map_err(|e| SynthError::Solver(e.to_string()))?;
    let mut solver = DefaultSolver::new(&p, &q, &a, &b, &cones, settings)
        .map_err(|e| SynthError::Solver(e.to_string()))?;
    solver.solve();
    if !matches!(
        solver.solution.status,
        SolverStatus::Solved | SolverStatus::AlmostSolved
    ) {
        return Err(SynthError::Solver(format!("{:?}", solver.solution.status)));
    }
    let mut weights: Vec<f64> = solver.solution.x[..j]
        .iter()
        .map(|w| if *w < ZERO_WEIGHT { 0.0 } else { *w })
        .collect();
    let total: f64 = weights.iter().sum();
    weights.iter_mut().for_each(|w| *w /= total);
    Ok(weights)
}
