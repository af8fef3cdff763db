//! Sync benchmark (issue 7): the incremental sync after logging one urge, with a year of urges
//! already shared; and the first sync of a year of weekly summaries. Client, server (SQLite)
//! and clinician run in one process over HTTP on loopback.
//!
//! `cargo run --release -p companion-tests --bin bench -- sync [--quick]`

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use companion_core::clinician::Clinician;
use companion_core::crypto::Passphrase;
use companion_core::share::{Category, ConsentRequest};
use companion_core::sync::http::HttpTransport;
use companion_core::time::LocalStamp;
use companion_core::urge::{NewUrge, Outcome};
use companion_core::{CreateOptions, ManualClock, Store, Unlock, Zone};
use companion_tests::server::TestServer;
use companion_tests::stats::{fmt, percentile};

fn year_of_urges(s: &Store, per_day: usize) {
    let zone = Zone::parse("Europe/Berlin").unwrap_or(Zone::UTC);
    let now = Utc::now();
    let mut batch = Vec::new();
    for d in 1..=365i64 {
        for k in 0..per_day {
            let at = now - chrono::Duration::days(d) + chrono::Duration::minutes(37 * k as i64);
            batch.push(NewUrge {
                intensity: ((d as usize + k) % 11) as u8,
                occurred: Some(LocalStamp::at(at, &zone)),
                triggers: vec!["lonely".into(), "late-night scrolling".into()],
                feelings: vec!["restless".into()],
                outcome: Some(if k % 5 == 0 { Outcome::Acted } else { Outcome::Surfed }),
                duration_secs: Some(600),
                ..Default::default()
            });
        }
        if batch.len() >= 2000 {
            s.log_urges(std::mem::take(&mut batch)).expect("log");
        }
    }
    if !batch.is_empty() {
        s.log_urges(batch).expect("log");
    }
}

fn client(dir: &std::path::Path) -> Store {
    let clock = ManualClock::new(Utc::now(), Zone::parse("Europe/Berlin").unwrap_or(Zone::UTC));
    Store::create(
        dir.join("client.db"),
        Unlock::Passphrase(&Passphrase::new(b"bench".to_vec()).expect("pass")),
        Arc::new(clock),
        CreateOptions::insecure_fast_for_tests(),
    )
    .expect("store")
}

pub fn run(args: &[String]) {
    let quick = args.iter().any(|a| a == "--quick");
    let per_day = if quick { 5 } else { 22 };
    let server = TestServer::start();
    let net = HttpTransport::default();
    let dr = Clinician::register(
        &net,
        &server.base,
        &server.clinician_invite(),
        "bench@clinic.invalid",
        "Dr Bench",
        b"bench clinician passphrase, not for real use",
    )
    .expect("clinician");
    let tmp = tempfile::tempdir().expect("tmp");

    // A year of urges, shared (urges without notes, with history).
    let s = client(tmp.path());
    year_of_urges(&s, per_day);
    let pairing = s.pair(&dr.invite().expect("invite"), &net).expect("pair");
    s.grant_consent(&ConsentRequest {
        pairing: pairing.id,
        categories: vec![Category::Urges],
        include_history: true,
        until: None,
    })
    .expect("consent");
    let t = Instant::now();
    let first = s.sync(&net, true).expect("sync");
    let first_took = t.elapsed();
    let runs = if quick { 5 } else { 20 };
    let mut times = Vec::new();
    let mut bytes = Vec::new();
    for i in 0..runs {
        s.log_urge(NewUrge { intensity: (i % 11) as u8, triggers: vec!["stressed".into()], ..Default::default() })
            .expect("log");
        let t = Instant::now();
        let r = s.sync(&net, true).expect("sync");
        times.push(t.elapsed());
        bytes.push(r.bytes_sent);
        assert!(r.errors.is_empty(), "{:?}", r.errors);
    }
    bytes.sort();
    let urges = 365 * per_day;

    // The first sync of a year of weekly summaries.
    let tmp2 = tempfile::tempdir().expect("tmp");
    let s2 = client(tmp2.path());
    year_of_urges(&s2, per_day);
    let p2 = s2.pair(&dr.invite().expect("invite"), &net).expect("pair");
    s2.grant_consent(&ConsentRequest {
        pairing: p2.id,
        categories: vec![Category::WeeklySummaries],
        include_history: true,
        until: None,
    })
    .expect("consent");
    let t = Instant::now();
    let w = s2.sync(&net, true).expect("sync");
    let weekly_took = t.elapsed();
    let weeks = dr
        .shares()
        .expect("shares")
        .into_iter()
        .filter(|i| i.device_id == p2.device_id)
        .map(|i| {
            dr.open(&i)
                .and_then(|d| d.view())
                .map(|v| v.to_json()["entries"].as_object().map(|o| o.len()).unwrap_or(0))
                .unwrap_or(0)
        })
        .sum::<usize>();

    println!("## Sync\n");
    println!(
        "Release build, one run; client store, sync server (SQLite) and clinician in one process over HTTP on loopback. \
         Bytes are request bodies the client sent (sealed chunks in JSON, signatures in headers not counted).\n"
    );
    println!("| workload | bytes sent | time |");
    println!("|---|---|---|");
    println!(
        "| first sync of a year of urges ({urges} entries, urges without notes) | {} | {} |",
        first.bytes_sent,
        fmt(first_took)
    );
    println!(
        "| incremental sync after logging one urge, a year already shared (median of {runs}; p99 time) | {} | {} (p99 {}) |",
        bytes[bytes.len() / 2],
        fmt(percentile(&times, 50.0)),
        fmt(percentile(&times, 99.0))
    );
    println!("| first sync of a year of weekly summaries ({weeks} weeks) | {} | {} |", w.bytes_sent, fmt(weekly_took));
    println!();
    let _ = Duration::ZERO;
}
