//! A full, deterministic text dump of the store: tests compare it before and after an import.

use std::fmt::Write;

use rusqlite::types::ValueRef;

use crate::codec::{decode_cells, decode_imports};
use crate::{Result, Store};

impl Store {
    /// Every row of every table, sorted, one line each; series are expanded to cells.
    pub fn dump(&self) -> Result<String> {
        let mut out = String::new();
        for (table, order) in [
            ("imports", "id"),
            ("areas", "code"),
            ("area_boundaries", "code, indeling_year"),
            ("categories", "code"),
            ("themes", "id"),
            ("theme_categories", "theme_id, category"),
            ("incident_codes", "incident_code"),
            ("theme_source_categories", "theme_id, source, category"),
            ("incident_sources", "id"),
            ("source_categories", "source, code"),
            ("incidents", "id"),
            ("population", "area, year"),
            ("plan_documents", "id"),
            (
                "revisions",
                "source, area, category, frequency, period, new_import",
            ),
            ("users", "id"),
            ("sessions", "token_hash"),
            ("audit_log", "id"),
            ("public_plans", "plan_id"),
        ] {
            let mut stmt = self
                .conn
                .prepare(&format!("SELECT * FROM {table} ORDER BY {order}"))?;
            let columns = stmt.column_count();
            let mut rows = stmt.query([])?;
            while let Some(row) = rows.next()? {
                let values: Vec<String> = (0..columns)
                    .map(|i| match row.get_ref(i) {
                        Ok(ValueRef::Null) => "NULL".to_owned(),
                        Ok(ValueRef::Integer(n)) => n.to_string(),
                        Ok(ValueRef::Real(x)) => x.to_string(),
                        Ok(ValueRef::Text(t)) => format!("{:?}", String::from_utf8_lossy(t)),
                        Ok(ValueRef::Blob(b)) => format!("<{} bytes>", b.len()),
                        Err(e) => format!("<{e}>"),
                    })
                    .collect();
                let _ = writeln!(out, "{table}\t{}", values.join("\t"));
            }
        }
        let mut stmt = self.conn.prepare(
            "SELECT source, area, category, frequency, first_period, cells, import_id, cell_imports
             FROM series ORDER BY source, area, category, frequency",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let (source, area, category, frequency): (String, String, String, String) =
                (row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?);
            let first: i64 = row.get(4)?;
            let series = decode_cells(first, &row.get::<_, Vec<u8>>(5)?);
            let import_id: i64 = row.get(6)?;
            let per_cell = row
                .get::<_, Option<Vec<u8>>>(7)?
                .map(|b| decode_imports(&b));
            for (period, value) in series.iter() {
                let said_by = per_cell
                    .as_ref()
                    .and_then(|ids| ids.get((period - first) as usize))
                    .map_or(import_id, |&id| i64::from(id));
                let _ = writeln!(
                    out,
                    "cell\t{source}\t{area}\t{category}\t{frequency}\t{period}\t{value:?}\t{said_by}"
                );
            }
        }
        Ok(out)
    }
}
