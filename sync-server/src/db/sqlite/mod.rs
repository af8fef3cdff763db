//! The embedded SQLite backend: one file, WAL, `synchronous=FULL`, `secure_delete=ON`.
//!
//! - [`writer`]: the one writer thread and its group commit (a write is durable when its caller
//!   hears back);
//! - [`migrations`]: the schema and its versions;
//! - [`queries`]: every statement.
//!
//! Reads use a small pool of separate connections (WAL lets them run beside the writer). This
//! process owns the file (a lock file enforces one serving process), so the replay check keeps
//! live nonces in memory and writes them only so that a restart still knows them.

mod migrations;
mod queries;
mod writer;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rusqlite::Connection;

pub use migrations::Opener;
use queries::{ClinicianKey, ShareParty, TombstoneParty};
use writer::{NonceRow, Writer};

use super::{
    AppendOutcome, AuditEntry, ClientRow, ClinicianRow, DbError, DbResult, Freed, InviteKind, InviteRow, LegacyLogin,
    LoginAttempt, NewDevice, NewInvite, NewSnapshot, Pulled, Purged, SessionRow, ShareRow, SnapshotOutcome, Storage,
    TableDump, Tombstone, UnpairOutcome, Unpairing, Usage, UsageOf, Writer as ChunkWriter,
};

/// Reader connections kept open.
const READERS: usize = 4;

type NonceKey = (String, [u8; 16]);

pub struct SqliteDb {
    writer: Writer,
    readers: Mutex<Vec<Connection>>,
    path: PathBuf,
    /// Live request nonces and their expiry: the authoritative replay set.
    nonces: Mutex<HashMap<NonceKey, i64>>,
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

/// Create the database file readable by its owner only before SQLite opens it: SQLite gives
/// the `-wal` and `-shm` files it creates the database file's permissions.
fn owner_only(path: &Path) -> DbResult<()> {
    let mut options = std::fs::OpenOptions::new();
    options.create(true).truncate(false).write(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).map_err(|e| DbError::Storage(format!("cannot create the database file: {e}")))?;
    owner_only_if_present(path)
}

/// Make an existing file (one an older server made 0644) owner-only.
fn owner_only_if_present(path: &Path) -> DbResult<()> {
    #[cfg(unix)]
    if path.exists() {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
            .map_err(|e| DbError::Storage(format!("cannot restrict the database file's permissions: {e}")))?;
    }
    Ok(())
}

fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

impl SqliteDb {
    /// Open (creating on first start) the database file at `path`. The server serves requests
    /// and must be the only one doing so on this file (its replay set lives in memory), so it
    /// takes an exclusive lock; admin commands open it beside a running server without one.
    pub fn open(path: &Path, opener: Opener) -> DbResult<SqliteDb> {
        let lock_path = path.with_extension("lock");
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| DbError::Storage(format!("cannot open the lock file: {e}")))?;
        if opener == Opener::Server && lock.try_lock().is_err() {
            return Err(DbError::Storage("another companion-server process is serving this data directory".into()));
        }
        owner_only(path)?;
        let conn = open(path)?;
        migrations::prepare(&conn, opener)?;
        for file in [path.with_extension("db-wal"), path.with_extension("db-shm"), lock_path] {
            let _ = owner_only_if_present(&file);
        }
        let writer = Writer::start(conn)?;
        let readers = (0..READERS).map(|_| open(path)).collect::<DbResult<Vec<_>>>()?;
        let live = match readers.first() {
            Some(r) => queries::live_nonces(r, now_ms())?,
            None => Vec::new(),
        };
        let nonces = live.into_iter().map(|(d, n, e)| ((d, n), e)).collect();
        Ok(SqliteDb {
            writer,
            readers: Mutex::new(readers),
            path: path.to_path_buf(),
            nonces: Mutex::new(nonces),
            _lock: lock,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Run a read on a pooled reader connection, on the calling task. WAL readers never wait
    /// for the writer, and every read here is bounded (point lookups; a pull stops at
    /// `MAX_PULL_BYTES`, which the handler then serialises on this same worker anyway), so a
    /// hop to a blocking thread would cost more than it saves (docs/benchmarks.md).
    fn read<T>(&self, f: impl FnOnce(&Connection) -> DbResult<T>) -> DbResult<T> {
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
}

#[async_trait::async_trait]
impl Storage for SqliteDb {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    fn shared_by_processes(&self) -> bool {
        false
    }

    async fn server_value(&self, name: &'static str, fresh: Vec<u8>) -> DbResult<Vec<u8>> {
        self.writer.write(move |c| queries::server_value(c, name, &fresh)).await
    }

    async fn create_clinic(&self, id: &str, name: &str, now: i64) -> DbResult<()> {
        let (id, name) = (id.to_string(), name.to_string());
        self.writer.write(move |c| queries::create_clinic(c, &id, &name, now)).await
    }

    async fn clinic_exists(&self, id: &str) -> DbResult<bool> {
        self.read(|c| queries::clinic_exists(c, id))
    }

    async fn create_invite(&self, i: &NewInvite<'_>) -> DbResult<()> {
        let (h, clinic, clin) = (*i.token_hash, i.clinic_id.to_string(), i.clinician_id.map(str::to_string));
        let (kind, created_ms, expires_ms) = (i.kind, i.created_ms, i.expires_ms);
        self.writer
            .write(move |c| {
                let i = NewInvite {
                    token_hash: &h,
                    kind,
                    clinic_id: &clinic,
                    clinician_id: clin.as_deref(),
                    created_ms,
                    expires_ms,
                };
                queries::create_invite(c, &i)
            })
            .await
    }

    async fn peek_invite(&self, token_hash: &[u8; 32], kind: InviteKind, now: i64) -> DbResult<Option<InviteRow>> {
        self.read(|c| queries::peek_invite(c, token_hash, kind, now))
    }

    async fn take_invite(&self, token_hash: &[u8; 32], kind: InviteKind, now: i64) -> DbResult<Option<InviteRow>> {
        let h = *token_hash;
        self.writer.write(move |c| queries::take_invite(c, &h, kind, now)).await
    }

    async fn create_clinician(&self, r: &ClinicianRow, now: i64) -> DbResult<()> {
        let r = r.clone();
        self.writer.write(move |c| queries::create_clinician(c, &r, now)).await
    }

    async fn clinician_by_email(&self, email: &str) -> DbResult<Option<ClinicianRow>> {
        self.read(|c| queries::clinician_by(c, ClinicianKey::Email, email))
    }

    async fn clinician_by_id(&self, id: &str) -> DbResult<Option<ClinicianRow>> {
        self.read(|c| queries::clinician_by(c, ClinicianKey::Id, id))
    }

    async fn legacy_login(&self, clinician_id: &str) -> DbResult<Option<LegacyLogin>> {
        self.read(|c| queries::legacy_login(c, clinician_id))
    }

    async fn complete_upgrade(&self, clinician_id: &str, record: &[u8], wrapped: &[u8]) -> DbResult<bool> {
        let (id, record, wrapped) = (clinician_id.to_string(), record.to_vec(), wrapped.to_vec());
        self.writer.write(move |c| queries::complete_upgrade(c, &id, &record, &wrapped)).await
    }

    async fn put_login_attempt(&self, id_hash: &[u8; 32], attempt: &LoginAttempt, expires: i64) -> DbResult<()> {
        let (h, a) = (*id_hash, LoginAttempt { email: attempt.email.clone(), state: attempt.state.clone() });
        self.writer.write(move |c| queries::put_login_attempt(c, &h, &a, expires)).await
    }

    async fn take_login_attempt(&self, id_hash: &[u8; 32], now: i64) -> DbResult<Option<LoginAttempt>> {
        let h = *id_hash;
        self.writer.write(move |c| queries::take_login_attempt(c, &h, now)).await
    }

    async fn create_ticket(&self, token_hash: &[u8; 32], clinician_id: &str, expires: i64) -> DbResult<()> {
        let (h, id) = (*token_hash, clinician_id.to_string());
        self.writer.write(move |c| queries::create_ticket(c, &h, &id, expires)).await
    }

    async fn ticket_owner(&self, token_hash: &[u8; 32], now: i64) -> DbResult<Option<String>> {
        self.read(|c| queries::ticket_owner(c, token_hash, now))
    }

    async fn create_session(&self, token_hash: &[u8; 32], session: &SessionRow, expires: i64) -> DbResult<()> {
        let (h, s) = (*token_hash, session.clone());
        self.writer.write(move |c| queries::create_session(c, &h, &s, expires)).await
    }

    async fn session(&self, token_hash: &[u8; 32], now: i64) -> DbResult<Option<SessionRow>> {
        self.read(|c| queries::session(c, token_hash, now))
    }

    async fn delete_session(&self, token_hash: &[u8; 32]) -> DbResult<()> {
        let h = *token_hash;
        self.writer.write(move |c| queries::delete_session(c, &h)).await
    }

    async fn register_device(&self, d: &NewDevice<'_>) -> DbResult<()> {
        let (id, pk, clin, label, now) =
            (d.id.to_string(), *d.public_key, d.clinician_id.to_string(), d.label.map(<[u8]>::to_vec), d.now);
        self.writer
            .write(move |c| {
                let d = NewDevice { id: &id, public_key: &pk, clinician_id: &clin, label: label.as_deref(), now };
                queries::register_device(c, &d)
            })
            .await
    }

    async fn device_key(&self, id: &str) -> DbResult<Option<[u8; 32]>> {
        self.read(|c| queries::device_key(c, id))
    }

    async fn is_paired(&self, device_id: &str, clinician_id: &str) -> DbResult<bool> {
        self.read(|c| queries::is_paired(c, device_id, clinician_id))
    }

    async fn set_label(&self, device_id: &str, clinician_id: &str, label: Option<Vec<u8>>) -> DbResult<bool> {
        let (d, k) = (device_id.to_string(), clinician_id.to_string());
        self.writer.write(move |c| queries::set_label(c, &d, &k, label.as_deref())).await
    }

    async fn clients_of_clinician(&self, clinician_id: &str) -> DbResult<Vec<ClientRow>> {
        self.read(|c| queries::clients_of_clinician(c, clinician_id))
    }

    async fn unpair(&self, u: &Unpairing<'_>) -> DbResult<UnpairOutcome> {
        let (device, shares, refs) = (u.device_id.to_string(), u.shares.to_vec(), u.share_refs.to_vec());
        let outcome = self
            .writer
            .write_erasing(move |c| {
                queries::unpair(c, &Unpairing { device_id: &device, shares: &shares, share_refs: &refs })
            })
            .await?;
        if let (UnpairOutcome::Done(_), Ok(mut live)) = (outcome, self.nonces.lock()) {
            live.retain(|(d, _), _| d != u.device_id);
        }
        Ok(outcome)
    }

    /// Replay check against the in-memory set; each accepted nonce is also written in the
    /// writer's next batch (not awaited), so a restart still knows it.
    async fn use_nonce(&self, device_id: &str, nonce: &[u8; 16], now: i64, expires: i64) -> DbResult<bool> {
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
        self.writer.record_nonce(NonceRow { device_id: device_id.to_string(), nonce: *nonce, expires_ms: expires });
        Ok(true)
    }

    async fn is_erased(&self, share_ref: &[u8; 32]) -> DbResult<bool> {
        self.read(|c| queries::is_erased(c, share_ref))
    }

    async fn create_share(&self, s: &ShareRow) -> DbResult<()> {
        let s = s.clone();
        self.writer.write(move |c| queries::create_share(c, &s)).await
    }

    async fn share(&self, id: &[u8; 16]) -> DbResult<Option<ShareRow>> {
        self.read(|c| queries::share(c, id))
    }

    async fn shares_of_device(&self, device_id: &str) -> DbResult<Vec<ShareRow>> {
        self.read(|c| queries::shares_of(c, ShareParty::Device, device_id))
    }

    async fn shares_of_clinician(&self, clinician_id: &str) -> DbResult<Vec<ShareRow>> {
        self.read(|c| queries::shares_of(c, ShareParty::Clinician, clinician_id))
    }

    async fn append(
        &self,
        share: &[u8; 16],
        chunk_id: &[u8; 16],
        data: Vec<u8>,
        by: ChunkWriter,
    ) -> DbResult<AppendOutcome> {
        let (share, chunk) = (*share, *chunk_id);
        self.writer.write(move |c| queries::append(c, &share, &chunk, data, by)).await
    }

    async fn pull(&self, share: &[u8; 16], after: u64, limit: u32) -> DbResult<Pulled> {
        self.read(|c| queries::pull(c, share, after, limit))
    }

    async fn put_snapshot(&self, s: NewSnapshot<'_>, data: Vec<u8>) -> DbResult<SnapshotOutcome> {
        let (share, covers, chunk) = (*s.share, s.covers, *s.chunk_id);
        self.writer
            .write(move |c| queries::put_snapshot(c, &NewSnapshot { share: &share, covers, chunk_id: &chunk }, data))
            .await
    }

    async fn erase(&self, share_ref: &[u8; 32], tombstone: &Tombstone) -> DbResult<Freed> {
        let (r, t) = (*share_ref, tombstone.clone());
        self.writer.write_erasing(move |c| queries::erase(c, &r, &t)).await
    }

    async fn tombstones_of_clinician(&self, clinician_id: &str) -> DbResult<Vec<Tombstone>> {
        self.read(|c| queries::tombstones_of(c, TombstoneParty::Clinician, clinician_id))
    }

    async fn tombstones_of_device(&self, device_id: &str) -> DbResult<Vec<Tombstone>> {
        self.read(|c| queries::tombstones_of(c, TombstoneParty::Device, device_id))
    }

    async fn usage(&self, of: UsageOf<'_>) -> DbResult<Usage> {
        self.read(|c| queries::usage(c, of))
    }

    async fn audit(&self, entries: Vec<AuditEntry>) -> DbResult<()> {
        self.writer.write(move |c| queries::audit(c, entries)).await
    }

    async fn purge_expired(&self, now: i64) -> DbResult<()> {
        self.writer.write(move |c| queries::purge_expired(c, now)).await
    }

    async fn purge_history(&self, audit_before: i64, tombstones_before: i64) -> DbResult<Purged> {
        // Purged rows are erased history too.
        self.writer.write_erasing(move |c| queries::purge_history(c, audit_before, tombstones_before)).await
    }

    async fn dump_tables(&self) -> DbResult<Vec<TableDump>> {
        self.read(queries::dump_tables)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::MAX_PULL_BYTES;
    use rusqlite::{params, OptionalExtension};

    async fn fresh() -> (tempfile::TempDir, SqliteDb) {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = SqliteDb::open(&dir.path().join("server.sqlite3"), Opener::Server).expect("open");
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
            recipient_may_append: false,
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
            assert!(matches!(
                db.append(&s, &[i; 16], vec![i; big], ChunkWriter::Owner).await,
                Ok(AppendOutcome::Stored(_))
            ));
        }
        let first = db.pull(&s, 0, 1000).await.expect("pull");
        assert_eq!(first.chunks.iter().map(|c| c.seq).collect::<Vec<_>>(), vec![1, 2]);
        assert!(first.more, "two more chunks wait");
        let rest = db.pull(&s, 2, 1000).await.expect("pull");
        assert_eq!(rest.chunks.iter().map(|c| c.seq).collect::<Vec<_>>(), vec![3, 4]);
        assert!(!rest.more);
        assert_eq!(rest.chunks[1].data, vec![3u8; big], "the bytes come back as stored");
        // One chunk larger than the cap still comes back alone, so a reader never stalls.
        let s2 = share(&db, 2).await;
        db.append(&s2, &[9; 16], vec![9; MAX_PULL_BYTES + 1], ChunkWriter::Owner).await.expect("append");
        db.append(&s2, &[8; 16], vec![8; 10], ChunkWriter::Owner).await.expect("append");
        let p = db.pull(&s2, 0, 1000).await.expect("pull");
        assert_eq!((p.chunks.len(), p.more), (1, true));
    }

    /// A database file as version 1 of the server left it, in a fresh directory: share 0x11 has
    /// chunks 2 and 3 after a snapshot covering 1, and `last_seq` (its stored counter) at
    /// `last_seq`; one live and one expired nonce; a clinician with version 1's verifier.
    fn version_1_file(last_seq: i64) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("server.sqlite3");
        let c = Connection::open(&path).expect("open");
        c.execute_batch(migrations::V1_SQL).expect("v1 schema");
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
        c.execute(
            "INSERT INTO clinicians (id, clinic_id, email, display_name, kdf_salt, kdf_iterations, auth_hash, public_key,
               wrapped_private_key, created_ms) VALUES ('c', 'k', 'old@clinic.invalid', 'Dr Old', ?1, 600000, ?2, ?3, ?4, 1)",
            params![vec![5u8; 16], vec![6u8; 49], vec![7u8; 32], vec![1u8; 61]],
        )
        .expect("clinician");
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
        let db = SqliteDb::open(&path, Opener::Server).expect("upgrade");
        let s = [0x11u8; 16];
        let row = db.share(&s).await.expect("read").expect("the share is still there");
        assert_eq!((row.last_seq, row.snapshot_covers), (3, 1));
        let p = db.pull(&s, 0, 100).await.expect("pull");
        assert_eq!(
            (p.snapshot.map(|s| s.0), p.chunks.iter().map(|c| c.seq).collect::<Vec<_>>(), p.last_seq),
            (Some(1), vec![2, 3], 3)
        );
        assert!(
            matches!(db.append(&s, &[9; 16], vec![3], ChunkWriter::Owner).await, Ok(AppendOutcome::Stored(4))),
            "numbering goes on from 3"
        );
        assert!(
            !db.use_nonce("d", &[7; 16], 1_000, i64::MAX / 2).await.expect("nonce"),
            "a nonce from before the upgrade is refused"
        );
        let clinician = db.clinician_by_email("old@clinic.invalid").await.expect("read").expect("the account is kept");
        assert_eq!((clinician.id.as_str(), clinician.opaque_record), ("c", None));
        let legacy = db.legacy_login("c").await.expect("read").expect("its verifier moved across");
        assert_eq!((legacy.salt, legacy.iterations, legacy.auth_hash), (vec![5; 16], 600_000, vec![6; 49]));
        drop(db);
        assert_eq!(layout(&path), (migrations::VERSION, false));
        let c = Connection::open(&path).expect("open");
        let nonces: i64 = c.query_row("SELECT count(*) FROM nonces", [], |r| r.get(0)).expect("count");
        assert_eq!(nonces, 2, "the nonce rows moved across");
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn the_database_its_wal_and_shm_and_the_lock_are_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("server.db");
        let db = SqliteDb::open(&path, Opener::Server).expect("open");
        db.create_clinic("k", "Clinic", 1).await.expect("write");
        for name in ["server.db", "server.db-wal", "server.db-shm", "server.lock"] {
            let mode = std::fs::metadata(dir.path().join(name)).expect(name).permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{name} is {mode:o}");
        }
    }

    #[tokio::test]
    async fn a_new_file_starts_at_the_current_layout() {
        let (dir, db) = fresh().await;
        drop(db);
        assert_eq!(layout(&dir.path().join("server.sqlite3")), (migrations::VERSION, false));
    }

    #[tokio::test]
    async fn only_the_server_upgrades_a_file_and_a_newer_file_is_refused() {
        let (_dir, path) = version_1_file(3);
        let err = SqliteDb::open(&path, Opener::Admin).err().expect("an admin command does not upgrade");
        assert!(err.to_string().contains("needs an upgrade"), "{err}");
        assert_eq!(layout(&path), (1, true));
        drop(SqliteDb::open(&path, Opener::Server).expect("the server upgrades"));
        SqliteDb::open(&path, Opener::Admin).expect("then admin commands work");
        Connection::open(&path)
            .expect("open")
            .pragma_update(None, "user_version", migrations::VERSION + 1)
            .expect("version");
        let err = SqliteDb::open(&path, Opener::Server).err().expect("newer");
        assert!(err.to_string().contains("newer than this server knows"), "{err}");
    }

    #[tokio::test]
    async fn a_nonce_is_refused_again_after_a_restart() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("server.sqlite3");
        let (now, expires) = (1_000, i64::MAX / 2);
        {
            let db = SqliteDb::open(&path, Opener::Server).expect("open");
            assert!(db.use_nonce("device", &[5; 16], now, expires).await.expect("nonce"));
            assert!(!db.use_nonce("device", &[5; 16], now, expires).await.expect("nonce"), "replay");
            // Any awaited write commits in a batch at or after the one carrying the nonce.
            db.server_value("secret", vec![1; 32]).await.expect("write");
        }
        // Dropping the db releases its lock file, as a stopped server does.
        let db = SqliteDb::open(&path, Opener::Server).expect("reopen");
        assert!(!db.use_nonce("device", &[5; 16], now, expires).await.expect("nonce"), "replay after restart");
        assert!(db.use_nonce("device", &[6; 16], now, expires).await.expect("nonce"));
    }
}
