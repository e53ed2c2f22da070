//! The engine on one M/M/c queue: the reference queue's values, the queue built as a
//! [`ScenarioFile`] value (validated directly, or written out as TOML for a child run),
//! and the engine benchmark that times one replication of it.

use super::harness::{Clock, Measurement, timed};
use crate::distribution::DistSpec;
use crate::engine::{RunOptions, Simulation};
use crate::scenario::Scenario;
use crate::scenario::file::{
    CountryFile, FlowFile, NodeFile, NodeKind, ScenarioFile, ScenarioSection,
};
use crate::time::Days;

/// Arrival rate of the reference M/M/c queue (per day), as in `../shared/bench`.
pub const MMC_LAMBDA: f64 = 90.0;
/// Service rate of one server of the reference queue (per day).
pub const MMC_MU: f64 = 10.0;
/// Servers of the reference queue.
pub const MMC_SERVERS: u32 = 10;

/// One queue as a scenario: a node of `servers` servers with exponential service at
/// rate `mu` per day, Poisson arrivals at `lambda` per day that are handled once and
/// delivered there, the baseline strategy only. The engine and memory benchmarks use it,
/// built as a [`ScenarioFile`] value (validated directly, or written out as TOML for a
/// child run).
struct OneQueue<'a> {
    name: &'a str,
    description: &'a str,
    flow: &'a str,
    lambda: f64,
    mu: f64,
    servers: u32,
    days: f64,
    warmup: f64,
    replications: u64,
    seed: u64,
}

impl OneQueue<'_> {
    /// The queue as the scenario file's structure.
    fn file(&self) -> ScenarioFile {
        ScenarioFile {
            extends: None,
            scenario: ScenarioSection {
                strategies: Some(vec!["baseline".into()]),
                ..super::section(
                    self.name.into(),
                    self.description.into(),
                    self.days,
                    self.warmup,
                    self.seed,
                    self.replications,
                )
            },
            countries: vec![CountryFile {
                code: "JP".into(),
                name: None,
                alert_level: None,
                alert_levels: Vec::new(),
                targeting: None,
            }],
            nodes: vec![NodeFile {
                id: "Q".into(),
                name: None,
                kind: NodeKind::Seaport,
                country: "JP".into(),
                lat: 35.6,
                lon: 139.8,
                servers: self.servers,
                service: DistSpec::Exponential {
                    mean: Days(1.0 / self.mu),
                },
                customs: None,
            }],
            routes: Vec::new(),
            flows: vec![FlowFile {
                id: self.flow.into(),
                origin: "Q".into(),
                destination: "Q".into(),
                rate_per_day: self.lambda,
                weekly_profile: None,
                value: None,
                path: None,
                alternates: Vec::new(),
                substitutes: Vec::new(),
                response: None,
                traders: Vec::new(),
            }],
            programmes: Vec::new(),
            arrangements: Vec::new(),
            strategies: Vec::new(),
            disruptions: Vec::new(),
            response: None,
            sweep: None,
        }
    }

    /// The queue as scenario text (TOML), for a child run or a test's file.
    fn text(&self) -> String {
        toml::to_string(&self.file()).expect("a scenario file serialises")
    }

    /// The queue, validated.
    fn scenario(&self) -> Scenario {
        Scenario::from_file(self.file(), &format!("{}.toml", self.name))
            .expect("the benchmark's queue is valid")
    }
}

/// The M/M/c queue of the engine benchmark ([`OneQueue`]), `days` long, no warm-up.
fn mmc_queue(lambda: f64, mu: f64, servers: u32, days: f64, seed: u64) -> OneQueue<'static> {
    OneQueue {
        name: "bench-mmc",
        description: "M/M/c queue for the engine benchmark (same queue as ../shared/bench).",
        flow: "mmc",
        lambda,
        mu,
        servers,
        days,
        warmup: 0.0,
        replications: 1,
        seed,
    }
}

/// Scenario text of one M/M/c queue ([`OneQueue`]), `days` long, no warm-up.
pub fn mmc_text(lambda: f64, mu: f64, servers: u32, days: f64, seed: u64) -> String {
    mmc_queue(lambda, mu, servers, days, seed).text()
}

/// The M/M/c scenario of [`mmc_text`], validated (built as a value, not parsed).
pub fn mmc_scenario(lambda: f64, mu: f64, servers: u32, days: f64, seed: u64) -> Scenario {
    mmc_queue(lambda, mu, servers, days, seed).scenario()
}

/// One replication of the M/M/c queue on the calling thread; only `Simulation::run` is
/// timed. `count` is the shipments created (the floor program counts customers served,
/// which differs by the few still waiting at the end).
pub fn engine_mmc_with(lambda: f64, mu: f64, servers: u32, days: f64, seed: u64) -> Measurement {
    let scenario = mmc_scenario(lambda, mu, servers, days, seed);
    let sim = Simulation::new(&scenario, 0, 0, seed, RunOptions::default());
    let ((created, events), seconds, cpu) = timed(Clock::Thread, || {
        let mut sim = sim;
        sim.run_until(scenario.horizon).expect("accounting holds");
        let (created, _) = sim.counts();
        let result = sim.finish();
        (created, result.events)
    });
    Measurement {
        count: created,
        events,
        seconds,
        cpu_seconds: cpu,
    }
}

/// The reference queue (λ = 90/day, μ = 10/day, c = 10) for `days` days, seed 1:
/// (shipments, seconds of `Simulation::run`).
pub fn engine_mmc(days: f64) -> (u64, f64) {
    let m = engine_mmc_with(MMC_LAMBDA, MMC_MU, MMC_SERVERS, days, 1);
    (m.count, m.seconds)
}

/// The small scenario of the memory benchmark: one tiny queue (M/M/1, ρ = 0.4), 20 days,
/// baseline only, so that 100,000 replications take about a minute.
pub fn small_scenario() -> String {
    OneQueue {
        name: "bench-small",
        description: "One tiny queue for the peak-memory benchmark: many replications, little work each.",
        flow: "small",
        lambda: 2.0,
        mu: 5.0,
        servers: 1,
        days: 20.0,
        warmup: 2.0,
        replications: 1000,
        seed: 1,
    }
    .text()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Format;

    #[test]
    fn mmc_scenario_is_valid() {
        let s = mmc_scenario(MMC_LAMBDA, MMC_MU, MMC_SERVERS, 50.0, 1);
        assert_eq!(s.nodes[0].servers, 10);
        let m = engine_mmc_with(MMC_LAMBDA, MMC_MU, MMC_SERVERS, 50.0, 1);
        assert!(m.count > 3000 && m.count < 6000, "{m:?}");
    }

    #[test]
    fn mmc_text_reads_back_as_the_same_queue() {
        let value = mmc_scenario(MMC_LAMBDA, MMC_MU, MMC_SERVERS, 50.0, 7);
        let text = mmc_text(MMC_LAMBDA, MMC_MU, MMC_SERVERS, 50.0, 7);
        let parsed = Scenario::parse(&text, "bench-mmc.toml", Format::Toml).expect("valid");
        assert_eq!(format!("{:?}", value.nodes), format!("{:?}", parsed.nodes));
        assert_eq!(format!("{:?}", value.flows), format!("{:?}", parsed.flows));
        assert_eq!(
            (value.horizon, value.warmup, value.seed, value.replications),
            (
                parsed.horizon,
                parsed.warmup,
                parsed.seed,
                parsed.replications
            )
        );
        assert_eq!(value.default_strategies, parsed.default_strategies);
        crate::benchmark::assert_same_run(&value, &parsed);
    }

    #[test]
    fn small_scenario_is_valid() {
        Scenario::parse(&small_scenario(), "bench-small.toml", Format::Toml).expect("valid");
    }
}
