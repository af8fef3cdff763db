//! Urge surfing: a timed session in which the person watches an urge rise, peak and pass,
//! rating its intensity (0-10, the urge log's scale) at prompts or at any moment.
//!
//! - [`session`]: the pure state machine (timer, prompts, missed prompts, pause, end, closing
//!   a session left open);
//! - [`wave`]: figures derived from the recorded wave (peak, time to peak, peak to half-peak);
//! - [`records`]: persistence (`RecordKind::SurfSession`, dated by the local month the session
//!   began; every change is one durable transaction) and the tie to the urge entry;
//! - [`schedule`]: what the app should schedule as local notifications.

pub mod records;
pub mod schedule;
pub mod session;
mod stored;
pub mod wave;

pub use records::{SurfEnd, SurfListing, SurfStart};
pub use wave::WaveSummary;

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::id::RecordId;
use crate::text;
use crate::time::LocalStamp;
use crate::urge::Outcome;

/// Default session length: 20 minutes (cravings in the NIDA manual lasted 20-45 minutes).
pub const DEFAULT_LENGTH_SECS: u32 = 20 * 60;
/// Default prompt interval: 3 minutes (the brief asks for 2-5).
pub const DEFAULT_INTERVAL_SECS: u32 = 3 * 60;
pub const MIN_LENGTH_SECS: u32 = 60;
pub const MAX_LENGTH_SECS: u32 = 120 * 60;
pub const MIN_INTERVAL_SECS: u32 = 30;
pub const MAX_INTERVAL_SECS: u32 = 30 * 60;
/// Most points (ratings and missed prompts) one session holds.
pub const MAX_POINTS: usize = 2000;
/// The intensity scale's top.
pub const MAX_INTENSITY: u8 = 10;

/// Length and prompt interval of a session.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SurfSettings {
    #[cfg_attr(feature = "uniffi", uniffi(default = 1200))]
    pub length_secs: u32,
    #[cfg_attr(feature = "uniffi", uniffi(default = 180))]
    pub interval_secs: u32,
}

impl Default for SurfSettings {
    fn default() -> Self {
        SurfSettings { length_secs: DEFAULT_LENGTH_SECS, interval_secs: DEFAULT_INTERVAL_SECS }
    }
}

impl SurfSettings {
    /// From whole minutes, as people type them.
    pub fn minutes(length: u32, interval: u32) -> Self {
        SurfSettings { length_secs: length.saturating_mul(60), interval_secs: interval.saturating_mul(60) }
    }

    pub fn validate(&self) -> Result<()> {
        if !(MIN_LENGTH_SECS..=MAX_LENGTH_SECS).contains(&self.length_secs) {
            return Err(Error::invalid(
                "length",
                format!("must be between {} and {} minutes", MIN_LENGTH_SECS / 60, MAX_LENGTH_SECS / 60),
            ));
        }
        if !(MIN_INTERVAL_SECS..=MAX_INTERVAL_SECS).contains(&self.interval_secs) {
            return Err(Error::invalid(
                "interval",
                format!("must be between {} seconds and {} minutes", MIN_INTERVAL_SECS, MAX_INTERVAL_SECS / 60),
            ));
        }
        if self.interval_secs > self.length_secs {
            return Err(Error::invalid("interval", "cannot be longer than the session"));
        }
        Ok(())
    }
}

/// How a session ended, in the person's words.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum SurfOutcome {
    /// The wave passed.
    Passed,
    /// It is still strong.
    StillStrong,
    /// I used my plan.
    UsedPlan,
    /// I acted on it (information to learn from, not a verdict).
    Acted,
}

impl SurfOutcome {
    pub const ALL: [SurfOutcome; 4] =
        [SurfOutcome::Passed, SurfOutcome::StillStrong, SurfOutcome::UsedPlan, SurfOutcome::Acted];

    pub fn as_str(self) -> &'static str {
        match self {
            SurfOutcome::Passed => "passed",
            SurfOutcome::StillStrong => "still-strong",
            SurfOutcome::UsedPlan => "used-plan",
            SurfOutcome::Acted => "acted",
        }
    }

    /// Words for people.
    pub fn label(self) -> &'static str {
        match self {
            SurfOutcome::Passed => "the wave passed",
            SurfOutcome::StillStrong => "it is still strong",
            SurfOutcome::UsedPlan => "I used my plan",
            SurfOutcome::Acted => "I acted on it",
        }
    }

    pub fn parse(s: &str) -> Result<SurfOutcome> {
        let f = text::fold(s).replace([' ', '_'], "-");
        match f.as_str() {
            "passed" | "pass" | "the-wave-passed" | "surfed" => Ok(SurfOutcome::Passed),
            "still-strong" | "strong" => Ok(SurfOutcome::StillStrong),
            "used-plan" | "used-my-plan" | "plan" | "coped" => Ok(SurfOutcome::UsedPlan),
            "acted" | "acted-on-it" => Ok(SurfOutcome::Acted),
            _ => Err(Error::invalid("outcome", "use passed, still-strong, used-plan or acted")),
        }
    }

    pub fn passed_without_acting(self) -> bool {
        matches!(self, SurfOutcome::Passed | SurfOutcome::UsedPlan)
    }

    /// What it means for the urge entry (`None`: not settled yet).
    pub fn urge_outcome(self) -> Option<Outcome> {
        match self {
            SurfOutcome::Passed => Some(Outcome::Surfed),
            SurfOutcome::UsedPlan => Some(Outcome::Coped),
            SurfOutcome::Acted => Some(Outcome::Acted),
            SurfOutcome::StillStrong => None,
        }
    }
}

/// Why a point is on the wave.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum PointKind {
    /// The rating given when starting.
    Start,
    /// A prompt, answered (with a rating) or missed (without).
    Prompt,
    /// A rating given between prompts.
    Anytime,
    /// The rating given when ending.
    End,
}

impl PointKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PointKind::Start => "start",
            PointKind::Prompt => "prompt",
            PointKind::Anytime => "anytime",
            PointKind::End => "end",
        }
    }
}

/// One point of the wave.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct WavePoint {
    /// When it was rated (a missed prompt: when it was due), UTC ms.
    pub at_utc_ms: i64,
    /// The timer's position then (pauses excluded), ms.
    pub active_ms: u64,
    pub kind: PointKind,
    /// Which prompt (from 1) this answers or missed.
    pub prompt: Option<u32>,
    /// 0-10; `None` only for a missed prompt.
    pub intensity: Option<u8>,
    pub note: Option<String>,
}

impl WavePoint {
    pub fn missed(&self) -> bool {
        self.intensity.is_none()
    }
}

impl fmt::Debug for WavePoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "WavePoint({}, <redacted>)", self.kind.as_str())
    }
}

/// A pause of the timer; `to_utc_ms` is `None` while paused.
#[derive(Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Pause {
    pub from_utc_ms: i64,
    pub to_utc_ms: Option<i64>,
}

impl fmt::Debug for Pause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Pause(<redacted>)")
    }
}

/// Who closed a session.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum ClosedBy {
    /// The person ended it, with an outcome.
    Person,
    /// It was left open and closed automatically, with no outcome.
    Timeout,
}

/// How and when a session ended.
#[derive(Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SurfEnding {
    pub at_utc_ms: i64,
    /// `None` when closed automatically: nobody said what happened, so nothing is assumed.
    pub outcome: Option<SurfOutcome>,
    pub closed_by: ClosedBy,
}

impl fmt::Debug for SurfEnding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SurfEnding({:?}, <redacted>)", self.closed_by)
    }
}

/// A surf session: its settings and everything recorded so far.
#[derive(Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SurfSession {
    pub id: RecordId,
    /// The urge entry this session recorded the wave of.
    pub urge: Option<RecordId>,
    /// Whether that entry was created by starting this session.
    pub urge_created: bool,
    pub started: LocalStamp,
    pub settings: SurfSettings,
    pub pauses: Vec<Pause>,
    /// The wave: ratings and missed prompts, in time order.
    pub points: Vec<WavePoint>,
    /// Prompts answered or missed so far (prompts are resolved in order).
    pub prompts_resolved: u32,
    pub ending: Option<SurfEnding>,
    /// A note for the whole session.
    pub note: Option<String>,
    /// Set when the session's notes (its own and each check-in's) speak of suicide or
    /// self-harm: worked out by the store each time the session is saved, so at every
    /// check-in (a value given here is not stored).
    pub risk: Option<crate::safety::RiskConcern>,
}

impl fmt::Debug for SurfSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SurfSession({}, <redacted>)", self.id)
    }
}

impl SurfSession {
    /// Figures derived from the wave.
    pub fn summary(&self) -> WaveSummary {
        wave::summarize(&self.points, self.started.utc_ms, self.ending.and_then(|e| e.outcome))
    }

    /// Wall-clock milliseconds from start to end (or to `now` while open).
    pub fn wall_ms(&self, now: i64) -> u64 {
        let until = self.ending.map(|e| e.at_utc_ms).unwrap_or(now);
        (until - self.started.utc_ms).max(0) as u64
    }
}

/// Where a session stands at one moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum SurfState {
    Running,
    Paused,
    /// The timer ran its length; waiting for the person to say how it went.
    TimeUp,
    Ended,
}

impl SurfState {
    pub fn as_str(self) -> &'static str {
        match self {
            SurfState::Running => "running",
            SurfState::Paused => "paused",
            SurfState::TimeUp => "time-up",
            SurfState::Ended => "ended",
        }
    }
}

/// A session's state at one moment, for a screen or the notification schedule.
#[derive(Clone, Copy, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SurfStatus {
    pub state: SurfState,
    /// Timer position (pauses excluded), ms; may pass the length while waiting for the end.
    pub active_ms: u64,
    pub length_ms: u64,
    /// Timer progress 0..1.
    pub progress: f32,
    /// The prompt due now and not yet answered: ask for a rating.
    pub pending_prompt: Option<u32>,
    /// The next prompt still to come, and when (while running).
    pub next_prompt: Option<u32>,
    pub next_prompt_at_utc_ms: Option<i64>,
    /// When the timer runs its length (while running).
    pub time_up_at_utc_ms: Option<i64>,
    /// When the session would be closed if left open.
    pub closes_at_utc_ms: Option<i64>,
}

impl fmt::Debug for SurfStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SurfStatus({}, {} of {} ms)", self.state.as_str(), self.active_ms, self.length_ms)
    }
}

#[cfg(test)]
mod tests;
