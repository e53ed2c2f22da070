//! Helpers shared by the suite's modules: scenario loading and editing, experiment runs,
//! closed forms, and the binary.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use tradesim::engine::RunOptions;
use tradesim::experiment::{self, Outcome, Plan};
use tradesim::measure::ReplicationResult;
use tradesim::scenario::{Format, Scenario};

/// The crate's `scenarios/` folder.
pub fn scenarios_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios")
}

/// Every scenario file in `scenarios/` (`*.toml` and `*.json`), sorted, globbed now so
/// that new files are covered without editing the tests.
pub fn scenario_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(scenarios_dir())
        .expect("scenarios/ is readable")
        .map(|e| e.expect("directory entry").path())
        .filter(|p| {
            p.is_file()
                && p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                    e.eq_ignore_ascii_case("toml") || e.eq_ignore_ascii_case("json")
                })
        })
        .collect();
    files.sort();
    files
}

/// The text of `scenarios/<name>` as it runs: a scenario that `extends` the shared
/// network comes flattened (one TOML document with the network merged in), so tests can
/// edit and parse it on its own; any other comes as written.
pub fn scenario_text(name: &str) -> String {
    let p = scenarios_dir().join(name);
    Scenario::load(&p)
        .unwrap_or_else(|e| panic!("cannot load {}: {e}", p.display()))
        .source
}

/// Parses TOML scenario text, panicking with the rendered errors if it is invalid.
pub fn parse_toml(text: &str, file: &str) -> Scenario {
    Scenario::parse(text, file, Format::Toml).unwrap_or_else(|e| panic!("{file} is invalid: {e}"))
}

/// Parses a scenario file's text in its format, panicking with the errors if invalid.
pub fn parse_file_text(text: &str, path: &Path) -> Scenario {
    let label = path.display().to_string();
    Scenario::parse(text, &label, Format::from_path(path))
        .unwrap_or_else(|e| panic!("{label} is invalid: {e}"))
}

/// Rewrites `[scenario]` settings (e.g. `horizon`) of a scenario file's text, TOML or
/// JSON, re-serialising the document so that the result goes through the validator again.
pub fn edit_settings(text: &str, format: Format, settings: &[(&str, f64)]) -> String {
    match format {
        Format::Toml => {
            let mut doc: toml::Table = toml::from_str(text).expect("valid TOML");
            let sc = doc
                .get_mut("scenario")
                .and_then(|v| v.as_table_mut())
                .expect("[scenario] table");
            for &(k, v) in settings {
                sc.insert(k.to_string(), toml::Value::Float(v));
            }
            toml::to_string(&doc).expect("TOML serialises")
        }
        Format::Json => {
            let mut doc: serde_json::Value = serde_json::from_str(text).expect("valid JSON");
            let sc = doc
                .get_mut("scenario")
                .and_then(|v| v.as_object_mut())
                .expect("\"scenario\" object");
            for &(k, v) in settings {
                sc.insert(k.to_string(), serde_json::json!(v));
            }
            serde_json::to_string_pretty(&doc).expect("JSON serialises")
        }
    }
}

/// An experiment's outcome together with every replication's results (replication-major,
/// then strategy in plan order), which `Outcome` no longer keeps. Derefs to the outcome.
#[derive(Debug, Clone)]
pub struct Ran {
    pub outcome: Outcome,
    pub results: Vec<ReplicationResult>,
}

impl std::ops::Deref for Ran {
    type Target = Outcome;
    fn deref(&self) -> &Outcome {
        &self.outcome
    }
}

/// Runs a plan keeping every replication's results.
pub fn run_plan(scenario: &Scenario, plan: &Plan) -> Ran {
    let (outcome, results) =
        experiment::run_keeping_results(scenario, plan).expect("experiment runs");
    assert_eq!(
        results.len() as u64,
        outcome.aggregate.replications * plan.strategies.len() as u64,
        "run_keeping_results: one result per replication and strategy"
    );
    Ran { outcome, results }
}

/// The plan running the named strategies of `scenario` (its defaults otherwise).
pub fn plan_for(
    scenario: &Scenario,
    strategies: &[&str],
    replications: u64,
    seed: u64,
    threads: usize,
) -> Plan {
    Plan {
        strategies: strategies
            .iter()
            .map(|n| {
                scenario
                    .strategy_index(n)
                    .unwrap_or_else(|| panic!("no strategy `{n}`"))
            })
            .collect(),
        replications,
        seed,
        threads,
        options: RunOptions::default(),
        ..Plan::from_scenario(scenario)
    }
}

/// Runs `replications` replications of the named strategies on `threads` threads.
pub fn run(
    scenario: &Scenario,
    strategies: &[&str],
    replications: u64,
    seed: u64,
    threads: usize,
) -> Ran {
    run_plan(
        scenario,
        &plan_for(scenario, strategies, replications, seed, threads),
    )
}

/// The values of measure `name` over the replications of the outcome's first strategy.
pub fn values(ran: &Ran, name: &str) -> Vec<f64> {
    let i = ran
        .schema
        .index(name)
        .unwrap_or_else(|| panic!("no measure `{name}` in the schema"));
    let s = ran.plan.strategies[0];
    ran.results
        .iter()
        .filter(|r| r.strategy == s)
        .map(|r| r.values[i])
        .collect()
}

/// Asserts two lists of replication results are bit-identical (values, daily series,
/// events; NaN equals NaN by bits).
#[track_caller]
pub fn assert_same_results(a: &[ReplicationResult], b: &[ReplicationResult], what: &str) {
    assert_eq!(a.len(), b.len(), "{what}: result count");
    let bits = |v: &[f64]| v.iter().map(|f| f.to_bits()).collect::<Vec<u64>>();
    for (x, y) in a.iter().zip(b) {
        let at = format!(
            "{what}: replication {} strategy {}",
            x.replication, x.strategy
        );
        assert_eq!(
            (x.replication, x.strategy, x.events),
            (y.replication, y.strategy, y.events),
            "{at}"
        );
        if let Some(k) = (0..x.values.len().min(y.values.len()))
            .find(|&k| x.values[k].to_bits() != y.values[k].to_bits())
        {
            panic!(
                "{at}: value {k} differs: {} vs {}",
                x.values[k], y.values[k]
            );
        }
        assert_eq!(bits(&x.values), bits(&y.values), "{at}: values");
        assert_eq!(x.daily.len(), y.daily.len(), "{at}: days");
        for (d, (p, q)) in x.daily.iter().zip(&y.daily).enumerate() {
            assert_eq!(bits(&p[..]), bits(&q[..]), "{at}: day {d}");
        }
    }
}

/// Mean and standard error of the mean of independent replications.
pub fn mean_se(v: &[f64]) -> (f64, f64) {
    assert!(
        v.len() >= 2,
        "need at least two replications for a standard error"
    );
    assert!(v.iter().all(|x| x.is_finite()), "non-finite values: {v:?}");
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, (var / n).sqrt())
}

/// Erlang C: the probability that an arrival waits in an M/M/c queue with offered load
/// `a` = λ/μ erlangs (a < c).
pub fn erlang_c(c: u32, a: f64) -> f64 {
    assert!(a < c as f64, "unstable queue");
    // Erlang B by the stable recursion, then C from B.
    let mut b = 1.0;
    for k in 1..=c {
        b = a * b / (k as f64 + a * b);
    }
    let rho = a / c as f64;
    b / (1.0 - rho + rho * b)
}

/// Mean wait in queue of an M/M/c queue (arrival rate λ, service rate μ per server).
pub fn mmc_wq(lambda: f64, mu: f64, c: u32) -> f64 {
    erlang_c(c, lambda / mu) / (c as f64 * mu - lambda)
}

/// Asserts |actual − expected| ≤ rel × |expected|, with a message naming the quantity.
#[track_caller]
pub fn assert_rel(what: &str, actual: f64, expected: f64, rel: f64) {
    let err = if actual == expected {
        0.0
    } else {
        (actual - expected).abs() / expected.abs()
    };
    assert!(
        actual.is_finite() && err <= rel,
        "{what}: simulated {actual:.6}, expected {expected:.6}: relative error {:.3} % > {:.3} %",
        100.0 * err,
        100.0 * rel
    );
}

/// The tradesim binary.
pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_tradesim"))
}

/// Runs the binary with `args`, returning its output.
pub fn run_bin<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    bin()
        .args(args)
        .output()
        .expect("the tradesim binary starts")
}

/// stdout and stderr as text.
pub fn texts(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A one-node M/M/c scenario: Poisson(λ) arrivals, exponential service of mean 1/μ,
/// c servers, handled once and delivered at the same node.
pub fn mmc_scenario(lambda: f64, mu: f64, c: u32, horizon: f64, warmup: f64) -> Scenario {
    let text = format!(
        r#"
[scenario]
name = "mmc-test"
horizon = {horizon}
warmup = {warmup}
seed = 1
[[countries]]
code = "JP"
[[nodes]]
id = "JPTYO"
kind = "seaport"
country = "JP"
lat = 35.62
lon = 139.79
servers = {c}
service = {{ dist = "exponential", mean = {mean} }}
[[flows]]
id = "local"
origin = "JPTYO"
destination = "JPTYO"
rate_per_day = {lambda}
"#,
        mean = 1.0 / mu
    );
    parse_toml(&text, "mmc-test.toml")
}

/// A small two-country network with customs on both sides, trusted traders and an MRA, a
/// capacity-capped sea route, a weekly profile, and a strategy whose priority lanes are
/// always on: every node queues (utilisation 0.72–0.75), so Little's law is tested on
/// real queues, including time spent in customs.
pub const NETWORK: &str = r#"
[scenario]
name = "little-network"
horizon = 12000
warmup = 100
seed = 5

[[countries]]
code = "JP"
[[countries]]
code = "US"

[[programmes]]
id = "ctpat"
country = "US"
[[programmes]]
id = "jp-aeo"
country = "JP"
[[arrangements]]
id = "mra"
programmes = ["ctpat", "jp-aeo"]

[[nodes]]
id = "JPA"
kind = "seaport"
country = "JP"
lat = 35.6
lon = 139.8
servers = 3
service = { dist = "exponential", mean = 0.125 }
[nodes.customs]
inspectors = 1
inspection = { dist = "exponential", mean = 0.2 }
clearance = { dist = "lognormal", mean = 0.3, sd = 0.2 }
trusted_clearance = { dist = "uniform", min = 0.05, max = 0.15 }
inspection_rate = { trusted = 0.1, ordinary = 0.5 }

[[nodes]]
id = "JPB"
kind = "inland_hub"
country = "JP"
lat = 35.4
lon = 139.6
servers = 1
service = { dist = "exponential", mean = 0.06 }

[[nodes]]
id = "USC"
kind = "seaport"
country = "US"
lat = 47.6
lon = -122.3
servers = 2
service = { dist = "triangular", min = 0.05, mode = 0.1, max = 0.15 }
[nodes.customs]
inspectors = 2
inspection = { dist = "exponential", mean = 0.2 }
clearance = { dist = "lognormal", mean = 0.3, sd = 0.2 }
inspection_rate = { trusted = 0.1, ordinary = 0.5 }

[[nodes]]
id = "USD"
kind = "inland_hub"
country = "US"
lat = 47.2
lon = -122.4
servers = 1
service = { dist = "exponential", mean = 0.08 }

[[routes]]
from = "JPA"
to = "JPB"
mode = "road"
transit = 0.3
bidirectional = true

[[routes]]
from = "JPA"
to = "USC"
mode = "sea"
transit = { dist = "triangular", min = 10, mode = 12, max = 14 }
capacity_per_day = 16
bidirectional = true

[[routes]]
from = "USC"
to = "USD"
mode = "rail"
transit = { dist = "uniform", min = 0.5, max = 1.5 }
bidirectional = true

[[flows]]
id = "JPB-USD"
origin = "JPB"
destination = "USD"
rate_per_day = 5
traders = [{ share = 0.3, programmes = ["jp-aeo"] }, { share = 0.2, programmes = ["ctpat"] }]

[[flows]]
id = "JPA-USC"
origin = "JPA"
destination = "USC"
rate_per_day = 6
weekly_profile = [1.2, 1.2, 1.2, 1.2, 1.2, 0.5, 0.5]
traders = [{ share = 0.4, programmes = ["ctpat", "jp-aeo"] }]

[[flows]]
id = "USD-JPB"
origin = "USD"
destination = "JPB"
rate_per_day = 4
traders = [{ share = 0.5, programmes = ["ctpat"] }]

[[flows]]
id = "JPA-JPB"
origin = "JPA"
destination = "JPB"
rate_per_day = 3

[[strategies]]
name = "always-priority"
priority = "trusted_first"
recognition = "mutual"
alert_relief = true
when = "always"
"#;
