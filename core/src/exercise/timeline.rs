//! The exercise engine: a definition (blocks of steps, some repeated) compiled into a
//! [`Timeline`] that answers "where are we?" for any elapsed time.
//!
//! Time is exact integer arithmetic. Inside a timeline every duration is counted in *ticks*,
//! `ticks_per_ms` ticks to the millisecond, so a breath of 60/7 seconds (paced breathing at
//! 7 a minute) is a whole number of ticks and a thousand breaths never drift. A boundary at
//! tick `b` takes effect at millisecond `ceil(b / ticks_per_ms)`: the first whole millisecond
//! at which the next step is in force. Positions are computed in O(log n) without allocating,
//! so the app can ask on every animation frame.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// What the breath does during a step; steps without guided breathing are `Rest`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Phase {
    Inhale,
    Hold,
    Exhale,
    Rest,
}

impl Phase {
    pub const ALL: [Phase; 4] = [Phase::Inhale, Phase::Hold, Phase::Exhale, Phase::Rest];

    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Inhale => "inhale",
            Phase::Hold => "hold",
            Phase::Exhale => "exhale",
            Phase::Rest => "rest",
        }
    }

    /// Parse a phase name from a definition file.
    pub fn parse(s: &str) -> Option<Phase> {
        Phase::ALL.into_iter().find(|p| p.as_str().eq_ignore_ascii_case(s.trim()))
    }

    /// Words for the screen ("Breathe in").
    pub fn cue(self) -> &'static str {
        match self {
            Phase::Inhale => "Breathe in",
            Phase::Hold => "Hold",
            Phase::Exhale => "Breathe out",
            Phase::Rest => "",
        }
    }
}

/// One step of an exercise.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Step {
    /// What the person reads (or hears).
    pub text: String,
    /// How long the step lasts, in milliseconds.
    pub duration_ms: u32,
    pub phase: Phase,
}

impl fmt::Debug for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Custom exercises hold text a person or their clinician wrote.
        write!(f, "Step({} ms, {}, <text>)", self.duration_ms, self.phase.as_str())
    }
}

/// Steps played `repeat` times in a row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Block {
    pub steps: Vec<Step>,
    /// How many times the block plays (at least 1).
    pub repeat: u32,
    /// The block whose repeats the person may change (number of rounds, minutes, or breathing
    /// rate). At most one block per exercise.
    pub adjustable: bool,
}

impl Block {
    /// Length of one pass, in milliseconds.
    pub fn cycle_ms(&self) -> u64 {
        self.steps.iter().map(|s| u64::from(s.duration_ms)).sum()
    }
}

/// How the person may adjust an exercise when starting it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Adjust {
    /// Rounds of the adjustable block (overrides its default `repeat`).
    pub rounds: Option<u32>,
    /// Play the adjustable block for at least this many minutes (whole rounds; the last one
    /// finishes). Ignored when `rounds` is given.
    pub minutes: Option<u32>,
    /// Breaths a minute in tenths (60 = 6.0), for exercises with an adjustable pace: one pass of
    /// the adjustable block is one breath, re-timed keeping the proportions of its steps.
    pub pace_tenths: Option<u32>,
}

/// Limits on a pace adjustment, in tenths of a breath a minute.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct PaceRange {
    pub default_tenths: u32,
    pub min_tenths: u32,
    pub max_tenths: u32,
}

/// Limits on the adjustable block's rounds.
pub const MAX_ROUNDS: u32 = 1000;
/// Longest compiled session.
pub const MAX_TOTAL_MS: u64 = 3 * 3600 * 1000;

/// One compiled block: where it starts and the ends of its steps within one pass.
#[derive(Clone, Debug)]
struct CBlock {
    start: u64,
    cycle: u64,
    repeat: u32,
    /// Index of this block's first step in `Timeline::steps`.
    first_step: usize,
    /// Step instances (with repeats) in the blocks before this one.
    first_instance: u64,
    /// Cumulative step ends within one pass (ticks), strictly increasing; last == cycle.
    ends: Vec<u64>,
}

/// A compiled exercise: ready to answer [`Timeline::at`] for every frame.
#[derive(Clone)]
pub struct Timeline {
    ticks_per_ms: u64,
    total_ticks: u64,
    blocks: Vec<CBlock>,
    /// Every step of every block, in order (repeats not unrolled).
    steps: Vec<Step>,
    /// Total number of step instances (with repeats), for "step 12 of 60".
    instances: u64,
}

impl fmt::Debug for Timeline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timeline({} ms, {} steps)", self.total_ms(), self.instances)
    }
}

/// Where a session stands at one moment. Plain numbers, so it is `Copy` and cheap.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Position {
    /// Index into [`Timeline::steps`] (repeats share an index).
    pub step: u32,
    /// Which step instance this is, counting repeats, from 0.
    pub instance: u64,
    /// Which block, and which pass through it (from 0) of how many.
    pub block: u32,
    pub round: u32,
    pub rounds: u32,
    pub phase: Phase,
    /// Progress through the current step, 0..1.
    pub progress: f32,
    /// Milliseconds since the current step began (as the screen sees it: from its first ms).
    pub step_elapsed_ms: u64,
    /// Milliseconds until the next boundary (the next step, or the end). 0 when finished.
    pub to_next_ms: u64,
    /// Active milliseconds since the start (pauses excluded, skips included).
    pub elapsed_ms: u64,
    pub total_ms: u64,
    /// Progress through the whole exercise, 0..1.
    pub overall: f32,
    pub finished: bool,
}

fn ceil_div(a: u64, b: u64) -> u64 {
    a.div_ceil(b)
}

impl Timeline {
    /// Compile blocks into a timeline. `pace` re-times the adjustable block so one pass lasts
    /// 600 / pace_tenths seconds. Blocks must already be validated (see `definition`).
    pub(crate) fn compile(blocks: &[Block], rounds: Option<u32>, pace_tenths: Option<u32>) -> Result<Timeline> {
        // Ticks: with a pace, a pass of the adjustable block lasts 600_000 / pace ms, so count
        // in units of 1 / (pace * pass_ms) ms: a step of d ms becomes d * 600_000 ticks inside
        // the paced block, and d * pace * pass_ms ticks elsewhere. Both are exact integers.
        let paced = match pace_tenths {
            Some(p) => {
                let pass = blocks
                    .iter()
                    .find(|b| b.adjustable)
                    .map(Block::cycle_ms)
                    .filter(|c| *c > 0)
                    .ok_or_else(|| Error::invalid("pace", "this exercise has no breathing pace to adjust"))?;
                if p == 0 {
                    return Err(Error::invalid("pace", "must be more than zero"));
                }
                Some((u64::from(p), pass))
            }
            None => None,
        };
        let ticks_per_ms = match paced {
            Some((p, pass)) => p * pass,
            None => 1,
        };
        let mut out = Timeline { ticks_per_ms, total_ticks: 0, blocks: Vec::new(), steps: Vec::new(), instances: 0 };
        let mut at: u64 = 0;
        for b in blocks {
            let repeat = if b.adjustable { rounds.unwrap_or(b.repeat) } else { b.repeat };
            if repeat == 0 || repeat > MAX_ROUNDS {
                return Err(Error::invalid("rounds", format!("must be between 1 and {MAX_ROUNDS}")));
            }
            let mut ends = Vec::with_capacity(b.steps.len());
            let mut cycle: u64 = 0;
            for s in &b.steps {
                let d = u64::from(s.duration_ms);
                let ticks = match paced {
                    Some(_) if b.adjustable => d * 600_000,
                    _ => d * ticks_per_ms,
                };
                if ticks == 0 {
                    return Err(Error::invalid("step duration", "must be more than zero"));
                }
                cycle += ticks;
                ends.push(cycle);
            }
            if ends.is_empty() {
                return Err(Error::invalid("steps", "a block needs at least one step"));
            }
            out.blocks.push(CBlock {
                start: at,
                cycle,
                repeat,
                first_step: out.steps.len(),
                first_instance: out.instances,
                ends,
            });
            out.steps.extend(b.steps.iter().cloned());
            out.instances += b.steps.len() as u64 * u64::from(repeat);
            at = cycle
                .checked_mul(u64::from(repeat))
                .and_then(|x| x.checked_add(at))
                .ok_or_else(|| Error::invalid("exercise length", "is too long"))?;
        }
        if out.blocks.is_empty() {
            return Err(Error::invalid("steps", "an exercise needs at least one step"));
        }
        out.total_ticks = at;
        if out.total_ms() > MAX_TOTAL_MS {
            return Err(Error::invalid(
                "exercise length",
                format!("can be at most {} hours", MAX_TOTAL_MS / 3_600_000),
            ));
        }
        Ok(out)
    }

    /// Whole length in milliseconds.
    pub fn total_ms(&self) -> u64 {
        ceil_div(self.total_ticks, self.ticks_per_ms)
    }

    /// Every step, in order; `Position::step` indexes this.
    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    /// The text of the step at `p`.
    pub fn text(&self, p: &Position) -> &str {
        self.steps.get(p.step as usize).map(|s| s.text.as_str()).unwrap_or("")
    }

    /// Number of step instances (with repeats).
    pub fn instances(&self) -> u64 {
        self.instances
    }

    /// The moment each step instance begins, in ms, in order (for tests and previews).
    /// Allocates; not for animation frames.
    pub fn boundaries_ms(&self) -> Vec<u64> {
        let mut v = Vec::new();
        for b in &self.blocks {
            for r in 0..u64::from(b.repeat) {
                let base = b.start + r * b.cycle;
                v.push(ceil_div(base, self.ticks_per_ms));
                for e in &b.ends[..b.ends.len().saturating_sub(1)] {
                    v.push(ceil_div(base + e, self.ticks_per_ms));
                }
            }
        }
        v
    }

    /// Where the session is after `elapsed_ms` active milliseconds. Never allocates.
    pub fn at(&self, elapsed_ms: u64) -> Position {
        let total_ms = self.total_ms();
        let tick = elapsed_ms.saturating_mul(self.ticks_per_ms);
        if tick >= self.total_ticks {
            return self.finished(elapsed_ms, total_ms);
        }
        // Last block starting at or before `tick`.
        let bi = self.blocks.partition_point(|b| b.start <= tick).saturating_sub(1);
        let Some(b) = self.blocks.get(bi) else { return self.finished(elapsed_ms, total_ms) };
        let rel = tick - b.start;
        let round = rel / b.cycle;
        let within = rel % b.cycle;
        // First step whose end is after `within`.
        let si = b.ends.partition_point(|e| *e <= within);
        let step_end = b.ends.get(si).copied().unwrap_or(b.cycle);
        let step_start = if si == 0 { 0 } else { b.ends.get(si - 1).copied().unwrap_or(0) };
        let pass_base = b.start + round * b.cycle;
        let start_ms = ceil_div(pass_base + step_start, self.ticks_per_ms);
        let end_ms = ceil_div(pass_base + step_end, self.ticks_per_ms);
        let len_ms = end_ms.saturating_sub(start_ms).max(1);
        let step_elapsed_ms = elapsed_ms.saturating_sub(start_ms);
        let index = b.first_step + si;
        let phase = self.steps.get(index).map(|s| s.phase).unwrap_or(Phase::Rest);
        let instance = b.first_instance + round * b.ends.len() as u64 + si as u64;
        Position {
            step: index as u32,
            instance,
            block: bi as u32,
            round: round as u32,
            rounds: b.repeat,
            phase,
            progress: (step_elapsed_ms as f64 / len_ms as f64).clamp(0.0, 1.0) as f32,
            step_elapsed_ms,
            to_next_ms: end_ms.saturating_sub(elapsed_ms),
            elapsed_ms,
            total_ms,
            overall: (elapsed_ms as f64 / total_ms.max(1) as f64).clamp(0.0, 1.0) as f32,
            finished: false,
        }
    }

    fn finished(&self, elapsed_ms: u64, total_ms: u64) -> Position {
        let last_block = self.blocks.len().saturating_sub(1);
        let rounds = self.blocks.last().map(|b| b.repeat).unwrap_or(1);
        let last = self.steps.len().saturating_sub(1);
        Position {
            step: last as u32,
            instance: self.instances.saturating_sub(1),
            block: last_block as u32,
            round: rounds.saturating_sub(1),
            rounds,
            phase: self.steps.last().map(|s| s.phase).unwrap_or(Phase::Rest),
            progress: 1.0,
            step_elapsed_ms: 0,
            to_next_ms: 0,
            elapsed_ms: elapsed_ms.min(total_ms),
            total_ms,
            overall: 1.0,
            finished: true,
        }
    }
}
