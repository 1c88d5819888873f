//! Signing in and out, and the beheerder's page: accounts, the audit log, which plans are
//! public.

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use buurtbeeld_store::User;
use maud::{html, Markup, PreEscaped};
use serde::Deserialize;

use crate::auth::{
    self, random_token, session_cookie, token_hash, unix_now, verify_password, Endpoint, Viewer,
    SESSION_LIFETIME,
};
use crate::page::CSRF_MARKER;
use crate::page::{blocking, layout, PageError, PageParams};
use crate::{AppError, AppState};

pub(crate) fn endpoints() -> Vec<Endpoint> {
    vec![
        auth::get("/aanmelden", sign_in_page),
        auth::post("/aanmelden", sign_in),
        auth::post("/afmelden", sign_out),
        auth::get("/beheer", admin_page),
        auth::post("/beheer/openbaar", make_public),
    ]
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ReturnTo {
    terug: Option<String>,
}

/// Where to go after signing in: a path of this site only, never another site (an open
/// redirect would lend this site's name to a phishing link).
pub(crate) fn safe_return(terug: Option<&str>) -> String {
    match terug {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.contains('\\')
                && !path.chars().any(char::is_control) =>
        {
            path.to_owned()
        }
        _ => "/".to_owned(),
    }
}

async fn sign_in_page(
    State(state): State<AppState>,
    PageParams(query): PageParams<ReturnTo>,
) -> Result<Html<String>, PageError> {
    sign_in_form(&state, query.terug.as_deref(), None).map_err(PageError::from)
}

fn sign_in_form(
    state: &AppState,
    terug: Option<&str>,
    problem: Option<&str>,
) -> Result<Html<String>, AppError> {
    if state.public_only {
        return Err(AppError::NotFound(
            "Deze installatie is alleen openbaar; aanmelden kan hier niet.".to_owned(),
        ));
    }
    let terug = safe_return(terug);
    let body = html! {
        h1 { "Aanmelden" }
        p { "Met een account ziet u de maandcijfers, hotspots, vooruitblik, interventies en het plan in bewerking. Zonder account ziet u het openbare beeld." }
        @if let Some(problem) = problem {
            p.error role="alert" { (problem) }
        }
        form.stacked method="post" action="/aanmelden" {
            input type="hidden" name="terug" value=(terug);
            label for="login" { "E-mailadres" }
            input #login type="email" name="login" autocomplete="username" required;
            label for="wachtwoord" { "Wachtwoord" }
            input #wachtwoord type="password" name="wachtwoord" autocomplete="current-password" required;
            button type="submit" { "Aanmelden" }
        }
        @if let Some(oidc) = &state.oidc {
            p {
                a href={ "/aanmelden/oidc?terug=" (percent_encoding::utf8_percent_encode(&terug, percent_encoding::NON_ALPHANUMERIC)) } {
                    "Aanmelden via " (oidc.label())
                }
            }
        }
    };
    Ok(layout("Aanmelden", body))
}

#[derive(Debug, Deserialize)]
struct SignIn {
    login: String,
    wachtwoord: String,
    terug: Option<String>,
}

/// A hash to verify against when the account does not exist, so a wrong name takes as long as
/// a wrong password and does not reveal which accounts exist.
const NO_ACCOUNT_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$T1JgQkrK2OyRbSfOF9PNIyWPpE7xVJxK3xUJXxF0lg0";

async fn sign_in(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<SignIn>,
) -> Result<Response, PageError> {
    if state.public_only {
        return Err(AppError::NotFound("Aanmelden kan hier niet.".to_owned()).into());
    }
    let login = form.login.trim().to_lowercase();
    // Per account name only: behind the municipality's reverse proxy every request comes from
    // the proxy's address, and a limit per address would lock everyone out at once.
    let keys = [format!("login:{login}")];
    if let Some(wait) = state.sign_in_limiter.wait(&keys) {
        return Err(AppError::TooManyRequests(wait.as_secs()).into());
    }
    let worker = state.clone();
    let password = form.wachtwoord;
    let user = blocking(move || -> Result<Option<User>, AppError> {
        let user = worker.store()?.user(&login)?;
        let hash = user
            .as_ref()
            .and_then(|u| u.password_hash.as_deref())
            .unwrap_or(NO_ACCOUNT_HASH);
        let verified = verify_password(&password, hash);
        Ok(user.filter(|u| verified && u.enabled && u.password_hash.is_some()))
    })
    .await?;
    let Some(user) = user else {
        state.sign_in_limiter.failed(&keys);
        let subject = form.login.trim().to_lowercase();
        let writer = state.clone();
        blocking(move || {
            writer
                .store_for_writing()?
                .audit("publiek", "aanmelden mislukt", &subject, "wachtwoord")
                .map_err(AppError::from)
        })
        .await?;
        let page = sign_in_form(
            &state,
            form.terug.as_deref(),
            Some(
                "Dit e-mailadres en wachtwoord horen niet bij een account dat zich mag aanmelden.",
            ),
        )?;
        return Ok((StatusCode::UNAUTHORIZED, page).into_response());
    };
    start_session(&state, &headers, user, "wachtwoord", form.terug.as_deref()).await
}

/// Signs `user` in: a new session in the store (with its audit line), the cookie, and on to
/// where they were going.
pub(crate) async fn start_session(
    state: &AppState,
    headers: &HeaderMap,
    user: User,
    how: &'static str,
    terug: Option<&str>,
) -> Result<Response, PageError> {
    let token = random_token();
    let hash = token_hash(&token);
    let writer = state.clone();
    blocking(move || {
        let now = unix_now();
        writer.store_for_writing()?.start_session(
            &user,
            &hash,
            &random_token(),
            now,
            now + SESSION_LIFETIME.as_secs() as i64,
            how,
        )?;
        Ok::<_, AppError>(())
    })
    .await?;
    let mut response = Redirect::to(&safe_return(terug)).into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, session_cookie(headers, Some(&token)));
    Ok(response)
}

#[derive(Debug, Deserialize)]
pub(crate) struct CsrfOnly {
    csrf: String,
}

async fn sign_out(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Form(form): Form<CsrfOnly>,
) -> Result<Response, PageError> {
    let account = viewer.check_csrf(&form.csrf)?.clone();
    blocking(move || {
        state
            .store_for_writing()?
            .end_session(&account.token_hash, &account.login)
            .map_err(AppError::from)
    })
    .await?;
    let mut response = Redirect::to("/").into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, session_cookie(&headers, None));
    Ok(response)
}

async fn admin_page(State(state): State<AppState>) -> Result<Html<String>, PageError> {
    blocking(move || {
        let store = state.store()?;
        let users = store.users()?;
        let log = store.audit_log(200)?;
        let public = store.public_plans()?;
        let plans = store.plans()?;
        let body = html! {
            h1 { "Beheer" }
            h2 { "Openbare plannen" }
            p { "Een plan is pas openbaar (zonder account te zien) als u dat hier kiest. Actiepunten en begroting blijven altijd voor accounts." }
            @if plans.is_empty() {
                p { "Er is nog geen plan ingelezen." }
            }
            table.log {
                caption { "Plannen en of ze openbaar zijn" }
                thead { tr { th scope="col" { "Plan" } th scope="col" { "Openbaar" } th scope="col" { "Wijzigen" } } }
                tbody {
                    @for plan in &plans {
                        @let is_public = public.contains(&plan.id);
                        tr {
                            td { (plan.name) " (" (plan.id) ")" }
                            td { @if is_public { "ja" } @else { "nee" } }
                            td {
                                form.inline method="post" action="/beheer/openbaar" {
                                    (PreEscaped(CSRF_MARKER))
                                    input type="hidden" name="plan" value=(plan.id);
                                    input type="hidden" name="openbaar" value=(if is_public { "nee" } else { "ja" });
                                    button type="submit" {
                                        @if is_public { "Niet meer openbaar" } @else { "Openbaar maken" }
                                        span.visually-hidden { ": " (plan.name) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            h2 { "Accounts" }
            p { "Accounts worden op de server beheerd: " code { "buurtbeeld user add|role|disable" } "." }
            (users_table(&users))
            h2 { "Auditlog" }
            p { "Aanmeldingen, imports, bewerkingen en wijzigingen van accounts en rollen; de nieuwste 200. Het log kan niet worden gewijzigd of gewist." }
            table.log {
                caption { "Auditlog, nieuwste eerst" }
                thead { tr { th scope="col" { "Wanneer (UTC)" } th scope="col" { "Wie" } th scope="col" { "Wat" } th scope="col" { "Waarop" } th scope="col" { "Toelichting" } } }
                tbody {
                    @for entry in &log {
                        tr { td { (entry.at) } td { (entry.actor) } td { (entry.action) } td { (entry.subject) } td { (entry.detail) } }
                    }
                }
            }
        };
        Ok::<_, AppError>(layout("Beheer", body))
    })
    .await
}

fn users_table(users: &[User]) -> Markup {
    html! {
        table.log {
            caption { "Accounts" }
            thead { tr { th scope="col" { "Account" } th scope="col" { "Naam" } th scope="col" { "Rol" } th scope="col" { "Aanmelden met" } th scope="col" { "Actief" } } }
            tbody {
                @for user in users {
                    tr {
                        td { (user.login) }
                        td { (user.display_name) }
                        td { (user.role) }
                        td { @if user.password_hash.is_some() { "wachtwoord of OpenID Connect" } @else { "OpenID Connect" } }
                        td { @if user.enabled { "ja" } @else { "nee" } }
                    }
                }
            }
        }
    }
}

#[derive(Debug, Deserialize)]
struct MakePublic {
    csrf: String,
    plan: String,
    openbaar: String,
}

async fn make_public(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<MakePublic>,
) -> Result<Response, PageError> {
    let actor = viewer.check_csrf(&form.csrf)?.login.clone();
    let public = match form.openbaar.as_str() {
        "ja" => true,
        "nee" => false,
        other => {
            return Err(AppError::BadRequest(format!(
                "'openbaar' is 'ja' of 'nee', niet '{other}'"
            ))
            .into())
        }
    };
    blocking(move || {
        let mut store = state.store_for_writing()?;
        if store.plan(&form.plan)?.is_none() {
            return Err(AppError::NotFound(format!(
                "er is geen plan '{}'",
                form.plan
            )));
        }
        store.set_plan_public(&form.plan, public, &actor)?;
        Ok::<_, AppError>(())
    })
    .await?;
    Ok(Redirect::to("/beheer").into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_path_of_this_site_is_a_return_address() {
        assert_eq!(
            safe_return(Some("/plan/acties?jaar=2024")),
            "/plan/acties?jaar=2024"
        );
        for hostile in [
            "//evil.example",
            "https://evil.example",
            "/\\evil",
            "plan",
            "/a\nb",
        ] {
            assert_eq!(safe_return(Some(hostile)), "/", "{hostile}");
        }
        assert_eq!(safe_return(None), "/");
    }

    #[test]
    fn the_stand_in_hash_is_a_valid_argon2id_hash() {
        assert!(argon2::PasswordHash::new(NO_ACCOUNT_HASH).is_ok());
        assert!(!verify_password("", NO_ACCOUNT_HASH));
    }
}
