//! Replications per second of the embedded default scenario with 1 and 2 worker threads
//! (as `tradesim run` runs them: all default strategies, branching at the onset).
//! Plain command: `tradesim bench threads`.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::time::Duration;
use tradesim::benchmark;

/// Replications per iteration (each runs the scenario's three strategies).
const REPLICATIONS: u64 = 2;

fn threads(c: &mut Criterion) {
    let mut g = c.benchmark_group("replications");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(15))
        .throughput(Throughput::Elements(REPLICATIONS));
    for threads in [1usize, 2] {
        g.bench_with_input(BenchmarkId::new("threads", threads), &threads, |b, &t| {
            b.iter_custom(|iters| {
                (0..iters)
                    .map(|_| {
                        let m = benchmark::replications_per_second(t, REPLICATIONS);
                        Duration::from_secs_f64(m.seconds)
                    })
                    .sum()
            })
        });
    }
    g.finish();
}

criterion_group!(benches, threads);
criterion_main!(benches);
