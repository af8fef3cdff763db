//! Tests of the coping plan: document and storage, merging copies, lookup, learning.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod field_table;
mod learning;
mod lookup_table;
mod merge;
mod store;

use super::*;
pub(super) use crate::testing::TestStore;

pub(super) fn names(items: &[PlanItem]) -> Vec<&str> {
    items.iter().map(|i| i.name.as_str()).collect()
}

pub(super) fn texts(s: &[Strategy]) -> Vec<&str> {
    s.iter().map(|s| s.text.as_str()).collect()
}

/// A trigger or warning sign with its strategies, for [`build`].
pub(super) type ItemSpec<'a> = (ItemKind, &'a str, &'a [(&'a str, StrategyKind)]);

/// Build a plan: items with their strategies, then general strategies. Returns item ids.
pub(super) fn build(store: &Store, items: &[ItemSpec<'_>], general: &[(&str, StrategyKind)]) -> Vec<RecordId> {
    let adds: Vec<PlanEdit> = items
        .iter()
        .map(|(k, n, _)| match k {
            ItemKind::Trigger => PlanEdit::AddTrigger { name: n.to_string() },
            ItemKind::WarningSign => PlanEdit::AddWarningSign { name: n.to_string() },
        })
        .collect();
    let ids = if adds.is_empty() { Vec::new() } else { store.edit_plan(&adds).unwrap().1 };
    let mut edits = Vec::new();
    for ((_, _, strategies), id) in items.iter().zip(&ids) {
        for (t, k) in *strategies {
            edits.push(PlanEdit::AddStrategy { for_item: Some(*id), text: t.to_string(), kind: Some(*k) });
        }
    }
    for (t, k) in general {
        edits.push(PlanEdit::AddStrategy { for_item: None, text: t.to_string(), kind: Some(*k) });
    }
    if !edits.is_empty() {
        store.edit_plan(&edits).unwrap();
    }
    ids
}

/// Id of the strategy with these words.
pub(super) fn strategy_id(store: &Store, words: &str) -> RecordId {
    store.plan().unwrap().plan.all_strategies().find(|s| s.text == words).unwrap().id
}
