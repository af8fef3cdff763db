//! The risk path and next steps through the store: a strong urge, risk words in each place a
//! person types, the crisis step's order and words.
#![allow(clippy::unwrap_used)]

use crate::plan::{Availability, PlanEdit, StrategyKind};
use crate::surf::{SurfEnd, SurfOutcome, SurfStart};
use crate::testing::TestStore;
use crate::urge::{NewUrge, Outcome};

use super::*;

/// A plan with a trigger, a brother reachable any time, a therapist (office hours) and a
/// crisis line. The test clock is Monday 2026-06-15 14:00 in Berlin.
fn with_plan() -> TestStore {
    let t = TestStore::new();
    let (_, ids) = t.edit_plan(&[PlanEdit::AddTrigger { name: "Lonely".into() }]).unwrap();
    t.edit_plan(&[
        PlanEdit::AddStrategy {
            for_item: Some(ids[0]),
            text: "Go to the climbing gym".into(),
            kind: Some(StrategyKind::ValuedActivity),
        },
        PlanEdit::AddStrategy {
            for_item: Some(ids[0]),
            text: "Write to my future self".into(),
            kind: Some(StrategyKind::SelfCompassion),
        },
        PlanEdit::AddPerson { name: "Brother Example".into(), how: Some("+00 0000 0003".into()), availability: vec![] },
        PlanEdit::AddProfessional {
            name: "Dr. Example".into(),
            how: None,
            availability: vec![Availability::parse("mon-fri 09:00-17:00").unwrap()],
            crisis_line: false,
        },
        PlanEdit::AddProfessional {
            name: "Example Crisis Line".into(),
            how: Some("000".into()),
            availability: vec![],
            crisis_line: true,
        },
    ])
    .unwrap();
    t
}

fn kinds(steps: &NextSteps) -> Vec<&'static str> {
    steps
        .steps
        .iter()
        .map(|s| match s {
            NextStepOffer::Crisis { .. } => "crisis",
            NextStepOffer::SurfNow { .. } => "surf",
            NextStepOffer::PlanStrategy { .. } => "plan",
            NextStepOffer::ReachOut { .. } => "person",
            NextStepOffer::CrisisLines { .. } => "crisis-lines",
            NextStepOffer::LogSlip { .. } => "slip",
        })
        .collect()
}

#[test]
fn a_strong_sexual_urge_offers_surfing_the_plan_a_person_then_crisis_lines() {
    let t = with_plan();
    let u = t
        .log_urge(NewUrge {
            intensity: 9,
            triggers: vec!["lonely".into()],
            note: Some("so horny, want to open the hookup app".into()),
            ..Default::default()
        })
        .unwrap();
    let next = t.after_urge(u.id).unwrap();
    assert_eq!(next.risk, None);
    assert_eq!(kinds(&next), vec!["surf", "plan", "plan", "person", "crisis-lines"]);
    assert!(matches!(&next.steps[0], NextStepOffer::SurfNow { urge } if *urge == u.id));
    assert!(
        matches!(&next.steps[1], NextStepOffer::PlanStrategy { strategy } if strategy.text == "Go to the climbing gym")
    );
    assert!(matches!(&next.steps[3], NextStepOffer::ReachOut { contact } if contact.contact.name == "Brother Example"));
    match &next.steps[4] {
        NextStepOffer::CrisisLines { contacts, emergency } => {
            assert_eq!(contacts[0].contact.name, "Example Crisis Line");
            assert_eq!(emergency.number, "112");
        }
        other => panic!("{other:?}"),
    }
    assert!(next.steps[3].title().contains("+00 0000 0003"));
}

#[test]
fn risk_words_put_the_crisis_step_first_whatever_the_intensity() {
    let t = with_plan();
    for intensity in [0, 3, 10] {
        let u = t
            .log_urge(NewUrge { intensity, note: Some("i want to die, she found out".into()), ..Default::default() })
            .unwrap();
        let next = t.after_urge(u.id).unwrap();
        assert_eq!(next.risk, Some(RiskConcern::Suicide), "intensity {intensity}");
        let NextStepOffer::Crisis { step } = &next.steps[0] else { panic!("{:?}", next.steps) };
        assert_eq!(step.not_an_emergency_service, "This app is not an emergency service.");
        assert_eq!(step.contacts[0].contact.name, "Example Crisis Line");
        assert_eq!(step.people_now[0].contact.name, "Brother Example");
        assert_eq!(step.emergency.region, "DE");
        assert!(!kinds(&next).contains(&"crisis-lines"), "the crisis step already shows them");
        if intensity < HIGH_MARK {
            assert_eq!(kinds(&next), vec!["crisis"], "a calm urge is not offered surfing");
        } else {
            assert_eq!(kinds(&next)[..2], ["crisis", "surf"]);
        }
    }
    // In a trigger or a feeling too.
    let u = t.log_urge(NewUrge { intensity: 2, feelings: vec!["suicidal".into()], ..Default::default() }).unwrap();
    assert!(matches!(t.after_urge(u.id).unwrap().steps[0], NextStepOffer::Crisis { .. }));
}

#[test]
fn a_calm_urge_needs_no_steps_and_acting_offers_the_slip() {
    let t = with_plan();
    let u = t
        .log_urge(NewUrge { intensity: 4, note: Some("this deadline is killing me".into()), ..Default::default() })
        .unwrap();
    assert!(t.after_urge(u.id).unwrap().steps.is_empty());
    let u = t.log_urge(NewUrge { intensity: 9, outcome: Some(Outcome::Acted), ..Default::default() }).unwrap();
    let next = t.after_urge(u.id).unwrap();
    assert_eq!(kinds(&next), vec!["slip"]);
    assert!(matches!(next.steps[0], NextStepOffer::LogSlip { urge: Some(id) } if id == u.id));
}

#[test]
fn surfing_a_logged_urge_keeps_one_entry_and_acting_offers_the_slip() {
    let t = with_plan();
    let u = t.log_urge(NewUrge { intensity: 9, ..Default::default() }).unwrap();
    let NextStepOffer::SurfNow { urge } = t.after_urge(u.id).unwrap().steps[0].clone() else { panic!() };
    let s = t.start_surf(SurfStart { urge: Some(urge), intensity: Some(9), ..Default::default() }).unwrap();
    t.clock.advance(chrono::Duration::minutes(5));
    let s = t
        .end_surf(s.id, SurfEnd { outcome: SurfOutcome::Acted, intensity: None, note: None, strategies: vec![] })
        .unwrap();
    assert_eq!(t.urges(&Default::default()).unwrap().urges.len(), 1, "one urge, not two");
    let next = t.after_surf(s.id).unwrap();
    assert_eq!(kinds(&next), vec!["slip"]);
    assert!(matches!(next.steps[0], NextStepOffer::LogSlip { urge: Some(id) } if id == u.id));
    // After surfing, the entry needs nothing more.
    assert!(t.after_urge(u.id).unwrap().steps.iter().all(|s| !matches!(s, NextStepOffer::SurfNow { .. })));
}

#[test]
fn still_strong_after_surfing_offers_support_and_a_note_with_risk_words_the_crisis_step() {
    let t = with_plan();
    let s = t.start_surf(SurfStart { intensity: Some(8), ..Default::default() }).unwrap();
    let s = t
        .end_surf(
            s.id,
            SurfEnd { outcome: SurfOutcome::StillStrong, intensity: Some(8), note: None, strategies: vec![] },
        )
        .unwrap();
    assert_eq!(kinds(&t.after_surf(s.id).unwrap()).last(), Some(&"crisis-lines"));
    let s = t
        .start_surf(SurfStart {
            intensity: Some(3),
            note: Some("thinking of killing myself".into()),
            ..Default::default()
        })
        .unwrap();
    let s = t
        .end_surf(s.id, SurfEnd { outcome: SurfOutcome::Passed, intensity: Some(1), note: None, strategies: vec![] })
        .unwrap();
    assert_eq!(kinds(&t.after_surf(s.id).unwrap()), vec!["crisis"]);
}

#[test]
fn check_words_and_the_lookup_lead_to_the_crisis_step() {
    let t = with_plan();
    assert!(t.check_words(&["felt empty and ashamed".into()]).unwrap().is_none());
    let c = t.check_words(&["ok".into(), "I want to hurt myself".into()]).unwrap().unwrap();
    assert_eq!(c.concern, Some(RiskConcern::SelfHarm));
    let l = t
        .find_in_plan(&crate::plan::LookupQuery { text: "i want to die, she found out".into(), ..Default::default() })
        .unwrap();
    let crisis = l.crisis.unwrap();
    assert_eq!(crisis.contacts[0].contact.name, "Example Crisis Line");
    assert_eq!(l.contacts[0].contact.name, "Example Crisis Line", "crisis lines lead the contacts");
    // A strong urge without risk words: the brother first, the crisis line last.
    let l = t
        .find_in_plan(&crate::plan::LookupQuery { text: "lonely".into(), intensity: Some(10), ..Default::default() })
        .unwrap();
    assert!(l.crisis.is_none());
    assert_eq!(l.contacts[0].contact.name, "Brother Example");
    assert_eq!(l.contacts.last().unwrap().contact.name, "Example Crisis Line");
}

#[test]
fn the_crisis_step_without_a_plan_still_gives_the_emergency_number() {
    let t = TestStore::new();
    let c = t.crisis_step().unwrap();
    assert!(c.contacts.is_empty());
    assert_eq!(c.emergency.number, "112");
    assert!(c.emergency.sentence().contains("Germany"));
    assert!(!c.message.is_empty());
}
