//! The [`Collector`]: what the engine records while a replication runs (demand scopes'
//! work in progress and daily series, lead times of the window, per-flow deliveries) and
//! how it turns them into the scalar row and series of a [`super::ReplicationResult`].

use super::{MeasureSchema, SERIES};
use crate::scenario::Scenario;

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
    out[2] = crate::quantile::quantile_unsorted(values, 0.9, f64::from_bits);
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
    /// as `timeseries.csv`'s country series ([`super::COUNTRY_SERIES`] order).
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
        let sc = Scenario::embedded_default();
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
