//! Storage allowances (docs/protocol.md, "Limits on storage"): how many bytes of sealed chunks
//! and snapshots, and how many shares, one device may keep, and all shares addressed to one
//! clinic's clinicians together. A write beyond one is refused with 507 and the allowance's
//! stable code ([`Quota::code`]); nothing is stored.
//!
//! Usage is counted in memory, loaded from storage the first time a device or clinic writes
//! (one aggregate query), and kept exact by reserving before each write: a reservation is
//! given back when the write stores nothing ([`Reservation`] does so when dropped), and
//! erasures subtract what they freed. With several server processes on one PostgreSQL
//! database each process counts only its own writes, so [`UsageBook::forget`] runs every few
//! minutes there and counts are loaded afresh.

use std::collections::HashMap;
use std::sync::Mutex;

use companion_core::protocol::wire::Quota;

use crate::db::{DbResult, Freed, Storage, Usage, UsageOf};

/// The allowances.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuotaLimits {
    pub device_bytes: u64,
    pub device_shares: u64,
    pub clinic_bytes: u64,
    pub clinic_shares: u64,
}

impl Default for QuotaLimits {
    /// A year of a heavy user's urges shared in full is about 3 MB sealed (docs/benchmarks.md):
    /// 64 MiB per device leaves room for every category for years; 64 shares is nine
    /// categories for seven clinicians. A clinic of a few hundred clients fits in 16 GiB.
    fn default() -> Self {
        QuotaLimits { device_bytes: 64 << 20, device_shares: 64, clinic_bytes: 16 << 30, clinic_shares: 20_000 }
    }
}

/// Who a write is charged to, and what it asks for.
#[derive(Debug, Clone, Copy)]
pub struct Charge<'a> {
    pub device: &'a str,
    pub clinic: &'a str,
    pub bytes: u64,
    pub shares: u64,
    /// Bytes a write may go beyond the byte allowances: a snapshot replaces the chunks it
    /// covers, so compaction must still work for a device at its allowance.
    pub grace: u64,
}

/// Usage by device and by clinic, as far as this process knows it.
pub struct UsageBook {
    limits: QuotaLimits,
    devices: Mutex<HashMap<String, Usage>>,
    clinics: Mutex<HashMap<String, Usage>>,
}

/// Usage reserved for a write in progress: given back when dropped, unless [`kept`](Self::keep).
#[must_use]
pub struct Reservation<'a> {
    book: &'a UsageBook,
    device: String,
    clinic: String,
    usage: Usage,
}

impl Reservation<'_> {
    /// The write stored what it reserved.
    pub fn keep(mut self) {
        self.usage = Usage::default();
    }
}

impl Drop for Reservation<'_> {
    fn drop(&mut self) {
        if self.usage != Usage::default() {
            self.book.subtract(&self.device, &self.clinic, self.usage);
        }
    }
}

fn minus(a: Usage, b: Usage) -> Usage {
    Usage { bytes: a.bytes.saturating_sub(b.bytes), shares: a.shares.saturating_sub(b.shares) }
}

impl UsageBook {
    pub fn new(limits: QuotaLimits) -> UsageBook {
        UsageBook { limits, devices: Mutex::new(HashMap::new()), clinics: Mutex::new(HashMap::new()) }
    }

    /// Reserve what `charge` asks for, or say which allowance it would exceed.
    pub async fn reserve(&self, db: &dyn Storage, charge: Charge<'_>) -> DbResult<Result<Reservation<'_>, Quota>> {
        self.load(&self.devices, db, UsageOf::Device(charge.device)).await?;
        self.load(&self.clinics, db, UsageOf::Clinic(charge.clinic)).await?;
        let (Ok(mut devices), Ok(mut clinics)) = (self.devices.lock(), self.clinics.lock()) else {
            // A poisoned book only happens after a panic elsewhere; count nothing rather than
            // refuse every write.
            return Ok(Ok(self.nothing(charge)));
        };
        let l = &self.limits;
        let device = devices.entry(charge.device.to_string()).or_default();
        let clinic = clinics.entry(charge.clinic.to_string()).or_default();
        let over = |used: u64, more: u64, limit: u64, grace: u64| more > 0 && used + more > limit + grace;
        let refused = if over(device.shares, charge.shares, l.device_shares, 0) {
            Some(Quota::DeviceShares)
        } else if over(device.bytes, charge.bytes, l.device_bytes, charge.grace) {
            Some(Quota::DeviceStorage)
        } else if over(clinic.shares, charge.shares, l.clinic_shares, 0) {
            Some(Quota::ClinicShares)
        } else if over(clinic.bytes, charge.bytes, l.clinic_bytes, charge.grace) {
            Some(Quota::ClinicStorage)
        } else {
            None
        };
        if let Some(q) = refused {
            return Ok(Err(q));
        }
        let usage = Usage { bytes: charge.bytes, shares: charge.shares };
        for u in [&mut *device, &mut *clinic] {
            u.bytes += usage.bytes;
            u.shares += usage.shares;
        }
        Ok(Ok(Reservation { book: self, device: charge.device.into(), clinic: charge.clinic.into(), usage }))
    }

    /// A reservation that holds nothing.
    fn nothing(&self, charge: Charge<'_>) -> Reservation<'_> {
        Reservation { book: self, device: charge.device.into(), clinic: charge.clinic.into(), usage: Usage::default() }
    }

    /// An erasure or a snapshot freed this much of what the device and clinic held.
    pub fn freed(&self, device: &str, clinic: &str, freed: Freed) {
        self.subtract(device, clinic, Usage { bytes: freed.bytes, shares: freed.shares });
    }

    fn subtract(&self, device: &str, clinic: &str, usage: Usage) {
        if let Ok(mut m) = self.devices.lock() {
            if let Some(u) = m.get_mut(device) {
                *u = minus(*u, usage);
            }
        }
        if let Ok(mut m) = self.clinics.lock() {
            if let Some(u) = m.get_mut(clinic) {
                *u = minus(*u, usage);
            }
        }
    }

    /// Forget a device's count and these clinics' (they are loaded again when next needed).
    pub fn forget_device(&self, device: &str, clinics: &[String]) {
        if let Ok(mut m) = self.devices.lock() {
            m.remove(device);
        }
        if let Ok(mut m) = self.clinics.lock() {
            for k in clinics {
                m.remove(k);
            }
        }
    }

    /// Forget every count (other processes may have written meanwhile).
    pub fn forget(&self) {
        for book in [&self.devices, &self.clinics] {
            if let Ok(mut m) = book.lock() {
                m.clear();
            }
        }
    }

    /// Load one count from storage unless it is known.
    async fn load(&self, book: &Mutex<HashMap<String, Usage>>, db: &dyn Storage, of: UsageOf<'_>) -> DbResult<()> {
        let id = match of {
            UsageOf::Device(d) | UsageOf::Clinic(d) => d,
        };
        if book.lock().map(|m| m.contains_key(id)).unwrap_or(true) {
            return Ok(());
        }
        let usage = db.usage(of).await?;
        if let Ok(mut m) = book.lock() {
            m.entry(id.to_string()).or_insert(usage);
        }
        Ok(())
    }
}
