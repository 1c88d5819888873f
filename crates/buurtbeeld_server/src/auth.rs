//! Who is asking, and may they: sessions, the authorisation matrix, CSRF and the sign-in rate
//! limit.
//!
//! Every request passes [`authorize`]. It finds the session of the `buurtbeeld_sessie` cookie
//! (the store keeps only the token's SHA-256), looks up the rule of the matched route in
//! [`RULES`] and answers 401 (not signed in) or 403 (role too low) before any handler runs.
//! Routes are registered only through [`Endpoint`]s, and [`crate::app`] refuses to build when an
//! endpoint has no rule or a rule no endpoint: a route cannot exist without a decision about
//! who may use it.
//!
//! Pages are rendered once per role (the response cache keys on it) with two markers that this
//! layer fills in per session: the menu with the account's name, and the CSRF token of forms.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, SaltString};
use argon2::{Argon2, PasswordVerifier};
use axum::body::Body;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::MethodRouter;
use buurtbeeld_cube::Role;
use maud::html;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::page::{CSRF_MARKER, MENU_MARKER};
use crate::{AppError, AppState};

/// The session cookie. `__Host-` would pin it to https, which a loopback test server lacks.
pub(crate) const SESSION_COOKIE: &str = "buurtbeeld_sessie";
/// A session lasts one working day from sign-in; there is no sliding renewal, so reading pages
/// never writes to the store.
pub(crate) const SESSION_LIFETIME: Duration = Duration::from_secs(8 * 60 * 60);
/// The name of the CSRF field of every form.
pub(crate) const CSRF_FIELD: &str = "csrf";

/// Who may use an endpoint: the least role. `Publiek` endpoints answer everyone, the public
/// with the protected public view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Rule {
    pub method: Method,
    pub path: &'static str,
    pub least: Role,
}

const fn rule(method: Method, path: &'static str, least: Role) -> Rule {
    Rule {
        method,
        path,
        least,
    }
}

use Role::{Analist, Beheerder, Lezer, Publiek};

/// The authorisation matrix: every endpoint and the least role that may use it. Documented in
/// docs/accounts.md; `tests/router.rs` walks every rule as every role.
pub(crate) const RULES: &[Rule] = &[
    // The public view: the crime picture with small counts protected, public plans, sources.
    rule(Method::GET, "/", Publiek),
    rule(Method::GET, "/thema/{id}", Publiek),
    rule(Method::GET, "/gebied/{code}", Publiek),
    rule(Method::GET, "/gegevens", Publiek),
    rule(Method::GET, "/plan", Publiek),
    rule(Method::GET, "/aanmelden", Publiek),
    rule(Method::POST, "/aanmelden", Publiek),
    rule(Method::GET, "/aanmelden/oidc", Publiek),
    rule(Method::GET, "/aanmelden/oidc/terug", Publiek),
    rule(Method::GET, "/api", Publiek),
    rule(Method::GET, "/api/v1/openapi.json", Publiek),
    rule(Method::GET, "/api/v1/areas", Publiek),
    rule(Method::GET, "/api/v1/areas/{code}", Publiek),
    rule(Method::GET, "/api/v1/themes", Publiek),
    rule(Method::GET, "/api/v1/categories", Publiek),
    rule(Method::GET, "/api/v1/picture", Publiek),
    rule(Method::GET, "/api/v1/plans", Publiek),
    rule(Method::GET, "/api/v1/plans/{id}", Publiek),
    // Everything an account reads: month figures, hotspots, forecasts, interventions, the
    // action points and budget, the council documents, the import log.
    rule(Method::POST, "/afmelden", Lezer),
    rule(Method::GET, "/actie", Lezer),
    rule(Method::GET, "/vooruitblik", Lezer),
    rule(Method::GET, "/bronnen", Lezer),
    rule(Method::GET, "/patronen", Lezer),
    rule(Method::GET, "/interventies", Lezer),
    rule(Method::GET, "/interventie/{id}", Lezer),
    rule(Method::GET, "/plan/acties", Lezer),
    rule(Method::GET, "/plan/begroting", Lezer),
    rule(Method::GET, "/plan/geschiedenis", Lezer),
    rule(Method::GET, "/plan/verschil", Lezer),
    rule(Method::GET, "/documenten/{file}", Lezer),
    rule(Method::GET, "/api/v1/series", Lezer),
    rule(Method::GET, "/api/v1/peers", Lezer),
    rule(Method::GET, "/api/v1/rankings", Lezer),
    rule(Method::GET, "/api/v1/hotspots", Lezer),
    rule(Method::GET, "/api/v1/vis", Lezer),
    rule(Method::GET, "/api/v1/near-repeat", Lezer),
    rule(Method::GET, "/api/v1/density", Lezer),
    rule(Method::GET, "/api/v1/forecasts", Lezer),
    rule(Method::GET, "/api/v1/backtests", Lezer),
    rule(Method::GET, "/api/v1/imports", Lezer),
    rule(Method::GET, "/api/v1/interventions", Lezer),
    rule(Method::GET, "/api/v1/interventions/{id}/effect", Lezer),
    // The analyst's work: importing and editing.
    rule(Method::GET, "/gegevens/importeren", Analist),
    rule(Method::POST, "/gegevens/importeren", Analist),
    rule(Method::GET, "/plan/acties/bewerken", Analist),
    rule(Method::POST, "/plan/acties/bewerken", Analist),
    rule(Method::GET, "/plan/begroting/bewerken", Analist),
    rule(Method::POST, "/plan/begroting/bewerken", Analist),
    rule(Method::GET, "/plan/doelen/bewerken", Analist),
    rule(Method::POST, "/plan/doelen/bewerken", Analist),
    rule(Method::GET, "/interventies/bewerken", Analist),
    rule(Method::POST, "/interventies/bewerken", Analist),
    // The beheerder: accounts (read), the audit log, which plans are public.
    rule(Method::GET, "/beheer", Beheerder),
    rule(Method::POST, "/beheer/openbaar", Beheerder),
];

/// The rule of a route, if it has one.
pub(crate) fn rule_for(method: &Method, path: &str) -> Option<&'static Rule> {
    RULES
        .iter()
        .find(|rule| rule.method == *method && rule.path == path)
}

/// One method on one path, with its handler: the only way a route enters the router.
pub(crate) struct Endpoint {
    pub method: Method,
    pub path: &'static str,
    pub handler: MethodRouter<AppState>,
}

impl std::fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.method, self.path)
    }
}

pub(crate) fn get<H, T>(path: &'static str, handler: H) -> Endpoint
where
    H: axum::handler::Handler<T, AppState>,
    T: 'static,
{
    Endpoint {
        method: Method::GET,
        path,
        handler: axum::routing::get(handler),
    }
}

pub(crate) fn post<H, T>(path: &'static str, handler: H) -> Endpoint
where
    H: axum::handler::Handler<T, AppState>,
    T: 'static,
{
    Endpoint {
        method: Method::POST,
        path,
        handler: axum::routing::post(handler),
    }
}

/// The endpoints as a router, under `prefix`.
///
/// # Panics
/// When an endpoint has no rule in [`RULES`]: a route nobody decided on must not exist.
pub(crate) fn routes(prefix: &str, endpoints: Vec<Endpoint>) -> axum::Router<AppState> {
    let mut by_path: BTreeMap<&'static str, MethodRouter<AppState>> = BTreeMap::new();
    for endpoint in endpoints {
        let full = format!("{prefix}{}", endpoint.path);
        assert!(
            rule_for(&endpoint.method, &full).is_some(),
            "{} {full} has no rule in auth::RULES; decide who may use it",
            endpoint.method
        );
        let merged = match by_path.remove(endpoint.path) {
            Some(existing) => existing.merge(endpoint.handler),
            None => endpoint.handler,
        };
        by_path.insert(endpoint.path, merged);
    }
    by_path
        .into_iter()
        .fold(axum::Router::new(), |router, (path, handler)| {
            router.route(path, handler)
        })
}

/// # Panics
/// When a rule of [`RULES`] has no endpoint: a stale rule would hide that a route went away.
pub(crate) fn assert_every_rule_is_routed(groups: &[(&str, &[Endpoint])]) {
    for rule in RULES {
        let routed = groups.iter().any(|(prefix, endpoints)| {
            endpoints.iter().any(|endpoint| {
                endpoint.method == rule.method && format!("{prefix}{}", endpoint.path) == rule.path
            })
        });
        assert!(
            routed,
            "auth::RULES has {} {} but no such route",
            rule.method, rule.path
        );
    }
}

/// The signed-in account of a request.
#[derive(Debug, Clone)]
pub(crate) struct Account {
    pub login: String,
    pub display_name: String,
    pub csrf_token: String,
    pub token_hash: [u8; 32],
}

/// Who is asking: a role, and the account when signed in. In every request's extensions.
#[derive(Debug, Clone)]
pub(crate) struct Viewer {
    pub role: Role,
    pub account: Option<Account>,
}

impl Viewer {
    pub(crate) const PUBLIC: Viewer = Viewer {
        role: Role::Publiek,
        account: None,
    };

    pub(crate) fn is_public(&self) -> bool {
        self.role == Role::Publiek
    }

    /// Checks a form's CSRF token against the session's. Every handler of a form calls this
    /// before it changes anything; the authorisation test posts every form with a wrong token.
    pub(crate) fn check_csrf(&self, token: &str) -> Result<&Account, AppError> {
        match &self.account {
            Some(account) if constant_time_eq(account.csrf_token.as_bytes(), token.as_bytes()) => {
                Ok(account)
            }
            _ => Err(AppError::Forbidden(
                "het formulier is verlopen of niet van deze site; laad de pagina opnieuw en \
                 probeer het nog eens"
                    .to_owned(),
            )),
        }
    }
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Viewer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _state: &S,
    ) -> Result<Viewer, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<Viewer>()
            .cloned()
            .unwrap_or(Viewer::PUBLIC))
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A fresh random token, URL-safe, 256 bits.
pub(crate) fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub(crate) fn token_hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// An argon2id hash of a password, as a PHC string (the crate's default parameters: 19 MiB,
/// two passes, OWASP's minimum).
pub fn hash_password(password: &str) -> Result<String, String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| e.to_string())
}

pub(crate) fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|hash| {
        Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok()
    })
}

/// The value of one cookie of the request.
pub(crate) fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find_map(|(key, value)| (key == name).then_some(value))
}

/// Whether the request came to a loopback name (a local test server over http): only there is
/// the session cookie sent without `Secure`.
pub(crate) fn to_loopback(headers: &HeaderMap) -> bool {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    let name = host
        .rsplit_once(':')
        .filter(|(_, port)| port.chars().all(|c| c.is_ascii_digit()))
        .map_or(host, |(name, _)| name);
    matches!(name, "localhost" | "127.0.0.1" | "[::1]")
}

/// A `Set-Cookie` for `name` on `path`, `HttpOnly` and `SameSite=Lax`, `Secure` unless the
/// request came to a loopback name; `value` None removes the cookie.
pub(crate) fn set_cookie(
    headers: &HeaderMap,
    name: &str,
    path: &str,
    value: Option<&str>,
    lifetime: Duration,
) -> HeaderValue {
    let secure = if to_loopback(headers) { "" } else { "; Secure" };
    let (value, max_age) = value.map_or(("", 0), |v| (v, lifetime.as_secs()));
    HeaderValue::from_str(&format!(
        "{name}={value}; Path={path}; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    ))
    .expect("hex tokens and ASCII attributes")
}

/// The `Set-Cookie` of a new session, or of its removal (`token` None).
pub(crate) fn session_cookie(headers: &HeaderMap, token: Option<&str>) -> HeaderValue {
    set_cookie(headers, SESSION_COOKIE, "/", token, SESSION_LIFETIME)
}

pub(crate) fn unix_now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// The login of local use without accounts, in the audit log.
pub(crate) const LOCAL_LOGIN: &str = "lokaal";

/// The viewer of a request: the session's account, the local user (loopback, no accounts), or
/// the public.
async fn viewer_of(state: &AppState, headers: &HeaderMap) -> Viewer {
    if state.public_only {
        return Viewer::PUBLIC;
    }
    let token = cookie(headers, SESSION_COOKIE).map(str::to_owned);
    // Local use needs the request to name a loopback host too: a web page elsewhere that
    // resolves its own name to 127.0.0.1 (DNS rebinding) gets the public view.
    let maybe_local = state.loopback && to_loopback(headers);
    if token.is_none() && !maybe_local {
        return Viewer::PUBLIC;
    }
    let worker = state.clone();
    let found = tokio::task::spawn_blocking(move || {
        let store = worker.store().ok()?;
        if let Some(token) = token {
            let hash = token_hash(&token);
            if let Some(session) = store.session(&hash, unix_now()).ok()? {
                return Some(Viewer {
                    role: session.user.role,
                    account: Some(Account {
                        login: session.user.login,
                        display_name: session.user.display_name,
                        csrf_token: session.csrf_token,
                        token_hash: hash,
                    }),
                });
            }
        }
        (maybe_local && !store.has_enabled_users().ok()?).then(|| Viewer {
            role: Role::Beheerder,
            account: Some(Account {
                login: LOCAL_LOGIN.to_owned(),
                display_name: "Lokaal gebruik (geen accounts)".to_owned(),
                csrf_token: worker.local_csrf_token.clone(),
                token_hash: [0; 32],
            }),
        })
    })
    .await
    .ok()
    .flatten();
    found.unwrap_or(Viewer::PUBLIC)
}

/// A state-changing request must come from a page of this site: browsers send `Origin` with
/// every POST (and `Referer` where they don't), and its host must be the one asked.
fn same_origin(headers: &HeaderMap) -> bool {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let from = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|h| h.to_str().ok())
        .and_then(|url| url.split_once("://").map(|(_, rest)| rest))
        .map(|rest| rest.split('/').next().unwrap_or(rest));
    matches!((host, from), (Some(host), Some(from)) if host == from)
}

/// The authorisation layer; see the module docs.
pub(crate) async fn authorize(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let viewer = viewer_of(&state, request.headers()).await;
    let matched = request
        .extensions()
        .get::<MatchedPath>()
        .map(|path| path.as_str().to_owned());
    let is_api = request.uri().path().starts_with("/api/");
    // Handlers exist only for the rules (see `routes`): a method without a rule on a known
    // path reaches no handler, and the router answers 405.
    let rule = matched.and_then(|path| rule_for(request.method(), &path));
    if let Some(rule) = rule {
        let least = rule.least;
        if !viewer.role.may(least) {
            let error = if viewer.is_public() {
                AppError::Unauthorized(
                    "Hiervoor moet u aangemeld zijn. Meld u aan via /aanmelden.".to_owned(),
                )
            } else {
                AppError::Forbidden(format!(
                    "Uw rol ({}) geeft geen toegang tot deze pagina; daarvoor is de rol {} nodig.",
                    viewer.role, least
                ))
            };
            return answer_error(error, is_api);
        }
    }
    if rule.is_some() && request.method() == Method::POST && !same_origin(request.headers()) {
        return answer_error(
            AppError::Forbidden("dit formulier kwam niet van een pagina van deze site".to_owned()),
            is_api,
        );
    }
    if viewer.account.is_some() {
        // Pages carry the account's name and token: never answered 304 from another session's
        // copy in the browser.
        request.headers_mut().remove(header::IF_NONE_MATCH);
    }
    request.extensions_mut().insert(viewer.clone());
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    personalise(response, &viewer, &path).await
}

fn answer_error(error: AppError, is_api: bool) -> Response {
    if is_api {
        error.into_response()
    } else {
        crate::page::PageError::from(error).into_response()
    }
}

/// Fills the menu and CSRF markers of an HTML page for this viewer.
async fn personalise(mut response: Response, viewer: &Viewer, path: &str) -> Response {
    // Answers differ by who asks: a shared cache must keep them apart, and keep nothing of an
    // account's (which also never gets a 304 from another session's copy in the browser).
    let headers = response.headers_mut();
    headers.append(header::VARY, HeaderValue::from_static("Cookie"));
    if viewer.account.is_some() {
        headers.remove(header::ETAG);
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        );
    }
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if !is_html {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let page = String::from_utf8_lossy(&bytes);
    let csrf_field = match &viewer.account {
        Some(account) => html! {
            input type="hidden" name=(CSRF_FIELD) value=(account.csrf_token);
        }
        .into_string(),
        None => String::new(),
    };
    let page = page
        .replacen(MENU_MARKER, &menu(viewer, path), 1)
        .replace(CSRF_MARKER, &csrf_field);
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(page))
}

/// The main menu: the pages this viewer may open, and the account's name with sign-out, or
/// the sign-in link.
fn menu(viewer: &Viewer, path: &str) -> String {
    const ITEMS: [(&str, &str); 10] = [
        ("/", "Overzicht"),
        ("/actie", "Waar is actie nodig?"),
        ("/bronnen", "Alle bronnen"),
        ("/patronen", "Patronen"),
        ("/vooruitblik", "Vooruitblik"),
        ("/plan", "Veiligheidsplan"),
        ("/interventies", "Heeft het geholpen?"),
        ("/gegevens", "Gegevens"),
        ("/beheer", "Beheer"),
        ("/api", "API"),
    ];
    // An intervention's own page (/interventie/…) belongs to the list of interventions.
    let path = if path.starts_with("/interventie/") {
        "/interventies"
    } else {
        path
    };
    let current = ITEMS
        .iter()
        .map(|(href, _)| *href)
        .filter(|href| path == *href || (*href != "/" && path.starts_with(&format!("{href}/"))))
        .max_by_key(|href| href.len());
    let visible = ITEMS.into_iter().filter(|(href, _)| {
        rule_for(&Method::GET, href).is_some_and(|rule| viewer.role.may(rule.least))
    });
    html! {
        nav aria-label="Hoofdmenu" {
            ul {
                @for (href, label) in visible {
                    li {
                        @if Some(href) == current {
                            a href=(href) aria-current="page" { (label) }
                        } @else {
                            a href=(href) { (label) }
                        }
                    }
                }
            }
        }
        div.account {
            @match &viewer.account {
                Some(account) if account.login == LOCAL_LOGIN => {
                    span { (account.display_name) }
                }
                Some(account) => {
                    span { (account.display_name) " (" (viewer.role) ")" }
                    form method="post" action="/afmelden" {
                        input type="hidden" name=(CSRF_FIELD) value=(account.csrf_token);
                        button type="submit" { "Afmelden" }
                    }
                }
                None => {
                    a href="/aanmelden" { "Aanmelden" }
                }
            }
        }
    }
    .into_string()
}

/// Failed sign-ins per account name, in a sliding window: after [`MAX_FAILURES`] in
/// [`FAILURE_WINDOW`], further attempts on that name are refused (429) until the oldest failure
/// leaves the window. A correct password does not reset the count.
#[derive(Debug, Default)]
pub(crate) struct SignInLimiter {
    failures: Mutex<BTreeMap<String, Vec<Instant>>>,
}

pub(crate) const MAX_FAILURES: usize = 5;
pub(crate) const FAILURE_WINDOW: Duration = Duration::from_secs(15 * 60);

impl SignInLimiter {
    /// How long until `keys` may try again, if they may not now.
    pub(crate) fn wait(&self, keys: &[String]) -> Option<Duration> {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        keys.iter()
            .filter_map(|key| {
                let times = failures.get_mut(key)?;
                times.retain(|t| now.duration_since(*t) < FAILURE_WINDOW);
                (times.len() >= MAX_FAILURES).then(|| FAILURE_WINDOW - now.duration_since(times[0]))
            })
            .max()
    }

    pub(crate) fn failed(&self, keys: &[String]) {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        // Bounded memory under a flood of made-up names: forget windows that have passed.
        if failures.len() > 100_000 {
            failures.retain(|_, times| {
                times
                    .last()
                    .is_some_and(|t| now.duration_since(*t) < FAILURE_WINDOW)
            });
        }
        for key in keys {
            failures.entry(key.clone()).or_default().push(now);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_against_its_own_hash_only() {
        let hash = hash_password("geheim wachtwoord").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("geheim wachtwoord", &hash));
        assert!(!verify_password("geheim wachtwoorD", &hash));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn the_sixth_failure_in_the_window_waits() {
        let limiter = SignInLimiter::default();
        let keys = ["login:a".to_owned()];
        for _ in 0..MAX_FAILURES {
            assert_eq!(limiter.wait(&keys), None);
            limiter.failed(&keys);
        }
        assert!(limiter.wait(&keys).is_some());
        assert_eq!(limiter.wait(&["login:b".to_owned()]), None);
    }

    #[test]
    fn only_a_post_from_this_site_is_same_origin() {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, HeaderValue::from_static("vis.gemeente.nl"));
        assert!(!same_origin(&headers));
        headers.insert(
            header::ORIGIN,
            HeaderValue::from_static("https://evil.example"),
        );
        assert!(!same_origin(&headers));
        headers.insert(
            header::ORIGIN,
            HeaderValue::from_static("https://vis.gemeente.nl"),
        );
        assert!(same_origin(&headers));
    }

    async fn nothing() {}

    #[test]
    #[should_panic(expected = "has no rule in auth::RULES")]
    fn a_route_without_a_rule_is_refused_when_the_app_is_built() {
        let _ = routes("", vec![get("/zonder-regel", nothing)]);
    }

    #[test]
    #[should_panic(expected = "but no such route")]
    fn a_rule_without_a_route_is_refused_when_the_app_is_built() {
        assert_every_rule_is_routed(&[("", &[get("/", nothing)])]);
    }

    #[test]
    fn every_rule_is_unique() {
        for (i, a) in RULES.iter().enumerate() {
            assert!(
                !RULES[i + 1..]
                    .iter()
                    .any(|b| a.method == b.method && a.path == b.path),
                "{} {} twice",
                a.method,
                a.path
            );
        }
    }
}
