//! `report.html`: one self-contained page per run, built from the run's output files
//! alone (`summary.json`, `timeseries.csv`, `replications.csv`), so that
//! `tradesim report DIR` rebuilds it for any run, a merged Slurm run included.
//!
//! The page holds the scenario's summary and question, the strategy comparison with 95%
//! confidence intervals and paired differences, every plot of [`super::plots`] as inline
//! SVG, and a per-port table. It fetches nothing: no scripts, no style sheets, no fonts,
//! no images from elsewhere. The PNG and SVG copies of the plots go to `plots/`.

mod summary;

use super::plots::{self, Plots};
use super::{WriteError, write_atomic};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The report could not be built.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// A result file is missing or unreadable.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A result file is not what `tradesim run` writes.
    #[error("{}: {message}", path.display())]
    Invalid { path: PathBuf, message: String },
    /// A plot or the page could not be written.
    #[error(transparent)]
    Write(#[from] WriteError),
    /// plotters failed to draw a plot.
    #[error("cannot draw plot `{id}`: {message}")]
    Draw { id: &'static str, message: String },
}

impl ReportError {
    /// The process exit code: 2 for bad input or an unwritable folder, 1 for a drawing
    /// failure (a bug).
    pub fn exit_code(&self) -> u8 {
        match self {
            ReportError::Draw { .. } => 1,
            _ => 2,
        }
    }
}

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

/// One day of a daily series, summarised over the replications (`timeseries.csv`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DayPoint {
    pub day: f64,
    pub n: u64,
    pub mean: f64,
    pub p10: f64,
    pub p90: f64,
}

/// The system's time to recover in one replication (`replications.csv`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ttr {
    pub days: f64,
    /// Not recovered by the end of the run: `days` is then the horizon − onset.
    pub censored: bool,
}

/// A stat object of `summary.json`, as far as the report uses it.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct StatView {
    pub n: u64,
    pub mean: Option<f64>,
    pub lo: Option<f64>,
    pub hi: Option<f64>,
}

impl StatView {
    /// Reads a stat object; `None` if `v` is not one.
    pub fn from_json(v: &Value) -> Option<StatView> {
        let o = v.as_object()?;
        let ci = o.get("ci95").and_then(Value::as_array);
        let at = |k: usize| ci.and_then(|c| c.get(k)).and_then(Value::as_f64);
        Some(StatView {
            n: o.get("n").and_then(Value::as_u64).unwrap_or(0),
            mean: o.get("mean").and_then(Value::as_f64),
            lo: at(0),
            hi: at(1),
        })
    }
}

/// A node of the network map.
#[derive(Debug, Clone, PartialEq)]
pub struct MapNode {
    pub id: String,
    pub name: Option<String>,
    pub kind: String,
    pub country: String,
    pub lat: f64,
    pub lon: f64,
    /// Mean share of capacity lost at the first onset (reference strategy; the draws are
    /// common to every strategy). `None` without a disruption.
    pub capacity_lost: Option<f64>,
    /// Closed by a disruption: named by a closure, or all its capacity lost at the onset.
    pub closed: bool,
}

/// A route of the network map.
#[derive(Debug, Clone, PartialEq)]
pub struct MapRoute {
    pub from: String,
    pub to: String,
    pub mode: String,
    /// Named by a closure disruption.
    pub closed: bool,
}

/// A disruption, as `summary.json`'s `network.disruptions` describes it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MapDisruption {
    pub id: String,
    pub kind: String,
    pub probability: Option<f64>,
    pub mean_onset_day: Option<f64>,
    /// (lat, lon) of an earthquake.
    pub epicenter: Option<(f64, f64)>,
    pub magnitude: Option<f64>,
    pub footprint_km: Option<f64>,
    /// Nodes named: damaged (earthquake) or closed (closure).
    pub nodes: Vec<String>,
    /// A one-line description of the rest (alert level, share revoked …).
    pub detail: String,
}

/// The network with its disruptions, for the map and the tables.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Network {
    pub nodes: Vec<MapNode>,
    /// One per route as listed (both directions may appear).
    pub routes: Vec<MapRoute>,
    pub disruptions: Vec<MapDisruption>,
}

/// Everything the report shows, read from a run's output folder.
#[derive(Debug, Clone)]
pub struct RunData {
    pub dir: PathBuf,
    /// `summary.json` as read, for the tables.
    pub summary: Value,
    pub name: String,
    pub description: Option<String>,
    pub replications: u64,
    pub horizon: f64,
    pub warmup: f64,
    /// Strategies in run order.
    pub strategies: Vec<String>,
    /// Mean first onset day over the replications with a disruption.
    pub onset: Option<f64>,
    /// The onset differs between replications (a random onset).
    pub onset_varies: bool,
    pub network: Network,
    /// (strategy, series) → days in order.
    pub series: BTreeMap<(String, String), Vec<DayPoint>>,
    /// (strategy, node id) → the node's mean daily `throughput` by day, if
    /// `timeseries.csv` has node rows (`--timeseries-scopes node`).
    pub node_throughput: BTreeMap<(String, String), Vec<(f64, f64)>>,
    /// strategy → the system's time to recover in each replication with a disruption.
    pub ttr: BTreeMap<String, Vec<Ttr>>,
    /// Why `ttr` is empty, if it is.
    pub ttr_missing: Option<String>,
}

impl RunData {
    /// Reads `summary.json`, `timeseries.csv` and `replications.csv` in `dir`.
    pub fn load(dir: &Path) -> Result<RunData, ReportError> {
        Self::load_with(dir, None)
    }

    /// [`RunData::load`], with the daily series given (`None`: read `timeseries.csv`).
    pub fn load_with(dir: &Path, series: Option<Timeseries>) -> Result<RunData, ReportError> {
        let summary_path = dir.join("summary.json");
        let bytes = read(&summary_path)?;
        let summary: Value = serde_json::from_slice(&bytes).map_err(|e| ReportError::Invalid {
            path: summary_path.clone(),
            message: format!("not valid JSON: {e}"),
        })?;
        let invalid = |message: String| ReportError::Invalid {
            path: summary_path.clone(),
            message,
        };
        let strategies: Vec<String> = summary
            .get("strategy_order")
            .and_then(Value::as_array)
            .and_then(|a| a.iter().map(|s| s.as_str().map(String::from)).collect())
            .ok_or_else(|| invalid("no `strategy_order` list of names".into()))?;
        let st = summary
            .get("strategies")
            .and_then(Value::as_object)
            .ok_or_else(|| invalid("no `strategies` object".into()))?;
        for s in &strategies {
            if !st.get(s).is_some_and(Value::is_object) {
                return Err(invalid(format!(
                    "`strategy_order` names `{s}`, which `strategies` lacks"
                )));
            }
        }
        let number = |k: &str| summary.get(k).and_then(Value::as_f64);
        let horizon = number("horizon_days")
            .filter(|h| *h > 0.0)
            .ok_or_else(|| invalid("no positive `horizon_days`".into()))?;
        let onset_stat = strategies
            .iter()
            .filter_map(|s| st[s].pointer("/measures/first_onset_day"))
            .filter_map(|v| v.as_object())
            .find(|o| o.get("mean").is_some_and(Value::is_number));
        let onset = onset_stat.and_then(|o| o.get("mean").and_then(Value::as_f64));
        let onset_varies = onset_stat
            .and_then(|o| o.get("sd").and_then(Value::as_f64))
            .unwrap_or(0.0)
            > 1e-9;
        let network = network(&summary, &strategies).map_err(invalid)?;
        let (series, node_throughput) = match series {
            Some(s) => s,
            None => {
                // Either format (`--timeseries-format`); a missing file is reported as
                // the CSV.
                let path = crate::report::SeriesFormat::find(dir)
                    .unwrap_or_else(|| dir.join(crate::report::SeriesFormat::Csv.file_name()));
                read_timeseries(&path)?
            }
        };
        let (ttr, ttr_missing) = read_ttr(&dir.join("replications.csv"), &strategies)?;
        Ok(RunData {
            dir: dir.to_path_buf(),
            name: summary
                .get("scenario")
                .and_then(Value::as_str)
                .unwrap_or("(unnamed)")
                .to_string(),
            description: summary
                .get("description")
                .and_then(Value::as_str)
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty()),
            replications: summary
                .get("replications")
                .and_then(Value::as_u64)
                .unwrap_or(0),
            horizon,
            warmup: number("warmup_days").unwrap_or(0.0),
            strategies,
            onset,
            onset_varies,
            network,
            series,
            node_throughput,
            ttr,
            ttr_missing,
            summary,
        })
    }

    /// A daily series of a strategy, if `timeseries.csv` has it.
    pub fn series(&self, strategy: &str, series: &str) -> Option<&[DayPoint]> {
        self.series
            .get(&(strategy.to_string(), series.to_string()))
            .map(Vec::as_slice)
    }

    /// `strategies.<strategy>.<path…>` as a stat.
    pub fn stat(&self, strategy: &str, path: &[&str]) -> Option<StatView> {
        let mut v = self.summary.get("strategies")?.get(strategy)?;
        for k in path {
            v = v.get(*k)?;
        }
        StatView::from_json(v)
    }

    /// A strategy's recovery object `scope`.`measure` (e.g. a Kaplan–Meier `ttr_days`).
    pub fn recovery(&self, strategy: &str, scope: &str, measure: &str) -> Option<&Value> {
        self.summary
            .get("strategies")?
            .get(strategy)?
            .get("recovery")?
            .get(scope)?
            .get(measure)
    }

    /// A strategy's `recovery_vs_baseline` entries (strategy − baseline per recovery
    /// measure), if summary.json has them.
    pub fn recovery_vs_baseline(&self, strategy: &str) -> Option<&[Value]> {
        self.summary
            .get("strategies")?
            .get(strategy)?
            .get("recovery_vs_baseline")?
            .as_array()
            .map(Vec::as_slice)
    }

    /// Whether any strategy has a recovery measure with data (a disruption happened).
    pub fn has_recovery(&self) -> bool {
        self.strategies.iter().any(|s| {
            self.stat(s, &["recovery", "system", "ttr_days"])
                .is_some_and(|v| v.n > 0)
        })
    }

    /// The reference strategy's name (the per-port figures and the map use it).
    pub fn reference_strategy(&self) -> &str {
        reference(&self.strategies).map_or("", String::as_str)
    }
}

fn read(path: &Path) -> Result<Vec<u8>, ReportError> {
    std::fs::read(path).map_err(|source| ReportError::Read {
        path: path.to_path_buf(),
        source,
    })
}

/// The strategy single-strategy figures show: `baseline` if it ran, else the first.
fn reference(strategies: &[String]) -> Option<&String> {
    strategies
        .iter()
        .find(|s| *s == crate::policy::Strategy::DEFAULTS)
        .or(strategies.first())
}

/// `network` of `summary.json`, with the capacity lost at onset from the reference
/// strategy.
fn network(summary: &Value, strategies: &[String]) -> Result<Network, String> {
    let Some(net) = summary.get("network") else {
        return Ok(Network::default());
    };
    let nodes_of_first = reference(strategies)
        .and_then(|s| summary.pointer(&format!("/strategies/{}/nodes", pointer_key(s))));
    let mut out = Network::default();
    let str_of = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(String::from);
    for d in net
        .get("disruptions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let kind = str_of(d, "kind").unwrap_or_default();
        let num = |k: &str| d.get(k).and_then(Value::as_f64);
        let detail = match kind.as_str() {
            "alert" => format!(
                "{} at alert level {} for {} days",
                str_of(d, "country").unwrap_or_default(),
                d.get("level").map_or(String::new(), |v| v.to_string()),
                fmt_num(num("duration_days"), 0)
            ),
            "closure" => format!(
                "closed for {} days{}",
                fmt_num(num("duration_days"), 0),
                match d.get("routes").and_then(Value::as_array) {
                    Some(r) if !r.is_empty() => format!(", {} route(s) closed", r.len()),
                    _ => String::new(),
                }
            ),
            "revocation" => format!(
                "{:.0}% of {} members revoked",
                100.0 * num("share").unwrap_or(0.0),
                str_of(d, "programme").unwrap_or_default()
            ),
            "earthquake" => format!(
                "M{} earthquake, footprint {} km",
                fmt_num(num("magnitude"), 1),
                fmt_num(num("footprint_km"), 0)
            ),
            _ => String::new(),
        };
        out.disruptions.push(MapDisruption {
            id: str_of(d, "id").unwrap_or_default(),
            kind,
            probability: num("probability"),
            mean_onset_day: num("mean_onset_day"),
            epicenter: d.get("epicenter").and_then(|e| {
                Some((
                    e.get("lat").and_then(Value::as_f64)?,
                    e.get("lon").and_then(Value::as_f64)?,
                ))
            }),
            magnitude: num("magnitude"),
            footprint_km: num("footprint_km"),
            nodes: d
                .get("nodes")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|n| n.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default(),
            detail,
        });
    }
    let closed_by_closure: Vec<&String> = out
        .disruptions
        .iter()
        .filter(|d| d.kind == "closure")
        .flat_map(|d| d.nodes.iter())
        .collect();
    let closed_routes: Vec<&str> = net
        .get("disruptions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|d| d.get("kind").and_then(Value::as_str) == Some("closure"))
        .filter_map(|d| d.get("routes").and_then(Value::as_array))
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    for (k, n) in net
        .get("nodes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let id = str_of(n, "id").ok_or_else(|| format!("network.nodes[{k}] has no `id`"))?;
        let (Some(lat), Some(lon)) = (
            n.get("lat").and_then(Value::as_f64),
            n.get("lon").and_then(Value::as_f64),
        ) else {
            return Err(format!("network.nodes[{k}] (`{id}`) has no `lat`/`lon`"));
        };
        let capacity_lost = nodes_of_first
            .and_then(|ns| ns.get(&id))
            .and_then(|m| m.get("capacity_lost_at_onset"))
            .and_then(|s| s.get("mean"))
            .and_then(Value::as_f64);
        out.nodes.push(MapNode {
            closed: closed_by_closure.contains(&&id) || capacity_lost.is_some_and(|c| c >= 0.999),
            name: str_of(n, "name"),
            kind: str_of(n, "kind").unwrap_or_default(),
            country: str_of(n, "country").unwrap_or_default(),
            id,
            lat,
            lon,
            capacity_lost,
        });
    }
    for r in net
        .get("routes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let (Some(from), Some(to)) = (str_of(r, "from"), str_of(r, "to")) {
            out.routes.push(MapRoute {
                closed: str_of(r, "id").is_some_and(|id| closed_routes.contains(&id.as_str())),
                mode: str_of(r, "mode").unwrap_or_else(|| "sea".into()),
                from,
                to,
            });
        }
    }
    Ok(out)
}

/// A JSON pointer segment (RFC 6901 escapes).
fn pointer_key(k: &str) -> String {
    k.replace('~', "~0").replace('/', "~1")
}

fn csv_error(path: &Path, e: csv::Error) -> ReportError {
    ReportError::Invalid {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

/// Column positions of `names` in a CSV header; an error names the first missing one.
fn columns<const N: usize>(
    path: &Path,
    header: &csv::StringRecord,
    names: [&str; N],
) -> Result<[usize; N], ReportError> {
    let mut out = [0; N];
    for (slot, name) in out.iter_mut().zip(names) {
        *slot = header
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| ReportError::Invalid {
                path: path.to_path_buf(),
                message: format!("no `{name}` column"),
            })?;
    }
    Ok(out)
}

/// A CSV number; an empty cell is NaN.
fn cell(path: &Path, rec: &csv::StringRecord, i: usize, what: &str) -> Result<f64, ReportError> {
    let s = rec.get(i).unwrap_or("").trim();
    if s.is_empty() {
        return Ok(f64::NAN);
    }
    s.parse::<f64>().map_err(|_| ReportError::Invalid {
        path: path.to_path_buf(),
        message: format!(
            "line {}: `{s}` in column `{what}` is not a number",
            rec.position().map_or(0, |p| p.line())
        ),
    })
}

/// The system series by (strategy, series), and the nodes' throughput by (strategy, node):
/// what the report takes from `timeseries.csv`.
pub type Timeseries = (
    BTreeMap<(String, String), Vec<DayPoint>>,
    BTreeMap<(String, String), Vec<(f64, f64)>>,
);

/// Reads `timeseries.csv` (or `.csv.gz`) as a stream: a long run's file is never held
/// in memory whole, only the system series and the nodes' throughput it keeps.
fn read_timeseries(path: &Path) -> Result<Timeseries, ReportError> {
    let file = std::fs::File::open(path).map_err(|source| ReportError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let input: Box<dyn std::io::Read> = if path.extension().is_some_and(|e| e == "gz") {
        Box::new(flate2::read::MultiGzDecoder::new(std::io::BufReader::new(
            file,
        )))
    } else {
        Box::new(file)
    };
    let mut r = csv::Reader::from_reader(input);
    let header = r.headers().map_err(|e| csv_error(path, e))?.clone();
    let [day, strategy, series, n, mean, p10, p90] = columns(
        path,
        &header,
        ["day", "strategy", "series", "n", "mean", "p10", "p90"],
    )?;
    // Files before scoped series have no `scope_kind`: every row is the system's.
    let scope_kind = header.iter().position(|h| h == "scope_kind");
    let scope_id = header.iter().position(|h| h == "scope_id");
    let mut out: BTreeMap<(String, String), Vec<DayPoint>> = BTreeMap::new();
    let mut nodes: BTreeMap<(String, String), Vec<(f64, f64)>> = BTreeMap::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| csv_error(path, e))?;
        if let Some(kind) = scope_kind.and_then(|k| rec.get(k))
            && kind != "system"
        {
            if kind == "node" && rec.get(series) == Some("throughput") {
                let id = scope_id.and_then(|k| rec.get(k)).unwrap_or("").to_string();
                let key = (rec.get(strategy).unwrap_or("").to_string(), id);
                let point = (
                    cell(path, &rec, day, "day")?,
                    cell(path, &rec, mean, "mean")?,
                );
                nodes.entry(key).or_default().push(point);
            }
            continue;
        }
        let d = cell(path, &rec, day, "day")?;
        if !d.is_finite() {
            return Err(ReportError::Invalid {
                path: path.to_path_buf(),
                message: format!(
                    "line {}: empty `day`",
                    rec.position().map_or(0, |p| p.line())
                ),
            });
        }
        let point = DayPoint {
            day: d,
            n: cell(path, &rec, n, "n")?.max(0.0) as u64,
            mean: cell(path, &rec, mean, "mean")?,
            p10: cell(path, &rec, p10, "p10")?,
            p90: cell(path, &rec, p90, "p90")?,
        };
        out.entry((
            rec.get(strategy).unwrap_or("").to_string(),
            rec.get(series).unwrap_or("").to_string(),
        ))
        .or_default()
        .push(point);
    }
    for v in out.values_mut() {
        v.sort_by(|a, b| a.day.total_cmp(&b.day));
    }
    for v in nodes.values_mut() {
        v.sort_by(|a, b| a.0.total_cmp(&b.0));
    }
    Ok((out, nodes))
}

type TtrByStrategy = BTreeMap<String, Vec<Ttr>>;

fn read_ttr(
    path: &Path,
    strategies: &[String],
) -> Result<(TtrByStrategy, Option<String>), ReportError> {
    let file = std::fs::File::open(path).map_err(|source| ReportError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let mut r = csv::Reader::from_reader(std::io::BufReader::new(file));
    let header = r.headers().map_err(|e| csv_error(path, e))?.clone();
    let [strategy] = columns(path, &header, ["strategy"])?;
    let pos = |name: &str| header.iter().position(|h| h == name);
    let (Some(ttr), Some(cens)) = (
        pos("recovery.system.ttr_days"),
        pos("recovery.system.ttr_censored"),
    ) else {
        return Ok((
            BTreeMap::new(),
            Some("replications.csv has no recovery.system columns".into()),
        ));
    };
    let mut out: TtrByStrategy = strategies.iter().map(|s| (s.clone(), Vec::new())).collect();
    for rec in r.records() {
        let rec = rec.map_err(|e| csv_error(path, e))?;
        let days = cell(path, &rec, ttr, "recovery.system.ttr_days")?;
        if days.is_nan() {
            continue; // no disruption in this replication
        }
        let censored = cell(path, &rec, cens, "recovery.system.ttr_censored")? >= 0.5;
        out.entry(rec.get(strategy).unwrap_or("").to_string())
            .or_default()
            .push(Ttr { days, censored });
    }
    let missing = out
        .values()
        .all(Vec::is_empty)
        .then(|| "no replication had a disruption".to_string());
    Ok((out, missing))
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

/// A number with `digits` decimals and thousands separators, or "—".
pub fn fmt_num(x: Option<f64>, digits: usize) -> String {
    let Some(x) = x.filter(|x| x.is_finite()) else {
        return "—".into();
    };
    let s = format!("{:.*}", digits, x.abs());
    let (int, frac) = s.split_once('.').map_or((s.as_str(), ""), |(a, b)| (a, b));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let negative = x < 0.0 && s.chars().any(|c| c.is_ascii_digit() && c != '0');
    format!(
        "{}{grouped}{}{frac}",
        if negative { "−" } else { "" },
        if frac.is_empty() { "" } else { "." }
    )
}

/// A difference with `digits` decimals, "+" before any positive value, or "—".
pub fn fmt_signed(x: Option<f64>, digits: usize) -> String {
    match x {
        Some(v) if v > 0.0 => format!("+{}", fmt_num(Some(v), digits)),
        v => fmt_num(v, digits),
    }
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
type Column = (&'static str, &'static str, &'static [&'static str], usize);

const OVERALL: [Column; 4] = [
    (
        "deliveries",
        "shipments/day",
        &["measures", "deliveries_per_day"],
        1,
    ),
    ("WIP", "shipments", &["measures", "mean_wip"], 0),
    ("lead time", "days", &["measures", "lead_time_mean_days"], 2),
    (
        "lead time P90",
        "days",
        &["measures", "lead_time_p90_days"],
        2,
    ),
];

/// Customs rows of the comparison, each shown only where some strategy has a value other
/// than 0: the speed side (who is inspected) next to the security side (what is found).
const CUSTOMS: [Column; 6] = [
    (
        "inspected: own members",
        "share of customs decisions",
        &["measures", "inspected_share_own_members"],
        3,
    ),
    (
        "inspected: partner members",
        "share of customs decisions",
        &["measures", "inspected_share_partner_members"],
        3,
    ),
    (
        "inspected: non-members",
        "share of customs decisions",
        &["measures", "inspected_share_non_members"],
        3,
    ),
    (
        "non-compliant found",
        "share of non-compliant shipments inspected",
        &["measures", "detection_rate"],
        3,
    ),
    (
        "revocation exposure",
        "trusted decisions after a revocation",
        &["measures", "revocation_exposure"],
        0,
    ),
    (
        "screened before departure",
        "shipments",
        &["measures", "screened_departures"],
        0,
    ),
];

/// Kaplan–Meier rows of the comparison: (heading, unit, scope, measure).
const KM_ROWS: [(&str, &str, &str, &str); 4] = [
    ("time to recover", "days, KM median", "system", "ttr_days"),
    (
        "trusted cargo",
        "days to recover, KM median",
        "class.trusted",
        "ttr_days",
    ),
    (
        "ordinary cargo",
        "days to recover, KM median",
        "class.ordinary",
        "ttr_days",
    ),
    (
        "first return",
        "days to the band, KM median",
        "system",
        "first_return_days",
    ),
];

const RECOVERY: [Column; 2] = [
    (
        "resilience loss",
        "days",
        &["recovery", "system", "resilience_loss_days"],
        2,
    ),
    (
        "excess delay",
        "shipment-days",
        &["recovery", "system", "excess_delay_shipment_days"],
        0,
    ),
];

/// A Kaplan–Meier median cell: the median (or "not reached") and its 95% CI below.
fn km_cell(v: Option<&Value>) -> String {
    let Some(v) = v.filter(|v| v.get("n").and_then(Value::as_u64).unwrap_or(0) > 0) else {
        return "<td class=\"num na\">—</td>".into();
    };
    let day = |x: Option<&Value>| match x.and_then(Value::as_f64) {
        Some(d) => fmt_num(Some(d), 1),
        None => "–".into(),
    };
    let ci = v.get("km_median_ci95").and_then(Value::as_array);
    let median = match v.get("km_median").and_then(Value::as_f64) {
        Some(m) => fmt_num(Some(m), 1),
        None => "not reached".into(),
    };
    format!(
        "<td class=\"num\">{median}<span class=\"ci\">[{}, {}]</span></td>",
        day(ci.and_then(|c| c.first())),
        day(ci.and_then(|c| c.get(1)))
    )
}

/// The `vs_baseline` key of a column's measure.
fn paired_key(path: &[&str]) -> String {
    match path {
        ["measures", m] => format!("system.{m}"),
        ["recovery", scope, m] => format!("recovery.{scope}.{m}"),
        _ => path.join("."),
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
        esc(data
            .summary
            .get("tradesim_version")
            .and_then(Value::as_str)
            .unwrap_or("?"))
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
    let s = &data.summary;
    let get = |k: &str| {
        s.get(k).map(|v| match v {
            Value::String(t) => t.clone(),
            other => other.to_string(),
        })
    };
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
    if let Some(seed) = get("seed") {
        rows.push(("seed", esc(&seed)));
    }
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
            esc(&d.kind),
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
fn measure_row(
    h: &mut String,
    (name, unit, _, _): &(&str, &str, &[&str], usize),
    cells: impl Iterator<Item = String>,
) {
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
            .map(|s| stat_cell(data.stat(s, col.2), col.3, false));
        measure_row(h, col, cells);
    }
    let shown: Vec<&Column> = CUSTOMS
        .iter()
        .filter(|col| {
            data.strategies.iter().any(|s| {
                data.stat(s, col.2)
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
                .map(|s| stat_cell(data.stat(s, col.2), col.3, false));
            measure_row(h, col, cells);
        }
    }
    if recovery {
        section_row(h, n, "recovery after the first onset");
        for (name, unit, scope, key) in KM_ROWS {
            let cells = data
                .strategies
                .iter()
                .map(|s| km_cell(data.recovery(s, scope, key)));
            measure_row(h, &(name, unit, &[], 0), cells);
        }
        let cells = data.strategies.iter().map(|s| {
            let share = |scope: &str| {
                data.recovery(s, scope, "ttr_days")
                    .and_then(|v| v.get("censored_share"))
                    .and_then(Value::as_f64)
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
            &(
                "not recovered",
                "share censored: all / trusted / ordinary",
                &[],
                0,
            ),
            cells,
        );
        let cells = data.strategies.iter().map(|s| {
            let v = data.recovery(s, "system", "ttr_days");
            let get = |k: &str| v.and_then(|v| v.get(k));
            let ci = get("restricted_mean_ci95").and_then(Value::as_array);
            let at = |k: usize| ci.and_then(|c| c.get(k)).and_then(Value::as_f64);
            stat_cell(
                Some(StatView {
                    n: get("n").and_then(Value::as_u64).unwrap_or(0),
                    mean: get("restricted_mean").and_then(Value::as_f64),
                    lo: at(0),
                    hi: at(1),
                }),
                1,
                false,
            )
        });
        let tau = data
            .strategies
            .first()
            .and_then(|s| data.recovery(s, "system", "ttr_days"))
            .and_then(|v| v.get("restricted_to_days"))
            .and_then(Value::as_f64);
        let unit = format!("days, mean of min(time, {} d)", fmt_num(tau, 0));
        measure_row(
            h,
            &("restricted mean time to recover", &unit, &[], 0),
            cells,
        );
        for col in &RECOVERY {
            let cells = data
                .strategies
                .iter()
                .map(|s| stat_cell(data.stat(s, col.2), col.3, false));
            measure_row(h, col, cells);
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
            data.summary
                .pointer(&format!("/strategies/{}/vs_baseline", pointer_key(s)))
                .and_then(Value::as_object)
                .is_some_and(|o| !o.is_empty())
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
    let diff = |s: &str, path: &[&str]| {
        data.summary
            .pointer(&format!(
                "/strategies/{}/vs_baseline/{}",
                pointer_key(s),
                pointer_key(&paired_key(path))
            ))
            .and_then(StatView::from_json)
    };
    section_row(h, with_pairs.len(), "after the warm-up");
    for col in &OVERALL {
        let cells = with_pairs
            .iter()
            .map(|(_, s)| stat_cell(diff(s, col.2), col.3, true));
        measure_row(h, col, cells);
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
    let ablation = data.summary.get("ablation").is_some_and(|a| !a.is_null());
    let rows: Vec<(usize, &String, &Value)> = data
        .strategies
        .iter()
        .enumerate()
        // An ablation's own strategies have their table below.
        .filter(|(_, s)| !(ablation && crate::policy::is_ablation_name(s)))
        .filter_map(|(i, s)| Some(data.recovery_vs_baseline(s)?.iter().map(move |d| (i, s, d))))
        .flatten()
        .collect();
    if rows.is_empty() {
        return;
    }
    h.push_str("<h2 id=\"recovery-differences\">Recovery: differences from the baseline</h2>\n");
    let method = data
        .summary
        .pointer("/intervals/method")
        .and_then(Value::as_str)
        .unwrap_or("paired over the same replications");
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
            esc(&measure_label(d)),
            difference_cell(d),
            esc(d.get("verdict").and_then(Value::as_str).unwrap_or(""))
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
    let Some(measures) = data
        .summary
        .pointer("/ablation/measures")
        .and_then(Value::as_array)
    else {
        return;
    };
    let Some(mechanisms) = data
        .summary
        .pointer("/ablation/mechanisms")
        .and_then(Value::as_array)
    else {
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
    let num = |v: Option<&Value>, digits: usize| fmt_num(v.and_then(Value::as_f64), digits);
    for m in measures {
        let label = m.get("label").and_then(Value::as_str).unwrap_or("");
        let digits = if label.starts_with("excess") { 0 } else { 1 };
        let _ = writeln!(
            h,
            "<tr class=\"section\"><th colspan=\"3\">{}, system</th></tr>",
            esc(label)
        );
        if let Some(w) = m.get("whole").filter(|w| !w.is_null()) {
            let _ = writeln!(
                h,
                "<tr><td>whole (joint − baseline)</td>{}<td></td></tr>",
                difference_cell(w)
            );
        }
        let parts = m.get("contributions").and_then(Value::as_array);
        for name in mechanisms.iter().filter_map(Value::as_str) {
            let cell = |part: &str| {
                parts
                    .and_then(|p| {
                        p.iter().find(|c| {
                            c.get("mechanism").and_then(Value::as_str) == Some(name)
                                && c.get("part").and_then(Value::as_str) == Some(part)
                        })
                    })
                    .map_or("<td class=\"num na\">—</td>".into(), difference_cell)
            };
            let _ = writeln!(
                h,
                "<tr><td>{}</td>{}{}</tr>",
                esc(name),
                cell("alone"),
                cell("left_out")
            );
        }
        let _ = writeln!(
            h,
            "<tr><td>sum of the parts</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            num(m.get("sum_alone"), digits),
            num(m.get("sum_left_out"), digits)
        );
    }
    h.push_str("</table></div>\n");
}

/// "time to recover (KM median), system" from a difference's measure name.
fn measure_label(d: &Value) -> String {
    let name = d.get("measure").and_then(Value::as_str).unwrap_or("");
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
fn difference_cell(d: &Value) -> String {
    let bound = d.get("bound").and_then(Value::as_str);
    if bound == Some("neither reached") {
        return "<td class=\"num na\">–<span class=\"ci\">neither median reached</span></td>"
            .into();
    }
    let x = |v: Option<&Value>| v.and_then(Value::as_f64);
    let ci = d.get("ci95").and_then(Value::as_array);
    let measure = d.get("measure").and_then(Value::as_str).unwrap_or("");
    let digits = if measure.ends_with("excess_delay_shipment_days") {
        0
    } else if measure.ends_with("resilience_loss_days") {
        2
    } else {
        1
    };
    let signed = |v: Option<f64>| fmt_signed(v, digits);
    let resolved = d.get("resolved").and_then(Value::as_bool).unwrap_or(false);
    format!(
        "<td class=\"num{}\">{}{}<span class=\"ci\">[{}, {}]</span></td>",
        if resolved { " sig" } else { "" },
        bound.map_or(String::new(), |b| format!("{} ", esc(b))),
        signed(x(d.get("difference"))),
        signed(ci.and_then(|c| x(c.first()))),
        signed(ci.and_then(|c| x(c.get(1))))
    )
}

/// Whether a `target_ci` run met its target, as a note.
fn target(h: &mut String, data: &RunData) {
    let Some(t) = data.summary.get("target_ci").filter(|t| !t.is_null()) else {
        return;
    };
    let met = t.get("met").and_then(Value::as_bool).unwrap_or(false);
    let _ = writeln!(
        h,
        "<p class=\"{}\" id=\"target-ci\"><b>{}</b> {} <span class=\"muted\">(Checked {}.)</span></p>",
        if met { "muted" } else { "note" },
        if met {
            "Precision target met."
        } else {
            "Precision target NOT met."
        },
        esc(t.get("summary").and_then(Value::as_str).unwrap_or("")),
        esc(t.get("checks").and_then(Value::as_str).unwrap_or(""))
    );
}

/// How the headline differences move with the tolerance and hold time.
fn sensitivity(h: &mut String, data: &RunData) {
    let Some(cells) = data
        .summary
        .get("sensitivity")
        .and_then(Value::as_array)
        .filter(|c| !c.is_empty())
    else {
        return;
    };
    let f = |c: &Value, k: &str| c.get(k).and_then(Value::as_f64).unwrap_or(f64::NAN);
    let text = |c: &Value, k: &str| c.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    let mut tolerances: Vec<f64> = cells.iter().map(|c| f(c, "tolerance")).collect();
    let mut holds: Vec<f64> = cells.iter().map(|c| f(c, "hold_days")).collect();
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
    let mut groups: Vec<(String, String)> = Vec::new();
    for c in cells {
        let key = (text(c, "strategy"), text(c, "measure"));
        if !groups.contains(&key) {
            groups.push(key);
        }
    }
    h.push_str("<div class=\"scroll\"><table id=\"sensitivity-table\">\n");
    for (strategy, measure) in &groups {
        let i = data
            .strategies
            .iter()
            .position(|s| s == strategy)
            .unwrap_or(0);
        let _ = write!(
            h,
            "<tr class=\"section\"><th colspan=\"{}\">{}{} − baseline: {}</th></tr>\n\
             <tr><th>tolerance</th>",
            holds.len() + 1,
            swatch(i),
            esc(strategy),
            esc(&measure_label(&serde_json::json!({ "measure": measure })))
        );
        for hd in &holds {
            let _ = write!(h, "<th class=\"num\">hold {} d</th>", fmt_num(Some(*hd), 0));
        }
        h.push_str("</tr>\n");
        for tol in &tolerances {
            let _ = write!(h, "<tr><td>{:.1}%</td>", 100.0 * tol);
            for hd in &holds {
                let cell = cells.iter().find(|c| {
                    text(c, "strategy") == *strategy
                        && text(c, "measure") == *measure
                        && f(c, "tolerance") == *tol
                        && f(c, "hold_days") == *hd
                });
                h.push_str(&cell.map_or("<td class=\"num na\">—</td>".into(), difference_cell));
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
    let mean = |s: &str, path: &[&str]| data.stat(s, path).and_then(|v| v.mean);
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
            fmt_num(mean(first, &["nodes", id, "throughput_per_day"]), 1),
            fmt_num(mean(first, &["nodes", id, "utilisation"]), 2)
        );
        for s in &data.strategies {
            let _ = write!(
                h,
                "<td class=\"num\">{}</td>",
                fmt_num(mean(s, &["nodes", id, "mean_wait_days"]), 2)
            );
        }
        if recovery {
            let scope = format!("node.{id}");
            for s in &data.strategies {
                let censored = mean(s, &["recovery", &scope, "ttr_censored"]).unwrap_or(0.0);
                any_censored |= censored > 0.0;
                let _ = write!(
                    h,
                    "<td class=\"num\">{}{}</td>",
                    fmt_num(mean(s, &["recovery", &scope, "ttr_days"]), 1),
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
    fn numbers_are_grouped_and_signed() {
        assert_eq!(fmt_num(Some(8598.4), 0), "8,598");
        assert_eq!(fmt_num(Some(1234.56), 1), "1,234.6");
        assert_eq!(fmt_num(Some(999.0), 0), "999");
        assert_eq!(fmt_num(Some(-12345.0), 0), "−12,345");
        assert_eq!(fmt_num(Some(-0.0001), 2), "0.00");
        assert_eq!(fmt_num(None, 2), "—");
        assert_eq!(fmt_num(Some(f64::NAN), 2), "—");
    }

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
