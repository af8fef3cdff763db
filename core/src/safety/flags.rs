//! The risk flag: every entry whose words call for the crisis step records it, so the moment
//! is not lost when the app is killed before the crisis step was seen, and the person (and,
//! under a category they consented to share, their clinician) can find those moments again
//! without reading every entry.
//!
//! Which words: urge entries (triggers, feelings, strategies, where, doing what, the note),
//! slips (what happened, the whole chain analysis, what was added to the plan from it),
//! check-ins (the words), surf sessions (the session's note and every check-in's note).
//!
//! When: the store works the flag out from the entry's words each time the entry is saved, in
//! the same transaction ([`concern_of`], called by each record's payload), so a surf
//! session is flagged at the check-in whose note calls for it, not only when it ends. It
//! follows the words: an entry edited until no risk words remain is no longer flagged.
//!
//! Stored: version 2 of the urge, slip, check-in and surf-session heads is version 1's fields
//! followed by the flag ([`FlaggedHead`]), so lists and scans read it without decrypting any
//! words. Entries saved before the flag existed (version 1) read as not flagged until they
//! are next saved.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::risk::{assess_all, RiskConcern};
use crate::checkin::CheckIn;
use crate::error::{Error, IntegrityProblem, Result};
use crate::id::RecordId;
use crate::slip::Slip;
use crate::store::record::decode;
use crate::store::{Columns, Payload, RecordKind, Scope, Store, Unreadable};
use crate::surf::SurfSession;
use crate::urge::{Urge, UrgeQuery};

/// A head of version 1 followed by the entry's risk flag: the next version of that head.
///
/// Layout: `version 1 + 1 ‖ postcard(the version 1 fields) ‖ postcard(Option<RiskConcern>)`,
/// the flag being `00` (none), `01 00` (suicide) or `01 01` (self-harm). Frozen like every
/// payload; a version 1 head is read as not flagged.
#[derive(Serialize, Deserialize)]
pub(crate) struct FlaggedHead<H> {
    pub head: H,
    pub risk: Option<RiskConcern>,
}

impl<H: Payload> Payload for FlaggedHead<H> {
    const VERSION: u8 = H::VERSION + 1;

    fn upgrade(version: u8, bytes: &[u8]) -> std::result::Result<Self, IntegrityProblem> {
        if version != H::VERSION {
            return Err(IntegrityProblem::UnknownFormat(version));
        }
        Ok(FlaggedHead { head: decode::<H>(bytes)?, risk: None })
    }
}

/// An entry whose words are checked for risk when it is saved.
pub(crate) trait RiskWords {
    /// Every text of the entry a person typed.
    fn words(&self) -> Vec<&str>;
    fn risk_mut(&mut self) -> &mut Option<RiskConcern>;
}

/// What the words of the entry call for, if anything.
pub(crate) fn concern_of<T: RiskWords>(entry: &T) -> Option<RiskConcern> {
    assess_all(entry.words()).map(|m| m.concern)
}

/// The entry with its flag as the store records it (for values returned after a save).
pub(crate) fn with_risk<T: RiskWords>(mut entry: T) -> T {
    *entry.risk_mut() = concern_of(&entry);
    entry
}

impl RiskWords for Urge {
    fn words(&self) -> Vec<&str> {
        let lists = self.triggers.iter().chain(&self.feelings).chain(&self.strategies).map(String::as_str);
        let lines = [&self.place, &self.activity, &self.note].into_iter().filter_map(|t| t.as_deref());
        lists.chain(lines).collect()
    }

    fn risk_mut(&mut self) -> &mut Option<RiskConcern> {
        &mut self.risk
    }
}

impl RiskWords for Slip {
    fn words(&self) -> Vec<&str> {
        let c = &self.chain;
        let mut out = vec![self.what.as_str()];
        out.extend(c.vulnerabilities.iter().filter_map(|v| v.note.as_deref()));
        out.extend(c.prompting_event.as_deref());
        for l in &c.links {
            out.push(&l.text);
            out.extend(l.instead.as_deref());
        }
        let answers = [&c.consequences, &c.repair, &c.commitment, &c.self_compassion];
        out.extend(answers.into_iter().filter_map(|t| t.as_deref()));
        out.extend(self.plan_additions.iter().map(|a| a.text.as_str()));
        out
    }

    fn risk_mut(&mut self) -> &mut Option<RiskConcern> {
        &mut self.risk
    }
}

impl RiskWords for CheckIn {
    fn words(&self) -> Vec<&str> {
        self.note.as_deref().into_iter().collect()
    }

    fn risk_mut(&mut self) -> &mut Option<RiskConcern> {
        &mut self.risk
    }
}

impl RiskWords for SurfSession {
    fn words(&self) -> Vec<&str> {
        self.note.iter().chain(self.points.iter().filter_map(|p| p.note.as_ref())).map(String::as_str).collect()
    }

    fn risk_mut(&mut self) -> &mut Option<RiskConcern> {
        &mut self.risk
    }
}

/// One entry whose words called for the crisis step.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct FlaggedEntry {
    /// Urge entry, slip, check-in or surf session.
    pub kind: RecordKind,
    pub id: RecordId,
    /// The local day it is about (where it happened; a check-in: its day).
    pub day: NaiveDate,
    /// When it happened (a check-in: when it was last saved), UTC milliseconds.
    pub at_utc_ms: i64,
    pub concern: RiskConcern,
}

/// Flagged entries, oldest first, and any entry that could not be opened to check.
#[derive(Debug, Default)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct FlaggedListing {
    pub entries: Vec<FlaggedEntry>,
    pub unreadable: Vec<Unreadable>,
}

impl Store {
    /// Every entry flagged for words of suicide or self-harm whose local day is in
    /// `from..=to` (either end open), oldest first.
    pub fn flagged_entries(&self, from: Option<NaiveDate>, to: Option<NaiveDate>) -> Result<FlaggedListing> {
        if let (Some(a), Some(b)) = (from, to) {
            if b < a {
                return Err(Error::invalid("date range", "the end comes before the start"));
            }
        }
        let in_range = |d: NaiveDate| !(from.is_some_and(|a| d < a) || to.is_some_and(|b| d > b));
        let mut out = FlaggedListing::default();
        let mut flag = |kind, id, day, at_utc_ms, concern: Option<RiskConcern>| {
            if let Some(concern) = concern.filter(|_| in_range(day)) {
                out.entries.push(FlaggedEntry { kind, id, day, at_utc_ms, concern });
            }
        };

        let urges = self.urges(&UrgeQuery { from, to, ..Default::default() })?;
        for u in &urges.urges {
            flag(RecordKind::Urge, u.id, u.local_date(), u.occurred.utc_ms, u.risk);
        }
        let (slips, bad_slips) = self.slip_heads(from, to)?;
        for s in &slips {
            flag(RecordKind::Slip, s.id, s.day, s.utc_ms, s.risk);
        }
        let check_ins = self.list::<CheckIn>(Scope::All, Columns::HeadOnly)?;
        for c in &check_ins.records {
            flag(RecordKind::CheckIn, c.id, c.day, c.at.utc_ms, c.risk);
        }
        let sessions = self.surf_sessions(from, to)?;
        for s in &sessions.sessions {
            flag(RecordKind::SurfSession, s.id, s.started.local_date(), s.started.utc_ms, s.risk);
        }

        out.unreadable = [urges.unreadable, bad_slips, check_ins.unreadable, sessions.unreadable].concat();
        out.entries.sort_by_key(|e| (e.at_utc_ms, e.id));
        Ok(out)
    }
}
