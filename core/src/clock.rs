//! Time as the core sees it: an instant and the device's current time zone.
//!
//! Everything that asks "what time is it" or "which day is today" goes through [`Clock`], so
//! tests control both (a DST change, a flight to another zone, a week passing in a second).

use std::fmt;
use std::str::FromStr;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, Offset, TimeZone, Utc};

use crate::error::{Error, Result};

/// A time zone: a named IANA zone (preferred: it knows DST) or a fixed offset.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    Named(chrono_tz::Tz),
    Fixed(FixedOffset),
}

impl Zone {
    pub const UTC: Zone = Zone::Named(chrono_tz::UTC);

    /// Parse an IANA name ("Europe/Berlin") or an offset ("+02:00", "-0530", "Z").
    pub fn parse(text: &str) -> Result<Zone> {
        let t = text.trim();
        if t.eq_ignore_ascii_case("z") || t.eq_ignore_ascii_case("utc") {
            return Ok(Zone::UTC);
        }
        if let Ok(tz) = chrono_tz::Tz::from_str(t) {
            return Ok(Zone::Named(tz));
        }
        if let Some(off) = parse_offset(t) {
            return Ok(Zone::Fixed(off));
        }
        Err(Error::invalid("time zone", "use a zone name such as Europe/Berlin or an offset such as +02:00"))
    }

    /// The device's zone: `tz` (the `TZ` variable or an app setting; a leading ':' as in
    /// POSIX is ignored) when it names one, else the operating system's IANA zone (Linux,
    /// macOS, Android and iOS all report one), else UTC.
    pub fn detect(tz: Option<&str>) -> Zone {
        tz.map(|t| t.trim().trim_start_matches(':'))
            .filter(|t| !t.is_empty())
            .and_then(|t| Zone::parse(t).ok())
            .or_else(|| iana_time_zone::get_timezone().ok().and_then(|name| Zone::parse(&name).ok()))
            .unwrap_or(Zone::UTC)
    }

    /// The UTC offset in force at `at`.
    pub fn offset_at(&self, at: DateTime<Utc>) -> FixedOffset {
        match self {
            Zone::Named(tz) => tz.offset_from_utc_datetime(&at.naive_utc()).fix(),
            Zone::Fixed(off) => *off,
        }
    }

    /// The wall-clock time at `at` in this zone.
    pub fn local(&self, at: DateTime<Utc>) -> NaiveDateTime {
        at.naive_utc() + Duration::seconds(i64::from(self.offset_at(at).local_minus_utc()))
    }

    /// The calendar day at `at` in this zone.
    pub fn date_of(&self, at: DateTime<Utc>) -> NaiveDate {
        self.local(at).date()
    }

    /// Turn a wall-clock time in this zone into an instant.
    ///
    /// A time that happens twice (the hour repeated when clocks go back) resolves to the first
    /// occurrence. A time that never happened (skipped when clocks go forward) is an error,
    /// because guessing would put an entry at a moment the person did not mean.
    pub fn resolve(&self, local: NaiveDateTime) -> Result<DateTime<Utc>> {
        match self {
            Zone::Fixed(off) => match off.from_local_datetime(&local) {
                LocalResult::Single(t) => Ok(t.with_timezone(&Utc)),
                _ => Err(Error::invalid("time", "that time cannot be represented")),
            },
            Zone::Named(tz) => match tz.from_local_datetime(&local) {
                LocalResult::Single(t) => Ok(t.with_timezone(&Utc)),
                LocalResult::Ambiguous(first, _) => Ok(first.with_timezone(&Utc)),
                LocalResult::None => {
                    Err(Error::invalid("time", "that time was skipped when the clocks changed; pick a time just after"))
                }
            },
        }
    }

    /// The first instant of a local day (usually midnight; later where midnight was skipped).
    pub fn start_of_day(&self, day: NaiveDate) -> DateTime<Utc> {
        let mut t = day.and_hms_opt(0, 0, 0).unwrap_or_default();
        for _ in 0..48 {
            if let Ok(u) = self.resolve(t) {
                return u;
            }
            t += Duration::minutes(30);
        }
        // No zone skips a whole day's first 24 hours; fall back to UTC midnight.
        Utc.from_utc_datetime(&day.and_hms_opt(0, 0, 0).unwrap_or_default())
    }

    /// The name to store and show: the IANA name, or the offset as "+hh:mm".
    pub fn name(&self) -> String {
        match self {
            Zone::Named(tz) => tz.name().to_string(),
            Zone::Fixed(off) => format_offset(off.local_minus_utc()),
        }
    }
}

impl fmt::Debug for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Zone({})", self.name())
    }
}

impl fmt::Display for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

/// "+hh:mm" for an offset in seconds.
pub fn format_offset(secs: i32) -> String {
    let sign = if secs < 0 { '-' } else { '+' };
    let a = secs.unsigned_abs();
    format!("{sign}{:02}:{:02}", a / 3600, (a % 3600) / 60)
}

fn parse_offset(t: &str) -> Option<FixedOffset> {
    let (sign, rest) = match t.as_bytes().first()? {
        b'+' => (1, &t[1..]),
        b'-' => (-1, &t[1..]),
        _ => return None,
    };
    let digits: String = rest.chars().filter(|c| *c != ':').collect();
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let (h, m) = match digits.len() {
        2 => (digits.parse::<i32>().ok()?, 0),
        4 => (digits[..2].parse::<i32>().ok()?, digits[2..].parse::<i32>().ok()?),
        _ => return None,
    };
    if h > 18 || m > 59 {
        return None;
    }
    FixedOffset::east_opt(sign * (h * 3600 + m * 60))
}

/// The source of "now" and of the device's current time zone.
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
    fn zone(&self) -> Zone;

    /// Today, in the device's current zone.
    fn today(&self) -> NaiveDate {
        self.zone().date_of(self.now())
    }
}

/// The real clock. The zone is fixed at construction (the app passes the device zone and
/// re-creates the clock, or calls [`SystemClock::set_zone`], when the device zone changes).
pub struct SystemClock {
    zone: Mutex<Zone>,
}

impl SystemClock {
    pub fn new(zone: Zone) -> Self {
        SystemClock { zone: Mutex::new(zone) }
    }

    pub fn set_zone(&self, zone: Zone) {
        match self.zone.lock() {
            Ok(mut z) => *z = zone,
            Err(poisoned) => *poisoned.into_inner() = zone,
        }
    }
}

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
    fn zone(&self) -> Zone {
        match self.zone.lock() {
            Ok(z) => *z,
            Err(poisoned) => *poisoned.into_inner(),
        }
    }
}

/// A clock tests move by hand.
#[derive(Clone)]
pub struct ManualClock {
    state: Arc<Mutex<(DateTime<Utc>, Zone)>>,
}

impl ManualClock {
    pub fn new(now: DateTime<Utc>, zone: Zone) -> Self {
        ManualClock { state: Arc::new(Mutex::new((now, zone))) }
    }

    fn with<R>(&self, f: impl FnOnce(&mut (DateTime<Utc>, Zone)) -> R) -> R {
        match self.state.lock() {
            Ok(mut s) => f(&mut s),
            Err(poisoned) => f(&mut poisoned.into_inner()),
        }
    }

    pub fn set(&self, now: DateTime<Utc>) {
        self.with(|s| s.0 = now)
    }

    pub fn advance(&self, by: Duration) {
        self.with(|s| s.0 += by)
    }

    pub fn set_zone(&self, zone: Zone) {
        self.with(|s| s.1 = zone)
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        self.with(|s| s.0)
    }
    fn zone(&self) -> Zone {
        self.with(|s| s.1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn nd(y: i32, m: u32, d: u32, h: u32, mi: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(h, mi, 0).unwrap()
    }

    #[test]
    fn parses_names_and_offsets() {
        assert_eq!(Zone::parse("Europe/Berlin").unwrap().name(), "Europe/Berlin");
        assert_eq!(Zone::parse("+02:00").unwrap().name(), "+02:00");
        assert_eq!(Zone::parse("-0530").unwrap().name(), "-05:30");
        assert_eq!(Zone::parse("Z").unwrap(), Zone::UTC);
        assert!(Zone::parse("Mars/Olympus").is_err());
        assert!(Zone::parse("+25:00").is_err());
    }

    #[test]
    fn dst_gaps_and_folds() {
        let berlin = Zone::parse("Europe/Berlin").unwrap();
        // 2026-03-29 02:30 does not exist in Berlin.
        assert!(berlin.resolve(nd(2026, 3, 29, 2, 30)).is_err());
        // 2026-10-25 02:30 happens twice: first occurrence is still summer time (+02:00).
        let t = berlin.resolve(nd(2026, 10, 25, 2, 30)).unwrap();
        assert_eq!(t, Utc.with_ymd_and_hms(2026, 10, 25, 0, 30, 0).unwrap());
        assert_eq!(
            berlin.start_of_day(NaiveDate::from_ymd_opt(2026, 3, 29).unwrap()),
            Utc.with_ymd_and_hms(2026, 3, 28, 23, 0, 0).unwrap()
        );
    }

    #[test]
    fn manual_clock_moves() {
        let c = ManualClock::new(Utc.with_ymd_and_hms(2026, 1, 1, 23, 30, 0).unwrap(), Zone::UTC);
        assert_eq!(c.today(), NaiveDate::from_ymd_opt(2026, 1, 1).unwrap());
        c.advance(Duration::hours(1));
        assert_eq!(c.today(), NaiveDate::from_ymd_opt(2026, 1, 2).unwrap());
        c.set_zone(Zone::parse("-05:00").unwrap());
        assert_eq!(c.today(), NaiveDate::from_ymd_opt(2026, 1, 1).unwrap());
    }
}
