//! The embedded SQLite backend: one file, WAL, `synchronous=FULL`, `secure_delete=ON`.
//!
//! Writes go to one writer thread that does group commit: it takes every write waiting in its
//! queue, runs each inside its own SAVEPOINT of one IMMEDIATE transaction, commits once
//! (one fsync for the whole batch), and only then acknowledges each write. A write is thus
//! durable when its caller hears back, yet a thousand devices share a handful of fsyncs.
//! Reads use a small pool of separate connections (WAL lets them run beside the writer).

use std::collections::HashMap;
use std::path::Path;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};
use tokio::sync::oneshot;

use super::{
    arr16, arr32, parse_kind, to_i64, to_u64, AppendOutcome, AuditEntry, ClinicianRow, DbError, DbResult, InviteKind,
    InviteRow, Pulled, ShareRow, SnapshotOutcome,
};

const SCHEMA: &str = include_str!("schema_sqlite.sql");
/// The layout `SCHEMA` creates; `migrate_v1_to_v2` brings a version-1 file up to it.
const SCHEMA_VERSION: i64 = 2;
const MAX_BATCH: usize = 512;
/// Under load, how long the writer waits after the first write of a batch for more to join it
/// before it commits (PostgreSQL's `commit_delay`, in effect). Only when the previous batch held
/// more than one write: a lone write on a quiet server commits at once. Measured under the load
/// benchmark: batches grow several-fold and about 40% fewer bytes reach the disk.
const GATHER: std::time::Duration = std::time::Duration::from_millis(2);
const READERS: usize = 4;

type Reply = Box<dyn FnOnce(Result<(), DbError>) + Send>;
type Job = Box<dyn FnOnce(&Connection) -> Reply + Send>;

type NonceKey = (String, [u8; 16]);
/// A nonce waiting to be written with the writer's next group commit: (device, nonce, expiry).
type NonceRow = (String, [u8; 16], i64);
/// One page of a pull: (seq, sealed bytes) in order, and whether more remain.
type Page = (Vec<(u64, Vec<u8>)>, bool);

pub struct SqliteDb {
    jobs: Mutex<mpsc::Sender<Job>>,
    readers: Mutex<Vec<Connection>>,
    path: std::path::PathBuf,
    nonces: Mutex<HashMap<NonceKey, i64>>,
    /// Nonces accepted but not yet written; the writer inserts them all in its next batch.
    pending_nonces: Arc<Mutex<Vec<NonceRow>>>,
    /// Set by an erasure: the writer checkpoints and truncates the WAL after committing.
    checkpoint: Arc<std::sync::atomic::AtomicBool>,
    /// Held for the life of the process: one server per database file.
    _lock: std::fs::File,
}

/// `temp_store=MEMORY`: the sub-journal of each job's SAVEPOINT stays in memory instead of a
/// temporary file opened and closed per batch.
fn configure(c: &Connection) -> DbResult<()> {
    c.busy_timeout(std::time::Duration::from_secs(10))?;
    c.prepare_cached("PRAGMA journal_mode=WAL")?.query_row([], |_| Ok(()))?;
    c.execute_batch(
        "PRAGMA synchronous=FULL; PRAGMA secure_delete=ON; PRAGMA foreign_keys=ON; PRAGMA journal_size_limit=67108864;
         PRAGMA temp_store=MEMORY;",
    )?;
    Ok(())
}

fn open(path: &Path) -> DbResult<Connection> {
    let c = Connection::open(path)?;
    configure(&c)?;
    Ok(c)
}

/// Run `f` inside a savepoint, rolling back to it (not the whole batch) on error.
fn savepoint<T>(c: &Connection, f: impl FnOnce(&Connection) -> DbResult<T>) -> DbResult<T> {
    run(c, "SAVEPOINT job")?;
    match f(c) {
        Ok(v) => {
            run(c, "RELEASE job")?;
            Ok(v)
        }
        Err(e) => {
            let _ = run(c, "ROLLBACK TO job").and_then(|_| run(c, "RELEASE job"));
            Err(e)
        }
    }
}

/// Run one statement from the connection's statement cache (no parsing after the first time).
fn run(c: &Connection, sql: &str) -> DbResult<()> {
    c.prepare_cached(sql)?.execute([])?;
    Ok(())
}

/// A share's last sequence number, for the share row `s`: its newest chunk, or what its
/// snapshot covers if that is higher (a snapshot only removes chunks at or below what it
/// covers, and erasure removes the share itself). Deriving it means an append writes no page
/// of `shares`. A macro so that `concat!` can put it into the cached statements below.
macro_rules! last_seq_of_s {
    () => {
        "max(COALESCE((SELECT max(seq) FROM chunks WHERE share_id = s.id), 0),
             COALESCE((SELECT covers FROM snapshots WHERE share_id = s.id), 0))"
    };
}

/// Version 1 → 2, in one transaction (on any error nothing changes): the nonce table loses its
/// (device, nonce) key, so rows append in time order; `shares.last_seq` goes, since a share's
/// last sequence number is derived (see `last_seq`). Refused if any share's stored number is
/// ahead of what the derivation gives, since a reader's cursor could then miss new chunks.
fn migrate_v1_to_v2(c: &Connection) -> DbResult<()> {
    // Dropped without `commit`, the transaction rolls back.
    let tx = Transaction::new_unchecked(c, TransactionBehavior::Immediate)?;
    let ahead: i64 =
        tx.query_row(concat!("SELECT count(*) FROM shares s WHERE s.last_seq > ", last_seq_of_s!()), [], |r| r.get(0))?;
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
         ALTER TABLE shares DROP COLUMN last_seq;
         PRAGMA user_version = 2;",
    )?;
    tx.commit()?;
    Ok(())
}

/// A share's last sequence number (see `last_seq_of_s`); `None`: no such share.
fn last_seq(c: &Connection, share: &[u8; 16]) -> DbResult<Option<u64>> {
    let last: Option<i64> = c
        .prepare_cached(concat!("SELECT ", last_seq_of_s!(), " FROM shares s WHERE s.id = ?1"))?
        .query_row([&share[..]], |r| r.get(0))
        .optional()?;
    Ok(last.map(to_u64))
}

/// Insert the nonces accepted since the last batch (inside the batch's transaction).
fn write_nonces(c: &Connection, rows: Vec<NonceRow>) -> DbResult<()> {
    // A plain insert: the in-memory set has already refused any repeat.
    let mut st = c.prepare_cached("INSERT INTO nonces (expires_ms, device_id, nonce) VALUES (?3, ?1, ?2)")?;
    for (d, n, e) in rows {
        st.execute(params![d, &n[..], e])?;
    }
    Ok(())
}

fn writer_loop(
    conn: Connection,
    rx: mpsc::Receiver<Job>,
    checkpoint: Arc<std::sync::atomic::AtomicBool>,
    pending_nonces: Arc<Mutex<Vec<NonceRow>>>,
) {
    let mut busy = false;
    while let Ok(first) = rx.recv() {
        let mut jobs = vec![first];
        let gather_until = busy.then(|| std::time::Instant::now() + GATHER);
        loop {
            while jobs.len() < MAX_BATCH {
                match rx.try_recv() {
                    Ok(j) => jobs.push(j),
                    Err(_) => break,
                }
            }
            let left = gather_until.map(|t| t.saturating_duration_since(std::time::Instant::now()));
            match left {
                Some(wait) if jobs.len() < MAX_BATCH && !wait.is_zero() => match rx.recv_timeout(wait) {
                    Ok(j) => jobs.push(j),
                    Err(_) => break,
                },
                _ => break,
            }
        }
        busy = jobs.len() > 1;
        if run(&conn, "BEGIN IMMEDIATE").is_err() {
            // Run none of them: dropping the jobs tells every caller the write failed. Pending
            // nonces stay queued (still refused from memory) and go with the next batch.
            drop(jobs);
            continue;
        }
        // Taken after the jobs: every nonce whose wake-up job is in this batch is here.
        let nonces = pending_nonces.lock().map(|mut p| std::mem::take(&mut *p)).unwrap_or_default();
        if !nonces.is_empty() {
            let n = nonces.len();
            if let Err(e) = savepoint(&conn, |c| write_nonces(c, nonces)) {
                tracing::warn!(nonces = n, error = %e, "recording request nonces failed");
            }
        }
        let replies: Vec<Reply> = jobs.into_iter().map(|j| j(&conn)).collect();
        let commit = run(&conn, "COMMIT");
        if commit.is_err() {
            let _ = run(&conn, "ROLLBACK");
        }
        // After an erasure, copy the WAL into the database and truncate it, so no old page
        // image of the erased share lingers in the WAL (secure_delete zeroes the freed cells
        // in the database file itself).
        if commit.is_ok() && checkpoint.swap(false, std::sync::atomic::Ordering::SeqCst) {
            let _ = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
        }
        for r in replies {
            r(commit.clone());
        }
    }
}

impl SqliteDb {
    /// Open (creating on first start) the database file at `path`. `serving`: this process
    /// serves requests and must be the only one doing so on this file (its replay set lives
    /// in memory), so it takes an exclusive lock; the admin commands open it beside a running
    /// server without one.
    pub fn open(path: &Path, serving: bool) -> DbResult<SqliteDb> {
        let lock_path = path.with_extension("lock");
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| DbError::Storage(format!("cannot open the lock file: {e}")))?;
        if serving && lock.try_lock().is_err() {
            return Err(DbError::Storage("another companion-server process is serving this data directory".into()));
        }
        let writer = open(path)?;
        let version: i64 = writer.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version > SCHEMA_VERSION {
            return Err(DbError::Storage(format!(
                "this database has schema version {version}, newer than this server knows ({SCHEMA_VERSION}); \
                 run the companion-server that wrote it"
            )));
        }
        let existed = writer
            .query_row("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'shares'", [], |_| Ok(()))
            .optional()?
            .is_some();
        if existed && version < SCHEMA_VERSION {
            // Only the server upgrades a file, holding its lock: an admin command run beside
            // an older server must not change the layout under it.
            if !serving {
                return Err(DbError::Storage(
                    "this database needs an upgrade: start companion-server on this data directory once \
                     (it upgrades the file), then run this command again"
                        .into(),
                ));
            }
            migrate_v1_to_v2(&writer)?;
        }
        // One transaction, so a new file is never left with tables but no version; on an
        // existing file this creates only what is missing.
        let tx = Transaction::new_unchecked(&writer, TransactionBehavior::Immediate)?;
        tx.execute_batch(SCHEMA)?;
        if !existed {
            tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
        }
        tx.commit()?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
        }
        let (tx, rx) = mpsc::channel::<Job>();
        let checkpoint = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = Arc::clone(&checkpoint);
        let pending_nonces = Arc::new(Mutex::new(Vec::new()));
        let pending = Arc::clone(&pending_nonces);
        std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || writer_loop(writer, rx, flag, pending))
            .map_err(|e| DbError::Storage(e.to_string()))?;
        let mut readers = Vec::new();
        for _ in 0..READERS {
            readers.push(open(path)?);
        }
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0);
        let mut live = HashMap::new();
        {
            let mut st = readers[0].prepare("SELECT device_id, nonce, expires_ms FROM nonces WHERE expires_ms > ?1")?;
            let rows =
                st.query_map([now], |r| Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?, r.get::<_, i64>(2)?)))?;
            for r in rows {
                let (d, n, e) = r?;
                if let Ok(n) = <[u8; 16]>::try_from(n.as_slice()) {
                    live.insert((d, n), e);
                }
            }
        }
        Ok(SqliteDb {
            jobs: Mutex::new(tx),
            readers: Mutex::new(readers),
            path: path.to_path_buf(),
            nonces: Mutex::new(live),
            pending_nonces,
            checkpoint,
            _lock: lock,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    async fn write<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> DbResult<T> + Send + 'static,
    ) -> DbResult<T> {
        let (tx, rx) = oneshot::channel::<DbResult<T>>();
        let job: Job = Box::new(move |c: &Connection| -> Reply {
            let result = savepoint(c, f);
            Box::new(move |commit: Result<(), DbError>| {
                let _ = tx.send(commit.and(result));
            })
        });
        {
            let sender = self.jobs.lock().map_err(|_| DbError::Storage("writer lock poisoned".into()))?;
            sender.send(job).map_err(|_| DbError::Storage("the database writer stopped".into()))?;
        }
        rx.await.map_err(|_| DbError::Storage("the database writer stopped".into()))?
    }

    /// Queue a write without waiting for it (it commits with the next batch).
    fn write_detached(&self, f: impl FnOnce(&Connection) -> DbResult<()> + Send + 'static) {
        let job: Job = Box::new(move |c: &Connection| -> Reply {
            let result = savepoint(c, f);
            Box::new(move |commit: Result<(), DbError>| {
                if let Err(e) = commit.and(result) {
                    tracing::warn!(error = %e, "a background write failed");
                }
            })
        });
        if let Ok(sender) = self.jobs.lock() {
            let _ = sender.send(job);
        }
    }

    /// Run a read on a pooled reader connection, on the calling task. WAL readers never wait
    /// for the writer, and every read here is bounded (point lookups; a pull stops at
    /// `MAX_PULL_BYTES`, which the handler then serialises on this same worker anyway), so a
    /// hop to a blocking thread would cost more than it saves: measured, moving reads off
    /// `spawn_blocking` cut about 35 µs of CPU per request under load (docs/benchmarks.md).
    async fn read<T>(&self, f: impl FnOnce(&Connection) -> DbResult<T>) -> DbResult<T> {
        let pooled = self.readers.lock().map_err(|_| DbError::Storage("reader pool poisoned".into()))?.pop();
        let conn = match pooled {
            Some(c) => c,
            None => open(&self.path)?,
        };
        let r = f(&conn);
        if let Ok(mut pool) = self.readers.lock() {
            if pool.len() < READERS * 4 {
                pool.push(conn);
            }
        }
        r
    }

    pub async fn server_secret(&self) -> DbResult<[u8; 32]> {
        let fresh: [u8; 32] =
            companion_core::crypto::random_array().map_err(|_| DbError::Storage("no randomness".into()))?;
        self.write(move |c| {
            c.prepare_cached("INSERT OR IGNORE INTO server_config (name, value) VALUES ('secret', ?1)")?
                .execute(params![&fresh[..]])?;
            let v: Vec<u8> = c
                .prepare_cached("SELECT value FROM server_config WHERE name = 'secret'")?
                .query_row([], |r| r.get(0))?;
            arr32(&v)
        })
        .await
    }

    pub async fn create_clinic(&self, id: &str, name: &str, now: i64) -> DbResult<()> {
        let (id, name) = (id.to_string(), name.to_string());
        self.write(move |c| {
            c.prepare_cached("INSERT INTO clinics (id, name, created_ms) VALUES (?1, ?2, ?3)")?
                .execute(params![id, name, now])?;
            Ok(())
        })
        .await
    }

    pub async fn clinic_exists(&self, id: &str) -> DbResult<bool> {
        let id = id.to_string();
        self.read(move |c| {
            Ok(c.prepare_cached("SELECT 1 FROM clinics WHERE id = ?1")?
                .query_row([id], |_| Ok(()))
                .optional()?
                .is_some())
        })
        .await
    }

    pub async fn create_invite(
        &self,
        token_hash: &[u8; 32],
        kind: InviteKind,
        clinic_id: &str,
        clinician_id: Option<&str>,
        now: i64,
        expires: i64,
    ) -> DbResult<()> {
        let (h, clinic, clin) = (*token_hash, clinic_id.to_string(), clinician_id.map(str::to_string));
        self.write(move |c| {
            c.prepare_cached("INSERT INTO invites (token_hash, kind, clinic_id, clinician_id, created_ms, expires_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?.execute(
                params![&h[..], kind.as_str(), clinic, clin, now, expires],
            )?;
            Ok(())
        })
        .await
    }

    pub async fn take_invite(&self, token_hash: &[u8; 32], kind: InviteKind, now: i64) -> DbResult<Option<InviteRow>> {
        let h = *token_hash;
        self.write(move |c| {
            let row: Option<(String, String, Option<String>)> = c.prepare_cached("SELECT kind, clinic_id, clinician_id FROM invites WHERE token_hash = ?1 AND used_ms IS NULL AND expires_ms > ?2")?.query_row(
                    params![&h[..], now],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?;
            let Some((k, clinic_id, clinician_id)) = row else { return Ok(None) };
            if parse_kind(&k)? != kind {
                return Ok(None);
            }
            c.prepare_cached("UPDATE invites SET used_ms = ?2 WHERE token_hash = ?1")?.execute( params![&h[..], now])?;
            Ok(Some(InviteRow { kind, clinic_id, clinician_id }))
        })
        .await
    }

    pub async fn create_clinician(&self, r: &ClinicianRow, now: i64) -> DbResult<()> {
        let r = r.clone();
        self.write(move |c| {
            let exists = c.prepare_cached("SELECT 1 FROM clinicians WHERE email = ?1")?.query_row( [&r.email], |_| Ok(())).optional()?;
            if exists.is_some() {
                return Err(DbError::Conflict("email"));
            }
            c.prepare_cached("INSERT INTO clinicians (id, clinic_id, email, display_name, kdf_salt, kdf_iterations, auth_hash, public_key,
                   wrapped_private_key, created_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)")?.execute(
                params![
                    r.id,
                    r.clinic_id,
                    r.email,
                    r.display_name,
                    r.kdf_salt,
                    r.kdf_iterations,
                    r.auth_hash,
                    r.public_key,
                    r.wrapped_private_key,
                    now
                ],
            )?;
            Ok(())
        })
        .await
    }

    pub async fn clinician_by(&self, column: &'static str, value: &str) -> DbResult<Option<ClinicianRow>> {
        let value = value.to_string();
        self.read(move |c| {
            let sql = format!(
                "SELECT id, clinic_id, email, display_name, kdf_salt, kdf_iterations, auth_hash, public_key, wrapped_private_key,
                   failed_logins, locked_until_ms FROM clinicians WHERE {column} = ?1"
            );
            Ok(c.query_row(&sql, [value], |r| {
                Ok(ClinicianRow {
                    id: r.get(0)?,
                    clinic_id: r.get(1)?,
                    email: r.get(2)?,
                    display_name: r.get(3)?,
                    kdf_salt: r.get(4)?,
                    kdf_iterations: r.get(5)?,
                    auth_hash: r.get(6)?,
                    public_key: r.get(7)?,
                    wrapped_private_key: r.get(8)?,
                    failed_logins: r.get(9)?,
                    locked_until_ms: r.get(10)?,
                })
            })
            .optional()?)
        })
        .await
    }

    pub async fn login_failed(&self, id: &str, now: i64, max: u32, lock_ms: i64) -> DbResult<()> {
        let id = id.to_string();
        self.write(move |c| {
            c.prepare_cached(
                "UPDATE clinicians SET failed_logins = failed_logins + 1,
                   locked_until_ms = CASE WHEN failed_logins + 1 >= ?2 THEN ?3 ELSE locked_until_ms END WHERE id = ?1",
            )?
            .execute(params![id, max, now + lock_ms])?;
            Ok(())
        })
        .await
    }

    pub async fn login_succeeded(&self, id: &str) -> DbResult<()> {
        let id = id.to_string();
        self.write(move |c| {
            c.prepare_cached("UPDATE clinicians SET failed_logins = 0, locked_until_ms = 0 WHERE id = ?1")?
                .execute([id])?;
            Ok(())
        })
        .await
    }

    pub async fn create_session(&self, token_hash: &[u8; 32], clinician_id: &str, expires: i64) -> DbResult<()> {
        let (h, id) = (*token_hash, clinician_id.to_string());
        self.write(move |c| {
            c.prepare_cached("INSERT INTO sessions (token_hash, clinician_id, expires_ms) VALUES (?1, ?2, ?3)")?
                .execute(params![&h[..], id, expires])?;
            Ok(())
        })
        .await
    }

    pub async fn session(&self, token_hash: &[u8; 32], now: i64) -> DbResult<Option<String>> {
        let h = *token_hash;
        self.read(move |c| {
            Ok(c.prepare_cached("SELECT clinician_id FROM sessions WHERE token_hash = ?1 AND expires_ms > ?2")?
                .query_row(params![&h[..], now], |r| r.get(0))
                .optional()?)
        })
        .await
    }

    pub async fn delete_session(&self, token_hash: &[u8; 32]) -> DbResult<()> {
        let h = *token_hash;
        self.write(move |c| {
            c.prepare_cached("DELETE FROM sessions WHERE token_hash = ?1")?.execute([&h[..]])?;
            Ok(())
        })
        .await
    }

    pub async fn register_device(&self, id: &str, public_key: &[u8; 32], clinician_id: &str, now: i64) -> DbResult<()> {
        let (id, pk, clin) = (id.to_string(), *public_key, clinician_id.to_string());
        self.write(move |c| {
            let existing: Option<Vec<u8>> = c
                .prepare_cached("SELECT public_key FROM devices WHERE id = ?1")?
                .query_row([&id], |r| r.get(0))
                .optional()?;
            match existing {
                Some(k) if k != pk => return Err(DbError::Conflict("device")),
                Some(_) => {}
                None => {
                    c.prepare_cached("INSERT INTO devices (id, public_key, created_ms) VALUES (?1, ?2, ?3)")?
                        .execute(params![id, &pk[..], now])?;
                }
            }
            c.prepare_cached(
                "INSERT OR IGNORE INTO pairings (device_id, clinician_id, created_ms) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![id, clin, now])?;
            Ok(())
        })
        .await
    }

    pub async fn device_key(&self, id: &str) -> DbResult<Option<[u8; 32]>> {
        let id = id.to_string();
        self.read(move |c| {
            let k: Option<Vec<u8>> = c
                .prepare_cached("SELECT public_key FROM devices WHERE id = ?1")?
                .query_row([id], |r| r.get(0))
                .optional()?;
            k.map(|k| arr32(&k)).transpose()
        })
        .await
    }

    pub async fn is_paired(&self, device_id: &str, clinician_id: &str) -> DbResult<bool> {
        let (d, cl) = (device_id.to_string(), clinician_id.to_string());
        self.read(move |c| {
            Ok(c.prepare_cached("SELECT 1 FROM pairings WHERE device_id = ?1 AND clinician_id = ?2")?
                .query_row(params![d, cl], |_| Ok(()))
                .optional()?
                .is_some())
        })
        .await
    }

    /// Replay check. This process owns the database file (a lock file enforces it), so an
    /// in-memory set of live nonces is authoritative; each nonce is also written to the
    /// database in the writer's next group commit (not awaited), so a restart still knows it.
    pub async fn use_nonce(&self, device_id: &str, nonce: &[u8; 16], now: i64, expires: i64) -> DbResult<bool> {
        {
            let mut live = self.nonces.lock().map_err(|_| DbError::Storage("nonce set poisoned".into()))?;
            if live.len() > 200_000 {
                live.retain(|_, exp| *exp > now);
            }
            match live.get(&(device_id.to_string(), *nonce)) {
                Some(exp) if *exp > now => return Ok(false),
                _ => {
                    live.insert((device_id.to_string(), *nonce), expires);
                }
            }
        }
        let wake = match self.pending_nonces.lock() {
            Ok(mut p) => {
                p.push((device_id.to_string(), *nonce, expires));
                p.len() == 1
            }
            Err(_) => return Err(DbError::Storage("nonce queue poisoned".into())),
        };
        if wake {
            // The first nonce since the last batch wakes the writer; later ones ride along.
            self.write_detached(|_| Ok(()));
        }
        Ok(true)
    }

    pub async fn is_erased(&self, share_ref: &[u8; 32]) -> DbResult<bool> {
        let r = *share_ref;
        self.read(move |c| {
            Ok(c.prepare_cached("SELECT 1 FROM erased WHERE share_ref = ?1")?
                .query_row([&r[..]], |_| Ok(()))
                .optional()?
                .is_some())
        })
        .await
    }

    pub async fn create_share(&self, s: &ShareRow) -> DbResult<()> {
        let s = s.clone();
        self.write(move |c| {
            if c.prepare_cached("SELECT 1 FROM shares WHERE id = ?1")?
                .query_row([&s.id[..]], |_| Ok(()))
                .optional()?
                .is_some()
            {
                return Err(DbError::Conflict("share"));
            }
            c.prepare_cached(
                "INSERT INTO shares (id, device_id, clinician_id, wrapped_key, created_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![&s.id[..], s.device_id, s.clinician_id, s.wrapped_key, s.created_ms])?;
            Ok(())
        })
        .await
    }

    fn share_row(c: &Connection, id: &[u8; 16]) -> DbResult<Option<ShareRow>> {
        let row = c
            .prepare_cached(concat!(
                "SELECT s.id, s.device_id, s.clinician_id, s.wrapped_key, ",
                last_seq_of_s!(),
                ", COALESCE(n.covers, 0), s.created_ms
                 FROM shares s LEFT JOIN snapshots n ON n.share_id = s.id WHERE s.id = ?1"
            ))?
            .query_row([&id[..]], |r| {
                Ok((
                    r.get::<_, Vec<u8>>(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get::<_, i64>(4)?,
                    r.get::<_, i64>(5)?,
                    r.get(6)?,
                ))
            })
            .optional()?;
        row.map(|(id, device_id, clinician_id, wrapped_key, last, cov, created_ms)| {
            Ok(ShareRow {
                id: arr16(&id)?,
                device_id,
                clinician_id,
                wrapped_key,
                last_seq: to_u64(last),
                snapshot_covers: to_u64(cov),
                created_ms,
            })
        })
        .transpose()
    }

    pub async fn share(&self, id: &[u8; 16]) -> DbResult<Option<ShareRow>> {
        let id = *id;
        self.read(move |c| Self::share_row(c, &id)).await
    }

    pub async fn shares_where(&self, column: &'static str, value: &str) -> DbResult<Vec<ShareRow>> {
        let value = value.to_string();
        self.read(move |c| {
            let mut st = c.prepare(&format!("SELECT id FROM shares WHERE {column} = ?1 ORDER BY created_ms, id"))?;
            let ids: Vec<Vec<u8>> = st.query_map([value], |r| r.get(0))?.collect::<Result<_, _>>()?;
            let mut out = Vec::new();
            for id in ids {
                if let Some(s) = Self::share_row(c, &arr16(&id)?)? {
                    out.push(s);
                }
            }
            Ok(out)
        })
        .await
    }

    pub async fn append(&self, share: &[u8; 16], chunk_id: &[u8; 16], data: Vec<u8>) -> DbResult<AppendOutcome> {
        let (share, chunk) = (*share, *chunk_id);
        self.write(move |c| {
            let existing: Option<i64> = c
                .prepare_cached("SELECT seq FROM chunks WHERE share_id = ?1 AND chunk_id = ?2")?
                .query_row(params![&share[..], &chunk[..]], |r| r.get(0))
                .optional()?;
            if let Some(seq) = existing {
                return Ok(AppendOutcome::Existing(to_u64(seq)));
            }
            let snap: Option<i64> = c
                .prepare_cached("SELECT covers FROM snapshots WHERE share_id = ?1 AND chunk_id = ?2")?
                .query_row(params![&share[..], &chunk[..]], |r| r.get(0))
                .optional()?;
            if let Some(cov) = snap {
                return Ok(AppendOutcome::Existing(to_u64(cov)));
            }
            // The writer is the only one writing, so the next number cannot be taken meanwhile.
            let Some(last) = last_seq(c, &share)? else { return Ok(AppendOutcome::NoShare) };
            let seq = last + 1;
            c.prepare_cached("INSERT INTO chunks (share_id, seq, chunk_id, data) VALUES (?1, ?2, ?3, ?4)")?
                .execute(params![&share[..], to_i64(seq), &chunk[..], data])?;
            Ok(AppendOutcome::Stored(seq))
        })
        .await
    }

    pub async fn pull(&self, share: &[u8; 16], after: u64, limit: u32) -> DbResult<Pulled> {
        let share = *share;
        self.read(move |c| {
            let Some(last) = last_seq(c, &share)? else { return Ok(Pulled::default()) };
            let snap: Option<(i64, Vec<u8>)> = c
                .prepare_cached("SELECT covers, data FROM snapshots WHERE share_id = ?1")?
                .query_row([&share[..]], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            let mut out = Pulled { last_seq: last, ..Default::default() };
            let mut from = after;
            if let Some((cov, data)) = snap {
                if after < to_u64(cov) {
                    out.snapshot = Some((to_u64(cov), data));
                    from = to_u64(cov);
                }
            }
            let base = out.snapshot.as_ref().map(|(_, d)| d.len()).unwrap_or(0);
            // Without ORDER BY or a bound LIMIT, SQLite keeps the compiled statement: with
            // either, it recompiles it on every run (measured: 5% of all CPU under load). The
            // primary-key index yields rows in `seq` order; if it ever did not, fall back to
            // the ordered query.
            let fast = "SELECT seq, data FROM chunks WHERE share_id = ?1 AND seq > ?2";
            let ordered = "SELECT seq, data FROM chunks WHERE share_id = ?1 AND seq > ?2 ORDER BY seq";
            (out.chunks, out.more) = match Self::chunks_after(c, fast, &share, from, limit, base)? {
                Some(page) => page,
                None => Self::chunks_after(c, ordered, &share, from, limit, base)?
                    .ok_or_else(|| DbError::Storage("chunks out of order".into()))?,
            };
            Ok(out)
        })
        .await
    }

    /// Read chunks after `from`, stopping at `limit` chunks or the pull byte cap. `None` if
    /// the statement returned them out of `seq` order.
    fn chunks_after(
        c: &Connection,
        sql: &str,
        share: &[u8; 16],
        from: u64,
        limit: u32,
        mut bytes: usize,
    ) -> DbResult<Option<Page>> {
        let mut st = c.prepare_cached(sql)?;
        let mut rows = st.query(params![&share[..], to_i64(from)])?;
        let mut out: Vec<(u64, Vec<u8>)> = Vec::new();
        let mut last = from;
        while let Some(r) = rows.next()? {
            let seq = to_u64(r.get::<_, i64>(0)?);
            if seq <= last {
                return Ok(None);
            }
            last = seq;
            if out.len() >= limit as usize {
                return Ok(Some((out, true)));
            }
            let data: Vec<u8> = r.get(1)?;
            if !out.is_empty() && bytes + data.len() > super::MAX_PULL_BYTES {
                return Ok(Some((out, true)));
            }
            bytes += data.len();
            out.push((seq, data));
        }
        Ok(Some((out, false)))
    }

    pub async fn put_snapshot(
        &self,
        share: &[u8; 16],
        covers: u64,
        chunk_id: &[u8; 16],
        data: Vec<u8>,
    ) -> DbResult<SnapshotOutcome> {
        let (share, chunk) = (*share, *chunk_id);
        self.write(move |c| {
            let Some(last) = last_seq(c, &share)? else { return Ok(SnapshotOutcome::NoShare) };
            let current: Option<(i64, Vec<u8>)> = c
                .prepare_cached("SELECT covers, chunk_id FROM snapshots WHERE share_id = ?1")?
                .query_row([&share[..]], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            if let Some((_, id)) = &current {
                if id.as_slice() == chunk {
                    return Ok(SnapshotOutcome::Existing);
                }
            }
            let cur_cov = current.map(|(c, _)| to_u64(c)).unwrap_or(0);
            if covers > last || covers <= cur_cov {
                return Ok(SnapshotOutcome::Stale);
            }
            c.prepare_cached(
                "INSERT OR REPLACE INTO snapshots (share_id, covers, chunk_id, data) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![&share[..], to_i64(covers), &chunk[..], data])?;
            let removed = c
                .prepare_cached("DELETE FROM chunks WHERE share_id = ?1 AND seq <= ?2")?
                .execute(params![&share[..], to_i64(covers)])?;
            Ok(SnapshotOutcome::Stored { removed: removed as u64 })
        })
        .await
    }

    pub async fn erase(&self, share: &[u8; 16], share_ref: &[u8; 32], now: i64) -> DbResult<()> {
        let (share, r) = (*share, *share_ref);
        let checkpoint = Arc::clone(&self.checkpoint);
        self.write(move |c| {
            // Raised inside the batch, so the writer checkpoints right after this commit.
            checkpoint.store(true, std::sync::atomic::Ordering::SeqCst);
            c.prepare_cached("DELETE FROM chunks WHERE share_id = ?1")?.execute([&share[..]])?;
            c.prepare_cached("DELETE FROM snapshots WHERE share_id = ?1")?.execute([&share[..]])?;
            c.prepare_cached("DELETE FROM shares WHERE id = ?1")?.execute([&share[..]])?;
            c.prepare_cached("INSERT OR IGNORE INTO erased (share_ref, erased_ms) VALUES (?1, ?2)")?
                .execute(params![&r[..], now])?;
            Ok(())
        })
        .await
    }

    pub async fn audit(&self, entries: Vec<AuditEntry>) -> DbResult<()> {
        self.write(move |c| {
            let mut st = c.prepare_cached(
                "INSERT INTO audit (at_ms, actor, action, share_ref, status) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for e in entries {
                st.execute(params![e.at_ms, e.actor, e.action, e.share_ref.map(|r| r.to_vec()), e.status])?;
            }
            Ok(())
        })
        .await
    }

    pub async fn purge_expired(&self, now: i64) -> DbResult<()> {
        self.write(move |c| {
            c.prepare_cached("DELETE FROM nonces WHERE expires_ms <= ?1")?.execute([now])?;
            c.prepare_cached("DELETE FROM sessions WHERE expires_ms <= ?1")?.execute([now])?;
            Ok(())
        })
        .await
    }

    pub async fn dump_tables(&self) -> DbResult<Vec<(String, Vec<Vec<u8>>)>> {
        self.read(|c| {
            let mut st =
                c.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")?;
            let tables: Vec<String> = st.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
            let mut out = Vec::new();
            for t in tables {
                let mut q = c.prepare(&format!("SELECT * FROM \"{t}\""))?;
                let n = q.column_count();
                let mut rows = q.query([])?;
                let mut values = Vec::new();
                while let Some(r) = rows.next()? {
                    for i in 0..n {
                        let v = match r.get_ref(i)? {
                            rusqlite::types::ValueRef::Blob(b) => b.to_vec(),
                            rusqlite::types::ValueRef::Text(t) => t.to_vec(),
                            rusqlite::types::ValueRef::Integer(x) => x.to_string().into_bytes(),
                            rusqlite::types::ValueRef::Real(x) => x.to_string().into_bytes(),
                            rusqlite::types::ValueRef::Null => Vec::new(),
                        };
                        values.push(v);
                    }
                }
                out.push((t, values));
            }
            Ok(out)
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::MAX_PULL_BYTES;

    async fn fresh() -> (tempfile::TempDir, SqliteDb) {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = SqliteDb::open(&dir.path().join("server.sqlite3"), true).expect("open");
        (dir, db)
    }

    async fn share(db: &SqliteDb, id: u8) -> [u8; 16] {
        let row = ShareRow {
            id: [id; 16],
            device_id: "device".into(),
            clinician_id: "clinician".into(),
            wrapped_key: vec![0; 8],
            last_seq: 0,
            snapshot_covers: 0,
            created_ms: 1,
        };
        db.create_share(&row).await.expect("share");
        row.id
    }

    #[tokio::test]
    async fn a_pull_stops_at_the_byte_cap_and_resumes_where_it_stopped() {
        let (_dir, db) = fresh().await;
        let s = share(&db, 1).await;
        let big = MAX_PULL_BYTES / 3 + 1;
        for i in 0..4u8 {
            assert!(matches!(db.append(&s, &[i; 16], vec![i; big]).await, Ok(AppendOutcome::Stored(_))));
        }
        let first = db.pull(&s, 0, 1000).await.expect("pull");
        assert_eq!(first.chunks.iter().map(|c| c.0).collect::<Vec<_>>(), vec![1, 2]);
        assert!(first.more, "two more chunks wait");
        let rest = db.pull(&s, 2, 1000).await.expect("pull");
        assert_eq!(rest.chunks.iter().map(|c| c.0).collect::<Vec<_>>(), vec![3, 4]);
        assert!(!rest.more);
        assert_eq!(rest.chunks[1].1, vec![3u8; big], "the bytes come back as stored");
        // One chunk larger than the cap still comes back alone, so a reader never stalls.
        let s2 = share(&db, 2).await;
        db.append(&s2, &[9; 16], vec![9; MAX_PULL_BYTES + 1]).await.expect("append");
        db.append(&s2, &[8; 16], vec![8; 10]).await.expect("append");
        let p = db.pull(&s2, 0, 1000).await.expect("pull");
        assert_eq!((p.chunks.len(), p.more), (1, true));
    }

    #[tokio::test]
    async fn chunks_out_of_order_are_detected_not_returned() {
        let (_dir, db) = fresh().await;
        let s = share(&db, 3).await;
        for i in 0..3u8 {
            db.append(&s, &[i; 16], vec![i; 4]).await.expect("append");
        }
        let c = db.readers.lock().expect("pool").pop().expect("reader");
        let backwards = "SELECT seq, data FROM chunks WHERE share_id = ?1 AND seq > ?2 ORDER BY seq DESC";
        assert!(SqliteDb::chunks_after(&c, backwards, &s, 0, 10, 0).expect("read").is_none());
        let forwards = "SELECT seq, data FROM chunks WHERE share_id = ?1 AND seq > ?2 ORDER BY seq";
        let (chunks, more) = SqliteDb::chunks_after(&c, forwards, &s, 1, 1, 0).expect("read").expect("ordered");
        assert_eq!((chunks.iter().map(|c| c.0).collect::<Vec<_>>(), more), (vec![2], true));
    }

    /// A database file as version 1 of the server left it, in a fresh directory: share 0x11 has
    /// chunks 2 and 3 after a snapshot covering 1, and `last_seq` (its stored counter) at
    /// `last_seq`; one live and one expired nonce.
    fn version_1_file(last_seq: i64) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("server.sqlite3");
        let c = Connection::open(&path).expect("open");
        c.execute_batch(include_str!("../../tests/fixtures/schema_sqlite_v1.sql")).expect("v1 schema");
        c.pragma_update(None, "user_version", 1).expect("version");
        let s = [0x11u8; 16];
        c.execute(
            "INSERT INTO shares (id, device_id, clinician_id, wrapped_key, last_seq, created_ms) VALUES (?1, 'd', 'c', x'00', ?2, 1)",
            params![&s[..], last_seq],
        )
        .expect("share");
        c.execute(
            "INSERT INTO snapshots (share_id, covers, chunk_id, data) VALUES (?1, 1, ?2, x'01')",
            params![&s[..], &[1u8; 16][..]],
        )
        .expect("snapshot");
        for seq in 2..=3i64 {
            c.execute(
                "INSERT INTO chunks (share_id, seq, chunk_id, data) VALUES (?1, ?2, ?3, x'02')",
                params![&s[..], seq, &[seq as u8; 16][..]],
            )
            .expect("chunk");
        }
        c.execute(
            "INSERT INTO nonces (device_id, nonce, expires_ms) VALUES ('d', ?1, ?2)",
            params![&[7u8; 16][..], i64::MAX / 2],
        )
        .expect("nonce");
        c.execute("INSERT INTO nonces (device_id, nonce, expires_ms) VALUES ('d', ?1, 5)", params![&[8u8; 16][..]])
            .expect("nonce");
        (dir, path)
    }

    fn layout(path: &Path) -> (i64, bool) {
        let c = Connection::open(path).expect("open");
        let version: i64 = c.query_row("PRAGMA user_version", [], |r| r.get(0)).expect("version");
        let has_last_seq = c
            .query_row("SELECT 1 FROM pragma_table_info('shares') WHERE name = 'last_seq'", [], |_| Ok(()))
            .optional()
            .expect("columns")
            .is_some();
        (version, has_last_seq)
    }

    #[tokio::test]
    async fn a_version_1_file_is_upgraded_and_keeps_its_data() {
        let (_dir, path) = version_1_file(3);
        let db = SqliteDb::open(&path, true).expect("upgrade");
        let s = [0x11u8; 16];
        let row = db.share(&s).await.expect("read").expect("the share is still there");
        assert_eq!((row.last_seq, row.snapshot_covers), (3, 1));
        let p = db.pull(&s, 0, 100).await.expect("pull");
        assert_eq!(
            (p.snapshot.map(|s| s.0), p.chunks.iter().map(|c| c.0).collect::<Vec<_>>(), p.last_seq),
            (Some(1), vec![2, 3], 3)
        );
        assert!(
            matches!(db.append(&s, &[9; 16], vec![3]).await, Ok(AppendOutcome::Stored(4))),
            "numbering goes on from 3"
        );
        assert!(
            !db.use_nonce("d", &[7; 16], 1_000, i64::MAX / 2).await.expect("nonce"),
            "a nonce from before the upgrade is refused"
        );
        drop(db);
        assert_eq!(layout(&path), (2, false));
        let c = Connection::open(&path).expect("open");
        let nonces: i64 = c.query_row("SELECT count(*) FROM nonces", [], |r| r.get(0)).expect("count");
        assert_eq!(nonces, 2, "the nonce rows moved across");
    }

    #[tokio::test]
    async fn a_new_file_starts_at_the_current_layout() {
        let (dir, db) = fresh().await;
        drop(db);
        assert_eq!(layout(&dir.path().join("server.sqlite3")), (SCHEMA_VERSION, false));
    }

    #[tokio::test]
    async fn an_upgrade_is_refused_if_a_share_counter_is_ahead_of_its_chunks() {
        let (_dir, path) = version_1_file(5);
        let err = SqliteDb::open(&path, true).err().expect("refused");
        assert!(err.to_string().contains("cannot upgrade"), "{err}");
        assert_eq!(layout(&path), (1, true), "nothing changed");
    }

    #[tokio::test]
    async fn only_the_server_upgrades_a_file_and_a_newer_file_is_refused() {
        let (_dir, path) = version_1_file(3);
        let err = SqliteDb::open(&path, false).err().expect("an admin command does not upgrade");
        assert!(err.to_string().contains("needs an upgrade"), "{err}");
        assert_eq!(layout(&path), (1, true));
        drop(SqliteDb::open(&path, true).expect("the server upgrades"));
        SqliteDb::open(&path, false).expect("then admin commands work");
        Connection::open(&path).expect("open").pragma_update(None, "user_version", 3).expect("version");
        let err = SqliteDb::open(&path, true).err().expect("newer");
        assert!(err.to_string().contains("newer than this server knows"), "{err}");
    }

    #[tokio::test]
    async fn a_nonce_is_refused_again_after_a_restart() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("server.sqlite3");
        let (now, expires) = (1_000, i64::MAX / 2);
        {
            let db = SqliteDb::open(&path, true).expect("open");
            assert!(db.use_nonce("device", &[5; 16], now, expires).await.expect("nonce"));
            assert!(!db.use_nonce("device", &[5; 16], now, expires).await.expect("nonce"), "replay");
            // Any awaited write commits in a batch at or after the one carrying the nonce.
            db.server_secret().await.expect("write");
        }
        // Dropping the db releases its lock file, as a stopped server does.
        let db = SqliteDb::open(&path, true).expect("reopen");
        assert!(!db.use_nonce("device", &[5; 16], now, expires).await.expect("nonce"), "replay after restart");
        assert!(db.use_nonce("device", &[6; 16], now, expires).await.expect("nonce"));
    }
}
