//! Area boundaries as a GeoPackage, the form of the CBS wijk- en buurtkaart since 2021
//! (`wijkenbuurten_2024_v1.gpkg` with the layers `gemeenten`, `wijken` and `buurten`, in RD
//! New). Every feature layer with area codes is read in one import; the features go through
//! `area_features`, as GeoJSON's do.
//!
//! A GeoPackage is an SQLite database (OGC 12-128r18): `gpkg_contents` lists the layers,
//! `gpkg_geometry_columns` names each layer's geometry column and its coordinate system in
//! `gpkg_spatial_ref_sys`, and a geometry is a small header (`GP`, flags, SRS id, an optional
//! envelope) followed by WKB.

use std::path::Path;

use buurtbeeld_cube::ImportBatch;
use geo_traits::{
    CoordTrait, GeometryTrait, GeometryType, LineStringTrait, MultiPolygonTrait, PolygonTrait,
};
use geojson::{Geometry, JsonObject, Value as Shape};
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};

use crate::area_features::{indeling_year, own_code_property, CrsHint, Features, NO_YEAR};
use crate::problem::{ImportError, Problems};
use crate::{text, Input, ReadOptions};

/// One feature layer as `gpkg_contents` and `gpkg_geometry_columns` describe it.
#[derive(Debug)]
struct Layer {
    table: String,
    geometry_column: String,
    srs_id: i64,
    /// `organization` and `organization_coordsys_id` of its SRS, e.g. `EPSG` and 28992.
    organization: Option<(String, i64)>,
}

/// One feature: its number in the layer (1-based), its attributes and its geometry.
type Record = (u64, JsonObject, Option<Geometry>);

/// An SQL identifier, quoted for a statement.
fn quoted(identifier: &str) -> String {
    format!("\"{}\"", identifier.replace('"', "\"\""))
}

fn layers(name: &str, connection: &Connection) -> Result<Vec<Layer>, ImportError> {
    let fail = |message: String| Problems::new(name).fatal(None, None, message);
    let mut statement = connection
        .prepare(
            "SELECT c.table_name, g.column_name, g.srs_id, s.organization,
                    s.organization_coordsys_id
             FROM gpkg_contents c
             JOIN gpkg_geometry_columns g ON g.table_name = c.table_name
             LEFT JOIN gpkg_spatial_ref_sys s ON s.srs_id = g.srs_id
             WHERE c.data_type = 'features'
             ORDER BY c.table_name",
        )
        .map_err(|e| {
            fail(format!(
                "geen GeoPackage: de tabellen gpkg_contents en gpkg_geometry_columns ontbreken of \
                 zijn onleesbaar ({e}); verwacht de wijk- en buurtkaart van het CBS als .gpkg"
            ))
        })?;
    let rows = statement
        .query_map([], |row| {
            let organization: Option<String> = row.get(3)?;
            let coordsys: Option<i64> = row.get(4)?;
            Ok(Layer {
                table: row.get(0)?,
                geometry_column: row.get(1)?,
                srs_id: row.get(2)?,
                organization: organization.zip(coordsys),
            })
        })
        .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
        .map_err(|e| fail(format!("de lagen van de GeoPackage zijn onleesbaar: {e}")))?;
    if rows.is_empty() {
        return Err(fail(
            "de GeoPackage heeft geen laag met features (geen regel met data_type 'features' in \
             gpkg_contents); verwacht lagen als gemeenten, wijken en buurten"
                .to_owned(),
        ));
    }
    Ok(rows)
}

/// The coordinate system of a layer: RD New or WGS84 by their EPSG codes; an undefined SRS
/// (-1 or 0 in the GeoPackage standard) lets the numbers tell, as for GeoJSON without `crs`.
fn crs_of_layer(layer: &Layer) -> Result<CrsHint, String> {
    match &layer.organization {
        Some((organization, 28992)) if organization.eq_ignore_ascii_case("EPSG") => {
            Ok(CrsHint::RdNew)
        }
        Some((organization, 4326)) if organization.eq_ignore_ascii_case("EPSG") => {
            Ok(CrsHint::Wgs84)
        }
        _ if matches!(layer.srs_id, -1 | 0) => Ok(CrsHint::FromNumbers),
        Some((organization, id)) => Err(format!(
            "onbekend coördinatenstelsel {organization}:{id}; verwacht RD New (Amersfoort / RD \
             New, EPSG:28992) of WGS84 (EPSG:4326)"
        )),
        None => Err(format!(
            "het coördinatenstelsel (srs_id {}) staat niet in gpkg_spatial_ref_sys; verwacht RD \
             New (EPSG:28992) of WGS84 (EPSG:4326)",
            layer.srs_id
        )),
    }
}

/// A column's value as a GeoJSON property would hold it; blobs are left out.
fn json_value(value: ValueRef<'_>) -> Option<serde_json::Value> {
    use serde_json::Value as Json;
    Some(match value {
        ValueRef::Null => Json::Null,
        ValueRef::Integer(i) => Json::from(i),
        ValueRef::Real(f) if f.fract() == 0.0 && f.abs() < 9e15 => Json::from(f as i64),
        ValueRef::Real(f) => serde_json::Number::from_f64(f).map_or(Json::Null, Json::Number),
        ValueRef::Text(t) => Json::String(String::from_utf8_lossy(t).trim().to_owned()),
        ValueRef::Blob(_) => return None,
    })
}

/// The positions of a ring.
fn positions(ring: &impl LineStringTrait<T = f64>) -> Vec<Vec<f64>> {
    ring.coords().map(|c| vec![c.x(), c.y()]).collect()
}

/// A polygon's rings, the exterior first.
fn rings(polygon: &impl PolygonTrait<T = f64>) -> Vec<Vec<Vec<f64>>> {
    polygon
        .exterior()
        .map(|e| positions(&e))
        .into_iter()
        .chain(polygon.interiors().map(|r| positions(&r)))
        .collect()
}

/// Reads a GeoPackage geometry blob: its header, then the WKB; `None` for an empty geometry.
fn gpkg_geometry(blob: &[u8]) -> Result<Option<Geometry>, String> {
    if blob.len() < 8 || &blob[..2] != b"GP" {
        return Err(
            "geen GeoPackage-geometrie: verwacht een blob die begint met 'GP' (de kop van \
             de GeoPackage-standaard)"
                .to_owned(),
        );
    }
    let flags = blob[3];
    if flags & 0b0010_0000 != 0 {
        return Err(
            "een uitgebreide GeoPackage-geometrie (ExtendedGeoPackageBinary); verwacht een \
             gewone polygoon"
                .to_owned(),
        );
    }
    if flags & 0b0001_0000 != 0 {
        return Ok(None);
    }
    let envelope = match (flags >> 1) & 0b111 {
        0 => 0,
        1 => 32,
        2 | 3 => 48,
        4 => 64,
        other => {
            return Err(format!(
                "ongeldige envelopcode {other} in de kop van de geometrie; verwacht 0 tot en met 4"
            ))
        }
    };
    let wkb_bytes = blob.get(8 + envelope..).ok_or_else(|| {
        "de geometrie is korter dan haar kop; het bestand is beschadigd".to_owned()
    })?;
    let wkb = wkb::reader::read_wkb(wkb_bytes)
        .map_err(|e| format!("onleesbare WKB-geometrie ({e}); het bestand is beschadigd"))?;
    let value = match wkb.as_type() {
        GeometryType::Polygon(p) => Shape::Polygon(rings(p)),
        GeometryType::MultiPolygon(m) => {
            Shape::MultiPolygon(m.polygons().map(|p| rings(&p)).collect())
        }
        other => {
            let kind = match other {
                GeometryType::Point(_) => "Point",
                GeometryType::LineString(_) => "LineString",
                GeometryType::MultiPoint(_) => "MultiPoint",
                GeometryType::MultiLineString(_) => "MultiLineString",
                GeometryType::GeometryCollection(_) => "GeometryCollection",
                _ => "andere geometrie",
            };
            return Err(format!(
                "gevonden: een {kind}; verwacht een Polygon of MultiPolygon, want een gebied \
                 heeft een oppervlak nodig"
            ));
        }
    };
    Ok(Some(Geometry::new(value)))
}

/// The features of one layer; a geometry that cannot be read is recorded with its number.
fn layer_records(
    connection: &Connection,
    layer: &Layer,
    problems: &mut Problems,
) -> Result<Vec<Record>, String> {
    let mut statement = connection
        .prepare(&format!("SELECT * FROM {}", quoted(&layer.table)))
        .map_err(|e| e.to_string())?;
    let columns: Vec<String> = statement
        .column_names()
        .into_iter()
        .map(str::to_owned)
        .collect();
    let mut rows = statement.query([]).map_err(|e| e.to_string())?;
    let mut records = Vec::new();
    let mut number = 0;
    loop {
        number += 1;
        let row = match rows.next() {
            Ok(Some(row)) => row,
            Ok(None) => break,
            Err(e) => {
                // SQLite stops at a damaged page; the features after it cannot be reached.
                problems.add(
                    Some(number),
                    None,
                    format!("de feature is onleesbaar ({e}); het bestand is beschadigd"),
                );
                break;
            }
        };
        let mut properties = JsonObject::new();
        let mut geometry = Ok(None);
        for (i, column) in columns.iter().enumerate() {
            let value = row.get_ref(i).map_err(|e| e.to_string())?;
            if *column == layer.geometry_column {
                geometry = match value {
                    ValueRef::Null => Ok(None),
                    ValueRef::Blob(blob) => gpkg_geometry(blob),
                    _ => Err("de geometrie is geen blob; het bestand is beschadigd".to_owned()),
                };
            } else if let Some(value) = json_value(value) {
                properties.insert(column.clone(), value);
            }
        }
        match geometry {
            Ok(geometry) => records.push((number, properties, geometry)),
            Err(m) => problems.add(Some(number), Some(&layer.geometry_column), m),
        }
        if problems.is_full() {
            break;
        }
    }
    Ok(records)
}

pub(crate) fn read(
    input: &Input<'_>,
    path: &Path,
    options: &ReadOptions,
) -> Result<ImportBatch, ImportError> {
    let name = input.name;
    let fail = |message: String| Problems::new(name).fatal(None, None, message);
    // The checksum is of the file as it is before SQLite opens it (read-only: nothing changes).
    let checksum = text::checksum_of_file(path)
        .map_err(|e| fail(format!("kan het bestand niet lezen: {e}")))?;
    let connection = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| fail(format!("geen leesbare GeoPackage (SQLite-database): {e}")))?;
    let layers = layers(name, &connection)?;
    let mut problems = Problems::new(name).with_unit("feature");
    let mut features: Option<Features> = None;
    let mut rows = 0;
    let mut skipped = Vec::new();
    for layer in &layers {
        // Features are numbered per layer: "wijkenbuurten_2024_v1.gpkg, laag buurten, feature 12".
        let mut layer_problems = Problems::new(name)
            .with_unit("feature")
            .with_part(format!("laag {}", layer.table));
        let crs = match crs_of_layer(layer) {
            Ok(crs) => crs,
            Err(m) => {
                layer_problems.add(None, Some("srs_id"), m);
                problems.append(layer_problems);
                continue;
            }
        };
        let records = match layer_records(&connection, layer, &mut layer_problems) {
            Ok(records) => records,
            Err(e) => {
                layer_problems.add(
                    None,
                    None,
                    format!("de laag is onleesbaar ({e}); het bestand is beschadigd"),
                );
                problems.append(layer_problems);
                continue;
            }
        };
        rows += records.len() as u64;
        let all: Vec<&JsonObject> = records.iter().map(|(_, p, _)| p).collect();
        let Some(code_property) = own_code_property(&all) else {
            // A layer without area codes (a layer of water, say) is no boundary layer.
            skipped.push(layer.table.clone());
            problems.append(layer_problems);
            continue;
        };
        let features = features.get_or_insert_with(|| {
            let year = indeling_year(name, options, all.first().copied());
            if year.is_none() {
                problems.add(None, None, NO_YEAR);
            }
            Features::new(year.unwrap_or_default(), crs)
        });
        features.set_crs(crs);
        features.add_all(
            &mut layer_problems,
            code_property,
            records.iter().map(|(n, p, g)| (*n, p, g.as_ref())),
        );
        problems.append(layer_problems);
    }
    let Some(features) = features else {
        return Err(problems.fatal(
            None,
            None,
            format!(
                "geen enkele laag heeft gebiedscodes (gelezen: {}); verwacht lagen met \
                 buurtcode, wijkcode of gemeentecode",
                layers
                    .iter()
                    .map(|l| l.table.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    };
    let mut batch = features.finish();
    if !skipped.is_empty() {
        batch.notes.push(format!(
            "lagen zonder gebiedscodes overgeslagen: {}",
            skipped.join(", ")
        ));
    }
    let mut source =
        input.source_info("areas-geopackage", "CBS wijk- en buurtkaart", options, rows);
    source.checksum = checksum;
    batch.source = Some(source);
    problems.finish(batch)
}

#[cfg(test)]
mod tests {
    use super::gpkg_geometry;

    /// A GeoPackage blob of a square around the Dom tower in RD New, no envelope.
    fn square() -> Vec<u8> {
        let mut blob = b"GP\x00\x01".to_vec();
        blob.extend(28992_i32.to_le_bytes());
        blob.push(1);
        blob.extend(3_u32.to_le_bytes());
        blob.extend(1_u32.to_le_bytes());
        blob.extend(5_u32.to_le_bytes());
        for (x, y) in [
            (0.0, 0.0),
            (10.0, 0.0),
            (10.0, 10.0),
            (0.0, 10.0),
            (0.0, 0.0),
        ] {
            blob.extend(f64::to_le_bytes(136_000.0 + x));
            blob.extend(f64::to_le_bytes(456_000.0 + y));
        }
        blob
    }

    #[test]
    fn reads_the_header_and_the_wkb() {
        let geometry = gpkg_geometry(&square()).unwrap().unwrap();
        let geojson::Value::Polygon(rings) = geometry.value else {
            panic!("{geometry:?}")
        };
        assert_eq!(rings[0][2], vec![136_010.0, 456_010.0]);
    }

    #[test]
    fn a_cut_or_foreign_blob_is_a_problem_not_a_panic() {
        let blob = square();
        for end in 0..blob.len() {
            assert!(gpkg_geometry(&blob[..end]).is_err(), "{end}");
        }
        assert!(gpkg_geometry(b"XX\x00\x01\x00\x00\x00\x00").is_err());
        let mut with_envelope = blob.clone();
        with_envelope[3] = 0b0000_1001;
        assert!(gpkg_geometry(&with_envelope).is_err());
    }
}
