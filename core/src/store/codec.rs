//! Versioned payloads inside record ciphertexts: one version byte, then postcard.
//!
//! Each record module owns its payload structs and their version numbers. When a payload
//! changes shape, bump its version and keep decoding the old one (or migrate the rows).

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::{Error, IntegrityProblem, Result};

/// Encode `value` as version byte ‖ postcard.
pub fn encode<T: Serialize>(version: u8, value: &T) -> Result<Vec<u8>> {
    let mut out = vec![version];
    postcard::to_io(value, &mut out).map_err(|_| Error::State("a record could not be encoded"))?;
    Ok(out)
}

/// The version byte of a payload.
pub fn version(bytes: &[u8]) -> std::result::Result<u8, IntegrityProblem> {
    bytes.first().copied().ok_or(IntegrityProblem::Undecodable)
}

/// Decode a payload that must have version `expected`.
pub fn decode<T: DeserializeOwned>(bytes: &[u8], expected: u8) -> std::result::Result<T, IntegrityProblem> {
    match bytes.split_first() {
        Some((v, rest)) if *v == expected => postcard::from_bytes(rest).map_err(|_| IntegrityProblem::Undecodable),
        Some((v, _)) => Err(IntegrityProblem::UnknownFormat(*v)),
        None => Err(IntegrityProblem::Undecodable),
    }
}
