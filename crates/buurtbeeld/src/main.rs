//! The `buurtbeeld` command line: import official data, show the crime picture, load the demo.
//!
//! Exit codes: 0 success; 1 the input or request was refused (bad file, unknown area, …), with
//! the reasons on stderr; 2 usage errors and failures of the machine (disk, store).

/// `print!`/`println!` for everything the commands write to stdout. When the reader has gone
/// (`buurtbeeld demo | head`), the standard macros panic; ours end the program quietly with
/// exit code 0, as `head` expects of a writer. An import has committed before it is reported,
/// so stopping here loses nothing.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if let Err(error) = write!(std::io::stdout(), $($arg)*) {
            if error.kind() == std::io::ErrorKind::BrokenPipe {
                std::process::exit(0);
            }
            panic!("failed printing to stdout: {error}");
        }
    }};
}

/// [`out!`] with a newline.
macro_rules! outln {
    () => { out!("\n") };
    ($($arg:tt)*) => { out!("{}\n", format_args!($($arg)*)) };
}

mod accounts;
mod cli;
mod commands;
mod demo;
mod fetch;
mod series;
mod serve;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command};

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
            by,
            mapping,
            source_name,
        } => commands::import(
            &data_dir,
            &files,
            commands::ImportChoices {
                kind: kind.as_deref(),
                release,
                year,
                by,
                mapping,
                source_name,
            },
        ),
        Command::Fetch(args) => fetch::fetch(&data_dir, args),
        Command::Picture {
            area,
            subject,
            year,
            month,
            source,
            format,
        } => commands::picture(
            &data_dir,
            commands::PictureArgs {
                area,
                subject,
                year,
                month,
                source,
                format: format.into(),
            },
        ),
        Command::Series(args) => series::run(&data_dir, args),
        Command::Vis(args) => commands::vis(&data_dir, args),
        Command::NearRepeat(args) => commands::near_repeat(&data_dir, args),
        Command::Density(args) => commands::density(&data_dir, args),
        Command::Hotspots(args) => commands::hotspots(&data_dir, args),
        Command::Forecast(args) => commands::forecast(&data_dir, args, false),
        Command::Backtest(args) => commands::forecast(&data_dir, args, true),
        Command::Demo => demo::run(&data_dir),
        Command::Serve(args) => serve::serve(&data_dir, args),
        Command::User { action } => accounts::user(&data_dir, action),
        Command::Backup { out } => accounts::backup(&data_dir, &out),
        Command::Restore { backup } => accounts::restore(&data_dir, &backup),
        Command::Themes { toml } => commands::themes(&data_dir, toml),
        Command::Log => commands::log(&data_dir),
        Command::Plan {
            id,
            format: _,
            export: Some(dir),
        } => commands::export_plan(&data_dir, id.as_deref(), &dir),
        Command::Plan {
            id,
            format,
            export: None,
        } => commands::plan(&data_dir, id.as_deref(), format.into()),
        Command::Report {
            document,
            year,
            id,
            area,
            out,
        } => commands::report(&data_dir, document.into(), id.as_deref(), area, year, &out),
        Command::Effect {
            intervention,
            method,
            format,
        } => commands::effect(
            &data_dir,
            intervention.as_deref(),
            method.into(),
            format.into(),
        ),
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
