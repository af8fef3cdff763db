//! The main pages as HTML, from what the session holds: what the routes send, and what the
//! benchmark times (`bench dashboard`).

use chrono::FixedOffset;

use super::pages;
pub use super::pages::Frame;
use crate::overview;
use crate::report::Report;
use crate::shared::Client;

/// A client's page for a report of them ([`crate::report::report`]); `since`: the day the
/// clinician chose, if any (kept in the page's links).
pub fn client_page(frame: &Frame<'_>, client: &Client, r: &Report, since: Option<&str>, now_ms: i64) -> String {
    pages::client::page(frame, r, &overview::flags(client, now_ms), since).into_string()
}

/// The clients page.
pub fn clients_page(frame: &Frame<'_>, clients: &[Client], now_ms: i64, here: FixedOffset) -> String {
    pages::clients::page(frame, &overview::rows(clients, now_ms), &here).into_string()
}
