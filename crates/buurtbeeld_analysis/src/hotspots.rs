//! "Waar is actie nodig?": for the buurten (or wijken) of an area, which are hot or cold spots
//! of a theme, which cluster or stand out (local Moran), how that developed over recent periods
//! (emerging hot spots) and which are far above their own history (spikes).
//!
//! Decisions, stated in every output: an area is a hot (cold) spot when its Gi* z is positive
//! (negative) and its two-sided analytic p-value, corrected for the number of areas
//! (Benjamini-Hochberg by default), is at most alpha (0,05). The permutation p-values of Gi* and
//! local Moran are shown beside it; a LISA quadrant counts as significant on its corrected
//! permutation p-value.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use buurtbeeld_cube::{AreaCode, AreaLevel, CategoryCode, Frequency, Period, Series};
use buurtbeeld_stats::conditional_permutation::{conditional_permutation, DEFAULT_PERMUTATIONS};
use buurtbeeld_stats::contiguity::{contiguity_weights, Contiguity};
use buurtbeeld_stats::distance_band::distance_band_weights;
use buurtbeeld_stats::emerging_hotspot::{emerging_hotspots, EmergingClass};
use buurtbeeld_stats::empirical_bayes::empirical_bayes_rates;
use buurtbeeld_stats::gi_star::gi_star;
use buurtbeeld_stats::knn::knn_weights;
use buurtbeeld_stats::local_moran::local_moran;
use buurtbeeld_stats::multiple_testing::{adjust, Correction, DEFAULT_ALPHA};
use buurtbeeld_stats::spike::{spike, Spike};
use buurtbeeld_stats::weights::SpatialWeights;
use buurtbeeld_store::{AreaInfo, Store};
use geo::{Centroid, MultiPolygon};

use crate::rate::{small_population_note, MIN_POPULATION_FOR_RATE};
use crate::registrations::{
    monthly_series_of_areas, registration_attribution, registration_scope, registration_source,
    RegistrationScope,
};
use crate::{
    attribution, choose_source, covered_span, descendants, resolve_subject, source_frequency,
    sum_over, HotspotError, PictureError, Subject,
};
use buurtbeeld_cube::dutch::{decimal, integer, p_phrase};

/// The seed of the permutations unless the user chooses one: the same request gives the same
/// p-values.
pub const DEFAULT_SEED: u64 = 20_261_123;
/// How many periods (including the requested one) the emerging-hotspot window spans by default.
const DEFAULT_WINDOW_YEARS: usize = 5;
const DEFAULT_WINDOW_MONTHS: usize = 12;

/// How neighbours are defined.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum WeightsRule {
    Queen,
    Rook,
    /// The k nearest centroids.
    Knn(usize),
    /// Centroids within this many metres.
    DistanceBand(f64),
}

impl FromStr for WeightsRule {
    type Err = String;

    fn from_str(text: &str) -> Result<WeightsRule, String> {
        let expected = || {
            format!(
                "'{text}' is geen burenregel; verwacht queen, rook, knn:K (K ≥ 1) of distance:METERS"
            )
        };
        match text.split_once(':') {
            None if text == "queen" => Ok(WeightsRule::Queen),
            None if text == "rook" => Ok(WeightsRule::Rook),
            Some(("knn", k)) => match k.parse::<usize>() {
                Ok(k) if k >= 1 => Ok(WeightsRule::Knn(k)),
                _ => Err(expected()),
            },
            Some(("distance", m)) => match m.parse::<f64>() {
                Ok(m) if m.is_finite() && m > 0.0 => Ok(WeightsRule::DistanceBand(m)),
                _ => Err(expected()),
            },
            _ => Err(expected()),
        }
    }
}

impl fmt::Display for WeightsRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WeightsRule::Queen => write!(f, "queen"),
            WeightsRule::Rook => write!(f, "rook"),
            WeightsRule::Knn(k) => write!(f, "knn:{k}"),
            WeightsRule::DistanceBand(m) => write!(f, "distance:{m}"),
        }
    }
}

/// What is compared between areas.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// Registered counts.
    Count,
    /// Empirical-Bayes smoothed rate per 1.000 inwoners.
    #[serde(rename = "per_1000")]
    Per1000,
}

impl FromStr for Measure {
    type Err = String;

    fn from_str(text: &str) -> Result<Measure, String> {
        match text {
            "count" => Ok(Measure::Count),
            "per_1000" => Ok(Measure::Per1000),
            _ => Err(format!("'{text}' is geen maat; verwacht count of per_1000")),
        }
    }
}

/// The multiple-testing correction, by name.
pub fn parse_correction(text: &str) -> Result<Correction, String> {
    match text {
        "bh" | "fdr" => Ok(Correction::BenjaminiHochberg),
        "bonferroni" => Ok(Correction::Bonferroni),
        "none" => Ok(Correction::None),
        _ => Err(format!(
            "'{text}' is geen correctie; verwacht bh (Benjamini-Hochberg), bonferroni of none"
        )),
    }
}

/// The JSON name of a correction.
fn correction_code<S: serde::Serializer>(
    correction: &Correction,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(correction_name(*correction))
}

/// The JSON code of an emerging class, e.g. `new_hot_spot`.
fn emerging_code<S: serde::Serializer>(
    class: &Option<EmergingClass>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match class {
        Some(class) => serializer.serialize_str(&class.code()),
        None => serializer.serialize_none(),
    }
}

fn correction_name(correction: Correction) -> &'static str {
    match correction {
        Correction::BenjaminiHochberg => "benjamini-hochberg",
        Correction::Bonferroni => "bonferroni",
        Correction::None => "none",
    }
}

#[derive(Debug, Clone)]
pub struct HotspotRequest {
    pub area: AreaCode,
    pub level: AreaLevel,
    pub subject: Subject,
    /// A year or a month.
    pub period: Period,
    pub source: Option<String>,
    pub weights: WeightsRule,
    pub measure: Measure,
    pub permutations: usize,
    pub seed: u64,
    pub correction: Correction,
    pub alpha: f64,
    /// Periods in the emerging-hotspot window, the requested one included.
    pub window: Option<usize>,
    /// For rates: the fewest inhabitants an area needs to take part (default
    /// [`MIN_POPULATION_FOR_RATE`]).
    pub min_population: u64,
}

impl HotspotRequest {
    /// A request with the documented defaults: queen weights, counts, 999 permutations,
    /// Benjamini-Hochberg at 0,05.
    pub fn new(area: AreaCode, level: AreaLevel, subject: Subject, period: Period) -> Self {
        HotspotRequest {
            area,
            level,
            subject,
            period,
            source: None,
            weights: WeightsRule::Queen,
            measure: Measure::Count,
            permutations: DEFAULT_PERMUTATIONS,
            seed: DEFAULT_SEED,
            correction: Correction::BenjaminiHochberg,
            alpha: DEFAULT_ALPHA,
            window: None,
            min_population: MIN_POPULATION_FOR_RATE,
        }
    }
}

/// An area's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HotspotClass {
    Hot,
    Cold,
    None,
    /// No neighbours under the chosen weights: not tested.
    Island,
}

impl HotspotClass {
    /// The Dutch label used on pages and in tables.
    pub fn label(self) -> &'static str {
        match self {
            HotspotClass::Hot => "hotspot",
            HotspotClass::Cold => "coldspot",
            HotspotClass::None => "geen patroon",
            HotspotClass::Island => "geen buren",
        }
    }
}

/// One area's figures and verdicts. Field names are the JSON contract.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct HotspotRow {
    pub code: AreaCode,
    pub name: String,
    /// The analysed value: the count, or the smoothed rate per 1.000 inwoners.
    pub value: f64,
    pub count: u64,
    pub population: Option<u64>,
    pub neighbours: usize,
    /// Mean value of the neighbours.
    pub neighbours_mean: Option<f64>,
    pub gi_star_z: Option<f64>,
    /// Two-sided analytic p-value of Gi*.
    pub gi_star_p: Option<f64>,
    /// Gi* permutation pseudo p-value.
    pub gi_star_p_sim: Option<f64>,
    /// `gi_star_p` corrected for the number of areas.
    pub p_adjusted: Option<f64>,
    pub lisa_i: f64,
    pub lisa_quadrant: Option<&'static str>,
    pub lisa_p_sim: Option<f64>,
    pub lisa_p_adjusted: Option<f64>,
    pub lisa_significant: bool,
    pub class: HotspotClass,
    /// The emerging-hotspot category over the window (JSON: its code, e.g.
    /// `persistent_hot_spot`).
    #[serde(serialize_with = "emerging_code")]
    pub emerging_class: Option<EmergingClass>,
    /// Expected count from the area's own preceding periods.
    pub expected: Option<f64>,
    /// Probability of at least this count given `expected`.
    pub spike_p: Option<f64>,
    pub spike_p_adjusted: Option<f64>,
    pub spike: bool,
    /// Why the area is flagged, in plain Dutch words (its own value, its neighbours, its own
    /// history); None when it is not.
    pub explanation: Option<String>,
    /// The statistics behind the flag (Gi* z, p-values, the expected count), for readers who
    /// ask; None when it is not flagged.
    pub evidence: Option<String>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Hotspots {
    pub area: AreaCode,
    pub area_name: String,
    pub level: AreaLevel,
    pub subject: String,
    pub subject_label: String,
    pub source: String,
    pub period: String,
    pub measure: Measure,
    pub weights: String,
    pub permutations: usize,
    pub seed: u64,
    #[serde(serialize_with = "correction_code")]
    pub correction: Correction,
    pub alpha: f64,
    /// The periods of the emerging-hotspot window, oldest first.
    pub emerging_periods: Vec<String>,
    /// The periods the spike expectation is based on.
    pub spike_history: Vec<String>,
    pub mean: f64,
    pub islands: Vec<AreaCode>,
    /// Areas with boundaries that were left out: no figure for the period, or (for rates) no
    /// inhabitants. The notes say which and why.
    pub not_analysed: Vec<AreaCode>,
    /// Rows: flagged areas first (hot spots by z, then spikes, cold spots), then the rest by
    /// z; ties by code.
    pub rows: Vec<HotspotRow>,
    pub notes: Vec<String>,
    pub attribution: String,
}

/// An area taking part in the analysis, with everything read from the store.
struct Member {
    info: AreaInfo,
    shape: MultiPolygon<f64>,
    series: Vec<Series>,
    /// The figure for the requested period, once known.
    count: u64,
    population: Option<u64>,
}

/// What the request reads: the subject, the source table, its frequency, and the areas.
struct Scope {
    area: AreaInfo,
    subject: String,
    subject_label: String,
    categories: Vec<CategoryCode>,
    source: String,
    frequency: Frequency,
    /// Set when the source is one of the municipality's registration sources (enforcement,
    /// resident reports) rather than a police table: counts come from its registrations.
    registration: Option<RegistrationScope>,
}

/// The areas analysed, what was left out and why.
struct Panel {
    members: Vec<Member>,
    not_analysed: Vec<AreaCode>,
    notes: Vec<String>,
}

/// Runs the analysis; see the module docs.
pub fn hotspots(store: &Store, request: &HotspotRequest) -> Result<Hotspots, HotspotError> {
    if request.level <= request.area.level() {
        return Err(HotspotError::LevelNotBelow {
            area: request.area.clone(),
            level: request.level,
        });
    }
    let scope = scope(store, request)?;
    let mut panel = read_panel(store, request, &scope)?;
    keep_areas_with_a_figure(request, &scope, &mut panel)?;
    read_population(store, request, &mut panel)?;
    if request.measure == Measure::Per1000 {
        keep_inhabited_areas(request, &mut panel)?;
    }
    let Panel {
        members,
        mut not_analysed,
        mut notes,
    } = panel;

    let weights = build_weights(&members, request.weights);
    let islands: Vec<AreaCode> = weights
        .islands()
        .into_iter()
        .map(|i| members[i].info.code.clone())
        .collect();
    if !islands.is_empty() {
        notes.push(format!(
            "Zonder buren bij '{}' (niet getoetst): {}.",
            request.weights,
            islands
                .iter()
                .map(AreaCode::as_str)
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let current: Vec<u64> = members.iter().map(|m| m.count).collect();
    let values = measure_values(request.measure, &members, &current);
    let (window, emerging) = emerging(request, scope.frequency, &members, &weights, &mut notes);
    let (history, spikes) = spikes(request, scope.frequency, &members, &mut notes);
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    let rows = rows(
        request,
        &members,
        &weights,
        &values,
        emerging.as_deref(),
        &spikes,
        mean,
    );
    not_analysed.sort();
    Ok(Hotspots {
        area: scope.area.code.clone(),
        area_name: scope.area.name.clone(),
        level: request.level,
        subject: scope.subject,
        subject_label: scope.subject_label,
        attribution: match &scope.registration {
            Some(registration) => registration_attribution(&registration.source),
            None => attribution(&scope.source),
        },
        source: scope.source,
        period: request.period.to_string(),
        measure: request.measure,
        weights: request.weights.to_string(),
        permutations: request.permutations,
        seed: request.seed,
        correction: request.correction,
        alpha: request.alpha,
        emerging_periods: window.iter().map(Period::to_string).collect(),
        spike_history: history.iter().map(Period::to_string).collect(),
        mean,
        islands,
        not_analysed,
        rows,
        notes,
    })
}

/// The area, the subject's categories and the source table the request reads.
fn scope(store: &Store, request: &HotspotRequest) -> Result<Scope, HotspotError> {
    let area = store
        .area(&request.area)?
        .ok_or_else(|| PictureError::UnknownArea(request.area.clone()))?;
    if let Some(registration) = registration_request(store, request)? {
        return Ok(Scope {
            area,
            subject: registration.subject.clone(),
            subject_label: registration.subject_label.clone(),
            categories: Vec::new(),
            source: registration.source.id.clone(),
            frequency: Frequency::Month,
            registration: Some(registration),
        });
    }
    let (subject, subject_label, categories) = resolve_subject(store, &request.subject)?;
    let month_wanted = matches!(request.period, Period::Month { .. });
    let source = choose_source(
        store,
        &request.area,
        request.source.as_deref(),
        month_wanted,
    )?;
    let frequency = source_frequency(store, &request.area, &source, month_wanted)?;
    Ok(Scope {
        area,
        subject,
        subject_label,
        categories,
        source,
        frequency,
        registration: None,
    })
}

/// The registration source the request names, when it is not a police table of the area (a
/// BVH export is both: its counts are a table).
fn registration_request(
    store: &Store,
    request: &HotspotRequest,
) -> Result<Option<RegistrationScope>, HotspotError> {
    let Some(id) = request.source.as_deref() else {
        return Ok(None);
    };
    let tables = crate::areas::area_sources(store, &request.area)?;
    if tables.iter().any(|(table, _)| table == id) {
        return Ok(None);
    }
    let Some(source) = registration_source(store, id)? else {
        return Ok(None);
    };
    Ok(Some(registration_scope(store, source, &request.subject)?))
}

/// The areas at the requested level with their boundaries and series; at least three.
fn read_panel(
    store: &Store,
    request: &HotspotRequest,
    scope: &Scope,
) -> Result<Panel, HotspotError> {
    let mut members = Vec::new();
    let mut without_shape = Vec::new();
    let areas = descendants(store, &scope.area, Some(request.level))?;
    let mut registered = match &scope.registration {
        Some(registration) => monthly_series_of_areas(store, registration, &areas)?,
        None => BTreeMap::new(),
    };
    for info in areas {
        let shape = store.area_shape(&info.code)?;
        let Some(shape) = shape else {
            without_shape.push(info.code.to_string());
            continue;
        };
        let mut series = Vec::with_capacity(scope.categories.len().max(1));
        if scope.registration.is_some() {
            series.push(registered.remove(&info.code).unwrap_or_default());
        }
        for category in &scope.categories {
            series.push(
                store
                    .series(&scope.source, &info.code, category, scope.frequency)?
                    .unwrap_or_default(),
            );
        }
        members.push(Member {
            info,
            shape,
            series,
            count: 0,
            population: None,
        });
    }
    if members.len() < 3 {
        return Err(HotspotError::NoBoundaries {
            area: request.area.clone(),
            level: request.level,
        });
    }
    let mut notes = Vec::new();
    if !without_shape.is_empty() {
        notes.push(format!(
            "Zonder grenzen, niet geanalyseerd: {}.",
            without_shape.join(", ")
        ));
    }
    Ok(Panel {
        members,
        not_analysed: Vec::new(),
        notes,
    })
}

/// Areas without a figure for the period (withheld, not published) drop out.
fn keep_areas_with_a_figure(
    request: &HotspotRequest,
    scope: &Scope,
    panel: &mut Panel,
) -> Result<(), HotspotError> {
    let ordinals = step_ordinals(request.period, scope.frequency, 0);
    let current: Vec<Option<u64>> = panel
        .members
        .iter()
        .map(|m| sum_over(&m.series, &ordinals))
        .collect();
    if current.iter().all(Option::is_none) {
        return Err(PictureError::PeriodNotCovered {
            area: request.area.clone(),
            period: request.period.dutch_label(),
            source_table: scope.source.clone(),
            covered: covered(&panel.members, scope.frequency),
        }
        .into());
    }
    let mut dropped = Vec::new();
    let mut kept = Vec::new();
    for (mut member, count) in std::mem::take(&mut panel.members).into_iter().zip(current) {
        match count {
            Some(count) => {
                member.count = count;
                kept.push(member);
            }
            None => {
                dropped.push(member.info.code.to_string());
                panel.not_analysed.push(member.info.code);
            }
        }
    }
    panel.members = kept;
    if !dropped.is_empty() {
        panel.notes.push(format!(
            "Geen cijfer voor deze periode, niet geanalyseerd: {}.",
            dropped.join(", ")
        ));
    }
    Ok(())
}

/// Each area's inhabitants in the period's year, where the store has them.
fn read_population(
    store: &Store,
    request: &HotspotRequest,
    panel: &mut Panel,
) -> Result<(), HotspotError> {
    for member in &mut panel.members {
        member.population = store
            .population(&member.info.code, request.period.calendar_year())?
            .map(|p| p.inhabitants);
    }
    Ok(())
}

/// A rate per inhabitant exists only where enough people live: for rates, areas with fewer
/// inhabitants than the minimum (or without a population figure) drop out and the neighbours
/// are those among the rest.
fn keep_inhabited_areas(request: &HotspotRequest, panel: &mut Panel) -> Result<(), HotspotError> {
    let minimum = request.min_population.max(1);
    let mut uninhabited = Vec::new();
    let mut small = Vec::new();
    let mut kept = Vec::new();
    for member in std::mem::take(&mut panel.members) {
        match member.population {
            Some(p) if p >= minimum => kept.push(member),
            Some(p) if p > 0 => {
                small.push(format!("{} ({})", member.info.code, member.count));
                panel.not_analysed.push(member.info.code);
            }
            _ => {
                uninhabited.push(format!("{} ({})", member.info.code, member.count));
                panel.not_analysed.push(member.info.code);
            }
        }
    }
    if kept.len() < 3 {
        return Err(HotspotError::NoPopulation(request.area.clone()));
    }
    panel.members = kept;
    let mut note = "Per 1.000 inwoners, empirical-Bayes gladgestreken: kleine buurten worden naar \
                    het gemiddelde getrokken."
        .to_owned();
    if !uninhabited.is_empty() {
        note.push_str(&format!(
            " Zonder inwoners (of inwonertal), dus zonder cijfer per inwoner, niet \
             geanalyseerd; tussen haakjes het aantal: {}.",
            uninhabited.join(", ")
        ));
    }
    if !small.is_empty() {
        note.push_str(&format!(
            " {} Niet geanalyseerd; tussen haakjes het aantal: {}.",
            small_population_note(minimum),
            small.join(", ")
        ));
    }
    panel.notes.push(note);
    Ok(())
}

/// The analysed values of `counts` (one per member): the counts, or smoothed rates per 1.000.
fn measure_values(measure: Measure, members: &[Member], counts: &[u64]) -> Vec<f64> {
    let counts: Vec<f64> = counts.iter().map(|&c| c as f64).collect();
    match measure {
        Measure::Count => counts,
        Measure::Per1000 => {
            let inhabitants: Vec<f64> = members
                .iter()
                .map(|m| m.population.unwrap_or(0) as f64)
                .collect();
            // Members are inhabited here (`keep_inhabited_areas`), so every rate exists.
            empirical_bayes_rates(&counts, &inhabitants)
                .unwrap_or_default()
                .into_iter()
                .map(|r| r.unwrap_or(0.0) * 1000.0)
                .collect()
        }
    }
}

/// Emerging hot spots over the unbroken run of periods with figures up to the requested one:
/// the window's periods and, with three or more, each member's class.
fn emerging(
    request: &HotspotRequest,
    frequency: Frequency,
    members: &[Member],
    weights: &SpatialWeights,
    notes: &mut Vec<String>,
) -> (Vec<Period>, Option<Vec<EmergingClass>>) {
    let window_len = request.window.unwrap_or(default_window(request.period));
    let mut window: Vec<(Period, Vec<f64>)> = Vec::new();
    for back in (0..window_len).rev() {
        let ordinals = step_ordinals(request.period, frequency, back);
        if let Some(counts) = counts_at_members(members, &ordinals) {
            let values = measure_values(request.measure, members, &counts);
            window.push((period_back(request.period, back), values));
        } else {
            window.clear(); // only an unbroken run up to the requested period counts
        }
    }
    let classes = (window.len() >= 3).then(|| {
        let cube: Vec<Vec<f64>> = window.iter().map(|(_, values)| values.clone()).collect();
        emerging_hotspots(&cube, weights, request.alpha, request.correction)
    });
    if classes.is_none() {
        notes.push(format!(
            "Opkomende hotspots vragen minstens 3 aaneengesloten perioden met cijfers; er zijn er \
             {}.",
            window.len()
        ));
    }
    (window.into_iter().map(|(p, _)| p).collect(), classes)
}

/// Spikes: the requested period against each area's own preceding periods. Returns the
/// history's periods and each member's spike test (None without enough history).
fn spikes(
    request: &HotspotRequest,
    frequency: Frequency,
    members: &[Member],
    notes: &mut Vec<String>,
) -> (Vec<Period>, Vec<Option<Spike>>) {
    let mut history: Vec<(Period, Vec<u64>)> = Vec::new();
    for back in (1..=default_window(request.period)).rev() {
        let ordinals = step_ordinals(request.period, frequency, back);
        if let Some(counts) = counts_at_members(members, &ordinals) {
            history.push((period_back(request.period, back), counts));
        }
    }
    if history.len() < 3 {
        notes.push(format!(
            "Pieken vragen minstens 3 eerdere perioden met cijfers; er zijn er {}.",
            history.len()
        ));
    }
    let tests = members
        .iter()
        .enumerate()
        .map(|(i, member)| {
            let own: Vec<f64> = history.iter().map(|(_, c)| c[i] as f64).collect();
            spike(member.count, &own)
        })
        .collect();
    (history.into_iter().map(|(p, _)| p).collect(), tests)
}

/// One row per member with its statistics and verdicts, flagged areas first.
fn rows(
    request: &HotspotRequest,
    members: &[Member],
    weights: &SpatialWeights,
    values: &[f64],
    emerging: Option<&[EmergingClass]>,
    spikes: &[Option<Spike>],
    mean: f64,
) -> Vec<HotspotRow> {
    let gi = gi_star(values, weights);
    let moran = local_moran(values, weights);
    let simulated = conditional_permutation(values, weights, request.permutations, request.seed);
    let gi_adjusted = adjust(&gi.p, request.alpha, request.correction);
    let lisa_adjusted = adjust(&simulated.local_moran, request.alpha, request.correction);
    let spike_p: Vec<Option<f64>> = spikes.iter().map(|s| s.map(|s| s.p_upper)).collect();
    let spike_adjusted = adjust(&spike_p, request.alpha, request.correction);
    let decimals = match request.measure {
        Measure::Count => 0,
        Measure::Per1000 => 1,
    };
    let mut rows: Vec<HotspotRow> = members
        .iter()
        .enumerate()
        .map(|(i, member)| {
            let k = weights.cardinality(i);
            let class = match gi.z[i] {
                None if k == 0 => HotspotClass::Island,
                Some(z) if gi_adjusted.reject[i] && z > 0.0 => HotspotClass::Hot,
                Some(z) if gi_adjusted.reject[i] && z < 0.0 => HotspotClass::Cold,
                _ => HotspotClass::None,
            };
            let mut row = HotspotRow {
                code: member.info.code.clone(),
                name: member.info.name.clone(),
                value: values[i],
                count: member.count,
                population: member.population,
                neighbours: k,
                neighbours_mean: (k > 0).then(|| weights.lag_sum(i, values) / k as f64),
                gi_star_z: gi.z[i],
                gi_star_p: gi.p[i],
                gi_star_p_sim: simulated.gi_star[i],
                p_adjusted: gi_adjusted.p_adjusted[i],
                lisa_i: moran.i[i],
                lisa_quadrant: moran.quadrant[i].map(|q| q.code()),
                lisa_p_sim: simulated.local_moran[i],
                lisa_p_adjusted: lisa_adjusted.p_adjusted[i],
                lisa_significant: lisa_adjusted.reject[i],
                class,
                emerging_class: emerging.map(|e| e[i]),
                expected: spikes[i].map(|s| s.expected),
                spike_p: spike_p[i],
                spike_p_adjusted: spike_adjusted.p_adjusted[i],
                spike: spike_adjusted.reject[i]
                    && spikes[i].is_some_and(|s| member.count as f64 > s.expected),
                explanation: None,
                evidence: None,
            };
            row.explanation = explain(&row, mean, decimals);
            row.evidence = evidence(&row, decimals);
            row
        })
        .collect();
    rows.sort_by(|a, b| {
        rank(a)
            .cmp(&rank(b))
            .then_with(|| {
                let z = |r: &HotspotRow| r.gi_star_z.unwrap_or(f64::NEG_INFINITY);
                match a.class {
                    HotspotClass::Cold => z(a).total_cmp(&z(b)),
                    _ => z(b).total_cmp(&z(a)),
                }
            })
            .then_with(|| a.code.cmp(&b.code))
    });
    rows
}

/// Periods in the emerging window and the spike history unless asked otherwise: 5 years, or 12
/// months (a year of history, as the monthly police table shows).
fn default_window(period: Period) -> usize {
    match period {
        Period::Year(_) => DEFAULT_WINDOW_YEARS,
        Period::Month { .. } => DEFAULT_WINDOW_MONTHS,
    }
}

/// Sort key: hot spots, then spikes, then cold spots, then the rest.
fn rank(row: &HotspotRow) -> u8 {
    match (row.class, row.spike) {
        (HotspotClass::Hot, _) => 0,
        (_, true) => 1,
        (HotspotClass::Cold, _) => 2,
        _ => 3,
    }
}

/// How far from the mean of all areas a value may lie and still be called "gemiddeld" in an
/// explanation: within a quarter. Words only; the flag itself comes from the test.
const AVERAGE_BAND: f64 = 0.25;

/// Why an area is flagged, in words a council member reads without the statistics: whether
/// the area itself is high or low, whether its neighbours are, and whether it exceeds its own
/// history. A hot spot can be a buurt that is itself average between busy neighbours; that
/// is said, because the action it asks for is different.
fn explain(row: &HotspotRow, mean: f64, decimals: usize) -> Option<String> {
    let spot = matches!(row.class, HotspotClass::Hot | HotspotClass::Cold);
    if !spot && !row.spike {
        return None;
    }
    let value = |x: f64| decimal(x, decimals);
    let mut sentences = Vec::new();
    if spot {
        let hot = row.class == HotspotClass::Hot;
        let figures = if decimals == 0 {
            "aantallen"
        } else {
            "cijfers"
        };
        let high_or_low = if hot { "hoge" } else { "lage" };
        let level = own_level(row.value, mean);
        let itself = match level {
            Level::High => "zelf hoog",
            Level::Average => "zelf gemiddeld",
            Level::Low => "zelf laag",
        };
        let neighbours = row
            .neighbours_mean
            .map_or_else(String::new, |m| format!(" (gemiddeld {})", decimal(m, 1)));
        let part_of_the_cluster = matches!((hot, level), (true, Level::High) | (false, Level::Low));
        sentences.push(if part_of_the_cluster {
            format!(
                "Zelf {} ({}), en de buren ook{neighbours}; het gemiddelde van alle gebieden is {}.",
                if hot { "hoog" } else { "laag" },
                value(row.value),
                decimal(mean, 1)
            )
        } else {
            format!(
                "Ligt tussen buren met {high_or_low} {figures}{neighbours}; {itself} ({}, het \
                 gemiddelde van alle gebieden is {}). De omgeving valt op, niet deze buurt alleen.",
                value(row.value),
                decimal(mean, 1)
            )
        });
    }
    if row.spike {
        if let Some(expected) = row.expected {
            sentences.push(format!(
                "Meer dan de eigen geschiedenis doet verwachten: {} geregistreerd, verwacht {}.",
                integer(row.count),
                decimal(expected, 1)
            ));
        }
    }
    Some(sentences.join(" "))
}

/// The statistics behind a flag, for readers who ask for them.
fn evidence(row: &HotspotRow, decimals: usize) -> Option<String> {
    row.explanation.as_ref()?;
    let mut parts = Vec::new();
    let spot = matches!(row.class, HotspotClass::Hot | HotspotClass::Cold);
    if let (true, Some(z), Some(p), Some(adjusted)) =
        (spot, row.gi_star_z, row.gi_star_p, row.p_adjusted)
    {
        parts.push(format!(
            "{}: waarde {}; Gi* z = {}, {}, na correctie {}",
            row.class.label(),
            decimal(row.value, decimals),
            decimal(z, 2),
            p_phrase(p),
            p_phrase(adjusted)
        ));
    }
    if let (true, Some(expected), Some(p)) = (row.spike, row.expected, row.spike_p_adjusted) {
        parts.push(format!(
            "piek: {} geregistreerd, verwacht {} op eigen historie ({} na correctie)",
            row.count,
            decimal(expected, 1),
            p_phrase(p)
        ));
    }
    Some(parts.join("; "))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    High,
    Average,
    Low,
}

fn own_level(value: f64, mean: f64) -> Level {
    if value > mean * (1.0 + AVERAGE_BAND) {
        Level::High
    } else if value < mean * (1.0 - AVERAGE_BAND) {
        Level::Low
    } else {
        Level::Average
    }
}

/// The source ordinals that make up the period `back` steps before `period`.
fn step_ordinals(period: Period, frequency: Frequency, back: usize) -> Vec<i64> {
    let target = period_back(period, back);
    match (target, frequency) {
        (Period::Month { .. }, _) => vec![target.ordinal()],
        (Period::Year(year), Frequency::Year) => vec![i64::from(year)],
        (Period::Year(year), Frequency::Month) => (1..=12)
            .map(|month| Period::Month { year, month }.ordinal())
            .collect(),
    }
}

fn period_back(period: Period, back: usize) -> Period {
    Period::from_ordinal(period.frequency(), period.ordinal() - back as i64)
}

fn counts_at_members(members: &[Member], ordinals: &[i64]) -> Option<Vec<u64>> {
    members
        .iter()
        .map(|m| sum_over(&m.series, ordinals))
        .collect()
}

fn covered(members: &[Member], frequency: Frequency) -> String {
    let ordinals: Vec<i64> = members
        .iter()
        .flat_map(|m| m.series.iter().flat_map(|s| s.iter().map(|(p, _)| p)))
        .collect();
    covered_span(frequency, ordinals.iter().min(), ordinals.iter().max())
}

fn build_weights(members: &[Member], rule: WeightsRule) -> SpatialWeights {
    match rule {
        WeightsRule::Queen | WeightsRule::Rook => {
            let shapes: Vec<MultiPolygon<f64>> = members.iter().map(|m| m.shape.clone()).collect();
            let contiguity = if rule == WeightsRule::Queen {
                Contiguity::Queen
            } else {
                Contiguity::Rook
            };
            contiguity_weights(&shapes, contiguity)
        }
        WeightsRule::Knn(k) => knn_weights(&centroids_rd(members), k),
        WeightsRule::DistanceBand(metres) => distance_band_weights(&centroids_rd(members), metres),
    }
}

/// Area centroids in RD New metres (the store keeps WGS84).
fn centroids_rd(members: &[Member]) -> Vec<[f64; 2]> {
    members.iter().map(|m| centroid_rd(&m.shape)).collect()
}

/// The centroid in RD New of a WGS84 shape.
fn centroid_rd(shape: &MultiPolygon<f64>) -> [f64; 2] {
    let point = crate::areas::in_rd_new(shape)
        .centroid()
        .expect("a polygon with area has a centroid");
    [point.x(), point.y()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_rules_parse_and_print() {
        for text in ["queen", "rook", "knn:5", "distance:1500"] {
            assert_eq!(text.parse::<WeightsRule>().expect(text).to_string(), text);
        }
        for bad in ["king", "knn:0", "knn:x", "distance:-3"] {
            assert!(bad.parse::<WeightsRule>().is_err(), "{bad}");
        }
    }
}
