//! Area boundaries: CBS wijk- en buurtkaart and gemeentegrenzen as GeoJSON, in RD New or WGS84.
//! The features are read by `area_features`, which the Shapefile and GeoPackage readers share.

use buurtbeeld_cube::ImportBatch;
use geojson::{Feature, FeatureCollection, GeoJson, JsonObject};

use crate::area_features::{
    indeling_year, own_code_property, CrsHint, Features, NO_CODE_PROPERTY, NO_YEAR,
};
use crate::problem::{ImportError, Problems};
use crate::{text, Input, ReadOptions};

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
    let empty = JsonObject::new();
    let properties: Vec<&JsonObject> = collection
        .features
        .iter()
        .map(|f| f.properties.as_ref().unwrap_or(&empty))
        .collect();
    let code_property = own_code_property(&properties);
    if code_property.is_none() {
        problems.add(None, None, NO_CODE_PROPERTY);
    }
    let year = indeling_year(input.name, options, properties.first().copied());
    // Reading goes on without a year, so that one run lists every problem of the file; the
    // recorded problem keeps the placeholder year from ever being stored.
    if year.is_none() {
        problems.add(None, None, NO_YEAR);
    }
    let Some(code_property) = code_property else {
        return Err(problems.into_error());
    };
    let crs = if declared_rd {
        CrsHint::RdNew
    } else {
        CrsHint::FromNumbers
    };
    let mut features = Features::new(year.unwrap_or_default(), crs);
    features.add_all(
        &mut problems,
        code_property,
        collection
            .features
            .iter()
            .zip(&properties)
            .enumerate()
            .map(|(i, (f, p))| (i as u64 + 1, *p, f.geometry.as_ref())),
    );
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
