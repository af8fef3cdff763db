//! Insights over facts that come from elsewhere than this device's store: a clinician's copy
//! of what a client shared. [`InsightData::from_facts`] loads them as [`Store::insight_data`]
//! loads the whole history, so every insight is computed by the same code and says the same
//! as on the client's device for the same entries.
//!
//! [`Store::insight_data`]: crate::store::Store::insight_data

use chrono::NaiveDate;

use super::data::{whole_history_start, CheckInFact, InsightData, UrgeLoader};
use crate::id::RecordId;
use crate::slip::{ChainStatus, SlipHead, VulnerabilityFactor};
use crate::urge::UrgeFacts;

/// A slip, as insights read it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SlipFacts {
    pub id: RecordId,
    pub occurred_utc_ms: i64,
    /// Its local day where it happened.
    pub day: NaiveDate,
    /// The urge entry it followed, if linked (then the two count as one time of acting out).
    pub urge: Option<RecordId>,
    pub factors: Vec<VulnerabilityFactor>,
    pub status: ChainStatus,
    /// The local day its chain analysis was finished, if known.
    pub completed_day: Option<NaiveDate>,
}

/// One day's check-in ratings, in the order of [`crate::checkin::Measure::ALL`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CheckInFacts {
    pub day: NaiveDate,
    /// When it was first saved (UTC milliseconds).
    pub first_utc_ms: i64,
    pub scores: [Option<u8>; 4],
}

impl InsightData {
    /// Insight data over the given entries, taken as the whole history; `today` and `now_ms`
    /// are the entries' owner's (their local day, and the moment the data is read).
    pub fn from_facts<'a>(
        today: NaiveDate,
        now_ms: i64,
        urges: impl IntoIterator<Item = UrgeFacts<'a>>,
        slips: impl IntoIterator<Item = SlipFacts>,
        check_ins: impl IntoIterator<Item = CheckInFacts>,
    ) -> InsightData {
        let mut loaded = UrgeLoader::default();
        for u in urges {
            loaded.push(&u);
        }
        let mut slips: Vec<SlipHead> = slips
            .into_iter()
            .map(|s| SlipHead {
                id: s.id,
                utc_ms: s.occurred_utc_ms,
                day: s.day,
                urge: s.urge,
                factors: s.factors,
                status: s.status,
                completed_day: s.completed_day,
                // Insights count slips; a risk flag is read where the words are shown.
                risk: None,
            })
            .collect();
        slips.sort_by_key(|h| (h.utc_ms, h.id));
        let check_ins = one_per_day(check_ins);
        let (first_day, first_ms) = whole_history_start(&loaded.urges, &slips, &check_ins);
        let linked_urges = slips.iter().filter_map(|s| s.urge).collect();
        let UrgeLoader { urges, ids, triggers, strategies } = loaded;
        InsightData {
            scope: None,
            today,
            now_ms,
            urges,
            ids,
            triggers,
            strategies,
            slips,
            linked_urges,
            check_ins,
            first_day,
            first_ms,
            unreadable: Vec::new(),
        }
    }
}

/// Check-ins oldest first, one per day: a later one on the same day gives the ratings, the
/// earliest gives when the day was first checked in (as the store merges them).
fn one_per_day(check_ins: impl IntoIterator<Item = CheckInFacts>) -> Vec<CheckInFact> {
    let mut rows: Vec<CheckInFacts> = check_ins.into_iter().collect();
    rows.sort_by_key(|c| (c.day, c.first_utc_ms));
    let mut out: Vec<CheckInFact> = Vec::with_capacity(rows.len());
    for c in rows {
        match out.last_mut() {
            Some(last) if last.day == c.day => {
                last.scores = c.scores;
                last.first_ms = last.first_ms.min(c.first_utc_ms);
            }
            _ => out.push(CheckInFact { day: c.day, first_ms: c.first_utc_ms, scores: c.scores }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::checkin::NewCheckIn;
    use crate::clock::{ManualClock, Zone};
    use crate::insights::{strategies_by_trigger, DaySpan, SummaryOptions};
    use crate::plan::{strategy_stats_of_urges, PlanEdit};
    use crate::slip::{ChainAnswer, NewSlip, Vulnerability};
    use crate::testing::TestStore;
    use crate::time::LocalStamp;
    use crate::urge::{NewUrge, Outcome, Urge};

    fn at(s: &TestStore, local: &str) -> LocalStamp {
        LocalStamp::parse_user(local, &s.clock().zone(), s.clock().now()).unwrap()
    }

    fn urge(
        s: &TestStore,
        when: &str,
        intensity: u8,
        outcome: Option<Outcome>,
        triggers: &[&str],
        helped: &[&str],
    ) -> Urge {
        s.log_urge(NewUrge {
            intensity,
            occurred: Some(at(s, when)),
            outcome,
            triggers: triggers.iter().map(|t| t.to_string()).collect(),
            strategies: helped.iter().map(|t| t.to_string()).collect(),
            duration_secs: Some(u32::from(intensity) * 120),
            ..Default::default()
        })
        .unwrap()
    }

    fn facts_of(u: &Urge) -> UrgeFacts<'_> {
        UrgeFacts {
            id: u.id,
            occurred_utc_ms: u.occurred.utc_ms,
            offset_secs: u.occurred.offset_secs,
            intensity: u.intensity,
            duration_secs: u.duration_secs,
            outcome: u.outcome,
            company: u.company,
            triggers: u.triggers.iter().map(String::as_str).collect(),
            feelings: u.feelings.iter().map(String::as_str).collect(),
            strategies: u.strategies.iter().map(String::as_str).collect(),
            surf_session: u.surf_session,
        }
    }

    /// A month of urges, slips (one linked to its acted urge, one with a finished chain
    /// analysis) and check-ins: insights from the same entries handed over as facts equal the
    /// store's, figure for figure.
    #[test]
    fn facts_give_the_same_insights_as_the_store() {
        let now = chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 6, 30, 12, 0, 0).unwrap();
        let s = TestStore::with_clock(ManualClock::new(now, Zone::parse("Europe/Berlin").unwrap()));
        s.edit_plan(&[PlanEdit::AddTrigger { name: "Lonely".into() }]).unwrap();
        let mut urges = Vec::new();
        for day in 1..=28u32 {
            let outcome = match day % 4 {
                0 => Some(Outcome::Acted),
                1 => Some(Outcome::Surfed),
                2 => Some(Outcome::Coped),
                _ => None,
            };
            let trigger: &[&str] = if day % 3 == 0 { &["lonely", "late night"] } else { &["Stress"] };
            let helped: &[&str] = if day % 2 == 0 { &["walk"] } else { &["call Sam", "walk"] };
            let when = format!("2026-06-{day:02} {:02}:15", 8 + day % 14);
            urges.push(urge(&s, &when, (day % 10) as u8 + 1, outcome, trigger, helped));
        }
        let acted = urges.iter().find(|u| u.outcome == Some(Outcome::Acted)).unwrap().id;
        s.log_slip(NewSlip { what: "x".into(), occurred: None, urge: Some(acted) }).unwrap();
        let slip =
            s.log_slip(NewSlip { what: "y".into(), occurred: Some(at(&s, "2026-06-18 23:30")), urge: None }).unwrap();
        s.answer_chain(
            slip.id,
            ChainAnswer::Vulnerabilities {
                items: vec![Vulnerability { factor: VulnerabilityFactor::Sleep, note: None }],
            },
        )
        .unwrap();
        for day in (2..=27u32).step_by(2) {
            let d = NaiveDate::from_ymd_opt(2026, 6, day).unwrap();
            let r = |k: u32| Some(((day + k) % 11) as u8);
            s.check_in(NewCheckIn {
                day: Some(d),
                mood: r(1),
                stress: r(4),
                loneliness: r(7),
                sleep: None,
                note: None,
            })
            .unwrap();
        }

        let all = s.slips(None, None).unwrap().slips;
        let slip_facts = all.iter().map(|x| SlipFacts {
            id: x.id,
            occurred_utc_ms: x.occurred.utc_ms,
            day: x.local_date(),
            urge: x.urge,
            factors: x.chain.vulnerabilities.iter().map(|v| v.factor).collect(),
            status: x.chain.status(),
            completed_day: x.chain_completed.as_ref().map(LocalStamp::local_date),
        });
        let from = NaiveDate::from_ymd_opt(2026, 5, 1).unwrap();
        let to = s.clock().today();
        let check_ins = s.check_ins(from, to, false).unwrap().check_ins;
        let check_in_facts = check_ins.iter().map(|c| CheckInFacts {
            day: c.day,
            first_utc_ms: c.first_at.utc_ms,
            scores: [c.mood, c.stress, c.loneliness, c.sleep],
        });
        let now_ms = s.clock().now().timestamp_millis();
        let shared = InsightData::from_facts(to, now_ms, urges.iter().map(facts_of), slip_facts, check_in_facts);
        let own = s.insight_data(None).unwrap();

        for r in [DaySpan::new(from, to).unwrap(), DaySpan::new(to - chrono::Duration::days(27), to).unwrap()] {
            assert_eq!(shared.insights(r).unwrap(), own.insights(r).unwrap());
            let opts = SummaryOptions { include_trigger_names: true };
            assert_eq!(shared.weekly_summaries(r, opts).unwrap(), own.weekly_summaries(r, opts).unwrap());
            let plan = s.plan().unwrap().plan;
            let in_range: Vec<UrgeFacts<'_>> =
                urges.iter().filter(|u| r.contains(u.local_date())).map(facts_of).collect();
            let pure = strategies_by_trigger(&strategy_stats_of_urges(&plan, &in_range));
            let store = s.strategy_effectiveness(r).unwrap().value;
            assert_eq!(pure, store);
            assert!(!pure.is_empty());
        }
        assert_eq!(shared.progress().unwrap(), own.progress().unwrap());
    }
}
