//! Tests against real `companion-server` processes: two processes on one PostgreSQL with eight
//! concurrent writers to one share, TLS, and the connection layer under slow, idle and
//! flooding clients.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use bytes_util::Full;
use common::*;
use companion_core::protocol::wire::*;
use companion_core::protocol::{self, ChunkId, ChunkKind};
use http_body_util::BodyExt;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

mod bytes_util {
    pub use http_body_util::Full;
}

/// A running server process; killed on drop.
struct Server {
    child: Child,
    base: String,
    /// Where its `/metrics` are served, when they are.
    metrics: Option<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(args: &[&str]) -> Server {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_companion-server"));
    cmd.args(args);
    spawn(cmd)
}

/// A server whose process may hold at most `nofile` file descriptors (as in a small
/// container), so that a flood of connections meets the limit a real deployment has.
fn start_with_fd_limit(nofile: u32, args: &[&str]) -> Server {
    let mut cmd = Command::new("sh");
    cmd.arg("-c").arg(format!("ulimit -n {nofile} && exec \"$0\" \"$@\"")).arg(env!("CARGO_BIN_EXE_companion-server"));
    cmd.args(args);
    spawn(cmd)
}

fn spawn(mut cmd: Command) -> Server {
    let mut child = cmd.env("RUST_LOG", "warn").stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut reader = BufReader::new(stdout);
    let (mut line, mut second) = (String::new(), String::new());
    reader.read_line(&mut line).unwrap();
    reader.read_line(&mut second).unwrap();
    // Keep draining what the server prints, so it never writes into a closed pipe.
    std::thread::spawn(move || {
        let mut sink = String::new();
        while reader.read_line(&mut sink).map(|n| n > 0).unwrap_or(false) {
            sink.clear();
        }
    });
    // "companion-server 0.1.0 listening on http://127.0.0.1:PORT (...)"
    let base = line
        .split_whitespace()
        .find(|w| w.starts_with("http://") || w.starts_with("https://"))
        .expect("address line")
        .to_string();
    // "  health:   .../healthz    metrics: http://127.0.0.1:PORT/metrics (this machine only)"
    let metrics = second.split_whitespace().find(|w| w.ends_with("/metrics")).map(str::to_string);
    Server { child, base, metrics }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_on_one_postgres_never_lose_or_duplicate_a_sequence_number() {
    let Some(url) = postgres_url() else { return };
    // Set up a clinician, a paired device and a share through one in-process server...
    let h = Harness::postgres(&url).await;
    let scoped = match &h.backend {
        Backend::Postgres(u) => u.clone(),
        Backend::Sqlite(_) => unreachable!(),
    };
    let clin = h.clinician("multi@clinic.invalid").await;
    let mut dev = Device::new();
    dev.pair(&h, &clin.invite(&h).await).await;
    let (share, key) = dev.share(&h).await;
    // ...then two separate server processes on the same database.
    let a = start(&["--database", &scoped, "serve", "--listen", "127.0.0.1:0", "--metrics-listen", "off"]);
    let b = start(&["--database", &scoped, "serve", "--listen", "127.0.0.1:0", "--metrics-listen", "off"]);
    let client: Client<_, Full<axum::body::Bytes>> = Client::builder(TokioExecutor::new()).build_http();
    let dev = Arc::new(dev);
    let key = Arc::new(key);
    const WRITERS: usize = 8;
    const EACH: usize = 40;
    let mut tasks = Vec::new();
    for w in 0..WRITERS {
        let (client, dev, key) = (client.clone(), Arc::clone(&dev), Arc::clone(&key));
        let bases = [a.base.clone(), b.base.clone()];
        tasks.push(tokio::spawn(async move {
            let mut got = Vec::new();
            for i in 0..EACH {
                let id = ChunkId::random().unwrap();
                let sealed =
                    protocol::seal_chunk(&key, &share, ChunkKind::Change, id, 0, format!("w{w} c{i}").as_bytes())
                        .unwrap();
                let body = serde_json::to_vec(&AppendChunk { chunk: B64(sealed) }).unwrap();
                let path = chunks_path(&share);
                // Every other request goes to the other process; some are retried on purpose.
                let base = &bases[(w + i) % 2];
                let attempts = if i % 7 == 0 { 2 } else { 1 };
                let mut seq = None;
                for _ in 0..attempts {
                    let signed = dev.key.sign_request("POST", &path, now_ms(), &body).unwrap();
                    let mut req =
                        axum::http::Request::post(format!("{base}{path}")).header("content-type", "application/json");
                    for (k, v) in signed.headers(&dev.id()) {
                        req = req.header(k, v);
                    }
                    let resp = client.request(req.body(Full::new(body.clone().into())).unwrap()).await.unwrap();
                    let status = resp.status();
                    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
                    assert!(status == StatusCode::CREATED || status == StatusCode::OK, "status {status}");
                    let a: Appended = serde_json::from_slice(&bytes).unwrap();
                    if let Some(s) = seq {
                        assert_eq!(s, a.seq, "a retried append got a new number");
                    }
                    seq = Some(a.seq);
                }
                got.push((id, seq.unwrap()));
            }
            got
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    let total = WRITERS * EACH;
    let seqs: HashSet<u64> = all.iter().map(|(_, s)| *s).collect();
    assert_eq!(seqs.len(), total, "two chunks got the same sequence number");
    assert_eq!(seqs, (1..=total as u64).collect::<HashSet<_>>(), "sequence numbers have gaps");
    // Every pull, from either process, sees all of them exactly once and in order.
    for base in [&a.base, &b.base] {
        let mut after = 0;
        let mut seen = Vec::new();
        loop {
            let path = format!("{}?after={after}&limit=1000", chunks_path(&share));
            let signed = dev.key.sign_request("GET", &path, now_ms(), b"").unwrap();
            let mut req = axum::http::Request::get(format!("{base}{path}"));
            for (k, v) in signed.headers(&dev.id()) {
                req = req.header(k, v);
            }
            let resp = client.request(req.body(Full::new(axum::body::Bytes::new())).unwrap()).await.unwrap();
            let p: PullResponse =
                serde_json::from_slice(&resp.into_body().collect().await.unwrap().to_bytes()).unwrap();
            for c in &p.chunks {
                let (hdr, _) = protocol::open_chunk(&key, &share, &c.data.0).unwrap();
                seen.push((hdr.chunk_id, c.seq));
            }
            after = p.chunks.last().map(|c| c.seq).unwrap_or(after);
            if !p.more {
                break;
            }
        }
        assert_eq!(seen.len(), total, "a pull from {base} missed or repeated chunks");
        assert!(seen.windows(2).all(|w| w[0].1 < w[1].1));
        let mut expected = all.clone();
        expected.sort_by_key(|(_, s)| *s);
        assert_eq!(seen, expected);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_is_served_and_plain_http_refused_off_loopback() {
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let dir = tempfile::tempdir().unwrap();
    let cert = fixtures.join("test-cert.pem");
    let ca = fixtures.join("test-ca.pem");
    let server = start(&[
        "--data-dir",
        dir.path().to_str().unwrap(),
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--tls-cert",
        cert.to_str().unwrap(),
        "--tls-key",
        fixtures.join("test-key.pem").to_str().unwrap(),
        "--metrics-listen",
        "off",
    ]);
    assert!(server.base.starts_with("https://"), "{}", server.base);
    let port = server.base.rsplit(':').next().unwrap().trim_end_matches('/').to_string();
    use rustls::pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    for c in rustls::pki_types::CertificateDer::pem_file_iter(&ca).unwrap() {
        roots.add(c.unwrap()).unwrap();
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let cfg = rustls::ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS12])
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(cfg));
    let tcp = tokio::net::TcpStream::connect(format!("127.0.0.1:{port}")).await.unwrap();
    let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
    let mut tls = connector.connect(name, tcp).await.expect("a TLS 1.2 handshake");
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    tls.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").await.unwrap();
    let mut resp = Vec::new();
    tls.read_to_end(&mut resp).await.unwrap();
    let text = String::from_utf8_lossy(&resp);
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    assert!(text.to_lowercase().contains("x-content-type-options: nosniff"));
    // Plain HTTP to the TLS port gets no HTTP answer.
    let mut plain = tokio::net::TcpStream::connect(format!("127.0.0.1:{port}")).await.unwrap();
    plain.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n").await.unwrap();
    let mut buf = Vec::new();
    let _ = tokio::time::timeout(std::time::Duration::from_secs(3), plain.read_to_end(&mut buf)).await;
    assert!(!String::from_utf8_lossy(&buf).contains("200 OK"));
    // Plain HTTP on a non-loopback address is refused at start.
    let out = Command::new(env!("CARGO_BIN_EXE_companion-server"))
        .args(["--data-dir", dir.path().to_str().unwrap(), "serve", "--listen", "0.0.0.0:0"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("refusing plain HTTP"));
}

// ----- connections that stay up ------------------------------------------------------------

/// The `host:port` of a server's base URL.
fn host_port(base: &str) -> String {
    base.trim_start_matches("http://").trim_end_matches('/').to_string()
}

/// Ask `url` (plain HTTP) with a fresh connection; the status line and body, or why none came
/// within `wait`.
fn get(url: &str, wait: Duration) -> Result<(String, String), String> {
    use std::io::{Read, Write};
    let rest = url.trim_start_matches("http://");
    let (addr, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let sock: std::net::SocketAddr = addr.parse().map_err(|e| format!("{addr}: {e}"))?;
    let mut s = TcpStream::connect_timeout(&sock, wait).map_err(|e| format!("connect: {e}"))?;
    s.set_read_timeout(Some(wait)).unwrap();
    s.write_all(format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").as_bytes())
        .map_err(|e| format!("write: {e}"))?;
    let mut out = Vec::new();
    s.read_to_end(&mut out).map_err(|e| format!("read: {e}"))?;
    let text = String::from_utf8_lossy(&out).to_string();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    Ok((head.lines().next().unwrap_or("").to_string(), body.to_string()))
}

/// Whether the server closes `s` within `wait` (reading gives end of stream or a reset),
/// while `trickle` keeps writing one byte every 200 ms if given.
fn closed_within(mut s: TcpStream, wait: Duration, trickle: Option<u8>) -> bool {
    use std::io::{Read, Write};
    let end = Instant::now() + wait;
    s.set_read_timeout(Some(Duration::from_millis(200))).unwrap();
    let mut buf = [0u8; 4096];
    while Instant::now() < end {
        match s.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => {}
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {}
            Err(_) => return true,
        }
        if let Some(b) = trickle {
            if s.write_all(&[b]).is_err() {
                return true;
            }
        }
    }
    false
}

fn connect(addr: &str) -> TcpStream {
    TcpStream::connect(addr).unwrap()
}

/// Idle connections, a request head or body sent a byte at a time (slowloris), and a
/// keep-alive connection left open after its answer are all closed by the server at their
/// timeouts (here 1 s; a connection still open after 15 s fails the test). On a server without
/// these timeouts every one of them stays open for as long as its client likes.
#[test]
fn slow_and_idle_connections_are_closed_at_their_timeouts() {
    use std::io::{Read, Write};
    let dir = tempfile::tempdir().unwrap();
    let server = start(&[
        "--data-dir",
        dir.path().to_str().unwrap(),
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--metrics-listen",
        "off",
        "--header-timeout-secs",
        "1",
        "--body-timeout-secs",
        "1",
        "--idle-timeout-secs",
        "1",
    ]);
    let addr = host_port(&server.base);
    let wait = Duration::from_secs(15);
    let slow = |first: &str| {
        let mut s = connect(&addr);
        s.write_all(first.as_bytes()).unwrap();
        s
    };
    let cases = vec![
        ("an idle connection", connect(&addr), None),
        ("a head arriving a byte at a time", slow("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: "), Some(b'a')),
        (
            "a body arriving a byte at a time",
            slow("POST /v1/devices HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"),
            Some(b' '),
        ),
    ];
    let handles: Vec<_> = cases
        .into_iter()
        .map(|(what, s, trickle)| std::thread::spawn(move || (what, closed_within(s, wait, trickle))))
        .collect();
    // A keep-alive connection gets its answer, then is closed once idle.
    let mut kept = connect(&addr);
    kept.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let mut first = [0u8; 12];
    kept.read_exact(&mut first).unwrap();
    assert_eq!(&first, b"HTTP/1.1 200");
    assert!(closed_within(kept, wait, None), "a keep-alive connection stayed open while idle");
    for h in handles {
        let (what, closed) = h.join().unwrap();
        assert!(closed, "{what} was left open");
    }
    // The server itself is fine.
    assert_eq!(get(&format!("{}/healthz", server.base), wait).unwrap().0, "HTTP/1.1 200 OK");
}

/// A flood of connections that send nothing or an unfinished request head, many more than the
/// process has file descriptors for, while no timeout has yet run out (600 s): `/healthz` still
/// answers, because at the cap each new connection evicts the one that has waited on its client
/// longest. Without the cap the server runs out of descriptors and answers nobody.
#[test]
fn a_connection_flood_does_not_stop_healthz() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let server = start_with_fd_limit(
        128,
        &[
            "--data-dir",
            dir.path().to_str().unwrap(),
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--metrics-listen",
            "127.0.0.1:0",
            "--max-connections",
            "64",
            "--header-timeout-secs",
            "600",
            "--body-timeout-secs",
            "600",
            "--idle-timeout-secs",
            "600",
        ],
    );
    let addr = host_port(&server.base);
    let wait = Duration::from_secs(10);
    let mut flood = Vec::new();
    for i in 0..300 {
        let Ok(mut s) = TcpStream::connect_timeout(&addr.parse().unwrap(), Duration::from_secs(2)) else { continue };
        if i % 2 == 0 {
            let _ = s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ");
        }
        flood.push(s);
    }
    assert!(flood.len() > 128, "the flood opened only {} connections", flood.len());
    for _ in 0..3 {
        let answer = get(&format!("{}/healthz", server.base), wait);
        assert_eq!(answer.as_ref().map(|a| a.0.as_str()), Ok("HTTP/1.1 200 OK"), "{answer:?}");
    }
    // The operator sees what happened, on the loopback listener.
    let metrics = server.metrics.clone().expect("metrics are served");
    let (status, body) = get(&metrics, wait).unwrap();
    assert_eq!(status, "HTTP/1.1 200 OK");
    let evicted: u64 = body
        .lines()
        .find_map(|l| l.strip_prefix("companion_connections_evicted_total "))
        .and_then(|v| v.trim().parse().ok())
        .unwrap();
    assert!(evicted >= 150, "{evicted} evicted");
    drop(flood);
}

/// `admin purge` deletes audit rows past the retention period (or `--older-than-days`) and says
/// how many (which rows go is tested in the suite, `audit_rows_go_with_their_share_and_with_time`).
#[test]
fn admin_purge_reports_what_it_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let run = |args: &[&str]| Command::new(env!("CARGO_BIN_EXE_companion-server")).args(args).output().unwrap();
    assert!(run(&["--data-dir", data, "admin", "create-clinic", "--name", "Purge Clinic"]).status.success());
    // Creating the clinic is audited; within the retention period nothing goes, after it the
    // row does, once.
    let purge = |extra: &[&str]| {
        let out = run(&[&["--data-dir", data, "admin", "purge"], extra].concat());
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    assert_eq!(purge(&[]), "Deleted 0 audit row(s) and 0 tombstone(s).");
    assert_eq!(purge(&["--older-than-days", "0"]), "Deleted 1 audit row(s) and 0 tombstone(s).");
    assert_eq!(purge(&["--older-than-days", "0"]), "Deleted 0 audit row(s) and 0 tombstone(s).");
    let bad = run(&["--data-dir", data, "admin", "purge", "--older-than-days", "soon"]);
    assert!(!bad.status.success());
}
