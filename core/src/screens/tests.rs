//! The app model driven as a shell drives it: events in, views and effects out, on a real
//! store with a controlled clock. One test per behaviour; `a_whole_day` strings them together.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::{Arc, Mutex};

use chrono::{Duration, TimeZone, Utc};

use super::app::*;
use super::backup::BackupAction;
use super::checkin::CheckInAction;
use super::exercises::{ExercisesAction, ExercisesStage};
use super::gate::{FirstRunStage, GateAction};
use super::goals::{GoalKind, GoalSpan, GoalsAction};
use super::home::HomeAction;
use super::insights::{InsightsAction, InsightsRange};
use super::log_urge::{LogUrgeAction, LogUrgeStage};
use super::next_steps::NextStepAction;
use super::plan::{ContactKind, PlanAction, PlanTarget};
use super::settings::SettingsAction;
use super::sharing::{SharingAction, SharingStage};
use super::slip::{SlipAction, SlipStage};
use super::surf::{SurfAction, SurfStage};
use super::NoticeKind;
use crate::checkin::Measure;
use crate::clock::{Clock, ManualClock, Zone};
use crate::crypto::{KdfCost, KeyProvider, KeyProviderError, Passphrase};
use crate::error::Result;
use crate::exercise::Phase;
use crate::lock::LockReason;
use crate::notify::NotificationKind;
use crate::protocol::Invite;
use crate::slip::{LinkKind, NewChainLink, VulnerabilityFactor};
use crate::store::{CreateOptions, Store, Unlock};
use crate::surf::SurfOutcome;
use crate::sync::{HttpRequest, HttpResponse, Transport, TransportError};

const PASSPHRASE: &str = "river lamp orange";

/// A platform key: XOR with a pad, standing in for the Keystore / Keychain.
struct PadKey;
impl KeyProvider for PadKey {
    fn wrap_key(&self, k: Vec<u8>) -> std::result::Result<Vec<u8>, KeyProviderError> {
        Ok(k.iter().map(|b| b ^ 0x5a).collect())
    }
    fn unwrap_key(&self, w: Vec<u8>) -> std::result::Result<Vec<u8>, KeyProviderError> {
        Ok(w.iter().map(|b| b ^ 0x5a).collect())
    }
}

/// No network.
struct Offline;
impl Transport for Offline {
    fn send(&self, _: HttpRequest) -> std::result::Result<HttpResponse, TransportError> {
        Err(TransportError("no network".into()))
    }
}

/// The bindings' job, done in memory: a store file in a temp dir, opened and closed.
struct TestHost {
    dir: tempfile::TempDir,
    clock: ManualClock,
    store: Mutex<Option<Arc<Store>>>,
}

impl TestHost {
    fn new() -> TestHost {
        let clock = ManualClock::new(
            Utc.with_ymd_and_hms(2026, 6, 15, 18, 0, 0).unwrap(),
            Zone::parse("Europe/Berlin").unwrap(),
        );
        TestHost { dir: tempfile::tempdir().unwrap(), clock, store: Mutex::new(None) }
    }

    fn path(&self) -> std::path::PathBuf {
        self.dir.path().join("journal.db")
    }

    fn set(&self, s: Store) {
        *self.store.lock().unwrap() = Some(Arc::new(s));
    }
}

impl Host for TestHost {
    fn store(&self) -> Option<Arc<Store>> {
        self.store.lock().unwrap().clone()
    }
    fn store_exists(&self) -> bool {
        self.path().exists()
    }
    fn create(&self, passphrase: Passphrase) -> Result<()> {
        let s = Store::create(
            self.path(),
            Unlock::Passphrase(&passphrase),
            Arc::new(self.clock.clone()),
            CreateOptions::insecure_fast_for_tests(),
        )?;
        self.set(s);
        Ok(())
    }
    fn unlock(&self, key: HostKey) -> Result<()> {
        let s = match key {
            HostKey::Passphrase(p) => Store::open(self.path(), Unlock::Passphrase(&p), Arc::new(self.clock.clone()))?,
            HostKey::DeviceKey => Store::open(self.path(), Unlock::Provider(&PadKey), Arc::new(self.clock.clone()))?,
        };
        self.set(s);
        Ok(())
    }
    fn add_device_key(&self) -> Result<()> {
        let s = self.store().ok_or(crate::error::Error::State("locked"))?;
        s.set_key(Unlock::Provider(&PadKey), true, KdfCost::DEFAULT)
    }
    fn lock(&self) {
        *self.store.lock().unwrap() = None;
    }
    fn transport(&self) -> Arc<dyn Transport> {
        Arc::new(Offline)
    }
    fn clock(&self) -> Arc<dyn Clock> {
        Arc::new(self.clock.clone())
    }
}

const PHONE: Platform = Platform { biometrics: Biometrics::Available, device_key_enrolled: false };

/// An app past its first run, with biometrics skipped.
fn opened() -> (TestHost, App) {
    let host = TestHost::new();
    let mut app = App::new(&host, PHONE);
    app.send(&host, create_event(PASSPHRASE, PASSPHRASE));
    app.send(&host, gate(GateAction::SkipBiometrics));
    assert!(matches!(app.view(&host).screen, ScreenView::Home { .. }));
    (host, app)
}

fn create_event(p: &str, c: &str) -> Event {
    gate(GateAction::CreateJournal { passphrase: p.as_bytes().to_vec(), confirmation: c.as_bytes().to_vec() })
}

fn gate(action: GateAction) -> Event {
    Event::Gate { action }
}

fn open(app: &mut App, host: &TestHost, route: Route) -> Vec<Effect> {
    app.send(host, Event::Open { route })
}

macro_rules! screen {
    ($app:expr, $host:expr, $variant:ident) => {
        match $app.view($host).screen {
            ScreenView::$variant { view } => view,
            other => panic!("expected {}, got {other:?}", stringify!($variant)),
        }
    };
}

fn notice(app: &mut App, host: &TestHost) -> String {
    app.view(host).notice.map(|n| n.text).unwrap_or_default()
}

#[test]
fn the_first_run_explains_sets_the_passphrase_and_offers_biometrics() {
    let host = TestHost::new();
    let mut app = App::new(&host, PHONE);
    let v = screen!(app, &host, FirstRun);
    assert_eq!(v.stage, FirstRunStage::Passphrase);
    assert!(v.about.iter().any(|p| p.contains("not an emergency service")));
    assert!(app.view(&host).quick_exit.is_none() && app.view(&host).secure);

    app.send(&host, create_event("short", "short"));
    assert!(screen!(app, &host, FirstRun).problem.unwrap().contains("at least 8 characters"));
    app.send(&host, create_event(PASSPHRASE, "river lamp"));
    assert!(screen!(app, &host, FirstRun).problem.unwrap().contains("not the same"));
    assert!(!host.store_exists(), "nothing is created before the passphrase is sound");

    app.send(&host, create_event(PASSPHRASE, PASSPHRASE));
    assert_eq!(screen!(app, &host, FirstRun).stage, FirstRunStage::Biometrics);
    let fx = app.send(&host, gate(GateAction::EnableBiometrics));
    assert!(matches!(fx.as_slice(), [Effect::Authenticate { purpose: AuthPurpose::Enrol, .. }]));
    let fx = app.send(&host, Event::Authenticated);
    assert!(fx.iter().any(|e| matches!(e, Effect::AppIdentity { discreet: true, .. })));
    assert!(fx.iter().any(|e| matches!(e, Effect::Reminders { .. })));
    assert!(matches!(app.view(&host).screen, ScreenView::Home { .. }));
    let methods = host.store().unwrap().key_methods().unwrap();
    assert_eq!(methods.len(), 2, "passphrase and device key: a lost platform key is not lost data");
}

#[test]
fn a_strong_urge_is_saved_in_one_tap_and_leads_to_next_steps_and_a_surf() {
    let (host, mut app) = opened();
    let fx = open(&mut app, &host, Route::LogUrge);
    assert!(fx.is_empty());
    let v = screen!(app, &host, LogUrge);
    assert_eq!(v.stage, LogUrgeStage::Intensity);
    assert_eq!(v.scale.len(), 11);

    app.send(&host, Event::LogUrge { action: LogUrgeAction::Intensity { value: 9 } });
    let store = host.store().unwrap();
    assert_eq!(store.urges_on(host.clock.today(), false).unwrap().urges.len(), 1, "durable after one tap");
    let v = screen!(app, &host, LogUrge);
    assert_eq!(v.stage, LogUrgeStage::Saved);
    assert_eq!(v.next_steps[0].action, Some(NextStepAction::Surf));
    assert!(v.triggers.iter().any(|c| !c.selected), "built-in triggers are offered");

    app.send(&host, Event::LogUrge { action: LogUrgeAction::AddTrigger { text: "lonely".into() } });
    app.send(&host, Event::LogUrge { action: LogUrgeAction::SaveDetails { note: "late again".into() } });
    let u = &store.urges_on(host.clock.today(), true).unwrap().urges[0];
    assert_eq!(u.triggers, ["lonely"]);
    assert_eq!(u.note.as_deref(), Some("late again"));

    // Surfing it continues the same entry.
    let fx = app.send(&host, Event::LogUrge { action: LogUrgeAction::Next { action: NextStepAction::Surf } });
    assert!(matches!(fx.as_slice(), [Effect::Notifications { plan }] if !plan.upcoming.is_empty()), "{fx:?}");
    let v = screen!(app, &host, Surf);
    assert_eq!(v.stage, SurfStage::Live);
    assert_eq!(app.view(&host).refresh_after_ms, Some(1000));
    assert_eq!(store.urges_on(host.clock.today(), false).unwrap().urges.len(), 1, "one urge, not two");
}

#[test]
fn a_surf_records_the_wave_schedules_prompts_and_ends_with_a_summary() {
    let (host, mut app) = opened();
    open(&mut app, &host, Route::Surf);
    assert_eq!(screen!(app, &host, Surf).stage, SurfStage::Start);
    let fx = app.send(&host, Event::Surf { action: SurfAction::Start { intensity: 8 } });
    let Some(Effect::Notifications { plan }) = fx.first() else { panic!("{fx:?}") };
    assert_eq!(plan.upcoming.last().unwrap().kind, NotificationKind::TimeUp);
    assert_eq!(plan.upcoming[0].title, "Reminder", "discreet by default: neutral words");

    host.clock.advance(Duration::minutes(3));
    let v = screen!(app, &host, Surf);
    assert!(v.prompt_due);
    assert!(v.guidance.starts_with("Observe"));
    app.send(&host, Event::Surf { action: SurfAction::Rate { intensity: 9 } });
    host.clock.advance(Duration::minutes(4));
    app.send(&host, Event::Surf { action: SurfAction::Rate { intensity: 4 } });
    let fx = app.send(&host, Event::Surf { action: SurfAction::Pause });
    let Some(Effect::Notifications { plan }) = fx.first() else { panic!() };
    assert!(plan.upcoming.is_empty(), "nothing fires while paused");
    assert_eq!(app.view(&host).refresh_after_ms, None);
    app.send(&host, Event::Surf { action: SurfAction::Resume });

    // The app is killed and started again: Home shows the surf under way.
    let mut app = App::new(&host, PHONE);
    app.send(&host, gate(GateAction::UnlockWithPassphrase { passphrase: PASSPHRASE.into() }));
    let home = screen!(app, &host, Home);
    assert!(home.surf.unwrap().text.starts_with("A surf is under way"));
    app.send(&host, Event::Home { action: HomeAction::ContinueSurf });
    let v = screen!(app, &host, Surf);
    assert_eq!(v.wave.points.len(), 3);
    assert_eq!(v.wave.points[1].y, Some(9.0));

    app.send(&host, Event::Surf { action: SurfAction::End { outcome: SurfOutcome::Passed } });
    let v = screen!(app, &host, Surf);
    assert_eq!(v.stage, SurfStage::Ended);
    assert!(v.summary.iter().any(|l| l.starts_with("It peaked at 9")));
    assert!(v.summary.iter().any(|l| l == "It passed without acting on it."));
    assert!(v.next_steps.is_empty(), "it passed: nothing more to offer");
    assert_eq!(notice(&mut app, &host), "Saved. You rode it out.");
}

#[test]
fn acting_on_a_surfed_urge_offers_the_slip_linked_to_it() {
    let (host, mut app) = opened();
    open(&mut app, &host, Route::Surf);
    app.send(&host, Event::Surf { action: SurfAction::Start { intensity: 9 } });
    app.send(&host, Event::Surf { action: SurfAction::End { outcome: SurfOutcome::Acted } });
    let v = screen!(app, &host, Surf);
    assert_eq!(v.next_steps[0].action, Some(NextStepAction::RecordSlip), "the slip is offered");
    assert!(v.next_message.contains("not a verdict"));
    app.send(&host, Event::Surf { action: SurfAction::Next { action: NextStepAction::RecordSlip } });
    app.send(&host, Event::Slip { action: SlipAction::Write { what: "watched for an hour".into() } });
    let store = host.store().unwrap();
    let slip = &store.slips(None, None).unwrap().slips[0];
    assert!(slip.urge.is_some(), "the slip is tied to the surfed urge");
}

fn plan_with_people(app: &mut App, host: &TestHost) {
    open(app, host, Route::Plan);
    let add = |app: &mut App, part, text: &str, how: Option<&str>| {
        app.send(
            host,
            Event::Plan {
                action: PlanAction::Add {
                    part,
                    text: text.into(),
                    for_item: None,
                    how: how.map(String::from),
                    hours: None,
                },
            },
        );
    };
    add(app, PlanTarget::Trigger, "Lonely evenings", None);
    add(app, PlanTarget::Reason, "Being present with my kids", None);
    add(app, PlanTarget::Person, "Sam Example", Some("text first: 07700 900123"));
    add(app, PlanTarget::CrisisLine, "Example Crisis Line", Some("call 116 123"));
    add(app, PlanTarget::Strategy, "Go for a walk round the block", None);
}

#[test]
fn the_plan_is_in_stanley_brown_order_answers_as_one_types_and_offers_calls() {
    let (host, mut app) = opened();
    plan_with_people(&mut app, &host);
    let v = screen!(app, &host, Plan);
    assert_eq!(v.sections.iter().map(|s| s.step).collect::<Vec<_>>(), [1, 2, 3, 4, 5, 6, 7]);
    assert_eq!(v.sections[0].title, "Warning signs and triggers");
    assert_eq!(v.sections[4].title, "Professionals and crisis lines");
    assert_eq!(v.sections[0].lines[0].text, "Lonely evenings");
    let sam = v.sections[3].lines[0].contact.clone().unwrap();
    assert_eq!(sam.buttons[0].kind, ContactKind::Text, "Sam prefers texts");
    assert!(v.found.is_none(), "nothing typed yet");

    for typed in ["l", "lo", "lonely"] {
        app.send(&host, Event::Plan { action: PlanAction::Search { text: typed.into() } });
    }
    let found = screen!(app, &host, Plan).found.unwrap();
    assert_eq!(found.matched.as_deref(), Some("For: Lonely evenings"));
    assert!(found.contacts.iter().any(|c| c.name == "Sam Example" && c.reachable_now));

    let fx = app.send(
        &host,
        Event::Plan { action: PlanAction::Contact { contact_id: sam.id.clone(), kind: ContactKind::Text } },
    );
    assert_eq!(fx, [Effect::Message { number: "07700900123".into() }]);
    let line = screen!(app, &host, Plan).sections[4].lines[0].contact.clone().unwrap();
    let fx =
        app.send(&host, Event::Plan { action: PlanAction::Contact { contact_id: line.id, kind: ContactKind::Call } });
    assert_eq!(fx, [Effect::Dial { number: "116123".into() }]);

    // Help now: the plan's answer before anything is typed.
    open(&mut app, &host, Route::HelpNow);
    let v = screen!(app, &host, Plan);
    assert!(v.help_now && v.found.is_some());
    let walk = v.found.unwrap().strategies.into_iter().find(|s| s.text.starts_with("Go for a walk")).unwrap();
    app.send(&host, Event::Plan { action: PlanAction::UseStrategy { strategy_id: walk.id.unwrap() } });
    assert!(notice(&mut app, &host).starts_with("Noted"));
}

#[test]
fn an_exercise_plays_frame_by_frame_and_saves_the_change_in_distress() {
    let (host, mut app) = opened();
    open(&mut app, &host, Route::Exercises);
    let v = screen!(app, &host, Exercises);
    assert!(v.items.iter().any(|i| i.key == "box"));
    app.send(&host, Event::Exercises { action: ExercisesAction::Choose { key: "box".into() } });
    assert_eq!(screen!(app, &host, Exercises).stage, ExercisesStage::Before);
    app.send(&host, Event::Exercises { action: ExercisesAction::Begin { distress: Some(7) } });
    let v = screen!(app, &host, Exercises);
    let p = v.player.unwrap();
    assert_eq!((p.cue.as_str(), p.phase), ("", Phase::Rest), "a settling-in step first");
    assert_eq!(app.view(&host).refresh_after_ms, Some(100));
    host.clock.advance(Duration::seconds(6));
    let p = screen!(app, &host, Exercises).player.unwrap();
    assert_eq!((p.cue.as_str(), p.round.as_deref()), ("Breathe in", Some("Round 1 of 15")));
    assert!((p.step_progress - 0.25).abs() < 0.01, "{}", p.step_progress);
    host.clock.advance(Duration::seconds(4));
    let p = screen!(app, &host, Exercises).player.unwrap();
    assert_eq!((p.cue.as_str(), p.breath), ("Hold", 1.0), "holding after the in-breath: full");
    app.send(&host, Event::Exercises { action: ExercisesAction::Stop });
    assert_eq!(screen!(app, &host, Exercises).stage, ExercisesStage::After);
    app.send(&host, Event::Exercises { action: ExercisesAction::Finish { distress: Some(4) } });
    let v = screen!(app, &host, Exercises);
    assert_eq!(v.result[0], "Your distress went from 7 to 4.");
    assert_eq!(host.store().unwrap().exercise_sessions(None, None).unwrap().sessions.len(), 1);
    // Back leaves the player for the library, then the screen.
    assert!(app.view(&host).can_go_back);
    app.send(&host, Event::Back);
    assert_eq!(screen!(app, &host, Exercises).stage, ExercisesStage::Library);
    app.send(&host, Event::Back);
    assert!(matches!(app.view(&host).screen, ScreenView::Home { .. }));
}

#[test]
fn a_check_in_saves_and_home_stops_asking() {
    let (host, mut app) = opened();
    assert!(screen!(app, &host, Home).check_in.is_some());
    open(&mut app, &host, Route::CheckIn);
    app.send(&host, Event::CheckIn { action: CheckInAction::Rate { measure: Measure::Mood, value: 6 } });
    app.send(&host, Event::CheckIn { action: CheckInAction::Rate { measure: Measure::Sleep, value: 3 } });
    app.send(&host, Event::CheckIn { action: CheckInAction::Rate { measure: Measure::Sleep, value: 3 } });
    let v = screen!(app, &host, CheckIn);
    assert!(v.measures[0].scale[6].selected);
    assert!(!v.measures[3].scale.iter().any(|c| c.selected), "tapping again takes it back");
    app.send(&host, Event::CheckIn { action: CheckInAction::Save { note: "ok day".into() } });
    let c = host.store().unwrap().check_in_on(host.clock.today()).unwrap().unwrap();
    assert_eq!((c.mood, c.sleep), (Some(6), None));
    app.send(&host, Event::CheckIn { action: CheckInAction::Done });
    assert!(screen!(app, &host, Home).check_in.is_none());
}

#[test]
fn a_slip_is_met_with_the_longer_view_and_its_analysis_resumes() {
    let (host, mut app) = opened();
    open(&mut app, &host, Route::Slip);
    assert_eq!(screen!(app, &host, Slip).stage, SlipStage::Write);
    app.send(&host, Event::Slip { action: SlipAction::Write { what: "an hour of videos".into() } });
    let v = screen!(app, &host, Slip);
    assert_eq!(v.stage, SlipStage::Chain);
    assert!(!v.progress.iter().any(|l| l.to_lowercase().contains("current")), "{:?}", v.progress);
    assert!(!v.compassion_prompt.is_empty());
    assert_eq!(v.step_label, "Step 1 of 8");
    app.send(
        &host,
        Event::Slip {
            action: SlipAction::AnswerFactors { factors: vec![VulnerabilityFactor::Loneliness], note: None },
        },
    );
    app.send(&host, Event::Slip { action: SlipAction::AnswerText { text: "a message went unanswered".into() } });
    app.send(&host, Event::Slip { action: SlipAction::Later });
    let home = screen!(app, &host, Home);
    assert_eq!(home.unfinished.len(), 1);

    // Days later, after a restart, it resumes at step 3.
    host.clock.advance(Duration::days(2));
    let mut app = App::new(&host, PHONE);
    app.send(&host, gate(GateAction::UnlockWithPassphrase { passphrase: PASSPHRASE.into() }));
    let slip_id = screen!(app, &host, Home).unfinished[0].slip_id.clone();
    app.send(&host, Event::Home { action: HomeAction::ContinueAnalysis { slip_id } });
    let v = screen!(app, &host, Slip);
    assert_eq!(v.step_label, "Step 3 of 8");
    let link = NewChainLink { kind: LinkKind::Thought, text: "nobody cares".into(), instead: None };
    app.send(&host, Event::Slip { action: SlipAction::AnswerLinks { links: vec![link] } });
    for _ in 0..5 {
        app.send(&host, Event::Slip { action: SlipAction::SkipStep });
    }
    let v = screen!(app, &host, Slip);
    assert_eq!(v.stage, SlipStage::Finished);
    if !v.suggestions.is_empty() {
        app.send(&host, Event::Slip { action: SlipAction::AddToPlan { index: 0 } });
        assert_eq!(notice(&mut app, &host), "Added to your plan.");
    }
}

#[test]
fn insights_give_chart_ready_series_for_each_range() {
    let (host, mut app) = opened();
    for v in [3u8, 7, 5] {
        host.store().unwrap().log_urge(crate::urge::NewUrge { intensity: v, ..Default::default() }).unwrap();
    }
    open(&mut app, &host, Route::Insights);
    let v = screen!(app, &host, Insights);
    assert_eq!(v.series[0].points.len(), 28);
    assert_eq!(v.series[0].points.last().unwrap().y, Some(3.0));
    assert!(v.highlights[0].starts_with("3 urges logged"));
    assert_eq!(v.heatmap.rows.len(), 7);
    app.send(&host, Event::Insights { action: InsightsAction::Range { range: InsightsRange::Year } });
    let v = screen!(app, &host, Insights);
    assert_eq!(v.series.len(), 3);
    assert!(v.ranges[2].selected);
}

#[test]
fn reminders_follow_the_settings_in_neutral_words() {
    let (host, mut app) = opened();
    open(&mut app, &host, Route::Settings);
    let fx = app.send(&host, Event::Settings { action: SettingsAction::DailyCheckIn { minute: Some(20 * 60 + 30) } });
    let Some(Effect::Reminders { schedule }) = fx.first() else { panic!("{fx:?}") };
    assert_eq!(schedule.rules.len(), 1);
    assert_eq!(schedule.rules[0].title, "Reminder");
    let times = screen!(app, &host, Settings).check_in_times;
    assert_eq!(times.iter().filter(|t| t.selected).map(|t| t.label.as_str()).collect::<Vec<_>>(), ["20:30"]);
    let up = schedule.upcoming(host.clock.now(), &host.clock.zone());
    assert_eq!(up[0].at_utc_ms, Utc.with_ymd_and_hms(2026, 6, 15, 18, 30, 0).unwrap().timestamp_millis());

    // A goal in progress and goal nudges on: a weekly rule joins.
    app.send(&host, Event::Settings { action: SettingsAction::GoalNudges { on: true } });
    open(&mut app, &host, Route::Goals);
    app.send(&host, Event::Goals { action: GoalsAction::StartNew });
    let fx = app.send(
        &host,
        Event::Goals {
            action: GoalsAction::Create {
                kind: GoalKind::UrgesSurfed,
                text: "Ride out 3 urges".into(),
                why: None,
                target: 3,
                span: GoalSpan::ThisWeek,
                unit: None,
            },
        },
    );
    let Some(Effect::Reminders { schedule }) = fx.last() else { panic!("{fx:?}") };
    assert_eq!(schedule.rules.len(), 2);
    assert_eq!(screen!(app, &host, Goals).goals[0].progress_text, "0 of 3 urges ridden out");
}

#[test]
fn a_goal_counted_by_hand_moves_with_progress_and_is_put_away() {
    let (host, mut app) = opened();
    open(&mut app, &host, Route::Goals);
    let v = screen!(app, &host, Goals);
    assert!(v.goals.is_empty() && v.empty_text.is_some());
    app.send(&host, Event::Goals { action: GoalsAction::StartNew });
    let v = screen!(app, &host, Goals);
    assert_eq!(v.stage, super::goals::GoalsStage::New);
    let counted = v.templates.iter().find(|t| t.kind == GoalKind::Counted).unwrap();
    assert!(counted.asks_unit);
    let create = |unit: Option<&str>| Event::Goals {
        action: GoalsAction::Create {
            kind: GoalKind::Counted,
            text: "Go to 4 meetings".into(),
            why: Some("  ".into()),
            target: 4,
            span: GoalSpan::ThisMonth,
            unit: unit.map(Into::into),
        },
    };
    app.send(&host, create(None));
    assert!(notice(&mut app, &host).starts_with("Unit: say what you will count"));
    assert_eq!(screen!(app, &host, Goals).stage, super::goals::GoalsStage::New, "still choosing");
    app.send(&host, create(Some("meetings")));
    let goal = &screen!(app, &host, Goals).goals[0];
    assert_eq!((goal.progress_text.as_str(), goal.percent, goal.counted_by_hand), ("0 of 4 meetings", 0, true));
    assert_eq!(goal.why, None, "blank reasons are not kept");
    assert!(goal.state_text.ends_with("days left"), "{}", goal.state_text);
    let id = goal.id.clone();
    app.send(&host, Event::Goals { action: GoalsAction::AddProgress { goal_id: id.clone(), amount: 1 } });
    let goal = &screen!(app, &host, Goals).goals[0];
    assert_eq!((goal.progress_text.as_str(), goal.percent), ("1 of 4 meetings", 25));
    app.send(&host, Event::Goals { action: GoalsAction::UndoProgress { goal_id: id.clone() } });
    assert_eq!(screen!(app, &host, Goals).goals[0].progress_text, "0 of 4 meetings");
    app.send(&host, Event::Goals { action: GoalsAction::Archive { goal_id: id } });
    assert_eq!(notice(&mut app, &host), "Put away. It stays in your history.");
    assert!(screen!(app, &host, Goals).goals.is_empty());
}

#[test]
fn discreet_mode_names_the_app_neutrally_and_guards_the_words() {
    let (host, mut app) = opened();
    assert_eq!(app.view(&host).app_name, "Journal");
    open(&mut app, &host, Route::Settings);
    app.send(&host, Event::Settings { action: SettingsAction::ExplicitWords { on: true } });
    assert_eq!(app.view(&host).notice.unwrap().kind, NoticeKind::Problem, "explicit words need discreet off");
    let fx = app.send(&host, Event::Settings { action: SettingsAction::Discreet { on: false } });
    assert!(fx.contains(&Effect::AppIdentity { discreet: false, name: "Recovery companion".into() }));
    app.send(&host, Event::Settings { action: SettingsAction::ExplicitWords { on: true } });
    let fx = app.send(&host, Event::Settings { action: SettingsAction::DailyCheckIn { minute: Some(600) } });
    let Some(Effect::Reminders { schedule }) = fx.first() else { panic!() };
    assert_eq!(schedule.rules[0].title, "Daily check-in");
    // Discreet again: neutral words whatever the stored choice.
    let fx = app.send(&host, Event::Settings { action: SettingsAction::Discreet { on: true } });
    let schedule = fx.iter().find_map(|e| if let Effect::Reminders { schedule } = e { Some(schedule) } else { None });
    assert_eq!(schedule.unwrap().rules[0].title, "Reminder");
}

fn settings(app: &mut App, host: &TestHost, action: SettingsAction) -> Vec<Effect> {
    app.send(host, Event::Settings { action })
}

fn unlock(app: &mut App, host: &TestHost) -> Vec<Effect> {
    app.send(host, gate(GateAction::UnlockWithPassphrase { passphrase: PASSPHRASE.into() }))
}

fn reminders(effects: &[Effect]) -> Option<&crate::notify::ReminderSchedule> {
    effects.iter().find_map(|e| if let Effect::Reminders { schedule } = e { Some(schedule) } else { None })
}

#[test]
fn settings_are_stored_and_in_force_after_the_app_restarts() {
    let (host, mut app) = opened();
    open(&mut app, &host, Route::Settings);
    settings(&mut app, &host, SettingsAction::LockAfter { secs: 300 });
    settings(&mut app, &host, SettingsAction::Discreet { on: false });
    settings(&mut app, &host, SettingsAction::DailyCheckIn { minute: Some(21 * 60) });
    settings(&mut app, &host, SettingsAction::SurfPrompts { on: false });
    settings(&mut app, &host, SettingsAction::LockAfter { secs: 45 });
    assert_eq!(app.view(&host).notice.unwrap().kind, NoticeKind::Problem, "only offered times");
    drop(app);

    // The process is killed; a new one starts locked, with the defaults until it opens.
    let mut app = App::new(&host, PHONE);
    assert_eq!(app.view(&host).app_name, "Journal");
    let fx = unlock(&mut app, &host);
    assert!(fx.contains(&Effect::AppIdentity { discreet: false, name: "Recovery companion".into() }), "{fx:?}");
    let rules = &reminders(&fx).expect("reminders re-armed").rules;
    assert_eq!(rules.iter().map(|r| r.minute_of_day).collect::<Vec<_>>(), [21 * 60]);
    assert_eq!(app.view(&host).app_name, "Recovery companion");
    open(&mut app, &host, Route::Settings);
    let v = screen!(app, &host, Settings);
    assert_eq!(v.lock_choices.iter().filter(|c| c.selected).map(|c| c.secs).collect::<Vec<_>>(), [300]);
    assert!(!v.discreet.on && !v.surf_prompts.on && v.daily_check_in.on);
    assert_eq!(v.check_in_time, "21:00");
    assert_eq!(app.send(&host, Event::WentToBackground), [Effect::LockAfter { ms: 300_000 }]);
    // A surf started now schedules nothing: its prompts were turned off.
    app.send(&host, Event::CameToForeground);
    open(&mut app, &host, Route::Surf);
    let fx = app.send(&host, Event::Surf { action: SurfAction::Start { intensity: 6 } });
    let Some(Effect::Notifications { plan }) = fx.first() else { panic!("{fx:?}") };
    assert!(plan.upcoming.is_empty());
}

#[test]
fn unreadable_settings_fall_back_to_the_discreet_defaults_and_say_so() {
    let (host, mut app) = opened();
    open(&mut app, &host, Route::Settings);
    settings(&mut app, &host, SettingsAction::Discreet { on: false });
    let store = host.store().unwrap();
    let id = crate::settings::settings_id(&store, crate::settings::APP);
    store
        .write(|tx| tx.put_raw(crate::store::RecordKind::Settings, id, crate::store::Period::Timeless, b"\x01", None))
        .unwrap();
    drop(store);
    app.send(&host, Event::LockNow);
    let fx = unlock(&mut app, &host);
    assert!(fx.contains(&Effect::AppIdentity { discreet: true, name: "Journal".into() }), "{fx:?}");
    assert_eq!(notice(&mut app, &host), SETTINGS_UNREADABLE);
    // The Settings screen still works, and the next change replaces the damaged record.
    assert!(screen!(app, &host, Settings).discreet.on);
    settings(&mut app, &host, SettingsAction::LockAfter { secs: 0 });
    assert_eq!(host.store().unwrap().app_settings().unwrap().lock_after_secs, 0);
}

#[test]
fn the_app_locks_after_the_chosen_time_and_unlocks_with_either_key() {
    let (host, mut app) = opened();
    open(&mut app, &host, Route::Plan);
    let fx = app.send(&host, Event::WentToBackground);
    assert_eq!(fx, [Effect::LockAfter { ms: 60_000 }]);
    host.clock.advance(Duration::seconds(30));
    app.send(&host, Event::CameToForeground);
    assert!(host.store().is_some(), "back within the minute: still open");

    app.send(&host, Event::WentToBackground);
    host.clock.advance(Duration::seconds(61));
    app.send(&host, Event::LockTimerFired);
    assert!(host.store().is_none(), "keys dropped while still in the background");
    let v = screen!(app, &host, Locked);
    assert_eq!(v.reason, LockReason::Background);
    assert!(v.biometric_label.is_none(), "biometric unlock was never set up");
    assert_eq!(app.view(&host).title, "Journal");
    assert!(app.send(&host, Event::Open { route: Route::Home }).is_empty(), "nothing opens while locked");

    app.send(&host, gate(GateAction::UnlockWithPassphrase { passphrase: b"wrong passphrase".to_vec() }));
    assert!(screen!(app, &host, Locked).problem.unwrap().contains("didn't open"));
    app.send(&host, gate(GateAction::UnlockWithPassphrase { passphrase: PASSPHRASE.into() }));
    assert!(matches!(app.view(&host).screen, ScreenView::Plan { .. }), "back where the person was");

    // Biometric unlock: set up in settings, then offered at once on the next lock.
    app.set_platform(PHONE);
    open(&mut app, &host, Route::Settings);
    let fx = app.send(&host, Event::Settings { action: SettingsAction::Biometrics { on: true } });
    assert!(matches!(fx.as_slice(), [Effect::Authenticate { purpose: AuthPurpose::Enrol, .. }]));
    app.send(&host, Event::Authenticated);
    app.send(&host, Event::LockNow);
    let fx = app.send(&host, Event::CameToForeground);
    assert!(matches!(fx.as_slice(), [Effect::Authenticate { purpose: AuthPurpose::Unlock, .. }]));
    app.send(&host, Event::AuthenticationFailed { cancelled: false });
    assert!(screen!(app, &host, Locked).problem.unwrap().contains("passphrase"));
    app.send(&host, gate(GateAction::UseBiometrics));
    app.send(&host, Event::Authenticated);
    assert!(matches!(app.view(&host).screen, ScreenView::Settings { .. }));

    // Turning it off removes the key slot and asks the shell to forget the platform key.
    let fx = app.send(&host, Event::Settings { action: SettingsAction::Biometrics { on: false } });
    assert!(fx.contains(&Effect::ForgetDeviceKey));
    assert_eq!(host.store().unwrap().key_methods().unwrap().len(), 1);
}

#[test]
fn quick_exit_leaves_a_neutral_screen_and_a_locked_store() {
    let (host, mut app) = opened();
    open(&mut app, &host, Route::LogUrge);
    assert_eq!(app.view(&host).quick_exit.as_deref(), Some(QUICK_EXIT_LABEL));
    let fx = app.send(&host, Event::QuickExit);
    assert_eq!(fx, [Effect::LeaveApp]);
    assert!(host.store().is_none());
    let view = app.view(&host);
    assert_eq!(view.title, "Notes");
    assert!(view.quick_exit.is_none() && !view.can_go_back);
    let ScreenView::Neutral { view: n } = view.screen else { panic!() };
    assert_eq!(n.body, "No notes yet.");
    app.send(&host, Event::CameToForeground);
    assert!(matches!(app.view(&host).screen, ScreenView::Neutral { .. }), "stays neutral until asked");
    app.send(&host, gate(GateAction::Reopen));
    app.send(&host, gate(GateAction::UnlockWithPassphrase { passphrase: PASSPHRASE.into() }));
    assert!(matches!(app.view(&host).screen, ScreenView::Home { .. }), "nothing of before is kept");
}

fn invite() -> String {
    Invite {
        server: "https://sync.clinic.example".into(),
        token: "abcdefghijklmnopqrstuvwx".into(),
        clinician: "Dr Sam Example".into(),
        fingerprint: "abcd-efgh-jkmn-pqrs-tvwx-yz23".into(),
    }
    .encode()
    .unwrap()
}

#[test]
fn pairing_shows_the_code_to_compare_and_fails_kindly_offline() {
    let (host, mut app) = opened();
    open(&mut app, &host, Route::Sharing);
    let v = screen!(app, &host, Sharing);
    assert!(v.pairings.is_empty());
    app.send(&host, Event::Sharing { action: SharingAction::StartPairing });
    assert_eq!(app.send(&host, Event::Sharing { action: SharingAction::Scan }), [Effect::ScanCode]);
    app.send(&host, Event::Sharing { action: SharingAction::Scanned { text: "hello".into() } });
    assert!(notice(&mut app, &host).starts_with("Invite: this is not a clinician invite"));
    app.send(&host, Event::Sharing { action: SharingAction::Scanned { text: invite() } });
    let v = screen!(app, &host, Sharing);
    assert_eq!(v.stage, SharingStage::CompareCode);
    assert_eq!(v.code, "abcd-efgh-jkmn-pqrs-tvwx-yz23");
    assert!(v.compare_text.contains("Dr Sam Example"));
    app.send(&host, Event::Sharing { action: SharingAction::CodesDiffer });
    assert_eq!(screen!(app, &host, Sharing).stage, SharingStage::Overview);
    app.send(&host, Event::Sharing { action: SharingAction::InviteEntered { text: invite() } });
    app.send(&host, Event::Sharing { action: SharingAction::CodesMatch });
    assert!(notice(&mut app, &host).starts_with("You're offline"));
    assert!(host.store().unwrap().pairings().unwrap().records.is_empty());
}

/// A share, a pairing and a receipt that no longer open (a damaged file, a later release's
/// format): the Sharing screen says so in calm words, without an id or a cause, and the rest
/// of the screen still works.
#[test]
fn sharing_names_what_could_not_be_read_calmly() {
    use crate::store::{Period, RecordKind};
    let (host, mut app) = opened();
    open(&mut app, &host, Route::Sharing);
    assert!(screen!(app, &host, Sharing).unreadable.is_empty());
    let month = Period::Month(crate::time::Month::of(chrono::NaiveDate::from_ymd_opt(2026, 6, 1).unwrap()));
    let damaged = [
        (RecordKind::Share, 1, Period::Timeless),
        (RecordKind::Share, 2, Period::Timeless),
        (RecordKind::Pairing, 3, Period::Timeless),
        (RecordKind::ConsentReceipt, 4, month),
    ];
    host.store()
        .unwrap()
        .write(|tx| {
            for (kind, n, period) in damaged {
                tx.put_raw(kind, crate::id::RecordId::from_bytes([n; 16]), period, b"\x09garbled", None)?;
            }
            Ok(())
        })
        .unwrap();
    let v = screen!(app, &host, Sharing);
    assert_eq!(
        v.unreadable,
        [
            "1 clinician you paired with couldn't be read on this phone, so they aren't shown here. Nothing was deleted.",
            "2 things you share couldn't be read on this phone, so they aren't sent for now. Nothing was deleted, and everything else is sent as usual.",
        ]
    );
    for line in &v.unreadable {
        assert!(!line.contains("0101") && !line.to_lowercase().contains("integrity"), "{line}");
    }
    app.send(&host, Event::Sharing { action: SharingAction::SyncNow });
    assert!(notice(&mut app, &host)
        .ends_with("Some of it couldn't be read on this phone and wasn't sent; nothing was deleted."));
    app.send(&host, Event::Sharing { action: SharingAction::ShowReceipts });
    let v = screen!(app, &host, Sharing);
    assert!(v.receipts.is_empty());
    assert_eq!(v.unreadable.len(), 3);
    assert_eq!(
        v.unreadable[2],
        "1 record of what you agreed to couldn't be read on this phone; the rest are listed here."
    );
}

#[test]
fn a_backup_is_saved_as_a_file_and_restores_into_a_new_journal() {
    let (host, mut app) = opened();
    host.store().unwrap().log_urge(crate::urge::NewUrge { intensity: 4, ..Default::default() }).unwrap();
    open(&mut app, &host, Route::Settings);
    settings(&mut app, &host, SettingsAction::Discreet { on: false });
    settings(&mut app, &host, SettingsAction::DailyCheckIn { minute: Some(480) });
    open(&mut app, &host, Route::Backup);
    assert!(!screen!(app, &host, Backup).can_restore, "this journal has entries");
    let pass = b"backup passphrase one".to_vec();
    let fx = app.send(
        &host,
        Event::Backup { action: BackupAction::Export { passphrase: pass.clone(), confirmation: pass.clone() } },
    );
    let Some(Effect::SaveFile { suggested_name, bytes, .. }) = fx.first() else { panic!("{fx:?}") };
    assert_eq!(suggested_name, "journal-2026-06-15.backup", "a neutral file name");

    let (host2, mut app2) = opened();
    open(&mut app2, &host2, Route::Settings);
    settings(&mut app2, &host2, SettingsAction::LockAfter { secs: 0 });
    open(&mut app2, &host2, Route::Backup);
    assert!(screen!(app2, &host2, Backup).can_restore);
    assert_eq!(
        app2.send(&host2, Event::Backup { action: BackupAction::ChooseFile }),
        [Effect::PickFile { mime: "*/*".into() }]
    );
    app2.send(&host2, Event::Backup { action: BackupAction::FilePicked { bytes: b"not a backup".to_vec() } });
    assert!(notice(&mut app2, &host2).contains("can't be used"));
    app2.send(&host2, Event::Backup { action: BackupAction::FilePicked { bytes: bytes.clone() } });
    app2.send(&host2, Event::Backup { action: BackupAction::Restore { passphrase: b"wrong one entirely".to_vec() } });
    assert_eq!(app2.view(&host2).notice.unwrap().kind, NoticeKind::Problem);
    let fx = app2.send(&host2, Event::Backup { action: BackupAction::Restore { passphrase: pass } });
    assert_eq!(screen!(app2, &host2, Backup).result.as_deref(), Some("Restored 2 entries."));
    // The backup's settings come with it, and the platform follows them at once.
    assert!(fx.contains(&Effect::AppIdentity { discreet: false, name: "Recovery companion".into() }), "{fx:?}");
    assert_eq!(reminders(&fx).unwrap().rules[0].minute_of_day, 480);
    assert_eq!(app2.settings().reminders.daily_check_in_minute, Some(480));
    assert_eq!(app2.settings().lock_after_secs, crate::lock::DEFAULT_LOCK_AFTER_SECS, "the backup's lock time");
}

#[test]
fn a_tap_meant_for_another_screen_does_nothing() {
    let (host, mut app) = opened();
    let fx = app.send(&host, Event::Surf { action: SurfAction::Start { intensity: 5 } });
    assert!(fx.is_empty());
    assert!(host.store().unwrap().active_surf().unwrap().is_none());
    assert!(!app.view(&host).can_go_back);
    app.send(&host, Event::Back);
    assert!(matches!(app.view(&host).screen, ScreenView::Home { .. }));
}

#[test]
fn risk_words_anywhere_lead_to_the_crisis_step_first() {
    let (host, mut app) = opened();
    plan_with_people(&mut app, &host);
    // Typed in the plan's search box: the crisis step above the lookup.
    app.send(&host, Event::Plan { action: PlanAction::Search { text: "i want to die".into() } });
    let v = screen!(app, &host, Plan);
    let crisis = v.crisis.expect("crisis step");
    assert!(crisis.contacts.iter().any(|c| c.name == "Example Crisis Line"));
    assert_eq!(crisis.not_an_emergency_service, crate::safety::NOT_AN_EMERGENCY_SERVICE);
    assert_eq!(crisis.emergency_number, "112", "Berlin: Germany's number");
    assert_eq!(app.send(&host, Event::CallEmergency), [Effect::Dial { number: "112".into() }]);
    app.send(&host, Event::Plan { action: PlanAction::Search { text: "lonely".into() } });
    assert!(screen!(app, &host, Plan).crisis.is_none(), "ordinary words: no crisis step");
    app.send(&host, Event::Back);

    // Help now opens with the crisis step (the person asked for help), then the plan.
    open(&mut app, &host, Route::HelpNow);
    let v = screen!(app, &host, Plan);
    assert!(v.crisis.is_some() && v.found.is_some());
    app.send(&host, Event::Back);

    // Written in a slip: the crisis step over the screen until closed.
    open(&mut app, &host, Route::Slip);
    app.send(&host, Event::Slip { action: SlipAction::Write { what: "thinking of killing myself".into() } });
    let view = app.view(&host);
    assert!(view.crisis.is_some());
    assert!(matches!(view.screen, ScreenView::Slip { .. }), "the slip is saved all the same");
    app.send(&host, Event::CloseCrisis);
    assert!(app.view(&host).crisis.is_none());
    app.send(&host, Event::Slip { action: SlipAction::Later });

    // A check-in's words.
    open(&mut app, &host, Route::CheckIn);
    app.send(&host, Event::CheckIn { action: CheckInAction::Save { note: "i want to hurt myself".into() } });
    assert!(app.view(&host).crisis.is_some());
    app.send(&host, Event::LockNow);
    assert!(app.view(&host).crisis.is_none(), "nothing of it shows while locked");

    // An urge's note: the crisis step is the first next step, whatever the intensity.
    app.send(&host, gate(GateAction::UnlockWithPassphrase { passphrase: PASSPHRASE.into() }));
    open(&mut app, &host, Route::LogUrge);
    app.send(&host, Event::LogUrge { action: LogUrgeAction::Intensity { value: 2 } });
    assert!(screen!(app, &host, LogUrge).next_steps.is_empty(), "a mild urge: saved, nothing more");
    app.send(&host, Event::LogUrge { action: LogUrgeAction::SaveDetails { note: "kms".into() } });
    let v = screen!(app, &host, LogUrge);
    assert!(v.next_steps[0].crisis.is_some(), "{:?}", v.next_steps);
}
