//! Suggestions for a client's shared coping plan, from the terminal or the dashboard's form:
//! which edit it makes and how it reads in plain words.

use companion_core::plan::model::CopingPlan;
use companion_core::plan::{PlanEdit, StrategyKind};

/// Longest text of a suggestion (the plan's own limit is checked by the core as well).
pub const MAX_CHARS: usize = 500;

/// What the clinician suggests, in the plan's Stanley-Brown order.
#[derive(Clone, PartialEq, Eq)]
pub enum Suggestion {
    WarningSign {
        name: String,
    },
    Trigger {
        name: String,
    },
    /// A strategy for a named trigger or warning sign, or for any moment (`for_item: None`).
    Strategy {
        for_item: Option<String>,
        text: String,
    },
    Distraction {
        text: String,
    },
    Professional {
        name: String,
        how: Option<String>,
        crisis_line: bool,
    },
    Environment {
        text: String,
    },
    Reason {
        text: String,
    },
}

impl std::fmt::Debug for Suggestion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Suggestion(<redacted>)")
    }
}

/// Why a suggestion cannot be made.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SuggestError {
    #[error("write what to suggest")]
    Empty,
    #[error("keep it under {MAX_CHARS} characters")]
    TooLong,
    #[error("the plan has no trigger or warning sign by that name")]
    NoSuchItem,
}

fn words(s: &str) -> Result<String, SuggestError> {
    let t = s.trim();
    if t.is_empty() {
        return Err(SuggestError::Empty);
    }
    if t.chars().count() > MAX_CHARS {
        return Err(SuggestError::TooLong);
    }
    Ok(t.to_string())
}

/// The plan edit a suggestion makes and its summary in plain words.
pub fn edit(plan: &CopingPlan, s: &Suggestion) -> Result<(PlanEdit, String), SuggestError> {
    Ok(match s {
        Suggestion::WarningSign { name } => {
            let name = words(name)?;
            (PlanEdit::AddWarningSign { name: name.clone() }, format!("Add the warning sign \u{201c}{name}\u{201d}"))
        }
        Suggestion::Trigger { name } => {
            let name = words(name)?;
            (PlanEdit::AddTrigger { name: name.clone() }, format!("Add the trigger \u{201c}{name}\u{201d}"))
        }
        Suggestion::Strategy { for_item, text } => {
            let text = words(text)?;
            let item = match for_item.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
                Some(name) => Some(plan.find_item(name).ok_or(SuggestError::NoSuchItem)?),
                None => None,
            };
            let summary = match item {
                Some(i) => format!("Add the strategy \u{201c}{text}\u{201d} for \u{201c}{}\u{201d}", i.name),
                None => format!("Add the strategy \u{201c}{text}\u{201d} for any moment"),
            };
            let kind = Some(StrategyKind::guess(&text));
            (PlanEdit::AddStrategy { for_item: item.map(|i| i.id), text, kind }, summary)
        }
        Suggestion::Distraction { text } => {
            let text = words(text)?;
            (PlanEdit::AddDistraction { text: text.clone() }, format!("Add \u{201c}{text}\u{201d} to what distracts"))
        }
        Suggestion::Professional { name, how, crisis_line } => {
            let name = words(name)?;
            let how = how.as_deref().map(words).transpose().or_else(|e| match e {
                SuggestError::Empty => Ok(None),
                other => Err(other),
            })?;
            let what = if *crisis_line { "crisis line" } else { "professional" };
            (
                PlanEdit::AddProfessional {
                    name: name.clone(),
                    how,
                    availability: Vec::new(),
                    crisis_line: *crisis_line,
                },
                format!("Add the {what} \u{201c}{name}\u{201d}"),
            )
        }
        Suggestion::Environment { text } => {
            let text = words(text)?;
            (
                PlanEdit::AddEnvironmentChange { text: text.clone() },
                format!("Add \u{201c}{text}\u{201d} to making the environment safer"),
            )
        }
        Suggestion::Reason { text } => {
            let text = words(text)?;
            (PlanEdit::AddReason { text: text.clone() }, format!("Add the reason for recovery \u{201c}{text}\u{201d}"))
        }
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn suggestions_read_in_plain_words_and_bad_ones_are_refused() {
        let plan = CopingPlan::default();
        let (e, summary) = edit(&plan, &Suggestion::Reason { text: "  My family  ".into() }).unwrap();
        assert_eq!(summary, "Add the reason for recovery \u{201c}My family\u{201d}");
        assert!(matches!(e, PlanEdit::AddReason { text } if text == "My family"));
        assert_eq!(edit(&plan, &Suggestion::Reason { text: " ".into() }).unwrap_err(), SuggestError::Empty);
        assert_eq!(
            edit(&plan, &Suggestion::Strategy { for_item: Some("lonely".into()), text: "Text Sam".into() })
                .unwrap_err(),
            SuggestError::NoSuchItem
        );
        assert_eq!(edit(&plan, &Suggestion::Trigger { name: "x".repeat(501) }).unwrap_err(), SuggestError::TooLong);
        let (_, s) =
            edit(&plan, &Suggestion::Professional { name: "Helpline".into(), how: Some("".into()), crisis_line: true })
                .unwrap();
        assert_eq!(s, "Add the crisis line \u{201c}Helpline\u{201d}");
    }
}
