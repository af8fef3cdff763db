//! Screen models: everything the phone apps show and every decision behind it.
//!
//! In the spirit of Crux, the core holds the app's state and decides what happens on each
//! tap; the Android and iOS shells render the view they are given and send back what the
//! person did. One object, [`App`], does it for the whole app:
//!
//! - [`App::view`] returns an [`AppView`]: the screen on top of the navigation stack (a
//!   [`ScreenView`], one record per screen with its words, its choices in order and its
//!   chart-ready series), a notice, whether "back" is possible, and when to ask again (a
//!   running timer or exercise);
//! - [`App::send`] takes an [`Event`] (a navigation, a lifecycle change, or one screen's
//!   action) and returns the [`Effect`]s the platform carries out: place a call, schedule
//!   notifications, show the biometric prompt, save a file, leave the app...
//!
//! The app lock ([`crate::lock`]) lives here too: the app starts locked, locks after the
//! chosen time in the background, on a quick exit or when the person locks it, and opens with
//! the biometrics bound to the key-store key or the recovery passphrase set on the first run.
//! Opening and closing the store go through the [`Host`] the bindings supply (the platform's
//! key store is a foreign object); everything else is decided here.
//!
//! Each screen lives in its own file: `gate.rs` (first run, lock, the neutral screen of a
//! quick exit), `home.rs`, `log_urge.rs`, `surf.rs`, `exercises.rs` (the library and the
//! player), `plan.rs`, `slip.rs`, `checkin.rs`, `goals.rs`, `insights.rs`, `sharing.rs`,
//! `backup.rs`, `settings.rs`; `common.rs` holds shared pieces and the words for failures.

mod app;
pub mod backup;
pub mod checkin;
pub mod common;
pub mod crisis;
pub mod exercises;
pub mod gate;
pub mod goals;
pub mod home;
pub mod insights;
pub mod log_urge;
pub mod next_steps;
pub mod plan;
pub mod settings;
pub mod sharing;
pub mod slip;
pub mod surf;

#[cfg(test)]
mod tests;

pub use app::{App, AppView, AuthPurpose, Biometrics, Effect, Event, Host, HostKey, Platform, Route, ScreenView};
pub use common::{ChartPoint, ChartStyle, Chip, Notice, NoticeKind, ScaleChoice, Series};
