//! What the app should schedule as local notifications, and in which words.
//!
//! The core never shows a notification: it tells the app what to schedule (when, a stable key
//! to replace or cancel it, a title and a body) and the app hands that to the platform
//! (AlarmManager / UNUserNotificationCenter), which fires even when the app is killed.
//!
//! A lock screen is public. By default every text is neutral: no "urge", "sexual", "surf",
//! "craving" or anything else that tells an onlooker what the app is for. A client may choose
//! explicit wording; the choice is stored encrypted as a `RecordKind::Settings` record.

use serde::{Deserialize, Serialize};

use crate::error::{Error, IntegrityProblem, Result};
use crate::id::RecordId;
use crate::store::{NoBody, Payload, Period, Record, RecordKind, Store};

/// How notifications are worded.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Wording {
    /// Nothing on the lock screen says what the app is for (the default).
    #[default]
    Neutral,
    /// Plain words about urges and surfing, for people who prefer them.
    Explicit,
}

impl Wording {
    pub fn as_str(self) -> &'static str {
        match self {
            Wording::Neutral => "neutral",
            Wording::Explicit => "explicit",
        }
    }

    pub fn parse(s: &str) -> Result<Wording> {
        match s.trim().to_ascii_lowercase().as_str() {
            "neutral" | "discreet" => Ok(Wording::Neutral),
            "explicit" | "plain" => Ok(Wording::Explicit),
            _ => Err(Error::invalid("notification wording", "use neutral or explicit")),
        }
    }
}

/// What a notification is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum NotificationKind {
    /// Time to rate the intensity (a surf session's prompt).
    CheckIn,
    /// A surf session's timer has run its length.
    TimeUp,
}

/// One notification for the app to schedule.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ScheduledNotification {
    /// Stable key: scheduling the same key again replaces it; the app cancels by key.
    pub key: String,
    /// When to fire, UTC milliseconds.
    pub at_utc_ms: i64,
    pub kind: NotificationKind,
    pub title: String,
    pub body: String,
}

/// Everything to schedule for one activity. The app cancels whatever it scheduled earlier
/// under `group` and schedules `upcoming`; an empty `upcoming` means cancel all.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct NotificationPlan {
    pub group: String,
    /// The soonest of `upcoming`.
    pub next: Option<ScheduledNotification>,
    /// Every future notification, soonest first.
    pub upcoming: Vec<ScheduledNotification>,
}

/// The words for a notification. `minutes` is the session length, for the time-up text.
pub fn words(kind: NotificationKind, wording: Wording, minutes: u32) -> (&'static str, String) {
    match (kind, wording) {
        (NotificationKind::CheckIn, Wording::Neutral) => ("Reminder", "Time for a short check-in.".to_string()),
        (NotificationKind::TimeUp, Wording::Neutral) => {
            ("Reminder", "Your timer has finished. Take a moment to check in.".to_string())
        }
        (NotificationKind::CheckIn, Wording::Explicit) => {
            ("Urge surfing", "How strong is the urge now? Rate it from 0 to 10.".to_string())
        }
        (NotificationKind::TimeUp, Wording::Explicit) => (
            "Urge surfing",
            format!("Your {minutes}-minute surf is done. How strong is the urge now, and how did it go?"),
        ),
    }
}

/// The notification settings record (one per store).
#[derive(PartialEq)]
pub(crate) struct NotificationSettings {
    pub id: RecordId,
    pub wording: Wording,
}

/// The notification settings as stored, version 1. Frozen (see [`crate::store::record`]).
#[derive(Serialize, Deserialize)]
pub(crate) struct SettingsV1 {
    wording: Wording,
}

impl Payload for SettingsV1 {
    const VERSION: u8 = 1;
}

impl Record for NotificationSettings {
    const KIND: RecordKind = RecordKind::Settings;
    type Head = SettingsV1;
    type Body = NoBody;

    fn id(&self) -> RecordId {
        self.id
    }

    fn period(&self) -> Period {
        Period::Timeless
    }

    fn to_payload(&self) -> (SettingsV1, Option<NoBody>) {
        (SettingsV1 { wording: self.wording }, None)
    }

    fn from_payload(id: RecordId, h: SettingsV1, _: Option<NoBody>) -> std::result::Result<Self, IntegrityProblem> {
        Ok(NotificationSettings { id, wording: h.wording })
    }
}

fn settings_id(store: &Store) -> RecordId {
    // Derived with the store's key, so the id says nothing to someone reading the file.
    RecordId::from_bytes(store.keys().tag(&[b"settings", b"notifications"]))
}

impl Store {
    /// The client's notification wording (neutral unless they chose otherwise).
    pub fn notification_wording(&self) -> Result<Wording> {
        let settings = self.find::<NotificationSettings>(settings_id(self))?;
        Ok(settings.map_or(Wording::Neutral, |s| s.wording))
    }

    /// Choose how notifications are worded.
    pub fn set_notification_wording(&self, wording: Wording) -> Result<()> {
        let settings = NotificationSettings { id: settings_id(self), wording };
        self.write(|tx| tx.put(&settings))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::testing::TestStore;

    #[test]
    fn neutral_words_say_nothing_revealing() {
        for kind in [NotificationKind::CheckIn, NotificationKind::TimeUp] {
            let (title, body) = words(kind, Wording::Neutral, 20);
            let all = format!("{title} {body}").to_lowercase();
            for w in ["urge", "sexual", "sex", "surf", "craving", "porn", "relapse"] {
                assert!(!all.contains(w), "{w} in {all}");
            }
            let (t, b) = words(kind, Wording::Explicit, 20);
            assert!(format!("{t} {b}").to_lowercase().contains("urge"));
        }
    }

    #[test]
    fn wording_setting_persists_encrypted() {
        let s = TestStore::new();
        assert_eq!(s.notification_wording().unwrap(), Wording::Neutral);
        s.set_notification_wording(Wording::Explicit).unwrap();
        let s = s.reopen();
        assert_eq!(s.notification_wording().unwrap(), Wording::Explicit);
        s.set_notification_wording(Wording::Neutral).unwrap();
        assert_eq!(s.notification_wording().unwrap(), Wording::Neutral);
        assert!(Wording::parse("loud").is_err());
    }
}
