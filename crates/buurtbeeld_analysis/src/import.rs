//! Importing files into the store, the one way the command line and the browser both use:
//! read every file against what the store and the earlier files know, and write all of them in
//! one transaction, or nothing when any file is refused.

use std::path::PathBuf;

use buurtbeeld_cube::{AreaLevel, ImportBatch};
use buurtbeeld_ingest::{Context, ImportError, InputKind, ReadOptions};
use buurtbeeld_store::{ImportOutcome, Progress, Store, StoreError};

/// One file to import: where it is, and the name its errors and the import log use (the
/// browser's upload has a temporary path but the user's file name).
#[derive(Debug, Clone)]
pub struct ImportFile {
    pub path: PathBuf,
    pub name: String,
}

/// Why nothing was imported.
#[derive(Debug, thiserror::Error)]
pub enum ImportFailure {
    /// Files were refused; each error names its file, line and field.
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Refused(Vec<ImportError>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Reads every file, then writes them all in one transaction. `reading` hears each file's
/// name before it is read (the command line's spinner); `progress` the cells written.
pub fn import_files(
    store: &mut Store,
    files: &[ImportFile],
    options: &ReadOptions,
    reading: &mut dyn FnMut(&str, bool),
    progress: &dyn Progress,
) -> Result<Vec<ImportOutcome>, ImportFailure> {
    let batches = read_files(store, files, options, reading)?;
    Ok(store.import(&batches, progress)?)
}

/// Reads every file (nothing is written); all refusals are collected, not just the first.
/// `reading(name, done)` is told when each file starts and ends.
pub fn read_files(
    store: &Store,
    files: &[ImportFile],
    options: &ReadOptions,
    reading: &mut dyn FnMut(&str, bool),
) -> Result<Vec<ImportBatch>, ImportFailure> {
    let files: Vec<(ImportFile, ReadOptions)> = files
        .iter()
        .map(|file| (file.clone(), options.clone()))
        .collect();
    read_each(store, &files, reading)
}

/// Like [`import_files`], with each file read by its own options: a fetch records each table's
/// own release and each population table's own year, and still writes all in one transaction.
pub fn import_each(
    store: &mut Store,
    files: &[(ImportFile, ReadOptions)],
    reading: &mut dyn FnMut(&str, bool),
    progress: &dyn Progress,
) -> Result<Vec<ImportOutcome>, ImportFailure> {
    let batches = read_each(store, files, reading)?;
    Ok(store.import(&batches, progress)?)
}

/// Like [`read_files`], with each file's own options.
pub fn read_each(
    store: &Store,
    files: &[(ImportFile, ReadOptions)],
    reading: &mut dyn FnMut(&str, bool),
) -> Result<Vec<ImportBatch>, ImportFailure> {
    let mut context = import_context(store)?;
    let mut batches = Vec::new();
    let mut refused = Vec::new();
    // Files that others refer to come first, whatever order they were named in.
    let mut files = files.to_vec();
    files.sort_by_key(|(file, options)| {
        !buurtbeeld_ingest::detect_kind(&file.path, options).is_some_and(InputKind::is_reference)
    });
    for (file, options) in &files {
        reading(&file.name, false);
        let result = buurtbeeld_ingest::read_file(&file.path, &file.name, options, &context);
        reading(&file.name, true);
        match result {
            Ok(batch) => {
                learn_from(&mut context, &batch);
                batches.push(batch);
            }
            Err(error) => refused.push(error),
        }
    }
    if refused.is_empty() {
        Ok(batches)
    } else {
        Err(ImportFailure::Refused(refused))
    }
}

/// What the readers need to know of the store: its areas, buurt polygons, incident codes,
/// themes and plans.
pub fn import_context(store: &Store) -> Result<Context, StoreError> {
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

/// What a file read earlier in the same import tells the files after it: a boundary file
/// serves an incident export, a plan file its action and budget files, a themes file a plan.
fn learn_from(context: &mut Context, batch: &ImportBatch) {
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
    if let Some(themes) = &batch.themes {
        context.theme_ids = themes.iter().map(|t| t.id.clone()).collect();
    }
}
