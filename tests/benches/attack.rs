//! Attack benchmark: how the sync server answers while it is attacked, each figure as a ratio
//! to the same measurement without the attack, in the same run.
//!
//! The server runs as `companion-server serve` does (its connection layer with the default
//! timeouts, a cap of 256 connections, 64 per source address) on its own two-thread runtime, with SQLite. Measured in
//! each phase: `/healthz` on a fresh connection each time (as a load balancer's probe), and the
//! real clinician's whole login with the ticket of the one before (OPAQUE, with the client's
//! Argon2id). Phases:
//!
//! 1. quiet (the baseline);
//! 2. a connection flood from one address: 1,000 connections (four times the cap), half idle,
//!    half sending a request head a byte a second (slowloris), each reopened as soon as the
//!    server closes it;
//! 3. a login flood: 64 attackers sending unauthenticated login starts for the clinician's
//!    email as fast as they are answered, each naming a new source address (the server takes
//!    the source from a proxy header here, as behind a load balancer).
//!
//! `cargo run --release -p companion-tests --bin bench -- attack [--quick]`

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use companion_core::protocol::opaque;
use companion_core::protocol::wire::{LoginStart, B64};
use companion_server::serve::{serve, ConnLimits, ConnStats};
use companion_server::{open_db, router, ApiConfig, AppState};
use companion_tests::stats::{fmt, percentile};
use http_body_util::Full;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use companion_tests::server::{json_req, login, register_clinician, Http, EMAIL};

/// The header the bench's server takes a request's source from (as behind a proxy), so the
/// login flood can come from many addresses, as a botnet's does.
const SOURCE_HEADER: &str = "x-bench-source";
const CAP: usize = 256;
/// The attackers' own address (the probes and the clinician use 127.0.0.1).
const ATTACKER: &str = "127.0.0.2";
const FLOOD_CONNECTIONS: usize = 1000;
const LOGIN_ATTACKERS: usize = 64;
/// A probe that takes longer than this counts as unanswered.
const PROBE_WAIT: Duration = Duration::from_secs(5);

/// The server under attack, on its own runtime.
struct Target {
    base: String,
    addr: String,
    state: Arc<AppState>,
    conns: Arc<ConnStats>,
    _dir: tempfile::TempDir,
    runtime: tokio::runtime::Runtime,
}

fn start_target() -> Target {
    let dir = tempfile::tempdir().expect("tempdir");
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let conns = Arc::new(ConnStats::default());
    let (base, addr, state) = runtime.block_on(async {
        let db = open_db(None, dir.path()).await.expect("db");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr").to_string();
        let base = format!("http://{addr}");
        let config = ApiConfig {
            public_url: base.clone(),
            client_ip_header: Some(SOURCE_HEADER.into()),
            ..ApiConfig::default()
        };
        let state = AppState::new(db, config).await.expect("state");
        let limits = ConnLimits { max_connections: CAP, ..ConnLimits::default() };
        tokio::spawn(serve(
            listener,
            None,
            router(Arc::clone(&state)),
            limits,
            Arc::clone(&conns),
            std::future::pending(),
        ));
        (base, addr, state)
    });
    Target { base, addr, state, conns, _dir: dir, runtime }
}

/// One `/healthz` on a fresh connection: how long it took, or `None` when no answer came.
async fn probe(addr: &str) -> Option<Duration> {
    let started = Instant::now();
    let attempt = async {
        let mut s = TcpStream::connect(addr).await.ok()?;
        s.write_all(b"GET /healthz HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n").await.ok()?;
        let mut out = Vec::new();
        s.read_to_end(&mut out).await.ok()?;
        out.starts_with(b"HTTP/1.1 200").then_some(())
    };
    tokio::time::timeout(PROBE_WAIT, attempt).await.ok().flatten().map(|_| started.elapsed())
}

/// What one phase measured.
struct Measured {
    probes: Vec<Duration>,
    unanswered: usize,
    logins: Vec<Duration>,
    refused_logins: usize,
}

/// Probe, then log in `logins` times, each time with the ticket of the login before (as the
/// clinician's side keeps the newest); `ticket` is updated.
async fn measure(target: &Target, http: &Http, ticket: &mut String, probes: usize, logins: usize) -> Measured {
    let mut m = Measured { probes: Vec::new(), unanswered: 0, logins: Vec::new(), refused_logins: 0 };
    for _ in 0..probes {
        match probe(&target.addr).await {
            Some(d) => m.probes.push(d),
            None => m.unanswered += 1,
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    for _ in 0..logins {
        let started = Instant::now();
        match login(&target.base, http, Some(ticket)).await {
            Some(session) => {
                m.logins.push(started.elapsed());
                *ticket = session.ticket;
            }
            None => m.refused_logins += 1,
        }
    }
    m
}

/// A connection to `addr` from the local address `from`.
async fn connect_from(from: &str, addr: &str) -> std::io::Result<TcpStream> {
    let socket = tokio::net::TcpSocket::new_v4()?;
    socket.bind(format!("{from}:0").parse().map_err(std::io::Error::other)?)?;
    socket.connect(addr.parse().map_err(std::io::Error::other)?).await
}

/// Keep `n` hostile connections open until `stop`: even ones idle, odd ones sending a request
/// head a byte a second; each reopened when the server closes it.
fn connection_flood(addr: &str, n: usize, stop: &Arc<AtomicBool>, opened: &Arc<AtomicU64>) {
    for i in 0..n {
        let (addr, stop, opened) = (addr.to_string(), Arc::clone(stop), Arc::clone(opened));
        tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let Ok(mut s) = connect_from(ATTACKER, &addr).await else {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                };
                opened.fetch_add(1, Ordering::Relaxed);
                if i % 2 == 1 && s.write_all(b"GET /healthz HTTP/1.1\r\nHost: bench\r\nX-Slow: ").await.is_err() {
                    continue;
                }
                let mut buf = [0u8; 64];
                while !stop.load(Ordering::Relaxed) {
                    match tokio::time::timeout(Duration::from_secs(1), s.read(&mut buf)).await {
                        Ok(Ok(0)) | Ok(Err(_)) => break,
                        Ok(Ok(_)) => {}
                        Err(_) if i % 2 == 1 => {
                            if s.write_all(b"a").await.is_err() {
                                break;
                            }
                        }
                        Err(_) => {}
                    }
                }
            }
        });
    }
}

/// `LOGIN_ATTACKERS` tasks sending unauthenticated login starts for the clinician until
/// `stop`, from the attacker's address, each naming a new source in the proxy header; counts
/// the answers (a request the server dropped counts as refused).
fn login_flood(base: &str, stop: &Arc<AtomicBool>, sent: &Arc<AtomicU64>, limited: &Arc<AtomicU64>) {
    let mut connector = HttpConnector::new();
    connector.set_local_address(ATTACKER.parse().ok());
    let http: Http = Client::builder(TokioExecutor::new()).build(connector);
    for a in 0..LOGIN_ATTACKERS {
        let (base, http, stop, sent, limited) =
            (base.to_string(), http.clone(), Arc::clone(stop), Arc::clone(sent), Arc::clone(limited));
        tokio::spawn(async move {
            let mut n = 0u32;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                let (_, request) = opaque::client_start_login(b"a guess").expect("opaque");
                let body = LoginStart { email: EMAIL.into(), request: B64(request), ticket: None };
                let source = format!("10.{}.{}.{}", a, (n >> 8) & 0xff, n & 0xff);
                let url = format!("{base}/v1/sessions/start");
                let req = json_req("POST", &url, serde_json::to_vec(&body).expect("json"), &[(SOURCE_HEADER, source)]);
                let status = http.request(req).await.map(|r| r.status().as_u16()).unwrap_or(0);
                sent.fetch_add(1, Ordering::Relaxed);
                if matches!(status, 0 | 429 | 503) {
                    limited.fetch_add(1, Ordering::Relaxed);
                }
            }
        });
    }
}

fn row(name: &str, m: &Measured, base: Option<&Measured>) {
    let p50 = percentile(&m.probes, 50.0);
    let p99 = percentile(&m.probes, 99.0);
    let login = m.logins.iter().sum::<Duration>().checked_div(m.logins.len().max(1) as u32).unwrap_or_default();
    let ratio = |now: Duration, then: Duration| match base {
        Some(_) if then > Duration::ZERO => format!("**{:.2}×**", now.as_secs_f64() / then.as_secs_f64()),
        _ => "1.00×".into(),
    };
    let (base_p99, base_login) = base
        .map(|b| {
            let l = b.logins.iter().sum::<Duration>().checked_div(b.logins.len().max(1) as u32).unwrap_or_default();
            (percentile(&b.probes, 99.0), l)
        })
        .unwrap_or((p99, login));
    println!(
        "| {name} | {} | {} | {} | {} | {} | {} | {} |",
        fmt(p50),
        fmt(p99),
        ratio(p99, base_p99),
        m.unanswered,
        fmt(login),
        ratio(login, base_login),
        m.refused_logins
    );
}

pub fn run(args: &[String]) {
    let quick = args.iter().any(|a| a == "--quick");
    let (probes, logins) = if quick { (50, 1) } else { (300, 5) };
    let target = start_target();
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    rt.block_on(async {
        let http: Http = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
        let state = Arc::clone(&target.state);
        let mut ticket = register_clinician(&state, &target.base, &http).await.ticket;
        println!("## Sync server under attack\n");
        println!(
            "Client, attackers and server in one process on loopback (2 shared cores); the server on its own \
             2-thread runtime with its connection layer (cap {CAP}, 64 per source address, header 10 s, body 60 s, idle 30 s) and SQLite. \
             Each phase: {probes} `/healthz` probes on fresh connections, 10 ms apart, then {logins} logins of the real \
             clinician, each with the ticket of the login before (OPAQUE with the client's Argon2id, m = 64 MiB). \
             A probe unanswered within {} s counts as unanswered.{}\n",
            PROBE_WAIT.as_secs(),
            if quick { " `--quick`: a smoke run." } else { "" }
        );
        println!("| phase | healthz p50 | healthz p99 | p99 ratio | unanswered | login | login ratio | logins refused |");
        println!("|---|---|---|---|---|---|---|---|");
        let quiet = measure(&target, &http, &mut ticket, probes, logins).await;
        row("quiet (baseline)", &quiet, None);

        let stop = Arc::new(AtomicBool::new(false));
        let opened = Arc::new(AtomicU64::new(0));
        connection_flood(&target.addr, FLOOD_CONNECTIONS, &stop, &opened);
        tokio::time::sleep(Duration::from_secs(2)).await;
        let flooded = measure(&target, &http, &mut ticket, probes, logins).await;
        stop.store(true, Ordering::Relaxed);
        row(&format!("{FLOOD_CONNECTIONS} slow and idle connections from one address, reopened when closed"), &flooded, Some(&quiet));
        let flood_opened = opened.load(Ordering::Relaxed);
        let evicted = target.conns.evicted.load(Ordering::Relaxed);
        tokio::time::sleep(Duration::from_secs(2)).await;

        let stop = Arc::new(AtomicBool::new(false));
        let (sent, limited) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
        let flood_started = Instant::now();
        login_flood(&target.base, &stop, &sent, &limited);
        tokio::time::sleep(Duration::from_secs(2)).await;
        let login_flooded = measure(&target, &http, &mut ticket, probes, logins).await;
        stop.store(true, Ordering::Relaxed);
        let rate = sent.load(Ordering::Relaxed) as f64 / flood_started.elapsed().as_secs_f64();
        row(&format!("{LOGIN_ATTACKERS} unauthenticated login flooders"), &login_flooded, Some(&quiet));
        println!(
            "\nThe connection flood opened {flood_opened} connections; the server evicted {evicted} at its caps. \
             The login flood sent {rate:.0} login starts a second, {} of {} refused as limited (429), busy (503) or dropped.\n",
            limited.load(Ordering::Relaxed),
            sent.load(Ordering::Relaxed)
        );
    });
    rt.shutdown_background();
    target.runtime.shutdown_background();
}
