//! The coping plan's automerge document: its schema, reading it into [`CopingPlan`], and
//! applying edits.
//!
//! # Schema (version 1), as a JavaScript client sees it
//!
//! ```text
//! {
//!   schema: 1,                               // Int
//!   app: "recovery-companion/coping-plan",   // scalar string
//!   warning_signs: { <id>: Item },           // Map keyed by entry id
//!   triggers:      { <id>: Item },
//!   strategies:    { <id>: Strategy },       // general strategies, for any moment
//!   distractions:  { <id>: Line },           // people and places that distract
//!   people:        { <id>: Contact },        // people who can help
//!   professionals: { <id>: Contact },        // professionals and crisis lines
//!   environment:   { <id>: Line },           // making the environment safer
//!   reasons:       { <id>: Reason },         // reasons for recovery
//! }
//! Item     = { name: str, rank: f64, strategies: { <id>: Strategy } }
//! Strategy = { text: str, kind: str, rank: f64, formerly: [str]? }
//!            // kind: StrategyKind::as_str; formerly: earlier words, newest last (renames)
//! Line     = { text: str, rank: f64 }
//! Reason   = { text: Text, rank: f64 }
//! Contact  = { name: str, how: str?, availability: [ { days: Int, from: Int, to: Int } ],
//!              crisis_line: bool, rank: f64 }
//! ```
//!
//! Ids are [`RecordId`] text. Order is by `(rank, id)` ([`super::rank`]). Scalar (`str`) fields
//! are labels a person replaces as a whole: two concurrent renames keep one of them, never a
//! character mix. A reason is a collaborative `Text` (in JavaScript a plain string), so a
//! clinician fixing a word and the client adding a sentence both survive. The reader accepts
//! either form for every text field, and numbers as Int, Uint or F64, so a JavaScript client
//! that writes `rank = 2` or a string instead of an `ImmutableString` still reads back.
//!
//! Every copy starts from the same *genesis* change (a fixed actor, time 0, the root keys and
//! empty section maps), so the section maps are the same objects on every device and two
//! copies never hide each other's entries behind a conflicting root key.
//!
//! Changes carry time 0: the document is what may later be shared with a clinician, and edit
//! times of a coping plan are nobody's business.
//!
//! # Sharing (issue 7)
//! This document's history holds everything ever written to the plan, removed entries
//! included, so it is never sent as is. A share is a fresh document with this same schema,
//! the same genesis and the same entry ids, built from the current plan; a clinician's
//! suggested edit in it (a new strategy under item X, a move, new words for entry Y) is a
//! change to a keyed entry and maps back onto this document by id, where
//! [`super::Store::edit_plan`] applies it with the client's own actor.
//! [`super::Store::merge_plan`] merges whole documents of this schema (another device of the
//! same client, a restore).

use std::collections::HashMap;

use automerge::transaction::Transactable;
use automerge::{ActorId, AutoCommit, ObjId, ObjType, ReadDoc, ScalarValue, Value, ROOT};

use super::model::{Availability, Contact, CopingPlan, ItemKind, PlanEntry, PlanItem, Strategy, StrategyKind};
use super::rank;
use super::{PlanChange, PlanEdit};
use crate::error::{Error, Result};
use crate::id::RecordId;
use crate::text;

/// Document schema version written by this code.
pub(crate) const SCHEMA: i64 = 1;
const APP: &str = "recovery-companion/coping-plan";
/// Actor of the genesis change: the same bytes on every device, used for nothing else.
const GENESIS_ACTOR: &[u8; 16] = b"companion-plan-0";

/// Most entries in one list (triggers, strategies of one item, people...).
pub const MAX_ENTRIES: usize = 500;
/// Most strategies in the whole plan.
pub const MAX_STRATEGIES: usize = 2_000;
/// Longest reason (in the client's words, so longer than a label).
pub const REASON_MAX_CHARS: usize = 2_000;

const K_SCHEMA: &str = "schema";
const K_APP: &str = "app";
const K_RANK: &str = "rank";
const K_NAME: &str = "name";
const K_TEXT: &str = "text";
const K_KIND: &str = "kind";
const K_FORMERLY: &str = "formerly";
/// Earlier words kept per strategy (so outcomes logged under an old name still count).
const FORMERLY_MAX: usize = 10;
const K_STRATEGIES: &str = "strategies";
const K_HOW: &str = "how";
const K_AVAILABILITY: &str = "availability";
const K_CRISIS: &str = "crisis_line";
const K_DAYS: &str = "days";
const K_FROM: &str = "from";
const K_TO: &str = "to";

/// The top-level lists of the plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Section {
    WarningSigns,
    Triggers,
    Strategies,
    Distractions,
    People,
    Professionals,
    Environment,
    Reasons,
}

impl Section {
    const ALL: [Section; 8] = [
        Section::WarningSigns,
        Section::Triggers,
        Section::Strategies,
        Section::Distractions,
        Section::People,
        Section::Professionals,
        Section::Environment,
        Section::Reasons,
    ];

    fn key(self) -> &'static str {
        match self {
            Section::WarningSigns => "warning_signs",
            Section::Triggers => "triggers",
            Section::Strategies => "strategies",
            Section::Distractions => "distractions",
            Section::People => "people",
            Section::Professionals => "professionals",
            Section::Environment => "environment",
            Section::Reasons => "reasons",
        }
    }

    fn is_item(self) -> bool {
        matches!(self, Section::WarningSigns | Section::Triggers)
    }

    fn is_contact(self) -> bool {
        matches!(self, Section::People | Section::Professionals)
    }

    /// The field holding the entry's words.
    fn text_key(self) -> &'static str {
        if self.is_item() || self.is_contact() {
            K_NAME
        } else {
            K_TEXT
        }
    }
}

fn doc_err(_: automerge::AutomergeError) -> Error {
    Error::Document("the coping plan document could not be changed")
}

/// Where an entry lives in the document.
#[derive(Clone, Debug)]
struct Loc {
    section: Section,
    /// The map holding the entry (a section map, or an item's strategies map).
    parent: ObjId,
    obj: ObjId,
    key: String,
    /// For a strategy of an item: the item's id.
    item: Option<RecordId>,
}

/// One entry as stored, before grouping.
#[derive(Clone, Debug)]
struct Raw {
    id: RecordId,
    key: String,
    obj: ObjId,
    rank: f64,
}

/// The coping plan's automerge document.
pub(crate) struct PlanDoc {
    doc: AutoCommit,
}

impl PlanDoc {
    /// The genesis document every copy of a plan starts from.
    pub(crate) fn genesis() -> Result<PlanDoc> {
        let mut doc = AutoCommit::new().with_actor(ActorId::from(GENESIS_ACTOR));
        doc.put(ROOT, K_SCHEMA, ScalarValue::Int(SCHEMA)).map_err(doc_err)?;
        doc.put(ROOT, K_APP, APP).map_err(doc_err)?;
        for s in Section::ALL {
            doc.put_object(ROOT, s.key(), ObjType::Map).map_err(doc_err)?;
        }
        doc.commit_with(automerge::transaction::CommitOptions::default().with_time(0));
        Ok(PlanDoc { doc })
    }

    /// Load a saved document (fast path for the stored snapshot), making sure it builds on the
    /// genesis every copy shares.
    pub(crate) fn load(bytes: &[u8]) -> Result<PlanDoc> {
        let doc = AutoCommit::load(bytes).map_err(|_| Error::Document("the coping plan data could not be read"))?;
        let mut d = PlanDoc { doc };
        let mut genesis = PlanDoc::genesis()?;
        let missing = genesis.heads().iter().any(|h| !d.has_change(h));
        if missing {
            d.merge_bytes(&genesis.save())?;
        }
        Ok(d)
    }

    /// Merge a saved document or change chunk (from storage, an import or a peer).
    /// Returns how many changes were new. Bytes that are not automerge data are an error.
    pub(crate) fn merge_bytes(&mut self, bytes: &[u8]) -> Result<usize> {
        let before = self.doc.get_heads();
        let n =
            self.doc.load_incremental(bytes).map_err(|_| Error::Document("the coping plan data could not be read"))?;
        if n == 0 && !bytes.is_empty() && self.doc.get_heads() == before {
            // load_incremental skips what it cannot parse; make sure something parsed.
            if automerge::Automerge::load(bytes).is_err() && automerge::Change::try_from(bytes).is_err() {
                return Err(Error::Document("the coping plan data could not be read"));
            }
        }
        Ok(n)
    }

    pub(crate) fn set_actor(&mut self, actor: &[u8; 16]) {
        self.doc.set_actor(ActorId::from(actor));
    }

    pub(crate) fn heads(&mut self) -> Vec<automerge::ChangeHash> {
        self.doc.get_heads()
    }

    /// Does the document hold this change (or has it got stuck waiting for a dependency)?
    pub(crate) fn has_change(&mut self, h: &automerge::ChangeHash) -> bool {
        self.doc.get_change_by_hash(h).is_some()
    }

    /// The whole document, compacted.
    pub(crate) fn save(&mut self) -> Vec<u8> {
        self.doc.save()
    }

    /// Changes made after `heads`.
    pub(crate) fn save_after(&mut self, heads: &[automerge::ChangeHash]) -> Vec<u8> {
        self.doc.save_after(heads)
    }

    // ----- reading ----------------------------------------------------------------------

    fn section(&self, s: Section) -> Option<ObjId> {
        match self.doc.get(ROOT, s.key()) {
            Ok(Some((Value::Object(ObjType::Map), id))) => Some(id),
            _ => None,
        }
    }

    fn section_or_create(&mut self, s: Section) -> Result<ObjId> {
        match self.section(s) {
            Some(id) => Ok(id),
            // Only a damaged document lacks a section; recreate it so edits can go on.
            None => self.doc.put_object(ROOT, s.key(), ObjType::Map).map_err(doc_err),
        }
    }

    fn string(&self, obj: &ObjId, key: &str) -> Option<String> {
        match self.doc.get(obj, key).ok().flatten()? {
            (Value::Scalar(v), _) => match v.as_ref() {
                ScalarValue::Str(s) => Some(s.to_string()),
                _ => None,
            },
            (Value::Object(ObjType::Text), id) => self.doc.text(&id).ok(),
            _ => None,
        }
    }

    /// A list of strings (scalar or Text items); anything else reads as empty.
    fn string_list(&self, obj: &ObjId, key: &str) -> Vec<String> {
        let list = match self.doc.get(obj, key) {
            Ok(Some((Value::Object(ObjType::List), id))) => id,
            _ => return Vec::new(),
        };
        let mut out = Vec::new();
        for i in 0..self.doc.length(&list) {
            match self.doc.get(&list, i) {
                Ok(Some((Value::Scalar(v), _))) => {
                    if let ScalarValue::Str(s) = v.as_ref() {
                        out.push(s.to_string());
                    }
                }
                Ok(Some((Value::Object(ObjType::Text), id))) => out.extend(self.doc.text(&id).ok()),
                _ => {}
            }
        }
        out
    }

    fn number(&self, obj: &ObjId, key: &str) -> Option<f64> {
        match self.doc.get(obj, key).ok().flatten()? {
            (Value::Scalar(v), _) => match v.as_ref() {
                ScalarValue::F64(f) => Some(*f),
                ScalarValue::Int(i) => Some(*i as f64),
                ScalarValue::Uint(u) => Some(*u as f64),
                _ => None,
            },
            _ => None,
        }
    }

    fn boolean(&self, obj: &ObjId, key: &str) -> Option<bool> {
        match self.doc.get(obj, key).ok().flatten()? {
            (Value::Scalar(v), _) => match v.as_ref() {
                ScalarValue::Boolean(b) => Some(*b),
                _ => None,
            },
            _ => None,
        }
    }

    fn map_at(&self, obj: &ObjId, key: &str) -> Option<ObjId> {
        match self.doc.get(obj, key).ok().flatten()? {
            (Value::Object(ObjType::Map), id) => Some(id),
            _ => None,
        }
    }

    /// Entries of a map in order; entries that are not readable (not a map, bad id) are
    /// counted in `skipped`.
    fn raw_entries(&self, map: &ObjId, skipped: &mut u32) -> Vec<Raw> {
        let mut out = Vec::new();
        for key in self.doc.keys(map) {
            let Some(id) = RecordId::parse(&key).ok() else {
                *skipped += 1;
                continue;
            };
            let obj = match self.doc.get(map, key.as_str()) {
                Ok(Some((Value::Object(ObjType::Map), o))) => o,
                _ => {
                    *skipped += 1;
                    continue;
                }
            };
            let rank = self.number(&obj, K_RANK).unwrap_or(f64::MAX);
            out.push(Raw { id, key, obj, rank });
        }
        out.sort_by(|a, b| rank::cmp((a.rank, &a.key), (b.rank, &b.key)));
        out
    }

    fn read_strategy(&self, r: &Raw) -> Option<Strategy> {
        let text = self.string(&r.obj, K_TEXT).filter(|t| !t.trim().is_empty())?;
        let kind = self
            .string(&r.obj, K_KIND)
            .and_then(|k| StrategyKind::parse(&k))
            .unwrap_or_else(|| StrategyKind::guess(&text));
        let formerly = self.string_list(&r.obj, K_FORMERLY);
        Some(Strategy { id: r.id, text, kind, formerly })
    }

    fn read_strategies(&self, raws: &[Raw], skipped: &mut u32) -> Vec<Strategy> {
        let mut out = Vec::with_capacity(raws.len());
        for r in raws {
            match self.read_strategy(r) {
                Some(s) => out.push(s),
                None => *skipped += 1,
            }
        }
        out
    }

    /// Items of a section grouped by name (the same name added on two devices is one item).
    /// Each group: the members in order (first is the primary) and their names.
    fn item_groups(&self, s: Section, skipped: &mut u32) -> Vec<Vec<(Raw, String)>> {
        let Some(map) = self.section(s) else { return Vec::new() };
        let mut groups: Vec<Vec<(Raw, String)>> = Vec::new();
        let mut by_name: HashMap<String, usize> = HashMap::new();
        for r in self.raw_entries(&map, skipped) {
            let Some(name) = self.string(&r.obj, K_NAME).filter(|n| !n.trim().is_empty()) else {
                *skipped += 1;
                continue;
            };
            let folded = text::fold(&name);
            match by_name.get(&folded) {
                Some(&g) => groups[g].push((r, name)),
                None => {
                    by_name.insert(folded, groups.len());
                    groups.push(vec![(r, name)]);
                }
            }
        }
        groups
    }

    /// Strategies of a group of items, merged and in order.
    fn group_strategy_raws(&self, group: &[(Raw, String)], skipped: &mut u32) -> Vec<Raw> {
        let mut all: Vec<Raw> = Vec::new();
        for (r, _) in group {
            if let Some(m) = self.map_at(&r.obj, K_STRATEGIES) {
                all.extend(self.raw_entries(&m, skipped));
            }
        }
        all.sort_by(|a, b| rank::cmp((a.rank, &a.key), (b.rank, &b.key)));
        all
    }

    fn read_items(&self, s: Section, kind: ItemKind, skipped: &mut u32) -> Vec<PlanItem> {
        let groups = self.item_groups(s, skipped);
        let mut out = Vec::with_capacity(groups.len());
        for g in &groups {
            let Some((primary, name)) = g.first() else { continue };
            let raws = self.group_strategy_raws(g, skipped);
            out.push(PlanItem {
                id: primary.id,
                kind,
                name: name.clone(),
                strategies: self.read_strategies(&raws, skipped),
                merged_ids: g.iter().skip(1).map(|(r, _)| r.id).collect(),
            });
        }
        out
    }

    fn read_lines(&self, s: Section, skipped: &mut u32) -> Vec<PlanEntry> {
        let Some(map) = self.section(s) else { return Vec::new() };
        let mut out = Vec::new();
        for r in self.raw_entries(&map, skipped) {
            match self.string(&r.obj, K_TEXT).filter(|t| !t.trim().is_empty()) {
                Some(text) => out.push(PlanEntry { id: r.id, text }),
                None => *skipped += 1,
            }
        }
        out
    }

    fn read_availability(&self, obj: &ObjId) -> Option<Vec<Availability>> {
        let list = match self.doc.get(obj, K_AVAILABILITY).ok().flatten() {
            None => return Some(Vec::new()),
            Some((Value::Object(ObjType::List), id)) => id,
            Some(_) => return None,
        };
        let mut out = Vec::new();
        for i in 0..self.doc.length(&list) {
            let w = match self.doc.get(&list, i).ok().flatten()? {
                (Value::Object(ObjType::Map), id) => id,
                _ => return None,
            };
            let num = |k: &str| self.number(&w, k).filter(|v| v.fract() == 0.0 && *v >= 0.0 && *v < 65_536.0);
            let a = Availability {
                days: u8::try_from(num(K_DAYS)? as u32).ok()?,
                from_minute: num(K_FROM)? as u16,
                to_minute: num(K_TO)? as u16,
            };
            a.validate().ok()?;
            out.push(a);
        }
        Some(out)
    }

    fn read_contacts(&self, s: Section, skipped: &mut u32) -> Vec<Contact> {
        let Some(map) = self.section(s) else { return Vec::new() };
        let mut out = Vec::new();
        for r in self.raw_entries(&map, skipped) {
            let name = self.string(&r.obj, K_NAME).filter(|t| !t.trim().is_empty());
            let availability = self.read_availability(&r.obj);
            match (name, availability) {
                (Some(name), Some(availability)) => out.push(Contact {
                    id: r.id,
                    name,
                    how: self.string(&r.obj, K_HOW).filter(|h| !h.trim().is_empty()),
                    availability,
                    crisis_line: self.boolean(&r.obj, K_CRISIS).unwrap_or(false),
                }),
                _ => *skipped += 1,
            }
        }
        out
    }

    /// The plan as the app shows it.
    pub(crate) fn read(&self) -> CopingPlan {
        let mut skipped = 0;
        let general = match self.section(Section::Strategies) {
            Some(m) => {
                let raws = self.raw_entries(&m, &mut skipped);
                self.read_strategies(&raws, &mut skipped)
            }
            None => Vec::new(),
        };
        CopingPlan {
            warning_signs: self.read_items(Section::WarningSigns, ItemKind::WarningSign, &mut skipped),
            triggers: self.read_items(Section::Triggers, ItemKind::Trigger, &mut skipped),
            strategies: general,
            distractions: self.read_lines(Section::Distractions, &mut skipped),
            people: self.read_contacts(Section::People, &mut skipped),
            professionals: self.read_contacts(Section::Professionals, &mut skipped),
            environment: self.read_lines(Section::Environment, &mut skipped),
            reasons: self.read_lines(Section::Reasons, &mut skipped),
            skipped_entries: skipped,
        }
    }

    // ----- locating ---------------------------------------------------------------------

    fn locate(&self, id: RecordId) -> Option<Loc> {
        let key = id.to_text();
        for s in Section::ALL {
            let Some(map) = self.section(s) else { continue };
            if let Some(obj) = self.map_at(&map, &key) {
                return Some(Loc { section: s, parent: map, obj, key, item: None });
            }
            if s.is_item() {
                for item_key in self.doc.keys(&map) {
                    let Some(item) = self.map_at(&map, &item_key) else { continue };
                    let Some(strategies) = self.map_at(&item, K_STRATEGIES) else { continue };
                    if let Some(obj) = self.map_at(&strategies, &key) {
                        let item = RecordId::parse(&item_key).ok();
                        return Some(Loc { section: s, parent: strategies, obj, key, item });
                    }
                }
            }
        }
        None
    }

    fn locate_or_err(&self, id: RecordId) -> Result<Loc> {
        self.locate(id).ok_or(Error::invalid("plan entry", "no entry with that id is in the plan"))
    }

    /// The item group (same section, same name) holding item `id`.
    fn group_of(&self, s: Section, id: RecordId) -> Vec<(Raw, String)> {
        let mut skipped = 0;
        self.item_groups(s, &mut skipped).into_iter().find(|g| g.iter().any(|(r, _)| r.id == id)).unwrap_or_default()
    }

    /// Siblings of an entry in view order, as groups of raw entries that move together.
    fn siblings(&self, loc: &Loc) -> Vec<Vec<Raw>> {
        let mut skipped = 0;
        if loc.item.is_some() || (loc.section == Section::Strategies && loc.item.is_none()) {
            // A strategy: the merged strategies of its item's group, or the general ones.
            let raws = match loc.item {
                Some(item) => {
                    let g = self.group_of(loc.section, item);
                    self.group_strategy_raws(&g, &mut skipped)
                }
                None => self.raw_entries(&loc.parent, &mut skipped),
            };
            return raws.into_iter().map(|r| vec![r]).collect();
        }
        if loc.section.is_item() {
            return self
                .item_groups(loc.section, &mut skipped)
                .into_iter()
                .map(|g| g.into_iter().map(|(r, _)| r).collect())
                .collect();
        }
        self.raw_entries(&loc.parent, &mut skipped).into_iter().map(|r| vec![r]).collect()
    }

    fn last_rank(&self, loc_parent_groups: &[Vec<Raw>]) -> Option<f64> {
        loc_parent_groups.last().and_then(|g| g.first()).map(|r| r.rank).filter(|r| r.is_finite() && *r < f64::MAX)
    }

    // ----- editing ----------------------------------------------------------------------

    /// Apply edits as one change. Returns the ids of entries added, in order. On error the
    /// document is left as it was.
    pub(crate) fn apply(
        &mut self,
        edits: &[PlanEdit],
        rnd: &mut dyn FnMut() -> Result<(RecordId, f64)>,
    ) -> Result<Vec<RecordId>> {
        let mut added = Vec::new();
        for e in edits {
            match self.apply_one(e, rnd) {
                Ok(Some(id)) => added.push(id),
                Ok(None) => {}
                Err(err) => {
                    self.doc.rollback();
                    return Err(err);
                }
            }
        }
        if let Err(err) = self.check_limits() {
            self.doc.rollback();
            return Err(err);
        }
        self.commit();
        Ok(added)
    }

    /// Apply a change phrased by names (from another feature, such as "add this to my plan"
    /// after a slip). Adding what is already there changes nothing. Returns the id added.
    pub(crate) fn apply_change(
        &mut self,
        change: &PlanChange,
        rnd: &mut dyn FnMut() -> Result<(RecordId, f64)>,
    ) -> Result<Option<RecordId>> {
        match self.apply_change_inner(change, rnd).and_then(|a| self.check_limits().map(|()| a)) {
            Ok(added) => {
                self.commit();
                Ok(added)
            }
            Err(e) => {
                self.doc.rollback();
                Err(e)
            }
        }
    }

    fn commit(&mut self) {
        self.doc.commit_with(automerge::transaction::CommitOptions::default().with_time(0));
    }

    fn check_limits(&self) -> Result<()> {
        let plan = self.read();
        if plan.strategy_count() > MAX_STRATEGIES {
            return Err(Error::invalid("coping strategies", format!("a plan holds at most {MAX_STRATEGIES}")));
        }
        Ok(())
    }

    fn new_entry(
        &mut self,
        parent: &ObjId,
        groups: &[Vec<Raw>],
        rnd: &mut dyn FnMut() -> Result<(RecordId, f64)>,
    ) -> Result<(RecordId, ObjId)> {
        if groups.len() >= MAX_ENTRIES {
            return Err(Error::invalid("plan", format!("a list in the plan holds at most {MAX_ENTRIES} entries")));
        }
        let (id, jitter) = rnd()?;
        let rank = rank::between(self.last_rank(groups), None, jitter).unwrap_or(groups.len() as f64);
        let obj = self.doc.put_object(parent, id.to_text(), ObjType::Map).map_err(doc_err)?;
        self.doc.put(&obj, K_RANK, rank).map_err(doc_err)?;
        Ok((id, obj))
    }

    fn section_groups(&self, s: Section) -> Vec<Vec<Raw>> {
        let mut skipped = 0;
        if s.is_item() {
            return self
                .item_groups(s, &mut skipped)
                .into_iter()
                .map(|g| g.into_iter().map(|(r, _)| r).collect())
                .collect();
        }
        match self.section(s) {
            Some(m) => self.raw_entries(&m, &mut skipped).into_iter().map(|r| vec![r]).collect(),
            None => Vec::new(),
        }
    }

    fn add_line(
        &mut self,
        s: Section,
        text: &str,
        rnd: &mut dyn FnMut() -> Result<(RecordId, f64)>,
    ) -> Result<RecordId> {
        let parent = self.section_or_create(s)?;
        let groups = self.section_groups(s);
        let (id, obj) = self.new_entry(&parent, &groups, rnd)?;
        self.put_text(s, &obj, text)?;
        Ok(id)
    }

    /// Write an entry's words: a collaborative Text for reasons, a scalar string otherwise.
    fn put_text(&mut self, s: Section, obj: &ObjId, value: &str) -> Result<()> {
        let key = s.text_key();
        if s == Section::Reasons {
            let existing = match self.doc.get(obj, key) {
                Ok(Some((Value::Object(ObjType::Text), id))) => Some(id),
                _ => None,
            };
            let t = match existing {
                Some(t) => t,
                None => self.doc.put_object(obj, key, ObjType::Text).map_err(doc_err)?,
            };
            self.doc.update_text(&t, value).map_err(doc_err)
        } else {
            self.doc.put(obj, key, value).map_err(doc_err)
        }
    }

    fn put_availability(&mut self, obj: &ObjId, windows: &[Availability]) -> Result<()> {
        for w in windows {
            w.validate()?;
        }
        if windows.len() > 20 {
            return Err(Error::invalid("availability", "at most 20 time windows"));
        }
        let list = self.doc.put_object(obj, K_AVAILABILITY, ObjType::List).map_err(doc_err)?;
        for (i, w) in windows.iter().enumerate() {
            let m = self.doc.insert_object(&list, i, ObjType::Map).map_err(doc_err)?;
            self.doc.put(&m, K_DAYS, ScalarValue::Int(i64::from(w.days))).map_err(doc_err)?;
            self.doc.put(&m, K_FROM, ScalarValue::Int(i64::from(w.from_minute))).map_err(doc_err)?;
            self.doc.put(&m, K_TO, ScalarValue::Int(i64::from(w.to_minute))).map_err(doc_err)?;
        }
        Ok(())
    }

    fn put_how(&mut self, obj: &ObjId, how: Option<&str>) -> Result<()> {
        match text::line("how to reach them", how)? {
            Some(h) => self.doc.put(obj, K_HOW, h).map_err(doc_err),
            None => match self.doc.get(obj, K_HOW) {
                Ok(Some(_)) => self.doc.delete(obj, K_HOW).map_err(doc_err),
                _ => Ok(()),
            },
        }
    }

    fn add_contact(
        &mut self,
        s: Section,
        c: &NewContact<'_>,
        rnd: &mut dyn FnMut() -> Result<(RecordId, f64)>,
    ) -> Result<RecordId> {
        let name = text::label("name", c.name, text::LABEL_MAX_CHARS)?;
        let parent = self.section_or_create(s)?;
        let groups = self.section_groups(s);
        let (id, obj) = self.new_entry(&parent, &groups, rnd)?;
        self.doc.put(&obj, K_NAME, name).map_err(doc_err)?;
        self.put_how(&obj, c.how)?;
        self.put_availability(&obj, c.availability)?;
        self.doc.put(&obj, K_CRISIS, c.crisis_line).map_err(doc_err)?;
        Ok(id)
    }

    fn add_item(
        &mut self,
        s: Section,
        name: &str,
        rnd: &mut dyn FnMut() -> Result<(RecordId, f64)>,
    ) -> Result<RecordId> {
        let name =
            text::label(if s == Section::Triggers { "trigger" } else { "warning sign" }, name, text::LABEL_MAX_CHARS)?;
        let parent = self.section_or_create(s)?;
        let groups = self.section_groups(s);
        let (id, obj) = self.new_entry(&parent, &groups, rnd)?;
        self.doc.put(&obj, K_NAME, name).map_err(doc_err)?;
        self.doc.put_object(&obj, K_STRATEGIES, ObjType::Map).map_err(doc_err)?;
        Ok(id)
    }

    fn add_strategy(
        &mut self,
        for_item: Option<RecordId>,
        text_in: &str,
        kind: StrategyKind,
        rnd: &mut dyn FnMut() -> Result<(RecordId, f64)>,
    ) -> Result<RecordId> {
        let words = text::label("coping strategy", text_in, text::LINE_MAX_CHARS)?;
        let (parent, siblings) = match for_item {
            None => {
                let p = self.section_or_create(Section::Strategies)?;
                (p, self.section_groups(Section::Strategies))
            }
            Some(item) => {
                let loc = self.locate_or_err(item)?;
                if !loc.section.is_item() || loc.item.is_some() {
                    return Err(Error::invalid("plan entry", "strategies belong to a trigger or a warning sign"));
                }
                let strategies = match self.map_at(&loc.obj, K_STRATEGIES) {
                    Some(m) => m,
                    None => self.doc.put_object(&loc.obj, K_STRATEGIES, ObjType::Map).map_err(doc_err)?,
                };
                let g = self.group_of(loc.section, item);
                let mut skipped = 0;
                let sib = self.group_strategy_raws(&g, &mut skipped).into_iter().map(|r| vec![r]).collect();
                (strategies, sib)
            }
        };
        let (id, obj) = self.new_entry(&parent, &siblings, rnd)?;
        self.doc.put(&obj, K_TEXT, words).map_err(doc_err)?;
        self.doc.put(&obj, K_KIND, kind.as_str()).map_err(doc_err)?;
        Ok(id)
    }

    fn apply_one(
        &mut self,
        e: &PlanEdit,
        rnd: &mut dyn FnMut() -> Result<(RecordId, f64)>,
    ) -> Result<Option<RecordId>> {
        Ok(match e {
            PlanEdit::AddWarningSign { name } => Some(self.add_item(Section::WarningSigns, name, rnd)?),
            PlanEdit::AddTrigger { name } => Some(self.add_item(Section::Triggers, name, rnd)?),
            PlanEdit::AddStrategy { for_item, text: t, kind } => {
                let kind = kind.unwrap_or_else(|| StrategyKind::guess(t));
                Some(self.add_strategy(*for_item, t, kind, rnd)?)
            }
            PlanEdit::AddDistraction { text: t } => {
                let t = text::label("person or place", t, text::LINE_MAX_CHARS)?;
                Some(self.add_line(Section::Distractions, &t, rnd)?)
            }
            PlanEdit::AddEnvironmentChange { text: t } => {
                let t = text::label("environment change", t, text::LINE_MAX_CHARS)?;
                Some(self.add_line(Section::Environment, &t, rnd)?)
            }
            PlanEdit::AddReason { text: t } => {
                let t = text::note("reason", Some(t), REASON_MAX_CHARS)?
                    .ok_or(Error::invalid("reason", "cannot be empty"))?;
                Some(self.add_line(Section::Reasons, &t, rnd)?)
            }
            PlanEdit::AddPerson { name, how, availability } => Some(self.add_contact(
                Section::People,
                &NewContact { name, how: how.as_deref(), availability, crisis_line: false },
                rnd,
            )?),
            PlanEdit::AddProfessional { name, how, availability, crisis_line } => Some(self.add_contact(
                Section::Professionals,
                &NewContact { name, how: how.as_deref(), availability, crisis_line: *crisis_line },
                rnd,
            )?),
            PlanEdit::Rename { id, text: t } => {
                self.rename(*id, t)?;
                None
            }
            PlanEdit::SetKind { id, kind } => {
                let loc = self.locate_or_err(*id)?;
                if !(loc.item.is_some() || (loc.section == Section::Strategies)) {
                    return Err(Error::invalid("kind", "only coping strategies have a kind"));
                }
                self.doc.put(&loc.obj, K_KIND, kind.as_str()).map_err(doc_err)?;
                None
            }
            PlanEdit::SetHow { id, how } => {
                let loc = self.contact(*id)?;
                self.put_how(&loc.obj, how.as_deref())?;
                None
            }
            PlanEdit::SetAvailability { id, availability } => {
                let loc = self.contact(*id)?;
                self.put_availability(&loc.obj, availability)?;
                None
            }
            PlanEdit::SetCrisisLine { id, crisis_line } => {
                let loc = self.contact(*id)?;
                if loc.section != Section::Professionals {
                    return Err(Error::invalid("crisis line", "only professionals and crisis lines can be marked so"));
                }
                self.doc.put(&loc.obj, K_CRISIS, *crisis_line).map_err(doc_err)?;
                None
            }
            PlanEdit::Move { id, position } => {
                self.move_entry(*id, *position as usize, rnd)?;
                None
            }
            PlanEdit::Remove { id } => {
                self.remove(*id)?;
                None
            }
        })
    }

    fn contact(&self, id: RecordId) -> Result<Loc> {
        let loc = self.locate_or_err(id)?;
        if !loc.section.is_contact() {
            return Err(Error::invalid("plan entry", "that entry is not a person, professional or crisis line"));
        }
        Ok(loc)
    }

    /// Members of the item group of `loc` (itself alone for anything but an item).
    fn members(&self, loc: &Loc, id: RecordId) -> Vec<Raw> {
        if loc.section.is_item() && loc.item.is_none() {
            self.group_of(loc.section, id).into_iter().map(|(r, _)| r).collect()
        } else {
            vec![Raw { id, key: loc.key.clone(), obj: loc.obj.clone(), rank: 0.0 }]
        }
    }

    fn rename(&mut self, id: RecordId, new: &str) -> Result<()> {
        let loc = self.locate_or_err(id)?;
        let is_strategy = loc.item.is_some() || loc.section == Section::Strategies;
        let value = if is_strategy {
            text::label("coping strategy", new, text::LINE_MAX_CHARS)?
        } else {
            match loc.section {
                Section::WarningSigns | Section::Triggers | Section::People | Section::Professionals => {
                    text::label("name", new, text::LABEL_MAX_CHARS)?
                }
                Section::Reasons => text::note("reason", Some(new), REASON_MAX_CHARS)?
                    .ok_or(Error::invalid("reason", "cannot be empty"))?,
                _ => text::label("text", new, text::LINE_MAX_CHARS)?,
            }
        };
        let section = if is_strategy { Section::Strategies } else { loc.section };
        if is_strategy {
            self.remember_former_words(&loc.obj, &value)?;
        }
        for m in self.members(&loc, id) {
            self.put_text(section, &m.obj, &value)?;
        }
        Ok(())
    }

    /// Keep a strategy's current words in its `formerly` list before they change.
    fn remember_former_words(&mut self, obj: &ObjId, new: &str) -> Result<()> {
        let Some(old) = self.string(obj, K_TEXT) else { return Ok(()) };
        if text::fold(&old) == text::fold(new) {
            return Ok(());
        }
        let list = match self.doc.get(obj, K_FORMERLY) {
            Ok(Some((Value::Object(ObjType::List), id))) => id,
            _ => self.doc.put_object(obj, K_FORMERLY, ObjType::List).map_err(doc_err)?,
        };
        let n = self.doc.length(&list);
        self.doc.insert(&list, n, old.as_str()).map_err(doc_err)?;
        if n + 1 > FORMERLY_MAX {
            self.doc.delete(&list, 0usize).map_err(doc_err)?;
        }
        Ok(())
    }

    fn remove(&mut self, id: RecordId) -> Result<()> {
        let loc = self.locate_or_err(id)?;
        let members = self.members(&loc, id);
        for m in members {
            self.doc.delete(&loc.parent, m.key.as_str()).map_err(doc_err)?;
        }
        Ok(())
    }

    fn move_entry(
        &mut self,
        id: RecordId,
        position: usize,
        rnd: &mut dyn FnMut() -> Result<(RecordId, f64)>,
    ) -> Result<()> {
        let loc = self.locate_or_err(id)?;
        let mut sib = self.siblings(&loc);
        let Some(at) = sib.iter().position(|g| g.iter().any(|r| r.id == id)) else {
            return Err(Error::invalid("plan entry", "no entry with that id is in the plan"));
        };
        let me = sib.remove(at);
        let pos = position.min(sib.len());
        let rank_of = |g: Option<&Vec<Raw>>| g.and_then(|g| g.first()).map(|r| r.rank);
        let (_, jitter) = rnd()?;
        let new_rank =
            match rank::between(if pos == 0 { None } else { rank_of(sib.get(pos - 1)) }, rank_of(sib.get(pos)), jitter)
            {
                Some(r) => r,
                None => {
                    // The gap is too small (or ranks are damaged): renumber the list in its
                    // current order, leaving room at `pos`.
                    for (i, g) in sib.iter().enumerate() {
                        let r = if i < pos { i as f64 } else { i as f64 + 1.0 };
                        for m in g {
                            self.doc.put(&m.obj, K_RANK, r).map_err(doc_err)?;
                        }
                    }
                    pos as f64
                }
            };
        for m in &me {
            self.doc.put(&m.obj, K_RANK, new_rank).map_err(doc_err)?;
        }
        Ok(())
    }
}

struct NewContact<'a> {
    name: &'a str,
    how: Option<&'a str>,
    availability: &'a [Availability],
    crisis_line: bool,
}

/// Find an item (warning sign or trigger) by what someone calls it: the same words ignoring
/// case and spacing, else the same meaning after stemming and synonyms ("loneliness" finds
/// "Lonely").
pub(crate) fn find_item<'p>(plan: &'p CopingPlan, name: &str) -> Option<&'p PlanItem> {
    let f = text::fold(name);
    if let Some(i) = plan.items().find(|i| text::fold(&i.name) == f) {
        return Some(i);
    }
    let want = super::matcher::concepts_of(name);
    if want.is_empty() {
        return None;
    }
    plan.items().find(|i| super::matcher::concepts_of(&i.name) == want)
}

impl PlanDoc {
    fn apply_change_inner(
        &mut self,
        change: &PlanChange,
        rnd: &mut dyn FnMut() -> Result<(RecordId, f64)>,
    ) -> Result<Option<RecordId>> {
        let plan = self.read();
        let same = |a: &str, b: &str| text::fold(a) == text::fold(b);
        Ok(match change {
            PlanChange::AddWarningSign { text } => match find_item(&plan, text) {
                Some(_) => None,
                None => Some(self.add_item(Section::WarningSigns, text, rnd)?),
            },
            PlanChange::AddTrigger { name } => match find_item(&plan, name) {
                Some(_) => None,
                None => Some(self.add_item(Section::Triggers, name, rnd)?),
            },
            PlanChange::AddStrategy { for_item, text, kind } => {
                let item = match find_item(&plan, for_item) {
                    Some(item) if item.strategies.iter().any(|s| same(&s.text, text)) => return Ok(None),
                    Some(item) => item.id,
                    None => self.add_item(Section::Triggers, for_item, rnd)?,
                };
                Some(self.add_strategy(Some(item), text, *kind, rnd)?)
            }
            PlanChange::AddEnvironmentChange { text } => {
                if plan.environment.iter().any(|e| same(&e.text, text)) {
                    None
                } else {
                    let t = text::label("environment change", text, text::LINE_MAX_CHARS)?;
                    Some(self.add_line(Section::Environment, &t, rnd)?)
                }
            }
            PlanChange::AddReason { text } => {
                if plan.reasons.iter().any(|e| same(&e.text, text)) {
                    None
                } else {
                    let t = text::note("reason", Some(text), REASON_MAX_CHARS)?
                        .ok_or(Error::invalid("reason", "cannot be empty"))?;
                    Some(self.add_line(Section::Reasons, &t, rnd)?)
                }
            }
        })
    }
}
