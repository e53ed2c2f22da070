//! Peak memory of `tradesim run` on a small scenario (one tiny queue, 20 days, baseline
//! only) at 1,000 replications, as a child process: criterion times the run, and the peak
//! resident memory is printed. `TRADESIM_BENCH_FULL=1` also runs 100,000 replications once
//! (about a minute). Plain command: `tradesim bench memory`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::path::Path;
use std::time::Duration;
use tradesim::benchmark;

const REPLICATIONS: u64 = 1000;

fn memory(c: &mut Criterion) {
    let exe = Path::new(env!("CARGO_BIN_EXE_tradesim"));
    let mut runs = vec![REPLICATIONS];
    if std::env::var_os("TRADESIM_BENCH_FULL").is_some() {
        runs.push(100_000);
    }
    for n in runs {
        match benchmark::peak_memory(exe, n) {
            Ok(m) => eprintln!(
                "peak memory: {} replications: {} KiB ({:.1} s)",
                m.replications, m.peak_kib, m.seconds
            ),
            Err(e) => eprintln!("peak memory: {n} replications: {e}"),
        }
    }
    let mut g = c.benchmark_group("memory");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(10))
        .throughput(Throughput::Elements(REPLICATIONS));
    g.bench_function("small_run_1000_replications", |b| {
        b.iter_custom(|iters| {
            (0..iters)
                .map(|_| {
                    let m = benchmark::peak_memory(exe, REPLICATIONS).expect("the child run works");
                    Duration::from_secs_f64(m.seconds)
                })
                .sum()
        })
    });
    g.finish();
}

criterion_group!(benches, memory);
criterion_main!(benches);
