//! Counting strategy effectiveness: the one place it is computed (lookups and insights both
//! read [`StrategyStats`]).
//!
//! An outcome counts for a strategy and a set of triggers:
//! - a strategy name matches a plan strategy by folded words, current or former (before a
//!   rename), else stands on its own; a strategy use names it by id;
//! - a trigger label counts for the plan trigger or warning sign it names (same words, or the
//!   same meaning: "loneliness" counts for "Lonely"), else for the label as written; several
//!   labels of one urge that name the same item count once; an urge with no trigger counts as
//!   "none named".
//!
//! Built for years of history: names are resolved once per distinct spelling and counts are
//! kept by small integer keys, so a 40,000-urge scan allocates almost nothing per urge.

use std::collections::HashMap;

use super::learning::{StrategyStat, StrategyStats};
use super::model::CopingPlan;
use crate::id::RecordId;
use crate::text;

/// Which trigger an outcome counts for.
#[derive(Clone, PartialEq, Eq, Hash)]
enum TriggerKey {
    Item(RecordId),
    Label(String),
    Unnamed,
}

struct TriggerRow {
    display: Option<String>,
    item: Option<RecordId>,
}

struct StrategyRow {
    display: String,
    id: Option<RecordId>,
}

/// Counts outcomes per (trigger, strategy) and per strategy.
pub(crate) struct Tally<'p> {
    plan: &'p CopingPlan,
    /// Current words of plan strategies by id.
    by_id: HashMap<RecordId, &'p str>,
    /// Folded words (current, then former) → plan strategy.
    by_words: HashMap<String, (&'p str, RecordId)>,
    /// Plan item ids (merged ones too) → (primary id, name).
    items: HashMap<RecordId, (RecordId, &'p str)>,
    strategies: Vec<StrategyRow>,
    strategy_ix: HashMap<String, u32>,
    raw_strategy: HashMap<String, u32>,
    triggers: Vec<TriggerRow>,
    trigger_ix: HashMap<TriggerKey, u32>,
    raw_trigger: HashMap<String, u32>,
    per: HashMap<(u32, u32), (u32, u32)>,
    overall: HashMap<u32, (u32, u32)>,
}

impl<'p> Tally<'p> {
    pub(crate) fn new(plan: &'p CopingPlan) -> Self {
        let mut by_id = HashMap::new();
        let mut by_words = HashMap::new();
        for s in plan.all_strategies() {
            by_id.insert(s.id, s.text.as_str());
            by_words.entry(text::fold(&s.text)).or_insert((s.text.as_str(), s.id));
        }
        // Former words only where no current strategy has them.
        for s in plan.all_strategies() {
            for w in &s.formerly {
                by_words.entry(text::fold(w)).or_insert((s.text.as_str(), s.id));
            }
        }
        let mut items = HashMap::new();
        for i in plan.items() {
            items.insert(i.id, (i.id, i.name.as_str()));
            for m in &i.merged_ids {
                items.insert(*m, (i.id, i.name.as_str()));
            }
        }
        Tally {
            plan,
            by_id,
            by_words,
            items,
            strategies: Vec::new(),
            strategy_ix: HashMap::new(),
            raw_strategy: HashMap::new(),
            triggers: Vec::new(),
            trigger_ix: HashMap::new(),
            raw_trigger: HashMap::new(),
            per: HashMap::new(),
            overall: HashMap::new(),
        }
    }

    fn strategy_key(&mut self, display: String, id: Option<RecordId>) -> u32 {
        let folded = text::fold(&display);
        if let Some(k) = self.strategy_ix.get(&folded) {
            return *k;
        }
        let k = self.strategies.len() as u32;
        self.strategies.push(StrategyRow { display, id });
        self.strategy_ix.insert(folded, k);
        k
    }

    /// A strategy named in words (an urge entry's `strategies`).
    pub(crate) fn strategy_by_words(&mut self, raw: &str) -> u32 {
        if let Some(k) = self.raw_strategy.get(raw) {
            return *k;
        }
        let (display, id) = match self.by_words.get(&text::fold(raw)) {
            Some((t, id)) => (t.to_string(), Some(*id)),
            None => (raw.to_string(), None),
        };
        let k = self.strategy_key(display, id);
        self.raw_strategy.insert(raw.to_string(), k);
        k
    }

    /// A plan strategy by id (a strategy use), with its words when it was picked.
    pub(crate) fn strategy_by_id(&mut self, id: RecordId, words: &str) -> u32 {
        match self.by_id.get(&id) {
            Some(t) => {
                let t = t.to_string();
                self.strategy_key(t, Some(id))
            }
            None => self.strategy_by_words(words),
        }
    }

    fn trigger_key(&mut self, key: TriggerKey, row: impl FnOnce() -> TriggerRow) -> u32 {
        if let Some(k) = self.trigger_ix.get(&key) {
            return *k;
        }
        let k = self.triggers.len() as u32;
        self.triggers.push(row());
        self.trigger_ix.insert(key, k);
        k
    }

    /// A trigger as logged.
    pub(crate) fn trigger_by_label(&mut self, raw: &str) -> u32 {
        if let Some(k) = self.raw_trigger.get(raw) {
            return *k;
        }
        let k = match super::doc::find_item(self.plan, raw) {
            Some(i) => {
                let (id, name) = (i.id, i.name.clone());
                self.trigger_key(TriggerKey::Item(id), || TriggerRow { display: Some(name), item: Some(id) })
            }
            None => self.trigger_key(TriggerKey::Label(text::fold(raw)), || TriggerRow {
                display: Some(raw.to_string()),
                item: None,
            }),
        };
        self.raw_trigger.insert(raw.to_string(), k);
        k
    }

    /// A plan item a use was picked for (by id), else its name when picked.
    pub(crate) fn trigger_by_item(&mut self, id: RecordId, name: Option<&str>) -> Option<u32> {
        match self.items.get(&id).copied() {
            Some((primary, n)) => Some(self.trigger_key(TriggerKey::Item(primary), || TriggerRow {
                display: Some(n.to_string()),
                item: Some(primary),
            })),
            None => name.map(|n| self.trigger_by_label(n)),
        }
    }

    pub(crate) fn unnamed(&mut self) -> u32 {
        self.trigger_key(TriggerKey::Unnamed, || TriggerRow { display: None, item: None })
    }

    /// One outcome of `strategy` for each of `triggers` (deduplicated by the caller or here).
    pub(crate) fn count(&mut self, triggers: &[u32], strategy: u32, helped: bool) {
        for (i, t) in triggers.iter().enumerate() {
            if triggers[..i].contains(t) {
                continue;
            }
            let c = self.per.entry((*t, strategy)).or_default();
            c.0 += 1;
            c.1 += u32::from(helped);
        }
        let c = self.overall.entry(strategy).or_default();
        c.0 += 1;
        c.1 += u32::from(helped);
    }

    pub(crate) fn finish(self) -> StrategyStats {
        let stat = |t: Option<&TriggerRow>, s: &StrategyRow, (used, helped): (u32, u32)| StrategyStat {
            trigger: t.and_then(|t| t.display.clone()),
            trigger_item: t.and_then(|t| t.item),
            strategy: s.display.clone(),
            strategy_id: s.id,
            used,
            helped,
        };
        let mut by_trigger: Vec<StrategyStat> = self
            .per
            .iter()
            .filter_map(|((t, s), c)| {
                Some(stat(Some(self.triggers.get(*t as usize)?), self.strategies.get(*s as usize)?, *c))
            })
            .collect();
        by_trigger.sort_by(|a, b| {
            let ta = a.trigger.as_deref().map(text::fold);
            let tb = b.trigger.as_deref().map(text::fold);
            ta.cmp(&tb).then(b.used.cmp(&a.used)).then_with(|| text::fold(&a.strategy).cmp(&text::fold(&b.strategy)))
        });
        let mut overall: Vec<StrategyStat> =
            self.overall.iter().filter_map(|(s, c)| Some(stat(None, self.strategies.get(*s as usize)?, *c))).collect();
        overall.sort_by(|a, b| b.used.cmp(&a.used).then_with(|| text::fold(&a.strategy).cmp(&text::fold(&b.strategy))));
        StrategyStats { by_trigger, overall, unreadable: Vec::new() }
    }
}
