//! CBS area codes (NL00 → GM → WK → BU) and the hierarchy their digits encode.

use std::fmt;

/// The level of an area in the CBS wijk- en buurtindeling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AreaLevel {
    Land,
    Gemeente,
    Wijk,
    Buurt,
}

impl AreaLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            AreaLevel::Land => "land",
            AreaLevel::Gemeente => "gemeente",
            AreaLevel::Wijk => "wijk",
            AreaLevel::Buurt => "buurt",
        }
    }

    pub fn parse(text: &str) -> Option<AreaLevel> {
        match text {
            "land" => Some(AreaLevel::Land),
            "gemeente" => Some(AreaLevel::Gemeente),
            "wijk" => Some(AreaLevel::Wijk),
            "buurt" => Some(AreaLevel::Buurt),
            _ => None,
        }
    }

    /// The level directly below this one, if any.
    pub fn child(self) -> Option<AreaLevel> {
        match self {
            AreaLevel::Land => Some(AreaLevel::Gemeente),
            AreaLevel::Gemeente => Some(AreaLevel::Wijk),
            AreaLevel::Wijk => Some(AreaLevel::Buurt),
            AreaLevel::Buurt => None,
        }
    }
}

impl fmt::Display for AreaLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A validated, trimmed CBS area code: `NL00`, `GM` and 4 digits, `WK` and the gemeente's 4
/// digits and 2 characters, `BU` and the wijk's 6 and 2 characters. The wijk and buurt characters
/// are digits almost everywhere, but Amsterdam uses letters (`WK0363AA`, `BU0363AA01`).
///
/// CBS publishes keys right-padded with spaces (`"GM1581    "`); parsing trims them so joins work.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(try_from = "String", into = "String")]
pub struct AreaCode(String);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AreaCodeError {
    pub text: String,
}

impl TryFrom<String> for AreaCode {
    type Error = AreaCodeError;

    fn try_from(code: String) -> Result<AreaCode, AreaCodeError> {
        AreaCode::parse(&code)
    }
}

impl From<AreaCode> for String {
    fn from(code: AreaCode) -> String {
        code.0
    }
}

impl fmt::Display for AreaCodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "'{}' is geen CBS-gebiedscode (verwacht NL00, GM + 4 cijfers, WK + 6 of BU + 8 \
             tekens, zoals GM1581, WK158101, BU15810101)",
            self.text
        )
    }
}

impl std::error::Error for AreaCodeError {}

impl AreaCode {
    pub fn parse(text: &str) -> Result<AreaCode, AreaCodeError> {
        let code = text.trim();
        // Codes are ASCII; checking first makes every byte index below a character boundary.
        let shaped = |n: usize| {
            code.is_ascii()
                && code.len() == 2 + n
                && code[2..6].bytes().all(|b| b.is_ascii_digit())
                && code[6..]
                    .bytes()
                    .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
        };
        let valid = match code.get(..2) {
            Some("NL") => code == "NL00",
            Some("GM") => shaped(4),
            Some("WK") => shaped(6),
            Some("BU") => shaped(8),
            _ => false,
        };
        if valid {
            Ok(AreaCode(code.to_owned()))
        } else {
            Err(AreaCodeError {
                text: text.to_owned(),
            })
        }
    }

    pub fn netherlands() -> AreaCode {
        AreaCode("NL00".to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn level(&self) -> AreaLevel {
        match &self.0[..2] {
            "NL" => AreaLevel::Land,
            "GM" => AreaLevel::Gemeente,
            "WK" => AreaLevel::Wijk,
            _ => AreaLevel::Buurt,
        }
    }

    /// The parent area, derived from the digits: a buurt code contains its wijk and gemeente.
    pub fn parent(&self) -> Option<AreaCode> {
        match self.level() {
            AreaLevel::Land => None,
            AreaLevel::Gemeente => Some(AreaCode::netherlands()),
            AreaLevel::Wijk => Some(AreaCode(format!("GM{}", &self.0[2..6]))),
            AreaLevel::Buurt => Some(AreaCode(format!("WK{}", &self.0[2..8]))),
        }
    }

    /// The gemeente this area lies in (itself for a gemeente), `None` for the country.
    pub fn gemeente(&self) -> Option<AreaCode> {
        match self.level() {
            AreaLevel::Land => None,
            _ => Some(AreaCode(format!("GM{}", &self.0[2..6]))),
        }
    }

    /// CBS's "onbekend" areas (`GM0000`, `WK000000`, `BU00000000`) carry counts that police
    /// could not place; they are real areas in the tables, not missing values.
    pub fn is_unknown(&self) -> bool {
        self.0.len() > 2 && self.0[2..].bytes().all(|b| b == b'0')
    }

    /// The "onbekend" area of a level.
    pub fn unknown(level: AreaLevel) -> AreaCode {
        AreaCode(
            match level {
                AreaLevel::Land => "NL00",
                AreaLevel::Gemeente => "GM0000",
                AreaLevel::Wijk => "WK000000",
                AreaLevel::Buurt => "BU00000000",
            }
            .to_owned(),
        )
    }
}

/// The longest area name accepted. The longest CBS buurt name has under 80 characters; a limit
/// keeps a broken or hostile file from putting megabytes into every page, header and legend.
pub const MAX_AREA_NAME_CHARS: usize = 200;

/// Why `name` cannot be an area's name, if it cannot: empty, longer than
/// `MAX_AREA_NAME_CHARS`, or holding control characters (a newline in a name would end up in
/// HTTP headers and CSV rows).
pub fn area_name_problem(name: &str) -> Option<String> {
    let length = name.chars().count();
    if name.trim().is_empty() {
        Some("de naam is leeg; verwacht de naam van het gebied".to_owned())
    } else if length > MAX_AREA_NAME_CHARS {
        Some(format!(
            "de naam is {length} tekens lang; verwacht ten hoogste {MAX_AREA_NAME_CHARS}"
        ))
    } else if name.chars().any(char::is_control) {
        Some(
            "de naam bevat een stuurteken (zoals een regeleinde of tab); verwacht één regel tekst"
                .to_owned(),
        )
    } else {
        None
    }
}

impl fmt::Display for AreaCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_padded_cbs_keys_and_derives_parents() {
        let buurt = AreaCode::parse("BU15810101").unwrap();
        assert_eq!(buurt.level(), AreaLevel::Buurt);
        assert_eq!(buurt.parent().unwrap().as_str(), "WK158101");
        assert_eq!(buurt.gemeente().unwrap().as_str(), "GM1581");
        let gemeente = AreaCode::parse("GM1581    ").unwrap();
        assert_eq!(gemeente.as_str(), "GM1581");
    }

    #[test]
    fn non_ascii_codes_are_refused_not_a_panic() {
        // Multi-byte letters where digits belong once panicked on a byte slice (#16).
        for text in [
            "WK001é1",
            "WK158é1",
            "GMé14",
            "BU0014000é",
            "WK00140é",
            "NL0é",
        ] {
            assert!(AreaCode::parse(text).is_err(), "{text}");
        }
        for c in ['é', 'ß', '€', '𝄞'] {
            for at in 0..=10 {
                let mut text: String = "BU00140008".chars().take(at).collect();
                text.push(c);
                text.extend("BU00140008".chars().skip(at));
                assert!(AreaCode::parse(&text).is_err(), "{text}");
            }
        }
    }

    #[test]
    fn rejects_malformed_codes() {
        assert!(AreaCode::parse("BU0363AA01").is_ok());
        for bad in [
            "",
            "GM158",
            "BU1581010",
            "XX0000",
            "GM15a1",
            "NL01",
            "BU0363aa01",
            "GMAB12",
        ] {
            assert!(AreaCode::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn knows_unknown_areas() {
        assert!(AreaCode::parse("BU00000000").unwrap().is_unknown());
        assert!(!AreaCode::parse("GM0014").unwrap().is_unknown());
    }
}
