//! Goals: the current ones with where they stand, a few kinds to start from (counted from
//! entries, or counted by hand), progress by hand, putting a goal away.

use super::app::{Cx, Reaction};
use super::common::{plural, Notice};
use crate::error::{Error, Result};
use crate::goal::{frame, GoalEdit, GoalMeasure, GoalState, GoalWithProgress, NewGoal};
use crate::id::RecordId;
use crate::store::Store;

/// The kinds of goal offered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum GoalKind {
    UrgesSurfed,
    CheckInDays,
    ChainAnalyses,
    DaysWithoutActingOut,
    /// Counted by hand, in the person's own unit.
    Counted,
}

/// The time frames offered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum GoalSpan {
    ThisWeek,
    ThisMonth,
    Next30Days,
}

/// A kind of goal to start from, with words and a sensible target.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct GoalTemplate {
    pub kind: GoalKind,
    pub label: String,
    /// Words to start from (the person may change them).
    pub text: String,
    pub target: u32,
    pub span: GoalSpan,
    /// Whether the person names what they count ("meetings", "walks").
    pub asks_unit: bool,
}

/// A time frame choice.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SpanChoice {
    pub span: GoalSpan,
    pub label: String,
}

/// One goal and where it stands.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct GoalCard {
    pub id: String,
    pub text: String,
    pub why: Option<String>,
    /// "3 of 5 urges ridden out".
    pub progress_text: String,
    /// 0 to 100.
    pub percent: u32,
    /// "4 days left", "Reached", "Starts Monday"...
    pub state_text: String,
    /// Progress is entered by hand for this goal.
    pub counted_by_hand: bool,
}

/// Where the screen is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum GoalsStage {
    List,
    /// Choosing and wording a new goal.
    New,
}

/// Goals.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct GoalsView {
    pub stage: GoalsStage,
    pub goals: Vec<GoalCard>,
    pub empty_text: Option<String>,
    pub new_label: String,
    pub templates: Vec<GoalTemplate>,
    pub spans: Vec<SpanChoice>,
    pub create_label: String,
    pub add_progress_label: String,
    pub undo_label: String,
    pub archive_label: String,
}

/// What the person does.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum GoalsAction {
    StartNew,
    Create {
        kind: GoalKind,
        text: String,
        why: Option<String>,
        target: u32,
        span: GoalSpan,
        unit: Option<String>,
    },
    AddProgress {
        goal_id: String,
        amount: u32,
    },
    UndoProgress {
        goal_id: String,
    },
    /// Put a goal away (kept, no longer shown).
    Archive {
        goal_id: String,
    },
}

#[derive(Default)]
pub(crate) struct GoalsScreen {
    creating: bool,
}

fn templates() -> Vec<GoalTemplate> {
    let t = |kind, label: &str, text: &str, target, span, asks_unit| GoalTemplate {
        kind,
        label: label.into(),
        text: text.into(),
        target,
        span,
        asks_unit,
    };
    vec![
        t(GoalKind::UrgesSurfed, "Ride out urges", "Ride out 3 urges this week", 3, GoalSpan::ThisWeek, false),
        t(GoalKind::CheckInDays, "Check in regularly", "Check in 5 days this week", 5, GoalSpan::ThisWeek, false),
        t(
            GoalKind::DaysWithoutActingOut,
            "Days without acting out",
            "20 days without acting out this month",
            20,
            GoalSpan::ThisMonth,
            false,
        ),
        t(GoalKind::ChainAnalyses, "Learn from a slip", "Finish one chain analysis", 1, GoalSpan::Next30Days, false),
        t(GoalKind::Counted, "Something I count", "Go to 4 meetings this month", 4, GoalSpan::ThisMonth, true),
    ]
}

fn spans() -> Vec<SpanChoice> {
    [(GoalSpan::ThisWeek, "This week"), (GoalSpan::ThisMonth, "This month"), (GoalSpan::Next30Days, "The next 30 days")]
        .into_iter()
        .map(|(span, label)| SpanChoice { span, label: label.into() })
        .collect()
}

fn card(g: &GoalWithProgress) -> GoalCard {
    let p = &g.progress;
    let state_text = match p.state {
        GoalState::Upcoming => format!("Starts {}", g.goal.start.format("%a %-d %b")),
        GoalState::Active if p.days_left == 0 => "Last day".into(),
        GoalState::Active => format!("{} left", plural(i64::from(p.days_left), "day")),
        GoalState::Reached => "Reached".into(),
        GoalState::Ended => "Time's up; the progress you made still counts".into(),
    };
    GoalCard {
        id: g.goal.id.to_string(),
        text: g.goal.text.clone(),
        why: g.goal.why.clone(),
        progress_text: format!("{} of {} {}", p.current, p.target, g.goal.measure.unit()),
        percent: p.percent,
        state_text,
        counted_by_hand: !g.goal.measure.is_tracked(),
    }
}

/// Whether any goal is running or about to (for the weekly nudge).
pub(crate) fn any_in_progress(store: &Store) -> Result<bool> {
    Ok(store.goals(false)?.goals.iter().any(|g| matches!(g.progress.state, GoalState::Active | GoalState::Upcoming)))
}

impl GoalsScreen {
    pub fn has_inner_back(&self) -> bool {
        self.creating
    }

    pub fn back(&mut self) -> bool {
        std::mem::take(&mut self.creating)
    }

    pub fn view(&self, cx: &Cx<'_>) -> Result<GoalsView> {
        let goals: Vec<GoalCard> = cx.store.goals(false)?.goals.iter().map(card).collect();
        Ok(GoalsView {
            stage: if self.creating { GoalsStage::New } else { GoalsStage::List },
            empty_text: goals
                .is_empty()
                .then(|| "No goals yet. A small, specific goal for this week is a good start.".to_string()),
            goals,
            new_label: "New goal".into(),
            templates: templates(),
            spans: spans(),
            create_label: "Set this goal".into(),
            add_progress_label: "Add 1".into(),
            undo_label: "Undo".into(),
            archive_label: "Put away".into(),
        })
    }

    pub fn act(&mut self, cx: &mut Cx<'_>, action: GoalsAction) -> Result<Reaction> {
        let reaction = match action {
            GoalsAction::StartNew => {
                self.creating = true;
                Reaction::default()
            }
            GoalsAction::Create { kind, text, why, target, span, unit } => {
                let crisis = super::crisis::check(
                    cx,
                    &[text.as_str(), why.as_deref().unwrap_or(""), unit.as_deref().unwrap_or("")],
                )?;
                let today = cx.today();
                let (start, end) = match span {
                    GoalSpan::ThisWeek => frame::this_week(today),
                    GoalSpan::ThisMonth => frame::this_month(today),
                    GoalSpan::Next30Days => frame::next_days(today, 30),
                };
                let measure = match kind {
                    GoalKind::UrgesSurfed => GoalMeasure::UrgesSurfed,
                    GoalKind::CheckInDays => GoalMeasure::CheckInDays,
                    GoalKind::ChainAnalyses => GoalMeasure::ChainAnalyses,
                    GoalKind::DaysWithoutActingOut => GoalMeasure::DaysWithoutActingOut,
                    GoalKind::Counted => GoalMeasure::Manual {
                        unit: unit.ok_or_else(|| Error::invalid("unit", "say what you will count"))?,
                    },
                };
                let why = why.filter(|w| !w.trim().is_empty());
                cx.store.create_goal(NewGoal { text, why, measure, target, start: Some(start), end })?;
                self.creating = false;
                Reaction::notice(Notice::saved("Goal set.")).with_crisis(crisis)
            }
            GoalsAction::AddProgress { goal_id, amount } => {
                cx.store.add_goal_progress(RecordId::parse(&goal_id)?, amount, None)?;
                Reaction::notice(Notice::saved("Progress added."))
            }
            GoalsAction::UndoProgress { goal_id } => {
                cx.store.undo_goal_progress(RecordId::parse(&goal_id)?)?;
                Reaction::notice(Notice::info("Taken back."))
            }
            GoalsAction::Archive { goal_id } => {
                let edit = GoalEdit { archived: Some(true), ..GoalEdit::default() };
                cx.store.edit_goal(RecordId::parse(&goal_id)?, edit)?;
                Reaction::notice(Notice::info("Put away. It stays in your history."))
            }
        };
        // Goals change the weekly nudge.
        Ok(reaction.with_effect(super::app::Effect::Reminders { schedule: cx.reminder_schedule()? }))
    }
}
