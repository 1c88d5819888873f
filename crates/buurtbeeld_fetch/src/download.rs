//! One request's pages merged into one file the importers read, written under a temporary
//! name and renamed only when the last page is in, so a file at its final name is whole.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::http::Client;
use crate::{FetchError, FetchEvent, Format};

/// Where a file is written until it is complete.
pub(crate) fn partial_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".part");
    path.with_file_name(name)
}

/// Whether a file written earlier is complete: it exists and is the JSON document a finished
/// download writes (an OData page with its `value` array, or a FeatureCollection).
pub(crate) fn is_whole(path: &Path, format: Format) -> bool {
    let Ok(bytes) = std::fs::read(path) else {
        return false;
    };
    let Ok(document) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
        return false;
    };
    match format {
        Format::OdataJson => document.get("value").is_some_and(|v| v.is_array()),
        Format::FeatureCollection => {
            document.get("type").and_then(|t| t.as_str()) == Some("FeatureCollection")
                && document.get("features").is_some_and(|f| f.is_array())
        }
    }
}

/// Downloads every page of `url` into `path`; returns the records written.
pub(crate) fn download(
    client: &Client<'_>,
    url: &str,
    format: Format,
    path: &Path,
) -> Result<u64, FetchError> {
    let io = |error: std::io::Error| FetchError::Io {
        path: path.to_owned(),
        reason: error.to_string(),
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io)?;
    }
    let partial = partial_path(path);
    let file = std::fs::File::create(&partial).map_err(|e| FetchError::Io {
        path: partial.clone(),
        reason: e.to_string(),
    })?;
    let mut out = std::io::BufWriter::new(file);
    let records = write_pages(client, url, format, &mut out).map_err(|error| match error {
        PageError::Fetch(error) => error,
        PageError::Io(error) => FetchError::Io {
            path: partial.clone(),
            reason: error.to_string(),
        },
    })?;
    let file = out.into_inner().map_err(|e| io(e.into_error()))?;
    file.sync_all().map_err(io)?;
    drop(file);
    std::fs::rename(&partial, path).map_err(io)?;
    client.report(&FetchEvent::FileDone { path, records });
    Ok(records)
}

enum PageError {
    Fetch(FetchError),
    Io(std::io::Error),
}

impl From<std::io::Error> for PageError {
    fn from(error: std::io::Error) -> PageError {
        PageError::Io(error)
    }
}

impl From<FetchError> for PageError {
    fn from(error: FetchError) -> PageError {
        PageError::Fetch(error)
    }
}

/// Follows the pages and writes their records as one document, one record per line.
fn write_pages(
    client: &Client<'_>,
    first_url: &str,
    format: Format,
    out: &mut impl Write,
) -> Result<u64, PageError> {
    let mut url = first_url.to_owned();
    let mut records = 0u64;
    let mut page_number = 0u32;
    loop {
        page_number += 1;
        let page = client.get_json(&url)?;
        let (items, next) = match format {
            Format::OdataJson => (page.get("value"), odata_next(&page)),
            Format::FeatureCollection => (page.get("features"), ogc_next(&page)),
        };
        let Some(items) = items.and_then(|v| v.as_array()) else {
            return Err(FetchError::NotAPage {
                url,
                expected: match format {
                    Format::OdataJson => "een OData-pagina met een array \"value\"",
                    Format::FeatureCollection => {
                        "een GeoJSON FeatureCollection met een array \"features\""
                    }
                },
            }
            .into());
        };
        if page_number == 1 {
            match format {
                Format::OdataJson => {
                    let metadata = page
                        .get("odata.metadata")
                        .cloned()
                        .unwrap_or(serde_json::Value::Null);
                    write!(
                        out,
                        "{{\n \"odata.metadata\": {},\n \"value\": [",
                        serde_json::to_string(&metadata).expect("a JSON value")
                    )?;
                }
                Format::FeatureCollection => {
                    write!(
                        out,
                        "{{\n \"type\": \"FeatureCollection\",\n \"features\": ["
                    )?;
                }
            }
        }
        for item in items {
            let separator = if records == 0 { "\n  " } else { ",\n  " };
            write!(
                out,
                "{separator}{}",
                serde_json::to_string(item).expect("a JSON value")
            )?;
            records += 1;
        }
        client.report(&FetchEvent::Page {
            number: page_number,
            records,
        });
        match next {
            None => break,
            Some(next) => {
                if !same_origin(first_url, &next) {
                    return Err(FetchError::ForeignNextLink { url: next }.into());
                }
                if next == url {
                    return Err(FetchError::NotAPage {
                        url,
                        expected: "een volgende pagina met een ander adres",
                    }
                    .into());
                }
                url = next;
            }
        }
    }
    write!(out, "\n ]\n}}\n")?;
    Ok(records)
}

/// OData v3 (`odata.nextLink`, CBS) or v4 (`@odata.nextLink`).
fn odata_next(page: &serde_json::Value) -> Option<String> {
    page.get("odata.nextLink")
        .or_else(|| page.get("@odata.nextLink"))
        .and_then(|v| v.as_str())
        .map(str::to_owned)
}

/// OGC API Features: the link with `rel` `next`.
fn ogc_next(page: &serde_json::Value) -> Option<String> {
    page.get("links")?
        .as_array()?
        .iter()
        .find(|link| link.get("rel").and_then(|r| r.as_str()) == Some("next"))?
        .get("href")?
        .as_str()
        .map(str::to_owned)
}

/// A next link is followed only to the server that gave the first page.
fn same_origin(first: &str, next: &str) -> bool {
    let origin = |url: &str| {
        reqwest::Url::parse(url).ok().map(|u| {
            (
                u.scheme().to_owned(),
                u.host_str().map(str::to_owned),
                u.port_or_known_default(),
            )
        })
    };
    origin(first).is_some() && origin(first) == origin(next)
}

#[cfg(test)]
mod tests {
    use super::{odata_next, ogc_next, same_origin};

    #[test]
    fn next_links_are_found_in_both_dialects() {
        let odata: serde_json::Value =
            serde_json::json!({"value": [], "odata.nextLink": "https://x/y?$skip=1"});
        assert_eq!(odata_next(&odata).as_deref(), Some("https://x/y?$skip=1"));
        let ogc = serde_json::json!({"features": [], "links": [
            {"rel": "self", "href": "https://x/a"}, {"rel": "next", "href": "https://x/b"}]});
        assert_eq!(ogc_next(&ogc).as_deref(), Some("https://x/b"));
        assert_eq!(ogc_next(&serde_json::json!({"links": []})), None);
    }

    #[test]
    fn a_next_link_elsewhere_is_not_followed() {
        assert!(same_origin("https://a.nl/x", "https://a.nl:443/y"));
        assert!(!same_origin("https://a.nl/x", "https://b.nl/x"));
        assert!(!same_origin("http://a.nl/x", "https://a.nl/x"));
    }
}
