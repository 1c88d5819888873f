//! The address lookup file that places registrations given by postcode and house number: a BAG
//! extract the municipality provides (one line per address with its RD New or WGS84 point).
//! Only the point of each address is used; the file itself is never stored.
//!
//! The format (docs/registraties-mapping.md): CSV, `;` or `,`, UTF-8 or Windows-1252, a header
//! naming at least `postcode`, `huisnummer` and a point, either `x` and `y` (RD New metres) or
//! `lon` and `lat` (WGS84); `huisletter` and `toevoeging` (also `huisnummertoevoeging`, as
//! NLExtract's and PDOK's BAG address exports write it) are optional. Header names are compared
//! without case; other columns (street, woonplaats, object id, …) are ignored.

use std::collections::HashMap;

use buurtbeeld_cube::RdPoint;

use crate::problem::{csv_problem, ImportError, Problems};
use crate::registrations::{read_point, Crs};
use crate::text;

/// An address as the lookup keys it: postcode `9712AB`, house number, letter and addition
/// upper-cased (empty when there is none).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct AddressKey {
    pub postcode: String,
    pub number: u32,
    pub letter: String,
    pub addition: String,
}

/// The addresses of a lookup file with their points.
#[derive(Debug)]
pub(crate) struct AddressLookup {
    points: HashMap<AddressKey, RdPoint>,
}

/// A Dutch postcode (`9712 AB`, `9712ab`) as `9712AB`, or None.
pub(crate) fn normal_postcode(raw: &str) -> Option<String> {
    let compact: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    let bytes = compact.as_bytes();
    let valid = bytes.len() == 6
        && bytes[0] != b'0'
        && bytes[..4].iter().all(u8::is_ascii_digit)
        && bytes[4..].iter().all(u8::is_ascii_alphabetic);
    valid.then(|| compact.to_ascii_uppercase())
}

/// A house number as exports write it: `12`, `12.0` (a spreadsheet number), or with its letter
/// and addition in the same field (`12a`, `12 A`, `12-2`, `12A-1`, `12 bis`); returns the
/// number, the letter and the addition.
pub(crate) fn split_house_number(raw: &str) -> Option<(u32, String, String)> {
    let raw = raw.trim();
    let raw = raw.strip_suffix(".0").unwrap_or(raw);
    let digits_end = raw.find(|c: char| !c.is_ascii_digit()).unwrap_or(raw.len());
    let number: u32 = raw[..digits_end].parse().ok()?;
    if number == 0 || number > 99_999 {
        return None;
    }
    let rest = raw[digits_end..].trim_start_matches([' ', '-', '/']);
    let mut chars = rest.chars();
    let (letter, addition) = match (chars.next(), chars.next()) {
        (None, _) => (String::new(), String::new()),
        (Some(l), None) if l.is_ascii_alphabetic() => (l.to_string(), String::new()),
        (Some(l), Some(' ' | '-' | '/')) if l.is_ascii_alphabetic() => {
            (l.to_string(), rest[2..].trim().to_owned())
        }
        _ => (String::new(), rest.trim().to_owned()),
    };
    if addition.len() > 4 || !addition.chars().all(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    Some((
        number,
        letter.to_ascii_uppercase(),
        addition.to_ascii_uppercase(),
    ))
}

/// Where the header keeps the columns the lookup reads.
struct Columns {
    postcode: usize,
    number: usize,
    letter: Option<usize>,
    addition: Option<usize>,
    x: usize,
    y: usize,
    crs: Crs,
}

impl Columns {
    fn find(headers: &[String]) -> Option<Columns> {
        let column = |names: &[&str]| {
            headers
                .iter()
                .position(|h| names.iter().any(|n| h.eq_ignore_ascii_case(n)))
        };
        let (x, y, crs) = match (column(&["x"]), column(&["y"])) {
            (Some(x), Some(y)) => (x, y, Crs::RdNew),
            _ => (
                column(&["lon", "longitude"])?,
                column(&["lat", "latitude"])?,
                Crs::Wgs84,
            ),
        };
        Some(Columns {
            postcode: column(&["postcode"])?,
            number: column(&["huisnummer"])?,
            letter: column(&["huisletter"]),
            addition: column(&["toevoeging", "huisnummertoevoeging"]),
            x,
            y,
            crs,
        })
    }
}

impl AddressLookup {
    /// Reads a lookup file; `name` is how problems name it.
    pub(crate) fn read(name: &str, bytes: &[u8]) -> Result<AddressLookup, ImportError> {
        let mut problems = Problems::new(name);
        let text = text::utf8_or_windows_1252(bytes);
        if text.trim().is_empty() {
            return Err(problems.fatal(None, None, "het adressenbestand is leeg"));
        }
        let first_line = text.lines().next().unwrap_or("");
        let delimiter = if first_line.matches(';').count() >= first_line.matches(',').count() {
            b';'
        } else {
            b','
        };
        let mut csv = text::csv_builder(delimiter).from_reader(text.as_bytes());
        let headers: Vec<String> = match csv.headers() {
            Ok(h) => h
                .iter()
                .map(|h| {
                    String::from_utf8_lossy(text::strip_bom(h.as_bytes()))
                        .trim()
                        .to_owned()
                })
                .collect(),
            Err(e) => {
                return Err(problems.fatal(Some(1), None, format!("onleesbare kopregel: {e}")))
            }
        };
        let Some(columns) = Columns::find(&headers) else {
            return Err(problems.fatal(
                Some(1),
                None,
                format!(
                    "verwacht een BAG-adressenbestand met de kolommen postcode, huisnummer, \
                     eventueel huisletter en toevoeging, en x en y (RD New) of lon en lat \
                     (WGS84); de kopregel heeft: {}",
                    headers.join(", ")
                ),
            ));
        };
        let mut points: HashMap<AddressKey, (RdPoint, u64)> = HashMap::new();
        for record in csv.records() {
            let record = match record {
                Ok(r) => r,
                Err(e) => {
                    let (line, message) = csv_problem(&e, delimiter);
                    problems.add(line, None, message);
                    if problems.is_full() {
                        break;
                    }
                    continue;
                }
            };
            let line = record.position().map_or(0, |p| p.line());
            let field = |i: usize| record.get(i).unwrap_or("").trim();
            if record.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            let Some(postcode) = normal_postcode(field(columns.postcode)) else {
                problems.add(
                    Some(line),
                    Some(&headers[columns.postcode]),
                    format!(
                        "'{}' is geen postcode; verwacht vier cijfers en twee letters, zoals \
                         9712 AB",
                        field(columns.postcode)
                    ),
                );
                continue;
            };
            let number = field(columns.number);
            let number = number
                .strip_suffix(".0")
                .unwrap_or(number)
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=99_999).contains(n));
            let Some(number) = number else {
                problems.add(
                    Some(line),
                    Some(&headers[columns.number]),
                    format!(
                        "'{}' is geen huisnummer; verwacht een geheel getal van 1 tot 99999",
                        field(columns.number)
                    ),
                );
                continue;
            };
            let letter = columns.letter.map_or("", |i| field(i)).to_ascii_uppercase();
            if letter.chars().count() > 1 || !letter.chars().all(|c| c.is_ascii_alphabetic()) {
                problems.add(
                    Some(line),
                    columns.letter.map(|i| headers[i].as_str()),
                    format!("'{letter}' is geen huisletter; verwacht één letter of niets"),
                );
                continue;
            }
            let addition = columns
                .addition
                .map_or("", |i| field(i))
                .to_ascii_uppercase();
            let point = match read_point(field(columns.x), field(columns.y), columns.crs) {
                Ok(p) => p,
                Err(message) => {
                    problems.add(Some(line), Some(&headers[columns.x]), message);
                    if problems.is_full() {
                        break;
                    }
                    continue;
                }
            };
            let key = AddressKey {
                postcode,
                number,
                letter,
                addition,
            };
            match points.get(&key) {
                Some((earlier, _)) if *earlier == point => {}
                Some((_, earlier_line)) => problems.add(
                    Some(line),
                    Some(&headers[columns.postcode]),
                    format!(
                        "dit adres staat al op regel {earlier_line} met een ander punt; verwacht \
                         elk adres één keer"
                    ),
                ),
                None => {
                    points.insert(key, (point, line));
                }
            }
            if problems.is_full() {
                break;
            }
        }
        if points.is_empty() && problems.is_empty() {
            problems.add(
                None,
                None,
                "het adressenbestand heeft een kopregel maar geen adressen",
            );
        }
        problems.finish(AddressLookup {
            points: points.into_iter().map(|(k, (p, _))| (k, p)).collect(),
        })
    }

    /// The point of an address: the exact address, else the address without its addition, else
    /// the house number alone (a letter or addition the lookup does not have lies in the same
    /// building in practice).
    pub(crate) fn point(&self, key: &AddressKey) -> Option<RdPoint> {
        let without_addition = AddressKey {
            addition: String::new(),
            ..key.clone()
        };
        let number_only = AddressKey {
            letter: String::new(),
            ..without_addition.clone()
        };
        self.points
            .get(key)
            .or_else(|| self.points.get(&without_addition))
            .or_else(|| self.points.get(&number_only))
            .copied()
    }

    pub(crate) fn len(&self) -> usize {
        self.points.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_house_numbers_as_exports_write_them() {
        let split = |raw: &str| split_house_number(raw);
        assert_eq!(split("12"), Some((12, String::new(), String::new())));
        assert_eq!(split("12.0"), Some((12, String::new(), String::new())));
        assert_eq!(split("12a"), Some((12, "A".into(), String::new())));
        assert_eq!(split("12 A"), Some((12, "A".into(), String::new())));
        assert_eq!(split("12-2"), Some((12, String::new(), "2".into())));
        assert_eq!(split("12A-1"), Some((12, "A".into(), "1".into())));
        assert_eq!(split("12 bis"), Some((12, String::new(), "BIS".into())));
        assert_eq!(split("twaalf"), None);
        assert_eq!(split("0"), None);
        assert_eq!(normal_postcode("9712 ab").as_deref(), Some("9712AB"));
        assert_eq!(normal_postcode("0712AB"), None);
        assert_eq!(normal_postcode("9712"), None);
    }

    #[test]
    fn finds_an_address_without_its_letter_or_addition() {
        let csv = "openbareruimtenaam;huisnummer;huisletter;huisnummertoevoeging;postcode;\
                   woonplaatsnaam;x;y\nGrote Markt;1;;;9711LV;Groningen;233850;582050\n\
                   Grote Markt;1;;2;9711LV;Groningen;233860;582060\n";
        let lookup = AddressLookup::read("adressen.csv", csv.as_bytes()).unwrap();
        assert_eq!(lookup.len(), 2);
        let key = |letter: &str, addition: &str| AddressKey {
            postcode: "9711LV".into(),
            number: 1,
            letter: letter.into(),
            addition: addition.into(),
        };
        assert_eq!(lookup.point(&key("", "2")).unwrap().x, 233_860.0);
        assert_eq!(lookup.point(&key("B", "")).unwrap().x, 233_850.0);
        assert!(lookup
            .point(&AddressKey {
                number: 3,
                ..key("", "")
            })
            .is_none());
    }
}
