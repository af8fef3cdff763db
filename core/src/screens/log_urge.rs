//! Log an urge: one tap on the intensity saves it (a person at a hard moment may close the
//! app right after), details are optional, and the next steps follow: surf it, the plan's
//! steps for what set it off, who can be reached now.

use super::app::{Cx, Nav, Reaction, Screen};
use super::common::{intensity_scale, Chip, Notice, ScaleChoice};
use super::plan::{self, ContactCard, ContactKind};
use super::surf::SurfScreen;
use crate::error::Result;
use crate::id::RecordId;
use crate::plan::{LookupQuery, StrategySource, UseContext};
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

/// What a next step does when tapped.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum NextStepAction {
    /// Surf this urge now (the same entry; the wave is recorded on it).
    Surf,
    /// "I'm doing this now": a strategy of the plan.
    UseStrategy { strategy_id: String },
    /// Call or text someone from the plan.
    Contact { contact_id: String, kind: ContactKind },
    /// Open the whole plan for this moment.
    OpenPlan,
}

/// One next step, in the order to offer them.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct NextStep {
    pub text: String,
    pub detail: Option<String>,
    pub action: Option<NextStepAction>,
    /// For a person or a line: how to reach them.
    pub contact: Option<ContactCard>,
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
    pub next_heading: String,
    pub next_steps: Vec<NextStep>,
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
/// How many plan strategies to offer as next steps.
const STRATEGY_STEPS: usize = 3;

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
        let (triggers, feelings, next_steps) = match &self.saved {
            None => (Vec::new(), Vec::new(), Vec::new()),
            Some(u) => (
                chips(cx.store.trigger_suggestions(RECENT_DAYS)?, &self.triggers),
                chips(cx.store.feeling_suggestions(RECENT_DAYS)?, &self.feelings),
                next_steps(cx, u)?,
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
            next_heading: "What could help now".into(),
            next_steps,
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
        match action {
            NextStepAction::Surf => {
                let surf = SurfScreen::for_urge(cx, u.id)?;
                let mut r = Reaction::default();
                if let Some(plan) = surf.notifications(cx)? {
                    r = r.with_effect(super::app::Effect::Notifications { plan });
                }
                r.nav = Nav::Replace(Screen::Surf(surf));
                Ok(r)
            }
            NextStepAction::OpenPlan => Ok(Reaction::nav(Nav::Push(Screen::Plan(
                super::plan::PlanScreen::for_moment(&lookup_text(u), u.intensity),
            )))),
            NextStepAction::UseStrategy { strategy_id } => {
                let id = RecordId::parse(&strategy_id)?;
                cx.store.start_strategy(id, UseContext { urge: Some(u.id), ..UseContext::default() })?;
                self.saved = Some(cx.store.urge(u.id)?);
                Ok(Reaction::notice(Notice::saved("Noted on this urge. Come back and say how it went when you can.")))
            }
            NextStepAction::Contact { contact_id, kind } => {
                Ok(Reaction::effect(plan::contact_effect(cx.store, &contact_id, kind)?))
            }
        }
    }
}

/// What the plan is searched with for this urge: its triggers and feelings.
fn lookup_text(u: &Urge) -> String {
    u.triggers.iter().chain(u.feelings.iter()).cloned().collect::<Vec<_>>().join(", ")
}

/// The next steps after logging: surf it, the plan's steps for what set it off, the people
/// and lines the plan's lookup puts first for this intensity and this moment.
fn next_steps(cx: &Cx<'_>, u: &Urge) -> Result<Vec<NextStep>> {
    let mut steps = vec![NextStep {
        text: "Surf it now".into(),
        detail: Some("Watch the wave rise, peak and pass, with a timer and gentle prompts.".into()),
        action: Some(NextStepAction::Surf),
        contact: None,
    }];
    let query = LookupQuery { text: lookup_text(u), intensity: Some(u.intensity), ..LookupQuery::default() };
    let found = cx.store.find_in_plan(&query)?;
    let contacts: Vec<NextStep> = found
        .contacts
        .iter()
        .filter(|c| c.reachable_now)
        .take(3)
        .map(|c| NextStep {
            text: c.contact.name.clone(),
            detail: Some(if c.professional { "Can help now".to_string() } else { "Reachable now".to_string() }),
            action: None,
            contact: Some(plan::contact_card(c)),
        })
        .collect();
    let strategies: Vec<NextStep> = found
        .strategies
        .iter()
        .filter(|s| s.source != StrategySource::Suggestion || found.strategies.len() <= STRATEGY_STEPS)
        .take(STRATEGY_STEPS)
        .map(|s| NextStep {
            text: s.text.clone(),
            detail: s.item_name.as_ref().map(|n| format!("From your plan for \"{n}\"")),
            action: s.id.map(|id| NextStepAction::UseStrategy { strategy_id: id.to_string() }),
            contact: None,
        })
        .collect();
    if found.high_intensity {
        steps.extend(contacts);
        steps.extend(strategies);
    } else {
        steps.extend(strategies);
        steps.extend(contacts);
    }
    steps.push(NextStep {
        text: "Open my plan".into(),
        detail: None,
        action: Some(NextStepAction::OpenPlan),
        contact: None,
    });
    Ok(steps)
}
