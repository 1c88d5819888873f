//! Which published series answer a question: the subject's categories, the source table and
//! its frequency, and whom to credit for it.

use buurtbeeld_cube::{AreaCode, CategoryCode, Frequency, Period, Theme};
use buurtbeeld_store::{Store, StoreError};

use crate::{PictureError, Subject};

/// The attribution of the CBS/Politie open data tables (CC BY 4.0).
pub const ATTRIBUTION: &str = "Bron: CBS/Politie";

/// Police tables in order of preference when the user names no source: the official monthly
/// table, the official yearly table, then the municipality's own incident exports.
const SOURCE_PREFERENCE: [&str; 3] = ["47022NED", "47018NED", "BVH"];

pub fn resolve_subject(
    store: &Store,
    subject: &Subject,
) -> Result<(String, String, Vec<CategoryCode>), PictureError> {
    match subject {
        Subject::Theme(id) => {
            let themes = store.themes()?;
            let theme: &Theme = themes.iter().find(|t| &t.id == id).ok_or_else(|| {
                PictureError::UnknownTheme(
                    id.clone(),
                    themes
                        .iter()
                        .map(|t| t.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                )
            })?;
            if theme.categories.is_empty() {
                return Err(PictureError::ThemeWithoutCategories(theme.id.clone()));
            }
            Ok((
                theme.id.clone(),
                theme.name.clone(),
                theme.categories.clone(),
            ))
        }
        Subject::Category(code) => {
            let category = store
                .categories()?
                .into_iter()
                .find(|c| &c.code == code)
                .ok_or_else(|| PictureError::UnknownCategory(code.clone()))?;
            Ok((
                code.to_string(),
                format!("{} {}", code, category.label),
                vec![code.clone()],
            ))
        }
    }
}

/// The source table that answers for `area`: `wanted` if it has figures there, else the
/// preferred one of those that also have figures for the area's parts, else the preferred one;
/// with `month_wanted`, only tables with monthly figures qualify.
pub fn choose_source(
    store: &Store,
    area: &AreaCode,
    wanted: Option<&str>,
    month_wanted: bool,
) -> Result<String, PictureError> {
    let available = crate::areas::area_sources(store, area)?;
    let usable = |s: &(String, Frequency)| !month_wanted || s.1 == Frequency::Month;
    if let Some(source) = wanted {
        return available
            .iter()
            .find(|s| s.0 == source && usable(s))
            .map(|s| s.0.clone())
            .ok_or_else(|| PictureError::no_data(area, Some(source)));
    }
    // A table that also has the area's parts answers the question "where" as well: a BVH
    // export per buurt beats 47018NED, which has the gemeente only.
    let mut with_parts = std::collections::BTreeSet::new();
    for child in store.children(area)? {
        with_parts.extend(store.sources_for(&child.code)?.into_iter().map(|s| s.0));
    }
    let rank = |source: &str| {
        (
            !with_parts.contains(source),
            SOURCE_PREFERENCE
                .iter()
                .position(|p| *p == source)
                .unwrap_or(SOURCE_PREFERENCE.len()),
        )
    };
    available
        .iter()
        .filter(|s| usable(s))
        .min_by_key(|s| rank(&s.0))
        .map(|s| s.0.clone())
        .ok_or_else(|| PictureError::no_data(area, None))
}

/// The frequency in which `source` publishes for `area` (months when a month is asked).
pub fn source_frequency(
    store: &Store,
    area: &AreaCode,
    source: &str,
    month_wanted: bool,
) -> Result<Frequency, PictureError> {
    let available = crate::areas::area_sources(store, area)?;
    available
        .iter()
        .filter(|(s, _)| s == source)
        .map(|(_, f)| *f)
        .find(|f| *f == Frequency::Month || !month_wanted)
        .ok_or_else(|| PictureError::no_data(area, Some(&*source)))
}

/// Who to credit: the police tables are published by CBS and Politie; BVH exports come from the
/// police to the municipality.
pub fn attribution(source: &str) -> String {
    match source {
        "BVH" => "Bron: Politie (BVH-registraties, via de gemeente)".to_owned(),
        _ => ATTRIBUTION.to_owned(),
    }
}

/// Whom to credit for the figures of `area`: each of its sources once, preferred source first,
/// e.g. `Bron: CBS/Politie` or `Bron: Politie (BVH-registraties, via de gemeente)`.
pub fn area_attribution(store: &Store, area: &AreaCode) -> Result<String, StoreError> {
    let sources: Vec<String> = store
        .sources_for(area)?
        .into_iter()
        .map(|(s, _)| s)
        .collect();
    Ok(credit_line(&sources))
}

/// The credits of `sources`, each attribution once, in the order of [`SOURCE_PREFERENCE`];
/// the CBS/Politie credit when there are none (the tables buurtbeeld is made for).
fn credit_line(sources: &[String]) -> String {
    let mut ordered: Vec<&String> = sources.iter().collect();
    ordered.sort_by_key(|s| {
        SOURCE_PREFERENCE
            .iter()
            .position(|p| p == s)
            .unwrap_or(SOURCE_PREFERENCE.len())
    });
    let mut lines: Vec<String> = Vec::new();
    for source in ordered {
        let line = attribution(source);
        if !lines.contains(&line) {
            lines.push(line);
        }
    }
    if lines.is_empty() {
        ATTRIBUTION.to_owned()
    } else {
        lines.join("; ")
    }
}

/// Bundled files whose licence asks for more than the source's credit, by their SHA-256 (the
/// exact published bytes; see each folder's SOURCE.md under `data/`).
const BUNDLED_CREDITS: [(&str, &str); 1] = [(
    "6418e733db0142ac73f09f5b554501d3fe5b838aae7d71b67a82cbb86b75d836",
    "Fietsdiefstallen Groningen: Politie (BVH), gegevens van de Gemeente Groningen \
     (CC BY-SA 3.0 NL).",
)];

/// Every source in the store with its credit and licence, for the data page: the crime tables
/// present, population and boundaries when imported.
pub fn store_credits(store: &Store) -> Result<Vec<String>, StoreError> {
    let mut credits: Vec<String> = Vec::new();
    let tables = store.source_tables()?;
    let official: Vec<&str> = tables
        .iter()
        .map(String::as_str)
        .filter(|t| *t != "BVH")
        .collect();
    if !official.is_empty() {
        let tables = if official.len() == 1 {
            "tabel"
        } else {
            "tabellen"
        };
        credits.push(format!(
            "{ATTRIBUTION} (CC BY 4.0), {tables} {}.",
            official.join(" en ")
        ));
    }
    if tables.iter().any(|t| t == "BVH") {
        credits.push(format!(
            "{}: incidenten zonder persoonsgegevens, geteld per buurt en maand.",
            attribution("BVH")
        ));
    }
    let imports = store.imports()?;
    for (checksum, credit) in BUNDLED_CREDITS {
        if imports.iter().any(|i| i.checksum == checksum) {
            credits.push(credit.to_owned());
        }
    }
    let kinds: Vec<String> = imports.into_iter().map(|i| i.kind).collect();
    if kinds.iter().any(|k| k.starts_with("population")) {
        credits.push("Inwoners: CBS, kerncijfers wijken en buurten (CC BY 4.0).".to_owned());
    }
    if kinds.iter().any(|k| k == "areas-geojson") {
        credits.push("Wijk- en buurtgrenzen: CBS Wijk- en buurtkaart (CC BY 4.0).".to_owned());
    }
    Ok(credits)
}

/// The periods a source covers, as people read them: `januari 2013 t/m juni 2016`.
pub fn covered_span(frequency: Frequency, first: Option<&i64>, last: Option<&i64>) -> String {
    match (first, last) {
        (Some(first), Some(last)) => buurtbeeld_cube::dutch::period::range(
            Period::from_ordinal(frequency, *first),
            Period::from_ordinal(frequency, *last),
        ),
        _ => "geen perioden".to_owned(),
    }
}
