//! Device keys and signed requests.
//!
//! Each client device has an Ed25519 key pair made on the device; the server knows only the
//! public key. Every device request carries four headers:
//!
//! ```text
//! x-companion-device:    device id = base64url(SHA-256(public key)[0..16])
//! x-companion-timestamp: unix time in milliseconds (decimal)
//! x-companion-nonce:     base64url(16 random bytes)
//! x-companion-signature: base64url(Ed25519 signature over the canonical request)
//!
//! canonical request = "companion-request/v1\n" ‖ METHOD ‖ "\n" ‖ path and query ‖ "\n" ‖
//!                     timestamp ‖ "\n" ‖ nonce (base64url) ‖ "\n" ‖ hex(SHA-256(body)) (lowercase)
//! ```
//!
//! The server refuses timestamps more than five minutes off and any nonce it has already
//! seen from that device, so a captured request cannot be replayed.

use std::fmt;

use ring::digest;
use ring::rand::SystemRandom;
use ring::signature::{self, Ed25519KeyPair, KeyPair};
use zeroize::Zeroizing;

use super::{b64, random_array, unb64_array, ProtocolError};

pub const HEADER_DEVICE: &str = "x-companion-device";
pub const HEADER_TIMESTAMP: &str = "x-companion-timestamp";
pub const HEADER_NONCE: &str = "x-companion-nonce";
pub const HEADER_SIGNATURE: &str = "x-companion-signature";
/// How far a request's timestamp may be from the server's clock.
pub const MAX_CLOCK_SKEW_MS: i64 = 5 * 60 * 1000;

/// A device's Ed25519 key pair. The PKCS#8 bytes are kept (zeroized on drop) so the client
/// can store them encrypted in its own store.
pub struct DeviceKey {
    pkcs8: Zeroizing<Vec<u8>>,
    pair: Ed25519KeyPair,
}

impl fmt::Debug for DeviceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DeviceKey({})", device_id(&self.public_key()))
    }
}

impl DeviceKey {
    pub fn generate() -> Result<Self, ProtocolError> {
        let doc = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new())?;
        Self::from_pkcs8(doc.as_ref())
    }

    pub fn from_pkcs8(bytes: &[u8]) -> Result<Self, ProtocolError> {
        let pair = Ed25519KeyPair::from_pkcs8(bytes).map_err(|_| ProtocolError::Malformed("device key"))?;
        Ok(DeviceKey { pkcs8: Zeroizing::new(bytes.to_vec()), pair })
    }

    /// A key from a fixed seed: only for test vectors.
    #[cfg(test)]
    pub(crate) fn from_seed(seed: &[u8; 32]) -> Self {
        let pair = Ed25519KeyPair::from_seed_unchecked(seed).unwrap_or_else(|_| unreachable!());
        DeviceKey { pkcs8: Zeroizing::new(Vec::new()), pair }
    }

    pub fn pkcs8(&self) -> Zeroizing<Vec<u8>> {
        self.pkcs8.clone()
    }

    pub fn public_key(&self) -> [u8; 32] {
        let mut out = [0u8; 32];
        out.copy_from_slice(self.pair.public_key().as_ref());
        out
    }

    pub fn id(&self) -> String {
        device_id(&self.public_key())
    }

    /// Sign a request with a given nonce (test vectors); use [`DeviceKey::sign_request`].
    pub(crate) fn sign_with_nonce(
        &self,
        method: &str,
        path_and_query: &str,
        timestamp_ms: i64,
        nonce: [u8; 16],
        body: &[u8],
    ) -> SignedRequest {
        let msg = canonical_request(method, path_and_query, timestamp_ms, &nonce, body);
        let mut signature = [0u8; 64];
        signature.copy_from_slice(self.pair.sign(&msg).as_ref());
        SignedRequest { timestamp_ms, nonce, signature }
    }

    /// Sign a request (a fresh random nonce each time).
    pub fn sign_request(
        &self,
        method: &str,
        path_and_query: &str,
        timestamp_ms: i64,
        body: &[u8],
    ) -> Result<SignedRequest, ProtocolError> {
        Ok(self.sign_with_nonce(method, path_and_query, timestamp_ms, random_array()?, body))
    }
}

/// The device id the server knows a device by.
pub fn device_id(public_key: &[u8; 32]) -> String {
    let d = digest::digest(&digest::SHA256, public_key);
    b64(&d.as_ref()[..16])
}

/// The bytes a device signs.
pub fn canonical_request(
    method: &str,
    path_and_query: &str,
    timestamp_ms: i64,
    nonce: &[u8; 16],
    body: &[u8],
) -> Vec<u8> {
    let body_hash = digest::digest(&digest::SHA256, body);
    let hex: String = body_hash.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "companion-request/v1\n{}\n{}\n{}\n{}\n{}",
        method.to_ascii_uppercase(),
        path_and_query,
        timestamp_ms,
        b64(nonce),
        hex
    )
    .into_bytes()
}

/// A request's signature and its replay-protection values.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct SignedRequest {
    pub timestamp_ms: i64,
    pub nonce: [u8; 16],
    pub signature: [u8; 64],
}

impl fmt::Debug for SignedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SignedRequest(nonce {})", b64(&self.nonce))
    }
}

impl SignedRequest {
    /// The four headers to send, given the device id.
    pub fn headers(&self, device: &str) -> [(&'static str, String); 4] {
        [
            (HEADER_DEVICE, device.to_string()),
            (HEADER_TIMESTAMP, self.timestamp_ms.to_string()),
            (HEADER_NONCE, b64(&self.nonce)),
            (HEADER_SIGNATURE, b64(&self.signature)),
        ]
    }

    /// Parse the three signature headers (the device header is looked up separately).
    pub fn from_headers(timestamp: &str, nonce: &str, signature: &str) -> Result<Self, ProtocolError> {
        let t = timestamp.trim();
        if t.is_empty() || t.len() > 16 || !t.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ProtocolError::Malformed("timestamp header"));
        }
        let timestamp_ms = t.parse::<i64>().map_err(|_| ProtocolError::Malformed("timestamp header"))?;
        Ok(SignedRequest {
            timestamp_ms,
            nonce: unb64_array::<16>(nonce.trim(), "nonce header")?,
            signature: unb64_array::<64>(signature.trim(), "signature header")?,
        })
    }
}

/// Check a request's signature against a device's public key.
pub fn verify_request(
    public_key: &[u8; 32],
    method: &str,
    path_and_query: &str,
    body: &[u8],
    r: &SignedRequest,
) -> bool {
    let msg = canonical_request(method, path_and_query, r.timestamp_ms, &r.nonce, body);
    signature::UnparsedPublicKey::new(&signature::ED25519, public_key).verify(&msg, &r.signature).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_verify_and_forgeries() {
        let k = DeviceKey::generate().unwrap();
        let again = DeviceKey::from_pkcs8(&k.pkcs8()).unwrap();
        assert_eq!(again.public_key(), k.public_key());
        assert_eq!(k.id().len(), 22);
        let r = k.sign_request("post", "/v1/shares/abc/chunks", 1_781_000_000_000, b"{}").unwrap();
        let pk = k.public_key();
        assert!(verify_request(&pk, "POST", "/v1/shares/abc/chunks", b"{}", &r));
        assert!(!verify_request(&pk, "POST", "/v1/shares/abd/chunks", b"{}", &r));
        assert!(!verify_request(&pk, "POST", "/v1/shares/abc/chunks", b"{ }", &r));
        assert!(!verify_request(&pk, "GET", "/v1/shares/abc/chunks", b"{}", &r));
        let mut t = r;
        t.timestamp_ms += 1;
        assert!(!verify_request(&pk, "POST", "/v1/shares/abc/chunks", b"{}", &t));
        let other = DeviceKey::generate().unwrap();
        assert!(!verify_request(&other.public_key(), "POST", "/v1/shares/abc/chunks", b"{}", &r));
        let h = r.headers(&k.id());
        let parsed = SignedRequest::from_headers(&h[1].1, &h[2].1, &h[3].1).unwrap();
        assert_eq!(parsed, r);
        assert!(SignedRequest::from_headers("-5", &h[2].1, &h[3].1).is_err());
        assert!(SignedRequest::from_headers("12", "!!", &h[3].1).is_err());
        assert!(DeviceKey::from_pkcs8(b"not a key").is_err());
    }
}
