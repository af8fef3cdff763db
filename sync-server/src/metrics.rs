//! Prometheus text metrics: request counts by route and status, a latency histogram, and
//! counters for appends, pulls, erasures, replays and bad signatures. No labels carry ids.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use crate::serve::ConnStats;

/// A monotonically increasing counter.
#[derive(Default)]
pub struct Counter(AtomicU64);

impl Counter {
    pub fn inc(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

const BUCKETS: [f64; 12] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    sum: f64,
    total: u64,
}

#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, u16), u64>>,
    latency: Mutex<Histogram>,
    pub appends: Counter,
    pub pulls: Counter,
    pub erasures: Counter,
    pub unpairs: Counter,
    pub replays: Counter,
    pub bad_signatures: Counter,
}

impl Metrics {
    pub fn observe(&self, route: &str, status: u16, elapsed: Duration) {
        if let Ok(mut m) = self.requests.lock() {
            *m.entry((route.to_string(), status)).or_default() += 1;
        }
        if let Ok(mut h) = self.latency.lock() {
            let s = elapsed.as_secs_f64();
            for (i, b) in BUCKETS.iter().enumerate() {
                if s <= *b {
                    h.counts[i] += 1;
                }
            }
            h.sum += s;
            h.total += 1;
        }
    }

    /// The text exposition format.
    pub fn render(&self, backend: &str, conns: &ConnStats) -> String {
        let mut out = String::new();
        out.push_str(
            "# HELP companion_build_info Server version and storage backend.\n# TYPE companion_build_info gauge\n",
        );
        out.push_str(&format!(
            "companion_build_info{{version=\"{}\",backend=\"{backend}\"}} 1\n",
            env!("CARGO_PKG_VERSION")
        ));
        out.push_str("# HELP companion_http_requests_total Requests by route template and status.\n# TYPE companion_http_requests_total counter\n");
        if let Ok(m) = self.requests.lock() {
            for ((route, status), n) in m.iter() {
                let route = route.replace('\\', "\\\\").replace('"', "\\\"");
                out.push_str(&format!("companion_http_requests_total{{route=\"{route}\",status=\"{status}\"}} {n}\n"));
            }
        }
        out.push_str("# HELP companion_http_request_duration_seconds Request latency.\n# TYPE companion_http_request_duration_seconds histogram\n");
        if let Ok(h) = self.latency.lock() {
            for (i, b) in BUCKETS.iter().enumerate() {
                out.push_str(&format!(
                    "companion_http_request_duration_seconds_bucket{{le=\"{b}\"}} {}\n",
                    h.counts[i]
                ));
            }
            out.push_str(&format!("companion_http_request_duration_seconds_bucket{{le=\"+Inf\"}} {}\n", h.total));
            out.push_str(&format!("companion_http_request_duration_seconds_sum {}\n", h.sum));
            out.push_str(&format!("companion_http_request_duration_seconds_count {}\n", h.total));
        }
        for (name, help, c) in [
            ("companion_chunks_appended_total", "Chunks stored.", &self.appends),
            ("companion_pulls_total", "Pulls served.", &self.pulls),
            ("companion_shares_erased_total", "Shares erased on withdrawal of consent.", &self.erasures),
            ("companion_devices_unpaired_total", "Devices that unpaired and were erased.", &self.unpairs),
            ("companion_replays_refused_total", "Device requests refused as replays.", &self.replays),
            ("companion_bad_signatures_total", "Device requests whose signature did not verify.", &self.bad_signatures),
        ] {
            out.push_str(&format!("# HELP {name} {help}\n# TYPE {name} counter\n{name} {}\n", c.get()));
        }
        let load = |c: &AtomicU64| c.load(Ordering::Relaxed);
        out.push_str(&format!(
            "# HELP companion_connections_open Connections open now.\n# TYPE companion_connections_open gauge\ncompanion_connections_open {}\n",
            load(&conns.open)
        ));
        for (name, help, v) in [
            ("companion_connections_accepted_total", "Connections accepted.", load(&conns.accepted)),
            (
                "companion_connections_evicted_total",
                "Connections closed at the cap to make room (they were waiting on their client).",
                load(&conns.evicted),
            ),
            (
                "companion_connections_timed_out_total",
                "Connections closed for a header, body or idle timeout.",
                load(&conns.timed_out),
            ),
        ] {
            out.push_str(&format!("# HELP {name} {help}\n# TYPE {name} counter\n{name} {v}\n"));
        }
        out
    }
}
