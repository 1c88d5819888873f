//! Exact conditional test for the difference between two Poisson counts.
//!
//! # What it computes
//! The two-sided p-value of H0 "both periods have the same rate" for counts `c1` (exposure `e1`)
//! and `c2` (exposure `e2`). Conditional on `n = c1 + c2`, under H0 `c1 ~ Binomial(n, p0)` with
//! `p0 = e1 / (e1 + e2)`. The two-sided p-value is the "minlike" one: the total probability of
//! all outcomes no more likely than the observed one.
//!
//! # Assumptions
//! Counts are Poisson (independent events at a constant rate within each period). Overdispersed
//! counts (e.g. series of burglaries by one group) make the test too eager; it is a screening
//! aid, not proof.
//!
//! # Parameters
//! Exposures are anything proportional to the expected count under equal rates: months covered,
//! or population × months. `n = 0` gives p = 1 (no information).
//!
//! # References
//! - Przyborowski & Wilenski (1940), "Homogeneity of results in testing samples from Poisson
//!   series", Biometrika 31.
//! - Oracle: `scipy.stats.binomtest(c1, n, p0).pvalue` (identical to statsmodels'
//!   `test_poisson_2indep(..., method='exact-cond')`); see `tests/oracle/poisson_exact.py`.

use statrs::distribution::{Binomial, ContinuousCDF, Discrete, DiscreteCDF};

/// scipy's relative tolerance for "as likely as the observed outcome", so that outcomes equal to
/// it up to rounding count as equally extreme.
const RELATIVE_TIE: f64 = 1.0 + 1e-7;

/// Two-sided p-value of the exact conditional test; see the module docs.
///
/// # Panics
/// If an exposure is not positive and finite.
pub fn poisson_exact_test(c1: u64, e1: f64, c2: u64, e2: f64) -> f64 {
    assert!(
        e1 > 0.0 && e2 > 0.0 && e1.is_finite() && e2.is_finite(),
        "exposures must be positive"
    );
    let n = c1 + c2;
    if n == 0 {
        return 1.0;
    }
    let p0 = e1 / (e1 + e2);
    let binomial = Binomial::new(p0, n).expect("0 < p0 < 1 and n > 0");
    let k = c1;
    let expected = p0 * n as f64;
    let observed = binomial.pmf(k) * RELATIVE_TIE;
    let p = if k as f64 == expected {
        1.0
    } else if (k as f64) < expected {
        // Upper tail: the outcomes above the mean that are no more likely than k.
        let lo = expected.ceil() as u64;
        let last_likely = last_at_least(&binomial, observed, lo, n);
        let mut tail_len = n - last_likely;
        if binomial.pmf(last_likely) == observed {
            tail_len += 1;
        }
        binomial.cdf(k) + upper_tail(&binomial, n, tail_len)
    } else {
        // Lower tail: the outcomes below the mean that are no more likely than k.
        let hi = expected.floor() as u64;
        let tail_len = last_at_most(&binomial, observed, 0, hi).map_or(0, |i| i + 1);
        let lower = if tail_len == 0 {
            0.0
        } else {
            binomial.cdf(tail_len - 1)
        };
        lower + binomial.sf(k - 1)
    };
    p.min(1.0)
}

/// The exact conditional 95% interval of the rate ratio `(c1/e1) / (c2/e2)`: the Clopper-Pearson
/// interval of the binomial share `c1 / (c1 + c2)`, turned into a ratio (the interval that goes
/// with [`poisson_exact_test`]). The upper bound is infinite when `c2 = 0`; both are 0 and
/// infinite when there are no counts at all.
///
/// Oracle: `scipy.stats.binomtest(c1, n).proportion_ci(0.95, method="exact")`, transformed; see
/// `tests/oracle/effect.py`.
pub fn rate_ratio_interval(c1: u64, e1: f64, c2: u64, e2: f64) -> (f64, f64) {
    let n = c1 + c2;
    if n == 0 {
        return (0.0, f64::INFINITY);
    }
    let beta = |a: f64, b: f64, q: f64| {
        statrs::distribution::Beta::new(a, b)
            .expect("positive shape parameters")
            .inverse_cdf(q)
    };
    let lower_share = if c1 == 0 {
        0.0
    } else {
        beta(c1 as f64, (n - c1 + 1) as f64, 0.025)
    };
    let upper_share = if c1 == n {
        1.0
    } else {
        beta((c1 + 1) as f64, (n - c1) as f64, 0.975)
    };
    let ratio = |share: f64| {
        if share >= 1.0 {
            f64::INFINITY
        } else {
            share / (1.0 - share) * e2 / e1
        }
    };
    (ratio(lower_share), ratio(upper_share))
}

/// P(X > n - len): the probability of the `len` largest outcomes.
fn upper_tail(binomial: &Binomial, n: u64, len: u64) -> f64 {
    if len == 0 {
        0.0
    } else {
        binomial.sf(n - len)
    }
}

/// On `[lo, hi]` above the mode the pmf decreases: the last x with pmf(x) >= threshold, or
/// `lo - 1` if none (scipy's `_binary_search_for_binom_tst` on `-pmf`).
fn last_at_least(binomial: &Binomial, threshold: f64, lo: u64, hi: u64) -> u64 {
    let (mut lo, mut hi) = (lo, hi);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let value = binomial.pmf(mid);
        if value > threshold {
            lo = mid + 1;
        } else if value < threshold {
            hi = mid.saturating_sub(1).max(lo);
            if mid == 0 {
                break;
            }
        } else {
            return mid;
        }
    }
    if binomial.pmf(lo) >= threshold {
        lo
    } else {
        lo.saturating_sub(1)
    }
}

/// On `[lo, hi]` below the mode the pmf increases: the last x with pmf(x) <= threshold.
fn last_at_most(binomial: &Binomial, threshold: f64, lo: u64, hi: u64) -> Option<u64> {
    let (mut lo, mut hi) = (lo, hi);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let value = binomial.pmf(mid);
        if value < threshold {
            lo = mid + 1;
        } else if value > threshold {
            if mid == 0 {
                return None;
            }
            hi = (mid - 1).max(lo);
        } else {
            return Some(mid);
        }
    }
    if binomial.pmf(lo) <= threshold {
        Some(lo)
    } else {
        lo.checked_sub(1)
    }
}
