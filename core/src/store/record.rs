//! The typed record layer: each feature declares its stored records once, and the store
//! encodes, seals, indexes, reads and reports them the same way for every kind.
//!
//! A feature implements [`Record`] for its domain type: the [`RecordKind`], the frozen payload
//! types of the head and the body, the record's id and period (which month's bucket it lives
//! in), and the conversion to and from those payloads. Then `tx.put(&urge)`,
//! `store.get::<Urge>(id)` and `store.list::<Urge>(scope, Columns::HeadOnly)` do the rest.
//!
//! # Payloads are frozen
//!
//! A payload is `version byte ‖ postcard`. Postcard is positional: it writes fields in order,
//! without names, so adding, removing or reordering a field of a stored struct makes every
//! stored value of it undecodable. Therefore every stored shape is a [`Payload`] type of its
//! own (`HeadV1`, `BodyV1`, and frozen copies of anything they hold), never a public domain
//! struct, and a shipped payload type never changes. A new shape is a new type with the next
//! version number, whose [`Payload::upgrade`] reads the earlier versions; each version keeps a
//! golden-bytes test (`store/golden`) proving that a value stored by the release that wrote it
//! still decodes. Field-less enums (`Outcome`, `Category`...) are stored by variant index:
//! they may gain variants at the end only, and their indices are pinned by a golden test too.
//!
//! # One policy for records that do not open
//!
//! A record whose ciphertext fails to open, or whose payload does not decode, is reported as
//! [`Unreadable`] (kind, id, what is wrong), skipped, and left in the file untouched. Lists
//! return the readable records *and* the unreadable ones ([`Records`]); reading one record by
//! id returns [`Error::Integrity`] for it. Nothing is dropped silently, and one bad record
//! never stops the others from being read, synced or exported.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::{Opened, Period, RecordKind, Unreadable};
use crate::error::{Error, IntegrityProblem, Result};
use crate::id::RecordId;
use crate::safety::RiskConcern;

/// One stored shape of a record's head or body. Frozen once shipped: see the module docs.
pub(crate) trait Payload: Serialize + DeserializeOwned {
    /// The version byte written before the postcard bytes; never reused for another shape.
    const VERSION: u8;

    /// Read a payload stored in an earlier version, upgraded to this one. A version this
    /// build does not know is [`IntegrityProblem::UnknownFormat`].
    fn upgrade(version: u8, _bytes: &[u8]) -> std::result::Result<Self, IntegrityProblem> {
        Err(IntegrityProblem::UnknownFormat(version))
    }
}

/// Encode a payload as `version byte ‖ postcard`.
pub(crate) fn encode<P: Payload>(payload: &P) -> Result<Vec<u8>> {
    let mut out = vec![P::VERSION];
    postcard::to_io(payload, &mut out).map_err(|_| Error::State("a record could not be encoded"))?;
    Ok(out)
}

/// Decode a payload of the current version, or upgrade one of an earlier version.
pub(crate) fn decode<P: Payload>(bytes: &[u8]) -> std::result::Result<P, IntegrityProblem> {
    match bytes.split_first() {
        Some((&v, rest)) if v == P::VERSION => exactly(rest),
        Some((&v, _)) => P::upgrade(v, bytes),
        None => Err(IntegrityProblem::Undecodable),
    }
}

/// Decode, borrowing strings from `bytes` (the scans' fast path uses borrowing twins of frozen
/// heads), a head stored as `version` (risk flag: none) or as the next version, which is the
/// same fields followed by an entry's risk flag ([`crate::safety::flags`]).
pub(crate) fn decode_version_flagged<'a, T: Deserialize<'a>>(
    bytes: &'a [u8],
    version: u8,
) -> std::result::Result<(T, Option<RiskConcern>), IntegrityProblem> {
    match bytes.split_first() {
        Some((&v, rest)) if v == version => Ok((exactly(rest)?, None)),
        Some((&v, rest)) if v == version + 1 => {
            let (head, flag) = postcard::take_from_bytes(rest).map_err(|_| IntegrityProblem::Undecodable)?;
            Ok((head, exactly(flag)?))
        }
        Some((&v, _)) => Err(IntegrityProblem::UnknownFormat(v)),
        None => Err(IntegrityProblem::Undecodable),
    }
}

/// Postcard bytes that must hold one value and nothing after it.
fn exactly<'a, T: Deserialize<'a>>(bytes: &'a [u8]) -> std::result::Result<T, IntegrityProblem> {
    match postcard::take_from_bytes(bytes) {
        Ok((value, [])) => Ok(value),
        _ => Err(IntegrityProblem::Undecodable),
    }
}

/// The body of a record that has none: it is never written, and a stored body is refused.
#[derive(Serialize, Deserialize)]
pub(crate) enum NoBody {}

impl Payload for NoBody {
    const VERSION: u8 = 0;
}

/// A kind of stored record and how it maps to its domain type.
pub(crate) trait Record: Sized {
    const KIND: RecordKind;
    /// What lists and scans read: small, and decrypted for every record listed.
    type Head: Payload;
    /// What is read when one record is opened (free text); [`NoBody`] when there is none.
    type Body: Payload;

    fn id(&self) -> RecordId;

    /// The bucket of the blind index it lives in: its local month, or timeless.
    fn period(&self) -> Period;

    fn to_payload(&self) -> (Self::Head, Option<Self::Body>);

    /// Rebuild the domain value. `body` is `None` when only heads were read (or the record
    /// has none); a record that needs its body then says [`IntegrityProblem::Truncated`].
    fn from_payload(
        id: RecordId,
        head: Self::Head,
        body: Option<Self::Body>,
    ) -> std::result::Result<Self, IntegrityProblem>;
}

/// A record's head and body, encoded for sealing.
pub(crate) fn encode_record<R: Record>(record: &R) -> Result<(Vec<u8>, Option<Vec<u8>>)> {
    let (head, body) = record.to_payload();
    Ok((encode(&head)?, body.as_ref().map(encode).transpose()?))
}

/// A record from its decrypted head and (when read) body.
pub(crate) fn decode_record<R: Record>(
    id: RecordId,
    head: &[u8],
    body: Option<&[u8]>,
) -> std::result::Result<R, IntegrityProblem> {
    let head = decode::<R::Head>(head)?;
    let body = body.map(decode::<R::Body>).transpose()?;
    R::from_payload(id, head, body)
}

/// [`decode_record`] of an opened record, as the store's error for it.
pub(crate) fn decode_opened<R: Record>(o: &Opened) -> Result<R> {
    decode_record(o.id, &o.head, o.body.as_deref().map(|b| &b[..])).map_err(|problem| Error::Integrity {
        kind: R::KIND,
        id: o.id,
        problem,
    })
}

/// Which columns a list decrypts: lists of many records often need only their heads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Columns {
    HeadOnly,
    HeadAndBody,
}

impl Columns {
    pub(crate) fn with_body(self) -> bool {
        self == Columns::HeadAndBody
    }
}

/// The records of one kind that a list found, and those that could not be read.
#[derive(Debug)]
pub struct Records<R> {
    pub records: Vec<R>,
    pub unreadable: Vec<Unreadable>,
}

impl<R> Default for Records<R> {
    fn default() -> Self {
        Records { records: Vec::new(), unreadable: Vec::new() }
    }
}
