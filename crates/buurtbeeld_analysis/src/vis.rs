//! The VIS view of one area and one theme: police registrations, the municipality's enforcement
//! and residents' reports side by side per month, with whether they move together over time.
//! This is the "koppeling met handhavingsgegevens" of a Veiligheids-Informatiesysteem: one
//! question ("what is going on here?") asked of everything the municipality knows.

use std::collections::BTreeMap;

use buurtbeeld_cube::{AreaCode, AreaLevel, Frequency, Period, SourceKind, Subject};
use buurtbeeld_stats::rank_correlation::{correlate as correlate_series, Changes, Method};
use buurtbeeld_stats::report_clusters::{cluster_reports, ClusterRule, Report};
use buurtbeeld_store::{Store, StoredIncident};

use crate::registrations::{
    covered_months, read_registrations, registration_attribution, registration_scope,
    RegistrationScope,
};
use crate::trend::trend_in;
use crate::{descendants, PictureError};

/// How reports of one problem by several residents are recognised.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct DedupRule {
    /// Metres from the problem's first report.
    pub metres: f64,
    /// Days after the problem's first report.
    pub days: i32,
}

impl Default for DedupRule {
    /// 50 m and 7 days: a neighbour reporting the same dumped waste or nuisance the same week.
    fn default() -> Self {
        DedupRule {
            metres: 50.0,
            days: 7,
        }
    }
}

impl DedupRule {
    /// The rule as pages and documents state it.
    pub fn describe(&self) -> String {
        format!(
            "Meldingen van dezelfde categorie binnen {} m en {} dagen na de eerste melding van \
             een probleem tellen als één probleem; het aantal meldingen blijft daarnaast zichtbaar.",
            buurtbeeld_cube::dutch::decimal(self.metres, 0),
            self.days
        )
    }
}

#[derive(Debug, Clone)]
pub struct VisRequest {
    pub area: AreaCode,
    pub theme: String,
    pub dedup: DedupRule,
}

/// One source's monthly figures for the theme.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct VisColumn {
    /// The police table (e.g. `47022NED`, `BVH`) or the registration source id.
    pub source: String,
    /// The source's own name, e.g. `Meldingen openbare ruimte (Signalen)`.
    pub name: String,
    /// What a table column calls it: the kind ("Handhaving", "Meldingen van bewoners"), or the
    /// name where two sources are of one kind.
    pub heading: String,
    pub kind: SourceKind,
    /// Per month of `Vis::months`; `None` where the source covers no data.
    pub counts: Vec<Option<u64>>,
    /// Resident reports only: the problems behind the reports (`DedupRule`).
    pub problems: Option<Vec<Option<u64>>>,
    /// A source published per year only (e.g. police table 47018NED): its yearly counts, and
    /// `counts` all `None`.
    pub per_year: Option<BTreeMap<i32, u64>>,
    pub total: u64,
    pub total_problems: Option<u64>,
    /// The source's categories the theme holds.
    pub categories: Vec<String>,
    pub attribution: String,
}

/// Whether two sources move together over the months both cover.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Movement {
    Together,
    Opposite,
    NoClearRelation,
    TooFewMonths,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct VisCorrelation {
    pub first: String,
    pub second: String,
    /// Year-on-year differences (a month against the same month a year earlier) both sources
    /// have.
    pub changes: usize,
    pub spearman: Option<f64>,
    pub p_value: Option<f64>,
    pub movement: Movement,
    /// Plain Dutch: "Handhaving en meldingen van bewoners bewegen samen (…)".
    pub sentence: String,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Vis {
    pub area: AreaCode,
    pub area_name: String,
    pub level: AreaLevel,
    pub theme: String,
    pub theme_name: String,
    pub months: Vec<Period>,
    pub columns: Vec<VisColumn>,
    pub correlations: Vec<VisCorrelation>,
    pub dedup: DedupRule,
    pub dedup_rule: String,
    /// How "moving together" is decided, as pages state it.
    pub method: String,
    pub notes: Vec<String>,
}

/// Every source that has figures for the theme in the area, month by month.
pub fn vis(store: &Store, request: &VisRequest) -> Result<Vis, PictureError> {
    let area = store
        .area(&request.area)?
        .ok_or_else(|| PictureError::UnknownArea(request.area.clone()))?;
    let themes = store.themes()?;
    let theme = themes
        .iter()
        .find(|t| t.id == request.theme)
        .ok_or_else(|| {
            let ids: Vec<&str> = themes.iter().map(|t| t.id.as_str()).collect();
            PictureError::UnknownTheme(request.theme.clone(), ids.join(", "))
        })?;
    let buurten: Vec<AreaCode> = if area.level == AreaLevel::Buurt {
        vec![area.code.clone()]
    } else {
        descendants(store, &area, Some(AreaLevel::Buurt))?
            .into_iter()
            .map(|b| b.code)
            .collect()
    };
    let mut notes = Vec::new();
    let mut monthly: Vec<Monthly> = Vec::new();
    if !theme.categories.is_empty() {
        if let Some(police) = police_column(store, &area.code, &theme.id, &mut notes)? {
            monthly.push(police);
        }
    }
    for source in store.incident_sources()? {
        if source.kind == SourceKind::Politie {
            // Police counts come from the tables above; a BVH export is one of them.
            continue;
        }
        let subject = Subject::Theme(theme.id.clone());
        let Ok(scope) = registration_scope(store, source, &subject) else {
            continue;
        };
        monthly.push(registration_column(store, &scope, &buurten, request.dedup)?);
    }
    if monthly.is_empty() {
        return Err(PictureError::no_data(&area.code, None));
    }
    let first = monthly.iter().filter_map(|(_, m, _)| m.keys().next()).min();
    let last = monthly
        .iter()
        .filter_map(|(_, m, _)| m.keys().next_back())
        .max();
    let months: Vec<i64> = match (first, last) {
        (Some(&a), Some(&b)) => (a..=b).collect(),
        _ => Vec::new(),
    };
    let kinds: Vec<SourceKind> = monthly.iter().map(|(c, _, _)| c.kind).collect();
    let years: Vec<i32> = months
        .iter()
        .map(|&m| Period::from_ordinal(Frequency::Month, m).calendar_year())
        .collect();
    let columns: Vec<VisColumn> = monthly
        .into_iter()
        .map(|(mut column, counts, problems)| {
            column.counts = months.iter().map(|m| counts.get(m).copied()).collect();
            column.problems = problems.map(|p| months.iter().map(|m| p.get(m).copied()).collect());
            if let Some(per_year) = &mut column.per_year {
                per_year.retain(|year, _| years.contains(year));
                column.total = per_year.values().sum();
            }
            let shared = kinds.iter().filter(|&&k| k == column.kind).count() > 1;
            column.heading = if shared {
                column.name.clone()
            } else {
                column.kind.dutch().to_owned()
            };
            column
        })
        .collect();
    let correlations = correlations(&columns);
    Ok(Vis {
        area: area.code.clone(),
        area_name: area.name.clone(),
        level: area.level,
        theme: theme.id.clone(),
        theme_name: theme.name.clone(),
        months: months
            .iter()
            .map(|&m| Period::from_ordinal(Frequency::Month, m))
            .collect(),
        columns,
        correlations,
        dedup: request.dedup,
        dedup_rule: request.dedup.describe(),
        method: METHOD.to_owned(),
        notes,
    })
}

const METHOD: &str =
    "Samenhang: Spearmans rangcorrelatie van de verschillen met dezelfde maand een \
    jaar eerder (niet van de aantallen zelf of van maand op maand: die bewegen door het seizoen \
    altijd samen); 'bewegen samen' of 'bewegen tegengesteld' bij p < 0,01, anders 'geen \
    duidelijk verband'. Minstens 24 maanden met cijfers van beide bronnen.";

type Monthly = (VisColumn, BTreeMap<i64, u64>, Option<BTreeMap<i64, u64>>);

/// The police figures of the theme in the area, when the preferred table has months.
fn police_column(
    store: &Store,
    area: &AreaCode,
    theme: &str,
    notes: &mut Vec<String>,
) -> Result<Option<Monthly>, PictureError> {
    // The first table with figures for the theme, months before years: a BVH export may
    // hold other categories than the theme's, and a yearly table may have them.
    let mut tables = crate::areas::area_sources(store, area)?;
    tables.sort_by_key(|(_, frequency)| *frequency != Frequency::Month);
    let subject = Subject::Theme(theme.to_owned());
    let mut found = None;
    for (table, _) in &tables {
        match trend_in(store, area, &subject, Some(table)) {
            Ok(trend) if trend.points.iter().any(|p| p.count.is_some_and(|n| n > 0)) => {
                found = Some(trend);
                break;
            }
            Ok(_) => {}
            Err(PictureError::Store(e)) => return Err(PictureError::Store(e)),
            Err(_) => {}
        }
    }
    let Some(trend) = found else {
        return Ok(None);
    };
    let yearly = trend.frequency != Frequency::Month;
    let counts: BTreeMap<i64, u64> = trend
        .points
        .iter()
        .filter_map(|p| Some((p.period.ordinal(), p.count?)))
        .collect();
    let per_year = yearly.then(|| {
        notes.push(format!(
            "De politiecijfers ({}) zijn er alleen per jaar: ze staan in de jaartabel, niet in \
             de grafiek per maand.",
            trend.source
        ));
        counts.iter().map(|(&year, &n)| (year as i32, n)).collect()
    });
    let column = VisColumn {
        source: trend.source.clone(),
        name: SourceKind::Politie.dutch().to_owned(),
        heading: String::new(),
        kind: SourceKind::Politie,
        counts: Vec::new(),
        problems: None,
        per_year,
        total: counts.values().sum(),
        total_problems: None,
        categories: vec![trend.subject_label.clone()],
        attribution: trend.attribution.clone(),
    };
    let monthly = if yearly { BTreeMap::new() } else { counts };
    Ok(Some((column, monthly, None)))
}

/// A registration source's monthly counts in the buurten; for resident reports also the
/// problems behind them.
fn registration_column(
    store: &Store,
    scope: &RegistrationScope,
    buurten: &[AreaCode],
    dedup: DedupRule,
) -> Result<Monthly, PictureError> {
    let mut counts: BTreeMap<i64, u64> = BTreeMap::new();
    if let Some((first, last)) = covered_months(store, &scope.source.id)? {
        for m in first.ordinal()..=last.ordinal() {
            counts.insert(m, 0);
        }
    }
    let registrations = read_registrations(store, scope, buurten, None)?;
    for r in &registrations {
        *counts.entry(r.day.month().ordinal()).or_default() += 1;
    }
    let problems = (scope.source.kind == SourceKind::Meldingen)
        .then(|| problems_per_month(&registrations, dedup, &counts));
    let labels = store.source_categories(&scope.source.id)?;
    let categories = scope
        .categories
        .iter()
        .map(|code| {
            labels
                .iter()
                .find(|l| &l.code == code)
                .map_or_else(|| code.clone(), |l| l.label.clone())
        })
        .collect();
    let column = VisColumn {
        source: scope.source.id.clone(),
        name: scope.source.name.clone(),
        heading: String::new(),
        kind: scope.source.kind,
        counts: Vec::new(),
        total: counts.values().sum(),
        total_problems: problems.as_ref().map(|p| p.values().sum()),
        problems: None,
        per_year: None,
        categories,
        attribution: registration_attribution(&scope.source),
    };
    Ok((column, counts, problems))
}

/// Each pair of columns: do their month-to-month changes move together?
fn correlations(columns: &[VisColumn]) -> Vec<VisCorrelation> {
    let mut result = Vec::new();
    let monthly: Vec<&VisColumn> = columns.iter().filter(|c| c.per_year.is_none()).collect();
    for (i, a) in monthly.iter().enumerate() {
        for b in &monthly[i + 1..] {
            result.push(correlate(a, b));
        }
    }
    result
}

/// Problems per month (the month of a problem's first report) under the rule. A report
/// without a point cannot be matched to others and is a problem of its own.
fn problems_per_month(
    registrations: &[StoredIncident],
    dedup: DedupRule,
    covered: &BTreeMap<i64, u64>,
) -> BTreeMap<i64, u64> {
    let mut problems: BTreeMap<i64, u64> = covered.keys().map(|&m| (m, 0)).collect();
    let mut categories: Vec<&str> = registrations.iter().map(|r| r.category.as_str()).collect();
    categories.sort_unstable();
    categories.dedup();
    let located: Vec<&StoredIncident> =
        registrations.iter().filter(|r| r.point.is_some()).collect();
    let reports: Vec<Report> = located
        .iter()
        .map(|r| {
            let point = r.point.expect("filtered on having a point");
            Report {
                category: categories
                    .binary_search(&r.category.as_str())
                    .expect("every category is listed") as u32,
                x: point.x,
                y: point.y,
                day: r.day.days_since_epoch(),
            }
        })
        .collect();
    let rule = ClusterRule {
        distance: dedup.metres,
        days: dedup.days,
    };
    // The rule is checked where it is asked (CLI, API); points are finite by construction.
    if let Ok(found) = cluster_reports(&reports, &rule) {
        for &first in &found.first_report {
            *problems
                .entry(located[first].day.month().ordinal())
                .or_default() += 1;
        }
    }
    for r in registrations.iter().filter(|r| r.point.is_none()) {
        *problems.entry(r.day.month().ordinal()).or_default() += 1;
    }
    problems
}

/// Spearman's rank correlation of the year-on-year differences over the months both columns
/// cover, with its verdict in words.
fn correlate(a: &VisColumn, b: &VisColumn) -> VisCorrelation {
    let both: Vec<(f64, f64)> = a
        .counts
        .iter()
        .zip(&b.counts)
        .filter_map(|(x, y)| Some((x.map(|v| v as f64)?, y.map(|v| v as f64)?)))
        .collect();
    let (x, y): (Vec<f64>, Vec<f64>) = both.into_iter().unzip();
    let changes = x.len().saturating_sub(12);
    let mut result = VisCorrelation {
        first: a.heading.clone(),
        second: b.heading.clone(),
        changes,
        spearman: None,
        p_value: None,
        movement: Movement::TooFewMonths,
        sentence: format!(
            "{} en {}: te weinig maanden met cijfers van beide om te zeggen of ze samen bewegen.",
            a.heading,
            b.heading.to_lowercase()
        ),
    };
    if x.len() < MIN_MONTHS {
        return result;
    }
    let Ok(correlation) = correlate_series(&x, &y, Method::Spearman, Changes::YearOnYear) else {
        result.movement = Movement::NoClearRelation;
        result.sentence = format!(
            "{} en {}: een van beide verandert niet van jaar tot jaar; geen verband te meten.",
            a.heading,
            b.heading.to_lowercase()
        );
        return result;
    };
    result.spearman = Some(correlation.r);
    result.p_value = Some(correlation.p_value);
    let (movement, verb) = if correlation.p_value >= ALPHA {
        (Movement::NoClearRelation, "bewegen niet duidelijk samen")
    } else if correlation.r > 0.0 {
        (
            Movement::Together,
            "bewegen samen: gaat de een omhoog, dan meestal de ander ook",
        )
    } else {
        (
            Movement::Opposite,
            "bewegen tegengesteld: gaat de een omhoog, dan de ander meestal omlaag",
        )
    };
    result.movement = movement;
    result.sentence = format!("{} en {} {verb}.", a.heading, b.heading.to_lowercase());
    result
}

/// Months with figures of both sources needed to judge whether they move together: 12
/// year-on-year differences.
const MIN_MONTHS: usize = 24;

/// Level at which two sources are said to move together or apart. Stricter than 0,05 because
/// year-on-year differences are autocorrelated, which makes the p-value too small: on 1.000
/// pairs of independent series with a shared season 10% fall below 0,05 and 2,9% below 0,01
/// (`buurtbeeld_stats::rank_correlation`, measured behaviour).
const ALPHA: f64 = 0.01;
