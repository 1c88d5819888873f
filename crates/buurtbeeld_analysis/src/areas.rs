//! The areas a question covers and their figures: descendants in the hierarchy, totals over
//! periods, and boundaries as shapes.

use buurtbeeld_cube::{AreaLevel, Series, Value};
use buurtbeeld_store::{AreaInfo, Store};
use geo::MultiPolygon;

use crate::PictureError;

/// The children of an area, or its descendants at `level`; "onbekend" areas left out.
pub fn descendants(
    store: &Store,
    area: &AreaInfo,
    level: Option<AreaLevel>,
) -> Result<Vec<AreaInfo>, PictureError> {
    let target = level.or(area.level.child());
    let mut found = Vec::new();
    let mut frontier = vec![area.clone()];
    while let Some(next) = frontier.pop() {
        for child in store.children(&next.code)? {
            if child.code.is_unknown() {
                continue;
            }
            if Some(child.level) == target {
                found.push(child);
            } else if target.is_some_and(|t| child.level < t) {
                frontier.push(child);
            }
        }
    }
    found.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(found)
}

/// The published total over `ordinals` of all series; None if anything is missing or withheld.
pub fn sum_over(series: &[Series], ordinals: &[i64]) -> Option<u64> {
    let mut total = 0;
    for s in series {
        for &ordinal in ordinals {
            match s.get(ordinal)? {
                Value::Count(n) => total += u64::from(n),
                Value::Withheld => return None,
            }
        }
    }
    Some(total)
}

/// A GeoJSON Polygon or MultiPolygon as a geo shape; None for anything else.
pub fn parse_multipolygon(text: &str) -> Option<MultiPolygon<f64>> {
    let geometry: geojson::Geometry = text.parse::<geojson::GeoJson>().ok()?.try_into().ok()?;
    match geo::Geometry::<f64>::try_from(geometry).ok()? {
        geo::Geometry::Polygon(p) => Some(MultiPolygon(vec![p])),
        geo::Geometry::MultiPolygon(m) => Some(m),
        _ => None,
    }
}
