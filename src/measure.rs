//! Measures of one replication: what the engine records while it runs ([`Collector`])
//! and the flat, named result it hands back ([`ReplicationResult`]).
//!
//! A replication's scalar measures form one row of numbers whose names come from the
//! scenario ([`MeasureSchema`]): `system.*`, `nodes.<id>.*`, `flows.<id>.<class>.*`.
//! Flat rows keep aggregation, CSV output and shard merging one simple loop each.
//! Everything ignores the warm-up: scalar measures cover [warmup, horizon].

use crate::scenario::Scenario;
use serde::{Deserialize, Serialize};

pub mod recovery;

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

/// The kinds of scope that can have daily series in `timeseries.csv` beyond the system's
/// (`[scenario] timeseries_scopes`, `tradesim run --timeseries-scopes`). Off by default:
/// each adds rows to the file, tallies to the aggregate and a little work to the engine.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScopeKinds {
    /// Per node: [`NODE_SERIES`].
    pub node: bool,
    /// Per country: [`COUNTRY_SERIES`].
    pub country: bool,
    /// Per flow: [`FLOW_SERIES`].
    pub flow: bool,
}

/// The names of the scope kinds, as in the scenario key, the flag and `scope_kind`.
pub const SCOPE_KINDS: [&str; 3] = ["node", "country", "flow"];

impl ScopeKinds {
    /// No scope but the system.
    pub const NONE: ScopeKinds = ScopeKinds {
        node: false,
        country: false,
        flow: false,
    };

    /// The kinds named in `names` ([`SCOPE_KINDS`]); an unknown name is an error that
    /// lists the known ones.
    pub fn parse<S: AsRef<str>>(names: &[S]) -> Result<ScopeKinds, String> {
        let mut k = ScopeKinds::NONE;
        for n in names {
            match n.as_ref().trim() {
                "node" => k.node = true,
                "country" => k.country = true,
                "flow" => k.flow = true,
                "" => {}
                other => {
                    return Err(format!(
                        "unknown scope kind `{other}` (known: node, country, flow)"
                    ));
                }
            }
        }
        Ok(k)
    }

    /// True if any kind beyond the system is on.
    pub fn any(&self) -> bool {
        self.node || self.country || self.flow
    }
}

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

/// A demand scope's running totals: shipments of the scope in the system and their daily
/// record.
#[derive(Debug, Clone, Default)]
struct Scope {
    wip: u64,
    /// Value (USD) of the shipments in the system.
    value_wip: f64,
    last: f64,
    area_today: f64,
    value_area_today: f64,
    arrivals_today: u64,
    deliveries_today: u64,
    /// Per full day: deliveries, time-averaged WIP, arrivals, time-averaged value in WIP.
    daily: Vec<[f64; 4]>,
}

impl Scope {
    #[inline]
    fn advance(&mut self, now: f64) {
        let dt = now - self.last;
        // Through i64: one instruction where u64 to f64 takes several (exact either way).
        self.area_today += self.wip as i64 as f64 * dt;
        self.value_area_today += self.value_wip * dt;
        self.last = now;
    }

    fn close_day(&mut self, now: f64, length: f64) {
        self.advance(now);
        self.daily.push([
            self.deliveries_today as f64,
            self.area_today / length,
            self.arrivals_today as f64,
            self.value_area_today / length,
        ]);
        self.area_today = 0.0;
        self.value_area_today = 0.0;
        self.deliveries_today = 0;
        self.arrivals_today = 0;
    }
}

/// System, country and class records of a running replication.
///
/// Demand scopes: 0 the system, 1..=C the destination countries, C+1 trusted, C+2 ordinary.
#[derive(Debug, Clone)]
pub struct Collector {
    warmup: f64,
    countries: usize,
    scopes: Vec<Scope>,
    lead_today: f64,
    lead_daily: Vec<f64>,
    window_wip_area: f64,
    window_last: f64,
    created_in_window: u64,
    /// Lead times of deliveries in the window, in the order they came.
    leads: LeadLog,
    /// Deliveries per flow today; empty unless flow series are kept ([`Collector::keep_flows`]).
    flow_today: Vec<u64>,
    /// Deliveries per flow of each closed day, day-major (flows of day 0, then of day 1…).
    flow_daily: Vec<u64>,
}

/// The window's lead times as one log: `f64::to_bits` of each (all ≥ +0, so their bits
/// order as the numbers do) and its group, 2 × flow + class (0 trusted, 1 ordinary).
///
/// A delivery appends to the end of two vectors that stay in cache, where a vector per
/// group made each delivery touch one of thousands of vector ends at random (a cache miss
/// per delivery on a 1,000-port network). [`LeadLog::grouped`] sorts the log by group at the
/// end of the replication, keeping each group's order, so that the sums come out as if
/// each group had been added up as it came. The memory is that of one replication's
/// deliveries, whatever the number of replications.
#[derive(Debug, Clone, Default)]
struct LeadLog {
    bits: Vec<u64>,
    group: Vec<u32>,
    groups: usize,
}

/// The log sorted by group: group `g`'s lead times are `bits[start[g]..start[g + 1]]`, in
/// the order they came, and add up (in that order, from +0) to `sum[g]`.
struct GroupedLeads {
    bits: Vec<u64>,
    start: Vec<usize>,
    sum: Vec<f64>,
}

impl LeadLog {
    fn with_capacity(groups: usize, capacity: usize) -> Self {
        LeadLog {
            bits: Vec::with_capacity(capacity),
            group: Vec::with_capacity(capacity),
            groups,
        }
    }

    #[inline]
    fn add(&mut self, group: u32, x: f64) {
        debug_assert!(x.is_sign_positive() && !x.is_nan());
        self.bits.push(x.to_bits());
        self.group.push(group);
    }

    /// The log sorted by group (a counting sort, stable), emptying it.
    fn grouped(&mut self) -> GroupedLeads {
        let (bits, group) = (
            std::mem::take(&mut self.bits),
            std::mem::take(&mut self.group),
        );
        let mut start = vec![0usize; self.groups + 1];
        for &g in &group {
            start[g as usize + 1] += 1;
        }
        for g in 0..self.groups {
            start[g + 1] += start[g];
        }
        let mut sum = vec![0.0; self.groups];
        // All in one group (one flow of one class, as in a one-queue model): sorted already.
        if let Some(g) = (0..self.groups).find(|&g| start[g + 1] - start[g] == bits.len()) {
            sum[g] = bits.iter().fold(0.0, |s, &b| s + f64::from_bits(b));
            return GroupedLeads { bits, start, sum };
        }
        let mut next = start.clone();
        let mut sorted = vec![0u64; bits.len()];
        for (&b, &g) in bits.iter().zip(&group) {
            let g = g as usize;
            sum[g] += f64::from_bits(b);
            sorted[next[g]] = b;
            next[g] += 1;
        }
        GroupedLeads {
            bits: sorted,
            start,
            sum,
        }
    }
}

/// Writes count, mean and P90 of lead times `values` (as bits) summing to `sum` into
/// `out[0..3]` (reorders the values: the P90 is a selection).
fn write_leads(sum: f64, values: &mut [u64], out: &mut [f64]) {
    let n = values.len();
    out[0] = n as f64;
    out[1] = if n > 0 { sum / n as f64 } else { f64::NAN };
    out[2] = crate::experiment::stats::quantile_unsorted(values, 0.9, f64::from_bits);
}

impl Collector {
    /// A collector for `scenario`.
    pub fn new(scenario: &Scenario) -> Self {
        let days = scenario.horizon.ceil().max(1.0) as usize;
        let c = scenario.countries.len();
        let scope = Scope {
            daily: Vec::with_capacity(days),
            ..Scope::default()
        };
        Collector {
            warmup: scenario.warmup,
            countries: c,
            scopes: vec![scope; c + 3],
            lead_today: 0.0,
            lead_daily: Vec::with_capacity(days),
            window_wip_area: 0.0,
            window_last: scenario.warmup,
            created_in_window: 0,
            leads: LeadLog::with_capacity(
                2 * scenario.flows.len(),
                // Room for the expected deliveries, so the log rarely grows.
                (scenario.flows.iter().map(|f| f.rate_per_day).sum::<f64>()
                    * (scenario.horizon - scenario.warmup).max(0.0)
                    * 1.05) as usize,
            ),
            flow_today: Vec::new(),
            flow_daily: Vec::new(),
        }
    }

    /// Also keeps every flow's daily deliveries (the `flow` scope of `timeseries.csv`).
    pub fn keep_flows(&mut self, flows: usize) {
        self.flow_today = vec![0; flows];
    }

    /// Flow `f`'s deliveries on each closed day (empty unless [`Collector::keep_flows`]).
    pub fn flow_series(&self, f: usize) -> impl Iterator<Item = f64> + '_ {
        let n = self.flow_today.len().max(1);
        self.flow_daily.iter().skip(f).step_by(n).map(|&x| x as f64)
    }

    /// Daily arrivals, deliveries and WIP of demand scope `k` ([`Collector::scope_series`]),
    /// as `timeseries.csv`'s country series ([`COUNTRY_SERIES`] order).
    pub fn demand_series(&self, k: usize, series: usize) -> impl Iterator<Item = f64> + '_ {
        let col = [2, 0, 1][series];
        self.scopes[k].daily.iter().map(move |x| x[col])
    }

    #[inline]
    fn scope_ids(&self, country: u16, trusted: bool) -> [usize; 3] {
        [
            0,
            1 + country as usize,
            self.countries + if trusted { 1 } else { 2 },
        ]
    }

    /// Integrates system WIP over the measurement window up to `now`.
    #[inline]
    fn advance_window(&mut self, now: f64) {
        if now > self.window_last {
            self.window_wip_area += self.scopes[0].wip as i64 as f64 * (now - self.window_last);
            self.window_last = now;
        }
    }

    /// A shipment bound for `country` of class `trusted`, worth `value`, was created.
    #[inline]
    pub fn created(&mut self, now: f64, country: u16, trusted: bool, value: f64) {
        self.advance_window(now);
        for k in self.scope_ids(country, trusted) {
            let s = &mut self.scopes[k];
            s.advance(now);
            s.wip += 1;
            s.value_wip += value;
            s.arrivals_today += 1;
        }
        if now >= self.warmup {
            self.created_in_window += 1;
        }
    }

    /// A shipment was cancelled by its shipper when created: it leaves the system's WIP
    /// without a delivery.
    pub fn cancelled(&mut self, now: f64, country: u16, trusted: bool, value: f64) {
        self.advance_window(now);
        for k in self.scope_ids(country, trusted) {
            let s = &mut self.scopes[k];
            s.advance(now);
            s.wip -= 1;
            s.value_wip -= value;
        }
    }

    /// A shipment was delivered.
    #[inline]
    pub fn delivered(
        &mut self,
        now: f64,
        flow: u32,
        country: u16,
        trusted: bool,
        created: f64,
        value: f64,
    ) {
        self.advance_window(now);
        for k in self.scope_ids(country, trusted) {
            let s = &mut self.scopes[k];
            s.advance(now);
            s.wip -= 1;
            s.value_wip -= value;
            s.deliveries_today += 1;
        }
        if let Some(c) = self.flow_today.get_mut(flow as usize) {
            *c += 1;
        }
        let lead = now - created;
        self.lead_today += lead;
        if now >= self.warmup {
            self.leads.add(2 * flow + u32::from(!trusted), lead);
        }
    }

    /// Closes a day of `length` days at `now` (1 except for a final partial day).
    pub fn close_day(&mut self, now: f64, length: f64) {
        self.advance_window(now);
        for s in &mut self.scopes {
            s.close_day(now, length);
        }
        self.lead_daily.push(self.lead_today);
        self.lead_today = 0.0;
        if !self.flow_today.is_empty() {
            self.flow_daily.extend_from_slice(&self.flow_today);
            self.flow_today.iter_mut().for_each(|c| *c = 0);
        }
    }

    /// Marks the end of the warm-up.
    pub fn mark(&mut self, now: f64) {
        self.advance_window(now);
    }

    /// Shipments created and not delivered.
    pub fn wip(&self) -> u64 {
        self.scopes[0].wip
    }

    /// Full days closed so far.
    pub fn days_closed(&self) -> usize {
        self.lead_daily.len()
    }

    /// Daily deliveries, WIP and value in WIP of demand scope `k` (0 system, 1+c country,
    /// C+1 trusted, C+2 ordinary).
    pub fn scope_series(&self, k: usize) -> [Vec<f64>; 3] {
        let d = &self.scopes[k].daily;
        [
            d.iter().map(|x| x[0]).collect(),
            d.iter().map(|x| x[1]).collect(),
            d.iter().map(|x| x[3]).collect(),
        ]
    }

    /// Writes the system and flow measures into `values` and returns the daily series.
    pub fn finish(&mut self, now: f64, nodes: usize, values: &mut [f64]) -> Vec<[f64; SERIES]> {
        self.advance_window(now);
        let window = (now - self.warmup).max(f64::MIN_POSITIVE);
        // Selections over a replication's deliveries dominate the end of a run: where two
        // groups hold the same lead times (a class with no deliveries, a single flow), the
        // figures of one are copied to the other: the same numbers, one selection.
        let flows = self.leads.groups / 2;
        let single_flow = flows == 1;
        let GroupedLeads {
            mut bits,
            start,
            sum,
        } = self.leads.grouped();
        // Each class over all flows, gathered before selections reorder the log.
        let mut by_class: [Vec<u64>; 2] = [0, 1].map(|c| {
            if single_flow {
                return Vec::new();
            }
            (0..flows)
                .flat_map(|f| &bits[start[2 * f + c]..start[2 * f + c + 1]])
                .copied()
                .collect()
        });
        // Sums as groups merge, from +0 and in flow order: all deliveries, and each class.
        let mut all_sum = 0.0;
        let mut class_sum = [0.0; 2];
        let mut flow_both = [0.0; 3];
        let mut flow_class = [[0.0; 3]; 2];
        for f in 0..flows {
            let base = MeasureSchema::flow_offset(nodes, f);
            let (g0, g1) = (2 * f, 2 * f + 1);
            let both_sum = 0.0 + sum[g0] + sum[g1];
            if !single_flow {
                all_sum += both_sum;
                class_sum[0] += sum[g0];
                class_sum[1] += sum[g1];
            }
            for (c, g) in [g0, g1].into_iter().enumerate() {
                let o = base + 3 * (c + 1);
                write_leads(
                    sum[g],
                    &mut bits[start[g]..start[g + 1]],
                    &mut values[o..o + 3],
                );
                flow_class[c].copy_from_slice(&values[o..o + 3]);
            }
            match [start[g0] == start[g1], start[g1] == start[g1 + 1]] {
                // One class empty: the flow's figures are the other class's (the same
                // values, summed from +0 in the same order).
                [true, _] => values.copy_within(base + 6..base + 9, base),
                [false, true] => values.copy_within(base + 3..base + 6, base),
                // The flow's two groups lie side by side in the grouped log.
                [false, false] => write_leads(
                    both_sum,
                    &mut bits[start[g0]..start[g1 + 1]],
                    &mut values[base..base + 3],
                ),
            }
            flow_both.copy_from_slice(&values[base..base + 3]);
        }
        values[0] = self.created_in_window as f64;
        values[3] = self.window_wip_area / window;
        let mut tmp = [0.0; 3];
        if single_flow {
            tmp = flow_both;
        } else {
            write_leads(all_sum, &mut bits, &mut tmp);
        }
        values[1] = tmp[0];
        values[2] = tmp[0] / window;
        values[4] = tmp[1];
        values[5] = tmp[2];
        for c in 0..2 {
            if single_flow {
                tmp = flow_class[c];
            } else {
                write_leads(class_sum[c], &mut by_class[c], &mut tmp);
            }
            values[6 + 2 * c] = tmp[1];
            values[7 + 2 * c] = tmp[2];
        }
        let (sys, tr, or) = (
            &self.scopes[0].daily,
            &self.scopes[self.countries + 1].daily,
            &self.scopes[self.countries + 2].daily,
        );
        (0..sys.len())
            .map(|d| {
                [
                    sys[d][2],
                    sys[d][0],
                    sys[d][1],
                    if sys[d][0] > 0.0 {
                        self.lead_daily[d] / sys[d][0]
                    } else {
                        f64::NAN
                    },
                    tr[d][0],
                    or[d][0],
                    tr[d][1],
                    or[d][1],
                ]
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{DEFAULT_SCENARIO, DEFAULT_SCENARIO_FILE, Format};

    /// Count, mean and P90 (interpolated between order statistics) of `leads`, directly.
    fn figures(leads: &[f64]) -> [f64; 3] {
        let mut v = leads.to_vec();
        v.sort_by(f64::total_cmp);
        let n = v.len();
        if n == 0 {
            return [0.0, f64::NAN, f64::NAN];
        }
        let mean = v.iter().sum::<f64>() / n as f64;
        let h = (n - 1) as f64 * 0.9;
        let (lo, frac) = (h.floor() as usize, h - h.floor());
        let p90 = if frac == 0.0 {
            v[lo]
        } else {
            v[lo] + frac * (v[lo + 1] - v[lo])
        };
        [n as f64, mean, p90]
    }

    /// Deliveries of every flow and class, interleaved, come out per flow, per class and for
    /// the system as the same lead times taken group by group would give.
    #[test]
    fn lead_time_figures_per_flow_class_and_system() {
        let sc = Scenario::parse(DEFAULT_SCENARIO, DEFAULT_SCENARIO_FILE, Format::Toml).unwrap();
        let flows = sc.flows.len();
        assert!(flows >= 3, "the test needs several flows");
        let mut col = Collector::new(&sc);
        // Lead times that are multiples of 1/4 add up exactly in any order.
        let t0 = sc.warmup + 1.0;
        let mut deliveries: Vec<(f64, usize, bool)> = (0..600u32)
            .filter(|i| i % 11 != 3) // flow 3's trusted class gets none
            .map(|i| {
                let lead = 0.25 * f64::from(1 + (i * 37) % 113);
                let flow = i as usize % flows;
                let trusted = i % 3 == 0 || flow == 1; // flow 1: trusted only
                (lead, flow, trusted)
            })
            .filter(|&(_, f, t)| !(f == 3 && t))
            .collect();
        deliveries.sort_by(|a, b| a.0.total_cmp(&b.0));
        let country = |f: usize| sc.nodes[sc.flows[f].destination as usize].country;
        for &(_, f, t) in &deliveries {
            col.created(t0, country(f), t, 1.0);
        }
        for &(lead, f, t) in &deliveries {
            col.delivered(t0 + lead, f as u32, country(f), t, t0, 1.0);
        }
        let mut values = vec![f64::NAN; MeasureSchema::len_for(&sc)];
        col.finish(sc.horizon, sc.nodes.len(), &mut values);

        let leads = |keep: &dyn Fn(usize, bool) -> bool| -> Vec<f64> {
            deliveries
                .iter()
                .filter(|&&(_, f, t)| keep(f, t))
                .map(|d| d.0)
                .collect()
        };
        let same = |got: &[f64], want: &[f64], what: &str| {
            assert_eq!(got.len(), want.len());
            let equal = got
                .iter()
                .zip(want)
                .all(|(g, w)| g == w || (g.is_nan() && w.is_nan()));
            assert!(equal, "{what}: got {got:?}, want {want:?}");
        };
        for f in 0..flows {
            let base = MeasureSchema::flow_offset(sc.nodes.len(), f);
            let all = figures(&leads(&|g, _| g == f));
            assert!(all[0] > 0.0, "flow {f} gets deliveries");
            same(&values[base..base + 3], &all, &format!("flow {f} all"));
            for (c, trusted) in [(1, true), (2, false)] {
                let want = figures(&leads(&|g, t| g == f && t == trusted));
                let o = base + 3 * c;
                if want[0] == 0.0 {
                    assert_eq!(values[o], 0.0, "flow {f} class {c}: no deliveries");
                    assert!(values[o + 1].is_nan() && values[o + 2].is_nan());
                } else {
                    same(&values[o..o + 3], &want, &format!("flow {f} class {c}"));
                }
            }
        }
        let system = figures(&leads(&|_, _| true));
        assert_eq!(values[1], system[0]);
        same(&values[4..6], &system[1..], "system");
        let trusted = figures(&leads(&|_, t| t));
        let ordinary = figures(&leads(&|_, t| !t));
        same(&values[6..8], &trusted[1..], "trusted");
        same(&values[8..10], &ordinary[1..], "ordinary");
    }
}
