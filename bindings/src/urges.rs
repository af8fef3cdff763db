//! The urge log: log, read, edit, delete, list by day / range / trigger, and the trigger and
//! feeling suggestions an entry form offers.
//!
//! Every method does disk I/O (writes are fsync'd before they return): call off the main
//! thread. Ids cross as their 26-character text; a malformed id is `InvalidInput` on "id".

use chrono::NaiveDate;
use companion_core::urge::{NewUrge, Urge, UrgeEdit, UrgeListing, UrgeQuery};
use companion_core::RecordId;

use crate::companion::CompanionCore;
use crate::error::Result;

pub(crate) fn parse_id(id: &str) -> Result<RecordId> {
    Ok(RecordId::parse(id)?)
}

#[uniffi::export]
impl CompanionCore {
    /// Log an urge; durable when this returns. `occurred` defaults to now in the device's zone.
    /// Errors: `InvalidInput` naming the field (intensity above 10, an over-long note, a time
    /// in the future, a duration over 24 hours, "coped" without a strategy, ...).
    pub fn log_urge(&self, urge: NewUrge) -> Result<Urge> {
        Ok(self.store()?.log_urge(urge)?)
    }

    /// One entry with all its details. `NotFound` when it does not exist (or was deleted).
    pub fn urge(&self, id: String) -> Result<Urge> {
        Ok(self.store()?.urge(parse_id(&id)?)?)
    }

    /// Change an entry: fields set in `edit` replace the stored ones, fields listed in
    /// `edit.clear` are emptied. An edit that changes nothing is `InvalidInput` on "edit".
    pub fn edit_urge(&self, id: String, edit: UrgeEdit) -> Result<Urge> {
        Ok(self.store()?.edit_urge(parse_id(&id)?, edit)?)
    }

    /// Delete an entry; its bytes are removed from the file.
    pub fn delete_urge(&self, id: String) -> Result<()> {
        Ok(self.store()?.delete_urge(parse_id(&id)?)?)
    }

    /// Entries in a range of local days (by the day where each happened), optionally only
    /// those with one trigger, oldest first. Entries that could not be opened are listed in
    /// `unreadable`, never silently dropped.
    pub fn urges(&self, query: UrgeQuery) -> Result<UrgeListing> {
        Ok(self.store()?.urges(&query)?)
    }

    /// Entries of one local day, oldest first (`with_details` also decrypts place, activity
    /// and note).
    pub fn urges_on(&self, day: NaiveDate, with_details: bool) -> Result<UrgeListing> {
        Ok(self.store()?.urges_on(day, with_details)?)
    }

    /// Triggers to offer in the entry form: the person's own from the last `recent_days`
    /// days, most used first, then built-in ones.
    pub fn trigger_suggestions(&self, recent_days: i64) -> Result<Vec<String>> {
        Ok(self.store()?.trigger_suggestions(recent_days)?)
    }

    /// Feelings to offer in the entry form, like [`Self::trigger_suggestions`].
    pub fn feeling_suggestions(&self, recent_days: i64) -> Result<Vec<String>> {
        Ok(self.store()?.feeling_suggestions(recent_days)?)
    }
}
