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
mod daily;
mod envelope;
mod geo;
mod map;
mod movers;
mod sweep;
mod ttr;
mod whisker;

pub use sweep::write_sweep_plots;
pub use whisker::{Whisker, write_whisker_plot};

use daily::draw_daily;
use geo::{BBox, Proj};
use map::{detail_box, draw_map};
use movers::{MOVERS_DAYS, draw_top_movers, top_movers};
use ttr::{class_stat, draw_by_class, draw_ecdf};

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
    /// Heading shown above the plot and on the page (e.g. "Deliveries per day").
    pub title: String,
    /// What the plot shows and how to read it (for the page).
    pub caption: String,
    /// The SVG document.
    pub svg: String,
    /// The files written: a run's PNG and SVG, a sweep's or comparison's SVG.
    pub files: Vec<PathBuf>,
}

/// A plot left out, and why.
#[derive(Debug, Clone)]
pub struct Skipped {
    /// The plot's id, as in [`PLOT_IDS`].
    pub id: &'static str,
    /// The heading the plot would have had.
    pub title: String,
    /// Why this run's data cannot give the plot (e.g. no disruptions, no per-node rows),
    /// shown on the page in its place.
    pub reason: String,
}

/// The plots of a run.
#[derive(Debug, Clone, Default)]
pub struct Plots {
    /// Plots drawn and written, in page order.
    pub drawn: Vec<Plot>,
    /// Plots this run's data cannot give, with the reason, in page order.
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
            files: vec![png, svg_path],
        });
    }
    Ok(out)
}

type Area<DB> = DrawingArea<DB, Shift>;
type Res = Result<(), String>;

/// Draws one plot as SVG only, on white, into `dir/<id>.svg` (atomically).
fn write_svg(
    dir: &Path,
    id: &'static str,
    title: &str,
    caption: String,
    size: (u32, u32),
    draw: impl Fn(&Area<SVGBackend<'_>>) -> Res,
) -> Result<Plot, ReportError> {
    let draw_err = |message: String| ReportError::Draw { id, message };
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        root.fill(&WHITE).map_err(|e| draw_err(e.to_string()))?;
        draw(&root).map_err(draw_err)?;
        root.present().map_err(|e| draw_err(e.to_string()))?;
    }
    let path = dir.join(format!("{id}.svg"));
    write_atomic(&path, svg.as_bytes())?;
    Ok(Plot {
        id,
        title: title.into(),
        caption,
        svg,
        files: vec![path],
    })
}

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
    super::text::fmt_num(Some(v), digits).replace('−', "-")
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
