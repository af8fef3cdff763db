//! The recovery companion's shared core.
//!
//! Layers, each depending only on those above it:
//! - [`clock`], [`time`], [`id`], [`text`], [`error`]: foundations without I/O;
//! - [`crypto`]: keys, envelopes, export encryption (ring);
//! - [`store`]: the encrypted SQLite store every feature keeps its records in;
//! - features: [`urge`] (the urge log), [`surf`] (urge-surfing sessions and their waves),
//!   [`exercise`] (guided exercises), [`notify`] (what the app schedules as notifications),
//!   [`plan`] (the coping plan and its lookup), [`export`] (backup and restore), and the
//!   modules later issues add (slips, check-ins, goals, insights, consent, sync);
//! - the apps: [`lock`] (the app lock's policy), [`settings`] (the app's stored settings) and
//!   [`screens`] (every screen's state, words and decisions, which the Android and iOS shells
//!   only render).
//!
//! No FFI code lives here: with the `uniffi` feature, core types derive UniFFI traits so the
//! bindings crate can expose them without mirroring them by hand.

#![forbid(unsafe_code)]
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[cfg(feature = "uniffi")]
uniffi::setup_scaffolding!("companion_core");

pub mod checkin;
pub mod clinician;
pub mod clock;
pub mod crypto;
pub mod error;
pub mod exercise;
pub mod export;
pub mod goal;
pub mod id;
pub mod insights;
pub mod language;
pub mod lock;
pub mod notify;
pub mod plan;
pub mod protocol;
pub mod safety;
pub mod screens;
pub mod settings;
pub mod share;
pub mod slip;
pub mod store;
pub mod surf;
pub mod sync;
pub mod text;
pub mod time;
pub mod urge;

#[cfg(feature = "uniffi")]
mod uniffi_glue;

#[cfg(test)]
pub(crate) mod testing;

pub use clock::{Clock, ManualClock, SystemClock, Zone};
pub use error::{Error, IntegrityProblem, KeyMethod, Result};
pub use id::RecordId;
pub use store::{CreateOptions, RecordKind, Store, Unlock};
pub use time::LocalStamp;
