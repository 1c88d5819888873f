//! Writing import batches: one transaction for all files of one `import` command.

use buurtbeeld_cube::{Frequency, ImportBatch, Period, Series, SeriesKey, Value};
use rusqlite::{params, OptionalExtension, Transaction};

use crate::codec::{decode_cells, decode_imports, encode_cells, encode_imports};
use crate::{Result, Store};

/// Test-only fault injection: abort the process (no unwinding, no cleanup) after writing this
/// many series, to prove that a killed import leaves the store as it was.
const ABORT_AFTER_SERIES_ENV: &str = "BUURTBEELD_FAILPOINT_ABORT_AFTER_SERIES";

/// What one file's import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportOutcome {
    pub file: String,
    /// `None` when the same bytes were imported before and nothing was done.
    pub import_id: Option<i64>,
    pub table_id: String,
    pub rows: u64,
    pub areas: usize,
    pub cells_new: u64,
    pub cells_changed: u64,
    pub cells_unchanged: u64,
    pub population_rows: usize,
    /// Registrations (incidents, reports) added, and those that replaced a record of the same
    /// source and id from an earlier export.
    pub incidents_new: u64,
    pub incidents_replaced: u64,
    /// First and last period of the file's cells, e.g. `2013-01 – 2016-06`.
    pub period_covered: Option<String>,
    pub notes: Vec<String>,
}

/// Receives progress in cells written; the CLI draws a progress bar with it.
pub trait Progress {
    fn advance(&self, cells: u64);
}

impl Progress for () {
    fn advance(&self, _cells: u64) {}
}

impl Store {
    /// Writes all batches in one transaction. A batch whose checksum was imported before is
    /// skipped; if anything fails, nothing is written.
    pub fn import(
        &mut self,
        batches: &[ImportBatch],
        progress: &dyn Progress,
    ) -> Result<Vec<ImportOutcome>> {
        let abort_after = std::env::var(ABORT_AFTER_SERIES_ENV)
            .ok()
            .and_then(|v| v.parse::<u64>().ok());
        let tx = self.conn.transaction()?;
        let mut written_series = 0u64;
        let mut outcomes = Vec::with_capacity(batches.len());
        for batch in batches {
            let outcome = import_batch(&tx, batch, progress, &mut |tx| {
                written_series += 1;
                if abort_after == Some(written_series) {
                    // Make sure the partial write really reached SQLite before dying.
                    let _ = tx.cache_flush();
                    std::process::abort();
                }
            })?;
            outcomes.push(outcome);
        }
        tx.commit()?;
        Ok(outcomes)
    }
}

fn import_batch(
    tx: &Transaction<'_>,
    batch: &ImportBatch,
    progress: &dyn Progress,
    after_series: &mut dyn FnMut(&Transaction<'_>),
) -> Result<ImportOutcome> {
    let source = batch
        .source
        .clone()
        .expect("an import batch always names its source");
    let mut outcome = ImportOutcome {
        file: source.file.clone(),
        table_id: source.table_id.clone(),
        rows: source.rows,
        notes: batch.notes.clone(),
        ..ImportOutcome::default()
    };
    let seen: bool = tx
        .query_row(
            "SELECT 1 FROM imports WHERE checksum = ?1",
            [&source.checksum],
            |_| Ok(()),
        )
        .optional()?
        .is_some();
    if seen {
        outcome
            .notes
            .push("this file was imported before; nothing changed".to_owned());
        return Ok(outcome);
    }
    let now = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    tx.execute(
        "INSERT INTO imports (file, kind, table_id, release, imported_at, rows, checksum, summary,
             imported_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, '', ?8)",
        params![
            source.file,
            source.kind,
            source.table_id,
            source.release,
            now,
            source.rows as i64,
            source.checksum,
            source.imported_by
        ],
    )?;
    let import_id = tx.last_insert_rowid();
    outcome.import_id = Some(import_id);
    crate::accounts::append_audit(
        tx,
        &source.imported_by,
        "import",
        &source.file,
        &format!("{} ({} regels)", source.kind, source.rows),
    )?;

    write_areas(tx, batch, import_id)?;
    outcome.areas = batch.areas.len();
    write_categories_themes_codes(tx, batch, import_id)?;
    outcome.population_rows = batch.population.len();
    for p in &batch.population {
        tx.prepare_cached(
            "INSERT INTO population (area, year, inhabitants, source, import_id)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (area, year) DO UPDATE SET inhabitants = excluded.inhabitants,
                 source = excluded.source, import_id = excluded.import_id",
        )?
        .execute(params![
            p.area.as_str(),
            p.year,
            p.inhabitants,
            p.source,
            import_id
        ])?;
    }
    write_plan_documents(tx, batch, import_id)?;
    let incidents = crate::incidents::write_incidents(tx, &batch.incidents, import_id)?;
    outcome.incidents_new = incidents.new;
    outcome.incidents_replaced = incidents.replaced;
    outcome.period_covered = period_covered(batch);
    let existing = existing_series(tx, batch)?;
    for (key, series) in &batch.series {
        let counts = if existing.contains(&(
            key.source.as_str(),
            key.area.as_str(),
            key.category.as_str(),
            key.frequency.as_str(),
        )) {
            merge_series(tx, key, series, import_id)?
        } else {
            insert_series(tx, key, series, import_id)?
        };
        outcome.cells_new += counts.new;
        outcome.cells_changed += counts.changed;
        outcome.cells_unchanged += counts.unchanged;
        progress.advance(series.len() as u64);
        after_series(tx);
    }
    let summary = serde_json::to_string(&outcome).unwrap_or_default();
    tx.execute(
        "UPDATE imports SET summary = ?1 WHERE id = ?2",
        params![summary, import_id],
    )?;
    Ok(outcome)
}

fn write_areas(tx: &Transaction<'_>, batch: &ImportBatch, import_id: i64) -> Result<()> {
    let mut upsert = tx.prepare_cached(
        "INSERT INTO areas (code, name, level, parent, indeling_year, geometry, import_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (code) DO UPDATE SET name = excluded.name, level = excluded.level,
             parent = excluded.parent,
             indeling_year = coalesce(excluded.indeling_year, areas.indeling_year),
             geometry = coalesce(excluded.geometry, areas.geometry),
             import_id = excluded.import_id",
    )?;
    let mut insert_if_new = tx.prepare_cached(
        "INSERT INTO areas (code, name, level, parent, indeling_year, geometry, import_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (code) DO NOTHING",
    )?;
    // Only a boundary file's own records (authoritative, with year and geometry) are an
    // indeling; a re-import of the same indeling replaces its rows.
    let mut boundary = tx.prepare_cached(
        "INSERT INTO area_boundaries (code, indeling_year, level, name, parent, geometry, import_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (code, indeling_year) DO UPDATE SET level = excluded.level,
             name = excluded.name, parent = excluded.parent, geometry = excluded.geometry,
             import_id = excluded.import_id",
    )?;
    for a in &batch.areas {
        if let (true, Some(year), Some(geometry)) =
            (a.authoritative, a.indeling_year, a.geometry.as_ref())
        {
            boundary.execute(params![
                a.code.as_str(),
                year,
                a.level.as_str(),
                a.name,
                a.parent.as_ref().map(|p| p.as_str()),
                geometry,
                import_id
            ])?;
        }
        let stmt = if a.authoritative {
            &mut upsert
        } else {
            &mut insert_if_new
        };
        stmt.execute(params![
            a.code.as_str(),
            a.name,
            a.level.as_str(),
            a.parent.as_ref().map(|p| p.as_str()),
            a.indeling_year,
            a.geometry,
            import_id
        ])?;
    }
    Ok(())
}

fn write_categories_themes_codes(
    tx: &Transaction<'_>,
    batch: &ImportBatch,
    import_id: i64,
) -> Result<()> {
    for c in &batch.categories {
        tx.prepare_cached(
            "INSERT INTO categories (code, label, parent, description, import_id)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (code) DO UPDATE SET label = excluded.label, parent = excluded.parent,
                 description = excluded.description, import_id = excluded.import_id",
        )?
        .execute(params![
            c.code.as_str(),
            c.label,
            c.code.group(),
            c.description,
            import_id
        ])?;
    }
    if let Some(themes) = &batch.themes {
        tx.execute("DELETE FROM themes", [])?;
        for (position, theme) in themes.iter().enumerate() {
            tx.execute(
                "INSERT INTO themes (id, position, name, description, bbv_indicator, import_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    theme.id,
                    position as i64,
                    theme.name,
                    theme.description,
                    theme.bbv_indicator,
                    import_id
                ],
            )?;
            for category in &theme.categories {
                tx.execute(
                    "INSERT INTO theme_categories (theme_id, category) VALUES (?1, ?2)",
                    params![theme.id, category.as_str()],
                )?;
            }
            for (source, categories) in &theme.sources {
                for category in categories {
                    tx.execute(
                        "INSERT INTO theme_source_categories (theme_id, source, category)
                         VALUES (?1, ?2, ?3)",
                        params![theme.id, source, category],
                    )?;
                }
            }
        }
    }
    if let Some(codes) = &batch.incident_codes {
        tx.execute("DELETE FROM incident_codes", [])?;
        for c in codes {
            tx.execute(
                "INSERT INTO incident_codes (incident_code, label, category, import_id)
                 VALUES (?1, ?2, ?3, ?4)",
                params![c.incident_code, c.label, c.category.as_str(), import_id],
            )?;
        }
    }
    Ok(())
}

fn period_covered(batch: &ImportBatch) -> Option<String> {
    let (mut first, mut last) = (None::<(i64, Frequency)>, None::<(i64, Frequency)>);
    for (key, series) in &batch.series {
        let mut cells = series.iter();
        if let Some((p, _)) = cells.next() {
            first = Some(first.map_or((p, key.frequency), |f| {
                if p < f.0 {
                    (p, key.frequency)
                } else {
                    f
                }
            }));
        }
        if let Some((p, _)) = series.iter().last() {
            last = Some(last.map_or((p, key.frequency), |l| {
                if p > l.0 {
                    (p, key.frequency)
                } else {
                    l
                }
            }));
        }
    }
    let (first, last) = (first?, last?);
    Some(format!(
        "{} – {}",
        Period::from_ordinal(first.1, first.0),
        Period::from_ordinal(last.1, last.0)
    ))
}

type KeyRef<'a> = (&'a str, &'a str, &'a str, &'a str);

/// The keys of the batch that already have a series in the store, found with one query per
/// source and frequency rather than one per series: a national import writes a million series.
fn existing_series<'a>(
    tx: &Transaction<'_>,
    batch: &'a ImportBatch,
) -> Result<std::collections::HashSet<KeyRef<'a>>> {
    let mut found = std::collections::HashSet::new();
    let sources: std::collections::BTreeSet<(&str, &str)> = batch
        .series
        .keys()
        .map(|k| (k.source.as_str(), k.frequency.as_str()))
        .collect();
    for (source, frequency) in sources {
        let mut stmt = tx.prepare_cached(
            "SELECT area, category FROM series WHERE source = ?1 AND frequency = ?2",
        )?;
        let stored: std::collections::HashSet<(String, String)> = stmt
            .query_map(params![source, frequency], |row| {
                Ok((row.get(0)?, row.get(1)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        if stored.is_empty() {
            continue;
        }
        for key in batch.series.keys() {
            if key.source == source
                && key.frequency.as_str() == frequency
                && stored.contains(&(
                    key.area.as_str().to_owned(),
                    key.category.as_str().to_owned(),
                ))
            {
                found.insert((
                    key.source.as_str(),
                    key.area.as_str(),
                    key.category.as_str(),
                    key.frequency.as_str(),
                ));
            }
        }
    }
    Ok(found)
}

fn insert_series(
    tx: &Transaction<'_>,
    key: &SeriesKey,
    incoming: &Series,
    import_id: i64,
) -> Result<CellCounts> {
    let (first, _) = incoming.packed();
    tx.prepare_cached(
        "INSERT INTO series (source, area, category, frequency, first_period, cells, import_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        key.source,
        key.area.as_str(),
        key.category.as_str(),
        key.frequency.as_str(),
        first,
        encode_cells(incoming),
        import_id
    ])?;
    Ok(CellCounts {
        new: incoming.len() as u64,
        ..CellCounts::default()
    })
}

#[derive(Debug, Default)]
struct CellCounts {
    new: u64,
    changed: u64,
    unchanged: u64,
}

fn merge_series(
    tx: &Transaction<'_>,
    key: &SeriesKey,
    incoming: &Series,
    import_id: i64,
) -> Result<CellCounts> {
    let existing = tx
        .prepare_cached(
            "SELECT id, first_period, cells, import_id, cell_imports FROM series
             WHERE source = ?1 AND area = ?2 AND category = ?3 AND frequency = ?4",
        )?
        .query_row(
            params![
                key.source,
                key.area.as_str(),
                key.category.as_str(),
                key.frequency.as_str()
            ],
            |row| {
                Ok((
                    row.get::<_, i64>(0)?,
                    row.get::<_, i64>(1)?,
                    row.get::<_, Vec<u8>>(2)?,
                    row.get::<_, i64>(3)?,
                    row.get::<_, Option<Vec<u8>>>(4)?,
                ))
            },
        )
        .optional()?;
    let Some((id, first, cells, series_import, cell_imports)) = existing else {
        return insert_series(tx, key, incoming, import_id);
    };

    let mut merged = decode_cells(first, &cells);
    let old_imports = cell_imports.map(|blob| decode_imports(&blob));
    let import_of = |period: i64| -> i64 {
        old_imports
            .as_ref()
            .and_then(|ids| ids.get((period - first) as usize))
            .map_or(series_import, |&id| i64::from(id))
    };
    // Per-cell provenance: which import said each cell's current value.
    let mut provenance: std::collections::BTreeMap<i64, i64> =
        merged.iter().map(|(p, _)| (p, import_of(p))).collect();
    let mut counts = CellCounts::default();
    for (period, value) in incoming.iter() {
        match merged.insert(period, value) {
            None => {
                counts.new += 1;
                provenance.insert(period, import_id);
            }
            Some(old) if old == value => counts.unchanged += 1,
            Some(old) => {
                counts.changed += 1;
                tx.prepare_cached(
                    "INSERT INTO revisions (source, area, category, frequency, period, old_value,
                         old_import, new_import)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                )?
                .execute(params![
                    key.source,
                    key.area.as_str(),
                    key.category.as_str(),
                    key.frequency.as_str(),
                    period,
                    old_value(old),
                    provenance[&period],
                    import_id
                ])?;
                provenance.insert(period, import_id);
            }
        }
    }
    if counts.new == 0 && counts.changed == 0 {
        return Ok(counts);
    }
    let (new_first, dense) = merged.packed();
    let ids: Vec<u32> = (0..dense.len() as i64)
        .map(|i| provenance.get(&(new_first + i)).map_or(0, |&id| id as u32))
        .collect();
    let uniform = provenance.values().all(|&id| id == import_id);
    tx.prepare_cached(
        "UPDATE series SET first_period = ?1, cells = ?2, import_id = ?3, cell_imports = ?4
         WHERE id = ?5",
    )?
    .execute(params![
        new_first,
        encode_cells(&merged),
        import_id,
        (!uniform).then(|| encode_imports(&ids)),
        id
    ])?;
    Ok(counts)
}

fn old_value(value: Value) -> Option<i64> {
    value.count().map(i64::from)
}

/// Appends each plan, action set, budget year and intervention as a new version.
fn write_plan_documents(tx: &Transaction<'_>, batch: &ImportBatch, import_id: i64) -> Result<()> {
    let insert = |kind: &str, plan: &str, year: i32, body: String| -> Result<()> {
        tx.prepare_cached(
            "INSERT INTO plan_documents (kind, plan_id, year, body, import_id)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![kind, plan, year, body, import_id])?;
        Ok(())
    };
    for plan in &batch.plans {
        insert("plan", &plan.id, 0, json(plan))?;
    }
    for set in &batch.actions {
        insert("actions", &set.plan, set.year, json(set))?;
    }
    for budget in &batch.budgets {
        insert("budget", &budget.plan, budget.year, json(budget))?;
    }
    // Interventions are versioned the same way, under their own id.
    for intervention in &batch.interventions {
        insert("intervention", &intervention.id, 0, json(intervention))?;
    }
    Ok(())
}

fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("the plan types always serialise")
}
