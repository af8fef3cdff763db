//! Storage, edits by name and by id, history, compaction and restore.

use super::*;
use crate::crypto::{KdfCost, Passphrase};

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

#[test]
fn edits_by_id_add_rename_move_remove() {
    let t = TestStore::new();
    let ids = build(
        &t,
        &[(
            ItemKind::Trigger,
            "Lonely",
            &[
                ("Call Sam Example", StrategyKind::ReachOut),
                ("Go for a run", StrategyKind::ValuedActivity),
                ("Journal", StrategyKind::SelfCompassion),
            ],
        )],
        &[("Surf the urge", StrategyKind::SurfTheUrge)],
    );
    let lonely = ids[0];
    let run = strategy_id(&t, "Go for a run");
    let journal = strategy_id(&t, "Journal");
    let (p, _) = t
        .edit_plan(&[
            PlanEdit::Move { id: journal, position: 0 },
            PlanEdit::Rename { id: run, text: "Go for a long run".into() },
            PlanEdit::SetKind { id: journal, kind: StrategyKind::ReasonsAndValues },
            PlanEdit::Rename { id: lonely, text: "Loneliness".into() },
        ])
        .unwrap();
    assert_eq!(p.triggers[0].name, "Loneliness");
    assert_eq!(texts(&p.triggers[0].strategies), vec!["Journal", "Call Sam Example", "Go for a long run"]);
    assert_eq!(p.triggers[0].strategies[0].kind, StrategyKind::ReasonsAndValues);
    assert_eq!(p.triggers[0].strategies[2].formerly, vec!["Go for a run"]);
    // Past the end means last; moving to where it is changes nothing visible.
    let (p, _) = t.edit_plan(&[PlanEdit::Move { id: journal, position: 99 }]).unwrap();
    assert_eq!(texts(&p.triggers[0].strategies), vec!["Call Sam Example", "Go for a long run", "Journal"]);
    // Many moves into one spot keep a correct order (renumbering when the gap runs out).
    let call = strategy_id(&t, "Call Sam Example");
    for i in 0..60 {
        let who = if i % 2 == 0 { call } else { journal };
        t.edit_plan(&[PlanEdit::Move { id: who, position: 1 }]).unwrap();
    }
    let p = t.plan().unwrap().plan;
    assert_eq!(texts(&p.triggers[0].strategies), vec!["Go for a long run", "Journal", "Call Sam Example"]);
    let (p, _) = t.edit_plan(&[PlanEdit::Remove { id: journal }]).unwrap();
    assert_eq!(texts(&p.triggers[0].strategies), vec!["Go for a long run", "Call Sam Example"]);
    let (p, _) = t.edit_plan(&[PlanEdit::Remove { id: lonely }]).unwrap();
    assert!(p.triggers.is_empty());
    assert_eq!(texts(&p.strategies), vec!["Surf the urge"]);
    // Unknown ids, wrong kinds of entry: clear errors, nothing changed.
    let before = t.plan().unwrap().plan;
    assert!(t.edit_plan(&[PlanEdit::Remove { id: journal }]).is_err());
    let surf = strategy_id(&t, "Surf the urge");
    assert!(t.edit_plan(&[PlanEdit::SetCrisisLine { id: surf, crisis_line: true }]).is_err());
    assert!(t
        .edit_plan(&[
            PlanEdit::Rename { id: surf, text: "Ride it out".into() },
            PlanEdit::AddStrategy { for_item: Some(surf), text: "x".into(), kind: None },
        ])
        .is_err());
    assert_eq!(t.plan().unwrap().plan, before, "a failed batch changes nothing");
    assert!(t.edit_plan(&[]).is_err());
}

#[test]
fn contacts_lines_and_reasons() {
    let t = TestStore::new();
    let evenings = Availability::parse("daily 18:00-22:00").unwrap();
    let (p, added) = t
        .edit_plan(&[
            PlanEdit::AddPerson {
                name: "Sam Example".into(),
                how: Some("+00 0000 0000".into()),
                availability: vec![evenings],
            },
            PlanEdit::AddProfessional {
                name: "Example Crisis Line".into(),
                how: Some("000".into()),
                availability: vec![],
                crisis_line: true,
            },
            PlanEdit::AddDistraction { text: "The climbing gym".into() },
            PlanEdit::AddEnvironmentChange { text: "Blocker on the laptop".into() },
            PlanEdit::AddReason { text: "My kids.\nBeing honest with my partner.".into() },
        ])
        .unwrap();
    assert_eq!(added.len(), 5);
    assert_eq!(p.people[0].name, "Sam Example");
    assert_eq!(p.people[0].how.as_deref(), Some("+00 0000 0000"));
    assert_eq!(p.people[0].availability, vec![evenings]);
    assert!(p.professionals[0].crisis_line);
    assert_eq!(p.distractions[0].text, "The climbing gym");
    assert_eq!(p.environment[0].text, "Blocker on the laptop");
    assert_eq!(p.reasons[0].text, "My kids.\nBeing honest with my partner.");
    let sam = added[0];
    let reason = added[4];
    let (p, _) = t
        .edit_plan(&[
            PlanEdit::SetHow { id: sam, how: None },
            PlanEdit::SetAvailability { id: sam, availability: vec![] },
            PlanEdit::Rename { id: reason, text: "My kids.\nBeing honest with my partner, every day.".into() },
        ])
        .unwrap();
    assert_eq!(p.people[0].how, None);
    assert!(p.people[0].availability.is_empty());
    assert_eq!(p.reasons[0].text, "My kids.\nBeing honest with my partner, every day.");
    let bad = Availability { days: 0, from_minute: 0, to_minute: 60 };
    assert!(t.edit_plan(&[PlanEdit::SetAvailability { id: sam, availability: vec![bad] }]).is_err());
    assert!(t.edit_plan(&[PlanEdit::SetKind { id: sam, kind: StrategyKind::Delay }]).is_err());
    assert!(
        t.edit_plan(&[PlanEdit::SetCrisisLine { id: sam, crisis_line: true }]).is_err(),
        "people are not crisis lines"
    );
}

#[test]
fn history_is_compacted_and_survives_reopen() {
    let t = TestStore::new();
    let ids = build(&t, &[(ItemKind::Trigger, "Stress", &[])], &[]);
    for i in 0..60 {
        t.edit_plan(&[PlanEdit::AddStrategy { for_item: Some(ids[0]), text: format!("Strategy {i}"), kind: None }])
            .unwrap();
        let (snapshots, chunks) = storage::record_counts(&t).unwrap();
        assert_eq!(snapshots, 1);
        assert!(chunks < 16, "{chunks} chunks after edit {i}");
    }
    let doc_before = t.plan().unwrap().plan;
    let t = t.reopen();
    let after = t.plan().unwrap();
    assert!(after.unreadable.is_empty());
    assert_eq!(after.plan, doc_before);
    assert_eq!(after.plan.triggers[0].strategies.len(), 60);
    // The saved document carries the history: an automerge reader sees every change.
    let bytes = t.plan_document().unwrap();
    let doc = automerge::Automerge::load(&bytes).unwrap();
    assert!(doc.get_changes(&[]).len() > 60);
}

#[test]
fn damaged_plan_records_are_reported_not_dropped() {
    let t = TestStore::new();
    build(&t, &[(ItemKind::Trigger, "Bored", &[("Play guitar", StrategyKind::ValuedActivity)])], &[]);
    let garbage = t.write(|tx| storage::put_raw_chunk(tx, vec![[1u8; 32]], b"not automerge")).unwrap();
    let waiting = t.write(|tx| storage::put_raw_chunk(tx, vec![[2u8; 32]], &[])).unwrap();
    let l = t.plan().unwrap();
    let mut bad: Vec<RecordId> = l.unreadable.iter().map(|u| u.id).collect();
    bad.sort();
    let mut want = vec![garbage, waiting];
    want.sort();
    assert_eq!(bad, want);
    assert_eq!(texts(&l.plan.triggers[0].strategies), vec!["Play guitar"], "the rest still loads");
    // Edits go on, compaction included, and leave the damaged records in place.
    for i in 0..20 {
        t.edit_plan(&[PlanEdit::AddDistraction { text: format!("Place {i}") }]).unwrap();
    }
    let l = t.plan().unwrap();
    assert_eq!(l.unreadable.len(), 2);
    assert_eq!(l.plan.distractions.len(), 20);
}

#[test]
fn each_install_and_each_restore_writes_with_its_own_actor() {
    let a = TestStore::new();
    let b = TestStore::new();
    build(&a, &[(ItemKind::Trigger, "Lonely", &[("Call Sam Example", StrategyKind::ReachOut)])], &[]);
    b.merge_plan(&a.plan_document().unwrap()).unwrap();
    let actor_a = storage::actor_of(&a).unwrap().unwrap();
    let actor_b = storage::actor_of(&b).unwrap().unwrap();
    assert_ne!(actor_a, actor_b);

    // Restore A's export into a new store: it must not go on writing as A.
    let pass = Passphrase::new(b"export pass".to_vec()).unwrap();
    let export = a.export(&pass, KdfCost::insecure_for_tests(1_000)).unwrap();
    let c = TestStore::new();
    c.import(&export.bytes, &pass).unwrap();
    assert_eq!(c.plan().unwrap().plan, a.plan().unwrap().plan);
    // Both go on editing: the original and its restored copy.
    a.apply_plan_change(PlanChange::AddReason { text: "Written on the old phone".into() }).unwrap();
    c.apply_plan_change(PlanChange::AddReason { text: "Written on the new phone".into() }).unwrap();
    // Their edits merge (a reused actor would collide on sequence numbers and lose one).
    let merged = a.merge_plan(&c.plan_document().unwrap()).unwrap();
    let mut reasons: Vec<&str> = merged.reasons.iter().map(|r| r.text.as_str()).collect();
    reasons.sort();
    assert_eq!(reasons, vec!["Written on the new phone", "Written on the old phone"]);
    let actor_c = storage::actor_of(&c).unwrap().unwrap();
    assert_ne!(actor_c, actor_a);
}

#[test]
fn merging_rejects_garbage_and_keeps_the_plan() {
    let t = TestStore::new();
    build(&t, &[(ItemKind::Trigger, "Bored", &[])], &[]);
    let before = t.plan().unwrap().plan;
    assert!(matches!(t.merge_plan(b"definitely not a plan").unwrap_err(), Error::Document(_)));
    assert_eq!(t.plan().unwrap().plan, before);
}

#[test]
fn genesis_is_identical_everywhere() {
    let mut a = doc::PlanDoc::genesis().unwrap();
    let mut b = doc::PlanDoc::genesis().unwrap();
    assert_eq!(a.heads(), b.heads());
    assert_eq!(a.save(), b.save());
}
