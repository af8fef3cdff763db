//! The daily check-in: mood, stress, loneliness and sleep on 0-10 scales (each optional) and
//! a few words. A second check-in the same day updates that day's, as the core does.

use std::collections::BTreeMap;

use super::app::{Cx, Nav, Reaction};
use super::common::{long_day, scale, Notice, ScaleChoice};
use crate::checkin::{Measure, NewCheckIn};
use crate::error::Result;

/// One rating of the check-in.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct MeasureRow {
    pub measure: Measure,
    pub question: String,
    pub scale: Vec<ScaleChoice>,
}

/// The check-in.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct CheckInView {
    pub day: String,
    /// Said when today already has a check-in: saving again updates it.
    pub earlier: Option<String>,
    pub measures: Vec<MeasureRow>,
    pub note_label: String,
    /// Words already written today (new words are added after them).
    pub earlier_words: Option<String>,
    pub save_label: String,
    /// After saving: a kind word.
    pub saved_text: Option<String>,
    pub done_label: String,
}

/// What the person does.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum CheckInAction {
    /// Tap a rating (tap the chosen one again to leave it out).
    Rate {
        measure: Measure,
        value: u8,
    },
    /// Save the ratings chosen and these words (may be empty).
    Save {
        note: String,
    },
    Done,
}

#[derive(Default)]
pub(crate) struct CheckInScreen {
    chosen: BTreeMap<Measure, Option<u8>>,
    saved: bool,
}

impl CheckInScreen {
    pub fn view(&self, cx: &Cx<'_>) -> Result<CheckInView> {
        let today = cx.today();
        let existing = cx.store.check_in_on(today)?;
        let rating = |m: Measure| match self.chosen.get(&m) {
            Some(v) => *v,
            None => existing.as_ref().and_then(|c| c.score(m)),
        };
        Ok(CheckInView {
            day: long_day(today),
            earlier: existing
                .as_ref()
                .filter(|_| !self.saved)
                .map(|_| "You checked in earlier today. Saving again updates today's check-in.".to_string()),
            measures: Measure::ALL
                .iter()
                .map(|m| MeasureRow {
                    measure: *m,
                    question: m.question().into(),
                    scale: scale(m.low_anchor(), m.high_anchor(), rating(*m)),
                })
                .collect(),
            note_label: "Anything you want to note about today? (optional)".into(),
            earlier_words: existing.and_then(|c| c.note),
            save_label: "Save check-in".into(),
            saved_text: self.saved.then(|| "Saved. Thank you for checking in with yourself.".to_string()),
            done_label: "Done".into(),
        })
    }

    pub fn act(&mut self, cx: &mut Cx<'_>, action: CheckInAction) -> Result<Reaction> {
        match action {
            CheckInAction::Rate { measure, value } => {
                let current = match self.chosen.get(&measure) {
                    Some(v) => *v,
                    None => cx.store.check_in_on(cx.today())?.and_then(|c| c.score(measure)),
                };
                let next = if current == Some(value) { None } else { Some(value) };
                self.chosen.insert(measure, next);
                Ok(Reaction::default())
            }
            CheckInAction::Save { note } => {
                let crisis = super::crisis::check(cx, &[&note])?;
                let get = |m: Measure| self.chosen.get(&m).copied().flatten();
                let note = Some(note.trim().to_string()).filter(|n| !n.is_empty());
                cx.store.check_in(NewCheckIn {
                    day: None,
                    mood: get(Measure::Mood),
                    stress: get(Measure::Stress),
                    loneliness: get(Measure::Loneliness),
                    sleep: get(Measure::Sleep),
                    note,
                })?;
                self.chosen.clear();
                self.saved = true;
                Ok(Reaction::notice(Notice::saved("Check-in saved.")).with_crisis(crisis))
            }
            CheckInAction::Done => Ok(Reaction::nav(Nav::Pop)),
        }
    }
}
