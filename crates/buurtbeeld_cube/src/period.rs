//! Periods of the police tables: months (`2023MM01`) and years (`2023JJ00`).

use std::fmt;

/// How often a series is published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Frequency {
    Month,
    Year,
}

impl Frequency {
    pub fn as_str(self) -> &'static str {
        match self {
            Frequency::Month => "month",
            Frequency::Year => "year",
        }
    }

    pub fn parse(text: &str) -> Option<Frequency> {
        match text {
            "month" => Some(Frequency::Month),
            "year" => Some(Frequency::Year),
            _ => None,
        }
    }
}

/// A calendar month or year.
///
/// Months and years each have a dense integer index (`ordinal`) so that series can be stored as
/// arrays: a month's ordinal is `year * 12 + month - 1`, a year's is the year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Period {
    Month { year: i32, month: u32 },
    Year(i32),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodError {
    pub text: String,
}

impl fmt::Display for PeriodError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "'{}' is geen periode (verwacht een CBS-periode zoals 2023MM01 of 2023JJ00, \
             een maand zoals 2023-01 of '2023 januari', of een jaar zoals 2023)",
            self.text
        )
    }
}

impl std::error::Error for PeriodError {}

pub const DUTCH_MONTHS: [&str; 12] = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
];

/// Years outside this range are refused as impossible for police registrations.
pub(crate) const PLAUSIBLE_YEARS: std::ops::RangeInclusive<i32> = 1900..=2100;

impl Period {
    pub fn month(year: i32, month: u32) -> Option<Period> {
        (PLAUSIBLE_YEARS.contains(&year) && (1..=12).contains(&month))
            .then_some(Period::Month { year, month })
    }

    pub fn year(year: i32) -> Option<Period> {
        PLAUSIBLE_YEARS
            .contains(&year)
            .then_some(Period::Year(year))
    }

    /// Parses the CBS period key: `2023MM01` (month), `2023JJ00` (year).
    pub fn parse_cbs(text: &str) -> Result<Period, PeriodError> {
        let err = || PeriodError {
            text: text.to_owned(),
        };
        let key = text.trim();
        if key.len() != 8 || !key.is_ascii() {
            return Err(err());
        }
        let year: i32 = key[..4].parse().map_err(|_| err())?;
        let number: u32 = key[6..].parse().map_err(|_| err())?;
        match &key[4..6] {
            "MM" => Period::month(year, number).ok_or_else(err),
            "JJ" if number == 0 => Period::year(year).ok_or_else(err),
            _ => Err(err()),
        }
    }

    /// Parses the Dutch portal label: `2023 januari` (month) or `2023` (year).
    pub fn parse_dutch_label(text: &str) -> Result<Period, PeriodError> {
        let err = || PeriodError {
            text: text.to_owned(),
        };
        let label = text.trim();
        let mut parts = label.split_whitespace();
        let year: i32 = parts.next().ok_or_else(err)?.parse().map_err(|_| err())?;
        match (parts.next(), parts.next()) {
            (None, _) => Period::year(year).ok_or_else(err),
            (Some(name), None) => {
                let lower = name.to_lowercase();
                let month = DUTCH_MONTHS
                    .iter()
                    .position(|m| *m == lower)
                    .ok_or_else(err)?;
                Period::month(year, month as u32 + 1).ok_or_else(err)
            }
            _ => Err(err()),
        }
    }

    /// Parses what users type: `2023-01` (month) or `2023` (year).
    pub fn parse_iso(text: &str) -> Result<Period, PeriodError> {
        let err = || PeriodError {
            text: text.to_owned(),
        };
        match text.trim().split_once('-') {
            Some((y, m)) if m.len() == 2 => {
                Period::month(y.parse().map_err(|_| err())?, m.parse().map_err(|_| err())?)
                    .ok_or_else(err)
            }
            Some(_) => Err(err()),
            None => Period::year(text.trim().parse().map_err(|_| err())?).ok_or_else(err),
        }
    }

    pub fn frequency(self) -> Frequency {
        match self {
            Period::Month { .. } => Frequency::Month,
            Period::Year(_) => Frequency::Year,
        }
    }

    pub fn calendar_year(self) -> i32 {
        match self {
            Period::Month { year, .. } | Period::Year(year) => year,
        }
    }

    /// Dense index within the period's frequency; see the type's docs.
    pub fn ordinal(self) -> i64 {
        match self {
            Period::Month { year, month } => i64::from(year) * 12 + i64::from(month) - 1,
            Period::Year(year) => i64::from(year),
        }
    }

    pub fn from_ordinal(frequency: Frequency, ordinal: i64) -> Period {
        match frequency {
            Frequency::Month => Period::Month {
                year: ordinal.div_euclid(12) as i32,
                month: ordinal.rem_euclid(12) as u32 + 1,
            },
            Frequency::Year => Period::Year(ordinal as i32),
        }
    }

    /// The CBS key, e.g. `2023MM01`.
    pub fn cbs_key(self) -> String {
        match self {
            Period::Month { year, month } => format!("{year}MM{month:02}"),
            Period::Year(year) => format!("{year}JJ00"),
        }
    }

    /// The Dutch label users read, e.g. `januari 2023` or `2023`.
    pub fn dutch_label(self) -> String {
        crate::dutch::period::period(self)
    }
}

/// ISO-like text: `2023-01` or `2023`, the form used in JSON and on the command line.
impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::Month { year, month } => write!(f, "{year}-{month:02}"),
            Period::Year(year) => write!(f, "{year}"),
        }
    }
}

impl serde::Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Read back as written: `2015-03` or `2015`.
impl<'de> serde::Deserialize<'de> for Period {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Period, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Period::parse_iso(&text).map_err(|_| {
            serde::de::Error::invalid_value(serde::de::Unexpected::Str(&text), &"YYYY-MM or YYYY")
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_all_published_forms() {
        let jan = Period::month(2023, 1).unwrap();
        assert_eq!(Period::parse_cbs("2023MM01").unwrap(), jan);
        assert_eq!(Period::parse_dutch_label("2023 januari").unwrap(), jan);
        assert_eq!(Period::parse_iso("2023-01").unwrap(), jan);
        assert_eq!(Period::parse_cbs("2023JJ00").unwrap(), Period::Year(2023));
        assert_eq!(
            Period::parse_dutch_label("2023").unwrap(),
            Period::Year(2023)
        );
        assert_eq!(jan.cbs_key(), "2023MM01");
        assert_eq!(jan.to_string(), "2023-01");
    }

    #[test]
    fn refuses_impossible_periods() {
        for bad in [
            "2023MM13",
            "2023MM00",
            "2023JJ01",
            "20231301",
            "2023 smarch",
            "0023MM01",
        ] {
            assert!(
                Period::parse_cbs(bad).is_err() && Period::parse_dutch_label(bad).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn ordinals_round_trip() {
        for ordinal in [0, 11, 12, 24275, 24276] {
            let p = Period::from_ordinal(Frequency::Month, ordinal);
            assert_eq!(p.ordinal(), ordinal);
        }
    }
}
