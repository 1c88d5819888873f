//! Police incident exports (BVH) as municipalities receive them: each incident placed in its CBS
//! buurt by point-in-polygon, mapped to a `SoortMisdrijf` category, counted per buurt, category
//! and month of registration. Only those counts are kept; every other field, including street,
//! house number and postcode, is dropped on reading, after it has been checked for personal data
//! (`personal.rs`: a column that holds some refuses the export).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use buurtbeeld_cube::dutch::{decimal, integer};
use buurtbeeld_cube::{
    AreaCode, AreaLevel, CategoryCode, ImportBatch, IncidentRecord, IncidentSource, Period,
    SourceKind, Value,
};

use crate::codelists::code_lists;
use crate::cube_builder::CubeBuilder;
use crate::personal::{checked_headers, ContentScan};
use crate::problem::{csv_problem, ImportError, Problems};
use crate::registrations::{read_day, read_point, BuurtLocator, Crs};
use crate::{text, Context, Input, ReadOptions};

const CODE: &str = "Incidentsoort code";
const REGISTERED: &str = "Kennisnamedatum/tijd";
const X: &str = "X";
const Y: &str = "Y";
const SOURCE: &str = "BVH";

/// Where the export keeps the columns buurtbeeld reads.
struct Columns {
    code: usize,
    registered: usize,
    x: usize,
    y: usize,
}

impl Columns {
    /// The columns' positions in the header, or None if one is missing.
    fn find(headers: &[String]) -> Option<Columns> {
        let column = |name: &str| headers.iter().position(|h| h == name);
        Some(Columns {
            code: column(CODE)?,
            registered: column(REGISTERED)?,
            x: column(X)?,
            y: column(Y)?,
        })
    }
}

/// Incidents counted so far.
#[derive(Default)]
struct Tally {
    /// (buurt index or None for outside every buurt, category, month) → incidents
    counts: BTreeMap<(Option<usize>, CategoryCode, i64), u32>,
    /// Every incident with its day and point, for point-level patterns.
    incidents: Vec<IncidentRecord>,
    rows: u64,
    /// Incidents outside every buurt boundary.
    outside: u64,
}

impl Tally {
    /// The year of the first registration counted, where the export's period starts.
    fn first_year(&self) -> Option<i32> {
        let first = self.counts.keys().map(|(_, _, month)| *month).min()?;
        Some(Period::from_ordinal(buurtbeeld_cube::Frequency::Month, first).calendar_year())
    }
}

pub(crate) fn read(
    input: &Input<'_>,
    bytes: &[u8],
    options: &ReadOptions,
    context: &Context,
) -> Result<ImportBatch, ImportError> {
    let text = text::utf8_or_windows_1252(bytes);
    let mut problems = Problems::new(input.name);
    let mut csv = text::csv_builder(input.delimiter).from_reader(text.as_bytes());
    let headers = checked_headers(input.name, &mut csv, &mut problems)?;
    let Some(columns) = Columns::find(&headers) else {
        return Err(problems.fatal(
            Some(1),
            None,
            format!("verwacht de BVH-kolommen '{CODE}', '{REGISTERED}', '{X}' en '{Y}'"),
        ));
    };
    if !problems.is_empty() {
        return Err(problems.into_error());
    }
    let buurten = BuurtLocator::new(context);
    if buurten.is_empty() {
        return Err(problems.fatal(
            None,
            None,
            "de opslag heeft geen buurtgrenzen om incidenten in te plaatsen: lees eerst de CBS \
             wijk- en buurtkaart (buurt-GeoJSON) van deze gemeente in",
        ));
    }
    let categories: HashMap<&str, &CategoryCode> = context
        .incident_codes
        .iter()
        .map(|(code, category)| (code.as_str(), category))
        .collect();
    // Every column but the four read is dropped, so each is checked for personal data.
    let mut scan = ContentScan::new(
        &headers,
        &[columns.code, columns.registered, columns.x, columns.y],
    );
    let tally = count_incidents(
        &mut csv,
        input.delimiter,
        &columns,
        &categories,
        &buurten,
        (&mut problems, &mut scan),
    );
    scan.report_first(&mut problems, tally.first_year());
    let (rows, outside) = (tally.rows, tally.outside);
    if rows == 0 && problems.is_empty() {
        problems.add(
            None,
            None,
            "de export heeft een kopregel maar geen incidenten",
        );
    }
    if !problems.is_empty() {
        return Err(problems.into_error());
    }
    let mut batch = build_cube(&buurten, &tally.counts, context);
    batch.incidents.source = Some(IncidentSource {
        id: SOURCE.to_owned(),
        kind: SourceKind::Politie,
        name: "Politie (BVH-incidenten)".to_owned(),
    });
    batch.incidents.incidents = tally.incidents;
    let placed = rows - outside;
    batch.notes.push(format!(
        "{} van {} in een buurt geplaatst ({}%); {} buiten alle buurtgrenzen, geteld als \
         onbekend ({})",
        integer(placed),
        text::count(rows, "incident", "incidenten"),
        decimal(100.0 * placed as f64 / rows as f64, 2),
        integer(outside),
        AreaCode::unknown(AreaLevel::Buurt)
    ));
    batch.source = Some(input.source_info("bvh-incidents", SOURCE, options, rows));
    Ok(batch)
}

/// The incidents of the export counted per buurt, category and month; a row with a problem is
/// recorded instead. Every row read is shown to the personal-data scan.
fn count_incidents(
    csv: &mut csv::Reader<&[u8]>,
    delimiter: u8,
    columns: &Columns,
    categories: &HashMap<&str, &CategoryCode>,
    buurten: &BuurtLocator,
    (problems, scan): (&mut Problems, &mut ContentScan),
) -> Tally {
    let mut tally = Tally::default();
    for result in csv.records() {
        let record = match result {
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
        tally.rows += 1;
        scan.observe_record(&record);
        let line = record.position().map(|p| p.line());
        let field = |i: usize| record.get(i).unwrap_or("").trim();
        let category = categories.get(field(columns.code)).copied().ok_or_else(|| {
            format!(
                "onbekende incidentcode '{}': voeg die met de bijbehorende SoortMisdrijf-categorie \
                 toe aan de tabel met incidentcodes (buurtbeeld import incident_codes.csv)",
                field(columns.code)
            )
        });
        let day = read_day(field(columns.registered));
        let point = read_point(field(columns.x), field(columns.y), Crs::RdNew);
        match (category, day, point) {
            (Ok(category), Ok(day), Ok(point)) => {
                let (lon, lat) = buurtbeeld_cube::rd::rd_to_wgs84(point.x, point.y);
                let buurt = buurten.index(lon, lat);
                tally.outside += u64::from(buurt.is_none());
                *tally
                    .counts
                    .entry((buurt, category.clone(), day.month().ordinal()))
                    .or_default() += 1;
                tally.incidents.push(IncidentRecord {
                    category: category.as_str().to_owned(),
                    day,
                    area: buurt.map_or(AreaCode::unknown(AreaLevel::Buurt), |i| {
                        buurten.code(i).clone()
                    }),
                    point: Some(point),
                    external_id: None,
                });
            }
            (category, day, point) => {
                if let Err(m) = category {
                    problems.add(line, Some(CODE), m);
                }
                if let Err(m) = day {
                    problems.add(line, Some(REGISTERED), m);
                }
                if let Err(m) = point {
                    problems.add(line, Some(X), m);
                }
            }
        }
        if problems.is_full() {
            break;
        }
    }
    tally
}

/// Counts per buurt, with wijk and gemeente totals. Within the months the export covers, a
/// buurt without incidents has a true 0, so every buurt of the gemeenten involved gets a cell.
fn build_cube(
    buurten: &BuurtLocator,
    counts: &BTreeMap<(Option<usize>, CategoryCode, i64), u32>,
    context: &Context,
) -> ImportBatch {
    let months: BTreeSet<i64> = counts.keys().map(|(_, _, m)| *m).collect();
    let (first, last) = (
        *months.first().expect("at least one incident"),
        *months.last().expect("at least one incident"),
    );
    let category_set: BTreeSet<&CategoryCode> = counts.keys().map(|(_, c, _)| c).collect();
    let gemeenten: BTreeSet<AreaCode> = counts
        .keys()
        .filter_map(|(b, _, _)| b.and_then(|i| buurten.code(i).gemeente()))
        .collect();
    let unknown = AreaCode::unknown(AreaLevel::Buurt);
    let mut areas: Vec<AreaCode> = buurten
        .codes()
        .filter(|c| c.gemeente().is_some_and(|g| gemeenten.contains(&g)))
        .cloned()
        .collect();
    let covered_buurten = areas.clone();
    for buurt in &covered_buurten {
        areas.extend(buurt.parent());
        areas.extend(buurt.gemeente());
    }
    areas.push(unknown.clone());
    areas.push(AreaCode::unknown(AreaLevel::Wijk));
    areas.push(AreaCode::unknown(AreaLevel::Gemeente));
    areas.sort();
    areas.dedup();

    let mut totals: BTreeMap<(AreaCode, &CategoryCode, i64), u32> = BTreeMap::new();
    for area in &areas {
        for category in &category_set {
            for month in first..=last {
                totals.insert((area.clone(), category, month), 0);
            }
        }
    }
    for ((buurt, category, month), n) in counts {
        let buurt = buurt.map_or(unknown.clone(), |i| buurten.code(i).clone());
        let wijk = if buurt == unknown {
            AreaCode::unknown(AreaLevel::Wijk)
        } else {
            buurt.parent().expect("a buurt has a wijk")
        };
        let gemeente = if buurt == unknown {
            AreaCode::unknown(AreaLevel::Gemeente)
        } else {
            buurt.gemeente().expect("a buurt has a gemeente")
        };
        for area in [buurt, wijk, gemeente] {
            *totals.entry((area, category, *month)).or_default() += n;
        }
    }
    let known: BTreeSet<AreaCode> = areas.iter().cloned().collect();
    let mut cube = CubeBuilder::new(&known);
    for ((area, category, month), n) in &totals {
        let a = cube.known_area(area);
        let c = cube.known_category(category);
        let period = Period::from_ordinal(buurtbeeld_cube::Frequency::Month, *month);
        cube.set(a, c, period, Value::Count(*n))
            .expect("each key is set once");
    }
    let mut batch = ImportBatch::default();
    // Wijken and gemeenten named only by the buurt codes get names from the code lists, unless
    // the store knows them already.
    for area in cube.areas().to_vec() {
        if !context.known_areas.contains(&area) {
            for record in code_lists().area_with_ancestors(&area) {
                if !context.known_areas.contains(&record.code) {
                    batch.areas.push(record);
                }
            }
        }
    }
    batch.areas.sort_by(|a, b| a.code.cmp(&b.code));
    batch.areas.dedup_by(|a, b| a.code == b.code);
    cube.finish_into(&mut batch, SOURCE);
    batch
}
