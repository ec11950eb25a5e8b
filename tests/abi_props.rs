//! Property tests: arbitrary bytes and arbitrary JSON fed to every exported C function never
//! crash or abort; every call answers with a status code, and outputs appear only on success.

use apikeys::ffi::*;
use proptest::prelude::*;
use serde_json::Value;
use std::ffi::{c_char, CString};
use std::ptr::null_mut;

/// A session whose server cannot be reached (port 9, discard, is closed here): any call that
/// passes validation fails fast with a transport error instead of touching a real server.
fn offline_session() -> u64 {
    let cfg = CString::new(r#"{"kind":"jim","baseUrl":"http://127.0.0.1:9","apiKey":"jim_ak_x","retries":0,"timeoutMs":2000}"#).unwrap();
    let mut h = 0;
    let st = unsafe { apikeys_session_open(cfg.as_ptr(), &mut h, null_mut()) };
    assert_eq!(st, apikeys_status::Ok);
    h
}

/// Bytes without interior NULs, as a C string.
fn c_string(bytes: &[u8]) -> CString {
    CString::new(
        bytes
            .iter()
            .map(|b| if *b == 0 { 1 } else { *b })
            .collect::<Vec<u8>>(),
    )
    .unwrap()
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        ".{0,40}".prop_map(Value::String),
        prop::sample::select(vec![
            "name",
            "all",
            "immich",
            "jim",
            "auto",
            "http://127.0.0.1:9",
            "2026-01-01T00:00:00Z"
        ])
        .prop_map(|s| Value::String(s.to_owned())),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        let keys = prop::sample::select(vec![
            "kind",
            "baseUrl",
            "apiKey",
            "name",
            "permissions",
            "roleIds",
            "expiresAt",
            "description",
            "enabled",
            "expired",
            "expiringWithinSeconds",
            "tls",
            "verify",
            "timeoutMs",
            "x",
        ]);
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(keys.prop_map(str::to_owned), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Calls every export that takes a string with `input`; checks each answers a status and
/// writes an output only on success.
fn exercise(session: u64, input: &CString) {
    let p = input.as_ptr();
    let check = |st: apikeys_status, out: *mut c_char, err: *mut c_char| {
        if st == apikeys_status::Ok {
            assert!(err.is_null());
        } else {
            assert!(out.is_null(), "no output on failure");
            assert!(!err.is_null(), "error JSON on failure");
            let text = unsafe { std::ffi::CStr::from_ptr(err) }.to_str().unwrap();
            let v: Value = serde_json::from_str(text).unwrap();
            assert!(v["kind"].is_string() && v["message"].is_string());
        }
        unsafe {
            apikeys_string_free(out);
            apikeys_string_free(err);
        }
    };
    unsafe {
        let (mut h, mut err) = (0u64, null_mut());
        let st = apikeys_session_open(p, &mut h, &mut err);
        check(st, null_mut(), err);
        if st == apikeys_status::Ok {
            apikeys_session_close(h);
        }
        for f in [
            apikeys_key_list,
            apikeys_key_get,
            apikeys_key_create,
            apikeys_key_rotate,
        ] {
            let (mut out, mut err) = (null_mut(), null_mut());
            check(f(session, p, &mut out, &mut err), out, err);
            let (mut out, mut err) = (null_mut(), null_mut());
            check(f(987_654, p, &mut out, &mut err), out, err);
        }
        let (mut out, mut err) = (null_mut(), null_mut());
        let id = CString::new("11111111-1111-4111-8111-111111111111").unwrap();
        check(
            apikeys_key_update(session, id.as_ptr(), p, &mut out, &mut err),
            out,
            err,
        );
        let (mut out, mut err) = (null_mut(), null_mut());
        check(
            apikeys_key_update(session, p, p, &mut out, &mut err),
            out,
            err,
        );
        let mut err = null_mut();
        check(apikeys_key_delete(session, p, &mut err), null_mut(), err);
        let mut err = null_mut();
        check(
            apikeys_key_delete_with_reason(session, p, p, &mut err),
            null_mut(),
            err,
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_crash(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let s = offline_session();
        exercise(s, &c_string(&bytes));
        apikeys_session_close(s);
    }

    #[test]
    fn arbitrary_json_never_crashes(value in arb_json()) {
        let s = offline_session();
        exercise(s, &CString::new(value.to_string()).unwrap());
        apikeys_session_close(s);
    }
}

#[test]
fn inputs_over_16_mib_are_refused_cleanly() {
    let s = offline_session();
    let big = CString::new(vec![b'{'; (16 << 20) + 1]).unwrap();
    let (mut out, mut err) = (null_mut(), null_mut());
    let st = unsafe { apikeys_key_create(s, big.as_ptr(), &mut out, &mut err) };
    assert_eq!(st, apikeys_status::InvalidArgument);
    assert!(out.is_null());
    let text = unsafe { std::ffi::CStr::from_ptr(err) }
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        text.contains("new_key_json: is larger than 16 MiB"),
        "{text}"
    );
    unsafe { apikeys_string_free(err) };
    apikeys_session_close(s);
}
