//! The web dashboard and open JSON API of buurtbeeld (`buurtbeeld serve`).
//!
//! The only crate that knows HTTP. Handlers open the store read-only, so a `buurtbeeld import`
//! into the same data directory is visible at the next request without a restart and without
//! failed requests (SQLite WAL readers see the last committed import); successful answers are
//! kept per data version (`cache`), so a repeated request costs a lookup.

mod api;
mod cache;
mod download;
mod effect_pages;
mod error;
mod oidc;
mod pages;
mod plan_pages;
mod public;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::middleware;
use axum::Router;
use base64::prelude::{Engine as _, BASE64_STANDARD};
use buurtbeeld_store::Store;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use sha2::{Digest, Sha256};
use tower::limit::GlobalConcurrencyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;

pub use error::AppError;
pub use oidc::{
    OidcConfig, OidcError, OidcIdentity, OidcProvider, PendingSignIn,
    SIGN_IN_MAX_AGE as OIDC_SIGN_IN_MAX_AGE,
};

/// What every handler needs: where the store is, and the answers kept from it.
#[derive(Debug, Clone)]
pub struct AppState {
    pub data_dir: PathBuf,
    cache: Arc<cache::ResponseCache>,
}

impl AppState {
    pub fn new(data_dir: PathBuf) -> AppState {
        AppState {
            data_dir,
            cache: Arc::new(cache::ResponseCache::new()),
        }
    }

    pub(crate) fn store(&self) -> Result<Store, AppError> {
        Store::open_read_only(&self.data_dir).map_err(AppError::from)
    }
}

/// How much the server takes on, and for how long. The defaults suit one municipality's
/// analysts and the public on a small machine; each limit protects the others' requests from a
/// slow or hostile client.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// A client must send its request headers within this time, or the connection is closed
    /// (a slowloris client trickles them to hold connections open).
    pub header_read_timeout: Duration,
    /// A request still unanswered after this time gets 503.
    pub request_timeout: Duration,
    /// Open connections at most; further clients wait in the kernel's accept queue.
    pub max_connections: usize,
    /// Requests worked on at once; further ones wait their turn.
    pub max_concurrent_requests: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            header_read_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(60),
            max_connections: 1024,
            max_concurrent_requests: 64,
        }
    }
}

/// The whole application: API and pages, with request tracing, security headers, the response
/// cache and the request limits.
pub fn app(state: AppState) -> Router {
    app_with(state, Limits::default())
}

/// [`app`] with chosen limits.
pub fn app_with(state: AppState, limits: Limits) -> Router {
    let routes = Router::new()
        .merge(pages::router())
        .merge(plan_pages::router())
        .merge(effect_pages::router())
        .nest("/api/v1", api::router())
        .fallback(|| async { AppError::NotFound("Deze pagina bestaat niet.".to_owned()) })
        .layer(middleware::from_fn_with_state(state.clone(), cache::cached))
        .layer(GlobalConcurrencyLimitLayer::new(
            limits.max_concurrent_requests,
        ))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            limits.request_timeout,
        ));
    security_headers()
        .into_iter()
        .fold(routes, |routes, (name, value)| {
            routes.layer(SetResponseHeaderLayer::overriding(name, value))
        })
        .layer(
            // Per-request lines at debug level: at thousands of requests a second, an info
            // line each would cost more than the answers (`RUST_LOG=tower_http=debug`).
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(Level::DEBUG))
                .on_response(DefaultOnResponse::new().level(Level::DEBUG)),
        )
        .with_state(state)
}

/// The headers on every response. The Content-Security-Policy allows no script, no frames, no
/// plugins and no other origin, and of inline styles exactly the three stylesheets buurtbeeld
/// writes (the page's, the maps', the HTML documents'), by hash.
pub(crate) fn security_headers() -> Vec<(HeaderName, HeaderValue)> {
    let style_hashes: Vec<String> = [
        pages::STYLE,
        buurtbeeld_render::svg::MAP_STYLE,
        buurtbeeld_document::HTML_STYLE,
    ]
    .iter()
    .map(|css| {
        let digest = Sha256::digest(css.as_bytes());
        format!("'sha256-{}'", BASE64_STANDARD.encode(digest))
    })
    .collect();
    let policy = format!(
        "default-src 'none'; style-src {}; img-src 'self' data:; form-action 'self'; \
         base-uri 'none'; frame-ancestors 'none'",
        style_hashes.join(" ")
    );
    vec![
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_str(&policy).expect("ASCII policy"),
        ),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (
            header::REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        ),
        // For browsers that predate CSP's frame-ancestors.
        (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
    ]
}

/// Serves until Ctrl-C or SIGTERM with the default [`Limits`], then finishes the requests in
/// flight.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    serve_with(listener, state, Limits::default(), shutdown_signal()).await
}

/// Serves with `limits` until `shutdown` completes, then finishes the requests in flight.
///
/// Written on hyper-util rather than `axum::serve`, which has no header-read timeout.
pub async fn serve_with(
    listener: tokio::net::TcpListener,
    state: AppState,
    limits: Limits,
    shutdown: impl std::future::Future<Output = ()>,
) -> std::io::Result<()> {
    let address: Option<SocketAddr> = listener.local_addr().ok();
    tracing::info!(?address, "serving");
    let app = app_with(state, limits);
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout);
    let connections = Arc::new(tokio::sync::Semaphore::new(limits.max_connections));
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = Arc::clone(&connections).acquire_owned() => {
                permit.expect("the semaphore is never closed")
            }
            () = &mut shutdown => break,
        };
        let (stream, _) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors and the like: wait, as axum::serve does.
                    tracing::warn!(%error, "accepting a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let service = hyper_util::service::TowerToHyperService::new(app.clone());
        let connection = builder
            .serve_connection_with_upgrades(TokioIo::new(stream), service)
            .into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%error, "connection ended with an error");
            }
            drop(permit);
        });
    }
    tracing::info!("shutting down");
    graceful.shutdown().await;
    Ok(())
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
}
