//! The device clock the bindings give the core: system time, and the device's time zone,
//! which the app updates when the person travels or the zone changes
//! (`CompanionCore::set_time_zone`). The test-hooks build can also freeze "now" so foreign
//! test suites are deterministic.

use std::sync::Mutex;

use chrono::{DateTime, Utc};
use companion_core::{Clock, Zone};

pub(crate) struct DeviceClock {
    zone: Mutex<Zone>,
    #[cfg(feature = "test-hooks")]
    frozen: Mutex<Option<DateTime<Utc>>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// The operating system's zone (Android, iOS, Linux, macOS all report an IANA name), or UTC
/// when it cannot be read.
pub(crate) fn system_zone() -> Zone {
    Zone::detect(None)
}

impl DeviceClock {
    pub(crate) fn new(zone: Zone) -> Self {
        DeviceClock {
            zone: Mutex::new(zone),
            #[cfg(feature = "test-hooks")]
            frozen: Mutex::new(None),
        }
    }

    pub(crate) fn set_zone(&self, zone: Zone) {
        *lock(&self.zone) = zone;
    }

    /// Freeze "now" at a given instant, or let it run again with `None` (test-hooks builds).
    #[cfg(feature = "test-hooks")]
    pub(crate) fn freeze(&self, at: Option<DateTime<Utc>>) {
        *lock(&self.frozen) = at;
    }
}

impl Clock for DeviceClock {
    fn now(&self) -> DateTime<Utc> {
        #[cfg(feature = "test-hooks")]
        if let Some(t) = *lock(&self.frozen) {
            return t;
        }
        Utc::now()
    }

    fn zone(&self) -> Zone {
        *lock(&self.zone)
    }
}
