//! What the plan learns: which strategy, used for which trigger, was followed by the urge
//! passing. Effectiveness is computed here and only here; insights call
//! [`Store::strategy_stats`].
//!
//! Two sources of outcomes:
//! - **urge entries**: an urge with trigger T, strategy S among `strategies`, and an outcome
//!   is one use of S for T; it *helped* unless the outcome is `Acted`. Strategy names match
//!   plan strategies by folded text ([`crate::text::fold`]).
//! - **strategy uses** ([`RecordKind::StrategyOutcome`]): the app calls
//!   [`Store::start_strategy`] when the client picks a strategy from a lookup ("I'm using this
//!   now"), then [`Store::finish_strategy`] with whether the urge passed, or links the use to
//!   an urge entry, whose outcome then counts. A use knows the plan strategy's id, so its
//!   statistics follow the strategy through renames. Starting a use with an urge also writes
//!   the strategy's words into that urge's `strategies`, so the urge log shows it.
//!
//! An urge and a use linked to it count once.

use std::collections::HashMap;
use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::model::CopingPlan;
use crate::error::{Error, Result};
use crate::id::RecordId;
use crate::store::{codec, Period, RecordKind, Scope, Store, Unreadable};
use crate::text;
use crate::time::{LocalStamp, Month};
use crate::urge;

const HEAD_V1: u8 = 1;

/// One time the client used a plan strategy, picked in the app.
#[derive(Clone, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct StrategyUse {
    pub id: RecordId,
    /// The plan strategy (stable across renames).
    pub strategy_id: RecordId,
    /// Its words when it was picked (shown if it is later removed from the plan).
    pub strategy_text: String,
    /// The trigger or warning sign it was picked for, if any.
    pub for_item: Option<RecordId>,
    /// That item's name when picked.
    pub item_name: Option<String>,
    pub started: LocalStamp,
    /// The urge entry this use belongs to, if any.
    pub urge: Option<RecordId>,
    /// Urge intensity (0-10) when picked, if the app asked.
    pub intensity: Option<u8>,
    /// Did the urge pass without acting? `None` until answered.
    pub helped: Option<bool>,
}

impl fmt::Debug for StrategyUse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "StrategyUse({}, strategy {}, <redacted>, helped: {:?})", self.id, self.strategy_id, self.helped)
    }
}

/// Context of a strategy use.
#[derive(Clone, Debug, Default, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct UseContext {
    /// The trigger or warning sign the lookup matched (the strategy's own item when `None`).
    pub for_item: Option<RecordId>,
    /// The urge entry being coped with, if it is already logged.
    pub urge: Option<RecordId>,
    pub intensity: Option<u8>,
}

#[derive(Serialize, Deserialize)]
struct HeadV1 {
    strategy_id: RecordId,
    strategy_text: String,
    for_item: Option<RecordId>,
    item_name: Option<String>,
    started: LocalStamp,
    urge: Option<RecordId>,
    intensity: Option<u8>,
    helped: Option<bool>,
}

fn encode(u: &StrategyUse) -> Result<Vec<u8>> {
    codec::encode(
        HEAD_V1,
        &HeadV1 {
            strategy_id: u.strategy_id,
            strategy_text: u.strategy_text.clone(),
            for_item: u.for_item,
            item_name: u.item_name.clone(),
            started: u.started.clone(),
            urge: u.urge,
            intensity: u.intensity,
            helped: u.helped,
        },
    )
}

fn decode(id: RecordId, head: &[u8]) -> std::result::Result<StrategyUse, crate::error::IntegrityProblem> {
    let h: HeadV1 = codec::decode(head, HEAD_V1)?;
    Ok(StrategyUse {
        id,
        strategy_id: h.strategy_id,
        strategy_text: h.strategy_text,
        for_item: h.for_item,
        item_name: h.item_name,
        started: h.started,
        urge: h.urge,
        intensity: h.intensity,
        helped: h.helped,
    })
}

fn period(u: &StrategyUse) -> Period {
    Period::Month(Month::of(u.started.local_date()))
}

/// Uses and helps of one strategy for one trigger (or overall).
#[derive(Clone, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct StrategyStat {
    /// The trigger: the plan's name for it when it maps to a plan trigger or warning sign,
    /// else as the client logged it (`None`: urges with no trigger named, or, in
    /// [`StrategyStats::overall`], every trigger together).
    pub trigger: Option<String>,
    /// The plan trigger or warning sign it maps to, if any.
    pub trigger_item: Option<RecordId>,
    /// The strategy's words (the plan's current words when it is in the plan).
    pub strategy: String,
    /// The plan strategy, when the name is in the plan.
    pub strategy_id: Option<RecordId>,
    /// Times used with a known outcome.
    pub used: u32,
    /// Of those, times the urge passed without acting.
    pub helped: u32,
}

impl fmt::Debug for StrategyStat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "StrategyStat(<redacted>, {}/{})", self.helped, self.used)
    }
}

impl StrategyStat {
    /// Share of uses followed by the urge passing (0 when unused).
    pub fn rate(&self) -> f64 {
        if self.used == 0 {
            0.0
        } else {
            f64::from(self.helped) / f64::from(self.used)
        }
    }
}

/// Strategy effectiveness over a range of days.
#[derive(Debug, Default)]
pub struct StrategyStats {
    /// Per (trigger, strategy), by trigger then most used first.
    pub by_trigger: Vec<StrategyStat>,
    /// Per strategy over all triggers, most used first.
    pub overall: Vec<StrategyStat>,
    /// Urge entries or strategy uses that could not be opened (not counted).
    pub unreadable: Vec<Unreadable>,
}

/// One outcome: a strategy used for some triggers, and whether the urge passed.
#[derive(Clone, Debug)]
pub(crate) struct Event {
    /// Trigger labels as logged (empty: none named).
    pub triggers: Vec<String>,
    /// A plan item known directly (a use picked for it).
    pub item: Option<RecordId>,
    /// Folded strategy words, the plan's current words when the id is known.
    pub strategy: String,
    pub strategy_display: String,
    pub strategy_id: Option<RecordId>,
    pub helped: bool,
}

/// Range of local days (both ends inclusive; `None`: open).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct DayRange {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

impl DayRange {
    fn contains(&self, d: NaiveDate) -> bool {
        self.from.is_none_or(|a| d >= a) && self.to.is_none_or(|b| d <= b)
    }
}

impl Store {
    /// "I'm using this strategy now": record that the client picked a plan strategy. With an
    /// urge in the context, its words are added to that urge's strategies too.
    pub fn start_strategy(&self, strategy_id: RecordId, context: UseContext) -> Result<StrategyUse> {
        if let Some(i) = context.intensity {
            text::rating("intensity", i, urge::MAX_INTENSITY)?;
        }
        let plan = self.plan()?.plan;
        let (strategy, own_item) =
            plan.strategy(strategy_id).ok_or(Error::invalid("coping strategy", "that strategy is not in the plan"))?;
        let item_id = context.for_item.or(own_item.map(|i| i.id));
        let item_name = match item_id {
            Some(id) => Some(
                plan.items()
                    .find(|i| i.id == id || i.merged_ids.contains(&id))
                    .map(|i| i.name.clone())
                    .ok_or(Error::invalid("plan entry", "that trigger or warning sign is not in the plan"))?,
            ),
            None => None,
        };
        let now = self.clock().now();
        let zone = self.clock().zone();
        let u = StrategyUse {
            id: RecordId::random()?,
            strategy_id,
            strategy_text: strategy.text.clone(),
            for_item: item_id,
            item_name,
            started: LocalStamp::at(now, &zone),
            urge: context.urge,
            intensity: context.intensity,
            helped: None,
        };
        self.write(|tx| {
            if let Some(urge_id) = u.urge {
                add_strategy_to_urge(tx, urge_id, &u.strategy_text)?;
            }
            tx.put(RecordKind::StrategyOutcome, u.id, period(&u), &encode(&u)?, None)
        })?;
        Ok(u)
    }

    /// Say whether the urge passed without acting after a strategy use.
    pub fn finish_strategy(&self, use_id: RecordId, helped: bool) -> Result<StrategyUse> {
        self.update_use(use_id, |u, _| {
            u.helped = Some(helped);
            Ok(())
        })
    }

    /// Link a strategy use to the urge entry logged for it (its outcome then counts, once).
    pub fn link_strategy_use(&self, use_id: RecordId, urge_id: RecordId) -> Result<StrategyUse> {
        self.update_use(use_id, |u, tx| {
            add_strategy_to_urge(tx, urge_id, &u.strategy_text)?;
            u.urge = Some(urge_id);
            Ok(())
        })
    }

    fn update_use(
        &self,
        use_id: RecordId,
        f: impl FnOnce(&mut StrategyUse, &mut crate::store::Tx<'_>) -> Result<()>,
    ) -> Result<StrategyUse> {
        self.write(|tx| {
            let o = tx
                .get(RecordKind::StrategyOutcome, use_id, false)?
                .ok_or(Error::NotFound { kind: RecordKind::StrategyOutcome, id: use_id })?;
            let mut u = decode(use_id, &o.head).map_err(|problem| Error::Integrity {
                kind: RecordKind::StrategyOutcome,
                id: use_id,
                problem,
            })?;
            f(&mut u, tx)?;
            tx.put(RecordKind::StrategyOutcome, u.id, period(&u), &encode(&u)?, None)?;
            Ok(u)
        })
    }

    /// Strategy uses started in a range of local days, oldest first.
    pub fn strategy_uses(&self, range: DayRange) -> Result<(Vec<StrategyUse>, Vec<Unreadable>)> {
        let listing = self.list(RecordKind::StrategyOutcome, Scope::All, false)?;
        let mut bad = listing.unreadable;
        let mut out = Vec::new();
        for o in &listing.records {
            match decode(o.id, &o.head) {
                Ok(u) if range.contains(u.started.local_date()) => out.push(u),
                Ok(_) => {}
                Err(problem) => bad.push(Unreadable { kind: RecordKind::StrategyOutcome, id: o.id, problem }),
            }
        }
        out.sort_by_key(|u| u.started.utc_ms);
        Ok((out, bad))
    }

    /// Outcome events in a range, resolved against the current plan.
    pub(crate) fn strategy_events(&self, plan: &CopingPlan, range: DayRange) -> Result<(Vec<Event>, Vec<Unreadable>)> {
        // Uses may be linked to urges outside the range: read them all, filter below.
        let (uses, mut bad) = self.strategy_uses(DayRange::default())?;
        let linked: std::collections::HashSet<RecordId> = uses.iter().filter_map(|u| u.urge).collect();
        let mut urges = Vec::new();
        // The fast scan of urge heads; strings are copied only for urges that count.
        bad.extend(self.visit_urge_facts(range.from, range.to, |f| {
            let Some(outcome) = f.outcome else { return };
            if f.strategies.is_empty() && !linked.contains(&f.id) {
                return;
            }
            urges.push(UrgeOutcome {
                id: f.id,
                helped: !outcome.acted(),
                triggers: f.triggers.iter().map(|t| t.to_string()).collect(),
                strategies: f.strategies.iter().map(|t| t.to_string()).collect(),
            });
        })?);
        Ok((events(plan, &urges, &uses, range), bad))
    }

    /// Per-(trigger, strategy) effectiveness over a range of local days: how often each
    /// strategy was used with a known outcome, and how often the urge then passed.
    pub fn strategy_stats(&self, range: DayRange) -> Result<StrategyStats> {
        let plan = self.plan()?.plan;
        let (events, unreadable) = self.strategy_events(&plan, range)?;
        let mut stats = aggregate(&plan, &events);
        stats.unreadable = unreadable;
        Ok(stats)
    }
}

fn add_strategy_to_urge(tx: &mut crate::store::Tx<'_>, urge_id: RecordId, words: &str) -> Result<()> {
    let mut u = urge::get_urge_tx(tx, urge_id)?;
    if !u.strategies.iter().any(|s| text::fold(s) == text::fold(words)) {
        u.strategies.push(words.to_string());
        u.strategies = text::labels("coping strategy", &u.strategies)?;
        urge::put_urge(tx, &u)?;
    }
    Ok(())
}

/// The plan's current words for a strategy id, else for words that are (or were, before a
/// rename) a plan strategy's, else the words given.
fn resolve(plan: &CopingPlan, id: Option<RecordId>, words: &str) -> (String, Option<RecordId>) {
    if let Some((s, _)) = id.and_then(|id| plan.strategy(id)) {
        return (s.text.clone(), Some(s.id));
    }
    let f = text::fold(words);
    let current = plan.all_strategies().find(|s| text::fold(&s.text) == f);
    let former = || plan.all_strategies().find(|s| s.formerly.iter().any(|w| text::fold(w) == f));
    match current.or_else(former) {
        Some(s) => (s.text.clone(), Some(s.id)),
        None => (words.to_string(), None),
    }
}

/// What learning needs of an urge entry with an outcome.
pub(crate) struct UrgeOutcome {
    pub id: RecordId,
    /// The urge passed without acting.
    pub helped: bool,
    pub triggers: Vec<String>,
    pub strategies: Vec<String>,
}

/// Events from urges and uses. Pure, so tests and benchmarks can feed it directly.
pub(crate) fn events(plan: &CopingPlan, urges: &[UrgeOutcome], uses: &[StrategyUse], range: DayRange) -> Vec<Event> {
    let mut by_urge: HashMap<RecordId, Vec<&StrategyUse>> = HashMap::new();
    for u in uses {
        if let Some(urge) = u.urge {
            by_urge.entry(urge).or_default().push(u);
        }
    }
    let mut out = Vec::new();
    let mut counted_urges = std::collections::HashSet::new();
    for u in urges {
        counted_urges.insert(u.id);
        let linked = by_urge.get(&u.id).map(Vec::as_slice).unwrap_or(&[]);
        let mut seen: Vec<String> = Vec::new();
        let mut push = |display: String, id: Option<RecordId>, item: Option<RecordId>, out: &mut Vec<Event>| {
            let folded = text::fold(&display);
            if seen.contains(&folded) {
                return;
            }
            seen.push(folded.clone());
            out.push(Event {
                triggers: u.triggers.clone(),
                item,
                strategy: folded,
                strategy_display: display,
                strategy_id: id,
                helped: u.helped,
            });
        };
        // Linked uses first: they know the strategy's id (and so its current words).
        for l in linked {
            let (display, id) = resolve(plan, Some(l.strategy_id), &l.strategy_text);
            push(display, id, l.for_item, &mut out);
        }
        for name in &u.strategies {
            // A name written by a linked use stands for that use's strategy, even if renamed.
            let linked_use = linked.iter().find(|l| text::fold(&l.strategy_text) == text::fold(name));
            let (display, id) = match linked_use {
                Some(l) => resolve(plan, Some(l.strategy_id), &l.strategy_text),
                None => resolve(plan, None, name),
            };
            push(display, id, None, &mut out);
        }
    }
    for u in uses {
        let Some(helped) = u.helped else { continue };
        if u.urge.is_some_and(|id| counted_urges.contains(&id)) {
            continue;
        }
        if !range.contains(u.started.local_date()) {
            continue;
        }
        let (display, id) = resolve(plan, Some(u.strategy_id), &u.strategy_text);
        out.push(Event {
            triggers: u.item_name.iter().cloned().collect(),
            item: u.for_item,
            strategy: text::fold(&display),
            strategy_display: display,
            strategy_id: id,
            helped,
        });
    }
    out
}

/// Which trigger an outcome counts for: a plan item when the label (or the use) maps to one,
/// else the label as written, else none named.
#[derive(Clone, PartialEq, Eq, Hash)]
enum TriggerKey {
    Item(RecordId),
    Label(String),
    Unnamed,
}

/// Counts per (trigger, strategy) and per strategy: the one place effectiveness is computed.
/// A label maps to a plan trigger or warning sign when it names it (same words, or the same
/// meaning: "loneliness" counts for "Lonely"); several labels of one urge that map to the same
/// item count once.
pub(crate) fn aggregate(plan: &CopingPlan, events: &[Event]) -> StrategyStats {
    let mut per: HashMap<(TriggerKey, String), StrategyStat> = HashMap::new();
    let mut overall: HashMap<String, StrategyStat> = HashMap::new();
    let mut label_item: HashMap<String, Option<(RecordId, String)>> = HashMap::new();
    let item_by_id =
        |id: RecordId| plan.items().find(|i| i.id == id || i.merged_ids.contains(&id)).map(|i| (i.id, i.name.clone()));
    for e in events {
        let mut keys: Vec<(TriggerKey, Option<String>, Option<RecordId>)> = Vec::new();
        let add = |keys: &mut Vec<(TriggerKey, Option<String>, Option<RecordId>)>,
                   k: TriggerKey,
                   display: Option<String>,
                   item: Option<RecordId>| {
            if !keys.iter().any(|(o, _, _)| *o == k) {
                keys.push((k, display, item));
            }
        };
        if let Some((id, name)) = e.item.and_then(item_by_id) {
            add(&mut keys, TriggerKey::Item(id), Some(name), Some(id));
        }
        for label in &e.triggers {
            let folded = text::fold(label);
            let found = label_item
                .entry(folded.clone())
                .or_insert_with(|| super::doc::find_item(plan, label).map(|i| (i.id, i.name.clone())))
                .clone();
            match found {
                Some((id, name)) => add(&mut keys, TriggerKey::Item(id), Some(name), Some(id)),
                None => add(&mut keys, TriggerKey::Label(folded), Some(label.clone()), None),
            }
        }
        if keys.is_empty() {
            add(&mut keys, TriggerKey::Unnamed, None, None);
        }
        for (k, display, item) in keys {
            let s = per.entry((k, e.strategy.clone())).or_insert_with(|| StrategyStat {
                trigger: display,
                trigger_item: item,
                strategy: e.strategy_display.clone(),
                strategy_id: e.strategy_id,
                used: 0,
                helped: 0,
            });
            s.used += 1;
            s.helped += u32::from(e.helped);
        }
        let o = overall.entry(e.strategy.clone()).or_insert_with(|| StrategyStat {
            trigger: None,
            trigger_item: None,
            strategy: e.strategy_display.clone(),
            strategy_id: e.strategy_id,
            used: 0,
            helped: 0,
        });
        o.used += 1;
        o.helped += u32::from(e.helped);
    }
    let mut by_trigger: Vec<StrategyStat> = per.into_values().collect();
    by_trigger.sort_by(|a, b| {
        let ta = a.trigger.as_deref().map(text::fold);
        let tb = b.trigger.as_deref().map(text::fold);
        ta.cmp(&tb).then(b.used.cmp(&a.used)).then_with(|| text::fold(&a.strategy).cmp(&text::fold(&b.strategy)))
    });
    let mut overall: Vec<StrategyStat> = overall.into_values().collect();
    overall.sort_by(|a, b| b.used.cmp(&a.used).then_with(|| text::fold(&a.strategy).cmp(&text::fold(&b.strategy))));
    StrategyStats { by_trigger, overall, unreadable: Vec::new() }
}
