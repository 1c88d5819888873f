//! "Vooruitblik": monthly forecasts per area with their measured accuracy, and the backtest
//! that measures it.
//!
//! Every area's series is backtested (rolling origin over the last 12 months before the
//! forecast starts, horizon as asked) with every method; `auto` takes the one method with the
//! smallest MAE over all listed areas' backtest forecasts together (one winner per buurt from a
//! dozen noisy errors overfits), seasonal naive winning ties, so a method is never shown as
//! better than "same month last year" unless it was. Sparse buurten can borrow season and trend
//! from the analysed area (the parent): its own series, or the sum of the listed areas.
//!
//! The point forecast shown is the median of the predictive distribution (what MAE scores); the
//! mean is kept for sums. Every answer carries the bar: the simple rules (same month last year,
//! mean and median of the last 12 and 24 months) scored on the same backtest forecasts.

use buurtbeeld_cube::{AreaCode, AreaLevel, Frequency, Period, Series};
use buurtbeeld_stats::backtest::{
    all_methods, backtest_rule, pooled_choice, pooled_mae, score_methods, Scores,
};
use buurtbeeld_stats::forecast::{Context, Forecast, Forecaster, Method, SEASON};
use buurtbeeld_stats::simple_rules::SimpleRule;
use buurtbeeld_store::Store;
use geo::Area;
use rayon::prelude::*;

use crate::areas::area_series;
use crate::{
    attribution, choose_source, descendants, resolve_subject, source_frequency, sum_over,
    ForecastError, PictureError, Subject,
};

/// Months of rolling origins in the backtest.
pub const BACKTEST_ORIGINS: usize = 12;

#[derive(Debug, Clone)]
pub struct ForecastRequest {
    pub area: AreaCode,
    /// Forecast the area's descendants at this level; `None`: the area itself.
    pub level: Option<AreaLevel>,
    pub subject: Subject,
    /// The first forecast month; the history is every month before it.
    pub from: Period,
    /// Months ahead, 1–12.
    pub horizon: usize,
    /// A method name, or `None` for automatic selection by the pooled backtest.
    pub method: Option<String>,
    pub source: Option<String>,
}

/// The method names `--method` accepts besides `auto`.
pub fn method_names() -> Vec<&'static str> {
    all_methods().iter().map(|m| m.name()).collect()
}

/// One forecast month of one area. Field names are the JSON contract.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ForecastRow {
    pub code: AreaCode,
    pub name: String,
    /// `YYYY-MM`.
    pub month: String,
    /// The mean of the predictive distribution (adds up over months and areas).
    pub forecast: f64,
    /// Its median: the most likely whole count, the point forecast shown and scored by MAE.
    pub median: f64,
    /// The predictive distribution's variance (negative binomial above the mean, else
    /// Poisson): with the mean it gives the distribution the intervals are read from.
    pub variance: f64,
    pub lower_80: f64,
    pub upper_80: f64,
    pub lower_95: f64,
    pub upper_95: f64,
    #[serde(serialize_with = "method_name")]
    pub method: Method,
    /// What happened, when the month is already in the store.
    pub actual: Option<u64>,
}

/// One area's method and its backtest.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AreaForecast {
    pub code: AreaCode,
    pub name: String,
    #[serde(serialize_with = "method_name")]
    pub method: Method,
    /// The chosen method's backtest MAE (of its median forecasts) and MASE.
    pub mae: Option<f64>,
    pub mase: Option<f64>,
    pub seasonal_naive_mae: Option<f64>,
    /// `mae / seasonal_naive_mae` on the same backtest forecasts: below 1 beats "same month
    /// last year".
    pub relative_mae: Option<f64>,
    /// Whether the chosen method beat seasonal naive in this area's backtest
    /// (`relative_mae < 1`).
    pub beats_seasonal_naive: bool,
    pub coverage_80: Option<f64>,
    pub coverage_95: Option<f64>,
    /// The history the forecast rests on (oldest first, from the first January).
    pub history_start: String,
    pub history: Vec<f64>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Forecasts {
    pub area: AreaCode,
    pub area_name: String,
    pub subject: String,
    pub subject_label: String,
    pub source: String,
    pub from: String,
    pub horizon: usize,
    pub method: String,
    /// The chosen method's backtest MAE over all areas together, and the simple rules' on the
    /// same forecasts: the bar it is shown against.
    pub backtest_mae: Option<f64>,
    pub rules: Vec<RuleScore>,
    pub areas: Vec<AreaForecast>,
    pub rows: Vec<ForecastRow>,
    pub notes: Vec<String>,
    pub attribution: String,
}

/// The series of the analysed areas, aligned on one month axis starting in January.
struct Panel {
    start: Period,
    /// (code, name, series, land area in m² if known)
    areas: Vec<(AreaCode, String, Vec<f64>, Option<f64>)>,
    parent: Vec<f64>,
    /// Months in the store (actuals) beyond the history, per area.
    future: Vec<Vec<Option<u64>>>,
}

/// The history's months: from the first January with a figure to the month before `from`;
/// at least two seasons.
fn history_axis(
    own: &[Vec<Series>],
    parent_series: &Vec<Series>,
    from: Period,
    area: &AreaCode,
    source: &str,
) -> Result<(Period, Vec<i64>), ForecastError> {
    let first = own
        .iter()
        .chain(std::iter::once(parent_series))
        .flat_map(|s| s.iter().filter_map(|s| s.iter().next().map(|(p, _)| p)))
        .min()
        .ok_or_else(|| PictureError::no_data(area, Some(&*source)))?;
    let start_year = match Period::from_ordinal(Frequency::Month, first) {
        Period::Month { year, month: 1 } => year,
        Period::Month { year, .. } => year + 1,
        Period::Year(y) => y,
    };
    let start = Period::Month {
        year: start_year,
        month: 1,
    };
    let months: Vec<i64> = (start.ordinal()..from.ordinal()).collect();
    if months.len() < 2 * SEASON {
        return Err(ForecastError::TooShort {
            area: area.clone(),
            months: months.len(),
        });
    }
    Ok((start, months))
}

/// The area's land surface in square metres (RD New), if the store has its boundary.
fn land_area(store: &Store, code: &AreaCode) -> Result<Option<f64>, ForecastError> {
    Ok(store
        .area_shape(code)?
        .map(|shape| crate::areas::in_rd_new(&shape).unsigned_area()))
}

fn panel(
    store: &Store,
    request: &ForecastRequest,
) -> Result<(Panel, String, String, String, String), ForecastError> {
    let (area, level, subject) = (&request.area, request.level, &request.subject);
    let (source, from, horizon) = (request.source.as_deref(), request.from, request.horizon);
    let info = store
        .area(area)?
        .ok_or_else(|| PictureError::UnknownArea(area.clone()))?;
    let (subject_id, subject_label, categories) = resolve_subject(store, subject)?;
    if !matches!(from, Period::Month { .. }) {
        return Err(ForecastError::NotAMonth(from.to_string()));
    }
    let source = choose_source(store, area, source, true)?;
    source_frequency(store, area, &source, true)?;
    let listed = match level {
        Some(level) => descendants(store, &info, Some(level))?,
        None => vec![info.clone()],
    };
    let read = |code: &AreaCode| -> Result<Vec<Series>, ForecastError> {
        categories
            .iter()
            .map(|c| {
                Ok(area_series(store, &source, code, c, Frequency::Month)?
                    .map(|s| s.series)
                    .unwrap_or_default())
            })
            .collect()
    };
    let own: Vec<Vec<Series>> = listed
        .iter()
        .map(|a| read(&a.code))
        .collect::<Result<_, _>>()?;
    let parent_series = read(area)?;
    let (start, months) = history_axis(&own, &parent_series, from, area, &source)?;
    let mut areas = Vec::new();
    let mut future = Vec::new();
    for (info, series) in listed.iter().zip(&own) {
        let values: Option<Vec<f64>> = months
            .iter()
            .map(|&m| sum_over(series, &[m]).map(|c| c as f64))
            .collect();
        let Some(values) = values else { continue };
        let land = land_area(store, &info.code)?;
        future.push(
            (0..horizon as i64)
                .map(|h| sum_over(series, &[from.ordinal() + h]))
                .collect(),
        );
        areas.push((info.code.clone(), info.name.clone(), values, land));
    }
    if areas.is_empty() {
        return Err(PictureError::no_data(area, Some(&*source)).into());
    }
    let parent: Vec<f64> = match months
        .iter()
        .map(|&m| sum_over(&parent_series, &[m]).map(|c| c as f64))
        .collect::<Option<Vec<f64>>>()
    {
        Some(values) if values.iter().any(|v| *v > 0.0) => values,
        _ => (0..months.len())
            .map(|t| areas.iter().map(|a| a.2[t]).sum())
            .collect(),
    };
    Ok((
        Panel {
            start,
            areas,
            parent,
            future,
        },
        info.name,
        subject_id,
        subject_label,
        source,
    ))
}

/// A simple rule's backtest MAE over all listed areas together.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RuleScore {
    /// Stable name, e.g. `median_12`.
    pub rule: &'static str,
    /// Dutch, e.g. `mediaan laatste 12 maanden`.
    pub label: &'static str,
    pub mae: f64,
}

/// Every simple rule's MAE over the areas' backtest forecasts together; a rule that cannot
/// forecast some area (too short a history) is left out.
fn rule_scores(series: &[&[f64]], horizon: usize) -> Vec<RuleScore> {
    SimpleRule::ALL
        .into_iter()
        .filter_map(|rule| {
            let (errors, forecasts) = series.iter().try_fold((0.0, 0usize), |(e, n), s| {
                let (mae, count) = backtest_rule(rule, s, BACKTEST_ORIGINS, horizon)?;
                Some((e + mae * count as f64, n + count))
            })?;
            (forecasts > 0).then(|| RuleScore {
                rule: rule.name(),
                label: rule.label(),
                mae: errors / forecasts as f64,
            })
        })
        .collect()
}

/// The month after the last month with a figure for the area and subject: where a forecast
/// starts when the user names no month.
pub fn month_after_data(
    store: &Store,
    area: &AreaCode,
    subject: &Subject,
    source: Option<&str>,
) -> Result<Period, ForecastError> {
    let (_, _, categories) = resolve_subject(store, subject)?;
    let source = choose_source(store, area, source, true)?;
    let mut last = None;
    for category in &categories {
        if let Some(series) = area_series(store, &source, area, category, Frequency::Month)? {
            last = last.max(series.series.iter().last().map(|(p, _)| p));
        }
    }
    let last = last.ok_or_else(|| PictureError::no_data(area, Some(&*source)))?;
    Ok(Period::from_ordinal(Frequency::Month, last + 1))
}

/// A method in JSON: its stable name, e.g. `seasonal_naive`.
fn method_name<S: serde::Serializer>(method: &Method, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(method.name())
}

/// The position of the asked method among `methods`; `None` for automatic choice.
fn method_index(
    methods: &[Box<dyn Forecaster>],
    asked: Option<&str>,
) -> Result<Option<usize>, ForecastError> {
    let Some(name) = asked else {
        return Ok(None);
    };
    methods
        .iter()
        .position(|m| m.name() == name)
        .map(Some)
        .ok_or_else(|| ForecastError::UnknownMethod(name.to_owned(), method_names().join(", ")))
}

/// Forecasts; see the module docs.
pub fn forecast(store: &Store, request: &ForecastRequest) -> Result<Forecasts, ForecastError> {
    let (panel, area_name, subject, subject_label, source) = panel(store, request)?;
    let methods = all_methods();
    let chosen_index = method_index(&methods, request.method.as_deref())?;
    let mut areas = Vec::new();
    let mut rows = Vec::new();
    let mut notes = Vec::new();
    // The backtests are the expensive part, and independent per area: run them in parallel.
    let parent = Some(panel.parent.as_slice());
    let context = Context { parent };
    let per_area: Vec<Vec<Option<Scores>>> = panel
        .areas
        .par_iter()
        .map(|(_, _, series, _)| {
            score_methods(&methods, series, parent, BACKTEST_ORIGINS, request.horizon)
        })
        .collect();
    let chosen_index = chosen_index
        .or_else(|| pooled_choice(&per_area))
        .unwrap_or(0);
    let all_series: Vec<&[f64]> = panel.areas.iter().map(|a| a.2.as_slice()).collect();
    for (((code, name, series, _), actuals), scores) in
        panel.areas.iter().zip(&panel.future).zip(&per_area)
    {
        let chosen = methods[chosen_index]
            .forecast(series, &context, request.horizon)
            .map(|p| (chosen_index, p));
        // A method that cannot forecast this series falls back to seasonal naive.
        let (index, point) = match chosen {
            Some(found) => found,
            None => {
                notes.push(format!(
                    "{code}: de gevraagde methode kan deze reeks niet voorspellen; seizoensnaïef gebruikt."
                ));
                let point = methods[0]
                    .forecast(series, &context, request.horizon)
                    .ok_or_else(|| ForecastError::TooShort {
                        area: code.clone(),
                        months: series.len(),
                    })?;
                (0, point)
            }
        };
        let forecast = Forecast::from_point(&point);
        let method = methods[index].method();
        let own = scores[index].as_ref();
        let naive = scores[0].as_ref();
        let relative_mae = match (own, naive) {
            (Some(o), Some(n)) if n.mae > 0.0 => Some(o.mae / n.mae),
            _ => None,
        };
        areas.push(AreaForecast {
            code: code.clone(),
            name: name.clone(),
            method,
            mae: own.map(|s| s.mae),
            mase: own.and_then(|s| s.mase),
            seasonal_naive_mae: naive.map(|s| s.mae),
            relative_mae,
            beats_seasonal_naive: matches!((own, naive), (Some(o), Some(n)) if o.mae < n.mae),
            coverage_80: own.map(|s| s.coverage_80),
            coverage_95: own.map(|s| s.coverage_95),
            history_start: panel.start.to_string(),
            history: series.clone(),
        });
        rows.extend(forecast_rows(
            code,
            name,
            &forecast,
            method,
            request.from,
            actuals,
        ));
    }
    Ok(Forecasts {
        area: request.area.clone(),
        area_name,
        subject,
        subject_label,
        attribution: attribution(&source),
        source,
        from: request.from.to_string(),
        horizon: request.horizon,
        method: request.method.clone().unwrap_or_else(|| "auto".to_owned()),
        backtest_mae: pooled_mae(&per_area, chosen_index),
        rules: rule_scores(&all_series, request.horizon),
        areas,
        rows,
        notes,
    })
}

/// One row per month ahead: the forecast with its intervals, and what happened if known.
fn forecast_rows(
    code: &AreaCode,
    name: &str,
    forecast: &Forecast,
    method: Method,
    from: Period,
    actuals: &[Option<u64>],
) -> Vec<ForecastRow> {
    actuals
        .iter()
        .enumerate()
        .map(|(h, &actual)| ForecastRow {
            code: code.clone(),
            name: name.to_owned(),
            month: Period::from_ordinal(Frequency::Month, from.ordinal() + h as i64).to_string(),
            forecast: forecast.mean[h],
            median: forecast.median[h],
            variance: forecast.variance[h],
            lower_80: forecast.lower_80[h],
            upper_80: forecast.upper_80[h],
            lower_95: forecast.lower_95[h],
            upper_95: forecast.upper_95[h],
            method,
            actual,
        })
        .collect()
}

/// Backtest scores of every method over all listed areas.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct MethodScores {
    #[serde(serialize_with = "method_name")]
    pub method: Method,
    /// Areas the method could be scored on.
    pub areas: usize,
    /// Means over those areas.
    pub mae: f64,
    pub rmse: f64,
    pub mase: Option<f64>,
    pub coverage_80: f64,
    pub coverage_95: f64,
    /// The MAE of all areas' forecasts together, the measure `auto` chooses by.
    pub pooled_mae: f64,
    /// Areas this method is the `auto` choice for: all of them for the pooled winner.
    pub chosen: usize,
}

/// How well the ranking of areas by one-month-ahead forecast finds where incidents happen.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RankingScores {
    /// Areas flagged per month (the top 10%, at least 1).
    pub flagged: usize,
    /// Share of the truly top-k areas that were flagged, averaged over the origins.
    pub hit_rate: f64,
    /// Predictive Accuracy Index: share of incidents in flagged areas / share of land area
    /// flagged (1 = no better than chance).
    pub pai: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Backtest {
    pub area: AreaCode,
    pub area_name: String,
    pub subject_label: String,
    pub source: String,
    /// The month after the last origin's history: backtests use only months before it.
    pub until: String,
    pub origins: usize,
    pub horizon: usize,
    pub methods: Vec<MethodScores>,
    /// The simple rules on the same forecasts: the bar.
    pub rules: Vec<RuleScore>,
    pub ranking: Option<RankingScores>,
    pub attribution: String,
}

/// Backtests every method on every listed area, with months before `until` only.
pub fn run_backtest(store: &Store, request: &ForecastRequest) -> Result<Backtest, ForecastError> {
    let (panel, area_name, _, subject_label, source) = panel(store, request)?;
    let methods = all_methods();
    let parent = Some(panel.parent.as_slice());
    let per_area: Vec<Vec<Option<Scores>>> = panel
        .areas
        .par_iter()
        .map(|(_, _, series, _)| {
            score_methods(&methods, series, parent, BACKTEST_ORIGINS, request.horizon)
        })
        .collect();
    let best = pooled_choice(&per_area);
    let summaries = methods
        .iter()
        .enumerate()
        .map(|(i, method)| {
            let scored: Vec<&Scores> = per_area.iter().filter_map(|s| s[i].as_ref()).collect();
            let k = scored.len().max(1) as f64;
            let mean = |f: &dyn Fn(&Scores) -> f64| scored.iter().map(|s| f(s)).sum::<f64>() / k;
            let mases: Vec<f64> = scored.iter().filter_map(|s| s.mase).collect();
            MethodScores {
                method: method.method(),
                areas: scored.len(),
                mae: mean(&|s| s.mae),
                rmse: mean(&|s| s.rmse),
                mase: (!mases.is_empty()).then(|| mases.iter().sum::<f64>() / mases.len() as f64),
                coverage_80: mean(&|s| s.coverage_80),
                coverage_95: mean(&|s| s.coverage_95),
                pooled_mae: pooled_mae(&per_area, i).unwrap_or(f64::NAN),
                chosen: if best == Some(i) { per_area.len() } else { 0 },
            }
        })
        .collect();
    let ranking = ranking_scores(&panel, methods[best.unwrap_or(0)].as_ref());
    let all_series: Vec<&[f64]> = panel.areas.iter().map(|a| a.2.as_slice()).collect();
    Ok(Backtest {
        area: request.area.clone(),
        area_name,
        subject_label,
        attribution: attribution(&source),
        source,
        until: request.from.to_string(),
        origins: BACKTEST_ORIGINS,
        horizon: request.horizon,
        methods: summaries,
        rules: rule_scores(&all_series, request.horizon),
        ranking,
    })
}

/// Hit rate and PAI of flagging the top 10% of areas by the chosen method's one-month-ahead
/// forecast (its mean: the expected count ranks areas), over the backtest origins. `None` with
/// fewer than 10 areas.
fn ranking_scores(panel: &Panel, method: &dyn Forecaster) -> Option<RankingScores> {
    let count = panel.areas.len();
    if count < 10 {
        return None;
    }
    let flagged = (count / 10).max(1);
    let n = panel.parent.len();
    let land_total: f64 = panel.areas.iter().filter_map(|a| a.3).sum();
    let (mut hits, mut captured, mut incidents, mut land_flagged, mut origins) =
        (0.0, 0.0, 0.0, 0.0, 0usize);
    for origin in n - BACKTEST_ORIGINS..n {
        let context = Context {
            parent: Some(&panel.parent[..origin]),
        };
        let predicted: Vec<f64> = panel
            .areas
            .iter()
            .map(|(_, _, series, _)| {
                method
                    .forecast(&series[..origin], &context, 1)
                    .map_or(0.0, |p| p.mean[0].max(0.0))
            })
            .collect();
        let actual: Vec<f64> = panel.areas.iter().map(|a| a.2[origin]).collect();
        let top = |values: &[f64]| {
            let mut order: Vec<usize> = (0..count).collect();
            order.sort_by(|&a, &b| values[b].total_cmp(&values[a]).then(a.cmp(&b)));
            order.truncate(flagged);
            order
        };
        let chosen = top(&predicted);
        let truth = top(&actual);
        hits += chosen.iter().filter(|i| truth.contains(i)).count() as f64 / flagged as f64;
        captured += chosen.iter().map(|&i| actual[i]).sum::<f64>();
        incidents += actual.iter().sum::<f64>();
        land_flagged += chosen.iter().filter_map(|&i| panel.areas[i].3).sum::<f64>();
        origins += 1;
    }
    let land_share = land_flagged / (land_total * origins as f64);
    Some(RankingScores {
        flagged,
        hit_rate: hits / origins as f64,
        pai: (incidents > 0.0 && land_total > 0.0 && land_share > 0.0)
            .then(|| (captured / incidents) / land_share),
    })
}
