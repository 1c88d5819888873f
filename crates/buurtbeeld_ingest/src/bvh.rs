//! Police incident exports (BVH) as municipalities receive them: each incident placed in its CBS
//! buurt by point-in-polygon, mapped to a `SoortMisdrijf` category, counted per buurt, category
//! and month of registration. Only those counts are kept; every other field, including street,
//! house number and postcode, is dropped on reading, after it has been checked for personal data
//! (`personal.rs`: a column that holds some refuses the export).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use buurtbeeld_cube::dutch::{decimal, integer};
use buurtbeeld_cube::{AreaCode, AreaLevel, CategoryCode, ImportBatch, Period, Value};
use geo::{BoundingRect, Contains, Intersects, MultiPolygon, Point, Rect};

use crate::codelists::code_lists;
use crate::cube_builder::CubeBuilder;
use crate::personal::{checked_headers, ContentScan};
use crate::problem::{csv_problem, ImportError, Problems};
use crate::rd::{looks_like_rd, rd_to_wgs84};
use crate::{text, Context, Input, ReadOptions};

const CODE: &str = "Incidentsoort code";
const REGISTERED: &str = "Kennisnamedatum/tijd";
const X: &str = "X";
const Y: &str = "Y";
const SOURCE: &str = "BVH";

struct Buurt {
    code: AreaCode,
    shape: MultiPolygon<f64>,
    bounds: Rect<f64>,
}

fn load_buurten(context: &Context) -> Vec<Buurt> {
    context
        .buurt_geometries
        .iter()
        .filter_map(|(code, json)| {
            let geometry: geojson::Geometry = json.parse().ok()?;
            let shape: geo::Geometry<f64> = geometry.try_into().ok()?;
            let shape = match shape {
                geo::Geometry::Polygon(p) => MultiPolygon(vec![p]),
                geo::Geometry::MultiPolygon(m) => m,
                _ => return None,
            };
            Some(Buurt {
                code: code.clone(),
                bounds: shape.bounding_rect()?,
                shape,
            })
        })
        .collect()
}

/// The buurt containing a point; a point on a shared edge goes to the first buurt in code order.
fn locate(buurten: &[Buurt], point: Point<f64>) -> Option<usize> {
    let candidates = || {
        buurten
            .iter()
            .enumerate()
            .filter(move |(_, b)| b.bounds.intersects(&point))
    };
    candidates()
        .find(|(_, b)| b.shape.contains(&point))
        .or_else(|| candidates().find(|(_, b)| b.shape.intersects(&point)))
        .map(|(i, _)| i)
}

/// Parses a Dutch Excel date-time `d-m-yyyy H:MM` (also `dd-mm-yyyy HH:MM:SS`) to its month.
fn registration_month(raw: &str) -> Result<Period, String> {
    let expected = || {
        format!(
            "'{raw}' is geen datum-tijd; verwacht dag-maand-jaar uur:minuut zoals 20-9-2017 17:30"
        )
    };
    let date = raw.split_whitespace().next().ok_or_else(expected)?;
    let parts: Vec<&str> = date.split('-').collect();
    let [day, month, year] = parts.as_slice() else {
        return Err(expected());
    };
    let (Ok(day), Ok(month), Ok(year)) = (
        day.parse::<u32>(),
        month.parse::<u32>(),
        year.parse::<i32>(),
    ) else {
        return Err(expected());
    };
    let period = Period::month(year, month).ok_or_else(expected)?;
    if day == 0 || day > text::days_in_month(year, month) {
        return Err(format!(
            "'{raw}' is geen datum: {year}-{month:02} heeft geen dag {day}"
        ));
    }
    Ok(period)
}

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
    let buurten = load_buurten(context);
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
    buurten: &[Buurt],
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
        let month = registration_month(field(columns.registered));
        let point = rd_position(field(columns.x), field(columns.y));
        match (category, month, point) {
            (Ok(category), Ok(month), Ok((lon, lat))) => {
                let buurt = locate(buurten, Point::new(lon, lat));
                tally.outside += u64::from(buurt.is_none());
                *tally
                    .counts
                    .entry((buurt, category.clone(), month.ordinal()))
                    .or_default() += 1;
            }
            (category, month, point) => {
                if let Err(m) = category {
                    problems.add(line, Some(CODE), m);
                }
                if let Err(m) = month {
                    problems.add(line, Some(REGISTERED), m);
                }
                if let Err((field, m)) = point {
                    problems.add(line, Some(field), m);
                }
            }
        }
        if problems.is_full() {
            break;
        }
    }
    tally
}

/// The WGS84 (lon, lat) of an RD New coordinate pair, or the column at fault and why.
fn rd_position(raw_x: &str, raw_y: &str) -> Result<(f64, f64), (&'static str, String)> {
    let coordinate = |raw: &str, name: &str| {
        raw.replace(',', ".")
            .parse::<f64>()
            .map_err(|_| format!("'{raw}' is geen RD New-{name}-coördinaat in meters"))
    };
    match (coordinate(raw_x, X), coordinate(raw_y, Y)) {
        (Ok(x), Ok(y)) if looks_like_rd(x, y) => Ok(rd_to_wgs84(x, y)),
        (Ok(x), Ok(y)) => Err((
            X,
            format!("({x}, {y}) is geen RD New-coördinaat (EPSG:28992) in Nederland"),
        )),
        (Err(m), _) => Err((X, m)),
        (_, Err(m)) => Err((Y, m)),
    }
}

/// Counts per buurt, with wijk and gemeente totals. Within the months the export covers, a
/// buurt without incidents has a true 0, so every buurt of the gemeenten involved gets a cell.
fn build_cube(
    buurten: &[Buurt],
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
        .filter_map(|(b, _, _)| b.and_then(|i| buurten[i].code.gemeente()))
        .collect();
    let unknown = AreaCode::unknown(AreaLevel::Buurt);
    let mut areas: Vec<AreaCode> = buurten
        .iter()
        .map(|b| b.code.clone())
        .filter(|c| c.gemeente().is_some_and(|g| gemeenten.contains(&g)))
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
        let buurt = buurt.map_or(unknown.clone(), |i| buurten[i].code.clone());
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

#[cfg(test)]
mod tests {
    use super::registration_month;
    use buurtbeeld_cube::Period;

    #[test]
    fn reads_dutch_excel_dates() {
        assert_eq!(
            registration_month("20-9-2017 17:30"),
            Ok(Period::month(2017, 9).unwrap())
        );
        assert_eq!(
            registration_month("1-1-2013 1:00"),
            Ok(Period::month(2013, 1).unwrap())
        );
        assert!(registration_month("2017-09-20 17:30").is_err());
        assert!(registration_month("32-1-2013 1:00").is_err());
        assert!(registration_month("30-2-2016 1:00").is_err());
        assert!(registration_month("29-2-2016 1:00").is_ok());
        assert!(registration_month("1-13-2013 1:00").is_err());
    }
}
