//! The crisis step as a screen shows it. What it holds, its words and its order are the safety
//! module's ([`crate::safety::CrisisStep`]); this only turns it into cards and buttons.
//!
//! It appears first wherever it applies: among the next steps after an urge, above the plan's
//! lookup when the words typed call for it, on "Help now", and over any screen after words of
//! suicide or self-harm were typed in it (a slip, a chain analysis, a check-in, a goal, a line
//! of the plan), until the person closes it.

use super::app::{Cx, Effect};
use super::plan::{contact_card, ContactCard};
use crate::error::Result;
use crate::safety::CrisisStep;

/// The crisis step, ready to render.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct CrisisView {
    /// Words to the person, first.
    pub message: String,
    /// People from the plan who can be reached now.
    pub people_now: Vec<ContactCard>,
    /// The plan's crisis lines and professionals, those reachable now first.
    pub contacts: Vec<ContactCard>,
    /// The local emergency number, and the sentence saying which it is and why.
    pub emergency_number: String,
    pub emergency_text: String,
    /// The label of the button that calls it.
    pub call_emergency_label: String,
    /// "This app is not an emergency service."
    pub not_an_emergency_service: String,
    pub close_label: String,
}

pub(crate) fn crisis_view(step: &CrisisStep) -> CrisisView {
    CrisisView {
        message: step.message.clone(),
        people_now: step.people_now.iter().map(contact_card).collect(),
        contacts: step.contacts.iter().map(contact_card).collect(),
        emergency_number: step.emergency.number.clone(),
        emergency_text: step.emergency.sentence(),
        call_emergency_label: format!("Call {}", step.emergency.number),
        not_an_emergency_service: step.not_an_emergency_service.clone(),
        close_label: "Close".into(),
    }
}

/// The crisis step when any of `texts` holds words of suicide or self-harm.
pub(crate) fn check(cx: &Cx<'_>, texts: &[&str]) -> Result<Option<CrisisStep>> {
    let texts: Vec<String> = texts.iter().filter(|t| !t.trim().is_empty()).map(|t| t.to_string()).collect();
    if texts.is_empty() {
        return Ok(None);
    }
    cx.store.check_words(&texts)
}

/// Calling the emergency number shown.
pub(crate) fn call_emergency(cx: &Cx<'_>) -> Effect {
    Effect::Dial { number: cx.store.emergency_number().number }
}
