//! The analyst's work in the browser: importing files, editing action points and budget lines
//! (each edit a new version in the store), and the plan's history with the difference between
//! versions. Plain HTML forms; no JavaScript.

use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use buurtbeeld_analysis::{import_files, ImportFailure, ImportFile};
use buurtbeeld_cube::dutch::{integer, signed};
use buurtbeeld_cube::{ActionSet, ActionStatus, BudgetYear, ImportBatch, SourceInfo};
use buurtbeeld_ingest::ReadOptions;
use buurtbeeld_store::{DocumentVersion, ImportOutcome, Store};
use maud::{html, Markup, PreEscaped};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::auth::{self, Endpoint, Viewer, CSRF_FIELD};
use crate::page::CSRF_MARKER;
use crate::page::{layout, PageError, PageParams};
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
        auth::get("/plan/geschiedenis", history_page),
        auth::get("/plan/verschil", diff_page),
    ]
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, AppError> + Send + 'static,
) -> Result<T, PageError> {
    tokio::task::spawn_blocking(work)
        .await
        .unwrap_or_else(|e| Err(AppError::Internal(e.to_string())))
        .map_err(PageError::from)
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
                let bytes = field.bytes().await.map_err(bad)?;
                if bytes.is_empty() {
                    continue;
                }
                let dir = tempfile::tempdir().map_err(|e| AppError::Internal(e.to_string()))?;
                let path = dir.path().join(&name);
                std::fs::write(&path, &bytes).map_err(|e| AppError::Internal(e.to_string()))?;
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
        Ok(result)
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
        table {
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
        Ok(layout(&format!("Actiepunten {} bewerken", set.year), body))
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
    let done = edit.gedaan.trim().replace("\r\n", "\n");
    if done.chars().count() > 4000 || done.chars().any(|c| c.is_control() && c != '\n') {
        return Err(AppError::BadRequest(
            "'wat hebben we gedaan' is langer dan 4000 tekens of bevat stuurtekens".to_owned(),
        )
        .into());
    }
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
        Ok(layout(&format!("Begroting {} bewerken", budget.year), body))
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

fn kind_label(kind: &str) -> &str {
    match kind {
        "plan" => "plan",
        "actions" => "actiepunten",
        "budget" => "begroting",
        other => other,
    }
}

async fn history_page(
    State(state): State<AppState>,
    PageParams(query): PageParams<PlanOnly>,
) -> Result<Html<String>, PageError> {
    blocking(move || {
        let store = state.store()?;
        let plan = store
            .plan(&query.plan)?
            .ok_or_else(|| AppError::NotFound(format!("er is geen plan '{}'", query.plan)))?;
        let history = store.plan_history(&plan.id)?;
        let body = html! {
            h1 { "Geschiedenis van " (plan.name) }
            p { "Elke import en elke bewerking in de browser is een versie; niets wordt overschreven. Kies een versie om te zien wat er veranderde ten opzichte van de versie ervoor." }
            div.scroll {
                table {
                    caption { "Versies, nieuwste eerst" }
                    thead { tr { th scope="col" { "Wanneer (UTC)" } th scope="col" { "Wie" } th scope="col" { "Onderdeel" } th scope="col" { "Jaar" } th scope="col" { "Bron" } th scope="col" { "Verschil" } } }
                    tbody {
                        @for version in &history {
                            tr {
                                td { (version.imported_at) }
                                td { (version.imported_by) }
                                td { (kind_label(&version.kind)) }
                                td { @if version.year > 0 { (version.year) } }
                                td { (version.file) }
                                td { a href={ "/plan/verschil?plan=" (plan.id) "&onderdeel=" (version.kind) "&jaar=" (version.year) "&versie=" (version.import_id) } { "bekijk" span.visually-hidden { " versie " (version.import_id) } } }
                            }
                        }
                    }
                }
            }
        };
        Ok(layout(&format!("Geschiedenis {}", plan.name), body))
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
            p { (what) @if this.version.year > 0 { " " (this.version.year) } ", " (this.version.file) ", door " (this.version.imported_by) " op " (this.version.imported_at) " (UTC)." }
            @match &before {
                Some(before) => p { "Vergeleken met versie " (before.version.import_id) " van " (before.version.imported_at) ". Weggehaald is gemarkeerd met −, toegevoegd met +; ongewijzigde regels staan er niet bij." }
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
        Ok(layout(&format!("Versie {}", this.version.import_id), body))
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
