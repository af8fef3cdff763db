//! `surf`, `ground` and `exercises` as scripts use them: no terminal, `--json`, one action
//! per call, a pinned clock (`COMPANION_NOW`) so timings are exact.

mod common;

use common::*;

fn at(dir: &std::path::Path, now: &str, args: &[&str]) -> std::process::Output {
    cmd(dir).env("COMPANION_NOW", now).args(args).output().expect("run companion")
}

fn at_json(dir: &std::path::Path, now: &str, args: &[&str]) -> serde_json::Value {
    let mut a = vec!["--json"];
    a.extend_from_slice(args);
    let out = at(dir, now, &a);
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("valid JSON")
}

#[test]
fn surf_by_script_with_a_pinned_clock() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    init(d);
    let s = at_json(d, "2026-06-15T12:00:00Z", &["surf", "--intensity", "6"]);
    assert_eq!(s["state"], "running");
    assert_eq!(s["next_prompt_at"], "2026-06-15T12:03:00Z");
    assert_eq!(s["notifications"]["upcoming"].as_array().unwrap().len(), 7);
    for n in s["notifications"]["upcoming"].as_array().unwrap() {
        let text = format!("{} {}", n["title"], n["body"]).to_lowercase();
        assert!(!text.contains("urge") && !text.contains("sexual"), "{text}");
    }
    // A second start is refused while this one is open, with a way forward.
    let out = at(d, "2026-06-15T12:01:00Z", &["surf", "--intensity", "4"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("companion surf --resume"));
    at_json(d, "2026-06-15T12:03:30Z", &["surf", "--checkin", "8", "--note", "jaw tight"]);
    // Nobody answers at 6 and 9 minutes.
    let s = at_json(d, "2026-06-15T12:12:30Z", &["surf", "--status"]);
    let missed: Vec<u64> = s["points"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["missed"] == true)
        .map(|p| p["prompt"].as_u64().unwrap())
        .collect();
    assert_eq!(missed, vec![2, 3]);
    assert_eq!((s["elapsed_secs"].as_u64(), s["pending_prompt"].as_u64()), (Some(750), Some(4)));
    assert_eq!(s["next_prompt_at"], "2026-06-15T12:15:00Z");
    let s = at_json(d, "2026-06-15T12:14:00Z", &["surf", "--end", "used-plan", "--checkin", "3", "--strategy", "walk"]);
    assert_eq!(s["ended"]["outcome"], "used-plan");
    assert_eq!(s["summary"]["peak"], 8);
    assert_eq!(s["summary"]["passed_without_acting"], true);
    let u = at_json(d, "2026-06-15T12:15:00Z", &["urge", "show", s["urge"].as_str().unwrap()]);
    assert_eq!((u["outcome"].as_str(), u["duration_secs"].as_u64()), (Some("coped"), Some(14 * 60)));
    assert_eq!(u["strategies"], serde_json::json!(["walk"]));
    // Nothing under way now.
    let out = at(d, "2026-06-15T12:16:00Z", &["surf", "--checkin", "2"]);
    assert_eq!(out.status.code(), Some(1));
    // Explicit wording, when chosen, is what a phone would show.
    at_json(d, "2026-06-15T12:20:00Z", &["surf", "--wording", "explicit"]);
    let s = at_json(d, "2026-06-15T12:20:00Z", &["surf", "--intensity", "5", "--minutes", "5", "--interval", "2"]);
    let bodies: Vec<&str> =
        s["notifications"]["upcoming"].as_array().unwrap().iter().map(|n| n["body"].as_str().unwrap()).collect();
    assert_eq!(bodies.len(), 3);
    assert!(bodies.iter().all(|b| b.contains("urge")));
}

#[test]
fn exercises_listed_previewed_and_bad_definitions_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    init(d);
    let list = json(d, &["exercises"]);
    let keys: Vec<&str> = list.as_array().unwrap().iter().map(|e| e["key"].as_str().unwrap()).collect();
    assert_eq!(
        keys,
        [
            "box",
            "4-7-8",
            "paced",
            "5-4-3-2-1",
            "pmr-short",
            "pmr-long",
            "sober",
            "self-compassion",
            "body-scan",
            "opposite-action",
            "delay",
            "compassionate-letter"
        ]
    );
    let p = json(d, &["ground", "paced", "--minutes", "10", "--preview"]);
    let inhales = p["steps"].as_array().unwrap().iter().filter(|s| s["phase"] == "inhale").count();
    assert_eq!(inhales, 60);
    assert_eq!(p["total_ms"], 5_000 + 600_000);

    let bad = d.join("bad.json");
    for (json_text, words) in [
        (
            r#"{"key": "calm", "title": "Calm", "steps": [{"text": "In", "seconds": 0}]}"#,
            "step 1: must be more than zero",
        ),
        (r#"{"key": "calm", "title": "Calm", "steps": []}"#, "at least one step"),
        (r#"{"key": "calm", "title": "Calm", "steps": [{"text": "x", "seconds": 4, "phase": "hum"}]}"#, "phase"),
    ] {
        std::fs::write(&bad, json_text).unwrap();
        let out = run(d, &["exercises", "add", bad.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(words) && err.lines().count() == 1, "{err}");
    }
    let good = d.join("good.json");
    std::fs::write(
        &good,
        r#"{"key": "calm", "title": "Calm", "steps": [{"text": "In", "seconds": 4, "phase": "inhale"},
            {"text": "Out", "seconds": 6, "phase": "exhale"}]}"#,
    )
    .unwrap();
    let added = json(d, &["exercises", "add", good.to_str().unwrap(), "--clinician"]);
    assert_eq!(added["key"], "calm");
    let shown = json(d, &["exercises", "show", "calm"]);
    assert_eq!(shown["blocks"][0]["steps"][1]["seconds"], 6.0);
    assert!(json(d, &["exercises"]).as_array().unwrap().iter().any(|e| e["origin"] == "clinician"));
    ok(d, &["exercises", "remove", "calm"]);
    // Without a terminal the live exercise explains itself instead of hanging.
    let out = run(d, &["ground", "box"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--preview"));
}
