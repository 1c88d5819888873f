//! Police registered crime, tables 47022NED (months) and 47018NED (years), in the three forms
//! they are published in: the coded CSV, the portal CSV export (labels only) and OData JSON.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use buurtbeeld_cube::{Frequency, ImportBatch, Period, Value};

use crate::codelists::{code_lists, RegionList};
use crate::cube_builder::CubeBuilder;
use crate::personal::{checked_headers, report_personal_keys, ContentScan};
use crate::problem::{csv_problem, ImportError, Problems};
use crate::{text, Context, Input, InputKind, ReadOptions};

const CODED_COLUMNS: [&str; 3] = ["SoortMisdrijf", "WijkenEnBuurten", "Perioden"];
const COUNT_PREFIX: &str = "GeregistreerdeMisdrijven";

/// The last raw value of a column and what it parsed to; only successes are remembered.
struct LastValue<T> {
    raw: Vec<u8>,
    value: Option<T>,
}

impl<T> Default for LastValue<T> {
    fn default() -> Self {
        LastValue {
            raw: Vec::new(),
            value: None,
        }
    }
}

impl<T: Copy> LastValue<T> {
    fn get(&mut self, raw: &[u8], parse: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
        if let Some(value) = self.value.filter(|_| self.raw == raw) {
            return Ok(value);
        }
        let parsed = parse();
        self.raw.clear();
        self.raw.extend_from_slice(raw);
        self.value = parsed.as_ref().ok().copied();
        parsed
    }
}

/// The table a frequency belongs to, as the file does not say.
fn table_for(frequency: Option<Frequency>) -> &'static str {
    match frequency {
        Some(Frequency::Year) => "47018NED",
        _ => "47022NED",
    }
}

/// A field parsed, or the column at fault and what was expected.
type Parsed<'a, T> = Result<T, (&'a str, String)>;

/// Adds one row's cell to the cube, or records every field's problem.
fn add_row(
    cube: &mut CubeBuilder<'_>,
    problems: &mut Problems,
    line: Option<u64>,
    fields: (
        Parsed<'_, u16>,
        Parsed<'_, u32>,
        Parsed<'_, Period>,
        Parsed<'_, Value>,
    ),
    count_column: &str,
) {
    match fields {
        (Ok(category), Ok(area), Ok(period), Ok(value)) => {
            if let Err(m) = cube.set(area, category, period, value) {
                problems.add(
                    line,
                    Some(m.field(CODED_COLUMNS[2], count_column)),
                    m.message,
                );
            }
        }
        (c, a, p, v) => {
            for (field, message) in [c.err(), a.err(), p.err(), v.err()].into_iter().flatten() {
                problems.add(line, Some(field), message);
            }
        }
    }
}

/// Where the coded CSV keeps its columns.
struct CodedColumns {
    category: usize,
    area: usize,
    period: usize,
    count: usize,
    count_name: String,
    /// The header's columns; every line has as many fields.
    headers: Vec<String>,
}

impl CodedColumns {
    /// A personal-data scan of the columns not read (labels, and whatever else a file adds).
    fn content_scan(&self) -> ContentScan {
        ContentScan::new(
            &self.headers,
            &[self.category, self.area, self.period, self.count],
        )
    }
}

fn coded_header<R: Read>(
    input: &Input<'_>,
    csv: &mut csv::Reader<R>,
) -> Result<CodedColumns, ImportError> {
    let mut problems = Problems::new(input.name);
    let headers = checked_headers(input.name, csv, &mut problems)?;
    let position = |name: &str| headers.iter().position(|h| h == name);
    let (Some(category), Some(area), Some(period), Some(count)) = (
        position(CODED_COLUMNS[0]),
        position(CODED_COLUMNS[1]),
        position(CODED_COLUMNS[2]),
        headers.iter().position(|h| h.starts_with(COUNT_PREFIX)),
    ) else {
        return Err(problems.fatal(
            Some(1),
            None,
            format!(
                "verwacht een kopregel met de kolommen SoortMisdrijf, WijkenEnBuurten, Perioden en \
                 GeregistreerdeMisdrijven_1 gescheiden door '{}', gevonden: {}",
                char::from(input.delimiter),
                headers.join(" | ")
            ),
        ));
    };
    problems.finish(CodedColumns {
        category,
        area,
        period,
        count,
        count_name: headers[count].clone(),
        headers,
    })
}

/// Reads data rows into the cube until the input ends or the problem list is full, showing them
/// to the personal-data scan; returns the number of rows read.
fn parse_coded_rows<R: Read>(
    csv: &mut csv::Reader<R>,
    columns: &CodedColumns,
    delimiter: u8,
    cube: &mut CubeBuilder<'_>,
    (problems, scan): (&mut Problems, &mut ContentScan),
) -> u64 {
    let mut record = csv::ByteRecord::new();
    let mut rows = 0u64;
    // Files are sorted by area, then category, then period in practice: remembering the last
    // raw value of each column spares a hash lookup per row on national files.
    let mut last_category = LastValue::default();
    let mut last_area = LastValue::default();
    let mut last_period = LastValue::default();
    loop {
        match csv.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let (line, message) = csv_problem(&e, delimiter);
                problems.add(line, None, message);
                if problems.is_full() || !matches!(e.kind(), csv::ErrorKind::UnequalLengths { .. })
                {
                    break;
                }
                continue;
            }
        }
        rows += 1;
        let line = record.position().map(|p| p.line());
        // The csv crate compares a line's fields with its first record's; the second half of a
        // file read by two threads has no header, so lines are counted against it here.
        if record.len() != columns.headers.len() {
            problems.add(
                line,
                None,
                format!(
                    "verwacht {} velden gescheiden door '{}', gevonden {}",
                    columns.headers.len(),
                    char::from(delimiter),
                    record.len()
                ),
            );
            if problems.is_full() {
                break;
            }
            continue;
        }
        if let Err(e) = std::str::from_utf8(record.as_slice()) {
            problems.add(line, None, text::not_utf8(record.as_slice(), &e));
            if problems.is_full() {
                break;
            }
            continue;
        }
        scan.observe_bytes(&record);
        let field = |i: usize| {
            let raw = record.get(i).unwrap_or(b"");
            (raw, std::str::from_utf8(raw).unwrap_or("").trim())
        };
        let (cat_raw, cat) = field(columns.category);
        let (area_raw, area) = field(columns.area);
        let (period_raw, period) = field(columns.period);
        let (_, count) = field(columns.count);
        let category = last_category
            .get(cat_raw, || cube.category(cat))
            .map_err(|m| (CODED_COLUMNS[0], m));
        let area = last_area
            .get(area_raw, || cube.area(area))
            .map_err(|m| (CODED_COLUMNS[1], m));
        let period = last_period
            .get(period_raw, || {
                Period::parse_cbs(period).map_err(|e| e.to_string())
            })
            .map_err(|m| (CODED_COLUMNS[2], m));
        let value = text::parse_count(count).map_err(|m| (columns.count_name.as_str(), m));
        let value = value.map(|v| v.map_or(Value::Withheld, Value::Count));
        add_row(
            cube,
            problems,
            line,
            (category, area, period, value),
            &columns.count_name,
        );
        if problems.is_full() {
            break;
        }
    }
    rows
}

/// Reads the coded CSV (`SoortMisdrijf;WijkenEnBuurten;Perioden;GeregistreerdeMisdrijven_1`).
pub(crate) fn read_coded_csv(
    input: &Input<'_>,
    reader: impl Read,
    options: &ReadOptions,
    context: &Context,
) -> Result<ImportBatch, ImportError> {
    let mut csv = text::csv_builder(input.delimiter).from_reader(reader);
    let columns = coded_header(input, &mut csv)?;
    let mut problems = Problems::new(input.name);
    let mut cube = CubeBuilder::new(&context.known_areas);
    let mut scan = columns.content_scan();
    let rows = parse_coded_rows(
        &mut csv,
        &columns,
        input.delimiter,
        &mut cube,
        (&mut problems, &mut scan),
    );
    scan.report_first(&mut problems, None);
    finish(input, options, problems, cube, rows, "politie-coded-csv")
}

/// Files at least this large are parsed by two threads.
pub(crate) const PARALLEL_BYTES: u64 = 64 << 20;

/// The fast path for large coded CSV files: two threads each parse one half (split at a line
/// break) while a third computes the checksum; the halves' cubes are merged. Returns `None` if
/// the file has any problem or could hold quoted line breaks; the caller then reads it
/// sequentially, which reports problems with exact line numbers.
pub(crate) fn read_coded_csv_parallel(
    input: &Input<'_>,
    path: &Path,
    head: &[u8],
    options: &ReadOptions,
    context: &Context,
) -> Option<(ImportBatch, String)> {
    // A quote could hide a line break inside a field, so a split point might fall in one.
    if head.contains(&b'"') {
        return None;
    }
    let columns = coded_header(
        input,
        &mut text::csv_builder(input.delimiter).from_reader(head),
    )
    .ok()?;
    let length = std::fs::metadata(path).ok()?.len();
    let split = {
        let mut file = File::open(path).ok()?;
        file.seek(SeekFrom::Start(length / 2)).ok()?;
        let mut buffer = vec![0; 1 << 16];
        let n = file.read(&mut buffer).ok()?;
        length / 2 + buffer[..n].iter().position(|&b| b == b'\n')? as u64 + 1
    };
    // Each half is scanned for personal data (the sequential reader scans the first
    // `SCAN_ROWS` rows, which the first half holds unless a test lowered the threshold); what a
    // scan finds counts as a problem, so the sequential reader then decides and reports it.
    let parse = |range: std::ops::Range<u64>, has_headers: bool| {
        let mut file = File::open(path).ok()?;
        file.seek(SeekFrom::Start(range.start)).ok()?;
        let mut csv = text::csv_builder(input.delimiter)
            .has_headers(has_headers)
            .from_reader(file.take(range.end - range.start));
        let mut cube = CubeBuilder::new(&context.known_areas);
        let mut problems = Problems::new(input.name);
        let mut scan = columns.content_scan();
        let rows = parse_coded_rows(
            &mut csv,
            &columns,
            input.delimiter,
            &mut cube,
            (&mut problems, &mut scan),
        );
        scan.report(&mut problems, None);
        problems.is_empty().then_some((cube, rows))
    };
    let (checksum, first, second) = std::thread::scope(|scope| {
        let checksum = scope.spawn(|| text::checksum_of_file(path).ok());
        let first = scope.spawn(|| parse(0..split, true));
        let second = parse(split..length, false);
        (
            checksum.join().ok().flatten(),
            first.join().ok().flatten(),
            second,
        )
    });
    let ((mut cube, rows_first), (other, rows_second)) = (first?, second?);
    if !cube.absorb(other) {
        return None;
    }
    let batch = finish(
        input,
        options,
        Problems::new(input.name),
        cube,
        rows_first + rows_second,
        "politie-coded-csv",
    )
    .ok()?;
    Some((batch, checksum?))
}

fn finish(
    input: &Input<'_>,
    options: &ReadOptions,
    problems: Problems,
    cube: CubeBuilder,
    rows: u64,
    kind: &str,
) -> Result<ImportBatch, ImportError> {
    let mut problems = problems;
    if rows == 0 && problems.is_empty() {
        problems.add(
            None,
            None,
            "het bestand heeft een kopregel maar geen gegevensregels",
        );
    }
    let table = options
        .table_id
        .clone()
        .unwrap_or_else(|| table_for(cube.frequency()).to_owned());
    let mut batch = ImportBatch::default();
    cube.finish_into(&mut batch, &table);
    batch.source = Some(input.source_info(kind, &table, options, rows));
    problems.finish(batch)
}

/// One data row of a portal export, before its labels are resolved.
struct PortalRow {
    line: u64,
    category: String,
    period: String,
    area: String,
    count: String,
}

/// Where the portal export keeps its columns.
struct PortalColumns {
    category: usize,
    period: usize,
    area: usize,
    count: usize,
}

impl PortalColumns {
    /// The columns' positions in the header, or None if one is missing.
    fn find(headers: &[String]) -> Option<PortalColumns> {
        let position = |name: &str| headers.iter().position(|h| h == name);
        Some(PortalColumns {
            category: position("Soort misdrijf")?,
            period: position("Perioden")?,
            area: position("Wijken en buurten")?,
            count: headers
                .iter()
                .position(|h| h.starts_with("Geregistreerde misdrijven"))?,
        })
    }
}

/// Reads the portal CSV export: labels only, Dutch month names, areas as names.
pub(crate) fn read_portal_csv(
    input: &Input<'_>,
    bytes: &[u8],
    options: &ReadOptions,
    context: &Context,
) -> Result<ImportBatch, ImportError> {
    let text = text::utf8(input.name, bytes)?;
    // As downloaded from StatLine, with a title above the header and the source below the data.
    let text = crate::statline::frame(input.name, text, input.delimiter)?;
    let mut problems = Problems::new(input.name);
    let mut csv = text::csv_builder(input.delimiter).from_reader(text.as_bytes());
    let headers = checked_headers(input.name, &mut csv, &mut problems)?;
    let Some(columns) = PortalColumns::find(&headers) else {
        return Err(problems.fatal(
            Some(1),
            None,
            format!(
                "verwacht de kopregel van het portaal \"Soort misdrijf\";\"Perioden\";\"Wijken en buurten\";\
                 \"Geregistreerde misdrijven (aantal)\", gevonden: {}",
                headers.join(" | ")
            ),
        ));
    };
    let mut scan = ContentScan::new(
        &headers,
        &[
            columns.category,
            columns.period,
            columns.area,
            columns.count,
        ],
    );
    let rows = portal_rows(
        &mut csv,
        input.delimiter,
        &columns,
        (&mut problems, &mut scan),
    );
    scan.report_first(&mut problems, None);
    if !problems.is_empty() {
        return Err(problems.into_error());
    }
    let frequency = rows
        .iter()
        .find_map(|r| Period::parse_dutch_label(&r.period).ok())
        .map(Period::frequency);
    let regions = match frequency {
        Some(Frequency::Year) => &code_lists().regions_47018,
        _ => &code_lists().regions_47022,
    };
    let names = resolve_area_names(input.name, regions, &rows)?;
    let mut cube = CubeBuilder::new(&context.known_areas);
    for row in &rows {
        add_portal_row(
            &mut cube,
            &mut problems,
            &names,
            row,
            &headers[columns.count],
        );
        if problems.is_full() {
            break;
        }
    }
    finish(
        input,
        options,
        problems,
        cube,
        rows.len() as u64,
        "politie-portal-csv",
    )
}

/// The export's data rows with their fields as written, each shown to the personal-data scan;
/// unreadable lines are recorded instead.
fn portal_rows(
    csv: &mut csv::Reader<&[u8]>,
    delimiter: u8,
    columns: &PortalColumns,
    (problems, scan): (&mut Problems, &mut ContentScan),
) -> Vec<PortalRow> {
    let mut rows = Vec::new();
    for result in csv.records() {
        match result {
            Ok(record) => {
                scan.observe_record(&record);
                rows.push(PortalRow {
                    line: record.position().map_or(0, |p| p.line()),
                    category: record.get(columns.category).unwrap_or("").trim().to_owned(),
                    period: record.get(columns.period).unwrap_or("").trim().to_owned(),
                    area: record.get(columns.area).unwrap_or("").trim().to_owned(),
                    count: record.get(columns.count).unwrap_or("").to_owned(),
                });
            }
            Err(e) => {
                let (line, message) = csv_problem(&e, delimiter);
                problems.add(line, None, message);
                if problems.is_full() {
                    break;
                }
            }
        }
    }
    rows
}

/// Adds one portal row's cell to the cube, its labels resolved by `names` and the code lists.
fn add_portal_row(
    cube: &mut CubeBuilder<'_>,
    problems: &mut Problems,
    names: &BTreeMap<String, Result<String, String>>,
    row: &PortalRow,
    count_column: &str,
) {
    let category = code_lists()
        .category_by_title(&row.category)
        .map(|c| cube.known_category(&c.code))
        .ok_or_else(|| {
            (
                "Soort misdrijf",
                format!(
                    "onbekende omschrijving '{}': verwacht een titel van een SoortMisdrijf uit de \
                     codelijst, zoals 'Totaal misdrijven' of '1.1.1 Diefstal/inbraak woning'",
                    row.category
                ),
            )
        });
    let area = match names.get(&row.area) {
        Some(Ok(code)) => cube.area(code).map_err(|m| ("Wijken en buurten", m)),
        Some(Err(m)) => Err(("Wijken en buurten", m.clone())),
        None => unreachable!("every name was resolved"),
    };
    let period = Period::parse_dutch_label(&row.period).map_err(|e| ("Perioden", e.to_string()));
    let value = text::parse_count(&row.count).map_err(|m| ("Geregistreerde misdrijven", m));
    let value = value.map(|v| v.map_or(Value::Withheld, Value::Count));
    add_row(
        cube,
        problems,
        Some(row.line),
        (category, area, period, value),
        count_column,
    );
}

/// Maps every area name in a portal export to a code. Names are unique only within a gemeente,
/// so the gemeenten the export covers are found first (their own rows name them).
fn resolve_area_names(
    file: &str,
    regions: &RegionList,
    rows: &[PortalRow],
) -> Result<BTreeMap<String, Result<String, String>>, ImportError> {
    let names: BTreeSet<&str> = rows.iter().map(|r| r.area.as_str()).collect();
    let gemeenten: BTreeSet<&str> = names
        .iter()
        .filter_map(|n| match regions.gemeenten_named(n) {
            [one] => Some(one.as_str()),
            _ => None,
        })
        .collect();
    if gemeenten.is_empty() {
        return Err(Problems::new(file).fatal(
            None,
            Some("Wijken en buurten"),
            "niet te bepalen over welke gemeente deze export gaat: geen van de gebiedsnamen is een \
             gemeente in de codelijst; exporteer ook de regels van de gemeente zelf, of gebruik de \
             gecodeerde CSV",
        ));
    }
    let mut resolved = BTreeMap::new();
    for name in names {
        if let [gm] = regions.gemeenten_named(name) {
            if gemeenten.contains(gm.as_str()) {
                resolved.insert(name.to_owned(), Ok(gm.clone()));
                continue;
            }
        }
        let candidates: Vec<&String> = gemeenten
            .iter()
            .flat_map(|gm| regions.named_in_gemeente(gm, name))
            .filter(|code| !code.starts_with("GM"))
            .collect();
        let answer = match candidates.as_slice() {
            [one] => Ok((*one).clone()),
            [] => Err(format!(
                "'{name}' is geen gemeente, wijk of buurt van {} in de codelijst",
                gemeenten.iter().copied().collect::<Vec<_>>().join(", ")
            )),
            many => Err(format!(
                "'{name}' is niet eenduidig: de naam hoort bij {}; gebruik de gecodeerde CSV, die codes \
                 heeft",
                many.iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(" en ")
            )),
        };
        resolved.insert(name.to_owned(), answer);
    }
    Ok(resolved)
}

/// Reads one OData (v3 or v4) JSON page of a TypedDataSet as saved from the API.
pub(crate) fn read_odata_json(
    input: &Input<'_>,
    bytes: &[u8],
    options: &ReadOptions,
    context: &Context,
) -> Result<ImportBatch, ImportError> {
    let text = text::utf8(input.name, bytes)?;
    let document: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        Problems::new(input.name).fatal(
            Some(e.line() as u64),
            None,
            format!(
                "geen geldige JSON ({e}); verwacht een OData-pagina zoals opgeslagen uit de API"
            ),
        )
    })?;
    let rows = odata_rows(&document).ok_or_else(|| {
        Problems::new(input.name).fatal(
            None,
            None,
            "verwacht een OData-JSON-pagina: een object met een array \"value\" (of \"d\".\"results\")",
        )
    })?;
    let table = odata_table_id(&document);
    let mut problems = Problems::new(input.name).with_unit("record");
    let mut cube = CubeBuilder::new(&context.known_areas);
    let mut reported_columns = BTreeSet::new();
    for (i, row) in rows.iter().enumerate() {
        let record = Some(i as u64 + 1);
        let Some(object) = row.as_object() else {
            problems.add(record, None, "verwacht een JSON-object per record");
            continue;
        };
        report_personal_keys(&mut problems, record, object, &mut reported_columns, &[]);
        add_odata_record(&mut cube, &mut problems, record, object);
        if problems.is_full() {
            break;
        }
    }
    let options = ReadOptions {
        table_id: options.table_id.clone().or(table),
        ..options.clone()
    };
    finish(
        input,
        &options,
        problems,
        cube,
        rows.len() as u64,
        match input.kind {
            InputKind::PolitieOdataJson => "politie-odata-json",
            _ => "odata-json",
        },
    )
}

/// Adds one OData record's cell to the cube, or records every field's problem.
fn add_odata_record(
    cube: &mut CubeBuilder<'_>,
    problems: &mut Problems,
    record: Option<u64>,
    object: &serde_json::Map<String, serde_json::Value>,
) {
    let text_field = |name: &'static str| {
        object
            .get(name)
            .and_then(serde_json::Value::as_str)
            .map(str::trim)
            .ok_or((
                name,
                format!("ontbreekt; verwacht de code {name} als tekst"),
            ))
    };
    let count_key = object
        .keys()
        .find(|k| k.starts_with(COUNT_PREFIX))
        .cloned()
        .unwrap_or_else(|| "GeregistreerdeMisdrijven_1".to_owned());
    let category = text_field("SoortMisdrijf")
        .and_then(|c| cube.category(c).map_err(|m| ("SoortMisdrijf", m)));
    let area = text_field("WijkenEnBuurten")
        .and_then(|a| cube.area(a).map_err(|m| ("WijkenEnBuurten", m)));
    let period = text_field("Perioden")
        .and_then(|p| Period::parse_cbs(p).map_err(|e| ("Perioden", e.to_string())));
    let value = odata_count(object.get(&count_key)).map_err(|m| (count_key.as_str(), m));
    add_row(
        cube,
        problems,
        record,
        (category, area, period, value),
        &count_key,
    );
}

/// The count a record's count field holds: null or missing is withheld.
fn odata_count(field: Option<&serde_json::Value>) -> Result<Value, String> {
    match field {
        None | Some(serde_json::Value::Null) => Ok(Value::Withheld),
        Some(serde_json::Value::Number(n)) => match n.as_f64() {
            Some(x) if x >= 0.0 && x.fract() == 0.0 && x <= f64::from(text::MAX_COUNT) => {
                Ok(Value::Count(x as u32))
            }
            _ => Err(format!(
                "{n} is geen aantal; verwacht een geheel getal van 0 of meer"
            )),
        },
        Some(other) => Err(format!(
            "{other} is geen aantal; verwacht een getal, of null voor een geheimgehouden cijfer"
        )),
    }
}

pub(crate) fn odata_rows(document: &serde_json::Value) -> Option<&Vec<serde_json::Value>> {
    document
        .get("value")
        .or_else(|| document.get("d").and_then(|d| d.get("results").or(Some(d))))
        .and_then(serde_json::Value::as_array)
}

/// The table id from the page's metadata URL, e.g. `.../47022NED/$metadata#...`.
pub(crate) fn odata_table_id(document: &serde_json::Value) -> Option<String> {
    let url = document
        .get("odata.metadata")
        .or_else(|| document.get("@odata.context"))?
        .as_str()?;
    url.split('/')
        .find(|part| {
            // Bytes, not a `str` slice: byte 5 may fall inside a letter like `é`.
            part.len() >= 8
                && part.ends_with("NED")
                && part.as_bytes()[..5].iter().all(u8::is_ascii_digit)
        })
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::{odata_count, odata_table_id, read_coded_csv_parallel, text, Value};
    use crate::{Context, Input, InputKind, ReadOptions};

    #[test]
    fn the_two_thread_path_refuses_lines_shorter_than_the_header() {
        // The second half is read without the header, and the csv crate measured its lines
        // against its own first line: a short last line was accepted by the two-thread path and
        // refused by the sequential reader (#16, found by the fuzz campaign's --parallel).
        let text = "SoortMisdrijf;WijkenEnBuurten;Perioden;GeregistreerdeMisdrijven_1;\
                    SoortMisdrijf_label;WijkenEnBuurten_label\n0.0.0;GM1581;2022MM12;";
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("coded.csv");
        std::fs::write(&path, text).unwrap();
        let input = Input {
            name: "coded.csv",
            kind: InputKind::PolitieCodedCsv,
            delimiter: b';',
        };
        let (options, context) = (ReadOptions::default(), Context::default());
        let parallel = read_coded_csv_parallel(&input, &path, text.as_bytes(), &options, &context);
        assert!(
            parallel.is_none(),
            "the two-thread path accepted a short line"
        );
    }

    #[test]
    fn a_count_too_large_for_a_series_is_refused_not_clamped() {
        // Series cells are i32: 4294967295 was accepted and kept as 2147483647 (#16, found by
        // comparing accepted fuzzed files with an independent reading).
        assert_eq!(text::parse_count("2147483647"), Ok(Some(2_147_483_647)));
        assert!(text::parse_count("2147483648").is_err());
        assert!(text::parse_count("4294967295").is_err());
        let count = |n: u64| odata_count(Some(&serde_json::json!(n)));
        assert_eq!(count(2_147_483_647), Ok(Value::Count(2_147_483_647)));
        assert!(count(2_147_483_648).is_err());
    }

    #[test]
    fn a_metadata_url_with_a_multi_byte_letter_is_no_table_id_not_a_panic() {
        // Slicing `1234éNED` at byte 5, inside "é", panicked (#16, found by the fuzz campaign).
        let page = |url: &str| serde_json::json!({ "odata.metadata": url, "value": [] });
        assert_eq!(
            odata_table_id(&page("https://x/ODataApi/OData/1234éNED/$metadata")),
            None
        );
        assert_eq!(
            odata_table_id(&page("https://x/ODataApi/OData/47022NED/$metadata#T")),
            Some("47022NED".to_owned())
        );
    }
}
