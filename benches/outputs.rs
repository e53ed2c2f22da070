//! Whole-process cost of a long run: `tradesim run` on the reference M/M/c queue over
//! 20,000 days (1.8 M shipments, one replication, every output and the report written),
//! as a child process, against `Simulation::run` alone on the same replication.
//! Targets (docs/performance.md): whole process ≤ 2 × the engine, peak RSS ≤ 100 MB.
//! Plain command: `tradesim bench outputs`.

use criterion::{Criterion, criterion_group, criterion_main};
use std::path::Path;
use std::time::Duration;
use tradesim::benchmark;

fn outputs(c: &mut Criterion) {
    let exe = Path::new(env!("CARGO_BIN_EXE_tradesim"));
    for format in ["csv", "csv.gz"] {
        match benchmark::outputs_cost(exe, &["--timeseries-format", format]) {
            Ok(m) => eprintln!(
                "outputs ({format}): whole {:.3} s, engine {:.3} s, ratio {:.2} (target <= 2); peak RSS {:.1} MiB (target <= 100); {:.1} MB written",
                m.whole_seconds,
                m.engine_seconds,
                m.ratio(),
                m.peak_kib as f64 / 1024.0,
                m.output_bytes as f64 / 1e6
            ),
            Err(e) => eprintln!("outputs ({format}): {e}"),
        }
    }
    let mut g = c.benchmark_group("outputs");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(10));
    g.bench_function("mmc_20000d_whole_process", |b| {
        b.iter_custom(|iters| {
            (0..iters)
                .map(|_| {
                    let m = benchmark::outputs_cost(exe, &[]).expect("the child run works");
                    Duration::from_secs_f64(m.whole_seconds)
                })
                .sum()
        })
    });
    g.finish();
}

criterion_group!(benches, outputs);
criterion_main!(benches);
