//! Crash safety: writer processes are SIGKILLed at random moments, many times. Every entry
//! whose `urge log` exited 0 must be there afterwards, and SQLite's integrity check passes.

mod common;

use std::collections::HashMap;
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::*;

/// xorshift64*: deterministic for a printed seed.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

#[test]
fn killed_writers_never_lose_acknowledged_entries() {
    let seed = std::env::var("CRASH_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(1) | 1
    });
    eprintln!("crash test seed: {seed} (rerun with CRASH_SEED={seed})");
    let mut rng = Rng(seed);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    init(&dir);

    let rounds: usize = std::env::var("CRASH_ROUNDS").ok().and_then(|s| s.parse().ok()).unwrap_or(200);
    let mut acknowledged: HashMap<String, String> = HashMap::new();
    let (mut killed, mut finished) = (0, 0);
    // Measure one writer to aim kills inside its lifetime.
    let t = Instant::now();
    ok(&dir, &["urge", "log", "--intensity", "1", "--note", "warm-up"]);
    let life_us = (t.elapsed().as_micros() as u64).max(2_000);

    for round in 0..rounds {
        let mut children = Vec::new();
        for w in 0..3 {
            let note = format!("crash-{round}-{w}");
            let child = cmd(&dir)
                .args(["urge", "log", "--intensity", "5", "--trigger", "stressed", "--note", &note])
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            children.push((child, note, rng.below(3) != 0, rng.below(life_us * 3 / 2)));
        }
        let start = Instant::now();
        for (child, _, kill, at_us) in &mut children {
            if *kill {
                let wait = Duration::from_micros(*at_us).saturating_sub(start.elapsed());
                std::thread::sleep(wait);
                let _ = unsafe_kill(child.id());
            }
        }
        for (child, note, _, _) in children {
            let out = child.wait_with_output().unwrap();
            if out.status.success() {
                finished += 1;
                let id = String::from_utf8(out.stdout).unwrap().trim().to_string();
                assert_eq!(id.len(), 26, "exit 0 without an id");
                acknowledged.insert(id, note);
            } else {
                killed += 1;
            }
        }
    }
    eprintln!("crash test: {finished} writers finished, {killed} were killed");
    assert!(finished >= 10 && killed >= 10, "the test did not exercise both outcomes ({finished}/{killed})");

    let listed = json(&dir, &["urge", "list", "--all"]);
    let by_id: HashMap<&str, &str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|u| (u["id"].as_str().unwrap(), u["note"].as_str().unwrap_or_default()))
        .collect();
    for (id, note) in &acknowledged {
        assert_eq!(by_id.get(id.as_str()), Some(&note.as_str()), "acknowledged entry {id} is missing or changed");
    }
    let conn = rusqlite::Connection::open(dir.join("companion.db")).unwrap();
    let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(check, "ok");
}

fn unsafe_kill(pid: u32) -> i32 {
    // The child may already have exited; ESRCH is fine.
    #[allow(unsafe_code)]
    unsafe {
        libc::kill(pid as libc::pid_t, libc::SIGKILL)
    }
}
