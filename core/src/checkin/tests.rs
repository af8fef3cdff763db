#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{Duration, NaiveDate, TimeZone, Utc};

use super::*;
use crate::clock::{ManualClock, Zone};
use crate::testing::TestStore;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn invalid_field(e: Error) -> &'static str {
    match e {
        Error::Invalid { field, .. } => field,
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[test]
fn a_second_check_in_the_same_day_updates_it() {
    let s = TestStore::new();
    let first = s
        .check_in(NewCheckIn {
            mood: Some(3),
            stress: Some(8),
            sleep: Some(4),
            note: Some("rough morning".into()),
            ..Default::default()
        })
        .unwrap();
    assert!(!first.updated);
    assert_eq!(first.check_in.day, d(2026, 6, 15));
    s.clock.advance(Duration::hours(8));
    let second = s
        .check_in(NewCheckIn {
            mood: Some(6),
            loneliness: Some(2),
            note: Some("better after the walk".into()),
            ..Default::default()
        })
        .unwrap();
    assert!(second.updated);
    let c = second.check_in;
    assert_eq!(c.id, first.check_in.id, "still one check-in for the day");
    assert_eq!((c.mood, c.stress, c.loneliness, c.sleep), (Some(6), Some(8), Some(2), Some(4)));
    assert_eq!(c.note.as_deref(), Some("rough morning\n\nbetter after the walk"));
    assert_eq!(c.saves, 2);
    assert_eq!(c.first_at, first.check_in.first_at);
    assert!(c.at.utc_ms > c.first_at.utc_ms);
    // Yesterday (forgotten) is a separate check-in.
    let y = s.check_in(NewCheckIn { day: Some(d(2026, 6, 14)), stress: Some(2), ..Default::default() }).unwrap();
    assert!(!y.updated);
    let all = s.check_ins(d(2026, 6, 1), d(2026, 6, 30), true).unwrap();
    assert_eq!(all.check_ins.len(), 2);
    assert_eq!(all.check_ins[0].day, d(2026, 6, 14));
    // Without words, nothing written is decrypted.
    let heads = s.check_ins(d(2026, 6, 1), d(2026, 6, 30), false).unwrap();
    assert!(heads.check_ins.iter().all(|c| c.note.is_none()));
    assert_eq!(s.check_in_on(d(2026, 6, 15)).unwrap().unwrap().mood, Some(6));
    assert!(s.check_in_on(d(2026, 6, 13)).unwrap().is_none());
}

#[test]
fn validation() {
    let s = TestStore::new();
    assert_eq!(invalid_field(s.check_in(NewCheckIn { mood: Some(11), ..Default::default() }).unwrap_err()), "mood");
    assert_eq!(invalid_field(s.check_in(NewCheckIn::default()).unwrap_err()), "check-in");
    assert_eq!(
        invalid_field(s.check_in(NewCheckIn { note: Some("   ".into()), ..Default::default() }).unwrap_err()),
        "check-in"
    );
    assert_eq!(
        invalid_field(
            s.check_in(NewCheckIn { day: Some(d(2026, 6, 16)), mood: Some(5), ..Default::default() }).unwrap_err()
        ),
        "day"
    );
    let long = "q".repeat(NOTE_MAX_CHARS + 1);
    let e = s.check_in(NewCheckIn { note: Some(long), ..Default::default() }).unwrap_err();
    assert!(!e.to_string().contains("qqq"));
    assert!(s.is_empty().unwrap(), "a refused check-in wrote nothing");
    // Appending that would pass the limit is refused and keeps the earlier words.
    s.check_in(NewCheckIn { note: Some("a".repeat(NOTE_MAX_CHARS - 1)), ..Default::default() }).unwrap();
    assert_eq!(
        invalid_field(s.check_in(NewCheckIn { note: Some("more".into()), ..Default::default() }).unwrap_err()),
        "words"
    );
    assert_eq!(s.check_in_on(d(2026, 6, 15)).unwrap().unwrap().note.unwrap().len(), NOTE_MAX_CHARS - 1);
}

#[test]
fn edit_clears_and_corrects() {
    let s = TestStore::new();
    let c = s
        .check_in(NewCheckIn { mood: Some(2), sleep: Some(3), note: Some("typo".into()), ..Default::default() })
        .unwrap()
        .check_in;
    let e = s
        .edit_check_in(c.id, CheckInEdit { mood: Some(4), clear: vec![CheckInField::Note], ..Default::default() })
        .unwrap();
    assert_eq!((e.mood, e.sleep, e.note.as_deref()), (Some(4), Some(3), None));
    assert_eq!(invalid_field(s.edit_check_in(c.id, CheckInEdit::default()).unwrap_err()), "edit");
    let both = CheckInEdit { sleep: Some(1), clear: vec![CheckInField::Sleep], ..Default::default() };
    assert_eq!(invalid_field(s.edit_check_in(c.id, both).unwrap_err()), "edit");
    let empty = CheckInEdit { clear: vec![CheckInField::Mood, CheckInField::Sleep], ..Default::default() };
    assert_eq!(invalid_field(s.edit_check_in(c.id, empty).unwrap_err()), "check-in");
    s.delete_check_in(c.id).unwrap();
    assert!(s.check_in_on(d(2026, 6, 15)).unwrap().is_none());
    assert!(matches!(s.delete_check_in(c.id), Err(Error::NotFound { .. })));
}

#[test]
fn the_day_is_the_local_day_of_the_device() {
    // 23:30 in New York is already the next day in UTC and in Berlin.
    let clock = ManualClock::new(
        Utc.with_ymd_and_hms(2026, 6, 16, 3, 30, 0).unwrap(),
        Zone::parse("America/New_York").unwrap(),
    );
    let s = TestStore::with_clock(clock);
    let c = s.check_in(NewCheckIn { mood: Some(5), ..Default::default() }).unwrap().check_in;
    assert_eq!(c.day, d(2026, 6, 15));
    // Flying home does not move it.
    s.clock.set_zone(Zone::parse("Europe/Berlin").unwrap());
    let s = s.reopen();
    assert_eq!(s.check_in_on(d(2026, 6, 15)).unwrap().unwrap().id, c.id);
    // In Berlin it is now the 16th: a new check-in is a new day.
    let n = s.check_in(NewCheckIn { mood: Some(7), ..Default::default() }).unwrap();
    assert!(!n.updated);
    assert_eq!(n.check_in.day, d(2026, 6, 16));
}

#[test]
fn anchors_describe_each_scale() {
    for m in Measure::ALL {
        assert!(!m.low_anchor().is_empty() && !m.high_anchor().is_empty() && m.question().ends_with('?'));
    }
    assert!(Measure::Sleep.higher_is_better() && !Measure::Stress.higher_is_better());
}

#[test]
fn a_damaged_check_in_does_not_stop_checking_in_that_month() {
    use crate::store::Period;
    let s = TestStore::new();
    let damaged = RecordId::from_bytes([0xaa; 16]);
    let today = s.clock().today();
    s.write(|tx| tx.put_raw(RecordKind::CheckIn, damaged, Period::Month(Month::of(today)), b"\x01\xff", None)).unwrap();
    let saved = s.check_in(NewCheckIn { mood: Some(6), ..Default::default() }).unwrap();
    assert!(!saved.updated);
    let listed = s.check_ins(today, today, true).unwrap();
    assert_eq!(listed.check_ins.len(), 1);
    assert_eq!(listed.unreadable.iter().map(|u| u.id).collect::<Vec<_>>(), vec![damaged], "it is named, not dropped");
}
