//! Generates `include/apikeys.h` from the doc comments of `src/ffi` with cbindgen.
//!
//! The header is committed; `tests/header.rs` renders it again and fails when the committed
//! copy is stale, so a change to the ABI cannot land without its header.

use std::path::PathBuf;

fn main() {
    let crate_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets this"));
    println!("cargo:rerun-if-changed=src/ffi");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    let config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml"))
        .expect("cbindgen.toml is valid");
    match cbindgen::Builder::new()
        .with_crate(&crate_dir)
        .with_config(config)
        .generate()
    {
        Ok(bindings) => {
            bindings.write_to_file(crate_dir.join("include/apikeys.h"));
        }
        // A half-edited source must not break `cargo check`; the header test catches staleness.
        Err(e) => println!("cargo:warning=cbindgen could not render the header: {e}"),
    }
}
