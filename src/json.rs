//! JSON helpers shared by the backends and the C ABI.

use crate::error::{Error, Result};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use zeroize::Zeroize;

/// serde's message without the input echoed back (an input may hold a secret): serde_json's
/// messages name the field and position, never the value of a string.
pub fn describe_serde_error(e: &serde_json::Error) -> String {
    let text = e.to_string();
    // "unknown field `x`, expected one of ..." is long; keep the first clause.
    match text.find(", expected one of") {
        Some(i) => {
            let rest = &text[i..];
            let at = rest.find(" at line ").map(|j| &rest[j..]).unwrap_or("");
            format!("{}{}", &text[..i], at)
        }
        None => text,
    }
}

/// Parses a JSON input of the C ABI or a server body into `T`, naming `what` on failure.
pub fn parse<T: DeserializeOwned>(what: &str, text: &[u8]) -> Result<T> {
    serde_json::from_slice(text).map_err(|e| Error::invalid(what, describe_serde_error(&e)))
}

/// Serialises into a buffer that zeroes every copy it leaves behind while growing, so a
/// secret inside `value` leaves no stray copy on the heap. The result must be zeroized too.
pub fn to_zeroizing_vec<T: Serialize>(value: &T) -> Result<Vec<u8>> {
    let mut w = ZeroizingWriter(Vec::with_capacity(512));
    serde_json::to_writer(&mut w, value)
        .map_err(|e| Error::new(crate::error::ErrorKind::Internal, e.to_string()))?;
    Ok(std::mem::take(&mut w.0))
}

struct ZeroizingWriter(Vec<u8>);

impl std::io::Write for ZeroizingWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        let needed = self.0.len() + data.len();
        if needed > self.0.capacity() {
            let mut bigger = Vec::with_capacity(needed.max(self.0.capacity() * 2) + 1);
            bigger.extend_from_slice(&self.0);
            self.0.zeroize();
            self.0 = bigger;
        }
        self.0.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for ZeroizingWriter {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

/// `value[name]` as a string, if it is one.
pub fn str_field<'a>(value: &'a Value, name: &str) -> Option<&'a str> {
    value.get(name).and_then(Value::as_str)
}

/// A required string field of a server answer, or a protocol error naming it.
pub fn required_str(value: &Value, name: &str, what: &str) -> Result<String> {
    match value.get(name) {
        Some(Value::String(s)) => Ok(s.clone()),
        Some(Value::Number(n)) => Ok(n.to_string()),
        _ => Err(Error::protocol(format!(
            "{what}: the server's answer has no string field '{name}'"
        ))),
    }
}
