//! What the app should schedule as local notifications, and in which words.
//!
//! The core never shows a notification: it tells the app what to schedule (when, a stable key
//! to replace or cancel it, a title and a body) and the app hands that to the platform
//! (AlarmManager / UNUserNotificationCenter), which fires even when the app is killed.
//!
//! A lock screen is public. By default every text is neutral: no "urge", "sexual", "surf",
//! "craving" or anything else that tells an onlooker what the app is for. A client may choose
//! explicit wording; the choice is stored encrypted as a `RecordKind::Settings` record.
//!
//! Two shapes of schedule:
//! - one-off notifications of an activity ([`NotificationPlan`]: a surf session's prompts),
//!   at fixed instants;
//! - standing reminders ([`ReminderSchedule`]: the daily check-in, a weekly look at goals),
//!   repeating at a local wall-clock time. The platform keeps the schedule (its JSON from
//!   [`ReminderSchedule::to_json`], which holds times and the neutral or chosen words, never
//!   anything the person wrote) and arms the next occurrence of each rule
//!   ([`ReminderSchedule::upcoming`]); after a reboot or a time-zone change it asks again, with
//!   the store still locked, so reminders keep their local time ("20:30" stays 20:30 after a
//!   flight or a DST change).

use chrono::{DateTime, Datelike, Duration, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

use crate::clock::Zone;
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
    /// The daily check-in reminder.
    DailyCheckIn,
    /// A weekly look at goals in progress.
    GoalNudge,
}

impl NotificationKind {
    /// Stable name (JSON, the command line).
    pub fn as_str(self) -> &'static str {
        match self {
            NotificationKind::CheckIn => "check-in",
            NotificationKind::TimeUp => "time-up",
            NotificationKind::DailyCheckIn => "daily-check-in",
            NotificationKind::GoalNudge => "goal-nudge",
        }
    }

    fn parse(s: &str) -> Option<NotificationKind> {
        [
            NotificationKind::CheckIn,
            NotificationKind::TimeUp,
            NotificationKind::DailyCheckIn,
            NotificationKind::GoalNudge,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
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
        (NotificationKind::DailyCheckIn, Wording::Neutral) => ("Reminder", "A moment for today's entry?".to_string()),
        (NotificationKind::DailyCheckIn, Wording::Explicit) => {
            ("Daily check-in", "How was today? Your check-in takes a minute.".to_string())
        }
        (NotificationKind::GoalNudge, Wording::Neutral) => ("Reminder", "A look at this week's plans?".to_string()),
        (NotificationKind::GoalNudge, Wording::Explicit) => {
            ("Your goals", "A look at your recovery goals for this week?".to_string())
        }
    }
}

/// The standing reminders a person chose.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ReminderSettings {
    /// The daily check-in reminder, minutes after local midnight; `None`: off.
    pub daily_check_in_minute: Option<u16>,
    /// Notifications while surfing an urge (prompts to rate it, the end of the timer).
    pub surf_prompts: bool,
    /// A weekly look at goals (Monday morning), while a goal is in progress.
    pub goal_nudges: bool,
}

impl Default for ReminderSettings {
    /// Surf prompts on (they belong to a session the person started); nothing else until the
    /// person chooses it.
    fn default() -> Self {
        ReminderSettings { daily_check_in_minute: None, surf_prompts: true, goal_nudges: false }
    }
}

/// Local time of the daily check-in reminder offered first: 20:30.
pub const DEFAULT_CHECK_IN_MINUTE: u16 = 20 * 60 + 30;
/// Local time of the weekly goal nudge: Monday 09:00.
pub const GOAL_NUDGE_MINUTE: u16 = 9 * 60;
const MONDAY: u8 = 1;
const EVERY_DAY: u8 = 0b111_1111;
const MINUTES_PER_DAY: u16 = 24 * 60;
/// Format of [`ReminderSchedule::to_json`].
pub const SCHEDULE_FORMAT: u32 = 1;
/// Longest schedule JSON read back (a schedule holds a handful of rules).
const SCHEDULE_JSON_MAX: usize = 16 * 1024;

/// A reminder repeating at a local wall-clock time on some days of the week.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ReminderRule {
    /// Stable key: the platform replaces or cancels the alarm by it.
    pub key: String,
    pub kind: NotificationKind,
    /// Minutes after local midnight, 0..1440.
    pub minute_of_day: u16,
    /// Days of the week as bits, Monday bit 0 ... Sunday bit 6.
    pub days: u8,
    pub title: String,
    pub body: String,
}

/// Every standing reminder. An empty schedule means cancel them all.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ReminderSchedule {
    pub rules: Vec<ReminderRule>,
}

impl ReminderSchedule {
    /// The schedule for `settings` in `wording`. `goals_in_progress`: whether any goal is
    /// running now (no goal, no nudge).
    pub fn build(settings: &ReminderSettings, wording: Wording, goals_in_progress: bool) -> ReminderSchedule {
        let rule = |key: &str, kind: NotificationKind, minute_of_day: u16, days: u8| {
            let (title, body) = words(kind, wording, 0);
            ReminderRule { key: key.to_string(), kind, minute_of_day, days, title: title.to_string(), body }
        };
        let mut rules = Vec::new();
        if let Some(minute) = settings.daily_check_in_minute.filter(|m| *m < MINUTES_PER_DAY) {
            rules.push(rule("reminder-check-in", NotificationKind::DailyCheckIn, minute, EVERY_DAY));
        }
        if settings.goal_nudges && goals_in_progress {
            rules.push(rule("reminder-goals", NotificationKind::GoalNudge, GOAL_NUDGE_MINUTE, MONDAY));
        }
        ReminderSchedule { rules }
    }

    /// The next occurrence of every rule after `now` in `zone`, soonest first: what the
    /// platform arms now, and again after each one fires, after a reboot and after a
    /// time-zone change.
    pub fn upcoming(&self, now: DateTime<Utc>, zone: &Zone) -> Vec<ScheduledNotification> {
        let mut out: Vec<ScheduledNotification> = self
            .rules
            .iter()
            .filter_map(|r| {
                next_occurrence(r, now, zone).map(|at| ScheduledNotification {
                    key: r.key.clone(),
                    at_utc_ms: at.timestamp_millis(),
                    kind: r.kind,
                    title: r.title.clone(),
                    body: r.body.clone(),
                })
            })
            .collect();
        out.sort_by_key(|n| n.at_utc_ms);
        out
    }

    /// The schedule as the platform keeps it (versioned JSON).
    pub fn to_json(&self) -> String {
        let rules: Vec<serde_json::Value> = self
            .rules
            .iter()
            .map(|r| {
                serde_json::json!({
                    "key": r.key, "kind": r.kind.as_str(), "minute": r.minute_of_day, "days": r.days,
                    "title": r.title, "body": r.body,
                })
            })
            .collect();
        serde_json::json!({ "format": SCHEDULE_FORMAT, "rules": rules }).to_string()
    }

    /// Read back what [`Self::to_json`] wrote. Anything else is `Invalid` on "reminders".
    pub fn from_json(text: &str) -> Result<ReminderSchedule> {
        let bad = || {
            Error::invalid("reminders", "the saved reminder schedule could not be read; open the app to set it again")
        };
        if text.len() > SCHEDULE_JSON_MAX {
            return Err(bad());
        }
        let v: serde_json::Value = serde_json::from_str(text).map_err(|_| bad())?;
        if v.get("format").and_then(|f| f.as_u64()) != Some(u64::from(SCHEDULE_FORMAT)) {
            return Err(bad());
        }
        let rules = v.get("rules").and_then(|r| r.as_array()).ok_or_else(bad)?;
        let rule = |r: &serde_json::Value| -> Option<ReminderRule> {
            let minute = u16::try_from(r.get("minute")?.as_u64()?).ok().filter(|m| *m < MINUTES_PER_DAY)?;
            let days = u8::try_from(r.get("days")?.as_u64()?).ok().filter(|d| *d != 0 && *d & !EVERY_DAY == 0)?;
            Some(ReminderRule {
                key: r.get("key")?.as_str()?.to_string(),
                kind: NotificationKind::parse(r.get("kind")?.as_str()?)?,
                minute_of_day: minute,
                days,
                title: r.get("title")?.as_str()?.to_string(),
                body: r.get("body")?.as_str()?.to_string(),
            })
        };
        Ok(ReminderSchedule { rules: rules.iter().map(rule).collect::<Option<Vec<_>>>().ok_or_else(bad)? })
    }
}

/// The first instant after `now` at which `rule` fires in `zone`. A time skipped by a DST
/// change fires at the first minute after the gap; a repeated one fires once, the first time.
pub fn next_occurrence(rule: &ReminderRule, now: DateTime<Utc>, zone: &Zone) -> Option<DateTime<Utc>> {
    let time = NaiveTime::from_hms_opt(u32::from(rule.minute_of_day / 60), u32::from(rule.minute_of_day % 60), 0)?;
    let today = zone.date_of(now);
    (0..=7).find_map(|offset| {
        let day = today + Duration::days(offset);
        if rule.days & (1 << day.weekday().num_days_from_monday()) == 0 {
            return None;
        }
        let local = day.and_time(time);
        let at = zone.resolve(local).or_else(|_| first_after_gap(zone, local)).ok()?;
        (at > now).then_some(at)
    })
}

/// The first wall-clock minute after a DST gap that `local` fell into.
fn first_after_gap(zone: &Zone, local: chrono::NaiveDateTime) -> Result<DateTime<Utc>> {
    (1..=180)
        .find_map(|m| zone.resolve(local + Duration::minutes(m)).ok())
        .ok_or_else(|| Error::invalid("time", "that time cannot be represented"))
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
    crate::settings::settings_id(store, crate::settings::NOTIFICATIONS)
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

    const ALL_KINDS: [NotificationKind; 4] = [
        NotificationKind::CheckIn,
        NotificationKind::TimeUp,
        NotificationKind::DailyCheckIn,
        NotificationKind::GoalNudge,
    ];

    #[test]
    fn neutral_words_say_nothing_revealing() {
        for kind in ALL_KINDS {
            let (title, body) = words(kind, Wording::Neutral, 20);
            let all = format!("{title} {body}").to_lowercase();
            for w in ["urge", "sexual", "sex", "surf", "craving", "porn", "relapse"] {
                assert!(!all.contains(w), "{w} in {all}");
            }
            let (t, b) = words(kind, Wording::Explicit, 20);
            let explicit = format!("{t} {b}").to_lowercase();
            assert!(["urge", "check-in", "recovery"].iter().any(|w| explicit.contains(w)), "{explicit}");
            assert_eq!(NotificationKind::parse(kind.as_str()), Some(kind));
        }
    }

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        use chrono::TimeZone;
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
    }

    fn daily(minute: u16) -> ReminderSchedule {
        let settings = ReminderSettings { daily_check_in_minute: Some(minute), ..ReminderSettings::default() };
        ReminderSchedule::build(&settings, Wording::Neutral, false)
    }

    #[test]
    fn reminders_follow_the_settings_and_keep_neutral_words() {
        assert!(ReminderSchedule::build(&ReminderSettings::default(), Wording::Neutral, true).rules.is_empty());
        let all = ReminderSettings { daily_check_in_minute: Some(1230), surf_prompts: true, goal_nudges: true };
        let s = ReminderSchedule::build(&all, Wording::Neutral, true);
        assert_eq!(
            s.rules.iter().map(|r| r.kind).collect::<Vec<_>>(),
            [NotificationKind::DailyCheckIn, NotificationKind::GoalNudge]
        );
        assert_eq!(s.rules[0].title, "Reminder");
        // No goal in progress: no nudge.
        assert_eq!(ReminderSchedule::build(&all, Wording::Neutral, false).rules.len(), 1);
        let explicit = ReminderSchedule::build(&all, Wording::Explicit, true);
        assert_eq!(explicit.rules[0].title, "Daily check-in");
    }

    #[test]
    fn a_daily_reminder_keeps_its_local_time_across_zones_and_dst() {
        let berlin = Zone::parse("Europe/Berlin").unwrap();
        let s = daily(20 * 60 + 30);
        // 2026-06-15 12:00 UTC is 14:00 in Berlin (CEST): today at 20:30 local = 18:30 UTC.
        let up = s.upcoming(utc(2026, 6, 15, 12, 0), &berlin);
        assert_eq!(up[0].at_utc_ms, utc(2026, 6, 15, 18, 30).timestamp_millis());
        // After 20:30 it is tomorrow's.
        let up = s.upcoming(utc(2026, 6, 15, 18, 30), &berlin);
        assert_eq!(up[0].at_utc_ms, utc(2026, 6, 16, 18, 30).timestamp_millis());
        // After a flight to New York the same wall-clock time is 00:30 UTC the next day.
        let ny = Zone::parse("America/New_York").unwrap();
        let up = s.upcoming(utc(2026, 6, 15, 12, 0), &ny);
        assert_eq!(up[0].at_utc_ms, utc(2026, 6, 16, 0, 30).timestamp_millis());
        // Across the autumn change (25 October 2026) it stays 20:30 local: 19:30 UTC in CET.
        let up = s.upcoming(utc(2026, 10, 25, 12, 0), &berlin);
        assert_eq!(up[0].at_utc_ms, utc(2026, 10, 25, 19, 30).timestamp_millis());
    }

    #[test]
    fn a_reminder_in_the_spring_gap_fires_just_after_it() {
        let berlin = Zone::parse("Europe/Berlin").unwrap();
        // 29 March 2026: 02:00-03:00 does not exist in Berlin.
        let up = daily(2 * 60 + 30).upcoming(utc(2026, 3, 28, 23, 0), &berlin);
        assert_eq!(up[0].at_utc_ms, utc(2026, 3, 29, 1, 0).timestamp_millis(), "03:00 CEST");
    }

    #[test]
    fn a_weekly_nudge_waits_for_monday() {
        let berlin = Zone::parse("Europe/Berlin").unwrap();
        let settings = ReminderSettings { goal_nudges: true, ..ReminderSettings::default() };
        let s = ReminderSchedule::build(&settings, Wording::Neutral, true);
        // Wednesday 17 June 2026: next Monday is the 22nd, 09:00 CEST = 07:00 UTC.
        let up = s.upcoming(utc(2026, 6, 17, 12, 0), &berlin);
        assert_eq!(up[0].at_utc_ms, utc(2026, 6, 22, 7, 0).timestamp_millis());
    }

    #[test]
    fn the_schedule_round_trips_through_json_and_refuses_anything_else() {
        let all = ReminderSettings { daily_check_in_minute: Some(1230), surf_prompts: false, goal_nudges: true };
        let s = ReminderSchedule::build(&all, Wording::Explicit, true);
        assert_eq!(ReminderSchedule::from_json(&s.to_json()).unwrap(), s);
        let golden = r#"{"format":1,"rules":[{"body":"A moment for today's entry?","days":127,"key":"reminder-check-in","kind":"daily-check-in","minute":1230,"title":"Reminder"}]}"#;
        assert_eq!(daily(1230).to_json(), golden, "the platform keeps this text: its format is frozen");
        for bad in [
            "",
            "[]",
            r#"{"format":2,"rules":[]}"#,
            r#"{"format":1,"rules":[{"key":"k","kind":"daily-check-in","minute":1440,"days":1,"title":"","body":""}]}"#,
            r#"{"format":1,"rules":[{"key":"k","kind":"daily-check-in","minute":10,"days":0,"title":"","body":""}]}"#,
            r#"{"format":1,"rules":[{"key":"k","kind":"shout","minute":10,"days":1,"title":"","body":""}]}"#,
        ] {
            assert!(ReminderSchedule::from_json(bad).is_err(), "{bad}");
        }
        assert!(ReminderSchedule::from_json(&"x".repeat(SCHEDULE_JSON_MAX + 1)).is_err());
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
