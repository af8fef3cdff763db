//! How local notifications are worded: neutral by default (nothing on a lock screen says
//! what the app is for), or explicit if the client chooses. The choice is stored encrypted.
//! What to schedule comes from each feature (for surfing: `surf_notifications`).

use companion_core::notify::Wording;

use crate::companion::CompanionCore;
use crate::error::Result;

#[uniffi::export]
impl CompanionCore {
    /// The client's notification wording (neutral unless they chose otherwise). Reads the store.
    pub fn notification_wording(&self) -> Result<Wording> {
        Ok(self.store()?.notification_wording()?)
    }

    /// Choose how notifications are worded. Re-ask each feature for its notification plan
    /// afterwards and reschedule. Writes the store.
    pub fn set_notification_wording(&self, wording: Wording) -> Result<()> {
        Ok(self.store()?.set_notification_wording(wording)?)
    }
}
