//! Conditional permutation inference for Gi* and local Moran's I, in one pass.
//!
//! # What it computes
//! For each area `i`, its own value is held fixed and its `k_i` neighbours' values are replaced,
//! `P` times, by `k_i` values drawn without replacement from the other `n − 1` areas. Counting
//! how often the permuted statistic is at least the observed one (`larger`) gives esda's
//! default ("directed") pseudo p-value
//!
//! `p_i = (min(larger, P − larger) + 1) / (P + 1)`,
//!
//! the share of permutations at least as extreme in the direction the observation lies.
//!
//! Both statistics depend on the permuted values only through their sum `s` (Gi* with binary
//! weights: `(y_i + s) / Σy`; local Moran with row-standardised weights: `z_i · (s − k_i ȳ)/σ`
//! times a constant), so one set of draws serves both: Gi*'s `larger` counts `s ≥ s_obs`; local
//! Moran's counts `s ≥ s_obs` when `z_i > 0` and `s ≤ s_obs` when `z_i < 0`. Equal sums count
//! as "at least as large", as in esda.
//!
//! # Assumptions
//! Exchangeability of the values under spatial randomness. As in esda, one matrix of `P` draws
//! is shared by all areas, so the p-values of different areas are not independent draws; each on
//! its own is an exact Monte Carlo p-value. The draws index the *sorted* values with the area's
//! own value taken out (esda indexes the values in input order): equal values are
//! interchangeable, so an area's p-value does not depend on the order in which areas are listed.
//!
//! # Parameters
//! `permutations` (esda's default and ours: 999; the smallest possible p is `1/(P+1)`), `seed`
//! (the same seed gives the same p-values on any machine and thread count). Islands, areas with
//! `z_i = 0` (for Moran) and fields without variation get `None`.
//!
//! # References
//! - Anselin (1995), "Local indicators of spatial association — LISA", *Geographical Analysis*
//!   27(2), section on conditional randomisation.
//! - Oracle: `esda.G_Local(..., permutations=999).p_sim` and `esda.Moran_Local(...).p_sim`
//!   (esda 2.9, `crand.py`), matched within Monte Carlo error in `tests/oracle.rs`.
//!
//! Written by hand: the shared-draw single pass and the sorted-value draws make it 58–81× faster
//! than esda (BENCHMARKS.md).

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use crate::weights::SpatialWeights;

/// The default number of permutations (as in esda and GeoDa).
pub const DEFAULT_PERMUTATIONS: usize = 999;

/// Pseudo p-values per area.
#[derive(Debug, Clone, PartialEq)]
pub struct PermutationPValues {
    pub permutations: usize,
    pub gi_star: Vec<Option<f64>>,
    pub local_moran: Vec<Option<f64>>,
}

/// Conditional permutation p-values of Gi* and local Moran's I; see the module docs.
///
/// # Panics
/// If `values` and `weights` differ in length or `permutations` is 0.
pub fn conditional_permutation(
    values: &[f64],
    weights: &SpatialWeights,
    permutations: usize,
    seed: u64,
) -> PermutationPValues {
    assert_eq!(values.len(), weights.len(), "one value per area");
    assert!(permutations > 0, "at least one permutation");
    let n = values.len();
    let total = crate::local_moran::order_free_sum(values);
    let varies = values.iter().any(|&y| Some(&y) != values.first());
    let width = weights.max_cardinality();
    let draws = draw_indices(n.saturating_sub(1), width, permutations, seed);
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let p_value =
        |larger: usize| (larger.min(permutations - larger) + 1) as f64 / (permutations + 1) as f64;
    let per_area: Vec<(Option<f64>, Option<f64>)> = (0..n)
        .into_par_iter()
        .map(|i| {
            let k = weights.cardinality(i);
            if k == 0 || !varies {
                return (None, None);
            }
            let observed = weights.lag_sum(i, values);
            // The other n − 1 values: `sorted` without one copy of the area's own value.
            let own = sorted.partition_point(|&v| v.total_cmp(&values[i]).is_lt());
            let (mut at_least, mut at_most) = (0usize, 0usize);
            for row in draws.chunks_exact(width) {
                let s: f64 = row[..k]
                    .iter()
                    .map(|&j| {
                        let j = j as usize;
                        sorted[j + usize::from(j >= own)]
                    })
                    .sum();
                at_least += usize::from(s >= observed);
                at_most += usize::from(s <= observed);
            }
            // The sign of z_i, exactly: y_i · n against Σy.
            let z = values[i] * n as f64 - total;
            let moran = if z > 0.0 {
                Some(p_value(at_least))
            } else if z < 0.0 {
                Some(p_value(at_most))
            } else {
                None
            };
            (Some(p_value(at_least)), moran)
        })
        .collect();
    let (gi_star, local_moran) = per_area.into_iter().unzip();
    PermutationPValues {
        permutations,
        gi_star,
        local_moran,
    }
}

/// `permutations` rows of `width` distinct indices in `0..population`, row after row.
fn draw_indices(population: usize, width: usize, permutations: usize, seed: u64) -> Vec<u32> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut draws = Vec::with_capacity(permutations * width);
    for _ in 0..permutations {
        let row = rand::seq::index::sample(&mut rng, population, width.min(population));
        draws.extend(row.iter().map(|j| j as u32));
    }
    draws
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_p_values() {
        let w = SpatialWeights::from_lists(vec![vec![1], vec![0, 2], vec![1, 3], vec![2]]);
        let values = [5.0, 7.0, 1.0, 0.0];
        let a = conditional_permutation(&values, &w, 99, 7);
        let b = conditional_permutation(&values, &w, 99, 7);
        assert_eq!(a, b);
        assert!(a
            .gi_star
            .iter()
            .all(|p| p.is_some_and(|p| p > 0.0 && p <= 0.5)));
    }
}
