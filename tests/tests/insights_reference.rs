//! Acceptance: insights over a generated five-year history (40,000 urges, 2,000 slips, 1,800
//! check-ins) equal a plain reference computation written here, naively, from the full
//! records the public API returns (`Store::urges`, `Store::slips`, `Store::check_ins`).
//!
//! The reference shares no code with `companion_core::insights`: it groups full records by
//! day in hash maps and loops, exactly as the definitions in the insights module's files read.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, Duration, NaiveDate, Timelike};
use companion_core::checkin::{CheckIn, Measure};
use companion_core::insights::*;
use companion_core::slip::{ChainStatus, Slip, VulnerabilityFactor};
use companion_core::text::fold;
use companion_core::urge::{Outcome, Urge, UrgeQuery};
use companion_core::RecordId;
use companion_tests::history::{generate, Spec};
use serde_json::Value;

/// Everything the reference reads, straight from the public API.
struct Records {
    urges: Vec<Urge>,
    slips: Vec<Slip>,
    check_ins: Vec<CheckIn>,
    today: NaiveDate,
    now_ms: i64,
}

impl Records {
    /// The first local day with any entry.
    fn first_day(&self) -> Option<NaiveDate> {
        self.urges
            .iter()
            .map(|u| u.local_date())
            .chain(self.slips.iter().map(|s| s.local_date()))
            .chain(self.check_ins.iter().map(|c| c.day))
            .min()
    }

    fn urges_in(&self, from: NaiveDate, to: NaiveDate) -> Vec<&Urge> {
        let mut v: Vec<&Urge> = self.urges.iter().filter(|u| u.local_date() >= from && u.local_date() <= to).collect();
        v.sort_by_key(|u| (u.occurred.utc_ms, u.id));
        v
    }

    /// (time, local day) of each time of acting out in the range.
    fn acting_out(&self, from: NaiveDate, to: NaiveDate) -> Vec<(i64, NaiveDate, bool)> {
        let linked: HashSet<RecordId> = self.slips.iter().filter_map(|s| s.urge).collect();
        let mut v: Vec<(i64, NaiveDate, bool)> = Vec::new();
        for s in &self.slips {
            if s.local_date() >= from && s.local_date() <= to {
                v.push((s.occurred.utc_ms, s.local_date(), true));
            }
        }
        for u in self.urges_in(from, to) {
            if u.outcome == Some(Outcome::Acted) && !linked.contains(&u.id) {
                v.push((u.occurred.utc_ms, u.local_date(), false));
            }
        }
        v.sort_by_key(|e| e.0);
        v
    }
}

fn days(from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    let mut d = from;
    while d <= to {
        out.push(d);
        d = d.succ_opt().unwrap();
    }
    out
}

fn monday_of(d: NaiveDate) -> NaiveDate {
    d - Duration::days(d.weekday().num_days_from_monday() as i64)
}

fn median(mut v: Vec<i64>) -> Option<i64> {
    if v.is_empty() {
        return None;
    }
    v.sort();
    let n = v.len();
    Some(if n % 2 == 1 { v[n / 2] } else { (v[n / 2 - 1] + v[n / 2]) / 2 })
}

fn mean_u8(v: &[u8]) -> Option<f64> {
    if v.is_empty() {
        None
    } else {
        Some(v.iter().map(|x| *x as f64).sum::<f64>() / v.len() as f64)
    }
}

fn surfed(o: Option<Outcome>) -> bool {
    matches!(o, Some(Outcome::Surfed) | Some(Outcome::Coped))
}

fn score(c: &CheckIn, m: Measure) -> Option<u8> {
    match m {
        Measure::Mood => c.mood,
        Measure::Stress => c.stress,
        Measure::Loneliness => c.loneliness,
        Measure::Sleep => c.sleep,
    }
}

fn pearson(pairs: &[(f64, f64)]) -> Option<Correlation> {
    if pairs.len() < 14 {
        return None;
    }
    let n = pairs.len() as f64;
    let mx: f64 = pairs.iter().map(|p| p.0).sum::<f64>() / n;
    let my: f64 = pairs.iter().map(|p| p.1).sum::<f64>() / n;
    let cov: f64 = pairs.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    let vx: f64 = pairs.iter().map(|p| (p.0 - mx).powi(2)).sum();
    let vy: f64 = pairs.iter().map(|p| (p.1 - my).powi(2)).sum();
    if vx == 0.0 || vy == 0.0 {
        return None;
    }
    Some(Correlation { r: cov / (vx.sqrt() * vy.sqrt()), pairs: pairs.len() as u32 })
}

fn reference_insights(rec: &Records, from: NaiveDate, to: NaiveDate) -> Insights {
    let urges = rec.urges_in(from, to);
    let events = rec.acting_out(from, to);
    let all_days = days(from, to);

    // Urge summary.
    let intensities: Vec<u8> = urges.iter().map(|u| u.intensity).collect();
    let recorded = urges.iter().filter(|u| u.outcome.is_some()).count();
    let summary = UrgeSummary {
        total: urges.len() as u32,
        per_day_mean: urges.len() as f64 / all_days.len() as f64,
        intensity_mean: mean_u8(&intensities),
        intensity_peak: intensities.iter().copied().max(),
        median_duration_secs: median(urges.iter().filter_map(|u| u.duration_secs.map(i64::from)).collect())
            .map(|m| m as u32),
        with_duration: urges.iter().filter(|u| u.duration_secs.is_some()).count() as u32,
        surfed: urges.iter().filter(|u| u.outcome == Some(Outcome::Surfed)).count() as u32,
        coped: urges.iter().filter(|u| u.outcome == Some(Outcome::Coped)).count() as u32,
        acted: urges.iter().filter(|u| u.outcome == Some(Outcome::Acted)).count() as u32,
        outcome_unrecorded: urges.iter().filter(|u| u.outcome.is_none()).count() as u32,
        surfed_share: if recorded == 0 {
            None
        } else {
            Some(urges.iter().filter(|u| surfed(u.outcome)).count() as f64 / recorded as f64)
        },
        with_strategies: urges.iter().filter(|u| !u.strategies.is_empty()).count() as u32,
    };

    // Per day.
    let mut by_day: HashMap<NaiveDate, Vec<&Urge>> = HashMap::new();
    for u in &urges {
        by_day.entry(u.local_date()).or_default().push(u);
    }
    let per_day: Vec<DayCount> = all_days
        .iter()
        .map(|d| {
            let list = by_day.get(d).cloned().unwrap_or_default();
            DayCount {
                day: *d,
                urges: list.len() as u32,
                surfed: list.iter().filter(|u| surfed(u.outcome)).count() as u32,
                acting_out: events.iter().filter(|e| e.1 == *d).count() as u32,
            }
        })
        .collect();

    // Per week.
    let mut per_week: Vec<WeekCount> = Vec::new();
    for dc in &per_day {
        let m = monday_of(dc.day);
        if per_week.last().map(|w| w.week_start) != Some(m) {
            let in_week: Vec<u8> =
                urges.iter().filter(|u| monday_of(u.local_date()) == m).map(|u| u.intensity).collect();
            per_week.push(WeekCount {
                week_start: m,
                days: 0,
                urges: 0,
                surfed: 0,
                acting_out: 0,
                intensity_mean: mean_u8(&in_week),
            });
        }
        let w = per_week.last_mut().unwrap();
        w.days += 1;
        w.urges += dc.urges;
        w.surfed += dc.surfed;
        w.acting_out += dc.acting_out;
    }

    // Acting out.
    let elapsed: Vec<NaiveDate> =
        all_days.iter().copied().filter(|d| *d <= rec.today && Some(*d) >= rec.first_day()).collect();
    let gaps: Vec<i64> = events.windows(2).map(|w| (w[1].0 - w[0].0) / 1000).collect();
    let acting_out = ActingOutSummary {
        events: events.len() as u32,
        from_slips: events.iter().filter(|e| e.2).count() as u32,
        from_urges: events.iter().filter(|e| !e.2).count() as u32,
        days_without: elapsed.iter().filter(|d| !events.iter().any(|e| e.1 == **d)).count() as u32,
        days_tracked: elapsed.len() as u32,
        intervals: IntervalStats {
            count: gaps.len() as u32,
            median_secs: median(gaps.clone()),
            mean_secs: if gaps.is_empty() { None } else { Some(gaps.iter().sum::<i64>() as f64 / gaps.len() as f64) },
            longest_secs: gaps.iter().copied().max(),
        },
    };

    // Top triggers: grouped by folded name, labelled by the most recent spelling.
    let mut groups: HashMap<String, (u32, u32, u64, String)> = HashMap::new();
    for u in &urges {
        let mut seen: Vec<String> = Vec::new();
        for t in &u.triggers {
            let f = fold(t);
            if seen.contains(&f) {
                continue;
            }
            seen.push(f.clone());
            let e = groups.entry(f).or_insert((0, 0, 0, String::new()));
            e.0 += 1;
            if u.outcome == Some(Outcome::Acted) {
                e.1 += 1;
            }
            e.2 += u.intensity as u64;
            e.3 = t.clone();
        }
    }
    let mut top: Vec<(String, TriggerStat)> = groups
        .into_iter()
        .map(|(f, (n, a, s, label))| {
            (f, TriggerStat { trigger: label, urges: n, acted: a, intensity_mean: s as f64 / n as f64 })
        })
        .collect();
    top.sort_by(|a, b| b.1.urges.cmp(&a.1.urges).then(a.0.cmp(&b.0)));
    let top_triggers: Vec<TriggerStat> = top.into_iter().take(10).map(|x| x.1).collect();

    // The grid.
    let mut cells = vec![vec![0u32; 24]; 7];
    let mut acted_cells = vec![vec![0u32; 24]; 7];
    for u in &urges {
        let l = u.occurred.local();
        cells[l.weekday().num_days_from_monday() as usize][l.hour() as usize] += 1;
        if u.outcome == Some(Outcome::Acted) {
            acted_cells[l.weekday().num_days_from_monday() as usize][l.hour() as usize] += 1;
        }
    }
    let max = cells.iter().flatten().copied().max().unwrap();
    let hour_grid = HourGrid { cells: cells.clone(), max };

    // Check-ins.
    let check_ins: Vec<&CheckIn> = rec.check_ins.iter().filter(|c| c.day >= from && c.day <= to).collect();
    let count_on = |d: NaiveDate| -> Option<f64> {
        if d < from || d > to || d > rec.today {
            None
        } else {
            Some(by_day.get(&d).map_or(0, |v| v.len()) as f64)
        }
    };
    let measures = Measure::ALL
        .iter()
        .map(|m| {
            let rated: Vec<(&CheckIn, u8)> = check_ins.iter().filter_map(|c| score(c, *m).map(|s| (*c, s))).collect();
            let same: Vec<(f64, f64)> =
                rated.iter().filter_map(|(c, s)| count_on(c.day).map(|y| (*s as f64, y))).collect();
            let next: Vec<(f64, f64)> =
                rated.iter().filter_map(|(c, s)| count_on(c.day.succ_opt().unwrap()).map(|y| (*s as f64, y))).collect();
            let scores: Vec<u8> = rated.iter().map(|x| x.1).collect();
            MeasureLink {
                measure: *m,
                days: scores.len() as u32,
                mean: mean_u8(&scores),
                same_day: pearson(&same),
                next_day: pearson(&next),
            }
        })
        .collect();
    let check_in_summary = CheckInSummary { days: check_ins.len() as u32, measures };

    // High-risk windows, by the rule in windows.rs.
    let total: u32 = cells.iter().flatten().sum();
    let flat: Vec<u32> = (0..168).map(|i| cells[i / 24][i % 24]).collect();
    let flat_acted: Vec<u32> = (0..168).map(|i| acted_cells[i / 24][i % 24]).collect();
    let busy = |i: usize| flat[i % 168] >= 3 && flat[i % 168] as u64 * 168 >= 2 * total as u64;
    let mut windows: Vec<(usize, RiskWindow)> = Vec::new();
    if total >= 10 {
        for start in 0..168 {
            if !busy(start) || busy((start + 167) % 168) {
                continue;
            }
            let mut len = 0;
            while len < 168 && busy(start + len) {
                len += 1;
            }
            let n: u32 = (start..start + len).map(|i| flat[i % 168]).sum();
            let a: u32 = (start..start + len).map(|i| flat_acted[i % 168]).sum();
            let minutes_before = (start * 60 + 168 * 60 - 30) % (168 * 60);
            windows.push((
                start,
                RiskWindow {
                    start: WeekTime { weekday: Weekday::ALL[start / 24], hour: (start % 24) as u8, minute: 0 },
                    hours: len as u8,
                    urges: n,
                    acted: a,
                    share: n as f64 / total as f64,
                    check_in: WeekTime {
                        weekday: Weekday::ALL[minutes_before / 1440],
                        hour: (minutes_before / 60 % 24) as u8,
                        minute: (minutes_before % 60) as u8,
                    },
                },
            ));
        }
    }
    windows.sort_by(|a, b| b.1.urges.cmp(&a.1.urges).then(a.0.cmp(&b.0)));
    let high_risk_windows: Vec<RiskWindow> = windows.into_iter().take(3).map(|w| w.1).collect();

    // Slips.
    let slips: Vec<&Slip> = rec.slips.iter().filter(|s| s.local_date() >= from && s.local_date() <= to).collect();
    let mut factors: Vec<FactorCount> = VulnerabilityFactor::ALL
        .iter()
        .map(|f| FactorCount {
            factor: *f,
            slips: slips.iter().filter(|s| s.chain.vulnerabilities.iter().any(|v| v.factor == *f)).count() as u32,
        })
        .filter(|f| f.slips > 0)
        .collect();
    factors.sort_by_key(|f| std::cmp::Reverse(f.slips));
    let slip_summary = SlipSummary {
        slips: slips.len() as u32,
        analyses_complete: slips.iter().filter(|s| s.chain.status() == ChainStatus::Complete).count() as u32,
        analyses_in_progress: slips
            .iter()
            .filter(|s| matches!(s.chain.status(), ChainStatus::InProgress { .. }))
            .count() as u32,
        factors,
    };

    Insights {
        range: DaySpan { from, to },
        urges: summary,
        per_day,
        per_week,
        acting_out,
        top_triggers,
        hour_grid,
        check_ins: check_in_summary,
        high_risk_windows,
        slips: slip_summary,
    }
}

fn reference_progress(rec: &Records) -> Progress {
    let min = NaiveDate::from_ymd_opt(1990, 1, 1).unwrap();
    let events = rec.acting_out(min, rec.today + Duration::days(1));
    let first_day = rec.first_day();
    let first_ms = rec
        .urges
        .iter()
        .map(|u| u.occurred.utc_ms)
        .chain(rec.slips.iter().map(|s| s.occurred.utc_ms))
        .chain(rec.check_ins.iter().map(|c| c.first_at.utc_ms))
        .min()
        .unwrap();
    let mut marks = vec![first_ms];
    marks.extend(events.iter().map(|e| e.0.max(first_ms)));
    let current = (rec.now_ms - marks.last().unwrap()).max(0) / 1000;
    let longest = marks.windows(2).map(|w| (w[1] - w[0]) / 1000).max().unwrap_or(0).max(current);
    let period = |from: NaiveDate, to: NaiveDate| {
        let ev = rec.acting_out(from, to);
        let tracked: Vec<NaiveDate> = days(from, to).into_iter().filter(|d| Some(*d) >= first_day).collect();
        let urges = rec.urges_in(from, to);
        let ints: Vec<u8> = urges.iter().map(|u| u.intensity).collect();
        PeriodStats {
            from,
            to,
            days_tracked: tracked.len() as u32,
            days_without_acting_out: tracked.iter().filter(|d| !ev.iter().any(|e| e.1 == **d)).count() as u32,
            acting_out: ev.len() as u32,
            urges: urges.len() as u32,
            urges_surfed: urges.iter().filter(|u| surfed(u.outcome)).count() as u32,
            intensity_mean: mean_u8(&ints),
        }
    };
    let last_from = rec.today - Duration::days(29);
    Progress {
        tracking_since: first_day,
        acting_out_total: events.len() as u32,
        last_acting_out_day: events.last().map(|e| e.1),
        current_interval_secs: Some(current),
        longest_interval_secs: Some(longest),
        current_is_longest: current >= longest,
        last_30_days: period(last_from, rec.today),
        previous_30_days: period(last_from - Duration::days(30), last_from - Duration::days(1)),
        urges_surfed_total: rec.urges.iter().filter(|u| surfed(u.outcome)).count() as u32,
        urges_total: rec.urges.len() as u32,
    }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn reference_week(rec: &Records, monday: NaiveDate) -> WeeklySummary {
    let sunday = monday + Duration::days(6);
    let i = reference_insights(rec, monday, sunday);
    let urges = rec.urges_in(monday, sunday);
    let part = |a: u32, b: u32| urges.iter().filter(|u| (a..=b).contains(&u.occurred.local().hour())).count() as u32;
    let checks: Vec<&CheckIn> = rec.check_ins.iter().filter(|c| c.day >= monday && c.day <= sunday).collect();
    let mean_of = |m: Measure| {
        let v: Vec<u8> = checks.iter().filter_map(|c| score(c, m)).collect();
        mean_u8(&v).map(round1)
    };
    WeeklySummary {
        format: 1,
        week_start: monday,
        days_tracked: i.acting_out.days_tracked,
        urges: i.urges.total,
        urges_surfed: i.urges.surfed + i.urges.coped,
        urges_acted: i.urges.acted,
        urges_outcome_unrecorded: i.urges.outcome_unrecorded,
        urges_with_strategies: i.urges.with_strategies,
        intensity_mean: i.urges.intensity_mean.map(round1),
        intensity_peak: i.urges.intensity_peak,
        median_duration_secs: i.urges.median_duration_secs,
        urges_by_part_of_day: PartsOfDay {
            night: part(0, 5),
            morning: part(6, 11),
            afternoon: part(12, 17),
            evening: part(18, 23),
        },
        acting_out: i.acting_out.events,
        days_without_acting_out: i.acting_out.days_without,
        slips: i.slips.slips,
        chain_analyses_completed: rec
            .slips
            .iter()
            .filter(|s| {
                s.chain_completed.as_ref().is_some_and(|c| c.local_date() >= monday && c.local_date() <= sunday)
            })
            .count() as u32,
        check_in_days: checks.len() as u32,
        mood_mean: mean_of(Measure::Mood),
        stress_mean: mean_of(Measure::Stress),
        loneliness_mean: mean_of(Measure::Loneliness),
        sleep_mean: mean_of(Measure::Sleep),
        top_triggers: None,
    }
}

/// Equal as JSON, with floats equal to 1e-9 (sums in a different order round differently).
fn assert_same(what: &str, got: &Value, want: &Value, path: &str) {
    match (got, want) {
        (Value::Number(a), Value::Number(b)) if a.is_f64() || b.is_f64() => {
            let (x, y) = (a.as_f64().unwrap(), b.as_f64().unwrap());
            assert!((x - y).abs() <= 1e-9 * (1.0 + y.abs()), "{what}: {path}: {x} != {y}");
        }
        (Value::Array(a), Value::Array(b)) => {
            assert_eq!(a.len(), b.len(), "{what}: {path}: lengths differ");
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                assert_same(what, x, y, &format!("{path}[{i}]"));
            }
        }
        (Value::Object(a), Value::Object(b)) => {
            let mut ka: Vec<&String> = a.keys().collect();
            let mut kb: Vec<&String> = b.keys().collect();
            ka.sort();
            kb.sort();
            assert_eq!(ka, kb, "{what}: {path}: fields differ");
            for k in ka {
                assert_same(what, &a[k], &b[k], &format!("{path}.{k}"));
            }
        }
        _ => assert_eq!(got, want, "{what}: {path}"),
    }
}

fn same<T: serde::Serialize>(what: &str, got: &T, want: &T) {
    assert_same(what, &serde_json::to_value(got).unwrap(), &serde_json::to_value(want).unwrap(), "");
}

#[test]
fn insights_over_five_years_equal_a_plain_reference() {
    let started = std::time::Instant::now();
    let h = generate(Spec::FIVE_YEARS_HEAVY);
    eprintln!("generated in {:?}", started.elapsed());
    let s = &h.store;
    let urges = s.urges(&UrgeQuery::default()).unwrap();
    let slips = s.slips(None, None).unwrap();
    let check_ins = s.check_ins(h.first_day, h.today, false).unwrap();
    assert!(urges.unreadable.is_empty() && slips.unreadable.is_empty() && check_ins.unreadable.is_empty());
    assert_eq!(urges.urges.len(), 40_000);
    assert_eq!(slips.slips.len(), 2_000);
    assert_eq!(check_ins.check_ins.len(), 1_800);
    let rec = Records {
        urges: urges.urges,
        slips: slips.slips,
        check_ins: check_ins.check_ins,
        today: h.today,
        now_ms: h.now.timestamp_millis(),
    };
    // The generated history exercises what it claims to.
    assert!(rec.slips.iter().filter(|s| s.urge.is_some()).count() > 500);
    assert!(rec.slips.iter().any(|s| s.chain.is_complete()));
    assert!(rec.urges.iter().any(|u| u.occurred.zone.as_deref() == Some("America/New_York")));

    let all = s.insight_data(None).unwrap();
    assert!(all.unreadable.is_empty());
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    let ranges = [
        (h.first_day, h.today),                  // everything
        (d(2025, 1, 1), d(2025, 12, 31)),        // a calendar year, both DST changes
        (d(2021, 12, 20), d(2022, 1, 9)),        // a trip to New York
        (h.today - Duration::days(83), h.today), // the CLI's default twelve weeks
        (d(2021, 1, 1), d(2026, 12, 31)),        // before the first entry, past today
        (d(2024, 3, 31), d(2024, 3, 31)),        // one day
    ];
    for (from, to) in ranges {
        let r = DaySpan::new(from, to).unwrap();
        let want = reference_insights(&rec, from, to);
        let got = all.insights(r).unwrap();
        same(&format!("insights {from}..{to}"), &got, &want);
        // Loading only the range gives the same answer as loading everything.
        let scoped = s.insights(r).unwrap();
        assert!(scoped.unreadable.is_empty());
        same(&format!("range-loaded insights {from}..{to}"), &scoped.value, &want);
    }
    let full = all.insights(DaySpan::new(h.first_day, h.today).unwrap()).unwrap();
    assert!(!full.high_risk_windows.is_empty(), "the evening cluster is found");
    assert!(full.check_ins.measures.iter().any(|m| m.next_day.is_some_and(|c| c.r < -0.1)), "poor sleep, more urges");

    same("progress", &all.progress().unwrap(), &reference_progress(&rec));

    let year = DaySpan::new(h.today - Duration::days(364), h.today).unwrap();
    let weeks = all.weekly_summaries(year, SummaryOptions::default()).unwrap();
    assert_eq!(weeks.len(), 53);
    for w in &weeks {
        same(&format!("week of {}", w.week_start), w, &reference_week(&rec, w.week_start));
    }
    eprintln!("checked in {:?}", started.elapsed());
}
