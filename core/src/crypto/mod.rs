//! Cryptography for the local store, built on `ring`.
//!
//! - [`keys`]: the data key, what wraps it (a passphrase through PBKDF2, or the platform key
//!   store through [`KeyProvider`]), and the subkeys derived from it.
//! - [`envelope`]: the versioned AEAD blob every user field and user-event timestamp is stored in.
//! - [`stream`]: chunked AEAD for exports.
//!
//! Nothing outside this module touches `ring::aead` directly.

pub mod envelope;
pub mod keys;
pub mod stream;

pub use keys::{DataKey, KdfCost, KeyProvider, KeyProviderError, Passphrase, PassphraseParams, StoreKeys};

use ring::rand::{SecureRandom, SystemRandom};

use crate::error::Result;

/// `N` bytes from the operating system's CSPRNG.
pub fn random_array<const N: usize>() -> Result<[u8; N]> {
    let mut b = [0u8; N];
    SystemRandom::new().fill(&mut b)?;
    Ok(b)
}
