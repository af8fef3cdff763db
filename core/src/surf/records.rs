//! Surf sessions in the store, and their tie to the urge entry.
//!
//! Every change is one IMMEDIATE transaction that reads the session, applies the change at the
//! store clock's "now" and writes it back: durable when the call returns, so a killed app loses
//! nothing it was told was saved. Ending a session updates the urge entry (its outcome, how
//! long it lasted, the link to the session) in the same transaction.
//!
//! How a session is stored: [`super::stored`].

use std::fmt;

use super::{wave, ClosedBy, PointKind, SurfOutcome, SurfSession, SurfSettings, WavePoint, MAX_INTENSITY};
use crate::error::{Error, Result};
use crate::id::RecordId;
use crate::notify::NotificationPlan;
use crate::store::{Columns, RecordKind, Scope, Store, Tx, Unreadable};
use crate::text;
use crate::time::{LocalStamp, Month};
use crate::urge::{self, Urge};
use chrono::{Duration, NaiveDate};
/// How far back `active_surf` looks for a session still open (older ones are closed anyway).
const ACTIVE_LOOKBACK_DAYS: i64 = 40;
/// The strategy recorded on the urge when the person says they used their plan without naming a step.
pub const PLAN_STRATEGY: &str = "my coping plan";

/// How to start a session.
#[derive(Clone, Default)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SurfStart {
    /// Surf an urge already logged; `None` logs a new one (then `intensity` is required).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub urge: Option<RecordId>,
    /// How strong it is now, 0-10.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub intensity: Option<u8>,
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub settings: SurfSettings,
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub note: Option<String>,
}

impl fmt::Debug for SurfStart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SurfStart(<redacted>)")
    }
}

/// How to end a session.
#[derive(Clone)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SurfEnd {
    pub outcome: SurfOutcome,
    /// How strong it is now, 0-10 (answers a prompt that is due).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub intensity: Option<u8>,
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub note: Option<String>,
    /// Coping strategies used, in the person's words (added to the urge entry).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub strategies: Vec<String>,
}

impl fmt::Debug for SurfEnd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SurfEnd({}, <redacted>)", self.outcome.as_str())
    }
}

/// Sessions found, oldest first, and any that could not be opened.
#[derive(Debug, Default)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SurfListing {
    pub sessions: Vec<SurfSession>,
    pub unreadable: Vec<Unreadable>,
}

fn rating(v: u8) -> Result<u8> {
    text::rating("intensity", v, MAX_INTENSITY)
}

/// Update the urge entry when the person ends the session: outcome, how long it lasted, the
/// link. A session closed automatically says nothing about the outcome, so it changes nothing.
fn finalize_urge(tx: &mut Tx<'_>, s: &mut SurfSession, strategies: &[String], now_ms: i64) -> Result<()> {
    let (Some(uid), Some(ending)) = (s.urge, s.ending) else { return Ok(()) };
    let Some(outcome) = ending.outcome else { return Ok(()) };
    let mut u: Urge = match tx.get(uid) {
        Ok(u) => u,
        // The entry was deleted while the session ran: keep the wave, drop the link.
        Err(Error::NotFound { .. }) => {
            s.urge = None;
            return Ok(());
        }
        Err(e) => return Err(e),
    };
    u.surf_session = Some(s.id);
    let mut all = u.strategies.clone();
    all.extend(strategies.iter().cloned());
    if outcome == SurfOutcome::UsedPlan && all.is_empty() {
        all.push(PLAN_STRATEGY.to_string());
    }
    u.strategies = text::labels("coping strategy", &all)?;
    if let Some(o) = outcome.urge_outcome() {
        u.outcome = Some(o);
        // It is over: it lasted from when it began until it reached 0 for good, or the end.
        let end = wave::ended_at(&s.points, ending.at_utc_ms);
        let secs = ((end - u.occurred.utc_ms) / 1000).clamp(0, i64::from(urge::MAX_DURATION_SECS));
        u.duration_secs = Some(secs as u32);
    }
    if s.urge_created {
        // The entry was made for this session: its intensity is how strong the wave got.
        if let Some(peak) = s.summary().peak {
            u.intensity = u.intensity.max(peak);
        }
    } else {
        u.edited_utc_ms = Some(now_ms);
    }
    tx.put(&u)
}

impl Store {
    fn now_ms(&self) -> i64 {
        self.clock().now().timestamp_millis()
    }

    /// Sessions that may still be open: those begun in the last few weeks.
    fn recent_sessions(&self) -> Scope {
        let today = self.clock().today();
        Scope::Months(Month::of(today - Duration::days(ACTIVE_LOOKBACK_DAYS)), Month::of(today + Duration::days(1)))
    }

    /// Close sessions left open too long (persisted) and return the one still open, if any.
    fn open_session_tx(&self, tx: &mut Tx<'_>, now: i64) -> Result<Option<SurfSession>> {
        // A session that does not open cannot be continued; it is reported by listings.
        let listing = tx.list::<SurfSession>(self.recent_sessions(), Columns::HeadAndBody)?;
        let mut open: Option<SurfSession> = None;
        for mut s in listing.records {
            if s.ending.is_some() {
                continue;
            }
            if s.catch_up(now) {
                tx.put(&s)?;
            }
            if s.ending.is_none() && open.as_ref().is_none_or(|b| b.started.utc_ms < s.started.utc_ms) {
                open = Some(s);
            }
        }
        Ok(open)
    }

    /// Start a session, from a logged urge or logging a new one. Refused while another session
    /// is still open (continue or end that one first).
    pub fn start_surf(&self, start: SurfStart) -> Result<SurfSession> {
        start.settings.validate()?;
        let intensity = start.intensity.map(rating).transpose()?;
        let note = text::note("note", start.note.as_deref(), text::NOTE_MAX_CHARS)?;
        if start.urge.is_none() && intensity.is_none() {
            return Err(Error::invalid("intensity", "say how strong the urge is now, 0 to 10"));
        }
        let now = self.clock().now();
        let now_ms = now.timestamp_millis();
        let stamp = LocalStamp::at(now, &self.clock().zone());
        let id = RecordId::random()?;
        self.write(|tx| {
            if self.open_session_tx(tx, now_ms)?.is_some() {
                return Err(Error::State("a surf session is already under way; continue it or end it first"));
            }
            let (urge, created) = match start.urge {
                Some(uid) => {
                    let mut u: Urge = tx.get(uid)?;
                    if u.surf_session.is_some() {
                        return Err(Error::invalid("urge", "this urge already has a surf session"));
                    }
                    u.surf_session = Some(id);
                    (u, false)
                }
                None => (
                    Urge {
                        id: RecordId::random()?,
                        occurred: stamp.clone(),
                        logged: stamp.clone(),
                        edited_utc_ms: None,
                        intensity: intensity.unwrap_or(0),
                        triggers: Vec::new(),
                        feelings: Vec::new(),
                        place: None,
                        company: None,
                        activity: None,
                        note: None,
                        duration_secs: None,
                        outcome: None,
                        strategies: Vec::new(),
                        surf_session: Some(id),
                        risk: None,
                    },
                    true,
                ),
            };
            let points = intensity
                .map(|v| WavePoint {
                    at_utc_ms: now_ms,
                    active_ms: 0,
                    kind: PointKind::Start,
                    prompt: None,
                    intensity: Some(v),
                    note: None,
                })
                .into_iter()
                .collect();
            let s = SurfSession {
                id,
                urge: Some(urge.id),
                urge_created: created,
                started: stamp.clone(),
                settings: start.settings,
                pauses: Vec::new(),
                points,
                prompts_resolved: 0,
                ending: None,
                note: note.clone(),
                risk: None,
            };
            let s = crate::safety::flags::with_risk(s);
            tx.put(&urge)?;
            tx.put(&s)?;
            Ok(s)
        })
    }

    /// One session as stored (no catch-up written; use [`SurfSession::status`] for "now").
    pub fn surf_session(&self, id: RecordId) -> Result<SurfSession> {
        self.get(id)
    }

    /// The session still open, if any, brought up to now: prompts missed while the app was not
    /// running are recorded as missed, and sessions left open too long are closed (persisted).
    pub fn active_surf(&self) -> Result<Option<SurfSession>> {
        let now = self.now_ms();
        // Read first: usually nothing needs writing, and a read takes no write lock.
        let listing = self.list::<SurfSession>(self.recent_sessions(), Columns::HeadAndBody)?;
        let mut open: Option<SurfSession> = None;
        for s in listing.records {
            if s.ending.is_some() {
                continue;
            }
            if s.clone().catch_up(now) {
                // Something to record (a missed prompt, a closing): do it all in one write.
                return self.write(|tx| self.open_session_tx(tx, now));
            }
            if open.as_ref().is_none_or(|b| b.started.utc_ms < s.started.utc_ms) {
                open = Some(s);
            }
        }
        Ok(open)
    }

    /// Apply `f` to session `id` at now, in one transaction, finishing the urge when it ends.
    fn change_surf(
        &self,
        id: RecordId,
        strategies: &[String],
        f: impl FnOnce(&mut SurfSession, i64) -> Result<()>,
    ) -> Result<SurfSession> {
        let now = self.now_ms();
        self.write(|tx| {
            let mut s: SurfSession = tx.get(id)?;
            let was_open = s.ending.is_none();
            let before = s.clone();
            let result = f(&mut s, now);
            if s != before {
                if was_open && s.ending.is_some_and(|e| e.closed_by == ClosedBy::Person) {
                    finalize_urge(tx, &mut s, strategies, now)?;
                }
                tx.put(&s)?;
            }
            // A refused change still keeps what catching up found (missed prompts, a timeout):
            // the transaction commits, and the refusal is returned after it.
            Ok(result.map(|()| crate::safety::flags::with_risk(s)))
        })?
    }

    /// Reopen a session after the app was away (or killed): elapsed time from the clock,
    /// missed prompts recorded as missed; persisted. The timer keeps its state.
    pub fn reopen_surf(&self, id: RecordId) -> Result<SurfSession> {
        self.change_surf(id, &[], |s, now| {
            s.catch_up(now);
            Ok(())
        })
    }

    /// Record a rating (0-10): it answers the prompt that is due, or stands on its own.
    pub fn surf_checkin(&self, id: RecordId, intensity: u8, note: Option<&str>) -> Result<SurfSession> {
        let intensity = rating(intensity)?;
        let note = text::note("note", note, text::NOTE_MAX_CHARS)?;
        self.change_surf(id, &[], |s, now| s.checkin(now, intensity, note))
    }

    /// Pause the timer (no change when already paused).
    pub fn pause_surf(&self, id: RecordId) -> Result<SurfSession> {
        self.change_surf(id, &[], |s, now| s.pause(now).map(|_| ()))
    }

    /// Start the timer again after a pause (no change when running).
    pub fn resume_surf(&self, id: RecordId) -> Result<SurfSession> {
        self.change_surf(id, &[], |s, now| s.resume(now).map(|_| ()))
    }

    /// End with an outcome; the urge entry gets its outcome, length and link in the same
    /// transaction.
    pub fn end_surf(&self, id: RecordId, end: SurfEnd) -> Result<SurfSession> {
        let intensity = end.intensity.map(rating).transpose()?;
        let note = text::note("note", end.note.as_deref(), text::NOTE_MAX_CHARS)?;
        let strategies = text::labels("coping strategy", &end.strategies)?;
        self.change_surf(id, &strategies, |s, now| s.end(now, end.outcome, intensity, note))
    }

    /// Delete a session (removed from the file); its urge entry stays, unlinked.
    pub fn delete_surf(&self, id: RecordId) -> Result<()> {
        self.write(|tx| {
            let urge = match tx.get::<SurfSession>(id) {
                Ok(s) => s.urge,
                Err(Error::Integrity { .. }) => None,
                Err(e) => return Err(e),
            };
            if let Some(uid) = urge {
                if let Ok(mut u) = tx.get::<Urge>(uid) {
                    if u.surf_session == Some(id) {
                        u.surf_session = None;
                        tx.put(&u)?;
                    }
                }
            }
            if !tx.delete(RecordKind::SurfSession, id)? {
                return Err(Error::NotFound { kind: RecordKind::SurfSession, id });
            }
            Ok(())
        })
    }

    /// Sessions begun on local days `from..=to` (either end open), oldest first, as stored.
    pub fn surf_sessions(&self, from: Option<NaiveDate>, to: Option<NaiveDate>) -> Result<SurfListing> {
        let scope = match (from, to) {
            (Some(a), Some(b)) if b < a => return Err(Error::invalid("date range", "the end comes before the start")),
            (Some(a), Some(b)) => Scope::Months(Month::of(a), Month::of(b)),
            _ => Scope::All,
        };
        let listing = self.list::<SurfSession>(scope, Columns::HeadAndBody)?;
        let in_range = |d: NaiveDate| !(from.is_some_and(|a| d < a) || to.is_some_and(|b| d > b));
        let mut out = SurfListing {
            sessions: listing.records.into_iter().filter(|s| in_range(s.started.local_date())).collect(),
            unreadable: listing.unreadable,
        };
        out.sessions.sort_by_key(|s| s.started.utc_ms);
        Ok(out)
    }

    /// What the app should schedule for session `id` from now on, in the client's wording.
    pub fn surf_notifications(&self, id: RecordId) -> Result<NotificationPlan> {
        let s = self.surf_session(id)?;
        Ok(s.notification_plan(self.now_ms(), self.notification_wording()?))
    }
}
