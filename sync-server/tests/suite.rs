//! The integration suite, run against SQLite and against PostgreSQL: the same test
//! functions, one `#[tokio::test]` per backend.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::*;
use companion_core::protocol::wire::*;
use companion_core::protocol::{self, b64, opaque, ChunkKind, ShareId};
use companion_server::ApiConfig;

macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let h = super::Harness::sqlite().await;
                    super::$name(&h).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let Some(url) = super::postgres_url() else { return };
                    let h = super::Harness::postgres(&url).await;
                    super::$name(&h).await;
                }
            )*
        }
    };
}

both_backends!(
    end_to_end_share_flow,
    appends_are_idempotent,
    refusals_change_nothing,
    erasure_leaves_no_row_and_refuses_the_id,
    stored_bytes_hold_no_plaintext,
    login_is_opaque_and_refuses_alike,
    a_login_flood_neither_locks_out_nor_starves_the_real_clinician,
    a_version_1_account_upgrades_and_keeps_its_shares,
    cookie_sessions_refuse_cross_site_writes,
    pulls_page_and_snapshots_compact,
    junk_naming_a_device_does_not_limit_it,
    a_recipient_can_neither_poison_nor_wipe_a_share,
    storage_quotas_hold_and_name_the_allowance,
    unpairing_leaves_no_row_of_the_device,
    audit_rows_go_with_their_share_and_with_time,
    an_invite_is_looked_up_before_use_and_labels_reach_only_their_clinician,
);

/// Pair, share, append, pull as the clinician, open everything with the unwrapped key.
async fn end_to_end_share_flow(h: &Harness) {
    let clin = h.clinician("dr.example@clinic.invalid").await;
    let invite = clin.invite(h).await;
    let mut dev = Device::new();
    dev.pair(h, &invite).await;
    // A share the clinician may append to (as the coping plan is).
    let (share, key) = dev.share_with(h, true).await;
    let mut seqs = Vec::new();
    for i in 0..3 {
        let (_, body) = change(&key, &share, format!("change {i}").as_bytes());
        let a: Appended = h.json(dev.req("POST", &chunks_path(&share), body), StatusCode::CREATED).await;
        seqs.push(a.seq);
    }
    assert_eq!(seqs, vec![1, 2, 3], "sequence numbers start at 1 and have no gaps");
    // The clinician finds the share, unwraps its key, pulls and opens every chunk.
    let shares = clin.shares(h).await;
    assert_eq!(shares.len(), 1);
    let info = &shares[0];
    assert_eq!(info.share_id, share);
    assert_eq!(info.device_id, dev.id());
    let k = protocol::unwrap_share_key(&clin.secret, &share, &info.wrapped_key.0).unwrap();
    let p: PullResponse =
        h.json(clin.req("GET", &format!("{}?after=0", chunks_path(&share)), vec![]), StatusCode::OK).await;
    assert_eq!(p.last_seq, 3);
    let texts: Vec<String> = p
        .chunks
        .iter()
        .map(|c| String::from_utf8(protocol::open_chunk(&k, &share, &c.data.0).unwrap().1.to_vec()).unwrap())
        .collect();
    assert_eq!(texts, vec!["change 0", "change 1", "change 2"]);
    // The clinician may append too (suggested plan edits); the device pulls it, marked as
    // the recipient's.
    let (_, body) = change(&k, &share, b"suggestion");
    let a: Appended = h.json(clin.req("POST", &chunks_path(&share), body), StatusCode::CREATED).await;
    assert_eq!(a.seq, 4);
    let p: PullResponse =
        h.json(dev.req("GET", &format!("{}?after=2", chunks_path(&share)), vec![]), StatusCode::OK).await;
    assert_eq!(p.chunks.iter().map(|c| (c.seq, c.by_recipient)).collect::<Vec<_>>(), vec![(3, false), (4, true)]);
    assert_eq!(&protocol::open_chunk(&key, &share, &p.chunks[1].data.0).unwrap().1[..], b"suggestion");
    // The device's own list.
    let l: ShareList = h.json(dev.req("GET", "/v1/shares", vec![]), StatusCode::OK).await;
    assert_eq!(l.shares.len(), 1);
    assert!(l.erased.is_empty());
    // Health on the API; metrics only on their own listener.
    assert_eq!(h.status(Request::get("/healthz").body(Body::empty()).unwrap()).await, StatusCode::OK);
    assert_eq!(h.status(Request::get("/metrics").body(Body::empty()).unwrap()).await, StatusCode::NOT_FOUND);
    let metrics = companion_server::metrics_router(std::sync::Arc::clone(&h.state));
    let resp =
        tower::ServiceExt::oneshot(metrics, Request::get("/metrics").body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let m = http_body_util::BodyExt::collect(resp.into_body()).await.unwrap().to_bytes();
    let m = String::from_utf8(m.to_vec()).unwrap();
    assert!(m.contains("companion_chunks_appended_total 4"), "{m}");
    assert!(m.contains("route=\"/v1/shares/{id}/chunks\""));
}

async fn appends_are_idempotent(h: &Harness) {
    let clin = h.clinician("c@clinic.invalid").await;
    let mut dev = Device::new();
    dev.pair(h, &clin.invite(h).await).await;
    let (share, key) = dev.share(h).await;
    let (_, body) = change(&key, &share, b"x");
    let first: Appended = h.json(dev.req("POST", &chunks_path(&share), body.clone()), StatusCode::CREATED).await;
    let retry: Appended = h.json(dev.req("POST", &chunks_path(&share), body), StatusCode::OK).await;
    assert_eq!(first.seq, retry.seq);
    assert!(!retry.created);
    let p: PullResponse = h.json(dev.req("GET", &chunks_path(&share), vec![]), StatusCode::OK).await;
    assert_eq!(p.chunks.len(), 1, "a retried append is stored once");
}

/// Every refusal with its status, and the share unchanged afterwards.
async fn refusals_change_nothing(h: &Harness) {
    let clin = h.clinician("one@clinic.invalid").await;
    let other_clin = h.clinician("two@clinic.invalid").await;
    let mut dev = Device::new();
    dev.pair(h, &clin.invite(h).await).await;
    let mut intruder = Device::new();
    intruder.pair(h, &other_clin.invite(h).await).await;
    let (share, key) = dev.share(h).await;
    let (_, body) = change(&key, &share, b"first");
    let _: Appended = h.json(dev.req("POST", &chunks_path(&share), body), StatusCode::CREATED).await;
    let path = chunks_path(&share);
    let (_, good) = change(&key, &share, b"second");

    // Another device's share; another clinician's share.
    assert_eq!(h.status(intruder.req("POST", &path, good.clone())).await, StatusCode::FORBIDDEN);
    assert_eq!(h.status(intruder.req("GET", &path, vec![])).await, StatusCode::FORBIDDEN);
    assert_eq!(h.status(intruder.req("DELETE", &format!("/v1/shares/{share}"), vec![])).await, StatusCode::FORBIDDEN);
    assert_eq!(h.status(other_clin.req("GET", &path, vec![])).await, StatusCode::FORBIDDEN);
    assert_eq!(h.status(other_clin.req("POST", &path, good.clone())).await, StatusCode::FORBIDDEN);
    // A share for a clinician the device is not paired with.
    let id = ShareId::random().unwrap();
    let wrapped = protocol::wrap_share_key(&other_clin.secret.public(), &id, &key).unwrap();
    let cs = serde_json::to_vec(&CreateShare {
        share_id: id,
        recipient: other_clin.account.id.clone(),
        wrapped_key: B64(wrapped),
        recipient_may_append: false,
    })
    .unwrap();
    assert_eq!(h.status(dev.req("POST", "/v1/shares", cs)).await, StatusCode::FORBIDDEN);
    // A replayed request: the same signed request twice.
    let signed = dev.key.sign_request("GET", &path, now_ms(), b"").unwrap();
    let mk = || {
        let mut b = Request::builder().method("GET").uri(&path);
        for (k, v) in signed.headers(&dev.id()) {
            b = b.header(k, v);
        }
        b.body(Body::empty()).unwrap()
    };
    assert_eq!(h.status(mk()).await, StatusCode::OK);
    assert_eq!(h.status(mk()).await, StatusCode::UNAUTHORIZED, "replay accepted");
    // A forged signature: signed by another key under this device's id; a tampered body.
    let forger = protocol::DeviceKey::generate().unwrap();
    let forged = forger.sign_request("POST", &path, now_ms(), &good).unwrap();
    let mut b = Request::builder().method("POST").uri(&path).header("content-type", "application/json");
    for (k, v) in forged.headers(&dev.id()) {
        b = b.header(k, v);
    }
    assert_eq!(h.status(b.body(Body::from(good.clone())).unwrap()).await, StatusCode::UNAUTHORIZED);
    let signed_other = dev.key.sign_request("POST", &path, now_ms(), b"{}").unwrap();
    let mut b = Request::builder().method("POST").uri(&path);
    for (k, v) in signed_other.headers(&dev.id()) {
        b = b.header(k, v);
    }
    assert_eq!(
        h.status(b.body(Body::from(good.clone())).unwrap()).await,
        StatusCode::UNAUTHORIZED,
        "body swapped under a signature"
    );
    // A stale timestamp.
    let old = dev.key.sign_request("GET", &path, now_ms() - 10 * 60 * 1000, b"").unwrap();
    let mut b = Request::builder().method("GET").uri(&path);
    for (k, v) in old.headers(&dev.id()) {
        b = b.header(k, v);
    }
    assert_eq!(h.status(b.body(Body::empty()).unwrap()).await, StatusCode::UNAUTHORIZED);
    // No credentials at all; a bad session token.
    assert_eq!(h.status(Request::get(&path).body(Body::empty()).unwrap()).await, StatusCode::UNAUTHORIZED);
    let bad = Request::get(&path).header("authorization", "Bearer not-a-session").body(Body::empty()).unwrap();
    assert_eq!(h.status(bad).await, StatusCode::UNAUTHORIZED);
    // An oversized body.
    let huge = vec![b'a'; 7 * 1024 * 1024];
    assert_eq!(h.status(dev.req("POST", &path, huge)).await, StatusCode::PAYLOAD_TOO_LARGE);
    let big_json = vec![b' '; 100 * 1024];
    assert_eq!(h.status(dev.req("POST", "/v1/shares", big_json)).await, StatusCode::PAYLOAD_TOO_LARGE);
    // Malformed bodies and ids.
    for body in [&b"not json"[..], br#"{"chunk": 5}"#, br#"{"chunk": "!!!"}"#, br#"{"chunk": "AAAA"}"#, br#"{}"#] {
        assert_eq!(
            h.status(dev.req("POST", &path, body.to_vec())).await,
            StatusCode::BAD_REQUEST,
            "{}",
            String::from_utf8_lossy(body)
        );
    }
    // A snapshot sent as a change chunk, and a change sent as a snapshot.
    let snap = snapshot_body(&key, &share, 1, b"doc");
    let snap_as_chunk =
        serde_json::to_vec(&AppendChunk { chunk: serde_json::from_slice::<PutSnapshot>(&snap).unwrap().snapshot })
            .unwrap();
    assert_eq!(h.status(dev.req("POST", &path, snap_as_chunk)).await, StatusCode::BAD_REQUEST);
    assert_eq!(h.status(dev.req("GET", "/v1/shares/not-an-id/chunks", vec![])).await, StatusCode::BAD_REQUEST);
    assert_eq!(h.status(dev.req("GET", &format!("{path}?after=-1"), vec![])).await, StatusCode::BAD_REQUEST);
    // An unknown share; a snapshot covering chunks that do not exist.
    let unknown = ShareId::random().unwrap();
    assert_eq!(h.status(dev.req("GET", &chunks_path(&unknown), vec![])).await, StatusCode::NOT_FOUND);
    let too_far = snapshot_body(&key, &share, 99, b"doc");
    assert_eq!(h.status(dev.req("PUT", &format!("/v1/shares/{share}/snapshot"), too_far)).await, StatusCode::CONFLICT);
    // A clinician cannot erase (only the client's device can).
    assert_eq!(h.status(clin.req("DELETE", &format!("/v1/shares/{share}"), vec![])).await, StatusCode::UNAUTHORIZED);
    // Nothing changed: still exactly the first chunk.
    let p: PullResponse = h.json(dev.req("GET", &path, vec![]), StatusCode::OK).await;
    assert_eq!(p.last_seq, 1);
    assert_eq!(p.chunks.len(), 1);
    assert!(p.snapshot.is_none());
    // A revoked (erased) share is refused from then on, for everyone.
    assert_eq!(h.status(dev.req("DELETE", &format!("/v1/shares/{share}"), vec![])).await, StatusCode::NO_CONTENT);
    assert_eq!(h.status(dev.req("POST", &path, good.clone())).await, StatusCode::GONE);
    assert_eq!(h.status(dev.req("GET", &path, vec![])).await, StatusCode::GONE);
    assert_eq!(h.status(clin.req("GET", &path, vec![])).await, StatusCode::GONE);
}

async fn erasure_leaves_no_row_and_refuses_the_id(h: &Harness) {
    let clin = h.clinician("erase@clinic.invalid").await;
    let mut dev = Device::new();
    dev.pair(h, &clin.invite(h).await).await;
    let (share, key) = dev.share(h).await;
    for i in 0..5 {
        let (_, body) = change(&key, &share, format!("c{i}").as_bytes());
        let _: Appended = h.json(dev.req("POST", &chunks_path(&share), body), StatusCode::CREATED).await;
    }
    let _: SnapshotStored = h
        .json(
            dev.req("PUT", &format!("/v1/shares/{share}/snapshot"), snapshot_body(&key, &share, 3, b"doc")),
            StatusCode::OK,
        )
        .await;
    let forms = [share.as_bytes().to_vec(), hex(share.as_bytes()).into_bytes(), share.to_string().into_bytes()];
    let before = all_values(h).await;
    assert!(
        before.iter().any(|(_, v)| forms.iter().any(|f| contains(v, f))),
        "the share should be stored before erasure"
    );
    assert_eq!(h.status(dev.req("DELETE", &format!("/v1/shares/{share}"), vec![])).await, StatusCode::NO_CONTENT);
    // Repeating the erase is fine (a lost response must not leave the client stuck).
    assert_eq!(h.status(dev.req("DELETE", &format!("/v1/shares/{share}"), vec![])).await, StatusCode::NO_CONTENT);
    // Only the recipient's erasure notice names the share, for the tombstone period...
    let holding = |values: Vec<(String, Vec<u8>)>| {
        let mut tables: Vec<String> =
            values.into_iter().filter(|(_, v)| forms.iter().any(|f| contains(v, f))).map(|(t, _)| t).collect();
        tables.dedup();
        tables
    };
    assert_eq!(holding(all_values(h).await), ["tombstones"]);
    let erased = clin.erased(h).await;
    assert_eq!(
        erased.iter().map(|e| (e.share_id, e.device_id.as_str())).collect::<Vec<_>>(),
        [(share, dev.id().as_str())]
    );
    // ...and once that period is over, no table holds it.
    let purged = h.state.db.purge_history(0, h.state.now_ms() + 1).await.unwrap();
    assert_eq!(purged.tombstones, 1);
    assert!(holding(all_values(h).await).is_empty());
    assert!(clin.erased(h).await.is_empty());
    // Re-uploading, re-creating or pulling the id is refused.
    let (_, body) = change(&key, &share, b"again");
    assert_eq!(h.status(dev.req("POST", &chunks_path(&share), body)).await, StatusCode::GONE);
    let wrapped = protocol::wrap_share_key(&clin.secret.public(), &share, &key).unwrap();
    let cs = serde_json::to_vec(&CreateShare {
        share_id: share,
        recipient: clin.account.id.clone(),
        wrapped_key: B64(wrapped),
        recipient_may_append: false,
    })
    .unwrap();
    assert_eq!(h.status(dev.req("POST", "/v1/shares", cs)).await, StatusCode::GONE);
    assert!(clin.shares(h).await.is_empty());
}

async fn stored_bytes_hold_no_plaintext(h: &Harness) {
    let clin = h.clinician("canary@clinic.invalid").await;
    let mut dev = Device::new();
    dev.pair(h, &clin.invite(h).await).await;
    let (share, key) = dev.share_with(h, true).await;
    let canaries: Vec<String> = (0..6).map(|i| format!("CANARY-server-{i}-9d2f")).collect();
    for c in &canaries[..4] {
        let (_, body) = change(&key, &share, format!("{{\"note\":\"{c}\"}}").as_bytes());
        let _: Appended = h.json(dev.req("POST", &chunks_path(&share), body), StatusCode::CREATED).await;
    }
    let _: SnapshotStored = h
        .json(
            dev.req(
                "PUT",
                &format!("/v1/shares/{share}/snapshot"),
                snapshot_body(&key, &share, 2, canaries[4].as_bytes()),
            ),
            StatusCode::OK,
        )
        .await;
    let (_, body) = change(&key, &share, canaries[5].as_bytes());
    let _: Appended = h.json(clin.req("POST", &chunks_path(&share), body), StatusCode::CREATED).await;
    // Every value of every table, and for SQLite every byte of its files.
    let mut blobs: Vec<Vec<u8>> = all_values(h).await.into_iter().map(|(_, v)| v).collect();
    if let Backend::Sqlite(dir) = &h.backend {
        for e in std::fs::read_dir(dir.path()).unwrap().flatten() {
            blobs.push(std::fs::read(e.path()).unwrap());
        }
    }
    assert!(!blobs.is_empty());
    for c in &canaries {
        for (variant, needle) in [
            ("raw", c.as_bytes().to_vec()),
            ("hex", hex(c.as_bytes()).into_bytes()),
            ("base64url", b64(c.as_bytes()).into_bytes()),
        ] {
            assert!(!blobs.iter().any(|b| contains(b, &needle)), "canary {c} stored in plaintext ({variant})");
        }
    }
    // And the clinician reads them all back.
    let k = protocol::unwrap_share_key(&clin.secret, &share, &clin.shares(h).await[0].wrapped_key.0).unwrap();
    let p: PullResponse = h.json(clin.req("GET", &chunks_path(&share), vec![]), StatusCode::OK).await;
    let snap = p.snapshot.unwrap();
    assert_eq!(snap.covers, 2);
    assert_eq!(&protocol::open_chunk(&k, &share, &snap.data.0).unwrap().1[..], canaries[4].as_bytes());
    assert_eq!(p.chunks.iter().map(|c| c.seq).collect::<Vec<_>>(), vec![3, 4, 5]);
}

/// OPAQUE: the server holds no passphrase-derived secret; a wrong passphrase and an unknown
/// account get the same answers and the client refuses both; a KE3 is good once.
async fn login_is_opaque_and_refuses_alike(h: &Harness) {
    let clin = h.clinician("login@clinic.invalid").await;
    let values = all_values(h).await;
    assert!(!values.iter().any(|(_, v)| contains(v, PASSPHRASE)), "the passphrase is stored");
    // Wrong passphrase, unknown account: the server answers both alike; the client refuses both.
    let mut shapes = Vec::new();
    for (email, pass) in [(clin.email.as_str(), &b"not the passphrase"[..]), ("nobody@clinic.invalid", PASSPHRASE)] {
        let (_, request) = opaque::client_start_login(pass).unwrap();
        let start = LoginStart { email: email.into(), request: B64(request), ticket: None };
        let started: LoginStarted = h.json(post_json("/v1/sessions/start", &start), StatusCode::OK).await;
        shapes.push((started.login_id.len(), started.response.0.len()));
        assert_eq!(Clinician::try_login(h, email, pass, None, "10.1.1.1").await.err(), Some(Refused::ByClient));
    }
    assert_eq!(shapes[0], shapes[1], "unknown and wrong look the same");
    // A finalization that does not prove the passphrase, and a replayed one, are refused.
    let (state, request) = opaque::client_start_login(PASSPHRASE).unwrap();
    let start = LoginStart { email: clin.email.clone(), request: B64(request), ticket: None };
    let started: LoginStarted = h.json(post_json("/v1/sessions/start", &start), StatusCode::OK).await;
    let done = opaque::client_finish_login(state, PASSPHRASE, &started.response.0, &clin.email).unwrap();
    let mut forged = done.finalization.clone();
    forged[3] ^= 0x40;
    let bad = LoginFinish { login_id: started.login_id.clone(), finalization: B64(forged) };
    assert_eq!(h.status(post_json("/v1/sessions/finish", &bad)).await, StatusCode::UNAUTHORIZED);
    let good = LoginFinish { login_id: started.login_id, finalization: B64(done.finalization) };
    assert_eq!(
        h.status(post_json("/v1/sessions/finish", &good)).await,
        StatusCode::UNAUTHORIZED,
        "an attempt is used once"
    );
    // Malformed OPAQUE messages are 400s.
    let junk = LoginStart { email: clin.email.clone(), request: B64(vec![1; 5]), ticket: None };
    assert_eq!(h.status(post_json("/v1/sessions/start", &junk)).await, StatusCode::BAD_REQUEST);
    // Logging out ends the session.
    assert_eq!(h.status(clin.req("DELETE", "/v1/sessions", vec![])).await, StatusCode::NO_CONTENT);
    assert_eq!(h.status(clin.req("GET", "/v1/me", vec![])).await, StatusCode::UNAUTHORIZED);
}

/// A flood of login attempts naming the account, from many sources and from the clinician's
/// own, uses up what an attacker can use, but the real clinician's ticket still logs in.
async fn a_login_flood_neither_locks_out_nor_starves_the_real_clinician(h: &Harness) {
    let clin = h.clinician("flooded@clinic.invalid").await;
    let other = h.clinician("other@clinic.invalid").await;
    for i in 0..60 {
        let (_, request) = opaque::client_start_login(b"guess").unwrap();
        let start = LoginStart { email: clin.email.clone(), request: B64(request), ticket: None };
        let source = if i % 2 == 0 { format!("198.51.100.{i}") } else { "127.0.0.1".to_string() };
        let (s, _, _) = h.send(from_source(post_json("/v1/sessions/start", &start), &source)).await;
        assert!(s == StatusCode::OK || s == StatusCode::TOO_MANY_REQUESTS, "{s}");
    }
    // The account's allowance is gone: even the right passphrase without a ticket gets the fake.
    assert_eq!(
        Clinician::try_login(h, &clin.email, PASSPHRASE, None, "203.0.113.9").await.err(),
        Some(Refused::ByClient)
    );
    // The real clinician, with the ticket of an earlier login, from the flooded source too.
    let back = Clinician::try_login(h, &clin.email, PASSPHRASE, Some(&clin.ticket), "127.0.0.1").await;
    assert!(back.is_ok(), "{:?}", back.err());
    // Another account's ticket gives no allowance.
    assert_eq!(
        Clinician::try_login(h, &clin.email, PASSPHRASE, Some(&other.ticket), "203.0.113.10").await.err(),
        Some(Refused::ByClient)
    );
}

/// A version-1 account moves to OPAQUE once, keeping its key pair and so its shares; then the
/// old verifier is gone and the old login refused.
async fn a_version_1_account_upgrades_and_keeps_its_shares(h: &Harness) {
    let email = "old@clinic.invalid";
    let (id, old_secret) = h.legacy_clinician(email, PASSPHRASE).await;
    // A share addressed to the old key, as a device made it before.
    let share = ShareId::random().unwrap();
    let key = protocol::ShareKey::generate().unwrap();
    let wrapped_share_key = protocol::wrap_share_key(&old_secret.public(), &share, &key).unwrap();
    // The old login, with this side's own iteration count (not the server's).
    let pre: PreloginResponse =
        h.json(post_json("/v1/clinicians/prelogin", &PreloginRequest { email: email.into() }), StatusCode::OK).await;
    let keys = protocol::derive_clinician_keys(PASSPHRASE, &pre.salt.0, protocol::CLINICIAN_KDF_ITERATIONS).unwrap();
    let legacy_req = LegacyLoginRequest { email: email.into(), auth_secret: B64(keys.auth_secret().to_vec()) };
    let wrong = protocol::derive_clinician_keys(b"wrong", &pre.salt.0, protocol::CLINICIAN_KDF_ITERATIONS).unwrap();
    let wrong_req = LegacyLoginRequest { email: email.into(), auth_secret: B64(wrong.auth_secret().to_vec()) };
    assert_eq!(h.status(post_json("/v1/sessions/legacy", &wrong_req)).await, StatusCode::UNAUTHORIZED);
    let legacy: LegacyLoginResponse = h.json(post_json("/v1/sessions/legacy", &legacy_req), StatusCode::OK).await;
    let secret =
        protocol::unwrap_recipient_secret(keys.wrap_key(), email, &legacy.account.wrapped_private_key.0).unwrap();
    // The upgrade token opens nothing else.
    let bearer = |r: axum::http::Request<Body>| {
        let mut r = r;
        r.headers_mut().insert("authorization", format!("Bearer {}", legacy.upgrade_token).parse().unwrap());
        r
    };
    assert_eq!(h.status(bearer(Request::get("/v1/me").body(Body::empty()).unwrap())).await, StatusCode::UNAUTHORIZED);
    // OPAQUE registration under the upgrade token, and the key re-wrapped under its key.
    let (state, request) = opaque::client_start_registration(PASSPHRASE).unwrap();
    let started: RegistrationStarted = h
        .json(
            bearer(post_json("/v1/clinicians/upgrade/start", &UpgradeStart { request: B64(request) })),
            StatusCode::OK,
        )
        .await;
    let (upload, wrap) = opaque::client_finish_registration(state, PASSPHRASE, &started.response.0, email).unwrap();
    let finish = UpgradeFinish {
        upload: B64(upload),
        wrapped_private_key: B64(protocol::wrap_recipient_secret(&wrap, email, &secret).unwrap()),
    };
    let upgraded: ClinicianAccount =
        h.json(bearer(post_json("/v1/clinicians/upgrade/finish", &finish)), StatusCode::OK).await;
    assert_eq!((upgraded.id.as_str(), upgraded.public_key.0.as_slice()), (id.as_str(), &old_secret.public().0[..]));
    // Now OPAQUE opens the same key, which opens the old share's key.
    let clin = Clinician::login(h, email, PASSPHRASE).await;
    assert_eq!(protocol::unwrap_share_key(&clin.secret, &share, &wrapped_share_key).unwrap().expose(), key.expose());
    // The old verifier is gone: the old login is refused and prelogin gives the fake salt.
    assert_eq!(h.status(post_json("/v1/sessions/legacy", &legacy_req)).await, StatusCode::UNAUTHORIZED);
    let again: PreloginResponse =
        h.json(post_json("/v1/clinicians/prelogin", &PreloginRequest { email: email.into() }), StatusCode::OK).await;
    assert_ne!(again.salt, pre.salt);
    assert!(!all_values(h).await.iter().any(|(t, _)| t == "legacy_logins"), "no legacy verifier row remains");
    assert_eq!(h.status(bearer(post_json("/v1/clinicians/upgrade/finish", &finish))).await, StatusCode::UNAUTHORIZED);
}

async fn cookie_sessions_refuse_cross_site_writes(h: &Harness) {
    let clin = h.clinician("cookie@clinic.invalid").await;
    let cookie = clin.cookie.clone();
    assert!(cookie.starts_with("__Host-session="));
    for attr in ["HttpOnly", "SameSite=Strict", "Secure", "Path=/"] {
        assert!(cookie.contains(attr), "cookie lacks {attr}: {cookie}");
    }
    let pair = cookie.split(';').next().unwrap().to_string();
    let with = |origin: &str, site: &str| {
        Request::post("/v1/invites")
            .header("cookie", &pair)
            .header("origin", origin)
            .header("sec-fetch-site", site)
            .body(Body::empty())
            .unwrap()
    };
    assert_eq!(h.status(with("https://evil.invalid", "cross-site")).await, StatusCode::FORBIDDEN);
    assert_eq!(h.status(with("https://evil.invalid", "same-origin")).await, StatusCode::FORBIDDEN);
    assert_eq!(h.status(with("https://sync.test.invalid", "same-origin")).await, StatusCode::CREATED);
    // Reads with the cookie are fine.
    let me = Request::get("/v1/me").header("cookie", &pair).body(Body::empty()).unwrap();
    assert_eq!(h.status(me).await, StatusCode::OK);
}

async fn pulls_page_and_snapshots_compact(h: &Harness) {
    let clin = h.clinician("page@clinic.invalid").await;
    let mut dev = Device::new();
    dev.pair(h, &clin.invite(h).await).await;
    let (share, key) = dev.share(h).await;
    for i in 0..25 {
        let (_, body) = change(&key, &share, format!("{i}").as_bytes());
        let _: Appended = h.json(dev.req("POST", &chunks_path(&share), body), StatusCode::CREATED).await;
    }
    let p: PullResponse =
        h.json(dev.req("GET", &format!("{}?after=5&limit=10", chunks_path(&share)), vec![]), StatusCode::OK).await;
    assert_eq!(p.chunks.iter().map(|c| c.seq).collect::<Vec<_>>(), (6..=15).collect::<Vec<_>>());
    assert!(p.more);
    let s: SnapshotStored = h
        .json(
            dev.req("PUT", &format!("/v1/shares/{share}/snapshot"), snapshot_body(&key, &share, 20, b"doc")),
            StatusCode::OK,
        )
        .await;
    assert_eq!(s.removed, 20, "exactly the covered chunks are deleted");
    // An older snapshot is refused; a reader behind the snapshot gets it first.
    assert_eq!(
        h.status(dev.req("PUT", &format!("/v1/shares/{share}/snapshot"), snapshot_body(&key, &share, 10, b"old")))
            .await,
        StatusCode::CONFLICT
    );
    let p: PullResponse =
        h.json(clin.req("GET", &format!("{}?after=7", chunks_path(&share)), vec![]), StatusCode::OK).await;
    assert_eq!(p.snapshot.as_ref().map(|s| s.covers), Some(20));
    assert_eq!(p.chunks.iter().map(|c| c.seq).collect::<Vec<_>>(), (21..=25).collect::<Vec<_>>());
    assert!(!p.more);
    let p: PullResponse =
        h.json(clin.req("GET", &format!("{}?after=22", chunks_path(&share)), vec![]), StatusCode::OK).await;
    assert!(p.snapshot.is_none());
    assert_eq!(p.chunks.len(), 3);
    let info = &clin.shares(h).await[0];
    assert_eq!((info.last_seq, info.snapshot_covers), (25, 20));
    let _ = ChunkKind::Change;
}

/// Requests naming a victim's device id with bad signatures, and replays of its real requests,
/// are refused without using up the victim's allowance: its own requests still go through.
async fn junk_naming_a_device_does_not_limit_it(h: &Harness) {
    let clin = h.clinician("victim@clinic.invalid").await;
    let mut victim = Device::new();
    victim.pair(h, &clin.invite(h).await).await;
    let (share, _) = victim.share(h).await;
    let path = chunks_path(&share);
    let forger = protocol::DeviceKey::generate().unwrap();
    let replayed = victim.req("GET", &path, vec![]);
    let replayed_headers = replayed.headers().clone();
    assert_eq!(h.status(replayed).await, StatusCode::OK);
    // More than the whole burst allowance (ApiConfig::default: 200).
    for i in 0..260 {
        let req = if i % 2 == 0 {
            let forged = forger.sign_request("GET", &path, now_ms(), b"").unwrap();
            let mut b = Request::get(&path);
            for (k, v) in forged.headers(&victim.id()) {
                b = b.header(k, v);
            }
            b.body(Body::empty()).unwrap()
        } else {
            let mut r = Request::get(&path).body(Body::empty()).unwrap();
            *r.headers_mut() = replayed_headers.clone();
            r
        };
        assert_eq!(h.status(req).await, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(h.status(victim.req("GET", &path, vec![])).await, StatusCode::OK, "the victim was limited");
}

/// A garbage chunk sealed under a key the owner does not have: opening it fails.
fn garbage(share: &ShareId) -> Vec<u8> {
    change(&protocol::ShareKey::generate().unwrap(), share, b"garbage").1
}

/// What the owner pulls: (seq, written by the recipient) of every chunk, and the snapshot's
/// coverage.
async fn owner_view(h: &Harness, dev: &Device, share: &ShareId) -> (Vec<(u64, bool)>, Option<u64>) {
    let p: PullResponse = h.json(dev.req("GET", &chunks_path(share), vec![]), StatusCode::OK).await;
    (p.chunks.iter().map(|c| (c.seq, c.by_recipient)).collect(), p.snapshot.map(|s| s.covers))
}

/// The recipient (a clinician, or whoever holds their session) tries to poison and wipe the
/// client's shares: a garbage chunk on a share the owner kept to themselves, and garbage
/// snapshots that would replace the history of any share. All refused; the owner's chunks stay
/// exactly as they were. Where the owner allowed it (the coping plan), the recipient's append
/// is stored and marked as the recipient's, so it can never pass for the owner's.
async fn a_recipient_can_neither_poison_nor_wipe_a_share(h: &Harness) {
    let clin = h.clinician("poison@clinic.invalid").await;
    let mut dev = Device::new();
    dev.pair(h, &clin.invite(h).await).await;
    let (closed, closed_key) = dev.share(h).await;
    let (open, open_key) = dev.share_with(h, true).await;
    for (share, key) in [(&closed, &closed_key), (&open, &open_key)] {
        for i in 0..3 {
            let (_, body) = change(key, share, format!("owner {i}").as_bytes());
            let _: Appended = h.json(dev.req("POST", &chunks_path(share), body), StatusCode::CREATED).await;
        }
    }
    let before = owner_view(h, &dev, &closed).await;
    assert_eq!(before, (vec![(1, false), (2, false), (3, false)], None));
    // Poison: a garbage chunk on the share closed to the recipient.
    let (s, _, b) = h.send(clin.req("POST", &chunks_path(&closed), garbage(&closed))).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(serde_json::from_slice::<ApiError>(&b).unwrap().error, "owner_only");
    // Wipe: a garbage snapshot covering everything, on either share.
    let wipe_key = protocol::ShareKey::generate().unwrap();
    for share in [&closed, &open] {
        let body = snapshot_body(&wipe_key, share, 3, b"nothing");
        let path = format!("/v1/shares/{share}/snapshot");
        assert_eq!(h.status(clin.req("PUT", &path, body)).await, StatusCode::FORBIDDEN, "recipient snapshot");
        // Erasing is the owning device's alone too.
        assert_eq!(
            h.status(clin.req("DELETE", &format!("/v1/shares/{share}"), vec![])).await,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(owner_view(h, &dev, &closed).await, before, "the owner's history changed");
    let info = clin.shares(h).await;
    assert!(info.iter().all(|i| i.last_seq == 3 && i.snapshot_covers == 0), "{info:?}");
    assert_eq!(info.iter().filter(|i| i.recipient_may_append).count(), 1);
    // Where the owner allowed it, the recipient appends after the owner's chunks, marked.
    let (_, body) = change(&open_key, &open, b"suggestion");
    let _: Appended = h.json(clin.req("POST", &chunks_path(&open), body), StatusCode::CREATED).await;
    let (chunks, snapshot) = owner_view(h, &dev, &open).await;
    assert_eq!((chunks, snapshot), (vec![(1, false), (2, false), (3, false), (4, true)], None));
}

fn quota_of(body: &[u8]) -> Option<Quota> {
    serde_json::from_slice::<ApiError>(body).ok().and_then(|e| Quota::from_code(&e.error))
}

/// One device writes as fast as it can: it is stopped at its allowance with a refusal that
/// names the allowance, and nothing beyond it is stored; compaction still works at the
/// allowance, and erasing gives room back. Share counts hold per device and per clinic.
async fn storage_quotas_hold_and_name_the_allowance(h: &Harness) {
    use companion_server::db::UsageOf;
    use companion_server::quota::QuotaLimits;
    let quotas = QuotaLimits { device_bytes: 64 * 1024, device_shares: 2, clinic_bytes: 1 << 30, clinic_shares: 3 };
    let h = &h.same_kind(ApiConfig { quotas, ..test_config() }).await;
    let clin = h.clinician("quota@clinic.invalid").await;
    let mut dev = Device::new();
    dev.pair(h, &clin.invite(h).await).await;
    let (share, key) = dev.share(h).await;
    let mut stored = 0u64;
    let refused = loop {
        let (_, body) = change(&key, &share, &[b'x'; 8000]);
        let (s, _, b) = h.send(dev.req("POST", &chunks_path(&share), body)).await;
        match s {
            StatusCode::CREATED => stored += 1,
            _ => break (s, quota_of(&b)),
        }
        assert!(stored <= 16, "the device wrote past its allowance");
    };
    assert_eq!(refused, (StatusCode::INSUFFICIENT_STORAGE, Some(Quota::DeviceStorage)));
    let used = h.state.db.usage(UsageOf::Device(&dev.id())).await.unwrap();
    assert!(used.bytes <= quotas.device_bytes && used.bytes + 8100 > quotas.device_bytes, "{used:?}");
    assert_eq!(clin.shares(h).await[0].last_seq, stored, "a refused write stored something");
    // The allowance holds when the counts are loaded afresh from storage (as after a restart,
    // or every few minutes with several processes on one database).
    h.state.usage.forget();
    let (_, body) = change(&key, &share, &[b'x'; 8000]);
    let (s, _, b) = h.send(dev.req("POST", &chunks_path(&share), body)).await;
    assert_eq!((s, quota_of(&b)), (StatusCode::INSUFFICIENT_STORAGE, Some(Quota::DeviceStorage)));
    // Compaction at the allowance: the snapshot replaces the chunks and frees their room.
    let body = snapshot_body(&key, &share, stored, b"compact");
    let _: SnapshotStored = h.json(dev.req("PUT", &format!("/v1/shares/{share}/snapshot"), body), StatusCode::OK).await;
    let (_, body) = change(&key, &share, &[b'x'; 8000]);
    let _: Appended = h.json(dev.req("POST", &chunks_path(&share), body), StatusCode::CREATED).await;
    // Share counts: two per device...
    let _ = dev.share(h).await;
    let (s, _, b) = h.send(create_share_req(&dev, &clin)).await;
    assert_eq!((s, quota_of(&b)), (StatusCode::INSUFFICIENT_STORAGE, Some(Quota::DeviceShares)));
    // ...erasing one gives room back...
    assert_eq!(h.status(dev.req("DELETE", &format!("/v1/shares/{share}"), vec![])).await, StatusCode::NO_CONTENT);
    let _ = dev.share(h).await;
    // ...and three for the whole clinic, whichever device asks.
    let mut other = Device::new();
    other.pair(h, &clin.invite(h).await).await;
    let _ = other.share(h).await;
    let (s, _, b) = h.send(create_share_req(&other, &clin)).await;
    assert_eq!((s, quota_of(&b)), (StatusCode::INSUFFICIENT_STORAGE, Some(Quota::ClinicShares)));
    assert_eq!(clin.shares(h).await.len(), 3);
}

/// A request creating a new share from `dev` to `clin`.
fn create_share_req(dev: &Device, clin: &Clinician) -> axum::http::Request<Body> {
    let id = ShareId::random().unwrap();
    let key = protocol::ShareKey::generate().unwrap();
    let wrapped = protocol::wrap_share_key(&clin.secret.public(), &id, &key).unwrap();
    let body = serde_json::to_vec(&CreateShare {
        share_id: id,
        recipient: clin.account.id.clone(),
        wrapped_key: B64(wrapped),
        recipient_may_append: false,
    })
    .unwrap();
    dev.req("POST", "/v1/shares", body)
}

/// Every form of a share's id the tables could hold: raw, hex, base64url, and its pseudonym
/// (raw and hex).
fn share_forms(h: &Harness, share: &ShareId) -> Vec<Vec<u8>> {
    let mut forms = vec![share.as_bytes().to_vec(), hex(share.as_bytes()).into_bytes(), share.to_string().into_bytes()];
    forms.extend(pseudonym_forms(h, share));
    forms
}

/// A share's pseudonym in the audit and erasure tables, raw and hex (as PostgreSQL dumps it).
fn pseudonym_forms(h: &Harness, share: &ShareId) -> Vec<Vec<u8>> {
    let sref = companion_server::api::share_ref(&h.state.secret, share);
    vec![sref.to_vec(), hex(&sref).into_bytes()]
}

/// The tables holding any of `forms`.
async fn tables_holding(h: &Harness, forms: &[Vec<u8>]) -> Vec<String> {
    h.state.flush_audit().await;
    let mut tables: Vec<String> =
        all_values(h).await.into_iter().filter(|(_, v)| forms.iter().any(|f| contains(v, f))).map(|(t, _)| t).collect();
    tables.sort();
    tables.dedup();
    tables
}

/// A client unpairs: afterwards no row of any table holds its device id, its key, its label, or
/// any id or pseudonym of a share it had (live or erased), audit included; another client of
/// the same clinician keeps everything; the unpaired device is unknown from then on.
async fn unpairing_leaves_no_row_of_the_device(h: &Harness) {
    let clin = h.clinician("unpair@clinic.invalid").await;
    let mut dev = Device::new();
    dev.pair_labelled(h, &clin.invite(h).await, Some(b"sealed label 7f3a".to_vec())).await;
    let mut stays = Device::new();
    stays.pair(h, &clin.invite(h).await).await;
    let (kept, kept_key) = stays.share(h).await;
    let (_, body) = change(&kept_key, &kept, b"stays");
    let _: Appended = h.json(stays.req("POST", &chunks_path(&kept), body), StatusCode::CREATED).await;
    let mut forms = vec![dev.id().into_bytes(), dev.key.public_key().to_vec(), b"sealed label 7f3a".to_vec()];
    let mut shares = Vec::new();
    for open in [false, true, false] {
        let (share, key) = dev.share_with(h, open).await;
        for i in 0..3 {
            let (_, body) = change(&key, &share, format!("c{i}").as_bytes());
            let _: Appended = h.json(dev.req("POST", &chunks_path(&share), body), StatusCode::CREATED).await;
        }
        let body = snapshot_body(&key, &share, 2, b"doc");
        let _: SnapshotStored =
            h.json(dev.req("PUT", &format!("/v1/shares/{share}/snapshot"), body), StatusCode::OK).await;
        let _: PullResponse = h.json(clin.req("GET", &chunks_path(&share), vec![]), StatusCode::OK).await;
        forms.extend(share_forms(h, &share));
        shares.push(share);
    }
    // One of them erased earlier: its tombstone and erasure record go too.
    assert_eq!(h.status(dev.req("DELETE", &format!("/v1/shares/{}", shares[2]), vec![])).await, StatusCode::NO_CONTENT);
    let clients: ClientList = h.json(clin.req("GET", "/v1/clients", vec![]), StatusCode::OK).await;
    assert_eq!(clients.clients.len(), 2);
    assert!(!tables_holding(h, &forms).await.is_empty());
    assert_eq!(h.status(dev.req("DELETE", "/v1/devices/me", vec![])).await, StatusCode::NO_CONTENT);
    assert_eq!(tables_holding(h, &forms).await, Vec::<String>::new(), "rows of the unpaired device remain");
    // The device is unknown now; the other client keeps everything.
    assert_eq!(h.status(dev.req("DELETE", "/v1/devices/me", vec![])).await, StatusCode::UNAUTHORIZED);
    assert_eq!(h.status(dev.req("GET", "/v1/shares", vec![])).await, StatusCode::UNAUTHORIZED);
    let clients: ClientList = h.json(clin.req("GET", "/v1/clients", vec![]), StatusCode::OK).await;
    assert_eq!(clients.clients.iter().map(|c| c.device_id.clone()).collect::<Vec<_>>(), [stays.id()]);
    assert_eq!(clin.shares(h).await.iter().map(|s| s.share_id).collect::<Vec<_>>(), [kept]);
    assert!(clin.erased(h).await.is_empty());
    let (chunks, _) = owner_view(h, &stays, &kept).await;
    assert_eq!(chunks, [(1, false)]);
}

/// Audit rows naming a share are erased with it; the rest are kept for the retention period
/// and then purged (the hourly housekeeping and `admin purge` both call this).
async fn audit_rows_go_with_their_share_and_with_time(h: &Harness) {
    let clin = h.clinician("audit@clinic.invalid").await;
    let mut dev = Device::new();
    dev.pair(h, &clin.invite(h).await).await;
    let (share, key) = dev.share(h).await;
    let (_, body) = change(&key, &share, b"x");
    let _: Appended = h.json(dev.req("POST", &chunks_path(&share), body), StatusCode::CREATED).await;
    let _: PullResponse = h.json(clin.req("GET", &chunks_path(&share), vec![]), StatusCode::OK).await;
    let sref = pseudonym_forms(h, &share);
    assert!(tables_holding(h, &sref).await.contains(&"audit".to_string()));
    assert_eq!(h.status(dev.req("DELETE", &format!("/v1/shares/{share}"), vec![])).await, StatusCode::NO_CONTENT);
    // Only the erasure record (which refuses the id from now on) keeps the pseudonym.
    assert_eq!(tables_holding(h, &sref).await, ["erased"]);
    let audit_rows = |h: &Harness| {
        let h = h.state.clone();
        async move {
            h.flush_audit().await;
            h.db.dump_tables().await.unwrap().into_iter().find(|t| t.table == "audit").map(|t| t.values.len()).unwrap()
        }
    };
    assert!(audit_rows(h).await > 0);
    // Within the retention period nothing goes...
    let purged = h.state.purge_history(None).await.unwrap();
    assert_eq!(purged.audit, 0);
    // ...after it, every older row does.
    let purged = h.state.purge_history(Some(std::time::Duration::ZERO)).await.unwrap();
    assert!(purged.audit > 0, "{purged:?}");
    assert_eq!(audit_rows(h).await, 0);
}

/// Before redeeming an invite, a client learns whose it is (to compare the fingerprint) without
/// using it up; unknown, used and guessed invites get one answer, and guessing is limited per
/// source. The sealed label the client gives travels with the pairing to that clinician only,
/// exactly as given; the device replaces or removes it, and only for a clinician it is paired with.
async fn an_invite_is_looked_up_before_use_and_labels_reach_only_their_clinician(h: &Harness) {
    let clin = h.clinician("label@clinic.invalid").await;
    let other = h.clinician("label-other@clinic.invalid").await;
    let invite = clin.invite(h).await;
    let lookup = |token: &str, source: &str| {
        from_source(post_json("/v1/invites/lookup", &InviteLookup { invite_token: token.into() }), source)
    };
    for _ in 0..2 {
        let r: Recipient = h.json(lookup(&invite.token, "192.0.2.1"), StatusCode::OK).await;
        assert_eq!(
            (r.clinician_id.as_str(), r.fingerprint.as_str()),
            (clin.account.id.as_str(), invite.fingerprint.as_str())
        );
    }
    let mut dev = Device::new();
    dev.pair_labelled(h, &invite, Some(b"sealed: Sam".to_vec())).await;
    let (used, _, used_body) = h.send(lookup(&invite.token, "192.0.2.1")).await;
    let (unknown, _, unknown_body) = h.send(lookup("no-such-invite", "192.0.2.1")).await;
    assert_eq!((used, &used_body), (StatusCode::NOT_FOUND, &unknown_body), "used and unknown invites differ");
    assert_eq!(unknown, StatusCode::NOT_FOUND);
    // Guessing from one source soon meets its limit; another source is not affected.
    let statuses: Vec<StatusCode> = {
        let mut v = Vec::new();
        for i in 0..12 {
            v.push(h.status(lookup(&format!("guess-{i}"), "192.0.2.2")).await);
        }
        v
    };
    assert_eq!(statuses.last(), Some(&StatusCode::TOO_MANY_REQUESTS), "{statuses:?}");
    assert_eq!(h.status(lookup("guess", "192.0.2.3")).await, StatusCode::NOT_FOUND);
    // The label reaches the clinician it was given to, as given.
    let labels = |c: &Clinician| {
        let req = c.req("GET", "/v1/clients", vec![]);
        async move {
            let l: ClientList = h.json(req, StatusCode::OK).await;
            l.clients.into_iter().map(|c| (c.device_id, c.label.map(|b| b.0))).collect::<Vec<_>>()
        }
    };
    assert_eq!(labels(&clin).await, [(dev.id(), Some(b"sealed: Sam".to_vec()))]);
    assert!(labels(&other).await.is_empty());
    let set = |clinician_id: &str, label: Option<Vec<u8>>| {
        let body = serde_json::to_vec(&SetLabel { clinician_id: clinician_id.into(), label: label.map(B64) }).unwrap();
        dev.req("PUT", "/v1/devices/me/label", body)
    };
    assert_eq!(h.status(set(&clin.account.id, Some(b"sealed: S.".to_vec()))).await, StatusCode::NO_CONTENT);
    assert_eq!(labels(&clin).await, [(dev.id(), Some(b"sealed: S.".to_vec()))]);
    assert_eq!(h.status(set(&other.account.id, Some(b"x".to_vec()))).await, StatusCode::FORBIDDEN);
    assert_eq!(h.status(set(&clin.account.id, Some(vec![0; MAX_SEALED_LABEL + 1]))).await, StatusCode::BAD_REQUEST);
    assert_eq!(h.status(set(&clin.account.id, None)).await, StatusCode::NO_CONTENT);
    assert_eq!(labels(&clin).await, [(dev.id(), None)]);
    assert!(labels(&other).await.is_empty());
}
