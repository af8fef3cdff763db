//! Stored exercise records: custom exercises (`RecordKind::CustomExercise`, timeless) and
//! completed sessions (`RecordKind::ExerciseSession`, dated by the local month they began).

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::definition::{check_key, Category, ExerciseDef, Origin};
use super::library;
use super::run::{ExerciseRun, MAX_DISTRESS};
use super::timeline::Adjust;
use crate::error::{Error, IntegrityProblem, Result};
use crate::id::RecordId;
use crate::store::{codec, Opened, Period, RecordKind, Scope, Store, Unreadable};
use crate::text;
use crate::time::{LocalStamp, Month};

const CUSTOM_HEAD_V1: u8 = 1;
const CUSTOM_BODY_V1: u8 = 1;
const SESSION_HEAD_V1: u8 = 1;
const SESSION_BODY_V1: u8 = 1;

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
pub struct ExerciseSessionListing {
    pub sessions: Vec<ExerciseSession>,
    pub unreadable: Vec<Unreadable>,
}

/// Custom exercises found, and any that could not be opened.
#[derive(Debug, Default)]
pub struct CustomListing {
    pub exercises: Vec<CustomExercise>,
    pub unreadable: Vec<Unreadable>,
}

// ----- payloads -------------------------------------------------------------------------

#[derive(Serialize, Deserialize)]
struct CustomHeadV1 {
    key: String,
    version: u32,
    category: Category,
    origin: Origin,
    added: LocalStamp,
    updated_utc_ms: Option<i64>,
}

#[derive(Serialize, Deserialize)]
struct SessionHeadV1 {
    key: String,
    version: u32,
    adjust: Adjust,
    started: LocalStamp,
    ended: LocalStamp,
    active_ms: u64,
    planned_ms: u64,
    completed: bool,
    skipped_steps: u32,
    distress_before: Option<u8>,
    distress_after: Option<u8>,
}

#[derive(Serialize, Deserialize)]
struct SessionBodyV1 {
    title: String,
    note: Option<String>,
}

fn decode_custom(o: &Opened) -> std::result::Result<CustomExercise, IntegrityProblem> {
    let h: CustomHeadV1 = codec::decode(&o.head, CUSTOM_HEAD_V1)?;
    let body = o.body.as_ref().ok_or(IntegrityProblem::Undecodable)?;
    let def: ExerciseDef = codec::decode(body, CUSTOM_BODY_V1)?;
    if def.key != h.key {
        return Err(IntegrityProblem::Undecodable);
    }
    Ok(CustomExercise { id: o.id, def, added: h.added, updated_utc_ms: h.updated_utc_ms })
}

fn decode_session(o: &Opened) -> std::result::Result<ExerciseSession, IntegrityProblem> {
    let h: SessionHeadV1 = codec::decode(&o.head, SESSION_HEAD_V1)?;
    let b: SessionBodyV1 = match &o.body {
        Some(b) => codec::decode(b, SESSION_BODY_V1)?,
        None => SessionBodyV1 { title: String::new(), note: None },
    };
    Ok(ExerciseSession {
        id: o.id,
        key: h.key,
        version: h.version,
        title: b.title,
        adjust: h.adjust,
        started: h.started,
        ended: h.ended,
        active_ms: h.active_ms,
        planned_ms: h.planned_ms,
        completed: h.completed,
        skipped_steps: h.skipped_steps,
        distress_before: h.distress_before,
        distress_after: h.distress_after,
        note: b.note,
    })
}

fn integrity(kind: RecordKind, id: RecordId) -> impl FnOnce(IntegrityProblem) -> Error {
    move |problem| Error::Integrity { kind, id, problem }
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
        let head = codec::encode(
            CUSTOM_HEAD_V1,
            &CustomHeadV1 {
                key: record.def.key.clone(),
                version: record.def.version,
                category: record.def.category,
                origin: record.def.origin,
                added: record.added.clone(),
                updated_utc_ms: record.updated_utc_ms,
            },
        )?;
        let body = codec::encode(CUSTOM_BODY_V1, &record.def)?;
        self.write(|tx| tx.put(RecordKind::CustomExercise, record.id, Period::Timeless, &head, Some(&body)))?;
        Ok(record)
    }

    /// Every custom exercise, sorted by key.
    pub fn custom_exercises(&self) -> Result<CustomListing> {
        let listing = self.list(RecordKind::CustomExercise, Scope::Timeless, true)?;
        let mut out = CustomListing { exercises: Vec::new(), unreadable: listing.unreadable };
        for o in &listing.records {
            match decode_custom(o) {
                Ok(c) => out.exercises.push(c),
                Err(problem) => out.unreadable.push(Unreadable { kind: RecordKind::CustomExercise, id: o.id, problem }),
            }
        }
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
        let head = codec::encode(
            SESSION_HEAD_V1,
            &SessionHeadV1 {
                key: s.key.clone(),
                version: s.version,
                adjust: s.adjust,
                started: s.started.clone(),
                ended: s.ended.clone(),
                active_ms: s.active_ms,
                planned_ms: s.planned_ms,
                completed: s.completed,
                skipped_steps: s.skipped_steps,
                distress_before: s.distress_before,
                distress_after: s.distress_after,
            },
        )?;
        let body = codec::encode(SESSION_BODY_V1, &SessionBodyV1 { title: s.title.clone(), note: s.note.clone() })?;
        let period = Period::Month(Month::of(s.local_date()));
        self.write(|tx| tx.put(RecordKind::ExerciseSession, s.id, period, &head, Some(&body)))?;
        Ok(s)
    }

    /// One stored session.
    pub fn exercise_session(&self, id: RecordId) -> Result<ExerciseSession> {
        match self.get(RecordKind::ExerciseSession, id, true)? {
            None => Err(Error::NotFound { kind: RecordKind::ExerciseSession, id }),
            Some(o) => decode_session(&o).map_err(integrity(RecordKind::ExerciseSession, id)),
        }
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
        let listing = self.list(RecordKind::ExerciseSession, scope, true)?;
        let mut out = ExerciseSessionListing { sessions: Vec::new(), unreadable: listing.unreadable };
        for o in &listing.records {
            match decode_session(o) {
                Ok(s) => {
                    let d = s.local_date();
                    if from.is_some_and(|a| d < a) || to.is_some_and(|b| d > b) {
                        continue;
                    }
                    out.sessions.push(s)
                }
                Err(problem) => {
                    out.unreadable.push(Unreadable { kind: RecordKind::ExerciseSession, id: o.id, problem })
                }
            }
        }
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
