//! The page's charts, drawn by plotters' SVG backend into inline SVG. Each chart carries a
//! title and a description (read by screen readers), and never relies on colour alone: bars
//! and cells carry their numbers, lines carry different markers and their names. The page puts
//! a table with the same figures beside each chart.

use chrono::NaiveDate;
use companion_core::insights::HourGrid;
use plotters::coord::Shift;
use plotters::prelude::*;

use crate::report::UrgeWeek;
use crate::shared::entries::{CheckInEntry, SurfEntry};
use crate::words;

/// An SVG chart ready to be placed in a page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chart {
    pub svg: String,
}

/// Colours chosen to differ in lightness as well as hue (readable in greyscale and by most
/// people with a colour vision deficiency), and dark enough for white text where used.
pub mod palette {
    use plotters::style::RGBColor;

    pub const RIDDEN_OUT: RGBColor = RGBColor(0x1b, 0x5e, 0x4f);
    pub const COPED: RGBColor = RGBColor(0x4f, 0x9d, 0x8a);
    pub const ACTED: RGBColor = RGBColor(0xb8, 0x4a, 0x1e);
    pub const UNRECORDED: RGBColor = RGBColor(0xb9, 0xbd, 0xc2);
    pub const INK: RGBColor = RGBColor(0x1f, 0x29, 0x33);
    pub const GRID: RGBColor = RGBColor(0xe3, 0xe6, 0xea);
    pub const WAVE: RGBColor = RGBColor(0x1d, 0x4e, 0x89);
    pub const HEAT: RGBColor = RGBColor(0x1d, 0x4e, 0x89);
}

const FONT: &str = "sans-serif";

/// Draw into an SVG string of `size`, then give it its accessible name and description.
fn draw(
    id: &str,
    size: (u32, u32),
    title: &str,
    description: &str,
    paint: impl FnOnce(&DrawingArea<SVGBackend<'_>, Shift>) -> Result<(), Box<dyn std::error::Error>>,
) -> Chart {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        // A chart that fails to draw leaves the table beside it as the only view (never a panic).
        let _ = root.fill(&WHITE).map_err(|e| e.to_string()).and_then(|_| paint(&root).map_err(|e| e.to_string()));
        let _ = root.present();
    }
    Chart { svg: labelled(svg, id, title, description, size) }
}

/// Give the SVG root a role, an accessible name and description, and let it scale.
fn labelled(svg: String, id: &str, title: &str, description: &str, (w, h): (u32, u32)) -> String {
    let esc = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
    let Some(open_end) = svg.find('>') else { return svg };
    let head = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" \
         aria-labelledby=\"{id}-title {id}-desc\" focusable=\"false\" class=\"chart\">\
         <title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        esc(title),
        esc(description)
    );
    format!("{head}{}", &svg[open_end + 1..])
}

fn text(size: u32) -> TextStyle<'static> {
    (FONT, size).into_font().color(&palette::INK)
}

/// Urges per week as stacked bars by outcome (ridden out, coped, acted on, not recorded),
/// oldest week first, each segment and bar labelled with its count; mean intensity as a line
/// with round markers on the scale at the right.
pub fn weekly_urges(id: &str, weeks_newest_first: &[UrgeWeek]) -> Chart {
    let weeks: Vec<&UrgeWeek> = weeks_newest_first.iter().rev().collect();
    let n = weeks.len().max(1);
    let max = weeks.iter().map(|w| w.urges).max().unwrap_or(0).max(1);
    let description = weeks
        .iter()
        .map(|w| {
            format!(
                "{}: {} ({} ridden out, {} coped, {} acted on), mean intensity {}",
                words::week(w.week_start),
                words::plural(w.urges, "urge", "urges"),
                w.surfed,
                w.coped,
                w.acted,
                words::mean(w.intensity_mean)
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    draw(id, (760, 300), "Urges per week by outcome, with mean intensity", &description, |root| {
        let mut chart = ChartBuilder::on(root)
            .margin(12)
            .x_label_area_size(32)
            .y_label_area_size(40)
            .right_y_label_area_size(40)
            .build_cartesian_2d(0f64..n as f64, 0f64..f64::from(max) * 1.15)?
            .set_secondary_coord(0f64..n as f64, 0f64..10.5);
        let label = |x: &f64| weeks.get(x.floor() as usize).map(|w| words::short_day(w.week_start)).unwrap_or_default();
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(WHITE)
            .bold_line_style(palette::GRID)
            .x_labels(n * 2 + 1)
            .x_label_formatter(&|x| if (x.fract() - 0.5).abs() < 1e-6 { label(x) } else { String::new() })
            .y_labels(6)
            .y_label_formatter(&|v| format!("{v:.0}"))
            .y_desc("urges")
            .label_style(text(12))
            .axis_desc_style(text(12))
            .draw()?;
        chart
            .configure_secondary_axes()
            .y_labels(6)
            .y_label_formatter(&|v| format!("{v:.0}"))
            .y_desc("mean intensity (0-10)")
            .label_style(text(12))
            .axis_desc_style(text(12))
            .draw()?;
        for (i, w) in weeks.iter().enumerate() {
            let (x0, x1) = (i as f64 + 0.2, i as f64 + 0.8);
            let mut base = 0f64;
            for (count, colour, light) in [
                (w.surfed, palette::RIDDEN_OUT, false),
                (w.coped, palette::COPED, true),
                (w.acted, palette::ACTED, false),
                (w.unrecorded, palette::UNRECORDED, true),
            ] {
                if count == 0 {
                    continue;
                }
                let top = base + f64::from(count);
                chart.draw_series(std::iter::once(Rectangle::new([(x0, base), (x1, top)], colour.filled())))?;
                let ink = if light { palette::INK } else { WHITE };
                chart.draw_series(std::iter::once(Text::new(
                    count.to_string(),
                    (i as f64 + 0.47, (base + top) / 2.0),
                    (FONT, 12).into_font().color(&ink),
                )))?;
                base = top;
            }
            chart.draw_series(std::iter::once(Text::new(
                format!("{}", w.urges),
                (i as f64 + 0.45, base + f64::from(max) * 0.1),
                text(13),
            )))?;
        }
        let points: Vec<(f64, f64)> =
            weeks.iter().enumerate().filter_map(|(i, w)| w.intensity_mean.map(|m| (i as f64 + 0.5, m))).collect();
        chart.draw_secondary_series(LineSeries::new(points.clone(), palette::INK.stroke_width(2)))?;
        chart.draw_secondary_series(points.iter().map(|p| Circle::new(*p, 4, palette::INK.filled())))?;
        Ok(())
    })
}

/// Urges by weekday (rows, Monday first) and hour (columns), local time where each happened;
/// darker cells hold more urges and every non-empty cell shows its count.
pub fn heatmap(id: &str, grid: &HourGrid) -> Chart {
    let busiest: Vec<String> = {
        let mut cells: Vec<(u32, usize, usize)> =
            (0..7).flat_map(|d| (0..24).map(move |h| (d, h))).map(|(d, h)| (grid.get(d, h), d, h)).collect();
        cells.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        cells
            .iter()
            .take(3)
            .filter(|c| c.0 > 0)
            .map(|(n, d, h)| {
                format!("{} {:02}:00, {}", words::weekday_short(*d), h, words::plural(*n, "urge", "urges"))
            })
            .collect()
    };
    let description = if busiest.is_empty() {
        "No urges in these days.".to_string()
    } else {
        format!("Busiest hours: {}. The table below lists every cell.", busiest.join("; "))
    };
    let max = grid.max.max(1);
    draw(id, (760, 250), "When urges come: weekday by hour", &description, |root| {
        let mut chart = ChartBuilder::on(root)
            .margin(10)
            .x_label_area_size(26)
            .y_label_area_size(40)
            .build_cartesian_2d(0f64..24f64, 0f64..7f64)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_labels(9)
            .x_label_formatter(&|h| format!("{:02}", h.round() as u32))
            .y_labels(0)
            .label_style(text(12))
            .draw()?;
        let centred = |size: u32, ink: &RGBColor| {
            use plotters::style::text_anchor::{HPos, Pos, VPos};
            (FONT, size).into_font().color(ink).pos(Pos::new(HPos::Center, VPos::Center))
        };
        for d in 0..7usize {
            // Monday on top: row d is drawn at height 6 - d.
            let y = 6.0 - d as f64;
            let (px, py) = chart.backend_coord(&(0.0, y + 0.5));
            root.draw(&Text::new(words::weekday_short(d), (px - 18, py), centred(12, &palette::INK)))?;
            for h in 0..24usize {
                let n = grid.get(d, h);
                let shade = if n == 0 { 0.0 } else { 0.15 + 0.85 * f64::from(n) / f64::from(max) };
                let fill = if n == 0 { palette::GRID.mix(0.5) } else { palette::HEAT.mix(shade) };
                let x = h as f64;
                chart.draw_series(std::iter::once(Rectangle::new([(x, y), (x + 1.0, y + 1.0)], fill.filled())))?;
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(x, y), (x + 1.0, y + 1.0)],
                    WHITE.stroke_width(1),
                )))?;
                if n > 0 {
                    let ink = if shade > 0.5 { WHITE } else { palette::INK };
                    chart.draw_series(std::iter::once(Text::new(
                        n.to_string(),
                        (x + 0.5, y + 0.5),
                        centred(11, &ink),
                    )))?;
                }
            }
        }
        Ok(())
    })
}

/// One surf session's wave: ratings (0-10) over the minutes of the timer, rising, peaking and
/// passing; a missed prompt is a cross on the baseline.
pub fn wave(id: &str, w: &SurfEntry) -> Chart {
    let minutes = |ms: u64| ms as f64 / 60_000.0;
    let end = w.points.iter().map(|p| minutes(p.at_ms)).fold(f64::from(w.length_secs) / 60.0, f64::max).max(1.0);
    let rated: Vec<(f64, f64)> =
        w.points.iter().filter_map(|p| p.intensity.map(|i| (minutes(p.at_ms), f64::from(i)))).collect();
    let missed: Vec<f64> = w.points.iter().filter(|p| p.intensity.is_none()).map(|p| minutes(p.at_ms)).collect();
    let description = format!(
        "Ratings over the timer: {}. {}.",
        crate::terminal::wave_points(&w.points),
        words::capitalised(words::surf_outcome(w.outcome))
    );
    let title = format!("Urge wave, {}", words::local_time(&w.started));
    draw(id, (520, 200), &title, &description, |root| {
        let mut chart = ChartBuilder::on(root)
            .margin(10)
            .x_label_area_size(28)
            .y_label_area_size(32)
            .build_cartesian_2d(0f64..end, 0f64..10.5)?;
        chart
            .configure_mesh()
            .light_line_style(WHITE)
            .bold_line_style(palette::GRID)
            .x_desc("minutes")
            .x_label_formatter(&|v| format!("{v:.0}"))
            .y_labels(6)
            .y_label_formatter(&|v| format!("{v:.0}"))
            .label_style(text(11))
            .axis_desc_style(text(11))
            .draw()?;
        chart.draw_series(
            AreaSeries::new(rated.clone(), 0.0, palette::WAVE.mix(0.18)).border_style(palette::WAVE.stroke_width(2)),
        )?;
        chart.draw_series(rated.iter().map(|p| Circle::new(*p, 3, palette::WAVE.filled())))?;
        chart.draw_series(missed.iter().map(|m| Cross::new((*m, 0.3), 4, palette::INK.stroke_width(2))))?;
        Ok(())
    })
}

/// Check-in ratings per day, one small panel per rating (mood, stress, loneliness, sleep),
/// each named in its panel, with its days as dots on a line.
pub fn check_ins(id: &str, days_newest_first: &[CheckInEntry], from: NaiveDate, to: NaiveDate) -> Chart {
    use companion_core::checkin::Measure;
    let span = (to - from).num_days().max(1) as f64;
    let x = |d: NaiveDate| (d - from).num_days() as f64;
    let description = format!(
        "Mood, stress, loneliness and sleep (0-10), one panel each, on {} between {} and {}; the table below lists each week's means.",
        words::plural(days_newest_first.len() as u64, "day", "days"),
        words::short_day(from),
        words::short_day(to)
    );
    draw(id, (760, 400), "Check-in ratings per day", &description, |root| {
        let panels = root.split_evenly((4, 1));
        for (m, area) in Measure::ALL.iter().zip(panels.iter()) {
            let last = *m == Measure::Sleep;
            let mut chart = ChartBuilder::on(area)
                .margin_top(4)
                .margin_right(12)
                .x_label_area_size(if last { 24 } else { 4 })
                .y_label_area_size(32)
                .caption(words::capitalised(m.as_str()), text(12))
                .build_cartesian_2d(0f64..span, 0f64..10.5)?;
            let label = |v: &f64| (from + chrono::Duration::days(v.round() as i64)).format("%-d %b").to_string();
            chart
                .configure_mesh()
                .light_line_style(WHITE)
                .bold_line_style(palette::GRID)
                .x_labels(if last { 8 } else { 0 })
                .x_label_formatter(&label)
                .y_labels(3)
                .y_label_formatter(&|v| format!("{v:.0}"))
                .label_style(text(10))
                .draw()?;
            let pts: Vec<(f64, f64)> =
                days_newest_first.iter().rev().filter_map(|c| c.score(*m).map(|v| (x(c.day), f64::from(v)))).collect();
            chart.draw_series(LineSeries::new(pts.clone(), palette::WAVE.stroke_width(1)))?;
            chart.draw_series(pts.iter().map(|p| Circle::new(*p, 3, palette::WAVE.filled())))?;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn charts_are_labelled_svg_without_style_attributes_or_scripts() {
        let weeks = vec![
            UrgeWeek {
                week_start: NaiveDate::from_ymd_opt(2026, 6, 8).unwrap(),
                days: 7,
                urges: 5,
                intensity_mean: Some(6.2),
                surfed: 2,
                coped: 1,
                acted: 1,
                unrecorded: 1,
            },
            UrgeWeek {
                week_start: NaiveDate::from_ymd_opt(2026, 6, 1).unwrap(),
                days: 7,
                urges: 0,
                intensity_mean: None,
                surfed: 0,
                coped: 0,
                acted: 0,
                unrecorded: 0,
            },
        ];
        let c = weekly_urges("w", &weeks);
        assert!(c.svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""), "{}", &c.svg[..200]);
        assert!(c.svg.contains("role=\"img\" aria-labelledby=\"w-title w-desc\""));
        assert!(c.svg.contains("Week of 8 Jun: 5 urges (2 ridden out, 1 coped, 1 acted on), mean intensity 6.2"));
        assert!(!c.svg.contains("style="), "a strict CSP refuses inline styles");
        assert!(!c.svg.contains("<script"));
        assert_eq!(c.svg.matches("<svg").count(), 1);
        let mut cells = vec![vec![0u32; 24]; 7];
        cells[4][22] = 3;
        let h = heatmap("h", &HourGrid { cells, max: 3 });
        assert!(h.svg.contains("Busiest hours: Fri 22:00, 3 urges."), "{}", h.svg);
        assert!(!h.svg.contains("style="));
    }
}
