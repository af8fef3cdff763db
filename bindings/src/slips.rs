//! Slips, met with curiosity: log one (optionally tied to an urge), take it through the
//! guided chain analysis one answer at a time (each answer durable at once, so it resumes
//! where it was left), read the self-compassion prompt, and turn what was learned into a plan
//! change ("add this to my plan").
//!
//! Store calls do disk I/O: call them off the main thread. [`slip_guide`] and
//! [`chain_step_text`] are pure.

use chrono::NaiveDate;
use companion_core::plan::model::CopingPlan;
use companion_core::slip::{ChainAnswer, ChainStatus, ChainStep, NewSlip, PlanSuggestion, Slip, SlipEdit, SlipListing};

use crate::companion::CompanionCore;
use crate::error::Result;
use crate::urges::parse_id;

/// What the app shows next for a slip: where the analysis stands, the next question, the
/// self-compassion prompt, and what it suggests adding to the plan.
#[derive(Debug, uniffi::Record)]
pub struct SlipGuide {
    pub status: ChainStatus,
    /// The step the guided analysis resumes at (`None` once complete).
    pub next_step: Option<ChainStep>,
    pub compassion_prompt: String,
    /// What the analysis suggests adding to the coping plan, minus what was already added.
    pub plan_suggestions: Vec<PlanSuggestion>,
}

/// The words of one step of the chain analysis.
#[derive(Debug, uniffi::Record)]
pub struct ChainStepText {
    pub question: String,
    pub hint: String,
}

/// A slip after "add this to my plan", and the plan as it now stands.
#[derive(Debug, uniffi::Record)]
pub struct SlipPlanResult {
    pub slip: Slip,
    pub plan: CopingPlan,
}

#[uniffi::export]
impl CompanionCore {
    /// Log a slip. `occurred` defaults to the linked urge's time, else now. Durable at once.
    pub fn log_slip(&self, slip: NewSlip) -> Result<Slip> {
        Ok(self.store()?.log_slip(slip)?)
    }

    /// One slip with its analysis.
    pub fn slip(&self, id: String) -> Result<Slip> {
        Ok(self.store()?.slip(parse_id(&id)?)?)
    }

    /// Change a slip's own fields (what, when, the linked urge).
    pub fn edit_slip(&self, id: String, edit: SlipEdit) -> Result<Slip> {
        Ok(self.store()?.edit_slip(parse_id(&id)?, edit)?)
    }

    /// Delete a slip and everything written about it (a linked urge entry stays).
    pub fn delete_slip(&self, id: String) -> Result<()> {
        Ok(self.store()?.delete_slip(parse_id(&id)?)?)
    }

    /// Save one answer of the guided chain analysis (or skip a step). Answering a step again
    /// replaces its earlier answer.
    pub fn answer_chain(&self, id: String, answer: ChainAnswer) -> Result<Slip> {
        Ok(self.store()?.answer_chain(parse_id(&id)?, answer)?)
    }

    /// Slips on local days `from..=to` (either end open), oldest first.
    pub fn slips(&self, from: Option<NaiveDate>, to: Option<NaiveDate>) -> Result<SlipListing> {
        Ok(self.store()?.slips(from, to)?)
    }

    /// What slip `id`'s analysis suggests adding to the plan as it stands now (minus what the
    /// plan already holds, the same or nearly the same), each saying why.
    pub fn slip_plan_suggestions(&self, id: String) -> Result<Vec<PlanSuggestion>> {
        Ok(self.store()?.slip_plan_suggestions(parse_id(&id)?)?)
    }

    /// The slip to analyse when none is chosen: the analysis left unfinished most recently,
    /// else the latest slip (its id); `None` when no slip was logged.
    pub fn slip_to_analyze(&self) -> Result<Option<String>> {
        Ok(self.store()?.slip_to_analyze()?.map(|id| id.to_text()))
    }

    /// Slips whose analysis was started and not finished, most recent first.
    pub fn unfinished_chain_analyses(&self) -> Result<SlipListing> {
        Ok(self.store()?.unfinished_chain_analyses()?)
    }

    /// "Add this to my plan": apply one suggestion of the slip's analysis to the coping plan
    /// and remember it on the slip.
    pub fn add_to_plan_from_slip(&self, slip_id: String, suggestion: PlanSuggestion) -> Result<SlipPlanResult> {
        let store = self.store()?;
        let slip = store.add_to_plan_from_slip(parse_id(&slip_id)?, suggestion)?;
        Ok(SlipPlanResult { slip, plan: store.plan()?.plan })
    }
}

/// Where a slip's analysis stands and what to offer next. No I/O.
#[uniffi::export]
pub fn slip_guide(slip: Slip) -> SlipGuide {
    SlipGuide {
        status: slip.chain.status(),
        next_step: slip.chain.next_step(),
        compassion_prompt: slip.compassion_prompt().to_string(),
        plan_suggestions: slip.plan_suggestions(),
    }
}

/// The question and hint of one step of the chain analysis. No I/O.
#[uniffi::export]
pub fn chain_step_text(step: ChainStep) -> ChainStepText {
    ChainStepText { question: step.question().to_string(), hint: step.hint().to_string() }
}
