//! Validation and normalisation of what people type.
//!
//! Errors name the field and the rule, never the text itself.

use crate::error::{Error, Result};

/// Limits for one short label (a trigger, a feeling, a strategy name).
pub const LABEL_MAX_CHARS: usize = 100;
/// At most this many labels in one list.
pub const LABELS_MAX: usize = 20;
/// Limits for a short line (a place, an activity).
pub const LINE_MAX_CHARS: usize = 200;
/// Limits for free text (a note).
pub const NOTE_MAX_CHARS: usize = 10_000;

/// Control characters other than whitespace (tabs and line breaks are folded or kept).
fn has_forbidden_controls(s: &str) -> bool {
    s.chars().any(|c| c.is_control() && !c.is_whitespace())
}

/// A short single-line label: trimmed, inner whitespace collapsed, 1..=max characters.
pub fn label(field: &'static str, raw: &str, max: usize) -> Result<String> {
    if has_forbidden_controls(raw) {
        return Err(Error::invalid(field, "use plain text on one line"));
    }
    let s = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.is_empty() {
        return Err(Error::invalid(field, "cannot be empty"));
    }
    let n = s.chars().count();
    if n > max {
        return Err(Error::invalid(field, format!("is {n} characters long; the limit is {max}")));
    }
    Ok(s)
}

/// A list of labels: each validated, duplicates (ignoring case) dropped, order kept.
pub fn labels(field: &'static str, raw: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::with_capacity(raw.len());
    for r in raw {
        let l = label(field, r, LABEL_MAX_CHARS)?;
        if !out.iter().any(|o| o.to_lowercase() == l.to_lowercase()) {
            out.push(l);
        }
    }
    if out.len() > LABELS_MAX {
        return Err(Error::invalid(field, format!("at most {LABELS_MAX} entries")));
    }
    Ok(out)
}

/// Optional free text: trimmed; empty becomes `None`; newlines allowed.
pub fn note(field: &'static str, raw: Option<&str>, max: usize) -> Result<Option<String>> {
    let Some(r) = raw else { return Ok(None) };
    if has_forbidden_controls(r) {
        return Err(Error::invalid(field, "contains control characters"));
    }
    let s = r.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let n = s.chars().count();
    if n > max {
        return Err(Error::invalid(field, format!("is {n} characters long; the limit is {max}")));
    }
    Ok(Some(s.to_string()))
}

/// Optional one-line text (a place, an activity).
pub fn line(field: &'static str, raw: Option<&str>) -> Result<Option<String>> {
    match raw {
        None => Ok(None),
        Some(r) if r.trim().is_empty() => Ok(None),
        Some(r) => label(field, r, LINE_MAX_CHARS).map(Some),
    }
}

/// Lower-case, trimmed, inner whitespace collapsed: for comparing labels.
pub fn fold(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// A 0..=max rating.
pub fn rating(field: &'static str, v: u8, max: u8) -> Result<u8> {
    if v > max {
        return Err(Error::invalid(field, format!("must be between 0 and {max}")));
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_cleaned_and_limited() {
        assert_eq!(label("trigger", "  late   night\tscrolling ", 100).unwrap(), "late night scrolling");
        assert!(label("trigger", "   ", 100).is_err());
        let long = "x".repeat(5000);
        let e = label("trigger", &long, 100).unwrap_err().to_string();
        assert!(e.contains("5000") && !e.contains("xxxx"), "{e}");
        assert!(label("trigger", "a\u{7}b", 100).is_err());
        let l = labels("trigger", &["Stress".into(), "stress".into(), "Lonely".into()]).unwrap();
        assert_eq!(l, vec!["Stress", "Lonely"]);
        let many: Vec<String> = (0..21).map(|i| format!("t{i}")).collect();
        assert!(labels("trigger", &many).is_err());
    }

    #[test]
    fn notes_allow_newlines() {
        assert_eq!(note("note", Some(" a\nb "), 10).unwrap().as_deref(), Some("a\nb"));
        assert_eq!(note("note", Some("  "), 10).unwrap(), None);
        assert!(note("note", Some("12345678901"), 10).is_err());
    }

    #[test]
    fn ratings() {
        assert!(rating("intensity", 11, 10).is_err());
        assert_eq!(rating("intensity", 10, 10).unwrap(), 10);
    }
}
