//! The invite a clinician gives a client, as a link, a QR code or pasted text:
//!
//! ```text
//! companion-invite:1:<base64url(JSON)>
//! JSON = {"server": "https://sync.clinic.example", "token": "<base64url, 16-128 chars>",
//!         "clinician": "<display name>", "fingerprint": "xxxx-xxxx-xxxx-xxxx-xxxx-xxxx"}
//! ```
//!
//! The fingerprint is of the clinician's X25519 key ([`super::fingerprint`]). The client checks
//! the key the server returns against it before wrapping any share key, so a server cannot
//! substitute a key of its own; the client also shows it, so clinician and client can compare
//! it out loud.

use serde::{Deserialize, Serialize};

use super::{b64, unb64, ProtocolError};

const PREFIX: &str = "companion-invite:1:";
const MAX_LEN: usize = 4096;

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invite {
    pub server: String,
    pub token: String,
    pub clinician: String,
    pub fingerprint: String,
}

impl std::fmt::Debug for Invite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The token is a bearer secret until redeemed.
        write!(f, "Invite({}, {}, token <redacted>)", self.server, self.fingerprint)
    }
}

fn valid_fingerprint(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 6
        && groups.iter().all(|g| {
            g.len() == 4 && g.bytes().all(|b| b.is_ascii_digit() || (b.is_ascii_lowercase() && !b"ilou".contains(&b)))
        })
}

impl Invite {
    fn validate(&self) -> Result<(), ProtocolError> {
        let s = self.server.trim_end_matches('/');
        let url_ok = (s.starts_with("https://") || s.starts_with("http://"))
            && s.len() <= 2048
            && !s.chars().any(|c| c.is_whitespace() || c.is_control());
        if !url_ok {
            return Err(ProtocolError::Malformed("invite server address"));
        }
        let t = &self.token;
        if !(16..=128).contains(&t.len()) || !t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
            return Err(ProtocolError::Malformed("invite token"));
        }
        let n = self.clinician.trim().chars().count();
        if n == 0 || n > 100 || self.clinician.chars().any(char::is_control) {
            return Err(ProtocolError::Malformed("invite clinician name"));
        }
        if !valid_fingerprint(&self.fingerprint) {
            return Err(ProtocolError::Malformed("invite fingerprint"));
        }
        Ok(())
    }

    /// The text form.
    pub fn encode(&self) -> Result<String, ProtocolError> {
        self.validate()?;
        let json = serde_json::to_vec(self).map_err(|_| ProtocolError::Malformed("invite"))?;
        Ok(format!("{PREFIX}{}", b64(&json)))
    }

    /// Parse and check the text form (surrounding whitespace is ignored).
    pub fn parse(text: &str) -> Result<Invite, ProtocolError> {
        let t = text.trim();
        if t.len() > MAX_LEN {
            return Err(ProtocolError::TooLarge);
        }
        let body = t.strip_prefix(PREFIX).ok_or(ProtocolError::Malformed("invite"))?;
        let json = unb64(body, "invite")?;
        let mut inv: Invite = serde_json::from_slice(&json).map_err(|_| ProtocolError::Malformed("invite"))?;
        inv.server = inv.server.trim_end_matches('/').to_string();
        inv.validate()?;
        Ok(inv)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Invite {
        Invite {
            server: "https://sync.clinic.invalid".into(),
            token: "tok_ABCDEFGHIJKLMNOPQRSTUV".into(),
            clinician: "Dr Sam Example".into(),
            fingerprint: "7kq3-ma9x-0c1d-2e3f-4g5h-6j7k".into(),
        }
    }

    #[test]
    fn round_trip_and_refusals() {
        let i = sample();
        let text = i.encode().unwrap();
        assert!(text.starts_with("companion-invite:1:"));
        assert_eq!(Invite::parse(&format!("  {text}\n")).unwrap(), i);
        assert!(Invite::parse("companion-invite:1:!!!").is_err());
        assert!(Invite::parse("hello").is_err());
        assert!(Invite::parse(&"x".repeat(5000)).is_err());
        for bad in [
            Invite { server: "ftp://x".into(), ..sample() },
            Invite { token: "short".into(), ..sample() },
            Invite { clinician: "".into(), ..sample() },
            Invite { fingerprint: "7kq3-ma9x".into(), ..sample() },
            Invite { fingerprint: "7kq3-ma9x-0c1d-2e3f-4g5h-6j7u".into(), ..sample() },
        ] {
            assert!(bad.encode().is_err());
        }
        assert!(!format!("{i:?}").contains("tok_"));
    }
}
