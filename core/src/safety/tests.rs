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

#[test]
fn a_chosen_region_or_own_number_is_the_emergency_number_everywhere() {
    let t = with_plan();
    assert_eq!(t.safety_settings().unwrap(), SafetySettings::default());
    assert_eq!(t.emergency_number().source, RegionSource::TimeZone);
    let set = SafetySettings { emergency_region: Some(" gb ".into()), ..Default::default() };
    let stored = t.set_safety_settings(set).unwrap();
    assert_eq!(stored.emergency_region.as_deref(), Some("GB"));
    let e = t.emergency_number();
    assert_eq!((e.number.as_str(), e.source), ("999", RegionSource::Chosen));
    // The crisis step of risk words shows it too, and it survives the app being killed.
    let t = t.reopen();
    let u = t.log_urge(NewUrge { intensity: 2, note: Some("kms".into()), ..Default::default() }).unwrap();
    let NextStepOffer::Crisis { step } = &t.after_urge(u.id).unwrap().steps[0] else { panic!() };
    assert_eq!(step.emergency.number, "999");

    // A number of one's own, for a place the table does not hold.
    let own = SafetySettings { own_emergency_number: Some(" 1-2-3 ".into()), ..Default::default() };
    t.set_safety_settings(own).unwrap();
    let e = t.crisis_step().unwrap().emergency;
    assert_eq!((e.number.as_str(), e.source), ("1-2-3", RegionSource::OwnNumber));
    assert!(e.sentence().contains("1-2-3"));
}

#[test]
fn refused_settings_store_nothing_and_say_why() {
    let t = TestStore::new();
    let good = SafetySettings { high_mark: Some(6), ..Default::default() };
    t.set_safety_settings(good.clone()).unwrap();
    let refused = [
        SafetySettings { emergency_region: Some("XX".into()), ..Default::default() },
        SafetySettings { own_emergency_number: Some("call mum".into()), ..Default::default() },
        SafetySettings { own_emergency_number: Some("1".repeat(OWN_NUMBER_MAX_CHARS + 1)), ..Default::default() },
        SafetySettings { own_emergency_number: Some(" ".into()), ..Default::default() },
        SafetySettings { high_mark: Some(MIN_HIGH_MARK - 1), ..Default::default() },
        SafetySettings { high_mark: Some(11), ..Default::default() },
    ];
    for s in refused {
        let err = t.set_safety_settings(s.clone()).unwrap_err();
        assert!(matches!(err, crate::Error::Invalid { .. }), "{s:?}: {err:?}");
        assert_eq!(t.safety_settings().unwrap(), good, "nothing stored for {s:?}");
    }
}

#[test]
fn the_high_mark_decides_when_an_urge_is_strong() {
    let t = with_plan();
    let six = |t: &TestStore| {
        let u = t.log_urge(NewUrge { intensity: 6, triggers: vec!["lonely".into()], ..Default::default() }).unwrap();
        kinds(&t.after_urge(u.id).unwrap())
    };
    assert!(six(&t).is_empty(), "6 is below the default mark of {HIGH_MARK}");
    assert_eq!(t.high_mark(), HIGH_MARK);
    t.set_safety_settings(SafetySettings { high_mark: Some(6), ..Default::default() }).unwrap();
    assert_eq!(t.high_mark(), 6);
    let steps = six(&t);
    assert_eq!(steps.first(), Some(&"surf"));
    let person = steps.iter().position(|k| *k == "person").unwrap();
    assert!(person < steps.iter().position(|k| *k == "crisis-lines").unwrap(), "{steps:?}");
    // Someone who wants help only at 9: an 8 gets none.
    t.set_safety_settings(SafetySettings { high_mark: Some(9), ..Default::default() }).unwrap();
    let u = t.log_urge(NewUrge { intensity: 8, ..Default::default() }).unwrap();
    assert!(t.after_urge(u.id).unwrap().steps.is_empty());
}

#[test]
fn risk_words_flag_each_kind_of_entry_and_the_flag_survives_a_killed_app() {
    use crate::checkin::NewCheckIn;
    use crate::slip::{ChainAnswer, NewSlip};
    use crate::store::RecordKind;
    use crate::urge::{UrgeEdit, UrgeField};

    let t = with_plan();
    let calm =
        t.log_urge(NewUrge { intensity: 3, note: Some("this deadline is killing me".into()), ..Default::default() });
    assert_eq!(calm.unwrap().risk, None);
    let u = t.log_urge(NewUrge { intensity: 2, note: Some("i wnat to die".into()), ..Default::default() }).unwrap();
    assert_eq!(u.risk, Some(RiskConcern::Suicide), "the value returned says it");
    let minute = || t.clock.advance(chrono::Duration::minutes(1));
    minute();
    // A slip flagged by an answer of its chain analysis, not only by what happened.
    let slip = t.log_slip(NewSlip { what: "watched porn for hours".into(), occurred: None, urge: None }).unwrap();
    assert_eq!(slip.risk, None);
    let answer = ChainAnswer::Consequences { text: "and now I want to hurt myself".into() };
    assert_eq!(t.answer_chain(slip.id, answer).unwrap().risk, Some(RiskConcern::SelfHarm));
    minute();
    let c = t.check_in(NewCheckIn { mood: Some(2), note: Some("kms".into()), ..Default::default() }).unwrap();
    assert_eq!(c.check_in.risk, Some(RiskConcern::Suicide));
    minute();
    // A surf session is flagged at the check-in whose note calls for it, before it ends.
    let s = t.start_surf(crate::surf::SurfStart { intensity: Some(7), ..Default::default() }).unwrap();
    t.clock.advance(chrono::Duration::minutes(3));
    let s = t.surf_checkin(s.id, 6, Some("thinking of ending it all")).unwrap();
    assert_eq!(s.risk, Some(RiskConcern::Suicide));

    // The app is killed before the crisis step was seen: the flags are still there.
    let t = t.reopen();
    let flagged = t.flagged_entries(None, None).unwrap();
    assert!(flagged.unreadable.is_empty());
    let kinds: Vec<RecordKind> = flagged.entries.iter().map(|e| e.kind).collect();
    assert_eq!(kinds, [RecordKind::Urge, RecordKind::Slip, RecordKind::CheckIn, RecordKind::SurfSession]);
    assert_eq!(flagged.entries[0].id, u.id);
    assert_eq!(flagged.entries[3].id, s.id);
    assert_eq!(t.urge(u.id).unwrap().risk, Some(RiskConcern::Suicide));
    // Lists read the flag from the heads, without the words.
    let listed = t.urges(&Default::default()).unwrap();
    assert_eq!(listed.urges.iter().filter(|u| u.risk.is_some()).count(), 1);
    assert_eq!(t.surf_session(s.id).unwrap().risk, Some(RiskConcern::Suicide));
    // A range of days, and a range the wrong way round.
    let today = t.store.clock().today();
    assert_eq!(t.flagged_entries(Some(today), Some(today)).unwrap().entries.len(), 4);
    assert!(t.flagged_entries(Some(today + chrono::Duration::days(1)), None).unwrap().entries.is_empty());
    assert!(t.flagged_entries(Some(today), Some(today - chrono::Duration::days(1))).is_err());

    // The flag follows the words: edited away, the entry is no longer flagged.
    let edited = t.edit_urge(u.id, UrgeEdit { clear: vec![UrgeField::Note], ..Default::default() }).unwrap();
    assert_eq!(edited.risk, None);
    let t = t.reopen();
    assert_eq!(t.flagged_entries(None, None).unwrap().entries.len(), 3);
}
