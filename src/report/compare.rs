//! Finished runs side by side (`tradesim compare DIR...`): the same headline recovery
//! figures for every strategy of every run, and each strategy's differences from its own
//! run's baseline with their verdicts, read from each run's `summary.json`.
//!
//! Runs of different scenarios are not paired replication by replication, so the
//! comparison across runs is of estimates with their own intervals; within a run the
//! differences are the run's paired ones.

use super::data::run::ReportError;
use super::data::{DifferenceSummary, KmTime, StatSummary, Summary};
use super::text::{fmt_num, fmt_signed};
use std::path::{Path, PathBuf};

/// One run: its folder and its summary.
#[derive(Debug, Clone)]
pub struct Run {
    /// The output folder the run was read from.
    pub dir: PathBuf,
    /// Its `summary.json`.
    pub summary: Summary,
}

/// The recovery measures every comparison shows, by scope `system`: (measure, label).
pub const HEADLINE: [(&str, &str); 4] = [
    ("recovery.system.ttr_days", "time to recover (KM median)"),
    (
        "recovery.class.trusted.ttr_days",
        "trusted time to recover (KM median)",
    ),
    (
        "recovery.system.excess_delay_shipment_days",
        "excess shipment-days (mean)",
    ),
    (
        "recovery.system.resilience_loss_days",
        "resilience loss (mean)",
    ),
];

/// The columns of a tidy results table after the ones that say where a row comes from
/// (`run` here, `point` and the swept keys in a sweep's `sweep.csv`).
pub const TIDY_COLUMNS: [&str; 9] = [
    "strategy",
    "measure",
    "statistic",
    "value",
    "ci95_low",
    "ci95_high",
    "n",
    "censored_share",
    "verdict",
];

/// One tidy row's fields after the columns that say where it comes from, borrowed from a
/// comparison's [`Row`] or a sweep's row, so both tables write them the same way.
#[derive(Debug, Clone, Copy)]
pub struct TidyFields<'a> {
    /// The strategy.
    pub strategy: &'a str,
    /// The measure's name.
    pub measure: &'a str,
    /// The statistic (`mean`, `km_median`, …).
    pub statistic: &'a str,
    /// The estimate.
    pub value: Option<f64>,
    /// Its 95% interval.
    pub ci95: [Option<f64>; 2],
    /// Replications it rests on.
    pub n: u64,
    /// Share not recovered by the horizon.
    pub censored_share: Option<f64>,
    /// For a difference: its verdict.
    pub verdict: &'a str,
}

impl TidyFields<'_> {
    /// The cells, in [`TIDY_COLUMNS`] order. A number that is absent or not finite (not
    /// estimable, an open end, not applicable) is an empty cell.
    pub fn cells(&self) -> [String; 9] {
        let num = |x: Option<f64>| {
            x.filter(|v| v.is_finite())
                .map_or(String::new(), |v| format!("{v}"))
        };
        [
            self.strategy.to_string(),
            self.measure.to_string(),
            self.statistic.to_string(),
            num(self.value),
            num(self.ci95[0]),
            num(self.ci95[1]),
            self.n.to_string(),
            num(self.censored_share),
            self.verdict.to_string(),
        ]
    }
}

/// One row of the tidy comparison table.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The run's label: its scenario name, with the folder if two runs share a name.
    pub run: String,
    /// The strategy.
    pub strategy: String,
    /// `recovery.<scope>.<measure>`.
    pub measure: String,
    /// `km_median`, `mean` or `difference_from_baseline`.
    pub statistic: &'static str,
    /// The estimate (None: not estimable).
    pub value: Option<f64>,
    /// Its 95% interval (None: an open end).
    pub ci95: [Option<f64>; 2],
    /// Replications it rests on.
    pub n: u64,
    /// Share not recovered by the horizon (times to recover only).
    pub censored_share: Option<f64>,
    /// For a difference: "resolved" or why not.
    pub verdict: String,
}

/// Reads the `summary.json` of every folder in `dirs`.
pub fn load(dirs: &[PathBuf]) -> Result<Vec<Run>, ReportError> {
    dirs.iter()
        .map(|dir| {
            let path = dir.join("summary.json");
            let bytes = std::fs::read(&path).map_err(|source| ReportError::Read {
                path: path.clone(),
                source,
            })?;
            let summary = serde_json::from_slice(&bytes).map_err(|e| ReportError::Invalid {
                path,
                message: format!("not a summary.json as tradesim writes it: {e}"),
            })?;
            Ok(Run {
                dir: dir.clone(),
                summary,
            })
        })
        .collect()
}

/// Each run's label: the scenario name, and the folder too where names repeat.
pub fn labels(runs: &[Run]) -> Vec<String> {
    runs.iter()
        .map(|r| {
            let name = &r.summary.scenario;
            let twice = runs.iter().filter(|o| &o.summary.scenario == name).count() > 1;
            if twice {
                format!("{name} ({})", r.dir.display())
            } else {
                name.clone()
            }
        })
        .collect()
}

/// The tidy rows: per run and strategy the headline measures, then its differences from
/// its run's baseline for the same measures.
pub fn rows(runs: &[Run]) -> Vec<Row> {
    let mut out = vec![];
    for (run, label) in runs.iter().zip(labels(runs)) {
        for name in &run.summary.strategy_order {
            let Some(s) = run.summary.strategies.get(name) else {
                continue;
            };
            for (measure, _) in HEADLINE {
                let Some((scope, m)) = split(measure) else {
                    continue;
                };
                let Some(rec) = s.recovery.get(scope) else {
                    continue;
                };
                let row = |statistic, value, ci95, n, censored_share| Row {
                    run: label.clone(),
                    strategy: name.clone(),
                    measure: measure.to_string(),
                    statistic,
                    value,
                    ci95,
                    n,
                    censored_share,
                    verdict: String::new(),
                };
                match m {
                    "ttr_days" => {
                        let t: &KmTime = &rec.ttr_days;
                        out.push(row(
                            "km_median",
                            t.km_median,
                            t.km_median_ci95,
                            t.n,
                            t.censored_share,
                        ));
                    }
                    "excess_delay_shipment_days" | "resilience_loss_days" => {
                        let st: &StatSummary = if m == "resilience_loss_days" {
                            &rec.resilience_loss_days
                        } else {
                            &rec.excess_delay_shipment_days
                        };
                        out.push(row("mean", st.mean, st.ci95, st.n, None));
                    }
                    _ => {}
                }
            }
            for (measure, _) in HEADLINE {
                if let Some(d) = s.recovery_vs_baseline.iter().find(|d| d.measure == measure) {
                    out.push(difference(&label, name, d));
                }
            }
        }
    }
    out
}

fn difference(run: &str, strategy: &str, d: &DifferenceSummary) -> Row {
    let finite = |x: f64| x.is_finite().then_some(x);
    Row {
        run: run.to_string(),
        strategy: strategy.to_string(),
        measure: d.measure.clone(),
        statistic: "difference_from_baseline",
        value: finite(d.difference.0),
        ci95: [finite(d.ci95[0].0), finite(d.ci95[1].0)],
        n: d.n,
        censored_share: None,
        verdict: d.verdict.clone(),
    }
}

/// `recovery.<scope>.<measure>` → (scope, measure); scopes may hold dots (`class.trusted`).
fn split(measure: &str) -> Option<(&str, &str)> {
    let rest = measure.strip_prefix("recovery.")?;
    rest.rsplit_once('.')
}

/// The rows as CSV, ready for pandas.
pub fn csv(rows: &[Row]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(vec![]);
    let mut header = vec!["run"];
    header.extend(TIDY_COLUMNS);
    let _ = w.write_record(&header);
    for r in rows {
        let fields = TidyFields {
            strategy: &r.strategy,
            measure: &r.measure,
            statistic: r.statistic,
            value: r.value,
            ci95: r.ci95,
            n: r.n,
            censored_share: r.censored_share,
            verdict: &r.verdict,
        };
        let mut record = vec![r.run.clone()];
        record.extend(fields.cells());
        let _ = w.write_record(&record);
    }
    w.into_inner().unwrap_or_default()
}

/// The console text: one table of the runs' headline figures, one of the differences.
pub fn console(runs: &[Run], rows: &[Row]) -> String {
    let mut s = String::from("\nruns compared (each strategy against its own run's baseline):\n");
    let runs_table: Vec<[String; 4]> = runs
        .iter()
        .zip(labels(runs))
        .map(|(r, label)| {
            [
                label,
                r.summary.replications.to_string(),
                r.summary.seed.to_string(),
                r.summary.disruptions.join(", "),
            ]
        })
        .collect();
    s += &super::table(&["run", "replications", "seed", "disruptions"], &runs_table);
    let estimate = |r: &Row, digits: usize, signed: bool| {
        let f = |x| {
            if signed {
                fmt_signed(x, digits)
            } else {
                fmt_num(x, digits)
            }
        };
        format!("{} [{}, {}]", f(r.value), f(r.ci95[0]), f(r.ci95[1]))
    };
    let digits = |m: &str| if m.ends_with("shipment_days") { 0 } else { 1 };
    fn label(m: &str) -> &str {
        HEADLINE.iter().find(|h| h.0 == m).map_or(m, |h| h.1)
    }
    s += "\nper strategy:\n";
    let per: Vec<[String; 5]> = rows
        .iter()
        .filter(|r| r.statistic != "difference_from_baseline")
        .map(|r| {
            let censored = r.censored_share.map_or(String::new(), |c| {
                format!("{:.0}% not recovered", c * 100.0)
            });
            [
                r.run.clone(),
                r.strategy.clone(),
                label(&r.measure).into(),
                estimate(r, digits(&r.measure), false),
                censored,
            ]
        })
        .collect();
    s += &super::table(
        &["run", "strategy", "measure", "estimate [95% CI]", ""],
        &per,
    );
    s += "\ndifferences from each run's baseline (paired within the run):\n";
    let diff: Vec<[String; 5]> = rows
        .iter()
        .filter(|r| r.statistic == "difference_from_baseline")
        .map(|r| {
            [
                r.run.clone(),
                r.strategy.clone(),
                label(&r.measure).into(),
                estimate(r, digits(&r.measure), true),
                r.verdict.clone(),
            ]
        })
        .collect();
    s += &super::table(
        &[
            "run",
            "strategy",
            "measure",
            "difference [95% CI]",
            "verdict",
        ],
        &diff,
    );
    s
}

/// Where `compare` writes by default: `outputs/compare/`.
pub fn default_out() -> &'static Path {
    Path::new("outputs/compare")
}
