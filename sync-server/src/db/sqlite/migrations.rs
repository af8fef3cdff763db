//! The SQLite schema and its versions, by `PRAGMA user_version`.
//!
//! A new file gets the current schema ([`SCHEMA_SQL`]) and its version in one transaction. An
//! older file is brought up one version at a time ([`upgrade_from`]) inside one IMMEDIATE
//! transaction: on any error nothing changes. A file newer than this server is refused. Only the
//! serving process upgrades (it holds the lock file): an admin command run beside an older
//! server must not change the layout under it. A test checks that a file migrated from the
//! frozen first schema ([`V1_SQL`]) has exactly the layout of a new one.

use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior};

use super::queries::LAST_SEQ_OF_S;
use crate::db::{DbError, DbResult};

/// The schema version this build writes.
pub const VERSION: i64 = 4;
/// The first schema, frozen: the starting point of every upgrade (tests build version-1 files
/// from it).
#[cfg(test)]
pub const V1_SQL: &str = include_str!("sql/v1.sql");
/// The current schema, for a new file.
pub const SCHEMA_SQL: &str = include_str!("sql/schema.sql");

/// Who opens the file: the serving process may upgrade it, an admin command may not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opener {
    Server,
    Admin,
}

/// Bring the file behind `c` to [`VERSION`], or refuse with nothing changed.
pub fn prepare(c: &Connection, opener: Opener) -> DbResult<()> {
    let version: i64 = c.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version > VERSION {
        return Err(DbError::Storage(format!(
            "this database has schema version {version}, newer than this server knows ({VERSION}); \
             run the companion-server that wrote it"
        )));
    }
    // Dropped without `commit`, the transaction rolls back.
    let tx = Transaction::new_unchecked(c, TransactionBehavior::Immediate)?;
    if !has_tables(&tx)? {
        tx.execute_batch(SCHEMA_SQL)?;
        tx.pragma_update(None, "user_version", VERSION)?;
    } else if version < VERSION {
        if opener == Opener::Admin {
            return Err(DbError::Storage(
                "this database needs an upgrade: start companion-server on this data directory once \
                 (it upgrades the file), then run this command again"
                    .into(),
            ));
        }
        // Version 1 files written before versions were recorded say 0.
        for from in version.max(1)..VERSION {
            upgrade_from(&tx, from)?;
        }
        tx.pragma_update(None, "user_version", VERSION)?;
    }
    tx.commit()?;
    Ok(())
}

fn has_tables(c: &Connection) -> DbResult<bool> {
    Ok(c.query_row("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'shares'", [], |_| Ok(()))
        .optional()?
        .is_some())
}

/// One step: from version `v` to `v + 1`.
fn upgrade_from(tx: &Transaction<'_>, v: i64) -> DbResult<()> {
    match v {
        1 => v1_to_v2(tx),
        2 => v2_to_v3(tx),
        3 => v3_to_v4(tx),
        other => Err(DbError::Storage(format!("no upgrade from schema version {other}"))),
    }
}

/// Version 1 → 2: the nonce table loses its (device, nonce) key, so rows append in time
/// order; `shares.last_seq` goes, since a share's last sequence number is derived
/// ([`LAST_SEQ_OF_S`]). Refused if any share's stored number is ahead of what the derivation
/// gives, since a reader's cursor could then miss new chunks.
fn v1_to_v2(tx: &Transaction<'_>) -> DbResult<()> {
    let ahead: i64 =
        tx.query_row(&format!("SELECT count(*) FROM shares s WHERE s.last_seq > {LAST_SEQ_OF_S}"), [], |r| r.get(0))?;
    if ahead > 0 {
        return Err(DbError::Storage(format!(
            "cannot upgrade the database: {ahead} share(s) record a sequence number above their newest chunk"
        )));
    }
    tx.execute_batch(
        "CREATE TABLE nonces_v2 (expires_ms INTEGER NOT NULL, device_id TEXT NOT NULL, nonce BLOB NOT NULL);
         INSERT INTO nonces_v2 (expires_ms, device_id, nonce) SELECT expires_ms, device_id, nonce FROM nonces ORDER BY expires_ms;
         DROP TABLE nonces;
         ALTER TABLE nonces_v2 RENAME TO nonces;
         CREATE INDEX nonces_expiry ON nonces (expires_ms);
         ALTER TABLE shares DROP COLUMN last_seq;",
    )?;
    Ok(())
}

/// Version 2 → 3: clinicians log in with OPAQUE. The version-1 verifier (salt, count, hash)
/// moves to `legacy_logins` until each account's one-time upgrade; the failure counter and
/// lock go (login limits live in memory and never lock an account); sessions get a scope (an
/// upgrade session allows only the upgrade); OPAQUE logins in flight and login tickets get
/// tables.
fn v2_to_v3(tx: &Transaction<'_>) -> DbResult<()> {
    tx.execute_batch(
        "CREATE TABLE legacy_logins (
             clinician_id TEXT PRIMARY KEY, salt BLOB NOT NULL, iterations INTEGER NOT NULL, auth_hash BLOB NOT NULL);
         INSERT INTO legacy_logins (clinician_id, salt, iterations, auth_hash)
             SELECT id, kdf_salt, kdf_iterations, auth_hash FROM clinicians;
         ALTER TABLE clinicians DROP COLUMN kdf_salt;
         ALTER TABLE clinicians DROP COLUMN kdf_iterations;
         ALTER TABLE clinicians DROP COLUMN auth_hash;
         ALTER TABLE clinicians DROP COLUMN failed_logins;
         ALTER TABLE clinicians DROP COLUMN locked_until_ms;
         ALTER TABLE clinicians ADD COLUMN opaque_record BLOB;
         ALTER TABLE sessions ADD COLUMN scope TEXT NOT NULL DEFAULT 'full';
         CREATE TABLE login_attempts (id BLOB PRIMARY KEY, email TEXT NOT NULL, state BLOB NOT NULL, expires_ms INTEGER NOT NULL);
         CREATE TABLE login_tickets (token_hash BLOB PRIMARY KEY, clinician_id TEXT NOT NULL, expires_ms INTEGER NOT NULL);",
    )?;
    Ok(())
}

/// Version 3 → 4: who may write what, erasure notices, labels, retention. A share records
/// whether its owner let the recipient append (shares made before say no: their owners never
/// said yes), a chunk whether its recipient wrote it; pairings carry the client's sealed label;
/// tombstones tell recipients of erased shares; audit rows get an index on time for the
/// retention purge.
fn v3_to_v4(tx: &Transaction<'_>) -> DbResult<()> {
    tx.execute_batch(
        "ALTER TABLE shares ADD COLUMN recipient_may_append INTEGER NOT NULL DEFAULT 0;
         ALTER TABLE chunks ADD COLUMN by_recipient INTEGER NOT NULL DEFAULT 0;
         ALTER TABLE pairings ADD COLUMN label BLOB;
         CREATE TABLE tombstones (
             share_id BLOB PRIMARY KEY, device_id TEXT NOT NULL, clinician_id TEXT NOT NULL, erased_ms INTEGER NOT NULL);
         CREATE INDEX tombstones_clinician ON tombstones (clinician_id);
         CREATE INDEX audit_time ON audit (at_ms);",
    )?;
    Ok(())
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use rusqlite::params;

    /// Every table's columns (name, type, not null, default, key position) and every index's
    /// columns and uniqueness: the layout, whatever SQL text produced it.
    pub fn layout(c: &Connection) -> Vec<String> {
        let mut out = Vec::new();
        let mut tables = c.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").unwrap();
        let names: Vec<String> = tables.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
        for t in names {
            let mut cols =
                c.prepare("SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info(?1)").unwrap();
            for col in cols
                .query_map([&t], |r| {
                    Ok(format!(
                        "{t}.{}: {} notnull={} default={:?} pk={}",
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, i64>(2)?,
                        r.get::<_, Option<String>>(3)?,
                        r.get::<_, i64>(4)?
                    ))
                })
                .unwrap()
            {
                out.push(col.unwrap());
            }
            let mut idx = c.prepare("SELECT name, \"unique\" FROM pragma_index_list(?1) ORDER BY name").unwrap();
            let indexes: Vec<(String, i64)> =
                idx.query_map([&t], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect();
            for (name, unique) in indexes {
                let mut ic = c.prepare("SELECT name FROM pragma_index_info(?1) ORDER BY seqno").unwrap();
                let cols: Vec<String> = ic.query_map([&name], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
                // Automatic indexes (keys, UNIQUE) are named by position, not by meaning.
                let name = if name.starts_with("sqlite_autoindex") { "(automatic)".to_string() } else { name };
                out.push(format!("{t} index {name} unique={unique} on {}", cols.join(",")));
            }
        }
        out.sort();
        out
    }

    fn memory() -> Connection {
        Connection::open_in_memory().unwrap()
    }

    pub fn version(c: &Connection) -> i64 {
        c.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap()
    }

    #[test]
    fn a_file_migrated_from_version_1_equals_a_new_one() {
        let new = memory();
        prepare(&new, Opener::Server).unwrap();
        let old = memory();
        old.execute_batch(V1_SQL).unwrap();
        old.pragma_update(None, "user_version", 1).unwrap();
        prepare(&old, Opener::Server).unwrap();
        assert_eq!(layout(&old), layout(&new));
        assert_eq!((version(&old), version(&new)), (VERSION, VERSION));
    }

    #[test]
    fn an_unversioned_first_file_counts_as_version_1() {
        let old = memory();
        old.execute_batch(V1_SQL).unwrap();
        prepare(&old, Opener::Server).unwrap();
        let new = memory();
        prepare(&new, Opener::Server).unwrap();
        assert_eq!(layout(&old), layout(&new));
    }

    #[test]
    fn a_failed_step_changes_nothing() {
        let old = memory();
        old.execute_batch(V1_SQL).unwrap();
        old.pragma_update(None, "user_version", 1).unwrap();
        old.execute(
            "INSERT INTO shares (id, device_id, clinician_id, wrapped_key, last_seq, created_ms) VALUES (?1, 'd', 'c', x'00', 5, 1)",
            params![&[1u8; 16][..]],
        )
        .unwrap();
        let before = layout(&old);
        let err = prepare(&old, Opener::Server).unwrap_err();
        assert!(err.to_string().contains("cannot upgrade"), "{err}");
        assert_eq!((layout(&old), version(&old)), (before, 1));
    }
}
