//! Figures derived from a recorded wave: how high it rose, how soon, how fast it eased.
//!
//! Only real ratings count (missed prompts have none). Times are wall-clock milliseconds, as
//! the person lived them, pauses included.

use super::{SurfOutcome, WavePoint};

/// What the wave shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct WaveSummary {
    /// Highest rating, if any rating was given.
    pub peak: Option<u8>,
    /// From the session's start to the first rating at the peak.
    pub time_to_peak_ms: Option<u64>,
    /// From the peak to the first later rating at or below half of it (`None` if it did not
    /// come down that far while recorded, or the peak was 0).
    pub peak_to_half_ms: Option<u64>,
    pub first: Option<u8>,
    pub last: Option<u8>,
    /// Ratings given, and prompts missed.
    pub ratings: u32,
    pub missed: u32,
    /// The urge passed without acting (ended as "passed" or "used my plan"); `None` while the
    /// session is open or when it was closed without an answer.
    pub passed_without_acting: Option<bool>,
}

/// Summarise `points` (in time order) of a session that started at `start_utc_ms`.
pub fn summarize(points: &[WavePoint], start_utc_ms: i64, outcome: Option<SurfOutcome>) -> WaveSummary {
    let mut s = WaveSummary { passed_without_acting: outcome.map(|o| o.passed_without_acting()), ..Default::default() };
    let mut peak_at: Option<(u8, i64, usize)> = None;
    for (i, p) in points.iter().enumerate() {
        match p.intensity {
            None => s.missed += 1,
            Some(v) => {
                s.ratings += 1;
                s.first.get_or_insert(v);
                s.last = Some(v);
                if peak_at.is_none_or(|(pk, _, _)| v > pk) {
                    peak_at = Some((v, p.at_utc_ms, i));
                }
            }
        }
    }
    if let Some((peak, at, i)) = peak_at {
        s.peak = Some(peak);
        s.time_to_peak_ms = Some((at - start_utc_ms).max(0) as u64);
        if peak > 0 {
            s.peak_to_half_ms = points
                .iter()
                .skip(i + 1)
                .find(|p| p.intensity.is_some_and(|v| 2 * u16::from(v) <= u16::from(peak)))
                .map(|p| (p.at_utc_ms - at).max(0) as u64);
        }
    }
    s
}

/// When the urge can be said to have ended: the first rating of 0 that no later rating rose
/// above, or else the session's end.
pub fn ended_at(points: &[WavePoint], session_end_utc_ms: i64) -> i64 {
    let mut since_zero = None;
    for p in points {
        match p.intensity {
            Some(0) => {
                since_zero.get_or_insert(p.at_utc_ms);
            }
            Some(_) => since_zero = None,
            None => {}
        }
    }
    since_zero.unwrap_or(session_end_utc_ms).min(session_end_utc_ms)
}
