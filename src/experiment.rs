//! Experiments: many replications of several strategies, run in parallel, summarised
//! with honest uncertainty.
//!
//! Replication r of every strategy uses the seeds of (master seed, r, stream), so the
//! strategies see the same demand (common random numbers). Replications run on a rayon
//! pool; results are put back in replication order before anything is summed, so they are
//! bit-identical whatever the thread count.

pub mod stats;

use crate::engine::{AccountingError, RunOptions, run_replication};
use crate::measure::{DAILY_SERIES, MeasureSchema, ReplicationResult, SERIES};
use crate::scenario::Scenario;
use rayon::prelude::*;
use stats::Stat;

/// What to run.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Indices into the scenario's strategies, in the order to report them.
    pub strategies: Vec<usize>,
    pub replications: u64,
    pub seed: u64,
    /// Worker threads (≥ 1).
    pub threads: usize,
    pub options: RunOptions,
}

impl Plan {
    /// The scenario's own settings: its default strategies, replications and seed, and
    /// every available core.
    pub fn from_scenario(scenario: &Scenario) -> Plan {
        Plan {
            strategies: scenario.default_strategies.clone(),
            replications: scenario.replications,
            seed: scenario.seed,
            threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
            options: RunOptions::default(),
        }
    }
}

/// The summary of one strategy over all replications.
#[derive(Debug, Clone)]
pub struct StrategySummary {
    pub strategy: usize,
    /// One [`Stat`] per measure, in schema order.
    pub measures: Vec<Stat>,
    /// Per day and series: mean, sd, P10, P50, P90 over replications.
    pub daily: Vec<[DailyStat; SERIES]>,
}

/// A daily series value summarised over replications.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DailyStat {
    pub n: u64,
    pub mean: f64,
    pub sd: f64,
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
}

/// Everything an experiment produced.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub plan: Plan,
    pub schema: MeasureSchema,
    /// Replication-major, then strategy in plan order.
    pub results: Vec<ReplicationResult>,
    pub summaries: Vec<StrategySummary>,
    /// Wall-clock seconds the replications took.
    pub seconds: f64,
}

/// Failures of an experiment that are not the user's input.
#[derive(Debug, thiserror::Error)]
pub enum ExperimentError {
    #[error(transparent)]
    Accounting(#[from] AccountingError),
    #[error("cannot start {threads} worker threads: {source}")]
    Threads {
        threads: usize,
        source: rayon::ThreadPoolBuildError,
    },
}

/// Runs the plan. `progress` is called with the number of replications finished (from
/// worker threads, in any order).
pub fn run(
    scenario: &Scenario,
    plan: &Plan,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Outcome, ExperimentError> {
    let started = std::time::Instant::now();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(plan.threads)
        .build()
        .map_err(|source| ExperimentError::Threads {
            threads: plan.threads,
            source,
        })?;
    let done = std::sync::atomic::AtomicU64::new(0);
    let per_rep: Vec<Vec<ReplicationResult>> = pool.install(|| {
        (0..plan.replications)
            .into_par_iter()
            .map(|r| {
                let out = plan
                    .strategies
                    .iter()
                    .map(|&s| run_replication(scenario, s, r, plan.seed, plan.options))
                    .collect::<Result<Vec<_>, _>>();
                progress(done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1);
                out
            })
            .collect::<Result<Vec<_>, _>>()
    })?;
    let results: Vec<ReplicationResult> = per_rep.into_iter().flatten().collect();
    let schema = MeasureSchema::new(scenario);
    let summaries = summarise(&schema, &plan.strategies, &results);
    Ok(Outcome {
        plan: plan.clone(),
        schema,
        results,
        summaries,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Summarises results (in replication order) per strategy.
pub fn summarise(
    schema: &MeasureSchema,
    strategies: &[usize],
    results: &[ReplicationResult],
) -> Vec<StrategySummary> {
    strategies
        .iter()
        .map(|&s| {
            let mine: Vec<&ReplicationResult> =
                results.iter().filter(|r| r.strategy == s).collect();
            let measures = (0..schema.names.len())
                .map(|m| Stat::of(&mine.iter().map(|r| r.values[m]).collect::<Vec<_>>()))
                .collect();
            let days = mine.first().map_or(0, |r| r.daily.len());
            let daily = (0..days)
                .map(|d| {
                    std::array::from_fn(|k| {
                        let v: Vec<f64> = mine.iter().map(|r| r.daily[d][k]).collect();
                        daily_stat(&v)
                    })
                })
                .collect();
            StrategySummary {
                strategy: s,
                measures,
                daily,
            }
        })
        .collect()
}

fn daily_stat(values: &[f64]) -> DailyStat {
    let s = Stat::of(values);
    let mut v: Vec<f64> = values.iter().copied().filter(|x| !x.is_nan()).collect();
    v.sort_by(f64::total_cmp);
    DailyStat {
        n: s.n,
        mean: s.mean,
        sd: s.sd,
        p10: stats::quantile_sorted(&v, 0.1),
        p50: s.p50,
        p90: s.p90,
    }
}

/// The names of the daily series, for reports.
pub fn daily_series() -> &'static [&'static str; SERIES] {
    &DAILY_SERIES
}
