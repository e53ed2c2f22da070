//! The `deliveries` and `backlog` plots: a daily series per strategy, its mean and
//! P10–P90 band, thinned to the plot's resolution ([`super::envelope`]).

use super::*;

pub(super) fn draw_daily<DB: DrawingBackend>(
    root: &Area<DB>,
    data: &RunData,
    series: &str,
    title: &str,
    y_desc: &str,
) -> Res {
    let lines: Vec<(usize, &str, &[DayPoint])> = data
        .strategies
        .iter()
        .enumerate()
        .filter_map(|(i, s)| data.series(s, series).map(|v| (i, s.as_str(), v)))
        .collect();
    let x_max = lines
        .iter()
        .flat_map(|(_, _, v)| v.last().map(|p| p.day + 1.0))
        .fold(data.horizon, f64::max);
    let y_top = lines
        .iter()
        .flat_map(|(_, _, v)| v.iter().flat_map(|p| [p.mean, p.p90]))
        .filter(|x| x.is_finite())
        .fold(0.0, f64::max);
    let y_max = if y_top > 0.0 { y_top * 1.08 } else { 1.0 };
    let subtitle = format!(
        "mean over {} replications per strategy; shaded: P10–P90 over replications",
        data.replications
    );
    let area = titled(root, title, &subtitle)?;
    let mut chart = chart_frame(&area, 104, 0.0..x_max, 0.0..y_max)?;
    let y_fmt = |v: &f64| tick(*v, y_max);
    chart
        .configure_mesh()
        .x_desc("day of the run")
        .y_desc(y_desc)
        .label_style(font(18))
        .axis_desc_style(font(20))
        .light_line_style(GRID_LIGHT)
        .bold_line_style(GRID_BOLD)
        .max_light_lines(1)
        .x_labels(12)
        .y_labels(8)
        .x_label_formatter(&|v| tick(*v, x_max))
        .y_label_formatter(&y_fmt)
        .draw()
        .map_err(err)?;
    if data.warmup > 0.0 {
        let grey = RGBColor(236, 236, 236);
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(0.0, 0.0), (data.warmup.min(x_max), y_max)],
                grey.filled(),
            )))
            .map_err(err)?;
        let (px0, _) = chart.backend_coord(&(0.0, y_max));
        let (px1, _) = chart.backend_coord(&(data.warmup, y_max));
        if px1 - px0 > 90 {
            chart
                .draw_series(std::iter::once(
                    EmptyElement::at((data.warmup / 2.0, y_max))
                        + Text::new(
                            "warm-up",
                            (0, 8),
                            muted(17).pos(Pos::new(HPos::Center, VPos::Top)),
                        ),
                ))
                .map_err(err)?;
        }
    }
    // Long runs are drawn at the plot's resolution (each pixel column's extremes).
    let (columns, rows) = chart.plotting_area().dim_in_pixel();
    let (x_range, columns) = (0.0..x_max, columns as usize);
    let px_height = y_max / f64::from(rows.max(1)); // a 2-pixel line's half width
    for (i, _, v) in &lines {
        let c = strategy_colour(*i);
        let good: Vec<(f64, f64, f64)> = v
            .iter()
            .filter(|p| p.p10.is_finite() && p.p90.is_finite())
            .map(|p| (p.day, p.p10, p.p90))
            .collect();
        if good.len() > 1 {
            let poly = envelope::band(&good, &x_range, columns);
            chart
                .draw_series(std::iter::once(Polygon::new(poly, c.mix(0.16).filled())))
                .map_err(err)?;
        }
    }
    for (i, name, v) in &lines {
        let c = strategy_colour(*i);
        let means: Vec<(f64, f64)> = v
            .iter()
            .filter_map(|p| finite(p.mean).map(|m| (p.day, m)))
            .collect();
        let means = dense_as_area(&mut chart, means, &x_range, columns, px_height, c)?;
        chart
            .draw_series(LineSeries::new(means, c.stroke_width(2)))
            .map_err(err)?
            .label(*name)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 28, y)], c.stroke_width(4)));
    }
    chart
        .draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())
        .map_err(err)?
        .label("P10–P90 band")
        .legend(|(x, y)| {
            Rectangle::new(
                [(x, y - 7), (x + 28, y + 7)],
                RGBColor(120, 120, 120).mix(0.25).filled(),
            )
        });
    if let Some(o) = data.onset {
        onset_line(&mut chart, o, y_max, data.onset_varies)?;
    }
    draw_legend(&mut chart, SeriesLabelPosition::LowerRight, 18)
}

/// A line too dense for its plot ([`envelope::dense_line`]) drawn as the filled area of
/// its column extremes, `half_width` wider each way; returns what is left to draw as a
/// line: nothing then, else `pts` unchanged.
pub(super) fn dense_as_area<DB: DrawingBackend>(
    chart: &mut Chart<'_, DB>,
    pts: Vec<(f64, f64)>,
    x: &std::ops::Range<f64>,
    columns: usize,
    half_width: f64,
    c: RGBColor,
) -> Result<Vec<(f64, f64)>, String> {
    match envelope::dense_line(&pts, x, columns, half_width) {
        Some(area) => {
            chart
                .draw_series(std::iter::once(Polygon::new(area, c.filled())))
                .map_err(err)?;
            Ok(Vec::new())
        }
        None => Ok(pts),
    }
}
