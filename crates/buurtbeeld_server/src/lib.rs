//! The web dashboard and open JSON API of buurtbeeld (`buurtbeeld serve`).
//!
//! The only crate that knows HTTP. Every request opens the store read-only, so a
//! `buurtbeeld import` into the same data directory is visible at the next request without a
//! restart and without failed requests (SQLite WAL readers see the last committed import).

mod api;
mod error;
mod pages;

use std::net::SocketAddr;
use std::path::PathBuf;

use axum::Router;
use buurtbeeld_store::Store;
use tower_http::trace::TraceLayer;

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
        .nest("/api/v1", api::router())
        .fallback(|| async { AppError::NotFound("Deze pagina bestaat niet.".to_owned()) })
        .layer(TraceLayer::new_for_http())
        .with_state(state)
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
