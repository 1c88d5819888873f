//! The map of a crime picture's areas: one builder for the dashboard and the documents, so a
//! page and a printed brief colour the same buurten the same way.

use buurtbeeld_analysis::PictureRow;
use buurtbeeld_cube::AreaCode;

use crate::markup::Svg;
use crate::svg::{choropleth, MapArea};

/// What the map colours: counts, or the rate per 1.000 inwoners.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MapMeasure {
    Count,
    Per1000,
}

impl MapMeasure {
    /// The legend's title, e.g. `Aantal`.
    pub fn legend(self) -> &'static str {
        match self {
            MapMeasure::Count => "Aantal",
            MapMeasure::Per1000 => "Per 1.000 inwoners",
        }
    }

    fn value(self, row: &PictureRow) -> Option<f64> {
        match self {
            MapMeasure::Count => row.count.map(|c| c as f64),
            MapMeasure::Per1000 => row.per_1000,
        }
    }
}

/// A choropleth of `rows` (areas without a boundary are left out); `None` when no row has one.
/// `geometry` gives an area's GeoJSON boundary, `link` its page.
pub fn picture_map(
    rows: &[PictureRow],
    geometry: impl Fn(&AreaCode) -> Option<String>,
    link: impl Fn(&AreaCode) -> Option<String>,
    measure: MapMeasure,
    title: &str,
) -> Option<Svg> {
    let shapes: Vec<(&PictureRow, String)> = rows
        .iter()
        .filter_map(|row| Some((row, geometry(&row.code)?)))
        .collect();
    if shapes.is_empty() {
        return None;
    }
    let areas: Vec<MapArea<'_>> = shapes
        .iter()
        .map(|(row, geometry)| MapArea {
            code: row.code.as_str(),
            name: &row.name,
            geometry,
            value: measure.value(row),
            href: link(&row.code),
        })
        .collect();
    let decimals = usize::from(measure == MapMeasure::Per1000);
    Some(choropleth(&areas, title, measure.legend(), decimals))
}
