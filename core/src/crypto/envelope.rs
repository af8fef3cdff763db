//! The record envelope: how one encrypted column value is laid out.
//!
//! ```text
//! offset  size  field
//! 0       1     format version (1)
//! 1       4     key epoch, big-endian (selects the AES-256-GCM record key)
//! 5       4     ciphertext length in bytes including the tag, big-endian
//! 9       12    random nonce
//! 21      n     AES-256-GCM ciphertext of the padded plaintext, then the 16-byte tag
//! ```
//!
//! Associated data = `"companion/v1/record"` ‖ record kind (u16) ‖ record id (16) ‖
//! column (u8) ‖ the 21 header bytes. A ciphertext copied into another row, another column
//! or under another kind fails to open, as does any change to its header.
//!
//! The plaintext is padded (ISO/IEC 7816-4: 0x80 then zeros) to a multiple of 64 bytes, so
//! the file shows sizes only to the nearest 64 bytes.
//!
//! Nonces are random (96 bits) under a per-epoch key. The store moves to a new epoch key after
//! [`crate::store::EPOCH_SEAL_LIMIT`] seals, which keeps the chance of a nonce collision
//! under one key below 2^-37 (see docs/ARCHITECTURE.md).

use ring::aead;
use zeroize::Zeroizing;

use crate::crypto::{random_array, StoreKeys};
use crate::error::{IntegrityProblem, Result};

pub const FORMAT_V1: u8 = 1;
pub const HEADER_LEN: usize = 21;
pub const TAG_LEN: usize = 16;
const PAD_BLOCK: usize = 64;
const AAD_LABEL: &[u8] = b"companion/v1/record";
const AAD_LEN: usize = AAD_LABEL.len() + 2 + 16 + 1 + HEADER_LEN;

/// Which column of a record a blob belongs to (part of the associated data).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Column {
    Head = 1,
    Body = 2,
}

/// What a ciphertext is bound to.
#[derive(Clone, Copy, Debug)]
pub struct Binding<'a> {
    pub kind: u16,
    pub id: &'a [u8; 16],
    pub column: Column,
}

/// Seal `plaintext` for `binding` under the record key of `epoch`.
pub fn seal(keys: &StoreKeys, epoch: u32, binding: &Binding<'_>, plaintext: &[u8]) -> Result<Vec<u8>> {
    let key = keys.record_key(epoch)?;
    let padded_len = (plaintext.len() / PAD_BLOCK + 1) * PAD_BLOCK;
    let ct_len = padded_len + TAG_LEN;
    let nonce: [u8; 12] = random_array()?;

    let mut out = Vec::with_capacity(HEADER_LEN + ct_len);
    out.push(FORMAT_V1);
    out.extend_from_slice(&epoch.to_be_bytes());
    out.extend_from_slice(&(ct_len as u32).to_be_bytes());
    out.extend_from_slice(&nonce);
    let mut ad = [0u8; AAD_LEN];
    fill_aad(binding, &out[..HEADER_LEN], &mut ad);

    let mut body = Zeroizing::new(Vec::with_capacity(ct_len));
    body.extend_from_slice(plaintext);
    body.push(0x80);
    body.resize(padded_len, 0);
    let tag = key.seal_in_place_separate_tag(
        aead::Nonce::assume_unique_for_key(nonce),
        aead::Aad::from(&ad),
        body.as_mut_slice(),
    )?;
    out.extend_from_slice(&body);
    out.extend_from_slice(tag.as_ref());
    Ok(out)
}

/// Open a blob sealed by [`seal`] for the same binding.
pub fn open(
    keys: &StoreKeys,
    binding: &Binding<'_>,
    blob: &[u8],
) -> std::result::Result<Zeroizing<Vec<u8>>, IntegrityProblem> {
    let mut buf = Zeroizing::new(Vec::new());
    let n = open_into(keys, binding, blob, &mut buf)?;
    buf.truncate(n);
    Ok(buf)
}

/// The last record key used, so a scan over thousands of records looks it up once.
#[derive(Default)]
pub struct KeyCache {
    last: Option<(u32, std::sync::Arc<aead::LessSafeKey>)>,
}

impl KeyCache {
    fn get(
        &mut self,
        keys: &StoreKeys,
        epoch: u32,
    ) -> std::result::Result<std::sync::Arc<aead::LessSafeKey>, IntegrityProblem> {
        if let Some((e, k)) = &self.last {
            if *e == epoch {
                return Ok(std::sync::Arc::clone(k));
            }
        }
        let k = keys.record_key(epoch).map_err(|_| IntegrityProblem::Tampered)?;
        self.last = Some((epoch, std::sync::Arc::clone(&k)));
        Ok(k)
    }
}

/// Open into a reusable buffer (for scans); returns the plaintext length at the start of
/// `buf`. The caller zeroizes `buf` when done.
pub fn open_into(
    keys: &StoreKeys,
    binding: &Binding<'_>,
    blob: &[u8],
    buf: &mut Vec<u8>,
) -> std::result::Result<usize, IntegrityProblem> {
    open_cached(keys, &mut KeyCache::default(), binding, blob, buf)
}

/// [`open_into`] with a key cache kept across calls.
pub fn open_cached(
    keys: &StoreKeys,
    cache: &mut KeyCache,
    binding: &Binding<'_>,
    blob: &[u8],
    buf: &mut Vec<u8>,
) -> std::result::Result<usize, IntegrityProblem> {
    let Some(&version) = blob.first() else {
        return Err(IntegrityProblem::Truncated);
    };
    if version != FORMAT_V1 {
        return Err(IntegrityProblem::UnknownFormat(version));
    }
    if blob.len() < HEADER_LEN + TAG_LEN {
        return Err(IntegrityProblem::Truncated);
    }
    let epoch = u32::from_be_bytes([blob[1], blob[2], blob[3], blob[4]]);
    let declared = u32::from_be_bytes([blob[5], blob[6], blob[7], blob[8]]) as usize;
    let actual = blob.len() - HEADER_LEN;
    if actual < declared {
        return Err(IntegrityProblem::Truncated);
    }
    if actual > declared || declared < TAG_LEN {
        return Err(IntegrityProblem::Tampered);
    }
    let mut nonce = [0u8; 12];
    nonce.copy_from_slice(&blob[9..HEADER_LEN]);
    let key = cache.get(keys, epoch)?;
    let mut ad = [0u8; AAD_LEN];
    fill_aad(binding, &blob[..HEADER_LEN], &mut ad);
    buf.clear();
    buf.extend_from_slice(&blob[HEADER_LEN..]);
    let plain_len = key
        .open_in_place(aead::Nonce::assume_unique_for_key(nonce), aead::Aad::from(&ad[..]), buf.as_mut_slice())
        .map_err(|_| IntegrityProblem::Tampered)?
        .len();
    // Remove the padding: trailing zeros, then the 0x80 marker.
    let mut n = plain_len;
    while n > 0 && buf[n - 1] == 0 {
        n -= 1;
    }
    if n == 0 || buf[n - 1] != 0x80 {
        return Err(IntegrityProblem::Undecodable);
    }
    Ok(n - 1)
}

fn fill_aad(b: &Binding<'_>, header: &[u8], out: &mut [u8]) {
    let mut i = 0;
    for part in [AAD_LABEL, &b.kind.to_be_bytes()[..], &b.id[..], &[b.column as u8][..], header] {
        out[i..i + part.len()].copy_from_slice(part);
        i += part.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::DataKey;

    fn keys() -> StoreKeys {
        StoreKeys::new(DataKey::generate().unwrap(), [3u8; 16])
    }

    #[test]
    fn round_trip_and_padding() {
        let k = keys();
        let id = [9u8; 16];
        let b = Binding { kind: 10, id: &id, column: Column::Head };
        for len in [0usize, 1, 63, 64, 65, 1000] {
            let pt = vec![0xAB; len];
            let blob = seal(&k, 0, &b, &pt).unwrap();
            assert_eq!((blob.len() - HEADER_LEN - TAG_LEN) % 64, 0);
            assert_eq!(&open(&k, &b, &blob).unwrap()[..], &pt[..]);
        }
        // Trailing zeros in the plaintext survive the padding.
        let pt = [1u8, 0, 0, 0];
        assert_eq!(&open(&k, &b, &seal(&k, 0, &b, &pt).unwrap()).unwrap()[..], &pt);
    }

    #[test]
    fn every_flipped_bit_is_detected() {
        let k = keys();
        let id = [9u8; 16];
        let b = Binding { kind: 10, id: &id, column: Column::Head };
        let blob = seal(&k, 2, &b, b"canary-text").unwrap();
        for i in 0..blob.len() * 8 {
            let mut t = blob.clone();
            t[i / 8] ^= 1 << (i % 8);
            let r = open(&k, &b, &t);
            assert!(r.is_err(), "bit {i} flip not detected");
        }
    }

    #[test]
    fn binding_is_enforced() {
        let k = keys();
        let id = [9u8; 16];
        let other = [8u8; 16];
        let b = Binding { kind: 10, id: &id, column: Column::Head };
        let blob = seal(&k, 0, &b, b"x").unwrap();
        assert_eq!(open(&k, &Binding { id: &other, ..b }, &blob), Err(IntegrityProblem::Tampered));
        assert_eq!(open(&k, &Binding { kind: 11, ..b }, &blob), Err(IntegrityProblem::Tampered));
        assert_eq!(open(&k, &Binding { column: Column::Body, ..b }, &blob), Err(IntegrityProblem::Tampered));
        assert_eq!(open(&keys(), &b, &blob), Err(IntegrityProblem::Tampered));
    }

    #[test]
    fn truncation_and_versions() {
        let k = keys();
        let id = [9u8; 16];
        let b = Binding { kind: 10, id: &id, column: Column::Body };
        let blob = seal(&k, 0, &b, b"hello").unwrap();
        assert_eq!(open(&k, &b, &blob[..blob.len() - 1]), Err(IntegrityProblem::Truncated));
        assert_eq!(open(&k, &b, &blob[..10]), Err(IntegrityProblem::Truncated));
        assert_eq!(open(&k, &b, &[]), Err(IntegrityProblem::Truncated));
        let mut v = blob.clone();
        v[0] = 7;
        assert_eq!(open(&k, &b, &v), Err(IntegrityProblem::UnknownFormat(7)));
        let mut longer = blob.clone();
        longer.push(0);
        assert_eq!(open(&k, &b, &longer), Err(IntegrityProblem::Tampered));
    }
}
