//! Emerging hot spots: how an area's hot- or cold-spot status developed over a window of
//! periods.
//!
//! # What it computes
//! From one Gi* decision per period (significant hot, significant cold or neither) and the
//! Mann-Kendall trend of the area's Gi* z-scores over the window, one of the categories of ArcGIS
//! *Emerging Hot Spot Analysis*. For hot spots (cold spots mirror them, with "intensifying"
//! meaning ever more negative z):
//!
//! | category | definition (T periods, the last one "final") |
//! |---|---|
//! | new | hot in the final period and never before |
//! | consecutive | a single run of ≥ 2 hot periods ending in the final one, never hot before the run, hot in < 90% of periods |
//! | intensifying | hot in ≥ 90% of periods including the final one, z rising significantly |
//! | persistent | hot in ≥ 90% of periods including the final one, no significant trend |
//! | diminishing | hot in ≥ 90% of periods including the final one, z falling significantly |
//! | sporadic | hot in the final period, hot in < 90% of periods, on and off, never cold |
//! | oscillating | hot in the final period, hot in < 90% of periods, cold in some earlier period |
//! | historical | not hot in the final period, hot in ≥ 90% of periods |
//!
//! Anything else has no pattern.
//!
//! # Assumptions
//! The per-period decisions come from Gi* on the same weights, each period corrected for
//! multiple testing on its own. ArcGIS advises at least 10 periods; with fewer the 90% rule
//! means "all periods" and the trend test has little power.
//!
//! # Parameters
//! `trend_alpha`: the level at which the Mann-Kendall trend counts as significant (we use the
//! hotspot level, 0,05).
//!
//! # References
//! - Esri, "How Emerging Hot Spot Analysis works" (ArcGIS Pro 3, Space Time Pattern Mining
//!   toolbox), category definitions.
//! - Tested on constructed space-time cubes, one per category (`tests/emerging.rs`); ArcGIS is
//!   not available as an oracle.

use crate::gi_star::gi_star;
use crate::mann_kendall::mann_kendall;
use crate::multiple_testing::{adjust, Correction};
use crate::weights::SpatialWeights;

/// The category of every area in a space-time cube: `periods[t][i]` is area `i`'s value in
/// period `t` (oldest first). Per period, Gi* on `weights` decides hot, cold or neither after
/// `correction` at `alpha`; the trend test uses the same `alpha`. Areas whose Gi* is undefined
/// in a period (islands) count as not significant there with z = 0.
///
/// # Panics
/// If a period's length differs from the number of areas.
pub fn emerging_hotspots(
    periods: &[Vec<f64>],
    weights: &SpatialWeights,
    alpha: f64,
    correction: Correction,
) -> Vec<EmergingClass> {
    let decided: Vec<(Vec<Option<f64>>, Vec<bool>)> = periods
        .iter()
        .map(|values| {
            let gi = gi_star(values, weights);
            let reject = adjust(&gi.p, alpha, correction).reject;
            (gi.z, reject)
        })
        .collect();
    (0..weights.len())
        .map(|i| {
            let z: Vec<f64> = decided.iter().map(|(z, _)| z[i].unwrap_or(0.0)).collect();
            let bins: Vec<Bin> = decided
                .iter()
                .map(|(z, reject)| match (z[i], reject[i]) {
                    (Some(z), true) if z > 0.0 => Bin::Hot,
                    (Some(z), true) if z < 0.0 => Bin::Cold,
                    _ => Bin::NotSignificant,
                })
                .collect();
            classify_emerging(&bins, &z, alpha)
        })
        .collect()
}

/// One period's Gi* decision for an area.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bin {
    Hot,
    Cold,
    NotSignificant,
}

/// The pattern of a hot spot or of a cold spot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Pattern {
    New,
    Consecutive,
    Intensifying,
    Persistent,
    Diminishing,
    Sporadic,
    Oscillating,
    Historical,
}

/// An area's emerging hot spot category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EmergingClass {
    NoPattern,
    HotSpot(Pattern),
    ColdSpot(Pattern),
}

impl EmergingClass {
    /// A stable machine name, e.g. `new_hot_spot`, `persistent_cold_spot`, `no_pattern`.
    pub fn code(self) -> String {
        match self {
            EmergingClass::NoPattern => "no_pattern".to_owned(),
            EmergingClass::HotSpot(p) => format!("{}_hot_spot", p.code()),
            EmergingClass::ColdSpot(p) => format!("{}_cold_spot", p.code()),
        }
    }
}

impl Pattern {
    fn code(self) -> &'static str {
        match self {
            Pattern::New => "new",
            Pattern::Consecutive => "consecutive",
            Pattern::Intensifying => "intensifying",
            Pattern::Persistent => "persistent",
            Pattern::Diminishing => "diminishing",
            Pattern::Sporadic => "sporadic",
            Pattern::Oscillating => "oscillating",
            Pattern::Historical => "historical",
        }
    }
}

/// Classifies an area from its per-period decisions and Gi* z-scores (same length, oldest
/// first); see the module docs.
///
/// # Panics
/// If the slices differ in length.
pub fn classify_emerging(bins: &[Bin], z_scores: &[f64], trend_alpha: f64) -> EmergingClass {
    assert_eq!(bins.len(), z_scores.len(), "one z-score per period");
    // The trend of the z-scores: +1 rising, -1 falling, 0 none.
    let trend = mann_kendall(z_scores)
        .filter(|t| t.p <= trend_alpha)
        .map_or(0i8, |t| if t.s > 0.0 { 1 } else { -1 });
    if let Some(pattern) = pattern_of(bins, Bin::Hot, Bin::Cold, trend) {
        return EmergingClass::HotSpot(pattern);
    }
    match pattern_of(bins, Bin::Cold, Bin::Hot, -trend) {
        Some(pattern) => EmergingClass::ColdSpot(pattern),
        None => EmergingClass::NoPattern,
    }
}

/// The pattern of `this` kind of spot (hot, or cold with `trend` mirrored), if any.
fn pattern_of(bins: &[Bin], this: Bin, opposite: Bin, trend: i8) -> Option<Pattern> {
    let (&last, earlier) = bins.split_last()?;
    let count = bins.iter().filter(|&&b| b == this).count();
    let mostly = count as f64 >= 0.9 * bins.len() as f64;
    if last != this {
        return mostly.then_some(Pattern::Historical);
    }
    if mostly {
        return Some(match trend {
            1 => Pattern::Intensifying,
            -1 => Pattern::Diminishing,
            _ => Pattern::Persistent,
        });
    }
    let final_run = bins.iter().rev().take_while(|&&b| b == this).count();
    Some(if count == 1 {
        Pattern::New
    } else if final_run >= 2 && final_run == count {
        Pattern::Consecutive
    } else if earlier.contains(&opposite) {
        Pattern::Oscillating
    } else {
        Pattern::Sporadic
    })
}
