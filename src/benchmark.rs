//! Performance measurements, shared by the criterion benches in `benches/` and by
//! `tradesim bench` (the plain-command form of each benchmark), and the synthetic network
//! generator behind `tradesim generate`. docs/performance.md states the targets and the
//! figures measured with these functions.
//!
//! Behind the `bench` cargo feature (on by default): the harness is not part of the
//! simulation library's core, and a library user can leave it out.
//!
//! Every timing returns wall-clock seconds and the CPU seconds of the threads that did the
//! work (on Linux; NaN elsewhere). On a shared machine the CPU figure is the steadier one:
//! wall time grows with other load, CPU time much less.
//!
//! How the pieces meet: [`harness`] times work ([`Measurement`], the CPU clocks) and
//! runs whole scenarios; [`queue`] builds the reference M/M/c queue as a scenario value
//! and times the engine on it; [`process`] runs `tradesim run` as a child and measures
//! its memory and cost; [`synthetic`] builds the networks of `tradesim generate`, which
//! [`scaling`] times at growing sizes. Every public item is re-exported here.

pub mod harness;
pub mod process;
pub mod queue;
pub mod scaling;
pub mod synthetic;

pub use harness::{
    Measurement, default_scenario_events, replications_on, replications_per_second, scenario_events,
};
pub use process::{MemoryRun, OUTPUTS_DAYS, OutputsRun, outputs_cost, peak_memory};
pub use queue::{
    MMC_LAMBDA, MMC_MU, MMC_SERVERS, engine_mmc, engine_mmc_with, mmc_scenario, mmc_text,
    small_scenario,
};
pub use scaling::{ScalingRow, scaling_point, scaling_points, scaling_rows, scaling_table};
pub use synthetic::{SYNTHETIC_HORIZON, Synthetic, generate, generate_network, synthetic_file};

/// A `[scenario]` section with a name, a description, `horizon` and `warmup` days, a seed
/// and a number of replications; every other key unset (its default). The benchmark's
/// scenarios (the M/M/c queue, the synthetic networks) start from it.
fn section(
    name: String,
    description: String,
    horizon: f64,
    warmup: f64,
    seed: u64,
    replications: u64,
) -> crate::scenario::file::ScenarioSection {
    use crate::time::Days;
    crate::scenario::file::ScenarioSection {
        name,
        description: Some(description),
        assumptions: None,
        horizon: Days(horizon),
        warmup: Some(Days(warmup)),
        seed: Some(seed),
        replications: Some(replications),
        teu_per_shipment: None,
        baseline_days: None,
        window_days: None,
        tolerance: None,
        hold_days: None,
        target_ci: None,
        strategies: None,
        review_days: None,
        arrangement: None,
        memory_budget: None,
        timeseries_scopes: None,
        ablation: None,
    }
}

/// Asserts that one replication of `a` and one of `b` give bit-identical measures: the
/// tests' check that a scenario's TOML text reads back as the value it was written from.
#[cfg(test)]
fn assert_same_run(a: &crate::scenario::Scenario, b: &crate::scenario::Scenario) {
    use crate::engine::{RunOptions, Simulation};
    let run = |sc: &crate::scenario::Scenario| {
        let mut sim = Simulation::new(sc, 0, 0, sc.seed, RunOptions::default());
        sim.run_until(sc.horizon).expect("accounting holds");
        sim.finish().values
    };
    let (a, b) = (run(a), run(b));
    assert_eq!(
        a.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
        b.iter().map(|x| x.to_bits()).collect::<Vec<_>>()
    );
}
