//! Acting out: which entries count, the intervals between them, and progress that never
//! resets to zero.
//!
//! What counts as one time of acting out:
//! - every slip;
//! - every urge logged with the outcome "acted", unless a slip links to it (then the slip and
//!   the urge are one event, counted once, at the slip's time).
//!
//! So a person who logs an urge as acted and later writes a slip about it, linked, sees one
//! event; one who only logs the urge, or only the slip, sees one event too.
//!
//! Progress shows the current and the longest interval without acting out, days without
//! acting out over the last 30 days against the 30 before, and urges ridden out. A slip starts
//! a new interval; it never erases the longest one or the days already managed.

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use super::data::{DaySpan, InsightData};
use crate::error::{Error, Result};
use crate::id::RecordId;
use crate::urge::Outcome;

/// Where an acting-out event was recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case", tag = "kind", content = "id")]
pub enum EventSource {
    Slip(RecordId),
    Urge(RecordId),
}

/// One time of acting out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ActingOut {
    pub utc_ms: i64,
    pub day: NaiveDate,
    pub source: EventSource,
}

/// Summary statistics of intervals between consecutive times of acting out.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct IntervalStats {
    /// Number of intervals (events minus one, when there are events).
    pub count: u32,
    pub median_secs: Option<i64>,
    pub mean_secs: Option<f64>,
    pub longest_secs: Option<i64>,
}

/// Acting out in a range of days.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ActingOutSummary {
    /// Times of acting out (slips, plus urges logged as acted that no slip links to).
    pub events: u32,
    pub from_slips: u32,
    pub from_urges: u32,
    /// Tracked days of the range with no acting out.
    pub days_without: u32,
    /// Days of the range from the first entry ever made up to today (days before someone
    /// began using the app, and days still to come, are not counted).
    pub days_tracked: u32,
    /// Intervals between consecutive events that both fall in the range.
    pub intervals: IntervalStats,
}

/// Numbers for one stretch of days (used to show a trend).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct PeriodStats {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Days on or after the first entry ever made (days before it are not counted).
    pub days_tracked: u32,
    pub days_without_acting_out: u32,
    pub acting_out: u32,
    pub urges: u32,
    /// Urges ridden out without acting (surfed or coped).
    pub urges_surfed: u32,
    pub intensity_mean: Option<f64>,
}

/// Progress over the whole history. Nothing here ever goes back to zero because of a slip
/// except the current interval, which is shown beside the longest.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Progress {
    /// The first local day with any entry.
    pub tracking_since: Option<NaiveDate>,
    pub acting_out_total: u32,
    /// The local day of the most recent time of acting out.
    pub last_acting_out_day: Option<NaiveDate>,
    /// Since the last time of acting out (or since the first entry, if none), in seconds.
    /// The first entry is the earliest urge, slip or check-in (a check-in counts from when
    /// it was first saved).
    pub current_interval_secs: Option<i64>,
    /// The longest interval so far, including the current one.
    pub longest_interval_secs: Option<i64>,
    pub current_is_longest: bool,
    /// The last 30 days (today included) and the 30 before, for the trend.
    pub last_30_days: PeriodStats,
    pub previous_30_days: PeriodStats,
    /// Urges ridden out without acting, ever.
    pub urges_surfed_total: u32,
    pub urges_total: u32,
}

/// Median of a sorted slice: the middle value, or the mean of the two middle values rounded
/// down (integers).
pub(crate) fn median_sorted(v: &[i64]) -> Option<i64> {
    let n = v.len();
    if n == 0 {
        return None;
    }
    if n % 2 == 1 {
        v.get(n / 2).copied()
    } else {
        Some((v.get(n / 2 - 1)? + v.get(n / 2)?).div_euclid(2))
    }
}

pub(crate) fn interval_stats(events: &[ActingOut]) -> IntervalStats {
    let mut gaps: Vec<i64> = events.windows(2).map(|w| w[1].utc_ms - w[0].utc_ms).map(|ms| ms / 1000).collect();
    if gaps.is_empty() {
        return IntervalStats::default();
    }
    let sum: i64 = gaps.iter().sum();
    let mean = sum as f64 / gaps.len() as f64;
    gaps.sort_unstable();
    IntervalStats {
        count: gaps.len() as u32,
        median_secs: median_sorted(&gaps),
        mean_secs: Some(mean),
        longest_secs: gaps.last().copied(),
    }
}

impl InsightData {
    /// Times of acting out whose local day is in `r`, oldest first.
    pub(crate) fn acting_out_in(&self, r: DaySpan) -> Vec<ActingOut> {
        let mut out: Vec<ActingOut> = self
            .slips_in(r)
            .map(|s| ActingOut { utc_ms: s.utc_ms, day: s.day, source: EventSource::Slip(s.id) })
            .collect();
        out.extend(
            self.urges_in(r)
                .filter(|u| u.outcome == Some(Outcome::Acted) && !self.linked_urges.contains(&u.id))
                .map(|u| ActingOut { utc_ms: u.utc_ms, day: u.day, source: EventSource::Urge(u.id) }),
        );
        out.sort_by_key(|e| e.utc_ms);
        out
    }

    /// Acting out in a range of days.
    pub fn acting_out(&self, r: DaySpan) -> Result<ActingOutSummary> {
        self.check_range(r)?;
        let events = self.acting_out_in(r);
        let (days_tracked, days_without) = self.tracked_days(r, &events);
        Ok(ActingOutSummary {
            events: events.len() as u32,
            from_slips: events.iter().filter(|e| matches!(e.source, EventSource::Slip(_))).count() as u32,
            from_urges: events.iter().filter(|e| matches!(e.source, EventSource::Urge(_))).count() as u32,
            days_without,
            days_tracked,
            intervals: interval_stats(&events),
        })
    }

    /// Days of `r` from the first entry ever made up to today, and how many of them had no
    /// acting out among `events`.
    fn tracked_days(&self, r: DaySpan, events: &[ActingOut]) -> (u32, u32) {
        let (Some(first), to) = (self.first_day, r.to.min(self.today)) else { return (0, 0) };
        let from = r.from.max(first);
        if to < from {
            return (0, 0);
        }
        let t = DaySpan { from, to };
        let mut hit = vec![false; t.days()];
        for e in events.iter().filter(|e| t.contains(e.day)) {
            if let Some(h) = hit.get_mut(t.index(e.day)) {
                *h = true;
            }
        }
        (t.days() as u32, hit.iter().filter(|h| !**h).count() as u32)
    }

    fn period_stats(&self, from: NaiveDate, to: NaiveDate) -> PeriodStats {
        let r = DaySpan { from, to };
        let events = self.acting_out_in(r);
        let (days_tracked, days_without) = self.tracked_days(r, &events);
        let mut urges = 0u32;
        let mut surfed = 0u32;
        let mut sum = 0u64;
        for u in self.urges_in(r) {
            urges += 1;
            sum += u64::from(u.intensity);
            if matches!(u.outcome, Some(Outcome::Surfed | Outcome::Coped)) {
                surfed += 1;
            }
        }
        PeriodStats {
            from,
            to,
            days_tracked,
            days_without_acting_out: days_without,
            acting_out: events.len() as u32,
            urges,
            urges_surfed: surfed,
            intensity_mean: (urges > 0).then(|| sum as f64 / f64::from(urges)),
        }
    }

    /// Progress over the whole history (needs data loaded for the whole history).
    pub fn progress(&self) -> Result<Progress> {
        if self.scope.is_some() {
            return Err(Error::State("progress needs the whole history to be loaded"));
        }
        let all = DaySpan { from: NaiveDate::MIN, to: NaiveDate::MAX };
        let events = self.acting_out_in(all);
        let (current, longest) = match self.first_ms {
            None => (None, None),
            Some(start) => {
                // Interval boundaries: the first entry, then every time of acting out.
                let mut marks: Vec<i64> = Vec::with_capacity(events.len() + 1);
                marks.push(start);
                marks.extend(events.iter().map(|e| e.utc_ms.max(start)));
                let last = marks.last().copied().unwrap_or(start);
                let current = (self.now_ms - last).max(0) / 1000;
                let longest_gap = marks.windows(2).map(|w| (w[1] - w[0]) / 1000).max().unwrap_or(0);
                (Some(current), Some(current.max(longest_gap)))
            }
        };
        let today = self.today;
        let last_from = today - Duration::days(29);
        let prev_to = last_from - Duration::days(1);
        let prev_from = prev_to - Duration::days(29);
        let surfed = self.urges.iter().filter(|u| matches!(u.outcome, Some(Outcome::Surfed | Outcome::Coped))).count();
        Ok(Progress {
            tracking_since: self.first_day,
            acting_out_total: events.len() as u32,
            last_acting_out_day: events.last().map(|e| e.day),
            current_interval_secs: current,
            longest_interval_secs: longest,
            current_is_longest: matches!((current, longest), (Some(c), Some(l)) if c >= l),
            last_30_days: self.period_stats(last_from, today),
            previous_30_days: self.period_stats(prev_from, prev_to),
            urges_surfed_total: surfed as u32,
            urges_total: self.urges.len() as u32,
        })
    }
}
