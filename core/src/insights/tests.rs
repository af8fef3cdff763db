#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{Duration, NaiveDate, TimeZone, Utc};

use super::*;
use crate::checkin::NewCheckIn;
use crate::clock::{ManualClock, Zone};
use crate::slip::NewSlip;
use crate::testing::TestStore;
use crate::time::LocalStamp;
use crate::urge::{NewUrge, Outcome};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn at(s: &TestStore, local: &str) -> LocalStamp {
    LocalStamp::parse_user(local, &s.clock().zone(), s.clock().now()).unwrap()
}

fn urge(s: &TestStore, when: &str, intensity: u8, outcome: Option<Outcome>, triggers: &[&str]) -> crate::urge::Urge {
    s.log_urge(NewUrge {
        intensity,
        occurred: Some(at(s, when)),
        outcome,
        triggers: triggers.iter().map(|t| t.to_string()).collect(),
        ..Default::default()
    })
    .unwrap()
}

fn range(a: NaiveDate, b: NaiveDate) -> DaySpan {
    DaySpan::new(a, b).unwrap()
}

#[test]
fn an_acted_urge_and_its_slip_count_once() {
    let s = TestStore::new();
    let linked = urge(&s, "2026-06-10 22:00", 8, Some(Outcome::Acted), &[]);
    urge(&s, "2026-06-11 22:00", 7, Some(Outcome::Acted), &[]);
    s.log_slip(NewSlip { what: "x".into(), occurred: None, urge: Some(linked.id) }).unwrap();
    s.log_slip(NewSlip { what: "y".into(), occurred: Some(at(&s, "2026-06-13 01:00")), urge: None }).unwrap();
    let r = range(d(2026, 6, 8), d(2026, 6, 14));
    let a = s.insights(r).unwrap().value.acting_out;
    assert_eq!((a.events, a.from_slips, a.from_urges), (3, 2, 1));
    // Tracked from the first entry (the 10th) to the 14th; acting out on the 10th, 11th, 13th.
    assert_eq!((a.days_tracked, a.days_without), (5, 2));
    assert_eq!(a.intervals.count, 2);
    assert_eq!(a.intervals.longest_secs, Some(27 * 3600));
    assert_eq!(a.intervals.median_secs, Some((24 * 3600 + 27 * 3600) / 2));
}

#[test]
fn progress_never_resets_the_longest_interval() {
    let clock =
        ManualClock::new(Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap(), Zone::parse("Europe/Berlin").unwrap());
    let s = TestStore::with_clock(clock);
    // First entry 1 March; acting out on 21 March; now 31 March.
    urge(&s, "2026-03-01 13:00", 3, Some(Outcome::Surfed), &[]);
    s.clock.set(Utc.with_ymd_and_hms(2026, 3, 31, 11, 0, 0).unwrap());
    s.log_slip(NewSlip { what: "x".into(), occurred: Some(at(&s, "2026-03-21 13:00")), urge: None }).unwrap();
    let p = s.progress().unwrap().value;
    assert_eq!(p.tracking_since, Some(d(2026, 3, 1)));
    assert_eq!(p.acting_out_total, 1);
    assert_eq!(p.last_acting_out_day, Some(d(2026, 3, 21)));
    assert_eq!(p.longest_interval_secs, Some(20 * 86_400), "1 to 21 March");
    // 21 March 13:00 CET to 31 March 13:00 CEST (clocks went forward on the 29th): 10 days less an hour.
    assert_eq!(p.current_interval_secs, Some(10 * 86_400 - 3600));
    assert!(!p.current_is_longest);
    assert_eq!((p.last_30_days.days_tracked, p.last_30_days.days_without_acting_out), (30, 29));
    // 30 January to 1 March: only 1 March, the first day with an entry, is counted.
    assert_eq!((p.previous_30_days.days_tracked, p.previous_30_days.days_without_acting_out), (1, 1));
    assert_eq!((p.urges_surfed_total, p.urges_total), (1, 1));
    // Three more weeks: the current interval passes the longest.
    s.clock.advance(Duration::days(21));
    let p = s.progress().unwrap().value;
    assert!(p.current_is_longest);
    assert_eq!(p.longest_interval_secs, p.current_interval_secs);
}

#[test]
fn right_after_a_slip_the_longer_view_comes_first_and_the_current_stretch_not_at_all() {
    let clock =
        ManualClock::new(Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap(), Zone::parse("Europe/Berlin").unwrap());
    let s = TestStore::with_clock(clock);
    urge(&s, "2026-03-01 13:00", 3, Some(Outcome::Surfed), &[]);
    s.clock.set(Utc.with_ymd_and_hms(2026, 3, 31, 11, 0, 0).unwrap());
    s.log_slip(NewSlip { what: "x".into(), occurred: None, urge: None }).unwrap();
    let p = s.progress().unwrap().value;
    let after = p.sentences_after_slip();
    assert_eq!(after[0], "Last 30 days: 29 of 30 days without acting out (the 30 days before: 1 of 1).");
    assert!(after[1].starts_with("Longest stretch without acting out so far: 29 days"), "{after:?}");
    assert!(after.iter().all(|l| !l.contains("Current stretch") && !l.contains("less than an hour")), "{after:?}");
    // On the insights screen the current stretch is there, but last.
    let all = p.sentences();
    assert_eq!(all[0], after[0]);
    let current = all.iter().position(|l| l.starts_with("Current stretch: less than an hour")).unwrap();
    assert!(current > 1, "{all:?}");
}

#[test]
fn local_hour_and_day_are_where_the_urge_happened() {
    let s = TestStore::new();
    let ny = Zone::parse("America/New_York").unwrap();
    // 22:30 in New York on Sunday 7 June = Monday 04:30 in Berlin.
    let t = ny.resolve(d(2026, 6, 7).and_hms_opt(22, 30, 0).unwrap()).unwrap();
    s.log_urge(NewUrge { intensity: 5, occurred: Some(LocalStamp::at(t, &ny)), ..Default::default() }).unwrap();
    let i = s.insights(range(d(2026, 6, 1), d(2026, 6, 14))).unwrap().value;
    assert_eq!(i.hour_grid.get(Weekday::Sunday.index(), 22), 1);
    assert_eq!(i.hour_grid.max, 1);
    assert_eq!(i.per_day.iter().find(|x| x.urges == 1).unwrap().day, d(2026, 6, 7));
    assert_eq!(i.per_week.len(), 2);
    assert_eq!(i.per_week[0].urges, 1);
}

#[test]
fn urge_numbers_and_triggers() {
    let s = TestStore::new();
    urge(&s, "2026-06-08 21:00", 4, Some(Outcome::Surfed), &["Lonely", "bored"]);
    urge(&s, "2026-06-09 21:00", 9, Some(Outcome::Acted), &["lonely"]);
    urge(&s, "2026-06-10 21:00", 6, None, &["  LONELY ", "stressed"]);
    s.log_urge(NewUrge {
        intensity: 2,
        occurred: Some(at(&s, "2026-06-11 08:00")),
        duration_secs: Some(600),
        ..Default::default()
    })
    .unwrap();
    s.log_urge(NewUrge {
        intensity: 1,
        occurred: Some(at(&s, "2026-06-12 08:00")),
        duration_secs: Some(1500),
        ..Default::default()
    })
    .unwrap();
    let i = s.insights(range(d(2026, 6, 8), d(2026, 6, 14))).unwrap().value;
    let u = &i.urges;
    assert_eq!(u.total, 5);
    assert_eq!(u.intensity_mean, Some(22.0 / 5.0));
    assert_eq!(u.intensity_peak, Some(9));
    assert_eq!(u.median_duration_secs, Some(1050));
    assert_eq!((u.surfed, u.acted, u.outcome_unrecorded), (1, 1, 3));
    assert_eq!(u.surfed_share, Some(0.5));
    assert_eq!(i.top_triggers[0].trigger, "LONELY", "the most recent spelling");
    assert_eq!((i.top_triggers[0].urges, i.top_triggers[0].acted), (3, 1));
    assert_eq!(
        i.top_triggers.iter().map(|t| t.trigger.as_str()).collect::<Vec<_>>(),
        vec!["LONELY", "bored", "stressed"]
    );
    // An empty range is all zeros, not an error.
    let e = s.insights(range(d(2025, 1, 1), d(2025, 1, 7))).unwrap().value;
    assert_eq!((e.urges.total, e.urges.intensity_mean, e.urges.surfed_share), (0, None, None));
    assert!(e.top_triggers.is_empty() && e.high_risk_windows.is_empty());
}

#[test]
fn check_in_links_follow_the_data() {
    let s = TestStore::new(); // today 2026-06-15
                              // 20 days: sleep rating s, next day 10 - s urges; stress constant.
    for k in 0..20i64 {
        let day = d(2026, 5, 20) + Duration::days(k);
        let sleep = (k % 5 * 2) as u8;
        s.check_in(NewCheckIn { day: Some(day), sleep: Some(sleep), stress: Some(5), ..Default::default() }).unwrap();
        let next = day + Duration::days(1);
        for n in 0..(10 - sleep) {
            let t = s.clock().zone().resolve(next.and_hms_opt(10, u32::from(n), 0).unwrap()).unwrap();
            s.log_urge(NewUrge {
                intensity: 3,
                occurred: Some(LocalStamp::at(t, &s.clock().zone())),
                ..Default::default()
            })
            .unwrap();
        }
    }
    let c = s.insights(range(d(2026, 5, 20), d(2026, 6, 10))).unwrap().value.check_ins;
    assert_eq!(c.days, 20);
    let sleep = c.measures.iter().find(|m| m.measure == crate::checkin::Measure::Sleep).unwrap();
    let next = sleep.next_day.unwrap();
    assert!((next.r + 1.0).abs() < 1e-9, "{}", next.r);
    assert_eq!(next.pairs, 20);
    let stress = c.measures.iter().find(|m| m.measure == crate::checkin::Measure::Stress).unwrap();
    assert_eq!(stress.mean, Some(5.0));
    assert!(stress.next_day.is_none(), "a rating that never varies has no correlation");
    let mood = c.measures.iter().find(|m| m.measure == crate::checkin::Measure::Mood).unwrap();
    assert_eq!((mood.days, mood.mean), (0, None));
}

#[test]
fn weekly_summary_is_numbers_only_and_stable() {
    let s = TestStore::new();
    urge(&s, "2026-06-08 23:00", 6, Some(Outcome::Surfed), &["CANARY-trigger"]);
    s.log_urge(NewUrge {
        intensity: 8,
        occurred: Some(at(&s, "2026-06-09 07:00")),
        outcome: Some(Outcome::Coped),
        strategies: vec!["CANARY-strategy".into()],
        note: Some("CANARY-note".into()),
        ..Default::default()
    })
    .unwrap();
    s.log_slip(NewSlip { what: "CANARY-what".into(), occurred: Some(at(&s, "2026-06-10 13:00")), urge: None }).unwrap();
    s.check_in(NewCheckIn {
        day: Some(d(2026, 6, 9)),
        mood: Some(4),
        note: Some("CANARY-words".into()),
        ..Default::default()
    })
    .unwrap();
    s.check_in(NewCheckIn { day: Some(d(2026, 6, 10)), mood: Some(7), ..Default::default() }).unwrap();
    let week = s.weekly_summaries(range(d(2026, 6, 10), d(2026, 6, 10)), SummaryOptions::default()).unwrap().value;
    assert_eq!(week.len(), 1);
    let w = &week[0];
    assert_eq!(w.week_start, d(2026, 6, 8));
    assert_eq!((w.urges, w.urges_surfed, w.urges_with_strategies, w.acting_out, w.slips), (2, 2, 1, 1, 1));
    assert_eq!((w.days_tracked, w.days_without_acting_out), (7, 6));
    assert_eq!(w.urges_by_part_of_day, PartsOfDay { night: 0, morning: 1, afternoon: 0, evening: 1 });
    assert_eq!((w.check_in_days, w.mood_mean, w.stress_mean), (2, Some(5.5), None));
    let json = serde_json::to_string(w).unwrap();
    assert!(!json.contains("CANARY"), "{json}");
    // The field names are the format: a rename breaks what clinicians' apps read.
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let mut keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        vec![
            "acting_out",
            "chain_analyses_completed",
            "check_in_days",
            "days_tracked",
            "days_without_acting_out",
            "format",
            "intensity_mean",
            "intensity_peak",
            "loneliness_mean",
            "median_duration_secs",
            "mood_mean",
            "sleep_mean",
            "slips",
            "stress_mean",
            "urges",
            "urges_acted",
            "urges_by_part_of_day",
            "urges_outcome_unrecorded",
            "urges_surfed",
            "urges_with_strategies",
            "week_start",
        ]
    );
    assert_eq!(v["week_start"], "2026-06-08");
    assert_eq!(v["format"], SUMMARY_FORMAT);
    let back: WeeklySummary = serde_json::from_str(&json).unwrap();
    assert_eq!(&back, w);
    // Trigger names only when asked for.
    let named = s
        .weekly_summaries(range(d(2026, 6, 8), d(2026, 6, 14)), SummaryOptions { include_trigger_names: true })
        .unwrap()
        .value;
    assert_eq!(named[0].top_triggers.as_ref().unwrap()[0].trigger, "CANARY-trigger");
    // The current week counts only the days so far; later weeks are left out.
    let now = s.weekly_summaries(range(d(2026, 6, 15), d(2026, 7, 31)), SummaryOptions::default()).unwrap().value;
    assert_eq!(now.len(), 1);
    assert_eq!(now[0].days_tracked, 1);
    // Weeks before the first entry have no tracked days: nothing is claimed about them.
    let before = s.weekly_summaries(range(d(2026, 5, 25), d(2026, 5, 31)), SummaryOptions::default()).unwrap().value;
    assert_eq!((before[0].days_tracked, before[0].days_without_acting_out), (0, 0));
}

#[test]
fn ranges_are_checked() {
    let s = TestStore::new();
    assert!(DaySpan::new(d(2026, 6, 2), d(2026, 6, 1)).is_err());
    assert!(DaySpan::new(d(1990, 1, 1), d(2026, 6, 1)).is_err());
    let data = s.insight_data(Some(range(d(2026, 6, 1), d(2026, 6, 7)))).unwrap();
    assert!(data.insights(range(d(2026, 5, 31), d(2026, 6, 7))).is_err(), "outside the loaded days");
    assert!(data.progress().is_err(), "progress needs the whole history");
    assert!(data.weekly_summary(d(2026, 6, 2), SummaryOptions::default()).is_err(), "weeks start on Monday");
}

#[test]
fn check_in_times_come_from_recent_weeks() {
    let s = TestStore::new(); // Monday 2026-06-15
                              // Twelve Friday evenings at 22:xx, and a scattering elsewhere.
    for k in 0..12i64 {
        let friday = d(2026, 6, 12) - Duration::weeks(k);
        for m in [5u32, 25, 45] {
            let t = s.clock().zone().resolve(friday.and_hms_opt(22, m, 0).unwrap()).unwrap();
            s.log_urge(NewUrge {
                intensity: 6,
                occurred: Some(LocalStamp::at(t, &s.clock().zone())),
                ..Default::default()
            })
            .unwrap();
        }
        let tuesday = friday - Duration::days(3);
        let t = s.clock().zone().resolve(tuesday.and_hms_opt(9, 0, 0).unwrap()).unwrap();
        s.log_urge(NewUrge {
            intensity: 2,
            occurred: Some(LocalStamp::at(t, &s.clock().zone())),
            ..Default::default()
        })
        .unwrap();
    }
    let w = s.check_in_times(12).unwrap().value;
    assert_eq!(w.len(), 2, "{w:?}");
    assert_eq!(w[0].start, WeekTime { weekday: Weekday::Friday, hour: 22, minute: 0 });
    assert_eq!(w[0].hours, 1);
    assert_eq!(w[0].check_in, WeekTime { weekday: Weekday::Friday, hour: 21, minute: 30 });
    assert!((w[0].share - 36.0 / 48.0).abs() < 1e-12);
    // This week alone holds too few urges to say anything.
    assert!(s.check_in_times(1).unwrap().value.is_empty());
}
