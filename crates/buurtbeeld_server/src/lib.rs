//! The web dashboard and open JSON API of buurtbeeld (`buurtbeeld serve`).
//!
//! The only crate that knows HTTP. Every request opens the store read-only, so a
//! `buurtbeeld import` into the same data directory is visible at the next request without a
//! restart and without failed requests (SQLite WAL readers see the last committed import).

mod api;
mod download;
mod effect_pages;
mod error;
mod pages;
mod plan_pages;

use std::net::SocketAddr;
use std::path::PathBuf;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use buurtbeeld_store::Store;
use sha2::{Digest, Sha256};
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;

pub use error::AppError;

/// What every handler needs: where the store is.
#[derive(Debug, Clone)]
pub struct AppState {
    pub data_dir: PathBuf,
}

impl AppState {
    pub(crate) fn store(&self) -> Result<Store, AppError> {
        Store::open_read_only(&self.data_dir).map_err(AppError::from)
    }
}

/// The whole application: API and pages, with request tracing.
pub fn app(state: AppState) -> Router {
    Router::new()
        .merge(pages::router())
        .merge(plan_pages::router())
        .merge(effect_pages::router())
        .nest("/api/v1", api::router())
        .fallback(|| async { AppError::NotFound("Deze pagina bestaat niet.".to_owned()) })
        .layer(middleware::from_fn(etag))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .with_state(state)
}

/// Largest response body the ETag layer will hash; larger ones go out untagged.
const ETAG_LIMIT: usize = 64 << 20;

/// Tags successful GET responses with a content hash and answers `If-None-Match` with 304.
/// `no-cache` makes browsers revalidate every time: an import may change any page.
async fn etag(request: Request, next: Next) -> Response {
    let is_get = request.method() == Method::GET;
    let if_none_match = request.headers().get(header::IF_NONE_MATCH).cloned();
    let response = next.run(request).await;
    if !is_get || response.status() != StatusCode::OK {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, ETAG_LIMIT).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let digest = Sha256::digest(&bytes);
    let tag: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
    let tag = HeaderValue::from_str(&format!("\"{tag}\"")).expect("hex is a valid header");
    parts.headers.insert(header::ETAG, tag.clone());
    parts
        .headers
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if if_none_match.as_ref() == Some(&tag) {
        parts.status = StatusCode::NOT_MODIFIED;
        return Response::from_parts(parts, Body::empty());
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Serves until Ctrl-C or SIGTERM, then finishes the requests in flight.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    let address: Option<SocketAddr> = listener.local_addr().ok();
    tracing::info!(?address, "serving");
    axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown_signal())
        .await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
