//! Surfing and exercises benchmark (issue 3): the exercise engine's per-frame position
//! (target < 1 µs) against reading the clock once, which every frame does anyway; resuming a
//! surf session with its whole wave from the store (target < 1 ms) against reading a record
//! that is not there (the store's fixed cost), all measured in the same run.
//!
//! `cargo run --release -p companion-tests --bin bench -- surf [--quick]`

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use companion_core::exercise::library::builtin;
use companion_core::exercise::{Adjust, ExerciseRun};
use companion_core::store::CreateOptions;
use companion_core::surf::{SurfSettings, SurfStart};
use companion_core::{ManualClock, RecordId, Store, Unlock, Zone};
use companion_tests::stats::{fmt, percentile};

/// Nanoseconds per call of `f(i)` over `n` calls, best of `runs` (the least disturbed run).
fn per_call(runs: usize, n: u64, mut f: impl FnMut(u64) -> u64) -> f64 {
    let mut best = f64::MAX;
    for _ in 0..runs {
        let t = Instant::now();
        let mut acc = 0u64;
        for i in 0..n {
            acc = acc.wrapping_add(f(black_box(i)));
        }
        black_box(acc);
        best = best.min(t.elapsed().as_nanos() as f64 / n as f64);
    }
    best
}

fn frame_table(quick: bool) {
    let n: u64 = if quick { 200_000 } else { 5_000_000 };
    let runs = if quick { 3 } else { 7 };
    let origin = Instant::now();
    let clock = per_call(runs, n, |_| origin.elapsed().as_nanos() as u64);
    println!("| Per animation frame ({n} calls, best of {runs}) | ns per call | vs. reading the clock |");
    println!("| --- | ---: | ---: |");
    println!("| baseline: reading the monotonic clock once (`Instant::elapsed`) | {clock:.1} | 1.00× |");
    let cases: [(&str, &str, Adjust); 4] = [
        (
            "box breathing, 10 min: current step, phase, progress, time to boundary",
            "box",
            Adjust { minutes: Some(10), ..Default::default() },
        ),
        ("4-7-8, 10 min", "4-7-8", Adjust { minutes: Some(10), ..Default::default() }),
        (
            "paced breathing at 7 a minute, 60 min (rational ticks)",
            "paced",
            Adjust { minutes: Some(60), pace_tenths: Some(70), ..Default::default() },
        ),
        ("muscle relaxation, 16 groups (34 steps)", "pmr-long", Adjust::default()),
    ];
    for (label, key, adjust) in cases {
        let Some(def) = builtin(key) else { continue };
        let Ok(t) = def.timeline(&adjust) else { continue };
        let total = t.total_ms();
        // A stride through the whole session, so every block and step is visited.
        let ns = per_call(runs, n, |i| {
            let p = t.at((i * 16_667) % total);
            p.to_next_ms + u64::from(p.step) + p.phase as u64
        });
        println!("| {label} | {ns:.1} | {:.2}× |", ns / clock);
    }
    if let Some(def) = builtin("box") {
        if let Ok(run) = ExerciseRun::start(&def, Adjust::default(), 1_800_000_000_000, None) {
            let ns = per_call(runs, n, |i| {
                let p = run.position(1_800_000_000_000 + ((i * 16_667) % 250_000) as i64);
                p.to_next_ms
            });
            println!(
                "| a running box-breathing exercise (pause/skip arithmetic included) | {ns:.1} | {:.2}× |",
                ns / clock
            );
        }
    }
    println!();
}

fn store_at(dir: &std::path::Path, clock: &ManualClock) -> Option<Store> {
    let pass = companion_core::crypto::Passphrase::new(b"bench passphrase".to_vec()).ok()?;
    Store::create(
        dir.join("bench.db"),
        Unlock::Passphrase(&pass),
        Arc::new(clock.clone()),
        CreateOptions::insecure_fast_for_tests(),
    )
    .ok()
}

fn time_it(samples: usize, mut f: impl FnMut()) -> Vec<Duration> {
    (0..samples)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect()
}

fn resume_table(quick: bool) {
    let samples = if quick { 200 } else { 2_000 };
    println!("| Resuming a surf session ({samples} samples) | p50 | p99 | vs. reading a missing record |");
    println!("| --- | ---: | ---: | ---: |");
    let Ok(dir) = tempfile::tempdir() else { return };
    let t0 = Utc.with_ymd_and_hms(2026, 6, 15, 20, 0, 0).single().unwrap_or_default();
    let clock = ManualClock::new(t0, Zone::parse("Europe/Berlin").unwrap_or(Zone::UTC));
    let Some(store) = store_at(dir.path(), &clock) else { return };
    // Some history around it: 300 past sessions and urges, as after a year of use.
    for _ in 0..300 {
        if let Ok(s) = store.start_surf(SurfStart { intensity: Some(5), ..Default::default() }) {
            clock.advance(chrono::Duration::minutes(3));
            let _ = store.surf_checkin(s.id, 3, None);
            let _ = store.end_surf(
                s.id,
                companion_core::surf::SurfEnd {
                    outcome: companion_core::surf::SurfOutcome::Passed,
                    intensity: Some(1),
                    note: None,
                    strategies: vec![],
                },
            );
        }
        clock.advance(chrono::Duration::hours(1));
    }
    // The session to resume: 2 hours, a rating every 15 s with a note on every tenth: 480 points.
    let Ok(s) = store.start_surf(SurfStart {
        intensity: Some(6),
        settings: SurfSettings::minutes(120, 2),
        ..Default::default()
    }) else {
        return;
    };
    for i in 0..479u32 {
        clock.advance(chrono::Duration::seconds(15));
        let note = (i % 10 == 0).then_some("tight chest, restless hands");
        let _ = store.surf_checkin(s.id, (i % 11) as u8, note);
    }
    let points = store.surf_session(s.id).map(|x| x.points.len()).unwrap_or(0);
    let now = clock.now_ms();
    let missing = RecordId::from_bytes([7u8; 16]);
    let base = time_it(samples, || {
        black_box(store.surf_session(missing).is_err());
    });
    let read = time_it(samples, || {
        if let Ok(x) = store.surf_session(s.id) {
            black_box(x.status(now));
        }
    });
    let active = time_it(samples, || {
        black_box(store.active_surf().ok());
    });
    let b50 = percentile(&base, 50.0);
    let ratio = |v: &[Duration]| percentile(v, 50.0).as_nanos() as f64 / b50.as_nanos().max(1) as f64;
    println!(
        "| baseline: reading a record that is not there | {} | {} | 1.00× |",
        fmt(b50),
        fmt(percentile(&base, 99.0))
    );
    println!(
        "| session with its whole wave ({points} points, notes) read, decrypted, state computed | {} | {} | {:.1}× |",
        fmt(percentile(&read, 50.0)),
        fmt(percentile(&read, 99.0)),
        ratio(&read)
    );
    println!(
        "| finding the open session among 300 (what `surf --resume` and app start do) | {} | {} | {:.1}× |",
        fmt(percentile(&active, 50.0)),
        fmt(percentile(&active, 99.0)),
        ratio(&active)
    );
    println!();
}

trait NowMs {
    fn now_ms(&self) -> i64;
}

impl NowMs for ManualClock {
    fn now_ms(&self) -> i64 {
        use companion_core::Clock;
        self.now().timestamp_millis()
    }
}

pub fn run(args: &[String]) {
    let quick = args.iter().any(|a| a == "--quick");
    println!("## Surfing and exercises\n");
    frame_table(quick);
    resume_table(quick);
}
