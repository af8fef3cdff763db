//! Home: today at a glance, a surf under way, an analysis left unfinished, and the two
//! buttons that matter most at a hard moment: "Log an urge" and "Help now".

use super::app::{Cx, Nav, Reaction, Route, Screen};
use super::common::{long_day, plural};
use super::slip::SlipScreen;
use super::surf::SurfScreen;
use crate::error::Result;
use crate::surf::SurfState;
use crate::urge::Outcome;

/// A surf session still open.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SurfBanner {
    pub text: String,
    /// Timer progress 0..1.
    pub progress: f32,
    pub action_label: String,
}

/// A chain analysis waiting where it was left.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ResumeCard {
    pub slip_id: String,
    pub text: String,
    pub action_label: String,
}

/// An entry of the menu.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct MenuEntry {
    pub route: Route,
    pub label: String,
}

/// Home.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct HomeView {
    pub day: String,
    /// One line about today's entries.
    pub today: String,
    pub log_urge_label: String,
    pub help_now_label: String,
    pub surf: Option<SurfBanner>,
    pub unfinished: Vec<ResumeCard>,
    /// A gentle invitation to check in, while today has no check-in.
    pub check_in: Option<String>,
    /// The longer view of progress (never a count that a slip resets).
    pub progress: Vec<String>,
    pub menu: Vec<MenuEntry>,
}

/// What Home's own cards do (the menu uses `Event::Open`).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum HomeAction {
    ContinueSurf,
    ContinueAnalysis { slip_id: String },
}

const MENU: [(Route, &str); 10] = [
    (Route::Plan, "My plan"),
    (Route::Exercises, "Exercises"),
    (Route::CheckIn, "Check in"),
    (Route::Slip, "Record a slip"),
    (Route::Goals, "Goals"),
    (Route::Insights, "Insights"),
    (Route::Sharing, "Sharing"),
    (Route::Backup, "Backup"),
    (Route::Settings, "Settings"),
    (Route::Surf, "Surf an urge"),
];

pub(crate) fn view(cx: &Cx<'_>) -> Result<HomeView> {
    let today = cx.today();
    let surf = cx.store.active_surf()?.map(|s| {
        let st = s.status(cx.now().timestamp_millis());
        let text = match st.state {
            SurfState::Paused => "Your surf is paused.".to_string(),
            SurfState::TimeUp => "Your surf timer has finished. How did it go?".to_string(),
            _ => {
                format!("A surf is under way: {} of {} minutes.", st.active_ms / 60_000, st.length_ms.div_ceil(60_000))
            }
        };
        SurfBanner { text, progress: st.progress, action_label: "Continue".into() }
    });
    let unfinished = cx
        .store
        .unfinished_chain_analyses()?
        .slips
        .into_iter()
        .take(2)
        .map(|s| ResumeCard {
            slip_id: s.id.to_string(),
            text: format!(
                "You started looking at a slip from {}. It will wait here as long as you need.",
                super::common::relative_day(s.local_date(), today).to_lowercase()
            ),
            action_label: "Continue".into(),
        })
        .collect();
    let check_in =
        cx.store.check_in_on(today)?.is_none().then(|| "How is today going? A check-in takes a minute.".to_string());
    Ok(HomeView {
        day: long_day(today),
        today: today_line(cx)?,
        log_urge_label: "Log an urge".into(),
        help_now_label: "Help now".into(),
        surf,
        unfinished,
        check_in,
        progress: progress_lines(cx, false)?,
        menu: MENU.iter().map(|(route, label)| MenuEntry { route: *route, label: label.to_string() }).collect(),
    })
}

fn today_line(cx: &Cx<'_>) -> Result<String> {
    let urges = cx.store.urges_on(cx.today(), false)?.urges;
    if urges.is_empty() {
        return Ok("Nothing logged yet today.".into());
    }
    let ridden = urges.iter().filter(|u| matches!(u.outcome, Some(Outcome::Surfed | Outcome::Coped))).count();
    let n = urges.len();
    Ok(match ridden {
        0 => format!("{} logged today. Noticing them is a skill.", plural(n as i64, "urge")),
        r if r == n && n == 1 => "1 urge logged today, and you rode it out.".into(),
        r if r == n => format!("{n} urges logged today, and you rode out every one."),
        r => format!("{} logged today; you rode out {r}.", plural(n as i64, "urge")),
    })
}

/// Progress in the insights' own sentences: the longer view first, the current stretch last
/// (right after a slip, never: see [`crate::insights::Progress::sentences_after_slip`]).
pub(crate) fn progress_lines(cx: &Cx<'_>, after_slip: bool) -> Result<Vec<String>> {
    let p = cx.store.progress()?.value;
    let lines = if after_slip { p.sentences_after_slip() } else { p.sentences() };
    Ok(if lines.is_empty() { vec!["Your progress will show here as you use the app.".into()] } else { lines })
}

pub(crate) fn act(cx: &mut Cx<'_>, action: HomeAction) -> Result<Reaction> {
    Ok(match action {
        HomeAction::ContinueSurf => Reaction::nav(Nav::Push(Screen::Surf(SurfScreen::open(cx)))),
        HomeAction::ContinueAnalysis { slip_id } => {
            Reaction::nav(Nav::Push(Screen::Slip(SlipScreen::resume(cx, &slip_id)?)))
        }
    })
}
