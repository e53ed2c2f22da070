//! `report.html`: one self-contained page per run, built from the run's output files
//! alone (`summary.json`, `timeseries.csv`, `replications.csv`), so that
//! `tradesim report DIR` rebuilds it for any run, a merged Slurm run included.
//!
//! The page holds the scenario's summary and question, the strategy comparison with 95%
//! confidence intervals and paired differences, every plot of [`super::plots`] as inline
//! SVG, and a per-port table. It fetches nothing: no scripts, no style sheets, no fonts,
//! no images from elsewhere. The PNG and SVG copies of the plots go to `plots/`.

mod summary;

pub use super::data::{
    DayPoint, MapDisruption, MapNode, MapRoute, Network, ReportError, RunData, StatView,
    Timeseries, Ttr,
};
use super::data::{DifferenceSummary, KmTime, NEITHER_REACHED, Part, RecoveryScope, StatSummary};
use super::plots::{self, Plots};
pub use super::text::{fmt_num, fmt_signed};
use super::{WriteError, write_atomic};
use std::fmt::Write as _;
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

/// Escapes text for HTML.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}
/// A table cell: the mean, and the 95% CI below it.
fn stat_cell(s: Option<StatView>, digits: usize, signed: bool) -> String {
    let Some(s) = s.filter(|s| s.n > 0) else {
        return "<td class=\"num na\">—</td>".into();
    };
    let sign = |x: Option<f64>| {
        let t = fmt_num(x, digits);
        if signed && x.is_some_and(|v| v > 0.0) && t != fmt_num(Some(0.0), digits) {
            format!("+{t}")
        } else {
            t
        }
    };
    let ci = match (s.lo, s.hi) {
        (Some(lo), Some(hi)) => format!(
            "<span class=\"ci\">[{}, {}]</span>",
            sign(Some(lo)),
            sign(Some(hi))
        ),
        _ => "<span class=\"ci\">(one replication)</span>".into(),
    };
    // A paired difference whose CI excludes zero is marked.
    let clear = signed
        && match (s.lo, s.hi) {
            (Some(lo), Some(hi)) => lo > 0.0 || hi < 0.0,
            _ => false,
        };
    format!(
        "<td class=\"num{}\">{}{ci}</td>",
        if clear { " sig" } else { "" },
        sign(s.mean)
    )
}

/// The columns of the strategy comparison: (heading, unit, path, digits).
type Column = (&'static str, &'static str, At, usize);

/// Where a column's stat is in a strategy's results.
#[derive(Clone, Copy)]
enum At {
    /// A system measure, by name (`measures.<name>`).
    Measure(&'static str),
    /// A measure of the system's recovery.
    Recovery(fn(&RecoveryScope) -> &StatSummary),
}

impl At {
    /// The stat of `strategy` at this place.
    fn stat(self, data: &RunData, strategy: &str) -> Option<StatView> {
        match self {
            At::Measure(m) => data.measure(strategy, m),
            At::Recovery(f) => data.recovery(strategy, "system").map(|r| f(r).into()),
        }
    }
}

const OVERALL: [Column; 4] = [
    (
        "deliveries",
        "shipments/day",
        At::Measure("deliveries_per_day"),
        1,
    ),
    ("WIP", "shipments", At::Measure("mean_wip"), 0),
    ("lead time", "days", At::Measure("lead_time_mean_days"), 2),
    (
        "lead time P90",
        "days",
        At::Measure("lead_time_p90_days"),
        2,
    ),
];

/// Customs rows of the comparison, each shown only where some strategy has a value other
/// than 0: the speed side (who is inspected) next to the security side (what is found).
const CUSTOMS: [Column; 6] = [
    (
        "inspected: own members",
        "share of customs decisions",
        At::Measure("inspected_share_own_members"),
        3,
    ),
    (
        "inspected: partner members",
        "share of customs decisions",
        At::Measure("inspected_share_partner_members"),
        3,
    ),
    (
        "inspected: non-members",
        "share of customs decisions",
        At::Measure("inspected_share_non_members"),
        3,
    ),
    (
        "non-compliant found",
        "share of non-compliant shipments inspected",
        At::Measure("detection_rate"),
        3,
    ),
    (
        "revocation exposure",
        "trusted decisions after a revocation",
        At::Measure("revocation_exposure"),
        0,
    ),
    (
        "screened before departure",
        "shipments",
        At::Measure("screened_departures"),
        0,
    ),
];

/// Kaplan–Meier rows of the comparison: (heading, unit, scope, measure).
/// A Kaplan–Meier time of a recovery scope.
type KmOf = fn(&RecoveryScope) -> &KmTime;

const KM_ROWS: [(&str, &str, &str, KmOf); 4] = [
    ("time to recover", "days, KM median", "system", |r| {
        &r.ttr_days
    }),
    (
        "trusted cargo",
        "days to recover, KM median",
        "class.trusted",
        |r| &r.ttr_days,
    ),
    (
        "ordinary cargo",
        "days to recover, KM median",
        "class.ordinary",
        |r| &r.ttr_days,
    ),
    (
        "first return",
        "days to the band, KM median",
        "system",
        |r| &r.first_return_days,
    ),
];

const RECOVERY: [Column; 2] = [
    (
        "resilience loss",
        "days",
        At::Recovery(|r| &r.resilience_loss_days),
        2,
    ),
    (
        "excess delay",
        "shipment-days",
        At::Recovery(|r| &r.excess_delay_shipment_days),
        0,
    ),
];

/// A Kaplan–Meier median cell: the median (or "not reached") and its 95% CI below.
fn km_cell(v: Option<&KmTime>) -> String {
    let Some(v) = v.filter(|v| v.n > 0) else {
        return "<td class=\"num na\">—</td>".into();
    };
    let day = |x: Option<f64>| match x {
        Some(d) => fmt_num(Some(d), 1),
        None => "–".into(),
    };
    let median = match v.km_median {
        Some(m) => fmt_num(Some(m), 1),
        None => "not reached".into(),
    };
    format!(
        "<td class=\"num\">{median}<span class=\"ci\">[{}, {}]</span></td>",
        day(v.km_median_ci95[0]),
        day(v.km_median_ci95[1])
    )
}

/// The `vs_baseline` key of a system measure's column.
fn paired_key(at: At) -> Option<String> {
    match at {
        At::Measure(m) => Some(format!("system.{m}")),
        At::Recovery(_) => None,
    }
}

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

/// The whole page.
pub fn render(data: &RunData, plots: &Plots) -> String {
    let mut h = String::new();
    let title = format!("tradesim report: {}", data.name);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n",
        esc(&title)
    );
    let _ = writeln!(
        h,
        "<p class=\"muted\">tradesim report</p>\n<h1>{}</h1>",
        esc(&data.name)
    );
    match &data.description {
        Some(d) => {
            let _ = writeln!(h, "<p class=\"lead\">{}</p>", esc(d));
        }
        None => h.push_str("<p class=\"lead muted\">(The scenario has no description.)</p>\n"),
    }
    summary::summary(&mut h, data);
    facts(&mut h, data);
    disruptions(&mut h, data);
    comparison(&mut h, data);
    paired(&mut h, data);
    recovery_differences(&mut h, data);
    figures(&mut h, plots);
    ports(&mut h, data);
    summary::limitations(&mut h, data);
    let _ = writeln!(
        h,
        "<footer>Built by <code>tradesim report {}</code> from summary.json, timeseries.csv \
         and replications.csv (tradesim {}). The plots are also in <code>plots/</code> as \
         PNG and SVG. docs/outputs.md defines every measure.</footer>",
        esc(&data.dir.display().to_string()),
        esc(&data.summary.tradesim_version)
    );
    h.push_str("</main>\n</body>\n</html>\n");
    h
}

fn swatch(i: usize) -> String {
    format!(
        "<span class=\"swatch\" style=\"background:{}\"></span>",
        plots::strategy_hex(i)
    )
}

fn facts(h: &mut String, data: &RunData) {
    let mut rows: Vec<(&str, String)> = vec![
        (
            "strategies",
            data.strategies
                .iter()
                .enumerate()
                .map(|(i, n)| format!("{}{}", swatch(i), esc(n)))
                .collect::<Vec<_>>()
                .join(", "),
        ),
        (
            "replications",
            format!("{} per strategy", data.replications),
        ),
        (
            "simulated time",
            format!(
                "{} days per replication, of which the first {} are warm-up",
                fmt_num(Some(data.horizon), 0),
                fmt_num(Some(data.warmup), 0)
            ),
        ),
    ];
    rows.push(("seed", data.summary.seed.to_string()));
    rows.push((
        "network",
        format!(
            "{} nodes, {} routes",
            data.network.nodes.len(),
            data.network.routes.len()
        ),
    ));
    match data.onset {
        Some(o) => rows.push((
            "first onset",
            format!(
                "day {}{}",
                fmt_num(Some(o), 1),
                if data.onset_varies {
                    " (mean over the replications with a disruption; it varies)"
                } else {
                    ""
                }
            ),
        )),
        None => rows.push(("first onset", "none: no disruption happened".into())),
    }
    h.push_str("<dl class=\"facts\">\n");
    for (k, v) in rows {
        let _ = writeln!(h, "<dt>{k}</dt><dd>{v}</dd>");
    }
    h.push_str("</dl>\n");
}

fn disruptions(h: &mut String, data: &RunData) {
    h.push_str("<h2 id=\"disruptions\">Disruptions</h2>\n");
    if data.network.disruptions.is_empty() {
        h.push_str(
            "<p class=\"note\">This scenario has no disruptions: it shows the network in \
             normal times. There is no onset and no recovery to measure, so the recovery \
             columns and the time-to-recover plots are left out.</p>\n",
        );
        return;
    }
    h.push_str(
        "<div class=\"scroll\"><table>\n<tr><th>id</th><th>kind</th>\
         <th class=\"num\">onset<span class=\"unit\">day (mean)</span></th>\
         <th class=\"num\">probability</th><th>what</th><th>nodes</th></tr>\n",
    );
    for d in &data.network.disruptions {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td>{}</td><td>{}</td></tr>",
            esc(&d.id),
            esc(d.kind.name()),
            fmt_num(d.mean_onset_day, 1),
            d.probability
                .map_or("—".into(), |p| format!("{:.0}%", 100.0 * p)),
            esc(&d.detail),
            esc(&d.nodes.join(", "))
        );
    }
    h.push_str("</table></div>\n");
    if !data.has_recovery() {
        h.push_str(
            "<p class=\"note\">No disruption happened in any replication (each has a \
             probability), so there is no recovery to measure.</p>\n",
        );
    }
}

/// One row of a measure, with its heading and unit, per strategy (columns).
fn measure_row(h: &mut String, name: &str, unit: &str, cells: impl Iterator<Item = String>) {
    let _ = write!(h, "<tr><th>{name} <span class=\"unit\">{unit}</span></th>");
    for c in cells {
        h.push_str(&c);
    }
    h.push_str("</tr>\n");
}

/// A full-width sub-heading row.
fn section_row(h: &mut String, span: usize, text: &str) {
    let _ = writeln!(
        h,
        "<tr class=\"section\"><th colspan=\"{}\">{text}</th></tr>",
        span + 1
    );
}

fn comparison(h: &mut String, data: &RunData) {
    let recovery = data.has_recovery();
    h.push_str("<h2 id=\"comparison\">Strategies compared</h2>\n");
    let _ = writeln!(
        h,
        "<p>Mean over the {} replications of each strategy, with the 95% confidence \
         interval of the mean below it. Deliveries, WIP and lead times cover the run after \
         the warm-up.{}</p>",
        data.replications,
        if recovery {
            " The recovery figures count from the first disruption onset, over the \
             replications with a disruption. A scope has recovered when it is back in its \
             band and stays there for the hold time (or to the end of the run). A \
             replication that has not recovered by the end is right-censored: times to \
             recover are Kaplan–Meier medians with their 95% CI (“not reached” when more \
             than half never recover), never means with the censored ones cut at the \
             horizon; the restricted mean is the mean of the time capped at the shortest \
             follow-up. Resilience loss and excess delay have bootstrap intervals, which \
             stay within their bounds."
        } else {
            ""
        }
    );
    let n = data.strategies.len();
    h.push_str("<div class=\"scroll\"><table id=\"comparison-table\">\n<tr><th>measure</th>");
    for (i, s) in data.strategies.iter().enumerate() {
        let _ = write!(h, "<th class=\"num\">{}{}</th>", swatch(i), esc(s));
    }
    h.push_str("</tr>\n");
    section_row(h, n, "after the warm-up");
    for col in &OVERALL {
        let cells = data
            .strategies
            .iter()
            .map(|s| stat_cell(col.2.stat(data, s), col.3, false));
        measure_row(h, col.0, col.1, cells);
    }
    let shown: Vec<&Column> = CUSTOMS
        .iter()
        .filter(|col| {
            data.strategies.iter().any(|s| {
                col.2
                    .stat(data, s)
                    .and_then(|v| v.mean)
                    .is_some_and(|m| m != 0.0)
            })
        })
        .collect();
    if !shown.is_empty() {
        section_row(h, n, "customs: inspections and security");
        for col in shown {
            let cells = data
                .strategies
                .iter()
                .map(|s| stat_cell(col.2.stat(data, s), col.3, false));
            measure_row(h, col.0, col.1, cells);
        }
    }
    if recovery {
        section_row(h, n, "recovery after the first onset");
        for (name, unit, scope, key) in KM_ROWS {
            let cells = data
                .strategies
                .iter()
                .map(|s| km_cell(data.recovery(s, scope).map(key)));
            measure_row(h, name, unit, cells);
        }
        let cells = data.strategies.iter().map(|s| {
            let share = |scope: &str| {
                data.ttr(s, scope)
                    .and_then(|v| v.censored_share)
                    .map_or("—".to_string(), |x| format!("{:.0}%", 100.0 * x))
            };
            format!(
                "<td class=\"num\">{} / {} / {}</td>",
                share("system"),
                share("class.trusted"),
                share("class.ordinary")
            )
        });
        measure_row(
            h,
            "not recovered",
            "share censored: all / trusted / ordinary",
            cells,
        );
        let cells = data.strategies.iter().map(|s| {
            let v = data.ttr(s, "system");
            stat_cell(
                Some(v.map_or_else(StatView::default, |v| StatView {
                    n: v.n,
                    mean: v.restricted_mean,
                    lo: v.restricted_mean_ci95[0],
                    hi: v.restricted_mean_ci95[1],
                })),
                1,
                false,
            )
        });
        let tau = data
            .strategies
            .first()
            .and_then(|s| data.ttr(s, "system"))
            .and_then(|v| v.restricted_to_days);
        let unit = format!("days, mean of min(time, {} d)", fmt_num(tau, 0));
        measure_row(h, "restricted mean time to recover", &unit, cells);
        for col in &RECOVERY {
            let cells = data
                .strategies
                .iter()
                .map(|s| stat_cell(col.2.stat(data, s), col.3, false));
            measure_row(h, col.0, col.1, cells);
        }
    }
    h.push_str("</table></div>\n");
}

fn paired(h: &mut String, data: &RunData) {
    let recovery = data.has_recovery();
    let with_pairs: Vec<(usize, &String)> = data
        .strategies
        .iter()
        .enumerate()
        .filter(|(_, s)| {
            data.strategy(s)
                .is_some_and(|st| !st.vs_baseline.is_empty())
        })
        .collect();
    h.push_str("<h2 id=\"paired\">Paired differences from the baseline</h2>\n");
    if with_pairs.is_empty() {
        h.push_str(
            "<p class=\"muted\">No paired differences: this run has no <code>baseline</code> \
             strategy to compare with, or no other strategy.</p>\n",
        );
        return;
    }
    h.push_str(
        "<p>Strategy − baseline, replication by replication: every strategy faces the same \
         demand and the same disruptions in a replication (common random numbers), so \
         these intervals are much tighter than the difference of the intervals above. \
         Below zero is better for every measure but deliveries. <b>Bold</b>: the 95% CI \
         excludes zero.</p>\n",
    );
    h.push_str("<div class=\"scroll\"><table id=\"paired-table\">\n<tr><th>measure</th>");
    for (i, s) in &with_pairs {
        let _ = write!(
            h,
            "<th class=\"num\">{}{} − baseline</th>",
            swatch(*i),
            esc(s)
        );
    }
    h.push_str("</tr>\n");
    let diff = |s: &str, at: At| {
        let key = paired_key(at)?;
        data.strategy(s)?.vs_baseline.get(&key).map(StatView::from)
    };
    section_row(h, with_pairs.len(), "after the warm-up");
    for col in &OVERALL {
        let cells = with_pairs
            .iter()
            .map(|(_, s)| stat_cell(diff(s, col.2), col.3, true));
        measure_row(h, col.0, col.1, cells);
    }
    h.push_str("</table></div>\n");
    if recovery {
        h.push_str(
            "<p>The recovery measures' differences, with their verdicts, are in \
             <a href=\"#recovery-differences\">Recovery: differences from the baseline</a>.</p>\n",
        );
    }
}

/// The recovery differences from baseline with verdicts, the target and the sensitivity.
fn recovery_differences(h: &mut String, data: &RunData) {
    let ablation = data.summary.ablation.is_some();
    let rows: Vec<(usize, &String, &DifferenceSummary)> = data
        .strategies
        .iter()
        .enumerate()
        // An ablation's own strategies have their table below.
        .filter(|(_, s)| !(ablation && crate::policy::is_ablation_name(s)))
        .flat_map(|(i, s)| data.recovery_vs_baseline(s).iter().map(move |d| (i, s, d)))
        .collect();
    if rows.is_empty() {
        return;
    }
    h.push_str("<h2 id=\"recovery-differences\">Recovery: differences from the baseline</h2>\n");
    let method = &data.summary.intervals.method;
    let _ = writeln!(
        h,
        "<p>Strategy − baseline over the same replications ({}). A time to recover is \
         compared by its Kaplan–Meier median; where one median is not reached it is taken \
         at the follow-up, so the difference is a bound (“at most”, “at least”); where \
         neither is reached there is no median to compare and the restricted mean is the \
         figure to read. <b>Bold</b>: resolved, the 95% interval excludes zero.</p>",
        esc(method)
    );
    h.push_str(
        "<div class=\"scroll\"><table id=\"recovery-differences-table\">\n<tr><th>strategy</th>\
         <th>measure</th><th class=\"num\">difference [95% CI]</th><th>verdict</th></tr>\n",
    );
    for (i, s, d) in rows {
        let _ = writeln!(
            h,
            "<tr><td>{}{}</td><td>{}</td>{}<td>{}</td></tr>",
            swatch(i),
            esc(s),
            esc(&measure_label(&d.measure)),
            difference_cell(d),
            esc(&d.verdict)
        );
    }
    h.push_str("</table></div>\n");
    target(h, data);
    sensitivity(h, data);
    ablation_table(h, data);
}

/// Which mechanism buys what: per measure, the whole, each mechanism alone and left out,
/// and the sums of the parts (summary.json `ablation`).
fn ablation_table(h: &mut String, data: &RunData) {
    let Some(ablation) = &data.summary.ablation else {
        return;
    };
    h.push_str("<h3 id=\"ablation\">Which mechanism buys what</h3>\n");
    h.push_str(
        "<p>Each of joint business continuity's mechanisms measured two ways, over the \
         same replications: <i>alone</i>, baseline with only that mechanism added \
         (baseline+m − baseline), and <i>left out</i>, what joint loses without it \
         (joint − joint-m). Negative is better (faster recovery, less delay). Where the \
         mechanisms do not interact both ways agree and the parts sum to the whole; where \
         they differ, a mechanism works through another (recognition, for example, \
         matters only through priority and relief). <b>Bold</b>: resolved, the 95% \
         interval excludes zero.</p>\n",
    );
    h.push_str(
        "<div class=\"scroll\"><table id=\"ablation-table\">\n<tr><th>mechanism</th>\
         <th class=\"num\">alone [95% CI]</th><th class=\"num\">left out [95% CI]</th></tr>\n",
    );
    for m in &ablation.measures {
        let label = m.label.as_str();
        let digits = if label.starts_with("excess") { 0 } else { 1 };
        let _ = writeln!(
            h,
            "<tr class=\"section\"><th colspan=\"3\">{}, system</th></tr>",
            esc(label)
        );
        if let Some(w) = &m.whole {
            let _ = writeln!(
                h,
                "<tr><td>whole (joint − baseline)</td>{}<td></td></tr>",
                difference_cell(w)
            );
        }
        for name in &ablation.mechanisms {
            let cell = |part: Part| {
                m.contributions
                    .iter()
                    .find(|c| c.mechanism == *name && c.part == part)
                    .map_or("<td class=\"num na\">—</td>".into(), |c| {
                        difference_cell(&c.difference)
                    })
            };
            let _ = writeln!(
                h,
                "<tr><td>{}</td>{}{}</tr>",
                esc(name),
                cell(Part::Alone),
                cell(Part::LeftOut)
            );
        }
        let _ = writeln!(
            h,
            "<tr><td>sum of the parts</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            fmt_num(m.sum_alone.value(), digits),
            fmt_num(m.sum_left_out.value(), digits)
        );
    }
    h.push_str("</table></div>\n");
}

/// "time to recover (KM median), system" from a difference's measure name.
fn measure_label(name: &str) -> String {
    let rest = name.strip_prefix("recovery.").unwrap_or(name);
    let (scope, measure) = rest.rsplit_once('.').unwrap_or(("", rest));
    let what = match measure {
        "ttr_days" => "time to recover (KM median)",
        "ttr_restricted_mean_days" => "time to recover (restricted mean)",
        "first_return_days" => "first return (KM median)",
        "resilience_loss_days" => "resilience loss (mean)",
        "excess_delay_shipment_days" => "excess shipment-days (mean)",
        m => m,
    };
    let scope = match scope {
        "system" => "system".to_string(),
        "class.trusted" => "trusted cargo".into(),
        "class.ordinary" => "ordinary cargo".into(),
        s => s
            .strip_prefix("country.")
            .map_or(s.to_string(), |c| format!("cargo to {c}")),
    };
    format!("{what}, {scope}")
}

/// A difference with its CI below, bold when resolved; "–" where neither median is reached.
fn difference_cell(d: &DifferenceSummary) -> String {
    let bound = d.bound.as_deref();
    if bound == Some(NEITHER_REACHED) {
        return "<td class=\"num na\">–<span class=\"ci\">neither median reached</span></td>"
            .into();
    }
    let measure = d.measure.as_str();
    let digits = if measure.ends_with("excess_delay_shipment_days") {
        0
    } else if measure.ends_with("resilience_loss_days") {
        2
    } else {
        1
    };
    let signed = |v: Option<f64>| fmt_signed(v, digits);
    let resolved = d.resolved;
    format!(
        "<td class=\"num{}\">{}{}<span class=\"ci\">[{}, {}]</span></td>",
        if resolved { " sig" } else { "" },
        bound.map_or(String::new(), |b| format!("{} ", esc(b))),
        signed(d.difference.value()),
        signed(d.ci95[0].value()),
        signed(d.ci95[1].value())
    )
}

/// Whether a `target_ci` run met its target, as a note.
fn target(h: &mut String, data: &RunData) {
    let Some(t) = &data.summary.target_ci else {
        return;
    };
    let met = t.met;
    let _ = writeln!(
        h,
        "<p class=\"{}\" id=\"target-ci\"><b>{}</b> {} <span class=\"muted\">(Checked {}.)</span></p>",
        if met { "muted" } else { "note" },
        if met {
            "Precision target met."
        } else {
            "Precision target NOT met."
        },
        esc(&t.summary),
        esc(&t.checks)
    );
}

/// How the headline differences move with the tolerance and hold time.
fn sensitivity(h: &mut String, data: &RunData) {
    let cells = &data.summary.sensitivity;
    if cells.is_empty() {
        return;
    }
    let mut tolerances: Vec<f64> = cells.iter().map(|c| c.tolerance).collect();
    let mut holds: Vec<f64> = cells.iter().map(|c| c.hold_days).collect();
    for v in [&mut tolerances, &mut holds] {
        v.sort_by(f64::total_cmp);
        v.dedup();
    }
    h.push_str("<h3 id=\"sensitivity\">Sensitivity of “recovered”</h3>\n");
    h.push_str(
        "<p>The difference of median times to recover from baseline, recomputed from the same \
         replications' series (no new simulation) with the band's tolerance and the hold \
         time halved and doubled. A conclusion that holds across the grid does not depend on \
         where the line for “recovered” is drawn. <b>Bold</b>: resolved.</p>\n",
    );
    let mut groups: Vec<(&String, &String)> = Vec::new();
    for c in cells {
        let key = (&c.strategy, &c.difference.measure);
        if !groups.contains(&key) {
            groups.push(key);
        }
    }
    h.push_str("<div class=\"scroll\"><table id=\"sensitivity-table\">\n");
    for (strategy, measure) in &groups {
        let i = data
            .strategies
            .iter()
            .position(|s| s == *strategy)
            .unwrap_or(0);
        let _ = write!(
            h,
            "<tr class=\"section\"><th colspan=\"{}\">{}{} − baseline: {}</th></tr>\n\
             <tr><th>tolerance</th>",
            holds.len() + 1,
            swatch(i),
            esc(strategy),
            esc(&measure_label(measure))
        );
        for hd in &holds {
            let _ = write!(h, "<th class=\"num\">hold {} d</th>", fmt_num(Some(*hd), 0));
        }
        h.push_str("</tr>\n");
        for tol in &tolerances {
            let _ = write!(h, "<tr><td>{:.1}%</td>", 100.0 * tol);
            for hd in &holds {
                let cell = cells.iter().find(|c| {
                    c.strategy == **strategy
                        && c.difference.measure == **measure
                        && c.tolerance == *tol
                        && c.hold_days == *hd
                });
                h.push_str(&cell.map_or("<td class=\"num na\">—</td>".into(), |c| {
                    difference_cell(&c.difference)
                }));
            }
            h.push_str("</tr>\n");
        }
    }
    h.push_str("</table></div>\n");
}

fn figures(h: &mut String, plots: &Plots) {
    h.push_str("<h2 id=\"plots\">Plots</h2>\n");
    for p in &plots.drawn {
        let _ = writeln!(
            h,
            "<figure class=\"plot\" id=\"plot-{id}\" data-plot=\"{id}\">\n{svg}\n\
             <figcaption><b>{title}.</b> {caption} <span class=\"muted\">Files: \
             <a href=\"plots/{id}.png\">plots/{id}.png</a>, \
             <a href=\"plots/{id}.svg\">plots/{id}.svg</a>.</span></figcaption>\n</figure>",
            id = p.id,
            svg = inline_svg(&p.svg, p.id, &p.title),
            title = esc(&p.title),
            caption = esc(&p.caption),
        );
    }
    for s in &plots.skipped {
        let _ = writeln!(
            h,
            "<p class=\"note\" id=\"skipped-{}\"><b>{}</b>: not drawn, {}.</p>",
            s.id,
            esc(&s.title),
            esc(&s.reason)
        );
    }
}

/// plotters' SVG document as an inline `<svg>`: the root's fixed width and height and
/// its namespace attribute go (the viewBox scales it), a title is added.
fn inline_svg(svg: &str, id: &str, title: &str) -> String {
    let body = svg
        .find("<svg")
        .map_or(svg, |i| &svg[i..])
        .trim_end()
        .to_string();
    let Some(end) = body.find('>') else {
        return body;
    };
    let mut root = body[..end].to_string();
    for attr in ["width", "height", "xmlns"] {
        if let Some(i) = root.find(&format!(" {attr}=\"")) {
            let start = i + attr.len() + 3;
            if let Some(j) = root[start..].find('"') {
                root.replace_range(i..start + j + 1, "");
            }
        }
    }
    format!(
        "{root} role=\"img\" aria-labelledby=\"title-{id}\"><title id=\"title-{id}\">{}</title>{}",
        esc(title),
        &body[end + 1..]
    )
}

fn ports(h: &mut String, data: &RunData) {
    h.push_str("<h2 id=\"ports\">Ports</h2>\n");
    if data.network.nodes.is_empty() {
        h.push_str("<p class=\"muted\">summary.json has no network section.</p>\n");
        return;
    }
    let recovery = data.has_recovery();
    let first = data.reference_strategy();
    let _ = writeln!(
        h,
        "<p>Per node, in file order. Capacity lost is the share of handling capacity lost at \
         the first onset (mean over replications). Throughput and utilisation are under \
         <b>{}</b>; the wait (for a berth, before handling){} is given per strategy. \
         Means over the replications.</p>",
        esc(first),
        if recovery {
            " and the node's time to recover (days from the first onset until its \
             throughput and queue are back in their baseline band)"
        } else {
            ""
        }
    );
    let n = data.strategies.len();
    h.push_str("<div class=\"scroll\"><table id=\"ports-table\">\n<tr>");
    h.push_str(
        "<th rowspan=\"2\">node</th><th rowspan=\"2\">country</th><th rowspan=\"2\">kind</th>",
    );
    if recovery {
        h.push_str("<th rowspan=\"2\" class=\"num\">capacity lost<span class=\"unit\">at onset</span></th>");
    }
    h.push_str(
        "<th rowspan=\"2\" class=\"num\">throughput<span class=\"unit\">shipments/day</span></th>\
         <th rowspan=\"2\" class=\"num\">utilisation<span class=\"unit\">berths</span></th>",
    );
    let _ = write!(h, "<th colspan=\"{n}\" class=\"num\">wait (days)</th>");
    if recovery {
        let _ = write!(
            h,
            "<th colspan=\"{n}\" class=\"num\">time to recover (days)</th>"
        );
    }
    h.push_str("</tr>\n<tr>");
    let groups = if recovery { 2 } else { 1 };
    for _ in 0..groups {
        for (i, s) in data.strategies.iter().enumerate() {
            let _ = write!(h, "<th class=\"num\">{}{}</th>", swatch(i), esc(s));
        }
    }
    h.push_str("</tr>\n");
    let mean = |s: &str, node: &str, m: &str| data.node_measure(s, node, m).and_then(|v| v.mean);
    let mut any_censored = false;
    for node in &data.network.nodes {
        let id = node.id.as_str();
        let _ = write!(
            h,
            "<tr><th>{}{}</th><td>{}</td><td>{}</td>",
            esc(id),
            node.name.as_ref().map_or(String::new(), |n| format!(
                "<span class=\"name\">{}</span>",
                esc(n)
            )),
            esc(&node.country),
            esc(&node.kind.replace('_', " "))
        );
        if recovery {
            let _ = write!(
                h,
                "<td class=\"num\">{}{}</td>",
                node.capacity_lost
                    .map_or("—".into(), |c| format!("{:.0}%", 100.0 * c)),
                if node.closed { " (closed)" } else { "" }
            );
        }
        let _ = write!(
            h,
            "<td class=\"num\">{}</td><td class=\"num\">{}</td>",
            fmt_num(mean(first, id, "throughput_per_day"), 1),
            fmt_num(mean(first, id, "utilisation"), 2)
        );
        for s in &data.strategies {
            let _ = write!(
                h,
                "<td class=\"num\">{}</td>",
                fmt_num(mean(s, id, "mean_wait_days"), 2)
            );
        }
        if recovery {
            let scope = format!("node.{id}");
            for s in &data.strategies {
                let censored = data
                    .recovery(s, &scope)
                    .and_then(|r| r.ttr_censored.mean)
                    .unwrap_or(0.0);
                any_censored |= censored > 0.0;
                let _ = write!(
                    h,
                    "<td class=\"num\">{}{}</td>",
                    fmt_num(data.ttr(s, &scope).and_then(|t| t.mean), 1),
                    if censored > 0.0 { "<sup>*</sup>" } else { "" }
                );
            }
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</table></div>\n");
    if any_censored {
        h.push_str(
            "<p class=\"muted\"><sup>*</sup> Not recovered by the end of the run in some \
             replications: their time to recover counts as horizon − onset, so the mean \
             understates it.</p>\n",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_svg_drops_size_and_namespace() {
        let svg = "<svg width=\"10\" height=\"20\" viewBox=\"0 0 10 20\" xmlns=\"http://www.w3.org/2000/svg\">\n<rect/></svg>\n";
        let out = inline_svg(svg, "x", "A & B");
        assert!(
            out.starts_with("<svg viewBox=\"0 0 10 20\" role=\"img\""),
            "{out}"
        );
        assert!(!out.contains("http"), "{out}");
        assert!(
            out.contains("<title id=\"title-x\">A &amp; B</title>"),
            "{out}"
        );
        assert!(out.ends_with("<rect/></svg>"), "{out}");
    }

    #[test]
    fn escapes() {
        assert_eq!(esc("<a href='x'>&"), "&lt;a href=&#39;x&#39;&gt;&amp;");
    }
}
