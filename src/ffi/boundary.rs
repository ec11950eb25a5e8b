//! The one panic boundary and the input checks every export goes through
//! (rustls-ffi's `ffi_panic_boundary!` and `try_*` macros, style-anchors.md 1.3 and 1.4).

use super::status::apikeys_status;
use crate::error::{Error, ErrorKind, Result};
use serde::Serialize;
use std::ffi::{c_char, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};
use zeroize::{Zeroize, Zeroizing};

/// Largest input string accepted: 16 MiB.
pub const APIKEYS_MAX_INPUT_BYTES: usize = 16 << 20;

/// Runs `body`, turning its error or a panic into a status and, when `out_error` is not NULL,
/// error JSON. Unwinding never crosses into C.
pub fn run(out_error: *mut *mut c_char, body: impl FnOnce() -> Result<()>) -> apikeys_status {
    let outcome = catch_unwind(AssertUnwindSafe(body)).unwrap_or_else(|_| {
        Err(Error::new(
            ErrorKind::Internal,
            "internal error in ApiKeys (a bug; please report it)",
        ))
    });
    match outcome {
        Ok(()) => apikeys_status::Ok,
        Err(e) => {
            if !out_error.is_null() {
                // A failure to encode the error leaves *out_error untouched; the status still says.
                if let Ok(s) = json_string(&error_json(&e)) {
                    unsafe { *out_error = s };
                }
            }
            e.kind.into()
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ErrorJson<'a> {
    kind: &'static str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    http_status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    server_message: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    retry_after_ms: Option<u128>,
}

fn error_json(e: &Error) -> ErrorJson<'_> {
    ErrorJson {
        kind: e.kind.as_str(),
        message: &e.message,
        http_status: e.http_status,
        server_message: e.server_message.as_deref(),
        retry_after_ms: e.retry_after.map(|d| d.as_millis()),
    }
}

/// A required input string: not NULL, at most 16 MiB, UTF-8.
pub fn input<'a>(ptr: *const c_char, name: &str) -> Result<&'a str> {
    if ptr.is_null() {
        return Err(Error::invalid(name, "is NULL"));
    }
    // strnlen never reads past the limit, even on an unterminated buffer of that size.
    let len = unsafe { libc::strnlen(ptr, APIKEYS_MAX_INPUT_BYTES + 1) };
    if len > APIKEYS_MAX_INPUT_BYTES {
        return Err(Error::invalid(name, "is larger than 16 MiB"));
    }
    let bytes = unsafe { std::slice::from_raw_parts(ptr as *const u8, len) };
    std::str::from_utf8(bytes).map_err(|_| Error::invalid(name, "is not valid UTF-8"))
}

/// An optional input string: NULL means "not given".
pub fn optional_input<'a>(ptr: *const c_char, name: &str) -> Result<Option<&'a str>> {
    if ptr.is_null() {
        Ok(None)
    } else {
        input(ptr, name).map(Some)
    }
}

/// Checks an output pointer before any work is done, so nothing is sent when it is NULL.
pub fn require_out<T>(ptr: *mut T, name: &str) -> Result<()> {
    if ptr.is_null() {
        Err(Error::invalid(name, "is NULL"))
    } else {
        Ok(())
    }
}

/// Serialises `value` into a new NUL-terminated string owned by the caller (freed with
/// `apikeys_string_free`). No copy of the text is left behind unzeroed.
pub fn json_string<T: Serialize>(value: &T) -> Result<*mut c_char> {
    let mut text = crate::json::to_zeroizing_vec(value)?;
    let mut owned = Vec::with_capacity(text.len() + 1);
    owned.extend_from_slice(&text);
    owned.push(0);
    text.zeroize();
    // JSON escapes every control character, so the only NUL is the terminator.
    let c = CString::from_vec_with_nul(owned)
        .map_err(|_| Error::new(ErrorKind::Internal, "output held a NUL byte"))?;
    Ok(c.into_raw())
}

/// Writes a result to an output pointer checked by `require_out`.
pub fn write_json<T: Serialize>(out: *mut *mut c_char, value: &T) -> Result<()> {
    let s = json_string(value)?;
    unsafe { *out = s };
    Ok(())
}

/// A JSON array written element by element into the string a caller will own: the bytes
/// `json_string` gives for a `Vec` of the same elements (`[`, compact elements separated by
/// `,`, `]`), without the elements ever being collected.
///
/// Unlike `json_string`, growth is plain `Vec` growth: glibc grows a large buffer in place
/// (mremap) rather than holding the old and new copies at once, which matters for a list of
/// 100,000 keys. Growth may leave earlier bytes behind unzeroed, so this is only for outputs
/// that hold no secret (key lists). The buffer is still zeroed when dropped on an error.
pub struct JsonArrayOut {
    text: Zeroizing<Vec<u8>>,
    empty: bool,
}

impl Default for JsonArrayOut {
    fn default() -> Self {
        Self::new()
    }
}

impl JsonArrayOut {
    pub fn new() -> Self {
        let mut text = Zeroizing::new(Vec::with_capacity(4096));
        text.push(b'[');
        JsonArrayOut { text, empty: true }
    }

    pub fn push<T: Serialize>(&mut self, element: &T) -> Result<()> {
        if !self.empty {
            self.text.push(b',');
        }
        self.empty = false;
        serde_json::to_writer(&mut *self.text, element)
            .map_err(|e| Error::new(ErrorKind::Internal, e.to_string()))
    }

    /// Closes the array and writes it, NUL-terminated and owned by the caller (freed with
    /// `apikeys_string_free`), to an output pointer checked by `require_out`.
    pub fn finish(mut self, out: *mut *mut c_char) -> Result<()> {
        self.text.push(b']');
        self.text.push(0);
        let owned = std::mem::take(&mut *self.text);
        // JSON escapes every control character, so the only NUL is the terminator. The
        // CString's allocation is the one `apikeys_string_free` gives back (`CString::from_raw`).
        let c = CString::from_vec_with_nul(owned)
            .map_err(|_| Error::new(ErrorKind::Internal, "output held a NUL byte"))?;
        unsafe { *out = c.into_raw() };
        Ok(())
    }
}
