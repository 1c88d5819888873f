//! `buurtbeeld serve`: the dashboard and API on a real HTTP server, with the demo data loaded
//! into an empty store so the first start shows something useful.

use std::path::Path;

use anyhow::Context as _;

use crate::commands::{open_store, Outcome};
use crate::demo;

pub fn serve(data_dir: &Path, addr: std::net::SocketAddr) -> Outcome {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,tower_http=info".into()),
        )
        .init();
    let store = open_store(data_dir)?;
    // Only the shipped defaults so far: give the first visit something to look at.
    if store.imports()?.len() <= 1 {
        drop(store);
        outln!("De database is leeg: de demogegevens worden geladen.");
        demo::load(data_dir)?;
    }
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("cannot listen on {addr}"))?;
        let bound = listener.local_addr().context("reading the bound address")?;
        outln!("buurtbeeld draait op http://{bound}/  (stoppen: Ctrl-C)");
        let state = buurtbeeld_server::AppState::new(data_dir.to_owned());
        buurtbeeld_server::serve(listener, state)
            .await
            .context("serving")?;
        Ok::<(), anyhow::Error>(())
    })?;
    Ok(())
}
