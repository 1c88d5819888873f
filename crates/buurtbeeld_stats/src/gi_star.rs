//! Getis-Ord Gi*: is an area, together with its neighbours, unusually high or low?
//!
//! # What it computes
//! For each area `i` with binary neighbours `N(i)` and the area itself included (self weight
//! 1, the "star"), with `W_i = |N(i)| + 1`:
//!
//! - `G_i = (y_i + Σ_{j∈N(i)} y_j) / Σ_j y_j`
//! - `E[G_i] = W_i / n`
//! - `Var[G_i] = W_i (n − W_i) / (n − 1) · s² / (n² ȳ²)`, with `ȳ` the mean and `s²` the
//!   population variance (divisor n) of `y`
//! - `z_i = (G_i − E[G_i]) / √Var[G_i]` and the two-sided normal p-value `2·(1 − Φ(|z_i|))`.
//!
//! With binary weights this is exactly Ord & Getis' (1995) standardised Gi*, the statistic of
//! ArcGIS *Hot Spot Analysis*.
//!
//! # Assumptions
//! `y` ≥ 0 (counts or rates). The normal approximation is rough for a handful of neighbours
//! and skewed counts; the permutation p-value (`conditional_permutation.rs`) does not need it.
//!
//! # Parameters
//! Binary weights (the self weight is added here). Where the statistic is undefined, `z` and
//! `p` are `None`: islands (no neighbours: a lone area is no cluster), an area neighbouring
//! every other one (`W_i = n`, no variance), and fields without variation (all values equal,
//! or all zero): a constant field has no hotspot.
//!
//! # References
//! - Getis & Ord (1992), "The analysis of spatial association by use of distance statistics",
//!   *Geographical Analysis* 24(3).
//! - Ord & Getis (1995), "Local spatial autocorrelation statistics: distributional issues and an
//!   application", *Geographical Analysis* 27(4).
//! - Oracle: `esda.G_Local(y, w, transform='B', star=True)` (esda 2.9): `Gs`, `EGs`, `VGs`,
//!   `Zs`; esda's `p_norm` is one-sided, the p here is twice it. See
//!   `tests/oracle/hotspots_groningen.py`.

use crate::normal::two_sided_p;
use crate::weights::SpatialWeights;

/// Gi* of every area; vectors are indexed like the input.
#[derive(Debug, Clone, PartialEq)]
pub struct GiStar {
    /// `G_i`, the area's and its neighbours' share of the total. NaN when the total is 0.
    pub g: Vec<f64>,
    /// `E[G_i]` under spatial randomness.
    pub expected: Vec<f64>,
    /// `Var[G_i]` under spatial randomness.
    pub variance: Vec<f64>,
    /// The standardised statistic; positive means a hot spot. None where undefined.
    pub z: Vec<Option<f64>>,
    /// Two-sided normal p-value of `z`. None where `z` is.
    pub p: Vec<Option<f64>>,
}

/// Gi* with binary weights and self included; see the module docs.
///
/// # Panics
/// If `values` and `weights` differ in length.
pub fn gi_star(values: &[f64], weights: &SpatialWeights) -> GiStar {
    assert_eq!(values.len(), weights.len(), "one value per area");
    let n = values.len() as f64;
    let total: f64 = values.iter().sum();
    let mean = total / n;
    let mean_of_squares = values.iter().map(|y| y * y).sum::<f64>() / n;
    let spread = (mean_of_squares - mean * mean) / (mean * mean);
    let mut result = GiStar {
        g: Vec::with_capacity(values.len()),
        expected: Vec::with_capacity(values.len()),
        variance: Vec::with_capacity(values.len()),
        z: Vec::with_capacity(values.len()),
        p: Vec::with_capacity(values.len()),
    };
    for (i, &own) in values.iter().enumerate() {
        let cardinality = weights.cardinality(i) as f64 + 1.0;
        let g = (own + weights.lag_sum(i, values)) / total;
        let expected = cardinality / n;
        let variance = cardinality * (n - cardinality) / (n - 1.0) * (1.0 / (n * n)) * spread;
        let defined = weights.cardinality(i) > 0 && variance > 0.0 && variance.is_finite();
        let z = defined.then(|| (g - expected) / variance.sqrt());
        result.g.push(g);
        result.expected.push(expected);
        result.variance.push(variance);
        result.p.push(z.map(two_sided_p));
        result.z.push(z);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_and_all_zero_fields_have_no_z() {
        let w = SpatialWeights::from_lists(vec![vec![1], vec![0, 2], vec![1]]);
        for values in [[2.0, 2.0, 2.0], [0.0, 0.0, 0.0]] {
            let result = gi_star(&values, &w);
            assert!(result.z.iter().all(Option::is_none));
        }
    }

    #[test]
    fn islands_are_not_tested() {
        let w = SpatialWeights::from_lists(vec![vec![1], vec![0], vec![], vec![]]);
        let result = gi_star(&[1.0, 5.0, 2.0, 0.0], &w);
        assert!(result.z[0].is_some() && result.z[2].is_none() && result.z[3].is_none());
    }
}
