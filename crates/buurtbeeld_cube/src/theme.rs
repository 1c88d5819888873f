//! Themes: the policy words (woninginbraak, fietsdiefstal, …) mapped to police categories.

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
}

impl Theme {
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
