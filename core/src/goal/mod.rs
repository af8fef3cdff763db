//! SMART goals: specific words, a measure, a target, a time frame, and progress.
//!
//! - **Specific**: the goal in the person's (or their clinician's) words, plus optionally why
//!   it matters to them (relevant).
//! - **Measurable**: a [`GoalMeasure`]. Measures the app tracks (urges ridden out, urges
//!   logged, days checked in, chain analyses finished, days without acting out, times a named
//!   coping strategy was used) count themselves from the person's entries; any other measure is
//!   manual, counted from progress entries the person adds ("went to 3 meetings").
//! - **Achievable**: a whole-number target (at least 1).
//! - **Time-bound**: a first and last local day.
//!
//! Every measure counts up: progress never goes down because of a slip. "Days without acting
//! out" counts the days of the time frame so far without acting out, so one hard day leaves
//! every other day counted.

mod progress;
mod stored;
#[cfg(test)]
mod tests;

pub use progress::{GoalProgress, GoalState};

use std::fmt;

use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::id::RecordId;
use crate::store::{Columns, RecordKind, Scope, Store, Unreadable};
use crate::text;
use crate::time::LocalStamp;

/// Longest goal text.
pub const TEXT_MAX_CHARS: usize = 300;
/// Longest "why it matters".
pub const WHY_MAX_CHARS: usize = 2_000;
/// Longest unit name of a manual goal ("meetings", "walks").
pub const UNIT_MAX_CHARS: usize = 40;
/// Largest target.
pub const MAX_TARGET: u32 = 100_000;
/// Longest time frame, in days.
pub const MAX_FRAME_DAYS: i64 = 731;
/// Most progress entries in one goal.
pub const MAX_ENTRIES: usize = 2_000;
/// Largest single progress entry.
pub const MAX_ENTRY_AMOUNT: u32 = 10_000;

/// What a goal counts.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum GoalMeasure {
    /// Urges ridden out without acting (surfed, or coped with a strategy).
    UrgesSurfed,
    /// Urges logged (noticing and writing an urge down is a skill).
    UrgesLogged,
    /// Days with a check-in.
    CheckInDays,
    /// Chain analyses finished.
    ChainAnalyses,
    /// Days of the time frame so far without acting out.
    DaysWithoutActingOut,
    /// Urges where this coping strategy was used (names compared ignoring case and spacing).
    StrategyUsed { strategy: String },
    /// Counted by hand, in this unit ("meetings", "walks", "evenings with friends").
    Manual { unit: String },
}

impl fmt::Debug for GoalMeasure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.kind_str())
    }
}

impl GoalMeasure {
    /// Stable name of the measure's kind (JSON, command line).
    pub fn kind_str(&self) -> &'static str {
        match self {
            GoalMeasure::UrgesSurfed => "urges-surfed",
            GoalMeasure::UrgesLogged => "urges-logged",
            GoalMeasure::CheckInDays => "check-in-days",
            GoalMeasure::ChainAnalyses => "chain-analyses",
            GoalMeasure::DaysWithoutActingOut => "days-without-acting-out",
            GoalMeasure::StrategyUsed { .. } => "strategy-used",
            GoalMeasure::Manual { .. } => "manual",
        }
    }

    /// What is counted, for people: "urges ridden out", "times you used call Sam".
    pub fn unit(&self) -> String {
        match self {
            GoalMeasure::UrgesSurfed => "urges ridden out".into(),
            GoalMeasure::UrgesLogged => "urges logged".into(),
            GoalMeasure::CheckInDays => "days checked in".into(),
            GoalMeasure::ChainAnalyses => "chain analyses finished".into(),
            GoalMeasure::DaysWithoutActingOut => "days without acting out".into(),
            GoalMeasure::StrategyUsed { strategy } => format!("times you used \"{strategy}\""),
            GoalMeasure::Manual { unit } => unit.clone(),
        }
    }

    /// Whether the app counts it from entries (otherwise progress is entered by hand).
    pub fn is_tracked(&self) -> bool {
        !matches!(self, GoalMeasure::Manual { .. })
    }

    fn validated(&self) -> Result<GoalMeasure> {
        Ok(match self {
            GoalMeasure::StrategyUsed { strategy } => {
                GoalMeasure::StrategyUsed { strategy: text::label("strategy", strategy, text::LABEL_MAX_CHARS)? }
            }
            GoalMeasure::Manual { unit } => GoalMeasure::Manual { unit: text::label("unit", unit, UNIT_MAX_CHARS)? },
            other => other.clone(),
        })
    }
}

/// One manual progress entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct GoalEntry {
    pub day: NaiveDate,
    pub amount: u32,
    /// When it was entered (UTC milliseconds).
    pub added_utc_ms: i64,
}

/// A goal.
#[derive(Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Goal {
    pub id: RecordId,
    pub created: LocalStamp,
    pub edited_utc_ms: Option<i64>,
    /// The goal, specifically, in the person's words.
    pub text: String,
    /// Why it matters to them.
    pub why: Option<String>,
    pub measure: GoalMeasure,
    pub target: u32,
    /// First local day of the time frame.
    pub start: NaiveDate,
    /// Last local day of the time frame.
    pub end: NaiveDate,
    /// Progress entered by hand (manual measures only).
    pub entries: Vec<GoalEntry>,
    /// Put away by the person (kept, not shown among current goals).
    pub archived: bool,
}

impl fmt::Debug for Goal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Goal({}, {:?}, <redacted>)", self.id, self.measure)
    }
}

/// A new goal. `start` defaults to today.
#[derive(Clone)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct NewGoal {
    pub text: String,
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub why: Option<String>,
    pub measure: GoalMeasure,
    pub target: u32,
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub start: Option<NaiveDate>,
    pub end: NaiveDate,
}

impl fmt::Debug for NewGoal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NewGoal({:?}, <redacted>)", self.measure)
    }
}

/// Changes to a goal. The measure itself cannot change (that is a different goal).
#[derive(Clone, Default)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct GoalEdit {
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub text: Option<String>,
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub why: Option<String>,
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub clear_why: bool,
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub target: Option<u32>,
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub start: Option<NaiveDate>,
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub end: Option<NaiveDate>,
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub archived: Option<bool>,
}

impl fmt::Debug for GoalEdit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("GoalEdit(<redacted>)")
    }
}

/// A goal and where it stands.
#[derive(Clone, Debug)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct GoalWithProgress {
    pub goal: Goal,
    pub progress: GoalProgress,
}

/// Goals found (newest first), and any that could not be opened.
#[derive(Debug, Default)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct GoalListing {
    pub goals: Vec<GoalWithProgress>,
    pub unreadable: Vec<Unreadable>,
}

/// Time frames people ask for.
pub mod frame {
    use super::*;

    /// Monday to Sunday of the week holding `today`.
    pub fn this_week(today: NaiveDate) -> (NaiveDate, NaiveDate) {
        let monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
        (monday, monday + Duration::days(6))
    }

    /// First to last day of the month holding `today`.
    pub fn this_month(today: NaiveDate) -> (NaiveDate, NaiveDate) {
        let first = today.with_day(1).unwrap_or(today);
        let next = if first.month() == 12 {
            NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
        };
        (first, next.map_or(today, |n| n - Duration::days(1)))
    }

    /// `days` days starting today.
    pub fn next_days(today: NaiveDate, days: u32) -> (NaiveDate, NaiveDate) {
        (today, today + Duration::days(i64::from(days.max(1)) - 1))
    }
}

// ----- validation -----------------------------------------------------------------------

fn check_target(target: u32) -> Result<u32> {
    if target == 0 || target > MAX_TARGET {
        return Err(Error::invalid("target", format!("must be between 1 and {MAX_TARGET}")));
    }
    Ok(target)
}

fn check_frame(start: NaiveDate, end: NaiveDate) -> Result<()> {
    if end < start {
        return Err(Error::invalid("time frame", "the last day comes before the first"));
    }
    if (end - start).num_days() >= MAX_FRAME_DAYS {
        return Err(Error::invalid("time frame", "can be at most two years; set a new goal after that"));
    }
    if start < NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default() {
        return Err(Error::invalid("time frame", "that date is too far in the past"));
    }
    Ok(())
}

fn check_fits(measure: &GoalMeasure, target: u32, start: NaiveDate, end: NaiveDate) -> Result<()> {
    let days = (end - start).num_days() + 1;
    if matches!(measure, GoalMeasure::DaysWithoutActingOut | GoalMeasure::CheckInDays) && i64::from(target) > days {
        return Err(Error::invalid("target", format!("the time frame has only {days} days")));
    }
    Ok(())
}

fn check_text(raw: &str) -> Result<String> {
    text::label("goal", raw, TEXT_MAX_CHARS)
}

// ----- operations -----------------------------------------------------------------------

impl Store {
    /// Set a goal. Durable when this returns.
    pub fn create_goal(&self, new: NewGoal) -> Result<GoalWithProgress> {
        let today = self.clock().today();
        let start = new.start.unwrap_or(today);
        check_frame(start, new.end)?;
        if new.end < today {
            return Err(Error::invalid("time frame", "has already ended; choose a last day from today on"));
        }
        let measure = new.measure.validated()?;
        let target = check_target(new.target)?;
        check_fits(&measure, target, start, new.end)?;
        let goal = Goal {
            id: RecordId::random()?,
            created: LocalStamp::at(self.clock().now(), &self.clock().zone()),
            edited_utc_ms: None,
            text: check_text(&new.text)?,
            why: text::note("why it matters", new.why.as_deref(), WHY_MAX_CHARS)?,
            measure,
            target,
            start,
            end: new.end,
            entries: Vec::new(),
            archived: false,
        };
        self.write(|tx| tx.put(&goal))?;
        self.with_progress(goal)
    }

    /// One goal and its progress.
    pub fn goal(&self, id: RecordId) -> Result<GoalWithProgress> {
        let g = self.get::<Goal>(id)?;
        self.with_progress(g)
    }

    /// Goals with their progress, newest first. Archived goals only when asked for.
    pub fn goals(&self, include_archived: bool) -> Result<GoalListing> {
        let listing = self.list::<Goal>(Scope::Timeless, Columns::HeadAndBody)?;
        let mut unreadable = listing.unreadable;
        let mut goals: Vec<Goal> = listing.records.into_iter().filter(|g| include_archived || !g.archived).collect();
        goals.sort_by_key(|g| std::cmp::Reverse(g.created.utc_ms));
        let (goals, bad) = self.progress_of(goals)?;
        unreadable.extend(bad);
        Ok(GoalListing { goals, unreadable })
    }

    /// Change a goal's words, target, time frame, or put it away (archive) and back.
    pub fn edit_goal(&self, id: RecordId, edit: GoalEdit) -> Result<GoalWithProgress> {
        if edit.text.is_none()
            && edit.why.is_none()
            && !edit.clear_why
            && edit.target.is_none()
            && edit.start.is_none()
            && edit.end.is_none()
            && edit.archived.is_none()
        {
            return Err(Error::invalid("edit", "nothing to change"));
        }
        if edit.why.is_some() && edit.clear_why {
            return Err(Error::invalid("edit", "a field cannot be both set and cleared"));
        }
        let text_new = edit.text.as_deref().map(check_text).transpose()?;
        let why_new = text::note("why it matters", edit.why.as_deref(), WHY_MAX_CHARS)?;
        let target_new = edit.target.map(check_target).transpose()?;
        let now = self.clock().now().timestamp_millis();
        let g = self.write(|tx| {
            let mut g = tx.get::<Goal>(id)?;
            if let Some(t) = &text_new {
                g.text = t.clone();
            }
            if edit.why.is_some() {
                g.why = why_new.clone();
            }
            if edit.clear_why {
                g.why = None;
            }
            if let Some(t) = target_new {
                g.target = t;
            }
            g.start = edit.start.unwrap_or(g.start);
            g.end = edit.end.unwrap_or(g.end);
            check_frame(g.start, g.end)?;
            check_fits(&g.measure, g.target, g.start, g.end)?;
            if let Some(a) = edit.archived {
                g.archived = a;
            }
            g.edited_utc_ms = Some(now);
            tx.put(&g)?;
            Ok(g)
        })?;
        self.with_progress(g)
    }

    /// Add progress to a manual goal (`day` defaults to today).
    pub fn add_goal_progress(&self, id: RecordId, amount: u32, day: Option<NaiveDate>) -> Result<GoalWithProgress> {
        if amount == 0 || amount > MAX_ENTRY_AMOUNT {
            return Err(Error::invalid("amount", format!("must be between 1 and {MAX_ENTRY_AMOUNT}")));
        }
        let today = self.clock().today();
        let day = day.unwrap_or(today);
        if day > today {
            return Err(Error::invalid("day", "progress cannot be added for a day that has not come yet"));
        }
        let now = self.clock().now().timestamp_millis();
        let g = self.write(|tx| {
            let mut g = tx.get::<Goal>(id)?;
            if g.measure.is_tracked() {
                return Err(Error::State("the app counts this goal's progress from your entries"));
            }
            if day < g.start || day > g.end {
                return Err(Error::invalid("day", "is outside the goal's time frame"));
            }
            if g.entries.len() >= MAX_ENTRIES {
                return Err(Error::invalid("progress", format!("a goal holds at most {MAX_ENTRIES} entries")));
            }
            g.entries.push(GoalEntry { day, amount, added_utc_ms: now });
            g.edited_utc_ms = Some(now);
            tx.put(&g)?;
            Ok(g)
        })?;
        self.with_progress(g)
    }

    /// Remove the most recently added progress entry of a manual goal (an "undo").
    pub fn undo_goal_progress(&self, id: RecordId) -> Result<GoalWithProgress> {
        let now = self.clock().now().timestamp_millis();
        let g = self.write(|tx| {
            let mut g = tx.get::<Goal>(id)?;
            let Some(i) = g.entries.iter().enumerate().max_by_key(|(_, e)| e.added_utc_ms).map(|(i, _)| i) else {
                return Err(Error::State("this goal has no progress entries to undo"));
            };
            g.entries.remove(i);
            g.edited_utc_ms = Some(now);
            tx.put(&g)?;
            Ok(g)
        })?;
        self.with_progress(g)
    }

    /// Delete a goal.
    pub fn delete_goal(&self, id: RecordId) -> Result<()> {
        self.write(|tx| {
            if tx.delete(RecordKind::Goal, id)? {
                Ok(())
            } else {
                Err(Error::NotFound { kind: RecordKind::Goal, id })
            }
        })
    }

    /// One goal's progress (records that could not be opened mark it `incomplete`).
    fn with_progress(&self, g: Goal) -> Result<GoalWithProgress> {
        let (mut v, _) = self.progress_of(vec![g])?;
        v.pop().ok_or(Error::State("a goal's progress could not be computed"))
    }
}
