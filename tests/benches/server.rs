//! Sync-server load benchmark: 1,000 simulated devices on loopback, each appending sealed
//! chunks to its own share and pulling them back, against the server on SQLite (durable group
//! commit) and on PostgreSQL, each as a ratio to a baseline measured in the same run with the
//! same client, concurrency and body sizes: a trivial endpoint that verifies each request's
//! Ed25519 signature (the authentication every real request pays) and does nothing else.
//!
//! `cargo run --release -p companion-tests --bin bench -- server [--quick]`
//! PostgreSQL runs when COMPANION_TEST_POSTGRES_URL is set.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::{HeaderMap, Request, StatusCode};
use axum::response::IntoResponse;
use companion_core::protocol::device::{
    self, SignedRequest, HEADER_DEVICE, HEADER_NONCE, HEADER_SIGNATURE, HEADER_TIMESTAMP,
};
use companion_core::protocol::wire::*;
use companion_core::protocol::{self, opaque, ChunkId, ChunkKind, DeviceKey, RecipientSecret, ShareId, ShareKey};
use companion_server::{router, ApiConfig, AppState};
use companion_tests::stats::{fmt, percentile};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use tokio::sync::Semaphore;

type Http = Client<HttpConnector, Full<Bytes>>;

const DEVICES: usize = 1000;
/// Requests in flight at once (a phone fleet never has all devices talking at the same instant).
const IN_FLIGHT: usize = 200;

fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

async fn send(http: &Http, req: Request<Full<Bytes>>) -> (StatusCode, Bytes) {
    let resp = http.request(req).await.expect("request");
    let s = resp.status();
    (s, resp.into_body().collect().await.expect("body").to_bytes())
}

fn json_req(method: &str, url: &str, body: Vec<u8>, headers: &[(&str, String)]) -> Request<Full<Bytes>> {
    let mut b = Request::builder().method(method).uri(url).header("content-type", "application/json");
    for (k, v) in headers {
        b = b.header(*k, v.as_str());
    }
    b.body(Full::new(Bytes::from(body))).expect("request")
}

fn signed(key: &DeviceKey, method: &str, base: &str, path: &str, body: Vec<u8>) -> Request<Full<Bytes>> {
    let s = key.sign_request(method, path, now_ms(), &body).expect("sign");
    let headers: Vec<(&str, String)> = s.headers(&key.id()).into_iter().collect();
    json_req(method, &format!("{base}{path}"), body, &headers)
}

async fn serve(app: axum::Router) -> String {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = l.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(l, app).await;
    });
    format!("http://{addr}")
}

/// One request a simulated device will send: it signs it when it sends it, as a phone does.
struct Spec {
    method: &'static str,
    base: String,
    path: String,
    body: Vec<u8>,
}

/// One device's workload: (append, pull) pairs, and its key.
struct Work {
    key: Arc<DeviceKey>,
    requests: Vec<Spec>,
}

/// Register a clinician, then `devices` devices each with one share; return each device's
/// pre-built requests for `rounds` rounds of append + pull.
async fn setup(state: &Arc<AppState>, base: &str, http: &Http, devices: usize, rounds: usize) -> Vec<Work> {
    let (_, token) =
        companion_server::api::clinicians_admin::create_clinic(state, "Bench Clinic").await.expect("clinic");
    let email = "bench@clinic.invalid";
    let pass = b"bench passphrase, not for real use";
    let post = |path: &str, body: Vec<u8>| json_req("POST", &format!("{base}{path}"), body, &[]);
    let (reg, request) = opaque::client_start_registration(pass).expect("opaque");
    let start = RegistrationStart { invite_token: token.clone(), email: email.into(), request: B64(request) };
    let (_, b) = send(http, post("/v1/clinicians/register/start", serde_json::to_vec(&start).expect("json"))).await;
    let started: RegistrationStarted = serde_json::from_slice(&b).expect("registration response");
    let (upload, wrap) = opaque::client_finish_registration(reg, pass, &started.response.0, email).expect("opaque");
    let secret = RecipientSecret::generate().expect("key");
    let reg = RegisterClinician {
        invite_token: token,
        email: email.into(),
        display_name: "Dr Bench Example".into(),
        upload: B64(upload),
        public_key: B64(secret.public().0.to_vec()),
        wrapped_private_key: B64(protocol::wrap_recipient_secret(&wrap, email, &secret).expect("wrap")),
    };
    let (s, _) = send(http, post("/v1/clinicians", serde_json::to_vec(&reg).expect("json"))).await;
    assert_eq!(s, StatusCode::CREATED);
    let (login, request) = opaque::client_start_login(pass).expect("opaque");
    let start = LoginStart { email: email.into(), request: B64(request), ticket: None };
    let (_, b) = send(http, post("/v1/sessions/start", serde_json::to_vec(&start).expect("json"))).await;
    let started: LoginStarted = serde_json::from_slice(&b).expect("login response");
    let done = opaque::client_finish_login(login, pass, &started.response.0, email).expect("login");
    let finish = LoginFinish { login_id: started.login_id, finalization: B64(done.finalization) };
    let (_, b) = send(http, post("/v1/sessions/finish", serde_json::to_vec(&finish).expect("json"))).await;
    let session: LoginResponse = serde_json::from_slice(&b).expect("login");
    let bearer = [("authorization", format!("Bearer {}", session.token))];
    let sem = Arc::new(Semaphore::new(IN_FLIGHT));
    let mut tasks = Vec::new();
    for _ in 0..devices {
        let (http, base, bearer, sem) = (http.clone(), base.to_string(), bearer.clone(), Arc::clone(&sem));
        tasks.push(tokio::spawn(async move {
            let _permit = sem.acquire_owned().await.expect("permit");
            let (_, b) = send(&http, json_req("POST", &format!("{base}/v1/invites"), vec![], &bearer)).await;
            let inv: InviteResponse = serde_json::from_slice(&b).expect("invite");
            let invite = protocol::Invite::parse(&inv.invite).expect("parse");
            let key = DeviceKey::generate().expect("device key");
            let body = serde_json::to_vec(&RegisterDevice {
                invite_token: invite.token,
                public_key: B64(key.public_key().to_vec()),
                label: None,
            })
            .expect("json");
            let (s, b) = send(&http, signed(&key, "POST", &base, "/v1/devices", body)).await;
            assert_eq!(s, StatusCode::CREATED);
            let reg: DeviceRegistered = serde_json::from_slice(&b).expect("registered");
            let pk = protocol::RecipientPublic(reg.recipient.public_key.0.as_slice().try_into().expect("pk"));
            let share = ShareId::random().expect("id");
            let sk = ShareKey::generate().expect("key");
            let cs = CreateShare {
                share_id: share,
                recipient: reg.recipient.clinician_id,
                wrapped_key: B64(protocol::wrap_share_key(&pk, &share, &sk).expect("wrap")),
                recipient_may_append: false,
            };
            let (s, _) =
                send(&http, signed(&key, "POST", &base, "/v1/shares", serde_json::to_vec(&cs).expect("json"))).await;
            assert_eq!(s, StatusCode::CREATED);
            Work { requests: specs(&base, &share, &sk, rounds), key: Arc::new(key) }
        }));
    }
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.expect("setup task"));
    }
    out
}

fn specs(base: &str, share: &ShareId, sk: &ShareKey, rounds: usize) -> Vec<Spec> {
    let path = format!("/v1/shares/{share}/chunks");
    let mut out = Vec::new();
    for r in 0..rounds {
        let payload = vec![(r % 251) as u8; 512];
        let sealed = protocol::seal_chunk(sk, share, ChunkKind::Change, ChunkId::random().expect("id"), 0, &payload)
            .expect("seal");
        let body = serde_json::to_vec(&AppendChunk { chunk: B64(sealed) }).expect("json");
        out.push(Spec { method: "POST", base: base.to_string(), path: path.clone(), body });
        out.push(Spec { method: "GET", base: base.to_string(), path: format!("{path}?after={r}"), body: vec![] });
    }
    out
}

/// Run every device's requests (each device in order), `IN_FLIGHT` at a time overall.
async fn load(http: &Http, work: Vec<Work>) -> (Duration, Vec<Duration>) {
    let sem = Arc::new(Semaphore::new(IN_FLIGHT));
    let start = Instant::now();
    let mut tasks = Vec::new();
    for w in work {
        let (http, sem) = (http.clone(), Arc::clone(&sem));
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::with_capacity(w.requests.len());
            for spec in w.requests {
                let _permit = sem.acquire().await.expect("permit");
                let t = Instant::now();
                let req = signed(&w.key, spec.method, &spec.base, &spec.path, spec.body);
                let (s, _) = send(&http, req).await;
                assert!(s.is_success(), "status {s}");
                lat.push(t.elapsed());
            }
            lat
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.expect("load task"));
    }
    (start.elapsed(), all)
}

/// Device public keys the baseline endpoint knows, by device id.
type KnownDevices = Arc<std::collections::HashMap<String, [u8; 32]>>;

/// The baseline's one job: check the request's Ed25519 signature against the device's key, as
/// every real request must (no freshness, replay, storage or audit work).
fn signature_verifies(
    devices: &KnownDevices,
    method: &str,
    uri: &axum::http::Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> bool {
    let get = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let (Some(id), Some(ts), Some(nonce), Some(sig)) =
        (get(HEADER_DEVICE), get(HEADER_TIMESTAMP), get(HEADER_NONCE), get(HEADER_SIGNATURE))
    else {
        return false;
    };
    let Ok(req) = SignedRequest::from_headers(ts, nonce, sig) else { return false };
    let path = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    devices.get(id).is_some_and(|key| device::verify_request(key, method, path, body, &req))
}

/// The baseline: the same request shapes, answered after verifying the request's signature
/// and nothing else.
async fn baseline(http: &Http, devices: usize, rounds: usize) -> Phase {
    let keys: Vec<DeviceKey> = (0..devices).map(|_| DeviceKey::generate().expect("key")).collect();
    let known: KnownDevices = Arc::new(keys.iter().map(|k| (k.id(), k.public_key())).collect());
    let (for_post, for_get) = (Arc::clone(&known), known);
    let app = axum::Router::new().route(
        "/v1/shares/{id}/chunks",
        axum::routing::post(move |uri: axum::http::Uri, headers: HeaderMap, body: Bytes| async move {
            if !signature_verifies(&for_post, "POST", &uri, &headers, &body) {
                return StatusCode::UNAUTHORIZED.into_response();
            }
            (StatusCode::CREATED, axum::Json(Appended { seq: 1, created: true })).into_response()
        })
        .get(move |uri: axum::http::Uri, headers: HeaderMap| async move {
            if !signature_verifies(&for_get, "GET", &uri, &headers, b"") {
                return StatusCode::UNAUTHORIZED.into_response();
            }
            axum::Json(PullResponse { snapshot: None, chunks: vec![], last_seq: 1, more: false }).into_response()
        }),
    );
    let base = serve(app).await;
    let work = keys
        .into_iter()
        .map(|key| {
            let share = ShareId::random().expect("id");
            let sk = ShareKey::generate().expect("key");
            Work { key: Arc::new(key), requests: specs(&base, &share, &sk, rounds) }
        })
        .collect();
    measured(http, work).await
}

/// Serve a companion server on `db`, register the devices, and measure their load.
async fn server_phase(http: &Http, db: companion_server::Db, devices: usize, rounds: usize) -> Phase {
    let state = AppState::new(db, ApiConfig { rate_per_sec: 1e6, rate_burst: 1e6, ..ApiConfig::default() })
        .await
        .expect("state");
    let base = serve(router(Arc::clone(&state))).await;
    let work = setup(&state, &base, http, devices, rounds).await;
    measured(http, work).await
}

/// CPU time (user + system) this process has used so far, all threads; `None` if the
/// system would not say.
fn cpu_time() -> Option<Duration> {
    // SAFETY: getrusage only writes the struct we hand it.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut ru) } != 0 {
        return None;
    }
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, (t.tv_usec as u32) * 1000);
    Some(tv(ru.ru_utime) + tv(ru.ru_stime))
}

/// Bytes this process has caused to be written to storage so far (Linux `/proc/self/io`,
/// `write_bytes`); `None` elsewhere.
fn disk_written() -> Option<u64> {
    let io = std::fs::read_to_string("/proc/self/io").ok()?;
    io.lines().find_map(|l| l.strip_prefix("write_bytes:")).and_then(|v| v.trim().parse().ok())
}

/// One measured load phase: wall time, per-request latencies, CPU used (client and server),
/// bytes written to storage.
struct Phase {
    took: Duration,
    lat: Vec<Duration>,
    cpu: Option<Duration>,
    written: Option<u64>,
}

async fn measured(http: &Http, work: Vec<Work>) -> Phase {
    let (cpu0, w0) = (cpu_time(), disk_written());
    let (took, lat) = load(http, work).await;
    let cpu = cpu0.zip(cpu_time()).map(|(a, b)| b.saturating_sub(a));
    let written = w0.zip(disk_written()).map(|(a, b)| b.saturating_sub(a));
    Phase { took, lat, cpu, written }
}

fn row(name: &str, n: usize, p: &Phase, base_rate: Option<f64>) -> f64 {
    let rate = n as f64 / p.took.as_secs_f64();
    let ratio = base_rate.map(|b| format!("**{:.2}×**", rate / b)).unwrap_or_else(|| "1.00×".into());
    let cpu = match p.cpu {
        Some(c) => {
            format!("{:.0} µs ({:.2} cores)", c.as_secs_f64() * 1e6 / n as f64, c.as_secs_f64() / p.took.as_secs_f64())
        }
        None => "(not measured)".into(),
    };
    let written = match p.written {
        Some(b) => format!("{:.1} KiB", b as f64 / 1024.0 / n as f64),
        None => "(not measured)".into(),
    };
    println!(
        "| {name} | {:.0} | {} | {} | {cpu} | {written} | {ratio} |",
        rate,
        fmt(percentile(&p.lat, 50.0)),
        fmt(percentile(&p.lat, 99.0))
    );
    rate
}

pub fn run(args: &[String]) {
    let quick = args.iter().any(|a| a == "--quick");
    let devices = if quick { 200 } else { DEVICES };
    let rounds = if quick { 2 } else { 5 };
    // The baseline's own rate swings by a third from one moment to the next on shared
    // cores, so the ratio is taken in several back-to-back pairs and the median pair reported.
    let trials = if quick { 1 } else { 3 };
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    rt.block_on(async move {
        let http: Http = Client::builder(TokioExecutor::new()).pool_max_idle_per_host(IN_FLIGHT).build_http();
        let n = devices * rounds * 2;
        let trial_words = if quick {
            "`--quick`: one small trial, a smoke run whose ratio is not comparable with full runs.".to_string()
        } else {
            format!(
                "{trials} trials, each measuring the baseline and then SQLite back to back; the table shows the \
                 trial with the median SQLite ratio, and PostgreSQL (one run, after them) against that trial's baseline."
            )
        };
        println!("## Sync server\n");
        println!(
            "Release build, client and server in one process on loopback (2 shared cores). {devices} simulated devices, \
             each with its own share, each doing {rounds} × (append a sealed 512-byte chunk, pull after it): {n} requests, at most \
             {IN_FLIGHT} in flight. Each device signs each request (Ed25519) when it sends it. The baseline verifies each signature \
             and answers at once; the server verifies every signature, refuses replays, audits every request; on SQLite it acknowledges an append only after its \
             group commit is fsync'd (`synchronous=FULL`). The CPU column counts this process only \
             (PostgreSQL's own processes are not in it); nor does the column of bytes written to disk per request. \
             {trial_words}\n"
        );
        println!(
            "| server | requests/s | p50 | p99 | CPU per request, bench process (client + server) | written to disk per request | ratio to baseline |"
        );
        println!("|---|---|---|---|---|---|---|");
        let mut pairs = Vec::new();
        let mut dirs = Vec::new();
        for _ in 0..trials {
            let base = baseline(&http, devices, rounds).await;
            let dir = tempfile::tempdir().expect("tempdir");
            let db = companion_server::open_db(None, dir.path()).await.expect("sqlite");
            let sqlite = server_phase(&http, db, devices, rounds).await;
            let ratio = base.took.as_secs_f64() / sqlite.took.as_secs_f64();
            pairs.push((ratio, base, sqlite));
            dirs.push(dir);
        }
        pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
        let ratios: Vec<String> = pairs.iter().map(|p| format!("{:.2}×", p.0)).collect();
        let (_, base, sqlite) = &pairs[pairs.len() / 2];
        let base_rate = row("baseline: axum endpoint that only verifies the signature", n, base, None);
        row("companion-server, SQLite (target ≥ 0.5)", n, sqlite, Some(base_rate));

        if let Ok(url) = std::env::var("COMPANION_TEST_POSTGRES_URL") {
            let scoped = fresh_schema(&url).await;
            let db = companion_server::open_db(Some(&scoped), std::path::Path::new("/nonexistent")).await.expect("postgres");
            let mut p = server_phase(&http, db, devices, rounds).await;
            // PostgreSQL's own processes do the writing; this process's count says nothing.
            p.written = None;
            row("companion-server, PostgreSQL 15", n, &p, Some(base_rate));
        } else {
            println!("| companion-server, PostgreSQL | (not run: COMPANION_TEST_POSTGRES_URL unset) | | | | | |");
        }
        println!("\nSQLite ratio in each trial, lowest first: {}.\n", ratios.join(", "));
        // The trials' servers run to the end of the bench; their files go with it.
        drop(dirs);
    });
}

async fn fresh_schema(url: &str) -> String {
    let schema = format!("bench_{}", now_ms());
    let (client, conn) = tokio_postgres_connect(url).await;
    tokio::spawn(conn);
    client.batch_execute(&format!("CREATE SCHEMA {schema}")).await.expect("schema");
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}options=-csearch_path%3D{schema}")
}

async fn tokio_postgres_connect(
    url: &str,
) -> (tokio_postgres::Client, tokio_postgres::Connection<tokio_postgres::Socket, tokio_postgres::tls::NoTlsStream>) {
    tokio_postgres::connect(url, tokio_postgres::NoTls).await.expect("connect")
}
