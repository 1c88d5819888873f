//! Accounts, sessions, the audit log and the public plans: who may use the store, and what
//! they did with it.
//!
//! Every change to accounts is written in one transaction with its audit line, so the log
//! cannot miss a change that happened. Passwords arrive here already hashed (the server hashes
//! with argon2id); session tokens arrive as their SHA-256. Neither a password nor a token is
//! ever in the store or the log.

use buurtbeeld_cube::Role;
use rusqlite::{params, OptionalExtension, Transaction};

use crate::{Result, Store, StoreError};

/// An account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    /// The sign-in name: an e-mail address, which is also how an OpenID Connect sign-in finds
    /// its account.
    pub login: String,
    pub display_name: String,
    pub role: Role,
    /// argon2id PHC string; `None` for an account that signs in through OpenID Connect only.
    pub password_hash: Option<String>,
    pub enabled: bool,
    pub created_at: String,
}

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuditEntry {
    pub at: String,
    /// Who: an account's login, `cli:<name>` for the command line.
    pub actor: String,
    /// What kind of thing: `aanmelden`, `afmelden`, `import`, `bewerken`, `account`, `rol`, …
    pub action: String,
    /// What it was done to: a login, a file, a plan.
    pub subject: String,
    pub detail: String,
}

/// A change to an account, for [`Store::change_user`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserChange {
    Role(Role),
    Enabled(bool),
    PasswordHash(Option<String>),
}

/// A signed-in session as the server finds it by its token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub user: User,
    /// The token every form of this session carries (CSRF protection).
    pub csrf_token: String,
    pub expires_at: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("er is al een account '{0}'")]
    Exists(String),
    #[error("er is geen account '{0}'")]
    Unknown(String),
    #[error("'{0}' is geen rol van een account; kies lezer, analist of beheerder")]
    NotAnAccountRole(Role),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for AccountError {
    fn from(error: rusqlite::Error) -> AccountError {
        AccountError::Store(StoreError::Query(error))
    }
}

const USER_COLUMNS: &str = "id, login, display_name, role, password_hash, enabled, created_at";

fn user_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<User> {
    let role: String = row.get(3)?;
    Ok(User {
        id: row.get(0)?,
        login: row.get(1)?,
        display_name: row.get(2)?,
        // The CHECK constraint admits only account roles.
        role: Role::parse(&role).unwrap_or(Role::Lezer),
        password_hash: row.get(4)?,
        enabled: row.get(5)?,
        created_at: row.get(6)?,
    })
}

pub(crate) fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or_else(|_| time::OffsetDateTime::now_utc())
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Appends a line to the audit log inside `tx`.
pub(crate) fn append_audit(
    tx: &Transaction<'_>,
    actor: &str,
    action: &str,
    subject: &str,
    detail: &str,
) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO audit_log (at, actor, action, subject, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![now_rfc3339(), actor, action, subject, detail],
    )?;
    Ok(())
}

impl Store {
    /// Creates an account; the audit log records who made it and with which role.
    pub fn add_user(
        &mut self,
        login: &str,
        display_name: &str,
        role: Role,
        password_hash: Option<&str>,
        actor: &str,
    ) -> std::result::Result<User, AccountError> {
        if role == Role::Publiek {
            return Err(AccountError::NotAnAccountRole(role));
        }
        let tx = self.conn.transaction()?;
        let exists = tx
            .query_row("SELECT 1 FROM users WHERE login = ?1", [login], |_| Ok(()))
            .optional()?
            .is_some();
        if exists {
            return Err(AccountError::Exists(login.to_owned()));
        }
        tx.execute(
            "INSERT INTO users (login, display_name, role, password_hash, enabled, created_at)
             VALUES (?1, ?2, ?3, ?4, 1, ?5)",
            params![
                login,
                display_name,
                role.as_str(),
                password_hash,
                now_rfc3339()
            ],
        )?;
        let method = if password_hash.is_some() {
            "wachtwoord"
        } else {
            "alleen OpenID Connect"
        };
        append_audit(
            &tx,
            actor,
            "account",
            login,
            &format!("aangemaakt met rol {role} ({method})"),
        )?;
        tx.commit()?;
        self.user(login)?
            .ok_or_else(|| AccountError::Unknown(login.to_owned()))
    }

    /// Changes an account's role, whether it may sign in, or its password. Disabling an account
    /// or changing its password ends its sessions.
    pub fn change_user(
        &mut self,
        login: &str,
        change: &UserChange,
        actor: &str,
    ) -> std::result::Result<(), AccountError> {
        let tx = self.conn.transaction()?;
        let id: i64 = tx
            .query_row("SELECT id FROM users WHERE login = ?1", [login], |row| {
                row.get(0)
            })
            .optional()?
            .ok_or_else(|| AccountError::Unknown(login.to_owned()))?;
        let (action, detail) = match change {
            UserChange::Role(role) => {
                if *role == Role::Publiek {
                    return Err(AccountError::NotAnAccountRole(*role));
                }
                tx.execute(
                    "UPDATE users SET role = ?1 WHERE id = ?2",
                    params![role.as_str(), id],
                )?;
                ("rol", format!("rol is nu {role}"))
            }
            UserChange::Enabled(enabled) => {
                tx.execute(
                    "UPDATE users SET enabled = ?1 WHERE id = ?2",
                    params![enabled, id],
                )?;
                if !enabled {
                    tx.execute("DELETE FROM sessions WHERE user_id = ?1", [id])?;
                }
                let word = if *enabled {
                    "ingeschakeld"
                } else {
                    "uitgeschakeld"
                };
                ("account", word.to_owned())
            }
            UserChange::PasswordHash(hash) => {
                tx.execute(
                    "UPDATE users SET password_hash = ?1 WHERE id = ?2",
                    params![hash, id],
                )?;
                tx.execute("DELETE FROM sessions WHERE user_id = ?1", [id])?;
                let word = if hash.is_some() {
                    "wachtwoord gewijzigd"
                } else {
                    "wachtwoord verwijderd (alleen OpenID Connect)"
                };
                ("account", word.to_owned())
            }
        };
        append_audit(&tx, actor, action, login, &detail)?;
        tx.commit()?;
        Ok(())
    }

    pub fn user(&self, login: &str) -> Result<Option<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE login = ?1");
        Ok(self
            .conn
            .query_row(&sql, [login], user_from_row)
            .optional()?)
    }

    /// Every account, by login.
    pub fn users(&self) -> Result<Vec<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users ORDER BY login");
        let mut stmt = self.conn.prepare(&sql)?;
        let users = stmt.query_map([], user_from_row)?;
        Ok(users.collect::<rusqlite::Result<_>>()?)
    }

    /// Whether any account can sign in: without one, the server is public-only.
    pub fn has_enabled_users(&self) -> Result<bool> {
        Ok(self
            .conn
            .query_row("SELECT 1 FROM users WHERE enabled = 1 LIMIT 1", [], |_| {
                Ok(())
            })
            .optional()?
            .is_some())
    }

    /// Starts a session for an enabled account; records the sign-in.
    pub fn start_session(
        &mut self,
        user: &User,
        token_hash: &[u8],
        csrf_token: &str,
        now: i64,
        expires_at: i64,
        how: &str,
    ) -> Result<()> {
        let tx = self.conn.transaction()?;
        // Expired sessions are removed here rather than by a timer: sign-ins are when sessions
        // are made, so the table never holds more than a day's worth.
        tx.execute("DELETE FROM sessions WHERE expires_at <= ?1", [now])?;
        tx.execute(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![token_hash, user.id, csrf_token, now, expires_at],
        )?;
        append_audit(&tx, &user.login, "aanmelden", &user.login, how)?;
        tx.commit()?;
        Ok(())
    }

    /// The live session of a token: not expired, and its account still enabled.
    pub fn session(&self, token_hash: &[u8], now: i64) -> Result<Option<Session>> {
        let sql = format!(
            "SELECT {}, s.csrf_token, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id
             WHERE s.token_hash = ?1 AND s.expires_at > ?2 AND u.enabled = 1",
            USER_COLUMNS
                .split(", ")
                .map(|column| format!("u.{column}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        Ok(self
            .conn
            .query_row(&sql, params![token_hash, now], |row| {
                Ok(Session {
                    user: user_from_row(row)?,
                    csrf_token: row.get(7)?,
                    expires_at: row.get(8)?,
                })
            })
            .optional()?)
    }

    /// Ends a session; records the sign-out.
    pub fn end_session(&mut self, token_hash: &[u8], login: &str) -> Result<()> {
        let tx = self.conn.transaction()?;
        let removed = tx.execute("DELETE FROM sessions WHERE token_hash = ?1", [token_hash])?;
        if removed > 0 {
            append_audit(&tx, login, "afmelden", login, "")?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Appends one line to the audit log on its own (a refused sign-in, a failed import).
    pub fn audit(&mut self, actor: &str, action: &str, subject: &str, detail: &str) -> Result<()> {
        let tx = self.conn.transaction()?;
        append_audit(&tx, actor, action, subject, detail)?;
        tx.commit()?;
        Ok(())
    }

    /// The audit log, newest first, at most `limit` lines.
    pub fn audit_log(&self, limit: u32) -> Result<Vec<AuditEntry>> {
        let mut stmt = self.conn.prepare(
            "SELECT at, actor, action, subject, detail FROM audit_log ORDER BY id DESC LIMIT ?1",
        )?;
        let entries = stmt.query_map([limit], |row| {
            Ok(AuditEntry {
                at: row.get(0)?,
                actor: row.get(1)?,
                action: row.get(2)?,
                subject: row.get(3)?,
                detail: row.get(4)?,
            })
        })?;
        Ok(entries.collect::<rusqlite::Result<_>>()?)
    }

    /// The plans the beheerder made public, by id.
    pub fn public_plans(&self) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare("SELECT plan_id FROM public_plans ORDER BY plan_id")?;
        let ids = stmt.query_map([], |row| row.get(0))?;
        Ok(ids.collect::<rusqlite::Result<_>>()?)
    }

    /// Makes a plan public or takes it back; recorded in the audit log.
    pub fn set_plan_public(&mut self, plan_id: &str, public: bool, actor: &str) -> Result<()> {
        let tx = self.conn.transaction()?;
        if public {
            tx.execute(
                "INSERT OR REPLACE INTO public_plans (plan_id, decided_by, decided_at)
                 VALUES (?1, ?2, ?3)",
                params![plan_id, actor, now_rfc3339()],
            )?;
        } else {
            tx.execute("DELETE FROM public_plans WHERE plan_id = ?1", [plan_id])?;
        }
        let word = if public {
            "openbaar gemaakt"
        } else {
            "niet meer openbaar"
        };
        append_audit(&tx, actor, "openbaar", plan_id, word)?;
        tx.commit()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        (dir, store)
    }

    #[test]
    fn an_account_is_made_changed_and_every_change_is_in_the_audit_log() {
        let (_dir, mut store) = store();
        assert!(!store.has_enabled_users().unwrap());
        let user = store
            .add_user(
                "a@gemeente.nl",
                "A",
                Role::Analist,
                Some("$argon2id$x"),
                "cli:root",
            )
            .unwrap();
        assert!(store.has_enabled_users().unwrap());
        assert!(matches!(
            store.add_user("a@gemeente.nl", "A", Role::Lezer, None, "cli:root"),
            Err(AccountError::Exists(_))
        ));
        store
            .start_session(&user, b"hash", "csrf", 100, 200, "wachtwoord")
            .unwrap();
        assert_eq!(
            store.session(b"hash", 150).unwrap().unwrap().csrf_token,
            "csrf"
        );
        assert!(store.session(b"hash", 200).unwrap().is_none(), "expired");
        store
            .change_user(
                "a@gemeente.nl",
                &UserChange::Role(Role::Beheerder),
                "cli:root",
            )
            .unwrap();
        store
            .change_user("a@gemeente.nl", &UserChange::Enabled(false), "cli:root")
            .unwrap();
        assert!(
            store.session(b"hash", 150).unwrap().is_none(),
            "disabled ends sessions"
        );
        assert!(!store.has_enabled_users().unwrap());
        let log: Vec<_> = store
            .audit_log(10)
            .unwrap()
            .into_iter()
            .map(|entry| (entry.action, entry.detail))
            .collect();
        assert_eq!(
            log,
            [
                ("account".to_owned(), "uitgeschakeld".to_owned()),
                ("rol".to_owned(), "rol is nu beheerder".to_owned()),
                ("aanmelden".to_owned(), "wachtwoord".to_owned()),
                (
                    "account".to_owned(),
                    "aangemaakt met rol analist (wachtwoord)".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn the_audit_log_refuses_changes_and_deletions() {
        let (_dir, mut store) = store();
        store.audit("x", "import", "f.csv", "").unwrap();
        assert!(store
            .conn
            .execute("UPDATE audit_log SET actor = 'y'", [])
            .is_err());
        assert!(store.conn.execute("DELETE FROM audit_log", []).is_err());
        assert_eq!(store.audit_log(10).unwrap().len(), 1);
    }

    #[test]
    fn publiek_is_no_account_role() {
        let (_dir, mut store) = store();
        assert!(matches!(
            store.add_user("p", "P", Role::Publiek, None, "cli:root"),
            Err(AccountError::NotAnAccountRole(Role::Publiek))
        ));
    }
}
