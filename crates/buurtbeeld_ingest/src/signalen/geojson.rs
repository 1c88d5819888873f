//! The public GeoJSON of Signalen's API (`/signals/v1/public/signals/geography`): a
//! FeatureCollection of WGS84 points whose properties are the category (name, slug and its
//! parent's name and slug) and `created_at`. It has no melding ids, and it holds only meldingen
//! that are still open and in categories the gemeente shows on its public map.

use buurtbeeld_cube::ImportBatch;
use serde_json::Value as Json;

use super::values::{read_local_day, read_slug};
use super::{Collected, Melding, Place, NO_BOUNDARIES, SOURCE};
use crate::problem::{ImportError, Problems};
use crate::registrations::{read_point, BuurtLocator, Crs};
use crate::{text, Context, Input, ReadOptions};

/// The category of a feature, with the names the map gives.
struct FeatureCategory {
    main_slug: String,
    sub_slug: String,
    main_name: Option<String>,
    sub_name: Option<String>,
}

/// The category of a feature, or the property at fault and why.
fn category(properties: &Json) -> Result<FeatureCategory, (&'static str, String)> {
    let category = properties
        .get("category")
        .filter(|c| c.is_object())
        .ok_or_else(|| {
            (
                "category",
                "ontbreekt; verwacht een object met slug, name en parent (slug, name)".to_owned(),
            )
        })?;
    let text = |value: Option<&Json>| value.and_then(Json::as_str).unwrap_or("").to_owned();
    let name = |value: Option<&Json>| {
        value
            .and_then(Json::as_str)
            .filter(|n| !n.trim().is_empty())
            .map(|n| n.trim().chars().take(100).collect())
    };
    let parent = category.get("parent");
    let sub_slug = read_slug(&text(category.get("slug"))).map_err(|m| ("category.slug", m))?;
    let main_slug = read_slug(&text(parent.and_then(|p| p.get("slug"))))
        .map_err(|m| ("category.parent.slug", m))?;
    Ok(FeatureCategory {
        main_slug,
        sub_slug,
        main_name: name(parent.and_then(|p| p.get("name"))),
        sub_name: name(category.get("name")),
    })
}

pub(crate) fn read_geojson(
    input: &Input<'_>,
    bytes: &[u8],
    options: &ReadOptions,
    context: &Context,
) -> Result<ImportBatch, ImportError> {
    let mut problems = Problems::new(input.name).with_unit("feature");
    let text = text::utf8(input.name, bytes)?;
    let json: Json = serde_json::from_str(text).map_err(|e| {
        Problems::new(input.name).fatal(
            Some(e.line() as u64),
            None,
            format!("onleesbare JSON: {e}"),
        )
    })?;
    let Some(features) = json.get("features").and_then(Json::as_array) else {
        return Err(problems.fatal(
            None,
            None,
            "verwacht een GeoJSON FeatureCollection van meldingen (Signalen: \
             /signals/v1/public/signals/geography)",
        ));
    };
    let buurten = BuurtLocator::new(context);
    if buurten.is_empty() {
        return Err(problems.fatal(None, None, NO_BOUNDARIES));
    }
    let mut collected = Collected::new();
    for (index, feature) in features.iter().enumerate() {
        let number = Some(index as u64 + 1);
        let properties = feature.get("properties").unwrap_or(&Json::Null);
        let coordinates = feature
            .get("geometry")
            .filter(|g| g.get("type").and_then(Json::as_str) == Some("Point"))
            .and_then(|g| g.get("coordinates"))
            .and_then(Json::as_array)
            .filter(|c| c.len() >= 2);
        let point = match coordinates {
            Some(c) => read_point(&c[0].to_string(), &c[1].to_string(), Crs::Wgs84),
            None => Err("verwacht een Point met [lengtegraad, breedtegraad] in WGS84".to_owned()),
        };
        let day = match properties.get("created_at").and_then(Json::as_str) {
            Some(raw) => read_local_day(raw),
            None => {
                Err("ontbreekt; verwacht een tijdstip zoals 2023-06-01T10:00:00+02:00".to_owned())
            }
        };
        match (point, day, category(properties)) {
            (Ok(point), Ok(day), Ok(category)) => {
                collected.push(Melding {
                    external_id: None,
                    day,
                    main_slug: category.main_slug,
                    sub_slug: category.sub_slug,
                    main_name: category.main_name,
                    sub_name: category.sub_name,
                    place: Place::Point(point),
                });
            }
            (point, day, category) => {
                if let Err(m) = point {
                    problems.add(number, Some("geometry"), m);
                }
                if let Err(m) = day {
                    problems.add(number, Some("created_at"), m);
                }
                if let Err((field, m)) = category {
                    problems.add(number, Some(field), m);
                }
            }
        }
        if problems.is_full() {
            break;
        }
    }
    if collected.len() == 0 && problems.is_empty() {
        problems.add(None, None, "de FeatureCollection heeft geen features");
    }
    if !problems.is_empty() {
        return Err(problems.into_error());
    }
    let rows = collected.len() as u64;
    collected.notes.push(
        "de openbare kaart van Signalen toont alleen meldingen die nog open zijn, in categorieën \
         die de gemeente openbaar maakt, en zonder meldingnummer: een latere import van dezelfde \
         kaart telt een melding opnieuw; gebruik voor tellingen liever de CSV-export"
            .to_owned(),
    );
    let mut batch = collected.into_batch(&buurten, options);
    batch.source = Some(input.source_info("signalen-geojson", SOURCE, options, rows));
    Ok(batch)
}
