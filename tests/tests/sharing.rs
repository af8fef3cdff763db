//! End to end: a client store, the sync server, and the clinician reader, over real HTTP on
//! loopback. Network canary, revocation, and plan convergence through a faulty network.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use chrono::{Duration, Utc};
use companion_core::clinician::{Clinician, SharedView};
use companion_core::crypto::Passphrase;
use companion_core::exercise::{Adjust, ExerciseRun};
use companion_core::plan::PlanEdit;
use companion_core::share::{Category, ConsentRequest, ShareState};
use companion_core::slip::{ChainAnswer, NewSlip};
use companion_core::surf::{SurfEnd, SurfOutcome, SurfSettings, SurfStart};
use companion_core::sync::http::HttpTransport;
use companion_core::sync::{HttpRequest, HttpResponse, Transport, TransportError};
use companion_core::urge::{NewUrge, Outcome};
use companion_core::{checkin, goal, CreateOptions, ManualClock, Store, Unlock, Zone};
use companion_tests::find_canaries;
use companion_tests::server::TestServer;

const CLINICIAN_PASS: &[u8] = b"clinician passphrase for the sharing tests";

/// Records every byte the client sends.
struct Capture {
    inner: HttpTransport,
    sent: Mutex<Vec<u8>>,
    requests: Mutex<Vec<String>>,
}

impl Capture {
    fn new() -> Self {
        Capture { inner: HttpTransport::default(), sent: Mutex::new(Vec::new()), requests: Mutex::new(Vec::new()) }
    }
    fn bytes(&self) -> Vec<u8> {
        self.sent.lock().unwrap().clone()
    }
}

impl Transport for Capture {
    fn send(&self, req: HttpRequest) -> Result<HttpResponse, TransportError> {
        {
            let mut s = self.sent.lock().unwrap();
            s.extend(req.method.as_bytes());
            s.extend(req.url.as_bytes());
            for (k, v) in &req.headers {
                s.extend(k.as_bytes());
                s.extend(v.as_bytes());
            }
            s.extend(&req.body);
        }
        self.requests.lock().unwrap().push(format!("{} {}", req.method, req.url));
        self.inner.send(req)
    }
}

fn store(dir: &std::path::Path) -> (Store, ManualClock) {
    let clock = ManualClock::new(Utc::now(), Zone::parse("Europe/Berlin").unwrap());
    let s = Store::create(
        dir.join("client.db"),
        Unlock::Passphrase(&Passphrase::new(b"client passphrase".to_vec()).unwrap()),
        Arc::new(clock.clone()),
        CreateOptions::insecure_fast_for_tests(),
    )
    .unwrap();
    (s, clock)
}

/// Canaries in every field of every category.
fn fill_with_canaries(s: &Store, clock: &ManualClock) -> Vec<String> {
    let c = |f: &str| format!("CANARY-{f}-41xq");
    let canaries: Vec<String> = [
        "trigger",
        "feeling",
        "note",
        "place",
        "activity",
        "strategy",
        "surfnote",
        "wavenote",
        "exnote",
        "slipwhat",
        "slipevent",
        "slipcons",
        "slipcommit",
        "checkin",
        "goaltext",
        "goalwhy",
        "plantrigger",
        "planstrategy",
        "planperson",
        "planhow",
        "planreason",
    ]
    .iter()
    .map(|f| c(f))
    .collect();
    let zone = clock.zone_for_tests();
    let two_weeks_ago = companion_core::LocalStamp::at(Utc::now() - Duration::days(14), &zone);
    for at in [Some(two_weeks_ago.clone()), None] {
        s.log_urge(NewUrge {
            intensity: 7,
            occurred: at,
            triggers: vec![c("trigger")],
            feelings: vec![c("feeling")],
            place: Some(c("place")),
            activity: Some(c("activity")),
            note: Some(c("note")),
            outcome: Some(Outcome::Coped),
            strategies: vec![c("strategy")],
            ..Default::default()
        })
        .unwrap();
    }
    let surf = s
        .start_surf(SurfStart {
            urge: None,
            intensity: Some(6),
            settings: SurfSettings::default(),
            note: Some(c("surfnote")),
        })
        .unwrap();
    s.surf_checkin(surf.id, 5, Some(&c("wavenote"))).unwrap();
    s.end_surf(surf.id, SurfEnd { outcome: SurfOutcome::Passed, intensity: Some(2), note: None, strategies: vec![] })
        .unwrap();
    let def = s.find_exercise("box").unwrap();
    let run = ExerciseRun::start(&def, Adjust::default(), clock.now_ms_for_tests() - 60_000, Some(7)).unwrap();
    s.save_exercise(&run, Some(3), Some(&c("exnote"))).unwrap();
    let slip = s.log_slip(NewSlip { what: c("slipwhat"), occurred: None, urge: None }).unwrap();
    s.answer_chain(slip.id, ChainAnswer::PromptingEvent { text: c("slipevent") }).unwrap();
    s.answer_chain(slip.id, ChainAnswer::Consequences { text: c("slipcons") }).unwrap();
    s.answer_chain(slip.id, ChainAnswer::Commitment { text: c("slipcommit") }).unwrap();
    s.check_in(checkin::NewCheckIn {
        day: None,
        mood: Some(4),
        stress: Some(6),
        loneliness: Some(7),
        sleep: Some(5),
        note: Some(c("checkin")),
    })
    .unwrap();
    s.create_goal(goal::NewGoal {
        text: c("goaltext"),
        why: Some(c("goalwhy")),
        measure: goal::GoalMeasure::UrgesSurfed,
        target: 5,
        start: None,
        end: clock.today_for_tests() + Duration::days(30),
    })
    .unwrap();
    let (_, ids) = s.edit_plan(&[PlanEdit::AddTrigger { name: c("plantrigger") }]).unwrap();
    s.edit_plan(&[
        PlanEdit::AddStrategy { for_item: Some(ids[0]), text: c("planstrategy"), kind: None },
        PlanEdit::AddPerson { name: c("planperson"), how: Some(c("planhow")), availability: vec![] },
        PlanEdit::AddReason { text: c("planreason") },
    ])
    .unwrap();
    canaries
}

trait ClockExt {
    fn zone_for_tests(&self) -> Zone;
    fn now_ms_for_tests(&self) -> i64;
    fn today_for_tests(&self) -> chrono::NaiveDate;
}

impl ClockExt for ManualClock {
    fn zone_for_tests(&self) -> Zone {
        companion_core::Clock::zone(self)
    }
    fn now_ms_for_tests(&self) -> i64 {
        companion_core::Clock::now(self).timestamp_millis()
    }
    fn today_for_tests(&self) -> chrono::NaiveDate {
        companion_core::Clock::today(self)
    }
}

#[test]
fn only_consented_data_leaves_the_device_and_notes_arrive_when_added() {
    let server = TestServer::start();
    let net = Capture::new();
    let direct = HttpTransport::default();
    let dr = Clinician::register(
        &direct,
        &server.base,
        &server.clinician_invite(),
        "dr.example@clinic.invalid",
        "Dr Sam Example",
        CLINICIAN_PASS,
    )
    .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let (s, clock) = store(tmp.path());
    let canaries = fill_with_canaries(&s, &clock);

    // Pair and consent to weekly summaries only (with history).
    let pairing = s.pair(&dr.invite().unwrap(), &net).unwrap();
    assert_eq!(pairing.clinician_name, "Dr Sam Example");
    s.grant_consent(&ConsentRequest {
        pairing: pairing.id,
        categories: vec![Category::WeeklySummaries],
        include_history: true,
        until: None,
    })
    .unwrap();
    let report = s.sync(&net, true).unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert!(report.chunks_sent >= 1);

    // Nothing the client sent, and nothing the server stores, holds a canary.
    let sent = net.bytes();
    assert!(find_canaries(&sent, &canaries).is_empty(), "sent: {:?}", find_canaries(&sent, &canaries));
    let stored = server.stored_bytes();
    assert!(!stored.is_empty());
    assert!(find_canaries(&stored, &canaries).is_empty(), "stored: {:?}", find_canaries(&stored, &canaries));

    // What was sent, decrypted by the recipient, holds weekly summaries and nothing else.
    let shares = dr.shares().unwrap();
    assert_eq!(shares.len(), 1);
    let doc = dr.open(&shares[0]).unwrap();
    let SharedView::Entries { category, entries } = doc.view().unwrap() else { panic!("not an entries document") };
    assert_eq!(category, "weekly-summaries");
    assert!(!entries.is_empty());
    let allowed: HashSet<&str> = [
        "format",
        "week_start",
        "days_tracked",
        "urges",
        "urges_surfed",
        "urges_acted",
        "urges_outcome_unrecorded",
        "urges_with_strategies",
        "intensity_mean",
        "intensity_peak",
        "median_duration_secs",
        "urges_by_part_of_day",
        "acting_out",
        "days_without_acting_out",
        "slips",
        "chain_analyses_completed",
        "check_in_days",
        "mood_mean",
        "stress_mean",
        "loneliness_mean",
        "sleep_mean",
    ]
    .into_iter()
    .collect();
    for (week, v) in &entries {
        for field in v.as_object().unwrap().keys() {
            assert!(allowed.contains(field.as_str()), "week {week}: field {field} is outside the consent");
        }
    }
    assert!(entries.values().any(|v| v["urges"].as_u64().unwrap_or(0) >= 1));

    // Add consent for notes: they reach the clinician, decrypted.
    s.grant_consent(&ConsentRequest {
        pairing: pairing.id,
        categories: vec![Category::Notes],
        include_history: true,
        until: None,
    })
    .unwrap();
    let r = s.sync(&net, true).unwrap();
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    let notes = dr.shares().unwrap().into_iter().find(|i| i.share_id != shares[0].share_id).unwrap();
    let view = dr.open(&notes).unwrap().view().unwrap().to_json().to_string();
    for c in ["CANARY-note-41xq", "CANARY-place-41xq", "CANARY-activity-41xq"] {
        assert!(view.contains(c), "{c} did not reach the clinician");
    }
    for c in ["CANARY-trigger-41xq", "CANARY-slipwhat-41xq", "CANARY-checkin-41xq", "CANARY-planreason-41xq"] {
        assert!(!view.contains(c), "{c} is outside the notes consent");
    }
    // Still nothing in plaintext on the wire or on the server.
    assert!(find_canaries(&net.bytes(), &canaries).is_empty());
    assert!(find_canaries(&server.stored_bytes(), &canaries).is_empty());
    // Receipts for both grants, with the wording version.
    let receipts = s.consent_receipts().unwrap().records;
    assert_eq!(receipts.len(), 2);
    assert!(receipts
        .iter()
        .all(|r| r.wording_version == companion_core::share::WORDING_VERSION && r.wording_sha256.len() == 64));
}

#[test]
fn revocation_erases_the_share_and_nothing_more_is_sent() {
    let server = TestServer::start();
    let net = Capture::new();
    let direct = HttpTransport::default();
    let dr = Clinician::register(
        &direct,
        &server.base,
        &server.clinician_invite(),
        "revoke@clinic.invalid",
        "Dr Example",
        CLINICIAN_PASS,
    )
    .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let (s, _clock) = store(tmp.path());
    s.log_urge(NewUrge { intensity: 5, triggers: vec!["stressed".into()], ..Default::default() }).unwrap();
    let pairing = s.pair(&dr.invite().unwrap(), &net).unwrap();
    let shares = s
        .grant_consent(&ConsentRequest {
            pairing: pairing.id,
            categories: vec![Category::Urges],
            include_history: true,
            until: None,
        })
        .unwrap();
    s.sync(&net, true).unwrap();
    let info = dr.shares().unwrap().pop().unwrap();
    let mut doc = dr.open(&info).unwrap();
    assert!(matches!(doc.view().unwrap(), SharedView::Entries { ref entries, .. } if entries.len() == 1));

    // Withdraw: sending stops at once (locally), the next sync erases it on the server.
    s.withdraw_consent(pairing.id, &[]).unwrap();
    assert_eq!(s.shares().unwrap().records[0].state, ShareState::Withdrawn);
    let r = s.sync(&net, true).unwrap();
    assert_eq!(r.shares_erased, 1, "{:?}", r.errors);
    assert_eq!(s.shares().unwrap().records[0].state, ShareState::Erased);
    assert!(dr.shares().unwrap().is_empty());
    match doc.pull(&dr) {
        Err(companion_core::Error::Server { status: 410, .. }) => {}
        other => panic!("the clinician could still fetch the share: {other:?}"),
    }
    // Nothing more is sent for it, however much is logged and synced.
    let share_id = shares[0].share_id().to_string();
    let before = net.requests.lock().unwrap().len();
    s.log_urge(NewUrge { intensity: 9, ..Default::default() }).unwrap();
    for _ in 0..3 {
        let r = s.sync(&net, true).unwrap();
        assert_eq!(r.chunks_sent, 0);
    }
    let after: Vec<String> = net.requests.lock().unwrap()[before..].to_vec();
    assert!(!after.iter().any(|r| r.contains(&share_id)), "requests after revocation: {after:?}");
    // The local data stays.
    assert_eq!(s.urges(&Default::default()).unwrap().urges.len(), 2);
    // On the server the erased share's id is left only in the erasure notice for its
    // recipient (docs/protocol.md, "what the server learns"), and goes with it when the
    // notice's period ends: then it is in no file at all.
    let needle = shares[0].share_id();
    let tables = server.block_on(server.state.db.dump_tables()).unwrap();
    for t in &tables {
        let holds = t.values.iter().any(|v| v.windows(needle.as_bytes().len()).any(|w| w == needle.as_bytes()));
        assert_eq!(holds, t.table == "tombstones", "table {} and the erased share's id", t.table);
    }
    let far_future = i64::MAX;
    let purged = server.block_on(server.state.db.purge_history(far_future, far_future)).unwrap();
    assert_eq!(purged.tombstones, 1);
    let _ = server.stored_bytes();
    for f in companion_tests::files_under(server.dir.path()) {
        let b = std::fs::read(&f).unwrap();
        if let Some(pos) = b.windows(16).position(|w| w == needle.as_bytes()) {
            panic!("the erased share's id is still in {} at byte {pos} of {}", f.display(), b.len());
        }
    }
}

/// Drops, delays and duplicates requests, deterministically from a seed.
struct Faulty {
    inner: HttpTransport,
    state: Mutex<u64>,
}

impl Faulty {
    fn roll(&self) -> u64 {
        let mut s = self.state.lock().unwrap();
        *s ^= *s << 13;
        *s ^= *s >> 7;
        *s ^= *s << 17;
        *s % 100
    }
}

impl Transport for Faulty {
    fn send(&self, req: HttpRequest) -> Result<HttpResponse, TransportError> {
        let r = self.roll();
        if r < 15 {
            return Err(TransportError("dropped before sending".into()));
        }
        if r < 25 {
            std::thread::sleep(std::time::Duration::from_millis(r % 7));
        }
        if r < 40 {
            // Duplicated: the server gets it twice.
            let _ = self.inner.send(req.clone());
        }
        let resp = self.inner.send(req)?;
        if r > 88 {
            // The server did it, but the answer is lost.
            return Err(TransportError("dropped the response".into()));
        }
        Ok(resp)
    }
}

#[test]
fn plan_edits_converge_through_a_faulty_network() {
    let server = TestServer::start();
    let direct = HttpTransport::default();
    let seed = std::env::var("CONVERGE_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0x9E37_79B9_7F4A_7C15u64);
    eprintln!("convergence seed {seed}");
    let faulty = Faulty { inner: HttpTransport::default(), state: Mutex::new(seed | 1) };
    let dr = Clinician::register(
        &direct,
        &server.base,
        &server.clinician_invite(),
        "plan@clinic.invalid",
        "Dr Plan Example",
        CLINICIAN_PASS,
    )
    .unwrap();
    let retry = faulty_retry(&faulty);
    let dr_faulty = Clinician::login(&retry, &server.base, "plan@clinic.invalid", CLINICIAN_PASS, None).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let (s, _clock) = store(tmp.path());
    let (_, ids) = s.edit_plan(&[PlanEdit::AddTrigger { name: "Lonely".into() }]).unwrap();
    let lonely = ids[0];
    let (_, ids) = s
        .edit_plan(&[
            PlanEdit::AddStrategy { for_item: Some(lonely), text: "Call Sam".into(), kind: None },
            PlanEdit::AddStrategy { for_item: Some(lonely), text: "Go for a run".into(), kind: None },
        ])
        .unwrap();
    let (call_sam, run) = (ids[0], ids[1]);
    let pairing = s.pair(&dr.invite().unwrap(), &direct).unwrap();
    s.grant_consent(&ConsentRequest {
        pairing: pairing.id,
        categories: vec![Category::CopingPlan],
        include_history: false,
        until: None,
    })
    .unwrap();
    let sync_until_ok = |t: &dyn Transport| {
        for _ in 0..40 {
            if let Ok(r) = s.sync(t, true) {
                if r.errors.is_empty() {
                    return;
                }
            }
        }
        panic!("the client never managed to sync");
    };
    sync_until_ok(&direct);
    let info = dr.shares().unwrap().pop().unwrap();
    let mut copy = dr.open(&info).unwrap();
    let SharedView::Plan(p) = copy.view().unwrap() else { panic!("not a plan") };
    assert_eq!(
        p.triggers[0].strategies.iter().map(|x| x.text.as_str()).collect::<Vec<_>>(),
        vec!["Call Sam", "Go for a run"]
    );

    // Offline at the same time: the client adds a strategy and reorders; the clinician adds
    // a strategy, renames the trigger, and adds a reason.
    s.edit_plan(&[
        PlanEdit::AddStrategy { for_item: Some(lonely), text: "Text a friend".into(), kind: None },
        PlanEdit::Move { id: run, position: 0 },
    ])
    .unwrap();
    copy.suggest(&[
        PlanEdit::AddStrategy { for_item: Some(lonely), text: "Join the Tuesday group".into(), kind: None },
        PlanEdit::Rename { id: lonely, text: "Lonely evenings".into() },
    ])
    .unwrap();
    copy.suggest(&[PlanEdit::AddReason { text: "Being present with my kids".into() }]).unwrap();

    // Sync in a seeded random order through the faulty network until both sides settle.
    let mut order = seed;
    for _ in 0..30 {
        order = order.rotate_left(7) ^ 0xA5A5;
        if order.is_multiple_of(2) {
            let _ = s.sync(&faulty, true);
        } else {
            let _ = copy.push(&dr_faulty).and_then(|_| copy.pull(&dr_faulty));
        }
    }
    sync_until_ok(&direct);
    while copy.pending() > 0 {
        let _ = copy.push(&dr);
    }
    sync_until_ok(&direct);
    copy.pull(&dr).unwrap();

    let client = s.plan().unwrap().plan;
    let SharedView::Plan(clin) = copy.view().unwrap() else { panic!("not a plan") };
    let names = |p: &companion_core::plan::model::CopingPlan| {
        (
            p.triggers
                .iter()
                .map(|t| {
                    (t.id, t.name.clone(), t.strategies.iter().map(|s| (s.id, s.text.clone())).collect::<Vec<_>>())
                })
                .collect::<Vec<_>>(),
            p.reasons.iter().map(|r| (r.id, r.text.clone())).collect::<Vec<_>>(),
        )
    };
    assert_eq!(names(&client), names(&clin), "client and clinician ended with different plans");
    let t = &client.triggers[0];
    assert_eq!(t.name, "Lonely evenings", "the clinician's rename is kept");
    let texts: Vec<&str> = t.strategies.iter().map(|x| x.text.as_str()).collect();
    for want in ["Call Sam", "Go for a run", "Text a friend", "Join the Tuesday group"] {
        assert_eq!(texts.iter().filter(|x| **x == want).count(), 1, "{want} in {texts:?}");
    }
    assert_eq!(t.strategies[0].id, run, "the client's reorder is kept: {texts:?}");
    assert!(client.reasons.iter().any(|r| r.text == "Being present with my kids"));
    let _ = call_sam;
    // The client sees what was suggested, and by whom.
    let share = s.shares().unwrap().records.into_iter().find(|x| x.category == Category::CopingPlan).unwrap();
    assert!(
        share.suggestions.iter().any(|x| x.from == "Dr Plan Example" && x.summary.contains("Join the Tuesday group")),
        "{:?}",
        share.suggestions.iter().map(|x| &x.summary).collect::<Vec<_>>()
    );
}

/// The clinician's login through the faulty network, retried until it gets through.
fn faulty_retry(f: &Faulty) -> Retry<'_> {
    Retry(f)
}

struct Retry<'a>(&'a Faulty);

impl Transport for Retry<'_> {
    fn send(&self, req: HttpRequest) -> Result<HttpResponse, TransportError> {
        // Reads and idempotent writes only go through here (chunk appends carry their own ids).
        let mut last = None;
        for _ in 0..20 {
            match self.0.send(req.clone()) {
                Ok(r) => return Ok(r),
                Err(e) => last = Some(e),
            }
        }
        Err(last.unwrap_or_else(|| TransportError("gave up".into())))
    }
}

#[test]
fn an_unreadable_share_or_receipt_is_named_and_every_other_share_still_syncs() {
    use companion_core::store::{Period, Unreadable};
    use companion_core::time::Month;
    use companion_core::{IntegrityProblem, RecordKind};

    let server = TestServer::start();
    let net = HttpTransport::default();
    let dr = Clinician::register(
        &net,
        &server.base,
        &server.clinician_invite(),
        "damaged@clinic.invalid",
        "Dr Example",
        CLINICIAN_PASS,
    )
    .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let (s, _clock) = store(tmp.path());
    s.log_urge(NewUrge { intensity: 6, note: Some("words".into()), ..Default::default() }).unwrap();
    let pairing = s.pair(&dr.invite().unwrap(), &net).unwrap();
    let shares = s
        .grant_consent(&ConsentRequest {
            pairing: pairing.id,
            categories: vec![Category::Urges, Category::Notes, Category::WeeklySummaries],
            include_history: true,
            until: None,
        })
        .unwrap();
    // One share and one receipt whose records open but no longer decode (as after a release
    // that wrote them in a shape this one cannot read).
    let broken = shares.iter().find(|x| x.category == Category::Urges).unwrap();
    let receipt = s.consent_receipts().unwrap().records.pop().unwrap();
    s.write(|tx| {
        tx.put_raw(RecordKind::Share, broken.id, Period::Timeless, b"\x01not a share", None)?;
        let month = Period::Month(Month::of(receipt.at.local_date()));
        tx.put_raw(RecordKind::ConsentReceipt, receipt.id, month, b"\x07from the future", None)
    })
    .unwrap();

    let r = s.sync(&net, true).unwrap();
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    let named = Unreadable { kind: RecordKind::Share, id: broken.id, problem: IntegrityProblem::Undecodable };
    assert_eq!(r.unreadable, vec![named], "the damaged share is named in the sync report");
    assert_eq!(r.shares_synced, 2, "every other share synced");
    let categories: HashSet<String> = dr
        .shares()
        .unwrap()
        .iter()
        .map(|i| match dr.open(i).unwrap().view().unwrap() {
            SharedView::Entries { category, .. } => category,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(categories, ["notes", "weekly-summaries"].map(String::from).into_iter().collect());

    // Listings name them too, and keep the rest; nothing was deleted.
    let listed = s.shares().unwrap();
    assert_eq!((listed.records.len(), listed.unreadable), (2, vec![named]));
    let receipts = s.consent_receipts().unwrap();
    assert_eq!(receipts.records.len(), 2);
    assert_eq!(
        receipts.unreadable,
        vec![Unreadable {
            kind: RecordKind::ConsentReceipt,
            id: receipt.id,
            problem: IntegrityProblem::UnknownFormat(7)
        }]
    );
    assert!(s.get_raw(RecordKind::Share, broken.id, false).unwrap().is_some(), "the damaged share stays in the store");
}
