//! The client's coping plan in the Stanley-Brown order, a form to suggest an edit, and what is
//! known of earlier suggestions.

use chrono::FixedOffset;
use companion_core::plan::model::{Contact, CopingPlan, PlanEntry, PlanItem, Strategy};
use maud::{html, Markup};

use super::client::{client_head, Tab};
use super::{client_name, csrf, document, not_shared, Frame};
use crate::shared::{Suggestion, SuggestionState};
use crate::words;

/// What the page shows: the plan (when shared) and this session's suggestions for it.
pub struct PlanView<'a> {
    pub device_id: &'a str,
    pub plan: Option<&'a CopingPlan>,
    pub suggestions: &'a [Suggestion],
    /// A message after a suggestion was made or refused.
    pub notice: Option<Notice>,
}

/// The outcome of the last suggestion, shown at the top of the form.
pub enum Notice {
    Sent,
    Waiting,
    Refused(String),
}

pub fn page(frame: &Frame<'_>, v: &PlanView<'_>, here: &FixedOffset) -> Markup {
    document(
        &format!("{} · Coping plan", client_name(v.device_id)),
        Some(frame),
        html! {
            (client_head(v.device_id, Tab::Plan, None))
            @match v.plan {
                None => section.block aria-labelledby="plan-h" {
                    h2 id="plan-h" { "Coping plan" }
                    (not_shared(&[companion_core::share::Category::CopingPlan]))
                },
                Some(p) => {
                    (plan(p))
                    (suggest_form(frame, v, p))
                    (earlier(v.suggestions, here))
                }
            }
        },
    )
}

fn items(v: &[PlanItem]) -> Markup {
    html! {
        ul.plan-items {
            @for i in v {
                li { strong { (i.name) }
                    @if !i.strategies.is_empty() { ul { @for s in &i.strategies { li { (s.text) } } } }
                }
            }
        }
    }
}

fn strategies(v: &[Strategy]) -> Markup {
    html! { ul { @for s in v { li { (s.text) } } } }
}

fn lines(v: &[PlanEntry]) -> Markup {
    html! { ul { @for e in v { li { (e.text) } } } }
}

fn contacts(v: &[Contact]) -> Markup {
    html! {
        ul {
            @for c in v {
                li {
                    strong { (c.name) }
                    @if let Some(h) = &c.how { ": " (h) }
                    @if c.crisis_line { " (crisis line)" }
                    @if !c.availability.is_empty() {
                        " — reachable " (c.availability.iter().map(|a| a.to_string()).collect::<Vec<_>>().join(", "))
                    }
                }
            }
        }
    }
}

/// One step of the plan, or what it says when the client has not filled it.
fn step(n: &str, title: &str, empty: bool, body: Markup) -> Markup {
    html! {
        section.step aria-label=(title) {
            h3 { span.n { (n) } " " (title) }
            @if empty { p.empty { "Nothing here yet." } } @else { (body) }
        }
    }
}

/// The plan in the Stanley-Brown order, adapted to this field.
pub fn plan(p: &CopingPlan) -> Markup {
    html! {
        section.block.plan aria-labelledby="plan-h" {
            h2 id="plan-h" { "Coping plan" }
            p.hint { "In the client's own words, in the order of the Stanley-Brown safety plan." }
            (step("1", "Warning signs and triggers", p.warning_signs.is_empty() && p.triggers.is_empty(), html! {
                @if !p.warning_signs.is_empty() { h4 { "Warning signs" } (items(&p.warning_signs)) }
                @if !p.triggers.is_empty() { h4 { "Triggers" } (items(&p.triggers)) }
            }))
            (step("2", "Coping on my own, at any moment", p.strategies.is_empty(), strategies(&p.strategies)))
            (step("3", "People and places that distract", p.distractions.is_empty(), lines(&p.distractions)))
            (step("4", "People who can help", p.people.is_empty(), contacts(&p.people)))
            (step("5", "Professionals and crisis lines", p.professionals.is_empty(), contacts(&p.professionals)))
            (step("6", "Making the environment safer", p.environment.is_empty(), lines(&p.environment)))
            (step("♥", "Reasons for recovery", p.reasons.is_empty(), lines(&p.reasons)))
        }
    }
}

fn suggest_form(frame: &Frame<'_>, v: &PlanView<'_>, p: &CopingPlan) -> Markup {
    html! {
        section.block aria-labelledby="suggest-h" {
            h2 id="suggest-h" { "Suggest a change" }
            p.hint { "The client sees your suggestion, with your name, at their next sync." }
            @match &v.notice {
                Some(Notice::Sent) => p.notice role="status" { "Suggested. The client sees it at their next sync." },
                Some(Notice::Waiting) => p.notice role="status" { "Saved here, but the server could not be reached: it goes with your next update." },
                Some(Notice::Refused(why)) => p.problem role="alert" { "Not suggested: " (why) },
                None => {},
            }
            form.suggest method="post" action={ "/client/" (v.device_id) "/plan/suggest" } {
                (csrf(frame.csrf))
                label for="kind" { "What to add" }
                select id="kind" name="kind" {
                    option value="strategy" { "A coping strategy" }
                    option value="warning-sign" { "A warning sign" }
                    option value="trigger" { "A trigger" }
                    option value="distraction" { "A person or place that distracts" }
                    option value="professional" { "A professional or crisis line" }
                    option value="environment" { "A change to make the environment safer" }
                    option value="reason" { "A reason for recovery" }
                }
                div.field data-for="strategy" {
                    label for="for_item" { "For (strategies only)" }
                    select id="for_item" name="for_item" {
                        option value="" { "Any moment" }
                        @for i in p.items() { option value=(i.name) { (i.name) } }
                    }
                }
                label for="text" { "Words" }
                input id="text" type="text" name="text" maxlength="500" required;
                div.field data-for="professional" {
                    label for="how" { "How to reach them (professionals only)" }
                    input id="how" type="text" name="how" maxlength="500";
                    label.check { input type="checkbox" name="crisis_line" value="yes"; " This is a crisis line" }
                }
                button type="submit" { "Suggest" }
            }
        }
    }
}

fn earlier(suggestions: &[Suggestion], here: &FixedOffset) -> Markup {
    html! {
        section.block aria-labelledby="earlier-h" {
            h2 id="earlier-h" { "Your suggestions" }
            @if suggestions.is_empty() {
                p.empty { "None made since you opened the dashboard." }
            } @else {
                ul.suggestions {
                    @for s in suggestions.iter().rev() {
                        li {
                            (s.summary) " — " (words::moment(s.made_ms, here)) ": "
                            strong { @match s.state {
                                SuggestionState::Sent => "sent",
                                SuggestionState::Waiting => "waiting to be sent",
                            } }
                        }
                    }
                }
            }
            p.note { "Today the client's app applies a suggestion at its next sync and shows them who made it.
                      Accepting or declining each one, and seeing which they accepted here, comes with a later version." }
        }
    }
}
