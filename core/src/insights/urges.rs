//! Urge statistics for a range of local days: counts per day and week, intensity, length,
//! outcomes, top triggers and the weekday-by-hour grid.
//!
//! Definitions (the reference test in `tests.rs` recomputes each one naively):
//! - an urge belongs to the local day, weekday and hour where it happened (its recorded offset);
//! - weeks start on Monday; a week at either end of the range may be partial (`days`);
//! - intensity mean: over every urge in the range; peak: the highest;
//! - median length: over urges with a recorded length; with an even count, the mean of the two
//!   middle values rounded down to a whole second;
//! - surfed share: urges ridden out without acting (surfed or coped) among urges whose outcome
//!   was recorded;
//! - top triggers: grouped ignoring case and spacing, shown in the spelling of the most recent
//!   urge in the range; ordered by count, then alphabetically; at most [`TOP_TRIGGERS`].

use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use super::acting::median_sorted;
use super::data::{DaySpan, InsightData};
use crate::error::Result;
use crate::id::RecordId;
use crate::urge::Outcome;

/// How many triggers "top triggers" lists.
pub const TOP_TRIGGERS: usize = 10;

/// Days of the week, Monday first (ISO 8601).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum Weekday {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

impl Weekday {
    pub const ALL: [Weekday; 7] = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
        Weekday::Sunday,
    ];

    /// 0 = Monday .. 6 = Sunday (any larger number wraps).
    pub fn from_index(i: usize) -> Weekday {
        Weekday::ALL[i % 7]
    }

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn name(self) -> &'static str {
        match self {
            Weekday::Monday => "Monday",
            Weekday::Tuesday => "Tuesday",
            Weekday::Wednesday => "Wednesday",
            Weekday::Thursday => "Thursday",
            Weekday::Friday => "Friday",
            Weekday::Saturday => "Saturday",
            Weekday::Sunday => "Sunday",
        }
    }

    pub fn short(self) -> &'static str {
        &self.name()[..3]
    }
}

/// Urge numbers for a range.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct UrgeSummary {
    pub total: u32,
    /// Urges per day over the range.
    pub per_day_mean: f64,
    pub intensity_mean: Option<f64>,
    pub intensity_peak: Option<u8>,
    /// Median length of urges with a recorded length, in seconds.
    pub median_duration_secs: Option<u32>,
    pub with_duration: u32,
    pub surfed: u32,
    pub coped: u32,
    pub acted: u32,
    pub outcome_unrecorded: u32,
    /// Surfed or coped, among urges with a recorded outcome.
    pub surfed_share: Option<f64>,
    /// Urges where at least one coping strategy was used.
    pub with_strategies: u32,
}

/// One day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct DayCount {
    pub day: NaiveDate,
    pub urges: u32,
    /// Ridden out without acting (surfed or coped).
    pub surfed: u32,
    /// Times of acting out that day (see [`super::acting`]).
    pub acting_out: u32,
}

/// One week (Monday to Sunday).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct WeekCount {
    /// The Monday the week starts on (may be before the range starts).
    pub week_start: NaiveDate,
    /// Days of this week inside the range (7 except at the ends).
    pub days: u32,
    pub urges: u32,
    pub surfed: u32,
    pub acting_out: u32,
    pub intensity_mean: Option<f64>,
}

/// One trigger's numbers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct TriggerStat {
    pub trigger: String,
    pub urges: u32,
    /// Of these urges, how many were acted on.
    pub acted: u32,
    pub intensity_mean: f64,
}

/// Urges by weekday and hour, local time where each happened.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct HourGrid {
    /// Seven rows (Monday first) of 24 counts (hour 0 first).
    pub cells: Vec<Vec<u32>>,
    /// The largest cell.
    pub max: u32,
}

impl HourGrid {
    pub fn get(&self, weekday: usize, hour: usize) -> u32 {
        self.cells.get(weekday).and_then(|r| r.get(hour)).copied().unwrap_or(0)
    }
}

/// The Monday on or before `d`.
pub fn week_start(d: NaiveDate) -> NaiveDate {
    d - Duration::days(i64::from(d.weekday().num_days_from_monday()))
}

impl InsightData {
    /// Counts, intensity, length and outcomes of urges in `r`.
    pub fn urge_summary(&self, r: DaySpan) -> Result<UrgeSummary> {
        self.check_range(r)?;
        let mut s = UrgeSummary::default();
        let mut sum = 0u64;
        let mut peak: Option<u8> = None;
        let mut durations: Vec<i64> = Vec::new();
        for u in self.urges_in(r) {
            s.total += 1;
            sum += u64::from(u.intensity);
            peak = Some(peak.map_or(u.intensity, |p| p.max(u.intensity)));
            if let Some(d) = u.duration_secs {
                durations.push(i64::from(d));
            }
            match u.outcome {
                Some(Outcome::Surfed) => s.surfed += 1,
                Some(Outcome::Coped) => s.coped += 1,
                Some(Outcome::Acted) => s.acted += 1,
                None => s.outcome_unrecorded += 1,
            }
            if u.n_strategies > 0 {
                s.with_strategies += 1;
            }
        }
        durations.sort_unstable();
        s.with_duration = durations.len() as u32;
        s.median_duration_secs = median_sorted(&durations).and_then(|m| u32::try_from(m).ok());
        s.intensity_mean = (s.total > 0).then(|| sum as f64 / f64::from(s.total));
        s.intensity_peak = peak;
        s.per_day_mean = f64::from(s.total) / r.days() as f64;
        let recorded = s.surfed + s.coped + s.acted;
        s.surfed_share = (recorded > 0).then(|| f64::from(s.surfed + s.coped) / f64::from(recorded));
        Ok(s)
    }

    /// Every day of `r`, with its urges and times of acting out.
    pub fn per_day(&self, r: DaySpan) -> Result<Vec<DayCount>> {
        self.check_range(r)?;
        let mut out: Vec<DayCount> = r.iter().map(|day| DayCount { day, urges: 0, surfed: 0, acting_out: 0 }).collect();
        for u in self.urges_in(r) {
            if let Some(d) = out.get_mut(r.index(u.day)) {
                d.urges += 1;
                if matches!(u.outcome, Some(Outcome::Surfed | Outcome::Coped)) {
                    d.surfed += 1;
                }
            }
        }
        for e in self.acting_out_in(r) {
            if let Some(d) = out.get_mut(r.index(e.day)) {
                d.acting_out += 1;
            }
        }
        Ok(out)
    }

    /// Every week (Monday to Sunday) touching `r`, counting only days inside `r`.
    pub fn per_week(&self, r: DaySpan) -> Result<Vec<WeekCount>> {
        let days = self.per_day(r)?;
        let mut sums: Vec<(u64, u32)> = Vec::new();
        let mut out: Vec<WeekCount> = Vec::new();
        for d in &days {
            let ws = week_start(d.day);
            if out.last().is_none_or(|w| w.week_start != ws) {
                out.push(WeekCount {
                    week_start: ws,
                    days: 0,
                    urges: 0,
                    surfed: 0,
                    acting_out: 0,
                    intensity_mean: None,
                });
                sums.push((0, 0));
            }
            if let Some(w) = out.last_mut() {
                w.days += 1;
                w.urges += d.urges;
                w.surfed += d.surfed;
                w.acting_out += d.acting_out;
            }
        }
        let first_ws = week_start(r.from);
        for u in self.urges_in(r) {
            let i = usize::try_from((week_start(u.day) - first_ws).num_days() / 7).unwrap_or(usize::MAX);
            if let Some(s) = sums.get_mut(i) {
                s.0 += u64::from(u.intensity);
                s.1 += 1;
            }
        }
        for (w, (sum, n)) in out.iter_mut().zip(sums) {
            w.intensity_mean = (n > 0).then(|| sum as f64 / f64::from(n));
        }
        Ok(out)
    }

    /// The most frequent triggers in `r`.
    pub fn top_triggers(&self, r: DaySpan, limit: usize) -> Result<Vec<TriggerStat>> {
        self.check_range(r)?;
        let groups = self.triggers.groups.len();
        /// Per trigger group: urges, acted on, intensity sum, and the spelling of the most
        /// recent urge (by time, then id).
        #[derive(Clone)]
        struct Acc {
            urges: u32,
            acted: u32,
            intensity: u64,
            latest: (i64, RecordId),
            spelling: u32,
        }
        let zero =
            Acc { urges: 0, acted: 0, intensity: 0, latest: (i64::MIN, RecordId::from_bytes([0; 16])), spelling: 0 };
        let mut acc: Vec<Acc> = vec![zero; groups];
        for u in self.urges_in(r) {
            for sp in self.triggers_of(u) {
                let g = self.triggers.group_of(*sp) as usize;
                if let Some(a) = acc.get_mut(g) {
                    a.urges += 1;
                    a.acted += u32::from(u.outcome == Some(Outcome::Acted));
                    a.intensity += u64::from(u.intensity);
                    if (u.utc_ms, u.id) >= a.latest {
                        a.latest = (u.utc_ms, u.id);
                        a.spelling = *sp;
                    }
                }
            }
        }
        let mut stats: Vec<(usize, TriggerStat)> = acc
            .into_iter()
            .enumerate()
            .filter(|(_, a)| a.urges > 0)
            .map(|(g, a)| {
                let label = self.triggers.spellings.get(a.spelling as usize).cloned().unwrap_or_default();
                let mean = a.intensity as f64 / f64::from(a.urges);
                (g, TriggerStat { trigger: label, urges: a.urges, acted: a.acted, intensity_mean: mean })
            })
            .collect();
        stats.sort_by(|a, b| {
            b.1.urges.cmp(&a.1.urges).then_with(|| self.triggers.groups.get(a.0).cmp(&self.triggers.groups.get(b.0)))
        });
        Ok(stats.into_iter().take(limit).map(|(_, s)| s).collect())
    }

    /// Urges by weekday and hour in `r`.
    pub fn hour_grid(&self, r: DaySpan) -> Result<HourGrid> {
        self.check_range(r)?;
        let mut cells = vec![vec![0u32; 24]; 7];
        for u in self.urges_in(r) {
            if let Some(c) = cells.get_mut(usize::from(u.weekday)).and_then(|row| row.get_mut(usize::from(u.hour))) {
                *c += 1;
            }
        }
        let max = cells.iter().flatten().copied().max().unwrap_or(0);
        Ok(HourGrid { cells, max })
    }
}
