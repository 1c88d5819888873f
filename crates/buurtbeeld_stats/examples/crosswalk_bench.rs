//! How long the indeling crosswalk takes at the size of all Dutch buurten: two grids of
//! 122 × 122 jittered squares (14.884 each), the targets shifted by a third of a cell, so that
//! every source overlaps four targets.
//!
//! `cargo run --release -p buurtbeeld_stats --example crosswalk_bench`

use std::time::Instant;

use buurtbeeld_stats::crosswalk::{area_weights, largest_remainder};
use geo::{LineString, MultiPolygon, Polygon};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const SIDE: usize = 122;
const CELL: f64 = 500.0;

/// A grid of squares whose inner corners are jittered, as digitised boundaries are; a corner
/// shared by four squares moves with all of them, so the grid stays a tiling.
fn grid(offset: f64, seed: u64) -> Vec<MultiPolygon<f64>> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let corners: Vec<Vec<(f64, f64)>> = (0..=SIDE)
        .map(|r| {
            (0..=SIDE)
                .map(|c| {
                    let inner = r > 0 && r < SIDE && c > 0 && c < SIDE;
                    let jitter = |rng: &mut ChaCha8Rng| {
                        if inner {
                            rng.gen_range(-40.0..40.0)
                        } else {
                            0.0
                        }
                    };
                    (
                        offset + c as f64 * CELL + jitter(&mut rng),
                        offset + r as f64 * CELL + jitter(&mut rng),
                    )
                })
                .collect()
        })
        .collect();
    (0..SIDE)
        .flat_map(|r| (0..SIDE).map(move |c| (r, c)))
        .map(|(r, c)| {
            let ring = vec![
                corners[r][c],
                corners[r][c + 1],
                corners[r + 1][c + 1],
                corners[r + 1][c],
                corners[r][c],
            ];
            MultiPolygon(vec![Polygon::new(LineString::from(ring), vec![])])
        })
        .collect()
}

fn main() {
    let sources = grid(0.0, 1);
    let targets = grid(CELL / 3.0, 2);
    let started = Instant::now();
    let crosswalk = area_weights(&sources, &targets);
    let elapsed = started.elapsed();
    let pairs: usize = crosswalk.weights.iter().map(Vec::len).sum();
    let mut total = 0u64;
    for weights in &crosswalk.weights {
        total += largest_remainder(1_000, weights)
            .iter()
            .map(|&(_, n)| n)
            .sum::<u64>();
    }
    println!(
        "{} sources × {} targets: {pairs} overlapping pairs in {elapsed:.2?} ({} threads); \
         allocated {total} of {}",
        sources.len(),
        targets.len(),
        rayon::current_num_threads(),
        1_000 * sources.len()
    );
}
