//! The one error type of the library: a stable [`ErrorKind`] for programs, a message for people.
//!
//! Messages name what failed (operation, key id, field) and never contain a secret: no header,
//! request body or URL query is ever copied into them (style-anchors.md 2.2).

use std::fmt;
use std::time::Duration;

/// What went wrong, as a stable category. Each kind has a frozen status code in the C ABI.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The caller gave something unusable: a bad field, bad JSON, an unknown handle. Nothing
    /// was sent.
    InvalidArgument,
    /// The server refused the credentials (HTTP 401, a failed login).
    Authentication,
    /// The credentials are valid but lack a right (HTTP 403, Immich's grant rule).
    Permission,
    /// No key with that id (HTTP 404, Immich's 400 `API Key not found`).
    NotFound,
    /// The change clashes with the server's state (HTTP 409, a duplicate name).
    Conflict,
    /// The server asked us to slow down (HTTP 429) and the retry budget ran out.
    RateLimited,
    /// The server or its version does not offer the operation.
    Unsupported,
    /// The connection failed: refused, reset, closed mid-body, name not resolved.
    Transport,
    /// The TLS handshake failed: untrusted certificate, name mismatch.
    Tls,
    /// No answer within the session's timeout.
    Timeout,
    /// The server failed (HTTP 5xx) and the retry budget ran out.
    Server,
    /// The answer could not be understood: malformed JSON, HTML instead of JSON.
    Protocol,
    /// A bug in this library (a caught panic).
    Internal,
}

impl ErrorKind {
    /// The snake_case name used in error JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::InvalidArgument => "invalid_argument",
            ErrorKind::Authentication => "authentication",
            ErrorKind::Permission => "permission",
            ErrorKind::NotFound => "not_found",
            ErrorKind::Conflict => "conflict",
            ErrorKind::RateLimited => "rate_limited",
            ErrorKind::Unsupported => "unsupported",
            ErrorKind::Transport => "transport",
            ErrorKind::Tls => "tls",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Server => "server",
            ErrorKind::Protocol => "protocol",
            ErrorKind::Internal => "internal",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error with its kind, a human message and what the server said, when it said something.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
    /// The HTTP status of the answer that caused the error, when there was one.
    pub http_status: Option<u16>,
    /// The server's own message (`message` of its error body), when it sent one.
    pub server_message: Option<String>,
    /// How long the server asked us to wait (Retry-After), when it did.
    pub retry_after: Option<Duration>,
}

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            http_status: None,
            server_message: None,
            retry_after: None,
        }
    }

    /// A bad input, naming the field and the reason: `field: reason`.
    pub fn invalid(field: &str, reason: impl fmt::Display) -> Self {
        Error::new(ErrorKind::InvalidArgument, format!("{field}: {reason}"))
    }

    pub fn unsupported(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Unsupported, message)
    }

    pub fn protocol(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Protocol, message)
    }

    pub fn with_status(mut self, status: u16) -> Self {
        self.http_status = Some(status);
        self
    }

    pub fn with_server_message(mut self, message: Option<String>) -> Self {
        self.server_message = message;
        self
    }

    /// Prefixes the message with what was being done, e.g. `get key <id>: `.
    pub fn context(mut self, what: impl fmt::Display) -> Self {
        self.message = format!("{what}: {}", self.message);
        self
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
