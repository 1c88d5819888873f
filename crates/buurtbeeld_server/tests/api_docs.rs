//! The API documentation page and the examples it shows: every operation of the OpenAPI
//! document has an example request (`x-voorbeeld`), each answers 200 on the demo's data, and
//! the page at `/api` shows every operation with its example, for everyone.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use buurtbeeld_cube::Role;
use buurtbeeld_ingest::{read_file, ReadOptions};
use buurtbeeld_server::{app, AppState};
use buurtbeeld_store::Store;
use http_body_util::BodyExt;
use sha2::{Digest, Sha256};
use tower::ServiceExt;

fn data(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../data")
        .join(relative)
}

/// The files of `buurtbeeld demo` (crates/buurtbeeld/src/demo.rs) that the examples read.
const DEMO_FILES: [&str; 13] = [
    "cbs-wijkbuurtkaart-2017-groningen/wijk2017.geojson",
    "cbs-wijkbuurtkaart-2017-groningen/buurt2017.geojson",
    "groningen-fietsdiefstallen-politie-2013-2017/fietsdiefstallen_groningen_BVH_2013-2017.csv",
    "politie-47022ned-utrechtse-heuvelrug-maand/misdrijven_GM1581_2022MM12-2023MM11_coded.csv",
    "cbs-85984ned-bevolking-buurt-2024/Population85984_2024_buurt_AantalInwoners.csv",
    "politie-gemeenten-jaar-47018ned/nl_gemeenten_2024_cartomap.geojson",
    "politie-gemeenten-jaar-47018ned/47018NED_gemeenten_2012-2024_coded.csv",
    "politie-gemeenten-jaar-47018ned/bevolking_gemeenten_2012-2024.csv",
    "plan/voorbeeldplan_groningen_2014_2017.toml",
    "plan/voorbeeldplan_acties_2015.toml",
    "plan/voorbeeldplan_acties_2016.toml",
    "plan/voorbeeldplan_begroting_2014_2017.csv",
    "plan/voorbeeld_interventie_stationsgebied_2015.toml",
];

/// A store with the demo's data and an analyst's session (cookie [`ANALYST_COOKIE`]).
fn state() -> AppState {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    let dir = DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        store
            .import(&[buurtbeeld_ingest::default_batch().unwrap()], &())
            .unwrap();
        let options = ReadOptions::default();
        for file in DEMO_FILES {
            let context = buurtbeeld_analysis::import_context(&store).unwrap();
            let batch = read_file(&data(file), file, &options, &context)
                .unwrap_or_else(|error| panic!("{file}: {error}"));
            store.import(&[batch], &()).unwrap();
        }
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let user = store
            .add_user(
                "analist@gemeente.example",
                "Test analist",
                Role::Analist,
                None,
                "test",
            )
            .unwrap();
        let hash: [u8; 32] = Sha256::digest(ANALYST_TOKEN.as_bytes()).into();
        store
            .start_session(&user, &hash, "test-csrf", now, now + 86_400, "test")
            .unwrap();
        dir
    });
    AppState::new(dir.path().to_owned())
}

const ANALYST_TOKEN: &str = "test-session-of-the-analyst";

async fn get(role: Role, uri: &str) -> (StatusCode, String) {
    let mut request = Request::get(uri).header("host", "localhost");
    if role != Role::Publiek {
        request = request.header("cookie", format!("buurtbeeld_sessie={ANALYST_TOKEN}"));
    }
    let response = app(state())
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned())
}

fn openapi() -> serde_json::Value {
    serde_json::from_str(include_str!("../src/openapi.json")).unwrap()
}

/// Every operation: (path template, operation).
fn operations(doc: &serde_json::Value) -> Vec<(String, serde_json::Value)> {
    let mut operations = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            assert_eq!(method, "get", "{path}: the page lists GET operations only");
            operations.push((path.clone(), operation.clone()));
        }
    }
    operations
}

/// Whether `uri` (without query) fits the path template, `{name}` matching one segment.
fn fits(template: &str, uri: &str) -> bool {
    let path = uri.split('?').next().unwrap();
    let want: Vec<&str> = template.split('/').collect();
    let have: Vec<&str> = path.split('/').collect();
    want.len() == have.len()
        && want
            .iter()
            .zip(&have)
            .all(|(w, h)| (w.starts_with('{') && !h.is_empty()) || w == h)
}

#[tokio::test]
async fn every_operation_has_an_example_that_answers_on_the_demo() {
    let doc = openapi();
    let operations = operations(&doc);
    assert!(operations.len() >= 20, "{} operations", operations.len());
    for (path, operation) in operations {
        let example = operation["x-voorbeeld"]
            .as_str()
            .unwrap_or_else(|| panic!("{path}: no x-voorbeeld"));
        let relative = example
            .strip_prefix("/api/v1")
            .unwrap_or_else(|| panic!("{path}: {example} does not start with /api/v1"));
        assert!(
            fits(&path, relative),
            "{example} is not a request of {path}"
        );
        let declared: Vec<&str> = operation["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        let query = relative.split_once('?').map(|(_, q)| q).unwrap_or("");
        for pair in query.split('&').filter(|pair| !pair.is_empty()) {
            let name = pair.split('=').next().unwrap();
            assert!(
                declared.contains(&name),
                "{example}: {name} is not a parameter of {path}"
            );
        }
        for parameter in operation["parameters"].as_array().into_iter().flatten() {
            let name = parameter["name"].as_str().unwrap();
            if parameter["required"] == true && parameter["in"] == "query" {
                assert!(
                    query
                        .split('&')
                        .any(|pair| pair.split('=').next() == Some(name)),
                    "{example} lacks the required {name}"
                );
            }
            assert!(
                parameter["description"]
                    .as_str()
                    .is_some_and(|d| !d.is_empty())
                    || parameter["in"] == "path",
                "{path}: {name} has no description"
            );
        }
        let (status, body) = get(Role::Analist, example).await;
        assert_eq!(status, StatusCode::OK, "{example}: {body}");
    }
}

#[tokio::test]
async fn the_api_page_documents_every_operation_in_dutch_for_everyone() {
    let (status, html) = get(Role::Publiek, "/api").await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(!html.contains("<script"), "the page needs no JavaScript");
    for expected in [
        "<html lang=\"nl\">",
        "API-documentatie",
        "href=\"/api/v1/openapi.json\"",
        // The menu's API item opens this page.
        "<a href=\"/api\" aria-current=\"page\">API</a>",
        "Het veiligheidsbeeld van een gebied en zijn onderdelen",
        "Gebiedscode",
        "in de zoekvraag (?…)",
        "één van: <code>json</code>, <code>csv</code>, <code>geojson</code>",
        "met een account (lezer of hoger)",
        "openbaar",
        "JSON, CSV, GeoJSON",
        "<div class=\"table-scroll\" tabindex=\"0\" role=\"region\" \
         aria-label=\"Tabel: Parameters van GET /api/v1/picture\">",
    ] {
        assert!(html.contains(expected), "/api lacks {expected}");
    }
    for (path, operation) in operations(&openapi()) {
        let example = operation["x-voorbeeld"]
            .as_str()
            .unwrap()
            .replace('&', "&amp;");
        assert!(
            html.contains(&format!("<code>/api/v1{path}</code>")),
            "{path}"
        );
        assert!(html.contains(&format!("href=\"{example}\"")), "{example}");
    }
    // Machines keep their document.
    let (status, json) = get(Role::Publiek, "/api/v1/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&json).unwrap()["openapi"],
        "3.0.3"
    );
}
