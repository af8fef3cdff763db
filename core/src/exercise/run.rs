//! A running exercise: the clock arithmetic of pause, resume and skip on top of a
//! [`Timeline`]. Pure (the caller passes "now" in UTC milliseconds), so an app can keep one in
//! memory and ask for the position on every animation frame.

use std::fmt;

use super::definition::ExerciseDef;
use super::timeline::{Adjust, Position, Timeline};
use crate::error::{Error, Result};
use crate::text;

/// The 0-10 distress scale (SUDS) used before and after exercises.
pub const MAX_DISTRESS: u8 = 10;

/// One exercise being done right now.
#[derive(Clone)]
pub struct ExerciseRun {
    pub(crate) key: String,
    pub(crate) version: u32,
    pub(crate) title: String,
    pub(crate) adjust: Adjust,
    timeline: Timeline,
    pub(crate) started_utc_ms: i64,
    /// Paused milliseconds of pauses already over.
    paused_ms: u64,
    paused_at: Option<i64>,
    /// Milliseconds jumped over by skipping.
    skipped_ms: u64,
    pub(crate) skips: u32,
    pub(crate) distress_before: Option<u8>,
}

impl fmt::Debug for ExerciseRun {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ExerciseRun({:?}, <redacted>)", self.timeline)
    }
}

impl ExerciseRun {
    /// Start `def` at `now_utc_ms` with the person's adjustments and optional distress rating.
    pub fn start(def: &ExerciseDef, adjust: Adjust, now_utc_ms: i64, distress_before: Option<u8>) -> Result<Self> {
        let distress_before = distress_before.map(|d| text::rating("distress before", d, MAX_DISTRESS)).transpose()?;
        Ok(ExerciseRun {
            key: def.key.clone(),
            version: def.version,
            title: def.title.clone(),
            adjust,
            timeline: def.timeline(&adjust)?,
            started_utc_ms: now_utc_ms,
            paused_ms: 0,
            paused_at: None,
            skipped_ms: 0,
            skips: 0,
            distress_before,
        })
    }

    pub fn timeline(&self) -> &Timeline {
        &self.timeline
    }

    pub fn title(&self) -> &str {
        &self.title
    }

    pub fn key(&self) -> &str {
        &self.key
    }

    pub fn is_paused(&self) -> bool {
        self.paused_at.is_some()
    }

    /// Active milliseconds at `now`: wall time minus pauses, plus what was skipped. A clock
    /// that went backwards counts as no time passing.
    pub fn elapsed_ms(&self, now_utc_ms: i64) -> u64 {
        let until = self.paused_at.unwrap_or(now_utc_ms);
        let wall = until.saturating_sub(self.started_utc_ms).max(0) as u64;
        wall.saturating_sub(self.paused_ms).saturating_add(self.skipped_ms)
    }

    /// Where the exercise is at `now`. Never allocates.
    pub fn position(&self, now_utc_ms: i64) -> Position {
        self.timeline.at(self.elapsed_ms(now_utc_ms))
    }

    /// Pause (no effect when already paused).
    pub fn pause(&mut self, now_utc_ms: i64) {
        if self.paused_at.is_none() {
            self.paused_at = Some(now_utc_ms.max(self.started_utc_ms));
        }
    }

    /// Resume after a pause (no effect when running).
    pub fn resume(&mut self, now_utc_ms: i64) {
        if let Some(at) = self.paused_at.take() {
            self.paused_ms = self.paused_ms.saturating_add(now_utc_ms.saturating_sub(at).max(0) as u64);
        }
    }

    /// Jump to the start of the next step. Refused once the exercise has finished.
    pub fn skip(&mut self, now_utc_ms: i64) -> Result<Position> {
        let p = self.position(now_utc_ms);
        if p.finished {
            return Err(Error::State("the exercise has already finished"));
        }
        self.skipped_ms = self.skipped_ms.saturating_add(p.to_next_ms);
        self.skips += 1;
        Ok(self.position(now_utc_ms))
    }
}
