//! The embedded store of buurtbeeld: one SQLite file holding areas, categories, themes,
//! population, count series with their revisions, every imported wijk- en buurtindeling, the
//! safety plan's versions, and the import log; accounts, sessions and the audit log.
//!
//! Every import is one transaction: it lands whole or not at all. Readers get plain cube types.

mod accounts;
mod backup;
mod codec;
mod dump;
mod import;
mod incidents;
mod indeling;
mod plan;
mod query;
mod schema;

use std::path::{Path, PathBuf};

use rusqlite::Connection;

pub use accounts::{AccountError, AuditEntry, Session, User, UserChange};
pub use backup::BackupError;
pub use import::{ImportOutcome, Progress};
pub use incidents::{IncidentQuery, StoredIncident};
pub use indeling::{Boundary, IndelingInfo, SeriesInIndeling};
pub use plan::{DocumentVersion, PlanVersion};
pub use query::{AreaInfo, CategoryInfo, ImportLogEntry, PopulationFigure};

/// The file name of the store inside the data directory.
pub const STORE_FILE: &str = "buurtbeeld.sqlite";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot create data directory {path}: {source}")]
    DataDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("store {path}: {source}")]
    Sqlite {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("store {path}: schema migration failed: {source}")]
    Migration {
        path: PathBuf,
        source: rusqlite_migration::Error,
    },
    #[error("store: {0}")]
    Query(#[from] rusqlite::Error),
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// An open store.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Opens (creating if needed) the store in `data_dir` and migrates it to the latest schema.
    pub fn open(data_dir: &Path) -> Result<Store> {
        std::fs::create_dir_all(data_dir).map_err(|source| StoreError::DataDir {
            path: data_dir.to_owned(),
            source,
        })?;
        let path = data_dir.join(STORE_FILE);
        let sqlite = |source| StoreError::Sqlite {
            path: path.clone(),
            source,
        };
        let mut conn = Connection::open(&path).map_err(sqlite)?;
        // WAL lets readers (the dashboard) keep reading a consistent snapshot during an import.
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(sqlite)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(sqlite)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(sqlite)?;
        // A larger page cache (256 MiB) keeps the series index in memory during big imports.
        conn.pragma_update(None, "cache_size", -262_144)
            .map_err(sqlite)?;
        conn.busy_timeout(std::time::Duration::from_secs(30))
            .map_err(sqlite)?;
        schema::migrations()
            .to_latest(&mut conn)
            .map_err(|source| StoreError::Migration {
                path: path.clone(),
                source,
            })?;
        Ok(Store { conn, path })
    }

    /// Opens an existing store for reading only, as the web server does per request: each
    /// reader sees the last committed import, so imports become visible without a restart.
    pub fn open_read_only(data_dir: &Path) -> Result<Store> {
        let path = data_dir.join(STORE_FILE);
        let sqlite = |source| StoreError::Sqlite {
            path: path.clone(),
            source,
        };
        let conn = Connection::open_with_flags(
            &path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(sqlite)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(sqlite)?;
        Ok(Store { conn, path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A number that changes whenever another connection commits to the store (SQLite's
    /// `PRAGMA data_version`): how a long-lived reader learns, in a microsecond, that what it
    /// derived from the store is out of date.
    pub fn data_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA data_version", [], |row| row.get(0))?)
    }
}
