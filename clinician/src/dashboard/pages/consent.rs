//! What a client shares, as the clinician can see it: each category with the words the client
//! agreed to and what is never sent with it, since when, and how much arrived; a withdrawn
//! share shows only that it was withdrawn and when.

use chrono::FixedOffset;
use companion_core::share::project::never_sent;
use companion_core::share::Category;
use maud::{html, Markup};

use super::client::{client_head, Tab};
use super::{client_name, document, Frame};
use crate::shared::{Client, ShareState};
use crate::words;

pub fn page(frame: &Frame<'_>, c: &Client, here: &FixedOffset) -> Markup {
    let mut shares: Vec<_> = c.shares.iter().collect();
    shares.sort_by_key(|s| (s.state != ShareState::Live, s.category.map(|c| c as u8)));
    let not_shared: Vec<Category> = Category::ALL.into_iter().filter(|k| !c.shares_category(*k)).collect();
    document(
        &format!("{} · What they share", client_name(&c.device_id)),
        Some(frame),
        html! {
            (client_head(&c.device_id, Tab::Consent, None))
            section.block aria-labelledby="consent-h" {
                h2 id="consent-h" { "What this client shares with you" }
                p.hint { "Each category is a separate consent the client can withdraw at any time. The client keeps a receipt of every consent and withdrawal on their device." }
                @for s in &shares {
                    @let title = s.category.map(words::category_title).unwrap_or("A new share");
                    article.consent data-category=(s.category.map(|x| x.as_str()).unwrap_or("")) {
                        h3 { (title) }
                        @match s.state {
                            ShareState::Withdrawn { noticed_ms } => p.withdrawn data-state="withdrawn" {
                                "Withdrawn by the client. This dashboard noticed it "
                                (words::moment(noticed_ms, here)) "; nothing of it is kept."
                            },
                            ShareState::Live => {
                                dl {
                                    div { dt { "Shared since" } dd { (words::moment(s.created_ms, here)) " (their first sync after consenting)" } }
                                    div { dt { "Window" } dd { "Not stated by the client's app version; entries arrive as the client's consent covers them." } }
                                    div { dt { "Updates received" } dd { (s.updates) } }
                                    div { dt { "Entries" } dd data-figure="entries" { (s.content.len()) } }
                                }
                                @if let Some(cat) = s.category {
                                    p { strong { "The client agreed to: " } "\u{201c}" (cat.wording()) "\u{201d}" }
                                    p { strong { "Never sent with it: " } (never_sent(cat).join("; ")) "." }
                                } @else {
                                    p { "Nothing has arrived in it yet: its category shows after the client's next sync." }
                                }
                                @if let Some(p) = &s.problem { p.problem { "Could not be read: " (p) } }
                                @if !s.unreadable.is_empty() {
                                    p.problem { (words::plural(s.unreadable.len() as u64, "entry", "entries")) " could not be read and are left out." }
                                }
                            },
                        }
                    }
                }
                @if !not_shared.is_empty() {
                    h3 { "Not shared" }
                    p { (not_shared.iter().map(|c| words::category_title(*c)).collect::<Vec<_>>().join(", ")) "." }
                }
            }
        },
    )
}
