//! The scaling table: synthetic networks of growing size, volume and horizon, one
//! replication of each timed in rounds, and the table as text.

use super::harness::{Clock, Measurement, timed};
use super::synthetic::{SYNTHETIC_HORIZON, Synthetic, synthetic_file};
use crate::engine::{RunOptions, Simulation};
use crate::scenario::Scenario;
use std::fmt::Write as _;
use std::time::Instant;

/// One row of the scaling table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScalingRow {
    /// Ports of the synthetic network.
    pub ports: usize,
    /// Bidirectional links of the synthetic network.
    pub routes: usize,
    /// Flows of the generated scenario (two per port).
    pub flows: usize,
    /// Shipments created per day over all flows.
    pub volume_per_day: f64,
    /// Days simulated in the replication.
    pub horizon: f64,
    /// Building the network (its loads sized by a first validation) and validating it
    /// (routing tables included).
    pub setup_seconds: f64,
    /// One replication of the baseline strategy: `count` = shipments created.
    pub run: Measurement,
}

/// A synthetic network made ready to run: built and validated.
struct ScalingNetwork {
    synthetic: Synthetic,
    scenario: Scenario,
    setup_seconds: f64,
}

impl ScalingNetwork {
    fn prepare(s: &Synthetic) -> Result<Self, String> {
        let t0 = Instant::now();
        let scenario = Scenario::from_file(synthetic_file(s)?, "synthetic.toml")
            .map_err(|e| format!("the synthetic network does not validate: {e}"))?;
        Ok(ScalingNetwork {
            synthetic: *s,
            scenario,
            setup_seconds: t0.elapsed().as_secs_f64(),
        })
    }

    /// One replication of the baseline strategy on the calling thread, timing
    /// `Simulation::new` and `run`.
    fn run(&self) -> Measurement {
        let ((created, events), seconds, cpu_seconds) = timed(Clock::Thread, || {
            let mut sim = Simulation::new(
                &self.scenario,
                0,
                0,
                self.synthetic.seed,
                RunOptions::default(),
            );
            sim.run_until(self.scenario.horizon)
                .expect("accounting holds");
            let (created, _) = sim.counts();
            (created, sim.finish().events)
        });
        Measurement {
            count: created,
            events,
            seconds,
            cpu_seconds,
        }
    }

    fn row(&self, run: Measurement) -> ScalingRow {
        let s = &self.synthetic;
        ScalingRow {
            ports: s.ports,
            routes: s.routes,
            flows: self.scenario.flows.len(),
            volume_per_day: s.volume_per_day,
            horizon: s.horizon,
            setup_seconds: self.setup_seconds,
            run,
        }
    }
}

/// Generates the network, then runs one replication of its baseline strategy on the
/// calling thread (timing `Simulation::new` and `run`), `repeat` times: the fastest run
/// counts (a busy machine only ever adds time; every run gives the same result).
pub fn scaling_point(s: &Synthetic, repeat: usize) -> Result<ScalingRow, String> {
    let mut rows = scaling_rows(std::slice::from_ref(s), repeat, |_, _| {})?;
    Ok(rows.remove(0))
}

/// The rows of [`scaling_point`] for every network of `points`, with the repeats taken in
/// rounds (every network once, then every network again, …) rather than network by
/// network, so that a spell of load on the machine slows one run of every network alike
/// and the fastest runs, which the ratios compare, come from the same conditions.
/// `progress` is told each round and network before it runs.
pub fn scaling_rows(
    points: &[Synthetic],
    repeat: usize,
    mut progress: impl FnMut(usize, &Synthetic),
) -> Result<Vec<ScalingRow>, String> {
    let networks = points
        .iter()
        .map(ScalingNetwork::prepare)
        .collect::<Result<Vec<_>, _>>()?;
    let mut best: Vec<Option<Measurement>> = vec![None; networks.len()];
    for round in 0..repeat.max(1) {
        for (n, b) in networks.iter().zip(&mut best) {
            progress(round, &n.synthetic);
            let run = n.run();
            // The faster in CPU time.
            *b = Some(
                b.filter(|b| b.cpu_seconds <= run.cpu_seconds)
                    .unwrap_or(run),
            );
        }
    }
    Ok(networks
        .iter()
        .zip(best)
        .map(|(n, b)| n.row(b.expect("at least one round")))
        .collect())
}

/// The networks of the scaling table, three axes: size at a fixed volume (10 to 1,000
/// ports, 10^5 shipments); volume on 100 ports (10^4 to 10^6 shipments, more of them in
/// flight at once); and days at a fixed volume (10^5 to 10^6 shipments, as many in flight),
/// on 100 and on 1,000 ports. Routes are twice the ports.
pub fn scaling_points(max_ports: usize, max_volume: f64) -> Vec<Synthetic> {
    let point = |ports: usize, volume_per_day: f64, horizon: f64| Synthetic {
        ports,
        routes: 2 * ports,
        volume_per_day,
        horizon,
        seed: 1,
    };
    let mut out = Vec::new();
    let mut p = 10;
    while p <= max_ports {
        out.push(point(p, 1000.0, SYNTHETIC_HORIZON));
        p *= 10;
    }
    let mut v = 100.0;
    while v <= max_volume {
        if v != 1000.0 {
            out.push(point(100.min(max_ports), v, SYNTHETIC_HORIZON));
        }
        v *= 10.0;
    }
    if max_ports >= 1000 && max_volume >= 10_000.0 {
        out.push(point(1000, 10_000.0, SYNTHETIC_HORIZON));
    }
    if max_volume >= 10_000.0 {
        for p in [100, 1000] {
            if p <= max_ports {
                out.push(point(p, 1000.0, 10.0 * SYNTHETIC_HORIZON));
            }
        }
    }
    out
}

/// The scaling table as plain text.
pub fn scaling_table(rows: &[ScalingRow]) -> String {
    let mut t = String::new();
    let _ = writeln!(
        t,
        "{:>6} {:>6} {:>6} {:>9} {:>5} {:>10} {:>11} {:>8} {:>8} {:>8} {:>8} {:>8}",
        "ports",
        "routes",
        "flows",
        "vol/day",
        "days",
        "shipments",
        "events",
        "setup_s",
        "run_s",
        "cpu_s",
        "us/ship",
        "ns/event"
    );
    for r in rows {
        let m = &r.run;
        let _ = writeln!(
            t,
            "{:>6} {:>6} {:>6} {:>9} {:>5} {:>10} {:>11} {:>8.3} {:>8.3} {:>8.3} {:>8.3} {:>8.1}",
            r.ports,
            r.routes,
            r.flows,
            r.volume_per_day,
            r.horizon,
            m.count,
            m.events,
            r.setup_seconds,
            m.seconds,
            m.cpu_seconds,
            m.seconds * 1e6 / m.count.max(1) as f64,
            m.seconds * 1e9 / m.events.max(1) as f64
        );
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scaling_runs_every_network_once_a_round() {
        let point = |ports, volume_per_day| Synthetic {
            ports,
            routes: 2 * ports,
            volume_per_day,
            horizon: 5.0,
            seed: 1,
        };
        let points = [point(10, 100.0), point(20, 200.0)];
        let mut order = Vec::new();
        let rows = scaling_rows(&points, 2, |round, s| order.push((round, s.ports))).expect("runs");
        assert_eq!(order, [(0, 10), (0, 20), (1, 10), (1, 20)]);
        for (row, s) in rows.iter().zip(&points) {
            let alone = scaling_point(s, 1).expect("runs");
            assert_eq!((row.ports, row.flows), (s.ports, alone.flows));
            assert_eq!(
                (row.run.count, row.run.events),
                (alone.run.count, alone.run.events)
            );
            assert!(row.run.count > 0 && row.run.cpu_seconds >= 0.0);
        }
    }
}
