//! Calendar days, for registrations that carry a date: counted as days since 1970-01-01 so that
//! the distance in days between two registrations is a subtraction.
//!
//! Hand-written (Howard Hinnant's `days_from_civil`) because the cube crate depends on nothing
//! but serde; the algorithm is exact for the proleptic Gregorian calendar.

use std::fmt;

use crate::Period;

/// One calendar day. Serialised as `2015-03-07`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(i32);

/// Why a text or a triple is not a day; the message is Dutch, for import problems.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayError(pub String);

impl fmt::Display for DayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DayError {}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Days in a month of a year.
pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl Day {
    /// A checked date; the years a [`Period`] accepts (1900-2100) only, which also keeps typos
    /// such as 20155 out and makes [`Day::month`] total.
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Result<Day, DayError> {
        if !crate::period::PLAUSIBLE_YEARS.contains(&year) {
            return Err(DayError(format!("jaar {year} valt buiten 1900-2100")));
        }
        if !(1..=12).contains(&month) {
            return Err(DayError(format!(
                "maand {month} bestaat niet (verwacht 1-12)"
            )));
        }
        if day == 0 || day > days_in_month(year, month) {
            return Err(DayError(format!(
                "dag {day} bestaat niet in maand {month} van {year}"
            )));
        }
        Ok(Day(days_from_civil(year, month, day)))
    }

    /// Parses an ISO date `yyyy-mm-dd`, also the date part of an ISO date-time
    /// (`2015-03-07T10:12:00+01:00`, `2015-03-07 10:12:00`).
    pub fn parse_iso(text: &str) -> Result<Day, DayError> {
        let text = text.trim();
        let date = text
            .get(..10)
            .filter(|_| text.len() == 10 || matches!(text.as_bytes()[10], b'T' | b' '))
            .ok_or_else(|| {
                DayError(format!(
                    "'{text}' is geen datum; verwacht jaar-maand-dag zoals 2015-03-07"
                ))
            })?;
        let mut parts = date.split('-');
        let mut number = || parts.next().and_then(|p| p.parse::<u32>().ok());
        match (number(), number(), number()) {
            (Some(y), Some(m), Some(d)) => Day::from_ymd(y as i32, m, d),
            _ => Err(DayError(format!(
                "'{text}' is geen datum; verwacht jaar-maand-dag zoals 2015-03-07"
            ))),
        }
    }

    /// Days since 1970-01-01.
    pub fn from_days(days: i32) -> Day {
        Day(days)
    }

    pub fn days_since_epoch(self) -> i32 {
        self.0
    }

    pub fn ymd(self) -> (i32, u32, u32) {
        civil_from_days(self.0)
    }

    /// The first day of a month or year.
    pub fn first_of(period: Period) -> Day {
        match period {
            Period::Month { year, month } => Day(days_from_civil(year, month, 1)),
            Period::Year(year) => Day(days_from_civil(year, 1, 1)),
        }
    }

    /// The last day of a month or year.
    pub fn last_of(period: Period) -> Day {
        match period {
            Period::Month { year, month } => {
                Day(days_from_civil(year, month, days_in_month(year, month)))
            }
            Period::Year(year) => Day(days_from_civil(year, 12, 31)),
        }
    }

    /// As Dutch readers write a date: `7 maart 2015`.
    pub fn dutch(self) -> String {
        crate::dutch::period::day(self)
    }

    /// The calendar month it lies in.
    pub fn month(self) -> Period {
        let (year, month, _) = self.ymd();
        Period::month(year, month).expect("a day's month is a valid period")
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

impl serde::Serialize for Day {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

fn days_from_civil(year: i32, month: u32, day: u32) -> i32 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_index = (month + 9) % 12;
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year as i32;
    era * 146_097 + day_of_era - 719_468
}

fn civil_from_days(days: i32) -> (i32, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = year_of_era + era * 400 + i32::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_day_of_two_centuries() {
        let mut previous = Day::from_ymd(1900, 1, 1).unwrap().days_since_epoch() - 1;
        for year in 1900..2100 {
            for month in 1..=12 {
                for day in 1..=days_in_month(year, month) {
                    let d = Day::from_ymd(year, month, day).unwrap();
                    assert_eq!(d.days_since_epoch(), previous + 1);
                    previous = d.days_since_epoch();
                    assert_eq!(d.ymd(), (year, month, day));
                }
            }
        }
        assert_eq!(Day::from_ymd(1970, 1, 1).unwrap().days_since_epoch(), 0);
    }

    #[test]
    fn parses_iso_dates_and_refuses_others() {
        assert_eq!(
            Day::parse_iso("2015-03-07T10:12:00+01:00")
                .unwrap()
                .to_string(),
            "2015-03-07"
        );
        assert_eq!(
            Day::parse_iso("2016-02-29").unwrap().month().to_string(),
            "2016-02"
        );
        assert!(Day::parse_iso("2015-02-29").is_err());
        assert!(Day::parse_iso("7-3-2015").is_err());
        assert!(Day::parse_iso("2015-03-07x").is_err());
    }
}
