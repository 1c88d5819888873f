//! The personal-data corpus (`tests/personal_corpus/`, described in its README.md): every file
//! under `refused/` must be refused with the first problem naming the file, the line (feature,
//! record) of the first offending value, the column and the kind of personal data, without
//! repeating the value; every file under `accepted/` and every real seed file under `data/`
//! must be read.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use buurtbeeld_cube::{AreaLevel, ImportBatch};
use buurtbeeld_ingest::{default_batch, read_file, Context, ReadOptions};

/// What a reader needs from the store before it reads the file.
#[derive(Debug, Clone, Copy)]
enum Setup {
    Nothing,
    /// Groningen's 2017 buurten and the shipped incident codes, for BVH exports.
    Buurten,
    /// The example plan and the shipped themes, for budget files.
    Plan,
}

/// Where the refusal must point.
#[derive(Debug, Clone, Copy)]
enum At {
    Line(u64),
    Feature(u64),
    Record(u64),
}

/// One file that must be refused for personal data.
struct Refused {
    file: &'static str,
    setup: Setup,
    at: At,
    field: &'static str,
    /// What the message must say: the kind of personal data, or that the name gives it away.
    says: &'static str,
    /// The offending value, which the message must not repeat (None: refused by name).
    secret: Option<&'static str>,
}

const BY_NAME: &str = "lijkt persoonsgegevens te bevatten; buurtbeeld slaat geen gegevens op";

#[rustfmt::skip]
const REFUSED: &[Refused] = &[
    // By the column's name.
    Refused { file: "bvh_naam_dader.csv", setup: Setup::Buurten, at: At::Line(1), field: "Naam dader", says: BY_NAME, secret: None },
    Refused { file: "bvh_woonadres_verdachte.csv", setup: Setup::Buurten, at: At::Line(1), field: "Woonadres verdachte", says: BY_NAME, secret: None },
    Refused { file: "bvh_geb_datum.csv", setup: Setup::Buurten, at: At::Line(1), field: "Geb. datum", says: BY_NAME, secret: None },
    Refused { file: "bvh_telnr_aangever.csv", setup: Setup::Buurten, at: At::Line(1), field: "Telnr aangever", says: BY_NAME, secret: None },
    Refused { file: "bvh_mobiel.csv", setup: Setup::Buurten, at: At::Line(1), field: "Mobiel", says: BY_NAME, secret: None },
    // By content, one file per kind, in a BVH export (columns the reader drops).
    Refused { file: "bvh_bsn.csv", setup: Setup::Buurten, at: At::Line(2), field: "Kenmerk", says: "burgerservicenummers (negen cijfers die de elfproef doorstaan)", secret: Some("111222333") },
    Refused { file: "bvh_geboortedata.csv", setup: Setup::Buurten, at: At::Line(2), field: "Datum 2", says: "geboortedatums (de meeste datums liggen in 2004 of eerder", secret: Some("12-3-1961") },
    Refused { file: "bvh_telefoon_in_toelichting.csv", setup: Setup::Buurten, at: At::Line(6), field: "Toelichting", says: "er staan telefoonnummers in", secret: Some("12345678") },
    Refused { file: "bvh_email.csv", setup: Setup::Buurten, at: At::Line(4), field: "Contact", says: "er staan e-mailadressen in", secret: Some("j.jansen") },
    Refused { file: "bvh_adres_in_tekst.csv", setup: Setup::Buurten, at: At::Line(5), field: "Locatie omschrijving", says: "er staan adressen in (een postcode met huisnummer)", secret: Some("9712 AB") },
    Refused { file: "bvh_postcode_huisnummer.csv", setup: Setup::Buurten, at: At::Line(2), field: "Postcode", says: "samen met de kolom 'Huisnummer' vormen de waarden adressen", secret: Some("9711 RP") },
    Refused { file: "bvh_namen.csv", setup: Setup::Buurten, at: At::Line(2), field: "Behandelaar naam", says: "de waarden lijken namen van personen", secret: Some("Vries") },
    // By content, in the other CSV readers.
    Refused { file: "population_bsn.csv", setup: Setup::Nothing, at: At::Line(2), field: "Registratie", says: "burgerservicenummers", secret: Some("111222333") },
    Refused { file: "coded_email.csv", setup: Setup::Nothing, at: At::Line(3), field: "Contact", says: "e-mailadressen", secret: Some("a.de.wit") },
    Refused { file: "portal_telefoon.csv", setup: Setup::Nothing, at: At::Line(3), field: "Opmerking", says: "telefoonnummers", secret: Some("0343") },
    Refused { file: "budget_telefoon.csv", setup: Setup::Plan, at: At::Line(3), field: "deelproduct", says: "telefoonnummers", secret: Some("12345678") },
    Refused { file: "incident_codes_email.csv", setup: Setup::Nothing, at: At::Line(3), field: "label", says: "e-mailadressen", secret: Some("p.smit") },
    // By content, in JSON: an area file whose allow-listed NAAM holds a person, a property of
    // another name, OData records.
    Refused { file: "areas_naam_persoon_2017.geojson", setup: Setup::Nothing, at: At::Feature(2), field: "NAAM", says: "de waarde lijkt de naam van een persoon", secret: Some("Jansen") },
    Refused { file: "areas_wijkagent_email_2017.geojson", setup: Setup::Nothing, at: At::Feature(1), field: "wijkagent", says: "er staat een e-mailadres in", secret: Some("wijkagent.centrum") },
    Refused { file: "odata_bsn.json", setup: Setup::Nothing, at: At::Record(2), field: "Kenmerk", says: "de waarde lijkt een burgerservicenummer", secret: Some("111222333") },
    Refused { file: "population_odata_postcode_huisnummer.json", setup: Setup::Nothing, at: At::Record(1), field: "postcode", says: "samen met de eigenschap 'huisnummer' vormt de waarde een adres", secret: Some("3941") },
];

/// Files that must be read: the corpus's legitimate files and the real seed files.
#[rustfmt::skip]
const ACCEPTED: &[(&str, Setup)] = &[
    ("personal_corpus/accepted/areas_code_naam_2017.geojson", Setup::Nothing),
    ("personal_corpus/accepted/areas_kleine_letters_naam_2017.geojson", Setup::Nothing),
    ("personal_corpus/accepted/areas_statnaam_name_2024.geojson", Setup::Nothing),
    ("personal_corpus/accepted/bvh_legitieme_kolommen.csv", Setup::Buurten),
    ("personal_corpus/accepted/odata_gewoon.json", Setup::Nothing),
    ("personal_corpus/accepted/population_gemeentenaam.csv", Setup::Nothing),
    ("../../../data/groningen-fietsdiefstallen-politie-2013-2017/fietsdiefstallen_groningen_BVH_2013-2017.csv", Setup::Buurten),
    ("../../../data/cbs-wijkbuurtkaart-2017-groningen/buurt2017.geojson", Setup::Nothing),
    ("../../../data/cbs-wijkbuurtkaart-2017-groningen/wijk2017.geojson", Setup::Nothing),
    ("../../../data/politie-47022ned-utrechtse-heuvelrug-maand/misdrijven_GM1581_2022MM12-2023MM11_coded.csv", Setup::Nothing),
    ("../../../data/politie-47022ned-utrechtse-heuvelrug-maand/misdrijven_GM1581_2022MM12-2023MM11_portal_export.csv", Setup::Nothing),
    ("../../../data/cbs-85984ned-bevolking-buurt-2024/Population85984_2024_buurt_AantalInwoners.csv", Setup::Nothing),
    ("../../../data/plan/voorbeeldplan_begroting_2014_2017.csv", Setup::Plan),
    ("../../../data/incident_codes.csv", Setup::Nothing),
];

fn tests_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests")
}

fn read(path: &Path, setup: Setup) -> Result<ImportBatch, buurtbeeld_ingest::ImportError> {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    read_file(path, &name, &ReadOptions::default(), context(setup))
}

fn context(setup: Setup) -> &'static Context {
    static NOTHING: OnceLock<Context> = OnceLock::new();
    static BUURTEN: OnceLock<Context> = OnceLock::new();
    static PLAN: OnceLock<Context> = OnceLock::new();
    match setup {
        Setup::Nothing => NOTHING.get_or_init(Context::default),
        Setup::Buurten => BUURTEN.get_or_init(buurten_context),
        Setup::Plan => PLAN.get_or_init(plan_context),
    }
}

fn data(path: &str) -> PathBuf {
    tests_dir().join("../../../data").join(path)
}

fn buurten_context() -> Context {
    let areas = read(
        &data("cbs-wijkbuurtkaart-2017-groningen/buurt2017.geojson"),
        Setup::Nothing,
    )
    .expect("the buurt map is read");
    let defaults = default_batch().expect("the defaults are read");
    Context {
        known_areas: areas.areas.iter().map(|a| a.code.clone()).collect(),
        buurt_geometries: areas
            .areas
            .iter()
            .filter(|a| a.level == AreaLevel::Buurt)
            .filter_map(|a| Some((a.code.clone(), a.geometry.clone()?)))
            .collect(),
        incident_codes: defaults
            .incident_codes
            .unwrap_or_default()
            .into_iter()
            .map(|c| (c.incident_code, c.category))
            .collect(),
        ..Context::default()
    }
}

fn plan_context() -> Context {
    let defaults = default_batch().expect("the defaults are read");
    let mut context = Context {
        theme_ids: defaults
            .themes
            .unwrap_or_default()
            .into_iter()
            .map(|t| t.id)
            .collect(),
        ..Context::default()
    };
    let plan = read_file(
        &data("plan/voorbeeldplan_groningen_2014_2017.toml"),
        "voorbeeldplan_groningen_2014_2017.toml",
        &ReadOptions::default(),
        &context,
    )
    .expect("the example plan is read");
    for plan in plan.plans {
        context.plans.insert(plan.id.clone(), plan);
    }
    context
}

#[test]
fn files_with_personal_data_are_refused_where_the_data_is() {
    let mut failures = Vec::new();
    for case in REFUSED {
        let path = tests_dir().join("personal_corpus/refused").join(case.file);
        assert!(path.is_file(), "missing corpus file {}", path.display());
        let error = match read(&path, case.setup) {
            Ok(_) => {
                failures.push(format!("{}: accepted", case.file));
                continue;
            }
            Err(e) => e,
        };
        let first = &error.problems[0];
        let (unit, line) = match case.at {
            At::Line(n) => ("regel", n),
            At::Feature(n) => ("feature", n),
            At::Record(n) => ("record", n),
        };
        let shown = first.to_string();
        let located = first.file == case.file
            && first.unit == unit
            && first.line == Some(line)
            && first.field.as_deref() == Some(case.field);
        let explained = shown.contains(case.says) && shown.contains("verwijder de");
        let discreet = case.secret.is_none_or(|s| !error.to_string().contains(s));
        if !(located && explained && discreet) {
            failures.push(format!(
                "{}: expected {unit} {line}, veld '{}', saying \"{}\"{}; got:\n{error}",
                case.file,
                case.field,
                case.says,
                case.secret
                    .map_or(String::new(), |s| format!(", without \"{s}\"")),
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn legitimate_files_and_the_real_seed_files_are_read() {
    let mut failures = Vec::new();
    for (file, setup) in ACCEPTED {
        let path = tests_dir().join(file);
        assert!(path.is_file(), "missing file {}", path.display());
        if let Err(e) = read(&path, *setup) {
            failures.push(format!("{file}:\n{e}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_corpus_file_is_in_a_table() {
    // A file added to the corpus without a case would test nothing.
    let listed = |dir: &str, file: &str| match dir {
        "refused" => REFUSED.iter().any(|c| c.file == file),
        _ => ACCEPTED
            .iter()
            .any(|(f, _)| *f == format!("personal_corpus/{dir}/{file}")),
    };
    for dir in ["refused", "accepted"] {
        for entry in std::fs::read_dir(tests_dir().join("personal_corpus").join(dir)).unwrap() {
            let file = entry.unwrap().file_name().to_string_lossy().into_owned();
            assert!(listed(dir, &file), "{dir}/{file} has no case");
        }
    }
}
