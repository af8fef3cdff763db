//! The values the golden payloads hold: one per record kind, every optional field set.
//! Fictional data only.

use chrono::NaiveDate;

use crate::checkin::CheckIn;
use crate::exercise::{Adjust, Block, Category as ExerciseCategory, CustomExercise, ExerciseDef, ExerciseSession};
use crate::exercise::{Origin, PaceRange, Phase, Step};
use crate::goal::{Goal, GoalEntry, GoalMeasure};
use crate::id::RecordId;
use crate::plan::model::StrategyKind;
use crate::plan::StrategyUse;
use crate::share::{Category, ConsentReceipt, Pairing, Pending, ReceiptAction, Share, ShareState, Suggestion};
use crate::slip::VulnerabilityFactor;
use crate::slip::{ChainAnalysis, ChainLink, ChainStep, LinkKind, PlanAddition, PlanPart, Slip, Vulnerability};
use crate::surf::{ClosedBy, Pause, PointKind, SurfEnding, SurfOutcome, SurfSession, SurfSettings, WavePoint};
use crate::time::LocalStamp;
use crate::urge::{Company, Outcome, Urge};

pub(crate) fn id(n: u8) -> RecordId {
    RecordId::from_bytes([n; 16])
}

pub(crate) fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// 2026-10-03 21:40 in Berlin (summer time).
pub(crate) fn summer() -> LocalStamp {
    LocalStamp { utc_ms: 1_791_063_600_000, offset_secs: 7200, zone: Some("Europe/Berlin".into()) }
}

/// 2026-10-12 19:00 UTC, at a fixed offset without a zone name.
pub(crate) fn fixed() -> LocalStamp {
    LocalStamp { utc_ms: 1_791_831_600_000, offset_secs: 3600, zone: None }
}

pub(crate) fn urge() -> Urge {
    Urge {
        id: id(1),
        occurred: summer(),
        logged: fixed(),
        edited_utc_ms: Some(1_791_900_000_000),
        intensity: 7,
        triggers: vec!["lonely".into(), "tired".into()],
        feelings: vec!["restless".into()],
        place: Some("the sofa".into()),
        company: Some(Company::WithOthers),
        activity: Some("scrolling".into()),
        note: Some("Wanted to call Alex.".into()),
        duration_secs: Some(900),
        outcome: Some(Outcome::Coped),
        strategies: vec!["Call Alex".into()],
        surf_session: Some(id(2)),
        risk: None,
    }
}

pub(crate) fn surf_session() -> SurfSession {
    let t = summer().utc_ms;
    SurfSession {
        id: id(2),
        urge: Some(id(1)),
        urge_created: true,
        started: summer(),
        settings: SurfSettings { length_secs: 1200, interval_secs: 180 },
        pauses: vec![Pause { from_utc_ms: t + 200_000, to_utc_ms: Some(t + 260_000) }],
        points: vec![
            WavePoint {
                at_utc_ms: t,
                active_ms: 0,
                kind: PointKind::Start,
                prompt: None,
                intensity: Some(8),
                note: None,
            },
            WavePoint {
                at_utc_ms: t + 180_000,
                active_ms: 180_000,
                kind: PointKind::Prompt,
                prompt: Some(1),
                intensity: Some(6),
                note: Some("Breathing slower now.".into()),
            },
            WavePoint {
                at_utc_ms: t + 420_000,
                active_ms: 360_000,
                kind: PointKind::Prompt,
                prompt: Some(2),
                intensity: None,
                note: None,
            },
            WavePoint {
                at_utc_ms: t + 500_000,
                active_ms: 440_000,
                kind: PointKind::End,
                prompt: None,
                intensity: Some(1),
                note: Some("It passed.".into()),
            },
        ],
        prompts_resolved: 2,
        ending: Some(SurfEnding {
            at_utc_ms: t + 500_000,
            outcome: Some(SurfOutcome::Passed),
            closed_by: ClosedBy::Person,
        }),
        note: Some("Sitting on the balcony.".into()),
        risk: None,
    }
}

pub(crate) fn exercise_session() -> ExerciseSession {
    ExerciseSession {
        id: id(3),
        key: "box".into(),
        version: 2,
        title: "Box breathing".into(),
        adjust: Adjust { rounds: Some(6), minutes: None, pace_tenths: Some(55) },
        started: summer(),
        ended: fixed(),
        active_ms: 240_000,
        planned_ms: 300_000,
        completed: false,
        skipped_steps: 1,
        distress_before: Some(7),
        distress_after: Some(4),
        note: Some("Calmer after four rounds.".into()),
    }
}

pub(crate) fn custom_exercise() -> CustomExercise {
    let step = |text: &str, ms: u32, phase: Phase| Step { text: text.into(), duration_ms: ms, phase };
    CustomExercise {
        id: id(4),
        def: ExerciseDef {
            key: "evening-calm".into(),
            version: 3,
            title: "Evening calm".into(),
            summary: "Slow breaths before bed.".into(),
            category: ExerciseCategory::Breathing,
            blocks: vec![
                Block { steps: vec![step("Settle in.", 5_000, Phase::Rest)], repeat: 1, adjustable: false },
                Block {
                    steps: vec![
                        step("Breathe in slowly", 4_000, Phase::Inhale),
                        step("Breathe out slowly", 6_000, Phase::Exhale),
                    ],
                    repeat: 6,
                    adjustable: true,
                },
            ],
            pace: Some(PaceRange { default_tenths: 60, min_tenths: 40, max_tenths: 100 }),
            origin: Origin::Mine,
        },
        added: summer(),
        updated_utc_ms: Some(1_791_900_000_000),
    }
}

pub(crate) fn strategy_use() -> StrategyUse {
    StrategyUse {
        id: id(5),
        strategy_id: id(6),
        strategy_text: "Walk round the park".into(),
        for_item: Some(id(7)),
        item_name: Some("Lonely evenings".into()),
        started: summer(),
        urge: Some(id(1)),
        intensity: Some(6),
        helped: Some(true),
    }
}

pub(crate) fn slip() -> Slip {
    Slip {
        id: id(8),
        occurred: summer(),
        logged: fixed(),
        edited_utc_ms: Some(1_791_900_000_000),
        what: "Watched for an hour after a hard day.".into(),
        urge: Some(id(1)),
        chain: ChainAnalysis {
            vulnerabilities: vec![
                Vulnerability { factor: VulnerabilityFactor::Sleep, note: Some("Five hours".into()) },
                Vulnerability { factor: VulnerabilityFactor::Other, note: None },
            ],
            prompting_event: Some("A tense meeting ran late.".into()),
            links: vec![
                ChainLink { kind: LinkKind::Thought, text: "I deserve a break".into(), instead: None },
                ChainLink {
                    kind: LinkKind::Action,
                    text: "Took the phone to bed".into(),
                    instead: Some("Leave the phone in the kitchen".into()),
                },
            ],
            consequences: Some("Slept badly, felt flat.".into()),
            repair: Some("Told my therapist.".into()),
            commitment: Some("Phone charges outside the bedroom.".into()),
            self_compassion: None,
            answered: vec![
                ChainStep::Vulnerabilities,
                ChainStep::PromptingEvent,
                ChainStep::Links,
                ChainStep::Consequences,
                ChainStep::Alternatives,
                ChainStep::Repair,
                ChainStep::Commitment,
            ],
            skipped: vec![ChainStep::SelfCompassion],
        },
        chain_completed: Some(fixed()),
        plan_additions: vec![
            PlanAddition {
                part: PlanPart::EnvironmentChange,
                text: "No phone after 22:00".into(),
                for_item: None,
                kind: None,
                added_utc_ms: 1_791_900_000_000,
            },
            PlanAddition {
                part: PlanPart::Strategy,
                text: "Text Alex".into(),
                for_item: Some("Lonely evenings".into()),
                kind: Some(StrategyKind::ReachOut),
                added_utc_ms: 1_791_900_060_000,
            },
        ],
        risk: None,
    }
}

pub(crate) fn check_in() -> CheckIn {
    CheckIn {
        id: id(9),
        day: day(2026, 10, 11),
        first_at: summer(),
        at: fixed(),
        mood: Some(6),
        stress: Some(4),
        loneliness: None,
        sleep: Some(7),
        note: Some("Evening was harder.".into()),
        saves: 2,
        risk: None,
    }
}

pub(crate) fn goal() -> Goal {
    Goal {
        id: id(10),
        created: summer(),
        edited_utc_ms: Some(1_791_900_000_000),
        text: "Evening walks".into(),
        why: Some("I want my evenings back.".into()),
        measure: GoalMeasure::Manual { unit: "walks".into() },
        target: 12,
        start: day(2026, 10, 1),
        end: day(2026, 11, 30),
        entries: vec![
            GoalEntry { day: day(2026, 10, 9), amount: 2, added_utc_ms: 1_791_500_000_000 },
            GoalEntry { day: day(2026, 10, 11), amount: 1, added_utc_ms: 1_791_700_000_000 },
        ],
        archived: true,
    }
}

pub(crate) fn pairing() -> Pairing {
    Pairing {
        id: id(11),
        server: "https://sync.clinic.invalid".into(),
        clinician_id: "cl_fixture".into(),
        clinician_name: "Dr Robin Fixture".into(),
        clinician_public_key: [6; 32],
        fingerprint: "7kq3-ma9x-0c1d-2e3f-4g5h-6j7k".into(),
        device_id: "dev_fixture".into(),
        device_key: vec![7; 48],
        paired: summer(),
    }
}

pub(crate) fn share() -> Share {
    Share {
        id: id(12),
        pairing: id(11),
        category: Category::CopingPlan,
        share_id: [8; 16],
        key: [9; 32],
        from: Some(day(2026, 10, 1)),
        until: Some(day(2027, 3, 31)),
        granted: summer(),
        withdrawn: Some(fixed()),
        state: ShareState::Withdrawn,
        created_on_server: true,
        actor: [10; 16],
        doc_record: id(13),
        pushed_heads: vec![[11; 32]],
        pulled_seq: 34,
        snapshot_covers: 32,
        pending: vec![Pending { chunk_id: [12; 16], sealed: vec![13; 5], heads_after: vec![[14; 32], [15; 32]] }],
        chunks_since_snapshot: 2,
        suggestions: vec![Suggestion {
            from: "Dr Robin Fixture".into(),
            received: fixed(),
            summary: "Added the strategy \"Join the Tuesday group\"".into(),
        }],
        last_synced: Some(fixed()),
        last_error: Some("the server could not be reached".into()),
        failures: 1,
        next_attempt_utc_ms: 1_791_900_030_000,
    }
}

pub(crate) fn receipt() -> ConsentReceipt {
    ConsentReceipt {
        id: id(14),
        action: ReceiptAction::Withdrawn,
        category: Category::Goals,
        recipient: "Dr Robin Fixture".into(),
        recipient_fingerprint: "7kq3-ma9x-0c1d-2e3f-4g5h-6j7k".into(),
        server: "https://sync.clinic.invalid".into(),
        from: Some(day(2026, 10, 1)),
        until: None,
        at: summer(),
        wording_version: "consent-wording-2026-11-v1".into(),
        wording_sha256: "ab".repeat(32),
    }
}
