//! Crosswalk between two area indelingen: how much of each source area lies in each target
//! area, and counts of the source areas allocated to the targets as integers whose totals are
//! exactly the source totals.
//!
//! # What it computes
//! - [`area_weights`]: for source polygons `s` and target polygons `t` (one indeling each, in a
//!   metric CRS such as RD New), the overlap weights `w[s][t] = area(s ∩ t) / area(s)`. Only
//!   pairs with a positive overlap are kept. `Σ_t w[s][t]` is the share of `s` covered by the
//!   targets (its [`Crosswalk::coverage`]): 1 when the targets cover `s`.
//! - [`point_weights`]: where the events behind the counts have known locations, the share of
//!   each source's points that falls in each target instead; a source without any point in a
//!   target keeps its area weights.
//! - [`Crosswalk::allocate`]: a source's count `n` spread over its targets as integers. A source
//!   with a [`Crosswalk::home`] (at least [`WHOLLY_INSIDE`] of its area in one target) gives its
//!   whole count to that target. Otherwise the quotas `q_t = n · w_t / Σ w` are rounded by
//!   largest remainder ([`largest_remainder`]): every target gets `⌊q_t⌋`, and the `n − Σ⌊q_t⌋`
//!   units left go one each to the largest fractional parts, ties to the lower target index.
//!   The allocated integers sum to exactly `n` for every source and every period, so any total
//!   over the targets equals the total over the sources.
//!
//! # Assumptions
//! - Counts are spread evenly over a source's surface (area weights) or follow its points
//!   (point weights). Neither is true of crime within a buurt; the result for a target that
//!   received counts from split sources is an estimate, which is why callers report how much of
//!   each target's count was reallocated ([`Crosswalk::home`] is `None` for those sources).
//! - Polygons are valid (no self-intersections) and both indelingen are in the same metric CRS;
//!   WGS84 degrees would weight by degree² and be wrong by the latitude's cosine.
//! - The intersections are computed with geo's `BooleanOps` (the i_overlay engine): polygon
//!   clipping has many degenerate cases (shared edges, touching vertices, holes, rings
//!   digitised differently by two vintages) that a hand-written clipper gets wrong silently;
//!   a maintained engine with its own test suite does not need ours.
//!
//! # Parameters
//! - [`WHOLLY_INSIDE`] = 0.99: a source with at least 99% of its area in one target counts as
//!   lying wholly inside it. Two vintages of the same boundary are digitised differently
//!   (generalisation, snapping to the topographic map), which leaves slivers of a percent or
//!   less along every edge; spreading counts over those slivers would move incidents between
//!   neighbours for no reason and mark every area as estimated.
//! - Ties in the largest-remainder step go to the lower target index; callers order targets
//!   by area code, so ties go to the lower code and the result is deterministic.
//! - Pairs are found through an R-tree of the targets' bounding boxes (rstar, bulk loaded), so
//!   only overlapping candidates are clipped; sources are processed in parallel (rayon) and
//!   collected in input order.
//!
//! # Measured behaviour
//! - CBS buurten 2017 of Groningen (108) onto the municipality's own buurtindeling (112), in RD
//!   New: 594 overlapping pairs in 40–100 ms (debug build); every weight of at least 1e-4
//!   equals geopandas' `overlay` to 3.1e-7 relative (test bound 1e-6), slivers below 1e-4 to
//!   3.5e-9 absolute (bound 1e-8). 106 of the 108 sources lie wholly inside one target; 2 are
//!   split (`tests/crosswalk.rs`).
//! - i_overlay clips on a fixed-point grid fitted to each pair's bounding box, so the weights of
//!   a fully covered source sum to 1 within about 1e-9 (the property test allows 1e-8), not to
//!   the last bit.
//! - `examples/crosswalk_bench.rs`: two 122 × 122 grids of jittered squares (14.884 sources ×
//!   14.884 targets, the size of all Dutch buurten, 59.049 overlapping pairs) in 0,39 s in a
//!   debug build on 2 cores.
//!
//! # References
//! - Goodchild & Lam (1980), "Areal interpolation: a variant of the traditional spatial
//!   problem", *Geo-Processing* 1: areal weighting.
//! - Balinski & Young (2001), *Fair Representation*: the largest-remainder (Hamilton) method.
//! - Oracle: `geopandas.overlay(how="intersection")` (shapely/GEOS) between the two real
//!   indelingen, `tests/oracle/crosswalk_overlap.py` → `tests/fixtures/crosswalk_overlap.json`.

use geo::{Area, BooleanOps, BoundingRect, Coord, Intersects, MultiPolygon};
use rayon::prelude::*;
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{RTree, AABB};

/// A source with at least this share of its area in one target lies wholly inside it.
pub const WHOLLY_INSIDE: f64 = 0.99;

/// The overlap of every source with the targets.
#[derive(Debug, Clone, PartialEq)]
pub struct Crosswalk {
    /// Per source, `(target index, weight)` for every target it overlaps, by target index.
    pub weights: Vec<Vec<(usize, f64)>>,
}

impl Crosswalk {
    /// The share of source `s` that the targets cover (1 when they cover it whole).
    pub fn coverage(&self, s: usize) -> f64 {
        self.weights[s].iter().map(|&(_, w)| w).sum()
    }

    /// The target that holds at least [`WHOLLY_INSIDE`] of source `s`, if one does.
    pub fn home(&self, s: usize) -> Option<usize> {
        self.weights[s]
            .iter()
            .find(|&&(_, w)| w >= WHOLLY_INSIDE)
            .map(|&(t, _)| t)
    }

    /// Source `s`'s `count` spread over its targets as integers summing to `count`, by target
    /// index (targets that get 0 included). Empty when no target overlaps `s`: the caller
    /// keeps such counts apart.
    pub fn allocate(&self, s: usize, count: u64) -> Vec<(usize, u64)> {
        if let Some(home) = self.home(s) {
            return vec![(home, count)];
        }
        largest_remainder(count, &self.weights[s])
    }
}

/// `count` split in proportion to `shares` (non-negative, any sum > 0) as integers that sum to
/// exactly `count`: floors of the quotas, then one unit each to the largest remainders, ties to
/// the lower index. Returns `(index, amount)` in the order of `shares`; empty when the shares
/// sum to 0 or there are none.
pub fn largest_remainder(count: u64, shares: &[(usize, f64)]) -> Vec<(usize, u64)> {
    let total: f64 = shares.iter().map(|&(_, w)| w.max(0.0)).sum();
    if shares.is_empty() || total <= 0.0 || !total.is_finite() {
        return Vec::new();
    }
    let quotas: Vec<f64> = shares
        .iter()
        .map(|&(_, w)| count as f64 * w.max(0.0) / total)
        .collect();
    let mut amounts: Vec<u64> = quotas.iter().map(|q| q.floor() as u64).collect();
    // Floors of quotas can overshoot only through rounding of `count · w / total`; take the
    // excess back from the smallest remainders so that the sum is never above `count`.
    let mut given: u64 = amounts.iter().sum();
    let mut order: Vec<usize> = (0..shares.len()).collect();
    order.sort_by(|&a, &b| {
        let (ra, rb) = (quotas[a] - quotas[a].floor(), quotas[b] - quotas[b].floor());
        rb.total_cmp(&ra).then(shares[a].0.cmp(&shares[b].0))
    });
    while given > count {
        if let Some(&i) = order.iter().rev().find(|&&i| amounts[i] > 0) {
            amounts[i] -= 1;
            given -= 1;
        }
    }
    let mut next = order.iter().cycle();
    while given < count {
        let &i = next.next().expect("shares are not empty");
        amounts[i] += 1;
        given += 1;
    }
    shares
        .iter()
        .zip(amounts)
        .map(|(&(t, _), n)| (t, n))
        .collect()
}

type Boxed = GeomWithData<Rectangle<[f64; 2]>, usize>;

/// An R-tree of the targets' bounding boxes, each carrying its target index.
fn target_tree(targets: &[MultiPolygon<f64>]) -> RTree<Boxed> {
    RTree::bulk_load(
        targets
            .iter()
            .enumerate()
            .filter_map(|(i, t)| {
                let r = t.bounding_rect()?;
                Some(GeomWithData::new(
                    Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
                    i,
                ))
            })
            .collect(),
    )
}

/// The overlap weights `area(s ∩ t) / area(s)` of every source with every target it overlaps;
/// see the module docs. A source with no area has no weights.
pub fn area_weights(sources: &[MultiPolygon<f64>], targets: &[MultiPolygon<f64>]) -> Crosswalk {
    let tree = target_tree(targets);
    let weights = sources
        .par_iter()
        .map(|source| {
            let area = source.unsigned_area();
            let Some(r) = source.bounding_rect() else {
                return Vec::new();
            };
            if area <= 0.0 {
                return Vec::new();
            }
            let envelope = AABB::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]);
            let mut candidates: Vec<usize> = tree
                .locate_in_envelope_intersecting(&envelope)
                .map(|g| g.data)
                .collect();
            candidates.sort_unstable();
            candidates
                .into_iter()
                .filter_map(|t| {
                    let overlap = source.intersection(&targets[t]).unsigned_area();
                    (overlap > 0.0).then(|| (t, (overlap / area).min(1.0)))
                })
                .collect()
        })
        .collect();
    Crosswalk { weights }
}

/// Weights from located events: per source, the share of its points (`(source index,
/// location)`) in each target, ties on a shared edge to the lower target index. Sources
/// without a point in any target keep their weights from `fallback` (area weights).
pub fn point_weights(
    fallback: &Crosswalk,
    points: &[(usize, Coord<f64>)],
    targets: &[MultiPolygon<f64>],
) -> Crosswalk {
    let tree = target_tree(targets);
    let mut tallies: Vec<std::collections::BTreeMap<usize, u64>> =
        vec![Default::default(); fallback.weights.len()];
    for &(s, point) in points {
        let envelope = AABB::from_point([point.x, point.y]);
        let inside = tree
            .locate_in_envelope_intersecting(&envelope)
            .map(|g| g.data)
            .filter(|&t| targets[t].intersects(&point))
            .min();
        if let (Some(t), Some(tally)) = (inside, tallies.get_mut(s)) {
            *tally.entry(t).or_default() += 1;
        }
    }
    let weights = tallies
        .into_iter()
        .enumerate()
        .map(|(s, tally)| {
            let located: u64 = tally.values().sum();
            if located == 0 {
                return fallback.weights[s].clone();
            }
            tally
                .into_iter()
                .map(|(t, n)| (t, n as f64 / located as f64))
                .collect()
        })
        .collect();
    Crosswalk { weights }
}

#[cfg(test)]
mod tests {
    use geo::{polygon, MultiPolygon};

    use super::*;

    fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> MultiPolygon<f64> {
        MultiPolygon(vec![polygon![
            (x: x0, y: y0), (x: x1, y: y0), (x: x1, y: y1), (x: x0, y: y1), (x: x0, y: y0)
        ]])
    }

    #[test]
    fn a_split_source_is_weighted_by_area_and_a_shared_edge_weighs_nothing() {
        let sources = [rect(0.0, 0.0, 100.0, 100.0), rect(100.0, 0.0, 200.0, 100.0)];
        // The first source is split 30/70; the second lies in the second target, whose edge
        // touches the first source.
        let targets = [rect(0.0, 0.0, 30.0, 100.0), rect(30.0, 0.0, 200.0, 100.0)];
        let crosswalk = area_weights(&sources, &targets);
        let first = &crosswalk.weights[0];
        assert_eq!(first.len(), 2);
        assert!((first[0].1 - 0.3).abs() < 1e-12 && (first[1].1 - 0.7).abs() < 1e-12);
        assert_eq!(crosswalk.weights[1].len(), 1);
        assert_eq!(crosswalk.home(1), Some(1));
        assert_eq!(crosswalk.home(0), None);
        assert_eq!(crosswalk.allocate(0, 10), vec![(0, 3), (1, 7)]);
        assert_eq!(crosswalk.allocate(1, 10), vec![(1, 10)]);
    }

    #[test]
    fn a_sliver_below_the_tolerance_does_not_split_a_source() {
        let sources = [rect(0.0, 0.0, 100.0, 100.0)];
        let targets = [rect(0.0, 0.0, 99.5, 100.0), rect(99.5, 0.0, 200.0, 100.0)];
        let crosswalk = area_weights(&sources, &targets);
        assert_eq!(crosswalk.home(0), Some(0));
        assert_eq!(crosswalk.allocate(0, 1000), vec![(0, 1000)]);
    }

    #[test]
    fn an_uncovered_source_has_no_weights_and_allocates_nothing() {
        let crosswalk = area_weights(&[rect(0.0, 0.0, 1.0, 1.0)], &[rect(5.0, 5.0, 6.0, 6.0)]);
        assert!(crosswalk.weights[0].is_empty());
        assert_eq!(crosswalk.coverage(0), 0.0);
        assert!(crosswalk.allocate(0, 4).is_empty());
    }

    #[test]
    fn largest_remainder_breaks_ties_towards_the_lower_index() {
        // Three equal quotas of 1/3 each: the one unit left goes to index 4, the lowest.
        let shares = [(7, 1.0), (4, 1.0), (9, 1.0)];
        assert_eq!(largest_remainder(1, &shares), vec![(7, 0), (4, 1), (9, 0)]);
        assert_eq!(largest_remainder(2, &shares), vec![(7, 1), (4, 1), (9, 0)]);
        // 7 over 0.5/0.3/0.2: quotas 3.5, 2.1, 1.4 → floors 3, 2, 1, one left to 0.5.
        let shares = [(0, 0.5), (1, 0.3), (2, 0.2)];
        assert_eq!(largest_remainder(7, &shares), vec![(0, 4), (1, 2), (2, 1)]);
        assert!(largest_remainder(5, &[]).is_empty());
    }

    #[test]
    fn points_decide_where_they_are_and_area_where_there_are_none() {
        let sources = [rect(0.0, 0.0, 100.0, 100.0), rect(100.0, 0.0, 200.0, 100.0)];
        let targets = [rect(0.0, 0.0, 50.0, 100.0), rect(50.0, 0.0, 200.0, 100.0)];
        let area = area_weights(&sources, &targets);
        let points = [
            (0, Coord { x: 10.0, y: 10.0 }),
            (0, Coord { x: 20.0, y: 10.0 }),
            (0, Coord { x: 60.0, y: 10.0 }),
            (0, Coord { x: 50.0, y: 50.0 }), // on the shared edge: the lower index
        ];
        let by_points = point_weights(&area, &points, &targets);
        assert_eq!(by_points.weights[0], vec![(0, 0.75), (1, 0.25)]);
        assert_eq!(by_points.weights[1], area.weights[1]);
    }
}
