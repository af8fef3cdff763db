//! Kinds of stored records.
//!
//! The kind never appears in plaintext in the file: it is folded into the blind tags and
//! bound into every ciphertext's associated data. The numbers are part of the file format:
//! never renumber, only add.

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[repr(u16)]
pub enum RecordKind {
    /// Store bookkeeping: which months hold records of which kind.
    Catalog = 1,
    /// Client settings (discreet mode, notification wording, ...).
    Settings = 2,
    Urge = 10,
    SurfSession = 11,
    ExerciseSession = 12,
    CustomExercise = 13,
    /// The coping plan's automerge document.
    Plan = 20,
    /// Learned strategy outcomes (which strategy, for which trigger, and whether it helped).
    StrategyOutcome = 21,
    Slip = 30,
    CheckIn = 31,
    Goal = 32,
    ConsentReceipt = 50,
    Share = 51,
    ShareDocument = 52,
    SyncState = 53,
    Pairing = 54,
}

impl RecordKind {
    pub const ALL: [RecordKind; 16] = [
        RecordKind::Catalog,
        RecordKind::Settings,
        RecordKind::Urge,
        RecordKind::SurfSession,
        RecordKind::ExerciseSession,
        RecordKind::CustomExercise,
        RecordKind::Plan,
        RecordKind::StrategyOutcome,
        RecordKind::Slip,
        RecordKind::CheckIn,
        RecordKind::Goal,
        RecordKind::ConsentReceipt,
        RecordKind::Share,
        RecordKind::ShareDocument,
        RecordKind::SyncState,
        RecordKind::Pairing,
    ];

    pub fn code(self) -> u16 {
        self as u16
    }

    pub fn from_code(c: u16) -> Option<Self> {
        RecordKind::ALL.iter().copied().find(|k| k.code() == c)
    }

    /// Words for messages ("no urge entry with id ...").
    pub fn label(self) -> &'static str {
        match self {
            RecordKind::Catalog => "store catalog",
            RecordKind::Settings => "settings record",
            RecordKind::Urge => "urge entry",
            RecordKind::SurfSession => "surf session",
            RecordKind::ExerciseSession => "exercise session",
            RecordKind::CustomExercise => "exercise",
            RecordKind::Plan => "coping plan",
            RecordKind::StrategyOutcome => "strategy outcome",
            RecordKind::Slip => "slip",
            RecordKind::CheckIn => "check-in",
            RecordKind::Goal => "goal",
            RecordKind::ConsentReceipt => "consent receipt",
            RecordKind::Share => "share",
            RecordKind::ShareDocument => "shared document",
            RecordKind::SyncState => "sync state",
            RecordKind::Pairing => "pairing",
        }
    }
}

impl fmt::Display for RecordKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl fmt::Debug for RecordKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RecordKind({})", self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_round_trip() {
        let mut seen = std::collections::HashSet::new();
        for k in RecordKind::ALL {
            assert!(seen.insert(k.code()));
            assert_eq!(RecordKind::from_code(k.code()), Some(k));
        }
        assert_eq!(RecordKind::from_code(999), None);
    }
}
