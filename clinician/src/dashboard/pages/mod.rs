//! The dashboard's pages, rendered on the server with maud (templates checked at compile time;
//! every value is HTML-escaped). Pages work without script; the one script file adds small
//! conveniences (a print button, the suggestion form showing only the fields it needs).

pub mod client;
pub mod clients;
pub mod consent;
pub mod plan;
pub mod print;
pub mod session;

use maud::{html, Markup, PreEscaped, DOCTYPE};

use crate::dashboard::charts::Chart;
use crate::words;

/// What every page of a signed-in browser knows.
pub struct Frame<'a> {
    /// The browser session's CSRF token, put into every form that writes.
    pub csrf: &'a str,
    pub clinician: &'a str,
    /// "15 min": how long without use before it locks.
    pub lock_after: &'a str,
    /// When the shares were last brought up to date (UTC ms), in the clinician's local time.
    pub refreshed: Option<String>,
    /// The path of this page (forms that come back here say so).
    pub here: &'a str,
}

/// The whole document around a page's content.
pub fn document(title: &str, frame: Option<&Frame<'_>>, main: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="referrer" content="same-origin";
                title { (title) " · Recovery companion" }
                link rel="stylesheet" href="/static/dashboard.css";
                script src="/static/dashboard.js" defer {}
            }
            body {
                a.skip href="#main" { "Skip to the content" }
                header.top {
                    a.brand href="/" { "Recovery companion" span.sub { " · for clinicians" } }
                    @if let Some(f) = frame {
                        nav aria-label="Dashboard" {
                            a href="/" { "Clients" }
                        }
                        div.actions {
                            span.who { (f.clinician) }
                            form method="post" action="/refresh" {
                                (csrf(f.csrf))
                                input type="hidden" name="back" value=(f.here);
                                button type="submit" { "Check for updates" }
                            }
                            form method="post" action="/lock" {
                                (csrf(f.csrf))
                                button type="submit" { "Lock" }
                            }
                        }
                    }
                }
                main id="main" { (main) }
                footer.bottom {
                    p {
                        "Decrypted on this computer only; nothing is saved to disk or kept by the browser."
                        @if let Some(f) = frame {
                            " It locks after " (f.lock_after) " without use."
                            @if let Some(r) = &f.refreshed { " Last checked for updates: " (r) "." }
                        }
                    }
                }
            }
        }
    }
}

/// The hidden field that carries the session's CSRF token.
pub fn csrf(token: &str) -> Markup {
    html! { input type="hidden" name="csrf" value=(token); }
}

/// A chart, and the table with its figures right after it.
pub fn figure(chart: &Chart, caption: &str, table: Markup) -> Markup {
    html! {
        figure.chart {
            (PreEscaped(&chart.svg))
            figcaption { (caption) }
        }
        (table)
    }
}

/// A short form of a device id for headings ("Client 3f9a2b").
pub fn client_name(device_id: &str) -> String {
    let short: String = device_id.chars().take(6).collect();
    format!("Client {short}")
}

/// What a block says when its category is not shared.
pub fn not_shared(categories: &[companion_core::share::Category]) -> Markup {
    let names: Vec<&str> = categories.iter().map(|c| words::category_title(*c)).collect();
    html! {
        p.not-shared {
            "Not shared. "
            @match names.as_slice() {
                [one] => { "This client does not share " strong { (one.to_lowercase()) } "." }
                many => { "This client shares none of: " (many.join(", ").to_lowercase()) "." }
            }
        }
    }
}
