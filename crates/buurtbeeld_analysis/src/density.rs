//! "Waar precies?": the kernel density of registrations with a point on a grid in RD New
//! metres, and the counts per grid cell, for the map under the buurt boundaries.

use buurtbeeld_cube::dutch::{decimal, integer};
use buurtbeeld_cube::{AreaCode, Day, Subject};
use buurtbeeld_stats::kernel_density::{
    kernel_density, DensityOptions, Grid, DEFAULT_BANDWIDTH_METRES,
};
use buurtbeeld_store::Store;

use crate::registrations::{point_input, registration_attribution, PointInput};
use crate::PatternError;

/// The default side of a grid cell.
pub const DEFAULT_CELL_METRES: f64 = 100.0;

/// Cells whose density is below this share of the highest are not reported: the map shows
/// where registrations concentrate, not the faint tails of every kernel.
const SHOWN_SHARE_OF_MAXIMUM: f64 = 0.05;

/// At most this many cells (columns × rows), so a request cannot ask for millions.
const MAX_CELLS: usize = 250_000;

#[derive(Debug, Clone)]
pub struct DensityRequest {
    pub area: AreaCode,
    pub source: String,
    pub subject: Subject,
    pub days: Option<(Day, Day)>,
    /// Side of a grid cell in metres.
    pub cell_metres: f64,
    /// Standard deviation of the Gaussian kernel in metres.
    pub bandwidth_metres: f64,
}

impl DensityRequest {
    /// 100 m cells and a 200 m Gaussian kernel.
    pub fn new(area: AreaCode, source: &str, subject: Subject) -> Self {
        DensityRequest {
            area,
            source: source.to_owned(),
            subject,
            days: None,
            cell_metres: DEFAULT_CELL_METRES,
            bandwidth_metres: DEFAULT_BANDWIDTH_METRES,
        }
    }
}

/// One grid cell with a density worth showing.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DensityCell {
    /// South-west corner, RD New metres.
    pub x: f64,
    pub y: f64,
    /// Registrations per km² (kernel density at the cell's centre).
    pub per_square_kilometre: f64,
    /// Registrations inside the cell.
    pub count: u32,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DensityMap {
    pub area: AreaCode,
    pub area_name: String,
    pub source: String,
    pub subject: String,
    pub subject_label: String,
    pub events: usize,
    pub without_point: usize,
    pub cell_metres: f64,
    pub bandwidth_metres: f64,
    /// Cells at or above 5% of the highest density, highest first.
    pub cells: Vec<DensityCell>,
    /// The buurten of the area, to draw under the cells.
    pub buurten: Vec<AreaCode>,
    pub method: String,
    pub attribution: String,
}

pub fn density(store: &Store, request: &DensityRequest) -> Result<DensityMap, PatternError> {
    let PointInput {
        area,
        scope,
        buurten,
        registrations,
    } = point_input(
        store,
        &request.area,
        &request.source,
        &request.subject,
        request.days,
    )?;
    let points: Vec<[f64; 2]> = registrations
        .iter()
        .filter_map(|r| r.point.map(|p| [p.x, p.y]))
        .collect();
    if points.len() < 2 {
        return Err(PatternError::TooFewEvents {
            area: area.code.clone(),
            events: points.len(),
            minimum: 2,
        });
    }
    let margin = 2.0 * request.bandwidth_metres;
    let grid = Grid::covering_points(&points, request.cell_metres, margin)
        .map_err(|e| PatternError::Density(e.to_string()))?;
    if grid.cells() > MAX_CELLS {
        return Err(PatternError::GridTooLarge {
            cells: grid.cells(),
            maximum: MAX_CELLS,
        });
    }
    let options = DensityOptions {
        bandwidth: request.bandwidth_metres,
        ..DensityOptions::default()
    };
    let density = kernel_density(&points, None, &grid, &options)
        .map_err(|e| PatternError::Density(e.to_string()))?;
    let highest = density
        .per_square_kilometre
        .iter()
        .copied()
        .fold(0.0, f64::max);
    let mut cells: Vec<DensityCell> = Vec::new();
    for row in 0..grid.rows {
        for column in 0..grid.columns {
            let i = row * grid.columns + column;
            let value = density.per_square_kilometre[i];
            if highest > 0.0 && value >= SHOWN_SHARE_OF_MAXIMUM * highest {
                let centre = grid.centre(column, row);
                cells.push(DensityCell {
                    x: centre[0] - grid.cell_size / 2.0,
                    y: centre[1] - grid.cell_size / 2.0,
                    per_square_kilometre: value,
                    count: density.counts[i],
                });
            }
        }
    }
    cells.sort_by(|a, b| {
        b.per_square_kilometre
            .total_cmp(&a.per_square_kilometre)
            .then(a.x.total_cmp(&b.x))
            .then(a.y.total_cmp(&b.y))
    });
    Ok(DensityMap {
        area: area.code.clone(),
        area_name: area.name.clone(),
        source: scope.source.id.clone(),
        subject: scope.subject.clone(),
        subject_label: scope.subject_label.clone(),
        events: points.len(),
        without_point: registrations.len() - points.len(),
        cell_metres: request.cell_metres,
        bandwidth_metres: request.bandwidth_metres,
        cells,
        buurten,
        method: format!(
            "Kerndichtheid (Gaussische kern, bandbreedte {} m) op een raster van {} m in RD \
             New, uitgedrukt in registraties per km²; getoond: cellen met minstens 5% van de \
             hoogste dichtheid. {} registraties met een punt{}.",
            decimal(request.bandwidth_metres, 0),
            decimal(request.cell_metres, 0),
            integer(points.len() as u64),
            if registrations.len() > points.len() {
                format!(
                    "; {} zonder punt niet meegeteld",
                    integer((registrations.len() - points.len()) as u64)
                )
            } else {
                String::new()
            }
        ),
        attribution: registration_attribution(&scope.source),
    })
}
