#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{Duration, NaiveDate};

use super::*;
use crate::testing::TestStore;
use crate::urge::{NewUrge, Outcome};

fn at(store: &Store, local: &str) -> LocalStamp {
    LocalStamp::parse_user(local, &store.clock().zone(), store.clock().now()).unwrap()
}

fn slip(what: &str) -> NewSlip {
    NewSlip { what: what.into(), ..Default::default() }
}

fn invalid_field(e: Error) -> &'static str {
    match e {
        Error::Invalid { field, .. } => field,
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[test]
fn log_and_read_back() {
    let s = TestStore::new();
    let l = s
        .log_slip(NewSlip {
            what: "watched for an hour".into(),
            occurred: Some(at(&s, "2026-06-14 23:10")),
            urge: None,
        })
        .unwrap();
    let back = s.slip(l.id).unwrap();
    assert_eq!(back, l);
    assert_eq!(back.local_date(), NaiveDate::from_ymd_opt(2026, 6, 14).unwrap());
    assert_eq!(back.chain.status(), ChainStatus::NotStarted);
    assert_eq!(back.logged.utc_ms, s.clock().now().timestamp_millis());
    assert!(!back.compassion_prompt().is_empty());
    // Debug output holds no words.
    let dbg = format!("{back:?} {:?}", back.chain);
    assert!(!dbg.contains("watched"), "{dbg}");
}

#[test]
fn linking_an_urge_takes_its_time_and_records_the_outcome() {
    let s = TestStore::new();
    let open =
        s.log_urge(NewUrge { intensity: 8, occurred: Some(at(&s, "2026-06-13 22:00")), ..Default::default() }).unwrap();
    let surfed = s
        .log_urge(NewUrge {
            intensity: 4,
            outcome: Some(Outcome::Surfed),
            occurred: Some(at(&s, "2026-06-12 09:00")),
            ..Default::default()
        })
        .unwrap();
    let sl = s.log_slip(NewSlip { what: "acted on it".into(), occurred: None, urge: Some(open.id) }).unwrap();
    assert_eq!(sl.occurred, open.occurred, "a linked slip defaults to the urge's time");
    assert_eq!(s.urge(open.id).unwrap().outcome, Some(Outcome::Acted), "an open outcome is recorded as acted");
    // An outcome already recorded is left as the person wrote it.
    let sl2 = s.log_slip(NewSlip { what: "later that day".into(), occurred: None, urge: Some(surfed.id) }).unwrap();
    assert_eq!(s.urge(surfed.id).unwrap().outcome, Some(Outcome::Surfed));
    // One urge, one slip.
    let e = s.log_slip(NewSlip { what: "again".into(), occurred: None, urge: Some(open.id) }).unwrap_err();
    assert!(matches!(e, Error::State(_)), "{e:?}");
    // Re-linking to the same urge is not a conflict with itself.
    s.edit_slip(sl.id, SlipEdit { urge: Some(open.id), ..Default::default() }).unwrap();
    assert!(s.edit_slip(sl2.id, SlipEdit { urge: Some(open.id), ..Default::default() }).is_err());
    // A missing urge is named as such, and nothing is written.
    let ghost = RecordId::random().unwrap();
    let e = s.log_slip(NewSlip { what: "x".into(), occurred: None, urge: Some(ghost) }).unwrap_err();
    assert!(matches!(e, Error::NotFound { kind: RecordKind::Urge, .. }));
    assert_eq!(s.slips(None, None).unwrap().slips.len(), 2);
    // Unlinking keeps both records.
    let e = s.edit_slip(sl.id, SlipEdit { unlink_urge: true, ..Default::default() }).unwrap();
    assert_eq!(e.urge, None);
    assert!(s.urge(open.id).is_ok());
}

#[test]
fn validation_names_the_field_and_never_echoes_text() {
    let s = TestStore::new();
    assert_eq!(invalid_field(s.log_slip(slip("   ")).unwrap_err()), "what happened");
    let long = "z".repeat(WHAT_MAX_CHARS + 1);
    let e = s.log_slip(slip(&long)).unwrap_err();
    assert!(!e.to_string().contains("zzz"));
    let future = LocalStamp::at(s.clock().now() + Duration::hours(1), &s.clock().zone());
    assert_eq!(
        invalid_field(s.log_slip(NewSlip { what: "x".into(), occurred: Some(future), urge: None }).unwrap_err()),
        "time"
    );
    let l = s.log_slip(slip("something")).unwrap();
    assert_eq!(invalid_field(s.edit_slip(l.id, SlipEdit::default()).unwrap_err()), "edit");
    assert!(s.is_empty().is_ok());
    assert_eq!(s.slips(None, None).unwrap().slips.len(), 1);
}

#[test]
fn chain_analysis_resumes_after_the_app_is_closed() {
    let s = TestStore::new();
    let l = s.log_slip(slip("an evening online")).unwrap();
    s.answer_chain(
        l.id,
        ChainAnswer::Vulnerabilities {
            items: vec![Vulnerability { factor: VulnerabilityFactor::Sleep, note: Some("five hours".into()) }],
        },
    )
    .unwrap();
    s.answer_chain(l.id, ChainAnswer::PromptingEvent { text: "an argument by text".into() }).unwrap();
    let s = s.reopen();
    let back = s.slip(l.id).unwrap();
    assert_eq!(back.chain.status(), ChainStatus::InProgress { next: ChainStep::Links });
    assert_eq!(s.unfinished_chain_analyses().unwrap().slips.len(), 1);
    s.answer_chain(
        l.id,
        ChainAnswer::Links {
            links: vec![
                NewChainLink { kind: LinkKind::Feeling, text: "hurt".into(), instead: None },
                NewChainLink { kind: LinkKind::Action, text: "took the phone to bed".into(), instead: None },
            ],
        },
    )
    .unwrap();
    s.answer_chain(l.id, ChainAnswer::Consequences { text: "felt low the next day".into() }).unwrap();
    s.answer_chain(
        l.id,
        ChainAnswer::Alternatives {
            items: vec![LinkAlternative { link: 1, instead: "phone charges in the hall".into() }],
        },
    )
    .unwrap();
    s.answer_chain(l.id, ChainAnswer::Skip { step: ChainStep::Repair }).unwrap();
    s.answer_chain(l.id, ChainAnswer::Commitment { text: "phone out of the bedroom".into() }).unwrap();
    let before_done = s.slip(l.id).unwrap();
    assert_eq!(before_done.chain_completed, None);
    s.clock.advance(Duration::minutes(5));
    let done = s.answer_chain(l.id, ChainAnswer::SelfCompassion { text: "I am learning".into() }).unwrap();
    assert!(done.chain.is_complete());
    let completed = done.chain_completed.clone().unwrap();
    assert_eq!(completed.utc_ms, s.clock().now().timestamp_millis());
    assert!(s.unfinished_chain_analyses().unwrap().slips.is_empty());
    // Changing an answer keeps the completion time; clearing a step re-opens the analysis.
    let again = s.answer_chain(l.id, ChainAnswer::Commitment { text: "charger in the hall".into() }).unwrap();
    assert_eq!(again.chain_completed, Some(completed));
    let reopened = s.answer_chain(l.id, ChainAnswer::Clear { step: ChainStep::Repair }).unwrap();
    assert_eq!(reopened.chain.status(), ChainStatus::InProgress { next: ChainStep::Repair });
    assert_eq!(reopened.chain_completed, None);
    // Suggestions for the plan come from the answers.
    let sug = reopened.plan_suggestions();
    assert!(sug.iter().any(|x| x.part == PlanPart::Trigger && x.text == "can't sleep"));
    // Where the phone charges is a change to the surroundings, not a coping step.
    assert!(sug.iter().any(|x| x.part == PlanPart::EnvironmentChange && x.text == "phone charges in the hall"));
    // The heads agree with the full records.
    let (heads, bad) = s.slip_heads(None, None).unwrap();
    assert!(bad.is_empty());
    assert_eq!(heads[0].status, reopened.chain.status());
    assert_eq!(heads[0].factors, vec![VulnerabilityFactor::Sleep]);
}

#[test]
fn edit_moves_months_and_delete_removes() {
    let s = TestStore::new();
    let l = s.log_slip(NewSlip { what: "x".into(), occurred: Some(at(&s, "2026-06-02 20:00")), urge: None }).unwrap();
    let e = s
        .edit_slip(
            l.id,
            SlipEdit { occurred: Some(at(&s, "2026-05-30 20:00")), what: Some("y".into()), ..Default::default() },
        )
        .unwrap();
    assert_eq!(e.what, "y");
    assert!(e.edited_utc_ms.is_some());
    let june = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
    assert!(s.slips(Some(june), Some(june + Duration::days(29))).unwrap().slips.is_empty());
    let may = s.slips(Some(NaiveDate::from_ymd_opt(2026, 5, 1).unwrap()), Some(june)).unwrap();
    assert_eq!(may.slips.len(), 1);
    s.delete_slip(l.id).unwrap();
    assert!(matches!(s.slip(l.id), Err(Error::NotFound { .. })));
    assert!(matches!(s.delete_slip(l.id), Err(Error::NotFound { .. })));
    assert!(s.slips(Some(june), Some(june - Duration::days(1))).is_err());
}

#[test]
fn add_this_to_my_plan() {
    let s = TestStore::new();
    let l = s.log_slip(slip("a late night")).unwrap();
    s.answer_chain(
        l.id,
        ChainAnswer::Vulnerabilities {
            items: vec![Vulnerability { factor: VulnerabilityFactor::Loneliness, note: None }],
        },
    )
    .unwrap();
    s.answer_chain(
        l.id,
        ChainAnswer::Links {
            links: vec![NewChainLink {
                kind: LinkKind::Thought,
                text: "nobody would notice".into(),
                instead: Some("text Sam Example".into()),
            }],
        },
    )
    .unwrap();
    s.answer_chain(l.id, ChainAnswer::Commitment { text: "go to another room when it starts".into() }).unwrap();
    let offered = s.slip(l.id).unwrap().plan_suggestions();
    let pick = |part: PlanPart| offered.iter().find(|x| x.part == part).unwrap().clone();
    // Reworded by the person before adding.
    let mut trigger = pick(PlanPart::Trigger);
    assert_eq!(trigger.text, "lonely");
    trigger.text = "Lonely evenings".into();
    s.add_to_plan_from_slip(l.id, trigger.clone()).unwrap();
    s.add_to_plan_from_slip(l.id, pick(PlanPart::Strategy)).unwrap();
    let after = s.add_to_plan_from_slip(l.id, pick(PlanPart::EnvironmentChange)).unwrap();
    // The strategy's warning sign was added with it (and is recorded, so not offered again).
    assert_eq!(after.plan_additions.len(), 4);
    assert!(!after.plan_suggestions().iter().any(|x| x.text == "nobody would notice"));
    let plan = s.plan().unwrap().plan;
    assert!(plan.triggers.iter().any(|t| t.name == "Lonely evenings"));
    let sign = plan.warning_signs.iter().find(|i| i.name == "nobody would notice").expect("filed as a warning sign");
    assert_eq!(sign.strategies[0].text, "text Sam Example");
    assert_eq!(plan.environment[0].text, "go to another room when it starts");
    // What was added is not offered again; adding it again changes nothing.
    let left = s.slip(l.id).unwrap().plan_suggestions();
    assert!(!left.iter().any(|x| x.text == "text Sam Example"));
    s.add_to_plan_from_slip(l.id, trigger).unwrap();
    assert_eq!(s.plan().unwrap().plan.triggers.len(), plan.triggers.len());
    assert_eq!(s.slip(l.id).unwrap().plan_additions.len(), 4);
    // A strategy needs something it is for.
    let orphan =
        PlanSuggestion { part: PlanPart::Strategy, text: "x".into(), for_item: None, kind: None, why: String::new() };
    assert!(matches!(s.add_to_plan_from_slip(l.id, orphan), Err(Error::Invalid { .. })));
    let ghost = RecordId::random().unwrap();
    assert!(matches!(s.add_to_plan_from_slip(ghost, pick(PlanPart::Trigger)), Err(Error::NotFound { .. })));
}

#[test]
fn suggestions_improve_the_plan_and_never_damage_it() {
    use crate::plan::{LookupQuery, PlanEdit, StrategyKind};
    let s = TestStore::new();
    let (_, ids) = s.edit_plan(&[PlanEdit::AddTrigger { name: "Lonely evenings".into() }]).unwrap();
    s.edit_plan(&[PlanEdit::AddStrategy {
        for_item: Some(ids[0]),
        text: "Go to the climbing gym".into(),
        kind: Some(StrategyKind::ValuedActivity),
    }])
    .unwrap();
    let l = s.log_slip(NewSlip { what: "watched porn for two hours".into(), occurred: None, urge: None }).unwrap();
    for a in [
        ChainAnswer::Vulnerabilities {
            items: vec![Vulnerability { factor: VulnerabilityFactor::Loneliness, note: None }],
        },
        ChainAnswer::Links {
            links: vec![
                NewChainLink {
                    kind: LinkKind::Thought,
                    text: "nobody cares anyway".into(),
                    instead: Some("call Sam Example".into()),
                },
                NewChainLink {
                    kind: LinkKind::Action,
                    text: "opened a porn site".into(),
                    instead: Some("put the laptop away".into()),
                },
            ],
        },
        ChainAnswer::Consequences { text: "felt empty and ashamed".into() },
    ] {
        s.answer_chain(l.id, a).unwrap();
    }
    let offered = s.slip_plan_suggestions(l.id).unwrap();
    let texts: Vec<&str> = offered.iter().map(|x| x.text.as_str()).collect();
    assert!(!texts.contains(&"lonely"), "a near-duplicate of Lonely evenings: {texts:?}");
    assert!(!texts.contains(&"opened a porn site"), "the behaviour itself is no warning sign: {texts:?}");
    assert!(!offered.iter().any(|x| x.part == PlanPart::Reason), "shame is no reason: {texts:?}");
    assert!(offered.iter().all(|x| !x.why.is_empty()), "each says why");
    let sign = offered.iter().find(|x| x.text == "nobody cares anyway").unwrap();
    assert_eq!(sign.part, PlanPart::WarningSign);
    let env = offered.iter().find(|x| x.text == "put the laptop away").unwrap();
    assert_eq!(env.part, PlanPart::EnvironmentChange);
    // A strategy for loneliness goes under the item already there.
    let bare = s.log_slip(NewSlip { what: "a slip".into(), occurred: None, urge: None }).unwrap();
    s.answer_chain(
        bare.id,
        ChainAnswer::Vulnerabilities {
            items: vec![Vulnerability { factor: VulnerabilityFactor::Loneliness, note: None }],
        },
    )
    .unwrap();
    s.answer_chain(bare.id, ChainAnswer::Commitment { text: "text Sam Example on Friday evenings".into() }).unwrap();
    let offered = s.slip_plan_suggestions(bare.id).unwrap();
    let strategy = offered.iter().find(|x| x.part == PlanPart::Strategy).unwrap().clone();
    assert_eq!(strategy.for_item.as_deref(), Some("Lonely evenings"));
    s.add_to_plan_from_slip(bare.id, strategy).unwrap();
    let plan = s.plan().unwrap().plan;
    assert_eq!(plan.triggers.len(), 1, "no second trigger for loneliness");
    let found = s.find_in_plan(&LookupQuery { text: "so alone tonight".into(), ..Default::default() }).unwrap();
    assert_eq!(found.strategies[0].item_name.as_deref(), Some("Lonely evenings"));
}
