//! The `top_movers` plot: the nodes whose throughput moved most after the first onset,
//! against their own baseline.

use super::daily::dense_as_area;
use super::*;

/// How many nodes fall, and how many rise, in the top-movers plot.
pub(super) const MOVERS: usize = 3;
/// Days after the onset over which a node's change is ranked.
pub(super) const MOVERS_DAYS: f64 = 90.0;

/// The top movers of the strategy shown (the last in run order): the nodes whose mean
/// throughput over the `MOVERS_DAYS` after the first onset differs most from their own
/// baseline (`baseline_days` before it, or 28), the `MOVERS` largest falls then rises,
/// each as (node id, relative change, its daily throughput / baseline). Nodes with less
/// than 0.5 shipments a day at baseline are left out (their ratios are noise).
pub(super) type Mover = (String, f64, Vec<(f64, f64)>);

pub(super) fn top_movers(data: &RunData) -> Option<(String, Vec<Mover>)> {
    let onset = data.onset?;
    let strategy = data.strategies.last()?.clone();
    let base_days = data.summary.baseline_days;
    let mean_over = |v: &[(f64, f64)], a: f64, b: f64| {
        let xs: Vec<f64> = v
            .iter()
            .filter(|(d, m)| *d >= a && *d < b && m.is_finite())
            .map(|&(_, m)| m)
            .collect();
        (!xs.is_empty()).then(|| xs.iter().sum::<f64>() / xs.len() as f64)
    };
    let mut changes: Vec<Mover> = data
        .node_throughput
        .iter()
        .filter(|((s, _), _)| *s == strategy)
        .filter_map(|((_, id), v)| {
            let base = mean_over(v, onset - base_days, onset.floor())?;
            let after = mean_over(v, onset.floor(), onset + MOVERS_DAYS)?;
            (base >= 0.5).then(|| {
                let ratio = v.iter().map(|&(d, m)| (d, m / base)).collect();
                (id.clone(), after / base - 1.0, ratio)
            })
        })
        .collect();
    if changes.is_empty() {
        return None;
    }
    changes.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    let falls: Vec<Mover> = changes
        .iter()
        .take(MOVERS)
        .filter(|m| m.1 < 0.0)
        .cloned()
        .collect();
    let rises: Vec<Mover> = changes
        .iter()
        .rev()
        .take(MOVERS)
        .filter(|m| m.1 > 0.0 && !falls.iter().any(|f| f.0 == m.0))
        .cloned()
        .collect();
    Some((strategy, falls.into_iter().chain(rises).collect()))
}

pub(super) fn draw_top_movers<DB: DrawingBackend>(root: &Area<DB>, data: &RunData) -> Res {
    let (strategy, movers) = top_movers(data).ok_or("no movers")?;
    let x_max = data.horizon;
    let x_min = data.warmup.min(x_max);
    let y_top = movers
        .iter()
        .flat_map(|m| m.2.iter().map(|p| p.1))
        .filter(|x| x.is_finite())
        .fold(1.0, f64::max)
        .min(3.0);
    let y_max = y_top * 1.08;
    let subtitle = format!(
        "strategy {strategy}: daily throughput / the node's own baseline (1 = normal), mean over {} replications; the {MOVERS} largest falls and rises over the {MOVERS_DAYS:.0} days after the onset",
        data.replications
    );
    let area = titled(
        root,
        "Top movers: node throughput against its own baseline",
        &subtitle,
    )?;
    let mut chart = chart_frame(&area, 80, x_min..x_max, 0.0..y_max)?;
    chart
        .configure_mesh()
        .x_desc("day of the run (from the end of the warm-up)")
        .y_desc("throughput / baseline")
        .label_style(font(18))
        .axis_desc_style(font(20))
        .light_line_style(GRID_LIGHT)
        .bold_line_style(GRID_BOLD)
        .max_light_lines(1)
        .x_labels(12)
        .y_labels(8)
        .x_label_formatter(&|v| tick(*v, x_max))
        .y_label_formatter(&|v| tick(*v, y_max))
        .draw()
        .map_err(err)?;
    let (columns, rows) = chart.plotting_area().dim_in_pixel();
    let (columns, px_height) = (columns as usize, y_max / f64::from(rows.max(1)));
    for (i, (id, change, v)) in movers.iter().enumerate() {
        let c = PALETTE[i % PALETTE.len()];
        let pts: Vec<(f64, f64)> = v
            .iter()
            .filter(|p| p.1.is_finite() && p.0 >= data.warmup)
            .map(|&(d, r)| (d + 0.5, r.min(y_max)))
            .collect();
        let pts = dense_as_area(&mut chart, pts, &(x_min..x_max), columns, px_height, c)?;
        let label = format!("{id} {:+.0}%", 100.0 * change);
        chart
            .draw_series(LineSeries::new(pts, c.stroke_width(2)))
            .map_err(err)?
            .label(label)
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 24, y)], c.stroke_width(3)));
    }
    if let Some(o) = data.onset {
        chart
            .draw_series(DashedLineSeries::new(
                [(o, 0.0), (o, y_max)],
                6,
                4,
                QUAKE.stroke_width(1),
            ))
            .map_err(err)?;
    }
    draw_legend(&mut chart, SeriesLabelPosition::UpperRight, 12)
}
