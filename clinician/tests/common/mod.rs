//! Running the two terminal programs as people would: `companion` as the client (built from
//! the workspace beside this crate's binary) and `companion-clinician` as the clinician.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use companion_tests::server::TestServer;

/// The client's store passphrase in these tests.
pub const PASS: &str = "correct horse battery staple";
pub const CLINICIAN_EMAIL: &str = "dr.example@clinic.invalid";
pub const CLINICIAN_PASS: &str = "an example clinician passphrase";

/// The `companion` binary (another package of the workspace: `cargo build --workspace` builds it).
pub fn client_bin() -> PathBuf {
    companion_tests::workspace_bin("companion")
}

/// A client command with a clean environment: the test's data dir, passphrase, time zone.
pub fn cmd(dir: &Path) -> Command {
    let mut c = Command::new(client_bin());
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

/// Run the client and require success; returns stdout.
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

/// A `companion-clinician` command for the clinician of these tests, on `server`.
pub fn clinician_cmd(server: &TestServer) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_companion-clinician"));
    c.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("TZ", "Europe/Berlin")
        .env("COMPANION_SERVER", &server.base)
        .env("COMPANION_CLINICIAN_EMAIL", CLINICIAN_EMAIL)
        .env("COMPANION_CLINICIAN_PASSPHRASE", CLINICIAN_PASS);
    c
}

pub fn clinician(server: &TestServer, args: &[&str]) -> Output {
    clinician_cmd(server).args(args).output().expect("run companion-clinician")
}

/// Run the clinician's program and require success; returns stdout.
pub fn clinician_ok(server: &TestServer, args: &[&str]) -> String {
    let o = clinician(server, args);
    assert!(o.status.success(), "companion-clinician {args:?} failed: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).expect("utf-8")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}
