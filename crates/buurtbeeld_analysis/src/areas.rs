//! The areas a question covers and their figures: descendants in the hierarchy and totals over
//! periods.

use buurtbeeld_cube::{AreaLevel, Series, Value};
use buurtbeeld_store::{AreaInfo, Store};

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
