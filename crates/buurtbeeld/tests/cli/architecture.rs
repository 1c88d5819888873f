//! The invariants of ARCHITECTURE.md that a machine can check: crates depend on each other in
//! layer order only, each outside library is used by the one layer that owns its concern, and
//! no two files of a crate import each other (directly or around a loop).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The workspace crates from the bottom layer up; a crate may depend only on crates before it.
const LAYERS: [&str; 10] = [
    "buurtbeeld_cube",
    "buurtbeeld_stats",
    "buurtbeeld_ingest",
    "buurtbeeld_store",
    // Beside ingest and store: it reads the import log and writes files, nothing above it.
    "buurtbeeld_fetch",
    "buurtbeeld_analysis",
    "buurtbeeld_render",
    "buurtbeeld_document",
    "buurtbeeld_server",
    "buurtbeeld",
];

/// Outside libraries that only one layer may use (normal dependencies, not dev-dependencies).
const OWNERS: [(&str, &[&str]); 15] = [
    // ingest opens a GeoPackage (an SQLite file) read-only; only store writes SQL.
    ("rusqlite", &["buurtbeeld_store", "buurtbeeld_ingest"]),
    ("rusqlite_migration", &["buurtbeeld_store"]),
    ("encoding_rs", &["buurtbeeld_ingest"]),
    ("axum", &["buurtbeeld_server"]),
    ("tower-http", &["buurtbeeld_server"]),
    ("hyper", &["buurtbeeld_server"]),
    ("hyper-util", &["buurtbeeld_server"]),
    ("quick_cache", &["buurtbeeld_server"]),
    ("argon2", &["buurtbeeld_server"]),
    ("openidconnect", &["buurtbeeld_server"]),
    ("reqwest", &["buurtbeeld_server", "buurtbeeld_fetch"]),
    ("maud", &["buurtbeeld_render", "buurtbeeld_server"]),
    ("krilla", &["buurtbeeld_document"]),
    ("comfy-table", &["buurtbeeld_render"]),
    ("clap", &["buurtbeeld", "buurtbeeld_gen"]),
];

fn crates_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every workspace crate with the names of its normal dependencies.
fn dependencies() -> BTreeMap<String, BTreeSet<String>> {
    let mut crates = BTreeMap::new();
    for entry in std::fs::read_dir(crates_dir()).unwrap() {
        let manifest = entry.unwrap().path().join("Cargo.toml");
        let Ok(text) = std::fs::read_to_string(&manifest) else {
            continue;
        };
        let parsed: toml::Table = toml::from_str(&text).unwrap();
        let name = parsed["package"]["name"].as_str().unwrap().to_owned();
        let deps = parsed
            .get("dependencies")
            .and_then(toml::Value::as_table)
            .map(|t| t.keys().cloned().collect())
            .unwrap_or_default();
        crates.insert(name, deps);
    }
    crates
}

#[test]
fn crates_depend_on_lower_layers_only() {
    for (name, deps) in dependencies() {
        if name == "buurtbeeld_gen" {
            assert!(
                deps.iter().all(|d| !d.starts_with("buurtbeeld")),
                "{deps:?}"
            );
            continue;
        }
        let layer = LAYERS
            .iter()
            .position(|l| *l == name)
            .unwrap_or_else(|| panic!("{name} is not in LAYERS: give it its place"));
        for dep in deps.iter().filter(|d| d.starts_with("buurtbeeld")) {
            let dep_layer = LAYERS.iter().position(|l| l == dep).unwrap();
            assert!(
                dep_layer < layer,
                "{name} depends on {dep}, a layer at or above its own"
            );
        }
    }
}

#[test]
fn each_outside_concern_is_owned_by_one_layer() {
    for (name, deps) in dependencies() {
        for (library, owners) in OWNERS {
            assert!(
                !deps.contains(library) || owners.contains(&name.as_str()),
                "{name} depends on {library}, which only {owners:?} may use"
            );
        }
    }
}

/// The modules a source file imports through `crate::…` (the first path segment).
fn imported_modules(source: &str, modules: &BTreeSet<String>) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for (at, _) in source.match_indices("crate::") {
        let rest = &source[at + "crate::".len()..];
        let rest = rest.trim_start_matches('{').trim_start();
        let segment: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if modules.contains(&segment) {
            found.insert(segment);
        }
    }
    found
}

#[test]
fn no_two_files_of_a_crate_import_each_other() {
    for entry in std::fs::read_dir(crates_dir()).unwrap() {
        let src = entry.unwrap().path().join("src");
        let Ok(files) = std::fs::read_dir(&src) else {
            continue;
        };
        let mut sources = BTreeMap::new();
        for file in files {
            let path = file.unwrap().path();
            if path.extension().is_some_and(|e| e == "rs") {
                let module = path.file_stem().unwrap().to_string_lossy().into_owned();
                sources.insert(module, std::fs::read_to_string(&path).unwrap());
            }
        }
        let modules: BTreeSet<String> = sources.keys().cloned().collect();
        let graph: BTreeMap<&str, BTreeSet<String>> = sources
            .iter()
            .map(|(module, text)| {
                // Tests inside a file may reach anywhere; only the file's own code counts.
                let code: String = text
                    .split("#[cfg(test)]")
                    .next()
                    .unwrap_or_default()
                    .lines()
                    .filter(|line| !line.trim_start().starts_with("//"))
                    .collect::<Vec<_>>()
                    .join("\n");
                let mut imports = imported_modules(&code, &modules);
                imports.remove(module);
                (module.as_str(), imports)
            })
            .collect();
        if let Some(cycle) = find_cycle(&graph) {
            panic!("{}: the files import each other: {cycle:?}", src.display());
        }
    }
}

/// A loop in the import graph, as the modules along it; depth-first with colours.
fn find_cycle(graph: &BTreeMap<&str, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<&str, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|p| p == node) {
            let mut cycle = path[start..].to_vec();
            cycle.push(node.to_owned());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}
