//! "Heeft het geholpen?": the effect of a registered intervention on the registered crime in
//! its areas, against an honest counterfactual, with a verdict a council member can read.
//!
//! Three estimators, each stated with its weakness:
//! - **voor/na** (before/after with a seasonal baseline): the months since the start against
//!   the same calendar months before it, in the intervention's areas only. It cannot tell the
//!   intervention from anything else that changed at the same time (a city-wide fall), so it
//!   is labelled the weakest.
//! - **verschil-in-verschillen**: the same change in the intervention's areas minus the change
//!   in comparison areas of the same level in the gemeente, chosen because their monthly counts
//!   before the start were closest (level and trend); standard errors clustered by area.
//! - **synthetische controle**: a weighted mix of all other areas of the level that followed
//!   the intervention's areas before the start; its uncertainty from placebo tests in space.
//!
//! Too short a period before the start, too few comparison areas or too few incidents give a
//! plain "onvoldoende gegevens" with the reason instead of a number.

use buurtbeeld_cube::{AreaCode, AreaLevel, Frequency, Intervention, Period, Series};
use buurtbeeld_stats::difference_in_differences::difference_in_differences;
use buurtbeeld_stats::synthetic_control::{synthetic_control_with_placebos, SynthError};
use buurtbeeld_stats::{poisson_exact_test, rate_ratio_interval};
use buurtbeeld_store::Store;
use serde::Serialize;

use crate::hotspots::sum_over;
use crate::picture::{
    attribution, choose_source, descendants, resolve_subject, PictureError, PictureRequest,
};
use crate::plan::subject_of;

/// Months before the start an estimate needs at least (one full seasonal cycle).
pub const MIN_PRE_MONTHS: usize = 12;
/// Comparison areas difference-in-differences chooses (fewer when the gemeente has fewer).
pub const COMPARISON_AREAS: usize = 5;
/// Incidents before the start, in the intervention's areas, below which no effect is estimated.
pub const MIN_PRE_INCIDENTS: f64 = 30.0;
/// Significance level of the verdicts.
pub const ALPHA: f64 = 0.05;

/// Which estimators to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EffectMethod {
    BeforeAfter,
    DifferenceInDifferences,
    SyntheticControl,
    All,
}

impl EffectMethod {
    pub fn parse(text: &str) -> Option<EffectMethod> {
        match text {
            "before-after" => Some(EffectMethod::BeforeAfter),
            "did" => Some(EffectMethod::DifferenceInDifferences),
            "synth" => Some(EffectMethod::SyntheticControl),
            "all" => Some(EffectMethod::All),
            _ => None,
        }
    }
}

/// The effect of one intervention by every estimator asked for.
#[derive(Debug, Clone, Serialize)]
pub struct EffectReport {
    pub intervention: Intervention,
    pub subject_label: String,
    pub level: AreaLevel,
    /// The intervention's areas with their names.
    pub treated: Vec<(AreaCode, String)>,
    /// The months of the series, `YYYY-MM`, up to the end of the intervention or of the data.
    pub months: Vec<String>,
    /// Index in `months` of the first month of the intervention.
    pub start_index: usize,
    /// Registered incidents in the intervention's areas together, per month.
    pub observed: Vec<f64>,
    pub estimates: Vec<EffectEstimate>,
    pub source: String,
    pub attribution: String,
}

/// One estimator's answer.
#[derive(Debug, Clone, Serialize)]
pub struct EffectEstimate {
    /// `before-after` or `did`.
    pub method: &'static str,
    /// Dutch name, e.g. `voor/na (seizoensbasislijn)`.
    pub label: &'static str,
    /// What the estimate can and cannot tell, in Dutch.
    pub caveat: &'static str,
    pub verdict: Verdict,
    /// What would have been registered without the intervention, per month (for the chart).
    pub counterfactual: Vec<Option<f64>>,
    /// Root mean squared gap between observed and counterfactual before the start: how well
    /// the counterfactual follows the treated areas when nothing was done yet.
    pub pre_fit_rmse: Option<f64>,
    /// The comparison areas and how far each was from the treated areas before the start.
    pub comparison: Vec<ComparisonArea>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ComparisonArea {
    pub code: AreaCode,
    pub name: String,
    /// Root mean squared difference of its monthly counts from the treated areas' mean before
    /// the start.
    pub pre_rmse: f64,
    /// Its weight in the synthetic control (synthetic control only).
    pub weight: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Verdict {
    Estimate {
        /// Incidents since the start compared with the counterfactual (negative: fewer).
        incidents: f64,
        /// The same as a share of the counterfactual.
        percent: f64,
        /// 95% interval of `percent`; `None` where the method has none (synthetic control:
        /// its uncertainty is the placebo test's p-value).
        percent_lower: Option<f64>,
        percent_upper: Option<f64>,
        p_value: f64,
        /// `p_value < ALPHA`.
        distinguishable: bool,
    },
    /// Not enough data for a number; the reason in Dutch.
    Insufficient { reason: String },
}

struct Panel {
    months: Vec<Period>,
    areas: Vec<(AreaCode, String, Vec<f64>)>,
    source: String,
    subject_label: String,
    level: AreaLevel,
}

/// Measures intervention `id`; `Ok(None)` if there is no such intervention.
pub fn effect(
    store: &Store,
    id: &str,
    method: EffectMethod,
) -> Result<Option<EffectReport>, PictureError> {
    let Some(intervention) = store.intervention(id)? else {
        return Ok(None);
    };
    let panel = read_panel(store, &intervention)?;
    let start = intervention.start_period().ordinal();
    let start_index = panel
        .months
        .iter()
        .position(|m| m.ordinal() >= start)
        .unwrap_or(panel.months.len());
    let is_treated = |code: &AreaCode| intervention.areas.contains(code);
    let treated: Vec<&(AreaCode, String, Vec<f64>)> =
        panel.areas.iter().filter(|a| is_treated(&a.0)).collect();
    let months = panel.months.len();
    let observed: Vec<f64> = (0..months)
        .map(|t| treated.iter().map(|a| a.2[t]).sum())
        .collect();
    let pre_incidents: f64 = observed[..start_index].iter().sum();
    let shortage = if treated.is_empty() {
        Some("geen van de gebieden van de interventie heeft cijfers in de database".to_owned())
    } else if start_index < MIN_PRE_MONTHS {
        Some(format!(
            "te korte periode vóór de start: {start_index} maanden, nodig zijn er minstens \
             {MIN_PRE_MONTHS}"
        ))
    } else if start_index >= months {
        Some("er zijn nog geen cijfers van na de start".to_owned())
    } else if pre_incidents < MIN_PRE_INCIDENTS {
        Some(format!(
            "te weinig geregistreerde incidenten vóór de start ({}), nodig zijn er minstens {}",
            pre_incidents, MIN_PRE_INCIDENTS
        ))
    } else {
        None
    };

    let mut estimates = Vec::new();
    if matches!(method, EffectMethod::BeforeAfter | EffectMethod::All) {
        estimates.push(before_after(
            &panel.months,
            &observed,
            start_index,
            &shortage,
        ));
    }
    if matches!(
        method,
        EffectMethod::DifferenceInDifferences | EffectMethod::All
    ) {
        estimates.push(did(
            &panel,
            &intervention,
            &observed,
            start_index,
            &shortage,
        ));
    }
    if matches!(method, EffectMethod::SyntheticControl | EffectMethod::All) {
        estimates.push(synth(
            &panel,
            &intervention,
            &observed,
            start_index,
            &shortage,
        ));
    }
    Ok(Some(EffectReport {
        subject_label: panel.subject_label,
        level: panel.level,
        treated: treated.iter().map(|a| (a.0.clone(), a.1.clone())).collect(),
        months: panel.months.iter().map(|m| month_text(*m)).collect(),
        start_index,
        observed,
        estimates,
        attribution: attribution(&panel.source),
        source: panel.source,
        intervention,
    }))
}

fn month_text(period: Period) -> String {
    match period {
        Period::Month { year, month } => format!("{year}-{month:02}"),
        Period::Year(year) => year.to_string(),
    }
}

/// Monthly counts of the intervention's indicator for every area of its level in the gemeente,
/// over the months every one of them has a figure for, up to the intervention's end.
fn read_panel(store: &Store, intervention: &Intervention) -> Result<Panel, PictureError> {
    let gemeente = &intervention.municipality;
    let info = store
        .area(gemeente)?
        .ok_or_else(|| PictureError::UnknownArea(gemeente.clone()))?;
    let subject = subject_of(&intervention.indicator);
    let (_, subject_label, categories) = resolve_subject(store, &subject)?;
    let level = intervention
        .areas
        .first()
        .map_or(AreaLevel::Buurt, AreaCode::level);
    let Period::Month { year, month } = intervention.start_period() else {
        unreachable!("validated at import: the start is a month")
    };
    let source = choose_source(
        store,
        &PictureRequest {
            area: gemeente.clone(),
            subject: subject.clone(),
            year,
            month: Some(month),
            source: None,
            level: None,
        },
    )?;
    let mut areas = Vec::new();
    let mut series: Vec<Vec<Series>> = Vec::new();
    for area in descendants(store, &info, Some(level))? {
        let own: Vec<Series> = categories
            .iter()
            .map(|c| {
                Ok::<_, PictureError>(
                    store
                        .series(&source, &area.code, c, Frequency::Month)?
                        .unwrap_or_default(),
                )
            })
            .collect::<Result<_, _>>()?;
        areas.push((area.code, area.name));
        series.push(own);
    }
    let ordinals: Vec<i64> = series
        .iter()
        .flatten()
        .flat_map(|s| s.iter().map(|(p, _)| p))
        .collect();
    let (Some(&first), Some(&last)) = (ordinals.iter().min(), ordinals.iter().max()) else {
        return Err(PictureError::NoData(
            gemeente.clone(),
            format!(" in source {source}"),
        ));
    };
    let last = intervention
        .end_period()
        .map_or(last, |end| end.ordinal().min(last));
    let months: Vec<Period> = (first..=last)
        .map(|o| Period::from_ordinal(Frequency::Month, o))
        .collect();
    let areas = areas
        .into_iter()
        .zip(&series)
        .filter_map(|((code, name), own)| {
            let values: Option<Vec<f64>> = (first..=last)
                .map(|m| sum_over(own, &[m]).map(|c| c as f64))
                .collect();
            values.map(|v| (code, name, v))
        })
        .collect();
    Ok(Panel {
        months,
        areas,
        source,
        subject_label,
        level,
    })
}

const BEFORE_AFTER_CAVEAT: &str = "De zwakste vergelijking: alleen de eigen gebieden vóór en na \
    de start, per kalendermaand. Alles wat tegelijk veranderde (in de hele stad, bij de politie) \
    telt mee als effect.";
const DID_CAVEAT: &str = "Vergelijkt de verandering met die in vergelijkbare gebieden zonder \
    interventie (gekozen op aantallen en verloop vóór de start). Gaat ervan uit dat beide zonder \
    interventie gelijk waren opgelopen, en dat de interventie de vergelijkingsgebieden niet \
    raakte.";

/// Months since the start against the same calendar months before it.
fn before_after(
    months: &[Period],
    observed: &[f64],
    start: usize,
    shortage: &Option<String>,
) -> EffectEstimate {
    let calendar = |t: usize| match months[t] {
        Period::Month { month, .. } => month,
        Period::Year(_) => 0,
    };
    // The baseline of each calendar month: its mean over the years before the start.
    let baseline = |m: u32| -> Option<f64> {
        let values: Vec<f64> = (0..start)
            .filter(|t| calendar(*t) == m)
            .map(|t| observed[t])
            .collect();
        (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
    };
    let counterfactual: Vec<Option<f64>> =
        (0..months.len()).map(|t| baseline(calendar(t))).collect();
    let verdict = match shortage {
        Some(reason) => Verdict::Insufficient {
            reason: reason.clone(),
        },
        None => {
            let post: Vec<usize> = (start..months.len()).collect();
            let c1: f64 = post.iter().map(|t| observed[*t]).sum();
            // The same calendar months before the start, and how many of them there are.
            let before: Vec<usize> = (0..start)
                .filter(|t| post.iter().any(|p| calendar(*p) == calendar(*t)))
                .collect();
            let c2: f64 = before.iter().map(|t| observed[*t]).sum();
            let (e1, e2) = (post.len() as f64, before.len() as f64);
            let expected = c2 * e1 / e2;
            let p_value = poisson_exact_test(c1 as u64, e1, c2 as u64, e2);
            let (lower, upper) = rate_ratio_interval(c1 as u64, e1, c2 as u64, e2);
            Verdict::Estimate {
                incidents: c1 - expected,
                percent: 100.0 * (c1 / expected - 1.0),
                percent_lower: Some(100.0 * (lower - 1.0)),
                percent_upper: upper.is_finite().then_some(100.0 * (upper - 1.0)),
                p_value,
                distinguishable: p_value < ALPHA,
            }
        }
    };
    EffectEstimate {
        method: "before-after",
        label: "voor/na (seizoensbasislijn)",
        caveat: BEFORE_AFTER_CAVEAT,
        pre_fit_rmse: None,
        verdict,
        counterfactual,
        comparison: Vec::new(),
    }
}

/// Difference-in-differences against the comparison areas closest before the start.
fn did(
    panel: &Panel,
    intervention: &Intervention,
    observed: &[f64],
    start: usize,
    shortage: &Option<String>,
) -> EffectEstimate {
    let treated: Vec<&Vec<f64>> = panel
        .areas
        .iter()
        .filter(|a| intervention.areas.contains(&a.0))
        .map(|a| &a.2)
        .collect();
    let n_treated = treated.len() as f64;
    let mean_treated: Vec<f64> = observed.iter().map(|v| v / n_treated.max(1.0)).collect();
    let mut candidates: Vec<ComparisonArea> = panel
        .areas
        .iter()
        .filter(|a| !intervention.areas.contains(&a.0))
        .map(|(code, name, values)| ComparisonArea {
            code: code.clone(),
            name: name.clone(),
            pre_rmse: rmse(&values[..start], &mean_treated[..start]),
            weight: None,
        })
        .collect();
    candidates.sort_by(|a, b| a.pre_rmse.total_cmp(&b.pre_rmse).then(a.code.cmp(&b.code)));
    candidates.truncate(COMPARISON_AREAS);
    let comparison_series: Vec<&Vec<f64>> = candidates
        .iter()
        .filter_map(|c| panel.areas.iter().find(|a| a.0 == c.code).map(|a| &a.2))
        .collect();

    // Counterfactual: the treated areas' own level before the start, moved as the comparison
    // areas moved.
    let months = observed.len();
    let comparison_mean: Vec<f64> = (0..months)
        .map(|t| {
            comparison_series.iter().map(|s| s[t]).sum::<f64>()
                / comparison_series.len().max(1) as f64
        })
        .collect();
    let pre_mean =
        |values: &[f64]| values[..start.max(1)].iter().sum::<f64>() / start.max(1) as f64;
    let (treated_pre, comparison_pre) = (pre_mean(observed), pre_mean(&comparison_mean));
    let counterfactual: Vec<Option<f64>> = (0..months)
        .map(|t| Some((treated_pre + n_treated * (comparison_mean[t] - comparison_pre)).max(0.0)))
        .collect();
    let pre_fit_rmse = (start > 0).then(|| {
        let fitted: Vec<f64> = counterfactual[..start]
            .iter()
            .map(|c| c.unwrap_or(0.0))
            .collect();
        rmse(&fitted, &observed[..start])
    });

    let verdict = if let Some(reason) = shortage {
        Verdict::Insufficient {
            reason: reason.clone(),
        }
    } else if candidates.len() < 2 {
        Verdict::Insufficient {
            reason: format!(
                "te weinig vergelijkingsgebieden: {} in de gemeente, nodig zijn er minstens 2",
                candidates.len()
            ),
        }
    } else {
        let mut rows: Vec<Vec<f64>> = treated.iter().map(|s| (*s).clone()).collect();
        rows.extend(comparison_series.iter().map(|s| (*s).clone()));
        let flags: Vec<bool> = (0..rows.len()).map(|i| i < treated.len()).collect();
        match difference_in_differences(&rows, &flags, start) {
            Ok(estimate) => {
                let post_months = (months - start) as f64;
                let incidents = estimate.effect * n_treated * post_months;
                let actual: f64 = observed[start..].iter().sum();
                let expected = actual - incidents;
                let scale = 100.0 * n_treated * post_months / expected;
                Verdict::Estimate {
                    incidents,
                    percent: 100.0 * incidents / expected,
                    percent_lower: Some(estimate.interval.0 * scale),
                    percent_upper: Some(estimate.interval.1 * scale),
                    p_value: estimate.p_value,
                    distinguishable: estimate.p_value < ALPHA,
                }
            }
            Err(e) => Verdict::Insufficient {
                reason: e.to_string(),
            },
        }
    };
    EffectEstimate {
        method: "did",
        label: "verschil-in-verschillen",
        caveat: DID_CAVEAT,
        verdict,
        counterfactual,
        pre_fit_rmse,
        comparison: candidates,
    }
}

const SYNTH_CAVEAT: &str = "Bouwt uit de andere gebieden een 'synthetisch' gebied dat vóór de \
    start zo goed mogelijk gelijk opliep met de interventiegebieden. De onzekerheid komt uit de \
    placebotoets: elk ander gebied wordt om de beurt behandeld alsof het de interventie kreeg. \
    Lag het interventiegebied vóór de start boven of onder alle andere, dan sluit het synthetische \
    gebied slecht aan; dat staat bij de aansluiting.";

/// Synthetic control of the intervention's areas together, from every other area of the level.
fn synth(
    panel: &Panel,
    intervention: &Intervention,
    observed: &[f64],
    start: usize,
    shortage: &Option<String>,
) -> EffectEstimate {
    let donors: Vec<&(AreaCode, String, Vec<f64>)> = panel
        .areas
        .iter()
        .filter(|a| !intervention.areas.contains(&a.0))
        .collect();
    let insufficient = |reason: String| EffectEstimate {
        method: "synth",
        label: "synthetische controle",
        caveat: SYNTH_CAVEAT,
        verdict: Verdict::Insufficient { reason },
        counterfactual: vec![None; observed.len()],
        pre_fit_rmse: None,
        comparison: Vec::new(),
    };
    if let Some(reason) = shortage {
        return insufficient(reason.clone());
    }
    let series: Vec<&[f64]> = donors.iter().map(|d| d.2.as_slice()).collect();
    let (fit, placebo) = match synthetic_control_with_placebos(observed, &series, start) {
        Ok(result) => result,
        Err(SynthError::TooFewDonors) => {
            return insufficient(format!(
                "te weinig andere gebieden om mee te vergelijken: {}, nodig zijn er minstens 2",
                donors.len()
            ))
        }
        Err(e) => return insufficient(e.to_string()),
    };
    let incidents: f64 = fit.gap[start..].iter().sum();
    let expected: f64 = fit.synthetic[start..].iter().sum();
    let mut comparison: Vec<ComparisonArea> = donors
        .iter()
        .zip(&fit.weights)
        .filter(|(_, w)| **w > 0.0)
        .map(|(d, w)| ComparisonArea {
            code: d.0.clone(),
            name: d.1.clone(),
            pre_rmse: rmse(&d.2[..start], &observed[..start]),
            weight: Some(*w),
        })
        .collect();
    comparison.sort_by(|a, b| {
        let weight = |c: &ComparisonArea| c.weight.unwrap_or(0.0);
        weight(b).total_cmp(&weight(a)).then(a.code.cmp(&b.code))
    });
    EffectEstimate {
        method: "synth",
        label: "synthetische controle",
        caveat: SYNTH_CAVEAT,
        verdict: Verdict::Estimate {
            incidents,
            percent: 100.0 * incidents / expected,
            percent_lower: None,
            percent_upper: None,
            p_value: placebo.p_value,
            distinguishable: placebo.p_value < ALPHA,
        },
        counterfactual: fit.synthetic.iter().map(|v| Some(*v)).collect(),
        pre_fit_rmse: Some(fit.pre_rmspe),
        comparison,
    }
}

fn rmse(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len().max(1) as f64;
    (a.iter().zip(b).map(|(x, y)| (x - y).powi(2)).sum::<f64>() / n).sqrt()
}
