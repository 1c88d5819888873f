//! The pages of the safety plan (goals and KPIs, action points, budget) and the downloads of
//! the Veiligheidsbrief, as PDF and HTML, written from the same tables as the document.

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue};
use axum::response::{Html, IntoResponse, Response};
use buurtbeeld_analysis::{known_plan_report, PlanReport};
use buurtbeeld_cube::AreaCode;
use buurtbeeld_cube::Role;
use buurtbeeld_document::{
    action_summary, action_table, bbv_table, budget_table, document_bytes, dutch_date, goals_table,
    mismatch_notes, write_document, DocTable, DocumentFormat, DocumentKind, DocumentRequest,
    BBV_NOTE,
};
use buurtbeeld_render::svg::{line_chart, Line};
use buurtbeeld_store::Store;
use maud::{html, Markup};
use serde::Deserialize;

use crate::auth::{self, Endpoint, Viewer};
use crate::download::{content_disposition, Disposition};
use crate::page::{layout, PageError, PageParams};
use crate::public::public_plan;
use crate::{AppError, AppState};

pub(crate) fn endpoints() -> Vec<Endpoint> {
    vec![
        auth::get("/plan", plan_page),
        auth::get("/plan/acties", actions_page),
        auth::get("/plan/begroting", budget_page),
        auth::get("/documenten/{file}", document),
    ]
}

#[derive(Debug, Deserialize)]
pub(crate) struct PlanQuery {
    plan: Option<String>,
    jaar: Option<i32>,
    /// The wijk or buurt of a wijkprofiel.
    gebied: Option<String>,
}

/// The plan asked for, or the only (first) one; `None` when the store holds no plan (the
/// public: no public plan).
fn chosen_report(
    store: &Store,
    query: &PlanQuery,
    role: Role,
) -> Result<Option<PlanReport>, PageError> {
    let Some(id) = chosen_plan(store, query, role)? else {
        return Ok(None);
    };
    Ok(Some(public_plan(known_plan_report(store, &id)?)))
}

/// The id in `?plan=`, or the first plan in the store; `None` when the store holds no plan.
/// The public sees only the plans the beheerder made public.
fn chosen_plan(store: &Store, query: &PlanQuery, role: Role) -> Result<Option<String>, AppError> {
    let visible = if role == Role::Publiek {
        store.public_plans()?
    } else {
        store.plans()?.into_iter().map(|p| p.id).collect()
    };
    match &query.plan {
        Some(id) if visible.contains(id) => Ok(Some(id.clone())),
        Some(id) if role == Role::Publiek => Err(AppError::NotFound(format!(
            "er is geen openbaar plan '{id}'"
        ))),
        Some(id) => Ok(Some(id.clone())),
        None => Ok(visible.into_iter().next()),
    }
}

/// A plan page's title and body, for a viewer of `Role`.
type PlanPage = fn(&PlanReport, &PlanQuery, Role) -> Result<(String, Markup), PageError>;

/// Runs a page body on the blocking pool, with the plan chosen; a store without a plan gets a
/// page that says how to add one.
async fn plan_page_with(
    state: AppState,
    role: Role,
    query: PlanQuery,
    current: &'static str,
    page: PlanPage,
) -> Result<Html<String>, PageError> {
    tokio::task::spawn_blocking(move || {
        let store = state.store()?;
        let Some(report) = chosen_report(&store, &query, role)? else {
            if role == Role::Publiek {
                let body = html! {
                    h1 { "Veiligheidsplan" }
                    p { "Er is (nog) geen openbaar veiligheidsplan. Met een account ziet u de plannen in bewerking." }
                };
                return Ok(layout("Veiligheidsplan", body));
            }
            let body = html! {
                h1 { "Veiligheidsplan" }
                p { "Er is nog geen veiligheidsplan ingelezen. Lees een plan, actiepunten en een begroting in met "
                    code { "buurtbeeld import" } " (zie docs/plan-files.md), of laad het voorbeeld met "
                    code { "buurtbeeld demo" } "." }
            };
            return Ok(layout("Veiligheidsplan", body));
        };
        let (title, body) = page(&report, &query, role)?;
        let plans = store.plans()?;
        let public = store.public_plans()?;
        let plans: Vec<_> = plans
            .into_iter()
            .filter(|p| role != Role::Publiek || public.contains(&p.id))
            .collect();
        let body = html! {
            @if plans.len() > 1 {
                nav.choose aria-label="Plannen" {
                    "Plan: "
                    @for plan in &plans {
                        @if plan.id == report.plan.id {
                            strong { (plan.name) } " "
                        } @else {
                            a href={ (current) "?plan=" (plan.id) } { (plan.name) } " "
                        }
                    }
                }
            }
            @if role != Role::Publiek { (plan_tabs(&report, current)) }
            (body)
        };
        Ok(layout(&title, body))
    })
    .await
    .unwrap_or_else(|e| Err(PageError::from(AppError::Internal(e.to_string()))))
}

fn plan_tabs(report: &PlanReport, current: &str) -> Markup {
    let tabs = [
        ("/plan", "Doelen"),
        ("/plan/acties", "Actiepunten"),
        ("/plan/begroting", "Begroting"),
        ("/plan/geschiedenis", "Geschiedenis"),
    ];
    html! {
        nav.tabs aria-label="Onderdelen van het plan" {
            ul {
                @for (href, label) in tabs {
                    li {
                        a href={ (href) "?plan=" (report.plan.id) }
                            aria-current=[(href == current).then_some("page")] { (label) }
                    }
                }
            }
        }
    }
}

fn table(table: &DocTable) -> Markup {
    html! { div.scroll { (table.to_html()) } }
}

async fn plan_page(
    State(state): State<AppState>,
    viewer: Viewer,
    PageParams(query): PageParams<PlanQuery>,
) -> Result<Html<String>, PageError> {
    plan_page_with(state, viewer.role, query, "/plan", |report, _, role| {
        if role == Role::Publiek {
            return Ok(public_plan_page(report));
        }
        let plan = &report.plan;
        let year = report.complete_years.last().copied();
        let body = html! {
            h1 { (plan.name) }
            p { (report.municipality_name) ", " (plan.first_year) "–" (plan.last_year) "."
                @if let Some(source) = &plan.source { " " (source) } }
            section aria-labelledby="documenten" {
                h2 #documenten { "Veiligheidsbrief" }
                @if let Some(year) = year {
                    p { "De Veiligheidsbrief " (year) " voor de raad (laatste volledige jaar): criminaliteitsbeeld, doelen, verantwoording van de actiepunten, prioriteiten en begroting." }
                    p.downloads {
                        a href={ "/documenten/veiligheidsbrief.pdf?plan=" (plan.id) "&jaar=" (year) } { "Download als PDF" }
                        " · "
                        a href={ "/documenten/veiligheidsbrief.html?plan=" (plan.id) "&jaar=" (year) } { "als HTML" }
                    }
                    p { "Het programma Veiligheid " (year) " in de drie vragen van de begroting (wat willen we bereiken, wat gaan we daarvoor doen, wat mag het kosten): "
                        a href={ "/documenten/programma.pdf?plan=" (plan.id) "&jaar=" (year) } { "PDF" }
                        " · "
                        a href={ "/documenten/programma.html?plan=" (plan.id) "&jaar=" (year) } { "HTML" }
                        "." }
                } @else {
                    p { "Er zijn nog geen volledige jaarcijfers voor " (report.municipality_name) "; de Veiligheidsbrief volgt als die zijn ingelezen." }
                }
            }
            section aria-labelledby="doelen" {
                h2 #doelen { "Doelen en voortgang" }
                @if role.may(Role::Analist) && !plan.goals.is_empty() {
                    p { a href={ "/plan/doelen/bewerken?plan=" (plan.id) } { "Doelen bewerken" } }
                }
                @if report.kpis.is_empty() {
                    p { "Het plan bevat geen meetbare doelen." }
                } @else {
                    p { "Een doel is 'op koers' als de laatste volledige jaarwaarde op of voorbij de rechte lijn van de basiswaarde naar de streefwaarde ligt, en 'behaald' als zij de streefwaarde zelf haalt." }
                    (table(&goals_table(report)))
                }
            }
            @if let Some(bbv) = bbv_table(report) {
                section aria-labelledby="bbv" {
                    h2 #bbv { "BBV-indicatoren taakveld Veiligheid" }
                    p { (BBV_NOTE) }
                    (table(&bbv))
                    @for note in &report.bbv_notes { p.note { (note) } }
                    (bbv_charts(report))
                }
            }
            section aria-labelledby="themas" {
                h2 #themas { "Thema's" }
                ul.themes {
                    @for theme in &plan.themes {
                        li {
                            strong { (theme.name) } @if theme.priority { " (prioriteit)" }
                            @if !theme.ambitie.is_empty() { br; "Ambitie: " (theme.ambitie) }
                        }
                    }
                }
            }
            @if !plan.changes.is_empty() {
                section aria-labelledby="wijzigingen" {
                    h2 #wijzigingen { "Wijzigingen in het plan" }
                    ul {
                        @for change in &plan.changes {
                            li { (buurtbeeld_cube::dutch::period::day_text(&change.date)) " " (change.kind.label()) ": " (change.subject) " – " (change.reason) }
                        }
                    }
                }
            }
            section aria-labelledby="versies" {
                h2 #versies { "Versies" }
                p { "Elk ingelezen bestand van het plan, en wanneer." }
                div.scroll { table {
                    thead { tr { th scope="col" { "Onderdeel" } th scope="col" { "Jaar" } th scope="col" { "Bestand" } th scope="col" { "Tijdstip (UTC)" } } }
                    tbody {
                        @for version in &report.history {
                            tr {
                                td { (version.kind) }
                                td { @if version.year == 0 { "–" } @else { (version.year) } }
                                td { (version.file) }
                                td { (buurtbeeld_render::import_time(&version.imported_at)) }
                            }
                        }
                    }
                } }
            }
        };
        Ok((plan.name.clone(), body))
    })
    .await
}

/// A public plan as the public sees it: its name, period, themes and ambitions. Progress in
/// figures is left to accounts and the council documents, because a plan's goals may measure
/// counts the public view does not show.
fn public_plan_page(report: &PlanReport) -> (String, Markup) {
    let plan = &report.plan;
    let body = html! {
        h1 { (plan.name) }
        p { (report.municipality_name) ", " (plan.first_year) "–" (plan.last_year) "."
            @if let Some(source) = &plan.source { " " (source) } }
        section aria-labelledby="themas" {
            h2 #themas { "Thema's" }
            ul.themes {
                @for theme in &plan.themes {
                    li {
                        strong { (theme.name) } @if theme.priority { " (prioriteit)" }
                        @if !theme.ambitie.is_empty() { br; "Ambitie: " (theme.ambitie) }
                    }
                }
            }
        }
        p.note { "De voortgang in cijfers staat in de Veiligheidsbrief aan de gemeenteraad." }
    };
    (plan.name.clone(), body)
}

/// The year links of a page over action sets or budget years.
fn year_links(path: &str, report: &PlanReport, years: &[i32], chosen: i32) -> Markup {
    html! {
        nav.choose aria-label="Jaar" {
            "Jaar: "
            @for year in years {
                @if *year == chosen {
                    strong aria-current="page" { (year) } " "
                } @else {
                    a href={ (path) "?plan=" (report.plan.id) "&jaar=" (year) } { (year) } " "
                }
            }
        }
    }
}

async fn actions_page(
    State(state): State<AppState>,
    viewer: Viewer,
    PageParams(query): PageParams<PlanQuery>,
) -> Result<Html<String>, PageError> {
    plan_page_with(state, viewer.role, query, "/plan/acties", |report, query, role| {
        let years: Vec<i32> = report.actions.iter().map(|s| s.year).collect();
        let title = format!("Actiepunten {}", report.plan.name);
        let Some(set) = chosen_year(&years, query.jaar)
            .and_then(|year| report.actions.iter().find(|s| s.year == year))
        else {
            let body = html! {
                h1 { (title) }
                p { "Voor dit plan zijn geen actiepunten ingelezen." }
            };
            return Ok((title, body));
        };
        let body = html! {
            h1 { "Actiepunten " (set.year) }
            (year_links("/plan/acties", report, &years, set.year))
            @if role.may(Role::Analist) {
                p { a href={ "/plan/acties/bewerken?plan=" (report.plan.id) "&jaar=" (set.year) } { "Actiepunten " (set.year) " bewerken" } }
            }
            p { (action_summary(set)) }
            (table(&action_table(report, set)))
        };
        Ok((format!("Actiepunten {}", set.year), body))
    })
    .await
}

async fn budget_page(
    State(state): State<AppState>,
    viewer: Viewer,
    PageParams(query): PageParams<PlanQuery>,
) -> Result<Html<String>, PageError> {
    plan_page_with(state, viewer.role, query, "/plan/begroting", |report, query, role| {
        let years: Vec<i32> = report.budget.iter().map(|b| b.year).collect();
        let title = format!("Begroting {}", report.plan.name);
        let Some(budget) = chosen_year(&years, query.jaar)
            .and_then(|year| report.budget.iter().find(|b| b.year == year))
        else {
            let body = html! {
                h1 { (title) }
                p { "Voor dit plan is geen begroting ingelezen." }
            };
            return Ok((title, body));
        };
        let notes = mismatch_notes(budget);
        let body = html! {
            h1 { "Begroting " (budget.year) }
            (year_links("/plan/begroting", report, &years, budget.year))
            @if role.may(Role::Analist) {
                p { a href={ "/plan/begroting/bewerken?plan=" (report.plan.id) "&jaar=" (budget.year) } { "Begroting " (budget.year) " bewerken" } }
            }
            p { "Begroot, begroot na wijziging en realisatie per deelproduct, " (budget.unit.label()) ". De regels staan zoals aangeleverd; een TOTAAL-regel die niet gelijk is aan de som van de regels wordt gemeld, niet gecorrigeerd." }
            (table(&budget_table(report, budget)))
            @for note in &notes { p.warning role="note" { (note) } }
        };
        Ok((format!("Begroting {}", budget.year), body))
    })
    .await
}

/// `wanted` if it is one of `years`, else the latest; `None` when there are no years.
fn chosen_year(years: &[i32], wanted: Option<i32>) -> Option<i32> {
    match wanted {
        Some(year) if years.contains(&year) => Some(year),
        _ => years.iter().max().copied(),
    }
}

/// `/documenten/{veiligheidsbrief,programma,wijkprofiel}.{pdf,html}`, for `?plan=`, `?jaar=`
/// and (wijkprofiel) `?gebied=`.
async fn document(
    State(state): State<AppState>,
    Path(file): Path<String>,
    PageParams(query): PageParams<PlanQuery>,
) -> Result<Response, AppError> {
    let unknown = || AppError::NotFound(format!("Er is geen document '{file}'."));
    let (kind, extension) = file.rsplit_once('.').ok_or_else(unknown)?;
    let kind = DocumentKind::parse(kind).ok_or_else(unknown)?;
    let format = DocumentFormat::from_extension(extension).ok_or_else(unknown)?;
    let extension = extension.to_ascii_lowercase();
    tokio::task::spawn_blocking(move || {
        let store = state.store()?;
        let today = time::OffsetDateTime::now_utc().date();
        let area = match query.gebied.as_deref() {
            Some(code) => Some(
                AreaCode::parse(code).map_err(|e| AppError::BadRequest(format!("gebied: {e}")))?,
            ),
            None => None,
        };
        let request = DocumentRequest {
            kind,
            plan: chosen_plan(&store, &query, Role::Lezer)?,
            area,
            year: query.jaar,
            date: dutch_date(today.year(), today.month().into(), today.day()),
        };
        let document = write_document(&store, &request)?;
        let (bytes, _) =
            document_bytes(&document, format).map_err(|e| AppError::Internal(e.to_string()))?;
        let name = format!(
            "{}.{}",
            document.title.to_lowercase().replace(' ', "-"),
            extension
        );
        Ok((
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static(format.media_type()),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    content_disposition(Disposition::Inline, &name),
                ),
            ],
            bytes,
        )
            .into_response())
    })
    .await
    .unwrap_or_else(|e| Err(AppError::Internal(e.to_string())))
}

/// One chart per BBV indicator with figures: the gemeente's line and Nederland's.
fn bbv_charts(report: &PlanReport) -> Markup {
    let years: Vec<String> = report.bbv_years.iter().map(ToString::to_string).collect();
    html! {
        @for indicator in report.bbv.iter().filter(|i| i.values.iter().any(|(_, v)| v.is_some())) {
            @let own: Vec<Option<f64>> = indicator.values.iter().map(|(_, v)| *v).collect();
            @let national: Vec<Option<f64>> = indicator.national.iter().map(|(_, v)| *v).collect();
            @let lines = [
                Line { name: &report.municipality_name, values: &own, dashed: false, band: None },
                Line { name: "Nederland", values: &national, dashed: true, band: None },
            ];
            h3 { (indicator.label) ": " (report.municipality_name) " en Nederland" }
            figure.chart {
                (line_chart(&lines, &years, &indicator.label, "Per 1.000 inwoners"))
            }
        }
    }
}
