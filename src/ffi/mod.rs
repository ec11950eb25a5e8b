//! The C ABI (`include/apikeys.h`, generated from the doc comments below by cbindgen).
//!
//! Conventions, the same for every function (rustls-ffi and SQLite, style-anchors.md 1 and 3):
//! - Parameters: the session handle first, then inputs, then outputs.
//! - Returns an `apikeys_status`; `APIKEYS_STATUS_OK` (0) means success.
//! - Outputs are written only on success; on failure they are left unchanged and
//!   `*out_error` (when `out_error` is not NULL) receives error JSON
//!   `{"kind","message","httpStatus"?,"serverMessage"?,"retryAfterMs"?}`.
//! - Every `char *` returned is owned by the caller and freed with `apikeys_string_free`.
//! - Input strings are UTF-8 JSON (or ids), at most 16 MiB, NUL-terminated.
//! - Sessions are `uint64_t` handles; a closed or unknown handle gives
//!   `APIKEYS_STATUS_INVALID_ARGUMENT`. One session may be used from many threads at once.
//! - No function unwinds into C; a bug gives `APIKEYS_STATUS_INTERNAL`.
//!
//! JSON shapes: docs/interfaces.md.

#![allow(clippy::missing_safety_doc)]

mod boundary;
pub mod registry;
mod status;

pub use status::apikeys_status;

use crate::json::parse;
use crate::model::{KeyFilter, KeyUpdate, NewKey};
use crate::session::Session;
use boundary::{input, optional_input, require_out, run, write_json, JsonArrayOut};
use serde::Serialize;
use std::ffi::{c_char, CStr, CString};
use zeroize::Zeroize;

/// The library's version, e.g. "0.1.0". Static storage: never free it.
#[no_mangle]
pub extern "C" fn apikeys_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr() as *const c_char
}

/// CONSTRUCTOR: opens a session from SessionConfig JSON
/// (`{"kind":"immich"|"jim"|"truenas"|"auto","baseUrl":...,"apiKey":...}`).
///
/// On success `*out_session` receives a handle to close with `apikeys_session_close`. An
/// Immich email/password config logs in here; `kind: auto` probes the server once. On failure
/// `*out_session` is unchanged.
#[no_mangle]
pub unsafe extern "C" fn apikeys_session_open(
    config_json: *const c_char,
    out_session: *mut u64,
    out_error: *mut *mut c_char,
) -> apikeys_status {
    run(out_error, || {
        let config = input(config_json, "config_json")?;
        require_out(out_session, "out_session")?;
        let session = Session::from_json(config)?;
        *out_session = registry::insert(session);
        Ok(())
    })
}

/// DESTRUCTOR: closes a session (an Immich password session logs out). Calls still running
/// on it finish first. Closing an unknown or already closed handle gives
/// `APIKEYS_STATUS_INVALID_ARGUMENT` and does nothing else.
#[no_mangle]
pub extern "C" fn apikeys_session_close(session: u64) -> apikeys_status {
    run(std::ptr::null_mut(), || registry::remove(session))
}

/// METHOD: lists keys as a JSON array of ApiKey. `filter_json` may be NULL (all keys) or
/// KeyFilter JSON `{"name":"CI*","expired":true,"expiringWithinSeconds":N}`; the name is a
/// case-insensitive PowerShell wildcard. On success `*out_json` receives the array.
#[no_mangle]
pub unsafe extern "C" fn apikeys_key_list(
    session: u64,
    filter_json: *const c_char,
    out_json: *mut *mut c_char,
    out_error: *mut *mut c_char,
) -> apikeys_status {
    run(out_error, || {
        let filter: KeyFilter = match optional_input(filter_json, "filter_json")? {
            Some(text) => parse("filter_json", text.as_bytes())?,
            None => KeyFilter::default(),
        };
        require_out(out_json, "out_json")?;
        let session = registry::get(session)?;
        // Each kept key is written out as the answer is parsed: no key list is collected,
        // and the backend frees the answer's body before the output is handed over.
        let mut out = JsonArrayOut::new();
        session.list_each(&filter, &mut |k| out.push(&k))?;
        out.finish(out_json)
    })
}

/// METHOD: gets one key by id as ApiKey JSON. An unknown id gives `APIKEYS_STATUS_NOT_FOUND`.
#[no_mangle]
pub unsafe extern "C" fn apikeys_key_get(
    session: u64,
    id: *const c_char,
    out_json: *mut *mut c_char,
    out_error: *mut *mut c_char,
) -> apikeys_status {
    id_output(session, id, out_json, out_error, Session::get)
}

/// METHOD: creates a key from NewKey JSON (`{"name":...}` plus the server's own fields).
/// On success `*out_json` receives CreatedKey JSON `{"secret":...,"key":{...}}`: the only time
/// the secret is shown. The request is sent once and never retried.
#[no_mangle]
pub unsafe extern "C" fn apikeys_key_create(
    session: u64,
    new_key_json: *const c_char,
    out_json: *mut *mut c_char,
    out_error: *mut *mut c_char,
) -> apikeys_status {
    run(out_error, || {
        let new: NewKey = parse(
            "new_key_json",
            input(new_key_json, "new_key_json")?.as_bytes(),
        )?;
        require_out(out_json, "out_json")?;
        let created = registry::get(session)?.create(&new)?;
        write_json(out_json, &created)
    })
}

/// METHOD: changes a key with KeyUpdate JSON. A field not given is kept;
/// `"expiresAt": null` clears the expiry. On success `*out_json` receives the updated ApiKey.
#[no_mangle]
pub unsafe extern "C" fn apikeys_key_update(
    session: u64,
    id: *const c_char,
    update_json: *const c_char,
    out_json: *mut *mut c_char,
    out_error: *mut *mut c_char,
) -> apikeys_status {
    run(out_error, || {
        let id = input(id, "id")?;
        let update: KeyUpdate =
            parse("update_json", input(update_json, "update_json")?.as_bytes())?;
        require_out(out_json, "out_json")?;
        let key = registry::get(session)?.update(id, &update)?;
        write_json(out_json, &key)
    })
}

/// METHOD: deletes a key.
#[no_mangle]
pub unsafe extern "C" fn apikeys_key_delete(
    session: u64,
    id: *const c_char,
    out_error: *mut *mut c_char,
) -> apikeys_status {
    apikeys_key_delete_with_reason(session, id, std::ptr::null(), out_error)
}

/// METHOD: deletes a key, recording `change_reason` (may be NULL; at most 1000 characters)
/// where the server keeps an audit trail (JIM). Other servers ignore the reason.
#[no_mangle]
pub unsafe extern "C" fn apikeys_key_delete_with_reason(
    session: u64,
    id: *const c_char,
    change_reason: *const c_char,
    out_error: *mut *mut c_char,
) -> apikeys_status {
    run(out_error, || {
        let id = input(id, "id")?;
        let reason = optional_input(change_reason, "change_reason")?;
        registry::get(session)?.delete(id, reason)
    })
}

/// METHOD: rotates a key: a new secret for the same name and rights. Immich and JIM have no
/// rotate endpoint, so a key like the old one is created and the old one deleted; TrueNAS
/// resets the key in place. On success `*out_json` receives CreatedKey JSON with the new
/// secret, `replacedId`, and `warning` when the old key could not be deleted.
#[no_mangle]
pub unsafe extern "C" fn apikeys_key_rotate(
    session: u64,
    id: *const c_char,
    out_json: *mut *mut c_char,
    out_error: *mut *mut c_char,
) -> apikeys_status {
    id_output(session, id, out_json, out_error, Session::rotate)
}

/// METHOD: who the session is: `{"kind","authMethod","key":ApiKey|null,"user":...}`.
/// Immich before 1.139 gives `APIKEYS_STATUS_UNSUPPORTED`.
#[no_mangle]
pub unsafe extern "C" fn apikeys_whoami(
    session: u64,
    out_json: *mut *mut c_char,
    out_error: *mut *mut c_char,
) -> apikeys_status {
    session_output(session, out_json, out_error, Session::whoami)
}

/// METHOD: the server's product, version and health:
/// `{"kind","product","version","healthy"?,"transport"?,"generation"?}`.
#[no_mangle]
pub unsafe extern "C" fn apikeys_server_info(
    session: u64,
    out_json: *mut *mut c_char,
    out_error: *mut *mut c_char,
) -> apikeys_status {
    session_output(session, out_json, out_error, Session::server_info)
}

/// METHOD: what a key can be given on this server: `{"kind","permissions":[...]}` (Immich,
/// for the server's version) or `{"kind","roles":[...]}` (JIM).
#[no_mangle]
pub unsafe extern "C" fn apikeys_catalog(
    session: u64,
    out_json: *mut *mut c_char,
    out_error: *mut *mut c_char,
) -> apikeys_status {
    session_output(session, out_json, out_error, Session::catalog)
}

/// The shape of whoami, server_info and catalog: no input, one JSON output.
unsafe fn session_output<T: Serialize>(
    session: u64,
    out_json: *mut *mut c_char,
    out_error: *mut *mut c_char,
    op: impl FnOnce(&Session) -> crate::Result<T>,
) -> apikeys_status {
    run(out_error, || {
        require_out(out_json, "out_json")?;
        let value = op(registry::get(session)?.as_ref())?;
        write_json(out_json, &value)
    })
}

/// The shape of get and rotate: a key id in, one JSON output.
unsafe fn id_output<T: Serialize>(
    session: u64,
    id: *const c_char,
    out_json: *mut *mut c_char,
    out_error: *mut *mut c_char,
    op: impl FnOnce(&Session, &str) -> crate::Result<T>,
) -> apikeys_status {
    run(out_error, || {
        let id = input(id, "id")?;
        require_out(out_json, "out_json")?;
        let value = op(registry::get(session)?.as_ref(), id)?;
        write_json(out_json, &value)
    })
}

/// DESTRUCTOR: frees a string returned by any ApiKeys function, zeroing it first (it may hold
/// a secret). NULL is fine. Never pass a string from anywhere else.
#[no_mangle]
pub unsafe extern "C" fn apikeys_string_free(s: *mut c_char) {
    if s.is_null() {
        return;
    }
    let _ = std::panic::catch_unwind(|| {
        let len = CStr::from_ptr(s).to_bytes().len();
        std::slice::from_raw_parts_mut(s as *mut u8, len).zeroize();
        drop(CString::from_raw(s));
    });
}

#[cfg(test)]
mod tests {
    /// The committed header must be what cbindgen renders from this source (style-anchors 1.7).
    #[test]
    fn header_is_current() {
        let rendered = include_str!(concat!(env!("OUT_DIR"), "/apikeys.h"));
        let committed = include_str!("../../include/apikeys.h");
        assert!(
            rendered == committed,
            "include/apikeys.h is stale: run tools/header and commit the result"
        );
    }
}
