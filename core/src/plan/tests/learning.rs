//! Acceptance: personal ranking from logged outcomes, and the statistics behind it.

use chrono::Duration;

use super::*;
use crate::clock::Clock;
use crate::time::LocalStamp;
use crate::urge::{NewUrge, Outcome};

const SAM: &str = "Call Sam Example";
const RUN: &str = "Go for a run";
const JOURNAL: &str = "Journal for ten minutes";

/// Lonely: the client put the run first, Sam second.
fn plan(t: &TestStore) -> RecordId {
    build(
        t,
        &[
            (
                ItemKind::Trigger,
                "Lonely",
                &[
                    (RUN, StrategyKind::ValuedActivity),
                    (SAM, StrategyKind::ReachOut),
                    (JOURNAL, StrategyKind::SelfCompassion),
                ],
            ),
            (
                ItemKind::Trigger,
                "Bored",
                &[(RUN, StrategyKind::ValuedActivity), ("Play guitar", StrategyKind::ValuedActivity)],
            ),
        ],
        &[],
    )[0]
}

fn log(t: &TestStore, hours_ago: i64, trigger: &str, strategies: &[&str], outcome: Outcome) -> RecordId {
    let at = t.clock.now() - Duration::hours(hours_ago);
    t.log_urge(NewUrge {
        intensity: 6,
        occurred: Some(LocalStamp::at(at, &t.clock.zone())),
        triggers: vec![trigger.to_string()],
        strategies: strategies.iter().map(|s| s.to_string()).collect(),
        outcome: Some(outcome),
        ..Default::default()
    })
    .unwrap()
    .id
}

fn order(t: &TestStore, query: &str) -> Vec<String> {
    let l = t.find_in_plan(&LookupQuery { text: query.into(), ..Default::default() }).unwrap();
    l.strategies.into_iter().map(|s| s.text).collect()
}

fn stat<'a>(stats: &'a StrategyStats, trigger: &str, strategy: &str) -> &'a StrategyStat {
    stats
        .by_trigger
        .iter()
        .find(|s| s.trigger.as_deref() == Some(trigger) && s.strategy == strategy)
        .unwrap_or_else(|| panic!("no stat for {trigger}/{strategy}: {:?}", stats.by_trigger))
}

#[test]
fn scripted_history_puts_call_sam_first_for_loneliness() {
    let t = TestStore::new();
    let lonely = plan(&t);
    assert_eq!(order(&t, "lonely"), vec![RUN, SAM, JOURNAL], "the client's own order to begin with");
    let sam = strategy_id(&t, SAM);

    // "Call Sam" for loneliness: 10 uses, 8 followed by the urge passing, logged every way
    // the app can: ...5 urge entries naming it (one says "loneliness", one names it in
    // other case), 4 passed;
    log(&t, 200, "lonely", &[SAM], Outcome::Coped);
    log(&t, 190, "Loneliness", &[SAM], Outcome::Coped);
    log(&t, 180, "lonely", &["call sam example"], Outcome::Coped);
    log(&t, 170, "lonely", &[SAM, JOURNAL], Outcome::Coped);
    log(&t, 160, "lonely", &[SAM], Outcome::Acted);
    // ...3 picked in the app ("I'm using this now") and answered, 2 passed;
    for helped in [true, true, false] {
        let u = t.start_strategy(sam, UseContext { for_item: Some(lonely), urge: None, intensity: Some(7) }).unwrap();
        t.finish_strategy(u.id, helped).unwrap();
    }
    // ...2 picked in the app for a logged urge, which passed (counted once each, by the urge).
    let u1 = log(&t, 150, "lonely", &[], Outcome::Surfed);
    t.start_strategy(sam, UseContext { for_item: None, urge: Some(u1), intensity: None }).unwrap();
    assert_eq!(t.urge(u1).unwrap().strategies, vec![SAM], "the urge log shows the strategy");
    let early = t.start_strategy(sam, UseContext { for_item: Some(lonely), urge: None, intensity: None }).unwrap();
    t.finish_strategy(early.id, false).unwrap();
    let u2 = log(&t, 140, "lonely", &[], Outcome::Surfed);
    t.link_strategy_use(early.id, u2).unwrap();

    // "Go for a run" for loneliness: 6 uses, 1 passed.
    log(&t, 130, "lonely", &[RUN], Outcome::Coped);
    for h in 0..5 {
        log(&t, 120 - h, "lonely", &[RUN], Outcome::Acted);
    }
    // The run helps with boredom: that must not count for loneliness.
    for h in 0..4 {
        log(&t, 100 - h, "bored", &[RUN], Outcome::Coped);
    }

    let stats = t.strategy_stats(DayRange::default()).unwrap();
    let s = stat(&stats, "Lonely", SAM);
    assert_eq!((s.used, s.helped), (10, 8));
    assert_eq!(s.trigger_item, Some(lonely));
    assert_eq!(s.strategy_id, Some(sam));
    let r = stat(&stats, "Lonely", RUN);
    assert_eq!((r.used, r.helped), (6, 1));
    assert_eq!((stat(&stats, "Bored", RUN).used, stat(&stats, "Bored", RUN).helped), (4, 4));
    let j = stat(&stats, "Lonely", JOURNAL);
    assert_eq!((j.used, j.helped), (1, 1));
    let overall_run = stats.overall.iter().find(|s| s.strategy == RUN).unwrap();
    assert_eq!((overall_run.used, overall_run.helped), (10, 5));

    let got = order(&t, "lonely");
    assert_eq!(got[0], SAM, "{got:?}");
    assert_eq!(got, vec![SAM, JOURNAL, RUN]);
    let l = t.find_in_plan(&LookupQuery { text: "feeling so alone".into(), ..Default::default() }).unwrap();
    assert_eq!((l.strategies[0].used, l.strategies[0].helped), (10, 8));
    assert!((l.strategies[0].score - smoothed_score(1, 10, 8)).abs() < 1e-12);
    // For boredom the run still leads: its own record there is good.
    assert_eq!(order(&t, "bored")[0], RUN);

    // A date range counts only the urges and uses in it: today holds no urge entry (all are
    // back-dated), only the four answered uses picked today (the one linked to an older urge
    // counts by its own answer here, since its urge is outside the range).
    let today = t.clock.today();
    let recent = t.strategy_stats(DayRange { from: Some(today), to: Some(today) }).unwrap();
    assert_eq!(recent.by_trigger.len(), 1);
    let s = stat(&recent, "Lonely", SAM);
    assert_eq!((s.used, s.helped), (4, 2));
}

#[test]
fn one_event_never_overturns_the_clients_order() {
    // A success of the second strategy...
    let t = TestStore::new();
    plan(&t);
    log(&t, 5, "lonely", &[SAM], Outcome::Coped);
    assert_eq!(order(&t, "lonely"), vec![RUN, SAM, JOURNAL]);
    // ...or of the third...
    let t = TestStore::new();
    plan(&t);
    log(&t, 5, "lonely", &[JOURNAL], Outcome::Surfed);
    assert_eq!(order(&t, "lonely"), vec![RUN, SAM, JOURNAL]);
    // ...or a failure of the first, each alone, leave the order as the client wrote it.
    let t = TestStore::new();
    plan(&t);
    log(&t, 5, "lonely", &[RUN], Outcome::Acted);
    assert_eq!(order(&t, "lonely"), vec![RUN, SAM, JOURNAL]);
    // Also through an app-picked use.
    let t = TestStore::new();
    let lonely = plan(&t);
    let u =
        t.start_strategy(strategy_id(&t, SAM), UseContext { for_item: Some(lonely), ..Default::default() }).unwrap();
    t.finish_strategy(u.id, true).unwrap();
    assert_eq!(order(&t, "lonely"), vec![RUN, SAM, JOURNAL]);
}

#[test]
fn the_smoothing_formula_holds_its_promises() {
    // Any single event moves a score by less than the gap between neighbours' priors.
    for r in 0..8 {
        let (upper, lower) = (smoothed_score(r, 0, 0), smoothed_score(r + 1, 0, 0));
        assert!(smoothed_score(r, 1, 0) > lower, "a failure at {r}");
        assert!(smoothed_score(r + 1, 1, 1) < upper, "a success at {}", r + 1);
    }
    assert!(smoothed_score(1, 10, 8) > smoothed_score(0, 6, 1));
    assert_eq!(prior_mean(0), PRIOR_TOP);
    assert_eq!(prior_mean(100), PRIOR_FLOOR);
}

#[test]
fn renamed_strategies_keep_their_history() {
    let t = TestStore::new();
    plan(&t);
    for h in 0..8 {
        log(&t, 50 - h, "lonely", &[SAM], Outcome::Coped);
    }
    let sam = strategy_id(&t, SAM);
    t.edit_plan(&[PlanEdit::Rename { id: sam, text: "Ring Sam".into() }]).unwrap();
    let stats = t.strategy_stats(DayRange::default()).unwrap();
    let s = stat(&stats, "Lonely", "Ring Sam");
    assert_eq!((s.used, s.helped, s.strategy_id), (8, 8, Some(sam)));
    assert_eq!(order(&t, "lonely")[0], "Ring Sam");
}

#[test]
fn strategy_uses_validate_their_input() {
    let t = TestStore::new();
    let lonely = plan(&t);
    let sam = strategy_id(&t, SAM);
    let nowhere = RecordId::random().unwrap();
    assert!(t.start_strategy(nowhere, UseContext::default()).is_err());
    assert!(t.start_strategy(sam, UseContext { for_item: Some(nowhere), ..Default::default() }).is_err());
    assert!(t.start_strategy(sam, UseContext { intensity: Some(11), ..Default::default() }).is_err());
    assert!(t.start_strategy(sam, UseContext { urge: Some(nowhere), ..Default::default() }).is_err());
    assert!(t.finish_strategy(nowhere, true).is_err());
    let u = t.start_strategy(sam, UseContext { for_item: Some(lonely), ..Default::default() }).unwrap();
    assert_eq!(u.item_name.as_deref(), Some("Lonely"));
    let (uses, bad) = t.strategy_uses(DayRange::default()).unwrap();
    assert_eq!(uses.len(), 1);
    assert!(bad.is_empty());
    assert_eq!(uses[0].helped, None);
    assert!(!format!("{:?}", uses[0]).contains("Sam"));
}
