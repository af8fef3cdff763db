//! What a surf session asks the app to schedule: one check-in notification per future prompt
//! and one when the timer runs its length, worded neutrally unless the client chose otherwise
//! (see [`crate::notify`]). Nothing is scheduled while paused or after the end: the plan is
//! then empty, which tells the app to cancel what it scheduled before.

use super::{SurfSession, SurfState};
use crate::notify::{words, NotificationKind, NotificationPlan, ScheduledNotification, Wording};

impl SurfSession {
    /// The notification group of this session (cancel by group when it ends).
    pub fn notification_group(&self) -> String {
        format!("surf-{}", self.id)
    }

    /// Everything to schedule from `now` on.
    pub fn notification_plan(&self, now: i64, wording: Wording) -> NotificationPlan {
        let group = self.notification_group();
        let st = self.status(now);
        let minutes = self.settings.length_secs.div_ceil(60);
        let note = |key: String, at_utc_ms: i64, kind: NotificationKind| {
            let (title, body) = words(kind, wording, minutes);
            ScheduledNotification { key, at_utc_ms, kind, title: title.to_string(), body }
        };
        let mut upcoming = Vec::new();
        if st.state == SurfState::Running {
            for (k, at) in self.future_prompts(now) {
                upcoming.push(note(format!("{group}-prompt-{k}"), at, NotificationKind::CheckIn));
            }
            if let Some(at) = st.time_up_at_utc_ms {
                upcoming.push(note(format!("{group}-time-up"), at, NotificationKind::TimeUp));
            }
        }
        upcoming.sort_by_key(|n| n.at_utc_ms);
        NotificationPlan { group, next: upcoming.first().cloned(), upcoming }
    }
}
