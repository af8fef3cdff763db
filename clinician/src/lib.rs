//! The clinician's side of the recovery companion: read what clients consented to share, on
//! the clinician's own machine, in a terminal or in a local dashboard in the browser.
//!
//! - [`shared`]: the only reader of share data (login, listing, pulling, decrypting, typed
//!   entries), over the core's clinician reader;
//! - [`report`] and [`overview`]: what the pages show, computed with the core's insights;
//! - [`terminal`]: `companion-clinician read`;
//! - [`words`]: the words all of them use.

#![forbid(unsafe_code)]
#![deny(clippy::unwrap_used, clippy::expect_used)]

pub mod dashboard;
pub mod export;
pub mod overview;
pub mod report;
pub mod shared;
pub mod suggest;
pub mod terminal;
pub mod words;
