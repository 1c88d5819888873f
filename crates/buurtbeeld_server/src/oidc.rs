//! Sign-in with the municipality's own identity provider over OpenID Connect (code flow, PKCE).
//!
//! This module only proves who someone is at the provider; whether that person has an account
//! in buurtbeeld, and with which roles, is decided locally by the caller. The provider is
//! reached over https; plain http is accepted only on loopback (127.0.0.0/8, ::1, `localhost`),
//! where the test provider runs and nothing travels over a network. Redirects are never
//! followed: a provider that answers a token or key request with a redirect is misconfigured,
//! and following it would let its metadata point our requests anywhere (SSRF).

use std::fmt;
use std::sync::RwLock;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreClientAuthMethod, CoreErrorResponseType, CoreIdToken,
    CoreIdTokenClaims, CoreIdTokenVerifier, CoreJsonWebKeySet, CoreProviderMetadata,
    CoreUserInfoClaims,
};
use openidconnect::url::{Host, Url};
use openidconnect::{
    reqwest, AccessTokenHash, AuthType, AuthorizationCode, ClaimsVerificationError, ClientId,
    ClientSecret, CsrfToken, EndpointMaybeSet, EndpointNotSet, EndpointSet, IssuerUrl,
    JsonWebKeySet, JsonWebKeySetUrl, Nonce, OAuth2TokenResponse, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, RequestTokenError, Scope, SignatureVerificationError,
    StandardErrorResponse, TokenResponse,
};
use serde::{Deserialize, Serialize};

/// How long a sign-in may take from [`OidcProvider::begin`] to [`OidcProvider::finish`]. Long
/// enough to type a password and answer a second factor; short enough that a stolen pending
/// sign-in is soon worthless.
pub const SIGN_IN_MAX_AGE: Duration = Duration::from_secs(10 * 60);

/// Every request to the provider. A provider that hangs must not hold the user's request until
/// the server's own timeout, which would answer with a bare 503.
const PROVIDER_TIMEOUT: Duration = Duration::from_secs(15);

/// What a municipality configures.
#[derive(Clone)]
pub struct OidcConfig {
    /// The provider's issuer, exactly as its discovery document names it, e.g.
    /// `https://login.microsoftonline.com/<tenant>/v2.0`.
    pub issuer: String,
    pub client_id: String,
    /// `None` for a public client (PKCE only); a confidential client sends it with HTTP Basic
    /// authentication, or in the request body if the provider offers only that.
    pub client_secret: Option<String>,
    /// Where the provider sends the browser back, e.g.
    /// `https://buurtbeeld.gemeente.nl/aanmelden/oidc/terug`; registered at the provider.
    pub redirect_url: String,
}

impl fmt::Debug for OidcConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OidcConfig")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "[verborgen]"),
            )
            .field("redirect_url", &self.redirect_url)
            .finish()
    }
}

/// The client after discovery: its authorization endpoint from the metadata, the token
/// endpoint checked present, the userinfo endpoint if the provider has one.
type DiscoveredClient = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
    EndpointMaybeSet,
>;

/// A provider found by discovery, with the client registered there. Made once at start-up and
/// shared; [`OidcProvider::begin`] and [`OidcProvider::finish`] take `&self`.
pub struct OidcProvider {
    issuer: IssuerUrl,
    client_id: ClientId,
    client_secret: Option<ClientSecret>,
    client: DiscoveredClient,
    http: reqwest::Client,
    jwks_url: JsonWebKeySetUrl,
    /// The provider's signing keys. Providers roll their keys (Entra ID every few weeks), so a
    /// token signed with a key we do not know yet makes us fetch them again once.
    jwks: RwLock<CoreJsonWebKeySet>,
}

impl fmt::Debug for OidcProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OidcProvider")
            .field("issuer", &self.issuer.as_str())
            .field("client_id", &self.client_id.as_str())
            .field("confidential", &self.client_secret.is_some())
            .finish_non_exhaustive()
    }
}

/// What [`OidcProvider::finish`] needs from [`OidcProvider::begin`]: the state to compare, the
/// nonce the ID token must carry and the PKCE verifier. Kept server-side by the caller (the
/// browser holds only a cookie that names it), so none of it ever reaches the browser except
/// the state, which is in the authorization URL anyway.
#[derive(Clone, Serialize, Deserialize)]
pub struct PendingSignIn {
    state: String,
    nonce: String,
    pkce_verifier: String,
    /// Seconds since the Unix epoch, for [`SIGN_IN_MAX_AGE`].
    started_at: u64,
}

impl fmt::Debug for PendingSignIn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PendingSignIn")
            .field("started_at", &self.started_at)
            .finish_non_exhaustive()
    }
}

/// Who signed in, as the provider vouches for it. `issuer` and `subject` together are the stable
/// identity; the e-mail address and name may change at the provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OidcIdentity {
    pub issuer: String,
    pub subject: String,
    /// Left out when the provider says the address is not verified (`email_verified: false`),
    /// because an account matched by an address anyone could have typed is an account taken
    /// over.
    pub email: Option<String>,
    pub name: Option<String>,
}

/// Why configuring or signing in failed. The messages are for the user, in Dutch, and carry no
/// token, code or secret; [`OidcError::detail`] adds the technical cause for the log.
#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    #[error("de aanmelding via OpenID Connect is niet goed ingesteld: {0}")]
    Config(String),
    #[error(
        "aanmelden bij {issuer} is mislukt: de gegevens van de aanbieder konden niet worden \
         opgehaald"
    )]
    Discovery { issuer: String, detail: String },
    #[error(
        "aanmelden bij {issuer} is mislukt: het antwoord hoort niet bij deze aanmelding; \
         begin opnieuw"
    )]
    StateMismatch { issuer: String },
    #[error("aanmelden bij {issuer} is mislukt: de aanmelding duurde te lang; begin opnieuw")]
    Expired { issuer: String },
    #[error(
        "aanmelden bij {issuer} is mislukt: de aanbieder nam de aanmeldcode niet aan; \
         begin opnieuw"
    )]
    CodeExchange { issuer: String, detail: String },
    #[error("aanmelden bij {issuer} is mislukt: de aanbieder stuurde geen ID-token")]
    NoIdToken { issuer: String },
    #[error("aanmelden bij {issuer} is mislukt: het ID-token van de aanbieder is ongeldig")]
    InvalidIdToken { issuer: String, detail: String },
    #[error(
        "aanmelden bij {issuer} is mislukt: de gegevens van de gebruiker konden niet worden \
         opgehaald"
    )]
    UserInfo { issuer: String, detail: String },
}

impl OidcError {
    /// The technical cause, in English as the libraries give it, for the log. Like the message
    /// it holds no token, code or secret.
    pub fn detail(&self) -> Option<&str> {
        match self {
            OidcError::Discovery { detail, .. }
            | OidcError::CodeExchange { detail, .. }
            | OidcError::InvalidIdToken { detail, .. }
            | OidcError::UserInfo { detail, .. } => Some(detail),
            OidcError::Config(_)
            | OidcError::StateMismatch { .. }
            | OidcError::Expired { .. }
            | OidcError::NoIdToken { .. } => None,
        }
    }
}

impl OidcProvider {
    /// Reads the provider's discovery document and signing keys, and checks that every endpoint
    /// buurtbeeld will call is https (or http on loopback).
    pub async fn discover(config: &OidcConfig) -> Result<OidcProvider, OidcError> {
        check_url("issuer", &config.issuer)?;
        check_url("redirect_url", &config.redirect_url)?;
        if config.client_id.trim().is_empty() {
            return Err(OidcError::Config("client_id is leeg".to_owned()));
        }
        // From the configured strings, not from parsed URLs: parsing adds a `/` to a bare
        // host, and the issuer is compared with the provider's (and the redirect URL with the
        // registered one) character for character.
        let issuer = IssuerUrl::new(config.issuer.clone())
            .map_err(|error| OidcError::Config(format!("issuer: {error}")))?;
        let redirect_url = RedirectUrl::new(config.redirect_url.clone())
            .map_err(|error| OidcError::Config(format!("redirect_url: {error}")))?;
        let discovery_failed = |detail: String| OidcError::Discovery {
            issuer: config.issuer.clone(),
            detail,
        };

        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(PROVIDER_TIMEOUT)
            .build()
            .map_err(|error| discovery_failed(error_chain(&error)))?;

        // Also compares the document's issuer with ours, so a document copied from another
        // provider is refused.
        let metadata = CoreProviderMetadata::discover_async(issuer.clone(), &http)
            .await
            .map_err(|error| discovery_failed(error_chain(&error)))?;

        let endpoint = |name: &str, url: &Url| -> Result<(), OidcError> {
            if allowed_url(url) {
                Ok(())
            } else {
                Err(discovery_failed(format!(
                    "the {name} {url} is neither https nor http on loopback"
                )))
            }
        };
        endpoint(
            "authorization_endpoint",
            metadata.authorization_endpoint().url(),
        )?;
        endpoint("jwks_uri", metadata.jwks_uri().url())?;
        let token_url = metadata
            .token_endpoint()
            .cloned()
            .ok_or_else(|| discovery_failed("the provider has no token_endpoint".to_owned()))?;
        endpoint("token_endpoint", token_url.url())?;
        if let Some(userinfo) = metadata.userinfo_endpoint() {
            endpoint("userinfo_endpoint", userinfo.url())?;
        }

        // HTTP Basic is the default every provider must support; some ADFS set-ups allow only
        // the secret in the body.
        let auth_type = match metadata.token_endpoint_auth_methods_supported() {
            Some(methods)
                if !methods.contains(&CoreClientAuthMethod::ClientSecretBasic)
                    && methods.contains(&CoreClientAuthMethod::ClientSecretPost) =>
            {
                AuthType::RequestBody
            }
            _ => AuthType::BasicAuth,
        };

        let client_id = ClientId::new(config.client_id.clone());
        let client_secret = config.client_secret.clone().map(ClientSecret::new);
        let jwks_url = metadata.jwks_uri().clone();
        let jwks = metadata.jwks().clone();
        let client =
            CoreClient::from_provider_metadata(metadata, client_id.clone(), client_secret.clone())
                .set_redirect_uri(redirect_url)
                .set_token_uri(token_url)
                .set_auth_type(auth_type);

        Ok(OidcProvider {
            issuer,
            client_id,
            client_secret,
            client,
            http,
            jwks_url,
            jwks: RwLock::new(jwks),
        })
    }

    /// The issuer, as configured (and as the discovery document confirmed).
    pub fn issuer(&self) -> &str {
        self.issuer.as_str()
    }

    /// The provider's authorization URL (code flow with PKCE S256, a random state and nonce,
    /// scopes `openid email profile`) and what the callback needs to check.
    pub fn begin(&self) -> (String, PendingSignIn) {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = self
            .client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scope(Scope::new("email".to_owned()))
            .add_scope(Scope::new("profile".to_owned()))
            .set_pkce_challenge(challenge)
            .url();
        let pending = PendingSignIn {
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
            started_at: unix_now(),
        };
        (url.to_string(), pending)
    }

    /// Checks `state`, exchanges the code with the PKCE verifier, validates the ID token
    /// (signature, issuer, audience, expiry, nonce, and the access token's hash if present),
    /// and fetches the e-mail address and name from the userinfo endpoint if the ID token
    /// lacks them.
    pub async fn finish(
        &self,
        pending: PendingSignIn,
        code: &str,
        state: &str,
    ) -> Result<OidcIdentity, OidcError> {
        let issuer = || self.issuer.as_str().to_owned();
        // Before anything goes to the provider: a code that arrives with someone else's state
        // is a login CSRF attempt, and must not even be spent.
        let age = unix_now().saturating_sub(pending.started_at);
        if age > SIGN_IN_MAX_AGE.as_secs() {
            return Err(OidcError::Expired { issuer: issuer() });
        }
        if state != pending.state {
            return Err(OidcError::StateMismatch { issuer: issuer() });
        }

        let tokens = self
            .client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .set_pkce_verifier(PkceCodeVerifier::new(pending.pkce_verifier))
            .request_async(&self.http)
            .await
            .map_err(|error| OidcError::CodeExchange {
                issuer: issuer(),
                detail: token_error_detail(&error),
            })?;
        let id_token = tokens
            .id_token()
            .ok_or_else(|| OidcError::NoIdToken { issuer: issuer() })?;
        let nonce = Nonce::new(pending.nonce);
        let invalid = |detail: String| OidcError::InvalidIdToken {
            issuer: issuer(),
            detail,
        };

        let mut verifier = self.verifier();
        let mut verified = id_token.claims(&verifier, &nonce);
        if let Err(ClaimsVerificationError::SignatureVerification(
            SignatureVerificationError::NoMatchingKey,
        )) = verified
        {
            self.refresh_keys().await.map_err(&invalid)?;
            verifier = self.verifier();
            verified = id_token.claims(&verifier, &nonce);
        }
        let claims = verified.map_err(|error| invalid(error.to_string()))?;
        check_access_token_hash(id_token, claims, &verifier, tokens.access_token())
            .map_err(&invalid)?;

        let mut identity = OidcIdentity {
            issuer: claims.issuer().as_str().to_owned(),
            subject: claims.subject().as_str().to_owned(),
            email: verified_email(
                claims.email().map(|email| email.as_str()),
                claims.email_verified(),
            ),
            name: claims
                .name()
                .and_then(|name| name.get(None))
                .map(|name| name.as_str().to_owned()),
        };

        // Providers that follow the specification to the letter put the scopes' claims only
        // in the userinfo answer when an access token is issued. (`user_info` is an error only
        // when the provider has no userinfo endpoint; then the ID token is all there is.)
        if identity.email.is_none() || identity.name.is_none() {
            if let Ok(request) = self.client.user_info(
                tokens.access_token().clone(),
                Some(claims.subject().clone()),
            ) {
                let info: CoreUserInfoClaims =
                    request.request_async(&self.http).await.map_err(|error| {
                        OidcError::UserInfo {
                            issuer: issuer(),
                            detail: error_chain(&error),
                        }
                    })?;
                if identity.email.is_none() {
                    identity.email = verified_email(
                        info.email().map(|email| email.as_str()),
                        info.email_verified(),
                    );
                }
                if identity.name.is_none() {
                    identity.name = info
                        .name()
                        .and_then(|name| name.get(None))
                        .map(|name| name.as_str().to_owned());
                }
            }
        }
        Ok(identity)
    }

    fn verifier(&self) -> CoreIdTokenVerifier<'static> {
        let jwks = self
            .jwks
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone();
        match &self.client_secret {
            Some(secret) => CoreIdTokenVerifier::new_confidential_client(
                self.client_id.clone(),
                secret.clone(),
                self.issuer.clone(),
                jwks,
            ),
            None => CoreIdTokenVerifier::new_public_client(
                self.client_id.clone(),
                self.issuer.clone(),
                jwks,
            ),
        }
    }

    async fn refresh_keys(&self) -> Result<(), String> {
        let jwks: CoreJsonWebKeySet = JsonWebKeySet::fetch_async(&self.jwks_url, &self.http)
            .await
            .map_err(|error| format!("fetching the signing keys again: {}", error_chain(&error)))?;
        tracing::info!(
            issuer = self.issuer.as_str(),
            "OIDC signing keys fetched again"
        );
        *self
            .jwks
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = jwks;
        Ok(())
    }
}

/// An ID token's `at_hash` binds the access token to it; checked although buurtbeeld uses the
/// access token only for the userinfo request, so a swapped one cannot fetch another person's
/// details.
fn check_access_token_hash(
    id_token: &CoreIdToken,
    claims: &CoreIdTokenClaims,
    verifier: &CoreIdTokenVerifier<'_>,
    access_token: &openidconnect::AccessToken,
) -> Result<(), String> {
    let Some(expected) = claims.access_token_hash() else {
        return Ok(());
    };
    let algorithm = id_token.signing_alg().map_err(|error| error.to_string())?;
    let key = id_token
        .signing_key(verifier)
        .map_err(|error| error.to_string())?;
    let actual = AccessTokenHash::from_token(access_token, algorithm, key)
        .map_err(|error| error.to_string())?;
    if actual == *expected {
        Ok(())
    } else {
        Err("the access token does not match the ID token's at_hash".to_owned())
    }
}

fn verified_email(email: Option<&str>, verified: Option<bool>) -> Option<String> {
    match verified {
        Some(false) => None,
        _ => email.map(str::to_owned),
    }
}

/// https anywhere; http only where the traffic cannot leave the machine.
fn allowed_url(url: &Url) -> bool {
    match url.scheme() {
        "https" => true,
        "http" => match url.host() {
            Some(Host::Ipv4(address)) => address.is_loopback(),
            Some(Host::Ipv6(address)) => address.is_loopback(),
            Some(Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
            None => false,
        },
        _ => false,
    }
}

fn check_url(name: &str, value: &str) -> Result<(), OidcError> {
    let url = Url::parse(value)
        .map_err(|error| OidcError::Config(format!("{name} '{value}' is geen URL ({error})")))?;
    if !allowed_url(&url) {
        return Err(OidcError::Config(format!(
            "{name} '{value}' moet met https:// beginnen (http mag alleen op 127.0.0.1, ::1 of \
             localhost)"
        )));
    }
    if url.fragment().is_some() {
        return Err(OidcError::Config(format!(
            "{name} '{value}' mag geen #-deel hebben"
        )));
    }
    Ok(())
}

/// Never the response body: a token response that fails to parse may still hold tokens.
fn token_error_detail<RE: std::error::Error + 'static>(
    error: &RequestTokenError<RE, StandardErrorResponse<CoreErrorResponseType>>,
) -> String {
    match error {
        RequestTokenError::ServerResponse(response) => response.to_string(),
        RequestTokenError::Request(error) => error_chain(error),
        RequestTokenError::Parse(error, _body) => {
            format!("the token response could not be read at '{}'", error.path())
        }
        RequestTokenError::Other(detail) => detail.clone(),
    }
}

/// An error with its causes, `outer: inner: …`, since the outer messages alone ("Request
/// failed") say nothing.
fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_only_on_loopback() {
        let allowed = |url: &str| allowed_url(&Url::parse(url).unwrap());
        assert!(allowed("https://login.microsoftonline.com/tenant/v2.0"));
        assert!(allowed("http://127.0.0.1:8080"));
        assert!(allowed("http://127.8.9.10/realms/gemeente"));
        assert!(allowed("http://[::1]:9000"));
        assert!(allowed("http://LOCALHOST:9000"));
        assert!(!allowed("http://adfs.gemeente.nl/adfs"));
        assert!(!allowed("http://10.0.0.1"));
        assert!(!allowed("http://127.0.0.1.example.com"));
        assert!(!allowed("ftp://127.0.0.1"));
    }

    #[test]
    fn a_plain_http_issuer_is_refused_before_any_request() {
        let config = OidcConfig {
            issuer: "http://keycloak.gemeente.nl/realms/buurtbeeld".to_owned(),
            client_id: "buurtbeeld".to_owned(),
            client_secret: None,
            redirect_url: "https://buurtbeeld.gemeente.nl/aanmelden/oidc/terug".to_owned(),
        };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let error = runtime
            .block_on(OidcProvider::discover(&config))
            .unwrap_err();
        assert!(matches!(error, OidcError::Config(_)), "{error:?}");
        assert!(error.to_string().contains("https://"), "{error}");
    }

    #[test]
    fn debug_output_holds_no_secret() {
        let config = OidcConfig {
            issuer: "https://login.example".to_owned(),
            client_id: "buurtbeeld".to_owned(),
            client_secret: Some("zeer-geheim".to_owned()),
            redirect_url: "https://buurtbeeld.example/aanmelden/oidc/terug".to_owned(),
        };
        assert!(!format!("{config:?}").contains("zeer-geheim"));
        let pending = PendingSignIn {
            state: "staat-123".to_owned(),
            nonce: "nonce-456".to_owned(),
            pkce_verifier: "verifier-789".to_owned(),
            started_at: 1,
        };
        let shown = format!("{pending:?}");
        for secret in ["staat-123", "nonce-456", "verifier-789"] {
            assert!(!shown.contains(secret), "{shown}");
        }
    }

    #[test]
    fn unverified_email_is_left_out() {
        assert_eq!(verified_email(Some("a@b.example"), Some(false)), None);
        assert_eq!(
            verified_email(Some("a@b.example"), Some(true)).as_deref(),
            Some("a@b.example")
        );
        // Entra ID sends no email_verified at all; docs/oidc.md says when to match on e-mail.
        assert_eq!(
            verified_email(Some("a@b.example"), None).as_deref(),
            Some("a@b.example")
        );
    }
}
