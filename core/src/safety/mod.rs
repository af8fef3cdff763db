//! Safety first: words of suicide or self-harm, wherever a person types them, lead at once to
//! the crisis step; a strong urge leads to steps that help, in an order that does not treat
//! it as a suicidal crisis; and the app says plainly that it is not an emergency service.
//!
//! - [`risk`]: recognising the words (typo-tolerant, short forms, room for other languages);
//! - [`crisis`]: the crisis step, the emergency-number table, what the app is and is not;
//! - [`next`]: next steps after a strong urge or a surf session ([`Store::after_urge`],
//!   [`Store::after_surf`]).
//!
//! Every place a person types words runs the risk path: the plan lookup
//! ([`crate::plan::Lookup::crisis`]), urge entries ([`Store::after_urge`]), surf notes
//! ([`Store::after_surf`]), and any other text through [`Store::check_words`] (slips, chain
//! analyses, check-ins), so the terminal client and the apps show the same crisis step.

pub mod crisis;
pub mod next;
pub mod risk;

pub use crisis::{CrisisLine, CrisisStep, EmergencyNumber, RegionSource, ABOUT, NOT_AN_EMERGENCY_SERVICE, REGIONS};
pub use next::{NextStepOffer, NextSteps, HIGH_MARK};
pub use risk::{assess, assess_all, RiskConcern, RiskMatch};

use chrono::NaiveDateTime;

use crate::error::Result;
use crate::store::Store;

impl Store {
    /// Local wall-clock time now, in the device's zone.
    pub(crate) fn local_now(&self) -> NaiveDateTime {
        self.clock().zone().local(self.clock().now())
    }

    /// The emergency number to show: from the device's time zone (or 112 when unknown).
    pub fn emergency_number(&self) -> EmergencyNumber {
        EmergencyNumber::for_zone(&self.clock().zone().name())
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
