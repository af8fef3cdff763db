//! Property-based fuzzing of every decoder the server exposes: request bodies of every
//! endpoint, sealed-chunk headers, signature headers, share ids in paths, query strings, and
//! (on the client side of the protocol) invites. Each runs for `COMPANION_FUZZ_SECONDS`
//! seconds (CI: 60; default 3). Every input must be refused with a 4xx, never a 5xx or a
//! panic, and nothing stored may change.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::*;
use companion_core::protocol::wire::*;
use companion_core::protocol::{self, b64, ShareId};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;

fn budget() -> Duration {
    let secs = std::env::var("COMPANION_FUZZ_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(3u64);
    Duration::from_secs(secs)
}

/// Row counts of the tables whose contents a refused request must not change.
async fn state_counts(h: &Harness) -> Vec<(String, usize)> {
    let mut out: Vec<(String, usize)> = h
        .state
        .db
        .dump_tables()
        .await
        .unwrap()
        .into_iter()
        .filter(|t| !matches!(t.table.as_str(), "audit" | "nonces"))
        .map(|t| (t.table, t.values.len()))
        .collect();
    out.sort();
    out
}

/// Run `strategy` for the time budget, feeding each value to `check`.
async fn fuzz<S: Strategy>(name: &str, strategy: S, mut check: impl AsyncFnMut(S::Value)) {
    let mut runner = TestRunner::deterministic();
    let deadline = Instant::now() + budget();
    let mut n = 0u64;
    while Instant::now() < deadline {
        let value = strategy.new_tree(&mut runner).unwrap().current();
        check(value).await;
        n += 1;
    }
    eprintln!("fuzzed {name}: {n} inputs in {:?}", budget());
    assert!(n > 0);
}

fn refused(status: StatusCode, what: &str) {
    assert!(status.is_client_error(), "{what}: got {status}");
}

/// Arbitrary bytes, JSON-looking text, and structurally valid JSON with wrong values.
fn bodies() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..512),
        "\\PC{0,256}".prop_map(|s| s.into_bytes()),
        "\\{(\"[a-z_]{1,16}\": ?(\"[A-Za-z0-9_!-]{0,80}\"|[0-9]{1,20}|null|true|\\[\\]|\\{\\}), ?){0,6}\\}"
            .prop_map(|s| s.into_bytes()),
    ]
}

/// Sealed-chunk-like byte strings that are never valid change chunks (bad version, kind,
/// coverage, or too short), wrapped in a well-formed append body.
fn bad_chunks() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..54),
        (2u8..=255, proptest::collection::vec(any::<u8>(), 53..300)).prop_map(|(v, mut rest)| {
            rest.insert(0, v);
            rest
        }),
        (3u8..=255, proptest::collection::vec(any::<u8>(), 52..300)).prop_map(|(k, mut rest)| {
            rest.insert(0, k);
            rest.insert(0, 1);
            rest
        }),
        (proptest::collection::vec(any::<u8>(), 16), 1u64.., proptest::collection::vec(any::<u8>(), 28..200)).prop_map(
            |(id, cov, tail)| {
                let mut v = vec![1u8, 1];
                v.extend(id);
                v.extend(cov.to_be_bytes());
                v.extend(tail);
                v
            }
        ),
    ]
    .prop_map(|chunk| serde_json::to_vec(&AppendChunk { chunk: B64(chunk) }).unwrap())
}

struct World {
    h: Harness,
    dev: Device,
    clin: Clinician,
    share: ShareId,
}

async fn world() -> World {
    let h = Harness::sqlite().await;
    let clin = h.clinician("fuzz@clinic.invalid").await;
    let mut dev = Device::new();
    dev.pair(&h, &clin.invite(&h).await).await;
    let (share, key) = dev.share(&h).await;
    let (_, body) = change(&key, &share, b"baseline");
    let _: Appended = h.json(dev.req("POST", &chunks_path(&share), body), StatusCode::CREATED).await;
    World { h, dev, clin, share }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_bodies_of_every_endpoint() {
    let w = world().await;
    let before = state_counts(&w.h).await;
    let endpoints: Vec<(&str, String, bool)> = vec![
        ("POST", "/v1/clinicians/prelogin".into(), false),
        ("POST", "/v1/clinicians".into(), false),
        ("POST", "/v1/sessions".into(), false),
        ("POST", "/v1/clinicians/register/start".into(), false),
        ("POST", "/v1/sessions/start".into(), false),
        ("POST", "/v1/invites/lookup".into(), false),
        ("POST", "/v1/devices".into(), true),
        ("PUT", "/v1/devices/me/label".into(), true),
        ("POST", "/v1/shares".into(), true),
        ("POST", chunks_path(&w.share), true),
        ("PUT", format!("/v1/shares/{}/snapshot", w.share), true),
    ];
    fuzz("request bodies", (0..endpoints.len(), bodies()), async |(i, body)| {
        let (method, path, signed) = &endpoints[i];
        let req = if *signed {
            w.dev.req(method, path, body)
        } else {
            Request::builder()
                .method(*method)
                .uri(path.as_str())
                .header("content-type", "application/json")
                .body(Body::from(body))
                .unwrap()
        };
        let (s, _, _) = w.h.send(req).await;
        // Prelogin answers any well-formed email with a (possibly fake) salt.
        if s == StatusCode::OK && i == 0 {
            return;
        }
        refused(s, path);
    })
    .await;
    assert_eq!(state_counts(&w.h).await, before, "a refused request changed stored state");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sealed_chunk_headers() {
    let w = world().await;
    let before = state_counts(&w.h).await;
    let path = chunks_path(&w.share);
    fuzz("chunk headers", bad_chunks(), async |body| {
        let (s, _, _) = w.h.send(w.dev.req("POST", &path, body)).await;
        refused(s, "append");
    })
    .await;
    fuzz("chunk headers (raw parser)", proptest::collection::vec(any::<u8>(), 0..300), async |bytes| {
        let _ = protocol::parse_chunk_header(&bytes);
    })
    .await;
    assert_eq!(state_counts(&w.h).await, before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signature_headers() {
    let w = world().await;
    let before = state_counts(&w.h).await;
    let path = chunks_path(&w.share);
    let (_, body) = change(&protocol::ShareKey::generate().unwrap(), &w.share, b"x");
    let field = || prop_oneof!["\\PC{0,120}", "[A-Za-z0-9_-]{0,100}", "[0-9]{0,20}"];
    fuzz(
        "signature headers",
        (field(), field(), field(), field(), any::<bool>()),
        async |(dev, ts, nonce, sig, real_dev)| {
            let device = if real_dev { w.dev.id() } else { dev };
            let mut b = Request::post(path.as_str()).header("content-type", "application/json");
            for (k, v) in [
                ("x-companion-device", device),
                ("x-companion-timestamp", ts),
                ("x-companion-nonce", nonce),
                ("x-companion-signature", sig),
            ] {
                if let Ok(hv) = axum::http::HeaderValue::from_str(&v) {
                    b = b.header(k, hv);
                }
            }
            let (s, _, _) = w.h.send(b.body(Body::from(body.clone())).unwrap()).await;
            refused(s, "signature headers");
        },
    )
    .await;
    fuzz("signature headers (raw parser)", ("\\PC{0,40}", "\\PC{0,40}", "\\PC{0,120}"), async |(t, n, s)| {
        let _ = protocol::SignedRequest::from_headers(&t, &n, &s);
    })
    .await;
    assert_eq!(state_counts(&w.h).await, before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paths_queries_sessions_and_invites() {
    let w = world().await;
    let before = state_counts(&w.h).await;
    let real = w.share.to_string();
    fuzz("share ids and pull queries", ("[A-Za-z0-9_%.-]{0,40}", "\\PC{0,60}"), async |(id, query)| {
        let q: String = query.chars().filter(|c| !c.is_whitespace() && !c.is_control() && *c != '#').collect();
        let path = format!("/v1/shares/{id}/chunks?{q}");
        let Ok(uri) = path.parse::<axum::http::Uri>() else { return };
        let req = w.dev.req("GET", uri.path_and_query().map(|p| p.as_str()).unwrap_or("/"), vec![]);
        let (s, _, _) = w.h.send(req).await;
        if id == real && s == StatusCode::OK {
            return; // a valid query on the real share
        }
        assert!(s.is_client_error() || s == StatusCode::OK, "pull: {s}");
        assert!(!s.is_server_error());
    })
    .await;
    fuzz("session tokens", "\\PC{0,200}", async |token| {
        let Ok(v) = axum::http::HeaderValue::from_str(&format!("Bearer {token}")) else { return };
        let req = Request::get("/v1/me").header("authorization", v).body(Body::empty()).unwrap();
        refused(w.h.send(req).await.0, "session");
    })
    .await;
    fuzz(
        "invites (client decoder)",
        prop_oneof!["\\PC{0,300}", "companion-invite:1:[A-Za-z0-9_-]{0,400}"],
        async |text| {
            if let Ok(inv) = protocol::Invite::parse(&text) {
                // Anything accepted must re-encode to something that parses back the same.
                assert_eq!(protocol::Invite::parse(&inv.encode().unwrap()).unwrap(), inv);
            }
        },
    )
    .await;
    let _ = (&w.clin, b64(b""));
    assert_eq!(state_counts(&w.h).await, before);
}
