//! How the coping plan and lookups look: text for people, stable JSON for scripts.

use companion_core::plan::{
    entry_json, Contact, ContactStep, CopingPlan, Lookup, MatchHow, PlanEntry, PlanItem, RankedStrategy, Strategy,
    StrategyStat, StrategyStats,
};
use companion_core::RecordId;
use serde_json::{json, Value};

use crate::format::short_id;

fn tag(id: &RecordId, ids: bool) -> String {
    if ids {
        format!("  [{}]", short_id(id))
    } else {
        String::new()
    }
}

fn availability(c: &Contact) -> String {
    if c.availability.is_empty() {
        "any time".to_string()
    } else {
        c.availability.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
    }
}

fn contact_line(c: &Contact) -> String {
    let mut s = c.name.clone();
    if c.crisis_line {
        s.push_str(" (crisis line)");
    }
    if let Some(h) = &c.how {
        s.push_str(&format!(" · {h}"));
    }
    s.push_str(&format!(" · {}", availability(c)));
    s
}

fn strategies_block(out: &mut Vec<String>, list: &[Strategy], indent: &str, ids: bool) {
    for (i, s) in list.iter().enumerate() {
        out.push(format!("{indent}{}. {}  ({}){}", i + 1, s.text, s.kind.label(), tag(&s.id, ids)));
    }
}

fn items_block(out: &mut Vec<String>, title: &str, items: &[PlanItem], ids: bool, hint: &str) {
    out.push(String::new());
    out.push(title.to_string());
    if items.is_empty() {
        out.push(format!("  Nothing yet. {hint}"));
        return;
    }
    for (i, item) in items.iter().enumerate() {
        out.push(format!("  {}. {}{}", i + 1, item.name, tag(&item.id, ids)));
        if item.strategies.is_empty() {
            out.push("       no strategies yet".to_string());
        }
        strategies_block(out, &item.strategies, "       ", ids);
    }
}

fn lines_block(out: &mut Vec<String>, title: &str, lines: &[PlanEntry], ids: bool, hint: &str) {
    out.push(String::new());
    out.push(title.to_string());
    if lines.is_empty() {
        out.push(format!("  Nothing yet. {hint}"));
    }
    for l in lines {
        let mut text_lines = l.text.lines();
        let first = text_lines.next().unwrap_or_default();
        out.push(format!("  • {first}{}", tag(&l.id, ids)));
        for rest in text_lines {
            out.push(format!("    {rest}"));
        }
    }
}

fn contacts_block(out: &mut Vec<String>, title: &str, list: &[Contact], ids: bool, hint: &str) {
    out.push(String::new());
    out.push(title.to_string());
    if list.is_empty() {
        out.push(format!("  Nothing yet. {hint}"));
    }
    for c in list {
        out.push(format!("  • {}{}", contact_line(c), tag(&c.id, ids)));
    }
}

/// The whole plan, in the Stanley-Brown order.
pub fn plan_text(p: &CopingPlan, ids: bool) -> String {
    let mut out = vec!["My coping plan".to_string()];
    if p.is_empty() {
        out.push(String::new());
        out.push("Your plan is empty. A good first step is one trigger and one thing that helps:".to_string());
        out.push("  companion plan edit add-trigger \"lonely\"".to_string());
        out.push("  companion plan edit add-strategy \"Call Sam\" --for lonely".to_string());
        out.push("Until then, `companion plan find` offers suggestions.".to_string());
        return out.join("\n");
    }
    items_block(&mut out, "Warning signs", &p.warning_signs, ids, "add-warning-sign \"TEXT\"");
    items_block(&mut out, "Triggers", &p.triggers, ids, "add-trigger \"TEXT\"");
    out.push(String::new());
    out.push("Coping strategies for any moment".to_string());
    if p.strategies.is_empty() {
        out.push("  Nothing yet. add-strategy \"TEXT\" (without --for)".to_string());
    }
    strategies_block(&mut out, &p.strategies, "  ", ids);
    lines_block(&mut out, "People and places that distract", &p.distractions, ids, "add-distraction \"TEXT\"");
    contacts_block(
        &mut out,
        "People who can help",
        &p.people,
        ids,
        "add-person \"NAME\" --contact ... --available ...",
    );
    contacts_block(
        &mut out,
        "Professionals and crisis lines",
        &p.professionals,
        ids,
        "add-professional \"NAME\" --contact ... [--crisis-line]",
    );
    lines_block(&mut out, "Making my environment safer", &p.environment, ids, "add-environment \"TEXT\"");
    lines_block(&mut out, "My reasons for recovery", &p.reasons, ids, "add-reason \"TEXT\"");
    if p.skipped_entries > 0 {
        out.push(String::new());
        out.push(format!(
            "({} entries were written by a newer version of the app and are not shown; they are kept.)",
            p.skipped_entries
        ));
    }
    out.join("\n")
}

/// "in 4 h", "in 25 min", "in 2 days".
fn wait(minutes: u32) -> String {
    match minutes {
        0 => "now".to_string(),
        m if m < 60 => format!("in {m} min"),
        m if m < 48 * 60 => format!("in {} h", (m + 30) / 60),
        m => format!("in {} days", (m + 720) / 1440),
    }
}

fn ranked_line(n: usize, s: &RankedStrategy) -> String {
    let mut notes = vec![s.kind.label().to_string()];
    if let Some(item) = &s.item_name {
        notes.push(format!("for {item}"));
    }
    if s.used > 0 {
        notes.push(format!("helped {} of {} times", s.helped, s.used));
    }
    if s.is_suggestion() {
        notes.push("suggestion".to_string());
    }
    let id = s.id.map(|i| format!("  [{}]", short_id(&i))).unwrap_or_default();
    format!("  {n:>2}. {}  ({}){id}", s.text, notes.join(" · "))
}

fn contact_step_line(c: &ContactStep) -> String {
    let mut s = format!("  • {}", c.contact.name);
    if c.contact.crisis_line {
        s.push_str(" (crisis line)");
    }
    if let Some(h) = &c.contact.how {
        s.push_str(&format!(" · {h}"));
    }
    if c.reachable_now {
        s.push_str(" · reachable now");
    } else {
        match c.minutes_until_reachable {
            Some(m) => s.push_str(&format!(" · reachable {} ({})", wait(m), availability(&c.contact))),
            None => s.push_str(&format!(" · {}", availability(&c.contact))),
        }
    }
    s
}

/// A lookup result for people.
pub fn lookup_text(query: &str, l: &Lookup) -> String {
    let mut out = Vec::new();
    let heading =
        if query.trim().is_empty() { "What can help now".to_string() } else { format!("For \"{}\"", query.trim()) };
    out.push(heading);
    if !l.matched.is_empty() {
        let names: Vec<String> = l
            .matched
            .iter()
            .map(|m| match m.how {
                MatchHow::TimeOfDay => format!("{} (it is late)", m.name),
                _ => m.name.clone(),
            })
            .collect();
        out.push(format!("From your plan: {}", names.join(", ")));
    } else if l.strategies.iter().all(|s| s.is_suggestion()) {
        out.push("Your plan has nothing for this yet; here are some ideas to try.".to_string());
    } else {
        out.push("Nothing in your plan mentions that yet; here is what your plan has.".to_string());
    }
    let contacts = |out: &mut Vec<String>| {
        if l.contacts.is_empty() {
            return;
        }
        out.push(String::new());
        out.push(if l.high_intensity { "Reach out first".to_string() } else { "People you can reach".to_string() });
        for c in &l.contacts {
            out.push(contact_step_line(c));
        }
    };
    if l.high_intensity {
        out.push("This is a strong urge. It will peak and pass; you do not have to face it alone.".to_string());
        contacts(&mut out);
    }
    out.push(String::new());
    out.push("Try".to_string());
    if l.strategies.is_empty() {
        out.push("  (nothing to show)".to_string());
    }
    for (i, s) in l.strategies.iter().enumerate() {
        out.push(ranked_line(i + 1, s));
    }
    if !l.high_intensity {
        contacts(&mut out);
    }
    if !l.reasons.is_empty() {
        out.push(String::new());
        out.push("Remember why".to_string());
        for r in &l.reasons {
            out.push(format!("  • {}", r.text.lines().next().unwrap_or_default()));
        }
    }
    out.join("\n")
}

pub fn lookup_json(l: &Lookup) -> Value {
    json!({
        "high_intensity": l.high_intensity,
        "matched": l.matched.iter().map(|m| json!({
            "id": m.id.to_text(), "kind": m.kind.as_str(), "name": m.name, "how": m.how.as_str(), "score": m.score,
        })).collect::<Vec<_>>(),
        "strategies": l.strategies.iter().map(|s| json!({
            "id": s.id.map(|i| i.to_text()),
            "text": s.text,
            "kind": s.kind.as_str(),
            "for_item": s.for_item.map(|i| i.to_text()),
            "item_name": s.item_name,
            "source": s.source.as_str(),
            "suggestion": s.is_suggestion(),
            "score": s.score,
            "used": s.used,
            "helped": s.helped,
        })).collect::<Vec<_>>(),
        "contacts": l.contacts.iter().map(|c| json!({
            "id": c.contact.id.to_text(),
            "name": c.contact.name,
            "how": c.contact.how,
            "professional": c.professional,
            "crisis_line": c.contact.crisis_line,
            "reachable_now": c.reachable_now,
            "minutes_until_reachable": c.minutes_until_reachable,
        })).collect::<Vec<_>>(),
        "reasons": l.reasons.iter().map(entry_json).collect::<Vec<_>>(),
    })
}

fn stat_json(s: &StrategyStat) -> Value {
    json!({
        "trigger": s.trigger,
        "trigger_item": s.trigger_item.map(|i| i.to_text()),
        "strategy": s.strategy,
        "strategy_id": s.strategy_id.map(|i| i.to_text()),
        "used": s.used,
        "helped": s.helped,
    })
}

pub fn stats_json(s: &StrategyStats) -> Value {
    json!({
        "by_trigger": s.by_trigger.iter().map(stat_json).collect::<Vec<_>>(),
        "overall": s.overall.iter().map(stat_json).collect::<Vec<_>>(),
    })
}

pub fn stats_text(s: &StrategyStats) -> String {
    let mut out = vec!["What has helped".to_string()];
    if s.by_trigger.is_empty() {
        out.push("  Nothing recorded yet. Name the strategies you use when you log an urge".to_string());
        out.push("  (companion urge log --strategy ...), or pick one with `companion plan use`.".to_string());
        return out.join("\n");
    }
    let mut current: Option<Option<String>> = None;
    for st in &s.by_trigger {
        if current.as_ref() != Some(&st.trigger) {
            out.push(String::new());
            out.push(st.trigger.clone().unwrap_or_else(|| "No trigger named".to_string()));
            current = Some(st.trigger.clone());
        }
        out.push(format!("  {}: the urge passed {} of {} times", st.strategy, st.helped, st.used));
    }
    out.join("\n")
}
