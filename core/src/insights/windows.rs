//! High-risk windows: the weekday-and-hour stretches where this person's urges cluster, each
//! with a gentle check-in time the app can schedule just before it.
//!
//! Rule (recomputed naively by the reference test):
//! 1. take the weekday-by-hour grid of the range (168 cells, Monday 00:00 first);
//! 2. with fewer than [`MIN_URGES`] urges there are no windows (too little to go on);
//! 3. a cell is *busy* when it holds at least [`MIN_CELL`] urges and at least twice the
//!    average cell (count × 168 ≥ 2 × total);
//! 4. a window is a maximal run of consecutive busy hours, wrapping across midnight and
//!    from Sunday into Monday (late Friday night into Saturday is one window);
//! 5. windows are ordered by urges (most first), then by start; at most [`MAX_WINDOWS`];
//! 6. the check-in is suggested [`LEAD_MINUTES`] before the window starts.

use serde::{Deserialize, Serialize};

use super::data::{DaySpan, InsightData};
use super::urges::{HourGrid, Weekday};
use crate::error::Result;
use crate::urge::Outcome;

pub const MIN_URGES: u32 = 10;
pub const MIN_CELL: u32 = 3;
pub const MAX_WINDOWS: usize = 3;
pub const LEAD_MINUTES: u32 = 30;

/// What the app says with the scheduled check-in: neutral enough for a lock screen.
pub const CHECK_IN_MESSAGE: &str = "A moment for yourself: how are you doing right now?";

/// A time in the week.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct WeekTime {
    pub weekday: Weekday,
    pub hour: u8,
    pub minute: u8,
}

/// Where urges cluster.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct RiskWindow {
    /// When the window starts (local time).
    pub start: WeekTime,
    /// How many hours it spans.
    pub hours: u8,
    pub urges: u32,
    /// Of these urges, how many were acted on.
    pub acted: u32,
    /// Share of all urges in the range that fell in this window.
    pub share: f64,
    /// When to offer a gentle check-in (local time).
    pub check_in: WeekTime,
}

fn busy(count: u32, total: u32) -> bool {
    count >= MIN_CELL && u64::from(count) * 168 >= 2 * u64::from(total)
}

/// Windows from a grid (plus the acted-on counts per cell).
pub(crate) fn windows_from(grid: &HourGrid, acted: &[u32; 168]) -> Vec<RiskWindow> {
    let cell = |i: usize| grid.get(i / 24 % 7, i % 24);
    let total: u32 = (0..168).map(cell).sum();
    if total < MIN_URGES {
        return Vec::new();
    }
    let hot: Vec<bool> = (0..168).map(|i| busy(cell(i), total)).collect();
    // Start scanning just after a quiet cell so wrapping runs are not split.
    let Some(quiet) = hot.iter().position(|h| !*h) else { return Vec::new() };
    let mut out: Vec<(usize, RiskWindow)> = Vec::new();
    let mut k = 0;
    while k < 168 {
        let i = (quiet + 1 + k) % 168;
        if !hot[i] {
            k += 1;
            continue;
        }
        let mut len = 0;
        let (mut urges, mut acted_n) = (0u32, 0u32);
        while k < 168 && hot[(quiet + 1 + k) % 168] {
            let j = (quiet + 1 + k) % 168;
            urges += cell(j);
            acted_n += acted[j];
            len += 1;
            k += 1;
        }
        let lead = (i * 60 + 168 * 60 - LEAD_MINUTES as usize) % (168 * 60);
        out.push((
            i,
            RiskWindow {
                start: WeekTime { weekday: Weekday::from_index(i / 24), hour: (i % 24) as u8, minute: 0 },
                hours: len as u8,
                urges,
                acted: acted_n,
                share: f64::from(urges) / f64::from(total),
                check_in: WeekTime {
                    weekday: Weekday::from_index(lead / (24 * 60)),
                    hour: ((lead / 60) % 24) as u8,
                    minute: (lead % 60) as u8,
                },
            },
        ));
    }
    out.sort_by(|a, b| b.1.urges.cmp(&a.1.urges).then(a.0.cmp(&b.0)));
    out.into_iter().take(MAX_WINDOWS).map(|(_, w)| w).collect()
}

impl InsightData {
    /// Where urges in `r` cluster, with a check-in time before each window.
    pub fn high_risk_windows(&self, r: DaySpan) -> Result<Vec<RiskWindow>> {
        let grid = self.hour_grid(r)?;
        let mut acted = [0u32; 168];
        for u in self.urges_in(r).filter(|u| u.outcome == Some(Outcome::Acted)) {
            if let Some(a) = acted.get_mut(usize::from(u.weekday) * 24 + usize::from(u.hour)) {
                *a += 1;
            }
        }
        Ok(windows_from(&grid, &acted))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid_with(cells: &[(usize, usize, u32)], background: u32) -> HourGrid {
        let mut g = vec![vec![background; 24]; 7];
        for (d, h, n) in cells {
            g[*d][*h] = *n;
        }
        let max = g.iter().flatten().copied().max().unwrap_or(0);
        HourGrid { cells: g, max }
    }

    #[test]
    fn runs_wrap_across_midnight_and_the_week() {
        // Sunday 23:00 and Monday 00:00-01:00 are busy: one window starting Sunday 23:00.
        let g = grid_with(&[(6, 23, 20), (0, 0, 15), (0, 1, 12), (2, 20, 9)], 0);
        let w = windows_from(&g, &[0; 168]);
        assert_eq!(w.len(), 2);
        assert_eq!(w[0].start, WeekTime { weekday: Weekday::Sunday, hour: 23, minute: 0 });
        assert_eq!(w[0].hours, 3);
        assert_eq!(w[0].urges, 47);
        assert_eq!(w[0].check_in, WeekTime { weekday: Weekday::Sunday, hour: 22, minute: 30 });
        assert_eq!(w[1].start.weekday, Weekday::Wednesday);
        // Monday 00:00 window: the check-in falls on Sunday.
        let g = grid_with(&[(0, 0, 30)], 0);
        let w = windows_from(&g, &[0; 168]);
        assert_eq!(w[0].check_in, WeekTime { weekday: Weekday::Sunday, hour: 23, minute: 30 });
    }

    #[test]
    fn too_little_or_too_even_gives_none() {
        assert!(windows_from(&grid_with(&[(1, 1, 9)], 0), &[0; 168]).is_empty());
        // Evenly spread: nothing stands out.
        assert!(windows_from(&grid_with(&[], 5), &[0; 168]).is_empty());
    }
}
