//! Shared helpers for end-to-end tests and benchmarks.

#![allow(clippy::unwrap_used, clippy::expect_used)]

pub mod history;
pub mod server;
pub mod stats;

use std::path::{Path, PathBuf};

/// Path of a binary built from this workspace (`companion`, `companion-server`, ...), in the
/// same target directory and profile as the running test or benchmark.
pub fn workspace_bin(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("current exe");
    // target/<profile>/deps/<test> or target/<profile>/<bench>
    let mut dir = exe.parent().expect("exe dir").to_path_buf();
    if dir.ends_with("deps") {
        dir.pop();
    }
    let p = dir.join(name);
    assert!(p.exists(), "{} is not built; run `cargo build --workspace` first", p.display());
    p
}

/// Every file under `dir`, recursively.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        if let Ok(rd) = std::fs::read_dir(&d) {
            for e in rd.flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else {
                    out.push(p);
                }
            }
        }
    }
    out.sort();
    out
}

/// Which of `needles` occur in `haystack` (as raw bytes, and as UTF-16LE for good measure).
pub fn find_canaries<'a>(haystack: &[u8], needles: &'a [String]) -> Vec<&'a str> {
    needles
        .iter()
        .filter(|n| {
            let b = n.as_bytes();
            let utf16: Vec<u8> = n.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
            contains(haystack, b) || contains(haystack, &utf16)
        })
        .map(|s| s.as_str())
        .collect()
}

pub fn contains(h: &[u8], n: &[u8]) -> bool {
    !n.is_empty() && h.windows(n.len()).any(|w| w == n)
}
