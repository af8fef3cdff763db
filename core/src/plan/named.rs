//! Naming plan entries as people do: by their words, by the short id a screen or the terminal
//! shows, or a strategy as ITEM/N (the Nth strategy of a trigger or warning sign). And the
//! plan's stable JSON form, for scripts and exports. One place, so the terminal client and the
//! apps resolve "lonely" or "2f4e" the same way.

use serde_json::{json, Value};

use super::doc;
use super::lookup::{MatchHow, StrategySource};
use super::model::{Contact, CopingPlan, ItemKind, PlanEntry, PlanItem, Strategy};
use crate::error::{Error, Result};
use crate::id::RecordId;
use crate::text::fold;

/// What kind of entry of the plan a named entry is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum EntryKind {
    Trigger,
    WarningSign,
    Strategy,
    Distraction,
    Person,
    Professional,
    CrisisLine,
    EnvironmentChange,
    Reason,
}

impl EntryKind {
    /// Words for people: "trigger", "crisis line".
    pub fn describe(self) -> &'static str {
        match self {
            EntryKind::Trigger => "trigger",
            EntryKind::WarningSign => "warning sign",
            EntryKind::Strategy => "strategy",
            EntryKind::Distraction => "person or place that distracts",
            EntryKind::Person => "person",
            EntryKind::Professional => "professional",
            EntryKind::CrisisLine => "crisis line",
            EntryKind::EnvironmentChange => "environment change",
            EntryKind::Reason => "reason",
        }
    }
}

/// One entry of the plan, with the words it is named by.
#[derive(Clone, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct NamedEntry {
    pub id: RecordId,
    pub kind: EntryKind,
    pub words: String,
}

impl std::fmt::Debug for NamedEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "NamedEntry({}, {:?}, <redacted>)", self.id, self.kind)
    }
}

impl ItemKind {
    /// Stable name (JSON): "trigger", "warning_sign".
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::WarningSign => "warning_sign",
            ItemKind::Trigger => "trigger",
        }
    }
}

impl StrategySource {
    /// Stable name (JSON).
    pub fn as_str(self) -> &'static str {
        match self {
            StrategySource::MatchedItem => "matched_item",
            StrategySource::OwnWords => "own_words",
            StrategySource::General => "general",
            StrategySource::OtherItem => "other_item",
            StrategySource::Suggestion => "suggestion",
        }
    }
}

impl MatchHow {
    /// Stable name (JSON).
    pub fn as_str(self) -> &'static str {
        match self {
            MatchHow::Tapped => "tapped",
            MatchHow::Full => "full",
            MatchHow::Partial => "partial",
            MatchHow::TimeOfDay => "time_of_day",
        }
    }
}

/// Shortest id prefix accepted (shorter ones match too much).
const MIN_PREFIX: usize = 4;

fn id_prefix(id: &RecordId, text: &str) -> bool {
    text.len() >= MIN_PREFIX
        && text.chars().all(|c| c.is_ascii_alphanumeric())
        && id.to_text().to_ascii_lowercase().starts_with(&text.to_ascii_lowercase())
}

impl CopingPlan {
    /// Every entry a person can name, in the plan's order.
    pub fn named_entries(&self) -> Vec<NamedEntry> {
        let mut out = Vec::new();
        let mut push =
            |id: RecordId, kind: EntryKind, words: &str| out.push(NamedEntry { id, kind, words: words.into() });
        for item in self.items() {
            let kind = match item.kind {
                ItemKind::Trigger => EntryKind::Trigger,
                ItemKind::WarningSign => EntryKind::WarningSign,
            };
            push(item.id, kind, &item.name);
            for s in &item.strategies {
                push(s.id, EntryKind::Strategy, &s.text);
            }
        }
        for s in &self.strategies {
            push(s.id, EntryKind::Strategy, &s.text);
        }
        for e in &self.distractions {
            push(e.id, EntryKind::Distraction, &e.text);
        }
        for c in &self.people {
            push(c.id, EntryKind::Person, &c.name);
        }
        for c in &self.professionals {
            push(c.id, if c.crisis_line { EntryKind::CrisisLine } else { EntryKind::Professional }, &c.name);
        }
        for e in &self.environment {
            push(e.id, EntryKind::EnvironmentChange, &e.text);
        }
        for e in &self.reasons {
            push(e.id, EntryKind::Reason, &e.text);
        }
        out
    }

    /// The one entry `text` names: a short id (4 characters or more), ITEM/N, the exact words
    /// (ignoring case and spacing), or for triggers and warning signs the same meaning
    /// ("loneliness" finds "Lonely"). Several entries with the same words are `InvalidInput`
    /// naming their kinds; nothing is `NotFound`-like `InvalidInput`.
    pub fn resolve_entry(&self, text: &str) -> Result<NamedEntry> {
        let all = self.named_entries();
        let t = text.trim();
        let by_id: Vec<&NamedEntry> = all.iter().filter(|e| id_prefix(&e.id, t)).collect();
        if let [one] = by_id.as_slice() {
            return Ok((*one).clone());
        }
        if let Some((item, n)) = t.rsplit_once('/') {
            if let Ok(n) = n.trim().parse::<usize>() {
                let item = self.resolve_item(item)?;
                let s = n.checked_sub(1).and_then(|i| item.strategies.get(i)).ok_or_else(|| {
                    Error::invalid(
                        "entry",
                        format!("that trigger or warning sign has {} strategies", item.strategies.len()),
                    )
                })?;
                return Ok(NamedEntry { id: s.id, kind: EntryKind::Strategy, words: s.text.clone() });
            }
        }
        let f = fold(t);
        let same: Vec<&NamedEntry> = all.iter().filter(|e| fold(&e.words) == f).collect();
        match same.as_slice() {
            [one] => return Ok((*one).clone()),
            [] => {}
            many => {
                let kinds: Vec<&str> = many.iter().map(|e| e.kind.describe()).collect();
                return Err(Error::invalid(
                    "entry",
                    format!("{} entries have those words ({}); name one by its short id", many.len(), kinds.join(", ")),
                ));
            }
        }
        if let Ok(item) = self.resolve_item(t) {
            return Ok(all.into_iter().find(|e| e.id == item.id).unwrap_or(NamedEntry {
                id: item.id,
                kind: EntryKind::Trigger,
                words: item.name.clone(),
            }));
        }
        Err(Error::invalid("entry", "nothing in the plan has those words"))
    }

    /// The trigger or warning sign `text` names: its short id, its words, or its meaning.
    pub fn resolve_item(&self, text: &str) -> Result<&PlanItem> {
        let t = text.trim();
        let f = fold(t);
        if let Some(i) = self.items().find(|i| fold(&i.name) == f || id_prefix(&i.id, t)) {
            return Ok(i);
        }
        doc::find_item(self, t)
            .ok_or_else(|| Error::invalid("trigger", "no trigger or warning sign in the plan has those words"))
    }

    /// The plan's stable JSON form (ids, kinds, every entry; `skipped_entries` counts entries
    /// written by a newer app).
    pub fn to_json(&self) -> Value {
        json!({
            "warning_signs": self.warning_signs.iter().map(item_json).collect::<Vec<_>>(),
            "triggers": self.triggers.iter().map(item_json).collect::<Vec<_>>(),
            "strategies": self.strategies.iter().map(strategy_json).collect::<Vec<_>>(),
            "distractions": self.distractions.iter().map(entry_json).collect::<Vec<_>>(),
            "people": self.people.iter().map(contact_json).collect::<Vec<_>>(),
            "professionals": self.professionals.iter().map(contact_json).collect::<Vec<_>>(),
            "environment": self.environment.iter().map(entry_json).collect::<Vec<_>>(),
            "reasons": self.reasons.iter().map(entry_json).collect::<Vec<_>>(),
            "skipped_entries": self.skipped_entries,
        })
    }
}

fn strategy_json(s: &Strategy) -> Value {
    json!({ "id": s.id.to_text(), "text": s.text, "kind": s.kind.as_str(), "formerly": s.formerly })
}

fn item_json(i: &PlanItem) -> Value {
    json!({
        "id": i.id.to_text(),
        "kind": i.kind.as_str(),
        "name": i.name,
        "strategies": i.strategies.iter().map(strategy_json).collect::<Vec<_>>(),
        "merged_ids": i.merged_ids.iter().map(|m| m.to_text()).collect::<Vec<_>>(),
    })
}

/// The JSON form of a plain line of the plan.
pub fn entry_json(e: &PlanEntry) -> Value {
    json!({ "id": e.id.to_text(), "text": e.text })
}

fn contact_json(c: &Contact) -> Value {
    json!({
        "id": c.id.to_text(),
        "name": c.name,
        "how": c.how,
        "availability": c.availability.iter().map(|a| json!({
            "days": a.days, "from_minute": a.from_minute, "to_minute": a.to_minute, "text": a.to_string(),
        })).collect::<Vec<_>>(),
        "crisis_line": c.crisis_line,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use crate::plan::{PlanEdit, StrategyKind};
    use crate::testing::TestStore;

    #[test]
    fn entries_are_named_by_words_meaning_short_id_or_item_and_number() {
        let t = TestStore::new();
        let (_, ids) = t.edit_plan(&[PlanEdit::AddTrigger { name: "Lonely".into() }]).unwrap();
        let (plan, added) = t
            .edit_plan(&[
                PlanEdit::AddStrategy {
                    for_item: Some(ids[0]),
                    text: "Call Sam Example".into(),
                    kind: Some(StrategyKind::ReachOut),
                },
                PlanEdit::AddReason { text: "lonely".into() },
            ])
            .unwrap();
        assert_eq!(plan.resolve_entry("loneliness").unwrap().id, ids[0]);
        assert_eq!(plan.resolve_entry("lonely/1").unwrap().id, added[0]);
        assert_eq!(plan.resolve_entry("call sam   example").unwrap().id, added[0]);
        let short = &added[1].to_text()[..6];
        assert_eq!(plan.resolve_entry(short).unwrap().id, added[1]);
        let both = plan.resolve_entry("Lonely").unwrap_err().to_string();
        assert!(both.contains("2 entries") && both.contains("trigger") && both.contains("reason"), "{both}");
        assert!(plan.resolve_entry("lonely/3").is_err());
        assert!(plan.resolve_entry("xyzzy").is_err());
        assert_eq!(plan.to_json()["triggers"][0]["strategies"][0]["kind"], "reach_out");
    }
}
