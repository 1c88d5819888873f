//! The Dutch pages of the dashboard, rendered on the server: they work without JavaScript, and
//! every chart and map has a table beside it.

use axum::extract::{Path, State};
use axum::response::Html;
use buurtbeeld_analysis::{
    forecast, hotspots, picture, run_backtest, small_population_note, store_credits, trend,
    years_with_data, AreaForecast, Backtest, ForecastError, ForecastRequest, ForecastRow,
    Forecasts, HotspotClass, HotspotError, HotspotRequest, HotspotRow, Hotspots, Measure, Picture,
    PictureError, PictureRequest, PictureRow, Subject, WeightsRule, MIN_POPULATION_FOR_RATE,
};
use buurtbeeld_cube::dutch::{decimal, integer, p_value, percent, period};
use buurtbeeld_cube::{AreaCode, AreaLevel, IncidentSource, SourceKind, Theme};
use buurtbeeld_cube::{Period, DUTCH_MONTHS};
use buurtbeeld_render::map::default_measure;
use buurtbeeld_render::markup::Svg;
use buurtbeeld_render::svg::{class_map, line_chart, rolling_mean, Line, MapArea, MapClass};
use buurtbeeld_render::{emerging_label, method_label, method_line, picture_map, MapMeasure};
use buurtbeeld_store::{AreaInfo, Store};
use maud::{html, Markup};
use serde::Deserialize;

use crate::auth::Viewer;
use crate::auth::{self, Endpoint};
use crate::first_screen::{chart_series, sources_and_next_steps, year_on_year_section, Loaded};
use crate::page::{layout, PageError, PageParams};
use crate::peer_section::peer_section;
use crate::public::file_name;
use crate::public_pages::{self, PublicQuery};
use crate::{AppError, AppState};

pub(crate) fn endpoints() -> Vec<Endpoint> {
    vec![
        auth::get("/", overview),
        auth::get("/gegevens", data_page),
        auth::get("/thema/{id}", theme_page),
        auth::get("/gebied/{code}", area_page),
        auth::get("/actie", action_page),
        auth::get("/vooruitblik", outlook_page),
    ]
}

#[derive(Debug, Deserialize)]
pub(crate) struct OverviewQuery {
    gemeente: Option<String>,
    thema: Option<String>,
    jaar: Option<i32>,
    maat: Option<String>,
}

impl OverviewQuery {
    fn public(&self) -> PublicQuery {
        PublicQuery {
            gemeente: self.gemeente.clone(),
            thema: self.thema.clone(),
            jaar: self.jaar,
        }
    }
}

/// What the overview shows: resolved from the query, with sensible defaults for a first visit.
struct Selection {
    gemeente: AreaCode,
    theme: String,
    year: i32,
    /// The map's measure as asked (`maat`); `None`: the default of dashboard and documents.
    per_1000: Option<bool>,
}

fn select(store: &Store, query: &OverviewQuery) -> Result<Selection, PageError> {
    let gemeenten = store.areas_at(AreaLevel::Gemeente)?;
    let gemeente = match &query.gemeente {
        Some(code) => AreaCode::parse(code).map_err(|e| AppError::BadRequest(e.to_string()))?,
        // First visit: the first gemeente with buurt boundaries, so the map shows something.
        None => {
            let mapped = gemeenten_with_boundaries(store)?;
            gemeenten
                .iter()
                .filter(|g| !g.code.is_unknown())
                .find(|g| mapped.contains(&g.code))
                .or_else(|| gemeenten.iter().find(|g| !g.code.is_unknown()))
                .map(|g| g.code.clone())
                .ok_or_else(|| {
                    AppError::NotFound("De database bevat nog geen gemeenten.".to_owned())
                })?
        }
    };
    let themes = store.themes()?;
    let theme = match &query.thema {
        Some(id) => id.clone(),
        None => themes
            .iter()
            .filter(|t| !t.categories.is_empty())
            .find(|t| {
                years_with_data(store, &gemeente, &Subject::Theme(t.id.clone()))
                    .is_ok_and(|y| !y.is_empty())
            })
            .map(|t| t.id.clone())
            .unwrap_or_else(|| "totaal".to_owned()),
    };
    let year = match query.jaar {
        Some(year) => year,
        None => {
            let years = years_with_data(store, &gemeente, &Subject::Theme(theme.clone()))?;
            latest_year(&years).ok_or_else(|| {
                AppError::NotFound(format!("Geen cijfers voor {gemeente} en thema {theme}."))
            })?
        }
    };
    Ok(Selection {
        gemeente,
        theme,
        year,
        per_1000: match query.maat.as_deref() {
            Some("per1000") => Some(true),
            Some("aantal") => Some(false),
            _ => None,
        },
    })
}

/// The gemeenten with at least one buurt boundary; reads the area list, not the geometries.
fn gemeenten_with_boundaries(
    store: &Store,
) -> Result<std::collections::BTreeSet<AreaCode>, PageError> {
    Ok(store
        .areas_at(AreaLevel::Buurt)?
        .into_iter()
        .filter(|b| b.has_geometry)
        .filter_map(|b| b.code.gemeente())
        .collect())
}

/// The year to show first from `years_with_data`: the latest complete year, else the latest.
fn latest_year(years: &[(i32, usize)]) -> Option<i32> {
    years
        .iter()
        .rev()
        .find(|(_, months)| *months == 12)
        .or(years.last())
        .map(|(y, _)| *y)
}

/// The gemeente, theme and year choosers shared by the overview and the action page.
/// `with_year: false` leaves out the year (the outlook always starts after the latest month).
fn selection_fields(
    store: &Store,
    selection: &Selection,
    with_year: bool,
) -> Result<Markup, PageError> {
    let years = if with_year {
        years_with_data(
            store,
            &selection.gemeente,
            &Subject::Theme(selection.theme.clone()),
        )
        .unwrap_or_default()
    } else {
        Vec::new()
    };
    choosers(
        store,
        selection,
        |t| !t.categories.is_empty(),
        with_year,
        &years,
    )
}

/// The gemeente and theme choosers, and the year chooser when asked for.
fn choosers(
    store: &Store,
    selection: &Selection,
    offered: impl Fn(&Theme) -> bool,
    with_year: bool,
    years: &[(i32, usize)],
) -> Result<Markup, PageError> {
    let gemeenten = store.areas_at(AreaLevel::Gemeente)?;
    let themes = store.themes()?;
    Ok(html! {
        label { "Gemeente "
            select name="gemeente" {
                @for g in gemeenten.iter().filter(|g| !g.code.is_unknown()) {
                    option value=(g.code) selected[g.code == selection.gemeente] { (g.name) }
                }
            }
        }
        label { "Thema "
            select name="thema" {
                @for t in themes.iter().filter(|t| offered(t)) {
                    option value=(t.id) selected[t.id == selection.theme] { (t.name) }
                }
            }
        }
        @if with_year {
            label { "Jaar "
                select name="jaar" {
                    @for (y, _) in years {
                        option value=(y) selected[*y == selection.year] { (y) }
                    }
                }
            }
        }
    })
}

/// The choosers of the action page: also the themes only the municipality's own sources fill,
/// and the years those sources cover.
fn action_selection_fields(store: &Store, selection: &Selection) -> Result<Markup, PageError> {
    let mut years = years_with_data(
        store,
        &selection.gemeente,
        &Subject::Theme(selection.theme.clone()),
    )
    .unwrap_or_default();
    for (first, last) in own_sources(store)?
        .iter()
        .filter_map(|s| store.incident_days(&s.id).ok().flatten())
    {
        for year in first.month().calendar_year()..=last.month().calendar_year() {
            if !years.iter().any(|(y, _)| *y == year) {
                years.push((year, 12));
            }
        }
    }
    years.sort();
    let offered = |t: &Theme| {
        t.bbv_indicator.is_none() && (!t.categories.is_empty() || !t.sources.is_empty())
    };
    choosers(store, selection, offered, true, &years)
}

fn request(area: &AreaCode, theme: &str, year: i32) -> PictureRequest {
    PictureRequest {
        area: area.clone(),
        subject: Subject::Theme(theme.to_owned()),
        year,
        month: None,
        source: None,
        level: None,
        min_population: buurtbeeld_analysis::MIN_POPULATION_FOR_RATE,
    }
}

/// The buurten of a gemeente with their figures, highest count first.
fn buurt_rows(store: &Store, selection: &Selection) -> Result<Vec<PictureRow>, PageError> {
    let request = PictureRequest {
        level: Some(AreaLevel::Buurt),
        ..request(&selection.gemeente, &selection.theme, selection.year)
    };
    let mut rows = picture(store, &request)?.rows;
    rows.remove(0);
    Ok(rows)
}

/// The map of the gemeente's buurten for the selection, with the same figures as a table; and
/// whether the map shows rates.
fn buurt_section(
    store: &Store,
    selection: &Selection,
    main: &Picture,
) -> Result<(Markup, bool), PageError> {
    let buurten = buurt_rows(store, selection)?;
    let geometries: std::collections::BTreeMap<AreaCode, String> =
        store.buurt_geometries()?.into_iter().collect();
    let measure = match selection.per_1000 {
        Some(true) => MapMeasure::PER_1000,
        Some(false) => MapMeasure::Count,
        None => default_measure(&buurten),
    };
    let map = picture_map(
        &buurten,
        |code| geometries.get(code).cloned(),
        |code| Some(format!("/gebied/{code}?jaar={}", selection.year)),
        measure,
        &format!(
            "{} per buurt, {} {}",
            main.subject_label,
            main.area_name,
            period::label(&main.period)
        ),
    );
    let small_note = buurten
        .iter()
        .any(|r| r.too_few_inhabitants)
        .then(|| small_population_note(MIN_POPULATION_FOR_RATE))
        .filter(|note| !main.notes.contains(note));
    // Columns no buurt has a figure in (no population, no earlier year) are left out.
    let with_rates = buurten.iter().any(|r| r.per_1000.is_some());
    let with_previous = buurten.iter().any(|r| r.previous_count.is_some());
    let markup = html! {
        section aria-labelledby="kaart" {
            h2 #kaart { (main.subject_label) " per buurt, " (period::label(&main.period)) }
            @match &map {
                Some(svg) => { figure.map { (svg) } }
                None => { p { "Voor deze gemeente zijn geen buurtgrenzen geïmporteerd; de tabel hieronder geeft de cijfers." } }
            }
            table {
                caption { (main.subject_label) " per buurt, " (period::label(&main.period)) " vergeleken met " (period::label(&main.previous_period)) " (bron " (main.source) ")" }
                thead { tr {
                    th scope="col" { "Buurt" } th scope="col" { "Aantal" }
                    @if with_rates {
                        th scope="col" { "Per 1.000" }
                        th scope="col" { "Per 1.000, gladgestreken" }
                    }
                    @if with_previous { th scope="col" { "Vorig jaar" } th scope="col" { "Verschil" } }
                } }
                tbody {
                    @for row in &buurten {
                        tr {
                            th scope="row" { a href={"/gebied/" (row.code) "?jaar=" (selection.year)} { (row.name) } " " span.code { (row.code) } }
                            td { (count_text(row.count, row.withheld)) }
                            @if with_rates {
                                td { (rate_cell(row.per_1000, row.too_few_inhabitants)) }
                                td { (rate_cell(row.smoothed_per_1000, row.too_few_inhabitants)) }
                            }
                            @if with_previous {
                                td { (count_text(row.previous_count, row.withheld)) }
                                td { (change_cell(row)) }
                            }
                        }
                    }
                }
            }
            @let export = format!(
                "/api/v1/picture?area={}&theme={}&year={}&level=buurt",
                selection.gemeente, selection.theme, selection.year
            );
            p.downloads {
                "Download deze cijfers: "
                a href={(export) "&format=csv"} download { "CSV (Excel)" } " · "
                a href={(export) "&format=geojson"} download { "GeoJSON (kaart)" } " · "
                a href=(export) { "JSON" }
            }
            @if map.is_some() && measure != MapMeasure::Count {
                p.note { "Kaart: " (measure.caption()) " (buurten met weinig inwoners worden naar het gemiddelde getrokken, zodat toeval de kleur niet bepaalt); de tabel geeft ook het ongegladde cijfer." }
            }
            @for note in &main.notes { p.note { (note) } }
            @if let Some(note) = &small_note { p.note { (note) } }
            p.note { "* Significant: het verschil is groter dan toeval verklaart (exacte toets, p < 0,05)." }
            p.note { (main.attribution) }
        }
    };
    Ok((markup, measure != MapMeasure::Count))
}

/// A rate, or a dash; for an area too small for a rate the dash says why on hover, and the
/// note under the table says it in full.
fn rate_cell(rate: Option<f64>, too_few_inhabitants: bool) -> Markup {
    html! {
        @match rate {
            Some(x) => (decimal(x, 1)),
            None if too_few_inhabitants => abbr title="minder dan het minimum aantal inwoners: geen cijfer per 1.000" { "–" },
            None => "–",
        }
    }
}

fn change_cell(row: &PictureRow) -> Markup {
    html! {
        @match row.change_pct {
            Some(change) => {
                (percent(change))
                @if row.significant == Some(true) { " " abbr title="significant: meer dan toeval (p < 0,05)" { "*" } }
            }
            None => "–",
        }
    }
}

fn count_text(count: Option<u64>, withheld: bool) -> String {
    match (count, withheld) {
        (Some(n), true) => format!("≥ {}", integer(n)),
        (Some(n), false) => integer(n),
        (None, true) => "afgeschermd".to_owned(),
        (None, false) => "–".to_owned(),
    }
}

async fn overview(
    State(state): State<AppState>,
    viewer: Viewer,
    PageParams(query): PageParams<OverviewQuery>,
) -> Result<Html<String>, PageError> {
    if viewer.is_public() {
        return public_pages::overview(state, query.public()).await;
    }
    tokio::task::spawn_blocking(move || {
        let store = state.store()?;
        let selection = select(&store, &query)?;
        let main = picture(&store, &request(&selection.gemeente, &selection.theme, selection.year))?;
        let (buurten, per_1000) = buurt_section(&store, &selection, &main)?;
        let (tiles, themes_without_data) = theme_tiles(&store, &selection)?;
        let choices = selection_fields(&store, &selection, true)?;
        let trend_chart = year_on_year_section(&store, &selection.gemeente, &selection.theme);
        let gemeente_row = main.rows.first();
        let sources = sources_and_next_steps(
            &store,
            &selection.gemeente,
            &main.area_name,
            Loaded {
                boundaries: gemeenten_with_boundaries(&store)?.contains(&selection.gemeente),
                population: main.rows.iter().any(|r| r.per_1000.is_some()),
                previous_year: gemeente_row.is_some_and(|r| r.previous_count.is_some()),
                may_import: viewer.role.may(buurtbeeld_cube::Role::Analist),
            },
        );
        let body = html! {
            h1 { "Veiligheidsbeeld " (main.area_name) }
            form.choose method="get" action="/" {
                (choices)
                label { "Maat "
                    select name="maat" {
                        option value="aantal" selected[!per_1000] { "Aantal" }
                        option value="per1000" selected[per_1000] { "Per 1.000 inwoners" }
                    }
                }
                button type="submit" { "Toon" }
            }
            section aria-labelledby="tegels" {
                h2 #tegels {
                    "Thema's in " (main.area_name) ", "
                    @if main.complete_year.is_some() { (selection.year) " t.o.v. " (selection.year - 1) }
                    @else { (period::comparison_label(&main.period, &main.previous_period)) }
                }
                ul.tiles {
                    @for tile in &tiles { (tile) }
                }
                @if !themes_without_data.is_empty() {
                    p.note { "Geen gegevens over " (selection.year) " voor: " (themes_without_data.join(", ")) "." }
                }
            }
            @if let Some(chart) = trend_chart {
                section aria-labelledby="verloop" {
                    h2 #verloop { (main.subject_label) " per maand" }
                    (chart)
                }
            }
            (buurten)
            (sources)
        };
        Ok(layout(&format!("Veiligheidsbeeld {}", main.area_name), body))
    })
    .await
    .unwrap_or_else(|e| Err(PageError::from(AppError::Internal(e.to_string()))))
}

/// One tile per theme with police figures for the selection: the latest figure, the change and
/// whether it is significant; and the names of the crime themes without figures, which get no
/// tile (a screen of "geen gegevens" hides the themes that have them).
fn theme_tiles(
    store: &Store,
    selection: &Selection,
) -> Result<(Vec<Markup>, Vec<String>), PageError> {
    let mut tiles = Vec::new();
    let mut without_data = Vec::new();
    for theme in store.themes()?.iter().filter(|t| t.is_crime_theme()) {
        let answer: Option<Picture> = picture(
            store,
            &request(&selection.gemeente, &theme.id, selection.year),
        )
        .ok();
        let row = answer
            .as_ref()
            .and_then(|p| p.rows.first())
            .filter(|r| r.count.is_some());
        let link = format!(
            "/thema/{}?gemeente={}&jaar={}",
            theme.id, selection.gemeente, selection.year
        );
        let Some(row) = row else {
            without_data.push(theme.name.clone());
            continue;
        };
        tiles.push(html! {
            li.tile.current[theme.id == selection.theme] {
                a href=(link) {
                    span.name { (theme.name) }
                    span.figure { (count_text(row.count, row.withheld)) }
                    span.change {
                        @match row.change_pct {
                            Some(c) => {
                                (percent(c)) " t.o.v. "
                                @match answer.as_ref().filter(|p| p.complete_year.is_none()) {
                                    Some(part) => (period::comparison_label(&part.period, &part.previous_period)),
                                    None => "vorig jaar",
                                }
                            }
                            None => "geen vergelijking",
                        }
                    }
                    span.verdict {
                        @match (row.significant, row.p_value) {
                            (Some(true), Some(p)) => { "Significant (p = " (p_value(p)) ")" }
                            (Some(false), _) => "Binnen toevalsmarge",
                            _ => "Niet getoetst",
                        }
                    }
                }
            }
        });
    }
    Ok((tiles, without_data))
}

async fn data_page(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Html<String>, PageError> {
    let (imports, credits) = tokio::task::spawn_blocking(move || {
        let store = state.store()?;
        Ok::<_, AppError>((store.imports()?, store_credits(&store)?))
    })
    .await
    .unwrap_or_else(|e| Err(AppError::Internal(e.to_string())))?;
    // The import log is for accounts; the public sees where the figures come from.
    let body = html! {
        h1 { "Gegevens" }
        @if viewer.is_public() {
            p { "De cijfers komen van de bronnen hieronder. Het logboek van wat wanneer is ingelezen is er voor accounts." }
        } @else {
        p { "Alle bestanden die in buurtbeeld zijn ingelezen, met bron, tabel, versie en omvang. Een import komt in zijn geheel binnen of helemaal niet; hetzelfde bestand nogmaals inlezen verandert niets." }
        @if viewer.role.may(buurtbeeld_cube::Role::Analist) {
            p { a href="/gegevens/importeren" { "Bestanden inlezen" } }
        }
        table.log {
            caption { "Importlogboek" }
            thead { tr {
                th scope="col" { "#" } th scope="col" { "Bestand" } th scope="col" { "Soort" }
                th scope="col" { "Tabel" } th scope="col" { "Versie" } th scope="col" { "Periode" } th.num scope="col" { "Regels" } th scope="col" { "Tijdstip (UTC)" }
            } }
            tbody {
                @for entry in &imports {
                    tr {
                        td { (entry.id) }
                        td.file { (file_name(&entry.file)) }
                        td { (entry.kind) }
                        td { (entry.table_id) }
                        td { @if entry.release.is_empty() { "–" } @else { (entry.release) } }
                        td.time {
                            (serde_json::from_str::<serde_json::Value>(&entry.summary)
                                .ok()
                                .and_then(|s| s["period_covered"].as_str().map(period::label))
                                .unwrap_or_else(|| "–".to_owned()))
                        }
                        td.num { (integer(entry.rows.max(0) as u64)) }
                        td.time { (buurtbeeld_render::import_time(&entry.imported_at)) }
                    }
                }
            }
        }
        p.downloads { "Het logboek als " a href="/api/v1/imports" { "JSON" } "; alle gegevens via de " a href="/api/v1/openapi.json" { "API" } "." }
        }
        h2 { "Afgeschermde cijfers" }
        p { "CBS en Politie publiceren sommige aantallen niet, om te voorkomen dat personen herkenbaar worden (bijvoorbeeld zedenmisdrijven en kinderporno, in elke buurt en elke maand). Zo'n cel is leeg in de bron. buurtbeeld toont haar als " em { "afgeschermd" } ", nooit als 0. Het totaal (0.0.0) bevat deze misdrijven wél; het wordt overgenomen zoals gepubliceerd en nooit opgeteld uit de onderdelen. Een thema met een afgeschermde categorie toont een ondergrens (≥)." }
        h2 { "Bronvermelding" }
        @if credits.is_empty() {
            p { "Er zijn nog geen cijfers ingelezen." }
        } @else {
            ul { @for credit in &credits { li { (credit) } } }
        }
    };
    Ok(layout("Gegevens", body))
}

/// Yearly totals from a trend: (year, count, months published, any withheld).
fn yearly(points: &[buurtbeeld_analysis::TrendPoint]) -> Vec<(i32, u64, usize, bool)> {
    let mut years: std::collections::BTreeMap<i32, (u64, usize, bool)> = Default::default();
    for point in points {
        let entry = years.entry(point.period.calendar_year()).or_default();
        if let Some(n) = point.count {
            entry.0 += n;
            entry.1 += 1;
        }
        entry.2 |= point.withheld;
    }
    years
        .into_iter()
        .map(|(y, (n, m, w))| (y, n, m, w))
        .collect()
}

/// The trend chart of a theme in an area, with a 12-month rolling mean, and its data as a
/// table (yearly totals) beside it.
fn trend_section(store: &Store, area: &AreaCode, theme: &str) -> Markup {
    let Ok(trend) = trend(store, area, &Subject::Theme(theme.to_owned())) else {
        return html! { p { "Geen reeks beschikbaar voor dit thema." } };
    };
    let (values, labels) = chart_series(&trend);
    let monthly = trend.frequency == buurtbeeld_cube::Frequency::Month;
    let mean = rolling_mean(&values, 12);
    let mut lines = vec![Line {
        name: "Aantal per maand",
        values: &values,
        dashed: false,
        band: None,
    }];
    // A 12-month mean of exactly 12 months is a single dot, not a line.
    if monthly && mean.iter().flatten().count() >= 2 {
        lines.push(Line {
            name: "Gemiddelde over 12 maanden",
            values: &mean,
            dashed: true,
            band: None,
        });
    }
    if !monthly {
        lines[0].name = "Aantal per jaar";
    }
    let chart = line_chart(
        &lines,
        &labels,
        &format!(
            "{} in {}, {}",
            trend.subject_label,
            trend.area_name,
            match (trend.points.first(), trend.points.last()) {
                (Some(first), Some(last)) => period::range(first.period, last.period),
                _ => String::new(),
            }
        ),
        "Aantal",
    );
    let years = yearly(&trend.points);
    html! {
        figure.chart { (chart) }
        table {
            caption { (trend.subject_label) " in " (trend.area_name) " per jaar (bron " (trend.source) ")" }
            thead { tr {
                th scope="col" { "Jaar" } th scope="col" { "Aantal" } th scope="col" { "Maanden" } th scope="col" { "Verschil" }
            } }
            tbody {
                @for (i, (year, count, months, withheld)) in years.iter().enumerate() {
                    tr {
                        th scope="row" { (year) }
                        td { (count_text(Some(*count), *withheld)) }
                        td { (months) }
                        td {
                            @match i.checked_sub(1).map(|j| years[j]) {
                                // Only whole, equally long years are compared here.
                                Some((_, previous, previous_months, _)) if previous > 0 && previous_months == *months && (*months == 12 || !monthly) => {
                                    (percent((*count as f64 - previous as f64) / previous as f64 * 100.0))
                                }
                                _ => "–",
                            }
                        }
                    }
                }
            }
        }
        p.note { (trend.attribution) }
    }
}

async fn theme_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    PageParams(mut query): PageParams<OverviewQuery>,
) -> Result<Html<String>, PageError> {
    if viewer.is_public() {
        return public_pages::theme(state, id, query.public()).await;
    }
    query.thema = Some(id);
    tokio::task::spawn_blocking(move || {
        let store = state.store()?;
        let selection = select(&store, &query)?;
        let main = picture(&store, &request(&selection.gemeente, &selection.theme, selection.year))?;
        let row = &main.rows[0];
        let body = html! {
            p.crumbs { a href={"/?gemeente=" (selection.gemeente)} { "Overzicht" } " › " (main.subject_label) }
            h1 { (main.subject_label) " in " (main.area_name) }
            p.lead {
                (period::label(&main.period)) ": " strong { (count_text(row.count, row.withheld)) }
                @if let Some(p) = row.per_1000 { " (" (decimal(p, 1)) " per 1.000 inwoners)" }
                @if let Some(c) = row.change_pct {
                    ", " (percent(c)) " t.o.v. " (period::label(&main.previous_period))
                    @match row.significant {
                        Some(true) => ": significant.",
                        Some(false) => ": binnen de toevalsmarge.",
                        None => ".",
                    }
                }
            }
            section aria-labelledby="verloop" {
                h2 #verloop { "Verloop" }
                (trend_section(&store, &selection.gemeente, &selection.theme))
            }
            (buurt_section(&store, &selection, &main)?.0)
        };
        Ok(layout(&format!("{} in {}", main.subject_label, main.area_name), body))
    })
    .await
    .unwrap_or_else(|e| Err(PageError::from(AppError::Internal(e.to_string()))))
}

#[derive(Debug, Deserialize)]
pub(crate) struct AreaQuery {
    jaar: Option<i32>,
}

/// One area: every theme against the gemeente, the course of the first theme, and its parts.
async fn area_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(code): Path<String>,
    PageParams(query): PageParams<AreaQuery>,
) -> Result<Html<String>, PageError> {
    if viewer.is_public() {
        let query = PublicQuery {
            jaar: query.jaar,
            ..PublicQuery::default()
        };
        return public_pages::area(state, code, query).await;
    }
    tokio::task::spawn_blocking(move || {
        let store = state.store()?;
        let code = AreaCode::parse(&code).map_err(|e| AppError::BadRequest(e.to_string()))?;
        let area = store
            .area(&code)?
            .ok_or_else(|| AppError::from(PictureError::UnknownArea(code.clone())))?;
        let gemeente = code.gemeente().unwrap_or_else(|| code.clone());
        let (year, rows) = area_themes(&store, &code, &gemeente, query.jaar)?;
        let children = store.children(&code)?;
        let peers = match area.level {
            // The year of the theme table above it, when the peer table has that year.
            AreaLevel::Gemeente => peer_section(&store, &code, query.jaar.or(year))?,
            _ => None,
        };
        let ancestors = ancestors(&store, &area)?;
        let locator = locator_map(&store, &area, &ancestors)?;
        let body = html! {
            (area_heading(&area, &ancestors, &code, !rows.is_empty()))
            @if let Some(locator) = locator { figure.locator { (locator) } }
            @if let (Some(year), Some(first)) = (year, rows.first()) {
                (area_theme_table(&area, &gemeente, year, &rows))
                @if let Some(peers) = peers { (peers) }
                @if !children.is_empty() {
                    (area_downloads(&code, first, year))
                }
                section aria-labelledby="verloop" {
                    h2 #verloop { "Verloop: " (first.name) }
                    (trend_section(&store, &code, &first.id))
                }
            } @else {
                p { "Voor dit gebied zijn nog geen cijfers ingelezen." }
            }
            @if !children.is_empty() {
                (area_children(&children))
            }
        };
        Ok(layout(&area.name, body))
    })
    .await
    .unwrap_or_else(|e| Err(PageError::from(AppError::Internal(e.to_string()))))
}

/// A theme on an area's page: the area's figures and the gemeente's, of one year.
struct AreaTheme {
    id: String,
    name: String,
    own: PictureRow,
    municipal: Option<PictureRow>,
    /// The machine labels of the months compared (current, previous) when the year is not
    /// complete, so that a part of a year is named as such.
    partial: Option<(String, String)>,
}

/// The year to show (the asked one, else the latest complete year of the first theme with
/// figures, else its latest year) and, for that year, every theme with figures for `code`.
fn area_themes(
    store: &Store,
    code: &AreaCode,
    gemeente: &AreaCode,
    asked: Option<i32>,
) -> Result<(Option<i32>, Vec<AreaTheme>), PageError> {
    let themes: Vec<_> = store
        .themes()?
        .into_iter()
        .filter(|t| t.is_crime_theme())
        .collect();
    let with_data: Vec<_> = themes
        .iter()
        .filter_map(|t| {
            let years = years_with_data(store, code, &Subject::Theme(t.id.clone())).ok()?;
            (!years.is_empty()).then_some((t, years))
        })
        .collect();
    let year = asked.or_else(|| with_data.first().and_then(|(_, years)| latest_year(years)));
    let Some(shown) = year else {
        return Ok((None, Vec::new()));
    };
    let rows = with_data
        .iter()
        .filter_map(|(t, _)| {
            let mut answer = picture(store, &request(code, &t.id, shown)).ok()?;
            let partial = answer
                .complete_year
                .is_none()
                .then(|| (answer.period.clone(), answer.previous_period.clone()));
            let own = answer.rows.remove(0);
            let municipal = picture(store, &request(gemeente, &t.id, shown))
                .ok()
                .map(|mut p| p.rows.remove(0));
            Some(AreaTheme {
                id: t.id.clone(),
                name: t.name.clone(),
                own,
                municipal,
                partial,
            })
        })
        .collect();
    Ok((year, rows))
}

/// The areas above `area`, gemeente first, without Nederland (the overview is the top).
fn ancestors(store: &Store, area: &AreaInfo) -> Result<Vec<AreaInfo>, PageError> {
    let mut chain = Vec::new();
    let mut parent = area.parent.clone();
    while let Some(code) = parent.filter(|p| p.level() != AreaLevel::Land) {
        let Some(info) = store.area(&code)? else {
            break;
        };
        parent = info.parent.clone();
        chain.push(info);
    }
    chain.reverse();
    Ok(chain)
}

/// Where a wijk or buurt lies: the gemeente's buurten, those of this area highlighted, each a
/// link to its page. `None` without boundaries, and for a gemeente (its page lists its parts).
fn locator_map(
    store: &Store,
    area: &AreaInfo,
    ancestors: &[AreaInfo],
) -> Result<Option<Svg>, PageError> {
    if !matches!(area.level, AreaLevel::Wijk | AreaLevel::Buurt) {
        return Ok(None);
    }
    let Some(gemeente) = ancestors.iter().find(|a| a.level == AreaLevel::Gemeente) else {
        return Ok(None);
    };
    let buurten: Vec<(AreaCode, String)> = store
        .buurt_geometries()?
        .into_iter()
        .filter(|(code, _)| code.gemeente().as_ref() == Some(&gemeente.code))
        .collect();
    let names: std::collections::BTreeMap<AreaCode, String> = store
        .areas_at(AreaLevel::Buurt)?
        .into_iter()
        .map(|a| (a.code, a.name))
        .collect();
    let inside = |code: &AreaCode| match area.level {
        AreaLevel::Buurt => *code == area.code,
        _ => code.parent().as_ref() == Some(&area.code),
    };
    if !buurten.iter().any(|(code, _)| inside(code)) {
        return Ok(None);
    }
    let areas: Vec<MapArea<'_>> = buurten
        .iter()
        .map(|(code, geometry)| MapArea {
            code: code.as_str(),
            name: names.get(code).map_or(code.as_str(), String::as_str),
            geometry,
            value: None,
            href: Some(format!("/gebied/{code}")),
            no_figure: None,
        })
        .collect();
    let class_of: Vec<usize> = buurten
        .iter()
        .map(|(code, _)| usize::from(!inside(code)))
        .collect();
    let classes = [
        MapClass {
            label: &area.name,
            fill: "#01689b",
            stroke: "#ffffff",
        },
        MapClass {
            label: "Rest van de gemeente",
            fill: "#e4ebf1",
            stroke: "#8fa6b8",
        },
    ];
    Ok(Some(class_map(
        &areas,
        &class_of,
        &classes,
        &format!("Ligging van {} in {}", area.name, gemeente.name),
        "Ligging",
    )))
}

/// The breadcrumbs and title of an area's page; a wijk or buurt with figures also gets the link
/// to its wijkprofiel.
fn area_heading(
    area: &AreaInfo,
    ancestors: &[AreaInfo],
    code: &AreaCode,
    has_figures: bool,
) -> Markup {
    html! {
        p.crumbs {
            a href="/" { "Overzicht" }
            @for ancestor in ancestors { " › " a href={"/gebied/" (ancestor.code)} { (ancestor.name) } }
            " › " (area.name)
        }
        h1 { (area.name) " " span.code { (area.code) " · " (area.level) } }
        @if matches!(area.level, AreaLevel::Wijk | AreaLevel::Buurt) && has_figures {
            p.downloads {
                "Wijkprofiel voor het gesprek met bewoners: "
                a href={"/documenten/wijkprofiel.pdf?gebied=" (code)} { "PDF" } " · "
                a href={"/documenten/wijkprofiel.html?gebied=" (code)} { "HTML" }
            }
        }
    }
}

/// Every theme of the area in `year`, per 1.000 inwoners; a wijk's or buurt's beside the
/// gemeente's (a gemeente is compared with other gemeenten in its own section).
fn area_theme_table(area: &AreaInfo, gemeente: &AreaCode, year: i32, rows: &[AreaTheme]) -> Markup {
    let within_gemeente = matches!(area.level, AreaLevel::Wijk | AreaLevel::Buurt);
    html! {
        section aria-labelledby="themas" {
            h2 #themas {
                "Alle thema's, "
                @match rows.first().and_then(|r| r.partial.as_ref()) {
                    Some((current, _)) => (period::label(current)),
                    None => (year),
                }
            }
            table {
                caption {
                    "Thema's in " (area.name)
                    @if within_gemeente { " vergeleken met het gemeentelijk gemiddelde" }
                }
                thead { tr {
                    th scope="col" { "Thema" } th scope="col" { "Aantal" } th scope="col" { "Per 1.000" }
                    @if within_gemeente { th scope="col" { "Gemeente per 1.000" } }
                    th scope="col" {
                        "Verschil t.o.v. "
                        @match rows.first().and_then(|r| r.partial.as_ref()) {
                            Some((_, previous)) => (period::label_short(previous)),
                            None => "vorig jaar",
                        }
                    }
                } }
                tbody {
                    @for row in rows {
                        tr {
                            th scope="row" { a href={"/thema/" (row.id) "?gemeente=" (gemeente)} { (row.name) } }
                            td { (count_text(row.own.count, row.own.withheld)) }
                            td { (row.own.per_1000.map_or("–".to_owned(), |x| decimal(x, 1))) }
                            @if within_gemeente {
                                td { (row.municipal.as_ref().and_then(|m| m.per_1000).map_or("–".to_owned(), |x| decimal(x, 1))) }
                            }
                            td { (change_cell(&row.own)) }
                        }
                    }
                }
            }
        }
    }
}

/// The downloads of the first theme's figures per part of the area.
fn area_downloads(code: &AreaCode, first: &AreaTheme, year: i32) -> Markup {
    let export = format!(
        "/api/v1/picture?area={}&theme={}&year={}",
        code, first.id, year
    );
    html! {
        p.downloads {
            (first.name) " per onderdeel downloaden: "
            a href={(export) "&format=csv"} download { "CSV (Excel)" } " · "
            a href={(export) "&format=geojson"} download { "GeoJSON (kaart)" } " · "
            a href={"/api/v1/series?area=" (code) "&theme=" (first.id)} { "reeks (JSON)" }
        }
    }
}

/// Links to the parts of an area (its wijken or buurten).
fn area_children(children: &[AreaInfo]) -> Markup {
    html! {
        section aria-labelledby="onderdelen" {
            h2 #onderdelen { "Onderdelen" }
            ul.children {
                @for child in children.iter().filter(|c| !c.code.is_unknown()) {
                    li { a href={"/gebied/" (child.code)} { (child.name) } " " span.code { (child.code) } }
                }
            }
        }
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct ActionQuery {
    gemeente: Option<String>,
    thema: Option<String>,
    jaar: Option<i32>,
    /// `1`–`12` for one month of `jaar`; empty or absent for the whole year.
    maand: Option<String>,
    niveau: Option<String>,
    buren: Option<String>,
    maat: Option<String>,
    /// A registration source of the municipality instead of the police figures.
    bron: Option<String>,
}

/// Map classes of the action page: colours ≥ 3:1 against white and against each other's
/// neighbours, with a boundary that shows on every fill.
const ACTION_CLASSES: [MapClass<'static>; 4] = [
    MapClass {
        label: "Hotspot",
        fill: "#a90061",
        stroke: "#ffffff",
    },
    MapClass {
        label: "Coldspot",
        fill: "#01689b",
        stroke: "#ffffff",
    },
    MapClass {
        label: "Geen patroon",
        fill: "#e6e6e6",
        stroke: "#333333",
    },
    MapClass {
        label: "Niet getoetst (geen buren of geen cijfer)",
        fill: "#ffffff",
        stroke: "#333333",
    },
];

fn class_index(class: HotspotClass) -> usize {
    match class {
        HotspotClass::Hot => 0,
        HotspotClass::Cold => 1,
        HotspotClass::None => 2,
        HotspotClass::Island => 3,
    }
}

/// "Waar is actie nodig?": the hotspot map of a gemeente's buurten with the flagged areas
/// explained.
async fn action_page(
    State(state): State<AppState>,
    PageParams(query): PageParams<ActionQuery>,
) -> Result<Html<String>, PageError> {
    tokio::task::spawn_blocking(move || {
        let store = state.store()?;
        let selection = select(
            &store,
            &OverviewQuery {
                gemeente: query.gemeente.clone(),
                thema: query.thema.clone(),
                jaar: query.jaar,
                maat: None,
            },
        )?;
        let choice = action_choice(&query)?;
        let result = action_hotspots(&store, &selection, &choice)?;
        let geometries: Vec<(AreaCode, Option<String>)> = result
            .rows
            .iter()
            .map(|row| Ok((row.code.clone(), store.area_geometry(&row.code)?)))
            .collect::<Result<_, buurtbeeld_store::StoreError>>()?;
        let left_out: Vec<(String, String, Option<String>)> = result
            .not_analysed
            .iter()
            .map(|code| {
                let name = store.area(code)?.map(|a| a.name).unwrap_or_default();
                Ok((code.to_string(), name, store.area_geometry(code)?))
            })
            .collect::<Result<_, buurtbeeld_store::StoreError>>()?;
        let choices = action_selection_fields(&store, &selection)?;
        let body = html! {
            h1 { "Waar is actie nodig? " (result.area_name) }
            p.lead { "Welke " (level_plural(choice.level)) " vallen op, samen met hun buren (hotspots), en waar ligt het aantal ver boven de eigen historie (pieken)? Toevalstreffers zijn eruit gefilterd: bij meer dan honderd buurten zijn er altijd een paar die ‘toevallig’ hoog zijn." }
            (action_form(choices, &choice, &own_sources(&store)?))
            (action_summary(&result))
            (action_map(&result, &geometries, &left_out))
            (flagged_table(&result))
            (all_areas_table(&result))
            (action_downloads(&result, &choice))
            (action_method(&result))
        };
        Ok(layout(&format!("Waar is actie nodig? {}", result.area_name), body))
    })
    .await
    .unwrap_or_else(|e| Err(PageError::from(AppError::Internal(e.to_string()))))
}

/// The municipality's own registration sources (not the police), for the source choice.
fn own_sources(store: &Store) -> Result<Vec<IncidentSource>, PageError> {
    Ok(store
        .incident_sources()?
        .into_iter()
        .filter(|s| s.kind != SourceKind::Politie)
        .collect())
}

/// An invalid choice on a page, answered with its Dutch explanation.
fn bad_request(message: String) -> PageError {
    PageError::from(AppError::BadRequest(message))
}

/// What the action page analyses besides the gemeente, theme and year.
struct ActionChoice {
    /// One month of the year, or the whole year.
    month: Option<u32>,
    level: AreaLevel,
    /// The neighbour rule as asked, to mark it chosen in the form.
    weights_text: String,
    weights: WeightsRule,
    per_1000: bool,
    /// A registration source id; None for the police figures.
    source: Option<String>,
}

/// The month, level, neighbour rule and measure of the query, checked.
fn action_choice(query: &ActionQuery) -> Result<ActionChoice, PageError> {
    let month = match query.maand.as_deref().unwrap_or("") {
        "" => None,
        text => Some(
            text.parse::<u32>()
                .ok()
                .filter(|m| (1..=12).contains(m))
                .ok_or_else(|| {
                    bad_request(format!("Maand '{text}' bestaat niet; kies 1 t/m 12."))
                })?,
        ),
    };
    let level = match query.niveau.as_deref().unwrap_or("buurt") {
        "buurt" => AreaLevel::Buurt,
        "wijk" => AreaLevel::Wijk,
        other => {
            return Err(bad_request(format!(
                "Niveau '{other}' bestaat niet; kies buurt of wijk."
            )))
        }
    };
    let weights_text = query.buren.clone().unwrap_or_else(|| "queen".to_owned());
    let weights = weights_text
        .parse::<WeightsRule>()
        .map_err(|_| bad_request(format!("Burenregel '{weights_text}' bestaat niet.")))?;
    Ok(ActionChoice {
        month,
        level,
        weights_text,
        weights,
        per_1000: query.maat.as_deref() == Some("per1000"),
        source: query.bron.clone().filter(|b| !b.is_empty()),
    })
}

/// The hotspot analysis of the selection; a gemeente without boundaries at the chosen level is
/// something the user can fix, so it is said as such.
fn action_hotspots(
    store: &Store,
    selection: &Selection,
    choice: &ActionChoice,
) -> Result<Hotspots, PageError> {
    let period = match choice.month {
        Some(month) => Period::Month {
            year: selection.year,
            month,
        },
        None => Period::Year(selection.year),
    };
    let mut request = HotspotRequest::new(
        selection.gemeente.clone(),
        choice.level,
        Subject::Theme(selection.theme.clone()),
        period,
    );
    request.weights = choice.weights;
    request.source = choice.source.clone();
    request.measure = if choice.per_1000 {
        Measure::Per1000
    } else {
        Measure::Count
    };
    hotspots(store, &request).map_err(|e| match e {
        HotspotError::NoBoundaries { .. } => bad_request(format!(
            "Voor {} zijn geen grenzen van de {} geïmporteerd. Hotspots vragen de CBS wijk- en \
             buurtkaart; kies een andere gemeente of importeer de kaart.",
            selection.gemeente,
            level_plural(choice.level)
        )),
        other => other.into(),
    })
}

/// The action page's form: the selection, then month, level, neighbour rule and measure.
fn action_form(choices: Markup, choice: &ActionChoice, sources: &[IncidentSource]) -> Markup {
    let ActionChoice {
        month,
        level,
        weights_text,
        per_1000,
        source,
        ..
    } = choice;
    html! {
        form.choose method="get" action="/actie" {
            (choices)
            @if !sources.is_empty() {
                label { "Bron "
                    select name="bron" {
                        option value="" selected[source.is_none()] { "Politie" }
                        @for s in sources {
                            option value=(s.id) selected[source.as_deref() == Some(s.id.as_str())] { (s.name) }
                        }
                    }
                }
            }
            label { "Maand "
                select name="maand" {
                    option value="" selected[month.is_none()] { "Heel jaar" }
                    @for (i, name) in DUTCH_MONTHS.iter().enumerate() {
                        @let m = i as u32 + 1;
                        option value=(m) selected[*month == Some(m)] { (name) }
                    }
                }
            }
            label { "Niveau "
                select name="niveau" {
                    option value="buurt" selected[*level == AreaLevel::Buurt] { "Buurten" }
                    option value="wijk" selected[*level == AreaLevel::Wijk] { "Wijken" }
                }
            }
            label { "Buren "
                select name="buren" {
                    @for (value, label) in [("queen", "Raken elkaar (hoekpunt)"), ("rook", "Delen een grens"), ("knn:6", "6 dichtstbijzijnde")] {
                        option value=(value) selected[weights_text == value] { (label) }
                    }
                }
            }
            label { "Maat "
                select name="maat" {
                    option value="aantal" selected[!per_1000] { "Aantal" }
                    option value="per1000" selected[*per_1000] { "Per 1.000 inwoners" }
                }
            }
            button type="submit" { "Toon" }
        }
    }
}

/// Links to the same analysis as CSV, GeoJSON and JSON.
fn action_downloads(result: &Hotspots, choice: &ActionChoice) -> Markup {
    let export = format!(
        "/api/v1/hotspots?area={}&theme={}&period={}&level={}&weights={}&measure={}{}",
        result.area,
        result.subject,
        result.period,
        choice.level.as_str(),
        result.weights,
        if choice.per_1000 { "per_1000" } else { "count" },
        choice
            .source
            .as_ref()
            .map_or_else(String::new, |s| format!("&source={s}"))
    );
    html! {
        p.downloads {
            "Download deze uitkomst: "
            a href={(export) "&format=csv"} download { "CSV (Excel)" } " · "
            a href={(export) "&format=geojson"} download { "GeoJSON (kaart)" } " · "
            a href=(export) { "JSON" }
        }
    }
}

/// "Hoe is dit berekend?": the method in one line and what each outcome means.
fn action_method(result: &Hotspots) -> Markup {
    html! {
        section aria-labelledby="uitleg" {
            h2 #uitleg { "Hoe is dit berekend?" }
            p { (method_line(result)) "." }
            ul.note {
                li { "Hotspot: de buurt en haar buren samen liggen duidelijk boven het gemiddelde (Getis-Ord Gi*, tweezijdige toets). Coldspot: duidelijk eronder." }
                li { "Gecorrigeerde p-waarde: gecorrigeerd voor het aantal getoetste gebieden. Alleen gebieden met een gecorrigeerde p-waarde van hoogstens " (decimal(result.alpha, 2)) " krijgen een kleur." }
                li { "LISA (lokale Moran): HH en LL zijn clusters van hoge of lage waarden, HL en LH uitschieters tussen andersoortige buren; getoetst met " (integer(result.permutations as u64)) " permutaties." }
                li { "Ontwikkeling: hoe de hotspot zich over " (result.emerging_periods.len()) " perioden heeft ontwikkeld (nieuw, aanhoudend, sterker wordend, …), zoals ArcGIS Emerging Hot Spot Analysis die indeelt." }
                li { "Piek: het aantal ligt ver boven wat de eigen voorgaande perioden (" (result.spike_history.len()) ") laten verwachten (Poisson of negatief-binomiaal)." }
            }
            @for note in &result.notes { p.note { (note) } }
            p.note { (result.attribution) }
        }
    }
}

fn level_plural(level: AreaLevel) -> &'static str {
    match level {
        AreaLevel::Wijk => "wijken",
        AreaLevel::Gemeente => "gemeenten",
        _ => "buurten",
    }
}

fn action_summary(result: &Hotspots) -> Markup {
    let count = |class| result.rows.iter().filter(|r| r.class == class).count();
    let spikes = result.rows.iter().filter(|r| r.spike).count();
    html! {
        p.summary {
            strong { (count(HotspotClass::Hot)) " hotspots" } ", "
            strong { (count(HotspotClass::Cold)) " coldspots" } " en "
            strong { (spikes) " pieken" } " onder " (result.rows.len()) " " (level_plural(result.level))
            " · " (result.subject_label) ", " (period::label(&result.period)) " · bron " (result.source)
        }
    }
}

/// The hotspot map: analysed areas by class, left-out ones (`code, name, geometry`) as "niet
/// getoetst".
fn action_map(
    result: &Hotspots,
    geometries: &[(AreaCode, Option<String>)],
    left_out: &[(String, String, Option<String>)],
) -> Markup {
    let analysed = result.rows.iter().zip(geometries).map(|(row, (_, g))| {
        (
            row.code.as_str(),
            row.name.as_str(),
            g,
            class_index(row.class),
        )
    });
    let others = left_out.iter().map(|(code, name, g)| {
        (
            code.as_str(),
            name.as_str(),
            g,
            class_index(HotspotClass::Island),
        )
    });
    let (areas, class_of): (Vec<MapArea<'_>>, Vec<usize>) = analysed
        .chain(others)
        .filter_map(|(code, name, geometry, class)| {
            Some((
                MapArea {
                    code,
                    name,
                    geometry: geometry.as_deref()?,
                    value: None,
                    href: Some(format!("/gebied/{code}")),
                    no_figure: None,
                },
                class,
            ))
        })
        .unzip();
    let svg = class_map(
        &areas,
        &class_of,
        &ACTION_CLASSES,
        &format!(
            "Hotspots {} per {}, {} {}",
            result.subject_label,
            result.level.as_str(),
            result.area_name,
            period::label(&result.period)
        ),
        "Uitkomst",
    );
    html! {
        section aria-labelledby="kaart" {
            h2 #kaart { "Kaart van hotspots en coldspots" }
            figure.map { (svg) }
        }
    }
}

/// The flagged areas with the reason in words; the statistics behind each flag one click
/// away, without the columns no flagged area has a figure in.
fn flagged_table(result: &Hotspots) -> Markup {
    let flagged: Vec<&HotspotRow> = result
        .rows
        .iter()
        .filter(|r| r.explanation.is_some())
        .collect();
    let with_emerging = flagged.iter().any(|r| r.emerging_class.is_some());
    let with_expected = flagged.iter().any(|r| r.expected.is_some());
    html! {
        section aria-labelledby="opvallend" {
            h2 #opvallend { "Opvallende " (level_plural(result.level)) }
            @if flagged.is_empty() {
                p { "Geen enkel gebied valt op na correctie voor het aantal toetsen: verschillen tussen " (level_plural(result.level)) " zijn hier niet groter dan toeval verklaart." }
            } @else {
                table {
                    caption { "Gebieden die opvallen, en waarom" }
                    thead { tr {
                        th scope="col" { "Gebied" } th.text scope="col" { "Uitkomst" } th.text scope="col" { "Waarom" }
                    } }
                    tbody {
                        @for row in &flagged {
                            tr {
                                th scope="row" { a href={"/gebied/" (row.code)} { (row.name) } " " span.code { (row.code) } }
                                td.text { (row.class.label()) @if row.spike { ", piek" } }
                                td.text { (row.explanation.as_deref().unwrap_or_default()) }
                            }
                        }
                    }
                }
                details {
                    summary { "De toetsgrootheden achter elke uitkomst" }
                    table {
                        caption { "Waarde, buren en toetsen per opvallend gebied" }
                        thead { tr {
                            th scope="col" { "Gebied" } th scope="col" { "Waarde" }
                            th scope="col" { "Buren gem." } th scope="col" { "Gi* z" } th scope="col" { "p gecorr." }
                            @if with_emerging { th scope="col" { "Ontwikkeling" } }
                            @if with_expected { th scope="col" { "Verwacht" } }
                        } }
                        tbody {
                            @for row in &flagged {
                                tr {
                                    th scope="row" { (row.name) }
                                    td { (value_text(result, row.value)) }
                                    td { (row.neighbours_mean.map_or("–".to_owned(), |m| value_text(result, m))) }
                                    td { (row.gi_star_z.map_or("–".to_owned(), |z| decimal(z, 2))) }
                                    td { (row.p_adjusted.map_or("–".to_owned(), p_value)) }
                                    @if with_emerging { td.text { (row.emerging_class.map_or("–".to_owned(), emerging_label)) } }
                                    @if with_expected { td { (row.expected.map_or("–".to_owned(), |e| decimal(e, 1))) } }
                                }
                            }
                        }
                    }
                    ul.explain {
                        @for row in &flagged {
                            @if let Some(evidence) = &row.evidence {
                                li { strong { (row.name) } ": " (evidence) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn all_areas_table(result: &Hotspots) -> Markup {
    html! {
        details {
            summary { "Alle " (result.rows.len()) " " (level_plural(result.level)) " (tabel bij de kaart)" }
            table {
                caption { "Uitkomst per gebied" }
                thead { tr {
                    th scope="col" { "Gebied" } th scope="col" { "Waarde" } th scope="col" { "Gi* z" }
                    th scope="col" { "p gecorr." } th scope="col" { "Uitkomst" } th scope="col" { "LISA" }
                } }
                tbody {
                    @for row in &result.rows {
                        tr {
                            th scope="row" { (row.name) " " span.code { (row.code) } }
                            td { (value_text(result, row.value)) }
                            td { (row.gi_star_z.map_or("–".to_owned(), |z| decimal(z, 2))) }
                            td { (row.p_adjusted.map_or("–".to_owned(), p_value)) }
                            td.text { (row.class.label()) }
                            td.text { (match (row.lisa_quadrant, row.lisa_significant) {
                                (Some(q), true) => q.to_owned(),
                                (Some(q), false) => format!("{q} (n.s.)"),
                                (None, _) => "–".to_owned(),
                            }) }
                        }
                    }
                }
            }
        }
    }
}

fn value_text(result: &Hotspots, value: f64) -> String {
    match result.measure {
        Measure::Count => decimal(value, 0),
        Measure::Per1000 => decimal(value, 1),
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct OutlookQuery {
    gemeente: Option<String>,
    thema: Option<String>,
    /// An area of the gemeente (buurt or wijk); the gemeente itself by default.
    gebied: Option<String>,
}

/// "Vooruitblik": the forecast of an area with its band on the trend, the backtest behind it,
/// and the buurten expected to be busiest next month.
async fn outlook_page(
    State(state): State<AppState>,
    PageParams(query): PageParams<OutlookQuery>,
) -> Result<Html<String>, PageError> {
    tokio::task::spawn_blocking(move || {
        let store = state.store()?;
        let selection = select(
            &store,
            &OverviewQuery {
                gemeente: query.gemeente.clone(),
                thema: query.thema.clone(),
                jaar: None,
                maat: None,
            },
        )?;
        let area = match &query.gebied {
            Some(code) => AreaCode::parse(code).map_err(|e| bad_request(e.to_string()))?,
            None => selection.gemeente.clone(),
        };
        let (request, result) = outlook_forecast(&store, &area, &selection.theme)?;
        let scores = run_backtest(&store, &request)?;
        let busiest = busiest_buurten(&store, &selection.gemeente, &request);
        let own = &result.areas[0];
        let chart = outlook_chart(
            &result,
            &outlook_series(&own.history, &result.rows, request.from),
        );
        let choices = selection_fields(&store, &selection, false)?;
        let body = html! {
            h1 { "Vooruitblik " (result.area_name) }
            form.choose method="get" action="/vooruitblik" {
                (choices)
                button type="submit" { "Toon" }
            }
            p.lead {
                (result.subject_label) ", verwachting voor de 12 maanden vanaf " (period::label(&result.from))
                " met " strong { (method_label(own.method)) } "."
            }
            (outlook_verdict(own, &period::label(&result.from)))
            figure.chart { (chart) }
            (forecast_table(&result.rows))
            (backtest_section(&scores, own, &period::label(&result.from)))
            @if !busiest.is_empty() {
                (busiest_section(&busiest, &selection, &period::label(&result.from)))
            }
            (outlook_downloads(&area, &selection.theme, &result.from))
            @for note in &result.notes { p.note { (note) } }
            p.note { (result.attribution) }
        };
        Ok(layout(&format!("Vooruitblik {}", result.area_name), body))
    })
    .await
    .unwrap_or_else(|e| Err(PageError::from(AppError::Internal(e.to_string()))))
}

/// The 12-month forecast of `area` from the month after its latest monthly figure, with the
/// request behind it (the backtest and the busiest buurten reuse it).
fn outlook_forecast(
    store: &Store,
    area: &AreaCode,
    theme: &str,
) -> Result<(ForecastRequest, Forecasts), PageError> {
    let subject = Subject::Theme(theme.to_owned());
    let history = trend(store, area, &subject)?;
    let last = history
        .points
        .iter()
        .rev()
        .find(|p| p.count.is_some())
        .map(|p| p.period)
        .filter(|p| matches!(p, Period::Month { .. }))
        .ok_or_else(|| {
            bad_request(format!(
                "Voor {} zijn geen maandcijfers van dit thema; een vooruitblik vraagt maandcijfers.",
                history.area_name
            ))
        })?;
    let from = Period::from_ordinal(buurtbeeld_cube::Frequency::Month, last.ordinal() + 1);
    let request = ForecastRequest {
        area: area.clone(),
        level: None,
        subject,
        from,
        horizon: 12,
        method: None,
        source: None,
    };
    let result = forecast(store, &request).map_err(|e| match e {
        ForecastError::TooShort { months, .. } => bad_request(format!(
            "Voor {} zijn er {months} maanden cijfers vóór {}; een vooruitblik vraagt er \
             minstens 24 (twee jaar), om het seizoen te kunnen schatten en te toetsen.",
            history.area_name,
            period::period(from)
        )),
        other => other.into(),
    })?;
    Ok((request, result))
}

/// The ten buurten of the gemeente with the highest forecast for the first month; none if the
/// gemeente cannot be forecast per buurt.
fn busiest_buurten(
    store: &Store,
    gemeente: &AreaCode,
    request: &ForecastRequest,
) -> Vec<ForecastRow> {
    let next_month = forecast(
        store,
        &ForecastRequest {
            area: gemeente.clone(),
            level: Some(AreaLevel::Buurt),
            horizon: 1,
            ..request.clone()
        },
    );
    let Ok(next_month) = next_month else {
        return Vec::new();
    };
    let mut rows = next_month.rows;
    rows.sort_by(|a, b| b.forecast.total_cmp(&a.forecast).then(a.code.cmp(&b.code)));
    rows.truncate(10);
    rows
}

/// The series of the outlook chart on one month axis: the last (up to) 36 months observed,
/// then the 12 forecast months.
#[derive(Debug)]
struct OutlookSeries {
    labels: Vec<String>,
    observed: Vec<Option<f64>>,
    expected: Vec<Option<f64>>,
    lower: Vec<Option<f64>>,
    upper: Vec<Option<f64>>,
}

/// Lays `history` (oldest first, ending the month before `from`) and the forecast `rows` (12,
/// from `from`) on one axis. The forecast and its band also start at the last observed value,
/// so that the dashed line joins the observed one instead of starting after a gap.
fn outlook_series(history: &[f64], rows: &[ForecastRow], from: Period) -> OutlookSeries {
    let shown = history.len().min(36);
    let past = &history[history.len() - shown..];
    let start = from.ordinal() - shown as i64;
    let labels: Vec<String> = (start..from.ordinal() + 12)
        .map(|o| period::period_short(Period::from_ordinal(buurtbeeld_cube::Frequency::Month, o)))
        .collect();
    let observed: Vec<Option<f64>> = past
        .iter()
        .map(|v| Some(*v))
        .chain(std::iter::repeat_n(None, 12))
        .collect();
    let padded = |values: Vec<f64>| -> Vec<Option<f64>> {
        std::iter::repeat_n(None, shown - 1)
            .chain(std::iter::once(past.last().copied()))
            .chain(values.into_iter().map(Some))
            .collect()
    };
    OutlookSeries {
        labels,
        observed,
        expected: padded(rows.iter().map(|r| r.forecast).collect()),
        lower: padded(rows.iter().map(|r| r.lower_95).collect()),
        upper: padded(rows.iter().map(|r| r.upper_95).collect()),
    }
}

/// The outlook chart: the observed months, then the forecast dashed with its 95% band.
fn outlook_chart(result: &Forecasts, series: &OutlookSeries) -> Svg {
    line_chart(
        &[
            Line {
                name: "Geregistreerd",
                values: &series.observed,
                dashed: false,
                band: None,
            },
            Line {
                name: "Verwachting (band: 95%-interval)",
                values: &series.expected,
                dashed: true,
                band: Some((&series.lower, &series.upper)),
            },
        ],
        &series.labels,
        &format!(
            "{} in {}: verloop en vooruitblik",
            result.subject_label, result.area_name
        ),
        "Aantal per maand",
    )
}

/// How far the chosen method was off in the backtest, against seasonal naive, and how often
/// its intervals held.
fn outlook_verdict(own: &AreaForecast, from: &str) -> Markup {
    html! {
        p.verdict {
            @match (own.mae, own.seasonal_naive_mae) {
                (Some(mae), Some(naive)) => {
                    "In een backtest over de 12 maanden vóór " (from) " zat deze methode gemiddeld "
                    (decimal(mae, 1)) " per maand naast de werkelijkheid; ‘zelfde maand vorig jaar’ zat er "
                    (decimal(naive, 1)) " naast. "
                    @if own.beats_seasonal_naive { "De methode deed het hier dus beter dan seizoensnaïef." }
                    @else if own.method == buurtbeeld_analysis::ForecastMethod::SeasonalNaive { "Geen methode deed het beter dan seizoensnaïef; daarom staat die hier." }
                    @else { "Hier deed de methode het niet beter dan seizoensnaïef; over alle gebieden samen wel, en één methode voor alle gebieden voorspelt het volgende jaar beter dan per gebied de winnaar kiezen." }
                    @if let (Some(c80), Some(c95)) = (own.coverage_80, own.coverage_95) {
                        " Van de werkelijke aantallen viel " (percent_plain(c80)) " binnen het 80%-interval en "
                        (percent_plain(c95)) " binnen het 95%-interval."
                    }
                }
                _ => { "Voor deze reeks was geen backtest mogelijk (te kort); de verwachting is niet getoetst." }
            }
        }
    }
}

/// The forecast per month with its 80% and 95% intervals: the chart as a table.
fn forecast_table(rows: &[ForecastRow]) -> Markup {
    html! {
        table {
            caption { "Verwachting per maand met 80%- en 95%-interval" }
            thead { tr {
                th scope="col" { "Maand" } th scope="col" { "Verwacht (mediaan)" }
                th scope="col" { "Gemiddelde" }
                th scope="col" { "80%-interval" } th scope="col" { "95%-interval" }
            } }
            tbody {
                @for row in rows {
                    tr {
                        th scope="row" { (period::label(&row.month)) }
                        td { (decimal(row.median, 0)) }
                        td { (decimal(row.forecast, 1)) }
                        td { (decimal(row.lower_80, 0)) " – " (decimal(row.upper_80, 0)) }
                        td { (decimal(row.lower_95, 0)) " – " (decimal(row.upper_95, 0)) }
                    }
                }
            }
        }
    }
}

/// Every method's backtest scores on this series, the chosen one marked.
fn backtest_section(scores: &Backtest, own: &AreaForecast, from: &str) -> Markup {
    html! {
        section aria-labelledby="backtest" {
            h2 #backtest { "Hoe goed voorspelt elke methode hier?" }
            table {
                caption { "Backtest: elke maand van de 12 maanden vóór " (from) " als startpunt, tot 12 maanden vooruit" }
                thead { tr {
                    th scope="col" { "Methode" } th scope="col" { "Gemiddelde fout (MAE)" }
                    th scope="col" { "MASE" } th scope="col" { "Binnen 80%" } th scope="col" { "Binnen 95%" }
                } }
                tbody {
                    @for m in &scores.methods {
                        tr {
                            th scope="row" { (method_label(m.method)) @if m.method == own.method { " (gekozen)" } }
                            @if m.areas == 0 {
                                td colspan="4" { "niet toepasbaar op deze reeks" }
                            } @else {
                                td { (decimal(m.mae, 2)) }
                                td { (m.mase.map_or("–".to_owned(), |v| decimal(v, 2))) }
                                td { (percent_plain(m.coverage_80)) }
                                td { (percent_plain(m.coverage_95)) }
                            }
                        }
                    }
                    @for rule in &scores.rules {
                        tr {
                            th scope="row" { "Eenvoudige regel: " (rule.label) }
                            td { (decimal(rule.mae, 2)) }
                            td colspan="3" { "geen interval" }
                        }
                    }
                }
            }
            p.note { "MAE: hoeveel de verwachting (de mediaan) gemiddeld per maand naast de werkelijkheid zat. MASE: die fout gedeeld door die van ‘zelfde maand vorig jaar’ binnen de trainingsmaanden. De eenvoudige regels zijn de lat: een methode die ze niet verslaat, voegt niets toe. Een 80%-interval hoort in ongeveer 80% van de maanden de werkelijkheid te bevatten." }
        }
    }
}

/// The buurten with the highest forecast for the first month, each linked to its own outlook.
fn busiest_section(busiest: &[ForecastRow], selection: &Selection, from: &str) -> Markup {
    html! {
        section aria-labelledby="buurten" {
            h2 #buurten { "Buurten met de hoogste verwachting voor " (from) }
            table {
                caption { "De 10 buurten met de hoogste verwachting, met methode" }
                thead { tr {
                    th scope="col" { "Buurt" } th scope="col" { "Verwachting" }
                    th scope="col" { "95%-interval" } th.text scope="col" { "Methode" }
                } }
                tbody {
                    @for row in busiest {
                        tr {
                            th scope="row" { a href={"/vooruitblik?gemeente=" (selection.gemeente) "&thema=" (selection.theme) "&gebied=" (row.code)} { (row.name) } " " span.code { (row.code) } }
                            td { (decimal(row.forecast, 1)) }
                            td { (decimal(row.lower_95, 0)) " – " (decimal(row.upper_95, 0)) }
                            td.text { (method_label(row.method)) }
                        }
                    }
                }
            }
        }
    }
}

/// Links to this outlook as CSV and JSON, and to its backtest.
fn outlook_downloads(area: &AreaCode, theme: &str, from: &str) -> Markup {
    let export = format!("/api/v1/forecasts?area={area}&theme={theme}&from={from}");
    html! {
        p.downloads {
            "Download deze vooruitblik: "
            a href={(export) "&format=csv"} download { "CSV (Excel)" } " · "
            a href=(export) { "JSON" } " · "
            a href={"/api/v1/backtests?area=" (area) "&theme=" (theme) "&from=" (from)} { "backtest (JSON)" }
        }
    }
}

/// A share as a whole percentage: `84%`.
fn percent_plain(share: f64) -> String {
    format!("{}%", decimal(share * 100.0, 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A forecast month of Groningen with intervals of ±1 and ±2 around `forecast`.
    fn forecast_row(forecast: f64) -> ForecastRow {
        ForecastRow {
            code: AreaCode::parse("GM0014").unwrap(),
            name: "Groningen".to_owned(),
            month: String::new(),
            forecast,
            median: forecast.round(),
            variance: forecast,
            lower_80: forecast - 1.0,
            upper_80: forecast + 1.0,
            lower_95: forecast - 2.0,
            upper_95: forecast + 2.0,
            method: buurtbeeld_analysis::ForecastMethod::SeasonalNaive,
            actual: None,
        }
    }

    #[test]
    fn outlook_series_joins_the_forecast_to_the_last_observed_month() {
        let history: Vec<f64> = (1..=40).map(f64::from).collect();
        let rows: Vec<ForecastRow> = (0..12)
            .map(|i| forecast_row(100.0 + f64::from(i)))
            .collect();
        let from = Period::Month {
            year: 2024,
            month: 5,
        };
        let series = outlook_series(&history, &rows, from);

        // 36 months observed, then 12 forecast.
        assert_eq!(series.labels.len(), 48);
        assert_eq!(series.labels[0], "mei 2021");
        assert_eq!(series.labels[36], "mei 2024");
        assert_eq!(series.observed[0], Some(5.0));
        assert_eq!(series.observed[35], Some(40.0));
        assert!(series.observed[36..].iter().all(Option::is_none));
        // The forecast and its band start at the last observed month.
        assert!(series.expected[..35].iter().all(Option::is_none));
        assert_eq!(series.expected[35], Some(40.0));
        assert_eq!(series.lower[35], Some(40.0));
        assert_eq!(series.upper[35], Some(40.0));
        assert_eq!(series.expected[36], Some(100.0));
        assert_eq!(series.lower[36], Some(98.0));
        assert_eq!(series.upper[47], Some(113.0));
        assert_eq!(series.expected.len(), 48);
    }
}
