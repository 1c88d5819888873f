//! Signing in through the municipality's OpenID Connect provider (Entra ID, ADFS, Keycloak):
//! the redirect to the provider and the way back, matched to a local account by e-mail address.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Instant;

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use buurtbeeld_store::User;
use maud::html;
use serde::Deserialize;

use crate::account_pages::{safe_return, start_session};
use crate::auth::{self, random_token, Endpoint};
use crate::oidc::{OidcConfig, OidcError, OidcProvider, PendingSignIn, SIGN_IN_MAX_AGE};
use crate::page::{blocking, layout, PageError, PageParams};
use crate::{AppError, AppState};

/// The cookie that ties the way back to the sign-in this browser began.
const PENDING_COOKIE: &str = "buurtbeeld_oidc";
/// Sign-ins under way at most; the oldest are dropped beyond it (a flood of begun sign-ins).
const MAX_PENDING: usize = 10_000;

/// The configured provider, and the sign-ins under way (kept in memory: a sign-in lasts
/// minutes, and one that a restart interrupts is simply begun again).
#[derive(Debug)]
pub struct OidcSignIn {
    provider: OidcProvider,
    label: String,
    pending: Mutex<BTreeMap<String, Pending>>,
}

#[derive(Debug)]
struct Pending {
    sign_in: PendingSignIn,
    terug: String,
    begun: Instant,
}

impl OidcSignIn {
    /// Reads the provider's discovery document and keys; `label` names it on the sign-in page.
    pub async fn discover(config: &OidcConfig, label: String) -> Result<OidcSignIn, OidcError> {
        Ok(OidcSignIn {
            provider: OidcProvider::discover(config).await?,
            label,
            pending: Mutex::new(BTreeMap::new()),
        })
    }

    /// The provider's name on the sign-in page.
    pub(crate) fn label(&self) -> &str {
        &self.label
    }
}

pub(crate) fn endpoints() -> Vec<Endpoint> {
    vec![
        auth::get("/aanmelden/oidc", begin),
        auth::get("/aanmelden/oidc/terug", finish),
    ]
}

fn configured(state: &AppState) -> Result<&OidcSignIn, PageError> {
    state.oidc.as_deref().ok_or_else(|| {
        AppError::NotFound(
            "Aanmelden via OpenID Connect is op deze server niet ingesteld.".to_owned(),
        )
        .into()
    })
}

fn pending_cookie(headers: &HeaderMap, key: Option<&str>) -> HeaderValue {
    auth::set_cookie(
        headers,
        PENDING_COOKIE,
        "/aanmelden/oidc",
        key,
        SIGN_IN_MAX_AGE,
    )
}

#[derive(Debug, Deserialize)]
pub(crate) struct Begin {
    terug: Option<String>,
}

/// Sends the browser to the provider, with PKCE, state and nonce kept here.
pub(crate) async fn begin(
    State(state): State<AppState>,
    headers: HeaderMap,
    PageParams(query): PageParams<Begin>,
) -> Result<Response, PageError> {
    let oidc = configured(&state)?;
    let (url, sign_in) = oidc.provider.begin();
    let key = random_token();
    {
        let mut pending = oidc.pending.lock().unwrap_or_else(|e| e.into_inner());
        pending.retain(|_, p| p.begun.elapsed() < SIGN_IN_MAX_AGE);
        if pending.len() >= MAX_PENDING {
            let oldest = pending
                .iter()
                .min_by_key(|(_, p)| p.begun)
                .map(|(k, _)| k.clone());
            if let Some(oldest) = oldest {
                pending.remove(&oldest);
            }
        }
        pending.insert(
            key.clone(),
            Pending {
                sign_in,
                terug: safe_return(query.terug.as_deref()),
                begun: Instant::now(),
            },
        );
    }
    let mut response = Redirect::to(&url).into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, pending_cookie(&headers, Some(&key)));
    Ok(response)
}

#[derive(Debug, Deserialize)]
pub(crate) struct Callback {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

fn refused(message: &str) -> Response {
    let body = html! {
        h1 { "Aanmelden is niet gelukt" }
        p.error role="alert" { (message) }
        p { a href="/aanmelden" { "Opnieuw aanmelden" } }
    };
    (
        StatusCode::UNAUTHORIZED,
        layout("Aanmelden is niet gelukt", body),
    )
        .into_response()
}

/// The way back from the provider: checks the sign-in, finds the account, starts a session.
pub(crate) async fn finish(
    State(state): State<AppState>,
    headers: HeaderMap,
    PageParams(callback): PageParams<Callback>,
) -> Result<Response, PageError> {
    let oidc = configured(&state)?;
    let key = auth::cookie(&headers, PENDING_COOKIE).unwrap_or("");
    let pending = oidc
        .pending
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .remove(key);
    let Some(pending) = pending else {
        return Ok(refused(
            "Deze aanmelding is verlopen of in een andere browser begonnen. Begin opnieuw.",
        ));
    };
    if let Some(error) = callback.error {
        tracing::info!(%error, "the provider refused the sign-in");
        return Ok(refused(&format!(
            "{} heeft de aanmelding niet toegestaan.",
            oidc.label
        )));
    }
    let (Some(code), Some(returned_state)) = (callback.code, callback.state) else {
        return Ok(refused("De aanbieder stuurde geen aanmeldcode terug."));
    };
    let identity = match oidc
        .provider
        .finish(pending.sign_in, &code, &returned_state)
        .await
    {
        Ok(identity) => identity,
        Err(error) => {
            tracing::warn!(detail = ?error.detail(), "OpenID Connect sign-in failed");
            audit_refusal(&state, "", "OpenID Connect: controle mislukt").await?;
            return Ok(refused(&error.to_string()));
        }
    };
    let Some(email) = identity.email.map(|e| e.trim().to_lowercase()) else {
        audit_refusal(
            &state,
            &identity.subject,
            "OpenID Connect: geen e-mailadres",
        )
        .await?;
        return Ok(refused(
            "De aanbieder gaf geen (bevestigd) e-mailadres; daarmee vindt buurtbeeld uw account.",
        ));
    };
    let worker = state.clone();
    let login = email.clone();
    let user: Option<User> =
        blocking(move || worker.store()?.user(&login).map_err(AppError::from)).await?;
    let Some(user) = user.filter(|u| u.enabled) else {
        audit_refusal(&state, &email, "OpenID Connect: geen actief account").await?;
        return Ok(refused(&format!(
            "Er is geen actief account voor {email} in buurtbeeld. Vraag de beheerder om een account."
        )));
    };
    let mut response = start_session(
        &state,
        &headers,
        user,
        "OpenID Connect",
        Some(&pending.terug),
    )
    .await?;
    response
        .headers_mut()
        .append(header::SET_COOKIE, pending_cookie(&headers, None));
    Ok(response)
}

async fn audit_refusal(state: &AppState, subject: &str, detail: &str) -> Result<(), PageError> {
    let writer = state.clone();
    let (subject, detail) = (subject.to_owned(), detail.to_owned());
    blocking(move || {
        writer
            .store_for_writing()?
            .audit("publiek", "aanmelden mislukt", &subject, &detail)
            .map_err(AppError::from)
    })
    .await?;
    Ok(())
}
