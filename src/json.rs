//! JSON helpers shared by the backends and the C ABI.

use crate::error::{Error, Result};
use serde::de::{DeserializeOwned, SeqAccess, Visitor};
use serde::{Deserializer, Serialize};
use serde_json::Value;
use std::fmt;
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

/// How [`for_each_element`] failed.
#[derive(Debug)]
pub enum ArrayError {
    /// The text is not JSON: broken anywhere, even after some elements were handed over.
    NotJson(serde_json::Error),
    /// Valid JSON, but not an array.
    NotArray,
    /// `each` refused an element: its first error.
    Element(Error),
}

/// Hands every element of the JSON array `text` to `each`, one at a time, each parsed into its
/// own small [`Value`] and dropped after the call: a large list never exists as one tree
/// (a `Value` tree costs about 9 times the text it came from).
///
/// The outcome is the one parsing the whole text first and then mapping the elements would
/// give: a JSON error anywhere wins over an element `each` refused (the elements after a
/// refusal are still parsed, only to find such an error), and the first refusal wins over
/// later ones. `each` may have seen elements before an error is found; callers discard what
/// they built from them.
pub fn for_each_element(
    text: &[u8],
    each: &mut dyn FnMut(Value) -> Result<()>,
) -> std::result::Result<(), ArrayError> {
    let first = text
        .iter()
        .find(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'));
    if first != Some(&b'[') {
        // Not an array, or not JSON: the whole-text parse tells which, with serde_json's own
        // message. Such an answer is an error, so its size does not matter here.
        return match serde_json::from_slice::<Value>(text) {
            Ok(_) => Err(ArrayError::NotArray),
            Err(e) => Err(ArrayError::NotJson(e)),
        };
    }
    let mut refused = None;
    let mut de = serde_json::Deserializer::from_slice(text);
    (&mut de)
        .deserialize_seq(Elements {
            each,
            refused: &mut refused,
        })
        // Trailing characters after the array are an error, as in `serde_json::from_slice`.
        .and_then(|()| de.end())
        .map_err(ArrayError::NotJson)?;
    match refused {
        Some(e) => Err(ArrayError::Element(e)),
        None => Ok(()),
    }
}

/// The visitor of [`for_each_element`]: our own errors are kept aside rather than turned into
/// serde errors, so they come back unchanged (kind, message, status).
struct Elements<'a, 'b> {
    each: &'a mut dyn FnMut(Value) -> Result<()>,
    refused: &'b mut Option<Error>,
}

impl<'de> Visitor<'de> for Elements<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON array")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
        while let Some(item) = seq.next_element::<Value>()? {
            if self.refused.is_none() {
                if let Err(e) = (self.each)(item) {
                    *self.refused = Some(e);
                }
            }
        }
        Ok(())
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    /// The elements `for_each_element` hands over, or how it failed.
    fn elements(text: &str) -> std::result::Result<Vec<Value>, ArrayError> {
        let mut seen = Vec::new();
        for_each_element(text.as_bytes(), &mut |v| {
            seen.push(v);
            Ok(())
        })
        .map(|()| seen)
    }

    #[test]
    fn every_element_is_handed_over_in_order() {
        let seen = elements(" \n[{\"a\":1}, 2, \"x\", [3], null] \n").unwrap();
        assert_eq!(
            seen,
            vec![
                serde_json::json!({"a": 1}),
                serde_json::json!(2),
                serde_json::json!("x"),
                serde_json::json!([3]),
                Value::Null
            ]
        );
        assert!(elements("[]").unwrap().is_empty());
    }

    #[test]
    fn errors_are_the_ones_a_whole_parse_gives() {
        for text in ["", "[{\"a\":1},{\"a\"", "[1,2", "[1]x", "[1,]", "{\"a\":"] {
            let whole = serde_json::from_slice::<Value>(text.as_bytes()).unwrap_err();
            match elements(text) {
                Err(ArrayError::NotJson(e)) => assert_eq!(e.to_string(), whole.to_string()),
                other => panic!("{text:?}: {other:?}"),
            }
        }
        for text in ["{}", "\"[\"", " 3", "null"] {
            assert!(
                matches!(elements(text), Err(ArrayError::NotArray)),
                "{text:?}"
            );
        }
    }

    #[test]
    fn the_first_refusal_wins_unless_the_json_is_broken() {
        let mut calls = 0;
        let mut refuse_odd = |v: Value| {
            calls += 1;
            match v.as_i64() {
                Some(n) if n % 2 == 1 => Err(Error::protocol(format!("odd {n}"))),
                _ => Ok(()),
            }
        };
        match for_each_element(b"[2,3,4,5]", &mut refuse_odd) {
            Err(ArrayError::Element(e)) => {
                assert_eq!(e.kind, ErrorKind::Protocol);
                assert_eq!(e.message, "odd 3");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            for_each_element(b"[3,4,", &mut refuse_odd),
            Err(ArrayError::NotJson(_))
        ));
        // 2 and 3, then 3: nothing is handed over after a refusal.
        assert_eq!(calls, 3);
    }
}
