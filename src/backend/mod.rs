//! The backend trait every server kind implements, and what the kinds share: status-to-kind
//! mapping, id checks, and rotate-by-replacement for servers without a rotate endpoint.

pub mod immich;
mod immich_permissions;
pub mod jim;
pub mod truenas;

use crate::error::{Error, ErrorKind, Result};
use crate::http::Response;
use crate::model::{ApiKey, Catalog, CreatedKey, KeyUpdate, NewKey, ServerInfo, Whoami};

/// One server kind's key API. Implementations are `Send + Sync` and keep no per-call state
/// outside locks: one session serves many threads at once.
pub trait Backend: Send + Sync {
    /// Every key the credential can see. Filtering happens in the session; a backend may use
    /// `name_equals` to ask the server for fewer keys (TrueNAS filters server-side).
    fn list(&self, name_equals: Option<&str>) -> Result<Vec<ApiKey>>;
    fn get(&self, id: &str) -> Result<ApiKey>;
    fn create(&self, new: &NewKey) -> Result<CreatedKey>;
    fn update(&self, id: &str, update: &KeyUpdate) -> Result<ApiKey>;
    fn delete(&self, id: &str, change_reason: Option<&str>) -> Result<()>;
    fn rotate(&self, id: &str) -> Result<CreatedKey>;
    fn whoami(&self) -> Result<Whoami>;
    fn server_info(&self) -> Result<ServerInfo>;
    fn catalog(&self) -> Result<Catalog>;
    /// Ends the server-side session, if the backend opened one (Immich password login).
    fn close(&self) {}
}

/// The kind an HTTP error status means, before any server-specific refinement.
pub fn kind_for_status(status: u16) -> ErrorKind {
    match status {
        401 => ErrorKind::Authentication,
        403 => ErrorKind::Permission,
        404 | 410 => ErrorKind::NotFound,
        409 => ErrorKind::Conflict,
        429 => ErrorKind::RateLimited,
        400 | 405 | 411..=418 | 422 => ErrorKind::InvalidArgument,
        500..=599 => ErrorKind::Server,
        _ => ErrorKind::Protocol,
    }
}

/// An error for a non-success answer: `what: <server message> (HTTP n)`.
pub fn status_error(
    response: &Response,
    what: &str,
    kind: ErrorKind,
    server_message: Option<String>,
) -> Error {
    let shown = match (&server_message, response.status) {
        (Some(m), _) if !m.is_empty() => m.clone(),
        (_, 401) => "the server refused the credentials".to_owned(),
        (_, 403) => "the credentials lack the right for this (empty answer)".to_owned(),
        (_, s) if response.is_html() => format!("the server answered with an HTML page (HTTP {s})"),
        _ => "the server gave no message".to_owned(),
    };
    let mut e = Error::new(kind, format!("{what}: {shown} (HTTP {})", response.status))
        .with_status(response.status)
        .with_server_message(server_message);
    e.retry_after = response.retry_after;
    e
}

/// Checks that `id` is a GUID (8-4-4-4-12 hex). Immich and JIM answer a malformed id with a
/// validation error or an HTML page (contracts-jim.md section 1), so it is refused locally.
pub fn require_guid(id: &str) -> Result<()> {
    let parts: Vec<&str> = id.split('-').collect();
    let lens = [8, 4, 4, 4, 12];
    let ok = parts.len() == 5
        && parts
            .iter()
            .zip(lens)
            .all(|(p, n)| p.len() == n && p.bytes().all(|b| b.is_ascii_hexdigit()));
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(
            "id",
            format!("'{}' is not a GUID", printable(id)),
        ))
    }
}

/// A user-supplied value shortened and stripped of control characters, safe to show.
pub fn printable(text: &str) -> String {
    let cleaned: String = text.chars().filter(|c| !c.is_control()).take(80).collect();
    if text.chars().count() > 80 {
        format!("{cleaned}...")
    } else {
        cleaned
    }
}

/// Checks a key name: not blank, at most 200 characters, no control characters.
pub fn require_name(field: &str, name: &str) -> Result<()> {
    if name.trim().is_empty() {
        return Err(Error::invalid(field, "must not be empty"));
    }
    if name.chars().count() > 200 {
        return Err(Error::invalid(field, "must be at most 200 characters"));
    }
    if name.chars().any(char::is_control) {
        return Err(Error::invalid(field, "must not contain control characters"));
    }
    Ok(())
}

/// Rotation for servers without a rotate endpoint (Immich, JIM): create a key like the old
/// one, then delete the old one. The new secret is returned even when the delete fails; the
/// result then carries a warning (a secret, once created, is never lost).
pub fn rotate_by_replacement(
    backend: &dyn Backend,
    id: &str,
    like: impl FnOnce(&ApiKey) -> NewKey,
) -> Result<CreatedKey> {
    let old = backend
        .get(id)
        .map_err(|e| e.context(format!("rotate key {id}")))?;
    let mut created = backend
        .create(&like(&old))
        .map_err(|e| e.context(format!("rotate key {id}: creating the replacement")))?;
    created.replaced_id = Some(old.id.clone());
    if let Err(e) = backend.delete(&old.id, Some("rotated by apikeys")) {
        created.warning = Some(format!(
            "the new key {} was created, but the old key {} could not be deleted: {}",
            created.key.id, old.id, e.message
        ));
    }
    Ok(created)
}

/// Refuses a field the server kind does not have, before anything is sent.
pub fn refuse_field(present: bool, field: &str, server: &str) -> Result<()> {
    if present {
        Err(Error::invalid(
            field,
            format!("{server} keys have no such field"),
        ))
    } else {
        Ok(())
    }
}
