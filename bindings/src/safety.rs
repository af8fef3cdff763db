//! Safety first: the crisis step, the local emergency number, what comes next after a strong
//! urge or a surf session, and the check every text box runs on the words typed into it.
//!
//! Show a returned crisis step before anything else, with its `not_an_emergency_service`
//! line beside it; never hide it behind a setting. Store calls read the plan (disk I/O): call
//! off the main thread. [`assess_risk`], [`next_step_title`], [`about_text`] and
//! [`emergency_number_for_region`] are pure.

use chrono::NaiveDate;
use companion_core::safety::FlaggedListing;
use companion_core::safety::{
    self, CrisisStep, EmergencyNumber, NextStepOffer, NextSteps, RegionSource, RiskConcern, SafetySettings, ABOUT,
};

use crate::companion::CompanionCore;
use crate::error::Result;
use crate::urges::parse_id;

#[uniffi::export]
impl CompanionCore {
    /// What to offer after the urge entry `urge_id` was logged or edited: for risk words the
    /// crisis step first (whatever the intensity); at or above the high mark, surf it now (a
    /// session continuing this entry: pass its id as `SurfStart.urge`), the plan's steps, a
    /// person reachable now, then crisis lines; after acting, the slip. Empty for a calm urge.
    pub fn after_urge(&self, urge_id: String) -> Result<NextSteps> {
        Ok(self.store()?.after_urge(parse_id(&urge_id)?)?)
    }

    /// What to offer after surf session `session_id` ended: "acted" offers the slip and its
    /// chain analysis, "still strong" the plan, a person and crisis lines; risk words in its
    /// notes, the crisis step first.
    pub fn after_surf(&self, session_id: String) -> Result<NextSteps> {
        Ok(self.store()?.after_surf(parse_id(&session_id)?)?)
    }

    /// The crisis step as the person opens it themselves ("get help now").
    pub fn crisis_step(&self) -> Result<CrisisStep> {
        Ok(self.store()?.crisis_step()?)
    }

    /// The crisis step when any of `texts` speaks of suicide or self-harm, else `None`: run it
    /// on the words of every text box (a slip, a chain analysis answer, a check-in's words)
    /// before saving, and show the step first.
    pub fn check_words(&self, texts: Vec<String>) -> Result<Option<CrisisStep>> {
        Ok(self.store()?.check_words(&texts)?)
    }

    /// The emergency number in force, saying where it comes from: the person's own number,
    /// else the region they chose, else the device's time zone (112 when unknown).
    pub fn emergency_number(&self) -> Result<EmergencyNumber> {
        Ok(self.store()?.emergency_number())
    }

    /// The safety settings as the person chose them (`None` fields: the default applies).
    /// Errors when the stored settings cannot be read; the crisis step still works then.
    pub fn safety_settings(&self) -> Result<SafetySettings> {
        Ok(self.store()?.safety_settings()?)
    }

    /// Replace the safety settings; returns them as stored (region codes upper-case). A
    /// region not in the table, a malformed number or a high mark outside 3-10 is
    /// `Invalid`, and nothing is stored.
    pub fn set_safety_settings(&self, settings: SafetySettings) -> Result<SafetySettings> {
        Ok(self.store()?.set_safety_settings(settings)?)
    }

    /// Every entry whose words spoke of suicide or self-harm (urge entries, slips, check-ins,
    /// surf sessions; each is flagged as it is saved, so a moment is not lost when the app is
    /// killed), in local days `from..=to` (either end open), oldest first. Entries that could
    /// not be opened to check are listed apart.
    pub fn flagged_entries(&self, from: Option<NaiveDate>, to: Option<NaiveDate>) -> Result<FlaggedListing> {
        Ok(self.store()?.flagged_entries(from, to)?)
    }

    /// The intensity (0-10) from which an urge is strong: the person's choice, else 8.
    pub fn high_mark(&self) -> Result<u8> {
        Ok(self.store()?.high_mark())
    }
}

/// Whether `text` speaks of suicide or self-harm (typo-tolerant; no I/O, no store). The
/// crisis step itself comes from [`CompanionCore::check_words`].
#[uniffi::export]
pub fn assess_risk(text: String) -> Option<RiskConcern> {
    safety::assess(&text).map(|m| m.concern)
}

/// A short line for a next step's button or list row.
#[uniffi::export]
pub fn next_step_title(step: NextStepOffer) -> String {
    step.title()
}

/// What the app is and is not, for the first run and the about screen.
#[uniffi::export]
pub fn about_text() -> String {
    ABOUT.to_string()
}

/// The emergency number of a region the person chose (ISO 3166 code such as "GB"), `None`
/// when the table does not hold it.
#[uniffi::export]
pub fn emergency_number_for_region(region: String) -> Option<EmergencyNumber> {
    EmergencyNumber::for_region(&region, RegionSource::Chosen)
}
