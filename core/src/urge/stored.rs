//! How an urge entry is stored: its record (frozen payloads, see [`crate::store::record`])
//! and the borrowed view of its head that scans decode without copying.
//!
//! The head holds what lists and insights read; the body holds the person's words (where,
//! doing what, the note), decrypted only when asked for.

use serde::{Deserialize, Serialize};

use super::{Company, Outcome, Urge, UrgeFacts};
use crate::error::IntegrityProblem;
use crate::id::RecordId;
use crate::safety::flags::{self, FlaggedHead};
use crate::store::frozen::{StampRefV1, StampV1};
use crate::store::record::decode_version_flagged;
use crate::store::{Payload, Period, Record, RecordKind};
use crate::time::Month;

/// Head of an urge entry, version 1. Frozen.
#[derive(Serialize, Deserialize)]
pub(crate) struct HeadV1 {
    occurred: StampV1,
    logged: StampV1,
    edited_utc_ms: Option<i64>,
    intensity: u8,
    triggers: Vec<String>,
    feelings: Vec<String>,
    company: Option<Company>,
    duration_secs: Option<u32>,
    outcome: Option<Outcome>,
    strategies: Vec<String>,
    surf_session: Option<RecordId>,
}

impl Payload for HeadV1 {
    const VERSION: u8 = 1;
}

/// Body of an urge entry, version 1. Frozen.
#[derive(Serialize, Deserialize, Default)]
pub(crate) struct BodyV1 {
    place: Option<String>,
    activity: Option<String>,
    note: Option<String>,
}

impl Payload for BodyV1 {
    const VERSION: u8 = 1;
}

impl Record for Urge {
    const KIND: RecordKind = RecordKind::Urge;
    type Head = FlaggedHead<HeadV1>;
    type Body = BodyV1;

    fn id(&self) -> RecordId {
        self.id
    }

    fn period(&self) -> Period {
        Period::Month(Month::of(self.local_date()))
    }

    fn to_payload(&self) -> (FlaggedHead<HeadV1>, Option<BodyV1>) {
        let head = HeadV1 {
            occurred: (&self.occurred).into(),
            logged: (&self.logged).into(),
            edited_utc_ms: self.edited_utc_ms,
            intensity: self.intensity,
            triggers: self.triggers.clone(),
            feelings: self.feelings.clone(),
            company: self.company,
            duration_secs: self.duration_secs,
            outcome: self.outcome,
            strategies: self.strategies.clone(),
            surf_session: self.surf_session,
        };
        let head = FlaggedHead { head, risk: flags::concern_of(self) };
        let body = BodyV1 { place: self.place.clone(), activity: self.activity.clone(), note: self.note.clone() };
        (head, Some(body))
    }

    /// Listed without details, an entry has no place, activity or note.
    fn from_payload(id: RecordId, h: FlaggedHead<HeadV1>, body: Option<BodyV1>) -> Result<Self, IntegrityProblem> {
        let FlaggedHead { head: h, risk } = h;
        let b = body.unwrap_or_default();
        Ok(Urge {
            id,
            occurred: h.occurred.into(),
            logged: h.logged.into(),
            edited_utc_ms: h.edited_utc_ms,
            intensity: h.intensity,
            triggers: h.triggers,
            feelings: h.feelings,
            place: b.place,
            company: h.company,
            activity: b.activity,
            note: b.note,
            duration_secs: h.duration_secs,
            outcome: h.outcome,
            strategies: h.strategies,
            surf_session: h.surf_session,
            risk,
        })
    }
}

/// Borrowing twin of [`HeadV1`]: same fields, same order, so the same bytes decode as either
/// (in version 2, followed by the risk flag).
#[derive(Deserialize)]
struct HeadRefV1<'a> {
    #[serde(borrow)]
    occurred: StampRefV1<'a>,
    #[serde(borrow)]
    #[allow(dead_code)]
    logged: StampRefV1<'a>,
    #[allow(dead_code)]
    edited_utc_ms: Option<i64>,
    intensity: u8,
    #[serde(borrow)]
    triggers: Vec<&'a str>,
    #[serde(borrow)]
    feelings: Vec<&'a str>,
    company: Option<Company>,
    duration_secs: Option<u32>,
    outcome: Option<Outcome>,
    #[serde(borrow)]
    strategies: Vec<&'a str>,
    surf_session: Option<RecordId>,
}

/// The facts of an urge from its head, borrowing its strings.
pub(crate) fn decode_facts(id: RecordId, head: &[u8]) -> Result<UrgeFacts<'_>, IntegrityProblem> {
    let (h, _): (HeadRefV1<'_>, _) = decode_version_flagged(head, HeadV1::VERSION)?;
    Ok(UrgeFacts {
        id,
        occurred_utc_ms: h.occurred.utc_ms,
        offset_secs: h.occurred.offset_secs,
        intensity: h.intensity,
        duration_secs: h.duration_secs,
        outcome: h.outcome,
        company: h.company,
        triggers: h.triggers,
        feelings: h.feelings,
        strategies: h.strategies,
        surf_session: h.surf_session,
    })
}
