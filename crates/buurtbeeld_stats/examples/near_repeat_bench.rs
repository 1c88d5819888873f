//! Near-repeat (Knox) benchmark, the Rust side; `bench/near_repeat_reference.py` (scipy cKDTree
//! and numpy) is the reference it is compared with in BENCHMARKS.md.
//!
//! Input: 100.000 synthetic events over 15 × 15 km in RD metres (whole metres), 5 years of
//! days, made with splitmix64 from a fixed seed: 200 neighbourhood clusters (70% of the events,
//! uniform in a disc of 600 m around their centre), 20% uniform over the city, and 10% repeats
//! (within 100 m and 14 days of an earlier event). The default bands:
//! `[0, 1, 101, 201, 301, 401, 501, ∞)` m × `[0, 8, 15, 22, 29, ∞)` days, Euclidean, 999
//! permutations.
//!
//! Usage: `cargo run --release -p buurtbeeld_stats --example near_repeat_bench -- [--runs N]
//! [--permutations P] [--out DIR]` (defaults 3, 999, `target/near_repeat_bench`). Writes the
//! events (`events.csv`) and the observed table and timings (`rust.json`) to DIR, for the
//! reference to read and compare; prints the wall-clock time of every run and the median.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Instant;

use buurtbeeld_stats::knox::{knox_test, KnoxParameters};

const EVENTS: usize = 100_000;
const SIDE: f64 = 15_000.0;
const DAYS: u64 = 1826;

struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn events() -> (Vec<[f64; 2]>, Vec<i32>) {
    let mut rng = SplitMix(20261123);
    let centres: Vec<[f64; 2]> = (0..200)
        .map(|_| [rng.unit() * SIDE, rng.unit() * SIDE])
        .collect();
    let mut points: Vec<[f64; 2]> = Vec::with_capacity(EVENTS);
    let mut days: Vec<i32> = Vec::with_capacity(EVENTS);
    for k in 0..EVENTS {
        let kind = rng.unit();
        let (point, day) = if kind < 0.1 && k > 0 {
            let earlier = rng.below(k as u64) as usize;
            let (r, a) = (
                100.0 * rng.unit().sqrt(),
                std::f64::consts::TAU * rng.unit(),
            );
            let p = [
                points[earlier][0] - 200_000.0,
                points[earlier][1] - 570_000.0,
            ];
            let day = days[earlier] + rng.below(15) as i32;
            ([p[0] + r * a.cos(), p[1] + r * a.sin()], day)
        } else if kind < 0.3 {
            (
                [rng.unit() * SIDE, rng.unit() * SIDE],
                rng.below(DAYS) as i32,
            )
        } else {
            let c = centres[rng.below(centres.len() as u64) as usize];
            let (r, a) = (
                600.0 * rng.unit().sqrt(),
                std::f64::consts::TAU * rng.unit(),
            );
            (
                [c[0] + r * a.cos(), c[1] + r * a.sin()],
                rng.below(DAYS) as i32,
            )
        };
        // Whole metres in RD New around Groningen, as police exports give them.
        points.push([
            (200_000.0 + point[0]).round(),
            (570_000.0 + point[1]).round(),
        ]);
        days.push(day);
    }
    // Days since 1970-01-01, from 2014-01-01 on.
    (points, days.into_iter().map(|d| 16_071 + d).collect())
}

/// User + system time of this process so far (Linux: `/proc/self/stat`, 100 ticks a second);
/// on a shared machine the wall clock also measures the neighbours.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after_name = stat.rsplit(')').next().unwrap_or("");
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks = |k: usize| {
        fields
            .get(k)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // Fields 14 and 15 of stat(5) are the 12th and 13th after the name.
    (ticks(11) + ticks(12)) / 100.0
}

fn main() {
    let mut runs = 3usize;
    let mut permutations = 999usize;
    let mut out = PathBuf::from("target/near_repeat_bench");
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next().expect("every option takes a value");
        match arg.as_str() {
            "--runs" => runs = value.parse().expect("--runs N"),
            "--permutations" => permutations = value.parse().expect("--permutations P"),
            "--out" => out = PathBuf::from(value),
            other => panic!("unknown option {other}"),
        }
    }
    let (points, days) = events();
    std::fs::create_dir_all(&out).unwrap();
    let mut csv = String::from("x,y,day\n");
    for (p, d) in points.iter().zip(&days) {
        writeln!(csv, "{},{},{d}", p[0], p[1]).unwrap();
    }
    std::fs::write(out.join("events.csv"), csv).unwrap();

    let parameters = KnoxParameters {
        permutations,
        ..KnoxParameters::default()
    };
    println!(
        "near_repeat_bench: {} events, {permutations} permutations, {} rayon threads",
        points.len(),
        rayon::current_num_threads()
    );
    let mut seconds = Vec::new();
    let mut result = None;
    for run in 1..=runs {
        let start = Instant::now();
        let cpu = cpu_seconds();
        let r = knox_test(&points, &days, &parameters).unwrap();
        let elapsed = start.elapsed().as_secs_f64();
        println!(
            "run {run}: {elapsed:.2} s wall, {:.2} s CPU",
            cpu_seconds() - cpu
        );
        seconds.push(elapsed);
        result = Some(r);
    }
    let result = result.expect("at least one run");
    let mut sorted = seconds.clone();
    sorted.sort_by(f64::total_cmp);
    let median = sorted[sorted.len() / 2];
    println!(
        "median {median:.2} s; {} near pairs (< 501 m); CPU time of the process {:.1} s",
        result.near_pairs,
        cpu_seconds()
    );
    let temporal = result.bands.temporal_bands();
    let observed: Vec<Vec<u64>> = result
        .cells
        .chunks(temporal)
        .map(|row| row.iter().map(|c| c.observed).collect())
        .collect();
    for (s, row) in result.cells.chunks(temporal).enumerate() {
        let line: Vec<String> = row
            .iter()
            .map(|c| {
                format!(
                    "{:>9} {:>5.2} p={:.3}",
                    c.observed,
                    c.ratio.unwrap_or(f64::NAN),
                    c.p_value
                )
            })
            .collect();
        println!("band {s}: {}", line.join(" |"));
    }
    let json = format!(
        "{{\"events\":{},\"permutations\":{permutations},\"threads\":{},\"near_pairs\":{},\"seconds\":{seconds:?},\"median_seconds\":{median},\"observed\":{observed:?}}}\n",
        points.len(),
        rayon::current_num_threads(),
        result.near_pairs,
    );
    std::fs::write(out.join("rust.json"), json).unwrap();
}
