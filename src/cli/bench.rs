//! `tradesim generate` (a synthetic network scenario) and `tradesim bench` (the plain-command
//! form of the benchmarks in benches/; docs/performance.md has the targets and figures).

use super::{fail, say};
use crate::benchmark::{self, Synthetic};
use clap::{Args, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `tradesim generate`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Ports (2 or more; spread over 2 to 8 countries, each port with customs).
    #[arg(long)]
    pub ports: usize,
    /// Bidirectional links: a ring through every port plus random chords (at least as
    /// many as the ports).
    #[arg(long)]
    pub routes: usize,
    /// Shipments created per day over all flows.
    #[arg(long)]
    pub volume: f64,
    /// Days simulated (shipments per replication ≈ volume × horizon).
    #[arg(long, default_value_t = benchmark::SYNTHETIC_HORIZON)]
    pub horizon: f64,
    /// Seed of the network's random layout (also written as the scenario's seed).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Write the scenario here instead of to stdout.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// Arguments of `tradesim bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    #[command(subcommand)]
    pub what: BenchKind,
}

/// The benchmarks.
#[derive(Debug, Subcommand)]
pub enum BenchKind {
    /// The engine on one M/M/c queue, one thread: shipments per second.
    Engine {
        #[arg(long, default_value_t = benchmark::MMC_LAMBDA)]
        lambda: f64,
        #[arg(long, default_value_t = benchmark::MMC_MU)]
        mu: f64,
        #[arg(long, default_value_t = benchmark::MMC_SERVERS)]
        servers: u32,
        #[arg(long, default_value_t = 20_000.0)]
        days: f64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Runs; each is printed, then the fastest.
        #[arg(long, default_value_t = 3)]
        repeat: u32,
    },
    /// The embedded default scenario, one thread: events per second per core.
    Default {
        /// Replications (each runs every default strategy from time 0).
        #[arg(long, default_value_t = 2)]
        replications: u64,
    },
    /// Replications per second of the default scenario on 1 and 2 threads.
    Threads {
        #[arg(long, default_value_t = 8)]
        replications: u64,
        /// Thread counts to compare.
        #[arg(long, value_delimiter = ',', default_value = "1,2")]
        threads: Vec<usize>,
    },
    /// Peak memory of `tradesim run` on a small scenario at several replication counts.
    Memory {
        #[arg(long, value_delimiter = ',', default_value = "1000,100000")]
        replications: Vec<u64>,
    },
    /// Whole-process time and peak memory of `tradesim run` on one M/M/c queue over 20,000
    /// days (1.8 M shipments, every output written) against the engine's time alone.
    Outputs {
        /// Series formats to measure, comma-separated (csv, csv.gz).
        #[arg(long, value_delimiter = ',', default_value = "csv,csv.gz")]
        formats: Vec<String>,
        /// Runs of each; the fastest counts.
        #[arg(long, default_value_t = 3)]
        repeat: u32,
    },
    /// Time against network size and volume (synthetic networks), one thread.
    Scaling {
        #[arg(long, default_value_t = 1000)]
        max_ports: usize,
        /// Largest volume (shipments/day; the horizon is 100 days).
        #[arg(long, default_value_t = 10_000.0)]
        max_volume: f64,
        /// Runs of each network, in rounds (every network once, then again, …); the fastest
        /// of each counts.
        #[arg(long, default_value_t = 3)]
        repeat: usize,
    },
}

/// `tradesim generate`.
pub fn generate(args: GenerateArgs) -> ExitCode {
    let text = match benchmark::generate_network(&Synthetic {
        ports: args.ports,
        routes: args.routes,
        volume_per_day: args.volume,
        horizon: args.horizon,
        seed: args.seed,
    }) {
        Ok(t) => t,
        Err(e) => return fail(2, e),
    };
    match &args.out {
        None => say(&text),
        Some(p) => {
            if let Err(e) = std::fs::write(p, &text) {
                return fail(2, format!("{}: {e}", p.display()));
            }
            eprintln!(
                "wrote {} ({} ports, {} links, {} shipments/day over {} days)",
                p.display(),
                args.ports,
                args.routes,
                args.volume,
                args.horizon
            );
        }
    }
    ExitCode::SUCCESS
}

/// `tradesim bench`.
pub fn bench(args: BenchArgs) -> ExitCode {
    match args.what {
        BenchKind::Engine {
            lambda,
            mu,
            servers,
            days,
            seed,
            repeat,
        } => {
            let mut best = 0.0f64;
            for _ in 0..repeat.max(1) {
                let m = benchmark::engine_mmc_with(lambda, mu, servers, days, seed);
                best = best.max(m.per_second());
                say(&format!(
                    "tradesim engine: lambda={lambda} mu={mu} c={servers} days={days} shipments={} events={} wall_s={:.3} cpu_s={:.3} shipments_per_s={:.0} shipments_per_cpu_s={:.0}\n",
                    m.count,
                    m.events,
                    m.seconds,
                    m.cpu_seconds,
                    m.per_second(),
                    m.per_cpu_second()
                ));
            }
            say(&format!("best shipments_per_s={best:.0}\n"));
        }
        BenchKind::Default { replications } => {
            let m = benchmark::default_scenario_events(replications);
            say(&format!(
                "default scenario, 1 thread: runs={} events={} wall_s={:.3} cpu_s={:.3} events_per_s={:.0} events_per_cpu_s={:.0}\n",
                m.count,
                m.events,
                m.seconds,
                m.cpu_seconds,
                m.events_per_second(),
                m.events_per_cpu_second()
            ));
        }
        BenchKind::Threads {
            replications,
            threads,
        } => {
            let mut first: Option<f64> = None;
            for t in threads {
                let m = benchmark::replications_per_second(t, replications);
                let rate = m.per_second();
                let base = *first.get_or_insert(rate);
                say(&format!(
                    "threads={t}: replications={} wall_s={:.3} cpu_s={:.3} replications_per_s={rate:.3} cpu_s_per_replication={:.3} speedup={:.2}\n",
                    m.count,
                    m.seconds,
                    m.cpu_seconds,
                    m.cpu_seconds / m.count.max(1) as f64,
                    rate / base
                ));
            }
        }
        BenchKind::Memory { replications } => {
            let exe = match std::env::current_exe() {
                Ok(p) => p,
                Err(e) => return fail(1, format!("cannot find the tradesim binary: {e}")),
            };
            let mut first: Option<u64> = None;
            for n in replications {
                match benchmark::peak_memory(&exe, n) {
                    Ok(m) => {
                        let base = *first.get_or_insert(m.peak_kib);
                        say(&format!(
                            "replications={n}: peak_rss_kib={} ({:.1} MiB) wall_s={:.1} ratio_to_first={:.3}\n",
                            m.peak_kib,
                            m.peak_kib as f64 / 1024.0,
                            m.seconds,
                            m.peak_kib as f64 / base as f64
                        ));
                    }
                    Err(e) => return fail(1, e),
                }
            }
        }
        BenchKind::Outputs { formats, repeat } => {
            let exe = match std::env::current_exe() {
                Ok(p) => p,
                Err(e) => return fail(1, format!("cannot find the tradesim binary: {e}")),
            };
            for f in formats {
                if let Err(e) = crate::report::SeriesFormat::parse(&f) {
                    return fail(2, e);
                }
                let mut best: Option<benchmark::OutputsRun> = None;
                for _ in 0..repeat.max(1) {
                    match benchmark::outputs_cost(&exe, &["--timeseries-format", &f]) {
                        Ok(m) => {
                            if best.is_none_or(|b| m.ratio() < b.ratio()) {
                                best = Some(m);
                            }
                        }
                        Err(e) => return fail(1, e),
                    }
                }
                let m = best.expect("at least one run");
                say(&format!(
                    "outputs, timeseries {f}: days={} whole_s={:.3} engine_s={:.3} ratio={:.2} (target <= 2) peak_rss_kib={} ({:.1} MiB, target <= 100) output_bytes={} ({:.1} MB)\n",
                    benchmark::OUTPUTS_DAYS,
                    m.whole_seconds,
                    m.engine_seconds,
                    m.ratio(),
                    m.peak_kib,
                    m.peak_kib as f64 / 1024.0,
                    m.output_bytes,
                    m.output_bytes as f64 / 1e6
                ));
            }
        }
        BenchKind::Scaling {
            max_ports,
            max_volume,
            repeat,
        } => {
            let points = benchmark::scaling_points(max_ports, max_volume);
            let rounds = repeat.max(1);
            let rows = benchmark::scaling_rows(&points, repeat, |round, s| {
                eprintln!(
                    "  round {}/{rounds}: {} ports, {} links, {} shipments/day, {} days …",
                    round + 1,
                    s.ports,
                    s.routes,
                    s.volume_per_day,
                    s.horizon
                );
            });
            match rows {
                Ok(rows) => say(&benchmark::scaling_table(&rows)),
                Err(e) => return fail(1, e),
            }
        }
    }
    ExitCode::SUCCESS
}
