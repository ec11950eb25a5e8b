//! Links the libFuzzer runtime (its `main` drives `LLVMFuzzerTestOneInput`) from the Debian
//! package `libfuzzer-NN-dev`. tools/fuzz sets `APIKEYS_LIBFUZZER` to the archive it picked.

use std::path::Path;

fn main() {
    println!("cargo:rerun-if-env-changed=APIKEYS_LIBFUZZER");
    let archive = std::env::var("APIKEYS_LIBFUZZER")
        .expect("APIKEYS_LIBFUZZER must name libFuzzer.a (run tools/fuzz)");
    let archive = Path::new(&archive);
    let dir = archive.parent().expect("APIKEYS_LIBFUZZER is a file path");
    println!("cargo:rerun-if-changed={}", archive.display());
    println!("cargo:rustc-link-search=native={}", dir.display());
    println!("cargo:rustc-link-lib=static=Fuzzer");
    println!("cargo:rustc-link-lib=dylib=stdc++");
}
