//! Registrations read through a mapping file: the municipality's enforcement registrations
//! (handhaving: BOA's, toezicht, camera observations) and any other dated, categorised, located
//! registrations (Halt referrals, youth-work contacts), from CSV or an Excel workbook (XLSX).
//!
//! The mapping (`mapping.rs`, docs/registraties-mapping.md) names the source and the columns;
//! it is given with `--mapping` or lies beside the data as `<stem>.mapping.toml`. Each row
//! becomes an `IncidentRecord`: its category key, its day, its buurt and, where the file gives
//! coordinates or an address the lookup file places (`address_lookup.rs`), its point. Nothing
//! else of a row is kept. Columns the mapping lists under `drop` are neither read nor scanned;
//! every other column that is not read is scanned for personal data (`personal.rs`), and one
//! that holds some refuses the file. A category value the mapping does not list refuses the
//! file, naming the value and its first line, unless the mapping sets `other`: nothing is
//! re-labelled silently.

use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::Path;

use buurtbeeld_cube::dutch::integer;
use buurtbeeld_cube::{
    AreaCode, AreaLevel, Day, ImportBatch, IncidentBatch, IncidentRecord, RdPoint,
};
use calamine::{Data, Reader, Xlsx};
use sha2::{Digest, Sha256};

use crate::address_lookup::{normal_postcode, split_house_number, AddressKey, AddressLookup};
use crate::mapping::{self, DateFormat, Mapping, Named};
use crate::personal::{personal_field, ContentScan};
use crate::problem::{csv_problem, ImportError, Problems};
use crate::registrations::{read_day, read_point, BuurtLocator, Crs};
use crate::{text, Context, Input, InputKind, ReadOptions};

/// The longest registration number kept; longer text is no record number.
const MAX_ID_CHARS: usize = 64;

/// Whether a file is read through a mapping: an Excel workbook always, a text file when
/// `--mapping` names a mapping or one lies beside it.
pub(crate) fn registration_kind(path: &Path, options: &ReadOptions) -> Option<InputKind> {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    if matches!(extension.as_str(), "xlsx" | "xlsm") {
        return Some(InputKind::RegistrationsXlsx);
    }
    (options.mapping.is_some() || mapping::sidecar(path).is_file())
        .then_some(InputKind::RegistrationsCsv)
}

/// One cell as the reader sees it.
#[derive(Debug, Clone)]
enum Cell {
    Text(String),
    /// A cell Excel stores as a date, written as ISO text (`2015-03-07 10:12:00`).
    ExcelDate(String),
}

impl Cell {
    fn text(&self) -> &str {
        match self {
            Cell::Text(t) | Cell::ExcelDate(t) => t,
        }
    }
}

struct Row {
    line: u64,
    cells: Vec<Cell>,
}

/// A sheet or CSV file: its header and its data rows.
struct Table {
    /// What a row number counts: `regel` (CSV) or `rij` (a sheet).
    unit: &'static str,
    header_line: u64,
    headers: Vec<String>,
    rows: Vec<Row>,
}

pub(crate) fn read(
    input: &Input<'_>,
    path: &Path,
    options: &ReadOptions,
    context: &Context,
) -> Result<ImportBatch, ImportError> {
    let fail = |message: String| Problems::new(input.name).fatal(None, None, message);
    let (mapping_path, mapping_name) = match &options.mapping {
        Some(given) => (given.clone(), given.display().to_string()),
        None => {
            let sidecar = mapping::sidecar(path);
            let name = mapping::name_beside(input.name, &sidecar);
            (sidecar, name)
        }
    };
    let mapping_bytes = std::fs::read(&mapping_path).map_err(|e| {
        fail(format!(
            "geen mappingbestand: kan '{mapping_name}' niet lezen ({e}); verwacht een \
             mappingbestand <naam>.mapping.toml naast het bestand, of geef --mapping mee (zie \
             docs/registraties-mapping.md)"
        ))
    })?;
    let mut mapping = mapping::read(&mapping_name, mapping_bytes)?;
    if let Some(name) = &options.source_name {
        mapping.source.name = name.clone();
    }
    let lookup = match &mapping.lookup {
        None => None,
        Some((relative, lookup_name)) => {
            let lookup_path = mapping_path
                .parent()
                .map_or_else(|| relative.clone(), |dir| dir.join(relative));
            let bytes = std::fs::read(&lookup_path).map_err(|e| {
                Problems::new(&mapping.file).fatal(
                    None,
                    Some("lookup"),
                    format!(
                        "kan het adressenbestand '{lookup_name}' niet lezen ({e}); verwacht een \
                         pad vanaf de map van het mappingbestand"
                    ),
                )
            })?;
            let lookup = AddressLookup::read(lookup_name, &bytes)?;
            Some((lookup, bytes, lookup_name.clone()))
        }
    };
    let mut data = Vec::new();
    std::fs::File::open(path)
        .and_then(|mut f| f.read_to_end(&mut data))
        .map_err(|e| fail(format!("kan het bestand niet lezen: {e}")))?;

    let (table, mut problems) = match input.kind {
        InputKind::RegistrationsXlsx => read_xlsx(input.name, &data, mapping.sheet.as_deref())?,
        _ => read_csv(input.name, &data)?,
    };
    let mut batch = registrations(
        &table,
        &mut problems,
        &mapping,
        lookup.as_ref().map(|(l, _, n)| (l, n.as_str())),
        context,
    )?;
    // A changed mapping or lookup file reads the same data differently: it is a new import.
    let mut hasher = Sha256::new();
    for part in [&data, &mapping.bytes]
        .into_iter()
        .chain(lookup.as_ref().map(|(_, bytes, _)| bytes))
    {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
    let rows = batch.incidents.incidents.len() as u64;
    let mut source = input.source_info(input.kind.name(), &mapping.source.id, options, rows);
    source.checksum = text::hex(&hasher.finalize());
    batch.source = Some(source);
    Ok(batch)
}

/// The header and rows of a CSV file (`;` or `,`, UTF-8 or Windows-1252).
fn read_csv(name: &str, bytes: &[u8]) -> Result<(Table, Problems), ImportError> {
    let mut problems = Problems::new(name);
    let text = text::utf8_or_windows_1252(bytes);
    let first_line = text.lines().next().unwrap_or("");
    let delimiter = [b';', b',', b'\t']
        .into_iter()
        .max_by_key(|d| first_line.bytes().filter(|b| b == d).count())
        .unwrap_or(b';');
    let mut csv = text::csv_builder(delimiter)
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = csv
        .headers()
        .map_err(|e| Problems::new(name).fatal(Some(1), None, format!("onleesbare kopregel: {e}")))?
        .iter()
        .map(|h| {
            String::from_utf8_lossy(text::strip_bom(h.as_bytes()))
                .trim()
                .to_owned()
        })
        .collect();
    let mut rows = Vec::new();
    for record in csv.records() {
        match record {
            Ok(record) => rows.push(Row {
                line: record.position().map_or(0, |p| p.line()),
                cells: record.iter().map(|f| Cell::Text(f.to_owned())).collect(),
            }),
            Err(e) => {
                let (line, message) = csv_problem(&e, delimiter);
                problems.add(line, None, message);
                if problems.is_full() {
                    break;
                }
            }
        }
    }
    Ok((
        Table {
            unit: "regel",
            header_line: 1,
            headers,
            rows,
        },
        problems,
    ))
}

/// The header and rows of one sheet of a workbook: the named sheet or the first. Rows are
/// numbered as Excel numbers them; the header is the first row with any text.
fn read_xlsx(
    name: &str,
    bytes: &[u8],
    sheet: Option<&str>,
) -> Result<(Table, Problems), ImportError> {
    let fail = |message: String| Problems::new(name).fatal(None, None, message);
    let unreadable = |e: &dyn std::fmt::Display| {
        fail(format!(
            "het XLSX-bestand is onleesbaar ({e}); verwacht een Excel-werkmap (.xlsx), zoals \
             Excel die opslaat"
        ))
    };
    // calamine parses untrusted zip and XML; a panic in it must refuse the file, not end the
    // import with a crash.
    type Opened = Result<Result<(String, calamine::Range<Data>), String>, String>;
    let opened = std::panic::catch_unwind(|| -> Opened {
        let mut workbook = Xlsx::new(std::io::Cursor::new(bytes)).map_err(|e| e.to_string())?;
        let names = workbook.sheet_names();
        let chosen = match sheet {
            Some(s) if names.iter().any(|n| n == s) => s.to_owned(),
            Some(s) => {
                return Ok(Err(format!(
                    "de werkmap heeft geen blad '{s}' (sheet in de mapping); de bladen zijn: {}",
                    names.join(", ")
                )))
            }
            None => match names.first() {
                Some(first) => first.clone(),
                None => return Ok(Err("de werkmap heeft geen bladen".to_owned())),
            },
        };
        let range = workbook
            .worksheet_range(&chosen)
            .map_err(|e| e.to_string())?;
        Ok(Ok((chosen, range)))
    });
    let (sheet, range) = match opened {
        Err(_) => return Err(unreadable(&"de werkmap kan niet worden gelezen")),
        Ok(Err(message)) => return Err(unreadable(&message)),
        Ok(Ok(Err(message))) => return Err(fail(message)),
        Ok(Ok(Ok(found))) => found,
    };
    let problems = Problems::new(name)
        .with_unit("rij")
        .with_part(format!("blad '{sheet}'"));
    let first_row = range.start().map_or(0, |(row, _)| row);
    let mut rows = range.rows().enumerate().map(|(i, cells)| Row {
        line: u64::from(first_row) + i as u64 + 1,
        cells: cells.iter().map(cell).collect(),
    });
    let Some(header) = rows
        .by_ref()
        .find(|r| r.cells.iter().any(|c| !c.text().trim().is_empty()))
    else {
        return Err(problems.fatal(
            None,
            None,
            "het blad is leeg; verwacht een kopregel met kolomnamen en daaronder de registraties",
        ));
    };
    Ok((
        Table {
            unit: "rij",
            header_line: header.line,
            headers: header
                .cells
                .iter()
                .map(|c| c.text().trim().to_owned())
                .collect(),
            rows: rows.collect(),
        },
        problems,
    ))
}

/// A cell as text; dates Excel stores as dates are kept apart so they are read as dates.
fn cell(data: &Data) -> Cell {
    match data {
        Data::Empty => Cell::Text(String::new()),
        Data::String(s) | Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => {
            Cell::Text(format!("{}", *f as i64))
        }
        Data::Float(f) => Cell::Text(f.to_string()),
        Data::Int(i) => Cell::Text(i.to_string()),
        Data::Bool(b) => Cell::Text(if *b { "WAAR" } else { "ONWAAR" }.to_owned()),
        Data::DateTime(d) => match d.as_datetime() {
            Some(datetime) => Cell::ExcelDate(datetime.to_string()),
            None => Cell::Text(d.as_f64().to_string()),
        },
        Data::DateTimeIso(s) => Cell::ExcelDate(s.clone()),
        Data::Error(e) => Cell::Text(e.to_string()),
    }
}

/// Where the table keeps the columns the mapping names.
struct Positions {
    date: usize,
    category: usize,
    id: Option<usize>,
    point: Option<(usize, usize, Crs)>,
    address: Option<AddressPositions>,
    buurt: Option<usize>,
}

#[derive(Clone, Copy)]
struct AddressPositions {
    postcode: usize,
    number: usize,
    letter: Option<usize>,
    addition: Option<usize>,
}

impl Positions {
    /// The columns of the place.
    fn place(&self) -> Vec<usize> {
        let mut columns = Vec::new();
        if let Some((x, y, _)) = self.point {
            columns.extend([x, y]);
        }
        if let Some(a) = self.address {
            columns.extend(
                [Some(a.postcode), Some(a.number), a.letter, a.addition]
                    .into_iter()
                    .flatten(),
            );
        }
        columns.extend(self.buurt);
        columns
    }
}

/// Finds a column by its name: exactly, else without regard to case.
fn find(headers: &[String], column: &str) -> Option<usize> {
    headers
        .iter()
        .position(|h| h == column)
        .or_else(|| headers.iter().position(|h| h.eq_ignore_ascii_case(column)))
}

fn positions(table: &Table, mapping: &Mapping, problems: &mut Problems) -> Option<Positions> {
    let mut missing = false;
    let mut locate = |named: Named| {
        let found = find(&table.headers, &named.column);
        if found.is_none() {
            missing = true;
            problems.add(
                Some(table.header_line),
                Some(&named.column),
                format!(
                    "kolom '{}' ({} in {}) ontbreekt in de kopregel; de kopregel heeft: {}",
                    named.column,
                    named.role,
                    mapping.file,
                    table.headers.join(", ")
                ),
            );
        }
        found.unwrap_or(0)
    };
    let date = locate(Named {
        column: mapping.date.clone(),
        role: "columns.date",
    });
    let category = locate(Named {
        column: mapping.category.clone(),
        role: "columns.category",
    });
    let id = mapping.id.as_ref().map(|column| {
        locate(Named {
            column: column.clone(),
            role: "columns.id",
        })
    });
    let mut by_role = |role: &'static str, column: &str| {
        locate(Named {
            column: column.to_owned(),
            role,
        })
    };
    let location = &mapping.location;
    let point = location.point.as_ref().map(|p| {
        (
            by_role("columns.x", &p.x),
            by_role("columns.y", &p.y),
            p.crs,
        )
    });
    let address = location.address.as_ref().map(|a| AddressPositions {
        postcode: by_role("columns.postcode", &a.postcode),
        number: by_role("columns.house_number", &a.house_number),
        letter: a
            .house_letter
            .as_ref()
            .map(|c| by_role("columns.house_letter", c)),
        addition: a.addition.as_ref().map(|c| by_role("columns.addition", c)),
    });
    let buurt = location.buurt.as_ref().map(|b| by_role("columns.buurt", b));
    (!missing).then_some(Positions {
        date,
        category,
        id,
        point,
        address,
        buurt,
    })
}

/// What the rows make: the registrations, or every problem found.
fn registrations(
    table: &Table,
    problems: &mut Problems,
    mapping: &Mapping,
    lookup: Option<(&AddressLookup, &str)>,
    context: &Context,
) -> Result<ImportBatch, ImportError> {
    for header in &table.headers {
        if let Some(why) = personal_field(header) {
            problems.add(Some(table.header_line), Some(header), why);
        }
    }
    let positions = positions(table, mapping, problems);
    let Some(positions) = positions.filter(|_| problems.is_empty()) else {
        return Err(std::mem::replace(problems, problems.fresh()).into_error());
    };
    let locator = BuurtLocator::new(context);
    let needs_boundaries = positions.point.is_some() || positions.address.is_some();
    let known_buurten = context
        .known_areas
        .iter()
        .any(|a| a.level() == AreaLevel::Buurt);
    if (needs_boundaries && locator.is_empty()) || !known_buurten {
        return Err(problems.fresh().fatal(
            None,
            None,
            "de opslag heeft geen buurtgrenzen om registraties in te plaatsen: lees eerst de CBS \
             wijk- en buurtkaart (buurt-GeoJSON) van deze gemeente in",
        ));
    }
    let read: Vec<usize> = [positions.date, positions.category]
        .into_iter()
        .chain(positions.place())
        .collect();
    let dropped: Vec<usize> = mapping
        .drop
        .iter()
        .filter_map(|column| find(&table.headers, column))
        .collect();
    // The registration number is kept, so it is scanned like any column that is not parsed:
    // a column of burgerservicenummers must not become external ids.
    let parsed: Vec<usize> = read.iter().chain(&dropped).copied().collect();
    let mut scan = ContentScan::new(&table.headers, &parsed);

    let header = |i: usize| table.headers[i].as_str();
    let mut incidents = Vec::new();
    let mut unknown: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    let mut ids: HashMap<String, u64> = HashMap::new();
    let (mut rows, mut outside, mut as_other) = (0u64, 0u64, 0u64);
    let unknown_buurt = AreaCode::unknown(AreaLevel::Buurt);
    for row in &table.rows {
        if row.cells.iter().all(|c| c.text().trim().is_empty()) {
            continue;
        }
        rows += 1;
        scan.observe(Some(row.line), |i| row.cells.get(i).map(Cell::text));
        let empty = Cell::Text(String::new());
        let at = |i: usize| row.cells.get(i).unwrap_or(&empty);
        let field = |i: usize| at(i).text().trim();
        let line = Some(row.line);

        let raw_category = field(positions.category);
        let category = match mapping.values.get(raw_category) {
            Some(key) => Some(key.as_str()),
            None => {
                let key = mapping.key_of(raw_category);
                if key.is_some() {
                    as_other += 1;
                } else {
                    let shown: String = raw_category.chars().take(80).collect();
                    unknown.entry(shown).or_insert((row.line, 0)).1 += 1;
                }
                key
            }
        };
        let day = read_date(at(positions.date), mapping.date_format);
        let place = place(&positions, &field, lookup, &locator, context);
        let id = match positions.id.map(field).filter(|id| !id.is_empty()) {
            None => Ok(None),
            Some(id) if id.chars().count() > MAX_ID_CHARS => Err(format!(
                "het registratienummer is langer dan {MAX_ID_CHARS} tekens; verwacht een \
                 nummer, geen tekst"
            )),
            Some(id) => match ids.get(id) {
                Some(first) => Err(format!(
                    "registratienummer '{id}' staat ook op {} {first}; verwacht elk nummer één \
                     keer",
                    table.unit
                )),
                None => {
                    ids.insert(id.to_owned(), row.line);
                    Ok(Some(id.to_owned()))
                }
            },
        };
        match (category, day, place, id) {
            (Some(category), Ok(day), Ok((area, point)), Ok(external_id)) => {
                outside += u64::from(area == unknown_buurt);
                incidents.push(IncidentRecord {
                    category: category.to_owned(),
                    day,
                    area,
                    point,
                    external_id,
                });
            }
            (_, day, place, id) => {
                if let Err(message) = day {
                    problems.add(line, Some(header(positions.date)), message);
                }
                if let Err((column, message)) = place {
                    problems.add(line, Some(header(column)), message);
                }
                if let (Err(message), Some(column)) = (id, positions.id) {
                    problems.add(line, Some(header(column)), message);
                }
            }
        }
        if problems.is_full() {
            break;
        }
    }
    for (value, (first_line, count)) in &unknown {
        let shown = if value.is_empty() { "(leeg)" } else { value };
        problems.add(
            Some(*first_line),
            Some(header(positions.category)),
            format!(
                "onbekende categorie '{shown}' ({}, de eerste op deze regel): staat niet in \
                 [categories] van {}; voeg de waarde toe met haar sleutel, of zet other = \
                 \"overig\" om zulke waarden samen als één categorie te tellen",
                text::count(*count, "keer", "keer"),
                mapping.file
            ),
        );
    }
    let first_year = incidents.iter().map(|i| i.day.ymd().0).min();
    scan.report_first(problems, first_year);
    if rows == 0 && problems.is_empty() {
        problems.add(
            None,
            None,
            "het bestand heeft een kopregel maar geen gegevensregels",
        );
    }
    if !problems.is_empty() {
        return Err(std::mem::replace(problems, problems.fresh()).into_error());
    }

    let mut batch = ImportBatch::default();
    batch.notes.push(format!(
        "{} van {} ({}) gelezen{}",
        text::count(rows, "registratie", "registraties"),
        mapping.source.name,
        mapping.source.kind.dutch(),
        if needs_boundaries {
            format!(
                "; {} buiten alle buurtgrenzen, geteld als onbekend ({unknown_buurt})",
                integer(outside)
            )
        } else {
            String::new()
        }
    ));
    if let (Some(other), true) = (&mapping.other, as_other > 0) {
        batch.notes.push(format!(
            "{} met een categorie die niet in de mapping staat, geteld als '{other}'",
            text::count(as_other, "registratie", "registraties")
        ));
    }
    let (present, absent): (Vec<&String>, Vec<&String>) = mapping
        .drop
        .iter()
        .partition(|c| find(&table.headers, c).is_some());
    if !present.is_empty() {
        batch.notes.push(format!(
            "niet gelezen en niet bewaard (drop in de mapping): {}",
            join(&present)
        ));
    }
    if !absent.is_empty() {
        batch.notes.push(format!(
            "drop in de mapping noemt kolommen die niet in het bestand staan: {}",
            join(&absent)
        ));
    }
    let kept: Vec<usize> = read.iter().copied().chain(positions.id).collect();
    let checked: Vec<&String> = table
        .headers
        .iter()
        .enumerate()
        .filter(|(i, h)| !kept.contains(i) && !dropped.contains(i) && !h.is_empty())
        .map(|(_, h)| h)
        .collect();
    if !checked.is_empty() {
        batch.notes.push(format!(
            "niet bewaard, wel gecontroleerd op persoonsgegevens: {}",
            join(&checked)
        ));
    }
    if let Some((lookup, name)) = lookup {
        batch.notes.push(format!(
            "geplaatst via het adressenbestand {name} ({})",
            text::count(lookup.len() as u64, "adres", "adressen")
        ));
    }
    batch.incidents = IncidentBatch {
        source: Some(mapping.source.clone()),
        categories: mapping.categories.clone(),
        incidents,
    };
    Ok(batch)
}

fn join(columns: &[&String]) -> String {
    columns
        .iter()
        .map(|c| format!("'{c}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The day of a date cell: an Excel date as it is, text as the mapping's `date_format` says.
fn read_date(cell: &Cell, format: DateFormat) -> Result<Day, String> {
    let raw = cell.text().trim();
    if let Cell::ExcelDate(iso) = cell {
        return read_day(iso);
    }
    if !raw.is_empty()
        && raw
            .replace([',', '.'], "")
            .bytes()
            .all(|b| b.is_ascii_digit())
    {
        return Err(format!(
            "'{raw}' is een getal, geen datum; verwacht een datum (2015-03-07 of 7-3-2015): maak \
             de kolom in Excel op als datum"
        ));
    }
    let order = match format {
        DateFormat::Auto => return read_day(raw),
        DateFormat::DayMonthYear => ("dag-maand-jaar", [2, 1, 0], "7-3-2015"),
        DateFormat::YearMonthDay => ("jaar-maand-dag", [0, 1, 2], "2015-03-07"),
        DateFormat::MonthDayYear => ("maand-dag-jaar", [2, 0, 1], "3/7/2015"),
    };
    let (name, [year, month, day], example) = order;
    let expected =
        || format!("'{raw}' is geen datum; verwacht {name} (date_format), zoals {example}");
    let date = raw
        .split(|c: char| c.is_whitespace() || c == 'T')
        .next()
        .unwrap_or("");
    let parts: Vec<&str> = date.split(['-', '/', '.']).collect();
    if parts.len() != 3 || parts[year].len() != 4 {
        return Err(expected());
    }
    let number = |i: usize| parts[i].parse::<u32>().map_err(|_| expected());
    Day::from_ymd(number(year)? as i32, number(month)?, number(day)?)
        .map_err(|e| format!("'{raw}' is geen datum: {e}"))
}

/// The buurt and point of a row by the first way of the mapping whose cells are not empty
/// (coordinates, address, buurt code), or the column at fault with what was expected.
fn place<'a>(
    positions: &Positions,
    field: &dyn Fn(usize) -> &'a str,
    lookup: Option<(&AddressLookup, &str)>,
    locator: &BuurtLocator,
    context: &Context,
) -> Result<(AreaCode, Option<RdPoint>), (usize, String)> {
    // An empty way is skipped when a later way may place the row; the last way configured
    // reads even empty cells, so that the row is refused with that way's expectation.
    if let Some((x, y, crs)) = positions.point {
        let last = positions.address.is_none() && positions.buurt.is_none();
        if last || !field(x).is_empty() || !field(y).is_empty() {
            let point = read_point(field(x), field(y), crs).map_err(|m| (x, m))?;
            return Ok((locator.buurt_of(point).clone(), Some(point)));
        }
    }
    if let Some(address) = positions.address {
        let last = positions.buurt.is_none();
        if last || !field(address.postcode).is_empty() || !field(address.number).is_empty() {
            let (lookup, name) = lookup.expect("the mapping requires a lookup with an address");
            return place_address(address, field, lookup, name, locator);
        }
    }
    let column = positions
        .buurt
        .expect("a mapping has at least one way to place a row");
    place_buurt(column, field(column), context).map(|area| (area, None))
}

fn place_buurt(column: usize, raw: &str, context: &Context) -> Result<AreaCode, (usize, String)> {
    let code = AreaCode::parse(&raw.to_ascii_uppercase())
        .ok()
        .filter(|c| c.level() == AreaLevel::Buurt)
        .ok_or_else(|| {
            (
                column,
                format!(
                    "'{raw}' is geen CBS-buurtcode; verwacht BU met acht cijfers, zoals \
                     BU00140000"
                ),
            )
        })?;
    if !context.known_areas.contains(&code) {
        return Err((
            column,
            format!(
                "buurt {code} is onbekend in de opslag; verwacht een buurt van de ingelezen \
                 wijk- en buurtkaart (lees die van het jaar van de code eerst in)"
            ),
        ));
    }
    Ok(code)
}

fn place_address<'a>(
    columns: AddressPositions,
    field: &dyn Fn(usize) -> &'a str,
    lookup: &AddressLookup,
    lookup_name: &str,
    locator: &BuurtLocator,
) -> Result<(AreaCode, Option<RdPoint>), (usize, String)> {
    let AddressPositions {
        postcode,
        number,
        letter,
        addition,
    } = columns;
    let code = normal_postcode(field(postcode)).ok_or_else(|| {
        (
            postcode,
            format!(
                "'{}' is geen postcode; verwacht vier cijfers en twee letters, zoals \
                         9712 AB",
                field(postcode)
            ),
        )
    })?;
    let (house, mut house_letter, mut house_addition) = split_house_number(field(number))
        .ok_or_else(|| {
            (
                number,
                "geen huisnummer; verwacht een geheel getal van 1 tot 99999, eventueel \
                         met huisletter en toevoeging (12, 12a, 12-2)"
                    .to_owned(),
            )
        })?;
    if let Some(column) = letter.filter(|&c| !field(c).is_empty()) {
        house_letter = field(column).to_ascii_uppercase();
    }
    if let Some(column) = addition.filter(|&c| !field(c).is_empty()) {
        house_addition = field(column).to_ascii_uppercase();
    }
    let key = AddressKey {
        postcode: code,
        number: house,
        letter: house_letter,
        addition: house_addition,
    };
    // The message names the postcode, not the house number: together they are an
    // address, which may be someone's home.
    let point = lookup.point(&key).ok_or_else(|| {
        (
            postcode,
            format!(
                "het adres met postcode {} en dit huisnummer staat niet in het \
                         adressenbestand {lookup_name}; verwacht elk adres van het bestand in \
                         de BAG-extractie",
                key.postcode
            ),
        )
    })?;
    Ok((locator.buurt_of(point).clone(), Some(point)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_text_dates_in_the_order_the_mapping_says() {
        let text = |raw: &str| Cell::Text(raw.to_owned());
        let day = |raw: &str, format| read_date(&text(raw), format).map(|d| d.to_string());
        assert_eq!(
            day("3/7/2015", DateFormat::MonthDayYear).unwrap(),
            "2015-03-07"
        );
        assert_eq!(
            day("7-3-2015 21:45", DateFormat::DayMonthYear).unwrap(),
            "2015-03-07"
        );
        assert_eq!(
            day("2015/03/07", DateFormat::YearMonthDay).unwrap(),
            "2015-03-07"
        );
        assert_eq!(day("7-3-2015", DateFormat::Auto).unwrap(), "2015-03-07");
        assert!(day("2015-03-07", DateFormat::DayMonthYear).is_err());
        assert!(day("13/7/2015", DateFormat::MonthDayYear).is_err());
        assert!(day("42436", DateFormat::Auto)
            .unwrap_err()
            .contains("getal, geen datum"));
        // An Excel date cell is a date whatever the text format says.
        let excel = Cell::ExcelDate("2016-03-07 00:00:00".to_owned());
        assert_eq!(
            read_date(&excel, DateFormat::MonthDayYear)
                .unwrap()
                .to_string(),
            "2016-03-07"
        );
    }
}
