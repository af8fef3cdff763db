//! Running the `companion` binary as a person or a script would.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const PASS: &str = "correct horse battery staple";

pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_companion"))
}

/// A command with a clean environment: the test's data dir, passphrase, time zone.
pub fn cmd(dir: &Path) -> Command {
    let mut c = Command::new(bin());
    c.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("COMPANION_PASSPHRASE", PASS)
        .env("COMPANION_ALLOW_WEAK_KDF", "1")
        .env("TZ", "Europe/Berlin")
        .arg("--data-dir")
        .arg(dir);
    c
}

pub fn run(dir: &Path, args: &[&str]) -> Output {
    cmd(dir).args(args).output().expect("run companion")
}

/// Run and require success; returns stdout.
pub fn ok(dir: &Path, args: &[&str]) -> String {
    let out = run(dir, args);
    assert!(
        out.status.success(),
        "companion {args:?} failed ({:?}): {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

pub fn init(dir: &Path) {
    ok(dir, &["init", "--kdf-iterations", "2000"]);
}

pub fn json(dir: &Path, args: &[&str]) -> serde_json::Value {
    let mut a = vec!["--json"];
    a.extend_from_slice(args);
    serde_json::from_str(&ok(dir, &a)).expect("valid JSON")
}

/// All bytes of every file under `dir`, with their paths.
pub fn all_files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let b = std::fs::read(&p).unwrap();
                out.push((p, b));
            }
        }
    }
    out
}

pub fn contains(h: &[u8], n: &[u8]) -> bool {
    !n.is_empty() && h.windows(n.len()).any(|w| w == n)
}
