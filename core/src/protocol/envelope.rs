//! Sealed chunks: how an automerge change chunk or compacted snapshot leaves a device.
//!
//! ```text
//! offset size field
//! 0      1    version (1)
//! 1      1    kind: 1 = change chunk, 2 = snapshot
//! 2      16   chunk id (random, chosen by the writer; the idempotency key of an append)
//! 18     8    covers: for a snapshot, the last server sequence number it includes (u64 BE);
//!             0 for a change chunk
//! 26     12   nonce (random)
//! 38     n    AES-256-GCM ciphertext ‖ 16-byte tag
//!
//! chunk key = HKDF-SHA256(ikm = share key, salt = share id ‖ chunk id,
//!                         info = "companion/share-chunk-key/v1"), 32 bytes
//! AAD       = "companion/share-chunk/v1" ‖ share id (16) ‖ bytes 0..38 of the envelope
//! ```
//!
//! The server reads only the 38-byte header ([`parse_chunk_header`]); it cannot open the
//! ciphertext, move it to another share, or change its kind, id or coverage undetected. Every
//! chunk has its own key (derived from its random id), so nonces never repeat under a key.

use ring::{aead, hkdf};
use zeroize::Zeroizing;

use super::{random_array, ChunkId, ProtocolError, ShareId, ShareKey, PROTOCOL_VERSION};

/// Header length.
pub const HEADER_LEN: usize = 38;
const TAG_LEN: usize = 16;
/// Largest sealed chunk or snapshot the protocol allows (4 MiB).
pub const MAX_SEALED_CHUNK: usize = 4 * 1024 * 1024;
const KEY_INFO: &[u8] = b"companion/share-chunk-key/v1";
const AAD_LABEL: &[u8] = b"companion/share-chunk/v1";

/// What a chunk holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChunkKind {
    /// Automerge changes since the writer's previous chunk.
    Change = 1,
    /// A compacted automerge document covering everything up to `covers`.
    Snapshot = 2,
}

/// The plaintext header of a sealed chunk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChunkHeader {
    pub kind: ChunkKind,
    pub chunk_id: ChunkId,
    /// For a snapshot: the last sequence number it includes. 0 for a change chunk.
    pub covers_seq: u64,
}

/// Read and check the header of a sealed chunk, without any key (what the server does).
pub fn parse_chunk_header(sealed: &[u8]) -> Result<ChunkHeader, ProtocolError> {
    if sealed.len() > MAX_SEALED_CHUNK {
        return Err(ProtocolError::TooLarge);
    }
    let Some(&v) = sealed.first() else {
        return Err(ProtocolError::Malformed("chunk"));
    };
    if v != PROTOCOL_VERSION {
        return Err(ProtocolError::UnknownVersion(v));
    }
    if sealed.len() < HEADER_LEN + TAG_LEN {
        return Err(ProtocolError::Malformed("chunk"));
    }
    let kind = match sealed[1] {
        1 => ChunkKind::Change,
        2 => ChunkKind::Snapshot,
        _ => return Err(ProtocolError::Malformed("chunk kind")),
    };
    let mut id = [0u8; 16];
    id.copy_from_slice(&sealed[2..18]);
    let mut cov = [0u8; 8];
    cov.copy_from_slice(&sealed[18..26]);
    let covers_seq = u64::from_be_bytes(cov);
    match (kind, covers_seq) {
        (ChunkKind::Change, 0) => {}
        (ChunkKind::Change, _) => return Err(ProtocolError::Malformed("change chunk coverage")),
        (ChunkKind::Snapshot, 0) => return Err(ProtocolError::Malformed("snapshot coverage")),
        (ChunkKind::Snapshot, c) if c > i64::MAX as u64 => return Err(ProtocolError::Malformed("snapshot coverage")),
        _ => {}
    }
    Ok(ChunkHeader { kind, chunk_id: ChunkId(id), covers_seq })
}

fn chunk_key(key: &ShareKey, share: &ShareId, chunk: &ChunkId) -> Result<aead::LessSafeKey, ProtocolError> {
    let mut salt = [0u8; 32];
    salt[..16].copy_from_slice(share.as_bytes());
    salt[16..].copy_from_slice(chunk.as_bytes());
    let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, &salt).extract(key.expose());
    let okm = prk.expand(&[KEY_INFO], &aead::AES_256_GCM)?;
    Ok(aead::LessSafeKey::new(aead::UnboundKey::from(okm)))
}

fn aad(share: &ShareId, header: &[u8]) -> Vec<u8> {
    let mut a = Vec::with_capacity(AAD_LABEL.len() + 16 + HEADER_LEN);
    a.extend_from_slice(AAD_LABEL);
    a.extend_from_slice(share.as_bytes());
    a.extend_from_slice(header);
    a
}

/// Seal with a given nonce (test vectors); use [`seal_chunk`] otherwise.
pub(crate) fn seal_with_nonce(
    key: &ShareKey,
    share: &ShareId,
    kind: ChunkKind,
    chunk_id: ChunkId,
    covers_seq: u64,
    nonce: [u8; 12],
    plaintext: &[u8],
) -> Result<Vec<u8>, ProtocolError> {
    if plaintext.len() + HEADER_LEN + TAG_LEN > MAX_SEALED_CHUNK {
        return Err(ProtocolError::TooLarge);
    }
    let mut out = Vec::with_capacity(HEADER_LEN + plaintext.len() + TAG_LEN);
    out.push(PROTOCOL_VERSION);
    out.push(kind as u8);
    out.extend_from_slice(chunk_id.as_bytes());
    out.extend_from_slice(&covers_seq.to_be_bytes());
    out.extend_from_slice(&nonce);
    parse_chunk_header(&[out.as_slice(), &[0u8; TAG_LEN]].concat())?;
    let ad = aad(share, &out);
    let mut body = plaintext.to_vec();
    chunk_key(key, share, &chunk_id)?.seal_in_place_append_tag(
        aead::Nonce::assume_unique_for_key(nonce),
        aead::Aad::from(&ad),
        &mut body,
    )?;
    out.extend_from_slice(&body);
    Ok(out)
}

/// Seal `plaintext` (automerge bytes) as a chunk of `share`.
pub fn seal_chunk(
    key: &ShareKey,
    share: &ShareId,
    kind: ChunkKind,
    chunk_id: ChunkId,
    covers_seq: u64,
    plaintext: &[u8],
) -> Result<Vec<u8>, ProtocolError> {
    seal_with_nonce(key, share, kind, chunk_id, covers_seq, random_array()?, plaintext)
}

/// Open a sealed chunk of `share`.
pub fn open_chunk(
    key: &ShareKey,
    share: &ShareId,
    sealed: &[u8],
) -> Result<(ChunkHeader, Zeroizing<Vec<u8>>), ProtocolError> {
    let header = parse_chunk_header(sealed)?;
    let mut nonce = [0u8; 12];
    nonce.copy_from_slice(&sealed[26..HEADER_LEN]);
    let ad = aad(share, &sealed[..HEADER_LEN]);
    let mut buf = Zeroizing::new(sealed[HEADER_LEN..].to_vec());
    let n = chunk_key(key, share, &header.chunk_id)?
        .open_in_place(aead::Nonce::assume_unique_for_key(nonce), aead::Aad::from(&ad), buf.as_mut_slice())
        .map_err(|_| ProtocolError::Authentication)?
        .len();
    buf.truncate(n);
    Ok((header, buf))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_every_bit_matters() {
        let key = ShareKey::generate().unwrap();
        let share = ShareId::random().unwrap();
        let id = ChunkId::random().unwrap();
        let sealed = seal_chunk(&key, &share, ChunkKind::Change, id, 0, b"automerge bytes").unwrap();
        let (h, pt) = open_chunk(&key, &share, &sealed).unwrap();
        assert_eq!(h, ChunkHeader { kind: ChunkKind::Change, chunk_id: id, covers_seq: 0 });
        assert_eq!(&pt[..], b"automerge bytes");
        for i in 0..sealed.len() * 8 {
            let mut t = sealed.clone();
            t[i / 8] ^= 1 << (i % 8);
            assert!(open_chunk(&key, &share, &t).is_err(), "bit {i}");
        }
        let other = ShareId::random().unwrap();
        assert_eq!(open_chunk(&key, &other, &sealed).unwrap_err(), ProtocolError::Authentication);
        assert!(open_chunk(&ShareKey::generate().unwrap(), &share, &sealed).is_err());
    }

    #[test]
    fn headers_are_checked_without_a_key() {
        let key = ShareKey::generate().unwrap();
        let share = ShareId::random().unwrap();
        let snap = seal_chunk(&key, &share, ChunkKind::Snapshot, ChunkId::random().unwrap(), 42, b"doc").unwrap();
        assert_eq!(parse_chunk_header(&snap).unwrap().covers_seq, 42);
        assert!(seal_chunk(&key, &share, ChunkKind::Snapshot, ChunkId::random().unwrap(), 0, b"doc").is_err());
        assert!(seal_chunk(&key, &share, ChunkKind::Change, ChunkId::random().unwrap(), 5, b"x").is_err());
        assert_eq!(parse_chunk_header(&[]).unwrap_err(), ProtocolError::Malformed("chunk"));
        assert_eq!(parse_chunk_header(&[9; 60]).unwrap_err(), ProtocolError::UnknownVersion(9));
        assert!(parse_chunk_header(&snap[..40]).is_err());
        let mut bad_kind = snap.clone();
        bad_kind[1] = 7;
        assert!(parse_chunk_header(&bad_kind).is_err());
        assert_eq!(parse_chunk_header(&vec![1u8; MAX_SEALED_CHUNK + 1]).unwrap_err(), ProtocolError::TooLarge);
    }
}
