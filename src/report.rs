//! Results on disk and on screen: `summary.json`, `replications.csv`, `timeseries.csv`
//! (every field documented in docs/outputs.md) and the table that ends a run.
//!
//! Every file is written to a temporary file in the same folder and renamed into place,
//! so a crash never leaves a half-written result and earlier results stay until replaced.

pub mod data;
pub mod html;
pub mod limitations;
pub mod plots;
pub mod slurm;
mod summary_json;
pub mod text;

pub use summary_json::{network_json, summary_json};

use crate::experiment::inference::{
    Difference, Estimate, NEITHER_REACHED, RecoveryAnalysis, TargetStatus, TimeToRecover,
};
use crate::experiment::{DailyStat, Outcome, stats::Stat};
use crate::measure::ReplicationResult;
use crate::measure::{DAILY_SERIES, MeasureSchema, scope_rows};
use crate::scenario::Scenario;
use data::{DayPoint, Timeseries};
use std::io::Write;
use std::path::{Path, PathBuf};

/// A result file could not be written.
#[derive(Debug, thiserror::Error)]
#[error("cannot write {path}: {source}")]
pub struct WriteError {
    pub path: PathBuf,
    pub source: std::io::Error,
}

/// Writes `bytes` to `path` atomically (temporary file + fsync + rename).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    write_all_atomic(&[(path, bytes)])
}

/// The temporary file a write of `path` goes through: `.<name>.tmp-<pid>` beside it (so
/// the rename stays on one file system; `remove_stale_temporaries` knows the pattern).
fn temporary_beside(path: &Path) -> PathBuf {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    dir.join(format!(".{name}.tmp-{}", std::process::id()))
}

/// Writes several files as one: each is first written and synced to a temporary file
/// beside it, and only when all of them are written are they renamed into place. A full
/// disk, an unwritable folder or a folder in the way fails before anything is replaced,
/// so the earlier files stay as they were; no temporary file is left either way.
pub fn write_all_atomic(files: &[(&Path, &[u8])]) -> Result<(), WriteError> {
    let streamed: Vec<(&Path, Writer<'_>)> = files
        .iter()
        .map(|&(path, bytes)| {
            (
                path,
                Box::new(move |w: &mut dyn Write| w.write_all(bytes)) as Writer<'_>,
            )
        })
        .collect();
    write_all_atomic_streamed(streamed)
}

/// Streams one file's contents out (see [`write_all_atomic_streamed`]).
pub type Writer<'a> = Box<dyn FnOnce(&mut dyn Write) -> std::io::Result<()> + 'a>;

/// [`write_all_atomic`] for contents that are streamed through a buffer as they are
/// rendered, so a long series is never held in memory whole.
pub fn write_all_atomic_streamed(files: Vec<(&Path, Writer<'_>)>) -> Result<(), WriteError> {
    let mut staged: Vec<(PathBuf, &Path)> = Vec::new();
    let remove = |staged: &[(PathBuf, &Path)]| {
        for (tmp, _) in staged {
            let _ = std::fs::remove_file(tmp);
        }
    };
    for (path, write) in files {
        let err = |source| WriteError {
            path: path.to_path_buf(),
            source,
        };
        let tmp = temporary_beside(path);
        let written = if path.is_dir() {
            // The rename would fail on it: find out before anything is replaced.
            Err(std::io::Error::from(std::io::ErrorKind::IsADirectory))
        } else {
            std::fs::File::create(&tmp).and_then(|f| {
                let mut w = std::io::BufWriter::with_capacity(1 << 16, f);
                write(&mut w)?;
                let f = w.into_inner().map_err(|e| e.into_error())?;
                f.sync_all()
            })
        };
        if let Err(e) = written {
            let _ = std::fs::remove_file(&tmp);
            remove(&staged);
            return Err(err(e));
        }
        staged.push((tmp, path));
    }
    for (i, (tmp, path)) in staged.iter().enumerate() {
        if let Err(source) = std::fs::rename(tmp, path) {
            remove(&staged[i..]);
            return Err(WriteError {
                path: path.to_path_buf(),
                source,
            });
        }
    }
    Ok(())
}

/// Writes one file atomically as `write` streams it out (through a buffer, so a large file
/// is never held in memory whole): [`write_all_atomic_streamed`] with one file.
pub fn write_atomic_streamed(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), WriteError> {
    write_all_atomic_streamed(vec![(path, Box::new(write))])
}

/// Removes temporary files that a killed run left in `dir` (`.<name>.tmp-<pid>` of a
/// process that no longer exists).
pub fn remove_stale_temporaries(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(pid) = name
            .strip_prefix('.')
            .and_then(|n| n.rsplit_once(".tmp-"))
            .map(|(_, pid)| pid.to_string())
        else {
            continue;
        };
        let alive = pid
            .parse::<u32>()
            .is_ok_and(|p| p == std::process::id() || Path::new(&format!("/proc/{p}")).exists());
        if !alive {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Creates the output folder (and parents) and checks it is writable.
pub fn prepare_dir(dir: &Path) -> Result<(), WriteError> {
    let err = |source| WriteError {
        path: dir.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(err)?;
    let probe = dir.join(format!(".tradesim-probe-{}", std::process::id()));
    std::fs::write(&probe, b"").map_err(err)?;
    let _ = std::fs::remove_file(&probe);
    Ok(())
}

/// How the daily series are written: `timeseries.csv`, or the same table compressed
/// with gzip as `timeseries.csv.gz` (a third to a sixth of the size; pandas, R and
/// `tradesim report` read either). `tradesim run --timeseries-format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SeriesFormat {
    /// Plain CSV (the default).
    #[default]
    Csv,
    /// Gzip-compressed CSV.
    CsvGz,
}

impl SeriesFormat {
    /// Both formats, the default first.
    pub const ALL: [SeriesFormat; 2] = [SeriesFormat::Csv, SeriesFormat::CsvGz];

    /// The file the series are written to.
    pub fn file_name(self) -> &'static str {
        match self {
            SeriesFormat::Csv => "timeseries.csv",
            SeriesFormat::CsvGz => "timeseries.csv.gz",
        }
    }

    /// The name on the command line (`csv`, `csv.gz`).
    pub fn name(self) -> &'static str {
        match self {
            SeriesFormat::Csv => "csv",
            SeriesFormat::CsvGz => "csv.gz",
        }
    }

    /// The format named `name` on the command line.
    pub fn parse(name: &str) -> Result<SeriesFormat, String> {
        Self::ALL
            .into_iter()
            .find(|f| f.name() == name)
            .ok_or_else(|| {
                format!("unknown timeseries format `{name}`: expected `csv` or `csv.gz`")
            })
    }

    /// The series file of a finished run in `dir`, whichever format it was written in.
    pub fn find(dir: &Path) -> Option<PathBuf> {
        Self::ALL
            .into_iter()
            .map(|f| dir.join(f.file_name()))
            .find(|p| p.is_file())
    }
}

/// Writes `summary.json` and `timeseries.csv` of `outcome` into `dir` (the rows of
/// `replications.csv` are streamed while the run goes: see [`replications_header`]).
pub fn write_outputs(
    dir: &Path,
    scenario: &Scenario,
    outcome: &Outcome,
    format: SeriesFormat,
) -> Result<(), WriteError> {
    write_outputs_with_rows(dir, scenario, outcome, None, format)
}

/// [`write_outputs`], and `replications.csv` with `rows` (a merge's) in the same step.
pub fn write_outputs_with_rows(
    dir: &Path,
    scenario: &Scenario,
    outcome: &Outcome,
    rows: Option<&[u8]>,
    format: SeriesFormat,
) -> Result<(), WriteError> {
    prepare_dir(dir)?;
    // Render the summary first: a failure leaves nothing half-done. The series are
    // streamed into their temporary file, and all files are renamed into place together.
    let summary = summary_json(scenario, outcome);
    let mut summary_text = serde_json::to_string_pretty(&summary).expect("summary.json serialises");
    summary_text.push('\n');
    let rows_path = dir.join("replications.csv");
    let (timeseries_path, summary_path) = (dir.join(format.file_name()), dir.join("summary.json"));
    let series: Writer<'_> = Box::new(move |w: &mut dyn Write| match format {
        SeriesFormat::Csv => write_timeseries(w, scenario, outcome),
        SeriesFormat::CsvGz => {
            let mut gz = flate2::write::GzEncoder::new(w, flate2::Compression::fast());
            write_timeseries(&mut gz, scenario, outcome)?;
            gz.finish().map(|_| ())
        }
    });
    let mut files: Vec<(&Path, Writer<'_>)> = vec![
        (&timeseries_path, series),
        (
            &summary_path,
            Box::new(|w: &mut dyn Write| w.write_all(summary_text.as_bytes())),
        ),
    ];
    if let Some(rows) = rows {
        files.insert(
            0,
            (
                &rows_path,
                Box::new(move |w: &mut dyn Write| w.write_all(rows)),
            ),
        );
    }
    // All or none: a failure leaves the earlier set in place.
    write_all_atomic_streamed(files)?;
    // A series file of the other format is an earlier run's: it would contradict these.
    for other in SeriesFormat::ALL.into_iter().filter(|f| *f != format) {
        let _ = std::fs::remove_file(dir.join(other.file_name()));
    }
    Ok(())
}

/// A CSV cell: shortest round-trip decimal, empty for NaN.
fn cell(x: f64) -> String {
    if x.is_nan() {
        String::new()
    } else {
        format!("{x}")
    }
}

/// The header line of `replications.csv`: replication, strategy, then every measure.
pub fn replications_header(schema: &MeasureSchema) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["replication".to_string(), "strategy".to_string()];
    header.extend(schema.names.iter().cloned());
    w.write_record(&header).expect("in-memory CSV");
    w.into_inner().expect("in-memory CSV")
}

/// Rows of `replications.csv` for some replications: one per replication × strategy.
pub fn replication_rows(scenario: &Scenario, results: &[ReplicationResult]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in results {
        let mut row = vec![
            r.replication.to_string(),
            scenario.strategies[r.strategy].name.clone(),
        ];
        row.extend(r.values.iter().map(|&x| cell(x)));
        w.write_record(&row).expect("in-memory CSV");
    }
    w.into_inner().expect("in-memory CSV")
}

/// `timeseries.csv` in memory (see [`write_timeseries`]).
pub fn timeseries_csv(scenario: &Scenario, outcome: &Outcome) -> Vec<u8> {
    let mut out = Vec::new();
    write_timeseries(&mut out, scenario, outcome).expect("in-memory CSV");
    out
}

/// `timeseries.csv`: one row per day × strategy × scope × series, summarised over
/// replications. Per strategy and day: the system series (`scope_kind` `system`,
/// `scope_id` `all`), then the scoped series the run tallied ([`scope_rows`] order).
pub fn write_timeseries(
    out: &mut dyn Write,
    scenario: &Scenario,
    outcome: &Outcome,
) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "day",
        "strategy",
        "scope_kind",
        "scope_id",
        "series",
        "n",
        "mean",
        "sd",
        "p10",
        "p50",
        "p90",
    ])?;
    let scoped = scope_rows(scenario, outcome.aggregate.scopes);
    // One buffer for every number: a long run has millions of cells (the same text as
    // [`cell`], without an allocation each).
    let mut buf = String::new();
    let mut record = |d: usize, name: &str, kind: &str, id: &str, series: &str, x: &DailyStat| {
        put(&mut w, &mut buf, d)?;
        for text in [name, kind, id, series] {
            w.write_field(text)?;
        }
        put(&mut w, &mut buf, x.n)?;
        for v in [x.mean, x.sd, x.p10, x.p50, x.p90] {
            if v.is_nan() {
                w.write_field("")?;
            } else {
                put(&mut w, &mut buf, v)?;
            }
        }
        w.write_record(None::<&[u8]>)
    };
    for s in &outcome.summaries {
        let name = &scenario.strategies[s.strategy].name;
        let days = s.daily.len();
        for (d, row) in s.daily.iter().enumerate() {
            for (k, series) in DAILY_SERIES.iter().enumerate() {
                record(d, name, "system", "all", series, &row[k])?;
            }
            for (k, r) in scoped.iter().enumerate() {
                if let Some(x) = s.scope_daily.get(k * days + d) {
                    record(d, name, r.kind, &r.id, r.series, x)?;
                }
            }
        }
    }
    w.flush()
}

/// The daily series the report draws ([`Timeseries`]), from memory: the values
/// `timeseries.csv` holds, so a report drawn from these is the one drawn from the file.
pub fn report_series(scenario: &Scenario, outcome: &Outcome) -> Timeseries {
    let scoped = scope_rows(scenario, outcome.aggregate.scopes);
    let (mut system, mut nodes) = Timeseries::default();
    for s in &outcome.summaries {
        let name = &scenario.strategies[s.strategy].name;
        let days = s.daily.len();
        for (k, series) in DAILY_SERIES.iter().enumerate() {
            let points = s.daily.iter().enumerate().map(|(d, row)| DayPoint {
                day: d as f64,
                n: row[k].n,
                mean: row[k].mean,
                p10: row[k].p10,
                p90: row[k].p90,
            });
            system.insert((name.clone(), series.to_string()), points.collect());
        }
        for (k, r) in scoped.iter().enumerate() {
            if r.kind != "node" || r.series != "throughput" {
                continue;
            }
            let points = (0..days)
                .filter_map(|d| s.scope_daily.get(k * days + d).map(|x| (d as f64, x.mean)));
            nodes.insert((name.clone(), r.id.clone()), points.collect());
        }
    }
    (system, nodes)
}

/// Writes `v`'s text as one CSV field through the reused buffer `buf`.
fn put<W: Write>(
    w: &mut csv::Writer<W>,
    buf: &mut String,
    v: impl std::fmt::Display,
) -> csv::Result<()> {
    use std::fmt::Write as _;
    buf.clear();
    write!(buf, "{v}").expect("writing to a String");
    w.write_field(buf.as_bytes())
}

/// `mean [lo, hi]` with `digits` decimals, or `mean` alone with one replication.
pub fn mean_ci(s: &Stat, digits: usize) -> String {
    if s.n == 0 {
        return "—".into();
    }
    if s.ci95[0].is_finite() {
        format!(
            "{:.d$} [{:.d$}, {:.d$}]",
            s.mean,
            s.ci95[0],
            s.ci95[1],
            d = digits
        )
    } else {
        format!("{:.d$}", s.mean, d = digits)
    }
}

/// The concise table that ends a run.
pub fn console_table(scenario: &Scenario, outcome: &Outcome) -> String {
    let mut out = String::new();
    let reps = outcome.aggregate.replications;
    out.push_str(&format!(
        "\n{} — {} replication{} × {} strateg{}, {:.0} days (warm-up {:.0}), seed {}\n",
        scenario.name,
        reps,
        if reps == 1 { "" } else { "s" },
        outcome.summaries.len(),
        if outcome.summaries.len() == 1 {
            "y"
        } else {
            "ies"
        },
        scenario.horizon,
        scenario.warmup,
        outcome.plan.seed
    ));
    out.push_str("mean [95% CI] over replications; times in days\n\n");
    let rows: Vec<[String; 5]> = outcome
        .summaries
        .iter()
        .map(|s| {
            let m = &s.measures;
            [
                scenario.strategies[s.strategy].name.clone(),
                mean_ci(&m[2], 1),
                mean_ci(&m[3], 0),
                mean_ci(&m[4], 2),
                mean_ci(&m[5], 2),
            ]
        })
        .collect();
    out.push_str(&table(
        &[
            "strategy",
            "deliveries/day",
            "WIP",
            "lead time",
            "lead time P90",
        ],
        &rows,
    ));
    if !scenario.disruptions.is_empty() {
        out.push_str(&recovery_table(scenario, outcome));
    }
    let reference = outcome
        .summaries
        .iter()
        .find(|s| scenario.strategies[s.strategy].name == crate::policy::Strategy::DEFAULTS)
        .or(outcome.summaries.first());
    if let Some(s) = reference {
        let mut nodes: Vec<(usize, f64)> = (0..scenario.nodes.len())
            .map(|i| (i, s.measures[MeasureSchema::node_offset(i) + 1].mean))
            .collect();
        nodes.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let shown = nodes.len().min(8);
        out.push_str(&format!(
            "\nbusiest nodes ({}{}):\n",
            scenario.strategies[s.strategy].name,
            if nodes.len() > shown {
                format!(", {shown} of {}", nodes.len())
            } else {
                String::new()
            }
        ));
        let rows: Vec<[String; 5]> = nodes[..shown]
            .iter()
            .map(|&(i, _)| {
                let o = MeasureSchema::node_offset(i);
                let m = &s.measures;
                [
                    scenario.nodes[i].id.clone(),
                    format!("{:.1}", m[o].mean),
                    format!("{:.3}", m[o + 1].mean),
                    format!("{:.3}", m[o + 2].mean),
                    format!("{:.2}", m[o + 3].mean),
                ]
            })
            .collect();
        out.push_str(&table(
            &[
                "node",
                "throughput/day",
                "utilisation",
                "wait (days)",
                "queue length",
            ],
            &rows,
        ));
    }
    out
}

/// A Kaplan–Meier median with its interval: `12.0 [10.0, 15.0]`, `not reached`, or with
/// an open upper end `40.0 [31.0, –]`.
pub fn median_ci(t: &TimeToRecover, digits: usize) -> String {
    if t.n == 0 {
        return "—".into();
    }
    let end = |x: Option<f64>| x.map_or("–".to_string(), |v| format!("{v:.digits$}"));
    match t.median {
        None => format!("not reached [{}, –]", end(t.median_ci95[0])),
        Some(m) => format!(
            "{m:.digits$} [{}, {}]",
            end(t.median_ci95[0]),
            end(t.median_ci95[1])
        ),
    }
}

/// An estimate with its interval: `2.08 [0.81, 4.96]` (ends that are not finite shown as –).
pub fn estimate_ci(e: &Estimate, digits: usize) -> String {
    if e.value.is_nan() {
        return "—".into();
    }
    let f = |v: f64| {
        if v.is_finite() {
            format!("{v:.digits$}")
        } else if v > 0.0 {
            "+inf".into()
        } else if v < 0.0 {
            "-inf".into()
        } else {
            "–".into()
        }
    };
    if e.ci95[0].is_nan() || e.ci95[1].is_nan() {
        return f(e.value);
    }
    format!("{} [{}, {}]", f(e.value), f(e.ci95[0]), f(e.ci95[1]))
}

/// A share as a whole percentage.
fn percent(x: f64) -> String {
    if x.is_nan() {
        "—".into()
    } else {
        format!("{:.0}%", 100.0 * x)
    }
}

/// The recovery comparison: a row per strategy, then each strategy's differences from
/// baseline with their verdicts, then the target's outcome.
fn recovery_table(scenario: &Scenario, outcome: &Outcome) -> String {
    let nc = scenario.countries.len();
    let a = &outcome.analysis;
    let rows: Vec<[String; 7]> = outcome
        .summaries
        .iter()
        .zip(&a.scopes)
        .map(|(s, sc)| {
            let (sys, tr, or) = (&sc[0], &sc[nc + 1], &sc[nc + 2]);
            [
                scenario.strategies[s.strategy].name.clone(),
                median_ci(&sys.ttr, 1),
                median_ci(&tr.ttr, 1),
                median_ci(&or.ttr, 1),
                median_ci(&sys.first_return, 1),
                format!(
                    "{} / {} / {}",
                    percent(sys.ttr.censored_share()),
                    percent(tr.ttr.censored_share()),
                    percent(or.ttr.censored_share())
                ),
                estimate_ci(&sys.resilience_loss, 2),
            ]
        })
        .collect();
    let occurred = &outcome.summaries.first().map(|s| s.measures[10]);
    let mut out = format!(
        "\nrecovery after the first onset: Kaplan–Meier median days [95% CI]; recovered = in band \
         for {:.0} days or to the horizon",
        scenario.hold_days.max(scenario.window_days)
    );
    if let Some(o) = occurred
        && o.n > 0
        && o.mean < 1.0
    {
        out.push_str(", over the replications with a disruption");
    }
    out.push_str(":\n");
    out.push_str(&table(
        &[
            "strategy",
            "time to recover",
            "trusted",
            "ordinary",
            "first return",
            "not recovered (all/trusted/ordinary)",
            "resilience loss",
        ],
        &rows,
    ));
    if !a.differences.is_empty() {
        let shown = [
            ("system", "ttr_days", "time to recover (median)", 1),
            (
                "class.trusted",
                "ttr_days",
                "trusted time to recover (median)",
                1,
            ),
            (
                "class.ordinary",
                "ttr_days",
                "ordinary time to recover (median)",
                1,
            ),
            (
                "system",
                "ttr_restricted_mean_days",
                "time to recover (restricted mean)",
                1,
            ),
            ("system", "first_return_days", "first return (median)", 1),
            (
                "system",
                "resilience_loss_days",
                "resilience loss (mean)",
                2,
            ),
            (
                "system",
                "excess_delay_shipment_days",
                "excess shipment-days (mean)",
                0,
            ),
        ];
        let rows: Vec<[String; 4]> = a
            .differences
            .iter()
            // An ablation's own strategies are shown in its table below.
            .filter(|d| {
                a.ablation.is_empty()
                    || !crate::policy::is_ablation_name(&scenario.strategies[d.strategy].name)
            })
            .filter_map(|d| {
                let (_, _, label, digits) = shown
                    .iter()
                    .find(|(sc, m, _, _)| *sc == d.scope && *m == d.measure)?;
                let value = match d.bound {
                    Some(NEITHER_REACHED) => "–".to_string(),
                    Some(side) => format!("{side} {}", estimate_ci(&d.estimate, *digits)),
                    None => estimate_ci(&d.estimate, *digits),
                };
                Some([
                    scenario.strategies[d.strategy].name.clone(),
                    (*label).to_string(),
                    value,
                    d.verdict(),
                ])
            })
            .collect();
        out.push_str(&format!(
            "\ndifference from baseline, paired over the same replications ({}):\n",
            if a.bootstrap {
                format!(
                    "bootstrap 95% CI, {} resamples",
                    crate::experiment::inference::RESAMPLES
                )
            } else {
                "large-sample 95% CI".to_string()
            }
        ));
        out.push_str(&table(
            &["strategy", "measure", "difference [95% CI]", "verdict"],
            &rows,
        ));
    }
    if !a.ablation.is_empty() {
        out.push_str(&ablation_table(scenario, a));
    }
    if let Some(t) = &a.target {
        out.push_str(&format!("\n{}\n", target_line(scenario, t)));
    }
    out
}

/// The ablation's table: per measure, the whole (joint − baseline), each mechanism alone
/// and left out with its verdict, and the sums of the parts.
fn ablation_table(scenario: &Scenario, a: &RecoveryAnalysis) -> String {
    use crate::experiment::inference::{ABLATION_MEASURES, AblationPart};
    let joint = scenario.strategy_index("joint");
    let cell = |d: &Difference, digits: usize| -> [String; 2] {
        let v = match d.bound {
            Some(NEITHER_REACHED) => "–".to_string(),
            Some(side) => format!("{side} {}", estimate_ci(&d.estimate, digits)),
            None => estimate_ci(&d.estimate, digits),
        };
        let verdict = if d.resolved() {
            "resolved".to_string()
        } else {
            format!("not resolved (n = {})", d.n)
        };
        [v, verdict]
    };
    let mut rows: Vec<[String; 6]> = Vec::new();
    for (measure, label) in ABLATION_MEASURES {
        let digits = if measure.starts_with("excess") { 0 } else { 1 };
        if let Some(w) = a
            .differences
            .iter()
            .find(|d| Some(d.strategy) == joint && d.scope == "system" && d.measure == measure)
        {
            let [v, verdict] = cell(w, digits);
            rows.push([
                label.to_string(),
                "whole (joint − baseline)".into(),
                v,
                verdict,
                String::new(),
                String::new(),
            ]);
        }
        let mut sums = [0.0f64; 2];
        let mut counts = [0usize; 2];
        for m in crate::policy::Mechanism::ALL {
            let find = |p: AblationPart| {
                a.ablation
                    .iter()
                    .find(|c| c.mechanism == m && c.part == p && c.difference.measure == measure)
            };
            let (alone, left) = (find(AblationPart::Alone), find(AblationPart::LeftOut));
            if alone.is_none() && left.is_none() {
                continue;
            }
            let mut row = [
                label.to_string(),
                m.name().to_string(),
                "".into(),
                "".into(),
                "".into(),
                "".into(),
            ];
            for (k, c) in [alone, left].into_iter().enumerate() {
                if let Some(c) = c {
                    let [v, verdict] = cell(&c.difference, digits);
                    row[2 + 2 * k] = v;
                    row[3 + 2 * k] = verdict;
                    sums[k] += c.difference.estimate.value;
                    counts[k] += 1;
                }
            }
            rows.push(row);
        }
        let n = crate::policy::Mechanism::ALL.len();
        let sum = |k: usize| {
            if counts[k] == n && sums[k].is_finite() {
                format!("{:.digits$}", sums[k])
            } else {
                String::new()
            }
        };
        rows.push([
            label.to_string(),
            "sum of the parts".into(),
            sum(0),
            String::new(),
            sum(1),
            String::new(),
        ]);
    }
    let mut out = String::from(
        "\nwhich mechanism buys what (system; alone = baseline+m − baseline, left out = joint − joint-m; paired 95% CI; the parts sum to the whole only where the mechanisms do not interact):\n",
    );
    out.push_str(&table(
        &[
            "measure",
            "mechanism",
            "alone [95% CI]",
            "verdict",
            "left out [95% CI]",
            "verdict",
        ],
        &rows,
    ));
    out
}

/// One sentence on a `target_ci` run: met at n, or not met at the cap, and for what.
pub fn target_line(scenario: &Scenario, t: &TargetStatus) -> String {
    let what = t.target.measures.join(", ");
    let worst = t
        .checked
        .iter()
        .map(|(d, hw)| {
            format!(
                "{} − baseline {}: ±{}{}",
                scenario.strategies[d.strategy].name,
                d.name(),
                if hw.is_finite() {
                    format!("{hw:.2}")
                } else {
                    "inf".into()
                },
                if d.resolved() { "" } else { " (not resolved)" }
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let goal = match t.target.half_width {
        crate::scenario::HalfWidth::Relative(_) => format!(
            "resolved with a half-width ≤ {} of the difference",
            t.target.half_width
        ),
        crate::scenario::HalfWidth::Absolute(_) => {
            format!("half-width ≤ {} days", t.target.half_width)
        }
    };
    if t.met {
        format!(
            "target met: {goal} for {what} after {} replications (cap {}; intervals at the adjusted level); {worst}",
            t.replications, t.cap
        )
    } else {
        format!(
            "target NOT met: {goal} for {what} not reached by the cap of {} replications; {worst}",
            t.cap
        )
    }
}

/// A plain text table with columns padded to their widest cell.
pub fn table<const N: usize>(header: &[&str; N], rows: &[[String; N]]) -> String {
    let mut width: [usize; N] = std::array::from_fn(|i| header[i].chars().count());
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            width[i] = width[i].max(c.chars().count());
        }
    }
    let line = |cells: Vec<String>| {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            let pad = width[i] - c.chars().count();
            if i == 0 {
                s.push_str(c);
                s.push_str(&" ".repeat(pad));
            } else {
                s.push_str("  ");
                s.push_str(&" ".repeat(pad));
                s.push_str(c);
            }
        }
        s.push('\n');
        s
    };
    let mut out = line(header.iter().map(|h| h.to_string()).collect());
    out.push_str(&line(width.iter().map(|w| "-".repeat(*w)).collect()));
    for r in rows {
        out.push_str(&line(r.to_vec()));
    }
    out
}
