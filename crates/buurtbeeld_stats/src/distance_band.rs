//! Distance-band weights on points (area centroids).
//!
//! # What it computes
//! Binary [`SpatialWeights`] in which two areas are neighbours when their points lie at most
//! `threshold` apart (Euclidean). Symmetric by construction.
//!
//! # Assumptions
//! Points are in metres (RD New). A threshold smaller than the largest nearest-neighbour
//! distance leaves islands; they are reported by [`SpatialWeights::islands`], not hidden.
//!
//! # Parameters
//! `threshold` in the points' unit, finite and ≥ 0; the boundary is included (`d ≤ threshold`).
//!
//! # References
//! - Oracle: `libpysal.weights.DistanceBand.from_array(points, threshold, binary=True)`
//!   (libpysal 4.14), `tests/oracle/hotspots_groningen.py`.
//!
//! Brute force, O(n²); see `knn.rs` for why.

use crate::knn::squared_distance;
use crate::weights::SpatialWeights;

/// Distance-band weights; see the module docs.
///
/// # Panics
/// If `threshold` is negative or not finite.
pub fn distance_band_weights(points: &[[f64; 2]], threshold: f64) -> SpatialWeights {
    assert!(
        threshold.is_finite() && threshold >= 0.0,
        "threshold must be finite and not negative"
    );
    let limit = threshold * threshold;
    let lists = points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            (0..points.len())
                .filter(|&j| j != i && squared_distance(p, &points[j]) <= limit)
                .collect()
        })
        .collect();
    SpatialWeights::from_lists(lists)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_boundary_is_included_and_far_points_are_islands() {
        let points = [[0.0, 0.0], [3.0, 4.0], [100.0, 0.0]];
        let w = distance_band_weights(&points, 5.0);
        assert_eq!(w.to_lists(), vec![vec![1], vec![0], vec![]]);
        assert_eq!(w.islands(), vec![2]);
    }
}
