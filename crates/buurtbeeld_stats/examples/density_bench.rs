//! Kernel density and report clustering benchmark, the Rust side of `bench/density.sh` (scipy's
//! `gaussian_kde` is the other side, `bench/density_scipy.py`).
//!
//! Inputs (seeded, ChaCha8):
//! - KDE: 100.000 points in a 10 × 10 km square of RD New, 70% around 200 hot places (normal,
//!   80 m) and 30% spread evenly; a 200 × 200 grid of 50 m cells; Gaussian kernel, `h` = 200 m,
//!   cut off at 8 bandwidths (the defaults); also the quartic kernel of radius 400 m.
//! - Reports: 1.000.000 reports in 20 categories over three years (1.096 days) in a 30 × 30 km
//!   square: about 400.000 problems, each reported 1 to 4 times within 20 m (normal) and 5
//!   days; the default rule (50 m, 7 days).
//!
//! Usage: `cargo run --release -p buurtbeeld_stats --example density_bench -- [--out PATH]
//! [--runs N]`. Prints the median and minimum wall-clock ms of N runs (default 5) after one
//! warm-up. With `--out`, writes the first 10.000 points, the grid and their density (without
//! cut-off) to PATH as JSON for the comparison with scipy.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Instant;

use buurtbeeld_stats::kernel_density::{kernel_density, DensityOptions, Grid, Kernel};
use buurtbeeld_stats::report_clusters::{cluster_reports, ClusterRule, Report};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::json;

const SEED: u64 = 20261128;
const POINTS: usize = 100_000;
const REPORTS: usize = 1_000_000;
const COMPARED_POINTS: usize = 10_000;

fn normal(rng: &mut ChaCha8Rng) -> f64 {
    // Box-Muller; one of the pair is enough here.
    let u: f64 = rng.gen_range(f64::EPSILON..1.0);
    let v: f64 = rng.gen();
    (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
}

fn points(rng: &mut ChaCha8Rng) -> Vec<[f64; 2]> {
    let (x0, y0) = (230_000.0, 575_000.0);
    let places: Vec<[f64; 2]> = (0..200)
        .map(|_| {
            [
                x0 + rng.gen_range(500.0..9_500.0),
                y0 + rng.gen_range(500.0..9_500.0),
            ]
        })
        .collect();
    (0..POINTS)
        .map(|_| {
            if rng.gen_bool(0.7) {
                let p = places[rng.gen_range(0..places.len())];
                [p[0] + 80.0 * normal(rng), p[1] + 80.0 * normal(rng)]
            } else {
                [
                    x0 + rng.gen_range(0.0..10_000.0),
                    y0 + rng.gen_range(0.0..10_000.0),
                ]
            }
        })
        .collect()
}

fn reports(rng: &mut ChaCha8Rng) -> Vec<Report> {
    // Problems that several residents report: each gets 1 to 4 reports (2,5 on average) within
    // 20 m (normal) and 5 days of its start.
    let mut reports = Vec::with_capacity(REPORTS);
    while reports.len() < REPORTS {
        let (x, y) = (
            120_000.0 + rng.gen_range(0.0..30_000.0),
            480_000.0 + rng.gen_range(0.0..30_000.0),
        );
        let (category, day) = (rng.gen_range(0..20), rng.gen_range(0..1_096));
        for _ in 0..rng.gen_range(1..=4).min(REPORTS - reports.len()) {
            reports.push(Report {
                category,
                x: x + 20.0 * normal(rng),
                y: y + 20.0 * normal(rng),
                day: day + rng.gen_range(0..=5),
            });
        }
    }
    reports
}

/// Median and minimum of `runs` timed calls after one warm-up, in ms.
fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (f64, f64) {
    black_box(f());
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            black_box(f());
            start.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    times.sort_by(f64::total_cmp);
    (times[times.len() / 2], times[0])
}

fn main() {
    let mut out: Option<PathBuf> = None;
    let mut runs = 5;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--out" => out = args.next().map(PathBuf::from),
            "--runs" => runs = args.next().and_then(|n| n.parse().ok()).unwrap_or(runs),
            other => panic!("unknown argument {other}"),
        }
    }
    let mut rng = ChaCha8Rng::seed_from_u64(SEED);
    let points = points(&mut rng);
    let grid = Grid {
        origin_x: 230_000.0,
        origin_y: 575_000.0,
        cell_size: 50.0,
        columns: 200,
        rows: 200,
    };
    let gaussian = DensityOptions::default();
    let quartic = DensityOptions {
        kernel: Kernel::Quartic,
        bandwidth: 400.0,
        ..DensityOptions::default()
    };
    let (median, min) = time(runs, || {
        kernel_density(&points, None, &grid, &gaussian).unwrap()
    });
    println!("kde gaussian h=200 m, cut-off 8h: {POINTS} points, 200x200 grid: median {median:.1} ms (min {min:.1})");
    let (median_q, min_q) = time(runs, || {
        kernel_density(&points, None, &grid, &quartic).unwrap()
    });
    println!("kde quartic r=400 m: median {median_q:.1} ms (min {min_q:.1})");

    let reports = reports(&mut rng);
    let rule = ClusterRule::default();
    let problems = cluster_reports(&reports, &rule).unwrap().count();
    let (median_r, min_r) = time(runs, || cluster_reports(&reports, &rule).unwrap());
    println!(
        "report clusters 50 m / 7 days: {REPORTS} reports -> {problems} problems: median {median_r:.1} ms (min {min_r:.1})"
    );

    if let Some(path) = out {
        let compared = &points[..COMPARED_POINTS];
        let whole = DensityOptions {
            cutoff: f64::INFINITY,
            ..DensityOptions::default()
        };
        let density = kernel_density(compared, None, &grid, &whole).unwrap();
        // Without the cut-off every point meets every cell, as in scipy.
        let (median_whole, _) = time(runs, || {
            kernel_density(compared, None, &grid, &whole).unwrap()
        });
        let (median_c, _) = time(runs, || {
            kernel_density(compared, None, &grid, &gaussian).unwrap()
        });
        let value = json!({
            "points": compared,
            "grid": {"origin_x": grid.origin_x, "origin_y": grid.origin_y,
                     "cell_size": grid.cell_size, "columns": grid.columns, "rows": grid.rows},
            "bandwidth": gaussian.bandwidth,
            "per_square_kilometre": density.per_square_kilometre,
            "ms": {"kde_100k_median": median, "kde_100k_min": min,
                   "kde_10k_median": median_c, "kde_10k_no_cutoff_median": median_whole,
                   "quartic_100k_median": median_q, "reports_1m_median": median_r,
                   "reports_1m_min": min_r, "problems": problems, "runs": runs},
        });
        std::fs::write(&path, value.to_string()).unwrap();
        println!("wrote {}", path.display());
    }
}
