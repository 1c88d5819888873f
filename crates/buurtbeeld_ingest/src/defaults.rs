//! The defaults a new store starts with: the 59 categories, the theme set and the incident
//! code mapping, all shipped with buurtbeeld.

use buurtbeeld_cube::ImportBatch;

use crate::codelists::code_lists;
use crate::detect::InputKind;
use crate::problem::ImportError;
use crate::{text, Input, ReadOptions};

pub const DEFAULT_THEMES_TOML: &str = include_str!("../../../data/themes.toml");
const DEFAULT_INCIDENT_CODES: &str = include_str!("../../../data/incident_codes.csv");

/// One batch holding all defaults, logged as one import.
pub fn default_batch() -> Result<ImportBatch, ImportError> {
    let options = ReadOptions::default();
    let themes = crate::themes::read(
        &Input {
            name: "data/themes.toml (shipped)",
            kind: InputKind::ThemesToml,
            delimiter: b';',
        },
        DEFAULT_THEMES_TOML.as_bytes(),
        &options,
    )?;
    let codes = crate::incident_codes::read(
        &Input {
            name: "data/incident_codes.csv (shipped)",
            kind: InputKind::IncidentCodesCsv,
            delimiter: b';',
        },
        DEFAULT_INCIDENT_CODES.as_bytes(),
        &options,
    )?;
    let mut source = Input {
        name: "buurtbeeld defaults",
        kind: InputKind::ThemesToml,
        delimiter: b';',
    }
    .source_info("defaults", "buurtbeeld", &options, 0);
    source.checksum =
        text::checksum(format!("{DEFAULT_THEMES_TOML}{DEFAULT_INCIDENT_CODES}").as_bytes());
    Ok(ImportBatch {
        source: Some(source),
        categories: code_lists().category_records(),
        themes: themes.themes,
        incident_codes: codes.incident_codes,
        ..ImportBatch::default()
    })
}
