//! The next steps after an urge or a surf, as cards. Which steps, in which order, and the words
//! around them are the safety module's ([`crate::safety::NextSteps`]: the crisis step first
//! when words call for it; a strong sexual urge puts a person before crisis lines); this turns
//! each into a card with its button, and carries out the buttons that are not a screen's own.

use super::app::{Cx, Nav, Reaction, Screen};
use super::common::Notice;
use super::crisis::{call_emergency, crisis_view, CrisisView};
use super::plan::{contact_card, ContactCard, PlanScreen};
use super::slip::SlipScreen;
use crate::error::Result;
use crate::id::RecordId;
use crate::plan::UseContext;
use crate::safety::{NextStepOffer, NextSteps};

/// What a next step's button does.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum NextStepAction {
    /// Surf this urge now (the same entry: its wave is recorded on it).
    Surf,
    /// "I'm doing this now": a step of the plan.
    UseStrategy { strategy_id: String },
    /// Write the slip down, then the chain analysis.
    RecordSlip,
    /// Call the emergency number shown.
    CallEmergency,
    /// Open the plan for this moment.
    OpenPlan,
}

/// One next step, in the order to offer them.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct NextStepCard {
    pub text: String,
    pub detail: Option<String>,
    /// The button, when the step has one.
    pub action: Option<NextStepAction>,
    pub action_label: Option<String>,
    /// People or lines to call or text (their buttons send `Event::Contact`).
    pub contacts: Vec<ContactCard>,
    /// The crisis step, when this step is it.
    pub crisis: Option<CrisisView>,
}

fn card(text: String) -> NextStepCard {
    NextStepCard { text, detail: None, action: None, action_label: None, contacts: Vec::new(), crisis: None }
}

/// The cards for `steps`, in their order.
pub(crate) fn cards(steps: &NextSteps) -> Vec<NextStepCard> {
    steps
        .steps
        .iter()
        .map(|step| {
            let text = step.title();
            match step {
                NextStepOffer::Crisis { step } => NextStepCard { crisis: Some(crisis_view(step)), ..card(text) },
                NextStepOffer::SurfNow { .. } => NextStepCard {
                    action: Some(NextStepAction::Surf),
                    action_label: Some("Start surfing".into()),
                    ..card(text)
                },
                NextStepOffer::PlanStrategy { strategy } => NextStepCard {
                    action: strategy.id.map(|id| NextStepAction::UseStrategy { strategy_id: id.to_string() }),
                    action_label: strategy.id.map(|_| "I'm doing this now".to_string()),
                    ..card(text)
                },
                NextStepOffer::ReachOut { contact } => {
                    NextStepCard { contacts: vec![contact_card(contact)], ..card(text) }
                }
                NextStepOffer::CrisisLines { contacts, emergency } => NextStepCard {
                    detail: Some(emergency.sentence()),
                    contacts: contacts.iter().map(contact_card).collect(),
                    action: Some(NextStepAction::CallEmergency),
                    action_label: Some(format!("Call {}", emergency.number)),
                    ..card(text)
                },
                NextStepOffer::LogSlip { .. } => NextStepCard {
                    action: Some(NextStepAction::RecordSlip),
                    action_label: Some("Write it down".into()),
                    ..card(text)
                },
            }
        })
        .collect()
}

/// Carry out a next step's button for the urge `urge` (Surf is the screen's own).
pub(crate) fn act(
    cx: &mut Cx<'_>,
    urge: Option<RecordId>,
    action: NextStepAction,
    moment: (&str, u8),
) -> Result<Reaction> {
    Ok(match action {
        NextStepAction::Surf => return Err(super::app::not_now()),
        NextStepAction::UseStrategy { strategy_id } => {
            let used = cx
                .store
                .start_strategy(RecordId::parse(&strategy_id)?, UseContext { urge, ..UseContext::default() })?;
            Reaction::notice(Notice::saved(format!(
                "Noted: \"{}\". Come back and say how it went when you can.",
                used.strategy_text
            )))
        }
        NextStepAction::RecordSlip => Reaction::nav(Nav::Replace(Screen::Slip(SlipScreen::for_urge(urge)))),
        NextStepAction::CallEmergency => Reaction::effect(call_emergency(cx)),
        NextStepAction::OpenPlan => Reaction::nav(Nav::Push(Screen::Plan(PlanScreen::for_moment(moment.0, moment.1)))),
    })
}
