//! The import batch: what an input file says, as plain data, handed from ingest to the store.

use std::collections::BTreeMap;

use crate::{
    ActionSet, AreaCode, AreaLevel, BudgetYear, CategoryCode, Frequency, IncidentBatch,
    Intervention, Plan, Series, Theme,
};

/// Where a batch came from; becomes one row of the import log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceInfo {
    /// The file as the user named it.
    pub file: String,
    /// Detected or chosen input kind, e.g. `politie-coded-csv`.
    pub kind: String,
    /// The published table, e.g. `47022NED`, or `BVH` for a police incident export.
    pub table_id: String,
    /// Release or vintage label as given by the user or the file; empty when unknown.
    pub release: String,
    /// SHA-256 of the file's bytes: re-importing the same bytes is a no-op.
    pub checksum: String,
    /// Data rows read from the file.
    pub rows: u64,
    /// Who imported it, as the user gave it (`--by`) or the login name.
    pub imported_by: String,
}

/// An area the file names, with what the file or the code lists say about it.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaRecord {
    pub code: AreaCode,
    pub name: String,
    pub level: AreaLevel,
    pub parent: Option<AreaCode>,
    /// The year of the CBS wijk- en buurtindeling the code belongs to, when known.
    pub indeling_year: Option<i32>,
    /// GeoJSON geometry in WGS84 (RFC 7946), when the file has one.
    pub geometry: Option<String>,
    /// Whether this record may overwrite what the store knows. Names taken from code lists for
    /// areas a counts file mentions are not; a boundary file's are.
    pub authoritative: bool,
}

/// Identifies one series: one source table, area, category and frequency.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SeriesKey {
    pub source: String,
    pub area: AreaCode,
    pub category: CategoryCode,
    pub frequency: Frequency,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PopulationRecord {
    pub area: AreaCode,
    pub year: i32,
    /// `None` when the source marks the figure secret or missing.
    pub inhabitants: Option<u32>,
    pub source: String,
}

/// A police crime category from the `SoortMisdrijf` code list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryRecord {
    pub code: CategoryCode,
    /// Label without the leading code, e.g. `Diefstal/inbraak woning`.
    pub label: String,
    /// The code list's description: the police incident codes it rolls up.
    pub description: String,
}

/// One row of the police incident code → `SoortMisdrijf` mapping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentCodeRecord {
    pub incident_code: String,
    pub label: String,
    pub category: CategoryCode,
}

/// Everything one input file contributes. Cells are grouped per series so the store can write
/// whole series at once.
#[derive(Debug, Default)]
pub struct ImportBatch {
    pub source: Option<SourceInfo>,
    pub areas: Vec<AreaRecord>,
    pub categories: Vec<CategoryRecord>,
    pub series: BTreeMap<SeriesKey, Series>,
    pub population: Vec<PopulationRecord>,
    /// `Some` replaces the whole theme set.
    pub themes: Option<Vec<Theme>>,
    /// `Some` replaces the whole incident code mapping.
    pub incident_codes: Option<Vec<IncidentCodeRecord>>,
    /// Each replaces the plan of its id.
    pub plans: Vec<Plan>,
    /// Each replaces its plan's action points of its year.
    pub actions: Vec<ActionSet>,
    /// Each replaces its plan's budget of its year.
    pub budgets: Vec<BudgetYear>,
    /// Each replaces the intervention of its id.
    pub interventions: Vec<Intervention>,
    /// Single registrations with their points (BVH, enforcement, resident reports).
    pub incidents: IncidentBatch,
    /// Human-readable remarks for the import summary (e.g. incidents outside every buurt).
    pub notes: Vec<String>,
}

impl ImportBatch {
    pub fn cell_count(&self) -> usize {
        self.series.values().map(Series::len).sum()
    }
}
