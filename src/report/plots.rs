//! The plots of a run, drawn with plotters from the output files alone
//! ([`RunData`]), each as `plots/<id>.png` and `plots/<id>.svg`:
//!
//! - `deliveries`: deliveries per day over time, per strategy, mean and P10–P90 band;
//! - `backlog`: work in process over time, likewise;
//! - `ttr_ecdf`: the distribution (ECDF) of the system's time to recover, censored
//!   replications marked;
//! - `ttr_by_class`: time to recover of trusted and of ordinary cargo, with 95% CIs;
//! - `network_map`: ports at their coordinates, routes, capacity lost at the onset,
//!   earthquake epicentres and footprints, closed nodes;
//! - `top_movers`: the nodes whose throughput moved most against their own baseline;
//! - `ablation`: each mechanism's contribution, alone and left out (`--ablation` runs
//!   only; [`ablation`]).
//!
//! Text: the PNGs are drawn with DejaVu Sans, compiled into the binary
//! (`assets/fonts/`) and rasterised by plotters' pure-Rust `ab_glyph` backend, so they
//! need no system fonts. The SVGs name the generic `sans-serif` family and leave the
//! glyphs to the viewer (every browser has a sans-serif font).

use super::data::{DayPoint, DisruptionKind, MapNode, MapRoute, ReportError, RunData, StatView};
use super::write_atomic;
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontStyle, register_font};
use std::path::{Path, PathBuf};

mod ablation;
mod coast;
mod envelope;

/// The font every plot uses (DejaVu Sans; licence in `assets/fonts/`).
static FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
/// The family name the plots ask for; the embedded font is registered under it.
const FAMILY: &str = "sans-serif";

/// Registers the embedded font with plotters (once per process).
pub fn register_embedded_font() -> Result<(), String> {
    static DONE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    if *DONE.get_or_init(|| register_font(FAMILY, FontStyle::Normal, FONT).is_ok()) {
        Ok(())
    } else {
        Err("the embedded font (DejaVu Sans) could not be loaded".into())
    }
}

/// A drawn plot.
#[derive(Debug, Clone)]
pub struct Plot {
    /// File stem and HTML id: `plots/<id>.png`, `<figure id="plot-<id>">`.
    pub id: &'static str,
    pub title: String,
    /// What the plot shows and how to read it (for the page).
    pub caption: String,
    /// The SVG document.
    pub svg: String,
    /// The PNG and SVG files written.
    pub files: [PathBuf; 2],
}

/// A plot left out, and why.
#[derive(Debug, Clone)]
pub struct Skipped {
    pub id: &'static str,
    pub title: String,
    pub reason: String,
}

/// The plots of a run.
#[derive(Debug, Clone, Default)]
pub struct Plots {
    pub drawn: Vec<Plot>,
    pub skipped: Vec<Skipped>,
}

/// Every plot's id, in page order.
pub const PLOT_IDS: [&str; 7] = [
    "deliveries",
    "backlog",
    "ttr_ecdf",
    "ttr_by_class",
    "network_map",
    "top_movers",
    "ablation",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Deliveries,
    Backlog,
    TtrEcdf,
    TtrByClass,
    NetworkMap,
    TopMovers,
    Ablation,
}

const KINDS: [Kind; 7] = [
    Kind::Deliveries,
    Kind::Backlog,
    Kind::TtrEcdf,
    Kind::TtrByClass,
    Kind::NetworkMap,
    Kind::TopMovers,
    Kind::Ablation,
];

impl Kind {
    fn id(self) -> &'static str {
        PLOT_IDS[self as usize]
    }

    fn title(self) -> &'static str {
        match self {
            Kind::Deliveries => "Deliveries per day",
            Kind::Backlog => "Backlog: work in process",
            Kind::TtrEcdf => "Time to recover: distribution over replications",
            Kind::TtrByClass => "Time to recover: trusted vs ordinary cargo",
            Kind::NetworkMap => "Network map",
            Kind::TopMovers => "Top movers: node throughput against its own baseline",
            Kind::Ablation => "Which mechanism buys what",
        }
    }

    fn size(self, data: &RunData) -> (u32, u32) {
        match self {
            Kind::NetworkMap if detail_box(data, &Proj::new(data)).is_some() => (1280, 1060),
            Kind::NetworkMap => (1280, 660),
            Kind::TtrByClass => (1280, (300 + 110 * data.strategies.len() as u32).min(900)),
            Kind::Ablation => (1280, 620),
            _ => (1280, 720),
        }
    }

    /// Why the plot cannot be drawn for this run, if it cannot.
    fn skip_reason(self, data: &RunData) -> Option<String> {
        match self {
            Kind::TopMovers if data.node_throughput.is_empty() => Some(
                "timeseries.csv has no per-node rows (run with `--timeseries-scopes node` or \
                 `timeseries_scopes = [\"node\"]`)"
                    .into(),
            ),
            Kind::TopMovers if top_movers(data).is_none() => {
                Some("no disruption onset, so no change from a baseline to rank".into())
            }
            Kind::Deliveries | Kind::Backlog => {
                let series = if self == Kind::Deliveries {
                    "deliveries"
                } else {
                    "wip"
                };
                (!data
                    .strategies
                    .iter()
                    .any(|s| data.series(s, series).is_some_and(|v| !v.is_empty())))
                .then(|| format!("timeseries.csv has no `{series}` series"))
            }
            Kind::TtrEcdf | Kind::TtrByClass if data.network.disruptions.is_empty() => {
                Some("the scenario has no disruptions, so there is no recovery to measure".into())
            }
            Kind::TtrEcdf | Kind::TtrByClass if !data.has_recovery() => {
                Some("no disruption happened in any replication".into())
            }
            Kind::TtrEcdf => data.ttr_missing.clone(),
            Kind::TtrByClass => (!data.strategies.iter().any(|s| {
                class_stat(data, s, "trusted").is_some()
                    || class_stat(data, s, "ordinary").is_some()
            }))
            .then(|| "summary.json has no class.trusted or class.ordinary recovery".into()),
            Kind::TopMovers | Kind::Ablation => None,
            Kind::NetworkMap => data
                .network
                .nodes
                .is_empty()
                .then(|| "summary.json has no network section".into()),
        }
    }

    fn caption(self, data: &RunData) -> String {
        let reps = data.replications;
        let onset = match data.onset {
            Some(o) if data.onset_varies => format!(
                " The dashed line marks the mean first onset (day {o:.1}); the onset varies \
                 between replications."
            ),
            Some(o) => format!(" The dashed line marks the first onset, day {o:.1}."),
            None => String::new(),
        };
        match self {
            Kind::Ablation => format!(
                "What each of joint business continuity's mechanisms contributes, over the \
                 same {reps} replications: the whole (joint − baseline, grey), each \
                 mechanism added alone to baseline (blue) and each left out of joint \
                 (orange), with 95% intervals; negative is better. Filled markers are \
                 resolved at this n, hollow ones are not. Where alone and left out differ, \
                 the mechanism interacts with others (recognition acts only through \
                 priority and relief). The table above gives the numbers and the sums."
            ),
            Kind::TopMovers => format!(
                "The nodes whose handling throughput changed most after the first onset, \
                 against their own level before it: for the last strategy of the run, each \
                 node's mean daily throughput over the {reps} replications divided by its \
                 mean over the baseline window; the legend gives the change over the \
                 {MOVERS_DAYS:.0} days after the onset. Falls are damaged or avoided ports, \
                 rises the ports and airports cargo moved to.{onset}"
            ),
            Kind::Deliveries => format!(
                "Shipments delivered each day. The line is the mean over the {reps} \
                 replications of each strategy, the shaded band the 10th to 90th percentile \
                 over replications. The grey area is the warm-up, when the network fills \
                 from empty.{onset}"
            ),
            Kind::Backlog => format!(
                "Work in process: shipments created and not yet delivered (queued, in \
                 handling, in customs, in transit), averaged over each day. Mean over the \
                 {reps} replications, with the P10–P90 band. A backlog that stays above its \
                 level before the onset is trade that has not recovered.{onset}"
            ),
            Kind::TtrEcdf => "For each strategy, the share of replications in which the \
                 whole system had recovered within the given number of days after the \
                 first onset (throughput and backlog back in their baseline band for \
                 `window_days` days in a row). Higher and further left is faster. \
                 Replications not recovered by the end of the run are censored: the curve \
                 does not rise for them, and a ring marks where they leave the observation \
                 (at horizon − onset), with their number. When that is far beyond every \
                 recovery, the axis stops short of it and the rings sit at its right edge, \
                 labelled with the censoring time."
                .into(),
            Kind::TtrByClass => "Mean time to recover of trusted cargo (members of a \
                 programme the destination country recognises) and of ordinary cargo, \
                 counted from the first onset, with the 95% confidence interval of the \
                 mean. Censored replications count at horizon − onset, so a mean with \
                 censored replications understates the true value."
                .into(),
            Kind::NetworkMap => {
                let mut s = String::from(
                    "Nodes at their coordinates (equirectangular projection; no \
                     coastlines), coloured by the share of handling capacity lost at the \
                     first onset (mean over replications). Lines are routes.",
                );
                if data
                    .network
                    .disruptions
                    .iter()
                    .any(|d| d.epicenter.is_some())
                {
                    s.push_str(
                        " The star is an earthquake's epicentre and the red circle its \
                         footprint (the distance to the farthest damaged node, or the \
                         attenuation rule's reach).",
                    );
                }
                if data.network.nodes.iter().any(|n| n.closed) {
                    s.push_str(
                        " A black ring marks a node closed by a disruption: named by a \
                         closure, or with all its capacity lost.",
                    );
                }
                if data.network.routes.iter().any(|r| r.closed) {
                    s.push_str(" Dashed routes are closed by a disruption for a while.");
                }
                if detail_box(data, &Proj::new(data)).is_some() {
                    s.push_str(" The lower panel enlarges the box drawn on the upper one.");
                }
                let other: Vec<String> = data
                    .network
                    .disruptions
                    .iter()
                    .filter(|d| {
                        matches!(d.kind, DisruptionKind::Alert | DisruptionKind::Revocation)
                    })
                    .map(|d| format!("{} ({})", d.id, d.detail))
                    .collect();
                if !other.is_empty() {
                    s.push_str(&format!(
                        " Not on the map, as they have no place: {}.",
                        other.join("; ")
                    ));
                }
                s
            }
        }
    }
}

/// Draws every plot that applies to the run into `dir` (PNG and SVG, atomically) and
/// removes stale files of plots that no longer apply.
pub fn write_plots(data: &RunData, dir: &Path) -> Result<Plots, ReportError> {
    register_embedded_font().map_err(|message| ReportError::Draw {
        id: "font",
        message,
    })?;
    let mut out = Plots::default();
    for kind in KINDS {
        let id = kind.id();
        let png = dir.join(format!("{id}.png"));
        let svg_path = dir.join(format!("{id}.svg"));
        if kind == Kind::Ablation && !ablation::applies(data) {
            // Only an ablation run has this plot; other runs do not list it as skipped.
            let _ = std::fs::remove_file(&png);
            let _ = std::fs::remove_file(&svg_path);
            continue;
        }
        if let Some(reason) = kind.skip_reason(data) {
            let _ = std::fs::remove_file(&png);
            let _ = std::fs::remove_file(&svg_path);
            out.skipped.push(Skipped {
                id,
                title: kind.title().into(),
                reason,
            });
            continue;
        }
        let draw_err = |message: String| ReportError::Draw { id, message };
        let size = kind.size(data);
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
            draw(kind, data, &root).map_err(draw_err)?;
            root.present().map_err(|e| draw_err(e.to_string()))?;
        }
        // plotters writes the PNG itself (its encoder picks the format by extension):
        // draw to a temporary name, then write the bytes atomically under the real one.
        let tmp = dir.join(format!(".tmp-{}-{id}.png", std::process::id()));
        let drawn = (|| {
            let root = BitMapBackend::new(&tmp, size).into_drawing_area();
            draw(kind, data, &root)?;
            root.present().map_err(|e| e.to_string())
        })();
        let bytes = drawn.and_then(|_| std::fs::read(&tmp).map_err(|e| e.to_string()));
        let _ = std::fs::remove_file(&tmp);
        let bytes = bytes.map_err(draw_err)?;
        write_atomic(&png, &bytes)?;
        write_atomic(&svg_path, svg.as_bytes())?;
        out.drawn.push(Plot {
            id,
            title: kind.title().into(),
            caption: kind.caption(data),
            svg,
            files: [png, svg_path],
        });
    }
    Ok(out)
}

type Area<DB> = DrawingArea<DB, Shift>;
type Res = Result<(), String>;

fn err<T: std::fmt::Display>(e: T) -> String {
    e.to_string()
}

fn draw<DB: DrawingBackend>(kind: Kind, data: &RunData, root: &Area<DB>) -> Res {
    root.fill(&WHITE).map_err(err)?;
    match kind {
        Kind::Deliveries => draw_daily(
            root,
            data,
            "deliveries",
            kind.title(),
            "deliveries (shipments/day)",
        ),
        Kind::Backlog => draw_daily(
            root,
            data,
            "wip",
            kind.title(),
            "work in process (shipments)",
        ),
        Kind::TtrEcdf => draw_ecdf(root, data),
        Kind::TtrByClass => draw_by_class(root, data),
        Kind::NetworkMap => draw_map(root, data),
        Kind::TopMovers => draw_top_movers(root, data),
        Kind::Ablation => ablation::draw(root, data),
    }
}

/// How many nodes fall, and how many rise, in the top-movers plot.
const MOVERS: usize = 3;
/// Days after the onset over which a node's change is ranked.
const MOVERS_DAYS: f64 = 90.0;

/// The top movers of the strategy shown (the last in run order): the nodes whose mean
/// throughput over the `MOVERS_DAYS` after the first onset differs most from their own
/// baseline (`baseline_days` before it, or 28), the `MOVERS` largest falls then rises,
/// each as (node id, relative change, its daily throughput / baseline). Nodes with less
/// than 0.5 shipments a day at baseline are left out (their ratios are noise).
type Mover = (String, f64, Vec<(f64, f64)>);

fn top_movers(data: &RunData) -> Option<(String, Vec<Mover>)> {
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

fn draw_top_movers<DB: DrawingBackend>(root: &Area<DB>, data: &RunData) -> Res {
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

// ---------------------------------------------------------------------------------
// Style.

/// Strategy colours: the Okabe–Ito palette (distinct for colour-blind readers).
const PALETTE: [RGBColor; 7] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(230, 159, 0),
    RGBColor(86, 180, 233),
    RGBColor(90, 90, 90),
];
const MUTED: RGBColor = RGBColor(85, 90, 100);
const GRID_LIGHT: RGBColor = RGBColor(238, 238, 238);
const GRID_BOLD: RGBColor = RGBColor(212, 212, 212);
const TRUSTED: RGBColor = RGBColor(0, 119, 119);
const ORDINARY: RGBColor = RGBColor(110, 110, 110);
const QUAKE: RGBColor = RGBColor(200, 30, 30);

/// The colour of the `i`-th strategy (run order), in plots and the page alike.
pub fn strategy_colour(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// `#rrggbb` of [`strategy_colour`].
pub fn strategy_hex(i: usize) -> String {
    let c = strategy_colour(i);
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

fn font(size: u32) -> TextStyle<'static> {
    (FAMILY, size).into_font().color(&BLACK)
}

fn muted(size: u32) -> TextStyle<'static> {
    (FAMILY, size).into_font().color(&MUTED)
}

/// The title and a muted subtitle; the area below them.
fn titled<DB: DrawingBackend>(
    root: &Area<DB>,
    title: &str,
    subtitle: &str,
) -> Result<Area<DB>, String> {
    let area = root.titled(title, font(28)).map_err(err)?;
    if subtitle.is_empty() {
        return Ok(area);
    }
    area.titled(subtitle, muted(18)).map_err(err)
}

fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

/// A tick label: thousands separators, decimals only for small ranges.
fn tick(v: f64, range: f64) -> String {
    let digits = if range < 5.0 {
        2
    } else if range < 20.0 {
        1
    } else {
        0
    };
    super::html::fmt_num(Some(v), digits).replace('−', "-")
}

// ---------------------------------------------------------------------------------
// Daily series.

fn draw_daily<DB: DrawingBackend>(
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
fn dense_as_area<DB: DrawingBackend>(
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

type Chart<'a, DB> = ChartContext<
    'a,
    DB,
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
>;

/// A chart on `area` with the report's margins, `y_label_width` pixels for the y labels.
fn chart_frame<'a, DB: DrawingBackend>(
    area: &'a Area<DB>,
    y_label_width: u32,
    x: std::ops::Range<f64>,
    y: std::ops::Range<f64>,
) -> Result<Chart<'a, DB>, String> {
    ChartBuilder::on(area)
        .margin(16)
        .margin_right(40)
        .x_label_area_size(64)
        .y_label_area_size(y_label_width)
        .build_cartesian_2d(x, y)
        .map_err(err)
}

/// The series legend in the report's style, at `position`, `margin` pixels in.
fn draw_legend<'a, DB: DrawingBackend + 'a>(
    chart: &mut Chart<'a, DB>,
    position: SeriesLabelPosition,
    margin: u32,
) -> Res {
    chart
        .configure_series_labels()
        .position(position)
        .margin(margin)
        .legend_area_size(40)
        .label_font(font(18))
        .background_style(WHITE.mix(0.92))
        .border_style(GRID_BOLD)
        .draw()
        .map_err(err)
}

/// The dashed onset line with its label, and its legend entry.
fn onset_line<'a, DB: DrawingBackend + 'a>(
    chart: &mut Chart<'a, DB>,
    onset: f64,
    y_max: f64,
    varies: bool,
) -> Res {
    chart
        .draw_series(DashedLineSeries::new(
            vec![(onset, 0.0), (onset, y_max)],
            10,
            7,
            BLACK.stroke_width(2),
        ))
        .map_err(err)?
        .label(if varies {
            "mean first onset"
        } else {
            "first onset"
        })
        .legend(|(x, y)| {
            EmptyElement::at((x, y))
                + PathElement::new(vec![(0, 0), (10, 0)], BLACK.stroke_width(2))
                + PathElement::new(vec![(16, 0), (28, 0)], BLACK.stroke_width(2))
        });
    let label = format!("onset, day {onset:.0}");
    chart
        .draw_series(std::iter::once(
            EmptyElement::at((onset, y_max))
                + Text::new(label, (8, 8), font(17).pos(Pos::new(HPos::Left, VPos::Top))),
        ))
        .map_err(err)?;
    Ok(())
}

// ---------------------------------------------------------------------------------
// Time to recover.

fn draw_ecdf<DB: DrawingBackend>(root: &Area<DB>, data: &RunData) -> Res {
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
fn count_clusters(
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

fn class_stat(data: &RunData, strategy: &str, class: &str) -> Option<StatView> {
    data.ttr(strategy, &format!("class.{class}"))
        .map(StatView::from)
        .filter(|s| s.n > 0 && s.mean.is_some())
}

fn draw_by_class<DB: DrawingBackend>(root: &Area<DB>, data: &RunData) -> Res {
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
            let value = format!("{} d", super::html::fmt_num(Some(mean), 1));
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

// ---------------------------------------------------------------------------------
// The network map.

/// An equirectangular projection: x = longitude, y = latitude, drawn with a degree of
/// longitude `k` = cos(mid latitude) times as wide as a degree of latitude.
/// Longitudes west of Greenwich shift by +360° when that makes the network narrower
/// (a network across the Pacific, e.g. US–Japan, then is not split at the date line).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Proj {
    shift: bool,
    k: f64,
}

impl Proj {
    fn new(data: &RunData) -> Proj {
        let mut pts: Vec<(f64, f64)> = data.network.nodes.iter().map(|n| (n.lat, n.lon)).collect();
        pts.extend(data.network.disruptions.iter().filter_map(|d| d.epicenter));
        Proj::fit(&pts)
    }

    fn fit(pts: &[(f64, f64)]) -> Proj {
        let span = |shift: bool| {
            let lons = pts
                .iter()
                .map(|p| if shift && p.1 < 0.0 { p.1 + 360.0 } else { p.1 });
            let (lo, hi) = lons.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
                (a.min(x), b.max(x))
            });
            hi - lo
        };
        let shift = !pts.is_empty() && span(true) + 1e-9 < span(false);
        let (lo, hi) = pts
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| {
                (a.min(p.0), b.max(p.0))
            });
        let mid = if lo.is_finite() { (lo + hi) / 2.0 } else { 0.0 };
        Proj {
            shift,
            k: mid.to_radians().cos().max(0.2),
        }
    }

    fn xy(&self, lat: f64, lon: f64) -> (f64, f64) {
        let lon = if self.shift && lon < 0.0 {
            lon + 360.0
        } else {
            lon
        };
        (lon, lat)
    }
}

/// Decimals for degree ticks over a `range` of degrees.
fn degree_digits(range: f64) -> usize {
    if range < 2.0 {
        2
    } else if range < 12.0 {
        1
    } else {
        0
    }
}

/// A longitude tick: 140°E, 118°W, 180°.
fn lon_label(lon: f64, digits: usize) -> String {
    let mut l = lon;
    while l > 180.0 {
        l -= 360.0;
    }
    while l <= -180.0 {
        l += 360.0;
    }
    let r = format!("{:.*}", digits, l.abs());
    let zero = r.parse::<f64>().unwrap_or(0.0);
    if zero == 0.0 || zero == 180.0 {
        format!("{r}°")
    } else if l > 0.0 {
        format!("{r}°E")
    } else {
        format!("{r}°W")
    }
}

/// A latitude tick: 35°N, 12°S.
fn lat_label(lat: f64, digits: usize) -> String {
    let r = format!("{:.*}", digits, lat.abs());
    if r.parse::<f64>().unwrap_or(0.0) == 0.0 {
        format!("{r}°")
    } else if lat > 0.0 {
        format!("{r}°N")
    } else {
        format!("{r}°S")
    }
}

/// A box in projected coordinates.
#[derive(Debug, Clone, Copy, PartialEq)]
struct BBox {
    x0: f64,
    x1: f64,
    y0: f64,
    y1: f64,
}

impl BBox {
    fn of(pts: impl IntoIterator<Item = (f64, f64)>) -> Option<BBox> {
        let mut b: Option<BBox> = None;
        for (x, y) in pts {
            if !(x.is_finite() && y.is_finite()) {
                continue;
            }
            b = Some(match b {
                None => BBox {
                    x0: x,
                    x1: x,
                    y0: y,
                    y1: y,
                },
                Some(b) => BBox {
                    x0: b.x0.min(x),
                    x1: b.x1.max(x),
                    y0: b.y0.min(y),
                    y1: b.y1.max(y),
                },
            });
        }
        b
    }

    fn w(&self) -> f64 {
        self.x1 - self.x0
    }

    fn h(&self) -> f64 {
        self.y1 - self.y0
    }

    /// Grown by `frac` of its size on each side, and to at least `min` wide and high.
    fn pad(self, frac: f64, min: f64) -> BBox {
        let dx = (self.w() * frac).max((min - self.w()) / 2.0).max(0.0);
        let dy = (self.h() * frac).max((min - self.h()) / 2.0).max(0.0);
        BBox {
            x0: self.x0 - dx,
            x1: self.x1 + dx,
            y0: self.y0 - dy,
            y1: self.y1 + dy,
        }
    }

    /// Grown to the aspect ratio of a `w` × `h` pixel area, a degree of longitude
    /// drawn `k` times as wide as one of latitude.
    fn fit(self, w: f64, h: f64, k: f64) -> BBox {
        let want = w / h.max(1.0);
        let have = self.w() * k / self.h().max(1e-9);
        if have < want {
            let dx = (self.h() * want / k - self.w()) / 2.0;
            BBox {
                x0: self.x0 - dx,
                x1: self.x1 + dx,
                ..self
            }
        } else {
            let dy = (self.w() * k / want - self.h()) / 2.0;
            BBox {
                y0: self.y0 - dy,
                y1: self.y1 + dy,
                ..self
            }
        }
    }

    fn contains(&self, p: (f64, f64)) -> bool {
        p.0 >= self.x0 && p.0 <= self.x1 && p.1 >= self.y0 && p.1 <= self.y1
    }

    /// The part of segment a–b inside the box (Liang–Barsky).
    fn clip(&self, a: (f64, f64), b: (f64, f64)) -> Option<((f64, f64), (f64, f64))> {
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let (mut t0, mut t1) = (0.0f64, 1.0f64);
        for (p, q) in [
            (-dx, a.0 - self.x0),
            (dx, self.x1 - a.0),
            (-dy, a.1 - self.y0),
            (dy, self.y1 - a.1),
        ] {
            if p == 0.0 {
                if q < 0.0 {
                    return None;
                }
            } else {
                let r = q / p;
                if p < 0.0 {
                    t0 = t0.max(r);
                } else {
                    t1 = t1.min(r);
                }
            }
        }
        (t0 <= t1).then_some((
            (a.0 + t0 * dx, a.1 + t0 * dy),
            (a.0 + t1 * dx, a.1 + t1 * dy),
        ))
    }

    /// A polygon cut to the box (Sutherland–Hodgman).
    fn clip_polygon(&self, poly: &[(f64, f64)]) -> Vec<(f64, f64)> {
        let mut out = poly.to_vec();
        type Inside = fn(&BBox, (f64, f64)) -> bool;
        type Cut = fn(&BBox, (f64, f64), (f64, f64)) -> (f64, f64);
        let edges: [(Inside, Cut); 4] = [
            (|b, p| p.0 >= b.x0, |b, p, q| cut_x(p, q, b.x0)),
            (|b, p| p.0 <= b.x1, |b, p, q| cut_x(p, q, b.x1)),
            (|b, p| p.1 >= b.y0, |b, p, q| cut_y(p, q, b.y0)),
            (|b, p| p.1 <= b.y1, |b, p, q| cut_y(p, q, b.y1)),
        ];
        for (inside, cut) in edges {
            let input = std::mem::take(&mut out);
            for (j, &p) in input.iter().enumerate() {
                let prev = input[(j + input.len() - 1) % input.len()];
                match (inside(self, prev), inside(self, p)) {
                    (true, true) => out.push(p),
                    (true, false) => out.push(cut(self, prev, p)),
                    (false, true) => {
                        out.push(cut(self, prev, p));
                        out.push(p);
                    }
                    (false, false) => {}
                }
            }
            if out.is_empty() {
                break;
            }
        }
        out
    }
}

fn cut_x(p: (f64, f64), q: (f64, f64), x: f64) -> (f64, f64) {
    let t = (x - p.0) / (q.0 - p.0);
    (x, p.1 + t * (q.1 - p.1))
}

fn cut_y(p: (f64, f64), q: (f64, f64), y: f64) -> (f64, f64) {
    let t = (y - p.1) / (q.1 - p.1);
    (p.0 + t * (q.0 - p.0), y)
}

/// A circle of `km` around (lat, lon), in projected coordinates (a spherical earth,
/// degrees of latitude of 111.2 km).
fn footprint(proj: &Proj, lat: f64, lon: f64, km: f64) -> Vec<(f64, f64)> {
    let r = km / 111.195;
    let c = lat.to_radians().cos().max(0.05);
    (0..=96)
        .map(|k| {
            let t = k as f64 / 96.0 * std::f64::consts::TAU;
            proj.xy(lat + r * t.sin(), lon + r * t.cos() / c)
        })
        .collect()
}

/// Each earthquake with an epicentre: (lat, lon, footprint km, magnitude).
fn quakes(data: &RunData) -> Vec<(f64, f64, f64, Option<f64>)> {
    data.network
        .disruptions
        .iter()
        .filter_map(|d| {
            d.epicenter.map(|(lat, lon)| {
                (
                    lat,
                    lon,
                    d.footprint_km.unwrap_or(0.0).max(0.0),
                    d.magnitude,
                )
            })
        })
        .collect()
}

fn network_box(data: &RunData, proj: &Proj) -> Option<BBox> {
    let mut pts: Vec<(f64, f64)> = data
        .network
        .nodes
        .iter()
        .map(|n| proj.xy(n.lat, n.lon))
        .collect();
    for (lat, lon, km, _) in quakes(data) {
        pts.extend(footprint(proj, lat, lon, km.min(1500.0)));
    }
    BBox::of(pts)
}

/// The box of the earthquakes' footprints, when it is small beside the whole network
/// (then the map adds an enlarged panel of it).
fn detail_box(data: &RunData, proj: &Proj) -> Option<BBox> {
    let q = quakes(data);
    if q.is_empty() {
        return None;
    }
    let mut pts: Vec<(f64, f64)> = Vec::new();
    for &(lat, lon, km, _) in &q {
        pts.extend(footprint(proj, lat, lon, km.max(50.0)));
    }
    let fp = BBox::of(pts)?;
    // The damaged or nearby nodes.
    let near = BBox::of(
        data.network
            .nodes
            .iter()
            .map(|n| proj.xy(n.lat, n.lon))
            .filter(|p| fp.pad(0.15, 0.0).contains(*p))
            .chain([(fp.x0, fp.y0), (fp.x1, fp.y1)]),
    )?;
    let whole = network_box(data, proj)?;
    (near.w() < 0.4 * whole.w() && near.h() < 0.8 * whole.h().max(near.h() + 1e-9)
        || near.w() < 0.25 * whole.w())
    .then(|| near.pad(0.08, 2.0))
}

/// Capacity lost (0–1) as a colour: pale yellow to dark red (ColorBrewer YlOrRd).
fn loss_colour(x: f64) -> RGBColor {
    const STOPS: [(f64, (f64, f64, f64)); 5] = [
        (0.0, (255.0, 255.0, 204.0)),
        (0.25, (254.0, 217.0, 118.0)),
        (0.5, (253.0, 141.0, 60.0)),
        (0.75, (227.0, 26.0, 28.0)),
        (1.0, (128.0, 0.0, 38.0)),
    ];
    let x = if x.is_finite() {
        x.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let k = STOPS.iter().position(|s| s.0 >= x).unwrap_or(4).max(1);
    let (a, b) = (STOPS[k - 1], STOPS[k]);
    let t = (x - a.0) / (b.0 - a.0);
    let mix = |p: f64, q: f64| (p + t * (q - p)).round() as u8;
    RGBColor(mix(a.1.0, b.1.0), mix(a.1.1, b.1.1), mix(a.1.2, b.1.2))
}

fn route_colour(mode: &str) -> RGBColor {
    match mode {
        "air" => RGBColor(120, 160, 210),
        "road" | "rail" => RGBColor(150, 120, 90),
        _ => RGBColor(140, 150, 160),
    }
}

const SEA: RGBColor = RGBColor(236, 243, 249);
const CLOSED_ROUTE: RGBColor = RGBColor(150, 20, 60);

fn draw_map<DB: DrawingBackend>(root: &Area<DB>, data: &RunData) -> Res {
    let proj = Proj::new(data);
    let Some(whole) = network_box(data, &proj) else {
        return Ok(());
    };
    let detail = detail_box(data, &proj);
    let disrupted = !data.network.disruptions.is_empty();
    let area = titled(
        root,
        if disrupted {
            "The network and the disruption"
        } else {
            "The network"
        },
        if disrupted {
            "nodes coloured by capacity lost at the first onset (mean over replications)"
        } else {
            "nodes at their coordinates; the scenario has no disruptions"
        },
    )?;
    let (w, h) = area.dim_in_pixel();
    let side_w = 250;
    let (maps, side) = area.split_horizontally(w.saturating_sub(side_w));
    if let Some(d) = detail {
        let (top, bottom) = maps.split_vertically(((h as f64) * 0.38) as u32);
        map_panel(
            root,
            &top,
            data,
            &proj,
            whole.pad(0.05, 2.0),
            "whole network",
            6,
            Some(d),
        )?;
        map_panel(
            root,
            &bottom,
            data,
            &proj,
            d,
            "enlarged: the earthquake's footprint",
            10,
            None,
        )?;
    } else {
        map_panel(root, &maps, data, &proj, whole.pad(0.06, 2.0), "", 9, None)?;
    }
    map_legend(&side, data)
}

#[allow(clippy::too_many_arguments)]
fn map_panel<DB: DrawingBackend>(
    root: &Area<DB>,
    area: &Area<DB>,
    data: &RunData,
    proj: &Proj,
    bbox: BBox,
    title: &str,
    node_r: i32,
    inset: Option<BBox>,
) -> Res {
    let (w, h) = area.dim_in_pixel();
    let (margin, lx, ly, cap) = (
        12u32,
        40u32,
        70u32,
        if title.is_empty() { 0 } else { 34u32 },
    );
    let pw = w.saturating_sub(2 * margin + ly + 10) as f64;
    let ph = h.saturating_sub(2 * margin + lx + cap) as f64;
    let bb = bbox.fit(pw.max(10.0), ph.max(10.0), proj.k);
    let mut builder = ChartBuilder::on(area);
    builder
        .margin(margin)
        .margin_right(margin + 10)
        .x_label_area_size(lx)
        .y_label_area_size(ly);
    if !title.is_empty() {
        builder.caption(title, font(19));
    }
    let mut chart = builder
        .build_cartesian_2d(bb.x0..bb.x1, bb.y0..bb.y1)
        .map_err(err)?;
    chart.plotting_area().fill(&SEA).map_err(err)?;
    coast::draw(&mut chart, proj, &bb)?;
    chart
        .configure_mesh()
        .label_style(font(15))
        .light_line_style(RGBColor(226, 233, 240))
        .bold_line_style(RGBColor(210, 220, 230))
        .max_light_lines(1)
        .x_labels(9)
        .y_labels(6)
        .x_label_formatter(&|x| lon_label(*x, degree_digits(bb.w())))
        .y_label_formatter(&|y| lat_label(*y, degree_digits(bb.h())))
        .draw()
        .map_err(err)?;
    // Footprints.
    for (lat, lon, km, _) in quakes(data) {
        if km <= 0.0 {
            continue;
        }
        let ring = footprint(proj, lat, lon, km);
        let inside = bb.clip_polygon(&ring);
        if inside.len() > 2 {
            chart
                .draw_series(std::iter::once(Polygon::new(
                    inside,
                    QUAKE.mix(0.08).filled(),
                )))
                .map_err(err)?;
        }
        for seg in ring.windows(2) {
            if let Some((a, b)) = bb.clip(seg[0], seg[1]) {
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        vec![a, b],
                        QUAKE.stroke_width(2),
                    )))
                    .map_err(err)?;
            }
        }
    }
    // Routes, once per pair of nodes (closed if either direction is), closed ones dashed.
    let at = |id: &str| {
        data.network
            .nodes
            .iter()
            .find(|n| n.id == id)
            .map(|n| proj.xy(n.lat, n.lon))
    };
    let mut pairs: Vec<(&str, &str, &MapRoute, bool)> = Vec::new();
    for r in &data.network.routes {
        let (a, b) = (r.from.as_str(), r.to.as_str());
        let key = if a <= b { (a, b) } else { (b, a) };
        match pairs.iter_mut().find(|p| (p.0, p.1) == key) {
            Some(p) => p.3 |= r.closed,
            None => pairs.push((key.0, key.1, r, r.closed)),
        }
    }
    // Open routes first, closed ones on top.
    pairs.sort_by_key(|p| p.3);
    for (a, b, r, closed) in pairs {
        if let (Some(pa), Some(pb)) = (at(a), at(b))
            && let Some((ca, cb)) = bb.clip(pa, pb)
        {
            if closed {
                chart
                    .draw_series(std::iter::once(DashedPathElement::new(
                        vec![ca, cb],
                        9,
                        6,
                        CLOSED_ROUTE.stroke_width(2),
                    )))
                    .map_err(err)?;
            } else {
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        vec![ca, cb],
                        route_colour(&r.mode).mix(0.75).stroke_width(2),
                    )))
                    .map_err(err)?;
            }
        }
    }
    // The enlarged box.
    if let Some(d) = inset {
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(d.x0, d.y1), (d.x1, d.y0)],
                BLACK.stroke_width(2),
            )))
            .map_err(err)?;
        chart
            .draw_series(std::iter::once(
                EmptyElement::at((d.x1, d.y1))
                    + Text::new(
                        "enlarged below",
                        (6, 0),
                        font(15).pos(Pos::new(HPos::Left, VPos::Top)),
                    ),
            ))
            .map_err(err)?;
    }
    // Nodes, most damaged last (on top).
    let mut nodes: Vec<&MapNode> = data.network.nodes.iter().collect();
    nodes.sort_by(|a, b| {
        a.capacity_lost
            .unwrap_or(0.0)
            .total_cmp(&b.capacity_lost.unwrap_or(0.0))
    });
    let mut placed: Vec<(i32, i32, i32, i32)> = Vec::new();
    for n in &nodes {
        let p = proj.xy(n.lat, n.lon);
        if !bb.contains(p) {
            continue;
        }
        let (px, py) = chart.backend_coord(&p);
        let r = if n.closed { node_r + 7 } else { node_r + 1 };
        placed.push((px - r, py - r, px + r, py + r));
    }
    for n in &nodes {
        let p = proj.xy(n.lat, n.lon);
        if !bb.contains(p) {
            continue;
        }
        let fill = loss_colour(n.capacity_lost.unwrap_or(0.0));
        let e = EmptyElement::at(p)
            + Circle::new((0, 0), node_r, fill.filled())
            + Circle::new((0, 0), node_r, RGBColor(50, 50, 50).stroke_width(1));
        chart.draw_series(std::iter::once(e)).map_err(err)?;
        if n.closed {
            let ring = EmptyElement::at(p) + Circle::new((0, 0), node_r + 5, BLACK.stroke_width(3));
            chart.draw_series(std::iter::once(ring)).map_err(err)?;
        }
    }
    // Epicentres; with several quakes each star carries its magnitude.
    let qs = quakes(data);
    for &(lat, lon, _, mag) in &qs {
        let p = proj.xy(lat, lon);
        if !bb.contains(p) {
            continue;
        }
        let star = star_points(node_r + 8);
        let (px, py) = chart.backend_coord(&p);
        let r = node_r + 8;
        placed.push((px - r, py - r, px + r, py + r));
        chart
            .draw_series(std::iter::once(
                EmptyElement::at(p)
                    + Polygon::new(star.clone(), QUAKE.filled())
                    + PathElement::new(star, BLACK.stroke_width(1)),
            ))
            .map_err(err)?;
        if let (true, Some(m)) = (qs.len() > 1, mag) {
            let text = format!("M{m:.1}");
            let w = (text.chars().count() as f64 * 14.0 * 0.62) as i32 + 2;
            placed.push((px + r, py, px + r + w, py + r + 14));
            chart
                .draw_series(std::iter::once(
                    EmptyElement::at(p)
                        + Text::new(
                            text,
                            (r, r - 4),
                            (FAMILY, 14)
                                .into_font()
                                .color(&QUAKE)
                                .pos(Pos::new(HPos::Left, VPos::Center)),
                        ),
                ))
                .map_err(err)?;
        }
    }
    // Labels: node ids, placed where they overlap nothing drawn so far; inside an
    // enlarged box they are left to the enlarged panel.
    let size = if node_r >= 9 { 16 } else { 14 };
    for n in nodes.iter().rev() {
        let p = proj.xy(n.lat, n.lon);
        if !bb.contains(p) || inset.is_some_and(|d| d.contains(p)) {
            continue;
        }
        let (px, py) = chart.backend_coord(&p);
        let tw = (n.id.chars().count() as f64 * size as f64 * 0.62) as i32 + 2;
        let th = size as i32;
        let gap = if n.closed { node_r + 9 } else { node_r + 4 };
        let (xr, yr) = chart.plotting_area().get_pixel_range();
        // Beside the node first, then at its corners, then above and below it.
        let d = gap * 7 / 10;
        let candidates = [
            (px + gap, py - th / 2),
            (px - gap - tw, py - th / 2),
            (px + d, py - d - th),
            (px + d, py + d),
            (px - d - tw, py - d - th),
            (px - d - tw, py + d),
            (px - tw / 2, py - gap - th - 2),
            (px - tw / 2, py + gap + 2),
        ];
        let fits = |&(x, y): &(i32, i32)| {
            x >= xr.start
                && x + tw <= xr.end
                && y >= yr.start
                && y + th <= yr.end
                && !placed
                    .iter()
                    .any(|&(a, b, c, d)| x < c && x + tw > a && y < d && y + th > b)
        };
        let Some(&(x, y)) = candidates.iter().find(|c| fits(c)) else {
            continue;
        };
        placed.push((x, y, x + tw, y + th));
        // A pale box behind the label keeps it legible over routes.
        root.draw(&Rectangle::new(
            [(x - 2, y - 1), (x + tw, y + th + 1)],
            WHITE.mix(0.7).filled(),
        ))
        .map_err(err)?;
        root.draw(&Text::new(
            n.id.clone(),
            (x, y),
            font(size).pos(Pos::new(HPos::Left, VPos::Top)),
        ))
        .map_err(err)?;
    }
    Ok(())
}

/// A five-pointed star of outer radius `r`, in pixels around (0, 0).
fn star_points(r: i32) -> Vec<(i32, i32)> {
    (0..10)
        .map(|k| {
            let rr = if k % 2 == 0 {
                r as f64
            } else {
                r as f64 * 0.45
            };
            let t = -std::f64::consts::FRAC_PI_2 + k as f64 * std::f64::consts::PI / 5.0;
            ((rr * t.cos()).round() as i32, (rr * t.sin()).round() as i32)
        })
        .collect()
}

/// The map's legend column: colour bar, symbols, route modes.
fn map_legend<DB: DrawingBackend>(side: &Area<DB>, data: &RunData) -> Res {
    let x = 20;
    let mut y = 30;
    let draw_text =
        |s: &str, at: (i32, i32), style: TextStyle| side.draw_text(s, &style, at).map_err(err);
    // The colour bar, when there is a disruption to colour by.
    if !data.network.disruptions.is_empty() {
        draw_text("capacity lost", (x, y), font(18))?;
        draw_text("at the first onset", (x, y + 22), font(18))?;
        y += 56;
        let bar_h = 220;
        let bar_w = 28;
        for k in 0..bar_h {
            let v = 1.0 - k as f64 / (bar_h - 1) as f64;
            side.draw(&Rectangle::new(
                [(x, y + k), (x + bar_w, (y + k + 2).min(y + bar_h))],
                loss_colour(v).filled(),
            ))
            .map_err(err)?;
        }
        side.draw(&Rectangle::new(
            [(x, y), (x + bar_w, y + bar_h)],
            RGBColor(80, 80, 80).stroke_width(1),
        ))
        .map_err(err)?;
        for q in [0.0, 0.25, 0.5, 0.75, 1.0] {
            let ty = y + ((1.0 - q) * (bar_h - 1) as f64).round() as i32;
            side.draw(&PathElement::new(
                vec![(x + bar_w, ty), (x + bar_w + 6, ty)],
                BLACK.stroke_width(1),
            ))
            .map_err(err)?;
            draw_text(
                &format!("{:.0}%", 100.0 * q),
                (x + bar_w + 10, ty),
                font(16).pos(Pos::new(HPos::Left, VPos::Center)),
            )?;
        }
        y += bar_h + 40;
    }
    let sym_x = x + 14;
    let row = |label: &str, y: i32| {
        draw_text(
            label,
            (x + 40, y),
            font(16).pos(Pos::new(HPos::Left, VPos::Center)),
        )
    };
    let any_closed = data.network.nodes.iter().any(|n| n.closed);
    // A plain node.
    side.draw(
        &(EmptyElement::at((sym_x, y))
            + Circle::new((0, 0), 8, loss_colour(0.0).filled())
            + Circle::new((0, 0), 8, RGBColor(50, 50, 50).stroke_width(1))),
    )
    .map_err(err)?;
    row("node (port)", y)?;
    y += 34;
    if any_closed {
        side.draw(
            &(EmptyElement::at((sym_x, y))
                + Circle::new((0, 0), 8, loss_colour(1.0).filled())
                + Circle::new((0, 0), 13, BLACK.stroke_width(3))),
        )
        .map_err(err)?;
        row("closed by a disruption", y)?;
        y += 38;
    }
    let qs = quakes(data);
    if !qs.is_empty() {
        // One quake: its magnitude and footprint; several: their ranges (each star on
        // the map carries its own magnitude).
        let range = |v: Vec<f64>, digits: usize, unit: &str| {
            let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            if hi - lo < 0.5 * 10f64.powi(-(digits as i32)) {
                format!("{lo:.digits$}{unit}")
            } else {
                format!("{lo:.digits$}–{hi:.digits$}{unit}")
            }
        };
        let mags: Vec<f64> = qs.iter().filter_map(|q| q.3).collect();
        let kms: Vec<f64> = qs.iter().map(|q| q.2).collect();
        let star = star_points(14);
        side.draw(
            &(EmptyElement::at((sym_x, y))
                + Polygon::new(star.clone(), QUAKE.filled())
                + PathElement::new(star, BLACK.stroke_width(1))),
        )
        .map_err(err)?;
        let what = if qs.len() == 1 {
            "epicentre".to_string()
        } else {
            format!("{} epicentres", qs.len())
        };
        row(
            &if mags.is_empty() {
                what
            } else {
                format!("{what} (M{})", range(mags, 1, ""))
            },
            y,
        )?;
        y += 36;
        side.draw(
            &(EmptyElement::at((sym_x, y))
                + Circle::new((0, 0), 12, QUAKE.mix(0.08).filled())
                + Circle::new((0, 0), 12, QUAKE.stroke_width(2))),
        )
        .map_err(err)?;
        row(&format!("footprint, {}", range(kms, 0, " km")), y)?;
        y += 36;
    }
    let mut modes: Vec<&str> = data
        .network
        .routes
        .iter()
        .map(|r| r.mode.as_str())
        .collect();
    modes.sort_unstable();
    modes.dedup();
    let mut shown: Vec<&str> = Vec::new();
    for m in modes {
        let label = match m {
            "road" | "rail" => "road/rail route",
            "air" => "air route",
            _ => "sea route",
        };
        if shown.contains(&label) {
            continue;
        }
        shown.push(label);
        side.draw(&PathElement::new(
            vec![(sym_x - 14, y), (sym_x + 14, y)],
            route_colour(m).stroke_width(3),
        ))
        .map_err(err)?;
        row(label, y)?;
        y += 30;
    }
    if data.network.routes.iter().any(|r| r.closed) {
        side.draw(&DashedPathElement::new(
            vec![(sym_x - 14, y), (sym_x + 14, y)],
            8,
            5,
            CLOSED_ROUTE.stroke_width(3),
        ))
        .map_err(err)?;
        row("route closed", y)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pacific_networks_are_not_split_at_the_date_line() {
        // Tokyo and Los Angeles: 139.8°E and 118.3°W are 102° apart across the Pacific.
        let p = Proj::fit(&[(35.6, 139.8), (33.7, -118.3)]);
        assert!(p.shift);
        let (a, b) = (p.xy(35.6, 139.8), p.xy(33.7, -118.3));
        assert!((b.0 - a.0 - 101.9).abs() < 1e-9);
        assert_eq!(lon_label(b.0, 0), "118°W");
        assert_eq!(lon_label(180.0, 0), "180°");
        assert_eq!(lon_label(139.75, 1), "139.8°E");
        assert_eq!(lat_label(-12.0, 0), "12°S");
        // Rotterdam and Shanghai: the short way is east of Greenwich, no shift.
        assert!(!Proj::fit(&[(51.9, 4.5), (31.2, 121.5)]).shift);
    }

    #[test]
    fn clipping() {
        let b = BBox {
            x0: 0.0,
            x1: 10.0,
            y0: 0.0,
            y1: 10.0,
        };
        assert_eq!(
            b.clip((-5.0, 5.0), (5.0, 5.0)),
            Some(((0.0, 5.0), (5.0, 5.0)))
        );
        assert_eq!(b.clip((-5.0, 20.0), (-1.0, 30.0)), None);
        let square = [(-5.0, -5.0), (5.0, -5.0), (5.0, 5.0), (-5.0, 5.0)];
        let cut = b.clip_polygon(&square);
        assert!(cut.iter().all(|p| b.contains(*p)), "{cut:?}");
        assert_eq!(cut.len(), 4);
    }

    #[test]
    fn loss_colours_run_from_pale_to_dark() {
        assert_eq!(loss_colour(0.0), RGBColor(255, 255, 204));
        assert_eq!(loss_colour(1.0), RGBColor(128, 0, 38));
        assert_eq!(loss_colour(f64::NAN), loss_colour(0.0));
        let mid = loss_colour(0.5);
        assert_eq!(mid, RGBColor(253, 141, 60));
    }
}
