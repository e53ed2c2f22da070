//! The engine on the one-node M/M/c queue (λ = 90/day, μ = 10/day, c = 10) on one thread:
//! shipments per second, timing only `Simulation::run`.
//! Plain command: `tradesim bench engine` (scripts/bench-compare.sh adds the floor and SimPy).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::time::Duration;
use tradesim::benchmark;

/// Simulated days per iteration: about 180,000 shipments.
const DAYS: f64 = 2000.0;

fn engine(c: &mut Criterion) {
    let (shipments, _) = benchmark::engine_mmc(DAYS);
    let mut g = c.benchmark_group("engine");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .throughput(Throughput::Elements(shipments));
    g.bench_function("mmc_90_10_c10_2000d", |b| {
        b.iter_custom(|iters| {
            (0..iters)
                .map(|_| Duration::from_secs_f64(benchmark::engine_mmc(DAYS).1))
                .sum()
        })
    });
    g.finish();
}

criterion_group!(benches, engine);
criterion_main!(benches);
