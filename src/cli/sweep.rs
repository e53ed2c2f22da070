//! `tradesim run` on a scenario with a `[sweep]`: every point run in turn, results as one
//! tidy table (`sweep.csv`), a summary per point (`points/<k>/summary.json`), and the
//! design with the screened measure's sensitivity (`sweep.json`, console).

use super::{RunArgs, fail, print_scenario_errors};
use crate::report;
use crate::scenario::{Format, Scenario};
use crate::sweep::design::{Design, Parameter};
use crate::sweep::run::{self, PointSettings, Row};
use crate::sweep::sensitivity::{elementary_effects, tornado};
use crate::sweep::spec::{self, Spec};
use serde_json::json;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// What the command line sets for a sweep.
#[derive(Debug, Clone)]
pub struct SweepArgs {
    /// The scenario file (its `[sweep]` says what to vary).
    pub path: PathBuf,
    /// Output folder (default `outputs/<scenario name>/`).
    pub out: Option<PathBuf>,
    /// Replications per strategy at each point (default: the scenario's).
    pub replications: Option<u64>,
    /// Master seed, the same at every point (default: the scenario's).
    pub seed: Option<u64>,
    /// Worker threads.
    pub threads: Option<usize>,
    /// No messages on stderr.
    pub quiet: bool,
    /// Largest scenario file read.
    pub max_input: u64,
}

/// `run` on a scenario with a `[sweep]`: the flags that make sense for every point.
pub(super) fn from_run_args(scenario: &Scenario, path: &Path, args: &RunArgs) -> ExitCode {
    let unsupported = [
        (args.ablation, "--ablation"),
        (args.strategies.is_some(), "--strategies"),
        (args.shard.is_some(), "--shard"),
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
    sweep(
        scenario,
        &SweepArgs {
            path: path.to_path_buf(),
            out: args.out.clone(),
            replications: args.replications,
            seed: args.seed,
            threads: args.threads.map(|t| t as usize),
            quiet: args.quiet,
            max_input: args
                .max_input_size
                .unwrap_or(crate::input::MAX_SCENARIO_BYTES),
        },
    )
}

/// Runs the sweep of `scenario` (already loaded from `args.path`); the exit code.
pub fn sweep(scenario: &Scenario, args: &SweepArgs) -> ExitCode {
    let text = match crate::input::read_regular(&args.path, args.max_input) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(e) => return fail(2, format!("{}: {e}", args.path.display())),
    };
    let file = args.path.display().to_string();
    let format = Format::from_path(&args.path);
    let Some(raw) = &scenario.sweep else {
        return fail(2, format!("{file}: no [sweep] section"));
    };
    let spec = match spec::compile(
        raw,
        &text,
        &file,
        format,
        args.seed.unwrap_or(scenario.seed),
    ) {
        Ok(s) => s,
        Err(e) => {
            print_scenario_errors(&e);
            return ExitCode::from(2);
        }
    };
    if scenario.strategy_index(&spec.strategy).is_none()
        || scenario.strategy_index("baseline").is_none()
    {
        return fail(
            2,
            format!(
                "{file}: [sweep] strategy `{}` and `baseline` must both be strategies of the scenario",
                spec.strategy
            ),
        );
    }
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("outputs").join(&scenario.name));
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
        threads: args
            .threads
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())),
    };
    let result = write_sweep(&text, &file, &spec, settings, &out, args.quiet);
    let _ = std::fs::remove_file(out.join("sweep.csv.partial"));
    match result {
        Ok(console) => {
            print!("{console}");
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

#[derive(Debug, thiserror::Error)]
enum SweepFailure {
    #[error(transparent)]
    Run(#[from] run::RunError),
    #[error("{path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Runs every point and writes the results into `out`; returns the console text.
fn write_sweep(
    text: &str,
    file: &str,
    spec: &Spec,
    settings: PointSettings,
    out: &Path,
    quiet: bool,
) -> Result<String, SweepFailure> {
    let werr = |path: &Path| {
        let path = path.to_path_buf();
        move |source| SweepFailure::Write {
            path: path.clone(),
            source,
        }
    };
    // Point folders of an earlier sweep into the same folder would mix with this one's.
    let points_dir = out.join("points");
    if points_dir.exists() {
        std::fs::remove_dir_all(&points_dir).map_err(werr(&points_dir))?;
    }
    let csv_final = out.join("sweep.csv");
    let csv_partial = out.join("sweep.csv.partial");
    let mut table = csv::Writer::from_writer(std::io::BufWriter::new(
        std::fs::File::create(&csv_partial).map_err(werr(&csv_partial))?,
    ));
    let keys: Vec<&str> = spec.parameters.iter().map(|p| p.key.as_str()).collect();
    let mut header = vec!["point"];
    header.extend(&keys);
    header.extend([
        "strategy",
        "measure",
        "statistic",
        "value",
        "ci95_low",
        "ci95_high",
        "n",
        "censored_share",
        "verdict",
    ]);
    table
        .write_record(&header)
        .map_err(|e| werr(&csv_partial)(e.into()))?;
    let width = (spec.points.points.len().max(2) - 1).to_string().len();
    let pick = |r: &Row| {
        r.strategy == spec.strategy
            && r.statistic == "difference_from_baseline"
            && r.measure == spec.measure
    };
    let mut headline: Vec<Option<Row>> = vec![];
    let n_points = spec.points.points.len();
    let measure = run::run(
        text,
        file,
        &spec.parameters,
        &spec.points,
        settings,
        &pick,
        &mut |k, scenario, outcome, rows| {
            let values: Vec<String> = spec.points.points[k]
                .values
                .iter()
                .map(cell_value)
                .collect();
            for r in rows {
                let mut rec = vec![k.to_string()];
                rec.extend(values.iter().cloned());
                rec.extend([
                    r.strategy.clone(),
                    r.measure.clone(),
                    r.statistic.to_string(),
                    num(r.value),
                    num(r.ci95[0]),
                    num(r.ci95[1]),
                    r.n.to_string(),
                    num(r.censored_share),
                    r.verdict.clone(),
                ]);
                table.write_record(&rec)?;
            }
            let dir = out.join("points").join(format!("{k:0width$}"));
            std::fs::create_dir_all(&dir)?;
            let summary = serde_json::to_vec_pretty(&report::summary_json(scenario, outcome))
                .map_err(std::io::Error::other)?;
            report::write_atomic(&dir.join("summary.json"), &summary)
                .map_err(|e| std::io::Error::other(e.to_string()))?;
            headline.push(rows.iter().find(|r| pick(r)).cloned());
            if !quiet {
                eprintln!(
                    "sweep: point {} of {n_points} done ({})",
                    k + 1,
                    run::describe(&spec.parameters, &spec.points.points[k])
                );
            }
            Ok(())
        },
    )?;
    let mut w = table
        .into_inner()
        .map_err(|e| werr(&csv_partial)(e.into_error()))?;
    w.flush().map_err(werr(&csv_partial))?;
    drop(w);
    std::fs::rename(&csv_partial, &csv_final).map_err(werr(&csv_final))?;

    let sensitivity = sensitivity_json(spec, &measure);
    let doc = json!({
        "design": spec.design.name(),
        "design_seed": match spec.design {
            Design::LatinHypercube { seed, .. } | Design::Morris { seed, .. } => Some(seed),
            _ => None,
        },
        "keys": spec.parameters.iter().map(key_json).collect::<Vec<_>>(),
        "measure": spec.measure,
        "strategy": spec.strategy,
        "points": spec.points.points.iter().zip(&measure).map(|(p, y)| json!({
            "values": p.values.iter().map(|v| serde_json::to_value(v).unwrap_or_default()).collect::<Vec<_>>(),
            "coords": p.coords,
            "measure": finite(*y),
        })).collect::<Vec<_>>(),
        "sensitivity": sensitivity,
    });
    let path = out.join("sweep.json");
    let bytes =
        serde_json::to_vec_pretty(&doc).map_err(|e| werr(&path)(std::io::Error::other(e)))?;
    report::write_atomic(&path, &bytes)
        .map_err(|e| werr(&path)(std::io::Error::other(e.to_string())))?;
    Ok(console(spec, &headline, &measure, out))
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

fn console(spec: &Spec, headline: &[Option<Row>], y: &[f64], out: &Path) -> String {
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
        "\nresults in {}/ (sweep.csv, sweep.json, points/*/summary.json)\n",
        out.display()
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

fn num(x: f64) -> String {
    if x.is_finite() {
        format!("{x}")
    } else {
        String::new()
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
