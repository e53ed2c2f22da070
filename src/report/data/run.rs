//! What the report reads from a run's output folder: `summary.json` through the typed
//! [`Summary`], the system series and the nodes' throughput from `timeseries.csv`
//! (or `.csv.gz`), and each replication's time to recover from `replications.csv`,
//! gathered in [`RunData`] for the page and the plots.

use super::{DifferenceSummary, StrategySummary};
use super::{DisruptionKind, Effect, KmTime, Measures, RecoveryScope, StatView, Summary};
use crate::report::WriteError;
use crate::report::text::fmt_num;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The report could not be built.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// A result file is missing or unreadable.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why it could not be read.
        source: std::io::Error,
    },
    /// A result file is not what `tradesim run` writes.
    #[error("{}: {message}", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// A plot or the page could not be written.
    #[error(transparent)]
    Write(#[from] WriteError),
    /// plotters failed to draw a plot.
    #[error("cannot draw plot `{id}`: {message}")]
    Draw {
        /// The plot.
        id: &'static str,
        /// plotters' message.
        message: String,
    },
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
/// One day of a daily series, summarised over the replications (`timeseries.csv`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DayPoint {
    /// Day of the run (0 = start).
    pub day: f64,
    /// Replications with a value.
    pub n: u64,
    /// Mean over replications.
    pub mean: f64,
    /// 10th percentile over replications.
    pub p10: f64,
    /// 90th percentile over replications.
    pub p90: f64,
}

/// The system's time to recover in one replication (`replications.csv`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ttr {
    /// Days from the first onset to recovery (or to the horizon).
    pub days: f64,
    /// Not recovered by the end of the run: `days` is then the horizon − onset.
    pub censored: bool,
}

/// A node of the network map.
#[derive(Debug, Clone, PartialEq)]
pub struct MapNode {
    /// Node id.
    pub id: String,
    /// Display name.
    pub name: Option<String>,
    /// Kind, as summary.json writes it (`land_border` …).
    pub kind: String,
    /// Country code.
    pub country: String,
    /// Latitude, degrees.
    pub lat: f64,
    /// Longitude, degrees.
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
    /// Origin node id.
    pub from: String,
    /// Destination node id.
    pub to: String,
    /// Mode, as summary.json writes it (`sea` …).
    pub mode: String,
    /// Named by a closure disruption.
    pub closed: bool,
}

/// A disruption, as `summary.json`'s `network.disruptions` describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct MapDisruption {
    /// Disruption id.
    pub id: String,
    /// Its kind.
    pub kind: DisruptionKind,
    /// Probability it happens in a replication.
    pub probability: Option<f64>,
    /// Mean onset day.
    pub mean_onset_day: Option<f64>,
    /// (lat, lon) of an earthquake.
    pub epicenter: Option<(f64, f64)>,
    /// An earthquake's magnitude.
    pub magnitude: Option<f64>,
    /// An earthquake's footprint radius.
    pub footprint_km: Option<f64>,
    /// Nodes named: damaged (earthquake) or closed (closure).
    pub nodes: Vec<String>,
    /// A one-line description of the rest (alert level, share revoked …).
    pub detail: String,
}

/// The network with its disruptions, for the map and the tables.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Network {
    /// Nodes in file order.
    pub nodes: Vec<MapNode>,
    /// One per route as listed (both directions may appear).
    pub routes: Vec<MapRoute>,
    /// Disruptions in file order.
    pub disruptions: Vec<MapDisruption>,
}

/// Everything the report shows, read from a run's output folder.
#[derive(Debug, Clone)]
pub struct RunData {
    /// The run's output folder.
    pub dir: PathBuf,
    /// `summary.json` as read, for the tables.
    pub summary: Summary,
    /// The scenario's name.
    pub name: String,
    /// The scenario's description, trimmed; `None` if empty.
    pub description: Option<String>,
    /// Replications per strategy.
    pub replications: u64,
    /// Simulated days per replication.
    pub horizon: f64,
    /// Warm-up days.
    pub warmup: f64,
    /// Strategies in run order.
    pub strategies: Vec<String>,
    /// Mean first onset day over the replications with a disruption.
    pub onset: Option<f64>,
    /// The onset differs between replications (a random onset).
    pub onset_varies: bool,
    /// The network with its disruptions.
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
        let summary: Summary =
            serde_json::from_slice(&bytes).map_err(|e| ReportError::Invalid {
                path: summary_path.clone(),
                message: format!("not a summary.json as tradesim writes it: {e}"),
            })?;
        let invalid = |message: String| ReportError::Invalid {
            path: summary_path.clone(),
            message,
        };
        let strategies = summary.strategy_order.clone();
        for s in &strategies {
            if !summary.strategies.contains_key(s) {
                return Err(invalid(format!(
                    "`strategy_order` names `{s}`, which `strategies` lacks"
                )));
            }
        }
        let horizon = Some(summary.horizon_days)
            .filter(|h| *h > 0.0)
            .ok_or_else(|| invalid("no positive `horizon_days`".into()))?;
        let onset_stat = strategies
            .iter()
            .filter_map(|s| summary.strategies[s].measures.get("first_onset_day"))
            .find(|o| o.mean.is_some());
        let onset = onset_stat.and_then(|o| o.mean);
        let onset_varies = onset_stat.and_then(|o| o.sd).unwrap_or(0.0) > 1e-9;
        let network = network(&summary, &strategies);
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
            name: summary.scenario.clone(),
            description: summary
                .description
                .as_deref()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty()),
            replications: summary.replications,
            horizon,
            warmup: summary.warmup_days,
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

    /// A strategy's results.
    pub fn strategy(&self, strategy: &str) -> Option<&StrategySummary> {
        self.summary.strategies.get(strategy)
    }

    /// A strategy's system measure `name` ([`crate::measure::SYSTEM_MEASURES`]).
    pub fn measure(&self, strategy: &str, name: &str) -> Option<StatView> {
        self.strategy(strategy)?
            .measures
            .get(name)
            .map(StatView::from)
    }

    /// A strategy's node measure `name` of node `node` ([`crate::measure::NODE_MEASURES`]).
    pub fn node_measure(&self, strategy: &str, node: &str, name: &str) -> Option<StatView> {
        node_stat(self.strategy(strategy)?.nodes.get(node)?, name)
    }

    /// A strategy's recovery in `scope` (`system`, `class.trusted`, `node.<id>` …).
    pub fn recovery(&self, strategy: &str, scope: &str) -> Option<&RecoveryScope> {
        self.strategy(strategy)?.recovery.get(scope)
    }

    /// A strategy's Kaplan–Meier time to recover in `scope`.
    pub fn ttr(&self, strategy: &str, scope: &str) -> Option<&KmTime> {
        self.recovery(strategy, scope).map(|r| &r.ttr_days)
    }

    /// A strategy's `recovery_vs_baseline` entries (strategy − baseline per recovery
    /// measure).
    pub fn recovery_vs_baseline(&self, strategy: &str) -> &[DifferenceSummary] {
        self.strategy(strategy)
            .map_or(&[], |s| s.recovery_vs_baseline.as_slice())
    }

    /// Whether any strategy has a recovery measure with data (a disruption happened).
    pub fn has_recovery(&self) -> bool {
        self.strategies
            .iter()
            .any(|s| self.ttr(s, "system").is_some_and(|v| v.n > 0))
    }

    /// The reference strategy's name (the per-port figures and the map use it).
    pub fn reference_strategy(&self) -> &str {
        reference(&self.strategies).map_or("", String::as_str)
    }
}

/// Measure `name` of a node's measures.
fn node_stat(m: &Measures, name: &str) -> Option<StatView> {
    m.get(name).map(StatView::from)
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
fn network(summary: &Summary, strategies: &[String]) -> Network {
    let net = &summary.network;
    let nodes_of_first =
        reference(strategies).and_then(|s| summary.strategies.get(s).map(|st| &st.nodes));
    let mut out = Network::default();
    for d in &net.disruptions {
        let (detail, epicenter, magnitude, footprint_km, nodes) = match &d.effect {
            Effect::Alert {
                country,
                level,
                duration_days,
            } => (
                format!(
                    "{country} at alert level {level} for {} days",
                    fmt_num(Some(*duration_days), 0)
                ),
                None,
                None,
                None,
                Vec::new(),
            ),
            Effect::Closure {
                nodes,
                routes,
                duration_days,
            } => (
                format!(
                    "closed for {} days{}",
                    fmt_num(Some(*duration_days), 0),
                    if routes.is_empty() {
                        String::new()
                    } else {
                        format!(", {} route(s) closed", routes.len())
                    }
                ),
                None,
                None,
                None,
                nodes.clone(),
            ),
            Effect::Revocation { programme, share } => (
                format!("{:.0}% of {programme} members revoked", 100.0 * share),
                None,
                None,
                None,
                Vec::new(),
            ),
            Effect::Earthquake {
                epicenter,
                magnitude,
                footprint_km,
                nodes,
            } => (
                format!(
                    "M{} earthquake, footprint {} km",
                    fmt_num(Some(*magnitude), 1),
                    fmt_num(*footprint_km, 0)
                ),
                Some((epicenter.lat, epicenter.lon)),
                Some(*magnitude),
                *footprint_km,
                nodes.clone().unwrap_or_default(),
            ),
        };
        out.disruptions.push(MapDisruption {
            id: d.id.clone(),
            kind: d.effect.kind(),
            probability: Some(d.probability),
            mean_onset_day: d.mean_onset_day,
            epicenter,
            magnitude,
            footprint_km,
            nodes,
            detail,
        });
    }
    let closures = || {
        net.disruptions.iter().filter_map(|d| match &d.effect {
            Effect::Closure { nodes, routes, .. } => Some((nodes, routes)),
            _ => None,
        })
    };
    for n in &net.nodes {
        let capacity_lost = nodes_of_first
            .and_then(|ns| ns.get(&n.id))
            .and_then(|m| node_stat(m, "capacity_lost_at_onset"))
            .and_then(|s| s.mean);
        out.nodes.push(MapNode {
            closed: closures().any(|(nodes, _)| nodes.contains(&n.id))
                || capacity_lost.is_some_and(|c| c >= 0.999),
            name: Some(n.name.clone()),
            kind: snake_name(&n.kind),
            country: n.country.clone(),
            id: n.id.clone(),
            lat: n.lat,
            lon: n.lon,
            capacity_lost,
        });
    }
    for r in &net.routes {
        out.routes.push(MapRoute {
            closed: closures().any(|(_, routes)| routes.contains(&r.id)),
            mode: snake_name(&r.mode),
            from: r.from.clone(),
            to: r.to.clone(),
        });
    }
    out
}

/// The name serde writes for a unit enum variant (`land_border`, `sea` …).
fn snake_name<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default()
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
