//! The daily check-in: four 0-10 ratings and optional words, once per local day.
//!
//! Scales (each 0 to 10, whole numbers; the same 0-10 range as urge intensity):
//! - **mood**: 0 = very low, 10 = very good;
//! - **stress**: 0 = no stress at all, 10 = the most stressed I can imagine;
//! - **loneliness**: 0 = connected, not lonely at all, 10 = as lonely as I have ever felt;
//! - **sleep**: last night's sleep, 0 = hardly slept or very poorly, 10 = slept very well.
//!
//! Higher is better for mood and sleep, worse for stress and loneliness: each scale keeps the
//! direction people expect of its word. Any rating may be left out; a check-in needs at least
//! one rating or some words.
//!
//! One check-in per local day. Checking in again the same day updates that day's check-in, as
//! a person expects when their evening differs from their morning: the new ratings replace the
//! earlier ones, ratings not given keep their earlier values, and new words are added after
//! the earlier words (nothing written is lost). [`Store::edit_check_in`] corrects or clears.
//! A check-in can be made for an earlier day (people forget), never for a future one.

pub(crate) mod stored;
#[cfg(test)]
mod tests;

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::id::RecordId;
use crate::insights::CheckInFact;
use crate::store::{Columns, RecordKind, Scope, Store, Tx, Unreadable};
use crate::text;
use crate::time::{LocalStamp, Month};

/// Top of every check-in scale.
pub const MAX_SCORE: u8 = 10;
/// Longest words of one check-in.
pub const NOTE_MAX_CHARS: usize = 4_000;

/// The four ratings of a check-in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    Mood,
    Stress,
    Loneliness,
    Sleep,
}

impl Measure {
    pub const ALL: [Measure; 4] = [Measure::Mood, Measure::Stress, Measure::Loneliness, Measure::Sleep];

    pub fn as_str(self) -> &'static str {
        match self {
            Measure::Mood => "mood",
            Measure::Stress => "stress",
            Measure::Loneliness => "loneliness",
            Measure::Sleep => "sleep",
        }
    }

    /// The question asked.
    pub fn question(self) -> &'static str {
        match self {
            Measure::Mood => "How is your mood today?",
            Measure::Stress => "How stressed do you feel?",
            Measure::Loneliness => "How lonely do you feel?",
            Measure::Sleep => "How did you sleep last night?",
        }
    }

    /// What 0 means.
    pub fn low_anchor(self) -> &'static str {
        match self {
            Measure::Mood => "very low",
            Measure::Stress => "no stress at all",
            Measure::Loneliness => "connected, not lonely",
            Measure::Sleep => "hardly slept or very poorly",
        }
    }

    /// What 10 means.
    pub fn high_anchor(self) -> &'static str {
        match self {
            Measure::Mood => "very good",
            Measure::Stress => "the most stressed I can imagine",
            Measure::Loneliness => "as lonely as I have ever felt",
            Measure::Sleep => "slept very well",
        }
    }

    /// Whether a higher number is the better state (mood, sleep).
    pub fn higher_is_better(self) -> bool {
        matches!(self, Measure::Mood | Measure::Sleep)
    }
}

/// One day's check-in.
#[derive(Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct CheckIn {
    pub id: RecordId,
    /// The local day it is about.
    pub day: NaiveDate,
    /// When it was first made.
    pub first_at: LocalStamp,
    /// When it was last saved (a second check-in the same day, or an edit).
    pub at: LocalStamp,
    pub mood: Option<u8>,
    pub stress: Option<u8>,
    pub loneliness: Option<u8>,
    pub sleep: Option<u8>,
    /// The person's words (absent when listed without details).
    pub note: Option<String>,
    /// How many times it was saved (1 for a single check-in).
    pub saves: u32,
    /// Set when its words speak of suicide or self-harm: worked out by the store each time
    /// it is saved (a value given here is not stored).
    pub risk: Option<crate::safety::RiskConcern>,
}

impl fmt::Debug for CheckIn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CheckIn({}, <redacted>)", self.id)
    }
}

impl CheckIn {
    pub fn score(&self, m: Measure) -> Option<u8> {
        match m {
            Measure::Mood => self.mood,
            Measure::Stress => self.stress,
            Measure::Loneliness => self.loneliness,
            Measure::Sleep => self.sleep,
        }
    }

    fn set(&mut self, m: Measure, v: Option<u8>) {
        match m {
            Measure::Mood => self.mood = v,
            Measure::Stress => self.stress = v,
            Measure::Loneliness => self.loneliness = v,
            Measure::Sleep => self.sleep = v,
        }
    }
}

/// A check-in as made. `day` defaults to today.
#[derive(Clone, Default)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct NewCheckIn {
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub day: Option<NaiveDate>,
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub mood: Option<u8>,
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub stress: Option<u8>,
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub loneliness: Option<u8>,
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub sleep: Option<u8>,
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub note: Option<String>,
}

impl fmt::Debug for NewCheckIn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewCheckIn(<redacted>)")
    }
}

impl NewCheckIn {
    fn score(&self, m: Measure) -> Option<u8> {
        match m {
            Measure::Mood => self.mood,
            Measure::Stress => self.stress,
            Measure::Loneliness => self.loneliness,
            Measure::Sleep => self.sleep,
        }
    }
}

/// A field of a check-in that an edit can clear.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum CheckInField {
    Mood,
    Stress,
    Loneliness,
    Sleep,
    Note,
}

/// A correction: set ratings, replace the words, or clear fields.
#[derive(Clone, Default)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct CheckInEdit {
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub mood: Option<u8>,
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub stress: Option<u8>,
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub loneliness: Option<u8>,
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub sleep: Option<u8>,
    /// Replaces the words.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub note: Option<String>,
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub clear: Vec<CheckInField>,
}

impl fmt::Debug for CheckInEdit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CheckInEdit(<redacted>)")
    }
}

/// The result of checking in: the day's check-in, and whether it updated an earlier one.
#[derive(Clone, Debug)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct CheckInSaved {
    pub check_in: CheckIn,
    pub updated: bool,
}

/// Check-ins found, oldest day first, and any that could not be opened.
#[derive(Debug, Default)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct CheckInListing {
    pub check_ins: Vec<CheckIn>,
    pub unreadable: Vec<Unreadable>,
}

fn rating(m: Measure, v: Option<u8>) -> Result<Option<u8>> {
    v.map(|x| text::rating(m.as_str(), x, MAX_SCORE)).transpose()
}

fn check_day(store: &Store, day: NaiveDate) -> Result<()> {
    if day > store.clock().today() {
        return Err(Error::invalid("day", "a check-in cannot be made for a day that has not come yet"));
    }
    if day < NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default() {
        return Err(Error::invalid("day", "that date is too far in the past"));
    }
    Ok(())
}

/// The check-in of `day`, inside a transaction. Should a day ever hold two (a restore merged
/// into a store by hand), the one saved last wins. A check-in of that month that cannot be
/// read does not stop the person checking in: it stays in the file, named by every list, and
/// the day gets a check-in that can be read.
fn on_day_tx(tx: &Tx<'_>, day: NaiveDate) -> Result<Option<CheckIn>> {
    let listing = tx.list::<CheckIn>(Scope::Months(Month::of(day), Month::of(day)), Columns::HeadAndBody)?;
    Ok(listing.records.into_iter().filter(|c| c.day == day).max_by_key(|c| c.at.utc_ms))
}

impl Store {
    /// Check in (or update today's / that day's check-in). Durable when this returns.
    pub fn check_in(&self, new: NewCheckIn) -> Result<CheckInSaved> {
        let day = new.day.unwrap_or_else(|| self.clock().today());
        check_day(self, day)?;
        let mut scores = [None; 4];
        for (i, m) in Measure::ALL.iter().enumerate() {
            scores[i] = rating(*m, new.score(*m))?;
        }
        let note = text::note("words", new.note.as_deref(), NOTE_MAX_CHARS)?;
        if scores.iter().all(Option::is_none) && note.is_none() {
            return Err(Error::invalid("check-in", "give at least one rating or a few words"));
        }
        let at = LocalStamp::at(self.clock().now(), &self.clock().zone());
        self.write(|tx| {
            let (mut c, updated) = match on_day_tx(tx, day)? {
                Some(mut c) => {
                    c.at = at.clone();
                    c.saves = c.saves.saturating_add(1);
                    (c, true)
                }
                None => (
                    CheckIn {
                        id: RecordId::random()?,
                        day,
                        first_at: at.clone(),
                        at: at.clone(),
                        mood: None,
                        stress: None,
                        loneliness: None,
                        sleep: None,
                        note: None,
                        saves: 1,
                        risk: None,
                    },
                    false,
                ),
            };
            for (i, m) in Measure::ALL.iter().enumerate() {
                if scores[i].is_some() {
                    c.set(*m, scores[i]);
                }
            }
            if let Some(n) = &note {
                let joined = match c.note.take() {
                    Some(old) => format!("{old}\n\n{n}"),
                    None => n.clone(),
                };
                if joined.chars().count() > NOTE_MAX_CHARS {
                    return Err(Error::invalid(
                        "words",
                        format!("today's words would pass the limit of {NOTE_MAX_CHARS} characters"),
                    ));
                }
                c.note = Some(joined);
            }
            tx.put(&c)?;
            Ok(CheckInSaved { check_in: crate::safety::flags::with_risk(c), updated })
        })
    }

    /// The check-in of one local day, if any.
    pub fn check_in_on(&self, day: NaiveDate) -> Result<Option<CheckIn>> {
        let l = self.check_ins(day, day, true)?;
        if let Some(u) = l.unreadable.first() {
            return Err(u.to_error());
        }
        Ok(l.check_ins.into_iter().next_back())
    }

    /// One check-in by id.
    pub fn check_in_by_id(&self, id: RecordId) -> Result<CheckIn> {
        self.get(id)
    }

    /// Correct a check-in. An edit that changes nothing is an error.
    pub fn edit_check_in(&self, id: RecordId, edit: CheckInEdit) -> Result<CheckIn> {
        let sets = [edit.mood, edit.stress, edit.loneliness, edit.sleep];
        if sets.iter().all(Option::is_none) && edit.note.is_none() && edit.clear.is_empty() {
            return Err(Error::invalid("edit", "nothing to change"));
        }
        let mut scores = [None; 4];
        for (i, m) in Measure::ALL.iter().enumerate() {
            scores[i] = rating(*m, sets[i])?;
            let field = [CheckInField::Mood, CheckInField::Stress, CheckInField::Loneliness, CheckInField::Sleep][i];
            if scores[i].is_some() && edit.clear.contains(&field) {
                return Err(Error::invalid("edit", "a field cannot be both set and cleared"));
            }
        }
        if edit.note.is_some() && edit.clear.contains(&CheckInField::Note) {
            return Err(Error::invalid("edit", "a field cannot be both set and cleared"));
        }
        let note = text::note("words", edit.note.as_deref(), NOTE_MAX_CHARS)?;
        let at = LocalStamp::at(self.clock().now(), &self.clock().zone());
        self.write(|tx| {
            let mut c: CheckIn = tx.get(id)?;
            for (i, m) in Measure::ALL.iter().enumerate() {
                if scores[i].is_some() {
                    c.set(*m, scores[i]);
                }
            }
            if edit.note.is_some() {
                c.note = note.clone();
            }
            for f in &edit.clear {
                match f {
                    CheckInField::Mood => c.mood = None,
                    CheckInField::Stress => c.stress = None,
                    CheckInField::Loneliness => c.loneliness = None,
                    CheckInField::Sleep => c.sleep = None,
                    CheckInField::Note => c.note = None,
                }
            }
            if Measure::ALL.iter().all(|m| c.score(*m).is_none()) && c.note.is_none() {
                return Err(Error::invalid("check-in", "would be left empty; delete it instead"));
            }
            c.at = at.clone();
            tx.put(&c)?;
            Ok(crate::safety::flags::with_risk(c))
        })
    }

    /// Delete a check-in.
    pub fn delete_check_in(&self, id: RecordId) -> Result<()> {
        self.write(|tx| {
            if tx.delete(RecordKind::CheckIn, id)? {
                Ok(())
            } else {
                Err(Error::NotFound { kind: RecordKind::CheckIn, id })
            }
        })
    }

    /// Check-ins for the local days `from..=to`, oldest day first. Without `with_words` the
    /// words are not decrypted (`note` is `None`).
    pub fn check_ins(&self, from: NaiveDate, to: NaiveDate, with_words: bool) -> Result<CheckInListing> {
        if to < from {
            return Err(Error::invalid("date range", "the end comes before the start"));
        }
        let columns = if with_words { Columns::HeadAndBody } else { Columns::HeadOnly };
        let listing = self.list::<CheckIn>(Scope::Months(Month::of(from), Month::of(to)), columns)?;
        let mut out = CheckInListing {
            check_ins: listing.records.into_iter().filter(|c| c.day >= from && c.day <= to).collect(),
            unreadable: listing.unreadable,
        };
        out.check_ins.sort_by_key(|c| (c.day, c.at.utc_ms));
        // One per day: keep the one saved last.
        out.check_ins.dedup_by(|later, earlier| {
            if later.day == earlier.day {
                std::mem::swap(later, earlier);
                true
            } else {
                false
            }
        });
        Ok(out)
    }

    /// Ratings of the check-ins in `range` (the whole history when `None`), one per day (the
    /// one saved last), oldest first. Words are not decrypted.
    pub(crate) fn check_in_facts(
        &self,
        range: Option<(NaiveDate, NaiveDate)>,
    ) -> Result<(Vec<CheckInFact>, Vec<Unreadable>)> {
        let scope = match range {
            Some((a, b)) => Scope::Months(Month::of(a), Month::of(b)),
            None => Scope::All,
        };
        let mut rows: Vec<(NaiveDate, i64, i64, [Option<u8>; 4])> = Vec::new();
        let bad = self.visit(RecordKind::CheckIn, scope, false, |_, head, _| {
            let h = stored::decode_facts(head)?;
            if range.is_none_or(|(a, b)| h.day >= a && h.day <= b) {
                rows.push((h.day, h.at_ms, h.first_ms, h.scores));
            }
            Ok(())
        })?;
        rows.sort_by_key(|r| (r.0, r.1));
        let mut out: Vec<CheckInFact> = Vec::with_capacity(rows.len());
        for (day, _, first_ms, scores) in rows {
            match out.last_mut() {
                Some(last) if last.day == day => {
                    last.scores = scores;
                    last.first_ms = last.first_ms.min(first_ms);
                }
                _ => out.push(CheckInFact { day, first_ms, scores }),
            }
        }
        Ok((out, bad))
    }
}
