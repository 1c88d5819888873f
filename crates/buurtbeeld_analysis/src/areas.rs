//! The areas a question covers and their figures: descendants in the hierarchy and totals over
//! periods, and the figures of a parent the source table publishes only as its children.

use std::collections::BTreeSet;

use buurtbeeld_cube::{AreaCode, AreaLevel, CategoryCode, Frequency, Series, Value};
use buurtbeeld_store::{AreaInfo, Store};
use geo::{MapCoords, MultiPolygon};

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

/// An area's series of one category in one source table: the table's own, or the sum of its
/// children's where the table publishes nothing for the area itself (a 47018NED download
/// filtered to gemeenten has no row for Nederland).
#[derive(Debug, Clone, Default)]
pub struct AreaSeries {
    pub series: Series,
    /// Periods in which a child's cell was withheld: the sum is then what was published, a
    /// lower bound.
    pub lower_bounds: BTreeSet<i64>,
    /// How many children the series was summed from; 0 for the table's own series.
    pub summed_from: usize,
}

/// The series of `category` for `area` in `source`: its own, else the sum of its children's
/// (recursively). A sum is given only when it covers the area: every child the store knows
/// has the series (the "onbekend" children included: Nederland's total counts the crimes no
/// gemeente could be named for), and for Nederland every gemeente of the police code list. A
/// period is in the sum only when every child publishes it.
pub fn area_series(
    store: &Store,
    source: &str,
    area: &AreaCode,
    category: &CategoryCode,
    frequency: Frequency,
) -> Result<Option<AreaSeries>, PictureError> {
    if let Some(series) = store.series(source, area, category, frequency)? {
        return Ok(Some(AreaSeries {
            series,
            ..AreaSeries::default()
        }));
    }
    let children = store.children(area)?;
    if children.is_empty() || !covers_the_country(area, &children) {
        return Ok(None);
    }
    let mut parts = Vec::with_capacity(children.len());
    for child in &children {
        match area_series(store, source, &child.code, category, frequency)? {
            Some(part) => parts.push(part),
            None => return Ok(None),
        }
    }
    Ok(Some(sum_of(&parts)))
}

/// Whether `children` can stand for all of `area`: always below the country; for Nederland,
/// only when every gemeente of the police code list is among them, so that one imported
/// gemeente is never shown as the country.
fn covers_the_country(area: &AreaCode, children: &[AreaInfo]) -> bool {
    if area.level() != AreaLevel::Land {
        return true;
    }
    let present: BTreeSet<&str> = children.iter().map(|c| c.code.as_str()).collect();
    buurtbeeld_ingest::code_lists()
        .regions_47018
        .by_code
        .keys()
        .filter(|code| code.starts_with("GM"))
        .all(|code| present.contains(code.as_str()))
}

/// The cell-wise sum of `parts` over the periods all of them publish.
fn sum_of(parts: &[AreaSeries]) -> AreaSeries {
    let mut sum = AreaSeries {
        summed_from: parts.len(),
        ..AreaSeries::default()
    };
    let Some(first) = parts.first() else {
        return sum;
    };
    for (period, _) in first.series.iter() {
        let mut total = 0u32;
        let mut published = false;
        let mut lower_bound = false;
        let mut everywhere = true;
        for part in parts {
            match part.series.get(period) {
                Some(Value::Count(n)) => {
                    total = total.saturating_add(n);
                    published = true;
                    lower_bound |= part.lower_bounds.contains(&period);
                }
                Some(Value::Withheld) => lower_bound = true,
                None => everywhere = false,
            }
        }
        if !everywhere {
            continue;
        }
        sum.series.insert(
            period,
            if published {
                Value::Count(total)
            } else {
                Value::Withheld
            },
        );
        if lower_bound && published {
            sum.lower_bounds.insert(period);
        }
    }
    sum
}

/// The source tables with figures for `area`, with their frequency: its own, else those that
/// every child has (whose sum [`area_series`] gives).
pub fn area_sources(
    store: &Store,
    area: &AreaCode,
) -> Result<Vec<(String, Frequency)>, PictureError> {
    let own = store.sources_for(area)?;
    if !own.is_empty() {
        return Ok(own);
    }
    let children = store.children(area)?;
    if children.is_empty() || !covers_the_country(area, &children) {
        return Ok(Vec::new());
    }
    let mut shared: Option<BTreeSet<(String, Frequency)>> = None;
    for child in &children {
        let sources: BTreeSet<_> = area_sources(store, &child.code)?.into_iter().collect();
        shared = Some(match shared {
            None => sources,
            Some(so_far) => so_far.intersection(&sources).cloned().collect(),
        });
    }
    Ok(shared.unwrap_or_default().into_iter().collect())
}

/// A WGS84 lon/lat shape (as the store keeps boundaries) in RD New metres, so that areas are in
/// m² and distances in metres.
pub(crate) fn in_rd_new(shape: &MultiPolygon<f64>) -> MultiPolygon<f64> {
    shape.map_coords(|c| {
        let (x, y) = buurtbeeld_cube::rd::wgs84_to_rd(c.x, c.y);
        geo::Coord { x, y }
    })
}
