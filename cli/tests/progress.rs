//! `companion slip|checkin|goal|insights` run as a person or a script would: the slip to
//! chain analysis to plan loop (guided over a pipe, stopped and resumed), check-ins on the same
//! day, goals, insights as text (charts within the terminal width) and JSON, and a canary scan
//! of every file the store wrote.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::Stdio;

use common::*;
use serde_json::Value;

/// Sunday 14 June 2026, 22:00 in Berlin.
const NOW: &str = "2026-06-14T20:00:00Z";

fn at(dir: &Path, args: &[&str]) -> std::process::Output {
    cmd(dir).env("COMPANION_NOW", NOW).args(args).output().expect("run companion")
}

fn ok_at(dir: &Path, args: &[&str]) -> String {
    let out = at(dir, args);
    assert!(out.status.success(), "companion {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn json_at(dir: &Path, args: &[&str]) -> Value {
    let mut a = vec!["--json"];
    a.extend_from_slice(args);
    serde_json::from_str(&ok_at(dir, &a)).expect("valid JSON")
}

/// Run with `input` piped to stdin.
fn piped(dir: &Path, args: &[&str], input: &str) -> (String, String) {
    let mut child = cmd(dir)
        .env("COMPANION_NOW", NOW)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "companion {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    (String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

fn setup() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    init(&dir);
    (tmp, dir)
}

#[test]
fn slip_analysis_is_guided_resumable_and_feeds_the_plan() {
    let (_tmp, dir) = setup();
    let urge = json_at(&dir, &["urge", "log", "--intensity", "8", "--at", "2026-06-13 23:00", "--trigger", "lonely"]);
    let urge_id = urge["id"].as_str().unwrap().to_string();
    let slip = json_at(&dir, &["slip", "log", "watched for an hour", "--urge", &urge_id[..8]]);
    let id = slip["id"].as_str().unwrap().to_string();
    let shown = json_at(&dir, &["slip", "show", &id[..8]]);
    assert_eq!(shown["occurred_at"], "2026-06-13T23:00:00+02:00", "a linked slip takes the urge's time");
    assert_eq!(shown["chain"]["status"], "not_started");
    assert!(!shown["compassion_prompt"].as_str().unwrap().is_empty());
    // The urge, whose outcome was open, is now recorded as acted on.
    assert_eq!(json_at(&dir, &["urge", "show", &urge_id[..8]])["outcome"], "acted");

    // Guided, over a pipe: two steps, then `stop`.
    let (out, err) = piped(&dir, &["slip", "analyze"], "1: four hours\nan argument by text\nstop\n");
    assert!(err.contains("What made you more vulnerable"), "{err}");
    assert!(out.contains("continues at \"What came next"), "{out}");
    let mid = json_at(&dir, &["slip", "show", &id[..8]]);
    assert_eq!(mid["chain"]["status"], "in_progress");
    assert_eq!(mid["chain"]["next_step"], "links");
    assert_eq!(mid["chain"]["vulnerabilities"][0]["factor"], "sleep");
    assert_eq!(mid["chain"]["vulnerabilities"][0]["note"], "four hours");

    // Resumed (with no id: the unfinished analysis), to the end; an empty line skips a step.
    let input = "thought: nobody would notice\naction: took the phone to bed\n\nfelt flat all morning\ntext Sam Example\n\n\nphone stays in the kitchen\nI am learning\n";
    let (out, err) = piped(&dir, &["slip", "analyze"], input);
    assert!(out.contains("Analysis: finished"), "{out}\n{err}");
    assert!(err.contains("slip plan"), "{err}");
    let done = json_at(&dir, &["slip", "show", &id[..8]]);
    assert_eq!(done["chain"]["status"], "complete");
    assert_eq!(done["chain"]["links"][0]["instead"], "text Sam Example");
    assert_eq!(done["chain"]["links"][1]["instead"], Value::Null);
    assert_eq!(done["chain"]["skipped"], serde_json::json!(["repair"]));
    assert!(done["chain_completed_at"].is_string());

    // Add this to my plan: list, then add two by number, one reworded.
    let listed = ok_at(&dir, &["slip", "plan", &id[..8]]);
    assert!(listed.contains("1. trigger: can't sleep"), "{listed}");
    let number_of = |text: &str| -> String {
        let list = json_at(&dir, &["slip", "plan", &id[..8]])["suggestions"].as_array().unwrap().clone();
        (list.iter().position(|s| s["text"] == text).expect("offered") + 1).to_string()
    };
    ok_at(&dir, &["slip", "plan", &id[..8], "--add", "1", "--add", &number_of("text Sam Example")]);
    ok_at(&dir, &["slip", "plan", &id[..8], "--add", &number_of("an argument by text"), "--text", "evening arguments"]);
    let after = json_at(&dir, &["slip", "show", &id[..8]]);
    let added: Vec<&str> =
        after["plan_additions"].as_array().unwrap().iter().map(|a| a["text"].as_str().unwrap()).collect();
    assert_eq!(added, vec!["can't sleep", "nobody would notice", "text Sam Example", "evening arguments"]);
    assert!(!after["plan_suggestions"].as_array().unwrap().iter().any(|s| s["text"] == "text Sam Example"));
    // ...and they are in the coping plan, the strategy under its warning sign.
    let plan = json_at(&dir, &["plan", "show"]);
    let names = |part: &str| -> Vec<String> {
        plan[part].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(names("triggers"), vec!["can't sleep", "evening arguments"]);
    assert_eq!(names("warning_signs"), vec!["nobody would notice"]);
    assert_eq!(plan["warning_signs"][0]["strategies"][0]["text"], "text Sam Example");

    // Answers as options work too, and bad ones name the field without echoing.
    let second =
        json_at(&dir, &["slip", "log", "a second one", "--at", "2026-06-14 01:00"])["id"].as_str().unwrap().to_string();
    let v = json_at(
        &dir,
        &[
            "slip",
            "analyze",
            &second[..8],
            "--vulnerability",
            "stress:deadline",
            "--link",
            "feeling:restless",
            "--instead",
            "1:box breathing",
            "--skip",
            "repair",
        ],
    );
    assert_eq!(v["chain"]["links"][0]["instead"], "box breathing");
    let bad = at(&dir, &["slip", "analyze", &second[..8], "--link", "nonsense"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).starts_with("companion: link:"));
    let list = ok_at(&dir, &["slip", "list"]);
    assert!(list.contains("stretch without acting out"), "{list}");
    assert!(!list.to_lowercase().contains("reset") && !list.to_lowercase().contains("fail"));
}

#[test]
fn check_ins_goals_and_insights() {
    let (_tmp, dir) = setup();
    let first = json_at(&dir, &["checkin", "--mood", "4", "--stress", "7", "--note", "long day"]);
    assert_eq!(first["updated"], false);
    let second = json_at(&dir, &["checkin", "--mood", "6", "--sleep", "3", "--note", "better evening"]);
    assert_eq!(second["updated"], true);
    assert_eq!(second["id"], first["id"]);
    assert_eq!(
        (second["mood"].as_u64(), second["stress"].as_u64(), second["sleep"].as_u64()),
        (Some(6), Some(7), Some(3))
    );
    assert_eq!(second["note"], "long day\n\nbetter evening");
    ok_at(&dir, &["checkin", "--day", "yesterday", "--loneliness", "8"]);
    assert_eq!(json_at(&dir, &["checkin", "list"]).as_array().unwrap().len(), 2);
    let bad = at(&dir, &["checkin", "--mood", "11"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).starts_with("companion: mood:"));
    let none = at(&dir, &["checkin"]);
    assert_eq!(none.status.code(), Some(1), "no ratings and no terminal: nothing to ask with");
    ok_at(&dir, &["checkin", "edit", "today", "--clear", "note"]);
    assert_eq!(json_at(&dir, &["checkin", "list"])[1]["note"], Value::Null);

    for (when, outcome) in
        [("2026-06-12 21:00", "surfed"), ("2026-06-13 21:00", "surfed"), ("2026-06-13 22:00", "acted")]
    {
        ok_at(&dir, &["urge", "log", "--intensity", "6", "--at", when, "--outcome", outcome, "--trigger", "bored"]);
    }
    let g =
        json_at(&dir, &["goal", "add", "ride out urges", "--measure", "urges-surfed", "--target", "4", "--this-month"]);
    assert_eq!(g["progress"]["current"], 2);
    assert_eq!(g["progress"]["state"], "active");
    let m = json_at(
        &dir,
        &["goal", "add", "go to meetings", "--measure", "manual:meetings", "--target", "2", "--this-week"],
    );
    let mid = m["id"].as_str().unwrap().to_string();
    let p = json_at(&dir, &["goal", "progress", &mid[..8], "2"]);
    assert_eq!((p["progress"]["current"].as_u64(), p["progress"]["state"].as_str()), (Some(2), Some("reached")));
    assert_eq!(json_at(&dir, &["goal", "undo", &mid[..8]])["progress"]["current"], 0);
    let bad = at(&dir, &["goal", "add", "x", "--measure", "vibes", "--target", "1", "--this-week"]);
    assert!(String::from_utf8_lossy(&bad.stderr).starts_with("companion: measure:"));
    assert_eq!(json_at(&dir, &["goal", "list"]).as_array().unwrap().len(), 2);

    let v = json_at(&dir, &["insights", "--weeks", "2"]);
    assert_eq!(v["insights"]["range"]["from"], "2026-06-01");
    assert_eq!(v["insights"]["urges"]["total"], 3);
    assert_eq!(v["insights"]["per_week"].as_array().unwrap().len(), 2);
    assert_eq!(v["insights"]["hour_grid"]["cells"][5][21], 1, "Saturday 21:00");
    assert_eq!(v["insights"]["acting_out"]["events"], 1);
    assert_eq!(v["progress"]["acting_out_total"], 1);
    assert!(v["strategy_effectiveness"].is_array());

    // Text: charts within the terminal width, readable without colour.
    for width in ["60", "120"] {
        let text = String::from_utf8(
            cmd(&dir).env("COMPANION_NOW", NOW).env("COLUMNS", width).args(["insights"]).output().unwrap().stdout,
        )
        .unwrap();
        assert!(text.contains("Urges per week") && text.contains("When urges come"), "{text}");
        assert!(text.contains('█'), "{text}");
        let w: usize = width.parse().unwrap();
        for line in text.lines() {
            assert!(line.chars().count() <= w, "line wider than {w}: {line:?}");
        }
        assert!(!text.contains("\u{1b}["), "no colour codes");
    }
    let weeks = json_at(&dir, &["insights", "--summaries", "--weeks", "2"]);
    assert_eq!(weeks.as_array().unwrap().len(), 2);
    assert_eq!(weeks[1]["urges"], 3);
    assert!(weeks[1].get("top_triggers").is_none(), "no trigger names unless asked");
    let named = json_at(&dir, &["insights", "--summaries", "--weeks", "1", "--include-trigger-names"]);
    assert_eq!(named[0]["top_triggers"][0]["trigger"], "bored");
}

#[test]
fn nothing_written_reaches_the_files_in_plaintext() {
    let (_tmp, dir) = setup();
    let canaries: Vec<String> = (0..12).map(|i| format!("CANARY{i}x7q")).collect();
    let c = |i: usize| canaries[i].as_str();
    let slip = json_at(&dir, &["slip", "log", c(0)])["id"].as_str().unwrap().to_string();
    json_at(
        &dir,
        &[
            "slip",
            "analyze",
            &slip[..8],
            "--vulnerability",
            &format!("other:{}", c(1)),
            "--prompting-event",
            c(2),
            "--link",
            &format!("thought:{}", c(3)),
            "--instead",
            &format!("1:{}", c(4)),
            "--consequences",
            c(5),
            "--repair",
            c(6),
            "--commitment",
            c(7),
            "--self-compassion",
            c(8),
        ],
    );
    ok_at(&dir, &["checkin", "--mood", "5", "--note", c(9)]);
    ok_at(&dir, &["goal", "add", c(10), "--measure", "manual:walks", "--target", "3", "--this-week", "--why", c(11)]);
    // What is written is readable back...
    let shown = ok_at(&dir, &["slip", "show", &slip[..8]]);
    for i in 0..9 {
        assert!(shown.contains(c(i)), "{} missing from the slip", c(i));
    }
    // ...and never in plaintext in any file the store wrote.
    for (path, bytes) in all_files(&dir) {
        for k in &canaries {
            assert!(!contains(&bytes, k.as_bytes()), "{k} in plaintext in {}", path.display());
        }
    }
    // The weekly summary carries numbers only.
    let weeks = ok_at(&dir, &["--json", "insights", "--summaries", "--weeks", "1"]);
    for k in &canaries {
        assert!(!weeks.contains(k.as_str()), "{k} in a weekly summary");
    }
}
