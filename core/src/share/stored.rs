//! How consent and sharing are stored: pairings, shares, consent receipts and share documents,
//! each a record with frozen payloads (see [`crate::store::record`]). Until this layer, these
//! records were written as their public structs; the version-1 types below are exactly those
//! structs' shapes as release b9cfb7c wrote them, so every stored value still decodes.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{Category, ConsentReceipt, Pairing, Pending, ReceiptAction, Share, ShareState, Suggestion};
use crate::error::IntegrityProblem;
use crate::id::RecordId;
use crate::store::frozen::StampV1;
use crate::store::{NoBody, Payload, Period, Record, RecordKind};
use crate::time::Month;

/// A pairing with a clinician, version 1. Frozen.
#[derive(Serialize, Deserialize)]
pub(crate) struct PairingV1 {
    id: RecordId,
    server: String,
    clinician_id: String,
    clinician_name: String,
    clinician_public_key: [u8; 32],
    fingerprint: String,
    device_id: String,
    /// The device's Ed25519 key (PKCS#8).
    device_key: Vec<u8>,
    paired: StampV1,
}

impl Payload for PairingV1 {
    const VERSION: u8 = 1;
}

impl Record for Pairing {
    const KIND: RecordKind = RecordKind::Pairing;
    type Head = PairingV1;
    type Body = NoBody;

    fn id(&self) -> RecordId {
        self.id
    }

    fn period(&self) -> Period {
        Period::Timeless
    }

    fn to_payload(&self) -> (PairingV1, Option<NoBody>) {
        let head = PairingV1 {
            id: self.id,
            server: self.server.clone(),
            clinician_id: self.clinician_id.clone(),
            clinician_name: self.clinician_name.clone(),
            clinician_public_key: self.clinician_public_key,
            fingerprint: self.fingerprint.clone(),
            device_id: self.device_id.clone(),
            device_key: self.device_key.clone(),
            paired: (&self.paired).into(),
        };
        (head, None)
    }

    fn from_payload(id: RecordId, p: PairingV1, _: Option<NoBody>) -> Result<Self, IntegrityProblem> {
        if p.id != id {
            return Err(IntegrityProblem::Undecodable);
        }
        Ok(Pairing {
            id,
            server: p.server,
            clinician_id: p.clinician_id,
            clinician_name: p.clinician_name,
            clinician_public_key: p.clinician_public_key,
            fingerprint: p.fingerprint,
            device_id: p.device_id,
            device_key: p.device_key,
            paired: p.paired.into(),
        })
    }
}

/// A chunk sealed and not yet acknowledged, version 1. Frozen.
#[derive(Serialize, Deserialize)]
pub(crate) struct PendingV1 {
    chunk_id: [u8; 16],
    sealed: Vec<u8>,
    heads_after: Vec<[u8; 32]>,
}

/// A suggestion received from the recipient, version 1. Frozen.
#[derive(Serialize, Deserialize)]
pub(crate) struct SuggestionV1 {
    from: String,
    received: StampV1,
    summary: String,
}

/// A share: one consent and its sync state, version 1. Frozen.
#[derive(Serialize, Deserialize)]
pub(crate) struct ShareV1 {
    id: RecordId,
    pairing: RecordId,
    category: Category,
    share_id: [u8; 16],
    key: [u8; 32],
    from: Option<NaiveDate>,
    until: Option<NaiveDate>,
    granted: StampV1,
    withdrawn: Option<StampV1>,
    state: ShareState,
    created_on_server: bool,
    actor: [u8; 16],
    doc_record: RecordId,
    pushed_heads: Vec<[u8; 32]>,
    pulled_seq: u64,
    snapshot_covers: u64,
    pending: Vec<PendingV1>,
    chunks_since_snapshot: u32,
    suggestions: Vec<SuggestionV1>,
    last_synced: Option<StampV1>,
    last_error: Option<String>,
    failures: u32,
    next_attempt_utc_ms: i64,
}

impl Payload for ShareV1 {
    const VERSION: u8 = 1;
}

impl Record for Share {
    const KIND: RecordKind = RecordKind::Share;
    type Head = ShareV1;
    type Body = NoBody;

    fn id(&self) -> RecordId {
        self.id
    }

    fn period(&self) -> Period {
        Period::Timeless
    }

    fn to_payload(&self) -> (ShareV1, Option<NoBody>) {
        let head = ShareV1 {
            id: self.id,
            pairing: self.pairing,
            category: self.category,
            share_id: self.share_id,
            key: self.key,
            from: self.from,
            until: self.until,
            granted: (&self.granted).into(),
            withdrawn: self.withdrawn.as_ref().map(StampV1::from),
            state: self.state,
            created_on_server: self.created_on_server,
            actor: self.actor,
            doc_record: self.doc_record,
            pushed_heads: self.pushed_heads.clone(),
            pulled_seq: self.pulled_seq,
            snapshot_covers: self.snapshot_covers,
            pending: self
                .pending
                .iter()
                .map(|p| PendingV1 {
                    chunk_id: p.chunk_id,
                    sealed: p.sealed.clone(),
                    heads_after: p.heads_after.clone(),
                })
                .collect(),
            chunks_since_snapshot: self.chunks_since_snapshot,
            suggestions: self
                .suggestions
                .iter()
                .map(|s| SuggestionV1 {
                    from: s.from.clone(),
                    received: (&s.received).into(),
                    summary: s.summary.clone(),
                })
                .collect(),
            last_synced: self.last_synced.as_ref().map(StampV1::from),
            last_error: self.last_error.clone(),
            failures: self.failures,
            next_attempt_utc_ms: self.next_attempt_utc_ms,
        };
        (head, None)
    }

    fn from_payload(id: RecordId, s: ShareV1, _: Option<NoBody>) -> Result<Self, IntegrityProblem> {
        if s.id != id {
            return Err(IntegrityProblem::Undecodable);
        }
        Ok(Share {
            id,
            pairing: s.pairing,
            category: s.category,
            share_id: s.share_id,
            key: s.key,
            from: s.from,
            until: s.until,
            granted: s.granted.into(),
            withdrawn: s.withdrawn.map(Into::into),
            state: s.state,
            created_on_server: s.created_on_server,
            actor: s.actor,
            doc_record: s.doc_record,
            pushed_heads: s.pushed_heads,
            pulled_seq: s.pulled_seq,
            snapshot_covers: s.snapshot_covers,
            pending: s
                .pending
                .into_iter()
                .map(|p| Pending { chunk_id: p.chunk_id, sealed: p.sealed, heads_after: p.heads_after })
                .collect(),
            chunks_since_snapshot: s.chunks_since_snapshot,
            suggestions: s
                .suggestions
                .into_iter()
                .map(|g| Suggestion { from: g.from, received: g.received.into(), summary: g.summary })
                .collect(),
            last_synced: s.last_synced.map(Into::into),
            last_error: s.last_error,
            failures: s.failures,
            next_attempt_utc_ms: s.next_attempt_utc_ms,
        })
    }
}

/// A consent receipt, version 1. Frozen.
#[derive(Serialize, Deserialize)]
pub(crate) struct ReceiptV1 {
    id: RecordId,
    action: ReceiptAction,
    category: Category,
    recipient: String,
    recipient_fingerprint: String,
    server: String,
    from: Option<NaiveDate>,
    until: Option<NaiveDate>,
    at: StampV1,
    wording_version: String,
    wording_sha256: String,
}

impl Payload for ReceiptV1 {
    const VERSION: u8 = 1;
}

impl Record for ConsentReceipt {
    const KIND: RecordKind = RecordKind::ConsentReceipt;
    type Head = ReceiptV1;
    type Body = NoBody;

    fn id(&self) -> RecordId {
        self.id
    }

    fn period(&self) -> Period {
        Period::Month(Month::of(self.at.local_date()))
    }

    fn to_payload(&self) -> (ReceiptV1, Option<NoBody>) {
        let head = ReceiptV1 {
            id: self.id,
            action: self.action,
            category: self.category,
            recipient: self.recipient.clone(),
            recipient_fingerprint: self.recipient_fingerprint.clone(),
            server: self.server.clone(),
            from: self.from,
            until: self.until,
            at: (&self.at).into(),
            wording_version: self.wording_version.clone(),
            wording_sha256: self.wording_sha256.clone(),
        };
        (head, None)
    }

    fn from_payload(id: RecordId, r: ReceiptV1, _: Option<NoBody>) -> Result<Self, IntegrityProblem> {
        if r.id != id {
            return Err(IntegrityProblem::Undecodable);
        }
        Ok(ConsentReceipt {
            id,
            action: r.action,
            category: r.category,
            recipient: r.recipient,
            recipient_fingerprint: r.recipient_fingerprint,
            server: r.server,
            from: r.from,
            until: r.until,
            at: r.at.into(),
            wording_version: r.wording_version,
            wording_sha256: r.wording_sha256,
        })
    }
}

/// A stored share document: the automerge bytes and the digest of each entry last written.
#[derive(PartialEq)]
pub(crate) struct ShareDocument {
    pub id: RecordId,
    pub bytes: Vec<u8>,
    pub digests: BTreeMap<String, u64>,
}

/// Head of a share document, version 1: nothing but the version. Frozen.
#[derive(Serialize, Deserialize)]
pub(crate) struct DocHeadV1;

impl Payload for DocHeadV1 {
    const VERSION: u8 = 1;
}

/// Body of a share document, version 1. Frozen.
#[derive(Serialize, Deserialize)]
pub(crate) struct DocBodyV1 {
    bytes: Vec<u8>,
    digests: BTreeMap<String, u64>,
}

impl Payload for DocBodyV1 {
    const VERSION: u8 = 1;
}

impl Record for ShareDocument {
    const KIND: RecordKind = RecordKind::ShareDocument;
    type Head = DocHeadV1;
    type Body = DocBodyV1;

    fn id(&self) -> RecordId {
        self.id
    }

    fn period(&self) -> Period {
        Period::Timeless
    }

    fn to_payload(&self) -> (DocHeadV1, Option<DocBodyV1>) {
        (DocHeadV1, Some(DocBodyV1 { bytes: self.bytes.clone(), digests: self.digests.clone() }))
    }

    fn from_payload(id: RecordId, _: DocHeadV1, body: Option<DocBodyV1>) -> Result<Self, IntegrityProblem> {
        let b = body.ok_or(IntegrityProblem::Truncated)?;
        Ok(ShareDocument { id, bytes: b.bytes, digests: b.digests })
    }
}
