//! Tests of the plan's document, storage and edits.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use crate::testing::TestStore;

fn names(items: &[PlanItem]) -> Vec<&str> {
    items.iter().map(|i| i.name.as_str()).collect()
}

fn texts(s: &[Strategy]) -> Vec<&str> {
    s.iter().map(|s| s.text.as_str()).collect()
}

#[test]
fn new_store_has_an_empty_plan() {
    let t = TestStore::new();
    let l = t.plan().unwrap();
    assert!(l.plan.is_empty());
    assert!(l.unreadable.is_empty());
}

#[test]
fn plan_changes_by_name_add_once_and_persist() {
    let t = TestStore::new();
    t.apply_plan_change(PlanChange::AddTrigger { name: "Lonely".into() }).unwrap();
    t.apply_plan_change(PlanChange::AddStrategy {
        for_item: "loneliness".into(),
        text: "Call Sam Example".into(),
        kind: StrategyKind::ReachOut,
    })
    .unwrap();
    // Same strategy again (other case and spacing): nothing changes.
    t.apply_plan_change(PlanChange::AddStrategy {
        for_item: "lonely".into(),
        text: "call  sam example".into(),
        kind: StrategyKind::ReachOut,
    })
    .unwrap();
    // A strategy for an item not yet in the plan creates it as a trigger.
    t.apply_plan_change(PlanChange::AddStrategy {
        for_item: "Payday".into(),
        text: "Move money to savings first".into(),
        kind: StrategyKind::ChangeEnvironment,
    })
    .unwrap();
    t.apply_plan_change(PlanChange::AddWarningSign { text: "Staying up past midnight".into() }).unwrap();
    t.apply_plan_change(PlanChange::AddEnvironmentChange { text: "Phone charges in the kitchen".into() }).unwrap();
    t.apply_plan_change(PlanChange::AddReason { text: "Being present with my kids".into() }).unwrap();
    t.apply_plan_change(PlanChange::AddReason { text: "being present with my kids".into() }).unwrap();
    t.apply_plan_change(PlanChange::AddTrigger { name: "LONELY".into() }).unwrap();

    let t = t.reopen();
    let p = t.plan().unwrap().plan;
    assert_eq!(names(&p.triggers), vec!["Lonely", "Payday"]);
    assert_eq!(texts(&p.triggers[0].strategies), vec!["Call Sam Example"]);
    assert_eq!(p.triggers[0].strategies[0].kind, StrategyKind::ReachOut);
    assert_eq!(p.triggers[1].strategies[0].kind, StrategyKind::ChangeEnvironment);
    assert_eq!(names(&p.warning_signs), vec!["Staying up past midnight"]);
    assert_eq!(p.environment.len(), 1);
    assert_eq!(p.reasons.len(), 1);
    assert_eq!(p.reasons[0].text, "Being present with my kids");
    assert_eq!(p.skipped_entries, 0);
}

#[test]
fn plan_change_validates_and_changes_nothing_on_error() {
    let t = TestStore::new();
    let e = t.apply_plan_change(PlanChange::AddTrigger { name: "   ".into() }).unwrap_err();
    assert!(matches!(e, Error::Invalid { field: "trigger", .. }), "{e}");
    let long = "x".repeat(500);
    let e = t
        .apply_plan_change(PlanChange::AddStrategy {
            for_item: "Bored".into(),
            text: long,
            kind: StrategyKind::Distract,
        })
        .unwrap_err();
    assert!(!e.to_string().contains("xxx"));
    // The trigger the failed change would have created is not there either.
    assert!(t.plan().unwrap().plan.is_empty());
}

#[test]
fn debug_output_is_redacted() {
    let c = PlanChange::AddStrategy {
        for_item: "Lonely canary".into(),
        text: "Call canary".into(),
        kind: StrategyKind::ReachOut,
    };
    let e = PlanEdit::AddPerson { name: "Sam canary".into(), how: Some("555 canary".into()), availability: vec![] };
    for s in [format!("{c:?}"), format!("{e:?}")] {
        assert!(!s.contains("canary"), "{s}");
    }
    let t = TestStore::new();
    t.apply_plan_change(c).unwrap();
    let p = t.plan().unwrap().plan;
    let s = format!("{p:?} {:?} {:?}", p.triggers[0], p.triggers[0].strategies[0]);
    assert!(!s.contains("canary"), "{s}");
}
