//! Guided exercises: the library (built-in and custom), a live run with its step, breathing
//! phase and progress for every animation frame, and the sessions done.
//!
//! [`ExerciseRunner`] lives in memory and does no I/O: `position()` is cheap enough for every
//! frame (a few microseconds through the FFI). Saving a finished run, and the library and
//! history calls, do disk I/O: call them off the main thread.

use std::sync::{Arc, Mutex, MutexGuard};

use chrono::NaiveDate;
use companion_core::exercise::{
    Adjust, CustomExercise, CustomListing, ExerciseDef, ExerciseRun, ExerciseSession, ExerciseSessionListing, Origin,
    Position, Step,
};
use companion_core::store::Unreadable;
use companion_core::Clock;

use crate::clock::DeviceClock;
use crate::companion::CompanionCore;
use crate::error::Result;
use crate::urges::parse_id;

/// Every exercise (built-ins first, then custom ones), plus custom ones that could not be
/// opened.
#[derive(Debug, uniffi::Record)]
pub struct ExerciseLibrary {
    pub exercises: Vec<ExerciseDef>,
    pub unreadable: Vec<Unreadable>,
}

/// One exercise being done now. Thread-safe; every method answers for the device's "now".
#[derive(uniffi::Object)]
pub struct ExerciseRunner {
    run: Mutex<ExerciseRun>,
    clock: Arc<DeviceClock>,
}

impl std::fmt::Debug for ExerciseRunner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ExerciseRunner({:?})", *self.lock())
    }
}

impl ExerciseRunner {
    fn lock(&self) -> MutexGuard<'_, ExerciseRun> {
        self.run.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn now(&self) -> i64 {
        self.clock.now().timestamp_millis()
    }
}

#[uniffi::export]
impl ExerciseRunner {
    /// Where the exercise is now: step, breathing phase, progress through the step (0..1),
    /// time to the next boundary, overall progress, and whether it has finished.
    pub fn position(&self) -> Position {
        let now = self.now();
        self.lock().position(now)
    }

    /// The words of the step the exercise is at now.
    pub fn current_text(&self) -> String {
        let now = self.now();
        let run = self.lock();
        let p = run.position(now);
        run.timeline().text(&p).to_string()
    }

    /// Every step (repeats not unrolled; `Position.step` indexes this list).
    pub fn steps(&self) -> Vec<Step> {
        self.lock().timeline().steps().to_vec()
    }

    /// The active millisecond at which each step instance begins (repeats unrolled), for an
    /// animation or a preview that wants the whole timeline up front. Allocates: not for
    /// every frame.
    pub fn boundaries_ms(&self) -> Vec<u64> {
        self.lock().timeline().boundaries_ms()
    }

    /// The exercise's title and key.
    pub fn title(&self) -> String {
        self.lock().title().to_string()
    }

    pub fn key(&self) -> String {
        self.lock().key().to_string()
    }

    /// Pause (no effect when already paused).
    pub fn pause(&self) {
        let now = self.now();
        self.lock().pause(now)
    }

    /// Resume after a pause (no effect when running).
    pub fn resume(&self) {
        let now = self.now();
        self.lock().resume(now)
    }

    pub fn is_paused(&self) -> bool {
        self.lock().is_paused()
    }

    /// Jump to the start of the next step. `NotAllowed` once the exercise has finished.
    pub fn skip(&self) -> Result<Position> {
        let now = self.now();
        Ok(self.lock().skip(now)?)
    }
}

#[uniffi::export]
impl CompanionCore {
    /// Every exercise: built-ins first, then custom ones.
    pub fn exercises(&self) -> Result<ExerciseLibrary> {
        let (exercises, unreadable) = self.store()?.exercises()?;
        Ok(ExerciseLibrary { exercises, unreadable })
    }

    /// The exercise a person asked for: a built-in key or alias ("box", "4-7-8", "grounding"),
    /// or a custom exercise's key. `InvalidInput` on "exercise" when none has that name.
    pub fn find_exercise(&self, name: String) -> Result<ExerciseDef> {
        Ok(self.store()?.find_exercise(&name)?)
    }

    /// Add a custom exercise (or, with `replace`, a new version of the one with the same key).
    /// A bad definition (no steps, a zero duration, too many steps, a reserved key...) is
    /// `InvalidInput` naming what is wrong.
    pub fn add_exercise(&self, def: ExerciseDef, replace: bool) -> Result<CustomExercise> {
        Ok(self.store()?.add_exercise(def, replace)?)
    }

    /// Custom exercises, sorted by key.
    pub fn custom_exercises(&self) -> Result<CustomListing> {
        Ok(self.store()?.custom_exercises()?)
    }

    /// Remove a custom exercise by key; sessions done with it stay in the history.
    pub fn remove_exercise(&self, key: String) -> Result<()> {
        Ok(self.store()?.remove_exercise(&key)?)
    }

    /// Start exercise `name` now, with the person's adjustments (rounds, minutes, breathing
    /// pace) and optional distress rating before (0-10). Reads the library (I/O); the runner
    /// itself does none.
    pub fn start_exercise(
        &self,
        name: String,
        adjust: Adjust,
        distress_before: Option<u8>,
    ) -> Result<Arc<ExerciseRunner>> {
        let def = self.store()?.find_exercise(&name)?;
        let clock = self.clock_arc();
        let run = ExerciseRun::start(&def, adjust, clock.now().timestamp_millis(), distress_before)?;
        Ok(Arc::new(ExerciseRunner { run: Mutex::new(run), clock }))
    }

    /// Store a finished (or stopped early, which is fine) run with the distress rating after
    /// it. Durable when this returns.
    pub fn save_exercise(
        &self,
        runner: Arc<ExerciseRunner>,
        distress_after: Option<u8>,
        note: Option<String>,
    ) -> Result<ExerciseSession> {
        let run = runner.lock().clone();
        Ok(self.store()?.save_exercise(&run, distress_after, note.as_deref())?)
    }

    /// One saved session.
    pub fn exercise_session(&self, id: String) -> Result<ExerciseSession> {
        Ok(self.store()?.exercise_session(parse_id(&id)?)?)
    }

    /// Sessions begun on local days `from..=to` (either end open), oldest first.
    pub fn exercise_sessions(&self, from: Option<NaiveDate>, to: Option<NaiveDate>) -> Result<ExerciseSessionListing> {
        Ok(self.store()?.exercise_sessions(from, to)?)
    }

    /// Delete a saved session.
    pub fn delete_exercise_session(&self, id: String) -> Result<()> {
        Ok(self.store()?.delete_exercise_session(parse_id(&id)?)?)
    }
}

/// Read a custom exercise written as JSON, by the client (`Origin::Mine`) or shared by their
/// clinician (`Origin::Clinician`). No I/O; add it with `add_exercise`. A bad definition is
/// `InvalidInput` naming the field.
#[uniffi::export]
pub fn exercise_from_json(json: String, origin: Origin) -> Result<ExerciseDef> {
    Ok(ExerciseDef::from_json(&json, origin)?)
}

/// An exercise as JSON, to share. No I/O.
#[uniffi::export]
pub fn exercise_to_json(def: ExerciseDef) -> String {
    def.to_json().to_string()
}
