//! Bindings benchmark (issue 5): logging an urge from Kotlin and from Python versus from Rust,
//! as ratios measured in the same run; plus reading one urge back and a call without I/O
//! (`today()`), which shows the bare cost of crossing the FFI.
//!
//! The Rust baseline calls the same `CompanionCore` API the apps use (and, for reference, the
//! core's `Store` directly). Kotlin and Python run as child processes
//! (`bindings/benches/BenchLogUrge.kt`, `bindings/benches/bench_log_urge.py`) on the release
//! library; rounds alternate the languages so a slow moment of the disk is shared out.
//!
//! `bindings/scripts/bench-foreign.sh` builds everything and runs
//! `cargo run --release -p companion-tests --bin bench -- ffi --kotlin CMD --python CMD`; each CMD
//! gets `STORE_DIR N WARMUP` appended and prints one JSON line of nanosecond samples. Without
//! them only the Rust rows are measured.

use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use companion_core::store::CreateOptions;
use companion_core::urge::{Company, NewUrge};
use companion_core::{Store, SystemClock, Unlock, Zone};
use companion_ffi::{CompanionCore, Unlock as FfiUnlock};
use companion_tests::stats::{fmt, percentile};

const OPS: [(&str, &str); 4] = [
    ("log_urge", "log an urge (fsync'd write)"),
    ("read_urge", "read one urge back (decrypt)"),
    ("today", "`today()`: no I/O, a small value returned in a buffer"),
    ("is_locked", "`is_locked()`: no I/O, a boolean: the bare FFI crossing"),
];

/// Untimed calls of each cheap operation before timing it, in every language (a JIT compiles
/// the path meanwhile): `bindings/benches/bench_log_urge.py`, `bindings/benches/BenchLogUrge.kt`.
const CHEAP_WARMUP: usize = 5000;

fn new_urge() -> NewUrge {
    NewUrge {
        intensity: 6,
        triggers: vec!["lonely".into(), "late-night scrolling".into()],
        feelings: vec!["restless".into()],
        company: Some(Company::Alone),
        note: Some("Sam Example's benchmark note".into()),
        ..Default::default()
    }
}

fn timed(n: usize, mut call: impl FnMut()) -> Vec<Duration> {
    (0..n)
        .map(|_| {
            let t = Instant::now();
            call();
            t.elapsed()
        })
        .collect()
}

#[derive(Default)]
struct Samples {
    ops: [Vec<Duration>; 4],
}

impl Samples {
    fn extend(&mut self, other: [Vec<Duration>; 4]) {
        for (mine, theirs) in self.ops.iter_mut().zip(other) {
            mine.extend(theirs);
        }
    }
}

fn rust_bindings(dir: &std::path::Path, n: usize, warmup: usize) -> [Vec<Duration>; 4] {
    let core =
        CompanionCore::create(dir.join("rust.db").display().to_string(), FfiUnlock::Passphrase { passphrase: pass() })
            .expect("create");
    for _ in 0..warmup {
        core.log_urge(new_urge()).expect("log");
    }
    let first = core.log_urge(new_urge()).expect("log").id.to_text();
    for _ in 0..CHEAP_WARMUP {
        core.urge(first.clone()).expect("read");
        std::hint::black_box(core.today());
        std::hint::black_box(core.is_locked());
    }
    [
        timed(n, || {
            core.log_urge(new_urge()).expect("log");
        }),
        timed(n, || {
            core.urge(first.clone()).expect("read");
        }),
        timed(n, || {
            std::hint::black_box(core.today());
        }),
        timed(n, || {
            std::hint::black_box(core.is_locked());
        }),
    ]
}

fn rust_core(dir: &std::path::Path, n: usize, warmup: usize) -> [Vec<Duration>; 4] {
    let pass = companion_core::crypto::Passphrase::new(pass()).expect("passphrase");
    let clock = Arc::new(SystemClock::new(Zone::UTC));
    let store =
        Store::create(dir.join("core.db"), Unlock::Passphrase(&pass), clock, CreateOptions::default()).expect("create");
    for _ in 0..warmup {
        store.log_urge(new_urge()).expect("log");
    }
    let first = store.log_urge(new_urge()).expect("log").id;
    for _ in 0..CHEAP_WARMUP {
        store.urge(first).expect("read");
        std::hint::black_box(companion_core::Clock::today(store.clock()));
    }
    [
        timed(n, || {
            store.log_urge(new_urge()).expect("log");
        }),
        timed(n, || {
            store.urge(first).expect("read");
        }),
        timed(n, || {
            std::hint::black_box(companion_core::Clock::today(store.clock()));
        }),
        // The core has no lock state; the closest call without I/O is reading its path.
        timed(n, || {
            std::hint::black_box(store.path());
        }),
    ]
}

fn pass() -> Vec<u8> {
    b"benchmark passphrase".to_vec()
}

/// Run a foreign side: `cmd DIR N WARMUP`, one JSON line of nanosecond samples on stdout.
fn foreign(cmd: &str, dir: &std::path::Path, n: usize, warmup: usize) -> [Vec<Duration>; 4] {
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!("{cmd} '{}' {n} {warmup}", dir.display()))
        .output()
        .expect("run the foreign benchmark");
    assert!(out.status.success(), "{cmd} failed: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().rev().find(|l| l.starts_with('{')).expect("a JSON line");
    let v: serde_json::Value = serde_json::from_str(line).expect("JSON");
    OPS.map(|(key, _)| {
        v[key].as_array().expect("samples").iter().map(|x| Duration::from_nanos(x.as_u64().expect("ns"))).collect()
    })
}

fn median(v: &[Duration]) -> Duration {
    percentile(v, 50.0)
}

fn arg<'a>(rest: &'a [String], name: &str) -> Option<&'a str> {
    rest.iter().position(|a| a == name).and_then(|i| rest.get(i + 1)).map(String::as_str)
}

struct Langs<'a> {
    names: Vec<&'static str>,
    kotlin: Option<&'a str>,
    python: Option<&'a str>,
}

/// Every language, `rounds` times, in stores under `base`. Each round starts with a different
/// language, so a slow spell of the disk (fsync) or a busy CPU does not always fall on the
/// same one.
fn measure(langs: &Langs<'_>, base: &std::path::Path, rounds: usize, n: usize, warmup: usize) -> Vec<Samples> {
    let mut all: Vec<Samples> = langs.names.iter().map(|_| Samples::default()).collect();
    for round in 0..rounds {
        let dir = tempfile::tempdir_in(base).expect("temp dir");
        let count = langs.names.len();
        for k in 0..count {
            let lang = (round + k) % count;
            let sub = dir.path().join(format!("round{round}-lang{lang}"));
            std::fs::create_dir_all(&sub).expect("dir");
            let got = match langs.names[lang] {
                RUST_CORE => rust_core(&sub, n, warmup),
                RUST_API => rust_bindings(&sub, n, warmup),
                KOTLIN => foreign(langs.kotlin.unwrap_or_default(), &sub, n, warmup),
                _ => foreign(langs.python.unwrap_or_default(), &sub, n, warmup),
            };
            all[lang].extend(got);
        }
    }
    all
}

const RUST_CORE: &str = "Rust, core `Store`";
const RUST_API: &str = "Rust, `CompanionCore`";
const KOTLIN: &str = "Kotlin (JVM, JNA)";
const PYTHON: &str = "Python 3 (ctypes)";

fn cell(v: &[Duration], base: &[Duration]) -> String {
    let m = median(v);
    let b = median(base).as_nanos().max(1) as f64;
    format!("{} ({}) | {:.2}×", fmt(m), fmt(percentile(v, 90.0)), m.as_nanos() as f64 / b)
}

pub fn run(rest: &[String]) {
    let quick = rest.iter().any(|a| a == "--quick");
    let n: usize = arg(rest, "--n").and_then(|s| s.parse().ok()).unwrap_or(if quick { 50 } else { 100 });
    let rounds: usize = arg(rest, "--rounds").and_then(|s| s.parse().ok()).unwrap_or(if quick { 1 } else { 8 });
    let warmup = n / 5;
    let kotlin = arg(rest, "--kotlin");
    let python = arg(rest, "--python");
    let mut names = vec![RUST_CORE, RUST_API];
    if kotlin.is_some() {
        names.push(KOTLIN);
    }
    if python.is_some() {
        names.push(PYTHON);
    }
    let langs = Langs { names, kotlin, python };

    // On disk, as an app stores it (every write fsync'd), and on a memory file system, where
    // fsync costs nothing and what remains is the work of the call itself.
    let disk = measure(&langs, &std::env::temp_dir(), rounds, n, warmup);
    let shm = std::path::Path::new("/dev/shm");
    let memory = shm.is_dir().then(|| measure(&langs, shm, rounds, n, warmup));

    println!(
        "Per call, {n} calls per language per round, {rounds} rounds each starting with another language \
         (after {warmup} untimed writes and {CHEAP_WARMUP} untimed calls of each cheap one); \
         median (p90); ratio of medians against Rust calling the same `CompanionCore` API."
    );
    println!();
    let api = 1;
    match &memory {
        Some(mem) => {
            println!("| log an urge | on disk (fsync'd): median (p90) | vs. Rust | in memory (tmpfs): median (p90) | vs. Rust |");
            println!("| --- | ---: | ---: | ---: | ---: |");
            for (i, name) in langs.names.iter().enumerate() {
                println!(
                    "| {name} | {} | {} |",
                    cell(&disk[i].ops[0], &disk[api].ops[0]),
                    cell(&mem[i].ops[0], &mem[api].ops[0])
                );
            }
        }
        None => {
            println!("| log an urge | on disk (fsync'd): median (p90) | vs. Rust |");
            println!("| --- | ---: | ---: |");
            for (i, name) in langs.names.iter().enumerate() {
                println!("| {name} | {} |", cell(&disk[i].ops[0], &disk[api].ops[0]));
            }
        }
    }
    println!();
    let cheap = memory.as_ref().unwrap_or(&disk);
    for (op, (_, label)) in OPS.iter().enumerate().skip(1) {
        println!("| {label} | median (p90) | vs. Rust |");
        println!("| --- | ---: | ---: |");
        for (i, name) in langs.names.iter().enumerate() {
            println!("| {name} | {} |", cell(&cheap[i].ops[op], &cheap[api].ops[op]));
        }
        println!();
    }
    if kotlin.is_none() || python.is_none() {
        println!("(Kotlin and Python rows need bindings/scripts/bench-foreign.sh.)");
    }
}
