//! The safety plan against the data: KPI progress per goal, the statutory BBV indicators of
//! taakveld Veiligheid, and the plan's action points and budget as the store holds them.
//!
//! A KPI is measured on complete years only (a year of which not every month is published is
//! not compared with a yearly target). Progress is judged against the straight path from the
//! baseline to the target: "op koers" when the latest complete year is at or beyond that path in
//! the good direction, "behaald" when it is at or beyond the target itself. Once the target
//! year is measured (the latest complete year with a figure is the target year), a goal is
//! "behaald" or "niet behaald": there is no course left to be on.

use buurtbeeld_cube::{
    ActionSet, AreaCode, BudgetYear, CategoryCode, Direction, Goal, KpiMeasure, Plan, Theme,
};
use buurtbeeld_store::{PlanVersion, Store};

use crate::{
    compare_with_peers, complete_year_picture, peer_years, PictureError, PlanError, Subject,
    PEER_SOURCE,
};

/// How a goal stands in its latest complete year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KpiStatus {
    /// At or beyond the target.
    Achieved,
    /// The target year is measured and the figure did not reach the target.
    NotAchieved,
    /// At or beyond the straight path from baseline to target.
    OnTrack,
    /// Behind that path.
    OffTrack,
    /// No figure for the baseline or any later complete year.
    NoData,
}

impl KpiStatus {
    pub fn label(self) -> &'static str {
        match self {
            KpiStatus::Achieved => "behaald",
            KpiStatus::NotAchieved => "niet behaald",
            KpiStatus::OnTrack => "op koers",
            KpiStatus::OffTrack => "niet op koers",
            KpiStatus::NoData => "geen gegevens",
        }
    }
}

/// One goal's indicator over the years, and its status.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct KpiProgress {
    pub goal: Goal,
    pub theme_name: String,
    pub indicator_label: String,
    pub area_name: String,
    /// Complete years from the baseline to the target year (or the latest with data), with the
    /// indicator's value where the store has it.
    pub values: Vec<(i32, Option<f64>)>,
    pub baseline: Option<f64>,
    /// The latest complete year after the baseline with a value.
    pub latest: Option<(i32, f64)>,
    /// Where the straight path from baseline to target is in the latest year.
    pub path_value: Option<f64>,
    pub status: KpiStatus,
}

/// One statutory BBV indicator of taakveld Veiligheid for the plan's gemeente.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct BbvIndicator {
    pub theme: String,
    pub label: String,
    /// How it is computed, for the documents.
    pub definition: String,
    /// The gemeente's value per year of [`PlanReport::bbv_years`].
    pub values: Vec<(i32, Option<f64>)>,
    /// Nederland's value in the same years, where the store has every gemeente's figures.
    pub national: Vec<(i32, Option<f64>)>,
}

/// A plan with everything measured about it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PlanReport {
    pub plan: Plan,
    pub municipality_name: String,
    pub kpis: Vec<KpiProgress>,
    pub bbv: Vec<BbvIndicator>,
    pub actions: Vec<ActionSet>,
    pub budget: Vec<BudgetYear>,
    pub history: Vec<PlanVersion>,
    /// Complete years the store has crime figures for in the plan's gemeente.
    pub complete_years: Vec<i32>,
    /// The years of the BBV table: those of the national yearly table (47018NED) from the
    /// year before the plan to its last, when the store has it; else `complete_years`.
    pub bbv_years: Vec<i32>,
    /// What a reader of the BBV table must know (e.g. inhabitants on another indeling).
    pub bbv_notes: Vec<String>,
}

/// The plan of `id`, measured; `None` if there is no such plan.
pub fn plan_report(store: &Store, id: &str) -> Result<Option<PlanReport>, PlanError> {
    let Some(plan) = store.plan(id)? else {
        return Ok(None);
    };
    let municipality_name = store
        .area(&plan.municipality)?
        .map_or_else(|| plan.municipality.to_string(), |a| a.name);
    let themes = store.themes()?;
    let kpis = plan
        .goals
        .iter()
        .map(|goal| kpi_progress(store, &themes, &plan, goal))
        .collect::<Result<_, _>>()?;
    // The total where the police tables are imported; else what the goals measure (the demo
    // has bicycle thefts only).
    let mut subjects = vec![Subject::Theme("totaal".to_owned())];
    subjects.extend(plan.goals.iter().map(|g| subject_of(&g.indicator)));
    let complete_years = complete_years(store, &plan.municipality, &subjects)?;
    let (bbv_years, bbv, bbv_notes) = bbv_indicators(store, &themes, &plan, &complete_years)?;
    Ok(Some(PlanReport {
        actions: store.action_sets(&plan.id)?,
        budget: store.budget(&plan.id)?,
        history: store.plan_history(&plan.id)?,
        plan,
        municipality_name,
        kpis,
        bbv,
        complete_years,
        bbv_years,
        bbv_notes,
    }))
}

/// The plan of `id`, measured, for a document about it: an unknown plan is an error.
pub fn known_plan_report(store: &Store, id: &str) -> Result<PlanReport, PlanError> {
    plan_report(store, id)?.ok_or_else(|| PlanError::UnknownPlan(id.to_owned()))
}

pub(crate) fn subject_of(indicator: &str) -> Subject {
    match CategoryCode::parse(indicator) {
        Ok(code) if indicator.contains('.') => Subject::Category(code),
        _ => Subject::Theme(indicator.to_owned()),
    }
}

/// The indicator of `subject` in `area` for a complete `year`; `None` when the store has no
/// complete year of figures (or no population, for a rate).
fn yearly_value(
    store: &Store,
    area: &AreaCode,
    subject: &Subject,
    measure: KpiMeasure,
    year: i32,
) -> Result<Option<f64>, PlanError> {
    let Some(picture) = complete_year_picture(store, area, subject, year)? else {
        return Ok(None);
    };
    let own = &picture.rows[0];
    Ok(match measure {
        KpiMeasure::Count => own.count.map(|c| c as f64),
        KpiMeasure::Per1000 => own.per_1000,
    })
}

/// Years of which every month is in the store for any of `subjects` in `area`, oldest first.
pub fn complete_years(
    store: &Store,
    area: &AreaCode,
    subjects: &[Subject],
) -> Result<Vec<i32>, PlanError> {
    let mut complete = std::collections::BTreeSet::new();
    for subject in subjects {
        match crate::picture::years_with_data(store, area, subject) {
            Ok(years) => {
                complete.extend(years.into_iter().filter(|(_, m)| *m >= 12).map(|(y, _)| y))
            }
            Err(
                PictureError::NoData { .. }
                | PictureError::UnknownArea(_)
                | PictureError::UnknownTheme(..)
                | PictureError::UnknownCategory(_),
            ) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(complete.into_iter().collect())
}

fn kpi_progress(
    store: &Store,
    themes: &[Theme],
    plan: &Plan,
    goal: &Goal,
) -> Result<KpiProgress, PlanError> {
    let subject = subject_of(&goal.indicator);
    let indicator_label = match &subject {
        Subject::Theme(id) => themes
            .iter()
            .find(|t| &t.id == id)
            .map_or_else(|| id.clone(), |t| t.name.clone()),
        Subject::Category(code) => format!("categorie {code}"),
    };
    let mut values = Vec::new();
    for year in goal.baseline_year..=goal.target_year {
        values.push((
            year,
            yearly_value(store, &goal.area, &subject, goal.measure, year)?,
        ));
    }
    let baseline = values.first().and_then(|(_, v)| *v);
    let latest = values
        .iter()
        .skip(1)
        .rev()
        .find_map(|(year, value)| value.map(|v| (*year, v)));
    let (path_value, status) = match (baseline, latest) {
        (Some(baseline), Some((year, value))) => {
            let share = f64::from(year - goal.baseline_year)
                / f64::from((goal.target_year - goal.baseline_year).max(1));
            let path = baseline + (goal.target - baseline) * share;
            let better_or_equal = |a: f64, b: f64| match goal.direction {
                Direction::Down => a <= b,
                Direction::Up => a >= b,
            };
            let status = if better_or_equal(value, goal.target) {
                KpiStatus::Achieved
            } else if year >= goal.target_year {
                KpiStatus::NotAchieved
            } else if better_or_equal(value, path) {
                KpiStatus::OnTrack
            } else {
                KpiStatus::OffTrack
            };
            (Some(path), status)
        }
        _ => (None, KpiStatus::NoData),
    };
    Ok(KpiProgress {
        theme_name: plan
            .theme(&goal.theme)
            .map_or_else(|| goal.theme.clone(), |t| t.name.clone()),
        indicator_label,
        area_name: store
            .area(&goal.area)?
            .map_or_else(|| goal.area.to_string(), |a| a.name),
        goal: goal.clone(),
        values,
        baseline,
        latest,
        path_value,
        status,
    })
}

/// The BBV table: its years, its indicators and the notes a reader needs.
type BbvTable = (Vec<i32>, Vec<BbvIndicator>, Vec<String>);

/// The BBV indicators the theme set marks (`bbv_indicator`), per year, with Nederland's line.
/// Where the store has the yearly table of every gemeente (47018NED), the indicators come from
/// it, as waarstaatjegemeente.nl shows them: from the year before the plan to its last year.
/// Else from the gemeente's complete years in its own best source, without a national line.
/// Halt referrals have no police category and stay empty until Halt figures are imported.
fn bbv_indicators(
    store: &Store,
    themes: &[Theme],
    plan: &Plan,
    complete_years: &[i32],
) -> Result<BbvTable, PlanError> {
    let marked: Vec<&Theme> = themes
        .iter()
        .filter(|t| t.bbv_indicator.is_some())
        .collect();
    let mut national_years = std::collections::BTreeSet::new();
    for theme in marked.iter().filter(|t| !t.categories.is_empty()) {
        national_years.extend(
            peer_years(store, &Subject::Theme(theme.id.clone()))?
                .into_iter()
                .filter(|y| (plan.first_year - 1..=plan.last_year).contains(y)),
        );
    }
    let from_peers = !national_years.is_empty();
    let years: Vec<i32> = if from_peers {
        national_years.into_iter().collect()
    } else {
        complete_years.to_vec()
    };
    let mut indicators = Vec::new();
    let mut other_indeling = std::collections::BTreeSet::new();
    for theme in marked {
        let subject = Subject::Theme(theme.id.clone());
        let mut values = Vec::new();
        let mut national = Vec::new();
        for &year in &years {
            if theme.categories.is_empty() {
                values.push((year, None));
                national.push((year, None));
            } else if from_peers {
                let comparison = compare_with_peers(store, &plan.municipality, &subject, year)?;
                values.push((year, comparison.own.map(|r| r.per_1000)));
                national.push((year, comparison.nederland.map(|n| n.rate.per_1000)));
                if comparison.other_indeling {
                    other_indeling.insert(year);
                }
            } else {
                values.push((
                    year,
                    yearly_value(
                        store,
                        &plan.municipality,
                        &subject,
                        KpiMeasure::Per1000,
                        year,
                    )?,
                ));
                national.push((year, None));
            }
        }
        indicators.push(BbvIndicator {
            theme: theme.id.clone(),
            label: theme.bbv_indicator.clone().unwrap_or_default(),
            definition: theme.description.clone(),
            values,
            national,
        });
    }
    let notes = match (other_indeling.first(), other_indeling.last()) {
        (Some(first), Some(last)) => vec![format!(
            "De inwonertallen van {} horen bij een andere gemeentelijke indeling dan de \
             misdrijven ({PEER_SOURCE} zet alle jaren op de nieuwste indeling). Is de gemeente \
             sindsdien heringedeeld, dan is haar cijfer per 1.000 inwoners in die jaren te hoog; \
             de landelijke lijn klopt wel.",
            if first == last {
                first.to_string()
            } else {
                format!("{first} tot en met {last}")
            }
        )],
        _ => Vec::new(),
    };
    Ok((years, indicators, notes))
}
