//! Text for people, and stable JSON for scripts.

use chrono::{DateTime, NaiveDate, Utc};
use companion_core::time::LocalStamp;
use companion_core::urge::{Company, Urge};
use serde_json::{json, Value};

/// "1 share", "3 shares".
pub fn count(n: impl Into<u64>, one: &str, many: &str) -> String {
    let n = n.into();
    format!("{n} {}", if n == 1 { one } else { many })
}

/// "Monday 15 June 2026".
pub fn day_heading(d: NaiveDate) -> String {
    d.format("%A %-d %B %Y").to_string()
}

/// "14:05" in the zone where it happened.
pub fn clock_time(s: &LocalStamp) -> String {
    s.local().format("%H:%M").to_string()
}

/// A ten-cell bar for a 0-10 rating: "███████░░░".
pub fn bar10(v: u8) -> String {
    let v = usize::from(v.min(10));
    format!("{}{}", "█".repeat(v), "░".repeat(10 - v))
}

/// "25 min", "1 h 5 min", "40 s".
pub fn duration(secs: u32) -> String {
    if secs < 60 {
        return format!("{secs} s");
    }
    let m = secs / 60;
    if m < 60 {
        return format!("{m} min");
    }
    let (h, m) = (m / 60, m % 60);
    if m == 0 {
        format!("{h} h")
    } else {
        format!("{h} h {m} min")
    }
}

pub fn company(c: Company) -> &'static str {
    match c {
        Company::Alone => "alone",
        Company::WithOthers => "with others",
    }
}

fn company_json(c: Company) -> &'static str {
    match c {
        Company::Alone => "alone",
        Company::WithOthers => "with_others",
    }
}

pub fn short_id(id: &companion_core::RecordId) -> String {
    id.to_text()[..8].to_string()
}

fn utc_ms_rfc3339(ms: i64) -> Option<String> {
    DateTime::<Utc>::from_timestamp_millis(ms).map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

/// The stable JSON form of an urge entry.
pub fn urge_json(u: &Urge) -> Value {
    json!({
        "id": u.id.to_text(),
        "occurred_at": u.occurred.to_rfc3339(),
        "local_date": u.local_date().to_string(),
        "time_zone": u.occurred.zone,
        "logged_at": u.logged.to_rfc3339(),
        "edited_at": u.edited_utc_ms.and_then(utc_ms_rfc3339),
        "intensity": u.intensity,
        "triggers": u.triggers,
        "feelings": u.feelings,
        "place": u.place,
        "company": u.company.map(company_json),
        "activity": u.activity,
        "note": u.note,
        "duration_secs": u.duration_secs,
        "outcome": u.outcome.map(|o| o.as_str()),
        "strategies": u.strategies,
        "surf_session": u.surf_session.map(|s| s.to_text()),
    })
}

/// One line for a list: "  14:05  7 ███████░░░  lonely, bored · surfed · 20 min  [3kf9q2ab]".
pub fn urge_line(u: &Urge) -> String {
    let mut parts: Vec<String> = Vec::new();
    if !u.triggers.is_empty() {
        parts.push(u.triggers.join(", "));
    }
    if let Some(o) = u.outcome {
        let mut s = o.as_str().to_string();
        if !u.strategies.is_empty() {
            s.push_str(&format!(" ({})", u.strategies.join(", ")));
        }
        parts.push(s);
    }
    if let Some(d) = u.duration_secs {
        parts.push(duration(d));
    }
    format!(
        "  {}  {:>2} {}  {}  [{}]",
        clock_time(&u.occurred),
        u.intensity,
        bar10(u.intensity),
        parts.join(" · "),
        short_id(&u.id)
    )
}

/// Every detail of one entry, for `urge show`.
pub fn urge_detail(u: &Urge) -> String {
    let mut out = Vec::new();
    out.push(format!("Urge {}", u.id));
    out.push(format!(
        "When:       {} at {} ({})",
        day_heading(u.local_date()),
        clock_time(&u.occurred),
        u.occurred.zone.clone().unwrap_or_else(|| companion_core::clock::format_offset(u.occurred.offset_secs))
    ));
    out.push(format!("Intensity:  {} / 10  {}", u.intensity, bar10(u.intensity)));
    if let Some(d) = u.duration_secs {
        out.push(format!("Lasted:     {}", duration(d)));
    }
    if !u.triggers.is_empty() {
        out.push(format!("Triggers:   {}", u.triggers.join(", ")));
    }
    if !u.feelings.is_empty() {
        out.push(format!("Feelings:   {}", u.feelings.join(", ")));
    }
    if let Some(p) = &u.place {
        out.push(format!("Where:      {p}"));
    }
    if let Some(c) = u.company {
        out.push(format!("Company:    {}", company(c)));
    }
    if let Some(a) = &u.activity {
        out.push(format!("Doing:      {a}"));
    }
    match u.outcome {
        Some(o) => out.push(format!("Outcome:    {}", o.as_str())),
        None => out.push("Outcome:    not recorded yet".to_string()),
    }
    if !u.strategies.is_empty() {
        out.push(format!("Strategies: {}", u.strategies.join(", ")));
    }
    if let Some(n) = &u.note {
        out.push("Note:".to_string());
        for line in n.lines() {
            out.push(format!("  {line}"));
        }
    }
    out.push(format!("Logged:     {} {}", day_heading(u.logged.local_date()), clock_time(&u.logged)));
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_naturally() {
        assert_eq!(count(1u32, "withdrawn share", "withdrawn shares"), "1 withdrawn share");
        assert_eq!(count(0u32, "update", "updates"), "0 updates");
        assert_eq!(count(3u64, "share", "shares"), "3 shares");
    }
}
