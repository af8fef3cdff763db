//! The clinician's first login scheme (version 1), kept only so that accounts made with it can
//! move to OPAQUE (`opaque.rs`) once, and the wrapping of the clinician's X25519 key, under a
//! key from either scheme ([`WrapKey`]).
//!
//! ```text
//! master      = PBKDF2-HMAC-SHA256(passphrase, salt, iterations (600,000), 32 bytes)
//! auth secret = HKDF-SHA256(ikm = master, salt = "", info = "companion/clinician/auth/v1"), 32 bytes
//!               sent to the server, which stores only Argon2id(auth secret)
//! wrap key    = HKDF-SHA256(ikm = master, salt = "", info = "companion/clinician/wrap/v1"), 32 bytes
//!               never leaves the clinician's side
//! wrapped X25519 secret = version (1) ‖ nonce (12) ‖ AES-256-GCM(wrap key, nonce, secret (32),
//!               aad = "companion/clinician-key/v1" ‖ account (UTF-8 email, lower-cased))
//! ```
//!
//! Version 1's weakness: the server (or anyone rewriting its answers) chose the salt and, until
//! now, the iteration count; the auth secret it receives can be tested offline at the cost of
//! the PBKDF2 count. The clinician's side therefore uses it only for the one-time upgrade, with
//! its own fixed count ([`CLINICIAN_KDF_ITERATIONS`]), never the server's.
//!
//! ```text
//! version 2 (OPAQUE): wrap key = HKDF-SHA256(ikm = export key, salt = "", info = "companion/clinician/wrap/v2")
//! wrapped X25519 secret = version (1 or 2, the wrap key's) ‖ nonce (12) ‖ AES-256-GCM(wrap key, nonce,
//!               secret (32), aad = "companion/clinician-key/v<version>" ‖ account)
//! ```

use std::fmt;
use std::num::NonZeroU32;

use ring::{aead, hkdf, pbkdf2};
use zeroize::Zeroizing;

use super::{random_array, ProtocolError, RecipientSecret, PROTOCOL_VERSION};

/// PBKDF2 iterations for clinician passphrases (OWASP 2023 for PBKDF2-HMAC-SHA256).
pub const CLINICIAN_KDF_ITERATIONS: u32 = 600_000;
/// Refuse absurd counts from a server (a malicious server could otherwise stall a client).
pub const MAX_CLINICIAN_KDF_ITERATIONS: u32 = 10_000_000;
/// The fewest PBKDF2 iterations the one-time upgrade of a version-1 account accepts from the
/// server. Version 1 let each clinician's side choose its count at registration (the CLI
/// chose [`CLINICIAN_KDF_ITERATIONS`]; the project's own previous-release accounts have
/// 100,000) and the server holds the only record of it.
pub const LEGACY_MIN_KDF_ITERATIONS: u32 = 100_000;

/// The iteration count the upgrade of a version-1 account derives with, given the count the
/// server announced: the announced one when it lies between [`LEGACY_MIN_KDF_ITERATIONS`] and
/// [`MAX_CLINICIAN_KDF_ITERATIONS`], else this side's own [`CLINICIAN_KDF_ITERATIONS`]. So a
/// server or relay announcing fewer never gets an auth secret cheaper than 100,000 iterations
/// per guess (and only once: the upgrade deletes the old verifier), nor stalls the client.
pub fn legacy_upgrade_iterations(announced: u32) -> u32 {
    if (LEGACY_MIN_KDF_ITERATIONS..=MAX_CLINICIAN_KDF_ITERATIONS).contains(&announced) {
        announced
    } else {
        CLINICIAN_KDF_ITERATIONS
    }
}
const AUTH_INFO: &[u8] = b"companion/clinician/auth/v1";
const WRAP_INFO_V1: &[u8] = b"companion/clinician/wrap/v1";
const WRAP_INFO_V2: &[u8] = b"companion/clinician/wrap/v2";
/// The wrapped key's version under OPAQUE.
pub const WRAP_VERSION_OPAQUE: u8 = 2;
/// Length of a wrapped recipient secret.
pub const WRAPPED_SECRET_LEN: usize = 1 + 12 + 32 + 16;

/// Keys derived from a clinician's passphrase by version 1. Zeroized on drop, never printed.
pub struct ClinicianKeys {
    auth_secret: Zeroizing<[u8; 32]>,
    wrap_key: WrapKey,
}

/// The key that wraps the clinician's X25519 secret, and which scheme it came from (the
/// wrapped blob's version). Zeroized on drop, never printed.
pub struct WrapKey {
    key: Zeroizing<[u8; 32]>,
    version: u8,
}

impl fmt::Debug for WrapKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "WrapKey(v{}, <redacted>)", self.version)
    }
}

impl WrapKey {
    /// The wrap key of an OPAQUE login, from its export key.
    pub fn from_export_key(export_key: &[u8]) -> Result<WrapKey, ProtocolError> {
        let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, b"").extract(export_key);
        let mut key = Zeroizing::new([0u8; 32]);
        prk.expand(&[WRAP_INFO_V2], Len32)?.fill(key.as_mut())?;
        Ok(WrapKey { key, version: WRAP_VERSION_OPAQUE })
    }

    fn aad(&self, account: &str) -> Vec<u8> {
        let mut a = format!("companion/clinician-key/v{}", self.version).into_bytes();
        a.extend_from_slice(account.trim().to_lowercase().as_bytes());
        a
    }

    fn aead(&self) -> Result<aead::LessSafeKey, ProtocolError> {
        Ok(aead::LessSafeKey::new(aead::UnboundKey::new(&aead::AES_256_GCM, self.key.as_ref())?))
    }
}

impl fmt::Debug for ClinicianKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ClinicianKeys(<redacted>)")
    }
}

struct Len32;
impl hkdf::KeyType for Len32 {
    fn len(&self) -> usize {
        32
    }
}

fn expand(master: &[u8; 32], info: &[u8]) -> Result<Zeroizing<[u8; 32]>, ProtocolError> {
    let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, b"").extract(master);
    let mut out = Zeroizing::new([0u8; 32]);
    prk.expand(&[info], Len32)?.fill(out.as_mut())?;
    Ok(out)
}

/// Derive the auth secret and wrap key from a passphrase and the account's salt.
pub fn derive_clinician_keys(passphrase: &[u8], salt: &[u8], iterations: u32) -> Result<ClinicianKeys, ProtocolError> {
    if !(1..=MAX_CLINICIAN_KDF_ITERATIONS).contains(&iterations) {
        return Err(ProtocolError::Malformed("key-derivation iterations"));
    }
    if salt.len() < 16 || salt.len() > 64 {
        return Err(ProtocolError::Malformed("salt"));
    }
    let n = NonZeroU32::new(iterations).ok_or(ProtocolError::Malformed("key-derivation iterations"))?;
    let mut master = Zeroizing::new([0u8; 32]);
    pbkdf2::derive(pbkdf2::PBKDF2_HMAC_SHA256, n, salt, passphrase, master.as_mut());
    Ok(ClinicianKeys {
        auth_secret: expand(&master, AUTH_INFO)?,
        wrap_key: WrapKey { key: expand(&master, WRAP_INFO_V1)?, version: PROTOCOL_VERSION },
    })
}

impl ClinicianKeys {
    /// What the clinician's side sends to log in (the server stores an Argon2id hash of it).
    pub fn auth_secret(&self) -> [u8; 32] {
        *self.auth_secret
    }

    /// The key that wraps the X25519 secret under version 1.
    pub fn wrap_key(&self) -> &WrapKey {
        &self.wrap_key
    }
}

pub(crate) fn wrap_with_nonce(
    k: &WrapKey,
    account: &str,
    s: &RecipientSecret,
    nonce: [u8; 12],
) -> Result<Vec<u8>, ProtocolError> {
    let mut buf = s.to_bytes().to_vec();
    k.aead()?.seal_in_place_append_tag(
        aead::Nonce::assume_unique_for_key(nonce),
        aead::Aad::from(k.aad(account)),
        &mut buf,
    )?;
    let mut out = Vec::with_capacity(WRAPPED_SECRET_LEN);
    out.push(k.version);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&buf);
    Ok(out)
}

/// Wrap the clinician's X25519 secret with the wrap key, for the server to store.
pub fn wrap_recipient_secret(k: &WrapKey, account: &str, s: &RecipientSecret) -> Result<Vec<u8>, ProtocolError> {
    wrap_with_nonce(k, account, s, random_array()?)
}

/// The scheme a wrapped secret was wrapped under (its version byte), if it has one.
pub fn wrapped_version(wrapped: &[u8]) -> Option<u8> {
    wrapped.first().copied()
}

/// Unwrap the clinician's X25519 secret. A wrong passphrase is `Authentication`; a blob from
/// the other scheme is `UnknownVersion`.
pub fn unwrap_recipient_secret(k: &WrapKey, account: &str, wrapped: &[u8]) -> Result<RecipientSecret, ProtocolError> {
    let Some((&v, rest)) = wrapped.split_first() else {
        return Err(ProtocolError::Malformed("wrapped key"));
    };
    if v != k.version {
        return Err(ProtocolError::UnknownVersion(v));
    }
    if wrapped.len() != WRAPPED_SECRET_LEN {
        return Err(ProtocolError::Malformed("wrapped key"));
    }
    let mut nonce = [0u8; 12];
    nonce.copy_from_slice(&rest[..12]);
    let mut buf = Zeroizing::new(rest[12..].to_vec());
    let pt = k
        .aead()?
        .open_in_place(aead::Nonce::assume_unique_for_key(nonce), aead::Aad::from(k.aad(account)), buf.as_mut_slice())
        .map_err(|_| ProtocolError::Authentication)?;
    let bytes = <[u8; 32]>::try_from(&pt[..]).map_err(|_| ProtocolError::Malformed("wrapped key"))?;
    Ok(RecipientSecret::from_bytes(bytes))
}

#[cfg(test)]
mod tests {

    #[test]
    fn the_upgrade_takes_no_count_below_its_floor_or_above_its_ceiling() {
        assert_eq!(legacy_upgrade_iterations(1), CLINICIAN_KDF_ITERATIONS);
        assert_eq!(legacy_upgrade_iterations(99_999), CLINICIAN_KDF_ITERATIONS);
        assert_eq!(legacy_upgrade_iterations(100_000), 100_000);
        assert_eq!(legacy_upgrade_iterations(600_000), 600_000);
        assert_eq!(legacy_upgrade_iterations(MAX_CLINICIAN_KDF_ITERATIONS + 1), CLINICIAN_KDF_ITERATIONS);
    }

    use super::*;

    #[test]
    fn passphrase_opens_the_wrapped_key_and_nothing_else_does() {
        let salt = [7u8; 32];
        let k = derive_clinician_keys(b"clinician passphrase", &salt, 1000).unwrap();
        let secret = RecipientSecret::generate().unwrap();
        let w = wrap_recipient_secret(k.wrap_key(), "Dr.Example@clinic.invalid", &secret).unwrap();
        assert_eq!(w.len(), WRAPPED_SECRET_LEN);
        let back = unwrap_recipient_secret(k.wrap_key(), "dr.example@clinic.invalid", &w).unwrap();
        assert_eq!(back.public(), secret.public());
        let wrong = derive_clinician_keys(b"clinician passphrasE", &salt, 1000).unwrap();
        assert_eq!(
            unwrap_recipient_secret(wrong.wrap_key(), "dr.example@clinic.invalid", &w).unwrap_err(),
            ProtocolError::Authentication
        );
        assert!(unwrap_recipient_secret(k.wrap_key(), "someone.else@clinic.invalid", &w).is_err());
        // Auth secret and wrap key are independent outputs.
        assert_ne!(k.auth_secret(), *k.wrap_key.key);
        // A version-2 key does not open a version-1 blob (nor the reverse).
        let v2 = WrapKey::from_export_key(&[9u8; 64]).unwrap();
        assert_eq!(
            unwrap_recipient_secret(&v2, "dr.example@clinic.invalid", &w).unwrap_err(),
            ProtocolError::UnknownVersion(1)
        );
        let w2 = wrap_recipient_secret(&v2, "dr.example@clinic.invalid", &secret).unwrap();
        assert_eq!(wrapped_version(&w2), Some(2));
        assert_eq!(unwrap_recipient_secret(&v2, "dr.example@clinic.invalid", &w2).unwrap().public(), secret.public());
        assert!(unwrap_recipient_secret(k.wrap_key(), "dr.example@clinic.invalid", &w2).is_err());
        assert_eq!(format!("{v2:?}"), "WrapKey(v2, <redacted>)");
        assert!(derive_clinician_keys(b"p", &salt, 0).is_err());
        assert!(derive_clinician_keys(b"p", &[1u8; 4], 1000).is_err());
        assert_eq!(format!("{k:?}"), "ClinicianKeys(<redacted>)");
    }
}
