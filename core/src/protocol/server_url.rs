//! Which server addresses the clinician's side talks to: `https://` anywhere, plain `http://`
//! only to this machine (a development server, the demo). A passphrase-derived login over
//! plain HTTP across a network would hand every observer its messages and the session.

use crate::error::{Error, Result};

/// Refuse `url` unless it is `https://...`, or `http://` to a loopback host (127.0.0.0/8,
/// `[::1]`, `localhost`).
pub fn check_server_url(url: &str) -> Result<()> {
    let url = url.trim();
    let lower = url.to_ascii_lowercase();
    if lower.starts_with("https://") && url.len() > "https://".len() {
        return Ok(());
    }
    let Some(rest) = lower.strip_prefix("http://") else {
        return Err(Error::invalid("server", "use an https:// address"));
    };
    if is_loopback(host_of(rest)) {
        Ok(())
    } else {
        Err(Error::invalid(
            "server",
            "plain http:// is only allowed to this machine (127.0.0.1, localhost); use https://",
        ))
    }
}

/// The host of `authority[/path]` (without scheme): brackets kept off IPv6, port dropped.
fn host_of(rest: &str) -> &str {
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    // Userinfo would let "http://127.0.0.1@evil.example" pass for loopback: take what follows it.
    let authority = authority.rsplit('@').next().unwrap_or(authority);
    if let Some(v6) = authority.strip_prefix('[') {
        return v6.split(']').next().unwrap_or("");
    }
    authority.split(':').next().unwrap_or("")
}

fn is_loopback(host: &str) -> bool {
    if host == "localhost" {
        return true;
    }
    match host.parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_anywhere_and_plain_http_only_to_this_machine() {
        for ok in [
            "https://sync.clinic.example",
            "HTTPS://sync.clinic.example:8443/",
            "http://127.0.0.1:8420",
            "http://127.8.9.10",
            "http://localhost:8420/",
            "http://[::1]:8420",
        ] {
            assert!(check_server_url(ok).is_ok(), "{ok}");
        }
        for refused in [
            "http://sync.clinic.example",
            "http://10.0.0.5:8420",
            "http://127.0.0.1@evil.example/",
            "http://localhost.evil.example",
            "http://[::2]:8420",
            "ftp://127.0.0.1",
            "sync.clinic.example",
            "https://",
            "",
        ] {
            assert!(matches!(check_server_url(refused), Err(Error::Invalid { field: "server", .. })), "{refused}");
        }
    }
}
