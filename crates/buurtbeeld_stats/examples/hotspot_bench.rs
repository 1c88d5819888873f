//! Hot-spot benchmark, the Rust side of `bench/hotspots.sh` (esda is the other side,
//! `bench/hotspots_esda.py`).
//!
//! One run is: Gi* (binary weights, self included, analytic z), local Moran (row-standardised),
//! conditional permutation p-values for both (999 permutations, one pass) and Benjamini-Hochberg
//! on both pseudo p-value vectors. The weights are built once, outside the timing.
//!
//! Inputs:
//! - `lattice`: 123 × 122 = 15,006 areas, queen contiguity as `libpysal.weights.lat2W(123, 122,
//!   rook=False)` (id = row · 122 + col), `y_i = ((i · 2654435761) mod 2³²) mod 23`.
//! - `groningen`: the 108 buurten, queen weights and 2015 counts from
//!   `tests/fixtures/hotspots_groningen.json`.
//!
//! Usage: `cargo run --release -p buurtbeeld_stats --example hotspot_bench -- --out PATH
//! [--fixture PATH]`. Prints rayon's thread count and the median and min wall-clock ms per
//! input; writes the analytic Gi* z-scores and local Moran Is of one run, its pseudo p-values,
//! the inputs and the timings to PATH as JSON (read by `bench/hotspots_esda.py`).

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Instant;

use buurtbeeld_stats::conditional_permutation::conditional_permutation;
use buurtbeeld_stats::gi_star::gi_star;
use buurtbeeld_stats::local_moran::local_moran;
use buurtbeeld_stats::multiple_testing::{adjust, Correction, DEFAULT_ALPHA};
use buurtbeeld_stats::weights::SpatialWeights;
use serde_json::{json, Value};

const PERMUTATIONS: usize = 999;
const SEED: u64 = 20261123;
const LATTICE_ROWS: usize = 123;
const LATTICE_COLS: usize = 122;
const LATTICE_RUNS: usize = 10;
const GRONINGEN_RUNS: usize = 20;

/// Everything one run produces (kept so that nothing is optimised away).
struct Run {
    gi_z: Vec<Option<f64>>,
    moran_i: Vec<f64>,
    gi_p_sim: Vec<Option<f64>>,
    moran_p_sim: Vec<Option<f64>>,
    gi_rejected: usize,
    moran_rejected: usize,
}

fn one_run(values: &[f64], weights: &SpatialWeights) -> Run {
    let gi = gi_star(values, weights);
    let moran = local_moran(values, weights);
    let perm = conditional_permutation(values, weights, PERMUTATIONS, SEED);
    let gi_bh = adjust(&perm.gi_star, DEFAULT_ALPHA, Correction::BenjaminiHochberg);
    let moran_bh = adjust(
        &perm.local_moran,
        DEFAULT_ALPHA,
        Correction::BenjaminiHochberg,
    );
    Run {
        gi_z: gi.z,
        moran_i: moran.i,
        gi_p_sim: perm.gi_star,
        moran_p_sim: perm.local_moran,
        gi_rejected: gi_bh.reject.iter().filter(|&&r| r).count(),
        moran_rejected: moran_bh.reject.iter().filter(|&&r| r).count(),
    }
}

/// Queen contiguity on a `rows × cols` lattice, ids in row-major order (as libpysal's lat2W).
fn lattice_queen(rows: usize, cols: usize) -> Vec<Vec<usize>> {
    let mut lists = Vec::with_capacity(rows * cols);
    for r in 0..rows {
        for c in 0..cols {
            let mut list = Vec::with_capacity(8);
            for nr in r.saturating_sub(1)..=(r + 1).min(rows - 1) {
                for nc in c.saturating_sub(1)..=(c + 1).min(cols - 1) {
                    if (nr, nc) != (r, c) {
                        list.push(nr * cols + nc);
                    }
                }
            }
            lists.push(list);
        }
    }
    lists
}

fn lattice_values(n: usize) -> Vec<f64> {
    (0..n as u64)
        .map(|i| ((i * 2_654_435_761) % 4_294_967_296 % 23) as f64)
        .collect()
}

/// Warm-up, then `runs` timed runs; returns (all times in ms, the warm-up run's output).
fn time_runs(values: &[f64], weights: &SpatialWeights, runs: usize) -> (Vec<f64>, Run) {
    let warm = one_run(values, weights);
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        let run = one_run(black_box(values), black_box(weights));
        times.push(start.elapsed().as_secs_f64() * 1000.0);
        black_box(run);
    }
    (times, warm)
}

fn median(times: &[f64]) -> f64 {
    let mut sorted = times.to_vec();
    sorted.sort_by(f64::total_cmp);
    let m = sorted.len() / 2;
    if sorted.len() % 2 == 1 {
        sorted[m]
    } else {
        (sorted[m - 1] + sorted[m]) / 2.0
    }
}

fn bench(name: &str, values: &[f64], lists: Vec<Vec<usize>>, runs: usize) -> Value {
    let weights = SpatialWeights::from_lists(lists);
    let (times, run) = time_runs(values, &weights, runs);
    let med = median(&times);
    let min = times.iter().copied().fold(f64::INFINITY, f64::min);
    println!(
        "{name}: n = {}, {runs} runs: median {med:.2} ms, min {min:.2} ms \
         (BH rejections at q = {DEFAULT_ALPHA}: Gi* {}, local Moran {})",
        values.len(),
        run.gi_rejected,
        run.moran_rejected
    );
    json!({
        "n": values.len(),
        "runs": runs,
        "times_ms": times,
        "median_ms": med,
        "min_ms": min,
        "y": values,
        "neighbours": weights.to_lists(),
        "gi_star_z": run.gi_z,
        "local_moran_i": run.moran_i,
        "gi_star_p_sim": run.gi_p_sim,
        "local_moran_p_sim": run.moran_p_sim,
        "bh_rejected_gi_star": run.gi_rejected,
        "bh_rejected_local_moran": run.moran_rejected,
    })
}

fn main() {
    let mut out: Option<PathBuf> = None;
    let mut fixture = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/hotspots_groningen.json"
    ));
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--out" => out = Some(args.next().expect("--out needs a path").into()),
            "--fixture" => fixture = args.next().expect("--fixture needs a path").into(),
            other => panic!("unknown argument {other:?}; usage: --out PATH [--fixture PATH]"),
        }
    }
    let out = out.expect("usage: hotspot_bench --out PATH [--fixture PATH]");

    let threads = rayon::current_num_threads();
    println!("rayon threads: {threads}");
    println!("permutations: {PERMUTATIONS}, seed: {SEED}");

    let n = LATTICE_ROWS * LATTICE_COLS;
    let lattice = bench(
        "lattice",
        &lattice_values(n),
        lattice_queen(LATTICE_ROWS, LATTICE_COLS),
        LATTICE_RUNS,
    );

    let text = std::fs::read_to_string(&fixture)
        .unwrap_or_else(|e| panic!("reading {}: {e}", fixture.display()));
    let data: Value = serde_json::from_str(&text).expect("fixture is JSON");
    let y: Vec<f64> = data["y"]
        .as_array()
        .expect("fixture has y")
        .iter()
        .map(|v| v.as_f64().expect("y is numeric"))
        .collect();
    let queen: Vec<Vec<usize>> = data["queen"]
        .as_array()
        .expect("fixture has queen")
        .iter()
        .map(|list| {
            list.as_array()
                .expect("queen holds lists")
                .iter()
                .map(|j| j.as_u64().expect("neighbour index") as usize)
                .collect()
        })
        .collect();
    let groningen = bench("groningen", &y, queen, GRONINGEN_RUNS);

    let result = json!({
        "rayon_threads": threads,
        "permutations": PERMUTATIONS,
        "seed": SEED,
        "fixture": fixture.display().to_string(),
        "lattice": lattice,
        "groningen": groningen,
    });
    std::fs::write(&out, serde_json::to_string(&result).expect("serialisable"))
        .unwrap_or_else(|e| panic!("writing {}: {e}", out.display()));
    println!("wrote {}", out.display());
}
