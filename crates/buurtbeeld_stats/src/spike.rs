//! Spikes: is the latest figure far above what the area's own history predicts?
//!
//! # What it computes
//! From the preceding periods `h_1 … h_m` the expected count `μ` (their mean) and their
//! variance `v` (divisor m − 1). The upper-tail probability of the observed count `k`:
//!
//! - Poisson(μ) when `v ≤ μ`: `P(X ≥ k)`;
//! - negative binomial with the same mean and variance when `v > μ` (overdispersion: months
//!   with a series of thefts by one group): `r = μ² / (v − μ)`, `p = r / (r + μ)`,
//!   `P(X ≥ k)`. The wider tail keeps an ordinary busy month from being called a spike.
//!
//! # Assumptions
//! The history is stationary: no trend and no season within it (compare a month with the
//! preceding year's months, or use quarters). Counts, not rates.
//!
//! # Parameters
//! At least 3 history periods; otherwise `None`. With a history of only zeros, `μ = 0`: any
//! count above 0 has p = 0 in theory, which says more about the history than the month, so the
//! result is `None` (no basis for an expectation).
//!
//! # References
//! - Farrington et al. (1996), "A statistical algorithm for the early detection of outbreaks of
//!   infectious disease", *JRSS A* 159(3) (exceedance of a quasi-Poisson expectation).
//! - Oracle: `scipy.stats.poisson.sf(k − 1, μ)` and `scipy.stats.nbinom.sf(k − 1, r, p)`
//!   (scipy 1.17); see `tests/oracle/trend_and_tests.py`.

use statrs::distribution::{DiscreteCDF, NegativeBinomial, Poisson};

/// The distribution the expectation was taken from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountModel {
    Poisson,
    NegativeBinomial,
}

/// A latest count set against its history.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spike {
    /// The expected count `μ`.
    pub expected: f64,
    /// The history's variance `v`.
    pub variance: f64,
    pub model: CountModel,
    /// `P(X ≥ observed)`: small means the observed count is unusually high.
    pub p_upper: f64,
}

/// Sets `observed` against `history` (counts of the preceding periods); see the module docs.
pub fn spike(observed: u64, history: &[f64]) -> Option<Spike> {
    let m = history.len();
    if m < 3 {
        return None;
    }
    let mean = history.iter().sum::<f64>() / m as f64;
    if mean <= 0.0 || !mean.is_finite() {
        return None;
    }
    let variance = history.iter().map(|h| (h - mean).powi(2)).sum::<f64>() / (m - 1) as f64;
    let (model, p_upper) = if variance > mean {
        let r = mean * mean / (variance - mean);
        (
            CountModel::NegativeBinomial,
            upper_tail_negative_binomial(observed, mean, r),
        )
    } else {
        (CountModel::Poisson, upper_tail_poisson(observed, mean))
    };
    Some(Spike {
        expected: mean,
        variance,
        model,
        p_upper,
    })
}

/// `P(X ≥ k)` for X ~ Poisson(μ), μ > 0.
pub fn upper_tail_poisson(k: u64, mean: f64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    Poisson::new(mean).expect("mean > 0").sf(k - 1)
}

/// `P(X ≥ k)` for the negative binomial with mean μ and size r (variance μ + μ²/r).
pub fn upper_tail_negative_binomial(k: u64, mean: f64, r: f64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    NegativeBinomial::new(r, r / (r + mean))
        .expect("r > 0 and 0 < p < 1")
        .sf(k - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overdispersed_history_uses_the_negative_binomial() {
        let calm = spike(20, &[10.0, 11.0, 9.0, 10.0, 10.0]).expect("history");
        assert_eq!(calm.model, CountModel::Poisson);
        let wild = spike(20, &[2.0, 25.0, 3.0, 18.0, 2.0]).expect("history");
        assert_eq!(wild.model, CountModel::NegativeBinomial);
        assert!(wild.p_upper > calm.p_upper);
        assert!(spike(3, &[0.0, 0.0, 0.0]).is_none());
    }
}
