//! `buurtbeeld user …`, `backup` and `restore`: the beheerder's work on the server's command
//! line.

use std::io::BufRead as _;
use std::path::Path;

use buurtbeeld_store::{AccountError, Store, UserChange};

use crate::cli::UserAction;
use crate::commands::{open_store, Failure, Outcome};

/// The audit log's name for whoever runs the command line.
fn actor() -> String {
    format!(
        "cli:{}",
        std::env::var("USER").unwrap_or_else(|_| "onbekend".to_owned())
    )
}

impl From<AccountError> for Failure {
    fn from(error: AccountError) -> Failure {
        match error {
            AccountError::Store(error) => Failure::from(error),
            refused => Failure::Refused(refused.to_string()),
        }
    }
}

/// The first line of standard input, as a password of at least 12 characters (NCSC's advice
/// for passwords without a second factor).
fn password_from_stdin() -> Result<String, Failure> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| Failure::Broken(e.into()))?;
    let password = line.trim_end_matches(['\r', '\n']).to_owned();
    if password.chars().count() < 12 {
        return Err(Failure::Refused(
            "het wachtwoord op standaardinvoer is korter dan 12 tekens".to_owned(),
        ));
    }
    buurtbeeld_server::hash_password(&password).map_err(|e| Failure::Broken(anyhow::anyhow!(e)))
}

pub fn user(data_dir: &Path, action: UserAction) -> Outcome {
    let mut store = open_store(data_dir)?;
    let actor = actor();
    match action {
        UserAction::Add {
            login,
            role,
            name,
            password_stdin,
        } => {
            let login = login.trim().to_lowercase();
            if !login.contains('@') {
                return Err(Failure::Refused(format!(
                    "'{login}' is geen e-mailadres; een account heet naar het e-mailadres \
                     waarmee iemand zich aanmeldt"
                )));
            }
            let hash = password_stdin.then(password_from_stdin).transpose()?;
            let name = name.unwrap_or_else(|| login.clone());
            let user = store.add_user(&login, &name, role.into(), hash.as_deref(), &actor)?;
            outln!("account {} aangemaakt met rol {}", user.login, user.role);
        }
        UserAction::Role { login, role } => {
            store.change_user(&login, &UserChange::Role(role.into()), &actor)?;
            outln!(
                "{login} heeft nu de rol {}",
                buurtbeeld_cube::Role::from(role)
            );
        }
        UserAction::Disable { login } => {
            store.change_user(&login, &UserChange::Enabled(false), &actor)?;
            outln!("{login} kan zich niet meer aanmelden; open sessies zijn beëindigd");
        }
        UserAction::Enable { login } => {
            store.change_user(&login, &UserChange::Enabled(true), &actor)?;
            outln!("{login} kan zich weer aanmelden");
        }
        UserAction::Password { login } => {
            let hash = password_from_stdin()?;
            store.change_user(&login, &UserChange::PasswordHash(Some(hash)), &actor)?;
            outln!("wachtwoord van {login} gewijzigd; open sessies zijn beëindigd");
        }
        UserAction::List => {
            for user in store.users()? {
                let how = if user.password_hash.is_some() {
                    "wachtwoord"
                } else {
                    "OpenID Connect"
                };
                let state = if user.enabled {
                    ""
                } else {
                    "  (uitgeschakeld)"
                };
                outln!(
                    "{}\t{}\t{}\t{how}{state}",
                    user.login,
                    user.role,
                    user.display_name
                );
            }
        }
        UserAction::Audit { limit } => {
            for entry in store.audit_log(limit)? {
                outln!(
                    "{}\t{}\t{}\t{}\t{}",
                    entry.at,
                    entry.actor,
                    entry.action,
                    entry.subject,
                    entry.detail
                );
            }
        }
    }
    Ok(())
}

pub fn backup(data_dir: &Path, out: &Path) -> Outcome {
    let store = Store::open_read_only(data_dir)?;
    store.backup_to(out).map_err(backup_failure)?;
    outln!(
        "back-up van {} geschreven naar {}",
        store.path().display(),
        out.display()
    );
    Ok(())
}

pub fn restore(data_dir: &Path, backup: &Path) -> Outcome {
    let mut store = Store::restore(data_dir, backup).map_err(backup_failure)?;
    store.audit(&actor(), "herstel", &backup.display().to_string(), "")?;
    outln!(
        "{} hersteld uit {}",
        store.path().display(),
        backup.display()
    );
    Ok(())
}

fn backup_failure(error: buurtbeeld_store::BackupError) -> Failure {
    match error {
        buurtbeeld_store::BackupError::Store(error) => Failure::from(error),
        refused => Failure::Refused(refused.to_string()),
    }
}
