//! Faults, TLS and concurrency through the core and the C ABI, against the sandbox's switches.

mod common;

use apikeys::ffi::*;
use apikeys::{ErrorKind, KeyFilter, NewKey, Session};
use common::{unique, Sandbox};
use serde_json::json;
use std::ffi::{CStr, CString};
use std::ptr::null_mut;

fn https_config(sb: &Sandbox, kind: &str, tls: serde_json::Value) -> String {
    json!({"kind": kind, "baseUrl": sb.url(kind), "apiKey": sb.key(kind), "tls": tls}).to_string()
}

#[test]
fn tls_is_verified_by_default_and_a_ca_file_or_skip_makes_it_work() {
    let sb = Sandbox::start(&["--kind", "jim", "--https"]);
    assert!(sb.url("jim").starts_with("https://"));
    let ca = sb.info["caFile"]
        .as_str()
        .expect("caFile in the start-up line")
        .to_owned();

    let e = Session::from_json(&https_config(&sb, "jim", json!({})))
        .unwrap()
        .list(&KeyFilter::default())
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Tls, "untrusted certificate: {e}");
    assert!(e.message.starts_with("TLS with 127.0.0.1:"), "{e}");

    let trusted = Session::from_json(&https_config(&sb, "jim", json!({"caFile": ca}))).unwrap();
    assert!(!trusted.list(&KeyFilter::default()).unwrap().is_empty());
    let skipped = Session::from_json(&https_config(&sb, "jim", json!({"verify": false}))).unwrap();
    assert!(!skipped.list(&KeyFilter::default()).unwrap().is_empty());

    let e = Session::from_json(&https_config(
        &sb,
        "jim",
        json!({"caFile": "/nonexistent/ca.pem"}),
    ))
    .err()
    .unwrap();
    assert_eq!(e.kind, ErrorKind::InvalidArgument);
    assert!(e.message.starts_with("tls.caFile: cannot read"), "{e}");
}

#[test]
fn a_certificate_for_another_name_is_refused_even_from_a_trusted_ca() {
    let sb = Sandbox::start(&[
        "--kind",
        "immich",
        "--https",
        "--cert-name",
        "photos.example.org",
    ]);
    let ca = sb.info["caFile"].as_str().unwrap().to_owned();
    let s = Session::from_json(&https_config(&sb, "immich", json!({"caFile": ca}))).unwrap();
    let e = s.list(&KeyFilter::default()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Tls, "hostname mismatch: {e}");
    let skipped =
        Session::from_json(&https_config(&sb, "immich", json!({"verify": false}))).unwrap();
    assert!(
        !skipped.list(&KeyFilter::default()).unwrap().is_empty(),
        "verify:false accepts it"
    );
}

#[test]
fn a_slow_answer_times_out_and_the_session_recovers() {
    let sb = Sandbox::start(&["--kind", "immich"]);
    let cfg = json!({"kind":"immich","baseUrl":sb.url("immich"),"apiKey":sb.key("immich"),
        "timeoutMs": 700, "retries": 0});
    let s = Session::from_json(&cfg.to_string()).unwrap();
    sb.faults(
        "immich",
        json!({"latencyMs": 2000, "match": "/api/api-keys"}),
    );
    let e = s.list(&KeyFilter::default()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Timeout, "{e}");
    assert!(e.message.contains("within 700 ms"), "{e}");
    sb.clear_faults("immich");
    assert!(
        !s.list(&KeyFilter::default()).unwrap().is_empty(),
        "usable after"
    );
}

#[test]
fn a_create_cut_off_mid_answer_is_reported_and_never_repeated() {
    let sb = Sandbox::start(&["--kind", "immich"]);
    let s = sb.session("immich");
    s.server_info().unwrap();
    let before = sb.key_count("immich");
    sb.clear_requests("immich");
    sb.faults(
        "immich",
        json!({"dropMidBody": 1, "method": "POST", "match": "/api/api-keys"}),
    );
    let e = s
        .create(&NewKey {
            name: unique("cut"),
            permissions: Some(vec!["all".into()]),
            ..NewKey::default()
        })
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Transport, "{e}");
    let posts = sb
        .requests("immich")
        .iter()
        .filter(|r| r["method"] == "POST")
        .count();
    assert_eq!(posts, 1, "sent once, never retried");
    assert!(
        sb.key_count("immich") <= before + 1,
        "at most the one key the server made"
    );
}

/// 16 threads x 500 operations on one session through the C ABI: no crash, every result
/// accounted for, the sandbox's final state as expected.
#[test]
fn sixteen_threads_by_five_hundred_operations_on_one_session() {
    let sb = Sandbox::start(&["--kind", "jim"]);
    let cfg = CString::new(sb.config("jim")).unwrap();
    let mut h = 0u64;
    assert_eq!(
        unsafe { apikeys_session_open(cfg.as_ptr(), &mut h, null_mut()) },
        apikeys_status::Ok
    );
    let before = sb.key_count("jim");
    let tag = unique("par");
    let kept: Vec<usize> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..16)
            .map(|t| {
                let tag = &tag;
                scope.spawn(move || {
                    let mut kept = 0usize;
                    let mut last_id: Option<CString> = None;
                    for i in 0..500 {
                        let (mut out, mut err) = (null_mut(), null_mut());
                        let st = match i % 5 {
                            // create (100 per thread), then get, list, update, delete the last.
                            0 => {
                                let body = CString::new(
                                    json!({"name": format!("{tag}-{t}-{i}")}).to_string(),
                                )
                                .unwrap();
                                let st = unsafe {
                                    apikeys_key_create(h, body.as_ptr(), &mut out, &mut err)
                                };
                                if st == apikeys_status::Ok {
                                    let v: serde_json::Value = serde_json::from_slice(
                                        unsafe { CStr::from_ptr(out) }.to_bytes(),
                                    )
                                    .unwrap();
                                    last_id = Some(
                                        CString::new(v["key"]["id"].as_str().unwrap()).unwrap(),
                                    );
                                    kept += 1;
                                }
                                st
                            }
                            1 => unsafe {
                                apikeys_key_get(
                                    h,
                                    last_id.as_ref().unwrap().as_ptr(),
                                    &mut out,
                                    &mut err,
                                )
                            },
                            2 => unsafe {
                                apikeys_key_list(h, std::ptr::null(), &mut out, &mut err)
                            },
                            3 => {
                                let body = CString::new(r#"{"description":"touched"}"#).unwrap();
                                unsafe {
                                    apikeys_key_update(
                                        h,
                                        last_id.as_ref().unwrap().as_ptr(),
                                        body.as_ptr(),
                                        &mut out,
                                        &mut err,
                                    )
                                }
                            }
                            _ => {
                                if i % 10 == 4 {
                                    kept -= 1;
                                    unsafe {
                                        apikeys_key_delete(
                                            h,
                                            last_id.as_ref().unwrap().as_ptr(),
                                            &mut err,
                                        )
                                    }
                                } else {
                                    unsafe { apikeys_whoami(h, &mut out, &mut err) }
                                }
                            }
                        };
                        let detail = if err.is_null() {
                            String::new()
                        } else {
                            unsafe { CStr::from_ptr(err) }
                                .to_string_lossy()
                                .into_owned()
                        };
                        assert_eq!(st, apikeys_status::Ok, "thread {t} op {i}: {detail}");
                        unsafe {
                            apikeys_string_free(out);
                            apikeys_string_free(err);
                        }
                    }
                    kept
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    let kept: usize = kept.iter().sum();
    assert_eq!(kept, 16 * 50, "100 creates and 50 deletes per thread");
    assert_eq!(sb.key_count("jim"), before + kept as u64);
    assert_eq!(apikeys_session_close(h), apikeys_status::Ok);
}
