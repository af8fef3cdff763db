//! MASTG-TEST-0207 style: unique canary strings in every user field, written through the CLI,
//! must never appear in plaintext in any file the app wrote (database, -wal, -shm, export),
//! before and after edits and deletes; `urge list --json` shows them decrypted.

mod common;

use common::*;

/// Canaries for one entry; every field gets its own.
fn canaries(tag: &str) -> Vec<(&'static str, String)> {
    ["trigger", "feeling", "note", "place", "activity", "strategy"]
        .iter()
        .map(|f| (*f, format!("CANARY-{tag}-{f}-7f3a")))
        .collect()
}

fn log_with(dir: &std::path::Path, c: &[(&str, String)], at: &str) -> String {
    let get = |f: &str| c.iter().find(|(k, _)| *k == f).map(|(_, v)| v.as_str()).unwrap_or_default();
    ok(
        dir,
        &[
            "urge",
            "log",
            "--intensity",
            "6",
            "--trigger",
            get("trigger"),
            "--feeling",
            get("feeling"),
            "--note",
            get("note"),
            "--place",
            get("place"),
            "--activity",
            get("activity"),
            "--strategy",
            get("strategy"),
            "--outcome",
            "coped",
            "--company",
            "alone",
            "--duration",
            "17",
            "--at",
            at,
        ],
    )
    .trim()
    .to_string()
}

/// Distinctive forms of a moment that would betray a plaintext timestamp.
fn time_forms(rfc3339: &str, utc_ms: i64) -> Vec<Vec<u8>> {
    vec![
        rfc3339.as_bytes().to_vec(),
        rfc3339.as_bytes()[..16].to_vec(),
        utc_ms.to_le_bytes().to_vec(),
        utc_ms.to_be_bytes().to_vec(),
        (utc_ms / 1000).to_le_bytes().to_vec(),
        (utc_ms / 1000).to_be_bytes().to_vec(),
    ]
}

fn assert_no_plaintext(dir: &std::path::Path, needles: &[String], times: &[Vec<u8>], stage: &str) {
    let files = all_files(dir);
    assert!(files.iter().any(|(p, _)| p.to_string_lossy().ends_with("companion.db")));
    for (path, bytes) in &files {
        for n in needles {
            assert!(!contains(bytes, n.as_bytes()), "{stage}: canary {n} in plaintext in {}", path.display());
            let utf16: Vec<u8> = n.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
            assert!(!contains(bytes, &utf16), "{stage}: canary {n} (UTF-16) in {}", path.display());
        }
        for t in times {
            assert!(!contains(bytes, t), "{stage}: a user-event timestamp in plaintext in {}", path.display());
        }
    }
}

#[test]
fn canaries_never_reach_the_disk_in_plaintext() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    init(&dir);
    let mut all_canaries = Vec::new();
    let mut times = Vec::new();
    let mut ids = Vec::new();
    for (i, at) in
        ["2026-03-14T21:37:00+01:00", "2026-05-02T06:11:00+02:00", "2026-07-19T23:53:00+02:00"].iter().enumerate()
    {
        let c = canaries(&format!("e{i}"));
        ids.push(log_with(&dir, &c, at));
        all_canaries.extend(c.into_iter().map(|(_, v)| v));
        let t = chrono::DateTime::parse_from_rfc3339(at).unwrap();
        times.extend(time_forms(at, t.timestamp_millis()));
    }
    // Visible, decrypted, through the CLI.
    let listed = json(&dir, &["urge", "list", "--all"]).to_string();
    for c in &all_canaries {
        assert!(listed.contains(c.as_str()), "{c} missing from `urge list --json`");
    }
    assert_no_plaintext(&dir, &all_canaries, &times, "after logging");

    // Edit the second entry with new canaries in every field; delete the third.
    let e = canaries("edited");
    let get = |f: &str| e.iter().find(|(k, _)| *k == f).map(|(_, v)| v.clone()).unwrap();
    ok(
        &dir,
        &[
            "urge",
            "edit",
            &ids[1],
            "--trigger",
            &get("trigger"),
            "--feeling",
            &get("feeling"),
            "--note",
            &get("note"),
            "--place",
            &get("place"),
            "--activity",
            &get("activity"),
            "--strategy",
            &get("strategy"),
        ],
    );
    all_canaries.extend(e.iter().map(|(_, v)| v.clone()));
    ok(&dir, &["urge", "delete", &ids[2], "--yes"]);
    let listed = json(&dir, &["urge", "list", "--all"]);
    let text = listed.to_string();
    for (_, v) in &e {
        assert!(text.contains(v.as_str()), "edited canary {v} not shown");
    }
    for (_, v) in canaries("e2") {
        assert!(!text.contains(&v), "deleted entry still listed");
    }
    assert_eq!(listed.as_array().unwrap().len(), 2);
    assert_no_plaintext(&dir, &all_canaries, &times, "after edit and delete");

    // An export in the data directory: encrypted too.
    let out = dir.join("backup.companion");
    let mut c = cmd(&dir);
    let status = c
        .env("COMPANION_EXPORT_PASSPHRASE", "another passphrase")
        .args(["export", "--out"])
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    assert_no_plaintext(&dir, &all_canaries, &times, "after export");

    // And the export restores them, decrypted, into a new store.
    let dir2 = tmp.path().join("restored");
    let o =
        cmd(&dir2).env("COMPANION_EXPORT_PASSPHRASE", "another passphrase").arg("import").arg(&out).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let restored = json(&dir2, &["urge", "list", "--all"]);
    assert_eq!(restored, listed, "the restored store differs from the original");
}
