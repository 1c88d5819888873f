//! One HTTP GET that survives a flaky network: a timeout, retries with exponential backoff on
//! connection errors, 429 and 5xx (honouring `Retry-After`), and a bounded number of attempts.

use std::io::Read;
use std::time::Duration;

use crate::{FetchError, FetchEvent};

/// How often and how patiently a request is tried again.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub attempts: u32,
    /// The wait before the second attempt; it doubles for each one after.
    pub first_wait: Duration,
    /// No wait is longer, whatever the server's `Retry-After` asks.
    pub longest_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> RetryPolicy {
        RetryPolicy {
            attempts: 5,
            first_wait: Duration::from_secs(1),
            longest_wait: Duration::from_secs(120),
        }
    }
}

/// A blocking HTTP client that reports what it does to a progress callback.
pub struct Client<'a> {
    http: reqwest::blocking::Client,
    retry: RetryPolicy,
    progress: &'a dyn Fn(&FetchEvent<'_>),
}

impl std::fmt::Debug for Client<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

/// Why one attempt failed, and whether another attempt may succeed.
enum Attempt {
    /// Worth trying again, after at least the wait the server asked for.
    Transient {
        reason: String,
        retry_after: Option<Duration>,
    },
    /// Trying again will not help.
    Final(FetchError),
}

impl<'a> Client<'a> {
    /// `timeout` bounds one request from connecting to the last byte of its body.
    pub fn new(
        retry: RetryPolicy,
        timeout: Duration,
        progress: &'a dyn Fn(&FetchEvent<'_>),
    ) -> Result<Client<'a>, FetchError> {
        let http = reqwest::blocking::Client::builder()
            .user_agent(concat!(
                "buurtbeeld/",
                env!("CARGO_PKG_VERSION"),
                " (+https://github.com/buurtbeeld/buurtbeeld)"
            ))
            .connect_timeout(Duration::from_secs(30).min(timeout))
            .timeout(timeout)
            .build()
            .map_err(|e| FetchError::Client(e.to_string()))?;
        Ok(Client {
            http,
            retry,
            progress,
        })
    }

    pub(crate) fn report(&self, event: &FetchEvent<'_>) {
        (self.progress)(event);
    }

    /// The body of `url`, or [`FetchError::NotFound`] for a 404 (so callers can probe).
    pub fn get(&self, url: &str) -> Result<Vec<u8>, FetchError> {
        let mut attempt = 1;
        loop {
            self.report(&FetchEvent::Request { url, attempt });
            let (reason, retry_after) = match self.attempt(url) {
                Ok(body) => return Ok(body),
                Err(Attempt::Final(error)) => return Err(error),
                Err(Attempt::Transient {
                    reason,
                    retry_after,
                }) => (reason, retry_after),
            };
            if attempt >= self.retry.attempts {
                return Err(FetchError::GaveUp {
                    url: url.to_owned(),
                    attempts: attempt,
                    reason,
                });
            }
            let backoff = self.retry.first_wait * 2u32.saturating_pow(attempt - 1);
            let wait = retry_after.unwrap_or(backoff).min(self.retry.longest_wait);
            self.report(&FetchEvent::Retry {
                url,
                attempt,
                wait,
                reason: &reason,
            });
            std::thread::sleep(wait);
            attempt += 1;
        }
    }

    /// The body of `url` read as JSON.
    pub fn get_json(&self, url: &str) -> Result<serde_json::Value, FetchError> {
        let body = self.get(url)?;
        serde_json::from_slice(&body).map_err(|e| FetchError::NotJson {
            url: url.to_owned(),
            reason: e.to_string(),
        })
    }

    fn attempt(&self, url: &str) -> Result<Vec<u8>, Attempt> {
        let mut response = self.http.get(url).send().map_err(|e| transient(&e))?;
        let status = response.status();
        if status == reqwest::StatusCode::NOT_FOUND {
            return Err(Attempt::Final(FetchError::NotFound(url.to_owned())));
        }
        if status == reqwest::StatusCode::TOO_MANY_REQUESTS || status.is_server_error() {
            return Err(Attempt::Transient {
                reason: format!("HTTP {status}"),
                retry_after: retry_after(response.headers()),
            });
        }
        if !status.is_success() {
            return Err(Attempt::Final(FetchError::Status {
                url: url.to_owned(),
                status: status.to_string(),
            }));
        }
        let expected = response.content_length();
        let mut body = Vec::with_capacity(expected.unwrap_or(0).min(64 << 20) as usize);
        let mut buffer = vec![0u8; 64 * 1024];
        loop {
            let read = response.read(&mut buffer).map_err(|e| Attempt::Transient {
                reason: format!("verbinding verbroken tijdens het lezen: {e}"),
                retry_after: None,
            })?;
            if read == 0 {
                break;
            }
            body.extend_from_slice(&buffer[..read]);
            self.report(&FetchEvent::Bytes(read as u64));
        }
        if expected.is_some_and(|length| length != body.len() as u64) {
            return Err(Attempt::Transient {
                reason: format!(
                    "onvolledig antwoord: {} van {} bytes",
                    body.len(),
                    expected.unwrap_or_default()
                ),
                retry_after: None,
            });
        }
        Ok(body)
    }
}

/// Connection errors and timeouts are worth another attempt; a malformed URL is not.
fn transient(error: &reqwest::Error) -> Attempt {
    if error.is_builder() {
        return Attempt::Final(FetchError::Client(error.to_string()));
    }
    let mut reason = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(inner) = source {
        reason.push_str(": ");
        reason.push_str(&inner.to_string());
        source = inner.source();
    }
    Attempt::Transient {
        reason,
        retry_after: None,
    }
}

/// `Retry-After` in seconds; the HTTP-date form is rare on these services and is treated as
/// absent (the backoff applies).
fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse::<u64>()
        .ok()
        .map(Duration::from_secs)
}
