//! `tradesim compare`'s `report.html`: the runs compared, each run × strategy's
//! headline recovery figures with their 95% intervals, each strategy's differences from
//! its own run's baseline with their verdicts, and a dot-and-whisker plot per measure
//! ([`plots::write_whisker_plot`]). Built from the runs' `summary.json` alone.

use super::*;
use crate::report::compare::{self, HEADLINE, Row, Run};
use crate::report::plots::{Whisker, write_whisker_plot};

/// The plot id of each [`HEADLINE`] measure, in its order.
const PLOT_IDS: [&str; 4] = [
    "compare_ttr",
    "compare_trusted_ttr",
    "compare_excess_delay",
    "compare_resilience_loss",
];

/// Writes `out/plots/*.svg` and `out/report.html` comparing `runs` (whose tidy rows are
/// `rows`); the paths written, the page first.
pub fn write_compare_report(
    out: &Path,
    runs: &[Run],
    rows: &[Row],
) -> Result<Vec<PathBuf>, ReportError> {
    let plots_dir = out.join("plots");
    std::fs::create_dir_all(&plots_dir).map_err(|source| WriteError {
        path: plots_dir.clone(),
        source,
    })?;
    let labels = compare::labels(runs);
    let strategies = strategy_order(rows);
    let colour = |s: &str| strategies.iter().position(|x| x == s).unwrap_or(0);
    let mut drawn = vec![];
    for ((measure, label), id) in HEADLINE.iter().zip(PLOT_IDS) {
        let estimates: Vec<Whisker> = rows
            .iter()
            .filter(|r| r.measure == *measure && r.statistic != "difference_from_baseline")
            .map(|r| whisker(r, colour(&r.strategy), false))
            .collect();
        if estimates.iter().all(|w| w.value.is_none()) {
            // An earlier comparison's plot in the same folder would contradict this one.
            let _ = std::fs::remove_file(plots_dir.join(format!("{id}.svg")));
            continue;
        }
        let differences: Vec<Whisker> = rows
            .iter()
            .filter(|r| r.measure == *measure && r.statistic == "difference_from_baseline")
            .map(|r| whisker(r, colour(&r.strategy), r.verdict != "resolved"))
            .collect();
        let mut panels = vec![(format!("{label}: each run × strategy"), false, estimates)];
        if !differences.is_empty() {
            panels.push((
                format!("{label}: strategy − its own run's baseline"),
                true,
                differences,
            ));
        }
        drawn.push(write_whisker_plot(
            &plots_dir,
            id,
            (
                &format!("Runs side by side: {label}"),
                "95% intervals; runs are not paired across scenarios; hollow: difference not resolved",
            ),
            format!(
                "Top: {label} of each strategy in each run, with its 95% interval. Runs of \
                 different scenarios (or seeds) are not paired replication by replication, so \
                 compare them by their intervals. Bottom: each strategy's difference from its \
                 own run's baseline, paired within that run; a hollow marker is not resolved \
                 at the run's n (its interval includes zero or it is not estimable)."
            ),
            &panels,
        )?);
    }
    let report = out.join("report.html");
    write_atomic(
        &report,
        render_compare(runs, &labels, rows, &drawn).as_bytes(),
    )?;
    Ok(std::iter::once(report)
        .chain(drawn.into_iter().flat_map(|p| p.files))
        .collect())
}

/// Strategy names in the order they first appear (their colours).
fn strategy_order(rows: &[Row]) -> Vec<String> {
    let mut out: Vec<String> = vec![];
    for r in rows {
        if !out.contains(&r.strategy) {
            out.push(r.strategy.clone());
        }
    }
    out
}

fn whisker(r: &Row, colour: usize, hollow: bool) -> Whisker {
    Whisker {
        label: format!("{} · {}", r.run, r.strategy),
        value: r.value,
        lo: r.ci95[0],
        hi: r.ci95[1],
        colour,
        hollow,
    }
}

/// Decimals of a headline measure: whole shipment-days, tenths of days.
fn digits(measure: &str) -> usize {
    if measure.ends_with("shipment_days") {
        0
    } else {
        1
    }
}

/// A table cell: the estimate with its interval below, bold if `bold`.
fn cell(r: Option<&Row>, signed: bool) -> Markup {
    let Some(r) = r else { return na_cell() };
    let dg = digits(&r.measure);
    let f = |x: Option<f64>| {
        if signed {
            fmt_signed(x, dg)
        } else {
            fmt_num(x, dg)
        }
    };
    let end = |x: Option<f64>| x.map_or("open".to_string(), |v| f(Some(v)));
    let bold = signed && r.verdict == "resolved";
    html! {
        td class=(if bold { "num sig" } else { "num" }) {
            (f(r.value))
            span class="ci" { "[" (end(r.ci95[0])) ", " (end(r.ci95[1])) "]" }
            @if signed { span class="ci" { (r.verdict) } }
            @if let Some(c) = r.censored_share.filter(|c| *c > 0.0) {
                span class="ci" { (format!("{:.0}% not recovered", c * 100.0)) }
            }
        }
    }
}

/// The row of `rows` for `run`, `strategy` and `measure`: its difference from baseline if
/// `diff`, else its estimate.
fn find<'a>(
    rows: &'a [Row],
    run: &str,
    strategy: &str,
    measure: &str,
    diff: bool,
) -> Option<&'a Row> {
    rows.iter().find(|r| {
        r.run == run
            && r.strategy == strategy
            && r.measure == measure
            && (r.statistic == "difference_from_baseline") == diff
    })
}

/// A table of a row per (run, strategy) of `pairs` and a column per headline measure:
/// the estimates, or with `diff` the differences from the run's baseline.
fn measure_table(id: &str, pairs: &[(&str, &str)], rows: &[Row], diff: bool) -> Markup {
    html! {
        div class="scroll" {
            table id=(id) {
                "\n"
                tr { th { "run" } th { "strategy" } @for (_, l) in HEADLINE { th class="num" { (l) } } }
                "\n"
                @for (run, s) in pairs {
                    tr {
                        td { (run) } td { (s) }
                        @for (m, _) in HEADLINE { (cell(find(rows, run, s, m, diff), diff)) }
                    }
                    "\n"
                }
            }
        }
    }
}

/// The page.
pub fn render_compare(runs: &[Run], labels: &[String], rows: &[Row], plots: &[Plot]) -> String {
    // (run, strategy) pairs in row order.
    let mut pairs: Vec<(&str, &str)> = vec![];
    for r in rows {
        if !pairs.contains(&(r.run.as_str(), r.strategy.as_str())) {
            pairs.push((&r.run, &r.strategy));
        }
    }
    let with_diff: Vec<(&str, &str)> = pairs
        .iter()
        .copied()
        .filter(|&(run, s)| {
            HEADLINE
                .iter()
                .any(|(m, _)| find(rows, run, s, m, true).is_some())
        })
        .collect();
    let content = html! {
        p class="muted" { "tradesim comparison" } "\n"
        h1 { "Comparison of " (runs.len()) " runs" } "\n"
        p class="lead" {
            "Each run's strategies side by side with their 95% intervals, and each strategy's \
             differences from its own run's baseline."
        }
        "\n"
        p class="note" {
            b { "Runs are not paired across scenarios." }
            " Each run drew its own random numbers, so a difference between two runs' \
             estimates is not a paired difference: compare them by their own intervals. Only \
             the differences within a run, strategy − that run's baseline, are paired \
             replication by replication."
        }
        "\n"
        h2 id="runs" { "Runs" } "\n"
        div class="scroll" {
            table id="runs-table" {
                "\n"
                tr {
                    th { "run" } th { "folder" } th class="num" { "replications" }
                    th class="num" { "seed" } th { "disruptions" } th { "strategies" }
                }
                "\n"
                @for (run, label) in runs.iter().zip(labels) {
                    tr {
                        td { (label) }
                        td { code { (run.dir.display().to_string()) } }
                        td class="num" { (run.summary.replications) }
                        td class="num" { (run.summary.seed) }
                        td { (run.summary.disruptions.join(", ")) }
                        td { (run.summary.strategy_order.join(", ")) }
                    }
                    "\n"
                }
            }
        }
        "\n"
        h2 id="estimates" { "Per strategy" } "\n"
        p {
            "Kaplan–Meier median times to recover (with the share of replications not \
             recovered by the horizon) and means, each with its 95% interval."
        }
        "\n"
        (measure_table("estimates-table", &pairs, rows, false))
        "\n"
        h2 id="differences" { "Differences from each run's own baseline" } "\n"
        p {
            "Strategy − baseline within each run, paired replication by replication, with its \
             95% interval and verdict; bold where resolved."
        }
        "\n"
        @if with_diff.is_empty() {
            p class="note" { "No run has a strategy besides its baseline." } "\n"
        } @else {
            (measure_table("differences-table", &with_diff, rows, true))
            "\n"
        }
        h2 id="plots" { "Plots" } "\n"
        @if plots.is_empty() {
            p class="note" { "No run has a recovery to plot (no disruption happened)." } "\n"
        }
        @for p in plots { (figures::figure(p)) }
        footer {
            "Built by " code { "tradesim compare" } " from each run's summary.json; the same \
             rows are in " code { "compare.csv" } ". docs/outputs.md defines every measure."
        }
        "\n"
    };
    page(
        &format!("tradesim comparison of {} runs", runs.len()),
        content,
    )
}
