//! The plan's records in the encrypted store: its automerge document with its history, and the
//! strategy uses it learns from.
//!
//! Records of kind [`RecordKind::Plan`] (timeless), each with a small head naming what it is:
//! - one **snapshot**: the compacted document (`save()`, full history), in the body;
//! - **chunks**: the changes of one edit each (`save_after(heads before the edit)`), in the body;
//! - the **actor** of this install: 16 random bytes plus the id of the store that made it.
//!
//! Loading merges the snapshot and every chunk into the genesis document and checks that each
//! record's recorded heads are present (automerge skips bytes it cannot use, and a chunk whose
//! dependency is missing waits silently). Records that fail either way are reported, never
//! dropped, and never deleted by compaction.
//!
//! An edit is one store transaction: load, apply, write a chunk. When chunks pile up (see
//! [`should_compact`]) the edit writes a fresh snapshot instead and deletes the chunks it merged:
//! uncompacted changes cost many times a snapshot to keep and to load.
//!
//! The actor is never reused across installs: a restore from an export lands in a new store
//! with a new store id, and an actor record made by another store is replaced by a fresh one
//! on the first edit (so restored and original copies never write the same actor's sequence
//! numbers). A raw copy of the database file carries the same store id and actor: the app's
//! backup path is the encrypted export, which is safe.
//!
//! Strategy uses ([`RecordKind::StrategyOutcome`], by the local month they began) are plain
//! records: see [`StrategyUse`]'s [`Record`] implementation below.

use serde::{Deserialize, Serialize};

use super::doc::PlanDoc;
use super::learning::StrategyUse;
use crate::error::{IntegrityProblem, Result};
use crate::id::RecordId;
use crate::store::frozen::StampV1;
use crate::store::record::{decode, encode};
use crate::store::{Listing, NoBody, Payload, Period, Record, RecordKind, Scope, Tx, Unreadable};
use crate::time::Month;

/// Compact when this many chunks have piled up...
const COMPACT_CHUNKS: usize = 16;
/// ...or when chunks take more bytes than this share of the snapshot (or this floor).
const COMPACT_MIN_BYTES: usize = 16 * 1024;

/// Head of a plan record, version 1. Frozen. The body of a snapshot or chunk is automerge's
/// own bytes (no version byte: automerge's format carries its own).
#[derive(Debug, PartialEq, Serialize, Deserialize)]
pub(crate) enum Head {
    Snapshot { heads: Vec<[u8; 32]> },
    Chunk { heads: Vec<[u8; 32]> },
    Actor { actor: [u8; 16], store_id: [u8; 16] },
}

impl Payload for Head {
    const VERSION: u8 = 1;
}

/// A stored piece of the document: record, is it a snapshot, the heads it claims, its bytes.
type Part<'a> = (RecordId, bool, Vec<[u8; 32]>, &'a [u8]);

/// The plan document as loaded from storage, with what the store holds for it.
pub(crate) struct Loaded {
    pub doc: PlanDoc,
    snapshots: Vec<(RecordId, usize)>,
    chunks: Vec<(RecordId, usize)>,
    actors: Vec<(RecordId, [u8; 16], [u8; 16])>,
    pub unreadable: Vec<Unreadable>,
}

fn hashes(v: &[automerge::ChangeHash]) -> Vec<[u8; 32]> {
    v.iter().map(|h| h.0).collect()
}

/// Load the plan from a listing of its records.
pub(crate) fn load(listing: Listing) -> Result<Loaded> {
    let mut doc: Option<PlanDoc> = None;
    let mut unreadable = listing.unreadable;
    let mut snapshots = Vec::new();
    let mut chunks = Vec::new();
    let mut actors = Vec::new();
    let bad = |id, problem| Unreadable { kind: RecordKind::Plan, id, problem };
    // Snapshots first: chunks usually build on them.
    let mut parts: Vec<Part<'_>> = Vec::new();
    for o in &listing.records {
        match decode::<Head>(&o.head) {
            Ok(Head::Actor { actor, store_id }) => actors.push((o.id, actor, store_id)),
            Ok(Head::Snapshot { heads }) => match &o.body {
                Some(b) => parts.push((o.id, true, heads, b.as_slice())),
                None => unreadable.push(bad(o.id, IntegrityProblem::Truncated)),
            },
            Ok(Head::Chunk { heads }) => match &o.body {
                Some(b) => parts.push((o.id, false, heads, b.as_slice())),
                None => unreadable.push(bad(o.id, IntegrityProblem::Truncated)),
            },
            Err(p) => unreadable.push(bad(o.id, p)),
        }
    }
    parts.sort_by_key(|p| !p.1);
    let mut merged = Vec::new();
    for (id, is_snapshot, heads, bytes) in parts {
        let ok = match doc.as_mut() {
            // The first snapshot loads directly (much faster than merging it into genesis).
            None if is_snapshot => PlanDoc::load(bytes).map(|d| doc = Some(d)).is_ok(),
            None => {
                let mut d = PlanDoc::genesis()?;
                let ok = d.merge_bytes(bytes).is_ok();
                doc = Some(d);
                ok
            }
            Some(d) => d.merge_bytes(bytes).is_ok(),
        };
        if !ok {
            unreadable.push(bad(id, IntegrityProblem::Undecodable));
            continue;
        }
        merged.push((id, is_snapshot, heads, bytes.len()));
    }
    let mut doc = match doc {
        Some(d) => d,
        None => PlanDoc::genesis()?,
    };
    for (id, is_snapshot, heads, len) in merged {
        let complete = heads.iter().all(|h| doc.has_change(&automerge::ChangeHash(*h)));
        if !complete {
            // Its changes wait for a dependency that is missing.
            unreadable.push(bad(id, IntegrityProblem::Truncated));
        } else if is_snapshot {
            snapshots.push((id, len));
        } else {
            chunks.push((id, len));
        }
    }
    Ok(Loaded { doc, snapshots, chunks, actors, unreadable })
}

/// Load inside a write transaction.
pub(crate) fn load_tx(tx: &Tx<'_>) -> Result<Loaded> {
    load(tx.list_raw(RecordKind::Plan, Scope::Timeless, true)?)
}

fn should_compact(snapshots: &[(RecordId, usize)], chunks: &[(RecordId, usize)], new_chunk: usize) -> bool {
    if snapshots.len() != 1 {
        return true;
    }
    let snapshot_bytes = snapshots.iter().map(|s| s.1).sum::<usize>();
    let chunk_bytes = chunks.iter().map(|c| c.1).sum::<usize>() + new_chunk;
    chunks.len() + 1 >= COMPACT_CHUNKS || chunk_bytes > snapshot_bytes.max(COMPACT_MIN_BYTES)
}

impl Loaded {
    /// Set this install's actor on the document, making (and storing) a fresh one when there is
    /// none yet or the stored one was made by another store (a restore).
    pub(crate) fn use_actor(&mut self, tx: &mut Tx<'_>, store_id: &[u8; 16]) -> Result<()> {
        let mine = self.actors.iter().find(|a| &a.2 == store_id).map(|a| a.1);
        let actor = match mine {
            Some(a) => a,
            None => {
                let actor: [u8; 16] = crate::crypto::random_array()?;
                for (id, _, _) in &self.actors {
                    tx.delete(RecordKind::Plan, *id)?;
                }
                let head = encode(&Head::Actor { actor, store_id: *store_id })?;
                let id = RecordId::random()?;
                tx.put_raw(RecordKind::Plan, id, Period::Timeless, &head, None)?;
                self.actors = vec![(id, actor, *store_id)];
                actor
            }
        };
        self.doc.set_actor(&actor);
        Ok(())
    }

    /// Store what changed since `before`: a chunk, or a fresh snapshot replacing the merged
    /// snapshot and chunks. Nothing when nothing changed.
    pub(crate) fn persist(&mut self, tx: &mut Tx<'_>, before: &[automerge::ChangeHash]) -> Result<bool> {
        let after = self.doc.heads();
        if after.as_slice() == before {
            return Ok(false);
        }
        let chunk = self.doc.save_after(before);
        if should_compact(&self.snapshots, &self.chunks, chunk.len()) {
            let bytes = self.doc.save();
            let head = encode(&Head::Snapshot { heads: hashes(&after) })?;
            let id = RecordId::random()?;
            tx.put_raw(RecordKind::Plan, id, Period::Timeless, &head, Some(&bytes))?;
            // Only what was merged into the new snapshot is deleted; unreadable records stay.
            for (old, _) in self.snapshots.drain(..).chain(self.chunks.drain(..)) {
                tx.delete(RecordKind::Plan, old)?;
            }
            self.snapshots.push((id, bytes.len()));
        } else {
            let head = encode(&Head::Chunk { heads: hashes(&after) })?;
            let id = RecordId::random()?;
            tx.put_raw(RecordKind::Plan, id, Period::Timeless, &head, Some(&chunk))?;
            self.chunks.push((id, chunk.len()));
        }
        Ok(true)
    }

    /// How many records hold the plan (snapshots, chunks), for tests and diagnostics.
    #[cfg(test)]
    pub(crate) fn record_counts(&self) -> (usize, usize) {
        (self.snapshots.len(), self.chunks.len())
    }
}

/// Head of a strategy use, version 1. Frozen.
#[derive(Serialize, Deserialize)]
pub(crate) struct UseHeadV1 {
    strategy_id: RecordId,
    strategy_text: String,
    for_item: Option<RecordId>,
    item_name: Option<String>,
    started: StampV1,
    urge: Option<RecordId>,
    intensity: Option<u8>,
    helped: Option<bool>,
}

impl Payload for UseHeadV1 {
    const VERSION: u8 = 1;
}

impl Record for StrategyUse {
    const KIND: RecordKind = RecordKind::StrategyOutcome;
    type Head = UseHeadV1;
    type Body = NoBody;

    fn id(&self) -> RecordId {
        self.id
    }

    fn period(&self) -> Period {
        Period::Month(Month::of(self.started.local_date()))
    }

    fn to_payload(&self) -> (UseHeadV1, Option<NoBody>) {
        let head = UseHeadV1 {
            strategy_id: self.strategy_id,
            strategy_text: self.strategy_text.clone(),
            for_item: self.for_item,
            item_name: self.item_name.clone(),
            started: (&self.started).into(),
            urge: self.urge,
            intensity: self.intensity,
            helped: self.helped,
        };
        (head, None)
    }

    fn from_payload(id: RecordId, h: UseHeadV1, _: Option<NoBody>) -> std::result::Result<Self, IntegrityProblem> {
        Ok(StrategyUse {
            id,
            strategy_id: h.strategy_id,
            strategy_text: h.strategy_text,
            for_item: h.for_item,
            item_name: h.item_name,
            started: h.started.into(),
            urge: h.urge,
            intensity: h.intensity,
            helped: h.helped,
        })
    }
}

/// Write a chunk record with arbitrary bytes and claimed heads (tests of damaged storage).
#[cfg(test)]
pub(crate) fn put_raw_chunk(tx: &mut Tx<'_>, heads: Vec<[u8; 32]>, bytes: &[u8]) -> Result<RecordId> {
    let id = RecordId::random()?;
    tx.put_raw(RecordKind::Plan, id, Period::Timeless, &encode(&Head::Chunk { heads })?, Some(bytes))?;
    Ok(id)
}

/// Snapshot and chunk counts as stored now.
#[cfg(test)]
pub(crate) fn record_counts(store: &crate::store::Store) -> Result<(usize, usize)> {
    let l = load(store.list_raw(RecordKind::Plan, Scope::Timeless, true)?)?;
    Ok(l.record_counts())
}

/// The actor this store writes the plan with, if it has one yet.
#[cfg(test)]
pub(crate) fn actor_of(store: &crate::store::Store) -> Result<Option<[u8; 16]>> {
    let l = load(store.list_raw(RecordKind::Plan, Scope::Timeless, true)?)?;
    Ok(l.actors.iter().find(|a| &a.2 == store.keys().store_id()).map(|a| a.1))
}
