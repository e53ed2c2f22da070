//! Measures of one replication: what the engine records while it runs ([`Collector`])
//! and the flat, named result it hands back ([`ReplicationResult`]).
//!
//! A replication's scalar measures form one row of numbers whose names come from the
//! scenario ([`MeasureSchema`]): `system.*`, `nodes.<id>.*`, `flows.<id>.<class>.*`.
//! Flat rows keep aggregation, CSV output and shard merging one simple loop each.
//! Everything ignores the warm-up: scalar measures cover [warmup, horizon].

use crate::scenario::Scenario;

mod collector;
pub mod recovery;

/// The scope kinds with daily series; they live in `ids` so the scenario can hold them.
pub use crate::ids::{SCOPE_KINDS, ScopeKinds};
pub use collector::Collector;

/// Names of the system-wide scalar measures, in row order.
pub const SYSTEM_MEASURES: [&str; 23] = [
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
    "disrupted",
    "first_onset_day",
    "deferred",
    "cancelled",
    "shifted",
    "inspected_share_own_members",
    "inspected_share_partner_members",
    "inspected_share_non_members",
    "revocation_exposure",
    "non_compliant",
    "non_compliant_detected",
    "detection_rate",
    "screened_departures",
];

/// Names of the per-node scalar measures, in row order.
pub const NODE_MEASURES: [&str; 12] = [
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
    "capacity_lost_at_onset",
];

/// Trader classes a flow's measures are split by.
pub const CLASSES: [&str; 3] = ["all", "trusted", "ordinary"];

/// Names of the per-flow, per-class scalar measures, in row order.
pub const FLOW_MEASURES: [&str; 3] = ["deliveries", "lead_time_mean_days", "lead_time_p90_days"];

/// Names of the recovery measures of every scope, in row order (module [`recovery`]):
/// `ttr_days` is the sustained recovery's time (the censoring time where `ttr_censored`
/// is 1), `first_return_days` the first return's.
pub const RECOVERY_MEASURES: [&str; 12] = [
    "baseline_deliveries_per_day",
    "baseline_wip",
    "ttr_days",
    "ttr_censored",
    "resilience_loss_days",
    "excess_delay_shipment_days",
    "excess_delay_usd_days",
    "backlog_peak",
    "backlog_peak_day",
    "first_return_days",
    "first_return_censored",
    "relapses",
];

/// Position of `ttr_days` in [`RECOVERY_MEASURES`].
pub const TTR: usize = 2;
/// Position of `ttr_censored`.
pub const TTR_CENSORED: usize = 3;
/// Position of `resilience_loss_days`.
pub const RESILIENCE_LOSS: usize = 4;
/// Position of `excess_delay_shipment_days`.
pub const EXCESS_DELAY: usize = 5;
/// Position of `first_return_days`.
pub const FIRST_RETURN: usize = 9;
/// Position of `first_return_censored`.
pub const FIRST_RETURN_CENSORED: usize = 10;

/// The sensitivity of "recovered": multipliers of the scenario's `tolerance` and
/// `hold_days` at which the system's and trusted cargo's times to recover are also
/// computed, from the same series (the report's sensitivity table).
pub const SENSITIVITY_TOLERANCE: [f64; 3] = [0.5, 1.0, 2.0];
/// Multipliers of `hold_days` (see [`SENSITIVITY_TOLERANCE`]).
pub const SENSITIVITY_HOLD: [f64; 3] = [0.5, 1.0, 2.0];
/// Scopes of the sensitivity grid: the system and trusted cargo.
pub const SENSITIVITY_SCOPES: [&str; 2] = ["system", "class.trusted"];

/// Index in [`ReplicationResult::sensitivity`] of (tolerance multiplier `t`, hold
/// multiplier `h`, scope `k`): its time to recover; its censoring flag follows it.
pub fn sensitivity_index(t: usize, h: usize, k: usize) -> usize {
    ((t * SENSITIVITY_HOLD.len() + h) * SENSITIVITY_SCOPES.len() + k) * 2
}

/// The recovery settings of `scenario`, with its tolerance and hold scaled by `t` and `h`.
pub fn recovery_params(scenario: &Scenario, t: f64, h: f64) -> recovery::RecoveryParams {
    recovery::RecoveryParams {
        baseline_days: scenario.baseline_days,
        window_days: scenario.window_days,
        hold_days: scenario.hold_days * h,
        tolerance: (scenario.tolerance * t).min(0.99),
    }
}

/// Every scope's recovery measures written into `values` (in [`MeasureSchema`] order),
/// from the demand scopes' series (deliveries, WIP, value in WIP; [`Collector::scope_series`]
/// order: system, countries, trusted, ordinary) and the nodes' (deliveries, WIP), cut to
/// `full_days` whole days. The system is composed of its classes and countries
/// ([`recovery::compose`]). Returns the sensitivity grid ([`sensitivity_index`]).
pub fn recovery_values(
    scenario: &Scenario,
    demand: &[[Vec<f64>; 3]],
    nodes: &[[Vec<f64>; 2]],
    full_days: usize,
    onset: f64,
    values: &mut [f64],
) -> Vec<f64> {
    use recovery::{Recovery, compose, recovery};
    let (nn, nf) = (scenario.nodes.len(), scenario.flows.len());
    let cut = |x: &[f64]| -> Vec<f64> { x[..full_days.min(x.len())].to_vec() };
    let demand: Vec<[Vec<f64>; 3]> = demand
        .iter()
        .map(|s| s.each_ref().map(|x| cut(x)))
        .collect();
    // Demand scopes at settings `p`: the parts (countries, classes) first, then the system.
    let demand_at = |p: &recovery::RecoveryParams| -> Vec<Recovery> {
        let mut out: Vec<Recovery> = demand
            .iter()
            .map(|[del, wip, value]| recovery(del, wip, value, onset, p))
            .collect();
        let [del, wip, value] = &demand[0];
        out[0] = compose(del, wip, value, onset, p, &out[1..]);
        out
    };
    let write = |values: &mut [f64], k: usize, r: &Recovery| {
        let o = MeasureSchema::recovery_offset(nn, nf, k);
        let v = &mut values[o..o + RECOVERY_MEASURES.len()];
        v[0] = r.baseline_deliveries;
        v[1] = r.baseline_wip;
        v[TTR] = r.ttr_days;
        v[TTR_CENSORED] = f64::from(u8::from(r.censored));
        v[RESILIENCE_LOSS] = r.resilience_loss_days;
        v[EXCESS_DELAY] = r.excess_delay;
        v[6] = r.excess_value_delay;
        v[7] = r.backlog_peak;
        v[8] = r.backlog_peak_day;
        v[FIRST_RETURN] = r.first_return_days;
        v[FIRST_RETURN_CENSORED] = f64::from(u8::from(r.first_return_censored));
        v[11] = f64::from(r.relapses);
    };
    let main = demand_at(&recovery_params(scenario, 1.0, 1.0));
    for (k, r) in main.iter().enumerate() {
        write(values, k, r);
    }
    let p = recovery_params(scenario, 1.0, 1.0);
    for (i, [del, wip]) in nodes.iter().enumerate() {
        let r = recovery(&cut(del), &cut(wip), &[], onset, &p);
        write(values, demand.len() + i, &r);
    }
    let trusted = scenario.countries.len() + 1;
    let mut grid = vec![f64::NAN; sensitivity_index(SENSITIVITY_TOLERANCE.len(), 0, 0)];
    for (t, &tm) in SENSITIVITY_TOLERANCE.iter().enumerate() {
        for (h, &hm) in SENSITIVITY_HOLD.iter().enumerate() {
            let at = if tm == 1.0 && hm == 1.0 {
                main.clone()
            } else {
                demand_at(&recovery_params(scenario, tm, hm))
            };
            for (k, r) in [&at[0], &at[trusted]].into_iter().enumerate() {
                let i = sensitivity_index(t, h, k);
                grid[i] = r.ttr_days;
                grid[i + 1] = f64::from(u8::from(r.censored));
            }
        }
    }
    grid
}

/// Names of the daily system series.
pub const DAILY_SERIES: [&str; 8] = [
    "arrivals",
    "deliveries",
    "wip",
    "mean_lead_time_days",
    "trusted_deliveries",
    "ordinary_deliveries",
    "trusted_wip",
    "ordinary_wip",
];

/// Number of daily series.
pub const SERIES: usize = DAILY_SERIES.len();

/// Daily series of each node (when `node` scopes are on), in row order. Per day, in
/// shipments unless noted: `throughput` = shipments that finished at the node (left it
/// for their next route, or were delivered there); `deliveries` = shipments delivered at
/// the node (their destination, or the alternate they were diverted to); `in_node` =
/// shipments at the node (waiting, handled, in customs), time-averaged over the day;
/// `queue_len` = shipments waiting for a berth, time-averaged; `working_servers` = the
/// node's working handling servers (servers), time-averaged.
pub const NODE_SERIES: [&str; 5] = [
    "throughput",
    "deliveries",
    "in_node",
    "queue_len",
    "working_servers",
];

/// Daily series of each destination country (when `country` scopes are on), in row
/// order: shipments bound for the country created, delivered, and in the network
/// (time-averaged) during the day: the series behind the `country.<code>` recovery scope.
pub const COUNTRY_SERIES: [&str; 3] = ["arrivals", "deliveries", "wip"];

/// Daily series of each flow (when `flow` scopes are on): shipments of the flow delivered
/// during the day (at its destination or an alternate).
pub const FLOW_SERIES: [&str; 1] = ["deliveries"];

/// One scoped daily series of `timeseries.csv`: its scope and its name.
#[derive(Debug, Clone, PartialEq)]
pub struct ScopeRow {
    /// `node`, `country` or `flow`.
    pub kind: &'static str,
    /// The node's or flow's id, or the country's code.
    pub id: String,
    /// The series' name ([`NODE_SERIES`], [`COUNTRY_SERIES`], [`FLOW_SERIES`]).
    pub series: &'static str,
}

/// The scoped series of `scenario` for `kinds`, in the order of
/// [`ReplicationResult::scope_daily`]: nodes, then countries, then flows (each in the
/// scenario's order), each with its series in table order.
pub fn scope_rows(scenario: &Scenario, kinds: ScopeKinds) -> Vec<ScopeRow> {
    let mut v = Vec::new();
    let mut add = |on: bool, kind: &'static str, ids: Vec<String>, series: &[&'static str]| {
        if on {
            for id in ids {
                v.extend(series.iter().map(|&s| ScopeRow {
                    kind,
                    id: id.clone(),
                    series: s,
                }));
            }
        }
    };
    add(
        kinds.node,
        "node",
        scenario.nodes.iter().map(|n| n.id.clone()).collect(),
        &NODE_SERIES,
    );
    add(
        kinds.country,
        "country",
        scenario.countries.iter().map(|c| c.code.clone()).collect(),
        &COUNTRY_SERIES,
    );
    add(
        kinds.flow,
        "flow",
        scenario.flows.iter().map(|f| f.id.clone()).collect(),
        &FLOW_SERIES,
    );
    v
}

/// The scopes recovery is measured for, in row order: the system, each country (cargo
/// bound for it), the two trader classes, each node.
pub fn recovery_scopes(scenario: &Scenario) -> Vec<String> {
    let mut v = vec!["system".to_string()];
    v.extend(
        scenario
            .countries
            .iter()
            .map(|c| format!("country.{}", c.code)),
    );
    v.push("class.trusted".into());
    v.push("class.ordinary".into());
    v.extend(scenario.nodes.iter().map(|n| format!("node.{}", n.id)));
    v
}

/// The names of a scenario's scalar measures, in the order of a result row.
#[derive(Debug, Clone, PartialEq)]
pub struct MeasureSchema {
    /// Full names (`system.…`, `nodes.<id>.…`, `flows.<id>.<class>.…`), in row order.
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
        for scope in recovery_scopes(scenario) {
            names.extend(
                RECOVERY_MEASURES
                    .iter()
                    .map(|m| format!("recovery.{scope}.{m}")),
            );
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

    /// Offset of recovery scope `k` (in [`recovery_scopes`] order).
    pub fn recovery_offset(nodes: usize, flows: usize, k: usize) -> usize {
        Self::flow_offset(nodes, flows) + k * RECOVERY_MEASURES.len()
    }

    /// Row length for a scenario.
    pub fn len_for(scenario: &Scenario) -> usize {
        let scopes = 3 + scenario.countries.len() + scenario.nodes.len();
        Self::recovery_offset(scenario.nodes.len(), scenario.flows.len(), scopes)
    }

    /// Position of a measure by name.
    pub fn index(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }
}

/// What one replication of one strategy produced.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplicationResult {
    /// The replication's number (its random streams derive from it and the seed).
    pub replication: u64,
    /// Index into the scenario's strategies.
    pub strategy: usize,
    /// Scalar measures in [`MeasureSchema`] order; NaN where undefined (no deliveries).
    pub values: Vec<f64>,
    /// Daily system series, a row per day from day 0 ([`DAILY_SERIES`] order).
    pub daily: Vec<[f64; SERIES]>,
    /// Scoped daily series ([`scope_rows`] order), series-major: series `k`'s value on
    /// day `d` is at `k * daily.len() + d`. Empty unless scopes were asked for.
    pub scope_daily: Vec<f64>,
    /// The system's and trusted cargo's times to recover at other tolerances and hold
    /// times ([`sensitivity_index`]); empty without a disruption.
    pub sensitivity: Vec<f64>,
    /// Events processed (for performance figures).
    pub events: u64,
}
