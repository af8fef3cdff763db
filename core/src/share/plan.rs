//! Sharing the coping plan. The share document is a fresh plan document (the plan's own
//! schema and genesis, `core/src/plan/doc.rs`) built from the current plan with the same entry
//! ids; its history never holds what the client removed before sharing. A clinician's
//! suggestion is an edit of that document; the client maps it back onto its own plan by id.
//!
//! Both directions use one function, [`edits_to_match`]: the edits that turn one plan into
//! another, with added entries keeping their ids.

use std::collections::{HashMap, VecDeque};

use serde_json::{json, Value};

use crate::error::Result;
use crate::id::RecordId;
use crate::plan::doc::PlanDoc;
use crate::plan::model::{Contact, CopingPlan, ItemKind, PlanEntry, PlanItem, Strategy};
use crate::plan::PlanEdit;

/// Edits turning `current` into `target`, and the ids the added entries must get (in the
/// order the add edits appear).
pub fn edits_to_match(target: &CopingPlan, current: &CopingPlan) -> (Vec<PlanEdit>, VecDeque<RecordId>) {
    let mut removes = Vec::new();
    let mut adds = Vec::new();
    let mut ids = VecDeque::new();
    let mut sets = Vec::new();
    let mut moves = Vec::new();

    // Items (warning signs and triggers) and their strategies.
    for (kind, t_items, c_items) in [
        (ItemKind::WarningSign, &target.warning_signs, &current.warning_signs),
        (ItemKind::Trigger, &target.triggers, &current.triggers),
    ] {
        let cur: HashMap<RecordId, &PlanItem> = c_items.iter().map(|i| (i.id, i)).collect();
        let tgt: HashMap<RecordId, &PlanItem> = t_items.iter().map(|i| (i.id, i)).collect();
        for c in c_items {
            if !tgt.contains_key(&c.id) {
                removes.push(PlanEdit::Remove { id: c.id });
            }
        }
        let mut any_add = false;
        for t in t_items {
            match cur.get(&t.id) {
                None => {
                    any_add = true;
                    adds.push(match kind {
                        ItemKind::WarningSign => PlanEdit::AddWarningSign { name: t.name.clone() },
                        ItemKind::Trigger => PlanEdit::AddTrigger { name: t.name.clone() },
                    });
                    ids.push_back(t.id);
                    strategies(
                        &t.strategies,
                        &[],
                        Some(t.id),
                        &mut removes,
                        &mut adds,
                        &mut ids,
                        &mut sets,
                        &mut moves,
                    );
                }
                Some(c) => {
                    if c.name != t.name {
                        sets.push(PlanEdit::Rename { id: t.id, text: t.name.clone() });
                    }
                    strategies(
                        &t.strategies,
                        &c.strategies,
                        Some(t.id),
                        &mut removes,
                        &mut adds,
                        &mut ids,
                        &mut sets,
                        &mut moves,
                    );
                }
            }
        }
        order(t_items.iter().map(|i| i.id), c_items.iter().map(|i| i.id), any_add, &mut moves);
    }
    strategies(&target.strategies, &current.strategies, None, &mut removes, &mut adds, &mut ids, &mut sets, &mut moves);

    // Lines.
    for (section, t, c) in [
        (0u8, &target.distractions, &current.distractions),
        (1, &target.environment, &current.environment),
        (2, &target.reasons, &current.reasons),
    ] {
        let cur: HashMap<RecordId, &PlanEntry> = c.iter().map(|e| (e.id, e)).collect();
        let tgt: HashMap<RecordId, &PlanEntry> = t.iter().map(|e| (e.id, e)).collect();
        for e in c {
            if !tgt.contains_key(&e.id) {
                removes.push(PlanEdit::Remove { id: e.id });
            }
        }
        let mut any_add = false;
        for e in t {
            match cur.get(&e.id) {
                None => {
                    any_add = true;
                    adds.push(match section {
                        0 => PlanEdit::AddDistraction { text: e.text.clone() },
                        1 => PlanEdit::AddEnvironmentChange { text: e.text.clone() },
                        _ => PlanEdit::AddReason { text: e.text.clone() },
                    });
                    ids.push_back(e.id);
                }
                Some(ce) if ce.text != e.text => sets.push(PlanEdit::Rename { id: e.id, text: e.text.clone() }),
                Some(_) => {}
            }
        }
        order(t.iter().map(|e| e.id), c.iter().map(|e| e.id), any_add, &mut moves);
    }

    // Contacts.
    for (professional, t, c) in
        [(false, &target.people, &current.people), (true, &target.professionals, &current.professionals)]
    {
        let cur: HashMap<RecordId, &Contact> = c.iter().map(|e| (e.id, e)).collect();
        let tgt: HashMap<RecordId, &Contact> = t.iter().map(|e| (e.id, e)).collect();
        for e in c {
            if !tgt.contains_key(&e.id) {
                removes.push(PlanEdit::Remove { id: e.id });
            }
        }
        let mut any_add = false;
        for e in t {
            match cur.get(&e.id) {
                None => {
                    any_add = true;
                    adds.push(if professional {
                        PlanEdit::AddProfessional {
                            name: e.name.clone(),
                            how: e.how.clone(),
                            availability: e.availability.clone(),
                            crisis_line: e.crisis_line,
                        }
                    } else {
                        PlanEdit::AddPerson {
                            name: e.name.clone(),
                            how: e.how.clone(),
                            availability: e.availability.clone(),
                        }
                    });
                    ids.push_back(e.id);
                }
                Some(ce) => {
                    if ce.name != e.name {
                        sets.push(PlanEdit::Rename { id: e.id, text: e.name.clone() });
                    }
                    if ce.how != e.how {
                        sets.push(PlanEdit::SetHow { id: e.id, how: e.how.clone() });
                    }
                    if ce.availability != e.availability {
                        sets.push(PlanEdit::SetAvailability { id: e.id, availability: e.availability.clone() });
                    }
                    if ce.crisis_line != e.crisis_line {
                        sets.push(PlanEdit::SetCrisisLine { id: e.id, crisis_line: e.crisis_line });
                    }
                }
            }
        }
        order(t.iter().map(|e| e.id), c.iter().map(|e| e.id), any_add, &mut moves);
    }

    let mut edits = removes;
    edits.extend(adds);
    edits.extend(sets);
    edits.extend(moves);
    (edits, ids)
}

#[allow(clippy::too_many_arguments)]
fn strategies(
    t: &[Strategy],
    c: &[Strategy],
    item: Option<RecordId>,
    removes: &mut Vec<PlanEdit>,
    adds: &mut Vec<PlanEdit>,
    ids: &mut VecDeque<RecordId>,
    sets: &mut Vec<PlanEdit>,
    moves: &mut Vec<PlanEdit>,
) {
    let cur: HashMap<RecordId, &Strategy> = c.iter().map(|s| (s.id, s)).collect();
    let tgt: HashMap<RecordId, &Strategy> = t.iter().map(|s| (s.id, s)).collect();
    for s in c {
        if !tgt.contains_key(&s.id) {
            removes.push(PlanEdit::Remove { id: s.id });
        }
    }
    let mut any_add = false;
    for s in t {
        match cur.get(&s.id) {
            None => {
                any_add = true;
                adds.push(PlanEdit::AddStrategy { for_item: item, text: s.text.clone(), kind: Some(s.kind) });
                ids.push_back(s.id);
            }
            Some(cs) => {
                if cs.text != s.text {
                    sets.push(PlanEdit::Rename { id: s.id, text: s.text.clone() });
                }
                if cs.kind != s.kind {
                    sets.push(PlanEdit::SetKind { id: s.id, kind: s.kind });
                }
            }
        }
    }
    order(t.iter().map(|s| s.id), c.iter().map(|s| s.id), any_add, moves);
}

/// Moves putting a list in the target order, when it differs (or entries were added).
fn order(
    target: impl Iterator<Item = RecordId>,
    current: impl Iterator<Item = RecordId>,
    any_add: bool,
    moves: &mut Vec<PlanEdit>,
) {
    let t: Vec<RecordId> = target.collect();
    let c: Vec<RecordId> = current.filter(|id| t.contains(id)).collect();
    if any_add || t != c {
        for (i, id) in t.iter().enumerate() {
            moves.push(PlanEdit::Move { id: *id, position: i as u32 });
        }
    }
}

/// Apply edits to a plan document, giving added entries the ids they have elsewhere.
pub(crate) fn apply_with_ids(doc: &mut PlanDoc, edits: &[PlanEdit], mut ids: VecDeque<RecordId>) -> Result<()> {
    if edits.is_empty() {
        return Ok(());
    }
    let mut gen = || -> Result<(RecordId, f64)> {
        let (fallback, r) = crate::plan::fresh()?;
        Ok((ids.pop_front().unwrap_or(fallback), r))
    };
    doc.apply(edits, &mut gen)?;
    Ok(())
}

/// Plain words for what a set of edits did to `before` (shown to the client as suggestions).
pub fn describe(edits: &[PlanEdit], before: &CopingPlan, after: &CopingPlan) -> Vec<String> {
    let name_of = |p: &CopingPlan, id: RecordId| -> Option<String> {
        p.warning_signs
            .iter()
            .chain(p.triggers.iter())
            .find(|i| i.id == id)
            .map(|i| i.name.clone())
            .or_else(|| p.all_strategies().find(|s| s.id == id).map(|s| s.text.clone()))
            .or_else(|| {
                p.distractions
                    .iter()
                    .chain(&p.environment)
                    .chain(&p.reasons)
                    .find(|e| e.id == id)
                    .map(|e| e.text.clone())
            })
            .or_else(|| p.people.iter().chain(&p.professionals).find(|c| c.id == id).map(|c| c.name.clone()))
    };
    let mut out = Vec::new();
    let mut moved = false;
    for e in edits {
        let line = match e {
            PlanEdit::AddWarningSign { name } => format!("Added the warning sign \"{name}\""),
            PlanEdit::AddTrigger { name } => format!("Added the trigger \"{name}\""),
            PlanEdit::AddStrategy { for_item, text, .. } => match for_item.and_then(|i| name_of(after, i)) {
                Some(item) => format!("Added the strategy \"{text}\" for \"{item}\""),
                None => format!("Added the strategy \"{text}\""),
            },
            PlanEdit::AddDistraction { text } => format!("Added \"{text}\" to people and places that distract"),
            PlanEdit::AddEnvironmentChange { text } => format!("Added \"{text}\" to making your surroundings safer"),
            PlanEdit::AddReason { text } => format!("Added the reason \"{text}\""),
            PlanEdit::AddPerson { name, .. } => format!("Added \"{name}\" to people who can help"),
            PlanEdit::AddProfessional { name, .. } => format!("Added \"{name}\" to professionals and crisis lines"),
            PlanEdit::Rename { id, text } => match name_of(before, *id) {
                Some(old) => format!("Changed \"{old}\" to \"{text}\""),
                None => format!("Changed the words to \"{text}\""),
            },
            PlanEdit::SetKind { id, kind } => {
                format!("Marked \"{}\" as {}", name_of(after, *id).unwrap_or_default(), kind.label())
            }
            PlanEdit::SetHow { id, .. } => {
                format!("Changed how to reach \"{}\"", name_of(after, *id).unwrap_or_default())
            }
            PlanEdit::SetAvailability { id, .. } => {
                format!("Changed when \"{}\" can be reached", name_of(after, *id).unwrap_or_default())
            }
            PlanEdit::SetCrisisLine { id, .. } => {
                format!("Changed whether \"{}\" is a crisis line", name_of(after, *id).unwrap_or_default())
            }
            PlanEdit::Remove { id } => {
                format!("Removed \"{}\"", name_of(before, *id).unwrap_or_else(|| "an entry".into()))
            }
            PlanEdit::Move { .. } => {
                if moved {
                    continue;
                }
                moved = true;
                "Changed the order of your plan".to_string()
            }
        };
        out.push(line);
    }
    out
}

/// A readable JSON rendering of a plan (for the preview and the clinician reader).
pub fn plan_json(p: &CopingPlan) -> Value {
    let items = |v: &[PlanItem]| -> Value {
        Value::Array(
            v.iter()
                .map(|i| json!({ "name": i.name, "strategies": i.strategies.iter().map(|s| json!({"text": s.text, "kind": s.kind.as_str()})).collect::<Vec<_>>() }))
                .collect(),
        )
    };
    let lines = |v: &[PlanEntry]| -> Value { Value::Array(v.iter().map(|e| Value::String(e.text.clone())).collect()) };
    let contacts = |v: &[Contact]| -> Value {
        Value::Array(
            v.iter()
                .map(|c| json!({ "name": c.name, "how": c.how, "crisis_line": c.crisis_line, "availability": c.availability.iter().map(|a| a.to_string()).collect::<Vec<_>>() }))
                .collect(),
        )
    };
    json!({
        "warning_signs": items(&p.warning_signs),
        "triggers": items(&p.triggers),
        "strategies": p.strategies.iter().map(|s| json!({"text": s.text, "kind": s.kind.as_str()})).collect::<Vec<_>>(),
        "distractions": lines(&p.distractions),
        "people": contacts(&p.people),
        "professionals": contacts(&p.professionals),
        "environment": lines(&p.environment),
        "reasons": lines(&p.reasons),
    })
}
