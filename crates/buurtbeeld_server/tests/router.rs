//! Router tests: every page and API endpoint through `app(state)` with `oneshot`, on a store
//! bundled real data; bad parameters give 4xx `application/problem+json` with a clear message.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use buurtbeeld_cube::Role;
use buurtbeeld_ingest::{read_file, Context, ReadOptions};
use buurtbeeld_server::{app, serve_with, AppState, Limits};
use buurtbeeld_store::Store;
use http_body_util::BodyExt;
use sha2::{Digest, Sha256};
use tower::ServiceExt;

fn data(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../data")
        .join(relative)
}

/// A new store in a temporary directory with only buurtbeeld's defaults (themes, codes).
fn store_with_defaults() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    store
        .import(&[buurtbeeld_ingest::default_batch().unwrap()], &())
        .unwrap();
    (dir, store)
}

/// One store for all tests (they only read): the demo's real data.
fn state() -> AppState {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    let dir = DIR.get_or_init(|| {
        let (dir, mut store) = store_with_defaults();
        let options = ReadOptions::default();
        for file in [
            "cbs-wijkbuurtkaart-2017-groningen/wijk2017.geojson",
            "cbs-wijkbuurtkaart-2017-groningen/buurt2017.geojson",
            "politie-47022ned-utrechtse-heuvelrug-maand/misdrijven_GM1581_2022MM12-2023MM11_coded.csv",
            "groningen-fietsdiefstallen-politie-2013-2017/fietsdiefstallen_groningen_BVH_2013-2017.csv",
            "plan/voorbeeldplan_groningen_2014_2017.toml",
            "plan/voorbeeldplan_acties_2015.toml",
            "plan/voorbeeldplan_acties_2016.toml",
            "plan/voorbeeldplan_begroting_2014_2017.csv",
            "plan/voorbeeld_interventie_stationsgebied_2015.toml",
            // A second plan, whose budget lines do not add up to its TOTAAL lines.
            "../crates/buurtbeeld/tests/fixtures/plan/nijmegen_veiligheidsplan_2022_2026.toml",
            "../crates/buurtbeeld/tests/fixtures/plan/nijmegen_begroting_2022_2026.csv",
        ] {
            let context = Context {
                known_areas: Default::default(),
                buurt_geometries: store.buurt_geometries().unwrap(),
                incident_codes: store.incident_codes().unwrap(),
                theme_ids: store.themes().unwrap().into_iter().map(|t| t.id).collect(),
                plans: store.plans().unwrap().into_iter().map(|p| (p.id.clone(), p)).collect(),
            };
            let batch = read_file(&data(file), file, &options, &context).unwrap();
            store.import(&[batch], &()).unwrap();
        }
        // One account and one session per role; the cookie of each is `session_cookie(role)`.
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        for role in Role::ACCOUNT_ROLES {
            let user = store
                .add_user(&format!("{role}@gemeente.example"), &format!("Test {role}"), role, None, "test")
                .unwrap();
            let token = session_token(role);
            let hash: [u8; 32] = Sha256::digest(token.as_bytes()).into();
            store
                .start_session(&user, &hash, &csrf_token(role), now, now + 86_400, "test")
                .unwrap();
        }
        dir
    });
    AppState::new(dir.path().to_owned())
}

fn session_token(role: Role) -> String {
    format!("test-session-of-{role}")
}

fn csrf_token(role: Role) -> String {
    format!("test-csrf-of-{role}")
}

/// A request as `role`: with that role's session cookie, none for the public.
fn request_as(role: Role, builder: axum::http::request::Builder) -> axum::http::request::Builder {
    let builder = builder.header("host", "localhost");
    match role {
        Role::Publiek => builder,
        role => builder.header(
            "cookie",
            format!("buurtbeeld_sessie={}", session_token(role)),
        ),
    }
}

/// GET as an analyst, who may read every page; [`get_as`] for another role.
async fn get(uri: &str) -> (StatusCode, String, String) {
    get_as(Role::Analist, uri).await
}

async fn get_as(role: Role, uri: &str) -> (StatusCode, String, String) {
    let response = app(state())
        .oneshot(
            request_as(role, Request::get(uri))
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let status = response.status();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, content_type, text_of(response).await)
}

/// A response's body as text.
async fn text_of(response: axum::response::Response) -> String {
    let body = response.into_body().collect().await.unwrap().to_bytes();
    String::from_utf8(body.to_vec()).unwrap()
}

async fn json(uri: &str) -> serde_json::Value {
    let (status, content_type, body) = get(uri).await;
    assert_eq!(status, StatusCode::OK, "{uri}: {body}");
    assert!(content_type.contains("json"), "{uri}: {content_type}");
    serde_json::from_str(&body).unwrap()
}

async fn problem(uri: &str, status: StatusCode, says: &str) {
    let (got, content_type, body) = get(uri).await;
    assert_eq!(got, status, "{uri}: {body}");
    assert_eq!(content_type, "application/problem+json", "{uri}");
    let problem: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(problem["status"], status.as_u16());
    let detail = problem["detail"].as_str().unwrap();
    assert!(detail.contains(says), "{uri}: {detail}");
}

#[tokio::test]
async fn areas_are_listed_by_level_and_parent() {
    let gemeenten = json("/api/v1/areas").await;
    let codes: Vec<&str> = gemeenten
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["code"].as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"GM0014") && codes.contains(&"GM1581"),
        "{codes:?}"
    );
    let wijken = json("/api/v1/areas?parent=GM0014").await;
    assert_eq!(wijken.as_array().unwrap().len(), 15);
    let buurten = json("/api/v1/areas?level=buurt&parent=WK001400").await;
    assert!(buurten
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a["level"] == "buurt"));
}

#[tokio::test]
async fn an_area_is_a_geojson_feature_with_children() {
    let (status, content_type, body) = get("/api/v1/areas/BU00140000").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(content_type, "application/geo+json");
    let feature: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(feature["type"], "Feature");
    assert_eq!(feature["properties"]["name"], "Binnenstad-Noord");
    assert_eq!(feature["geometry"]["type"], "Polygon");
    let wijk = json("/api/v1/areas/WK001400").await;
    assert!(!wijk["properties"]["children"]
        .as_array()
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn themes_categories_and_imports_are_listed() {
    let themes = json("/api/v1/themes").await;
    assert_eq!(themes[0]["id"], "totaal");
    assert_eq!(
        json("/api/v1/categories").await.as_array().unwrap().len(),
        59
    );
    let imports = json("/api/v1/imports").await;
    assert_eq!(imports.as_array().unwrap().len(), 12);
}

#[tokio::test]
async fn the_picture_answers_as_the_cli_does() {
    let picture = json("/api/v1/picture?area=GM0014&theme=fietsdiefstal&year=2015").await;
    assert_eq!(picture["rows"][0]["count"], 3572);
    assert_eq!(picture["rows"][0]["previous_count"], 3373);
    assert_eq!(picture["source"], "BVH");
    let month = json("/api/v1/picture?area=GM1581&category=1.1.1&year=2023&month=2023-11").await;
    assert_eq!(month["period"], "2023-11");
}

#[tokio::test]
async fn bad_parameters_are_problems_that_say_what_was_expected() {
    use StatusCode as S;
    problem(
        "/api/v1/picture?theme=totaal&year=2023",
        S::BAD_REQUEST,
        "'area' is verplicht",
    )
    .await;
    // Without theme or category the picture is of all crime (theme totaal); GM0014's figures
    // (BVH) do not reach 2023, which is a picture that does not exist.
    problem(
        "/api/v1/picture?area=GM0014&year=2023",
        S::NOT_FOUND,
        "de bron beslaat",
    )
    .await;
    problem(
        "/api/v1/picture?area=GM0014&theme=totaal",
        S::BAD_REQUEST,
        "'year' is verplicht",
    )
    .await;
    problem(
        "/api/v1/picture?area=GM0014&theme=totaal&year=twenty",
        S::BAD_REQUEST,
        "is geen jaar",
    )
    .await;
    problem(
        "/api/v1/picture?area=GM0014&theme=fietsdiefstal&year=2015&month=2015-13",
        S::BAD_REQUEST,
        "geen maand van 2015",
    )
    .await;
    problem(
        "/api/v1/picture?area=XX1&theme=totaal&year=2023",
        S::BAD_REQUEST,
        "geen CBS-gebiedscode",
    )
    .await;
    problem(
        "/api/v1/picture?area=GM9999&theme=totaal&year=2023",
        S::NOT_FOUND,
        "onbekend gebied GM9999",
    )
    .await;
    problem(
        "/api/v1/picture?area=GM0014&theme=nope&year=2015",
        S::NOT_FOUND,
        "onbekend thema 'nope'",
    )
    .await;
    problem(
        "/api/v1/picture?area=GM1581&theme=totaal&year=1999",
        S::NOT_FOUND,
        "december 2022 t/m november 2023",
    )
    .await;
    problem(
        "/api/v1/areas?level=provincie",
        S::BAD_REQUEST,
        "verwacht land, gemeente, wijk of buurt",
    )
    .await;
    problem(
        "/api/v1/areas/BU99999999",
        S::NOT_FOUND,
        "onbekend gebied BU99999999",
    )
    .await;
    // A multi-byte letter in a code dropped the connection before (#16).
    problem(
        "/api/v1/areas/WK001%C3%A91",
        S::BAD_REQUEST,
        "geen CBS-gebiedscode",
    )
    .await;
    problem(
        "/api/v1/picture?area=WK001%C3%A91&theme=totaal&year=2023",
        S::BAD_REQUEST,
        "geen CBS-gebiedscode",
    )
    .await;
    problem("/api/v1/nothing-here", S::NOT_FOUND, "bestaat niet").await;
}

#[tokio::test]
async fn the_openapi_document_describes_every_route() {
    let doc = json("/api/v1/openapi.json").await;
    assert_eq!(doc["openapi"], "3.0.3");
    for path in [
        "/areas",
        "/areas/{code}",
        "/themes",
        "/categories",
        "/picture",
        "/imports",
        "/hotspots",
        "/forecasts",
        "/backtests",
        "/plans",
        "/plans/{id}",
        "/interventions",
        "/interventions/{id}/effect",
        "/openapi.json",
    ] {
        assert!(
            doc["paths"].get(path).is_some(),
            "{path} missing from the OpenAPI document"
        );
    }
}

async fn page(uri: &str) -> String {
    let (status, content_type, body) = get(uri).await;
    assert_eq!(status, StatusCode::OK, "{uri}: {body}");
    assert!(
        content_type.starts_with("text/html"),
        "{uri}: {content_type}"
    );
    assert!(body.contains("<html lang=\"nl\">"), "{uri}");
    body
}

#[tokio::test]
async fn the_overview_shows_tiles_map_and_table_on_first_visit() {
    let html = page("/").await;
    for expected in [
        "Veiligheidsbeeld Groningen",
        "Fietsdiefstal",
        "3.572",
        "+5,9% t.o.v. vorig jaar",
        "<svg",
        "role=\"group\"",
        "aria-labelledby=",
        "<caption>Fietsdiefstal per buurt, 2015 vergeleken met 2014 (bron BVH)</caption>",
        "Binnenstad-Zuid",
    ] {
        assert!(html.contains(expected), "overview lacks {expected:?}");
    }
    let per_1000 = page("/?gemeente=GM0014&thema=fietsdiefstal&jaar=2014&maat=per1000").await;
    assert!(per_1000.contains("Per 1.000 inwoners"));
    // A gemeente without boundaries still gets its figures, as a table.
    let uh = page("/?gemeente=GM1581").await;
    assert!(
        uh.contains("Veiligheidsbeeld Utrechtse Heuvelrug") && uh.contains("geen buurtgrenzen")
    );
}

#[tokio::test]
async fn a_store_with_police_figures_alone_opens_on_a_chart_and_says_what_is_missing() {
    let (dir, mut store) = store_with_defaults();
    let file =
        "politie-47022ned-utrechtse-heuvelrug-maand/misdrijven_GM1581_2022MM12-2023MM11_coded.csv";
    let context = buurtbeeld_analysis::import_context(&store).unwrap();
    let batch = read_file(&data(file), file, &ReadOptions::default(), &context).unwrap();
    store.import(&[batch], &()).unwrap();
    drop(store);
    // As `buurtbeeld serve` on this machine before any account exists.
    let mut state = AppState::new(dir.path().to_owned());
    state.loopback = true;
    let response = app(state)
        .oneshot(
            Request::get("/")
                .header("host", "localhost")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let status = response.status();
    let html = text_of(response).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    for expected in [
        "Veiligheidsbeeld Utrechtse Heuvelrug",
        "Totaal misdrijven per maand in Utrechtse Heuvelrug, december 2022 t/m november 2023",
        "<figure class=\"chart\"><svg",
        "Tabellen: 47022NED.",
        "Buurtgrenzen (CBS wijk- en buurtkaart)",
        "Inwonertallen per buurt",
    ] {
        assert!(html.contains(expected), "overview lacks {expected:?}");
    }
    // Without inhabitants or an earlier year the buurt table has no empty rate or change columns.
    assert!(!html.contains(">Per 1.000<") && !html.contains(">Verschil<"));
}

/// The buurten of Groningen in 2014 with inhabitants, but fewer than the minimum for a rate.
async fn small_buurten_2014() -> Vec<(String, String)> {
    let picture =
        json("/api/v1/picture?area=GM0014&theme=fietsdiefstal&year=2014&level=buurt").await;
    let small: Vec<(String, String)> = picture["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["too_few_inhabitants"] == true)
        .map(|r| {
            assert!(r["population"].as_u64().unwrap() < 100, "{r}");
            assert!(
                r["per_1000"].is_null() && r["smoothed_per_1000"].is_null(),
                "{r}"
            );
            (
                r["code"].as_str().unwrap().to_owned(),
                r["name"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(
        small.iter().any(|(_, name)| name == "Zernike Campus"),
        "{small:?}"
    );
    small
}

/// The title (tooltip) of an area on a map: what the map says about it.
fn map_title<'h>(html: &'h str, name: &str, code: &str) -> &'h str {
    let start = html
        .find(&format!("<title>{name} ({code}): "))
        .unwrap_or_else(|| panic!("no map area {name} ({code})"));
    let end = start + html[start..].find("</title>").unwrap();
    &html[start..end]
}

#[tokio::test]
async fn rate_maps_put_no_small_buurt_in_a_class() {
    let small = small_buurten_2014().await;
    let dashboard = page("/?gemeente=GM0014&thema=fietsdiefstal&jaar=2014&maat=per1000").await;
    assert!(dashboard.contains("Per 1.000 inwoners, empirisch-Bayes gladgestreken"));
    // The legend row, wrapped onto two lines to fit the legend.
    assert!(dashboard.contains(">Geen cijfer: minder dan</text>"));
    assert!(dashboard.contains(">100 inwoners</text>"));
    assert!(dashboard.contains("Minder dan 100 inwoners: geen cijfer per 1.000"));
    for (code, name) in &small {
        let title = map_title(&dashboard, name, code);
        assert!(
            title.ends_with("geen cijfer: minder dan 100 inwoners"),
            "{title}"
        );
    }
    // No legend range is stretched by a tiny population ("22,2 – 2.200,0" before).
    assert!(
        !dashboard.contains("2.200"),
        "a class reaches 2.200 per 1.000"
    );

    // The same measure is the default, on the dashboard and in the documents.
    let default = page("/?gemeente=GM0014&thema=fietsdiefstal&jaar=2014").await;
    assert!(default.contains("Per 1.000 inwoners, empirisch-Bayes gladgestreken"));
    let counts = page("/?gemeente=GM0014&thema=fietsdiefstal&jaar=2014&maat=aantal").await;
    assert!(!counts.contains("empirisch-Bayes") && counts.contains(">Aantal</text>"));

    // The wijkprofiel of the campus's wijk draws it the same way.
    let (code, name) = small.iter().find(|(_, n)| n == "Zernike Campus").unwrap();
    let wijk = format!("WK{}", &code[2..8]);
    let (status, _, profile) = get(&format!(
        "/documenten/wijkprofiel.html?gebied={wijk}&jaar=2014"
    ))
    .await;
    assert_eq!(status, StatusCode::OK, "{profile}");
    assert!(
        profile.contains("per 1.000 inwoners, empirisch-Bayes gladgestreken"),
        "caption"
    );
    let title = map_title(&profile, name, code);
    assert!(
        title.ends_with("geen cijfer: minder dan 100 inwoners"),
        "{title}"
    );
}

#[tokio::test]
async fn the_data_page_lists_every_import_with_attribution() {
    let html = page("/gegevens").await;
    for expected in [
        "Importlogboek",
        "47022NED",
        "BVH",
        "CBS Wijk- en buurtkaart",
        "afgeschermd",
        "Bron: CBS/Politie",
    ] {
        assert!(html.contains(expected), "data page lacks {expected:?}");
    }
}

#[tokio::test]
async fn page_errors_are_dutch_html_pages_with_the_right_status() {
    for (uri, status, says) in [
        (
            "/?gemeente=XX",
            StatusCode::BAD_REQUEST,
            "is geen CBS-gebiedscode",
        ),
        (
            "/?gemeente=GM0014&thema=nope",
            StatusCode::NOT_FOUND,
            "onbekend thema",
        ),
        (
            "/?gemeente=GM0014&thema=fietsdiefstal&jaar=1990",
            StatusCode::NOT_FOUND,
            "de bron beslaat",
        ),
    ] {
        let (got, content_type, body) = get(uri).await;
        assert_eq!(got, status, "{uri}");
        assert!(content_type.starts_with("text/html"), "{uri}");
        assert!(
            body.contains(says) && body.contains("Terug naar het overzicht"),
            "{uri}: {body}"
        );
    }
}

#[tokio::test]
async fn the_theme_page_shows_the_trend_years_and_ranked_buurten() {
    let html = page("/thema/fietsdiefstal?gemeente=GM0014").await;
    for expected in [
        "Fietsdiefstal in Groningen",
        "2015: <strong>3.572</strong>",
        "Gemiddelde over 12 maanden",
        "<caption>Fietsdiefstal in Groningen per jaar (bron BVH)</caption>",
        "-8,6%",
        "href=\"/gebied/BU00140001?jaar=2015\"",
    ] {
        assert!(html.contains(expected), "theme page lacks {expected:?}");
    }
}

#[tokio::test]
async fn the_area_page_compares_themes_with_the_gemeente_and_lists_children() {
    let wijk = page("/gebied/WK001400?jaar=2015").await;
    for expected in [
        "Centrum",
        "Gemeente per 1.000",
        "Fietsdiefstal",
        "Onderdelen",
        "/gebied/BU00140000",
    ] {
        assert!(wijk.contains(expected), "area page lacks {expected:?}");
    }
    // Breadcrumbs name the areas above; a locator map shows where the area lies.
    let buurt = page("/gebied/BU00140105").await;
    for expected in [
        "<a href=\"/gebied/GM0014\">Groningen</a> › <a href=\"/gebied/WK001401\">Oud-Zuid</a> › Badstratenbuurt",
        "<title id=\"bb-classmap-",
        "Ligging van Badstratenbuurt in Groningen</title>",
        "Badstratenbuurt (BU00140105): Badstratenbuurt",
    ] {
        assert!(buurt.contains(expected), "buurt page lacks {expected:?}");
    }
    assert!(wijk.contains("Ligging van Centrum in Groningen"));
    let gemeente = page("/gebied/GM1581").await;
    assert!(
        gemeente.contains("Alle thema's, januari–november 2023"),
        "the latest year with data is shown, named by its months while incomplete"
    );
    let (status, _, body) = get("/gebied/BU99999999").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
}

#[tokio::test]
async fn exports_give_what_the_page_shows_as_csv_and_geojson() {
    let base = "/api/v1/picture?area=GM0014&theme=fietsdiefstal&year=2015&level=buurt";
    let (status, content_type, csv) = get(&format!("{base}&format=csv")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(content_type.starts_with("text/csv"));
    assert!(csv.starts_with("\u{feff}code;naam;niveau;aantal;"), "{csv}");
    assert_eq!(csv.lines().filter(|l| l.starts_with("BU0014")).count(), 108);
    assert!(
        csv.contains("BU00140001;Binnenstad-Zuid;buurt;542;6600;82,121"),
        "{csv}"
    );
    let (_, _, points) = get(&format!("{base}&format=csv&decimal=point")).await;
    assert!(points.contains(";82.121;"), "{points}");
    let (status, content_type, geojson) = get(&format!("{base}&format=geojson")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(content_type, "application/geo+json");
    let collection: serde_json::Value = serde_json::from_str(&geojson).unwrap();
    assert_eq!(collection["features"].as_array().unwrap().len(), 108);
    assert_eq!(collection["features"][0]["properties"]["count"], 542);
    problem(
        &format!("{base}&format=xlsx"),
        StatusCode::BAD_REQUEST,
        "verwacht json, csv of geojson",
    )
    .await;
    problem(
        &format!("{base}&decimal=dot"),
        StatusCode::BAD_REQUEST,
        "verwacht comma of point",
    )
    .await;
}

#[tokio::test]
async fn responses_carry_an_etag_and_revalidate() {
    let response = app(state())
        .oneshot(Request::get("/api/v1/themes").body(Body::empty()).unwrap())
        .await
        .unwrap();
    let tag = response.headers().get("etag").expect("an ETag").clone();
    assert_eq!(response.headers().get("api-version").unwrap(), "1.0.0");
    assert_eq!(response.headers().get("cache-control").unwrap(), "no-cache");
    let again = app(state())
        .oneshot(
            Request::get("/api/v1/themes")
                .header("if-none-match", tag)
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
}

#[tokio::test]
async fn series_and_rankings_answer_for_a_theme() {
    let series = json("/api/v1/series?area=GM0014&theme=fietsdiefstal").await;
    let points = series["points"].as_array().unwrap();
    assert_eq!(points.len(), 42, "2013-01 to 2016-06");
    assert_eq!(points[0]["period"], "2013-01");
    let ranked = json(
        "/api/v1/rankings?area=GM0014&theme=fietsdiefstal&year=2015&level=buurt&measure=per_1000",
    )
    .await;
    let rows = ranked["rows"].as_array().unwrap();
    assert_eq!(rows[0]["rank"], 1);
    // A campus with 5 inhabitants has no rate (minimum 100): it no longer tops the ranking,
    // it comes last with the buurten without a figure.
    assert_ne!(rows[0]["name"], "Zernike Campus", "highest rate per 1.000");
    let campus = rows.iter().find(|r| r["name"] == "Zernike Campus").unwrap();
    assert!(campus["per_1000"].is_null() && campus["too_few_inhabitants"] == true);
    let everyone = json(
        "/api/v1/rankings?area=GM0014&theme=fietsdiefstal&year=2015&level=buurt&measure=per_1000&min_population=1",
    )
    .await;
    assert_eq!(
        everyone["rows"][0]["name"], "Zernike Campus",
        "with min_population=1"
    );
    problem(
        "/api/v1/picture?area=GM0014&theme=fietsdiefstal&year=2015&min_population=0",
        StatusCode::BAD_REQUEST,
        "min_population 0 valt buiten het bereik",
    )
    .await;
    assert!(rows
        .windows(2)
        .all(|w| w[0]["per_1000"].as_f64().unwrap_or(-1.0)
            >= w[1]["per_1000"].as_f64().unwrap_or(-1.0)));
    problem(
        "/api/v1/rankings?area=GM0014&theme=fietsdiefstal&year=2015&measure=x",
        StatusCode::BAD_REQUEST,
        "verwacht count of per_1000",
    )
    .await;
    problem(
        "/api/v1/series?theme=fietsdiefstal",
        StatusCode::BAD_REQUEST,
        "'area' is verplicht",
    )
    .await;
}

#[tokio::test]
async fn hotspots_answer_with_verdicts_explanations_and_exports() {
    let result = json("/api/v1/hotspots?area=GM0014&theme=fietsdiefstal&period=2015").await;
    assert_eq!(result["weights"], "queen");
    assert_eq!(result["correction"], "benjamini-hochberg");
    let rows = result["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 108);
    assert_eq!(rows[0]["class"], "hot", "flagged areas come first");
    assert!(rows[0]["explanation"]
        .as_str()
        .unwrap()
        .starts_with("Zelf hoog"));
    assert!(rows[0]["evidence"].as_str().unwrap().contains("Gi* z ="));
    let (status, content_type, csv) = get(
        "/api/v1/hotspots?area=GM0014&theme=fietsdiefstal&period=2015-06&format=csv&decimal=point",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(content_type.starts_with("text/csv"));
    assert!(csv
        .lines()
        .nth(1)
        .unwrap()
        .split(';')
        .nth(2)
        .unwrap()
        .contains('.'));
    let (_, content_type, geojson) =
        get("/api/v1/hotspots?area=GM0014&theme=fietsdiefstal&period=2015&format=geojson").await;
    assert_eq!(content_type, "application/geo+json");
    let collection: serde_json::Value = serde_json::from_str(&geojson).unwrap();
    assert_eq!(collection["features"].as_array().unwrap().len(), 108);
    for (uri, says) in [
        (
            "/api/v1/hotspots?theme=fietsdiefstal&period=2015",
            "parameter 'area' is verplicht",
        ),
        (
            "/api/v1/hotspots?area=GM0014&theme=fietsdiefstal",
            "parameter 'period' is verplicht",
        ),
        (
            "/api/v1/hotspots?area=GM0014&theme=fietsdiefstal&period=2015&weights=king",
            "geen burenregel",
        ),
        (
            "/api/v1/hotspots?area=GM0014&theme=fietsdiefstal&period=2015&permutations=1000000",
            "valt buiten het bereik",
        ),
        (
            "/api/v1/hotspots?area=GM0014&theme=fietsdiefstal&period=2015&alpha=2",
            "tussen 0 en 1",
        ),
    ] {
        problem(uri, StatusCode::BAD_REQUEST, says).await;
    }
}

#[tokio::test]
async fn the_action_page_maps_hotspots_and_explains_each_flag() {
    let body = page("/actie").await;
    for expected in [
        "Waar is actie nodig? Groningen",
        "Kaart van hotspots en coldspots",
        "Opvallende buurten",
        "Binnenstad-Noord",
        "Hoe is dit berekend?",
        "aria-current=\"page\"",
        // A hot spot because of its neighbours, said in words; the statistic on request.
        "Ligt tussen buren met hoge aantallen (gemiddeld 124,4); zelf laag (15,",
        "<summary>De toetsgrootheden achter elke uitkomst</summary>",
    ] {
        assert!(body.contains(expected), "missing {expected:?}");
    }
    // No column that no flagged area fills (the demo's years give no spike history).
    assert!(!body.contains(">Verwacht<"));
    let wijken = page("/actie?niveau=wijk&maat=per1000&buren=knn:6&jaar=2016&maand=3").await;
    assert!(wijken.contains("wijken"));
    let (status, _, body) = get("/actie?gemeente=GM1581").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body.contains("zijn geen grenzen van de buurten geïmporteerd"),
        "{body}"
    );
}

#[tokio::test]
async fn forecasts_and_backtests_answer_with_intervals_and_scores() {
    let result =
        json("/api/v1/forecasts?area=GM0014&theme=fietsdiefstal&from=2016-01&horizon=6").await;
    let rows = result["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 6);
    assert_eq!(rows[0]["month"], "2016-01");
    assert_eq!(
        rows[0]["actual"], 279,
        "months already in the store carry what happened"
    );
    let (_, content_type, csv) =
        get("/api/v1/forecasts?area=GM0014&theme=fietsdiefstal&from=2016-07&horizon=3&format=csv")
            .await;
    assert!(content_type.starts_with("text/csv"));
    assert!(csv.starts_with("\u{feff}code;naam;maand;verwachting;"));
    let scores = json("/api/v1/backtests?area=GM0014&theme=fietsdiefstal&from=2016-07").await;
    assert_eq!(scores["methods"].as_array().unwrap().len(), 9);
    for (uri, says) in [
        (
            "/api/v1/forecasts?area=GM0014&theme=fietsdiefstal",
            "parameter 'from' is verplicht",
        ),
        (
            "/api/v1/forecasts?area=GM0014&theme=fietsdiefstal&from=2016",
            "geen maand",
        ),
        (
            "/api/v1/forecasts?area=GM0014&theme=fietsdiefstal&from=2016-07&horizon=24",
            "valt buiten het bereik",
        ),
        (
            "/api/v1/forecasts?area=GM0014&theme=fietsdiefstal&from=2016-07&method=oracle",
            "onbekende methode",
        ),
    ] {
        problem(uri, StatusCode::BAD_REQUEST, says).await;
    }
}

#[tokio::test]
async fn the_outlook_page_shows_the_band_the_backtest_and_the_busiest_buurten() {
    let body = page("/vooruitblik").await;
    for expected in [
        "Vooruitblik Groningen",
        "bb-band",
        "Hoe goed voorspelt elke methode hier?",
        "(gekozen)",
        "Buurten met de hoogste verwachting",
        "Binnenstad-Zuid",
    ] {
        assert!(body.contains(expected), "missing {expected:?}");
    }
    let buurt = page("/vooruitblik?gebied=BU00140000").await;
    assert!(buurt.contains("Vooruitblik Binnenstad-Noord"));
    let (status, _, body) = get("/vooruitblik?gemeente=GM1581&thema=totaal").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body.contains("een vooruitblik vraagt er minstens 24"),
        "{body}"
    );
}

#[tokio::test]
async fn the_plan_pages_show_goals_actions_and_budget() {
    let html = page("/plan?plan=voorbeeldplan-groningen-2014-2017").await;
    for expected in [
        "Voorbeeldplan veiligheid Groningen 2014-2017 (fictief)",
        "Doelen en voortgang",
        "3.572 (2015)",
        "niet op koers",
        "<td class=\"tone-bad\">niet behaald</td>",
        "<td class=\"tone-caution\">niet op koers</td>",
        "BBV-indicatoren taakveld Veiligheid",
        "/documenten/veiligheidsbrief.pdf?plan=voorbeeldplan-groningen-2014-2017&amp;jaar=2015",
        "Veiligheidsplan 2022-2026",
    ] {
        assert!(html.contains(expected), "/plan lacks {expected:?}");
    }
    let actions = page("/plan/acties?plan=voorbeeldplan-groningen-2014-2017&jaar=2015").await;
    assert!(actions.contains("Wat wilden we doen en wat hebben we gedaan: 11 actiepunten"));
    assert!(actions.contains("<th scope=\"col\">Wat hebben we gedaan</th>"));
    let budget = page("/plan/begroting?plan=veiligheidsplan-nijmegen-2022-2026&jaar=2022").await;
    assert!(
        budget.contains("tellen de regels in de kolom begroot op tot 6.706, terwijl de TOTAAL-regel van de bron 16.848 vermeldt"),
        "{budget}"
    );
    // An unknown year falls back to the latest; an unknown plan is a Dutch 404 page.
    let latest = page("/plan/begroting?plan=veiligheidsplan-nijmegen-2022-2026&jaar=1990").await;
    assert!(latest.contains("<h1>Begroting 2026</h1>"));
    let api = json("/api/v1/plans/voorbeeldplan-groningen-2014-2017").await;
    // The first goal's target year 2015 is measured: missed, not "off track".
    assert_eq!(api["kpis"][0]["status"], "not_achieved");
    assert_eq!(api["kpis"][1]["status"], "off_track");
    assert_eq!(json("/api/v1/plans").await.as_array().unwrap().len(), 2);
    problem(
        "/api/v1/plans/bestaat-niet",
        StatusCode::NOT_FOUND,
        "bestaat-niet",
    )
    .await;
    let (status, _, body) = get("/plan?plan=bestaat-niet").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("bestaat-niet"));
}

#[tokio::test]
async fn the_veiligheidsbrief_downloads_as_pdf_and_html() {
    let uri = "/documenten/veiligheidsbrief.pdf?plan=voorbeeldplan-groningen-2014-2017";
    let response = app(state())
        .oneshot(
            request_as(Role::Lezer, Request::get(uri))
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    assert_eq!(
        response.headers()["content-disposition"],
        "inline; filename=\"veiligheidsbrief-2015.pdf\"; \
         filename*=UTF-8''veiligheidsbrief-2015.pdf"
    );
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    assert!(bytes.starts_with(b"%PDF-"));

    let (status, content_type, html) =
        get("/documenten/veiligheidsbrief.html?plan=voorbeeldplan-groningen-2014-2017&jaar=2015")
            .await;
    assert_eq!(status, StatusCode::OK);
    assert!(content_type.starts_with("text/html"));
    assert!(
        html.contains("<h2 id=\"h5\">5 Verantwoording actiepunten 2015</h2>"),
        "{html}"
    );
    problem(
        "/documenten/iets-anders.pdf",
        StatusCode::NOT_FOUND,
        "iets-anders.pdf",
    )
    .await;
}

/// The first SVG after `marker` in a page.
fn chart_after<'h>(html: &'h str, marker: &str) -> &'h str {
    let from = html.find(marker).unwrap();
    let svg = from + html[from..].find("<svg").unwrap();
    &html[svg..svg + html[svg..].find("</svg>").unwrap()]
}

#[tokio::test]
async fn interventions_are_listed_and_measured_on_their_page_and_in_the_api() {
    let list = page("/interventies").await;
    assert!(list.contains("/interventie/lokfietsen-stationsgebied-2015"));
    assert!(list.contains("verschil-in-verschillen"));
    let html = page("/interventie/lokfietsen-stationsgebied-2015").await;
    for expected in [
        "Lokfietsen en graveeracties Stationsgebied (fictief)",
        "voor/na (seizoensbasislijn)",
        "verschil-in-verschillen",
        "synthetische controle",
        "Geregistreerd en verwacht zonder interventie",
        "<svg",
        "maart 2015 (start)",
        "uren lokfietsinzet",
        "Verplaatsing of uitstraling",
        "Aangrenzende gebieden (nooit vergelijkingsgebied)",
    ] {
        assert!(
            html.contains(expected),
            "the intervention page lacks {expected:?}"
        );
    }
    // One counterfactual per chart (the verdict's), the intervention's months shaded; the
    // others one link away.
    let chart = chart_after(&html, "id=\"verloop\"");
    assert!(
        chart.contains("(verschil-in-verschillen)</title>") && chart.contains("class=\"bb-span\"")
    );
    assert_eq!(chart.matches("class=\"bb-line\"").count(), 2, "{chart}");
    assert!(html.contains("?vergelijking=synth#verloop"));
    let synth = page("/interventie/lokfietsen-stationsgebied-2015?vergelijking=synth").await;
    assert!(chart_after(&synth, "id=\"verloop\"").contains("(synthetische controle)</title>"));
    let report =
        json("/api/v1/interventions/lokfietsen-stationsgebied-2015/effect?method=did").await;
    assert_eq!(report["estimates"].as_array().unwrap().len(), 1);
    assert_eq!(report["estimates"][0]["method"], "did");
    assert!(report["displacement"].is_null(), "only what was asked for");
    let report =
        json("/api/v1/interventions/lokfietsen-stationsgebied-2015/effect?method=displacement")
            .await;
    assert_eq!(report["displacement"]["estimate"]["method"], "displacement");
    assert_eq!(
        json("/api/v1/interventions")
            .await
            .as_array()
            .unwrap()
            .len(),
        1
    );
    problem(
        "/api/v1/interventions/lokfietsen-stationsgebied-2015/effect?method=raden",
        StatusCode::BAD_REQUEST,
        "verwacht all, before-after, did, synth of displacement",
    )
    .await;
    problem(
        "/api/v1/interventions/bestaat-niet/effect",
        StatusCode::NOT_FOUND,
        "bestaat-niet",
    )
    .await;
    let (status, _, _) = get("/interventie/bestaat-niet").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// Every page, every API endpoint (with the OpenAPI document's examples), a 404, a 400 and a
/// 304: each answer carries the security headers, and the policy allows no script.
#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let doc = json("/api/v1/openapi.json").await;
    let mut uris: Vec<String> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(path, item)| {
            let mut path = format!("/api/v1{path}");
            let mut query = Vec::new();
            for parameter in item["get"]["parameters"].as_array().into_iter().flatten() {
                let example = parameter["example"].as_str().unwrap_or("x");
                let name = parameter["name"].as_str().unwrap();
                if parameter["in"] == "path" {
                    path = path.replace(&format!("{{{name}}}"), example);
                } else if parameter["required"] == true {
                    query.push(format!("{name}={example}"));
                }
            }
            format!("{path}?{}", query.join("&"))
        })
        .collect();
    uris.extend(
        [
            "/",
            "/gegevens",
            "/thema/fietsdiefstal",
            "/gebied/GM0014",
            "/actie",
            "/vooruitblik",
            "/plan",
            "/plan/acties",
            "/plan/begroting",
            "/interventies",
            "/interventie/stationsgebied-2015",
            "/documenten/veiligheidsbrief.html",
            "/bestaat-niet",
            "/api/v1/picture?area=GM0014",
            "/actie?jaar=veel",
        ]
        .map(str::to_owned),
    );
    let state = state();
    for uri in &uris {
        let response = app(state.clone())
            .oneshot(Request::get(uri.as_str()).body(Body::empty()).unwrap())
            .await
            .unwrap();
        let headers = response.headers();
        let policy = headers
            .get("content-security-policy")
            .unwrap_or_else(|| panic!("{uri}: no Content-Security-Policy"))
            .to_str()
            .unwrap();
        assert!(
            policy.starts_with("default-src 'none'; style-src 'sha256-"),
            "{uri}: {policy}"
        );
        assert!(policy.contains("frame-ancestors 'none'"), "{uri}: {policy}");
        assert!(!policy.contains("script"), "{uri}: {policy}");
        assert_eq!(headers["x-content-type-options"], "nosniff", "{uri}");
        assert_eq!(
            headers["referrer-policy"], "strict-origin-when-cross-origin",
            "{uri}"
        );
        assert_eq!(headers["x-frame-options"], "DENY", "{uri}");
    }
    let themes = app(state.clone())
        .oneshot(Request::get("/api/v1/themes").body(Body::empty()).unwrap())
        .await
        .unwrap();
    let tag = themes.headers()["etag"].clone();
    let not_modified = app(state)
        .oneshot(
            Request::get("/api/v1/themes")
                .header("if-none-match", tag)
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(not_modified.status(), StatusCode::NOT_MODIFIED);
    assert!(not_modified
        .headers()
        .contains_key("content-security-policy"));
}

/// The page's own stylesheet is allowed by its hash, so the CSP does not strip the dashboard's
/// layout; a changed style.css changes the hash with it.
#[tokio::test]
async fn the_policy_allows_exactly_the_stylesheets_buurtbeeld_writes() {
    let response = app(state())
        .oneshot(
            request_as(Role::Analist, Request::get("/"))
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let policy = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    let html = text_of(response).await;
    let mut styles = 0;
    for block in html.split("<style>").skip(1) {
        let css = block.split("</style>").next().unwrap();
        use base64::prelude::{Engine as _, BASE64_STANDARD};
        use sha2::Digest;
        let hash = BASE64_STANDARD.encode(sha2::Sha256::digest(css.as_bytes()));
        assert!(
            policy.contains(&format!("'sha256-{hash}'")),
            "a <style> the policy blocks"
        );
        styles += 1;
    }
    assert!(styles >= 2, "the page style and the map style");
}

/// axum's own rejection of a malformed or repeated parameter was text/plain (#16).
#[tokio::test]
async fn a_malformed_or_repeated_parameter_is_a_problem_not_plain_text() {
    problem(
        "/api/v1/hotspots?area=GM0014&theme=fietsdiefstal&year=2015&permutations=veel",
        StatusCode::BAD_REQUEST,
        "permutations",
    )
    .await;
    problem(
        "/api/v1/interventions/stationsgebied-2015/effect?method=null&method=null",
        StatusCode::BAD_REQUEST,
        "niet te lezen",
    )
    .await;
    let (status, content_type, body) = get("/actie?jaar=veel").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(content_type.starts_with("text/html"), "{content_type}");
    assert!(body.contains("niet te lezen"), "{body}");
}

/// The import log and the plan's history name files, not the server's directories, and not who
/// imported: nobody signs in yet, so every visitor is the public.
#[tokio::test]
async fn the_public_sees_file_names_not_server_paths_or_importers() {
    let imports = json("/api/v1/imports").await;
    for entry in imports.as_array().unwrap() {
        let file = entry["file"].as_str().unwrap();
        assert!(!file.contains('/') && !file.contains('\\'), "{file}");
        assert!(!entry["summary"].as_str().unwrap().contains('/'), "{entry}");
        assert!(entry.get("imported_by").is_none(), "{entry}");
    }
    let plan = json("/api/v1/plans/voorbeeldplan-groningen-2014-2017").await;
    for version in plan["history"].as_array().unwrap() {
        assert!(
            !version["file"].as_str().unwrap().contains('/'),
            "{version}"
        );
        assert!(version.get("imported_by").is_none(), "{version}");
    }
    assert!(!page("/gegevens").await.contains("/data/"));
}

/// A repeated request is answered from memory, and the first request after an import's commit
/// shows the new data.
#[tokio::test]
async fn answers_are_kept_until_an_import_commits() {
    let (dir, mut store) = store_with_defaults();
    let state = AppState::new(dir.path().to_owned());
    // The public's answers are the ones kept and tagged (a signed-in page carries its session).
    let imports = |state: AppState| async move {
        let response = app(state)
            .oneshot(
                Request::get("/api/v1/areas?level=wijk")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        let tag = response.headers()["etag"].clone();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        let list: serde_json::Value = serde_json::from_slice(&body).unwrap();
        (tag, list.as_array().unwrap().len())
    };
    let (first_tag, before) = imports(state.clone()).await;
    let (second_tag, again) = imports(state.clone()).await;
    assert_eq!((second_tag.clone(), again), (first_tag, before));

    let file = "cbs-wijkbuurtkaart-2017-groningen/wijk2017.geojson";
    let batch = read_file(
        &data(file),
        file,
        &ReadOptions::default(),
        &Context::default(),
    )
    .unwrap();
    store.import(&[batch], &()).unwrap();
    let (third_tag, after) = imports(state).await;
    assert!(after > before, "{before} → {after} wijken");
    assert_ne!(third_tag, second_tag);
}

/// A slowloris client trickles its request headers to hold a connection open; it is cut off
/// once the header-read timeout passes (10 s by default; 1 s here to keep the test short).
#[tokio::test]
async fn a_client_that_trickles_its_headers_is_disconnected() {
    use std::time::{Duration, Instant};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    assert!(Limits::default().header_read_timeout <= Duration::from_secs(30));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let limits = Limits {
        header_read_timeout: Duration::from_secs(1),
        ..Limits::default()
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve_with(listener, state(), limits, async {
        let _ = stopped.await;
    }));

    let started = Instant::now();
    let mut client = tokio::net::TcpStream::connect(address).await.unwrap();
    client
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let mut closed = false;
    while started.elapsed() < Duration::from_secs(10) {
        tokio::time::sleep(Duration::from_millis(200)).await;
        if client.write_all(b"X-a: b\r\n").await.is_err() {
            closed = true;
            break;
        }
        let mut buffer = [0u8; 512];
        let read = tokio::time::timeout(Duration::from_millis(10), client.read(&mut buffer));
        if let Ok(Ok(0) | Err(_)) = read.await {
            closed = true;
            break;
        }
    }
    assert!(closed, "still open after {:?}", started.elapsed());
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );

    // A well-behaved client is still served, and the server stops when told.
    let mut client = tokio::net::TcpStream::connect(address).await.unwrap();
    client
        .write_all(b"GET /api/v1/themes HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut answer = String::new();
    client.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
}

/// The OpenAPI document cannot say "theme or category, not both", so both are answered: the
/// category, if the theme counts it (schemathesis found the old 400 a broken contract, #16).
#[tokio::test]
async fn theme_and_category_together_answer_for_the_category_of_that_theme() {
    let default = json("/api/v1/picture?area=GM1581&year=2023").await;
    assert_eq!(default["subject"], "totaal");
    let both =
        json("/api/v1/picture?area=GM0014&theme=fietsdiefstal&category=1.2.3&year=2015").await;
    let alone = json("/api/v1/picture?area=GM0014&category=1.2.3&year=2015").await;
    assert_eq!(both, alone);
    problem(
        "/api/v1/picture?area=GM0014&theme=fietsdiefstal&category=1.1.1&year=2015",
        StatusCode::NOT_FOUND,
        "categorie 1.1.1 hoort niet bij thema 'fietsdiefstal' (dat telt 1.2.3)",
    )
    .await;
}

/// What cannot be answered for lack of data is a resource that does not exist (404): the
/// OpenAPI document allows these requests, so they are not malformed (400).
#[tokio::test]
async fn missing_data_is_not_found_not_a_bad_request() {
    for (uri, says) in [
        (
            "/api/v1/hotspots?area=GM1581&theme=totaal&period=2023",
            "geen grenzen",
        ),
        (
            "/api/v1/hotspots?area=GM0014&level=gemeente&theme=fietsdiefstal&period=2015",
            "GM0014 is zelf een gemeente",
        ),
        (
            "/api/v1/forecasts?area=GM0014&theme=fietsdiefstal&from=2014-06",
            "minstens 24",
        ),
        (
            "/api/v1/picture?area=GM0014&theme=fietsdiefstal&year=2015&month=2016-01",
            "valt niet in het jaar 2015",
        ),
    ] {
        problem(uri, StatusCode::NOT_FOUND, says).await;
    }
}

/// A theme tile without figures is not a link to a page that would only refuse (#16).
#[tokio::test]
async fn every_theme_tile_link_leads_to_a_page() {
    let overview = page("/?gemeente=GM0014&jaar=2015").await;
    let links: Vec<String> = overview
        .split("href=\"/thema/")
        .skip(1)
        .map(|rest| {
            format!(
                "/thema/{}",
                rest.split('"').next().unwrap().replace("&amp;", "&")
            )
        })
        .collect();
    assert!(!links.is_empty());
    for link in &links {
        let (status, _, _) = get(link).await;
        assert_eq!(status, StatusCode::OK, "{link}");
    }
    assert!(overview.contains("Geen gegevens over 2015 voor: "));
}

/// The authorisation matrix, walked: every route as every role. Allowed means the handler ran
/// (any answer but 401 and 403); the public is told 401, an account with too low a role 403.
/// Every form is also posted with a wrong CSRF token, which no role gets past.
#[tokio::test]
async fn every_route_answers_every_role_as_the_matrix_says() {
    let state = state();
    // Sessions of this test's own, so signing out here ends no other test's session.
    let mut store = Store::open(&state.data_dir).unwrap();
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    for role in Role::ACCOUNT_ROLES {
        let user = store
            .user(&format!("{role}@gemeente.example"))
            .unwrap()
            .unwrap();
        let hash: [u8; 32] = Sha256::digest(format!("matrix-{role}").as_bytes()).into();
        store
            .start_session(
                &user,
                &hash,
                &format!("matrix-csrf-{role}"),
                now,
                now + 86_400,
                "test",
            )
            .unwrap();
    }
    drop(store);
    let example = |path: &str| {
        path.replace("/thema/{id}", "/thema/totaal")
            .replace("{code}", "GM0014")
            .replace("/plans/{id}", "/plans/voorbeeldplan-groningen-2014-2017")
            .replace("/interventie/{id}", "/interventie/stationsgebied-2015")
            .replace("/interventions/{id}", "/interventions/stationsgebied-2015")
            .replace("{file}", "veiligheidsbrief.html")
    };
    let mut matrix = buurtbeeld_server::authorisation_matrix();
    assert!(matrix.len() >= 40, "{} rules", matrix.len());
    // Signing out ends the session: last, and its wrong token before its right one.
    matrix.sort_by_key(|(_, path, _)| *path == "/afmelden");
    for (method, path, least) in &matrix {
        let uri = example(path);
        assert!(!uri.contains('{'), "no example value for {path}");
        for role in Role::ALL {
            for csrf_ok in [false, true] {
                if *method == axum::http::Method::GET && !csrf_ok {
                    continue;
                }
                let mut builder = Request::builder()
                    .method(method.clone())
                    .uri(&uri)
                    .header("host", "localhost");
                if role != Role::Publiek {
                    builder = builder.header("cookie", format!("buurtbeeld_sessie=matrix-{role}"));
                }
                let body = if *method == axum::http::Method::POST {
                    builder = builder
                        .header("origin", "http://localhost")
                        .header("content-type", "application/x-www-form-urlencoded");
                    let token = if csrf_ok {
                        format!("matrix-csrf-{role}")
                    } else {
                        "wrong".to_owned()
                    };
                    Body::from(format!("csrf={token}"))
                } else {
                    Body::empty()
                };
                let response = app(state.clone())
                    .oneshot(builder.body(body).unwrap())
                    .await
                    .unwrap();
                let status = response.status();
                let expected: &[StatusCode] = if !role.may(*least) {
                    if role == Role::Publiek {
                        &[StatusCode::UNAUTHORIZED]
                    } else {
                        &[StatusCode::FORBIDDEN]
                    }
                } else if !csrf_ok && *least != Role::Publiek {
                    &[
                        StatusCode::FORBIDDEN,
                        StatusCode::UNPROCESSABLE_ENTITY,
                        StatusCode::BAD_REQUEST,
                    ]
                } else {
                    &[]
                };
                if expected.is_empty() {
                    assert!(
                        status != StatusCode::UNAUTHORIZED && status != StatusCode::FORBIDDEN,
                        "{method} {uri} as {role}: {status}, but the matrix allows it"
                    );
                } else {
                    assert!(expected.contains(&status), "{method} {uri} as {role} (csrf ok: {csrf_ok}): {status}, expected {expected:?}");
                }
            }
        }
    }
}

/// The public view of the demo: no count below 5 is shown, and none that is hidden can be
/// worked out from what is shown. The audit is rebuilt here from the public answers alone (a
/// wijk is the sum of its buurten, the gemeente of all of them), not from the server's table.
#[tokio::test]
async fn the_public_view_shows_no_small_count_and_none_that_can_be_worked_out() {
    use buurtbeeld_stats::disclosure::{recoverable, LinkedTable};
    let rows = |level: &'static str| async move {
        let uri =
            format!("/api/v1/picture?area=GM0014&theme=fietsdiefstal&year=2015&level={level}");
        let (status, _, body) = get_as(Role::Publiek, &uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}: {body}");
        let picture: serde_json::Value = serde_json::from_str(&body).unwrap();
        picture["rows"].as_array().unwrap().clone()
    };
    let (buurten, wijken) = (rows("buurt").await, rows("wijk").await);
    let mut shown = std::collections::BTreeMap::new();
    for row in buurten.iter().chain(&wijken) {
        let count = row["count"].as_u64();
        if let Some(n) = count {
            assert!(n == 0 || n >= 5, "{row} shows a count below 5");
        }
        assert_eq!(
            count.is_none(),
            row["suppressed"].as_bool().unwrap(),
            "{row}"
        );
        assert!(
            count.is_some() || row["per_1000"].is_null() && row["p_value"].is_null(),
            "{row}"
        );
        shown.insert(row["code"].as_str().unwrap().to_owned(), count.is_some());
    }
    let buurt_codes: Vec<&String> = shown.keys().filter(|c| c.starts_with("BU")).collect();
    assert!(buurt_codes.len() > 90, "{} buurten", buurt_codes.len());
    let hidden = shown.values().filter(|s| !**s).count();
    assert!(hidden > 0, "a city of 100 buurten has small counts");
    // Atoms: one per buurt. Cells: every area shown or hidden on the pages, as sums of buurten.
    let mut cells = Vec::new();
    let mut is_shown = Vec::new();
    for (code, visible) in &shown {
        let atoms: Vec<usize> = buurt_codes
            .iter()
            .enumerate()
            .filter(|(_, b)| match &code[..2] {
                "BU" => **b == code,
                "WK" => b[2..8] == code[2..8],
                _ => true,
            })
            .map(|(i, _)| i)
            .collect();
        cells.push(atoms);
        is_shown.push(*visible);
    }
    let table = LinkedTable {
        atoms: vec![1; buurt_codes.len()],
        cells,
    };
    let leaks = recoverable(&table, &is_shown);
    assert!(
        leaks.is_empty(),
        "recoverable: {:?}",
        leaks
            .iter()
            .map(|i| shown.keys().nth(*i))
            .collect::<Vec<_>>()
    );
    // The giveaway the issue names: one hidden buurt in a shown wijk whose other buurten show.
    for wijk in shown.keys().filter(|c| c.starts_with("WK") && shown[*c]) {
        let hidden_in_wijk = buurt_codes
            .iter()
            .filter(|b| b[2..8] == wijk[2..8] && !shown[**b])
            .count();
        assert_ne!(hidden_in_wijk, 1, "{wijk} shows, with one hidden buurt");
    }
}

/// docs/accounts.md lists the authorisation matrix; it must be the code's, row for row.
#[test]
fn the_documented_matrix_is_the_code_s() {
    let doc = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/accounts.md"),
    )
    .unwrap();
    let documented: Vec<&str> = doc
        .lines()
        .filter(|l| l.starts_with("| GET |") || l.starts_with("| POST |"))
        .collect();
    let matrix = buurtbeeld_server::authorisation_matrix();
    let expected: Vec<String> = matrix
        .iter()
        .map(|(method, path, role)| format!("| {method} | `{path}` | {role} |"))
        .collect();
    assert_eq!(
        documented, expected,
        "docs/accounts.md and auth::RULES differ"
    );
}

/// An analyst's edits in the browser: each a new version through the import, with its line in
/// the history and a diff; bad values are refused with what was expected; a lezer may not.
#[tokio::test]
async fn edits_in_the_browser_are_new_versions_with_history_and_diff() {
    let (dir, mut store) = store_with_defaults();
    for file in [
        "cbs-wijkbuurtkaart-2017-groningen/wijk2017.geojson",
        "cbs-wijkbuurtkaart-2017-groningen/buurt2017.geojson",
        "plan/voorbeeldplan_groningen_2014_2017.toml",
        "plan/voorbeeldplan_acties_2016.toml",
        "plan/voorbeeldplan_begroting_2014_2017.csv",
        "plan/voorbeeld_interventie_stationsgebied_2015.toml",
    ] {
        let context = buurtbeeld_analysis::import_context(&store).unwrap();
        let batch = read_file(&data(file), file, &ReadOptions::default(), &context).unwrap();
        store.import(&[batch], &()).unwrap();
    }
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    for role in [Role::Lezer, Role::Analist] {
        let user = store
            .add_user(
                &format!("{role}@gemeente.example"),
                "Test",
                role,
                None,
                "test",
            )
            .unwrap();
        let hash: [u8; 32] = Sha256::digest(session_token(role).as_bytes()).into();
        store
            .start_session(&user, &hash, &csrf_token(role), now, now + 3600, "test")
            .unwrap();
    }
    drop(store);
    let state = AppState::new(dir.path().to_owned());
    let post = |role: Role, uri: &'static str, form: String| {
        let state = state.clone();
        async move {
            let request = request_as(role, Request::post(uri))
                .header("origin", "http://localhost")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from(format!("csrf={}&{form}", csrf_token(role))))
                .unwrap();
            let response = app(state).oneshot(request).await.unwrap();
            let status = response.status();
            let body = response.into_body().collect().await.unwrap().to_bytes();
            (status, String::from_utf8_lossy(&body).into_owned())
        }
    };
    let plan = "plan=voorbeeldplan-groningen-2014-2017";
    let cases = [
        ("/plan/acties/bewerken", format!("{plan}&jaar=2016&nummer=2&status=deels&gedaan=Eerste+wijkteam+gestart")),
        ("/plan/begroting/bewerken", format!("{plan}&jaar=2015&regel=0&begroot=700&gewijzigd=&realisatie=650")),
        ("/plan/doelen/bewerken", format!("{plan}&doel=minder-fietsdiefstal-stad&streefwaarde=3.250&doeljaar=2016")),
        ("/interventies/bewerken", "id=lokfietsen-stationsgebied-2015&naam=Lokfietsen&omschrijving=&start=2015-03&einde=2016-02".to_owned()),
    ];
    for (uri, form) in &cases {
        let (status, body) = post(Role::Lezer, uri, form.clone()).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{uri} as lezer: {body}");
        let (status, body) = post(Role::Analist, uri, form.clone()).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{uri}: {body}");
    }
    let store = Store::open_read_only(dir.path()).unwrap();
    let set = store
        .action_sets("voorbeeldplan-groningen-2014-2017")
        .unwrap();
    let action = &set.iter().find(|s| s.year == 2016).unwrap().actions[1];
    assert_eq!(
        (action.done.as_str(), action.status.label()),
        ("Eerste wijkteam gestart", "deels")
    );
    let goal = store
        .plan("voorbeeldplan-groningen-2014-2017")
        .unwrap()
        .unwrap()
        .goals[0]
        .clone();
    assert_eq!((goal.target, goal.target_year), (3250.0, 2016));
    let intervention = store
        .intervention("lokfietsen-stationsgebied-2015")
        .unwrap()
        .unwrap();
    assert_eq!(intervention.end.unwrap().to_string(), "2016-02");
    let history = store
        .plan_history("voorbeeldplan-groningen-2014-2017")
        .unwrap();
    let edit = history
        .iter()
        .find(|v| v.file.contains("actiepunt 2 (2016)"))
        .unwrap();
    assert_eq!(edit.imported_by, "analist@gemeente.example");
    let log = store.audit_log(20).unwrap();
    assert!(log
        .iter()
        .any(|e| e.actor == "analist@gemeente.example" && e.subject.contains("actiepunt 2")));

    let diff = format!(
        "/plan/verschil?{plan}&onderdeel=actions&jaar=2016&versie={}",
        edit.import_id
    );
    let response = app(state.clone())
        .oneshot(
            request_as(Role::Lezer, Request::get(&diff))
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let body = text_of(response).await;
    assert!(
        body.contains("+ Actiepunt 2 · wat hebben we gedaan: Eerste wijkteam gestart"),
        "{body}"
    );
    assert!(
        body.contains("− Actiepunt 2 · status: doorlopend")
            || body.contains("− Actiepunt 2 · status:"),
        "{body}"
    );

    for (uri, form, says) in [
        (
            "/plan/begroting/bewerken",
            format!("{plan}&jaar=2015&regel=0&begroot=12,5&gewijzigd=&realisatie="),
            "heel getal",
        ),
        (
            "/plan/doelen/bewerken",
            format!("{plan}&doel=minder-fietsdiefstal-stad&streefwaarde=veel&doeljaar=2016"),
            "streefwaarde",
        ),
        (
            "/interventies/bewerken",
            "id=lokfietsen-stationsgebied-2015&naam=L&omschrijving=&start=2015-03&einde=2014-01"
                .to_owned(),
            "vóór de eerste",
        ),
        (
            "/plan/acties/bewerken",
            format!("{plan}&jaar=2016&nummer=2&status=klaar&gedaan="),
            "geen status",
        ),
    ] {
        let (status, body) = post(Role::Analist, uri, form).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}: {body}");
        assert!(body.contains(says), "{uri}: {body}");
    }
}

/// One response cache serves everyone: what an account was shown is never the public's answer,
/// and the public's never an account's.
#[tokio::test]
async fn the_cache_keeps_the_public_and_accounts_apart() {
    let state = state();
    let fetch = |role: Role| {
        let state = state.clone();
        async move {
            let response = app(state)
                .oneshot(
                    request_as(role, Request::get("/?gemeente=GM0014"))
                        .body(Body::empty())
                        .unwrap(),
                )
                .await
                .unwrap();
            String::from_utf8(
                response
                    .into_body()
                    .collect()
                    .await
                    .unwrap()
                    .to_bytes()
                    .to_vec(),
            )
            .unwrap()
        }
    };
    let public_marker = "Openbaar beeld: hele jaren";
    for order in [[Role::Lezer, Role::Publiek], [Role::Publiek, Role::Lezer]] {
        for role in order {
            let page = fetch(role).await;
            assert_eq!(
                page.contains(public_marker),
                role == Role::Publiek,
                "{role} after {order:?}"
            );
        }
    }
}

/// An account's answers, pages and API alike, are kept by no shared cache and carry no ETag;
/// the public's vary by cookie.
#[tokio::test]
async fn an_account_s_answers_are_not_kept_by_shared_caches() {
    for uri in ["/api/v1/themes", "/gegevens"] {
        for role in [Role::Publiek, Role::Lezer] {
            let response = app(state())
                .oneshot(
                    request_as(role, Request::get(uri))
                        .body(Body::empty())
                        .unwrap(),
                )
                .await
                .unwrap();
            let headers = response.headers();
            let vary: Vec<&str> = headers
                .get_all("vary")
                .iter()
                .map(|v| v.to_str().unwrap())
                .collect();
            assert!(
                vary.iter().any(|v| v.contains("Cookie")),
                "{uri} as {role}: {vary:?}"
            );
            let private = headers["cache-control"] == "private, no-store";
            assert_eq!(private, role != Role::Publiek, "{uri} as {role}");
            assert_eq!(
                headers.contains_key("etag"),
                role == Role::Publiek,
                "{uri} as {role}"
            );
        }
    }
}
