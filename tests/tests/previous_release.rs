//! A store written by the previous release opens, syncs and reads identically.
//!
//! The fixture under `core/tests/fixtures/release-b9cfb7c/` was written by [`write_fixture`]
//! with the code of commit b9cfb7c: a client store holding every kind of record (fictional
//! data only), the sync server's database it synced with, and what that release read from
//! both (`expected-store.json`, `expected-clinician.json`). Its README gives the passphrases.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use companion_core::clinician::{Clinician, SharedView};
use companion_core::crypto::Passphrase;
use companion_core::exercise::{Adjust, ExerciseDef, ExerciseRun, Origin};
use companion_core::goal::{GoalEdit, GoalMeasure, NewGoal};
use companion_core::plan::model::{Availability, Contact, CopingPlan, PlanEntry, PlanItem, Strategy};
use companion_core::plan::{DayRange, PlanEdit, UseContext};
use companion_core::share::{Category, ConsentRequest};
use companion_core::slip::{ChainAnswer, LinkAlternative, NewChainLink, NewSlip, Vulnerability, VulnerabilityFactor};
use companion_core::slip::{LinkKind, PlanPart, PlanSuggestion};
use companion_core::surf::{SurfEnd, SurfOutcome, SurfSettings, SurfStart};
use companion_core::sync::http::HttpTransport;
use companion_core::sync::{HttpRequest, HttpResponse, Transport, TransportError};
use companion_core::urge::{Company, NewUrge, Outcome, UrgeEdit, UrgeQuery};
use companion_core::{checkin, notify, CreateOptions, LocalStamp, ManualClock, Store, Unlock, Zone};
use companion_tests::server::TestServer;
use serde_json::{json, Value};

/// The client store's passphrase (documented in the fixture's README).
const CLIENT_PASSPHRASE: &[u8] = b"fixture passphrase, fictional client";
/// The clinician's login (documented in the fixture's README).
const CLINICIAN_EMAIL: &str = "dr.fixture@clinic.invalid";
const CLINICIAN_PASSPHRASE: &[u8] = b"fixture passphrase, fictional clinician";

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/tests/fixtures/release-b9cfb7c")
}

// ----- what a release reads ---------------------------------------------------------------

fn stamp(s: &LocalStamp) -> Value {
    json!({ "utc_ms": s.utc_ms, "offset_secs": s.offset_secs, "zone": s.zone })
}

fn stamps(s: &Option<LocalStamp>) -> Value {
    s.as_ref().map(stamp).unwrap_or(Value::Null)
}

fn strategy(s: &Strategy) -> Value {
    json!({ "id": s.id.to_text(), "text": s.text, "kind": s.kind.as_str(), "formerly": s.formerly })
}

fn item(i: &PlanItem) -> Value {
    json!({
        "id": i.id.to_text(),
        "kind": format!("{:?}", i.kind),
        "name": i.name,
        "strategies": i.strategies.iter().map(strategy).collect::<Vec<_>>(),
        "merged_ids": i.merged_ids.iter().map(|m| m.to_text()).collect::<Vec<_>>(),
    })
}

fn line(e: &PlanEntry) -> Value {
    json!({ "id": e.id.to_text(), "text": e.text })
}

fn contact(c: &Contact) -> Value {
    let windows =
        |a: &[Availability]| a.iter().map(|w| json!([w.days, w.from_minute, w.to_minute])).collect::<Vec<_>>();
    json!({
        "id": c.id.to_text(),
        "name": c.name,
        "how": c.how,
        "availability": windows(&c.availability),
        "crisis_line": c.crisis_line,
    })
}

/// A coping plan with every id, in order.
fn plan(p: &CopingPlan) -> Value {
    json!({
        "warning_signs": p.warning_signs.iter().map(item).collect::<Vec<_>>(),
        "triggers": p.triggers.iter().map(item).collect::<Vec<_>>(),
        "strategies": p.strategies.iter().map(strategy).collect::<Vec<_>>(),
        "distractions": p.distractions.iter().map(line).collect::<Vec<_>>(),
        "people": p.people.iter().map(contact).collect::<Vec<_>>(),
        "professionals": p.professionals.iter().map(contact).collect::<Vec<_>>(),
        "environment": p.environment.iter().map(line).collect::<Vec<_>>(),
        "reasons": p.reasons.iter().map(line).collect::<Vec<_>>(),
        "skipped_entries": p.skipped_entries,
    })
}

fn no_unreadable(what: &str, n: usize) {
    assert_eq!(n, 0, "{what}: some records could not be opened");
}

/// Everything a client can read from a store, through the public API.
fn read_store(s: &Store) -> Value {
    let urges = s.urges(&UrgeQuery { with_details: true, ..Default::default() }).unwrap();
    no_unreadable("urges", urges.unreadable.len());
    let surf = s.surf_sessions(None, None).unwrap();
    no_unreadable("surf sessions", surf.unreadable.len());
    let exercises = s.exercise_sessions(None, None).unwrap();
    no_unreadable("exercise sessions", exercises.unreadable.len());
    let custom = s.custom_exercises().unwrap();
    no_unreadable("custom exercises", custom.unreadable.len());
    let p = s.plan().unwrap();
    no_unreadable("plan", p.unreadable.len());
    let (uses, bad) = s.strategy_uses(DayRange::default()).unwrap();
    no_unreadable("strategy uses", bad.len());
    let slips = s.slips(None, None).unwrap();
    no_unreadable("slips", slips.unreadable.len());
    let checkins = s
        .check_ins(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(), NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(), true)
        .unwrap();
    no_unreadable("check-ins", checkins.unreadable.len());
    let goals = s.goals(true).unwrap();
    no_unreadable("goals", goals.unreadable.len());
    let pairings = s.pairings().unwrap();
    no_unreadable("pairings", pairings.unreadable.len());
    let shares = s.shares().unwrap();
    no_unreadable("shares", shares.unreadable.len());
    let receipts = s.consent_receipts().unwrap();
    no_unreadable("consent receipts", receipts.unreadable.len());
    json!({
        "urges": urges.urges.iter().map(|u| json!({
            "id": u.id.to_text(),
            "occurred": stamp(&u.occurred),
            "logged": stamp(&u.logged),
            "edited_utc_ms": u.edited_utc_ms,
            "intensity": u.intensity,
            "triggers": u.triggers,
            "feelings": u.feelings,
            "place": u.place,
            "company": u.company.map(|c| format!("{c:?}")),
            "activity": u.activity,
            "note": u.note,
            "duration_secs": u.duration_secs,
            "outcome": u.outcome.map(|o| o.as_str()),
            "strategies": u.strategies,
            "surf_session": u.surf_session.map(|id| id.to_text()),
        })).collect::<Vec<_>>(),
        "surf_sessions": surf.sessions.iter().map(|x| json!({
            "id": x.id.to_text(),
            "urge": x.urge.map(|id| id.to_text()),
            "urge_created": x.urge_created,
            "started": stamp(&x.started),
            "settings": serde_json::to_value(x.settings).unwrap(),
            "pauses": serde_json::to_value(&x.pauses).unwrap(),
            "points": serde_json::to_value(&x.points).unwrap(),
            "prompts_resolved": x.prompts_resolved,
            "ending": serde_json::to_value(x.ending).unwrap(),
            "note": x.note,
        })).collect::<Vec<_>>(),
        "exercise_sessions": exercises.sessions.iter().map(|e| json!({
            "id": e.id.to_text(),
            "key": e.key,
            "version": e.version,
            "title": e.title,
            "adjust": serde_json::to_value(e.adjust).unwrap(),
            "started": stamp(&e.started),
            "ended": stamp(&e.ended),
            "active_ms": e.active_ms,
            "planned_ms": e.planned_ms,
            "completed": e.completed,
            "skipped_steps": e.skipped_steps,
            "distress_before": e.distress_before,
            "distress_after": e.distress_after,
            "note": e.note,
        })).collect::<Vec<_>>(),
        "custom_exercises": custom.exercises.iter().map(|c| json!({
            "id": c.id.to_text(),
            "def": serde_json::to_value(&c.def).unwrap(),
            "added": stamp(&c.added),
            "updated_utc_ms": c.updated_utc_ms,
        })).collect::<Vec<_>>(),
        "plan": plan(&p.plan),
        "strategy_uses": uses.iter().map(|u| json!({
            "id": u.id.to_text(),
            "strategy_id": u.strategy_id.to_text(),
            "strategy_text": u.strategy_text,
            "for_item": u.for_item.map(|id| id.to_text()),
            "item_name": u.item_name,
            "started": stamp(&u.started),
            "urge": u.urge.map(|id| id.to_text()),
            "intensity": u.intensity,
            "helped": u.helped,
        })).collect::<Vec<_>>(),
        "slips": slips.slips.iter().map(|x| json!({
            "id": x.id.to_text(),
            "occurred": stamp(&x.occurred),
            "logged": stamp(&x.logged),
            "edited_utc_ms": x.edited_utc_ms,
            "what": x.what,
            "urge": x.urge.map(|id| id.to_text()),
            "chain": serde_json::to_value(&x.chain).unwrap(),
            "chain_completed": stamps(&x.chain_completed),
            "plan_additions": serde_json::to_value(&x.plan_additions).unwrap(),
        })).collect::<Vec<_>>(),
        "check_ins": checkins.check_ins.iter().map(|c| json!({
            "id": c.id.to_text(),
            "day": c.day.to_string(),
            "first_at": stamp(&c.first_at),
            "at": stamp(&c.at),
            "scores": [c.mood, c.stress, c.loneliness, c.sleep],
            "note": c.note,
            "saves": c.saves,
        })).collect::<Vec<_>>(),
        "goals": goals.goals.iter().map(|g| json!({
            "id": g.goal.id.to_text(),
            "created": stamp(&g.goal.created),
            "edited_utc_ms": g.goal.edited_utc_ms,
            "text": g.goal.text,
            "why": g.goal.why,
            "measure": serde_json::to_value(&g.goal.measure).unwrap(),
            "target": g.goal.target,
            "start": g.goal.start.to_string(),
            "end": g.goal.end.to_string(),
            "entries": serde_json::to_value(&g.goal.entries).unwrap(),
            "archived": g.goal.archived,
        })).collect::<Vec<_>>(),
        "notification_wording": format!("{:?}", s.notification_wording().unwrap()),
        "pairings": pairings.records.iter().map(|p| json!({
            "id": p.id.to_text(),
            "server": p.server,
            "clinician_id": p.clinician_id,
            "clinician_name": p.clinician_name,
            "clinician_public_key": companion_core::protocol::b64(&p.clinician_public_key),
            "fingerprint": p.fingerprint,
            "device_id": p.device_id,
            "paired": stamp(&p.paired),
        })).collect::<Vec<_>>(),
        "shares": shares.records.iter().map(|x| json!({
            "id": x.id.to_text(),
            "pairing": x.pairing.to_text(),
            "category": x.category.as_str(),
            "share_id": x.share_id().to_string(),
            "from": x.from.map(|d| d.to_string()),
            "until": x.until.map(|d| d.to_string()),
            "granted": stamp(&x.granted),
            "withdrawn": stamps(&x.withdrawn),
            "state": format!("{:?}", x.state),
            "created_on_server": x.created_on_server,
            "pulled_seq": x.pulled_seq,
            "snapshot_covers": x.snapshot_covers,
            "pending_chunks": x.pending_len(),
            "chunks_since_snapshot": x.chunks_since_snapshot,
            "suggestions": x.suggestions.iter().map(|g| json!({
                "from": g.from, "received": stamp(&g.received), "summary": g.summary,
            })).collect::<Vec<_>>(),
            "last_synced": stamps(&x.last_synced),
            "last_error": x.last_error,
            "failures": x.failures,
        })).collect::<Vec<_>>(),
        "consent_receipts": receipts.records.iter().map(|r| json!({
            "id": r.id.to_text(),
            "action": format!("{:?}", r.action),
            "category": r.category.as_str(),
            "recipient": r.recipient,
            "recipient_fingerprint": r.recipient_fingerprint,
            "server": r.server,
            "from": r.from.map(|d| d.to_string()),
            "until": r.until.map(|d| d.to_string()),
            "at": stamp(&r.at),
            "wording_version": r.wording_version,
            "wording_sha256": r.wording_sha256,
        })).collect::<Vec<_>>(),
    })
}

/// What the clinician reads from every share addressed to them, by share id.
fn read_clinician(dr: &Clinician<'_>) -> Value {
    let mut out = serde_json::Map::new();
    for info in dr.shares().unwrap() {
        let view = dr.open(&info).unwrap().view().unwrap();
        let v = match view {
            SharedView::Entries { category, entries } => {
                json!({ "category": category, "entries": Value::Object(entries.into_iter().collect()) })
            }
            SharedView::Plan(p) => json!({ "category": "coping-plan", "plan": plan(&p) }),
            SharedView::Empty => json!({ "category": null }),
        };
        out.insert(info.share_id.to_string(), v);
    }
    Value::Object(out)
}

// ----- writing the fixture (run once, with the release being frozen) -----------------------

/// Fails every chunk append (the network drops it), so a share keeps a pending chunk.
struct DropAppends(HttpTransport);

impl Transport for DropAppends {
    fn send(&self, req: HttpRequest) -> Result<HttpResponse, TransportError> {
        if req.method == "POST" && req.url.ends_with("/chunks") {
            return Err(TransportError("the connection dropped".into()));
        }
        self.0.send(req)
    }
}

fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
}

fn sync_ok(s: &Store, net: &dyn Transport) {
    let r = s.sync(net, true).unwrap();
    assert!(r.errors.is_empty(), "{:?}", r.errors);
}

/// Writes the fixture with the code of this checkout. Run only to freeze a release:
/// `cargo test -p companion-tests --test previous_release -- --ignored write_fixture`.
#[test]
#[ignore]
fn write_fixture() {
    let out = fixture_dir();
    assert!(!out.join("client.db").exists(), "the fixture exists; delete it first to write it again");
    std::fs::create_dir_all(out.join("server")).unwrap();
    let server = TestServer::start();
    let net = HttpTransport::default();
    let dr = Clinician::register(
        &net,
        &server.base,
        &server.clinician_invite(),
        CLINICIAN_EMAIL,
        "Dr Robin Fixture",
        CLINICIAN_PASSPHRASE,
    )
    .unwrap();

    let zone = Zone::parse("Europe/Berlin").unwrap();
    let clock = ManualClock::new(at(2026, 10, 12, 19, 0), zone);
    let s = Store::create(
        out.join("client.db"),
        Unlock::Passphrase(&Passphrase::new(CLIENT_PASSPHRASE.to_vec()).unwrap()),
        Arc::new(clock.clone()),
        CreateOptions::insecure_fast_for_tests(),
    )
    .unwrap();

    // The coping plan, in several edits (a snapshot and chunks).
    let (_, ids) = s
        .edit_plan(&[
            PlanEdit::AddWarningSign { name: "Scrolling in bed".into() },
            PlanEdit::AddTrigger { name: "Lonely evenings".into() },
            PlanEdit::AddTrigger { name: "Stress at work".into() },
        ])
        .unwrap();
    let (sign, lonely, stress) = (ids[0], ids[1], ids[2]);
    let (_, ids) = s
        .edit_plan(&[
            PlanEdit::AddStrategy { for_item: Some(lonely), text: "Call Alex".into(), kind: None },
            PlanEdit::AddStrategy { for_item: Some(lonely), text: "Walk round the park".into(), kind: None },
            PlanEdit::AddStrategy { for_item: Some(sign), text: "Phone in the kitchen".into(), kind: None },
            PlanEdit::AddStrategy { for_item: Some(stress), text: "Box breathing".into(), kind: None },
            PlanEdit::AddStrategy { for_item: None, text: "Cold water on the face".into(), kind: None },
        ])
        .unwrap();
    let call_alex = ids[0];
    s.edit_plan(&[
        PlanEdit::AddDistraction { text: "The climbing gym".into() },
        PlanEdit::AddPerson {
            name: "Alex".into(),
            how: Some("+49 30 0000000".into()),
            availability: vec![Availability::parse("mon-fri 18:00-22:00").unwrap()],
        },
        PlanEdit::AddProfessional {
            name: "Fictional crisis line".into(),
            how: Some("0800 000 0000".into()),
            availability: vec![],
            crisis_line: true,
        },
        PlanEdit::AddEnvironmentChange { text: "Charger outside the bedroom".into() },
        PlanEdit::AddReason { text: "Being present with my family".into() },
    ])
    .unwrap();
    s.edit_plan(&[PlanEdit::Rename { id: call_alex, text: "Call or text Alex".into() }]).unwrap();

    // Urges over two months, every field used.
    let full = s
        .log_urge(NewUrge {
            intensity: 7,
            occurred: Some(LocalStamp::at(at(2026, 10, 3, 21, 40), &zone)),
            triggers: vec!["Lonely evenings".into(), "tired".into()],
            feelings: vec!["restless".into(), "empty".into()],
            place: Some("the sofa".into()),
            company: Some(Company::Alone),
            activity: Some("scrolling".into()),
            note: Some("Wanted to reach for the phone again.".into()),
            duration_secs: Some(900),
            outcome: Some(Outcome::Coped),
            strategies: vec!["Call or text Alex".into()],
            ..Default::default()
        })
        .unwrap();
    let acted = s
        .log_urge(NewUrge {
            intensity: 9,
            occurred: Some(LocalStamp::at(at(2026, 10, 8, 23, 15), &zone)),
            triggers: vec!["Stress at work".into()],
            company: Some(Company::WithOthers),
            outcome: Some(Outcome::Acted),
            ..Default::default()
        })
        .unwrap();
    s.log_urge(NewUrge {
        intensity: 3,
        occurred: Some(LocalStamp::at(at(2026, 9, 28, 7, 5), &zone)),
        ..Default::default()
    })
    .unwrap();

    // A surf session with its wave: check-ins, a pause, a note, the end.
    let surf = s
        .start_surf(SurfStart {
            urge: None,
            intensity: Some(8),
            settings: SurfSettings::minutes(20, 3),
            note: Some("Sitting on the balcony.".into()),
        })
        .unwrap();
    clock.advance(Duration::minutes(3));
    s.surf_checkin(surf.id, 6, Some("Breathing slower now.")).unwrap();
    clock.advance(Duration::minutes(2));
    s.pause_surf(surf.id).unwrap();
    clock.advance(Duration::minutes(1));
    s.resume_surf(surf.id).unwrap();
    clock.advance(Duration::minutes(4));
    s.surf_checkin(surf.id, 3, None).unwrap();
    clock.advance(Duration::minutes(5));
    s.end_surf(
        surf.id,
        SurfEnd {
            outcome: SurfOutcome::Passed,
            intensity: Some(1),
            note: Some("It passed.".into()),
            strategies: vec!["Box breathing".into()],
        },
    )
    .unwrap();

    // Exercises: a built-in one done, and a custom one.
    let def = s.find_exercise("box").unwrap();
    let start_ms = companion_core::Clock::now(&clock).timestamp_millis();
    let run = ExerciseRun::start(&def, Adjust::default(), start_ms, Some(7)).unwrap();
    clock.advance(Duration::minutes(4));
    s.save_exercise(&run, Some(4), Some("Calmer after four rounds.")).unwrap();
    let custom = ExerciseDef::from_json(
        r#"{"format": 1, "key": "evening-calm", "title": "Evening calm", "summary": "Slow breaths before bed.",
            "category": "breathing", "blocks": [
              {"steps": [{"text": "Settle in.", "seconds": 5}]},
              {"repeat": 6, "adjustable": true, "steps": [
                {"text": "Breathe in slowly", "seconds": 4, "phase": "inhale"},
                {"text": "Breathe out slowly", "seconds": 6, "phase": "exhale"}]}]}"#,
        Origin::Mine,
    )
    .unwrap();
    s.add_exercise(custom, false).unwrap();

    // Strategy uses: one answered, one linked to an urge.
    let plan_now = s.plan().unwrap().plan;
    let walk = plan_now.triggers.iter().find(|t| t.id == lonely).unwrap().strategies[1].id;
    let used = s.start_strategy(walk, UseContext { for_item: Some(lonely), urge: None, intensity: Some(6) }).unwrap();
    s.finish_strategy(used.id, true).unwrap();
    let linked = s.start_strategy(call_alex, UseContext { for_item: None, urge: None, intensity: None }).unwrap();
    s.link_strategy_use(linked.id, full.id).unwrap();

    // A slip after the acted urge, with a full chain analysis and an addition to the plan.
    let slip = s
        .log_slip(NewSlip {
            what: "Watched for an hour after a hard day.".into(),
            occurred: None,
            urge: Some(acted.id),
        })
        .unwrap();
    for a in [
        ChainAnswer::Vulnerabilities {
            items: vec![
                Vulnerability { factor: VulnerabilityFactor::Sleep, note: Some("Five hours".into()) },
                Vulnerability { factor: VulnerabilityFactor::Stress, note: None },
            ],
        },
        ChainAnswer::PromptingEvent { text: "A tense meeting ran late.".into() },
        ChainAnswer::Links {
            links: vec![
                NewChainLink { kind: LinkKind::Thought, text: "I deserve a break".into(), instead: None },
                NewChainLink { kind: LinkKind::Action, text: "Took the phone to bed".into(), instead: None },
            ],
        },
        ChainAnswer::Consequences { text: "Slept badly, felt flat.".into() },
        ChainAnswer::Alternatives {
            items: vec![LinkAlternative { link: 1, instead: "Leave the phone in the kitchen".into() }],
        },
        ChainAnswer::Repair { text: "Told my therapist.".into() },
        ChainAnswer::Commitment { text: "Phone charges outside the bedroom.".into() },
        ChainAnswer::SelfCompassion { text: "A hard day, not a lost week.".into() },
    ] {
        s.answer_chain(slip.id, a).unwrap();
    }
    s.add_to_plan_from_slip(
        slip.id,
        PlanSuggestion {
            part: PlanPart::EnvironmentChange,
            text: "No phone after 22:00".into(),
            for_item: None,
            kind: None,
            why: String::new(),
        },
    )
    .unwrap();

    // Check-ins (one day saved twice), goals (tracked, manual with progress, archived).
    let day = |d: u32| NaiveDate::from_ymd_opt(2026, 10, d).unwrap();
    for (d, note) in [(10, Some("Good day at work.")), (11, None)] {
        s.check_in(checkin::NewCheckIn {
            day: Some(day(d)),
            mood: Some(6),
            stress: Some(4),
            loneliness: Some(5),
            sleep: Some(7),
            note: note.map(String::from),
        })
        .unwrap();
    }
    s.check_in(checkin::NewCheckIn {
        day: Some(day(11)),
        mood: Some(3),
        note: Some("Evening was harder.".into()),
        ..Default::default()
    })
    .unwrap();
    s.create_goal(NewGoal {
        text: "Ride out urges instead of acting".into(),
        why: Some("I want my evenings back.".into()),
        measure: GoalMeasure::UrgesSurfed,
        target: 10,
        start: Some(day(1)),
        end: day(31),
    })
    .unwrap();
    let walks = s
        .create_goal(NewGoal {
            text: "Evening walks".into(),
            why: None,
            measure: GoalMeasure::Manual { unit: "walks".into() },
            target: 12,
            start: Some(day(1)),
            end: NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
        })
        .unwrap();
    s.add_goal_progress(walks.goal.id, 2, Some(day(9))).unwrap();
    s.add_goal_progress(walks.goal.id, 1, Some(day(11))).unwrap();
    let old = s
        .create_goal(NewGoal {
            text: "Check in every day".into(),
            why: None,
            measure: GoalMeasure::CheckInDays,
            target: 7,
            start: Some(day(12)),
            end: day(18),
        })
        .unwrap();
    s.edit_goal(old.goal.id, GoalEdit { archived: Some(true), ..Default::default() }).unwrap();
    s.set_notification_wording(notify::Wording::Explicit).unwrap();

    // Pairing and shares in every state.
    let pairing = s.pair(&dr.invite().unwrap(), &net).unwrap();
    let grant = |cats: Vec<Category>| {
        s.grant_consent(&ConsentRequest { pairing: pairing.id, categories: cats, include_history: true, until: None })
            .unwrap()
    };
    grant(vec![
        Category::Urges,
        Category::Notes,
        Category::CopingPlan,
        Category::Slips,
        Category::Goals,
        Category::CheckIns,
    ]);
    sync_ok(&s, &net);
    // The urges share grows past a snapshot (32 chunks) with edits of one entry.
    for i in 0..33u8 {
        clock.advance(Duration::minutes(1));
        s.edit_urge(full.id, UrgeEdit { intensity: Some(5 + i % 4), ..Default::default() }).unwrap();
        sync_ok(&s, &net);
    }
    // The clinician suggests a plan edit; the client receives it as a suggestion.
    let plan_share = dr
        .shares()
        .unwrap()
        .into_iter()
        .find(|i| matches!(dr.open(i).unwrap().view().unwrap(), SharedView::Plan(_)))
        .unwrap();
    let mut copy = dr.open(&plan_share).unwrap();
    copy.suggest(&[PlanEdit::AddStrategy {
        for_item: Some(lonely),
        text: "Join the Tuesday group".into(),
        kind: None,
    }])
    .unwrap();
    copy.push(&dr).unwrap();
    clock.advance(Duration::hours(1));
    sync_ok(&s, &net);
    // Check-ins: withdrawn and erased.
    s.withdraw_consent(pairing.id, &[Category::CheckIns]).unwrap();
    sync_ok(&s, &net);
    // Weekly summaries: created on the server, its first chunk still pending (the network
    // dropped the append), with the failure recorded.
    grant(vec![Category::WeeklySummaries]);
    let r = s.sync(&DropAppends(HttpTransport::default()), true).unwrap();
    assert!(!r.errors.is_empty(), "the append should have failed");
    // Goals: withdrawn, not yet erased. Surf waves and exercises: granted, not yet on a server.
    s.withdraw_consent(pairing.id, &[Category::Goals]).unwrap();
    grant(vec![Category::SurfWaves, Category::ExerciseSessions]);

    // What this release reads, written beside the files.
    let expected_store = read_store(&s);
    let expected_clinician = read_clinician(&dr);
    std::fs::write(out.join("expected-store.json"), serde_json::to_string_pretty(&expected_store).unwrap() + "\n")
        .unwrap();
    std::fs::write(
        out.join("expected-clinician.json"),
        serde_json::to_string_pretty(&expected_clinician).unwrap() + "\n",
    )
    .unwrap();
    drop(s);
    for suffix in ["-wal", "-shm"] {
        assert!(!out.join(format!("client.db{suffix}")).exists(), "the store left a {suffix} file");
    }
    // A consistent copy of the server's database (the server keeps running until dropped).
    let _ = server.stored_bytes();
    let conn = rusqlite::Connection::open(server.dir.path().join("server.db")).unwrap();
    conn.execute("VACUUM INTO ?1", [out.join("server/server.db").to_str().unwrap()]).unwrap();
    std::fs::write(out.join("server-url.txt"), format!("{}\n", server.base)).unwrap();
}

// ----- the release after it ----------------------------------------------------------------

/// Sends the requests meant for the server the fixture was written against to this one.
struct Repoint {
    from: String,
    to: String,
    inner: HttpTransport,
}

impl Transport for Repoint {
    fn send(&self, mut req: HttpRequest) -> Result<HttpResponse, TransportError> {
        if let Some(rest) = req.url.strip_prefix(&self.from) {
            req.url = format!("{}{rest}", self.to);
        }
        self.inner.send(req)
    }
}

fn read_json(name: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(fixture_dir().join(name)).unwrap()).unwrap()
}

/// The first difference between two JSON values, as a path, for a readable failure.
fn first_difference(path: &str, a: &Value, b: &Value) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => x.keys().chain(y.keys()).find_map(|k| {
            first_difference(&format!("{path}.{k}"), x.get(k).unwrap_or(&Value::Null), y.get(k).unwrap_or(&Value::Null))
        }),
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            x.iter().zip(y).enumerate().find_map(|(i, (p, q))| first_difference(&format!("{path}[{i}]"), p, q))
        }
        _ if a == b => None,
        _ => Some(format!("{path}: {a} != {b}")),
    }
}

fn assert_same(what: &str, got: &Value, expected: &Value) {
    if let Some(d) = first_difference(what, got, expected) {
        panic!("{what} reads differently from the previous release: {d}");
    }
}

/// The fixture's files copied into temp dirs (tests never change the committed ones).
fn copy_fixture() -> (tempfile::TempDir, tempfile::TempDir) {
    let client = tempfile::tempdir().unwrap();
    std::fs::copy(fixture_dir().join("client.db"), client.path().join("client.db")).unwrap();
    let server = tempfile::tempdir().unwrap();
    std::fs::copy(fixture_dir().join("server/server.db"), server.path().join("server.db")).unwrap();
    (client, server)
}

fn open_client(dir: &Path) -> Store {
    let clock = ManualClock::new(Utc::now(), Zone::parse("Europe/Berlin").unwrap());
    Store::open(
        dir.join("client.db"),
        Unlock::Passphrase(&Passphrase::new(CLIENT_PASSPHRASE.to_vec()).unwrap()),
        Arc::new(clock),
    )
    .unwrap()
}

/// The share id of the fixture's share of `category` that is in `state`.
fn share_of(expected: &Value, category: &str, state: &str) -> String {
    expected["shares"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["category"] == category && s["state"] == state)
        .map(|s| s["share_id"].as_str().unwrap().to_string())
        .unwrap()
}

#[test]
fn a_store_from_the_previous_release_opens_syncs_and_reads_identically() {
    let (client_dir, server_dir) = copy_fixture();
    let expected = read_json("expected-store.json");
    let s = open_client(client_dir.path());
    assert_same("the store", &read_store(&s), &expected);

    // Sync with the server it synced with (now at another address).
    let server = TestServer::start_in(server_dir);
    let recorded = std::fs::read_to_string(fixture_dir().join("server-url.txt")).unwrap().trim().to_string();
    let net = Repoint { from: recorded, to: server.base.clone(), inner: HttpTransport::default() };
    let r = s.sync(&net, true).unwrap();
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(r.shares_erased, 1, "the withdrawn goals share is erased");
    let after = read_store(&s);
    for share in after["shares"].as_array().unwrap() {
        let category = share["category"].as_str().unwrap();
        match category {
            "goals" | "check-ins" => assert_eq!(share["state"], "Erased", "{category}"),
            _ => {
                assert_eq!(share["state"], "Active", "{category}");
                assert_eq!(share["created_on_server"], true, "{category}");
                assert_eq!(share["pending_chunks"], 0, "{category}");
                assert_eq!(share["failures"], 0, "{category}");
            }
        }
    }
    // Nothing else changed in what the client reads.
    for part in [
        "urges",
        "surf_sessions",
        "exercise_sessions",
        "custom_exercises",
        "plan",
        "strategy_uses",
        "slips",
        "check_ins",
        "goals",
        "pairings",
        "consent_receipts",
    ] {
        assert_same(part, &after[part], &expected[part]);
    }

    // The clinician reads what they read before, and what the sync added.
    let direct = HttpTransport::default();
    // The release's account logs in the old way once and moves to OPAQUE.
    let dr = Clinician::upgrade_legacy_login(&direct, &server.base, CLINICIAN_EMAIL, CLINICIAN_PASSPHRASE).unwrap();
    let views = read_clinician(&dr);
    let before = read_json("expected-clinician.json");
    for category in ["urges", "notes", "slips", "coping-plan"] {
        let id = share_of(&expected, category, "Active");
        assert_same(category, &views[&id], &before[&id]);
    }
    assert!(views.get(share_of(&expected, "goals", "Withdrawn")).is_none(), "the erased share is still on the server");
    let entries =
        |category: &str| views[&share_of(&expected, category, "Active")]["entries"].as_object().unwrap().len();
    assert!(entries("weekly-summaries") >= 10, "the pending weekly summaries arrived");
    assert_eq!(entries("surf-waves"), 1, "the new surf-waves share holds the session");
    assert_eq!(entries("exercise-sessions"), 1, "the new exercise share holds the session");
}
