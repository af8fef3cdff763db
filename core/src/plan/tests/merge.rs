//! Acceptance: two copies of the plan edited offline merge with both edits kept.

use super::*;

fn lonely_plan(t: &Store) -> RecordId {
    build(
        t,
        &[
            (
                ItemKind::Trigger,
                "Lonely",
                &[
                    ("Call Sam Example", StrategyKind::ReachOut),
                    ("Go for a run", StrategyKind::ValuedActivity),
                    ("Journal for ten minutes", StrategyKind::SelfCompassion),
                ],
            ),
            (ItemKind::Trigger, "Bored", &[("Play guitar", StrategyKind::ValuedActivity)]),
        ],
        &[],
    )[0]
}

#[test]
fn add_on_one_copy_reorder_and_rename_on_the_other_both_kept() {
    let phone = TestStore::new();
    let lonely = lonely_plan(&phone);
    // A second copy (a clinician's, or another device) starts from the same document.
    let other = TestStore::new();
    other.merge_plan(&phone.plan_document().unwrap()).unwrap();
    assert_eq!(other.plan().unwrap().plan, phone.plan().unwrap().plan);

    // Offline: the phone adds a strategy...
    phone
        .edit_plan(&[PlanEdit::AddStrategy {
            for_item: Some(lonely),
            text: "Text the climbing group".into(),
            kind: Some(StrategyKind::ReachOut),
        }])
        .unwrap();
    // ...while the other copy moves the last strategy to the top and renames the trigger.
    let journal = strategy_id(&other, "Journal for ten minutes");
    other
        .edit_plan(&[
            PlanEdit::Move { id: journal, position: 0 },
            PlanEdit::Rename { id: lonely, text: "Lonely in the evening".into() },
        ])
        .unwrap();

    // Exchange in both directions.
    let from_phone = phone.plan_document().unwrap();
    let from_other = other.plan_document().unwrap();
    let a = phone.merge_plan(&from_other).unwrap();
    let b = other.merge_plan(&from_phone).unwrap();
    assert_eq!(a, b, "both copies converge");
    assert_eq!(names(&a.triggers), vec!["Lonely in the evening", "Bored"]);
    assert_eq!(
        texts(&a.triggers[0].strategies),
        vec!["Journal for ten minutes", "Call Sam Example", "Go for a run", "Text the climbing group"]
    );
    // Merging again is a no-op, and the merged plan survives a reopen.
    let again = phone.merge_plan(&from_other).unwrap();
    assert_eq!(again, a);
    let phone = phone.reopen();
    assert_eq!(phone.plan().unwrap().plan, a);
}

#[test]
fn concurrent_moves_adds_and_renames_of_one_list_all_survive() {
    let a = TestStore::new();
    let lonely = lonely_plan(&a);
    let b = TestStore::new();
    b.merge_plan(&a.plan_document().unwrap()).unwrap();
    let run = strategy_id(&a, "Go for a run");
    let call = strategy_id(&a, "Call Sam Example");
    // A: moves "run" first, renames "call", adds one at position 1.
    let (_, added) = a
        .edit_plan(&[
            PlanEdit::Move { id: run, position: 0 },
            PlanEdit::Rename { id: call, text: "Call Sam Example after work".into() },
            PlanEdit::AddStrategy { for_item: Some(lonely), text: "Cold shower".into(), kind: None },
        ])
        .unwrap();
    a.edit_plan(&[PlanEdit::Move { id: added[0], position: 1 }]).unwrap();
    // B: moves "call" last, adds one, removes "Bored".
    let bored = b.plan().unwrap().plan.triggers[1].id;
    b.edit_plan(&[
        PlanEdit::Move { id: call, position: 2 },
        PlanEdit::AddStrategy { for_item: Some(lonely), text: "Visit the library".into(), kind: None },
        PlanEdit::Remove { id: bored },
    ])
    .unwrap();
    let pa = a.merge_plan(&b.plan_document().unwrap()).unwrap();
    let pb = b.merge_plan(&a.plan_document().unwrap()).unwrap();
    assert_eq!(pa, pb);
    assert_eq!(names(&pa.triggers), vec!["Lonely"]);
    let got = texts(&pa.triggers[0].strategies);
    assert_eq!(got.len(), 5, "{got:?}");
    for want in
        ["Go for a run", "Cold shower", "Call Sam Example after work", "Visit the library", "Journal for ten minutes"]
    {
        assert!(got.contains(&want), "{want} missing from {got:?}");
    }
    // A's relative order of its own moves holds: run first, then cold shower.
    assert_eq!(&got[..2], &["Go for a run", "Cold shower"]);
}

#[test]
fn the_same_trigger_added_on_two_copies_shows_once_with_both_strategies() {
    let a = TestStore::new();
    let b = TestStore::new();
    // Start both from a shared (empty) history.
    build(&a, &[(ItemKind::Trigger, "Bored", &[])], &[]);
    b.merge_plan(&a.plan_document().unwrap()).unwrap();
    a.apply_plan_change(PlanChange::AddStrategy {
        for_item: "Stress".into(),
        text: "Box breathing".into(),
        kind: StrategyKind::GroundOrBreathe,
    })
    .unwrap();
    b.apply_plan_change(PlanChange::AddStrategy {
        for_item: "stress".into(),
        text: "Walk around the block".into(),
        kind: StrategyKind::ValuedActivity,
    })
    .unwrap();
    let p = a.merge_plan(&b.plan_document().unwrap()).unwrap();
    // Shown once, under one of the two spellings (whichever ranks first).
    assert_eq!(p.triggers.len(), 2);
    assert_eq!(p.triggers[0].name, "Bored");
    assert_eq!(p.triggers[1].name.to_lowercase(), "stress");
    let stress = &p.triggers[1];
    assert_eq!(stress.merged_ids.len(), 1);
    let mut got = texts(&stress.strategies);
    got.sort();
    assert_eq!(got, vec!["Box breathing", "Walk around the block"]);
    // Renaming the shown item renames both; removing removes both.
    let (p, _) = a.edit_plan(&[PlanEdit::Rename { id: stress.id, text: "Stress at work".into() }]).unwrap();
    assert_eq!(names(&p.triggers), vec!["Bored", "Stress at work"]);
    assert_eq!(p.triggers[1].strategies.len(), 2);
    let (p, _) = a.edit_plan(&[PlanEdit::Remove { id: p.triggers[1].id }]).unwrap();
    assert_eq!(names(&p.triggers), vec!["Bored"]);
}

#[test]
fn concurrent_edits_of_a_reason_merge_character_wise() {
    let a = TestStore::new();
    let (_, ids) = a.edit_plan(&[PlanEdit::AddReason { text: "I want to be present with my kids.".into() }]).unwrap();
    let b = TestStore::new();
    b.merge_plan(&a.plan_document().unwrap()).unwrap();
    a.edit_plan(&[PlanEdit::Rename { id: ids[0], text: "I want to be present with my kids. And sleep well.".into() }])
        .unwrap();
    b.edit_plan(&[PlanEdit::Rename { id: ids[0], text: "I want to be fully present with my kids.".into() }]).unwrap();
    let p = a.merge_plan(&b.plan_document().unwrap()).unwrap();
    assert_eq!(p.reasons[0].text, "I want to be fully present with my kids. And sleep well.");
}
