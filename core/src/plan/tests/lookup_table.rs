//! Acceptance: a table of lookup queries (misspelled, inflected, synonyms, free text) and the
//! strategies each must bring first; plus intensity, reachability and the empty plan.

use chrono::{NaiveDate, NaiveDateTime};

use super::*;
use StrategyKind::*;

const ITEMS: &[ItemSpec<'static>] = &[
    (
        ItemKind::WarningSign,
        "Staying up past midnight",
        &[
            ("Phone goes on the kitchen charger at 23:00", ChangeEnvironment),
            ("Read a paper book in bed", ValuedActivity),
        ],
    ),
    (
        ItemKind::WarningSign,
        "Telling myself just five minutes",
        &[("Name the thought: this is the urge talking", SurfTheUrge), ("Set a 15-minute timer and wait", Delay)],
    ),
    (ItemKind::WarningSign, "Isolating from friends", &[("Message the group chat", ReachOut)]),
    (
        ItemKind::Trigger,
        "Lonely",
        &[
            ("Call Sam Example", ReachOut),
            ("Go to the climbing gym", ValuedActivity),
            ("Write a letter to my future self", SelfCompassion),
        ],
    ),
    (
        ItemKind::Trigger,
        "Stress at work",
        &[("Box breathing for four minutes", GroundOrBreathe), ("Walk around the block", ValuedActivity)],
    ),
    (
        ItemKind::Trigger,
        "Bored at home",
        &[
            ("Play guitar for twenty minutes", ValuedActivity),
            ("Leave the flat and go to the library", ChangeEnvironment),
        ],
    ),
    (
        ItemKind::Trigger,
        "Can't sleep",
        &[("Get up and make chamomile tea", Distract), ("Body scan recording", GroundOrBreathe)],
    ),
    (
        ItemKind::Trigger,
        "Late-night scrolling",
        &[("Turn on the blocker", ChangeEnvironment), ("Put the phone across the room", ChangeEnvironment)],
    ),
    (
        ItemKind::Trigger,
        "Argument with my partner",
        &[("Take a 20-minute break before talking again", Delay), ("Cold shower", GroundOrBreathe)],
    ),
    (ItemKind::Trigger, "Feeling rejected", &[("Remind myself of three people who care about me", SelfCompassion)]),
    (ItemKind::Trigger, "Drinking", &[("Switch to sparkling water after two drinks", ChangeEnvironment)]),
    (ItemKind::Trigger, "Hotel rooms when travelling", &[("Spend the evening in the hotel lobby", ChangeEnvironment)]),
    (ItemKind::Trigger, "Anxiety", &[("5-4-3-2-1 grounding", GroundOrBreathe)]),
    (ItemKind::Trigger, "Sadness", &[("Sit with it kindly for five minutes", SelfCompassion)]),
];

const GENERAL: &[(&str, StrategyKind)] =
    &[("Surf the urge for ten minutes", SurfTheUrge), ("Read my reasons", ReasonsAndValues)];

fn fixture() -> (TestStore, Vec<RecordId>) {
    let t = TestStore::new();
    let ids = build(&t, ITEMS, GENERAL);
    t.edit_plan(&[
        PlanEdit::AddPerson {
            name: "Sam Example".into(),
            how: Some("+00 0000 0001".into()),
            availability: vec![Availability::parse("daily 18:00-22:00").unwrap()],
        },
        PlanEdit::AddPerson {
            name: "Alex Example".into(),
            how: None,
            availability: vec![Availability::parse("mon-fri 09:00-17:00").unwrap()],
        },
        PlanEdit::AddProfessional {
            name: "Dr. Example, therapist".into(),
            how: Some("+00 0000 0002".into()),
            availability: vec![Availability::parse("mon-fri 09:00-17:00").unwrap()],
            crisis_line: false,
        },
        PlanEdit::AddProfessional {
            name: "Example Crisis Line".into(),
            how: Some("000".into()),
            availability: vec![],
            crisis_line: true,
        },
        PlanEdit::AddReason { text: "Being present with my kids".into() },
    ])
    .unwrap();
    (t, ids)
}

/// Monday 2026-06-15, 14:00 local.
fn afternoon() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 6, 15).unwrap().and_hms_opt(14, 0, 0).unwrap()
}

/// (query, the strategies that must come first, in this order)
const TABLE: &[(&str, &[&str])] = &[
    // Exact, case, punctuation.
    ("lonely", &["Call Sam Example", "Go to the climbing gym", "Write a letter to my future self"]),
    ("LONELY!!!", &["Call Sam Example"]),
    ("  Lonely ", &["Call Sam Example"]),
    // Misspelled.
    ("lonley", &["Call Sam Example"]),
    ("lonly", &["Call Sam Example"]),
    ("stresed", &["Box breathing for four minutes"]),
    ("borred", &["Play guitar for twenty minutes"]),
    ("tierd", &["Get up and make chamomile tea"]),
    ("exausted", &["Get up and make chamomile tea"]),
    ("anxeity", &["5-4-3-2-1 grounding"]),
    ("scroling", &["Turn on the blocker"]),
    ("rejectd", &["Remind myself of three people who care about me"]),
    // Inflected.
    ("loneliness", &["Call Sam Example"]),
    ("stressed", &["Box breathing for four minutes"]),
    ("stressful", &["Box breathing for four minutes"]),
    ("boredom", &["Play guitar for twenty minutes"]),
    ("arguing", &["Take a 20-minute break before talking again"]),
    ("rejection", &["Remind myself of three people who care about me"]),
    ("scrolled for hours", &["Turn on the blocker"]),
    // Synonyms.
    ("alone", &["Call Sam Example"]),
    ("isolated", &["Call Sam Example"]),
    ("under pressure", &["Box breathing for four minutes"]),
    ("overwhelmed", &["Box breathing for four minutes"]),
    ("nothing to do", &["Play guitar for twenty minutes"]),
    ("insomnia", &["Get up and make chamomile tea"]),
    ("exhausted", &["Get up and make chamomile tea"]),
    ("instagram", &["Turn on the blocker"]),
    ("fight with my wife", &["Take a 20-minute break before talking again"]),
    ("ghosted", &["Remind myself of three people who care about me"]),
    ("drunk", &["Switch to sparkling water after two drinks"]),
    ("hotel", &["Spend the evening in the hotel lobby"]),
    ("panicking", &["5-4-3-2-1 grounding"]),
    ("feeling down", &["Sit with it kindly for five minutes"]),
    // Free text.
    ("cant sleep, lonely", &["Call Sam Example", "Get up and make chamomile tea"]),
    ("can't sleep", &["Get up and make chamomile tea", "Body scan recording"]),
    ("so alone tonight", &["Call Sam Example"]),
    ("stressful day at work", &["Box breathing for four minutes", "Walk around the block"]),
    // Each feeling named brings its own strategies up, interleaved in the client's order.
    (
        "I feel lonely and bored",
        &[
            "Call Sam Example",
            "Play guitar for twenty minutes",
            "Go to the climbing gym",
            "Leave the flat and go to the library",
        ],
    ),
    ("had a row with my partner", &["Take a 20-minute break before talking again", "Cold shower"]),
    ("just five minutes", &["Name the thought: this is the urge talking"]),
    ("no one to talk to", &["Call Sam Example"]),
    (
        "I'm so tired and stressed",
        &["Get up and make chamomile tea", "Box breathing for four minutes", "Body scan recording"],
    ),
    // A strategy's own words.
    ("breathing", &["Box breathing for four minutes"]),
    ("guitar", &["Play guitar for twenty minutes"]),
    // Nothing in the plan: general strategies first.
    ("", &["Surf the urge for ten minutes", "Read my reasons"]),
    ("xyzzy qwerty", &["Surf the urge for ten minutes", "Read my reasons"]),
];

#[test]
fn table_of_queries_finds_the_expected_strategies() {
    let (t, _) = fixture();
    let ix = t.plan_index().unwrap();
    assert!(TABLE.len() >= 30);
    let mut failures = Vec::new();
    for (query, want) in TABLE {
        let l = ix.lookup(&LookupQuery { text: query.to_string(), ..Default::default() }, afternoon()).unwrap();
        let got: Vec<&str> = l.strategies.iter().take(want.len()).map(|s| s.text.as_str()).collect();
        if got != *want {
            failures.push(format!("{query:?}: want {want:?}, got {got:?}"));
        }
        assert!(l.strategies.iter().all(|s| !s.is_suggestion()) || want.is_empty(), "{query:?}");
    }
    assert!(failures.is_empty(), "{} of {} queries failed:\n{}", failures.len(), TABLE.len(), failures.join("\n"));
}

#[test]
fn matched_items_say_how_they_matched() {
    let (t, ids) = fixture();
    let ix = t.plan_index().unwrap();
    let l = ix.lookup(&LookupQuery { text: "stressed".into(), ..Default::default() }, afternoon()).unwrap();
    assert_eq!(l.matched.len(), 1);
    assert_eq!(l.matched[0].name, "Stress at work");
    assert_eq!(l.matched[0].how, MatchHow::Partial);
    assert_eq!(l.strategies[0].item_name.as_deref(), Some("Stress at work"));
    assert_eq!(l.strategies[0].source, StrategySource::MatchedItem);
    // A tapped item comes first whatever the text says.
    let bored = ids[5];
    let l =
        ix.lookup(&LookupQuery { text: String::new(), item: Some(bored), ..Default::default() }, afternoon()).unwrap();
    assert_eq!(l.matched[0].how, MatchHow::Tapped);
    assert_eq!(l.strategies[0].text, "Play guitar for twenty minutes");
    // Strategies of matched items are followed by the general ones; other items stay out.
    let l = ix.lookup(&LookupQuery { text: "lonely".into(), ..Default::default() }, afternoon()).unwrap();
    let sources: Vec<StrategySource> = l.strategies.iter().map(|s| s.source).collect();
    assert_eq!(sources.iter().filter(|s| **s == StrategySource::General).count(), 2);
    assert!(!sources.contains(&StrategySource::OtherItem));
    // With nothing matched, the rest of the plan follows the general strategies.
    let l = ix.lookup(&LookupQuery { text: "xyzzy".into(), ..Default::default() }, afternoon()).unwrap();
    assert!(l.matched.is_empty());
    assert_eq!(l.strategies.len(), t.plan().unwrap().plan.strategy_count());
    // A limit cuts the list.
    let l =
        ix.lookup(&LookupQuery { text: "lonely".into(), limit: Some(2), ..Default::default() }, afternoon()).unwrap();
    assert_eq!(l.strategies.len(), 2);
}

#[test]
fn late_at_night_night_time_items_join_in() {
    let (t, _) = fixture();
    let ix = t.plan_index().unwrap();
    let night = NaiveDate::from_ymd_opt(2026, 6, 15).unwrap().and_hms_opt(23, 30, 0).unwrap();
    let l = ix.lookup(&LookupQuery { text: "lonely".into(), ..Default::default() }, night).unwrap();
    let names: Vec<&str> = l.matched.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names[0], "Lonely");
    assert!(names.contains(&"Staying up past midnight") && names.contains(&"Late-night scrolling"), "{names:?}");
    assert_eq!(l.strategies[0].text, "Call Sam Example", "what was asked for still comes first");
    let l = ix.lookup(&LookupQuery { text: "lonely".into(), ..Default::default() }, afternoon()).unwrap();
    assert!(l.matched.iter().all(|m| m.how != MatchHow::TimeOfDay));
}

#[test]
fn high_intensity_puts_reaching_out_first_and_crisis_lines_after_people() {
    let (t, _) = fixture();
    let ix = t.plan_index().unwrap();
    let q =
        |text: &str, intensity: u8| LookupQuery { text: text.into(), intensity: Some(intensity), ..Default::default() };
    let calm = ix.lookup(&q("bored", 4), afternoon()).unwrap();
    assert!(!calm.high_intensity);
    assert_eq!(calm.strategies[0].text, "Play guitar for twenty minutes");
    let l = ix.lookup(&q("bored", HIGH_INTENSITY), afternoon()).unwrap();
    assert!(l.high_intensity);
    let kinds: Vec<StrategyKind> = l.strategies.iter().map(|s| s.kind).collect();
    let first_other = kinds.iter().position(|k| *k != ReachOut).unwrap();
    assert!(first_other >= 2, "every reach-out step of the plan comes first: {kinds:?}");
    assert!(kinds[first_other..].iter().all(|k| *k != ReachOut));
    assert_eq!(l.strategies[first_other].text, "Play guitar for twenty minutes", "then what matched, in order");
    // Contacts: people reachable now, then professionals, then the crisis line (a strong urge
    // is not a suicidal crisis); Sam (evenings only) last, with when he can be reached.
    assert!(l.crisis.is_none());
    let names: Vec<&str> = l.contacts.iter().map(|c| c.contact.name.as_str()).collect();
    assert_eq!(names, vec!["Alex Example", "Dr. Example, therapist", "Example Crisis Line", "Sam Example"]);
    assert!(!l.contacts[3].reachable_now);
    assert_eq!(l.contacts[3].minutes_until_reachable, Some(4 * 60));
    let calm_names: Vec<&str> = calm.contacts.iter().map(|c| c.contact.name.as_str()).collect();
    assert_eq!(calm_names, vec!["Alex Example", "Dr. Example, therapist", "Example Crisis Line", "Sam Example"]);
    // In the evening Sam can be reached, Alex cannot.
    let evening = NaiveDate::from_ymd_opt(2026, 6, 15).unwrap().and_hms_opt(19, 0, 0).unwrap();
    let l = ix.lookup(&q("lonely", 9), evening).unwrap();
    let reachable: Vec<&str> = l.contacts.iter().filter(|c| c.reachable_now).map(|c| c.contact.name.as_str()).collect();
    assert_eq!(reachable, vec!["Sam Example", "Example Crisis Line"]);
    assert_eq!(l.reasons[0].text, "Being present with my kids");
    assert!(ix.lookup(&q("lonely", 11), evening).is_err());
}

#[test]
fn an_empty_plan_gives_marked_suggestions() {
    let t = TestStore::new();
    let l = t.find_in_plan(&LookupQuery { text: "lonley".into(), ..Default::default() }).unwrap();
    assert!(l.matched.is_empty());
    assert!(!l.strategies.is_empty());
    assert!(l.strategies.iter().all(|s| s.is_suggestion() && s.id.is_none()));
    assert_eq!(l.strategies[0].text, "Text or call someone you trust, even just to say hello");
    let l = t.find_in_plan(&LookupQuery::default()).unwrap();
    assert_eq!(l.strategies.len(), 8, "general suggestions for any moment");
    let l = t.find_in_plan(&LookupQuery { text: "bored".into(), intensity: Some(9), ..Default::default() }).unwrap();
    assert!(l.strategies[0].text.starts_with("Call or text someone you trust"));
    assert!(l.strategies[1].text.contains("emergency"));
    assert!(l.contacts.is_empty());
}

#[test]
fn a_plan_without_the_feeling_adds_suggestions_after_its_own_strategies() {
    let (t, _) = fixture();
    let l = t.find_in_plan(&LookupQuery { text: "hungry".into(), ..Default::default() }).unwrap();
    assert_eq!(l.strategies[0].text, "Surf the urge for ten minutes");
    let own = t.plan().unwrap().plan.strategy_count();
    assert!(l.strategies[..own].iter().all(|s| !s.is_suggestion()));
    assert_eq!(l.strategies[own].text, "Eat something, then see how strong the urge is");
    assert!(l.strategies[own].is_suggestion());
}

#[test]
fn queries_are_validated() {
    let (t, _) = fixture();
    let long = "a".repeat(QUERY_MAX_CHARS + 1);
    let e = t.find_in_plan(&LookupQuery { text: long, ..Default::default() }).unwrap_err();
    assert!(!e.to_string().contains("aaaa"));
    assert!(!format!("{:?}", LookupQuery { text: "canary".into(), ..Default::default() }).contains("canary"));
}
