//! The near-repeat test: the Knox test for space-time clustering of events, with Monte Carlo
//! permutations of the event days, as the Near Repeat Calculator and the R package NearRepeat
//! compute it.
//!
//! # What it computes
//! Every pair of events `i < j` falls into one spatial band, by the distance between their
//! points, and one temporal band, by `|day_i − day_j|`. The observed table counts the pairs per
//! (spatial band, temporal band). Under the null hypothesis that where an event happened says
//! nothing about when, the days are exchangeable among the events: `permutations` times the
//! days are shuffled over the events and the table is counted again. Per cell:
//!
//! - `observed`, the pair count;
//! - `permuted_mean` and `permuted_median` of the permuted counts;
//! - the Knox ratio `observed / permuted_mean` (and `observed / permuted_median`); above 1 means
//!   more pairs this close in space and time than chance gives;
//! - the one-sided Monte Carlo p-value `(1 + #{permutations with count ≥ observed}) /
//!   (permutations + 1)`, NearRepeat's definition (`NearRepeat.R`: `(sum(array_Knox[i,j,] >=
//!   observed[i,j]) + 1) / (nrep + 1)`).
//!
//! [`KnoxResult::raised_risk`] lists the cells with `p < alpha` and ratio above 1: the
//! "near-repeat" region of raised risk.
//!
//! # Assumptions
//! Events are independent apart from the space-time interaction tested; the days of the events
//! are exchangeable under the null. A trend or seasonality in the *numbers* of events is fine
//! (permutation keeps the multiset of days), but a change in *where* events happen over the
//! years (a new neighbourhood, a displaced hotspot) shows up as space-time interaction in the
//! long temporal bands. Pairs, not events, are counted, so one prolific series of events weighs
//! heavily; the p-values of the cells of one table are not independent.
//!
//! # Parameters
//! - `bands.spatial`: break points in the unit of the points (metres in RD New), e.g.
//!   `[0, 1, 101, 201, 301, 401, 501, ∞]`. Intervals are **closed on the left and open on the
//!   right**, `[0, 1)`, `[1, 101)`, …, `[501, ∞)`: NearRepeat's defaults
//!   (`s_include.lowest = FALSE, s_right = FALSE`, R's `cut`). A pair outside every interval
//!   (a distance below the first break, or at or beyond a finite last break) is not counted, as
//!   in NearRepeat. Only the last break may be infinite.
//! - `bands.temporal`: break points in days, e.g. `[0, 8, 15, 22, 29, ∞]`, the same way:
//!   `[0, 8)` is "0 to 7 days apart".
//! - `bands.metric`: Euclidean (default here) or Manhattan (`|dx| + |dy|`, NearRepeat's
//!   default; the Near Repeat Calculator offers both).
//! - `permutations` (default 999, as NearRepeat; the smallest p is `1/(permutations + 1)`) and
//!   `seed` (default 20261123). Permutation `p` draws from ChaCha8 seeded with `seed` on stream
//!   `p`, and shuffles the sorted days over the events in a canonical order (by grid cell,
//!   point and day): the result is the same on any machine, for any thread count and any order
//!   in which the events are listed.
//! - Needs at least 2 events, one point and one day per event, finite coordinates, breaks that
//!   start at 0 or above and increase strictly, and a day range below 2³¹ days.
//!
//! # Method
//! NearRepeat and the Near Repeat Calculator compute all `n(n−1)/2` distances and, per
//! permutation, all `n(n−1)/2` time differences. Here the spatial distances, which a permutation
//! does not change, are used once: a grid with cells as wide as the largest finite spatial
//! break `B` finds every pair closer than `B` ("near pairs"), stored per event as a list of
//! neighbour indices per spatial band (4 bytes per pair). A permutation recounts only the near
//! pairs. The pairs at `B` or beyond fall in the last, open band; their count per temporal band
//! is the count over *all* pairs minus the near pairs', and the count over all pairs depends
//! only on the multiset of days, which no permutation changes: it is computed once from the
//! sorted days (two pointers per temporal break). Permutations run 16 at a time: a table of
//! the 16 permuted days of each event, so one near pair compares 16 permutations in one pass
//! over contiguous memory; batches run in parallel with rayon and are collected in order.
//! Cost: `O(n log n + pairs within B · permutations · temporal breaks)`.
//!
//! # Measured behaviour
//! 100.000 clustered events over 15 × 15 km, 5 years of days, 999 permutations, the default
//! bands: see BENCHMARKS.md ("Near-repeat test"), side by side with a scipy/numpy reference.
//!
//! # References
//! - Knox (1964), "The detection of space-time interactions", *Journal of the Royal
//!   Statistical Society C* 13(1).
//! - Johnson et al. (2007), "Space–time patterns of risk: a cross national assessment of
//!   residential burglary victimization", *Journal of Quantitative Criminology* 23(3).
//! - Ratcliffe (2009), Near Repeat Calculator 1.3, Temple University.
//! - Steenbeek, R package NearRepeat (github.com/wsteenbeek/NearRepeat), `NearRepeat()`.
//!
//! # Oracle
//! `tests/oracle/knox_oracle.py` counts all pairs by brute force with numpy and runs its own
//! 9.999 permutations on a synthetic set with a planted near-repeat effect and on 400 real
//! bicycle thefts in Groningen; `tests/near_repeat.rs` checks observed counts exactly and the
//! Monte Carlo means and p-values within Monte Carlo error.

use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

/// NearRepeat's default number of permutations.
pub const DEFAULT_PERMUTATIONS: usize = 999;

/// The crate's default seed.
pub const DEFAULT_SEED: u64 = 20261123;

/// Permutations counted together in one pass over the near pairs.
const LANES: usize = 16;

/// How the distance between two points is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DistanceMetric {
    /// As the crow flies, `√(dx² + dy²)`.
    #[default]
    Euclidean,
    /// `|dx| + |dy|`, a rough stand-in for a street grid (NearRepeat's default).
    Manhattan,
}

/// The band break points; intervals are closed on the left, open on the right.
#[derive(Debug, Clone, PartialEq)]
pub struct KnoxBands {
    /// Spatial breaks in the unit of the points; only the last may be `f64::INFINITY`.
    pub spatial: Vec<f64>,
    /// Temporal breaks in days; only the last may be `f64::INFINITY`.
    pub temporal: Vec<f64>,
    pub metric: DistanceMetric,
}

impl KnoxBands {
    /// The usual near-repeat table: same place `[0, 1)`, then 100 m bands up to 500 m and
    /// beyond; same week `[0, 8)`, then weekly up to four weeks and beyond.
    pub fn near_repeat_default() -> Self {
        KnoxBands {
            spatial: vec![0.0, 1.0, 101.0, 201.0, 301.0, 401.0, 501.0, f64::INFINITY],
            temporal: vec![0.0, 8.0, 15.0, 22.0, 29.0, f64::INFINITY],
            metric: DistanceMetric::Euclidean,
        }
    }

    pub fn spatial_bands(&self) -> usize {
        self.spatial.len().saturating_sub(1)
    }

    pub fn temporal_bands(&self) -> usize {
        self.temporal.len().saturating_sub(1)
    }
}

/// Everything the test needs besides the events.
#[derive(Debug, Clone, PartialEq)]
pub struct KnoxParameters {
    pub bands: KnoxBands,
    pub permutations: usize,
    pub seed: u64,
}

impl Default for KnoxParameters {
    fn default() -> Self {
        KnoxParameters {
            bands: KnoxBands::near_repeat_default(),
            permutations: DEFAULT_PERMUTATIONS,
            seed: DEFAULT_SEED,
        }
    }
}

/// One cell of the table: a spatial band × a temporal band.
#[derive(Debug, Clone, PartialEq)]
pub struct KnoxCell {
    pub spatial_band: usize,
    pub temporal_band: usize,
    /// Pairs of events in this cell.
    pub observed: u64,
    /// Mean of the permuted counts.
    pub permuted_mean: f64,
    /// Median of the permuted counts (the mean of the middle two for an even number).
    pub permuted_median: f64,
    /// `observed / permuted_mean`; None when the mean is 0.
    pub ratio: Option<f64>,
    /// `observed / permuted_median`; None when the median is 0.
    pub median_ratio: Option<f64>,
    /// `(1 + #{permuted ≥ observed}) / (permutations + 1)`.
    pub p_value: f64,
}

/// The Knox table with its Monte Carlo inference.
#[derive(Debug, Clone, PartialEq)]
pub struct KnoxResult {
    pub bands: KnoxBands,
    pub permutations: usize,
    pub seed: u64,
    pub events: usize,
    /// Pairs closer than the largest finite spatial break: the pairs each permutation recounts.
    pub near_pairs: u64,
    /// Spatial band major: cell `(s, t)` is at `s · temporal_bands + t`.
    pub cells: Vec<KnoxCell>,
}

impl KnoxResult {
    pub fn cell(&self, spatial_band: usize, temporal_band: usize) -> &KnoxCell {
        &self.cells[spatial_band * self.bands.temporal_bands() + temporal_band]
    }

    /// Cells with `p < alpha` and a Knox ratio above 1, in table order.
    pub fn raised_risk(&self, alpha: f64) -> Vec<&KnoxCell> {
        self.cells
            .iter()
            .filter(|c| c.p_value < alpha && c.ratio.is_some_and(|r| r > 1.0))
            .collect()
    }
}

/// Why the test cannot be run on these inputs.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum KnoxError {
    #[error("er zijn {points} punten maar {days} dagen; elke gebeurtenis heeft één punt en één dag nodig")]
    LengthMismatch { points: usize, days: usize },
    #[error("de near-repeattest heeft minstens 2 gebeurtenissen nodig, er zijn er {0}")]
    TooFewEvents(usize),
    #[error("gebeurtenis {0} heeft geen eindige coördinaten")]
    NotFinite(usize),
    #[error("ongeldige afstandsgrenzen: {0}")]
    SpatialBreaks(&'static str),
    #[error("ongeldige tijdsgrenzen: {0}")]
    TemporalBreaks(&'static str),
    #[error("minstens 1 permutatie nodig")]
    NoPermutations,
    #[error("de dagen liggen {0} dagen uit elkaar; dat is meer dan 2^31")]
    DayRange(i64),
    #[error("{0} paren liggen binnen de grootste eindige afstandsgrens; dat is meer dan 2^32")]
    TooManyPairs(u64),
}

/// The near-repeat (Knox) test of events at `points` (x, y) on `days`; see the module docs.
pub fn knox_test(
    points: &[[f64; 2]],
    days: &[i32],
    parameters: &KnoxParameters,
) -> Result<KnoxResult, KnoxError> {
    let n = points.len();
    if n != days.len() {
        return Err(KnoxError::LengthMismatch {
            points: n,
            days: days.len(),
        });
    }
    if n < 2 {
        return Err(KnoxError::TooFewEvents(n));
    }
    if let Some(i) = points
        .iter()
        .position(|p| !p[0].is_finite() || !p[1].is_finite())
    {
        return Err(KnoxError::NotFinite(i));
    }
    check_breaks(&parameters.bands.spatial).map_err(KnoxError::SpatialBreaks)?;
    check_breaks(&parameters.bands.temporal).map_err(KnoxError::TemporalBreaks)?;
    if parameters.permutations == 0 {
        return Err(KnoxError::NoPermutations);
    }
    let first_day = *days.iter().min().expect("n ≥ 2");
    let day_range = i64::from(*days.iter().max().expect("n ≥ 2")) - i64::from(first_day);
    if day_range > i64::from(i32::MAX) {
        return Err(KnoxError::DayRange(day_range));
    }

    let layout = SpatialLayout::new(&parameters.bands.spatial);
    let order = canonical_order(points, days, layout.reach);
    let ordered_points: Vec<[f64; 2]> = order.iter().map(|&i| points[i]).collect();
    // Rebased to the first day, so that differences never overflow.
    let ordered_days: Vec<i32> = order
        .iter()
        .map(|&i| (i64::from(days[i]) - i64::from(first_day)) as i32)
        .collect();
    let pairs = NearPairs::find(&ordered_points, &layout, parameters.bands.metric);
    if pairs.neighbours.len() as u64 > u64::from(u32::MAX) {
        return Err(KnoxError::TooManyPairs(pairs.neighbours.len() as u64));
    }
    let temporal = TemporalLayout::new(&parameters.bands.temporal, day_range as i32);
    let all_pairs = all_pairs_at_least(&ordered_days, &temporal.thresholds);
    let table = Table {
        layout: &layout,
        temporal: &temporal,
        all_pairs: &all_pairs,
        pairs: &pairs,
    };

    let observed = table.assemble(&table.observed_slot_counts(&ordered_days));
    let mut sorted_days = ordered_days.clone();
    sorted_days.sort_unstable();
    let permutations = parameters.permutations;
    let batches = permutations.div_ceil(LANES);
    let permuted: Vec<Vec<u64>> = (0..batches)
        .into_par_iter()
        .flat_map_iter(|batch| {
            let first = batch * LANES;
            let lanes = LANES.min(permutations - first);
            table
                .permuted_slot_counts(&sorted_days, parameters.seed, first, lanes)
                .into_iter()
                .map(|slots| table.assemble(&slots))
        })
        .collect();

    let cells = summarise(&parameters.bands, &observed, &permuted);
    Ok(KnoxResult {
        bands: parameters.bands.clone(),
        permutations,
        seed: parameters.seed,
        events: n,
        near_pairs: pairs.neighbours.len() as u64,
        cells,
    })
}

fn check_breaks(breaks: &[f64]) -> Result<(), &'static str> {
    if breaks.len() < 2 {
        return Err("er zijn minstens twee grenzen nodig (één interval)");
    }
    if breaks.iter().any(|b| b.is_nan()) || breaks[0] < 0.0 || !breaks[0].is_finite() {
        return Err("de eerste grens moet een getal van 0 of meer zijn");
    }
    if breaks.windows(2).any(|w| w[0] >= w[1]) {
        return Err("de grenzen moeten strikt oplopen");
    }
    if breaks[..breaks.len() - 1].iter().any(|b| b.is_infinite()) {
        return Err("alleen de laatste grens mag oneindig zijn");
    }
    Ok(())
}

/// The spatial bands as the pair search sees them.
struct SpatialLayout {
    finite: Vec<f64>,
    open_last: bool,
    /// The largest finite break: pairs closer than this are found and stored.
    reach: f64,
    /// Stored bands of near pairs ("slots"): the finite bands, plus one for the pairs closer
    /// than the first break when the last band is open (they are not counted, but the open
    /// band's count is all pairs minus the near ones).
    slots: usize,
}

impl SpatialLayout {
    fn new(breaks: &[f64]) -> Self {
        let open_last = breaks.last().is_some_and(|b| b.is_infinite());
        let finite: Vec<f64> = breaks.iter().copied().filter(|b| b.is_finite()).collect();
        let reach = *finite.last().expect("checked: at least one finite break");
        let below_slot = open_last && finite[0] > 0.0;
        SpatialLayout {
            slots: finite.len() - 1 + usize::from(below_slot),
            finite,
            open_last,
            reach,
        }
    }

    /// The slot of a pair at `distance < reach`, or None when it is not stored.
    fn slot(&self, distance: f64) -> Option<usize> {
        let at_or_below = self.finite.partition_point(|&b| b <= distance);
        match at_or_below {
            0 if self.open_last && self.finite[0] > 0.0 => Some(self.finite.len() - 1),
            0 => None,
            k => Some(k - 1),
        }
    }

    /// Slots that are real bands of the table (the first `finite.len() − 1`).
    fn counted_slots(&self) -> usize {
        self.finite.len() - 1
    }
}

/// The temporal bands as integer thresholds on `|Δday|`.
struct TemporalLayout {
    /// `dt ≥ break ⇔ dt ≥ ⌈break⌉` for whole days; None for an infinite break.
    thresholds: Vec<Option<i64>>,
    /// The thresholds a pair has to be compared with (above 0 and within the day range), as
    /// indices into `thresholds`; the others are all pairs (≤ 0) or none.
    compared: Vec<usize>,
    compared_values: Vec<i32>,
    day_range: i32,
}

impl TemporalLayout {
    fn new(breaks: &[f64], day_range: i32) -> Self {
        let thresholds: Vec<Option<i64>> = breaks
            .iter()
            .map(|b| b.is_finite().then(|| b.ceil().min(i64::MAX as f64) as i64))
            .collect();
        let compared: Vec<usize> = thresholds
            .iter()
            .enumerate()
            .filter(|(_, t)| t.is_some_and(|t| t > 0 && t <= i64::from(day_range)))
            .map(|(m, _)| m)
            .collect();
        let compared_values = compared
            .iter()
            .map(|&m| thresholds[m].expect("finite") as i32)
            .collect();
        TemporalLayout {
            thresholds,
            compared,
            compared_values,
            day_range,
        }
    }

    fn bands(&self) -> usize {
        self.thresholds.len() - 1
    }

    /// The band of a time difference, or None when it lies outside every band.
    fn band(&self, dt: i32) -> Option<usize> {
        let at_or_below = self
            .thresholds
            .partition_point(|t| t.is_some_and(|t| t <= i64::from(dt)));
        (at_or_below > 0 && at_or_below <= self.bands()).then(|| at_or_below - 1)
    }

    /// Counts per band from the counts of pairs at or above each compared threshold, given the
    /// number of pairs in all.
    fn bands_from_at_least(&self, total: u64, at_least: impl Fn(usize) -> u64) -> Vec<u64> {
        let mut compared = 0;
        let cumulative: Vec<u64> = self
            .thresholds
            .iter()
            .enumerate()
            .map(|(m, t)| match t {
                None => 0,
                Some(t) if *t <= 0 => total,
                Some(t) if *t > i64::from(self.day_range) => 0,
                Some(_) => {
                    debug_assert_eq!(self.compared[compared], m);
                    compared += 1;
                    at_least(compared - 1)
                }
            })
            .collect();
        cumulative.windows(2).map(|w| w[0] - w[1]).collect()
    }
}

/// Event indices sorted by grid cell (row-major, cells `reach` wide), then point, then day:
/// an order that does not depend on how the events were listed, and that puts neighbours
/// close together in memory.
fn canonical_order(points: &[[f64; 2]], days: &[i32], reach: f64) -> Vec<usize> {
    let origin = grid_origin(points);
    let mut order: Vec<usize> = (0..points.len()).collect();
    order.sort_by(|&a, &b| {
        grid_cell(points[a], origin, reach)
            .cmp(&grid_cell(points[b], origin, reach))
            .then(points[a][0].total_cmp(&points[b][0]))
            .then(points[a][1].total_cmp(&points[b][1]))
            .then(days[a].cmp(&days[b]))
    });
    order
}

fn grid_origin(points: &[[f64; 2]]) -> [f64; 2] {
    points
        .iter()
        .fold([f64::INFINITY; 2], |o, p| [o[0].min(p[0]), o[1].min(p[1])])
}

/// (row, column) of a point's grid cell; one cell for all when nothing is near.
fn grid_cell(point: [f64; 2], origin: [f64; 2], reach: f64) -> (i64, i64) {
    if reach <= 0.0 {
        return (0, 0);
    }
    (
        ((point[1] - origin[1]) / reach).floor() as i64,
        ((point[0] - origin[0]) / reach).floor() as i64,
    )
}

fn distance(a: [f64; 2], b: [f64; 2], metric: DistanceMetric) -> f64 {
    let (dx, dy) = (a[0] - b[0], a[1] - b[1]);
    match metric {
        DistanceMetric::Euclidean => (dx * dx + dy * dy).sqrt(),
        DistanceMetric::Manhattan => dx.abs() + dy.abs(),
    }
}

/// Every pair closer than `reach`, per event (in canonical order) the later events it pairs
/// with, grouped by slot.
struct NearPairs {
    slots: usize,
    /// `starts[i · slots + q] .. starts[i · slots + q + 1]` in `neighbours`.
    starts: Vec<usize>,
    neighbours: Vec<u32>,
}

impl NearPairs {
    fn find(points: &[[f64; 2]], layout: &SpatialLayout, metric: DistanceMetric) -> Self {
        let n = points.len();
        let slots = layout.slots;
        if layout.reach <= 0.0 || slots == 0 {
            return NearPairs {
                slots,
                starts: vec![0; n * slots + 1],
                neighbours: Vec::new(),
            };
        }
        let origin = grid_origin(points);
        let cells: Vec<(i64, i64)> = points
            .iter()
            .map(|&p| grid_cell(p, origin, layout.reach))
            .collect();
        // Events are sorted by cell, so a cell's events are one run and the three cells of a
        // row side by side are one range.
        let range_of = |row: i64, from_col: i64, to_col: i64| {
            let start = cells.partition_point(|&c| c < (row, from_col));
            let end = cells.partition_point(|&c| c <= (row, to_col));
            start..end
        };
        const CHUNK: usize = 2048;
        let chunks: Vec<(Vec<u32>, Vec<u32>)> = (0..n.div_ceil(CHUNK))
            .into_par_iter()
            .map(|chunk| {
                let mut counts = Vec::with_capacity(CHUNK * slots);
                let mut neighbours = Vec::new();
                let mut per_slot: Vec<Vec<u32>> = vec![Vec::new(); slots];
                for i in chunk * CHUNK..n.min((chunk + 1) * CHUNK) {
                    let (row, col) = cells[i];
                    // Later events only: the rest of this row's cells, and the next row.
                    for range in [
                        i + 1..range_of(row, col, col + 1).end,
                        range_of(row + 1, col - 1, col + 1),
                    ] {
                        for j in range {
                            let d = distance(points[i], points[j], metric);
                            if d < layout.reach {
                                if let Some(q) = layout.slot(d) {
                                    per_slot[q].push(j as u32);
                                }
                            }
                        }
                    }
                    for list in &mut per_slot {
                        counts.push(list.len() as u32);
                        neighbours.append(list);
                    }
                }
                (counts, neighbours)
            })
            .collect();
        let mut starts = Vec::with_capacity(n * slots + 1);
        starts.push(0);
        let mut neighbours = Vec::with_capacity(chunks.iter().map(|c| c.1.len()).sum());
        for (counts, list) in chunks {
            for c in counts {
                starts.push(starts.last().expect("starts with 0") + c as usize);
            }
            neighbours.extend_from_slice(&list);
        }
        NearPairs {
            slots,
            starts,
            neighbours,
        }
    }

    fn of(&self, event: usize, slot: usize) -> &[u32] {
        let k = event * self.slots + slot;
        &self.neighbours[self.starts[k]..self.starts[k + 1]]
    }

    fn in_slot(&self) -> Vec<u64> {
        let mut totals = vec![0u64; self.slots];
        for (k, w) in self.starts.windows(2).enumerate() {
            totals[k % self.slots] += (w[1] - w[0]) as u64;
        }
        totals
    }
}

/// `#{pairs i < j : |day_i − day_j| ≥ t}` for every threshold (None: infinite, 0 pairs), from
/// the sorted days by two pointers.
fn all_pairs_at_least(days: &[i32], thresholds: &[Option<i64>]) -> Vec<u64> {
    let mut sorted = days.to_vec();
    sorted.sort_unstable();
    let n = sorted.len() as u64;
    thresholds
        .iter()
        .map(|t| match *t {
            None => 0,
            Some(t) if t <= 0 => n * (n - 1) / 2,
            Some(t) => {
                // For each later day, the earlier days at least t before it.
                let mut earlier = 0usize;
                let mut count = 0u64;
                for &day in &sorted {
                    while earlier < sorted.len() && i64::from(sorted[earlier]) + t <= i64::from(day)
                    {
                        earlier += 1;
                    }
                    count += earlier as u64;
                }
                count
            }
        })
        .collect()
}

/// Turns counts per slot into the whole table.
struct Table<'a> {
    layout: &'a SpatialLayout,
    temporal: &'a TemporalLayout,
    all_pairs: &'a [u64],
    pairs: &'a NearPairs,
}

impl Table<'_> {
    /// Per slot, the pair counts per temporal band with the observed days.
    fn observed_slot_counts(&self, days: &[i32]) -> Vec<Vec<u64>> {
        let bands = self.temporal.bands();
        let mut counts = vec![vec![0u64; bands]; self.layout.slots];
        for (i, &day) in days.iter().enumerate() {
            for (q, slot_counts) in counts.iter_mut().enumerate() {
                for &j in self.pairs.of(i, q) {
                    if let Some(t) = self.temporal.band((day - days[j as usize]).abs()) {
                        slot_counts[t] += 1;
                    }
                }
            }
        }
        counts
    }

    /// Per permutation `first .. first + lanes`, per slot, the pair counts per temporal band.
    fn permuted_slot_counts(
        &self,
        sorted_days: &[i32],
        seed: u64,
        first: usize,
        lanes: usize,
    ) -> Vec<Vec<Vec<u64>>> {
        let n = sorted_days.len();
        // Event-major: the LANES permuted days of event i are one contiguous row.
        let mut rows = vec![[0i32; LANES]; n];
        let mut shuffled = sorted_days.to_vec();
        for lane in 0..LANES {
            if lane < lanes {
                shuffled.copy_from_slice(sorted_days);
                let mut rng = ChaCha8Rng::seed_from_u64(seed);
                rng.set_stream((first + lane) as u64);
                shuffled.shuffle(&mut rng);
            }
            for (row, &day) in rows.iter_mut().zip(&shuffled) {
                row[lane] = day;
            }
        }
        let compared = &self.temporal.compared_values;
        let in_slot = self.pairs.in_slot();
        let mut at_least = vec![[0u32; LANES]; self.layout.slots * compared.len()];
        for (i, own) in rows.iter().enumerate() {
            for q in 0..self.layout.slots {
                let neighbours = self.pairs.of(i, q);
                let acc = &mut at_least[q * compared.len()..(q + 1) * compared.len()];
                count_at_least(own, neighbours, &rows, compared, acc);
            }
        }
        (0..lanes)
            .map(|lane| {
                (0..self.layout.slots)
                    .map(|q| {
                        let acc = &at_least[q * compared.len()..(q + 1) * compared.len()];
                        self.temporal
                            .bands_from_at_least(in_slot[q], |m| u64::from(acc[m][lane]))
                    })
                    .collect()
            })
            .collect()
    }

    /// The whole table, spatial band major, from the counts per slot.
    fn assemble(&self, slots: &[Vec<u64>]) -> Vec<u64> {
        let bands = self.temporal.bands();
        let mut table: Vec<u64> = slots[..self.layout.counted_slots()].concat();
        if self.layout.open_last {
            let all: Vec<u64> = self.all_pairs.windows(2).map(|w| w[0] - w[1]).collect();
            for t in 0..bands {
                let near: u64 = slots.iter().map(|s| s[t]).sum();
                table.push(all[t] - near);
            }
        }
        table
    }
}

/// Adds, per compared threshold and lane, the neighbours whose permuted day lies at least the
/// threshold away from the event's. Written so that the lanes vectorise.
#[inline]
fn count_at_least(
    own: &[i32; LANES],
    neighbours: &[u32],
    rows: &[[i32; LANES]],
    thresholds: &[i32],
    acc: &mut [[u32; LANES]],
) {
    for &j in neighbours {
        let other = &rows[j as usize];
        let mut dt = [0i32; LANES];
        for k in 0..LANES {
            dt[k] = (own[k] - other[k]).abs();
        }
        for (threshold, sums) in thresholds.iter().zip(acc.iter_mut()) {
            for k in 0..LANES {
                sums[k] += u32::from(dt[k] >= *threshold);
            }
        }
    }
}

fn summarise(bands: &KnoxBands, observed: &[u64], permuted: &[Vec<u64>]) -> Vec<KnoxCell> {
    let temporal = bands.temporal_bands();
    let count = permuted.len();
    observed
        .iter()
        .enumerate()
        .map(|(c, &observed)| {
            let mut column: Vec<u64> = permuted.iter().map(|table| table[c]).collect();
            let at_least = column.iter().filter(|&&v| v >= observed).count();
            let mean = column.iter().sum::<u64>() as f64 / count as f64;
            column.sort_unstable();
            let median = if count % 2 == 1 {
                column[count / 2] as f64
            } else {
                (column[count / 2 - 1] as f64 + column[count / 2] as f64) / 2.0
            };
            let ratio = |of: f64| (of > 0.0).then(|| observed as f64 / of);
            KnoxCell {
                spatial_band: c / temporal,
                temporal_band: c % temporal,
                observed,
                permuted_mean: mean,
                permuted_median: median,
                ratio: ratio(mean),
                median_ratio: ratio(median),
                p_value: (1 + at_least) as f64 / (count + 1) as f64,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_are_closed_left_open_right() {
        let layout = SpatialLayout::new(&[0.0, 1.0, 101.0, f64::INFINITY]);
        assert_eq!(layout.slot(0.0), Some(0));
        assert_eq!(layout.slot(0.999), Some(0));
        assert_eq!(layout.slot(1.0), Some(1));
        assert_eq!(layout.slot(100.99), Some(1));
        let temporal = TemporalLayout::new(&[0.0, 8.0, 15.0], 100);
        assert_eq!(temporal.band(0), Some(0));
        assert_eq!(temporal.band(7), Some(0));
        assert_eq!(temporal.band(8), Some(1));
        assert_eq!(temporal.band(14), Some(1));
        assert_eq!(temporal.band(15), None);
    }

    #[test]
    fn all_pairs_by_two_pointers_match_counting() {
        let days = [3, 9, 3, 0, 20, 11, 9];
        let thresholds = [Some(0), Some(1), Some(6), Some(9), Some(21), None];
        let by_pointers = all_pairs_at_least(&days, &thresholds);
        for (t, got) in thresholds.iter().zip(by_pointers) {
            let mut want = 0;
            for i in 0..days.len() {
                for j in i + 1..days.len() {
                    let dt = i64::from((days[i] - days[j]).abs());
                    want += u64::from(t.is_some_and(|t| dt >= t));
                }
            }
            assert_eq!(got, want, "threshold {t:?}");
        }
    }

    #[test]
    fn invalid_inputs_are_refused() {
        let p = KnoxParameters::default();
        assert!(matches!(
            knox_test(&[[0.0, 0.0]], &[1], &p),
            Err(KnoxError::TooFewEvents(1))
        ));
        assert!(matches!(
            knox_test(&[[0.0, 0.0], [1.0, 1.0]], &[1], &p),
            Err(KnoxError::LengthMismatch { .. })
        ));
        let mut bad = p.clone();
        bad.bands.spatial = vec![0.0, 5.0, 5.0];
        assert!(matches!(
            knox_test(&[[0.0, 0.0], [1.0, 1.0]], &[1, 2], &bad),
            Err(KnoxError::SpatialBreaks(_))
        ));
        let mut bad = p.clone();
        bad.bands.temporal = vec![0.0, f64::INFINITY, f64::INFINITY];
        assert!(knox_test(&[[0.0, 0.0], [1.0, 1.0]], &[1, 2], &bad).is_err());
        assert!(matches!(
            knox_test(&[[f64::NAN, 0.0], [1.0, 1.0]], &[1, 2], &p),
            Err(KnoxError::NotFinite(0))
        ));
    }
}
