//! The long fuzz campaign over every reader: the seed files and mutations of `tests/fuzz.rs`,
//! drawn from a seeded RNG, millions of inputs per reader, counted in a table.
//!
//! ```text
//! cargo run --release -p buurtbeeld_ingest --example fuzz_campaign -- \
//!     --inputs 1000000 --reader all [--seed 16] [--panics DIR]
//! ```
//!
//! Inputs are written to a file on tmpfs (`/dev/shm` where it exists) and read with
//! `read_file`, as the command line reads them. A panicking input is saved under `--panics`
//! (default `target/fuzz-panics`) with the panic's message and place, so it can be replayed.
//!
//! With `--parallel`, each coded CSV input is also read by the two-thread path for large files
//! (`BUURTBEELD_PARALLEL_MIN_BYTES=0`), which must give the sequential reading exactly.

#[path = "../tests/common/mod.rs"]
mod common;

use std::cell::RefCell;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use buurtbeeld_ingest::InputKind;
use common::{
    mutate, read_input, reference_context, refusal_faults, unlocated_problems, Mutation, Reader,
    Reading, KNOWN_GAPS, READERS,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

struct Arguments {
    inputs: u64,
    readers: Vec<Reader>,
    seed: u64,
    panics: PathBuf,
    parallel: bool,
}

fn usage() -> ! {
    eprintln!(
        "usage: fuzz_campaign --inputs N --reader all|NAME[,NAME…] [--seed S] [--panics DIR] \
         [--parallel]\n\
         readers: {}",
        READERS.map(|r| r.name).join(", ")
    );
    std::process::exit(2);
}

fn arguments() -> Arguments {
    let mut parsed = Arguments {
        inputs: 10_000,
        readers: READERS.to_vec(),
        seed: 16,
        panics: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/fuzz-panics"),
        parallel: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        if flag == "--parallel" {
            parsed.parallel = true;
            continue;
        }
        let value = args.next().unwrap_or_else(|| usage());
        match flag.as_str() {
            "--inputs" => parsed.inputs = value.parse().unwrap_or_else(|_| usage()),
            "--seed" => parsed.seed = value.parse().unwrap_or_else(|_| usage()),
            "--panics" => parsed.panics = PathBuf::from(value),
            "--reader" if value == "all" => parsed.readers = READERS.to_vec(),
            "--reader" => {
                parsed.readers = value
                    .split(',')
                    .map(|name| Reader::by_name(name).unwrap_or_else(|| usage()))
                    .collect();
            }
            _ => usage(),
        }
    }
    parsed
}

/// What the campaign saw of one reader.
#[derive(Debug, Default)]
struct Tally {
    tried: u64,
    accepted: u64,
    refused: u64,
    panics: u64,
    /// Refusals with a problem that has neither line nor field and is no whole-file refusal.
    unlocated: u64,
    /// Of those, refusals whose every such problem is a known gap (`common::KNOWN_GAPS`).
    known_gaps: u64,
    /// Refusals that break another rule: no problem, or a problem naming another file.
    other_faults: u64,
    /// Inputs whose two-thread reading differs from the sequential one (`--parallel`).
    parallel_differs: u64,
    slowest: Duration,
    wall: Duration,
    /// Distinct panics (message and place), with the file the first input was saved to.
    panic_sites: Vec<(String, PathBuf)>,
}

thread_local! {
    /// The message and place of the last panic on this thread, as the hook saw it.
    static LAST_PANIC: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Panics are expected here: the hook records them instead of printing a backtrace each.
fn install_quiet_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let place = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        // A message may quote a 70 kB field; the start tells the panics apart.
        let message: String = common::panic_message(info.payload())
            .chars()
            .take(160)
            .collect();
        LAST_PANIC.with(|last| *last.borrow_mut() = format!("{message} at {place}"));
    }));
}

fn random_mutations(rng: &mut ChaCha8Rng) -> Vec<Mutation> {
    (0..rng.gen_range(1..=4))
        .map(|_| Mutation::from_parts(rng.gen(), rng.gen(), rng.gen(), rng.gen()))
        .collect()
}

fn run(reader: &Reader, arguments: &Arguments, dir: &std::path::Path) -> Tally {
    let context = reference_context();
    let seed = reader.seed_bytes();
    // One stream per reader, so that a reader's inputs do not depend on which others run.
    let stream = READERS
        .iter()
        .position(|r| r.name == reader.name)
        .unwrap_or(0) as u64;
    let mut rng = ChaCha8Rng::seed_from_u64(arguments.seed);
    rng.set_stream(stream);
    let mut tally = Tally::default();
    let start = Instant::now();
    for n in 0..arguments.inputs {
        let mutations = random_mutations(&mut rng);
        let detect = rng.gen_bool(0.25);
        let input = mutate(&seed, &mutations, reader.syntax);
        let began = Instant::now();
        let reading = read_input(dir, reader, &input, detect, &context);
        tally.slowest = tally.slowest.max(began.elapsed());
        tally.tried += 1;
        if arguments.parallel && reader.kind == InputKind::PolitieCodedCsv {
            // The campaign runs on one thread, so the variable is seen by this reading only.
            std::env::set_var(PARALLEL_ENV, "0");
            let parallel = read_input(dir, reader, &input, detect, &context);
            std::env::remove_var(PARALLEL_ENV);
            if !same_reading(&reading, &parallel) {
                tally.parallel_differs += 1;
                if tally.parallel_differs <= 5 {
                    let saved = save_input(arguments, reader, n, &input, detect, "parallel");
                    eprintln!(
                        "{}: input {n} differs in parallel ({})",
                        reader.name,
                        saved.display()
                    );
                }
            }
        }
        match reading {
            Ok(Ok(_)) => tally.accepted += 1,
            Ok(Err(error)) => {
                tally.refused += 1;
                if unlocated_problems(&error) > 0 {
                    tally.unlocated += 1;
                    let only_known_gaps = error
                        .problems
                        .iter()
                        .filter(|p| p.line.is_none() && p.field.is_none())
                        .all(|p| {
                            common::WHOLE_FILE_REFUSALS
                                .iter()
                                .chain(KNOWN_GAPS)
                                .any(|(fragment, _)| p.message.contains(fragment))
                        });
                    tally.known_gaps += u64::from(only_known_gaps);
                }
                let faults = refusal_faults(&error, reader.seed);
                let unexpected = faults.iter().any(|f| !f.starts_with("no line or field"));
                tally.other_faults += u64::from(unexpected);
            }
            Err(_) => {
                tally.panics += 1;
                let site = LAST_PANIC.with(|last| last.borrow().clone());
                if !tally.panic_sites.iter().any(|(s, _)| *s == site) {
                    let saved = save_input(arguments, reader, n, &input, detect, &site);
                    eprintln!(
                        "{}: input {n} panicked: {site} (saved {})",
                        reader.name,
                        saved.display()
                    );
                    tally.panic_sites.push((site, saved));
                }
            }
        }
        if (n + 1) % 100_000 == 0 {
            eprintln!(
                "{}: {} inputs, {:.0} s",
                reader.name,
                n + 1,
                start.elapsed().as_secs_f64()
            );
        }
    }
    tally.wall = start.elapsed();
    tally
}

/// The test hook that lowers the size from which coded CSV files are read by two threads.
const PARALLEL_ENV: &str = "BUURTBEELD_PARALLEL_MIN_BYTES";

/// Whether two readings of one input agree: the same batch (areas in any order), the same
/// refusal, or both a panic.
fn same_reading(sequential: &Reading, parallel: &Reading) -> bool {
    let areas = |batch: &buurtbeeld_cube::ImportBatch| {
        let mut areas = batch.areas.clone();
        areas.sort_by(|a, b| a.code.cmp(&b.code));
        areas
    };
    match (sequential, parallel) {
        (Ok(Ok(a)), Ok(Ok(b))) => {
            a.series == b.series && a.source == b.source && areas(a) == areas(b)
        }
        (Ok(Err(a)), Ok(Err(b))) => a == b,
        (Err(_), Err(_)) => true,
        _ => false,
    }
}

/// Writes an input worth replaying (a panic, a difference), named so that it replays with the
/// right kind and file name.
fn save_input(
    arguments: &Arguments,
    reader: &Reader,
    n: u64,
    input: &[u8],
    detect: bool,
    site: &str,
) -> PathBuf {
    let folder = arguments.panics.join(format!("{}-{n}", reader.name));
    let _ = std::fs::create_dir_all(&folder);
    let path = folder.join(reader.seed);
    let _ = std::fs::write(&path, input);
    let _ = std::fs::write(
        folder.join("FOUND.txt"),
        format!(
            "reader: {}\nkind forced: {}\nfound: {site}\n",
            reader.name, !detect
        ),
    );
    path
}

/// A directory on tmpfs if there is one, so that the inputs never reach a disk.
fn scratch_dir() -> PathBuf {
    let base = ["/dev/shm"]
        .into_iter()
        .map(PathBuf::from)
        .find(|p| p.is_dir())
        .unwrap_or_else(std::env::temp_dir);
    let dir = base.join(format!("buurtbeeld-fuzz-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a writable scratch directory");
    dir
}

fn main() {
    let arguments = arguments();
    install_quiet_panic_hook();
    let dir = scratch_dir();
    let started = Instant::now();
    let mut rows = Vec::new();
    for reader in &arguments.readers {
        let tally = run(reader, &arguments, &dir);
        eprintln!(
            "{}: done, {} inputs in {:.0} s",
            reader.name,
            tally.tried,
            tally.wall.as_secs_f64()
        );
        rows.push((reader.name, tally));
    }
    let _ = std::fs::remove_dir_all(&dir);

    println!(
        "| reader | inputs | accepted | refused | panics | refused without location (known gap) \
         | other rule broken | slowest input | wall time |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (name, t) in &rows {
        println!(
            "| {name} | {} | {} | {} | {} | {} ({}) | {} | {:.1} ms | {:.0} s |",
            t.tried,
            t.accepted,
            t.refused,
            t.panics,
            t.unlocated,
            t.known_gaps,
            t.other_faults,
            t.slowest.as_secs_f64() * 1000.0,
            t.wall.as_secs_f64()
        );
    }
    if arguments.parallel {
        for (name, t) in rows.iter().filter(|(_, t)| t.parallel_differs > 0) {
            println!(
                "\n{name}: {} inputs read differently by two threads",
                t.parallel_differs
            );
        }
    }
    println!(
        "\n{} inputs in {:.0} s (seed {})",
        rows.iter().map(|(_, t)| t.tried).sum::<u64>(),
        started.elapsed().as_secs_f64(),
        arguments.seed
    );
    for (name, t) in &rows {
        for (site, saved) in &t.panic_sites {
            println!("- panic in {name}: {site} (input: {})", saved.display());
        }
    }
}
