//! Pages about the session itself: open the dashboard with its link, unlock it, a new client
//! invite, and errors. None of them shows client data.

use maud::{html, Markup};

use super::{csrf, document, Frame};
use crate::dashboard::Locked;

/// Without a session: how to get one.
pub fn need_link() -> Markup {
    document(
        "Open the dashboard",
        None,
        html! {
            h1 { "Open the dashboard with its link" }
            p { "For your clients' privacy this dashboard only answers the browser that opened the one-time link
                 printed in the terminal where you started it. Press Enter there for a new link." }
        },
    )
}

/// Locked: ask for the passphrase.
pub fn unlock(token: &str, email: &str, why: Option<Locked>, problem: Option<&str>) -> Markup {
    document(
        "Locked",
        None,
        html! {
            h1 { "The dashboard is locked" }
            p {
                @match why {
                    Some(Locked::Idle) => "It locked itself after a while without use: the keys and everything decrypted were forgotten.",
                    Some(Locked::ByClinician) => "You locked it: the keys and everything decrypted were forgotten.",
                    None => "Enter your passphrase to read what your clients share.",
                }
            }
            @if let Some(p) = problem { p.problem role="alert" { (p) } }
            form.unlock method="post" action="/unlock" {
                (csrf(token))
                p { "Account: " strong { (email) } }
                label for="passphrase" { "Your passphrase" }
                input id="passphrase" type="password" name="passphrase" autocomplete="current-password" required autofocus;
                button type="submit" { "Unlock" }
            }
        },
    )
}

/// A new client invite, to give to one client.
pub fn invite(frame: &Frame<'_>, invite: &str, fingerprint: &str) -> Markup {
    document(
        "Invite a client",
        Some(frame),
        html! {
            h1 { "A new invite for one client" }
            p { "Give this to one client (as text, or read it out). It works once, for 14 days." }
            pre.invite { (invite) }
            p { "Your key code, to compare with them when they pair: " strong.code { (fingerprint) } }
            p { a href="/" { "Back to your clients" } }
        },
    )
}

/// Something went wrong; nothing was lost.
pub fn problem(frame: Option<&Frame<'_>>, title: &str, message: &str) -> Markup {
    document(
        title,
        frame,
        html! {
            h1 { (title) }
            p.problem role="alert" { (message) }
            p { a href="/" { "Back to your clients" } }
        },
    )
}
