//! Custom exercises and completed exercise sessions: adding, listing and removing them
//! (how they are stored: [`super::stored`]).

use std::fmt;

use super::definition::{check_key, ExerciseDef, Origin};
use super::library;
use super::run::{ExerciseRun, MAX_DISTRESS};
use super::timeline::Adjust;
use crate::error::{Error, Result};
use crate::id::RecordId;
use crate::store::{Columns, RecordKind, Scope, Store, Unreadable};
use crate::text;
use crate::time::{LocalStamp, Month};
use chrono::NaiveDate;

/// A custom exercise as stored.
#[derive(Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct CustomExercise {
    pub id: RecordId,
    pub def: ExerciseDef,
    pub added: LocalStamp,
    pub updated_utc_ms: Option<i64>,
}

impl fmt::Debug for CustomExercise {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CustomExercise({}, <redacted>)", self.id)
    }
}

/// A finished (or stopped) exercise session.
#[derive(Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ExerciseSession {
    pub id: RecordId,
    /// Which exercise (key), which version of it, and its title at the time.
    pub key: String,
    pub version: u32,
    pub title: String,
    pub adjust: Adjust,
    pub started: LocalStamp,
    pub ended: LocalStamp,
    /// Milliseconds of the exercise played (pauses excluded, skipped parts included).
    pub active_ms: u64,
    /// Its planned length.
    pub planned_ms: u64,
    /// Played to the end (`false`: stopped early, which is fine).
    pub completed: bool,
    pub skipped_steps: u32,
    /// Distress 0-10 before and after (SUDS), when the person gave them.
    pub distress_before: Option<u8>,
    pub distress_after: Option<u8>,
    pub note: Option<String>,
}

impl fmt::Debug for ExerciseSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ExerciseSession({}, <redacted>)", self.id)
    }
}

impl ExerciseSession {
    pub fn local_date(&self) -> NaiveDate {
        self.started.local_date()
    }

    /// Change in distress (after minus before), when both were given.
    pub fn distress_change(&self) -> Option<i16> {
        Some(i16::from(self.distress_after?) - i16::from(self.distress_before?))
    }
}

/// Sessions found, oldest first, and any that could not be opened.
#[derive(Debug, Default)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ExerciseSessionListing {
    pub sessions: Vec<ExerciseSession>,
    pub unreadable: Vec<Unreadable>,
}

/// Custom exercises found, and any that could not be opened.
#[derive(Debug, Default)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct CustomListing {
    pub exercises: Vec<CustomExercise>,
    pub unreadable: Vec<Unreadable>,
}

// ----- operations -----------------------------------------------------------------------

impl Store {
    /// Add a custom exercise (or, with `replace`, a new version of the one with the same key).
    /// The definition is checked in full; built-in keys are reserved.
    pub fn add_exercise(&self, mut def: ExerciseDef, replace: bool) -> Result<CustomExercise> {
        if def.origin == Origin::BuiltIn {
            def.origin = Origin::Mine;
        }
        def.validate()?;
        if library::alias(&def.key).is_some() {
            return Err(Error::invalid("key", "that name belongs to a built-in exercise; choose another"));
        }
        let now = self.clock().now();
        let stamp = LocalStamp::at(now, &self.clock().zone());
        let existing = self.custom_exercises()?;
        let same = existing.exercises.into_iter().find(|c| c.def.key == def.key);
        let record = match same {
            Some(_) if !replace => {
                return Err(Error::invalid("key", "you already have an exercise with that name; replace it or rename"))
            }
            Some(old) => {
                if old.def.blocks != def.blocks || old.def.title != def.title || old.def.summary != def.summary {
                    def.version = def.version.max(old.def.version.saturating_add(1));
                } else {
                    def.version = def.version.max(old.def.version);
                }
                CustomExercise { id: old.id, def, added: old.added, updated_utc_ms: Some(now.timestamp_millis()) }
            }
            None => CustomExercise { id: RecordId::random()?, def, added: stamp, updated_utc_ms: None },
        };
        self.write(|tx| tx.put(&record))?;
        Ok(record)
    }

    /// Every custom exercise, sorted by key.
    pub fn custom_exercises(&self) -> Result<CustomListing> {
        let listing = self.list::<CustomExercise>(Scope::Timeless, Columns::HeadAndBody)?;
        let mut out = CustomListing { exercises: listing.records, unreadable: listing.unreadable };
        out.exercises.sort_by(|a, b| a.def.key.cmp(&b.def.key));
        Ok(out)
    }

    /// Remove a custom exercise by key. Sessions done with it stay in the history.
    pub fn remove_exercise(&self, key: &str) -> Result<()> {
        check_key(key)?;
        if library::alias(key).is_some() {
            return Err(Error::invalid("key", "built-in exercises cannot be removed"));
        }
        let found = self.custom_exercises()?.exercises.into_iter().find(|c| c.def.key == key);
        let Some(c) = found else {
            return Err(Error::invalid("key", "there is no custom exercise with that name"));
        };
        self.write(|tx| tx.delete(RecordKind::CustomExercise, c.id).map(|_| ()))
    }

    /// The exercise a person asked for: a built-in key or alias, or a custom exercise's key.
    pub fn find_exercise(&self, name: &str) -> Result<ExerciseDef> {
        let n = text::fold(name).replace(' ', "-");
        if let Some(d) = library::builtin(&n) {
            return Ok(d);
        }
        let listing = self.custom_exercises()?;
        match listing.exercises.into_iter().find(|c| c.def.key == n) {
            Some(c) => Ok(c.def),
            None => match listing.unreadable.first() {
                // It may be the one that does not open: say so rather than "not found".
                Some(u) => Err(u.to_error()),
                None => Err(Error::invalid("exercise", "no exercise has that name; list them with `exercises`")),
            },
        }
    }

    /// Every exercise: built-ins first, then custom ones.
    pub fn exercises(&self) -> Result<(Vec<ExerciseDef>, Vec<Unreadable>)> {
        let mut all = library::builtins();
        let custom = self.custom_exercises()?;
        all.extend(custom.exercises.into_iter().map(|c| c.def));
        Ok((all, custom.unreadable))
    }

    /// Store a finished (or stopped) exercise with the distress rating after it. Durable when
    /// this returns. `now` comes from the store's clock.
    pub fn save_exercise(
        &self,
        run: &ExerciseRun,
        distress_after: Option<u8>,
        note: Option<&str>,
    ) -> Result<ExerciseSession> {
        let now = self.clock().now();
        let zone = self.clock().zone();
        let distress_after = distress_after.map(|d| text::rating("distress after", d, MAX_DISTRESS)).transpose()?;
        let note = text::note("note", note, text::NOTE_MAX_CHARS)?;
        let now_ms = now.timestamp_millis();
        let pos = run.position(now_ms);
        let started_at = chrono::DateTime::from_timestamp_millis(run.started_utc_ms)
            .ok_or_else(|| Error::invalid("start", "out of range"))?;
        let s = ExerciseSession {
            id: RecordId::random()?,
            key: run.key.clone(),
            version: run.version,
            title: run.title.clone(),
            adjust: run.adjust,
            started: LocalStamp::at(started_at, &zone),
            ended: LocalStamp::at(now.max(started_at), &zone),
            active_ms: pos.elapsed_ms,
            planned_ms: pos.total_ms,
            completed: pos.finished,
            skipped_steps: run.skips,
            distress_before: run.distress_before,
            distress_after,
            note,
        };
        self.write(|tx| tx.put(&s))?;
        Ok(s)
    }

    /// One stored session.
    pub fn exercise_session(&self, id: RecordId) -> Result<ExerciseSession> {
        self.get(id)
    }

    /// Sessions begun on local days `from..=to` (either end open), oldest first.
    pub fn exercise_sessions(&self, from: Option<NaiveDate>, to: Option<NaiveDate>) -> Result<ExerciseSessionListing> {
        let scope = match (from, to) {
            (Some(a), Some(b)) if b < a => {
                return Err(Error::invalid("date range", "the end comes before the start"));
            }
            (Some(a), Some(b)) => Scope::Months(Month::of(a), Month::of(b)),
            _ => Scope::All,
        };
        let listing = self.list::<ExerciseSession>(scope, Columns::HeadAndBody)?;
        let in_range = |d: NaiveDate| !(from.is_some_and(|a| d < a) || to.is_some_and(|b| d > b));
        let mut out = ExerciseSessionListing {
            sessions: listing.records.into_iter().filter(|s| in_range(s.local_date())).collect(),
            unreadable: listing.unreadable,
        };
        out.sessions.sort_by_key(|s| s.started.utc_ms);
        Ok(out)
    }

    /// Delete a stored session (removed from the file).
    pub fn delete_exercise_session(&self, id: RecordId) -> Result<()> {
        self.write(|tx| {
            if tx.delete(RecordKind::ExerciseSession, id)? {
                Ok(())
            } else {
                Err(Error::NotFound { kind: RecordKind::ExerciseSession, id })
            }
        })
    }
}
