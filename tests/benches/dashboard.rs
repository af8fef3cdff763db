//! Dashboard benchmark (issue 14): the clinician's page for a client who shares a year of urges
//! (8,000 entries, with slips and check-ins), target < 300 ms after sync; the clients page with
//! 100 clients, target < 1 s. Release build, page rendering end to end (the report computed by
//! the core's insights over the shared entries, charts drawn, HTML written).
//!
//! The shares are what the client's projection writes (`share::project`), read the way the
//! dashboard reads a pulled document (automerge → entries → typed content). Measured beside:
//! - what reading the share again costs once a sync changed it (automerge document → typed
//!   entries; the dashboard does it once per changed share, not per page view);
//! - baselines in the same run: the client's own `companion insights` computation over the same
//!   year in their encrypted store, and a plain one-line-per-share listing of the 100 clients
//!   (what `companion-clinician shares` prints).
//!
//! `cargo run --release -p companion-tests --bin bench -- dashboard [--quick]`

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{Duration as Days, FixedOffset};
use companion_clinician::dashboard::render::{self, Frame};
use companion_clinician::report;
use companion_clinician::shared::entries;
use companion_clinician::shared::{Client, Content, Share, ShareState};
use companion_core::clinician::SharedView;
use companion_core::insights::DaySpan;
use companion_core::protocol::ShareId;
use companion_core::share::entries as docs;
use companion_core::share::project::{project, Projected};
use companion_core::share::{Category, Window};
use companion_tests::history::{generate, Spec};
use companion_tests::stats::{fmt, percentile};

const PAGE_BUDGET: Duration = Duration::from_millis(300);
const CLIENTS_BUDGET: Duration = Duration::from_secs(1);

/// A year of heavy use: 8,000 urges, slips and check-ins.
const YEAR: Spec = Spec { days: 365, urges: 8_000, slips: 120, check_ins: 330, seed: 0x5eed_0014 };

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> Vec<Duration> {
    std::hint::black_box(f());
    (0..runs)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(f());
            t.elapsed()
        })
        .collect()
}

/// The share document the client's sync writes for `c`, and the view the dashboard reads from it.
fn document(store: &companion_core::Store, c: Category) -> (automerge::AutoCommit, usize) {
    let everything = Window { from: None, until: None };
    let Projected::Entries(entries) = project(store, c, everything).expect("projection") else {
        panic!("not an entries category")
    };
    let mut doc = docs::genesis(c.as_str()).expect("genesis");
    docs::update(&mut doc, &entries).expect("document");
    let n = entries.len();
    (doc, n)
}

/// What the dashboard does when a pulled share changed: read the document, type its entries.
fn reread(doc: &automerge::AutoCommit, c: Category) -> Content {
    let view = SharedView::Entries { category: c.as_str().into(), entries: docs::read_entries(doc).expect("read") };
    entries::read(&view).expect("typed").content
}

fn share(device: &str, n: u8, content: Arc<Content>, now_ms: i64) -> Share {
    Share {
        id: ShareId([n; 16]),
        device_id: device.into(),
        category: content.category(),
        created_ms: now_ms - 300 * 86_400_000,
        updates: 40,
        updated_seen_ms: Some(now_ms - i64::from(n) * 60_000),
        state: ShareState::Live,
        content,
        unreadable: Vec::new(),
        problem: None,
        suggestions: Vec::new(),
    }
}

pub fn run(args: &[String]) {
    let quick = args.iter().any(|a| a == "--quick");
    let runs = if quick { 5 } else { 30 };
    let h = generate(YEAR);
    let now_ms = h.now.timestamp_millis();
    let offset = FixedOffset::east_opt(2 * 3600).expect("offset");

    let shared = [Category::Urges, Category::Slips, Category::CheckIns];
    let docs: Vec<(Category, automerge::AutoCommit, usize)> = shared
        .iter()
        .map(|c| {
            let (d, n) = document(&h.store, *c);
            (*c, d, n)
        })
        .collect();
    let contents: Vec<Arc<Content>> = docs.iter().map(|(c, d, _)| Arc::new(reread(d, *c))).collect();
    let urges = docs.first().map(|d| d.2).unwrap_or(0);
    let client = Client {
        device_id: "BenchClient0000000000A".into(),
        shares: contents
            .iter()
            .enumerate()
            .map(|(i, c)| share("BenchClient0000000000A", i as u8, Arc::clone(c), now_ms))
            .collect(),
    };

    let frame =
        Frame { csrf: "bench", clinician: "Dr Bench Example", lock_after: "15 min", refreshed: None, here: "/" };
    let since_28 = None;
    let since_year = Some(h.today - Days::days(364));
    let page = |since| {
        let r = report::report(&client, since, now_ms, offset).expect("report");
        render::client_page(&frame, &client, &r, None, now_ms)
    };
    let page_28 = time(runs, || page(since_28));
    let page_year = time(runs, || page(since_year));
    let reread_urges = time(runs, || reread(&docs[0].1, Category::Urges));
    let year = DaySpan::new(h.today - Days::days(364), h.today).expect("span");
    let own_insights = time(runs, || {
        let data = h.store.insight_data(None).expect("data");
        (data.insights(year).expect("insights"), data.progress().expect("progress"))
    });

    let clients: Vec<Client> = (0..100)
        .map(|i| {
            let device = format!("BenchClient{i:011}");
            Client {
                shares: contents
                    .iter()
                    .enumerate()
                    .map(|(k, c)| share(&device, (i * 3 + k) as u8, Arc::clone(c), now_ms))
                    .collect(),
                device_id: device,
            }
        })
        .collect();
    let clients_page = time(runs, || render::clients_page(&frame, &clients, now_ms, offset));
    let listing = time(runs, || {
        let mut out = String::new();
        for c in &clients {
            for s in &c.shares {
                let what = s.category.map(|c| c.as_str()).unwrap_or("not yet known");
                out.push_str(&format!("{}  {what}  from device {}  ({} updates)\n", s.id, s.device_id, s.updates));
            }
        }
        out
    });

    let p50 = |v: &[Duration]| percentile(v, 50.0);
    let p99 = |v: &[Duration]| percentile(v, 99.0);
    let ratio = |a: &[Duration], b: &[Duration]| p50(a).as_secs_f64() / p50(b).as_secs_f64().max(1e-9);
    let within = |v: &[Duration], budget: Duration| if p99(v) <= budget { "yes" } else { "no" };
    println!("## Dashboard\n");
    println!(
        "One client sharing a year of use ({urges} urges, {} slips, {} check-ins; generated, fictional), and 100 such \
         clients. Release build, {runs} runs after a warm-up; p99 is the slowest run when there are fewer than 100.\n",
        docs[1].2, docs[2].2
    );
    println!("| what | p50 | p99 | p50 / baseline | target | within |");
    println!("|---|---|---|---|---|---|");
    println!(
        "| client page, last 28 days | {} | {} | {:.2}× the client's insights | < 300 ms | {} |",
        fmt(p50(&page_28)),
        fmt(p99(&page_28)),
        ratio(&page_28, &own_insights),
        within(&page_28, PAGE_BUDGET)
    );
    println!(
        "| client page, the whole year | {} | {} | {:.2}× the client's insights | < 300 ms | {} |",
        fmt(p50(&page_year)),
        fmt(p99(&page_year)),
        ratio(&page_year, &own_insights),
        within(&page_year, PAGE_BUDGET)
    );
    println!(
        "| reading the urge share again after a sync changed it | {} | {} | {:.2}× the client's insights | – | – |",
        fmt(p50(&reread_urges)),
        fmt(p99(&reread_urges)),
        ratio(&reread_urges, &own_insights)
    );
    println!(
        "| clients page, 100 clients | {} | {} | {:.1}× a plain listing | < 1 s | {} |",
        fmt(p50(&clients_page)),
        fmt(p99(&clients_page)),
        ratio(&clients_page, &listing),
        within(&clients_page, CLIENTS_BUDGET)
    );
    println!();
    println!(
        "Baselines, same run: the client's own insights and progress over the same year in their encrypted store \
         (what `companion insights` computes): p50 {}; a one-line-per-share listing of the 100 clients: p50 {}.\n",
        fmt(p50(&own_insights)),
        fmt(p50(&listing))
    );
}
