//! The core's rich error type.
//!
//! Rules every variant follows:
//! - no user text, no timestamps of user events, no key material in any message, `Display`
//!   or `Debug` output (messages name fields, records and limits, never values);
//! - every failure a user, a file or the network can cause is a variant here, never a panic.
//!
//! The bindings map this enum onto a small public error in one place
//! (`bindings/src/error.rs`).

use std::fmt;

use crate::id::RecordId;
use crate::store::RecordKind;

/// Result alias used throughout the core.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What is wrong with one stored record that failed to open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum IntegrityProblem {
    /// The authentication tag did not verify: the ciphertext, its header or its nonce was
    /// changed, or it was moved here from another row or column.
    Tampered,
    /// Fewer bytes than the header declares (or than a header needs).
    Truncated,
    /// A blob format version this build does not know.
    UnknownFormat(u8),
    /// The decrypted payload does not decode as this kind of record.
    Undecodable,
}

impl fmt::Display for IntegrityProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IntegrityProblem::Tampered => f.write_str("its contents were altered or moved from another record"),
            IntegrityProblem::Truncated => f.write_str("it is cut short"),
            IntegrityProblem::UnknownFormat(v) => {
                write!(f, "it uses format version {v}, which this version of the app does not know")
            }
            IntegrityProblem::Undecodable => f.write_str("its contents could not be decoded"),
        }
    }
}

/// Which way the store was asked to be unlocked, for error messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum KeyMethod {
    Passphrase,
    KeyProvider,
}

impl fmt::Display for KeyMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyMethod::Passphrase => f.write_str("passphrase"),
            KeyMethod::KeyProvider => f.write_str("device key"),
        }
    }
}

/// The core's error.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The passphrase or platform key does not open this store. Nothing was changed.
    #[error("that {0} does not open this store; nothing was changed")]
    WrongKey(KeyMethod),

    /// The store has no unlock method of the requested kind.
    #[error("this store is not protected by a {0}")]
    NoSuchKeyMethod(KeyMethod),

    /// No store exists at the given location.
    #[error("no store was found here; create one first")]
    NoStore,

    /// A store already exists at the location where a new one was to be created.
    #[error("a store already exists here")]
    AlreadyExists,

    /// An import target must be empty.
    #[error("this store already holds entries; restore into a new, empty store")]
    NotEmpty,

    /// Input failed validation. `field` names the field, `problem` the rule; neither ever
    /// contains what the user typed.
    #[error("{field}: {problem}")]
    Invalid { field: &'static str, problem: String },

    /// A record that does not exist (or was deleted).
    #[error("no {kind} with id {id}")]
    NotFound { kind: RecordKind, id: RecordId },

    /// An id prefix that matches more than one record.
    #[error("the id prefix matches more than one {kind}; type more characters")]
    AmbiguousId { kind: RecordKind },

    /// One record failed to open. The rest of the store is unaffected.
    #[error("{kind} {id} could not be opened: {problem}")]
    Integrity { kind: RecordKind, id: RecordId, problem: IntegrityProblem },

    /// The store's file comes from a newer version of the app.
    #[error("this store was written by a newer version of the app (schema {found}, this version knows up to {supported}); please update the app")]
    NewerSchema { found: u32, supported: u32 },

    /// The store's bookkeeping is damaged (not a single record: the file itself).
    #[error("the store is damaged: {0}")]
    Corrupt(&'static str),

    /// The device has no space left; nothing was written.
    #[error("the device is out of storage space; nothing was saved")]
    StorageFull,

    /// The database is locked by another process for longer than the timeout.
    #[error("the store is busy in another window or process; try again")]
    Busy,

    /// The platform key provider (Android Keystore / iOS Keychain) failed.
    #[error("the device key store failed: {0}")]
    KeyProvider(String),

    /// An export file is not usable.
    #[error("this export file cannot be used: {0}")]
    Export(&'static str),

    /// A state transition that is not allowed (for example checking in on an ended session).
    #[error("{0}")]
    State(&'static str),

    /// An automerge document could not be loaded or changed.
    #[error("a shared document could not be processed: {0}")]
    Document(&'static str),

    /// Sync-protocol data that is malformed, unauthenticated or too large.
    #[error("sync data problem: {0}")]
    Protocol(crate::protocol::ProtocolError),

    /// The network could not be reached; the sync is retried later.
    #[error("the server could not be reached: {0}")]
    Network(String),

    /// The server answered with an error.
    #[error("the server refused ({status}): {message}")]
    Server { status: u16, message: String },

    /// The sharing server refused to store more: one of its allowances (for this device, or
    /// for the clinic shared with) is used up. Nothing is lost: the data stays here and is sent
    /// when there is room again.
    #[error("{}", quota_words(*.0))]
    QuotaReached(crate::protocol::wire::Quota),

    /// A clinician's login did not go through: a wrong email or passphrase, too many recent
    /// attempts, or a server that could not prove it holds the account (one answer for all, so
    /// that nobody learns which). Nothing was sent that could be used to guess the passphrase.
    #[error("that email and passphrase did not open an account on this server (or there were too many attempts: wait a few minutes). An account made before OPAQUE logins needs `upgrade-login` once")]
    LoginRefused,

    /// The clinician's key does not match the fingerprint in the invite: nothing was kept.
    #[error("the clinician's key does not match the invite; ask them for a new invite and compare the code together")]
    KeyMismatch,

    /// Any other SQLite failure. The message comes from SQLite and holds no user data
    /// (every value is bound as a parameter, never formatted into SQL).
    #[error("storage error: {0}")]
    Storage(String),

    /// File-system failure outside SQLite (exports, data directory).
    #[error("file error: {0}")]
    Io(String),

    /// A random-number or key-derivation failure inside the crypto library.
    #[error("the system's cryptography failed")]
    Crypto,
}

/// What a full allowance means for the person, in plain words.
fn quota_words(q: crate::protocol::wire::Quota) -> &'static str {
    use crate::protocol::wire::Quota;
    match q {
        Quota::DeviceStorage => {
            "the sharing server has no more room for what this device shares; nothing is lost: it stays here and is sent when there is room"
        }
        Quota::DeviceShares => {
            "this device shares as many things as the sharing server allows; withdraw one you no longer need to share something new"
        }
        Quota::ClinicStorage | Quota::ClinicShares => {
            "the clinic's sharing server is full for now; nothing is lost: it stays here and is sent when the clinic has made room"
        }
    }
}

impl Error {
    /// Shorthand for a validation error.
    pub fn invalid(field: &'static str, problem: impl Into<String>) -> Self {
        Error::Invalid { field, problem: problem.into() }
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ffi::ErrorCode;
        match &e {
            rusqlite::Error::SqliteFailure(code, _) => match code.code {
                ErrorCode::DiskFull => Error::StorageFull,
                ErrorCode::DatabaseCorrupt => Error::Corrupt("the database file is corrupt"),
                ErrorCode::NotADatabase => Error::Corrupt("the file is not a companion store"),
                ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => Error::Busy,
                _ => Error::Storage(e.to_string()),
            },
            _ => Error::Storage(e.to_string()),
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        if e.kind() == std::io::ErrorKind::StorageFull {
            return Error::StorageFull;
        }
        // io::Error's Display can include a path; paths are chosen by the app, not user text.
        Error::Io(e.kind().to_string())
    }
}

impl From<ring::error::Unspecified> for Error {
    fn from(_: ring::error::Unspecified) -> Self {
        Error::Crypto
    }
}
