//! Log an urge: one tap on the intensity saves it (a person at a hard moment may close the
//! app right after), details are optional, and the next steps follow as the safety module
//! decides them ([`crate::safety::NextSteps`]): the crisis step first when the words call for
//! it, then for a strong urge surfing it, the plan's steps, a person reachable now, crisis
//! lines.

use super::app::{Cx, Nav, Reaction, Screen};
use super::common::{intensity_scale, Chip, Notice, ScaleChoice};
use super::next_steps::{self, NextStepAction, NextStepCard};
use super::surf::SurfScreen;
use crate::error::Result;
use crate::urge::{Company, NewUrge, Urge, UrgeEdit, UrgeField};

/// Where the screen is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum LogUrgeStage {
    /// "How strong is it?": one tap saves.
    Intensity,
    /// Saved; details and next steps.
    Saved,
}

/// A choice of company.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct CompanyChoice {
    pub value: Company,
    pub label: String,
    pub selected: bool,
}

/// Log an urge.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct LogUrgeView {
    pub stage: LogUrgeStage,
    pub question: String,
    pub scale: Vec<ScaleChoice>,
    /// "Saved." once it is on disk.
    pub saved_text: Option<String>,
    pub triggers_label: String,
    pub triggers: Vec<Chip>,
    pub feelings_label: String,
    pub feelings: Vec<Chip>,
    /// Placeholder of the field for a trigger or feeling of one's own.
    pub add_hint: String,
    pub company: Vec<CompanyChoice>,
    pub note_label: String,
    pub note: String,
    pub save_details_label: String,
    /// Words before the next steps (empty when there are none).
    pub next_message: String,
    pub next_steps: Vec<NextStepCard>,
    pub done_label: String,
}

/// What the person does on this screen.
#[derive(Clone, Debug)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum LogUrgeAction {
    /// One tap: log the urge at this intensity now.
    Intensity {
        value: u8,
    },
    ToggleTrigger {
        label: String,
    },
    AddTrigger {
        text: String,
    },
    ToggleFeeling {
        label: String,
    },
    AddFeeling {
        text: String,
    },
    SetCompany {
        company: Option<Company>,
    },
    /// Save the chosen details and the note with the entry.
    SaveDetails {
        note: String,
    },
    Next {
        action: NextStepAction,
    },
    Done,
}

/// How many suggestions of each kind to offer.
const CHIPS: usize = 8;
/// How far back the person's own triggers and feelings are looked up.
const RECENT_DAYS: i64 = 90;

#[derive(Default)]
pub(crate) struct LogUrge {
    saved: Option<Urge>,
    triggers: Vec<String>,
    feelings: Vec<String>,
    company: Option<Company>,
}

fn toggle(list: &mut Vec<String>, label: &str) {
    if let Some(i) = list.iter().position(|l| l.eq_ignore_ascii_case(label)) {
        list.remove(i);
    } else {
        list.push(label.trim().to_string());
    }
}

fn chips(suggested: Vec<String>, chosen: &[String]) -> Vec<Chip> {
    let mut out: Vec<Chip> = chosen.iter().map(|l| Chip { label: l.clone(), selected: true }).collect();
    for s in suggested {
        if out.len() >= CHIPS.max(chosen.len()) {
            break;
        }
        if !chosen.iter().any(|c| c.eq_ignore_ascii_case(&s)) {
            out.push(Chip { label: s, selected: false });
        }
    }
    out
}

impl LogUrge {
    pub fn view(&self, cx: &Cx<'_>) -> Result<LogUrgeView> {
        let stage = if self.saved.is_some() { LogUrgeStage::Saved } else { LogUrgeStage::Intensity };
        let (triggers, feelings, next) = match &self.saved {
            None => (Vec::new(), Vec::new(), None),
            Some(u) => (
                chips(cx.store.trigger_suggestions(RECENT_DAYS)?, &self.triggers),
                chips(cx.store.feeling_suggestions(RECENT_DAYS)?, &self.feelings),
                Some(cx.store.after_urge(u.id)?),
            ),
        };
        let company = [(Company::Alone, "Alone"), (Company::WithOthers, "With others")]
            .into_iter()
            .map(|(value, label)| CompanyChoice { value, label: label.into(), selected: self.company == Some(value) })
            .collect();
        Ok(LogUrgeView {
            stage,
            question: "How strong is the urge right now?".into(),
            scale: intensity_scale(self.saved.as_ref().map(|u| u.intensity)),
            saved_text: self.saved.as_ref().map(|_| "Saved. Noticing an urge is already a step.".to_string()),
            triggers_label: "What set it off? (optional)".into(),
            triggers,
            feelings_label: "What are you feeling? (optional)".into(),
            feelings,
            add_hint: "Something else…".into(),
            company,
            note_label: "Anything else (optional)".into(),
            note: self.saved.as_ref().and_then(|u| u.note.clone()).unwrap_or_default(),
            save_details_label: "Save details".into(),
            next_message: next.as_ref().map(|n| n.message.clone()).unwrap_or_default(),
            next_steps: next.as_ref().map(next_steps::cards).unwrap_or_default(),
            done_label: "Done".into(),
        })
    }

    pub fn act(&mut self, cx: &mut Cx<'_>, action: LogUrgeAction) -> Result<Reaction> {
        match action {
            LogUrgeAction::Intensity { value } => self.intensity(cx, value),
            LogUrgeAction::ToggleTrigger { label } | LogUrgeAction::AddTrigger { text: label } => {
                if !label.trim().is_empty() {
                    toggle(&mut self.triggers, &label);
                }
                Ok(Reaction::default())
            }
            LogUrgeAction::ToggleFeeling { label } | LogUrgeAction::AddFeeling { text: label } => {
                if !label.trim().is_empty() {
                    toggle(&mut self.feelings, &label);
                }
                Ok(Reaction::default())
            }
            LogUrgeAction::SetCompany { company } => {
                self.company = company;
                Ok(Reaction::default())
            }
            LogUrgeAction::SaveDetails { note } => self.save_details(cx, note),
            LogUrgeAction::Next { action } => self.next(cx, action),
            LogUrgeAction::Done => Ok(Reaction::nav(Nav::Pop)),
        }
    }

    fn intensity(&mut self, cx: &mut Cx<'_>, value: u8) -> Result<Reaction> {
        let urge = match &self.saved {
            // A second tap corrects the rating of the entry just saved.
            Some(u) => cx.store.edit_urge(u.id, UrgeEdit { intensity: Some(value), ..UrgeEdit::default() })?,
            None => cx.store.log_urge(NewUrge { intensity: value, ..NewUrge::default() })?,
        };
        self.saved = Some(urge);
        Ok(Reaction::notice(Notice::saved("Saved.")))
    }

    fn save_details(&mut self, cx: &mut Cx<'_>, note: String) -> Result<Reaction> {
        let Some(u) = &self.saved else { return Err(super::app::not_now()) };
        let note = note.trim().to_string();
        let mut edit = UrgeEdit {
            triggers: Some(self.triggers.clone()),
            feelings: Some(self.feelings.clone()),
            company: self.company,
            ..UrgeEdit::default()
        };
        if note.is_empty() {
            if u.note.is_some() {
                edit.clear.push(UrgeField::Note);
            }
        } else {
            edit.note = Some(note);
        }
        if self.company.is_none() && u.company.is_some() {
            edit.clear.push(UrgeField::Company);
        }
        self.saved = Some(cx.store.edit_urge(u.id, edit)?);
        Ok(Reaction::notice(Notice::saved("Details saved.")))
    }

    fn next(&mut self, cx: &mut Cx<'_>, action: NextStepAction) -> Result<Reaction> {
        let Some(u) = &self.saved else { return Err(super::app::not_now()) };
        if action != NextStepAction::Surf {
            let r = next_steps::act(cx, Some(u.id), action, (&lookup_text(u), u.intensity))?;
            self.saved = Some(cx.store.urge(u.id)?);
            return Ok(r);
        }
        let surf = SurfScreen::for_urge(cx, u.id)?;
        let mut r = Reaction::default();
        if let Some(plan) = surf.notifications(cx)? {
            r = r.with_effect(super::app::Effect::Notifications { plan });
        }
        r.nav = Nav::Replace(Screen::Surf(surf));
        Ok(r)
    }
}

/// What the plan is searched with for this urge: its triggers and feelings.
fn lookup_text(u: &Urge) -> String {
    u.triggers.iter().chain(u.feelings.iter()).cloned().collect::<Vec<_>>().join(", ")
}
