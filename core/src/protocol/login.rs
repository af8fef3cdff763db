//! The clinician's zero-knowledge login, as in a password manager's web vault.
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
//! Every step is available in WebCrypto (PBKDF2, HKDF, AES-GCM), so the dashboard can do the
//! same in a browser. The server never sees the passphrase, the master key or the wrap key,
//! and cannot open the wrapped secret.

use std::fmt;
use std::num::NonZeroU32;

use ring::{aead, hkdf, pbkdf2};
use zeroize::Zeroizing;

use super::{random_array, ProtocolError, RecipientSecret, PROTOCOL_VERSION};

/// PBKDF2 iterations for clinician passphrases (OWASP 2023 for PBKDF2-HMAC-SHA256).
pub const CLINICIAN_KDF_ITERATIONS: u32 = 600_000;
/// Refuse absurd counts from a server (a malicious server could otherwise stall a client).
pub const MAX_CLINICIAN_KDF_ITERATIONS: u32 = 10_000_000;
const AUTH_INFO: &[u8] = b"companion/clinician/auth/v1";
const WRAP_INFO: &[u8] = b"companion/clinician/wrap/v1";
const KEY_AAD: &[u8] = b"companion/clinician-key/v1";
/// Length of a wrapped recipient secret.
pub const WRAPPED_SECRET_LEN: usize = 1 + 12 + 32 + 16;

/// Keys derived from a clinician's passphrase. Zeroized on drop, never printed.
pub struct ClinicianKeys {
    auth_secret: Zeroizing<[u8; 32]>,
    wrap_key: Zeroizing<[u8; 32]>,
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
    Ok(ClinicianKeys { auth_secret: expand(&master, AUTH_INFO)?, wrap_key: expand(&master, WRAP_INFO)? })
}

impl ClinicianKeys {
    /// What the clinician's side sends to log in (the server stores an Argon2id hash of it).
    pub fn auth_secret(&self) -> [u8; 32] {
        *self.auth_secret
    }
}

fn key_aad(account: &str) -> Vec<u8> {
    let mut a = KEY_AAD.to_vec();
    a.extend_from_slice(account.trim().to_lowercase().as_bytes());
    a
}

fn wrap_aead(k: &ClinicianKeys) -> Result<aead::LessSafeKey, ProtocolError> {
    Ok(aead::LessSafeKey::new(aead::UnboundKey::new(&aead::AES_256_GCM, k.wrap_key.as_ref())?))
}

pub(crate) fn wrap_with_nonce(
    k: &ClinicianKeys,
    account: &str,
    s: &RecipientSecret,
    nonce: [u8; 12],
) -> Result<Vec<u8>, ProtocolError> {
    let mut buf = s.to_bytes().to_vec();
    wrap_aead(k)?.seal_in_place_append_tag(
        aead::Nonce::assume_unique_for_key(nonce),
        aead::Aad::from(key_aad(account)),
        &mut buf,
    )?;
    let mut out = Vec::with_capacity(WRAPPED_SECRET_LEN);
    out.push(PROTOCOL_VERSION);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&buf);
    Ok(out)
}

/// Wrap the clinician's X25519 secret with the wrap key, for the server to store.
pub fn wrap_recipient_secret(k: &ClinicianKeys, account: &str, s: &RecipientSecret) -> Result<Vec<u8>, ProtocolError> {
    wrap_with_nonce(k, account, s, random_array()?)
}

/// Unwrap the clinician's X25519 secret. A wrong passphrase is `Authentication`.
pub fn unwrap_recipient_secret(
    k: &ClinicianKeys,
    account: &str,
    wrapped: &[u8],
) -> Result<RecipientSecret, ProtocolError> {
    let Some((&v, rest)) = wrapped.split_first() else {
        return Err(ProtocolError::Malformed("wrapped key"));
    };
    if v != PROTOCOL_VERSION {
        return Err(ProtocolError::UnknownVersion(v));
    }
    if wrapped.len() != WRAPPED_SECRET_LEN {
        return Err(ProtocolError::Malformed("wrapped key"));
    }
    let mut nonce = [0u8; 12];
    nonce.copy_from_slice(&rest[..12]);
    let mut buf = Zeroizing::new(rest[12..].to_vec());
    let pt = wrap_aead(k)?
        .open_in_place(aead::Nonce::assume_unique_for_key(nonce), aead::Aad::from(key_aad(account)), buf.as_mut_slice())
        .map_err(|_| ProtocolError::Authentication)?;
    let bytes = <[u8; 32]>::try_from(&pt[..]).map_err(|_| ProtocolError::Malformed("wrapped key"))?;
    Ok(RecipientSecret::from_bytes(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passphrase_opens_the_wrapped_key_and_nothing_else_does() {
        let salt = [7u8; 32];
        let k = derive_clinician_keys(b"clinician passphrase", &salt, 1000).unwrap();
        let secret = RecipientSecret::generate().unwrap();
        let w = wrap_recipient_secret(&k, "Dr.Example@clinic.invalid", &secret).unwrap();
        assert_eq!(w.len(), WRAPPED_SECRET_LEN);
        let back = unwrap_recipient_secret(&k, "dr.example@clinic.invalid", &w).unwrap();
        assert_eq!(back.public(), secret.public());
        let wrong = derive_clinician_keys(b"clinician passphrasE", &salt, 1000).unwrap();
        assert_eq!(
            unwrap_recipient_secret(&wrong, "dr.example@clinic.invalid", &w).unwrap_err(),
            ProtocolError::Authentication
        );
        assert!(unwrap_recipient_secret(&k, "someone.else@clinic.invalid", &w).is_err());
        // Auth secret and wrap key are independent outputs.
        assert_ne!(k.auth_secret(), *k.wrap_key);
        assert!(derive_clinician_keys(b"p", &salt, 0).is_err());
        assert!(derive_clinician_keys(b"p", &[1u8; 4], 1000).is_err());
        assert_eq!(format!("{k:?}"), "ClinicianKeys(<redacted>)");
    }
}
