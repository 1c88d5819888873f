//! What a fetch asks of whom: the police tables on dataderden.cbs.nl, the kerncijfers tables
//! found through the CBS catalogue, and the boundaries on PDOK. Only metadata is read here; each
//! data request becomes a [`PlannedFile`] with the release the source states.

use std::path::{Path, PathBuf};

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::http::Client;
use crate::{Content, FetchError, FetchRequest, Format, PlannedFile, Scope};

/// The monthly police table per wijk and buurt.
pub const POLICE_MONTHLY: &str = "47022NED";
/// The yearly police table per gemeente, with Nederland.
pub const POLICE_YEARLY: &str = "47018NED";
/// How the catalogue titles the yearly population tables per buurt ("… 2024").
pub const KERNCIJFERS_TITLE: &str = "Kerncijfers wijken en buurten";
/// How many years before the newest population table PDOK is asked for boundaries.
const BOUNDARY_YEARS_BACK: i32 = 3;

/// Characters written as they are in a query value; OData's quotes, parentheses and commas
/// stay readable, a space becomes `%20` (not `+`, which OData servers need not decode).
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b',');

fn encode(value: &str) -> String {
    utf8_percent_encode(value, QUERY_VALUE).to_string()
}

/// A release as a directory name: `2024-08-16T02:00:00` → `2024-08-16T02_00_00`.
pub(crate) fn release_slug(release: &str) -> String {
    release
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// `<data-dir>/fetch/<table>/<release>/<name>`; the part after the data directory is what the
/// import log is searched for.
fn file_path(data_dir: &Path, table: &str, release: &str, name: &str) -> PathBuf {
    data_dir
        .join("fetch")
        .join(table)
        .join(release_slug(release))
        .join(name)
}

/// The file name of a scope: `GM1581.json` or `nederland.json`.
fn scope_name(scope: &Scope) -> String {
    match scope {
        Scope::Gemeente(code) => code.clone(),
        Scope::Nederland => "nederland".to_owned(),
    }
}

/// Every file a fetch of `request` would download, with its release; nothing is downloaded.
pub(crate) fn planned_files(
    client: &Client<'_>,
    request: &FetchRequest,
) -> Result<Vec<PlannedFile>, FetchError> {
    let mut files = Vec::new();
    let population = population_files(client, request)?;
    if let Scope::Gemeente(gemeente) = &request.scope {
        let newest_year = population.iter().filter_map(|f| f.year).max();
        if let Some(boundaries) = boundary_file(client, request, gemeente, newest_year)? {
            files.push(boundaries);
        }
    }
    files.extend(population);
    files.push(police_yearly(client, request)?);
    if let Scope::Gemeente(gemeente) = &request.scope {
        files.push(police_monthly(client, request, gemeente)?);
    }
    Ok(files)
}

/// The first record of an OData answer's `value`.
fn first_record<'v>(
    document: &'v serde_json::Value,
    url: &str,
) -> Result<&'v serde_json::Value, FetchError> {
    document
        .get("value")
        .and_then(|v| v.as_array())
        .and_then(|v| v.first())
        .ok_or_else(|| FetchError::NotAPage {
            url: url.to_owned(),
            expected: "een OData-antwoord met ten minste één record in \"value\"",
        })
}

fn text_field(record: &serde_json::Value, field: &str, url: &str) -> Result<String, FetchError> {
    record
        .get(field)
        .and_then(|v| v.as_str())
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .ok_or_else(|| FetchError::MissingField {
            url: url.to_owned(),
            field: field.to_owned(),
        })
}

/// The release of a CBS table as its `TableInfos` states it: the `Modified` timestamp.
fn table_release(
    client: &Client<'_>,
    base: &str,
    table: &str,
) -> Result<(String, String), FetchError> {
    let url = format!("{base}ODataApi/OData/{table}/TableInfos?$format=json");
    let document = client.get_json(&url)?;
    let record = first_record(&document, &url)?;
    let release = text_field(record, "Modified", &url)?;
    let title = text_field(record, "Title", &url).unwrap_or_else(|_| table.to_owned());
    Ok((release, title))
}

/// The period condition of `--from`: CBS period keys (`2015MM03`, `2015JJ00`) compare as text.
fn from_condition(request: &FetchRequest) -> String {
    format!("Perioden ge '{}'", request.from)
}

fn police_yearly(client: &Client<'_>, request: &FetchRequest) -> Result<PlannedFile, FetchError> {
    let base = &request.endpoints.politie;
    let (release, title) = table_release(client, base, POLICE_YEARLY)?;
    let areas = match &request.scope {
        Scope::Gemeente(gemeente) => format!(
            "startswith(WijkenEnBuurten,'{gemeente}') or startswith(WijkenEnBuurten,'NL00')"
        ),
        Scope::Nederland => {
            "startswith(WijkenEnBuurten,'GM') or startswith(WijkenEnBuurten,'NL00')".to_owned()
        }
    };
    let filter = format!("({areas}) and {}", from_condition(request));
    Ok(PlannedFile {
        url: format!(
            "{base}ODataFeed/odata/{POLICE_YEARLY}/TypedDataSet?$format=json&$filter={}",
            encode(&filter)
        ),
        path: file_path(
            &request.data_dir,
            POLICE_YEARLY,
            &release,
            &format!("{}.json", scope_name(&request.scope)),
        ),
        table: POLICE_YEARLY.to_owned(),
        title,
        release,
        year: None,
        content: Content::Police,
        format: Format::OdataJson,
    })
}

fn police_monthly(
    client: &Client<'_>,
    request: &FetchRequest,
    gemeente: &str,
) -> Result<PlannedFile, FetchError> {
    let base = &request.endpoints.politie;
    let (release, title) = table_release(client, base, POLICE_MONTHLY)?;
    let digits = gemeente.trim_start_matches("GM");
    let filter = format!(
        "(startswith(WijkenEnBuurten,'GM{digits}') or startswith(WijkenEnBuurten,'WK{digits}') \
         or startswith(WijkenEnBuurten,'BU{digits}')) and {}",
        from_condition(request)
    );
    Ok(PlannedFile {
        url: format!(
            "{base}ODataFeed/odata/{POLICE_MONTHLY}/TypedDataSet?$format=json&$filter={}",
            encode(&filter)
        ),
        path: file_path(
            &request.data_dir,
            POLICE_MONTHLY,
            &release,
            &format!("{gemeente}.json"),
        ),
        table: POLICE_MONTHLY.to_owned(),
        title,
        release,
        year: None,
        content: Content::Police,
        format: Format::OdataJson,
    })
}

/// A kerncijfers table as the catalogue lists it.
#[derive(Debug)]
struct CatalogueTable {
    identifier: String,
    title: String,
    year: i32,
    modified: String,
}

/// The yearly kerncijfers tables from `--from` on, one per year (the newest release when the
/// catalogue lists two), oldest first.
fn kerncijfers_tables(
    client: &Client<'_>,
    request: &FetchRequest,
) -> Result<Vec<CatalogueTable>, FetchError> {
    let base = &request.endpoints.cbs;
    let filter = format!("substringof('{KERNCIJFERS_TITLE}',Title)");
    let mut url = Some(format!(
        "{base}ODataCatalog/Tables?$format=json&$select=Identifier,Title,Period,Modified&$filter={}",
        encode(&filter)
    ));
    let mut by_year: std::collections::BTreeMap<i32, CatalogueTable> = Default::default();
    while let Some(current) = url.take() {
        let document = client.get_json(&current)?;
        let records = document
            .get("value")
            .and_then(|v| v.as_array())
            .ok_or_else(|| FetchError::NotAPage {
                url: current.clone(),
                expected: "een OData-pagina met een array \"value\"",
            })?;
        for record in records {
            let field = |name: &str| record.get(name).and_then(|v| v.as_str()).unwrap_or("");
            let (identifier, title) = (field("Identifier").trim(), field("Title").trim());
            // The series of one table a year: "Kerncijfers wijken en buurten 2024", not the
            // multi-year overviews or other languages.
            let Some(rest) = title.strip_prefix(KERNCIJFERS_TITLE) else {
                continue;
            };
            let Ok(year) = field("Period").trim().parse::<i32>() else {
                continue;
            };
            if rest.trim() != year.to_string() || !identifier.ends_with("NED") {
                continue;
            }
            if year < request.from {
                continue;
            }
            let table = CatalogueTable {
                identifier: identifier.to_owned(),
                title: title.to_owned(),
                year,
                modified: field("Modified").trim().to_owned(),
            };
            if table.modified.is_empty() {
                return Err(FetchError::MissingField {
                    url: current.clone(),
                    field: "Modified".to_owned(),
                });
            }
            let newer = by_year
                .get(&year)
                .is_none_or(|known| known.modified < table.modified);
            if newer {
                by_year.insert(year, table);
            }
        }
        url = document
            .get("odata.nextLink")
            .and_then(|v| v.as_str())
            .map(str::to_owned);
    }
    Ok(by_year.into_values().collect())
}

/// The population column of a kerncijfers table (`AantalInwoners_5` in recent years; the
/// number after the underscore is the column's position and has changed between years).
fn population_column(
    client: &Client<'_>,
    request: &FetchRequest,
    table: &str,
) -> Result<String, FetchError> {
    let base = &request.endpoints.cbs;
    let url = format!(
        "{base}ODataApi/OData/{table}/DataProperties?$format=json&$select=Key&$filter={}",
        encode("startswith(Key,'AantalInwoners')")
    );
    let document = client.get_json(&url)?;
    document
        .get("value")
        .and_then(|v| v.as_array())
        .into_iter()
        .flatten()
        .filter_map(|record| record.get("Key").and_then(|k| k.as_str()))
        .find(|key| key.starts_with("AantalInwoners"))
        .map(str::to_owned)
        .ok_or(FetchError::MissingField {
            url,
            field: "AantalInwoners".to_owned(),
        })
}

fn population_files(
    client: &Client<'_>,
    request: &FetchRequest,
) -> Result<Vec<PlannedFile>, FetchError> {
    let areas = match &request.scope {
        Scope::Gemeente(gemeente) => {
            format!(
                "startswith(WijkenEnBuurten,'BU{}')",
                gemeente.trim_start_matches("GM")
            )
        }
        Scope::Nederland => {
            "startswith(WijkenEnBuurten,'GM') or startswith(WijkenEnBuurten,'NL00')".to_owned()
        }
    };
    kerncijfers_tables(client, request)?
        .into_iter()
        .map(|table| {
            let path = file_path(
                &request.data_dir,
                &table.identifier,
                &table.modified,
                &format!("{}.json", scope_name(&request.scope)),
            );
            Ok(PlannedFile {
                // The column is looked up only when the file is downloaded (see `lib.rs`):
                // here it is a placeholder, so that planning reads the catalogue alone.
                url: format!(
                    "{}ODataFeed/odata/{}/TypedDataSet?$format=json&$select=WijkenEnBuurten,{{column}}&$filter={}",
                    request.endpoints.cbs,
                    table.identifier,
                    encode(&areas)
                ),
                path,
                table: table.identifier,
                title: table.title,
                release: table.modified,
                year: Some(table.year),
                content: Content::Population,
                format: Format::OdataJson,
            })
        })
        .collect()
}

/// Resolves what planning left open in a URL: the population column of a kerncijfers table.
pub(crate) fn resolve_url(
    client: &Client<'_>,
    request: &FetchRequest,
    file: &PlannedFile,
) -> Result<String, FetchError> {
    if file.content == Content::Population && file.url.contains("{column}") {
        let column = population_column(client, request, &file.table)?;
        return Ok(file.url.replace("{column}", &encode(&column)));
    }
    Ok(file.url.clone())
}

/// The buurt boundaries of the newest year PDOK publishes, from the newest population year
/// down; `None` when PDOK has none of those years.
fn boundary_file(
    client: &Client<'_>,
    request: &FetchRequest,
    gemeente: &str,
    newest_population_year: Option<i32>,
) -> Result<Option<PlannedFile>, FetchError> {
    let Some(newest) = newest_population_year else {
        return Ok(None);
    };
    let base = &request.endpoints.pdok;
    for year in (newest - BOUNDARY_YEARS_BACK..=newest).rev() {
        let dataset = format!("wijken-en-buurten-{year}");
        let collection = format!("{base}cbs/{dataset}/ogc/v1/collections/buurten");
        let metadata_url = format!("{collection}?f=json");
        match client.get_json(&metadata_url) {
            Err(FetchError::NotFound(_)) => continue,
            Err(error) => return Err(error),
            Ok(metadata) => {
                let title = metadata
                    .get("title")
                    .and_then(|t| t.as_str())
                    .map_or_else(|| format!("CBS wijken en buurten {year}"), str::to_owned);
                // PDOK publishes one dataset per year of the indeling; the dataset is the release.
                let release = dataset.clone();
                return Ok(Some(PlannedFile {
                    url: format!("{collection}/items?f=json&gemeentecode={gemeente}&limit=1000"),
                    path: file_path(
                        &request.data_dir,
                        &dataset,
                        &release,
                        &format!("buurten_{gemeente}.geojson"),
                    ),
                    table: dataset,
                    title,
                    release,
                    year: Some(year),
                    content: Content::Boundaries,
                    format: Format::FeatureCollection,
                }));
            }
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::{encode, release_slug};

    #[test]
    fn filters_are_encoded_with_spaces_as_percent_twenty() {
        assert_eq!(
            encode("startswith(WijkenEnBuurten,'GM1581') or x"),
            "startswith(WijkenEnBuurten,'GM1581')%20or%20x"
        );
    }

    #[test]
    fn a_release_becomes_a_directory_name() {
        assert_eq!(release_slug("2024-08-16T02:00:00"), "2024-08-16T02_00_00");
    }
}
