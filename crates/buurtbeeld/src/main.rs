//! The `buurtbeeld` command line: import official data, show the crime picture, load the demo.
//!
//! Exit codes: 0 success; 1 the input or request was refused (bad file, unknown area, …), with
//! the reasons on stderr; 2 usage errors and failures of the machine (disk, store).

mod commands;
mod demo;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "buurtbeeld",
    version,
    about = "Veiligheids-Informatiesysteem: police and CBS data in, the crime picture per theme and buurt out"
)]
struct Cli {
    /// Directory holding the store (one SQLite file).
    #[arg(long, global = true, env = "BUURTBEELD_DATA_DIR", value_name = "DIR")]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Import files (police tables, population, boundaries, BVH exports, themes) in one
    /// transaction: all land or none does.
    Import {
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Input format, instead of detecting it (see `buurtbeeld formats`).
        #[arg(long)]
        kind: Option<String>,
        /// Release or vintage label of the data, recorded in the import log.
        #[arg(long, default_value = "")]
        release: String,
        /// Year of a population or boundary file that does not state it.
        #[arg(long)]
        year: Option<i32>,
    },
    /// The crime picture of an area and its child areas for a theme or category.
    Picture {
        /// Area code: GM…, WK… or BU… (NL00 for the country).
        #[arg(long)]
        area: String,
        /// Theme id (see `buurtbeeld themes`).
        #[arg(
            long,
            conflicts_with = "category",
            required_unless_present = "category"
        )]
        theme: Option<String>,
        /// Police SoortMisdrijf code, e.g. 1.2.3.
        #[arg(long)]
        category: Option<String>,
        #[arg(long)]
        year: i32,
        /// One month (YYYY-MM) of the year instead of the whole year.
        #[arg(long, value_name = "YYYY-MM")]
        month: Option<String>,
        /// Source table, e.g. 47022NED, 47018NED or BVH (default: the best one available).
        #[arg(long)]
        source: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Load the bundled demo data (real CBS/Politie and Groningen data) and show its picture.
    Demo,
    /// Serve the dashboard and the JSON API. An empty store first gets the demo data.
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: std::net::SocketAddr,
    },
    /// List the themes, or print them as an editable TOML file.
    Themes {
        #[arg(long)]
        toml: bool,
    },
    /// The import log: every file imported, with table, release, rows and checksum.
    Log,
    /// The input formats `import --kind` accepts.
    Formats,
    /// Print every row of the store, sorted (for tests and audits).
    #[command(hide = true)]
    Dump,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Table,
    Csv,
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let data_dir = cli
        .data_dir
        .clone()
        .unwrap_or_else(commands::default_data_dir);
    let result = match cli.command {
        Command::Import {
            files,
            kind,
            release,
            year,
        } => commands::import(&data_dir, &files, kind.as_deref(), release, year),
        Command::Picture {
            area,
            theme,
            category,
            year,
            month,
            source,
            format,
        } => commands::picture(
            &data_dir,
            commands::PictureArgs {
                area,
                theme,
                category,
                year,
                month,
                source,
                format: match format {
                    Format::Table => buurtbeeld_report::OutputFormat::Table,
                    Format::Csv => buurtbeeld_report::OutputFormat::Csv,
                    Format::Json => buurtbeeld_report::OutputFormat::Json,
                },
            },
        ),
        Command::Demo => demo::run(&data_dir),
        Command::Serve { addr } => commands::serve(&data_dir, addr),
        Command::Themes { toml } => commands::themes(&data_dir, toml),
        Command::Log => commands::log(&data_dir),
        Command::Formats => commands::formats(),
        Command::Dump => commands::dump(&data_dir),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(commands::Failure::Refused(message)) => {
            eprintln!("{message}");
            ExitCode::from(1)
        }
        Err(commands::Failure::Broken(error)) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}
