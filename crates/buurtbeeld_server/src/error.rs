//! One error type for every handler, answered as `application/problem+json` (RFC 9457), as the
//! Dutch API Design Rules require.

use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use buurtbeeld_analysis::{
    AnswerError, EffectError, ForecastError, HotspotError, PatternError, PictureError, PlanError,
    Refusal,
};
use buurtbeeld_document::DocumentError;
use buurtbeeld_store::StoreError;
use serde::de::DeserializeOwned;

#[derive(Debug)]
pub enum AppError {
    /// A parameter is missing or malformed (400).
    BadRequest(String),
    /// Not signed in, and this needs an account (401).
    Unauthorized(String),
    /// Signed in, but the role does not allow it, or a form's CSRF token is wrong (403).
    Forbidden(String),
    /// The resource does not exist (404).
    NotFound(String),
    /// Too many failed sign-ins; try again after this many seconds (429).
    TooManyRequests(u64),
    /// The store could not answer (500); details go to the log, not to the client.
    Store(StoreError),
    /// Anything else that broke (500).
    Internal(String),
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> AppError {
        AppError::Store(error)
    }
}

impl AppError {
    /// A use-case error: 404 for what does not exist, 400 for a question that cannot be
    /// answered as asked, 500 when the store broke (details to the log).
    pub fn answer<E: AnswerError>(error: E) -> AppError {
        match error.refusal() {
            Refusal::NotFound => AppError::NotFound(error.to_string()),
            Refusal::Invalid => AppError::BadRequest(error.to_string()),
            Refusal::Broken => AppError::Internal(error.to_string()),
        }
    }
}

/// `?` on every use-case's error goes through [`AppError::answer`].
macro_rules! answered {
    ($($error:ty),*) => {$(
        impl From<$error> for AppError {
            fn from(error: $error) -> AppError {
                AppError::answer(error)
            }
        }
    )*};
}

answered!(
    PictureError,
    HotspotError,
    PatternError,
    ForecastError,
    PlanError,
    EffectError,
    DocumentError
);

impl AppError {
    /// Status, Dutch title and detail for the client; internal details go to the log only.
    pub(crate) fn parts(self) -> (StatusCode, &'static str, String) {
        match self {
            AppError::BadRequest(detail) => (StatusCode::BAD_REQUEST, "Ongeldig verzoek", detail),
            AppError::Unauthorized(detail) => (StatusCode::UNAUTHORIZED, "Niet aangemeld", detail),
            AppError::Forbidden(detail) => (StatusCode::FORBIDDEN, "Geen toegang", detail),
            AppError::NotFound(detail) => (StatusCode::NOT_FOUND, "Niet gevonden", detail),
            AppError::TooManyRequests(seconds) => (
                StatusCode::TOO_MANY_REQUESTS,
                "Te veel pogingen",
                format!(
                    "Te veel mislukte aanmeldpogingen. Probeer het over {} minuten opnieuw.",
                    seconds.div_ceil(60)
                ),
            ),
            AppError::Store(error) => {
                tracing::error!(%error, "store failure");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Interne fout",
                    "De gegevens konden niet worden gelezen.".to_owned(),
                )
            }
            AppError::Internal(error) => {
                tracing::error!(%error, "internal failure");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Interne fout",
                    "Er ging iets mis bij het beantwoorden van dit verzoek.".to_owned(),
                )
            }
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, title, detail) = self.parts();
        let body = serde_json::json!({
            "type": "about:blank",
            "title": title,
            "status": status.as_u16(),
            "detail": detail,
        });
        (
            status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            body.to_string(),
        )
            .into_response()
    }
}

/// The query string as `T`, refused as an [`AppError`]: a malformed or repeated parameter
/// (`permutations=abc`, `method=a&method=b`) is a problem+json 400 like every other refusal,
/// not axum's text/plain one.
#[derive(Debug)]
pub(crate) struct Params<T>(pub T);

impl<T, S> FromRequestParts<S> for Params<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Params<T>, AppError> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(value)) => Ok(Params(value)),
            Err(rejection) => {
                let text = rejection.body_text();
                // serde's own words name the parameter and what was wrong with it.
                let detail = text
                    .strip_prefix("Failed to deserialize query string: ")
                    .unwrap_or(&text);
                Err(AppError::BadRequest(format!(
                    "de parameters van dit verzoek zijn niet te lezen ({detail}); zie \
                     /api/v1/openapi.json voor wat elke parameter verwacht"
                )))
            }
        }
    }
}
