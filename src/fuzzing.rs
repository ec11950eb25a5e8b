//! Entry points for the fuzz harness (`fuzz/`, `tools/fuzz`) and its regression tests: the
//! library's request-building and response-parsing paths, reachable without a server.
//! Not part of the stable API.

use crate::backend::{immich, jim};
use crate::config::SessionConfig;
use crate::http::Response;
use crate::model::{KeyFilter, KeyUpdate, NewKey};
use crate::timestamp::Timestamp;
use crate::wildcard::Wildcard;
use zeroize::Zeroizing;

/// Feeds one input through every parser. The first byte picks the path; the rest is the
/// payload. Must never panic, whatever the bytes.
pub fn one_input(data: &[u8]) {
    let Some((&selector, payload)) = data.split_first() else {
        return;
    };
    match selector % 6 {
        0 => response(payload),
        1 => {
            if let Ok(text) = std::str::from_utf8(payload) {
                let _ = SessionConfig::from_json(text);
            }
        }
        2 => {
            // Request building: the bodies each backend would send for this input, for a few
            // server versions, and JIM's merge of an update into a current key.
            if let Ok(new) = crate::json::parse::<NewKey>("new_key_json", payload) {
                for version in [(1, 106, 0), (1, 135, 0), (2, 7, 5), (3, 1, 0)] {
                    let _ = immich::create_body(&new, version);
                }
                let _ = jim::create_body(&new);
            }
            if let Ok(update) = crate::json::parse::<KeyUpdate>("update_json", payload) {
                for version in [(1, 134, 0), (2, 7, 5), (3, 1, 0)] {
                    let _ = immich::update_body(&update, version);
                }
                if jim::check_update(&update).is_ok() {
                    let current = serde_json::json!({"name": "k", "description": null,
                        "roles": [{"id": 1}], "expiresAt": "2027-01-01T00:00:00+00:00", "isEnabled": true});
                    let body = jim::put_body(&current, &update);
                    assert!(
                        body.contains_key("isEnabled") && body.contains_key("roleIds"),
                        "full PUT"
                    );
                }
            }
            let _ = crate::json::parse::<KeyFilter>("filter_json", payload);
        }
        3 => {
            let text = String::from_utf8_lossy(payload);
            let (pattern, subject) = text.split_once('\n').unwrap_or((&text, "subject"));
            let w = Wildcard::new(pattern);
            let _ = w.is_match(subject);
            let _ = w.literal();
        }
        4 => {
            if let Ok(text) = std::str::from_utf8(payload) {
                if let Some(t) = Timestamp::parse(text) {
                    // What is written must parse back to the same instant.
                    assert_eq!(Timestamp::parse(&t.to_string()), Some(t), "{text}");
                }
            }
        }
        _ => {
            let _ = crate::backend::require_guid(&String::from_utf8_lossy(payload));
            let _ = crate::backend::printable(&String::from_utf8_lossy(payload));
        }
    }
}

/// A server answer: byte 0 = status selector, byte 1 = content type, the rest the body; run
/// through both servers' key parsers and error mappers.
fn response(payload: &[u8]) {
    if payload.len() < 2 {
        return;
    }
    let statuses = [
        200u16, 201, 204, 400, 401, 403, 404, 409, 422, 429, 500, 502, 503,
    ];
    let status = statuses[payload[0] as usize % statuses.len()];
    let content_type = match payload[1] % 3 {
        0 => Some("application/json; charset=utf-8".to_owned()),
        1 => Some("text/html".to_owned()),
        _ => None,
    };
    let r = Response {
        status,
        content_type,
        retry_after: None,
        body: Zeroizing::new(payload[2..].to_vec()),
    };
    let _ = immich::immich_error(&r, "fuzz");
    let _ = jim::jim_error(&r, "fuzz", payload[1] & 4 != 0);
    // The streamed list parse must give what parsing the whole body first gave: the same
    // keys, or the same error (kind and message).
    for to_key in [immich::key_from_json, jim::key_from_json] {
        let whole: crate::Result<Vec<_>> = r.json("fuzz").and_then(|v| match v {
            serde_json::Value::Array(items) => items.iter().map(to_key).collect(),
            _ => Err(crate::Error::protocol(
                "fuzz: the answer is not a JSON array",
            )),
        });
        let mut keys = Vec::new();
        let streamed = r
            .json_array_each("fuzz", &mut |v| {
                keys.push(to_key(&v)?);
                Ok(())
            })
            .map(|()| keys);
        match (&whole, &streamed) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "streamed keys"),
            (Err(a), Err(b)) => assert_eq!(
                (a.kind, &a.message, a.http_status),
                (b.kind, &b.message, b.http_status),
                "streamed error"
            ),
            _ => panic!("streamed list: {streamed:?}, whole body: {whole:?}"),
        }
    }
    if let Ok(v) = r.json("fuzz") {
        let _ = immich::key_from_json(&v);
        let _ = jim::key_from_json(&v);
        if let serde_json::Value::Array(items) = &v {
            for item in items.iter().take(64) {
                let _ = immich::key_from_json(item);
                let _ = jim::key_from_json(item);
            }
        }
    }
}
