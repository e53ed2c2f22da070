//! Time boundaries and results: day ends (daily series, periodic reviews, the audit
//! census), the end of the warm-up, and the measures at the horizon.

use super::*;

/// The per-node daily series of `timeseries.csv` (`measure::NODE_SERIES`), kept only
/// when the `node` scope is asked for: deliveries are counted per node as they happen, the
/// rest is read from the nodes' own integrals once a day.
#[derive(Debug, Clone, Default)]
pub(super) struct NodeSeries {
    /// Deliveries at each node since time 0.
    pub(super) delivered: Vec<u64>,
    /// At the last day end, per node: deliveries, and the berths' queue and capacity
    /// integrals (less what the warm-up reset took away in that day).
    pub(super) last: Vec<(u64, f64, f64)>,
    /// Per closed day, per node (day-major): `measure::NODE_SERIES`.
    pub(super) daily: Vec<[f64; 5]>,
}

/// a / b, or NaN when b is 0.
pub(super) fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 { a / b } else { f64::NAN }
}

impl<P: Policy> Simulation<'_, P> {
    pub(super) fn on_day_end(&mut self, day: u32) {
        self.close_day(1.0);
        if (day as f64 + 1.0) % self.scenario.review_days == 0.0 {
            if self.routing_stale {
                self.routing_stale = false;
                self.reroute();
            }
            if self.ports.is_some() {
                self.review_ports();
            }
            if self.shippers.is_some() {
                self.review_demand();
            }
        }
        let next = day as f64 + 2.0;
        if next <= self.scenario.horizon {
            self.calendar.schedule(next, Event::DayEnd { day: day + 1 });
        }
        if self.options.audit && self.audit_error.is_none() {
            self.audit_error = self.census().err();
        }
    }

    /// Closes a day of `length` days: system, country, class and node series.
    pub(super) fn close_day(&mut self, length: f64) {
        let now = self.now;
        self.collector.close_day(now, length);
        for i in 0..self.scenario.nodes.len() {
            let o = self.net.occupancy_mut(i as NodeId);
            o.advance(now);
            let (dep, area) = (o.total_departures, o.total_area);
            let (ld, la) = self.node_last[i];
            self.node_daily[i].push([(dep - ld) as f64, (area - la) / length]);
            self.node_last[i] = (dep, area);
        }
        if let Some(ns) = &mut self.node_series {
            for i in 0..self.scenario.nodes.len() {
                let b = self.net.berths_mut(i as NodeId).0.stats(now);
                let d = ns.delivered[i];
                let (ld, lq, lc) = ns.last[i];
                let [throughput, in_node] = *self.node_daily[i].last().expect("pushed above");
                ns.daily.push([
                    throughput,
                    (d - ld) as f64,
                    in_node,
                    (b.queue_area - lq) / length,
                    (b.capacity_area - lc) / length,
                ]);
                ns.last[i] = (d, b.queue_area, b.capacity_area);
            }
        }
    }

    pub(super) fn on_warmup_end(&mut self) {
        let now = self.now;
        self.collector.mark(now);
        if let Some(ns) = &mut self.node_series {
            // The reset below zeroes the berths' integrals: carry today's part so far.
            for i in 0..self.scenario.nodes.len() {
                let b = self.net.berths_mut(i as NodeId).0.stats(now);
                let l = &mut ns.last[i];
                *l = (l.0, l.1 - b.queue_area, l.2 - b.capacity_area);
            }
        }
        let net = &mut self.net;
        for ((b, o), c) in net
            .berths
            .iter_mut()
            .zip(&mut net.occupancy)
            .zip(&mut net.customs)
        {
            b.0.reset_stats(now);
            o.reset(now);
            if let Some(c) = c {
                c.reset(now);
            }
        }
    }

    /// Closes the books at the horizon and returns the measures.
    pub fn finish(mut self) -> ReplicationResult {
        let sc = self.scenario;
        let now = sc.horizon;
        self.now = now;
        let full_days = self.collector.days_closed();
        if (full_days as f64) < now {
            self.close_day(now - full_days as f64);
        }
        let window = (now - sc.warmup).max(f64::MIN_POSITIVE);
        let mut values = vec![f64::NAN; MeasureSchema::len_for(sc)];
        for i in 0..self.scenario.nodes.len() {
            let o = MeasureSchema::node_offset(i);
            let v = &mut values[o..o + NODE_MEASURES.len()];
            let (berths, occ) = self.net.node_mut(i as NodeId);
            let b = berths.0.stats(now);
            occ.advance(now);
            v[0] = occ.departures as f64 / window;
            v[1] = ratio(b.busy_area, b.capacity_area);
            v[2] = ratio(b.wait_sum, b.started as f64);
            v[3] = b.queue_area / window;
            v[4] = occ.area / window;
            v[5] = ratio(occ.time_sum, occ.departures as f64);
            if let Some(c) = self.net.customs[i].as_mut() {
                c.advance(now);
                let s = c.inspectors.stats(now);
                v[6] = ratio(s.busy_area, s.capacity_area);
                v[7] = ratio(c.inspected as f64, c.decided as f64);
                v[8] = ratio(s.wait_sum, s.started as f64);
                v[9] = s.queue_area / window;
                v[10] = c.in_customs_area / window;
            }
            v[11] = if self.realisation.first_onset().is_some() {
                self.realisation.damage_at_onset[i]
            } else {
                f64::NAN
            };
        }
        let daily = self.collector.finish(now, sc.nodes.len(), &mut values);
        let sensitivity = self.recovery_measures(full_days, &mut values);
        let scope_daily = self.scope_daily(daily.len());
        ReplicationResult {
            replication: self.replication,
            strategy: self.strategy_index,
            values,
            daily,
            scope_daily,
            sensitivity,
            events: self.events,
        }
    }

    /// Recovery measures of every scope, from the daily series of `full_days` whole days
    /// (the rule and its parts: [`crate::measure::recovery_values`]).
    pub(super) fn recovery_measures(&mut self, full_days: usize, values: &mut [f64]) -> Vec<f64> {
        let sc = self.scenario;
        let onset = self.realisation.first_onset();
        values[10] = if onset.is_some() { 1.0 } else { 0.0 };
        values[11] = onset.unwrap_or(f64::NAN);
        values[12] = self.responses.deferred as f64;
        values[13] = self.responses.cancelled as f64;
        values[14] = self.responses.shifted as f64;
        let a = &self.assessments;
        for k in 0..3 {
            values[15 + k] = ratio(a.inspected[k] as f64, a.decided[k] as f64);
        }
        values[18] = a.exposure as f64;
        values[19] = a.non_compliant as f64;
        values[20] = a.detected as f64;
        values[21] = ratio(a.detected as f64, a.non_compliant as f64);
        values[22] = a.screened as f64;
        let Some(onset) = onset else {
            return Vec::new();
        };
        let demand: Vec<[Vec<f64>; 3]> = (0..sc.countries.len() + 3)
            .map(|k| self.collector.scope_series(k))
            .collect();
        let nodes: Vec<[Vec<f64>; 2]> = self
            .node_daily
            .iter()
            .map(|d| {
                [
                    d.iter().map(|x| x[0]).collect(),
                    d.iter().map(|x| x[1]).collect(),
                ]
            })
            .collect();
        crate::measure::recovery_values(sc, &demand, &nodes, full_days, onset, values)
    }

    /// The scoped daily series of `timeseries.csv` over `days` days, in
    /// `measure::scope_rows` order, series-major (empty without scopes).
    pub(super) fn scope_daily(&self, days: usize) -> Vec<f64> {
        use crate::measure::{COUNTRY_SERIES, NODE_SERIES};
        let (sc, kinds) = (self.scenario, self.options.scopes);
        let mut out = Vec::new();
        let mut push = |series: &mut dyn Iterator<Item = f64>| {
            let start = out.len();
            out.extend(series.take(days));
            out.resize(start + days, f64::NAN);
        };
        if let Some(ns) = &self.node_series {
            let n = sc.nodes.len();
            for i in 0..n {
                for k in 0..NODE_SERIES.len() {
                    push(&mut ns.daily.iter().skip(i).step_by(n).map(|x| x[k]));
                }
            }
        }
        if kinds.country {
            for c in 0..sc.countries.len() {
                for k in 0..COUNTRY_SERIES.len() {
                    push(&mut self.collector.demand_series(1 + c, k));
                }
            }
        }
        if kinds.flow {
            for f in 0..sc.flows.len() {
                push(&mut self.collector.flow_series(f));
            }
        }
        out
    }
}
