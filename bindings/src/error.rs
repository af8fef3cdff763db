//! The one public error of the bindings, and its mapping from the core's rich error.
//!
//! Apps branch on the variant (Kotlin `CompanionException.WrongKey`, Swift
//! `CompanionError.WrongKey`, Python `CompanionError.WrongKey`) and may show `detail`, a
//! plain sentence for people. Like the core's messages, `detail` never holds what the user
//! typed, timestamps of their entries, or key material.
//!
//! Every core error maps to exactly one variant, here and nowhere else.

use std::fmt;

use companion_core::{Error, KeyMethod};

/// What went wrong, in terms an app can act on. Every variant has `detail`, a plain sentence
/// for people (also Kotlin's `toString()` and Swift's `description`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Error)]
#[uniffi::export(Display)]
pub enum CompanionError {
    /// The passphrase or the device key does not open this store. Nothing was changed:
    /// ask again (passphrase) or fall back to the passphrase (device key).
    WrongKey { method: KeyMethod, detail: String },
    /// Something the user entered breaks a rule. `field` names the field (for example
    /// "intensity", "note", "date range", "id", "passphrase") so the app can point at it.
    InvalidInput { field: String, detail: String },
    /// The thing asked for does not exist: `what` is "store", "urge entry", "unlock method", ...
    NotFound { what: String, detail: String },
    /// Something already exists where a new one was to be made: `what` is "store", ...
    AlreadyExists { what: String, detail: String },
    /// The request is not allowed in the current state (for example removing the only unlock
    /// method, restoring into a store that already holds entries, using a locked store).
    NotAllowed { detail: String },
    /// The device is out of space; nothing was saved.
    StorageFull { detail: String },
    /// The store file, or one entry in it (a pairing's keys included), is damaged. Nothing
    /// else is affected.
    StorageCorrupt { detail: String },
    /// The store was written by a newer version of the app; ask the person to update.
    NeedsNewerApp { detail: String },
    /// Another process holds the store for longer than the wait time; try again shortly.
    Busy { detail: String },
    /// The platform key store (Android Keystore, iOS Keychain) failed or the app's
    /// `KeyProvider` threw. Offer the passphrase instead.
    KeyProviderFailed { detail: String },
    /// An export file is damaged, cut short, not an export, or from a newer app version.
    BadExportFile { detail: String },
    /// Any other failure of storage or of the system (disk I/O, the system's cryptography, a
    /// background thread that could not start).
    StorageFailed { detail: String },
    /// The sync server could not be reached (no network, a timeout). Nothing is lost; the
    /// sync is tried again later.
    Offline { detail: String },
    /// The sync server answered with an error (`status` is its HTTP status: 401/403 after an
    /// account change, 404 for an unknown invite, 507 when an allowance of this device or of
    /// the clinic is used up (nothing is lost: the data stays here and is sent later), 5xx for a
    /// server in trouble).
    ServerRefused { status: u16, detail: String },
    /// The clinician's key does not match the code in their invite: nothing was kept. Ask them
    /// for a new invite and compare the code together.
    KeyMismatch { detail: String },
}

impl fmt::Display for CompanionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CompanionError::InvalidInput { detail, .. } => f.write_str(detail),
            CompanionError::WrongKey { detail, .. }
            | CompanionError::NotFound { detail, .. }
            | CompanionError::AlreadyExists { detail, .. }
            | CompanionError::NotAllowed { detail }
            | CompanionError::StorageFull { detail }
            | CompanionError::StorageCorrupt { detail }
            | CompanionError::NeedsNewerApp { detail }
            | CompanionError::Busy { detail }
            | CompanionError::KeyProviderFailed { detail }
            | CompanionError::BadExportFile { detail }
            | CompanionError::StorageFailed { detail }
            | CompanionError::Offline { detail }
            | CompanionError::ServerRefused { detail, .. }
            | CompanionError::KeyMismatch { detail } => f.write_str(detail),
        }
    }
}

impl std::error::Error for CompanionError {}

impl From<Error> for CompanionError {
    fn from(e: Error) -> Self {
        let detail = e.to_string();
        match e {
            Error::WrongKey(method) => CompanionError::WrongKey { method, detail },
            Error::LoginRefused => CompanionError::WrongKey { method: KeyMethod::Passphrase, detail },
            Error::Invalid { field, .. } => CompanionError::InvalidInput { field: field.to_string(), detail },
            Error::AmbiguousId { .. } => CompanionError::InvalidInput { field: "id".into(), detail },
            Error::NoStore => CompanionError::NotFound { what: "store".into(), detail },
            Error::NotFound { kind, .. } => CompanionError::NotFound { what: kind.label().into(), detail },
            Error::NoSuchKeyMethod(_) => CompanionError::NotFound { what: "unlock method".into(), detail },
            Error::AlreadyExists => CompanionError::AlreadyExists { what: "store".into(), detail },
            Error::NotEmpty | Error::State(_) => CompanionError::NotAllowed { detail },
            Error::StorageFull => CompanionError::StorageFull { detail },
            // Protocol data the app can meet is stored (a pairing's device key): a damaged
            // record. Sync data from the network fails per share, inside the sync report.
            Error::Corrupt(_) | Error::Integrity { .. } | Error::Document(_) | Error::Protocol(_) => {
                CompanionError::StorageCorrupt { detail }
            }
            Error::NewerSchema { .. } => CompanionError::NeedsNewerApp { detail },
            Error::Busy => CompanionError::Busy { detail },
            Error::KeyProvider(_) => CompanionError::KeyProviderFailed { detail },
            Error::Export(_) => CompanionError::BadExportFile { detail },
            Error::Storage(_) | Error::Io(_) | Error::Crypto => CompanionError::StorageFailed { detail },
            Error::Network(_) => CompanionError::Offline { detail },
            Error::Server { status, .. } => CompanionError::ServerRefused { status, detail },
            Error::KeyMismatch => CompanionError::KeyMismatch { detail },
            // Only sync meets an allowance, and sync reports it per share (its words name it);
            // should a call ever meet one, it is the server's 507.
            Error::QuotaReached(_) => CompanionError::ServerRefused { status: 507, detail },
        }
    }
}

impl CompanionError {
    /// A validation error raised by the bindings themselves (for example an id that does not
    /// parse), shaped like the core's.
    pub(crate) fn invalid(field: &'static str, problem: &str) -> Self {
        CompanionError::from(Error::invalid(field, problem))
    }

    /// A state error raised by the bindings themselves.
    pub(crate) fn not_allowed(detail: &'static str) -> Self {
        CompanionError::from(Error::State(detail))
    }
}

/// Shorthand for results crossing the FFI.
pub type Result<T, E = CompanionError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use companion_core::{IntegrityProblem, RecordId, RecordKind};

    use super::*;

    #[test]
    fn every_core_error_maps_to_one_variant_with_its_message() {
        let id = RecordId::from_bytes([7; 16]);
        let cases: Vec<(Error, &str)> = vec![
            (Error::WrongKey(KeyMethod::Passphrase), "WrongKey"),
            (Error::NoSuchKeyMethod(KeyMethod::KeyProvider), "NotFound"),
            (Error::NoStore, "NotFound"),
            (Error::AlreadyExists, "AlreadyExists"),
            (Error::NotEmpty, "NotAllowed"),
            (Error::invalid("note", "is too long"), "InvalidInput"),
            (Error::NotFound { kind: RecordKind::Urge, id }, "NotFound"),
            (Error::AmbiguousId { kind: RecordKind::Urge }, "InvalidInput"),
            (Error::Integrity { kind: RecordKind::Urge, id, problem: IntegrityProblem::Tampered }, "StorageCorrupt"),
            (Error::NewerSchema { found: 9, supported: 1 }, "NeedsNewerApp"),
            (Error::Corrupt("the store id is missing"), "StorageCorrupt"),
            (Error::StorageFull, "StorageFull"),
            (Error::Busy, "Busy"),
            (Error::KeyProvider("keystore locked".into()), "KeyProviderFailed"),
            (Error::Export("the file is incomplete"), "BadExportFile"),
            (Error::State("the session has ended"), "NotAllowed"),
            (Error::Document("bad chunk"), "StorageCorrupt"),
            (Error::Storage("disk I/O error".into()), "StorageFailed"),
            (Error::Io("permission denied".into()), "StorageFailed"),
            (Error::Crypto, "StorageFailed"),
            (Error::Network("connection refused".into()), "Offline"),
            (Error::Server { status: 503, message: "try later".into() }, "ServerRefused"),
            (Error::Protocol(companion_core::protocol::ProtocolError::Authentication), "StorageCorrupt"),
            (Error::KeyMismatch, "KeyMismatch"),
            (Error::LoginRefused, "WrongKey"),
            (Error::QuotaReached(companion_core::protocol::wire::Quota::DeviceStorage), "ServerRefused"),
        ];
        for (core, variant) in cases {
            let message = core.to_string();
            let public = CompanionError::from(core);
            let debug = format!("{public:?}");
            assert!(debug.starts_with(variant), "{debug} should be {variant}");
            assert_eq!(public.to_string(), message);
        }
    }

    #[test]
    fn invalid_input_names_the_field() {
        match CompanionError::from(Error::invalid("intensity", "use 0 to 10")) {
            CompanionError::InvalidInput { field, detail } => {
                assert_eq!(field, "intensity");
                assert_eq!(detail, "intensity: use 0 to 10");
            }
            other => panic!("unexpected {other:?}"),
        }
        match CompanionError::from(Error::NotFound { kind: RecordKind::Urge, id: RecordId::from_bytes([1; 16]) }) {
            CompanionError::NotFound { what, .. } => assert_eq!(what, "urge entry"),
            other => panic!("unexpected {other:?}"),
        }
    }
}
