//! The embedded default scenario (us-japan-tohoku-2011): engine events per second on one
//! core (one replication of each default strategy, simulated from time 0).
//! Plain command: `tradesim bench default`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::time::Duration;
use tradesim::benchmark;

fn default_scenario(c: &mut Criterion) {
    let events = benchmark::default_scenario_events(1).events;
    let mut g = c.benchmark_group("default_scenario");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(10))
        .throughput(Throughput::Elements(events));
    g.bench_function("events_1_replication_3_strategies", |b| {
        b.iter_custom(|iters| {
            (0..iters)
                .map(|_| Duration::from_secs_f64(benchmark::default_scenario_events(1).seconds))
                .sum()
        })
    });
    g.finish();
}

criterion_group!(benches, default_scenario);
criterion_main!(benches);
