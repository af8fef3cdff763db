//! The integration suite, run against SQLite and against PostgreSQL: the same test
//! functions, one `#[tokio::test]` per backend.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::*;
use companion_core::protocol::wire::*;
use companion_core::protocol::{self, b64, opaque, ChunkKind, ShareId};

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
);

/// Pair, share, append, pull as the clinician, open everything with the unwrapped key.
async fn end_to_end_share_flow(h: &Harness) {
    let clin = h.clinician("dr.example@clinic.invalid").await;
    let invite = clin.invite(h).await;
    let mut dev = Device::new();
    dev.pair(h, &invite).await;
    let (share, key) = dev.share(h).await;
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
    // The clinician may append too (suggested plan edits); the device pulls it.
    let (_, body) = change(&k, &share, b"suggestion");
    let a: Appended = h.json(clin.req("POST", &chunks_path(&share), body), StatusCode::CREATED).await;
    assert_eq!(a.seq, 4);
    let p: PullResponse =
        h.json(dev.req("GET", &format!("{}?after=3", chunks_path(&share)), vec![]), StatusCode::OK).await;
    assert_eq!(p.chunks.len(), 1);
    assert_eq!(&protocol::open_chunk(&key, &share, &p.chunks[0].data.0).unwrap().1[..], b"suggestion");
    // The device's own list.
    let l: ShareList = h.json(dev.req("GET", "/v1/shares", vec![]), StatusCode::OK).await;
    assert_eq!(l.shares.len(), 1);
    // Health and metrics.
    assert_eq!(h.status(Request::get("/healthz").body(Body::empty()).unwrap()).await, StatusCode::OK);
    let (_, _, m) = h.send(Request::get("/metrics").body(Body::empty()).unwrap()).await;
    let m = String::from_utf8(m).unwrap();
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
    for (table, v) in all_values(h).await {
        for f in &forms {
            assert!(!contains(&v, f), "table {table} still holds the erased share's id");
        }
    }
    // Re-uploading, re-creating or pulling the id is refused.
    let (_, body) = change(&key, &share, b"again");
    assert_eq!(h.status(dev.req("POST", &chunks_path(&share), body)).await, StatusCode::GONE);
    let wrapped = protocol::wrap_share_key(&clin.secret.public(), &share, &key).unwrap();
    let cs = serde_json::to_vec(&CreateShare {
        share_id: share,
        recipient: clin.account.id.clone(),
        wrapped_key: B64(wrapped),
    })
    .unwrap();
    assert_eq!(h.status(dev.req("POST", "/v1/shares", cs)).await, StatusCode::GONE);
    assert!(clin.shares(h).await.is_empty());
}

async fn stored_bytes_hold_no_plaintext(h: &Harness) {
    let clin = h.clinician("canary@clinic.invalid").await;
    let mut dev = Device::new();
    dev.pair(h, &clin.invite(h).await).await;
    let (share, key) = dev.share(h).await;
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
