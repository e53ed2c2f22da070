//! What the censoring-aware recovery statistics cost next to the simulation: the whole
//! analysis of a run (Kaplan–Meier, 2,000-resample bootstraps, paired differences, the
//! sensitivity grid) and one `target_ci` check, on 30 replications of the embedded
//! default scenario. docs/performance.md compares them with the run's simulation time.

use criterion::{Criterion, criterion_group, criterion_main};
use std::time::{Duration, Instant};
use tradesim::experiment::{self, Plan, inference};
use tradesim::scenario::Scenario;

fn recovery_statistics(c: &mut Criterion) {
    let scenario = Scenario::embedded_default();
    let mut plan = Plan::from_scenario(&scenario);
    plan.replications = 30;
    plan.target_ci = None;
    plan.threads = 1;
    let started = Instant::now();
    let outcome = experiment::run(&scenario, &plan, &|_| {}).expect("the run succeeds");
    eprintln!(
        "simulation of {} replications x {} strategies on one thread: {:.2} s",
        plan.replications,
        plan.strategies.len(),
        started.elapsed().as_secs_f64()
    );
    let target = scenario
        .target_ci
        .clone()
        .expect("the default has a target");
    let mut g = c.benchmark_group("recovery_statistics");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(10));
    g.bench_function("analyse_30_replications", |b| {
        b.iter(|| inference::analyse(&scenario, &outcome.plan, &outcome.aggregate))
    });
    g.bench_function("target_check_30_replications", |b| {
        b.iter(|| {
            inference::target_status(&scenario, &outcome.plan, &outcome.aggregate, &target, 10)
        })
    });
    g.finish();
}

criterion_group!(benches, recovery_statistics);
criterion_main!(benches);
