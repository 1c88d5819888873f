//! The analyst's work in the browser: importing files, editing action points and budget lines
//! (each edit a new version in the store), and the plan's history with the difference between
//! versions. Plain HTML forms; no JavaScript.

use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use buurtbeeld_analysis::{import_files, ImportFailure, ImportFile};
use buurtbeeld_cube::dutch::{integer, signed};
use buurtbeeld_cube::{
    ActionSet, ActionStatus, BudgetYear, ImportBatch, Intervention, Period, Plan, SourceInfo,
};
use buurtbeeld_ingest::ReadOptions;
use buurtbeeld_store::{DocumentVersion, ImportOutcome, Store};
use maud::{html, Markup, PreEscaped};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt as _;

use crate::auth::{self, Endpoint, Viewer, CSRF_FIELD};
use crate::page::CSRF_MARKER;
use crate::page::{blocking, layout, PageError, PageParams};
use crate::{AppError, AppState};

/// The largest upload: a national BVH export or a year of 47022NED for all of the Netherlands
/// is a few hundred MB.
const LARGEST_UPLOAD: usize = 1 << 30;

pub(crate) fn endpoints() -> Vec<Endpoint> {
    let mut upload = auth::post("/gegevens/importeren", upload);
    upload.handler = upload.handler.layer(DefaultBodyLimit::max(LARGEST_UPLOAD));
    vec![
        auth::get("/gegevens/importeren", upload_page),
        upload,
        auth::get("/plan/acties/bewerken", actions_form),
        auth::post("/plan/acties/bewerken", save_action),
        auth::get("/plan/begroting/bewerken", budget_form),
        auth::post("/plan/begroting/bewerken", save_budget_line),
        auth::get("/plan/doelen/bewerken", goals_form),
        auth::post("/plan/doelen/bewerken", save_goal),
        auth::get("/interventies/bewerken", intervention_form),
        auth::post("/interventies/bewerken", save_intervention),
        auth::get("/plan/geschiedenis", history_page),
        auth::get("/plan/verschil", diff_page),
    ]
}

fn upload_form() -> Markup {
    html! {
        form.stacked method="post" action="/gegevens/importeren" enctype="multipart/form-data" {
            (PreEscaped(CSRF_MARKER))
            label for="bestanden" { "Bestanden (politiecijfers, bevolking, buurtgrenzen, BVH-export, plan, actiepunten, begroting, interventies)" }
            input #bestanden type="file" name="bestanden" multiple required;
            label for="release" { "Versie of peildatum van de gegevens (mag leeg blijven)" }
            input #release type="text" name="release" maxlength="100";
            button type="submit" { "Inlezen" }
        }
        p { "Alle bestanden worden samen ingelezen: alles of niets. Een groot bestand kan even duren; de voortgang van het versturen toont uw browser." }
    }
}

async fn upload_page() -> Html<String> {
    layout(
        "Gegevens inlezen",
        html! {
            h1 { "Gegevens inlezen" }
            p { "Dezelfde controles als " code { "buurtbeeld import" } ": een bestand met een fout wordt geweigerd met het bestand, de regel en het veld, en dan verandert er niets." }
            (upload_form())
        },
    )
}

/// One uploaded file kept on disk until the import has read it.
struct Upload {
    _dir: tempfile::TempDir,
    file: ImportFile,
}

async fn upload(
    State(state): State<AppState>,
    viewer: Viewer,
    mut form: Multipart,
) -> Result<Response, PageError> {
    let mut csrf = None;
    let mut release = String::new();
    let mut uploads: Vec<Upload> = Vec::new();
    let bad = |e: axum::extract::multipart::MultipartError| {
        PageError::from(AppError::BadRequest(format!(
            "het formulier is niet te lezen: {e}"
        )))
    };
    while let Some(field) = form.next_field().await.map_err(bad)? {
        match field.name() {
            Some(CSRF_FIELD) => csrf = Some(field.text().await.map_err(bad)?),
            Some("release") => release = field.text().await.map_err(bad)?.trim().to_owned(),
            Some("bestanden") => {
                // Nothing is kept of an upload before its form's token is checked.
                viewer.check_csrf(csrf.as_deref().unwrap_or(""))?;
                let name = upload_name(field.file_name().unwrap_or("bestand"));
                let dir = tempfile::tempdir().map_err(|e| AppError::Internal(e.to_string()))?;
                let path = dir.path().join(&name);
                // Chunk by chunk to disk: a national export need not fit in memory.
                let mut file = tokio::fs::File::create(&path)
                    .await
                    .map_err(|e| AppError::Internal(e.to_string()))?;
                let mut size = 0;
                let mut field = field;
                while let Some(chunk) = field.chunk().await.map_err(bad)? {
                    size += chunk.len();
                    file.write_all(&chunk)
                        .await
                        .map_err(|e| AppError::Internal(e.to_string()))?;
                }
                file.flush()
                    .await
                    .map_err(|e| AppError::Internal(e.to_string()))?;
                if size == 0 {
                    continue;
                }
                uploads.push(Upload {
                    _dir: dir,
                    file: ImportFile { path, name },
                });
            }
            _ => {}
        }
    }
    let account = viewer.check_csrf(csrf.as_deref().unwrap_or(""))?.clone();
    if uploads.is_empty() {
        return Err(AppError::BadRequest("er is geen bestand gekozen".to_owned()).into());
    }
    let options = ReadOptions {
        release,
        imported_by: account.login.clone(),
        ..ReadOptions::default()
    };
    let result = blocking(move || {
        let files: Vec<ImportFile> = uploads.iter().map(|u| u.file.clone()).collect();
        let mut store = state.store_for_writing()?;
        let result = import_files(&mut store, &files, &options, &mut |_, _| {}, &());
        if let Err(ImportFailure::Refused(errors)) = &result {
            let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
            store.audit(
                &account.login,
                "import geweigerd",
                &names.join(", "),
                &format!("{} fout(en)", errors.len()),
            )?;
        }
        drop(uploads);
        Ok::<_, AppError>(result)
    })
    .await?;
    match result {
        Ok(outcomes) => Ok(layout("Ingelezen", imported(&outcomes)).into_response()),
        Err(ImportFailure::Store(error)) => Err(AppError::from(error).into()),
        Err(ImportFailure::Refused(errors)) => {
            let body = html! {
                h1 { "Niet ingelezen" }
                p.error role="alert" { "De import is geweigerd; er is niets veranderd. Herstel het bestand en lees opnieuw in." }
                ul.problems {
                    @for error in &errors {
                        @for line in error.to_string().lines() { li { (line) } }
                    }
                }
                (upload_form())
            };
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                layout("Niet ingelezen", body),
            )
                .into_response())
        }
    }
}

/// The file's own name without any directory part (browsers may send one), as errors and the
/// import log will name it.
fn upload_name(given: &str) -> String {
    let base = given.rsplit(['/', '\\']).next().unwrap_or("");
    let clean: String = base.chars().filter(|c| !c.is_control()).take(200).collect();
    if clean.is_empty() || clean == "." || clean == ".." {
        "bestand".to_owned()
    } else {
        clean
    }
}

fn imported(outcomes: &[ImportOutcome]) -> Markup {
    html! {
        h1 { "Ingelezen" }
        table.log {
            caption { "Wat er is ingelezen" }
            thead { tr { th scope="col" { "Bestand" } th scope="col" { "Tabel" } th scope="col" { "Regels" } th scope="col" { "Nieuwe cellen" } th scope="col" { "Gewijzigd" } th scope="col" { "Opmerkingen" } } }
            tbody {
                @for outcome in outcomes {
                    tr {
                        td { (outcome.file) }
                        td { (outcome.table_id) }
                        td.num { (integer(outcome.rows)) }
                        td.num { (integer(outcome.cells_new)) }
                        td.num { (integer(outcome.cells_changed)) }
                        td {
                            @if outcome.import_id.is_none() { "al eerder ingelezen; niets veranderd. " }
                            (outcome.notes.join(" "))
                        }
                    }
                }
            }
        }
        p { a href="/gegevens" { "Naar de gegevens en het importlog" } }
    }
}

#[derive(Debug, Deserialize)]
struct PlanYear {
    plan: String,
    jaar: i32,
}

fn action_set(store: &Store, plan: &str, year: i32) -> Result<ActionSet, AppError> {
    store
        .action_sets(plan)?
        .into_iter()
        .find(|set| set.year == year)
        .ok_or_else(|| AppError::NotFound(format!("plan '{plan}' heeft geen actiepunten {year}")))
}

fn budget_year(store: &Store, plan: &str, year: i32) -> Result<BudgetYear, AppError> {
    store
        .budget(plan)?
        .into_iter()
        .find(|budget| budget.year == year)
        .ok_or_else(|| AppError::NotFound(format!("plan '{plan}' heeft geen begroting {year}")))
}

async fn actions_form(
    State(state): State<AppState>,
    PageParams(query): PageParams<PlanYear>,
) -> Result<Html<String>, PageError> {
    blocking(move || {
        let set = action_set(&state.store()?, &query.plan, query.jaar)?;
        let body = html! {
            h1 { "Actiepunten " (set.year) " bewerken" }
            p { "Elke opgeslagen wijziging is een nieuwe versie; de vorige blijft bewaard (zie " a href={ "/plan/geschiedenis?plan=" (set.plan) } { "de geschiedenis" } ")." }
            @for action in &set.actions {
                section.edit aria-labelledby={ "actie-" (action.number) } {
                    h2 #{ "actie-" (action.number) } { "Actiepunt " (action.number) }
                    p { strong { "Wat wilden we doen: " } (action.planned) }
                    form.stacked method="post" action="/plan/acties/bewerken" {
                        (PreEscaped(CSRF_MARKER))
                        input type="hidden" name="plan" value=(set.plan);
                        input type="hidden" name="jaar" value=(set.year);
                        input type="hidden" name="nummer" value=(action.number);
                        label for={ "status-" (action.number) } { "Status" }
                        select #{ "status-" (action.number) } name="status" {
                            @for status in ActionStatus::ALL {
                                option value=(status.label()) selected[status == action.status] { (status.label()) }
                            }
                        }
                        label for={ "gedaan-" (action.number) } { "Wat hebben we gedaan" }
                        textarea #{ "gedaan-" (action.number) } name="gedaan" rows="4" maxlength="4000" { (action.done) }
                        button type="submit" { "Opslaan" span.visually-hidden { ": actiepunt " (action.number) } }
                    }
                }
            }
        };
        Ok::<_, AppError>(layout(&format!("Actiepunten {} bewerken", set.year), body))
    })
    .await
}

#[derive(Debug, Deserialize)]
struct ActionEdit {
    csrf: String,
    plan: String,
    jaar: i32,
    nummer: u32,
    status: String,
    gedaan: String,
}

async fn save_action(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(edit): Form<ActionEdit>,
) -> Result<Response, PageError> {
    let login = viewer.check_csrf(&edit.csrf)?.login.clone();
    let status = ActionStatus::from_label(&edit.status).ok_or_else(|| {
        AppError::BadRequest(format!(
            "'{}' is geen status; kies uit: {}",
            edit.status,
            ActionStatus::ALL.map(ActionStatus::label).join(", ")
        ))
    })?;
    let done = text_field(&edit.gedaan, "wat hebben we gedaan", 4000, true)?;
    let back = format!("/plan/acties?plan={}&jaar={}", edit.plan, edit.jaar);
    blocking(move || {
        let mut store = state.store_for_writing()?;
        let mut set = action_set(&store, &edit.plan, edit.jaar)?;
        let action = set
            .actions
            .iter_mut()
            .find(|a| a.number == edit.nummer)
            .ok_or_else(|| AppError::NotFound(format!("er is geen actiepunt {}", edit.nummer)))?;
        if action.status == status && action.done == done {
            return Ok(());
        }
        action.status = status;
        action.done = done;
        let description = format!("actiepunt {} ({}) in de browser", edit.nummer, edit.jaar);
        let batch = ImportBatch {
            actions: vec![set],
            ..ImportBatch::default()
        };
        save_version(&mut store, batch, "actions", &description, &login)
    })
    .await?;
    Ok(Redirect::to(&back).into_response())
}

/// Writes an edit as a new version of its document, through the same import (one transaction,
/// the import log, the audit log) as a file.
fn save_version(
    store: &mut Store,
    mut batch: ImportBatch,
    kind: &str,
    description: &str,
    login: &str,
) -> Result<(), AppError> {
    let body = format!("{:?}{login}{}", batch, time::OffsetDateTime::now_utc());
    batch.source = Some(SourceInfo {
        file: description.to_owned(),
        kind: kind.to_owned(),
        table_id: "bewerking".to_owned(),
        release: String::new(),
        checksum: format!("{:x}", Sha256::digest(body.as_bytes())),
        rows: 1,
        imported_by: login.to_owned(),
    });
    store.import(&[batch], &())?;
    Ok(())
}

async fn budget_form(
    State(state): State<AppState>,
    PageParams(query): PageParams<PlanYear>,
) -> Result<Html<String>, PageError> {
    blocking(move || {
        let budget = budget_year(&state.store()?, &query.plan, query.jaar)?;
        let body = html! {
            h1 { "Begroting " (budget.year) " bewerken" }
            p { "Bedragen in " (budget.unit.label()) ", als hele getallen; een leeg veld is nog niet bekend. Elke opgeslagen regel is een nieuwe versie van de begroting." }
            @for (index, line) in budget.lines.iter().enumerate() {
                section.edit aria-labelledby={ "regel-" (index) } {
                    h2 #{ "regel-" (index) } { (line.product) }
                    form.stacked method="post" action="/plan/begroting/bewerken" {
                        (PreEscaped(CSRF_MARKER))
                        input type="hidden" name="plan" value=(budget.plan);
                        input type="hidden" name="jaar" value=(budget.year);
                        input type="hidden" name="regel" value=(index);
                        @for (name, label, value) in [
                            ("begroot", "Begroot", line.amounts.budgeted),
                            ("gewijzigd", "Begroot na wijziging", line.amounts.amended),
                            ("realisatie", "Realisatie", line.amounts.realised),
                        ] {
                            label for={ (name) "-" (index) } { (label) }
                            input #{ (name) "-" (index) } type="text" inputmode="numeric" name=(name)
                                value=[value.map(|v| v.to_string())] pattern="-?[0-9]*";
                        }
                        button type="submit" { "Opslaan" span.visually-hidden { ": " (line.product) } }
                    }
                }
            }
        };
        Ok::<_, AppError>(layout(&format!("Begroting {} bewerken", budget.year), body))
    })
    .await
}

#[derive(Debug, Deserialize)]
struct BudgetEdit {
    csrf: String,
    plan: String,
    jaar: i32,
    regel: usize,
    begroot: String,
    gewijzigd: String,
    realisatie: String,
}

/// An amount field: empty is unknown; otherwise a whole number (a Dutch thousands dot is
/// allowed, a decimal comma is not: the budget is kept in whole units).
fn amount(field: &str, label: &str) -> Result<Option<i64>, AppError> {
    let text = field.trim().replace('.', "");
    if text.is_empty() {
        return Ok(None);
    }
    text.parse::<i64>()
        .ok()
        .filter(|n| n.unsigned_abs() < 1_000_000_000_000)
        .map(Some)
        .ok_or_else(|| {
            AppError::BadRequest(format!(
                "'{label}' moet een heel getal zijn (zoals 125000), niet '{}'",
                field.trim()
            ))
        })
}

async fn save_budget_line(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(edit): Form<BudgetEdit>,
) -> Result<Response, PageError> {
    let login = viewer.check_csrf(&edit.csrf)?.login.clone();
    let budgeted = amount(&edit.begroot, "begroot")?;
    let amended = amount(&edit.gewijzigd, "begroot na wijziging")?;
    let realised = amount(&edit.realisatie, "realisatie")?;
    let back = format!("/plan/begroting?plan={}&jaar={}", edit.plan, edit.jaar);
    blocking(move || {
        let mut store = state.store_for_writing()?;
        let mut budget = budget_year(&store, &edit.plan, edit.jaar)?;
        let line = budget.lines.get_mut(edit.regel).ok_or_else(|| {
            AppError::NotFound(format!("er is geen begrotingsregel {}", edit.regel))
        })?;
        let amounts = buurtbeeld_cube::Amounts {
            budgeted,
            amended,
            realised,
        };
        if line.amounts == amounts {
            return Ok(());
        }
        line.amounts = amounts;
        let description = format!("begroting {}: {} in de browser", edit.jaar, line.product);
        let batch = ImportBatch {
            budgets: vec![budget],
            ..ImportBatch::default()
        };
        save_version(&mut store, batch, "budget", &description, &login)
    })
    .await?;
    Ok(Redirect::to(&back).into_response())
}

#[derive(Debug, Deserialize)]
struct PlanOnly {
    plan: String,
}

fn known_plan(store: &Store, id: &str) -> Result<Plan, AppError> {
    store
        .plan(id)?
        .ok_or_else(|| AppError::NotFound(format!("er is geen plan '{id}'")))
}

async fn goals_form(
    State(state): State<AppState>,
    PageParams(query): PageParams<PlanOnly>,
) -> Result<Html<String>, PageError> {
    blocking(move || {
        let plan = known_plan(&state.store()?, &query.plan)?;
        let body = html! {
            h1 { "Doelen van " (plan.name) " bewerken" }
            p { "De streefwaarde en het doeljaar per doel; elke opgeslagen wijziging is een nieuwe versie van het plan (zie " a href={ "/plan/geschiedenis?plan=" (plan.id) } { "de geschiedenis" } ")." }
            @for (index, goal) in plan.goals.iter().enumerate() {
                section.edit aria-labelledby={ "doel-" (index) } {
                    h2 #{ "doel-" (index) } { (goal.description) }
                    form.stacked method="post" action="/plan/doelen/bewerken" {
                        (PreEscaped(CSRF_MARKER))
                        input type="hidden" name="plan" value=(plan.id);
                        input type="hidden" name="doel" value=(goal.id);
                        label for={ "streefwaarde-" (index) } { "Streefwaarde" }
                        input #{ "streefwaarde-" (index) } type="text" inputmode="decimal" name="streefwaarde"
                            value=(buurtbeeld_cube::dutch::decimal(goal.target, 1)) required;
                        label for={ "doeljaar-" (index) } { "Doeljaar" }
                        input #{ "doeljaar-" (index) } type="text" inputmode="numeric" name="doeljaar"
                            value=(goal.target_year) pattern="[0-9]{4}" required;
                        button type="submit" { "Opslaan" span.visually-hidden { ": " (goal.description) } }
                    }
                }
            }
        };
        Ok::<_, AppError>(layout(&format!("Doelen {} bewerken", plan.name), body))
    })
    .await
}

#[derive(Debug, Deserialize)]
struct GoalEdit {
    csrf: String,
    plan: String,
    doel: String,
    streefwaarde: String,
    doeljaar: String,
}

async fn save_goal(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(edit): Form<GoalEdit>,
) -> Result<Response, PageError> {
    let login = viewer.check_csrf(&edit.csrf)?.login.clone();
    let target: f64 = edit
        .streefwaarde
        .trim()
        .replace('.', "")
        .replace(',', ".")
        .parse()
        .ok()
        .filter(|x: &f64| x.is_finite() && *x >= 0.0)
        .ok_or_else(|| {
            AppError::BadRequest(format!(
                "de streefwaarde moet een getal van 0 of meer zijn (zoals 16,5), niet '{}'",
                edit.streefwaarde.trim()
            ))
        })?;
    let year: i32 = edit
        .doeljaar
        .trim()
        .parse()
        .ok()
        .filter(|y| (1990..=2100).contains(y))
        .ok_or_else(|| {
            AppError::BadRequest(format!(
                "het doeljaar moet een jaartal zijn (zoals 2026), niet '{}'",
                edit.doeljaar.trim()
            ))
        })?;
    let back = format!("/plan?plan={}", edit.plan);
    blocking(move || {
        let mut store = state.store_for_writing()?;
        let mut plan = known_plan(&store, &edit.plan)?;
        let goal = plan
            .goals
            .iter_mut()
            .find(|g| g.id == edit.doel)
            .ok_or_else(|| AppError::NotFound(format!("er is geen doel '{}'", edit.doel)))?;
        if goal.target_year < goal.baseline_year || year <= goal.baseline_year {
            return Err(AppError::BadRequest(format!(
                "het doeljaar moet na het basisjaar {} liggen",
                goal.baseline_year
            )));
        }
        if goal.target == target && goal.target_year == year {
            return Ok(());
        }
        goal.target = target;
        goal.target_year = year;
        let description = format!("doel '{}' in de browser", edit.doel);
        let batch = ImportBatch {
            plans: vec![plan],
            ..ImportBatch::default()
        };
        save_version(&mut store, batch, "plan", &description, &login)
    })
    .await?;
    Ok(Redirect::to(&back).into_response())
}

#[derive(Debug, Deserialize)]
struct InterventionOnly {
    id: String,
}

fn known_intervention(store: &Store, id: &str) -> Result<Intervention, AppError> {
    store
        .intervention(id)?
        .ok_or_else(|| AppError::NotFound(format!("er is geen interventie '{id}'")))
}

async fn intervention_form(
    State(state): State<AppState>,
    PageParams(query): PageParams<InterventionOnly>,
) -> Result<Html<String>, PageError> {
    blocking(move || {
        let intervention = known_intervention(&state.store()?, &query.id)?;
        let body = html! {
            h1 { (intervention.name) " bewerken" }
            p { "Naam, omschrijving en looptijd; gebieden en inzet per maand wijzigt u met een nieuw interventiebestand (docs/interventions.md). Elke opgeslagen wijziging is een nieuwe versie (zie " a href={ "/plan/geschiedenis?plan=" (intervention.id) } { "de geschiedenis" } ")." }
            form.stacked method="post" action="/interventies/bewerken" {
                (PreEscaped(CSRF_MARKER))
                input type="hidden" name="id" value=(intervention.id);
                label for="naam" { "Naam" }
                input #naam type="text" name="naam" value=(intervention.name) maxlength="200" required;
                label for="omschrijving" { "Omschrijving" }
                textarea #omschrijving name="omschrijving" rows="4" maxlength="4000" { (intervention.description.as_deref().unwrap_or("")) }
                label for="start" { "Eerste maand (JJJJ-MM)" }
                input #start type="text" name="start" value=(intervention.start) pattern="[0-9]{4}-[0-9]{2}" required;
                label for="einde" { "Laatste maand (JJJJ-MM; leeg zolang de interventie loopt)" }
                input #einde type="text" name="einde" value=[intervention.end.map(|e| e.to_string())] pattern="([0-9]{4}-[0-9]{2})?";
                button type="submit" { "Opslaan" }
            }
        };
        Ok::<_, AppError>(layout(&format!("{} bewerken", intervention.name), body))
    })
    .await
}

#[derive(Debug, Deserialize)]
struct InterventionEdit {
    csrf: String,
    id: String,
    naam: String,
    omschrijving: String,
    start: String,
    einde: String,
}

/// A month as `YYYY-MM`, for a form field named `label`.
fn month_field(text: &str, label: &str) -> Result<Period, AppError> {
    match Period::parse_iso(text.trim()) {
        Ok(month @ Period::Month { .. }) => Ok(month),
        _ => Err(AppError::BadRequest(format!(
            "'{label}' moet een maand zijn zoals 2015-03, niet '{}'",
            text.trim()
        ))),
    }
}

/// A one-line text of at most `max` characters without control characters, for `label`.
fn text_field(text: &str, label: &str, max: usize, lines: bool) -> Result<String, AppError> {
    let text = text.trim().replace("\r\n", "\n");
    if text.chars().count() > max
        || text
            .chars()
            .any(|c| c.is_control() && !(lines && c == '\n'))
    {
        return Err(AppError::BadRequest(format!(
            "'{label}' is langer dan {max} tekens of bevat stuurtekens"
        )));
    }
    Ok(text)
}

async fn save_intervention(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(edit): Form<InterventionEdit>,
) -> Result<Response, PageError> {
    let login = viewer.check_csrf(&edit.csrf)?.login.clone();
    let name = text_field(&edit.naam, "naam", 200, false)?;
    if name.is_empty() {
        return Err(AppError::BadRequest("een interventie heeft een naam".to_owned()).into());
    }
    let description = text_field(&edit.omschrijving, "omschrijving", 4000, true)?;
    let start = month_field(&edit.start, "eerste maand")?;
    let end = match edit.einde.trim() {
        "" => None,
        text => Some(month_field(text, "laatste maand")?),
    };
    if end.is_some_and(|end| end < start) {
        return Err(AppError::BadRequest("de laatste maand ligt vóór de eerste".to_owned()).into());
    }
    let back = format!("/interventie/{}", edit.id);
    blocking(move || {
        let mut store = state.store_for_writing()?;
        let mut intervention = known_intervention(&store, &edit.id)?;
        let description = (!description.is_empty()).then_some(description);
        if intervention.name == name
            && intervention.description == description
            && intervention.start == start
            && intervention.end == end
        {
            return Ok(());
        }
        intervention.name = name;
        intervention.description = description;
        intervention.start = start;
        intervention.end = end;
        let what = format!("interventie '{}' in de browser", edit.id);
        let batch = ImportBatch {
            interventions: vec![intervention],
            ..ImportBatch::default()
        };
        save_version(&mut store, batch, "intervention", &what, &login)
    })
    .await?;
    Ok(Redirect::to(&back).into_response())
}

fn kind_label(kind: &str) -> &str {
    match kind {
        "plan" => "plan",
        "actions" => "actiepunten",
        "budget" => "begroting",
        "intervention" => "interventie",
        other => other,
    }
}

async fn history_page(
    State(state): State<AppState>,
    PageParams(query): PageParams<PlanOnly>,
) -> Result<Html<String>, PageError> {
    blocking(move || {
        let store = state.store()?;
        // A plan's documents, or an intervention's (both are versioned the same way).
        let name = match store.plan(&query.plan)? {
            Some(plan) => plan.name,
            None => known_intervention(&store, &query.plan)
                .map_err(|_| AppError::NotFound(format!("er is geen plan '{}'", query.plan)))?
                .name,
        };
        let history = store.plan_history(&query.plan)?;
        let plan_id = &query.plan;
        let body = html! {
            h1 { "Geschiedenis van " (name) }
            p { "Elke import en elke bewerking in de browser is een versie; niets wordt overschreven. Kies een versie om te zien wat er veranderde ten opzichte van de versie ervoor." }
            div.scroll {
                table.log {
                    caption { "Versies, nieuwste eerst" }
                    thead { tr { th scope="col" { "Wanneer (UTC)" } th scope="col" { "Wie" } th scope="col" { "Onderdeel" } th scope="col" { "Jaar" } th scope="col" { "Bron" } th scope="col" { "Verschil" } } }
                    tbody {
                        @for version in &history {
                            tr {
                                td { (buurtbeeld_render::import_time(&version.imported_at)) }
                                td { (version.imported_by) }
                                td { (kind_label(&version.kind)) }
                                td { @if version.year > 0 { (version.year) } }
                                td { (version.file) }
                                td { a href={ "/plan/verschil?plan=" (plan_id) "&onderdeel=" (version.kind) "&jaar=" (version.year) "&versie=" (version.import_id) } { "bekijk" span.visually-hidden { " versie " (version.import_id) } } }
                            }
                        }
                    }
                }
            }
        };
        Ok::<_, AppError>(layout(&format!("Geschiedenis {name}"), body))
    })
    .await
}

#[derive(Debug, Deserialize)]
struct DiffQuery {
    plan: String,
    onderdeel: String,
    jaar: i32,
    versie: i64,
}

/// A document as lines a person reads: one per field of every action point or budget line, so
/// a diff shows "Actiepunt 3 · status: doorlopend → gerealiseerd" rather than JSON.
fn readable(version: &DocumentVersion) -> Vec<String> {
    let body = &version.body;
    match version.version.kind.as_str() {
        "actions" => serde_json::from_str::<ActionSet>(body)
            .map(|set| {
                set.actions
                    .iter()
                    .flat_map(|a| {
                        [
                            format!("Actiepunt {} · wat wilden we doen: {}", a.number, a.planned),
                            format!("Actiepunt {} · status: {}", a.number, a.status.label()),
                            format!("Actiepunt {} · wat hebben we gedaan: {}", a.number, a.done),
                        ]
                    })
                    .collect()
            })
            .unwrap_or_default(),
        "budget" => serde_json::from_str::<BudgetYear>(body)
            .map(|budget| {
                let shown = |v: Option<i64>| v.map_or_else(|| "onbekend".to_owned(), signed);
                budget
                    .lines
                    .iter()
                    .map(|l| {
                        format!(
                            "{} · begroot {}, na wijziging {}, realisatie {}",
                            l.product,
                            shown(l.amounts.budgeted),
                            shown(l.amounts.amended),
                            shown(l.amounts.realised)
                        )
                    })
                    .collect()
            })
            .unwrap_or_default(),
        // The plan itself: its JSON, pretty-printed, line by line.
        _ => serde_json::from_str::<serde_json::Value>(body)
            .ok()
            .and_then(|value| serde_json::to_string_pretty(&value).ok())
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect(),
    }
}

async fn diff_page(
    State(state): State<AppState>,
    PageParams(query): PageParams<DiffQuery>,
) -> Result<Html<String>, PageError> {
    blocking(move || {
        let store = state.store()?;
        let (this, before) = store
            .document_version(&query.plan, &query.onderdeel, query.jaar, query.versie)?
            .ok_or_else(|| AppError::NotFound(format!("er is geen versie {} van plan '{}'", query.versie, query.plan)))?;
        let new = readable(&this).join("\n");
        let old = before.as_ref().map(readable).unwrap_or_default().join("\n");
        let diff = similar::TextDiff::from_lines(&old, &new);
        let what = kind_label(&this.version.kind);
        let body = html! {
            h1 { "Wat veranderde in versie " (this.version.import_id) }
            p { (what) @if this.version.year > 0 { " " (this.version.year) } ", " (this.version.file) ", door " (this.version.imported_by) " op " (buurtbeeld_render::import_time(&this.version.imported_at)) "." }
            @match &before {
                Some(before) => p { "Vergeleken met versie " (before.version.import_id) " van " (buurtbeeld_render::import_time(&before.version.imported_at)) ". Weggehaald is gemarkeerd met −, toegevoegd met +; ongewijzigde regels staan er niet bij." }
                None => p { "Dit is de eerste versie; alles is nieuw." }
            }
            ul.diff {
                @for change in diff.iter_all_changes() {
                    @match change.tag() {
                        similar::ChangeTag::Delete => li { del { "− " (change.value().trim_end()) } }
                        similar::ChangeTag::Insert => li { ins { "+ " (change.value().trim_end()) } }
                        similar::ChangeTag::Equal => {}
                    }
                }
            }
            p { a href={ "/plan/geschiedenis?plan=" (query.plan) } { "Terug naar de geschiedenis" } }
        };
        Ok::<_, AppError>(layout(&format!("Versie {}", this.version.import_id), body))
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_upload_keeps_only_its_own_name() {
        assert_eq!(upload_name("C:\\Users\\x\\47022NED.csv"), "47022NED.csv");
        assert_eq!(upload_name("../../etc/passwd"), "passwd");
        assert_eq!(upload_name(".."), "bestand");
        assert_eq!(upload_name("a\nb.csv"), "ab.csv");
    }

    #[test]
    fn an_amount_is_a_whole_number_or_empty() {
        assert_eq!(amount(" 125.000 ", "x").unwrap(), Some(125_000));
        assert_eq!(amount("", "x").unwrap(), None);
        assert_eq!(amount("-5", "x").unwrap(), Some(-5));
        assert!(amount("12,5", "x").is_err());
        assert!(amount("99999999999999999999", "x").is_err());
    }
}
