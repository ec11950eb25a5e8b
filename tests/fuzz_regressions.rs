//! Replays the fuzz harness's inputs through `apikeys::fuzzing::one_input`, so every finding of
//! `tools/fuzz` stays fixed in `cargo test`: the committed seeds (`fuzz/corpus/`) and every
//! input that once crashed, hung or overflowed (`fuzz/regressions/`). None may panic.
//!
//! `APIKEYS_FUZZ_REPLAY=<dir>` replays one more directory too (for example the working corpus
//! `fuzz/target/corpus` that `tools/fuzz` grows).

use std::panic;
use std::path::{Path, PathBuf};

fn inputs(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

/// Runs every file of `dir` through the harness; returns how many ran and the ones that
/// panicked, with the panic message.
fn replay(dir: &Path) -> (usize, Vec<String>) {
    let files = inputs(dir);
    let mut failures = Vec::new();
    for file in &files {
        let data = std::fs::read(file).unwrap_or_else(|e| panic!("read {}: {e}", file.display()));
        if let Err(payload) = panic::catch_unwind(|| apikeys::fuzzing::one_input(&data)) {
            let message = payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_else(|| "(no message)".to_owned());
            failures.push(format!("{}: {message}", file.display()));
        }
    }
    (files.len(), failures)
}

fn fuzz_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz")
        .join(name)
}

#[test]
fn fuzz_findings_stay_fixed() {
    let (count, failures) = replay(&fuzz_dir("regressions"));
    assert!(count > 0, "fuzz/regressions/ holds no inputs");
    assert!(
        failures.is_empty(),
        "{} of {count} regression inputs panic:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn fuzz_seed_corpus_parses_without_panic() {
    let (count, failures) = replay(&fuzz_dir("corpus"));
    assert!(count >= 10, "fuzz/corpus/ holds only {count} seeds");
    assert!(
        failures.is_empty(),
        "{} of {count} seeds panic:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn extra_replay_directory() {
    let Some(dir) = std::env::var_os("APIKEYS_FUZZ_REPLAY") else {
        return;
    };
    let (count, failures) = replay(Path::new(&dir));
    eprintln!("replayed {count} inputs from {}", Path::new(&dir).display());
    assert!(
        failures.is_empty(),
        "{} of {count} inputs panic:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
