//! The coping plan: a Stanley-Brown safety plan adapted to compulsive sexual behaviour, kept
//! as one automerge document (so a clinician can later suggest edits that merge with the
//! client's offline edits), stored encrypted with its history; and the lookup that finds the
//! right strategies at a hard moment.
//!
//! Files:
//! - [`model`]: the plan as the app reads it ([`CopingPlan`] and its parts);
//! - `doc`: the automerge document (schema, reading, edits); `rank`: order that merges;
//! - `storage`: snapshot + change chunks + per-install actor in the encrypted store;
//! - `lexicon`, `matcher`: typo-, inflection- and synonym-tolerant matching;
//! - `lookup`: ranked strategies and reachable people for a hard moment ([`Store::find_in_plan`]);
//! - `learning`: strategy uses and outcomes ([`Store::start_strategy`]), effectiveness per
//!   trigger ([`Store::strategy_stats`]), counted in `effect`;
//! - `suggestions`: built-in strategies for an empty plan or an unmatched feeling;
//! - `named`: entries named by words, meaning, short id or ITEM/N, and the plan's JSON form.
//!
//! Edits come in two shapes: [`PlanEdit`], by entry id (what the plan screen and the CLI use),
//! and [`PlanChange`], by name (what other features use, such as "add this to my plan" after a
//! slip; adding what is already there changes nothing).

pub(crate) mod doc;
mod effect;
mod learning;
mod lexicon;
mod lookup;
pub(crate) mod matcher;
pub mod model;
mod named;
mod rank;
pub(crate) mod storage;
mod suggestions;

#[cfg(test)]
mod tests;

use std::fmt;

use serde::{Deserialize, Serialize};

pub use doc::{MAX_ENTRIES, MAX_STRATEGIES, REASON_MAX_CHARS};
pub use learning::{strategy_stats_of_urges, DayRange, StrategyStat, StrategyStats, StrategyUse, UseContext};
pub use lookup::{
    prior_mean, smoothed_score, ContactStep, Lookup, LookupQuery, MatchHow, MatchedItem, PlanIndex, RankedStrategy,
    StrategySource, HIGH_INTENSITY, PRIOR_FLOOR, PRIOR_STEP, PRIOR_STRENGTH, PRIOR_TOP, QUERY_MAX_CHARS,
};
pub use model::{
    Availability, Contact, CopingPlan, ItemKind, PlanEntry, PlanItem, PlanListing, Strategy, StrategyKind, ALL_DAYS,
};
pub use named::{entry_json, EntryKind, NamedEntry};

use crate::error::{Error, Result};
use crate::id::RecordId;
use crate::store::{RecordKind, Scope, Store};

/// How far back lookups learn from outcomes, in days.
pub const LEARNING_WINDOW_DAYS: u64 = 365;

/// A change to the plan phrased by names, for other features ("add this to my plan").
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum PlanChange {
    AddWarningSign {
        text: String,
    },
    AddTrigger {
        name: String,
    },
    /// `for_item` names a trigger or warning sign (created as a trigger when missing).
    AddStrategy {
        for_item: String,
        text: String,
        kind: StrategyKind,
    },
    AddEnvironmentChange {
        text: String,
    },
    AddReason {
        text: String,
    },
}

impl fmt::Debug for PlanChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PlanChange::AddWarningSign { .. } => f.write_str("AddWarningSign(<redacted>)"),
            PlanChange::AddTrigger { .. } => f.write_str("AddTrigger(<redacted>)"),
            PlanChange::AddStrategy { kind, .. } => write!(f, "AddStrategy(<redacted>, {kind:?})"),
            PlanChange::AddEnvironmentChange { .. } => f.write_str("AddEnvironmentChange(<redacted>)"),
            PlanChange::AddReason { .. } => f.write_str("AddReason(<redacted>)"),
        }
    }
}

/// One edit of the plan, by entry id. Positions are 0-based within the entry's own list.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum PlanEdit {
    AddWarningSign {
        name: String,
    },
    AddTrigger {
        name: String,
    },
    /// A strategy for a trigger or warning sign, or (`for_item: None`) for any moment. Without
    /// a kind, one is guessed from the words.
    AddStrategy {
        for_item: Option<RecordId>,
        text: String,
        kind: Option<StrategyKind>,
    },
    /// A person or place that distracts.
    AddDistraction {
        text: String,
    },
    /// A person who can help. Empty availability: any time.
    AddPerson {
        name: String,
        how: Option<String>,
        availability: Vec<Availability>,
    },
    /// A professional or a crisis line.
    AddProfessional {
        name: String,
        how: Option<String>,
        availability: Vec<Availability>,
        crisis_line: bool,
    },
    AddEnvironmentChange {
        text: String,
    },
    AddReason {
        text: String,
    },
    /// New words for any entry: an item's or contact's name, a strategy, a line, a reason.
    Rename {
        id: RecordId,
        text: String,
    },
    SetKind {
        id: RecordId,
        kind: StrategyKind,
    },
    /// How to reach a contact (`None` clears it).
    SetHow {
        id: RecordId,
        how: Option<String>,
    },
    /// When a contact can be reached (empty: any time).
    SetAvailability {
        id: RecordId,
        availability: Vec<Availability>,
    },
    SetCrisisLine {
        id: RecordId,
        crisis_line: bool,
    },
    /// Move an entry to `position` in its list (0 = first; past the end = last).
    Move {
        id: RecordId,
        position: u32,
    },
    Remove {
        id: RecordId,
    },
}

impl fmt::Debug for PlanEdit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PlanEdit::AddWarningSign { .. } => f.write_str("AddWarningSign(<redacted>)"),
            PlanEdit::AddTrigger { .. } => f.write_str("AddTrigger(<redacted>)"),
            PlanEdit::AddStrategy { for_item, kind, .. } => {
                write!(f, "AddStrategy({for_item:?}, <redacted>, {kind:?})")
            }
            PlanEdit::AddDistraction { .. } => f.write_str("AddDistraction(<redacted>)"),
            PlanEdit::AddPerson { availability, .. } => {
                write!(f, "AddPerson(<redacted>, {} windows)", availability.len())
            }
            PlanEdit::AddProfessional { crisis_line, .. } => {
                write!(f, "AddProfessional(<redacted>, crisis_line: {crisis_line})")
            }
            PlanEdit::AddEnvironmentChange { .. } => f.write_str("AddEnvironmentChange(<redacted>)"),
            PlanEdit::AddReason { .. } => f.write_str("AddReason(<redacted>)"),
            PlanEdit::Rename { id, .. } => write!(f, "Rename({id}, <redacted>)"),
            PlanEdit::SetKind { id, kind } => write!(f, "SetKind({id}, {kind:?})"),
            PlanEdit::SetHow { id, .. } => write!(f, "SetHow({id}, <redacted>)"),
            PlanEdit::SetAvailability { id, availability } => {
                write!(f, "SetAvailability({id}, {} windows)", availability.len())
            }
            PlanEdit::SetCrisisLine { id, crisis_line } => write!(f, "SetCrisisLine({id}, {crisis_line})"),
            PlanEdit::Move { id, position } => write!(f, "Move({id}, {position})"),
            PlanEdit::Remove { id } => write!(f, "Remove({id})"),
        }
    }
}

impl CopingPlan {
    /// The trigger or warning sign someone means by `name`: the same words ignoring case and
    /// spacing, else the same meaning after stemming and synonyms ("loneliness" finds "Lonely").
    pub fn find_item(&self, name: &str) -> Option<&PlanItem> {
        doc::find_item(self, name)
    }
}

/// A fresh entry id and a random number in [0, 1) for placing it.
pub(crate) fn fresh() -> Result<(RecordId, f64)> {
    let id = RecordId::random()?;
    let r: [u8; 8] = crate::crypto::random_array()?;
    Ok((id, (u64::from_be_bytes(r) >> 11) as f64 / (1u64 << 53) as f64))
}

impl Store {
    /// The coping plan, plus any stored pieces of it that could not be opened.
    pub fn plan(&self) -> Result<PlanListing> {
        let loaded = storage::load(self.list_raw(RecordKind::Plan, Scope::Timeless, true)?)?;
        Ok(PlanListing { plan: loaded.doc.read(), unreadable: loaded.unreadable })
    }

    /// Apply edits together (all or none). Returns the plan after the edits and the ids of
    /// the entries added, in the order of the edits that added them.
    pub fn edit_plan(&self, edits: &[PlanEdit]) -> Result<(CopingPlan, Vec<RecordId>)> {
        if edits.is_empty() {
            return Err(Error::invalid("edit", "nothing to change"));
        }
        self.with_plan(|doc| doc.apply(edits, &mut fresh))
    }

    /// Apply a change phrased by names (see [`PlanChange`]). Adding something the plan already
    /// holds (same words, ignoring case and spacing; for triggers also the same meaning, such
    /// as "loneliness" for "Lonely") changes nothing.
    pub fn apply_plan_change(&self, change: PlanChange) -> Result<()> {
        self.with_plan(|doc| doc.apply_change(&change, &mut fresh)).map(|_| ())
    }

    /// The whole plan document (automerge, compacted, with history), to share or inspect.
    pub fn plan_document(&self) -> Result<Vec<u8>> {
        let mut loaded = storage::load(self.list_raw(RecordKind::Plan, Scope::Timeless, true)?)?;
        Ok(loaded.doc.save())
    }

    /// Merge another copy of the plan (a saved document or change chunks, for example a
    /// clinician's suggested edits) into this one. Both sides' edits are kept.
    pub fn merge_plan(&self, bytes: &[u8]) -> Result<CopingPlan> {
        self.with_plan(|doc| doc.merge_bytes(bytes).map(|_| ())).map(|(plan, ())| plan)
    }

    /// The plan prepared for lookups, with what was learned from the outcomes of the last
    /// [`LEARNING_WINDOW_DAYS`] days (what helps lately; also bounds the work for years of
    /// history). An app keeps it while the plan screen is open and builds a new one after an
    /// edit or an outcome. Unreadable urge entries are left out of the learning (they are
    /// reported by the urge log and the statistics).
    pub fn plan_index(&self) -> Result<PlanIndex> {
        let plan = self.plan()?.plan;
        let today = self.clock().today();
        let from = today.checked_sub_days(chrono::Days::new(LEARNING_WINDOW_DAYS));
        // Entries may be dated a few minutes ahead of the clock: tomorrow bounds the months read.
        let to = today.succ_opt();
        let stats = self.strategy_stats_for(&plan, DayRange { from, to })?;
        Ok(PlanIndex::with_stats(plan, &stats).with_emergency(self.emergency_number()))
    }

    /// Strategies for what the client typed or tapped, ranked, with who can be reached now
    /// (see [`PlanIndex::lookup`] for how).
    pub fn find_in_plan(&self, query: &LookupQuery) -> Result<Lookup> {
        let now = self.clock().zone().local(self.clock().now());
        self.plan_index()?.lookup(query, now)
    }

    /// Load the plan in a write transaction, change it with `f`, store the change.
    pub(crate) fn with_plan<T>(&self, f: impl FnOnce(&mut doc::PlanDoc) -> Result<T>) -> Result<(CopingPlan, T)> {
        let store_id = *self.keys().store_id();
        self.write(|tx| {
            let mut loaded = storage::load_tx(tx)?;
            loaded.use_actor(tx, &store_id)?;
            let before = loaded.doc.heads();
            let out = f(&mut loaded.doc)?;
            loaded.persist(tx, &before)?;
            Ok((loaded.doc.read(), out))
        })
    }
}
