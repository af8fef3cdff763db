//! Token-bucket rate limits: per device and per clinician for requests, and the login limits
//! ([`LoginLimits`]).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct RateLimiter {
    rate: f64,
    burst: f64,
    buckets: Mutex<HashMap<String, (f64, Instant)>>,
}

impl RateLimiter {
    pub fn new(rate_per_sec: f64, burst: f64) -> Self {
        RateLimiter { rate: rate_per_sec.max(0.001), burst: burst.max(1.0), buckets: Mutex::new(HashMap::new()) }
    }

    /// Take one token for `key`, or say how long until one is available.
    pub fn check(&self, key: &str) -> Result<(), Duration> {
        let Ok(mut b) = self.buckets.lock() else { return Ok(()) };
        let now = Instant::now();
        if b.len() > 100_000 {
            // Forget idle keys so the map cannot grow without bound.
            let burst = self.burst;
            let rate = self.rate;
            b.retain(|_, (tokens, at)| *tokens + now.duration_since(*at).as_secs_f64() * rate < burst);
        }
        let entry = b.entry(key.to_string()).or_insert((self.burst, now));
        let refill = now.duration_since(entry.1).as_secs_f64() * self.rate;
        entry.0 = (entry.0 + refill).min(self.burst);
        entry.1 = now;
        if entry.0 >= 1.0 {
            entry.0 -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - entry.0) / self.rate))
        }
    }
}

/// How a login attempt may proceed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginAllowance {
    /// Answer it for real.
    Go,
    /// The account's allowance is used up: answer as for an unknown account (a fake that no
    /// passphrase completes), which looks the same to the caller.
    AsUnknown,
    /// This source (or everyone without a ticket) sends too many: refuse with 429 and a wait.
    /// Says nothing about any account.
    SlowDown(Duration),
}

/// Login limits that an attacker cannot turn against the real account:
/// - per source address, and for everyone without a ticket together: too many → 429, which
///   says nothing about the account asked for;
/// - per account: beyond its allowance an attempt gets a fake answer, the same as for an
///   unknown account or a wrong passphrase (one answer for all three), so online guessing stops;
/// - a ticket from an earlier successful login on the same machine has its own allowance,
///   used instead of all of the above: a flood from anywhere, naming the account or not, does
///   not use it up, so the real clinician still logs in at once.
pub struct LoginLimits {
    per_source: RateLimiter,
    unticketed: RateLimiter,
    per_account: RateLimiter,
    per_ticket: RateLimiter,
}

impl Default for LoginLimits {
    fn default() -> Self {
        LoginLimits {
            per_source: RateLimiter::new(1.0 / 3.0, 20.0),
            unticketed: RateLimiter::new(50.0, 100.0),
            per_account: RateLimiter::new(1.0 / 60.0, 10.0),
            per_ticket: RateLimiter::new(1.0 / 60.0, 5.0),
        }
    }
}

impl LoginLimits {
    /// Charge one attempt on `account` from `source`; `ticket`: the hash of a valid ticket of
    /// this very account, if the attempt carries one.
    pub fn charge(&self, source: &str, account: &str, ticket: Option<&[u8; 32]>) -> LoginAllowance {
        if let Some(t) = ticket {
            let key: String = t.iter().map(|b| format!("{b:02x}")).collect();
            return match self.per_ticket.check(&key) {
                Ok(()) => LoginAllowance::Go,
                Err(_) => LoginAllowance::AsUnknown,
            };
        }
        if let Err(wait) = self.per_source.check(source) {
            return LoginAllowance::SlowDown(wait);
        }
        if let Err(wait) = self.unticketed.check("all") {
            return LoginAllowance::SlowDown(wait);
        }
        match self.per_account.check(account) {
            Ok(()) => LoginAllowance::Go,
            Err(_) => LoginAllowance::AsUnknown,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bursts_then_limits() {
        let r = RateLimiter::new(1.0, 3.0);
        assert!(r.check("a").is_ok());
        assert!(r.check("a").is_ok());
        assert!(r.check("a").is_ok());
        assert!(r.check("a").is_err());
        assert!(r.check("b").is_ok(), "keys are independent");
    }

    #[test]
    fn a_flood_on_an_account_leaves_its_ticket_holder_an_allowance() {
        let l = LoginLimits::default();
        let ticket = [7u8; 32];
        // From many sources, the account's allowance runs out: answers become fakes.
        let outcomes: Vec<_> = (0..40).map(|i| l.charge(&format!("10.0.0.{i}"), "dr@clinic.invalid", None)).collect();
        assert!(outcomes.contains(&LoginAllowance::AsUnknown));
        assert!(!outcomes.iter().any(|o| matches!(o, LoginAllowance::SlowDown(_))));
        // From one source, the source's allowance runs out: 429.
        let one: Vec<_> = (0..40).map(|_| l.charge("10.9.9.9", "other@clinic.invalid", None)).collect();
        assert!(one.iter().any(|o| matches!(o, LoginAllowance::SlowDown(_))));
        // The ticket holder is not starved by either.
        assert_eq!(l.charge("10.9.9.9", "dr@clinic.invalid", Some(&ticket)), LoginAllowance::Go);
    }
}
