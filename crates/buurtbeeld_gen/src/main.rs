//! `buurtbeeld-gen`: writes a seeded synthetic 47022NED coded CSV for benchmarks.

use std::fs::File;
use std::io::{self, BufWriter};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;
use buurtbeeld_gen::{GenConfig, Generator, Progress, YearMonth};
use clap::Parser;

/// How often progress is reported on stderr.
const PROGRESS_EVERY: Duration = Duration::from_secs(3);

/// Generate Politie table 47022NED (misdrijven per soort, wijk, buurt, maand) for all Dutch
/// buurten, wijken and gemeenten as a coded CSV, with seeded synthetic counts.
#[derive(Debug, Parser)]
#[command(name = "buurtbeeld-gen", version)]
struct Cli {
    /// Output file; `-` writes to stdout.
    #[arg(long)]
    out: PathBuf,
    /// Number of months.
    #[arg(long, default_value_t = 156)]
    months: u32,
    /// First month, as YYYY-MM.
    #[arg(long, default_value = "2012-01")]
    first_month: YearMonth,
    /// Only the first N gemeenten in code order (default: all).
    #[arg(long)]
    gemeenten: Option<usize>,
    /// Random seed; the same seed and options give a byte-identical file.
    #[arg(long, default_value_t = 42)]
    seed: u64,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (e.g. `| head`) is the reader's choice, not a failure.
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("buurtbeeld-gen: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: &Cli) -> anyhow::Result<()> {
    let generator = Generator::new(GenConfig {
        seed: cli.seed,
        first_month: cli.first_month,
        months: cli.months,
        gemeenten: cli.gemeenten,
    })?;
    let start = Instant::now();
    let mut last_report = start;
    let progress = |p: Progress| {
        let now = Instant::now();
        if now.duration_since(last_report) >= PROGRESS_EVERY {
            last_report = now;
            let secs = now.duration_since(start).as_secs_f64();
            eprintln!(
                "buurtbeeld-gen: {} / {} rows ({:.0}%), {:.1} M rows/s",
                p.rows_written,
                p.rows_total,
                100.0 * p.rows_written as f64 / p.rows_total.max(1) as f64,
                p.rows_written as f64 / secs / 1e6,
            );
        }
    };

    let summary = if cli.out.as_os_str() == "-" {
        let out = BufWriter::with_capacity(1 << 20, io::stdout().lock());
        generator.write(out, progress)?
    } else {
        let file = File::create(&cli.out)
            .with_context(|| format!("cannot create {}", cli.out.display()))?;
        let mut out = BufWriter::with_capacity(1 << 20, file);
        let summary = generator
            .write(&mut out, progress)
            .with_context(|| format!("writing {}", cli.out.display()))?;
        // Surface the last flush's errors (e.g. a full disk) instead of losing them in drop.
        out.into_inner()
            .map_err(|e| e.into_error())
            .with_context(|| format!("writing {}", cli.out.display()))?;
        summary
    };

    let secs = start.elapsed().as_secs_f64();
    let last = cli.first_month.plus_months(cli.months - 1);
    eprintln!(
        "buurtbeeld-gen: {} rows, {} areas, {} months ({}–{}), {} bytes, {:.2} s ({:.1} M rows/s), seed {}",
        summary.rows,
        summary.areas,
        summary.months,
        cli.first_month.period_code(),
        last.period_code(),
        summary.bytes,
        secs,
        summary.rows as f64 / secs.max(1e-9) / 1e6,
        cli.seed,
    );
    Ok(())
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain()
        .filter_map(|c| c.downcast_ref::<io::Error>())
        .any(|io| io.kind() == io::ErrorKind::BrokenPipe)
}
