#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{Duration, NaiveDate};

use super::*;
use crate::checkin::NewCheckIn;
use crate::slip::{ChainAnswer, ChainStep, NewSlip};
use crate::testing::TestStore;
use crate::urge::{NewUrge, Outcome};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn at(store: &Store, local: &str) -> LocalStamp {
    LocalStamp::parse_user(local, &store.clock().zone(), store.clock().now()).unwrap()
}

fn goal(measure: GoalMeasure, target: u32, start: NaiveDate, end: NaiveDate) -> NewGoal {
    NewGoal { text: "ride out urges this month".into(), why: None, measure, target, start: Some(start), end }
}

fn urge(s: &Store, when: &str, outcome: Option<Outcome>, strategies: &[&str]) {
    s.log_urge(NewUrge {
        intensity: 5,
        occurred: Some(at(s, when)),
        outcome,
        strategies: strategies.iter().map(|x| x.to_string()).collect(),
        ..Default::default()
    })
    .unwrap();
}

#[test]
fn tracked_measures_count_from_entries_in_the_time_frame() {
    let s = TestStore::new(); // today: 2026-06-15
    let (from, to) = (d(2026, 6, 1), d(2026, 6, 30));
    urge(&s, "2026-05-31 23:00", Some(Outcome::Surfed), &[]); // before the frame
    urge(&s, "2026-06-02 21:00", Some(Outcome::Surfed), &[]);
    urge(&s, "2026-06-05 21:00", Some(Outcome::Coped), &["Call Sam"]);
    urge(&s, "2026-06-07 21:00", Some(Outcome::Acted), &["call  sam"]);
    urge(&s, "2026-06-09 21:00", None, &[]);
    let surfed = s.create_goal(goal(GoalMeasure::UrgesSurfed, 10, from, to)).unwrap();
    assert_eq!(surfed.progress.current, 2);
    assert_eq!(surfed.progress.percent, 20);
    assert_eq!(surfed.progress.state, GoalState::Active);
    assert_eq!((surfed.progress.days_total, surfed.progress.days_elapsed, surfed.progress.days_left), (30, 15, 15));
    let logged = s.create_goal(goal(GoalMeasure::UrgesLogged, 4, from, to)).unwrap();
    assert_eq!(logged.progress.current, 4);
    assert_eq!(logged.progress.state, GoalState::Reached);
    let strategy = GoalMeasure::StrategyUsed { strategy: "CALL SAM".into() };
    assert_eq!(s.create_goal(goal(strategy, 5, from, to)).unwrap().progress.current, 2);
    // One time of acting out (the acted urge) leaves every other day counted.
    let clear = s.create_goal(goal(GoalMeasure::DaysWithoutActingOut, 25, from, to)).unwrap();
    assert_eq!(clear.progress.current, 14);
    // A slip linked to that urge is the same event: still 14.
    let acted = s
        .urges(&crate::urge::UrgeQuery::default())
        .unwrap()
        .urges
        .into_iter()
        .find(|u| u.outcome == Some(Outcome::Acted))
        .unwrap();
    let sl = s.log_slip(NewSlip { what: "x".into(), occurred: None, urge: Some(acted.id) }).unwrap();
    assert_eq!(s.goal(clear.goal.id).unwrap().progress.current, 14);
    // Check-in days and finished analyses.
    for day in [d(2026, 6, 3), d(2026, 6, 4), d(2026, 5, 30)] {
        s.check_in(NewCheckIn { day: Some(day), mood: Some(5), ..Default::default() }).unwrap();
    }
    assert_eq!(s.create_goal(goal(GoalMeasure::CheckInDays, 20, from, to)).unwrap().progress.current, 2);
    let chains = s.create_goal(goal(GoalMeasure::ChainAnalyses, 1, from, to)).unwrap();
    assert_eq!(chains.progress.current, 0);
    for step in ChainStep::ALL {
        s.answer_chain(sl.id, ChainAnswer::Skip { step }).unwrap();
    }
    let chains = s.goal(chains.goal.id).unwrap();
    assert_eq!((chains.progress.current, chains.progress.state), (1, GoalState::Reached));
    // Listing computes every goal's progress in one pass.
    let all = s.goals(false).unwrap();
    assert_eq!(all.goals.len(), 6);
    assert!(all.unreadable.is_empty());
    assert_eq!(all.goals.iter().find(|g| g.goal.id == surfed.goal.id).unwrap().progress.current, 2);
}

#[test]
fn manual_goals_take_entries_and_undo() {
    let s = TestStore::new();
    let (from, to) = frame::this_week(s.clock().today());
    assert_eq!((from, to), (d(2026, 6, 15), d(2026, 6, 21)));
    let g = s
        .create_goal(NewGoal {
            text: "go to a support meeting".into(),
            why: Some("I feel less alone there".into()),
            measure: GoalMeasure::Manual { unit: "meetings".into() },
            target: 2,
            start: None,
            end: to,
        })
        .unwrap();
    assert_eq!(g.goal.start, s.clock().today());
    let p = s.add_goal_progress(g.goal.id, 1, None).unwrap();
    assert_eq!((p.progress.current, p.progress.state), (1, GoalState::Active));
    s.clock.advance(Duration::minutes(1));
    let p = s.add_goal_progress(g.goal.id, 2, None).unwrap();
    assert_eq!((p.progress.current, p.progress.percent, p.progress.state), (3, 100, GoalState::Reached));
    let p = s.undo_goal_progress(g.goal.id).unwrap();
    assert_eq!(p.progress.current, 1);
    assert!(s.add_goal_progress(g.goal.id, 0, None).is_err());
    assert!(s.add_goal_progress(g.goal.id, 1, Some(d(2026, 6, 16))).is_err(), "not for a day still to come");
    assert!(s.add_goal_progress(g.goal.id, 1, Some(d(2026, 6, 14))).is_err(), "outside the frame");
    let tracked = s.create_goal(goal(GoalMeasure::UrgesLogged, 3, from, to)).unwrap();
    assert!(matches!(s.add_goal_progress(tracked.goal.id, 1, None), Err(Error::State(_))));
}

#[test]
fn states_across_time_and_archiving() {
    let s = TestStore::new();
    let upcoming = s.create_goal(goal(GoalMeasure::UrgesLogged, 1, d(2026, 7, 1), d(2026, 7, 31))).unwrap();
    assert_eq!((upcoming.progress.state, upcoming.progress.days_elapsed), (GoalState::Upcoming, 0));
    let g = s.create_goal(goal(GoalMeasure::UrgesSurfed, 3, d(2026, 6, 10), d(2026, 6, 20))).unwrap();
    urge(&s, "2026-06-15 08:00", Some(Outcome::Surfed), &[]);
    s.clock.advance(Duration::days(10)); // 2026-06-25
    let ended = s.goal(g.goal.id).unwrap();
    assert_eq!((ended.progress.state, ended.progress.current, ended.progress.days_left), (GoalState::Ended, 1, 0));
    s.edit_goal(g.goal.id, GoalEdit { archived: Some(true), ..Default::default() }).unwrap();
    assert_eq!(s.goals(false).unwrap().goals.len(), 1);
    assert_eq!(s.goals(true).unwrap().goals.len(), 2);
    // Extending the frame and lowering the target: reached.
    let e = s
        .edit_goal(
            g.goal.id,
            GoalEdit { target: Some(1), end: Some(d(2026, 6, 30)), archived: Some(false), ..Default::default() },
        )
        .unwrap();
    assert_eq!(e.progress.state, GoalState::Reached);
    s.delete_goal(g.goal.id).unwrap();
    assert!(matches!(s.goal(g.goal.id), Err(Error::NotFound { .. })));
}

#[test]
fn validation() {
    let s = TestStore::new();
    let today = s.clock().today();
    let bad = |n: NewGoal| match s.create_goal(n).unwrap_err() {
        Error::Invalid { field, .. } => field,
        e => panic!("{e:?}"),
    };
    assert_eq!(bad(goal(GoalMeasure::UrgesLogged, 0, today, today)), "target");
    assert_eq!(bad(goal(GoalMeasure::UrgesLogged, 5, today, today - Duration::days(1))), "time frame");
    assert_eq!(
        bad(goal(GoalMeasure::UrgesLogged, 5, today - Duration::days(30), today - Duration::days(1))),
        "time frame"
    );
    assert_eq!(bad(goal(GoalMeasure::UrgesLogged, 5, today, today + Duration::days(800))), "time frame");
    assert_eq!(bad(goal(GoalMeasure::DaysWithoutActingOut, 8, today, today + Duration::days(6))), "target");
    assert_eq!(bad(goal(GoalMeasure::Manual { unit: " ".into() }, 1, today, today)), "unit");
    let mut empty = goal(GoalMeasure::UrgesLogged, 1, today, today);
    empty.text = "  ".into();
    assert_eq!(bad(empty), "goal");
    assert!(s.goals(true).unwrap().goals.is_empty());
    let g = s.create_goal(goal(GoalMeasure::UrgesLogged, 1, today, today)).unwrap();
    assert!(s.edit_goal(g.goal.id, GoalEdit::default()).is_err());
    assert!(!format!("{:?}", g.goal).contains("ride out"), "Debug shows no words");
}
