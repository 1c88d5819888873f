//! k-nearest-neighbour weights on points (area centroids).
//!
//! # What it computes
//! Binary [`SpatialWeights`] in which each area's neighbours are the `k` other areas whose
//! points are nearest by Euclidean distance. The relation is not symmetric: B can be among A's
//! nearest without A being among B's.
//!
//! # Assumptions
//! Points are in a projected system in metres (RD New, EPSG:28992), so Euclidean distance is
//! distance on the ground. Ties at the k-th distance are broken by the lower area index, which
//! makes the result independent of input order up to that rule (libpysal leaves ties to the
//! KD-tree's internal order).
//!
//! # Parameters
//! `k` ≥ 1. With `k` ≥ n − 1 every area neighbours all others. No area is an island when n ≥ 2.
//!
//! # References
//! - Oracle: `libpysal.weights.KNN.from_array(points, k)` (libpysal 4.14),
//!   `tests/oracle/hotspots_groningen.py`.
//!
//! Brute force, O(n² log k): for the few hundred buurten of a municipality (and the ~15.000 of
//! the whole country, ~0,3 s) a spatial index would not pay for its dependency.

use crate::weights::SpatialWeights;

/// k-nearest-neighbour weights; see the module docs.
///
/// # Panics
/// If `k` is 0.
pub fn knn_weights(points: &[[f64; 2]], k: usize) -> SpatialWeights {
    assert!(k >= 1, "k must be at least 1");
    let lists = points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let mut by_distance: Vec<(f64, usize)> = points
                .iter()
                .enumerate()
                .filter(|&(j, _)| j != i)
                .map(|(j, q)| (squared_distance(p, q), j))
                .collect();
            let k = k.min(by_distance.len());
            if k < by_distance.len() {
                by_distance.select_nth_unstable_by(k - 1, |a, b| a.partial_cmp(b).expect("finite"));
            }
            by_distance.truncate(k);
            by_distance.into_iter().map(|(_, j)| j).collect()
        })
        .collect();
    SpatialWeights::from_lists(lists)
}

pub(crate) fn squared_distance(a: &[f64; 2], b: &[f64; 2]) -> f64 {
    (a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_neighbours_with_ties_to_the_lower_index() {
        let points = [[0.0, 0.0], [1.0, 0.0], [-1.0, 0.0], [5.0, 0.0]];
        let w = knn_weights(&points, 1);
        assert_eq!(w.to_lists(), vec![vec![1], vec![0], vec![0], vec![1]]);
        let w = knn_weights(&points, 10);
        assert_eq!(w.to_lists()[3], vec![0, 1, 2]);
    }
}
