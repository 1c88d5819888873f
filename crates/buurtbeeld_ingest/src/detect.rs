//! Format detection from a file's name and first bytes.

use std::path::Path;

use crate::problem::{ImportError, Problems};
use crate::{statline, text};

/// The input formats buurtbeeld reads. The names are what `--kind` takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    PolitieCodedCsv,
    PolitiePortalCsv,
    PolitieOdataJson,
    PopulationCsv,
    PopulationOdataJson,
    AreasGeojson,
    AreasShapefile,
    AreasGeopackage,
    BvhIncidents,
    ThemesToml,
    IncidentCodesCsv,
    PlanToml,
    ActionsToml,
    BudgetCsv,
    InterventionToml,
    SignalenCsv,
    SignalenDatawarehouseCsv,
    SignalenGeojson,
    RegistrationsCsv,
    RegistrationsXlsx,
}

impl InputKind {
    pub const ALL: [InputKind; 20] = [
        InputKind::PolitieCodedCsv,
        InputKind::PolitiePortalCsv,
        InputKind::PolitieOdataJson,
        InputKind::PopulationCsv,
        InputKind::PopulationOdataJson,
        InputKind::AreasGeojson,
        InputKind::AreasShapefile,
        InputKind::AreasGeopackage,
        InputKind::BvhIncidents,
        InputKind::ThemesToml,
        InputKind::IncidentCodesCsv,
        InputKind::PlanToml,
        InputKind::ActionsToml,
        InputKind::BudgetCsv,
        InputKind::InterventionToml,
        InputKind::SignalenCsv,
        InputKind::SignalenDatawarehouseCsv,
        InputKind::SignalenGeojson,
        InputKind::RegistrationsCsv,
        InputKind::RegistrationsXlsx,
    ];

    pub fn name(self) -> &'static str {
        match self {
            InputKind::PolitieCodedCsv => "politie-coded-csv",
            InputKind::PolitiePortalCsv => "politie-portal-csv",
            InputKind::PolitieOdataJson => "politie-odata-json",
            InputKind::PopulationCsv => "population-csv",
            InputKind::PopulationOdataJson => "population-odata-json",
            InputKind::AreasGeojson => "areas-geojson",
            InputKind::AreasShapefile => "areas-shapefile",
            InputKind::AreasGeopackage => "areas-geopackage",
            InputKind::BvhIncidents => "bvh-incidents",
            InputKind::ThemesToml => "themes-toml",
            InputKind::IncidentCodesCsv => "incident-codes-csv",
            InputKind::PlanToml => "plan-toml",
            InputKind::ActionsToml => "actions-toml",
            InputKind::BudgetCsv => "budget-csv",
            InputKind::InterventionToml => "intervention-toml",
            InputKind::SignalenCsv => "signalen-csv",
            InputKind::SignalenDatawarehouseCsv => "signalen-datawarehouse-csv",
            InputKind::SignalenGeojson => "signalen-geojson",
            InputKind::RegistrationsCsv => "registrations-csv",
            InputKind::RegistrationsXlsx => "registrations-xlsx",
        }
    }

    /// One line for `buurtbeeld formats`: what the format is and where a user gets it.
    pub fn description(self) -> &'static str {
        match self {
            InputKind::PolitieCodedCsv => {
                "Politie geregistreerde misdrijven, gecodeerde CSV (47022NED per maand per \
                 wijk/buurt, 47018NED per jaar per gemeente): CBS open data, \
                 opendata.cbs.nl → tabel → 'TypedDataSet' als CSV"
            }
            InputKind::PolitiePortalCsv => {
                "Dezelfde politietabellen als export van data.politie.nl / StatLine (kolommen \
                 met labels, 'Soort misdrijf'; titel- en voetregels mogen blijven staan)"
            }
            InputKind::PolitieOdataJson => {
                "Dezelfde politietabellen als OData-JSON (dataderden.cbs.nl/ODataApi/OData/\
                 47022NED/TypedDataSet); `buurtbeeld fetch` haalt ze zelf op"
            }
            InputKind::PopulationCsv => {
                "Inwoners per gebied en jaar: CBS kerncijfers wijken en buurten als CSV \
                 (AantalInwoners_5), of het eenvoudige bestand code;year;inhabitants"
            }
            InputKind::PopulationOdataJson => {
                "Inwoners per gebied: CBS kerncijfers wijken en buurten als OData-JSON \
                 (opendata.cbs.nl/ODataApi/OData/<tabel>/TypedDataSet)"
            }
            InputKind::AreasGeojson => {
                "Grenzen van buurten, wijken en gemeenten als GeoJSON (CBS wijk- en buurtkaart \
                 via PDOK, RD New of WGS84), met inwoners als het bestand ze heeft"
            }
            InputKind::AreasShapefile => {
                "Dezelfde grenzen als Shapefile (.shp met .shx, .dbf, .prj ernaast): de CBS wijk- \
                 en buurtkaart tot 2020, cbs.nl → Wijk- en buurtkaart → zip per jaar"
            }
            InputKind::AreasGeopackage => {
                "Dezelfde grenzen als GeoPackage (.gpkg met de lagen gemeenten, wijken en buurten, \
                 RD New): de CBS wijk- en buurtkaart sinds 2021, cbs.nl → Wijk- en buurtkaart"
            }
            InputKind::BvhIncidents => {
                "Incidenten uit de BVH-export van de politie (datum, incidentsoort, RD- of \
                 WGS84-coördinaten), zonder namen; op te vragen bij de politie-eenheid"
            }
            InputKind::ThemesToml => {
                "buurtbeeld-thema's en hun misdrijfsoorten (TOML); de standaard wordt \
                 meegeleverd (data/themes.toml) om te bewerken"
            }
            InputKind::IncidentCodesCsv => {
                "Koppeling van BVH-incidentsoorten aan CBS-misdrijfsoorten \
                 (incident_code;label;category); de standaard wordt meegeleverd"
            }
            InputKind::PlanToml => {
                "Een veiligheidsplan: thema's, doelen en indicatoren (TOML, zie docs/plan-files.md)"
            }
            InputKind::ActionsToml => {
                "Actiepunten van een plan: wat wilden we doen, wat hebben we gedaan (TOML)"
            }
            InputKind::BudgetCsv => {
                "Begroting en realisatie per deelproduct en jaar (CSV, zie docs/plan-files.md)"
            }
            InputKind::InterventionToml => {
                "Een interventie: waar, wanneer en op welke misdrijven, voor de effectmeting \
                 (TOML)"
            }
            InputKind::SignalenCsv => {
                "Meldingen openbare ruimte uit Signalen, één regel per melding (id, created_at, \
                 main_slug, sub_slug, geometry): de export van de view signals_ext_tdo; vrije \
                 tekst en melder worden niet bewaard"
            }
            InputKind::SignalenDatawarehouseCsv => {
                "Meldingen uit de datawarehouse-export van Signalen: signals.csv met \
                 locations.csv en categories.csv in dezelfde map; vrije tekst en melder worden \
                 niet bewaard"
            }
            InputKind::SignalenGeojson => {
                "Meldingen van de openbare kaart van Signalen als GeoJSON \
                 (/signals/v1/public/signals/geography): alleen open meldingen, zonder nummer"
            }
            InputKind::RegistrationsCsv => {
                "Registraties (handhaving, camera, Halt, …) als CSV met een mappingbestand \
                 (<naam>.mapping.toml ernaast of --mapping, zie docs/registraties-mapping.md)"
            }
            InputKind::RegistrationsXlsx => {
                "Dezelfde registraties als Excel-werkmap (.xlsx), met een mappingbestand \
                 (<naam>.mapping.toml ernaast of --mapping)"
            }
        }
    }

    pub fn from_name(name: &str) -> Option<InputKind> {
        InputKind::ALL.into_iter().find(|k| k.name() == name)
    }
}

/// The separator of a delimited text: the most frequent of `;`, tab and `,` in its first line.
fn delimiter(head: &[u8]) -> u8 {
    let line = head.split(|&b| b == b'\n').next().unwrap_or(head);
    [b';', b'\t', b',']
        .into_iter()
        .max_by_key(|d| line.iter().filter(|b| *b == d).count())
        .unwrap_or(b';')
}

/// The header of a delimited text: its first line that is neither blank nor a `#` comment, as
/// buurtbeeld's own CSV files may start with comment lines, nor a StatLine title line (one
/// quoted field above the header of a table downloaded from StatLine).
fn header_line(text: &str) -> &str {
    text.lines()
        .find(|l| {
            !l.trim_start().starts_with('#') && !l.trim().is_empty() && !statline::is_title_line(l)
        })
        .unwrap_or("")
}

/// The separator of a file whose kind the user named, from its header line as `detect` finds it.
pub(crate) fn header_delimiter(head: &[u8]) -> u8 {
    delimiter(header_line(&text::utf8_or_windows_1252(head)).as_bytes())
}

pub(crate) fn detect(name: &str, path: &Path, head: &[u8]) -> Result<(InputKind, u8), ImportError> {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_lowercase();
    // Binary formats by their extension or their first bytes: a Shapefile's file code 9994
    // (big-endian), SQLite's header string.
    if extension == "shp" || head.starts_with(&[0x00, 0x00, 0x27, 0x0A]) {
        return Ok((InputKind::AreasShapefile, b';'));
    }
    if extension == "gpkg" || head.starts_with(b"SQLite format 3\0") {
        return Ok((InputKind::AreasGeopackage, b';'));
    }
    if extension == "dbf" {
        return Err(Problems::new(name).fatal(
            None,
            None,
            "een .dbf-bestand is het attribuutdeel van een Shapefile; importeer het .shp-bestand \
             ernaast (met .shx, .dbf en .prj in dezelfde map)",
        ));
    }
    let text = text::utf8_or_windows_1252(head);
    if extension == "toml" && name.ends_with(".mapping.toml") {
        return Err(Problems::new(name).fatal(
            None,
            None,
            "dit is een mappingbestand van registraties; importeer het databestand ernaast \
             (<naam>.csv of <naam>.xlsx), dat dit mappingbestand zelf gebruikt",
        ));
    }
    if extension == "toml" {
        // The first table header tells buurtbeeld's own TOML files apart.
        let table = text
            .lines()
            .map(str::trim)
            .find(|l| l.starts_with('['))
            .unwrap_or("");
        let kind = match table {
            "[plan]" => InputKind::PlanToml,
            "[[actie]]" => InputKind::ActionsToml,
            "[interventie]" => InputKind::InterventionToml,
            _ => InputKind::ThemesToml,
        };
        return Ok((kind, b';'));
    }
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        let is_geojson = text.contains("FeatureCollection") || text.contains("\"Feature\"");
        // The public map of Signalen: features with a category object and a creation time.
        let kind = if is_geojson && text.contains("\"category\"") && text.contains("\"created_at\"")
        {
            Some(InputKind::SignalenGeojson)
        } else if is_geojson {
            Some(InputKind::AreasGeojson)
        } else if text.contains("GeregistreerdeMisdrijven") {
            Some(InputKind::PolitieOdataJson)
        } else if text.contains("AantalInwoners") {
            Some(InputKind::PopulationOdataJson)
        } else {
            None
        };
        return kind.map(|k| (k, b';')).ok_or_else(|| {
            Problems::new(name).fatal(
                None,
                None,
                "JSON, maar geen GeoJSON FeatureCollection en ook geen OData-pagina van 47022NED, \
                 47018NED of kerncijfers (geen veld GeregistreerdeMisdrijven of AantalInwoners); \
                 geef --kind mee als het toch een van deze is",
            )
        });
    }
    let header = header_line(&text);
    let delimiter = delimiter(header.as_bytes());
    let columns: Vec<String> = header
        .split(delimiter as char)
        .map(|c| c.trim().trim_matches('"').to_owned())
        .collect();
    let has = |wanted: &str| columns.iter().any(|c| c == wanted);
    let has_prefix = |wanted: &str| columns.iter().any(|c| c.starts_with(wanted));
    let kind = if has("Incidentsoort code") {
        InputKind::BvhIncidents
    } else if has("category_assignment_id") && has("location_id") {
        InputKind::SignalenDatawarehouseCsv
    } else if has("main_slug") && has("sub_slug") && has("created_at") && !has("_signal_id") {
        InputKind::SignalenCsv
    } else if has("_signal_id") {
        // locations.csv, categories.csv, reporters.csv, notes.csv … of the same dump.
        return Err(Problems::new(name).fatal(
            Some(1),
            None,
            "dit is een bijbestand van de datawarehouse-export van Signalen (kolom _signal_id); \
             importeer alleen signals.csv: dat leest locations.csv en categories.csv ernaast mee, \
             en de andere bestanden (melders, notities) worden bewust niet gelezen",
        ));
    } else if has("SoortMisdrijf") && has("Perioden") {
        InputKind::PolitieCodedCsv
    } else if has("Soort misdrijf") && has("Perioden") {
        InputKind::PolitiePortalCsv
    } else if has("incident_code") {
        InputKind::IncidentCodesCsv
    } else if has("deelproduct") && has("begroot") {
        InputKind::BudgetCsv
    } else if has_prefix("AantalInwoners")
        || has("aantalInwoners")
        || has("inhabitants")
        || has("population")
        || has("AANT_INW")
    {
        InputKind::PopulationCsv
    } else {
        return Err(Problems::new(name).fatal(
            Some(1),
            None,
            format!(
                "het formaat is niet te herkennen aan de kopregel '{}': verwacht een politietabel \
                 (gecodeerd: SoortMisdrijf;WijkenEnBuurten;Perioden;GeregistreerdeMisdrijven_1, of \
                 de export van het portaal), inwonertallen (…;AantalInwoners_5 of \
                 code;year;inhabitants), een BVH-incidentenexport of een Signalen-export \
                 (id,created_at,…,main_slug,sub_slug), of geef --kind mee",
                header.chars().take(200).collect::<String>()
            ),
        ));
    };
    Ok((kind, delimiter))
}

#[cfg(test)]
mod tests {
    use super::header_delimiter;

    #[test]
    fn a_named_kind_finds_the_separator_below_comment_lines() {
        // With `--kind` the separator came from the first line; for the shipped
        // incident_codes.csv that is a comment without `;`, and the file was refused (#16).
        let head = b"# Police incident code -> SoortMisdrijf, derived.\n\
                     incident_code;label;category\nA72;Diefstal fiets;1.2.3\n";
        assert_eq!(header_delimiter(head), b';');
        assert_eq!(header_delimiter(b"code,year,inhabitants\n"), b',');
    }
}
