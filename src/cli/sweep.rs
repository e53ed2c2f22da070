//! `tradesim run` on a scenario with a `[sweep]`: every point run in turn, results as one
//! tidy table (`sweep.csv`), a summary per point (`points/<k>/summary.json`), and the
//! design with the screened measure's sensitivity (`sweep.json`, console).
//!
//! With `--shard K/M` each point runs shard K of M of its replications into
//! `OUT/point-<k>/`, as a plain run's shard would; `tradesim merge` on that folder merges
//! each point's shards and writes the same files as the local sweep, byte for byte
//! (`merge_sweep`). `tradesim slurm` therefore spreads points × replications over its
//! job array unchanged.

use super::run::run_settings;
use super::settings::RunSettings;
use super::{RunArgs, fail, print_scenario_errors, say};
use crate::experiment::{Outcome, store};
use crate::report::data::sweep::{
    MorrisKey, PointEstimate, Sensitivity, SweepData, SweepKey, SweepPoint, TornadoBar,
};
use crate::report::{self, PointSummaries};
use crate::scenario::Scenario;
use crate::sweep::design::{Design, Parameter};
use crate::sweep::run::{self, PointSettings, Row};
use crate::sweep::sensitivity::{apart, effect_noise, elementary_effects, tornado};
use crate::sweep::spec::{self, Spec};
use serde_json::json;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// `run` on a scenario with a `[sweep]`, loaded from `path`: every point locally, or
/// with `--shard` each point's shard.
pub(super) fn from_run_args(scenario: &Scenario, path: &Path, args: &RunArgs) -> ExitCode {
    let unsupported = [
        (args.ablation, "--ablation"),
        (args.target_ci.is_some(), "--target-ci"),
    ];
    if let Some((_, flag)) = unsupported.iter().find(|(given, _)| *given) {
        return fail(
            2,
            format!(
                "{flag} does not apply to a sweep yet; run without it, or remove [sweep] to run the scenario once"
            ),
        );
    }
    let file = path.display().to_string();
    let spec = match compile(scenario, &file, args.seed.unwrap_or(scenario.seed)) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("outputs").join(&scenario.name));
    if args.shard.is_some() {
        if args.point_summaries.is_some() {
            return fail(
                2,
                "--point-summaries applies where the summaries are written: give it to `tradesim merge`",
            );
        }
        return shard(scenario, &file, &spec, &out, args);
    }
    if let Err(e) = report::prepare_dir(&out) {
        return fail(2, format!("output folder: {e}"));
    }
    let _lock = match crate::lock::lock_folder(&out, crate::lock::LOCK_FILE, "run") {
        Ok(l) => l,
        Err(e) => return fail(2, e),
    };
    let settings = PointSettings {
        replications: args.replications,
        seed: args.seed,
        threads: args.threads.map_or_else(
            || std::thread::available_parallelism().map_or(1, |n| n.get()),
            |t| t as usize,
        ),
        strategies: args.strategies.clone(),
    };
    let summaries = args.point_summaries.unwrap_or_default();
    let result = SweepWriter::new(&spec, &out, args.quiet, summaries).and_then(|mut w| {
        run::run(
            scenario,
            &file,
            &spec.parameters,
            &spec.points,
            settings,
            &|_| false,
            &mut |k, s, o, rows| w.point(k, s, o, rows),
        )?;
        w.finish()
    });
    let _ = std::fs::remove_file(out.join("sweep.csv.partial"));
    finish(result)
}

/// `validate` of a scenario with a `[sweep]`: the design and every point's scenario
/// checked; a line saying how many points, or the errors printed.
pub(super) fn check(scenario: &Scenario, file: &str) -> Result<String, ExitCode> {
    let spec = compile(scenario, file, scenario.seed)?;
    for (k, p) in spec.points.points.iter().enumerate() {
        if let Err(e) = run::point_scenario(scenario, file, &spec.parameters, p, k) {
            return Err(finish(Err(SweepFailure::Run(e.into()))));
        }
    }
    Ok(format!(
        "  sweep: {} points ({}) over {}; screens {} − baseline, {}\n",
        spec.points.points.len(),
        spec.design.name(),
        spec.parameters
            .iter()
            .map(|p| p.key.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        spec.strategy,
        spec.measure
    ))
}

/// The sweep of `scenario` (its own text), checked; prints the errors itself.
fn compile(scenario: &Scenario, file: &str, seed: u64) -> Result<Spec, ExitCode> {
    let Some(raw) = &scenario.sweep else {
        return Err(fail(2, format!("{file}: no [sweep] section")));
    };
    let spec = spec::compile(raw, scenario, file, scenario.format, seed).map_err(|e| {
        print_scenario_errors(&e);
        ExitCode::from(2)
    })?;
    if scenario.strategy_index(&spec.strategy).is_none()
        || scenario.strategy_index("baseline").is_none()
    {
        return Err(fail(
            2,
            format!(
                "{file}: [sweep] strategy `{}` and `baseline` must both be strategies of the scenario",
                spec.strategy
            ),
        ));
    }
    Ok(spec)
}

fn finish(result: Result<String, SweepFailure>) -> ExitCode {
    match result {
        Ok(console) => {
            say(&console);
            ExitCode::SUCCESS
        }
        Err(SweepFailure::Run(run::RunError::Sweep(run::SweepError::Point {
            point,
            values,
            errors,
        }))) => {
            eprintln!("error: sweep point {point} ({values}) is not a valid scenario:");
            print_scenario_errors(&errors);
            ExitCode::from(2)
        }
        Err(e) => fail(2, e),
    }
}

/// The folder of point `k`'s shards under a sweep's `--out`.
fn point_dir(k: usize) -> String {
    format!("point-{k}")
}

/// `run --shard K/M` on a sweep: shard K of M of every point, each into its own folder.
fn shard(scenario: &Scenario, file: &str, spec: &Spec, out: &Path, args: &RunArgs) -> ExitCode {
    let mut points = vec![];
    for (k, p) in spec.points.points.iter().enumerate() {
        match run::point_scenario(scenario, file, &spec.parameters, p, k) {
            Ok(s) => points.push(s),
            Err(e) => return finish(Err(SweepFailure::Run(e.into()))),
        }
    }
    let n = points.len();
    for (k, point) in points.into_iter().enumerate() {
        let mut a = args.clone();
        a.out = Some(out.join(point_dir(k)));
        // The same plan as a local sweep's point: no confidence target.
        a.target_ci = Some(super::TargetArg::Off);
        let settings = match RunSettings::for_scenario(point, &a) {
            Ok(s) => s,
            Err(code) => return code,
        };
        if !args.quiet {
            eprintln!("sweep: point {} of {n}", k + 1);
        }
        let code = run_settings(settings, &a);
        if code != ExitCode::SUCCESS {
            return code;
        }
    }
    ExitCode::SUCCESS
}

/// `merge` of a sweep's shards: `dirs` (one folder) holding `point-<k>/` folders of shard
/// files. None if it holds none (not a sweep).
pub(super) fn merge_sweep(
    dirs: &[PathBuf],
    out: &Path,
    limit: u64,
    summaries: Option<PointSummaries>,
) -> Option<ExitCode> {
    let [dir] = dirs else { return None };
    let mut points: Vec<(usize, PathBuf)> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let k = name.strip_prefix("point-")?.parse().ok()?;
            e.path().is_dir().then_some((k, e.path()))
        })
        .collect();
    if points.is_empty() {
        return None;
    }
    points.sort();
    if points.iter().enumerate().any(|(i, (k, _))| i != *k) {
        return Some(fail(
            2,
            format!(
                "{}: the point-<k> folders are not 0..{}; merge the whole sweep's folder",
                dir.display(),
                points.len()
            ),
        ));
    }
    // Every point's shards are read and checked before anything is written.
    let mut merged = vec![];
    for (_, p) in &points {
        let m = match store::merge(std::slice::from_ref(p), limit) {
            Ok(m) => m,
            Err(e) => return Some(fail(2, e)),
        };
        if let Err(e) = store::merged_rows(&m, limit) {
            return Some(fail(2, e));
        }
        merged.push(m);
    }
    let first = &merged[0];
    let label = format!("{} (from {})", first.scenario.name, dir.display());
    let spec = match compile(&first.scenario, &label, first.plan.seed) {
        Ok(s) => s,
        Err(code) => return Some(code),
    };
    if spec.points.points.len() != merged.len() {
        return Some(fail(
            2,
            format!(
                "{}: {} point folders, but the sweep has {} points",
                dir.display(),
                merged.len(),
                spec.points.points.len()
            ),
        ));
    }
    if let Err(e) = report::prepare_dir(out) {
        return Some(fail(2, format!("output folder: {e}")));
    }
    let _lock = match crate::lock::lock_folder(out, crate::lock::LOCK_FILE, "merge") {
        Ok(l) => l,
        Err(e) => return Some(fail(2, e)),
    };
    let result =
        SweepWriter::new(&spec, out, true, summaries.unwrap_or_default()).and_then(|mut w| {
            for (k, m) in merged.into_iter().enumerate() {
                let outcome =
                    crate::experiment::outcome(&m.scenario, m.plan, m.aggregate, m.seconds);
                let rows = run::rows(&m.scenario, &outcome);
                w.point(k, &m.scenario, &outcome, &rows)
                    .map_err(|e| SweepFailure::Write {
                        path: out.to_path_buf(),
                        source: e,
                    })?;
            }
            w.finish()
        });
    let _ = std::fs::remove_file(out.join("sweep.csv.partial"));
    Some(finish(result))
}

#[derive(Debug, thiserror::Error)]
enum SweepFailure {
    #[error(transparent)]
    Run(#[from] run::RunError),
    #[error(transparent)]
    Report(#[from] report::data::ReportError),
    #[error("{path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The failure to write `path`, for `map_err`.
fn write_err(path: &Path) -> impl Fn(std::io::Error) -> SweepFailure {
    let path = path.to_path_buf();
    move |source| SweepFailure::Write {
        path: path.clone(),
        source,
    }
}

/// Writes a sweep's files as its points finish: `sweep.csv` (streamed to
/// `sweep.csv.partial`, renamed at the end), `points/<k>/summary.json`, then `sweep.json`.
struct SweepWriter<'a> {
    spec: &'a Spec,
    out: &'a Path,
    quiet: bool,
    /// Which point summaries to write.
    summaries: PointSummaries,
    table: csv::Writer<std::io::BufWriter<std::fs::File>>,
    /// The screened difference of each point so far (its row, if the run has it).
    headline: Vec<Option<Row>>,
    /// Its value (NaN: not estimable or not in the run).
    measure: Vec<f64>,
    /// What the report says of the run at every point, from the first point.
    run: Option<RunFacts>,
}

/// The run at every point of a sweep, as its first point gives it.
#[derive(Debug, Default)]
struct RunFacts {
    name: String,
    description: Option<String>,
    replications: u64,
    seed: u64,
    strategies: Vec<String>,
}

impl<'a> SweepWriter<'a> {
    fn new(
        spec: &'a Spec,
        out: &'a Path,
        quiet: bool,
        summaries: PointSummaries,
    ) -> Result<Self, SweepFailure> {
        // Point folders of an earlier sweep into the same folder would mix with this one's.
        let points_dir = out.join("points");
        if points_dir.exists() {
            std::fs::remove_dir_all(&points_dir).map_err(write_err(&points_dir))?;
        }
        let partial = out.join("sweep.csv.partial");
        let mut table = csv::Writer::from_writer(std::io::BufWriter::new(
            std::fs::File::create(&partial).map_err(write_err(&partial))?,
        ));
        let mut header = vec!["point"];
        header.extend(spec.parameters.iter().map(|p| p.key.as_str()));
        header.extend(report::compare::TIDY_COLUMNS);
        table
            .write_record(&header)
            .map_err(|e| write_err(&partial)(e.into()))?;
        Ok(SweepWriter {
            spec,
            out,
            quiet,
            summaries,
            table,
            headline: vec![],
            measure: vec![],
            run: None,
        })
    }

    fn pick(&self, r: &Row) -> bool {
        r.strategy == self.spec.strategy
            && r.statistic == "difference_from_baseline"
            && r.measure == self.spec.measure
    }

    /// Point `k`'s rows and summary.
    fn point(
        &mut self,
        k: usize,
        scenario: &Scenario,
        outcome: &Outcome,
        rows: &[Row],
    ) -> std::io::Result<()> {
        let values: Vec<String> = self.spec.points.points[k]
            .values
            .iter()
            .map(cell_value)
            .collect();
        for r in rows {
            let mut rec = vec![k.to_string()];
            rec.extend(values.iter().cloned());
            rec.extend(
                report::compare::TidyFields {
                    strategy: &r.strategy,
                    measure: &r.measure,
                    statistic: r.statistic,
                    value: Some(r.value),
                    ci95: r.ci95.map(Some),
                    n: r.n,
                    censored_share: Some(r.censored_share),
                    verdict: &r.verdict,
                }
                .cells(),
            );
            self.table.write_record(&rec)?;
        }
        if self.summaries != PointSummaries::None {
            let dir = self.out.join("points").join(k.to_string());
            std::fs::create_dir_all(&dir)?;
            let mut summary = report::summary_json(scenario, outcome);
            if self.summaries == PointSummaries::System {
                report::system_only(&mut summary);
            }
            let bytes = serde_json::to_vec_pretty(&summary).map_err(std::io::Error::other)?;
            report::write_atomic(&dir.join("summary.json"), &bytes)
                .map_err(|e| std::io::Error::other(e.to_string()))?;
        }
        if self.run.is_none() {
            let plan = &outcome.plan;
            self.run = Some(RunFacts {
                name: scenario.name.clone(),
                description: scenario.description.clone(),
                replications: plan.replications,
                seed: plan.seed,
                strategies: plan
                    .strategies
                    .iter()
                    .map(|&i| scenario.strategies[i].name.clone())
                    .collect(),
            });
        }
        let head = rows.iter().find(|r| self.pick(r)).cloned();
        self.measure
            .push(head.as_ref().map_or(f64::NAN, |r| r.value));
        self.headline.push(head);
        if !self.quiet {
            let n = self.spec.points.points.len();
            let what = run::describe(&self.spec.parameters, &self.spec.points.points[k]);
            eprintln!("sweep: point {} of {n} done ({what})", k + 1);
        }
        Ok(())
    }

    /// Renames `sweep.csv` into place and writes `sweep.json`; the console text.
    fn finish(self) -> Result<String, SweepFailure> {
        let SweepWriter {
            spec,
            out,
            table,
            headline,
            measure,
            run,
            summaries,
            ..
        } = self;
        let partial = out.join("sweep.csv.partial");
        let mut w = table
            .into_inner()
            .map_err(|e| write_err(&partial)(e.into_error()))?;
        w.flush().map_err(write_err(&partial))?;
        drop(w);
        let csv_final = out.join("sweep.csv");
        std::fs::rename(&partial, &csv_final).map_err(write_err(&csv_final))?;
        let doc = json!({
            "design": spec.design.name(),
            "design_seed": design_seed(spec),
            "keys": spec.parameters.iter().map(key_json).collect::<Vec<_>>(),
            "measure": spec.measure,
            "strategy": spec.strategy,
            "points": spec.points.points.iter().zip(&measure).map(|(p, y)| json!({
                "values": p.values.iter().map(|v| serde_json::to_value(v).unwrap_or_default()).collect::<Vec<_>>(),
                "coords": p.coords,
                "measure": finite(*y),
            })).collect::<Vec<_>>(),
            "sensitivity": sensitivity_json(spec, &measure),
        });
        let path = out.join("sweep.json");
        let bytes = serde_json::to_vec_pretty(&doc)
            .map_err(|e| write_err(&path)(std::io::Error::other(e)))?;
        report::write_atomic(&path, &bytes)
            .map_err(|e| write_err(&path)(std::io::Error::other(e.to_string())))?;
        let data = report_data(spec, &headline, &measure, run.unwrap_or_default());
        report::html::write_sweep_report(out, &data).map_err(SweepFailure::Report)?;
        Ok(console(spec, &headline, &measure, out, summaries))
    }
}

/// What the sweep's report shows: the design, the screened difference at every point
/// (`headline`, its value `y`) and the sensitivity, with `run`'s description,
/// replications, seed and strategies.
fn report_data(spec: &Spec, headline: &[Option<Row>], y: &[f64], run: RunFacts) -> SweepData {
    let keys = spec.parameters.len();
    let ci: Vec<[f64; 2]> = headline
        .iter()
        .map(|h| h.as_ref().map_or([f64::NAN; 2], |r| r.ci95))
        .collect();
    let sensitivity = match spec.design {
        Design::OneAtATime => {
            let (base, bars) = tornado(&spec.points, keys, y);
            Sensitivity::Tornado {
                base: finite(base),
                bars: bars
                    .iter()
                    .map(|b| TornadoBar {
                        key: b.parameter,
                        at_low: finite(b.at_low),
                        at_high: finite(b.at_high),
                        swing: finite(b.swing),
                        resolved: matches!((b.min_point, b.max_point), (Some(lo), Some(hi))
                            if apart(ci[lo], ci[hi])),
                    })
                    .collect(),
            }
        }
        Design::Morris { .. } => {
            let noise = effect_noise(&spec.points, keys, &ci);
            Sensitivity::Morris {
                effects: elementary_effects(&spec.points, keys, y)
                    .iter()
                    .map(|e| MorrisKey {
                        key: e.parameter,
                        n: e.n,
                        mu: finite(e.mu),
                        mu_star: finite(e.mu_star),
                        sigma: finite(e.sigma),
                        noise: finite(noise[e.parameter]),
                    })
                    .collect(),
            }
        }
        _ => Sensitivity::None,
    };
    SweepData {
        scenario: run.name,
        description: run.description,
        design: spec.design.name().into(),
        design_seed: design_seed(spec),
        keys: spec
            .parameters
            .iter()
            .map(|p| SweepKey {
                key: p.key.clone(),
                scale: p.scale,
                levels: levels_text(p),
                lowest: short_value(&p.value_at(0.0)),
                highest: short_value(&p.value_at(1.0)),
            })
            .collect(),
        strategy: spec.strategy.clone(),
        measure: spec.measure.clone(),
        replications: run.replications,
        seed: run.seed,
        strategies: run.strategies,
        points: spec
            .points
            .points
            .iter()
            .zip(headline)
            .map(|(p, h)| SweepPoint {
                values: p.values.iter().map(short_value).collect(),
                numbers: p
                    .values
                    .iter()
                    .map(|v| match v {
                        toml::Value::Integer(i) => Some(*i as f64),
                        toml::Value::Float(x) => Some(*x),
                        _ => None,
                    })
                    .collect(),
                coords: p.coords.clone(),
                estimate: h.as_ref().map(|r| PointEstimate {
                    value: finite(r.value),
                    ci95: [finite(r.ci95[0]), finite(r.ci95[1])],
                    n: r.n,
                    verdict: r.verdict.clone(),
                }),
            })
            .collect(),
        sensitivity,
    }
}

/// A key's levels in words: `5, 11, 20` or `0.5 to 1.4, 4 steps`.
fn levels_text(p: &Parameter) -> String {
    match &p.levels {
        crate::sweep::design::Levels::List(v) => {
            v.iter().map(short_value).collect::<Vec<_>>().join(", ")
        }
        crate::sweep::design::Levels::Range { low, high, steps } => {
            format!("{low} to {high}, {steps} steps")
        }
    }
}

/// The seed of a sampled design.
fn design_seed(spec: &Spec) -> Option<u64> {
    match spec.design {
        Design::LatinHypercube { seed, .. } | Design::Morris { seed, .. } => Some(seed),
        _ => None,
    }
}

fn key_json(p: &Parameter) -> serde_json::Value {
    let levels = match &p.levels {
        crate::sweep::design::Levels::List(v) => json!({ "values": v }),
        crate::sweep::design::Levels::Range { low, high, steps } => {
            json!({ "range": [low, high], "steps": steps })
        }
    };
    json!({ "key": p.key, "scale": p.scale, "levels": levels })
}

fn sensitivity_json(spec: &Spec, y: &[f64]) -> serde_json::Value {
    let k = spec.parameters.len();
    match spec.design {
        Design::OneAtATime => {
            let (base, bars) = tornado(&spec.points, k, y);
            json!({ "method": "one_at_a_time", "base": finite(base), "bars": bars.iter().map(|b| json!({
                "key": spec.parameters[b.parameter].key, "at_low": finite(b.at_low), "at_high": finite(b.at_high), "swing": finite(b.swing),
            })).collect::<Vec<_>>() })
        }
        Design::Morris { .. } => {
            let ee = elementary_effects(&spec.points, k, y);
            json!({ "method": "morris", "effects": ee.iter().map(|e| json!({
                "key": spec.parameters[e.parameter].key, "n": e.n, "mu": finite(e.mu), "mu_star": finite(e.mu_star), "sigma": finite(e.sigma),
            })).collect::<Vec<_>>() })
        }
        _ => serde_json::Value::Null,
    }
}

fn console(
    spec: &Spec,
    headline: &[Option<Row>],
    y: &[f64],
    out: &Path,
    summaries: PointSummaries,
) -> String {
    let mut s = format!(
        "\nsweep: {} points ({}); {} − baseline, {}:\n",
        spec.points.points.len(),
        spec.design.name(),
        spec.strategy,
        spec.measure
    );
    let mut rows = vec![];
    for (k, (p, h)) in spec.points.points.iter().zip(headline).enumerate() {
        let vals = p
            .values
            .iter()
            .map(cell_value)
            .collect::<Vec<_>>()
            .join(", ");
        let (est, verdict) = match h {
            Some(r) => (
                format!("{} [{}, {}]", fmt(r.value), fmt(r.ci95[0]), fmt(r.ci95[1])),
                r.verdict.clone(),
            ),
            None => ("—".into(), "not in this run".into()),
        };
        rows.push([k.to_string(), vals, est, verdict]);
    }
    let keys = spec
        .parameters
        .iter()
        .map(|p| p.key.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    s += &report::table(&["point", &keys, "difference [95% CI]", "verdict"], &rows);
    match spec.design {
        Design::OneAtATime => {
            let (base, bars) = tornado(&spec.points, spec.parameters.len(), y);
            s += &format!("\none at a time around the base point ({}):\n", fmt(base));
            let rows: Vec<[String; 4]> = bars
                .iter()
                .map(|b| {
                    [
                        spec.parameters[b.parameter].key.clone(),
                        fmt(b.at_low),
                        fmt(b.at_high),
                        fmt(b.swing),
                    ]
                })
                .collect();
            s += &report::table(&["key", "at lowest", "at highest", "swing"], &rows);
        }
        Design::Morris { .. } => {
            let mut ee = elementary_effects(&spec.points, spec.parameters.len(), y);
            ee.sort_by(|a, b| b.mu_star.total_cmp(&a.mu_star));
            s += "\nMorris elementary effects (per whole range of each key), most influential first:\n";
            let rows: Vec<[String; 5]> = ee
                .iter()
                .map(|e| {
                    [
                        spec.parameters[e.parameter].key.clone(),
                        fmt(e.mu_star),
                        fmt(e.mu),
                        fmt(e.sigma),
                        e.n.to_string(),
                    ]
                })
                .collect();
            s += &report::table(&["key", "mu*", "mu", "sigma", "effects"], &rows);
        }
        _ => {}
    }
    s += &format!(
        "\nresults in {}/ (sweep.csv, sweep.json, report.html, plots/{})\n",
        out.display(),
        match summaries {
            PointSummaries::Full => ", points/*/summary.json",
            PointSummaries::System => ", points/*/summary.json (system-wide parts)",
            PointSummaries::None => "",
        }
    );
    s
}

/// A TOML value as a CSV cell: strings without quotes.
fn cell_value(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A TOML value for the report page: as [`cell_value`], but a fraction to at most four
/// decimals (a Latin hypercube's or Morris grid's 0.8333333333333333 as 0.8333).
fn short_value(v: &toml::Value) -> String {
    match v {
        toml::Value::Float(x) if x.is_finite() => {
            let s = format!("{x:.4}");
            let s = s.trim_end_matches('0');
            s.strip_suffix('.').unwrap_or(s).to_string()
        }
        other => cell_value(other),
    }
}

fn fmt(x: f64) -> String {
    if x.is_finite() {
        format!("{x:.2}")
    } else {
        "—".into()
    }
}

fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}
