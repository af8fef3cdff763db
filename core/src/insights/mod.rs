//! Insights, computed on the device for any range of local days: urges per day and week,
//! intensity, length, outcomes, acting out and the intervals between, top triggers, the
//! weekday-by-hour grid, links with check-in ratings, high-risk windows, slips, progress, and
//! the weekly summary a client may later share. Strategy effectiveness per trigger is the
//! plan's computation ([`Store::strategy_effectiveness`] groups it for this screen).
//!
//! Everything is computed from [`InsightData`], loaded once ([`Store::insight_data`]) for a
//! range or for the whole history; each insight is a method on it, so an app screen can ask
//! for one and a benchmark can time each. [`Store::insights`], [`Store::progress`] and
//! [`Store::weekly_summaries`] load and compute in one call.
//!
//! Every local day, weekday and hour is the one where the entry happened (its recorded
//! offset), so travelling or a DST change never moves an urge to another day or hour.
//! Definitions of each number are at the top of the file computing it.

mod acting;
mod data;
mod facts;
mod links;
mod slips;
mod strategies;
mod summary;
mod urges;
mod windows;
mod words;

#[cfg(test)]
mod tests;

pub use acting::{ActingOutSummary, EventSource, IntervalStats, PeriodStats, Progress};
pub(crate) use data::CheckInFact;
pub use data::{DaySpan, InsightData, MAX_RANGE_DAYS};
pub use facts::{CheckInFacts, SlipFacts};
pub use links::{CheckInSummary, Correlation, MeasureLink, MIN_PAIRS};
pub use slips::{FactorCount, SlipSummary};
pub use strategies::{by_trigger as strategies_by_trigger, StrategyEffect, TriggerStrategies};
pub use summary::{PartsOfDay, SummaryOptions, TriggerCount, WeeklySummary, SUMMARY_FORMAT, SUMMARY_TRIGGERS};
pub use urges::{week_start, DayCount, HourGrid, TriggerStat, UrgeSummary, WeekCount, Weekday, TOP_TRIGGERS};
pub use windows::{RiskWindow, WeekTime, CHECK_IN_MESSAGE, LEAD_MINUTES, MAX_WINDOWS, MIN_CELL, MIN_URGES};
pub use words::stretch_words;

use chrono::Duration;
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::store::{Store, Unreadable};

/// Every insight for one range of days.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Insights {
    pub range: DaySpan,
    pub urges: UrgeSummary,
    pub per_day: Vec<DayCount>,
    pub per_week: Vec<WeekCount>,
    pub acting_out: ActingOutSummary,
    pub top_triggers: Vec<TriggerStat>,
    pub hour_grid: HourGrid,
    pub check_ins: CheckInSummary,
    pub high_risk_windows: Vec<RiskWindow>,
    pub slips: SlipSummary,
}

/// Insights plus the records that could not be opened (shown, never silently dropped).
#[derive(Debug)]
pub struct InsightReport<T> {
    pub value: T,
    pub unreadable: Vec<Unreadable>,
}

impl InsightData {
    /// Every insight for `r` (which must lie inside the loaded days).
    pub fn insights(&self, r: DaySpan) -> Result<Insights> {
        Ok(Insights {
            range: r,
            urges: self.urge_summary(r)?,
            per_day: self.per_day(r)?,
            per_week: self.per_week(r)?,
            acting_out: self.acting_out(r)?,
            top_triggers: self.top_triggers(r, TOP_TRIGGERS)?,
            hour_grid: self.hour_grid(r)?,
            check_ins: self.check_in_summary(r)?,
            high_risk_windows: self.high_risk_windows(r)?,
            slips: self.slip_summary(r)?,
        })
    }
}

impl Store {
    /// Every insight for the local days `r`.
    pub fn insights(&self, r: DaySpan) -> Result<InsightReport<Insights>> {
        let data = self.insight_data(Some(r))?;
        let value = data.insights(r)?;
        Ok(InsightReport { value, unreadable: data.unreadable })
    }

    /// Progress over the whole history.
    pub fn progress(&self) -> Result<InsightReport<Progress>> {
        let data = self.insight_data(None)?;
        let value = data.progress()?;
        Ok(InsightReport { value, unreadable: data.unreadable })
    }

    /// The high-risk windows of the last `weeks` weeks (this week included), each with the
    /// local weekday and time of a gentle check-in the app can schedule (weekly, with
    /// [`CHECK_IN_MESSAGE`], neutral enough for a lock screen).
    pub fn check_in_times(&self, weeks: u32) -> Result<InsightReport<Vec<RiskWindow>>> {
        let today = self.clock().today();
        let from = week_start(today) - Duration::weeks(i64::from(weeks.max(1)) - 1);
        let r = DaySpan::new(from, today)?;
        let data = self.insight_data(Some(r))?;
        let value = data.high_risk_windows(r)?;
        Ok(InsightReport { value, unreadable: data.unreadable })
    }

    /// Weekly summaries of the weeks touching `r` (whole weeks, Monday to Sunday; weeks after
    /// today left out).
    pub fn weekly_summaries(&self, r: DaySpan, opts: SummaryOptions) -> Result<InsightReport<Vec<WeeklySummary>>> {
        let whole = DaySpan::new(week_start(r.from), week_start(r.to) + Duration::days(6))?;
        let data = self.insight_data(Some(whole))?;
        let value = data.weekly_summaries(whole, opts)?;
        Ok(InsightReport { value, unreadable: data.unreadable })
    }
}
