#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::Duration;

use super::project::{project, Projected};
use super::*;
use crate::plan::PlanEdit;
use crate::testing::TestStore;
use crate::urge::{NewUrge, UrgeEdit};

fn entries(p: Projected) -> std::collections::BTreeMap<String, serde_json::Value> {
    match p {
        Projected::Entries(e) => e,
        Projected::Plan(_) => panic!("not entries"),
    }
}

fn at(s: &TestStore, days_ago: i64) -> LocalStamp {
    LocalStamp::at(s.clock().now() - Duration::days(days_ago), &s.clock().zone())
}

#[test]
fn the_window_decides_what_enters_a_share() {
    let s = TestStore::new();
    let old = s
        .log_urge(NewUrge {
            intensity: 3,
            occurred: Some(at(&s, 10)),
            note: Some("old words".into()),
            ..Default::default()
        })
        .unwrap();
    let today = s.clock().today();
    let from_today = Window { from: Some(today), until: None };
    assert!(
        entries(project(&s, Category::Urges, from_today).unwrap()).is_empty(),
        "history entered a from-now-on share"
    );
    let new = s.log_urge(NewUrge { intensity: 6, note: Some("new words".into()), ..Default::default() }).unwrap();
    let e = entries(project(&s, Category::Urges, from_today).unwrap());
    assert_eq!(e.keys().cloned().collect::<Vec<_>>(), vec![new.id.to_text()]);
    assert!(e[&new.id.to_text()].get("note").is_none(), "notes are their own category");
    // A late, back-dated urge: inside the window it appears; before it, never.
    let late = s.log_urge(NewUrge { intensity: 5, occurred: Some(at(&s, 0)), ..Default::default() }).unwrap();
    let before = s.log_urge(NewUrge { intensity: 5, occurred: Some(at(&s, 3)), ..Default::default() }).unwrap();
    let e = entries(project(&s, Category::Urges, from_today).unwrap());
    assert!(e.contains_key(&late.id.to_text()));
    assert!(!e.contains_key(&before.id.to_text()) && !e.contains_key(&old.id.to_text()));
    // An edit updates the entry; a delete removes it.
    s.edit_urge(new.id, UrgeEdit { intensity: Some(9), ..Default::default() }).unwrap();
    assert_eq!(entries(project(&s, Category::Urges, from_today).unwrap())[&new.id.to_text()]["intensity"], 9);
    s.delete_urge(new.id).unwrap();
    assert!(!entries(project(&s, Category::Urges, from_today).unwrap()).contains_key(&new.id.to_text()));
    // With history: everything; notes only in the notes category.
    let all = Window { from: None, until: None };
    assert_eq!(entries(project(&s, Category::Urges, all).unwrap()).len(), 3);
    let notes = entries(project(&s, Category::Notes, all).unwrap());
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[&old.id.to_text()]["note"], "old words");
    // An end date closes the window.
    let ended = Window { from: None, until: Some(today - Duration::days(5)) };
    assert_eq!(entries(project(&s, Category::Urges, ended).unwrap()).len(), 1);
}

#[test]
fn a_share_document_follows_the_projection() {
    let s = TestStore::new();
    let u = s.log_urge(NewUrge { intensity: 4, triggers: vec!["bored".into()], ..Default::default() }).unwrap();
    let mut doc = entries::genesis("urges").unwrap();
    let all = Window { from: None, until: None };
    entries::update(&mut doc, &entries(project(&s, Category::Urges, all).unwrap())).unwrap();
    assert_eq!(entries::read_entries(&doc).unwrap().len(), 1);
    s.delete_urge(u.id).unwrap();
    entries::update(&mut doc, &entries(project(&s, Category::Urges, all).unwrap())).unwrap();
    assert!(entries::read_entries(&doc).unwrap().is_empty(), "a deleted entry leaves the shared document");
}

#[test]
fn plan_edits_round_trip_by_id() {
    let s = TestStore::new();
    let (_, ids) = s
        .edit_plan(&[
            PlanEdit::AddTrigger { name: "Stressed".into() },
            PlanEdit::AddReason { text: "My health".into() },
        ])
        .unwrap();
    s.edit_plan(&[PlanEdit::AddStrategy { for_item: Some(ids[0]), text: "Walk round the block".into(), kind: None }])
        .unwrap();
    let local = s.plan().unwrap().plan;
    let mut shared = crate::plan::doc::PlanDoc::genesis().unwrap();
    let (edits, id_queue) = plan::edits_to_match(&local, &shared.read());
    plan::apply_with_ids(&mut shared, &edits, id_queue).unwrap();
    let copy = shared.read();
    assert_eq!(copy.triggers[0].id, local.triggers[0].id);
    assert_eq!(copy.triggers[0].strategies[0].id, local.triggers[0].strategies[0].id);
    assert_eq!(copy.reasons, local.reasons);
    // Matching again changes nothing.
    assert!(plan::edits_to_match(&local, &copy).0.is_empty());
    assert!(!format!("{:?}", plan::describe(&edits, &copy, &local)).is_empty());
}

#[test]
fn consent_receipts_record_grants_and_withdrawals() {
    let s = TestStore::new();
    let p = Pairing {
        id: RecordId::random().unwrap(),
        server: "https://sync.clinic.invalid".into(),
        clinician_id: "cl_x".into(),
        clinician_name: "Dr Sam Example".into(),
        clinician_public_key: [9u8; 32],
        fingerprint: "aaaa-bbbb-cccc-dddd-eeee-ffff".into(),
        device_id: "dev".into(),
        device_key: vec![],
        paired: at(&s, 0),
    };
    s.write(|tx| tx.put(&p)).unwrap();
    let made = s
        .grant_consent(&ConsentRequest {
            pairing: p.id,
            categories: vec![Category::Goals, Category::CheckIns],
            include_history: false,
            until: None,
        })
        .unwrap();
    assert_eq!(made.len(), 2);
    assert!(made.iter().all(|m| m.from == Some(s.clock().today())));
    assert!(s
        .grant_consent(&ConsentRequest {
            pairing: p.id,
            categories: vec![Category::Goals],
            include_history: false,
            until: None
        })
        .is_err());
    s.withdraw_consent(p.id, &[Category::Goals]).unwrap();
    let r = s.consent_receipts().unwrap();
    assert_eq!(r.records.iter().filter(|r| r.action == ReceiptAction::Granted).count(), 2);
    assert_eq!(r.records.iter().filter(|r| r.action == ReceiptAction::Withdrawn).count(), 1);
    assert!(r.records.iter().all(|r| r.wording_sha256.len() == 64 && r.recipient == "Dr Sam Example"));
    let states: Vec<(Category, ShareState)> =
        s.shares().unwrap().records.iter().map(|x| (x.category, x.state)).collect();
    assert!(states.contains(&(Category::Goals, ShareState::Withdrawn)));
    assert!(states.contains(&(Category::CheckIns, ShareState::Active)));
    // The preview shows the words and what is never sent, and stores nothing.
    let before = s.shares().unwrap().records.len();
    let pv = s.preview_consent(&[Category::Urges], true).unwrap();
    assert!(!pv[0].never_sent.is_empty() && pv[0].wording.contains("Not your notes"));
    assert_eq!(s.shares().unwrap().records.len(), before);
    assert!(format!("{:?}", s.shares().unwrap()).find("Dr Sam").is_none());
}

#[test]
fn categories_parse_leniently() {
    assert_eq!(Category::parse("Weekly summaries").unwrap(), Category::WeeklySummaries);
    assert_eq!(Category::parse("check-in").unwrap(), Category::CheckIns);
    assert_eq!(Category::parse("coping_plan").unwrap(), Category::CopingPlan);
    assert!(Category::parse("everything").is_err());
}
