//! Signing in through the municipality's OpenID Connect provider (Entra ID, ADFS, Keycloak):
//! the redirect to the provider and the way back.

use axum::extract::State;
use axum::response::Response;

use crate::auth::{self, Endpoint};
use crate::page::PageError;
use crate::{AppError, AppState};

/// The configured provider, and the sign-ins under way.
#[derive(Debug)]
pub struct OidcSignIn {
    label: String,
}

impl OidcSignIn {
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

fn not_configured() -> PageError {
    AppError::NotFound("Aanmelden via OpenID Connect is op deze server niet ingesteld.".to_owned())
        .into()
}

pub(crate) async fn begin(State(state): State<AppState>) -> Result<Response, PageError> {
    match &state.oidc {
        Some(_) => Err(not_configured()),
        None => Err(not_configured()),
    }
}

pub(crate) async fn finish(State(state): State<AppState>) -> Result<Response, PageError> {
    match &state.oidc {
        Some(_) => Err(not_configured()),
        None => Err(not_configured()),
    }
}
