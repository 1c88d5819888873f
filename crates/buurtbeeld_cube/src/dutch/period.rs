//! Periods written the Dutch way (`maart 2015`, `januari–november 2023`, `1 maart 2015`,
//! `jan–jun 2016 t.o.v. jan–jun 2015`): the one place where months, ranges of months and days
//! become text for people.
//!
//! # Style
//!
//! - A month: `maart 2015`; short (tables, tiles, chart axes): `mrt 2015`.
//! - A range of months within one year: the month names joined by an en dash without spaces,
//!   the year once: `januari–november 2023`, short `jan–nov 2023`.
//! - A range across years: `maart 2015 t/m februari 2016` (`t/m`, "tot en met", so that the
//!   last month is plainly included), short `mrt 2015 t/m feb 2016`.
//! - January to December of one year is that year: `2023`. Any other part of a year is named
//!   by its months, so eleven months are never presented as a year.
//! - Years: `2023`, a range of years `2014–2017`.
//! - A day: `1 maart 2015`.
//! - A comparison: `jan–jun 2016 t.o.v. jan–jun 2015`, or `2016 t.o.v. 2015` for whole years.
//!
//! ISO text (`2015-03`, `2015-03-01`) stays where machines read it: JSON, CSV, URLs, query
//! parameters, form values and file names; [`crate::Period`]'s `Display` is that form.

use crate::{Day, Period, DUTCH_MONTHS};

/// The short month names of Dutch tables and tiles.
pub const SHORT_MONTHS: [&str; 12] = [
    "jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec",
];

/// Long (`maart`) or short (`mrt`) month names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Names {
    Long,
    Short,
}

impl Names {
    fn of(self, month: u32) -> &'static str {
        let index = (month.clamp(1, 12) - 1) as usize;
        match self {
            Names::Long => DUTCH_MONTHS[index],
            Names::Short => SHORT_MONTHS[index],
        }
    }
}

/// A month or a year: `maart 2015`, `2015`.
pub fn period(period: Period) -> String {
    single(period, Names::Long)
}

/// A month or a year with a short month name: `mrt 2015`, `2015`.
pub fn period_short(period: Period) -> String {
    single(period, Names::Short)
}

/// The months or years from `first` to `last`, both included: `januari–november 2023`,
/// `maart 2015 t/m februari 2016`, `2023` (January to December), `2014–2017`.
///
/// `first` after `last` is read as the same range the other way round; a month and a year
/// mixed are read as the months they cover (a year from January, to December).
pub fn range(first: Period, last: Period) -> String {
    months(first, last, Names::Long)
}

/// As [`range`] with short month names: `jan–nov 2023`, `mrt 2015 t/m feb 2016`.
pub fn range_short(first: Period, last: Period) -> String {
    months(first, last, Names::Short)
}

/// The machine label of an answer (`2015`, `2023-03`, `2023-01..2023-11`, as JSON carries it;
/// also `2013-01 – 2016-06`, as the import log keeps the period an import covered) in Dutch: `2015`, `maart 2023`, `januari–november 2023`. Text that is no such label is
/// returned as it is.
pub fn label(iso: &str) -> String {
    parse_label(iso).map_or_else(|| iso.to_owned(), |(a, b)| range(a, b))
}

/// As [`label`] with short month names: `jan–nov 2023`.
pub fn label_short(iso: &str) -> String {
    parse_label(iso).map_or_else(|| iso.to_owned(), |(a, b)| range_short(a, b))
}

/// The range from one machine label's first period to another's last: `2014-07`, `2015-06` →
/// `juli 2014 t/m juni 2015`. Unreadable labels are joined with `t/m` as they are.
pub fn range_of_labels(first: &str, last: &str) -> String {
    match (parse_label(first), parse_label(last)) {
        (Some((a, _)), Some((_, b))) => range(a, b),
        _ => format!("{first} t/m {last}"),
    }
}

/// Two machine labels compared, short: `jan–jun 2016 t.o.v. jan–jun 2015`, `2016 t.o.v. 2015`.
pub fn comparison_label(current: &str, previous: &str) -> String {
    format!("{} t.o.v. {}", label_short(current), label_short(previous))
}

fn parse_label(iso: &str) -> Option<(Period, Period)> {
    match iso.split_once("..").or_else(|| iso.split_once(" – ")) {
        Some((a, b)) => Some((Period::parse_iso(a).ok()?, Period::parse_iso(b).ok()?)),
        None => Period::parse_iso(iso).ok().map(|p| (p, p)),
    }
}

/// A day: `1 maart 2015`.
pub fn day(day: Day) -> String {
    let (year, month, day) = day.ymd();
    format!("{day} {} {year}", Names::Long.of(month))
}

/// An ISO date (`2015-03-01`) as a Dutch day (`1 maart 2015`); other text is returned as it is,
/// for dates that were free text in a plan file.
pub fn day_text(text: &str) -> String {
    match Day::parse_iso(text) {
        Ok(parsed) if text.trim().len() == 10 => day(parsed),
        _ => text.to_owned(),
    }
}

fn single(period: Period, names: Names) -> String {
    match period {
        Period::Month { year, month } => format!("{} {year}", names.of(month)),
        Period::Year(year) => year.to_string(),
    }
}

/// (year, month) of the first and last month covered, in order.
fn bounds(first: Period, last: Period) -> ((i32, u32), (i32, u32)) {
    let start = |p: Period| match p {
        Period::Month { year, month } => (year, month),
        Period::Year(year) => (year, 1),
    };
    let end = |p: Period| match p {
        Period::Month { year, month } => (year, month),
        Period::Year(year) => (year, 12),
    };
    let (a, b) = if first <= last || first.frequency() != last.frequency() {
        (first, last)
    } else {
        (last, first)
    };
    let (from, to) = (start(a), end(b));
    if from <= to {
        (from, to)
    } else {
        (start(b), end(a))
    }
}

fn months(first: Period, last: Period, names: Names) -> String {
    if let (Period::Year(a), Period::Year(b)) = (first, last) {
        let (a, b) = (a.min(b), a.max(b));
        return if a == b {
            a.to_string()
        } else {
            format!("{a}–{b}")
        };
    }
    let ((first_year, first_month), (last_year, last_month)) = bounds(first, last);
    match (first_year == last_year, first_month, last_month) {
        (true, 1, 12) => first_year.to_string(),
        (false, 1, 12) => format!("{first_year}–{last_year}"),
        (true, a, b) if a == b => format!("{} {first_year}", names.of(a)),
        (true, a, b) => format!("{}–{} {first_year}", names.of(a), names.of(b)),
        (false, a, b) => format!(
            "{} {first_year} t/m {} {last_year}",
            names.of(a),
            names.of(b)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn m(year: i32, month: u32) -> Period {
        Period::month(year, month).unwrap()
    }

    #[test]
    fn writes_the_chosen_style() {
        assert_eq!(period(m(2015, 3)), "maart 2015");
        assert_eq!(period_short(m(2015, 3)), "mrt 2015");
        assert_eq!(period(Period::Year(2015)), "2015");
        assert_eq!(range(m(2023, 1), m(2023, 11)), "januari–november 2023");
        assert_eq!(range_short(m(2023, 1), m(2023, 11)), "jan–nov 2023");
        assert_eq!(
            range(m(2015, 3), m(2016, 2)),
            "maart 2015 t/m februari 2016"
        );
        assert_eq!(range(m(2023, 1), m(2023, 12)), "2023");
        assert_eq!(range(m(2014, 1), m(2017, 12)), "2014–2017");
        assert_eq!(range(m(2016, 1), m(2016, 6)), "januari–juni 2016");
        assert_eq!(range(m(2015, 3), m(2015, 3)), "maart 2015");
        assert_eq!(range(Period::Year(2014), Period::Year(2017)), "2014–2017");
        assert_eq!(range(Period::Year(2014), Period::Year(2014)), "2014");
        assert_eq!(comparison_label("2016", "2015"), "2016 t.o.v. 2015");
        assert_eq!(label("2023-01..2023-11"), "januari–november 2023");
        assert_eq!(label("2023-03"), "maart 2023");
        assert_eq!(label("2015"), "2015");
        assert_eq!(label(""), "");
        assert_eq!(label("2013-01 – 2016-06"), "januari 2013 t/m juni 2016");
        assert_eq!(
            range_of_labels("2014-07", "2015-06"),
            "juli 2014 t/m juni 2015"
        );
        assert_eq!(
            comparison_label("2016-01..2016-06", "2015-01..2015-06"),
            "jan–jun 2016 t.o.v. jan–jun 2015"
        );
        assert_eq!(day(Day::from_ymd(2015, 3, 1).unwrap()), "1 maart 2015");
        assert_eq!(day_text("2015-03-01"), "1 maart 2015");
        assert_eq!(day_text("voorjaar 2015"), "voorjaar 2015");
    }

    fn any_month() -> impl Strategy<Value = Period> {
        (1900i32..=2100, 1u32..=12).prop_map(|(y, mo)| m(y, mo))
    }

    proptest! {
        #[test]
        fn never_iso(a in any_month(), b in any_month()) {
            for text in [range(a, b), range_short(a, b), period(a), period_short(a)] {
                prop_assert!(!text.contains(".."), "{text}");
                prop_assert!(!text.contains(" tot "), "{text}");
                let iso = format!("{}-", a.calendar_year());
                prop_assert!(!text.contains(&iso), "{text}");
            }
        }

        #[test]
        fn january_to_december_is_the_bare_year(year in 1900i32..=2100) {
            prop_assert_eq!(range(m(year, 1), m(year, 12)), year.to_string());
            prop_assert_eq!(range_short(m(year, 1), m(year, 12)), year.to_string());
        }

        #[test]
        fn a_part_of_a_year_names_its_months(year in 1900i32..=2100, first in 1u32..=12, last in 1u32..=12) {
            prop_assume!(!(first.min(last) == 1 && first.max(last) == 12));
            let text = range(m(year, first), m(year, last));
            prop_assert_ne!(&text, &year.to_string());
            prop_assert!(text.contains(DUTCH_MONTHS[(first.min(last) - 1) as usize]), "{}", text);
            prop_assert!(text.ends_with(&year.to_string()));
        }

        #[test]
        fn order_does_not_matter(a in any_month(), b in any_month()) {
            prop_assert_eq!(range(a, b), range(b, a));
        }
    }
}
