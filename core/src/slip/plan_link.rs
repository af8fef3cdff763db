//! "Add this to my plan": turning what a chain analysis showed into changes to the coping plan.
//!
//! From an analysis the app suggests, in the person's own words:
//! - each vulnerability factor as a trigger ("tired", "lonely", ...);
//! - the prompting event as a trigger (when short enough to be a name);
//! - thoughts, feelings, sensations and actions of the chain as warning signs, events as
//!   triggers;
//! - each "what to try instead" as a coping strategy for the link it belongs to (or for the
//!   prompting event), or, when its words are about surroundings ("leave the room", "put the
//!   phone away"), as a change that makes the environment safer;
//! - the commitment the same way;
//! - the consequences as a reason for recovery.
//!
//! The person picks which to add (and may reword them or choose another kind of strategy);
//! [`Store::add_to_plan_from_slip`] applies it through the plan's own
//! [`Store::apply_plan_change`] and records it on the slip, so the app can show "added to your
//! plan" and never offers it twice. Adding what the plan already holds changes nothing.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::chain::{ChainAnalysis, LinkKind, VulnerabilityFactor};
use super::{get_slip_tx, put_slip, Slip};
use crate::error::{Error, Result};
use crate::id::RecordId;
use crate::plan::{PlanChange, StrategyKind};
use crate::store::Store;
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
    /// For a strategy: what kind it is (guessed from the words; the person may change it).
    pub kind: Option<StrategyKind>,
}

impl PlanSuggestion {
    /// The plan change this suggestion stands for.
    pub fn to_change(&self) -> Result<PlanChange> {
        let text = self.text.clone();
        Ok(match self.part {
            PlanPart::WarningSign => PlanChange::AddWarningSign { text },
            PlanPart::Trigger => PlanChange::AddTrigger { name: text },
            PlanPart::Strategy => PlanChange::AddStrategy {
                for_item: self
                    .for_item
                    .clone()
                    .ok_or_else(|| Error::invalid("for", "name the trigger or warning sign this strategy is for"))?,
                kind: self.kind.unwrap_or_else(|| StrategyKind::guess(&text)),
                text,
            },
            PlanPart::EnvironmentChange => PlanChange::AddEnvironmentChange { text },
            PlanPart::Reason => PlanChange::AddReason { text },
        })
    }
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
    pub kind: Option<StrategyKind>,
    /// When it was added (UTC milliseconds).
    pub added_utc_ms: i64,
}

impl fmt::Debug for PlanAddition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PlanAddition({:?}, <redacted>)", self.part)
    }
}

impl PlanAddition {
    fn matches_addition(&self, o: &PlanAddition) -> bool {
        self.matches(&PlanSuggestion { part: o.part, text: o.text.clone(), for_item: o.for_item.clone(), kind: o.kind })
    }

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

impl Store {
    /// "Add this to my plan": apply a suggestion (as offered, or reworded) to the coping plan
    /// and record it on the slip. Adding what the plan already holds changes nothing there.
    pub fn add_to_plan_from_slip(&self, slip: RecordId, suggestion: PlanSuggestion) -> Result<Slip> {
        // The slip must exist before the plan changes.
        let before = self.slip(slip)?;
        let change = suggestion.to_change()?;
        let mut added: Vec<PlanSuggestion> = Vec::new();
        // A strategy for a thought, feeling, sensation or action of the chain belongs under that
        // warning sign: add the sign first (the plan would otherwise file it as a trigger).
        if let PlanChange::AddStrategy { for_item, .. } = &change {
            let is_sign = before
                .chain
                .links
                .iter()
                .any(|l| l.kind != LinkKind::Event && text::fold(&l.text) == text::fold(for_item));
            if is_sign {
                self.apply_plan_change(PlanChange::AddWarningSign { text: for_item.clone() })?;
                added.push(PlanSuggestion {
                    part: PlanPart::WarningSign,
                    text: for_item.clone(),
                    for_item: None,
                    kind: None,
                });
            }
        }
        let kind = match &change {
            PlanChange::AddStrategy { kind, .. } => Some(*kind),
            _ => None,
        };
        self.apply_plan_change(change)?;
        added.push(PlanSuggestion { kind, ..suggestion });
        // A separate transaction from the plan's: should it fail, the plan already holds the
        // change and adding it again (when offered again) changes nothing.
        let now = self.clock().now().timestamp_millis();
        self.write(|tx| {
            let mut s = get_slip_tx(tx, slip)?;
            for a in &added {
                let addition = PlanAddition {
                    part: a.part,
                    text: a.text.clone(),
                    for_item: a.for_item.clone(),
                    kind: a.kind,
                    added_utc_ms: now,
                };
                if !s.plan_additions.iter().any(|x| x.matches_addition(&addition)) {
                    s.plan_additions.push(addition);
                }
            }
            put_slip(tx, &s)?;
            Ok(s)
        })
    }
}

/// Suggestions from an analysis, minus those already added. Order: triggers, warning signs,
/// strategies, reasons (the order of the plan).
pub fn suggestions(chain: &ChainAnalysis, already: &[PlanAddition]) -> Vec<PlanSuggestion> {
    let mut out: Vec<PlanSuggestion> = Vec::new();
    let push = |out: &mut Vec<PlanSuggestion>, s: PlanSuggestion| {
        let dup = out.iter().any(|o: &PlanSuggestion| {
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
            push(&mut out, PlanSuggestion { part: PlanPart::Trigger, text: n, for_item: None, kind: None });
        }
    }
    let prompt = chain.prompting_event.as_deref().and_then(as_name);
    if let Some(p) = &prompt {
        push(&mut out, PlanSuggestion { part: PlanPart::Trigger, text: p.clone(), for_item: None, kind: None });
    }
    for l in &chain.links {
        let Some(name) = as_name(&l.text) else { continue };
        let part = if l.kind == LinkKind::Event { PlanPart::Trigger } else { PlanPart::WarningSign };
        push(&mut out, PlanSuggestion { part, text: name, for_item: None, kind: None });
    }
    // A strategy needs something it is for: its link, else the prompting event, else the
    // first trigger named among the vulnerabilities.
    let fallback = prompt.clone().or_else(|| out.iter().find(|s| s.part == PlanPart::Trigger).map(|s| s.text.clone()));
    let mut strategies: Vec<PlanSuggestion> = Vec::new();
    let mut strategy = |words: &str, for_item: Option<String>| {
        let kind = StrategyKind::guess(words);
        if kind == StrategyKind::ChangeEnvironment {
            strategies.push(PlanSuggestion {
                part: PlanPart::EnvironmentChange,
                text: words.to_string(),
                for_item: None,
                kind: None,
            });
        } else if let Some(item) = for_item.or_else(|| fallback.clone()) {
            strategies.push(PlanSuggestion {
                part: PlanPart::Strategy,
                text: words.to_string(),
                for_item: Some(item),
                kind: Some(kind),
            });
        }
    };
    for l in &chain.links {
        if let Some(instead) = &l.instead {
            strategy(instead, as_name(&l.text));
        }
    }
    if let Some(c) = &chain.commitment {
        strategy(c, prompt.clone());
    }
    for s in strategies {
        push(&mut out, s);
    }
    if let Some(c) = &chain.consequences {
        push(&mut out, PlanSuggestion { part: PlanPart::Reason, text: c.clone(), for_item: None, kind: None });
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
                NewChainLink {
                    kind: LinkKind::Thought,
                    text: "I deserve a break".into(),
                    instead: Some("text Sam".into()),
                },
                NewChainLink {
                    kind: LinkKind::Event,
                    text: "saw an ad".into(),
                    instead: Some("leave the room".into()),
                },
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
                (PlanPart::EnvironmentChange, "leave the room"),
                (PlanPart::EnvironmentChange, "phone charges in the kitchen"),
            ]
        );
        assert_eq!(s[5].for_item.as_deref(), Some("I deserve a break"));
        assert_eq!(s[5].kind, Some(StrategyKind::ReachOut));
        assert!(matches!(s[5].to_change().unwrap(), PlanChange::AddStrategy { .. }));
        // Without a prompting event or a link name, the first trigger stands in.
        let mut bare = ChainAnalysis::default();
        bare.apply(ChainAnswer::Vulnerabilities {
            items: vec![Vulnerability { factor: VulnerabilityFactor::Stress, note: None }],
        })
        .unwrap();
        bare.apply(ChainAnswer::Commitment { text: "call Sam on Fridays".into() }).unwrap();
        let b = suggestions(&bare, &[]);
        assert_eq!(b[1].for_item.as_deref(), Some("stressed"));
        let added = PlanAddition {
            part: PlanPart::Trigger,
            text: "Lonely".into(),
            for_item: None,
            kind: None,
            added_utc_ms: 0,
        };
        assert!(!suggestions(&c, &[added]).iter().any(|x| x.text == "lonely"));
    }
}
