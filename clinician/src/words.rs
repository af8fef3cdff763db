//! The words shown to clinicians, shared by the terminal reader, the pages and the exports:
//! category names, local dates and times, durations, outcomes, chain links.

use chrono::{Datelike, FixedOffset, NaiveDate, Offset};
use companion_core::share::Category;
use companion_core::slip::{LinkKind, VulnerabilityFactor};
use companion_core::surf::SurfOutcome;
use companion_core::urge::Outcome;

use crate::shared::LocalTime;

/// A category's name as a heading.
pub fn category_title(c: Category) -> &'static str {
    match c {
        Category::WeeklySummaries => "Weekly summaries",
        Category::Urges => "Urges",
        Category::Notes => "Notes",
        Category::SurfWaves => "Urge surfing",
        Category::ExerciseSessions => "Exercises",
        Category::Slips => "Slips",
        Category::CheckIns => "Check-ins",
        Category::Goals => "Goals",
        Category::CopingPlan => "Coping plan",
    }
}

/// "3 urges", "1 urge".
pub fn plural(n: impl Into<u64>, one: &str, many: &str) -> String {
    let n = n.into();
    format!("{n} {}", if n == 1 { one } else { many })
}

/// "Tue 12 May 2026".
pub fn day(d: NaiveDate) -> String {
    d.format("%a %-d %b %Y").to_string()
}

/// "12 May" (within a page whose year is clear).
pub fn short_day(d: NaiveDate) -> String {
    d.format("%-d %b").to_string()
}

/// "Week of 11 May".
pub fn week(monday: NaiveDate) -> String {
    format!("Week of {}", short_day(monday))
}

/// "Tue 12 May 2026, 22:10", in the local time where it happened.
pub fn local_time(t: &LocalTime) -> String {
    t.format("%a %-d %b %Y, %H:%M").to_string()
}

/// "22:10".
pub fn clock(t: &LocalTime) -> String {
    t.format("%H:%M").to_string()
}

/// "UTC+02:00", "UTC".
pub fn offset(o: &FixedOffset) -> String {
    let secs = o.fix().local_minus_utc();
    if secs == 0 {
        return "UTC".into();
    }
    let sign = if secs < 0 { '-' } else { '+' };
    let m = secs.unsigned_abs() / 60;
    format!("UTC{sign}{:02}:{:02}", m / 60, m % 60)
}

/// A UTC moment (milliseconds) in a given offset, "Tue 12 May 2026, 22:10".
pub fn moment(utc_ms: i64, o: &FixedOffset) -> String {
    chrono::DateTime::from_timestamp_millis(utc_ms)
        .map(|t| local_time(&t.with_timezone(o)))
        .unwrap_or_else(|| "an unknown time".into())
}

/// "45 s", "12 min", "1 h 20 min", "3 days".
pub fn duration(secs: u64) -> String {
    match secs {
        0..=59 => format!("{secs} s"),
        60..=3599 => format!("{} min", secs / 60),
        3600..=86_399 => {
            let m = (secs % 3600) / 60;
            if m == 0 {
                format!("{} h", secs / 3600)
            } else {
                format!("{} h {m} min", secs / 3600)
            }
        }
        _ => plural(secs / 86_400, "day", "days"),
    }
}

/// What happened with an urge.
pub fn outcome(o: Option<Outcome>) -> &'static str {
    match o {
        Some(Outcome::Surfed) => "ridden out",
        Some(Outcome::Coped) => "coped with a strategy",
        Some(Outcome::Acted) => "acted on",
        None => "outcome not recorded",
    }
}

/// How a surf session ended.
pub fn surf_outcome(o: Option<SurfOutcome>) -> &'static str {
    match o {
        Some(SurfOutcome::Passed) => "the wave passed",
        Some(SurfOutcome::StillStrong) => "still strong at the end",
        Some(SurfOutcome::UsedPlan) => "used the coping plan",
        Some(SurfOutcome::Acted) => "acted on it",
        None => "not ended",
    }
}

/// "A thought", "A feeling"...
pub fn link_kind(k: LinkKind) -> &'static str {
    match k {
        LinkKind::Thought => "Thought",
        LinkKind::Feeling => "Feeling",
        LinkKind::Sensation => "Body sensation",
        LinkKind::Action => "Action",
        LinkKind::Event => "Event",
    }
}

/// "too little or poor sleep", with a capital letter.
pub fn vulnerability(f: VulnerabilityFactor) -> String {
    capitalised(f.describe())
}

pub fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Text a client wrote, safe for a terminal: control characters (escape sequences that could
/// rewrite the screen, bells, carriage returns) become spaces; line breaks stay.
pub fn terminal_safe(s: &str) -> String {
    s.chars().map(|c| if c.is_control() && c != '\n' { ' ' } else { c }).collect()
}

/// "Mon" .. "Sun" for 0 = Monday.
pub fn weekday_short(i: usize) -> &'static str {
    ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][i % 7]
}

/// A mean to one decimal, or a dash.
pub fn mean(m: Option<f64>) -> String {
    m.map(|x| format!("{x:.1}")).unwrap_or_else(|| "–".into())
}

/// The Monday of `d`'s week.
pub fn monday(d: NaiveDate) -> NaiveDate {
    d - chrono::Duration::days(i64::from(d.weekday().num_days_from_monday()))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn readable_durations_offsets_and_safe_text() {
        assert_eq!(duration(42), "42 s");
        assert_eq!(duration(12 * 60 + 5), "12 min");
        assert_eq!(duration(3600 + 20 * 60), "1 h 20 min");
        assert_eq!(duration(2 * 86_400), "2 days");
        assert_eq!(offset(&FixedOffset::east_opt(2 * 3600).unwrap()), "UTC+02:00");
        assert_eq!(offset(&FixedOffset::west_opt(4 * 3600 + 1800).unwrap()), "UTC-04:30");
        assert_eq!(terminal_safe("a\u{1b}[2Jb\rc\nd\u{7}"), "a [2Jb c\nd ");
        assert_eq!(plural(1u32, "urge", "urges"), "1 urge");
        assert_eq!(plural(2u32, "urge", "urges"), "2 urges");
    }
}
