//! Who may talk to the dashboard, and what every answer carries.
//!
//! The dashboard serves decrypted client data on the clinician's machine, so it must answer
//! only the clinician's own browser:
//! - **Host**: only `127.0.0.1:PORT` or `localhost:PORT`. A page of another site whose name an
//!   attacker points at 127.0.0.1 (DNS rebinding) sends its own name and is refused.
//! - **One-time link**: the terminal prints a link holding a random secret; opening it once
//!   swaps the secret for a session cookie (HttpOnly, SameSite=Strict) and the link stops
//!   working. Without that cookie nothing but the "open the link" page is served.
//! - **Writes** (every POST) carry the session's CSRF token in the form, and are refused when
//!   the browser says they come from another site (`Sec-Fetch-Site`, `Origin`).
//! - **Every answer** has a strict Content-Security-Policy (no inline script or style, no
//!   other origin), `Cache-Control: no-store`, and headers that keep it out of frames, other
//!   sites' reach and referrers.

use std::collections::HashMap;
use std::net::SocketAddr;

use axum::http::{header, HeaderMap, HeaderValue};
use data_encoding::BASE64URL_NOPAD;
use subtle::ConstantTimeEq;

/// The session cookie's name (one per port, so two dashboards never share one).
pub fn cookie_name(addr: SocketAddr) -> String {
    format!("companion-dashboard-{}", addr.port())
}

/// A random 256-bit value as text.
fn token() -> Result<String, companion_core::Error> {
    let b: [u8; 32] = companion_core::crypto::random_array()?;
    Ok(BASE64URL_NOPAD.encode(&b))
}

/// Equal, in time that does not depend on where they differ.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// Why a request is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Not addressed to this dashboard's own host and port.
    WrongHost,
    /// No valid session cookie.
    NoSession,
    /// A write from another site, or without the right CSRF token.
    Forged,
}

/// The link secrets not yet used and the browser sessions they opened.
#[derive(Default)]
pub struct Guard {
    links: Vec<String>,
    sessions: HashMap<String, String>,
}

impl Guard {
    /// A new one-time secret for the printed link.
    pub fn new_link(&mut self) -> Result<String, companion_core::Error> {
        let s = token()?;
        self.links.push(s.clone());
        Ok(s)
    }

    /// Swap a link's secret for a new session (cookie value); the secret is used up.
    pub fn open(&mut self, secret: &str) -> Result<Option<String>, companion_core::Error> {
        let Some(i) = self.links.iter().position(|l| same(l, secret)) else { return Ok(None) };
        self.links.swap_remove(i);
        let session = token()?;
        let csrf = token()?;
        self.sessions.insert(session.clone(), csrf);
        Ok(Some(session))
    }

    /// The CSRF token of the session named by the request's cookie.
    pub fn session(&self, headers: &HeaderMap, cookie: &str) -> Option<(String, String)> {
        let value = cookie_value(headers, cookie)?;
        self.sessions.iter().find(|(s, _)| same(s, &value)).map(|(s, csrf)| (s.clone(), csrf.clone()))
    }

    /// End every browser session (the clinician signs out; a new link is needed).
    pub fn end_sessions(&mut self) {
        self.sessions.clear();
    }
}

/// The value of cookie `name` in the request, if any.
fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// Whether the Host header names this dashboard.
pub fn host_ok(headers: &HeaderMap, addr: SocketAddr) -> bool {
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else { return false };
    let port = addr.port();
    host == format!("{}:{port}", addr.ip()) || host == format!("localhost:{port}")
}

/// Whether a write comes from this dashboard's own pages: not from another site by the
/// browser's own account (`Sec-Fetch-Site`, `Origin`), and with the session's CSRF token.
pub fn write_ok(headers: &HeaderMap, addr: SocketAddr, csrf_expected: &str, csrf_given: Option<&str>) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        if site != "same-origin" {
            return false;
        }
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let ours = [format!("http://{addr}"), format!("http://localhost:{}", addr.port())];
        if !ours.iter().any(|o| origin.as_bytes() == o.as_bytes()) {
            return false;
        }
    }
    csrf_given.is_some_and(|t| same(t, csrf_expected))
}

/// The session cookie: HttpOnly (no script reads it), SameSite=Strict (no other site's page
/// sends it), for this path only; it lasts as long as the browser session.
pub fn session_cookie(addr: SocketAddr, value: &str) -> HeaderValue {
    let v = format!("{}={value}; HttpOnly; SameSite=Strict; Path=/", cookie_name(addr));
    HeaderValue::from_str(&v).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The Content-Security-Policy of every answer: this origin's own script and style files only,
/// no inline script or style, no frames, forms posting only here, nothing fetched elsewhere.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
    connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Headers every answer carries.
pub fn secure(headers: &mut HeaderMap) {
    let set = |h: &mut HeaderMap, k: &'static str, v: &'static str| {
        h.insert(k, HeaderValue::from_static(v));
    };
    set(headers, "content-security-policy", CSP);
    // Decrypted pages are never kept by the browser: not in its cache, not on back/forward.
    set(headers, "cache-control", "no-store, max-age=0");
    set(headers, "pragma", "no-cache");
    set(headers, "x-content-type-options", "nosniff");
    set(headers, "x-frame-options", "DENY");
    // Not "no-referrer": with it a browser sends `Origin: null` on the page's own form posts,
    // and the origin check above could not tell them from another site's.
    set(headers, "referrer-policy", "same-origin");
    set(headers, "cross-origin-opener-policy", "same-origin");
    set(headers, "cross-origin-resource-policy", "same-origin");
    set(headers, "permissions-policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()");
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    fn addr() -> SocketAddr {
        "127.0.0.1:8123".parse().unwrap()
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn only_our_own_host_and_port() {
        assert!(host_ok(&headers(&[("host", "127.0.0.1:8123")]), addr()));
        assert!(host_ok(&headers(&[("host", "localhost:8123")]), addr()));
        assert!(!host_ok(&headers(&[("host", "evil.example:8123")]), addr()));
        assert!(!host_ok(&headers(&[("host", "127.0.0.1:8124")]), addr()));
        assert!(!host_ok(&headers(&[("host", "127.0.0.1")]), addr()));
        assert!(!host_ok(&HeaderMap::new(), addr()));
    }

    #[test]
    fn a_link_opens_one_session_once() {
        let mut g = Guard::default();
        let secret = g.new_link().unwrap();
        assert!(g.open("wrong").unwrap().is_none());
        let session = g.open(&secret).unwrap().expect("first use");
        assert!(g.open(&secret).unwrap().is_none(), "used up");
        let name = cookie_name(addr());
        let h = headers(&[("cookie", &format!("other=1; {name}={session}"))]);
        let (_, csrf) = g.session(&h, &name).expect("session");
        assert!(g.session(&headers(&[("cookie", &format!("{name}=nope"))]), &name).is_none());
        assert!(write_ok(&HeaderMap::new(), addr(), &csrf, Some(&csrf)));
        assert!(!write_ok(&HeaderMap::new(), addr(), &csrf, None));
        assert!(!write_ok(&HeaderMap::new(), addr(), &csrf, Some("x")));
        assert!(!write_ok(&headers(&[("sec-fetch-site", "cross-site")]), addr(), &csrf, Some(&csrf)));
        assert!(!write_ok(&headers(&[("origin", "http://evil.example")]), addr(), &csrf, Some(&csrf)));
        assert!(write_ok(
            &headers(&[("origin", "http://127.0.0.1:8123"), ("sec-fetch-site", "same-origin")]),
            addr(),
            &csrf,
            Some(&csrf)
        ));
        g.end_sessions();
        assert!(g.session(&h, &name).is_none());
    }
}
