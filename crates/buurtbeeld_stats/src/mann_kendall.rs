//! Mann-Kendall trend test: is a series going up or down, beyond chance?
//!
//! # What it computes
//! `S = Σ_{i<j} sign(x_j − x_i)`, its variance under "no trend" corrected for ties
//! `Var(S) = [n(n−1)(2n+5) − Σ_t t(t−1)(2t+5)] / 18` (t the sizes of groups of equal values),
//! the continuity-corrected `z = (S − sign(S)) / √Var(S)` (0 when S = 0), the two-sided normal
//! p-value and Kendall's `τ = S / (n(n−1)/2)`.
//!
//! # Assumptions
//! Observations independent in time (no autocorrelation); no distribution assumed otherwise.
//! With few observations the test has little power: with 5 points the smallest two-sided p is
//! about 0,03.
//!
//! # Parameters
//! A series of at least 3 finite values; shorter ones, and constant ones (no variance), give
//! `None`.
//!
//! # References
//! - Mann (1945), "Nonparametric tests against trend", *Econometrica* 13; Kendall (1975),
//!   *Rank Correlation Methods*.
//! - Oracle: `pymannkendall.original_test(x)` (pymannkendall 1.4.3); see
//!   `tests/oracle/trend_and_tests.py`.

use crate::normal::two_sided_p;

/// The test's result.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MannKendall {
    pub s: f64,
    pub variance: f64,
    pub z: f64,
    pub p: f64,
    pub tau: f64,
}

/// The Mann-Kendall test of `series`; see the module docs.
pub fn mann_kendall(series: &[f64]) -> Option<MannKendall> {
    let n = series.len();
    if n < 3 || series.iter().any(|x| !x.is_finite()) {
        return None;
    }
    let mut s = 0.0;
    for (i, &earlier) in series.iter().enumerate() {
        for &later in &series[i + 1..] {
            s += sign(later - earlier);
        }
    }
    let mut sorted = series.to_vec();
    sorted.sort_by(f64::total_cmp);
    let ties: f64 = sorted
        .chunk_by(|a, b| a == b)
        .map(|group| {
            let t = group.len() as f64;
            t * (t - 1.0) * (2.0 * t + 5.0)
        })
        .sum();
    let nf = n as f64;
    let variance = (nf * (nf - 1.0) * (2.0 * nf + 5.0) - ties) / 18.0;
    if variance <= 0.0 {
        return None;
    }
    let z = if s == 0.0 {
        0.0
    } else {
        (s - sign(s)) / variance.sqrt()
    };
    Some(MannKendall {
        s,
        variance,
        z,
        p: two_sided_p(z),
        tau: s / (0.5 * nf * (nf - 1.0)),
    })
}

fn sign(x: f64) -> f64 {
    if x > 0.0 {
        1.0
    } else if x < 0.0 {
        -1.0
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rising_series_has_positive_s() {
        let result = mann_kendall(&[1.0, 2.0, 3.0, 4.0, 5.0]).expect("enough points");
        assert_eq!(result.s, 10.0);
        assert_eq!(result.tau, 1.0);
        assert!(mann_kendall(&[2.0, 2.0, 2.0]).is_none());
        assert!(mann_kendall(&[1.0, 2.0]).is_none());
    }
}
