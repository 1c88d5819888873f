//! Readers for the input formats buurtbeeld accepts, as they are published: CBS/Politie coded
//! CSV, portal CSV and OData JSON (47022NED, 47018NED), also as downloaded from StatLine with
//! title and footer lines, CBS kerncijfers population, CBS wijk- en buurtkaart as GeoJSON,
//! Shapefile or GeoPackage, police BVH incident exports, Signalen meldingen (CSV exports and the
//! public GeoJSON), registrations read through a mapping file (enforcement, camera, Halt; CSV or
//! XLSX), and buurtbeeld's own theme and incident-code
//! files. This is the only crate that knows input formats.
//!
//! Every reader turns one file into an `ImportBatch` or an `ImportError` listing every problem
//! with file, line and field. Readers do not touch the store: what they need from it comes in a
//! `Context`.

mod actions;
mod address_lookup;
mod area_features;
mod areas;
mod areas_geopackage;
mod areas_shapefile;
mod budget;
mod bvh;
mod codelists;
mod cube_builder;
mod defaults;
mod detect;
mod export;
mod incident_codes;
mod interventions;
mod mapped;
mod mapping;
mod personal;
mod personal_values;
mod plan;
mod politie;
mod population;
mod problem;
mod registrations;
mod signalen;
pub use buurtbeeld_cube::rd;
mod statline;
mod text;
mod themes;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::Path;

use buurtbeeld_cube::{AreaCode, CategoryCode, ImportBatch, Plan, SourceInfo};
use sha2::{Digest, Sha256};

pub use codelists::code_lists;
pub use defaults::{default_batch, DEFAULT_THEMES_TOML};
pub use detect::InputKind;
pub use export::{actions_toml, budget_csv, plan_toml};
pub use problem::{ImportError, Problem, MAX_PROBLEMS};
pub use themes::themes_to_toml;

/// What the store knows that a reader needs.
#[derive(Debug, Default, Clone)]
pub struct Context {
    /// Area codes already in the store (e.g. from an older indeling's boundary file).
    pub known_areas: BTreeSet<AreaCode>,
    /// Buurt polygons (GeoJSON, WGS84) for placing incidents.
    pub buurt_geometries: Vec<(AreaCode, String)>,
    /// Police incident code → category.
    pub incident_codes: Vec<(String, CategoryCode)>,
    /// buurtbeeld theme ids, which plan KPIs may measure.
    pub theme_ids: BTreeSet<String>,
    /// Plans by id, which action and budget files refer to.
    pub plans: BTreeMap<String, Plan>,
}

/// Choices the user made on the command line.
#[derive(Debug, Default, Clone)]
pub struct ReadOptions {
    /// Overrides format detection.
    pub kind: Option<InputKind>,
    /// Release or vintage label to record, e.g. `2024-03`.
    pub release: String,
    /// Overrides the table id the reader infers.
    pub table_id: Option<String>,
    /// The year of a population or boundary file that does not say it.
    pub year: Option<i32>,
    /// Who imports, for the import log.
    pub imported_by: String,
    /// The mapping file of a file of registrations (docs/registraties-mapping.md), instead of
    /// the one beside it (`<data file stem>.mapping.toml`).
    pub mapping: Option<std::path::PathBuf>,
    /// The name pages give a registration source, instead of the reader's default (Signalen)
    /// or the mapping file's `name`; e.g. to mark an export as a test or synthetic set.
    pub source_name: Option<String>,
}

/// The file being read.
#[derive(Debug)]
pub(crate) struct Input<'a> {
    pub name: &'a str,
    pub kind: InputKind,
    pub delimiter: u8,
}

impl Input<'_> {
    pub(crate) fn source_info(
        &self,
        kind: &str,
        table_id: &str,
        options: &ReadOptions,
        rows: u64,
    ) -> SourceInfo {
        SourceInfo {
            file: self.name.to_owned(),
            kind: kind.to_owned(),
            table_id: table_id.to_owned(),
            release: options.release.clone(),
            // Filled in by `read_file` once every byte has been hashed.
            checksum: String::new(),
            rows,
            imported_by: options.imported_by.clone(),
        }
    }
}

/// Hashes what passes through, so a streamed file is checksummed in the same read.
struct HashingReader<R> {
    inner: R,
    hasher: Sha256,
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

/// How many bytes format detection looks at.
const HEAD_BYTES: usize = 64 * 1024;

/// The format of a file, as `read_file` would detect it; `None` when it cannot tell.
pub fn detect_kind(path: &Path, options: &ReadOptions) -> Option<InputKind> {
    if options.kind.is_some() {
        return options.kind;
    }
    if let Some(kind) = mapped::registration_kind(path, options) {
        return Some(kind);
    }
    let mut head = Vec::with_capacity(HEAD_BYTES);
    std::fs::File::open(path)
        .ok()?
        .take(HEAD_BYTES as u64)
        .read_to_end(&mut head)
        .ok()?;
    detect::detect("", path, &head).ok().map(|(kind, _)| kind)
}

impl InputKind {
    /// Whether files of this kind define what files of other kinds refer to (boundaries,
    /// themes, incident codes, plans), so that they are read first in one import.
    pub fn is_reference(self) -> bool {
        matches!(
            self,
            InputKind::AreasGeojson
                | InputKind::AreasShapefile
                | InputKind::AreasGeopackage
                | InputKind::ThemesToml
                | InputKind::IncidentCodesCsv
                | InputKind::PlanToml
        )
    }
}

/// Reads one file into a batch. `name` is how problems refer to the file.
pub fn read_file(
    path: &Path,
    name: &str,
    options: &ReadOptions,
    context: &Context,
) -> Result<ImportBatch, ImportError> {
    let fail = |message: String| problem::Problems::new(name).fatal(None, None, message);
    let mut file =
        std::fs::File::open(path).map_err(|e| fail(format!("kan het bestand niet openen: {e}")))?;
    let mut head = vec![0; HEAD_BYTES];
    let mut filled = 0;
    while filled < head.len() {
        match file.read(&mut head[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) => return Err(fail(format!("kan het bestand niet lezen: {e}"))),
        }
    }
    head.truncate(filled);
    if head.iter().all(u8::is_ascii_whitespace) {
        return Err(fail("het bestand is leeg".to_owned()));
    }
    let (kind, delimiter) = match options.kind {
        Some(kind) => (kind, detect::header_delimiter(&head)),
        None => match mapped::registration_kind(path, options) {
            Some(kind) => (kind, detect::header_delimiter(&head)),
            None => detect::detect(name, path, &head)?,
        },
    };
    let input = Input {
        name,
        kind,
        delimiter,
    };
    // Binary formats are read from their path: a Shapefile's attributes and coordinate system
    // are in the files beside it, and SQLite opens a GeoPackage itself. Each computes its own
    // checksum.
    match kind {
        InputKind::AreasShapefile => return areas_shapefile::read(&input, path, options),
        InputKind::AreasGeopackage => return areas_geopackage::read(&input, path, options),
        // signals.csv refers to locations.csv and categories.csv beside it; the checksum covers
        // all three.
        InputKind::SignalenDatawarehouseCsv => {
            return signalen::read_datawarehouse(&input, path, options, context)
        }
        // Read with their mapping and lookup files, whose bytes the checksum covers too.
        InputKind::RegistrationsCsv | InputKind::RegistrationsXlsx => {
            return mapped::read(&input, path, options, context)
        }
        _ => {}
    }
    // The threshold can be lowered so that tests run the parallel path on small files.
    let threshold = std::env::var("BUURTBEELD_PARALLEL_MIN_BYTES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(politie::PARALLEL_BYTES);
    let large = file.metadata().is_ok_and(|m| m.len() >= threshold);
    if kind == InputKind::PolitieCodedCsv && large {
        if let Some((mut batch, checksum)) =
            politie::read_coded_csv_parallel(&input, path, &head, options, context)
        {
            if let Some(source) = batch.source.as_mut() {
                source.checksum = checksum;
            }
            return Ok(batch);
        }
    }
    let mut reader = HashingReader {
        inner: std::io::Cursor::new(head).chain(file),
        hasher: Sha256::new(),
    };
    let mut batch = if kind == InputKind::PolitieCodedCsv {
        // Streamed: a national file is several GiB.
        let batch = politie::read_coded_csv(&input, &mut reader, options, context)?;
        // Hash any bytes the CSV reader did not need (none for a complete file).
        std::io::copy(&mut reader, &mut std::io::sink())
            .map_err(|e| fail(format!("kan het bestand niet lezen: {e}")))?;
        batch
    } else {
        let mut bytes = Vec::new();
        reader
            .read_to_end(&mut bytes)
            .map_err(|e| fail(format!("kan het bestand niet lezen: {e}")))?;
        match kind {
            InputKind::PolitieCodedCsv => unreachable!("streamed above"),
            InputKind::PolitiePortalCsv => {
                politie::read_portal_csv(&input, &bytes, options, context)?
            }
            InputKind::PolitieOdataJson => {
                politie::read_odata_json(&input, &bytes, options, context)?
            }
            InputKind::PopulationCsv => population::read_csv(&input, &bytes, options, context)?,
            InputKind::PopulationOdataJson => {
                population::read_odata_json(&input, &bytes, options, context)?
            }
            InputKind::AreasGeojson => areas::read_geojson(&input, &bytes, options)?,
            InputKind::AreasShapefile
            | InputKind::AreasGeopackage
            | InputKind::RegistrationsCsv
            | InputKind::RegistrationsXlsx => {
                unreachable!("read from their path above")
            }
            InputKind::BvhIncidents => bvh::read(&input, &bytes, options, context)?,
            InputKind::ThemesToml => themes::read(&input, &bytes, options)?,
            InputKind::IncidentCodesCsv => incident_codes::read(&input, &bytes, options)?,
            InputKind::PlanToml => plan::read(&input, &bytes, options, context)?,
            InputKind::ActionsToml => actions::read(&input, &bytes, options, context)?,
            InputKind::InterventionToml => interventions::read(&input, &bytes, options, context)?,
            InputKind::BudgetCsv => budget::read(&input, &bytes, options, context)?,
            InputKind::SignalenCsv => signalen::read_flat_csv(&input, &bytes, options, context)?,
            InputKind::SignalenGeojson => signalen::read_geojson(&input, &bytes, options, context)?,
            InputKind::SignalenDatawarehouseCsv => unreachable!("read from its path above"),
        }
    };
    let checksum = text::hex(&reader.hasher.finalize());
    if let Some(source) = batch.source.as_mut() {
        source.checksum = checksum;
    }
    Ok(batch)
}
