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
        let mut upcoming = Vec::new();
        if st.state == SurfState::Running {
            let minutes = self.settings.length_secs.div_ceil(60);
            for (k, at) in self.future_prompts(now) {
                let (title, body) = words(NotificationKind::CheckIn, wording, minutes);
                upcoming.push(ScheduledNotification {
                    key: format!("{group}-prompt-{k}"),
                    at_utc_ms: at,
                    kind: NotificationKind::CheckIn,
                    title: title.to_string(),
                    body,
                });
            }
            if let Some(at) = st.time_up_at_utc_ms {
                let (title, body) = words(NotificationKind::TimeUp, wording, minutes);
                upcoming.push(ScheduledNotification {
                    key: format!("{group}-time-up"),
                    at_utc_ms: at,
                    kind: NotificationKind::TimeUp,
                    title: title.to_string(),
                    body,
                });
            }
        }
        upcoming.sort_by_key(|n| n.at_utc_ms);
        NotificationPlan { group, next: upcoming.first().cloned(), upcoming }
    }
}
