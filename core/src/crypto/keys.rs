//! The key hierarchy.
//!
//! ```text
//! passphrase ──PBKDF2-HMAC-SHA256 (≥600k, salt 32 B)──► KEK ──AES-256-GCM wrap──┐
//! platform key (Keystore/Keychain, never seen here) ──KeyProvider::wrap_key──────┼─► data key (256-bit random)
//!                                                                                │
//! data key ──HKDF-SHA256(salt = store id)──► record key per epoch (AES-256-GCM)  │
//!                                       ├──► index key (HMAC-SHA256, blind tags) │
//!                                       └──► key check (HMAC over the store id) ◄┘ detects a wrong key
//! ```
//!
//! Changing the passphrase or moving to a key provider re-wraps the data key; the data is
//! never re-encrypted. Secrets held here are zeroized on drop and never printed.

use std::collections::HashMap;
use std::fmt;
use std::num::NonZeroU32;
use std::sync::{Arc, RwLock};

use ring::{aead, hkdf, hmac, pbkdf2};
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, Zeroizing};

use crate::crypto::random_array;
use crate::error::{Error, KeyMethod, Result};

/// Default PBKDF2 iteration count (OWASP 2023 recommendation for PBKDF2-HMAC-SHA256).
pub const DEFAULT_PBKDF2_ITERATIONS: u32 = 600_000;
/// The lowest count a store will ever be created or re-keyed with outside tests.
pub const MIN_PBKDF2_ITERATIONS: u32 = 100_000;
/// Upper bound accepted from a file, so a crafted header cannot make unlocking hang for hours.
pub const MAX_PBKDF2_ITERATIONS: u32 = 50_000_000;

/// PBKDF2 cost of a passphrase slot. Construction enforces the floor, so a weak setting
/// cannot reach a real store by accident.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KdfCost(u32);

impl KdfCost {
    pub const DEFAULT: KdfCost = KdfCost(DEFAULT_PBKDF2_ITERATIONS);

    /// A cost of `iterations` (at least [`MIN_PBKDF2_ITERATIONS`], at most [`MAX_PBKDF2_ITERATIONS`]).
    pub fn iterations(iterations: u32) -> Result<Self> {
        if !(MIN_PBKDF2_ITERATIONS..=MAX_PBKDF2_ITERATIONS).contains(&iterations) {
            return Err(Error::invalid(
                "key derivation",
                format!("use between {MIN_PBKDF2_ITERATIONS} and {MAX_PBKDF2_ITERATIONS} iterations"),
            ));
        }
        Ok(KdfCost(iterations))
    }

    /// A deliberately weak cost for tests and benchmarks that create many stores.
    #[doc(hidden)]
    pub fn insecure_for_tests(iterations: u32) -> Self {
        KdfCost(iterations.max(1))
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

/// A passphrase, held as bytes and zeroized on drop.
#[derive(Clone)]
pub struct Passphrase(Zeroizing<Vec<u8>>);

impl Passphrase {
    pub fn new(bytes: Vec<u8>) -> Result<Self> {
        let p = Passphrase(Zeroizing::new(bytes));
        if p.0.is_empty() {
            return Err(Error::invalid("passphrase", "the passphrase cannot be empty"));
        }
        if p.0.len() > 1024 {
            return Err(Error::invalid("passphrase", "the passphrase is longer than 1024 bytes"));
        }
        Ok(p)
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Passphrase(<redacted>)")
    }
}

/// PBKDF2 parameters, stored next to the wrapped key so they can be raised later.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PassphraseParams {
    pub iterations: u32,
    pub salt: [u8; 32],
}

impl PassphraseParams {
    pub fn generate(iterations: u32) -> Result<Self> {
        Ok(PassphraseParams { iterations, salt: random_array()? })
    }

    fn check(&self) -> Result<NonZeroU32> {
        if self.iterations > MAX_PBKDF2_ITERATIONS {
            return Err(Error::Corrupt("the stored key-derivation settings are out of range"));
        }
        NonZeroU32::new(self.iterations).ok_or(Error::Corrupt("the stored key-derivation settings are out of range"))
    }

    /// PBKDF2-HMAC-SHA256(passphrase, salt, iterations) → 32-byte KEK.
    pub fn derive_kek(&self, passphrase: &Passphrase) -> Result<Zeroizing<[u8; 32]>> {
        let n = self.check()?;
        let mut kek = Zeroizing::new([0u8; 32]);
        pbkdf2::derive(pbkdf2::PBKDF2_HMAC_SHA256, n, &self.salt, passphrase.as_bytes(), kek.as_mut());
        Ok(kek)
    }
}

/// Error a platform key provider reports. The message must not contain key material.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{0}")]
pub struct KeyProviderError(pub String);

/// Wraps and unwraps the store's data key with a key the platform holds (Android Keystore,
/// iOS Keychain). The core never sees the platform key, only the opaque wrapped blob.
pub trait KeyProvider: Send + Sync {
    /// Encrypt `data_key` (32 bytes) with the platform key; return an opaque blob.
    fn wrap_key(&self, data_key: Vec<u8>) -> std::result::Result<Vec<u8>, KeyProviderError>;
    /// Decrypt a blob returned by `wrap_key`.
    fn unwrap_key(&self, wrapped: Vec<u8>) -> std::result::Result<Vec<u8>, KeyProviderError>;
}

/// The store's 256-bit data key. Zeroized on drop; never printed.
pub struct DataKey(Zeroizing<[u8; 32]>);

impl fmt::Debug for DataKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DataKey(<redacted>)")
    }
}

impl DataKey {
    pub fn generate() -> Result<Self> {
        Ok(DataKey(Zeroizing::new(random_array()?)))
    }

    /// Take ownership of unwrapped key bytes (zeroizing the input).
    pub fn from_vec(mut bytes: Vec<u8>, method: KeyMethod) -> Result<Self> {
        let out = <[u8; 32]>::try_from(bytes.as_slice()).map(|a| DataKey(Zeroizing::new(a)));
        bytes.zeroize();
        out.map_err(|_| Error::WrongKey(method))
    }

    pub(crate) fn expose(&self) -> &[u8; 32] {
        &self.0
    }

    /// Wrap with a passphrase-derived KEK. Output: nonce (12) ‖ ciphertext ‖ tag (16).
    pub fn wrap_with_passphrase(
        &self,
        pass: &Passphrase,
        params: &PassphraseParams,
        store_id: &[u8; 16],
    ) -> Result<Vec<u8>> {
        let kek = params.derive_kek(pass)?;
        let key = aead::LessSafeKey::new(aead::UnboundKey::new(&aead::AES_256_GCM, kek.as_ref())?);
        let nonce: [u8; 12] = random_array()?;
        let mut buf = self.0.to_vec();
        let aad = passphrase_wrap_aad(params, store_id);
        key.seal_in_place_append_tag(aead::Nonce::assume_unique_for_key(nonce), aead::Aad::from(&aad), &mut buf)?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&buf);
        buf.zeroize();
        Ok(out)
    }

    /// Unwrap; a wrong passphrase is `WrongKey`, never anything else.
    pub fn unwrap_with_passphrase(
        wrapped: &[u8],
        pass: &Passphrase,
        params: &PassphraseParams,
        store_id: &[u8; 16],
    ) -> Result<Self> {
        if wrapped.len() != 12 + 32 + 16 {
            return Err(Error::Corrupt("the stored wrapped key has the wrong length"));
        }
        let kek = params.derive_kek(pass)?;
        let key = aead::LessSafeKey::new(aead::UnboundKey::new(&aead::AES_256_GCM, kek.as_ref())?);
        let mut nonce = [0u8; 12];
        nonce.copy_from_slice(&wrapped[..12]);
        let mut buf = Zeroizing::new(wrapped[12..].to_vec());
        let aad = passphrase_wrap_aad(params, store_id);
        let plain = key
            .open_in_place(aead::Nonce::assume_unique_for_key(nonce), aead::Aad::from(&aad), buf.as_mut())
            .map_err(|_| Error::WrongKey(KeyMethod::Passphrase))?;
        DataKey::from_vec(plain.to_vec(), KeyMethod::Passphrase)
    }
}

fn passphrase_wrap_aad(params: &PassphraseParams, store_id: &[u8; 16]) -> Vec<u8> {
    let mut aad = b"companion/v1/key-wrap/passphrase".to_vec();
    aad.extend_from_slice(store_id);
    aad.extend_from_slice(&params.iterations.to_be_bytes());
    aad.extend_from_slice(&params.salt);
    aad
}

struct Len(usize);
impl hkdf::KeyType for Len {
    fn len(&self) -> usize {
        self.0
    }
}

/// Keys derived from the data key for one open store.
pub struct StoreKeys {
    data_key: DataKey,
    store_id: [u8; 16],
    prk: hkdf::Prk,
    index: hmac::Key,
    record_keys: RwLock<HashMap<u32, Arc<aead::LessSafeKey>>>,
}

impl fmt::Debug for StoreKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StoreKeys(<redacted>)")
    }
}

impl StoreKeys {
    pub fn new(data_key: DataKey, store_id: [u8; 16]) -> Self {
        let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, &store_id).extract(data_key.expose());
        let index_bytes = Self::expand(&prk, &[b"companion/v1/index-key"]);
        let index = hmac::Key::new(hmac::HMAC_SHA256, index_bytes.as_ref());
        StoreKeys { data_key, store_id, prk, index, record_keys: RwLock::new(HashMap::new()) }
    }

    fn expand(prk: &hkdf::Prk, info: &[&[u8]]) -> Zeroizing<[u8; 32]> {
        let mut out = Zeroizing::new([0u8; 32]);
        // HKDF-Expand to 32 bytes with SHA-256 cannot fail (limit is 255 * 32 bytes).
        if let Ok(okm) = prk.expand(info, Len(32)) {
            let _ = okm.fill(out.as_mut());
        }
        out
    }

    pub fn data_key(&self) -> &DataKey {
        &self.data_key
    }

    pub fn store_id(&self) -> &[u8; 16] {
        &self.store_id
    }

    /// A 32-byte subkey for a named purpose (labels are constants, e.g. "companion/v1/plan").
    pub fn subkey(&self, label: &str) -> Zeroizing<[u8; 32]> {
        Self::expand(&self.prk, &[b"companion/v1/subkey/", label.as_bytes()])
    }

    /// The value stored to recognise this data key (detects a wrong key from a provider).
    pub fn key_check(&self) -> Vec<u8> {
        let k = Self::expand(&self.prk, &[b"companion/v1/key-check"]);
        hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, k.as_ref()), &self.store_id).as_ref().to_vec()
    }

    /// Constant-time comparison against a stored key check.
    pub fn verify_key_check(&self, stored: &[u8]) -> bool {
        let k = Self::expand(&self.prk, &[b"companion/v1/key-check"]);
        hmac::verify(&hmac::Key::new(hmac::HMAC_SHA256, k.as_ref()), &self.store_id, stored).is_ok()
    }

    /// Keyed tag (HMAC-SHA256 truncated to 16 bytes) for the blind index.
    pub fn tag(&self, parts: &[&[u8]]) -> [u8; 16] {
        let mut ctx = hmac::Context::with_key(&self.index);
        for p in parts {
            ctx.update(&(p.len() as u32).to_be_bytes());
            ctx.update(p);
        }
        let sig = ctx.sign();
        let mut out = [0u8; 16];
        out.copy_from_slice(&sig.as_ref()[..16]);
        out
    }

    /// The AES-256-GCM key of one key epoch (derived once, then cached).
    pub(crate) fn record_key(&self, epoch: u32) -> Result<Arc<aead::LessSafeKey>> {
        if let Ok(map) = self.record_keys.read() {
            if let Some(k) = map.get(&epoch) {
                return Ok(Arc::clone(k));
            }
        }
        let bytes = Self::expand(&self.prk, &[b"companion/v1/record-key/", &epoch.to_be_bytes()]);
        let key = Arc::new(aead::LessSafeKey::new(aead::UnboundKey::new(&aead::AES_256_GCM, bytes.as_ref())?));
        if let Ok(mut map) = self.record_keys.write() {
            map.insert(epoch, Arc::clone(&key));
        }
        Ok(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params() -> PassphraseParams {
        PassphraseParams::generate(1_000).unwrap()
    }

    #[test]
    fn passphrase_wrap_round_trip_and_wrong_passphrase() {
        let dk = DataKey::generate().unwrap();
        let p = params();
        let id = [7u8; 16];
        let pass = Passphrase::new(b"correct horse".to_vec()).unwrap();
        let w = dk.wrap_with_passphrase(&pass, &p, &id).unwrap();
        let back = DataKey::unwrap_with_passphrase(&w, &pass, &p, &id).unwrap();
        assert_eq!(back.expose(), dk.expose());
        let wrong = Passphrase::new(b"correct horsE".to_vec()).unwrap();
        assert!(matches!(
            DataKey::unwrap_with_passphrase(&w, &wrong, &p, &id),
            Err(Error::WrongKey(KeyMethod::Passphrase))
        ));
        // Wrapped key bound to its store id and parameters.
        assert!(DataKey::unwrap_with_passphrase(&w, &pass, &p, &[8u8; 16]).is_err());
        let mut p2 = p.clone();
        p2.iterations += 1;
        assert!(DataKey::unwrap_with_passphrase(&w, &pass, &p2, &id).is_err());
    }

    #[test]
    fn debug_never_prints_secrets() {
        let pass = Passphrase::new(b"hunter2-canary".to_vec()).unwrap();
        assert!(!format!("{pass:?}").contains("hunter2"));
        let dk = DataKey::generate().unwrap();
        let keys = StoreKeys::new(dk, [1u8; 16]);
        assert_eq!(format!("{keys:?}"), "StoreKeys(<redacted>)");
    }

    #[test]
    fn key_check_distinguishes_keys() {
        let a = StoreKeys::new(DataKey::generate().unwrap(), [1u8; 16]);
        let b = StoreKeys::new(DataKey::generate().unwrap(), [1u8; 16]);
        assert!(a.verify_key_check(&a.key_check()));
        assert!(!b.verify_key_check(&a.key_check()));
    }

    #[test]
    fn empty_passphrase_is_rejected() {
        assert!(Passphrase::new(Vec::new()).is_err());
    }
}
