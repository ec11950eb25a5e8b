//! The backend trait every server kind implements, and what the kinds share: status-to-kind
//! mapping, id checks, and rotate-by-replacement for servers without a rotate endpoint.

pub mod immich;
mod immich_permissions;
pub mod jim;
pub mod truenas;

use crate::error::{Error, ErrorKind, Result};
use crate::http::Response;
use crate::model::{ApiKey, Catalog, CreatedKey, KeyUpdate, NewKey, ServerInfo, Whoami};
use serde_json::Value;

/// One server kind's key API. Implementations are `Send + Sync` and keep no per-call state
/// outside locks: one session serves many threads at once.
pub trait Backend: Send + Sync {
    /// Every key the credential can see. Filtering happens in the session; a backend may use
    /// `name_equals` to ask the server for fewer keys (TrueNAS filters server-side).
    fn list(&self, name_equals: Option<&str>) -> Result<Vec<ApiKey>>;
    /// The keys of `list`, handed to `each` one at a time; the first error from `each` ends
    /// the list and is returned. Backends whose list answers can be large (Immich, JIM) parse
    /// the answer element by element, so no whole-list tree or `Vec` is ever built; this
    /// default goes through `list`. On an error, `each` may have seen some keys already.
    fn list_each(
        &self,
        name_equals: Option<&str>,
        each: &mut dyn FnMut(ApiKey) -> Result<()>,
    ) -> Result<()> {
        self.list(name_equals)?.into_iter().try_for_each(each)
    }
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

/// A body above this size counts as a big list: its parse is followed by a heap trim.
const TRIM_AFTER_BODY_BYTES: usize = 1 << 20;

/// Streams a successful list answer (a JSON array of key objects) to `each`: every element is
/// parsed alone, mapped by `to_key` (the same mapping `get` uses) and handed over, then
/// dropped. The body is freed before returning, and after a big one the freed heap goes back
/// to the system (see [`release_freed_memory`]).
pub(crate) fn stream_keys(
    r: Response,
    what: &str,
    to_key: fn(&Value) -> Result<ApiKey>,
    each: &mut dyn FnMut(ApiKey) -> Result<()>,
) -> Result<()> {
    let outcome = r.json_array_each(what, &mut |v| each(to_key(&v)?));
    let big = r.body.len() > TRIM_AFTER_BODY_BYTES;
    drop(r);
    if big {
        release_freed_memory();
    }
    outcome
}

/// `list` for a backend that implements `list_each`.
pub(crate) fn collect_keys(
    backend: &dyn Backend,
    name_equals: Option<&str>,
) -> Result<Vec<ApiKey>> {
    collect(|each| backend.list_each(name_equals, each))
}

/// The keys a `list_each`-shaped call hands over, collected in order (the backends' `list`
/// and `Session::list`).
pub(crate) fn collect(
    list_each: impl FnOnce(&mut dyn FnMut(ApiKey) -> Result<()>) -> Result<()>,
) -> Result<Vec<ApiKey>> {
    let mut keys = Vec::new();
    list_each(&mut |k| {
        keys.push(k);
        Ok(())
    })?;
    Ok(keys)
}

/// Hands the heap freed by a big list (its body, the per-element parse garbage) back to the
/// system. glibc keeps freed memory mapped for reuse: memory under its mmap threshold (which
/// glibc raises up to 32 MiB after a large block is freed) stays in the process's RSS until
/// the top of the heap is free. A caller that next turns our output into its own objects
/// (the PowerShell module builds .NET objects from the output JSON) would then peak at our
/// leftover plus its own. `malloc_trim` gives every free page back, wherever it lies.
pub(crate) fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks glibc's own arenas; any argument is valid.
    unsafe {
        libc::malloc_trim(0);
    }
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
