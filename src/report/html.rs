//! `report.html`: one self-contained page per run, built from the run's output files
//! alone (`summary.json`, `timeseries.csv`, `replications.csv`), so that
//! `tradesim report DIR` rebuilds it for any run, a merged Slurm run included.
//!
//! The page holds the scenario's summary and question, the strategy comparison with 95%
//! confidence intervals and paired differences, every plot of [`super::plots`] as inline
//! SVG, and a per-port table. It fetches nothing: no scripts, no style sheets, no fonts,
//! no images from elsewhere. The PNG and SVG copies of the plots go to `plots/`.
//!
//! Every section (here and in the submodules) is a function from the run's data to maud
//! [`Markup`], built with `html!`, which escapes text and attribute values; [`render`]
//! puts them in order. `html!` writes no whitespace, so the page's line breaks are
//! explicit `"\n"` literals.

mod compare;
mod figures;
mod ports;
mod recovery;
mod summary;
mod sweep;
mod tables;

pub use compare::write_compare_report;
pub use sweep::write_sweep_report;

use figures::figures;
use ports::ports;
use recovery::recovery_differences;
use tables::{comparison, na_cell, paired};

pub use super::data::{
    DayPoint, MapDisruption, MapNode, MapRoute, Network, ReportError, RunData, StatView,
    Timeseries, Ttr,
};
use super::data::{DifferenceSummary, KmTime, NEITHER_REACHED, Part, RecoveryScope, StatSummary};
use super::plots::{self, Plot, Plots};
pub use super::text::{fmt_num, fmt_signed, measure_label};
use super::{WriteError, write_atomic};
use maud::{DOCTYPE, Markup, PreEscaped, html};
use std::path::{Path, PathBuf};

/// What [`write_report`] wrote.
#[derive(Debug, Clone)]
pub struct Written {
    /// `DIR/report.html`.
    pub report: PathBuf,
    /// Every PNG and SVG in `DIR/plots/`.
    pub plots: Vec<PathBuf>,
    /// Plots left out, with the reason (e.g. no disruption, so no recovery).
    pub skipped: Vec<(String, String)>,
}

/// Reads the run's output files in `dir`, writes `dir/plots/*.png|svg` and then
/// `dir/report.html` (each file atomically).
pub fn write_report(dir: &Path) -> Result<Written, ReportError> {
    write_report_with(dir, None)
}

/// [`write_report`] with the daily series given rather than read back from
/// `timeseries.csv` (a run that has them in memory; the same values, bit for bit, since
/// the file holds every number's shortest round-trip text).
pub fn write_report_with(dir: &Path, series: Option<Timeseries>) -> Result<Written, ReportError> {
    let data = RunData::load_with(dir, series)?;
    let plots_dir = dir.join("plots");
    std::fs::create_dir_all(&plots_dir).map_err(|source| WriteError {
        path: plots_dir.clone(),
        source,
    })?;
    let plots = plots::write_plots(&data, &plots_dir)?;
    let html = render(&data, &plots);
    let report = dir.join("report.html");
    write_atomic(&report, html.as_bytes())?;
    Ok(Written {
        report,
        plots: plots
            .drawn
            .iter()
            .flat_map(|p| p.files.iter().cloned())
            .collect(),
        skipped: plots
            .skipped
            .iter()
            .map(|s| (s.title.clone(), s.reason.clone()))
            .collect(),
    })
}

// ---------------------------------------------------------------------------------
// The page.

const CSS: &str = r#"
:root { --fg: #1b1f24; --muted: #5b6570; --line: #d0d7de; --bg-alt: #f6f8fa; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", Arial, sans-serif;
       color: var(--fg); margin: 0; line-height: 1.45; background: #fff; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 28px 64px; }
h1 { font-size: 1.9rem; margin: 0.2em 0 0.1em; }
h2 { font-size: 1.35rem; margin: 2em 0 0.5em; border-bottom: 1px solid var(--line); padding-bottom: 0.2em; }
p.lead { font-size: 1.12rem; max-width: 60em; }
.muted, .ci { color: var(--muted); }
th .name { display: block; font-weight: normal; color: var(--muted); font-size: 0.85em; }
.ci { display: block; font-size: 0.82em; white-space: nowrap; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.15em 1.2em; margin: 1em 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
table { border-collapse: collapse; margin: 0.6em 0 1.2em; font-size: 0.94rem; }
th, td { border-bottom: 1px solid var(--line); padding: 0.35em 0.7em; vertical-align: top; }
th { text-align: left; background: var(--bg-alt); font-weight: 600; }
th .unit { display: block; font-weight: normal; color: var(--muted); font-size: 0.85em; }
tr.section th { background: #fff; color: var(--muted); font-weight: 600; font-size: 0.85em;
                text-transform: uppercase; letter-spacing: 0.04em; padding-top: 0.9em; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
#comparison-table td, #paired-table td { min-width: 11em; }
td.sig { font-weight: 700; }
td.na { color: var(--muted); }
.swatch { display: inline-block; width: 0.9em; height: 0.9em; border-radius: 2px; margin-right: 0.4em; vertical-align: -0.1em; }
.scroll { overflow-x: auto; }
figure.plot { margin: 1.2em 0 2em; }
figure.plot svg { display: block; width: 100%; height: auto; max-width: 1280px; border: 1px solid var(--line); }
figcaption { margin-top: 0.5em; max-width: 62em; }
.note { background: #fff8e1; border-left: 4px solid #f2b600; padding: 0.6em 0.9em; max-width: 62em; }
footer { margin-top: 3em; color: var(--muted); font-size: 0.9em; }
.note.warning { background: #fdecea; border-left-color: #c62828; }
#summary p { max-width: 62em; }
#limitations li { max-width: 62em; margin-bottom: 0.3em; }
@media print {
  @page { size: A4; margin: 14mm 12mm; }
  html, body { background: #fff; color: #000; font-size: 10pt; }
  main { max-width: none; margin: 0; padding: 0; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  figure, .note, dl.facts, tr { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  table { font-size: 7.5pt; }
  th, td { padding: 2px 4px; }
  .scroll { overflow: visible; }
  figure.plot svg { max-width: 100%; border: none; }
  a { color: inherit; text-decoration: none; }
  .note, .note.warning { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"#;

/// The whole page. maud escapes every piece of text and attribute value; the
/// whitespace between tags is written out as `"\n"` where the page has a line break.
pub fn render(data: &RunData, plots: &Plots) -> String {
    let title = format!("tradesim report: {}", data.name);
    let content = html! {
        p class="muted" { "tradesim report" } "\n"
        h1 { (data.name) } "\n"
        @match &data.description {
            Some(d) => { p class="lead" { (d) } "\n" }
            None => {
                p class="lead muted" { "(The scenario has no description.)" } "\n"
            }
        }
        (summary::summary(data))
        (facts(data))
        (disruptions(data))
        (comparison(data))
        (paired(data))
        (recovery_differences(data))
        (figures(plots))
        (ports(data))
        (summary::limitations(data))
        footer {
            "Built by " code { "tradesim report " (data.dir.display().to_string()) }
            " from summary.json, timeseries.csv and replications.csv (tradesim "
            (data.summary.tradesim_version)
            "). The plots are also in " code { "plots/" } " as PNG and SVG. \
             docs/outputs.md defines every measure."
        }
        "\n"
    };
    page(&title, content)
}

/// A whole page around `content` (the inside of `<main>`): the head with its title and
/// the report's style sheet. The run, sweep and comparison pages share it.
fn page(title: &str, content: Markup) -> String {
    let page = html! {
        (DOCTYPE) "\n"
        html lang="en" {
            "\n"
            head {
                "\n"
                meta charset="utf-8";
                "\n"
                meta name="viewport" content="width=device-width, initial-scale=1";
                "\n"
                title { (title) }
                "\n"
                // The style sheet is our own constant text, not data.
                style { (PreEscaped(CSS)) }
                "\n"
            }
            "\n"
            body {
                "\n"
                main {
                    "\n"
                    (content)
                }
                "\n"
            }
            "\n"
        }
        "\n"
    };
    page.into_string()
}

/// The colour swatch of the strategy at index `i`, as in the plots.
fn swatch(i: usize) -> Markup {
    html! { span class="swatch" style={ "background:" (plots::strategy_hex(i)) } {} }
}

fn facts(data: &RunData) -> Markup {
    let text = |s: String| html! { (s) };
    let mut rows: Vec<(&str, Markup)> = vec![
        (
            "strategies",
            html! {
                @for (i, n) in data.strategies.iter().enumerate() {
                    @if i > 0 { ", " }
                    (swatch(i)) (n)
                }
            },
        ),
        (
            "replications",
            text(format!("{} per strategy", data.replications)),
        ),
        (
            "simulated time",
            text(format!(
                "{} days per replication, of which the first {} are warm-up",
                fmt_num(Some(data.horizon), 0),
                fmt_num(Some(data.warmup), 0)
            )),
        ),
    ];
    rows.push(("seed", text(data.summary.seed.to_string())));
    rows.push((
        "network",
        text(format!(
            "{} nodes, {} routes",
            data.network.nodes.len(),
            data.network.routes.len()
        )),
    ));
    match data.onset {
        Some(o) => rows.push((
            "first onset",
            text(format!(
                "day {}{}",
                fmt_num(Some(o), 1),
                if data.onset_varies {
                    " (mean over the replications with a disruption; it varies)"
                } else {
                    ""
                }
            )),
        )),
        None => rows.push(("first onset", text("none: no disruption happened".into()))),
    }
    html! {
        dl class="facts" {
            "\n"
            @for (k, v) in rows {
                dt { (k) } dd { (v) } "\n"
            }
        }
        "\n"
    }
}

fn disruptions(data: &RunData) -> Markup {
    let list = &data.network.disruptions;
    html! {
        h2 id="disruptions" { "Disruptions" } "\n"
        @if list.is_empty() {
            p class="note" {
                "This scenario has no disruptions: it shows the network in normal times. \
                 There is no onset and no recovery to measure, so the recovery columns and \
                 the time-to-recover plots are left out."
            }
            "\n"
        } @else {
            div class="scroll" {
                table {
                    "\n"
                    tr {
                        th { "id" } th { "kind" }
                        th class="num" { "onset" span class="unit" { "day (mean)" } }
                        th class="num" { "probability" } th { "what" } th { "nodes" }
                    }
                    "\n"
                    @for d in list {
                        tr {
                            td { (d.id) }
                            td { (d.kind.name()) }
                            td class="num" { (fmt_num(d.mean_onset_day, 1)) }
                            td class="num" {
                                (d.probability.map_or("—".into(), |p| format!("{:.0}%", 100.0 * p)))
                            }
                            td { (d.detail) }
                            td { (d.nodes.join(", ")) }
                        }
                        "\n"
                    }
                }
            }
            "\n"
            @if !data.has_recovery() {
                p class="note" {
                    "No disruption happened in any replication (each has a probability), so \
                     there is no recovery to measure."
                }
                "\n"
            }
        }
    }
}
