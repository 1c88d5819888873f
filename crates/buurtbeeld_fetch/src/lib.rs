//! Downloads a gemeente's official data from CBS (the police tables on dataderden.cbs.nl, the
//! kerncijfers tables found through the catalogue) and PDOK (buurt boundaries) into files that
//! buurtbeeld's importers read. The only crate that does network IO for data (the server's
//! OpenID Connect client aside).
//!
//! A fetch has two steps. [`plan`] reads only metadata (each table's `TableInfos`, the
//! catalogue, PDOK's collection) and leaves out every file whose release the import log already
//! has. [`download`] then writes each remaining file: all pages of one request merged into one
//! document (an OData page with one `value` array, or one GeoJSON FeatureCollection) under
//! `<data-dir>/fetch/<table>/<release>/`, written under a temporary name and renamed when the
//! last page is in. A file already at its final name and whole is not downloaded again, so an
//! interrupted fetch resumes where it stopped. Parsing the data is left to the importers.

mod download;
mod http;
mod sources;

use std::path::{Path, PathBuf};
use std::time::Duration;

use buurtbeeld_store::ImportLogEntry;

pub use http::{Client, RetryPolicy};
pub use sources::{KERNCIJFERS_TITLE, POLICE_MONTHLY, POLICE_YEARLY};

/// Where the services live. [`Endpoints::official`] are CBS's and PDOK's; tests and mirrors
/// serve all three from one base ([`Endpoints::at`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    /// Police tables: `ODataApi/OData/<table>/TableInfos` for the release and
    /// `ODataFeed/odata/<table>/TypedDataSet` for the data (the feed pages past 10.000 rows with
    /// `odata.nextLink`; the API refuses such requests).
    pub politie: String,
    /// CBS's own tables: `ODataCatalog/Tables`, `ODataApi/OData/…`, `ODataFeed/odata/…`.
    pub cbs: String,
    /// PDOK's OGC API Features: `cbs/wijken-en-buurten-<year>/ogc/v1/…`.
    pub pdok: String,
}

impl Endpoints {
    pub fn official() -> Endpoints {
        Endpoints {
            politie: "https://dataderden.cbs.nl/".to_owned(),
            cbs: "https://opendata.cbs.nl/".to_owned(),
            pdok: "https://api.pdok.nl/".to_owned(),
        }
    }

    /// All three services under one base URL (a mirror, or a test's replay server).
    pub fn at(base: &str) -> Endpoints {
        let base = if base.ends_with('/') {
            base.to_owned()
        } else {
            format!("{base}/")
        };
        Endpoints {
            politie: base.clone(),
            cbs: base.clone(),
            pdok: base,
        }
    }
}

/// Whose data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// One gemeente (`GM1581`): its wijken and buurten monthly, itself and Nederland yearly,
    /// population per buurt, buurt boundaries.
    Gemeente(String),
    /// Every gemeente and Nederland yearly, with population per gemeente; no buurt data.
    Nederland,
}

/// What to fetch, from where, into which data directory.
#[derive(Debug, Clone)]
pub struct FetchRequest {
    pub scope: Scope,
    /// The first year wanted (police periods and population tables).
    pub from: i32,
    pub data_dir: PathBuf,
    pub endpoints: Endpoints,
}

/// How a downloaded file is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One OData page: `{"odata.metadata": …, "value": [...]}`.
    OdataJson,
    /// One GeoJSON FeatureCollection.
    FeatureCollection,
}

/// What a downloaded file holds, which tells the importer how to read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Content {
    /// Registered crimes (47022NED, 47018NED).
    Police,
    /// Inhabitants of a kerncijfers table; its year is [`PlannedFile::year`].
    Population,
    /// Buurt boundaries of the indeling of [`PlannedFile::year`].
    Boundaries,
}

/// One file a fetch downloads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedFile {
    /// The table or dataset: `47022NED`, `85984NED`, `wijken-en-buurten-2024`.
    pub table: String,
    /// Its title as the source gives it.
    pub title: String,
    /// The release as the source states it (CBS: `Modified`; PDOK: the dataset).
    pub release: String,
    /// The year a population or boundary file is about.
    pub year: Option<i32>,
    pub content: Content,
    pub format: Format,
    pub url: String,
    /// Where it is written: `<data-dir>/fetch/<table>/<release>/<name>`.
    pub path: PathBuf,
}

/// What [`plan`] found: the files to download, and those whose release is already imported.
#[derive(Debug, Clone)]
pub struct Plan {
    pub files: Vec<PlannedFile>,
    pub up_to_date: Vec<PlannedFile>,
}

/// A file on disk after [`download`].
#[derive(Debug, Clone)]
pub struct Downloaded {
    pub file: PlannedFile,
    /// Complete from an earlier, interrupted fetch; not downloaded again.
    pub reused: bool,
}

/// What the fetch is doing, for a progress display.
#[derive(Debug)]
pub enum FetchEvent<'a> {
    /// A request is sent (`attempt` counts from 1).
    Request { url: &'a str, attempt: u32 },
    /// An attempt failed and will be repeated after `wait`.
    Retry {
        url: &'a str,
        attempt: u32,
        wait: Duration,
        reason: &'a str,
    },
    /// Bytes of a body arrived.
    Bytes(u64),
    /// A page is in; `records` counts all records of the file so far.
    Page { number: u32, records: u64 },
    /// A file's download begins.
    FileStarted { file: &'a PlannedFile },
    /// A file is complete at its final name.
    FileDone { path: &'a Path, records: u64 },
    /// A complete file of an earlier fetch is used as it is.
    FileReused { path: &'a Path },
}

/// Why a fetch stopped. The messages are Dutch: the command line shows them as they are.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("{url}: na {attempts} pogingen opgegeven; laatste fout: {reason}")]
    GaveUp {
        url: String,
        attempts: u32,
        reason: String,
    },
    #[error("{0}: niet gevonden (HTTP 404)")]
    NotFound(String),
    #[error("{url}: de server weigert het verzoek ({status})")]
    Status { url: String, status: String },
    #[error("{url}: geen geldige JSON ({reason})")]
    NotJson { url: String, reason: String },
    #[error("{url}: verwacht {expected}")]
    NotAPage { url: String, expected: &'static str },
    #[error("{url}: het veld {field} ontbreekt of is leeg")]
    MissingField { url: String, field: String },
    #[error("{url}: de volgende pagina staat op een andere server; die wordt niet gevolgd")]
    ForeignNextLink { url: String },
    #[error("{}: schrijven mislukt: {reason}", .path.display())]
    Io { path: PathBuf, reason: String },
    #[error("de HTTP-client kon niet worden gemaakt: {0}")]
    Client(String),
}

/// The part of a fetched file's path that the import log is searched for:
/// `fetch/<table>/<release>/<name>`.
fn log_suffix(file: &PlannedFile, data_dir: &Path) -> PathBuf {
    file.path
        .strip_prefix(data_dir)
        .map_or_else(|_| file.path.clone(), Path::to_path_buf)
}

/// Whether the import log has this file of this release.
fn imported(file: &PlannedFile, data_dir: &Path, log: &[ImportLogEntry]) -> bool {
    let suffix = log_suffix(file, data_dir);
    log.iter()
        .any(|entry| entry.release == file.release && Path::new(&entry.file).ends_with(&suffix))
}

/// Reads the sources' metadata and lists the files to download: every file of `request` whose
/// release `log` (the store's import log) does not have yet. Downloads no data.
pub fn plan(
    client: &Client<'_>,
    request: &FetchRequest,
    log: &[ImportLogEntry],
) -> Result<Plan, FetchError> {
    let (up_to_date, files) = sources::planned_files(client, request)?
        .into_iter()
        .partition(|file| imported(file, &request.data_dir, log));
    Ok(Plan { files, up_to_date })
}

/// Downloads the planned files, reusing those an earlier fetch completed. Stops at the first
/// file that cannot be downloaded; the files completed before it stay for the next run.
pub fn download(
    client: &Client<'_>,
    request: &FetchRequest,
    files: &[PlannedFile],
) -> Result<Vec<Downloaded>, FetchError> {
    let mut done = Vec::with_capacity(files.len());
    for file in files {
        if download::is_whole(&file.path, file.format) {
            client.report(&FetchEvent::FileReused { path: &file.path });
            done.push(Downloaded {
                file: file.clone(),
                reused: true,
            });
            continue;
        }
        client.report(&FetchEvent::FileStarted { file });
        let url = sources::resolve_url(client, request, file)?;
        download::download(client, &url, file.format, &file.path)?;
        done.push(Downloaded {
            file: PlannedFile {
                url,
                ..file.clone()
            },
            reused: false,
        });
    }
    Ok(done)
}

/// The default client: five attempts, the first retry after a second (`first_wait` lets tests
/// wait less), ten minutes per request (one page) at most.
pub fn client<'a>(
    first_wait: Duration,
    progress: &'a dyn Fn(&FetchEvent<'_>),
) -> Result<Client<'a>, FetchError> {
    Client::new(
        RetryPolicy {
            first_wait,
            ..RetryPolicy::default()
        },
        Duration::from_secs(600),
        progress,
    )
}
