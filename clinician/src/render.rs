//! How a client's shared document reads in a terminal: one heading per category, weekly
//! summaries as sentences, the coping plan as sections, every other category as one block per
//! entry with its fields. `--json` prints the same content as data instead.

use companion_core::clinician::SharedView;
use companion_core::share::plan::plan_json;
use serde_json::{Map, Value};

/// The whole view as text.
pub fn view_text(view: &SharedView) -> String {
    match view {
        SharedView::Empty => "  Nothing has been shared in it yet.\n".to_string(),
        SharedView::Plan(plan) => plan_text(&plan_json(plan)),
        SharedView::Entries { category, entries } => {
            let mut out = format!("{}\n", title(category));
            if entries.is_empty() {
                out.push_str("  No entries yet.\n");
            }
            for (key, value) in entries {
                if category == "weekly-summaries" {
                    out.push_str(&week_line(key, value));
                } else {
                    out.push_str(&format!("  {key}\n"));
                    fields(&mut out, value, "    ");
                }
            }
            out
        }
    }
}

fn title(category: &str) -> String {
    let mut t = category.replace('-', " ");
    if let Some(first) = t.get(0..1) {
        let upper = first.to_uppercase();
        t.replace_range(0..1, &upper);
    }
    format!("{t}:")
}

fn num(v: &Value, key: &str) -> Option<f64> {
    v.get(key).and_then(Value::as_f64)
}

fn count(v: &Value, key: &str) -> u64 {
    v.get(key).and_then(Value::as_u64).unwrap_or(0)
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// One week as a sentence or two, numbers only (that is all the category carries).
fn week_line(week: &str, v: &Value) -> String {
    let urges = count(v, "urges");
    let mut parts = vec![plural(urges, "urge", "urges")];
    if urges > 0 {
        if let (Some(mean), Some(peak)) = (num(v, "intensity_mean"), num(v, "intensity_peak")) {
            parts.push(format!("intensity {mean:.1} on average, {peak:.0} at most"));
        }
        parts.push(format!("{} ridden out", count(v, "urges_surfed")));
        parts.push(format!("{} with a coping strategy", count(v, "urges_with_strategies")));
        parts.push(format!("{} acted on", count(v, "urges_acted")));
    }
    let mut line = format!("  Week of {week}: {}", parts.join(", "));
    line.push_str(&format!(
        "; {}, {} completed; {} of {} tracked days without acting out",
        plural(count(v, "slips"), "slip", "slips"),
        plural(count(v, "chain_analyses_completed"), "chain analysis", "chain analyses"),
        count(v, "days_without_acting_out"),
        count(v, "days_tracked"),
    ));
    let check_ins = count(v, "check_in_days");
    if check_ins > 0 {
        let avg = |k: &str| num(v, k).map(|x| format!("{x:.1}")).unwrap_or_else(|| "–".into());
        line.push_str(&format!(
            "; check-ins on {}: mood {}, stress {}, loneliness {}, sleep {}",
            plural(check_ins, "day", "days"),
            avg("mood_mean"),
            avg("stress_mean"),
            avg("loneliness_mean"),
            avg("sleep_mean"),
        ));
    }
    line.push_str(".\n");
    line
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::Bool(b) => Some(if *b { "yes".into() } else { "no".into() }),
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) => Some(s.clone()),
        Value::Array(a) if a.iter().all(|x| !x.is_object() && !x.is_array()) => {
            let items: Vec<String> = a.iter().filter_map(scalar).collect();
            if items.is_empty() {
                None
            } else {
                Some(items.join(", "))
            }
        }
        _ => None,
    }
}

/// Every field of an entry, nested objects and lists indented; bookkeeping fields left out.
fn fields(out: &mut String, v: &Value, indent: &str) {
    let Some(map): Option<&Map<String, Value>> = v.as_object() else {
        if let Some(s) = scalar(v) {
            out.push_str(&format!("{indent}{s}\n"));
        }
        return;
    };
    for (k, val) in map {
        if k == "format" {
            continue;
        }
        let label = k.replace('_', " ");
        if let Some(s) = scalar(val) {
            out.push_str(&format!("{indent}{label}: {s}\n"));
        } else if val.is_object() {
            out.push_str(&format!("{indent}{label}:\n"));
            fields(out, val, &format!("{indent}  "));
        } else if let Value::Array(items) = val {
            if items.is_empty() {
                continue;
            }
            out.push_str(&format!("{indent}{label}:\n"));
            for item in items {
                fields(out, item, &format!("{indent}  "));
                if item.is_object() {
                    out.push_str(&format!("{indent}  ·\n"));
                }
            }
        }
    }
}

/// The coping plan, section by section, as the client sees it.
fn plan_text(p: &Value) -> String {
    let mut out = String::from("Coping plan:\n");
    let section = |out: &mut String, title: &str, key: &str| {
        let Some(items) = p.get(key).and_then(Value::as_array).filter(|a| !a.is_empty()) else {
            return;
        };
        out.push_str(&format!("  {title}\n"));
        for item in items {
            match item {
                Value::Object(_) => {
                    let name = item.get("name").or_else(|| item.get("text")).and_then(Value::as_str).unwrap_or("");
                    let mut line = format!("    - {name}");
                    if let Some(how) = item.get("how").and_then(Value::as_str).filter(|h| !h.is_empty()) {
                        line.push_str(&format!(": {how}"));
                    }
                    if item.get("crisis_line").and_then(Value::as_bool) == Some(true) {
                        line.push_str(" (crisis line)");
                    }
                    out.push_str(&line);
                    out.push('\n');
                    for s in item.get("strategies").and_then(Value::as_array).into_iter().flatten() {
                        if let Some(text) = s.get("text").and_then(Value::as_str) {
                            out.push_str(&format!("        · {text}\n"));
                        }
                    }
                }
                other => {
                    if let Some(s) = scalar(other) {
                        out.push_str(&format!("    - {s}\n"));
                    }
                }
            }
        }
    };
    section(&mut out, "Warning signs", "warning_signs");
    section(&mut out, "Triggers", "triggers");
    section(&mut out, "For any moment", "strategies");
    section(&mut out, "People and places that distract", "distractions");
    section(&mut out, "People who can help", "people");
    section(&mut out, "Professionals and crisis lines", "professionals");
    section(&mut out, "A safer environment", "environment");
    section(&mut out, "Reasons for recovery", "reasons");
    if out.lines().count() == 1 {
        out.push_str("  The plan is empty so far.\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::collections::BTreeMap;

    #[test]
    fn weekly_summary_reads_as_a_sentence() {
        let mut entries = BTreeMap::new();
        entries.insert(
            "2026-11-16".to_string(),
            json!({"urges": 3, "intensity_mean": 5.5, "intensity_peak": 8, "urges_surfed": 2,
                   "urges_with_strategies": 1, "urges_acted": 1, "slips": 1, "chain_analyses_completed": 1,
                   "days_tracked": 7, "days_without_acting_out": 6, "check_in_days": 0, "format": 1}),
        );
        let text = view_text(&SharedView::Entries { category: "weekly-summaries".into(), entries });
        assert!(text.starts_with("Weekly summaries:\n"), "{text}");
        assert!(
            text.contains("Week of 2026-11-16: 3 urges, intensity 5.5 on average, 8 at most, 2 ridden out, 1 with a coping strategy, 1 acted on; 1 slip, 1 chain analysis completed; 6 of 7 tracked days without acting out."),
            "{text}"
        );
    }

    #[test]
    fn entries_show_fields_without_bookkeeping() {
        let mut entries = BTreeMap::new();
        entries.insert(
            "2026-11-20 22:10".to_string(),
            json!({"format": 1, "intensity": 6, "triggers": ["lonely", "bored"], "alone": true, "note": null}),
        );
        let text = view_text(&SharedView::Entries { category: "urges".into(), entries });
        assert!(text.contains("Urges:"));
        assert!(text.contains("    intensity: 6\n"));
        assert!(text.contains("    triggers: lonely, bored\n"));
        assert!(text.contains("    alone: yes\n"));
        assert!(!text.contains("format"));
        assert!(!text.contains("note"));
    }

    #[test]
    fn plan_reads_by_section() {
        let plan = json!({
            "warning_signs": [], "distractions": [], "environment": [], "professionals": [],
            "triggers": [{"name": "lonely", "strategies": [{"text": "Call a friend", "kind": "reach_out"}]}],
            "strategies": [{"text": "Breathe slowly", "kind": "ground_or_breathe"}],
            "people": [{"name": "Sam Example", "how": "555 0100", "crisis_line": false, "availability": []}],
            "reasons": ["Being present"],
        });
        let text = plan_text(&plan);
        assert!(text.contains("  Triggers\n    - lonely\n        · Call a friend\n"), "{text}");
        assert!(text.contains("  For any moment\n    - Breathe slowly\n"), "{text}");
        assert!(text.contains("    - Sam Example: 555 0100\n"), "{text}");
        assert!(text.contains("  Reasons for recovery\n    - Being present\n"), "{text}");
        assert!(!text.contains("Warning signs"));
    }

    #[test]
    fn empty_share_says_so() {
        assert!(view_text(&SharedView::Empty).contains("Nothing has been shared"));
    }
}
