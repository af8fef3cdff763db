//! How a goal is stored: its record, with frozen payloads (see [`crate::store::record`]). The
//! head holds the measure, target, time frame and progress entered by hand; the body holds the
//! person's words.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{Goal, GoalEntry, GoalMeasure};
use crate::error::IntegrityProblem;
use crate::id::RecordId;
use crate::store::frozen::StampV1;
use crate::store::{Payload, Period, Record, RecordKind};

/// What a goal counts, version 1. Frozen (variants stored by index: only ever add at the end).
#[derive(Serialize, Deserialize)]
pub(crate) enum MeasureV1 {
    UrgesSurfed,
    UrgesLogged,
    CheckInDays,
    ChainAnalyses,
    DaysWithoutActingOut,
    StrategyUsed { strategy: String },
    Manual { unit: String },
}

/// Progress entered by hand, version 1. Frozen.
#[derive(Serialize, Deserialize)]
pub(crate) struct EntryV1 {
    day: NaiveDate,
    amount: u32,
    added_utc_ms: i64,
}

/// Head of a goal, version 1. Frozen.
#[derive(Serialize, Deserialize)]
pub(crate) struct HeadV1 {
    created: StampV1,
    edited_utc_ms: Option<i64>,
    measure: MeasureV1,
    target: u32,
    start: NaiveDate,
    end: NaiveDate,
    entries: Vec<EntryV1>,
    archived: bool,
}

impl Payload for HeadV1 {
    const VERSION: u8 = 1;
}

/// Body of a goal, version 1. Frozen.
#[derive(Serialize, Deserialize)]
pub(crate) struct BodyV1 {
    text: String,
    why: Option<String>,
}

impl Payload for BodyV1 {
    const VERSION: u8 = 1;
}

impl From<&GoalMeasure> for MeasureV1 {
    fn from(m: &GoalMeasure) -> Self {
        match m {
            GoalMeasure::UrgesSurfed => MeasureV1::UrgesSurfed,
            GoalMeasure::UrgesLogged => MeasureV1::UrgesLogged,
            GoalMeasure::CheckInDays => MeasureV1::CheckInDays,
            GoalMeasure::ChainAnalyses => MeasureV1::ChainAnalyses,
            GoalMeasure::DaysWithoutActingOut => MeasureV1::DaysWithoutActingOut,
            GoalMeasure::StrategyUsed { strategy } => MeasureV1::StrategyUsed { strategy: strategy.clone() },
            GoalMeasure::Manual { unit } => MeasureV1::Manual { unit: unit.clone() },
        }
    }
}

impl From<MeasureV1> for GoalMeasure {
    fn from(m: MeasureV1) -> Self {
        match m {
            MeasureV1::UrgesSurfed => GoalMeasure::UrgesSurfed,
            MeasureV1::UrgesLogged => GoalMeasure::UrgesLogged,
            MeasureV1::CheckInDays => GoalMeasure::CheckInDays,
            MeasureV1::ChainAnalyses => GoalMeasure::ChainAnalyses,
            MeasureV1::DaysWithoutActingOut => GoalMeasure::DaysWithoutActingOut,
            MeasureV1::StrategyUsed { strategy } => GoalMeasure::StrategyUsed { strategy },
            MeasureV1::Manual { unit } => GoalMeasure::Manual { unit },
        }
    }
}

impl Record for Goal {
    const KIND: RecordKind = RecordKind::Goal;
    type Head = HeadV1;
    type Body = BodyV1;

    fn id(&self) -> RecordId {
        self.id
    }

    fn period(&self) -> Period {
        Period::Timeless
    }

    fn to_payload(&self) -> (HeadV1, Option<BodyV1>) {
        let head = HeadV1 {
            created: (&self.created).into(),
            edited_utc_ms: self.edited_utc_ms,
            measure: (&self.measure).into(),
            target: self.target,
            start: self.start,
            end: self.end,
            entries: self
                .entries
                .iter()
                .map(|e| EntryV1 { day: e.day, amount: e.amount, added_utc_ms: e.added_utc_ms })
                .collect(),
            archived: self.archived,
        };
        (head, Some(BodyV1 { text: self.text.clone(), why: self.why.clone() }))
    }

    /// A goal is always read whole: without its body it is [`IntegrityProblem::Truncated`].
    fn from_payload(id: RecordId, h: HeadV1, body: Option<BodyV1>) -> Result<Self, IntegrityProblem> {
        let b = body.ok_or(IntegrityProblem::Truncated)?;
        Ok(Goal {
            id,
            created: h.created.into(),
            edited_utc_ms: h.edited_utc_ms,
            text: b.text,
            why: b.why,
            measure: h.measure.into(),
            target: h.target,
            start: h.start,
            end: h.end,
            entries: h
                .entries
                .into_iter()
                .map(|e| GoalEntry { day: e.day, amount: e.amount, added_utc_ms: e.added_utc_ms })
                .collect(),
            archived: h.archived,
        })
    }
}
