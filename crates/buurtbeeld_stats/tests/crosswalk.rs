//! The indeling crosswalk against geopandas' overlay on two real Groningen indelingen, and its
//! properties: allocations add up exactly, weights of covered sources sum to 1.

use buurtbeeld_cube::rd::wgs84_to_rd;
use buurtbeeld_stats::crosswalk::{area_weights, largest_remainder, Crosswalk};
use geo::{Coord, LineString, MultiPolygon, Polygon};
use proptest::prelude::*;
use serde_json::Value;

fn data(relative: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../data")
        .join(relative);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn ring(points: &Value) -> LineString<f64> {
    LineString(
        points
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                let (x, y) = wgs84_to_rd(p[0].as_f64().unwrap(), p[1].as_f64().unwrap());
                Coord { x, y }
            })
            .collect(),
    )
}

fn polygon(rings: &Value) -> Polygon<f64> {
    let rings = rings.as_array().unwrap();
    Polygon::new(ring(&rings[0]), rings[1..].iter().map(ring).collect())
}

/// The features of a GeoJSON file as (code, shape in RD New), sorted by code.
fn indeling(relative: &str, code: &str) -> Vec<(String, MultiPolygon<f64>)> {
    let collection = data(relative);
    let mut areas: Vec<(String, MultiPolygon<f64>)> = collection["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let geometry = &f["geometry"];
            let shape = match geometry["type"].as_str().unwrap() {
                "Polygon" => MultiPolygon(vec![polygon(&geometry["coordinates"])]),
                "MultiPolygon" => MultiPolygon(
                    geometry["coordinates"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(polygon)
                        .collect(),
                ),
                other => panic!("unexpected geometry {other}"),
            };
            (f["properties"][code].as_str().unwrap().to_owned(), shape)
        })
        .collect();
    areas.sort_by(|a, b| a.0.cmp(&b.0));
    areas
}

#[test]
fn weights_equal_geopandas_overlay_on_two_real_indelingen() {
    let fixture: Value =
        serde_json::from_str(include_str!("fixtures/crosswalk_overlap.json")).unwrap();
    let sources = indeling(
        "cbs-wijkbuurtkaart-2017-groningen/buurt2017.geojson",
        "BU_CODE",
    );
    let targets = indeling(
        "groningen-buurtindeling-gemeente/buurtindeling.geojson",
        "CODE",
    );
    let codes = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        codes(&fixture["sources"]),
        sources.iter().map(|s| s.0.clone()).collect::<Vec<_>>()
    );
    assert_eq!(
        codes(&fixture["targets"]),
        targets.iter().map(|t| t.0.clone()).collect::<Vec<_>>()
    );
    let source_shapes: Vec<_> = sources.into_iter().map(|s| s.1).collect();
    let target_shapes: Vec<_> = targets.into_iter().map(|t| t.1).collect();
    let started = std::time::Instant::now();
    let crosswalk = area_weights(&source_shapes, &target_shapes);
    println!(
        "crosswalk of {} × {} buurten in {:?}",
        source_shapes.len(),
        target_shapes.len(),
        started.elapsed()
    );
    let ours = |s: usize, t: usize| -> f64 {
        crosswalk.weights[s]
            .iter()
            .find(|&&(target, _)| target == t)
            .map_or(0.0, |&(_, w)| w)
    };
    let mut worst = 0.0f64;
    let mut worst_sliver = 0.0f64;
    let mut expected_pairs = std::collections::BTreeSet::new();
    for overlap in fixture["overlaps"].as_array().unwrap() {
        let s = overlap["source"].as_u64().unwrap() as usize;
        let t = overlap["target"].as_u64().unwrap() as usize;
        let theirs = overlap["weight"].as_f64().unwrap();
        expected_pairs.insert((s, t));
        // Relative 1e-6 for every real overlap; slivers (weights below 1e-4, a few m² left by
        // digitisation differences) to 1e-8 absolute: both engines snap such thin pieces to
        // their own precision (i_overlay to a fixed-point grid), and a part in a hundred
        // million of a buurt moves no incident.
        let difference = (ours(s, t) - theirs).abs();
        if theirs >= 1e-4 {
            worst = worst.max(difference / theirs);
            assert!(
                difference <= 1e-6 * theirs,
                "source {s} target {t}: ours {} geopandas {theirs}",
                ours(s, t)
            );
        } else {
            worst_sliver = worst_sliver.max(difference);
            assert!(
                difference <= 1e-8,
                "sliver source {s} target {t}: ours {} geopandas {theirs}",
                ours(s, t)
            );
        }
    }
    for (s, weights) in crosswalk.weights.iter().enumerate() {
        for &(t, w) in weights {
            if !expected_pairs.contains(&(s, t)) {
                assert!(w < 1e-9, "source {s} target {t}: ours {w}, geopandas none");
            }
        }
    }
    let split = (0..crosswalk.weights.len())
        .filter(|&s| crosswalk.home(s).is_none())
        .count();
    println!(
        "{} pairs; worst relative difference {worst:e}, on slivers {worst_sliver:e} absolute; \
         {split} of {} sources split",
        expected_pairs.len(),
        crosswalk.weights.len()
    );
    assert_eq!(split, 2);
}

fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> MultiPolygon<f64> {
    MultiPolygon(vec![Polygon::new(
        LineString::from(vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]),
        vec![],
    )])
}

proptest! {
    #[test]
    fn allocations_add_up_to_the_count_exactly(
        count in 0u64..100_000,
        shares in prop::collection::vec(0.0f64..1.0, 1..12),
    ) {
        prop_assume!(shares.iter().sum::<f64>() > 0.0);
        let shares: Vec<(usize, f64)> = shares.into_iter().enumerate().collect();
        let allocation = largest_remainder(count, &shares);
        prop_assert_eq!(allocation.iter().map(|&(_, n)| n).sum::<u64>(), count);
        // Each gets its quota rounded down or up, never further off.
        let total: f64 = shares.iter().map(|s| s.1).sum();
        for (&(_, w), &(_, n)) in shares.iter().zip(&allocation) {
            let quota = count as f64 * w / total;
            prop_assert!((n as f64 - quota).abs() < 1.0 + 1e-9, "{} vs {}", n, quota);
        }
    }

    /// Sources on a grid, targets on a shifted grid of another pitch covering them all: every
    /// source's weights sum to 1, and the crosswalked totals per period equal the sources'.
    #[test]
    fn covered_sources_have_weights_summing_to_one_and_totals_stay_exact(
        columns in 1usize..6,
        rows in 1usize..6,
        pitch in 50.0f64..200.0,
        shift in 0.0f64..1.0,
        counts in prop::collection::vec(prop::collection::vec(0u64..500, 30), 3),
    ) {
        let sources: Vec<_> = (0..rows)
            .flat_map(|r| (0..columns).map(move |c| (r, c)))
            .map(|(r, c)| {
                rect(c as f64 * 100.0, r as f64 * 100.0, (c + 1) as f64 * 100.0, (r + 1) as f64 * 100.0)
            })
            .collect();
        let offset = -shift * pitch;
        let across = ((columns as f64 * 100.0 - offset) / pitch).ceil() as usize;
        let down = ((rows as f64 * 100.0 - offset) / pitch).ceil() as usize;
        let targets: Vec<_> = (0..down)
            .flat_map(|r| (0..across).map(move |c| (r, c)))
            .map(|(r, c)| {
                let (x, y) = (offset + c as f64 * pitch, offset + r as f64 * pitch);
                rect(x, y, x + pitch, y + pitch)
            })
            .collect();
        let crosswalk: Crosswalk = area_weights(&sources, &targets);
        for s in 0..sources.len() {
            // i_overlay clips on a fixed-point grid fitted to each pair's bounding box; its
            // round-off leaves the sum of a covered source's weights 1 to about 1e-9.
            prop_assert!((crosswalk.coverage(s) - 1.0).abs() < 1e-8, "{}", crosswalk.coverage(s));
        }
        for period in &counts {
            let mut allocated = vec![0u64; targets.len()];
            for (s, &n) in period.iter().take(sources.len()).enumerate() {
                for (t, k) in crosswalk.allocate(s, n) {
                    allocated[t] += k;
                }
            }
            let source_total: u64 = period.iter().take(sources.len()).sum();
            prop_assert_eq!(allocated.iter().sum::<u64>(), source_total);
        }
    }
}
