//! Random record ids.
//!
//! Ids are 128 random bits: they say nothing about their record (not its kind, not when it
//! was made), so they may stay in plaintext. They print as 26 lowercase Crockford base32
//! characters; a unique prefix of at least [`RecordId::MIN_PREFIX`] characters is accepted
//! wherever a person types an id.

use std::fmt;
use std::str::FromStr;

use data_encoding::{Encoding, Specification};
use ring::rand::{SecureRandom, SystemRandom};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{Error, Result};

/// A random 128-bit record id.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RecordId(pub(crate) [u8; 16]);

fn crockford() -> Encoding {
    let mut spec = Specification::new();
    spec.symbols.push_str("0123456789abcdefghjkmnpqrstvwxyz");
    spec.translate.from.push_str("ABCDEFGHJKMNPQRSTVWXYZOoIiLl");
    spec.translate.to.push_str("abcdefghjkmnpqrstvwxyz001111");
    // The specification is constant and valid; `encoding()` only fails on invalid specs.
    #[allow(clippy::expect_used)]
    spec.encoding().expect("constant Crockford specification is valid")
}

thread_local! {
    static CROCKFORD: Encoding = crockford();
}

/// Lowercase Crockford base32 of `bytes`, without padding.
pub(crate) fn crockford_encode(bytes: &[u8]) -> String {
    CROCKFORD.with(|e| e.encode(bytes))
}

impl RecordId {
    /// Length of the printed form.
    pub const TEXT_LEN: usize = 26;
    /// Shortest prefix accepted when a person types an id.
    pub const MIN_PREFIX: usize = 4;

    /// A fresh random id.
    pub fn random() -> Result<Self> {
        let mut b = [0u8; 16];
        SystemRandom::new().fill(&mut b)?;
        Ok(RecordId(b))
    }

    /// Rebuild from raw bytes.
    pub fn from_bytes(b: [u8; 16]) -> Self {
        RecordId(b)
    }

    /// Parse raw bytes of unknown length (from the database or an export).
    pub fn from_slice(b: &[u8]) -> Option<Self> {
        <[u8; 16]>::try_from(b).ok().map(RecordId)
    }

    pub fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }

    /// The printed form, 26 characters.
    pub fn to_text(&self) -> String {
        // 128 bits in base32 is 25.6 symbols: encode 16 bytes without padding.
        CROCKFORD.with(|e| e.encode(&self.0))
    }

    /// Parse the full printed form (case-insensitive, Crockford's I/L/O aliases accepted).
    pub fn parse(text: &str) -> Result<Self> {
        let t = text.trim();
        if t.len() != Self::TEXT_LEN {
            return Err(Error::invalid("id", format!("an id has {} characters", Self::TEXT_LEN)));
        }
        let bytes = CROCKFORD
            .with(|e| e.decode(t.as_bytes()))
            .map_err(|_| Error::invalid("id", "an id uses only the letters a-z and digits"))?;
        RecordId::from_slice(&bytes).ok_or_else(|| Error::invalid("id", "not a valid id"))
    }

    /// Validate a typed prefix and return the inclusive byte range of ids it covers.
    pub(crate) fn prefix_range(prefix: &str) -> Result<([u8; 16], [u8; 16])> {
        let p = prefix.trim().to_ascii_lowercase();
        if p.len() < Self::MIN_PREFIX {
            return Err(Error::invalid("id", format!("type at least {} characters of the id", Self::MIN_PREFIX)));
        }
        if p.len() > Self::TEXT_LEN {
            return Err(Error::invalid("id", format!("an id has {} characters", Self::TEXT_LEN)));
        }
        if p.len() == Self::TEXT_LEN {
            let id = Self::parse(&p)?;
            return Ok((id.0, id.0));
        }
        // Pad the prefix with the lowest and highest symbols. The last of the 26 symbols
        // carries only 3 bits (its low 2 bits are zero), so its highest value is 'w'.
        let lo = Self::parse(&format!("{p:0<26}"))?;
        let mut hi_text = format!("{p:z<25}");
        hi_text.push('w');
        let hi = Self::parse(&hi_text)?;
        Ok((lo.0, hi.0))
    }
}

impl fmt::Display for RecordId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_text())
    }
}

impl fmt::Debug for RecordId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RecordId({})", self.to_text())
    }
}

impl FromStr for RecordId {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Self::parse(s)
    }
}

impl Serialize for RecordId {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            s.serialize_str(&self.to_text())
        } else {
            s.serialize_bytes(&self.0)
        }
    }
}

impl<'de> Deserialize<'de> for RecordId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        use serde::de::Error as _;
        if d.is_human_readable() {
            let s = String::deserialize(d)?;
            RecordId::parse(&s).map_err(|_| D::Error::custom("invalid record id"))
        } else {
            let b: serde_bytes_compat::Bytes16 = Deserialize::deserialize(d)?;
            Ok(RecordId(b.0))
        }
    }
}

mod serde_bytes_compat {
    //! Accepts 16 bytes serialized either as a byte string or a sequence.
    use serde::de::{self, SeqAccess, Visitor};
    use serde::{Deserialize, Deserializer};
    use std::fmt;

    pub struct Bytes16(pub [u8; 16]);

    impl<'de> Deserialize<'de> for Bytes16 {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Bytes16;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("16 bytes")
                }
                fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Bytes16, E> {
                    <[u8; 16]>::try_from(v).map(Bytes16).map_err(|_| E::invalid_length(v.len(), &self))
                }
                fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Bytes16, A::Error> {
                    let mut out = [0u8; 16];
                    for (i, slot) in out.iter_mut().enumerate() {
                        *slot = seq.next_element()?.ok_or_else(|| de::Error::invalid_length(i, &self))?;
                    }
                    Ok(Bytes16(out))
                }
            }
            d.deserialize_bytes(V)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_round_trip_and_aliases() {
        for _ in 0..200 {
            let id = RecordId::random().unwrap();
            let t = id.to_text();
            assert_eq!(t.len(), RecordId::TEXT_LEN);
            assert_eq!(RecordId::parse(&t).unwrap(), id);
            assert_eq!(RecordId::parse(&t.to_uppercase()).unwrap(), id);
        }
        assert!(RecordId::parse("short").is_err());
        assert!(RecordId::parse("uuuuuuuuuuuuuuuuuuuuuuuuuu").is_err());
    }

    #[test]
    fn prefix_range_covers_exactly_the_prefix() {
        for _ in 0..200 {
            let id = RecordId::random().unwrap();
            let t = id.to_text();
            for n in [4, 7, 13, 25, 26] {
                let (lo, hi) = RecordId::prefix_range(&t[..n]).unwrap();
                assert!(lo <= id.0 && id.0 <= hi, "prefix {n}");
                assert!(RecordId(lo).to_text().starts_with(&t[..n]));
                assert!(RecordId(hi).to_text().starts_with(&t[..n]));
            }
        }
        assert!(RecordId::prefix_range("abc").is_err());
    }

    #[test]
    fn postcard_and_json_round_trip() {
        let id = RecordId::random().unwrap();
        let b = postcard::to_stdvec(&id).unwrap();
        assert_eq!(postcard::from_bytes::<RecordId>(&b).unwrap(), id);
        let j = serde_json::to_string(&id).unwrap();
        assert_eq!(serde_json::from_str::<RecordId>(&j).unwrap(), id);
    }
}
