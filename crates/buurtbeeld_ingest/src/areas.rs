//! Area boundaries: CBS wijk- en buurtkaart and gemeentegrenzen as GeoJSON, in RD New or WGS84.

use std::collections::BTreeSet;

use buurtbeeld_cube::{AreaCode, AreaLevel, AreaRecord, ImportBatch, PopulationRecord};
use geojson::{GeoJson, Geometry, Value as Shape};

use crate::codelists::code_lists;
use crate::personal::personal_field;
use crate::problem::{ImportError, Problems};
use crate::rd::{looks_like_rd, looks_like_wgs84_nl, rd_to_wgs84};
use crate::{text, Input, ReadOptions};

/// Property names that carry the area code, most specific first; CBS maps put the parents'
/// codes on every feature, so the first present one is the feature's own.
const CODE_PROPERTIES: [(&str, &str); 7] = [
    ("BU_CODE", "BU_NAAM"),
    ("buurtcode", "buurtnaam"),
    ("WK_CODE", "WK_NAAM"),
    ("wijkcode", "wijknaam"),
    ("GM_CODE", "GM_NAAM"),
    ("gemeentecode", "gemeentenaam"),
    ("statcode", "statnaam"),
];
/// Gemeente Groningen's own buurtindeling uses `CODE`/`NAAM`.
const GENERIC_CODE: (&str, &str) = ("CODE", "NAAM");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Crs {
    RdNew,
    Wgs84,
}

pub(crate) fn read_geojson(
    input: &Input<'_>,
    bytes: &[u8],
    options: &ReadOptions,
) -> Result<ImportBatch, ImportError> {
    let text = text::utf8(input.name, bytes)?;
    let json: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        Problems::new(input.name).fatal(
            Some(e.line() as u64),
            None,
            format!("not valid JSON ({e}); expected a GeoJSON FeatureCollection"),
        )
    })?;
    let declared_rd = json
        .pointer("/crs/properties/name")
        .and_then(|n| n.as_str())
        .is_some_and(|n| n.contains("28992"));
    let collection = match GeoJson::from_json_value(json) {
        Ok(GeoJson::FeatureCollection(c)) => c,
        Ok(_) => {
            return Err(Problems::new(input.name).fatal(
                None,
                None,
                "expected a GeoJSON FeatureCollection of areas",
            ))
        }
        Err(e) => {
            return Err(Problems::new(input.name).fatal(
                None,
                None,
                format!("not valid GeoJSON: {e}"),
            ))
        }
    };
    let mut problems = Problems::new(input.name).with_unit("feature");
    if collection.features.is_empty() {
        return Err(problems.fatal(None, None, "the FeatureCollection has no features"));
    }
    let Some(year) = options
        .year
        .or_else(|| year_in_name(input.name))
        .or_else(|| {
            collection.features[0]
                .property("JAAR")
                .and_then(serde_json::Value::as_i64)
                .map(|y| y as i32)
        })
    else {
        return Err(problems.fatal(
            None,
            None,
            "cannot tell the year of this wijk- en buurtindeling (no year in the file name, no \
             JAAR property); pass --year YYYY",
        ));
    };
    let mut batch = ImportBatch::default();
    let mut seen = BTreeSet::new();
    let mut personal_reported = BTreeSet::new();
    let mut parents = BTreeSet::new();
    for (i, feature) in collection.features.iter().enumerate() {
        let number = Some(i as u64 + 1);
        let properties = feature.properties.clone().unwrap_or_default();
        for key in properties.keys() {
            if let Some(why) = personal_field(key) {
                if personal_reported.insert(key.clone()) {
                    problems.add(number, Some(key), why);
                }
            }
        }
        let string = |key: &str| {
            properties
                .get(key)
                .and_then(|v| v.as_str())
                .map(str::trim)
                .filter(|s| !s.is_empty())
        };
        let found = CODE_PROPERTIES
            .iter()
            .chain(std::iter::once(&GENERIC_CODE))
            .find_map(|(code_key, name_key)| string(code_key).map(|c| (*code_key, c, *name_key)));
        let Some((code_key, raw_code, name_key)) = found else {
            problems.add(
                number,
                None,
                "no area code: expected a BU_CODE, WK_CODE, GM_CODE or statcode property",
            );
            continue;
        };
        let code = match AreaCode::parse(raw_code) {
            Ok(c) => c,
            Err(e) => {
                problems.add(number, Some(code_key), e.to_string());
                continue;
            }
        };
        if !seen.insert(code.clone()) {
            problems.add(
                number,
                Some(code_key),
                format!("{code} appears more than once; expected one feature per area"),
            );
            continue;
        }
        let name = string(name_key)
            .map(str::to_owned)
            .or_else(|| code_lists().area_name(&code).map(|(n, _)| n.to_owned()));
        let Some(name) = name else {
            problems.add(
                number,
                Some(name_key),
                format!("no name for {code}: expected a {name_key} property"),
            );
            continue;
        };
        let geometry = match &feature.geometry {
            None => None,
            Some(g) => match to_wgs84(g, declared_rd) {
                Ok(g) => Some(g),
                Err(m) => {
                    problems.add(number, Some("geometry"), m);
                    continue;
                }
            },
        };
        if let Some(inhabitants) = properties.get("AANT_INW").and_then(|v| v.as_i64()) {
            batch.population.push(PopulationRecord {
                area: code.clone(),
                year,
                // The wijk- en buurtkaart marks secret figures with -99999999.
                inhabitants: u32::try_from(inhabitants).ok(),
                source: "CBS wijk- en buurtkaart".to_owned(),
            });
        }
        for (key, level) in [
            ("WK_CODE", AreaLevel::Wijk),
            ("GM_CODE", AreaLevel::Gemeente),
        ] {
            if code.level() > level {
                if let Some(parent) = string(key).and_then(|c| AreaCode::parse(c).ok()) {
                    parents.insert((
                        parent,
                        string(if key == "GM_CODE" {
                            "GM_NAAM"
                        } else {
                            "WK_NAAM"
                        })
                        .map(str::to_owned),
                    ));
                }
            }
        }
        batch.areas.push(AreaRecord {
            level: code.level(),
            parent: code.parent(),
            code,
            name,
            indeling_year: Some(year),
            geometry: geometry.map(|g| g.to_string()),
            authoritative: true,
        });
        if problems.is_full() {
            break;
        }
    }
    // Parents named on the features (a buurt map names its gemeente) are added if the store
    // does not know them yet; their own boundary file, when imported, names them with authority.
    for (parent, name) in parents {
        if seen.contains(&parent) {
            continue;
        }
        for mut record in code_lists().area_with_ancestors(&parent) {
            if record.code == parent {
                if let Some(name) = &name {
                    record.name.clone_from(name);
                }
                record.indeling_year = Some(year);
            }
            batch.areas.push(record);
        }
    }
    batch.source = Some(input.source_info(
        "areas-geojson",
        "CBS wijk- en buurtkaart",
        options,
        collection.features.len() as u64,
    ));
    problems.finish(batch)
}

/// The first plausible year (19xx or 20xx) in a file name like `buurt2017.geojson` or
/// `wijkenbuurten_2023_v1.geojson`.
fn year_in_name(name: &str) -> Option<i32> {
    let file = std::path::Path::new(name).file_name()?.to_str()?;
    let bytes = file.as_bytes();
    (0..bytes.len().saturating_sub(3)).find_map(|i| {
        let window = &file[i..i + 4];
        let digits = window.bytes().all(|b| b.is_ascii_digit());
        let bounded = (i == 0 || !bytes[i - 1].is_ascii_digit())
            && bytes.get(i + 4).is_none_or(|b| !b.is_ascii_digit());
        let year: i32 = window.parse().ok()?;
        (digits && bounded && (1990..=2100).contains(&year)).then_some(year)
    })
}

/// Converts a (multi)polygon to WGS84, detecting RD New from the declared CRS or the numbers.
fn to_wgs84(geometry: &Geometry, declared_rd: bool) -> Result<Geometry, String> {
    let first = match &geometry.value {
        Shape::Polygon(rings) => rings.first().and_then(|r| r.first()),
        Shape::MultiPolygon(polygons) => polygons
            .first()
            .and_then(|p| p.first())
            .and_then(|r| r.first()),
        other => {
            return Err(format!(
                "found a {}; expected a Polygon or MultiPolygon, as an area needs a surface",
                other.type_name()
            ))
        }
    };
    let Some(first) = first.filter(|p| p.len() >= 2) else {
        return Err("the polygon has no coordinates".to_owned());
    };
    let crs = if declared_rd || looks_like_rd(first[0], first[1]) {
        Crs::RdNew
    } else if looks_like_wgs84_nl(first[0], first[1]) {
        Crs::Wgs84
    } else {
        return Err(format!(
            "coordinates ({}, {}) are neither RD New (EPSG:28992) metres nor WGS84 degrees in \
             the Netherlands",
            first[0], first[1]
        ));
    };
    let convert = |position: &Vec<f64>| -> Vec<f64> {
        match crs {
            Crs::Wgs84 => position[..2].to_vec(),
            Crs::RdNew => {
                let (lon, lat) = rd_to_wgs84(position[0], position[1]);
                vec![lon, lat]
            }
        }
    };
    let rings = |rings: &Vec<Vec<Vec<f64>>>| -> Vec<Vec<Vec<f64>>> {
        rings
            .iter()
            .map(|ring| ring.iter().map(convert).collect())
            .collect()
    };
    let converted = match &geometry.value {
        Shape::Polygon(r) => Shape::Polygon(rings(r)),
        Shape::MultiPolygon(p) => Shape::MultiPolygon(p.iter().map(rings).collect()),
        _ => unreachable!("checked above"),
    };
    let polygons = match &converted {
        Shape::Polygon(r) => std::slice::from_ref(r),
        Shape::MultiPolygon(p) => p.as_slice(),
        _ => unreachable!("checked above"),
    };
    let outside = polygons
        .iter()
        .flatten()
        .flatten()
        .find(|p| !looks_like_wgs84_nl(p[0], p[1]));
    if let Some(p) = outside {
        return Err(format!(
            "a vertex lies outside the Netherlands (lon {:.5}, lat {:.5} after conversion); \
             expected every coordinate of the area in RD New or in WGS84 within NL",
            p[0], p[1]
        ));
    }
    Ok(Geometry::new(converted))
}

#[cfg(test)]
mod tests {
    #[test]
    fn finds_the_year_in_cbs_file_names() {
        assert_eq!(super::year_in_name("data/buurt2017.geojson"), Some(2017));
        assert_eq!(
            super::year_in_name("wijkenbuurten_2023_v1.json"),
            Some(2023)
        );
        assert_eq!(super::year_in_name("gemeenten.json"), None);
        assert_eq!(super::year_in_name("x/20171.json"), None);
    }
}
