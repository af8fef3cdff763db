//! Links between check-in ratings and urges: does a poor night, a stressful day or a lonely
//! day go with more urges the same day or the next?
//!
//! For each rating (mood, stress, loneliness, sleep) the Pearson correlation between the
//! rating of a day and the number of urges that day, and the next day. A pair is used only
//! when both days lie in the range and the urge day is not after today (a day still going on
//! would look calmer than it is). With fewer than [`MIN_PAIRS`] pairs, or a rating or count
//! that never varies, there is no correlation to report. A correlation is a link, not a cause;
//! the app says so where it shows one.

use serde::{Deserialize, Serialize};

use super::data::{DaySpan, InsightData};
use crate::checkin::Measure;
use crate::error::Result;

/// Fewest day pairs before a correlation is reported.
pub const MIN_PAIRS: u32 = 14;

/// A correlation and how many day pairs it rests on.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Correlation {
    /// Pearson's r, from -1 to 1.
    pub r: f64,
    pub pairs: u32,
}

/// One rating's averages and links with urges.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct MeasureLink {
    pub measure: Measure,
    /// Days in the range with this rating.
    pub days: u32,
    pub mean: Option<f64>,
    /// Rating of a day against urges that same day.
    pub same_day: Option<Correlation>,
    /// Rating of a day against urges the next day.
    pub next_day: Option<Correlation>,
}

/// Check-ins in a range: how many days, averages, and links with urges.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct CheckInSummary {
    pub days: u32,
    pub measures: Vec<MeasureLink>,
}

/// Pearson's r of the pairs, or `None` when too few or without variation.
pub(crate) fn pearson(pairs: &[(f64, f64)]) -> Option<Correlation> {
    let n = pairs.len();
    if (n as u32) < MIN_PAIRS {
        return None;
    }
    let nf = n as f64;
    let mx = pairs.iter().map(|p| p.0).sum::<f64>() / nf;
    let my = pairs.iter().map(|p| p.1).sum::<f64>() / nf;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (x, y) in pairs {
        sxy += (x - mx) * (y - my);
        sxx += (x - mx) * (x - mx);
        syy += (y - my) * (y - my);
    }
    if sxx <= 0.0 || syy <= 0.0 {
        return None;
    }
    Some(Correlation { r: (sxy / (sxx * syy).sqrt()).clamp(-1.0, 1.0), pairs: n as u32 })
}

impl InsightData {
    /// Check-in averages and their links with urges in `r`.
    pub fn check_in_summary(&self, r: DaySpan) -> Result<CheckInSummary> {
        self.check_range(r)?;
        let mut urges_per_day = vec![0u32; r.days()];
        for u in self.urges_in(r) {
            if let Some(c) = urges_per_day.get_mut(r.index(u.day)) {
                *c += 1;
            }
        }
        let last_usable = r.to.min(self.today);
        let urges_on = |d: chrono::NaiveDate| -> Option<f64> {
            (r.contains(d) && d <= last_usable).then(|| urges_per_day.get(r.index(d)).copied().map(f64::from))?
        };
        let mut days = 0u32;
        let mut measures = Vec::with_capacity(4);
        for m in Measure::ALL {
            let (mut same, mut next, mut n, mut sum) = (Vec::new(), Vec::new(), 0u32, 0u64);
            for c in self.check_ins_in(r) {
                let Some(score) = c.score(m) else { continue };
                n += 1;
                sum += u64::from(score);
                let x = f64::from(score);
                if let Some(y) = urges_on(c.day) {
                    same.push((x, y));
                }
                if let Some(y) = c.day.succ_opt().and_then(urges_on) {
                    next.push((x, y));
                }
            }
            measures.push(MeasureLink {
                measure: m,
                days: n,
                mean: (n > 0).then(|| sum as f64 / f64::from(n)),
                same_day: pearson(&same),
                next_day: pearson(&next),
            });
        }
        for _ in self.check_ins_in(r) {
            days += 1;
        }
        Ok(CheckInSummary { days, measures })
    }
}
