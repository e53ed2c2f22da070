//! A sweep's plots ([`SweepData`]), each as `plots/<id>.svg` beside the sweep's
//! `report.html`:
//!
//! - `tornado` (one-at-a-time designs): per key, a bar from the base point's measure to
//!   the measure at the key's lowest level and one to its highest, largest swing on top;
//! - `morris` (Morris designs): each key at (μ*, σ), labelled;
//! - `factorial` (factorial designs over one or two keys): the measure with its 95%
//!   band against the first key, one line per level of the second.

use super::whisker::{label_width, padded, row_name, rows_chart};
use super::{
    Area, GRID_BOLD, GRID_LIGHT, Plot, Res, chart_frame, draw_legend, err, font, muted,
    strategy_colour, tick, titled, write_svg,
};
use crate::report::data::ReportError;
use crate::report::data::sweep::{Sensitivity, SweepData};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::path::Path;

/// Colours of a tornado's two sides.
const LOW: RGBColor = RGBColor(0, 114, 178);
const HIGH: RGBColor = RGBColor(213, 94, 0);

/// Draws every plot that applies to the sweep into `dir` (SVG); the plots in page order.
pub fn write_sweep_plots(data: &SweepData, dir: &Path) -> Result<Vec<Plot>, ReportError> {
    super::register_embedded_font().map_err(|message| ReportError::Draw {
        id: "font",
        message,
    })?;
    let mut out = vec![];
    let n = data.replications;
    let what = data.measure_label();
    match &data.sensitivity {
        Sensitivity::Tornado { bars, .. } if !bars.is_empty() => {
            let height = (260 + 90 * bars.len() as u32).min(1400);
            out.push(write_svg(
                dir,
                "tornado",
                "One key at a time: which key moves the result most",
                format!(
                    "{what}. Each key's bar runs from the measure at the base point (every \
                     key at its middle level, dashed line) to the measure with that key at \
                     its lowest level (blue) and at its highest (orange), the other keys at \
                     base; the largest swing is on top. A pale bar's swing is not resolved \
                     at n = {n}: the 95% intervals at its two ends overlap."
                ),
                (1280, height),
                |root| draw_tornado(root, data),
            )?);
        }
        Sensitivity::Morris { effects } if !effects.is_empty() => {
            out.push(write_svg(
                dir,
                "morris",
                "Morris screening: influence (μ*) and non-linearity or interaction (σ)",
                format!(
                    "{what}. Each key at its mean absolute elementary effect μ* (x: how much \
                     moving the key over its whole range moves the result) and the effects' \
                     standard deviation σ (y: large where the key acts non-linearly or \
                     through other keys). Keys to the right matter most. A hollow marker's \
                     μ* is within the noise of one effect at n = {n} (the points' 95% \
                     intervals), so its place is not resolved."
                ),
                (1280, 760),
                |root| draw_morris(root, data),
            )?);
        }
        _ => {}
    }
    if data.factorial_lines().is_some() {
        let by = match data.keys.get(1) {
            Some(k) => format!(", one line per level of {}", k.key),
            None => String::new(),
        };
        out.push(write_svg(
            dir,
            "factorial",
            "The result across the sweep",
            format!(
                "{what} at every point, against {}{by}, with the 95% interval of each point's \
                 estimate as a band (each point run with {n} replications on the same random \
                 numbers). Where a band leaves zero the difference is resolved; the further \
                 from zero, the more the strategy matters there.",
                data.keys[0].key
            ),
            (1280, 720),
            |root| draw_factorial(root, data),
        )?);
    }
    // A plot of an earlier sweep into the same folder that this one does not draw.
    for id in SWEEP_PLOT_IDS {
        if !out.iter().any(|p| p.id == id) {
            let _ = std::fs::remove_file(dir.join(format!("{id}.svg")));
        }
    }
    Ok(out)
}

/// Every sweep plot's id.
pub const SWEEP_PLOT_IDS: [&str; 3] = ["tornado", "morris", "factorial"];

fn draw_tornado<DB: DrawingBackend>(root: &Area<DB>, data: &SweepData) -> Res {
    let Sensitivity::Tornado { base, bars } = &data.sensitivity else {
        return Ok(());
    };
    let area = titled(
        root,
        "One key at a time around the base point",
        &data.measure_label(),
    )?;
    let (lo, hi) = padded(
        bars.iter()
            .flat_map(|b| [b.at_low, b.at_high])
            .chain([*base])
            .flatten(),
        true,
    );
    let names: Vec<String> = bars
        .iter()
        .map(|b| {
            let k = &data.keys[b.key];
            format!("{} ({} → {})", k.key, k.lowest, k.highest)
        })
        .collect();
    let label_width = label_width(&names.iter().map(String::as_str).collect::<Vec<_>>());
    let n = bars.len();
    let mut chart = rows_chart(
        &area,
        (lo, hi),
        n,
        (label_width, 40),
        &data.measure_label(),
        8,
    )?;
    let centre = base.unwrap_or(0.0);
    for (row, (bar, name)) in bars.iter().zip(&names).enumerate() {
        let y = (n - 1 - row) as f64;
        let alpha = if bar.resolved { 0.9 } else { 0.3 };
        for (end, colour) in [(bar.at_low, LOW), (bar.at_high, HIGH)] {
            let Some(end) = end else { continue };
            chart
                .draw_series([Rectangle::new(
                    [(centre.min(end), y - 0.3), (centre.max(end), y + 0.3)],
                    colour.mix(alpha).filled(),
                )])
                .map_err(err)?;
        }
        row_name(root, &chart, (lo, y), name)?;
    }
    if let Some(b) = base {
        chart
            .draw_series(DashedLineSeries::new(
                vec![(*b, -0.6), (*b, n as f64 - 0.4)],
                8,
                6,
                BLACK.stroke_width(2),
            ))
            .map_err(err)?;
    }
    // The key of colours, in the names' column under the bars.
    let (px, py) = chart.backend_coord(&(lo, -0.6));
    for (i, (text, c)) in [
        ("key at its lowest level", LOW),
        ("key at its highest level", HIGH),
    ]
    .iter()
    .enumerate()
    {
        let (x, y) = (px - label_width as i32 + 24, py + 20 + 26 * i as i32);
        root.draw(&Rectangle::new([(x, y - 8), (x + 16, y + 8)], c.filled()))
            .map_err(err)?;
        root.draw(&Text::new(
            *text,
            (x + 24, y),
            muted(17).pos(Pos::new(HPos::Left, VPos::Center)),
        ))
        .map_err(err)?;
    }
    Ok(())
}

fn draw_morris<DB: DrawingBackend>(root: &Area<DB>, data: &SweepData) -> Res {
    let Sensitivity::Morris { effects } = &data.sensitivity else {
        return Ok(());
    };
    let area = titled(
        root,
        "Morris elementary effects",
        &format!("{} (per whole range of each key)", data.measure_label()),
    )?;
    let x_max = effects.iter().filter_map(|e| e.mu_star).fold(0.0, f64::max);
    let y_max = effects.iter().filter_map(|e| e.sigma).fold(0.0, f64::max);
    let (x_max, y_max) = (
        if x_max > 0.0 { x_max * 1.3 } else { 1.0 },
        if y_max > 0.0 { y_max * 1.2 } else { 1.0 },
    );
    let mut chart = chart_frame(&area, 104, 0.0..x_max, 0.0..y_max)?;
    chart
        .configure_mesh()
        .x_desc("μ*: mean absolute effect (influence)")
        .y_desc("σ: spread of the effects")
        .label_style(font(18))
        .axis_desc_style(font(20))
        .light_line_style(GRID_LIGHT)
        .bold_line_style(GRID_BOLD)
        .max_light_lines(1)
        .x_labels(10)
        .y_labels(8)
        .x_label_formatter(&|v| tick(*v, x_max))
        .y_label_formatter(&|v| tick(*v, y_max))
        .draw()
        .map_err(err)?;
    for (i, e) in effects.iter().enumerate() {
        let Some(m) = e.mu_star else { continue };
        let s = e.sigma.unwrap_or(0.0);
        let c = strategy_colour(i);
        let marker = if e.resolved() {
            c.filled()
        } else {
            WHITE.filled()
        };
        // Labels of keys in the right half sit left of their marker, so they stay inside.
        let (dx, side) = if m > x_max / 2.0 {
            (-14, HPos::Right)
        } else {
            (14, HPos::Left)
        };
        chart
            .draw_series([EmptyElement::at((m, s))
                + Circle::new((0, 0), 9, marker)
                + Circle::new((0, 0), 9, c.stroke_width(3))
                + Text::new(
                    data.keys[e.key].key.clone(),
                    (dx, -6),
                    font(18).pos(Pos::new(side, VPos::Bottom)),
                )])
            .map_err(err)?;
    }
    Ok(())
}

fn draw_factorial<DB: DrawingBackend>(root: &Area<DB>, data: &SweepData) -> Res {
    let Some(lines) = data.factorial_lines() else {
        return Ok(());
    };
    let area = titled(root, "The result across the sweep", &data.measure_label())?;
    let xs = lines.iter().flat_map(|l| l.points.iter().map(|p| p.0));
    let (x_lo, x_hi) = {
        let lo = xs.clone().fold(f64::INFINITY, f64::min);
        let hi = xs.fold(f64::NEG_INFINITY, f64::max);
        if hi > lo {
            (lo, hi)
        } else {
            (lo - 0.5, hi + 0.5)
        }
    };
    let pad = (x_hi - x_lo) * 0.04;
    let (x_lo, x_hi) = (x_lo - pad, x_hi + pad);
    let (y_lo, y_hi) = padded(
        lines
            .iter()
            .flat_map(|l| l.points.iter())
            .flat_map(|p| [p.1, p.2[0], p.2[1]])
            .flatten(),
        true,
    );
    let numeric = data.numeric_first_key();
    let mut chart = chart_frame(&area, 104, x_lo..x_hi, y_lo..y_hi)?;
    chart
        .configure_mesh()
        .x_desc(data.keys[0].key.clone())
        .y_desc(data.measure_label())
        .label_style(font(18))
        .axis_desc_style(font(20))
        .light_line_style(GRID_LIGHT)
        .bold_line_style(GRID_BOLD)
        .max_light_lines(1)
        .x_labels(if numeric { 10 } else { 0 })
        .y_labels(8)
        .x_label_formatter(&|v| tick(*v, x_hi - x_lo))
        .y_label_formatter(&|v| tick(*v, y_hi - y_lo))
        .draw()
        .map_err(err)?;
    if !numeric {
        // Levels that are not numbers (durations, names): evenly spaced and named.
        let mut seen: Vec<(f64, &str)> = vec![];
        for p in &data.points {
            if !seen.iter().any(|s| s.0 == p.coords[0]) {
                seen.push((p.coords[0], &p.values[0]));
            }
        }
        for (x, name) in seen {
            let (px, py) = chart.backend_coord(&(x, y_lo));
            root.draw(&Text::new(
                name.to_string(),
                (px, py + 8),
                font(18).pos(Pos::new(HPos::Center, VPos::Top)),
            ))
            .map_err(err)?;
        }
    }
    chart
        .draw_series([PathElement::new(
            vec![(x_lo, 0.0), (x_hi, 0.0)],
            BLACK.stroke_width(1),
        )])
        .map_err(err)?;
    for (i, line) in lines.iter().enumerate() {
        let c = strategy_colour(i);
        let band: Vec<(f64, f64, f64)> = line
            .points
            .iter()
            .filter_map(|p| Some((p.0, p.2[0]?, p.2[1]?)))
            .collect();
        if band.len() > 1 {
            let poly: Vec<(f64, f64)> = band
                .iter()
                .map(|b| (b.0, b.1))
                .chain(band.iter().rev().map(|b| (b.0, b.2)))
                .collect();
            chart
                .draw_series([Polygon::new(poly, c.mix(0.18).filled())])
                .map_err(err)?;
        } else if let Some(&(x, a, b)) = band.first() {
            chart
                .draw_series([PathElement::new(vec![(x, a), (x, b)], c.stroke_width(3))])
                .map_err(err)?;
        }
        let pts: Vec<(f64, f64)> = line
            .points
            .iter()
            .filter_map(|p| Some((p.0, p.1?)))
            .collect();
        let label = if line.label.is_empty() {
            data.measure_label()
        } else {
            line.label.clone()
        };
        chart
            .draw_series(LineSeries::new(pts.clone(), c.stroke_width(3)))
            .map_err(err)?
            .label(label)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], c.stroke_width(3)));
        chart
            .draw_series(pts.iter().map(|&p| Circle::new(p, 6, c.filled())))
            .map_err(err)?;
    }
    draw_legend(&mut chart, SeriesLabelPosition::UpperRight, 12)
}
