//! A C program compiled with the system C compiler against include/apikeys.h runs a key's
//! lifecycle against the sandbox (style-anchors.md 1.8: test the header as a C user would).
//! With APIKEYS_VALGRIND=1 it runs under valgrind memcheck and fails on leaks or bad accesses.

mod common;

use common::{repo_root, Sandbox};
use std::process::Command;

fn compile() -> std::path::PathBuf {
    let root = repo_root();
    let out = root.join("target/c-tests");
    std::fs::create_dir_all(&out).unwrap();
    let exe = out.join("lifecycle");
    let status = Command::new(std::env::var("CC").unwrap_or_else(|_| "cc".into()))
        .args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-o"])
        .arg(&exe)
        .arg(root.join("tests/c/lifecycle.c"))
        .arg(format!("-I{}", root.join("include").display()))
        .arg(format!("-L{}", root.join("target/release").display()))
        .arg(format!(
            "-Wl,-rpath,{}",
            root.join("target/release").display()
        ))
        .arg("-lapikeys")
        .status()
        .expect("a C compiler runs");
    assert!(
        status.success(),
        "the C program compiles against include/apikeys.h without warnings"
    );
    exe
}

#[test]
fn c_program_runs_a_lifecycle_on_immich_and_jim() {
    let exe = compile();
    let sb = Sandbox::start(&["--kind", "all"]);
    for kind in ["immich", "jim"] {
        let mut cmd = if std::env::var_os("APIKEYS_VALGRIND").is_some() {
            let mut c = Command::new("valgrind");
            c.args([
                "--leak-check=full",
                "--errors-for-leak-kinds=definite",
                "--error-exitcode=99",
                "-q",
            ])
            .arg(&exe);
            c
        } else {
            Command::new(&exe)
        };
        let out = cmd
            .args([kind, &sb.url(kind), "-"])
            .env("APIKEYS_KEY", sb.key(kind))
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        println!("--- {kind}\n{stdout}{stderr}");
        assert!(
            out.status.success(),
            "{kind}: exit {:?}\n{stdout}\n{stderr}",
            out.status.code()
        );
        for line in [
            "secret received (yes)",
            "get: name from-c",
            "list: found",
            "update: name from-c-renamed",
            "rotate: new id differs",
            "get after delete: not_found (no output)",
            "use after close: invalid_argument",
            "lifecycle ok",
        ] {
            assert!(
                stdout.contains(line),
                "{kind}: missing '{line}' in\n{stdout}"
            );
        }
        assert!(
            !stdout.contains(&sb.key(kind)) && !stderr.contains(&sb.key(kind)),
            "no secret printed"
        );
    }
}
