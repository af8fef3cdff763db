//! The main pages as HTML, from what the session holds: what the routes send, and what the
//! benchmark times (`bench dashboard`).

use chrono::{FixedOffset, NaiveDate};

use super::pages;
pub use super::pages::Frame;
use crate::overview;
use crate::report::{self, RangeError};
use crate::shared::Client;

/// A client's page from `since` (default: the last 28 days) to their today.
pub fn client_page(
    frame: &Frame<'_>,
    client: &Client,
    since: Option<NaiveDate>,
    now_ms: i64,
    fallback: FixedOffset,
) -> Result<String, RangeError> {
    let r = report::report(client, since, now_ms, fallback)?;
    let since = since.map(|d| d.to_string());
    Ok(pages::client::page(frame, &r, &overview::flags(client, now_ms), since.as_deref()).into_string())
}

/// The clients page.
pub fn clients_page(frame: &Frame<'_>, clients: &[Client], now_ms: i64, here: FixedOffset) -> String {
    pages::clients::page(frame, &overview::rows(clients, now_ms), &here).into_string()
}
