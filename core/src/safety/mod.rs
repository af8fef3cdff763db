//! Safety first: words of suicide or self-harm, wherever a person types them, lead at once to
//! the crisis step; a strong urge leads to steps that help, in an order that does not treat
//! it as a suicidal crisis; and the app says plainly that it is not an emergency service.
//!
//! - [`risk`]: recognising the words (typo-tolerant, short forms, room for other languages);
//! - [`crisis`]: the crisis step, the emergency-number table, what the app is and is not;
//! - [`next`]: next steps after a strong urge or a surf session ([`Store::after_urge`],
//!   [`Store::after_surf`]);
//! - [`settings`]: the person's emergency number and high mark, stored;
//! - [`flags`]: the risk flag recorded on every entry whose words call for the crisis step,
//!   and the list of flagged entries.
//!
//! Every place a person types words runs the risk path: the plan lookup
//! ([`crate::plan::Lookup::crisis`]), urge entries ([`Store::after_urge`]), surf notes
//! ([`Store::after_surf`]), and any other text through [`Store::check_words`] (slips, chain
//! analyses, check-ins), so the terminal client and the apps show the same crisis step.

pub mod crisis;
pub mod flags;
pub mod next;
pub mod risk;
pub mod settings;

pub use crisis::{CrisisLine, CrisisStep, EmergencyNumber, RegionSource, ABOUT, NOT_AN_EMERGENCY_SERVICE, REGIONS};
pub use flags::{FlaggedEntry, FlaggedListing};
pub use next::{NextStepOffer, NextSteps, HIGH_MARK};
pub use risk::{assess, assess_all, RiskConcern, RiskMatch};
pub use settings::{SafetySettings, MIN_HIGH_MARK, OWN_NUMBER_MAX_CHARS};

use chrono::NaiveDateTime;

use crate::error::Result;
use crate::store::Store;

impl Store {
    /// Local wall-clock time now, in the device's zone.
    pub(crate) fn local_now(&self) -> NaiveDateTime {
        self.clock().zone().local(self.clock().now())
    }

    /// The emergency number to show: the person's own or chosen one, else the one of the
    /// device's time zone (or 112 when unknown). Never fails: when the settings cannot be
    /// read, the time zone decides.
    pub fn emergency_number(&self) -> EmergencyNumber {
        self.safety_settings_or_default().emergency_number(&self.clock().zone().name())
    }

    /// The crisis step as the person opens it themselves (a "get help now" button).
    pub fn crisis_step(&self) -> Result<CrisisStep> {
        Ok(self.plan_index()?.crisis_step(self.local_now(), None))
    }

    /// The crisis step when any of `texts` holds words of suicide or self-harm, else `None`.
    /// For every text box whose words have no other check (slips, chain analyses, check-ins).
    pub fn check_words(&self, texts: &[String]) -> Result<Option<CrisisStep>> {
        match assess_all(texts.iter().map(String::as_str)) {
            None => Ok(None),
            Some(m) => Ok(Some(self.plan_index()?.crisis_step(self.local_now(), Some(m.concern)))),
        }
    }
}

#[cfg(test)]
mod tests;
