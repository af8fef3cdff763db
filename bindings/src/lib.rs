//! UniFFI bindings of the recovery companion: one API for Kotlin, Swift and Python.
//!
//! Everything an app shows comes from one object, [`CompanionCore`], opened on an encrypted
//! store with a passphrase or the app's platform [`KeyProvider`]. Each feature's methods live
//! in their own file: `keys.rs` (unlock methods, rekeying), `urges.rs` (the urge log),
//! `surf.rs` (urge surfing), `exercises.rs` (guided exercises and the live
//! [`ExerciseRunner`]), `plan.rs` (the coping plan, its lookup and what it learns, with the
//! in-memory [`PlanFinder`]), `slips.rs` (slips and the guided chain analysis), `checkins.rs`,
//! `goals.rs`, `insights.rs`, `sharing.rs` (consent, pairing with a clinician, sync through
//! the built-in HTTP client or the app's [`SyncTransport`]), `notifications.rs` (notification
//! wording), `safety.rs` (the crisis step, next steps after a strong urge, the risk check),
//! `backup.rs` (encrypted export and restore), `screens.rs` (the [`AppModel`] a phone shell
//! renders: every screen, the lock, reminders). Errors are one small enum, [`CompanionError`], mapped from
//! the core's rich error in `error.rs`. `testing.rs` holds test hooks, compiled only with the
//! `test-hooks` feature.
//!
//! Namespaces: the core's records and enums (`Urge`, `NewUrge`, `LocalStamp`, `CopingPlan`,
//! `SurfSession`, ...) are defined once, in `companion-core`, and generated into its own
//! namespace (`companion_core`; Kotlin package `app.companion.core`); this crate's API is the
//! `companion_api` namespace (Kotlin package `app.companion`). Python gets both in the package
//! `companion`; Swift gets both in the module `Companion`. See `uniffi.toml`.
//!
//! # Threading
//! [`CompanionCore`] is `Send + Sync`: call it from any thread. Calls on one store are
//! serialised on its SQLite connection.
//! - No I/O (safe on the main thread, every frame if need be): `is_backup_file`, `path`,
//!   `is_locked`, `lock`, `time_zone`, `set_time_zone`, `now`, `today`, `stamp_at`,
//!   `surf_status`, `surf_summary`, every [`ExerciseRunner`] method, [`PlanFinder::find`] and
//!   [`PlanFinder::plan`], `parse_availability`, `guess_strategy_kind`, `exercise_from_json`,
//!   `exercise_to_json`, `slip_guide`, `chain_step_text`, `goal_time_frame`, `read_invite`,
//!   `consent_wording`, `consent_wording_version`, `assess_risk`, `next_step_title`,
//!   `about_text`, `emergency_number_for_region`.
//! - The network, seconds at worst: `pair_with_clinician` and `sync` (async variants
//!   `pair_with_clinician_async`, `sync_async`); a sync can run from WorkManager or
//!   BGTaskScheduler with the app's own [`SyncTransport`].
//! - Disk I/O, milliseconds (every write is fsync'd before it returns): everything else.
//!   Call from a background dispatcher (Kotlin `Dispatchers.IO`, a Swift `Task`).
//! - Key derivation or whole-store work, hundreds of milliseconds: `create`, `open`,
//!   `unlock`, `set_unlock_method`, `export_backup`, `restore_backup`. Each has an async
//!   variant (`create_store_async`, `open_store_async`, `unlock_async`,
//!   `set_unlock_method_async`, `export_backup_async`, `restore_backup_async`) that runs on its
//!   own thread: a Kotlin `suspend fun`, a Swift `async func`, a Python coroutine.
//!
//! # Failures
//! Every fallible call returns [`CompanionError`]. A key provider that throws becomes
//! `KeyProviderFailed`. Ids passed as arguments are `String`s, so a malformed one is
//! `InvalidInput` on "id"; ids inside records (a `PlanEdit`, a `LookupQuery`) are lifted by
//! UniFFI, and a malformed one there (only a programming error: ids come from the core) is
//! UniFFI's internal-error exception. A bug that panics inside an exported function unwinds
//! (the release profile keeps `panic = "unwind"`) and reaches the app as that internal-error
//! exception (Kotlin `InternalException`, Swift `InternalError`, Python `InternalError`); the
//! process and the store go on.

#![forbid(unsafe_code)]
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

uniffi::setup_scaffolding!("companion_api");

// Dates cross as the core's custom type (ISO 8601 text).
use chrono::NaiveDate;
uniffi::use_remote_type!(companion_core::NaiveDate);

mod backup;
mod blocking;
mod checkins;
mod clock;
mod companion;
mod error;
mod exercises;
mod goals;
mod insights;
mod keys;
mod notifications;
mod plan;
mod safety;
mod screens;
mod sharing;
mod slips;
mod surf;
#[cfg(feature = "test-hooks")]
mod testing;
mod urges;

pub use backup::{is_backup_file, Backup};
pub use companion::{create_store_async, open_store_async, CompanionCore};
pub use error::CompanionError;
pub use exercises::{exercise_from_json, exercise_to_json, ExerciseLibrary, ExerciseRunner};
pub use goals::GoalFrame;
pub use insights::{
    InsightsReport, ProgressReport, RiskWindowsReport, StrategyEffectivenessReport, WeeklySummariesReport,
};
pub use keys::{KeyProvider, KeyProviderError, Unlock};
pub use plan::{guess_strategy_kind, parse_availability, PlanEditResult, PlanFinder, StrategyUseListing};
pub use safety::{about_text, assess_risk, emergency_number_for_region, next_step_title};
pub use screens::{reminder_schedule_json, upcoming_reminders, AppModel, BackgroundSync};
pub use sharing::{
    consent_wording, consent_wording_version, read_invite, HttpCall, HttpHeader, HttpReply, InviteInfo, PairingInfo,
    ShareInfo, SyncTransport, TransportFailure,
};
pub use slips::{chain_step_text, slip_guide, ChainStepText, SlipGuide, SlipPlanResult};
pub use surf::surf_summary;
