//! Safety first, end to end: for every phrasing that must trigger the crisis step (the core's
//! list, from the C-SSRS and screening guides), `plan find`, `urge log --note`, `slip log` and
//! `checkin` show the crisis step before anything else; a strong urge offers next steps; words
//! come from standard input when left off the command line; passphrases from a descriptor or
//! a file; `--help` and the first run say what the app is and is not.

mod common;

use std::io::Write;
use std::process::{Output, Stdio};

use common::*;

const MUST_TRIGGER: &str = include_str!("../../core/src/safety/phrases/must_trigger.txt");
const MUST_NOT: &str = include_str!("../../core/src/safety/phrases/must_not_trigger.txt");
const CRISIS_HEADING: &str = "━━ Please reach out now ━━";

fn phrases(list: &str) -> Vec<&str> {
    list.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect()
}

/// Run with `input` on standard input.
fn with_stdin(dir: &std::path::Path, args: &[&str], input: &str) -> Output {
    let mut child = cmd(dir)
        .env("COMPANION_NOW", "2026-06-15T12:00:00Z")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    assert!(o.status.success(), "failed: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn with_crisis_line(dir: &std::path::Path) {
    init(dir);
    ok(dir, &["plan", "edit", "add-professional", "Example Crisis Line", "--contact", "000", "--crisis-line"]);
    ok(dir, &["plan", "edit", "add-person", "Brother Example", "--contact", "+00 0000 0003"]);
}

#[test]
fn every_must_trigger_phrasing_shows_the_crisis_step_first_in_every_command() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    with_crisis_line(&dir);
    let list = phrases(MUST_TRIGGER);
    assert!(list.len() >= 60);
    let mut failures = Vec::new();
    for (i, p) in list.iter().enumerate() {
        let runs: [(&str, Output); 4] = [
            ("plan find", with_stdin(&dir, &["plan", "find"], p)),
            ("urge log --note", with_stdin(&dir, &["urge", "log", "--intensity", "3", "--note", p], "")),
            ("slip log", with_stdin(&dir, &["slip", "log"], p)),
            // One check-in a day: each phrase gets its own day.
            (
                "checkin",
                with_stdin(
                    &dir,
                    &[
                        "checkin",
                        "--mood",
                        "3",
                        "--note",
                        "-",
                        "--day",
                        &format!("2026-0{}-{:02}", 1 + i / 28, 1 + i % 28),
                    ],
                    p,
                ),
            ),
        ];
        for (what, out) in runs {
            let text = stdout(&out);
            if !text.starts_with(CRISIS_HEADING) || !text.contains("This app is not an emergency service.") {
                failures.push(format!("{what}: {p:?}"));
            } else {
                assert!(text.contains("Example Crisis Line") && text.contains("112"), "{what}: {text}");
            }
        }
    }
    assert!(failures.is_empty(), "{} without the crisis step first:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn idioms_and_strong_sexual_urges_do_not_show_it() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    with_crisis_line(&dir);
    for p in phrases(MUST_NOT).iter().take(15) {
        let text = stdout(&with_stdin(&dir, &["plan", "find"], p));
        assert!(!text.contains(CRISIS_HEADING), "{p:?}: {text}");
    }
}

#[test]
fn a_strong_urge_lists_next_steps_with_people_before_crisis_lines() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    with_crisis_line(&dir);
    let text =
        stdout(&with_stdin(&dir, &["urge", "log", "--intensity", "9", "--note", "-"], "so horny, hookup app open"));
    assert!(!text.contains(CRISIS_HEADING), "{text}");
    let surf = text.find("Surf it now").unwrap();
    let brother = text.find("Reach Brother Example now: +00 0000 0003").unwrap();
    let crisis = text.find("Crisis lines and professionals").unwrap();
    assert!(surf < brother && brother < crisis, "{text}");
    assert!(text.contains("companion surf --urge"), "without a terminal the command is shown: {text}");
    let v = json(&dir, &["urge", "log", "--intensity", "9"]);
    let kinds: Vec<&str> = v["next"]["steps"].as_array().unwrap().iter().map(|s| s["kind"].as_str().unwrap()).collect();
    // The plan has no strategies yet: built-in suggestions stand in for its steps.
    assert_eq!(kinds.first(), Some(&"surf"));
    assert!(kinds[1..kinds.len() - 2].iter().all(|k| *k == "plan_strategy"), "{kinds:?}");
    assert_eq!(kinds[kinds.len() - 2..], ["reach_out", "crisis_lines"]);
    // A calm urge: saved, nothing more.
    let calm = json(&dir, &["urge", "log", "--intensity", "3"]);
    assert!(calm["next"]["steps"].as_array().unwrap().is_empty());
}

#[test]
fn after_a_slip_the_longer_view_comes_first_never_the_current_stretch() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    init(&dir);
    let first = cmd(&dir)
        .env("COMPANION_NOW", "2026-05-10T12:00:00Z")
        .args(["urge", "log", "--intensity", "3", "--outcome", "surfed"])
        .output()
        .unwrap();
    assert!(first.status.success());
    let out = with_stdin(&dir, &["slip", "log"], "watched porn after the party");
    let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{all}");
    assert!(!all.contains("Current stretch") && !all.contains("less than an hour"), "{all}");
    let v = json(&dir, &["slip", "list"]);
    assert_eq!(v.as_array().unwrap()[0]["what"], "watched porn after the party", "words from standard input");
}

#[test]
fn passphrases_from_a_descriptor_or_a_file_and_words_never_required_on_the_command_line() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    init(&dir);
    let file = tmp.path().join("pass");
    std::fs::write(&file, format!("{PASS}\n")).unwrap();
    let mut c = cmd(&dir);
    c.env_remove("COMPANION_PASSPHRASE").args(["--passphrase-file", file.to_str().unwrap(), "info"]);
    let o = c.output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // A wrong one fails, and says so.
    std::fs::write(&file, "not it\n").unwrap();
    let mut c = cmd(&dir);
    let o = c
        .env_remove("COMPANION_PASSPHRASE")
        .args(["--passphrase-file", file.to_str().unwrap(), "info"])
        .output()
        .unwrap();
    assert!(!o.status.success());
    // On descriptor 0 (standard input), as `--passphrase-fd 3 3<file` would in a shell.
    let mut child = cmd(&dir)
        .env_remove("COMPANION_PASSPHRASE")
        .args(["--passphrase-fd", "0", "info"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(format!("{PASS}\n").as_bytes()).unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn help_and_the_first_run_say_what_the_app_is_and_is_not() {
    let help = String::from_utf8(run(std::path::Path::new("/nonexistent"), &["--help"]).stdout).unwrap();
    assert!(help.contains("not an emergency service"), "{help}");
    assert!(help.contains("--passphrase-fd") && help.contains("--passphrase-file"), "{help}");
    assert!(!help.contains("export COMPANION_PASSPHRASE"), "{help}");
    let tmp = tempfile::tempdir().unwrap();
    let first = ok(&tmp.path().join("data"), &["init", "--kdf-iterations", "2000"]);
    assert!(first.contains("not an emergency service"), "{first}");
    assert!(first.contains("In an emergency call 112"), "{first}");
}

#[test]
fn safety_settings_choose_the_emergency_number_and_the_high_mark() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    with_crisis_line(&dir);
    let v = json(&dir, &["safety", "settings"]);
    assert_eq!((v["high_mark"].is_null(), v["high_mark_in_force"].as_u64()), (true, Some(8)));
    let v = json(&dir, &["safety", "set", "--region", "gb", "--high-mark", "6"]);
    assert_eq!((v["emergency_region"].as_str(), v["high_mark"].as_u64()), (Some("GB"), Some(6)));
    assert_eq!(v["emergency"]["number"], "999");
    let now = ok(&dir, &["safety", "now"]);
    assert!(now.starts_with(CRISIS_HEADING) && now.contains("call 999"), "{now}");
    assert!(now.contains("Example Crisis Line") && now.contains("This app is not an emergency service"), "{now}");
    // 6 is strong now: next steps are offered.
    let kinds = json(&dir, &["urge", "log", "--intensity", "6"]);
    assert_eq!(kinds["next"]["steps"][0]["kind"], "surf");
    // Refused: a region the table does not hold, a high mark out of range; nothing changes.
    for bad in [&["--region", "XX"][..], &["--high-mark", "2"], &["--number", "call mum"]] {
        let mut args = vec!["safety", "set"];
        args.extend_from_slice(bad);
        let out = run(&dir, &args);
        assert_eq!(out.status.code(), Some(1), "{bad:?}");
        assert!(!String::from_utf8_lossy(&out.stderr).trim().is_empty());
    }
    let v = json(&dir, &["safety", "set", "--clear-region", "--number", "+99 123", "--default-high-mark"]);
    assert_eq!((v["emergency_region"].is_null(), v["high_mark"].is_null()), (true, true));
    assert_eq!(v["emergency"]["number"], "+99 123");
    assert!(ok(&dir, &["safety", "settings"]).contains("+99 123 (the number you set)"));
}

#[test]
fn entries_with_risk_words_are_flagged_and_listed() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    with_crisis_line(&dir);
    assert!(ok(&dir, &["safety", "flagged"]).contains("No entry spoke of suicide or self-harm."));
    stdout(&with_stdin(&dir, &["urge", "log", "--intensity", "2", "--note", "-"], "i wnat to die"));
    stdout(&with_stdin(&dir, &["urge", "log", "--intensity", "2", "--note", "-"], "this deadline is killing me"));
    stdout(&with_stdin(&dir, &["slip", "log"], "I want to hurt myself"));
    let v = json(&dir, &["safety", "flagged"]);
    let entries = v["entries"].as_array().unwrap();
    // Logged at the same (test) minute: oldest first cannot tell them apart.
    let mut found: Vec<(&str, &str)> =
        entries.iter().map(|e| (e["kind"].as_str().unwrap(), e["concern"].as_str().unwrap())).collect();
    found.sort();
    assert_eq!(found, [("slip", "selfharm"), ("urge", "suicide")]);
    let text = ok(&dir, &["safety", "flagged", "--from", "2026-06-15", "--to", "2026-06-15"]);
    assert!(text.contains("thoughts of suicide") && text.contains("self-harm"), "{text}");
    assert!(text.contains("companion safety now"), "{text}");
}
