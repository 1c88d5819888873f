//! The shipped CBS/Politie code lists (47022NED, 47018NED): categories and area names.
//!
//! Embedded in the binary so that label resolution works on any machine, offline.

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use buurtbeeld_cube::{AreaCode, AreaLevel, AreaRecord, CategoryCode, CategoryRecord};

const SOORT_MISDRIJF_47022: &str =
    include_str!("../../../data/codelists/47022NED_SoortMisdrijf.tsv");
const REGIONS_47022: &str = include_str!("../../../data/codelists/47022NED_WijkenEnBuurten.tsv");
const REGIONS_47018: &str = include_str!("../../../data/codelists/47018NED_WijkenEnBuurten.csv");

/// CBS "Gebieden in Nederland 2025" (85755NED) as downloaded: every gemeente with its provincie.
const GEMEENTEN_85755: &str = include_str!(
    "../../../data/cbs-85755ned-gemeenten-2025/85755NED_UntypedDataSet_20022026_213757.csv"
);

/// 47018NED publishes all years on the indeling of its latest release (2024).
const INDELING_47018: i32 = 2024;

#[derive(Debug, Clone)]
pub struct CategoryEntry {
    pub code: CategoryCode,
    /// As published, e.g. `1.1.1 Diefstal/inbraak woning` or `Totaal misdrijven`.
    pub title: String,
    pub description: String,
}

impl CategoryEntry {
    /// The label without its leading code.
    pub fn label(&self) -> &str {
        self.title
            .strip_prefix(self.code.as_str())
            .map_or(self.title.as_str(), str::trim_start)
    }
}

#[derive(Debug, Clone)]
pub struct Region {
    pub title: String,
    pub municipality: String,
}

/// One table's WijkenEnBuurten list.
#[derive(Debug, Default)]
pub struct RegionList {
    pub by_code: HashMap<String, Region>,
    /// (gemeente code, title) → codes: names are unique only within a gemeente, and not always.
    by_title_in_gemeente: HashMap<(String, String), Vec<String>>,
    gemeenten_by_title: HashMap<String, Vec<String>>,
}

impl RegionList {
    fn parse(text: &str, delimiter: u8) -> RegionList {
        let mut list = RegionList::default();
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .from_reader(text.as_bytes());
        for record in reader.records().flatten() {
            let code = record.get(0).unwrap_or("").trim().to_owned();
            let title = record.get(1).unwrap_or("").trim().to_owned();
            let municipality = record.get(3).unwrap_or("").trim().to_owned();
            if code.starts_with("GM") {
                list.gemeenten_by_title
                    .entry(title.clone())
                    .or_default()
                    .push(code.clone());
            }
            list.by_title_in_gemeente
                .entry((municipality.clone(), title.clone()))
                .or_default()
                .push(code.clone());
            list.by_code.insert(
                code,
                Region {
                    title,
                    municipality,
                },
            );
        }
        list
    }

    pub fn gemeenten_named(&self, title: &str) -> &[String] {
        self.gemeenten_by_title
            .get(title)
            .map_or(&[], Vec::as_slice)
    }

    pub fn named_in_gemeente(&self, gemeente: &str, title: &str) -> &[String] {
        self.by_title_in_gemeente
            .get(&(gemeente.to_owned(), title.to_owned()))
            .map_or(&[], Vec::as_slice)
    }
}

#[derive(Debug)]
pub struct CodeLists {
    pub categories: Vec<CategoryEntry>,
    pub regions_47022: RegionList,
    pub regions_47018: RegionList,
    /// Gemeente code → provincie name (CBS 85755NED, indeling 2025).
    pub provincies: BTreeMap<String, String>,
}

pub fn code_lists() -> &'static CodeLists {
    static LISTS: OnceLock<CodeLists> = OnceLock::new();
    LISTS.get_or_init(|| {
        let mut categories = Vec::new();
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(b'\t')
            .from_reader(SOORT_MISDRIJF_47022.as_bytes());
        for record in reader.records().flatten() {
            if let Ok(code) = CategoryCode::parse(record.get(0).unwrap_or("")) {
                categories.push(CategoryEntry {
                    code,
                    title: record.get(1).unwrap_or("").trim().to_owned(),
                    description: record.get(2).unwrap_or("").trim().to_owned(),
                });
            }
        }
        CodeLists {
            categories,
            regions_47022: RegionList::parse(REGIONS_47022, b'\t'),
            regions_47018: RegionList::parse(REGIONS_47018, b','),
            provincies: provincies(GEMEENTEN_85755),
        }
    })
}

/// The provincie of every gemeente in a StatLine "onbewerkte dataset" CSV of 85755NED: `;`,
/// quoted, codes and names padded with spaces, provincie in `Naam_29`.
fn provincies(text: &str) -> BTreeMap<String, String> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers = reader.headers().cloned().unwrap_or_default();
    let column = |name: &str| headers.iter().position(|h| h == name);
    let (Some(code), Some(provincie)) = (column("RegioS"), column("Naam_29")) else {
        return BTreeMap::new();
    };
    reader
        .records()
        .flatten()
        .filter_map(|r| {
            Some((
                r.get(code)?.trim().to_owned(),
                r.get(provincie)?.trim().to_owned(),
            ))
        })
        .collect()
}

impl CodeLists {
    /// The provincie a gemeente lies in, by its code (`GM0014` → `Groningen`).
    pub fn provincie(&self, gemeente: &AreaCode) -> Option<&str> {
        self.provincies.get(gemeente.as_str()).map(String::as_str)
    }

    pub fn category(&self, code: &str) -> Option<&CategoryEntry> {
        self.categories.iter().find(|c| c.code.as_str() == code)
    }

    pub fn category_by_title(&self, title: &str) -> Option<&CategoryEntry> {
        self.categories.iter().find(|c| c.title == title)
    }

    /// The category records the store is seeded with.
    pub fn category_records(&self) -> Vec<CategoryRecord> {
        self.categories
            .iter()
            .map(|c| CategoryRecord {
                code: c.code.clone(),
                label: c.label().to_owned(),
                description: c.description.clone(),
            })
            .collect()
    }

    /// The name and indeling year of an area code, from 47022NED, else 47018NED.
    pub fn area_name(&self, code: &AreaCode) -> Option<(&str, Option<i32>)> {
        if let Some(r) = self.regions_47022.by_code.get(code.as_str()) {
            return Some((&r.title, None));
        }
        self.regions_47018
            .by_code
            .get(code.as_str())
            .map(|r| (r.title.as_str(), Some(INDELING_47018)))
    }

    /// An area record named from the code lists, with all its ancestors. These records never
    /// overwrite what the store already knows (`authoritative: false`).
    pub fn area_with_ancestors(&self, code: &AreaCode) -> Vec<AreaRecord> {
        let mut out = Vec::new();
        let mut next = Some(code.clone());
        while let Some(code) = next {
            let (name, indeling_year) = match self.area_name(&code) {
                Some((name, year)) => (name.to_owned(), year),
                None if code.level() == AreaLevel::Land => ("Nederland".to_owned(), None),
                None => (code.to_string(), None),
            };
            next = code.parent();
            out.push(AreaRecord {
                level: code.level(),
                parent: code.parent(),
                code,
                name,
                indeling_year,
                geometry: None,
                authoritative: false,
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_lists_have_the_published_sizes() {
        let lists = code_lists();
        assert_eq!(lists.categories.len(), 59);
        assert_eq!(
            lists.category("1.1.1").unwrap().label(),
            "Diefstal/inbraak woning"
        );
        assert_eq!(
            lists
                .category_by_title("Totaal misdrijven")
                .unwrap()
                .code
                .as_str(),
            "0.0.0"
        );
        assert_eq!(lists.regions_47022.by_code.len(), 18_119);
        assert_eq!(lists.regions_47018.by_code.len(), 18_313);
        assert_eq!(lists.provincies.len(), 342);
        let provincie = |code| lists.provincie(&AreaCode::parse(code).unwrap());
        assert_eq!(provincie("GM0629"), Some("Zuid-Holland"));
        assert_eq!(provincie("GM1581"), Some("Utrecht"));
        assert_eq!(
            lists.regions_47022.gemeenten_named("Utrechtse Heuvelrug"),
            ["GM1581"]
        );
    }
}
