//! Exercises: the library, then the player (distress before, the steps with their breathing
//! phase and progress, distress after). The run lives in memory and does no I/O, so the
//! shell may ask for the view on every animation frame; the session is stored at the end.

use super::app::{Cx, Nav, Reaction};
use super::common::{clock_duration, scale, Notice, ScaleChoice};
use crate::error::Result;
use crate::exercise::{Adjust, Category, ExerciseDef, ExerciseRun, Phase};

/// Where the screen is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum ExercisesStage {
    Library,
    /// Before starting: how distressed (optional).
    Before,
    Playing,
    /// Finished or stopped: how distressed now (optional).
    After,
    /// Saved: what changed.
    Saved,
}

/// One exercise in the library.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ExerciseItem {
    pub key: String,
    pub title: String,
    pub summary: String,
    /// "4 min".
    pub length: String,
    pub group: String,
}

/// The player, for every frame.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct PlayerView {
    pub title: String,
    /// "Breathe in", "Hold"... (empty for steps without guided breathing).
    pub cue: String,
    pub phase: Phase,
    /// The words of the step.
    pub text: String,
    /// Progress through the step, 0..1.
    pub step_progress: f32,
    /// How full the breathing shape is, 0..1: it grows on the in-breath, stays full or empty
    /// while holding, shrinks on the out-breath, and rests half full.
    pub breath: f32,
    pub overall: f32,
    pub remaining: String,
    /// "Round 2 of 4", when the step repeats.
    pub round: Option<String>,
    pub paused: bool,
    pub finished: bool,
}

/// Exercises.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ExercisesView {
    pub stage: ExercisesStage,
    pub items: Vec<ExerciseItem>,
    pub question: String,
    pub scale: Vec<ScaleChoice>,
    pub skip_label: String,
    pub player: Option<PlayerView>,
    pub pause_label: String,
    pub resume_label: String,
    pub next_step_label: String,
    pub stop_label: String,
    /// After saving: what changed.
    pub result: Vec<String>,
    pub done_label: String,
}

/// What the person does.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum ExercisesAction {
    Choose {
        key: String,
    },
    /// Distress before (0-10), or `None` to skip the question; the exercise starts.
    Begin {
        distress: Option<u8>,
    },
    Pause,
    Resume,
    NextStep,
    /// Stop before the end (which is fine) or leave the finished player.
    Stop,
    /// Distress after, or `None`; the session is saved.
    Finish {
        distress: Option<u8>,
    },
    Done,
}

/// Frame interval while an exercise plays.
const FRAME_MS: u32 = 100;

#[derive(Default)]
pub(crate) struct ExercisesScreen {
    chosen: Option<ExerciseDef>,
    run: Option<ExerciseRun>,
    after: bool,
    result: Option<Vec<String>>,
}

fn distress_scale() -> Vec<ScaleChoice> {
    scale("calm", "the most distressed I can imagine", None)
}

fn group(c: Category) -> &'static str {
    match c {
        Category::Breathing => "Breathing",
        Category::Grounding => "Grounding",
        Category::Relaxation => "Relaxation",
        Category::Mindfulness => "Mindfulness",
        Category::Compassion => "Self-compassion",
    }
}

fn item(def: &ExerciseDef) -> Result<ExerciseItem> {
    let ms = def.timeline(&Adjust::default())?.total_ms();
    Ok(ExerciseItem {
        key: def.key.clone(),
        title: def.title.clone(),
        summary: def.summary.clone(),
        length: format!("{} min", ms.div_ceil(60_000).max(1)),
        group: group(def.category).into(),
    })
}

impl ExercisesScreen {
    fn stage(&self) -> ExercisesStage {
        match (&self.chosen, &self.run, self.after, &self.result) {
            (_, _, _, Some(_)) => ExercisesStage::Saved,
            (_, Some(_), true, _) => ExercisesStage::After,
            (_, Some(_), false, _) => ExercisesStage::Playing,
            (Some(_), None, _, _) => ExercisesStage::Before,
            (None, None, _, _) => ExercisesStage::Library,
        }
    }

    pub fn has_inner_back(&self) -> bool {
        self.stage() != ExercisesStage::Library
    }

    /// Back: from any step to the library (a run in progress is dropped, unsaved).
    pub fn back(&mut self) -> bool {
        if self.stage() == ExercisesStage::Library {
            return false;
        }
        *self = ExercisesScreen::default();
        true
    }

    pub fn view(&self, cx: &Cx<'_>) -> Result<(ExercisesView, Option<u32>)> {
        let now = cx.now().timestamp_millis();
        let stage = self.stage();
        let items = if stage == ExercisesStage::Library {
            cx.store.exercises()?.0.iter().map(item).collect::<Result<Vec<_>>>()?
        } else {
            Vec::new()
        };
        let player = self.run.as_ref().map(|r| player(r, now));
        let playing = stage == ExercisesStage::Playing && player.as_ref().is_some_and(|p| !p.paused && !p.finished);
        let view = ExercisesView {
            stage,
            items,
            question: match stage {
                ExercisesStage::After => "How distressed do you feel now, from 0 to 10?".into(),
                _ => "How distressed do you feel right now, from 0 to 10?".into(),
            },
            scale: distress_scale(),
            skip_label: "Skip".into(),
            player,
            pause_label: "Pause".into(),
            resume_label: "Resume".into(),
            next_step_label: "Next step".into(),
            stop_label: "Stop".into(),
            result: self.result.clone().unwrap_or_default(),
            done_label: "Done".into(),
        };
        Ok((view, playing.then_some(FRAME_MS)))
    }

    pub fn act(&mut self, cx: &mut Cx<'_>, action: ExercisesAction) -> Result<Reaction> {
        let now = cx.now().timestamp_millis();
        match (self.stage(), action) {
            (ExercisesStage::Library, ExercisesAction::Choose { key }) => {
                self.chosen = Some(cx.store.find_exercise(&key)?);
            }
            (ExercisesStage::Before, ExercisesAction::Begin { distress }) => {
                let def = self.chosen.as_ref().ok_or_else(super::app::not_now)?;
                self.run = Some(ExerciseRun::start(def, Adjust::default(), now, distress)?);
            }
            (ExercisesStage::Playing, ExercisesAction::Pause) => self.run_mut()?.pause(now),
            (ExercisesStage::Playing, ExercisesAction::Resume) => self.run_mut()?.resume(now),
            (ExercisesStage::Playing, ExercisesAction::NextStep) => {
                self.run_mut()?.skip(now)?;
            }
            (ExercisesStage::Playing, ExercisesAction::Stop) => {
                self.run_mut()?.pause(now);
                self.after = true;
            }
            (ExercisesStage::Playing | ExercisesStage::After, ExercisesAction::Finish { distress }) => {
                return self.finish(cx, distress);
            }
            (ExercisesStage::Saved, ExercisesAction::Done) | (ExercisesStage::Library, ExercisesAction::Done) => {
                return Ok(Reaction::nav(Nav::Pop));
            }
            _ => return Err(super::app::not_now()),
        }
        Ok(Reaction::default())
    }

    fn run_mut(&mut self) -> Result<&mut ExerciseRun> {
        self.run.as_mut().ok_or_else(super::app::not_now)
    }

    fn finish(&mut self, cx: &mut Cx<'_>, distress: Option<u8>) -> Result<Reaction> {
        let run = self.run.as_ref().ok_or_else(super::app::not_now)?;
        let saved = cx.store.save_exercise(run, distress, None)?;
        let mut result = Vec::new();
        match (saved.distress_before, saved.distress_after) {
            (Some(b), Some(a)) if a < b => result.push(format!("Your distress went from {b} to {a}.")),
            (Some(b), Some(a)) if a == b => result
                .push(format!("Your distress stayed at {a}. Some days it takes more than one try; that is normal.")),
            (Some(b), Some(a)) => result.push(format!(
                "Your distress went from {b} to {a}. If it keeps rising, your plan has people you can reach."
            )),
            _ => {}
        }
        result.push(if saved.completed {
            "You finished it.".into()
        } else {
            format!("You did {} of it, and that counts.", clock_duration(saved.active_ms))
        });
        self.result = Some(result);
        Ok(Reaction::notice(Notice::saved("Saved.")))
    }
}

fn player(run: &ExerciseRun, now: i64) -> PlayerView {
    let p = run.position(now);
    let steps = run.timeline().steps();
    let before = (p.step as usize).checked_sub(1).or(steps.len().checked_sub(1)).and_then(|i| steps.get(i));
    let breath = match p.phase {
        Phase::Inhale => p.progress,
        Phase::Exhale => 1.0 - p.progress,
        Phase::Hold => match before.map(|s| s.phase) {
            Some(Phase::Inhale) => 1.0,
            Some(Phase::Exhale) => 0.0,
            _ => 0.5,
        },
        Phase::Rest => 0.5,
    };
    PlayerView {
        breath,
        title: run.title().to_string(),
        cue: p.phase.cue().to_string(),
        phase: p.phase,
        text: run.timeline().text(&p).to_string(),
        step_progress: p.progress,
        overall: p.overall,
        remaining: clock_duration(p.total_ms.saturating_sub(p.elapsed_ms)),
        round: (p.rounds > 1).then(|| format!("Round {} of {}", p.round + 1, p.rounds)),
        paused: run.is_paused(),
        finished: p.finished,
    }
}
