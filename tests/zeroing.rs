//! Strings returned through the C ABI are zeroed when freed: a spy allocator looks at the
//! block `apikeys_string_free` releases, at the moment it is released.

mod common;

use apikeys::ffi::*;
use std::alloc::{GlobalAlloc, Layout, System};
use std::ffi::{c_char, CStr, CString};
use std::ptr::null_mut;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

struct Spy;

/// The block to inspect when it is freed, and what was found in it.
static WATCHED: AtomicUsize = AtomicUsize::new(0);
static SEEN: AtomicBool = AtomicBool::new(false);
static ALL_ZERO: AtomicBool = AtomicBool::new(false);

unsafe impl GlobalAlloc for Spy {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if ptr as usize == WATCHED.load(Ordering::SeqCst) {
            let bytes = std::slice::from_raw_parts(ptr, layout.size());
            ALL_ZERO.store(bytes.iter().all(|b| *b == 0), Ordering::SeqCst);
            SEEN.store(true, Ordering::SeqCst);
        }
        System.dealloc(ptr, layout)
    }
}

#[global_allocator]
static GLOBAL: Spy = Spy;

/// Frees `s` through the ABI and says whether its block was all zeros when released.
fn freed_as_zeros(s: *mut c_char) -> bool {
    SEEN.store(false, Ordering::SeqCst);
    WATCHED.store(s as usize, Ordering::SeqCst);
    unsafe { apikeys_string_free(s) };
    WATCHED.store(0, Ordering::SeqCst);
    assert!(
        SEEN.load(Ordering::SeqCst),
        "the string's block was released"
    );
    ALL_ZERO.load(Ordering::SeqCst)
}

#[test]
fn error_and_result_strings_are_zeroed_on_free() {
    // An error string (no server needed).
    let cfg = CString::new(r#"{"kind":"jim","baseUrl":"http://127.0.0.1:9","apiKey":"jim_ak_x"}"#)
        .unwrap();
    let mut h = 0;
    assert_eq!(
        unsafe { apikeys_session_open(cfg.as_ptr(), &mut h, null_mut()) },
        apikeys_status::Ok
    );
    let id = CString::new("CANARY-".repeat(20)).unwrap();
    let mut err = null_mut();
    assert_eq!(
        unsafe { apikeys_key_delete(h, id.as_ptr(), &mut err) },
        apikeys_status::InvalidArgument
    );
    assert!(unsafe { CStr::from_ptr(err) }
        .to_str()
        .unwrap()
        .contains("CANARY-"));
    assert!(freed_as_zeros(err));
    apikeys_session_close(h);

    // A created key's answer, which holds the secret.
    let sb = common::Sandbox::start(&["--kind", "immich"]);
    let cfg = CString::new(sb.config("immich")).unwrap();
    assert_eq!(
        unsafe { apikeys_session_open(cfg.as_ptr(), &mut h, null_mut()) },
        apikeys_status::Ok
    );
    let body = CString::new(r#"{"name":"zeroing","permissions":["all"]}"#).unwrap();
    let (mut out, mut err) = (null_mut(), null_mut());
    assert_eq!(
        unsafe { apikeys_key_create(h, body.as_ptr(), &mut out, &mut err) },
        apikeys_status::Ok
    );
    assert!(unsafe { CStr::from_ptr(out) }
        .to_str()
        .unwrap()
        .contains("\"secret\":\""));
    assert!(
        freed_as_zeros(out),
        "the secret's string was zeroed before release"
    );
    apikeys_session_close(h);
}
