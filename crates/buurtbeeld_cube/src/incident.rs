//! Single registrations at point level: a police incident, an enforcement registration (BOA's,
//! handhaving) or a resident report (meldingen openbare ruimte), kept without anything that
//! names or describes a person: a source, a category, a day, a buurt and, where the file has
//! one, a point.

use std::fmt;

use crate::{AreaCode, Day};

/// What kind of organisation registers what a source holds; the VIS shows one column per kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    /// Police registrations (BVH).
    Politie,
    /// The municipality's enforcement: BOA's, toezicht, camera observations.
    Handhaving,
    /// Resident reports, e.g. meldingen openbare ruimte in Signalen.
    Meldingen,
    /// Anything else with a date, a category and a place (Halt referrals, youth-work contacts).
    Overig,
}

impl SourceKind {
    pub const ALL: [SourceKind; 4] = [
        SourceKind::Politie,
        SourceKind::Handhaving,
        SourceKind::Meldingen,
        SourceKind::Overig,
    ];

    /// The key the store and the files use.
    pub fn key(self) -> &'static str {
        match self {
            SourceKind::Politie => "politie",
            SourceKind::Handhaving => "handhaving",
            SourceKind::Meldingen => "meldingen",
            SourceKind::Overig => "overig",
        }
    }

    pub fn parse(key: &str) -> Option<SourceKind> {
        SourceKind::ALL.into_iter().find(|kind| kind.key() == key)
    }

    /// How pages and documents name what the kind registers.
    pub fn dutch(self) -> &'static str {
        match self {
            SourceKind::Politie => "Politieregistraties",
            SourceKind::Handhaving => "Handhaving",
            SourceKind::Meldingen => "Meldingen van bewoners",
            SourceKind::Overig => "Overige registraties",
        }
    }
}

impl fmt::Display for SourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// A source of registrations, e.g. `signalen` (meldingen), `handhaving`, `BVH` (politie).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct IncidentSource {
    /// Short identifier: lower-case letters, digits and '-', or `BVH`.
    pub id: String,
    pub kind: SourceKind,
    /// Dutch name for pages, e.g. `Meldingen openbare ruimte (Signalen)`.
    pub name: String,
}

/// A point in RD New (EPSG:28992), in metres, rounded to whole metres on import.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct RdPoint {
    pub x: f64,
    pub y: f64,
}

/// One registration as the store keeps it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct IncidentRecord {
    /// The source's own category key, e.g. `1.2.3` for BVH or
    /// `overlast-van-en-door-personen-of-groepen/jongerenoverlast` for Signalen.
    pub category: String,
    pub day: Day,
    /// The buurt it lies in (point-in-polygon, a buurt code in the file, or an address lookup).
    pub area: AreaCode,
    /// Where the file gave coordinates or an address that the lookup file places.
    pub point: Option<RdPoint>,
    /// The source's own id of the record (a Signalen melding number, a registration number),
    /// when the file has one: a later export of the same source replaces the record of the
    /// same id instead of counting it twice. Never a person's identifier.
    pub external_id: Option<String>,
}

/// A category of a source with its Dutch label and, where the source has two levels, the main
/// category it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SourceCategoryRecord {
    pub code: String,
    pub label: String,
    pub main: Option<String>,
}

/// What a file of registrations contributes, beside the counts it may also give as series.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct IncidentBatch {
    pub source: Option<IncidentSource>,
    /// Categories the file defines or uses; replaces the labels of the same codes.
    pub categories: Vec<SourceCategoryRecord>,
    pub incidents: Vec<IncidentRecord>,
}
