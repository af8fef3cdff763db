//! Insights benchmark (issue 4): every insight over five years of heavy use (40,000 urges,
//! 2,000 slips, 1,800 check-ins; the same generated history as the reference test), release
//! build, target < 50 ms each, end to end (reading the encrypted store included).
//!
//! Baselines measured in the same run, on the same store:
//! - the store's bare scan: decrypting all 40,000 urge heads and nothing else (`Store::visit`);
//! - a plaintext SQLite table of the same urges, with the per-day counts and the
//!   weekday-by-hour grid computed by `GROUP BY` queries (what an unencrypted app would pay).
//!
//! `cargo run --release -p companion-tests --bin bench -- insights [--quick]`

use std::time::{Duration, Instant};

use chrono::{Datelike, Timelike};
use companion_core::insights::{DaySpan, SummaryOptions, TOP_TRIGGERS};
use companion_core::store::Scope;
use companion_core::urge::{Outcome, UrgeQuery};
use companion_core::RecordKind;
use companion_tests::history::{generate, Spec};
use companion_tests::stats::{fmt, percentile};
use rusqlite::{params, Connection};

const BUDGET: Duration = Duration::from_millis(50);

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> Vec<Duration> {
    // One warm-up run: the first read of the file also measures the OS page cache.
    std::hint::black_box(f());
    (0..runs)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(f());
            t.elapsed()
        })
        .collect()
}

struct Row {
    name: String,
    samples: Vec<Duration>,
    budgeted: bool,
}

fn plaintext_copy(urges: &[companion_core::urge::Urge]) -> Connection {
    let c = Connection::open_in_memory().unwrap();
    c.execute_batch(
        "CREATE TABLE urge (id BLOB PRIMARY KEY, day TEXT NOT NULL, weekday INTEGER NOT NULL, hour INTEGER NOT NULL,
           intensity INTEGER NOT NULL, duration_secs INTEGER, outcome TEXT) WITHOUT ROWID;
         CREATE INDEX urge_day ON urge(day);",
    )
    .unwrap();
    {
        let mut st = c.prepare("INSERT INTO urge VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)").unwrap();
        for u in urges {
            let l = u.occurred.local();
            st.execute(params![
                &u.id.as_bytes()[..],
                l.date().to_string(),
                l.weekday().num_days_from_monday(),
                l.hour(),
                u.intensity,
                u.duration_secs,
                u.outcome.map(|o| o.as_str())
            ])
            .unwrap();
        }
    }
    c
}

fn plaintext_insights(c: &Connection, from: &str, to: &str) -> usize {
    let mut n = 0;
    let mut per_day = c
        .prepare_cached(
            "SELECT day, count(*), avg(intensity), sum(outcome = 'acted') FROM urge WHERE day BETWEEN ?1 AND ?2 GROUP BY day",
        )
        .unwrap();
    let mut rows = per_day.query(params![from, to]).unwrap();
    while let Some(r) = rows.next().unwrap() {
        n += r.get::<_, i64>(1).unwrap() as usize;
    }
    let mut grid = c
        .prepare_cached("SELECT weekday, hour, count(*) FROM urge WHERE day BETWEEN ?1 AND ?2 GROUP BY weekday, hour")
        .unwrap();
    let mut rows = grid.query(params![from, to]).unwrap();
    while let Some(r) = rows.next().unwrap() {
        n += r.get::<_, i64>(2).unwrap() as usize;
    }
    n
}

pub fn run(args: &[String]) {
    let quick = args.iter().any(|a| a == "--quick");
    let runs = if quick { 10 } else { 50 };
    let started = Instant::now();
    let h = generate(Spec::FIVE_YEARS_HEAVY);
    let generated = started.elapsed();
    let s = &h.store;
    let all = DaySpan::new(h.first_day, h.today).unwrap();
    let year = DaySpan::new(h.today - chrono::Duration::days(364), h.today).unwrap();
    let twelve_weeks = DaySpan::new(h.today - chrono::Duration::days(83), h.today).unwrap();

    // Baselines.
    let scan = time(runs, || s.visit(RecordKind::Urge, Scope::All, false, |_, _, _| Ok(())).unwrap().len());
    let full_urges = s.urges(&UrgeQuery::default()).unwrap().urges;
    let acted = full_urges.iter().filter(|u| u.outcome == Some(Outcome::Acted)).count();
    let plain = plaintext_copy(&full_urges);
    let (pf, pt) = (all.from.to_string(), all.to.to_string());
    let plaintext = time(runs, || plaintext_insights(&plain, &pf, &pt));

    let mut rows: Vec<Row> = Vec::new();
    let mut add = |name: &str, samples: Vec<Duration>, budgeted: bool| {
        rows.push(Row { name: name.to_string(), samples, budgeted });
    };
    // End to end: what an app screen pays (read and decrypt, then compute).
    add(
        "all insights, five years (`Store::insights`)",
        time(runs, || s.insights(all).unwrap().value.urges.total),
        true,
    );
    add("all insights, last 12 weeks", time(runs, || s.insights(twelve_weeks).unwrap().value.urges.total), true);
    add("progress, whole history (`Store::progress`)", time(runs, || s.progress().unwrap().value.urges_total), true);
    add(
        "53 weekly summaries, last year (`Store::weekly_summaries`)",
        time(runs, || s.weekly_summaries(year, SummaryOptions::default()).unwrap().value.len()),
        true,
    );
    add(
        "strategy effectiveness per trigger, five years (`Store::strategy_effectiveness`: the plan's `strategy_stats`)",
        time(runs, || s.strategy_effectiveness(all).unwrap().value.len()),
        true,
    );
    add(
        "load five years of facts (`Store::insight_data`)",
        time(runs, || s.insight_data(None).unwrap().unreadable.len()),
        true,
    );
    // Each insight over five years, from loaded data (the load is the row above).
    let data = s.insight_data(None).unwrap();
    add(
        "· urge summary (mean, peak, median length, outcomes)",
        time(runs, || data.urge_summary(all).unwrap().total),
        true,
    );
    add("· urges per day", time(runs, || data.per_day(all).unwrap().len()), true);
    add("· urges per week", time(runs, || data.per_week(all).unwrap().len()), true);
    add("· acting out and intervals", time(runs, || data.acting_out(all).unwrap().events), true);
    add("· top triggers", time(runs, || data.top_triggers(all, TOP_TRIGGERS).unwrap().len()), true);
    add("· weekday-by-hour grid", time(runs, || data.hour_grid(all).unwrap().max), true);
    add("· check-in links (correlations)", time(runs, || data.check_in_summary(all).unwrap().days), true);
    add("· high-risk windows", time(runs, || data.high_risk_windows(all).unwrap().len()), true);
    add("· slips and vulnerability factors", time(runs, || data.slip_summary(all).unwrap().slips), true);
    add("· progress", time(runs, || data.progress().unwrap().urges_total), true);
    add("· all insights", time(runs, || data.insights(all).unwrap().urges.total), true);

    let base = percentile(&scan, 50.0);
    println!("## Insights\n");
    println!(
        "Release build, {runs} runs after one warm-up; a generated five-year history ({} urges, {} acted on, \
         2,000 slips, 1,800 check-ins; generated in {:.1} s), the same generator as the reference test \
         (`tests/tests/insights_reference.rs`). Budget: < 50 ms for each insight, end to end.\n",
        full_urges.len(),
        acted,
        generated.as_secs_f64()
    );
    println!("| baseline, same run | p50 | p99 |");
    println!("|---|---|---|");
    println!(
        "| store scan: decrypt all 40,000 urge heads, nothing else | {} | {} |",
        fmt(base),
        fmt(percentile(&scan, 99.0))
    );
    println!(
        "| plaintext SQLite (in memory): per-day counts and the grid by `GROUP BY` | {} | {} |\n",
        fmt(percentile(&plaintext, 50.0)),
        fmt(percentile(&plaintext, 99.0))
    );
    println!("| insight | p50 | p99 | p50 / store scan | within 50 ms |");
    println!("|---|---|---|---|---|");
    let mut over = Vec::new();
    for r in &rows {
        let p50 = percentile(&r.samples, 50.0);
        let p99 = percentile(&r.samples, 99.0);
        let ok = p99 < BUDGET;
        if r.budgeted && !ok {
            over.push(r.name.clone());
        }
        println!(
            "| {} | {} | {} | {:.2}× | {} |",
            r.name,
            fmt(p50),
            fmt(p99),
            p50.as_secs_f64() / base.as_secs_f64().max(1e-12),
            if ok { "yes" } else { "**no**" }
        );
    }
    println!();
    if over.is_empty() {
        println!("Every insight is within budget at p99.\n");
    } else {
        println!("Over budget at p99: {}.\n", over.join(", "));
    }
}
