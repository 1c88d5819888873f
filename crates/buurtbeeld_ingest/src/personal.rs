//! Refusal of personal data: buurtbeeld works on counts and anonymous incidents only, so a file
//! with a column (or JSON property) that identifies persons is refused at import, by the
//! column's name or by what its values look like.
//!
//! # By name
//!
//! `personal_field` refuses a column whose name says it holds personal data. The name is
//! lower-cased and read both as its words (split at spaces, `_`, `-`, `.`, `/`) and as one word
//! with those removed, so `Geb. datum`, `Tel.nr`, `NaamDader` and `Naam_dader` are all seen:
//! - whole names that mean a person or a personal attribute: `naam`, `name`, `adres`, `geslacht`,
//!   `leeftijd`, `tel`, `mobiel`, `mail`, … (`PERSONAL_NAMES`);
//! - fragments that mean personal data wherever they occur: `bsn`, `voornaam`,
//!   `geboortedatum`, `gebdatum`, `telefoon`, `telnr`, `email`, `woonadres`, `kenteken`, `iban`,
//!   … (`PERSONAL_FRAGMENTS`);
//! - a person's role in the singular (`verdachte`, `aangever`, `slachtoffer`, `dader`, `melder`,
//!   `getuige`, …) as a word, or joined to a personal attribute (`verdachtenaam`,
//!   `leeftijdverdachte`): `Naam dader`, `Woonadres verdachte` and `Telnr aangever` are about one
//!   person. The plural is a count and is kept: BVH's `Verdachten` counts suspects.
//!
//! Names that are not refused although they contain such letters: area names (`BU_NAAM`,
//! `Gemeentenaam_1`, CBS's `Naam_2`), the offence location of a BVH export (`Pleegstraatnaam`,
//! `Pleeghuisnummer met toev.`, `Pleegpostcode`: where something happened, not who; the incident
//! reader drops them without storing them), and CBS area statistics (`GeboorteTotaal_25` counts
//! births, `Omgevingsadressendichtheid_118` is a density).
//!
//! # The allow-list of area names
//!
//! `naam` and `name` are refused in a table, where they name a person as often as anything else.
//! In an area file (GeoJSON boundaries) they are the area's name: Gemeente Groningen's own
//! buurtindeling has `CODE`/`NAAM`, other municipalities write `naam` or `name`, CBS writes
//! `BU_NAAM`, `WK_NAAM`, `GM_NAAM` and `statnaam`. `AREA_NAME_PROPERTIES` lists them; the area
//! reader passes it to `report_personal_keys`, and only the name check is waived: the values
//! are still checked by content, so `"NAAM": "J. Jansen"` is refused as a person's name.
//!
//! # By content
//!
//! The values of every column a reader does not itself parse as a known field (codes, counts,
//! periods, coordinates are parsed and checked already) are looked at, in the first 100.000
//! data rows of a CSV file (`SCAN_ROWS`), so a multi-GiB police table costs no more than a
//! small one: in a release build about 4 µs per row of 30 free-text columns (the Groningen BVH
//! export: 12.399 rows in 45 ms), and nothing for a coded police table's parsed columns. A
//! column is refused when:
//! - **burgerservicenummers**: at least half of its non-empty values are nine-digit numbers (eight
//!   when a spreadsheet dropped the leading zero; dots and spaces allowed) and at least nine in
//!   ten of those pass the 11-proof (the digits weighted 9…2, minus the last, sum to a multiple of
//!   11). A column of nine-digit ids or amounts passes it for about one value in eleven, so
//!   it is kept;
//! - **dates of birth**: at least half of its non-empty values are dates (`d-m-yyyy`, `d/m/yyyy`,
//!   `d.m.yyyy`, `yyyy-mm-dd`, with or without a time) and at least half of those lie in a year at least 12
//!   years before the first year of the file's period (a BVH export: its first registration
//!   year), or before 1995 where the reader does not know the period. Offences are registered
//!   within months or a few years of happening; people are born decades before;
//! - **phone numbers**: any value holds a Dutch phone number (`06-12345678`, `050 123 45 67`,
//!   `+31 6 …`, `0031 6 …`, ten digits starting with 0 and an area code or 06; 08x/09x service
//!   numbers excepted), also inside free text;
//! - **e-mail addresses**: any value holds one, also inside free text;
//! - **addresses**: any value holds a postcode with a house number (`9712 AB 12`, `9712AB 12a`,
//!   `Straat 12, 9712 AB`), or, where a file has a postcode column and a house-number column,
//!   a row has a full postcode in the one and a house number in the other. A postcode alone is
//!   not an address (buurt maps carry the most common postcode of a buurt), and the offence
//!   location columns of a BVH export (`Pleeg…`) are not counted;
//! - **names of persons**: in a column whose name says it holds names (`…naam…`, `…name…`), at
//!   least half of the non-empty values look like a person's name: initials and a family name
//!   (`J. Jansen`, `J.P. de Vries`), a salutation (`Dhr. Jansen`), `Jansen, J.`, or a common
//!   given name and a family name (`Jan de Vries`), but not a name ending like a place
//!   (`Jan Steenstraat`, `Piet Heinbuurt`) nor a name the CBS code lists give an area (`Gerard
//!   Dou`, `Maria Hoop`: buurten named after people).
//!
//! Phone numbers, e-mail addresses and addresses are refused on one value because nothing
//! else looks like them and a free-text column holds them one at a time; the other kinds by
//! their share, because a single nine-digit number, old date or two-word name proves nothing.
//!
//! A JSON record (a GeoJSON feature, an OData record) is one area or one cell, so its properties
//! are judged one value at a time with the same recognisers: phone numbers, e-mail addresses,
//! addresses (also split over a postcode and a house-number property), text that is an 11-proof
//! nine-digit number, and person names in name properties. Dates are not judged there: one date
//! says nothing about a birth.
//!
//! # Registrations read through a mapping
//!
//! `mapped.rs` checks every header by name, dropped columns included, and scans by content every
//! column it neither parses nor was told to drop (`drop` in the mapping file): the registration
//! number too, because it is kept. Dropped columns (free text such as `Opmerking`) are not
//! scanned: they are never read, and a free-text column would refuse nearly every real export.
//!
//! The refusal names the file, the line (feature, record) of the first offending value, the
//! column and what kind of personal data it looks like; it never repeats the value, which is
//! the personal data itself.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::OnceLock;

use crate::codelists::code_lists;
use crate::personal_values::{
    bsn_digits, contains_address, contains_email, contains_phone, date_year, is_house_number,
    is_postcode, looks_like_person_name, passes_elfproef,
};
use crate::problem::{ImportError, Problems};

/// Whole column names (without separators) that identify persons or their attributes.
const PERSONAL_NAMES: &[&str] = &[
    "naam", "name", "fullname", "adres", "address", "geslacht", "leeftijd", "geboren", "tel",
    "mobiel", "gsm", "phone", "mail", "dob",
];

/// Column-name fragments that identify persons wherever they occur in the name (without
/// separators).
const PERSONAL_FRAGMENTS: &[&str] = &[
    "bsn",
    "burgerservicenummer",
    "sofinummer",
    "voornaam",
    "achternaam",
    "roepnaam",
    "geslachtsnaam",
    "familienaam",
    "voorletters",
    "initialen",
    "tussenvoegsel",
    "firstname",
    "lastname",
    "surname",
    "persoonsnaam",
    "geboortedatum",
    "geboortedag",
    "geboorteplaats",
    "geboortejaar",
    "gebdatum",
    "gebdat",
    "gebjaar",
    "gebplaats",
    "geborenop",
    "birth",
    "telefoon",
    "telnr",
    "telnummer",
    "mobielnummer",
    "mobielnr",
    "email",
    "mailadres",
    "woonadres",
    "huisadres",
    "thuisadres",
    "postadres",
    "verblijfsadres",
    "verblijfadres",
    "correspondentieadres",
    "contactpersoon",
    "kenteken",
    "paspoort",
    "rijbewijs",
    "identiteitsbewijs",
    "iban",
    "rekeningnummer",
    "bankrekening",
    "nationaliteit",
];

/// The people an incident is about, in the singular: a column named after one holds something of
/// that person. Their plurals (`verdachten`, `slachtoffers`) are counts.
const ROLES: &[&str] = &[
    "verdachte",
    "aangever",
    "aangeefster",
    "slachtoffer",
    "dader",
    "melder",
    "getuige",
    "betrokkene",
    "benadeelde",
    "bewoner",
];

/// What a column named after a role joined into one word may say of that person
/// (`verdachtenaam`, `leeftijdverdachte`, `slachtoffernummer`).
const ROLE_ATTRIBUTES: &[&str] = &[
    "naam",
    "adres",
    "woonplaats",
    "postcode",
    "huisnummer",
    "datum",
    "geb",
    "tel",
    "mobiel",
    "mail",
    "bsn",
    "leeftijd",
    "geslacht",
    "nationaliteit",
    "kenteken",
    "nummer",
    "nr",
    "id",
];

/// Area-name properties of area files (GeoJSON boundaries), compared without case and
/// separators: there `naam` and `name` are the area's name, not a person's. Only the name check
/// is waived; their values are still checked for persons' names and other personal data.
pub(crate) const AREA_NAME_PROPERTIES: &[&str] = &[
    "NAAM",
    "name",
    "statnaam",
    "BU_NAAM",
    "WK_NAAM",
    "GM_NAAM",
    "buurtnaam",
    "wijknaam",
    "gemeentenaam",
    "gebiedsnaam",
];

/// How many data rows of a CSV file are scanned for personal data by content: enough for a
/// column's share and for a stray value in free text of any export a municipality handles,
/// and a bounded cost on a national police table of several GiB.
pub(crate) const SCAN_ROWS: u64 = 100_000;

/// A date column is read as dates of birth when its dates lie this many years or more before
/// the first year of the file's period.
const BIRTH_YEARS_BEFORE_PERIOD: i32 = 12;

/// The last year of a date of birth, by the rule above, where the reader does not know the
/// file's period: dates before 1995.
const LAST_BIRTH_YEAR_WITHOUT_PERIOD: i32 = 1994;

/// The trimmed header row of a CSV (BOM removed); every column that looks like personal data is
/// recorded as a problem on line 1.
pub(crate) fn checked_headers<R: std::io::Read>(
    file: &str,
    csv: &mut csv::Reader<R>,
    problems: &mut Problems,
) -> Result<Vec<String>, ImportError> {
    let headers: Vec<String> = csv
        .byte_headers()
        .map_err(|e| Problems::new(file).fatal(Some(1), None, format!("onleesbare kopregel: {e}")))?
        .iter()
        .map(|h| {
            String::from_utf8_lossy(crate::text::strip_bom(h))
                .trim()
                .to_owned()
        })
        .collect();
    for h in &headers {
        if let Some(why) = personal_field(h) {
            problems.add(Some(1), Some(h), why);
        }
    }
    Ok(headers)
}

/// Records each personal property of a JSON object (a GeoJSON feature's properties, an OData
/// record), by its name unless `allowed` lists it (`AREA_NAME_PROPERTIES` for area files), and
/// by its value; a property `reported` holds already is not recorded again, so that a file
/// names each such property once.
pub(crate) fn report_personal_keys(
    problems: &mut Problems,
    at: Option<u64>,
    object: &serde_json::Map<String, serde_json::Value>,
    reported: &mut BTreeSet<String>,
    allowed: &[&str],
) {
    for (key, value) in object {
        if reported.contains(key) {
            continue;
        }
        let by_name = !is_listed(key, allowed) && is_personal_name(key);
        let why = if by_name {
            Some(refusal("eigenschap", key, None))
        } else {
            let what = json_value_kinds(key, value, object);
            (!what.is_empty()).then(|| refusal("eigenschap", key, Some(&what.join("; "))))
        };
        if let Some(why) = why {
            reported.insert(key.clone());
            problems.add(at, Some(key), why);
        }
    }
}

/// If the column's name says it holds personal data, says why.
pub fn personal_field(column: &str) -> Option<String> {
    is_personal_name(column).then(|| refusal("kolom", column, None))
}

/// The refusal of a column or property: by its name (`what` None) or by what its values look
/// like. The value itself is never part of it.
fn refusal(holder: &str, name: &str, what: Option<&str>) -> String {
    let found = what.map_or_else(String::new, |w| {
        format!(": {w}; de waarde zelf wordt hier niet herhaald")
    });
    format!(
        "{holder} '{name}' lijkt persoonsgegevens te bevatten{found}; buurtbeeld slaat geen \
         gegevens op die personen herkenbaar maken: verwijder de {holder} en importeer opnieuw"
    )
}

/// The name's words, lower-cased, split at anything that is not a letter or digit.
fn words(name: &str) -> Vec<String> {
    name.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Whether `name` is one of `list`, compared without case and separators.
fn is_listed(name: &str, list: &[&str]) -> bool {
    let compact = words(name).concat();
    list.iter().any(|l| words(l).concat() == compact)
}

/// Whether the column's name says it holds personal data (the rules in the module doc).
fn is_personal_name(column: &str) -> bool {
    let words = words(column);
    let compact = words.concat();
    PERSONAL_NAMES.contains(&compact.as_str())
        || PERSONAL_FRAGMENTS.iter().any(|f| compact.contains(f))
        || words.iter().any(|w| names_one_person(w))
}

/// Whether a word names a role in the singular: the role alone, joined to a personal attribute
/// (`verdachtenaam`, `leeftijdverdachte`) or as a co- or main person (`medeverdachte`), not its
/// plural (`verdachten`) nor a compound about something else (`slachtofferhulp`).
fn names_one_person(word: &str) -> bool {
    ROLES.iter().any(|role| {
        word.match_indices(role).any(|(at, _)| {
            let (before, after) = (&word[..at], &word[at + role.len()..]);
            let attribute_before = before.is_empty()
                || matches!(before, "mede" | "hoofd")
                || ROLE_ATTRIBUTES.iter().any(|a| before.ends_with(a));
            let attribute_after =
                after.is_empty() || ROLE_ATTRIBUTES.iter().any(|a| after.starts_with(a));
            attribute_before && attribute_after
        })
    })
}

/// Whether a column or property name says it holds names (`Naam`, `BU_NAAM`, `name`).
fn is_name_column(name: &str) -> bool {
    let compact = words(name).concat();
    // BVH's `Kennisnamedatum/tijd` is the moment of registration, not a name.
    compact.contains("naam") || (compact.contains("name") && !compact.contains("kennisname"))
}

/// Whether a column is the offence location of a BVH export (`Pleegpostcode`, …).
fn is_offence_location(name: &str) -> bool {
    words(name).concat().starts_with("pleeg")
}

fn is_postcode_column(name: &str) -> bool {
    let compact = words(name).concat();
    (compact.contains("postcode") || compact == "pc6") && !is_offence_location(name)
}

fn is_house_number_column(name: &str) -> bool {
    let compact = words(name).concat();
    (compact.contains("huisnummer") || compact.contains("huisnr") || compact == "housenumber")
        && !is_offence_location(name)
}

/// Whether a value looks like a person's name and is not the name of an area in the CBS code
/// lists: a few areas carry a person's name (`Gerard Dou`, `Maria Hoop`, `Nico Bergsteijn`).
fn is_person_name(value: &str) -> bool {
    looks_like_person_name(value) && !published_area_names().contains(value.trim())
}

/// Every gemeente, wijk and buurt name of the shipped code lists.
fn published_area_names() -> &'static HashSet<String> {
    static NAMES: OnceLock<HashSet<String>> = OnceLock::new();
    NAMES.get_or_init(|| {
        let lists = code_lists();
        [&lists.regions_47022, &lists.regions_47018]
            .iter()
            .flat_map(|list| list.by_code.values())
            .map(|region| region.title.clone())
            .collect()
    })
}

/// How often a kind of personal data was seen in a column, and where first.
#[derive(Debug, Default, Clone, Copy)]
struct Seen {
    count: u64,
    first_line: Option<u64>,
}

impl Seen {
    fn add(&mut self, line: Option<u64>) {
        self.count += 1;
        if self.first_line.is_none() {
            self.first_line = line;
        }
    }
}

/// What one column's values looked like.
#[derive(Debug, Default)]
struct ColumnTally {
    /// Position in the record.
    position: usize,
    name: String,
    name_column: bool,
    offence_location: bool,
    non_empty: u64,
    nine_digits: u64,
    bsn: Seen,
    dates: u64,
    /// Dates by year, so that the birth rule can be applied once the file's period is known.
    date_years: BTreeMap<i32, Seen>,
    phone: Seen,
    email: Seen,
    address: Seen,
    person_name: Seen,
    /// Rows where this (postcode) column and the house-number column form an address.
    split_address: Seen,
}

impl ColumnTally {
    fn new(position: usize, name: &str) -> ColumnTally {
        ColumnTally {
            position,
            name: name.to_owned(),
            name_column: is_name_column(name),
            offence_location: is_offence_location(name),
            ..ColumnTally::default()
        }
    }

    fn observe(&mut self, line: Option<u64>, value: &str) {
        let value = value.trim();
        if value.is_empty() {
            return;
        }
        self.non_empty += 1;
        if value.bytes().any(|b| b.is_ascii_digit()) {
            if let Some(digits) = bsn_digits(value) {
                self.nine_digits += 1;
                if passes_elfproef(&digits) {
                    self.bsn.add(line);
                }
            }
            if let Some(year) = date_year(value) {
                self.dates += 1;
                self.date_years.entry(year).or_default().add(line);
            }
            if contains_phone(value) {
                self.phone.add(line);
            }
            if !self.offence_location && contains_address(value) {
                self.address.add(line);
            }
        }
        if value.contains('@') && contains_email(value) {
            self.email.add(line);
        }
        if self.name_column && is_person_name(value) {
            self.person_name.add(line);
        }
    }

    /// What kinds of personal data the column holds by the rules in the module doc, each with
    /// the line of its first value, in a fixed order; `last_birth_year` None skips dates.
    fn verdict(&self, last_birth_year: Option<i32>) -> Vec<(Option<u64>, Finding)> {
        let mut found = Vec::new();
        let half = |part: u64, whole: u64| part > 0 && part * 2 >= whole;
        if half(self.nine_digits, self.non_empty) && self.bsn.count * 10 >= self.nine_digits * 9 {
            found.push((self.bsn.first_line, Finding::Bsn));
        }
        if let Some(last) = last_birth_year {
            let old = self
                .date_years
                .range(..=last)
                .fold(Seen::default(), |old, (_, seen)| Seen {
                    count: old.count + seen.count,
                    first_line: old.first_line.into_iter().chain(seen.first_line).min(),
                });
            if half(self.dates, self.non_empty) && half(old.count, self.dates) {
                found.push((old.first_line, Finding::BirthDates(last)));
            }
        }
        for (seen, finding) in [
            (self.phone, Finding::Phone),
            (self.email, Finding::Email),
            (self.address, Finding::Address),
            (self.split_address, Finding::SplitAddress),
        ] {
            if seen.count > 0 {
                found.push((seen.first_line, finding));
            }
        }
        if half(self.person_name.count, self.non_empty) {
            found.push((self.person_name.first_line, Finding::PersonName));
        }
        found
    }
}

/// A kind of personal data found in a column's (or a property's) values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Finding {
    Bsn,
    /// Dates of birth: most dates lie in this year or before.
    BirthDates(i32),
    Phone,
    Email,
    Address,
    /// With the file's house-number column, the postcodes make addresses.
    SplitAddress,
    PersonName,
}

impl Finding {
    /// What a user reads: of a CSV column's values, or (`one_value`) of one JSON property's value.
    /// `house` names the house-number column of a `SplitAddress`.
    fn describe(self, one_value: bool, house: &str) -> String {
        match (self, one_value) {
            (Finding::Bsn, false) => {
                "de waarden lijken burgerservicenummers (negen cijfers die de elfproef doorstaan)"
                    .to_owned()
            }
            (Finding::Bsn, true) => {
                "de waarde lijkt een burgerservicenummer (negen cijfers die de elfproef doorstaan)"
                    .to_owned()
            }
            (Finding::BirthDates(last), _) => format!(
                "de waarden lijken geboortedatums (de meeste datums liggen in {last} of eerder, \
                 ruim vóór de periode van het bestand)"
            ),
            (Finding::Phone, false) => "er staan telefoonnummers in".to_owned(),
            (Finding::Phone, true) => "er staat een telefoonnummer in".to_owned(),
            (Finding::Email, false) => "er staan e-mailadressen in".to_owned(),
            (Finding::Email, true) => "er staat een e-mailadres in".to_owned(),
            (Finding::Address, false) => {
                "er staan adressen in (een postcode met huisnummer)".to_owned()
            }
            (Finding::Address, true) => {
                "er staat een adres in (een postcode met huisnummer)".to_owned()
            }
            (Finding::SplitAddress, false) => format!(
                "samen met de kolom '{house}' vormen de waarden adressen (een postcode met \
                 huisnummer)"
            ),
            (Finding::SplitAddress, true) => format!(
                "samen met de eigenschap '{house}' vormt de waarde een adres (een postcode met \
                 huisnummer)"
            ),
            (Finding::PersonName, false) => "de waarden lijken namen van personen".to_owned(),
            (Finding::PersonName, true) => "de waarde lijkt de naam van een persoon".to_owned(),
        }
    }
}

/// The content check of a CSV file (module doc, "By content"): fed the data rows as they are
/// read, it reports each column that holds personal data once all rows are seen.
#[derive(Debug)]
pub(crate) struct ContentScan {
    columns: Vec<ColumnTally>,
    /// Indexes into `columns` of a postcode and a house-number column, when a file has both.
    address_pair: Option<(usize, usize)>,
    rows: u64,
}

impl ContentScan {
    /// A scan of every column but those the reader parses itself (`parsed`, positions in the
    /// header) and those already refused by their name.
    pub(crate) fn new(headers: &[String], parsed: &[usize]) -> ContentScan {
        let columns: Vec<ColumnTally> = headers
            .iter()
            .enumerate()
            .filter(|(i, h)| !parsed.contains(i) && !is_personal_name(h))
            .map(|(i, h)| ColumnTally::new(i, h))
            .collect();
        let find = |test: fn(&str) -> bool| columns.iter().position(|c| test(&c.name));
        let address_pair = find(is_postcode_column).zip(find(is_house_number_column));
        ContentScan {
            columns,
            address_pair,
            rows: 0,
        }
    }

    /// Looks at one data row, given as its line and a function from column position to text.
    pub(crate) fn observe<'r>(
        &mut self,
        line: Option<u64>,
        field: impl Fn(usize) -> Option<&'r str>,
    ) {
        if self.columns.is_empty() || self.rows >= SCAN_ROWS {
            return;
        }
        self.rows += 1;
        for column in &mut self.columns {
            if let Some(value) = field(column.position) {
                column.observe(line, value);
            }
        }
        if let Some((postcode, house)) = self.address_pair {
            let postcode_value = field(self.columns[postcode].position).unwrap_or("");
            let house_value = field(self.columns[house].position).unwrap_or("");
            if is_postcode(postcode_value) && is_house_number(house_value) {
                self.columns[postcode].split_address.add(line);
            }
        }
    }

    /// Looks at one data row of a `csv::StringRecord`.
    pub(crate) fn observe_record(&mut self, record: &csv::StringRecord) {
        self.observe(record.position().map(|p| p.line()), |i| record.get(i));
    }

    /// Looks at one data row of a `csv::ByteRecord`; fields that are not UTF-8 are skipped (the
    /// reader reports them).
    pub(crate) fn observe_bytes(&mut self, record: &csv::ByteRecord) {
        self.observe(record.position().map(|p| p.line()), |i| {
            record.get(i).and_then(|b| std::str::from_utf8(b).ok())
        });
    }

    /// Records a problem for each column that holds personal data before the problems found so
    /// far: it matters most, and other problems of such a file may be moot once it is mended.
    /// `period_start` is the first year of the file's period where the reader knows it (for the
    /// dates-of-birth rule).
    pub(crate) fn report_first(&self, problems: &mut Problems, period_start: Option<i32>) {
        let mut personal = problems.fresh();
        self.report(&mut personal, period_start);
        problems.prepend(personal);
    }

    /// Records a problem for each column that holds personal data (see `report_first`).
    pub(crate) fn report(&self, problems: &mut Problems, period_start: Option<i32>) {
        let last_birth_year = period_start.map_or(LAST_BIRTH_YEAR_WITHOUT_PERIOD, |y| {
            y - BIRTH_YEARS_BEFORE_PERIOD
        });
        let house = self
            .address_pair
            .map_or("", |(_, h)| self.columns[h].name.as_str());
        for column in &self.columns {
            let found = column.verdict(Some(last_birth_year));
            if found.is_empty() {
                continue;
            }
            let line = found.iter().filter_map(|(l, _)| *l).min();
            let what: Vec<String> = found
                .iter()
                .map(|(_, f)| f.describe(false, house))
                .collect();
            problems.add(
                line,
                Some(&column.name),
                refusal("kolom", &column.name, Some(&what.join("; "))),
            );
        }
    }
}

/// What kinds of personal data one JSON property's value looks like, judged alone (module doc);
/// a postcode property is judged together with a house-number property of the same object.
fn json_value_kinds(
    key: &str,
    value: &serde_json::Value,
    object: &serde_json::Map<String, serde_json::Value>,
) -> Vec<String> {
    let text = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    let mut tally = ColumnTally::new(0, key);
    // A JSON number of nine digits is an amount or an area in m² more often than a BSN, which
    // is an identifier and written as text.
    if let serde_json::Value::String(s) = value {
        tally.observe(None, s);
    }
    let house = if is_postcode_column(key) {
        object.iter().find(|(k, _)| is_house_number_column(k))
    } else {
        None
    };
    if let Some((_, house_value)) = house {
        let address = text(value)
            .zip(text(house_value))
            .is_some_and(|(postcode, number)| is_postcode(&postcode) && is_house_number(&number));
        if address {
            tally.split_address.add(None);
        }
    }
    let house = house.map_or("", |(k, _)| k.as_str());
    tally
        .verdict(None)
        .into_iter()
        .map(|(_, finding)| finding.describe(true, house))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{personal_field, ContentScan, AREA_NAME_PROPERTIES};
    use crate::problem::Problems;

    #[test]
    fn refuses_person_fields_by_name() {
        for bad in [
            "BSN",
            "Naam",
            "Geboortedatum",
            "Naam verdachte",
            "E-mail",
            "Kenteken",
            "Naam dader",
            "Woonadres verdachte",
            "Geb. datum",
            "Geb.datum",
            "Gebdat",
            "Telnr aangever",
            "Tel.nr",
            "Tel. nr.",
            "Telefoonnummer",
            "Mobiel",
            "Mobiel nummer",
            "Adres",
            "Huisadres",
            "Postadres",
            "NaamDader",
            "LeeftijdVerdachte",
            "Verdachte",
            "Slachtoffer",
            "Aangever",
            "Postcode aangever",
            "Woonplaats verdachte",
            "Date of birth",
            "Contactpersoon",
            "IBAN",
        ] {
            assert!(personal_field(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn keeps_counts_area_names_and_offence_locations() {
        for ok in [
            "BU_NAAM",
            "Gemeentenaam_2",
            "Gemeentenaam_1",
            "Naam_2",
            "SorteringNaam_3",
            "Pleegstraatnaam",
            "Pleeghuisnummer met toev.",
            "Pleegpostcode",
            "Verdachten",
            "Aantal verdachten",
            "Slachtoffers",
            "Aangifte",
            "Aanhoudingen",
            "statnaam",
            "Wijken en buurten",
            "Kennisnamedatum/tijd",
            "GeboorteTotaal_25",
            "Omgevingsadressendichtheid_118",
            "MeestVoorkomendePostcode_115",
            "Description",
            "Bronregistratie",
            "programma_naam",
        ] {
            assert!(personal_field(ok).is_none(), "{ok}");
        }
    }

    #[test]
    fn the_allow_list_waives_the_name_check_in_area_files_only() {
        let object = |key: &str, value: &str| {
            let mut map = serde_json::Map::new();
            map.insert(key.to_owned(), serde_json::Value::String(value.to_owned()));
            map
        };
        let problems_for = |key: &str, value: &str, allowed: &[&str]| {
            let mut problems = Problems::new("f").with_unit("feature");
            let mut reported = Default::default();
            super::report_personal_keys(
                &mut problems,
                Some(1),
                &object(key, value),
                &mut reported,
                allowed,
            );
            problems.len()
        };
        for key in ["NAAM", "naam", "Naam", "name", "statnaam", "BU_NAAM"] {
            assert_eq!(
                problems_for(key, "Bloemenbuurt", AREA_NAME_PROPERTIES),
                0,
                "{key}"
            );
        }
        assert_eq!(problems_for("naam", "Bloemenbuurt", &[]), 1);
        assert_eq!(problems_for("NAAM", "J. Jansen", AREA_NAME_PROPERTIES), 1);
        assert_eq!(
            problems_for("telefoon", "Bloemenbuurt", AREA_NAME_PROPERTIES),
            1
        );
    }

    #[test]
    fn a_column_of_ids_that_sometimes_pass_the_elfproef_is_kept() {
        // 40 consecutive nine-digit ids: about one in eleven passes the 11-proof.
        let headers = vec!["Registratienummer".to_owned()];
        let mut scan = ContentScan::new(&headers, &[]);
        let ids: Vec<String> = (0..40).map(|i| (300_000_000 + i).to_string()).collect();
        for (line, id) in ids.iter().enumerate() {
            scan.observe(Some(line as u64 + 2), |_| Some(id.as_str()));
        }
        let mut problems = Problems::new("f");
        scan.report(&mut problems, None);
        assert!(problems.is_empty(), "{:?}", problems.into_error());
    }

    #[test]
    fn no_area_name_of_the_code_lists_is_taken_for_a_person() {
        // Of the 18.000 gemeente, wijk and buurt names CBS publishes, these few look like a
        // person's name by the written forms alone; the code lists tell them apart.
        let names = super::published_area_names();
        let mut lookalikes: Vec<&str> = names
            .iter()
            .map(String::as_str)
            .filter(|n| crate::personal_values::looks_like_person_name(n))
            .collect();
        lookalikes.sort_unstable();
        assert_eq!(
            lookalikes,
            [
                "Gerard Dou",
                "Maria Gewanden",
                "Maria Hoop",
                "N.O. van Schaarsbergen",
                "Nico Bergsteijn"
            ]
        );
        assert!(names.len() > 15_000);
        assert!(!names.iter().any(|n| super::is_person_name(n)));
    }
}
