//! Cost against size and volume: one replication of a synthetic network (from
//! `tradesim generate`) on one thread, shipments per second at each size. Criterion covers
//! up to 10^5 shipments; the plain command `tradesim bench scaling` prints the full table
//! (to 1,000 ports and 10^6 shipments).

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::time::Duration;
use tradesim::benchmark::{self, Synthetic};

fn scaling(c: &mut Criterion) {
    let mut g = c.benchmark_group("scaling");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    for (ports, volume) in [(10, 1000.0), (100, 100.0), (100, 1000.0), (1000, 1000.0)] {
        let s = Synthetic {
            ports,
            routes: 2 * ports,
            volume_per_day: volume,
            horizon: benchmark::SYNTHETIC_HORIZON,
            seed: 1,
        };
        let first = benchmark::scaling_point(&s, 1).expect("the synthetic network runs");
        g.throughput(Throughput::Elements(first.run.count));
        let id = BenchmarkId::new(format!("{ports}_ports"), format!("{volume}_per_day"));
        g.bench_with_input(id, &s, |b, s| {
            b.iter_custom(|iters| {
                (0..iters)
                    .map(|_| {
                        let row = benchmark::scaling_point(s, 1).expect("runs");
                        Duration::from_secs_f64(row.run.seconds)
                    })
                    .sum()
            })
        });
    }
    g.finish();
}

criterion_group!(benches, scaling);
criterion_main!(benches);
