//! "API": the API's documentation in Dutch, rendered from the OpenAPI document itself, so the
//! page and the contract machines read (`/api/v1/openapi.json`) cannot drift apart.
//!
//! Per operation the page shows method and path, the Dutch summary and description, who may
//! use it (from the authorisation matrix, not from the document), every parameter (where it
//! goes, whether it is required, its type, allowed values, example and description), the kinds
//! of answer per status, and a request that works on the demo data: the operation's
//! `x-voorbeeld`, an extension field of the document (tests/api_docs.rs requests every one).

use axum::http::Method;
use axum::response::Html;
use buurtbeeld_cube::dutch::integer;
use buurtbeeld_cube::Role;
use maud::{html, Markup};
use serde_json::Value;

use crate::auth::{self, Endpoint};
use crate::page::{layout, PageError};
use crate::AppError;

/// The OpenAPI document, the same text `/api/v1/openapi.json` serves.
const OPENAPI: &str = include_str!("openapi.json");
/// Where the API's paths are mounted (the document's `servers`).
const API_BASE: &str = "/api/v1";
/// The operation's example request, an extension field of the OpenAPI document.
pub(crate) const EXAMPLE_FIELD: &str = "x-voorbeeld";

pub(crate) fn endpoints() -> Vec<Endpoint> {
    vec![auth::get("/api", api_page)]
}

async fn api_page() -> Result<Html<String>, PageError> {
    let document: Value = serde_json::from_str(OPENAPI)
        .map_err(|error| AppError::Internal(format!("openapi.json: {error}")))?;
    let operations = operations(&document);
    let body = html! {
        h1 { "API-documentatie" }
        p.lead {
            "Met de API haalt u dezelfde cijfers op die deze pagina's tonen, als JSON, CSV of "
            "GeoJSON: voor eigen analyses, Excel of een koppeling met een ander systeem. Elk adres "
            "begint met " code { (API_BASE) } "; een voorbeeld bij elk endpoint werkt op de demogegevens."
        }
        @if let Some(description) = document["info"]["description"].as_str() {
            p { (prose(description)) }
        }
        p {
            "Voor programma's staat dezelfde beschrijving als OpenAPI 3-document op "
            a href={ (API_BASE) "/openapi.json" } { (API_BASE) "/openapi.json" }
            @if let Some(version) = document["info"]["version"].as_str() {
                " (versie " (version) ")"
            }
            "."
        }
        h2 #toegang { "Toegang" }
        p {
            "Endpoints die " strong { "openbaar" } " zijn, beantwoorden iedereen; zonder aanmelding met de "
            "openbare weergave (hele jaren, kleine aantallen weggelaten). Voor de andere is een account "
            "nodig: meld u aan via " a href="/aanmelden" { "Aanmelden" } "; de browser stuurt dan het "
            "sessiecookie mee. Zonder account geven die endpoints 401."
        }
        nav aria-labelledby="endpoints" {
            h2 #endpoints { "Endpoints" }
            ul.endpoints {
                @for operation in &operations {
                    li {
                        a href={ "#" (operation.anchor) } {
                            code { (operation.method.as_str()) " " (API_BASE) (operation.path) }
                        }
                        " " (operation.summary)
                    }
                }
            }
        }
        @for operation in &operations {
            (operation_section(&document, operation))
        }
    };
    Ok(layout("API-documentatie", body))
}

/// One operation of the document, in the document's order.
#[derive(Debug)]
pub(crate) struct Operation<'a> {
    pub method: Method,
    pub path: &'a str,
    pub summary: &'a str,
    pub anchor: String,
    pub body: &'a Value,
}

/// Every operation of the document, in the order the document lists its paths (whatever map
/// type serde_json is built with), and per path in the order of HTTP methods below.
pub(crate) fn operations(document: &Value) -> Vec<Operation<'_>> {
    let Some(paths) = document["paths"].as_object() else {
        return Vec::new();
    };
    let mut paths: Vec<(&String, &Value)> = paths.iter().collect();
    paths.sort_by_key(|(path, _)| {
        OPENAPI
            .find(&format!("\"{path}\": {{"))
            .unwrap_or(usize::MAX)
    });
    let mut operations = Vec::new();
    for (path, item) in paths {
        for method in [Method::GET, Method::POST, Method::PUT, Method::DELETE] {
            let key = method.as_str().to_ascii_lowercase();
            let Some(body) = item.get(&key).filter(|body| body.is_object()) else {
                continue;
            };
            let anchor = body["operationId"]
                .as_str()
                .map(str::to_owned)
                .unwrap_or_else(|| format!("{key}{}", path.replace(['/', '{', '}'], "-")));
            operations.push(Operation {
                method,
                path,
                summary: body["summary"].as_str().unwrap_or(""),
                anchor,
                body,
            });
        }
    }
    operations
}

fn operation_section(document: &Value, operation: &Operation) -> Markup {
    let full_path = format!("{API_BASE}{}", operation.path);
    let least = auth::rule_for(&operation.method, &full_path).map(|rule| rule.least);
    let parameters: Vec<&Value> = operation.body["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|parameter| resolve(document, parameter))
        .collect();
    html! {
        section.operation aria-labelledby=(operation.anchor) {
            h2 id=(operation.anchor) { (operation.summary) }
            p.endpoint {
                span.method { (operation.method.as_str()) } " " code { (full_path) }
            }
            @if let Some(description) = operation.body["description"].as_str() {
                p { (prose(description)) }
            }
            dl.facts {
                dt { "Toegang" }
                dd {
                    @match least {
                        Some(Role::Publiek) => { "openbaar" }
                        Some(role) => { "met een account (" (role) " of hoger)" }
                        None => { "niet vastgelegd" }
                    }
                }
                @if let Some(example) = operation.body[EXAMPLE_FIELD].as_str() {
                    dt { "Voorbeeld" }
                    dd { a href=(example) { code { (example) } } }
                }
                dt { "Antwoorden" }
                dd { (responses(document, operation.body)) }
            }
            @if parameters.is_empty() {
                p.note { "Dit endpoint heeft geen parameters." }
            } @else {
                table.doc.parameters {
                    caption { "Parameters van " (operation.method.as_str()) " " (full_path) }
                    thead {
                        tr {
                            th scope="col" { "Naam" }
                            th scope="col" { "Waar" }
                            th scope="col" { "Verplicht" }
                            th scope="col" { "Type" }
                            th scope="col" { "Toegestane waarden" }
                            th scope="col" { "Voorbeeld" }
                            th scope="col" { "Omschrijving" }
                        }
                    }
                    tbody {
                        @for parameter in parameters {
                            (parameter_row(parameter))
                        }
                    }
                }
            }
        }
    }
}

fn parameter_row(parameter: &Value) -> Markup {
    let schema = &parameter["schema"];
    let place = match parameter["in"].as_str() {
        Some("query") => "in de zoekvraag (?…)",
        Some("path") => "in het pad",
        Some("header") => "in een header",
        Some("cookie") => "in een cookie",
        _ => "",
    };
    let required = parameter["required"].as_bool().unwrap_or(false);
    html! {
        tr {
            th scope="row" { code { (parameter["name"].as_str().unwrap_or("")) } }
            td { (place) }
            td { @if required { "ja" } @else { "nee" } }
            td { (type_name(schema)) }
            td { (allowed_values(schema)) }
            td {
                @if let Some(example) = example_text(&parameter["example"]) {
                    code { (example) }
                }
            }
            td.text { (prose(parameter["description"].as_str().unwrap_or(""))) }
        }
    }
}

/// What the answers are per status: the kinds of content, or what the status means.
fn responses(document: &Value, operation: &Value) -> Markup {
    let Some(responses) = operation["responses"].as_object() else {
        return html! {};
    };
    let mut statuses: Vec<(&String, &Value)> = responses.iter().collect();
    statuses.sort_by_key(|(status, _)| *status);
    let lines: Vec<(&str, &str, String, Option<&str>)> = statuses
        .into_iter()
        .map(|(status, response)| {
            let response = resolve(document, response);
            let mut kinds: Vec<&str> = response["content"]
                .as_object()
                .map(|content| content.keys().map(String::as_str).collect())
                .unwrap_or_default();
            // JSON first, as the API answers by default; never the map's own order.
            kinds.sort_by_key(|kind| (content_rank(kind), *kind));
            let kinds: Vec<&str> = kinds.into_iter().map(content_kind).collect();
            let kinds = if kinds.is_empty() {
                "geen inhoud".to_owned()
            } else {
                kinds.join(", ")
            };
            (
                status.as_str(),
                status_meaning(status),
                kinds,
                response["description"].as_str(),
            )
        })
        .collect();
    html! {
        ul.responses {
            @for (status, meaning, kinds, description) in lines {
                li {
                    strong { (status) } " " (meaning) ": " (kinds)
                    @if let Some(description) = description {
                        " — " (description)
                    }
                }
            }
        }
    }
}

fn content_rank(media_type: &str) -> usize {
    ["application/json", "text/csv", "application/geo+json"]
        .iter()
        .position(|known| *known == media_type)
        .unwrap_or(usize::MAX)
}

/// A description as the document writes it, with its `code` in backticks set as code.
fn prose(text: &str) -> Markup {
    html! {
        @for (i, part) in text.split('`').enumerate() {
            @if i % 2 == 1 { code { (part) } } @else { (part) }
        }
    }
}

/// A `$ref` to elsewhere in the document, followed; anything else as it is.
fn resolve<'a>(document: &'a Value, value: &'a Value) -> &'a Value {
    value["$ref"]
        .as_str()
        .and_then(|reference| reference.strip_prefix('#'))
        .and_then(|pointer| document.pointer(pointer))
        .unwrap_or(value)
}

fn content_kind(media_type: &str) -> &str {
    match media_type {
        "application/json" => "JSON",
        "text/csv" => "CSV",
        "application/geo+json" => "GeoJSON",
        "application/problem+json" => "foutmelding als JSON (problem+json)",
        "application/pdf" => "PDF",
        "text/html" => "HTML",
        other => other,
    }
}

fn status_meaning(status: &str) -> &'static str {
    match status {
        "200" => "gelukt",
        "304" => "ongewijzigd",
        "400" => "ongeldige vraag",
        "401" => "niet aangemeld",
        "403" => "geen toegang",
        "404" => "niet gevonden",
        "503" => "tijdelijk niet beschikbaar",
        _ => "",
    }
}

fn type_name(schema: &Value) -> String {
    let name = match schema["type"].as_str() {
        Some("string") => "tekst",
        Some("integer") => "geheel getal",
        Some("number") => "getal",
        Some("boolean") => "true of false",
        Some("array") => "lijst",
        Some("object") => "object",
        Some(other) => other,
        None => "",
    };
    name.to_owned()
}

/// The allowed values of a schema in words: the list, the pattern, the range, the length.
fn allowed_values(schema: &Value) -> Markup {
    let range = range_text(schema);
    html! {
        @if let Some(values) = schema["enum"].as_array() {
            "één van: "
            @for (i, value) in values.iter().enumerate() {
                @if i > 0 { ", " }
                code { (example_text(value).unwrap_or_default()) }
            }
        }
        @if let Some(pattern) = schema["pattern"].as_str() {
            "patroon " code.pattern { (pattern) }
        }
        @if let Some(range) = range {
            (range)
        }
        @if schema["minLength"].as_u64().is_some_and(|n| n > 0) {
            "niet leeg"
        }
        @if let Some(default) = example_text(&schema["default"]) {
            " (standaard " code { (default) } ")"
        }
    }
}

fn range_text(schema: &Value) -> Option<String> {
    let minimum = number_text(&schema["minimum"]);
    let maximum = number_text(&schema["maximum"]);
    let above = schema["exclusiveMinimum"].as_bool().unwrap_or(false);
    let below = schema["exclusiveMaximum"].as_bool().unwrap_or(false);
    match (minimum, maximum) {
        (Some(min), Some(max)) => Some(format!(
            "{} {min} {} {max}",
            if above { "groter dan" } else { "van" },
            if below {
                "en kleiner dan"
            } else {
                "tot en met"
            },
        )),
        (Some(min), None) if above => Some(format!("groter dan {min}")),
        (Some(min), None) => Some(format!("minstens {min}")),
        (None, Some(max)) if below => Some(format!("kleiner dan {max}")),
        (None, Some(max)) => Some(format!("hoogstens {max}")),
        (None, None) => None,
    }
}

/// A number as Dutch readers write it: 1.000.000, 0,05.
fn number_text(value: &Value) -> Option<String> {
    if let Some(n) = value.as_u64() {
        return Some(integer(n));
    }
    value.as_f64().map(|x| x.to_string().replace('.', ","))
}

fn example_text(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(text) => Some(text.clone()),
        other => Some(other.to_string()),
    }
}
