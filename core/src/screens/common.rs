//! Pieces every screen uses: tappable choices, notices, chart series, and the words for
//! times, durations and failures. Every word a person reads is decided here or in a screen's
//! module, never in a shell.

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};

use crate::error::Error;
use crate::protocol::wire::Quota;
use crate::time::LocalStamp;

/// A number on a 0-10 scale the person can tap, with words for its ends.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ScaleChoice {
    pub value: u8,
    /// What the shell writes on it ("7").
    pub label: String,
    /// Words under the ends of the scale ("none", "strongest imaginable"); empty elsewhere.
    pub anchor: String,
    /// Whether this value is the one currently chosen.
    pub selected: bool,
}

/// The eleven choices of a 0-10 scale, with words under both ends.
pub fn scale(low: &str, high: &str, selected: Option<u8>) -> Vec<ScaleChoice> {
    (0..=10u8)
        .map(|value| ScaleChoice {
            value,
            label: value.to_string(),
            anchor: match value {
                0 => low.to_string(),
                10 => high.to_string(),
                _ => String::new(),
            },
            selected: selected == Some(value),
        })
        .collect()
}

/// The urge scale (the urge log's: 0 none, 10 the strongest imaginable).
pub fn intensity_scale(selected: Option<u8>) -> Vec<ScaleChoice> {
    scale("none", "strongest imaginable", selected)
}

/// A word or short phrase the person can tap on or off.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Chip {
    pub label: String,
    pub selected: bool,
}

/// How a notice should look.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum NoticeKind {
    /// Something was saved (durable on disk).
    Saved,
    /// Neutral information.
    Info,
    /// Something did not work; nothing was lost.
    Problem,
}

/// A short message shown over the screen until dismissed or replaced.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Notice {
    pub kind: NoticeKind,
    pub text: String,
}

impl Notice {
    pub fn saved(text: impl Into<String>) -> Notice {
        Notice { kind: NoticeKind::Saved, text: text.into() }
    }

    pub fn info(text: impl Into<String>) -> Notice {
        Notice { kind: NoticeKind::Info, text: text.into() }
    }

    pub fn problem(e: &Error) -> Notice {
        Notice { kind: NoticeKind::Problem, text: problem_words(e) }
    }
}

/// One point of a chart.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ChartPoint {
    /// Position along the x axis (minutes, day number...: the series says).
    pub x: f64,
    /// `None`: no value here (a missed prompt, a day without a check-in); the line breaks.
    pub y: Option<f64>,
    /// What to write under the point on the axis, or empty.
    pub label: String,
}

/// How to draw a series.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum ChartStyle {
    Bars,
    Line,
}

/// A chart-ready series: the shell draws it as it is, axes included.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Series {
    pub title: String,
    pub style: ChartStyle,
    pub x_title: String,
    pub y_title: String,
    /// The top of the y axis (the bottom is 0).
    pub y_max: f64,
    pub points: Vec<ChartPoint>,
    /// One sentence saying what the chart shows, for screen readers and as a caption.
    pub summary: String,
}

/// Plain, kind words for a failure, for the person (never what they typed).
pub fn problem_words(e: &Error) -> String {
    match e {
        Error::WrongKey(_) => "That didn't open your journal. Nothing was changed; please try again.".into(),
        Error::Invalid { .. } | Error::AmbiguousId { .. } => sentence(&e.to_string()),
        Error::State(what) => sentence(what),
        Error::NotFound { .. } => "That entry isn't there any more.".into(),
        Error::NoStore => "There is no journal on this phone yet.".into(),
        Error::NoSuchKeyMethod(_) => "That way of unlocking isn't set up. Use your passphrase.".into(),
        Error::AlreadyExists => "There is already a journal here.".into(),
        Error::NotEmpty => "Backups can only be restored into a new, empty journal.".into(),
        Error::StorageFull => "Your phone is out of space, so this wasn't saved. Free some space and try again.".into(),
        Error::Corrupt(_) | Error::Integrity { .. } | Error::Document(_) | Error::Protocol(_) => {
            "Part of your journal couldn't be read. Everything else is safe.".into()
        }
        Error::NewerSchema { .. } => {
            "Your journal was saved by a newer version of the app. Please update the app.".into()
        }
        Error::Busy => "The journal is busy for a moment. Please try again.".into(),
        Error::KeyProvider(_) => {
            "This phone's key store didn't respond. You can unlock with your passphrase.".into()
        }
        Error::Export(_) => "This backup file can't be used. It may be damaged or from a newer app.".into(),
        Error::Storage(_) | Error::Io(_) | Error::Crypto => {
            "Something went wrong while saving. Nothing was lost; please try again.".into()
        }
        Error::Network(_) => "You're offline right now. Everything is saved here and will be sent later.".into(),
        Error::Server { .. } => "The sharing service didn't accept this just now. Your data here is safe.".into(),
        Error::QuotaReached(q) => quota_words(*q).into(),
        // A clinician's login; the client's screens never log in, but every error has words.
        Error::LoginRefused => "That email and passphrase didn't open the account. Please try again in a few minutes.".into(),
        Error::KeyMismatch => "The code doesn't match your clinician's. Nothing was shared; please ask them for a new invite and compare the code together.".into(),
    }
}

/// Why the sharing service stored nothing more, for the person.
fn quota_words(q: Quota) -> &'static str {
    match q {
        Quota::DeviceStorage => {
            "The sharing service has no more room for what this phone shares. Nothing is lost: it stays here and is sent when there is room."
        }
        Quota::DeviceShares => {
            "You're already sharing as much as the sharing service allows. Stop sharing something you no longer need to, then try again."
        }
        Quota::ClinicStorage | Quota::ClinicShares => {
            "Your clinic's sharing service is full for now. Nothing is lost: it stays here and is sent once the clinic has made room."
        }
    }
}

/// A message with a capital first letter and a full stop.
fn sentence(text: &str) -> String {
    let mut out: String = text.chars().take(1).flat_map(char::to_uppercase).chain(text.chars().skip(1)).collect();
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

/// "7:05" (minutes and seconds) or "1:02:05" past an hour.
pub fn clock_duration(ms: u64) -> String {
    let secs = ms / 1000;
    let (h, m, s) = (secs / 3600, (secs / 60) % 60, secs % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

/// "45 seconds", "12 minutes", "3 hours", "5 days": one unit, rounded down.
pub fn spoken_duration(secs: i64) -> String {
    let secs = secs.max(0);
    let (n, unit) = match secs {
        s if s < 60 => (s, "second"),
        s if s < 3600 => (s / 60, "minute"),
        s if s < 86_400 => (s / 3600, "hour"),
        s => (s / 86_400, "day"),
    };
    plural(n, unit)
}

/// "1 urge", "2 urges".
pub fn plural(n: i64, unit: &str) -> String {
    count(n, unit, &format!("{unit}s"))
}

/// "1 entry", "2 entries".
pub fn count(n: i64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// "21:30".
pub fn hour_minute(t: NaiveDateTime) -> String {
    format!("{:02}:{:02}", t.hour(), t.minute())
}

/// "21:30" for minutes after midnight.
pub fn minute_of_day(m: u16) -> String {
    format!("{:02}:{:02}", m / 60, m % 60)
}

/// "Monday 15 June".
pub fn long_day(d: NaiveDate) -> String {
    format!("{} {} {}", d.format("%A"), d.day(), d.format("%B"))
}

/// "Today", "Yesterday", or "Mon 15 Jun".
pub fn relative_day(d: NaiveDate, today: NaiveDate) -> String {
    match (today - d).num_days() {
        0 => "Today".into(),
        1 => "Yesterday".into(),
        _ => format!("{} {} {}", d.format("%a"), d.day(), d.format("%b")),
    }
}

/// When an entry happened, in the words of a list: "Today 21:30", "Mon 15 Jun 08:10".
pub fn when(stamp: &LocalStamp, today: NaiveDate) -> String {
    let local = stamp.local();
    format!("{} {}", relative_day(local.date(), today), hour_minute(local))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::id::RecordId;
    use crate::store::RecordKind;

    #[test]
    fn scales_have_eleven_values_with_words_at_the_ends() {
        let s = intensity_scale(Some(7));
        assert_eq!(s.len(), 11);
        assert_eq!(s[0].anchor, "none");
        assert_eq!(s[10].anchor, "strongest imaginable");
        assert!(s[7].selected && s.iter().filter(|c| c.selected).count() == 1);
    }

    #[test]
    fn failures_read_as_sentences_without_user_data() {
        let e = Error::invalid("note", "is too long (at most 2000 characters)");
        assert_eq!(problem_words(&e), "Note: is too long (at most 2000 characters).");
        let nf = Error::NotFound { kind: RecordKind::Urge, id: RecordId::from_bytes([1; 16]) };
        assert!(!problem_words(&nf).contains("0101"), "no ids in words for people");
        assert_eq!(problem_words(&Error::State("the session has ended")), "The session has ended.");
    }

    #[test]
    fn durations_and_days_in_words() {
        assert_eq!(clock_duration(432_000), "7:12");
        assert_eq!(clock_duration(3_725_000), "1:02:05");
        assert_eq!(spoken_duration(59), "59 seconds");
        assert_eq!(spoken_duration(60), "1 minute");
        assert_eq!(spoken_duration(3 * 86_400 + 5), "3 days");
        let today = NaiveDate::from_ymd_opt(2026, 6, 15).unwrap_or_default();
        assert_eq!(relative_day(today, today), "Today");
        assert_eq!(relative_day(today.pred_opt().unwrap_or_default(), today), "Yesterday");
        assert_eq!(relative_day(NaiveDate::from_ymd_opt(2026, 6, 10).unwrap_or_default(), today), "Wed 10 Jun");
        assert_eq!(long_day(today), "Monday 15 June");
        assert_eq!(minute_of_day(1230), "20:30");
    }
}
