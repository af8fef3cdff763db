#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{Duration, NaiveDate, TimeZone, Utc};

use super::*;
use crate::clock::{ManualClock, Zone};
use crate::testing::TestStore;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn at(store: &Store, local: &str) -> LocalStamp {
    LocalStamp::parse_user(local, &store.clock().zone(), store.clock().now()).unwrap()
}

fn new(intensity: u8) -> NewUrge {
    NewUrge { intensity, ..Default::default() }
}

fn invalid_field(e: Error) -> &'static str {
    match e {
        Error::Invalid { field, .. } => field,
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[test]
fn log_and_read_back_every_field() {
    let s = TestStore::new();
    let u = s
        .log_urge(NewUrge {
            intensity: 7,
            occurred: Some(at(&s, "2026-06-15 09:30")),
            triggers: vec!["Lonely".into(), " late-night  scrolling ".into()],
            feelings: vec!["restless".into()],
            place: Some("home".into()),
            company: Some(Company::Alone),
            activity: Some("phone in bed".into()),
            note: Some("first line\nsecond line".into()),
            duration_secs: Some(1200),
            ended: None,
            outcome: Some(Outcome::Coped),
            strategies: vec!["call Sam".into()],
        })
        .unwrap();
    let back = s.urge(u.id).unwrap();
    assert_eq!(back, u);
    assert_eq!(back.triggers, vec!["Lonely", "late-night scrolling"]);
    assert_eq!(back.local_date(), d(2026, 6, 15));
    assert_eq!(back.logged.utc_ms, s.clock().now().timestamp_millis());
    assert_eq!(back.occurred.zone.as_deref(), Some("Europe/Berlin"));
    assert_eq!(back.ended_utc_ms(), Some(back.occurred.utc_ms + 1_200_000));
}

#[test]
fn validation_errors_name_the_field() {
    let s = TestStore::new();
    assert_eq!(invalid_field(s.log_urge(new(11)).unwrap_err()), "intensity");
    let long = NewUrge { triggers: vec!["x".repeat(5000)], ..new(3) };
    let e = s.log_urge(long).unwrap_err();
    assert!(!e.to_string().contains("xxx"), "the error echoed user text");
    assert_eq!(invalid_field(e), "trigger");
    let start = at(&s, "2026-06-15 10:00");
    let end = at(&s, "2026-06-15 09:00");
    assert_eq!(
        invalid_field(s.log_urge(NewUrge { occurred: Some(start.clone()), ended: Some(end), ..new(3) }).unwrap_err()),
        "end time"
    );
    assert_eq!(
        invalid_field(s.log_urge(NewUrge { duration_secs: Some(25 * 3600), ..new(3) }).unwrap_err()),
        "duration"
    );
    let future = LocalStamp::at(s.clock().now() + Duration::hours(2), &s.clock().zone());
    assert_eq!(invalid_field(s.log_urge(NewUrge { occurred: Some(future), ..new(3) }).unwrap_err()), "time");
    assert_eq!(
        invalid_field(s.log_urge(NewUrge { outcome: Some(Outcome::Coped), ..new(3) }).unwrap_err()),
        "strategies"
    );
    // Nothing was stored by any of the failures.
    assert!(s.is_empty().unwrap());
    let u = s.log_urge(new(3)).unwrap();
    assert_eq!(invalid_field(s.edit_urge(u.id, UrgeEdit::default()).unwrap_err()), "edit");
    let both = UrgeEdit { note: Some("x".into()), clear: vec![UrgeField::Note], ..Default::default() };
    assert_eq!(invalid_field(s.edit_urge(u.id, both).unwrap_err()), "edit");
    assert_eq!(s.urge(u.id).unwrap(), u, "a failed edit changed the entry");
}

#[test]
fn edit_changes_only_what_was_asked_and_can_move_months() {
    let s = TestStore::new();
    let u = s.log_urge(NewUrge { note: Some("keep me".into()), triggers: vec!["bored".into()], ..new(5) }).unwrap();
    s.clock.advance(Duration::minutes(3));
    let e = s.edit_urge(u.id, UrgeEdit { intensity: Some(2), ..Default::default() }).unwrap();
    assert_eq!(e.intensity, 2);
    assert_eq!(e.note.as_deref(), Some("keep me"));
    assert_eq!(e.triggers, vec!["bored"]);
    assert_eq!(e.edited_utc_ms, Some(s.clock().now().timestamp_millis()));
    // Back-date into the previous month: it moves to that day's list.
    let may = at(&s, "2026-05-31 22:00");
    s.edit_urge(u.id, UrgeEdit { occurred: Some(may), clear: vec![UrgeField::Note], ..Default::default() }).unwrap();
    assert!(s.urges_on(d(2026, 6, 15), true).unwrap().urges.is_empty());
    let l = s.urges_on(d(2026, 5, 31), true).unwrap();
    assert_eq!(l.urges.len(), 1);
    assert_eq!(l.urges[0].note, None);
}

#[test]
fn list_by_day_range_and_trigger() {
    let s = TestStore::new();
    for (when, trig) in [
        ("2026-06-13 08:00", "stressed"),
        ("2026-06-14 21:00", "Lonely"),
        ("2026-06-14 07:00", "stressed"),
        ("2026-06-15 11:00", "lonely"),
        ("2026-04-02 11:00", "lonely"),
    ] {
        s.log_urge(NewUrge { occurred: Some(at(&s, when)), triggers: vec![trig.into()], ..new(4) }).unwrap();
    }
    let day = s.urges_on(d(2026, 6, 14), false).unwrap();
    assert_eq!(day.urges.len(), 2);
    assert!(day.urges[0].occurred.utc_ms < day.urges[1].occurred.utc_ms, "oldest first");
    let range =
        s.urges(&UrgeQuery { from: Some(d(2026, 6, 13)), to: Some(d(2026, 6, 14)), ..Default::default() }).unwrap();
    assert_eq!(range.urges.len(), 3);
    let lonely = s.urges(&UrgeQuery { trigger: Some(" LONELY ".into()), ..Default::default() }).unwrap();
    assert_eq!(lonely.urges.len(), 3);
    let since = s.urges(&UrgeQuery { from: Some(d(2026, 6, 14)), ..Default::default() }).unwrap();
    assert_eq!(since.urges.len(), 3);
    assert!(s.urges(&UrgeQuery { from: Some(d(2026, 6, 14)), to: Some(d(2026, 6, 1)), ..Default::default() }).is_err());
    // Details only when asked.
    assert!(s.urges_on(d(2026, 6, 15), false).unwrap().urges[0].note.is_none());
}

#[test]
fn local_days_hold_across_dst_changes_and_travel() {
    // Europe/Berlin: clocks go forward on 2026-03-29 (02:00 -> 03:00) and back on
    // 2026-10-25 (03:00 -> 02:00).
    let berlin = Zone::parse("Europe/Berlin").unwrap();
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 1, 12, 0, 0).unwrap(), berlin);
    let s = TestStore::with_clock(clock);
    let mut ids = Vec::new();
    for (when, day) in [
        ("2026-03-28 23:30", d(2026, 3, 28)),
        ("2026-03-29 00:30", d(2026, 3, 29)),
        ("2026-03-29 23:30", d(2026, 3, 29)),
        ("2026-03-30 00:30", d(2026, 3, 30)),
        ("2026-10-24 23:30", d(2026, 10, 24)),
        ("2026-10-25 00:30", d(2026, 10, 25)),
        ("2026-10-25 23:30", d(2026, 10, 25)),
        ("2026-10-26 00:30", d(2026, 10, 26)),
    ] {
        let u = s.log_urge(NewUrge { occurred: Some(at(&s, when)), ..new(3) }).unwrap();
        ids.push((u.id, day));
    }
    // Fly to New York (6 hours behind): every entry stays on the day it happened there.
    s.clock.set_zone(Zone::parse("America/New_York").unwrap());
    let s = s.reopen();
    for (id, day) in &ids {
        let on_day = s.urges_on(*day, false).unwrap();
        assert!(on_day.urges.iter().any(|u| u.id == *id), "entry moved off {day}");
        assert_eq!(s.urge(*id).unwrap().local_date(), *day);
    }
    // An entry logged now in New York at 23:30 local belongs to New York's day, even though
    // it is already the next day in Berlin and in UTC.
    s.clock.set(Utc.with_ymd_and_hms(2026, 11, 2, 4, 40, 0).unwrap()); // 23:40 on Nov 1 in New York
    assert_eq!(s.clock().today(), d(2026, 11, 1));
    let late = s.log_urge(NewUrge { occurred: Some(at(&s, "23:30")), ..new(6) }).unwrap();
    assert_eq!(late.local_date(), d(2026, 11, 1));
    assert_eq!(s.urges_on(d(2026, 11, 1), false).unwrap().urges.len(), 1);
    assert!(s.urges_on(d(2026, 11, 2), false).unwrap().urges.is_empty());
}

#[test]
fn delete_removes_the_bytes_from_every_file() {
    let s = TestStore::new();
    let u = s.log_urge(NewUrge { note: Some("to be forgotten".into()), ..new(4) }).unwrap();
    let keep = s.log_urge(new(2)).unwrap();
    let path = s.path().to_path_buf();
    let head: Vec<u8> = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row("SELECT head FROM record WHERE id = ?1", [&u.id.as_bytes()[..]], |r| r.get(0))
        .unwrap();
    s.delete_urge(u.id).unwrap();
    assert!(matches!(s.urge(u.id), Err(Error::NotFound { .. })));
    assert!(matches!(s.delete_urge(u.id), Err(Error::NotFound { .. })));
    assert!(s.urge(keep.id).is_ok());
    let mut all = Vec::new();
    for suffix in ["", "-wal", "-shm"] {
        let mut p = path.clone().into_os_string();
        p.push(suffix);
        if let Ok(b) = std::fs::read(std::path::PathBuf::from(p)) {
            all.extend(b);
        }
    }
    let needle = &head[21..53];
    assert!(!all.windows(needle.len()).any(|w| w == needle), "the deleted record's ciphertext is still in the files");
    assert!(!all.windows(16).any(|w| w == u.id.as_bytes()), "the deleted record's id is still in the files");
}

#[test]
fn suggestions_put_own_words_first() {
    let s = TestStore::new();
    for _ in 0..3 {
        s.log_urge(NewUrge { triggers: vec!["work emails".into()], feelings: vec!["wired".into()], ..new(4) }).unwrap();
    }
    let t = s.trigger_suggestions(30).unwrap();
    assert_eq!(t[0], "work emails");
    assert!(t.iter().any(|x| x == "lonely"));
    assert_eq!(s.feeling_suggestions(30).unwrap()[0], "wired");
}

#[test]
fn debug_output_has_no_user_text() {
    let s = TestStore::new();
    let u = s
        .log_urge(NewUrge {
            note: Some("CANARY-note".into()),
            triggers: vec!["CANARY-trigger".into()],
            strategies: vec!["CANARY-strategy".into()],
            outcome: Some(Outcome::Coped),
            ..new(4)
        })
        .unwrap();
    let dbg = format!("{u:?} {:?}", s.urges(&UrgeQuery::default()).unwrap());
    assert!(!dbg.contains("CANARY"), "{dbg}");
    assert!(!dbg.contains("2026"), "a timestamp leaked: {dbg}");
}

#[test]
fn facts_match_full_entries() {
    let s = TestStore::new();
    for i in 0..20u8 {
        s.log_urge(NewUrge {
            occurred: Some(at(&s, &format!("2026-06-{:02} 10:{:02}", 1 + i % 14, i))),
            triggers: vec![format!("t{}", i % 3), "shared".into()],
            feelings: vec!["f".into()],
            strategies: if i % 2 == 0 { vec!["walk".into()] } else { vec![] },
            outcome: Some(if i % 2 == 0 { Outcome::Coped } else { Outcome::Acted }),
            duration_secs: Some(u32::from(i) * 60),
            company: Some(Company::Alone),
            ..new(i % 11)
        })
        .unwrap();
    }
    let full =
        s.urges(&UrgeQuery { from: Some(d(2026, 6, 3)), to: Some(d(2026, 6, 9)), ..Default::default() }).unwrap();
    let mut facts = Vec::new();
    let bad = s
        .visit_urge_facts(Some(d(2026, 6, 3)), Some(d(2026, 6, 9)), |f| {
            facts.push((
                f.id,
                f.occurred_utc_ms,
                f.intensity,
                f.duration_secs,
                f.outcome,
                f.local_date(),
                f.triggers.iter().map(|t| t.to_string()).collect::<Vec<_>>(),
                f.strategies.iter().map(|t| t.to_string()).collect::<Vec<_>>(),
            ))
        })
        .unwrap();
    assert!(bad.is_empty());
    facts.sort_by_key(|f| f.1);
    assert_eq!(facts.len(), full.urges.len());
    assert!(!facts.is_empty());
    for (f, u) in facts.iter().zip(&full.urges) {
        assert_eq!(
            f,
            &(
                u.id,
                u.occurred.utc_ms,
                u.intensity,
                u.duration_secs,
                u.outcome,
                u.local_date(),
                u.triggers.clone(),
                u.strategies.clone()
            )
        );
    }
}

#[test]
fn deleting_an_urge_deletes_its_wave() {
    use crate::surf::{SurfSettings, SurfStart};
    let s = TestStore::new();
    let session = s
        .start_surf(SurfStart { urge: None, intensity: Some(6), settings: SurfSettings::default(), note: None })
        .unwrap();
    let urge_id = session.urge.expect("the session logged an urge");
    assert_eq!(s.urge(urge_id).unwrap().surf_session, Some(session.id));
    s.delete_urge(urge_id).unwrap();
    assert!(matches!(s.surf_session(session.id), Err(Error::NotFound { .. })));
}

#[test]
fn one_trigger_is_added_and_another_removed_in_one_edit() {
    let s = TestStore::new();
    let u = s
        .log_urge(NewUrge { intensity: 5, triggers: vec!["Lonely".into(), "bored".into()], ..Default::default() })
        .unwrap();
    let e = s
        .edit_urge(
            u.id,
            UrgeEdit {
                add_triggers: vec!["after the pub".into()],
                remove_triggers: vec![" LONELY ".into()],
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(e.triggers, vec!["bored", "after the pub"]);
    let both = UrgeEdit { triggers: Some(vec![]), add_triggers: vec!["x".into()], ..Default::default() };
    assert!(s.edit_urge(u.id, both).is_err());
}
