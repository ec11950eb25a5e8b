//! The C ABI loaded by its C symbols (libloading), as a foreign caller sees it.

mod common;

use apikeys::{ErrorKind, KeyFilter};
use common::{repo_root, unique, Sandbox};
use libloading::{Library, Symbol};
use serde_json::{json, Value};
use std::ffi::{c_char, CStr, CString};
use std::ptr::{null, null_mut};

type Status = i32;
const OK: Status = 0;
const INVALID_ARGUMENT: Status = 1;
const NOT_FOUND: Status = 4;
const PROTOCOL: Status = 12;

/// The library and the functions the tests call.
struct Abi {
    lib: Library,
}

type OpenFn = unsafe extern "C" fn(*const c_char, *mut u64, *mut *mut c_char) -> Status;
type CloseFn = unsafe extern "C" fn(u64) -> Status;
type ListFn =
    unsafe extern "C" fn(u64, *const c_char, *mut *mut c_char, *mut *mut c_char) -> Status;
type IdOutFn =
    unsafe extern "C" fn(u64, *const c_char, *mut *mut c_char, *mut *mut c_char) -> Status;
type UpdateFn = unsafe extern "C" fn(
    u64,
    *const c_char,
    *const c_char,
    *mut *mut c_char,
    *mut *mut c_char,
) -> Status;
type DeleteFn = unsafe extern "C" fn(u64, *const c_char, *mut *mut c_char) -> Status;
type OutFn = unsafe extern "C" fn(u64, *mut *mut c_char, *mut *mut c_char) -> Status;
type FreeFn = unsafe extern "C" fn(*mut c_char);
type VersionFn = unsafe extern "C" fn() -> *const c_char;

/// The result of one call: status, output JSON, error JSON.
struct Call {
    status: Status,
    out: Option<Value>,
    err: Option<Value>,
}

impl Abi {
    fn load() -> Abi {
        let path = repo_root().join("target/release/libapikeys.so");
        assert!(path.exists(), "build first: {}", path.display());
        Abi {
            lib: unsafe { Library::new(path).expect("library loads") },
        }
    }

    fn sym<T>(&self, name: &str) -> Symbol<'_, T> {
        unsafe {
            self.lib
                .get(name.as_bytes())
                .unwrap_or_else(|e| panic!("{name}: {e}"))
        }
    }

    fn take(&self, p: *mut c_char) -> Option<Value> {
        if p.is_null() {
            return None;
        }
        let v = serde_json::from_slice(unsafe { CStr::from_ptr(p) }.to_bytes()).expect("JSON out");
        unsafe { self.sym::<FreeFn>("apikeys_string_free")(p) };
        Some(v)
    }

    fn open(&self, config: &str) -> (Status, u64, Option<Value>) {
        let c = CString::new(config).unwrap();
        let (mut h, mut err) = (0u64, null_mut());
        let st =
            unsafe { self.sym::<OpenFn>("apikeys_session_open")(c.as_ptr(), &mut h, &mut err) };
        (st, h, self.take(err))
    }

    fn close(&self, h: u64) -> Status {
        unsafe { self.sym::<CloseFn>("apikeys_session_close")(h) }
    }

    fn with_id(&self, func: &str, h: u64, id: &str) -> Call {
        let c = CString::new(id).unwrap();
        let (mut out, mut err) = (null_mut(), null_mut());
        let status = unsafe { self.sym::<IdOutFn>(func)(h, c.as_ptr(), &mut out, &mut err) };
        Call {
            status,
            out: self.take(out),
            err: self.take(err),
        }
    }

    /// `apikeys_key_list` with the raw output pointers (the callers read and free them).
    fn list_raw(&self, h: u64, filter: Option<&str>) -> (Status, *mut c_char, *mut c_char) {
        let c = filter.map(|f| CString::new(f).unwrap());
        let (mut out, mut err) = (null_mut(), null_mut());
        let status = unsafe {
            self.sym::<ListFn>("apikeys_key_list")(
                h,
                c.as_ref().map_or(null(), |c| c.as_ptr()),
                &mut out,
                &mut err,
            )
        };
        (status, out, err)
    }

    fn list(&self, h: u64, filter: Option<&str>) -> Call {
        let (status, out, err) = self.list_raw(h, filter);
        Call {
            status,
            out: self.take(out),
            err: self.take(err),
        }
    }

    /// `apikeys_key_list`'s output exactly as written (not parsed), and the error JSON.
    fn list_text(&self, h: u64, filter: Option<&str>) -> (Status, Option<String>, Option<Value>) {
        let (status, out, err) = self.list_raw(h, filter);
        let text = (!out.is_null()).then(|| {
            let text = unsafe { CStr::from_ptr(out) }.to_str().unwrap().to_owned();
            unsafe { self.sym::<FreeFn>("apikeys_string_free")(out) };
            text
        });
        (status, text, self.take(err))
    }

    fn update(&self, h: u64, id: &str, body: &str) -> Call {
        let (id, body) = (CString::new(id).unwrap(), CString::new(body).unwrap());
        let (mut out, mut err) = (null_mut(), null_mut());
        let status = unsafe {
            self.sym::<UpdateFn>("apikeys_key_update")(
                h,
                id.as_ptr(),
                body.as_ptr(),
                &mut out,
                &mut err,
            )
        };
        Call {
            status,
            out: self.take(out),
            err: self.take(err),
        }
    }

    fn delete(&self, h: u64, id: &str) -> Call {
        let id = CString::new(id).unwrap();
        let mut err = null_mut();
        let status =
            unsafe { self.sym::<DeleteFn>("apikeys_key_delete")(h, id.as_ptr(), &mut err) };
        Call {
            status,
            out: None,
            err: self.take(err),
        }
    }

    fn out_only(&self, func: &str, h: u64) -> Call {
        let (mut out, mut err) = (null_mut(), null_mut());
        let status = unsafe { self.sym::<OutFn>(func)(h, &mut out, &mut err) };
        Call {
            status,
            out: self.take(out),
            err: self.take(err),
        }
    }
}

#[test]
fn full_lifecycle_through_the_c_symbols() {
    let sb = Sandbox::start(&["--kind", "all"]);
    let abi = Abi::load();
    let version = unsafe { CStr::from_ptr(abi.sym::<VersionFn>("apikeys_version")()) };
    assert_eq!(version.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
    for (kind, new_key) in [
        (
            "immich",
            json!({"name": unique("abi"), "permissions": ["asset.read"]}),
        ),
        (
            "jim",
            json!({"name": unique("abi"), "roleIds": [3], "description": "from C"}),
        ),
    ] {
        let (st, h, err) = abi.open(&sb.config(kind));
        assert_eq!(st, OK, "{err:?}");
        let created = abi.with_id("apikeys_key_create", h, &new_key.to_string());
        assert_eq!(created.status, OK, "{:?}", created.err);
        let created = created.out.unwrap();
        assert!(!created["secret"].as_str().unwrap().is_empty());
        let id = created["key"]["id"].as_str().unwrap().to_owned();
        assert_eq!(created["key"]["kind"], kind);

        let got = abi.with_id("apikeys_key_get", h, &id);
        assert_eq!(
            (got.status, got.out.unwrap()["name"].clone()),
            (OK, new_key["name"].clone())
        );
        let listed = abi.list(h, Some(&json!({"name": new_key["name"]}).to_string()));
        assert_eq!(listed.out.unwrap().as_array().unwrap().len(), 1);
        let updated = abi.update(h, &id, r#"{"name":"renamed by C"}"#);
        assert_eq!(updated.out.unwrap()["name"], "renamed by C");
        let rotated = abi.with_id("apikeys_key_rotate", h, &id);
        assert_eq!(rotated.status, OK, "{:?}", rotated.err);
        let rotated = rotated.out.unwrap();
        assert_eq!(rotated["replacedId"], id.as_str());
        let new_id = rotated["key"]["id"].as_str().unwrap().to_owned();
        for f in ["apikeys_whoami", "apikeys_server_info", "apikeys_catalog"] {
            let c = abi.out_only(f, h);
            assert_eq!(c.status, OK, "{f}: {:?}", c.err);
            assert_eq!(c.out.unwrap()["kind"], kind);
        }
        assert_eq!(abi.delete(h, &new_id).status, OK);
        let gone = abi.with_id("apikeys_key_get", h, &new_id);
        assert_eq!(gone.status, NOT_FOUND);
        assert!(gone.out.is_none(), "no output on failure");
        assert_eq!(gone.err.unwrap()["kind"], "not_found");
        assert_eq!(abi.close(h), OK);
    }
}

#[test]
fn bad_arguments_are_answered_with_errors() {
    let sb = Sandbox::start(&["--kind", "jim"]);
    let abi = Abi::load();
    // NULL config, NULL out pointers.
    let mut err = null_mut();
    let st = unsafe { abi.sym::<OpenFn>("apikeys_session_open")(null(), &mut 0, &mut err) };
    assert_eq!(st, INVALID_ARGUMENT);
    assert_eq!(abi.take(err).unwrap()["message"], "config_json: is NULL");
    let cfg = CString::new(sb.config("jim")).unwrap();
    assert_eq!(
        unsafe { abi.sym::<OpenFn>("apikeys_session_open")(cfg.as_ptr(), null_mut(), null_mut()) },
        INVALID_ARGUMENT
    );

    // Invalid UTF-8 and bad JSON.
    let bad = [b'{', 0xff, 0xfe, b'}', 0];
    let mut err = null_mut();
    let st = unsafe {
        abi.sym::<OpenFn>("apikeys_session_open")(bad.as_ptr() as *const c_char, &mut 0, &mut err)
    };
    assert_eq!(st, INVALID_ARGUMENT);
    assert_eq!(
        abi.take(err).unwrap()["message"],
        "config_json: is not valid UTF-8"
    );
    let (st, _, err) = abi.open(r#"{"kind":"jim","baseUrl":"ftp://x","apiKey":"k"}"#);
    assert_eq!(
        (st, err.unwrap()["message"].as_str().unwrap()),
        (
            INVALID_ARGUMENT,
            "baseUrl: must start with http:// or https://"
        )
    );
    let (st, _, err) = abi.open(r#"{"kind":"jim","baseUrl":"http://x","apiKey":"k","colour":1}"#);
    assert_eq!(st, INVALID_ARGUMENT);
    assert!(err.unwrap()["message"]
        .as_str()
        .unwrap()
        .contains("unknown field `colour`"));

    // Unknown and closed handles.
    let c = abi.list(424242, None);
    assert_eq!(
        (c.status, c.err.unwrap()["message"].as_str().unwrap()),
        (
            INVALID_ARGUMENT,
            "session: handle 424242 is closed or unknown"
        )
    );
    let (st, h, _) = abi.open(&sb.config("jim"));
    assert_eq!(st, OK);
    assert_eq!(abi.list(h, None).status, OK);
    assert_eq!(abi.close(h), OK);
    assert_eq!(abi.list(h, None).status, INVALID_ARGUMENT);
    assert_eq!(
        abi.close(h),
        INVALID_ARGUMENT,
        "double close is an error, not a crash"
    );
    assert_eq!(abi.close(0), INVALID_ARGUMENT);

    // Bad filter and update JSON, and an over-long input.
    let (_, h, _) = abi.open(&sb.config("jim"));
    assert_eq!(abi.list(h, Some("[1,2")).status, INVALID_ARGUMENT);
    let c = abi.update(
        h,
        "11111111-1111-4111-8111-111111111111",
        r#"{"isEnabled":true}"#,
    );
    assert_eq!(c.status, INVALID_ARGUMENT);
    let huge = "x".repeat((16 << 20) + 10);
    let c = abi.with_id("apikeys_key_get", h, &huge);
    assert_eq!(
        (c.status, c.err.unwrap()["message"].as_str().unwrap()),
        (INVALID_ARGUMENT, "id: is larger than 16 MiB")
    );
    unsafe { abi.sym::<FreeFn>("apikeys_string_free")(null_mut()) };
    abi.close(h);
}

#[test]
fn one_session_serves_eight_threads_at_once() {
    let sb = Sandbox::start(&["--kind", "immich"]);
    let abi = Abi::load();
    let (st, h, _) = abi.open(&sb.config("immich"));
    assert_eq!(st, OK);
    let before = sb.key_count("immich");
    let tag = unique("mt");
    std::thread::scope(|scope| {
        for t in 0..8 {
            let (abi, tag) = (&abi, &tag);
            scope.spawn(move || {
                for i in 0..10 {
                    let body = json!({"name": format!("{tag}-{t}-{i}"), "permissions": ["all"]})
                        .to_string();
                    let c = abi.with_id("apikeys_key_create", h, &body);
                    assert_eq!(c.status, OK, "{:?}", c.err);
                    let id = c.out.unwrap()["key"]["id"].as_str().unwrap().to_owned();
                    assert_eq!(abi.with_id("apikeys_key_get", h, &id).status, OK);
                    if i % 2 == 0 {
                        assert_eq!(abi.delete(h, &id).status, OK);
                    }
                }
            });
        }
    });
    assert_eq!(
        sb.key_count("immich"),
        before + 40,
        "every result accounted for"
    );
    let listed = abi.list(h, Some(&json!({"name": format!("{tag}-*")}).to_string()));
    assert_eq!(listed.out.unwrap().as_array().unwrap().len(), 40);
    assert_eq!(abi.close(h), OK);
}

#[test]
fn truenas_lifecycle_through_the_c_symbols_on_every_flavour() {
    let abi = Abi::load();
    for flavour in ["13.3", "24.10", "25.04", "25.10", "26"] {
        let sb = Sandbox::start(&["--kind", "truenas", "--truenas-version", flavour]);
        let (st, h, err) = abi.open(&sb.config("truenas"));
        assert_eq!(st, OK, "{flavour}: {err:?}");
        let info = abi.out_only("apikeys_server_info", h);
        assert_eq!(info.out.unwrap()["generation"], flavour);
        let name = unique("abi_tn").replace('-', "_");
        let created = abi.with_id(
            "apikeys_key_create",
            h,
            &json!({ "name": name }).to_string(),
        );
        assert_eq!(created.status, OK, "{flavour}: {:?}", created.err);
        let created = created.out.unwrap();
        let id = created["key"]["id"].as_str().unwrap().to_owned();
        assert!(
            created["secret"]
                .as_str()
                .unwrap()
                .starts_with(&format!("{id}-")),
            "<id>-<64 alnum>"
        );
        let got = abi.with_id("apikeys_key_get", h, &id).out.unwrap();
        assert_eq!(
            (got["kind"].as_str(), got["name"].as_str()),
            (Some("truenas"), Some(name.as_str()))
        );
        if flavour == "24.10" {
            assert_eq!(
                got["allowlist"],
                json!([{"method": "*", "resource": "*"}]),
                "full access by default"
            );
        }
        if flavour >= "25" {
            assert!(
                got["username"].is_string() && got["revoked"] == json!(false),
                "{flavour}: {got}"
            );
        }
        let listed = abi
            .list(h, Some(&json!({ "name": name }).to_string()))
            .out
            .unwrap();
        assert_eq!(listed.as_array().unwrap().len(), 1, "{flavour}");
        let renamed = abi.update(h, &id, &json!({ "name": format!("{name}_2") }).to_string());
        assert_eq!(
            renamed.out.unwrap()["name"],
            format!("{name}_2"),
            "{flavour}"
        );
        let rotated = abi.with_id("apikeys_key_rotate", h, &id);
        assert_eq!(rotated.status, OK, "{flavour}: {:?}", rotated.err);
        let rotated = rotated.out.unwrap();
        assert_eq!(
            rotated["key"]["id"],
            id.as_str(),
            "{flavour}: reset keeps the id"
        );
        assert_ne!(rotated["secret"], created["secret"]);
        for f in ["apikeys_whoami", "apikeys_catalog"] {
            let c = abi.out_only(f, h);
            assert_eq!(c.status, OK, "{flavour} {f}: {:?}", c.err);
        }
        assert_eq!(abi.delete(h, &id).status, OK, "{flavour}");
        let gone = abi.with_id("apikeys_key_get", h, &id);
        assert_eq!(
            (gone.status, gone.out.is_none()),
            (NOT_FOUND, true),
            "{flavour}: {:?}",
            gone.err
        );
        assert_eq!(abi.close(h), OK);
    }
}

/// The elements of a compact JSON array of ApiKeys, as text. Every ApiKey starts with its
/// `kind`, and a `{"kind":` inside a string would be escaped, so the split is exact.
fn elements(text: &str) -> Vec<&str> {
    let inner = text
        .strip_prefix('[')
        .and_then(|t| t.strip_suffix(']'))
        .expect("a JSON array");
    if inner.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut rest = inner;
    while let Some(i) = rest[1..].find(",{\"kind\":") {
        out.push(&rest[..=i]);
        rest = &rest[i + 2..];
    }
    out.push(rest);
    out
}

/// `apikeys_key_list` writes its array key by key as the answer is parsed. Its output must be,
/// byte for byte, what serialising the core's `Vec<ApiKey>` gives (what the ABI wrote when it
/// collected the list first), for a list of thousands of keys, with and without filters.
#[test]
fn a_big_list_is_written_byte_for_byte_as_the_core_lists_it() {
    let seeded = 3000;
    let sb = Sandbox::start(&["--kind", "all", "--seed-keys", &seeded.to_string()]);
    let abi = Abi::load();
    for kind in ["immich", "jim"] {
        let (st, h, err) = abi.open(&sb.config(kind));
        assert_eq!(st, OK, "{err:?}");
        let core = sb.session(kind);
        let own_id = sb.info[kind]["apiKeyId"].as_str().unwrap().to_owned();
        for (filter, want) in [
            (None, None),
            // Case-insensitive wildcard: seed-000100 to seed-000199.
            (Some(r#"{"name":"SEED-0001*"}"#), Some(100)),
            // No wildcard: the last seeded key alone.
            (Some(r#"{"name":"seed-003000"}"#), Some(1)),
            (Some(r#"{"name":"no such key*"}"#), Some(0)),
        ] {
            let (status, text, err) = abi.list_text(h, filter);
            assert_eq!(status, OK, "{kind} {filter:?}: {err:?}");
            let text = text.expect("output on success");
            let key_filter: KeyFilter =
                filter.map_or_else(KeyFilter::default, |f| serde_json::from_str(f).unwrap());
            let expected = serde_json::to_string(&core.list(&key_filter).unwrap()).unwrap();
            let (got, exp) = (elements(&text), elements(&expected));
            match want {
                Some(n) => assert_eq!(got.len(), n, "{kind} {filter:?}"),
                None => assert!(got.len() > seeded, "{kind}: {} keys", got.len()),
            }
            assert_eq!(got.len(), exp.len(), "{kind} {filter:?}");
            if filter.is_some() {
                assert_eq!(text, expected, "{kind} {filter:?}");
                continue;
            }
            // Unfiltered, the list holds the session's own key, whose last use (JIM) moves
            // with every request: that element alone is compared without it.
            for (g, e) in got.iter().zip(&exp) {
                if g.contains(&own_id) {
                    let strip = |t: &str| {
                        let mut v: Value = serde_json::from_str(t).unwrap();
                        let o = v.as_object_mut().unwrap();
                        o.remove("lastUsedAt");
                        o.remove("lastUsedFrom");
                        v
                    };
                    assert_eq!(strip(g), strip(e), "{kind}: own key");
                } else {
                    assert_eq!(g, e, "{kind}");
                }
            }
            assert!(text.starts_with("[{\"kind\":") && text.ends_with("}]"));
        }
        assert_eq!(abi.close(h), OK);
    }
}

/// A list answer cut in half (200, JSON broken after many whole keys) is a protocol error from
/// the streamed parse, as it was from the whole-body parse: no output, and the keys already
/// parsed are not handed over.
#[test]
fn a_broken_big_list_is_a_protocol_error() {
    let sb = Sandbox::start(&["--kind", "all", "--seed-keys", "2000"]);
    let abi = Abi::load();
    for (kind, path) in [("immich", "/api/api-keys"), ("jim", "/api/v1/apikeys")] {
        let (st, h, err) = abi.open(&sb.config(kind));
        assert_eq!(st, OK, "{err:?}");
        let core = sb.session(kind);
        sb.faults(kind, json!({"malformedJson": 2, "match": path}));
        let (status, text, err) = abi.list_text(h, None);
        assert_eq!(status, PROTOCOL, "{kind}: {err:?}");
        assert!(text.is_none(), "{kind}: no output on failure");
        let err = err.expect("error JSON");
        assert_eq!(err["kind"], "protocol", "{kind}: {err}");
        assert_eq!(err["httpStatus"], 200, "{kind}: {err}");
        // The cut falls where half the body ends; JIM's own key (its last use) shifts it.
        let broken =
            "list keys: the server's answer is not valid JSON (HTTP 200): EOF while parsing";
        let message = err["message"].as_str().unwrap();
        assert!(message.starts_with(broken), "{kind}: {message}");
        let e = core.list(&KeyFilter::default()).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Protocol, "{kind}: {e}");
        assert!(e.message.starts_with(broken), "{kind}: {e}");
        let mut seen = 0;
        sb.clear_faults(kind);
        core.list_each(&KeyFilter::default(), &mut |_| {
            seen += 1;
            Ok(())
        })
        .unwrap();
        assert!(seen > 2000, "{kind}: the session still lists ({seen} keys)");
        assert_eq!(abi.close(h), OK);
    }
}
