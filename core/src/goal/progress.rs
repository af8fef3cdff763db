//! Where a goal stands: the count so far, against the target, in its time frame.
//!
//! Tracked measures are counted over the days of the time frame up to today, from the same
//! data and rules as the insights (so a goal and the insights screen never disagree).

use serde::{Deserialize, Serialize};

use super::{Goal, GoalMeasure, GoalWithProgress};
use crate::error::Result;
use crate::insights::{DaySpan, InsightData};
use crate::store::{Store, Unreadable};

/// Where a goal is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum GoalState {
    /// The time frame has not begun.
    Upcoming,
    /// In its time frame, target not reached yet.
    Active,
    /// Target reached (during or after the time frame).
    Reached,
    /// The time frame is over without reaching the target: the progress made still stands.
    Ended,
}

/// A goal's progress.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct GoalProgress {
    pub current: u32,
    pub target: u32,
    /// `current` as a share of `target`, 0 to 100.
    pub percent: u32,
    pub state: GoalState,
    /// Days in the time frame.
    pub days_total: u32,
    /// Days of the time frame up to today.
    pub days_elapsed: u32,
    /// Days of the time frame after today.
    pub days_left: u32,
    /// Some entries could not be opened, so the count may be low.
    pub incomplete: bool,
}

fn count(goal: &Goal, data: &InsightData, counted: Option<DaySpan>) -> Result<u32> {
    if let GoalMeasure::Manual { .. } = goal.measure {
        return Ok(goal.entries.iter().filter(|e| e.day >= goal.start && e.day <= goal.end).map(|e| e.amount).sum());
    }
    let Some(r) = counted else { return Ok(0) };
    Ok(match &goal.measure {
        GoalMeasure::UrgesSurfed => {
            let u = data.urge_summary(r)?;
            u.surfed + u.coped
        }
        GoalMeasure::UrgesLogged => data.urge_summary(r)?.total,
        GoalMeasure::CheckInDays => data.check_ins_in(r).count() as u32,
        GoalMeasure::ChainAnalyses => data.analyses_completed_in(r),
        GoalMeasure::DaysWithoutActingOut => data.acting_out(r)?.days_without,
        GoalMeasure::StrategyUsed { strategy } => match data.strategies.group(strategy) {
            Some(g) => data.urges_in(r).filter(|u| data.strategies_of(u).contains(&g)).count() as u32,
            None => 0,
        },
        GoalMeasure::Manual { .. } => 0,
    })
}

pub(crate) fn progress(goal: &Goal, data: &InsightData, incomplete: bool) -> Result<GoalProgress> {
    let today = data.today();
    let frame = DaySpan { from: goal.start, to: goal.end };
    let counted = (today >= goal.start).then(|| DaySpan { from: goal.start, to: goal.end.min(today) });
    let current = count(goal, data, counted)?;
    let state = if today < goal.start {
        GoalState::Upcoming
    } else if current >= goal.target {
        GoalState::Reached
    } else if today > goal.end {
        GoalState::Ended
    } else {
        GoalState::Active
    };
    let days_total = frame.days() as u32;
    let days_elapsed = counted.map_or(0, |c| c.days() as u32);
    let percent = (u64::from(current) * 100 / u64::from(goal.target.max(1))).min(100) as u32;
    Ok(GoalProgress {
        current,
        target: goal.target,
        percent,
        state,
        days_total,
        days_elapsed,
        days_left: days_total - days_elapsed,
        incomplete,
    })
}

impl Store {
    /// Progress of each goal, reading entries once for all of them.
    pub(crate) fn progress_of(&self, goals: Vec<Goal>) -> Result<(Vec<GoalWithProgress>, Vec<Unreadable>)> {
        let today = self.clock().today();
        let tracked: Vec<&Goal> = goals.iter().filter(|g| g.measure.is_tracked() && g.start <= today).collect();
        let from = tracked.iter().map(|g| g.start).min();
        let to = tracked.iter().map(|g| g.end.min(today)).max();
        let scope = match (from, to) {
            (Some(a), Some(b)) => Some(DaySpan::new(a, b)?),
            _ => Some(DaySpan { from: today, to: today }),
        };
        let data = self.insight_data(scope)?;
        let incomplete = !data.unreadable.is_empty();
        let mut out = Vec::with_capacity(goals.len());
        for g in goals {
            let p = progress(&g, &data, incomplete && g.measure.is_tracked())?;
            out.push(GoalWithProgress { goal: g, progress: p });
        }
        Ok((out, data.unreadable))
    }
}
