//! SMART goals with progress: counted from entries (urges ridden out, check-in days, chain
//! analyses, days without acting out, a strategy used) or entered by hand. Store calls do disk
//! I/O; [`CompanionCore::goal_time_frame`] does none.

use companion_core::goal::GoalEdit;
use companion_core::goal::{frame, GoalListing, GoalWithProgress, NewGoal};
use companion_core::insights::DaySpan;
use companion_core::Clock;

use chrono::NaiveDate;

use crate::companion::CompanionCore;
use crate::error::Result;
use crate::urges::parse_id;

/// Time frames people ask for when setting a goal.
#[derive(Debug, Clone, Copy, uniffi::Enum)]
pub enum GoalFrame {
    /// Monday to Sunday of this week.
    ThisWeek,
    /// The first to the last day of this month.
    ThisMonth,
    /// `days` days starting today.
    NextDays { days: u32 },
}

#[uniffi::export]
impl CompanionCore {
    /// Set a goal. `start` defaults to today.
    pub fn create_goal(&self, goal: NewGoal) -> Result<GoalWithProgress> {
        Ok(self.store()?.create_goal(goal)?)
    }

    /// One goal and where it stands today.
    pub fn goal(&self, id: String) -> Result<GoalWithProgress> {
        Ok(self.store()?.goal(parse_id(&id)?)?)
    }

    /// Goals, newest first (put-away ones too with `include_archived`).
    pub fn goals(&self, include_archived: bool) -> Result<GoalListing> {
        Ok(self.store()?.goals(include_archived)?)
    }

    /// Change a goal's words, target, time frame, or put it away (`archived`).
    pub fn edit_goal(&self, id: String, edit: GoalEdit) -> Result<GoalWithProgress> {
        Ok(self.store()?.edit_goal(parse_id(&id)?, edit)?)
    }

    /// Add progress by hand (goals counted by hand), for `day` or today.
    pub fn add_goal_progress(&self, id: String, amount: u32, day: Option<NaiveDate>) -> Result<GoalWithProgress> {
        Ok(self.store()?.add_goal_progress(parse_id(&id)?, amount, day)?)
    }

    /// Take back the last progress entered by hand.
    pub fn undo_goal_progress(&self, id: String) -> Result<GoalWithProgress> {
        Ok(self.store()?.undo_goal_progress(parse_id(&id)?)?)
    }

    pub fn delete_goal(&self, id: String) -> Result<()> {
        Ok(self.store()?.delete_goal(parse_id(&id)?)?)
    }

    /// The first and last day of a time frame, from today in the device's zone. No I/O.
    pub fn goal_time_frame(&self, frame: GoalFrame) -> Result<DaySpan> {
        let today = self.device_clock().today();
        let (from, to) = match frame {
            GoalFrame::ThisWeek => frame::this_week(today),
            GoalFrame::ThisMonth => frame::this_month(today),
            GoalFrame::NextDays { days } => frame::next_days(today, days),
        };
        Ok(DaySpan::new(from, to)?)
    }
}
