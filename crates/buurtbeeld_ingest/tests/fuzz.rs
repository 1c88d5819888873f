//! Fuzzing every reader through `read_file`: real seed files (`tests/fuzz_seeds/`), damaged by
//! byte, line and field mutations, must be read or refused, never panic; a refusal names the
//! file and gives each problem a line or field (except the whole-file refusals and known gaps
//! listed in `common`); an accepted coded CSV says what a plain reading of it says; and a
//! refused import leaves the store as it was, while an accepted one stores what reads back.
//!
//! Each property runs `PROPTEST_CASES` cases (200 unless set) so that the suite stays quick; the
//! long campaign is `examples/fuzz_campaign.rs`.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

use buurtbeeld_cube::{AreaLevel, ImportBatch, Period, Value};
use buurtbeeld_ingest::{default_batch, read_file, Context, InputKind, ReadOptions};
use buurtbeeld_store::Store;
use common::{
    learn, mutate, read_input, reference_context, refusal_faults, Mutation, Reader, READERS,
};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

/// Cases per property: `PROPTEST_CASES`, or few enough to keep the suite quick in debug builds.
fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    ProptestConfig {
        cases,
        // Failures become named regression tests, not files next to the source.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn mutation() -> impl Strategy<Value = Mutation> {
    (any::<u8>(), any::<u32>(), any::<u32>(), any::<u8>())
        .prop_map(|(choice, a, b, c)| Mutation::from_parts(choice, a, b, c))
}

/// The damage done to one seed, and whether the reader is detected rather than forced.
#[derive(Debug, Clone)]
struct Case {
    mutations: Vec<Mutation>,
    detect: bool,
}

fn case() -> impl Strategy<Value = Case> {
    (
        prop::collection::vec(mutation(), 1..=4),
        prop::bool::weighted(0.25),
    )
        .prop_map(|(mutations, detect)| Case { mutations, detect })
}

fn context() -> &'static Context {
    static CONTEXT: OnceLock<Context> = OnceLock::new();
    CONTEXT.get_or_init(reference_context)
}

/// Reads the damaged seed: a panic or a refusal that breaks the rules fails the case.
fn read_damaged(reader: &Reader, case: &Case) -> Result<Option<ImportBatch>, TestCaseError> {
    let input = mutate(&reader.seed_bytes(), &case.mutations, reader.syntax);
    let dir = tempfile::tempdir().map_err(|e| TestCaseError::fail(e.to_string()))?;
    match read_input(dir.path(), reader, &input, case.detect, context()) {
        Err(panic) => Err(TestCaseError::fail(format!(
            "{} panicked: {panic}",
            reader.name
        ))),
        Ok(Ok(batch)) => Ok(Some(batch)),
        Ok(Err(error)) => {
            let faults = refusal_faults(&error, reader.seed);
            prop_assert!(
                faults.is_empty(),
                "{}: {faults:?}\nthe refusal:\n{error}",
                reader.name
            );
            Ok(None)
        }
    }
}

#[test]
fn every_seed_is_read_as_it_is_forced_or_detected() {
    for reader in READERS {
        for detect in [false, true] {
            let batch = read_file(
                &reader.seed_path(),
                reader.seed,
                &reader.options(detect),
                context(),
            );
            assert!(
                batch.is_ok(),
                "{} (detect: {detect}): {}",
                reader.seed,
                batch.unwrap_err()
            );
        }
    }
}

/// One property per reader, so that a failure names the reader and the readers run in
/// parallel.
macro_rules! damaged_inputs_are_read_or_refused_with_locations {
    ($($test:ident => $reader:literal),* $(,)?) => {
        proptest! {
            #![proptest_config(config())]
            $(
                #[test]
                fn $test(case in case()) {
                    let reader = Reader::by_name($reader).expect("a reader of READERS");
                    read_damaged(&reader, &case)?;
                }
            )*
        }
    };
}

damaged_inputs_are_read_or_refused_with_locations! {
    damaged_politie_coded_csv => "politie-coded-csv",
    damaged_politie_portal_csv => "politie-portal-csv",
    damaged_politie_odata_json => "politie-odata-json",
    damaged_population_csv => "population-csv",
    damaged_population_odata_json => "population-odata-json",
    damaged_areas_geojson => "areas-geojson",
    damaged_areas_shapefile => "areas-shapefile",
    damaged_areas_geopackage => "areas-geopackage",
    damaged_bvh_incidents => "bvh-incidents",
    damaged_themes_toml => "themes-toml",
    damaged_incident_codes_csv => "incident-codes-csv",
    damaged_plan_toml => "plan-toml",
    damaged_actions_toml => "actions-toml",
    damaged_intervention_toml => "intervention-toml",
    damaged_budget_csv => "budget-csv",
    damaged_signalen_csv => "signalen-csv",
    damaged_signalen_datawarehouse_csv => "signalen-datawarehouse-csv",
    damaged_signalen_geojson => "signalen-geojson",
    damaged_registrations_csv => "registrations-csv",
    damaged_registrations_xlsx => "registrations-xlsx",
}

/// A cell: area, category, and the period as (year, month; 0 for a year).
type Cell = (String, String, (i32, u32));

/// The cells of a coded CSV as a plain reading of the published format says: UTF-8,
/// `;`-separated, records end at `\n`, the first line names the columns, fields are trimmed,
/// an empty or `.` count is withheld, a count may be written `37.0`, and a repeated cell must
/// agree.
fn independent_reading(bytes: &[u8]) -> Result<BTreeMap<Cell, Value>, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut csv = csv::ReaderBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::Any(b'\n'))
        .from_reader(bytes);
    // Only the four columns' names matter; another column's name may be any bytes.
    let headers: Vec<String> = csv
        .byte_headers()
        .map_err(|e| e.to_string())?
        .iter()
        .map(|h| String::from_utf8_lossy(h).trim().to_owned())
        .collect();
    let column = |wanted: &dyn Fn(&str) -> bool| {
        headers
            .iter()
            .position(|h| wanted(h))
            .ok_or("a column is missing")
    };
    let category = column(&|h| h == "SoortMisdrijf")?;
    let area = column(&|h| h == "WijkenEnBuurten")?;
    let period = column(&|h| h == "Perioden")?;
    let count = column(&|h| h.starts_with("GeregistreerdeMisdrijven"))?;
    let mut cells = BTreeMap::new();
    for record in csv.records() {
        let record = record.map_err(|e| e.to_string())?;
        let field = |i: usize| record.get(i).unwrap_or("").trim();
        let key = (
            field(area).to_owned(),
            field(category).to_owned(),
            period_key(field(period)).ok_or("not a period")?,
        );
        let value = match field(count) {
            "" | "." => Value::Withheld,
            text => {
                let whole: i64 = text
                    .strip_suffix(".0")
                    .unwrap_or(text)
                    .parse()
                    .map_err(|_| format!("'{text}' is not a whole number"))?;
                Value::Count(u32::try_from(whole).map_err(|_| format!("'{text}' is no count"))?)
            }
        };
        if cells.insert(key, value).is_some_and(|old| old != value) {
            return Err("a cell is given twice with different values".to_owned());
        }
    }
    Ok(cells)
}

/// `2023MM01` as (2023, 1), `2023JJ00` as (2023, 0).
fn period_key(text: &str) -> Option<(i32, u32)> {
    if text.len() != 8 || !text.is_ascii() {
        return None;
    }
    let year = text[..4].parse().ok()?;
    let number = text[6..].parse().ok()?;
    match &text[4..6] {
        "MM" if (1..=12).contains(&number) => Some((year, number)),
        "JJ" if number == 0 => Some((year, 0)),
        _ => None,
    }
}

/// The cells of a batch, keyed as `independent_reading` keys them.
fn batch_cells(batch: &ImportBatch) -> BTreeMap<Cell, Value> {
    let mut cells = BTreeMap::new();
    for (key, series) in &batch.series {
        for (ordinal, value) in series.iter() {
            let period = match Period::from_ordinal(key.frequency, ordinal) {
                Period::Month { year, month } => (year, month),
                Period::Year(year) => (year, 0),
            };
            let cell = (
                key.area.as_str().to_owned(),
                key.category.as_str().to_owned(),
                period,
            );
            cells.insert(cell, value);
        }
    }
    cells
}

proptest! {
    #![proptest_config(config())]

    /// What the coded CSV reader accepts, it reads as the format says: every cell of the file
    /// with its value, and nothing else.
    #[test]
    fn an_accepted_coded_csv_equals_an_independent_reading(case in case()) {
        let reader = Reader::by_name("politie-coded-csv").expect("a reader of READERS");
        let case = Case { detect: false, ..case };
        if let Some(batch) = read_damaged(&reader, &case)? {
            let input = mutate(&reader.seed_bytes(), &case.mutations, reader.syntax);
            let expected = independent_reading(&input);
            prop_assert!(expected.is_ok(), "accepted, but {:?}", expected);
            prop_assert_eq!(batch_cells(&batch), expected.unwrap());
        }
    }
}

/// A count above what a series cell holds (`i32`) was accepted and kept as 2147483647 (#16).
#[test]
fn a_count_too_large_for_a_series_is_refused_not_clamped() {
    let dir = tempfile::tempdir().unwrap();
    let read = |name: &str, text: String| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        read_file(&path, name, &ReadOptions::default(), context())
    };
    let csv = |count: &str| {
        format!(
            "SoortMisdrijf;WijkenEnBuurten;Perioden;GeregistreerdeMisdrijven_1\n\
             0.0.0;GM1581;2023MM01;{count}\n"
        )
    };
    let odata = |count: &str| {
        format!(
            r#"{{"value": [{{"SoortMisdrijf": "0.0.0", "WijkenEnBuurten": "GM1581",
                "Perioden": "2023MM01", "GeregistreerdeMisdrijven_1": {count}}}]}}"#
        )
    };
    for (name, text) in [
        ("largest.csv", csv("2147483647")),
        ("largest.json", odata("2147483647")),
    ] {
        let batch = read(name, text).unwrap();
        let values: Vec<Value> = batch_cells(&batch).into_values().collect();
        assert_eq!(values, [Value::Count(2_147_483_647)], "{name}");
    }
    for (name, text, line) in [
        ("too-large.csv", csv("2147483648"), 2),
        ("too-large.json", odata("4294967295"), 1),
    ] {
        let error = read(name, text).unwrap_err();
        let problem = &error.problems[0];
        assert_eq!(error.problems.len(), 1, "{error}");
        assert_eq!(problem.line, Some(line), "{error}");
        assert_eq!(
            problem.field.as_deref(),
            Some("GeregistreerdeMisdrijven_1"),
            "{error}"
        );
    }
}

/// The context the command line gives readers: what the store knows.
fn store_context(store: &Store) -> Result<Context, buurtbeeld_store::StoreError> {
    let mut known_areas = std::collections::BTreeSet::new();
    for level in [
        AreaLevel::Land,
        AreaLevel::Gemeente,
        AreaLevel::Wijk,
        AreaLevel::Buurt,
    ] {
        known_areas.extend(store.areas_at(level)?.into_iter().map(|a| a.code));
    }
    Ok(Context {
        known_areas,
        buurt_geometries: store.buurt_geometries()?,
        incident_codes: store.incident_codes()?,
        theme_ids: store.themes()?.into_iter().map(|t| t.id).collect(),
        plans: store
            .plans()?
            .into_iter()
            .map(|p| (p.id.clone(), p))
            .collect(),
    })
}

/// A store holding the shipped defaults and every seed, as one `import` command of all seeds
/// leaves it, kept as a template to restore after an import that changed the working copy.
struct World {
    template: tempfile::TempDir,
    work: tempfile::TempDir,
    /// The working store with its context and dump, until an import changes it.
    open: Option<(Store, Context, String)>,
}

impl World {
    fn new() -> World {
        let template = tempfile::tempdir().unwrap();
        {
            let mut store = Store::open(template.path()).unwrap();
            store.import(&[default_batch().unwrap()], &()).unwrap();
            let mut context = store_context(&store).unwrap();
            let mut readers = READERS.to_vec();
            readers.sort_by_key(|r| !r.kind.is_reference());
            let batches: Vec<ImportBatch> = readers
                .iter()
                .map(|reader| {
                    let batch = read_file(
                        &reader.seed_path(),
                        reader.seed,
                        &reader.options(false),
                        &context,
                    )
                    .unwrap_or_else(|e| panic!("{}: {e}", reader.seed));
                    learn(&mut context, &batch);
                    batch
                })
                .collect();
            store.import(&batches, &()).unwrap();
            // Dropped here: closing the last connection folds the WAL into the file.
        }
        World {
            template,
            work: tempfile::tempdir().unwrap(),
            open: None,
        }
    }

    /// The working store, restored from the template if an import changed it.
    fn store(&mut self) -> &mut (Store, Context, String) {
        if self.open.is_none() {
            for file in std::fs::read_dir(self.work.path()).unwrap() {
                std::fs::remove_file(file.unwrap().path()).unwrap();
            }
            for file in std::fs::read_dir(self.template.path()).unwrap() {
                let file = file.unwrap();
                std::fs::copy(file.path(), self.work.path().join(file.file_name())).unwrap();
            }
            let store = Store::open(self.work.path()).unwrap();
            let context = store_context(&store).unwrap();
            let dump = store.dump().unwrap();
            self.open = Some((store, context, dump));
        }
        self.open.as_mut().expect("opened above")
    }
}

/// A file that is read and stored in the same command as the damaged one, and goes first, so
/// that a failing store write has something to roll back.
fn companion(dir: &Path, context: &Context) -> ImportBatch {
    let reader = Reader::by_name("population-csv").expect("a reader of READERS");
    let path = dir.join(format!("companion-{}", reader.seed));
    let mut bytes = reader.seed_bytes();
    // A comment makes the bytes, and so the checksum, new: the import is not skipped.
    bytes.extend_from_slice(b"# companion\n");
    std::fs::write(&path, bytes).unwrap();
    read_file(&path, reader.seed, &reader.options(false), context).expect("a valid file")
}

proptest! {
    #![proptest_config(config())]

    /// An `import` of the companion and a damaged seed into a store that holds every seed:
    /// when the damaged file is refused, or the store refuses the write, the store's content is
    /// what it was; an accepted file is stored, and what it stored reads back.
    #[test]
    fn a_refused_import_changes_nothing(
        index in 0..READERS.len(),
        case in case(),
    ) {
        static WORLD: OnceLock<std::sync::Mutex<World>> = OnceLock::new();
        let mut world = WORLD
            .get_or_init(|| std::sync::Mutex::new(World::new()))
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let reader = READERS[index];
        let input = mutate(&reader.seed_bytes(), &case.mutations, reader.syntax);
        let dir = tempfile::tempdir().unwrap();
        let (store, context, before) = world.store();
        let companion = companion(dir.path(), context);
        let reading = read_input(dir.path(), &reader, &input, case.detect, context);
        let stored = match reading {
            Err(panic) => {
                return Err(TestCaseError::fail(format!("{} panicked: {panic}", reader.name)))
            }
            // Like the command line: a refused file means nothing is written.
            Ok(Err(_)) => Ok(false),
            Ok(Ok(batch)) => store.import(&[companion, batch], &()).map(|_| true),
        };
        if let Ok(true) = stored {
            // What was stored must read back: the next command starts by asking for it.
            let read_back = store_context(store).and_then(|_| {
                store.interventions()?;
                for plan in store.plans()? {
                    store.action_sets(&plan.id)?;
                    store.budget(&plan.id)?;
                }
                Ok(())
            });
            prop_assert!(read_back.is_ok(), "{} stored what does not read back: {:?}", reader.name, read_back);
            world.open = None;
        } else {
            prop_assert_eq!(&store.dump().unwrap(), before, "{} changed the store", reader.name);
        }
        // A failed write leaves the store as it was, but the user then reads an SQL error
        // (exit code 2) instead of a problem with its line: the reader should have refused.
        prop_assert!(stored.is_ok(), "{} accepted what the store refuses: {:?}", reader.name, stored);
    }
}

/// Every input kind has a seed, so that a new reader is fuzzed from the day it is added.
#[test]
fn every_input_kind_is_fuzzed() {
    for kind in InputKind::ALL {
        assert!(
            READERS.iter().any(|r| r.kind == kind),
            "{} has no seed",
            kind.name()
        );
    }
}
