//! The monthly (or yearly) trend of a theme or category in one area: every published period.

use buurtbeeld_cube::{AreaCode, Frequency, Period, Value};
use buurtbeeld_store::Store;

use crate::areas::{area_series, area_sources};
use crate::{choose_source, resolve_subject, PictureError, Subject};

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TrendPoint {
    pub period: Period,
    /// Sum over the subject's categories; `None` if nothing was published for the period.
    pub count: Option<u64>,
    /// At least one category was withheld: `count` is a lower bound.
    pub withheld: bool,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Trend {
    pub area: AreaCode,
    pub area_name: String,
    pub subject: String,
    pub subject_label: String,
    pub source: String,
    pub frequency: Frequency,
    pub points: Vec<TrendPoint>,
    pub attribution: String,
}

/// Every period the preferred source publishes for the area, from the first to the last.
pub fn trend(store: &Store, area: &AreaCode, subject: &Subject) -> Result<Trend, PictureError> {
    trend_in(store, area, subject, None)
}

/// The trend in one source table (the preferred one when `None`).
pub(crate) fn trend_in(
    store: &Store,
    area: &AreaCode,
    subject: &Subject,
    source: Option<&str>,
) -> Result<Trend, PictureError> {
    let info = store
        .area(area)?
        .ok_or_else(|| PictureError::UnknownArea(area.clone()))?;
    let (subject_id, subject_label, categories) = resolve_subject(store, subject)?;
    let source = choose_source(store, area, source, false)?;
    let frequency = area_sources(store, area)?
        .into_iter()
        .find(|(s, _)| *s == source)
        .map(|(_, f)| f)
        .expect("chosen from the available sources");
    let mut series = Vec::new();
    for category in &categories {
        series.push(
            area_series(store, &source, area, category, frequency)?
                .map(|s| s.series)
                .unwrap_or_default(),
        );
    }
    let periods: std::collections::BTreeSet<i64> = series
        .iter()
        .flat_map(|s| s.iter().map(|(p, _)| p))
        .collect();
    let (Some(&first), Some(&last)) = (periods.first(), periods.last()) else {
        return Err(PictureError::no_data(area, None));
    };
    let points = (first..=last)
        .map(|ordinal| {
            let mut total = 0u64;
            let mut published = false;
            let mut withheld = false;
            for s in &series {
                match s.get(ordinal) {
                    Some(Value::Count(n)) => {
                        total += u64::from(n);
                        published = true;
                    }
                    Some(Value::Withheld) => withheld = true,
                    None => {}
                }
            }
            TrendPoint {
                period: Period::from_ordinal(frequency, ordinal),
                count: published.then_some(total),
                withheld,
            }
        })
        .collect();
    Ok(Trend {
        area: area.clone(),
        area_name: info.name,
        subject: subject_id,
        subject_label,
        attribution: crate::attribution(&source),
        source,
        frequency,
        points,
    })
}
