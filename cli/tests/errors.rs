//! Exit statuses and one-line messages: wrong passphrase, no store, bad input, damaged
//! records (typed errors naming the record, the rest still readable, nothing lost).

mod common;

use common::*;

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

#[test]
fn wrong_passphrase_no_store_and_bad_input() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    let o = run(&dir, &["urge", "list"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("no store here yet"), "{}", stderr(&o));
    init(&dir);
    let again = run(&dir, &["init"]);
    assert_eq!(again.status.code(), Some(1));
    let id = ok(&dir, &["urge", "log", "--intensity", "4"]).trim().to_string();
    let before = std::fs::read(dir.join("companion.db")).unwrap();
    let o = cmd(&dir).env("COMPANION_PASSPHRASE", "not it").args(["urge", "list"]).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    let msg = stderr(&o);
    assert!(msg.contains("does not open this store"), "{msg}");
    assert_eq!(msg.trim().lines().count(), 1, "one line: {msg}");
    assert_eq!(std::fs::read(dir.join("companion.db")).unwrap(), before);
    for (args, field) in [
        (vec!["urge", "log", "--intensity", "11"], "intensity"),
        (
            vec![
                "urge",
                "log",
                "--intensity",
                "3",
                "--at",
                "2026-01-01T10:00:00+01:00",
                "--ended",
                "2026-01-01T09:00:00+01:00",
            ],
            "end time",
        ),
        (vec!["urge", "log", "--intensity", "3", "--at", "tomorrow-ish"], "time"),
        (vec!["urge", "edit", &id], "edit"),
        (vec!["urge", "log", "--intensity", "3", "--outcome", "coped"], "strategies"),
    ] {
        let o = run(&dir, &args);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        assert!(stderr(&o).starts_with(&format!("companion: {field}:")), "{args:?}: {}", stderr(&o));
    }
    let long = "x".repeat(5000);
    let o = run(&dir, &["urge", "log", "--intensity", "3", "--trigger", &long]);
    assert_eq!(o.status.code(), Some(1));
    assert!(!stderr(&o).contains("xxxxx"), "the error echoed the input");
    let o = run(&dir, &["urge", "show", "zzzz"]);
    assert_eq!(o.status.code(), Some(1));
    let o = run(&dir, &["urge", "frobnicate"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(json(&dir, &["urge", "list", "--all"]).as_array().unwrap().len(), 1);
}

#[test]
fn damaged_records_are_named_and_the_rest_stays_readable() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    init(&dir);
    let ids: Vec<String> = (0..4)
        .map(|i| ok(&dir, &["urge", "log", "--intensity", &i.to_string(), "--note", "n"]).trim().to_string())
        .collect();
    {
        let c = rusqlite::Connection::open(dir.join("companion.db")).unwrap();
        let mut rows: Vec<(Vec<u8>, Vec<u8>)> = {
            let mut st = c.prepare("SELECT id, head FROM record WHERE body IS NOT NULL").unwrap();
            st.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(|r| r.unwrap()).collect()
        };
        rows.sort();
        assert_eq!(rows.len(), 4);
        // Flip a bit in one ciphertext, truncate another, mark a third with an unknown version.
        let (id0, mut h0) = rows[0].clone();
        h0[30] ^= 4;
        c.execute("UPDATE record SET head = ?2 WHERE id = ?1", rusqlite::params![id0, h0]).unwrap();
        let (id1, mut h1) = rows[1].clone();
        h1.truncate(h1.len() - 7);
        c.execute("UPDATE record SET head = ?2 WHERE id = ?1", rusqlite::params![id1, h1]).unwrap();
        let (id2, mut h2) = rows[2].clone();
        h2[0] = 42;
        c.execute("UPDATE record SET head = ?2 WHERE id = ?1", rusqlite::params![id2, h2]).unwrap();
    }
    let o = run(&dir, &["--json", "urge", "list", "--all"]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let listed: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1, "the undamaged entry is still listed");
    let msg = stderr(&o);
    assert_eq!(msg.lines().count(), 3, "{msg}");
    assert!(msg.contains("altered"), "{msg}");
    assert!(msg.contains("cut short"), "{msg}");
    assert!(msg.contains("format version 42"), "{msg}");
    let damaged: Vec<&String> = ids.iter().filter(|id| msg.contains(id.as_str())).collect();
    assert_eq!(damaged.len(), 3, "each damaged record is named: {msg}");
    // Nothing was deleted: all four rows are still in the file.
    let c = rusqlite::Connection::open(dir.join("companion.db")).unwrap();
    let n: i64 = c.query_row("SELECT count(*) FROM record WHERE body IS NOT NULL", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 4);
}
