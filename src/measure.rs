//! Measures of one replication: what the engine records while it runs ([`Collector`])
//! and the flat, named result it hands back ([`ReplicationResult`]).
//!
//! A replication's scalar measures form one row of numbers whose names come from the
//! scenario ([`MeasureSchema`]): `system.*`, `nodes.<id>.*`, `flows.<id>.<class>.*`.
//! Flat rows keep aggregation, CSV output and shard merging one simple loop each.
//! Everything ignores the warm-up: scalar measures cover [warmup, horizon].

use crate::scenario::Scenario;

/// Names of the system-wide scalar measures, in row order.
pub const SYSTEM_MEASURES: [&str; 10] = [
    "created",
    "delivered",
    "deliveries_per_day",
    "mean_wip",
    "lead_time_mean_days",
    "lead_time_p90_days",
    "trusted_lead_time_mean_days",
    "trusted_lead_time_p90_days",
    "ordinary_lead_time_mean_days",
    "ordinary_lead_time_p90_days",
];

/// Names of the per-node scalar measures, in row order.
pub const NODE_MEASURES: [&str; 11] = [
    "throughput_per_day",
    "utilisation",
    "mean_wait_days",
    "mean_queue_len",
    "mean_in_node",
    "mean_time_in_node_days",
    "customs_utilisation",
    "inspected_share",
    "mean_inspection_wait_days",
    "mean_inspection_queue_len",
    "mean_in_customs",
];

/// Trader classes a flow's measures are split by.
pub const CLASSES: [&str; 3] = ["all", "trusted", "ordinary"];

/// Names of the per-flow, per-class scalar measures, in row order.
pub const FLOW_MEASURES: [&str; 3] = ["deliveries", "lead_time_mean_days", "lead_time_p90_days"];

/// Names of the daily system series.
pub const DAILY_SERIES: [&str; 4] = ["arrivals", "deliveries", "wip", "mean_lead_time_days"];

/// The names of a scenario's scalar measures, in the order of a result row.
#[derive(Debug, Clone, PartialEq)]
pub struct MeasureSchema {
    pub names: Vec<String>,
}

impl MeasureSchema {
    /// The schema of `scenario`.
    pub fn new(scenario: &Scenario) -> Self {
        let mut names: Vec<String> = SYSTEM_MEASURES
            .iter()
            .map(|m| format!("system.{m}"))
            .collect();
        for n in &scenario.nodes {
            names.extend(NODE_MEASURES.iter().map(|m| format!("nodes.{}.{m}", n.id)));
        }
        for f in &scenario.flows {
            for c in CLASSES {
                names.extend(
                    FLOW_MEASURES
                        .iter()
                        .map(|m| format!("flows.{}.{c}.{m}", f.id)),
                );
            }
        }
        MeasureSchema { names }
    }

    /// Offset of node `i`'s first measure.
    pub fn node_offset(i: usize) -> usize {
        SYSTEM_MEASURES.len() + i * NODE_MEASURES.len()
    }

    /// Offset of flow `i`'s first measure in a scenario with `nodes` nodes.
    pub fn flow_offset(nodes: usize, i: usize) -> usize {
        Self::node_offset(nodes) + i * CLASSES.len() * FLOW_MEASURES.len()
    }

    /// Position of a measure by name.
    pub fn index(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }
}

/// What one replication of one strategy produced.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplicationResult {
    pub replication: u64,
    /// Index into the scenario's strategies.
    pub strategy: usize,
    /// Scalar measures in [`MeasureSchema`] order; NaN where undefined (no deliveries).
    pub values: Vec<f64>,
    /// Daily system series, a row per day from day 0 ([`DAILY_SERIES`] order).
    pub daily: Vec<[f64; 4]>,
    /// Events processed (for performance figures).
    pub events: u64,
}

/// One day's running totals.
#[derive(Debug, Clone, Copy, Default)]
struct Day {
    arrivals: u64,
    deliveries: u64,
    wip_area: f64,
    lead_sum: f64,
}

/// System and flow records of a running replication.
#[derive(Debug, Clone)]
pub struct Collector {
    warmup: f64,
    days: Vec<Day>,
    wip: u64,
    last: f64,
    window_wip_area: f64,
    created_in_window: u64,
    /// Lead times of deliveries in the window, per flow and class (0 trusted, 1 ordinary).
    lead: Vec<[Vec<f64>; 2]>,
}

impl Collector {
    /// A collector for `scenario` (days 0..ceil(horizon)).
    pub fn new(scenario: &Scenario) -> Self {
        let days = scenario.horizon.ceil().max(1.0) as usize;
        Collector {
            warmup: scenario.warmup,
            days: vec![Day::default(); days],
            wip: 0,
            last: 0.0,
            window_wip_area: 0.0,
            created_in_window: 0,
            lead: vec![[Vec::new(), Vec::new()]; scenario.flows.len()],
        }
    }

    #[inline]
    fn day_of(&self, t: f64) -> usize {
        (t as usize).min(self.days.len() - 1)
    }

    /// Integrates WIP up to `now` (called before every WIP change and at day ends).
    #[inline]
    fn advance(&mut self, now: f64) {
        let dt = now - self.last;
        if dt > 0.0 {
            let d = self.day_of(self.last);
            let area = self.wip as f64 * dt;
            self.days[d].wip_area += area;
            if self.last >= self.warmup {
                self.window_wip_area += area;
            }
            self.last = now;
        }
    }

    /// A shipment was created.
    #[inline]
    pub fn created(&mut self, now: f64) {
        self.advance(now);
        self.wip += 1;
        let d = self.day_of(now);
        self.days[d].arrivals += 1;
        if now >= self.warmup {
            self.created_in_window += 1;
        }
    }

    /// A shipment of `flow` created at `created` was delivered.
    #[inline]
    pub fn delivered(&mut self, now: f64, flow: u32, trusted: bool, created: f64) {
        self.advance(now);
        self.wip -= 1;
        let d = self.day_of(now);
        let lead = now - created;
        self.days[d].deliveries += 1;
        self.days[d].lead_sum += lead;
        if now >= self.warmup {
            self.lead[flow as usize][if trusted { 0 } else { 1 }].push(lead);
        }
    }

    /// Closes day boundaries (WIP integrals are split at day ends and at the warm-up end).
    pub fn mark(&mut self, now: f64) {
        self.advance(now);
    }

    /// Shipments created and not delivered.
    pub fn wip(&self) -> u64 {
        self.wip
    }

    /// Writes the system and flow measures into `values` and returns the daily series.
    pub fn finish(mut self, now: f64, nodes: usize, values: &mut [f64]) -> Vec<[f64; 4]> {
        self.advance(now);
        let window = (now - self.warmup).max(f64::MIN_POSITIVE);
        let mut all: Vec<f64> = Vec::new();
        let mut by_class: [Vec<f64>; 2] = [Vec::new(), Vec::new()];
        for (f, classes) in self.lead.iter_mut().enumerate() {
            let base = MeasureSchema::flow_offset(nodes, f);
            let mut both: Vec<f64> = classes[0]
                .iter()
                .chain(classes[1].iter())
                .copied()
                .collect();
            write_lead(&mut values[base..base + 3], &mut both);
            all.extend_from_slice(&both);
            for (c, v) in classes.iter_mut().enumerate() {
                let o = base + 3 * (c + 1);
                by_class[c].extend_from_slice(v);
                write_lead(&mut values[o..o + 3], v);
            }
        }
        values[0] = self.created_in_window as f64;
        values[1] = all.len() as f64;
        values[2] = all.len() as f64 / window;
        values[3] = self.window_wip_area / window;
        let mut tmp = [0.0; 3];
        write_lead(&mut tmp, &mut all);
        values[4] = tmp[1];
        values[5] = tmp[2];
        for (c, v) in by_class.iter_mut().enumerate() {
            write_lead(&mut tmp, v);
            values[6 + 2 * c] = tmp[1];
            values[7 + 2 * c] = tmp[2];
        }
        let horizon_day_len = |d: usize| (now - d as f64).clamp(0.0, 1.0);
        self.days
            .iter()
            .enumerate()
            .map(|(d, day)| {
                let len = horizon_day_len(d);
                [
                    day.arrivals as f64,
                    day.deliveries as f64,
                    if len > 0.0 {
                        day.wip_area / len
                    } else {
                        f64::NAN
                    },
                    if day.deliveries > 0 {
                        day.lead_sum / day.deliveries as f64
                    } else {
                        f64::NAN
                    },
                ]
            })
            .collect()
    }
}

/// Writes count, mean and P90 of `v` (sorted in place as needed) into `out[0..3]`.
fn write_lead(out: &mut [f64], v: &mut [f64]) {
    out[0] = v.len() as f64;
    if v.is_empty() {
        out[1] = f64::NAN;
        out[2] = f64::NAN;
        return;
    }
    out[1] = v.iter().sum::<f64>() / v.len() as f64;
    out[2] = crate::experiment::stats::quantile_unsorted(v, 0.9);
}
