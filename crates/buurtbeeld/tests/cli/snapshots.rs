//! Snapshots of every user-visible output on the demo data (each command in each `--format`,
//! `--help`, the council documents as HTML, the dashboard pages and the JSON API), so that a
//! refactor shows the output is unchanged, or exactly which outputs changed.
//!
//! The demo is loaded once into a store shared by all tests here, which only read it. What
//! differs between runs is redacted (see [`redact`]): import times, the store's path, import
//! checksums and today's date in the documents. HTML is shown one tag per line (a line break
//! between `>` and `<`) so that a diff points at the element that changed.
//!
//! After an intended change of output: `INSTA_UPDATE=always cargo test -p buurtbeeld --test cli
//! snapshots`, then review the diff of `tests/cli/snapshots/` like any other change.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use crate::harness::{table_lines, Workspace};
use crate::serve::Server;

/// The store with the demo loaded, and what `buurtbeeld demo` printed while loading it.
pub(crate) struct Demo {
    pub(crate) workspace: Workspace,
    pub(crate) output: String,
    /// Locked while this process lives: a static is never dropped, so the store outlives the
    /// test process, and the next run removes the stores whose lock is free.
    _lock: File,
}

const STORE_PREFIX: &str = "snapshots-demo-";
const LOCK_FILE: &str = "in-use.lock";

pub(crate) fn demo() -> &'static Demo {
    static DEMO: OnceLock<Demo> = OnceLock::new();
    DEMO.get_or_init(|| {
        let parent = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
        std::fs::create_dir_all(&parent).expect("target tmp dir");
        remove_abandoned_stores(&parent);
        let workspace = Workspace {
            dir: tempfile::Builder::new()
                .prefix(STORE_PREFIX)
                .tempdir_in(&parent)
                .expect("temp dir"),
        };
        let lock = File::create(workspace.dir.path().join(LOCK_FILE)).expect("lock file");
        lock.try_lock().expect("lock of a new file");
        let output = workspace.ok(&["demo"]);
        Demo {
            workspace,
            output,
            _lock: lock,
        }
    })
}

/// Removes the stores of earlier runs: those whose lock is free (its process ended) and that
/// are older than a minute (not one that another run is just creating).
fn remove_abandoned_stores(parent: &Path) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        if !entry
            .file_name()
            .to_string_lossy()
            .starts_with(STORE_PREFIX)
        {
            continue;
        }
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|modified| modified.elapsed().unwrap_or_default() > Duration::from_secs(60));
        let abandoned =
            File::open(entry.path().join(LOCK_FILE)).is_ok_and(|f| f.try_lock().is_ok());
        if old && abandoned {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Asserts the snapshot `name`, with `what` (the command or URL) as its description.
fn snapshot(name: &str, what: &str, text: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.set_description(what);
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_snapshot!(name, text));
}

/// Replaces what differs between runs: the path of the store, import times (RFC 3339 and
/// `YYYY-MM-DD HH:MM:SS`), import checksums and today's date (UTC, as the documents write it;
/// yesterday's too, in case a run spans midnight).
fn redact(text: &str) -> String {
    let data_dir = demo().workspace.data_dir().display().to_string();
    let mut text = text.replace(&data_dir, "[DATA_DIR]");
    let today = time::OffsetDateTime::now_utc().date();
    for day in [today, today.previous_day().unwrap_or(today)] {
        let date = buurtbeeld_document::dutch_date(day.year(), day.month().into(), day.day());
        text = text.replace(&date, "[TODAY]");
    }
    text = redact_timestamps(&text);
    for marker in ["sha256 ", "\"checksum\":\"", "\"checksum\": \""] {
        text = redact_hex_after(&text, marker);
    }
    text
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction][Z]` and `YYYY-MM-DD HH:MM:SS` become `[TIMESTAMP]`.
fn redact_timestamps(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut copied = 0;
    while i < bytes.len() {
        if let Some(length) = timestamp_at(&bytes[i..]) {
            out.push_str(&text[copied..i]);
            out.push_str("[TIMESTAMP]");
            i += length;
            copied = i;
        } else {
            i += 1;
        }
    }
    out.push_str(&text[copied..]);
    out
}

/// The length of the timestamp at the start of `bytes`, if one starts there.
fn timestamp_at(bytes: &[u8]) -> Option<usize> {
    const PATTERN: &[u8] = b"dddd-dd-dd?dd:dd:dd";
    if bytes.len() < PATTERN.len() {
        return None;
    }
    let fits = PATTERN.iter().zip(bytes).all(|(p, b)| match p {
        b'd' => b.is_ascii_digit(),
        b'?' => *b == b'T' || *b == b' ',
        _ => p == b,
    });
    if !fits {
        return None;
    }
    let mut length = PATTERN.len();
    if bytes.get(length) == Some(&b'.') {
        length += 1;
        while bytes.get(length).is_some_and(u8::is_ascii_digit) {
            length += 1;
        }
    }
    if bytes.get(length) == Some(&b'Z') {
        length += 1;
    }
    Some(length)
}

/// The hex digits right after each `marker` become `[SHA]`.
fn redact_hex_after(text: &str, marker: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(marker) {
        let (before, after) = rest.split_at(at + marker.len());
        out.push_str(before);
        let hex = after.bytes().take_while(u8::is_ascii_hexdigit).count();
        if hex > 0 {
            out.push_str("[SHA]");
        }
        rest = &after[hex..];
    }
    out.push_str(rest);
    out
}

/// One tag per line, so a diff shows the element that changed.
fn tag_lines(html: &str) -> String {
    html.replace("><", ">\n<")
}

#[test]
fn redaction_keeps_the_figures() {
    let text = "#1 2026-11-28T07:59:28.544022943Z x sha256 e5ddb2124e24… \
                \"checksum\":\"54b9af\" 2026-11-28 07:59:29 p 6,165391470248542e-12 2015-03";
    assert_eq!(
        redact(text),
        "#1 [TIMESTAMP] x sha256 [SHA]… \"checksum\":\"[SHA]\" [TIMESTAMP] p \
         6,165391470248542e-12 2015-03"
    );
}

#[test]
fn demo_output() {
    snapshot("demo", "buurtbeeld demo", &redact(&demo().output));
}

/// One test per command line: its stdout, redacted; and every table it draws fits a
/// terminal 100 columns wide.
macro_rules! command_snapshots {
    ($($name:ident: [$($arg:expr),+ $(,)?];)+) => {$(
        #[test]
        fn $name() {
            let args = [$($arg),+];
            let output = demo().workspace.ok(&args);
            snapshot(
                stringify!($name),
                &format!("buurtbeeld {}", args.join(" ")),
                &redact(&output),
            );
            assert_tables_fit(&args, 100);
        }
    )+};
}

/// Runs `args` in a terminal `columns` wide (`COLUMNS`) and checks every table line fits.
fn assert_tables_fit(args: &[&str], columns: usize) {
    let output = demo()
        .workspace
        .run_with_env(args, &[("COLUMNS", &columns.to_string())]);
    assert!(output.status.success(), "buurtbeeld {}", args.join(" "));
    let text = String::from_utf8(output.stdout).expect("UTF-8 output");
    for line in table_lines(&text) {
        assert!(
            line.chars().count() <= columns,
            "buurtbeeld {}: a table line of {} characters:\n{line}",
            args.join(" "),
            line.chars().count()
        );
    }
}

command_snapshots! {
    picture_gm0014_fietsdiefstal_2015_table:
        ["picture", "--area", "GM0014", "--theme", "fietsdiefstal", "--year", "2015", "--format", "table"];
    picture_gm0014_fietsdiefstal_2015_csv:
        ["picture", "--area", "GM0014", "--theme", "fietsdiefstal", "--year", "2015", "--format", "csv"];
    picture_gm0014_fietsdiefstal_2015_json:
        ["picture", "--area", "GM0014", "--theme", "fietsdiefstal", "--year", "2015", "--format", "json"];
    picture_wk001400_fietsdiefstal_2015_table:
        ["picture", "--area", "WK001400", "--theme", "fietsdiefstal", "--year", "2015"];
    picture_gm1581_totaal_2023_table:
        ["picture", "--area", "GM1581", "--theme", "totaal", "--year", "2023", "--format", "table"];
    picture_gm1581_totaal_2023_csv:
        ["picture", "--area", "GM1581", "--theme", "totaal", "--year", "2023", "--format", "csv"];
    picture_gm1581_totaal_2023_json:
        ["picture", "--area", "GM1581", "--theme", "totaal", "--year", "2023", "--format", "json"];
    picture_gm1581_woninginbraak_2023_03_json:
        ["picture", "--area", "GM1581", "--theme", "woninginbraak", "--year", "2023", "--month", "2023-03", "--format", "json"];

    hotspots_gm0014_fietsdiefstal_2015_table:
        ["hotspots", "--area", "GM0014", "--theme", "fietsdiefstal", "--period", "2015", "--format", "table"];
    hotspots_gm0014_fietsdiefstal_2015_csv:
        ["hotspots", "--area", "GM0014", "--theme", "fietsdiefstal", "--period", "2015", "--format", "csv"];
    hotspots_gm0014_fietsdiefstal_2015_json:
        ["hotspots", "--area", "GM0014", "--theme", "fietsdiefstal", "--period", "2015", "--format", "json"];

    forecast_gm0014_buurt_fietsdiefstal_2016_07_table:
        ["forecast", "--area", "GM0014", "--level", "buurt", "--theme", "fietsdiefstal", "--from", "2016-07", "--horizon", "6", "--format", "table"];
    forecast_gm0014_buurt_fietsdiefstal_2016_07_csv:
        ["forecast", "--area", "GM0014", "--level", "buurt", "--theme", "fietsdiefstal", "--from", "2016-07", "--horizon", "6", "--format", "csv"];
    forecast_gm0014_buurt_fietsdiefstal_2016_07_json:
        ["forecast", "--area", "GM0014", "--level", "buurt", "--theme", "fietsdiefstal", "--from", "2016-07", "--horizon", "6", "--format", "json"];

    backtest_gm0014_buurt_fietsdiefstal_2016_07_table:
        ["backtest", "--area", "GM0014", "--level", "buurt", "--theme", "fietsdiefstal", "--from", "2016-07", "--horizon", "1", "--format", "table"];
    backtest_gm0014_buurt_fietsdiefstal_2016_07_csv:
        ["backtest", "--area", "GM0014", "--level", "buurt", "--theme", "fietsdiefstal", "--from", "2016-07", "--horizon", "1", "--format", "csv"];
    backtest_gm0014_buurt_fietsdiefstal_2016_07_json:
        ["backtest", "--area", "GM0014", "--level", "buurt", "--theme", "fietsdiefstal", "--from", "2016-07", "--horizon", "1", "--format", "json"];

    effect_list: ["effect"];
    effect_lokfietsen_all_table:
        ["effect", "--intervention", "lokfietsen-stationsgebied-2015", "--method", "all", "--format", "table"];
    effect_lokfietsen_all_csv:
        ["effect", "--intervention", "lokfietsen-stationsgebied-2015", "--method", "all", "--format", "csv"];
    effect_lokfietsen_all_json:
        ["effect", "--intervention", "lokfietsen-stationsgebied-2015", "--method", "all", "--format", "json"];

    plan_table: ["plan", "--format", "table"];
    plan_json: ["plan", "--format", "json"];

    themes: ["themes"];
    themes_toml: ["themes", "--toml"];
    formats: ["formats"];
    log: ["log"];

    help: ["--help"];
    help_import: ["import", "--help"];
    help_picture: ["picture", "--help"];
    help_hotspots: ["hotspots", "--help"];
    help_forecast: ["forecast", "--help"];
    help_backtest: ["backtest", "--help"];
    help_demo: ["demo", "--help"];
    help_serve: ["serve", "--help"];
    help_plan: ["plan", "--help"];
    help_effect: ["effect", "--help"];
    help_report: ["report", "--help"];
    help_themes: ["themes", "--help"];
    help_log: ["log", "--help"];
    help_formats: ["formats", "--help"];
    help_series: ["series", "--help"];

    vis_gm0014_overlast_table: ["vis", "--area", "GM0014", "--theme", "overlast-jeugd"];
    near_repeat_gm0014_fietsdiefstal_2015_table: [
        "near-repeat", "--area", "GM0014", "--theme", "fietsdiefstal", "--from", "2015-01", "--to",
        "2015-12", "--permutations", "99"
    ];
    density_gm0014_fietsdiefstal_2015_table: [
        "density", "--area", "GM0014", "--theme", "fietsdiefstal", "--from", "2015-01", "--to",
        "2015-12"
    ];

    series_gm0014_fietsdiefstal_2015_table: [
        "series", "--area", "GM0014", "--category", "1.2.3", "--indeling", "2017", "--from", "2015",
        "--to", "2015"
    ];
}

/// One test per council document: `buurtbeeld report … --out X.html`, the HTML written.
macro_rules! document_snapshots {
    ($($name:ident: [$($arg:expr),+ $(,)?];)+) => {$(
        #[test]
        fn $name() {
            let out = tempfile::tempdir().expect("temp dir");
            let file = out.path().join("document.html");
            let file_arg = file.display().to_string();
            let mut args = vec!["report", $($arg),+];
            args.extend(["--out", file_arg.as_str()]);
            demo().workspace.ok(&args);
            let html = std::fs::read_to_string(&file).expect("document written");
            snapshot(
                stringify!($name),
                &format!("buurtbeeld {} X.html", args[..args.len() - 1].join(" ")),
                &tag_lines(&redact(&html)),
            );
        }
    )+};
}

document_snapshots! {
    report_veiligheidsbrief_html: ["veiligheidsbrief"];
    report_wijkprofiel_wk001400_html: ["wijkprofiel", "--area", "WK001400"];
    report_programma_2015_html: ["programma", "--year", "2015"];
}

/// The body of a GET on a server running on the demo store, which must answer 200.
pub(crate) fn fetch(path: &str) -> String {
    let server = Server::start(&demo().workspace);
    let (status, body) = server.get(path);
    assert_eq!(status, 200, "GET {path}: {body}");
    body
}

/// One test per dashboard page, from a running `buurtbeeld serve`.
macro_rules! page_snapshots {
    ($($name:ident: $path:expr;)+) => {$(
        #[test]
        fn $name() {
            let html = fetch($path);
            snapshot(stringify!($name), &format!("GET {}", $path), &tag_lines(&redact(&html)));
        }
    )+};
}

page_snapshots! {
    page_overview: "/";
    page_overview_gm1581: "/?gemeente=GM1581";
    page_gemeente_gm0014: "/gebied/GM0014?jaar=2015";
    page_gemeente_gm1581: "/gebied/GM1581";
    page_wijk_wk001400: "/gebied/WK001400";
    page_buurt_bu00140008: "/gebied/BU00140008";
    page_theme_fietsdiefstal: "/thema/fietsdiefstal?gemeente=GM0014";
    page_data: "/gegevens";
    page_hotspots: "/actie";
    page_outlook: "/vooruitblik";
    page_outlook_bu00140008: "/vooruitblik?gemeente=GM0014&thema=fietsdiefstal&gebied=BU00140008";
    page_plan: "/plan";
    page_plan_actions: "/plan/acties";
    page_plan_actions_2015: "/plan/acties?plan=voorbeeldplan-groningen-2014-2017&jaar=2015";
    page_plan_budget: "/plan/begroting";
    page_plan_budget_2015: "/plan/begroting?plan=voorbeeldplan-groningen-2014-2017&jaar=2015";
    page_interventions: "/interventies";
    page_intervention_lokfietsen: "/interventie/lokfietsen-stationsgebied-2015";
}

/// One test per API answer, its bytes as served (redacted).
macro_rules! api_snapshots {
    ($($name:ident: $path:expr;)+) => {$(
        #[test]
        fn $name() {
            let body = fetch($path);
            snapshot(stringify!($name), &format!("GET {}", $path), &redact(&body));
        }
    )+};
}

api_snapshots! {
    api_openapi: "/api/v1/openapi.json";
    api_areas_gm0014: "/api/v1/areas?parent=GM0014";
    api_area_bu00140008: "/api/v1/areas/BU00140008";
    api_themes: "/api/v1/themes";
    api_imports: "/api/v1/imports";
    api_peers_gm1581_woninginbraak_2024: "/api/v1/peers?gemeente=GM1581&theme=woninginbraak&year=2024";
    api_picture_gm0014_fietsdiefstal_2015: "/api/v1/picture?area=GM0014&theme=fietsdiefstal&year=2015";
    api_series_wk001400_fietsdiefstal: "/api/v1/series?area=WK001400&theme=fietsdiefstal";
    api_rankings_gm0014_fietsdiefstal_2015: "/api/v1/rankings?area=GM0014&theme=fietsdiefstal&year=2015";
    api_hotspots_gm0014_fietsdiefstal_2015: "/api/v1/hotspots?area=GM0014&theme=fietsdiefstal&period=2015";
    api_forecasts_gm0014_fietsdiefstal: "/api/v1/forecasts?area=GM0014&theme=fietsdiefstal&from=2016-07";
    api_backtests_gm0014_fietsdiefstal: "/api/v1/backtests?area=GM0014&theme=fietsdiefstal&from=2016-07";
    api_plan: "/api/v1/plans/voorbeeldplan-groningen-2014-2017";
    api_interventions: "/api/v1/interventions";
    api_intervention_effect: "/api/v1/interventions/lokfietsen-stationsgebied-2015/effect";
}
