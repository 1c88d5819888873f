//! The effect of an intervention as Dutch text: per estimator the verdict a council member can
//! read (incidents and percentage, interval, more than chance or not), what the estimate
//! cannot tell, and how the counterfactual was made.

use crate::markup::Svg;
use crate::picture::{csv_finish, csv_number, csv_row, csv_writer};
use crate::svg::{line_chart_with_span, Line, ShadedSpan};
use buurtbeeld_analysis::{EffectEstimate, EffectMethod, EffectReport, Verdict};
use buurtbeeld_cube::dutch::{decimal, p_phrase, percent, period};

/// One sentence: "23 geregistreerde misdrijven (fietsdiefstal) minder dan verwacht (-18,4%;
/// 95%-interval …); …".
pub fn verdict_text(estimate: &EffectEstimate, subject: &str) -> String {
    match &estimate.verdict {
        Verdict::Insufficient { reason } => format!("Onvoldoende gegevens: {reason}."),
        Verdict::Estimate {
            incidents,
            percent: share,
            percent_lower,
            percent_upper,
            p_value: p,
            distinguishable,
        } => {
            let direction = if *incidents < 0.0 { "minder" } else { "meer" };
            let p_text = p_phrase(*p);
            let bound = |b: &Option<f64>| b.map_or("onbegrensd".to_owned(), percent);
            let interval = match (percent_lower, percent_upper) {
                (None, None) => "placebotoets".to_owned(),
                (lower, upper) => format!("95%-interval {} tot {}", bound(lower), bound(upper)),
            };
            format!(
                "{} geregistreerde misdrijven ({}) {direction} dan verwacht ({}; {interval}); {}",
                decimal(incidents.abs(), 0),
                subject.to_lowercase(),
                percent(*share),
                if *distinguishable {
                    format!("dit is meer dan toeval ({p_text}).")
                } else {
                    format!("dit is niet te onderscheiden van toeval ({p_text}).")
                }
            )
        }
    }
}

/// What the estimate for the bordering areas means: displacement, diffusion or neither.
pub fn displacement_reading(estimate: &EffectEstimate) -> &'static str {
    match estimate.verdict {
        Verdict::Estimate {
            distinguishable: true,
            incidents,
            ..
        } if incidents > 0.0 => {
            "Meer dan verwacht in de aangrenzende gebieden: een aanwijzing voor verplaatsing."
        }
        Verdict::Estimate {
            distinguishable: true,
            ..
        } => "Minder dan verwacht in de aangrenzende gebieden: een aanwijzing voor uitstraling.",
        Verdict::Estimate { .. } => {
            "Geen aanwijzing voor verplaatsing of uitstraling naar de aangrenzende gebieden."
        }
        Verdict::Insufficient { .. } => "Verplaatsing of uitstraling is niet te beoordelen.",
    }
}

/// `Naam (CODE), …`.
fn names(areas: &[(buurtbeeld_cube::AreaCode, String)]) -> String {
    areas
        .iter()
        .map(|(code, name)| format!("{name} ({code})"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One line per estimator (displacement last), `;` and decimal commas (or points); the
/// attribution is the last line.
pub fn render_effect_csv(report: &EffectReport, decimal_comma: bool) -> String {
    let mut writer = csv_writer();
    csv_row(
        &mut writer,
        [
            "interventie",
            "methode",
            "omschrijving",
            "gebieden",
            "uitkomst",
            "incidenten",
            "procent",
            "ondergrens_95_pct",
            "bovengrens_95_pct",
            "p_waarde",
            "meer_dan_toeval",
            "aansluiting_voor_start",
            "vergelijkingsgebieden",
            "reden",
            "onderwerp",
            "bron",
        ],
    );
    let number = |v: Option<f64>, places: usize| csv_number(v, places, decimal_comma);
    let codes = |areas: &[(buurtbeeld_cube::AreaCode, String)]| {
        areas
            .iter()
            .map(|(code, _)| code.to_string())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let displacement = report.displacement.as_ref().map(|d| &d.estimate);
    for estimate in report.estimates.iter().chain(displacement) {
        let areas = if estimate.method == EffectMethod::Displacement {
            codes(&report.neighbours)
        } else {
            codes(&report.treated)
        };
        let comparison: Vec<String> = estimate
            .comparison
            .iter()
            .map(|c| c.code.to_string())
            .collect();
        let (status, figures, reason) = match &estimate.verdict {
            Verdict::Estimate {
                incidents,
                percent,
                percent_lower,
                percent_upper,
                p_value,
                distinguishable,
            } => (
                "schatting",
                [
                    number(Some(*incidents), 1),
                    number(Some(*percent), 1),
                    number(*percent_lower, 1),
                    number(*percent_upper, 1),
                    number(Some(*p_value), 6),
                    if *distinguishable { "ja" } else { "nee" }.to_owned(),
                ],
                String::new(),
            ),
            Verdict::Insufficient { reason } => {
                ("onvoldoende_gegevens", Default::default(), reason.clone())
            }
        };
        let mut record = vec![
            report.intervention.id.clone(),
            estimate.method.name().to_owned(),
            estimate.label.to_owned(),
            areas,
            status.to_owned(),
        ];
        record.extend(figures);
        record.extend([
            number(estimate.pre_fit_rmse, 2),
            comparison.join(" "),
            reason,
            report.subject_label.clone(),
            report.source.clone(),
        ]);
        csv_row(&mut writer, record);
    }
    csv_finish(writer, &report.attribution)
}

/// A share as a whole percentage without sign: `42%`.
fn percent_plain(share: f64) -> String {
    format!("{}%", decimal(100.0 * share, 0))
}

/// Comparison areas the terminal text names (the closest before the start first).
const SHOWN_COMPARISON_AREAS: usize = 8;

/// The whole report as terminal text.
pub fn render_effect(report: &EffectReport) -> String {
    let intervention = &report.intervention;
    let mut out = format!(
        "Effect van '{}' op {}\n{} · {} · start {}{}\nGebieden: {}\n",
        intervention.name,
        report.subject_label.to_lowercase(),
        intervention.kind.label(),
        intervention.municipality,
        period::period(intervention.start),
        intervention.end.map_or_else(
            || ", loopt nog".to_owned(),
            |end| format!(", einde {}", period::period(end))
        ),
        names(&report.treated)
    );
    if let Some(first) = intervention.dosage.first() {
        let total: f64 = intervention.dosage.iter().map(|d| d.amount).sum();
        out.push_str(&format!(
            "Dosering: {} maanden, samen {} {}\n",
            intervention.dosage.len(),
            decimal(total, 0),
            first.unit
        ));
    }
    if !report.neighbours.is_empty() {
        out.push_str(&format!(
            "Aangrenzende gebieden (geen vergelijking): {}\n",
            names(&report.neighbours)
        ));
    }
    let displacement = report.displacement.as_ref().map(|d| &d.estimate);
    for estimate in report.estimates.iter().chain(displacement) {
        out.push_str(&format!(
            "\n{}\n  {}\n",
            estimate.label,
            verdict_text(estimate, &report.subject_label)
        ));
        if estimate.method == EffectMethod::Displacement {
            out.push_str(&format!("  {}\n", displacement_reading(estimate)));
        }
        if !estimate.comparison.is_empty() {
            // Difference-in-differences compares with every other area: name the closest.
            let mut names: Vec<String> = estimate
                .comparison
                .iter()
                .take(SHOWN_COMPARISON_AREAS)
                .map(|c| match c.weight {
                    Some(weight) => format!("{} ({}) {}", c.name, c.code, percent_plain(weight)),
                    None => format!("{} ({})", c.name, c.code),
                })
                .collect();
            let more = estimate
                .comparison
                .len()
                .saturating_sub(SHOWN_COMPARISON_AREAS);
            if more > 0 {
                names.push(format!("en {more} andere"));
            }
            out.push_str(&format!("  Vergelijkingsgebieden: {}\n", names.join(", ")));
        }
        if let Some(fit) = estimate.pre_fit_rmse {
            out.push_str(&format!(
                "  Aansluiting vóór de start: gemiddeld {} per maand naast de werkelijke aantallen\n",
                decimal(fit, 1)
            ));
        }
        out.push_str(&format!("  {}\n", estimate.caveat));
    }
    out.push_str(&format!("\n{}\n", report.attribution));
    out
}

/// The estimate the verdict rests on: difference-in-differences when it gave a number (its
/// size and interval coverage are the ones measured on real months, docs/interventions.md),
/// else the strongest estimator that did (the estimates are ordered from weakest to
/// strongest), else the first.
pub fn verdict_estimate(report: &EffectReport) -> Option<&EffectEstimate> {
    let gave_a_number = |e: &&EffectEstimate| matches!(e.verdict, Verdict::Estimate { .. });
    let estimates = &report.estimates;
    estimates
        .iter()
        .filter(gave_a_number)
        .find(|e| e.method == EffectMethod::DifferenceInDifferences)
        .or_else(|| estimates.iter().rev().find(gave_a_number))
        .or(estimates.first())
}

/// Registered counts and the verdict's counterfactual per month, the intervention's months
/// shaded: one story per chart (four lines on top of each other told none).
pub fn effect_chart(report: &EffectReport, title: &str) -> Svg {
    effect_chart_of(report, verdict_estimate(report), title)
}

/// Registered counts and the counterfactual of `estimate` (none drawn when it gave no number),
/// the intervention's months shaded.
pub fn effect_chart_of(
    report: &EffectReport,
    estimate: Option<&EffectEstimate>,
    title: &str,
) -> Svg {
    chart(&report.observed, estimate.into_iter(), report, title)
}

/// The bordering areas' registered counts and what was expected there, if measured.
pub fn displacement_chart(report: &EffectReport, title: &str) -> Option<Svg> {
    let displacement = report.displacement.as_ref()?;
    matches!(displacement.estimate.verdict, Verdict::Estimate { .. }).then(|| {
        chart(
            &displacement.observed,
            std::iter::once(&displacement.estimate),
            report,
            title,
        )
    })
}

fn chart<'e>(
    observed: &[f64],
    estimates: impl Iterator<Item = &'e EffectEstimate>,
    report: &EffectReport,
    title: &str,
) -> Svg {
    let observed: Vec<Option<f64>> = observed.iter().map(|v| Some(*v)).collect();
    let mut lines = vec![Line {
        name: "Geregistreerd",
        values: &observed,
        dashed: false,
        band: None,
    }];
    for estimate in estimates {
        if matches!(estimate.verdict, Verdict::Estimate { .. }) {
            lines.push(Line {
                name: estimate.label,
                values: &estimate.counterfactual,
                dashed: true,
                band: None,
            });
        }
    }
    let labels: Vec<String> = report
        .months
        .iter()
        .map(|m| period::label_short(m))
        .collect();
    let span = (report.start_index < report.months.len()).then(|| ShadedSpan {
        first: report.start_index,
        last: report.months.len() - 1,
        label: "Interventie",
    });
    line_chart_with_span(&lines, &labels, title, "aantal per maand", span)
}
