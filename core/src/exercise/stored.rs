//! How exercises are stored: custom exercises (`RecordKind::CustomExercise`, timeless) and
//! finished sessions (`RecordKind::ExerciseSession`, by the local month they began), with
//! frozen payloads (see [`crate::store::record`]).

use serde::{Deserialize, Serialize};

use super::definition::{Category, ExerciseDef, Origin};
use super::records::{CustomExercise, ExerciseSession};
use super::timeline::{Adjust, Block, PaceRange, Phase, Step};
use crate::error::IntegrityProblem;
use crate::id::RecordId;
use crate::store::frozen::StampV1;
use crate::store::{Payload, Period, Record, RecordKind};
use crate::time::Month;

/// One step of an exercise, version 1. Frozen.
#[derive(Serialize, Deserialize)]
pub(crate) struct StepV1 {
    text: String,
    duration_ms: u32,
    phase: Phase,
}

/// A block of steps, version 1. Frozen.
#[derive(Serialize, Deserialize)]
pub(crate) struct BlockV1 {
    steps: Vec<StepV1>,
    repeat: u32,
    adjustable: bool,
}

/// The breathing pace range, version 1. Frozen.
#[derive(Serialize, Deserialize)]
pub(crate) struct PaceV1 {
    default_tenths: u32,
    min_tenths: u32,
    max_tenths: u32,
}

/// A whole definition (a custom exercise's body), version 1. Frozen.
#[derive(Serialize, Deserialize)]
pub(crate) struct DefinitionV1 {
    key: String,
    version: u32,
    title: String,
    summary: String,
    category: Category,
    blocks: Vec<BlockV1>,
    pace: Option<PaceV1>,
    origin: Origin,
}

impl Payload for DefinitionV1 {
    const VERSION: u8 = 1;
}

/// Head of a custom exercise, version 1. Frozen.
#[derive(Serialize, Deserialize)]
pub(crate) struct CustomHeadV1 {
    key: String,
    version: u32,
    category: Category,
    origin: Origin,
    added: StampV1,
    updated_utc_ms: Option<i64>,
}

impl Payload for CustomHeadV1 {
    const VERSION: u8 = 1;
}

impl From<&ExerciseDef> for DefinitionV1 {
    fn from(d: &ExerciseDef) -> Self {
        let step = |s: &Step| StepV1 { text: s.text.clone(), duration_ms: s.duration_ms, phase: s.phase };
        DefinitionV1 {
            key: d.key.clone(),
            version: d.version,
            title: d.title.clone(),
            summary: d.summary.clone(),
            category: d.category,
            blocks: d
                .blocks
                .iter()
                .map(|b| BlockV1 {
                    steps: b.steps.iter().map(step).collect(),
                    repeat: b.repeat,
                    adjustable: b.adjustable,
                })
                .collect(),
            pace: d.pace.map(|p| PaceV1 {
                default_tenths: p.default_tenths,
                min_tenths: p.min_tenths,
                max_tenths: p.max_tenths,
            }),
            origin: d.origin,
        }
    }
}

impl From<DefinitionV1> for ExerciseDef {
    fn from(d: DefinitionV1) -> Self {
        let step = |s: StepV1| Step { text: s.text, duration_ms: s.duration_ms, phase: s.phase };
        ExerciseDef {
            key: d.key,
            version: d.version,
            title: d.title,
            summary: d.summary,
            category: d.category,
            blocks: d
                .blocks
                .into_iter()
                .map(|b| Block {
                    steps: b.steps.into_iter().map(step).collect(),
                    repeat: b.repeat,
                    adjustable: b.adjustable,
                })
                .collect(),
            pace: d.pace.map(|p| PaceRange {
                default_tenths: p.default_tenths,
                min_tenths: p.min_tenths,
                max_tenths: p.max_tenths,
            }),
            origin: d.origin,
        }
    }
}

impl Record for CustomExercise {
    const KIND: RecordKind = RecordKind::CustomExercise;
    type Head = CustomHeadV1;
    type Body = DefinitionV1;

    fn id(&self) -> RecordId {
        self.id
    }

    fn period(&self) -> Period {
        Period::Timeless
    }

    fn to_payload(&self) -> (CustomHeadV1, Option<DefinitionV1>) {
        let head = CustomHeadV1 {
            key: self.def.key.clone(),
            version: self.def.version,
            category: self.def.category,
            origin: self.def.origin,
            added: (&self.added).into(),
            updated_utc_ms: self.updated_utc_ms,
        };
        (head, Some((&self.def).into()))
    }

    /// The definition is in the body: a custom exercise is always read whole.
    fn from_payload(id: RecordId, h: CustomHeadV1, body: Option<DefinitionV1>) -> Result<Self, IntegrityProblem> {
        let def: ExerciseDef = body.ok_or(IntegrityProblem::Undecodable)?.into();
        if def.key != h.key {
            return Err(IntegrityProblem::Undecodable);
        }
        Ok(CustomExercise { id, def, added: h.added.into(), updated_utc_ms: h.updated_utc_ms })
    }
}

/// How a session's exercise was adjusted, version 1. Frozen.
#[derive(Serialize, Deserialize)]
pub(crate) struct AdjustV1 {
    rounds: Option<u32>,
    minutes: Option<u32>,
    pace_tenths: Option<u32>,
}

/// Head of an exercise session, version 1. Frozen.
#[derive(Serialize, Deserialize)]
pub(crate) struct SessionHeadV1 {
    key: String,
    version: u32,
    adjust: AdjustV1,
    started: StampV1,
    ended: StampV1,
    active_ms: u64,
    planned_ms: u64,
    completed: bool,
    skipped_steps: u32,
    distress_before: Option<u8>,
    distress_after: Option<u8>,
}

impl Payload for SessionHeadV1 {
    const VERSION: u8 = 1;
}

/// Body of an exercise session, version 1. Frozen.
#[derive(Serialize, Deserialize)]
pub(crate) struct SessionBodyV1 {
    title: String,
    note: Option<String>,
}

impl Payload for SessionBodyV1 {
    const VERSION: u8 = 1;
}

impl Record for ExerciseSession {
    const KIND: RecordKind = RecordKind::ExerciseSession;
    type Head = SessionHeadV1;
    type Body = SessionBodyV1;

    fn id(&self) -> RecordId {
        self.id
    }

    fn period(&self) -> Period {
        Period::Month(Month::of(self.local_date()))
    }

    fn to_payload(&self) -> (SessionHeadV1, Option<SessionBodyV1>) {
        let a = self.adjust;
        let head = SessionHeadV1 {
            key: self.key.clone(),
            version: self.version,
            adjust: AdjustV1 { rounds: a.rounds, minutes: a.minutes, pace_tenths: a.pace_tenths },
            started: (&self.started).into(),
            ended: (&self.ended).into(),
            active_ms: self.active_ms,
            planned_ms: self.planned_ms,
            completed: self.completed,
            skipped_steps: self.skipped_steps,
            distress_before: self.distress_before,
            distress_after: self.distress_after,
        };
        (head, Some(SessionBodyV1 { title: self.title.clone(), note: self.note.clone() }))
    }

    /// Listed without its body, a session has an empty title and no note.
    fn from_payload(id: RecordId, h: SessionHeadV1, body: Option<SessionBodyV1>) -> Result<Self, IntegrityProblem> {
        let b = body.unwrap_or(SessionBodyV1 { title: String::new(), note: None });
        Ok(ExerciseSession {
            id,
            key: h.key,
            version: h.version,
            title: b.title,
            adjust: Adjust { rounds: h.adjust.rounds, minutes: h.adjust.minutes, pace_tenths: h.adjust.pace_tenths },
            started: h.started.into(),
            ended: h.ended.into(),
            active_ms: h.active_ms,
            planned_ms: h.planned_ms,
            completed: h.completed,
            skipped_steps: h.skipped_steps,
            distress_before: h.distress_before,
            distress_after: h.distress_after,
            note: b.note,
        })
    }
}
