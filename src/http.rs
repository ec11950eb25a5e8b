//! One HTTP client per session: a reqwest client reused for every call (keep-alive), driven on
//! the caller's thread by the session's current-thread tokio runtime (no per-call thread handoff),
//! the retry policy, and the mapping of transport failures to [`ErrorKind`]s.
//!
//! Retry policy (architecture.md): idempotent calls (GET, PUT, DELETE) are retried on 429
//! (honouring Retry-After, capped), 502/503/504 and dropped connections, with capped
//! exponential backoff and jitter. A create is sent once: it is never retried once the request
//! may have reached the server, so a key is never made twice.

use crate::config::SessionConfig;
use crate::error::{Error, ErrorKind, Result};
use crate::json::ArrayError;
use crate::secret::Secret;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, ACCEPT, CONTENT_TYPE, RETRY_AFTER};
use reqwest::Client;
use reqwest::Method;
use serde_json::Value;
use std::sync::RwLock;
use std::time::Duration;
use zeroize::Zeroizing;

/// Longest wait we honour from a Retry-After header; longer waits become a `rate_limited`
/// error carrying the server's delay, so the caller decides.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);
const BACKOFF_BASE: Duration = Duration::from_millis(100);
const BACKOFF_CAP: Duration = Duration::from_secs(2);

/// Whether a request may be sent again after a failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Retry {
    /// GET, PUT with a full body, DELETE: the same request twice has the same effect.
    Idempotent,
    /// POST that creates: sent once.
    Never,
}

/// A complete answer. The body is zeroed on drop: a create's answer holds the new secret.
pub struct Response {
    pub status: u16,
    pub content_type: Option<String>,
    pub retry_after: Option<Duration>,
    pub body: Zeroizing<Vec<u8>>,
}

impl Response {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    pub fn is_html(&self) -> bool {
        self.content_type
            .as_deref()
            .is_some_and(|c| c.to_ascii_lowercase().starts_with("text/html"))
    }

    /// The body as JSON; a non-JSON body is a protocol error naming `what`.
    pub fn json(&self, what: &str) -> Result<Value> {
        if self.is_html() {
            return Err(self.html_error(what));
        }
        serde_json::from_slice(&self.body).map_err(|e| self.not_json_error(what, &e))
    }

    /// The body as a JSON array, each element handed to `each` as it is parsed (see
    /// [`crate::json::for_each_element`]): what `json` then matching an array gives, errors
    /// included, without the whole body ever becoming one tree. An error from `each` comes
    /// back unchanged; a body that is JSON but no array is `{what}: the answer is not a JSON
    /// array`.
    pub fn json_array_each(
        &self,
        what: &str,
        each: &mut dyn FnMut(Value) -> Result<()>,
    ) -> Result<()> {
        if self.is_html() {
            return Err(self.html_error(what));
        }
        crate::json::for_each_element(&self.body, each).map_err(|e| match e {
            ArrayError::NotJson(e) => self.not_json_error(what, &e),
            ArrayError::NotArray => {
                Error::protocol(format!("{what}: the answer is not a JSON array"))
            }
            ArrayError::Element(e) => e,
        })
    }

    fn html_error(&self, what: &str) -> Error {
        Error::protocol(format!(
            "{what}: the server answered with an HTML page instead of JSON (HTTP {}); is the base URL right?",
            self.status
        ))
        .with_status(self.status)
    }

    fn not_json_error(&self, what: &str, e: &serde_json::Error) -> Error {
        Error::protocol(format!(
            "{what}: the server's answer is not valid JSON (HTTP {}): {}",
            self.status,
            crate::json::describe_serde_error(e)
        ))
        .with_status(self.status)
    }
}

pub struct HttpClient {
    /// A current-thread runtime: each call drives it on the caller's own thread
    /// (`block_on`), so no request is handed to another thread and back. Several threads may
    /// call at once; tokio lets one drive the I/O while the others wait for their answers.
    runtime: tokio::runtime::Runtime,
    client: Client,
    base: String,
    retries: u32,
    timeout: Duration,
    auth: RwLock<Option<(HeaderName, HeaderValue)>>,
}

impl HttpClient {
    pub fn new(config: &SessionConfig) -> Result<Self> {
        let timeout = Duration::from_millis(config.timeout_ms);
        let mut builder = Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(10)))
            .user_agent(config.user_agent())
            .pool_idle_timeout(Duration::from_secs(50))
            .redirect(reqwest::redirect::Policy::none());
        if is_loopback_url(config.base()) {
            // A proxy from the environment must never see loopback traffic.
            builder = builder.no_proxy();
        }
        if !config.tls.verify {
            builder = builder
                .danger_accept_invalid_certs(true)
                .danger_accept_invalid_hostnames(true);
        }
        if let Some(path) = &config.tls.ca_file {
            let pem = std::fs::read(path)
                .map_err(|e| Error::invalid("tls.caFile", format!("cannot read '{path}': {e}")))?;
            let cert = reqwest::Certificate::from_pem(&pem).map_err(|e| {
                Error::invalid(
                    "tls.caFile",
                    format!("'{path}' is not a PEM certificate: {e}"),
                )
            })?;
            builder = builder.add_root_certificate(cert);
        }
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| {
                Error::new(
                    ErrorKind::Internal,
                    format!("cannot start the I/O runtime: {e}"),
                )
            })?;
        let client = runtime
            .block_on(async { builder.build() })
            .map_err(|e| Error::new(ErrorKind::Tls, format!("cannot set up TLS: {e}")))?;
        Ok(HttpClient {
            runtime,
            client,
            base: config.base().to_owned(),
            retries: config.retries,
            timeout,
            auth: RwLock::new(None),
        })
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    /// Sets the header that carries the credential on every later request.
    pub fn set_auth(&self, header: &'static str, value: &Secret) -> Result<()> {
        let mut v = HeaderValue::from_str(value.expose())
            .map_err(|_| Error::invalid("apiKey", "is not a valid HTTP header value"))?;
        v.set_sensitive(true);
        *self.auth.write().unwrap_or_else(|p| p.into_inner()) =
            Some((HeaderName::from_static(header), v));
        Ok(())
    }

    pub fn clear_auth(&self) {
        *self.auth.write().unwrap_or_else(|p| p.into_inner()) = None;
    }

    /// Sends a request with the retry rule its method implies for our servers: a POST
    /// creates (sent once), GET/PUT/PATCH/DELETE are idempotent (PUT carries the whole key).
    pub fn call(&self, method: Method, path: &str, body: Option<&Value>) -> Result<Response> {
        let retry = if method == Method::POST {
            Retry::Never
        } else {
            Retry::Idempotent
        };
        self.send(method, path, body, retry)
    }

    /// Sends a request and returns the answer, whatever its status, after retries.
    /// `path` starts with `/` and holds no secret.
    pub fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        retry: Retry,
    ) -> Result<Response> {
        let url = format!("{}{}", self.base, path);
        let body = match body {
            Some(b) => Some(serde_json::to_vec(b).map_err(|e| {
                Error::new(
                    ErrorKind::Internal,
                    format!("cannot encode the request: {e}"),
                )
            })?),
            None => None,
        };
        let budget = if retry == Retry::Idempotent {
            self.retries
        } else {
            0
        };
        let mut attempt = 0u32;
        loop {
            let outcome = self.send_once(&method, &url, body.as_deref());
            let wait = match &outcome {
                Ok(r) if matches!(r.status, 429 | 502 | 503 | 504) => match r.retry_after {
                    Some(d) if d > MAX_RETRY_AFTER => None,
                    Some(d) => Some(d),
                    None => Some(backoff(attempt)),
                },
                Err(e) if e.kind == ErrorKind::Transport => Some(backoff(attempt)),
                _ => None,
            };
            match wait {
                Some(d) if attempt < budget => {
                    attempt += 1;
                    std::thread::sleep(d);
                }
                _ => return outcome,
            }
        }
    }

    fn send_once(&self, method: &Method, url: &str, body: Option<&[u8]>) -> Result<Response> {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        if let Some((name, value)) = self.auth.read().unwrap_or_else(|p| p.into_inner()).as_ref() {
            headers.insert(name.clone(), value.clone());
        }
        let mut request = self.client.request(method.clone(), url).headers(headers);
        if let Some(b) = body {
            request = request
                .header(CONTENT_TYPE, "application/json")
                .body(b.to_vec());
        }
        self.runtime.block_on(async {
            let mut response = request
                .send()
                .await
                .map_err(|e| self.transport_error(&e, url))?;
            let status = response.status().as_u16();
            let header = |name| {
                response
                    .headers()
                    .get(name)
                    .and_then(|v: &HeaderValue| v.to_str().ok())
                    .map(str::to_owned)
            };
            let content_type = header(CONTENT_TYPE);
            let retry_after = header(RETRY_AFTER).and_then(|v| parse_retry_after(&v));
            let capacity = response.content_length().unwrap_or(0).min(64 << 20) as usize;
            let mut body = Zeroizing::new(Vec::with_capacity(capacity));
            while let Some(chunk) = response.chunk().await.map_err(|e| {
                let text = if e.is_timeout() {
                    format!("timed out: {e}")
                } else {
                    e.to_string()
                };
                self.body_error(&std::io::Error::new(std::io::ErrorKind::Other, text), url)
            })? {
                body.extend_from_slice(&chunk);
            }
            Ok(Response {
                status,
                content_type,
                retry_after,
                body,
            })
        })
    }

    fn transport_error(&self, e: &reqwest::Error, url: &str) -> Error {
        let cause = cause_chain(e);
        let lower = cause.to_ascii_lowercase();
        if e.is_timeout() {
            return Error::new(
                ErrorKind::Timeout,
                format!(
                    "no answer from {url} within {} ms",
                    self.timeout.as_millis()
                ),
            );
        }
        let tls_words = ["certificate", "ssl", "tls", "handshake", "x509"];
        if url.starts_with("https://") && tls_words.iter().any(|w| lower.contains(w)) {
            return Error::new(
                ErrorKind::Tls,
                format!("TLS with {} failed: {cause}", host_of(url)),
            );
        }
        if e.is_connect() {
            return Error::new(
                ErrorKind::Transport,
                format!("cannot connect to {}: {cause}", host_of(url)),
            );
        }
        Error::new(
            ErrorKind::Transport,
            format!("the connection to {} failed: {cause}", host_of(url)),
        )
    }

    fn body_error(&self, e: &std::io::Error, url: &str) -> Error {
        let text = e.to_string();
        if text.to_ascii_lowercase().contains("timed out") {
            return Error::new(
                ErrorKind::Timeout,
                format!(
                    "no complete answer from {url} within {} ms",
                    self.timeout.as_millis()
                ),
            );
        }
        Error::new(
            ErrorKind::Transport,
            format!(
                "the connection to {} was closed in the middle of the answer: {text}",
                host_of(url)
            ),
        )
    }
}

fn cause_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = Vec::new();
    let mut current: Option<&(dyn std::error::Error + 'static)> = e.source();
    while let Some(c) = current {
        let t = c.to_string();
        // hyper repeats its cause inside its own text ("tcp connect error: <cause>"):
        // keep a part only when no earlier part already says it.
        if !parts.iter().any(|p: &String| p.contains(&t)) {
            parts.push(t);
        }
        current = c.source();
    }
    if parts.is_empty() {
        parts.push(e.to_string());
    }
    parts.join(": ")
}

fn host_of(url: &str) -> &str {
    let rest = url.split("://").nth(1).unwrap_or(url);
    rest.split('/').next().unwrap_or(rest)
}

fn parse_retry_after(value: &str) -> Option<Duration> {
    // Seconds only: JIM and our servers send delta-seconds (contracts-jim.md, 429).
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

fn backoff(attempt: u32) -> Duration {
    let exp = BACKOFF_BASE
        .saturating_mul(1u32 << attempt.min(10))
        .min(BACKOFF_CAP);
    let mut b = [0u8; 2];
    let jitter = if getrandom::getrandom(&mut b).is_ok() {
        u16::from_le_bytes(b) as f64 / u16::MAX as f64
    } else {
        0.5
    };
    // Between half and the full delay ("equal jitter").
    exp.mul_f64(0.5 + jitter / 2.0)
}

/// True for http(s) URLs whose host is 127.0.0.0/8, ::1 or localhost.
pub fn is_loopback_url(url: &str) -> bool {
    let host = host_of(url);
    let host = if let Some(stripped) = host.strip_prefix('[') {
        stripped.split(']').next().unwrap_or("")
    } else {
        host.rsplit_once(':').map_or(host, |(h, _)| h)
    };
    host.eq_ignore_ascii_case("localhost")
        || host == "::1"
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_detection() {
        assert!(is_loopback_url("http://127.0.0.1:8080"));
        assert!(is_loopback_url("https://127.5.0.1/api"));
        assert!(is_loopback_url("http://localhost"));
        assert!(is_loopback_url("http://[::1]:80"));
        assert!(!is_loopback_url("http://10.0.0.1:80"));
        assert!(!is_loopback_url("https://immich.example.org"));
    }

    #[test]
    fn backoff_is_capped_and_jittered() {
        for attempt in 0..20 {
            let d = backoff(attempt);
            assert!(d <= BACKOFF_CAP, "{d:?}");
            assert!(d >= BACKOFF_BASE / 2, "{d:?}");
        }
    }
}
