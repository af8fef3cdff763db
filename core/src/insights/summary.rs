//! The weekly summary: aggregates of one Monday-to-Sunday week, the unit a client may later
//! choose to share with a clinician.
//!
//! It holds numbers only. No words the person typed are in it unless they ask for their top
//! trigger names to be included ([`SummaryOptions::include_trigger_names`]); no timestamp finer
//! than a part of the day. The format is stable: fields are only ever added (with
//! `#[serde(default)]`), never renamed or removed, and `format` says which version wrote it.
//! Means are rounded to one decimal, so a summary says no more than it needs to and the same
//! data always gives the same bytes.

use chrono::Duration;
use serde::{Deserialize, Serialize};

use super::data::{DaySpan, InsightData};
use super::urges::week_start;
use crate::checkin::Measure;
use crate::error::{Error, Result};

/// The summary format this build writes.
pub const SUMMARY_FORMAT: u32 = 1;
/// Trigger names included at most, when asked.
pub const SUMMARY_TRIGGERS: usize = 5;

/// What to put in a summary beyond the numbers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SummaryOptions {
    /// Include the week's most frequent trigger names (the person's own words).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub include_trigger_names: bool,
}

/// Urges by part of the day (local time where each happened).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct PartsOfDay {
    /// 00:00-05:59
    pub night: u32,
    /// 06:00-11:59
    pub morning: u32,
    /// 12:00-17:59
    pub afternoon: u32,
    /// 18:00-23:59
    pub evening: u32,
}

/// A trigger name and its count (only with [`SummaryOptions::include_trigger_names`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct TriggerCount {
    pub trigger: String,
    pub urges: u32,
}

/// One week in numbers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct WeeklySummary {
    /// Which version of this format wrote it ([`SUMMARY_FORMAT`]).
    pub format: u32,
    /// The Monday the week starts on.
    pub week_start: chrono::NaiveDate,
    /// Days of the week since the person began using the app, up to today (7 for a past week
    /// of use).
    pub days_tracked: u32,
    pub urges: u32,
    /// Ridden out without acting (surfed or coped).
    pub urges_surfed: u32,
    pub urges_acted: u32,
    pub urges_outcome_unrecorded: u32,
    /// Urges where a coping strategy was used.
    pub urges_with_strategies: u32,
    pub intensity_mean: Option<f64>,
    pub intensity_peak: Option<u8>,
    pub median_duration_secs: Option<u32>,
    pub urges_by_part_of_day: PartsOfDay,
    /// Times of acting out (slips, and urges acted on that no slip links to).
    pub acting_out: u32,
    pub days_without_acting_out: u32,
    pub slips: u32,
    /// Chain analyses finished this week (for slips of any date).
    pub chain_analyses_completed: u32,
    pub check_in_days: u32,
    pub mood_mean: Option<f64>,
    pub stress_mean: Option<f64>,
    pub loneliness_mean: Option<f64>,
    pub sleep_mean: Option<f64>,
    /// Only when asked for; absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top_triggers: Option<Vec<TriggerCount>>,
}

/// Round to one decimal.
pub(crate) fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

impl InsightData {
    /// The summary of the week starting on the Monday `monday`.
    pub fn weekly_summary(&self, monday: chrono::NaiveDate, opts: SummaryOptions) -> Result<WeeklySummary> {
        if week_start(monday) != monday {
            return Err(Error::invalid("week", "a week starts on a Monday"));
        }
        let r = DaySpan { from: monday, to: monday + Duration::days(6) };
        self.check_range(r)?;
        let u = self.urge_summary(r)?;
        let acting = self.acting_out(r)?;
        let slips = self.slip_summary(r)?;
        let mut parts = PartsOfDay::default();
        for x in self.urges_in(r) {
            match x.hour {
                0..=5 => parts.night += 1,
                6..=11 => parts.morning += 1,
                12..=17 => parts.afternoon += 1,
                _ => parts.evening += 1,
            }
        }
        let mut sums = [(0u64, 0u32); 4];
        let mut check_in_days = 0;
        for c in self.check_ins_in(r) {
            check_in_days += 1;
            for (i, m) in Measure::ALL.iter().enumerate() {
                if let (Some(v), Some(s)) = (c.score(*m), sums.get_mut(i)) {
                    s.0 += u64::from(v);
                    s.1 += 1;
                }
            }
        }
        let mean = |i: usize| sums.get(i).and_then(|(s, n)| (*n > 0).then(|| round1(*s as f64 / f64::from(*n))));
        let top_triggers = if opts.include_trigger_names {
            Some(
                self.top_triggers(r, SUMMARY_TRIGGERS)?
                    .into_iter()
                    .map(|t| TriggerCount { trigger: t.trigger, urges: t.urges })
                    .collect(),
            )
        } else {
            None
        };
        Ok(WeeklySummary {
            format: SUMMARY_FORMAT,
            week_start: monday,
            days_tracked: acting.days_tracked,
            urges: u.total,
            urges_surfed: u.surfed + u.coped,
            urges_acted: u.acted,
            urges_outcome_unrecorded: u.outcome_unrecorded,
            urges_with_strategies: u.with_strategies,
            intensity_mean: u.intensity_mean.map(round1),
            intensity_peak: u.intensity_peak,
            median_duration_secs: u.median_duration_secs,
            urges_by_part_of_day: parts,
            acting_out: acting.events,
            days_without_acting_out: acting.days_without,
            slips: slips.slips,
            chain_analyses_completed: self.analyses_completed_in(r),
            check_in_days,
            mood_mean: mean(0),
            stress_mean: mean(1),
            loneliness_mean: mean(2),
            sleep_mean: mean(3),
            top_triggers,
        })
    }

    /// Summaries of every week from the one holding `from` to the one holding `to`, oldest
    /// first. Weeks after today are left out.
    pub fn weekly_summaries(&self, r: DaySpan, opts: SummaryOptions) -> Result<Vec<WeeklySummary>> {
        let mut out = Vec::new();
        let mut w = week_start(r.from);
        let last = week_start(r.to.min(self.today));
        while w <= last {
            out.push(self.weekly_summary(w, opts)?);
            w += Duration::days(7);
        }
        Ok(out)
    }
}
