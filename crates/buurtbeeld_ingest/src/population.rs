//! Population per area and year: CBS kerncijfers wijken en buurten (typed CSV or OData JSON,
//! `AantalInwoners_5`) and the simple documented CSV `code;year;inhabitants`.

use std::collections::BTreeMap;

use buurtbeeld_cube::{AreaCode, ImportBatch, PopulationRecord};

use crate::personal::{checked_headers, report_personal_keys, ContentScan};
use crate::politie::{odata_rows, odata_table_id};
use crate::problem::{csv_problem, ImportError, Problems};
use crate::{text, Context, Input, ReadOptions};

const AREA_COLUMNS: [&str; 7] = [
    "WijkenEnBuurten",
    "Codering_3",
    "nhood_id",
    "code",
    "statcode",
    "gwb_code",
    "BU_CODE",
];

/// Kerncijfers tables whose reference year we know. Others need `--year`.
const KERNCIJFERS_YEARS: [(&str, i32); 1] = [("85984NED", 2024)];

/// Whether a column holds inhabitants: the names the boundary files use across the years
/// (`AANT_INW`, `aantalInwoners`, `AantalInwoners_5`; see `area_features`) and the simple file's.
fn is_count_column(name: &str) -> bool {
    crate::area_features::is_population_property(name)
        || matches!(name, "inhabitants" | "population")
}

/// The year a file is about: the user's `--year`, else a known kerncijfers table id in the file
/// name or metadata.
fn year_from(options: &ReadOptions, hints: &[&str]) -> Option<(i32, String)> {
    if let Some(year) = options.year {
        return Some((year, "population".to_owned()));
    }
    KERNCIJFERS_YEARS.iter().find_map(|(table, year)| {
        hints
            .iter()
            .any(|h| h.contains(table) || h.contains(&table[..5]))
            .then(|| (*year, (*table).to_owned()))
    })
}

/// A population cell: CBS marks secret figures empty, `.` or negative (`-99999999`).
fn parse_inhabitants(raw: &str) -> Result<Option<u32>, String> {
    let cell = raw.trim();
    if cell.starts_with('-') && cell.len() > 2 {
        return Ok(None);
    }
    text::parse_count(cell).map_err(|m| m.replace("een aantal", "een aantal inwoners"))
}

/// An inhabitants value as a problem shows it: `1.234`, or a withheld (empty) figure.
fn inhabitants_text(value: Option<u32>) -> String {
    value.map_or_else(
        || "een geheimgehouden (leeg) aantal".to_owned(),
        |n| buurtbeeld_cube::dutch::integer(u64::from(n)),
    )
}

#[derive(Default)]
struct Collector {
    records: BTreeMap<(AreaCode, i32), (u64, Option<u32>)>,
}

impl Collector {
    fn add(
        &mut self,
        problems: &mut Problems,
        line: u64,
        area: &str,
        year: i32,
        value: Result<Option<u32>, String>,
        (area_field, value_field): (&str, &str),
    ) {
        let area = match AreaCode::parse(area) {
            Ok(a) => a,
            Err(e) => return problems.add(Some(line), Some(area_field), e.to_string()),
        };
        let value = match value {
            Ok(v) => v,
            Err(m) => return problems.add(Some(line), Some(value_field), m),
        };
        match self.records.get(&(area.clone(), year)) {
            Some((first_line, old)) if *old != value => problems.add(
                Some(line),
                Some(value_field),
                format!(
                    "{area} heeft in {year} al {} inwoners op regel {first_line}; \
                     tegenstrijdige waarde {}",
                    inhabitants_text(*old),
                    inhabitants_text(value)
                ),
            ),
            Some(_) => {}
            None => {
                self.records.insert((area, year), (line, value));
            }
        }
    }

    fn into_batch(
        self,
        input: &Input<'_>,
        kind: &str,
        table: &str,
        options: &ReadOptions,
        rows: u64,
    ) -> ImportBatch {
        ImportBatch {
            source: Some(input.source_info(kind, table, options, rows)),
            population: self
                .records
                .into_iter()
                .map(|((area, year), (_, inhabitants))| PopulationRecord {
                    area,
                    year,
                    inhabitants,
                    source: table.to_owned(),
                })
                .collect(),
            ..ImportBatch::default()
        }
    }
}

pub(crate) fn read_csv(
    input: &Input<'_>,
    bytes: &[u8],
    options: &ReadOptions,
    _context: &Context,
) -> Result<ImportBatch, ImportError> {
    let text = text::utf8(input.name, bytes)?;
    // As downloaded from StatLine, with a title above the header and the source below the data.
    let text = crate::statline::frame(input.name, text, input.delimiter)?;
    let mut problems = Problems::new(input.name);
    let mut csv = text::csv_builder(input.delimiter)
        .comment(Some(b'#'))
        .from_reader(text.as_bytes());
    let headers = checked_headers(input.name, &mut csv, &mut problems)?;
    let area_col = headers
        .iter()
        .position(|h| AREA_COLUMNS.contains(&h.as_str()));
    let count_col = headers.iter().position(|h| is_count_column(h));
    let year_col = headers
        .iter()
        .position(|h| matches!(h.as_str(), "year" | "jaar"));
    let (Some(area_col), Some(count_col)) = (area_col, count_col) else {
        return Err(problems.fatal(
            Some(1),
            None,
            format!(
                "verwacht een gebiedskolom ({}) en een kolom met inwonertallen (AantalInwoners_5 \
                 of inhabitants), gevonden: {}",
                AREA_COLUMNS.join(", "),
                headers.join(" | ")
            ),
        ));
    };
    let fixed_year = year_from(options, &[input.name]);
    if year_col.is_none() && fixed_year.is_none() {
        return Err(problems.fatal(
            None,
            Some("year"),
            "het bestand heeft geen jaarkolom en het jaar van deze tabel is niet bekend; geef \
             --year YYYY mee",
        ));
    }
    let parsed: Vec<usize> = [Some(area_col), Some(count_col), year_col]
        .into_iter()
        .flatten()
        .collect();
    let mut scan = ContentScan::new(&headers, &parsed);
    let mut collector = Collector::default();
    let mut rows = 0;
    for result in csv.records() {
        let record = match result {
            Ok(r) => r,
            Err(e) => {
                let (line, message) = csv_problem(&e, input.delimiter);
                problems.add(line, None, message);
                continue;
            }
        };
        rows += 1;
        scan.observe_record(&record);
        let line = record.position().map_or(0, |p| p.line());
        let year = match year_col {
            Some(col) => match record.get(col).unwrap_or("").trim().parse::<i32>() {
                Ok(y) if (1900..=2100).contains(&y) => y,
                _ => {
                    problems.add(
                        Some(line),
                        Some(&headers[col]),
                        format!(
                            "'{}' is geen jaar; verwacht vier cijfers zoals 2024",
                            record.get(col).unwrap_or("")
                        ),
                    );
                    continue;
                }
            },
            None => fixed_year.as_ref().expect("checked above").0,
        };
        collector.add(
            &mut problems,
            line,
            record.get(area_col).unwrap_or(""),
            year,
            parse_inhabitants(record.get(count_col).unwrap_or("")),
            (&headers[area_col], &headers[count_col]),
        );
        if problems.is_full() {
            break;
        }
    }
    scan.report_first(&mut problems, None);
    let table = fixed_year.map_or_else(|| "population-csv".to_owned(), |(_, t)| t);
    let batch = collector.into_batch(input, "population-csv", &table, options, rows);
    problems.finish(batch)
}

pub(crate) fn read_odata_json(
    input: &Input<'_>,
    bytes: &[u8],
    options: &ReadOptions,
    _context: &Context,
) -> Result<ImportBatch, ImportError> {
    let text = text::utf8(input.name, bytes)?;
    let document: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        Problems::new(input.name).fatal(
            Some(e.line() as u64),
            None,
            format!("geen geldige JSON: {e}"),
        )
    })?;
    let mut problems = Problems::new(input.name).with_unit("record");
    let rows = odata_rows(&document).ok_or_else(|| {
        Problems::new(input.name).fatal(
            None,
            None,
            "verwacht een OData-pagina met een array \"value\"",
        )
    })?;
    let table = odata_table_id(&document);
    let Some((year, table)) = year_from(options, &[input.name, table.as_deref().unwrap_or("")])
    else {
        return Err(problems.fatal(
            None,
            Some("year"),
            "het jaar van deze kerncijferstabel is niet te bepalen; geef --year YYYY mee",
        ));
    };
    let mut collector = Collector::default();
    let mut reported_keys = std::collections::BTreeSet::new();
    for (i, row) in rows.iter().enumerate() {
        let record = i as u64 + 1;
        let Some(object) = row.as_object() else {
            problems.add(Some(record), None, "verwacht een JSON-object per record");
            continue;
        };
        report_personal_keys(&mut problems, Some(record), object, &mut reported_keys, &[]);
        let area = object
            .get("WijkenEnBuurten")
            .or_else(|| object.get("Codering_3"))
            .and_then(|v| v.as_str())
            .unwrap_or("");
        let (field, value) = object
            .iter()
            .find(|(k, _)| is_count_column(k))
            .map_or(("AantalInwoners_5", &serde_json::Value::Null), |(k, v)| {
                (k.as_str(), v)
            });
        let value = match value {
            serde_json::Value::Null => Ok(None),
            serde_json::Value::Number(n) => parse_inhabitants(&n.to_string()),
            other => Err(format!("{other} is geen aantal inwoners")),
        };
        collector.add(
            &mut problems,
            record,
            area,
            year,
            value,
            ("WijkenEnBuurten", field),
        );
        if problems.is_full() {
            break;
        }
    }
    let batch = collector.into_batch(
        input,
        "population-odata-json",
        &table,
        options,
        rows.len() as u64,
    );
    problems.finish(batch)
}
