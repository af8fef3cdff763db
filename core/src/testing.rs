//! Helpers for the core's unit tests: a store on a temp dir with a controlled clock.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use chrono::{TimeZone, Utc};

use crate::clock::{ManualClock, Zone};
use crate::crypto::Passphrase;
use crate::store::{CreateOptions, Store, Unlock};

/// A store in a fresh temp dir, with a manual clock at 2026-06-15 12:00 UTC in Europe/Berlin.
pub struct TestStore {
    pub store: Store,
    pub clock: ManualClock,
    pub dir: tempfile::TempDir,
}

impl TestStore {
    pub fn new() -> Self {
        let clock = ManualClock::new(
            Utc.with_ymd_and_hms(2026, 6, 15, 12, 0, 0).unwrap(),
            Zone::parse("Europe/Berlin").unwrap(),
        );
        Self::with_clock(clock)
    }

    pub fn with_clock(clock: ManualClock) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create(
            dir.path().join("store.db"),
            Unlock::Passphrase(&Passphrase::new(b"test passphrase".to_vec()).unwrap()),
            Arc::new(clock.clone()),
            CreateOptions::insecure_fast_for_tests(),
        )
        .unwrap();
        TestStore { store, clock, dir }
    }

    /// Close and reopen the store (as after the app process was killed).
    pub fn reopen(self) -> Self {
        let TestStore { store, clock, dir } = self;
        let path = store.path().to_path_buf();
        drop(store);
        let store = Store::open(
            &path,
            Unlock::Passphrase(&Passphrase::new(b"test passphrase".to_vec()).unwrap()),
            Arc::new(clock.clone()),
        )
        .unwrap();
        TestStore { store, clock, dir }
    }
}

impl std::ops::Deref for TestStore {
    type Target = Store;
    fn deref(&self) -> &Store {
        &self.store
    }
}
