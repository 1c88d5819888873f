//! The pages the public sees without an account: the overview, a theme and an area, for
//! complete years, with every count from the protected public view (`public_view`), so no page
//! shows a count below the threshold or one from which such a count can be worked out.

use buurtbeeld_analysis::{
    years_with_data, Picture, PictureRequest, PictureRow, PublicCount, PublicCounts,
};
use buurtbeeld_cube::dutch::{decimal, integer, percent};
use buurtbeeld_cube::{AreaCode, AreaLevel, Subject};
use buurtbeeld_render::HIDDEN_FIGURE;
use buurtbeeld_store::Store;
use maud::{html, Markup};

use crate::page::{blocking, layout, PageError};
use crate::{public_view, AppError, AppState};

/// The complete years in which the store has any theme for `gemeente`, newest first.
fn complete_years(store: &Store, gemeente: &AreaCode) -> Result<Vec<i32>, PageError> {
    let mut years = std::collections::BTreeSet::new();
    for theme in store
        .themes()?
        .into_iter()
        .filter(|t| !t.categories.is_empty())
    {
        let known = years_with_data(store, gemeente, &Subject::Theme(theme.id)).unwrap_or_default();
        years.extend(
            known
                .into_iter()
                .filter(|(_, months)| *months == 12)
                .map(|(y, _)| y),
        );
    }
    Ok(years.into_iter().rev().collect())
}

/// The theme asked for, else the first theme the public view has for `area`.
fn chosen_theme(
    store: &Store,
    asked: Option<&str>,
    area: &AreaCode,
    counts: &PublicCounts,
) -> Result<String, PageError> {
    if let Some(theme) = asked {
        return Ok(theme.to_owned());
    }
    Ok(store
        .themes()?
        .into_iter()
        .find(|t| counts.get(&t.id, area).is_some())
        .map_or_else(|| "totaal".to_owned(), |t| t.id))
}

fn first_gemeente(store: &Store, asked: Option<&str>) -> Result<AreaCode, PageError> {
    if let Some(code) = asked {
        return AreaCode::parse(code).map_err(|e| AppError::BadRequest(e.to_string()).into());
    }
    store
        .areas_at(AreaLevel::Gemeente)?
        .into_iter()
        .filter(|g| !g.code.is_unknown())
        .map(|g| g.code)
        .find(|code| complete_years(store, code).is_ok_and(|y| !y.is_empty()))
        .ok_or_else(|| {
            AppError::NotFound(
                "Er is nog geen heel jaar met cijfers om openbaar te tonen.".to_owned(),
            )
            .into()
        })
}

fn chosen_year(years: &[i32], asked: Option<i32>, area: &AreaCode) -> Result<i32, PageError> {
    match asked {
        Some(year) if years.contains(&year) => Ok(year),
        Some(year) => Err(AppError::NotFound(format!(
            "Voor {area} is {year} geen heel jaar met cijfers; het openbare beeld toont alleen hele jaren."
        ))
        .into()),
        None => years.first().copied().ok_or_else(|| {
            AppError::NotFound(format!("Voor {area} is nog geen heel jaar met cijfers.")).into()
        }),
    }
}

fn shown(count: Option<PublicCount>) -> String {
    match count {
        Some(PublicCount::Shown(n)) => integer(n),
        Some(PublicCount::Hidden) => HIDDEN_FIGURE.to_owned(),
        None => "–".to_owned(),
    }
}

fn explanation(threshold: u64) -> Markup {
    html! {
        p.note {
            "Openbaar beeld: hele jaren, per thema. Aantallen onder de " (threshold)
            " staan er niet, en ook geen aantallen waaruit zo'n klein aantal af te leiden is (×). "
            "Met een account ziet u maandcijfers, hotspots en de vooruitblik."
        }
    }
}

fn year_links(base: &str, years: &[i32], current: i32) -> Markup {
    html! {
        nav.choose aria-label="Jaren" {
            "Jaar: "
            @for year in years.iter().rev() {
                @if *year == current { strong { (year) } " " }
                @else { a href={ (base) "jaar=" (year) } { (year) } " " }
            }
        }
    }
}

/// One row per area of a public picture: count, rate, last year, change.
fn rows_table(caption: &str, picture: &Picture, year: i32) -> Markup {
    html! {
        div.scroll {
            table {
                caption { (caption) }
                thead { tr {
                    th scope="col" { "Gebied" } th scope="col" { "Aantal" } th scope="col" { "Per 1.000 inwoners" }
                    th scope="col" { "Vorig jaar" } th scope="col" { "Verschil" }
                } }
                tbody {
                    @for row in &picture.rows {
                        tr {
                            th scope="row" { a href={ "/gebied/" (row.code) "?jaar=" (year) } { (row.name) } }
                            td.num { (row_count(row)) }
                            td.num { (row.per_1000.map_or("–".to_owned(), |x| decimal(x, 1))) }
                            td.num { (row.previous_count.map_or("–".to_owned(), integer)) }
                            td.num {
                                @match row.change_pct {
                                    Some(change) => {
                                        (percent(change))
                                        @if row.significant == Some(true) { " " abbr title="significant: meer dan toeval (p < 0,05)" { "*" } }
                                    }
                                    None => "–",
                                }
                            }
                        }
                    }
                }
            }
        }
        @for note in &picture.notes { p.note { (note) } }
        p.note { (picture.attribution) }
    }
}

fn row_count(row: &PictureRow) -> String {
    match (row.count, row.suppressed) {
        (Some(n), _) => integer(n),
        (None, true) => HIDDEN_FIGURE.to_owned(),
        (None, false) => "–".to_owned(),
    }
}

/// Every theme's count in `area`, this year and last.
fn themes_table(
    store: &Store,
    area: &AreaCode,
    year: i32,
    counts: &PublicCounts,
    previous: &PublicCounts,
) -> Result<Markup, PageError> {
    let themes: Vec<_> = store
        .themes()?
        .into_iter()
        .filter(|t| !t.categories.is_empty())
        .filter(|t| counts.get(&t.id, area).is_some())
        .collect();
    Ok(html! {
        div.scroll {
            table {
                caption { "Geregistreerde misdrijven per thema, " (year) " en " (year - 1) }
                thead { tr { th scope="col" { "Thema" } th scope="col" { (year) } th scope="col" { (year - 1) } } }
                tbody {
                    @for theme in &themes {
                        tr {
                            th scope="row" { a href={ "/thema/" (theme.id) "?gemeente=" (area.gemeente().unwrap_or_else(|| area.clone())) "&jaar=" (year) } { (theme.name) } }
                            td.num { (shown(counts.get(&theme.id, area))) }
                            td.num { (shown(previous.get(&theme.id, area))) }
                        }
                    }
                }
            }
        }
    })
}

/// What the public pages are asked: the gemeente, theme and year of the query string.
#[derive(Debug, Clone, Default)]
pub(crate) struct PublicQuery {
    pub gemeente: Option<String>,
    pub thema: Option<String>,
    pub jaar: Option<i32>,
}

pub(crate) async fn overview(
    state: AppState,
    query: PublicQuery,
) -> Result<axum::response::Html<String>, PageError> {
    blocking(move || {
        let store = state.store()?;
        let gemeente = first_gemeente(&store, query.gemeente.as_deref())?;
        let years = complete_years(&store, &gemeente)?;
        let year = chosen_year(&years, query.jaar, &gemeente)?;
        let (counts, previous) = public_view::counts(&store, year, state.disclosure_threshold)?;
        let theme = chosen_theme(&store, query.thema.as_deref(), &gemeente, &counts)?;
        let mut request =
            PictureRequest::year(&gemeente, &Subject::Theme(theme.clone()), year);
        request.level = Some(AreaLevel::Wijk);
        let wijken = buurtbeeld_analysis::public_picture(&store, &request, &counts, &previous)?;
        let themes = themes_table(&store, &gemeente, year, &counts, &previous)?;
        let body = html! {
            h1 { "Veiligheidsbeeld " (wijken.area_name) ", " (year) }
            (explanation(counts.threshold))
            (year_links(&format!("/?gemeente={gemeente}&"), &years, year))
            section aria-labelledby="themas" {
                h2 #themas { "Thema's" }
                (themes)
            }
            section aria-labelledby="wijken" {
                h2 #wijken { (wijken.subject_label) " per wijk" }
                (rows_table(&format!("{} per wijk, {year} vergeleken met {}", wijken.subject_label, year - 1), &wijken, year))
            }
        };
        Ok::<_, PageError>(layout(&format!("Veiligheidsbeeld {}", wijken.area_name), body))
    })
    .await
}

pub(crate) async fn theme(
    state: AppState,
    id: String,
    query: PublicQuery,
) -> Result<axum::response::Html<String>, PageError> {
    blocking(move || {
        let store = state.store()?;
        let gemeente = first_gemeente(&store, query.gemeente.as_deref())?;
        let years = complete_years(&store, &gemeente)?;
        let year = chosen_year(&years, query.jaar, &gemeente)?;
        let (counts, previous) = public_view::counts(&store, year, state.disclosure_threshold)?;
        let mut request = PictureRequest::year(&gemeente, &Subject::Theme(id.clone()), year);
        request.level = Some(AreaLevel::Buurt);
        let buurten = buurtbeeld_analysis::public_picture(&store, &request, &counts, &previous)?;
        let title = format!("{} in {}, {year}", buurten.subject_label, buurten.area_name);
        let body = html! {
            h1 { (title) }
            (explanation(counts.threshold))
            (year_links(&format!("/thema/{id}?gemeente={gemeente}&"), &years, year))
            (rows_table(&format!("{} per buurt, {year} vergeleken met {}", buurten.subject_label, year - 1), &buurten, year))
        };
        Ok::<_, PageError>(layout(&title, body))
    })
    .await
}

pub(crate) async fn area(
    state: AppState,
    code: String,
    query: PublicQuery,
) -> Result<axum::response::Html<String>, PageError> {
    blocking(move || {
        let store = state.store()?;
        let code = AreaCode::parse(&code).map_err(|e| AppError::BadRequest(e.to_string()))?;
        let area = store
            .area(&code)?
            .ok_or_else(|| AppError::NotFound(format!("Gebied {code} staat niet in de database.")))?;
        let gemeente = code.gemeente().unwrap_or_else(|| code.clone());
        let years = complete_years(&store, &gemeente)?;
        let year = chosen_year(&years, query.jaar, &code)?;
        let (counts, previous) = public_view::counts(&store, year, state.disclosure_threshold)?;
        let themes = themes_table(&store, &code, year, &counts, &previous)?;
        let parts = match area.level {
            AreaLevel::Buurt => None,
            _ => {
                let theme = chosen_theme(&store, None, &code, &counts)?;
                let request = PictureRequest::year(&code, &Subject::Theme(theme), year);
                buurtbeeld_analysis::public_picture(&store, &request, &counts, &previous).ok()
            }
        };
        let body = html! {
            h1 { (area.name) ", " (year) }
            (explanation(counts.threshold))
            (year_links(&format!("/gebied/{code}?"), &years, year))
            section aria-labelledby="themas" {
                h2 #themas { "Thema's" }
                (themes)
            }
            @if let Some(parts) = &parts {
                section aria-labelledby="delen" {
                    h2 #delen { (parts.subject_label) " per deelgebied" }
                    (rows_table(&format!("{} in de delen van {}, {year}", parts.subject_label, area.name), parts, year))
                }
            }
        };
        Ok::<_, PageError>(layout(&area.name, body))
    })
    .await
}
