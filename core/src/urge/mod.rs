//! The urge log: what happened, when, how strong, around what, and what the person did.
//!
//! Scale: intensity is rated 0 (no urge) to 10 (the strongest imaginable), the same 0-10
//! scale used for distress ratings elsewhere in the app, so one number means one thing.
//!
//! Each entry keeps the moment it began with the UTC offset and zone where it happened; its
//! local day never moves (see [`crate::time`]). Back-dating is normal: `logged` records when
//! the entry was written, `occurred` when the urge happened.

pub(crate) mod stored;
mod suggest;

pub use suggest::{BUILTIN_FEELINGS, BUILTIN_TRIGGERS};

use std::fmt;

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::id::RecordId;
use crate::store::{Columns, RecordKind, Scope, Store, Unreadable};
use crate::text;
use crate::time::{LocalStamp, Month};

/// Longest urge one entry can describe.
pub const MAX_DURATION_SECS: u32 = 24 * 3600;
/// How far ahead of the clock an entry may be dated (clock skew between devices).
const FUTURE_TOLERANCE_SECS: i64 = 5 * 60;
/// The scale's top.
pub const MAX_INTENSITY: u8 = 10;

/// Whether the person was alone or with others.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Company {
    Alone,
    WithOthers,
}

/// What happened with the urge. Which coping strategies were used is kept separately in
/// [`Urge::strategies`], so "tried calling a friend, and still acted" is recordable too.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Outcome {
    /// Noticed it and let it pass without acting.
    Surfed,
    /// Used one or more coping strategies (named in `strategies`) and did not act.
    Coped,
    /// Acted on it. Information to learn from, not a verdict.
    Acted,
}

impl Outcome {
    /// Did the person act on the urge?
    pub fn acted(&self) -> bool {
        matches!(self, Outcome::Acted)
    }

    /// Parse `surfed`, `coped` or `acted`.
    pub fn parse(s: &str) -> Result<Outcome> {
        match text::fold(s).as_str() {
            "surfed" | "surf" | "passed" => Ok(Outcome::Surfed),
            "coped" | "cope" | "used a strategy" => Ok(Outcome::Coped),
            "acted" | "act" | "acted on it" => Ok(Outcome::Acted),
            _ => Err(Error::invalid("outcome", "use surfed, coped or acted")),
        }
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            Outcome::Surfed => "surfed",
            Outcome::Coped => "coped",
            Outcome::Acted => "acted",
        }
    }
}

/// A fields that can be cleared by an edit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum UrgeField {
    Place,
    Company,
    Activity,
    Note,
    Duration,
    Outcome,
    Triggers,
    Feelings,
    Strategies,
}

/// One urge entry, decrypted.
#[derive(Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Urge {
    pub id: RecordId,
    /// When the urge began, where it happened.
    pub occurred: LocalStamp,
    /// When the entry was first written.
    pub logged: LocalStamp,
    /// When the entry was last changed, if ever (UTC milliseconds).
    pub edited_utc_ms: Option<i64>,
    /// 0 (none) to 10 (strongest imaginable).
    pub intensity: u8,
    pub triggers: Vec<String>,
    pub feelings: Vec<String>,
    /// Where (in the person's words).
    pub place: Option<String>,
    pub company: Option<Company>,
    /// Doing what (in the person's words).
    pub activity: Option<String>,
    pub note: Option<String>,
    /// How long the urge lasted, in seconds.
    pub duration_secs: Option<u32>,
    pub outcome: Option<Outcome>,
    /// Coping strategies used, in the person's words (as named in their plan when picked there).
    pub strategies: Vec<String>,
    /// The surf session that recorded this urge's wave, if any.
    pub surf_session: Option<RecordId>,
    /// Set when the entry's words speak of suicide or self-harm: worked out by the store from
    /// the words each time the entry is saved (a value given here is not stored).
    pub risk: Option<crate::safety::RiskConcern>,
}

impl fmt::Debug for Urge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Urge({}, <redacted>)", self.id)
    }
}

impl Urge {
    pub fn local_date(&self) -> NaiveDate {
        self.occurred.local_date()
    }

    /// When it ended, if its length is known.
    pub fn ended_utc_ms(&self) -> Option<i64> {
        self.duration_secs.map(|d| self.occurred.utc_ms + i64::from(d) * 1000)
    }
}

/// A new entry. `occurred` defaults to now; set `duration_secs` or `ended` (not both).
#[derive(Clone, Default)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct NewUrge {
    pub intensity: u8,
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub occurred: Option<LocalStamp>,
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub triggers: Vec<String>,
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub feelings: Vec<String>,
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub place: Option<String>,
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub company: Option<Company>,
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub activity: Option<String>,
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub note: Option<String>,
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub duration_secs: Option<u32>,
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub ended: Option<LocalStamp>,
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub outcome: Option<Outcome>,
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub strategies: Vec<String>,
}

impl fmt::Debug for NewUrge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewUrge(<redacted>)")
    }
}

/// Changes to an entry: set fields with `Some`, clear optional ones by listing them in `clear`.
#[derive(Clone, Default)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct UrgeEdit {
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub intensity: Option<u8>,
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub occurred: Option<LocalStamp>,
    /// Replaces the whole list.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub triggers: Option<Vec<String>>,
    /// Replaces the whole list.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub feelings: Option<Vec<String>>,
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub place: Option<String>,
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub company: Option<Company>,
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub activity: Option<String>,
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub note: Option<String>,
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub duration_secs: Option<u32>,
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub ended: Option<LocalStamp>,
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub outcome: Option<Outcome>,
    /// Replaces the whole list.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub strategies: Option<Vec<String>>,
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub clear: Vec<UrgeField>,
    /// Triggers to add to those already there (in the same transaction as the rest).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub add_triggers: Vec<String>,
    /// Triggers to take away (ignoring case and spacing).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub remove_triggers: Vec<String>,
}

impl fmt::Debug for UrgeEdit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("UrgeEdit(<redacted>)")
    }
}

impl UrgeEdit {
    fn is_empty(&self) -> bool {
        self.intensity.is_none()
            && self.occurred.is_none()
            && self.triggers.is_none()
            && self.feelings.is_none()
            && self.place.is_none()
            && self.company.is_none()
            && self.activity.is_none()
            && self.note.is_none()
            && self.duration_secs.is_none()
            && self.ended.is_none()
            && self.outcome.is_none()
            && self.strategies.is_none()
            && self.clear.is_empty()
            && self.add_triggers.is_empty()
            && self.remove_triggers.is_empty()
    }

    fn sets(&self, f: UrgeField) -> bool {
        match f {
            UrgeField::Place => self.place.is_some(),
            UrgeField::Company => self.company.is_some(),
            UrgeField::Activity => self.activity.is_some(),
            UrgeField::Note => self.note.is_some(),
            UrgeField::Duration => self.duration_secs.is_some() || self.ended.is_some(),
            UrgeField::Outcome => self.outcome.is_some(),
            UrgeField::Triggers => self.triggers.is_some(),
            UrgeField::Feelings => self.feelings.is_some(),
            UrgeField::Strategies => self.strategies.is_some(),
        }
    }
}

/// Which entries to list.
#[derive(Clone, Debug, Default)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct UrgeQuery {
    /// First local day (inclusive). `None`: from the first entry.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub from: Option<NaiveDate>,
    /// Last local day (inclusive). `None`: up to the last entry.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub to: Option<NaiveDate>,
    /// Only entries with this trigger (ignoring case and spacing).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub trigger: Option<String>,
    /// Also decrypt place, activity and note.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub with_details: bool,
}

/// Entries found, oldest first, plus any that could not be opened.
#[derive(Debug, Default)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct UrgeListing {
    pub urges: Vec<Urge>,
    pub unreadable: Vec<Unreadable>,
}

/// The fields of an urge that scans need (insights, lookups), borrowed from the decrypted
/// buffer: no string is copied. Handed out by [`Store::visit_urge_facts`].
pub struct UrgeFacts<'a> {
    pub id: RecordId,
    pub occurred_utc_ms: i64,
    pub offset_secs: i32,
    pub intensity: u8,
    pub duration_secs: Option<u32>,
    pub outcome: Option<Outcome>,
    pub company: Option<Company>,
    pub triggers: Vec<&'a str>,
    pub feelings: Vec<&'a str>,
    pub strategies: Vec<&'a str>,
    pub surf_session: Option<RecordId>,
}

impl fmt::Debug for UrgeFacts<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "UrgeFacts({}, <redacted>)", self.id)
    }
}

impl UrgeFacts<'_> {
    /// Wall-clock time where it happened.
    pub fn local(&self) -> chrono::NaiveDateTime {
        chrono::DateTime::from_timestamp_millis(self.occurred_utc_ms).unwrap_or_default().naive_utc()
            + Duration::seconds(i64::from(self.offset_secs))
    }

    /// The local day where it happened.
    pub fn local_date(&self) -> NaiveDate {
        self.local().date()
    }
}

// ----- validation -----------------------------------------------------------------------

fn check_occurred(store: &Store, at: &LocalStamp) -> Result<()> {
    let now = store.clock().now().timestamp_millis();
    if at.utc_ms > now + FUTURE_TOLERANCE_SECS * 1000 {
        return Err(Error::invalid("time", "an urge cannot be logged in the future"));
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

fn duration_from(occurred: &LocalStamp, duration: Option<u32>, ended: Option<&LocalStamp>) -> Result<Option<u32>> {
    match (duration, ended) {
        (Some(_), Some(_)) => {
            Err(Error::invalid("duration", "give either how long it lasted or when it ended, not both"))
        }
        (Some(d), None) => {
            if d > MAX_DURATION_SECS {
                return Err(Error::invalid("duration", "one entry can cover at most 24 hours"));
            }
            Ok(Some(d))
        }
        (None, Some(end)) => {
            let ms = end.utc_ms - occurred.utc_ms;
            if ms < 0 {
                return Err(Error::invalid("end time", "the urge cannot end before it began"));
            }
            let secs = ms / 1000;
            if secs > i64::from(MAX_DURATION_SECS) {
                return Err(Error::invalid("duration", "one entry can cover at most 24 hours"));
            }
            Ok(Some(secs as u32))
        }
        (None, None) => Ok(None),
    }
}

fn check_outcome(outcome: Option<Outcome>, strategies: &[String]) -> Result<()> {
    if outcome == Some(Outcome::Coped) && strategies.is_empty() {
        return Err(Error::invalid("strategies", "name the coping strategy you used"));
    }
    Ok(())
}

// ----- operations -----------------------------------------------------------------------

impl Store {
    /// Log an urge. Durable when this returns.
    pub fn log_urge(&self, new: NewUrge) -> Result<Urge> {
        let urge = self.build_urge(new)?;
        self.write(|tx| tx.put(&urge))?;
        Ok(urge)
    }

    /// Log several urges in one transaction (a paper diary typed in at once, or an import
    /// from another app). All or nothing: one invalid entry stores none of them.
    pub fn log_urges(&self, news: Vec<NewUrge>) -> Result<Vec<Urge>> {
        let urges = news.into_iter().map(|n| self.build_urge(n)).collect::<Result<Vec<_>>>()?;
        self.write(|tx| {
            for u in &urges {
                tx.put(u)?;
            }
            Ok(())
        })?;
        Ok(urges)
    }

    fn build_urge(&self, new: NewUrge) -> Result<Urge> {
        let now = self.clock().now();
        let zone = self.clock().zone();
        let logged = LocalStamp::at(now, &zone);
        let occurred = new.occurred.clone().unwrap_or_else(|| logged.clone());
        check_occurred(self, &occurred)?;
        let urge = Urge {
            id: RecordId::random()?,
            intensity: text::rating("intensity", new.intensity, MAX_INTENSITY)?,
            triggers: text::labels("trigger", &new.triggers)?,
            feelings: text::labels("feeling", &new.feelings)?,
            place: text::line("place", new.place.as_deref())?,
            company: new.company,
            activity: text::line("activity", new.activity.as_deref())?,
            note: text::note("note", new.note.as_deref(), text::NOTE_MAX_CHARS)?,
            duration_secs: duration_from(&occurred, new.duration_secs, new.ended.as_ref())?,
            outcome: new.outcome,
            strategies: text::labels("coping strategy", &new.strategies)?,
            occurred,
            logged,
            edited_utc_ms: None,
            surf_session: None,
            risk: None,
        };
        check_outcome(urge.outcome, &urge.strategies)?;
        Ok(crate::safety::flags::with_risk(urge))
    }

    /// One entry with all its details.
    pub fn urge(&self, id: RecordId) -> Result<Urge> {
        self.get(id)
    }

    /// Change an entry. An edit that changes nothing is an error (so a UI bug is noticed).
    pub fn edit_urge(&self, id: RecordId, edit: UrgeEdit) -> Result<Urge> {
        if edit.is_empty() {
            return Err(Error::invalid("edit", "nothing to change"));
        }
        if edit.triggers.is_some() && !(edit.add_triggers.is_empty() && edit.remove_triggers.is_empty()) {
            return Err(Error::invalid("triggers", "replace the list, or add and remove triggers, not both"));
        }
        for f in &edit.clear {
            if edit.sets(*f) {
                return Err(Error::invalid("edit", "a field cannot be both set and cleared"));
            }
        }
        let now = self.clock().now();
        self.write(|tx| {
            let mut u: Urge = tx.get(id)?;
            if let Some(i) = edit.intensity {
                u.intensity = text::rating("intensity", i, MAX_INTENSITY)?;
            }
            if let Some(at) = &edit.occurred {
                check_occurred(self, at)?;
                // Keep the length: re-derive from a stored end only when given.
                u.occurred = at.clone();
            }
            if let Some(t) = &edit.triggers {
                u.triggers = text::labels("trigger", t)?;
            }
            if !edit.add_triggers.is_empty() || !edit.remove_triggers.is_empty() {
                let removed: Vec<String> = edit.remove_triggers.iter().map(|t| text::fold(t)).collect();
                let mut next: Vec<String> =
                    u.triggers.iter().filter(|t| !removed.contains(&text::fold(t))).cloned().collect();
                next.extend(edit.add_triggers.iter().cloned());
                u.triggers = text::labels("trigger", &next)?;
            }
            if let Some(f) = &edit.feelings {
                u.feelings = text::labels("feeling", f)?;
            }
            if let Some(p) = &edit.place {
                u.place = text::line("place", Some(p))?;
            }
            if let Some(c) = edit.company {
                u.company = Some(c);
            }
            if let Some(a) = &edit.activity {
                u.activity = text::line("activity", Some(a))?;
            }
            if let Some(n) = &edit.note {
                u.note = text::note("note", Some(n), text::NOTE_MAX_CHARS)?;
            }
            if edit.duration_secs.is_some() || edit.ended.is_some() {
                u.duration_secs = duration_from(&u.occurred, edit.duration_secs, edit.ended.as_ref())?;
            }
            if edit.outcome.is_some() {
                u.outcome = edit.outcome;
            }
            if let Some(st) = &edit.strategies {
                u.strategies = text::labels("coping strategy", st)?;
            }
            for f in &edit.clear {
                match f {
                    UrgeField::Place => u.place = None,
                    UrgeField::Company => u.company = None,
                    UrgeField::Activity => u.activity = None,
                    UrgeField::Note => u.note = None,
                    UrgeField::Duration => u.duration_secs = None,
                    UrgeField::Outcome => u.outcome = None,
                    UrgeField::Triggers => u.triggers.clear(),
                    UrgeField::Feelings => u.feelings.clear(),
                    UrgeField::Strategies => u.strategies.clear(),
                }
            }
            check_outcome(u.outcome, &u.strategies)?;
            u.edited_utc_ms = Some(now.timestamp_millis());
            tx.put(&u)?;
            Ok(crate::safety::flags::with_risk(u))
        })
    }

    /// Delete an entry: its bytes are removed from the file, not just flagged.
    /// The wave of its surf session goes with it (the session record is deleted too). An entry
    /// that can no longer be opened can still be deleted.
    pub fn delete_urge(&self, id: RecordId) -> Result<()> {
        self.write(|tx| {
            if let Ok(Some(u)) = tx.find::<Urge>(id) {
                if let Some(session) = u.surf_session {
                    tx.delete(RecordKind::SurfSession, session)?;
                }
            }
            if tx.delete(RecordKind::Urge, id)? {
                Ok(())
            } else {
                Err(Error::NotFound { kind: RecordKind::Urge, id })
            }
        })
    }

    /// Entries in a range of local days (by the day where each happened), oldest first.
    pub fn urges(&self, q: &UrgeQuery) -> Result<UrgeListing> {
        if let (Some(a), Some(b)) = (q.from, q.to) {
            if b < a {
                return Err(Error::invalid("date range", "the end comes before the start"));
            }
        }
        let scope = match (q.from, q.to) {
            (Some(a), Some(b)) => Scope::Months(Month::of(a), Month::of(b)),
            (Some(a), None) => {
                Scope::Months(Month::of(a), Month::of(self.clock().today().max(a)).max(latest_month(self)))
            }
            _ => Scope::All,
        };
        let wanted = q.trigger.as_deref().map(text::fold);
        let columns = if q.with_details { Columns::HeadAndBody } else { Columns::HeadOnly };
        let listing = self.list::<Urge>(scope, columns)?;
        let in_range = |d: NaiveDate| !(q.from.is_some_and(|a| d < a) || q.to.is_some_and(|b| d > b));
        let has_trigger = |u: &Urge| wanted.as_ref().is_none_or(|w| u.triggers.iter().any(|t| &text::fold(t) == w));
        let urges = listing.records.into_iter().filter(|u| in_range(u.local_date()) && has_trigger(u)).collect();
        let mut out = UrgeListing { urges, unreadable: listing.unreadable };
        out.urges.sort_by_key(|u| (u.occurred.utc_ms, u.logged.utc_ms));
        Ok(out)
    }

    /// Visit the facts of every urge whose local day is in `from..=to` (either end open),
    /// without collecting or copying them: the fast path for insights over years of entries.
    /// Returns the entries that could not be opened.
    pub fn visit_urge_facts(
        &self,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        mut f: impl FnMut(&UrgeFacts<'_>),
    ) -> Result<Vec<Unreadable>> {
        let scope = match (from, to) {
            (Some(a), Some(b)) if b >= a => Scope::Months(Month::of(a), Month::of(b)),
            (Some(_), Some(_)) => return Err(Error::invalid("date range", "the end comes before the start")),
            _ => Scope::All,
        };
        self.visit(RecordKind::Urge, scope, false, |id, head, _| {
            let facts = stored::decode_facts(id, head)?;
            let d = facts.local_date();
            if from.is_some_and(|a| d < a) || to.is_some_and(|b| d > b) {
                return Ok(());
            }
            f(&facts);
            Ok(())
        })
    }

    /// Entries on one local day.
    pub fn urges_on(&self, day: NaiveDate, with_details: bool) -> Result<UrgeListing> {
        self.urges(&UrgeQuery { from: Some(day), to: Some(day), trigger: None, with_details })
    }

    /// Built-in trigger suggestions merged with the person's own, most used first.
    pub fn trigger_suggestions(&self, recent_days: i64) -> Result<Vec<String>> {
        let from = self.clock().today() - Duration::days(recent_days.max(1));
        let listing = self.urges(&UrgeQuery { from: Some(from), ..Default::default() })?;
        Ok(suggest::merge(listing.urges.iter().flat_map(|u| u.triggers.iter()), BUILTIN_TRIGGERS))
    }

    /// Built-in feeling suggestions merged with the person's own, most used first.
    pub fn feeling_suggestions(&self, recent_days: i64) -> Result<Vec<String>> {
        let from = self.clock().today() - Duration::days(recent_days.max(1));
        let listing = self.urges(&UrgeQuery { from: Some(from), ..Default::default() })?;
        Ok(suggest::merge(listing.urges.iter().flat_map(|u| u.feelings.iter()), BUILTIN_FEELINGS))
    }
}

fn latest_month(store: &Store) -> Month {
    // Entries may be dated up to a few minutes ahead of the clock: include next month too.
    Month::from_index(Month::of(store.clock().today()).index() + 1)
}

#[cfg(test)]
mod tests;
