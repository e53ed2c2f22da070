//! Results on disk and on screen: `summary.json`, `replications.csv`, `timeseries.csv`
//! (every field documented in docs/outputs.md) and the table that ends a run.
//!
//! Every file is written to a temporary file in the same folder and renamed into place,
//! so a crash never leaves a half-written result and earlier results stay until replaced.
//!
//! How the pieces meet: `summary_json` turns an `Outcome` into the typed
//! [`data::Summary`], which [`write_outputs`] serialises; `console` prints the table
//! that ends a run; `tradesim report` reads the files back into [`data::RunData`], from
//! which [`plots`] draws and [`html`] writes the page around the drawn plots. `data` and
//! `text` import neither `plots` nor `html`, and `plots` does not import `html`.

pub mod compare;
mod console;
pub mod data;
pub mod html;
pub mod limitations;
pub mod plots;
pub mod slurm;
mod summary_json;
pub mod text;

/// The header of `replications.csv`; it lives with the store that checks shard rows by it.
pub use crate::experiment::store::replications_header;
pub use console::{console_table, estimate_ci, mean_ci, median_ci, table, target_line};
pub use summary_json::{PointSummaries, network_json, summary_json, system_only};

use crate::experiment::{DailyStat, Outcome};
use crate::measure::ReplicationResult;
use crate::measure::{DAILY_SERIES, scope_rows};
use crate::scenario::Scenario;
use data::{DayPoint, Timeseries};
use std::io::Write;
use std::path::{Path, PathBuf};

// The atomic writers moved to the low-level `crate::io`; re-exported here for old paths.
pub use crate::io::{
    WriteError, Writer, remove_stale_temporaries, write_all_atomic, write_all_atomic_streamed,
    write_atomic, write_atomic_streamed,
};

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
