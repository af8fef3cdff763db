//! The workspace's build promises, checked from `cargo metadata`:
//! - one `rust-version`, inherited by every crate of the workspace;
//! - it is no lower than what any locked dependency declares it needs (a lower one would be a
//!   claim no toolchain of that version could keep). Our own code is held to it by clippy's
//!   `incompatible_msrv` lint, which CI runs with warnings as errors.

use std::process::Command;

use serde_json::Value;

fn metadata() -> Value {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--locked"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(out.status.success(), "cargo metadata failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("cargo metadata prints JSON")
}

/// "1.90.0" or "1.90" as (major, minor, patch).
fn version(v: &str) -> (u32, u32, u32) {
    let mut parts = v.split('.').map(|p| p.parse::<u32>().expect("numeric rust-version"));
    (parts.next().unwrap_or(0), parts.next().unwrap_or(0), parts.next().unwrap_or(0))
}

#[test]
fn every_crate_declares_the_workspace_rust_version_and_it_covers_every_dependency() {
    let meta = metadata();
    let members: Vec<&str> =
        meta["workspace_members"].as_array().expect("members").iter().map(|m| m.as_str().expect("id")).collect();
    let packages = meta["packages"].as_array().expect("packages");

    let mut ours = Vec::new();
    let mut needed = ((0, 0, 0), String::new());
    for p in packages {
        let id = p["id"].as_str().expect("id");
        let name = p["name"].as_str().expect("name").to_string();
        let declared = p["rust_version"].as_str();
        if members.contains(&id) {
            let declared = declared.unwrap_or_else(|| panic!("{name} declares no rust-version"));
            ours.push((name, version(declared)));
        } else if let Some(v) = declared {
            if version(v) > needed.0 {
                needed = (version(v), name);
            }
        }
    }
    assert!(!ours.is_empty());
    let (first_name, first) = &ours[0];
    for (name, v) in &ours {
        assert_eq!(
            v, first,
            "{name} declares rust-version {v:?}, {first_name} declares {first:?}: inherit the workspace's"
        );
    }
    assert!(*first >= needed.0, "the workspace declares rust-version {first:?}, but {} needs {:?}", needed.1, needed.0);
}
