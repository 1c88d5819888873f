//! Backup and restore of the whole store with SQLite's online backup API: a consistent copy
//! taken while the server serves and imports, and a restore that checks the copy first.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::backup::Backup;
use rusqlite::{Connection, OpenFlags};

use crate::{Store, StoreError, STORE_FILE};

/// Pages copied per step; between steps other connections get the database (a 4 KiB page size
/// makes a step 4 MiB).
const PAGES_PER_STEP: std::os::raw::c_int = 1024;
const PAUSE_BETWEEN_STEPS: Duration = Duration::from_millis(5);

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{path} bestaat al; kies een nieuw bestand voor de back-up")]
    TargetExists { path: PathBuf },
    #[error("{path}: {source}")]
    Sqlite {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("{path} is geen bruikbare back-up van buurtbeeld: {reason}")]
    NotABackup { path: PathBuf, reason: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Store {
    /// Copies the store to `target` (a new file) while others keep reading and writing: the
    /// copy is the store as of one moment (SQLite restarts the copy if a write lands during
    /// it).
    pub fn backup_to(&self, target: &Path) -> Result<(), BackupError> {
        if target.exists() {
            return Err(BackupError::TargetExists {
                path: target.to_owned(),
            });
        }
        let sqlite = |source| BackupError::Sqlite {
            path: target.to_owned(),
            source,
        };
        let mut copy = Connection::open(target).map_err(sqlite)?;
        Backup::new(&self.conn, &mut copy)
            .and_then(|backup| backup.run_to_completion(PAGES_PER_STEP, PAUSE_BETWEEN_STEPS, None))
            .map_err(sqlite)?;
        // A backup is one file: no WAL beside it.
        copy.pragma_update(None, "journal_mode", "DELETE")
            .map_err(sqlite)?;
        Ok(())
    }

    /// Replaces the store in `data_dir` by the backup in `source`, after checking that the
    /// backup is a whole buurtbeeld store (integrity check, known schema). Then migrates it to
    /// this version's schema. Readers see the old or the new store, never a mix.
    pub fn restore(data_dir: &Path, source: &Path) -> Result<Store, BackupError> {
        let not_a_backup = |reason: String| BackupError::NotABackup {
            path: source.to_owned(),
            reason,
        };
        if !source.is_file() {
            return Err(not_a_backup("het bestand bestaat niet".to_owned()));
        }
        let sqlite = |source_error| BackupError::Sqlite {
            path: source.to_owned(),
            source: source_error,
        };
        let backup = Connection::open_with_flags(source, OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(sqlite)?;
        let integrity: String = backup
            .query_row("PRAGMA integrity_check", [], |row| row.get(0))
            .map_err(|e| not_a_backup(e.to_string()))?;
        if integrity != "ok" {
            return Err(not_a_backup(format!("integriteitscontrole: {integrity}")));
        }
        let has_imports: bool = backup
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'imports'",
                [],
                |row| row.get::<_, i64>(0).map(|n| n > 0),
            )
            .map_err(sqlite)?;
        if !has_imports {
            return Err(not_a_backup("er is geen importlog in".to_owned()));
        }
        let schema: i64 = backup
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .map_err(sqlite)?;
        let known = crate::schema::migrations_count() as i64;
        if schema > known {
            return Err(not_a_backup(format!(
                "gemaakt met een nieuwere versie van buurtbeeld (schema {schema}, deze versie kent \
                 er {known})"
            )));
        }
        let store = Store::open(data_dir)?;
        let target = data_dir.join(STORE_FILE);
        let mut store = store;
        Backup::new(&backup, &mut store.conn)
            .and_then(|copy| copy.run_to_completion(PAGES_PER_STEP, PAUSE_BETWEEN_STEPS, None))
            .map_err(|source| BackupError::Sqlite {
                path: target,
                source,
            })?;
        drop(store);
        // The copy carries the backup's schema version; bring it to this version's.
        Ok(Store::open(data_dir)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_restored_backup_dumps_the_same_as_the_store_it_was_taken_of() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("a")).unwrap();
        store.audit("cli:test", "import", "x.csv", "").unwrap();
        let backup = dir.path().join("backup.sqlite");
        store.backup_to(&backup).unwrap();
        assert!(matches!(
            store.backup_to(&backup),
            Err(BackupError::TargetExists { .. })
        ));
        let restored = Store::restore(&dir.path().join("b"), &backup).unwrap();
        assert_eq!(restored.dump().unwrap(), store.dump().unwrap());
    }

    #[test]
    fn a_file_that_is_no_store_is_refused_and_nothing_is_touched() {
        let dir = tempfile::tempdir().unwrap();
        let junk = dir.path().join("junk.sqlite");
        std::fs::write(&junk, b"not a database at all, just some bytes").unwrap();
        let error = Store::restore(&dir.path().join("b"), &junk).unwrap_err();
        assert!(
            error.to_string().contains("geen bruikbare back-up"),
            "{error}"
        );
        assert!(!dir.path().join("b").exists());
    }
}
