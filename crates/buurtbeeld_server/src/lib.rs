//! The web dashboard and open JSON API of buurtbeeld (`buurtbeeld serve`).
//!
//! The only crate that knows HTTP. Handlers open the store read-only, so a `buurtbeeld import`
//! into the same data directory is visible at the next request without a restart and without
//! failed requests (SQLite WAL readers see the last committed import); successful answers are
//! kept per data version (`cache`), so a repeated request costs a lookup.

mod account_pages;
mod api;
mod api_docs_pages;
mod auth;
mod cache;
mod download;
mod effect_pages;
mod error;
mod first_screen;
mod oidc;
mod oidc_pages;
mod page;
mod pages;
mod pattern_pages;
mod peer_section;
mod plan_pages;
mod public;
mod public_pages;
mod public_view;
mod vis_pages;
mod work_pages;

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

pub use auth::hash_password;
pub use error::AppError;
pub use oidc::{
    OidcConfig, OidcError, OidcIdentity, OidcProvider, PendingSignIn,
    SIGN_IN_MAX_AGE as OIDC_SIGN_IN_MAX_AGE,
};
pub use oidc_pages::OidcSignIn;

/// What every handler needs: where the store is, the answers kept from it, and how people sign
/// in.
#[derive(Debug, Clone)]
pub struct AppState {
    pub data_dir: PathBuf,
    /// Nobody signs in: every request gets the public view (`serve --public-only`).
    pub public_only: bool,
    /// The server listens on a loopback address only. Then, as long as there is no account,
    /// whoever opens it on this machine works as a local beheerder: the first start shows the
    /// whole dashboard, and nothing is reachable from elsewhere.
    pub loopback: bool,
    /// Counts below this are not shown in the public view (default 5).
    pub disclosure_threshold: u64,
    /// Sign-in through OpenID Connect, when configured.
    pub oidc: Option<Arc<oidc_pages::OidcSignIn>>,
    /// The CSRF token of local use without accounts (one per server process).
    local_csrf_token: String,
    cache: Arc<cache::ResponseCache>,
    sign_in_limiter: Arc<auth::SignInLimiter>,
}

impl AppState {
    pub fn new(data_dir: PathBuf) -> AppState {
        AppState {
            data_dir,
            public_only: false,
            loopback: false,
            local_csrf_token: auth::random_token(),
            disclosure_threshold: DEFAULT_DISCLOSURE_THRESHOLD,
            oidc: None,
            cache: Arc::new(cache::ResponseCache::new()),
            sign_in_limiter: Arc::new(auth::SignInLimiter::default()),
        }
    }

    /// A writable store, for sign-ins, edits and imports.
    pub(crate) fn store_for_writing(&self) -> Result<Store, AppError> {
        Store::open(&self.data_dir).map_err(AppError::from)
    }

    pub(crate) fn store(&self) -> Result<Store, AppError> {
        Store::open_read_only(&self.data_dir).map_err(AppError::from)
    }
}

/// The authorisation matrix: every endpoint (method, path) and the least role that may use
/// it. Every route of [`app`] is in it; see docs/accounts.md.
pub fn authorisation_matrix() -> Vec<(axum::http::Method, &'static str, buurtbeeld_cube::Role)> {
    auth::RULES
        .iter()
        .map(|rule| (rule.method.clone(), rule.path, rule.least))
        .collect()
}

/// The public view's default threshold: CBS and the police publish no count below 5 of
/// persons; the same rule protects the public view of buurtbeeld.
pub const DEFAULT_DISCLOSURE_THRESHOLD: u64 = 5;

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

/// The whole application: API and pages, with request tracing, security headers, the
/// authorisation layer, the response cache and the request limits.
///
/// # Panics
/// When a route has no rule in the authorisation matrix or a rule no route (see `auth`).
pub fn app(state: AppState) -> Router {
    app_with(state, Limits::default())
}

/// [`app`] with chosen limits.
pub fn app_with(state: AppState, limits: Limits) -> Router {
    let pages = [
        pages::endpoints(),
        plan_pages::endpoints(),
        effect_pages::endpoints(),
        vis_pages::endpoints(),
        pattern_pages::endpoints(),
        account_pages::endpoints(),
        oidc_pages::endpoints(),
        work_pages::endpoints(),
        api_docs_pages::endpoints(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>();
    let api = api::endpoints();
    auth::assert_every_rule_is_routed(&[("", &pages), ("/api/v1", &api)]);
    let routes = Router::new()
        .merge(auth::routes("", pages))
        .nest("/api/v1", api::router(auth::routes("/api/v1", api)))
        .fallback(|| async { AppError::NotFound("Deze pagina bestaat niet.".to_owned()) })
        .layer(middleware::from_fn_with_state(state.clone(), cache::cached))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            auth::authorize,
        ))
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
        page::STYLE,
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
