//! Area boundaries: CBS wijk- en buurtkaart and gemeentegrenzen as GeoJSON, in RD New or WGS84.

use std::collections::BTreeSet;

use buurtbeeld_cube::{AreaCode, AreaLevel, AreaRecord, ImportBatch, PopulationRecord};
use geojson::{Feature, FeatureCollection, GeoJson, Geometry, JsonObject, Value as Shape};

use crate::codelists::code_lists;
use crate::personal::report_personal_keys;
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
    let (collection, declared_rd) = feature_collection(input.name, text)?;
    let mut problems = Problems::new(input.name).with_unit("feature");
    if collection.features.is_empty() {
        return Err(problems.fatal(None, None, "de FeatureCollection heeft geen features"));
    }
    let Some(year) = indeling_year(input.name, options, &collection) else {
        return Err(problems.fatal(
            None,
            None,
            "het jaar van deze wijk- en buurtindeling is niet te bepalen (geen jaar in de \
             bestandsnaam, geen eigenschap JAAR); geef --year YYYY mee",
        ));
    };
    let mut features = Features::new(year, declared_rd);
    for (i, feature) in collection.features.iter().enumerate() {
        let taken = features.add(&mut problems, Some(i as u64 + 1), feature);
        if taken && problems.is_full() {
            break;
        }
    }
    let mut batch = features.finish();
    batch.source = Some(input.source_info(
        "areas-geojson",
        "CBS wijk- en buurtkaart",
        options,
        collection.features.len() as u64,
    ));
    problems.finish(batch)
}

/// The file's FeatureCollection, and whether it declares RD New (EPSG:28992) as its CRS.
fn feature_collection(name: &str, text: &str) -> Result<(FeatureCollection, bool), ImportError> {
    let json: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        Problems::new(name).fatal(
            Some(e.line() as u64),
            None,
            format!("geen geldige JSON ({e}); verwacht een GeoJSON FeatureCollection"),
        )
    })?;
    let declared_rd = json
        .pointer("/crs/properties/name")
        .and_then(|n| n.as_str())
        .is_some_and(|n| n.contains("28992"));
    match GeoJson::from_json_value(json) {
        Ok(GeoJson::FeatureCollection(c)) => Ok((c, declared_rd)),
        Ok(_) => Err(Problems::new(name).fatal(
            None,
            None,
            "verwacht een GeoJSON FeatureCollection van gebieden",
        )),
        Err(e) => Err(Problems::new(name).fatal(None, None, format!("geen geldige GeoJSON: {e}"))),
    }
}

/// The year of the indeling: as passed, else in the file name, else the first feature's JAAR.
fn indeling_year(name: &str, options: &ReadOptions, collection: &FeatureCollection) -> Option<i32> {
    options.year.or_else(|| year_in_name(name)).or_else(|| {
        collection
            .features
            .first()?
            .property("JAAR")
            .and_then(serde_json::Value::as_i64)
            .map(|y| y as i32)
    })
}

/// The areas and population read from the features so far, and what later features are checked
/// against.
struct Features {
    year: i32,
    declared_rd: bool,
    batch: ImportBatch,
    /// Codes of the features read so far, so an area has one feature.
    seen: BTreeSet<AreaCode>,
    /// Personal fields already reported, so each is reported once.
    personal_reported: BTreeSet<String>,
    /// Wijken and gemeenten the features name as their parents, with the names they give.
    parents: BTreeSet<(AreaCode, Option<String>)>,
}

impl Features {
    /// No features read yet, of an indeling of `year`.
    fn new(year: i32, declared_rd: bool) -> Features {
        Features {
            year,
            declared_rd,
            batch: ImportBatch::default(),
            seen: BTreeSet::new(),
            personal_reported: BTreeSet::new(),
            parents: BTreeSet::new(),
        }
    }

    /// Whether the feature was taken as an area; if not, its problem is recorded.
    fn add(&mut self, problems: &mut Problems, number: Option<u64>, feature: &Feature) -> bool {
        let properties = feature.properties.clone().unwrap_or_default();
        report_personal_keys(
            problems,
            number,
            &properties,
            &mut self.personal_reported,
            crate::personal::AREA_NAME_PROPERTIES,
        );
        let Some((code, name_key)) = self.new_code(problems, number, &properties) else {
            return false;
        };
        let name = string_property(&properties, name_key)
            .map(str::to_owned)
            .or_else(|| code_lists().area_name(&code).map(|(n, _)| n.to_owned()));
        let Some(name) = name else {
            problems.add(
                number,
                Some(name_key),
                format!("geen naam voor {code}: verwacht een eigenschap {name_key}"),
            );
            return false;
        };
        let geometry = match feature
            .geometry
            .as_ref()
            .map(|g| to_wgs84(g, self.declared_rd))
            .transpose()
        {
            Ok(geometry) => geometry,
            Err(m) => {
                problems.add(number, Some("geometry"), m);
                return false;
            }
        };
        if let Some(inhabitants) = properties.get("AANT_INW").and_then(|v| v.as_i64()) {
            self.batch.population.push(PopulationRecord {
                area: code.clone(),
                year: self.year,
                // The wijk- en buurtkaart marks secret figures with -99999999.
                inhabitants: u32::try_from(inhabitants).ok(),
                source: "CBS wijk- en buurtkaart".to_owned(),
            });
        }
        self.note_parents(&code, &properties);
        self.batch.areas.push(AreaRecord {
            level: code.level(),
            parent: code.parent(),
            code,
            name,
            indeling_year: Some(self.year),
            geometry: geometry.map(|g| g.to_string()),
            authoritative: true,
        });
        true
    }

    /// The feature's own area code and the property that names it, or None (with its problem
    /// recorded) if the code is missing, malformed or already seen.
    fn new_code(
        &mut self,
        problems: &mut Problems,
        number: Option<u64>,
        properties: &JsonObject,
    ) -> Option<(AreaCode, &'static str)> {
        let found = CODE_PROPERTIES
            .iter()
            .chain(std::iter::once(&GENERIC_CODE))
            .find_map(|(code_key, name_key)| {
                string_property(properties, code_key).map(|c| (*code_key, c, *name_key))
            });
        let Some((code_key, raw_code, name_key)) = found else {
            problems.add(
                number,
                None,
                "geen gebiedscode: verwacht een eigenschap BU_CODE, WK_CODE, GM_CODE of statcode",
            );
            return None;
        };
        let code = match AreaCode::parse(raw_code) {
            Ok(c) => c,
            Err(e) => {
                problems.add(number, Some(code_key), e.to_string());
                return None;
            }
        };
        if !self.seen.insert(code.clone()) {
            problems.add(
                number,
                Some(code_key),
                format!("{code} komt meer dan één keer voor; verwacht één feature per gebied"),
            );
            return None;
        }
        Some((code, name_key))
    }

    /// Remembers the wijk and gemeente a feature below them names, with the names it gives.
    fn note_parents(&mut self, code: &AreaCode, properties: &JsonObject) {
        for (code_key, name_key, level) in [
            ("WK_CODE", "WK_NAAM", AreaLevel::Wijk),
            ("GM_CODE", "GM_NAAM", AreaLevel::Gemeente),
        ] {
            if code.level() > level {
                if let Some(parent) =
                    string_property(properties, code_key).and_then(|c| AreaCode::parse(c).ok())
                {
                    let name = string_property(properties, name_key).map(str::to_owned);
                    self.parents.insert((parent, name));
                }
            }
        }
    }

    /// The batch of areas and population, with the named parents the features did not cover.
    fn finish(mut self) -> ImportBatch {
        // Parents named on the features (a buurt map names its gemeente) are added if the store
        // does not know them yet; their own boundary file, when imported, names them with
        // authority.
        for (parent, name) in self.parents {
            if self.seen.contains(&parent) {
                continue;
            }
            for mut record in code_lists().area_with_ancestors(&parent) {
                if record.code == parent {
                    if let Some(name) = &name {
                        record.name.clone_from(name);
                    }
                    record.indeling_year = Some(self.year);
                }
                self.batch.areas.push(record);
            }
        }
        self.batch
    }
}

/// A property's trimmed text, or None if it is missing, not text, or blank.
fn string_property<'p>(properties: &'p JsonObject, key: &str) -> Option<&'p str> {
    properties
        .get(key)
        .and_then(|v| v.as_str())
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// The first plausible year (19xx or 20xx) in a file name like `buurt2017.geojson` or
/// `wijkenbuurten_2023_v1.geojson`.
fn year_in_name(name: &str) -> Option<i32> {
    let file = std::path::Path::new(name).file_name()?.to_str()?;
    let bytes = file.as_bytes();
    (0..bytes.len().saturating_sub(3)).find_map(|i| {
        // Bytes, not a `str` slice: a name like `Súdwest-Fryslân_2017` has multi-byte letters.
        let window = &bytes[i..i + 4];
        let digits = window.iter().all(u8::is_ascii_digit);
        let bounded = (i == 0 || !bytes[i - 1].is_ascii_digit())
            && bytes.get(i + 4).is_none_or(|b| !b.is_ascii_digit());
        let year: i32 = std::str::from_utf8(window).ok()?.parse().ok()?;
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
                "gevonden: een {}; verwacht een Polygon of MultiPolygon, want een gebied heeft een \
                 oppervlak nodig",
                other.type_name()
            ))
        }
    };
    let Some(first) = first.filter(|p| p.len() >= 2) else {
        return Err("de polygoon heeft geen coördinaten".to_owned());
    };
    let crs = if declared_rd || looks_like_rd(first[0], first[1]) {
        Crs::RdNew
    } else if looks_like_wgs84_nl(first[0], first[1]) {
        Crs::Wgs84
    } else {
        return Err(format!(
            "coördinaten ({}, {}) zijn geen RD New-meters (EPSG:28992) en ook geen WGS84-graden \
             in Nederland",
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
            "een hoekpunt ligt buiten Nederland (lon {:.5}, lat {:.5} na omrekening); \
             verwacht alle coördinaten van het gebied in RD New of in WGS84 binnen Nederland",
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

    #[test]
    fn a_file_name_with_frisian_letters_is_read_not_a_panic() {
        // `str` slicing at a byte inside "ú" panicked before (#16).
        assert_eq!(
            super::year_in_name("Súdwest-Fryslân_wijken_2017.geojson"),
            Some(2017)
        );
        assert_eq!(super::year_in_name("ééé.geojson"), None);
    }
}
