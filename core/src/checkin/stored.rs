//! How a check-in is stored: its record, with frozen payloads (see [`crate::store::record`]),
//! and the borrowed view of its head that scans decode. The head holds the day, the times and
//! the ratings; the body holds the words.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{CheckIn, MAX_SCORE};
use crate::error::IntegrityProblem;
use crate::id::RecordId;
use crate::safety::flags::{self, FlaggedHead};
use crate::store::frozen::{StampRefV1, StampV1};
use crate::store::record::decode_version_flagged;
use crate::store::{Payload, Period, Record, RecordKind};
use crate::time::Month;

/// Head of a check-in, version 1. Frozen.
#[derive(Serialize, Deserialize)]
pub(crate) struct HeadV1 {
    day: NaiveDate,
    first_at: StampV1,
    at: StampV1,
    /// Mood, stress, loneliness, sleep.
    scores: [Option<u8>; 4],
    saves: u32,
}

impl Payload for HeadV1 {
    const VERSION: u8 = 1;
}

/// Borrowing twin of [`HeadV1`] (same fields, same order) for scans: no string is copied.
#[derive(Deserialize)]
struct HeadRefV1<'a> {
    day: NaiveDate,
    #[serde(borrow)]
    first_at: StampRefV1<'a>,
    #[serde(borrow)]
    at: StampRefV1<'a>,
    scores: [Option<u8>; 4],
    #[allow(dead_code)]
    saves: u32,
}

/// Body of a check-in, version 1. Frozen.
#[derive(Serialize, Deserialize)]
pub(crate) struct BodyV1 {
    note: Option<String>,
}

impl Payload for BodyV1 {
    const VERSION: u8 = 1;
}

fn check_scores(scores: &[Option<u8>; 4]) -> Result<(), IntegrityProblem> {
    if scores.iter().flatten().any(|s| *s > MAX_SCORE) {
        return Err(IntegrityProblem::Undecodable);
    }
    Ok(())
}

impl Record for CheckIn {
    const KIND: RecordKind = RecordKind::CheckIn;
    type Head = FlaggedHead<HeadV1>;
    type Body = BodyV1;

    fn id(&self) -> RecordId {
        self.id
    }

    fn period(&self) -> Period {
        Period::Month(Month::of(self.day))
    }

    fn to_payload(&self) -> (FlaggedHead<HeadV1>, Option<BodyV1>) {
        let head = HeadV1 {
            day: self.day,
            first_at: (&self.first_at).into(),
            at: (&self.at).into(),
            scores: [self.mood, self.stress, self.loneliness, self.sleep],
            saves: self.saves,
        };
        (FlaggedHead { head, risk: flags::concern_of(self) }, Some(BodyV1 { note: self.note.clone() }))
    }

    /// Listed without its words, a check-in has no note.
    fn from_payload(id: RecordId, h: FlaggedHead<HeadV1>, body: Option<BodyV1>) -> Result<Self, IntegrityProblem> {
        let FlaggedHead { head: h, risk } = h;
        check_scores(&h.scores)?;
        let [mood, stress, loneliness, sleep] = h.scores;
        Ok(CheckIn {
            id,
            day: h.day,
            first_at: h.first_at.into(),
            at: h.at.into(),
            mood,
            stress,
            loneliness,
            sleep,
            note: body.and_then(|b| b.note),
            saves: h.saves,
            risk,
        })
    }
}

/// What scans read of a check-in: its day, when it was first made and last saved (UTC
/// milliseconds), and its ratings.
pub(crate) struct HeadFacts {
    pub day: NaiveDate,
    pub first_ms: i64,
    pub at_ms: i64,
    pub scores: [Option<u8>; 4],
}

pub(crate) fn decode_facts(head: &[u8]) -> Result<HeadFacts, IntegrityProblem> {
    let (h, _): (HeadRefV1<'_>, _) = decode_version_flagged(head, HeadV1::VERSION)?;
    check_scores(&h.scores)?;
    Ok(HeadFacts { day: h.day, first_ms: h.first_at.utc_ms, at_ms: h.at.utc_ms, scores: h.scores })
}
