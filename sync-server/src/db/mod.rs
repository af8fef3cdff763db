//! Storage behind one trait, [`Storage`], with two backends: SQLite (embedded, one file, the
//! default) and PostgreSQL (several server processes on one database). Each backend is a
//! folder: how it opens and writes, its versioned migrations, its queries. The integration
//! suite runs the same tests against both.

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
    pub public_key: Vec<u8>,
    pub wrapped_private_key: Vec<u8>,
    /// The OPAQUE registration record; `None` for a version-1 account not yet upgraded.
    pub opaque_record: Option<Vec<u8>>,
}

/// A version-1 account's verifier, kept only until its one-time upgrade to OPAQUE.
#[derive(Clone)]
pub struct LegacyLogin {
    pub salt: Vec<u8>,
    pub iterations: u32,
    /// version ‖ salt ‖ Argon2id(auth secret) (see `api::legacy`).
    pub auth_hash: Vec<u8>,
}

impl fmt::Debug for LegacyLogin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LegacyLogin(<redacted>)")
    }
}

/// What a session token allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionScope {
    /// Everything a clinician does.
    Full,
    /// Only the one-time upgrade of a version-1 account.
    Upgrade,
}

impl SessionScope {
    pub fn as_str(self) -> &'static str {
        match self {
            SessionScope::Full => "full",
            SessionScope::Upgrade => "upgrade",
        }
    }
    fn parse(s: &str) -> Option<Self> {
        match s {
            "full" => Some(SessionScope::Full),
            "upgrade" => Some(SessionScope::Upgrade),
            _ => None,
        }
    }
}

/// A live session: whose, and what it allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    pub clinician_id: String,
    pub scope: SessionScope,
}

/// An OPAQUE login between KE2 and KE3: for which account name, and the server's state.
pub struct LoginAttempt {
    pub email: String,
    pub state: Vec<u8>,
}

impl fmt::Debug for LoginAttempt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LoginAttempt(<redacted>)")
    }
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
    /// The owner let the recipient append (the coping plan); fixed at creation.
    pub recipient_may_append: bool,
}

/// Which of a share's two parties wrote a chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Writer {
    Owner,
    Recipient,
}

/// One stored chunk as a pull returns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PulledChunk {
    pub seq: u64,
    pub data: Vec<u8>,
    pub by: Writer,
}

/// A share addressed to a clinician that its client erased: kept for the tombstone period so
/// the clinician learns of it, and erased with the device when it unpairs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tombstone {
    pub share_id: [u8; 16],
    pub device_id: String,
    pub clinician_id: String,
    pub erased_ms: i64,
}

/// A device paired with a clinician, and the sealed label it gave that pairing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientRow {
    pub device_id: String,
    pub paired_ms: i64,
    pub label: Option<Vec<u8>>,
}

/// Whose stored bytes and shares to count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UsageOf<'a> {
    /// The shares a device owns.
    Device(&'a str),
    /// The shares addressed to any clinician of a clinic.
    Clinic(&'a str),
}

/// Bytes stored (sealed chunks and snapshots) and shares held.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    pub bytes: u64,
    pub shares: u64,
}

/// What an erasure or an unpairing removed: the bytes of chunks and snapshots, and the shares.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Freed {
    pub bytes: u64,
    pub shares: u64,
}

/// What unpairing a device did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnpairOutcome {
    Done(Freed),
    /// The device's shares are not the ones given (one was created or erased meanwhile):
    /// nothing changed; look again and retry.
    Changed,
}

/// What the housekeeping of history removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Purged {
    pub audit: u64,
    pub tombstones: u64,
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
    pub chunks: Vec<PulledChunk>,
    pub last_seq: u64,
    pub more: bool,
}

/// What storing a snapshot did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SnapshotOutcome {
    Stored {
        removed: u64,
        /// Bytes no longer stored: the replaced snapshot and the chunks removed.
        freed: u64,
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

/// The server's storage: one trait, two backends ([`sqlite::SqliteDb`], [`postgres::PgDb`]).
/// Every method is one unit of work (one transaction where it writes more than one row).
#[async_trait::async_trait]
pub trait Storage: Send + Sync {
    /// `"sqlite"` or `"postgres"` (for metrics and logs).
    fn backend(&self) -> &'static str;
    /// Whether other server processes may write this storage too (PostgreSQL): then what a
    /// process keeps in memory about it (storage counts) must be refreshed from time to time.
    fn shared_by_processes(&self) -> bool;

    /// A server-wide value under `name` (`secret`, `opaque`), set to `fresh` on first use.
    async fn server_value(&self, name: &'static str, fresh: Vec<u8>) -> DbResult<Vec<u8>>;

    async fn create_clinic(&self, id: &str, name: &str, now: i64) -> DbResult<()>;
    async fn clinic_exists(&self, id: &str) -> DbResult<bool>;

    async fn create_invite(&self, invite: &NewInvite<'_>) -> DbResult<()>;
    /// An invite that exists, has this kind, is unexpired and unused, without using it.
    async fn peek_invite(&self, token_hash: &[u8; 32], kind: InviteKind, now: i64) -> DbResult<Option<InviteRow>>;
    /// Use an invite once: returns it if it exists, has this kind, is unexpired and unused.
    async fn take_invite(&self, token_hash: &[u8; 32], kind: InviteKind, now: i64) -> DbResult<Option<InviteRow>>;

    async fn create_clinician(&self, c: &ClinicianRow, now: i64) -> DbResult<()>;
    async fn clinician_by_email(&self, email: &str) -> DbResult<Option<ClinicianRow>>;
    async fn clinician_by_id(&self, id: &str) -> DbResult<Option<ClinicianRow>>;
    /// A version-1 account's verifier (none once upgraded).
    async fn legacy_login(&self, clinician_id: &str) -> DbResult<Option<LegacyLogin>>;
    /// The upgrade's last step, in one transaction: store the OPAQUE record and the re-wrapped
    /// private key, delete the version-1 verifier and every upgrade session of the account.
    /// False when the account has no verifier left (already upgraded).
    async fn complete_upgrade(&self, clinician_id: &str, record: &[u8], wrapped_private_key: &[u8]) -> DbResult<bool>;

    /// Keep an OPAQUE login's state between KE2 and KE3, under the hash of its id.
    async fn put_login_attempt(&self, id_hash: &[u8; 32], attempt: &LoginAttempt, expires: i64) -> DbResult<()>;
    /// Take (and delete) an unexpired login attempt: each can be finished once.
    async fn take_login_attempt(&self, id_hash: &[u8; 32], now: i64) -> DbResult<Option<LoginAttempt>>;
    async fn create_ticket(&self, token_hash: &[u8; 32], clinician_id: &str, expires: i64) -> DbResult<()>;
    /// The account an unexpired login ticket belongs to.
    async fn ticket_owner(&self, token_hash: &[u8; 32], now: i64) -> DbResult<Option<String>>;

    async fn create_session(&self, token_hash: &[u8; 32], session: &SessionRow, expires: i64) -> DbResult<()>;
    /// The unexpired session this token opens.
    async fn session(&self, token_hash: &[u8; 32], now: i64) -> DbResult<Option<SessionRow>>;
    async fn delete_session(&self, token_hash: &[u8; 32]) -> DbResult<()>;

    /// Register a device key (idempotent for the same key; a different key under the same id
    /// is a conflict) and pair it with a clinician, with the sealed label it gave (a label
    /// given again replaces the pairing's; none keeps it).
    async fn register_device(&self, device: &NewDevice<'_>) -> DbResult<()>;
    async fn device_key(&self, id: &str) -> DbResult<Option<[u8; 32]>>;
    async fn is_paired(&self, device_id: &str, clinician_id: &str) -> DbResult<bool>;
    /// Replace (or with `None` remove) the label of a pairing; false when not paired.
    async fn set_label(&self, device_id: &str, clinician_id: &str, label: Option<Vec<u8>>) -> DbResult<bool>;
    /// The devices paired with a clinician, oldest pairing first.
    async fn clients_of_clinician(&self, clinician_id: &str) -> DbResult<Vec<ClientRow>>;
    /// Erase a device and everything of it, in one transaction: its shares with their chunks,
    /// snapshots and wrapped keys, its pairings and labels, its nonces, the tombstones of its
    /// erased shares, the erasure records among `share_refs`, and every audit row it made or
    /// that names one of `share_refs`. Refused as [`UnpairOutcome::Changed`] unless the device's
    /// shares are exactly `shares` (so that every share's pseudonym is in `share_refs`).
    async fn unpair(&self, device: &Unpairing<'_>) -> DbResult<UnpairOutcome>;
    /// Record a request nonce; false when it was already used (a replay).
    async fn use_nonce(&self, device_id: &str, nonce: &[u8; 16], now: i64, expires: i64) -> DbResult<bool>;

    async fn is_erased(&self, share_ref: &[u8; 32]) -> DbResult<bool>;
    async fn create_share(&self, s: &ShareRow) -> DbResult<()>;
    async fn share(&self, id: &[u8; 16]) -> DbResult<Option<ShareRow>>;
    async fn shares_of_device(&self, device_id: &str) -> DbResult<Vec<ShareRow>>;
    async fn shares_of_clinician(&self, clinician_id: &str) -> DbResult<Vec<ShareRow>>;
    /// Append a sealed change chunk with the next sequence number (idempotent by chunk id).
    async fn append(&self, share: &[u8; 16], chunk_id: &[u8; 16], data: Vec<u8>, by: Writer)
        -> DbResult<AppendOutcome>;
    /// The snapshot (when `after` is below its coverage) and the chunks after it, bounded by
    /// `limit` and [`MAX_PULL_BYTES`].
    async fn pull(&self, share: &[u8; 16], after: u64, limit: u32) -> DbResult<Pulled>;
    /// Store a snapshot covering `covers` and delete exactly the chunks it covers.
    async fn put_snapshot(&self, snapshot: NewSnapshot<'_>, data: Vec<u8>) -> DbResult<SnapshotOutcome>;
    /// Delete every chunk, snapshot and the wrapped key of a share and every audit row naming
    /// it, remember its pseudonym so the id is refused from now on, and leave its recipient a
    /// tombstone; one transaction. Nothing is freed when there is no such share.
    async fn erase(&self, share_ref: &[u8; 32], tombstone: &Tombstone) -> DbResult<Freed>;
    /// The tombstones left for a clinician, oldest first.
    async fn tombstones_of_clinician(&self, clinician_id: &str) -> DbResult<Vec<Tombstone>>;
    /// The tombstones of the shares a device erased.
    async fn tombstones_of_device(&self, device_id: &str) -> DbResult<Vec<Tombstone>>;
    /// Bytes and shares held by a device or by a clinic's recipients.
    async fn usage(&self, of: UsageOf<'_>) -> DbResult<Usage>;

    /// Append audit entries (in one transaction). An entry naming a share that is erased by
    /// then is dropped: an erased share's audit rows go with it.
    async fn audit(&self, entries: Vec<AuditEntry>) -> DbResult<()>;
    /// Delete expired nonces, sessions, login attempts and tickets.
    async fn purge_expired(&self, now: i64) -> DbResult<()>;
    /// Delete audit rows older than `audit_before` and tombstones older than
    /// `tombstones_before` (milliseconds since the epoch).
    async fn purge_history(&self, audit_before: i64, tombstones_before: i64) -> DbResult<Purged>;
    /// Every table with every stored value (for tests that check erasure with SQL).
    async fn dump_tables(&self) -> DbResult<Vec<TableDump>>;
}

/// The storage the server runs on.
pub type Db = Box<dyn Storage>;

/// An invite to store (the token itself only by its SHA-256).
#[derive(Debug, Clone, Copy)]
pub struct NewInvite<'a> {
    pub token_hash: &'a [u8; 32],
    pub kind: InviteKind,
    pub clinic_id: &'a str,
    pub clinician_id: Option<&'a str>,
    pub created_ms: i64,
    pub expires_ms: i64,
}

/// A device to register and pair.
#[derive(Debug, Clone, Copy)]
pub struct NewDevice<'a> {
    pub id: &'a str,
    pub public_key: &'a [u8; 32],
    pub clinician_id: &'a str,
    pub label: Option<&'a [u8]>,
    pub now: i64,
}

/// A device to unpair: its id, the shares it owns now (and their pseudonyms), and the
/// pseudonyms of the shares it erased that still have tombstones.
#[derive(Debug, Clone, Copy)]
pub struct Unpairing<'a> {
    pub device_id: &'a str,
    pub shares: &'a [[u8; 16]],
    pub share_refs: &'a [[u8; 32]],
}

/// A snapshot to store: its share, what it covers and its chunk id (from its sealed header).
#[derive(Debug, Clone, Copy)]
pub struct NewSnapshot<'a> {
    pub share: &'a [u8; 16],
    pub covers: u64,
    pub chunk_id: &'a [u8; 16],
}

/// One table's name and every value in it (each column of each row, as bytes or text).
#[derive(Debug, Clone)]
pub struct TableDump {
    pub table: String,
    pub values: Vec<Vec<u8>>,
}

pub(crate) fn parse_kind(s: &str) -> DbResult<InviteKind> {
    InviteKind::parse(s).ok_or(DbError::Storage("unknown invite kind in the database".into()))
}

pub(crate) fn parse_scope(s: &str) -> DbResult<SessionScope> {
    SessionScope::parse(s).ok_or(DbError::Storage("unknown session scope in the database".into()))
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
