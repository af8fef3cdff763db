//! Moments of user events, kept with the offset and zone in force where they happened.
//!
//! An entry's local day is fixed by the offset recorded with it: a later DST change, or the
//! person flying to another zone, never moves an entry to another day.

use std::fmt;

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveDateTime, Offset, SecondsFormat, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use crate::clock::Zone;
use crate::error::{Error, Result};

/// An instant plus the UTC offset (and zone name, when known) where it happened.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct LocalStamp {
    /// Milliseconds since the Unix epoch, UTC.
    pub utc_ms: i64,
    /// Offset from UTC in seconds at that instant, where it happened.
    pub offset_secs: i32,
    /// IANA zone name, when the device knew it.
    pub zone: Option<String>,
}

impl fmt::Debug for LocalStamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Timestamps of user events are sensitive: never in Debug output.
        f.write_str("LocalStamp(<redacted>)")
    }
}

impl LocalStamp {
    /// The instant `at`, as seen in `zone`.
    pub fn at(at: DateTime<Utc>, zone: &Zone) -> Self {
        let zone_name = match zone {
            Zone::Named(tz) => Some(tz.name().to_string()),
            Zone::Fixed(_) => None,
        };
        LocalStamp { utc_ms: at.timestamp_millis(), offset_secs: zone.offset_at(at).local_minus_utc(), zone: zone_name }
    }

    /// From an instant that carries its own offset (RFC 3339 input).
    pub fn from_fixed(at: DateTime<FixedOffset>, zone_hint: Option<&Zone>) -> Self {
        let utc = at.with_timezone(&Utc);
        let offset = at.offset().local_minus_utc();
        // Keep the zone name only when it agrees with the offset given.
        let zone = zone_hint.and_then(|z| match z {
            Zone::Named(tz) if z.offset_at(utc).local_minus_utc() == offset => Some(tz.name().to_string()),
            _ => None,
        });
        LocalStamp { utc_ms: utc.timestamp_millis(), offset_secs: offset, zone }
    }

    pub fn utc(&self) -> DateTime<Utc> {
        Utc.timestamp_millis_opt(self.utc_ms).single().unwrap_or_default()
    }

    pub fn offset(&self) -> FixedOffset {
        FixedOffset::east_opt(self.offset_secs).unwrap_or_else(|| Utc.fix())
    }

    /// Wall-clock time where it happened.
    pub fn local(&self) -> NaiveDateTime {
        self.utc().naive_utc() + Duration::seconds(i64::from(self.offset_secs))
    }

    /// The calendar day where it happened.
    pub fn local_date(&self) -> NaiveDate {
        self.local().date()
    }

    /// RFC 3339 with the original offset, e.g. `2026-03-29T23:30:00+02:00`.
    pub fn to_rfc3339(&self) -> String {
        self.utc().with_timezone(&self.offset()).to_rfc3339_opts(SecondsFormat::Secs, true)
    }

    /// Parse what a person typed for "when": RFC 3339 with an offset, or a local
    /// `YYYY-MM-DD HH:MM[:SS]` / `YYYY-MM-DDTHH:MM[:SS]` read in `zone`, or `HH:MM` alone,
    /// which means the most recent such time (today, or yesterday if that is still ahead).
    pub fn parse_user(text: &str, zone: &Zone, now: DateTime<Utc>) -> Result<Self> {
        let today = zone.date_of(now);
        let t = text.trim();
        if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
            return Ok(Self::from_fixed(dt, Some(zone)));
        }
        let naive = ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
            .iter()
            .find_map(|f| NaiveDateTime::parse_from_str(t, f).ok())
            .or_else(|| {
                let tm = chrono::NaiveTime::parse_from_str(t, "%H:%M").ok()?;
                let candidate = today.and_time(tm);
                match zone.resolve(candidate) {
                    Ok(u) if u > now + Duration::minutes(5) => today.pred_opt().map(|y| y.and_time(tm)),
                    _ => Some(candidate),
                }
            });
        match naive {
            Some(n) => Ok(Self::at(zone.resolve(n)?, zone)),
            None => {
                Err(Error::invalid("time", "use a time such as 2026-03-29T23:30:00+02:00, 2026-03-29 23:30 or 23:30"))
            }
        }
    }
}

/// A calendar month: the bucket records are grouped by in the store's blind index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Month {
    pub year: i32,
    pub month: u32,
}

impl Month {
    pub fn of(d: NaiveDate) -> Self {
        use chrono::Datelike;
        Month { year: d.year(), month: d.month() }
    }

    /// Months since year 0, for compact storage and ranges.
    pub fn index(&self) -> i32 {
        self.year * 12 + self.month as i32 - 1
    }

    pub fn from_index(i: i32) -> Self {
        Month { year: i.div_euclid(12), month: i.rem_euclid(12) as u32 + 1 }
    }

    /// Every month from `a` to `b` inclusive.
    pub fn range(a: Month, b: Month) -> impl Iterator<Item = Month> {
        (a.index()..=b.index()).map(Month::from_index)
    }
}

/// Parse a calendar date typed by a person: `YYYY-MM-DD`, or `today` / `yesterday`.
pub fn parse_date(text: &str, today: NaiveDate) -> Result<NaiveDate> {
    let t = text.trim();
    match t.to_ascii_lowercase().as_str() {
        "today" => return Ok(today),
        "yesterday" => return today.pred_opt().ok_or_else(|| Error::invalid("date", "out of range")),
        _ => {}
    }
    NaiveDate::parse_from_str(t, "%Y-%m-%d").map_err(|_| Error::invalid("date", "use a date such as 2026-03-29"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_day_is_fixed_by_recorded_offset() {
        let berlin = Zone::parse("Europe/Berlin").unwrap();
        // 23:30 local on the night before clocks go back.
        let at =
            berlin.resolve(NaiveDate::from_ymd_opt(2026, 10, 24).unwrap().and_hms_opt(23, 30, 0).unwrap()).unwrap();
        let s = LocalStamp::at(at, &berlin);
        assert_eq!(s.local_date(), NaiveDate::from_ymd_opt(2026, 10, 24).unwrap());
        assert_eq!(s.to_rfc3339(), "2026-10-24T23:30:00+02:00");
    }

    #[test]
    fn parse_user_forms() {
        let z = Zone::parse("America/New_York").unwrap();
        let today = NaiveDate::from_ymd_opt(2026, 7, 1).unwrap();
        // 12:00 in New York.
        let now = Utc.with_ymd_and_hms(2026, 7, 1, 16, 0, 0).unwrap();
        let a = LocalStamp::parse_user("2026-07-01T08:00:00-04:00", &z, now).unwrap();
        assert_eq!(a.zone.as_deref(), Some("America/New_York"));
        let b = LocalStamp::parse_user("08:00", &z, now).unwrap();
        assert_eq!(a.utc_ms, b.utc_ms);
        // 23:30 has not happened yet today: it means last night.
        let late = LocalStamp::parse_user("23:30", &z, now).unwrap();
        assert_eq!(late.local_date(), NaiveDate::from_ymd_opt(2026, 6, 30).unwrap());
        let c = LocalStamp::parse_user("2026-07-01T08:00:00+09:00", &z, now).unwrap();
        assert_eq!(c.zone, None);
        assert_eq!(c.local_date(), today);
        assert!(LocalStamp::parse_user("yesterday-ish", &z, now).is_err());
    }

    #[test]
    fn months() {
        let m = Month { year: 2026, month: 12 };
        assert_eq!(Month::from_index(m.index() + 1), Month { year: 2027, month: 1 });
        assert_eq!(Month::range(Month { year: 2025, month: 11 }, Month { year: 2026, month: 2 }).count(), 4);
    }
}
