//! Export for the health record as FHIR R4 JSON: a `collection` Bundle holding
//! - a Patient with only the client's device id as identifier (the clinician's record system
//!   links it to the person; nothing else about them is known here);
//! - per week of the page, Observations for the weekly measures (urges with mean intensity and
//!   outcomes, days without acting out, check-in means), each with its period;
//! - a QuestionnaireResponse per check-in;
//! - a Consent describing what the client shares with this clinician, category by category.
//!
//! Built from the same [`Report`] as the page, so it never holds more than the client consented
//! to share. Typed structs (serde) for the subset of R4 used; CI validates the output against
//! the official R4 JSON schema.

use chrono::{Duration, NaiveDate};
use companion_core::checkin::Measure;
use serde::Serialize;

use crate::report::{Block, Report, Urges};
use crate::shared::entries::CheckInEntry;
use crate::shared::{Client, ShareState};
use crate::words;

/// Identifier system of the client's device id.
pub const DEVICE_SYSTEM: &str = "urn:recovery-companion:device-id";
/// Code system of this app's measures.
pub const MEASURE_SYSTEM: &str = "urn:recovery-companion:measure";
const OBSERVATION_CATEGORY: &str = "http://terminology.hl7.org/CodeSystem/observation-category";
const UCUM: &str = "http://unitsofmeasure.org";

#[derive(Serialize)]
pub struct Bundle {
    #[serde(rename = "resourceType")]
    resource_type: &'static str,
    #[serde(rename = "type")]
    kind: &'static str,
    timestamp: String,
    entry: Vec<Entry>,
}

#[derive(Serialize)]
struct Entry {
    #[serde(rename = "fullUrl")]
    full_url: String,
    resource: Resource,
}

#[derive(Serialize)]
#[serde(tag = "resourceType")]
enum Resource {
    Patient(Patient),
    Observation(Box<Observation>),
    QuestionnaireResponse(QuestionnaireResponse),
    Consent(Box<Consent>),
}

#[derive(Serialize)]
struct Patient {
    identifier: Vec<Identifier>,
}

#[derive(Serialize)]
struct Identifier {
    system: &'static str,
    value: String,
}

#[derive(Serialize, Clone)]
struct Reference {
    #[serde(skip_serializing_if = "Option::is_none")]
    reference: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    display: Option<String>,
}

#[derive(Serialize, Clone)]
struct Coding {
    system: &'static str,
    code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    display: Option<String>,
}

#[derive(Serialize, Clone)]
struct CodeableConcept {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    coding: Vec<Coding>,
    text: String,
}

#[derive(Serialize)]
struct Period {
    start: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    end: Option<String>,
}

#[derive(Serialize)]
struct Quantity {
    value: f64,
    unit: String,
    system: &'static str,
    code: String,
}

#[derive(Serialize)]
struct Component {
    code: CodeableConcept,
    #[serde(rename = "valueQuantity")]
    value: Quantity,
}

#[derive(Serialize)]
struct Observation {
    status: &'static str,
    category: Vec<CodeableConcept>,
    code: CodeableConcept,
    subject: Reference,
    #[serde(rename = "effectivePeriod")]
    effective: Period,
    #[serde(rename = "valueQuantity", skip_serializing_if = "Option::is_none")]
    value: Option<Quantity>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    component: Vec<Component>,
}

#[derive(Serialize)]
struct Answer {
    #[serde(rename = "valueInteger", skip_serializing_if = "Option::is_none")]
    integer: Option<u8>,
    #[serde(rename = "valueString", skip_serializing_if = "Option::is_none")]
    string: Option<String>,
}

#[derive(Serialize)]
struct Item {
    #[serde(rename = "linkId")]
    link_id: &'static str,
    text: &'static str,
    answer: Vec<Answer>,
}

#[derive(Serialize)]
struct QuestionnaireResponse {
    status: &'static str,
    subject: Reference,
    authored: String,
    item: Vec<Item>,
}

#[derive(Serialize)]
struct Actor {
    role: CodeableConcept,
    reference: Reference,
}

#[derive(Serialize)]
struct Provision {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    period: Option<Period>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    actor: Vec<Actor>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    code: Vec<CodeableConcept>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    provision: Vec<Provision>,
}

#[derive(Serialize)]
struct Consent {
    status: &'static str,
    scope: CodeableConcept,
    category: Vec<CodeableConcept>,
    patient: Reference,
    #[serde(rename = "dateTime")]
    date_time: String,
    #[serde(rename = "policyRule")]
    policy_rule: CodeableConcept,
    provision: Provision,
}

/// A random UUID (version 4) as a `urn:uuid:` URL.
fn urn() -> String {
    let mut b: [u8; 16] = companion_core::crypto::random_array().unwrap_or_else(|_| {
        // Without randomness, a value unique within this export is enough for a collection.
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let mut b = [0u8; 16];
        b[8..].copy_from_slice(&n.to_be_bytes());
        b
    });
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("urn:uuid:{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
}

static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

fn concept(code: &str, text: &str) -> CodeableConcept {
    CodeableConcept {
        coding: vec![Coding { system: MEASURE_SYSTEM, code: code.into(), display: Some(text.into()) }],
        text: text.into(),
    }
}

fn quantity(value: f64, unit: &str) -> Quantity {
    // UCUM annotations ("{urges}") are units of 1 with a name.
    Quantity { value, unit: unit.into(), system: UCUM, code: format!("{{{}}}", unit.replace(' ', "-")) }
}

fn days(value: u32) -> Quantity {
    Quantity { value: f64::from(value), unit: "days".into(), system: UCUM, code: "d".into() }
}

fn component(code: &str, text: &str, value: Quantity) -> Component {
    Component { code: concept(code, text), value }
}

/// One week's observations.
struct Week<'a> {
    subject: &'a Reference,
    monday: NaiveDate,
    /// The last day of the week inside the page (the client's today for the current week).
    last: NaiveDate,
    complete: bool,
}

impl Week<'_> {
    fn observation(&self, code: &str, text: &str, value: Option<Quantity>, component: Vec<Component>) -> Resource {
        Resource::Observation(Box::new(Observation {
            status: if self.complete { "final" } else { "preliminary" },
            category: vec![CodeableConcept {
                coding: vec![Coding {
                    system: OBSERVATION_CATEGORY,
                    code: "survey".into(),
                    display: Some("Survey".into()),
                }],
                text: "Self-reported".into(),
            }],
            code: concept(code, text),
            subject: self.subject.clone(),
            effective: Period { start: self.monday.to_string(), end: Some(self.last.to_string()) },
            value,
            component,
        }))
    }
}

fn check_in_response(subject: &Reference, c: &CheckInEntry) -> Resource {
    let mut item: Vec<Item> = Measure::ALL
        .iter()
        .filter_map(|m| {
            let text = match m {
                Measure::Mood => "Mood (0-10)",
                Measure::Stress => "Stress (0-10)",
                Measure::Loneliness => "Loneliness (0-10)",
                Measure::Sleep => "Sleep (0-10)",
            };
            c.score(*m).map(|v| Item {
                link_id: m.as_str(),
                text,
                answer: vec![Answer { integer: Some(v), string: None }],
            })
        })
        .collect();
    if let Some(h) = c.halt.filter(|h| !h.is_empty()) {
        for (link_id, text, v) in [
            ("hungry", "Hungry (0-10)", h.hungry),
            ("angry", "Angry (0-10)", h.angry),
            ("lonely", "Lonely (0-10)", h.lonely),
            ("tired", "Tired (0-10)", h.tired),
        ] {
            if let Some(v) = v {
                item.push(Item { link_id, text, answer: vec![Answer { integer: Some(v), string: None }] });
            }
        }
    }
    if let Some(w) = c.words.as_ref().filter(|w| !w.trim().is_empty()) {
        item.push(Item {
            link_id: "words",
            text: "In your own words",
            answer: vec![Answer { integer: None, string: Some(w.clone()) }],
        });
    }
    Resource::QuestionnaireResponse(QuestionnaireResponse {
        status: "completed",
        subject: subject.clone(),
        authored: c.first_at.map(|t| t.to_rfc3339()).unwrap_or_else(|| c.day.to_string()),
        item,
    })
}

fn consent(client: &Client, subject: &Reference, clinician: &str, now: &str) -> Resource {
    let provisions: Vec<Provision> = client
        .shares
        .iter()
        .filter(|s| s.state == ShareState::Live)
        .filter_map(|s| {
            let c = s.category?;
            let since = chrono::DateTime::from_timestamp_millis(s.created_ms)?.to_rfc3339();
            Some(Provision {
                kind: "permit",
                period: Some(Period { start: since, end: None }),
                actor: Vec::new(),
                code: vec![CodeableConcept {
                    coding: vec![Coding {
                        system: "urn:recovery-companion:share-category",
                        code: c.as_str().into(),
                        display: Some(words::category_title(c).into()),
                    }],
                    text: c.wording().into(),
                }],
                provision: Vec::new(),
            })
        })
        .collect();
    Resource::Consent(Box::new(Consent {
        status: "active",
        scope: CodeableConcept {
            coding: vec![Coding {
                system: "http://terminology.hl7.org/CodeSystem/consentscope",
                code: "patient-privacy".into(),
                display: Some("Privacy Consent".into()),
            }],
            text: "What the client chose to share with their clinician, category by category".into(),
        },
        category: vec![CodeableConcept {
            coding: vec![Coding {
                system: "http://loinc.org",
                code: "59284-0".into(),
                display: Some("Patient Consent".into()),
            }],
            text: "Consent to share self-recorded data".into(),
        }],
        patient: subject.clone(),
        date_time: now.into(),
        policy_rule: CodeableConcept {
            coding: vec![Coding {
                system: "http://terminology.hl7.org/CodeSystem/v3-ActCode",
                code: "OPTIN".into(),
                display: Some("opt-in".into()),
            }],
            text: "Nothing is shared by default; each category is an opt-in the client can withdraw".into(),
        },
        provision: Provision {
            kind: "permit",
            period: None,
            actor: vec![Actor {
                role: CodeableConcept {
                    coding: vec![Coding {
                        system: "http://terminology.hl7.org/CodeSystem/v3-ParticipationType",
                        code: "IRCP".into(),
                        display: Some("information recipient".into()),
                    }],
                    text: "Recipient".into(),
                },
                reference: Reference { reference: None, display: Some(clinician.into()) },
            }],
            code: Vec::new(),
            provision: provisions,
        },
    }))
}

/// The bundle for the page `r` of `client`, as of `now_ms`.
pub fn bundle(r: &Report, client: &Client, clinician: &str, now_ms: i64) -> Bundle {
    let now = chrono::DateTime::from_timestamp_millis(now_ms).unwrap_or_default().with_timezone(&r.offset).to_rfc3339();
    let patient_url = urn();
    let subject = Reference { reference: Some(patient_url.clone()), display: None };
    let mut entry = vec![Entry {
        full_url: patient_url,
        resource: Resource::Patient(Patient {
            identifier: vec![Identifier { system: DEVICE_SYSTEM, value: r.device_id.clone() }],
        }),
    }];
    let mut push = |resource: Resource| entry.push(Entry { full_url: urn(), resource });
    let week = |monday: NaiveDate| {
        let end = monday + Duration::days(6);
        Week {
            subject: &subject,
            monday: monday.max(r.range.from),
            last: end.min(r.range.to),
            complete: end <= r.range.to && monday >= r.range.from,
        }
    };
    match &r.urges {
        Block::Shown(Urges::Entries { weeks, .. }) => {
            for w in weeks {
                let mut c = vec![
                    component("ridden-out", "Urges ridden out", quantity(f64::from(w.surfed), "urges")),
                    component("coped", "Urges coped with a strategy", quantity(f64::from(w.coped), "urges")),
                    component("acted-on", "Urges acted on", quantity(f64::from(w.acted), "urges")),
                    component(
                        "outcome-not-recorded",
                        "Urges without a recorded outcome",
                        quantity(f64::from(w.unrecorded), "urges"),
                    ),
                ];
                if let Some(m) = w.intensity_mean {
                    c.insert(
                        0,
                        component(
                            "intensity-mean",
                            "Mean urge intensity (0-10)",
                            quantity((m * 100.0).round() / 100.0, "score"),
                        ),
                    );
                }
                push(week(w.week_start).observation(
                    "urges-per-week",
                    "Urges logged in the week",
                    Some(quantity(f64::from(w.urges), "urges")),
                    c,
                ));
            }
        }
        Block::Shown(Urges::Summaries(weeks)) => {
            for w in weeks {
                let mut c = vec![
                    component("ridden-out", "Urges ridden out", quantity(f64::from(w.urges_surfed), "urges")),
                    component("acted-on", "Urges acted on", quantity(f64::from(w.urges_acted), "urges")),
                    component("days-without-acting-out", "Days without acting out", days(w.days_without_acting_out)),
                    component("days-tracked", "Days tracked", days(w.days_tracked)),
                ];
                if let Some(m) = w.intensity_mean {
                    c.insert(0, component("intensity-mean", "Mean urge intensity (0-10)", quantity(m, "score")));
                }
                push(week(w.week_start).observation(
                    "urges-per-week",
                    "Urges logged in the week",
                    Some(quantity(f64::from(w.urges), "urges")),
                    c,
                ));
            }
        }
        Block::NotShared(_) => {}
    }
    if let Some(c) = r.check_ins.shown() {
        for w in &c.weeks {
            let comps: Vec<Component> = w
                .summary
                .measures
                .iter()
                .filter_map(|m| {
                    m.mean.map(|v| {
                        component(
                            &format!("{}-mean", m.measure.as_str()),
                            &format!("Mean {} (0-10)", m.measure.as_str()),
                            quantity((v * 100.0).round() / 100.0, "score"),
                        )
                    })
                })
                .collect();
            if w.summary.days > 0 {
                push(week(w.week_start).observation(
                    "check-in-means",
                    "Daily check-in means in the week",
                    Some(days(w.summary.days)),
                    comps,
                ));
            }
        }
        for d in &c.days {
            push(check_in_response(&subject, d));
        }
    }
    if let Some(a) = r.acting_out.shown() {
        if a.missing.is_empty() {
            push(Week { subject: &subject, monday: r.range.from, last: r.range.to, complete: true }.observation(
                "days-without-acting-out",
                "Days without acting out in the period",
                Some(days(a.summary.days_without)),
                vec![component("days-tracked", "Days tracked", days(a.summary.days_tracked))],
            ));
        }
    }
    push(consent(client, &subject, clinician, &now));
    Bundle { resource_type: "Bundle", kind: "collection", timestamp: now, entry }
}
