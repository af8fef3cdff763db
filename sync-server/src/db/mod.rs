//! Storage behind one interface, with two backends: SQLite (embedded, one file, the default)
//! and PostgreSQL (several server processes on one database). The integration suite runs the
//! same tests against both.

pub mod postgres;
pub mod sqlite;

use std::fmt;

/// A storage failure. Messages hold no client data (it is all ciphertext anyway, and values
/// are bound as parameters, never formatted into SQL).
#[derive(Debug, Clone, thiserror::Error)]
pub enum DbError {
    #[error("storage: {0}")]
    Storage(String),
    /// A uniqueness rule would be broken (e.g. an email already registered).
    #[error("conflict: {0}")]
    Conflict(&'static str),
}

pub type DbResult<T> = Result<T, DbError>;

/// A pull returns at most about this many bytes of chunks (at least one chunk), and says
/// `more` so the reader pulls again.
pub const MAX_PULL_BYTES: usize = 8 * 1024 * 1024;

impl From<rusqlite::Error> for DbError {
    fn from(e: rusqlite::Error) -> Self {
        DbError::Storage(e.to_string())
    }
}

impl From<tokio_postgres::Error> for DbError {
    fn from(e: tokio_postgres::Error) -> Self {
        if let Some(db) = e.as_db_error() {
            if db.code() == &tokio_postgres::error::SqlState::UNIQUE_VIOLATION {
                return DbError::Conflict("unique");
            }
        }
        DbError::Storage(e.to_string())
    }
}

impl From<deadpool_postgres::PoolError> for DbError {
    fn from(e: deadpool_postgres::PoolError) -> Self {
        DbError::Storage(e.to_string())
    }
}

/// An invite as stored (the token itself is only known by its SHA-256).
#[derive(Debug, Clone)]
pub struct InviteRow {
    pub kind: InviteKind,
    pub clinic_id: String,
    pub clinician_id: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InviteKind {
    /// Lets someone create a clinician account in a clinic (made by the admin command).
    Clinician,
    /// Lets a client device pair with a clinician (made by that clinician).
    Client,
}

impl InviteKind {
    pub fn as_str(self) -> &'static str {
        match self {
            InviteKind::Clinician => "clinician",
            InviteKind::Client => "client",
        }
    }
    fn parse(s: &str) -> Option<Self> {
        match s {
            "clinician" => Some(InviteKind::Clinician),
            "client" => Some(InviteKind::Client),
            _ => None,
        }
    }
}

#[derive(Clone)]
pub struct ClinicianRow {
    pub id: String,
    pub clinic_id: String,
    pub email: String,
    pub display_name: String,
    pub kdf_salt: Vec<u8>,
    pub kdf_iterations: u32,
    pub auth_hash: Vec<u8>,
    pub public_key: Vec<u8>,
    pub wrapped_private_key: Vec<u8>,
    pub failed_logins: u32,
    pub locked_until_ms: i64,
}

impl fmt::Debug for ClinicianRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ClinicianRow({})", self.id)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareRow {
    pub id: [u8; 16],
    pub device_id: String,
    pub clinician_id: String,
    pub wrapped_key: Vec<u8>,
    pub last_seq: u64,
    pub snapshot_covers: u64,
    pub created_ms: i64,
}

/// What an append did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppendOutcome {
    Stored(u64),
    /// The chunk id was already stored: its sequence number (a retry, not a duplicate).
    Existing(u64),
    NoShare,
}

/// The result of a pull.
#[derive(Debug, Clone, Default)]
pub struct Pulled {
    pub snapshot: Option<(u64, Vec<u8>)>,
    pub chunks: Vec<(u64, Vec<u8>)>,
    pub last_seq: u64,
    pub more: bool,
}

/// What storing a snapshot did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SnapshotOutcome {
    Stored {
        removed: u64,
    },
    /// The same snapshot (same chunk id) was already stored.
    Existing,
    /// It covers sequence numbers that do not exist yet, or less than the stored one.
    Stale,
    NoShare,
}

/// One audit entry: who did what to which share (pseudonymised), when, with what result.
#[derive(Debug, Clone)]
pub struct AuditEntry {
    pub at_ms: i64,
    pub actor: String,
    pub action: &'static str,
    pub share_ref: Option<[u8; 32]>,
    pub status: u16,
}

/// The storage used by the server.
pub enum Db {
    Sqlite(sqlite::SqliteDb),
    Postgres(postgres::PgDb),
}

macro_rules! dispatch {
    ($self:ident, $db:ident => $e:expr) => {
        match $self {
            Db::Sqlite($db) => $e,
            Db::Postgres($db) => $e,
        }
    };
}

impl Db {
    pub fn backend(&self) -> &'static str {
        match self {
            Db::Sqlite(_) => "sqlite",
            Db::Postgres(_) => "postgres",
        }
    }

    /// The 32-byte server secret, created on first use.
    pub async fn server_secret(&self) -> DbResult<[u8; 32]> {
        dispatch!(self, d => d.server_secret().await)
    }

    pub async fn create_clinic(&self, id: &str, name: &str, now: i64) -> DbResult<()> {
        dispatch!(self, d => d.create_clinic(id, name, now).await)
    }

    pub async fn clinic_exists(&self, id: &str) -> DbResult<bool> {
        dispatch!(self, d => d.clinic_exists(id).await)
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
        dispatch!(self, d => d.create_invite(token_hash, kind, clinic_id, clinician_id, now, expires).await)
    }

    /// Use an invite once: returns it if it exists, has this kind, is unexpired and unused.
    pub async fn take_invite(&self, token_hash: &[u8; 32], kind: InviteKind, now: i64) -> DbResult<Option<InviteRow>> {
        dispatch!(self, d => d.take_invite(token_hash, kind, now).await)
    }

    pub async fn create_clinician(&self, c: &ClinicianRow, now: i64) -> DbResult<()> {
        dispatch!(self, d => d.create_clinician(c, now).await)
    }

    pub async fn clinician_by_email(&self, email: &str) -> DbResult<Option<ClinicianRow>> {
        dispatch!(self, d => d.clinician_by("email", email).await)
    }

    pub async fn clinician_by_id(&self, id: &str) -> DbResult<Option<ClinicianRow>> {
        dispatch!(self, d => d.clinician_by("id", id).await)
    }

    /// Count a failed login; lock the account for `lock_ms` once `max` failures accumulate.
    pub async fn login_failed(&self, id: &str, now: i64, max: u32, lock_ms: i64) -> DbResult<()> {
        dispatch!(self, d => d.login_failed(id, now, max, lock_ms).await)
    }

    pub async fn login_succeeded(&self, id: &str) -> DbResult<()> {
        dispatch!(self, d => d.login_succeeded(id).await)
    }

    pub async fn create_session(&self, token_hash: &[u8; 32], clinician_id: &str, expires: i64) -> DbResult<()> {
        dispatch!(self, d => d.create_session(token_hash, clinician_id, expires).await)
    }

    pub async fn session(&self, token_hash: &[u8; 32], now: i64) -> DbResult<Option<String>> {
        dispatch!(self, d => d.session(token_hash, now).await)
    }

    pub async fn delete_session(&self, token_hash: &[u8; 32]) -> DbResult<()> {
        dispatch!(self, d => d.delete_session(token_hash).await)
    }

    /// Register a device key (idempotent for the same key; a different key under the same id
    /// is a conflict) and pair it with a clinician.
    pub async fn register_device(&self, id: &str, public_key: &[u8; 32], clinician_id: &str, now: i64) -> DbResult<()> {
        dispatch!(self, d => d.register_device(id, public_key, clinician_id, now).await)
    }

    pub async fn device_key(&self, id: &str) -> DbResult<Option<[u8; 32]>> {
        dispatch!(self, d => d.device_key(id).await)
    }

    pub async fn is_paired(&self, device_id: &str, clinician_id: &str) -> DbResult<bool> {
        dispatch!(self, d => d.is_paired(device_id, clinician_id).await)
    }

    /// Record a request nonce; false when it was already used (a replay).
    pub async fn use_nonce(&self, device_id: &str, nonce: &[u8; 16], now: i64, expires: i64) -> DbResult<bool> {
        dispatch!(self, d => d.use_nonce(device_id, nonce, now, expires).await)
    }

    pub async fn is_erased(&self, share_ref: &[u8; 32]) -> DbResult<bool> {
        dispatch!(self, d => d.is_erased(share_ref).await)
    }

    pub async fn create_share(&self, s: &ShareRow) -> DbResult<()> {
        dispatch!(self, d => d.create_share(s).await)
    }

    pub async fn share(&self, id: &[u8; 16]) -> DbResult<Option<ShareRow>> {
        dispatch!(self, d => d.share(id).await)
    }

    pub async fn shares_of_device(&self, device_id: &str) -> DbResult<Vec<ShareRow>> {
        dispatch!(self, d => d.shares_where("device_id", device_id).await)
    }

    pub async fn shares_of_clinician(&self, clinician_id: &str) -> DbResult<Vec<ShareRow>> {
        dispatch!(self, d => d.shares_where("clinician_id", clinician_id).await)
    }

    pub async fn append(&self, share: &[u8; 16], chunk_id: &[u8; 16], data: Vec<u8>) -> DbResult<AppendOutcome> {
        dispatch!(self, d => d.append(share, chunk_id, data).await)
    }

    pub async fn pull(&self, share: &[u8; 16], after: u64, limit: u32) -> DbResult<Pulled> {
        dispatch!(self, d => d.pull(share, after, limit).await)
    }

    pub async fn put_snapshot(
        &self,
        share: &[u8; 16],
        covers: u64,
        chunk_id: &[u8; 16],
        data: Vec<u8>,
    ) -> DbResult<SnapshotOutcome> {
        dispatch!(self, d => d.put_snapshot(share, covers, chunk_id, data).await)
    }

    /// Delete every chunk, snapshot and the wrapped key of a share, and remember only its
    /// pseudonym so the id is refused from now on.
    pub async fn erase(&self, share: &[u8; 16], share_ref: &[u8; 32], now: i64) -> DbResult<()> {
        dispatch!(self, d => d.erase(share, share_ref, now).await)
    }

    /// Append audit entries (in one transaction).
    pub async fn audit(&self, entries: Vec<AuditEntry>) -> DbResult<()> {
        dispatch!(self, d => d.audit(entries).await)
    }

    /// Delete expired nonces and sessions.
    pub async fn purge_expired(&self, now: i64) -> DbResult<()> {
        dispatch!(self, d => d.purge_expired(now).await)
    }

    /// Every table's name, for tests that check erasure with SQL.
    pub async fn dump_tables(&self) -> DbResult<Vec<(String, Vec<Vec<u8>>)>> {
        dispatch!(self, d => d.dump_tables().await)
    }
}

pub(crate) fn parse_kind(s: &str) -> DbResult<InviteKind> {
    InviteKind::parse(s).ok_or(DbError::Storage("unknown invite kind in the database".into()))
}

pub(crate) fn to_u64(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

pub(crate) fn to_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

pub(crate) fn arr16(v: &[u8]) -> DbResult<[u8; 16]> {
    <[u8; 16]>::try_from(v).map_err(|_| DbError::Storage("a stored id has the wrong length".into()))
}

pub(crate) fn arr32(v: &[u8]) -> DbResult<[u8; 32]> {
    <[u8; 32]>::try_from(v).map_err(|_| DbError::Storage("a stored key has the wrong length".into()))
}
