//! The crime picture: per area and its child areas, a theme's or category's count, rate per
//! 1.000 inwoners, change against the same period a year earlier, and whether that change is
//! more than chance.

use buurtbeeld_cube::{AreaCode, AreaLevel, CategoryCode, Frequency, Period, Subject, Value};
use buurtbeeld_stats::poisson_exact_test;
use buurtbeeld_store::{AreaInfo, Store};

use crate::areas::{area_series, area_sources, AreaSeries};
use crate::rate::{
    rate_per_1000, small_population_note, smoothed_per_1000, too_few_for_rate,
    MIN_POPULATION_FOR_RATE,
};
use crate::{attribution, choose_source, covered_span, descendants, resolve_subject, PictureError};

/// The significance level of every test and verdict (the change test, the effect verdicts). A
/// convention, stated in every output.
pub const ALPHA: f64 = 0.05;

#[derive(Debug, Clone)]
pub struct PictureRequest {
    pub area: AreaCode,
    pub subject: Subject,
    pub year: i32,
    /// A single month of `year` instead of the whole year.
    pub month: Option<u32>,
    /// A source table; by default the preferred one that has data for the area.
    pub source: Option<String>,
    /// List the area's descendants at this level (e.g. all buurten of a gemeente) instead of
    /// its children.
    pub level: Option<AreaLevel>,
    /// The fewest inhabitants an area needs for a rate per 1.000 (default
    /// [`MIN_POPULATION_FOR_RATE`]).
    pub min_population: u64,
}

impl PictureRequest {
    /// The whole calendar `year` of `subject` in `area` and its children, from the preferred
    /// source.
    pub fn year(area: &AreaCode, subject: &Subject, year: i32) -> PictureRequest {
        PictureRequest {
            area: area.clone(),
            subject: subject.clone(),
            year,
            month: None,
            source: None,
            level: None,
            min_population: MIN_POPULATION_FOR_RATE,
        }
    }
}

/// One line of the picture. Field names are the JSON contract.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PictureRow {
    pub code: AreaCode,
    pub name: String,
    pub level: AreaLevel,
    /// Sum over the subject's categories and the period; `None` if nothing was published.
    pub count: Option<u64>,
    pub population: Option<u64>,
    pub population_year: Option<i32>,
    /// The raw rate; `None` without a count or population, or with fewer inhabitants than the
    /// request's minimum (then `too_few_inhabitants`).
    pub per_1000: Option<f64>,
    /// The empirical-Bayes smoothed rate per 1.000 over the child areas (what maps colour);
    /// `None` for the area itself and wherever `per_1000` is `None`.
    pub smoothed_per_1000: Option<f64>,
    /// The area has a population figure below the minimum for a rate (0 included).
    pub too_few_inhabitants: bool,
    pub previous_count: Option<u64>,
    pub change_pct: Option<f64>,
    pub p_value: Option<f64>,
    pub significant: Option<bool>,
    /// At least one component was withheld (suppressed) in either period: `count` is then the
    /// published part only, a lower bound, and the test compares only the categories published
    /// in both periods (`None` if there are none).
    pub withheld: bool,
    /// The public view does not show this count: it is below the threshold, or would give such
    /// a count away (`public.rs`). Always false for accounts.
    pub suppressed: bool,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Picture {
    pub area: AreaCode,
    pub area_name: String,
    pub subject: String,
    pub subject_label: String,
    pub categories: Vec<CategoryCode>,
    pub source: String,
    /// E.g. `2015`, `2023-03`, or `2023-01..2023-11` for a year not yet complete.
    pub period: String,
    pub previous_period: String,
    /// The calendar year the picture covers completely, if it does (a yearly figure, or all
    /// twelve months); a part of a year is never shown as that year.
    #[serde(skip)]
    pub complete_year: Option<i32>,
    pub alpha: f64,
    pub rows: Vec<PictureRow>,
    pub notes: Vec<String>,
    pub attribution: String,
}

/// Periods compared: the current window and the same window a year earlier.
struct Window {
    frequency: Frequency,
    current: Vec<i64>,
    previous: Vec<i64>,
}

impl Window {
    fn label(frequency: Frequency, ordinals: &[i64]) -> String {
        let period = |o: i64| Period::from_ordinal(frequency, o).to_string();
        match ordinals {
            [] => String::new(),
            [one] => period(*one),
            [first, .., last] if frequency == Frequency::Month && last - first == 11 => {
                Period::from_ordinal(frequency, *first)
                    .calendar_year()
                    .to_string()
            }
            [first, .., last] => format!("{}..{}", period(*first), period(*last)),
        }
    }

    /// The calendar year the current window covers completely, if it does.
    fn complete_year(&self) -> Option<i32> {
        match (self.frequency, self.current.as_slice()) {
            (Frequency::Year, [year]) => i32::try_from(*year).ok(),
            (Frequency::Month, [first, .., last]) if last - first == 11 => {
                Some(Period::from_ordinal(Frequency::Month, *first).calendar_year())
            }
            _ => None,
        }
    }
}

pub fn picture(store: &Store, request: &PictureRequest) -> Result<Picture, PictureError> {
    let area = store
        .area(&request.area)?
        .ok_or_else(|| PictureError::UnknownArea(request.area.clone()))?;
    let (subject, subject_label, categories) = resolve_subject(store, &request.subject)?;
    let source = choose_source(
        store,
        &request.area,
        request.source.as_deref(),
        request.month.is_some(),
    )?;
    let window = window(store, request, &source, &categories)?;
    let mut notes = Vec::new();

    let mut areas = vec![area.clone()];
    areas.extend(descendants(store, &area, request.level)?);

    let mut rows = Vec::with_capacity(areas.len());
    for info in &areas {
        rows.push(row(
            store,
            info,
            &source,
            &categories,
            &window,
            request.year,
            request.min_population,
        )?);
    }
    smooth_child_rates(&mut rows, request.min_population);
    // The area itself first, then its children with the highest count on top (what needs
    // attention), ties and unknown counts by code.
    rows[1..].sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.code.cmp(&b.code)));
    let own = &rows[0];

    if own.count.is_some() && own.previous_count.is_none() {
        notes.push(format!(
            "Geen vergelijking: de bron heeft geen cijfers voor {}.",
            buurtbeeld_cube::dutch::period::label(&Window::label(
                window.frequency,
                &window.previous
            ))
        ));
    }
    let summed_from = area_series(store, &source, &area.code, &categories[0], window.frequency)?
        .map_or(0, |s| s.summed_from);
    if summed_from > 0 {
        notes.push(format!(
            "{} heeft in {source} geen eigen cijfers: het aantal is de som van de {} \
             onderliggende gebieden.",
            area.name, summed_from
        ));
    }
    if categories.iter().any(CategoryCode::is_total) {
        notes.push(
            "Het totaal (0.0.0) is het gepubliceerde totaal, inclusief categorieën die om \
             privacyredenen niet apart worden gepubliceerd."
                .to_owned(),
        );
    }
    if rows.iter().any(|r| r.withheld) {
        notes.push(
            "Afgeschermd (≥): minstens één categorie is door CBS/Politie niet gepubliceerd \
             (privacy). Het aantal is dan een ondergrens; de toets vergelijkt alleen de \
             categorieën die in beide perioden gepubliceerd zijn."
                .to_owned(),
        );
    }
    if rows.iter().any(|r| r.too_few_inhabitants) {
        notes.push(small_population_note(request.min_population));
    }
    if rows.iter().any(|r| r.population.is_some()) {
        if let Some(year) = own.population_year.filter(|y| *y != request.year) {
            notes.push(format!(
                "Inwonertal van {year} (dichtstbijzijnde beschikbare jaar)."
            ));
        }
    }
    notes.push(format!(
        "Significant: exacte toets voor twee Poisson-aantallen, tweezijdig, alfa = {}.",
        buurtbeeld_cube::dutch::decimal(ALPHA, 2)
    ));
    if window.current.len() < 12 && window.frequency == Frequency::Month && request.month.is_none()
    {
        notes.push(format!(
            "Het jaar {} is niet compleet in de bron: vergeleken zijn {} en dezelfde maanden \
             een jaar eerder.",
            request.year,
            buurtbeeld_cube::dutch::period::label(&Window::label(
                window.frequency,
                &window.current
            ))
        ));
    }
    let attribution = attribution(&source);
    Ok(Picture {
        area: area.code.clone(),
        area_name: area.name.clone(),
        subject,
        subject_label,
        categories,
        source,
        period: Window::label(window.frequency, &window.current),
        previous_period: Window::label(window.frequency, &window.previous),
        complete_year: window.complete_year(),
        alpha: ALPHA,
        rows,
        notes,
        attribution,
    })
}

/// The picture of `subject` in `area` for a complete calendar `year`; `None` when
/// the store has no figures for it there, or only part of the year. Documents and KPIs use
/// this: a year of which not every month is published is never shown as that year.
pub fn complete_year_picture(
    store: &Store,
    area: &AreaCode,
    subject: &Subject,
    year: i32,
) -> Result<Option<Picture>, PictureError> {
    match picture(store, &PictureRequest::year(area, subject, year)) {
        Ok(picture) if picture.complete_year == Some(year) => Ok(Some(picture)),
        Ok(_)
        | Err(
            PictureError::NoData { .. }
            | PictureError::PeriodNotCovered { .. }
            | PictureError::UnknownArea(_),
        ) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The years for which the preferred source publishes the subject for an area, each with the
/// number of months covered: 12 for a complete year (a yearly table's figure covers 12).
pub fn years_with_data(
    store: &Store,
    area: &AreaCode,
    subject: &Subject,
) -> Result<Vec<(i32, usize)>, PictureError> {
    let (_, _, categories) = resolve_subject(store, subject)?;
    let source = choose_source(store, area, None, false)?;
    let mut years: std::collections::BTreeMap<i32, usize> = std::collections::BTreeMap::new();
    for (frequency, _) in area_sources(store, area)?
        .into_iter()
        .map(|(s, f)| (f, s))
        .filter(|(_, s)| *s == source)
    {
        if let Some(AreaSeries { series, .. }) =
            area_series(store, &source, area, &categories[0], frequency)?
        {
            let months_per_period = match frequency {
                Frequency::Month => 1,
                Frequency::Year => 12,
            };
            for (period, _) in series.iter() {
                *years
                    .entry(Period::from_ordinal(frequency, period).calendar_year())
                    .or_default() += months_per_period;
            }
        }
    }
    Ok(years.into_iter().collect())
}

fn window(
    store: &Store,
    request: &PictureRequest,
    source: &str,
    categories: &[CategoryCode],
) -> Result<Window, PictureError> {
    let frequency = area_sources(store, &request.area)?
        .into_iter()
        .find(|(s, f)| s == source && (request.month.is_none() || *f == Frequency::Month))
        .map(|(_, f)| f)
        .expect("chosen from the available sources");
    // Which periods the source publishes for the area, judged by the subject's first category
    // (or the total when the theme has none).
    let probe = categories
        .first()
        .cloned()
        .unwrap_or_else(CategoryCode::total);
    let series = area_series(store, source, &request.area, &probe, frequency)?
        .map(|s| s.series)
        .unwrap_or_default();
    let published: Vec<i64> = series.iter().map(|(p, _)| p).collect();
    let wanted: Vec<i64> = match (frequency, request.month) {
        (Frequency::Month, Some(month)) => vec![Period::Month {
            year: request.year,
            month,
        }
        .ordinal()],
        (Frequency::Month, None) => (1..=12)
            .map(|m| {
                Period::Month {
                    year: request.year,
                    month: m,
                }
                .ordinal()
            })
            .collect(),
        (Frequency::Year, _) => vec![i64::from(request.year)],
    };
    let current: Vec<i64> = wanted
        .into_iter()
        .filter(|p| published.contains(p))
        .collect();
    if current.is_empty() {
        let covered = covered_span(frequency, published.first(), published.last());
        return Err(PictureError::PeriodNotCovered {
            area: request.area.clone(),
            period: match request.month {
                Some(m) => Period::month(request.year, m)
                    .map_or_else(|| format!("{}-{m:02}", request.year), Period::dutch_label),
                None => request.year.to_string(),
            },
            source_table: source.to_owned(),
            covered,
        });
    }
    let lag = match frequency {
        Frequency::Month => 12,
        Frequency::Year => 1,
    };
    let previous = current.iter().map(|p| p - lag).collect();
    Ok(Window {
        frequency,
        current,
        previous,
    })
}

/// One category's sum over some periods: `None` if a period is missing altogether, else the
/// published total and whether any period was withheld.
pub(crate) fn category_sum(
    store: &Store,
    source: &str,
    area: &AreaCode,
    category: &CategoryCode,
    frequency: Frequency,
    periods: &[i64],
) -> Result<Option<(u64, bool)>, PictureError> {
    let Some(AreaSeries {
        series,
        lower_bounds,
        ..
    }) = area_series(store, source, area, category, frequency)?
    else {
        return Ok(None);
    };
    let mut total = 0u64;
    let mut withheld = false;
    for period in periods {
        match series.get(*period) {
            Some(Value::Count(n)) => {
                total += u64::from(n);
                withheld |= lower_bounds.contains(period);
            }
            Some(Value::Withheld) => withheld = true,
            None => return Ok(None),
        }
    }
    Ok(Some((total, withheld)))
}

/// The subject's sums in both windows. `shown` is everything published (a lower bound if
/// something was withheld); `comparable` only the categories published in full in both windows,
/// which is what the change test may compare.
struct Sums {
    current: Option<u64>,
    previous: Option<u64>,
    withheld: bool,
    comparable: Option<(u64, u64)>,
}

fn sums(
    store: &Store,
    source: &str,
    area: &AreaCode,
    categories: &[CategoryCode],
    window: &Window,
) -> Result<Sums, PictureError> {
    let mut current = Some((0u64, false, false));
    let mut previous = Some((0u64, false, false));
    let mut comparable = (0u64, 0u64, false);
    let mut withheld = false;
    for category in categories {
        let now = category_sum(
            store,
            source,
            area,
            category,
            window.frequency,
            &window.current,
        )?;
        let then = category_sum(
            store,
            source,
            area,
            category,
            window.frequency,
            &window.previous,
        )?;
        for (acc, part) in [(&mut current, now), (&mut previous, then)] {
            *acc = match (*acc, part) {
                (Some((total, any_published, any_withheld)), Some((n, w))) => {
                    Some((total + n, any_published || !w || n > 0, any_withheld || w))
                }
                _ => None,
            };
        }
        withheld |= now.is_some_and(|p| p.1) || then.is_some_and(|p| p.1);
        if let (Some((n, false)), Some((p, false))) = (now, then) {
            comparable = (comparable.0 + n, comparable.1 + p, true);
        }
    }
    // A sum of nothing but withheld cells is no figure at all.
    let figure =
        |s: Option<(u64, bool, bool)>| s.filter(|(_, published, _)| *published).map(|s| s.0);
    Ok(Sums {
        current: figure(current),
        previous: figure(previous),
        withheld,
        comparable: comparable.2.then_some((comparable.0, comparable.1)),
    })
}

fn row(
    store: &Store,
    area: &AreaInfo,
    source: &str,
    categories: &[CategoryCode],
    window: &Window,
    year: i32,
    min_population: u64,
) -> Result<PictureRow, PictureError> {
    let sums = sums(store, source, &area.code, categories, window)?;
    let population = store.population(&area.code, year)?;
    let inhabitants = population.map(|p| p.inhabitants);
    let per_1000 = sums
        .current
        .zip(inhabitants)
        .and_then(|(n, p)| rate_per_1000(n, p, min_population));
    let change_pct = match (sums.current, sums.previous) {
        (Some(c), Some(p)) if p > 0 => Some((c as f64 - p as f64) / p as f64 * 100.0),
        _ => None,
    };
    // Same number of periods on both sides, so equal exposures.
    let p_value = match (sums.current, sums.previous, sums.comparable) {
        (Some(_), Some(_), Some((c, p))) => Some(poisson_exact_test(c, 1.0, p, 1.0)),
        _ => None,
    };
    Ok(PictureRow {
        code: area.code.clone(),
        name: area.name.clone(),
        level: area.level,
        count: sums.current,
        population: population.map(|p| p.inhabitants),
        population_year: population.map(|p| p.year),
        per_1000,
        smoothed_per_1000: None,
        too_few_inhabitants: too_few_for_rate(inhabitants, min_population),
        previous_count: sums.previous,
        change_pct,
        p_value,
        significant: p_value.map(|p| p < ALPHA),
        withheld: sums.withheld,
        suppressed: false,
    })
}

/// Smooths the rates of the child rows (all rows but the first, the area itself) over each
/// other, empirical Bayes; rows without a raw rate get none.
pub(crate) fn smooth_child_rates(rows: &mut [PictureRow], min_population: u64) {
    let Some((_, children)) = rows.split_first_mut() else {
        return;
    };
    let figures: Vec<Option<(u64, u64)>> = children
        .iter()
        .map(|r| r.per_1000.and(r.count.zip(r.population)))
        .collect();
    for (row, smoothed) in children
        .iter_mut()
        .zip(smoothed_per_1000(&figures, min_population))
    {
        row.smoothed_per_1000 = smoothed;
    }
}
