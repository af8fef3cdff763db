//! Chunked AEAD for passphrase-protected export files.
//!
//! ```text
//! header (65 bytes, all of it associated data of every chunk)
//!   16  magic "COMPANION-EXPORT"
//!    1  container version (1)
//!    1  KDF id (1 = PBKDF2-HMAC-SHA256)
//!    4  iterations, big-endian
//!   32  salt
//!    4  plaintext bytes per chunk, big-endian
//!    7  random nonce prefix
//! chunks, each:
//!    4  ciphertext length (plaintext + 16-byte tag), big-endian
//!    n  AES-256-GCM ciphertext; nonce = prefix(7) ‖ chunk index u32 BE ‖ last-chunk flag (0/1)
//! ```
//!
//! The key is PBKDF2 of the export passphrase with a fresh salt, so every export has its own
//! key and the counter nonces never repeat under a key. The last-chunk flag inside the nonce
//! detects a file cut at a chunk boundary; nothing may follow the last chunk.

use std::num::NonZeroU32;

use ring::aead;
use zeroize::Zeroizing;

use crate::crypto::keys::{PassphraseParams, MAX_PBKDF2_ITERATIONS};
use crate::crypto::{random_array, Passphrase};
use crate::error::{Error, KeyMethod, Result};

pub const MAGIC: &[u8; 16] = b"COMPANION-EXPORT";
const VERSION: u8 = 1;
const KDF_PBKDF2_SHA256: u8 = 1;
const HEADER_LEN: usize = 65;
const CHUNK: usize = 64 * 1024;
const MAX_CHUNK: usize = 16 * 1024 * 1024;

fn nonce(prefix: &[u8; 7], index: u32, last: bool) -> aead::Nonce {
    let mut n = [0u8; 12];
    n[..7].copy_from_slice(prefix);
    n[7..11].copy_from_slice(&index.to_be_bytes());
    n[11] = u8::from(last);
    aead::Nonce::assume_unique_for_key(n)
}

fn key_for(pass: &Passphrase, params: &PassphraseParams) -> Result<aead::LessSafeKey> {
    let kek = params.derive_kek(pass)?;
    Ok(aead::LessSafeKey::new(aead::UnboundKey::new(&aead::AES_256_GCM, kek.as_ref())?))
}

/// Encrypt `plaintext` into an export container.
pub fn seal(pass: &Passphrase, iterations: u32, plaintext: &[u8]) -> Result<Vec<u8>> {
    let params = PassphraseParams::generate(iterations)?;
    let prefix: [u8; 7] = random_array()?;
    let mut header = Vec::with_capacity(HEADER_LEN);
    header.extend_from_slice(MAGIC);
    header.push(VERSION);
    header.push(KDF_PBKDF2_SHA256);
    header.extend_from_slice(&params.iterations.to_be_bytes());
    header.extend_from_slice(&params.salt);
    header.extend_from_slice(&(CHUNK as u32).to_be_bytes());
    header.extend_from_slice(&prefix);
    let key = key_for(pass, &params)?;

    let mut out = header.clone();
    let chunks: Vec<&[u8]> = if plaintext.is_empty() { vec![&[][..]] } else { plaintext.chunks(CHUNK).collect() };
    let n = chunks.len();
    for (i, c) in chunks.into_iter().enumerate() {
        let idx = u32::try_from(i).map_err(|_| Error::Export("the export is too large"))?;
        let mut buf = Zeroizing::new(c.to_vec());
        let b: &mut Vec<u8> = &mut buf;
        key.seal_in_place_append_tag(nonce(&prefix, idx, i + 1 == n), aead::Aad::from(&header), b)?;
        out.extend_from_slice(&(buf.len() as u32).to_be_bytes());
        out.extend_from_slice(&buf);
    }
    Ok(out)
}

/// True when `bytes` starts like an export container.
pub fn looks_like_export(bytes: &[u8]) -> bool {
    bytes.starts_with(MAGIC)
}

/// Decrypt an export container. A wrong passphrase is `WrongKey`; a damaged or cut file is
/// `Export(..)`.
pub fn open(pass: &Passphrase, bytes: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
    if !looks_like_export(bytes) {
        return Err(Error::Export("it is not a companion export file"));
    }
    if bytes.len() < HEADER_LEN {
        return Err(Error::Export("the file is incomplete"));
    }
    let header = &bytes[..HEADER_LEN];
    if header[16] != VERSION {
        return Err(Error::Export("it was made by a newer version of the app"));
    }
    if header[17] != KDF_PBKDF2_SHA256 {
        return Err(Error::Export("it uses an unknown key derivation"));
    }
    let iterations = u32::from_be_bytes([header[18], header[19], header[20], header[21]]);
    if NonZeroU32::new(iterations).is_none() || iterations > MAX_PBKDF2_ITERATIONS {
        return Err(Error::Export("its key-derivation settings are out of range"));
    }
    let mut salt = [0u8; 32];
    salt.copy_from_slice(&header[22..54]);
    let chunk = u32::from_be_bytes([header[54], header[55], header[56], header[57]]) as usize;
    if chunk == 0 || chunk > MAX_CHUNK {
        return Err(Error::Export("its chunk size is out of range"));
    }
    let mut prefix = [0u8; 7];
    prefix.copy_from_slice(&header[58..65]);
    let key = key_for(pass, &PassphraseParams { iterations, salt })?;

    let mut out = Zeroizing::new(Vec::new());
    let mut pos = HEADER_LEN;
    let mut index: u32 = 0;
    loop {
        if bytes.len() < pos + 4 {
            return Err(Error::Export("the file is incomplete"));
        }
        let len = u32::from_be_bytes([bytes[pos], bytes[pos + 1], bytes[pos + 2], bytes[pos + 3]]) as usize;
        pos += 4;
        if len < 16 || len > chunk + 16 {
            return Err(Error::Export("the file is damaged"));
        }
        if bytes.len() < pos + len {
            return Err(Error::Export("the file is incomplete"));
        }
        let last = pos + len == bytes.len();
        let mut buf = Zeroizing::new(bytes[pos..pos + len].to_vec());
        match key.open_in_place(nonce(&prefix, index, last), aead::Aad::from(header), buf.as_mut()) {
            Ok(p) => out.extend_from_slice(p),
            Err(_) if index == 0 && !last => {
                // Either a wrong passphrase or a damaged first chunk; tell which by trying
                // the "last" interpretation (a cut file) first.
                let mut again = Zeroizing::new(bytes[pos..pos + len].to_vec());
                return if key.open_in_place(nonce(&prefix, 0, false), aead::Aad::from(header), again.as_mut()).is_ok() {
                    Err(Error::Export("the file is damaged"))
                } else {
                    Err(Error::WrongKey(KeyMethod::Passphrase))
                };
            }
            Err(_) if index == 0 => {
                let mut again = Zeroizing::new(bytes[pos..pos + len].to_vec());
                return if key.open_in_place(nonce(&prefix, 0, false), aead::Aad::from(header), again.as_mut()).is_ok() {
                    Err(Error::Export("the file is incomplete"))
                } else {
                    Err(Error::WrongKey(KeyMethod::Passphrase))
                };
            }
            Err(_) if last => {
                let mut again = Zeroizing::new(bytes[pos..pos + len].to_vec());
                return if key
                    .open_in_place(nonce(&prefix, index, false), aead::Aad::from(header), again.as_mut())
                    .is_ok()
                {
                    Err(Error::Export("the file is incomplete"))
                } else {
                    Err(Error::Export("the file is damaged"))
                };
            }
            Err(_) => return Err(Error::Export("the file is damaged")),
        }
        pos += len;
        if last {
            return Ok(out);
        }
        index = index.checked_add(1).ok_or(Error::Export("the file is damaged"))?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pass(s: &str) -> Passphrase {
        Passphrase::new(s.as_bytes().to_vec()).unwrap()
    }

    #[test]
    fn round_trip_sizes() {
        for n in [0usize, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 5] {
            let pt: Vec<u8> = (0..n).map(|i| (i % 251) as u8).collect();
            let c = seal(&pass("p"), 1000, &pt).unwrap();
            assert_eq!(&open(&pass("p"), &c).unwrap()[..], &pt[..]);
        }
    }

    #[test]
    fn wrong_passphrase_truncation_and_damage() {
        let pt = vec![5u8; 2 * CHUNK + 10];
        let c = seal(&pass("p"), 1000, &pt).unwrap();
        assert!(matches!(open(&pass("q"), &c), Err(Error::WrongKey(_))));
        // Cut exactly after the second chunk: detected by the last-chunk flag.
        let cut = HEADER_LEN + 2 * (4 + CHUNK + 16);
        assert!(matches!(open(&pass("p"), &c[..cut]), Err(Error::Export("the file is incomplete"))));
        assert!(matches!(open(&pass("p"), &c[..c.len() - 3]), Err(Error::Export(_))));
        let mut d = c.clone();
        let last = d.len() - 20;
        d[last] ^= 1;
        assert!(matches!(open(&pass("p"), &d), Err(Error::Export("the file is damaged"))));
        let mut h = c.clone();
        h[30] ^= 1; // salt: changes the key and the AAD
        assert!(open(&pass("p"), &h).is_err());
        assert!(matches!(open(&pass("p"), b"not an export"), Err(Error::Export(_))));
        let mut extra = c.clone();
        extra.extend_from_slice(&[0, 0, 0, 16]);
        assert!(open(&pass("p"), &extra).is_err());
    }
}
