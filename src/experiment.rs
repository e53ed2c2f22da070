//! Experiments: many replications of several strategies, run in parallel, summarised
//! with honest uncertainty, in memory that does not grow with the replication count.
//!
//! Replication r of every strategy uses the seeds of (master seed, r, stream), so the
//! strategies see the same demand and the same disruptions (common random numbers).
//! A [`Runner`] runs replications in batches on a rayon pool and folds each replication's
//! results into an [`Aggregate`] of mergeable [`tally::Tally`]s. Tallies are exact and
//! order-independent, so a run gives bit-identical statistics whatever the thread count,
//! however it is split into shards, and however often it is stopped and resumed.
//!
//! Where strategies differ only once a disruption starts (`when = "disrupted"`), each
//! replication is simulated up to the first onset once and every such strategy continues
//! from a copy of that state ([`run_replication_set`]).

pub mod bootstrap;
pub mod inference;
pub mod stats;
pub mod store;
pub mod survival;
pub mod tally;

use crate::engine::{AccountingError, MemoryExceeded, RunError, RunOptions, Simulation};
use crate::measure::{
    DAILY_SERIES, FIRST_RETURN, FIRST_RETURN_CENSORED, MeasureSchema, RECOVERY_MEASURES,
    ReplicationResult, SERIES, SYSTEM_MEASURES, ScopeKinds, TTR, TTR_CENSORED, recovery_scopes,
    scope_rows,
};
use crate::scenario::{Scenario, TargetCi};
use inference::{Records, RecoveryAnalysis};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use stats::Stat;
use tally::{SeriesTally, Tally};

/// A share of a batch of replications: shard `index` (1-based) of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// Which share this is, 1-based.
    pub index: u64,
    /// How many shares the replications are split into.
    pub count: u64,
}

impl Shard {
    /// Parses "K/M" (1 ≤ K ≤ M).
    pub fn parse(text: &str) -> Result<Shard, String> {
        let (k, m) = text
            .split_once('/')
            .ok_or_else(|| format!("`{text}` is not K/M (e.g. 3/10)"))?;
        let k: u64 = k
            .trim()
            .parse()
            .map_err(|_| format!("`{text}`: K must be a whole number"))?;
        let m: u64 = m
            .trim()
            .parse()
            .map_err(|_| format!("`{text}`: M must be a whole number"))?;
        if m == 0 || k == 0 || k > m {
            return Err(format!(
                "`{text}`: need 1 ≤ K ≤ M (shards are numbered 1 to M)"
            ));
        }
        Ok(Shard { index: k, count: m })
    }

    /// The replications [from, to) of this shard out of `n`.
    pub fn range(&self, n: u64) -> (u64, u64) {
        let cut = |k: u64| ((k as u128 * n as u128) / self.count as u128) as u64;
        (cut(self.index - 1), cut(self.index))
    }
}

/// What to run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// Indices into the scenario's strategies, in the order to report them.
    pub strategies: Vec<usize>,
    /// Replications per strategy (the cap, with `target_ci`).
    pub replications: u64,
    /// The run's seed: every random stream derives from it and the replication.
    pub seed: u64,
    /// Worker threads (≥ 1); results do not depend on it.
    #[serde(skip, default = "one")]
    pub threads: usize,
    /// Engine options for each replication (not saved with the plan).
    #[serde(skip)]
    pub options: RunOptions,
    /// Run only this share of the replications.
    pub shard: Option<Shard>,
    /// Stop once every targeted strategy − baseline difference is known to the target's
    /// precision (checked every [`TARGET_CI_STEP`] replications; `replications` is the cap).
    pub target_ci: Option<TargetCi>,
    /// Simulate up to the first onset once per replication and branch (same results).
    #[serde(skip, default = "yes")]
    pub branch: bool,
    /// Scoped daily series for `timeseries.csv` (the scenario's `timeseries_scopes`, or
    /// `--timeseries-scopes`).
    #[serde(default)]
    pub timeseries_scopes: ScopeKinds,
}

fn one() -> usize {
    1
}
fn yes() -> bool {
    true
}

/// Replications between checks of `--target-ci`.
pub const TARGET_CI_STEP: u64 = 10;

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
            shard: None,
            target_ci: scenario.target_ci.clone(),
            branch: true,
            timeseries_scopes: scenario.timeseries_scopes,
        }
    }

    /// The replications this plan runs: [from, to).
    pub fn range(&self) -> (u64, u64) {
        self.shard
            .map_or((0, self.replications), |s| s.range(self.replications))
    }
}

/// Measures compared pairwise with `baseline`: the system measures and every recovery
/// measure but the times to recover and first returns, which are censored (their
/// differences are of Kaplan–Meier medians: [`inference`]) (row indices).
pub fn paired_measures(schema: &MeasureSchema) -> Vec<usize> {
    let censored = |name: &str| {
        name.starts_with("recovery.")
            && [TTR, TTR_CENSORED, FIRST_RETURN, FIRST_RETURN_CENSORED]
                .iter()
                .any(|&j| name.ends_with(&format!(".{}", RECOVERY_MEASURES[j])))
    };
    (0..schema.names.len())
        .filter(|&i| {
            i < SYSTEM_MEASURES.len()
                || (schema.names[i].starts_with("recovery.") && !censored(&schema.names[i]))
        })
        .collect()
}

/// Tallies of one strategy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StrategyTallies {
    /// Index into the scenario's strategies.
    pub strategy: usize,
    /// One per measure, in schema order.
    pub measures: Vec<Tally>,
    /// Per day, one per daily series.
    pub daily: Vec<Vec<Tally>>,
    /// Paired differences with `baseline`, one per [`paired_measures`] entry (empty for
    /// baseline itself or when baseline is not run).
    pub paired: Vec<Tally>,
    /// Times to recover of every recovery scope, as censored data.
    #[serde(default)]
    pub survival: Vec<survival::SurvivalTally>,
    /// Times to the first return of every recovery scope, as censored data.
    #[serde(default)]
    pub first_return: Vec<survival::SurvivalTally>,
    /// The scoped daily series ([`scope_rows`] of the aggregate's `scopes`), series-major:
    /// series `k` on day `d` at `k * days + d`. Empty without scopes.
    #[serde(default)]
    pub scope_daily: Vec<SeriesTally>,
}

/// Everything known about a set of replications: mergeable, serialisable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Aggregate {
    /// Tallies of each strategy run, in the plan's order.
    pub strategies: Vec<StrategyTallies>,
    /// Index in `strategies` of `baseline`, if run.
    pub baseline: Option<usize>,
    /// Replications folded in (each of every strategy).
    pub replications: u64,
    /// Events processed over all replications and strategies (performance figures).
    pub events: u64,
    /// Per strategy, the demand scopes' per-replication recovery figures (for the
    /// bootstrap), while `keep_records`.
    #[serde(default)]
    pub records: Vec<Records>,
    /// False for runs of more than [`inference::RECORD_LIMIT`] replications.
    #[serde(default)]
    pub keep_records: bool,
    /// The scopes whose daily series are tallied (`timeseries_scopes`).
    #[serde(default)]
    pub scopes: ScopeKinds,
}

impl Aggregate {
    /// An empty aggregate for `strategies` of `scenario`, with the scenario's own
    /// `timeseries_scopes`.
    pub fn new(scenario: &Scenario, strategies: &[usize]) -> Aggregate {
        Self::with_scopes(scenario, strategies, scenario.timeseries_scopes)
    }

    /// An empty aggregate for `strategies` of `scenario` that tallies the daily series of
    /// `scopes`.
    pub fn with_scopes(scenario: &Scenario, strategies: &[usize], scopes: ScopeKinds) -> Aggregate {
        let schema_len = MeasureSchema::len_for(scenario);
        let paired_len = paired_measures(&MeasureSchema::new(scenario)).len();
        let days = scenario.horizon.ceil() as usize;
        let baseline = strategies
            .iter()
            .position(|&s| scenario.strategies[s].name == "baseline");
        let scoped = scope_rows(scenario, scopes).len() * days;
        let kinds = scopes;
        let scopes = recovery_scopes(scenario).len();
        Aggregate {
            strategies: strategies
                .iter()
                .enumerate()
                .map(|(k, &s)| StrategyTallies {
                    strategy: s,
                    measures: vec![Tally::default(); schema_len],
                    daily: vec![vec![Tally::default(); SERIES]; days],
                    paired: if baseline.is_some() && baseline != Some(k) {
                        vec![Tally::default(); paired_len]
                    } else {
                        Vec::new()
                    },
                    survival: vec![survival::SurvivalTally::default(); scopes],
                    first_return: vec![survival::SurvivalTally::default(); scopes],
                    scope_daily: vec![SeriesTally::default(); scoped],
                })
                .collect(),
            baseline,
            replications: 0,
            events: 0,
            records: vec![Records::default(); strategies.len()],
            keep_records: true,
            scopes: kinds,
        }
    }

    /// Replications of strategy `k` (aggregate order) in which a disruption happened.
    pub fn disrupted(&self, k: usize) -> u64 {
        self.strategies[k].measures[11].n
    }

    /// Adds one replication: its results for every strategy, in plan order.
    pub fn add(&mut self, scenario: &Scenario, results: &[ReplicationResult], paired: &[usize]) {
        self.replications += 1;
        let base = self.baseline.map(|b| &results[b]);
        let (nn, nf) = (scenario.nodes.len(), scenario.flows.len());
        for (k, r) in results.iter().enumerate() {
            if self.keep_records {
                self.records[k].add(scenario, r);
            }
            let t = &mut self.strategies[k];
            for (scope, (s, f)) in t.survival.iter_mut().zip(&mut t.first_return).enumerate() {
                let o = MeasureSchema::recovery_offset(nn, nf, scope);
                s.add(r.values[o + TTR], r.values[o + TTR_CENSORED] >= 0.5);
                f.add(
                    r.values[o + FIRST_RETURN],
                    r.values[o + FIRST_RETURN_CENSORED] >= 0.5,
                );
            }
        }
        for (t, r) in self.strategies.iter_mut().zip(results) {
            self.events += r.events;
            for (tally, &v) in t.measures.iter_mut().zip(&r.values) {
                tally.add(v);
            }
            for (day, row) in t.daily.iter_mut().zip(&r.daily) {
                for (tally, &v) in day.iter_mut().zip(row) {
                    tally.add(v);
                }
            }
            for (tally, &v) in t.scope_daily.iter_mut().zip(&r.scope_daily) {
                tally.add(v);
            }
            if let (Some(b), false) = (base, t.paired.is_empty()) {
                for (tally, &i) in t.paired.iter_mut().zip(paired) {
                    tally.add(r.values[i] - b.values[i]);
                }
            }
        }
    }

    /// Adds another aggregate of the same plan (exact).
    pub fn merge(&mut self, other: &Aggregate) {
        self.replications += other.replications;
        self.events += other.events;
        for (a, b) in self.strategies.iter_mut().zip(&other.strategies) {
            for (x, y) in a.measures.iter_mut().zip(&b.measures) {
                x.merge(y);
            }
            for (x, y) in a.daily.iter_mut().zip(&b.daily) {
                for (u, v) in x.iter_mut().zip(y) {
                    u.merge(v);
                }
            }
            for (x, y) in a.paired.iter_mut().zip(&b.paired) {
                x.merge(y);
            }
            for (x, y) in a.survival.iter_mut().zip(&b.survival) {
                x.merge(y);
            }
            for (x, y) in a.first_return.iter_mut().zip(&b.first_return) {
                x.merge(y);
            }
            for (x, y) in a.scope_daily.iter_mut().zip(&b.scope_daily) {
                x.merge(y);
            }
        }
        self.keep_records &= other.keep_records;
        if self.keep_records {
            for (x, y) in self.records.iter_mut().zip(&other.records) {
                x.merge(y);
            }
        } else {
            self.records
                .iter_mut()
                .for_each(|r| *r = Records::default());
        }
    }

    /// True if the aggregates cover the same strategies and measures.
    pub fn compatible(&self, other: &Aggregate) -> bool {
        self.baseline == other.baseline
            && self.scopes == other.scopes
            && self.strategies.len() == other.strategies.len()
            && self.strategies.iter().zip(&other.strategies).all(|(a, b)| {
                a.strategy == b.strategy
                    && a.measures.len() == b.measures.len()
                    && a.daily.len() == b.daily.len()
                    && a.paired.len() == b.paired.len()
                    && a.survival.len() == b.survival.len()
                    && a.scope_daily.len() == b.scope_daily.len()
            })
    }
}

/// The summary of one strategy over all replications.
#[derive(Debug, Clone)]
pub struct StrategySummary {
    /// Index into the scenario's strategies.
    pub strategy: usize,
    /// One [`Stat`] per measure, in schema order.
    pub measures: Vec<Stat>,
    /// Per day and series: mean, sd, P10, P50, P90 over replications.
    pub daily: Vec<[DailyStat; SERIES]>,
    /// Paired differences with baseline: (measure index, statistics of strategy − baseline).
    pub paired: Vec<(usize, Stat)>,
    /// The scoped daily series, laid out as [`StrategyTallies::scope_daily`].
    pub scope_daily: Vec<DailyStat>,
}

/// A daily series value summarised over replications.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DailyStat {
    /// Replications with a value on that day.
    pub n: u64,
    /// Mean over replications, in the series' unit.
    pub mean: f64,
    /// Standard deviation over replications.
    pub sd: f64,
    /// 10th percentile over replications.
    pub p10: f64,
    /// Median over replications.
    pub p50: f64,
    /// 90th percentile over replications.
    pub p90: f64,
}

/// Summaries of an aggregate.
pub fn summarise(schema: &MeasureSchema, aggregate: &Aggregate) -> Vec<StrategySummary> {
    let paired = paired_measures(schema);
    aggregate
        .strategies
        .iter()
        .map(|t| StrategySummary {
            strategy: t.strategy,
            measures: t.measures.iter().map(Tally::stat).collect(),
            daily: t
                .daily
                .iter()
                .map(|day| {
                    std::array::from_fn(|k| {
                        let x = &day[k];
                        DailyStat {
                            n: x.n,
                            mean: x.mean(),
                            sd: x.sd(),
                            p10: x.quantile(0.1),
                            p50: x.quantile(0.5),
                            p90: x.quantile(0.9),
                        }
                    })
                })
                .collect(),
            paired: t
                .paired
                .iter()
                .zip(&paired)
                .map(|(x, &i)| (i, x.stat()))
                .collect(),
            scope_daily: t
                .scope_daily
                .iter()
                .map(|x| DailyStat {
                    n: u64::from(x.n),
                    mean: x.mean(),
                    sd: x.sd(),
                    p10: x.quantile(0.1),
                    p50: x.quantile(0.5),
                    p90: x.quantile(0.9),
                })
                .collect(),
        })
        .collect()
}

/// Everything an experiment produced.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// What was run (with the cap and seed the reports quote).
    pub plan: Plan,
    /// Names of the scalar measures, in row order.
    pub schema: MeasureSchema,
    /// The tallies of every replication run.
    pub aggregate: Aggregate,
    /// Per strategy, the statistics the reports print.
    pub summaries: Vec<StrategySummary>,
    /// Recovery with censoring, bounded intervals and resolved differences.
    pub analysis: RecoveryAnalysis,
    /// Wall-clock seconds the replications took (this process only).
    pub seconds: f64,
}

/// Failures of an experiment that are not the user's input.
#[derive(Debug, thiserror::Error)]
pub enum ExperimentError {
    /// A shipment was lost or counted twice in a replication (a bug).
    #[error(transparent)]
    Accounting(#[from] AccountingError),
    /// The memory budget was reached (the user's input: exit 2).
    #[error(transparent)]
    Memory(#[from] MemoryExceeded),
    /// The worker thread pool could not be built.
    #[error("cannot start {threads} worker threads: {source}")]
    Threads {
        /// Worker threads asked for.
        threads: usize,
        /// Why the pool failed.
        source: rayon::ThreadPoolBuildError,
    },
}

/// Runs replication `replication` of every strategy in `strategies` (indices into the
/// scenario's), sharing the pre-onset run among strategies that only act on disruptions.
pub fn run_replication_set(
    scenario: &Scenario,
    strategies: &[usize],
    replication: u64,
    seed: u64,
    options: RunOptions,
    branch: bool,
) -> Result<Vec<ReplicationResult>, RunError> {
    let mut out: Vec<Option<ReplicationResult>> = vec![None; strategies.len()];
    // Strategies that behave alike before the first onset share one pre-onset run.
    let mut prefixes: Vec<(crate::policy::Prefix, Simulation)> = Vec::new();
    let targeting = scenario.countries.iter().any(|c| c.targeting.is_some());
    for (k, &s) in strategies.iter().enumerate() {
        let key = scenario.strategies[s].prefix(targeting);
        let alike = key.is_some_and(|key| {
            strategies
                .iter()
                .filter(|&&o| scenario.strategies[o].prefix(targeting) == Some(key))
                .count()
                > 1
        });
        let sim = match key {
            Some(key) if branch && alike => {
                if !prefixes.iter().any(|(p, _)| *p == key) {
                    let mut sim = Simulation::new(scenario, s, replication, seed, options);
                    let Some(onset) = sim
                        .realisation()
                        .first_onset()
                        .filter(|&t| t < scenario.horizon)
                    else {
                        out[k] = Some(sim.run()?);
                        continue;
                    };
                    sim.run_before(onset)?;
                    prefixes.push((key, sim));
                }
                let (_, prefix) = prefixes.iter().find(|(p, _)| *p == key).expect("pushed");
                prefix.fork(s)
            }
            _ => Simulation::new(scenario, s, replication, seed, options),
        };
        out[k] = Some(sim.run()?);
    }
    Ok(out
        .into_iter()
        .map(|r| r.expect("every strategy ran"))
        .collect())
}

/// Runs a plan batch by batch; the caller sees every batch's results in replication order
/// (to write rows and checkpoints) and may stop and resume from [`Runner::state`].
pub struct Runner<'a> {
    scenario: &'a Scenario,
    plan: Plan,
    pool: rayon::ThreadPool,
    paired: Vec<usize>,
    state: RunnerState,
    started: std::time::Instant,
}

/// A runner's progress: the next replication to run and everything folded so far.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunnerState {
    /// The next replication to run (replications are numbered across shards).
    pub next: u64,
    /// Every replication run so far, folded.
    pub aggregate: Aggregate,
    /// The plan is complete: its range is run or the `target_ci` is met.
    pub done: bool,
}

impl<'a> Runner<'a> {
    /// A runner starting from nothing, or from a saved state.
    pub fn new(
        scenario: &'a Scenario,
        plan: Plan,
        resume: Option<RunnerState>,
    ) -> Result<Self, ExperimentError> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(plan.threads)
            .build()
            .map_err(|source| ExperimentError::Threads {
                threads: plan.threads,
                source,
            })?;
        let state = resume.unwrap_or_else(|| {
            let mut aggregate =
                Aggregate::with_scopes(scenario, &plan.strategies, plan.timeseries_scopes);
            aggregate.keep_records = plan.replications <= inference::RECORD_LIMIT;
            RunnerState {
                next: plan.range().0,
                aggregate,
                done: false,
            }
        });
        Ok(Runner {
            scenario,
            paired: paired_measures(&MeasureSchema::new(scenario)),
            plan,
            pool,
            state,
            started: std::time::Instant::now(),
        })
    }

    /// The state to save for a resume.
    pub fn state(&self) -> &RunnerState {
        &self.state
    }

    /// Replications done so far (this shard).
    pub fn done(&self) -> u64 {
        self.state.aggregate.replications
    }

    /// Runs the next batch (up to `size` replications) and returns its results, one
    /// `Vec` per replication in order; None when the plan is complete.
    pub fn next_batch(
        &mut self,
        size: u64,
    ) -> Result<Option<Vec<Vec<ReplicationResult>>>, ExperimentError> {
        let (_, end) = self.plan.range();
        if self.state.done || self.state.next >= end || self.target_met() {
            self.state.done = true;
            return Ok(None);
        }
        let mut to = (self.state.next + size.max(1)).min(end);
        if self.plan.target_ci.is_some() {
            // Stop points must not depend on the batch size: check every TARGET_CI_STEP.
            let step_end = (self.state.next / TARGET_CI_STEP + 1) * TARGET_CI_STEP;
            to = to.min(step_end).max(self.state.next + 1);
        }
        let (sc, plan) = (self.scenario, &self.plan);
        let batch: Vec<Vec<ReplicationResult>> = self
            .pool
            .install(|| {
                (self.state.next..to)
                    .into_par_iter()
                    .map(|r| {
                        run_replication_set(
                            sc,
                            &plan.strategies,
                            r,
                            plan.seed,
                            RunOptions {
                                scopes: plan.timeseries_scopes,
                                ..plan.options
                            },
                            plan.branch,
                        )
                    })
                    .collect::<Result<Vec<_>, _>>()
            })
            .map_err(|e| match e {
                RunError::Accounting(e) => ExperimentError::Accounting(e),
                RunError::Memory(e) => ExperimentError::Memory(e),
            })?;
        for results in &batch {
            self.state.aggregate.add(sc, results, &self.paired);
        }
        self.state.next = to;
        Ok(Some(batch))
    }

    /// With `target_ci`, true once every targeted difference is known to its precision.
    fn target_met(&self) -> bool {
        let Some(target) = &self.plan.target_ci else {
            return false;
        };
        // Checked only every TARGET_CI_STEP replications: where a run stops must not depend
        // on batch sizes or threads.
        let done = self.state.next - self.plan.range().0;
        if done < TARGET_CI_STEP || !done.is_multiple_of(TARGET_CI_STEP) {
            return false;
        }
        // No disruption in the scenario: nothing to estimate.
        if self.state.aggregate.disrupted(0) == 0 {
            return true;
        }
        inference::target_status(
            self.scenario,
            &self.plan,
            &self.state.aggregate,
            target,
            target_looks(&self.plan),
        )
        .met
    }

    /// The outcome so far.
    pub fn finish(self) -> Outcome {
        outcome(
            self.scenario,
            self.plan,
            self.state.aggregate,
            self.started.elapsed().as_secs_f64(),
        )
    }
}

/// Builds an outcome from an aggregate.
pub fn outcome(scenario: &Scenario, plan: Plan, aggregate: Aggregate, seconds: f64) -> Outcome {
    let schema = MeasureSchema::new(scenario);
    let summaries = summarise(&schema, &aggregate);
    let mut analysis = inference::analyse(scenario, &plan, &aggregate);
    analysis.target = plan
        .target_ci
        .as_ref()
        .map(|t| inference::target_status(scenario, &plan, &aggregate, t, target_looks(&plan)));
    Outcome {
        plan,
        schema,
        aggregate,
        summaries,
        analysis,
        seconds,
    }
}

/// The number of target checks a plan's cap allows (the Bonferroni divisor).
pub fn target_looks(plan: &Plan) -> u64 {
    (plan.replications / TARGET_CI_STEP).max(1)
}

/// Runs a whole plan in memory (tests, benches, tools). `progress` is called with the
/// number of replications finished.
pub fn run(
    scenario: &Scenario,
    plan: &Plan,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Outcome, ExperimentError> {
    let mut runner = Runner::new(scenario, plan.clone(), None)?;
    while runner.next_batch(64)?.is_some() {
        progress(runner.done());
    }
    Ok(runner.finish())
}

/// Runs a whole plan and also returns every replication's results (replication-major,
/// then strategy in plan order). Memory grows with the replications: for tests and tools.
pub fn run_keeping_results(
    scenario: &Scenario,
    plan: &Plan,
) -> Result<(Outcome, Vec<ReplicationResult>), ExperimentError> {
    let mut runner = Runner::new(scenario, plan.clone(), None)?;
    let mut all = Vec::new();
    while let Some(batch) = runner.next_batch(64)? {
        all.extend(batch.into_iter().flatten());
    }
    Ok((runner.finish(), all))
}

/// The names of the daily series, for reports.
pub fn daily_series() -> &'static [&'static str; SERIES] {
    &DAILY_SERIES
}
