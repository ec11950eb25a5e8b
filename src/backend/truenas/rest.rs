//! TrueNAS REST API v2.0 (`/api/v2.0`, contract section 3): CORE 13 to SCALE 24.10, and 25.04
//! and 25.10 when the session forces it (deprecated there, removed in 26).

use super::{classify, describe_problems, Call, Credentials, Problem};
use crate::backend::{kind_for_status, status_error};
use crate::error::{Error, ErrorKind, Result};
use crate::http::{HttpClient, Response};
use crate::secret::Secret;
use reqwest::Method;
use serde_json::Value;
use zeroize::Zeroizing;

const KEYS: &str = "/api/v2.0/api_key";

pub(crate) struct Rest {
    http: HttpClient,
    credentials: Credentials,
}

impl Rest {
    /// `Authorization: Bearer <key>`, or `Basic` with the username and password.
    pub(crate) fn new(http: HttpClient, credentials: Credentials) -> Result<Rest> {
        let header = match &credentials {
            Credentials::Key { key, .. } => Secret::new(format!("Bearer {}", key.expose())),
            Credentials::Password { username, password } => {
                let pair = Zeroizing::new(format!("{username}:{}", password.expose()));
                let encoded = Zeroizing::new(base64::encode(pair.as_bytes()));
                Secret::new(format!("Basic {}", encoded.as_str()))
            }
        };
        http.set_auth("authorization", &header)?;
        Ok(Rest { http, credentials })
    }

    pub(crate) fn call(&self, call: &Call) -> Result<Value> {
        let (method, path, body) = match call {
            Call::Query { name } => {
                let mut path = KEYS.to_owned();
                // Query-string filters turn digits, true, false and null into other types
                // (contract section 3): such a name is filtered by the session instead.
                if let Some(n) = name.filter(|n| !converted_by_server(n)) {
                    path.push_str("?name=");
                    path.push_str(&percent_encode(n));
                }
                (Method::GET, path, None)
            }
            Call::Get(id) => (Method::GET, format!("{KEYS}/id/{id}"), None),
            Call::Create(body) => (Method::POST, KEYS.to_owned(), Some(*body)),
            Call::Update { id, body, .. } => (Method::PUT, format!("{KEYS}/id/{id}"), Some(*body)),
            Call::Delete(id) => (Method::DELETE, format!("{KEYS}/id/{id}"), None),
            Call::Me => (Method::GET, "/api/v2.0/auth/me".to_owned(), None),
            Call::MyKeys => (Method::GET, format!("{KEYS}/my_keys"), None),
            Call::Version => (Method::GET, "/api/v2.0/system/version".to_owned(), None),
        };
        let what = call.what();
        let r = self
            .http
            .send(method, &path, body, call.http_retry())
            .map_err(|e| e.context(&what))?;
        if r.is_success() && !r.is_html() {
            r.json(&what)
        } else {
            Err(rest_error(&r, &what, call.by_id(), &self.credentials))
        }
    }
}

/// Maps a REST error answer (contract section 3): 401 with a text body (`Invalid API key`) or
/// none, 403 with an empty body, 422 validation `{attribute: [{message, errno}]}` or CallError
/// `{message, errno}`, 404 `MatchNotFound` `{message}`, 400 parameter errors, 500 `{message,
/// traceback}` (the traceback is never copied).
pub(crate) fn rest_error(
    r: &Response,
    what: &str,
    by_id: bool,
    credentials: &Credentials,
) -> Error {
    let json: Option<Value> = if r.is_html() {
        None
    } else {
        serde_json::from_slice(&r.body).ok()
    };
    let mut errno = None;
    let mut problems = Vec::new();
    let mut message = None;
    match &json {
        Some(Value::Object(obj)) => {
            if let Some(m) = obj.get("message").and_then(Value::as_str) {
                message = Some(m.to_owned());
                errno = obj.get("errno").and_then(Value::as_i64);
            } else {
                for (attribute, list) in obj {
                    for item in list.as_array().into_iter().flatten() {
                        if let Some(m) = item.get("message").and_then(Value::as_str) {
                            problems.push(Problem {
                                attribute: attribute.clone(),
                                message: m.to_owned(),
                                errno: item.get("errno").and_then(Value::as_i64),
                            });
                        }
                    }
                }
            }
        }
        Some(Value::String(s)) => message = Some(s.clone()),
        _ => {
            // 401 answers carry plain text (`Invalid API key`, `Bad username or password`).
            let text = String::from_utf8_lossy(&r.body);
            let text = text.trim();
            if !r.is_html() && !text.is_empty() && text.len() <= 300 {
                message = Some(text.to_owned());
            }
        }
    }
    let server_message = if problems.is_empty() {
        message
    } else {
        Some(describe_problems(&problems))
    }
    .map(|m| credentials.redact(&m));
    if r.status == 404 && !by_id {
        // A route, not a key, is missing: TrueNAS 26 removed the REST API (contract 3).
        return status_error(
            r,
            what,
            ErrorKind::Unsupported,
            Some(
                "this server has no such REST API v2.0 route (TrueNAS 26 removed the REST API; use the websocket transport)"
                    .into(),
            ),
        );
    }
    let fallback = if r.is_success() {
        ErrorKind::Protocol
    } else {
        kind_for_status(r.status)
    };
    // Only 4xx bodies are TrueNAS errors worth refining; 401 and 403 mean what they say.
    let kind = match r.status {
        401 | 403 => fallback,
        400..=499 => classify(errno, &problems, fallback),
        _ => fallback,
    };
    let mut e = status_error(r, what, kind, server_message);
    if r.status == 401 {
        e.message.push_str(
            "; check the API key (or the username and password), and that it is not expired or revoked",
        );
    }
    e
}

fn converted_by_server(value: &str) -> bool {
    matches!(value, "true" | "false" | "null") || value.bytes().all(|b| b.is_ascii_digit())
}

/// RFC 3986 percent-encoding of everything but unreserved characters.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, content_type: &str, body: &str) -> Response {
        Response {
            status,
            content_type: Some(content_type.to_owned()),
            retry_after: None,
            body: Zeroizing::new(body.as_bytes().to_vec()),
        }
    }

    fn map(status: u16, body: &str, by_id: bool) -> Error {
        let creds = Credentials::Key {
            key: Secret::from("1-SECRETSECRET"),
            username: None,
        };
        rest_error(
            &answer(status, "application/json", body),
            "op",
            by_id,
            &creds,
        )
    }

    #[test]
    fn error_bodies_of_every_generation_map_to_kinds() {
        let e = map(
            422,
            r#"{"api_key_create.name": [{"message": "Object with this name already exists", "errno": 22}]}"#,
            false,
        );
        assert_eq!(e.kind, ErrorKind::Conflict);
        assert_eq!(
            e.server_message.as_deref(),
            Some("api_key_create.name: Object with this name already exists")
        );
        let e = map(
            422,
            r#"{"message": "ApiKey 9 does not exist", "errno": 2}"#,
            true,
        );
        assert_eq!(e.kind, ErrorKind::NotFound);
        let e = map(404, r#"{"message": "Not found"}"#, true);
        assert_eq!(e.kind, ErrorKind::NotFound);
        let e = map(404, "", false);
        assert_eq!(e.kind, ErrorKind::Unsupported);
        let e = map(401, "Invalid API key", false);
        assert_eq!(
            (e.kind, e.server_message.as_deref()),
            (ErrorKind::Authentication, Some("Invalid API key"))
        );
        let e = map(403, "", false);
        assert_eq!(e.kind, ErrorKind::Permission);
        assert!(e.message.contains("lack the right"), "{e}");
        let e = map(
            500,
            r#"{"message": "boom", "traceback": "Traceback: secret internals"}"#,
            false,
        );
        assert_eq!(e.kind, ErrorKind::Server);
        assert!(!e.message.contains("Traceback"), "{e}");
        let e = map(
            422,
            r#"{"message": "Key 1-SECRETSECRET rejected", "errno": 22}"#,
            false,
        );
        assert!(!e.message.contains("SECRETSECRET"), "{e}");
        assert!(!e.server_message.unwrap().contains("SECRETSECRET"));
    }

    #[test]
    fn query_values_that_the_server_converts_are_not_pushed() {
        assert!(converted_by_server("123"));
        assert!(converted_by_server("null"));
        assert!(!converted_by_server("12-3"));
        assert_eq!(percent_encode("a b&c=é"), "a%20b%26c%3D%C3%A9");
    }
}
