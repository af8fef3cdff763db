//! Turning what a person types into comparable terms, tolerant of typos, inflections and
//! synonyms.
//!
//! Pipeline for a text: split into words (apostrophes dropped, so "can't" is "cant"; other
//! punctuation splits) → correct a word that is not known (Damerau-Levenshtein distance 1 for
//! words of 4-7 letters, 2 from 8 letters, against the built-in vocabulary plus the words of
//! the client's plan) → stem ([`lexicon::stem`]) → multi-word phrases of the synonym map
//! ("can't sleep", "no one") → single words to concepts ("alone" → *lonely*) → drop stopwords.
//! What remains is a set of terms: a concept, or a stem that is in no concept.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::OnceLock;

use super::lexicon::{self, CONCEPTS, STOPWORDS};
use crate::language;

/// How much a term found by correcting a typo counts, against 1.0 for an exact word.
pub(crate) const TYPO_QUALITY: f32 = 0.8;
/// Longest phrase in the synonym map, in words.
const MAX_PHRASE: usize = 5;

/// A comparable unit of meaning.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum TermKey {
    /// Index into [`CONCEPTS`].
    Concept(u16),
    /// A stem that belongs to no concept.
    Stem(String),
}

/// The built-in vocabulary, built once.
pub(crate) struct Lexicon {
    stop: HashSet<&'static str>,
    /// Surface word or stem → concept.
    words: HashMap<String, u16>,
    /// Stemmed word sequences (2..=MAX_PHRASE) → concept.
    phrases: HashMap<Vec<String>, u16>,
    /// Every surface word the built-ins know, for typo correction.
    surface: Vec<String>,
}

pub(crate) fn lexicon() -> &'static Lexicon {
    static L: OnceLock<Lexicon> = OnceLock::new();
    L.get_or_init(Lexicon::build)
}

pub(crate) use crate::language::words;

impl Lexicon {
    fn build() -> Lexicon {
        let stop: HashSet<&'static str> = STOPWORDS.iter().copied().collect();
        let mut words = HashMap::new();
        let mut phrases = HashMap::new();
        let mut surface: BTreeSet<String> = BTreeSet::new();
        for (i, (_, forms)) in CONCEPTS.iter().enumerate() {
            let id = i as u16;
            for form in *forms {
                let ws = words_of(form);
                surface.extend(ws.iter().cloned());
                match ws.len() {
                    0 => {}
                    1 => {
                        words.entry(ws[0].clone()).or_insert(id);
                        words.entry(lexicon::stem(&ws[0])).or_insert(id);
                    }
                    _ => {
                        phrases.entry(ws.iter().map(|w| lexicon::stem(w)).collect()).or_insert(id);
                    }
                }
            }
        }
        surface.extend(STOPWORDS.iter().map(|s| s.to_string()));
        Lexicon { stop, words, phrases, surface: surface.into_iter().collect() }
    }

    pub(crate) fn is_stop(&self, w: &str) -> bool {
        self.stop.contains(w)
    }

    pub(crate) fn concept_name(id: u16) -> &'static str {
        CONCEPTS.get(usize::from(id)).map(|c| c.0).unwrap_or("")
    }

    pub(crate) fn concept_named(name: &str) -> Option<u16> {
        CONCEPTS.iter().position(|c| c.0 == name).map(|i| i as u16)
    }
}

fn words_of(text: &str) -> Vec<String> {
    words(text)
}

/// Terms of a text, with how surely each was recognised (1.0, or [`TYPO_QUALITY`]).
/// `vocab` corrects typos; without it words are taken as typed.
pub(crate) fn analyze(text: &str, vocab: Option<&Vocabulary>) -> Vec<(TermKey, f32)> {
    let lex = lexicon();
    let mut toks: Vec<(String, f32)> = Vec::new();
    for w in words(text) {
        // A correctly spelt English word is never "corrected" into another ("thinking" is not
        // "drinking").
        let known = lex.is_stop(&w)
            || lex.words.contains_key(&w)
            || vocab.is_some_and(|v| v.known.contains(&w))
            || language::is_english_word(&w);
        match vocab {
            Some(v) if !known => match v.correct(&w) {
                Some(c) => toks.push((c.to_string(), TYPO_QUALITY)),
                None => toks.push((w, 1.0)),
            },
            _ => toks.push((w, 1.0)),
        }
    }
    let stems: Vec<String> = toks.iter().map(|(w, _)| lexicon::stem(w)).collect();
    let mut out: Vec<(TermKey, f32)> = Vec::new();
    let push = |k: TermKey, q: f32, out: &mut Vec<(TermKey, f32)>| match out.iter_mut().find(|(o, _)| *o == k) {
        Some(e) => e.1 = e.1.max(q),
        None => out.push((k, q)),
    };
    let mut i = 0;
    while i < toks.len() {
        // Longest phrase first.
        let mut matched = 0;
        for n in (2..=MAX_PHRASE.min(toks.len() - i)).rev() {
            if let Some(&c) = lex.phrases.get(&stems[i..i + n]) {
                let q = toks[i..i + n].iter().map(|t| t.1).fold(1.0f32, f32::min);
                push(TermKey::Concept(c), q, &mut out);
                matched = n;
                break;
            }
        }
        if matched > 0 {
            i += matched;
            continue;
        }
        let (w, q) = &toks[i];
        if !lex.is_stop(w) {
            match lex.words.get(w).or_else(|| lex.words.get(&stems[i])) {
                Some(&c) => push(TermKey::Concept(c), *q, &mut out),
                None => push(TermKey::Stem(stems[i].clone()), *q, &mut out),
            }
        }
        i += 1;
    }
    out
}

/// Every surface word the built-in lexicon knows (for tests of typo correction).
#[cfg(test)]
pub(crate) fn lexicon_words() -> &'static [String] {
    &lexicon().surface
}

/// Whether a term is the built-in concept called `name`.
pub(crate) fn is_concept(term: &TermKey, name: &str) -> bool {
    matches!(term, TermKey::Concept(c) if Lexicon::concept_name(*c) == name)
}

/// The set of terms of a label, without typo correction (to compare two labels).
pub(crate) fn concepts_of(text: &str) -> BTreeSet<TermKey> {
    analyze(text, None).into_iter().map(|(k, _)| k).collect()
}

/// Known words for typo correction: the built-ins plus the words of one plan.
pub(crate) struct Vocabulary {
    known: HashSet<String>,
    /// Known words by length in characters.
    by_len: Vec<Vec<(Vec<char>, String)>>,
}

impl Vocabulary {
    pub(crate) fn new<'a>(extra: impl IntoIterator<Item = &'a str>) -> Vocabulary {
        let lex = lexicon();
        let mut known: HashSet<String> = lex.surface.iter().cloned().collect();
        for text in extra {
            known.extend(words(text));
        }
        let mut by_len: Vec<Vec<(Vec<char>, String)>> = Vec::new();
        let mut sorted: Vec<&String> = known.iter().collect();
        sorted.sort();
        for w in sorted {
            let chars: Vec<char> = w.chars().collect();
            if by_len.len() <= chars.len() {
                by_len.resize_with(chars.len() + 1, Vec::new);
            }
            by_len[chars.len()].push((chars, w.clone()));
        }
        Vocabulary { known, by_len }
    }

    /// The closest known word within the allowed distance, preferring built-in vocabulary
    /// (which carries synonyms) on ties.
    pub(crate) fn correct(&self, w: &str) -> Option<&str> {
        let chars: Vec<char> = w.chars().collect();
        let n = chars.len();
        if n < 4 {
            return None;
        }
        let max = if n >= 8 { 2 } else { 1 };
        let lex = lexicon();
        let mut best: Option<(usize, bool, &str)> = None;
        for len in n.saturating_sub(max)..=(n + max) {
            let Some(bucket) = self.by_len.get(len) else { continue };
            for (cand, word) in bucket {
                if let Some(d) = distance(&chars, cand, max) {
                    let builtin = lex.words.contains_key(word);
                    let better = match best {
                        None => true,
                        Some((bd, bb, _)) => d < bd || (d == bd && builtin && !bb),
                    };
                    if better {
                        best = Some((d, builtin, word.as_str()));
                    }
                }
            }
        }
        best.map(|b| b.2)
    }
}

/// Optimal-string-alignment distance (Damerau-Levenshtein with adjacent transpositions),
/// or `None` when it exceeds `max`.
pub(crate) fn distance(a: &[char], b: &[char], max: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let m = b.len();
    let mut prev2 = vec![0usize; m + 1];
    let mut prev: Vec<usize> = (0..=m).collect();
    let mut cur = vec![0usize; m + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(prev2[j - 2] + 1);
            }
            cur[j] = v;
            row_min = row_min.min(v);
        }
        if row_min > max {
            return None;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    let d = prev[m];
    (d <= max).then_some(d)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn concept(name: &str) -> TermKey {
        TermKey::Concept(Lexicon::concept_named(name).unwrap())
    }

    #[test]
    fn distances() {
        let c = |s: &str| s.chars().collect::<Vec<_>>();
        assert_eq!(distance(&c("lonley"), &c("lonely"), 2), Some(1));
        assert_eq!(distance(&c("stresed"), &c("stressed"), 2), Some(1));
        assert_eq!(distance(&c("exausted"), &c("exhausted"), 2), Some(1));
        assert_eq!(distance(&c("abc"), &c("xyz"), 2), None);
        assert_eq!(distance(&c(""), &c("ab"), 2), Some(2));
    }

    #[test]
    fn synonyms_phrases_and_typos_reach_concepts() {
        let v = Vocabulary::new(["Call Sam Example"]);
        let terms = |t: &str| analyze(t, Some(&v)).into_iter().map(|(k, _)| k).collect::<Vec<_>>();
        assert_eq!(terms("cant sleep, lonely"), vec![concept("tired"), concept("lonely")]);
        assert_eq!(terms("feeling so alone"), vec![concept("lonely")]);
        assert_eq!(terms("stressful day"), vec![concept("stress"), TermKey::Stem("day".into())]);
        assert_eq!(terms("lonley"), vec![concept("lonely")]);
        assert_eq!(terms("no one to talk to"), vec![concept("lonely")]);
        assert_eq!(terms("someone to talk to"), vec![TermKey::Stem("someon".into()), concept("call")]);
        assert_eq!(terms("clal samm"), vec![concept("call"), TermKey::Stem("sam".into())]);
        let q = analyze("bordeom", Some(&v));
        assert_eq!(q, vec![(concept("bored"), TYPO_QUALITY)]);
    }
}
