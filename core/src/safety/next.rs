//! What comes next after a hard moment, decided once here so the terminal client and the
//! apps give the same answer.
//!
//! After an urge is logged ([`Store::after_urge`]):
//! 1. words of suicide or self-harm anywhere in the entry: the crisis step first, whatever
//!    the intensity;
//! 2. at or above the person's high mark ([`Store::high_mark`], by default [`HIGH_MARK`], 0-10): surf it now (a session that continues
//!    this entry, so it stays one urge), the plan's steps for what set it off, a person who
//!    can be reached now with how to reach them, then crisis lines and the emergency number.
//!    A strong sexual urge is not a suicidal crisis: people come before crisis lines;
//! 3. logged as acted on: the slip and its chain analysis, instead of surfing;
//! 4. below the high mark, or already ridden out: nothing more than the crisis step when
//!    there were risk words (the entry is saved).
//!
//! After a surf session ends ([`Store::after_surf`]): "acted" offers the slip and its chain
//! analysis; "still strong" offers the plan's steps, a person and crisis lines.

use std::fmt;

use super::crisis::{CrisisStep, EmergencyNumber};
use super::flags::concern_of;
use super::risk::RiskConcern;
use crate::error::Result;
use crate::id::RecordId;
use crate::plan::{ContactStep, LookupQuery, PlanIndex, RankedStrategy, StrategySource};
use crate::store::Store;
use crate::surf::SurfOutcome;
use crate::urge::Outcome;

/// Intensity (0-10) from which an urge is strong and next steps are offered, unless the
/// person chose another ([`super::SafetySettings::high_mark`]).
pub const HIGH_MARK: u8 = crate::plan::HIGH_INTENSITY;
/// At most this many of the plan's strategies among the next steps.
pub const MAX_PLAN_STEPS: usize = 3;

/// One thing the person can do next, in the order offered.
#[derive(Clone, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum NextStepOffer {
    /// Risk words: the crisis step, shown before anything else.
    Crisis { step: CrisisStep },
    /// Ride the urge out now, in a surf session that continues this entry.
    SurfNow { urge: RecordId },
    /// A step of the coping plan for what set the urge off.
    PlanStrategy { strategy: RankedStrategy },
    /// Someone from the plan who can be reached now.
    ReachOut { contact: ContactStep },
    /// The plan's crisis lines and professionals, and the emergency number.
    CrisisLines { contacts: Vec<ContactStep>, emergency: EmergencyNumber },
    /// After acting on an urge: write the slip down, then look at the chain that led to it.
    LogSlip { urge: Option<RecordId> },
}

impl fmt::Debug for NextStepOffer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NextStepOffer::Crisis { .. } => "Crisis",
            NextStepOffer::SurfNow { .. } => "SurfNow",
            NextStepOffer::PlanStrategy { .. } => "PlanStrategy(<redacted>)",
            NextStepOffer::ReachOut { .. } => "ReachOut(<redacted>)",
            NextStepOffer::CrisisLines { .. } => "CrisisLines",
            NextStepOffer::LogSlip { .. } => "LogSlip",
        })
    }
}

impl NextStepOffer {
    /// A short line for a button or a numbered list.
    pub fn title(&self) -> String {
        match self {
            NextStepOffer::Crisis { .. } => "Get support now".to_string(),
            NextStepOffer::SurfNow { .. } => "Surf it now: watch it rise, peak and pass".to_string(),
            NextStepOffer::PlanStrategy { strategy } => match &strategy.item_name {
                Some(item) => format!("{} (your plan, for {item})", strategy.text),
                None => format!("{} (your plan)", strategy.text),
            },
            NextStepOffer::ReachOut { contact } => match &contact.contact.how {
                Some(how) => format!("Reach {} now: {how}", contact.contact.name),
                None => format!("Reach {} now", contact.contact.name),
            },
            NextStepOffer::CrisisLines { emergency, .. } => {
                format!("Crisis lines and professionals; in an emergency {}", emergency.number)
            }
            NextStepOffer::LogSlip { .. } => "Write down the slip and learn from it (chain analysis)".to_string(),
        }
    }
}

/// The next steps, with a line to say first.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct NextSteps {
    /// Risk words were found (the first step is then the crisis step).
    pub risk: Option<RiskConcern>,
    /// Words to the person before the steps (empty when there are no steps).
    pub message: String,
    pub steps: Vec<NextStepOffer>,
}

impl NextSteps {
    fn none() -> NextSteps {
        NextSteps { risk: None, message: String::new(), steps: Vec::new() }
    }
}

const STRONG_URGE: &str =
    "This is a strong urge. It will peak and pass, and you do not have to face it alone. Pick one step:";
const STILL_STRONG: &str = "It is still strong, and you stayed with it. One of these can help now:";
const AFTER_ACTING: &str =
    "Thank you for being honest. Acting on an urge is information to learn from, not a verdict on you.";

impl Store {
    /// The next steps after the urge entry `id` was logged or edited (see the module
    /// documentation). Empty for an urge below the high mark without risk words.
    pub fn after_urge(&self, id: RecordId) -> Result<NextSteps> {
        let u = self.urge(id)?;
        let risk = concern_of(&u);
        let strong = u.intensity >= self.high_mark();
        let ridden_out = u.outcome.is_some_and(|o| !o.acted());
        if risk.is_none() && (ridden_out || (!strong && u.outcome.is_none())) {
            return Ok(NextSteps::none());
        }
        let ix = self.plan_index()?;
        let now = self.local_now();
        let mut steps = Vec::new();
        if let Some(concern) = risk {
            steps.push(NextStepOffer::Crisis { step: ix.crisis_step(now, Some(concern)) });
        }
        let message = match u.outcome {
            Some(Outcome::Acted) => {
                steps.push(NextStepOffer::LogSlip { urge: Some(u.id) });
                AFTER_ACTING
            }
            // Ridden out already, or not strong: only the risk words need an answer, and the
            // crisis step gives it.
            Some(_) => "",
            None if !strong => "",
            None => {
                if u.surf_session.is_none() {
                    steps.push(NextStepOffer::SurfNow { urge: u.id });
                }
                let words: Vec<String> = u.triggers.iter().chain(&u.feelings).cloned().collect();
                self.support_steps(&ix, &words, u.intensity, risk, &mut steps)?;
                STRONG_URGE
            }
        };
        Ok(NextSteps { risk, message: message.to_string(), steps })
    }

    /// The next steps after surf session `id` ended: "acted" offers the slip and its chain
    /// analysis; "still strong" the plan's steps, a person and crisis lines; risk words in the
    /// session's notes, the crisis step first.
    pub fn after_surf(&self, id: RecordId) -> Result<NextSteps> {
        let s = self.surf_session(id)?;
        let risk = concern_of(&s);
        let outcome = s.ending.and_then(|e| e.outcome);
        if risk.is_none() && !matches!(outcome, Some(SurfOutcome::Acted | SurfOutcome::StillStrong)) {
            return Ok(NextSteps::none());
        }
        let ix = self.plan_index()?;
        let now = self.local_now();
        let mut steps = Vec::new();
        if let Some(concern) = risk {
            steps.push(NextStepOffer::Crisis { step: ix.crisis_step(now, Some(concern)) });
        }
        let message = match outcome {
            Some(SurfOutcome::Acted) => {
                steps.push(NextStepOffer::LogSlip { urge: s.urge });
                AFTER_ACTING
            }
            Some(SurfOutcome::StillStrong) => {
                let triggers = match s.urge.map(|u| self.urge(u)) {
                    Some(Ok(u)) => u.triggers.into_iter().chain(u.feelings).collect(),
                    _ => Vec::new(),
                };
                let high_mark = self.high_mark();
                let peak = s.summary().peak.unwrap_or(high_mark);
                self.support_steps(&ix, &triggers, peak.max(high_mark), risk, &mut steps)?;
                STILL_STRONG
            }
            // Passed, or the plan helped: only the risk words need an answer.
            _ => "",
        };
        Ok(NextSteps { risk, message: message.to_string(), steps })
    }

    /// The plan's steps for these words, a person reachable now, then (without risk words,
    /// which already showed them) the crisis lines. Only for a strong urge (at or above the
    /// person's high mark): the lookup is asked as at high intensity, so people come first.
    fn support_steps(
        &self,
        ix: &PlanIndex,
        words: &[String],
        intensity: u8,
        risk: Option<RiskConcern>,
        steps: &mut Vec<NextStepOffer>,
    ) -> Result<()> {
        let now = self.local_now();
        let intensity = intensity.max(crate::plan::HIGH_INTENSITY);
        let q = LookupQuery { text: words.join(", "), intensity: Some(intensity), ..Default::default() };
        let found = ix.lookup(&q, now)?;
        let for_moment = |s: &&RankedStrategy| {
            matches!(s.source, StrategySource::MatchedItem | StrategySource::General | StrategySource::Suggestion)
        };
        let plan_steps = found.strategies.iter().filter(for_moment).take(MAX_PLAN_STEPS).cloned();
        steps.extend(plan_steps.map(|strategy| NextStepOffer::PlanStrategy { strategy }));
        if let Some(person) = found.contacts.iter().find(|c| !c.professional && c.reachable_now) {
            steps.push(NextStepOffer::ReachOut { contact: person.clone() });
        }
        if risk.is_none() {
            let crisis = ix.crisis_step(now, None);
            steps.push(NextStepOffer::CrisisLines { contacts: crisis.contacts, emergency: crisis.emergency });
        }
        Ok(())
    }
}
