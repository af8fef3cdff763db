//! Urge surfing: start a timed session (from a logged urge or logging a new one), rate the
//! intensity at prompts or at any moment, pause, resume, end with an outcome; pick a session up
//! again after the app was killed; list past sessions with their waves.
//!
//! Methods that change or read sessions do disk I/O (each change is one durable transaction):
//! call off the main thread. [`CompanionCore::surf_status`] and [`surf_summary`] are pure: a
//! screen can call them every second on the session it holds.
//!
//! Notifications: after every change, ask [`CompanionCore::surf_notifications`] what to
//! schedule (see `notifications.rs`); it is empty when nothing should fire (paused, ended).

use chrono::NaiveDate;
use companion_core::notify::NotificationPlan;
use companion_core::surf::{SurfEnd, SurfListing, SurfSession, SurfStart, SurfStatus, WaveSummary};
use companion_core::Clock;

use crate::companion::CompanionCore;
use crate::error::Result;
use crate::urges::parse_id;

#[uniffi::export]
impl CompanionCore {
    /// Start a session. With `start.urge` it surfs an urge already logged; without, it logs a
    /// new urge (then `start.intensity` is required). `NotAllowed` while another session is
    /// still open: continue it ([`Self::active_surf`]) or end it first.
    pub fn start_surf(&self, start: SurfStart) -> Result<SurfSession> {
        Ok(self.store()?.start_surf(start)?)
    }

    /// The session still open, if any, brought up to now: prompts missed while the app was
    /// away are recorded as missed (never invented), and a session left open for too long is
    /// closed without an outcome. Call it when the app starts or comes to the foreground.
    pub fn active_surf(&self) -> Result<Option<SurfSession>> {
        Ok(self.store()?.active_surf()?)
    }

    /// One session as stored.
    pub fn surf_session(&self, id: String) -> Result<SurfSession> {
        Ok(self.store()?.surf_session(parse_id(&id)?)?)
    }

    /// Bring one session up to now (elapsed time from the clock, missed prompts recorded) and
    /// store that: for opening a session from a notification.
    pub fn reopen_surf(&self, id: String) -> Result<SurfSession> {
        Ok(self.store()?.reopen_surf(parse_id(&id)?)?)
    }

    /// Record an intensity rating (0-10): it answers the prompt that is due, or stands on its
    /// own between prompts. `NotAllowed` once the session has ended.
    pub fn surf_checkin(&self, id: String, intensity: u8, note: Option<String>) -> Result<SurfSession> {
        Ok(self.store()?.surf_checkin(parse_id(&id)?, intensity, note.as_deref())?)
    }

    /// Pause the timer (nothing changes when it is already paused).
    pub fn pause_surf(&self, id: String) -> Result<SurfSession> {
        Ok(self.store()?.pause_surf(parse_id(&id)?)?)
    }

    /// Start the timer again after a pause (nothing changes when it is running).
    pub fn resume_surf(&self, id: String) -> Result<SurfSession> {
        Ok(self.store()?.resume_surf(parse_id(&id)?)?)
    }

    /// End with an outcome; the urge entry gets its outcome, length and strategies in the same
    /// transaction.
    pub fn end_surf(&self, id: String, end: SurfEnd) -> Result<SurfSession> {
        Ok(self.store()?.end_surf(parse_id(&id)?, end)?)
    }

    /// Delete a session (its bytes are removed from the file); its urge entry stays, unlinked.
    pub fn delete_surf(&self, id: String) -> Result<()> {
        Ok(self.store()?.delete_surf(parse_id(&id)?)?)
    }

    /// Sessions begun on local days `from..=to` (either end open), oldest first.
    pub fn surf_sessions(&self, from: Option<NaiveDate>, to: Option<NaiveDate>) -> Result<SurfListing> {
        Ok(self.store()?.surf_sessions(from, to)?)
    }

    /// Where `session` stands now (timer, prompt due, next prompt, time up), without changing
    /// anything: prompts missed since are counted on a copy. No I/O: call it every second.
    pub fn surf_status(&self, session: SurfSession) -> SurfStatus {
        session.status(self.device_clock().now().timestamp_millis())
    }

    /// What to schedule as local notifications for session `id` from now on (prompts and the
    /// end of the timer), worded as the client chose (neutral by default). An empty plan means
    /// cancel everything scheduled under `group`.
    pub fn surf_notifications(&self, id: String) -> Result<NotificationPlan> {
        Ok(self.store()?.surf_notifications(parse_id(&id)?)?)
    }
}

/// Figures derived from a session's wave: peak, time to peak, time from peak to half-peak,
/// first and last ratings, missed prompts, whether it passed without acting. No I/O.
#[uniffi::export]
pub fn surf_summary(session: SurfSession) -> WaveSummary {
    session.summary()
}

#[cfg(test)]
mod tests {
    use companion_core::surf::SurfSettings;

    /// `bindings/uniffi` defaults in core (`#[uniffi(default = ...)]` on `SurfSettings`) are
    /// literals: they must stay equal to the core's defaults.
    #[test]
    fn foreign_defaults_match_the_core() {
        assert_eq!(SurfSettings::default(), SurfSettings { length_secs: 1200, interval_secs: 180 });
    }
}
