//! The urge-surfing session as a pure state machine: every change takes "now" (UTC ms) and
//! the stored history; nothing here reads a clock or touches the store.
//!
//! Time rules:
//! - The timer runs on *active* time: wall time since the start minus pauses. Process death
//!   is not a pause: reopened later, the elapsed time is whatever the clock says.
//! - Prompt `k` (1-based) is due at active time `k × interval`, for every `k × interval <
//!   length`. Its answer window stays open until the next prompt is due (or the timer runs its
//!   length, for the last one). A check-in inside the window answers it; a window that closes
//!   without one records the prompt as missed, with no rating (ratings are never invented).
//! - A session left open is closed honestly, with no outcome, at the first of: its active time
//!   reaching twice its length; a single pause lasting twice its length; 24 hours after start.
//! - A clock that moves backwards counts as no time passing.

use super::{
    ClosedBy, Pause, PointKind, SurfEnding, SurfOutcome, SurfSession, SurfState, SurfStatus, WavePoint, MAX_POINTS,
};
use crate::error::{Error, Result};

/// Sessions are closed this long after they began, whatever happened.
pub const HARD_CLOSE_MS: i64 = 24 * 3600 * 1000;

impl SurfSession {
    pub fn length_ms(&self) -> u64 {
        u64::from(self.settings.length_secs) * 1000
    }

    pub fn interval_ms(&self) -> u64 {
        u64::from(self.settings.interval_secs) * 1000
    }

    /// How many prompts the session has: every `k × interval < length`.
    pub fn prompt_count(&self) -> u32 {
        let (l, i) = (self.length_ms(), self.interval_ms().max(1));
        (l.saturating_sub(1) / i) as u32
    }

    /// Active time at which prompt `k` is due.
    pub fn prompt_due_active(&self, k: u32) -> u64 {
        u64::from(k) * self.interval_ms()
    }

    /// Active time at which prompt `k`'s answer window closes.
    fn window_close(&self, k: u32) -> u64 {
        (u64::from(k) + 1).saturating_mul(self.interval_ms()).min(self.length_ms())
    }

    /// The wall-clock moment the person's last recorded action happened (for clamping a clock
    /// that went backwards).
    fn latest_event(&self) -> i64 {
        let mut t = self.started.utc_ms;
        for p in &self.pauses {
            t = t.max(p.from_utc_ms).max(p.to_utc_ms.unwrap_or(i64::MIN));
        }
        for pt in &self.points {
            t = t.max(pt.at_utc_ms);
        }
        if let Some(e) = &self.ending {
            t = t.max(e.at_utc_ms);
        }
        t
    }

    fn clamp_now(&self, now: i64) -> i64 {
        now.max(self.latest_event())
    }

    /// Active milliseconds at wall time `now` (frozen at the end once ended).
    pub fn active_ms(&self, now: i64) -> u64 {
        let until = match &self.ending {
            Some(e) => e.at_utc_ms,
            None => self.clamp_now(now),
        };
        let mut paused: i64 = 0;
        for p in &self.pauses {
            let to = p.to_utc_ms.unwrap_or(until).min(until);
            paused += (to - p.from_utc_ms).max(0);
        }
        (until - self.started.utc_ms - paused).max(0) as u64
    }

    /// The wall time at which the timer showed active time `a`, if it has (or, while running,
    /// will, assuming no pause). `None` when an open pause lies before `a`.
    pub fn wall_at_active(&self, a: u64) -> Option<i64> {
        let mut wall = self.started.utc_ms;
        let mut act: u64 = 0;
        for p in &self.pauses {
            let act_at_pause = act + (p.from_utc_ms - wall).max(0) as u64;
            if act_at_pause >= a {
                break;
            }
            act = act_at_pause;
            wall = p.to_utc_ms?;
        }
        Some(wall + (a - act) as i64)
    }

    pub fn is_paused(&self) -> bool {
        self.pauses.last().is_some_and(|p| p.to_utc_ms.is_none())
    }

    /// When the session will be (or would have been) closed for being left open.
    pub fn closes_at(&self) -> i64 {
        let hard = self.started.utc_ms + HARD_CLOSE_MS;
        let twice = 2 * self.length_ms();
        let soft = match self.pauses.last() {
            Some(Pause { from_utc_ms, to_utc_ms: None }) => {
                // Paused now: the active time is frozen, so only the pause's own length counts
                // (unless the active time had already passed the bound before it).
                let before = self.wall_at_active(twice).unwrap_or(i64::MAX);
                before.min(from_utc_ms + twice as i64)
            }
            _ => self.wall_at_active(twice).unwrap_or(i64::MAX),
        };
        hard.min(soft)
    }

    /// Bring the record up to `now`: close answer windows that ran out (missed prompts) and
    /// close a session left open too long. Returns whether anything changed.
    pub fn catch_up(&mut self, now: i64) -> bool {
        if self.ending.is_some() {
            return false;
        }
        let now = self.clamp_now(now);
        let close = self.closes_at();
        if close <= now {
            let close = close.max(self.latest_event());
            if let Some(p) = self.pauses.last_mut() {
                if p.to_utc_ms.is_none() {
                    p.to_utc_ms = Some(close.max(p.from_utc_ms));
                }
            }
            let active = self.active_ms(close);
            self.resolve_missed(active, close);
            self.ending = Some(SurfEnding { at_utc_ms: close, outcome: None, closed_by: ClosedBy::Timeout });
            return true;
        }
        let active = self.active_ms(now);
        self.resolve_missed(active, now)
    }

    /// Record every prompt whose window closed by active time `active` as missed.
    fn resolve_missed(&mut self, active: u64, now: i64) -> bool {
        let mut changed = false;
        while self.prompts_resolved < self.prompt_count() {
            let k = self.prompts_resolved + 1;
            if self.window_close(k) > active {
                break;
            }
            self.record_missed(k, now);
            changed = true;
        }
        changed
    }

    /// Record prompt `k` as missed (no rating), placed at the wall time it fell due.
    fn record_missed(&mut self, k: u32, now: i64) {
        let due = self.prompt_due_active(k);
        let at = self.wall_at_active(due).unwrap_or(now);
        self.insert_point(WavePoint {
            at_utc_ms: at,
            active_ms: due,
            kind: PointKind::Prompt,
            prompt: Some(k),
            intensity: None,
            note: None,
        });
        self.prompts_resolved = k;
    }

    /// Keep points in time order (missed prompts are inserted after the fact).
    fn insert_point(&mut self, p: WavePoint) {
        let i = self.points.partition_point(|q| (q.at_utc_ms, q.active_ms) <= (p.at_utc_ms, p.active_ms));
        self.points.insert(i, p);
    }

    /// The prompt due now and not yet answered, if any (after `catch_up`).
    pub fn pending_prompt(&self, active: u64) -> Option<u32> {
        let k = self.prompts_resolved + 1;
        (k <= self.prompt_count() && self.prompt_due_active(k) <= active && self.ending.is_none()).then_some(k)
    }

    fn check_open(&self) -> Result<()> {
        match &self.ending {
            Some(SurfEnding { closed_by: ClosedBy::Timeout, .. }) => {
                Err(Error::State("this surf session was closed after being left open; start a new one"))
            }
            Some(_) => Err(Error::State("this surf session has ended")),
            None => Ok(()),
        }
    }

    fn check_room(&self) -> Result<()> {
        if self.points.len() >= MAX_POINTS {
            return Err(Error::State(
                "this surf session holds as many check-ins as it can; end it and start a new one",
            ));
        }
        Ok(())
    }

    /// A rating at a prompt or at any moment.
    pub fn checkin(&mut self, now: i64, intensity: u8, note: Option<String>) -> Result<()> {
        self.catch_up(now);
        self.check_open()?;
        self.check_room()?;
        let now = self.clamp_now(now);
        let active = self.active_ms(now);
        let (kind, prompt) = match self.pending_prompt(active) {
            Some(k) => {
                self.prompts_resolved = k;
                (PointKind::Prompt, Some(k))
            }
            None => (PointKind::Anytime, None),
        };
        self.insert_point(WavePoint {
            at_utc_ms: now,
            active_ms: active,
            kind,
            prompt,
            intensity: Some(intensity),
            note,
        });
        Ok(())
    }

    /// Pause the timer. Returns false when it was already paused.
    pub fn pause(&mut self, now: i64) -> Result<bool> {
        self.catch_up(now);
        self.check_open()?;
        if self.is_paused() {
            return Ok(false);
        }
        self.pauses.push(Pause { from_utc_ms: self.clamp_now(now), to_utc_ms: None });
        Ok(true)
    }

    /// Start the timer again. Returns false when it was running.
    pub fn resume(&mut self, now: i64) -> Result<bool> {
        self.catch_up(now);
        self.check_open()?;
        let now = self.clamp_now(now);
        match self.pauses.last_mut() {
            Some(p) if p.to_utc_ms.is_none() => {
                p.to_utc_ms = Some(now.max(p.from_utc_ms));
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    /// End with an outcome and, optionally, a last rating (which answers a pending prompt).
    pub fn end(&mut self, now: i64, outcome: SurfOutcome, intensity: Option<u8>, note: Option<String>) -> Result<()> {
        self.catch_up(now);
        self.check_open()?;
        let now = self.clamp_now(now);
        if let Some(p) = self.pauses.last_mut() {
            if p.to_utc_ms.is_none() {
                p.to_utc_ms = Some(now.max(p.from_utc_ms));
            }
        }
        let active = self.active_ms(now);
        let pending = self.pending_prompt(active);
        match intensity {
            Some(v) => {
                if let Some(k) = pending {
                    self.prompts_resolved = k;
                }
                self.insert_point(WavePoint {
                    at_utc_ms: now,
                    active_ms: active,
                    kind: PointKind::End,
                    prompt: pending,
                    intensity: Some(v),
                    note,
                });
            }
            None => {
                if let Some(k) = pending {
                    self.record_missed(k, now);
                }
                if note.is_some() {
                    self.note = note;
                }
            }
        }
        self.ending = Some(SurfEnding { at_utc_ms: now, outcome: Some(outcome), closed_by: ClosedBy::Person });
        Ok(())
    }

    /// The state at `now`, without changing the record (missed prompts and a timeout are
    /// applied to a copy).
    pub fn status(&self, now: i64) -> SurfStatus {
        let mut s = self.clone();
        s.catch_up(now);
        s.status_caught_up(now)
    }

    fn status_caught_up(&self, now: i64) -> SurfStatus {
        let now = self.clamp_now(now);
        let active = self.active_ms(now);
        let length = self.length_ms();
        let state = if self.ending.is_some() {
            SurfState::Ended
        } else if self.is_paused() {
            SurfState::Paused
        } else if active >= length {
            SurfState::TimeUp
        } else {
            SurfState::Running
        };
        let pending = self.pending_prompt(active);
        let running = state == SurfState::Running;
        let next = pending.map(|k| k + 1).unwrap_or(self.prompts_resolved + 1);
        let (next_prompt, next_prompt_at) = if next <= self.prompt_count() && state != SurfState::Ended {
            let due = self.prompt_due_active(next);
            (Some(next), running.then(|| now + (due.saturating_sub(active)) as i64))
        } else {
            (None, None)
        };
        SurfStatus {
            state,
            active_ms: active,
            length_ms: length,
            progress: (active as f64 / length.max(1) as f64).clamp(0.0, 1.0) as f32,
            pending_prompt: pending,
            next_prompt,
            next_prompt_at_utc_ms: next_prompt_at,
            time_up_at_utc_ms: (running && active < length).then(|| now + (length - active) as i64),
            closes_at_utc_ms: (state != SurfState::Ended).then(|| self.closes_at()),
        }
    }

    /// The future prompt times (UTC ms, with their prompt numbers) while running.
    pub fn future_prompts(&self, now: i64) -> Vec<(u32, i64)> {
        let st = self.status(now);
        let (Some(first), Some(first_at)) = (st.next_prompt, st.next_prompt_at_utc_ms) else {
            return Vec::new();
        };
        let base = first_at - self.prompt_due_active(first) as i64;
        (first..=self.prompt_count()).map(|k| (k, base + self.prompt_due_active(k) as i64)).collect()
    }
}
