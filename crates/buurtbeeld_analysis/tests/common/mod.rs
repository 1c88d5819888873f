//! The bundled real demo data imported once per test binary, the way `buurtbeeld demo` does;
//! shared by the use-case tests and the held-out checks on real months.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use buurtbeeld_cube::AreaLevel;
use buurtbeeld_ingest::{Context, ReadOptions};
use buurtbeeld_store::Store;
use tempfile::TempDir;

/// The demo files, as `buurtbeeld demo` lists them (crates/buurtbeeld/src/demo.rs).
pub const DEMO_FILES: [&str; 12] = [
    "cbs-wijkbuurtkaart-2017-groningen/wijk2017.geojson",
    "cbs-wijkbuurtkaart-2017-groningen/buurt2017.geojson",
    "groningen-fietsdiefstallen-politie-2013-2017/fietsdiefstallen_groningen_BVH_2013-2017.csv",
    "groningen-meldingen-synthetisch/signalen_meldingen_groningen_2013-2017.csv",
    "groningen-handhaving-synthetisch/handhaving-groningen.xlsx",
    "politie-47022ned-utrechtse-heuvelrug-maand/misdrijven_GM1581_2022MM12-2023MM11_coded.csv",
    "cbs-85984ned-bevolking-buurt-2024/Population85984_2024_buurt_AantalInwoners.csv",
    "plan/voorbeeldplan_groningen_2014_2017.toml",
    "plan/voorbeeldplan_acties_2015.toml",
    "plan/voorbeeldplan_acties_2016.toml",
    "plan/voorbeeldplan_begroting_2014_2017.csv",
    "plan/voorbeeld_interventie_stationsgebied_2015.toml",
];

/// The data directory of a store holding the demo data, imported once per test binary the way
/// `buurtbeeld import` does: the shipped themes first, then the files in one transaction,
/// boundaries and the plan before the files that refer to them.
pub fn demo_dir() -> &'static Path {
    static DEMO: OnceLock<TempDir> = OnceLock::new();
    DEMO.get_or_init(|| {
        // A static is never dropped: the store (2 MB) stays in target/tmp after the run.
        let dir = tempfile::Builder::new()
            .prefix("use-cases-demo-")
            .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
            .expect("a temporary dir");
        let mut store = Store::open(dir.path()).expect("a new store");
        let defaults = buurtbeeld_ingest::default_batch().expect("the shipped themes");
        store
            .import(&[defaults], &())
            .expect("importing the themes");

        let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data");
        let options = ReadOptions {
            release: "demo".to_owned(),
            imported_by: "use_cases test".to_owned(),
            ..ReadOptions::default()
        };
        let mut context = Context {
            known_areas: [
                AreaLevel::Land,
                AreaLevel::Gemeente,
                AreaLevel::Wijk,
                AreaLevel::Buurt,
            ]
            .into_iter()
            .flat_map(|level| store.areas_at(level).expect("areas"))
            .map(|a| a.code)
            .collect(),
            incident_codes: store.incident_codes().expect("incident codes"),
            theme_ids: store
                .themes()
                .expect("themes")
                .into_iter()
                .map(|t| t.id)
                .collect(),
            ..Context::default()
        };
        let mut files: Vec<PathBuf> = DEMO_FILES.iter().map(|f| data.join(f)).collect();
        files.sort_by_key(|path| {
            !buurtbeeld_ingest::detect_kind(path, &options).is_some_and(|k| k.is_reference())
        });
        let mut batches = Vec::new();
        for path in &files {
            let name = path.file_name().unwrap().to_string_lossy();
            let batch = buurtbeeld_ingest::read_file(path, &name, &options, &context)
                .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
            for area in &batch.areas {
                context.known_areas.insert(area.code.clone());
                if let (AreaLevel::Buurt, Some(geometry)) = (area.level, &area.geometry) {
                    context
                        .buurt_geometries
                        .push((area.code.clone(), geometry.clone()));
                }
            }
            for plan in &batch.plans {
                context.plans.insert(plan.id.clone(), plan.clone());
            }
            batches.push(batch);
        }
        store.import(&batches, &()).expect("importing the demo");
        dir
    })
    .path()
}

/// A read-only connection to the demo store, as the web server opens one per request.
pub fn store() -> Store {
    Store::open_read_only(demo_dir()).expect("the demo store")
}
