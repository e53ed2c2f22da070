//! Dot-and-whisker charts: named rows, each an estimate with its 95% interval, in
//! panels stacked one above the other (`tradesim compare`: each run × strategy's
//! estimate on top, its difference from its own run's baseline below).

use super::{
    Area, Chart, GRID_BOLD, GRID_LIGHT, Plot, Res, err, font, strategy_colour, tick, titled,
    write_svg,
};
use crate::report::data::ReportError;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::path::Path;

/// One row: a named estimate with its interval.
#[derive(Debug, Clone, PartialEq)]
pub struct Whisker {
    /// The row's name, left of the axis.
    pub label: String,
    /// The estimate (None: not estimable; the row stays, empty).
    pub value: Option<f64>,
    /// Lower end of its 95% interval (None: open).
    pub lo: Option<f64>,
    /// Upper end.
    pub hi: Option<f64>,
    /// Colour index ([`super::strategy_colour`]).
    pub colour: usize,
    /// A hollow marker (e.g. a difference not resolved at the n run).
    pub hollow: bool,
}

/// A panel: its x-axis label, whether zero gets a line, and its rows top down.
pub type Panel = (String, bool, Vec<Whisker>);

/// Draws `panels` stacked into `dir/<id>.svg`, under `title` and `subtitle`.
pub fn write_whisker_plot(
    dir: &Path,
    id: &'static str,
    (title, subtitle): (&str, &str),
    caption: String,
    panels: &[Panel],
) -> Result<Plot, ReportError> {
    super::register_embedded_font().map_err(|message| ReportError::Draw {
        id: "font",
        message,
    })?;
    let rows: usize = panels.iter().map(|p| p.2.len().max(1)).sum();
    let height = (150 + 130 * panels.len() + 44 * rows).min(4000) as u32;
    write_svg(dir, id, title, caption, (1280, height), |root| {
        let area = titled(root, title, subtitle)?;
        let weights: Vec<u32> = panels
            .iter()
            .map(|p| 130 + 44 * p.2.len().max(1) as u32)
            .collect();
        let total: u32 = weights.iter().sum();
        let (_, h) = area.dim_in_pixel();
        let mut rest = area.clone();
        for (i, panel) in panels.iter().enumerate() {
            let (top, below) = if i + 1 < panels.len() {
                rest.split_vertically(h * weights[i] / total)
            } else {
                (rest.clone(), rest.clone())
            };
            draw_panel(root, &top, panel)?;
            rest = below;
        }
        Ok(())
    })
}

fn draw_panel<DB: DrawingBackend>(root: &Area<DB>, area: &Area<DB>, panel: &Panel) -> Res {
    let (label, zero, rows) = panel;
    let (lo, hi) = padded(
        rows.iter().flat_map(|r| [r.value, r.lo, r.hi]).flatten(),
        *zero,
    );
    let names: Vec<&str> = rows.iter().map(|r| r.label.as_str()).collect();
    let n = rows.len().max(1);
    let mut chart = rows_chart(area, (lo, hi), n, (label_width(&names), 40), label, 8)?;
    if *zero {
        chart
            .draw_series([PathElement::new(
                vec![(0.0, -0.6), (0.0, n as f64 - 0.4)],
                BLACK.stroke_width(1),
            )])
            .map_err(err)?;
    }
    for (row, r) in rows.iter().enumerate() {
        let y = (n - 1 - row) as f64;
        row_name(root, &chart, (lo, y), &r.label)?;
        let c = strategy_colour(r.colour);
        // An open end runs to the axis' edge.
        if let (Some(a), Some(b)) = (r.lo.or(r.value.map(|_| lo)), r.hi.or(r.value.map(|_| hi))) {
            chart
                .draw_series([PathElement::new(vec![(a, y), (b, y)], c.stroke_width(3))])
                .map_err(err)?;
        }
        if let Some(v) = r.value {
            let marker = if r.hollow { WHITE.filled() } else { c.filled() };
            chart
                .draw_series([EmptyElement::at((v, y))
                    + Circle::new((0, 0), 8, marker)
                    + Circle::new((0, 0), 8, c.stroke_width(2))])
                .map_err(err)?;
        }
    }
    Ok(())
}

/// The smallest and largest of `values` (finite ones; zero too if `with_zero`), padded
/// by 8% (half a unit each way if they are one value; 0 to 1 if there are none).
pub(super) fn padded(values: impl Iterator<Item = f64>, with_zero: bool) -> (f64, f64) {
    let (mut lo, mut hi) = if with_zero {
        (0.0f64, 0.0f64)
    } else {
        (f64::INFINITY, f64::NEG_INFINITY)
    };
    for v in values.filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() || !hi.is_finite() {
        return (0.0, 1.0);
    }
    let pad = ((hi - lo) * 0.08).max(if hi > lo { 1e-9 } else { 0.5 });
    (lo - pad, hi + pad)
}

/// Pixels for row names left of a rows chart: about 10 a character, 160 to 640.
pub(super) fn label_width(names: &[&str]) -> u32 {
    let longest = names.iter().map(|n| n.chars().count()).max().unwrap_or(0) as u32;
    (longest * 10 + 24).clamp(160, 640)
}

/// A chart of `n` rows (row k at y = n − 1 − k, so the first is on top) over `x`, with
/// `label_width` pixels left for the rows' names and `margin_right` on the right, the x
/// axis described as `x_desc` with about `x_labels` ticks.
pub(super) fn rows_chart<'a, DB: DrawingBackend>(
    area: &'a Area<DB>,
    (lo, hi): (f64, f64),
    n: usize,
    (label_width, margin_right): (u32, u32),
    x_desc: &str,
    x_labels: usize,
) -> Result<Chart<'a, DB>, String> {
    let mut chart = ChartBuilder::on(area)
        .margin(16)
        .margin_right(margin_right)
        .x_label_area_size(64)
        .y_label_area_size(label_width)
        .build_cartesian_2d(lo..hi, -0.6..(n as f64 - 0.4))
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(0)
        .x_desc(x_desc)
        .label_style(font(16))
        .axis_desc_style(font(18))
        .light_line_style(GRID_LIGHT)
        .bold_line_style(GRID_BOLD)
        .max_light_lines(1)
        .x_labels(x_labels)
        .x_label_formatter(&|v| tick(*v, hi - lo))
        .draw()
        .map_err(err)?;
    Ok(chart)
}

/// A row's name, right-aligned left of the chart's axis at `at` (x = the axis' left end).
pub(super) fn row_name<DB: DrawingBackend>(
    root: &Area<DB>,
    chart: &Chart<'_, DB>,
    at: (f64, f64),
    name: &str,
) -> Res {
    let (px, py) = chart.backend_coord(&at);
    root.draw(&Text::new(
        name.to_string(),
        (px - 10, py),
        font(18).pos(Pos::new(HPos::Right, VPos::Center)),
    ))
    .map_err(err)
}
