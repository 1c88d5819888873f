//! A series of a gemeente's buurten put on one chosen indeling: buurten of that indeling are
//! taken as they are, buurten of other indelingen are allocated to it through the crosswalk of
//! their own boundaries (`buurtbeeld_stats::crosswalk`), and the gemeente's total per period
//! stays exactly the total of the source figures.
//!
//! Which indeling a series belongs to is decided by the store (`Store::series_with_indeling`):
//! the boundary its code had when the series was written. A code that CBS reused with a new
//! boundary is therefore crosswalked from its old boundary, not taken as it is.
//!
//! Withheld cells (`Value::Withheld`) are unknown counts: nothing of them is allocated, and every
//! target area the withheld source overlaps, and the gemeente total, is marked a lower bound for
//! that period. Sources without any boundary in the store cannot be placed; their counts are
//! kept apart as "niet toe te delen" so the totals still add up.

use std::collections::{BTreeMap, BTreeSet};

use buurtbeeld_cube::{dutch, AreaCode, AreaLevel, Frequency, Period, Subject, Value};
use buurtbeeld_stats::crosswalk::{area_weights, Crosswalk};
use buurtbeeld_store::Store;
use geo::MultiPolygon;

use crate::areas::in_rd_new;
use crate::{attribution, choose_source, resolve_subject, source_frequency, IndelingError};

/// A source area of another gemeente (a merger) belongs to the gemeente when at least this
/// share of it lies in the chosen indeling's buurten of the gemeente.
pub const MERGED_AREA_SHARE: f64 = 0.5;

/// What to put on which indeling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndelingRequest {
    /// The gemeente.
    pub area: AreaCode,
    pub subject: Subject,
    /// The year of the indeling to put the series on.
    pub indeling: i32,
    /// Source table (default: the preferred one the gemeente has).
    pub source: Option<String>,
    /// First and last period shown (inclusive); a year stands for its months.
    pub from: Option<Period>,
    pub to: Option<Period>,
}

/// One target area in one period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct IndelingCell {
    pub count: u64,
    /// The part of `count` allocated from source areas that were split over several targets.
    pub reallocated: u64,
    /// A source overlapping this area was withheld: `count` is a lower bound.
    pub lower_bound: bool,
}

/// One area of the chosen indeling with a cell per period.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct IndelingRow {
    pub code: AreaCode,
    pub name: String,
    pub cells: Vec<IndelingCell>,
    pub total: u64,
    pub reallocated: u64,
    /// `reallocated / total` (0 when the total is 0).
    pub reallocated_share: f64,
}

/// The gemeente in one period: the source total and where it went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct IndelingTotal {
    pub period: Period,
    /// The sum of the source areas' published counts.
    pub source_total: u64,
    /// The sum over the chosen indeling's areas.
    pub allocated: u64,
    /// Counts of source areas without a boundary in the store.
    pub unallocated: u64,
    pub lower_bound: bool,
}

/// How many source areas came from which indeling (`None`: no boundary known).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SourceIndeling {
    pub indeling: Option<i32>,
    pub areas: usize,
    /// Taken as they are (the chosen indeling), or crosswalked.
    pub as_is: bool,
}

/// The series on the chosen indeling.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct IndelingSeries {
    pub area: AreaCode,
    pub area_name: String,
    pub subject: String,
    pub subject_label: String,
    pub source: String,
    pub frequency: Frequency,
    pub indeling: i32,
    pub periods: Vec<Period>,
    pub rows: Vec<IndelingRow>,
    pub totals: Vec<IndelingTotal>,
    pub sources: Vec<SourceIndeling>,
    /// Source areas without a boundary, whose counts are in `unallocated`.
    pub unallocated_areas: Vec<AreaCode>,
    /// Reallocated counts over all counts of all periods.
    pub reallocated_share: f64,
    /// The Dutch sentence that says how much is an estimate.
    pub note: String,
    pub attribution: String,
}

/// A source area's counts per period (categories summed) and whether any was withheld.
#[derive(Default)]
struct SourceCounts {
    known: BTreeMap<i64, u64>,
    withheld: BTreeSet<i64>,
}

/// How a source area reaches the targets.
enum Placement {
    /// It is target `usize` of the chosen indeling.
    AsIs(usize),
    /// Crosswalk row `usize`.
    Crosswalked(usize),
    /// No boundary: kept apart.
    Unplaced,
}

/// The series of `request.subject` in the buurten of `request.area`, on the indeling of
/// `request.indeling`; see the module docs.
pub fn series_on_indeling(
    store: &Store,
    request: &IndelingRequest,
) -> Result<IndelingSeries, IndelingError> {
    let gemeente = &request.area;
    let info = store
        .area(gemeente)?
        .ok_or_else(|| crate::PictureError::UnknownArea(gemeente.clone()))?;
    if info.level != AreaLevel::Gemeente {
        return Err(IndelingError::NotAGemeente(gemeente.clone()));
    }
    let (subject_id, subject_label, categories) = resolve_subject(store, &request.subject)?;
    let targets = store.indeling_boundaries(request.indeling, AreaLevel::Buurt, Some(gemeente))?;
    if targets.is_empty() {
        let known: Vec<String> = store
            .indelingen()?
            .into_iter()
            .filter(|i| i.level == AreaLevel::Buurt)
            .map(|i| i.year.to_string())
            .collect();
        return Err(IndelingError::UnknownIndeling {
            year: request.indeling,
            area: gemeente.clone(),
            known: if known.is_empty() {
                "geen".to_owned()
            } else {
                known.join(", ")
            },
        });
    }
    let source = choose_source(store, gemeente, request.source.as_deref(), false)?;
    let frequency = source_frequency(store, gemeente, &source, true)
        .or_else(|_| source_frequency(store, gemeente, &source, false))?;
    let target_index: BTreeMap<&AreaCode, usize> = targets
        .iter()
        .enumerate()
        .map(|(i, t)| (&t.code, i))
        .collect();
    let target_shapes: Vec<MultiPolygon<f64>> = targets
        .iter()
        .map(|t| {
            t.shape()
                .map(|shape| in_rd_new(&shape))
                .unwrap_or_else(|| MultiPolygon(vec![]))
        })
        .collect();
    let gemeente_digits = &gemeente.as_str()[2..6];

    // Sum the categories per source area.
    let mut counts: BTreeMap<AreaCode, (Option<i32>, SourceCounts)> = BTreeMap::new();
    for found in store.series_with_indeling(&source, frequency, AreaLevel::Buurt, &categories)? {
        if found.area.is_unknown() {
            continue;
        }
        let entry = counts
            .entry(found.area.clone())
            .or_insert_with(|| (found.indeling_year, SourceCounts::default()));
        for (ordinal, value) in found.series.iter() {
            match value {
                Value::Count(n) => *entry.1.known.entry(ordinal).or_default() += u64::from(n),
                Value::Withheld => {
                    entry.1.withheld.insert(ordinal);
                }
            }
        }
    }

    // Where each source area goes; crosswalk candidates are those of another indeling.
    let mut placements: Vec<(AreaCode, Option<i32>, Placement, bool)> = Vec::new();
    let mut crosswalk_shapes: Vec<MultiPolygon<f64>> = Vec::new();
    for (code, (own, _)) in &counts {
        let of_gemeente = code.as_str().get(2..6) == Some(gemeente_digits);
        match own {
            Some(year) if *year == request.indeling => {
                if let Some(&t) = target_index.get(code) {
                    placements.push((code.clone(), *own, Placement::AsIs(t), true));
                }
            }
            Some(year) => {
                let shape = store
                    .boundary(code, *year)?
                    .and_then(|b| b.shape())
                    .map(|shape| in_rd_new(&shape));
                match shape {
                    Some(shape) => {
                        placements.push((
                            code.clone(),
                            *own,
                            Placement::Crosswalked(crosswalk_shapes.len()),
                            of_gemeente,
                        ));
                        crosswalk_shapes.push(shape);
                    }
                    None if of_gemeente => {
                        placements.push((code.clone(), *own, Placement::Unplaced, true));
                    }
                    None => {}
                }
            }
            None if of_gemeente => {
                placements.push((code.clone(), None, Placement::Unplaced, true));
            }
            None => {}
        }
    }
    let crosswalk = area_weights(&crosswalk_shapes, &target_shapes);
    // Areas of other gemeenten take part only when they mostly lie in this one (a merger).
    placements.retain(|(_, _, placement, of_gemeente)| match placement {
        Placement::Crosswalked(s) => *of_gemeente || crosswalk.coverage(*s) >= MERGED_AREA_SHARE,
        _ => true,
    });

    let ordinals = period_range(&counts, &placements, frequency, request)?;
    let periods: Vec<Period> = ordinals
        .iter()
        .map(|&o| Period::from_ordinal(frequency, o))
        .collect();
    let mut cells = vec![vec![IndelingCell::default(); ordinals.len()]; targets.len()];
    let mut totals: Vec<IndelingTotal> = periods
        .iter()
        .map(|&period| IndelingTotal {
            period,
            source_total: 0,
            allocated: 0,
            unallocated: 0,
            lower_bound: false,
        })
        .collect();
    for (code, _, placement, _) in &placements {
        let source_counts = &counts[code].1;
        for (p, ordinal) in ordinals.iter().enumerate() {
            let total = &mut totals[p];
            if source_counts.withheld.contains(ordinal) {
                total.lower_bound = true;
                for t in reached(placement, &crosswalk) {
                    cells[t][p].lower_bound = true;
                }
            }
            let Some(&n) = source_counts.known.get(ordinal) else {
                continue;
            };
            total.source_total += n;
            match placement {
                Placement::AsIs(t) => {
                    cells[*t][p].count += n;
                    total.allocated += n;
                }
                Placement::Crosswalked(s) => {
                    let split = crosswalk.home(*s).is_none();
                    let allocation = crosswalk.allocate(*s, n);
                    if allocation.is_empty() {
                        total.unallocated += n;
                    }
                    for (t, k) in allocation {
                        cells[t][p].count += k;
                        total.allocated += k;
                        if split {
                            cells[t][p].reallocated += k;
                        }
                    }
                }
                Placement::Unplaced => total.unallocated += n,
            }
        }
    }
    debug_assert!(totals
        .iter()
        .all(|t| t.allocated + t.unallocated == t.source_total));

    let rows: Vec<IndelingRow> = targets
        .iter()
        .zip(cells)
        .map(|(target, cells)| {
            let total: u64 = cells.iter().map(|c| c.count).sum();
            let reallocated: u64 = cells.iter().map(|c| c.reallocated).sum();
            IndelingRow {
                code: target.code.clone(),
                name: target.name.clone(),
                cells,
                total,
                reallocated,
                reallocated_share: share(reallocated, total),
            }
        })
        .collect();
    let all: u64 = rows.iter().map(|r| r.total).sum();
    let reallocated: u64 = rows.iter().map(|r| r.reallocated).sum();
    let reallocated_share = share(reallocated, all);
    let mut sources: BTreeMap<(Option<i32>, bool), usize> = BTreeMap::new();
    let mut unallocated_areas = Vec::new();
    for (code, own, placement, _) in &placements {
        *sources
            .entry((*own, matches!(placement, Placement::AsIs(_))))
            .or_default() += 1;
        if matches!(placement, Placement::Unplaced) {
            unallocated_areas.push(code.clone());
        }
    }
    // A share that one decimal would show as 0,0% is not nothing: say so.
    let percentage = if reallocated_share > 0.0 && reallocated_share < 0.0005 {
        "minder dan 0,1".to_owned()
    } else {
        dutch::decimal(reallocated_share * 100.0, 1)
    };
    let note = format!(
        "{percentage}% van de registraties is herverdeeld uit gebieden van een andere indeling \
         (naar oppervlakte); voor die gebieden is de reeks een schatting"
    );
    Ok(IndelingSeries {
        area: gemeente.clone(),
        area_name: info.name,
        subject: subject_id,
        subject_label,
        attribution: attribution(&source),
        source,
        frequency,
        indeling: request.indeling,
        periods,
        rows,
        totals,
        sources: sources
            .into_iter()
            .map(|((indeling, as_is), areas)| SourceIndeling {
                indeling,
                areas,
                as_is,
            })
            .collect(),
        unallocated_areas,
        reallocated_share,
        note,
    })
}

fn share(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// The targets a source can send counts to.
fn reached(placement: &Placement, crosswalk: &Crosswalk) -> Vec<usize> {
    match placement {
        Placement::AsIs(t) => vec![*t],
        Placement::Crosswalked(s) => match crosswalk.home(*s) {
            Some(t) => vec![t],
            None => crosswalk.weights[*s].iter().map(|&(t, _)| t).collect(),
        },
        Placement::Unplaced => Vec::new(),
    }
}

/// Every period from the first to the last the placed sources publish, within the request's
/// `from`/`to` (a year stands for its months).
fn period_range(
    counts: &BTreeMap<AreaCode, (Option<i32>, SourceCounts)>,
    placements: &[(AreaCode, Option<i32>, Placement, bool)],
    frequency: Frequency,
    request: &IndelingRequest,
) -> Result<Vec<i64>, IndelingError> {
    let mut first = None::<i64>;
    let mut last = None::<i64>;
    for (code, ..) in placements {
        let c = &counts[code].1;
        for &o in c.known.keys().chain(c.withheld.iter()) {
            first = Some(first.map_or(o, |f| f.min(o)));
            last = Some(last.map_or(o, |l| l.max(o)));
        }
    }
    let (Some(mut first), Some(mut last)) = (first, last) else {
        return Err(crate::PictureError::no_data(&request.area, None).into());
    };
    let covered = crate::covered_span(frequency, Some(&first), Some(&last));
    let bound = |period: Period, end: bool| match (period.frequency(), frequency) {
        (Frequency::Year, Frequency::Month) => {
            let month = if end { 12 } else { 1 };
            Period::month(period.calendar_year(), month).map_or(period.ordinal(), Period::ordinal)
        }
        (Frequency::Month, Frequency::Year) => {
            Period::year(period.calendar_year()).map_or(period.ordinal(), Period::ordinal)
        }
        _ => period.ordinal(),
    };
    if let Some(from) = request.from {
        first = first.max(bound(from, false));
    }
    if let Some(to) = request.to {
        last = last.min(bound(to, true));
    }
    if first > last {
        return Err(IndelingError::EmptyRange {
            area: request.area.clone(),
            covered,
        });
    }
    Ok((first..=last).collect())
}
