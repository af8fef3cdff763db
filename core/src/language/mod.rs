//! Language tools shared by everything that reads what a person types: the plan lookup
//! ([`crate::plan`]) and the risk path ([`crate::safety`]).
//!
//! Well-kept tools do the parts that are hard to get right by hand:
//! - is this a correctly spelt English word? Hunspell's `en_US` and `en_GB` dictionaries
//!   (vendored in `hunspell/`, see its README for sources and licences), read by the
//!   `spellbook` crate. A word either dictionary knows is never "corrected" into another;
//! - stems: the Snowball English (Porter 2) stemmer of `rust-stemmers`, which also has other
//!   languages for when the app has them;
//! - edit distance: optimal string alignment (Damerau-Levenshtein with adjacent
//!   transpositions) from `strsim`.
//!
//! The dictionaries are parsed once, on first use (about 70 ms each on a laptop core; see
//! docs/benchmarks.md); [`warm_up`] lets an app do it early, off the main thread.

use std::sync::OnceLock;

use rust_stemmers::{Algorithm, Stemmer};
use spellbook::Dictionary;

/// Words people type without their apostrophe ("dont", "im"): correct English as typed, but
/// not in a dictionary in that form.
const CONTRACTIONS: &[&str] = &[
    "aint", "arent", "cant", "couldnt", "didnt", "doesnt", "dont", "hadnt", "hasnt", "havent", "hes", "id", "ill",
    "im", "isnt", "itll", "ive", "lets", "mightnt", "mustnt", "shant", "shes", "shouldnt", "thats", "theres", "theyd",
    "theyll", "theyre", "theyve", "wasnt", "wed", "well", "were", "werent", "weve", "whats", "wont", "wouldnt", "youd",
    "youll", "youre", "youve",
];

struct Dictionaries {
    us: Option<Dictionary>,
    gb: Option<Dictionary>,
}

fn dictionaries() -> &'static Dictionaries {
    static D: OnceLock<Dictionaries> = OnceLock::new();
    D.get_or_init(|| {
        let strip = |s: &'static str| s.trim_start_matches('\u{feff}');
        // The files are part of the build and tested to parse; should one ever fail, spelling
        // falls back to the other dictionary (or to none), never to a panic.
        let us = Dictionary::new(include_str!("hunspell/en_US.aff"), include_str!("hunspell/en_US.dic")).ok();
        let gb =
            Dictionary::new(strip(include_str!("hunspell/en_GB.aff")), strip(include_str!("hunspell/en_GB.dic"))).ok();
        Dictionaries { us, gb }
    })
}

fn stemmer() -> &'static Stemmer {
    static S: OnceLock<Stemmer> = OnceLock::new();
    S.get_or_init(|| Stemmer::create(Algorithm::English))
}

/// Parse the dictionaries now rather than at the first lookup or note.
pub fn warm_up() {
    let _ = dictionaries();
    let _ = stemmer();
}

/// Whether `word` (lower-case, as [`words`] gives it) is correctly spelt English, American or
/// British, including apostrophe-less contractions and capitalised words typed in lower case
/// ("london").
pub(crate) fn is_english_word(word: &str) -> bool {
    if word.is_empty() {
        return false;
    }
    if CONTRACTIONS.contains(&word) {
        return true;
    }
    let d = dictionaries();
    let check = |w: &str| d.us.as_ref().is_some_and(|x| x.check(w)) || d.gb.as_ref().is_some_and(|x| x.check(w));
    if check(word) {
        return true;
    }
    let mut chars = word.chars();
    match chars.next() {
        Some(first) if first.is_lowercase() => {
            let capitalised: String = first.to_uppercase().chain(chars).collect();
            check(&capitalised)
        }
        _ => false,
    }
}

/// Whether `word` is correctly spelt English exactly as typed (lower case): like
/// [`is_english_word`] without the capitalised reading, so a name typed in lower case
/// ("dei", "kiel") still counts as a possible typo.
pub(crate) fn is_english_word_as_typed(word: &str) -> bool {
    if CONTRACTIONS.contains(&word) {
        return true;
    }
    let d = dictionaries();
    d.us.as_ref().is_some_and(|x| x.check(word)) || d.gb.as_ref().is_some_and(|x| x.check(word))
}

/// The Snowball English stem of a lower-case word ("stressed", "stresses" → "stress").
pub(crate) fn stem(word: &str) -> String {
    stemmer().stem(word).into_owned()
}

/// Optimal-string-alignment distance between two words, in characters.
pub(crate) fn distance(a: &str, b: &str) -> usize {
    strsim::osa_distance(a, b)
}

/// How many edits a typo of a word this long may hold: none below 4 letters (too many real
/// words lie one letter apart), 1 for 4-7 letters, 2 from 8.
pub(crate) fn typo_budget(chars: usize) -> usize {
    match chars {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

/// Split into lower-case words. Apostrophes vanish ("can't" → "cant"); anything else that is
/// not a letter or digit separates words. Words without a letter are dropped.
pub(crate) fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for c in text.chars() {
        if c == '\'' || c == '\u{2019}' || c == '`' {
            continue;
        }
        if c.is_alphanumeric() {
            cur.extend(c.to_lowercase());
        } else if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out.retain(|w| w.chars().any(char::is_alphabetic));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_dictionaries_parse() {
        let d = dictionaries();
        assert!(d.us.is_some() && d.gb.is_some());
    }

    #[test]
    fn knows_american_british_and_apostrophe_less_english() {
        for w in ["thinking", "drinking", "lonely", "colour", "travelling", "parlour", "dont", "cant", "london", "porn"]
        {
            assert!(is_english_word(w), "{w}");
        }
        for w in ["lonley", "stresed", "tierd", "sucidal", "myslef", "xyzzy", ""] {
            assert!(!is_english_word(w), "{w}");
        }
    }

    #[test]
    fn words_split_and_drop_apostrophes() {
        assert_eq!(words("Can't sleep, LONELY!"), vec!["cant", "sleep", "lonely"]);
        assert_eq!(words("late-night scrolling 5-4-3-2-1"), vec!["late", "night", "scrolling"]);
        assert_eq!(words("I’m stressed"), vec!["im", "stressed"]);
    }

    #[test]
    fn stems_and_distances() {
        assert_eq!(stem("stressed"), stem("stresses"));
        assert_eq!(stem("scrolling"), "scroll");
        assert_eq!(distance("lonley", "lonely"), 1);
        assert_eq!(distance("exausted", "exhausted"), 1);
        assert_eq!(typo_budget(3), 0);
        assert_eq!(typo_budget(8), 2);
    }
}
