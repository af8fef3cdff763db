//! The clients page: who shares what, since when, how current, and what to notice first.

use chrono::FixedOffset;
use maud::{html, Markup};

use super::{client_name, csrf, document, Frame};
use crate::overview::{ClientRow, Flag};
use crate::shared::ShareState;
use crate::words;

pub fn page(frame: &Frame<'_>, rows: &[ClientRow], here: &FixedOffset) -> Markup {
    document(
        "Clients",
        Some(frame),
        html! {
            div.page-head {
                h1 { "Your clients" }
                form method="post" action="/invite" {
                    (csrf(frame.csrf))
                    button type="submit" { "Invite a client" }
                }
            }
            @if rows.is_empty() {
                p.empty { "No client shares anything with you yet. Invite a client; once they pair with you and
                           consent to share, what they share appears here after their next sync." }
            } @else {
                p.hint { "Clients are shown by their device id until they choose a name to share with you." }
                table.clients {
                    caption.visually-hidden { "Clients, what they share and when they last synced" }
                    thead { tr {
                        th scope="col" { "Client" }
                        th scope="col" { "Shares" }
                        th scope="col" { "New data" }
                        th scope="col" { "To notice" }
                    } }
                    tbody {
                        @for r in rows {
                            tr data-client=(r.device_id) {
                                th scope="row" {
                                    a href={ "/client/" (r.device_id) } { (client_name(&r.device_id)) }
                                    br;
                                    span.device title="Device id" { (r.device_id) }
                                }
                                td { (categories(r, here)) }
                                td { @match r.last_update_ms {
                                    Some(t) => (words::moment(t, here)),
                                    None => span.none { "Nothing new since you opened the dashboard" },
                                } }
                                td { (flags(&r.flags, here)) }
                            }
                        }
                    }
                }
            }
        },
    )
}

fn categories(r: &ClientRow, here: &FixedOffset) -> Markup {
    html! {
        ul.categories {
            @for c in &r.categories {
                @let name = c.category.map(words::category_title).unwrap_or("A new share (nothing arrived yet)");
                @match c.state {
                    ShareState::Live => li data-category=(c.category.map(|x| x.as_str()).unwrap_or("")) {
                        (name) span.since { " since " (words::moment(c.since_ms, here)) }
                    },
                    ShareState::Withdrawn { noticed_ms } => li.withdrawn {
                        (name) " — withdrawn (noticed " (words::moment(noticed_ms, here)) ")"
                    },
                }
            }
        }
    }
}

/// Flags in words, most urgent first; a risk flag is marked as such, not by colour alone.
pub fn flags(flags: &[Flag], here: &FixedOffset) -> Markup {
    html! {
        @if flags.is_empty() {
            span.none { "Nothing" }
        } @else {
            ul.flags {
                @for f in flags {
                    @match f {
                        Flag::Risk { category, day } => li.flag.risk {
                            strong { "Risk: " } "words of suicide or self-harm in "
                            (words::category_title(*category).to_lowercase()) ", " (words::day(*day))
                        },
                        Flag::Withdrawn { noticed_ms } => li.flag {
                            "Withdrew a category (noticed " (words::moment(*noticed_ms, here)) ")"
                        },
                        Flag::Unreadable { category } => li.flag {
                            "Some of " (category.map(words::category_title).unwrap_or("a share").to_lowercase())
                            " could not be read"
                        },
                        Flag::RecentSlip { at } => li.flag {
                            "A slip in the last 7 days (" (words::local_time(at)) ")"
                        },
                    }
                }
            }
        }
    }
}
