//! Strategy effectiveness per trigger, for the insights screen.
//!
//! Computed in one place, by the plan ([`Store::strategy_stats`]: which strategy, used for
//! which trigger, was followed by the urge passing); this file only groups the plan's numbers
//! by trigger in a serialisable shape, so insights and the plan's ranking never disagree.

use serde::{Deserialize, Serialize};

use super::data::DaySpan;
use super::InsightReport;
use crate::error::Result;
use crate::plan::{DayRange as PlanDays, StrategyStats};
use crate::store::Store;
use crate::text;

/// One strategy's record for one trigger.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct StrategyEffect {
    pub strategy: String,
    /// Times used with a known outcome.
    pub used: u32,
    /// Of those, times the urge passed without acting.
    pub helped: u32,
    /// `helped / used`.
    pub rate: f64,
}

/// The strategies used for one trigger, most used first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct TriggerStrategies {
    /// The trigger (the plan's name for it when it is in the plan); `None`: urges where no
    /// trigger was named.
    pub trigger: Option<String>,
    pub strategies: Vec<StrategyEffect>,
}

impl Store {
    /// Which strategies helped with which triggers over the local days `r` (from the plan's
    /// learning; see [`crate::plan`]).
    pub fn strategy_effectiveness(&self, r: DaySpan) -> Result<InsightReport<Vec<TriggerStrategies>>> {
        let stats = self.strategy_stats(PlanDays { from: Some(r.from), to: Some(r.to) })?;
        Ok(InsightReport { value: by_trigger(&stats), unreadable: stats.unreadable })
    }
}

/// The plan's per-(trigger, strategy) numbers grouped by trigger, in the plan's order.
pub fn by_trigger(stats: &StrategyStats) -> Vec<TriggerStrategies> {
    let mut out: Vec<TriggerStrategies> = Vec::new();
    for s in &stats.by_trigger {
        let effect = StrategyEffect { strategy: s.strategy.clone(), used: s.used, helped: s.helped, rate: s.rate() };
        match out.last_mut() {
            Some(t) if t.trigger.as_deref().map(text::fold) == s.trigger.as_deref().map(text::fold) => {
                t.strategies.push(effect)
            }
            _ => out.push(TriggerStrategies { trigger: s.trigger.clone(), strategies: vec![effect] }),
        }
    }
    out
}
