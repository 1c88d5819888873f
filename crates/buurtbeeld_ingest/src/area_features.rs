//! What every boundary reader shares: one feature (its properties and polygon) becomes an area
//! with its code, name, parents and inhabitants, checked the same way whether it came from
//! GeoJSON, a Shapefile or a GeoPackage; RD New is converted to WGS84 here.

use std::collections::BTreeSet;

use buurtbeeld_cube::{
    area_name_problem, AreaCode, AreaLevel, AreaRecord, ImportBatch, PopulationRecord,
};
use geojson::{Geometry, JsonObject, Value as Shape};

use crate::codelists::code_lists;
use crate::personal::report_personal_keys;
use crate::problem::Problems;
use crate::rd::{looks_like_rd, looks_like_wgs84_nl, rd_to_wgs84};
use crate::ReadOptions;

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

/// The properties that name a feature's wijk and gemeente, in the old (Shapefile, `WK_CODE`)
/// and the new (GeoPackage since 2021, `wijkcode`) spelling, with the level they name.
const PARENT_PROPERTIES: [(&str, &str, AreaLevel); 4] = [
    ("WK_CODE", "WK_NAAM", AreaLevel::Wijk),
    ("wijkcode", "wijknaam", AreaLevel::Wijk),
    ("GM_CODE", "GM_NAAM", AreaLevel::Gemeente),
    ("gemeentecode", "gemeentenaam", AreaLevel::Gemeente),
];

/// The properties that carry the number of inhabitants, across the years: `AANT_INW` in the
/// wijk- en buurtkaart up to 2020 (Shapefile), `aantalInwoners` since (GeoJSON, GeoPackage),
/// `AantalInwoners_5` and its siblings in the kerncijfers tables. A property starting with
/// `AantalInwoners_` counts too, as the suffix is the column's number in its table.
pub(crate) fn is_population_property(name: &str) -> bool {
    matches!(
        name,
        "AANT_INW" | "aantalInwoners" | "aantal_inwoners" | "AantalInwoners"
    ) || name.starts_with("AantalInwoners_")
}

/// The note on a boundary file that has no inhabitants, so the user knows to import them.
pub(crate) const NO_POPULATION_NOTE: &str = "geen inwonertallen in dit bestand (verwacht \
     AANT_INW, aantalInwoners of AantalInwoners_…); importeer ze apart uit de kerncijfers wijken \
     en buurten";

/// A property that holds an area's code, and the one that holds its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CodeProperty {
    code: &'static str,
    name: &'static str,
    level: Option<AreaLevel>,
}

impl CodeProperty {
    const fn new(code: &'static str, name: &'static str, level: Option<AreaLevel>) -> Self {
        CodeProperty { code, name, level }
    }
}

/// The problem recorded when no feature of a file (or layer) has a code property.
pub(crate) const NO_CODE_PROPERTY: &str = "geen enkele feature heeft een gebiedscode: verwacht \
     een eigenschap BU_CODE, WK_CODE, GM_CODE, buurtcode, wijkcode, gemeentecode, statcode of CODE";

/// The property that holds the features' own codes: the most specific code property any feature
/// has. Every feature must then have it. Taking the first property present per feature instead
/// let a buurt without `BU_CODE` fall through to its wijk's `WK_CODE` and overwrite the wijk's
/// boundary and population (#16).
pub(crate) fn own_code_property(features: &[&JsonObject]) -> Option<CodeProperty> {
    CODE_PROPERTIES
        .into_iter()
        .find(|property| features.iter().any(|p| p.contains_key(property.code)))
}

/// How a reader knows the coordinates' reference system.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CrsHint {
    /// The file declares RD New (EPSG:28992).
    RdNew,
    /// The file declares WGS84 longitude/latitude (EPSG:4326).
    Wgs84,
    /// The file does not say; the numbers tell (RD New metres and WGS84 degrees in the
    /// Netherlands do not overlap).
    FromNumbers,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Crs {
    RdNew,
    Wgs84,
}

/// The year of the indeling: as passed, else in the file name, else the first feature's `JAAR`.
pub(crate) fn indeling_year(
    name: &str,
    options: &ReadOptions,
    first: Option<&JsonObject>,
) -> Option<i32> {
    options.year.or_else(|| year_in_name(name)).or_else(|| {
        first?
            .get("JAAR")
            .or_else(|| first?.get("jaar"))
            .and_then(serde_json::Value::as_i64)
            .and_then(|y| i32::try_from(y).ok())
    })
}

/// The problem recorded when the year of the indeling is unknown.
pub(crate) const NO_YEAR: &str = "het jaar van deze wijk- en buurtindeling is niet te bepalen \
     (geen jaar in de bestandsnaam, geen eigenschap JAAR); geef --year YYYY mee";

/// The areas and population read from the features so far, and what later features are checked
/// against. One value serves every layer of a GeoPackage, so that an area is read once across
/// layers and a buurt's wijk from the `wijken` layer is not added again from the code lists.
pub(crate) struct Features {
    year: i32,
    crs: CrsHint,
    batch: ImportBatch,
    /// Codes of the features read so far, so an area has one feature.
    seen: BTreeSet<AreaCode>,
    /// Personal fields already reported, so each is reported once.
    personal_reported: BTreeSet<String>,
    /// Wijken and gemeenten the features name as their parents, with the names they give.
    parents: BTreeSet<(AreaCode, Option<String>)>,
    /// Whether any feature had a population property (even an empty one).
    population_column: bool,
}

impl Features {
    /// No features read yet, of an indeling of `year`.
    pub(crate) fn new(year: i32, crs: CrsHint) -> Features {
        Features {
            year,
            crs,
            batch: ImportBatch::default(),
            seen: BTreeSet::new(),
            personal_reported: BTreeSet::new(),
            parents: BTreeSet::new(),
            population_column: false,
        }
    }

    /// The coordinate system of the features read next (a GeoPackage's layers each name theirs).
    pub(crate) fn set_crs(&mut self, crs: CrsHint) {
        self.crs = crs;
    }

    /// Reads the features of one file or layer, each with its number there, whose own codes are
    /// in `code_property`. Stops when `problems` is full.
    pub(crate) fn add_all<'f>(
        &mut self,
        problems: &mut Problems,
        code_property: CodeProperty,
        features: impl IntoIterator<Item = (u64, &'f JsonObject, Option<&'f Geometry>)>,
    ) {
        for (number, properties, geometry) in features {
            let taken = self.add(problems, Some(number), code_property, properties, geometry);
            if taken && problems.is_full() {
                break;
            }
        }
    }

    /// Whether the feature was taken as an area; if not, its problem is recorded.
    pub(crate) fn add(
        &mut self,
        problems: &mut Problems,
        number: Option<u64>,
        code_property: CodeProperty,
        properties: &JsonObject,
        geometry: Option<&Geometry>,
    ) -> bool {
        report_personal_keys(
            problems,
            number,
            properties,
            &mut self.personal_reported,
            crate::personal::AREA_NAME_PROPERTIES,
        );
        let Some(code) = self.new_code(problems, number, code_property, properties) else {
            return false;
        };
        let name_key = code_property.name;
        let name = string_property(properties, name_key)
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
        let geometry = match geometry.map(|g| to_wgs84(g, self.crs)).transpose() {
            Ok(geometry) => geometry,
            Err(m) => {
                problems.add(number, Some("geometry"), m);
                return false;
            }
        };
        if let Some((key, value)) = properties
            .iter()
            .find(|(key, _)| is_population_property(key))
        {
            self.population_column = true;
            match inhabitants(value) {
                Ok(inhabitants) => self.batch.population.push(PopulationRecord {
                    area: code.clone(),
                    year: self.year,
                    inhabitants,
                    source: "CBS wijk- en buurtkaart".to_owned(),
                }),
                Err(m) => {
                    problems.add(number, Some(key), m);
                    return false;
                }
            }
        }
        self.note_parents(problems, number, &code, properties);
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
        code_property: CodeProperty,
        properties: &JsonObject,
    ) -> Option<AreaCode> {
        let key = code_property.code;
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
        if let Some(level) = code_property.level.filter(|l| *l != code.level()) {
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
        for (code_key, name_key, level) in PARENT_PROPERTIES {
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

    /// The batch of areas and population, with the named parents the features did not cover,
    /// and a note if no feature had inhabitants.
    pub(crate) fn finish(mut self) -> ImportBatch {
        // Parents named on the features (a buurt map names its gemeente) are added if the store
        // does not know them yet; their own boundary file, when imported, names them with
        // authority. A parent named in both spellings is added once.
        let named: BTreeSet<&AreaCode> = self
            .parents
            .iter()
            .filter(|(_, name)| name.is_some())
            .map(|(code, _)| code)
            .collect();
        for (parent, name) in &self.parents {
            if self.seen.contains(parent) || (name.is_none() && named.contains(parent)) {
                continue;
            }
            for mut record in code_lists().area_with_ancestors(parent) {
                if record.code == *parent {
                    if let Some(name) = name {
                        record.name.clone_from(name);
                    }
                    record.indeling_year = Some(self.year);
                }
                self.batch.areas.push(record);
            }
        }
        if !self.population_column && !self.batch.areas.is_empty() {
            self.batch.notes.push(NO_POPULATION_NOTE.to_owned());
        }
        self.batch
    }
}

/// A population property's value: a count, or `None` for a secret or missing figure (the
/// wijk- en buurtkaart writes -99999999, the GeoPackage -99997 and its siblings, or nothing).
fn inhabitants(value: &serde_json::Value) -> Result<Option<u32>, String> {
    let number = match value {
        serde_json::Value::Null => return Ok(None),
        serde_json::Value::Number(n) => n.as_i64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 1e15)
                .map(|f| f as i64)
        }),
        serde_json::Value::String(s) if s.trim().is_empty() || s.trim() == "." => return Ok(None),
        serde_json::Value::String(s) => s.trim().parse::<i64>().ok(),
        _ => None,
    };
    match number {
        Some(n) if n < 0 => Ok(None),
        Some(n) => u32::try_from(n)
            .ok()
            .filter(|&n| n <= crate::text::MAX_COUNT)
            .map(Some)
            .ok_or_else(|| format!("{value} is te groot voor een aantal inwoners")),
        None => Err(format!(
            "{value} is geen aantal inwoners; verwacht een geheel getal, of een negatief getal \
             of niets voor een geheim cijfer"
        )),
    }
}

/// A property's trimmed text, or None if it is missing, not text, or blank.
pub(crate) fn string_property<'p>(properties: &'p JsonObject, key: &str) -> Option<&'p str> {
    properties
        .get(key)
        .and_then(|v| v.as_str())
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// The first plausible year (19xx or 20xx) in a file name like `buurt2017.geojson` or
/// `wijkenbuurten_2023_v1.geojson`.
pub(crate) fn year_in_name(name: &str) -> Option<i32> {
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

/// Converts a (multi)polygon to WGS84, in the declared CRS or the one the numbers show.
fn to_wgs84(geometry: &Geometry, hint: CrsHint) -> Result<Geometry, String> {
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
    let crs = if hint == CrsHint::RdNew
        || (hint == CrsHint::FromNumbers && looks_like_rd(first[0], first[1]))
    {
        Crs::RdNew
    } else if hint == CrsHint::Wgs84 || looks_like_wgs84_nl(first[0], first[1]) {
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
