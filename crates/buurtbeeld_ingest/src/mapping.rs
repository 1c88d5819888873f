//! The mapping file (TOML) that says how to read a file of registrations (enforcement, camera
//! observations, Halt referrals, youth-work contacts): which source it is, which columns hold
//! the date, the category, the registration number and the place, which columns to drop
//! unread, and which key each category value of the file becomes. docs/registraties-mapping.md
//! is the user's description; this module checks a mapping and names the line of each mistake.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use buurtbeeld_cube::{IncidentSource, SourceCategoryRecord, SourceKind};
use serde::Deserialize;
use toml::Spanned;

use crate::problem::{ImportError, Problems};
use crate::registrations::Crs;
use crate::text;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMapping {
    source: Spanned<String>,
    kind: Spanned<String>,
    name: Spanned<String>,
    sheet: Option<Spanned<String>>,
    lookup: Option<Spanned<String>>,
    other: Option<Spanned<Target>>,
    #[serde(default)]
    drop: Vec<Spanned<String>>,
    columns: Spanned<RawColumns>,
    categories: Spanned<BTreeMap<Spanned<String>, Spanned<Target>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawColumns {
    date: Spanned<String>,
    date_format: Option<Spanned<String>>,
    category: Spanned<String>,
    id: Option<Spanned<String>>,
    x: Option<Spanned<String>>,
    y: Option<Spanned<String>>,
    crs: Option<Spanned<String>>,
    buurt: Option<Spanned<String>>,
    postcode: Option<Spanned<String>>,
    house_number: Option<Spanned<String>>,
    house_letter: Option<Spanned<String>>,
    addition: Option<Spanned<String>>,
}

/// What a category value of the file becomes: a key, or a key with its Dutch label.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum Target {
    Key(String),
    Labelled {
        key: String,
        #[serde(default)]
        label: Option<String>,
    },
}

impl Target {
    fn key(&self) -> &str {
        match self {
            Target::Key(key) | Target::Labelled { key, .. } => key.trim(),
        }
    }

    fn label(&self) -> Option<&str> {
        match self {
            Target::Key(_) => None,
            Target::Labelled { label, .. } => label.as_deref().map(str::trim),
        }
    }
}

/// How the dates of the date column are written, where they are text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DateFormat {
    /// ISO `2015-03-07` or Dutch `7-3-2015`, each with or without a time.
    Auto,
    DayMonthYear,
    YearMonthDay,
    /// As English-language Excel writes dates as text: `3/7/2015` is 7 March.
    MonthDayYear,
}

impl DateFormat {
    const NAMES: [(&'static str, DateFormat); 4] = [
        ("auto", DateFormat::Auto),
        ("dag-maand-jaar", DateFormat::DayMonthYear),
        ("jaar-maand-dag", DateFormat::YearMonthDay),
        ("maand-dag-jaar", DateFormat::MonthDayYear),
    ];
}

/// Where a registration took place, as the file gives it: one or more of three ways, tried
/// per row in this order, each when its cells are not empty: coordinates, an address placed
/// through the lookup file, a buurt code. A municipal export often has coordinates for most
/// rows and only an address for the rest.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Location {
    pub point: Option<PointColumns>,
    pub address: Option<AddressColumns>,
    /// A CBS buurt code column (`BU00140000`).
    pub buurt: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PointColumns {
    pub x: String,
    pub y: String,
    pub crs: Crs,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AddressColumns {
    pub postcode: String,
    pub house_number: String,
    pub house_letter: Option<String>,
    pub addition: Option<String>,
}

impl Location {
    /// Every column of the place, with its role.
    pub(crate) fn columns(&self) -> Vec<Named> {
        let mut named = Vec::new();
        let mut add = |column: &str, role| {
            named.push(Named {
                column: column.to_owned(),
                role,
            })
        };
        if let Some(point) = &self.point {
            add(&point.x, "columns.x");
            add(&point.y, "columns.y");
        }
        if let Some(address) = &self.address {
            add(&address.postcode, "columns.postcode");
            add(&address.house_number, "columns.house_number");
            if let Some(letter) = &address.house_letter {
                add(letter, "columns.house_letter");
            }
            if let Some(addition) = &address.addition {
                add(addition, "columns.addition");
            }
        }
        if let Some(buurt) = &self.buurt {
            add(buurt, "columns.buurt");
        }
        named
    }
}

/// A column the mapping names, with the line of the mapping that names it and its role there
/// (`columns.date`), for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Named {
    pub column: String,
    pub role: &'static str,
}

/// A checked mapping file.
#[derive(Debug, Clone)]
pub(crate) struct Mapping {
    /// How problems name the mapping file.
    pub file: String,
    /// Its bytes, for the import's checksum.
    pub bytes: Vec<u8>,
    pub source: IncidentSource,
    pub sheet: Option<String>,
    pub date: String,
    pub date_format: DateFormat,
    pub category: String,
    pub id: Option<String>,
    pub location: Location,
    /// The lookup file's path (relative to the mapping file's folder) and how problems name it.
    pub lookup: Option<(PathBuf, String)>,
    pub drop: Vec<String>,
    /// Category value of the file (trimmed) → key.
    pub values: BTreeMap<String, String>,
    /// The key for values the mapping does not list, if any.
    pub other: Option<String>,
    /// One record per key, ordered by key, with its label.
    pub categories: Vec<SourceCategoryRecord>,
}

impl Mapping {
    /// The key a category value of the file becomes, or None when the mapping does not list it
    /// and has no `other`.
    pub(crate) fn key_of(&self, raw: &str) -> Option<&str> {
        self.values
            .get(raw.trim())
            .or(self.other.as_ref())
            .map(String::as_str)
    }
}

/// The mapping file beside a data file: `<data file stem>.mapping.toml`.
pub(crate) fn sidecar(data: &Path) -> PathBuf {
    let stem = data
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    data.with_file_name(format!("{stem}.mapping.toml"))
}

/// How problems name a file next to another: the other's name with this file name.
pub(crate) fn name_beside(name: &str, file: &Path) -> String {
    let file_name = file
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    Path::new(name)
        .with_file_name(file_name)
        .display()
        .to_string()
}

const EXPECTED: &str = "verwacht source, kind, name, [columns] met date, category en een plaats \
                        (x en y, buurt, of postcode en house_number) en [categories]; zie \
                        docs/registraties-mapping.md";

/// Reads and checks a mapping file; `file` is how problems name it.
pub(crate) fn read(file: &str, bytes: Vec<u8>) -> Result<Mapping, ImportError> {
    let text = text::utf8(file, &bytes)?;
    let raw: RawMapping = toml::from_str(text).map_err(|e| {
        Problems::new(file).fatal(
            Some(e.span().map_or(1, |s| text::line_of(text, s.start))),
            None,
            format!("{}; {EXPECTED}", text::toml_message(e.message())),
        )
    })?;
    let mut problems = Problems::new(file);
    let line = |start: usize| Some(text::line_of(text, start));
    let at = |s: &Spanned<String>| line(s.span().start);

    let id = raw.source.get_ref().trim().to_owned();
    if !text::is_identifier(&id) {
        problems.add(
            at(&raw.source),
            Some("source"),
            format!(
                "'{id}' is geen geldige bron-id; verwacht kleine letters, cijfers en '-', zoals \
                 'handhaving' of 'halt'"
            ),
        );
    }
    let kind = match SourceKind::parse(raw.kind.get_ref().trim()) {
        Some(SourceKind::Politie) | None => {
            problems.add(
                at(&raw.kind),
                Some("kind"),
                format!(
                    "onbekende soort '{}'; verwacht 'handhaving', 'meldingen' of 'overig' \
                     (politie-incidenten lees je in als BVH-export)",
                    raw.kind.get_ref()
                ),
            );
            SourceKind::Overig
        }
        Some(kind) => kind,
    };
    let name = raw.name.get_ref().trim().to_owned();
    if name.is_empty() {
        problems.add(
            at(&raw.name),
            Some("name"),
            "de naam van de bron is leeg; verwacht een Nederlandse naam zoals 'Handhaving \
             (BOA's)'",
        );
    }
    let sheet = raw.sheet.as_ref().map(|s| s.get_ref().trim().to_owned());
    if let (Some(sheet), Some(spanned)) = (&sheet, &raw.sheet) {
        if sheet.is_empty() {
            problems.add(
                at(spanned),
                Some("sheet"),
                "de bladnaam is leeg; laat sheet weg voor het eerste blad",
            );
        }
    }

    let columns_line = line(raw.columns.span().start);
    let columns = raw.columns.into_inner();
    let column = |s: &Spanned<String>, role: &str, problems: &mut Problems| {
        let name = s.get_ref().trim().to_owned();
        if name.is_empty() {
            problems.add(
                at(s),
                Some(role),
                "de kolomnaam is leeg; verwacht de naam zoals in de kopregel van het bestand",
            );
        }
        name
    };
    let date = column(&columns.date, "columns.date", &mut problems);
    let category = column(&columns.category, "columns.category", &mut problems);
    let id_column = columns
        .id
        .as_ref()
        .map(|c| column(c, "columns.id", &mut problems));
    let date_format = match &columns.date_format {
        None => DateFormat::Auto,
        Some(spanned) => DateFormat::NAMES
            .iter()
            .find(|(n, _)| *n == spanned.get_ref().trim())
            .map(|(_, f)| *f)
            .unwrap_or_else(|| {
                problems.add(
                    at(spanned),
                    Some("columns.date_format"),
                    format!(
                        "onbekend datumformaat '{}'; verwacht 'auto', 'dag-maand-jaar', \
                         'jaar-maand-dag' of 'maand-dag-jaar'",
                        spanned.get_ref()
                    ),
                );
                DateFormat::Auto
            }),
    };
    let location = location(text, &columns, columns_line, &mut problems, &column);
    let has = |f: fn(&Location) -> bool| location.as_ref().is_some_and(f);
    if let Some(crs) = columns.crs.as_ref().filter(|_| !has(|l| l.point.is_some())) {
        problems.add(at(crs), Some("columns.crs"), "crs hoort alleen bij x en y");
    }
    let lookup = raw.lookup.as_ref().map(|spanned| {
        let relative = PathBuf::from(spanned.get_ref().trim());
        (relative.clone(), name_beside(file, &relative))
    });
    if has(|l| l.address.is_some()) && raw.lookup.is_none() {
        problems.add(
            columns_line,
            Some("lookup"),
            "met postcode en house_number is een adressenbestand nodig: zet lookup = \
             \"adressen.csv\" (pad vanaf dit mappingbestand)",
        );
    }
    if let Some(spanned) = raw
        .lookup
        .as_ref()
        .filter(|_| !has(|l| l.address.is_some()))
    {
        problems.add(
            at(spanned),
            Some("lookup"),
            "lookup hoort alleen bij postcode en house_number",
        );
    }
    if let Some(spanned) = &raw.lookup {
        if spanned.get_ref().trim().is_empty() {
            problems.add(at(spanned), Some("lookup"), "het pad van lookup is leeg");
        }
    }

    let (values, other, categories) =
        category_table(text, raw.categories, raw.other.as_ref(), &mut problems);

    let mut drop = Vec::new();
    let read: Vec<String> = [
        Some(date.clone()),
        Some(category.clone()),
        id_column.clone(),
    ]
    .into_iter()
    .flatten()
    .chain(
        location
            .iter()
            .flat_map(Location::columns)
            .map(|named| named.column),
    )
    .collect();
    for spanned in &raw.drop {
        let column = spanned.get_ref().trim().to_owned();
        if read.contains(&column) {
            problems.add(
                at(spanned),
                Some("drop"),
                format!(
                    "kolom '{column}' wordt gelezen (onder [columns]) en kan niet ook in drop \
                     staan"
                ),
            );
        } else if drop.contains(&column) {
            problems.add(
                at(spanned),
                Some("drop"),
                format!("kolom '{column}' staat twee keer in drop"),
            );
        } else if column.is_empty() {
            problems.add(at(spanned), Some("drop"), "lege kolomnaam in drop");
        } else {
            drop.push(column);
        }
    }

    let mapping = location.map(|location| Mapping {
        file: file.to_owned(),
        bytes: Vec::new(),
        source: IncidentSource { id, kind, name },
        sheet,
        date,
        date_format,
        category,
        id: id_column,
        location,
        lookup,
        drop,
        values,
        other,
        categories,
    });
    match (problems.is_empty(), mapping) {
        (true, Some(mut mapping)) => {
            mapping.bytes = bytes.clone();
            Ok(mapping)
        }
        (_, _) => Err(problems.into_error()),
    }
}

/// The place columns: coordinates, an address, a buurt code, or more than one of these.
fn location(
    text: &str,
    columns: &RawColumns,
    columns_line: Option<u64>,
    problems: &mut Problems,
    column: &dyn Fn(&Spanned<String>, &str, &mut Problems) -> String,
) -> Option<Location> {
    let mut location = Location::default();
    let mut complete = true;
    match (&columns.x, &columns.y) {
        (Some(x), Some(y)) => {
            let crs = match columns.crs.as_ref().map(|c| c.get_ref().trim()) {
                None | Some("rd") => Crs::RdNew,
                Some("wgs84") => Crs::Wgs84,
                Some(other) => {
                    let crs = columns.crs.as_ref().expect("matched Some");
                    problems.add(
                        Some(text::line_of(text, crs.span().start)),
                        Some("columns.crs"),
                        format!(
                            "onbekend coördinatenstelsel '{other}'; verwacht \"rd\" (RD New, \
                             meters) of \"wgs84\" (lengte- en breedtegraad)"
                        ),
                    );
                    Crs::RdNew
                }
            };
            location.point = Some(PointColumns {
                x: column(x, "columns.x", problems),
                y: column(y, "columns.y", problems),
                crs,
            });
        }
        (None, None) => {}
        _ => {
            complete = false;
            problems.add(
                columns_line,
                Some("columns"),
                "x en y horen bij elkaar; verwacht beide",
            );
        }
    }
    match (&columns.postcode, &columns.house_number) {
        (Some(postcode), Some(house_number)) => {
            location.address = Some(AddressColumns {
                postcode: column(postcode, "columns.postcode", problems),
                house_number: column(house_number, "columns.house_number", problems),
                house_letter: columns
                    .house_letter
                    .as_ref()
                    .map(|c| column(c, "columns.house_letter", problems)),
                addition: columns
                    .addition
                    .as_ref()
                    .map(|c| column(c, "columns.addition", problems)),
            });
        }
        (None, None) => {
            if columns.house_letter.is_some() || columns.addition.is_some() {
                problems.add(
                    columns_line,
                    Some("columns"),
                    "house_letter en addition horen alleen bij postcode en house_number",
                );
            }
        }
        _ => {
            complete = false;
            problems.add(
                columns_line,
                Some("columns"),
                "postcode en house_number horen bij elkaar; verwacht beide",
            );
        }
    }
    location.buurt = columns
        .buurt
        .as_ref()
        .map(|b| column(b, "columns.buurt", problems));
    if location == Location::default() && complete {
        problems.add(
            columns_line,
            Some("columns"),
            "geen kolom voor de plaats; verwacht x en y (met crs = \"rd\" of \"wgs84\"), buurt \
             (een kolom met CBS-buurtcodes) of postcode en house_number (met een \
             adressenbestand in lookup), of meer dan één daarvan",
        );
    }
    (complete && location != Location::default()).then_some(location)
}

type CategoryTable = (
    BTreeMap<String, String>,
    Option<String>,
    Vec<SourceCategoryRecord>,
);

/// The `[categories]` table and `other`, checked: keys are identifiers, a value is listed
/// once, a key has at most one label. A key's label is the one the mapping gives, else the
/// first value (in file order) that maps to it.
fn category_table(
    text: &str,
    table: Spanned<BTreeMap<Spanned<String>, Spanned<Target>>>,
    other: Option<&Spanned<Target>>,
    problems: &mut Problems,
) -> CategoryTable {
    let table_line = Some(text::line_of(text, table.span().start));
    let mut entries: Vec<(Spanned<String>, Spanned<Target>)> =
        table.into_inner().into_iter().collect();
    entries.sort_by_key(|(raw, _)| raw.span().start);
    if entries.is_empty() {
        problems.add(
            table_line,
            Some("categories"),
            "[categories] is leeg; verwacht per waarde in de categoriekolom een regel \
             \"waarde\" = \"sleutel\"",
        );
    }
    let mut values = BTreeMap::new();
    let mut labels: BTreeMap<String, (String, bool)> = BTreeMap::new();
    let mut check_key = |target: &Spanned<Target>,
                         fallback_label: &str,
                         problems: &mut Problems|
     -> Option<String> {
        let line = Some(text::line_of(text, target.span().start));
        let key = target.get_ref().key().to_owned();
        if !text::is_identifier(&key) {
            problems.add(
                line,
                Some("categories"),
                format!(
                    "'{key}' is geen geldige categoriesleutel; verwacht kleine letters, cijfers \
                     en '-', zoals 'jeugdoverlast'"
                ),
            );
            return None;
        }
        let explicit = target.get_ref().label().filter(|l| !l.is_empty());
        match (labels.get(&key), explicit) {
            (Some((existing, true)), Some(label)) if existing != label => problems.add(
                line,
                Some("categories"),
                format!(
                    "sleutel '{key}' krijgt twee labels: '{existing}' en '{label}'; geef één \
                     label"
                ),
            ),
            (Some((_, true)), _) | (Some(_), None) => {}
            (_, Some(label)) => {
                labels.insert(key.clone(), (label.to_owned(), true));
            }
            (None, None) => {
                labels.insert(key.clone(), (fallback_label.to_owned(), false));
            }
        }
        Some(key)
    };
    for (raw, target) in &entries {
        let line = Some(text::line_of(text, raw.span().start));
        let value = raw.get_ref().trim().to_owned();
        if value.is_empty() {
            problems.add(
                line,
                Some("categories"),
                "lege waarde in [categories]; verwacht de tekst zoals die in de categoriekolom \
                 staat",
            );
            continue;
        }
        if values.contains_key(&value) {
            problems.add(
                line,
                Some("categories"),
                format!("waarde '{value}' staat twee keer in [categories]"),
            );
            continue;
        }
        if let Some(key) = check_key(target, &value, problems) {
            values.insert(value, key);
        }
    }
    let other = other.and_then(|target| check_key(target, "Overig", problems));
    let categories = labels
        .into_iter()
        .map(|(code, (label, _))| SourceCategoryRecord {
            code,
            label,
            main: None,
        })
        .collect();
    (values, other, categories)
}
