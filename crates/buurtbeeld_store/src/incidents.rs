//! Registrations at point level (BVH incidents, enforcement, resident reports): writing them in
//! the import's transaction and reading them back per source, category, area and period.

use buurtbeeld_cube::{
    AreaCode, Day, IncidentBatch, IncidentSource, RdPoint, SourceCategoryRecord, SourceKind,
};
use rusqlite::{params, OptionalExtension, Transaction};

use crate::{Result, Store};

pub(crate) struct Written {
    pub new: u64,
    pub replaced: u64,
}

pub(crate) fn write_incidents(
    tx: &Transaction<'_>,
    batch: &IncidentBatch,
    import_id: i64,
) -> Result<Written> {
    let mut written = Written {
        new: 0,
        replaced: 0,
    };
    let Some(source) = &batch.source else {
        return Ok(written);
    };
    tx.prepare_cached(
        "INSERT INTO incident_sources (id, kind, name, import_id) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, name = excluded.name,
             import_id = excluded.import_id",
    )?
    .execute(params![
        source.id,
        source.kind.key(),
        source.name,
        import_id
    ])?;
    let mut category = tx.prepare_cached(
        "INSERT INTO source_categories (source, code, label, main, import_id)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (source, code) DO UPDATE SET label = excluded.label, main = excluded.main,
             import_id = excluded.import_id",
    )?;
    for c in &batch.categories {
        category.execute(params![source.id, c.code, c.label, c.main, import_id])?;
    }
    let mut replace =
        tx.prepare_cached("DELETE FROM incidents WHERE source = ?1 AND external_id = ?2")?;
    let mut insert = tx.prepare_cached(
        "INSERT INTO incidents (source, category, day, area, x, y, external_id, import_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for incident in &batch.incidents {
        if let Some(id) = &incident.external_id {
            written.replaced += replace.execute(params![source.id, id])? as u64;
        }
        insert.execute(params![
            source.id,
            incident.category,
            incident.day.days_since_epoch(),
            incident.area.as_str(),
            incident.point.map(|p| p.x),
            incident.point.map(|p| p.y),
            incident.external_id,
            import_id
        ])?;
    }
    written.new = batch.incidents.len() as u64 - written.replaced;
    Ok(written)
}

/// Which registrations to read. Empty lists mean "all".
#[derive(Debug, Clone, Default)]
pub struct IncidentQuery {
    pub source: String,
    pub categories: Vec<String>,
    /// Buurten to read; empty for every buurt.
    pub areas: Vec<AreaCode>,
    pub from: Option<Day>,
    pub through: Option<Day>,
}

/// One stored registration as analyses read it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredIncident {
    pub category: String,
    pub day: Day,
    pub area: AreaCode,
    pub point: Option<RdPoint>,
}

impl Store {
    /// The registration sources in the store, ordered by kind and id.
    pub fn incident_sources(&self) -> Result<Vec<IncidentSource>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, kind, name FROM incident_sources")?;
        let mut sources: Vec<IncidentSource> = stmt
            .query_map([], |row| {
                let kind: String = row.get(1)?;
                Ok(IncidentSource {
                    id: row.get(0)?,
                    kind: SourceKind::parse(&kind).unwrap_or(SourceKind::Overig),
                    name: row.get(2)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        sources.sort_by(|a, b| (a.kind, &a.id).cmp(&(b.kind, &b.id)));
        Ok(sources)
    }

    /// The categories of one source, ordered by main category and label.
    pub fn source_categories(&self, source: &str) -> Result<Vec<SourceCategoryRecord>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT code, label, main FROM source_categories WHERE source = ?1
             ORDER BY coalesce(main, ''), label, code",
        )?;
        let categories = stmt
            .query_map([source], |row| {
                Ok(SourceCategoryRecord {
                    code: row.get(0)?,
                    label: row.get(1)?,
                    main: row.get(2)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(categories)
    }

    /// Registrations matching the query, ordered by day, area, category and position.
    pub fn incidents(&self, query: &IncidentQuery) -> Result<Vec<StoredIncident>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT category, day, area, x, y FROM incidents
             WHERE source = ?1 AND day >= ?2 AND day <= ?3
             ORDER BY day, area, category, x, y, id",
        )?;
        let from = query.from.map_or(i32::MIN, Day::days_since_epoch);
        let through = query.through.map_or(i32::MAX, Day::days_since_epoch);
        let rows = stmt.query_map(params![query.source, from, through], |row| {
            let category: String = row.get(0)?;
            let day: i32 = row.get(1)?;
            let area: String = row.get(2)?;
            let x: Option<f64> = row.get(3)?;
            let y: Option<f64> = row.get(4)?;
            Ok((category, day, area, x.zip(y)))
        })?;
        let mut incidents = Vec::new();
        for row in rows {
            let (category, day, area, point) = row?;
            if !query.categories.is_empty() && !query.categories.contains(&category) {
                continue;
            }
            let Ok(area) = AreaCode::parse(&area) else {
                continue;
            };
            if !query.areas.is_empty() && !query.areas.contains(&area) {
                continue;
            }
            incidents.push(StoredIncident {
                category,
                day: Day::from_days(day),
                area,
                point: point.map(|(x, y)| RdPoint { x, y }),
            });
        }
        Ok(incidents)
    }

    /// The categories a source's registrations use, with how many each, most used first.
    pub fn incident_categories(&self, source: &str) -> Result<Vec<(String, u64)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT category, count(*) FROM incidents WHERE source = ?1 GROUP BY category
             ORDER BY count(*) DESC, category",
        )?;
        let rows = stmt
            .query_map([source], |row| {
                Ok((row.get(0)?, row.get::<_, i64>(1)? as u64))
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// First and last day of a source's registrations.
    pub fn incident_days(&self, source: &str) -> Result<Option<(Day, Day)>> {
        let range: Option<(Option<i32>, Option<i32>)> = self
            .conn
            .query_row(
                "SELECT min(day), max(day) FROM incidents WHERE source = ?1",
                [source],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        Ok(range.and_then(|(a, b)| Some((Day::from_days(a?), Day::from_days(b?)))))
    }
}
