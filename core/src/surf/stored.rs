//! How a surf session is stored: its record, with frozen payloads (see
//! [`crate::store::record`]). The head holds the timings and the wave's numbers (what insights
//! read); the body holds the notes.

use serde::{Deserialize, Serialize};

use super::{ClosedBy, Pause, PointKind, SurfEnding, SurfOutcome, SurfSession, SurfSettings, WavePoint, MAX_INTENSITY};
use crate::error::IntegrityProblem;
use crate::id::RecordId;
use crate::safety::flags::{self, FlaggedHead};
use crate::store::frozen::StampV1;
use crate::store::{Payload, Period, Record, RecordKind};
use crate::time::Month;

/// One point of the wave, version 1. Frozen.
#[derive(Serialize, Deserialize)]
pub(crate) struct PointV1 {
    at_utc_ms: i64,
    active_ms: u64,
    kind: PointKind,
    prompt: Option<u32>,
    intensity: Option<u8>,
}

/// Session length and prompt interval, version 1. Frozen.
#[derive(Serialize, Deserialize)]
pub(crate) struct SettingsV1 {
    length_secs: u32,
    interval_secs: u32,
}

/// A pause of the timer, version 1. Frozen.
#[derive(Serialize, Deserialize)]
pub(crate) struct PauseV1 {
    from_utc_ms: i64,
    to_utc_ms: Option<i64>,
}

/// How a session ended, version 1. Frozen.
#[derive(Serialize, Deserialize)]
pub(crate) struct EndingV1 {
    at_utc_ms: i64,
    outcome: Option<SurfOutcome>,
    closed_by: ClosedBy,
}

/// Head of a surf session, version 1. Frozen.
#[derive(Serialize, Deserialize)]
pub(crate) struct HeadV1 {
    urge: Option<RecordId>,
    urge_created: bool,
    started: StampV1,
    settings: SettingsV1,
    pauses: Vec<PauseV1>,
    points: Vec<PointV1>,
    prompts_resolved: u32,
    ending: Option<EndingV1>,
}

impl Payload for HeadV1 {
    const VERSION: u8 = 1;
}

/// Body of a surf session, version 1. Frozen.
#[derive(Serialize, Deserialize, Default)]
pub(crate) struct BodyV1 {
    /// (index into points, note).
    notes: Vec<(u32, String)>,
    note: Option<String>,
}

impl Payload for BodyV1 {
    const VERSION: u8 = 1;
}

impl Record for SurfSession {
    const KIND: RecordKind = RecordKind::SurfSession;
    type Head = FlaggedHead<HeadV1>;
    type Body = BodyV1;

    fn id(&self) -> RecordId {
        self.id
    }

    fn period(&self) -> Period {
        Period::Month(Month::of(self.started.local_date()))
    }

    fn to_payload(&self) -> (FlaggedHead<HeadV1>, Option<BodyV1>) {
        let point = |p: &WavePoint| PointV1 {
            at_utc_ms: p.at_utc_ms,
            active_ms: p.active_ms,
            kind: p.kind,
            prompt: p.prompt,
            intensity: p.intensity,
        };
        let head = HeadV1 {
            urge: self.urge,
            urge_created: self.urge_created,
            started: (&self.started).into(),
            settings: SettingsV1 { length_secs: self.settings.length_secs, interval_secs: self.settings.interval_secs },
            pauses: self
                .pauses
                .iter()
                .map(|p| PauseV1 { from_utc_ms: p.from_utc_ms, to_utc_ms: p.to_utc_ms })
                .collect(),
            points: self.points.iter().map(point).collect(),
            prompts_resolved: self.prompts_resolved,
            ending: self.ending.map(|e| EndingV1 {
                at_utc_ms: e.at_utc_ms,
                outcome: e.outcome,
                closed_by: e.closed_by,
            }),
        };
        let body = BodyV1 {
            notes: self.points.iter().enumerate().filter_map(|(i, p)| Some((i as u32, p.note.clone()?))).collect(),
            note: self.note.clone(),
        };
        (FlaggedHead { head, risk: flags::concern_of(self) }, Some(body))
    }

    fn from_payload(id: RecordId, h: FlaggedHead<HeadV1>, body: Option<BodyV1>) -> Result<Self, IntegrityProblem> {
        let FlaggedHead { head: h, risk } = h;
        let b = body.unwrap_or_default();
        let mut points: Vec<WavePoint> = h
            .points
            .into_iter()
            .map(|p| WavePoint {
                at_utc_ms: p.at_utc_ms,
                active_ms: p.active_ms,
                kind: p.kind,
                prompt: p.prompt,
                intensity: p.intensity.map(|v| v.min(MAX_INTENSITY)),
                note: None,
            })
            .collect();
        for (i, n) in b.notes {
            let p = points.get_mut(i as usize).ok_or(IntegrityProblem::Undecodable)?;
            p.note = Some(n);
        }
        let settings = SurfSettings { length_secs: h.settings.length_secs, interval_secs: h.settings.interval_secs };
        if settings.validate().is_err() {
            return Err(IntegrityProblem::Undecodable);
        }
        Ok(SurfSession {
            id,
            urge: h.urge,
            urge_created: h.urge_created,
            started: h.started.into(),
            settings,
            pauses: h
                .pauses
                .into_iter()
                .map(|p| Pause { from_utc_ms: p.from_utc_ms, to_utc_ms: p.to_utc_ms })
                .collect(),
            points,
            prompts_resolved: h.prompts_resolved,
            ending: h.ending.map(|e| SurfEnding { at_utc_ms: e.at_utc_ms, outcome: e.outcome, closed_by: e.closed_by }),
            note: b.note,
            risk,
        })
    }
}
