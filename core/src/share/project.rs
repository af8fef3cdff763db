//! Projection: the data a consent covers, as the entries of its share document. This is the
//! only way data reaches a share document, so what a category and window exclude can never
//! be sent. Each entry is keyed by the local record's id (or the week's Monday for weekly
//! summaries), so edits update it in place and deletions remove it.

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate};
use serde_json::{json, Value};

use super::{Category, Window};
use crate::error::Result;
use crate::insights::{DaySpan, SummaryOptions};
use crate::plan::model::CopingPlan;
use crate::store::{RecordKind, Store};
use crate::urge::UrgeQuery;

/// The projected contents of one share.
#[derive(Clone, PartialEq)]
pub enum Projected {
    Entries(BTreeMap<String, Value>),
    Plan(CopingPlan),
}

impl Projected {
    pub fn len(&self) -> usize {
        match self {
            Projected::Entries(e) => e.len(),
            Projected::Plan(p) => {
                p.warning_signs.len()
                    + p.triggers.len()
                    + p.strategy_count()
                    + p.distractions.len()
                    + p.people.len()
                    + p.professionals.len()
                    + p.environment.len()
                    + p.reasons.len()
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A readable JSON rendering (the preview).
    pub fn to_json(&self) -> Value {
        match self {
            Projected::Entries(e) => Value::Object(e.clone().into_iter().collect()),
            Projected::Plan(p) => super::plan::plan_json(p),
        }
    }
}

/// What never leaves the device with a category.
pub fn never_sent(c: Category) -> &'static [&'static str] {
    match c {
        Category::WeeklySummaries => &["any words you wrote", "individual urges, slips and check-ins", "exact times"],
        Category::Urges => &["notes", "where you were", "what you were doing"],
        Category::Notes => &["anything but the words written with urges and their dates"],
        Category::SurfWaves => &["notes added during a session"],
        Category::ExerciseSessions => &["notes added to an exercise"],
        Category::Slips => &["urges and notes not part of a slip"],
        Category::CheckIns => &["anything but your check-ins"],
        Category::Goals => &["anything but your goals and their progress"],
        Category::CopingPlan => &["how often strategies helped you", "your urge log"],
    }
}

/// Monday of the week holding `d`.
fn monday(d: NaiveDate) -> NaiveDate {
    d - Duration::days(i64::from(d.weekday().num_days_from_monday()))
}

/// Weekly summaries cover whole weeks: the first week shared is the one starting on or after
/// the consent's first day, so no day before the consent is counted in any summary.
fn summary_weeks(store: &Store, w: Window) -> Option<(NaiveDate, NaiveDate)> {
    let today = store.clock().today();
    let first = match w.from {
        Some(f) if monday(f) == f => f,
        Some(f) => monday(f) + Duration::days(7),
        None => monday(earliest_activity(store)?),
    };
    let last_day = w.until.map(|u| u.min(today)).unwrap_or(today);
    // The last week shared ends on or before `until`; the current week is shared as it grows.
    let last = match w.until {
        Some(u) if monday(u) + Duration::days(6) > u => monday(u) - Duration::days(7),
        _ => monday(last_day),
    };
    (first <= last).then_some((first, last))
}

/// The first day of the earliest month holding urges, slips or check-ins.
fn earliest_activity(store: &Store) -> Option<NaiveDate> {
    [RecordKind::Urge, RecordKind::Slip, RecordKind::CheckIn]
        .into_iter()
        .flat_map(|k| store.months_of(k))
        .min()
        .and_then(|m| NaiveDate::from_ymd_opt(m.year, m.month, 1))
}

fn put(map: &mut BTreeMap<String, Value>, key: impl ToString, v: Value) {
    map.insert(key.to_string(), v);
}

/// Build the projection of `category` over `window`.
pub fn project(store: &Store, category: Category, window: Window) -> Result<Projected> {
    let mut out = BTreeMap::new();
    let (from, to) = (window.from, window.until);
    match category {
        Category::CopingPlan => return Ok(Projected::Plan(store.plan()?.plan)),
        Category::WeeklySummaries => {
            if let Some((first, last)) = summary_weeks(store, window) {
                let span = DaySpan::new(first, last + Duration::days(6))?;
                let report = store.weekly_summaries(span, SummaryOptions::default())?;
                for s in report.value {
                    // Weeks before the app was first used say nothing: leave them out.
                    if s.week_start < first || s.week_start > last || s.days_tracked == 0 {
                        continue;
                    }
                    let v =
                        serde_json::to_value(&s).map_err(|_| crate::error::Error::State("summary encoding failed"))?;
                    put(&mut out, s.week_start, v);
                }
            }
        }
        Category::Urges | Category::Notes => {
            let with_details = category == Category::Notes;
            let l = store.urges(&UrgeQuery { from, to, trigger: None, with_details })?;
            for u in l.urges.iter().filter(|u| window.covers(u.local_date())) {
                let v = if category == Category::Urges {
                    json!({
                        "occurred_at": u.occurred.to_rfc3339(),
                        "local_date": u.local_date().to_string(),
                        "intensity": u.intensity,
                        "triggers": u.triggers,
                        "feelings": u.feelings,
                        "company": u.company.map(|c| match c { crate::urge::Company::Alone => "alone", crate::urge::Company::WithOthers => "with_others" }),
                        "duration_secs": u.duration_secs,
                        "outcome": u.outcome.map(|o| o.as_str()),
                        "strategies": u.strategies,
                    })
                } else {
                    if u.note.is_none() && u.place.is_none() && u.activity.is_none() {
                        continue;
                    }
                    json!({
                        "occurred_at": u.occurred.to_rfc3339(),
                        "note": u.note,
                        "place": u.place,
                        "activity": u.activity,
                    })
                };
                put(&mut out, u.id, v);
            }
        }
        Category::SurfWaves => {
            let l = store.surf_sessions(from, to)?;
            for s in l.sessions.iter().filter(|s| window.covers(s.started.local_date())) {
                let points: Vec<Value> = s
                    .points
                    .iter()
                    .map(|p| json!({ "at_ms": p.active_ms, "intensity": p.intensity, "kind": p.kind.as_str() }))
                    .collect();
                let summary = s.summary();
                put(
                    &mut out,
                    s.id,
                    json!({
                        "started_at": s.started.to_rfc3339(),
                        "length_secs": s.settings.length_secs,
                        "interval_secs": s.settings.interval_secs,
                        "points": points,
                        "outcome": s.ending.and_then(|e| e.outcome).map(|o| o.as_str()),
                        "peak": summary.peak,
                        "passed_without_acting": summary.passed_without_acting,
                    }),
                );
            }
        }
        Category::ExerciseSessions => {
            let l = store.exercise_sessions(from, to)?;
            for e in l.sessions.iter().filter(|e| window.covers(e.local_date())) {
                put(
                    &mut out,
                    e.id,
                    json!({
                        "exercise": e.key,
                        "title": e.title,
                        "started_at": e.started.to_rfc3339(),
                        "active_secs": e.active_ms / 1000,
                        "completed": e.completed,
                        "distress_before": e.distress_before,
                        "distress_after": e.distress_after,
                    }),
                );
            }
        }
        Category::Slips => {
            let l = store.slips(from, to)?;
            for s in l.slips.iter().filter(|s| window.covers(s.local_date())) {
                put(
                    &mut out,
                    s.id,
                    json!({
                        "occurred_at": s.occurred.to_rfc3339(),
                        "what": s.what,
                        "chain": serde_json::to_value(&s.chain).unwrap_or(Value::Null),
                        "chain_completed": s.chain_completed.is_some(),
                    }),
                );
            }
        }
        Category::CheckIns => {
            let today = store.clock().today();
            let a = from.unwrap_or(NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or(today));
            let b = to.unwrap_or(today + Duration::days(1));
            if a <= b {
                let l = store.check_ins(a, b, true)?;
                for c in l.check_ins.iter().filter(|c| window.covers(c.day)) {
                    put(
                        &mut out,
                        c.id,
                        json!({
                            "day": c.day.to_string(),
                            "mood": c.mood,
                            "stress": c.stress,
                            "loneliness": c.loneliness,
                            "sleep": c.sleep,
                            "words": c.note,
                        }),
                    );
                }
            }
        }
        Category::Goals => {
            let l = store.goals(true)?;
            for g in l
                .goals
                .iter()
                .filter(|g| window.covers(g.goal.start) || window.covers(g.goal.end) || window.from.is_none())
            {
                put(
                    &mut out,
                    g.goal.id,
                    json!({
                        "text": g.goal.text,
                        "why": g.goal.why,
                        "measure": g.goal.measure.unit(),
                        "target": g.goal.target,
                        "start": g.goal.start.to_string(),
                        "end": g.goal.end.to_string(),
                        "current": g.progress.current,
                        "percent": g.progress.percent,
                        "archived": g.goal.archived,
                    }),
                );
            }
        }
    }
    Ok(Projected::Entries(out))
}
