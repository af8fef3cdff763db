//! The dashboard's idle lock, over real HTTP: after the configured time without use the keys
//! and everything decrypted are forgotten (even when no request comes), the pages show only the
//! unlock form, and the clinician's passphrase brings the data back. (Pages, figures and the
//! attacks on the local server are tested in Chromium: clinician/e2e.)

mod common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use common::*;
use companion_clinician::dashboard::{self, DashboardOptions};
use companion_clinician::shared::Session;
use companion_core::sync::http::HttpTransport;
use companion_tests::server::TestServer;

/// One HTTP/1.1 request; returns the status, the headers and the body.
fn request(addr: SocketAddr, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> (u16, String, String) {
    let mut s = TcpStream::connect(addr).expect("connect");
    let mut req =
        format!("{method} {path} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\ncontent-length: {}\r\n", body.len());
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes()).expect("send");
    let mut answer = String::new();
    s.read_to_string(&mut answer).expect("read");
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
    let status = head.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    (status, head.to_string(), body.to_string())
}

fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().find_map(|l| l.split_once(':').filter(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.trim()))
}

#[test]
fn idle_dashboard_forgets_keys_and_data_until_the_passphrase_unlocks_it() {
    let server = TestServer::start();
    let invite = server.clinician_invite();
    clinician_ok(&server, &["register", "--invite", &invite, "--name", "Dr Example"]);
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("client");
    init(&dir);
    ok(&dir, &["urge", "log", "--intensity", "6", "--trigger", "Lonely evenings", "--outcome", "surfed"]);
    let client_invite = clinician_ok(&server, &["invite"]).trim().to_string();
    ok(&dir, &["share", "pair", &client_invite]);
    ok(&dir, &["share", "consent", "--to", "Dr Example", "--categories", "urges", "--include-history", "--yes"]);
    ok(&dir, &["sync"]);

    let net: &'static HttpTransport = Box::leak(Box::new(HttpTransport::default()));
    let session = Session::login(net, &server.base, CLINICIAN_EMAIL, CLINICIAN_PASS.as_bytes(), None).expect("login");
    let opts = DashboardOptions {
        server: server.base.clone(),
        email: CLINICIAN_EMAIL.into(),
        listen: None,
        lock_after: Duration::from_millis(600),
        open_browser: false,
    };
    let running = dashboard::start(net, session, opts).expect("dashboard");
    let addr = running.app.addr();
    let path = running.link.split_once(&addr.to_string()).map(|(_, p)| p.to_string()).expect("link path");
    let (status, head, _) = request(addr, "GET", &path, &[], "");
    assert_eq!(status, 303);
    let cookie = header(&head, "set-cookie").and_then(|c| c.split(';').next()).expect("cookie").to_string();
    let with_cookie = [("cookie", cookie.as_str())];

    let (status, _, page) = request(addr, "GET", "/", &with_cookie, "");
    assert_eq!(status, 200);
    assert!(page.contains("table class=\"clients\""), "{page}");
    let device = page.split("href=\"/client/").nth(1).and_then(|s| s.split('"').next()).expect("a client").to_string();
    let (_, _, client_page) = request(addr, "GET", &format!("/client/{device}"), &with_cookie, "");
    assert!(client_page.contains("Lonely evenings"));

    // No request at all: the watcher locks it by itself.
    std::thread::sleep(Duration::from_millis(1200));
    assert!(running.app.is_locked(), "locked without any request");
    let (status, _, locked) = request(addr, "GET", &format!("/client/{device}"), &with_cookie, "");
    assert_eq!(status, 200);
    assert!(locked.contains("The dashboard is locked"), "{locked}");
    assert!(!locked.contains("Lonely evenings"), "nothing decrypted while locked");
    let csrf =
        locked.split("name=\"csrf\" value=\"").nth(1).and_then(|s| s.split('"').next()).expect("csrf").to_string();

    let form = |pass: &str| format!("csrf={csrf}&passphrase={}", pass.replace(' ', "+"));
    let form_headers = [("cookie", cookie.as_str()), ("content-type", "application/x-www-form-urlencoded")];
    let (status, _, wrong) = request(addr, "POST", "/unlock", &form_headers, &form("not the passphrase"));
    assert_eq!(status, 401);
    assert!(wrong.contains("did not unlock"), "{wrong}");
    assert!(running.app.is_locked());
    let (status, head, _) = request(addr, "POST", "/unlock", &form_headers, &form(CLINICIAN_PASS));
    assert_eq!(status, 303, "{head}");
    assert!(!running.app.is_locked());
    let (_, _, back) = request(addr, "GET", &format!("/client/{device}"), &with_cookie, "");
    assert!(back.contains("Lonely evenings"), "unlocked again");
    running.stop();
}
