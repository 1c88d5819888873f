//! `buurtbeeld fetch` against the replay server: the store it builds equals importing the same
//! files by hand, a second fetch downloads nothing, an interrupted fetch changes nothing and
//! resumes, and a passing failure is retried.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::harness::Workspace;
use crate::replay::{Fault, Replay};

/// The releases the recorded metadata states (see fixtures/fetch/SOURCE.md).
const RELEASE_47022: &str = "2024-03-15T02:00:00";
const RELEASE_47018: &str = "2024-03-29T02:00:00";
const RELEASE_85984: &str = "2024-08-16T02:00:00";
const RELEASE_PDOK: &str = "wijken-en-buurten-2024";

const MONTHLY_DATA: &str = "/ODataFeed/odata/47022NED/TypedDataSet";

fn fetch(workspace: &Workspace, replay: &Replay) -> Output {
    workspace.run_with_env(
        &["fetch", "--gemeente", "GM1581", "--base-url", &replay.base],
        &[("BUURTBEELD_FETCH_FIRST_WAIT_MS", "10"), ("USER", "test")],
    )
}

fn fetch_ok(workspace: &Workspace, replay: &Replay) -> String {
    let output = fetch(workspace, replay);
    assert!(
        output.status.success(),
        "fetch failed ({:?}):\n{}\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// The dump with what differs between two equal stores masked: the time of each import (the
/// `imported_at` column of `imports` and the time of its `audit_log` line) and the workspace's
/// temporary directory in file names. Nothing else differs.
fn masked_dump(workspace: &Workspace, data_dir_of_files: &Path) -> String {
    let dump = workspace.dump();
    let dir = data_dir_of_files.display().to_string();
    dump.lines()
        .map(|line| {
            let line = line.replace(&dir, "<data>");
            // The time column: `imports.imported_at`, `audit_log.at`.
            let time_column = if line.starts_with("imports\t") {
                Some(6)
            } else if line.starts_with("audit_log\t") {
                Some(2)
            } else {
                None
            };
            match time_column {
                Some(column) => {
                    let mut fields: Vec<&str> = line.split('\t').collect();
                    fields[column] = "<time>";
                    fields.join("\t")
                }
                None => line,
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The downloaded file of a table, and the release and year `import` is given for it.
fn fetched(data_dir: &Path) -> Vec<(PathBuf, &'static str, Option<&'static str>)> {
    let file = |table: &str, release: &str, name: &str| {
        let slug = release.replace(':', "_");
        let path = data_dir.join("fetch").join(table).join(slug).join(name);
        assert!(path.is_file(), "{} was not downloaded", path.display());
        path
    };
    vec![
        (
            file(RELEASE_PDOK, RELEASE_PDOK, "buurten_GM1581.geojson"),
            RELEASE_PDOK,
            Some("2024"),
        ),
        (
            file("85984NED", RELEASE_85984, "GM1581.json"),
            RELEASE_85984,
            Some("2024"),
        ),
        (
            file("47018NED", RELEASE_47018, "GM1581.json"),
            RELEASE_47018,
            None,
        ),
        (
            file("47022NED", RELEASE_47022, "GM1581.json"),
            RELEASE_47022,
            None,
        ),
    ]
}

#[test]
fn a_fetch_builds_the_store_that_importing_its_files_by_hand_builds() {
    let replay = Replay::start();
    let fetched_store = Workspace::new();
    let out = fetch_ok(&fetched_store, &replay);
    assert!(out.contains("ingelezen als #"), "{out}");

    // The 47022NED answer came in three pages, each asked once.
    let log = replay.log();
    let pages: Vec<&String> = log.iter().filter(|t| t.starts_with(MONTHLY_DATA)).collect();
    assert_eq!(pages.len(), 3, "{log:#?}");
    assert!(pages[2].ends_with("&$skip=1400"), "{log:#?}");

    let by_hand = Workspace::new();
    for (path, release, year) in fetched(&fetched_store.data_dir()) {
        let path = path.display().to_string();
        let mut args = vec!["import", path.as_str(), "--release", release];
        if let Some(year) = year {
            args.extend(["--year", year]);
        }
        let output = by_hand.run_with_env(&args, &[("USER", "test")]);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let data_dir = fetched_store.data_dir();
    assert_eq!(
        masked_dump(&fetched_store, &data_dir),
        masked_dump(&by_hand, &data_dir)
    );

    // The import log says each table's release as CBS and PDOK state it.
    let log = fetched_store.ok(&["log"]);
    for release in [RELEASE_47022, RELEASE_47018, RELEASE_85984, RELEASE_PDOK] {
        assert!(log.contains(release), "{release} not in the log:\n{log}");
    }
}

#[test]
fn a_second_fetch_with_nothing_new_downloads_nothing() {
    let replay = Replay::start();
    let workspace = Workspace::new();
    fetch_ok(&workspace, &replay);
    let before = workspace.dump();
    replay.clear_log();

    let out = fetch_ok(&workspace, &replay);
    assert!(out.contains("niets nieuws"), "{out}");
    let log = replay.log();
    assert!(
        log.iter()
            .all(|t| !t.contains("/TypedDataSet") && !t.contains("/items")),
        "data was downloaded again: {log:#?}"
    );
    assert_eq!(workspace.dump(), before);
}

#[test]
fn an_interrupted_fetch_changes_nothing_and_the_next_one_resumes() {
    let replay = Replay::start();
    let uninterrupted = Workspace::new();
    fetch_ok(&uninterrupted, &replay);

    let workspace = Workspace::new();
    let empty = workspace.dump();
    // The second page of 47022NED keeps failing beyond the five attempts.
    replay.fail(MONTHLY_DATA, 1, 5, Fault::Unavailable);
    replay.clear_log();
    let output = fetch(&workspace, &replay);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("na 5 pogingen opgegeven"), "{stderr}");
    assert!(
        stderr.contains("ophalen afgebroken: er is niets ingelezen"),
        "{stderr}"
    );
    assert_eq!(
        workspace.dump(),
        empty,
        "an interrupted fetch changed the store"
    );
    // Nothing half-written is left at a final name.
    let monthly = workspace
        .data_dir()
        .join("fetch/47022NED")
        .join(RELEASE_47022.replace(':', "_"));
    assert!(!monthly.join("GM1581.json").exists());

    replay.clear_log();
    fetch_ok(&workspace, &replay);
    let log = replay.log();
    assert!(
        log.iter().all(|t| !t.contains("85984NED/TypedDataSet")
            && !t.contains("47018NED/TypedDataSet")
            && !t.contains("/items")),
        "complete files were downloaded again: {log:#?}"
    );
    assert_eq!(
        log.iter().filter(|t| t.starts_with(MONTHLY_DATA)).count(),
        3,
        "{log:#?}"
    );
    assert!(!monthly.join("GM1581.json.part").exists());
    assert_eq!(
        masked_dump(&workspace, &workspace.data_dir()),
        masked_dump(&uninterrupted, &uninterrupted.data_dir())
    );
}

#[test]
fn a_passing_failure_is_retried() {
    let replay = Replay::start();
    replay.fail(MONTHLY_DATA, 1, 1, Fault::Unavailable);
    replay.fail("/items", 0, 1, Fault::DropMidBody);
    let workspace = Workspace::new();
    let out = fetch_ok(&workspace, &replay);
    assert!(out.contains("ingelezen als #"), "{out}");
    let log = replay.log();
    assert_eq!(
        log.iter().filter(|t| t.starts_with(MONTHLY_DATA)).count(),
        4,
        "page 2 should be asked twice: {log:#?}"
    );
    assert_eq!(log.iter().filter(|t| t.contains("/items")).count(), 2);

    let clean = Workspace::new();
    fetch_ok(&clean, &Replay::start());
    assert_eq!(
        masked_dump(&workspace, &workspace.data_dir()),
        masked_dump(&clean, &clean.data_dir())
    );
}

#[test]
fn a_gemeente_code_is_checked_before_anything_is_fetched() {
    let workspace = Workspace::new();
    let output = workspace.run(&["fetch", "--gemeente", "BU15810000"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("geen gemeentecode"));
    let output = workspace.run(&["fetch"]);
    assert_eq!(output.status.code(), Some(2));
}
