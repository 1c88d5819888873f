//! Themes: the policy words (woninginbraak, fietsdiefstal, overlast jeugd, …) mapped to police
//! categories and to the categories of the municipality's own sources.

use std::collections::BTreeMap;

use crate::CategoryCode;

/// A theme of a safety plan, defined as a set of police categories.
///
/// A theme's count is the sum of its categories; if one of them is withheld the sum is a lower
/// bound and is reported as such. A theme made of the total category alone uses the published
/// total, which includes suppressed categories.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Theme {
    pub id: String,
    pub name: String,
    pub description: String,
    pub categories: Vec<CategoryCode>,
    /// The statutory BBV indicator (taakveld Veiligheid) this theme computes, if any.
    pub bbv_indicator: Option<String>,
    /// Per registration source (e.g. `signalen`, `handhaving`), the source's categories that
    /// belong to this theme. Police incidents (`BVH`) use `categories`.
    pub sources: BTreeMap<String, Vec<String>>,
}

impl Theme {
    /// The categories of one registration source that belong to this theme; for the police
    /// source `BVH` these are the police categories.
    pub fn source_categories(&self, source: &str) -> Vec<String> {
        if source == "BVH" {
            return self
                .categories
                .iter()
                .map(|c| c.as_str().to_owned())
                .collect();
        }
        self.sources.get(source).cloned().unwrap_or_default()
    }

    /// Whether pages and documents list it among the crime themes: it counts police categories
    /// and is not one of the BBV indicators, which have their own table.
    pub fn is_crime_theme(&self) -> bool {
        !self.categories.is_empty() && self.bbv_indicator.is_none()
    }
}

/// What a question is about: a theme (a group of police categories) or one police category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    Theme(String),
    Category(CategoryCode),
}
