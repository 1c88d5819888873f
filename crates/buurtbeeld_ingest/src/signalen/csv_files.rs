//! Signalen's reporting CSVs: the flat export (one row per melding, as the `signals_ext_tdo`
//! view writes it) and the datawarehouse dump (`signals.csv` with `locations.csv` and
//! `categories.csv` beside it, read from the path like a Shapefile's sidecars).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use buurtbeeld_cube::{AreaCode, AreaLevel, ImportBatch};
use sha2::{Digest, Sha256};

use super::values::{read_geometry, read_id, read_lat_lng, read_local_day, read_slug, slugify};
use super::{dropped_note, Collected, Melding, Place, NO_BOUNDARIES, SOURCE};
use crate::problem::{csv_problem, ImportError, Problems};
use crate::registrations::{read_point, BuurtLocator, Crs};
use crate::{text, Context, Input, ReadOptions};

/// The header of a CSV file, BOM and spaces removed.
fn headers(file: &str, csv: &mut csv::Reader<&[u8]>) -> Result<Vec<String>, ImportError> {
    Ok(csv
        .byte_headers()
        .map_err(|e| Problems::new(file).fatal(Some(1), None, format!("onleesbare kopregel: {e}")))?
        .iter()
        .map(|h| {
            String::from_utf8_lossy(text::strip_bom(h))
                .trim()
                .to_owned()
        })
        .collect())
}

fn position(headers: &[String], names: &[&str]) -> Option<usize> {
    names
        .iter()
        .find_map(|name| headers.iter().position(|h| h.eq_ignore_ascii_case(name)))
}

/// How a file gives a melding's place.
enum Location {
    /// `geometry`: hex EWKB or WKT.
    Geometry(usize),
    /// `lat` and `lng` (Signalen's swapped pair, or the right way round).
    LatLng(usize, usize),
    /// `x` and `y` in RD New.
    Rd(usize, usize),
}

/// The columns of the flat export.
struct FlatColumns {
    id: usize,
    created_at: usize,
    main_slug: usize,
    sub_slug: usize,
    main: Option<usize>,
    sub: Option<usize>,
    location: Option<Location>,
    buurt_code: Option<usize>,
}

impl FlatColumns {
    fn find(headers: &[String]) -> Result<FlatColumns, String> {
        let column = |names: &[&str]| position(headers, names);
        let location = if let Some(g) = column(&["geometry", "geometrie"]) {
            Some(Location::Geometry(g))
        } else if let (Some(lat), Some(lng)) = (column(&["lat"]), column(&["lng", "lon"])) {
            Some(Location::LatLng(lat, lng))
        } else if let (Some(x), Some(y)) = (column(&["x"]), column(&["y"])) {
            Some(Location::Rd(x, y))
        } else {
            None
        };
        let buurt_code = column(&["buurt_code", "buurtcode"]);
        let missing: Vec<&str> = [
            ("id", column(&["id"])),
            ("created_at", column(&["created_at"])),
            ("main_slug", column(&["main_slug"])),
            ("sub_slug", column(&["sub_slug"])),
        ]
        .iter()
        .filter(|(_, p)| p.is_none())
        .map(|(n, _)| *n)
        .collect();
        if !missing.is_empty() || (location.is_none() && buurt_code.is_none()) {
            let mut what = missing.join("', '");
            if location.is_none() && buurt_code.is_none() {
                if !what.is_empty() {
                    what.push_str("' en '");
                }
                what.push_str("geometry (of lat en lng, of x en y, of buurt_code)");
            }
            return Err(format!(
                "kolom '{what}' ontbreekt; verwacht de Signalen-export met id, created_at, \
                 main_slug, sub_slug en geometry (zie docs/registraties.md)"
            ));
        }
        Ok(FlatColumns {
            id: column(&["id"]).expect("checked"),
            created_at: column(&["created_at"]).expect("checked"),
            main_slug: column(&["main_slug"]).expect("checked"),
            sub_slug: column(&["sub_slug"]).expect("checked"),
            main: column(&["main"]),
            sub: column(&["sub"]),
            location,
            buurt_code,
        })
    }

    fn used(&self) -> Vec<usize> {
        let mut used = vec![self.id, self.created_at, self.main_slug, self.sub_slug];
        used.extend(self.main);
        used.extend(self.sub);
        used.extend(self.buurt_code);
        match self.location {
            Some(Location::Geometry(g)) => used.push(g),
            Some(Location::LatLng(a, b) | Location::Rd(a, b)) => used.extend([a, b]),
            None => {}
        }
        used
    }
}

/// The names of the columns not in `used`.
fn unused(headers: &[String], used: &[usize]) -> Vec<String> {
    headers
        .iter()
        .enumerate()
        .filter(|(i, h)| !used.contains(i) && !h.is_empty())
        .map(|(_, h)| h.clone())
        .collect()
}

/// A melding's place from a location and a buurt-code column: the point where there is one,
/// else the buurt code, which must be a buurt whose boundary the store has.
fn read_place<'r>(
    location: Option<&Location>,
    buurt_code: Option<usize>,
    field: &dyn Fn(usize) -> &'r str,
    headers: &[String],
    buurten: &BuurtLocator,
) -> Result<Place, (String, String)> {
    let at = |i: usize| headers[i].clone();
    let point = match location {
        Some(Location::Geometry(g)) if !field(*g).is_empty() || buurt_code.is_none() => {
            Some(read_geometry(field(*g)).map_err(|m| (at(*g), m))?)
        }
        Some(Location::LatLng(lat, lng))
            if !(field(*lat).is_empty() && field(*lng).is_empty()) || buurt_code.is_none() =>
        {
            Some(read_lat_lng(field(*lat), field(*lng)).map_err(|m| (at(*lat), m))?)
        }
        Some(Location::Rd(x, y))
            if !(field(*x).is_empty() && field(*y).is_empty()) || buurt_code.is_none() =>
        {
            Some(read_point(field(*x), field(*y), Crs::RdNew).map_err(|m| (at(*x), m))?)
        }
        _ => None,
    };
    if let Some(point) = point {
        return Ok(Place::Point(point));
    }
    let column = buurt_code.expect("a location or a buurt code column");
    let raw = field(column);
    let code = AreaCode::parse(raw)
        .ok()
        .filter(|c| c.level() == AreaLevel::Buurt)
        .filter(|c| buurten.codes().any(|b| b == c));
    code.map(Place::Buurt).ok_or_else(|| {
        (
            at(column),
            format!(
                "'{}' is geen buurt waarvan de opslag de grens heeft; verwacht een punt of een \
                 CBS-buurtcode zoals BU00140000 (de eigen buurtcodes van Signalen, zoals A00a, \
                 zijn geen CBS-codes)",
                super::values::shorten(raw)
            ),
        )
    })
}

/// Remembers the line of each melding id, to refuse a file that has one twice.
#[derive(Default)]
struct SeenIds(HashMap<String, u64>);

impl SeenIds {
    fn check(&mut self, id: &str, line: u64) -> Result<(), String> {
        match self.0.insert(id.to_owned(), line) {
            Some(first) => Err(format!(
                "melding {id} staat ook op regel {first}; verwacht elke melding één keer"
            )),
            None => Ok(()),
        }
    }
}

/// The flat export: one row per melding with its category slugs and its point.
pub(crate) fn read_flat_csv(
    input: &Input<'_>,
    bytes: &[u8],
    options: &ReadOptions,
    context: &Context,
) -> Result<ImportBatch, ImportError> {
    let text = text::utf8_or_windows_1252(bytes);
    let mut problems = Problems::new(input.name);
    let mut csv = text::csv_builder(input.delimiter).from_reader(text.as_bytes());
    let headers = headers(input.name, &mut csv)?;
    let columns = FlatColumns::find(&headers)
        .map_err(|m| Problems::new(input.name).fatal(Some(1), None, m))?;
    let buurten = BuurtLocator::new(context);
    if buurten.is_empty() {
        return Err(problems.fatal(None, None, NO_BOUNDARIES));
    }
    let mut collected = Collected::new();
    let mut seen = SeenIds::default();
    for result in csv.records() {
        let record = match result {
            Ok(r) => r,
            Err(e) => {
                let (line, message) = csv_problem(&e, input.delimiter);
                problems.add(line, None, message);
                if problems.is_full() {
                    break;
                }
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        let field = |i: usize| record.get(i).unwrap_or("").trim();
        let mut bad = |column: usize, message: String| {
            problems.add(Some(line), Some(&headers[column]), message);
        };
        let id = read_id(field(columns.id)).and_then(|id| seen.check(&id, line).map(|()| id));
        let day = read_local_day(field(columns.created_at));
        let main_slug = read_slug(field(columns.main_slug));
        let sub_slug = read_slug(field(columns.sub_slug));
        let place = read_place(
            columns.location.as_ref(),
            columns.buurt_code,
            &field,
            &headers,
            &buurten,
        );
        match (id, day, main_slug, sub_slug, place) {
            (Ok(id), Ok(day), Ok(main_slug), Ok(sub_slug), Ok(place)) => {
                let name = |c: Option<usize>| {
                    c.map(field)
                        .filter(|n| !n.is_empty())
                        .map(|n| n.chars().take(100).collect())
                };
                collected.push(Melding {
                    external_id: Some(id),
                    day,
                    main_slug,
                    sub_slug,
                    main_name: name(columns.main),
                    sub_name: name(columns.sub),
                    place,
                });
            }
            (id, day, main_slug, sub_slug, place) => {
                if let Err(m) = id {
                    bad(columns.id, m);
                }
                if let Err(m) = day {
                    bad(columns.created_at, m);
                }
                if let Err(m) = main_slug {
                    bad(columns.main_slug, m);
                }
                if let Err(m) = sub_slug {
                    bad(columns.sub_slug, m);
                }
                if let Err((column, m)) = place {
                    problems.add(Some(line), Some(&column), m);
                }
            }
        }
        if problems.is_full() {
            break;
        }
    }
    if collected.len() == 0 && problems.is_empty() {
        problems.add(
            None,
            None,
            "de export heeft een kopregel maar geen meldingen",
        );
    }
    if !problems.is_empty() {
        return Err(problems.into_error());
    }
    let rows = collected.len() as u64;
    collected
        .notes
        .extend(dropped_note(input.name, &unused(&headers, &columns.used())));
    let mut batch = collected.into_batch(&buurten, options);
    batch.source = Some(input.source_info("signalen-csv", SOURCE, options, rows));
    Ok(batch)
}

/// One related file of the datawarehouse dump, read whole.
struct Related {
    name: String,
    text: String,
    headers: Vec<String>,
}

/// The file beside `signals` with the same prefix (`120000UTC_signals.csv` →
/// `120000UTC_locations.csv`), as Signalen's datawarehouse task names its files.
fn sibling(signals: &Path, name: &str) -> Option<PathBuf> {
    let file = signals.file_name()?.to_str()?;
    // ASCII lowercasing keeps byte offsets, so `at` indexes `file` as well.
    let lower = file.to_ascii_lowercase();
    let at = lower.rfind("signals")?;
    Some(signals.with_file_name(format!("{}{name}{}", &file[..at], &file[at + 7..])))
}

/// The datawarehouse dump: `signals.csv` with `locations.csv` and `categories.csv` beside it.
/// Returns the batch with the checksum over the three files in the order read.
pub(crate) fn read_datawarehouse(
    input: &Input<'_>,
    path: &Path,
    options: &ReadOptions,
    context: &Context,
) -> Result<ImportBatch, ImportError> {
    let fail = |message: String| Problems::new(input.name).fatal(None, None, message);
    let mut hasher = Sha256::new();
    let mut read = |path: &Path, name: String| -> Result<Related, ImportError> {
        let bytes = std::fs::read(path).map_err(|e| {
            fail(format!(
                "{name} ontbreekt naast {} of is onleesbaar ({e}); de datawarehouse-export van \
                 Signalen bestaat uit signals.csv, locations.csv en categories.csv in één map",
                input.name
            ))
        })?;
        hasher.update(&bytes);
        let text = text::utf8_or_windows_1252(&bytes).into_owned();
        let mut csv = text::csv_builder(b',').from_reader(text.as_bytes());
        let headers = headers(&name, &mut csv)?;
        Ok(Related {
            name,
            text,
            headers,
        })
    };
    let signals = read(path, input.name.to_owned())?;
    let related_path = |name: &str| {
        sibling(path, name).ok_or_else(|| {
            fail(format!(
                "de naam {} eindigt niet op signals.csv, dus locations.csv en categories.csv \
                 zijn niet te vinden",
                input.name
            ))
        })
    };
    let locations_path = related_path("locations")?;
    let categories_path = related_path("categories")?;
    let display = |p: &Path| {
        p.file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
    };
    let locations = read(&locations_path, display(&locations_path))?;
    let categories = read(&categories_path, display(&categories_path))?;

    let buurten = BuurtLocator::new(context);
    if buurten.is_empty() {
        return Err(fail(NO_BOUNDARIES.to_owned()));
    }
    let places = read_locations(&locations, &buurten)?;
    let assignments = read_categories(&categories)?;

    let mut problems = Problems::new(input.name);
    let column = |names: &[&str]| position(&signals.headers, names);
    let (Some(id_column), Some(created_column), Some(category_column), Some(location_column)) = (
        column(&["id"]),
        column(&["created_at"]),
        column(&["category_assignment_id"]),
        column(&["location_id"]),
    ) else {
        return Err(problems.fatal(
            Some(1),
            None,
            "verwacht de kolommen 'id', 'created_at', 'category_assignment_id' en 'location_id' \
             van Signalen's signals.csv",
        ));
    };
    let mut collected = Collected::new();
    let mut seen = SeenIds::default();
    let mut csv = text::csv_builder(b',').from_reader(signals.text.as_bytes());
    for result in csv.records() {
        let record = match result {
            Ok(r) => r,
            Err(e) => {
                let (line, message) = csv_problem(&e, b',');
                problems.add(line, None, message);
                if problems.is_full() {
                    break;
                }
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        let field = |i: usize| record.get(i).unwrap_or("").trim();
        let id = read_id(field(id_column)).and_then(|id| seen.check(&id, line).map(|()| id));
        let day = read_local_day(field(created_column));
        let category = assignments.get(field(category_column)).ok_or_else(|| {
            format!(
                "categorietoewijzing '{}' staat niet in {}; verwacht het id van een regel daar",
                super::values::shorten(field(category_column)),
                categories.name
            )
        });
        let place = places.get(field(location_column)).ok_or_else(|| {
            format!(
                "locatie '{}' staat niet in {}; verwacht het id van een regel daar",
                super::values::shorten(field(location_column)),
                locations.name
            )
        });
        match (id, day, category, place) {
            (Ok(id), Ok(day), Ok(category), Ok(place)) => collected.push(Melding {
                external_id: Some(id),
                day,
                main_slug: category.main_slug.clone(),
                sub_slug: category.sub_slug.clone(),
                main_name: Some(category.main.clone()),
                sub_name: Some(category.sub.clone()),
                place: match place {
                    Place::Point(p) => Place::Point(*p),
                    Place::Buurt(b) => Place::Buurt(b.clone()),
                },
            }),
            (id, day, category, place) => {
                for (column, result) in [
                    (id_column, id.err()),
                    (created_column, day.err()),
                    (category_column, category.err()),
                    (location_column, place.err()),
                ] {
                    if let Some(message) = result {
                        problems.add(Some(line), Some(&signals.headers[column]), message);
                    }
                }
            }
        }
        if problems.is_full() {
            break;
        }
    }
    if collected.len() == 0 && problems.is_empty() {
        problems.add(
            None,
            None,
            "de export heeft een kopregel maar geen meldingen",
        );
    }
    if !problems.is_empty() {
        return Err(problems.into_error());
    }
    let rows = collected.len() as u64;
    let used_signals = [id_column, created_column, category_column, location_column];
    collected.notes.extend(dropped_note(
        &signals.name,
        &unused(&signals.headers, &used_signals),
    ));
    let used_locations: Vec<usize> = ["id", "lat", "lng", "buurt_code"]
        .iter()
        .filter_map(|n| position(&locations.headers, &[n]))
        .collect();
    collected.notes.extend(dropped_note(
        &locations.name,
        &unused(&locations.headers, &used_locations),
    ));
    let used_categories: Vec<usize> = ["id", "main", "sub", "main_slug", "sub_slug"]
        .iter()
        .filter_map(|n| position(&categories.headers, &[n]))
        .collect();
    collected.notes.extend(dropped_note(
        &categories.name,
        &unused(&categories.headers, &used_categories),
    ));
    let mut batch = collected.into_batch(&buurten, options);
    let mut source = input.source_info("signalen-datawarehouse-csv", SOURCE, options, rows);
    source.checksum = text::hex(&hasher.finalize());
    batch.source = Some(source);
    Ok(batch)
}

/// `locations.csv`: location id → place. A location without a point falls back on its
/// `buurt_code` when that is a CBS buurt code the store knows.
fn read_locations(
    file: &Related,
    buurten: &BuurtLocator,
) -> Result<HashMap<String, Place>, ImportError> {
    let mut problems = Problems::new(&file.name);
    let column = |n: &str| position(&file.headers, &[n]);
    let (Some(id), Some(lat), Some(lng)) = (column("id"), column("lat"), column("lng")) else {
        return Err(problems.fatal(
            Some(1),
            None,
            "verwacht de kolommen 'id', 'lat' en 'lng' van Signalen's locations.csv",
        ));
    };
    let location = Location::LatLng(lat, lng);
    let buurt_code = column("buurt_code");
    let mut places = HashMap::new();
    let mut csv = text::csv_builder(b',').from_reader(file.text.as_bytes());
    for result in csv.records() {
        let record = match result {
            Ok(r) => r,
            Err(e) => {
                let (line, message) = csv_problem(&e, b',');
                problems.add(line, None, message);
                if problems.is_full() {
                    break;
                }
                continue;
            }
        };
        let line = record.position().map(|p| p.line());
        let field = |i: usize| record.get(i).unwrap_or("").trim();
        // Signalen's pages have no point for a melding without a location; so no buurt code
        // either, and such a row is simply not referred to.
        match read_place(Some(&location), buurt_code, &field, &file.headers, buurten) {
            Ok(place) => {
                places.insert(field(id).to_owned(), place);
            }
            Err((column, message)) => problems.add(line, Some(&column), message),
        }
        if problems.is_full() {
            break;
        }
    }
    problems.finish(places)
}

/// A category assignment of `categories.csv`.
struct Assignment {
    main_slug: String,
    sub_slug: String,
    main: String,
    sub: String,
}

/// `categories.csv`: assignment id → category. Dumps made before Signalen wrote `main_slug` and
/// `sub_slug` have only the names; their slugs are made the way Signalen made them.
fn read_categories(file: &Related) -> Result<BTreeMap<String, Assignment>, ImportError> {
    let mut problems = Problems::new(&file.name);
    let column = |n: &str| position(&file.headers, &[n]);
    let (Some(id), Some(main), Some(sub)) = (column("id"), column("main"), column("sub")) else {
        return Err(problems.fatal(
            Some(1),
            None,
            "verwacht de kolommen 'id', 'main' en 'sub' van Signalen's categories.csv",
        ));
    };
    let (main_slug, sub_slug) = (column("main_slug"), column("sub_slug"));
    let mut assignments = BTreeMap::new();
    let mut csv = text::csv_builder(b',').from_reader(file.text.as_bytes());
    for result in csv.records() {
        let record = match result {
            Ok(r) => r,
            Err(e) => {
                let (line, message) = csv_problem(&e, b',');
                problems.add(line, None, message);
                if problems.is_full() {
                    break;
                }
                continue;
            }
        };
        let line = record.position().map(|p| p.line());
        let field = |i: usize| record.get(i).unwrap_or("").trim();
        let slug = |slug_column: Option<usize>, name_column: usize| match slug_column {
            Some(c) if !field(c).is_empty() => read_slug(field(c)).map_err(|m| (c, m)),
            _ => {
                let made = slugify(field(name_column));
                read_slug(&made).map_err(|m| (name_column, m))
            }
        };
        match (slug(main_slug, main), slug(sub_slug, sub)) {
            (Ok(main_slug), Ok(sub_slug)) => {
                assignments.insert(
                    field(id).to_owned(),
                    Assignment {
                        main_slug,
                        sub_slug,
                        main: field(main).chars().take(100).collect(),
                        sub: field(sub).chars().take(100).collect(),
                    },
                );
            }
            (a, b) => {
                for (column, message) in [a.err(), b.err()].into_iter().flatten() {
                    problems.add(line, Some(&file.headers[column]), message);
                }
            }
        }
        if problems.is_full() {
            break;
        }
    }
    problems.finish(assignments)
}

#[cfg(test)]
mod tests {
    use super::sibling;
    use std::path::Path;

    #[test]
    fn siblings_keep_the_prefix_of_the_dump() {
        let at = |p: &str, n: &str| sibling(Path::new(p), n).unwrap();
        assert_eq!(
            at("/d/120000UTC_signals.csv", "locations"),
            Path::new("/d/120000UTC_locations.csv")
        );
        assert_eq!(at("signals.csv", "categories"), Path::new("categories.csv"));
        assert!(sibling(Path::new("meldingen.csv"), "locations").is_none());
    }
}
