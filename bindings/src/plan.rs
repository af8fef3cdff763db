//! The coping plan: read it, edit it (by entry id, or by names from other features), merge
//! another copy (a clinician's suggested edits), find strategies at a hard moment, and record
//! which strategies were used and whether they helped (what the ranking learns from).
//!
//! Every method does disk I/O: call off the main thread. [`PlanFinder`] is the exception once
//! built: it answers lookups from memory (well under a millisecond), so a search box can query
//! it on every keystroke.

use std::sync::Arc;

use companion_core::plan::{
    Availability, CopingPlan, DayRange, Lookup, LookupQuery, NamedEntry, PlanChange, PlanEdit, PlanIndex, PlanListing,
    StrategyKind, StrategyStats, StrategyUse, UseContext,
};
use companion_core::store::Unreadable;
use companion_core::{Clock, RecordId};

use crate::clock::DeviceClock;
use crate::companion::CompanionCore;
use crate::error::Result;
use crate::urges::parse_id;

/// The plan after an edit, and the ids of the entries the edit added (in the order of the
/// edits that added them).
#[derive(Debug, uniffi::Record)]
pub struct PlanEditResult {
    pub plan: CopingPlan,
    pub added: Vec<RecordId>,
}

/// Strategy uses in a range of days, oldest first, plus any that could not be opened.
#[derive(Debug, uniffi::Record)]
pub struct StrategyUseListing {
    pub uses: Vec<StrategyUse>,
    pub unreadable: Vec<Unreadable>,
}

/// The plan prepared for fast lookups, with everything learned from outcomes when it was
/// built. Keep one while the plan screen is open; build a new one after an edit or an outcome.
#[derive(uniffi::Object)]
pub struct PlanFinder {
    index: PlanIndex,
    clock: Arc<DeviceClock>,
}

impl std::fmt::Debug for PlanFinder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PlanFinder({:?})", self.index)
    }
}

#[uniffi::export]
impl PlanFinder {
    /// Strategies for what the client typed or tapped, ranked, with who can be reached now
    /// (in the device's current local time). No I/O.
    pub fn find(&self, query: LookupQuery) -> Result<Lookup> {
        let now = self.clock.zone().local(self.clock.now());
        Ok(self.index.lookup(&query, now)?)
    }

    /// The plan this finder was built from.
    pub fn plan(&self) -> CopingPlan {
        self.index.plan().clone()
    }
}

#[uniffi::export]
impl CompanionCore {
    /// The coping plan, plus any stored pieces of it that could not be opened.
    pub fn plan(&self) -> Result<PlanListing> {
        Ok(self.store()?.plan()?)
    }

    /// Apply edits together (all or none): add, rename, re-kind, move, remove entries.
    /// `InvalidInput` names the field (an empty name, an over-long line, too many entries...);
    /// `NotFound` for an id the plan does not hold.
    pub fn edit_plan(&self, edits: Vec<PlanEdit>) -> Result<PlanEditResult> {
        let (plan, added) = self.store()?.edit_plan(&edits)?;
        Ok(PlanEditResult { plan, added })
    }

    /// Apply a change phrased by names, as other features do ("add this to my plan" after a
    /// slip). Adding what the plan already holds changes nothing.
    pub fn apply_plan_change(&self, change: PlanChange) -> Result<()> {
        Ok(self.store()?.apply_plan_change(change)?)
    }

    /// The whole plan document (automerge, with history), to share or to inspect.
    pub fn plan_document(&self) -> Result<Vec<u8>> {
        Ok(self.store()?.plan_document()?)
    }

    /// Merge another copy of the plan (a saved document or change chunks, such as a
    /// clinician's suggested edits); both sides' edits are kept. `StorageCorrupt` when the
    /// bytes are not a plan document.
    pub fn merge_plan(&self, document: Vec<u8>) -> Result<CopingPlan> {
        Ok(self.store()?.merge_plan(&document)?)
    }

    /// One lookup: strategies for what the client typed or tapped, ranked, with who can be
    /// reached now. For repeated lookups build a [`PlanFinder`] once instead.
    pub fn find_in_plan(&self, query: LookupQuery) -> Result<Lookup> {
        Ok(self.store()?.find_in_plan(&query)?)
    }

    /// A [`PlanFinder`] on the current plan and what has been learned so far.
    pub fn plan_finder(&self) -> Result<Arc<PlanFinder>> {
        let index = self.store()?.plan_index()?;
        Ok(Arc::new(PlanFinder { index, clock: self.clock_arc() }))
    }

    /// "I'm using this strategy now": record that the client picked a plan strategy (by id).
    /// With an urge in the context, the strategy's words are added to that urge too.
    pub fn start_strategy(&self, strategy_id: String, context: UseContext) -> Result<StrategyUse> {
        Ok(self.store()?.start_strategy(parse_id(&strategy_id)?, context)?)
    }

    /// Whether the urge passed without acting after a strategy use (what ranking learns from).
    pub fn finish_strategy(&self, use_id: String, helped: bool) -> Result<StrategyUse> {
        Ok(self.store()?.finish_strategy(parse_id(&use_id)?, helped)?)
    }

    /// Tie a strategy use to an urge entry logged afterwards; the urge's outcome then counts.
    pub fn link_strategy_use(&self, use_id: String, urge_id: String) -> Result<StrategyUse> {
        Ok(self.store()?.link_strategy_use(parse_id(&use_id)?, parse_id(&urge_id)?)?)
    }

    /// The plan entry some words name: its words (ignoring case and spacing), its meaning for
    /// a trigger or warning sign ("loneliness" finds "Lonely"), its short id, or ITEM/N for the
    /// Nth strategy of an item. `InvalidInput` when nothing, or several entries, match.
    pub fn resolve_plan_entry(&self, text: String) -> Result<NamedEntry> {
        Ok(self.store()?.plan()?.plan.resolve_entry(&text)?)
    }

    /// Every entry of the plan with the words it is named by, in the plan's order.
    pub fn plan_entries(&self) -> Result<Vec<NamedEntry>> {
        Ok(self.store()?.plan()?.plan.named_entries())
    }

    /// The plan's stable JSON form (for export or a debugging screen).
    pub fn plan_json(&self) -> Result<String> {
        Ok(self.store()?.plan()?.plan.to_json().to_string())
    }

    /// Strategy uses in a range of local days.
    pub fn strategy_uses(&self, range: DayRange) -> Result<StrategyUseListing> {
        let (uses, unreadable) = self.store()?.strategy_uses(range)?;
        Ok(StrategyUseListing { uses, unreadable })
    }

    /// How often each strategy helped, per trigger and overall, over a range of local days.
    pub fn strategy_stats(&self, range: DayRange) -> Result<StrategyStats> {
        Ok(self.store()?.strategy_stats(range)?)
    }
}

/// Parse when a contact can be reached: "any time", "daily 18:00-22:00", "mon-fri 9-17",
/// "weekends 10:00-20:00", "mon,wed,fri 19:00-21:30", "sat", "evenings". No I/O.
#[uniffi::export]
pub fn parse_availability(text: String) -> Result<Availability> {
    Ok(Availability::parse(&text)?)
}

/// The kind of coping step some words most likely describe ("call Sam" is reaching out),
/// to preselect in a form. No I/O.
#[uniffi::export]
pub fn guess_strategy_kind(text: String) -> StrategyKind {
    StrategyKind::guess(&text)
}
