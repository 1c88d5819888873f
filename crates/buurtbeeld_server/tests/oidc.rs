//! The OpenID Connect sign-in, whole, against a real provider: npm's oidc-provider on loopback
//! (`tests/oidc/provider.mjs`), through its own login and consent pages.
//!
//! Which provider: the one at `BUURTBEELD_TEST_OIDC_ISSUER` if set (started by hand with
//! `node tests/oidc/provider.mjs`); otherwise this test starts `provider.mjs` itself when `node`
//! is on PATH and `tests/oidc/node_modules` exists (`npm ci` there, as `.ci/run` does);
//! otherwise each test prints why it is skipped and passes, so `cargo test --workspace` needs
//! only a Rust toolchain. Under CI (`CI` set) a missing provider fails instead: a test that
//! quietly stops running protects nothing.

use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex, OnceLock};
use std::time::Duration;

use buurtbeeld_server::{OidcConfig, OidcError, OidcProvider, PendingSignIn};
use reqwest::redirect::Policy;
use reqwest::Url;

/// The test's own; nothing listens there. The provider redirects the browser to it and the test
/// reads the code and state from that redirect.
const REDIRECT_URL: &str = "https://buurtbeeld.gemeente.example/aanmelden/oidc/terug";
/// The same as in provider.mjs: a loopback test provider's, not a secret.
const CLIENT_SECRET: &str = "alleen-voor-tests-buurtbeeld-oidc-0123456789";

/// Which of the provider's two ways of handing out the e-mail address and name.
#[derive(Clone, Copy)]
enum Claims {
    /// In the ID token, as Entra ID and Keycloak do.
    InIdToken,
    /// Only from the userinfo endpoint, as the specification has it when an access token is
    /// issued (`--conform-id-token-claims`).
    FromUserInfo,
}

/// A provider this test process started. It is kept for the whole run and shared by the tests;
/// it exits when its standard input closes (`--exit-with-stdin`), which the operating system
/// does when this process ends, however it ends (a panicking test, Ctrl-C, a kill), so no
/// provider outlives the test run.
struct Started {
    issuer: String,
    _stdin: ChildStdin,
    _child: Child,
}

/// The issuer to test against, or `None` (after saying why) when the test is skipped.
fn issuer(claims: Claims) -> Option<String> {
    if let Ok(issuer) = std::env::var("BUURTBEELD_TEST_OIDC_ISSUER") {
        return Some(issuer);
    }
    let directory = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/oidc");
    let node = Command::new("node")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    let reason = if !node {
        Some("node is not on PATH")
    } else if !directory.join("node_modules").is_dir() {
        Some("tests/oidc/node_modules is missing (run `npm ci` in tests/oidc)")
    } else {
        None
    };
    if let Some(reason) = reason {
        assert!(
            std::env::var_os("CI").is_none(),
            "the OIDC test provider is needed under CI, but {reason}"
        );
        println!(
            "skipped: no OpenID Connect test provider: {reason}; \
             or set BUURTBEELD_TEST_OIDC_ISSUER"
        );
        return None;
    }
    static IN_ID_TOKEN: OnceLock<Started> = OnceLock::new();
    static FROM_USER_INFO: OnceLock<Started> = OnceLock::new();
    let cell = match claims {
        Claims::InIdToken => &IN_ID_TOKEN,
        Claims::FromUserInfo => &FROM_USER_INFO,
    };
    Some(
        cell.get_or_init(|| start(&directory, claims))
            .issuer
            .clone(),
    )
}

fn start(directory: &std::path::Path, claims: Claims) -> Started {
    let mut command = Command::new("node");
    command
        .arg(directory.join("provider.mjs"))
        .args([
            "--port",
            "0",
            "--redirect-uri",
            REDIRECT_URL,
            "--exit-with-stdin",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Claims::FromUserInfo = claims {
        command.arg("--conform-id-token-claims");
    }
    let mut child = command
        .spawn()
        .expect("starting node tests/oidc/provider.mjs");
    let stdin = child.stdin.take().expect("piped stdin");

    // Both pipes are read to the end, so the provider never blocks on a full pipe.
    let stdout = child.stdout.take().expect("piped stdout");
    let (first_line, issuer_line) = mpsc::channel();
    std::thread::spawn(move || {
        let mut lines = BufReader::new(stdout).lines();
        let _ = first_line.send(lines.next().and_then(Result::ok));
        lines.for_each(drop);
    });
    let stderr_text = Arc::new(Mutex::new(String::new()));
    let mut stderr = child.stderr.take().expect("piped stderr");
    let collected = Arc::clone(&stderr_text);
    std::thread::spawn(move || {
        let mut buffer = [0; 4096];
        while let Ok(read @ 1..) = stderr.read(&mut buffer) {
            let text = String::from_utf8_lossy(&buffer[..read]);
            collected.lock().unwrap().push_str(&text);
        }
    });

    match issuer_line.recv_timeout(Duration::from_secs(30)) {
        Ok(Some(issuer)) if issuer.starts_with("http://127.0.0.1:") => Started {
            issuer,
            _stdin: stdin,
            _child: child,
        },
        other => {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "provider.mjs did not print its issuer ({other:?}); its stderr:\n{}",
                stderr_text.lock().unwrap()
            );
        }
    }
}

async fn provider(claims: Claims) -> Option<OidcProvider> {
    let issuer = issuer(claims)?;
    let config = OidcConfig {
        issuer,
        client_id: "buurtbeeld".to_owned(),
        client_secret: Some(CLIENT_SECRET.to_owned()),
        redirect_url: REDIRECT_URL.to_owned(),
    };
    Some(
        OidcProvider::discover(&config)
            .await
            .expect("discovering the test provider"),
    )
}

/// Where the provider sent the browser back, and what the callback reads from it.
struct Callback {
    code: String,
    state: String,
}

/// Plays the browser: follows the provider's redirects, fills in its login form with `login`
/// (any password does) and accepts the consent form, until the provider redirects to
/// [`REDIRECT_URL`].
async fn sign_in_at_provider(authorization_url: &str, login: &str) -> Callback {
    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .unwrap();
    let mut response = browser.get(authorization_url).send().await.unwrap();
    for _ in 0..20 {
        let page = response.url().clone();
        if response.status().is_redirection() {
            let location = response
                .headers()
                .get(reqwest::header::LOCATION)
                .expect("a redirect has a Location")
                .to_str()
                .unwrap();
            let next = page.join(location).unwrap();
            if next.as_str().starts_with(REDIRECT_URL) {
                let query = |name: &str| {
                    next.query_pairs()
                        .find(|(key, _)| key == name)
                        .map(|(_, value)| value.into_owned())
                        .unwrap_or_else(|| panic!("no {name} in {next}"))
                };
                return Callback {
                    code: query("code"),
                    state: query("state"),
                };
            }
            response = browser.get(next).send().await.unwrap();
            continue;
        }
        let status = response.status();
        let body = response.text().await.unwrap();
        assert!(status.is_success(), "{status} at {page}:\n{body}");
        let (action, prompt) = form(&body).unwrap_or_else(|| panic!("no form at {page}:\n{body}"));
        let fields: Vec<(&str, &str)> = match prompt.as_str() {
            "login" => vec![
                ("prompt", "login"),
                ("login", login),
                ("password", "wat-dan-ook"),
            ],
            "consent" => vec![("prompt", "consent")],
            other => panic!("an unexpected prompt {other:?} at {page}"),
        };
        let action = page.join(&action).unwrap();
        response = browser.post(action).form(&fields).send().await.unwrap();
    }
    panic!("the provider did not redirect back within 20 steps");
}

/// The form's action and its hidden `prompt` field, from oidc-provider's own login and consent
/// pages; a few string searches suffice for those two fixed pages.
fn form(html: &str) -> Option<(String, String)> {
    let attribute = |from: &str, name: &str| -> Option<String> {
        let start = from.find(&format!("{name}=\""))? + name.len() + 2;
        let end = start + from[start..].find('"')?;
        Some(from[start..end].replace("&amp;", "&"))
    };
    let form = &html[html.find("<form")?..];
    let action = attribute(form, "action")?;
    let prompt = &form[form.find("name=\"prompt\"")?..];
    Some((action, attribute(prompt, "value")?))
}

/// A copy of `pending` with some of its fields from `other`, through its serialised form, the
/// way it is kept between the redirect and the callback.
fn mix(pending: &PendingSignIn, other: &PendingSignIn, fields: &[&str]) -> PendingSignIn {
    let mut mixed = serde_json::to_value(pending).unwrap();
    let other = serde_json::to_value(other).unwrap();
    for field in fields {
        assert!(mixed.get(*field).is_some(), "PendingSignIn has no {field}");
        mixed[*field] = other[*field].clone();
    }
    serde_json::from_value(mixed).unwrap()
}

fn send<T: Send>(value: T) -> T {
    value
}

fn assert_holds_no(error: &OidcError, secret: &str) {
    assert!(!error.to_string().contains(secret), "{error}");
    assert!(!format!("{error:?}").contains(secret), "{error:?}");
}

#[tokio::test]
async fn signs_in_with_the_code_flow_and_pkce() {
    let Some(provider) = provider(Claims::InIdToken).await else {
        return;
    };
    let (url, pending) = provider.begin();
    let parsed = Url::parse(&url).unwrap();
    let query: std::collections::HashMap<_, _> = parsed.query_pairs().into_owned().collect();
    assert_eq!(query["response_type"], "code");
    assert_eq!(query["client_id"], "buurtbeeld");
    assert_eq!(query["redirect_uri"], REDIRECT_URL);
    assert_eq!(query["code_challenge_method"], "S256");
    assert_eq!(query["scope"], "openid email profile");
    assert!(query["state"].len() >= 16 && query["nonce"].len() >= 16);

    let callback = sign_in_at_provider(&url, "analist-1").await;
    // Send, so an axum handler can await it.
    let identity = send(provider.finish(pending, &callback.code, &callback.state))
        .await
        .unwrap();
    assert_eq!(identity.issuer, provider.issuer());
    assert_eq!(identity.subject, "analist-1");
    assert_eq!(identity.email.as_deref(), Some("analist@gemeente.example"));
    assert_eq!(identity.name.as_deref(), Some("Anna Analist"));
}

#[tokio::test]
async fn takes_email_and_name_from_userinfo_when_the_id_token_lacks_them() {
    let Some(provider) = provider(Claims::FromUserInfo).await else {
        return;
    };
    let (url, pending) = provider.begin();
    let callback = sign_in_at_provider(&url, "beheerder-1").await;
    let identity = provider
        .finish(pending, &callback.code, &callback.state)
        .await
        .unwrap();
    assert_eq!(identity.subject, "beheerder-1");
    assert_eq!(
        identity.email.as_deref(),
        Some("beheerder@gemeente.example")
    );
    assert_eq!(identity.name.as_deref(), Some("Bert Beheerder"));
}

#[tokio::test]
async fn a_wrong_state_is_refused_before_the_code_is_spent() {
    let Some(provider) = provider(Claims::InIdToken).await else {
        return;
    };
    let (url, pending) = provider.begin();
    let (_, other) = provider.begin();
    let callback = sign_in_at_provider(&url, "analist-1").await;

    let error = provider
        .finish(pending.clone(), &callback.code, "een-andere-state")
        .await
        .unwrap_err();
    assert!(
        matches!(error, OidcError::StateMismatch { .. }),
        "{error:?}"
    );
    assert!(error.to_string().starts_with("aanmelden bij "), "{error}");
    // The callback's own state, but another sign-in's pending state: a login CSRF.
    let error = provider
        .finish(other, &callback.code, &callback.state)
        .await
        .unwrap_err();
    assert!(
        matches!(error, OidcError::StateMismatch { .. }),
        "{error:?}"
    );

    // Refused before any request: the code is still good for its own sign-in.
    let identity = provider
        .finish(pending, &callback.code, &callback.state)
        .await
        .unwrap();
    assert_eq!(identity.subject, "analist-1");
}

#[tokio::test]
async fn a_tampered_code_is_refused() {
    let Some(provider) = provider(Claims::InIdToken).await else {
        return;
    };
    let (url, pending) = provider.begin();
    let callback = sign_in_at_provider(&url, "analist-1").await;
    let mut tampered = callback.code.clone();
    let last = tampered.pop().unwrap();
    tampered.push(if last == 'A' { 'B' } else { 'A' });

    let error = provider
        .finish(pending, &tampered, &callback.state)
        .await
        .unwrap_err();
    assert!(matches!(error, OidcError::CodeExchange { .. }), "{error:?}");
    assert!(
        error.detail().unwrap().contains("invalid_grant"),
        "{error:?}"
    );
    assert_holds_no(&error, &tampered);
}

#[tokio::test]
async fn a_replayed_code_is_refused() {
    let Some(provider) = provider(Claims::InIdToken).await else {
        return;
    };
    let (url, pending) = provider.begin();
    let callback = sign_in_at_provider(&url, "analist-1").await;
    provider
        .finish(pending.clone(), &callback.code, &callback.state)
        .await
        .unwrap();

    let error = provider
        .finish(pending, &callback.code, &callback.state)
        .await
        .unwrap_err();
    assert!(matches!(error, OidcError::CodeExchange { .. }), "{error:?}");
    assert!(
        error.detail().unwrap().contains("invalid_grant"),
        "{error:?}"
    );
    assert_holds_no(&error, &callback.code);
}

#[tokio::test]
async fn a_nonce_from_another_sign_in_is_refused() {
    let Some(provider) = provider(Claims::InIdToken).await else {
        return;
    };
    let (url, pending) = provider.begin();
    let (_, other) = provider.begin();
    let callback = sign_in_at_provider(&url, "analist-1").await;
    // The right state and PKCE verifier, so the code exchange succeeds and the ID token's nonce
    // is what is left to refuse.
    let with_other_nonce = mix(&pending, &other, &["nonce"]);

    let error = provider
        .finish(with_other_nonce, &callback.code, &callback.state)
        .await
        .unwrap_err();
    assert!(
        matches!(error, OidcError::InvalidIdToken { .. }),
        "{error:?}"
    );
    assert!(error.detail().unwrap().contains("nonce"), "{error:?}");
}

#[tokio::test]
async fn a_pkce_verifier_from_another_sign_in_is_refused() {
    let Some(provider) = provider(Claims::InIdToken).await else {
        return;
    };
    let (url, pending) = provider.begin();
    let (_, other) = provider.begin();
    let callback = sign_in_at_provider(&url, "analist-1").await;
    // What an attacker who intercepted the code has: not the verifier, which never left us.
    let with_other_verifier = mix(&pending, &other, &["pkce_verifier"]);

    let error = provider
        .finish(with_other_verifier, &callback.code, &callback.state)
        .await
        .unwrap_err();
    assert!(matches!(error, OidcError::CodeExchange { .. }), "{error:?}");
    assert!(
        error.detail().unwrap().contains("invalid_grant"),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_sign_in_that_took_too_long_is_refused() {
    let Some(provider) = provider(Claims::InIdToken).await else {
        return;
    };
    let (url, pending) = provider.begin();
    let callback = sign_in_at_provider(&url, "analist-1").await;
    let mut stale = serde_json::to_value(&pending).unwrap();
    let started_at = stale["started_at"].as_u64().unwrap();
    stale["started_at"] = (started_at - 11 * 60).into();
    let stale: PendingSignIn = serde_json::from_value(stale).unwrap();

    let error = provider
        .finish(stale, &callback.code, &callback.state)
        .await
        .unwrap_err();
    assert!(matches!(error, OidcError::Expired { .. }), "{error:?}");
}

#[tokio::test]
async fn discovery_refuses_an_issuer_the_provider_does_not_claim() {
    let Some(issuer) = issuer(Claims::InIdToken) else {
        return;
    };
    // The same provider, but with a trailing slash its document does not have: the issuer must
    // match exactly, or ID tokens from it could not be told from another's.
    let config = OidcConfig {
        issuer: format!("{issuer}/"),
        client_id: "buurtbeeld".to_owned(),
        client_secret: Some(CLIENT_SECRET.to_owned()),
        redirect_url: REDIRECT_URL.to_owned(),
    };
    let error = OidcProvider::discover(&config).await.unwrap_err();
    assert!(matches!(error, OidcError::Discovery { .. }), "{error:?}");
    assert!(error.to_string().contains(&config.issuer), "{error}");
}
