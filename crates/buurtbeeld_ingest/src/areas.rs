//! Area boundaries: CBS wijk- en buurtkaart and gemeentegrenzen as GeoJSON, in RD New or WGS84.

use std::collections::BTreeSet;

use buurtbeeld_cube::{
    area_name_problem, AreaCode, AreaLevel, AreaRecord, ImportBatch, PopulationRecord,
};
use geojson::{Feature, FeatureCollection, GeoJson, Geometry, JsonObject, Value as Shape};

use crate::codelists::code_lists;
use crate::personal::report_personal_keys;
use crate::problem::{ImportError, Problems};
use crate::rd::{looks_like_rd, looks_like_wgs84_nl, rd_to_wgs84};
use crate::{text, Input, ReadOptions};

/// Property names that carry the area code, most specific first, with the property naming the
/// area and the level the code must have (`None`: any level). CBS maps put the parents' codes on
/// every feature (a buurt has `BU_CODE`, `WK_CODE` and `GM_CODE`), so a file's own code property
/// is the most specific one any of its features has; see `own_code_property`.
const CODE_PROPERTIES: [CodeProperty; 8] = [
    CodeProperty::new("BU_CODE", "BU_NAAM", Some(AreaLevel::Buurt)),
    CodeProperty::new("buurtcode", "buurtnaam", Some(AreaLevel::Buurt)),
    CodeProperty::new("WK_CODE", "WK_NAAM", Some(AreaLevel::Wijk)),
    CodeProperty::new("wijkcode", "wijknaam", Some(AreaLevel::Wijk)),
    CodeProperty::new("GM_CODE", "GM_NAAM", Some(AreaLevel::Gemeente)),
    CodeProperty::new("gemeentecode", "gemeentenaam", Some(AreaLevel::Gemeente)),
    CodeProperty::new("statcode", "statnaam", None),
    // Gemeente Groningen's own buurtindeling uses `CODE`/`NAAM`.
    CodeProperty::new("CODE", "NAAM", None),
];

/// A property that holds an area's code, and the one that holds its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct CodeProperty {
    code: &'static str,
    name: &'static str,
    level: Option<AreaLevel>,
}

impl CodeProperty {
    const fn new(code: &'static str, name: &'static str, level: Option<AreaLevel>) -> Self {
        CodeProperty { code, name, level }
    }
}

/// The property that holds the features' own codes: the most specific code property any feature
/// has. Every feature must then have it. Taking the first property present per feature instead
/// let a buurt without `BU_CODE` fall through to its wijk's `WK_CODE` and overwrite the wijk's
/// boundary and population (#16).
fn own_code_property(collection: &FeatureCollection) -> Option<CodeProperty> {
    CODE_PROPERTIES.into_iter().find(|property| {
        collection.features.iter().any(|f| {
            f.properties
                .as_ref()
                .is_some_and(|p| p.contains_key(property.code))
        })
    })
}

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
    let code_property = own_code_property(&collection);
    if code_property.is_none() {
        problems.add(
            None,
            None,
            "geen enkele feature heeft een gebiedscode: verwacht een eigenschap BU_CODE, \
             WK_CODE, GM_CODE, statcode of CODE",
        );
    }
    let year = indeling_year(input.name, options, &collection);
    // Reading goes on without a year, so that one run lists every problem of the file; the
    // recorded problem keeps the placeholder year from ever being stored.
    if year.is_none() {
        problems.add(
            None,
            None,
            "het jaar van deze wijk- en buurtindeling is niet te bepalen (geen jaar in de \
             bestandsnaam, geen eigenschap JAAR); geef --year YYYY mee",
        );
    }
    let Some(code_property) = code_property else {
        return Err(problems.into_error());
    };
    let mut features = Features::new(year.unwrap_or_default(), declared_rd, code_property);
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
/// Features are converted one by one, so that a feature the geojson crate cannot read (a
/// position with one number, a geometry without `type`) is refused with its number, and every
/// such feature is listed in one run.
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
    let not_a_collection = || {
        Problems::new(name).fatal(
            None,
            None,
            "verwacht een GeoJSON FeatureCollection van gebieden",
        )
    };
    let serde_json::Value::Object(mut object) = json else {
        return Err(not_a_collection());
    };
    if object.get("type").and_then(|t| t.as_str()) != Some("FeatureCollection") {
        return Err(not_a_collection());
    }
    let Some(serde_json::Value::Array(raw_features)) = object.remove("features") else {
        return Err(Problems::new(name).fatal(
            None,
            Some("features"),
            "de FeatureCollection heeft geen lijst 'features'",
        ));
    };
    // The collection's own members (bbox, crs, foreign members) are checked as the geojson crate
    // reads them, with the features left out: they are read one by one below.
    object.insert("features".to_owned(), serde_json::Value::Array(Vec::new()));
    if let Err(e) = GeoJson::from_json_value(serde_json::Value::Object(object)) {
        return Err(Problems::new(name).fatal(
            None,
            None,
            format!("verwacht een GeoJSON FeatureCollection van gebieden: {e}"),
        ));
    }
    let mut problems = Problems::new(name).with_unit("feature");
    let mut features = Vec::with_capacity(raw_features.len());
    for (i, raw) in raw_features.into_iter().enumerate() {
        match Feature::from_json_value(raw) {
            Ok(feature) => features.push(feature),
            Err(e) => problems.add(
                Some(i as u64 + 1),
                None,
                format!("geen geldige GeoJSON-feature: {e}"),
            ),
        }
    }
    let collection = FeatureCollection {
        bbox: None,
        features,
        foreign_members: None,
    };
    problems.finish((collection, declared_rd))
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
    code_property: CodeProperty,
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
    fn new(year: i32, declared_rd: bool, code_property: CodeProperty) -> Features {
        Features {
            year,
            declared_rd,
            code_property,
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
        let Some(code) = self.new_code(problems, number, &properties) else {
            return false;
        };
        let name_key = self.code_property.name;
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
        if let Some(problem) = area_name_problem(&name) {
            problems.add(number, Some(name_key), problem);
            return false;
        }
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
        self.note_parents(problems, number, &code, &properties);
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

    /// The feature's own area code, or None (with its problem recorded) if the code is missing,
    /// malformed, of another level than the file's code property, or already seen.
    fn new_code(
        &mut self,
        problems: &mut Problems,
        number: Option<u64>,
        properties: &JsonObject,
    ) -> Option<AreaCode> {
        let key = self.code_property.code;
        let Some(raw_code) = string_property(properties, key) else {
            problems.add(
                number,
                Some(key),
                format!(
                    "geen gebiedscode: andere features van dit bestand hebben een eigenschap \
                     {key}, deze niet (of leeg, of geen tekst); verwacht de code van dit gebied \
                     in {key}"
                ),
            );
            return None;
        };
        let code = match AreaCode::parse(raw_code) {
            Ok(c) => c,
            Err(e) => {
                problems.add(number, Some(key), e.to_string());
                return None;
            }
        };
        if let Some(level) = self.code_property.level.filter(|l| *l != code.level()) {
            problems.add(
                number,
                Some(key),
                format!(
                    "{code} is een {}code; verwacht in {key} een {level}code",
                    code.level()
                ),
            );
            return None;
        }
        if !self.seen.insert(code.clone()) {
            problems.add(
                number,
                Some(key),
                format!("{code} komt meer dan één keer voor; verwacht één feature per gebied"),
            );
            return None;
        }
        Some(code)
    }

    /// Remembers the wijk and gemeente a feature below them names, with the names it gives.
    fn note_parents(
        &mut self,
        problems: &mut Problems,
        number: Option<u64>,
        code: &AreaCode,
        properties: &JsonObject,
    ) {
        for (code_key, name_key, level) in [
            ("WK_CODE", "WK_NAAM", AreaLevel::Wijk),
            ("GM_CODE", "GM_NAAM", AreaLevel::Gemeente),
        ] {
            if code.level() > level {
                if let Some(parent) =
                    string_property(properties, code_key).and_then(|c| AreaCode::parse(c).ok())
                {
                    let name = string_property(properties, name_key).map(str::to_owned);
                    if let Some(problem) = name.as_deref().and_then(area_name_problem) {
                        problems.add(number, Some(name_key), problem);
                        continue;
                    }
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

/// Refuses rings that cannot bound an area, so that a broken feature never replaces a valid
/// boundary: every position needs two finite coordinates, and every ring at least four
/// positions, closed (the last equal to the first, as GeoJSON requires), enclosing a surface.
fn check_rings(geometry: &Geometry) -> Result<(), String> {
    let polygons = match &geometry.value {
        Shape::Polygon(rings) => std::slice::from_ref(rings),
        Shape::MultiPolygon(polygons) => polygons.as_slice(),
        _ => return Ok(()),
    };
    for (p, polygon) in polygons.iter().enumerate() {
        if polygon.is_empty() {
            return Err(format!("polygoon {} heeft geen ringen", p + 1));
        }
        for (r, ring) in polygon.iter().enumerate() {
            let at = format!("polygoon {}, ring {}", p + 1, r + 1);
            if let Some(position) = ring
                .iter()
                .find(|q| q.len() < 2 || !q[0].is_finite() || !q[1].is_finite())
            {
                return Err(format!(
                    "{at}: de positie {position:?} is geen paar eindige getallen; verwacht \
                     [x, y]"
                ));
            }
            if ring.len() < 4 {
                return Err(format!(
                    "{at} heeft {} posities; verwacht ten minste 4 (een gesloten ring om een \
                     oppervlak)",
                    ring.len()
                ));
            }
            if ring.first().map(|q| &q[..2]) != ring.last().map(|q| &q[..2]) {
                return Err(format!(
                    "{at} is niet gesloten; verwacht dat de laatste positie gelijk is aan de \
                     eerste"
                ));
            }
            if shoelace_area(ring) == 0.0 {
                return Err(format!(
                    "{at} omsluit geen oppervlak (alle punten op één lijn)"
                ));
            }
        }
    }
    Ok(())
}

/// Twice the signed area of a closed ring; zero when its points are collinear or repeated.
fn shoelace_area(ring: &[Vec<f64>]) -> f64 {
    ring.windows(2)
        .map(|w| w[0][0] * w[1][1] - w[1][0] * w[0][1])
        .sum()
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
    let Some(first) = first else {
        return Err("de polygoon heeft geen coördinaten".to_owned());
    };
    check_rings(geometry)?;
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
