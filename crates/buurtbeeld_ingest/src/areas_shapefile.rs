//! Area boundaries as a Shapefile, the form of the CBS wijk- en buurtkaart up to 2020: the `.shp`
//! with its `.shx`, `.dbf` (attributes), `.prj` (coordinate system) and `.cpg` (text encoding)
//! beside it. The features go through `area_features`, as GeoJSON's do.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use buurtbeeld_cube::ImportBatch;
use geojson::{Geometry, JsonObject, Value as Shape};
use sha2::{Digest, Sha256};
use shapefile::dbase::{self, FieldValue};
use shapefile::PolygonRing;

use crate::area_features::{
    indeling_year, own_code_property, CrsHint, Features, NO_CODE_PROPERTY, NO_YEAR,
};
use crate::problem::{ImportError, Problems};
use crate::{text, Input, ReadOptions};

/// The files of one Shapefile, read into memory (a wijk- en buurtkaart is tens of MiB at most).
struct Sidecars {
    shp: Vec<u8>,
    shx: Option<Vec<u8>>,
    dbf: Vec<u8>,
    prj: Option<Vec<u8>>,
    cpg: Option<Vec<u8>>,
}

impl Sidecars {
    /// The SHA-256 of every file of the Shapefile. The attributes (names, inhabitants) are in
    /// the `.dbf` and the coordinate system in the `.prj`, so a new release that changed only
    /// those is a new import; each part is hashed with its extension and length, so that bytes
    /// moved from one file to the next give another checksum.
    fn checksum(&self) -> String {
        let mut hasher = Sha256::new();
        let parts = [
            ("shp", Some(&self.shp)),
            ("shx", self.shx.as_ref()),
            ("dbf", Some(&self.dbf)),
            ("prj", self.prj.as_ref()),
            ("cpg", self.cpg.as_ref()),
        ];
        for (extension, bytes) in parts {
            if let Some(bytes) = bytes {
                hasher.update(extension.as_bytes());
                hasher.update((bytes.len() as u64).to_le_bytes());
                hasher.update(bytes);
            }
        }
        text::hex(&hasher.finalize())
    }
}

/// The file beside `path` with the same stem and this extension, in lower or upper case as the
/// publisher wrote it.
fn sidecar(path: &Path, extension: &str) -> Option<PathBuf> {
    [extension.to_owned(), extension.to_uppercase()]
        .into_iter()
        .map(|e| path.with_extension(e))
        .find(|p| p.is_file())
}

fn read_sidecars(name: &str, path: &Path) -> Result<Sidecars, ImportError> {
    let fail = |message: String| Problems::new(name).fatal(None, None, message);
    let read = |p: &Path| {
        std::fs::read(p).map_err(|e| fail(format!("kan {} niet lezen: {e}", p.display())))
    };
    let shp = read(path)?;
    let stem = path
        .file_stem()
        .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
    let Some(dbf_path) = sidecar(path, "dbf") else {
        return Err(fail(format!(
            "het attribuutbestand {stem}.dbf ontbreekt naast {stem}.shp; een Shapefile bestaat \
             uit {stem}.shp, .shx, .dbf en .prj: zet ze samen in één map (zoals in de zip van het \
             CBS) en importeer het .shp-bestand"
        )));
    };
    let optional = |extension: &str| sidecar(path, extension).map(|p| read(&p)).transpose();
    Ok(Sidecars {
        shx: optional("shx")?,
        dbf: read(&dbf_path)?,
        prj: optional("prj")?,
        cpg: optional("cpg")?,
        shp,
    })
}

/// The coordinate system a `.prj` (ESRI WKT) names: RD New or WGS84; anything else is refused,
/// as the numbers of another system cannot be converted here.
fn crs_of_prj(name: &str, prj: &[u8]) -> Result<CrsHint, ImportError> {
    let wkt = String::from_utf8_lossy(prj);
    let squashed: String = wkt
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect::<String>()
        .to_lowercase();
    let projected = wkt.trim_start().to_uppercase().starts_with("PROJCS")
        || wkt.trim_start().to_uppercase().starts_with("PROJCRS");
    if squashed.contains("28992")
        || squashed.contains("rdnew")
        || (projected && squashed.contains("amersfoort") && squashed.contains("stereographic"))
    {
        Ok(CrsHint::RdNew)
    } else if !projected && (squashed.contains("wgs1984") || squashed.contains("wgs84")) {
        Ok(CrsHint::Wgs84)
    } else {
        let shown: String = wkt.trim().chars().take(120).collect();
        Err(Problems::new(name).fatal(
            None,
            Some(".prj"),
            format!(
                "onbekend coördinatenstelsel '{shown}'; verwacht RD New (Amersfoort / RD New, \
                 EPSG:28992) of WGS84 (EPSG:4326): exporteer de kaart in een van beide"
            ),
        ))
    }
}

/// The text encoding of the `.dbf`: as its `.cpg` says, else Latin-1 (Windows-1252), which the
/// CBS Shapefiles use without a `.cpg`.
fn dbf_encoding(
    name: &str,
    cpg: Option<&[u8]>,
) -> Result<&'static encoding_rs::Encoding, ImportError> {
    let Some(cpg) = cpg else {
        return Ok(encoding_rs::WINDOWS_1252);
    };
    let label = String::from_utf8_lossy(text::strip_bom(cpg))
        .trim()
        .to_owned();
    let upper = label.to_uppercase();
    let encoding = match upper.as_str() {
        "UTF-8" | "UTF8" | "65001" => Some(encoding_rs::UTF_8),
        "LATIN1" | "LATIN-1" | "ISO-8859-1" | "ISO8859-1" | "8859-1" | "88591" | "1252"
        | "CP1252" | "WINDOWS-1252" | "ANSI 1252" => Some(encoding_rs::WINDOWS_1252),
        _ => encoding_rs::Encoding::for_label(label.as_bytes()),
    };
    encoding.ok_or_else(|| {
        Problems::new(name).fatal(
            None,
            Some(".cpg"),
            format!(
                "onbekende tekstcodering '{label}'; verwacht UTF-8 of een codering als \
                 ISO-8859-1 of 1252"
            ),
        )
    })
}

/// A DBF value as a GeoJSON property would hold it: whole numbers as integers, so that codes
/// and counts read the same as from GeoJSON.
fn json_value(value: FieldValue) -> serde_json::Value {
    use serde_json::Value as Json;
    let number = |f: f64| {
        if f.fract() == 0.0 && f.abs() < 9e15 {
            Json::from(f as i64)
        } else {
            serde_json::Number::from_f64(f).map_or(Json::Null, Json::Number)
        }
    };
    match value {
        FieldValue::Character(s) => s.map_or(Json::Null, |s| Json::String(s.trim().to_owned())),
        FieldValue::Memo(s) => Json::String(s),
        FieldValue::Numeric(n) => n.map_or(Json::Null, number),
        FieldValue::Float(n) => n.map_or(Json::Null, |f| number(f64::from(f))),
        FieldValue::Double(f) | FieldValue::Currency(f) => number(f),
        FieldValue::Integer(i) => Json::from(i),
        FieldValue::Logical(b) => b.map_or(Json::Null, Json::Bool),
        FieldValue::Date(d) => d.map_or(Json::Null, |d| {
            Json::String(format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()))
        }),
        FieldValue::DateTime(t) => {
            let d = t.date();
            Json::String(format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()))
        }
    }
}

/// Positions of GeoJSON rings: rings of `[x, y]`.
type Rings = Vec<Vec<Vec<f64>>>;

/// A polygon's rings as GeoJSON: each outer ring with the holes that lie in it. A Shapefile
/// lists rings without saying which hole belongs to which outer ring; a hole goes to the outer
/// ring that contains its first point, else to the outer ring before it.
fn polygons<P>(rings: &[PolygonRing<P>], xy: impl Fn(&P) -> (f64, f64)) -> Shape {
    use geo::{Contains, Coord, LineString, Polygon};
    let positions = |points: &[P]| -> Vec<Vec<f64>> {
        points
            .iter()
            .map(|p| {
                let (x, y) = xy(p);
                vec![x, y]
            })
            .collect()
    };
    // Each outer ring as a polygon (to test holes against) with its rings so far.
    let mut outers: Vec<(Polygon<f64>, Rings)> = Vec::new();
    for ring in rings {
        let points = positions(ring.points());
        match ring {
            PolygonRing::Inner(_) if !outers.is_empty() => {
                let first = points.first().map(|p| Coord { x: p[0], y: p[1] });
                let index = first
                    .and_then(|c| outers.iter().position(|(o, _)| o.contains(&c)))
                    .unwrap_or(outers.len() - 1);
                outers[index].1.push(points);
            }
            _ => {
                let outline: LineString<f64> =
                    points.iter().map(|p| Coord { x: p[0], y: p[1] }).collect();
                outers.push((Polygon::new(outline, Vec::new()), vec![points]));
            }
        }
    }
    let mut polygons: Vec<Rings> = outers.into_iter().map(|(_, r)| r).collect();
    if polygons.len() == 1 {
        Shape::Polygon(polygons.remove(0))
    } else {
        Shape::MultiPolygon(polygons)
    }
}

/// A record's shape as GeoJSON: polygons (also with Z or M, which are dropped), nothing for a
/// null shape, and for any other shape the problem to record.
fn geometry(shape: shapefile::Shape) -> Result<Option<Geometry>, String> {
    use shapefile::Shape as S;
    let value = match shape {
        S::NullShape => return Ok(None),
        S::Polygon(p) => polygons(p.rings(), |q| (q.x, q.y)),
        S::PolygonM(p) => polygons(p.rings(), |q| (q.x, q.y)),
        S::PolygonZ(p) => polygons(p.rings(), |q| (q.x, q.y)),
        other => {
            return Err(format!(
                "gevonden: een {}; verwacht een polygoon, want een gebied heeft een oppervlak \
                 nodig",
                other.shapetype()
            ))
        }
    };
    Ok(Some(Geometry::new(value)))
}

pub(crate) fn read(
    input: &Input<'_>,
    path: &Path,
    options: &ReadOptions,
) -> Result<ImportBatch, ImportError> {
    let name = input.name;
    let files = read_sidecars(name, path)?;
    // Without a .prj the numbers tell RD New from WGS84, as for GeoJSON without `crs`.
    let crs = match &files.prj {
        Some(prj) => crs_of_prj(name, prj)?,
        None => CrsHint::FromNumbers,
    };
    let encoding = dbf_encoding(name, files.cpg.as_deref())?;
    let unreadable = |what: &str, e: &dyn std::fmt::Display| {
        Problems::new(name).fatal(None, None, format!("{what} is onleesbaar: {e}"))
    };
    let shapes = match &files.shx {
        Some(shx) => {
            shapefile::ShapeReader::with_shx(Cursor::new(&files.shp), Cursor::new(shx.as_slice()))
        }
        None => shapefile::ShapeReader::new(Cursor::new(&files.shp)),
    }
    .map_err(|e| unreadable("het .shp-bestand", &e))?;
    let table = dbase::ReaderBuilder::new()
        .with_encoding(dbase::encoding::EncodingRs::from(encoding))
        .build(Cursor::new(files.dbf.as_slice()))
        .map_err(|e| unreadable("het .dbf-bestand", &e))?;
    let mut reader = shapefile::Reader::new(shapes, table);
    let mut problems = Problems::new(name).with_unit("record");
    let mut records: Vec<(u64, JsonObject, Option<Geometry>)> = Vec::new();
    for (i, result) in reader.iter_shapes_and_records().enumerate() {
        let number = i as u64 + 1;
        let (shape, record) = match result {
            Ok(pair) => pair,
            Err(e) => {
                // The files are read in step; after a broken record the rest cannot be trusted.
                problems.add(
                    Some(number),
                    None,
                    format!("onleesbaar record in .shp of .dbf: {e}"),
                );
                break;
            }
        };
        let properties: JsonObject = record
            .into_iter()
            .map(|(key, value)| (key, json_value(value)))
            .collect();
        match geometry(shape) {
            Ok(geometry) => records.push((number, properties, geometry)),
            Err(m) => problems.add(Some(number), Some("geometry"), m),
        }
    }
    if records.is_empty() && problems.is_empty() {
        return Err(problems.fatal(None, None, "de Shapefile heeft geen records"));
    }
    let all: Vec<&JsonObject> = records.iter().map(|(_, p, _)| p).collect();
    let code_property = own_code_property(&all);
    if code_property.is_none() {
        problems.add(None, None, NO_CODE_PROPERTY);
    }
    let year = indeling_year(name, options, all.first().copied());
    if year.is_none() {
        problems.add(None, None, NO_YEAR);
    }
    let Some(code_property) = code_property else {
        return Err(problems.into_error());
    };
    let mut features = Features::new(year.unwrap_or_default(), crs);
    features.add_all(
        &mut problems,
        code_property,
        records.iter().map(|(n, p, g)| (*n, p, g.as_ref())),
    );
    let mut batch = features.finish();
    let mut source = input.source_info(
        "areas-shapefile",
        "CBS wijk- en buurtkaart",
        options,
        records.len() as u64,
    );
    source.checksum = files.checksum();
    batch.source = Some(source);
    problems.finish(batch)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_prj_names_rd_new_or_wgs84() {
        let rd = br#"PROJCS["Amersfoort / RD New",GEOGCS["Amersfoort",DATUM["Amersfoort",SPHEROID["Bessel 1841",6377397.155,299.1528128]]],PROJECTION["Oblique_Stereographic"],AUTHORITY["EPSG","28992"]]"#;
        assert_eq!(crs_of_prj("x.shp", rd).unwrap(), CrsHint::RdNew);
        let esri_rd = br#"PROJCS["RD_New",GEOGCS["GCS_Amersfoort",DATUM["D_Amersfoort",SPHEROID["Bessel_1841",6377397.155,299.1528128]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Double_Stereographic"]]"#;
        assert_eq!(crs_of_prj("x.shp", esri_rd).unwrap(), CrsHint::RdNew);
        let wgs = br#"GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]"#;
        assert_eq!(crs_of_prj("x.shp", wgs).unwrap(), CrsHint::Wgs84);
        let utm = br#"PROJCS["WGS_1984_UTM_Zone_31N",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984"]],PROJECTION["Transverse_Mercator"]]"#;
        let error = crs_of_prj("x.shp", utm).unwrap_err().to_string();
        assert!(error.contains("onbekend coördinatenstelsel"), "{error}");
    }

    #[test]
    fn a_cpg_names_the_dbf_encoding() {
        assert_eq!(dbf_encoding("x", None).unwrap(), encoding_rs::WINDOWS_1252);
        assert_eq!(
            dbf_encoding("x", Some(b"UTF-8\n")).unwrap(),
            encoding_rs::UTF_8
        );
        assert_eq!(
            dbf_encoding("x", Some(b"1252")).unwrap(),
            encoding_rs::WINDOWS_1252
        );
        assert!(dbf_encoding("x", Some(b"klingon")).is_err());
    }
}
