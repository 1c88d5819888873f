//! The effect of an intervention as Dutch text: per estimator the verdict a council member can
//! read (incidents and percentage, interval, more than chance or not), what the estimate
//! cannot tell, and how the counterfactual was made.

use crate::effect::{EffectEstimate, EffectReport, Verdict};
use crate::format::{decimal, p_phrase, percent};
use crate::svg::{line_chart, Line};

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

/// A share as a whole percentage without sign: `42%`.
fn percent_plain(share: f64) -> String {
    format!("{}%", decimal(100.0 * share, 0))
}

/// The whole report as terminal text.
pub fn render_effect(report: &EffectReport) -> String {
    let intervention = &report.intervention;
    let areas: Vec<String> = report
        .treated
        .iter()
        .map(|(code, name)| format!("{name} ({code})"))
        .collect();
    let mut out = format!(
        "Effect van '{}' op {}\n{} · {} · start {}{}\nGebieden: {}\n",
        intervention.name,
        report.subject_label.to_lowercase(),
        intervention.kind.label(),
        intervention.municipality,
        intervention.start,
        intervention
            .end
            .as_ref()
            .map_or_else(|| ", loopt nog".to_owned(), |end| format!(", einde {end}")),
        areas.join(", ")
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
    for estimate in &report.estimates {
        out.push_str(&format!(
            "\n{}\n  {}\n",
            estimate.label,
            verdict_text(estimate, &report.subject_label)
        ));
        if !estimate.comparison.is_empty() {
            let names: Vec<String> = estimate
                .comparison
                .iter()
                .map(|c| match c.weight {
                    Some(weight) => format!("{} ({}) {}", c.name, c.code, percent_plain(weight)),
                    None => format!("{} ({})", c.name, c.code),
                })
                .collect();
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

/// Registered counts and every estimator's counterfactual per month, as an SVG line chart.
pub fn effect_chart(report: &EffectReport, title: &str) -> String {
    let observed: Vec<Option<f64>> = report.observed.iter().map(|v| Some(*v)).collect();
    let mut lines = vec![Line {
        name: "Geregistreerd",
        values: &observed,
        dashed: false,
        band: None,
    }];
    for estimate in &report.estimates {
        if matches!(estimate.verdict, Verdict::Estimate { .. }) {
            lines.push(Line {
                name: estimate.label,
                values: &estimate.counterfactual,
                dashed: true,
                band: None,
            });
        }
    }
    line_chart(&lines, &report.months, title, "aantal per maand")
}
