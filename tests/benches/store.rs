//! Store benchmark (issue 2): durable urge logging vs a plaintext SQLite table, opening a
//! five-year store and listing today, passphrase unlock, and the same workloads on SQLCipher
//! (a separate binary outside the workspace, run as a subprocess in the same run).
//!
//! `cargo run --release -p companion-tests --bin bench -- store [--quick]`

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use companion_core::crypto::{KdfCost, KeyProvider, KeyProviderError, Passphrase};
use companion_core::store::CreateOptions;
use companion_core::time::LocalStamp;
use companion_core::urge::{Company, NewUrge, Outcome};
use companion_core::{ManualClock, Store, Unlock, Zone};
use companion_tests::stats::{fmt, percentile};
use rusqlite::{params, Connection};

/// Hands the data key back as-is: the "key at hand" case (a platform keystore that has
/// already released it), so opening measures the store and not a KDF.
struct KeyAtHand;
impl KeyProvider for KeyAtHand {
    fn wrap_key(&self, k: Vec<u8>) -> Result<Vec<u8>, KeyProviderError> {
        Ok(k)
    }
    fn unwrap_key(&self, w: Vec<u8>) -> Result<Vec<u8>, KeyProviderError> {
        Ok(w)
    }
}

const FIVE_YEARS_URGES: usize = 40_000;

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 15, 20, 0, 0).single().unwrap_or_default()
}

fn zone() -> Zone {
    Zone::parse("Europe/Berlin").unwrap_or(Zone::UTC)
}

fn sample_urge(i: usize, at: Option<LocalStamp>) -> NewUrge {
    NewUrge {
        intensity: (i % 11) as u8,
        occurred: at,
        triggers: vec!["lonely".into(), "late-night scrolling".into()],
        feelings: vec!["restless".into()],
        place: Some("home".into()),
        company: Some(Company::Alone),
        activity: Some("phone in bed".into()),
        note: Some("Noticed it early and put the phone in the kitchen.".into()),
        duration_secs: Some(600 + (i as u32 % 1800)),
        ended: None,
        outcome: Some(if i.is_multiple_of(7) { Outcome::Acted } else { Outcome::Surfed }),
        strategies: vec![],
    }
}

/// Plaintext baseline: the same fields in ordinary columns, same pragmas, same shape of
/// table (random 16-byte key, WITHOUT ROWID, an index to find a day's entries).
fn plaintext_db(path: &Path) -> Connection {
    let c = Connection::open(path).unwrap();
    c.query_row("PRAGMA journal_mode=WAL", [], |_| Ok(())).unwrap();
    c.execute_batch(
        "PRAGMA synchronous=FULL; PRAGMA secure_delete=ON; PRAGMA journal_size_limit=4194304;
         CREATE TABLE urge (id BLOB PRIMARY KEY, day TEXT NOT NULL, occurred INTEGER NOT NULL,
           offset_secs INTEGER NOT NULL, zone TEXT, logged INTEGER NOT NULL, intensity INTEGER NOT NULL,
           triggers TEXT, feelings TEXT, place TEXT, company TEXT, activity TEXT, note TEXT,
           duration_secs INTEGER, outcome TEXT, strategies TEXT) WITHOUT ROWID;
         CREATE INDEX urge_day ON urge(day);",
    )
    .unwrap();
    c
}

fn plaintext_insert(c: &Connection, i: usize) {
    let u = sample_urge(i, None);
    let mut id = [0u8; 16];
    id[..8].copy_from_slice(&(i as u64).to_le_bytes());
    id[8..].copy_from_slice(&0x9e37_79b9_7f4a_7c15u64.wrapping_mul(i as u64 + 1).to_le_bytes());
    let t = now().timestamp_millis();
    c.execute(
        "INSERT INTO urge VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
        params![
            &id[..],
            "2026-06-15",
            t,
            7200,
            "Europe/Berlin",
            t,
            u.intensity,
            u.triggers.join("\u{1f}"),
            u.feelings.join("\u{1f}"),
            u.place,
            "alone",
            u.activity,
            u.note,
            u.duration_secs,
            "surfed",
            ""
        ],
    )
    .unwrap();
}

struct Timings {
    samples: Vec<Duration>,
}

impl Timings {
    fn p(&self, q: f64) -> Duration {
        percentile(&self.samples, q)
    }
}

fn time_n(n: usize, mut f: impl FnMut(usize)) -> Timings {
    let mut samples = Vec::with_capacity(n);
    for i in 0..n {
        let t = Instant::now();
        f(i);
        samples.push(t.elapsed());
    }
    Timings { samples }
}

fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64().max(1e-12)
}

/// Fill a store with five years of heavy use: 40,000 urges, about 22 a day, ending today.
fn fill_five_years(store: &Store) {
    let z = zone();
    let end = now();
    let span_ms = 5 * 365 * 24 * 3600 * 1000i64;
    let step = span_ms / FIVE_YEARS_URGES as i64;
    let mut batch = Vec::new();
    for i in 0..FIVE_YEARS_URGES {
        let at = Utc.timestamp_millis_opt(end.timestamp_millis() - span_ms + step * i as i64).single().unwrap_or(end);
        batch.push(sample_urge(i, Some(LocalStamp::at(at, &z))));
    }
    for chunk in batch.chunks(2000) {
        store.log_urges(chunk.to_vec()).unwrap();
    }
}

fn sqlcipher_results(dir: &Path, n_log: usize) -> Option<serde_json::Value> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("sqlcipher-bench/Cargo.toml");
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"));
    let status = Command::new(env!("CARGO"))
        .args(["build", "--release", "--quiet", "--manifest-path"])
        .arg(&manifest)
        .env("CARGO_TARGET_DIR", target.join("sqlcipher-bench"))
        .status()
        .ok()?;
    if !status.success() {
        eprintln!("bench store: the SQLCipher comparison did not build (is libssl-dev installed?)");
        return None;
    }
    let bin = target.join("sqlcipher-bench/release/sqlcipher-bench");
    let out = Command::new(bin).arg(dir.join("sqlcipher")).arg(n_log.to_string()).output().ok()?;
    if !out.status.success() {
        eprintln!("bench store: SQLCipher run failed: {}", String::from_utf8_lossy(&out.stderr));
        return None;
    }
    serde_json::from_slice(&out.stdout).ok()
}

pub fn run(args: &[String]) {
    let quick = args.iter().any(|a| a == "--quick");
    let n_log = if quick { 200 } else { 1000 };
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(now(), zone());
    println!("## Local store (issue 2)\n");
    println!("Release build, one run; {n_log} durable inserts each, interleaved in blocks of 50 so both see the same disk.\n");

    // (a) Logging one urge, durable on return, vs a plaintext insert with the same pragmas.
    let store = Store::create(
        dir.path().join("bench.db"),
        Unlock::Provider(&KeyAtHand),
        Arc::new(clock.clone()),
        CreateOptions::default(),
    )
    .unwrap();
    let plain = plaintext_db(&dir.path().join("plain.db"));
    let mut ours = Vec::new();
    let mut base = Vec::new();
    let mut i = 0;
    while i < n_log {
        base.extend(time_n(50, |k| plaintext_insert(&plain, i + k)).samples);
        ours.extend(
            time_n(50, |k| {
                store.log_urge(sample_urge(i + k, None)).unwrap();
            })
            .samples,
        );
        i += 50;
    }
    let ours = Timings { samples: ours };
    let base = Timings { samples: base };
    println!("| (a) log one urge, durable | p50 | p99 |");
    println!("|---|---|---|");
    println!("| companion store (AES-256-GCM fields) | {} | {} |", fmt(ours.p(50.0)), fmt(ours.p(99.0)));
    println!("| plaintext SQLite, same pragmas | {} | {} |", fmt(base.p(50.0)), fmt(base.p(99.0)));
    println!(
        "| **ratio** (target ≤ 1.1) | **{:.2}×** | **{:.2}×** |\n",
        ratio(ours.p(50.0), base.p(50.0)),
        ratio(ours.p(99.0), base.p(99.0))
    );
    drop(store);

    // (b) Open a five-year store with the key at hand and list today's entries.
    let big = dir.path().join("five-years.db");
    {
        let s = Store::create(&big, Unlock::Provider(&KeyAtHand), Arc::new(clock.clone()), CreateOptions::default())
            .unwrap();
        fill_five_years(&s);
    }
    let today = clock.clone();
    let mut open_list = Vec::new();
    let mut listed = 0;
    for _ in 0..if quick { 10 } else { 30 } {
        let t = Instant::now();
        let s = Store::open(&big, Unlock::Provider(&KeyAtHand), Arc::new(today.clone())).unwrap();
        let l = s.urges_on(today_date(), true).unwrap();
        open_list.push(t.elapsed());
        listed = l.urges.len();
        drop(s);
    }
    let ol = Timings { samples: open_list };
    println!("| (b) open a 40,000-urge store (key at hand) and list today's {listed} entries | p50 | p99 |");
    println!("|---|---|---|");
    println!("| companion store (target < 5 ms) | {} | {} |", fmt(ol.p(50.0)), fmt(ol.p(99.0)));

    // (c) Passphrase unlock.
    let pw = dir.path().join("pw.db");
    let pass = Passphrase::new(b"correct horse battery staple".to_vec()).unwrap();
    drop(Store::create(&pw, Unlock::Passphrase(&pass), Arc::new(clock.clone()), CreateOptions::default()).unwrap());
    let unlock = time_n(5, |_| {
        drop(Store::open(&pw, Unlock::Passphrase(&pass), Arc::new(clock.clone())).unwrap());
    });

    // (d) SQLCipher, same workloads, same run.
    let sc = sqlcipher_results(dir.path(), n_log);
    if let Some(v) = &sc {
        let g = |k: &str| Duration::from_nanos(v[k].as_u64().unwrap_or(0));
        println!(
            "| SQLCipher 4 (raw key, same pragmas) | {} | {} |",
            fmt(g("open_list_p50_ns")),
            fmt(g("open_list_p99_ns"))
        );
        println!(
            "| **ratio companion / SQLCipher** | **{:.2}×** | **{:.2}×** |\n",
            ratio(ol.p(50.0), g("open_list_p50_ns")),
            ratio(ol.p(99.0), g("open_list_p99_ns"))
        );
        println!("| (d) log one urge, durable | p50 | p99 |");
        println!("|---|---|---|");
        println!("| SQLCipher 4 | {} | {} |", fmt(g("log_p50_ns")), fmt(g("log_p99_ns")));
        println!(
            "| **ratio companion / SQLCipher** | **{:.2}×** | **{:.2}×** |\n",
            ratio(ours.p(50.0), g("log_p50_ns")),
            ratio(ours.p(99.0), g("log_p99_ns"))
        );
    } else {
        println!("\n(SQLCipher comparison unavailable in this run.)\n");
    }
    println!("| (c) passphrase unlock (PBKDF2-HMAC-SHA256, 600,000 iterations) | p50 | max |");
    println!("|---|---|---|");
    println!("| open with passphrase | {} | {} |", fmt(unlock.p(50.0)), fmt(unlock.p(100.0)));
    if let Some(v) = &sc {
        let g = |k: &str| Duration::from_nanos(v[k].as_u64().unwrap_or(0));
        println!(
            "| SQLCipher 4 with passphrase (its default KDF: PBKDF2-HMAC-SHA512, 256,000) | {} | {} |",
            fmt(g("unlock_p50_ns")),
            fmt(g("unlock_max_ns"))
        );
    }
    println!();
    let _ = KdfCost::DEFAULT;
}

fn today_date() -> chrono::NaiveDate {
    zone().date_of(now())
}
