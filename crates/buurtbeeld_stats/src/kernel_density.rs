//! Kernel density of incident points on a regular grid in RD New metres, and plain counts per
//! grid cell: the smooth "heat map" and the blocky grid hotspots of the same points.
//!
//! # What it computes
//! For every cell centre `c` of a [`Grid`], with points `p_i`, weights `w_i` (1 without
//! weights) and bandwidth `h`:
//!
//! - **Gaussian** (the default): `f(c) = Σ_i w_i · 1/(2π h²) · exp(−|c − p_i|² / 2h²)`, the
//!   isotropic bivariate normal kernel with standard deviation `h` along every direction.
//! - **Quartic** (biweight, the kernel of QGIS' Heatmap and ArcGIS' Kernel Density):
//!   `f(c) = Σ_i w_i · 3/(π h²) · (1 − |c − p_i|²/h²)²` for `|c − p_i| < h`, 0 beyond; here `h`
//!   is the search radius, not a standard deviation (a quartic kernel of radius `h` has the
//!   spread of a Gaussian of `h/√8 ≈ 0,35·h`: both then have variance `h²/8` along an axis).
//!
//! Each kernel integrates to 1 over the plane, so `f` integrates to the number of events (the
//! total weight) and is reported per km² (`f · 10⁶`): "about 40 thefts per km² here". Beside
//! it, [`cell_counts`] counts the points that fall in each cell (half-open cells, points
//! outside the grid counted apart).
//!
//! # Assumptions
//! Coordinates in metres on a plane (RD New, EPSG:28992); at the scale of a gemeente the
//! projection's distortion (< 0,01%) does not matter. The kernel does not stop at the
//! gemeente's border or the water: a point near the edge spreads part of its mass outside the
//! grid, so sums over the grid fall short of the number of events near edges (no edge
//! correction, as in QGIS and ArcGIS).
//!
//! # Parameters
//! - `bandwidth`: [`DEFAULT_BANDWIDTH_METRES`] = 200 m unless the caller chooses. A fixed
//!   bandwidth keeps maps comparable between years and areas: a data-driven rule changes with
//!   the number of points, so a year with more registrations would get a sharper map. 200 m is
//!   "a couple of street blocks", the scale at which a safety team acts (a square, a station
//!   entrance, a shopping street). [`scott_bandwidth`] is the data-driven alternative (Scott's
//!   rule on the pooled covariance; in two dimensions Silverman's rule gives the same factor
//!   `n^(−1/6)`). It assumes one normal blob and changes with the number of points: on the
//!   12.399 Groningen bicycle thefts of 2013 to mid-2016 it gives 235 m, on a sample of 500 of
//!   them 393 m (`tests/fixtures/kernel_density.json`), so a quieter year would get a blurrier
//!   map of the same streets.
//! - `cutoff` (Gaussian only, in bandwidths, default [`DEFAULT_CUTOFF_BANDWIDTHS`] = 8): points
//!   farther than `cutoff · h` from a cell centre along x or along y are left out of that cell.
//!   At 8 bandwidths one point's kernel has fallen to `exp(−32) ≈ 1,3·10⁻¹⁴` of its peak, so
//!   the error of any cell is below `1,3·10⁻¹⁴ · n · 10⁶/(2π h²)` per km²; `f64::INFINITY`
//!   turns the cut-off off.
//! - [`Grid`]: origin (south-west corner), square cell size, columns and rows; cells are
//!   indexed `row · columns + column` with row 0 in the south. [`Grid::covering`] snaps the
//!   origin to a multiple of the cell size, so grids of 100 m line up with CBS' 100 m squares.
//!
//! # Measured behaviour
//! The Gaussian is separable, so each point costs `2(2k+1)` exponentials and `(2k+1)²`
//! multiply-adds for `k = ⌈cutoff · h / cell⌉`. 100.000 points on a 200 × 200 grid of 50 m
//! with `h` = 200 m take about 0,3 s on one core, scipy's `gaussian_kde` an extrapolated 73 s
//! (BENCHMARKS.md, "Kernel density and report clustering"). One thread: the summation order of
//! every cell is the input order, so results do not depend on the machine. Against the
//! references the densities agree to 3·10⁻¹⁵ relative without the cut-off; with it, cells
//! farther than 8 bandwidths from every point are 0 where the references give values below
//! the bound above.
//!
//! # References
//! - Silverman (1986), *Density Estimation for Statistics and Data Analysis*, ch. 4 (kernels,
//!   the normal-reference bandwidth; eq. 4.5 for the quartic kernel).
//! - Scott (1992), *Multivariate Density Estimation*, eq. 6.42 (`n^(−1/(d+4))`).
//! - Chainey, Tompson & Uhlig (2008), "The utility of hotspot mapping for predicting spatial
//!   patterns of crime", *Security Journal* 21.
//!
//! # Oracle
//! statsmodels `KDEMultivariate(data, var_type='cc', bw=[h, h]).pdf(cells)` (a
//! product of two Gaussians of standard deviation `h` is the isotropic Gaussian), and for
//! weighted points and [`scott_bandwidth`] scipy's `gaussian_kde` with its covariance set to
//! `h²I`; both on the 500 Groningen points of `tests/fixtures/groningen_points/` and a small
//! synthetic set (`tests/oracle/kernel_density.py`). The quartic kernel has no pip-installable
//! reference; it is checked against its formula in numpy in the same script.

use std::f64::consts::PI;

/// The bandwidth of a map unless the caller chooses one (see the module docs).
pub const DEFAULT_BANDWIDTH_METRES: f64 = 200.0;

/// Gaussian kernels are cut off this many bandwidths from their point (see the module docs).
pub const DEFAULT_CUTOFF_BANDWIDTHS: f64 = 8.0;

const SQUARE_METRES_PER_SQUARE_KILOMETRE: f64 = 1.0e6;

/// A regular grid of square cells in RD New metres.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Grid {
    /// South-west corner, x (metres).
    pub origin_x: f64,
    /// South-west corner, y (metres).
    pub origin_y: f64,
    /// Side of a cell (metres).
    pub cell_size: f64,
    pub columns: usize,
    pub rows: usize,
}

impl Grid {
    /// The grid of `cell_size` cells that covers the box `[min_x, max_x] × [min_y, max_y]`,
    /// with its origin snapped down to a multiple of `cell_size` (so that 100 m grids line up
    /// with CBS' squares) and the maxima inside the last cells.
    pub fn covering(
        min_x: f64,
        min_y: f64,
        max_x: f64,
        max_y: f64,
        cell_size: f64,
    ) -> Result<Grid, DensityError> {
        if !(cell_size > 0.0 && cell_size.is_finite()) {
            return Err(DensityError::CellSize);
        }
        if ![min_x, min_y, max_x, max_y].iter().all(|v| v.is_finite())
            || min_x > max_x
            || min_y > max_y
        {
            return Err(DensityError::BoundingBox);
        }
        let first_column = (min_x / cell_size).floor();
        let first_row = (min_y / cell_size).floor();
        let columns = ((max_x / cell_size).floor() - first_column) as usize + 1;
        let rows = ((max_y / cell_size).floor() - first_row) as usize + 1;
        Ok(Grid {
            origin_x: first_column * cell_size,
            origin_y: first_row * cell_size,
            cell_size,
            columns,
            rows,
        })
    }

    /// The grid covering `points` plus `margin` metres on every side (a kernel reaches beyond
    /// its point; two or three bandwidths show the whole of it).
    pub fn covering_points(
        points: &[[f64; 2]],
        cell_size: f64,
        margin: f64,
    ) -> Result<Grid, DensityError> {
        let Some(first) = points.first() else {
            return Err(DensityError::BoundingBox);
        };
        let (mut min, mut max) = (*first, *first);
        for p in points {
            for axis in 0..2 {
                min[axis] = min[axis].min(p[axis]);
                max[axis] = max[axis].max(p[axis]);
            }
        }
        Grid::covering(
            min[0] - margin,
            min[1] - margin,
            max[0] + margin,
            max[1] + margin,
            cell_size,
        )
    }

    pub fn cells(&self) -> usize {
        self.columns * self.rows
    }

    /// Centre of the cell at `column`, `row` (metres).
    pub fn centre(&self, column: usize, row: usize) -> [f64; 2] {
        [
            self.origin_x + (column as f64 + 0.5) * self.cell_size,
            self.origin_y + (row as f64 + 0.5) * self.cell_size,
        ]
    }

    /// Index of the cell holding `point` (`row · columns + column`), None outside the grid.
    pub fn cell_of(&self, point: [f64; 2]) -> Option<usize> {
        let column = ((point[0] - self.origin_x) / self.cell_size).floor();
        let row = ((point[1] - self.origin_y) / self.cell_size).floor();
        let inside =
            column >= 0.0 && row >= 0.0 && column < self.columns as f64 && row < self.rows as f64;
        inside.then(|| row as usize * self.columns + column as usize)
    }

    fn check(&self) -> Result<(), DensityError> {
        if !(self.cell_size > 0.0 && self.cell_size.is_finite()) {
            return Err(DensityError::CellSize);
        }
        let finite = self.origin_x.is_finite() && self.origin_y.is_finite();
        if self.columns == 0 || self.rows == 0 || !finite {
            return Err(DensityError::BoundingBox);
        }
        Ok(())
    }
}

/// The shape of the kernel (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Kernel {
    /// Isotropic normal; the bandwidth is its standard deviation.
    #[default]
    Gaussian,
    /// Quartic (biweight) as in QGIS and ArcGIS; the bandwidth is its radius.
    Quartic,
}

/// How to smooth.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DensityOptions {
    pub kernel: Kernel,
    /// Metres.
    pub bandwidth: f64,
    /// Gaussian only: leave out points farther than this many bandwidths along x or y.
    pub cutoff: f64,
}

impl Default for DensityOptions {
    fn default() -> Self {
        DensityOptions {
            kernel: Kernel::Gaussian,
            bandwidth: DEFAULT_BANDWIDTH_METRES,
            cutoff: DEFAULT_CUTOFF_BANDWIDTHS,
        }
    }
}

/// Density and counts of every cell of `grid`, indexed `row · columns + column`.
#[derive(Debug, Clone, PartialEq)]
pub struct Density {
    pub grid: Grid,
    /// Kernel density at the cell centre, events (total weight) per km².
    pub per_square_kilometre: Vec<f64>,
    /// Points in the cell (unweighted).
    pub counts: Vec<u32>,
    /// Points outside the grid: they add to the density but to no count.
    pub outside: usize,
}

/// Why there is no density.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DensityError {
    #[error("the cell size must be a positive number of metres")]
    CellSize,
    #[error("the grid must cover a finite, non-empty box")]
    BoundingBox,
    #[error("the bandwidth must be a positive number of metres")]
    Bandwidth,
    #[error("point {0} has a coordinate that is not a finite number")]
    Point(usize),
    #[error("there must be one weight per point")]
    WeightCount,
    #[error("weight {0} is negative or not a finite number")]
    Weight(usize),
    #[error("needs at least two points at distinct places")]
    TooFewPoints,
}

/// Kernel density and counts of `points` (optionally weighted) on `grid`; see the module docs.
pub fn kernel_density(
    points: &[[f64; 2]],
    weights: Option<&[f64]>,
    grid: &Grid,
    options: &DensityOptions,
) -> Result<Density, DensityError> {
    grid.check()?;
    check_points(points, weights)?;
    let h = options.bandwidth;
    if !(h > 0.0 && h.is_finite()) {
        return Err(DensityError::Bandwidth);
    }
    let mut sums = vec![0.0; grid.cells()];
    let weight = |i: usize| weights.map_or(1.0, |w| w[i]);
    match options.kernel {
        Kernel::Gaussian => {
            let reach = if options.cutoff.is_nan() {
                f64::INFINITY
            } else {
                options.cutoff.max(0.0) * h
            };
            let mut along_x = Vec::new();
            for (i, &p) in points.iter().enumerate() {
                let (columns, rows) = cells_within(grid, p, reach);
                along_x.clear();
                along_x.extend(columns.clone().map(|c| {
                    let d = grid.centre(c, 0)[0] - p[0];
                    (-(d * d) / (2.0 * h * h)).exp()
                }));
                let w = weight(i);
                for row in rows {
                    let d = grid.centre(0, row)[1] - p[1];
                    let along_y = w * (-(d * d) / (2.0 * h * h)).exp();
                    let start = row * grid.columns + columns.start;
                    for (sum, x) in sums[start..start + along_x.len()].iter_mut().zip(&along_x) {
                        *sum += along_y * x;
                    }
                }
            }
            let scale = SQUARE_METRES_PER_SQUARE_KILOMETRE / (2.0 * PI * h * h);
            sums.iter_mut().for_each(|s| *s *= scale);
        }
        Kernel::Quartic => {
            for (i, &p) in points.iter().enumerate() {
                let (columns, rows) = cells_within(grid, p, h);
                let w = weight(i);
                for row in rows {
                    let dy = grid.centre(0, row)[1] - p[1];
                    for column in columns.clone() {
                        let dx = grid.centre(column, 0)[0] - p[0];
                        let u = (dx * dx + dy * dy) / (h * h);
                        if u < 1.0 {
                            sums[row * grid.columns + column] += w * (1.0 - u) * (1.0 - u);
                        }
                    }
                }
            }
            let scale = SQUARE_METRES_PER_SQUARE_KILOMETRE * 3.0 / (PI * h * h);
            sums.iter_mut().for_each(|s| *s *= scale);
        }
    }
    let (counts, outside) = cell_counts(points, grid);
    Ok(Density {
        grid: *grid,
        per_square_kilometre: sums,
        counts,
        outside,
    })
}

/// Points per cell of `grid` (half-open cells: a point on a border belongs to the cell east or
/// north of it) and the number of points outside the grid.
pub fn cell_counts(points: &[[f64; 2]], grid: &Grid) -> (Vec<u32>, usize) {
    let mut counts = vec![0u32; grid.cells()];
    let mut outside = 0;
    for &p in points {
        match grid.cell_of(p) {
            Some(cell) => counts[cell] += 1,
            None => outside += 1,
        }
    }
    (counts, outside)
}

/// Scott's rule on the pooled covariance: `h = √((s_x² + s_y²)/2) · n_eff^(−1/6)`, with the
/// sample variances (divisor `n − 1`; weighted as numpy's `cov(aweights=…)`) and Kish's
/// effective number `n_eff = (Σw)²/Σw²` (`n` without weights), as scipy's `gaussian_kde`
/// computes its Scott factor. In two dimensions Silverman's rule is the same. Oversmooths
/// clustered incidents; see the module docs.
pub fn scott_bandwidth(points: &[[f64; 2]], weights: Option<&[f64]>) -> Result<f64, DensityError> {
    check_points(points, weights)?;
    let weight = |i: usize| weights.map_or(1.0, |w| w[i]);
    let total: f64 = (0..points.len()).map(weight).sum();
    let sum_of_squares: f64 = (0..points.len()).map(|i| weight(i) * weight(i)).sum();
    let mut mean = [0.0; 2];
    for (i, p) in points.iter().enumerate() {
        mean[0] += weight(i) * p[0] / total;
        mean[1] += weight(i) * p[1] / total;
    }
    let mut squares = 0.0;
    for (i, p) in points.iter().enumerate() {
        let (dx, dy) = (p[0] - mean[0], p[1] - mean[1]);
        squares += weight(i) * (dx * dx + dy * dy);
    }
    // numpy's unbiased weighted covariance: Σ w (x − x̄)² / (Σw − Σw²/Σw).
    let pooled_variance = squares / (total - sum_of_squares / total) / 2.0;
    let effective_n = total * total / sum_of_squares;
    let h = pooled_variance.sqrt() * effective_n.powf(-1.0 / 6.0);
    if h > 0.0 && h.is_finite() {
        Ok(h)
    } else {
        Err(DensityError::TooFewPoints)
    }
}

fn check_points(points: &[[f64; 2]], weights: Option<&[f64]>) -> Result<(), DensityError> {
    if let Some(i) = points
        .iter()
        .position(|p| !(p[0].is_finite() && p[1].is_finite()))
    {
        return Err(DensityError::Point(i));
    }
    if let Some(weights) = weights {
        if weights.len() != points.len() {
            return Err(DensityError::WeightCount);
        }
        if let Some(i) = weights.iter().position(|w| !(*w >= 0.0 && w.is_finite())) {
            return Err(DensityError::Weight(i));
        }
    }
    Ok(())
}

/// The columns and rows whose centres lie within `reach` of `point` along x and along y.
fn cells_within(
    grid: &Grid,
    point: [f64; 2],
    reach: f64,
) -> (std::ops::Range<usize>, std::ops::Range<usize>) {
    let span = |coordinate: f64, origin: f64, count: usize| {
        // Centres are at origin + (k + ½)·cell; keep k with |centre − coordinate| ≤ reach.
        let low = ((coordinate - reach - origin) / grid.cell_size - 0.5).ceil();
        let high = ((coordinate + reach - origin) / grid.cell_size - 0.5).floor();
        let low = low.max(0.0).min(count as f64) as usize;
        let high = (high + 1.0).max(0.0).min(count as f64) as usize;
        low..high.max(low)
    };
    (
        span(point[0], grid.origin_x, grid.columns),
        span(point[1], grid.origin_y, grid.rows),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid() -> Grid {
        Grid::covering(0.0, 0.0, 4_000.0, 4_000.0, 50.0).unwrap()
    }

    #[test]
    fn density_integrates_to_the_number_of_events() {
        let points = [[2_000.0, 2_000.0], [1_900.0, 2_100.0], [2_222.0, 1_777.0]];
        for kernel in [Kernel::Gaussian, Kernel::Quartic] {
            let options = DensityOptions {
                kernel,
                ..DensityOptions::default()
            };
            let density = kernel_density(&points, None, &grid(), &options).unwrap();
            let cell_km2 = 0.05 * 0.05;
            let total: f64 = density.per_square_kilometre.iter().sum::<f64>() * cell_km2;
            assert!((total - 3.0).abs() < 1e-3, "{kernel:?}: {total}");
            assert_eq!(density.counts.iter().sum::<u32>(), 3);
        }
    }

    #[test]
    fn the_cut_off_changes_nothing_visible() {
        let points: Vec<[f64; 2]> = (0..50)
            .map(|i| [1_000.0 + 37.0 * i as f64, 3_000.0 - 23.0 * i as f64])
            .collect();
        let cut = kernel_density(&points, None, &grid(), &DensityOptions::default()).unwrap();
        let whole = DensityOptions {
            cutoff: f64::INFINITY,
            ..DensityOptions::default()
        };
        let whole = kernel_density(&points, None, &grid(), &whole).unwrap();
        let peak = SQUARE_METRES_PER_SQUARE_KILOMETRE / (2.0 * PI * 200.0 * 200.0);
        for (a, b) in cut
            .per_square_kilometre
            .iter()
            .zip(&whole.per_square_kilometre)
        {
            assert!((a - b).abs() <= 50.0 * peak * (-32.0f64).exp());
        }
    }

    #[test]
    fn grids_snap_to_their_cell_size() {
        let grid = Grid::covering(123_456.0, 456_789.0, 124_000.0, 457_000.0, 100.0).unwrap();
        assert_eq!((grid.origin_x, grid.origin_y), (123_400.0, 456_700.0));
        assert_eq!((grid.columns, grid.rows), (7, 4));
        assert!(grid.cell_of([124_000.0, 457_000.0]).is_some());
        assert_eq!(grid.cell_of([123_399.0, 456_800.0]), None);
    }

    #[test]
    fn bad_input_is_refused() {
        let options = DensityOptions {
            bandwidth: 0.0,
            ..DensityOptions::default()
        };
        let points = [[0.0, 0.0]];
        assert_eq!(
            kernel_density(&points, None, &grid(), &options),
            Err(DensityError::Bandwidth)
        );
        assert_eq!(
            kernel_density(
                &[[f64::NAN, 0.0]],
                None,
                &grid(),
                &DensityOptions::default()
            ),
            Err(DensityError::Point(0))
        );
        assert_eq!(
            kernel_density(&points, Some(&[-1.0]), &grid(), &DensityOptions::default()),
            Err(DensityError::Weight(0))
        );
        assert_eq!(
            scott_bandwidth(&points, None),
            Err(DensityError::TooFewPoints)
        );
    }
}
