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
//! An urge and a use linked to it count once. What counts for what: [`super::effect`].

use std::collections::{HashMap, HashSet};
use std::fmt;

use super::effect::Tally;
use super::model::CopingPlan;
use crate::error::{Error, Result};
use crate::id::RecordId;
use crate::store::{Columns, Scope, Store, Unreadable};
use crate::text;
use crate::time::LocalStamp;
use crate::urge::{self, UrgeFacts};
use chrono::NaiveDate;

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
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub for_item: Option<RecordId>,
    /// The urge entry being coped with, if it is already logged.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub urge: Option<RecordId>,
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub intensity: Option<u8>,
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
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct StrategyStats {
    /// Per (trigger, strategy), by trigger then most used first.
    pub by_trigger: Vec<StrategyStat>,
    /// Per strategy over all triggers, most used first.
    pub overall: Vec<StrategyStat>,
    /// Urge entries or strategy uses that could not be opened (not counted).
    pub unreadable: Vec<Unreadable>,
}

/// Range of local days (both ends inclusive; `None`: open).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct DayRange {
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub from: Option<NaiveDate>,
    #[cfg_attr(feature = "uniffi", uniffi(default))]
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
            tx.put(&u)
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
            let mut u: StrategyUse = tx.get(use_id)?;
            f(&mut u, tx)?;
            tx.put(&u)?;
            Ok(u)
        })
    }

    /// Strategy uses started in a range of local days, oldest first.
    pub fn strategy_uses(&self, range: DayRange) -> Result<(Vec<StrategyUse>, Vec<Unreadable>)> {
        let listing = self.list::<StrategyUse>(Scope::All, Columns::HeadOnly)?;
        let mut out: Vec<StrategyUse> =
            listing.records.into_iter().filter(|u| range.contains(u.started.local_date())).collect();
        out.sort_by_key(|u| u.started.utc_ms);
        Ok((out, listing.unreadable))
    }

    /// Effectiveness over a range of local days, resolved against `plan` (see
    /// [`super::effect`] for what counts for what).
    pub(crate) fn strategy_stats_for(&self, plan: &CopingPlan, range: DayRange) -> Result<StrategyStats> {
        // Uses may be linked to urges outside the range: read them all, filter below.
        let (uses, mut bad) = self.strategy_uses(DayRange::default())?;
        let mut by_urge: HashMap<RecordId, Vec<&StrategyUse>> = HashMap::new();
        for u in &uses {
            if let Some(urge) = u.urge {
                by_urge.entry(urge).or_default().push(u);
            }
        }
        let mut tally = Tally::new(plan);
        let mut counted: HashSet<RecordId> = HashSet::new();
        let mut scratch = UrgeScratch::default();
        // The fast scan of urge heads: nothing is copied per urge.
        bad.extend(self.visit_urge_facts(range.from, range.to, |f| {
            let linked = by_urge.get(&f.id).map(Vec::as_slice).unwrap_or(&[]);
            if count_urge(&mut tally, f, linked, &mut scratch) && !linked.is_empty() {
                counted.insert(f.id);
            }
        })?);
        // Answered uses whose urge was not counted above.
        for u in &uses {
            let Some(helped) = u.helped else { continue };
            if u.urge.is_some_and(|id| counted.contains(&id)) || !range.contains(u.started.local_date()) {
                continue;
            }
            let s = tally.strategy_by_id(u.strategy_id, &u.strategy_text);
            let t = match u.for_item.and_then(|i| tally.trigger_by_item(i, u.item_name.as_deref())) {
                Some(t) => t,
                None => tally.unnamed(),
            };
            tally.count(&[t], s, helped);
        }
        let mut stats = tally.finish();
        stats.unreadable = bad;
        Ok(stats)
    }

    /// Per-(trigger, strategy) effectiveness over a range of local days: how often each
    /// strategy was used with a known outcome, and how often the urge then passed.
    pub fn strategy_stats(&self, range: DayRange) -> Result<StrategyStats> {
        let plan = self.plan()?.plan;
        self.strategy_stats_for(&plan, range)
    }
}

/// Buffers reused from one urge to the next.
#[derive(Default)]
struct UrgeScratch {
    triggers: Vec<u32>,
    done: Vec<u32>,
}

/// Count one urge entry with an outcome: each of its strategies (and of the uses linked to it)
/// once, for each of its triggers. Returns whether the urge counted at all.
fn count_urge(tally: &mut Tally<'_>, f: &UrgeFacts<'_>, linked: &[&StrategyUse], scratch: &mut UrgeScratch) -> bool {
    let Some(outcome) = f.outcome else { return false };
    if f.strategies.is_empty() && linked.is_empty() {
        return false;
    }
    let helped = !outcome.acted();
    let UrgeScratch { triggers, done } = scratch;
    triggers.clear();
    for t in &f.triggers {
        let k = tally.trigger_by_label(t);
        if !triggers.contains(&k) {
            triggers.push(k);
        }
    }
    if triggers.is_empty() {
        triggers.push(tally.unnamed());
    }
    done.clear();
    // Linked uses first: they know the strategy's id (and so its current words), and
    // the item it was picked for.
    for l in linked {
        let s = tally.strategy_by_id(l.strategy_id, &l.strategy_text);
        if done.contains(&s) {
            continue;
        }
        done.push(s);
        let mut ts = triggers.clone();
        if let Some(k) = l.for_item.and_then(|i| tally.trigger_by_item(i, l.item_name.as_deref())) {
            ts.push(k);
        }
        tally.count(&ts, s, helped);
    }
    for name in &f.strategies {
        // A name written by a linked use stands for that use's strategy, even if renamed.
        let s = match linked.iter().find(|l| text::fold(&l.strategy_text) == text::fold(name)) {
            Some(l) => tally.strategy_by_id(l.strategy_id, &l.strategy_text),
            None => tally.strategy_by_words(name),
        };
        if !done.contains(&s) {
            done.push(s);
            tally.count(triggers, s, helped);
        }
    }
    true
}

/// Effectiveness from urge entries alone, resolved against `plan`, for entries that do not
/// come from this store (a clinician's copy of shared urges): the same counting as
/// [`Store::strategy_stats`], without strategy uses (they are never shared). The caller picks
/// the urges of the range.
pub fn strategy_stats_of_urges<'a>(
    plan: &CopingPlan,
    urges: impl IntoIterator<Item = &'a UrgeFacts<'a>>,
) -> StrategyStats {
    let mut tally = Tally::new(plan);
    let mut scratch = UrgeScratch::default();
    for f in urges {
        count_urge(&mut tally, f, &[], &mut scratch);
    }
    tally.finish()
}

fn add_strategy_to_urge(tx: &mut crate::store::Tx<'_>, urge_id: RecordId, words: &str) -> Result<()> {
    let mut u: urge::Urge = tx.get(urge_id)?;
    if !u.strategies.iter().any(|s| text::fold(s) == text::fold(words)) {
        u.strategies.push(words.to_string());
        u.strategies = text::labels("coping strategy", &u.strategies)?;
        tx.put(&u)?;
    }
    Ok(())
}
