//! "Na een inbraak, hoe ver en hoe lang is het risico verhoogd?": the near-repeat (Knox) test
//! on the registrations with a point in an area, with the answer in plain Dutch.

use buurtbeeld_cube::dutch::{decimal, integer, p_phrase};
use buurtbeeld_cube::{AreaCode, Day, Subject};
use buurtbeeld_stats::knox::{knox_test, KnoxBands, KnoxParameters, KnoxResult};
use buurtbeeld_store::Store;

use crate::registrations::{point_input, registration_attribution, PointInput};
use crate::PatternError;

/// Significance level of a cell of the table.
pub const NEAR_REPEAT_ALPHA: f64 = 0.05;

#[derive(Debug, Clone)]
pub struct NearRepeatRequest {
    pub area: AreaCode,
    /// A registration source with points, e.g. `BVH`.
    pub source: String,
    pub subject: Subject,
    /// First and last day of the registrations tested; default all.
    pub days: Option<(Day, Day)>,
    pub parameters: KnoxParameters,
}

impl NearRepeatRequest {
    /// The documented defaults: the near-repeat bands (same place, 100 m steps to 500 m; weeks
    /// to four weeks), 999 permutations, seed 20261123.
    pub fn new(area: AreaCode, source: &str, subject: Subject) -> Self {
        NearRepeatRequest {
            area,
            source: source.to_owned(),
            subject,
            days: None,
            parameters: KnoxParameters::default(),
        }
    }
}

/// One cell of the near-repeat table.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct NearRepeatCell {
    pub distance: String,
    pub time: String,
    pub observed: u64,
    /// Mean pair count when days are shuffled over the events.
    pub expected: f64,
    /// Knox ratio: observed / expected.
    pub ratio: Option<f64>,
    pub p_value: f64,
    /// p below the level and a ratio above 1.
    pub raised: bool,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct NearRepeat {
    pub area: AreaCode,
    pub area_name: String,
    pub source: String,
    pub subject: String,
    pub subject_label: String,
    /// Registrations tested (those with a point).
    pub events: usize,
    /// Registrations of the subject in the area without a point, left out.
    pub without_point: usize,
    pub first_day: Day,
    pub last_day: Day,
    pub distance_bands: Vec<String>,
    pub time_bands: Vec<String>,
    /// Distance band major, as `distance_bands × time_bands`.
    pub cells: Vec<NearRepeatCell>,
    pub permutations: usize,
    pub seed: u64,
    /// The answer in plain Dutch.
    pub summary: String,
    pub method: String,
    pub attribution: String,
}

/// The Knox test on the registrations of the request.
pub fn near_repeat(store: &Store, request: &NearRepeatRequest) -> Result<NearRepeat, PatternError> {
    let PointInput {
        area,
        scope,
        registrations,
        ..
    } = point_input(
        store,
        &request.area,
        &request.source,
        &request.subject,
        request.days,
    )?;
    let with_point: Vec<_> = registrations.iter().filter(|r| r.point.is_some()).collect();
    let without_point = registrations.len() - with_point.len();
    if with_point.len() < 20 {
        return Err(PatternError::TooFewEvents {
            area: area.code.clone(),
            events: with_point.len(),
            minimum: 20,
        });
    }
    let points: Vec<[f64; 2]> = with_point
        .iter()
        .map(|r| {
            let p = r.point.expect("filtered on having a point");
            [p.x, p.y]
        })
        .collect();
    let days: Vec<i32> = with_point
        .iter()
        .map(|r| r.day.days_since_epoch())
        .collect();
    let result = knox_test(&points, &days, &request.parameters)?;
    let distance_bands = band_labels(&result.bands.spatial, distance_label);
    let time_bands = band_labels(&result.bands.temporal, time_label);
    let cells = cells(&result, &distance_bands, &time_bands);
    let summary = summary(&scope.event_noun(), &cells, &distance_bands, &time_bands);
    Ok(NearRepeat {
        area: area.code.clone(),
        area_name: area.name.clone(),
        source: scope.source.id.clone(),
        subject: scope.subject.clone(),
        subject_label: scope.subject_label.clone(),
        events: with_point.len(),
        without_point,
        first_day: with_point.iter().map(|r| r.day).min().expect("at least 20"),
        last_day: with_point.iter().map(|r| r.day).max().expect("at least 20"),
        distance_bands,
        time_bands,
        cells,
        permutations: result.permutations,
        seed: result.seed,
        summary,
        method: method(&result),
        attribution: registration_attribution(&scope.source),
    })
}

fn band_labels(breaks: &[f64], label: fn(f64, f64) -> String) -> Vec<String> {
    breaks.windows(2).map(|w| label(w[0], w[1])).collect()
}

/// `[0, 1)` is the same place (points are kept to the metre); `[1, 101)` is "1–100 m".
fn distance_label(from: f64, to: f64) -> String {
    if from == 0.0 && to <= 1.0 {
        "zelfde plek".to_owned()
    } else if to.is_infinite() {
        format!("{} m of meer", integer(from as u64))
    } else {
        format!("{}–{} m", integer(from as u64), integer(to as u64 - 1))
    }
}

fn time_label(from: f64, to: f64) -> String {
    if to.is_infinite() {
        format!("{} dagen of meer", integer(from as u64))
    } else {
        format!("{}–{} dagen", integer(from as u64), integer(to as u64 - 1))
    }
}

fn cells(result: &KnoxResult, distance: &[String], time: &[String]) -> Vec<NearRepeatCell> {
    result
        .cells
        .iter()
        .map(|c| NearRepeatCell {
            distance: distance[c.spatial_band].clone(),
            time: time[c.temporal_band].clone(),
            observed: c.observed,
            expected: c.permuted_mean,
            ratio: c.ratio,
            p_value: c.p_value,
            raised: c.p_value < NEAR_REPEAT_ALPHA && c.ratio.is_some_and(|r| r > 1.0),
        })
        .collect()
}

/// "Na een fietsdiefstal is de kans op nog een binnen 1–100 m en 0–7 dagen 7% groter dan bij
/// toeval; in de eerste week tot 300 m, binnen 100 m tot 21 dagen." The extents are the runs of
/// raised cells from the nearest band beyond the same place: outward in the first time band,
/// onward in time in that distance band.
fn summary(
    subject: &str,
    cells: &[NearRepeatCell],
    distance: &[String],
    time: &[String],
) -> String {
    let t = time.len();
    let cell = |s: usize, k: usize| &cells[s * t + k];
    let open_distance = distance.len().saturating_sub(1);
    let open_time = t.saturating_sub(1);
    let same_place = cell(0, 0).raised;
    let near = (1..open_distance.max(1)).find(|&s| cell(s, 0).raised);
    let Some(first) = near else {
        let mut text = format!(
            "Geen near-repeat-patroon: na een {subject} is de kans op nog een in de buurt en in \
             de weken erna niet aantoonbaar groter dan bij toeval."
        );
        if same_place {
            text.push_str(" Wel gebeurt het vaker op precies dezelfde plek kort na elkaar.");
        }
        return text;
    };
    let mut far = first;
    while far + 1 < open_distance && cell(far + 1, 0).raised {
        far += 1;
    }
    let mut long = 0;
    while long + 1 < open_time && cell(first, long + 1).raised {
        long += 1;
    }
    let upper = |label: &str| label.rsplit('–').next().unwrap_or(label).to_owned();
    let mut text = format!(
        "Na een {subject} is de kans op nog een binnen {} en {} {} ({}).",
        distance[first],
        time[0],
        how_much_larger(cell(first, 0).ratio.unwrap_or(1.0)),
        p_phrase(cell(first, 0).p_value)
    );
    if far > first {
        text.push_str(&format!(
            " In die eerste periode is het risico verhoogd tot {}.",
            upper(&distance[far])
        ));
    }
    if long > 0 {
        text.push_str(&format!(
            " Binnen {} blijft het verhoogd tot {}.",
            upper(&distance[first]),
            upper(&time[long])
        ));
    }
    if same_place {
        text.push_str(" Op precies dezelfde plek is het risico in de eerste dagen ook verhoogd.");
    }
    text
}

/// "7% groter dan bij toeval", or "2,3 keer zo groot als bij toeval" from a doubling on.
fn how_much_larger(ratio: f64) -> String {
    if ratio >= 2.0 {
        format!("{} keer zo groot als bij toeval", decimal(ratio, 1))
    } else {
        format!(
            "{}% groter dan bij toeval",
            decimal((ratio - 1.0) * 100.0, 0)
        )
    }
}

fn method(result: &KnoxResult) -> String {
    format!(
        "Knox-test (near-repeat) zoals de Near Repeat Calculator en het R-pakket NearRepeat: \
         elk paar registraties naar afstand (hemelsbreed) en tijd tussen de dagen; verwacht = \
         gemiddelde van {} keer de dagen willekeurig over de plekken verdelen (seed {}); \
         verhoogd bij p < 0,05 en een Knox-verhouding boven 1. {} paren binnen {} m.",
        integer(result.permutations as u64),
        result.seed,
        integer(result.near_pairs),
        integer(
            result
                .bands
                .spatial
                .iter()
                .rev()
                .find(|b| b.is_finite())
                .copied()
                .unwrap_or(0.0) as u64
        )
    )
}

/// Bands for a request in metres and days: `distances` are the upper ends of the bands after
/// the same place (e.g. 100, 200, … → `[0, 1, 101, 201, …, ∞)`), `days` likewise.
pub fn near_repeat_bands(
    distance_step: u32,
    distance_bands: u32,
    day_step: u32,
    day_bands: u32,
) -> KnoxBands {
    let mut spatial = vec![0.0, 1.0];
    spatial.extend((1..=distance_bands).map(|k| f64::from(k * distance_step) + 1.0));
    spatial.push(f64::INFINITY);
    let mut temporal = vec![0.0];
    temporal.extend((1..=day_bands).map(|k| f64::from(k * day_step) + 1.0));
    temporal.push(f64::INFINITY);
    KnoxBands {
        spatial,
        temporal,
        metric: buurtbeeld_stats::knox::DistanceMetric::Euclidean,
    }
}
