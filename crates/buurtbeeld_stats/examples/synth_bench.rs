//! Synthetic-control benchmark, the Rust side of `bench/synth.sh` (pysyncon is the other side,
//! `bench/synth_pysyncon.py`).
//!
//! One run is: the synthetic control of one treated area from 500 donor areas over 60 months
//! (48 before the start), and the placebo test in space (each donor treated in turn against the
//! other 499): 501 constrained least-squares fits.
//!
//! The panel is deterministic without a random generator, so Python reads the same numbers from
//! the CSV this writes: area `i` (0 = treated, 1..=500 donors), month `t`:
//! `y = round(10 + (i mod 40) + 0.05 (i mod 7) t + 4 sin(2πt/12 + i/50) + 3 h(i, t))` with
//! `h` = the fractional part of `sin(12.9898 i + 78.233 t) · 43758.5453`; the treated area is
//! donor-like (`i mod 40 = 20`) and loses 20% from month 48 on.
//!
//! Usage: `cargo run --release -p buurtbeeld_stats --example synth_bench -- --out DIR`. Writes
//! `DIR/panel.csv` and `DIR/rust.json` (timings, weights, placebo p-value).

use std::path::PathBuf;
use std::time::Instant;

use buurtbeeld_stats::synthetic_control::{synthetic_control, synthetic_control_with_placebos};
use serde_json::json;

const DONORS: usize = 500;
const MONTHS: usize = 60;
const START: usize = 48;
const RUNS: usize = 5;

fn value(i: usize, t: usize) -> f64 {
    let (fi, ft) = (i as f64, t as f64);
    let hash = ((12.9898 * fi + 78.233 * ft).sin() * 43758.5453)
        .fract()
        .abs();
    let level = if i == 0 { 20.0 } else { (i % 40) as f64 };
    let y = 10.0
        + level
        + 0.05 * (i % 7) as f64 * ft
        + 4.0 * (2.0 * std::f64::consts::PI * ft / 12.0 + fi / 50.0).sin()
        + 3.0 * hash;
    let y = if i == 0 && t >= START { 0.8 * y } else { y };
    y.round().max(0.0)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let out = match (args.next().as_deref(), args.next()) {
        (Some("--out"), Some(dir)) => PathBuf::from(dir),
        _ => {
            eprintln!("usage: synth_bench --out DIR");
            std::process::exit(2);
        }
    };
    std::fs::create_dir_all(&out).expect("output directory");
    let panel: Vec<Vec<f64>> = (0..=DONORS)
        .map(|i| (0..MONTHS).map(|t| value(i, t)).collect())
        .collect();
    let mut csv = String::from("area,month,y\n");
    for (i, row) in panel.iter().enumerate() {
        for (t, y) in row.iter().enumerate() {
            csv.push_str(&format!("A{i:03},{t},{y}\n"));
        }
    }
    std::fs::write(out.join("panel.csv"), csv).expect("write panel");

    let donors: Vec<&[f64]> = panel[1..].iter().map(Vec::as_slice).collect();
    let mut times = Vec::new();
    let mut result = None;
    for _ in 0..RUNS {
        let started = Instant::now();
        result = Some(synthetic_control_with_placebos(&panel[0], &donors, START).expect("fit"));
        times.push(started.elapsed().as_secs_f64());
    }
    let (fit, placebo) = result.expect("at least one run");
    times.sort_by(f64::total_cmp);
    // The first placebo fits again, for their pre-period fit (compared with pysyncon's).
    let placebo_pre_rmspe: Vec<f64> = (0..5)
        .map(|j| {
            let others: Vec<&[f64]> = (0..DONORS).filter(|k| *k != j).map(|k| donors[k]).collect();
            synthetic_control(donors[j], &others, START)
                .expect("fit")
                .pre_rmspe
        })
        .collect();
    let report = json!({
        "threads": rayon::current_num_threads(),
        "donors": DONORS,
        "months": MONTHS,
        "start": START,
        "seconds_median": times[RUNS / 2],
        "seconds_min": times[0],
        "weights": fit.weights,
        "pre_rmspe": fit.pre_rmspe,
        "post_rmspe": fit.post_rmspe,
        "p_value": placebo.p_value,
        "ratios": placebo.ratios,
        "placebo_pre_rmspe": placebo_pre_rmspe,
    });
    std::fs::write(out.join("rust.json"), report.to_string()).expect("write result");
    eprintln!(
        "buurtbeeld: {} fits (1 + {} placebos), median {:.2} s, min {:.2} s, {} threads; pre-RMSPE {:.3}, p = {}",
        DONORS + 1,
        DONORS,
        times[RUNS / 2],
        times[0],
        rayon::current_num_threads(),
        fit.pre_rmspe,
        placebo.p_value
    );
}
