//! Insights, computed on the device for any range of days: urges per day and week,
//! intensity, share surfed, intervals between acting out, top triggers, the 7x24 grid,
//! strategy effectiveness, links with check-ins, high-risk windows, slips; progress over the
//! whole history; weekly summaries (the unit later shared with a clinician).
//!
//! Each reads the store for the range (tens of milliseconds over years of use): call off the
//! main thread. Records that could not be opened are listed, never silently dropped.

use companion_core::insights::{
    DaySpan, Insights, Progress, RiskWindow, SummaryOptions, TriggerStrategies, WeeklySummary,
};
use companion_core::store::Unreadable;

use crate::companion::CompanionCore;
use crate::error::Result;

/// Every insight for a range of days.
#[derive(Debug, uniffi::Record)]
pub struct InsightsReport {
    pub insights: Insights,
    pub unreadable: Vec<Unreadable>,
}

/// Progress over the whole history: current and longest intervals without acting out, trends.
#[derive(Debug, uniffi::Record)]
pub struct ProgressReport {
    pub progress: Progress,
    /// Progress in plain sentences, the longer view first and the current stretch last.
    pub sentences: Vec<String>,
    /// The same right after a slip: the longer view, never the current stretch.
    pub sentences_after_slip: Vec<String>,
    pub unreadable: Vec<Unreadable>,
}

/// High-risk windows, each with when to schedule a gentle weekly check-in.
#[derive(Debug, uniffi::Record)]
pub struct RiskWindowsReport {
    pub windows: Vec<RiskWindow>,
    /// The notification text for those check-ins (neutral enough for a lock screen).
    pub message: String,
    pub unreadable: Vec<Unreadable>,
}

/// Weekly summaries, Monday to Sunday.
#[derive(Debug, uniffi::Record)]
pub struct WeeklySummariesReport {
    pub summaries: Vec<WeeklySummary>,
    pub unreadable: Vec<Unreadable>,
}

/// Strategy effectiveness per trigger.
#[derive(Debug, uniffi::Record)]
pub struct StrategyEffectivenessReport {
    pub triggers: Vec<TriggerStrategies>,
    pub unreadable: Vec<Unreadable>,
}

/// Re-check a range built on the foreign side (a record's fields bypass `DaySpan::new`).
fn checked(range: DaySpan) -> Result<DaySpan> {
    Ok(DaySpan::new(range.from, range.to)?)
}

#[uniffi::export]
impl CompanionCore {
    /// Every insight for the local days `range` (at most 30 years; the end not before the
    /// start).
    pub fn insights(&self, range: DaySpan) -> Result<InsightsReport> {
        let r = self.store()?.insights(checked(range)?)?;
        Ok(InsightsReport { insights: r.value, unreadable: r.unreadable })
    }

    /// Progress over the whole history. Progress never resets to zero.
    pub fn progress(&self) -> Result<ProgressReport> {
        let r = self.store()?.progress()?;
        Ok(ProgressReport {
            sentences: r.value.sentences(),
            sentences_after_slip: r.value.sentences_after_slip(),
            progress: r.value,
            unreadable: r.unreadable,
        })
    }

    /// The high-risk windows of the last `weeks` weeks, with the local weekday and time of a
    /// gentle check-in the app can schedule each week.
    pub fn check_in_times(&self, weeks: u32) -> Result<RiskWindowsReport> {
        let r = self.store()?.check_in_times(weeks)?;
        Ok(RiskWindowsReport {
            windows: r.value,
            message: companion_core::insights::CHECK_IN_MESSAGE.to_string(),
            unreadable: r.unreadable,
        })
    }

    /// Weekly summaries of the weeks touching `range` (weeks after today left out).
    pub fn weekly_summaries(&self, range: DaySpan, options: SummaryOptions) -> Result<WeeklySummariesReport> {
        let r = self.store()?.weekly_summaries(checked(range)?, options)?;
        Ok(WeeklySummariesReport { summaries: r.value, unreadable: r.unreadable })
    }

    /// Which strategies helped for which trigger over `range`.
    pub fn strategy_effectiveness(&self, range: DaySpan) -> Result<StrategyEffectivenessReport> {
        let r = self.store()?.strategy_effectiveness(checked(range)?)?;
        Ok(StrategyEffectivenessReport { triggers: r.value, unreadable: r.unreadable })
    }
}
