//! The C ABI as a C program sees it: `libapikeys.so` loaded with dlopen (the same file the
//! PowerShell module loads), NUL-terminated inputs, output JSON read and freed with
//! `apikeys_string_free`.

use libloading::{Library, Symbol};
use std::ffi::{c_char, CStr, CString};

type OpenFn = unsafe extern "C" fn(*const c_char, *mut u64, *mut *mut c_char) -> i32;
type CloseFn = unsafe extern "C" fn(u64) -> i32;
type IdOutFn = unsafe extern "C" fn(u64, *const c_char, *mut *mut c_char, *mut *mut c_char) -> i32;
type DeleteFn = unsafe extern "C" fn(u64, *const c_char, *mut *mut c_char) -> i32;
type FreeFn = unsafe extern "C" fn(*mut c_char);

pub struct Abi {
    _lib: Library,
    open: OpenFn,
    close: CloseFn,
    get: IdOutFn,
    list: IdOutFn,
    create: IdOutFn,
    delete: DeleteFn,
    free: FreeFn,
}

unsafe fn sym<T: Copy>(lib: &Library, name: &[u8]) -> T {
    let s: Symbol<T> = lib
        .get(name)
        .unwrap_or_else(|e| panic!("{}: {e}", String::from_utf8_lossy(name)));
    *s
}

impl Abi {
    pub fn load(path: &str) -> Abi {
        unsafe {
            let lib = Library::new(path).unwrap_or_else(|e| panic!("cannot load {path}: {e}"));
            Abi {
                open: sym(&lib, b"apikeys_session_open\0"),
                close: sym(&lib, b"apikeys_session_close\0"),
                get: sym(&lib, b"apikeys_key_get\0"),
                list: sym(&lib, b"apikeys_key_list\0"),
                create: sym(&lib, b"apikeys_key_create\0"),
                delete: sym(&lib, b"apikeys_key_delete\0"),
                free: sym(&lib, b"apikeys_string_free\0"),
                _lib: lib,
            }
        }
    }

    fn check(&self, status: i32, err: *mut c_char, what: &str) {
        if status != 0 {
            let text = if err.is_null() {
                String::new()
            } else {
                let t = unsafe { CStr::from_ptr(err) }
                    .to_string_lossy()
                    .into_owned();
                unsafe { (self.free)(err) };
                t
            };
            panic!("{what}: status {status} {text}");
        }
    }

    pub fn open(&self, config_json: &str) -> u64 {
        let c = CString::new(config_json).unwrap();
        let mut handle = 0u64;
        let mut err = std::ptr::null_mut();
        let status = unsafe { (self.open)(c.as_ptr(), &mut handle, &mut err) };
        self.check(status, err, "apikeys_session_open");
        handle
    }

    pub fn close(&self, handle: u64) {
        unsafe { (self.close)(handle) };
    }

    /// Calls an `(session, input, out_json, out_error)` function; hands the output JSON (as
    /// UTF-8 text) to `use_json`, then frees it.
    fn call_out<R>(
        &self,
        f: IdOutFn,
        handle: u64,
        input: *const c_char,
        what: &str,
        use_json: impl FnOnce(&str) -> R,
    ) -> R {
        let mut out = std::ptr::null_mut();
        let mut err = std::ptr::null_mut();
        let status = unsafe { f(handle, input, &mut out, &mut err) };
        self.check(status, err, what);
        let text = unsafe { CStr::from_ptr(out) }
            .to_str()
            .expect("output is UTF-8");
        let r = use_json(text);
        unsafe { (self.free)(out) };
        r
    }

    /// `apikeys_key_get` + `apikeys_string_free`; returns the JSON length.
    pub fn get(&self, handle: u64, id: &CStr) -> usize {
        self.call_out(self.get, handle, id.as_ptr(), "apikeys_key_get", str::len)
    }

    /// `apikeys_key_list` with a KeyFilter (or NULL); returns the JSON length.
    pub fn list(&self, handle: u64, filter: Option<&CStr>) -> usize {
        let p = filter.map_or(std::ptr::null(), CStr::as_ptr);
        self.call_out(self.list, handle, p, "apikeys_key_list", str::len)
    }

    /// `apikeys_key_list`, keeping the output JSON alive (for the memory test): returns it
    /// with a closure that frees it.
    pub fn list_keep(&self, handle: u64) -> (*mut c_char, usize) {
        let mut out = std::ptr::null_mut();
        let mut err = std::ptr::null_mut();
        let status = unsafe { (self.list)(handle, std::ptr::null(), &mut out, &mut err) };
        self.check(status, err, "apikeys_key_list");
        let len = unsafe { CStr::from_ptr(out) }.to_bytes().len();
        (out, len)
    }

    pub fn free(&self, s: *mut c_char) {
        unsafe { (self.free)(s) }
    }

    /// `apikeys_key_create`; returns the new key's id (parsed out of the CreatedKey JSON).
    pub fn create(&self, handle: u64, new_key_json: &CStr) -> String {
        self.call_out(
            self.create,
            handle,
            new_key_json.as_ptr(),
            "apikeys_key_create",
            |json| {
                let v: serde_json::Value = serde_json::from_str(json).expect("CreatedKey JSON");
                v["key"]["id"].as_str().expect("key.id").to_owned()
            },
        )
    }

    pub fn delete(&self, handle: u64, id: &CStr) {
        let mut err = std::ptr::null_mut();
        let status = unsafe { (self.delete)(handle, id.as_ptr(), &mut err) };
        self.check(status, err, "apikeys_key_delete");
    }
}
