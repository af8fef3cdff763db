//! The sync protocol's cryptography and formats (docs/protocol.md), shared by the client's
//! sync engine, the clinician reader and the sync server. Pure code: no I/O.
//!
//! - [`envelope`]: sealed automerge change chunks and snapshots (AES-256-GCM per chunk);
//! - [`keys`]: share keys, recipient (clinician) X25519 keys and their fingerprints;
//! - [`hpke`]: RFC 9180 HPKE base mode, used to wrap a share key to its recipient;
//! - [`opaque`]: the clinician's login (OPAQUE, RFC 9807);
//! - [`login`]: the first login scheme (only for the one-time upgrade) and the wrapping of the
//!   clinician's private key;
//! - [`device`]: Ed25519 device keys and signed requests;
//! - [`invite`]: the invite a clinician gives a client (server, token, key fingerprint).
//!
//! Every format here has fixed-input test vectors in `docs/test-vectors/`, so a second
//! implementation (the TypeScript dashboard) can be checked byte for byte.

pub mod device;
pub mod envelope;
pub mod hpke;
pub mod invite;
pub mod keys;
pub mod login;
pub mod opaque;
pub mod passphrase;
pub mod server_url;
pub mod wire;

#[cfg(test)]
mod vectors;

use std::fmt;
use std::str::FromStr;

use data_encoding::BASE64URL_NOPAD;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub use device::{device_id, verify_request, DeviceKey, SignedRequest};
pub use envelope::{open_chunk, parse_chunk_header, seal_chunk, ChunkHeader, ChunkKind, MAX_SEALED_CHUNK};
pub use invite::Invite;
pub use keys::{fingerprint, unwrap_share_key, wrap_share_key, RecipientPublic, RecipientSecret, ShareKey};
pub use login::{
    derive_clinician_keys, legacy_upgrade_iterations, unwrap_recipient_secret, wrap_recipient_secret, ClinicianKeys,
    WrapKey, CLINICIAN_KDF_ITERATIONS, LEGACY_MIN_KDF_ITERATIONS,
};

/// Version byte of every binary format in this module.
pub const PROTOCOL_VERSION: u8 = 1;

/// What went wrong with protocol data. Messages never contain the data itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ProtocolError {
    /// Bytes or text that do not have the expected shape.
    #[error("malformed {0}")]
    Malformed(&'static str),
    /// A version this build does not know.
    #[error("unknown format version {0}")]
    UnknownVersion(u8),
    /// Authentication failed: wrong key, or the data was altered or moved.
    #[error("the data could not be authenticated (wrong key, or altered)")]
    Authentication,
    /// Larger than the protocol allows.
    #[error("too large")]
    TooLarge,
    /// The system's random-number generator or crypto library failed.
    #[error("the system's cryptography failed")]
    Crypto,
}

impl From<ring::error::Unspecified> for ProtocolError {
    fn from(_: ring::error::Unspecified) -> Self {
        ProtocolError::Crypto
    }
}

/// base64url without padding, as used for every binary value in JSON and headers.
pub fn b64(bytes: &[u8]) -> String {
    BASE64URL_NOPAD.encode(bytes)
}

/// Decode base64url (no padding), refusing anything else.
pub fn unb64(text: &str, what: &'static str) -> Result<Vec<u8>, ProtocolError> {
    BASE64URL_NOPAD.decode(text.as_bytes()).map_err(|_| ProtocolError::Malformed(what))
}

/// Decode base64url into exactly `N` bytes.
pub fn unb64_array<const N: usize>(text: &str, what: &'static str) -> Result<[u8; N], ProtocolError> {
    let v = unb64(text, what)?;
    <[u8; N]>::try_from(v.as_slice()).map_err(|_| ProtocolError::Malformed(what))
}

pub(crate) fn random_array<const N: usize>() -> Result<[u8; N], ProtocolError> {
    crate::crypto::random_array().map_err(|_| ProtocolError::Crypto)
}

macro_rules! id16 {
    ($name:ident, $what:literal, $doc:literal) => {
        #[doc = $doc]
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub [u8; 16]);

        impl $name {
            pub fn random() -> Result<Self, ProtocolError> {
                Ok($name(random_array()?))
            }
            pub fn as_bytes(&self) -> &[u8; 16] {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&b64(&self.0))
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "({})"), b64(&self.0))
            }
        }

        impl FromStr for $name {
            type Err = ProtocolError;
            fn from_str(s: &str) -> Result<Self, ProtocolError> {
                unb64_array::<16>(s, $what).map($name)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&b64(&self.0))
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                s.parse().map_err(|_| serde::de::Error::custom($what))
            }
        }
    };
}

id16!(ShareId, "share id", "A share's id: 16 random bytes chosen by the client (base64url in text).");
id16!(ChunkId, "chunk id", "A chunk's id: 16 random bytes chosen by its writer; the idempotency key of an append.");

impl From<ProtocolError> for crate::error::Error {
    fn from(e: ProtocolError) -> Self {
        match e {
            ProtocolError::Crypto => crate::error::Error::Crypto,
            other => crate::error::Error::Protocol(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_as_text_and_json() {
        let id = ShareId::random().unwrap();
        let t = id.to_string();
        assert_eq!(t.len(), 22);
        assert_eq!(t.parse::<ShareId>().unwrap(), id);
        let j = serde_json::to_string(&id).unwrap();
        assert_eq!(serde_json::from_str::<ShareId>(&j).unwrap(), id);
        assert!("short".parse::<ShareId>().is_err());
        assert!("AAAAAAAAAAAAAAAAAAAAAA==".parse::<ShareId>().is_err(), "padding is refused");
    }
}
