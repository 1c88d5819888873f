//! "Heeft het geholpen?": the list of registered interventions with their latest verdict, and a
//! page per intervention with every estimator's verdict, the chart of observed against
//! counterfactual, the comparison areas, displacement into the bordering areas and the dosage.

use axum::extract::{Path, State};
use axum::response::Html;
use buurtbeeld_analysis::{
    effect, AnswerError, EffectEstimate, EffectMethod, EffectReport, Refusal, Verdict,
};
use buurtbeeld_cube::dutch::{decimal, period};
use buurtbeeld_render::{
    displacement_chart, displacement_reading, effect_chart_of, verdict_estimate, verdict_text,
};
use maud::{html, Markup};

use crate::auth::{self, Endpoint, Viewer};
use crate::page::{layout, PageError, PageParams};
use crate::{AppError, AppState};
use buurtbeeld_cube::Role;

pub(crate) fn endpoints() -> Vec<Endpoint> {
    vec![
        auth::get("/interventies", list_page),
        auth::get("/interventie/{id}", intervention_page),
    ]
}

async fn list_page(State(state): State<AppState>) -> Result<Html<String>, PageError> {
    tokio::task::spawn_blocking(move || {
        let store = state.store()?;
        let mut rows = Vec::new();
        for intervention in store.interventions()? {
            // Difference-in-differences: the strongest estimator that is quick enough for a list.
            // An intervention that cannot be measured (e.g. its gemeente has no figures) is
            // listed without a verdict; only a failing store fails the page.
            let report =
                match effect(&store, &intervention.id, EffectMethod::DifferenceInDifferences) {
                    Ok(report) => Some(report),
                    Err(e) if e.refusal() == Refusal::Broken => return Err(e.into()),
                    Err(_) => None,
                };
            rows.push((intervention, report));
        }
        let body = html! {
            h1 { "Heeft het geholpen?" }
            p { "Elke ingelezen interventie met het gemeten effect op de geregistreerde misdrijven in haar gebieden. Per interventie staan drie vergelijkingen, van zwak (voor/na) tot sterk (vergelijkingsgebieden, synthetische controle), elk met wat zij niet kan zeggen, en of de criminaliteit naar de aangrenzende gebieden verschoof." }
            @if rows.is_empty() {
                p { "Er zijn nog geen interventies ingelezen. Leg een interventie vast in een bestand (zie docs/interventions.md) en lees het in met " code { "buurtbeeld import" } "." }
            } @else {
                div.scroll { table.doc {
                    caption { "Interventies en hun gemeten effect" }
                    thead { tr {
                        th scope="col" { "Interventie" } th scope="col" { "Soort" } th scope="col" { "Periode" }
                        th scope="col" { "Oordeel (verschil-in-verschillen; alle methoden op de pagina van de interventie)" }
                    } }
                    tbody {
                        @for (intervention, report) in &rows {
                            tr {
                                td { a href={ "/interventie/" (intervention.id) } { (intervention.name) } }
                                td { (intervention.kind.label()) }
                                td { (intervention.period_text()) }
                                td { (report.as_ref().map_or_else(|| "–".to_owned(), strongest_verdict)) }
                            }
                        }
                    }
                } }
            }
        };
        Ok(layout("Heeft het geholpen?", body))
    })
    .await
    .unwrap_or_else(|e| Err(PageError::from(AppError::Internal(e.to_string()))))
}

/// The verdict the list shows, with the name of its estimator.
fn strongest_verdict(report: &EffectReport) -> String {
    verdict_estimate(report).map_or_else(
        || "–".to_owned(),
        |e| format!("{}: {}", e.label, verdict_text(e, &report.subject_label)),
    )
}

#[derive(Debug, serde::Deserialize)]
struct InterventionQuery {
    /// The estimator whose counterfactual the chart shows (`did`, `synth`, `before-after`);
    /// the verdict's when absent.
    vergelijking: Option<String>,
}

async fn intervention_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    PageParams(query): PageParams<InterventionQuery>,
) -> Result<Html<String>, PageError> {
    tokio::task::spawn_blocking(move || {
        let store = state.store()?;
        let report = effect(&store, &id, EffectMethod::All)?;
        let intervention = &report.intervention;
        let asked = query.vergelijking.as_deref().and_then(EffectMethod::parse);
        let shown = asked
            .and_then(|m| report.estimates.iter().find(|e| e.method == m))
            .filter(|e| matches!(e.verdict, Verdict::Estimate { .. }))
            .or_else(|| verdict_estimate(&report));
        let chart = effect_chart_of(
            &report,
            shown,
            &format!(
                "{} geregistreerd en verwacht zonder interventie ({})",
                report.subject_label,
                shown.map_or("geen schatting", |e| e.label)
            ),
        );
        let verdict_method = verdict_estimate(&report).map(|e| e.method);
        let others: Vec<&EffectEstimate> = report
            .estimates
            .iter()
            .filter(|e| matches!(e.verdict, Verdict::Estimate { .. }))
            .filter(|e| Some(e.method) != shown.map(|s| s.method))
            .collect();
        let body = html! {
            p.crumbs { a href="/interventies" { "Interventies" } " › " (intervention.name) }
            h1 { (intervention.name) }
            @if viewer.role.may(Role::Analist) {
                p {
                    a href={ "/interventies/bewerken?id=" (intervention.id) } { "Naam, omschrijving en looptijd bewerken" }
                    " · "
                    a href={ "/plan/geschiedenis?plan=" (intervention.id) } { "Versies" }
                }
            }
            p.lead {
                (intervention.kind.label()) " · " (report.subject_label) " · "
                (intervention.period_text()) " · gebieden: "
                @for (i, (code, name)) in report.treated.iter().enumerate() {
                    @if i > 0 { ", " }
                    a href={ "/gebied/" (code) } { (name) }
                }
            }
            @if let Some(description) = &intervention.description { p { (description) } }
            section aria-labelledby="oordeel" {
                h2 #oordeel { "Wat het effect was" }
                @for estimate in &report.estimates { (estimate_block(estimate, &report.subject_label)) }
            }
            section aria-labelledby="verloop" {
                h2 #verloop { "Geregistreerd en verwacht zonder interventie" }
                figure.chart { (chart) }
                @if !others.is_empty() {
                    p.note {
                        "De grafiek toont de verwachting van "
                        @if shown.map(|e| e.method) == verdict_method { "het oordeel" } @else { "een andere vergelijking dan het oordeel" }
                        ". Andere vergelijkingen: "
                        @for (i, other) in others.iter().enumerate() {
                            @if i > 0 { " · " }
                            @let href = if Some(other.method) == verdict_method {
                                format!("/interventie/{}#verloop", intervention.id)
                            } else {
                                format!("/interventie/{}?vergelijking={}#verloop", intervention.id, other.method.name())
                            };
                            a href=(href) { (other.label) }
                        }
                        ". De tabel hieronder geeft ze alle."
                    }
                }
                (month_table(&report.months, report.start_index, &report.observed, &report.estimates))
            }
            @if let Some(displacement) = &report.displacement {
                section aria-labelledby="buren" {
                    h2 #buren { "Verplaatsing of uitstraling" }
                    @if !report.neighbours.is_empty() {
                        p {
                            "Aangrenzende gebieden (nooit vergelijkingsgebied): "
                            @for (i, (code, name)) in report.neighbours.iter().enumerate() {
                                @if i > 0 { ", " }
                                a href={ "/gebied/" (code) } { (name) }
                            }
                            "."
                        }
                    }
                    p.verdict { (displacement_reading(&displacement.estimate)) }
                    (estimate_block(&displacement.estimate, &report.subject_label))
                    @if let Some(svg) = displacement_chart(&report, &format!("{} in de aangrenzende gebieden", report.subject_label)) {
                        figure.chart { (svg) }
                        (month_table(&report.months, report.start_index, &displacement.observed, std::slice::from_ref(&displacement.estimate)))
                    }
                }
            }
            @if !intervention.dosage.is_empty() {
                section aria-labelledby="dosering" {
                    h2 #dosering { "Dosering" }
                    table.doc {
                        thead { tr { th scope="col" { "Maand" } th.num scope="col" { "Hoeveelheid" } th scope="col" { "Eenheid" } } }
                        tbody {
                            @for dose in &intervention.dosage {
                                tr { td { (period::label(&dose.month)) } td.num { (decimal(dose.amount, 0)) } td { (dose.unit) } }
                            }
                        }
                    }
                }
            }
            p.note { (report.attribution) }
        };
        Ok(layout(&intervention.name, body))
    })
    .await
    .unwrap_or_else(|e| Err(PageError::from(AppError::Internal(e.to_string()))))
}

/// One estimator: its verdict, the fit before the start, its comparison areas and caveat.
fn estimate_block(estimate: &EffectEstimate, subject: &str) -> Markup {
    html! {
        h3 { (estimate.label) }
        p.verdict { (verdict_text(estimate, subject)) }
        @if let Some(fit) = estimate.pre_fit_rmse {
            p.note { "Aansluiting vóór de start: gemiddeld " (decimal(fit, 1)) " per maand naast de werkelijke aantallen." }
        }
        @if !estimate.comparison.is_empty() {
            details {
                summary { "Vergelijkingsgebieden (" (estimate.comparison.len()) ")" }
                table.doc {
                    thead { tr { th scope="col" { "Gebied" } th.num scope="col" { "Verschil vóór de start (per maand)" } th.num scope="col" { "Gewicht" } } }
                    tbody {
                        @for area in &estimate.comparison {
                            tr {
                                td { a href={ "/gebied/" (area.code) } { (area.name) } }
                                td.num { (decimal(area.pre_rmse, 1)) }
                                td.num { (area.weight.map_or("–".to_owned(), |w| format!("{}%", decimal(100.0 * w, 0)))) }
                            }
                        }
                    }
                }
            }
        }
        p.note { (estimate.caveat) }
    }
}

/// A chart's figures as a table (the text alternative that works without the picture).
fn month_table(
    months: &[String],
    start_index: usize,
    observed: &[f64],
    estimates: &[EffectEstimate],
) -> Markup {
    let shown: Vec<_> = estimates
        .iter()
        .filter(|e| matches!(e.verdict, Verdict::Estimate { .. }))
        .collect();
    html! {
        details {
            summary { "De cijfers per maand" }
            table.doc {
                thead { tr {
                    th scope="col" { "Maand" } th.num scope="col" { "Geregistreerd" }
                    @for e in &shown { th.num scope="col" { "Verwacht: " (e.label) } }
                } }
                tbody {
                    @for (t, month) in months.iter().enumerate() {
                        tr {
                            td { (period::label(month)) @if t == start_index { " (start)" } }
                            td.num { (decimal(observed[t], 0)) }
                            @for e in &shown {
                                td.num { (e.counterfactual[t].map_or("–".to_owned(), |v| decimal(v, 1))) }
                            }
                        }
                    }
                }
            }
        }
    }
}
