//! "Patronen": where exactly registrations concentrate (kernel density on a grid under the
//! buurt boundaries) and whether one is followed by another nearby soon after (the near-repeat
//! test), for the registrations with a point: BVH incidents, reports, enforcement.

use axum::extract::State;
use axum::response::Html;
use buurtbeeld_analysis::{
    density, near_repeat, DensityMap, DensityRequest, NearRepeat, NearRepeatRequest, Subject,
};
use buurtbeeld_cube::dutch::{decimal, integer, p_value};
use buurtbeeld_cube::{AreaCode, Day, Period};
use buurtbeeld_render::density_svg;
use buurtbeeld_render::patterns::ratio_text;
use buurtbeeld_store::Store;
use maud::{html, Markup};
use serde::Deserialize;

use crate::auth::{self, Endpoint};
use crate::page::{layout, PageError, PageParams};
use crate::{AppError, AppState};

pub(crate) fn endpoints() -> Vec<Endpoint> {
    vec![auth::get("/patronen", patterns_page)]
}

#[derive(Debug, Deserialize)]
pub(crate) struct PatternsQuery {
    gebied: Option<String>,
    bron: Option<String>,
    thema: Option<String>,
    /// A year (YYYY); default the latest year with registrations.
    jaar: Option<i32>,
}

/// What the page analyses, resolved from the query with defaults for a first visit.
struct PatternChoice {
    area: AreaCode,
    source: String,
    theme: String,
    year: i32,
}

async fn patterns_page(
    State(state): State<AppState>,
    PageParams(query): PageParams<PatternsQuery>,
) -> Result<Html<String>, PageError> {
    tokio::task::spawn_blocking(move || {
        let store = state.store()?;
        let Some(choice) = choose(&store, &query)? else {
            return Ok(layout("Patronen", nothing_yet()));
        };
        let days = Some((
            Day::first_of(Period::Year(choice.year)),
            Day::last_of(Period::Year(choice.year)),
        ));
        let subject = Subject::Theme(choice.theme.clone());
        let mut density_request =
            DensityRequest::new(choice.area.clone(), &choice.source, subject.clone());
        density_request.days = days;
        let map = density(&store, &density_request)?;
        let mut repeat_request = NearRepeatRequest::new(choice.area.clone(), &choice.source, subject);
        repeat_request.days = days;
        let repeats = near_repeat(&store, &repeat_request)?;
        let outlines = outlines(&store, &map)?;
        let title = format!(
            "Patronen: {} in {}, {} t/m {}",
            map.subject_label.to_lowercase(),
            map.area_name,
            repeats.first_day.dutch(),
            repeats.last_day.dutch()
        );
        let body = html! {
            h1 { (title) }
            p.lead { "Waar liggen de registraties precies, over buurtgrenzen heen? En volgt op een registratie vaak een volgende in de buurt, kort daarna (near repeat)? Dat laatste is waar preventie direct na een inbraak of diefstal op inspeelt." }
            (form(&store, &choice)?)
            section {
                h2 { "Waar precies?" }
                figure {
                    (density_svg(&map, &outlines))
                    figcaption { (map.attribution) }
                }
                (density_table(&map))
                p { (map.method) }
            }
            section {
                h2 { "Volgt er snel nog een in de buurt?" }
                p.verdict { (repeats.summary) }
                (near_repeat_table(&repeats))
                p { (repeats.method) }
                p { (repeats.attribution) }
            }
            (downloads(&choice))
        };
        Ok(layout(&title, body))
    })
    .await
    .unwrap_or_else(|e| Err(PageError::from(AppError::Internal(e.to_string()))))
}

/// The area, source, theme and year asked for; on a first visit the gemeente of the first
/// registrations with points, the theme they fill first and their latest year.
fn choose(store: &Store, query: &PatternsQuery) -> Result<Option<PatternChoice>, PageError> {
    let sources = store.incident_sources()?;
    let source = match &query.bron {
        Some(id) => id.clone(),
        None => match sources.first() {
            Some(first) => first.id.clone(),
            None => return Ok(None),
        },
    };
    let Some((_, last)) = store.incident_days(&source)? else {
        return Err(AppError::NotFound(format!("Bron '{source}' heeft geen registraties.")).into());
    };
    let themes = store.themes()?;
    let theme = match &query.thema {
        Some(id) => id.clone(),
        // The theme of the source's most used category.
        None => store
            .incident_categories(&source)?
            .iter()
            .find_map(|(category, _)| {
                themes.iter().find(|t| {
                    t.bbv_indicator.is_none() && t.source_categories(&source).contains(category)
                })
            })
            .map(|t| t.id.clone())
            .ok_or_else(|| {
                AppError::NotFound(format!("Geen thema heeft categorieën van bron '{source}'."))
            })?,
    };
    let area = match &query.gebied {
        Some(code) => AreaCode::parse(code).map_err(|e| AppError::BadRequest(e.to_string()))?,
        None => {
            let first = store.incidents(&buurtbeeld_store::IncidentQuery {
                source: source.clone(),
                from: Some(last),
                ..Default::default()
            })?;
            match first.iter().find_map(|i| i.area.gemeente()) {
                Some(gemeente) => gemeente,
                None => return Ok(None),
            }
        }
    };
    Ok(Some(PatternChoice {
        area,
        source,
        theme,
        year: query.jaar.unwrap_or_else(|| last.month().calendar_year()),
    }))
}

/// The buurten under the density map: code, name and boundary.
fn outlines(store: &Store, map: &DensityMap) -> Result<Vec<(String, String, String)>, PageError> {
    let mut outlines = Vec::new();
    for code in &map.buurten {
        if let (Some(info), Some(geometry)) = (store.area(code)?, store.area_geometry(code)?) {
            outlines.push((code.to_string(), info.name, geometry));
        }
    }
    Ok(outlines)
}

fn form(store: &Store, choice: &PatternChoice) -> Result<Markup, PageError> {
    let sources = store.incident_sources()?;
    let themes: Vec<_> = store
        .themes()?
        .into_iter()
        .filter(|t| t.bbv_indicator.is_none() && !t.source_categories(&choice.source).is_empty())
        .collect();
    let years: Vec<i32> = match store.incident_days(&choice.source)? {
        Some((first, last)) => {
            (first.month().calendar_year()..=last.month().calendar_year()).collect()
        }
        None => Vec::new(),
    };
    Ok(html! {
        form.choose method="get" action="/patronen" {
            input type="hidden" name="gebied" value=(choice.area);
            label { "Bron "
                select name="bron" {
                    @for s in &sources {
                        option value=(s.id) selected[s.id == choice.source] { (s.name) }
                    }
                }
            }
            label { "Thema "
                select name="thema" {
                    @for t in &themes {
                        option value=(t.id) selected[t.id == choice.theme] { (t.name) }
                    }
                }
            }
            label { "Jaar "
                select name="jaar" {
                    @for y in &years {
                        option value=(y) selected[*y == choice.year] { (y) }
                    }
                }
            }
            button type="submit" { "Toon" }
        }
    })
}

fn nothing_yet() -> Markup {
    html! {
        h1 { "Patronen" }
        p { "Er zijn nog geen registraties met een plek ingelezen (BVH-incidenten van de politie, meldingen of handhaving). Lees ze in met " code { "buurtbeeld import" } "; dan staan hier de dichtheidskaart en de near-repeattest." }
    }
}

fn density_table(map: &DensityMap) -> Markup {
    html! {
        div.scroll { table.doc {
            caption { "De tien dichtste rastercellen van " (decimal(map.cell_metres, 0)) " m" }
            thead { tr {
                th scope="col" { "Cel (RD New x, y van de zuidwesthoek)" }
                th.num scope="col" { "Registraties per km²" }
                th.num scope="col" { "In de cel" }
            } }
            tbody {
                @for cell in map.cells.iter().take(10) {
                    tr {
                        td { (cell.x as i64) ", " (cell.y as i64) }
                        td.num { (decimal(cell.per_square_kilometre, 0)) }
                        td.num { (integer(u64::from(cell.count))) }
                    }
                }
            }
        } }
    }
}

fn near_repeat_table(result: &NearRepeat) -> Markup {
    let t = result.time_bands.len();
    html! {
        div.scroll { table.doc {
            caption { "Knox-verhouding: paren waargenomen gedeeld door verwacht bij toeval; * = verhoogd (p < 0,05). Onder elke verhouding de p-waarde." }
            thead { tr {
                th scope="col" { "Afstand" }
                @for band in &result.time_bands { th.num scope="col" { (band) } }
            } }
            tbody {
                @for (s, distance) in result.distance_bands.iter().enumerate() {
                    tr {
                        th scope="row" { (distance) }
                        @for cell in &result.cells[s * t..(s + 1) * t] {
                            td.num {
                                @if cell.raised { strong { (ratio_text(cell.ratio, true)) } }
                                @else { (ratio_text(cell.ratio, false)) }
                                br;
                                small { "p " (p_value(cell.p_value)) }
                            }
                        }
                    }
                }
            }
        } }
    }
}

fn downloads(choice: &PatternChoice) -> Markup {
    let query = format!(
        "area={}&source={}&theme={}&from={}-01&to={}-12",
        choice.area, choice.source, choice.theme, choice.year, choice.year
    );
    html! {
        p.downloads {
            "Download: "
            a href={"/api/v1/density?" (query) "&format=csv"} download { "dichtheid (CSV)" } " · "
            a href={"/api/v1/near-repeat?" (query) "&format=csv"} download { "near-repeat (CSV)" } " · "
            a href={"/api/v1/near-repeat?" (query)} { "JSON" }
        }
    }
}
