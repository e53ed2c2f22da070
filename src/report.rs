//! Results on disk and on screen: `summary.json`, `replications.csv`, `timeseries.csv`
//! (every field documented in docs/outputs.md) and the table that ends a run.
//!
//! Every file is written to a temporary file in the same folder and renamed into place,
//! so a crash never leaves a half-written result and earlier results stay until replaced.

pub mod html;
pub mod limitations;
pub mod plots;
pub mod slurm;

use crate::experiment::inference::{
    Difference, Estimate, NEITHER_REACHED, RecoveryAnalysis, TargetStatus, TimeToRecover,
};
use crate::experiment::{DailyStat, Outcome, stats::Stat};
use crate::measure::ReplicationResult;
use crate::measure::{
    CLASSES, DAILY_SERIES, FLOW_MEASURES, MeasureSchema, NODE_MEASURES, RECOVERY_MEASURES,
    SYSTEM_MEASURES, recovery_scopes, scope_rows,
};
use crate::scenario::Scenario;
use serde_json::{Map, Value, json};
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
    let mut summary_text = serde_json::to_string_pretty(&summary).expect("JSON values serialise");
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

fn stat_json(s: &Stat) -> Value {
    json!({ "n": s.n, "mean": num(s.mean), "sd": num(s.sd), "ci95": [num(s.ci95[0]), num(s.ci95[1])], "p50": num(s.p50), "p90": num(s.p90), "p99": num(s.p99) })
}

/// A Kaplan–Meier summary of censored times.
fn time_json(t: &TimeToRecover) -> Value {
    let opt = |x: Option<f64>| x.map_or(Value::Null, |v| json!(v));
    json!({
        "n": t.n,
        "censored": t.censored,
        "censored_share": num(t.censored_share()),
        "km_median": opt(t.median),
        "km_median_ci95": [opt(t.median_ci95[0]), opt(t.median_ci95[1])],
        "recovered_by": t.recovered_by.iter().map(|(d, p, ci)| json!({"day": d, "p": num(*p), "ci95": [num(ci[0]), num(ci[1])]})).collect::<Vec<_>>(),
        "restricted_mean": num(t.restricted_mean.value),
        "restricted_mean_ci95": [num(t.restricted_mean.ci95[0]), num(t.restricted_mean.ci95[1])],
        "restricted_to_days": num(t.tau),
        // The mean a report may show: the restricted mean to the shortest follow-up.
        "mean": num(t.restricted_mean.value),
        "ci95": [num(t.restricted_mean.ci95[0]), num(t.restricted_mean.ci95[1])],
        "mean_is": "restricted mean to restricted_to_days (censoring-aware), not a plain mean",
    })
}

/// A mean's summary with the interval the analysis gives it (bounded where the measure is).
fn with_estimate(mut stat: Value, e: &Estimate) -> Value {
    stat["ci95"] = json!([num(e.ci95[0]), num(e.ci95[1])]);
    stat["ci95_method"] = json!(e.method);
    stat
}

/// A strategy − baseline difference.
fn difference_json(d: &Difference) -> Value {
    json!({
        "measure": d.name(),
        "of": if d.measure.ends_with("ttr_days") || d.measure == "first_return_days" { "Kaplan–Meier medians" } else { "means" },
        "difference": signed_num(d.estimate.value),
        "ci95": [signed_num(d.estimate.ci95[0]), signed_num(d.estimate.ci95[1])],
        "method": d.estimate.method,
        "bound": d.bound,
        "n": d.n,
        "resolved": d.resolved(),
        "verdict": d.verdict(),
    })
}

/// The ablation's section of summary.json (null without one): per measure, the whole
/// (joint − baseline), each mechanism's contribution alone and left out, and the sums.
fn ablation_json(scenario: &Scenario, outcome: &Outcome) -> Value {
    use crate::experiment::inference::{ABLATION_MEASURES, AblationPart};
    let a = &outcome.analysis.ablation;
    if a.is_empty() {
        return Value::Null;
    }
    let joint = scenario.strategy_index("joint");
    let measures: Vec<Value> = ABLATION_MEASURES
        .iter()
        .map(|(measure, label)| {
            let whole = outcome.analysis.differences.iter().find(|d| {
                Some(d.strategy) == joint && d.scope == "system" && d.measure == *measure
            });
            let parts: Vec<&crate::experiment::inference::Contribution> = a
                .iter()
                .filter(|c| c.difference.measure == *measure)
                .collect();
            let sum = |p: AblationPart| -> Value {
                let v: Vec<f64> = parts
                    .iter()
                    .filter(|c| c.part == p)
                    .map(|c| c.difference.estimate.value)
                    .collect();
                if v.len() == crate::policy::Mechanism::ALL.len() {
                    signed_num(v.iter().sum())
                } else {
                    Value::Null
                }
            };
            json!({
                "measure": format!("recovery.system.{measure}"),
                "label": label,
                "whole": whole.map(difference_json),
                "sum_alone": sum(AblationPart::Alone),
                "sum_left_out": sum(AblationPart::LeftOut),
                "contributions": parts.iter().map(|c| {
                    let mut v = difference_json(&c.difference);
                    v["mechanism"] = json!(c.mechanism.name());
                    v["part"] = json!(c.part.name());
                    v
                }).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "mechanisms": crate::policy::Mechanism::ALL.iter().map(|m| m.name()).collect::<Vec<_>>(),
        "alone": "baseline+<mechanism> − baseline",
        "left_out": "joint − joint-<mechanism>",
        "measures": measures,
    })
}

/// A number, or "+inf"/"-inf" for infinities (a median not reached), null for NaN.
fn signed_num(x: f64) -> Value {
    if x.is_finite() {
        json!(x)
    } else if x.is_nan() {
        Value::Null
    } else if x > 0.0 {
        json!("+inf")
    } else {
        json!("-inf")
    }
}

/// What a `target_ci` run found.
fn target_json(scenario: &Scenario, t: &TargetStatus) -> Value {
    json!({
        "half_width": t.target.half_width.to_string(),
        "measures": t.target.measures,
        "met": t.met,
        "replications": t.replications,
        "cap": t.cap,
        "stopped": if t.met { "target met" } else { "cap reached" },
        "checks": "every 10 replications, each at the Bonferroni-adjusted level 1 - 0.05/(cap/10)",
        "checked": t.checked.iter().map(|(d, hw)| {
            let mut v = difference_json(d);
            v["strategy"] = json!(scenario.strategies[d.strategy].name);
            v["half_width"] = signed_num(*hw);
            v
        }).collect::<Vec<_>>(),
        "summary": target_line(scenario, t),
    })
}

/// NaN and infinities become null (JSON has no NaN).
fn num(x: f64) -> Value {
    if x.is_finite() { json!(x) } else { Value::Null }
}

/// The `summary.json` document.
pub fn summary_json(scenario: &Scenario, outcome: &Outcome) -> Value {
    let mut strategies = Map::new();
    let nodes_count = scenario.nodes.len();
    let mut first_nodes = None;
    for s in &outcome.summaries {
        let st = &scenario.strategies[s.strategy];
        let mut measures = Map::new();
        for (i, name) in SYSTEM_MEASURES.iter().enumerate() {
            measures.insert((*name).to_string(), stat_json(&s.measures[i]));
        }
        let mut nodes = Map::new();
        for (i, n) in scenario.nodes.iter().enumerate() {
            let o = MeasureSchema::node_offset(i);
            let mut m = Map::new();
            for (k, name) in NODE_MEASURES.iter().enumerate() {
                if n.customs.is_none() && (6..11).contains(&k) {
                    continue;
                }
                m.insert((*name).to_string(), stat_json(&s.measures[o + k]));
            }
            nodes.insert(n.id.clone(), Value::Object(m));
        }
        let mut flows = Map::new();
        for (i, f) in scenario.flows.iter().enumerate() {
            let o = MeasureSchema::flow_offset(nodes_count, i);
            let mut classes = Map::new();
            for (c, class) in CLASSES.iter().enumerate() {
                let mut m = Map::new();
                for (k, name) in FLOW_MEASURES.iter().enumerate() {
                    m.insert(
                        (*name).to_string(),
                        stat_json(&s.measures[o + c * FLOW_MEASURES.len() + k]),
                    );
                }
                classes.insert((*class).to_string(), Value::Object(m));
            }
            flows.insert(f.id.clone(), Value::Object(classes));
        }
        let mut recovery = Map::new();
        let si = outcome
            .summaries
            .iter()
            .position(|x| x.strategy == s.strategy)
            .expect("a summary per strategy");
        if !scenario.disruptions.is_empty() {
            for (k, scope) in recovery_scopes(scenario).iter().enumerate() {
                let o = MeasureSchema::recovery_offset(nodes_count, scenario.flows.len(), k);
                let sr = &outcome.analysis.scopes[si][k];
                let mut m = Map::new();
                for (j, name) in RECOVERY_MEASURES.iter().enumerate() {
                    let v = match *name {
                        // Censored times: Kaplan–Meier, never a mean.
                        "ttr_days" => time_json(&sr.ttr),
                        "first_return_days" => time_json(&sr.first_return),
                        "resilience_loss_days" => {
                            with_estimate(stat_json(&s.measures[o + j]), &sr.resilience_loss)
                        }
                        "excess_delay_shipment_days" => {
                            with_estimate(stat_json(&s.measures[o + j]), &sr.excess_delay)
                        }
                        _ => stat_json(&s.measures[o + j]),
                    };
                    m.insert((*name).to_string(), v);
                }
                recovery.insert(scope.clone(), Value::Object(m));
            }
        }
        let differences: Vec<Value> = outcome
            .analysis
            .differences
            .iter()
            .filter(|d| d.strategy == s.strategy)
            .map(difference_json)
            .collect();
        let mut vs_baseline = Map::new();
        for (i, stat) in &s.paired {
            vs_baseline.insert(outcome.schema.names[*i].clone(), stat_json(stat));
        }
        // The reference strategy's: baseline if it ran, else the first.
        if first_nodes.is_none() || st.name == crate::policy::Strategy::DEFAULTS {
            first_nodes = Some(Value::Object(nodes.clone()));
        }
        strategies.insert(
            st.name.clone(),
            json!({
                "description": st.description,
                "knobs": {
                    "priority": st.priority,
                    "recognition": st.recognition,
                    "alert_relief": st.alert_relief,
                    "reroute": st.reroute,
                    "when": st.when,
                    "notice": st.notice,
                    "information": st.information,
                    "arrangement": st.arrangement,
                    "data_exchange": st.data_exchange,
                    "resumption": st.resumption,
                    "alert_notice": st.alert_notice,
                    "screening": st.screening,
                    "reopening": st.reopening,
                },
                "measures": Value::Object(measures),
                "recovery": Value::Object(recovery),
                "vs_baseline": Value::Object(vs_baseline),
                "recovery_vs_baseline": differences,
                "nodes": Value::Object(nodes),
                "flows": Value::Object(flows),
            }),
        );
    }
    json!({
        "tradesim_version": env!("CARGO_PKG_VERSION"),
        "scenario": scenario.name,
        "description": scenario.description,
        "seed": outcome.plan.seed,
        "replications": outcome.aggregate.replications,
        "horizon_days": scenario.horizon,
        "warmup_days": scenario.warmup,
        "teu_per_shipment": scenario.teu_per_shipment,
        "baseline_days": scenario.baseline_days,
        "window_days": scenario.window_days,
        "tolerance": scenario.tolerance,
        "hold_days": scenario.hold_days,
        "intervals": if outcome.analysis.bootstrap {
            json!({"method": "bootstrap percentile, paired for differences", "resamples": crate::experiment::inference::RESAMPLES, "seed": outcome.plan.seed})
        } else {
            json!({"method": "large-sample: Student t cut to [0, inf) for non-negative means, paired t for differences of means, independent normal approximation for differences of medians"})
        },
        "target_ci": outcome.analysis.target.as_ref().map(|t| target_json(scenario, t)),
        "sensitivity": outcome.analysis.sensitivity.iter().map(|c| {
            let mut v = difference_json(&c.difference);
            v["strategy"] = json!(scenario.strategies[c.difference.strategy].name);
            v["tolerance"] = json!(c.tolerance);
            v["hold_days"] = json!(c.hold_days);
            v
        }).collect::<Vec<_>>(),
        "ablation": ablation_json(scenario, outcome),
        "disruptions": scenario.disruptions.iter().map(|d| d.id.clone()).collect::<Vec<_>>(),
        "network": network_json(scenario),
        "strategy_order": outcome.summaries.iter().map(|s| scenario.strategies[s.strategy].name.clone()).collect::<Vec<_>>(),
        "strategies": Value::Object(strategies),
        "nodes": first_nodes.unwrap_or(Value::Null),
        "limitations": limitations::limitations(
            scenario,
            &outcome.summaries.iter().map(|s| &scenario.strategies[s.strategy]).collect::<Vec<_>>(),
        ),
    })
}

/// The network and its disruptions, for maps and reports built from the outputs alone.
pub fn network_json(scenario: &Scenario) -> Value {
    use crate::disruption::{Damage, Effect};
    let nodes: Vec<Value> = scenario
        .nodes
        .iter()
        .map(|n| {
            json!({
                "id": n.id, "name": n.name, "kind": n.kind, "country": scenario.countries[n.country as usize].code,
                "lat": n.lat, "lon": n.lon, "servers": n.servers, "customs": n.customs.is_some(),
            })
        })
        .collect();
    let routes: Vec<Value> = scenario
        .routes
        .iter()
        .map(|r| json!({ "id": r.id, "from": scenario.nodes[r.from as usize].id, "to": scenario.nodes[r.to as usize].id, "mode": r.mode, "mean_transit_days": r.transit.mean() }))
        .collect();
    let disruptions: Vec<Value> = scenario
        .disruptions
        .iter()
        .map(|d| {
            let mut v = json!({ "id": d.id, "probability": d.probability, "mean_onset_day": d.onset.mean() });
            let o = v.as_object_mut().expect("object");
            match &d.effect {
                Effect::Earthquake { epicenter, magnitude, damage } => {
                    o.insert("kind".into(), json!("earthquake"));
                    o.insert("epicenter".into(), json!({ "lat": epicenter.0, "lon": epicenter.1 }));
                    o.insert("magnitude".into(), json!(magnitude));
                    let footprint = match damage {
                        Damage::Attenuation(a) => a.footprint_km(*magnitude),
                        Damage::Listed(l) => l
                            .iter()
                            .map(|nd| crate::disruption::haversine_km(*epicenter, (scenario.nodes[nd.node as usize].lat, scenario.nodes[nd.node as usize].lon)))
                            .fold(0.0, f64::max),
                    };
                    o.insert("footprint_km".into(), json!(footprint));
                    if let Damage::Listed(l) = damage {
                        o.insert("nodes".into(), json!(l.iter().map(|nd| scenario.nodes[nd.node as usize].id.clone()).collect::<Vec<_>>()));
                    }
                }
                Effect::Alert { country, level, duration } => {
                    o.insert("kind".into(), json!("alert"));
                    o.insert("country".into(), json!(scenario.countries[*country as usize].code));
                    o.insert("level".into(), json!(level));
                    o.insert("duration_days".into(), json!(duration));
                }
                Effect::Closure { nodes, routes, duration } => {
                    o.insert("kind".into(), json!("closure"));
                    o.insert("nodes".into(), json!(nodes.iter().map(|&n| scenario.nodes[n as usize].id.clone()).collect::<Vec<_>>()));
                    o.insert("routes".into(), json!(routes.iter().map(|&r| scenario.routes[r as usize].id.clone()).collect::<Vec<_>>()));
                    o.insert("duration_days".into(), json!(duration));
                }
                Effect::Revocation { programme, share } => {
                    o.insert("kind".into(), json!("revocation"));
                    o.insert("programme".into(), json!(scenario.programmes[*programme as usize].id));
                    o.insert("share".into(), json!(share));
                }
            }
            v
        })
        .collect();
    json!({ "nodes": nodes, "routes": routes, "disruptions": disruptions })
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

/// The daily series the report draws ([`html::Timeseries`]), from memory: the values
/// `timeseries.csv` holds, so a report drawn from these is the one drawn from the file.
pub fn report_series(scenario: &Scenario, outcome: &Outcome) -> html::Timeseries {
    let scoped = scope_rows(scenario, outcome.aggregate.scopes);
    let (mut system, mut nodes) = html::Timeseries::default();
    for s in &outcome.summaries {
        let name = &scenario.strategies[s.strategy].name;
        let days = s.daily.len();
        for (k, series) in DAILY_SERIES.iter().enumerate() {
            let points = s.daily.iter().enumerate().map(|(d, row)| html::DayPoint {
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
