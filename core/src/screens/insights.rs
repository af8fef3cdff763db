//! Insights: chart-ready series (urges and urges ridden out per day or per week, intensity,
//! top triggers), the weekday-by-hour grid, and a few sentences in plain words. Computed on
//! the device from the store; nothing here leaves it.

use chrono::Duration;

use super::app::{Cx, Reaction};
use super::common::{plural, ChartPoint, ChartStyle, Series};
use crate::error::Result;
use crate::insights::{DaySpan, HourGrid, Insights, Weekday};

/// The ranges offered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum InsightsRange {
    FourWeeks,
    ThreeMonths,
    Year,
}

/// A range choice.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct RangeChoice {
    pub range: InsightsRange,
    pub label: String,
    pub selected: bool,
}

/// One row of the weekday-by-hour grid.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct HeatRow {
    /// "Mon".
    pub label: String,
    /// 24 counts, hour 0 first.
    pub cells: Vec<u32>,
}

/// When urges come: weekdays by hours of the day.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Heatmap {
    pub title: String,
    pub rows: Vec<HeatRow>,
    /// The largest cell (the darkest colour).
    pub max: u32,
    /// Labels under some columns: hour index and text ("0" → "00", "6" → "06"...).
    pub column_labels: Vec<String>,
    pub summary: String,
}

/// Insights.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct InsightsView {
    pub ranges: Vec<RangeChoice>,
    /// A few sentences, the most useful first.
    pub highlights: Vec<String>,
    pub series: Vec<Series>,
    pub heatmap: Heatmap,
    /// Entries that could not be read (so some numbers may be low).
    pub problem: Option<String>,
    pub empty_text: Option<String>,
}

/// What the person does.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum InsightsAction {
    Range { range: InsightsRange },
}

pub(crate) struct InsightsScreen {
    range: InsightsRange,
}

impl Default for InsightsScreen {
    fn default() -> Self {
        InsightsScreen { range: InsightsRange::FourWeeks }
    }
}

fn days_of(r: InsightsRange) -> i64 {
    match r {
        InsightsRange::FourWeeks => 28,
        InsightsRange::ThreeMonths => 91,
        InsightsRange::Year => 364,
    }
}

impl InsightsScreen {
    pub fn view(&self, cx: &Cx<'_>) -> Result<InsightsView> {
        let today = cx.today();
        let span = DaySpan::new(today - Duration::days(days_of(self.range) - 1), today)?;
        let report = cx.store.insights(span)?;
        let i = &report.value;
        let by_day = self.range == InsightsRange::FourWeeks;
        Ok(InsightsView {
            ranges: [
                (InsightsRange::FourWeeks, "4 weeks"),
                (InsightsRange::ThreeMonths, "3 months"),
                (InsightsRange::Year, "A year"),
            ]
            .into_iter()
            .map(|(range, label)| RangeChoice { range, label: label.into(), selected: range == self.range })
            .collect(),
            highlights: highlights(i),
            series: if by_day { daily(i) } else { weekly(i) },
            heatmap: heatmap(&i.hour_grid),
            problem: (!report.unreadable.is_empty())
                .then(|| "Some entries couldn't be read, so some numbers may be a little low.".to_string()),
            empty_text: (i.urges.total == 0 && i.check_ins.days == 0)
                .then(|| "Nothing to show yet. As you log urges and check in, patterns will appear here.".to_string()),
        })
    }

    pub fn act(&mut self, _cx: &mut Cx<'_>, action: InsightsAction) -> Result<Reaction> {
        match action {
            InsightsAction::Range { range } => self.range = range,
        }
        Ok(Reaction::default())
    }
}

fn highlights(i: &Insights) -> Vec<String> {
    let u = &i.urges;
    let mut out = Vec::new();
    if u.total > 0 {
        let ridden = u.surfed + u.coped;
        out.push(format!("{} logged; you rode out {ridden}.", plural(i64::from(u.total), "urge")));
    }
    let a = &i.acting_out;
    if a.days_tracked > 0 {
        out.push(format!("{} of {} without acting out.", a.days_without, plural(i64::from(a.days_tracked), "day")));
    }
    if let Some(w) = i.high_risk_windows.first() {
        out.push(format!(
            "Urges come most often on {}s around {:02}:00. A check-in before then can help.",
            w.start.weekday.name(),
            w.start.hour
        ));
    }
    if let Some(t) = i.top_triggers.first() {
        out.push(format!("The trigger you named most: \"{}\" ({}).", t.trigger, plural(i64::from(t.urges), "time")));
    }
    out
}

fn bars(title: &str, x_title: &str, points: Vec<ChartPoint>, summary: String) -> Series {
    let y_max = points.iter().filter_map(|p| p.y).fold(1.0_f64, f64::max);
    Series {
        title: title.into(),
        style: ChartStyle::Bars,
        x_title: x_title.into(),
        y_title: "urges".into(),
        y_max: y_max.ceil(),
        points,
        summary,
    }
}

fn daily(i: &Insights) -> Vec<Series> {
    let point = |n: usize, d: &crate::insights::DayCount, y: u32| ChartPoint {
        x: n as f64,
        y: Some(f64::from(y)),
        label: if n.is_multiple_of(7) { d.day.format("%-d %b").to_string() } else { String::new() },
    };
    let urges: Vec<ChartPoint> = i.per_day.iter().enumerate().map(|(n, d)| point(n, d, d.urges)).collect();
    let ridden: Vec<ChartPoint> = i.per_day.iter().enumerate().map(|(n, d)| point(n, d, d.surfed)).collect();
    let total: u32 = i.per_day.iter().map(|d| d.urges).sum();
    let rode: u32 = i.per_day.iter().map(|d| d.surfed).sum();
    vec![
        bars(
            "Urges per day",
            "day",
            urges,
            format!("{} over {} days.", plural(i64::from(total), "urge"), i.per_day.len()),
        ),
        bars("Urges ridden out per day", "day", ridden, format!("{rode} ridden out.")),
    ]
}

fn weekly(i: &Insights) -> Vec<Series> {
    let label = |w: &crate::insights::WeekCount| w.week_start.format("%-d %b").to_string();
    let urges: Vec<ChartPoint> = i
        .per_week
        .iter()
        .enumerate()
        .map(|(n, w)| ChartPoint { x: n as f64, y: Some(f64::from(w.urges)), label: label(w) })
        .collect();
    let ridden: Vec<ChartPoint> = i
        .per_week
        .iter()
        .enumerate()
        .map(|(n, w)| ChartPoint { x: n as f64, y: Some(f64::from(w.surfed)), label: label(w) })
        .collect();
    let intensity: Vec<ChartPoint> = i
        .per_week
        .iter()
        .enumerate()
        .map(|(n, w)| ChartPoint { x: n as f64, y: w.intensity_mean, label: label(w) })
        .collect();
    vec![
        bars("Urges per week", "week", urges, format!("{} weeks.", i.per_week.len())),
        bars("Urges ridden out per week", "week", ridden, "Urges you rode out, week by week.".into()),
        Series {
            title: "Average intensity per week".into(),
            style: ChartStyle::Line,
            x_title: "week".into(),
            y_title: "intensity".into(),
            y_max: 10.0,
            points: intensity,
            summary: "How strong urges were on average, from 0 to 10; weeks without urges are left out.".into(),
        },
    ]
}

fn heatmap(g: &HourGrid) -> Heatmap {
    let rows = (0..7)
        .map(|d| HeatRow {
            label: Weekday::from_index(d).short().into(),
            cells: (0..24).map(|h| g.get(d, h)).collect(),
        })
        .collect();
    let busiest = (0..7 * 24).max_by_key(|i| g.get(i / 24, i % 24)).filter(|i| g.get(i / 24, i % 24) > 0);
    Heatmap {
        title: "When urges come".into(),
        rows,
        max: g.max,
        column_labels: (0..24u32)
            .map(|h| if h.is_multiple_of(6) { format!("{h:02}") } else { String::new() })
            .collect(),
        summary: match busiest {
            Some(i) => format!("The busiest hour: {}s at {:02}:00.", Weekday::from_index(i / 24).name(), i % 24),
            None => "No urges in this range.".into(),
        },
    }
}
