//! Disclosure-control benchmark: `protect` on a Groningen-sized year of the public view.
//!
//! The table: 1 gemeente, 10 wijken with 1, 5, 8, 9, 10, 11, 12, 13, 15 and 16 buurten (100
//! buurten), 60 categories, 10 themes (totaal; geweld, vermogen, woninginbraak, fietsdiefstal,
//! vernieling, drugs, verkeer; high impact crime, overlapping geweld and woninginbraak; and
//! vermogen ∪ vernieling, the union of two others): 111 areas × 10 themes = 1,110 cells over
//! 6,000 atoms. Counts are drawn from a seeded ChaCha generator: a buurt's yearly total is
//! log-normal (median 55, a few in the thousands), split over the categories with weights
//! `1/(c+1)`, each atom Poisson (normal above a mean of 30).
//!
//! `--scale N` puts N copies of the ten wijken (with fresh counts) under the one gemeente: 5 is
//! an Amsterdam-sized gemeente (50 wijken, 500 buurten; 5,510 cells over 30,000 atoms).
//!
//! Usage: `cargo run --release -p buurtbeeld_stats --example disclosure_bench [-- --runs N]
//! [--scale N]`. Prints the table's size, the suppression by level, the median and minimum
//! wall-clock time of `protect` (and of the audit alone) over N runs (default 51) after a
//! warm-up, and checks the result with the audit (linear, and knowing the zero atoms).

use std::hint::black_box;
use std::time::Instant;

use buurtbeeld_stats::disclosure::{protect, recoverable, Disclosure, LinkedTable};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const SEED: u64 = 20261201;
const WIJK_SIZES: [usize; 10] = [1, 5, 8, 9, 10, 11, 12, 13, 15, 16];
const CATEGORIES: usize = 60;

fn themes() -> Vec<(&'static str, Vec<usize>)> {
    let range = |a: usize, b: usize| (a..b).collect::<Vec<_>>();
    let mut vermogen_vernieling = range(8, 20);
    vermogen_vernieling.extend(20..26);
    vec![
        ("totaal", range(0, CATEGORIES)),
        ("geweld", range(0, 8)),
        ("vermogen", range(8, 20)),
        ("woninginbraak", vec![8, 9]),
        ("fietsdiefstal", vec![10]),
        ("vernieling", range(20, 26)),
        ("drugs", range(26, 30)),
        ("verkeer", range(30, 36)),
        ("high impact crime", vec![0, 1, 2, 8, 9]),
        ("vermogen en vernieling", vermogen_vernieling),
    ]
}

fn poisson(rng: &mut ChaCha8Rng, mean: f64) -> u64 {
    if mean > 30.0 {
        // Box-Muller; the shape of the tail does not matter here.
        let (u, v): (f64, f64) = (rng.gen(), rng.gen());
        let z = (-2.0 * (1.0 - u).ln()).sqrt() * (std::f64::consts::TAU * v).cos();
        return (mean + z * mean.sqrt()).round().max(0.0) as u64;
    }
    let limit = (-mean).exp();
    let mut product: f64 = rng.gen();
    let mut count = 0;
    while product > limit {
        product *= rng.gen::<f64>();
        count += 1;
    }
    count
}

/// The table, and the level (0 gemeente, 1 wijk, 2 buurt) of each cell; `scale` copies of the
/// wijken (with new counts) under the one gemeente.
fn groningen(scale: usize) -> (LinkedTable, Vec<usize>) {
    let mut rng = ChaCha8Rng::seed_from_u64(SEED);
    let sizes: Vec<usize> = (0..scale).flat_map(|_| WIJK_SIZES).collect();
    let buurten: usize = sizes.iter().sum();
    let weights: Vec<f64> = (0..CATEGORIES).map(|c| 1.0 / (c as f64 + 1.0)).collect();
    let weight_sum: f64 = weights.iter().sum();
    let mut atoms = Vec::with_capacity(buurten * CATEGORIES);
    for _ in 0..buurten {
        let (u, v): (f64, f64) = (rng.gen(), rng.gen());
        let z = (-2.0 * (1.0 - u).ln()).sqrt() * (std::f64::consts::TAU * v).cos();
        let total = (4.0 + 1.2 * z).exp();
        for weight in &weights {
            atoms.push(poisson(&mut rng, total * weight / weight_sum));
        }
    }
    let mut areas: Vec<(usize, Vec<usize>)> = vec![(0, (0..buurten).collect())];
    let mut first = 0;
    for &size in &sizes {
        areas.push((1, (first..first + size).collect()));
        first += size;
    }
    areas.extend((0..buurten).map(|b| (2, vec![b])));
    let mut cells = Vec::new();
    let mut levels = Vec::new();
    for (level, area_buurten) in &areas {
        for (_, categories) in themes() {
            let cell = area_buurten
                .iter()
                .flat_map(|b| categories.iter().map(move |c| b * CATEGORIES + c))
                .collect();
            cells.push(cell);
            levels.push(*level);
        }
    }
    (LinkedTable { atoms, cells }, levels)
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

fn main() {
    let (mut runs, mut scale) = (51, 1);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut number = || -> usize {
            let value = args.next().unwrap_or_default();
            value
                .parse()
                .unwrap_or_else(|_| panic!("{arg} needs a number"))
        };
        match arg.as_str() {
            "--runs" => runs = number(),
            "--scale" => scale = number(),
            other => panic!("unknown argument {other:?}; usage: [--runs N] [--scale N]"),
        }
    }
    let (table, levels) = groningen(scale);
    let zero_atoms = table.atoms.iter().filter(|&&a| a == 0).count();
    let total: u64 = table.atoms.iter().sum();
    println!(
        "cells: {}, atoms: {} ({zero_atoms} zero), incidents: {total}",
        table.cells.len(),
        table.atoms.len()
    );

    let status = protect(&table, 5);
    for (level, name) in ["gemeente", "wijk", "buurt"].iter().enumerate() {
        let of_level: Vec<Disclosure> = (0..status.len())
            .filter(|&c| levels[c] == level)
            .map(|c| status[c])
            .collect();
        let count = |d: Disclosure| of_level.iter().filter(|&&s| s == d).count();
        println!(
            "{name}: {} cells, {} primary, {} secondary, {} zero",
            of_level.len(),
            count(Disclosure::Primary),
            count(Disclosure::Secondary),
            (0..status.len())
                .filter(|&c| levels[c] == level && table.value(c) == 0)
                .count()
        );
    }
    let secondary_value: u64 = (0..status.len())
        .filter(|&c| status[c] == Disclosure::Secondary)
        .map(|c| table.value(c))
        .sum();
    println!("value of the secondary cells: {secondary_value}");
    let shown: Vec<bool> = status.iter().map(|s| s.is_published()).collect();
    let exposed_linear = recoverable(&table, &shown);
    let exposed_positive = recoverable(&table.positive_part(), &shown);
    println!(
        "audit: {} recoverable (linear), {} recoverable (zero atoms known)",
        exposed_linear.len(),
        exposed_positive.len()
    );
    assert!(exposed_linear.is_empty() && exposed_positive.is_empty());

    let mut protect_ms = Vec::with_capacity(runs);
    let mut audit_ms = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        black_box(protect(black_box(&table), 5));
        protect_ms.push(start.elapsed().as_secs_f64() * 1000.0);
        let start = Instant::now();
        black_box(recoverable(black_box(&table), black_box(&shown)));
        audit_ms.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    let min = |t: &[f64]| t.iter().copied().fold(f64::INFINITY, f64::min);
    println!(
        "protect: {runs} runs, median {:.2} ms, min {:.2} ms",
        median(&protect_ms),
        min(&protect_ms)
    );
    println!(
        "recoverable (full table, the audit alone): median {:.2} ms, min {:.2} ms",
        median(&audit_ms),
        min(&audit_ms)
    );
}
