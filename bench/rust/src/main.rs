//! apikeys-bench: the Rust side of tools/bench (bench/README.md). Every subcommand reads the
//! sandbox's start-up line from a file, measures, and prints one JSON document on stdout.
//!
//!   apikeys-bench percall  --sandbox F --lib L [--warmup 500] [--calls 5000] [--rounds 10]
//!   apikeys-bench capacity --sandbox F [--seconds 1.5]
//!   apikeys-bench bulk     --sandbox F --lib L [--runs 5] [--filter seed-0001*] [--count 1000]
//!   apikeys-bench memory   --sandbox F --lib L --layer floor|value|core|abi --kind immich|jim
//!   apikeys-bench profile  --sandbox F --lib L --layer floor|core|abi --kind K --op get|list|open --calls N
//!                          (one layer alone, for callgrind: bench/profile.sh)
//!
//! Layers: floor (raw keep-alive HTTP, raw.rs), core (`apikeys::Session`), abi (the C ABI of
//! libapikeys.so through dlopen, abi.rs).

mod abi;
mod raw;
mod stats;

use apikeys::{KeyFilter, NewKey, Session};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::ffi::CString;
use std::time::{Duration, Instant};

struct Args(HashMap<String, String>);

impl Args {
    fn parse() -> (String, Args) {
        let mut it = std::env::args().skip(1);
        let cmd = it.next().unwrap_or_default();
        let mut map = HashMap::new();
        while let Some(k) = it.next() {
            let v = it.next().unwrap_or_default();
            map.insert(k.trim_start_matches("--").to_owned(), v);
        }
        (cmd, Args(map))
    }
    fn get(&self, k: &str, default: &str) -> String {
        self.0.get(k).cloned().unwrap_or_else(|| default.to_owned())
    }
    fn num<T: std::str::FromStr>(&self, k: &str, default: T) -> T {
        self.0
            .get(k)
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    }
    fn required(&self, k: &str) -> String {
        self.0
            .get(k)
            .cloned()
            .unwrap_or_else(|| panic!("--{k} is required"))
    }
}

/// One server kind of the sandbox: where it is, its key, one key id to get, its routes.
#[derive(Clone)]
struct Target {
    kind: &'static str,
    base_url: String,
    api_key: String,
    key_id: String,
    keys_path: &'static str,
    auth_header: &'static str,
}

impl Target {
    fn config_json(&self) -> String {
        json!({ "kind": self.kind, "baseUrl": self.base_url, "apiKey": self.api_key }).to_string()
    }
    fn get_path(&self) -> String {
        format!("{}/{}", self.keys_path, self.key_id)
    }
    fn new_key(&self, name: &str) -> NewKey {
        NewKey {
            name: name.to_owned(),
            ..NewKey::default()
        }
    }
    fn new_key_json(&self, name: &str) -> String {
        if self.kind == "immich" {
            json!({ "name": name, "permissions": ["all"] }).to_string()
        } else {
            json!({ "name": name, "roleIds": [] }).to_string()
        }
    }
    fn raw(&self) -> raw::Raw {
        raw::Raw::connect(&self.base_url).expect("connect to the sandbox")
    }
    /// The request a client sends for "get one key": method, path, the key header, Accept.
    fn raw_get(&self, r: &raw::Raw, path: &str) -> Vec<u8> {
        r.request(
            "GET",
            path,
            &[
                (self.auth_header, &self.api_key),
                ("Accept", "application/json"),
                ("User-Agent", "apikeys-bench/0.1.0"),
            ],
            None,
        )
    }
}

fn targets(args: &Args) -> Vec<Target> {
    let text = std::fs::read_to_string(args.required("sandbox")).expect("read the sandbox line");
    let line: Value =
        serde_json::from_str(text.lines().next().unwrap_or("")).expect("sandbox line JSON");
    let s = |v: &Value, k: &str| {
        v[k].as_str()
            .unwrap_or_else(|| panic!("sandbox line: no {k}"))
            .to_owned()
    };
    let only = args.get("kinds", "immich,jim");
    let mut out = Vec::new();
    if only.contains("immich") {
        if let Some(v) = line.get("immich") {
            out.push(Target {
                kind: "immich",
                base_url: s(v, "baseUrl"),
                api_key: s(v, "apiKey"),
                key_id: s(v, "fixedKeyId"),
                keys_path: "/api/api-keys",
                auth_header: "x-api-key",
            });
        }
    }
    if only.contains("jim") {
        if let Some(v) = line.get("jim") {
            out.push(Target {
                kind: "jim",
                base_url: s(v, "baseUrl"),
                api_key: s(v, "apiKey"),
                key_id: s(v, "apiKeyId"),
                keys_path: "/api/v1/apikeys",
                auth_header: "X-API-Key",
            });
        }
    }
    out
}

fn lib_path(args: &Args) -> String {
    args.get("lib", "target/release/libapikeys.so")
}

fn elapsed_ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

// ---------------------------------------------------------------------------------------------
// percall: floor, core, abi; interleaved in rounds so drift (server GC, CPU frequency) hits
// every layer alike.

type Call<'a> = Box<dyn FnMut() + 'a>;

fn percall(args: &Args) -> Value {
    let warmup: usize = args.num("warmup", 500);
    let calls: usize = args.num("calls", 5000);
    let rounds: usize = args.num("rounds", 10).max(1);
    let abi = abi::Abi::load(&lib_path(args));
    let ts = targets(args);
    let mut layers: Vec<(String, String, Call)> = Vec::new();
    let mut handles = Vec::new();
    for t in &ts {
        // floor
        let mut r = t.raw();
        let req = t.raw_get(&r, &t.get_path());
        layers.push((
            t.kind.to_owned(),
            "floor".to_owned(),
            Box::new(move || {
                let a = r.call(&req).expect("floor call");
                assert_eq!(a.status, 200);
                std::hint::black_box(a.body.len());
            }),
        ));
        // core
        let session = Session::from_json(&t.config_json()).expect("open a core session");
        let id = t.key_id.clone();
        layers.push((
            t.kind.to_owned(),
            "core".to_owned(),
            Box::new(move || {
                let k = session.get(&id).expect("Session::get");
                std::hint::black_box(&k);
            }),
        ));
        // abi
        let handle = abi.open(&t.config_json());
        handles.push(handle);
        let cid = CString::new(t.key_id.clone()).unwrap();
        let abi_ref = &abi;
        layers.push((
            t.kind.to_owned(),
            "abi".to_owned(),
            Box::new(move || {
                std::hint::black_box(abi_ref.get(handle, &cid));
            }),
        ));
    }
    // Experiments (not layers of ApiKeys): the same GET with reqwest's blocking client (as
    // src/http.rs uses it) and with its async client on a current-thread runtime driven by
    // the caller's thread (no handoff), both reading the body and nothing more.
    if args.get("experiments", "1") == "1" {
        for t in &ts {
            let url = format!("{}{}", t.base_url, t.get_path());
            let blocking = reqwest::blocking::Client::builder().no_proxy().build().unwrap();
            let (u, k, h) = (url.clone(), t.api_key.clone(), t.auth_header);
            layers.push((
                t.kind.to_owned(),
                "x_reqwest_blocking".to_owned(),
                Box::new(move || {
                    let r = blocking.get(&u).header(h, &k).header("Accept", "application/json").send().unwrap();
                    std::hint::black_box(r.bytes().unwrap().len());
                }),
            ));
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            let client = rt.block_on(async { reqwest::Client::builder().no_proxy().build().unwrap() });
            let (u, k, h) = (url.clone(), t.api_key.clone(), t.auth_header);
            layers.push((
                t.kind.to_owned(),
                "x_reqwest_async_caller_thread".to_owned(),
                Box::new(move || {
                    let n = rt.block_on(async {
                        let r = client.get(&u).header(h, &k).header("Accept", "application/json").send().await.unwrap();
                        r.bytes().await.unwrap().len()
                    });
                    std::hint::black_box(n);
                }),
            ));
        }
    }
    for (_, _, call) in layers.iter_mut() {
        for _ in 0..warmup {
            call();
        }
    }
    let per_round = calls.div_ceil(rounds);
    let mut samples: Vec<Vec<u64>> = vec![Vec::with_capacity(per_round * rounds); layers.len()];
    for _ in 0..rounds {
        for (i, (_, _, call)) in layers.iter_mut().enumerate() {
            for _ in 0..per_round {
                let t0 = Instant::now();
                call();
                samples[i].push(t0.elapsed().as_nanos() as u64);
            }
        }
    }
    let mut out = serde_json::Map::new();
    // What reqwest::blocking adds to every call besides instructions: the request goes to its
    // runtime thread and the answer comes back (two thread wake-ups). Measured here as the
    // round trip of a message between two threads over std channels.
    let handoff = {
        let (to_tx, to_rx) = std::sync::mpsc::channel::<u64>();
        let (back_tx, back_rx) = std::sync::mpsc::channel::<u64>();
        let worker = std::thread::spawn(move || {
            while let Ok(v) = to_rx.recv() {
                if back_tx.send(v).is_err() {
                    break;
                }
            }
        });
        let mut s = Vec::with_capacity(calls);
        for i in 0..(warmup + calls) as u64 {
            let t0 = Instant::now();
            to_tx.send(i).unwrap();
            back_rx.recv().unwrap();
            if i >= warmup as u64 {
                s.push(t0.elapsed().as_nanos() as u64);
            }
        }
        drop(to_tx);
        worker.join().unwrap();
        stats::summary(&mut s)
    };
    for (i, (kind, layer, _)) in layers.iter().enumerate() {
        let entry = out.entry(kind.clone()).or_insert_with(|| json!({}));
        entry[layer.as_str()] = stats::summary(&mut samples[i]);
    }
    drop(layers);
    for h in handles {
        abi.close(h);
    }
    json!({ "warmup": warmup, "calls": per_round * rounds, "rounds": rounds, "layers": out, "thread_handoff_round_trip": handoff })
}

// ---------------------------------------------------------------------------------------------
// capacity: how many "get one key" requests per second the sandbox serves, closed loop, with
// several kept-alive connections and HTTP/1.1 pipelining (which takes most client work off
// the two cores the server shares with us).

fn capacity(args: &Args) -> Value {
    let seconds: f64 = args.num("seconds", 1.5);
    let mut out = serde_json::Map::new();
    for t in targets(args) {
        let mut runs = Vec::new();
        let mut best = 0.0f64;
        for &(conns, depth) in &[(1usize, 1usize), (2, 1), (8, 1), (2, 16), (8, 16)] {
            let deadline = Instant::now() + Duration::from_secs_f64(seconds);
            let started = Instant::now();
            let total: usize = std::thread::scope(|s| {
                let workers: Vec<_> = (0..conns)
                    .map(|_| {
                        let t = t.clone();
                        s.spawn(move || {
                            let mut r = t.raw();
                            let one = t.raw_get(&r, &t.get_path());
                            let batch: Vec<u8> = one
                                .iter()
                                .copied()
                                .cycle()
                                .take(one.len() * depth)
                                .collect();
                            let mut n = 0usize;
                            while Instant::now() < deadline {
                                r.send(&batch).expect("send");
                                for _ in 0..depth {
                                    let a = r.recv().expect("recv");
                                    assert_eq!(a.status, 200);
                                }
                                n += depth;
                            }
                            n
                        })
                    })
                    .collect();
                workers.into_iter().map(|w| w.join().unwrap()).sum()
            });
            let rps = total as f64 / started.elapsed().as_secs_f64();
            best = best.max(rps);
            runs.push(
                json!({ "connections": conns, "pipeline": depth, "requests_per_s": rps.round() }),
            );
        }
        out.insert(
            t.kind.to_owned(),
            json!({ "best_requests_per_s": best.round(), "server_us_per_request_at_best": (1e6 / best * 100.0).round() / 100.0, "runs": runs }),
        );
    }
    Value::Object(out)
}

// ---------------------------------------------------------------------------------------------
// bulk: the Rust-level reference for the PowerShell bulk work.

fn bulk(args: &Args) -> Value {
    let runs: usize = args.num("runs", 5);
    let count: usize = args.num("count", 1000);
    let pattern = args.get("filter", "seed-0001*");
    let threads: usize = args.num("threads", 8);
    let abi = abi::Abi::load(&lib_path(args));
    let mut out = serde_json::Map::new();
    for t in targets(args) {
        let session = Session::from_json(&t.config_json()).expect("open a core session");
        let handle = abi.open(&t.config_json());
        let filter = KeyFilter {
            name: Some(pattern.clone()),
            ..KeyFilter::default()
        };
        let filter_json = CString::new(json!({ "name": pattern }).to_string()).unwrap();

        // list + wildcard filter
        let mut r = t.raw();
        let list_req = t.raw_get(&r, t.keys_path);
        let mut floor_runs = Vec::new();
        let mut core_runs = Vec::new();
        let mut abi_runs = Vec::new();
        let mut json_bytes = 0usize;
        let mut listed = 0usize;
        let mut matched = 0usize;
        for i in 0..=runs {
            // run 0 is the warm-up
            let t0 = Instant::now();
            let a = r.call(&list_req).expect("floor list");
            json_bytes = a.body.len();
            let ms = elapsed_ms(t0);
            if i > 0 {
                floor_runs.push(ms);
            }
            let t0 = Instant::now();
            let keys = session.list(&filter).expect("Session::list");
            let ms = elapsed_ms(t0);
            matched = keys.len();
            if i > 0 {
                core_runs.push(ms);
            }
            let t0 = Instant::now();
            abi.list(handle, Some(&filter_json));
            let ms = elapsed_ms(t0);
            if i > 0 {
                abi_runs.push(ms);
            }
        }
        if let Ok(all) = session.list(&KeyFilter::default()) {
            listed = all.len();
        }

        // create then delete `count` keys, one thread
        let prefix = format!("bench-rs-{}-", std::process::id());
        let t0 = Instant::now();
        let ids: Vec<String> = (0..count)
            .map(|i| {
                session
                    .create(&t.new_key(&format!("{prefix}s{i}")))
                    .expect("create")
                    .key
                    .id
            })
            .collect();
        let create_ms = elapsed_ms(t0);
        let t0 = Instant::now();
        for id in &ids {
            session.delete(id, None).expect("delete");
        }
        let delete_ms = elapsed_ms(t0);

        // the same over `threads` threads sharing the one session
        let t0 = Instant::now();
        std::thread::scope(|s| {
            for w in 0..threads {
                let session = &session;
                let t = &t;
                let prefix = &prefix;
                s.spawn(move || {
                    let mine: Vec<String> = (w..count)
                        .step_by(threads)
                        .map(|i| {
                            session
                                .create(&t.new_key(&format!("{prefix}p{i}")))
                                .expect("create")
                                .key
                                .id
                        })
                        .collect();
                    for id in &mine {
                        session.delete(id, None).expect("delete");
                    }
                });
            }
        });
        let parallel_ms = elapsed_ms(t0);

        // rotate `count` keys (made first, untimed; the replacements are deleted after)
        let ids: Vec<String> = (0..count)
            .map(|i| {
                session
                    .create(&t.new_key(&format!("{prefix}r{i}")))
                    .expect("create")
                    .key
                    .id
            })
            .collect();
        let t0 = Instant::now();
        let rotated: Vec<String> = ids
            .iter()
            .map(|id| session.rotate(id).expect("rotate").key.id)
            .collect();
        let rotate_ms = elapsed_ms(t0);
        for id in &rotated {
            session.delete(id, None).expect("delete");
        }

        // the ABI's create + delete, one thread (JSON in and out per call)
        let t0 = Instant::now();
        let ids: Vec<CString> = (0..count)
            .map(|i| {
                let j = CString::new(t.new_key_json(&format!("{prefix}a{i}"))).unwrap();
                CString::new(abi.create(handle, &j)).unwrap()
            })
            .collect();
        for id in &ids {
            abi.delete(handle, id);
        }
        let abi_create_delete_ms = elapsed_ms(t0);
        abi.close(handle);

        out.insert(
            t.kind.to_owned(),
            json!({
                "list": {
                    "keys": listed, "matched": matched, "pattern": pattern, "json_bytes": json_bytes, "runs": runs,
                    "floor_ms": stats::median_ms(&mut floor_runs),
                    "core_ms": stats::median_ms(&mut core_runs),
                    "abi_ms": stats::median_ms(&mut abi_runs),
                },
                "create_delete": {
                    "count": count,
                    "core_sequential_ms": ((create_ms + delete_ms) * 100.0).round() / 100.0,
                    "core_create_ms": (create_ms * 100.0).round() / 100.0,
                    "core_delete_ms": (delete_ms * 100.0).round() / 100.0,
                    "core_parallel_ms": (parallel_ms * 100.0).round() / 100.0,
                    "parallel_threads": threads,
                    "abi_sequential_ms": (abi_create_delete_ms * 100.0).round() / 100.0,
                },
                "rotate": { "count": count, "core_ms": (rotate_ms * 100.0).round() / 100.0 },
            }),
        );
    }
    Value::Object(out)
}

// ---------------------------------------------------------------------------------------------
// memory: one fresh process per layer and kind. Peak resident memory growth while listing
// every key (and keeping the result), against the size of the JSON the server sent.

fn status_kb(field: &str) -> u64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    s.lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// Resets the kernel's peak-RSS mark (VmHWM) to the current RSS (Linux >= 4.0).
fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn memory(args: &Args) -> Value {
    let layer = args.required("layer");
    let kind = args.required("kind");
    let t = targets(args)
        .into_iter()
        .find(|t| t.kind == kind)
        .expect("kind in the sandbox");
    let abi = abi::Abi::load(&lib_path(args));
    let measure = |before: u64, reset: bool, keys: usize, json_bytes: usize, ms: f64| {
        let peak = status_kb("VmHWM:");
        json!({
            "layer": layer, "kind": kind, "keys": keys, "json_bytes": json_bytes,
            "rss_before_kb": before, "peak_kb": peak, "peak_reset": reset,
            "growth_bytes": (peak.saturating_sub(before)) * 1024, "ms": (ms * 10.0).round() / 10.0,
        })
    };
    match layer.as_str() {
        "floor" => {
            let mut r = t.raw();
            let small = t.raw_get(&r, &t.get_path());
            r.call(&small).expect("warm-up");
            let req = t.raw_get(&r, t.keys_path);
            let before = status_kb("VmRSS:");
            let reset = reset_peak();
            let t0 = Instant::now();
            let body = r.call(&req).expect("list").body;
            let ms = elapsed_ms(t0);
            let keys = body.iter().filter(|&&b| b == b'{').count();
            measure(before, reset, keys, body.len(), ms)
        }
        "value" => {
            // The raw body parsed into a serde_json::Value tree: what the core built before it parsed lists key by key (for scale).
            let mut r = t.raw();
            let small = t.raw_get(&r, &t.get_path());
            r.call(&small).expect("warm-up");
            let req = t.raw_get(&r, t.keys_path);
            let before = status_kb("VmRSS:");
            let reset = reset_peak();
            let t0 = Instant::now();
            let body = r.call(&req).expect("list").body.to_vec();
            let v: Value = serde_json::from_slice(&body).expect("JSON");
            let ms = elapsed_ms(t0);
            let keys = v.as_array().map_or(0, Vec::len);
            let out = measure(before, reset, keys, body.len(), ms);
            drop((body, v));
            out
        }
        "core" => {
            let session = Session::from_json(&t.config_json()).expect("open");
            session.get(&t.key_id).expect("warm-up");
            let before = status_kb("VmRSS:");
            let reset = reset_peak();
            let t0 = Instant::now();
            let keys = session.list(&KeyFilter::default()).expect("list");
            let ms = elapsed_ms(t0);
            let v = measure(before, reset, keys.len(), 0, ms);
            drop(keys);
            v
        }
        "abi" => {
            let handle = abi.open(&t.config_json());
            abi.get(handle, &CString::new(t.key_id.clone()).unwrap());
            let before = status_kb("VmRSS:");
            let reset = reset_peak();
            let t0 = Instant::now();
            let (json, len) = abi.list_keep(handle);
            let ms = elapsed_ms(t0);
            let v = measure(before, reset, 0, len, ms);
            abi.free(json);
            abi.close(handle);
            v
        }
        other => panic!("unknown layer {other}"),
    }
}

// ---------------------------------------------------------------------------------------------
// profile: one layer, one operation, N times, nothing else (run under callgrind by
// bench/profile.sh, which subtracts a short run from a long one to get the cost per call).

fn profile(args: &Args) -> Value {
    let layer = args.required("layer");
    let kind = args.get("kind", "immich");
    let op = args.get("op", "get");
    let calls: usize = args.num("calls", 100);
    let t = targets(args)
        .into_iter()
        .find(|t| t.kind == kind)
        .expect("kind in the sandbox");
    let t0 = Instant::now();
    match layer.as_str() {
        "floor" => {
            let mut r = t.raw();
            let path = if op == "get" {
                t.get_path()
            } else {
                t.keys_path.to_owned()
            };
            let req = t.raw_get(&r, &path);
            for _ in 0..calls {
                std::hint::black_box(r.call(&req).expect("floor").body.len());
            }
        }
        "core" if op == "open" => {
            // Opening (and closing) a session: HttpClient set-up, TLS connector included.
            for _ in 0..calls {
                std::hint::black_box(Session::from_json(&t.config_json()).expect("open"));
            }
        }
        "core" => {
            let session = Session::from_json(&t.config_json()).expect("open");
            for _ in 0..calls {
                if op == "get" {
                    std::hint::black_box(session.get(&t.key_id).expect("get"));
                } else {
                    std::hint::black_box(session.list(&KeyFilter::default()).expect("list"));
                }
            }
        }
        "abi" => {
            let abi = abi::Abi::load(&lib_path(args));
            let handle = abi.open(&t.config_json());
            let id = CString::new(t.key_id.clone()).unwrap();
            for _ in 0..calls {
                if op == "get" {
                    std::hint::black_box(abi.get(handle, &id));
                } else {
                    std::hint::black_box(abi.list(handle, None));
                }
            }
            abi.close(handle);
        }
        other => panic!("unknown layer {other}"),
    }
    json!({ "layer": layer, "kind": kind, "op": op, "calls": calls, "ms": elapsed_ms(t0) })
}

fn main() {
    let (cmd, args) = Args::parse();
    let result = match cmd.as_str() {
        "percall" => percall(&args),
        "capacity" => capacity(&args),
        "bulk" => bulk(&args),
        "memory" => memory(&args),
        "profile" => profile(&args),
        _ => {
            eprintln!("usage: apikeys-bench percall|capacity|bulk|memory --sandbox FILE [--lib libapikeys.so] ...");
            std::process::exit(2);
        }
    };
    println!("{result}");
}
