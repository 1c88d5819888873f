//! The malformed-input corpus: every file under `tests/fixtures/malformed/` (described in the
//! README.md there) must be refused with exit code 1, with a problem on stderr that names the
//! file, the line (or feature, or record) and the field at fault and says what was expected, and
//! it must leave the store byte-for-byte as it was.

use std::path::{Path, PathBuf};

use crate::harness::{data, fixture, Workspace};

/// Where the problem must be reported.
#[derive(Debug, Clone, Copy)]
enum At {
    /// `, regel N`: CSV, TOML, and JSON that does not parse.
    Line(u64),
    /// `, feature N`: GeoJSON features, 1-based.
    Feature(u64),
    /// `, record N`: OData JSON records, 1-based.
    Record(u64),
    /// A problem of the whole file (empty, unrecognisable, no year, no boundaries in the store):
    /// no line applies, and the problem must not name one.
    WholeFile,
}

/// One malformed file and how its refusal must read.
#[derive(Debug)]
struct Case {
    /// File name under `tests/fixtures/malformed/`.
    file: &'static str,
    /// `--kind`, if the case passes one.
    kind: Option<&'static str>,
    /// Files under `data/` imported (successfully) before the malformed file.
    setup: &'static [&'static str],
    at: At,
    /// The field at fault, if a field is.
    field: Option<&'static str>,
    /// Substrings the problem line must contain: the bad value and what was expected.
    expected: &'static [&'static str],
}

const NO_SETUP: &[&str] = &[];
/// Buurt boundaries of Groningen 2017, which a BVH export needs to place its incidents.
const BUURTEN_2017: &[&str] = &["cbs-wijkbuurtkaart-2017-groningen/buurt2017.geojson"];
/// The demo plan, which the action and budget cases refer to.
const PLAN: &[&str] = &["plan/voorbeeldplan_groningen_2014_2017.toml"];
/// The file of the "stops after 50 problems" test: 65 rows, each with a negative count.
const MANY_BAD_ROWS: &str = "coded_many_bad_rows.csv";

fn malformed(file: &str) -> PathBuf {
    fixture(&format!("malformed/{file}"))
}

fn workspace_with(setup: &[&str]) -> Workspace {
    let workspace = Workspace::new();
    if !setup.is_empty() {
        let paths: Vec<PathBuf> = setup.iter().map(|s| data(s)).collect();
        let paths: Vec<&Path> = paths.iter().map(PathBuf::as_path).collect();
        workspace.import(&paths);
    }
    workspace
}

/// Runs `import FILE [--kind K]` and checks it was refused with exit code 1, not a crash.
fn refused_import(workspace: &Workspace, file: &str, kind: Option<&str>) -> String {
    let path = malformed(file);
    assert!(path.is_file(), "missing fixture {}", path.display());
    let path = path.display().to_string();
    let mut args = vec!["import", path.as_str()];
    if let Some(kind) = kind {
        args.extend(["--kind", kind]);
    }
    let output = workspace.run(&args);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(1),
        "{file}: expected the import to be refused with exit code 1\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert!(
        !stderr.contains("panicked"),
        "{file}: the binary panicked:\n{stderr}"
    );
    assert!(
        stderr.contains("import geweigerd: er is niets veranderd in"),
        "{file}: no 'import refused' line:\n{stderr}"
    );
    stderr
}

/// The store must be byte-identical; on a difference, shows the first differing dump line.
fn assert_unchanged(file: &str, before: &str, after: &str) {
    if before == after {
        return;
    }
    let (b, a): (Vec<&str>, Vec<&str>) = (before.lines().collect(), after.lines().collect());
    let first = b
        .iter()
        .zip(&a)
        .position(|(x, y)| x != y)
        .unwrap_or(b.len().min(a.len()));
    let show = |line: Option<&&str>| -> String {
        line.map_or("<none>".to_owned(), |l| l.chars().take(200).collect())
    };
    panic!(
        "{file}: the store changed although the import was refused ({} dump lines before, {} \
         after); first difference at dump line {}:\n  before: {}\n  after:  {}",
        b.len(),
        a.len(),
        first + 1,
        show(b.get(first)),
        show(a.get(first))
    );
}

/// `FILE, regel N, veld 'F': ` as the problem must start (after the directory of FILE).
fn problem_prefix(case: &Case) -> String {
    let mut prefix = case.file.to_owned();
    match case.at {
        At::Line(n) => prefix.push_str(&format!(", regel {n}")),
        At::Feature(n) => prefix.push_str(&format!(", feature {n}")),
        At::Record(n) => prefix.push_str(&format!(", record {n}")),
        At::WholeFile => {}
    }
    if let Some(field) = case.field {
        prefix.push_str(&format!(", veld '{field}'"));
    }
    prefix.push_str(": ");
    prefix
}

fn check(case: &Case) {
    let workspace = workspace_with(case.setup);
    let before = workspace.dump();
    let stderr = refused_import(&workspace, case.file, case.kind);
    let prefix = problem_prefix(case);
    let reported = stderr
        .lines()
        .any(|line| line.contains(&prefix) && case.expected.iter().all(|e| line.contains(e)));
    assert!(
        reported,
        "{}: expected a problem reading `…{prefix}…` containing {:?}; stderr was:\n{stderr}",
        case.file, case.expected
    );
    let after = workspace.dump();
    assert_unchanged(case.file, &before, &after);
}

/// One `#[test]` per case, plus `CASE_FILES`, the files the cases use.
///
/// `name: "file", kind, setup, location, field, ["expected", …];`
macro_rules! cases {
    ($(
        $(#[$meta:meta])*
        $name:ident: $file:literal, $kind:expr, $setup:expr, $at:expr, $field:expr,
            [$($expected:literal),* $(,)?];
    )*) => {
        $(
            #[test]
            $(#[$meta])*
            fn $name() {
                check(&Case {
                    file: $file,
                    kind: $kind,
                    setup: $setup,
                    at: $at,
                    field: $field,
                    expected: &[$($expected),*],
                });
            }
        )*

        const CASE_FILES: &[&str] = &[$($file),*];
    };
}

use At::{Feature, Line, Record, WholeFile};

cases! {
    // --- Coded CSV (47022NED/47018NED) -----------------------------------------------------
    coded_truncated_row: "coded_truncated_row.csv", None, NO_SETUP, Line(4), None,
        ["verwacht 4 velden gescheiden door ';'", "gevonden 2", "afgebroken regel"];
    coded_wrong_separator: "coded_wrong_separator.csv", None, NO_SETUP, Line(2), None,
        ["verwacht 4 velden gescheiden door ';'", "gevonden 1", "verkeerd scheidingsteken"];
    coded_latin1_labels: "coded_latin1_labels.csv", None, NO_SETUP, Line(2), None,
        ["geen geldige UTF-8"];
    coded_crlf_unknown_category: "coded_crlf_unknown_category.csv", None, NO_SETUP, Line(3),
        Some("SoortMisdrijf"), ["onbekende SoortMisdrijf-code '9.9.9'"];
    coded_unknown_category: "coded_unknown_category.csv", None, NO_SETUP, Line(3),
        Some("SoortMisdrijf"), ["onbekende SoortMisdrijf-code '9.9.9'", "codelijst"];
    coded_unknown_area: "coded_unknown_area.csv", None, NO_SETUP, Line(3),
        Some("WijkenEnBuurten"), ["onbekende gebiedscode 'GM9999'", "codelijsten"];
    coded_malformed_area: "coded_malformed_area.csv", None, NO_SETUP, Line(3),
        Some("WijkenEnBuurten"), ["'BU1581010' is geen CBS-gebiedscode", "BU + 8"];
    coded_negative_count: "coded_negative_count.csv", None, NO_SETUP, Line(3),
        Some("GeregistreerdeMisdrijven_1"), ["'-2' is negatief", "0 of meer"];
    coded_non_numeric_count: "coded_non_numeric_count.csv", None, NO_SETUP, Line(3),
        Some("GeregistreerdeMisdrijven_1"), ["'twee' is geen aantal", "geheel getal"];
    coded_fractional_count: "coded_fractional_count.csv", None, NO_SETUP, Line(3),
        Some("GeregistreerdeMisdrijven_1"), ["'2.5' is geen aantal", "geheel getal"];
    // The value conflicts with an earlier row for the same key (area, category, period).
    coded_duplicate_conflict: "coded_duplicate_conflict.csv", None, NO_SETUP, Line(4),
        Some("GeregistreerdeMisdrijven_1"),
        ["dubbele sleutel", "GM1581", "0.0.0", "2023MM01", "zegt 122", "zegt 125"];
    coded_period_month_13: "coded_period_month_13.csv", None, NO_SETUP, Line(3),
        Some("Perioden"), ["'2023MM13' is geen periode", "2023MM01"];
    coded_mixed_months_years: "coded_mixed_months_years.csv", None, NO_SETUP, Line(3),
        Some("Perioden"), ["2023JJ00", "jaar", "maanden"];
    coded_personal_bsn: "coded_personal_bsn.csv", None, NO_SETUP, Line(1), Some("BSN"),
        ["lijkt persoonsgegevens te bevatten", "verwijder de kolom"];
    coded_personal_naam_verdachte: "coded_personal_naam_verdachte.csv", None, NO_SETUP, Line(1),
        Some("Naam verdachte"), ["lijkt persoonsgegevens te bevatten"];
    coded_header_only: "coded_header_only.csv", None, NO_SETUP, WholeFile, None,
        ["kopregel maar geen gegevensregels"];
    coded_missing_count_column: "coded_missing_count_column.csv", None, NO_SETUP, Line(1), None,
        ["GeregistreerdeMisdrijven_1", "gevonden: SoortMisdrijf | WijkenEnBuurten | Perioden"];

    // --- Portal CSV export ------------------------------------------------------------------
    portal_unknown_area: "portal_unknown_area.csv", None, NO_SETUP, Line(3),
        Some("Wijken en buurten"), ["'Atlantis' is geen gemeente, wijk of buurt van GM1581"];
    portal_unknown_category: "portal_unknown_category.csv", None, NO_SETUP, Line(3),
        Some("Soort misdrijf"), ["onbekende omschrijving 'Fietsendiefstal'", "Totaal misdrijven"];
    portal_period_smarch: "portal_period_smarch.csv", None, NO_SETUP, Line(3), Some("Perioden"),
        ["'2023 smarch' is geen periode", "'2023 januari'"];
    portal_latin1: "portal_latin1.csv", None, NO_SETUP, Line(2), None,
        ["geen geldige UTF-8", "0xFA", "als UTF-8"];
    portal_personal_geboortedatum: "portal_personal_geboortedatum.csv", None, NO_SETUP, Line(1),
        Some("Geboortedatum"), ["lijkt persoonsgegevens te bevatten"];
    portal_truncated_row: "portal_truncated_row.csv", None, NO_SETUP, Line(3), None,
        ["verwacht 4 velden gescheiden door ';'", "gevonden 2"];

    // --- OData JSON -------------------------------------------------------------------------
    odata_truncated: "odata_truncated.json", None, NO_SETUP, Line(14), None,
        ["geen geldige JSON", "EOF"];
    odata_period_jj01: "odata_period_jj01.json", None, NO_SETUP, Record(2), Some("Perioden"),
        ["'2023JJ01' is geen periode", "2023JJ00"];
    odata_negative_count: "odata_negative_count.json", None, NO_SETUP, Record(2),
        Some("GeregistreerdeMisdrijven_1"), ["-2 is geen aantal", "0 of meer"];
    odata_string_count: "odata_string_count.json", None, NO_SETUP, Record(2),
        Some("GeregistreerdeMisdrijven_1"), ["\"2\" is geen aantal", "verwacht een getal"];
    odata_personal_bsn: "odata_personal_bsn.json", None, NO_SETUP, Record(2), Some("BSN"),
        ["lijkt persoonsgegevens te bevatten"];
    odata_not_a_page: "odata_not_a_page.json", None, NO_SETUP, WholeFile, None,
        ["verwacht een OData-JSON-pagina", "array \"value\""];
    unrecognisable_json: "unrecognisable_json.json", None, NO_SETUP, WholeFile, None,
        ["geen GeoJSON FeatureCollection en ook geen OData-pagina", "geef --kind mee"];

    // --- Population ---------------------------------------------------------------------------
    population_non_numeric: "population_non_numeric.csv", None, NO_SETUP, Line(3),
        Some("inhabitants"), ["'veel' is geen aantal inwoners", "geheel getal"];
    // -5 is not a CBS secret marker (those are -99999999 and the like): a plain negative count.
    population_negative: "population_negative.csv", None, NO_SETUP, Line(3),
        Some("inhabitants"), ["'-5' is negatief", "0 of meer"];
    population_missing_year_column: "population_missing_year_column.csv", None, NO_SETUP,
        WholeFile, Some("year"), ["geen jaarkolom", "--year YYYY"];
    population_empty_year: "population_empty_year.csv", None, NO_SETUP, Line(3), Some("year"),
        ["'' is geen jaar", "zoals 2024"];
    population_malformed_code: "population_malformed_code.csv", None, NO_SETUP, Line(3),
        Some("WijkenEnBuurten"), ["'BU158101' is geen CBS-gebiedscode"];
    population_truncated_row: "population_truncated_row.csv", None, NO_SETUP, Line(3), None,
        ["verwacht 3 velden gescheiden door ';'", "gevonden 2"];

    // --- GeoJSON boundaries -------------------------------------------------------------------
    areas_without_codes: "areas_without_codes.geojson", None, NO_SETUP, Feature(2),
        Some("BU_CODE"), ["geen gebiedscode", "andere features van dit bestand"];
    // Before #16 an empty BU_CODE fell through to the feature's WK_CODE, and the buurt's
    // boundary and population silently replaced its wijk's.
    areas_empty_own_code: "areas_empty_own_code.geojson", None, NO_SETUP, Feature(2),
        Some("BU_CODE"), ["geen gebiedscode", "verwacht de code van dit gebied in BU_CODE"];
    areas_code_of_wrong_level: "areas_code_of_wrong_level.geojson", None, NO_SETUP,
        Feature(2), Some("BU_CODE"), ["WK158101 is een wijkcode", "verwacht in BU_CODE een buurtcode"];
    areas_no_codes_no_year: "areas_no_codes_no_year.geojson", None, NO_SETUP, WholeFile, None,
        ["geen enkele feature heeft een gebiedscode"];
    areas_no_codes_no_year_also_says_the_year: "areas_no_codes_no_year.geojson", None, NO_SETUP,
        WholeFile, None, ["het jaar van deze wijk- en buurtindeling is niet te bepalen"];
    // The geojson crate's own error named no feature before (the fuzz campaign's known gap).
    areas_one_number_position: "areas_one_number_position.geojson", None, NO_SETUP, Feature(2),
        None, ["geen geldige GeoJSON-feature", "two or more elements"];
    areas_one_point_ring: "areas_one_point_ring.geojson", None, NO_SETUP, Feature(2),
        Some("geometry"), ["polygoon 1, ring 1 heeft 1 posities", "ten minste 4"];
    areas_name_with_newline: "areas_name_with_newline.geojson", None, NO_SETUP, Feature(2),
        Some("BU_NAAM"), ["stuurteken", "één regel tekst"];
    areas_name_too_long: "areas_name_too_long.geojson", None, NO_SETUP, Feature(2),
        Some("BU_NAAM"), ["300 tekens lang", "ten hoogste 200"];
    areas_point_geometry: "areas_point_geometry.geojson", None, NO_SETUP, Feature(2),
        Some("geometry"), ["verwacht een Polygon of MultiPolygon"];
    areas_outside_nl: "areas_outside_nl.geojson", None, NO_SETUP, Feature(2), Some("geometry"),
        ["(-74.01, 40.7)", "in Nederland"];
    areas_vertex_outside_nl: "areas_vertex_outside_nl.geojson", None, NO_SETUP, Feature(2),
        Some("geometry"), ["buiten Nederland", "lon -74.00000"];
    areas_duplicate_code: "areas_duplicate_code.geojson", None, NO_SETUP, Feature(2),
        Some("BU_CODE"), ["BU15810101 komt meer dan één keer voor"];
    areas_not_feature_collection: "areas_not_feature_collection.geojson", None, NO_SETUP,
        WholeFile, None, ["verwacht een GeoJSON FeatureCollection"];
    areas_personal_naam: "areas_personal_naam.geojson", None, NO_SETUP, Feature(2),
        Some("Naam"), ["lijkt persoonsgegevens te bevatten"];
    areas_truncated: "areas_truncated.geojson", None, NO_SETUP, Line(24), None,
        ["geen geldige JSON", "EOF", "FeatureCollection"];

    // --- BVH incident exports (need buurt boundaries in the store) ---------------------------
    bvh_unknown_incident_code: "bvh_unknown_incident_code.csv", None, BUURTEN_2017, Line(3),
        Some("Incidentsoort code"), ["onbekende incidentcode 'Z99'", "tabel met incidentcodes"];
    bvh_crlf_unknown_incident_code: "bvh_crlf_unknown_incident_code.csv", None, BUURTEN_2017,
        Line(3), Some("Incidentsoort code"), ["onbekende incidentcode 'Z99'"];
    bvh_month_13: "bvh_month_13.csv", None, BUURTEN_2017, Line(3),
        Some("Kennisnamedatum/tijd"), ["'2-13-2016 21:17' is geen datum: maand 13", "7-3-2015"];
    bvh_february_30: "bvh_february_30.csv", None, BUURTEN_2017, Line(3),
        Some("Kennisnamedatum/tijd"), ["'30-2-2016 21:17'"];
    bvh_wgs84_coordinates: "bvh_wgs84_coordinates.csv", None, BUURTEN_2017, Line(3), Some("X"),
        ["(6.5612, 53.2068) ligt niet in Nederland als RD New-coördinaat (EPSG:28992)"];
    bvh_without_boundaries: "bvh_without_boundaries.csv", None, NO_SETUP, WholeFile, None,
        ["geen buurtgrenzen", "lees eerst de CBS wijk- en buurtkaart"];
    bvh_personal_naam_verdachte: "bvh_personal_naam_verdachte.csv", None, BUURTEN_2017,
        Line(1), Some("Naam verdachte"), ["lijkt persoonsgegevens te bevatten"];
    bvh_truncated_row: "bvh_truncated_row.csv", None, BUURTEN_2017, Line(4), None,
        ["verwacht 34 velden gescheiden door ';'", "gevonden 11"];

    // --- Themes (TOML) ------------------------------------------------------------------------
    themes_unknown_category: "themes_unknown_category.toml", None, NO_SETUP, Line(11),
        Some("categories"), ["onbekende SoortMisdrijf-code '1.2.99'"];
    themes_duplicate_id: "themes_duplicate_id.toml", None, NO_SETUP, Line(8), Some("id"),
        ["thema 'woninginbraak' is twee keer gedefinieerd"];
    themes_syntax_error: "themes_syntax_error.toml", None, NO_SETUP, Line(8), None,
        ["fout in de TOML-opmaak", "invalid basic string", "[[theme]]"];

    // --- Plan, action and budget files (docs/plan-files.md) ---------------------------------
    plan_unknown_theme: "plan_unknown_theme.toml", None, NO_SETUP, Line(17), Some("thema"),
        ["onbekend thema 'fietsparkeren'", "veilige-wijken"];
    actions_bad_status: "actions_bad_status.toml", None, PLAN, Line(16), Some("status"),
        ["'klaar' is geen status", "gerealiseerd, deels, niet gerealiseerd"];
    actions_unknown_theme: "actions_unknown_theme.toml", None, PLAN, Line(6), Some("themas"),
        ["onbekend thema 'verkeersveiligheid'", "veilige-wijken"];
    actions_missing_year: "actions_missing_year.toml", None, PLAN, Line(1), Some("jaar"),
        ["veld `jaar` ontbreekt", "jaar = YYYY"];
    actions_unknown_plan: "actions_unknown_plan.toml", None, NO_SETUP, Line(1), Some("plan"),
        ["onbekend plan 'veiligheidsplan-2030'", "lees eerst het planbestand in"];
    budget_text_amount: "budget_text_amount.csv", None, PLAN, Line(3), Some("begroot"),
        ["'zeshonderd' is geen bedrag", "geheel getal zoals 17198 of 17.198"];
    budget_duplicate_deelproduct: "budget_duplicate_deelproduct.csv", None, PLAN, Line(4),
        Some("deelproduct"), ["'Veilige wijken' komt twee keer voor in 2015", "eerst op regel 2"];
    budget_missing_year: "budget_missing_year.csv", None, PLAN, Line(3), Some("jaar"),
        ["leeg", "verwacht een jaar zoals 2023"];
    budget_unknown_taakveld: "budget_unknown_taakveld.csv", None, PLAN, Line(3),
        Some("taakveld"), ["'1.3' is geen taakveld van Veiligheid", "1.1", "1.2"];

    // --- Intervention files (docs/interventions.md) ---------------------------------------------
    intervention_unknown_kind: "intervention_unknown_kind.toml", None, NO_SETUP, Line(5),
        Some("soort"), ["'handhaving' is geen soort interventie", "preventief, repressief"];
    intervention_end_before_start: "intervention_end_before_start.toml", None, NO_SETUP,
        Line(9), Some("einde"), ["2015-01 ligt vóór de start 2015-03"];
    intervention_area_outside_gemeente: "intervention_area_outside_gemeente.toml", None,
        NO_SETUP, Line(7), Some("gebieden"), ["BU03630000 ligt niet in GM0014"];
    intervention_person_field: "intervention_person_field.toml", None, NO_SETUP, Line(10), None,
        ["onbekend veld `contactpersoon`", "verwacht een van `id`"];
    intervention_dosage_outside_period: "intervention_dosage_outside_period.toml", None,
        NO_SETUP, Line(12), Some("maand"), ["2016-02 valt buiten de periode van de interventie"];
    intervention_start_not_a_month: "intervention_start_not_a_month.toml", None, NO_SETUP,
        Line(8), Some("start"), ["'maart 2015' is geen maand", "YYYY-MM"];
    intervention_text_amount: "intervention_text_amount.toml", None, NO_SETUP, Line(13), None,
        ["ongeldig type: tekst \"veel\"", "verwacht een getal"];

    // --- Incident codes -----------------------------------------------------------------------
    incident_codes_unknown_category: "incident_codes_unknown_category.csv", None, NO_SETUP,
        Line(4), Some("category"), ["'1.2.33' is geen SoortMisdrijf-detailcode"];
    incident_codes_truncated_row: "incident_codes_truncated_row.csv", None, NO_SETUP, Line(3),
        None, ["verwacht 3 velden gescheiden door ';'", "gevonden 2"];

    // --- Whole-file problems ------------------------------------------------------------------
    empty: "empty.csv", None, NO_SETUP, WholeFile, None, ["het bestand is leeg"];
    unrecognisable_header: "unrecognisable_header.csv", None, NO_SETUP, Line(1), None,
        ["het formaat is niet te herkennen aan de kopregel 'Datum;Plaats;Aantal'", "geef --kind mee"];
    unrecognisable_header_as_coded_csv: "unrecognisable_header.csv", Some("politie-coded-csv"),
        NO_SETUP, Line(1), None,
        ["verwacht een kopregel met de kolommen SoortMisdrijf", "gevonden: Datum | Plaats | Aantal"];
}

#[test]
fn stops_after_50_problems() {
    let workspace = Workspace::new();
    let before = workspace.dump();
    let stderr = refused_import(&workspace, MANY_BAD_ROWS, None);
    let problems: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains(&format!("{MANY_BAD_ROWS}, regel ")))
        .collect();
    assert_eq!(problems.len(), 50, "expected 50 problems listed:\n{stderr}");
    assert!(
        problems[0].contains(", regel 2, veld 'GeregistreerdeMisdrijven_1': '-1' is negatief"),
        "first problem: {}",
        problems[0]
    );
    assert!(
        problems[49].contains(", regel 51, veld 'GeregistreerdeMisdrijven_1': '-50' is negatief"),
        "last problem: {}",
        problems[49]
    );
    assert!(
        stderr.contains("(gestopt na 50 problemen; los deze op en importeer opnieuw)"),
        "no 'stopped after 50 problems':\n{stderr}"
    );
    let after = workspace.dump();
    assert_unchanged(MANY_BAD_ROWS, &before, &after);
}

/// Every file in the corpus is used by a case and described in the README, and vice versa.
#[test]
fn corpus_is_complete_and_documented() {
    let dir = fixture("malformed");
    let readme = std::fs::read_to_string(dir.join("README.md")).expect("README.md");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .expect("fixture folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|name| name != "README.md")
        .collect();
    files.sort();
    for file in &files {
        assert!(
            CASE_FILES.contains(&file.as_str()) || file == MANY_BAD_ROWS,
            "{file} is in the corpus but no case uses it"
        );
        assert!(
            readme.contains(&format!("`{file}`")),
            "{file} is not described in README.md"
        );
    }
    for file in CASE_FILES {
        assert!(
            files.iter().any(|f| f == file),
            "case file {file} is missing"
        );
    }
    assert!(files.len() >= 30, "only {} malformed files", files.len());
}
