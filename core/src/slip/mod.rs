//! Slips: a lapse logged as something to learn from, with an optional guided chain analysis,
//! a self-compassion prompt, and "add this to my plan".
//!
//! A slip records when it happened (with the offset and zone where it happened, like urges),
//! what happened in the person's words, and optionally the urge entry it followed. Linking an
//! urge whose outcome was not recorded yet records it as acted on, in the same transaction.
//!
//! Counting: every slip is one time of acting out. An urge logged with the outcome "acted"
//! is one too, unless a slip links to it: then slip and urge are the same event and count
//! once (see [`crate::insights`]). One urge can be linked by at most one slip.
//!
//! Storage: the head holds what lists and insights read (times, the linked urge, the chain's
//! step states and vulnerability factors); the body holds every word the person wrote.

pub mod chain;
pub mod compassion;
mod plan_link;
pub(crate) mod stored;

pub use chain::{
    ChainAnalysis, ChainAnswer, ChainLink, ChainStatus, ChainStep, LinkAlternative, LinkKind, NewChainLink,
    Vulnerability, VulnerabilityFactor,
};
pub use plan_link::{PlanAddition, PlanPart, PlanSuggestion};

use std::fmt;

use crate::error::{Error, Result};
use crate::id::RecordId;
use crate::store::{Columns, RecordKind, Scope, Store, Tx, Unreadable};
use crate::text;
use crate::time::{LocalStamp, Month};
use crate::urge::{Outcome, Urge};
use chrono::NaiveDate;

/// Longest description of what happened.
pub const WHAT_MAX_CHARS: usize = 2_000;
/// How far ahead of the clock a slip may be dated (clock skew between devices).
const FUTURE_TOLERANCE_MS: i64 = 5 * 60 * 1000;

/// One slip, decrypted.
#[derive(Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Slip {
    pub id: RecordId,
    /// When it happened, where it happened.
    pub occurred: LocalStamp,
    /// When it was logged.
    pub logged: LocalStamp,
    /// Last change (UTC milliseconds), if ever changed.
    pub edited_utc_ms: Option<i64>,
    /// What happened, in the person's words.
    pub what: String,
    /// The urge entry this slip followed, if linked.
    pub urge: Option<RecordId>,
    pub chain: ChainAnalysis,
    /// When the chain analysis was finished (every step answered or skipped).
    pub chain_completed: Option<LocalStamp>,
    /// What was added to the coping plan from this slip.
    pub plan_additions: Vec<PlanAddition>,
    /// Set when its words (what happened, the chain analysis) speak of suicide or self-harm:
    /// worked out by the store each time it is saved (a value given here is not stored).
    pub risk: Option<crate::safety::RiskConcern>,
}

impl fmt::Debug for Slip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Slip({}, {:?}, <redacted>)", self.id, self.chain.status())
    }
}

impl Slip {
    pub fn local_date(&self) -> NaiveDate {
        self.occurred.local_date()
    }

    /// The self-compassion prompt offered with this slip.
    pub fn compassion_prompt(&self) -> &'static str {
        compassion::prompt_for(&self.id)
    }

    /// What the analysis suggests adding to the coping plan, minus what was already added
    /// (without looking at the plan; [`Store::slip_plan_suggestions`] also leaves out what the
    /// plan holds).
    pub fn plan_suggestions(&self) -> Vec<PlanSuggestion> {
        plan_link::suggestions(&self.chain, &self.what, &self.plan_additions)
    }
}

/// A new slip. `occurred` defaults to the linked urge's time, else to now.
#[derive(Clone, Default)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct NewSlip {
    pub what: String,
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub occurred: Option<LocalStamp>,
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub urge: Option<RecordId>,
}

impl fmt::Debug for NewSlip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewSlip(<redacted>)")
    }
}

/// Changes to a slip's own fields (the chain changes through [`Store::answer_chain`]).
#[derive(Clone, Default)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SlipEdit {
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub what: Option<String>,
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub occurred: Option<LocalStamp>,
    /// Link (or re-link) to this urge entry.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub urge: Option<RecordId>,
    /// Remove the link to an urge entry.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub unlink_urge: bool,
}

impl fmt::Debug for SlipEdit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SlipEdit(<redacted>)")
    }
}

/// Slips found, oldest first, and any that could not be opened.
#[derive(Debug, Default)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SlipListing {
    pub slips: Vec<Slip>,
    pub unreadable: Vec<Unreadable>,
}

/// What lists and insights read of a slip, without decrypting its words.
#[derive(Clone, Debug)]
pub(crate) struct SlipHead {
    pub id: RecordId,
    /// When it happened (UTC milliseconds) and its local day there.
    pub utc_ms: i64,
    pub day: NaiveDate,
    pub urge: Option<RecordId>,
    pub factors: Vec<VulnerabilityFactor>,
    pub status: ChainStatus,
    /// The local day the chain analysis was finished, if it was.
    pub completed_day: Option<NaiveDate>,
    pub risk: Option<crate::safety::RiskConcern>,
}

// ----- validation -----------------------------------------------------------------------

fn check_occurred(store: &Store, at: &LocalStamp) -> Result<()> {
    let now = store.clock().now().timestamp_millis();
    if at.utc_ms > now + FUTURE_TOLERANCE_MS {
        return Err(Error::invalid("time", "a slip cannot be logged in the future"));
    }
    // 2000-01-01: earlier dates are typos.
    if at.utc_ms < 946_684_800_000 {
        return Err(Error::invalid("time", "that date is too far in the past"));
    }
    if !(-18 * 3600..=18 * 3600).contains(&at.offset_secs) {
        return Err(Error::invalid("time", "the time-zone offset is out of range"));
    }
    Ok(())
}

fn check_what(raw: &str) -> Result<String> {
    text::note("what happened", Some(raw), WHAT_MAX_CHARS)?
        .ok_or_else(|| Error::invalid("what happened", "cannot be empty; a few words are enough"))
}

/// Every slip head, inside a transaction.
fn all_heads_tx(tx: &Tx<'_>) -> Result<Vec<SlipHead>> {
    let listing = tx.list_raw(RecordKind::Slip, Scope::All, false)?;
    // An unreadable slip cannot be checked for its link; the others still are.
    Ok(listing.records.iter().filter_map(|o| stored::decode_head(o.id, &o.head).ok()).collect())
}

/// Check the urge exists and no other slip links to it; record its outcome as acted when none
/// was recorded. Returns the urge's time.
fn link_urge(tx: &mut Tx<'_>, slip: RecordId, urge_id: RecordId) -> Result<LocalStamp> {
    let mut u: Urge = tx.get(urge_id)?;
    if all_heads_tx(tx)?.iter().any(|h| h.urge == Some(urge_id) && h.id != slip) {
        return Err(Error::State("that urge entry is already linked to another slip"));
    }
    if u.outcome.is_none() {
        u.outcome = Some(Outcome::Acted);
        tx.put(&u)?;
    }
    Ok(u.occurred)
}

// ----- operations -----------------------------------------------------------------------

impl Store {
    /// Log a slip. Durable when this returns.
    pub fn log_slip(&self, new: NewSlip) -> Result<Slip> {
        let now = self.clock().now();
        let zone = self.clock().zone();
        let logged = LocalStamp::at(now, &zone);
        let what = check_what(&new.what)?;
        if let Some(at) = &new.occurred {
            check_occurred(self, at)?;
        }
        let id = RecordId::random()?;
        self.write(|tx| {
            let urge_time = match new.urge {
                Some(u) => Some(link_urge(tx, id, u)?),
                None => None,
            };
            let occurred = new.occurred.clone().or(urge_time).unwrap_or_else(|| logged.clone());
            let slip = Slip {
                id,
                occurred,
                logged: logged.clone(),
                edited_utc_ms: None,
                what,
                urge: new.urge,
                chain: ChainAnalysis::default(),
                chain_completed: None,
                plan_additions: Vec::new(),
                risk: None,
            };
            tx.put(&slip)?;
            Ok(crate::safety::flags::with_risk(slip))
        })
    }

    /// One slip with everything written about it.
    pub fn slip(&self, id: RecordId) -> Result<Slip> {
        self.get(id)
    }

    /// Change when or what, or the linked urge. An edit that changes nothing is an error.
    pub fn edit_slip(&self, id: RecordId, edit: SlipEdit) -> Result<Slip> {
        if edit.what.is_none() && edit.occurred.is_none() && edit.urge.is_none() && !edit.unlink_urge {
            return Err(Error::invalid("edit", "nothing to change"));
        }
        if edit.urge.is_some() && edit.unlink_urge {
            return Err(Error::invalid("edit", "an urge cannot be both linked and unlinked"));
        }
        let what = edit.what.as_deref().map(check_what).transpose()?;
        if let Some(at) = &edit.occurred {
            check_occurred(self, at)?;
        }
        let now = self.clock().now().timestamp_millis();
        self.write(|tx| {
            let mut s = tx.get::<Slip>(id)?;
            if let Some(w) = what {
                s.what = w;
            }
            if let Some(at) = &edit.occurred {
                s.occurred = at.clone();
            }
            if let Some(u) = edit.urge {
                if s.urge != Some(u) {
                    link_urge(tx, id, u)?;
                    s.urge = Some(u);
                }
            }
            if edit.unlink_urge {
                s.urge = None;
            }
            s.edited_utc_ms = Some(now);
            // Moving to another month replaces the row (same id) under the new month's tag.
            tx.put(&s)?;
            Ok(crate::safety::flags::with_risk(s))
        })
    }

    /// Delete a slip and everything written about it (the linked urge entry stays).
    pub fn delete_slip(&self, id: RecordId) -> Result<()> {
        self.write(|tx| {
            if tx.delete(RecordKind::Slip, id)? {
                Ok(())
            } else {
                Err(Error::NotFound { kind: RecordKind::Slip, id })
            }
        })
    }

    /// Save one answer of the guided chain analysis (durable at once, so it can resume).
    pub fn answer_chain(&self, id: RecordId, answer: ChainAnswer) -> Result<Slip> {
        let now = self.clock().now();
        let zone = self.clock().zone();
        self.write(|tx| {
            let mut s = tx.get::<Slip>(id)?;
            s.chain.apply(answer)?;
            s.chain_completed = match (s.chain.is_complete(), s.chain_completed.take()) {
                (true, Some(was)) => Some(was),
                (true, None) => Some(LocalStamp::at(now, &zone)),
                (false, _) => None,
            };
            s.edited_utc_ms = Some(now.timestamp_millis());
            tx.put(&s)?;
            Ok(crate::safety::flags::with_risk(s))
        })
    }

    /// Slips in a range of local days (both ends inclusive, `None` = open), oldest first.
    pub fn slips(&self, from: Option<NaiveDate>, to: Option<NaiveDate>) -> Result<SlipListing> {
        let listing = self.list::<Slip>(scope(from, to)?, Columns::HeadAndBody)?;
        let in_range = |d: NaiveDate| !(from.is_some_and(|a| d < a) || to.is_some_and(|b| d > b));
        let mut out = SlipListing {
            slips: listing.records.into_iter().filter(|s| in_range(s.local_date())).collect(),
            unreadable: listing.unreadable,
        };
        out.slips.sort_by_key(|s| (s.occurred.utc_ms, s.logged.utc_ms));
        Ok(out)
    }

    /// Slips whose chain analysis was started and not finished, most recent first: "continue
    /// where you left off".
    pub fn unfinished_chain_analyses(&self) -> Result<SlipListing> {
        let mut l = self.slips(None, None)?;
        l.slips.retain(|s| matches!(s.chain.status(), ChainStatus::InProgress { .. }));
        l.slips.reverse();
        Ok(l)
    }

    /// The slip to analyse when none is named: the analysis left unfinished most recently,
    /// else the latest slip; `None` when no slip was logged.
    pub fn slip_to_analyze(&self) -> Result<Option<RecordId>> {
        if let Some(s) = self.unfinished_chain_analyses()?.slips.first() {
            return Ok(Some(s.id));
        }
        Ok(self.slips(None, None)?.slips.last().map(|s| s.id))
    }

    /// Heads of slips in a range of local days (all slips when both ends are `None`).
    pub(crate) fn slip_heads(
        &self,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<(Vec<SlipHead>, Vec<Unreadable>)> {
        let mut heads = Vec::new();
        let bad = self.visit(RecordKind::Slip, scope(from, to)?, false, |id, head, _| {
            let h = stored::decode_head(id, head)?;
            if !(from.is_some_and(|a| h.day < a) || to.is_some_and(|b| h.day > b)) {
                heads.push(h);
            }
            Ok(())
        })?;
        heads.sort_by_key(|h| (h.utc_ms, h.id));
        Ok((heads, bad))
    }
}

fn scope(from: Option<NaiveDate>, to: Option<NaiveDate>) -> Result<Scope> {
    if let (Some(a), Some(b)) = (from, to) {
        if b < a {
            return Err(Error::invalid("date range", "the end comes before the start"));
        }
    }
    Ok(match (from, to) {
        (Some(a), Some(b)) => Scope::Months(Month::of(a), Month::of(b)),
        _ => Scope::All,
    })
}

#[cfg(test)]
mod tests;
