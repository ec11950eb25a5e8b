//! Test support: starts the sandbox server (sandbox/, built by tools/build) and talks to its
//! control routes. Every integration test runs against a real sandbox process.
#![allow(dead_code)]

use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A running sandbox; killed when dropped.
pub struct Sandbox {
    child: Child,
    _stdin: ChildStdin,
    pub info: Value,
}

impl Sandbox {
    /// Starts `dotnet Sandbox.dll --port 0 <args>` and waits for its start-up line.
    pub fn start(args: &[&str]) -> Sandbox {
        let dll = repo_root().join("sandbox/bin/Release/net10.0/Sandbox.dll");
        assert!(
            dll.exists(),
            "build the sandbox first (tools/build): {}",
            dll.display()
        );
        let mut child = Command::new("dotnet")
            .arg(&dll)
            .args(["--port", "0"])
            .args(args)
            .args(canary_args(args))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("dotnet runs");
        let stdin = child.stdin.take().unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .expect("sandbox prints its start-up line");
        let info: Value = serde_json::from_str(&line)
            .unwrap_or_else(|e| panic!("start-up line is JSON ({e}): {line}"));
        assert_eq!(info["ready"], json!(true), "{line}");
        Sandbox {
            child,
            _stdin: stdin,
            info,
        }
    }

    pub fn immich(&self) -> &Value {
        &self.info["immich"]
    }

    pub fn jim(&self) -> &Value {
        &self.info["jim"]
    }

    pub fn url(&self, kind: &str) -> String {
        self.info[kind]["baseUrl"]
            .as_str()
            .expect("baseUrl")
            .to_owned()
    }

    pub fn key(&self, kind: &str) -> String {
        self.info[kind]["apiKey"]
            .as_str()
            .expect("apiKey")
            .to_owned()
    }

    /// A session config JSON for `kind` with the seeded admin key.
    pub fn config(&self, kind: &str) -> String {
        json!({ "kind": kind, "baseUrl": self.url(kind), "apiKey": self.key(kind), "retries": 3 })
            .to_string()
    }

    pub fn session(&self, kind: &str) -> apikeys::Session {
        apikeys::Session::from_json(&self.config(kind)).expect("session opens")
    }

    fn control(&self, kind: &str) -> reqwest::blocking::Client {
        let _ = kind;
        reqwest::blocking::Client::builder()
            .no_proxy()
            .build()
            .unwrap()
    }

    /// `POST /_sandbox/faults` on `kind`'s port.
    pub fn faults(&self, kind: &str, faults: Value) {
        let r = self
            .control(kind)
            .post(format!("{}/_sandbox/faults", self.url(kind)))
            .json(&faults)
            .send()
            .unwrap();
        assert!(r.status().is_success(), "faults accepted: {}", r.status());
    }

    pub fn clear_faults(&self, kind: &str) {
        self.control(kind)
            .delete(format!("{}/_sandbox/faults", self.url(kind)))
            .send()
            .unwrap();
    }

    /// The request log: `[{method, path, status}]`.
    pub fn requests(&self, kind: &str) -> Vec<Value> {
        let v: Value = self
            .control(kind)
            .get(format!("{}/_sandbox/requests", self.url(kind)))
            .send()
            .unwrap()
            .json()
            .unwrap();
        v.as_array().cloned().unwrap_or_default()
    }

    pub fn clear_requests(&self, kind: &str) {
        self.control(kind)
            .delete(format!("{}/_sandbox/requests", self.url(kind)))
            .send()
            .unwrap();
    }

    /// Number of keys the sandbox stores for `kind`.
    pub fn key_count(&self, kind: &str) -> u64 {
        let v: Value = self
            .control(kind)
            .get(format!("{}/_sandbox/state", self.url(kind)))
            .send()
            .unwrap()
            .json()
            .unwrap();
        v["keys"].as_u64().expect("keys count")
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// With `APIKEYS_TEST_CANARY` set (tools/test sets it), every sandbox seeds its admin keys
/// from that canary, and tools/test scans every suite's output for it afterwards: a secret
/// used throughout the run must never be printed.
fn canary_args(args: &[&str]) -> Vec<String> {
    let Ok(canary) = std::env::var("APIKEYS_TEST_CANARY") else {
        return Vec::new();
    };
    let hex: String = canary.chars().filter(char::is_ascii_hexdigit).collect();
    if hex.len() != 32 {
        return Vec::new();
    }
    let mut extra = Vec::new();
    if !args.contains(&"--immich-key") {
        extra.extend(["--immich-key".to_owned(), format!("canary{hex}")]);
    }
    if !args.contains(&"--jim-key") {
        extra.extend(["--jim-key".to_owned(), format!("jim_ak_{hex}{hex}")]);
    }
    extra
}

/// A unique name for keys made by one test.
pub fn unique(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    format!(
        "{prefix}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}
