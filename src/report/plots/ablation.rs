//! The `ablation` plot: each of joint business continuity's mechanisms, alone and left
//! out, against the whole, for the additive measures of summary.json's `ablation`.

use super::whisker::rows_chart;
use super::{Area, Res, err, font, muted, titled};
use crate::report::data::{AblationMeasure, DifferenceSummary, Part, RunData};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Colours of the two ways of measuring a contribution.
const ALONE: RGBColor = RGBColor(0, 114, 178);
const LEFT_OUT: RGBColor = RGBColor(213, 94, 0);
const WHOLE: RGBColor = RGBColor(60, 60, 60);

/// The measures drawn, one panel each (means and restricted means add up; medians not).
const PANELS: [(&str, &str); 2] = [
    (
        "recovery.system.ttr_restricted_mean_days",
        "time to recover, restricted mean (days)",
    ),
    (
        "recovery.system.excess_delay_shipment_days",
        "excess shipment-days",
    ),
];

/// A row of a panel: its name and its points (colour, vertical offset).
type Row = (String, Vec<(Point, RGBColor, f64)>);

/// One bar of a panel: a point with its interval, resolved or not.
struct Point {
    value: f64,
    lo: Option<f64>,
    hi: Option<f64>,
    resolved: bool,
}

fn point(d: &DifferenceSummary) -> Option<Point> {
    Some(Point {
        value: d.difference.value()?,
        lo: d.ci95[0].value(),
        hi: d.ci95[1].value(),
        resolved: d.resolved,
    })
}

/// True if the run's summary has an ablation to draw.
pub fn applies(data: &RunData) -> bool {
    data.summary
        .ablation
        .as_ref()
        .is_some_and(|a| !a.measures.is_empty())
}

/// Two panels side by side, rows: the whole, then each mechanism (alone above, left out
/// below); hollow markers are not resolved at the run's n.
pub fn draw<DB: DrawingBackend>(root: &Area<DB>, data: &RunData) -> Res {
    let area = titled(
        root,
        "Which mechanism buys what",
        "joint − baseline (whole), each mechanism alone (baseline+m − baseline) and left out (joint − joint-m); 95% CI; hollow: not resolved",
    )?;
    let Some(ablation) = &data.summary.ablation else {
        return Ok(());
    };
    let (mechanisms, measures) = (&ablation.mechanisms, &ablation.measures);
    let panels = area.split_evenly((1, PANELS.len()));
    for (k, (name, label)) in PANELS.iter().enumerate() {
        let Some(m) = measures.iter().find(|m| m.measure == *name) else {
            continue;
        };
        panel(root, &panels[k], m, mechanisms, label, k == 0)?;
    }
    Ok(())
}

/// One measure's panel on `area`; names and the key drawn on `root` (whose pixel
/// coordinates are the backend's) when `names`.
fn panel<DB: DrawingBackend>(
    root: &Area<DB>,
    area: &Area<DB>,
    m: &AblationMeasure,
    mechanisms: &[String],
    label: &str,
    names: bool,
) -> Res {
    let whole = m.whole.as_ref().and_then(point);
    let find = |mech: &str, part: Part| {
        m.contributions
            .iter()
            .find(|c| c.mechanism == mech && c.part == part)
            .and_then(|c| point(&c.difference))
    };
    // Rows top down: whole, then mechanisms; y = n - row.
    let rows: Vec<Row> = std::iter::once((
        "whole".to_string(),
        whole.into_iter().map(|p| (p, WHOLE, 0.0)).collect(),
    ))
    .chain(mechanisms.iter().map(|mech| {
        let mut v = Vec::new();
        if let Some(p) = find(mech, Part::Alone) {
            v.push((p, ALONE, 0.18));
        }
        if let Some(p) = find(mech, Part::LeftOut) {
            v.push((p, LEFT_OUT, -0.18));
        }
        (mech.clone(), v)
    }))
    .collect();
    let (mut lo, mut hi) = (0.0f64, 0.0f64);
    for (_, pts) in &rows {
        for (p, _, _) in pts {
            for x in [Some(p.value), p.lo, p.hi].into_iter().flatten() {
                if x.is_finite() {
                    lo = lo.min(x);
                    hi = hi.max(x);
                }
            }
        }
    }
    let pad = ((hi - lo) * 0.08).max(1e-6);
    let (lo, hi) = (lo - pad, hi + pad);
    let n = rows.len();
    let label_width = if names { 150 } else { 20 };
    let mut chart = rows_chart(area, (lo, hi), n, (label_width, 30), label, 6)?;
    let y0 = -0.6;
    let y1 = n as f64 - 0.4;
    chart
        .draw_series([PathElement::new(
            vec![(0.0, y0), (0.0, y1)],
            BLACK.stroke_width(1),
        )])
        .map_err(err)?;
    for (row, (name, pts)) in rows.iter().enumerate() {
        let y = (n - 1 - row) as f64;
        if names {
            let (px, py) = chart.backend_coord(&(lo, y));
            root.draw(&Text::new(
                name.clone(),
                (px - 10, py),
                font(18).pos(Pos::new(HPos::Right, VPos::Center)),
            ))
            .map_err(err)?;
        }
        for (p, colour, dy) in pts {
            let y = y + dy;
            let style = colour.stroke_width(3);
            if let (Some(a), Some(b)) = (p.lo, p.hi)
                && a.is_finite()
                && b.is_finite()
            {
                chart
                    .draw_series([PathElement::new(vec![(a, y), (b, y)], style)])
                    .map_err(err)?;
            }
            let marker = if p.resolved {
                colour.filled()
            } else {
                WHITE.filled()
            };
            chart
                .draw_series([EmptyElement::at((p.value, y))
                    + Circle::new((0, 0), 8, marker)
                    + Circle::new((0, 0), 8, colour.stroke_width(2))])
                .map_err(err)?;
        }
    }
    if names {
        // A small key under the panel's axis label.
        let (px, py) = chart.backend_coord(&(lo, y0));
        for (i, (text, c)) in [("alone", ALONE), ("left out", LEFT_OUT)]
            .iter()
            .enumerate()
        {
            let (x, y) = (px - 140 + 90 * i as i32, py + 50);
            root.draw(&Circle::new((x, y), 7, c.filled()))
                .map_err(err)?;
            root.draw(&Text::new(
                *text,
                (x + 12, y),
                muted(16).pos(Pos::new(HPos::Left, VPos::Center)),
            ))
            .map_err(err)?;
        }
    }
    Ok(())
}
