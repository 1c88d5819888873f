//! Queen and rook contiguity from polygons.
//!
//! # What it computes
//! Binary [`SpatialWeights`]: under **queen** contiguity two areas are neighbours when their
//! boundaries share at least one vertex; under **rook** contiguity when they share at least one
//! edge (two consecutive vertices of a ring, in either direction).
//!
//! # Assumptions
//! Vertices are compared exactly, as libpysal's `Queen`/`Rook` (`ContiguityWeightsLists`) do: the
//! polygons must come from one topologically clean map (such as the CBS wijk- en buurtkaart), in
//! which neighbours share their boundary vertices bit for bit. Two areas that touch along a line
//! without a common vertex are not neighbours. Coordinates are used as given: reprojecting with a
//! deterministic function keeps shared vertices shared, so any coordinate system works.
//!
//! # Parameters
//! One `MultiPolygon` per area; exterior and interior rings both count (a buurt inside a hole of
//! another is its neighbour). Areas sharing nothing are islands (see
//! [`SpatialWeights::islands`]).
//!
//! # References
//! - Anselin (1988), *Spatial Econometrics: Methods and Models*, ch. 3.
//! - Oracle: `libpysal.weights.Queen.from_dataframe` / `Rook.from_dataframe` (libpysal 4.14),
//!   `tests/oracle/hotspots_groningen.py`. libpysal also pairs the last vertex of one ring with
//!   the first of the next as a rook "edge"; those are not edges and are not used here.
//!
//! Written by hand: no maintained Rust crate builds contiguity weights.

use std::collections::HashMap;

use geo::{LineString, MultiPolygon};

use crate::weights::SpatialWeights;

/// Which boundary elements two areas must share to be neighbours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Contiguity {
    /// A shared vertex.
    Queen,
    /// A shared edge.
    Rook,
}

/// Contiguity weights over `areas` (index = area index); see the module docs.
pub fn contiguity_weights(areas: &[MultiPolygon<f64>], rule: Contiguity) -> SpatialWeights {
    // Each boundary element (vertex or edge) → the areas it occurs in.
    let mut owners: HashMap<Element, Vec<u32>> = HashMap::new();
    for (area, polygons) in areas.iter().enumerate() {
        let area = u32::try_from(area).expect("fewer than 2^32 areas");
        for ring in polygons
            .iter()
            .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        {
            for element in elements(ring, rule) {
                let list = owners.entry(element).or_default();
                if list.last() != Some(&area) {
                    list.push(area);
                }
            }
        }
    }
    let mut lists = vec![Vec::new(); areas.len()];
    for sharing in owners.values().filter(|list| list.len() > 1) {
        for &a in sharing {
            lists[a as usize].extend(sharing.iter().map(|&b| b as usize));
        }
    }
    SpatialWeights::from_lists(lists)
}

/// A vertex or an undirected edge, by the bit patterns of its coordinates.
type Element = ([u64; 2], [u64; 2]);

fn elements(ring: &LineString<f64>, rule: Contiguity) -> Vec<Element> {
    // `+ 0.0` turns -0.0 into 0.0, which compare equal in libpysal's tuples too.
    let key = |c: &geo::Coord<f64>| [(c.x + 0.0).to_bits(), (c.y + 0.0).to_bits()];
    match rule {
        Contiguity::Queen => ring.0.iter().map(|c| (key(c), key(c))).collect(),
        Contiguity::Rook => ring
            .0
            .windows(2)
            .filter_map(|pair| {
                let (a, b) = (key(&pair[0]), key(&pair[1]));
                // A repeated vertex is no edge.
                (a != b).then(|| if a <= b { (a, b) } else { (b, a) })
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{polygon, MultiPolygon};

    fn square(x: f64, y: f64) -> MultiPolygon<f64> {
        MultiPolygon(vec![polygon![
            (x: x, y: y), (x: x + 1.0, y: y), (x: x + 1.0, y: y + 1.0), (x: x, y: y + 1.0), (x: x, y: y)
        ]])
    }

    #[test]
    fn diagonal_squares_are_queen_but_not_rook_neighbours() {
        let areas = [
            square(0.0, 0.0),
            square(1.0, 1.0),
            square(1.0, 0.0),
            square(5.0, 5.0),
        ];
        let queen = contiguity_weights(&areas, Contiguity::Queen);
        let rook = contiguity_weights(&areas, Contiguity::Rook);
        assert_eq!(
            queen.to_lists(),
            vec![vec![1, 2], vec![0, 2], vec![0, 1], vec![]]
        );
        assert_eq!(rook.to_lists(), vec![vec![2], vec![2], vec![0, 1], vec![]]);
        assert_eq!(rook.islands(), vec![3]);
    }
}
