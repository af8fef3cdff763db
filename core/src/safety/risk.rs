//! Recognising words of suicide and self-harm in anything a person types.
//!
//! # How
//! 1. **Words.** The text is split into lower-case words ([`tokens`]): apostrophes vanish
//!    ("don't" → "dont"), look-alike digits inside a word become letters ("su1cide",
//!    "k1ll"), a `*` inside a word is dropped ("s*icide"), a number is kept as `#` (so "5 kms"
//!    is a distance, not "kill myself"). Split forms are joined ("my self" → "myself",
//!    "self harm" → "selfharm") and fillers that only add emphasis ("just", "really",
//!    "fucking", "fr") are dropped, so they never stretch the gaps below.
//! 2. **Templates.** Each English template ([`ENGLISH`]) is a short sequence of slots; a slot
//!    is a set of words, with at most `gap` other words allowed before it (after the
//!    previous slot). "kill · myself" (gap 0) finds "kill myself" and "killing my self";
//!    "want … die" (gap 2) finds "I wish I was dead". Guards keep idioms out: a death wish
//!    right after a negation ("I don't want to die alone"), "killed myself laughing", "end
//!    things with her".
//! 3. **Typos.** A word matches a slot word when it is that word, or when it is *not* a
//!    correctly spelt English word as typed (Hunspell, [`crate::language`]) and is within the slot
//!    word's typo budget: one edit for 4-7 letters, two from 8 ("sucidal", "myslef",
//!    "lfie"), and for three-letter words only a swap of two letters ("dei"). Real words are
//!    never bent: "dye" is not "die", "fill" is not "kill".
//!
//! The lists of phrasings that must and must not match live in `phrases/` and are the tests
//! of this module (written from the C-SSRS and screening guides, not from this code).
//!
//! Room for other languages: a [`PhraseBook`] per language; [`assess`] reads every book.
//! A negated mention ("I'm not going to kill myself") still matches: the crisis step is
//! shown gently, and asking directly is what the C-SSRS teaches.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::language;

/// What the words are about. Stored by variant index in entries' risk flags: new variants go
/// at the end (pinned by a golden test).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum RiskConcern {
    /// Thoughts of suicide or of being dead, a plan, or preparation.
    Suicide,
    /// Hurting oneself.
    SelfHarm,
}

/// Risk words were found. Holds no word of the person's text, only which template matched.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct RiskMatch {
    pub concern: RiskConcern,
    /// The template's name (for tests and for the clinician's "why was this flagged").
    pub template: &'static str,
}

impl fmt::Debug for RiskMatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RiskMatch({:?}, {})", self.concern, self.template)
    }
}

/// One slot of a template: any of `words`, with at most `gap` other words before it.
struct Slot {
    words: &'static [&'static str],
    gap: usize,
}

/// A sequence of slots meaning one thing.
struct Template {
    name: &'static str,
    concern: RiskConcern,
    slots: &'static [Slot],
    /// Not a match when the word right before the first slot is one of these.
    not_before: &'static [&'static str],
    /// Not a match when the word right after the last slot is one of these.
    not_after: &'static [&'static str],
    /// The last slot must end the text (or a sentence).
    at_end: bool,
}

/// The words and templates of one language.
pub struct PhraseBook {
    pub language: &'static str,
    /// Words that only add emphasis; dropped before matching.
    fillers: &'static [&'static str],
    /// Two words typed apart that mean one ("my self").
    joins: &'static [(&'static str, &'static str, &'static str)],
    /// Short or slang forms a typo budget cannot reach ("kil" → "kill").
    variants: &'static [(&'static str, &'static str)],
    templates: &'static [Template],
}

const fn slot(words: &'static [&'static str], gap: usize) -> Slot {
    Slot { words, gap }
}

const fn template(name: &'static str, concern: RiskConcern, slots: &'static [Slot]) -> Template {
    Template { name, concern, slots, not_before: &[], not_after: &[], at_end: false }
}

use RiskConcern::{SelfHarm, Suicide};

const REFLEXIVE: &[&str] = &["myself", "meself"];
const DESIRE: &[&str] = &[
    "want", "wish", "wishing", "wished", "hope", "hoping", "ready", "rather", "deserve", "better", "planning", "plan",
    "going", "longing", "pray", "praying",
];
const DEATH: &[&str] = &["die", "dying", "dead", "death"];
const INTENT: &[&str] = &[
    "want",
    "wish",
    "going",
    "plan",
    "planning",
    "planned",
    "thinking",
    "think",
    "thought",
    "thoughts",
    "urge",
    "feel",
    "feeling",
    "tempted",
    "might",
    "will",
    "ready",
    "decided",
    "considering",
    "need",
    "trying",
    "tried",
    "about",
];
const SELF_VERBS: &[&str] = &[
    "kill",
    "killing",
    "killed",
    "end",
    "ending",
    "ended",
    "off",
    "offing",
    "hang",
    "hanging",
    "hanged",
    "shoot",
    "shooting",
    "drown",
    "drowning",
    "poison",
    "poisoning",
    "unalive",
    "unaliving",
    "cut",
    "cutting",
    "harm",
    "harming",
    "stab",
    "stabbing",
    "starve",
    "starving",
];
const HURT_VERBS: &[&str] =
    &["hurt", "hurting", "burn", "burning", "burned", "burnt", "hit", "hitting", "punch", "punish"];
const NEGATION: &[&str] = &["dont", "not", "never", "no", "doesnt", "didnt", "isnt", "nothing", "cant", "cannot"];
const LIVING: &[&str] = &["live", "living", "alive", "exist", "existing", "life"];
const PILLS: &[&str] = &["pills", "tablets", "meds", "medication", "paracetamol", "painkillers", "sleeping"];

/// English, the first language.
pub static ENGLISH: PhraseBook = PhraseBook {
    language: "en",
    fillers: &[
        "just",
        "really",
        "so",
        "fucking",
        "fuckin",
        "fking",
        "fkn",
        "freaking",
        "effing",
        "bloody",
        "literally",
        "honestly",
        "actually",
        "seriously",
        "totally",
        "completely",
        "simply",
        "kinda",
        "even",
        "maybe",
        "probably",
        "lol",
        "tbh",
        "fr",
        "rn",
        "ngl",
        "idk",
        "um",
        "uh",
        "again",
        "truly",
    ],
    joins: &[
        ("my", "self", "myself"),
        ("self", "harm", "selfharm"),
        ("self", "harming", "selfharm"),
        ("self", "harmed", "selfharm"),
        ("un", "alive", "unalive"),
        ("sewer", "slide", "sewerslide"),
        ("in", "front", "front"),
    ],
    variants: &[("kil", "kill"), ("kiling", "killing"), ("wanna", "want"), ("gonna", "going")],
    templates: &[
        template(
            "a word of suicide",
            Suicide,
            &[slot(
                &[
                    "suicide",
                    "suicidal",
                    "suicidality",
                    "unalive",
                    "unaliving",
                    "unalived",
                    "sewerslide",
                    "noose",
                    "overdose",
                    "overdosing",
                    "overdosed",
                ],
                0,
            )],
        ),
        Template {
            name: "kms",
            concern: Suicide,
            slots: &[slot(&["kms"], 0)],
            // "5 kms" is a distance.
            not_before: &["#"],
            not_after: &[],
            at_end: false,
        },
        template("a word of self-harm", SelfHarm, &[slot(&["selfharm", "selfharming"], 0)]),
        Template {
            name: "kill or end oneself",
            concern: Suicide,
            slots: &[slot(SELF_VERBS, 0), slot(REFLEXIVE, 0)],
            not_before: &[],
            not_after: &["laughing", "laughin", "laughed"],
            at_end: false,
        },
        template("wanting to hurt oneself", SelfHarm, &[slot(INTENT, 0), slot(HURT_VERBS, 3), slot(REFLEXIVE, 0)]),
        template(
            "hurting oneself on purpose",
            SelfHarm,
            &[slot(HURT_VERBS, 0), slot(REFLEXIVE, 0), slot(&["purpose"], 2)],
        ),
        Template {
            name: "a wish to be dead",
            concern: Suicide,
            slots: &[slot(DESIRE, 0), slot(DEATH, 2)],
            not_before: &["dont", "not", "never", "doesnt", "didnt"],
            not_after: &[],
            at_end: false,
        },
        template(
            "feeling like dying",
            Suicide,
            &[slot(&["feel", "felt", "feeling"], 0), slot(&["like"], 0), slot(DEATH, 1)],
        ),
        template(
            "not waking up",
            Suicide,
            &[
                slot(&["wish", "hope", "want", "pray", "praying", "hoping"], 0),
                slot(&["not", "never", "dont"], 6),
                slot(&["wake", "waking"], 0),
            ],
        ),
        template(
            "no wish to live",
            Suicide,
            &[slot(NEGATION, 0), slot(&["want", "reason", "worth", "deserve", "wish"], 3), slot(LIVING, 3)],
        ),
        template("nothing to live for", Suicide, &[slot(&["nothing"], 0), slot(&["live", "living"], 2)]),
        template(
            "no point in living",
            Suicide,
            &[
                slot(&["whats", "what", "no", "any", "nothing", "isnt", "not"], 0),
                slot(&["point"], 2),
                slot(&["living", "live", "existing", "alive"], 2),
            ],
        ),
        template(
            "tired of living",
            Suicide,
            &[slot(&["tired", "sick", "weary"], 0), slot(&["living", "life", "alive", "existing"], 2)],
        ),
        template(
            "better off without me",
            Suicide,
            &[slot(&["better"], 0), slot(&["off"], 0), slot(&["without"], 2), slot(&["me"], 0)],
        ),
        template(
            "ending one's life",
            Suicide,
            &[
                slot(&["end", "ending", "ended", "take", "taking", "took", "finish"], 0),
                slot(&["my"], 0),
                slot(&["life"], 1),
            ],
        ),
        Template {
            name: "ending it all",
            concern: Suicide,
            slots: &[
                slot(&["end", "ending"], 0),
                slot(&["it", "everything", "things"], 0),
                slot(&["all", "now", "tonight", "today", "forever", "good"], 0),
            ],
            not_before: &[],
            not_after: &["with"],
            at_end: false,
        },
        Template {
            name: "ending it",
            concern: Suicide,
            slots: &[
                slot(&["ready", "decided", "going", "planning", "plan", "want", "time"], 0),
                slot(&["end"], 1),
                slot(&["it", "everything"], 0),
            ],
            not_before: &[],
            not_after: &[],
            at_end: true,
        },
        template(
            "wanting it all to end",
            Suicide,
            &[
                slot(&["want", "wish", "need"], 0),
                slot(&["it"], 0),
                slot(&["all"], 0),
                slot(&["end", "stop", "over"], 2),
            ],
        ),
        template(
            "wanting everything to end",
            Suicide,
            &[slot(&["want", "wish", "need"], 0), slot(&["everything"], 0), slot(&["end", "stop", "over"], 2)],
        ),
        template(
            "jumping from a height",
            Suicide,
            &[
                slot(&["jump", "jumping", "jumped", "throw", "throwing"], 0),
                slot(&["off", "from"], 1),
                slot(&["bridge", "building", "roof", "cliff", "balcony", "window", "tower", "ledge"], 3),
            ],
        ),
        template(
            "in front of a vehicle",
            Suicide,
            &[
                slot(
                    &[
                        "jump", "jumping", "jumped", "step", "stepping", "throw", "throwing", "walk", "walking", "lie",
                        "lying",
                    ],
                    0,
                ),
                slot(&["front", "under"], 2),
                slot(&["train", "bus", "car", "truck", "lorry", "traffic", "tube"], 3),
            ],
        ),
        template(
            "taking many pills",
            Suicide,
            &[
                slot(&["took", "take", "taking", "swallow", "swallowed", "swallowing", "down", "downed"], 0),
                slot(
                    &[
                        "all", "handful", "bunch", "bottle", "box", "packet", "pack", "whole", "lot", "load", "every",
                        "many",
                    ],
                    3,
                ),
                slot(PILLS, 3),
            ],
        ),
        template(
            "saving up pills",
            Suicide,
            &[
                slot(
                    &[
                        "saving",
                        "saved",
                        "stockpiling",
                        "stockpile",
                        "hoarding",
                        "hoard",
                        "collecting",
                        "collected",
                        "stashing",
                        "stash",
                    ],
                    0,
                ),
                slot(PILLS, 3),
            ],
        ),
        template(
            "getting the means",
            Suicide,
            &[slot(&["bought", "buy", "buying", "got", "get", "getting"], 0), slot(&["rope", "noose", "gun"], 1)],
        ),
        template(
            "goodbye letters",
            Suicide,
            &[slot(&["goodbye", "farewell"], 0), slot(&["letter", "letters", "note", "notes", "messages"], 1)],
        ),
        template(
            "giving away belongings",
            Suicide,
            &[
                slot(&["gave", "give", "giving", "given"], 0),
                slot(&["away"], 0),
                slot(&["belongings", "possessions", "things", "stuff"], 2),
            ],
        ),
        template(
            "wrists",
            SelfHarm,
            &[slot(&["slit", "slash", "slitting", "slashing", "cut", "cutting"], 0), slot(&["wrists", "wrist"], 2)],
        ),
    ],
};

/// Every language the risk path reads.
const BOOKS: &[&PhraseBook] = &[&ENGLISH];

/// Words of suicide or self-harm in `text`, if any.
pub fn assess(text: &str) -> Option<RiskMatch> {
    BOOKS.iter().find_map(|book| book.assess(text))
}

/// The first risk found in any of several texts (the fields of one entry).
pub fn assess_all<'a>(texts: impl IntoIterator<Item = &'a str>) -> Option<RiskMatch> {
    texts.into_iter().find_map(assess)
}

/// End of a sentence inside the token stream (for [`Template::at_end`]).
const STOP: &str = ".";

/// The words of `text` for matching (see the module documentation), sentence ends as `.`.
fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let flush = |cur: &mut String, out: &mut Vec<String>| {
        if cur.is_empty() {
            return;
        }
        let word = std::mem::take(cur);
        if word.chars().any(char::is_alphabetic) {
            out.push(word.chars().filter_map(unleet).collect());
        } else if word.chars().any(|c| c.is_ascii_digit()) {
            out.push("#".to_string());
        }
    };
    for c in text.chars() {
        match c {
            '\'' | '\u{2019}' | '`' => {}
            '*' | '@' | '$' => cur.push(c),
            c if c.is_alphanumeric() => cur.extend(c.to_lowercase()),
            '.' | '!' | '?' | ';' | '\n' => {
                flush(&mut cur, &mut out);
                out.push(STOP.to_string());
            }
            _ => flush(&mut cur, &mut out),
        }
    }
    flush(&mut cur, &mut out);
    out
}

/// A look-alike character inside a word as the letter it stands for (`*` dropped).
fn unleet(c: char) -> Option<char> {
    match c {
        '1' => Some('i'),
        '3' => Some('e'),
        '0' => Some('o'),
        '4' | '@' => Some('a'),
        '$' | '5' => Some('s'),
        '*' => None,
        c => Some(c),
    }
}

/// Two words the same but for two neighbouring letters swapped ("dei", "die").
fn is_swap(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len() != b.len() {
        return false;
    }
    let diff: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
    matches!(diff.as_slice(), [i, j] if *j == i + 1 && a[*i] == b[*j] && a[*j] == b[*i])
}

/// A token prepared once: its words and whether it is correctly spelt English.
struct Token {
    word: String,
    english: bool,
}

impl Token {
    /// Whether this token stands for `target` (exactly, or as a typo of it).
    fn is(&self, target: &str) -> bool {
        if self.word == target {
            return true;
        }
        if self.english || self.word == STOP || self.word == "#" {
            return false;
        }
        let len = target.chars().count();
        match language::typo_budget(len) {
            0 => len == 3 && is_swap(&self.word, target),
            budget => language::distance(&self.word, target) <= budget,
        }
    }

    fn is_any(&self, targets: &[&str]) -> bool {
        targets.iter().any(|t| self.is(t))
    }
}

impl PhraseBook {
    /// Words of suicide or self-harm in `text`, by this language's templates.
    pub fn assess(&self, text: &str) -> Option<RiskMatch> {
        let tokens = self.prepare(text);
        self.templates
            .iter()
            .find(|t| self.matches(t, &tokens))
            .map(|t| RiskMatch { concern: t.concern, template: t.name })
    }

    /// Tokens with fillers dropped, split forms joined and variants replaced.
    fn prepare(&self, text: &str) -> Vec<Token> {
        let mut words: Vec<String> = Vec::new();
        for w in tokens(text) {
            if self.fillers.contains(&w.as_str()) {
                continue;
            }
            let w = self.variants.iter().find(|(v, _)| *v == w).map(|(_, to)| to.to_string()).unwrap_or(w);
            if let Some(last) = words.last_mut() {
                if let Some((_, _, joined)) = self.joins.iter().find(|(a, b, _)| last == a && w == *b) {
                    *last = joined.to_string();
                    continue;
                }
            }
            words.push(w);
        }
        words
            .into_iter()
            .map(|word| {
                let english = word == STOP || word == "#" || language::is_english_word_as_typed(&word);
                Token { word, english }
            })
            .collect()
    }

    fn matches(&self, t: &Template, tokens: &[Token]) -> bool {
        let Some(first) = t.slots.first() else { return false };
        (0..tokens.len()).any(|start| {
            if !tokens[start].is_any(first.words) {
                return false;
            }
            if start > 0 && tokens[start - 1].is_any(t.not_before) {
                return false;
            }
            let Some(end) = Self::follow(&t.slots[1..], tokens, start) else { return false };
            let next = tokens.get(end + 1);
            if next.is_some_and(|n| n.is_any(t.not_after)) {
                return false;
            }
            !t.at_end || next.is_none_or(|n| n.word == STOP)
        })
    }

    /// Match `slots` after the token at `at`, each at the earliest place its gap allows
    /// (the earliest leaves the most room for the rest). Returns the last token's index.
    fn follow(slots: &[Slot], tokens: &[Token], at: usize) -> Option<usize> {
        let mut at = at;
        for s in slots {
            let window = tokens.get(at + 1..)?.iter().take(s.gap + 1);
            let offset = window.take_while(|t| t.word != STOP).position(|t| t.is_any(s.words))?;
            at += 1 + offset;
        }
        Some(at)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// The phrasings of one list file (comments and blank lines left out).
    fn phrases(list: &str) -> Vec<&str> {
        list.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect()
    }

    pub(crate) const MUST_TRIGGER: &str = include_str!("phrases/must_trigger.txt");
    pub(crate) const MUST_NOT_TRIGGER: &str = include_str!("phrases/must_not_trigger.txt");

    #[test]
    fn every_phrasing_that_must_trigger_does() {
        let list = phrases(MUST_TRIGGER);
        assert!(list.len() >= 60, "{} phrasings", list.len());
        let missed: Vec<&str> = list.iter().copied().filter(|p| assess(p).is_none()).collect();
        assert!(missed.is_empty(), "{} of {} not recognised:\n{}", missed.len(), list.len(), missed.join("\n"));
    }

    #[test]
    fn no_phrasing_that_must_not_trigger_does() {
        let list = phrases(MUST_NOT_TRIGGER);
        assert!(list.len() >= 40, "{} phrasings", list.len());
        let wrong: Vec<String> =
            list.iter().filter_map(|p| assess(p).map(|m| format!("{p}  ({})", m.template))).collect();
        assert!(wrong.is_empty(), "{} of {} flagged:\n{}", wrong.len(), list.len(), wrong.join("\n"));
    }

    #[test]
    fn concerns_are_told_apart() {
        assert_eq!(assess("i want to kill myself").unwrap().concern, RiskConcern::Suicide);
        assert_eq!(assess("I want to hurt myself").unwrap().concern, RiskConcern::SelfHarm);
    }

    #[test]
    fn found_in_any_field_and_in_long_text() {
        assert!(assess_all(["lonely", "at home", "i wnat to die"]).is_some());
        assert!(assess_all(["lonely", "at home"]).is_none());
        let long =
            format!("{} and then I thought about ending my life {}", "a day at work ".repeat(200), "x".repeat(50));
        assert!(assess(&long).is_some());
    }

    #[test]
    fn a_sentence_end_breaks_a_phrase() {
        assert!(assess("I want to end it").is_some());
        assert!(assess("I want to end it. Then sleep.").is_some());
        assert!(assess("I want. Dead tired").is_none());
    }

    #[test]
    fn debug_holds_no_words() {
        let m = assess("i want to die tonight canary").unwrap();
        assert!(!format!("{m:?}").contains("canary"));
    }
}
