//! How a store is unlocked: the app's platform key provider (a foreign trait), a passphrase,
//! and changing either later ("rekey": only the data key is re-wrapped, nothing re-encrypted).
//!
//! The app implements [`KeyProvider`] with its key store (Android Keystore, iOS Keychain):
//! `wrap_key` encrypts the store's 32-byte data key with a key that never leaves the platform
//! key store, `unwrap_key` reverses it. The core never sees the platform key. A provider that
//! throws, whatever it throws, surfaces as `CompanionError::KeyProviderFailed`; it never
//! panics and never crashes the app.
//!
//! Passphrases cross as bytes (UTF-8 of what the person typed), never as strings, and are
//! held in zeroizing memory as soon as they arrive.

use std::fmt;
use std::sync::Arc;

use companion_core::crypto::{KdfCost, KeyProviderError as CoreKeyProviderError, Passphrase};
use companion_core::KeyMethod;

use crate::blocking;
use crate::companion::CompanionCore;
use crate::error::Result;

/// The app's platform key store. Implemented in Kotlin / Swift / Python.
///
/// Both methods are called on the thread that opens or rekeys the store (a background
/// thread, since those calls block); they may block themselves (for example a Keystore
/// operation) but must not wait for the main thread.
#[uniffi::export(foreign)]
pub trait KeyProvider: Send + Sync {
    /// Encrypt the store's data key (32 bytes) with the platform key; return an opaque blob
    /// that `unwrap_key` turns back into the same 32 bytes.
    fn wrap_key(&self, data_key: Vec<u8>) -> std::result::Result<Vec<u8>, KeyProviderError>;

    /// Decrypt a blob returned earlier by `wrap_key`.
    fn unwrap_key(&self, wrapped: Vec<u8>) -> std::result::Result<Vec<u8>, KeyProviderError>;
}

/// What a [`KeyProvider`] reports when it cannot do its job. `reason` is for diagnostics and
/// must never contain key material.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Error)]
#[uniffi::export(Display)]
pub enum KeyProviderError {
    /// The platform key store failed (locked, key invalidated, hardware error...).
    Failed { reason: String },
}

impl fmt::Display for KeyProviderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyProviderError::Failed { reason } => f.write_str(reason),
        }
    }
}

impl std::error::Error for KeyProviderError {}

/// A foreign implementation that throws anything other than `KeyProviderError` lands here
/// instead of panicking.
impl From<uniffi::UnexpectedUniFFICallbackError> for KeyProviderError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        KeyProviderError::Failed { reason: format!("the key provider failed unexpectedly: {}", e.reason) }
    }
}

/// How to unlock (or protect) a store.
#[derive(uniffi::Enum)]
pub enum Unlock {
    /// A passphrase, as the UTF-8 bytes of what the person typed (1 to 1024 bytes).
    Passphrase { passphrase: Vec<u8> },
    /// The app's platform key store.
    DeviceKey { provider: Arc<dyn KeyProvider> },
}

impl fmt::Debug for Unlock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unlock::Passphrase { .. } => f.write_str("Unlock::Passphrase(<redacted>)"),
            Unlock::DeviceKey { .. } => f.write_str("Unlock::DeviceKey"),
        }
    }
}

/// Adapts the foreign trait to the core's.
pub(crate) struct ForeignProvider(pub(crate) Arc<dyn KeyProvider>);

impl companion_core::crypto::KeyProvider for ForeignProvider {
    fn wrap_key(&self, data_key: Vec<u8>) -> std::result::Result<Vec<u8>, CoreKeyProviderError> {
        self.0.wrap_key(data_key).map_err(|e| CoreKeyProviderError(e.to_string()))
    }

    fn unwrap_key(&self, wrapped: Vec<u8>) -> std::result::Result<Vec<u8>, CoreKeyProviderError> {
        self.0.unwrap_key(wrapped).map_err(|e| CoreKeyProviderError(e.to_string()))
    }
}

/// An [`Unlock`] made ready for the core: the passphrase checked and held zeroizing.
pub(crate) enum Prepared {
    Passphrase(Passphrase),
    Provider(ForeignProvider),
}

impl Prepared {
    pub(crate) fn new(unlock: Unlock) -> Result<Self> {
        Ok(match unlock {
            Unlock::Passphrase { passphrase } => Prepared::Passphrase(Passphrase::new(passphrase)?),
            Unlock::DeviceKey { provider } => Prepared::Provider(ForeignProvider(provider)),
        })
    }

    pub(crate) fn as_core(&self) -> companion_core::Unlock<'_> {
        match self {
            Prepared::Passphrase(p) => companion_core::Unlock::Passphrase(p),
            Prepared::Provider(p) => companion_core::Unlock::Provider(p),
        }
    }
}

/// Checked passphrase bytes for an export or a restore.
pub(crate) fn passphrase(bytes: Vec<u8>) -> Result<Passphrase> {
    Ok(Passphrase::new(bytes)?)
}

/// Rekeying and unlock methods. Blocking: [`CompanionCore::set_unlock_method`] derives a key
/// from a passphrase (PBKDF2, 600,000 iterations: about half a second on a phone) or calls the
/// key provider; prefer `set_unlock_method_async` from UI code. The others read one table.
#[uniffi::export]
impl CompanionCore {
    /// Protect the store with `unlock` as well (`keep_other_methods = true`), or with `unlock`
    /// only (`false`: every other way in stops working). The data key is re-wrapped; the data
    /// is not re-encrypted. Blocks (key derivation, fsync).
    pub fn set_unlock_method(&self, unlock: Unlock, keep_other_methods: bool) -> Result<()> {
        let store = self.store()?;
        let prepared = Prepared::new(unlock)?;
        Ok(store.set_key(prepared.as_core(), keep_other_methods, KdfCost::DEFAULT)?)
    }

    /// [`Self::set_unlock_method`] on a background thread.
    pub async fn set_unlock_method_async(self: Arc<Self>, unlock: Unlock, keep_other_methods: bool) -> Result<()> {
        let store = self.store()?;
        let prepared = Prepared::new(unlock)?;
        blocking::run(move || Ok(store.set_key(prepared.as_core(), keep_other_methods, KdfCost::DEFAULT)?)).await
    }

    /// Remove one way of unlocking. Refused (`NotAllowed`) for the last one; `NotFound` when
    /// the store has no such method.
    pub fn remove_unlock_method(&self, method: KeyMethod) -> Result<()> {
        Ok(self.store()?.remove_key_method(method)?)
    }

    /// The ways this store can be unlocked.
    pub fn unlock_methods(&self) -> Result<Vec<KeyMethod>> {
        Ok(self.store()?.key_methods()?)
    }

    /// PBKDF2 iterations of the passphrase, when the store has one.
    pub fn passphrase_iterations(&self) -> Result<Option<u32>> {
        Ok(self.store()?.passphrase_iterations()?)
    }
}
