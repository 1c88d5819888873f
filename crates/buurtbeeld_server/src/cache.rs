//! Responses computed once per version of the store's data, tagged with an ETag.
//!
//! Every page and API answer is a function of the store's content, the URL, the viewer's role
//! and today's date (documents carry it). So a successful GET is kept, keyed by those four, and served from
//! memory until an import commits: SQLite's `data_version`, read on one long-lived connection
//! for every request (a microsecond), changes at every commit by another connection, and the
//! whole cache is dropped at once. The request right after an import's commit therefore sees the
//! new data, as it did when every request recomputed.
//!
//! Kept bodies are bounded in bytes (least recently used go first). A body larger than
//! [`LARGEST_KEPT_BODY`] is neither kept nor tagged but passed through untouched: it used to be
//! buffered up to a limit and turned into an empty 500 beyond it (#16).

use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use buurtbeeld_store::Store;
use quick_cache::sync::Cache;
use quick_cache::Weighter;
use sha2::{Digest, Sha256};

use crate::auth::Viewer;
use crate::AppState;
use buurtbeeld_cube::Role;

/// Bytes of response bodies kept in memory.
const CAPACITY_BYTES: u64 = 256 << 20;
/// The largest body kept and tagged; a national GeoJSON export can be far larger.
pub(crate) const LARGEST_KEPT_BODY: u64 = 32 << 20;

/// A successful response, ready to be sent again.
#[derive(Debug, Clone)]
struct Kept {
    headers: HeaderMap,
    body: Bytes,
    etag: HeaderValue,
}

/// Which answer: the data version it was computed from, the day, the role it was computed for
/// (the public gets other answers than accounts), and the URL.
type Key = (u64, time::Date, Role, String);

#[derive(Debug, Clone)]
struct BodySize;

impl Weighter<Key, Arc<Kept>> for BodySize {
    fn weight(&self, key: &Key, kept: &Arc<Kept>) -> u64 {
        (key.3.len() + kept.body.len()) as u64 + 256
    }
}

/// The kept responses and what tells when they are out of date.
#[derive(Debug)]
pub(crate) struct ResponseCache {
    kept: Cache<Key, Arc<Kept>, BodySize>,
    watch: Mutex<Watch>,
}

/// A connection held open to read the store's data version, and the version seen last.
#[derive(Debug, Default)]
struct Watch {
    store: Option<Store>,
    last_seen: Option<i64>,
    /// Counts the changes seen; part of every key.
    generation: u64,
}

impl ResponseCache {
    pub(crate) fn new() -> ResponseCache {
        ResponseCache {
            kept: Cache::with_weighter(4096, CAPACITY_BYTES, BodySize),
            watch: Mutex::new(Watch::default()),
        }
    }

    /// The current data generation, or None when the store cannot be read (then nothing is
    /// kept, and the handler reports the problem itself).
    fn generation(&self, state: &AppState) -> Option<u64> {
        let mut watch = self.watch.lock().unwrap_or_else(|e| e.into_inner());
        if watch.store.is_none() {
            watch.store = Store::open_read_only(&state.data_dir).ok();
        }
        let version = watch.store.as_ref()?.data_version();
        let Ok(version) = version else {
            watch.store = None;
            return None;
        };
        if watch.last_seen != Some(version) {
            watch.last_seen = Some(version);
            watch.generation += 1;
            self.kept.clear();
        }
        Some(watch.generation)
    }
}

/// Serves GETs from the cache, keeps successful ones, and answers `If-None-Match` with 304.
/// `no-cache` makes browsers revalidate every time: an import may change any page.
pub(crate) async fn cached(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if request.method() != Method::GET {
        return next.run(request).await;
    }
    let if_none_match = request.headers().get(header::IF_NONE_MATCH).cloned();
    // Inline, not on the blocking pool: reading the version takes about a microsecond.
    // Set by the authorisation layer, which runs first; a request without it is the public's.
    let role = request
        .extensions()
        .get::<Viewer>()
        .map_or(Role::Publiek, |viewer| viewer.role);
    let key = state
        .cache
        .generation(&state)
        .map(|generation| (generation, today(), role, request.uri().to_string()));
    let kept = match key.as_ref().and_then(|k| state.cache.kept.get(k)) {
        Some(kept) => kept,
        None => {
            let response = next.run(request).await;
            match keep(response).await {
                Ok(kept) => {
                    if let Some(key) = key {
                        state.cache.kept.insert(key, Arc::clone(&kept));
                    }
                    kept
                }
                Err(response) => return response,
            }
        }
    };
    answer(&kept, if_none_match.as_ref())
}

/// The response buffered and tagged, if it is a 200 of known size within the limit; else the
/// response itself, untouched.
async fn keep(response: Response) -> Result<Arc<Kept>, Response> {
    let size = response.body().size_hint().upper();
    if response.status() != StatusCode::OK || size.is_none_or(|n| n > LARGEST_KEPT_BODY) {
        return Err(response);
    }
    let (parts, body) = response.into_parts();
    let body = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(body) => body,
        Err(error) => {
            tracing::error!(%error, "reading a response body");
            return Err(StatusCode::INTERNAL_SERVER_ERROR.into_response());
        }
    };
    let digest = Sha256::digest(&body);
    let tag: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
    let etag = HeaderValue::from_str(&format!("\"{tag}\"")).expect("hex is a valid header");
    Ok(Arc::new(Kept {
        headers: parts.headers,
        body,
        etag,
    }))
}

/// The kept response, or 304 when the client holds it already.
fn answer(kept: &Kept, if_none_match: Option<&HeaderValue>) -> Response {
    let mut headers = kept.headers.clone();
    headers.insert(header::ETAG, kept.etag.clone());
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    let (status, body) = if if_none_match == Some(&kept.etag) {
        (StatusCode::NOT_MODIFIED, Body::empty())
    } else {
        (StatusCode::OK, Body::from(kept.body.clone()))
    };
    let mut response = Response::new(body);
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    response
}

fn today() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::http::StatusCode;
    use axum::response::Response;

    use super::{keep, LARGEST_KEPT_BODY};

    /// A 69 MiB boundary used to become an empty 500 in the ETag layer (#16).
    #[tokio::test]
    async fn a_body_too_large_to_keep_passes_through_whole() {
        let size = LARGEST_KEPT_BODY as usize + 1;
        let response = Response::new(Body::from(vec![b'x'; size]));
        let passed = keep(response).await.expect_err("too large to keep");
        assert_eq!(passed.status(), StatusCode::OK);
        let body = axum::body::to_bytes(passed.into_body(), usize::MAX)
            .await
            .unwrap();
        assert_eq!(body.len(), size);
    }

    #[tokio::test]
    async fn a_small_success_is_kept_with_a_tag_and_an_error_is_not() {
        let kept = keep(Response::new(Body::from("[]"))).await.unwrap();
        assert_eq!(&kept.body[..], b"[]");
        assert!(kept.etag.to_str().unwrap().starts_with('"'));
        let mut missing = Response::new(Body::from("{}"));
        *missing.status_mut() = StatusCode::NOT_FOUND;
        assert!(keep(missing).await.is_err());
    }
}
