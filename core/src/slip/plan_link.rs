//! "Add this to my plan": turning what a chain analysis showed into changes to the coping plan.
//!
//! From an analysis the app suggests, in the person's own words:
//! - each vulnerability factor as a trigger ("tired", "lonely", ...);
//! - the prompting event as a trigger (when short enough to be a name);
//! - thoughts, feelings, sensations and actions of the chain as warning signs, events as
//!   triggers;
//! - each "what to try instead" as a coping strategy for the link it belongs to;
//! - the commitment as a strategy for the prompting event;
//! - the consequences as a reason for recovery.
//!
//! The person picks which to add (and may reword them); each one added is recorded on the slip,
//! so the app can show "added to your plan" and never offers it twice.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::chain::{ChainAnalysis, LinkKind, VulnerabilityFactor};
use crate::text;

/// Which part of the plan a suggestion goes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum PlanPart {
    WarningSign,
    Trigger,
    /// A coping strategy for a trigger or warning sign (`for_item`).
    Strategy,
    EnvironmentChange,
    Reason,
}

impl PlanPart {
    pub fn as_str(self) -> &'static str {
        match self {
            PlanPart::WarningSign => "warning-sign",
            PlanPart::Trigger => "trigger",
            PlanPart::Strategy => "strategy",
            PlanPart::EnvironmentChange => "environment-change",
            PlanPart::Reason => "reason",
        }
    }

    /// Words for people: "a warning sign", "a coping strategy for ...".
    pub fn describe(self) -> &'static str {
        match self {
            PlanPart::WarningSign => "a warning sign",
            PlanPart::Trigger => "a trigger",
            PlanPart::Strategy => "a coping strategy",
            PlanPart::EnvironmentChange => "a change to make your surroundings safer",
            PlanPart::Reason => "a reason for your recovery",
        }
    }
}

/// One change the app suggests adding to the plan.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct PlanSuggestion {
    pub part: PlanPart,
    /// The words to add.
    pub text: String,
    /// For a strategy: the trigger or warning sign it is for.
    pub for_item: Option<String>,
}

impl fmt::Debug for PlanSuggestion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PlanSuggestion({:?}, <redacted>)", self.part)
    }
}

/// A change that was added to the plan from a slip.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct PlanAddition {
    pub part: PlanPart,
    pub text: String,
    pub for_item: Option<String>,
    /// When it was added (UTC milliseconds).
    pub added_utc_ms: i64,
}

impl fmt::Debug for PlanAddition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PlanAddition({:?}, <redacted>)", self.part)
    }
}

impl PlanAddition {
    fn matches(&self, s: &PlanSuggestion) -> bool {
        self.part == s.part
            && text::fold(&self.text) == text::fold(&s.text)
            && self.for_item.as_deref().map(text::fold) == s.for_item.as_deref().map(text::fold)
    }
}

/// A trigger name for a vulnerability factor, in the words of the built-in trigger list.
fn factor_trigger(f: VulnerabilityFactor) -> Option<&'static str> {
    Some(match f {
        VulnerabilityFactor::Sleep => "can't sleep",
        VulnerabilityFactor::Stress => "stressed",
        VulnerabilityFactor::Loneliness => "lonely",
        VulnerabilityFactor::Substances => "alcohol or drugs",
        VulnerabilityFactor::Hunger => "hungry",
        VulnerabilityFactor::Illness => "ill or in pain",
        VulnerabilityFactor::Conflict => "after an argument",
        VulnerabilityFactor::Boredom => "bored",
        VulnerabilityFactor::Exhaustion => "tired",
        VulnerabilityFactor::Other => return None,
    })
}

/// Short enough to be the name of a trigger or warning sign (one line, a label's length).
fn as_name(t: &str) -> Option<String> {
    if t.contains('\n') {
        return None;
    }
    text::label("name", t, text::LABEL_MAX_CHARS).ok()
}

/// Suggestions from an analysis, minus those already added. Order: triggers, warning signs,
/// strategies, reasons (the order of the plan).
pub fn suggestions(chain: &ChainAnalysis, already: &[PlanAddition]) -> Vec<PlanSuggestion> {
    let mut out: Vec<PlanSuggestion> = Vec::new();
    let mut push = |s: PlanSuggestion| {
        let dup = out.iter().any(|o| {
            o.part == s.part
                && text::fold(&o.text) == text::fold(&s.text)
                && o.for_item.as_deref().map(text::fold) == s.for_item.as_deref().map(text::fold)
        });
        if !dup && !already.iter().any(|a| a.matches(&s)) {
            out.push(s);
        }
    };
    for v in &chain.vulnerabilities {
        let name = match (factor_trigger(v.factor), v.note.as_deref().and_then(as_name)) {
            (Some(n), _) => Some(n.to_string()),
            (None, note) => note,
        };
        if let Some(n) = name {
            push(PlanSuggestion { part: PlanPart::Trigger, text: n, for_item: None });
        }
    }
    let prompt = chain.prompting_event.as_deref().and_then(as_name);
    if let Some(p) = &prompt {
        push(PlanSuggestion { part: PlanPart::Trigger, text: p.clone(), for_item: None });
    }
    for l in &chain.links {
        let Some(name) = as_name(&l.text) else { continue };
        let part = if l.kind == LinkKind::Event { PlanPart::Trigger } else { PlanPart::WarningSign };
        push(PlanSuggestion { part, text: name, for_item: None });
    }
    for l in &chain.links {
        if let Some(instead) = &l.instead {
            push(PlanSuggestion {
                part: PlanPart::Strategy,
                text: instead.clone(),
                for_item: as_name(&l.text).or_else(|| prompt.clone()),
            });
        }
    }
    if let Some(c) = &chain.commitment {
        push(PlanSuggestion { part: PlanPart::Strategy, text: c.clone(), for_item: prompt.clone() });
    }
    if let Some(c) = &chain.consequences {
        push(PlanSuggestion { part: PlanPart::Reason, text: c.clone(), for_item: None });
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::slip::chain::{ChainAnswer, NewChainLink, Vulnerability};

    #[test]
    fn suggestions_follow_the_chain_and_skip_what_was_added() {
        let mut c = ChainAnalysis::default();
        c.apply(ChainAnswer::Vulnerabilities {
            items: vec![
                Vulnerability { factor: VulnerabilityFactor::Loneliness, note: None },
                Vulnerability { factor: VulnerabilityFactor::Other, note: Some("deadline at work".into()) },
            ],
        })
        .unwrap();
        c.apply(ChainAnswer::PromptingEvent { text: "scrolling in bed".into() }).unwrap();
        c.apply(ChainAnswer::Links {
            links: vec![
                NewChainLink { kind: LinkKind::Thought, text: "I deserve a break".into(), instead: Some("text Sam".into()) },
                NewChainLink { kind: LinkKind::Event, text: "saw an ad".into(), instead: None },
            ],
        })
        .unwrap();
        c.apply(ChainAnswer::Commitment { text: "phone charges in the kitchen".into() }).unwrap();
        let s = suggestions(&c, &[]);
        let parts: Vec<(PlanPart, &str)> = s.iter().map(|x| (x.part, x.text.as_str())).collect();
        assert_eq!(
            parts,
            vec![
                (PlanPart::Trigger, "lonely"),
                (PlanPart::Trigger, "deadline at work"),
                (PlanPart::Trigger, "scrolling in bed"),
                (PlanPart::WarningSign, "I deserve a break"),
                (PlanPart::Trigger, "saw an ad"),
                (PlanPart::Strategy, "text Sam"),
                (PlanPart::Strategy, "phone charges in the kitchen"),
            ]
        );
        assert_eq!(s[5].for_item.as_deref(), Some("I deserve a break"));
        assert_eq!(s[6].for_item.as_deref(), Some("scrolling in bed"));
        let added = PlanAddition { part: PlanPart::Trigger, text: "Lonely".into(), for_item: None, added_utc_ms: 0 };
        assert!(!suggestions(&c, &[added]).iter().any(|x| x.text == "lonely"));
    }
}
