//! The `ttr_ecdf` and `ttr_by_class` plots: the distribution of the system's time to
//! recover over replications, and trusted against ordinary cargo.

use super::*;

pub(super) fn draw_ecdf<DB: DrawingBackend>(root: &Area<DB>, data: &RunData) -> Res {
    let all: Vec<_> = data
        .ttr
        .values()
        .flatten()
        .filter(|t| t.days.is_finite())
        .collect();
    let top_done = all
        .iter()
        .filter(|t| !t.censored)
        .map(|t| t.days)
        .fold(0.0, f64::max);
    let first_cens = all
        .iter()
        .filter(|t| t.censored)
        .map(|t| t.days)
        .fold(f64::INFINITY, f64::min);
    // Censored replications far to the right of every recovery would squash the curves
    // into the left edge: the axis then ends soon after the last recovery, and the
    // censored replications are marked at its right edge, with their censoring time.
    let squeeze = first_cens.is_finite() && top_done > 0.0 && first_cens > 1.6 * top_done;
    let x_max = if squeeze {
        top_done * 1.3
    } else {
        all.iter().map(|t| t.days).fold(0.0, f64::max) * 1.08
    }
    .max(1.0);
    let area = titled(
        root,
        "Time to recover (whole system): share of replications recovered",
        "after the first onset; rings mark replications not recovered by the end of the run (censored)",
    )?;
    let mut chart = chart_frame(&area, 104, 0.0..x_max, 0.0..1.05)?;
    chart
        .configure_mesh()
        .x_desc("days from the first onset until recovered")
        .y_desc("replications recovered (%)")
        .label_style(font(18))
        .axis_desc_style(font(20))
        .light_line_style(GRID_LIGHT)
        .bold_line_style(GRID_BOLD)
        .max_light_lines(1)
        .x_labels(12)
        .y_labels(11)
        .x_label_formatter(&|v| tick(*v, x_max))
        .y_label_formatter(&|v| format!("{:.0}%", 100.0 * v))
        .draw()
        .map_err(err)?;
    let mut censored_at: Vec<f64> = Vec::new();
    for (i, name) in data.strategies.iter().enumerate() {
        let Some(v) = data.ttr.get(name).filter(|v| !v.is_empty()) else {
            continue;
        };
        let c = strategy_colour(i);
        let n = v.len() as f64;
        let mut done: Vec<f64> = v.iter().filter(|t| !t.censored).map(|t| t.days).collect();
        done.sort_by(f64::total_cmp);
        let mut cens: Vec<f64> = v.iter().filter(|t| t.censored).map(|t| t.days).collect();
        cens.sort_by(f64::total_cmp);
        let mut pts = vec![(0.0, 0.0)];
        for (k, d) in done.iter().enumerate() {
            pts.push((*d, k as f64 / n));
            pts.push((*d, (k + 1) as f64 / n));
        }
        pts.push((x_max, done.len() as f64 / n));
        // Later strategies are drawn thinner, so that coinciding curves stay visible.
        let width = 5u32.saturating_sub(i as u32).max(2);
        let label = format!(
            "{name} (n = {}{})",
            v.len(),
            if cens.is_empty() {
                String::new()
            } else {
                format!(", {} not recovered", cens.len())
            }
        );
        chart
            .draw_series(LineSeries::new(pts, c.stroke_width(width)))
            .map_err(err)?
            .label(label)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 28, y)], c.stroke_width(4)));
        // Censored replications: one ring per distinct censoring time; rings of later
        // strategies are wider, so that coinciding rings stay visible. Rings within a
        // label's width of each other (a random onset gives many censoring times, all
        // at the right edge when squeezed) share one count, so that counts never touch.
        let mut rings: Vec<(f64, f64, usize)> = Vec::new();
        let mut k = 0;
        while k < cens.len() {
            let d = cens[k];
            let same = cens[k..]
                .iter()
                .take_while(|x| (**x - d).abs() < 1e-6)
                .count();
            let f = done.iter().filter(|x| **x <= d).count() as f64 / n;
            let x = if squeeze { x_max } else { d };
            let r = 8 + 4 * i as i32;
            let ring = EmptyElement::at((x, f)) + Circle::new((0, 0), r, c.stroke_width(3));
            chart.draw_series(std::iter::once(ring)).map_err(err)?;
            rings.push((x, f, same));
            censored_at.push(d);
            k += same;
        }
        for (x, f, count) in count_clusters(&rings, |p| chart.backend_coord(&p)) {
            // The count, left of and above the rings, one line per strategy.
            let label = EmptyElement::at((x, f))
                + Text::new(
                    format!("{count}"),
                    (-30, -34 - 20 * i as i32),
                    (FAMILY, 18)
                        .into_font()
                        .color(&c)
                        .pos(Pos::new(HPos::Right, VPos::Center)),
                );
            chart.draw_series(std::iter::once(label)).map_err(err)?;
        }
    }
    if !censored_at.is_empty() {
        let lo = censored_at.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = censored_at.iter().copied().fold(0.0, f64::max);
        let at = if hi - lo < 0.5 {
            format!("{lo:.0} d")
        } else {
            format!("{lo:.0}–{hi:.0} d")
        };
        chart
            .draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())
            .map_err(err)?
            .label(if squeeze {
                format!("not recovered (censored at {at}; ring at the right edge, with count)")
            } else {
                format!("not recovered (censored at {at}; ring with count)")
            })
            .legend(|(x, y)| Circle::new((x + 14, y), 7, BLACK.stroke_width(2)));
    }
    draw_legend(&mut chart, SeriesLabelPosition::LowerRight, 18)
}

/// Merges rings (x, f, count) whose pixels (by `to_px`) lie within a count label's
/// size of the previous one into one (x, f, total) at the last ring of each run.
pub(super) fn count_clusters(
    rings: &[(f64, f64, usize)],
    to_px: impl Fn((f64, f64)) -> (i32, i32),
) -> Vec<(f64, f64, usize)> {
    let mut out: Vec<(f64, f64, usize)> = Vec::new();
    let mut last_px: Option<(i32, i32)> = None;
    for &(x, f, count) in rings {
        let px = to_px((x, f));
        match (out.last_mut(), last_px) {
            (Some(c), Some(p)) if (px.0 - p.0).abs() < 48 && (px.1 - p.1).abs() < 22 => {
                *c = (x, f, c.2 + count);
            }
            _ => out.push((x, f, count)),
        }
        last_px = Some(px);
    }
    out
}

pub(super) fn class_stat(data: &RunData, strategy: &str, class: &str) -> Option<StatView> {
    data.ttr(strategy, &format!("class.{class}"))
        .map(StatView::from)
        .filter(|s| s.n > 0 && s.mean.is_some())
}

pub(super) fn draw_by_class<DB: DrawingBackend>(root: &Area<DB>, data: &RunData) -> Res {
    let n = data.strategies.len();
    let classes = [("trusted", TRUSTED, 0.17), ("ordinary", ORDINARY, -0.17)];
    let x_top = data
        .strategies
        .iter()
        .flat_map(|s| {
            classes
                .iter()
                .filter_map(move |(c, _, _)| class_stat(data, s, c))
        })
        .flat_map(|s| [s.mean, s.hi])
        .flatten()
        .fold(0.0, f64::max);
    let x_max = (x_top * 1.25).max(1.0);
    let area = titled(
        root,
        "Time to recover: trusted vs ordinary cargo",
        "mean days from the first onset, with the 95% confidence interval of the mean",
    )?;
    // Headroom above the top row for the legend (upper right), so that it never covers
    // the first strategy's markers or values: 0.9 rows, or more where rows are thin.
    let headroom = 0.9f64.max(0.15 * n as f64);
    let mut chart = chart_frame(&area, 210, 0.0..x_max, -0.6..(n as f64 - 0.4 + headroom))?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(0)
        .x_desc("days to recover (mean, 95% CI)")
        .label_style(font(18))
        .axis_desc_style(font(20))
        .light_line_style(GRID_LIGHT)
        .bold_line_style(GRID_BOLD)
        .max_light_lines(1)
        .x_labels(12)
        .x_label_formatter(&|v| tick(*v, x_max))
        .draw()
        .map_err(err)?;
    for (k, (class, colour, dy)) in classes.iter().enumerate() {
        let colour = *colour;
        let mut first = true;
        for (i, s) in data.strategies.iter().enumerate() {
            let Some(st) = class_stat(data, s, class) else {
                continue;
            };
            let Some(mean) = st.mean else { continue };
            let y = (n - 1 - i) as f64 + dy;
            let style = colour.stroke_width(3);
            if let (Some(lo), Some(hi)) = (st.lo, st.hi) {
                let lo = lo.max(0.0);
                chart
                    .draw_series([PathElement::new(vec![(lo, y), (hi, y)], style)])
                    .map_err(err)?;
                for end in [lo, hi] {
                    chart
                        .draw_series(std::iter::once(
                            EmptyElement::at((end, y))
                                + PathElement::new(vec![(0, -9), (0, 9)], style),
                        ))
                        .map_err(err)?;
                }
            }
            let anno = if k == 0 {
                chart.draw_series(std::iter::once(
                    EmptyElement::at((mean, y)) + Circle::new((0, 0), 9, colour.filled()),
                ))
            } else {
                chart.draw_series(std::iter::once(
                    EmptyElement::at((mean, y))
                        + Rectangle::new([(-8, -8), (8, 8)], colour.filled()),
                ))
            }
            .map_err(err)?;
            if first {
                first = false;
                let label = format!("{class} cargo");
                if k == 0 {
                    anno.label(label).legend(move |(x, y)| {
                        EmptyElement::at((x + 12, y)) + Circle::new((0, 0), 8, colour.filled())
                    });
                } else {
                    anno.label(label).legend(move |(x, y)| {
                        Rectangle::new([(x + 5, y - 7), (x + 19, y + 7)], colour.filled())
                    });
                }
            }
            let right = st.hi.unwrap_or(mean).max(mean);
            let value = format!("{} d", crate::report::text::fmt_num(Some(mean), 1));
            chart
                .draw_series(std::iter::once(
                    EmptyElement::at((right, y))
                        + Text::new(
                            value,
                            (14, 0),
                            (FAMILY, 18)
                                .into_font()
                                .color(&colour)
                                .pos(Pos::new(HPos::Left, VPos::Center)),
                        ),
                ))
                .map_err(err)?;
        }
    }
    // Strategy names beside the rows, with the share not recovered when there is any.
    for (i, s) in data.strategies.iter().enumerate() {
        let y = (n - 1 - i) as f64;
        let (px, py) = chart.backend_coord(&(0.0, y));
        let c = strategy_colour(i);
        root.draw(&Rectangle::new(
            [(px - 200, py - 9), (px - 182, py + 9)],
            c.filled(),
        ))
        .map_err(err)?;
        root.draw(&Text::new(
            s.clone(),
            (px - 174, py),
            font(20).pos(Pos::new(HPos::Left, VPos::Center)),
        ))
        .map_err(err)?;
        let share = |class: &str| {
            data.recovery(s, &format!("class.{class}"))
                .and_then(|r| r.ttr_censored.mean)
                .unwrap_or(0.0)
        };
        let (t, o) = (share("trusted"), share("ordinary"));
        if t > 0.0 || o > 0.0 {
            root.draw(&Text::new(
                format!("not recovered: {:.0}% / {:.0}%", 100.0 * t, 100.0 * o),
                (px - 174, py + 22),
                muted(14).pos(Pos::new(HPos::Left, VPos::Center)),
            ))
            .map_err(err)?;
        }
    }
    draw_legend(&mut chart, SeriesLabelPosition::UpperRight, 14)
}
