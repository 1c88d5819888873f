//! Police crime categories: the `SoortMisdrijf` codes of tables 47018NED/47022NED.

use std::fmt;

/// The code of the total over all categories. Its counts are imported as published and never
/// recomputed from the details: suppressed categories are inside the total but not in the details.
pub const TOTAL_CATEGORY: &str = "0.0.0";

/// A trimmed `SoortMisdrijf` code such as `1.2.3` or `2.6.10`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct CategoryCode(String);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryCodeError {
    pub text: String,
}

impl fmt::Display for CategoryCodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "'{}' is geen SoortMisdrijf-code (verwacht drie getallen gescheiden door punten, zoals 1.2.3)",
            self.text
        )
    }
}

impl std::error::Error for CategoryCodeError {}

impl CategoryCode {
    /// Checks the shape only; whether the code exists is the code list's business.
    pub fn parse(text: &str) -> Result<CategoryCode, CategoryCodeError> {
        let code = text.trim();
        let parts: Vec<&str> = code.split('.').collect();
        let shaped = parts.len() == 3
            && parts
                .iter()
                .all(|p| !p.is_empty() && p.len() <= 2 && p.bytes().all(|b| b.is_ascii_digit()));
        if shaped {
            Ok(CategoryCode(code.to_owned()))
        } else {
            Err(CategoryCodeError {
                text: text.to_owned(),
            })
        }
    }

    pub fn total() -> CategoryCode {
        CategoryCode(TOTAL_CATEGORY.to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_total(&self) -> bool {
        self.0 == TOTAL_CATEGORY
    }

    /// The hierarchy is encoded in the digits: `1.2.3` belongs to group `1.2` in domain `1`;
    /// every code belongs to the total.
    pub fn group(&self) -> Option<&str> {
        (!self.is_total()).then(|| &self.0[..self.0.rfind('.').unwrap_or(0)])
    }

    /// Sort key that orders `2.6.9` before `2.6.10`.
    pub fn sort_key(&self) -> Vec<u32> {
        self.0.split('.').map(|p| p.parse().unwrap_or(0)).collect()
    }
}

impl fmt::Display for CategoryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_groups() {
        let c = CategoryCode::parse("2.6.10").unwrap();
        assert_eq!(c.group(), Some("2.6"));
        assert!(CategoryCode::parse("0.0.0 ").unwrap().is_total());
        assert!(CategoryCode::parse("1.2").is_err());
        assert!(CategoryCode::parse("A72").is_err());
        assert!(
            CategoryCode::parse("2.6.9").unwrap().sort_key()
                < CategoryCode::parse("2.6.10").unwrap().sort_key()
        );
    }
}
