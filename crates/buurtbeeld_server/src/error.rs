//! One error type for every handler, answered as `application/problem+json` (RFC 9457), as the
//! Dutch API Design Rules require.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use buurtbeeld_analysis::{
    AnswerError, EffectError, ForecastError, HotspotError, PictureError, PlanError, Refusal,
};
use buurtbeeld_document::DocumentError;
use buurtbeeld_store::StoreError;

#[derive(Debug)]
pub enum AppError {
    /// A parameter is missing or malformed (400).
    BadRequest(String),
    /// The resource does not exist (404).
    NotFound(String),
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
            AppError::NotFound(detail) => (StatusCode::NOT_FOUND, "Niet gevonden", detail),
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
