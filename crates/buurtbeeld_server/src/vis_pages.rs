//! "Alle bronnen": the VIS page of an area and a theme, with police registrations, the
//! municipality's enforcement and residents' reports side by side per month, whether they move
//! together, and the deduplication rule of the reports.

use axum::extract::State;
use axum::response::Html;
use buurtbeeld_analysis::{vis, DedupRule, Vis, VisColumn, VisRequest};
use buurtbeeld_cube::dutch::integer;
use buurtbeeld_cube::{AreaCode, AreaLevel, SourceKind, Theme};
use buurtbeeld_render::vis::{column_values, correlation_figures, headings, year_rows};
use buurtbeeld_render::{vis_chart, vis_title};
use buurtbeeld_store::{AreaInfo, Store};
use maud::{html, Markup};
use serde::Deserialize;

use crate::auth::{self, Endpoint};
use crate::page::{layout, PageError, PageParams};
use crate::{AppError, AppState};

pub(crate) fn endpoints() -> Vec<Endpoint> {
    vec![auth::get("/bronnen", sources_page)]
}

#[derive(Debug, Deserialize)]
pub(crate) struct SourcesQuery {
    gebied: Option<String>,
    thema: Option<String>,
}

async fn sources_page(
    State(state): State<AppState>,
    PageParams(query): PageParams<SourcesQuery>,
) -> Result<Html<String>, PageError> {
    tokio::task::spawn_blocking(move || {
        let store = state.store()?;
        let themes = themes_with_sources(&store)?;
        let Some((area, theme)) = choose(&store, &query, &themes)? else {
            return Ok(layout("Alle bronnen", nothing_yet()));
        };
        let request = VisRequest {
            area: area.code.clone(),
            theme: theme.clone(),
            dedup: DedupRule::default(),
        };
        let result = vis(&store, &request)?;
        let areas = selectable_areas(&store, &area)?;
        let body = html! {
            h1 { (vis_title(&result)) }
            p.lead { "Wat de politie registreert, wat handhaving (BOA's) vastlegt en wat bewoners melden, naast elkaar per maand. Zo is te zien of een probleem in alle bronnen zichtbaar is, of alleen in één, en of ze samen op en neer gaan." }
            (form(&areas, &themes, &area.code, &theme))
            (tiles(&result))
            figure {
                (vis_chart(&result))
                figcaption { (attributions(&result)) }
            }
            (correlations(&result))
            (year_table(&result))
            (month_table(&result))
            (downloads(&result))
            section {
                h2 { "Hoe is dit berekend?" }
                p { (result.dedup_rule) }
                p { (result.method) }
                @for note in &result.notes { p { (note) } }
            }
        };
        Ok(layout(&vis_title(&result), body))
    })
    .await
    .unwrap_or_else(|e| Err(PageError::from(AppError::Internal(e.to_string()))))
}

/// Themes that a registration source in the store fills, then the crime themes.
fn themes_with_sources(store: &Store) -> Result<Vec<Theme>, PageError> {
    let sources: Vec<String> = store
        .incident_sources()?
        .into_iter()
        .filter(|s| s.kind != SourceKind::Politie)
        .map(|s| s.id)
        .collect();
    let mut themes: Vec<Theme> = store
        .themes()?
        .into_iter()
        .filter(|t| t.bbv_indicator.is_none())
        .collect();
    // Most sources first: the first visit shows police, enforcement and reports side by side.
    let filled = |t: &Theme| {
        let police =
            usize::from(!t.categories.is_empty() && !t.categories.iter().any(|c| c.is_total()));
        police
            + sources
                .iter()
                .filter(|s| t.sources.contains_key(*s))
                .count()
    };
    themes.sort_by_key(|t| std::cmp::Reverse(filled(t)));
    Ok(themes)
}

/// The area and theme asked for; on a first visit the first gemeente with registrations of
/// its own and the first theme they fill.
fn choose(
    store: &Store,
    query: &SourcesQuery,
    themes: &[Theme],
) -> Result<Option<(AreaInfo, String)>, PageError> {
    let area = match &query.gebied {
        Some(code) => {
            let code = AreaCode::parse(code).map_err(|e| AppError::BadRequest(e.to_string()))?;
            Some(store.area(&code)?.ok_or_else(|| {
                AppError::NotFound(format!("Gebied {code} staat niet in de database."))
            })?)
        }
        None => first_gemeente_with_registrations(store)?,
    };
    let theme = query
        .thema
        .clone()
        .or_else(|| themes.first().map(|t| t.id.clone()));
    Ok(area.zip(theme))
}

fn first_gemeente_with_registrations(store: &Store) -> Result<Option<AreaInfo>, PageError> {
    for source in store.incident_sources()? {
        if source.kind == SourceKind::Politie {
            continue;
        }
        let query = buurtbeeld_store::IncidentQuery {
            source: source.id.clone(),
            ..Default::default()
        };
        let gemeente = store
            .incidents(&query)?
            .iter()
            .find_map(|i| i.area.gemeente());
        if let Some(gemeente) = gemeente {
            return Ok(store.area(&gemeente)?);
        }
    }
    Ok(None)
}

/// The gemeente of the area with its wijken and buurten, for the area choice.
fn selectable_areas(store: &Store, area: &AreaInfo) -> Result<Vec<AreaInfo>, PageError> {
    let Some(gemeente) = area.code.gemeente() else {
        return Ok(vec![area.clone()]);
    };
    let Some(gemeente) = store.area(&gemeente)? else {
        return Ok(vec![area.clone()]);
    };
    let mut areas = vec![gemeente.clone()];
    let mut below: Vec<AreaInfo> = Vec::new();
    for level in [AreaLevel::Wijk, AreaLevel::Buurt] {
        below.extend(store.areas_at(level)?.into_iter().filter(|a| {
            !a.code.is_unknown() && a.code.gemeente().as_ref() == Some(&gemeente.code)
        }));
    }
    below.sort_by(|a, b| a.code.cmp(&b.code));
    areas.extend(below);
    Ok(areas)
}

fn form(areas: &[AreaInfo], themes: &[Theme], area: &AreaCode, theme: &str) -> Markup {
    html! {
        form.choose method="get" action="/bronnen" {
            label { "Gebied "
                select name="gebied" {
                    @for a in areas {
                        @let indent = match a.level { AreaLevel::Buurt => "· · ", AreaLevel::Wijk => "· ", _ => "" };
                        option value=(a.code) selected[&a.code == area] { (indent) (a.name) }
                    }
                }
            }
            label { "Thema "
                select name="thema" {
                    @for t in themes {
                        option value=(t.id) selected[t.id == theme] { (t.name) }
                    }
                }
            }
            button type="submit" { "Toon" }
        }
    }
}

fn nothing_yet() -> Markup {
    html! {
        h1 { "Alle bronnen" }
        p { "Er zijn nog geen registraties van de gemeente ingelezen: handhaving (BOA's) of meldingen van bewoners (bijvoorbeeld uit Signalen). Lees een export in met " code { "buurtbeeld import" } " (zie docs/registraties.md); dan staan ze hier naast de politiecijfers." }
    }
}

fn months_with_figures(values: &[Option<u64>]) -> usize {
    values.iter().filter(|v| v.is_some()).count()
}

fn tiles(result: &Vis) -> Markup {
    html! {
        ul.tiles {
            @for column in &result.columns {
                li.tile { div.body {
                    span.name { (column.name) }
                    span.figure { (integer(column.total)) }
                    span.change {
                        (column_unit(column)) " in "
                        @if let Some(years) = &column.per_year { (years.len()) " jaar" }
                        @else { (months_with_figures(&column.counts)) " maanden" }
                        @if let Some(problems) = column.total_problems {
                            "; " (integer(problems)) " problemen na ontdubbelen"
                        }
                    }
                } }
            }
        }
    }
}

fn column_unit(column: &VisColumn) -> &'static str {
    match column.kind {
        SourceKind::Politie => "misdrijven",
        SourceKind::Handhaving => "registraties",
        SourceKind::Meldingen => "meldingen",
        SourceKind::Overig => "registraties",
    }
}

fn attributions(result: &Vis) -> String {
    buurtbeeld_render::vis::attributions(result).join("; ")
}

fn correlations(result: &Vis) -> Markup {
    html! {
        @if !result.correlations.is_empty() {
            section {
                h2 { "Bewegen de bronnen samen?" }
                ul {
                    @for c in &result.correlations {
                        li {
                            (c.sentence)
                            @let figures = correlation_figures(c.spearman, c.p_value);
                            @if !figures.is_empty() { " (" (figures) ", " (c.changes) " vergelijkingen met een jaar eerder)" }
                        }
                    }
                }
            }
        }
    }
}

fn values(result: &Vis) -> Vec<&[Option<u64>]> {
    result.columns.iter().flat_map(column_values).collect()
}

fn year_table(result: &Vis) -> Markup {
    html! {
        div.scroll { table.doc {
            caption { "Per jaar (tussen haakjes: maanden met cijfers, als dat er minder dan 12 zijn)" }
            thead { tr {
                th scope="col" { "Jaar" }
                @for h in headings(result) { th.num scope="col" { (h) } }
            } }
            tbody {
                @for (year, cells) in year_rows(result) {
                    tr {
                        th scope="row" { (year) }
                        @for cell in cells { td.num { (cell) } }
                    }
                }
            }
        } }
    }
}

fn month_table(result: &Vis) -> Markup {
    let values = values(result);
    html! {
        details {
            summary { "Alle maanden" }
            div.scroll { table.doc {
                caption { "Per maand" }
                thead { tr {
                    th scope="col" { "Maand" }
                    @for h in headings(result) { th scope="col" { (h) } }
                } }
                tbody {
                    @for (i, month) in result.months.iter().enumerate() {
                        tr {
                            th scope="row" { (month.dutch_label()) }
                            @for column in &values {
                                td.num { (column[i].map_or_else(|| "–".to_owned(), integer)) }
                            }
                        }
                    }
                }
            } }
        }
    }
}

fn downloads(result: &Vis) -> Markup {
    let export = format!("/api/v1/vis?area={}&theme={}", result.area, result.theme);
    html! {
        p.downloads {
            "Download deze cijfers: "
            a href={(export) "&format=csv"} download { "CSV (Excel)" } " · "
            a href=(export) { "JSON" }
        }
    }
}
