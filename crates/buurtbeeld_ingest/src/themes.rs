//! The theme file (TOML): themes of a safety plan mapped to police categories.

use std::collections::{BTreeMap, BTreeSet};

use buurtbeeld_cube::{CategoryCode, ImportBatch, Theme};
use serde::Deserialize;
use toml::Spanned;

use crate::codelists::code_lists;
use crate::problem::{ImportError, Problems};
use crate::{text, Input, ReadOptions};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    theme: Vec<ThemeEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeEntry {
    id: Spanned<String>,
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    categories: Vec<Spanned<String>>,
    bbv_indicator: Option<String>,
    /// Per registration source, the source's categories in this theme.
    #[serde(default)]
    sources: BTreeMap<String, Vec<Spanned<String>>>,
}

pub(crate) fn read(
    input: &Input<'_>,
    bytes: &[u8],
    options: &ReadOptions,
) -> Result<ImportBatch, ImportError> {
    let text = text::utf8(input.name, bytes)?;
    let file: ThemeFile = toml::from_str(text).map_err(|e| {
        Problems::new(input.name).fatal(
            e.span().map(|s| text::line_of(text, s.start)),
            None,
            format!(
                "{}; verwacht tabellen [[theme]] met id, name, description, categories en \
                 eventueel bbv_indicator",
                text::toml_message(e.message())
            ),
        )
    })?;
    let mut problems = Problems::new(input.name);
    let mut ids = BTreeSet::new();
    let mut themes = Vec::new();
    for entry in file.theme {
        let line = Some(text::line_of(text, entry.id.span().start));
        let id = entry.id.into_inner();
        if !text::is_identifier(&id) {
            problems.add(
                line,
                Some("id"),
                format!("'{id}' is geen geldige thema-id; verwacht kleine letters, cijfers en '-'"),
            );
        }
        if !ids.insert(id.clone()) {
            problems.add(
                line,
                Some("id"),
                format!("thema '{id}' is twee keer gedefinieerd"),
            );
        }
        let mut categories = Vec::new();
        for category in entry.categories {
            let line = Some(text::line_of(text, category.span().start));
            let raw = category.into_inner();
            match CategoryCode::parse(&raw) {
                // The store keeps a theme's categories as a set; a repeat would fail the import.
                Ok(code) if categories.contains(&code) => problems.add(
                    line,
                    Some("categories"),
                    format!("'{code}' staat twee keer in thema '{id}'"),
                ),
                Ok(code) if code_lists().category(code.as_str()).is_some() => categories.push(code),
                Ok(code) => problems.add(
                    line,
                    Some("categories"),
                    format!("onbekende SoortMisdrijf-code '{code}': staat niet in de codelijst van 47022NED"),
                ),
                Err(e) => problems.add(line, Some("categories"), e.to_string()),
            }
        }
        if categories.iter().any(CategoryCode::is_total) && categories.len() > 1 {
            problems.add(
                line,
                Some("categories"),
                "het totaal 0.0.0 kan niet samen met andere categorieën: het bevat die al",
            );
        }
        let sources = source_categories(text, &id, entry.sources, &mut problems);
        if categories.is_empty() && sources.is_empty() && entry.bbv_indicator.is_none() {
            problems.add(
                line,
                Some("categories"),
                format!(
                    "thema '{id}' heeft geen categorieën; verwacht politiecategorieën in \
                     categories of categorieën van een bron onder [theme.sources]"
                ),
            );
        }
        themes.push(Theme {
            id,
            name: entry.name,
            description: entry.description,
            categories,
            bbv_indicator: entry.bbv_indicator,
            sources,
        });
    }
    let batch = ImportBatch {
        source: Some(input.source_info("themes-toml", "themes", options, themes.len() as u64)),
        themes: Some(themes),
        ..ImportBatch::default()
    };
    problems.finish(batch)
}

/// A theme's categories per registration source, checked: the source is an identifier, a
/// category is named once and is not empty.
fn source_categories(
    text: &str,
    theme: &str,
    entries: BTreeMap<String, Vec<Spanned<String>>>,
    problems: &mut Problems,
) -> BTreeMap<String, Vec<String>> {
    let mut sources = BTreeMap::new();
    for (source, categories) in entries {
        let first_line = categories
            .first()
            .map(|c| text::line_of(text, c.span().start));
        if !text::is_identifier(&source) {
            problems.add(
                first_line,
                Some("sources"),
                format!(
                    "'{source}' is geen geldige bron-id; verwacht kleine letters, cijfers en '-'"
                ),
            );
            continue;
        }
        let mut kept: Vec<String> = Vec::new();
        for category in categories {
            let line = Some(text::line_of(text, category.span().start));
            let raw = category.into_inner().trim().to_owned();
            if raw.is_empty() {
                problems.add(
                    line,
                    Some("sources"),
                    format!("lege categorie bij bron '{source}' in thema '{theme}'"),
                );
            } else if kept.contains(&raw) {
                problems.add(
                    line,
                    Some("sources"),
                    format!("'{raw}' staat twee keer bij bron '{source}' in thema '{theme}'"),
                );
            } else {
                kept.push(raw);
            }
        }
        sources.insert(source, kept);
    }
    sources
}

/// Writes themes in the file format `read` accepts, for editing and re-import.
pub fn themes_to_toml(themes: &[Theme]) -> String {
    let mut out =
        String::from("# buurtbeeld themes: edit and load with `buurtbeeld import themes.toml`.\n");
    for theme in themes {
        let quote = |s: &str| toml::Value::String(s.to_owned()).to_string();
        out.push_str("\n[[theme]]\n");
        out.push_str(&format!("id = {}\n", quote(&theme.id)));
        out.push_str(&format!("name = {}\n", quote(&theme.name)));
        out.push_str(&format!("description = {}\n", quote(&theme.description)));
        let codes: Vec<String> = theme.categories.iter().map(|c| quote(c.as_str())).collect();
        out.push_str(&format!("categories = [{}]\n", codes.join(", ")));
        if let Some(bbv) = &theme.bbv_indicator {
            out.push_str(&format!("bbv_indicator = {}\n", quote(bbv)));
        }
        if !theme.sources.is_empty() {
            out.push_str("[theme.sources]\n");
            for (source, categories) in &theme.sources {
                let quoted: Vec<String> = categories.iter().map(|c| quote(c)).collect();
                out.push_str(&format!("{source} = [{}]\n", quoted.join(", ")));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_category_listed_twice_in_a_theme_is_refused_on_its_line() {
        // The reader accepted it and the store refused the import with an SQL error about
        // theme_categories (exit code 2, in English) (#16).
        let toml = "[[theme]]\nid = \"fiets\"\nname = \"Fiets\"\n\
                    categories = [\"1.2.3\",\n  \" 1.2.3\"]\n";
        let input = Input {
            name: "themes.toml",
            kind: crate::InputKind::ThemesToml,
            delimiter: b';',
        };
        let error = read(&input, toml.as_bytes(), &ReadOptions::default()).unwrap_err();
        assert_eq!(error.problems.len(), 1, "{error}");
        assert_eq!(error.problems[0].line, Some(5), "{error}");
        assert_eq!(error.problems[0].field.as_deref(), Some("categories"));
    }
}
