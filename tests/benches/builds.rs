//! Build benchmark (issue 15): the size of each shipped binary as the release profile builds it
//! (no debug info; target: `companion` under 20 MB), against the same binary built in the same
//! run with the `profiling` profile, which is release plus line tables and what release used to
//! ship. Both are built by cargo in the workspace's target directory (the bench itself was built
//! there in release, so the release builds mostly reuse what is built).
//!
//! `cargo run --release -p companion-tests --bin bench -- builds [--quick]`
//! (`--quick` builds only `companion`.)

use std::path::{Path, PathBuf};
use std::process::Command;

/// The binaries people install, and the package each comes from.
const BINARIES: &[(&str, &str)] = &[
    ("companion", "companion-cli"),
    ("companion-server", "companion-server"),
    ("companion-clinician", "companion-clinician"),
];

/// `companion` must stay under this many bytes in release.
const TARGET_BYTES: u64 = 20 * 1024 * 1024;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_else(|| ".".into())
}

/// The target directory cargo uses for this workspace.
fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| workspace_root().join("target"))
}

/// Builds `bin` of `package` with `profile`; its size in bytes, or why it could not be built.
fn build(profile: &str, package: &str, bin: &str) -> Result<u64, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["build", "--locked", "--quiet", "--profile", profile, "-p", package, "--bin", bin])
        .current_dir(workspace_root())
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !out.status.success() {
        return Err(format!("cargo build failed: {}", String::from_utf8_lossy(&out.stderr)));
    }
    let path = target_dir().join(profile).join(bin);
    std::fs::metadata(&path).map(|m| m.len()).map_err(|e| format!("{}: {e}", path.display()))
}

fn mb(bytes: u64) -> String {
    format!("{:.1}", bytes as f64 / (1024.0 * 1024.0))
}

pub fn run(args: &[String]) {
    let quick = args.iter().any(|a| a == "--quick");
    let binaries = if quick { &BINARIES[..1] } else { BINARIES };
    println!("### Release binaries (sizes in MiB)\n");
    println!("| Binary | release | profiling (release + line tables) | release / profiling | target |");
    println!("| --- | ---: | ---: | ---: | --- |");
    let mut failed = false;
    for (bin, package) in binaries {
        match (build("release", package, bin), build("profiling", package, bin)) {
            (Ok(r), Ok(p)) => {
                let target = if *bin == "companion" {
                    if r < TARGET_BYTES {
                        "< 20 MB: met"
                    } else {
                        "< 20 MB: MISSED"
                    }
                } else {
                    ""
                };
                failed |= *bin == "companion" && r >= TARGET_BYTES;
                println!("| `{bin}` | {} | {} | {:.2}× | {target} |", mb(r), mb(p), r as f64 / p as f64);
            }
            (Err(e), _) | (_, Err(e)) => {
                failed = true;
                println!("| `{bin}` | build failed | | | |");
                eprintln!("{bin}: {e}");
            }
        }
    }
    println!("\n`cargo clean --profile profiling` frees what the profiling builds took.");
    if failed {
        std::process::exit(1);
    }
}
