//! Surf the urge: start with a rating, watch the timer and the wave, answer the prompts, end
//! with how it went. The session is stored at every change, so a killed app picks it up
//! where it was (Home shows it); notifications carry the prompts while the app is away.

use super::app::{Cx, Effect, Nav, Reaction};
use super::common::{
    clock_duration, intensity_scale, spoken_duration, ChartPoint, ChartStyle, Notice, ScaleChoice, Series,
};
use super::next_steps::{self, NextStepAction, NextStepCard};
use crate::error::Result;
use crate::id::RecordId;
use crate::notify::NotificationPlan;
use crate::surf::{SurfEnd, SurfOutcome, SurfSession, SurfStart, SurfState};

/// Where the screen is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum SurfStage {
    /// Not started: how strong is it?
    Start,
    /// Running, paused or time up.
    Live,
    /// Ended: what the wave did.
    Ended,
}

/// A way to end the session.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct EndingChoice {
    pub outcome: SurfOutcome,
    pub label: String,
}

/// Surf the urge.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SurfView {
    pub stage: SurfStage,
    /// The rating question (to start, or the prompt that is due).
    pub question: String,
    pub scale: Vec<ScaleChoice>,
    /// A rating is asked for now (a prompt is due): show the scale prominently.
    pub prompt_due: bool,
    /// What to do with attention at this point of the wave.
    pub guidance: String,
    pub elapsed: String,
    pub length: String,
    /// Timer progress 0..1.
    pub progress: f32,
    pub state_text: String,
    pub can_pause: bool,
    pub can_resume: bool,
    pub pause_label: String,
    pub resume_label: String,
    pub wave: Series,
    pub end_question: String,
    pub endings: Vec<EndingChoice>,
    /// After the end: what the wave did.
    pub summary: Vec<String>,
    /// After the end, the next steps as the safety module decides them ("acted": the slip
    /// and its chain analysis; "still strong": the plan, a person, crisis lines), and the
    /// words before them.
    pub next_message: String,
    pub next_steps: Vec<NextStepCard>,
    pub done_label: String,
}

/// What the person does while surfing.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum SurfAction {
    Start {
        intensity: u8,
    },
    Rate {
        intensity: u8,
    },
    Pause,
    Resume,
    End {
        outcome: SurfOutcome,
    },
    /// A next step's button, after the end.
    Next {
        action: NextStepAction,
    },
    Done,
}

/// Refresh while running: the timer shows seconds.
const REFRESH_MS: u32 = 1000;

pub(crate) struct SurfScreen {
    session: Option<SurfSession>,
}

impl SurfScreen {
    /// The surf screen: the session under way, if any, else a new one to start.
    pub fn open(cx: &Cx<'_>) -> SurfScreen {
        SurfScreen { session: cx.store.active_surf().ok().flatten() }
    }

    /// Surf an urge just logged (the same entry: one urge, its wave recorded on it).
    pub fn for_urge(cx: &Cx<'_>, urge: RecordId) -> Result<SurfScreen> {
        if let Some(open) = cx.store.active_surf()? {
            return Ok(SurfScreen { session: Some(open) });
        }
        let intensity = cx.store.urge(urge)?.intensity;
        let s =
            cx.store.start_surf(SurfStart { urge: Some(urge), intensity: Some(intensity), ..SurfStart::default() })?;
        Ok(SurfScreen { session: Some(s) })
    }

    /// What to schedule for the session on this screen (after starting it elsewhere).
    pub fn notifications(&self, cx: &Cx<'_>) -> Result<Option<NotificationPlan>> {
        self.session.as_ref().map(|s| notifications(cx, s)).transpose()
    }

    pub fn view(&self, cx: &Cx<'_>) -> Result<(SurfView, Option<u32>)> {
        let now = cx.now().timestamp_millis();
        let Some(s) = &self.session else { return Ok((start_view(), None)) };
        let st = s.status(now);
        let ended = st.state == SurfState::Ended;
        let next = if ended { Some(cx.store.after_surf(s.id)?) } else { None };
        let view = SurfView {
            stage: if ended { SurfStage::Ended } else { SurfStage::Live },
            question: if st.pending_prompt.is_some() {
                "How strong is the urge now?".into()
            } else {
                "Rate it any time".into()
            },
            scale: intensity_scale(s.points.iter().rev().find_map(|p| p.intensity)),
            prompt_due: st.pending_prompt.is_some() && !ended,
            guidance: guidance(st.state, st.active_ms),
            elapsed: clock_duration(st.active_ms.min(st.length_ms)),
            length: clock_duration(st.length_ms),
            progress: st.progress,
            state_text: match st.state {
                SurfState::Running => "Surfing".into(),
                SurfState::Paused => "Paused".into(),
                SurfState::TimeUp => "The timer has finished".into(),
                SurfState::Ended => "Finished".into(),
            },
            can_pause: st.state == SurfState::Running,
            can_resume: st.state == SurfState::Paused,
            pause_label: "Pause".into(),
            resume_label: "Resume".into(),
            wave: wave(s),
            end_question: "How did it go?".into(),
            endings: if ended { Vec::new() } else { endings() },
            summary: if ended { summary(s) } else { Vec::new() },
            next_message: next.as_ref().map(|n| n.message.clone()).unwrap_or_default(),
            next_steps: next.as_ref().map(next_steps::cards).unwrap_or_default(),
            done_label: "Done".into(),
        };
        let refresh = (st.state == SurfState::Running).then_some(REFRESH_MS);
        Ok((view, refresh))
    }

    pub fn act(&mut self, cx: &mut Cx<'_>, action: SurfAction) -> Result<Reaction> {
        let session = match (&self.session, action) {
            (None, SurfAction::Start { intensity }) => {
                cx.store.start_surf(SurfStart { intensity: Some(intensity), ..SurfStart::default() })?
            }
            (None, SurfAction::Done) | (Some(_), SurfAction::Done) => return Ok(Reaction::nav(Nav::Pop)),
            (None, _) => return Err(super::app::not_now()),
            (Some(s), SurfAction::Start { .. }) => s.clone(),
            (Some(s), SurfAction::Rate { intensity }) => cx.store.surf_checkin(s.id, intensity, None)?,
            (Some(s), SurfAction::Pause) => cx.store.pause_surf(s.id)?,
            (Some(s), SurfAction::Resume) => cx.store.resume_surf(s.id)?,
            (Some(s), SurfAction::End { outcome }) => {
                cx.store.end_surf(s.id, SurfEnd { outcome, intensity: None, note: None, strategies: Vec::new() })?
            }
            (Some(s), SurfAction::Next { action }) => {
                let urge = match s.urge {
                    Some(id) => Some(cx.store.urge(id)?),
                    None => None,
                };
                let text = urge.as_ref().map(|u| u.triggers.join(", ")).unwrap_or_default();
                let peak = s.summary().peak.unwrap_or_else(|| cx.store.high_mark());
                return next_steps::act(cx, s.urge, action, (&text, peak));
            }
        };
        let plan = notifications(cx, &session)?;
        let notice = match session.ending.and_then(|e| e.outcome) {
            Some(o) if o.passed_without_acting() => Some(Notice::saved("Saved. You rode it out.")),
            Some(_) => Some(Notice::saved("Saved.")),
            None => None,
        };
        self.session = Some(session);
        let mut r = Reaction::effect(Effect::Notifications { plan });
        r.notice = notice;
        Ok(r)
    }
}

fn start_view() -> SurfView {
    SurfView {
        stage: SurfStage::Start,
        question: "How strong is the urge right now?".into(),
        scale: intensity_scale(None),
        prompt_due: true,
        guidance: "An urge is a wave: it rises, peaks and passes. For the next 20 minutes, watch it without acting on it. You will be asked how strong it is every few minutes.".into(),
        elapsed: clock_duration(0),
        length: clock_duration(u64::from(crate::surf::DEFAULT_LENGTH_SECS) * 1000),
        progress: 0.0,
        state_text: "Ready".into(),
        can_pause: false,
        can_resume: false,
        pause_label: "Pause".into(),
        resume_label: "Resume".into(),
        wave: Series {
            title: "The wave".into(),
            style: ChartStyle::Line,
            x_title: "minutes".into(),
            y_title: "intensity".into(),
            y_max: 10.0,
            points: Vec::new(),
            summary: "No ratings yet.".into(),
        },
        end_question: String::new(),
        endings: Vec::new(),
        summary: Vec::new(),
        next_message: String::new(),
        next_steps: Vec::new(),
        done_label: "Not now".into(),
    }
}

fn endings() -> Vec<EndingChoice> {
    [SurfOutcome::Passed, SurfOutcome::UsedPlan, SurfOutcome::StillStrong, SurfOutcome::Acted]
        .into_iter()
        .map(|outcome| EndingChoice {
            outcome,
            label: match outcome {
                SurfOutcome::Passed => "The wave passed".into(),
                SurfOutcome::UsedPlan => "I used my plan".into(),
                SurfOutcome::StillStrong => "It is still strong".into(),
                SurfOutcome::Acted => "I acted on it".into(),
            },
        })
        .collect()
}

/// Marlatt's SOBER, paced over the session: stop, observe, breathe, expand, respond.
fn guidance(state: SurfState, active_ms: u64) -> String {
    let minute = active_ms / 60_000;
    match state {
        SurfState::Paused => "Paused. Come back to it when you can; the wave is still worth watching.".into(),
        SurfState::TimeUp => "The timer has finished. Notice how strong it is now, and how it changed.".into(),
        SurfState::Ended => "Well done for staying with it.".into(),
        SurfState::Running => match minute {
            0..=1 => "Stop. You don't have to do anything with this urge. Just notice it is here.",
            2..=4 => "Observe: where do you feel it in your body? Tight, warm, restless? Describe it to yourself.",
            5..=8 => "Breathe slowly: in through your nose, and out a little longer than in.",
            9..=14 => "Expand: notice the sounds around you, your feet on the floor. The urge is one part of this moment, not all of it.",
            _ => "Respond: when you are ready, choose what you do next, the way the person you want to be would.",
        }
        .into(),
    }
}

/// The wave as a chart: minutes on x, intensity on y; a missed prompt breaks the line.
fn wave(s: &SurfSession) -> Series {
    let points: Vec<ChartPoint> = s
        .points
        .iter()
        .map(|p| ChartPoint {
            x: p.active_ms as f64 / 60_000.0,
            y: p.intensity.map(f64::from),
            label: format!("{}", p.active_ms / 60_000),
        })
        .collect();
    let rated: Vec<u8> = s.points.iter().filter_map(|p| p.intensity).collect();
    let summary = match (rated.first(), rated.last()) {
        (Some(first), Some(last)) if rated.len() > 1 => {
            format!("{} ratings: from {first} to {last}, highest {}.", rated.len(), rated.iter().max().unwrap_or(first))
        }
        (Some(first), _) => format!("One rating so far: {first}."),
        _ => "No ratings yet.".into(),
    };
    Series {
        title: "The wave".into(),
        style: ChartStyle::Line,
        x_title: "minutes".into(),
        y_title: "intensity".into(),
        y_max: 10.0,
        points,
        summary,
    }
}

fn summary(s: &SurfSession) -> Vec<String> {
    let w = s.summary();
    let mut lines = Vec::new();
    if let Some(peak) = w.peak {
        let at = w.time_to_peak_ms.map(|ms| spoken_duration((ms / 1000) as i64)).unwrap_or_default();
        lines.push(format!("It peaked at {peak} after {at}."));
    }
    if let Some(ms) = w.peak_to_half_ms {
        lines.push(format!("From the peak it took {} to come down by half.", spoken_duration((ms / 1000) as i64)));
    }
    if let (Some(first), Some(last)) = (w.first, w.last) {
        if last < first {
            lines.push(format!("It went from {first} to {last} while you watched it."));
        }
    }
    match w.passed_without_acting {
        Some(true) => lines.push("It passed without acting on it.".into()),
        Some(false) => {}
        None => lines.push("It may still be there. Your plan can help with the next part.".into()),
    }
    lines
}

/// What to schedule for a session: its prompts while running (neutral words in discreet
/// mode), nothing once it is paused or over, and nothing when the person turned surf
/// notifications off.
fn notifications(cx: &Cx<'_>, s: &SurfSession) -> Result<NotificationPlan> {
    let mut plan = s.notification_plan(cx.now().timestamp_millis(), cx.wording()?);
    if !cx.settings.reminders.surf_prompts {
        plan.upcoming.clear();
        plan.next = None;
    }
    Ok(plan)
}

/// The notifications of the session under way, if any (after the journal opens).
pub(crate) fn active_notifications(cx: &Cx<'_>) -> Result<Option<NotificationPlan>> {
    cx.store.active_surf()?.map(|s| notifications(cx, &s)).transpose()
}
