//! The map of a crime picture's areas: one builder for the dashboard and the documents, so a
//! page and a printed brief colour the same buurten the same way, by the same measure, and
//! say which.
//!
//! A map of rates colours the empirical-Bayes smoothed rate per 1.000 inwoners
//! (`PictureRow::smoothed_per_1000`), not the raw rate: a raw rate over few inhabitants is
//! mostly chance and would take the darkest class. Tables beside the map give the raw rate.
//! Areas with fewer inhabitants than the minimum for a rate are drawn dotted as "Geen cijfer"
//! and take no class.

use buurtbeeld_analysis::PictureRow;
use buurtbeeld_cube::dutch::integer;
use buurtbeeld_cube::AreaCode;

use crate::markup::Svg;
use crate::svg::{choropleth, MapArea};

/// What the map colours: counts, or the smoothed rate per 1.000 inwoners.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MapMeasure {
    Count,
    /// The empirical-Bayes smoothed rate; areas below `min_population` inhabitants get none.
    Per1000 {
        min_population: u64,
    },
}

impl MapMeasure {
    /// The rate map with the default minimum population.
    pub const PER_1000: MapMeasure = MapMeasure::Per1000 {
        min_population: buurtbeeld_analysis::MIN_POPULATION_FOR_RATE,
    };

    /// The legend's title, which names the measure, e.g. `Aantal`.
    pub fn legend(self) -> &'static str {
        match self {
            MapMeasure::Count => "Aantal",
            MapMeasure::Per1000 { .. } => "Per 1.000 inwoners, empirisch-Bayes gladgestreken",
        }
    }

    /// The measure inside a sentence or caption, e.g. `per 1.000 inwoners, empirisch-Bayes
    /// gladgestreken`.
    pub fn caption(self) -> &'static str {
        match self {
            MapMeasure::Count => "aantal",
            MapMeasure::Per1000 { .. } => buurtbeeld_analysis::SMOOTHED_RATE_LABEL,
        }
    }

    fn value(self, row: &PictureRow) -> Option<f64> {
        match self {
            MapMeasure::Count => row.count.map(|c| c as f64),
            MapMeasure::Per1000 { .. } => row.smoothed_per_1000,
        }
    }

    /// The legend label of areas too small for a rate, e.g. `Geen cijfer: minder dan 100
    /// inwoners`.
    pub fn no_figure_label(self) -> Option<String> {
        match self {
            MapMeasure::Count => None,
            MapMeasure::Per1000 { min_population } => Some(format!(
                "Geen cijfer: minder dan {} inwoners",
                integer(min_population)
            )),
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
    let no_figure = measure.no_figure_label();
    let areas: Vec<MapArea<'_>> = shapes
        .iter()
        .map(|(row, geometry)| MapArea {
            code: row.code.as_str(),
            name: &row.name,
            geometry,
            value: measure.value(row),
            href: link(&row.code),
            no_figure: no_figure.as_deref().filter(|_| row.too_few_inhabitants),
        })
        .collect();
    let decimals = usize::from(measure != MapMeasure::Count);
    Some(choropleth(&areas, title, measure.legend(), decimals))
}

/// The measure a map of `rows` shows unless asked otherwise, the same on the dashboard and in
/// the documents: the smoothed rate where any area has one, else the count.
pub fn default_measure(rows: &[PictureRow]) -> MapMeasure {
    if rows.iter().any(|r| r.smoothed_per_1000.is_some()) {
        MapMeasure::PER_1000
    } else {
        MapMeasure::Count
    }
}
