//! `apikeys_status`: the result of every C function. The numbers are frozen: a C caller
//! compiles them in, so a retired value is never reused (style-anchors.md 1.1).

use crate::error::ErrorKind;

/// The result of an ApiKeys call: 0 on success, otherwise the error's kind. New codes may be
/// added; existing numbers never change meaning.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum apikeys_status {
    /// Success: the outputs were written.
    Ok = 0,
    /// A bad argument: NULL, invalid UTF-8, bad JSON, a bad field, an input over 16 MiB, or a
    /// closed or unknown session handle. Nothing was sent.
    InvalidArgument = 1,
    /// The server refused the credentials (HTTP 401, failed login).
    Authentication = 2,
    /// The credentials lack a right (HTTP 403; Immich: cannot grant what the key lacks).
    Permission = 3,
    /// No such key.
    NotFound = 4,
    /// The change clashes with the server's state (e.g. a duplicate name).
    Conflict = 5,
    /// The server kept answering 429 beyond the retry budget.
    RateLimited = 6,
    /// The server (or its version) does not offer this operation.
    Unsupported = 7,
    /// The connection failed: refused, reset, closed mid-answer.
    Transport = 8,
    /// TLS failed: untrusted certificate or name mismatch.
    Tls = 9,
    /// No answer within the session's timeout.
    Timeout = 10,
    /// The server failed (HTTP 5xx) beyond the retry budget.
    Server = 11,
    /// The answer could not be understood (malformed JSON, HTML instead of JSON).
    Protocol = 12,
    /// A bug in ApiKeys (a panic was caught at the boundary).
    Internal = 13,
}

impl From<ErrorKind> for apikeys_status {
    fn from(kind: ErrorKind) -> Self {
        match kind {
            ErrorKind::InvalidArgument => apikeys_status::InvalidArgument,
            ErrorKind::Authentication => apikeys_status::Authentication,
            ErrorKind::Permission => apikeys_status::Permission,
            ErrorKind::NotFound => apikeys_status::NotFound,
            ErrorKind::Conflict => apikeys_status::Conflict,
            ErrorKind::RateLimited => apikeys_status::RateLimited,
            ErrorKind::Unsupported => apikeys_status::Unsupported,
            ErrorKind::Transport => apikeys_status::Transport,
            ErrorKind::Tls => apikeys_status::Tls,
            ErrorKind::Timeout => apikeys_status::Timeout,
            ErrorKind::Server => apikeys_status::Server,
            ErrorKind::Protocol => apikeys_status::Protocol,
            ErrorKind::Internal => apikeys_status::Internal,
        }
    }
}
