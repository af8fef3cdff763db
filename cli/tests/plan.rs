//! `companion plan ...` end to end: building a plan by hand, showing it, finding what helps,
//! recording what was used, clear errors, and no plan text in plaintext in any file.

mod common;

use common::*;
use serde_json::Value;

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

/// Every run sees Monday 2026-06-15, 14:00 in Berlin.
fn at_noon(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    cmd(dir).env("COMPANION_NOW", "2026-06-15T12:00:00Z").args(args).output().unwrap()
}

fn ok_noon(dir: &std::path::Path, args: &[&str]) -> String {
    let o = at_noon(dir, args);
    assert!(o.status.success(), "companion {args:?} failed: {}", stderr(&o));
    String::from_utf8(o.stdout).unwrap()
}

fn json_noon(dir: &std::path::Path, args: &[&str]) -> Value {
    let mut a = vec!["--json"];
    a.extend_from_slice(args);
    serde_json::from_str(&ok_noon(dir, &a)).unwrap()
}

fn texts(v: &Value) -> Vec<String> {
    v.as_array().unwrap().iter().map(|s| s["text"].as_str().unwrap().to_string()).collect()
}

fn build(dir: &std::path::Path) {
    for args in [
        &["plan", "edit", "add-trigger", "Lonely"][..],
        &["plan", "edit", "add-strategy", "Go for a run", "--for", "lonely"],
        &["plan", "edit", "add-strategy", "Call Sam Example", "--for", "loneliness", "--kind", "reach-out"],
        &["plan", "edit", "add-strategy", "Journal", "--for", "Lonely", "--position", "1"],
        &["plan", "edit", "add-strategy", "Box breathing", "--for", "Stress at work"],
        &["plan", "edit", "add-strategy", "Surf the urge for ten minutes"],
        &["plan", "edit", "add-warning-sign", "Staying up past midnight"],
        &["plan", "edit", "add-person", "Sam Example", "--contact", "+00 0000 0001", "--available", "daily 18-22"],
        &["plan", "edit", "add-person", "Alex Example", "--available", "mon-fri 9-17"],
        &["plan", "edit", "add-professional", "Example Crisis Line", "--contact", "000", "--crisis-line"],
        &["plan", "edit", "add-distraction", "The climbing gym"],
        &["plan", "edit", "add-environment", "Phone charges in the kitchen"],
        &["plan", "edit", "add-reason", "Being present with my kids"],
    ] {
        ok_noon(dir, args);
    }
}

#[test]
fn build_show_edit_and_find() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    init(&dir);
    let empty = ok_noon(&dir, &["plan", "show"]);
    assert!(empty.contains("Your plan is empty"), "{empty}");
    build(&dir);

    let p = json_noon(&dir, &["plan", "show"]);
    let triggers = p["triggers"].as_array().unwrap();
    assert_eq!(triggers[0]["name"], "Lonely");
    assert_eq!(texts(&triggers[0]["strategies"]), vec!["Journal", "Go for a run", "Call Sam Example"]);
    assert_eq!(triggers[0]["strategies"][2]["kind"], "reach_out");
    assert_eq!(triggers[1]["name"], "Stress at work", "created by add-strategy --for");
    assert_eq!(p["people"][0]["availability"][0]["text"], "daily 18:00-22:00");
    assert_eq!(p["professionals"][0]["crisis_line"], true);
    assert_eq!(texts(&p["strategies"]), vec!["Surf the urge for ten minutes"]);

    let text = ok_noon(&dir, &["plan", "show", "--ids"]);
    for heading in [
        "Warning signs",
        "Triggers",
        "People who can help",
        "Professionals and crisis lines",
        "My reasons for recovery",
    ] {
        assert!(text.contains(heading), "{heading} missing:\n{text}");
    }

    // Rename by short id, move by ITEM/N, set availability, remove with --yes.
    let lonely_id = triggers[0]["id"].as_str().unwrap()[..8].to_string();
    ok_noon(&dir, &["plan", "edit", "rename", &lonely_id, "Lonely evenings"]);
    ok_noon(&dir, &["plan", "edit", "move", "lonely evenings/3", "1"]);
    ok_noon(&dir, &["plan", "edit", "set-available", "alex example", "any time"]);
    ok_noon(&dir, &["plan", "edit", "remove", "staying up past midnight", "--yes"]);
    let p = json_noon(&dir, &["plan", "show"]);
    assert_eq!(p["triggers"][0]["name"], "Lonely evenings");
    assert_eq!(texts(&p["triggers"][0]["strategies"]), vec!["Call Sam Example", "Journal", "Go for a run"]);
    assert!(p["warning_signs"].as_array().unwrap().is_empty());

    // Find: typos and synonyms, intensity, reachability at 14:00 on a Monday.
    let f = json_noon(&dir, &["plan", "find", "lonley"]);
    assert_eq!(f["matched"][0]["name"], "Lonely evenings");
    assert_eq!(f["strategies"][0]["text"], "Call Sam Example");
    let reachable: Vec<&str> = f["contacts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["reachable_now"] == true)
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(reachable, vec!["Alex Example", "Example Crisis Line"]);
    let f = json_noon(&dir, &["plan", "find", "so stressed", "--intensity", "9"]);
    assert_eq!(f["high_intensity"], true);
    assert_eq!(f["strategies"][0]["kind"], "reach_out");
    // A strong urge is not a suicidal crisis: the person reachable now comes first.
    assert_eq!(f["contacts"][0]["name"], "Alex Example");
    assert_eq!(f["crisis"], serde_json::Value::Null);
    let human = ok_noon(&dir, &["plan", "find", "so stressed", "--intensity", "9"]);
    let reach = human.find("Reach out first").unwrap();
    assert!(reach < human.find("Try").unwrap(), "contacts come first at high intensity:\n{human}");
    let f = json_noon(&dir, &["plan", "find", "hungry", "--all"]);
    assert!(f["strategies"].as_array().unwrap().iter().any(|s| s["suggestion"] == true));
    let f = json_noon(&dir, &["plan", "find", "lonely", "--limit", "1"]);
    assert_eq!(f["strategies"].as_array().unwrap().len(), 1);
}

#[test]
fn using_strategies_teaches_the_plan() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    init(&dir);
    build(&dir);
    // "Call Sam" (third for Lonely) helps again and again; the run does not.
    for _ in 0..8 {
        let id = ok_noon(&dir, &["plan", "use", "call sam example", "--intensity", "7"]).trim().to_string();
        ok_noon(&dir, &["plan", "done", &id, "--passed"]);
    }
    for _ in 0..4 {
        ok_noon(
            &dir,
            &[
                "urge",
                "log",
                "--intensity",
                "7",
                "--trigger",
                "lonely",
                "--strategy",
                "go for a run",
                "--outcome",
                "acted",
            ],
        );
    }
    let s = json_noon(&dir, &["plan", "stats"]);
    let rows = s["by_trigger"].as_array().unwrap();
    let sam = rows.iter().find(|r| r["strategy"] == "Call Sam Example").unwrap();
    assert_eq!((sam["used"].as_u64(), sam["helped"].as_u64()), (Some(8), Some(8)));
    assert_eq!(sam["trigger"], "Lonely");
    let run = rows.iter().find(|r| r["strategy"] == "Go for a run").unwrap();
    assert_eq!((run["used"].as_u64(), run["helped"].as_u64()), (Some(4), Some(0)));
    let f = json_noon(&dir, &["plan", "find", "lonely"]);
    assert_eq!(f["strategies"][0]["text"], "Call Sam Example");
    assert_eq!(f["strategies"][0]["helped"], 8);
    // A use linked to a logged urge: the urge shows the strategy.
    let urge = ok_noon(&dir, &["urge", "log", "--intensity", "5", "--trigger", "lonely", "--outcome", "surfed"]);
    let id = ok_noon(&dir, &["plan", "use", "journal", "--urge", urge.trim()]).trim().to_string();
    ok_noon(&dir, &["plan", "done", &id, "--passed"]);
    let u = json_noon(&dir, &["urge", "show", urge.trim()]);
    assert_eq!(u["strategies"][0], "Journal");
    let text = ok_noon(&dir, &["plan", "stats"]);
    assert!(text.contains("Call Sam Example: the urge passed 8 of 8 times"), "{text}");
}

#[test]
fn clear_errors_and_nothing_changed() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    init(&dir);
    build(&dir);
    let before = json_noon(&dir, &["plan", "show"]);
    for (args, says) in [
        (vec!["plan", "edit", "rename", "no such thing", "x"], "nothing in the plan"),
        (vec!["plan", "edit", "move", "journal", "0"], "positions start at 1"),
        (vec!["plan", "edit", "add-strategy", "   ", "--for", "Bored"], "cannot be empty"),
        (vec!["plan", "edit", "add-person", "Kim Example", "--available", "someday"], "availability"),
        (vec!["plan", "edit", "set-kind", "journal", "nonsense"], "reach_out"),
        (vec!["plan", "edit", "set-crisis-line", "sam example"], "crisis line"),
        (vec!["plan", "use", "sam example"], "not a coping strategy"),
        (vec!["plan", "find", "lonely", "--intensity", "11"], "intensity"),
        (vec!["plan", "edit", "remove", "lonely"], "nothing removed"),
    ] {
        let o = at_noon(&dir, &args);
        assert_ne!(o.status.code(), Some(0), "{args:?}");
        assert!(stderr(&o).contains(says), "{args:?}: {}", stderr(&o));
    }
    assert_eq!(json_noon(&dir, &["plan", "show"]), before, "failed edits change nothing");
    // "Bored" was not created by the failed add-strategy.
    assert!(!before.to_string().contains("Bored"));
}

#[test]
fn plan_text_never_reaches_the_disk_in_plaintext() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    init(&dir);
    let c = |f: &str| format!("PLANCANARY-{f}-91c2");
    for args in [
        vec!["plan".to_string(), "edit".into(), "add-warning-sign".into(), c("sign")],
        vec!["plan".into(), "edit".into(), "add-strategy".into(), c("strategy"), "--for".into(), c("trigger")],
        vec!["plan".into(), "edit".into(), "add-person".into(), c("person"), "--contact".into(), c("contact")],
        vec!["plan".into(), "edit".into(), "add-professional".into(), c("pro"), "--crisis-line".into()],
        vec!["plan".into(), "edit".into(), "add-distraction".into(), c("distraction")],
        vec!["plan".into(), "edit".into(), "add-environment".into(), c("environment")],
        vec!["plan".into(), "edit".into(), "add-reason".into(), c("reason")],
        vec!["plan".into(), "edit".into(), "rename".into(), c("strategy"), c("renamed")],
    ] {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        ok_noon(&dir, &a);
    }
    let id = ok_noon(&dir, &["plan", "use", &c("renamed")]).trim().to_string();
    ok_noon(&dir, &["plan", "done", &id, "--passed"]);
    let shown = ok_noon(&dir, &["plan", "show"]);
    let canaries: Vec<String> =
        ["sign", "strategy", "trigger", "person", "contact", "pro", "distraction", "environment", "reason", "renamed"]
            .iter()
            .map(|f| c(f))
            .collect();
    for k in &canaries {
        if k != &c("strategy") {
            assert!(shown.contains(k.as_str()), "{k} not shown");
        }
    }
    for (path, bytes) in all_files(&dir) {
        for k in &canaries {
            let utf16: Vec<u8> = k.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
            assert!(
                !contains(&bytes, k.as_bytes()) && !contains(&bytes, &utf16),
                "{k} in plaintext in {}",
                path.display()
            );
        }
    }
}
