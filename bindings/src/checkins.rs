//! The daily check-in: mood, stress, loneliness and sleep (0-10 each) and optional words.
//! A second check-in on the same day updates that day's. Store calls do disk I/O.

use chrono::NaiveDate;
use companion_core::checkin::{CheckIn, CheckInEdit, CheckInListing, CheckInSaved, NewCheckIn};

use crate::companion::CompanionCore;
use crate::error::Result;
use crate::urges::parse_id;

#[uniffi::export]
impl CompanionCore {
    /// Check in (for today unless `day` is given); `updated` says it changed that day's
    /// earlier check-in.
    pub fn check_in(&self, check_in: NewCheckIn) -> Result<CheckInSaved> {
        Ok(self.store()?.check_in(check_in)?)
    }

    /// The check-in of one local day, if any.
    pub fn check_in_on(&self, day: NaiveDate) -> Result<Option<CheckIn>> {
        Ok(self.store()?.check_in_on(day)?)
    }

    /// One check-in by id.
    pub fn check_in_by_id(&self, id: String) -> Result<CheckIn> {
        Ok(self.store()?.check_in_by_id(parse_id(&id)?)?)
    }

    /// Correct a check-in: set ratings, replace the words, or clear fields.
    pub fn edit_check_in(&self, id: String, edit: CheckInEdit) -> Result<CheckIn> {
        Ok(self.store()?.edit_check_in(parse_id(&id)?, edit)?)
    }

    pub fn delete_check_in(&self, id: String) -> Result<()> {
        Ok(self.store()?.delete_check_in(parse_id(&id)?)?)
    }

    /// Check-ins of local days `from..=to`, oldest first (`with_words` also decrypts notes).
    pub fn check_ins(&self, from: NaiveDate, to: NaiveDate, with_words: bool) -> Result<CheckInListing> {
        Ok(self.store()?.check_ins(from, to, with_words)?)
    }
}
