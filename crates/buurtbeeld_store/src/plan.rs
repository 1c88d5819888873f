//! Reading the safety plan back: the current version of each plan, action set and budget year,
//! and the history of versions with who imported them and when; interventions likewise.

use buurtbeeld_cube::{ActionSet, BudgetYear, Intervention, Plan};
use rusqlite::params;

use crate::{Result, Store, StoreError};

/// One imported version of a plan document.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PlanVersion {
    /// `plan`, `actions` or `budget`.
    pub kind: String,
    /// The year of an action set or budget; 0 for the plan itself.
    pub year: i32,
    pub import_id: i64,
    pub file: String,
    pub imported_at: String,
    /// Who imported it; left out of JSON when not shown (the server's public view).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub imported_by: String,
}

/// One version of a plan document with its body (JSON of the cube type), for history and diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentVersion {
    pub version: PlanVersion,
    pub body: String,
}

/// The newest document per (kind, plan, year).
const CURRENT: &str = "SELECT body FROM plan_documents d
     WHERE kind = ?1 AND (?2 IS NULL OR plan_id = ?2) AND id = (
         SELECT max(id) FROM plan_documents e
         WHERE e.kind = d.kind AND e.plan_id = d.plan_id AND e.year = d.year)
     ORDER BY plan_id, year";

impl Store {
    /// The current documents of `kind`, of one plan or (`None`) of every plan.
    fn current<T: serde::de::DeserializeOwned>(
        &self,
        kind: &str,
        plan: Option<&str>,
    ) -> Result<Vec<T>> {
        let mut stmt = self.conn.prepare_cached(CURRENT)?;
        let bodies = stmt
            .query_map(params![kind, plan], |row| row.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        bodies
            .iter()
            .map(|body| {
                serde_json::from_str(body).map_err(|e| {
                    StoreError::Query(rusqlite::Error::FromSqlConversionFailure(
                        0,
                        rusqlite::types::Type::Text,
                        Box::new(e),
                    ))
                })
            })
            .collect()
    }

    /// Every plan in its current version, by id.
    pub fn plans(&self) -> Result<Vec<Plan>> {
        self.current("plan", None)
    }

    pub fn plan(&self, id: &str) -> Result<Option<Plan>> {
        Ok(self.current("plan", Some(id))?.pop())
    }

    /// A plan's current action sets, oldest year first.
    pub fn action_sets(&self, plan: &str) -> Result<Vec<ActionSet>> {
        self.current("actions", Some(plan))
    }

    /// Every intervention in its current version, by id.
    pub fn interventions(&self) -> Result<Vec<Intervention>> {
        self.current("intervention", None)
    }

    pub fn intervention(&self, id: &str) -> Result<Option<Intervention>> {
        Ok(self.current("intervention", Some(id))?.pop())
    }

    /// A plan's current budget per year, oldest first.
    pub fn budget(&self, plan: &str) -> Result<Vec<BudgetYear>> {
        self.current("budget", Some(plan))
    }

    /// The version of a plan's `kind` document of `year` that import `import_id` wrote, and
    /// the version before it (`None` for the first).
    pub fn document_version(
        &self,
        plan: &str,
        kind: &str,
        year: i32,
        import_id: i64,
    ) -> Result<Option<(DocumentVersion, Option<DocumentVersion>)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT d.kind, d.year, d.import_id, i.file, i.imported_at, i.imported_by, d.body
             FROM plan_documents d JOIN imports i ON i.id = d.import_id
             WHERE d.plan_id = ?1 AND d.kind = ?2 AND d.year = ?3 AND d.id <= (
                 SELECT max(id) FROM plan_documents
                 WHERE plan_id = ?1 AND kind = ?2 AND year = ?3 AND import_id = ?4)
             ORDER BY d.id DESC LIMIT 2",
        )?;
        let mut versions = stmt
            .query_map(params![plan, kind, year, import_id], |row| {
                Ok(DocumentVersion {
                    version: PlanVersion {
                        kind: row.get(0)?,
                        year: row.get(1)?,
                        import_id: row.get(2)?,
                        file: row.get(3)?,
                        imported_at: row.get(4)?,
                        imported_by: row.get(5)?,
                    },
                    body: row.get(6)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?
            .into_iter();
        Ok(versions.next().map(|this| (this, versions.next())))
    }

    /// Every imported version of a plan's documents, newest first.
    pub fn plan_history(&self, plan: &str) -> Result<Vec<PlanVersion>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT d.kind, d.year, d.import_id, i.file, i.imported_at, i.imported_by
             FROM plan_documents d JOIN imports i ON i.id = d.import_id
             WHERE d.plan_id = ?1 ORDER BY d.id DESC",
        )?;
        let rows = stmt.query_map([plan], |row| {
            Ok(PlanVersion {
                kind: row.get(0)?,
                year: row.get(1)?,
                import_id: row.get(2)?,
                file: row.get(3)?,
                imported_at: row.get(4)?,
                imported_by: row.get(5)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
