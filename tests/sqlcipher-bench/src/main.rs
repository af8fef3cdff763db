//! The store benchmark's workloads on SQLCipher 4, the encrypted SQLite people would
//! otherwise pick. Prints JSON (nanoseconds) for `bench store` to put beside its own figures.
//!
//! Usage: sqlcipher-bench DIR N_LOG

use std::path::Path;
use std::time::{Duration, Instant};

use rusqlite::{params, Connection};

const RAW_KEY: &str = "x'2b7e151628aed2a6abf7158809cf4f3c2b7e151628aed2a6abf7158809cf4f3c'";
const ROWS: usize = 40_000;

fn pct(v: &mut [Duration], p: f64) -> u128 {
    v.sort();
    let rank = ((p / 100.0) * v.len() as f64).ceil().max(1.0) as usize;
    v[rank.min(v.len()) - 1].as_nanos()
}

fn open(path: &Path, key: &str) -> Connection {
    let c = Connection::open(path).expect("open");
    c.execute_batch(&format!("PRAGMA key = \"{key}\";")).expect("key");
    c.query_row("PRAGMA journal_mode=WAL", [], |_| Ok(())).expect("wal");
    c.execute_batch("PRAGMA synchronous=FULL; PRAGMA secure_delete=ON; PRAGMA journal_size_limit=4194304;")
        .expect("pragmas");
    c
}

fn create(c: &Connection) {
    c.execute_batch(
        "CREATE TABLE urge (id BLOB PRIMARY KEY, day TEXT NOT NULL, occurred INTEGER NOT NULL,
           offset_secs INTEGER NOT NULL, zone TEXT, logged INTEGER NOT NULL, intensity INTEGER NOT NULL,
           triggers TEXT, feelings TEXT, place TEXT, company TEXT, activity TEXT, note TEXT,
           duration_secs INTEGER, outcome TEXT, strategies TEXT) WITHOUT ROWID;
         CREATE INDEX urge_day ON urge(day);",
    )
    .expect("schema");
}

fn id(i: usize) -> [u8; 16] {
    let mut id = [0u8; 16];
    id[..8].copy_from_slice(&(i as u64).to_le_bytes());
    id[8..].copy_from_slice(&0x9e37_79b9_7f4a_7c15u64.wrapping_mul(i as u64 + 1).to_le_bytes());
    id
}

fn insert(c: &Connection, i: usize, day: &str) {
    c.execute(
        "INSERT INTO urge VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
        params![
            &id(i)[..],
            day,
            1_781_553_600_000i64 + i as i64,
            7200,
            "Europe/Berlin",
            1_781_553_600_000i64,
            (i % 11) as i64,
            "lonely\u{1f}late-night scrolling",
            "restless",
            "home",
            "alone",
            "phone in bed",
            "Noticed it early and put the phone in the kitchen.",
            600 + (i % 1800) as i64,
            if i % 7 == 0 { "acted" } else { "surfed" },
            ""
        ],
    )
    .expect("insert");
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let dir = Path::new(args.get(1).map(String::as_str).unwrap_or("sqlcipher-bench-data")).to_path_buf();
    let n_log: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1000);
    std::fs::create_dir_all(&dir).expect("dir");

    // Log: one durable insert per transaction.
    let c = open(&dir.join("log.db"), RAW_KEY);
    create(&c);
    let mut log = Vec::new();
    for i in 0..n_log {
        let t = Instant::now();
        insert(&c, i, "2026-06-15");
        log.push(t.elapsed());
    }
    drop(c);

    // Five years: 40,000 rows, ~22 per day; then open + list today.
    let big = dir.join("big.db");
    {
        let mut c = open(&big, RAW_KEY);
        create(&c);
        let tx = c.transaction().expect("tx");
        for i in 0..ROWS {
            let day_index = i * 1825 / ROWS; // 0..1825 days back
            let days_back = 1824 - day_index;
            let day = format!("d{days_back:05}");
            insert(&tx, i, &day);
        }
        tx.commit().expect("commit");
    }
    let mut open_list = Vec::new();
    let mut n = 0;
    for _ in 0..30 {
        let t = Instant::now();
        let c = open(&big, RAW_KEY);
        let mut stmt = c.prepare("SELECT * FROM urge WHERE day = ?1 ORDER BY occurred").expect("prepare");
        let rows: Vec<(Vec<u8>, String, Option<String>)> = stmt
            .query_map(["d00000"], |r| Ok((r.get(0)?, r.get(1)?, r.get(12)?)))
            .expect("query")
            .map(|r| r.expect("row"))
            .collect();
        n = rows.len();
        open_list.push(t.elapsed());
    }

    // Passphrase unlock with SQLCipher's default KDF.
    let pw = dir.join("pw.db");
    {
        let c = open(&pw, "correct horse battery staple");
        create(&c);
    }
    let mut unlock = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let c = open(&pw, "correct horse battery staple");
        let _: i64 = c.query_row("SELECT count(*) FROM urge", [], |r| r.get(0)).expect("count");
        unlock.push(t.elapsed());
    }
    let unlock_max = unlock.iter().max().map(|d| d.as_nanos()).unwrap_or(0);
    println!(
        "{{\"log_p50_ns\":{},\"log_p99_ns\":{},\"open_list_p50_ns\":{},\"open_list_p99_ns\":{},\"listed\":{},\"unlock_p50_ns\":{},\"unlock_max_ns\":{}}}",
        pct(&mut log, 50.0),
        pct(&mut log, 99.0),
        pct(&mut open_list, 50.0),
        pct(&mut open_list, 99.0),
        n,
        pct(&mut unlock, 50.0),
        unlock_max
    );
}
