#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::library::{builtin, builtins};
use super::*;
use crate::clock::Clock;
use crate::error::Error;
use crate::testing::TestStore;

const TEN_MIN: u64 = 600_000;

fn timeline(key: &str, adjust: Adjust) -> Timeline {
    builtin(key).unwrap().timeline(&adjust).unwrap()
}

/// Check every millisecond of `0..until`: the phase, the time to the next boundary and the
/// progress match a schedule computed independently (intro, then a fixed cycle).
fn sweep(t: &Timeline, until: u64, intro: (u64, Phase), cycle: &[(u64, Phase)], cycles: u64) {
    let cycle_ms: u64 = cycle.iter().map(|c| c.0).sum();
    let mut transitions = 0;
    let mut last_phase = None;
    for ms in 0..until {
        let p = t.at(ms);
        let (phase, to_next, step_len) = if ms < intro.0 {
            (intro.1, intro.0 - ms, intro.0)
        } else {
            let rel = ms - intro.0;
            let k = rel / cycle_ms;
            assert!(k < cycles, "sweep beyond the cycles at {ms}");
            let mut within = rel % cycle_ms;
            let mut found = None;
            for (len, ph) in cycle {
                if within < *len {
                    found = Some((*ph, len - within, *len));
                    break;
                }
                within -= len;
            }
            found.unwrap()
        };
        assert_eq!(p.phase, phase, "phase at {ms} ms");
        assert_eq!(p.to_next_ms, to_next, "time to next boundary at {ms} ms");
        assert!(!p.finished);
        let expected = (step_len - to_next) as f32 / step_len as f32;
        assert!((p.progress - expected).abs() < 1e-6, "progress at {ms} ms");
        if last_phase != Some((p.step, p.instance)) {
            transitions += 1;
            // A boundary: the previous millisecond still belonged to the previous step.
            if ms > 0 {
                assert_eq!(t.at(ms - 1).to_next_ms, 1, "boundary at {ms} ms");
            }
            last_phase = Some((p.step, p.instance));
        }
    }
    assert!(transitions > 10);
}

#[test]
fn box_breathing_boundaries_are_exact_over_ten_minutes() {
    let t = timeline("box", Adjust { minutes: Some(10), ..Default::default() });
    // 10 minutes of 16-second boxes: 37.5, so 38 whole boxes; plus a 5 s opening and closing.
    assert_eq!(t.total_ms(), 5_000 + 38 * 16_000 + 5_000);
    let cycle = [(4000, Phase::Inhale), (4000, Phase::Hold), (4000, Phase::Exhale), (4000, Phase::Hold)];
    sweep(&t, TEN_MIN, (5000, Phase::Rest), &cycle, 38);
    // Every boundary the preview lists is a multiple of 4 s after the opening.
    let b = t.boundaries_ms();
    assert_eq!(b.len(), 1 + 38 * 4 + 1);
    for (i, ms) in b.iter().enumerate().skip(1).take(38 * 4) {
        assert_eq!(*ms, 5_000 + (i as u64 - 1) * 4_000);
    }
    let end = t.at(t.total_ms());
    assert!(end.finished && end.to_next_ms == 0 && end.overall == 1.0);
}

#[test]
fn four_seven_eight_boundaries_are_exact_over_ten_minutes() {
    let d = builtin("4-7-8").unwrap();
    // The default is four rounds after a full exhale.
    assert_eq!(d.timeline(&Adjust::default()).unwrap().total_ms(), 4_000 + 4 * 19_000 + 5_000);
    let t = d.timeline(&Adjust { minutes: Some(10), ..Default::default() }).unwrap();
    assert_eq!(t.total_ms(), 4_000 + 32 * 19_000 + 5_000);
    let cycle = [(4000, Phase::Inhale), (7000, Phase::Hold), (8000, Phase::Exhale)];
    sweep(&t, TEN_MIN, (4000, Phase::Exhale), &cycle, 32);
}

/// Breaths (inhale onsets) in the first `ms` of the breathing block of `t`.
fn breaths(t: &Timeline, from: u64, ms: u64) -> u64 {
    let mut n = 0;
    let mut prev: Option<(u32, u64)> = None;
    for x in from..from + ms {
        let p = t.at(x);
        if p.phase == Phase::Inhale && prev.is_none_or(|(_, inst)| inst != p.instance) {
            n += 1;
        }
        prev = Some((p.step, p.instance));
    }
    n
}

#[test]
fn paced_breathing_has_exactly_sixty_breaths_in_ten_minutes() {
    let t = timeline("paced", Adjust { minutes: Some(10), ..Default::default() });
    assert_eq!(t.total_ms(), 5_000 + TEN_MIN);
    assert_eq!(breaths(&t, 5_000, TEN_MIN), 60);
    // Inhale 4 s, exhale 6 s, every breath.
    let b = t.boundaries_ms();
    for k in 0..60u64 {
        assert_eq!(b[1 + 2 * k as usize], 5_000 + k * 10_000);
        assert_eq!(b[2 + 2 * k as usize], 5_000 + k * 10_000 + 4_000);
    }
    // The default pace is 6 a minute; other paces do not drift over 10 minutes either.
    for (pace, expected) in [(70, 70), (55, 55), (45, 45)] {
        let t = timeline("paced", Adjust { minutes: Some(10), pace_tenths: Some(pace), ..Default::default() });
        assert_eq!(t.total_ms(), 5_000 + TEN_MIN, "pace {pace}");
        assert_eq!(breaths(&t, 5_000, TEN_MIN), expected, "pace {pace}");
        assert!(t.at(5_000 + TEN_MIN).finished);
    }
    // Seven a minute: breath k begins at ceil(k * 60000 / 7) ms after the opening.
    let t = timeline("paced", Adjust { rounds: Some(70), pace_tenths: Some(70), ..Default::default() });
    let b = t.boundaries_ms();
    for k in 0..70u64 {
        assert_eq!(b[1 + 2 * k as usize], 5_000 + (k * 60_000).div_ceil(7));
    }
}

#[test]
fn pace_and_rounds_are_checked() {
    let d = builtin("paced").unwrap();
    let e = d.timeline(&Adjust { pace_tenths: Some(200), ..Default::default() }).unwrap_err();
    assert!(matches!(e, Error::Invalid { field: "pace", .. }), "{e}");
    assert!(builtin("box").unwrap().timeline(&Adjust { pace_tenths: Some(60), ..Default::default() }).is_err());
    assert!(builtin("5-4-3-2-1").unwrap().timeline(&Adjust { rounds: Some(3), ..Default::default() }).is_err());
    assert!(d.timeline(&Adjust { rounds: Some(0), ..Default::default() }).is_err());
    assert_eq!(definition::parse_pace("5.5").unwrap(), 55);
    assert!(definition::parse_pace("5.55").is_err());
    assert!(definition::parse_pace("-6").is_err());
}

#[test]
fn the_newer_techniques_follow_their_sources() {
    let minutes = |key: &str| builtin(key).unwrap().timeline(&Adjust::default()).unwrap().total_ms() as f64 / 60_000.0;
    // A brief body scan of about 10 minutes (as used for cravings), opposite action in about 7.
    assert!((9.0..=11.0).contains(&minutes("body-scan")), "{}", minutes("body-scan"));
    assert!((6.0..=8.0).contains(&minutes("opposite-action")), "{}", minutes("opposite-action"));
    // The delay timer waits 15 minutes by default, then ends with a choice.
    let delay = builtin("wait").unwrap();
    assert_eq!(delay.key, "delay");
    assert!((15.0..=16.5).contains(&minutes("delay")));
    let last = delay.blocks.last().unwrap().steps.last().unwrap();
    assert!(last.text.contains("decide on purpose"), "{}", last.text);
    assert!(delay.blocks.iter().any(|b| b.adjustable), "the wait can be 5-30 minutes");
    // The letter leaves time to write (about 15 minutes in all).
    assert!((13.0..=16.0).contains(&minutes("letter")));
}

#[test]
fn builtins_are_valid_and_follow_the_protocols() {
    let all = builtins();
    assert_eq!(all.len(), 12);
    for d in &all {
        d.validate().unwrap_or_else(|e| panic!("{}: {e}", d.key));
        assert_eq!(d.origin, Origin::BuiltIn);
        // Every built-in round-trips through the JSON form.
        let back = ExerciseDef::from_json(&d.to_json().to_string(), Origin::BuiltIn).unwrap();
        assert_eq!(&back, d);
    }
    // Progressive muscle relaxation: tense 5-10 s, release 15-30 s; 4 and 16 groups.
    for (key, groups) in [("pmr-short", 4), ("pmr-long", 16)] {
        let d = builtin(key).unwrap();
        let steps = &d.blocks[0].steps;
        assert_eq!(steps.len(), 2 + 2 * groups, "{key}");
        for pair in steps[1..steps.len() - 1].chunks(2) {
            assert!((5_000..=10_000).contains(&pair[0].duration_ms));
            assert!((15_000..=30_000).contains(&pair[1].duration_ms));
        }
    }
    // Box breathing lasts 4-10 minutes by default.
    let t = timeline("box", Adjust::default());
    assert!((240_000..=600_000).contains(&t.total_ms()));
    // 5-4-3-2-1 walks through five senses in order.
    let senses = builtin("54321").unwrap();
    let texts: Vec<&str> = senses.blocks[0].steps.iter().map(|s| s.text.as_str()).collect();
    for (i, n) in ["five", "four", "three", "two", "one"].iter().enumerate() {
        assert!(texts[i + 1].to_lowercase().contains(n), "{n}");
    }
    // SOBER names its five parts.
    let sober = builtin("sober").unwrap();
    let all_text: String = sober.blocks.iter().flat_map(|b| &b.steps).map(|s| s.text.clone()).collect();
    for w in ["Stop", "Observe", "Breathe", "Expand", "Respond"] {
        assert!(all_text.contains(w), "{w}");
    }
}

fn field_of(e: Error) -> (&'static str, String) {
    match e {
        Error::Invalid { field, problem } => (field, problem),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

fn step_json(text: &str, secs: &str, phase: &str) -> String {
    format!(r#"{{"text": "{text}", "seconds": {secs}, "phase": "{phase}"}}"#)
}

fn def_json(steps: &[String]) -> String {
    format!(r#"{{"format": 1, "key": "evening-calm", "title": "Evening calm", "steps": [{}]}}"#, steps.join(","))
}

#[test]
fn bad_definitions_are_rejected_with_clear_errors() {
    let ok = step_json("Breathe in", "4", "inhale");
    // A good one parses.
    let d = ExerciseDef::from_json(&def_json(&[ok.clone(), step_json("Out", "6", "exhale")]), Origin::Mine).unwrap();
    assert_eq!(d.timeline(&Adjust::default()).unwrap().total_ms(), 10_000);

    let cases: Vec<(String, &str, &str)> = vec![
        (def_json(&[ok.clone(), step_json("secret-canary-zero", "0", "hold")]), "step duration", "step 2: must be more than zero"),
        (def_json(&[step_json("secret-canary-neg", "-4", "inhale")]), "step duration", "step 1: must be more than zero"),
        (def_json(&[step_json("Too quick", "0.2", "inhale")]), "step duration", "at least one second"),
        (def_json(&[]), "steps", "at least one step"),
        (r#"{"key": "x", "title": "No steps at all"}"#.to_string(), "steps", "at least one step"),
        (def_json(&vec![ok.clone(); 10_000]), "steps", "at most 1000 steps; this one has 10000"),
        (def_json(&[ok.clone(), step_json("Hum", "4", "secret-canary-phase")]), "phase", "step 2: use inhale, hold, exhale or rest"),
        ("{ not json".to_string(), "exercise definition", "is not valid JSON"),
        (r#"{"format": 2, "key": "x", "title": "T", "steps": []}"#.to_string(), "format", "reads format 1"),
        (def_json(&[r#"{"text": "no time"}"#.to_string()]), "step duration", "is missing"),
        (def_json(&[r#"{"text": "", "seconds": 4}"#.to_string()]), "step text", "cannot be empty"),
        (def_json(&[step_json("Long", "3600", "rest")]), "step duration", "at most 30 minutes"),
        (r#"{"key": "Bad Key!", "title": "T", "steps": [{"text": "a", "seconds": 4}]}"#.to_string(), "key", "lower-case"),
        (r#"{"key": "k", "steps": [{"text": "a", "seconds": 4}]}"#.to_string(), "title", "is missing"),
        (
            r#"{"key": "k", "title": "T", "blocks": [{"repeat": 0, "steps": [{"text": "a", "seconds": 4}]}]}"#.to_string(),
            "repeat",
            "block 1: must be between 1 and 1000",
        ),
        (
            r#"{"key": "k", "title": "T", "blocks": [{"repeat": 1000, "steps": [{"text": "a", "seconds": 1800}]}]}"#
                .to_string(),
            "exercise length",
            "at most 3 hours",
        ),
        (
            r#"{"key": "k", "title": "T", "pace": {"default": 6, "min": 3, "max": 10}, "steps": [{"text": "a", "seconds": 4}]}"#
                .to_string(),
            "pace",
            "adjustable block",
        ),
    ];
    for (json, field, words) in cases {
        let e = ExerciseDef::from_json(&json, Origin::Clinician).unwrap_err();
        let shown = e.to_string();
        let (f, problem) = field_of(e);
        assert_eq!(f, field, "{shown}");
        assert!(problem.contains(words), "{shown:?} should say {words:?}");
        assert!(!shown.contains("secret-canary"), "an error repeats what was typed: {shown}");
    }
    // The same rules hold for definitions built in code (as the apps do).
    let mut d = builtin("box").unwrap();
    d.blocks[1].steps[2].duration_ms = 0;
    assert_eq!(field_of(d.validate().unwrap_err()).0, "step duration");
    let mut d = builtin("box").unwrap();
    d.blocks.clear();
    assert_eq!(field_of(d.validate().unwrap_err()).0, "steps");
}

#[test]
fn pause_resume_and_skip() {
    let d = builtin("box").unwrap();
    let t0 = 1_800_000_000_000;
    let mut run = ExerciseRun::start(&d, Adjust::default(), t0, Some(7)).unwrap();
    assert_eq!(run.position(t0 + 6_000).phase, Phase::Inhale);
    run.pause(t0 + 6_000);
    // Paused for a minute: nothing moves.
    assert_eq!(run.position(t0 + 66_000).elapsed_ms, 6_000);
    run.resume(t0 + 66_000);
    assert_eq!(run.position(t0 + 67_000).elapsed_ms, 7_000);
    assert_eq!(run.position(t0 + 67_000).phase, Phase::Inhale);
    // Skip to the next step: the hold, at its very start.
    let p = run.skip(t0 + 67_000).unwrap();
    assert_eq!((p.phase, p.step_elapsed_ms, p.to_next_ms), (Phase::Hold, 0, 4_000));
    // Past the end: finished, and skipping is refused.
    let end = run.position(t0 + 10_000_000);
    assert!(end.finished);
    assert!(matches!(run.skip(t0 + 10_000_000), Err(Error::State(_))));
    assert!(ExerciseRun::start(&d, Adjust::default(), t0, Some(11)).is_err());
}

#[test]
fn sessions_are_stored_encrypted_with_distress_ratings() {
    let s = TestStore::new();
    let d = s.find_exercise("Box Breathing").unwrap();
    assert_eq!(d.key, "box");
    let now = s.clock.now().timestamp_millis();
    let mut run = ExerciseRun::start(&d, Adjust { rounds: Some(4), ..Default::default() }, now, Some(8)).unwrap();
    run.skip(now).unwrap();
    s.clock.advance(chrono::Duration::seconds(120));
    let saved = s.save_exercise(&run, Some(4), Some("canary-exercise-note")).unwrap();
    assert!(saved.completed);
    assert_eq!(saved.distress_change(), Some(-4));
    assert_eq!(saved.skipped_steps, 1);
    // Stopped early is recorded honestly.
    let run2 = ExerciseRun::start(&d, Adjust::default(), s.clock.now().timestamp_millis(), None).unwrap();
    s.clock.advance(chrono::Duration::seconds(30));
    let early = s.save_exercise(&run2, None, None).unwrap();
    assert!(!early.completed);
    assert_eq!(early.active_ms, 30_000);
    assert!(s.save_exercise(&run2, Some(12), None).is_err());

    let s = s.reopen();
    let listed = s.exercise_sessions(None, None).unwrap();
    assert_eq!(listed.sessions.len(), 2);
    assert_eq!(listed.sessions[0], saved);
    assert_eq!(s.exercise_session(early.id).unwrap(), early);
    let bytes = std::fs::read(s.path()).unwrap();
    let wal = std::fs::read(format!("{}-wal", s.path().display())).unwrap_or_default();
    for b in [bytes, wal] {
        assert!(!b.windows(20).any(|w| w == b"canary-exercise-note"));
    }
    s.delete_exercise_session(early.id).unwrap();
    assert_eq!(s.exercise_sessions(None, None).unwrap().sessions.len(), 1);
}

#[test]
fn custom_exercises_by_clients_and_clinicians() {
    let s = TestStore::new();
    let json = r#"{"format": 1, "key": "evening-calm", "title": "Evening calm", "category": "breathing",
        "blocks": [{"steps": [{"text": "Settle.", "seconds": 5}]},
                   {"repeat": 6, "adjustable": true, "steps": [
                       {"text": "In", "seconds": 4, "phase": "inhale"},
                       {"text": "Out", "seconds": 6, "phase": "exhale"}]}]}"#;
    let d = ExerciseDef::from_json(json, Origin::Clinician).unwrap();
    let added = s.add_exercise(d.clone(), false).unwrap();
    assert_eq!(added.def.version, 1);
    // The same key again needs `replace`; a changed definition gets a new version.
    assert!(s.add_exercise(d.clone(), false).is_err());
    let mut changed = d.clone();
    changed.blocks[1].repeat = 10;
    let replaced = s.add_exercise(changed, true).unwrap();
    assert_eq!((replaced.id, replaced.def.version), (added.id, 2));
    // Built-in names are reserved.
    let mut clash = d.clone();
    clash.key = "box".into();
    assert_eq!(field_of(s.add_exercise(clash, false).unwrap_err()).0, "key");

    let s = s.reopen();
    let found = s.find_exercise("evening-calm").unwrap();
    assert_eq!(found.origin, Origin::Clinician);
    assert_eq!(found.timeline(&Adjust::default()).unwrap().total_ms(), 5_000 + 10 * 10_000);
    let (all, bad) = s.exercises().unwrap();
    assert!(bad.is_empty());
    assert_eq!(all.len(), 13);
    s.remove_exercise("evening-calm").unwrap();
    assert!(s.find_exercise("evening-calm").is_err());
    assert!(s.remove_exercise("box").is_err());
}
