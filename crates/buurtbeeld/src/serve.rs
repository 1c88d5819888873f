//! `buurtbeeld serve`: the dashboard and API on a real HTTP server, with the demo data loaded
//! into an empty store so the first start shows something useful.

use std::path::Path;

use anyhow::Context as _;

use crate::cli::ServeArgs;
use crate::commands::{open_store, Failure, Outcome};
use crate::demo;

pub fn serve(data_dir: &Path, args: ServeArgs) -> Outcome {
    let addr = args.addr;
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,tower_http=info".into()),
        )
        .init();
    let store = open_store(data_dir)?;
    // Beyond loopback, a server without accounts would show everything to everyone; refuse
    // unless it is meant to be public only.
    if !addr.ip().is_loopback() && !args.public_only && !store.has_enabled_users()? {
        return Err(Failure::Refused(format!(
            "{addr} is bereikbaar van buiten deze machine, en er is geen account: iedereen zou \
             alles zien. Maak eerst een account (buurtbeeld user add <e-mail> --role beheerder \
             --password-stdin) of start met --public-only."
        )));
    }
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
        let mut state = buurtbeeld_server::AppState::new(data_dir.to_owned());
        state.public_only = args.public_only;
        if let (Some(issuer), Some(client_id), Some(redirect_url)) = (
            args.oidc_issuer.clone(),
            args.oidc_client_id.clone(),
            args.oidc_redirect_url.clone(),
        ) {
            let config = buurtbeeld_server::OidcConfig {
                issuer,
                client_id,
                client_secret: args.oidc_client_secret.clone(),
                redirect_url,
            };
            let sign_in = buurtbeeld_server::OidcSignIn::discover(&config, args.oidc_label.clone())
                .await
                .map_err(|e| Failure::Refused(format!("OpenID Connect: {e}")))?;
            state.oidc = Some(std::sync::Arc::new(sign_in));
        }
        state.loopback = bound.ip().is_loopback();
        state.disclosure_threshold = args.threshold;
        outln!("buurtbeeld draait op http://{bound}/  (stoppen: Ctrl-C)");
        buurtbeeld_server::serve(listener, state)
            .await
            .context("serving")
            .map_err(Failure::from)?;
        Ok::<(), Failure>(())
    })?;
    Ok(())
}
