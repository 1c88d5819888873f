//! Resident reports (meldingen openbare ruimte) from Signalen, the open-source system of Gemeente
//! Amsterdam that about twenty gemeenten use: its reporting CSVs (the flat export of the
//! `signals_ext_tdo` view, and the datawarehouse dump of `signals.csv` with `locations.csv` and
//! `categories.csv` beside it) and the public GeoJSON of its API. Each melding keeps its id, the
//! day it was made, its category `<main_slug>/<sub_slug>` and its point, placed in its buurt;
//! free text, reporter details, free answers and addresses are dropped on reading and the
//! summary says which columns were. The accepted columns are in `docs/registraties.md`.

mod categories;
mod csv_files;
mod geojson;
mod values;

use std::collections::BTreeMap;

use buurtbeeld_cube::dutch::{decimal, integer};
use buurtbeeld_cube::{
    AreaCode, AreaLevel, Day, ImportBatch, IncidentRecord, IncidentSource, RdPoint,
    SourceCategoryRecord, SourceKind,
};

use crate::registrations::BuurtLocator;
use crate::text;
use crate::ReadOptions;

pub(crate) use csv_files::{read_datawarehouse, read_flat_csv};
pub(crate) use geojson::read_geojson;

/// The source id meldingen are stored under.
pub(crate) const SOURCE: &str = "signalen";

/// Why a column the reader does not use is dropped, as the summary says it.
pub(crate) fn drop_reason(column: &str) -> &'static str {
    let name = column.trim().to_lowercase();
    let name = name.trim_start_matches('_');
    match name {
        "text" | "text_extra" | "notes" | "note" | "toelichting" | "omschrijving" => "vrije tekst",
        "reporter_id" | "reporter" | "email" | "phone" | "sharing_allowed" | "is_anonymized"
        | "melder" | "allows_contact" => "melder",
        "extra_properties" => "vrije antwoorden op vervolgvragen",
        n if n.starts_with("reporter") || n.starts_with("melder") => "melder",
        n if n.starts_with("address") || n == "adres" => "adres",
        _ if crate::personal::personal_field(column).is_some() => "persoonsgegevens",
        _ => "niet nodig",
    }
}

/// The columns of a file that are not read, grouped by why, for the summary.
pub(crate) fn dropped_note(file: &str, dropped: &[String]) -> Option<String> {
    if dropped.is_empty() {
        return None;
    }
    let mut by_reason: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for column in dropped {
        by_reason
            .entry(drop_reason(column))
            .or_default()
            .push(column.as_str());
    }
    let parts: Vec<String> = by_reason
        .iter()
        .map(|(reason, columns)| format!("{} ({reason})", columns.join(", ")))
        .collect();
    Some(format!(
        "{file}: niet opgeslagen kolommen: {}",
        parts.join("; ")
    ))
}

/// One melding as read, before it is placed.
pub(crate) struct Melding {
    pub external_id: Option<String>,
    pub day: Day,
    pub main_slug: String,
    pub sub_slug: String,
    /// The names the file gives, if any.
    pub main_name: Option<String>,
    pub sub_name: Option<String>,
    pub place: Place,
}

/// Where a melding is.
pub(crate) enum Place {
    Point(RdPoint),
    /// A buurt code from the file, for a melding without a point.
    Buurt(AreaCode),
}

/// Meldingen collected from one file, with what the summary says about them.
pub(crate) struct Collected {
    meldingen: Vec<Melding>,
    /// Summary lines the file's reader adds (dropped columns, the public map's limits).
    pub notes: Vec<String>,
}

impl Collected {
    pub(crate) fn new() -> Collected {
        Collected {
            meldingen: Vec::new(),
            notes: Vec::new(),
        }
    }

    pub(crate) fn push(&mut self, melding: Melding) {
        self.meldingen.push(melding);
    }

    pub(crate) fn len(&self) -> usize {
        self.meldingen.len()
    }

    /// The batch: meldingen placed in their buurt, the categories they use with Dutch labels
    /// (the file's names first, else the shipped list, else the slug), and the summary.
    pub(crate) fn into_batch(self, buurten: &BuurtLocator, options: &ReadOptions) -> ImportBatch {
        let shipped = categories::shipped();
        let mut used: BTreeMap<String, SourceCategoryRecord> = BTreeMap::new();
        let mut unknown: BTreeMap<String, u64> = BTreeMap::new();
        let mut incidents = Vec::with_capacity(self.meldingen.len());
        let mut outside = 0u64;
        let rows = self.meldingen.len() as u64;
        for melding in self.meldingen {
            let code = format!("{}/{}", melding.main_slug, melding.sub_slug);
            if !used.contains_key(&code) {
                let known = shipped.get(code.as_str());
                if known.is_none() {
                    unknown.insert(code.clone(), 0);
                }
                let label = melding
                    .sub_name
                    .clone()
                    .or_else(|| known.map(|k| k.sub.to_owned()))
                    .unwrap_or_else(|| melding.sub_slug.clone());
                let main = melding
                    .main_name
                    .clone()
                    .or_else(|| known.map(|k| k.main.to_owned()))
                    .unwrap_or_else(|| melding.main_slug.clone());
                used.insert(
                    code.clone(),
                    SourceCategoryRecord {
                        code: code.clone(),
                        label,
                        main: Some(main),
                    },
                );
            }
            if let Some(n) = unknown.get_mut(&code) {
                *n += 1;
            }
            let (area, point) = match melding.place {
                Place::Point(point) => {
                    let area = buurten.buurt_of(point).clone();
                    outside += u64::from(area.is_unknown());
                    (area, Some(point))
                }
                Place::Buurt(code) => (code, None),
            };
            incidents.push(IncidentRecord {
                category: code,
                day: melding.day,
                area,
                point,
                external_id: melding.external_id,
            });
        }
        let mut batch = ImportBatch::default();
        batch.incidents.source = Some(IncidentSource {
            id: SOURCE.to_owned(),
            kind: SourceKind::Meldingen,
            name: options
                .source_name
                .clone()
                .unwrap_or_else(|| "Meldingen openbare ruimte (Signalen)".to_owned()),
        });
        batch.incidents.categories = used.into_values().collect();
        batch.incidents.incidents = incidents;
        let placed = rows - outside;
        batch.notes.push(format!(
            "{} van {} in een buurt geplaatst ({}%); {} buiten alle buurtgrenzen, geteld als \
             onbekend ({})",
            integer(placed),
            text::count(rows, "melding", "meldingen"),
            decimal(100.0 * placed as f64 / rows.max(1) as f64, 2),
            integer(outside),
            AreaCode::unknown(AreaLevel::Buurt)
        ));
        if !unknown.is_empty() {
            let listed: Vec<String> = unknown
                .iter()
                .map(|(code, n)| format!("{code} ({})", integer(*n)))
                .collect();
            batch.notes.push(format!(
                "categorieën die niet in de meegeleverde Signalen-lijst staan (deze gemeente heeft \
                 ze zelf toegevoegd of hernoemd), bewaard met het label uit het bestand of de slug: \
                 {}; koppel ze in themes.toml onder [theme.sources] signalen aan een thema",
                listed.join(", ")
            ));
        }
        batch.notes.extend(self.notes);
        batch
    }
}

/// The refusal for a file read before the store has buurt boundaries.
pub(crate) const NO_BOUNDARIES: &str =
    "de opslag heeft geen buurtgrenzen om meldingen in te plaatsen: lees eerst de CBS wijk- en \
     buurtkaart (buurt-GeoJSON) van deze gemeente in";
