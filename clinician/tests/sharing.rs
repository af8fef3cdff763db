//! Sharing end to end through the two terminal programs, as people would use them: a clinician
//! registers with `companion-clinician` and invites a client; the client pairs with
//! `companion share pair`, previews and consents, syncs; the clinician reads the decrypted
//! summaries and suggests a plan change; the client sees it after the next sync; the client
//! revokes and the clinician can no longer read the share.

mod common;

use std::path::Path;

use common::*;
use companion_tests::server::TestServer;
use serde_json::Value;

fn share_of(status: &Value, category: &str) -> Value {
    status["shares"]
        .as_array()
        .expect("shares")
        .iter()
        .find(|s| s["category"] == category)
        .cloned()
        .unwrap_or(Value::Null)
}

fn sync(dir: &Path) -> Value {
    json(dir, &["sync"])
}

#[test]
fn pair_consent_sync_read_suggest_and_revoke() {
    let server = TestServer::start();
    let invite = server.clinician_invite();
    let out = clinician_ok(&server, &["register", "--invite", &invite, "--name", "Dr Example"]);
    assert!(out.contains("Your key code: "), "{out}");
    let code = out.split("Your key code: ").nth(1).and_then(|s| s.lines().next()).expect("code").to_string();

    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("client");
    init(&dir);
    ok(
        &dir,
        &["urge", "log", "--intensity", "6", "--trigger", "lonely", "--outcome", "surfed", "--note", "a private note"],
    );
    ok(&dir, &["plan", "edit", "add-strategy", "Call a friend", "--for", "lonely"]);

    // Nothing is shared before pairing; sync says so.
    let nothing = ok(&dir, &["sync"]);
    assert!(nothing.contains("Nothing to sync"), "{nothing}");

    let client_invite = clinician_ok(&server, &["invite"]).trim().to_string();
    let paired = ok(&dir, &["share", "pair", &client_invite]);
    assert!(paired.contains("Paired with Dr Example"), "{paired}");
    assert!(paired.contains(&code), "the client is shown the clinician's key code: {paired}");

    // A consent without --yes and without a terminal to ask on shares nothing.
    let refused = run(&dir, &["share", "consent", "--to", "Dr Example", "--categories", "weekly-summaries"]);
    assert!(!refused.status.success());
    assert!(json(&dir, &["share", "status"])["shares"].as_array().expect("shares").is_empty());

    let preview = ok(&dir, &["share", "preview", "--categories", "weekly-summaries,coping-plan", "--include-history"]);
    assert!(preview.contains("Never sent"), "{preview}");
    assert!(!preview.contains("a private note"), "{preview}");

    ok(
        &dir,
        &[
            "share",
            "consent",
            "--to",
            "Dr Example",
            "--categories",
            "weekly-summaries,coping-plan",
            "--include-history",
            "--yes",
        ],
    );
    let first = sync(&dir);
    assert_eq!(first["shares_synced"], 2, "{first}");
    assert!(first["errors"].as_array().expect("errors").is_empty(), "{first}");

    // The clinician's list of shares counts updates in plain words ("1 update", "2 updates").
    let listed = clinician_ok(&server, &["shares"]);
    assert_eq!(listed.lines().count(), 2, "{listed}");
    for line in listed.lines() {
        let count = line.rsplit_once(" (").map(|(_, c)| c).unwrap_or_default();
        assert!(count == "1 update)" || (count.ends_with(" updates)") && !count.starts_with("1 ")), "{listed}");
    }

    // The clinician reads decrypted, readable summaries, and never the note.
    let read = clinician_ok(&server, &["read"]);
    assert!(read.contains("Weekly summaries (share "), "{read}");
    assert!(read.contains(": 1 urge, intensity 6.0 on average"), "{read}");
    assert!(read.contains("Coping plan (share ") && read.contains("· Call a friend"), "{read}");
    assert!(!read.contains("a private note"), "{read}");

    // The clinician suggests a strategy for the plan; the client sees it, with who suggested it.
    let shares: Value = serde_json::from_str(&clinician_ok(&server, &["--json", "read"])).expect("json");
    let plan_share = shares
        .as_array()
        .expect("array")
        .iter()
        .find(|s| s["category"] == "coping-plan")
        .and_then(|s| s["share"].as_str())
        .expect("plan share")
        .to_string();
    let suggested = clinician_ok(
        &server,
        &["suggest", "--share", &plan_share[..6], "--trigger", "lonely", "--strategy", "Text your group"],
    );
    assert!(suggested.contains("Suggested"), "{suggested}");
    let second = sync(&dir);
    assert!(second["chunks_received"].as_u64().unwrap_or(0) >= 1, "{second}");
    let plan = ok(&dir, &["plan", "show"]);
    assert!(plan.contains("Text your group") && plan.contains("Call a friend"), "{plan}");
    let status = json(&dir, &["share", "status"]);
    let suggestions = share_of(&status, "coping-plan")["suggestions"].clone();
    assert!(suggestions.to_string().contains("Dr Example"), "{status}");
    assert!(suggestions.to_string().contains("Text your group"), "{status}");

    // Revoking the summaries erases that share on the server at the next sync.
    ok(&dir, &["share", "revoke", "Dr Example", "--categories", "weekly-summaries", "--yes"]);
    let third = sync(&dir);
    assert_eq!(third["shares_erased"], 1, "{third}");
    let status = json(&dir, &["share", "status"]);
    assert_eq!(share_of(&status, "weekly-summaries")["state"], "erased", "{status}");
    assert_eq!(share_of(&status, "coping-plan")["state"], "active", "{status}");
    let quiet = ok(&dir, &["sync"]);
    assert!(quiet.contains("Synced 1 share (0 updates sent, 0 updates received)."), "{quiet}");
    let read = clinician_ok(&server, &["read"]);
    assert!(!read.contains("Weekly summaries"), "{read}");
    assert!(read.contains("Coping plan (share "), "{read}");

    // Receipts keep the grant and the withdrawal, with the wording version seen.
    let receipts = json(&dir, &["share", "receipts"]);
    let actions: Vec<String> = receipts
        .as_array()
        .expect("receipts")
        .iter()
        .map(|r| format!("{}:{}", r["action"].as_str().unwrap_or(""), r["category"].as_str().unwrap_or("")))
        .collect();
    assert!(actions.iter().any(|a| a.ends_with(":weekly-summaries") && !a.starts_with("withdr")), "{actions:?}");
    assert!(actions.iter().any(|a| a.starts_with("withdr") && a.ends_with(":weekly-summaries")), "{actions:?}");
}

#[test]
fn clear_errors_for_bad_invites_and_unknown_names() {
    let server = TestServer::start();
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("client");
    init(&dir);

    let bad = run(&dir, &["share", "pair", "not an invite"]);
    assert_eq!(bad.status.code(), Some(1), "{}", stderr(&bad));
    assert!(stderr(&bad).contains("invite"), "{}", stderr(&bad));

    let nobody = run(&dir, &["share", "consent", "--to", "Nobody", "--categories", "urges", "--yes"]);
    assert_eq!(nobody.status.code(), Some(1));
    assert!(stderr(&nobody).to_lowercase().contains("not paired"), "{}", stderr(&nobody));

    let typo = run(&dir, &["share", "preview", "--categories", "urgez"]);
    assert!(!typo.status.success());
    assert!(stderr(&typo).contains("use one of: weekly-summaries, urges"), "{}", stderr(&typo));

    // A clinician login with the wrong passphrase is refused without a panic.
    let invite = server.clinician_invite();
    clinician_ok(&server, &["register", "--invite", &invite, "--name", "Dr Example"]);
    let wrong = clinician_cmd(&server)
        .env("COMPANION_CLINICIAN_PASSPHRASE", "not the passphrase")
        .arg("shares")
        .output()
        .expect("run");
    assert_eq!(wrong.status.code(), Some(1));
    assert!(!stderr(&wrong).contains("panicked"), "{}", stderr(&wrong));
}
