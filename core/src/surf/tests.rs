#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::Duration;

use super::*;
use crate::clock::Clock;
use crate::error::Error;
use crate::notify::{NotificationKind, Wording};
use crate::store::Store;
use crate::testing::TestStore;
use crate::urge::{NewUrge, Outcome};

const MIN: i64 = 60_000;

fn start(s: &Store, intensity: u8) -> SurfSession {
    s.start_surf(SurfStart { intensity: Some(intensity), ..Default::default() }).unwrap()
}

fn now(s: &TestStore) -> i64 {
    s.clock.now().timestamp_millis()
}

fn advance_to(s: &TestStore, t0: i64, ms: i64) {
    let target = chrono::DateTime::from_timestamp_millis(t0 + ms).unwrap();
    s.clock.set(target);
}

fn rated(s: &SurfSession) -> Vec<(i64, Option<u8>, PointKind, Option<u32>)> {
    let t0 = s.started.utc_ms;
    s.points.iter().map(|p| (p.at_utc_ms - t0, p.intensity, p.kind, p.prompt)).collect()
}

#[test]
fn killed_mid_way_and_reopened_seven_minutes_later() {
    let s = TestStore::new();
    let t0 = now(&s);
    let id = start(&s, 6).id;
    advance_to(&s, t0, 2 * MIN);
    s.surf_checkin(id, 7, None).unwrap();
    advance_to(&s, t0, 3 * MIN + 10_000);
    s.surf_checkin(id, 8, Some("tight chest")).unwrap();
    advance_to(&s, t0, 5 * MIN + 30_000);
    // The process dies here: nothing after the last durable write survives but the file.
    let s = s.reopen();
    advance_to(&s, t0, 12 * MIN + 30_000);
    let reopened = s.active_surf().unwrap().expect("the session is still open");
    assert_eq!(reopened.id, id);
    let st = reopened.status(now(&s));
    assert_eq!(st.state, SurfState::Running);
    assert_eq!(st.active_ms, (12 * MIN + 30_000) as u64, "elapsed time comes from the clock");
    assert_eq!(
        rated(&reopened),
        vec![
            (0, Some(6), PointKind::Start, None),
            (2 * MIN, Some(7), PointKind::Anytime, None),
            (3 * MIN + 10_000, Some(8), PointKind::Prompt, Some(1)),
            // Prompts at 6 and 9 minutes went unanswered: recorded as missed, no rating invented.
            (6 * MIN, None, PointKind::Prompt, Some(2)),
            (9 * MIN, None, PointKind::Prompt, Some(3)),
        ]
    );
    assert_eq!(reopened.points[2].note.as_deref(), Some("tight chest"));
    // The 12-minute prompt is due now; the next one comes at 15 minutes.
    assert_eq!(st.pending_prompt, Some(4));
    assert_eq!(st.next_prompt, Some(5));
    assert_eq!(st.next_prompt_at_utc_ms, Some(t0 + 15 * MIN));
    assert_eq!(st.time_up_at_utc_ms, Some(t0 + 20 * MIN));
    // The missed prompts were persisted by reopening, not just computed.
    let stored = s.surf_session(id).unwrap();
    assert_eq!(stored.points.len(), 5);
    assert_eq!(stored.summary().missed, 2);
    // What the app schedules: prompts at 15 and 18 minutes, the end at 20, in neutral words.
    let plan = s.surf_notifications(id).unwrap();
    let times: Vec<(i64, NotificationKind)> = plan.upcoming.iter().map(|n| (n.at_utc_ms - t0, n.kind)).collect();
    assert_eq!(
        times,
        vec![
            (15 * MIN, NotificationKind::CheckIn),
            (18 * MIN, NotificationKind::CheckIn),
            (20 * MIN, NotificationKind::TimeUp)
        ]
    );
    assert_eq!(plan.next.as_ref().unwrap().at_utc_ms, t0 + 15 * MIN);
    for n in &plan.upcoming {
        let text = format!("{} {}", n.title, n.body).to_lowercase();
        assert!(!text.contains("urge") && !text.contains("sexual"), "{text}");
        assert!(n.key.starts_with(&plan.group));
    }
    // Answering now answers the 12-minute prompt; the session continues.
    let after = s.surf_checkin(id, 5, None).unwrap();
    assert_eq!(after.points.last().unwrap().prompt, Some(4));
    assert_eq!(after.status(now(&s)).pending_prompt, None);
}

#[test]
fn pauses_stop_the_timer_and_its_prompts() {
    let s = TestStore::new();
    let t0 = now(&s);
    let id = start(&s, 5).id;
    advance_to(&s, t0, 4 * MIN);
    s.pause_surf(id).unwrap();
    // Paused is paused across a restart too.
    let s = s.reopen();
    advance_to(&s, t0, 14 * MIN);
    let sess = s.active_surf().unwrap().unwrap();
    let st = sess.status(now(&s));
    assert_eq!((st.state, st.active_ms), (SurfState::Paused, 4 * MIN as u64));
    assert_eq!(sess.summary().missed, 0, "no prompt falls due while paused");
    assert!(s.surf_notifications(id).unwrap().upcoming.is_empty(), "nothing to schedule while paused");
    s.resume_surf(id).unwrap();
    let st = s.surf_session(id).unwrap().status(now(&s));
    assert_eq!(st.state, SurfState::Running);
    // Prompt 1 was answered? No: it was due at 3 minutes and is still waiting for an answer.
    assert_eq!(st.pending_prompt, Some(1));
    // Prompt 2 is due at 6 active minutes: 2 minutes from now.
    assert_eq!(st.next_prompt_at_utc_ms, Some(t0 + 16 * MIN));
    // A missed prompt is placed at the wall time it was due.
    advance_to(&s, t0, 17 * MIN);
    let sess = s.reopen_surf(id).unwrap();
    let missed: Vec<i64> = sess.points.iter().filter(|p| p.missed()).map(|p| p.at_utc_ms - t0).collect();
    assert_eq!(missed, vec![3 * MIN]);
    // Pausing twice or resuming while running changes nothing.
    s.resume_surf(id).unwrap();
    assert_eq!(s.surf_session(id).unwrap(), sess);
}

#[test]
fn ending_updates_the_urge_in_the_same_transaction() {
    let s = TestStore::new();
    let t0 = now(&s);
    let sess = start(&s, 5);
    let urge_id = sess.urge.unwrap();
    assert!(sess.urge_created);
    assert_eq!(s.urge(urge_id).unwrap().surf_session, Some(sess.id));
    let id = sess.id;
    for (m, v) in [(3, 7), (6, 9), (9, 6), (12, 4), (15, 2)] {
        advance_to(&s, t0, m * MIN + 5_000);
        s.surf_checkin(id, v, None).unwrap();
    }
    advance_to(&s, t0, 17 * MIN);
    let ended = s
        .end_surf(id, SurfEnd { outcome: SurfOutcome::Passed, intensity: Some(1), note: None, strategies: vec![] })
        .unwrap();
    let w = ended.summary();
    assert_eq!(w.peak, Some(9));
    assert_eq!(w.time_to_peak_ms, Some((6 * MIN + 5_000) as u64));
    // Half of 9 is 4.5: first at or below it is the 4 at 12 minutes.
    assert_eq!(w.peak_to_half_ms, Some((6 * MIN) as u64));
    assert_eq!(w.passed_without_acting, Some(true));
    assert_eq!((w.first, w.last, w.ratings, w.missed), (Some(5), Some(1), 7, 0));
    let u = s.urge(urge_id).unwrap();
    assert_eq!(u.outcome, Some(Outcome::Surfed));
    assert_eq!(u.duration_secs, Some(17 * 60));
    assert_eq!(u.surf_session, Some(id));
    assert_eq!(u.intensity, 9, "an entry made by the session records the peak");
    // Ended is ended.
    assert!(matches!(s.surf_checkin(id, 3, None), Err(Error::State(_))));
    assert!(s.surf_notifications(id).unwrap().upcoming.is_empty());
    assert!(s.active_surf().unwrap().is_none());
}

#[test]
fn surfing_a_logged_urge_with_the_plan_or_acting() {
    let s = TestStore::new();
    let t0 = now(&s);
    s.clock.advance(Duration::minutes(-10));
    let logged = s.log_urge(NewUrge { intensity: 6, ..Default::default() }).unwrap();
    advance_to(&s, t0, 0);
    let sess = s
        .start_surf(SurfStart {
            urge: Some(logged.id),
            intensity: None,
            settings: SurfSettings::minutes(10, 2),
            note: None,
        })
        .unwrap();
    assert!(sess.points.is_empty(), "no starting rating given, none invented");
    // The same urge cannot get a second session.
    advance_to(&s, t0, 4 * MIN);
    let e = s.start_surf(SurfStart { urge: Some(logged.id), intensity: Some(3), ..Default::default() }).unwrap_err();
    assert!(matches!(e, Error::State(_)), "another session is open: {e}");
    s.surf_checkin(sess.id, 0, None).unwrap();
    advance_to(&s, t0, 5 * MIN);
    s.end_surf(sess.id, SurfEnd { outcome: SurfOutcome::UsedPlan, intensity: None, note: None, strategies: vec![] })
        .unwrap();
    let u = s.urge(logged.id).unwrap();
    assert_eq!(u.outcome, Some(Outcome::Coped));
    assert_eq!(u.strategies, vec!["my coping plan"]);
    // It reached 0 at 4 minutes into the session, 14 minutes after it began.
    assert_eq!(u.duration_secs, Some(14 * 60));
    assert_eq!(u.intensity, 6, "the person's own rating of a logged urge is kept");
    assert!(u.edited_utc_ms.is_some());
    assert!(matches!(
        s.start_surf(SurfStart { urge: Some(logged.id), intensity: Some(3), ..Default::default() }),
        Err(Error::Invalid { field: "urge", .. })
    ));

    // Acting on it is recorded as it is, and "still strong" settles nothing.
    let b = start(&s, 8);
    advance_to(&s, t0, 8 * MIN);
    let b = s
        .end_surf(
            b.id,
            SurfEnd { outcome: SurfOutcome::Acted, intensity: Some(9), note: None, strategies: vec!["walk".into()] },
        )
        .unwrap();
    let u = s.urge(b.urge.unwrap()).unwrap();
    assert_eq!((u.outcome, u.strategies.clone()), (Some(Outcome::Acted), vec!["walk".to_string()]));
    assert_eq!(b.summary().passed_without_acting, Some(false));
    let c = start(&s, 7);
    let c = s
        .end_surf(
            c.id,
            SurfEnd { outcome: SurfOutcome::StillStrong, intensity: Some(7), note: None, strategies: vec![] },
        )
        .unwrap();
    let u = s.urge(c.urge.unwrap()).unwrap();
    assert_eq!((u.outcome, u.duration_secs), (None, None));
    assert_eq!(c.summary().passed_without_acting, Some(false));
}

#[test]
fn a_session_left_open_is_closed_honestly() {
    let s = TestStore::new();
    let t0 = now(&s);
    let sess = start(&s, 6);
    advance_to(&s, t0, 2 * MIN);
    s.surf_checkin(sess.id, 8, None).unwrap();
    // Forgotten for three hours.
    advance_to(&s, t0, 180 * MIN);
    assert!(s.active_surf().unwrap().is_none());
    let closed = s.surf_session(sess.id).unwrap();
    let ending = closed.ending.unwrap();
    // Closed when its active time reached twice its length, with no outcome assumed.
    assert_eq!((ending.at_utc_ms - t0, ending.outcome, ending.closed_by), (40 * MIN, None, ClosedBy::Timeout));
    // Every prompt up to the end of the timer is missed; no rating is invented.
    assert_eq!(closed.summary().missed, 6);
    assert_eq!(closed.summary().ratings, 2);
    assert_eq!(closed.summary().passed_without_acting, None);
    let u = s.urge(closed.urge.unwrap()).unwrap();
    assert_eq!((u.outcome, u.duration_secs, u.surf_session), (None, None, Some(sess.id)));
    assert!(matches!(s.surf_checkin(sess.id, 3, None), Err(Error::State(_))));

    // A pause left for longer than twice the length closes it at that point.
    let b = s
        .start_surf(SurfStart { intensity: Some(4), settings: SurfSettings::minutes(10, 3), ..Default::default() })
        .unwrap();
    let tb = now(&s);
    advance_to(&s, tb, MIN);
    s.pause_surf(b.id).unwrap();
    advance_to(&s, tb, 30 * MIN);
    let e = s.resume_surf(b.id).unwrap_err();
    assert!(matches!(e, Error::State(_)), "{e}");
    // The refusal still saved the closing.
    let b = s.surf_session(b.id).unwrap();
    assert_eq!(b.ending.unwrap().at_utc_ms - tb, 21 * MIN);
    assert_eq!(b.status(now(&s)).active_ms, MIN as u64);
}

#[test]
fn a_clock_that_goes_backwards_counts_as_no_time() {
    let s = TestStore::new();
    let t0 = now(&s);
    let id = start(&s, 5).id;
    advance_to(&s, t0, 5 * MIN);
    s.surf_checkin(id, 6, None).unwrap();
    advance_to(&s, t0, 2 * MIN);
    let sess = s.reopen_surf(id).unwrap();
    assert_eq!(sess.status(now(&s)).active_ms, 5 * MIN as u64);
    s.surf_checkin(id, 4, None).unwrap();
    let sess = s.surf_session(id).unwrap();
    assert!(sess.points.windows(2).all(|w| w[0].at_utc_ms <= w[1].at_utc_ms));
}

#[test]
fn settings_and_ratings_are_checked() {
    let s = TestStore::new();
    for (settings, field) in [
        (SurfSettings::minutes(0, 3), "length"),
        (SurfSettings::minutes(500, 3), "length"),
        (SurfSettings::minutes(20, 0), "interval"),
        (SurfSettings::minutes(5, 10), "interval"),
    ] {
        let e = s.start_surf(SurfStart { intensity: Some(5), settings, ..Default::default() }).unwrap_err();
        assert!(matches!(e, Error::Invalid { field: f, .. } if f == field), "{e}");
    }
    assert!(matches!(
        s.start_surf(SurfStart { intensity: Some(11), ..Default::default() }),
        Err(Error::Invalid { field: "intensity", .. })
    ));
    assert!(matches!(s.start_surf(SurfStart::default()), Err(Error::Invalid { field: "intensity", .. })));
    let id = start(&s, 5).id;
    assert!(matches!(s.surf_checkin(id, 12, None), Err(Error::Invalid { field: "intensity", .. })));
    assert!(SurfOutcome::parse("still strong").is_ok() && SurfOutcome::parse("meh").is_err());
}

#[test]
fn explicit_wording_when_the_client_chooses_it() {
    let s = TestStore::new();
    let id = start(&s, 5).id;
    s.set_notification_wording(Wording::Explicit).unwrap();
    let plan = s.surf_notifications(id).unwrap();
    assert_eq!(plan.upcoming.len(), 7);
    assert!(plan.upcoming.iter().all(|n| n.body.to_lowercase().contains("urge")));
}

#[test]
fn deleting_a_session_unlinks_its_urge_and_the_wave_is_encrypted() {
    let s = TestStore::new();
    let sess = start(&s, 5);
    s.clock.advance(Duration::minutes(1));
    s.surf_checkin(sess.id, 6, Some("canary-wave-note")).unwrap();
    let file = std::fs::read(s.path()).unwrap();
    let wal = std::fs::read(format!("{}-wal", s.path().display())).unwrap_or_default();
    for b in [file, wal] {
        assert!(!b.windows(16).any(|w| w == b"canary-wave-note"));
    }
    let listed = s.surf_sessions(Some(s.clock.today()), Some(s.clock.today())).unwrap();
    assert_eq!(listed.sessions.len(), 1);
    s.delete_surf(sess.id).unwrap();
    assert_eq!(s.urge(sess.urge.unwrap()).unwrap().surf_session, None);
    assert!(matches!(s.surf_session(sess.id), Err(Error::NotFound { .. })));
    // The urge can be surfed again; deleting the urge then deletes that session and its wave.
    let again = s.start_surf(SurfStart { urge: sess.urge, intensity: Some(4), ..Default::default() }).unwrap();
    s.delete_urge(sess.urge.unwrap()).unwrap();
    assert!(matches!(s.surf_session(again.id), Err(Error::NotFound { .. })));
    assert!(matches!(
        s.end_surf(
            again.id,
            SurfEnd { outcome: SurfOutcome::Passed, intensity: Some(0), note: None, strategies: vec![] }
        ),
        Err(Error::NotFound { .. })
    ));
}

#[test]
fn wave_figures() {
    let p = |min: i64, v: Option<u8>| WavePoint {
        at_utc_ms: min * MIN,
        active_ms: (min * MIN) as u64,
        kind: PointKind::Anytime,
        prompt: None,
        intensity: v,
        note: None,
    };
    let pts = vec![p(0, Some(4)), p(3, Some(7)), p(5, None), p(6, Some(7)), p(9, Some(4)), p(12, Some(3))];
    let w = wave::summarize(&pts, 0, None);
    assert_eq!((w.peak, w.time_to_peak_ms), (Some(7), Some(3 * MIN as u64)));
    // 2 × 3 <= 7, while 2 × 4 > 7.
    assert_eq!(w.peak_to_half_ms, Some(9 * MIN as u64));
    assert_eq!((w.missed, w.ratings, w.passed_without_acting), (1, 5, None));
    assert_eq!(wave::summarize(&[p(0, Some(0))], 0, None).peak_to_half_ms, None);
    assert_eq!(
        wave::summarize(&[], 0, Some(SurfOutcome::Acted)),
        WaveSummary { passed_without_acting: Some(false), ..Default::default() }
    );
    // The urge ended at the first 0 that stayed 0.
    let pts = vec![p(0, Some(5)), p(3, Some(0)), p(6, Some(2)), p(9, Some(0)), p(12, None)];
    assert_eq!(wave::ended_at(&pts, 20 * MIN), 9 * MIN);
    assert_eq!(wave::ended_at(&pts[..3], 20 * MIN), 20 * MIN);
}
