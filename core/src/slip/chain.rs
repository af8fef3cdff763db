//! The guided chain analysis of a slip (after DBT's behaviour chain analysis).
//!
//! Steps, in the order the app asks them:
//! 1. vulnerability factors (sleep, stress, loneliness, substances...): what made me more
//!    vulnerable that day;
//! 2. the prompting event: what set the chain off;
//! 3. the links: thoughts, feelings, body sensations, actions and events, in order;
//! 4. consequences: what happened afterwards, in me and around me;
//! 5. what to try next time, at each link;
//! 6. repair: what I can do to set things right;
//! 7. commitment: what I will do from now on;
//! 8. a self-compassion prompt, answered in the person's own words.
//!
//! Every step can be answered, skipped, or left for later; each answer is saved at once, so an
//! analysis left half-done resumes at the first step neither answered nor skipped.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::text;

/// Longest text of one chain field.
pub const CHAIN_TEXT_MAX_CHARS: usize = 2_000;
/// Most links one chain can hold.
pub const MAX_LINKS: usize = 30;
/// Most vulnerability factors one chain can hold.
pub const MAX_VULNERABILITIES: usize = 12;

/// What made the person more vulnerable that day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum VulnerabilityFactor {
    /// Too little or poor sleep.
    Sleep,
    Stress,
    Loneliness,
    /// Alcohol or drugs.
    Substances,
    /// Hunger, skipped meals.
    Hunger,
    /// Illness or pain.
    Illness,
    /// An argument or conflict.
    Conflict,
    Boredom,
    /// Tiredness or exhaustion without a sleep problem.
    Exhaustion,
    /// Something else (described in the note).
    Other,
}

impl VulnerabilityFactor {
    pub const ALL: [VulnerabilityFactor; 10] = [
        VulnerabilityFactor::Sleep,
        VulnerabilityFactor::Stress,
        VulnerabilityFactor::Loneliness,
        VulnerabilityFactor::Substances,
        VulnerabilityFactor::Hunger,
        VulnerabilityFactor::Illness,
        VulnerabilityFactor::Conflict,
        VulnerabilityFactor::Boredom,
        VulnerabilityFactor::Exhaustion,
        VulnerabilityFactor::Other,
    ];

    /// Stable name (JSON, command line).
    pub fn as_str(self) -> &'static str {
        match self {
            VulnerabilityFactor::Sleep => "sleep",
            VulnerabilityFactor::Stress => "stress",
            VulnerabilityFactor::Loneliness => "loneliness",
            VulnerabilityFactor::Substances => "substances",
            VulnerabilityFactor::Hunger => "hunger",
            VulnerabilityFactor::Illness => "illness",
            VulnerabilityFactor::Conflict => "conflict",
            VulnerabilityFactor::Boredom => "boredom",
            VulnerabilityFactor::Exhaustion => "exhaustion",
            VulnerabilityFactor::Other => "other",
        }
    }

    /// Words for people.
    pub fn describe(self) -> &'static str {
        match self {
            VulnerabilityFactor::Sleep => "too little or poor sleep",
            VulnerabilityFactor::Stress => "stress",
            VulnerabilityFactor::Loneliness => "loneliness",
            VulnerabilityFactor::Substances => "alcohol or drugs",
            VulnerabilityFactor::Hunger => "hunger or skipped meals",
            VulnerabilityFactor::Illness => "illness or pain",
            VulnerabilityFactor::Conflict => "an argument or conflict",
            VulnerabilityFactor::Boredom => "boredom",
            VulnerabilityFactor::Exhaustion => "exhaustion",
            VulnerabilityFactor::Other => "something else",
        }
    }

    /// Parse a name, tolerating common forms ("tired" → exhaustion, "alcohol" → substances).
    pub fn parse(s: &str) -> Result<Self> {
        let f = text::fold(s);
        let found = match f.as_str() {
            "sleep" | "poor sleep" | "no sleep" | "sleepless" | "insomnia" => VulnerabilityFactor::Sleep,
            "stress" | "stressed" | "stressful" => VulnerabilityFactor::Stress,
            "loneliness" | "lonely" | "alone" | "isolated" | "isolation" => VulnerabilityFactor::Loneliness,
            "substances" | "substance" | "alcohol" | "drugs" | "drinking" | "drunk" | "high" => {
                VulnerabilityFactor::Substances
            }
            "hunger" | "hungry" | "skipped meals" => VulnerabilityFactor::Hunger,
            "illness" | "ill" | "sick" | "pain" => VulnerabilityFactor::Illness,
            "conflict" | "argument" | "fight" => VulnerabilityFactor::Conflict,
            "boredom" | "bored" => VulnerabilityFactor::Boredom,
            "exhaustion" | "exhausted" | "tired" | "tiredness" => VulnerabilityFactor::Exhaustion,
            "other" | "something else" => VulnerabilityFactor::Other,
            _ => return Err(Error::invalid(
                "vulnerability factor",
                "use sleep, stress, loneliness, substances, hunger, illness, conflict, boredom, exhaustion or other",
            )),
        };
        Ok(found)
    }
}

/// One vulnerability factor, with the person's words about it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Vulnerability {
    pub factor: VulnerabilityFactor,
    pub note: Option<String>,
}

impl fmt::Debug for Vulnerability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Vulnerability({:?}, <redacted>)", self.factor)
    }
}

/// What one link of the chain was.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum LinkKind {
    Thought,
    Feeling,
    /// A body sensation.
    Sensation,
    /// Something I did.
    Action,
    /// Something that happened around me.
    Event,
}

impl LinkKind {
    pub const ALL: [LinkKind; 5] =
        [LinkKind::Thought, LinkKind::Feeling, LinkKind::Sensation, LinkKind::Action, LinkKind::Event];

    pub fn as_str(self) -> &'static str {
        match self {
            LinkKind::Thought => "thought",
            LinkKind::Feeling => "feeling",
            LinkKind::Sensation => "sensation",
            LinkKind::Action => "action",
            LinkKind::Event => "event",
        }
    }

    pub fn parse(s: &str) -> Result<Self> {
        match text::fold(s).as_str() {
            "thought" | "thinking" | "t" => Ok(LinkKind::Thought),
            "feeling" | "emotion" | "f" => Ok(LinkKind::Feeling),
            "sensation" | "body" | "body sensation" | "s" => Ok(LinkKind::Sensation),
            "action" | "did" | "a" => Ok(LinkKind::Action),
            "event" | "happened" | "e" => Ok(LinkKind::Event),
            _ => Err(Error::invalid("link kind", "use thought, feeling, sensation, action or event")),
        }
    }
}

/// One link of the chain, and what to try there next time.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ChainLink {
    pub kind: LinkKind,
    pub text: String,
    /// What could be done differently at this link next time.
    pub instead: Option<String>,
}

impl fmt::Debug for ChainLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ChainLink({:?}, <redacted>)", self.kind)
    }
}

/// The steps of the guided analysis, in the order they are asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum ChainStep {
    Vulnerabilities,
    PromptingEvent,
    Links,
    Consequences,
    Alternatives,
    Repair,
    Commitment,
    SelfCompassion,
}

impl ChainStep {
    pub const ALL: [ChainStep; 8] = [
        ChainStep::Vulnerabilities,
        ChainStep::PromptingEvent,
        ChainStep::Links,
        ChainStep::Consequences,
        ChainStep::Alternatives,
        ChainStep::Repair,
        ChainStep::Commitment,
        ChainStep::SelfCompassion,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ChainStep::Vulnerabilities => "vulnerabilities",
            ChainStep::PromptingEvent => "prompting-event",
            ChainStep::Links => "links",
            ChainStep::Consequences => "consequences",
            ChainStep::Alternatives => "alternatives",
            ChainStep::Repair => "repair",
            ChainStep::Commitment => "commitment",
            ChainStep::SelfCompassion => "self-compassion",
        }
    }

    pub fn parse(s: &str) -> Result<Self> {
        let f = text::fold(s).replace([' ', '_'], "-");
        ChainStep::ALL
            .iter()
            .copied()
            .find(|st| st.as_str() == f)
            .ok_or_else(|| Error::invalid("step", "use vulnerabilities, prompting-event, links, consequences, alternatives, repair, commitment or self-compassion"))
    }

    /// The question the app asks at this step.
    pub fn question(self) -> &'static str {
        match self {
            ChainStep::Vulnerabilities => "What made you more vulnerable that day?",
            ChainStep::PromptingEvent => "What set the chain off?",
            ChainStep::Links => "What came next, one link at a time?",
            ChainStep::Consequences => "What happened afterwards?",
            ChainStep::Alternatives => "What could you try at each link next time?",
            ChainStep::Repair => "Is there anything you would like to set right?",
            ChainStep::Commitment => "What will you do from here?",
            ChainStep::SelfCompassion => "A word of kindness to yourself",
        }
    }

    /// A short explanation shown under the question.
    pub fn hint(self) -> &'static str {
        match self {
            ChainStep::Vulnerabilities => {
                "Things like little sleep, stress, loneliness, alcohol, hunger, illness or a conflict. None of them is an excuse or a verdict; they show where the ground was slippery."
            }
            ChainStep::PromptingEvent => {
                "The moment it started: something you saw, heard, thought or did. Describe it as a camera would have seen it."
            }
            ChainStep::Links => {
                "The thoughts, feelings, body sensations and actions between that moment and the slip, in order. Small links count."
            }
            ChainStep::Consequences => {
                "How you felt straight after and later, and what it changed around you. Noticing this is what makes the next choice easier."
            }
            ChainStep::Alternatives => {
                "For each link, one thing you could do instead: a person to text, a place to go, a way to breathe. Any link is a place where the chain can break."
            }
            ChainStep::Repair => {
                "Repair is not punishment: an apology, a conversation, putting back something you moved. Skip this if nothing needs repairing."
            }
            ChainStep::Commitment => "One concrete thing you will do differently, starting now.",
            ChainStep::SelfCompassion => {
                "Write to yourself as you would to a friend who slipped after trying hard."
            }
        }
    }
}

/// Where an analysis stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum ChainStatus {
    NotStarted,
    /// Some steps answered or skipped; `next` is where it resumes.
    InProgress {
        next: ChainStep,
    },
    /// Every step answered or skipped.
    Complete,
}

/// A chain analysis, as far as the person has taken it.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ChainAnalysis {
    pub vulnerabilities: Vec<Vulnerability>,
    pub prompting_event: Option<String>,
    pub links: Vec<ChainLink>,
    pub consequences: Option<String>,
    pub repair: Option<String>,
    pub commitment: Option<String>,
    pub self_compassion: Option<String>,
    /// Steps answered, in the order of [`ChainStep::ALL`].
    pub answered: Vec<ChainStep>,
    /// Steps the person chose to skip.
    pub skipped: Vec<ChainStep>,
}

impl fmt::Debug for ChainAnalysis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ChainAnalysis({:?}, <redacted>)", self.status())
    }
}

/// Where an analysis stands, from which steps were answered or skipped and whether it has
/// links ("what to try at each link" does not apply once links were skipped).
pub(crate) fn status_of(answered: &[ChainStep], skipped: &[ChainStep], has_links: bool) -> ChainStatus {
    if answered.is_empty() && skipped.is_empty() {
        return ChainStatus::NotStarted;
    }
    match next_step_of(answered, skipped, has_links) {
        Some(next) => ChainStatus::InProgress { next },
        None => ChainStatus::Complete,
    }
}

fn next_step_of(answered: &[ChainStep], skipped: &[ChainStep], has_links: bool) -> Option<ChainStep> {
    let settled = |s: ChainStep| answered.contains(&s) || skipped.contains(&s);
    ChainStep::ALL.iter().copied().find(|s| {
        let not_applicable = *s == ChainStep::Alternatives && !has_links && settled(ChainStep::Links);
        !settled(*s) && !not_applicable
    })
}

impl ChainAnalysis {
    /// The first step neither answered nor skipped: where the guided analysis resumes.
    pub fn next_step(&self) -> Option<ChainStep> {
        next_step_of(&self.answered, &self.skipped, !self.links.is_empty())
    }

    pub fn status(&self) -> ChainStatus {
        status_of(&self.answered, &self.skipped, !self.links.is_empty())
    }

    pub fn is_complete(&self) -> bool {
        self.status() == ChainStatus::Complete
    }

    fn mark_answered(&mut self, step: ChainStep) {
        self.skipped.retain(|s| *s != step);
        if !self.answered.contains(&step) {
            self.answered.push(step);
            self.answered.sort();
        }
    }

    fn mark_skipped(&mut self, step: ChainStep) {
        if !self.answered.contains(&step) && !self.skipped.contains(&step) {
            self.skipped.push(step);
            self.skipped.sort();
        }
    }

    /// Apply one answer, validating what was typed. On error nothing changes.
    pub(crate) fn apply(&mut self, answer: ChainAnswer) -> Result<()> {
        let mut next = self.clone();
        match answer {
            ChainAnswer::Vulnerabilities { items } => {
                if items.is_empty() {
                    return Err(Error::invalid("vulnerability factors", "name at least one, or skip this step"));
                }
                if items.len() > MAX_VULNERABILITIES {
                    return Err(Error::invalid(
                        "vulnerability factors",
                        format!("at most {MAX_VULNERABILITIES} in one analysis"),
                    ));
                }
                let mut clean: Vec<Vulnerability> = Vec::with_capacity(items.len());
                for v in items {
                    let note = text::note("vulnerability note", v.note.as_deref(), CHAIN_TEXT_MAX_CHARS)?;
                    // One entry per factor (except "other"): a repeated factor merges its note.
                    match clean.iter_mut().find(|c| c.factor == v.factor && v.factor != VulnerabilityFactor::Other) {
                        Some(existing) => {
                            if let Some(n) = note {
                                existing.note = Some(match existing.note.take() {
                                    Some(e) => format!("{e}\n{n}"),
                                    None => n,
                                });
                            }
                        }
                        None => clean.push(Vulnerability { factor: v.factor, note }),
                    }
                }
                next.vulnerabilities = clean;
                next.mark_answered(ChainStep::Vulnerabilities);
            }
            ChainAnswer::PromptingEvent { text: t } => {
                next.prompting_event = Some(required("prompting event", &t)?);
                next.mark_answered(ChainStep::PromptingEvent);
            }
            ChainAnswer::Links { links } => {
                if links.is_empty() {
                    return Err(Error::invalid("links", "add at least one link, or skip this step"));
                }
                if links.len() > MAX_LINKS {
                    return Err(Error::invalid("links", format!("at most {MAX_LINKS} links in one chain")));
                }
                let mut clean = Vec::with_capacity(links.len());
                for l in links {
                    clean.push(ChainLink {
                        kind: l.kind,
                        text: required("link", &l.text)?,
                        instead: text::note("what to try instead", l.instead.as_deref(), CHAIN_TEXT_MAX_CHARS)?,
                    });
                }
                next.links = clean;
                next.mark_answered(ChainStep::Links);
                // New links may make "what to try instead" apply again.
                if next.links.iter().all(|l| l.instead.is_none()) {
                    next.answered.retain(|s| *s != ChainStep::Alternatives);
                } else {
                    next.mark_answered(ChainStep::Alternatives);
                }
            }
            ChainAnswer::Consequences { text: t } => {
                next.consequences = Some(required("consequences", &t)?);
                next.mark_answered(ChainStep::Consequences);
            }
            ChainAnswer::Alternatives { items } => {
                if next.links.is_empty() {
                    return Err(Error::State("add the links of the chain first; then say what to try at each"));
                }
                if items.is_empty() {
                    return Err(Error::invalid("what to try instead", "give at least one, or skip this step"));
                }
                for a in &items {
                    let Some(link) = usize::try_from(a.link).ok().and_then(|i| next.links.get_mut(i)) else {
                        return Err(Error::invalid("link number", "there is no link with that number"));
                    };
                    link.instead = text::note("what to try instead", Some(&a.instead), CHAIN_TEXT_MAX_CHARS)?;
                }
                if next.links.iter().all(|l| l.instead.is_none()) {
                    return Err(Error::invalid("what to try instead", "cannot be empty"));
                }
                next.mark_answered(ChainStep::Alternatives);
            }
            ChainAnswer::Repair { text: t } => {
                next.repair = Some(required("repair", &t)?);
                next.mark_answered(ChainStep::Repair);
            }
            ChainAnswer::Commitment { text: t } => {
                next.commitment = Some(required("commitment", &t)?);
                next.mark_answered(ChainStep::Commitment);
            }
            ChainAnswer::SelfCompassion { text: t } => {
                next.self_compassion = Some(required("self-compassion", &t)?);
                next.mark_answered(ChainStep::SelfCompassion);
            }
            ChainAnswer::Skip { step } => {
                if next.answered.contains(&step) {
                    return Err(Error::State("that step is already answered; clear it to skip it"));
                }
                next.mark_skipped(step);
            }
            ChainAnswer::Clear { step } => {
                match step {
                    ChainStep::Vulnerabilities => next.vulnerabilities.clear(),
                    ChainStep::PromptingEvent => next.prompting_event = None,
                    ChainStep::Links => {
                        next.links.clear();
                        next.answered.retain(|s| *s != ChainStep::Alternatives);
                    }
                    ChainStep::Consequences => next.consequences = None,
                    ChainStep::Alternatives => next.links.iter_mut().for_each(|l| l.instead = None),
                    ChainStep::Repair => next.repair = None,
                    ChainStep::Commitment => next.commitment = None,
                    ChainStep::SelfCompassion => next.self_compassion = None,
                }
                next.answered.retain(|s| *s != step);
                next.skipped.retain(|s| *s != step);
            }
        }
        *self = next;
        Ok(())
    }
}

fn required(field: &'static str, raw: &str) -> Result<String> {
    text::note(field, Some(raw), CHAIN_TEXT_MAX_CHARS)?
        .ok_or_else(|| Error::invalid(field, "cannot be empty; skip the step instead"))
}

/// A link as typed (with an optional "what to try instead").
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct NewChainLink {
    pub kind: LinkKind,
    pub text: String,
    pub instead: Option<String>,
}

impl fmt::Debug for NewChainLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NewChainLink({:?}, <redacted>)", self.kind)
    }
}

/// What to try instead at link number `link` (0-based, in chain order).
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct LinkAlternative {
    pub link: u32,
    pub instead: String,
}

impl fmt::Debug for LinkAlternative {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LinkAlternative({}, <redacted>)", self.link)
    }
}

/// One answer in the guided analysis. Answering a step again replaces its earlier answer.
#[derive(Clone)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum ChainAnswer {
    Vulnerabilities {
        items: Vec<Vulnerability>,
    },
    PromptingEvent {
        text: String,
    },
    /// Replaces the whole chain of links (pass existing `instead` texts back to keep them).
    Links {
        links: Vec<NewChainLink>,
    },
    Consequences {
        text: String,
    },
    /// Sets "what to try instead" on the listed links; others keep theirs.
    Alternatives {
        items: Vec<LinkAlternative>,
    },
    Repair {
        text: String,
    },
    Commitment {
        text: String,
    },
    SelfCompassion {
        text: String,
    },
    /// Leave a step out; the analysis moves on.
    Skip {
        step: ChainStep,
    },
    /// Remove a step's answer (it is asked again).
    Clear {
        step: ChainStep,
    },
}

impl fmt::Debug for ChainAnswer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChainAnswer::Skip { step } => write!(f, "ChainAnswer::Skip({step:?})"),
            ChainAnswer::Clear { step } => write!(f, "ChainAnswer::Clear({step:?})"),
            _ => f.write_str("ChainAnswer(<redacted>)"),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn link(kind: LinkKind, t: &str) -> NewChainLink {
        NewChainLink { kind, text: t.into(), instead: None }
    }

    #[test]
    fn resumes_at_first_unsettled_step() {
        let mut c = ChainAnalysis::default();
        assert_eq!(c.status(), ChainStatus::NotStarted);
        assert_eq!(c.next_step(), Some(ChainStep::Vulnerabilities));
        c.apply(ChainAnswer::Skip { step: ChainStep::Vulnerabilities }).unwrap();
        c.apply(ChainAnswer::Consequences { text: "felt flat".into() }).unwrap();
        assert_eq!(c.status(), ChainStatus::InProgress { next: ChainStep::PromptingEvent });
        c.apply(ChainAnswer::PromptingEvent { text: "an ad".into() }).unwrap();
        assert_eq!(c.next_step(), Some(ChainStep::Links));
        // Skipping links makes "what to try at each link" not apply.
        c.apply(ChainAnswer::Skip { step: ChainStep::Links }).unwrap();
        assert_eq!(c.next_step(), Some(ChainStep::Repair));
        for s in [ChainStep::Repair, ChainStep::Commitment, ChainStep::SelfCompassion] {
            c.apply(ChainAnswer::Skip { step: s }).unwrap();
        }
        assert!(c.is_complete());
        // Adding links later re-opens the alternatives step.
        c.apply(ChainAnswer::Links { links: vec![link(LinkKind::Thought, "just once")] }).unwrap();
        assert_eq!(c.next_step(), Some(ChainStep::Alternatives));
        c.apply(ChainAnswer::Alternatives { items: vec![LinkAlternative { link: 0, instead: "text Sam".into() }] })
            .unwrap();
        assert!(c.is_complete());
        assert_eq!(c.links[0].instead.as_deref(), Some("text Sam"));
    }

    #[test]
    fn invalid_answers_change_nothing() {
        let mut c = ChainAnalysis::default();
        c.apply(ChainAnswer::Links { links: vec![link(LinkKind::Feeling, "lonely")] }).unwrap();
        let before = c.clone();
        assert!(c.apply(ChainAnswer::PromptingEvent { text: "   ".into() }).is_err());
        assert!(c
            .apply(ChainAnswer::Alternatives { items: vec![LinkAlternative { link: 3, instead: "x".into() }] })
            .is_err());
        let too_many: Vec<NewChainLink> = (0..31).map(|i| link(LinkKind::Action, &format!("step {i}"))).collect();
        assert!(c.apply(ChainAnswer::Links { links: too_many }).is_err());
        let long = "y".repeat(CHAIN_TEXT_MAX_CHARS + 1);
        let e = c.apply(ChainAnswer::Repair { text: long }).unwrap_err().to_string();
        assert!(!e.contains("yyy"), "error echoed user text: {e}");
        assert!(c.apply(ChainAnswer::Skip { step: ChainStep::Links }).is_err());
        assert_eq!(c, before);
    }

    #[test]
    fn repeated_factors_merge() {
        let mut c = ChainAnalysis::default();
        c.apply(ChainAnswer::Vulnerabilities {
            items: vec![
                Vulnerability { factor: VulnerabilityFactor::Sleep, note: Some("4 hours".into()) },
                Vulnerability { factor: VulnerabilityFactor::Sleep, note: Some("woke at 3".into()) },
                Vulnerability { factor: VulnerabilityFactor::Other, note: None },
                Vulnerability { factor: VulnerabilityFactor::Other, note: Some("deadline".into()) },
            ],
        })
        .unwrap();
        assert_eq!(c.vulnerabilities.len(), 3);
        assert_eq!(c.vulnerabilities[0].note.as_deref(), Some("4 hours\nwoke at 3"));
    }

    #[test]
    fn names_parse() {
        assert_eq!(VulnerabilityFactor::parse(" Tired ").unwrap(), VulnerabilityFactor::Exhaustion);
        assert_eq!(VulnerabilityFactor::parse("alcohol").unwrap(), VulnerabilityFactor::Substances);
        assert!(VulnerabilityFactor::parse("moon phase").is_err());
        assert_eq!(ChainStep::parse("Prompting event").unwrap(), ChainStep::PromptingEvent);
        assert_eq!(ChainStep::parse("self_compassion").unwrap(), ChainStep::SelfCompassion);
        for s in ChainStep::ALL {
            assert_eq!(ChainStep::parse(s.as_str()).unwrap(), s);
        }
        for k in LinkKind::ALL {
            assert_eq!(LinkKind::parse(k.as_str()).unwrap(), k);
        }
        for v in VulnerabilityFactor::ALL {
            assert_eq!(VulnerabilityFactor::parse(v.as_str()).unwrap(), v);
        }
    }
}
