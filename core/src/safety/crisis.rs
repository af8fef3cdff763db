//! The crisis step: what the app shows, before anything else, when a person's words speak of
//! suicide or self-harm (or when they ask for it): their plan's crisis lines and
//! professionals, the people who can be reached now, the local emergency number (saying which
//! one it is and why), and the words "This app is not an emergency service".
//!
//! The emergency number comes from a small table by country ([`REGIONS`]): the number to
//! call, and where one is well established, a national crisis line. The number is the one the
//! person set (where the table has none), else that of the region they chose, else that of the
//! device's time zone, else none: then 112, which reaches emergency services from mobile phones
//! in many countries, with a word to check it (see [`super::settings`]).

use std::fmt;

use chrono::NaiveDateTime;

use super::risk::RiskConcern;
use crate::plan::{Contact, ContactStep, CopingPlan};

/// Said beside every crisis step, at first run and in help.
pub const NOT_AN_EMERGENCY_SERVICE: &str = "This app is not an emergency service.";

/// What the app is and is not, for the first run, `--help` and an app's about screen.
pub const ABOUT: &str = "A private companion for your therapy: log urges, ride them out, follow your coping plan and learn from slips. Everything stays encrypted on this device unless you choose \
to share it with your clinician. It does not replace your therapist, and it is not an emergency service: if you \
might harm yourself or someone else, call your local emergency number now.";

/// A national crisis line.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct CrisisLine {
    pub name: String,
    pub number: String,
}

/// Why this region's number is the one shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum RegionSource {
    /// The person chose it.
    Chosen,
    /// From the device's time zone.
    TimeZone,
    /// Not known: the widely working mobile number is shown, with a word to check it.
    Unknown,
    /// A number the person set themselves (for a region the table does not hold).
    OwnNumber,
}

/// The local emergency number, and which region it is for.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct EmergencyNumber {
    /// ISO 3166-1 alpha-2 code ("DE"); empty when the region is not known.
    pub region: String,
    /// The region's name in English ("Germany").
    pub region_name: String,
    pub number: String,
    pub crisis_line: Option<CrisisLine>,
    pub source: RegionSource,
}

impl EmergencyNumber {
    /// The region's entry, `None` for a code the table does not hold.
    pub fn for_region(code: &str, source: RegionSource) -> Option<EmergencyNumber> {
        let code = code.trim().to_ascii_uppercase();
        REGIONS.iter().find(|r| r.code == code).map(|r| r.number(source))
    }

    /// The region of an IANA time zone ("Europe/Berlin" → Germany), else [`Self::unknown`].
    pub fn for_zone(zone: &str) -> EmergencyNumber {
        region_of_zone(zone).and_then(|c| Self::for_region(c, RegionSource::TimeZone)).unwrap_or_else(Self::unknown)
    }

    /// When the region is not known: 112, with a word to check the local number.
    pub fn unknown() -> EmergencyNumber {
        EmergencyNumber {
            region: String::new(),
            region_name: String::new(),
            number: "112".into(),
            crisis_line: None,
            source: RegionSource::Unknown,
        }
    }

    /// One sentence saying which number this is and why.
    pub fn sentence(&self) -> String {
        match self.source {
            RegionSource::Unknown => format!(
                "In an emergency call {}: it reaches emergency services from mobile phones in many countries, but check your local number.",
                self.number
            ),
            RegionSource::Chosen => {
                format!("In an emergency call {} (the emergency number for {}, as you chose).", self.number, self.region_name)
            }
            RegionSource::TimeZone => format!(
                "In an emergency call {} (the emergency number for {}, from your time zone).",
                self.number, self.region_name
            ),
            RegionSource::OwnNumber => format!("In an emergency call {} (the number you set).", self.number),
        }
    }
}

/// The crisis step, ready to show.
#[derive(Clone, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct CrisisStep {
    /// What the words were about; `None` when the person opened the crisis step themselves.
    pub concern: Option<RiskConcern>,
    /// Words to the person, first.
    pub message: String,
    /// The plan's crisis lines, then its professionals; those reachable now first.
    pub contacts: Vec<ContactStep>,
    /// People from the plan who can be reached now.
    pub people_now: Vec<ContactStep>,
    pub emergency: EmergencyNumber,
    /// "This app is not an emergency service."
    pub not_an_emergency_service: String,
}

impl fmt::Debug for CrisisStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CrisisStep({:?}, {} contacts, {})", self.concern, self.contacts.len(), self.emergency.number)
    }
}

impl CrisisStep {
    /// The crisis step from a plan at local time `now`.
    pub fn build(
        plan: &CopingPlan,
        now: NaiveDateTime,
        emergency: EmergencyNumber,
        concern: Option<RiskConcern>,
    ) -> CrisisStep {
        let step = |c: &Contact, professional: bool| ContactStep::at(c, professional, now);
        let mut contacts: Vec<ContactStep> = plan
            .professionals
            .iter()
            .filter(|c| c.crisis_line)
            .map(|c| step(c, true))
            .chain(plan.professionals.iter().filter(|c| !c.crisis_line).map(|c| step(c, true)))
            .collect();
        // Stable: reachable now first, each group in the plan's order.
        contacts.sort_by_key(|c| !c.reachable_now);
        let people_now = plan.people.iter().map(|c| step(c, false)).filter(|c| c.reachable_now).collect();
        CrisisStep {
            concern,
            message: message(concern).to_string(),
            contacts,
            people_now,
            emergency,
            not_an_emergency_service: NOT_AN_EMERGENCY_SERVICE.to_string(),
        }
    }
}

fn message(concern: Option<RiskConcern>) -> &'static str {
    match concern {
        Some(RiskConcern::Suicide) => {
            "What you wrote sounds like you may be thinking about ending your life. You matter, and you do not have to carry this alone: please reach out to someone now."
        }
        Some(RiskConcern::SelfHarm) => {
            "What you wrote sounds like you may want to hurt yourself. You deserve care right now: please reach out to someone now."
        }
        None => "You do not have to get through this alone. Reach out to someone now.",
    }
}

/// One row of the emergency table.
pub struct Region {
    pub code: &'static str,
    pub name: &'static str,
    pub emergency: &'static str,
    /// A national crisis line: (name, number).
    pub crisis_line: Option<(&'static str, &'static str)>,
}

impl Region {
    fn number(&self, source: RegionSource) -> EmergencyNumber {
        EmergencyNumber {
            region: self.code.into(),
            region_name: self.name.into(),
            number: self.emergency.into(),
            crisis_line: self.crisis_line.map(|(name, number)| CrisisLine { name: name.into(), number: number.into() }),
            source,
        }
    }
}

const fn region(
    code: &'static str,
    name: &'static str,
    emergency: &'static str,
    crisis_line: Option<(&'static str, &'static str)>,
) -> Region {
    Region { code, name, emergency, crisis_line }
}

/// Emergency numbers (ambulance or the general number) and national crisis lines.
pub const REGIONS: &[Region] = &[
    region("AT", "Austria", "112", Some(("TelefonSeelsorge", "142"))),
    region("AU", "Australia", "000", Some(("Lifeline", "13 11 14"))),
    region("BE", "Belgium", "112", None),
    region("BR", "Brazil", "192", Some(("CVV", "188"))),
    region("CA", "Canada", "911", Some(("9-8-8 Suicide Crisis Helpline", "988"))),
    region("CH", "Switzerland", "144", Some(("Die Dargebotene Hand / La Main Tendue", "143"))),
    region("DE", "Germany", "112", Some(("TelefonSeelsorge", "0800 111 0 111"))),
    region("DK", "Denmark", "112", None),
    region("ES", "Spain", "112", Some(("Línea 024", "024"))),
    region("FI", "Finland", "112", None),
    region("FR", "France", "112", Some(("Numéro national de prévention du suicide", "3114"))),
    region("GB", "the United Kingdom", "999", Some(("Samaritans", "116 123"))),
    region("IE", "Ireland", "112", Some(("Samaritans", "116 123"))),
    region("IN", "India", "112", None),
    region("IT", "Italy", "112", None),
    region("JP", "Japan", "119", None),
    region("MX", "Mexico", "911", None),
    region("NL", "the Netherlands", "112", Some(("113 Zelfmoordpreventie", "0800 0113"))),
    region("NO", "Norway", "113", None),
    region("NZ", "New Zealand", "111", Some(("Need to talk?", "1737"))),
    region("PL", "Poland", "112", None),
    region("PT", "Portugal", "112", None),
    region("SE", "Sweden", "112", Some(("Självmordslinjen", "90101"))),
    region("US", "the United States", "911", Some(("988 Suicide & Crisis Lifeline", "988"))),
    region("ZA", "South Africa", "112", None),
];

/// The region of the table an IANA time zone belongs to.
fn region_of_zone(zone: &str) -> Option<&'static str> {
    const ZONES: &[(&str, &str)] = &[
        ("Europe/Vienna", "AT"),
        ("Europe/Brussels", "BE"),
        ("Europe/Zurich", "CH"),
        ("Europe/Berlin", "DE"),
        ("Europe/Busingen", "DE"),
        ("Europe/Copenhagen", "DK"),
        ("Europe/Madrid", "ES"),
        ("Atlantic/Canary", "ES"),
        ("Africa/Ceuta", "ES"),
        ("Europe/Helsinki", "FI"),
        ("Europe/Paris", "FR"),
        ("Europe/London", "GB"),
        ("Europe/Belfast", "GB"),
        ("GB", "GB"),
        ("Europe/Dublin", "IE"),
        ("Eire", "IE"),
        ("Asia/Kolkata", "IN"),
        ("Asia/Calcutta", "IN"),
        ("Europe/Rome", "IT"),
        ("Asia/Tokyo", "JP"),
        ("Japan", "JP"),
        ("America/Mexico_City", "MX"),
        ("America/Cancun", "MX"),
        ("America/Monterrey", "MX"),
        ("America/Tijuana", "MX"),
        ("America/Merida", "MX"),
        ("America/Chihuahua", "MX"),
        ("Europe/Amsterdam", "NL"),
        ("Europe/Oslo", "NO"),
        ("Pacific/Auckland", "NZ"),
        ("Pacific/Chatham", "NZ"),
        ("NZ", "NZ"),
        ("Europe/Warsaw", "PL"),
        ("Europe/Lisbon", "PT"),
        ("Atlantic/Madeira", "PT"),
        ("Atlantic/Azores", "PT"),
        ("Europe/Stockholm", "SE"),
        ("Africa/Johannesburg", "ZA"),
        ("America/Toronto", "CA"),
        ("America/Montreal", "CA"),
        ("America/Vancouver", "CA"),
        ("America/Edmonton", "CA"),
        ("America/Winnipeg", "CA"),
        ("America/Halifax", "CA"),
        ("America/St_Johns", "CA"),
        ("America/Regina", "CA"),
        ("America/Moncton", "CA"),
        ("America/Whitehorse", "CA"),
        ("America/Yellowknife", "CA"),
        ("America/Iqaluit", "CA"),
        ("America/New_York", "US"),
        ("America/Chicago", "US"),
        ("America/Denver", "US"),
        ("America/Los_Angeles", "US"),
        ("America/Phoenix", "US"),
        ("America/Anchorage", "US"),
        ("America/Detroit", "US"),
        ("America/Boise", "US"),
        ("America/Juneau", "US"),
        ("America/Sitka", "US"),
        ("America/Nome", "US"),
        ("America/Adak", "US"),
        ("America/Menominee", "US"),
        ("Pacific/Honolulu", "US"),
        ("America/Sao_Paulo", "BR"),
        ("America/Bahia", "BR"),
        ("America/Fortaleza", "BR"),
        ("America/Recife", "BR"),
        ("America/Manaus", "BR"),
        ("America/Belem", "BR"),
    ];
    let prefixes: &[(&str, &str)] = &[
        ("Australia/", "AU"),
        ("America/Indiana/", "US"),
        ("America/Kentucky/", "US"),
        ("America/North_Dakota/", "US"),
        ("US/", "US"),
        ("Canada/", "CA"),
        ("Brazil/", "BR"),
        ("Mexico/", "MX"),
    ];
    ZONES
        .iter()
        .find(|(z, _)| *z == zone)
        .or_else(|| prefixes.iter().find(|(p, _)| zone.starts_with(p)))
        .map(|(_, code)| *code)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_table_has_one_row_per_region_and_every_zone_maps_into_it() {
        let mut codes: Vec<&str> = REGIONS.iter().map(|r| r.code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), REGIONS.len());
        for zone in chrono_tz::TZ_VARIANTS.iter().map(|z| z.name()) {
            if let Some(code) = region_of_zone(zone) {
                assert!(EmergencyNumber::for_region(code, RegionSource::TimeZone).is_some(), "{zone} → {code}");
            }
        }
    }

    #[test]
    fn the_number_says_where_it_is_from() {
        let de = EmergencyNumber::for_zone("Europe/Berlin");
        assert_eq!((de.number.as_str(), de.source), ("112", RegionSource::TimeZone));
        assert!(de.sentence().contains("112") && de.sentence().contains("Germany"));
        let us = EmergencyNumber::for_zone("America/Indiana/Indianapolis");
        assert_eq!(us.number, "911");
        assert_eq!(us.crisis_line.unwrap().number, "988");
        assert_eq!(EmergencyNumber::for_zone("Australia/Sydney").number, "000");
        let unknown = EmergencyNumber::for_zone("Asia/Ulaanbaatar");
        assert_eq!(unknown.source, RegionSource::Unknown);
        assert!(unknown.sentence().contains("check your local number"));
        let chosen = EmergencyNumber::for_region("gb", RegionSource::Chosen).unwrap();
        assert_eq!(chosen.number, "999");
        assert!(chosen.sentence().contains("as you chose"));
        assert!(EmergencyNumber::for_region("XX", RegionSource::Chosen).is_none());
    }
}
