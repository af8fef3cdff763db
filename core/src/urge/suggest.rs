//! Built-in suggestions for triggers and feelings, in plain words. The person's own words
//! always come first; these fill in when the log is new.

use std::collections::HashMap;

use crate::text;

/// Common triggers and warning signs for compulsive sexual behaviour (PRODUCT.md).
pub const BUILTIN_TRIGGERS: &[&str] = &[
    "lonely",
    "stressed",
    "bored",
    "tired",
    "late-night scrolling",
    "home alone",
    "after an argument",
    "rejected",
    "anxious",
    "sad",
    "can't sleep",
    "alcohol or drugs",
    "payday",
    "travelling",
    "a triggering image or ad",
    "feeling unappreciated",
    "celebrating",
    "procrastinating",
];

/// Feelings to help name what is there (labelling a feeling helps regulate it).
pub const BUILTIN_FEELINGS: &[&str] = &[
    "lonely",
    "anxious",
    "ashamed",
    "angry",
    "sad",
    "restless",
    "empty",
    "overwhelmed",
    "bored",
    "frustrated",
    "hurt",
    "excited",
    "numb",
    "hopeful",
    "calm",
];

/// The person's labels by frequency (ties: most recent wins by order), then built-ins not
/// already present.
pub fn merge<'a>(own: impl Iterator<Item = &'a String>, builtin: &[&str]) -> Vec<String> {
    let mut counts: HashMap<String, (usize, usize, String)> = HashMap::new();
    for (i, label) in own.enumerate() {
        let e = counts.entry(text::fold(label)).or_insert((0, 0, label.clone()));
        e.0 += 1;
        e.1 = i;
        e.2 = label.clone();
    }
    let mut mine: Vec<(usize, usize, String)> = counts.into_values().collect();
    mine.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)));
    let mut out: Vec<String> = mine.into_iter().map(|(_, _, l)| l).collect();
    for b in builtin {
        if !out.iter().any(|o| text::fold(o) == text::fold(b)) {
            out.push((*b).to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_words_first_by_frequency() {
        let own: Vec<String> = vec!["Work email".into(), "lonely".into(), "work email".into()];
        let m = merge(own.iter(), BUILTIN_TRIGGERS);
        assert_eq!(m[0], "work email");
        assert_eq!(m[1], "lonely");
        assert_eq!(m.iter().filter(|x| text::fold(x) == "lonely").count(), 1);
        assert!(m.len() > 10);
    }
}
