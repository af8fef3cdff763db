//! Coping plan benchmark (issue 4): lookup over a plan of 200 strategies (target < 1 ms p99),
//! against an exact-name lookup measured in the same run; plus the cold path an app pays once
//! (open the encrypted plan, learn from the urge history, index), a durable plan edit, and
//! the size of the stored document.
//!
//! `cargo run --release -p companion-tests --bin bench -- plan [--quick]`

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use companion_core::crypto::Passphrase;
use companion_core::plan::{CopingPlan, LookupQuery, PlanEdit, PlanIndex, StrategyKind};
use companion_core::store::CreateOptions;
use companion_core::text::fold;
use companion_core::time::LocalStamp;
use companion_core::urge::{NewUrge, Outcome};
use companion_core::{ManualClock, RecordId, Store, Unlock, Zone};
use companion_tests::stats::{fmt, mean, percentile};

const TRIGGERS: [&str; 20] = [
    "Lonely after work",
    "Stress at work",
    "Bored at home",
    "Can't sleep",
    "Late-night scrolling",
    "Argument with my partner",
    "Feeling rejected",
    "Drinking with friends",
    "Hotel rooms when travelling",
    "Anxiety before meetings",
    "Sadness on Sundays",
    "Payday",
    "Home alone at the weekend",
    "Tired after night shifts",
    "Seeing a triggering ad",
    "Procrastinating on a deadline",
    "Hungry and irritable",
    "Celebrating good news",
    "Long commute",
    "Phone in bed",
];

const WARNING_SIGNS: [&str; 20] = [
    "Staying up past midnight",
    "Telling myself just five minutes",
    "Isolating from friends",
    "Skipping the gym",
    "Keeping secrets",
    "Browsing without a reason",
    "Feeling entitled to a reward",
    "Not answering messages",
    "Skipping meals",
    "Cancelling plans",
    "Resentment building up",
    "Feeling numb",
    "Ruminating about the past",
    "Working late every day",
    "Drinking alone",
    "Checking dating apps",
    "Sleeping badly for days",
    "Avoiding my therapist",
    "Feeling invisible",
    "Restless evenings",
];

const STRATEGIES: [(&str, StrategyKind); 20] = [
    ("Call Sam Example", StrategyKind::ReachOut),
    ("Go for a run", StrategyKind::ValuedActivity),
    ("Box breathing for four minutes", StrategyKind::GroundOrBreathe),
    ("Set a 15-minute timer and wait", StrategyKind::Delay),
    ("Put the phone in the kitchen", StrategyKind::ChangeEnvironment),
    ("Message the group chat", StrategyKind::ReachOut),
    ("Play guitar for twenty minutes", StrategyKind::ValuedActivity),
    ("5-4-3-2-1 grounding", StrategyKind::GroundOrBreathe),
    ("Surf the urge and rate it every five minutes", StrategyKind::SurfTheUrge),
    ("Read my reasons for recovery", StrategyKind::ReasonsAndValues),
    ("Write a kind letter to myself", StrategyKind::SelfCompassion),
    ("Leave the flat and walk to the library", StrategyKind::ChangeEnvironment),
    ("Cold shower", StrategyKind::GroundOrBreathe),
    ("Cook something new", StrategyKind::ValuedActivity),
    ("Turn on the blocker", StrategyKind::ChangeEnvironment),
    ("Text Alex Example", StrategyKind::ReachOut),
    ("Journal for ten minutes", StrategyKind::SelfCompassion),
    ("Go to the climbing gym", StrategyKind::ValuedActivity),
    ("Listen to the body scan recording", StrategyKind::GroundOrBreathe),
    ("Sit with it kindly", StrategyKind::SelfCompassion),
];

/// What people type at a hard moment: exact names, typos, inflections, synonyms, free text.
const QUERIES: [&str; 40] = [
    "lonely",
    "lonley",
    "loneliness",
    "so alone tonight",
    "stressed",
    "stresed at work",
    "under pressure",
    "bored",
    "borred",
    "nothing to do",
    "cant sleep, lonely",
    "insomnia",
    "exhausted",
    "tierd",
    "scrolling",
    "instagram",
    "fight with my wife",
    "rejected",
    "ghosted",
    "drunk",
    "hotel",
    "anxious",
    "panicking before a meeting",
    "feeling down",
    "payday",
    "home alone",
    "night shift",
    "saw an ad",
    "deadline tomorrow",
    "hungry",
    "just five minutes",
    "keeping secrets again",
    "checking tinder",
    "I feel lonely and bored and tired",
    "resentful",
    "numb",
    "skipped dinner",
    "breathing",
    "xyzzy",
    "",
];

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 15, 18, 0, 0).single().unwrap_or_default()
}

fn zone() -> Zone {
    Zone::parse("Europe/Berlin").unwrap_or(Zone::UTC)
}

fn new_store(dir: &std::path::Path) -> Store {
    let clock = ManualClock::new(now(), zone());
    let pass = Passphrase::new(b"bench passphrase".to_vec()).expect("passphrase");
    Store::create(
        dir.join("plan.db"),
        Unlock::Passphrase(&pass),
        Arc::new(clock),
        CreateOptions::insecure_fast_for_tests(),
    )
    .expect("create store")
}

/// 40 items (20 triggers, 20 warning signs) with 5 strategies each: 200 strategies.
fn build_plan(store: &Store) -> Vec<RecordId> {
    let mut adds: Vec<PlanEdit> = TRIGGERS.iter().map(|n| PlanEdit::AddTrigger { name: n.to_string() }).collect();
    adds.extend(WARNING_SIGNS.iter().map(|n| PlanEdit::AddWarningSign { name: n.to_string() }));
    let (_, ids) = store.edit_plan(&adds).expect("add items");
    let mut edits = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        for k in 0..5 {
            let (text, kind) = STRATEGIES[(i * 7 + k * 3) % STRATEGIES.len()];
            edits.push(PlanEdit::AddStrategy { for_item: Some(*id), text: text.to_string(), kind: Some(kind) });
        }
    }
    store.edit_plan(&edits).expect("add strategies");
    ids
}

/// Urges with outcomes naming plan triggers and strategies, spread over `days`.
fn fill_history(store: &Store, n: usize, days: i64) {
    let z = zone();
    let span = days * 24 * 3600 * 1000;
    let step = span / n as i64;
    let mut batch = Vec::with_capacity(2000);
    for i in 0..n {
        let at = Utc.timestamp_millis_opt(now().timestamp_millis() - span + step * i as i64).single().unwrap_or(now());
        let trigger = TRIGGERS[i % TRIGGERS.len()];
        let (strategy, _) = STRATEGIES[(i / 3) % STRATEGIES.len()];
        batch.push(NewUrge {
            intensity: (i % 11) as u8,
            occurred: Some(LocalStamp::at(at, &z)),
            triggers: vec![trigger.to_string()],
            strategies: vec![strategy.to_string()],
            outcome: Some(if i % 4 == 0 { Outcome::Acted } else { Outcome::Coped }),
            ..Default::default()
        });
        if batch.len() == 2000 {
            store.log_urges(std::mem::take(&mut batch)).expect("log urges");
        }
    }
    if !batch.is_empty() {
        store.log_urges(batch).expect("log urges");
    }
}

/// Baseline: what an app without tolerance would do: exact (case-folded) item names only.
fn exact_lookup<'a>(plan: &'a CopingPlan, q: &str) -> Vec<&'a str> {
    let f = fold(q);
    plan.items().filter(|i| fold(&i.name) == f).flat_map(|i| i.strategies.iter().map(|s| s.text.as_str())).collect()
}

fn time_n(n: usize, mut f: impl FnMut(usize)) -> Vec<Duration> {
    let mut samples = Vec::with_capacity(n);
    for i in 0..n {
        let t = Instant::now();
        f(i);
        samples.push(t.elapsed());
    }
    samples
}

fn row(name: &str, s: &[Duration]) {
    println!(
        "| {name} | {} | {} | {} | {} |",
        fmt(percentile(s, 50.0)),
        fmt(percentile(s, 99.0)),
        fmt(mean(s)),
        fmt(percentile(s, 100.0))
    );
}

pub fn run(args: &[String]) {
    let quick = args.iter().any(|a| a == "--quick");
    let lookups = if quick { 4_000 } else { 40_000 };
    let history = if quick { 4_000 } else { 40_000 };
    let tmp = tempfile::tempdir().expect("temp dir");
    let store = new_store(tmp.path());
    build_plan(&store);
    fill_history(&store, history, 5 * 365);
    let local_now = zone().local(now());

    let ix: PlanIndex = store.plan_index().expect("index");
    let plan = ix.plan().clone();
    assert_eq!(plan.strategy_count(), 200);
    let queries: Vec<LookupQuery> = QUERIES
        .iter()
        .enumerate()
        .map(|(i, q)| LookupQuery { text: q.to_string(), intensity: Some((i % 11) as u8), ..Default::default() })
        .collect();
    // Warm up, and check the work is real: tolerant lookups find strategies for most queries.
    let mut found = 0;
    for q in &queries {
        let l = ix.lookup(q, local_now).expect("lookup");
        found += usize::from(!l.matched.is_empty());
    }
    let exact_found = QUERIES.iter().filter(|q| !exact_lookup(&plan, q).is_empty()).count();

    let mut sink = 0usize;
    // Interleaved in blocks so both see the same machine state.
    let mut ours = Vec::with_capacity(lookups);
    let mut base = Vec::with_capacity(lookups);
    for block in 0..lookups / 200 {
        ours.extend(time_n(200, |i| {
            let q = &queries[(block * 200 + i) % queries.len()];
            sink += ix.lookup(q, local_now).map(|l| l.strategies.len()).unwrap_or(0);
        }));
        base.extend(time_n(200, |i| {
            sink += exact_lookup(&plan, QUERIES[(block * 200 + i) % QUERIES.len()]).len();
        }));
    }

    // Cold path: decrypt the plan, load the document, learn from the history, index, look up.
    let cold_runs = if quick { 5 } else { 20 };
    let cold = time_n(cold_runs, |i| {
        let q = &queries[i % queries.len()];
        sink += store.find_in_plan(q).map(|l| l.strategies.len()).unwrap_or(0);
    });
    let load_only = time_n(cold_runs, |_| {
        sink += store.plan().map(|p| p.plan.strategy_count()).unwrap_or(0);
    });
    let stats_only = time_n(cold_runs, |_| {
        sink += store.strategy_stats(Default::default()).map(|s| s.by_trigger.len()).unwrap_or(0);
    });
    let scan_only = time_n(cold_runs, |_| {
        let mut n = 0usize;
        let bad = store.visit_urge_facts(None, None, |f| n += f.strategies.len()).expect("scan");
        sink += n + bad.len();
    });
    let index_only = time_n(cold_runs, |_| {
        sink += store.plan_index().map(|ix| ix.plan().strategy_count()).unwrap_or(0);
    });

    // A durable edit (rename one strategy), with chunks and compaction as they come.
    let target = plan.triggers[0].strategies[0].id;
    let edits = if quick { 50 } else { 300 };
    let edit = time_n(edits, |i| {
        let text = format!("Call Sam Example ({i})");
        store.edit_plan(&[PlanEdit::Rename { id: target, text }]).expect("edit");
    });
    let doc_bytes = store.plan_document().expect("document").len();

    println!("## Coping plan (issue 4)\n");
    println!(
        "Release build, one run. A plan of {} strategies under 40 triggers and warning signs (5 each); \
         {history} urges of history with outcomes. {lookups} lookups cycling through {} queries \
         (exact, misspelled, inflected, synonyms, free text, nothing), at intensities 0-10, interleaved \
         in blocks of 200 with the baseline.\n",
        plan.strategy_count(),
        QUERIES.len()
    );
    println!("| lookup | p50 | p99 | mean | max |");
    println!("|---|---|---|---|---|");
    row("`PlanIndex::lookup`: typos, stems, synonyms, ranking, reachability (target p99 < 1 ms)", &ours);
    row("baseline: exact item name only (`fold` and compare)", &base);
    let r = percentile(&ours, 99.0).as_secs_f64() / percentile(&base, 99.0).as_secs_f64().max(1e-12);
    println!(
        "\np99 ratio lookup / baseline: {r:.1}x. Queries with a matched trigger or warning sign: \
         {found} of {} (baseline: {exact_found}).\n",
        QUERIES.len()
    );
    println!("| once per screen or change | p50 | p99 | mean | max |");
    println!("|---|---|---|---|---|");
    row("`Store::plan`: decrypt and load the plan document, read it", &load_only);
    row(&format!("baseline: `Store::visit_urge_facts` over {history} urges (the scan alone)"), &scan_only);
    row(&format!("`Store::strategy_stats`: effectiveness from {history} urges (includes `Store::plan`)"), &stats_only);
    row("`Store::plan_index`: load, learn from the last year's urges, index", &index_only);
    row("`Store::find_in_plan` (the above plus one lookup)", &cold);
    row(&format!("`Store::edit_plan`, durable (rename a strategy; {edits} edits with compaction)"), &edit);
    println!("\nStored plan document after {edits} edits (compacted, full history): {} KiB.\n", doc_bytes / 1024);
    if sink == usize::MAX {
        println!("(unreachable)");
    }
}
