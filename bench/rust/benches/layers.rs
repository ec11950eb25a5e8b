//! Criterion benchmarks of the Rust layers against a sandbox it starts itself:
//! `cargo bench --manifest-path bench/rust/Cargo.toml --target-dir target` (after tools/build).
//! Per call, getting one key by id: the raw keep-alive floor, `Session::get`, and the C ABI
//! (`apikeys_key_get` + `apikeys_string_free` through dlopen); then listing 10,000 keys.
//! tools/bench measures the same layers as per-call medians and p99s side by side with
//! PowerShell; criterion adds its confidence intervals and change detection between runs.

#[path = "../src/abi.rs"]
#[allow(dead_code)]
mod abi;
#[path = "../src/raw.rs"]
#[allow(dead_code)]
mod raw;

use apikeys::{KeyFilter, Session};
use criterion::{criterion_group, criterion_main, Criterion};
use serde_json::{json, Value};
use std::ffi::CString;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");

struct Sandbox {
    child: Child,
    line: Value,
}

impl Sandbox {
    fn start(seed_keys: u32) -> Sandbox {
        let dll = format!("{ROOT}/sandbox/bin/Release/net10.0/Sandbox.dll");
        let mut child = Command::new("dotnet")
            .args([
                &dll,
                "--port",
                "0",
                "--kind",
                "all",
                "--seed-keys",
                &seed_keys.to_string(),
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the sandbox (run tools/build first)");
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .expect("start-up line");
        Sandbox {
            line: serde_json::from_str(&first).expect("start-up JSON"),
            child,
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        drop(self.child.stdin.take()); // the sandbox stops when its stdin closes
        let _ = self.child.wait();
    }
}

fn layers(c: &mut Criterion) {
    let sb = Sandbox::start(10_000);
    let abi = abi::Abi::load(&format!("{ROOT}/target/release/libapikeys.so"));
    for (kind, id_field, keys_path, header) in [
        ("immich", "fixedKeyId", "/api/api-keys", "x-api-key"),
        ("jim", "apiKeyId", "/api/v1/apikeys", "X-API-Key"),
    ] {
        let t = &sb.line[kind];
        let (base, key, id) = (
            t["baseUrl"].as_str().unwrap(),
            t["apiKey"].as_str().unwrap(),
            t[id_field].as_str().unwrap(),
        );
        let config = json!({ "kind": kind, "baseUrl": base, "apiKey": key }).to_string();
        let mut g = c.benchmark_group(format!("get_one_key/{kind}"));
        let mut r = raw::Raw::connect(base).unwrap();
        let req = r.request(
            "GET",
            &format!("{keys_path}/{id}"),
            &[(header, key), ("Accept", "application/json")],
            None,
        );
        g.bench_function("floor", |b| b.iter(|| r.call(&req).unwrap().body.len()));
        let session = Session::from_json(&config).unwrap();
        g.bench_function("core", |b| b.iter(|| session.get(id).unwrap()));
        let handle = abi.open(&config);
        let cid = CString::new(id).unwrap();
        g.bench_function("abi", |b| b.iter(|| abi.get(handle, &cid)));
        g.finish();

        let mut g = c.benchmark_group(format!("list_10000_keys/{kind}"));
        g.sample_size(20);
        let list = r.request(
            "GET",
            keys_path,
            &[(header, key), ("Accept", "application/json")],
            None,
        );
        g.bench_function("floor", |b| b.iter(|| r.call(&list).unwrap().body.len()));
        g.bench_function("core", |b| {
            b.iter(|| session.list(&KeyFilter::default()).unwrap().len())
        });
        g.bench_function("abi", |b| b.iter(|| abi.list(handle, None)));
        g.finish();
        abi.close(handle);
    }
}

criterion_group!(benches, layers);
criterion_main!(benches);
