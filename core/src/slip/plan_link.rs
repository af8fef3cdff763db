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
//! Suggestions improve the plan, never damage it: nothing that is the same or nearly the same
//! as a trigger or warning sign already there (the lookup's own matcher decides, and a
//! strategy then goes under the item already there); never the behaviour itself as a warning
//! sign (an action of the chain that is what happened, or names acting out); never shame or
//! self-criticism as a reason for recovery. Each suggestion says why it is offered.
//!
//! The person picks which to add (and may reword them or choose another kind of strategy);
//! [`Store::add_to_plan_from_slip`] applies it through the plan's own
//! [`Store::apply_plan_change`] and records it on the slip, so the app can show "added to your
//! plan" and never offers it twice. Adding what the plan already holds changes nothing.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::chain::{ChainAnalysis, ChainLink, LinkKind, VulnerabilityFactor};
use super::Slip;
use crate::error::{Error, Result};
use crate::id::RecordId;
use crate::plan::matcher;
use crate::plan::{CopingPlan, PlanChange, PlanItem, StrategyKind};
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
    /// Why it is offered, in plain words.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    #[serde(default)]
    pub why: String,
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
        self.matches(&o.as_suggestion())
    }

    /// This addition as the suggestion it came from (for showing it).
    pub fn as_suggestion(&self) -> PlanSuggestion {
        PlanSuggestion {
            part: self.part,
            text: self.text.clone(),
            for_item: self.for_item.clone(),
            kind: self.kind,
            why: String::new(),
        }
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
    /// What slip `slip`'s analysis suggests adding to the coping plan as it stands now: minus
    /// what was added already and what the plan already holds (the same or nearly the same
    /// trigger or warning sign; a strategy for it then goes under the item already there).
    pub fn slip_plan_suggestions(&self, slip: RecordId) -> Result<Vec<PlanSuggestion>> {
        let s = self.slip(slip)?;
        let plan = self.plan()?.plan;
        Ok(against_plan(s.plan_suggestions(), &plan))
    }

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
                    why: String::new(),
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
            let mut s: Slip = tx.get(slip)?;
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
            tx.put(&s)?;
            Ok(crate::safety::flags::with_risk(s))
        })
    }
}

/// The item of `plan` that `name` is the same as or nearly the same as: every term of one is
/// a term of the other (by the lookup's matcher: typos, inflections, synonyms).
fn near_item<'p>(plan: &'p CopingPlan, name: &str) -> Option<&'p PlanItem> {
    if let Some(same) = plan.find_item(name) {
        return Some(same);
    }
    let want = matcher::concepts_of(name);
    if want.is_empty() {
        return None;
    }
    plan.items().find(|i| {
        let have = matcher::concepts_of(&i.name);
        !have.is_empty() && (have.is_subset(&want) || want.is_subset(&have))
    })
}

/// Suggestions with what the plan already holds taken out: a trigger or warning sign the same
/// as or nearly the same as one already there is dropped, and strategies meant for it go
/// under the item already there.
pub fn against_plan(suggestions: Vec<PlanSuggestion>, plan: &CopingPlan) -> Vec<PlanSuggestion> {
    let mut out = Vec::new();
    for mut s in suggestions {
        match s.part {
            PlanPart::Trigger | PlanPart::WarningSign if near_item(plan, &s.text).is_some() => continue,
            PlanPart::Strategy => {
                if let Some(item) = s.for_item.as_deref().and_then(|f| near_item(plan, f)) {
                    s.for_item = Some(item.name.clone());
                }
                let already = plan
                    .items()
                    .filter(|i| Some(&i.name) == s.for_item.as_ref())
                    .any(|i| i.strategies.iter().any(|x| text::fold(&x.text) == text::fold(&s.text)));
                if already {
                    continue;
                }
            }
            _ => {}
        }
        out.push(s);
    }
    out
}

/// Words of shame or self-criticism: never offered as a reason for recovery.
const SELF_CRITICISM: &[&str] = &[
    "ashamed",
    "shame",
    "shameful",
    "disgusting",
    "disgusted",
    "pathetic",
    "worthless",
    "failure",
    "failed",
    "weak",
    "stupid",
    "idiot",
    "loser",
    "useless",
    "hate myself",
    "hated myself",
    "guilty",
    "guilt",
    "dirty",
    "sick of myself",
    "embarrassed",
];

fn self_critical(t: &str) -> bool {
    let words = crate::language::words(t).join(" ");
    SELF_CRITICISM.iter().any(|w| format!(" {words} ").contains(&format!(" {w} ")))
}

/// Whether a link of the chain is the behaviour itself: an action that names what happened,
/// or names acting out (porn, hookups, paid sex, sexting...).
fn is_the_behaviour(link: &ChainLink, what: &str) -> bool {
    if link.kind != LinkKind::Action {
        return false;
    }
    let acting_out = ["porn", "horny", "sexting", "hookup", "paid sex", "strip club"];
    let terms = matcher::concepts_of(&link.text);
    let named = terms.iter().any(|t| acting_out.iter().any(|c| matcher::is_concept(t, c)));
    named || !terms.is_disjoint(&matcher::concepts_of(what))
}

/// Suggestions from an analysis of the slip `what`, minus those already added. Order:
/// triggers, warning signs, strategies, reasons (the order of the plan).
pub fn suggestions(chain: &ChainAnalysis, what: &str, already: &[PlanAddition]) -> Vec<PlanSuggestion> {
    let mut out: Vec<PlanSuggestion> = Vec::new();
    let push = |out: &mut Vec<PlanSuggestion>, s: PlanSuggestion| {
        let dup = out.iter().any(|o: &PlanSuggestion| {
            o.part == s.part
                && (text::fold(&o.text) == text::fold(&s.text)
                    || matcher::concepts_of(&o.text) == matcher::concepts_of(&s.text))
                && o.for_item.as_deref().map(text::fold) == s.for_item.as_deref().map(text::fold)
        });
        if !dup && !already.iter().any(|a| a.matches(&s)) {
            out.push(s);
        }
    };
    let item =
        |part: PlanPart, text: String, why: String| PlanSuggestion { part, text, for_item: None, kind: None, why };
    for v in &chain.vulnerabilities {
        let name = match (factor_trigger(v.factor), v.note.as_deref().and_then(as_name)) {
            (Some(n), _) => Some(n.to_string()),
            (None, note) => note,
        };
        if let Some(n) = name {
            let why = format!("It made you more vulnerable that day ({}).", v.factor.describe());
            push(&mut out, item(PlanPart::Trigger, n, why));
        }
    }
    let prompt = chain.prompting_event.as_deref().and_then(as_name);
    if let Some(p) = &prompt {
        push(&mut out, item(PlanPart::Trigger, p.clone(), "It set the chain off.".into()));
    }
    for l in &chain.links {
        let Some(name) = as_name(&l.text) else { continue };
        if is_the_behaviour(l, what) {
            continue;
        }
        let s = if l.kind == LinkKind::Event {
            item(PlanPart::Trigger, name, "It happened on the way to the slip.".into())
        } else {
            let why = format!("A {} on the way to the slip: noticing it early gives you time.", l.kind.as_str());
            item(PlanPart::WarningSign, name, why)
        };
        push(&mut out, s);
    }
    // A strategy needs something it is for: its link, else the prompting event, else the
    // first trigger named among the vulnerabilities.
    let fallback = prompt.clone().or_else(|| out.iter().find(|s| s.part == PlanPart::Trigger).map(|s| s.text.clone()));
    let mut strategies: Vec<PlanSuggestion> = Vec::new();
    let mut strategy = |words: &str, for_item: Option<String>, why: String| {
        let kind = StrategyKind::guess(words);
        if kind == StrategyKind::ChangeEnvironment {
            let why = format!("{why} It makes your surroundings safer.");
            strategies.push(item(PlanPart::EnvironmentChange, words.to_string(), why));
        } else if let Some(target) = for_item.or_else(|| fallback.clone()) {
            strategies.push(PlanSuggestion {
                part: PlanPart::Strategy,
                text: words.to_string(),
                for_item: Some(target),
                kind: Some(kind),
                why,
            });
        }
    };
    for l in &chain.links {
        if let Some(instead) = &l.instead {
            let for_link = as_name(&l.text).filter(|_| !is_the_behaviour(l, what));
            strategy(
                instead,
                for_link,
                format!("What you said you could try at \"{}\" next time.", l.text.lines().next().unwrap_or("")),
            );
        }
    }
    if let Some(c) = &chain.commitment {
        strategy(c, prompt.clone(), "Your commitment from this analysis.".into());
    }
    for s in strategies {
        push(&mut out, s);
    }
    if let Some(c) = chain.consequences.as_ref().filter(|c| !self_critical(c)) {
        let why = "What happened afterwards matters to you; remembering it can help next time.".to_string();
        push(&mut out, item(PlanPart::Reason, c.clone(), why));
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
        let s = suggestions(&c, "", &[]);
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
        let b = suggestions(&bare, "", &[]);
        assert_eq!(b[1].for_item.as_deref(), Some("stressed"));
        let added = PlanAddition {
            part: PlanPart::Trigger,
            text: "Lonely".into(),
            for_item: None,
            kind: None,
            added_utc_ms: 0,
        };
        assert!(!suggestions(&c, "", &[added]).iter().any(|x| x.text == "lonely"));
    }
}
