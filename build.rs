//! Renders the C header from the doc comments of `src/ffi` with cbindgen into `OUT_DIR`.
//!
//! The committed copy is `include/apikeys.h`. A unit test (`ffi::tests::header_is_current`)
//! compares the two, so an ABI change cannot land with a stale header. To refresh the
//! committed copy: `tools/header` (sets `APIKEYS_WRITE_HEADER=1`).

use std::path::PathBuf;

fn main() {
    let crate_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets this"));
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets this"));
    println!("cargo:rerun-if-changed=src/ffi");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-env-changed=APIKEYS_WRITE_HEADER");
    let config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml"))
        .expect("cbindgen.toml is valid");
    let bindings = cbindgen::Builder::new()
        .with_crate(&crate_dir)
        .with_config(config)
        .generate()
        .expect("cbindgen renders the header");
    bindings.write_to_file(out_dir.join("apikeys.h"));
    if std::env::var_os("APIKEYS_WRITE_HEADER").is_some() {
        bindings.write_to_file(crate_dir.join("include/apikeys.h"));
    }
}
