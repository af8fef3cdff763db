#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use rusqlite::Connection;

use super::*;
use crate::clock::{ManualClock, Zone};
use crate::crypto::{KeyProvider, KeyProviderError};

pub(crate) fn clock() -> ManualClock {
    ManualClock::new(Utc.with_ymd_and_hms(2026, 6, 15, 12, 0, 0).unwrap(), Zone::parse("Europe/Berlin").unwrap())
}

pub(crate) fn pass(s: &str) -> Passphrase {
    Passphrase::new(s.as_bytes().to_vec()).unwrap()
}

pub(crate) fn new_store(dir: &tempfile::TempDir) -> Store {
    Store::create(
        dir.path().join("s.db"),
        Unlock::Passphrase(&pass("pw")),
        Arc::new(clock()),
        CreateOptions::insecure_fast_for_tests(),
    )
    .unwrap()
}

fn month(y: i32, m: u32) -> Period {
    Period::Month(Month { year: y, month: m })
}

/// A toy key provider: XOR with a fixed pad, like a keystore with a fixed key.
struct XorProvider(u8);
impl KeyProvider for XorProvider {
    fn wrap_key(&self, k: Vec<u8>) -> std::result::Result<Vec<u8>, KeyProviderError> {
        Ok(k.iter().map(|b| b ^ self.0).collect())
    }
    fn unwrap_key(&self, w: Vec<u8>) -> std::result::Result<Vec<u8>, KeyProviderError> {
        Ok(w.iter().map(|b| b ^ self.0).collect())
    }
}

struct FailingProvider;
impl KeyProvider for FailingProvider {
    fn wrap_key(&self, _: Vec<u8>) -> std::result::Result<Vec<u8>, KeyProviderError> {
        Err(KeyProviderError("keystore locked".into()))
    }
    fn unwrap_key(&self, _: Vec<u8>) -> std::result::Result<Vec<u8>, KeyProviderError> {
        Err(KeyProviderError("keystore locked".into()))
    }
}

#[test]
fn put_get_list_delete() {
    let dir = tempfile::tempdir().unwrap();
    let s = new_store(&dir);
    let a = RecordId::random().unwrap();
    let b = RecordId::random().unwrap();
    s.write(|tx| {
        tx.put_raw(RecordKind::Urge, a, month(2026, 6), b"head-a", Some(b"body-a"))?;
        tx.put_raw(RecordKind::Slip, b, month(2026, 6), b"head-b", None)
    })
    .unwrap();
    let got = s.get_raw(RecordKind::Urge, a, true).unwrap().unwrap();
    assert_eq!(&got.head[..], b"head-a");
    assert_eq!(got.body.as_deref().map(|b| &b[..]), Some(&b"body-a"[..]));
    // Wrong kind: not found, not an error.
    assert!(s.get_raw(RecordKind::Slip, a, true).unwrap().is_none());
    let l = s
        .list_raw(
            RecordKind::Urge,
            Scope::Months(Month { year: 2026, month: 1 }, Month { year: 2026, month: 12 }),
            false,
        )
        .unwrap();
    assert_eq!(l.records.len(), 1);
    assert!(l.records[0].body.is_none());
    assert_eq!(s.list_raw(RecordKind::Urge, Scope::All, false).unwrap().records.len(), 1);
    assert_eq!(s.list_raw(RecordKind::Slip, Scope::All, false).unwrap().records.len(), 1);
    assert_eq!(s.resolve_id(RecordKind::Urge, &a.to_text()[..8]).unwrap(), a);
    assert!(matches!(s.resolve_id(RecordKind::Slip, &a.to_text()[..8]), Err(Error::NotFound { .. })));
    assert!(s.write(|tx| tx.delete(RecordKind::Urge, a)).unwrap());
    assert!(s.get_raw(RecordKind::Urge, a, false).unwrap().is_none());
    assert!(!s.write(|tx| tx.delete(RecordKind::Urge, a)).unwrap());
}

#[test]
fn reopen_with_passphrase_and_wrong_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    let id = RecordId::random().unwrap();
    {
        let s = new_store(&dir);
        s.write(|tx| tx.put_raw(RecordKind::Goal, id, Period::Timeless, b"g", None)).unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let e = Store::open(&path, Unlock::Passphrase(&pass("nope")), Arc::new(clock())).unwrap_err();
    assert!(matches!(e, Error::WrongKey(KeyMethod::Passphrase)));
    assert_eq!(std::fs::read(&path).unwrap(), before, "a wrong passphrase changed the file");
    let s = Store::open(&path, Unlock::Passphrase(&pass("pw")), Arc::new(clock())).unwrap();
    assert_eq!(&s.get_raw(RecordKind::Goal, id, false).unwrap().unwrap().head[..], b"g");
    assert!(matches!(
        Store::open(dir.path().join("missing.db"), Unlock::Passphrase(&pass("pw")), Arc::new(clock())),
        Err(Error::NoStore)
    ));
    assert!(matches!(
        Store::create(
            &path,
            Unlock::Passphrase(&pass("pw")),
            Arc::new(clock()),
            CreateOptions::insecure_fast_for_tests()
        ),
        Err(Error::AlreadyExists)
    ));
}

#[test]
fn rekey_and_key_provider() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    let id = RecordId::random().unwrap();
    let s = new_store(&dir);
    s.write(|tx| tx.put_raw(RecordKind::Goal, id, Period::Timeless, b"g", None)).unwrap();
    let head_before: Vec<u8> = {
        let c = Connection::open(&path).unwrap();
        c.query_row("SELECT head FROM record WHERE id = ?1", [&id.as_bytes()[..]], |r| r.get(0)).unwrap()
    };
    // Switch to a key provider only.
    s.set_key(Unlock::Provider(&XorProvider(0x5a)), false, KdfCost::insecure_for_tests(1000)).unwrap();
    assert_eq!(s.key_methods().unwrap(), vec![KeyMethod::KeyProvider]);
    drop(s);
    // Data not re-encrypted.
    let head_after: Vec<u8> = {
        let c = Connection::open(&path).unwrap();
        c.query_row("SELECT head FROM record WHERE id = ?1", [&id.as_bytes()[..]], |r| r.get(0)).unwrap()
    };
    assert_eq!(head_before, head_after);
    assert!(matches!(
        Store::open(&path, Unlock::Passphrase(&pass("pw")), Arc::new(clock())),
        Err(Error::NoSuchKeyMethod(KeyMethod::Passphrase))
    ));
    // A provider that returns a different key: WrongKey, not garbage.
    assert!(matches!(
        Store::open(&path, Unlock::Provider(&XorProvider(0x11)), Arc::new(clock())),
        Err(Error::WrongKey(KeyMethod::KeyProvider))
    ));
    assert!(matches!(
        Store::open(&path, Unlock::Provider(&FailingProvider), Arc::new(clock())),
        Err(Error::KeyProvider(_))
    ));
    let s = Store::open(&path, Unlock::Provider(&XorProvider(0x5a)), Arc::new(clock())).unwrap();
    // Add a new passphrase alongside; then both open.
    s.set_key(Unlock::Passphrase(&pass("new pw")), true, KdfCost::insecure_for_tests(1000)).unwrap();
    assert_eq!(s.key_methods().unwrap().len(), 2);
    assert!(matches!(s.remove_key_method(KeyMethod::KeyProvider), Ok(())));
    assert!(matches!(s.remove_key_method(KeyMethod::Passphrase), Err(Error::State(_))));
    // A failing provider cannot be installed.
    assert!(matches!(
        s.set_key(Unlock::Provider(&FailingProvider), true, KdfCost::DEFAULT),
        Err(Error::KeyProvider(_))
    ));
    drop(s);
    let s = Store::open(&path, Unlock::Passphrase(&pass("new pw")), Arc::new(clock())).unwrap();
    assert!(s.get_raw(RecordKind::Goal, id, false).unwrap().is_some());
}

fn tamper(path: &std::path::Path, id: &RecordId, f: impl FnOnce(&mut Vec<u8>)) {
    let c = Connection::open(path).unwrap();
    let mut head: Vec<u8> =
        c.query_row("SELECT head FROM record WHERE id = ?1", [&id.as_bytes()[..]], |r| r.get(0)).unwrap();
    f(&mut head);
    c.execute("UPDATE record SET head = ?2 WHERE id = ?1", rusqlite::params![&id.as_bytes()[..], head]).unwrap();
}

#[test]
fn damaged_records_are_typed_errors_and_the_rest_stays_readable() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    let ids: Vec<RecordId> = (0..6).map(|_| RecordId::random().unwrap()).collect();
    {
        let s = new_store(&dir);
        s.write(|tx| {
            for (i, id) in ids.iter().enumerate() {
                tx.put_raw(RecordKind::Urge, *id, month(2026, 6), format!("head-{i}").as_bytes(), Some(b"body"))?;
            }
            Ok(())
        })
        .unwrap();
    }
    // 0: flipped bit in the tag; 1: in the ciphertext; 2: in the nonce; 3: truncated;
    // 4: unknown version; 5 untouched. Plus a swap between 5 and another row later.
    tamper(&path, &ids[0], |h| {
        let n = h.len();
        h[n - 1] ^= 1
    });
    tamper(&path, &ids[1], |h| h[25] ^= 0x10);
    tamper(&path, &ids[2], |h| h[12] ^= 0x01);
    tamper(&path, &ids[3], |h| h.truncate(h.len() - 5));
    tamper(&path, &ids[4], |h| h[0] = 9);
    let s = Store::open(&path, Unlock::Passphrase(&pass("pw")), Arc::new(clock())).unwrap();
    let l = s.list_raw(RecordKind::Urge, Scope::All, true).unwrap();
    assert_eq!(l.records.len(), 1);
    assert_eq!(l.records[0].id, ids[5]);
    let mut problems: Vec<(RecordId, IntegrityProblem)> = l.unreadable.iter().map(|u| (u.id, u.problem)).collect();
    problems.sort_by_key(|p| ids.iter().position(|i| *i == p.0));
    assert_eq!(
        problems,
        vec![
            (ids[0], IntegrityProblem::Tampered),
            (ids[1], IntegrityProblem::Tampered),
            (ids[2], IntegrityProblem::Tampered),
            (ids[3], IntegrityProblem::Truncated),
            (ids[4], IntegrityProblem::UnknownFormat(9)),
        ]
    );
    match s.get_raw(RecordKind::Urge, ids[3], true) {
        Err(Error::Integrity { kind: RecordKind::Urge, id, problem: IntegrityProblem::Truncated }) => {
            assert_eq!(id, ids[3])
        }
        other => panic!("unexpected {other:?}"),
    }
    let msg = s.get_raw(RecordKind::Urge, ids[0], true).unwrap_err().to_string();
    assert!(msg.contains(&ids[0].to_text()), "{msg}");
    // Nothing was deleted.
    let n: i64 = Connection::open(&path).unwrap().query_row("SELECT count(*) FROM record", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 7); // six urges and the catalog
}

#[test]
fn swapped_rows_do_not_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    let a = RecordId::random().unwrap();
    let b = RecordId::random().unwrap();
    {
        let s = new_store(&dir);
        s.write(|tx| {
            tx.put_raw(RecordKind::Urge, a, month(2026, 6), b"aaa", Some(b"A"))?;
            tx.put_raw(RecordKind::Urge, b, month(2026, 6), b"bbb", Some(b"B"))
        })
        .unwrap();
    }
    {
        let c = Connection::open(&path).unwrap();
        let ha: Vec<u8> =
            c.query_row("SELECT head FROM record WHERE id = ?1", [&a.as_bytes()[..]], |r| r.get(0)).unwrap();
        let hb: Vec<u8> =
            c.query_row("SELECT head FROM record WHERE id = ?1", [&b.as_bytes()[..]], |r| r.get(0)).unwrap();
        c.execute("UPDATE record SET head = ?2 WHERE id = ?1", rusqlite::params![&a.as_bytes()[..], hb]).unwrap();
        c.execute("UPDATE record SET head = ?2 WHERE id = ?1", rusqlite::params![&b.as_bytes()[..], ha]).unwrap();
        // And move a body into the head column of the same row.
    }
    let s = Store::open(&path, Unlock::Passphrase(&pass("pw")), Arc::new(clock())).unwrap();
    for id in [a, b] {
        assert!(matches!(
            s.get_raw(RecordKind::Urge, id, false),
            Err(Error::Integrity { problem: IntegrityProblem::Tampered, .. })
        ));
    }
}

#[test]
fn epochs_rotate_and_old_records_still_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    let opts = CreateOptions { epoch_seal_limit: 3, ..CreateOptions::insecure_fast_for_tests() };
    let s = Store::create(&path, Unlock::Passphrase(&pass("pw")), Arc::new(clock()), opts).unwrap();
    let ids: Vec<RecordId> = (0..10).map(|_| RecordId::random().unwrap()).collect();
    for id in &ids {
        s.write(|tx| tx.put_raw(RecordKind::Goal, *id, Period::Timeless, id.as_bytes(), None)).unwrap();
    }
    let epochs: i64 =
        Connection::open(&path).unwrap().query_row("SELECT count(*) FROM key_epoch", [], |r| r.get(0)).unwrap();
    assert!(epochs >= 3, "only {epochs} epochs");
    drop(s);
    let s = Store::open(&path, Unlock::Passphrase(&pass("pw")), Arc::new(clock())).unwrap();
    for id in &ids {
        assert_eq!(&s.get_raw(RecordKind::Goal, *id, false).unwrap().unwrap().head[..], id.as_bytes());
    }
    // Every stored blob's epoch stays within its limit: count blobs per epoch.
    let c = Connection::open(&path).unwrap();
    let mut per_epoch = std::collections::HashMap::<u32, u32>::new();
    let mut stmt = c.prepare("SELECT head FROM record").unwrap();
    for h in stmt.query_map([], |r| r.get::<_, Vec<u8>>(0)).unwrap() {
        let h = h.unwrap();
        *per_epoch.entry(u32::from_be_bytes([h[1], h[2], h[3], h[4]])).or_default() += 1;
    }
    assert!(per_epoch.values().all(|n| *n <= 3), "{per_epoch:?}");
}

#[test]
fn pragmas_are_as_promised() {
    let dir = tempfile::tempdir().unwrap();
    let s = new_store(&dir);
    let conn = lock(&s.conn);
    let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
    let sync: i64 = conn.query_row("PRAGMA synchronous", [], |r| r.get(0)).unwrap();
    assert_eq!(sync, 2, "synchronous must be FULL");
    let sd: i64 = conn.query_row("PRAGMA secure_delete", [], |r| r.get(0)).unwrap();
    assert_eq!(sd, 1);
    let jl: i64 = conn.query_row("PRAGMA journal_size_limit", [], |r| r.get(0)).unwrap();
    assert_eq!(jl, JOURNAL_SIZE_LIMIT);
}

#[test]
fn newer_schema_and_foreign_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    drop(new_store(&dir));
    Connection::open(&path).unwrap().pragma_update(None, "user_version", 99).unwrap();
    assert!(matches!(
        Store::open(&path, Unlock::Passphrase(&pass("pw")), Arc::new(clock())),
        Err(Error::NewerSchema { found: 99, .. })
    ));
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, b"this is not a database, just some text that is long enough to look like a header").unwrap();
    assert!(matches!(Store::open(&junk, Unlock::Passphrase(&pass("pw")), Arc::new(clock())), Err(Error::Corrupt(_))));
}

/// Every table and index, with its columns, as SQLite reports them.
fn schema_of(conn: &Connection) -> Vec<String> {
    let mut out = Vec::new();
    let mut stmt = conn.prepare("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name").unwrap();
    let rows: Vec<(String, String, String, Option<String>)> =
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))).unwrap().map(|r| r.unwrap()).collect();
    for (ty, name, tbl, sql) in rows {
        out.push(format!(
            "{ty} {name} on {tbl}: {}",
            sql.unwrap_or_default().split_whitespace().collect::<Vec<_>>().join(" ")
        ));
        if ty == "table" {
            let mut info = conn.prepare(&format!("PRAGMA table_xinfo('{name}')")).unwrap();
            let cols: Vec<String> = info
                .query_map([], |r| {
                    Ok(format!(
                        "{}:{}:{}:{}",
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, i64>(3)?,
                        r.get::<_, i64>(5)?
                    ))
                })
                .unwrap()
                .map(|r| r.unwrap())
                .collect();
            out.push(format!("  columns {}", cols.join(",")));
        }
    }
    let v: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    out.push(format!("user_version {v}"));
    out
}

#[test]
fn a_store_migrated_from_the_first_schema_equals_a_new_one() {
    let dir = tempfile::tempdir().unwrap();
    // A store as version 1 of the app made it: the frozen v1 schema.
    let old = dir.path().join("old.db");
    {
        let mut c = Connection::open(&old).unwrap();
        let tx = c.transaction().unwrap();
        tx.execute_batch(schema::V1_SQL).unwrap();
        tx.pragma_update(None, "user_version", 1).unwrap();
        tx.commit().unwrap();
        let tx = c.transaction_with_behavior(TransactionBehavior::Immediate).unwrap();
        schema::upgrade(&tx, 1).unwrap();
        tx.commit().unwrap();
    }
    let new = dir.path().join("new.db");
    {
        let mut c = Connection::open(&new).unwrap();
        let tx = c.transaction().unwrap();
        schema::create(&tx).unwrap();
        tx.commit().unwrap();
    }
    assert_eq!(schema_of(&Connection::open(&old).unwrap()), schema_of(&Connection::open(&new).unwrap()));
}

/// The one policy for records that do not open or decode: named, skipped, never dropped, never
/// stopping the rest; reading that one record by id says what is wrong with it.
#[test]
fn typed_reads_name_undecodable_records_and_keep_the_rest() {
    use crate::store::golden::values;
    use crate::urge::Urge;

    let dir = tempfile::tempdir().unwrap();
    let s = new_store(&dir);
    let good = values::urge();
    let bad = RecordId::from_bytes([0xbb; 16]);
    let future = RecordId::from_bytes([0xcc; 16]);
    s.write(|tx| {
        tx.put(&good)?;
        tx.put_raw(RecordKind::Urge, bad, good.period(), b"\x01\xff\xff", None)?;
        tx.put_raw(RecordKind::Urge, future, good.period(), b"\x03from a later release", None)
    })
    .unwrap();
    let listed = s.list::<Urge>(Scope::All, Columns::HeadAndBody).unwrap();
    assert!(listed.records == vec![good.clone()]);
    let mut named: Vec<(RecordId, IntegrityProblem)> = listed.unreadable.iter().map(|u| (u.id, u.problem)).collect();
    named.sort_by_key(|n| n.0);
    assert_eq!(named, vec![(bad, IntegrityProblem::Undecodable), (future, IntegrityProblem::UnknownFormat(3))]);
    assert!(listed.unreadable.iter().all(|u| u.kind == RecordKind::Urge));
    assert!(matches!(
        s.get::<Urge>(bad),
        Err(Error::Integrity { kind: RecordKind::Urge, problem: IntegrityProblem::Undecodable, .. })
    ));
    assert!(s.get::<Urge>(good.id).unwrap() == good);
    let missing = RecordId::from_bytes([0xdd; 16]);
    assert!(matches!(s.get::<Urge>(missing), Err(Error::NotFound { kind: RecordKind::Urge, .. })));
    assert!(s.find::<Urge>(missing).unwrap().is_none());
    // Nothing was deleted: both stay in the file.
    assert!(s.get_raw(RecordKind::Urge, bad, false).unwrap().is_some());
    assert!(s.get_raw(RecordKind::Urge, future, false).unwrap().is_some());
}
