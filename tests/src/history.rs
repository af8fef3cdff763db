//! A generated history of heavy use, for the insights reference test and benchmark.
//!
//! Deterministic (a seeded SplitMix64), offline, with everything that makes insights tricky:
//! trips to another time zone (urges keep the local day and hour where they happened), DST
//! changes, trigger and strategy names in different cases and spacing, urges with and without
//! a recorded outcome or length, slips linked to acted urges (counted once), slips linked to
//! urges whose outcome was open (recorded as acted by the link), standalone slips, chain
//! analyses finished or left half-done, check-ins with missing ratings and days checked in
//! twice, and urges that follow poor sleep (so the check-in links have something to find).
//! Fake data only.

use std::sync::Arc;

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use companion_core::checkin::NewCheckIn;
use companion_core::crypto::Passphrase;
use companion_core::slip::{
    ChainAnswer, ChainStep, LinkAlternative, LinkKind, NewChainLink, NewSlip, Vulnerability, VulnerabilityFactor,
};
use companion_core::store::CreateOptions;
use companion_core::time::LocalStamp;
use companion_core::urge::{NewUrge, Outcome};
use companion_core::{ManualClock, RecordId, Store, Unlock, Zone};

/// How much history to generate.
#[derive(Clone, Copy, Debug)]
pub struct Spec {
    pub days: u32,
    pub urges: u32,
    pub slips: u32,
    pub check_ins: u32,
    pub seed: u64,
}

impl Spec {
    /// Five years of heavy use: 40,000 urges, 2,000 slips, 1,800 check-ins.
    pub const FIVE_YEARS_HEAVY: Spec =
        Spec { days: 1826, urges: 40_000, slips: 2_000, check_ins: 1_800, seed: 0x5eed_2026 };
}

/// A store holding a generated history, its clock (left at "now") and where it lives.
pub struct History {
    pub store: Store,
    pub clock: ManualClock,
    pub now: DateTime<Utc>,
    pub today: NaiveDate,
    pub first_day: NaiveDate,
    /// Kept alive for as long as the store is used.
    pub dir: tempfile::TempDir,
}

/// SplitMix64: small, fast, and the same on every machine.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// True with probability `p` percent.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

const TRIGGERS: &[&str] = &[
    "lonely",
    "Lonely",
    "LONELY",
    "stressed",
    "Stressed",
    "bored",
    "late-night scrolling",
    "Late-night  scrolling",
    "tired",
    "after an argument",
    "payday",
    "home alone",
    "can't sleep",
    "work email",
];

const STRATEGIES: &[&str] = &["call Sam", "Call Sam", "go for a run", "cold shower", "box breathing", "leave the room"];

/// Relative weight of each hour of the day: quiet mornings, busy late evenings.
const HOUR_WEIGHTS: [u64; 24] = [6, 4, 2, 1, 1, 1, 2, 3, 3, 2, 2, 3, 3, 2, 2, 3, 4, 5, 6, 8, 12, 16, 18, 12];

fn weighted_index(rng: &mut Rng, weights: &[u64]) -> usize {
    let total: u64 = weights.iter().sum();
    let mut x = rng.below(total);
    for (i, w) in weights.iter().enumerate() {
        if x < *w {
            return i;
        }
        x -= w;
    }
    weights.len() - 1
}

/// A directory for the store: tmpfs when there is one (the history is thousands of durable
/// transactions; fsync on a disk would dominate), else the system temp dir.
fn scratch_dir() -> tempfile::TempDir {
    let shm = std::path::Path::new("/dev/shm");
    if shm.is_dir() {
        if let Ok(d) = tempfile::tempdir_in(shm) {
            return d;
        }
    }
    tempfile::tempdir().expect("temp dir")
}

/// The zone the person was in on day `i` of the history: mostly Berlin, ten days in New York
/// every two hundred days.
fn zone_on(i: u32, berlin: Zone, new_york: Zone) -> Zone {
    if i % 200 >= 190 {
        new_york
    } else {
        berlin
    }
}

/// A moment at `hour:minute` local time on `day` in `zone` (a time skipped by a DST change
/// moves an hour later).
fn local_moment(zone: &Zone, day: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
    let t = day.and_hms_opt(hour, minute, 0).expect("valid time");
    zone.resolve(t).or_else(|_| zone.resolve(t + Duration::hours(1))).expect("resolvable time")
}

/// Generate a history ending now (2026-06-15 21:30 UTC, 23:30 in Berlin).
pub fn generate(spec: Spec) -> History {
    let berlin = Zone::parse("Europe/Berlin").expect("zone");
    let new_york = Zone::parse("America/New_York").expect("zone");
    let now = Utc.with_ymd_and_hms(2026, 6, 15, 21, 30, 0).single().expect("now");
    let clock = ManualClock::new(now, berlin);
    let dir = scratch_dir();
    let store = Store::create(
        dir.path().join("history.db"),
        Unlock::Passphrase(&Passphrase::new(b"Sam Example's test passphrase".to_vec()).expect("passphrase")),
        Arc::new(clock.clone()),
        CreateOptions::insecure_fast_for_tests(),
    )
    .expect("store");
    let today = berlin.date_of(now);
    let first_day = today - Duration::days(i64::from(spec.days) - 1);
    let mut rng = Rng::new(spec.seed);

    // Sleep of each night (0-10) decides how many urges the next day draws.
    let sleep: Vec<u8> = (0..spec.days).map(|_| rng.below(11) as u8).collect();
    let day_weights: Vec<u64> = (0..spec.days)
        .map(|i| {
            let prev = if i == 0 { 5 } else { u64::from(sleep[i as usize - 1]) };
            let weekday = (first_day + Duration::days(i64::from(i))).weekday();
            let weekend = matches!(weekday, chrono::Weekday::Fri | chrono::Weekday::Sat);
            4 + (10 - prev) + if weekend { 3 } else { 0 }
        })
        .collect();

    // Urges, in batches of one transaction each.
    let mut batch: Vec<NewUrge> = Vec::with_capacity(1000);
    let mut acted_or_open: Vec<(RecordId, bool)> = Vec::new();
    let flush = |batch: &mut Vec<NewUrge>, out: &mut Vec<(RecordId, bool)>| {
        let logged = store.log_urges(std::mem::take(batch)).expect("log urges");
        for u in logged {
            match u.outcome {
                Some(Outcome::Acted) => out.push((u.id, true)),
                None => out.push((u.id, false)),
                _ => {}
            }
        }
    };
    for _ in 0..spec.urges {
        let i = weighted_index(&mut rng, &day_weights) as u32;
        let day = first_day + Duration::days(i64::from(i));
        let zone = zone_on(i, berlin, new_york);
        let mut hour = weighted_index(&mut rng, &HOUR_WEIGHTS) as u32;
        if day == today {
            hour = hour.min(22);
        }
        let at = local_moment(&zone, day, hour, rng.below(60) as u32);
        let outcome = match rng.below(100) {
            0..=39 => Some(Outcome::Surfed),
            40..=64 => Some(Outcome::Coped),
            65..=76 => Some(Outcome::Acted),
            _ => None,
        };
        let n_strategies = match outcome {
            Some(Outcome::Coped) => 1 + rng.below(2),
            Some(Outcome::Acted) => rng.below(2),
            _ => 0,
        };
        batch.push(NewUrge {
            intensity: (1 + rng.below(10)) as u8,
            occurred: Some(LocalStamp::at(at, &zone)),
            triggers: (0..rng.below(4)).map(|_| rng.pick(TRIGGERS).to_string()).collect(),
            duration_secs: rng.chance(70).then(|| 60 + rng.below(3600) as u32),
            outcome,
            strategies: (0..n_strategies).map(|_| rng.pick(STRATEGIES).to_string()).collect(),
            ..Default::default()
        });
        if batch.len() == 1000 {
            flush(&mut batch, &mut acted_or_open);
        }
    }
    flush(&mut batch, &mut acted_or_open);

    // Slips: some linked to acted urges, a few to urges with no outcome yet, the rest alone.
    for k in 0..spec.slips {
        let link = match rng.below(10) {
            0..=3 => take_urge(&mut rng, &mut acted_or_open, true),
            4 => take_urge(&mut rng, &mut acted_or_open, false),
            _ => None,
        };
        let occurred = if link.is_some() {
            None
        } else {
            let i = rng.below(u64::from(spec.days)) as u32;
            let day = first_day + Duration::days(i64::from(i));
            let zone = zone_on(i, berlin, new_york);
            let hour = if day == today { 12 } else { weighted_index(&mut rng, &HOUR_WEIGHTS) as u32 };
            Some(LocalStamp::at(local_moment(&zone, day, hour, rng.below(60) as u32), &zone))
        };
        let slip =
            store.log_slip(NewSlip { what: format!("generated slip {k}"), occurred, urge: link }).expect("log slip");
        // Analyses are written the day after the slip (never after now).
        let later = (slip.occurred.utc() + Duration::hours(20)).min(now);
        clock.set(later);
        match rng.below(10) {
            0 => answer_fully(&store, slip.id, &mut rng),
            1 => {
                store
                    .answer_chain(slip.id, ChainAnswer::PromptingEvent { text: "a message late at night".into() })
                    .expect("answer");
                store.answer_chain(slip.id, ChainAnswer::Skip { step: ChainStep::Vulnerabilities }).expect("skip");
            }
            _ => {}
        }
        clock.set(now);
    }

    // Check-ins: most days, some ratings missing, some days checked in twice.
    let mut days: Vec<u32> = (0..spec.days).collect();
    while days.len() > spec.check_ins as usize {
        let k = rng.below(days.len() as u64) as usize;
        days.remove(k);
    }
    for i in days {
        let day = first_day + Duration::days(i64::from(i));
        let zone = zone_on(i, berlin, new_york);
        clock.set(local_moment(&zone, day, 21, 0).min(now));
        clock.set_zone(zone);
        let mut maybe = || {
            let v = rng_score(&mut rng);
            (!rng.chance(10)).then_some(v)
        };
        let (mood, stress, loneliness) = (maybe(), maybe(), maybe());
        store
            .check_in(NewCheckIn {
                day: Some(day),
                mood,
                stress,
                loneliness,
                sleep: Some(sleep[i as usize]),
                note: rng.chance(20).then(|| "a generated note".to_string()),
            })
            .expect("check in");
        if rng.chance(5) {
            clock.set((local_moment(&zone, day, 22, 30)).min(now));
            store
                .check_in(NewCheckIn { day: Some(day), mood: Some(rng_score(&mut rng)), ..Default::default() })
                .expect("second check-in");
        }
    }
    clock.set(now);
    clock.set_zone(berlin);
    History { store, clock, now, today, first_day, dir }
}

fn rng_score(rng: &mut Rng) -> u8 {
    rng.below(11) as u8
}

fn take_urge(rng: &mut Rng, pool: &mut Vec<(RecordId, bool)>, acted: bool) -> Option<RecordId> {
    let candidates: Vec<usize> =
        pool.iter().enumerate().filter(|(_, (_, a))| *a == acted).map(|(i, _)| i).take(64).collect();
    if candidates.is_empty() {
        return None;
    }
    let i = candidates[rng.below(candidates.len() as u64) as usize];
    Some(pool.swap_remove(i).0)
}

fn answer_fully(store: &Store, id: RecordId, rng: &mut Rng) {
    let factors = [
        VulnerabilityFactor::Sleep,
        VulnerabilityFactor::Loneliness,
        VulnerabilityFactor::Stress,
        VulnerabilityFactor::Substances,
    ];
    let items: Vec<Vulnerability> =
        (0..1 + rng.below(3)).map(|_| Vulnerability { factor: *rng.pick(&factors), note: None }).collect();
    let answers = vec![
        ChainAnswer::Vulnerabilities { items },
        ChainAnswer::PromptingEvent { text: "saw an advert".into() },
        ChainAnswer::Links {
            links: vec![
                NewChainLink { kind: LinkKind::Thought, text: "just this once".into(), instead: None },
                NewChainLink { kind: LinkKind::Action, text: "opened the browser".into(), instead: None },
            ],
        },
        ChainAnswer::Consequences { text: "felt low".into() },
        ChainAnswer::Alternatives { items: vec![LinkAlternative { link: 1, instead: "put the phone away".into() }] },
        ChainAnswer::Skip { step: ChainStep::Repair },
        ChainAnswer::Commitment { text: "charge the phone in the kitchen".into() },
        ChainAnswer::SelfCompassion { text: "I am learning".into() },
    ];
    for a in answers {
        store.answer_chain(id, a).expect("answer");
    }
}
