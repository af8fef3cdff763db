//! A slip, met with curiosity: write what happened, then the chain analysis one step at a
//! time (each answer stored at once, so it resumes where it was left, even days later), the
//! self-compassion prompt, and what the analysis suggests adding to the plan.

use super::app::{Cx, Nav, Reaction};
use super::common::Notice;
use super::crisis::check;
use crate::error::Result;
use crate::id::RecordId;
use crate::slip::compassion::{AFTER_ANALYSIS, AFTER_LOGGING};
use crate::slip::{
    ChainAnswer, ChainStep, LinkAlternative, LinkKind, NewChainLink, NewSlip, PlanSuggestion, Slip, Vulnerability,
    VulnerabilityFactor,
};

/// Where the screen is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum SlipStage {
    /// What happened, in the person's words.
    Write,
    /// A step of the chain analysis.
    Chain,
    /// Every step answered or skipped.
    Finished,
}

/// What kind of answer the current step takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum ChainInput {
    /// Tap the factors that applied (and optionally say more).
    Factors,
    /// Words.
    Text,
    /// The links, in order: each a kind and words.
    Links,
    /// For each link, what to try instead.
    Alternatives,
}

/// A kind of link, with its words.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct LinkKindChoice {
    pub kind: LinkKind,
    pub label: String,
}

/// A vulnerability factor to tap.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct FactorChoice {
    pub factor: VulnerabilityFactor,
    pub label: String,
    pub selected: bool,
}

/// A link already written (for the alternatives step, and to edit the links).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct LinkLine {
    pub kind: LinkKind,
    pub kind_label: String,
    pub text: String,
    pub instead: Option<String>,
}

/// One suggestion to add to the plan.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SuggestionLine {
    pub text: String,
    /// "Add as a warning sign", "Add as a coping strategy for 'lonely'".
    pub label: String,
}

/// A slip.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SlipView {
    pub stage: SlipStage,
    pub what_label: String,
    pub what_hint: String,
    /// Said first after a slip is written: the longer view, never a count reset to zero.
    pub progress: Vec<String>,
    pub kind_words: String,
    pub compassion_prompt: String,
    /// "Step 3 of 8".
    pub step_label: String,
    pub step: Option<ChainStep>,
    pub question: String,
    pub hint: String,
    pub input: ChainInput,
    pub factors: Vec<FactorChoice>,
    pub link_kinds: Vec<LinkKindChoice>,
    pub links: Vec<LinkLine>,
    /// The earlier answer to this step, to edit (text steps).
    pub answer: String,
    pub next_label: String,
    pub skip_label: String,
    pub later_label: String,
    pub suggestions_heading: String,
    pub suggestions: Vec<SuggestionLine>,
    pub done_label: String,
}

/// What the person does.
#[derive(Clone, Debug)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum SlipAction {
    /// Save what happened (the slip is logged).
    Write {
        what: String,
    },
    AnswerFactors {
        factors: Vec<VulnerabilityFactor>,
        note: Option<String>,
    },
    AnswerText {
        text: String,
    },
    AnswerLinks {
        links: Vec<NewChainLink>,
    },
    AnswerAlternatives {
        items: Vec<LinkAlternative>,
    },
    /// Leave this step out.
    SkipStep,
    /// Stop for now; it waits on Home.
    Later,
    /// Add the suggestion at this index to the plan.
    AddToPlan {
        index: u32,
    },
    Done,
}

pub(crate) struct SlipScreen {
    slip: Option<Slip>,
    urge: Option<RecordId>,
}

impl SlipScreen {
    pub fn new_slip() -> SlipScreen {
        SlipScreen { slip: None, urge: None }
    }

    /// A slip following an urge (a surf ended with "I acted on it").
    pub fn for_urge(urge: Option<RecordId>) -> SlipScreen {
        SlipScreen { slip: None, urge }
    }

    /// Pick up an analysis where it was left.
    pub fn resume(cx: &Cx<'_>, slip_id: &str) -> Result<SlipScreen> {
        Ok(SlipScreen { slip: Some(cx.store.slip(RecordId::parse(slip_id)?)?), urge: None })
    }

    pub fn view(&self, cx: &Cx<'_>) -> Result<SlipView> {
        let step = self.slip.as_ref().and_then(|s| s.chain.next_step());
        let stage = match (&self.slip, step) {
            (None, _) => SlipStage::Write,
            (Some(_), Some(_)) => SlipStage::Chain,
            (Some(_), None) => SlipStage::Finished,
        };
        let progress = if self.slip.is_some() { super::home::progress_lines(cx, true)? } else { Vec::new() };
        let chain = self.slip.as_ref().map(|s| &s.chain);
        let links: Vec<LinkLine> = chain
            .map(|c| {
                c.links
                    .iter()
                    .map(|l| LinkLine {
                        kind: l.kind,
                        kind_label: link_label(l.kind).into(),
                        text: l.text.clone(),
                        instead: l.instead.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let chosen: Vec<VulnerabilityFactor> =
            chain.map(|c| c.vulnerabilities.iter().map(|v| v.factor).collect()).unwrap_or_default();
        Ok(SlipView {
            stage,
            what_label: "What happened?".into(),
            what_hint: "In a few words, as plainly as you like. Only you can read this.".into(),
            progress,
            kind_words: match stage {
                SlipStage::Finished => AFTER_ANALYSIS.into(),
                _ => AFTER_LOGGING.into(),
            },
            compassion_prompt: self.slip.as_ref().map(|s| s.compassion_prompt().to_string()).unwrap_or_default(),
            step_label: step
                .map(|s| {
                    format!(
                        "Step {} of {}",
                        ChainStep::ALL.iter().position(|x| *x == s).unwrap_or(0) + 1,
                        ChainStep::ALL.len()
                    )
                })
                .unwrap_or_default(),
            step,
            question: step.map(|s| s.question().to_string()).unwrap_or_default(),
            hint: step.map(|s| s.hint().to_string()).unwrap_or_default(),
            input: step.map(input_of).unwrap_or(ChainInput::Text),
            factors: VulnerabilityFactor::ALL
                .iter()
                .map(|f| FactorChoice { factor: *f, label: capitalised(f.describe()), selected: chosen.contains(f) })
                .collect(),
            link_kinds: LinkKind::ALL
                .iter()
                .map(|k| LinkKindChoice { kind: *k, label: link_label(*k).into() })
                .collect(),
            links,
            answer: match (step, chain) {
                (Some(s), Some(c)) => text_answer(s, c).unwrap_or_default(),
                _ => String::new(),
            },
            next_label: "Next".into(),
            skip_label: "Skip this step".into(),
            later_label: "Finish later".into(),
            suggestions_heading: "Add to your plan?".into(),
            suggestions: self.suggestions().iter().map(suggestion_line).collect(),
            done_label: "Done".into(),
        })
    }

    fn suggestions(&self) -> Vec<PlanSuggestion> {
        self.slip.as_ref().map(|s| s.plan_suggestions()).unwrap_or_default()
    }

    pub fn act(&mut self, cx: &mut Cx<'_>, action: SlipAction) -> Result<Reaction> {
        match (&self.slip, action) {
            (None, SlipAction::Write { what }) => {
                let crisis = check(cx, &[&what])?;
                let slip = cx.store.log_slip(NewSlip { what, urge: self.urge, ..NewSlip::default() })?;
                self.slip = Some(slip);
                Ok(Reaction::notice(Notice::saved("Saved.")).with_crisis(crisis))
            }
            (None, SlipAction::Later | SlipAction::Done) => Ok(Reaction::nav(Nav::Pop)),
            (None, _) => Err(super::app::not_now()),
            (Some(_), SlipAction::Later) => Ok(Reaction::nav(Nav::Pop)
                .with_notice(Notice::info("It will wait on the home screen whenever you want to come back to it."))),
            (Some(_), SlipAction::Done) => Ok(Reaction::nav(Nav::Pop)),
            (Some(s), SlipAction::AddToPlan { index }) => {
                let suggestion =
                    s.plan_suggestions().into_iter().nth(index as usize).ok_or_else(super::app::not_now)?;
                self.slip = Some(cx.store.add_to_plan_from_slip(s.id, suggestion)?);
                Ok(Reaction::notice(Notice::saved("Added to your plan.")))
            }
            (Some(s), SlipAction::Write { what }) => {
                let crisis = check(cx, &[&what])?;
                let edit = crate::slip::SlipEdit { what: Some(what), ..Default::default() };
                self.slip = Some(cx.store.edit_slip(s.id, edit)?);
                Ok(Reaction::notice(Notice::saved("Saved.")).with_crisis(crisis))
            }
            (Some(s), action) => {
                let crisis = check(cx, &words_of(&action).iter().map(String::as_str).collect::<Vec<_>>())?;
                let step = s.chain.next_step().ok_or_else(super::app::not_now)?;
                let answer = answer_for(step, action)?;
                self.slip = Some(cx.store.answer_chain(s.id, answer)?);
                Ok(Reaction::default().with_crisis(crisis))
            }
        }
    }
}

/// Every word typed in an answer (for the risk check).
fn words_of(action: &SlipAction) -> Vec<String> {
    match action {
        SlipAction::AnswerText { text } => vec![text.clone()],
        SlipAction::AnswerFactors { note, .. } => note.iter().cloned().collect(),
        SlipAction::AnswerLinks { links } => {
            links.iter().flat_map(|l| std::iter::once(l.text.clone()).chain(l.instead.clone())).collect()
        }
        SlipAction::AnswerAlternatives { items } => items.iter().map(|i| i.instead.clone()).collect(),
        _ => Vec::new(),
    }
}

fn input_of(step: ChainStep) -> ChainInput {
    match step {
        ChainStep::Vulnerabilities => ChainInput::Factors,
        ChainStep::Links => ChainInput::Links,
        ChainStep::Alternatives => ChainInput::Alternatives,
        _ => ChainInput::Text,
    }
}

/// The chain answer for `step` from what the person did on its form.
fn answer_for(step: ChainStep, action: SlipAction) -> Result<ChainAnswer> {
    Ok(match (step, action) {
        (_, SlipAction::SkipStep) => ChainAnswer::Skip { step },
        (ChainStep::Vulnerabilities, SlipAction::AnswerFactors { factors, note }) => {
            let note = note.map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
            let mut items: Vec<Vulnerability> =
                factors.iter().map(|f| Vulnerability { factor: *f, note: None }).collect();
            // Words go with "something else" when chosen, else with the first factor.
            let target = items.iter().position(|v| v.factor == VulnerabilityFactor::Other).unwrap_or(0);
            if let Some(v) = items.get_mut(target) {
                v.note = note;
            }
            ChainAnswer::Vulnerabilities { items }
        }
        (ChainStep::Links, SlipAction::AnswerLinks { links }) => ChainAnswer::Links { links },
        (ChainStep::Alternatives, SlipAction::AnswerAlternatives { items }) => ChainAnswer::Alternatives { items },
        (ChainStep::PromptingEvent, SlipAction::AnswerText { text }) => ChainAnswer::PromptingEvent { text },
        (ChainStep::Consequences, SlipAction::AnswerText { text }) => ChainAnswer::Consequences { text },
        (ChainStep::Repair, SlipAction::AnswerText { text }) => ChainAnswer::Repair { text },
        (ChainStep::Commitment, SlipAction::AnswerText { text }) => ChainAnswer::Commitment { text },
        (ChainStep::SelfCompassion, SlipAction::AnswerText { text }) => ChainAnswer::SelfCompassion { text },
        _ => return Err(super::app::not_now()),
    })
}

fn text_answer(step: ChainStep, c: &crate::slip::ChainAnalysis) -> Option<String> {
    match step {
        ChainStep::PromptingEvent => c.prompting_event.clone(),
        ChainStep::Consequences => c.consequences.clone(),
        ChainStep::Repair => c.repair.clone(),
        ChainStep::Commitment => c.commitment.clone(),
        ChainStep::SelfCompassion => c.self_compassion.clone(),
        _ => None,
    }
}

fn link_label(k: LinkKind) -> &'static str {
    match k {
        LinkKind::Thought => "A thought",
        LinkKind::Feeling => "A feeling",
        LinkKind::Sensation => "Something in my body",
        LinkKind::Action => "Something I did",
        LinkKind::Event => "Something that happened",
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

fn suggestion_line(s: &PlanSuggestion) -> SuggestionLine {
    let label = match (&s.for_item, s.part) {
        (Some(item), crate::slip::PlanPart::Strategy) => format!("Add as a coping strategy for \"{item}\""),
        (_, part) => format!("Add as {}", part.describe()),
    };
    SuggestionLine { text: s.text.clone(), label }
}
