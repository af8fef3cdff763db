//! Slips in a range: how many, how far their chain analyses went, and which vulnerability
//! factors came up most.

use serde::{Deserialize, Serialize};

use super::data::{DaySpan, InsightData};
use crate::error::Result;
use crate::slip::{ChainStatus, VulnerabilityFactor};

/// How often one vulnerability factor was named in a chain analysis.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct FactorCount {
    pub factor: VulnerabilityFactor,
    pub slips: u32,
}

/// Slips dated in a range.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SlipSummary {
    pub slips: u32,
    pub analyses_complete: u32,
    pub analyses_in_progress: u32,
    /// Factors named, most often first (ties in the order of [`VulnerabilityFactor::ALL`]).
    pub factors: Vec<FactorCount>,
}

impl InsightData {
    /// Slips whose local day is in `r`.
    pub fn slip_summary(&self, r: DaySpan) -> Result<SlipSummary> {
        self.check_range(r)?;
        let mut s = SlipSummary::default();
        let mut counts = [0u32; VulnerabilityFactor::ALL.len()];
        for h in self.slips_in(r) {
            s.slips += 1;
            match h.status {
                ChainStatus::Complete => s.analyses_complete += 1,
                ChainStatus::InProgress { .. } => s.analyses_in_progress += 1,
                ChainStatus::NotStarted => {}
            }
            for (i, f) in VulnerabilityFactor::ALL.iter().enumerate() {
                if h.factors.contains(f) {
                    if let Some(c) = counts.get_mut(i) {
                        *c += 1;
                    }
                }
            }
        }
        let mut factors: Vec<FactorCount> = VulnerabilityFactor::ALL
            .iter()
            .zip(counts)
            .filter(|(_, n)| *n > 0)
            .map(|(f, n)| FactorCount { factor: *f, slips: n })
            .collect();
        factors.sort_by_key(|f| std::cmp::Reverse(f.slips));
        s.factors = factors;
        Ok(s)
    }

    /// Chain analyses finished on a local day in `r` (whatever day the slip itself was).
    pub(crate) fn analyses_completed_in(&self, r: DaySpan) -> u32 {
        self.slips.iter().filter(|s| s.completed_day.is_some_and(|d| r.contains(d))).count() as u32
    }
}
