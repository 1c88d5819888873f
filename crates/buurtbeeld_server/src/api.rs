//! The JSON API under `/api/v1`, following the Dutch API Design Rules: resources with plural
//! nouns, JSON (GeoJSON for geometry), errors as problem+json, an OpenAPI 3 document.

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use buurtbeeld_analysis::{
    ForecastRequest, HotspotRequest, Measure, PictureRequest, Subject, WeightsRule,
};
use buurtbeeld_cube::{AreaCode, AreaLevel, CategoryCode, Day, Period};
use buurtbeeld_store::Store;
use serde::Deserialize;

use crate::auth::{self, Endpoint, Viewer};
use crate::download::{content_disposition, Disposition};
use crate::error::Params;
use crate::public::{public_plan, PublicImport};
use crate::{AppError, AppState};

/// The full API version, sent with every API response (Dutch API Design Rules, API-57).
const API_VERSION: &str = "1.0.0";

/// The API's endpoints, under `/api/v1`.
pub(crate) fn endpoints() -> Vec<Endpoint> {
    vec![
        auth::get("/openapi.json", openapi),
        auth::get("/areas", areas),
        auth::get("/areas/{code}", area),
        auth::get("/themes", themes),
        auth::get("/categories", categories),
        auth::get("/picture", picture),
        auth::get("/series", series),
        auth::get("/peers", peers),
        auth::get("/rankings", rankings),
        auth::get("/hotspots", hotspots),
        auth::get("/vis", vis),
        auth::get("/near-repeat", near_repeat),
        auth::get("/density", density),
        auth::get("/forecasts", forecasts),
        auth::get("/backtests", backtests),
        auth::get("/imports", imports),
        auth::get("/plans", plans),
        auth::get("/plans/{id}", plan),
        auth::get("/interventions", interventions),
        auth::get("/interventions/{id}/effect", intervention_effect),
    ]
}

/// The API's own layers around its routes.
pub(crate) fn router(routes: Router<AppState>) -> Router<AppState> {
    routes
        .layer(tower_http::set_header::SetResponseHeaderLayer::overriding(
            header::HeaderName::from_static("api-version"),
            header::HeaderValue::from_static(API_VERSION),
        ))
        // An open API: any web page may read it (GET only; nothing here changes data).
        .layer(
            tower_http::cors::CorsLayer::new()
                .allow_origin(tower_http::cors::Any)
                .allow_methods([axum::http::Method::GET]),
        )
}

/// Runs store work off the async executor: SQLite calls block.
async fn with_store<T: Send + 'static>(
    state: AppState,
    work: impl FnOnce(&Store) -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    tokio::task::spawn_blocking(move || work(&state.store()?))
        .await
        .unwrap_or_else(|e| Err(AppError::Internal(e.to_string())))
}

fn area_code(text: &str) -> Result<AreaCode, AppError> {
    AreaCode::parse(text).map_err(|e| AppError::BadRequest(e.to_string()))
}

#[derive(Debug, Deserialize)]
struct AreasQuery {
    level: Option<String>,
    parent: Option<String>,
}

async fn areas(
    State(state): State<AppState>,
    Params(query): Params<AreasQuery>,
) -> Result<Response, AppError> {
    let level = match query.level.as_deref() {
        None => None,
        Some(text) => Some(AreaLevel::parse(text).ok_or_else(|| {
            AppError::BadRequest(format!(
                "niveau '{text}' bestaat niet; verwacht land, gemeente, wijk of buurt"
            ))
        })?),
    };
    let parent = query.parent.as_deref().map(area_code).transpose()?;
    let list = with_store(state, move |store| {
        let mut list = match &parent {
            Some(parent) => store.children(parent)?,
            None => store.areas_at(level.unwrap_or(AreaLevel::Gemeente))?,
        };
        if let Some(level) = level {
            list.retain(|a| a.level == level);
        }
        Ok(list)
    })
    .await?;
    Ok(Json(list).into_response())
}

/// One area as a GeoJSON Feature.
async fn area(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    let code = area_code(&code)?;
    let feature = with_store(state, move |store| {
        let info = store
            .area(&code)?
            .ok_or_else(|| AppError::NotFound(format!("onbekend gebied {code}")))?;
        let geometry: serde_json::Value = store
            .area_geometry(&code)?
            .and_then(|g| serde_json::from_str(&g).ok())
            .unwrap_or(serde_json::Value::Null);
        let children: Vec<String> = store
            .children(&code)?
            .into_iter()
            .map(|c| c.code.to_string())
            .collect();
        Ok(serde_json::json!({
            "type": "Feature",
            "id": info.code,
            "geometry": geometry,
            "properties": {
                "code": info.code,
                "name": info.name,
                "level": info.level,
                "parent": info.parent,
                "indeling_year": info.indeling_year,
                "children": children,
            },
        }))
    })
    .await?;
    Ok((
        [(header::CONTENT_TYPE, "application/geo+json")],
        feature.to_string(),
    )
        .into_response())
}

async fn themes(State(state): State<AppState>) -> Result<Response, AppError> {
    let list = with_store(state, |store| Ok(store.themes()?)).await?;
    Ok(Json(list).into_response())
}

async fn categories(State(state): State<AppState>) -> Result<Response, AppError> {
    let list = with_store(state, |store| Ok(store.categories()?)).await?;
    Ok(Json(list).into_response())
}

async fn imports(State(state): State<AppState>) -> Result<Response, AppError> {
    let list = with_store(state, |store| Ok(store.imports()?)).await?;
    let list: Vec<PublicImport> = list.into_iter().map(PublicImport::from).collect();
    Ok(Json(list).into_response())
}

/// The plans; the public gets the public ones only.
async fn plans(State(state): State<AppState>, viewer: Viewer) -> Result<Response, AppError> {
    let list = with_store(state, move |store| {
        let mut plans = store.plans()?;
        if viewer.is_public() {
            let public = store.public_plans()?;
            plans.retain(|plan| public.contains(&plan.id));
        }
        Ok(plans)
    })
    .await?;
    Ok(Json(list).into_response())
}

/// One plan measured; the public gets a public plan itself (its goals and themes), not its
/// progress, action points or budget.
async fn plan(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let answer = with_store(state, move |store| {
        if viewer.is_public() {
            let plan = store
                .plan(&id)?
                .filter(|_| store.public_plans().is_ok_and(|p| p.contains(&id)))
                .ok_or_else(|| AppError::NotFound(format!("er is geen openbaar plan '{id}'")))?;
            return serde_json::to_value(plan).map_err(|e| AppError::Internal(e.to_string()));
        }
        let report = public_plan(buurtbeeld_analysis::known_plan_report(store, &id)?);
        serde_json::to_value(report).map_err(|e| AppError::Internal(e.to_string()))
    })
    .await?;
    Ok(Json(answer).into_response())
}

async fn interventions(State(state): State<AppState>) -> Result<Response, AppError> {
    let list = with_store(state, |store| Ok(store.interventions()?)).await?;
    Ok(Json(list).into_response())
}

#[derive(Debug, Deserialize)]
pub(crate) struct EffectQuery {
    /// `all` (default), `before-after`, `did`, `synth` or `displacement`.
    method: Option<String>,
}

async fn intervention_effect(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Params(query): Params<EffectQuery>,
) -> Result<Response, AppError> {
    let method = query.method.as_deref().unwrap_or("all");
    let method = buurtbeeld_analysis::EffectMethod::parse(method).ok_or_else(|| {
        AppError::BadRequest(format!(
            "method: '{method}' is geen methode; verwacht all, before-after, did, synth of displacement"
        ))
    })?;
    let report = with_store(state, move |store| {
        Ok(buurtbeeld_analysis::effect(store, &id, method)?)
    })
    .await?;
    Ok(Json(report).into_response())
}

#[derive(Debug, Deserialize)]
pub(crate) struct PictureQuery {
    area: Option<String>,
    theme: Option<String>,
    category: Option<String>,
    year: Option<String>,
    month: Option<String>,
    source: Option<String>,
    level: Option<String>,
    /// The fewest inhabitants an area needs for a rate per 1.000 (default 100). Text, as every
    /// field here: a flattened query cannot read numbers.
    min_population: Option<String>,
    /// `json` (default), `csv` or `geojson`.
    format: Option<String>,
    /// CSV decimal separator: `comma` (default, as Dutch Excel expects) or `point`.
    decimal: Option<String>,
}

impl PictureQuery {
    /// Checks the parameters; every message says what was expected.
    pub(crate) fn request(&self) -> Result<PictureRequest, AppError> {
        let bad = |m: String| AppError::BadRequest(m);
        let area = area_code(self.area.as_deref().ok_or_else(|| {
            bad("parameter 'area' is verplicht, bijvoorbeeld area=GM0014".to_owned())
        })?)?;
        let subject = subject_param(self.theme.as_deref(), self.category.as_deref())?;
        let year_text = self.year.as_deref().ok_or_else(|| {
            bad("parameter 'year' is verplicht, bijvoorbeeld year=2023".to_owned())
        })?;
        let year = match Period::parse_iso(year_text) {
            Ok(Period::Year(year)) => year,
            _ => return Err(bad(format!("year '{year_text}' is geen jaar zoals 2023"))),
        };
        let month = match self.month.as_deref() {
            None => None,
            Some(text) => match Period::parse_iso(text) {
                Ok(Period::Month { year: y, month }) if y == year => Some(month),
                // A well-formed month of another year names a picture that does not exist.
                Ok(Period::Month { .. }) => {
                    return Err(AppError::NotFound(format!(
                        "maand {text} valt niet in het jaar {year}; geef een maand van {year}, \
                         zoals {year}-03"
                    )))
                }
                _ => {
                    return Err(bad(format!(
                        "month '{text}' is geen maand van {year} zoals {year}-03"
                    )))
                }
            },
        };
        let level = match self.level.as_deref() {
            None => None,
            Some(text) => Some(AreaLevel::parse(text).ok_or_else(|| {
                bad(format!(
                    "niveau '{text}' bestaat niet; verwacht gemeente, wijk of buurt"
                ))
            })?),
        };
        Ok(PictureRequest {
            area,
            subject,
            year,
            month,
            source: self.source.clone(),
            level,
            min_population: min_population(
                self.min_population
                    .as_deref()
                    .map(|text| {
                        text.parse::<u64>().map_err(|_| {
                            bad(format!(
                                "min_population '{text}' is geen aantal inwoners zoals 100"
                            ))
                        })
                    })
                    .transpose()?,
            )?,
        })
    }
}

/// The theme of all crime, the subject when neither `theme` nor `category` is given.
const TOTAL_THEME: &str = "totaal";

/// The subject from `theme` or `category`, by default all crime. Given both, the subject is the category, which must
/// belong to the theme (checked by [`category_in_theme`]): the OpenAPI document cannot say
/// "exactly one of", so a request naming both is answered rather than refused.
fn subject_param(theme: Option<&str>, category: Option<&str>) -> Result<Subject, AppError> {
    match (theme, category) {
        (Some(theme), None) => Ok(Subject::Theme(theme.to_owned())),
        (_, Some(category)) => Ok(Subject::Category(
            CategoryCode::parse(category).map_err(|e| AppError::BadRequest(e.to_string()))?,
        )),
        // All crime, as the dashboard's first screen shows.
        (None, None) => Ok(Subject::Theme(TOTAL_THEME.to_owned())),
    }
}

/// With both `theme` and `category`: 404 unless the theme exists and counts the category.
async fn category_in_theme(
    state: &AppState,
    theme: Option<&str>,
    category: Option<&str>,
) -> Result<(), AppError> {
    let (Some(theme), Some(category)) = (theme, category) else {
        return Ok(());
    };
    let (theme, category) = (theme.to_owned(), category.to_owned());
    with_store(state.clone(), move |store| {
        let themes = store.themes()?;
        let Some(known) = themes.iter().find(|t| t.id == theme) else {
            let ids: Vec<&str> = themes.iter().map(|t| t.id.as_str()).collect();
            return Err(AppError::NotFound(format!(
                "thema '{theme}' bestaat niet; bekende thema's: {}",
                ids.join(", ")
            )));
        };
        if known.categories.iter().any(|c| c.as_str() == category) {
            return Ok(());
        }
        let counted: Vec<&str> = known.categories.iter().map(CategoryCode::as_str).collect();
        Err(AppError::NotFound(format!(
            "categorie {category} hoort niet bij thema '{theme}' (dat telt {}); geef een \
             categorie van dat thema, of alleen 'theme' of alleen 'category'",
            counted.join(", ")
        )))
    })
    .await
}

/// `decimal=comma` (default) or `decimal=point`.
fn decimal_comma(param: Option<&str>) -> Result<bool, AppError> {
    match param {
        None | Some("comma") => Ok(true),
        Some("point") => Ok(false),
        Some(other) => Err(AppError::BadRequest(format!(
            "decimal '{other}' bestaat niet; verwacht comma of point"
        ))),
    }
}

/// Output format: json (default), csv or geojson.
fn output_format(param: Option<&str>) -> Result<&'static str, AppError> {
    match param {
        None | Some("json") => Ok("json"),
        Some("csv") => Ok("csv"),
        Some("geojson") => Ok("geojson"),
        Some(other) => Err(AppError::BadRequest(format!(
            "format '{other}' bestaat niet; verwacht json, csv of geojson"
        ))),
    }
}

/// The format of an answer that has no GeoJSON form.
fn json_or_csv(param: Option<&str>) -> Result<&'static str, AppError> {
    match param {
        None | Some("json") => Ok("json"),
        Some("csv") => Ok("csv"),
        Some(other) => Err(AppError::BadRequest(format!(
            "format '{other}' bestaat niet; verwacht json of csv"
        ))),
    }
}

/// A download with its media type and file name.
fn attachment(media_type: &str, file: &str, body: String) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_str(media_type).expect("our own media types"),
            ),
            (
                header::CONTENT_DISPOSITION,
                content_disposition(Disposition::Attachment, file),
            ),
        ],
        body,
    )
        .into_response()
}

/// A GeoJSON FeatureCollection: one feature per row that has a stored geometry, the row's fields
/// and `extra` as its properties.
fn feature_collection<'a, R: serde::Serialize + 'a>(
    rows: impl Iterator<Item = (&'a AreaCode, &'a R)>,
    extra: &[(&str, String)],
    geometries: &[Option<String>],
    attribution: &str,
) -> String {
    let features: Vec<serde_json::Value> = rows
        .zip(geometries)
        .filter_map(|((code, row), geometry)| {
            let geometry: serde_json::Value = serde_json::from_str(geometry.as_ref()?).ok()?;
            let mut properties = serde_json::to_value(row).ok()?;
            for (key, value) in extra {
                properties[*key] = value.clone().into();
            }
            Some(serde_json::json!({
                "type": "Feature", "id": code, "geometry": geometry, "properties": properties,
            }))
        })
        .collect();
    serde_json::json!({
        "type": "FeatureCollection",
        "features": features,
        "attribution": attribution,
    })
    .to_string()
}

#[derive(Debug, Deserialize)]
pub(crate) struct HotspotQuery {
    pub(crate) area: Option<String>,
    pub(crate) level: Option<String>,
    pub(crate) theme: Option<String>,
    pub(crate) category: Option<String>,
    pub(crate) period: Option<String>,
    pub(crate) weights: Option<String>,
    pub(crate) measure: Option<String>,
    pub(crate) permutations: Option<usize>,
    pub(crate) seed: Option<u64>,
    pub(crate) correction: Option<String>,
    pub(crate) alpha: Option<f64>,
    pub(crate) window: Option<usize>,
    pub(crate) source: Option<String>,
    pub(crate) min_population: Option<u64>,
    format: Option<String>,
    decimal: Option<String>,
}

impl HotspotQuery {
    /// Checks the parameters; every message says what was expected.
    pub(crate) fn request(&self) -> Result<HotspotRequest, AppError> {
        let bad = |m: String| AppError::BadRequest(m);
        let area = area_code(self.area.as_deref().ok_or_else(|| {
            bad("parameter 'area' is verplicht, bijvoorbeeld area=GM0014".to_owned())
        })?)?;
        let subject = subject_param(self.theme.as_deref(), self.category.as_deref())?;
        let period_text = self.period.as_deref().ok_or_else(|| {
            bad(
                "parameter 'period' is verplicht: een jaar (2015) of een maand (2015-06)"
                    .to_owned(),
            )
        })?;
        let period = Period::parse_iso(period_text).map_err(|_| {
            bad(format!(
                "period '{period_text}' is geen jaar (2015) of maand (2015-06)"
            ))
        })?;
        let level_text = self.level.as_deref().unwrap_or("buurt");
        let level = AreaLevel::parse(level_text)
            .filter(|l| *l != AreaLevel::Land)
            .ok_or_else(|| {
                bad(format!(
                    "niveau '{level_text}' bestaat niet; verwacht buurt, wijk of gemeente"
                ))
            })?;
        let mut request = HotspotRequest::new(area, level, subject, period);
        if let Some(weights) = &self.weights {
            request.weights = weights.parse::<WeightsRule>().map_err(bad)?;
        }
        if let Some(measure) = &self.measure {
            request.measure = measure.parse::<Measure>().map_err(bad)?;
        }
        if let Some(correction) = &self.correction {
            request.correction = buurtbeeld_analysis::parse_correction(correction).map_err(bad)?;
        }
        if let Some(permutations) = self.permutations {
            if !(1..=99_999).contains(&permutations) {
                return Err(bad(format!(
                    "permutations {permutations} valt buiten het bereik; verwacht 1 tot en met 99999 \
                     (999 is gebruikelijk)"
                )));
            }
            request.permutations = permutations;
        }
        if let Some(alpha) = self.alpha {
            if !(alpha > 0.0 && alpha < 1.0) {
                return Err(bad(format!(
                    "alpha {alpha} is geen niveau tussen 0 en 1 (0.05 is gebruikelijk)"
                )));
            }
            request.alpha = alpha;
        }
        if let Some(window) = self.window {
            if !(1..=120).contains(&window) {
                return Err(bad(format!(
                    "window {window} valt buiten het bereik; verwacht 1 tot en met 120 perioden"
                )));
            }
            request.window = Some(window);
        }
        request.seed = self.seed.unwrap_or(request.seed);
        request.source = self.source.clone();
        request.min_population = min_population(self.min_population)?;
        Ok(request)
    }
}

/// The minimum population for a rate per 1.000: the request's, checked, or the default.
fn min_population(given: Option<u64>) -> Result<u64, AppError> {
    match given {
        None => Ok(buurtbeeld_analysis::MIN_POPULATION_FOR_RATE),
        Some(n) if (1..=1_000_000).contains(&n) => Ok(n),
        Some(n) => Err(AppError::BadRequest(format!(
            "min_population {n} valt buiten het bereik; verwacht 1 tot en met 1000000 inwoners \
             ({} is de standaard)",
            buurtbeeld_analysis::MIN_POPULATION_FOR_RATE
        ))),
    }
}

/// Hotspots as JSON, CSV or GeoJSON (the analysed areas with their verdicts).
async fn hotspots(
    State(state): State<AppState>,
    Params(query): Params<HotspotQuery>,
) -> Result<Response, AppError> {
    let request = query.request()?;
    category_in_theme(&state, query.theme.as_deref(), query.category.as_deref()).await?;
    let decimal_comma = decimal_comma(query.decimal.as_deref())?;
    let format = output_format(query.format.as_deref())?;
    let (hotspots, geometries) = with_store(state, move |store| {
        let hotspots = buurtbeeld_analysis::hotspots(store, &request)?;
        let geometries = geometries_for(store, hotspots.rows.iter().map(|r| &r.code), format)?;
        Ok((hotspots, geometries))
    })
    .await?;
    let file = format!(
        "buurtbeeld-hotspots-{}-{}-{}",
        hotspots.area, hotspots.subject, hotspots.period
    );
    let extra = [
        ("period", hotspots.period.clone()),
        ("subject", hotspots.subject_label.clone()),
        ("source", hotspots.source.clone()),
    ];
    Ok(answer(
        format,
        &file,
        hotspots,
        |h| buurtbeeld_render::render_hotspots_csv(h, decimal_comma),
        |h| {
            let rows = h.rows.iter().map(|r| (&r.code, r));
            feature_collection(rows, &extra, &geometries, &h.attribution)
        },
    ))
}

#[derive(Debug, Deserialize)]
pub(crate) struct VisQuery {
    area: Option<String>,
    theme: Option<String>,
    dedup_metres: Option<f64>,
    dedup_days: Option<i32>,
    format: Option<String>,
}

impl VisQuery {
    pub(crate) fn request(&self) -> Result<buurtbeeld_analysis::VisRequest, AppError> {
        let bad = |m: &str| AppError::BadRequest(m.to_owned());
        let area = area_code(
            self.area
                .as_deref()
                .ok_or_else(|| bad("parameter 'area' is verplicht, bijvoorbeeld area=GM0014"))?,
        )?;
        let theme = self.theme.clone().ok_or_else(|| {
            bad("parameter 'theme' is verplicht, bijvoorbeeld theme=overlast-jeugd")
        })?;
        let mut dedup = buurtbeeld_analysis::DedupRule::default();
        if let Some(metres) = self.dedup_metres {
            if !(0.0..=5_000.0).contains(&metres) {
                return Err(bad("dedup_metres moet tussen 0 en 5000 meter liggen"));
            }
            dedup.metres = metres;
        }
        if let Some(days) = self.dedup_days {
            if !(0..=365).contains(&days) {
                return Err(bad("dedup_days moet tussen 0 en 365 dagen liggen"));
            }
            dedup.days = days;
        }
        Ok(buurtbeeld_analysis::VisRequest { area, theme, dedup })
    }
}

/// Every source of an area side by side for one theme, per month (the VIS).
async fn vis(
    State(state): State<AppState>,
    Params(query): Params<VisQuery>,
) -> Result<Response, AppError> {
    let request = query.request()?;
    let format = json_or_csv(query.format.as_deref())?;
    let vis = with_store(state, move |store| {
        Ok(buurtbeeld_analysis::vis(store, &request)?)
    })
    .await?;
    let file = format!("buurtbeeld-bronnen-{}-{}", vis.area, vis.theme);
    Ok(answer(
        format,
        &file,
        vis,
        buurtbeeld_render::render_vis_csv,
        |_| String::new(),
    ))
}

#[derive(Debug, Deserialize)]
pub(crate) struct PointsQuery {
    area: Option<String>,
    source: Option<String>,
    theme: Option<String>,
    category: Option<String>,
    from: Option<String>,
    to: Option<String>,
    permutations: Option<usize>,
    seed: Option<u64>,
    cell: Option<u32>,
    bandwidth: Option<u32>,
    format: Option<String>,
}

/// The registrations a point-pattern request reads: area, source, subject and months.
struct PointsScope {
    area: AreaCode,
    source: String,
    subject: Subject,
    days: Option<(Day, Day)>,
}

impl PointsQuery {
    fn scope(&self) -> Result<PointsScope, AppError> {
        let area = area_code(self.area.as_deref().ok_or_else(|| {
            AppError::BadRequest(
                "parameter 'area' is verplicht, bijvoorbeeld area=GM0014".to_owned(),
            )
        })?)?;
        let month = |text: Option<&str>, name: &str| -> Result<Option<Period>, AppError> {
            match text.map(Period::parse_iso) {
                None => Ok(None),
                Some(Ok(month @ Period::Month { .. })) => Ok(Some(month)),
                Some(_) => Err(AppError::BadRequest(format!(
                    "parameter '{name}' is geen maand zoals 2015-07"
                ))),
            }
        };
        let (from, to) = (
            month(self.from.as_deref(), "from")?,
            month(self.to.as_deref(), "to")?,
        );
        let days = (from.is_some() || to.is_some()).then(|| {
            (
                from.map_or(Day::from_days(i32::MIN / 2), Day::first_of),
                to.map_or(Day::from_days(i32::MAX / 2), Day::last_of),
            )
        });
        Ok(PointsScope {
            area,
            source: self.source.clone().unwrap_or_else(|| "BVH".to_owned()),
            subject: subject_param(self.theme.as_deref(), self.category.as_deref())?,
            days,
        })
    }
}

/// Permutations the near-repeat API computes at most, and by default.
const API_PERMUTATIONS: usize = 99;

/// The near-repeat (Knox) test on registrations with a point.
async fn near_repeat(
    State(state): State<AppState>,
    Params(query): Params<PointsQuery>,
) -> Result<Response, AppError> {
    let scope = query.scope()?;
    let format = json_or_csv(query.format.as_deref())?;
    let mut request =
        buurtbeeld_analysis::NearRepeatRequest::new(scope.area, &scope.source, scope.subject);
    request.days = scope.days;
    // The API answers within seconds: at most 99 permutations (the smallest p is then 0,01);
    // the page and the command line use 999.
    request.parameters.permutations = API_PERMUTATIONS;
    if let Some(permutations) = query.permutations {
        if !(1..=API_PERMUTATIONS).contains(&permutations) {
            return Err(AppError::BadRequest(format!(
                "permutations moet tussen 1 en {API_PERMUTATIONS} liggen; gebruik de \
                 opdrachtregel (buurtbeeld near-repeat) voor meer"
            )));
        }
        request.parameters.permutations = permutations;
    }
    if let Some(seed) = query.seed {
        request.parameters.seed = seed;
    }
    let result = with_store(state, move |store| {
        Ok(buurtbeeld_analysis::near_repeat(store, &request)?)
    })
    .await?;
    let file = format!("buurtbeeld-near-repeat-{}-{}", result.area, result.subject);
    Ok(answer(
        format,
        &file,
        result,
        buurtbeeld_render::render_near_repeat_csv,
        |_| String::new(),
    ))
}

/// Kernel density of registrations with a point on a grid in RD New metres.
async fn density(
    State(state): State<AppState>,
    Params(query): Params<PointsQuery>,
) -> Result<Response, AppError> {
    let scope = query.scope()?;
    let format = json_or_csv(query.format.as_deref())?;
    let mut request =
        buurtbeeld_analysis::DensityRequest::new(scope.area, &scope.source, scope.subject);
    request.days = scope.days;
    if let Some(cell) = query.cell {
        if !(10..=5_000).contains(&cell) {
            return Err(AppError::BadRequest(
                "cell moet tussen 10 en 5000 meter liggen".to_owned(),
            ));
        }
        request.cell_metres = f64::from(cell);
    }
    if let Some(bandwidth) = query.bandwidth {
        // The work grows with the square of the bandwidth over the cell: the API keeps both
        // where an answer takes well under a second.
        if !(25..=500).contains(&bandwidth) {
            return Err(AppError::BadRequest(
                "bandwidth moet tussen 25 en 500 meter liggen".to_owned(),
            ));
        }
        request.bandwidth_metres = f64::from(bandwidth);
    }
    let result = with_store(state, move |store| {
        Ok(buurtbeeld_analysis::density(store, &request)?)
    })
    .await?;
    let file = format!("buurtbeeld-dichtheid-{}-{}", result.area, result.subject);
    Ok(answer(
        format,
        &file,
        result,
        buurtbeeld_render::render_density_csv,
        |_| String::new(),
    ))
}

#[derive(Debug, Deserialize)]
pub(crate) struct ForecastQuery {
    area: Option<String>,
    level: Option<String>,
    theme: Option<String>,
    category: Option<String>,
    from: Option<String>,
    horizon: Option<usize>,
    method: Option<String>,
    source: Option<String>,
    format: Option<String>,
    decimal: Option<String>,
}

impl ForecastQuery {
    /// Checks the parameters; every message says what was expected.
    fn request(&self) -> Result<ForecastRequest, AppError> {
        let bad = |m: String| AppError::BadRequest(m);
        let area = area_code(self.area.as_deref().ok_or_else(|| {
            bad("parameter 'area' is verplicht, bijvoorbeeld area=GM0014".to_owned())
        })?)?;
        let subject = subject_param(self.theme.as_deref(), self.category.as_deref())?;
        let from_text = self.from.as_deref().ok_or_else(|| {
            bad(
                "parameter 'from' is verplicht: de eerste voorspelde maand, bijvoorbeeld from=2016-07"
                    .to_owned(),
            )
        })?;
        let from = match Period::parse_iso(from_text) {
            Ok(month @ Period::Month { .. }) => month,
            _ => {
                return Err(bad(format!(
                    "from '{from_text}' is geen maand zoals 2016-07"
                )))
            }
        };
        let horizon = self.horizon.unwrap_or(12);
        if !(1..=12).contains(&horizon) {
            return Err(bad(format!(
                "horizon {horizon} valt buiten het bereik; verwacht 1 tot en met 12 maanden"
            )));
        }
        let level = match self.level.as_deref() {
            None => None,
            Some(text) => Some(
                AreaLevel::parse(text)
                    .filter(|l| *l != AreaLevel::Land)
                    .ok_or_else(|| {
                        bad(format!(
                            "niveau '{text}' bestaat niet; verwacht buurt, wijk of gemeente"
                        ))
                    })?,
            ),
        };
        let method = match self.method.as_deref() {
            None | Some("auto") => None,
            Some(name) => Some(name.to_owned()),
        };
        Ok(ForecastRequest {
            area,
            level,
            subject,
            from,
            horizon,
            method,
            source: self.source.clone(),
        })
    }
}

/// Forecasts per area and month with their intervals and backtest, as JSON or CSV.
async fn forecasts(
    State(state): State<AppState>,
    Params(query): Params<ForecastQuery>,
) -> Result<Response, AppError> {
    let request = query.request()?;
    category_in_theme(&state, query.theme.as_deref(), query.category.as_deref()).await?;
    let decimal_comma = decimal_comma(query.decimal.as_deref())?;
    let format = json_or_csv(query.format.as_deref())?;
    let result = with_store(state, move |store| {
        Ok(buurtbeeld_analysis::forecast(store, &request)?)
    })
    .await?;
    let file = format!(
        "buurtbeeld-vooruitblik-{}-{}-{}",
        result.area, result.subject, result.from
    );
    Ok(answer(
        format,
        &file,
        result,
        |f| buurtbeeld_render::render_forecasts_csv(f, decimal_comma),
        |_| String::new(),
    ))
}

/// Backtest scores of every method over the listed areas.
async fn backtests(
    State(state): State<AppState>,
    Params(query): Params<ForecastQuery>,
) -> Result<Response, AppError> {
    let request = query.request()?;
    category_in_theme(&state, query.theme.as_deref(), query.category.as_deref()).await?;
    let result = with_store(state, move |store| {
        Ok(buurtbeeld_analysis::run_backtest(store, &request)?)
    })
    .await?;
    Ok(Json(result).into_response())
}

/// The picture as JSON, as CSV (`;`, decimal comma unless `decimal=point`) or as a GeoJSON
/// FeatureCollection of the listed areas that have a geometry.
async fn picture(
    State(state): State<AppState>,
    viewer: Viewer,
    Params(query): Params<PictureQuery>,
) -> Result<Response, AppError> {
    let request = query.request()?;
    category_in_theme(&state, query.theme.as_deref(), query.category.as_deref()).await?;
    let decimal_comma = decimal_comma(query.decimal.as_deref())?;
    let format = output_format(query.format.as_deref())?;
    if viewer.is_public() {
        crate::public_view::public_request(&request)?;
    }
    let threshold = state.disclosure_threshold;
    let (picture, geometries) = with_store(state, move |store| {
        let picture = if viewer.is_public() {
            crate::public_view::picture(store, &request, threshold)?
        } else {
            buurtbeeld_analysis::picture(store, &request)?
        };
        let geometries = geometries_for(store, picture.rows.iter().map(|r| &r.code), format)?;
        Ok((picture, geometries))
    })
    .await?;
    let file = format!(
        "buurtbeeld-{}-{}-{}",
        picture.area, picture.subject, picture.period
    );
    let extra = [
        ("period", picture.period.clone()),
        ("subject", picture.subject_label.clone()),
        ("source", picture.source.clone()),
    ];
    Ok(answer(
        format,
        &file,
        picture,
        |p| buurtbeeld_render::render_csv(p, decimal_comma),
        |p| {
            let rows = p.rows.iter().map(|r| (&r.code, r));
            feature_collection(rows, &extra, &geometries, &p.attribution)
        },
    ))
}

/// `value` in the format asked for: JSON, or a download `file`.csv / `file`.geojson.
fn answer<T: serde::Serialize>(
    format: &str,
    file: &str,
    value: T,
    csv: impl FnOnce(&T) -> String,
    geojson: impl FnOnce(&T) -> String,
) -> Response {
    match format {
        // The byte order mark tells Excel the file is UTF-8; without it, Excel reads a Dutch
        // download as Windows-1252 and garbles names like 's-Hertogenbosch's é or ë.
        "csv" => attachment(
            "text/csv; charset=utf-8",
            &format!("{file}.csv"),
            format!("\u{feff}{}", csv(&value)),
        ),
        "geojson" => attachment(
            "application/geo+json",
            &format!("{file}.geojson"),
            geojson(&value),
        ),
        _ => Json(value).into_response(),
    }
}

/// The stored geometries of `codes` when the answer is GeoJSON; nothing otherwise.
fn geometries_for<'a>(
    store: &Store,
    codes: impl Iterator<Item = &'a AreaCode>,
    format: &str,
) -> Result<Vec<Option<String>>, AppError> {
    if format != "geojson" {
        return Ok(Vec::new());
    }
    codes.map(|code| Ok(store.area_geometry(code)?)).collect()
}

async fn openapi() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        include_str!("openapi.json"),
    )
        .into_response()
}

#[derive(Debug, Deserialize)]
struct SeriesQuery {
    area: Option<String>,
    theme: Option<String>,
    category: Option<String>,
}

/// Every published period of a theme or category in an area.
async fn series(
    State(state): State<AppState>,
    Params(query): Params<SeriesQuery>,
) -> Result<Response, AppError> {
    category_in_theme(&state, query.theme.as_deref(), query.category.as_deref()).await?;
    let subject = PictureQuery {
        area: query.area,
        theme: query.theme,
        category: query.category,
        year: Some("2000".to_owned()),
        month: None,
        source: None,
        level: None,
        min_population: None,
        format: None,
        decimal: None,
    }
    .request()?;
    let trend = with_store(state, move |store| {
        Ok(buurtbeeld_analysis::trend(
            store,
            &subject.area,
            &subject.subject,
        )?)
    })
    .await?;
    Ok(Json(trend).into_response())
}

#[derive(Debug, Deserialize)]
struct PeersQuery {
    gemeente: Option<String>,
    theme: Option<String>,
    category: Option<String>,
    year: Option<String>,
}

/// A gemeente beside Nederland, its provincie and its size class, per 1.000 inwoners with
/// ranks; without `year`, every year the national table has.
async fn peers(
    State(state): State<AppState>,
    Params(query): Params<PeersQuery>,
) -> Result<Response, AppError> {
    let bad = |m: String| AppError::BadRequest(m);
    let gemeente = area_code(query.gemeente.as_deref().ok_or_else(|| {
        bad("parameter 'gemeente' is verplicht, bijvoorbeeld gemeente=GM1581".to_owned())
    })?)?;
    if gemeente.level() != AreaLevel::Gemeente {
        return Err(bad(format!(
            "{gemeente} is geen gemeente: vergelijken met andere gemeenten kan alleen voor een \
             gemeente (GM…)"
        )));
    }
    let subject = subject_param(query.theme.as_deref(), query.category.as_deref())?;
    let asked = match query.year.as_deref() {
        None => None,
        Some(text) => match Period::parse_iso(text) {
            Ok(Period::Year(year)) => Some(year),
            _ => return Err(bad(format!("year '{text}' is geen jaar zoals 2023"))),
        },
    };
    category_in_theme(&state, query.theme.as_deref(), query.category.as_deref()).await?;
    let comparisons = with_store(state, move |store| {
        let years = match asked {
            Some(year) => vec![year],
            None => buurtbeeld_analysis::peer_years(store, &subject)?,
        };
        Ok(buurtbeeld_analysis::peers_over_years(
            store, &gemeente, &subject, &years,
        )?)
    })
    .await?;
    Ok(Json(comparisons).into_response())
}

#[derive(Debug, Deserialize)]
struct RankingsQuery {
    #[serde(flatten)]
    picture: PictureQuery,
    /// `count` (default) or `per_1000`.
    measure: Option<String>,
}

/// The areas below an area ranked by count or rate, highest first: where to look first.
async fn rankings(
    State(state): State<AppState>,
    Params(query): Params<RankingsQuery>,
) -> Result<Response, AppError> {
    let request = query.picture.request()?;
    let (theme, category) = (&query.picture.theme, &query.picture.category);
    category_in_theme(&state, theme.as_deref(), category.as_deref()).await?;
    let by_rate = match query.measure.as_deref() {
        None | Some("count") => false,
        Some("per_1000") => true,
        Some(other) => {
            return Err(AppError::BadRequest(format!(
                "measure '{other}' bestaat niet; verwacht count of per_1000"
            )))
        }
    };
    let mut picture = with_store(state, move |store| {
        Ok(buurtbeeld_analysis::picture(store, &request)?)
    })
    .await?;
    let mut rows = picture.rows.split_off(1);
    let key = |r: &buurtbeeld_analysis::PictureRow| {
        if by_rate {
            r.per_1000
        } else {
            r.count.map(|c| c as f64)
        }
    };
    // Highest first; areas without a figure last; ties by code.
    rows.sort_by(|a, b| {
        key(b)
            .partial_cmp(&key(a))
            .unwrap_or(std::cmp::Ordering::Equal)
            .then_with(|| a.code.cmp(&b.code))
    });
    let ranked: Vec<serde_json::Value> = rows
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let mut value = serde_json::to_value(row).unwrap_or_default();
            value["rank"] = (i + 1).into();
            value
        })
        .collect();
    Ok(Json(serde_json::json!({
        "area": picture.area,
        "subject": picture.subject,
        "period": picture.period,
        "measure": if by_rate { "per_1000" } else { "count" },
        "rows": ranked,
        "attribution": picture.attribution,
    }))
    .into_response())
}
