//! `buurtbeeld fetch`: a gemeente's official data in one command. Plans from the sources'
//! metadata against the import log, downloads what is new (resuming an interrupted fetch), and
//! imports all downloaded files in one transaction, each with its table's release.

use std::cell::RefCell;
use std::path::Path;
use std::time::Duration;

use buurtbeeld_analysis::{import_each, ImportFailure, ImportFile};
use buurtbeeld_cube::dutch::integer;
use buurtbeeld_fetch::{Content, Endpoints, FetchError, FetchEvent, FetchRequest, Scope};
use buurtbeeld_ingest::{InputKind, ReadOptions};
use indicatif::{HumanBytes, ProgressBar, ProgressStyle};

use crate::cli::FetchArgs;
use crate::commands::{open_store, print_outcome, Bar, Failure, Outcome};

/// Test hook: the wait before the first retry in milliseconds (default one second), so that
/// tests of a server that keeps failing do not sleep.
const FIRST_WAIT_VARIABLE: &str = "BUURTBEELD_FETCH_FIRST_WAIT_MS";

fn first_wait() -> Duration {
    std::env::var(FIRST_WAIT_VARIABLE)
        .ok()
        .and_then(|ms| ms.parse().ok())
        .map_or(Duration::from_secs(1), Duration::from_millis)
}

/// How a fetched file is read: its kind, its table's release, its year.
fn read_options(content: Content, release: &str, year: Option<i32>) -> ReadOptions {
    ReadOptions {
        kind: Some(match content {
            Content::Police => InputKind::PolitieOdataJson,
            Content::Population => InputKind::PopulationOdataJson,
            Content::Boundaries => InputKind::AreasGeojson,
        }),
        release: release.to_owned(),
        table_id: None,
        year,
        imported_by: std::env::var("USER").unwrap_or_default(),
        mapping: None,
        source_name: None,
    }
}

/// A failed download: nothing was imported, and the next run resumes.
fn interrupted(error: &FetchError) -> Failure {
    Failure::Refused(format!(
        "{error}\nophalen afgebroken: er is niets ingelezen. Wat al compleet is, blijft staan; \
         de volgende `buurtbeeld fetch` gaat daar verder."
    ))
}

pub fn fetch(data_dir: &Path, args: FetchArgs) -> Outcome {
    let scope = match (&args.gemeente, args.nederland) {
        (Some(gemeente), _) => Scope::Gemeente(gemeente.as_str().to_owned()),
        (None, _) => Scope::Nederland,
    };
    let request = FetchRequest {
        scope,
        from: args.from,
        data_dir: data_dir.to_owned(),
        endpoints: args
            .base_url
            .as_deref()
            .map_or_else(Endpoints::official, Endpoints::at),
    };
    let mut store = open_store(data_dir)?;
    let log = store.imports()?;

    let bar = ProgressBar::new_spinner().with_style(
        ProgressStyle::with_template("{spinner} {msg} {bytes}").expect("valid template"),
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    let current = RefCell::new(String::new());
    let progress = |event: &FetchEvent<'_>| match event {
        FetchEvent::Request { .. } => {}
        FetchEvent::FileStarted { file } => {
            *current.borrow_mut() = format!("{} ({})", file.table, file.title);
            bar.set_position(0);
            bar.set_message(format!("ophalen: {}", current.borrow()));
        }
        FetchEvent::Bytes(bytes) => bar.inc(*bytes),
        FetchEvent::Page { number, records } => bar.set_message(format!(
            "ophalen: {}, pagina {number}, {} records",
            current.borrow(),
            integer(*records)
        )),
        FetchEvent::Retry {
            url,
            attempt,
            wait,
            reason,
        } => bar.suspend(|| {
            eprintln!(
                "{url}: poging {attempt} mislukt ({reason}); opnieuw over {} ms",
                wait.as_millis()
            );
        }),
        FetchEvent::FileDone { path, records } => {
            // Read before `suspend`, which holds the bar's state while its closure runs.
            let bytes = HumanBytes(bar.position());
            bar.suspend(|| {
                outln!(
                    "{}: opgehaald, {} records ({bytes})",
                    path.display(),
                    integer(*records)
                );
            });
        }
        FetchEvent::FileReused { path } => bar.suspend(|| {
            outln!(
                "{}: al compleet opgehaald bij een eerdere poging, niet opnieuw",
                path.display()
            );
        }),
    };
    let client = buurtbeeld_fetch::client(first_wait(), &progress)
        .map_err(|e| Failure::Broken(anyhow::anyhow!("{e}")))?;
    bar.set_message("metadata lezen");
    let plan = buurtbeeld_fetch::plan(&client, &request, &log).map_err(|e| interrupted(&e))?;
    for file in &plan.up_to_date {
        bar.suspend(|| {
            outln!(
                "{} ({}): versie {} is al ingelezen",
                file.table,
                file.title,
                file.release
            );
        });
    }
    if plan.files.is_empty() {
        bar.finish_and_clear();
        outln!("niets nieuws: alle tabellen zijn bij");
        return Ok(());
    }
    let downloaded = buurtbeeld_fetch::download(&client, &request, &plan.files).map_err(|e| {
        bar.finish_and_clear();
        interrupted(&e)
    })?;
    bar.finish_and_clear();

    let files: Vec<(ImportFile, ReadOptions)> = downloaded
        .iter()
        .map(|done| {
            let file = &done.file;
            (
                ImportFile {
                    path: file.path.clone(),
                    name: file.path.display().to_string(),
                },
                read_options(file.content, &file.release, file.year),
            )
        })
        .collect();
    let writing = ProgressBar::new_spinner().with_message("inlezen");
    let outcomes = import_each(&mut store, &files, &mut |_, _| {}, &Bar(writing.clone())).map_err(
        |failure| match failure {
            ImportFailure::Refused(_) => Failure::Refused(format!(
                "{failure}\nimport geweigerd: er is niets veranderd in {}",
                store.path().display()
            )),
            ImportFailure::Store(error) => Failure::from(error),
        },
    )?;
    writing.finish_and_clear();
    for outcome in &outcomes {
        print_outcome(outcome);
    }
    Ok(())
}
