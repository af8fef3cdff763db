//! Share keys, recipient keys, fingerprints, and the HPKE wrapping of a share key.
//!
//! ```text
//! wrapped share key = version (1) ‖ enc (32) ‖ HPKE ciphertext (32-byte key + 16-byte tag)
//!   HPKE base mode, DHKEM(X25519, HKDF-SHA256) / HKDF-SHA256 / AES-256-GCM,
//!   info = "companion/share-key/v1" ‖ share id (16), aad = empty
//! fingerprint = first 15 bytes of SHA-256(recipient public key), Crockford base32,
//!   lowercase, in six groups of four: "7kq3-ma9x-0c1d-..."
//! ```

use std::fmt;

use ring::digest;
use x25519_dalek::{PublicKey, StaticSecret};
use zeroize::Zeroizing;

use super::{hpke, random_array, ProtocolError, ShareId, PROTOCOL_VERSION};

const WRAP_INFO: &[u8] = b"companion/share-key/v1";
/// Length of a wrapped share key.
pub const WRAPPED_SHARE_KEY_LEN: usize = 1 + hpke::NENC + 32 + 16;

/// A share's 256-bit symmetric key. Zeroized on drop, never printed.
#[derive(Clone)]
pub struct ShareKey(Zeroizing<[u8; 32]>);

impl fmt::Debug for ShareKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ShareKey(<redacted>)")
    }
}

impl ShareKey {
    pub fn generate() -> Result<Self, ProtocolError> {
        Ok(ShareKey(Zeroizing::new(random_array()?)))
    }

    pub fn from_bytes(b: [u8; 32]) -> Self {
        ShareKey(Zeroizing::new(b))
    }

    /// The raw key, for storing it encrypted in the client's own store.
    pub fn expose(&self) -> &[u8; 32] {
        &self.0
    }
}

/// A recipient's (clinician's) X25519 secret key. Zeroized on drop, never printed.
#[derive(Clone)]
pub struct RecipientSecret(StaticSecret);

impl fmt::Debug for RecipientSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RecipientSecret(<redacted>)")
    }
}

/// A recipient's X25519 public key.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct RecipientPublic(pub [u8; 32]);

impl fmt::Debug for RecipientPublic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RecipientPublic({})", fingerprint(self))
    }
}

impl RecipientSecret {
    pub fn generate() -> Result<Self, ProtocolError> {
        Ok(RecipientSecret(StaticSecret::from(random_array::<32>()?)))
    }

    pub fn from_bytes(b: [u8; 32]) -> Self {
        RecipientSecret(StaticSecret::from(b))
    }

    /// The raw secret, only for wrapping it (see `login::wrap_recipient_secret`).
    pub fn to_bytes(&self) -> Zeroizing<[u8; 32]> {
        Zeroizing::new(self.0.to_bytes())
    }

    pub fn public(&self) -> RecipientPublic {
        RecipientPublic(PublicKey::from(&self.0).to_bytes())
    }

    pub(crate) fn inner(&self) -> &StaticSecret {
        &self.0
    }
}

/// A short, human-comparable code for a public key (what a client checks in an invite).
pub fn fingerprint(p: &RecipientPublic) -> String {
    let d = digest::digest(&digest::SHA256, &p.0);
    let text = crate::id::crockford_encode(&d.as_ref()[..15]);
    text.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join("-")
}

fn wrap_info(share: &ShareId) -> Vec<u8> {
    let mut info = WRAP_INFO.to_vec();
    info.extend_from_slice(share.as_bytes());
    info
}

/// Wrap `key` so that only the holder of `to`'s secret can unwrap it (HPKE base mode).
pub fn wrap_share_key(to: &RecipientPublic, share: &ShareId, key: &ShareKey) -> Result<Vec<u8>, ProtocolError> {
    let (enc, ct) = hpke::seal(&to.0, &wrap_info(share), b"", key.expose())?;
    let mut out = Vec::with_capacity(WRAPPED_SHARE_KEY_LEN);
    out.push(PROTOCOL_VERSION);
    out.extend_from_slice(&enc);
    out.extend_from_slice(&ct);
    Ok(out)
}

/// Unwrap a share key wrapped to `me` for `share`. Another recipient's key, another share's
/// id, or any altered byte is `Authentication`.
pub fn unwrap_share_key(me: &RecipientSecret, share: &ShareId, wrapped: &[u8]) -> Result<ShareKey, ProtocolError> {
    let Some((&v, rest)) = wrapped.split_first() else {
        return Err(ProtocolError::Malformed("wrapped share key"));
    };
    if v != PROTOCOL_VERSION {
        return Err(ProtocolError::UnknownVersion(v));
    }
    if wrapped.len() != WRAPPED_SHARE_KEY_LEN {
        return Err(ProtocolError::Malformed("wrapped share key"));
    }
    let mut enc = [0u8; hpke::NENC];
    enc.copy_from_slice(&rest[..hpke::NENC]);
    let pt = hpke::open(&enc, me.inner(), &wrap_info(share), b"", &rest[hpke::NENC..])?;
    let key = <[u8; 32]>::try_from(pt.as_slice()).map_err(|_| ProtocolError::Malformed("share key"))?;
    Ok(ShareKey::from_bytes(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_unwrap_and_refusals() {
        let clinician = RecipientSecret::generate().unwrap();
        let other = RecipientSecret::generate().unwrap();
        let share = ShareId::random().unwrap();
        let key = ShareKey::generate().unwrap();
        let w = wrap_share_key(&clinician.public(), &share, &key).unwrap();
        assert_eq!(w.len(), WRAPPED_SHARE_KEY_LEN);
        assert_eq!(unwrap_share_key(&clinician, &share, &w).unwrap().expose(), key.expose());
        assert_eq!(unwrap_share_key(&other, &share, &w).unwrap_err(), ProtocolError::Authentication);
        let other_share = ShareId::random().unwrap();
        assert_eq!(unwrap_share_key(&clinician, &other_share, &w).unwrap_err(), ProtocolError::Authentication);
        for i in 0..w.len() {
            let mut t = w.clone();
            t[i] ^= 0x20;
            assert!(unwrap_share_key(&clinician, &share, &t).is_err(), "byte {i}");
        }
        assert!(unwrap_share_key(&clinician, &share, &w[..40]).is_err());
        // The all-zero (low-order) point is refused.
        assert!(wrap_share_key(&RecipientPublic([0u8; 32]), &share, &key).is_err());
    }

    #[test]
    fn fingerprints_are_short_and_distinct() {
        let a = RecipientSecret::generate().unwrap().public();
        let b = RecipientSecret::generate().unwrap().public();
        let fa = fingerprint(&a);
        assert_eq!(fa.len(), 29, "{fa}");
        assert_eq!(fa.matches('-').count(), 5);
        assert_ne!(fa, fingerprint(&b));
        assert_eq!(fa, fingerprint(&a));
    }

    #[test]
    fn secrets_do_not_print() {
        let s = RecipientSecret::generate().unwrap();
        assert_eq!(format!("{s:?}"), "RecipientSecret(<redacted>)");
        assert_eq!(format!("{:?}", ShareKey::generate().unwrap()), "ShareKey(<redacted>)");
    }
}
