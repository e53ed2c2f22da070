//! Demand: flows' arrivals, new shipments, pre-departure screening, and the shippers'
//! response to expected delay (the decision rule is `respond.rs`; the review that
//! estimates the delay is `review_demand`).

use super::disruptions::NodeView;
use super::*;

/// The shippers' view of their flows' expected extra delay (docs/model.md, "Demand
/// response"), kept when a flow responds; updated at reviews ([`respond`]).
#[derive(Debug, Clone)]
pub(super) struct ShipperView {
    /// Flows whose delay is estimated: those that respond, and their substitutes.
    pub(super) flows: Vec<u32>,
    /// Per flow and lane (2f: priority, 2f + 1: ordinary): expected extra delay, days.
    pub(super) delay: Vec<f64>,
}

impl ShipperView {
    /// None if no flow responds.
    pub(super) fn new(sc: &Scenario) -> Option<Box<ShipperView>> {
        let mut watched = vec![false; sc.flows.len()];
        for (i, f) in sc.flows.iter().enumerate() {
            if f.response.is_some() {
                watched[i] = true;
                for &(s, _) in &f.substitutes {
                    watched[s as usize] = true;
                }
            }
        }
        let flows: Vec<u32> = (0..sc.flows.len() as u32)
            .filter(|&i| watched[i as usize])
            .collect();
        (!flows.is_empty()).then(|| {
            Box::new(ShipperView {
                flows,
                delay: vec![0.0; 2 * sc.flows.len()],
            })
        })
    }
}

/// Counts of the shippers' responses in the measurement window.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Responses {
    pub(super) deferred: u64,
    pub(super) cancelled: u64,
    pub(super) shifted: u64,
}

/// A flow's arrival process.
#[derive(Debug, Clone)]
pub(super) struct FlowSource {
    pub(super) rng: Stream,
    pub(super) next_seq: u64,
    /// The stream of shipment `next_seq`, made when the previous shipment arrived: its
    /// five mixing rounds are then off the path from an arrival to the new shipment's draws.
    pub(super) next_stream: Stream,
    /// Largest weekly multiplier (thinning bound).
    pub(super) peak: f64,
}

impl<P: Policy> Simulation<'_, P> {
    /// The next arrival time of flow `i` after `from` (Poisson; thinning for a weekly profile).
    pub(super) fn next_arrival(&mut self, i: usize, from: f64) -> f64 {
        let f = &self.scenario.flows[i];
        let src = &mut self.sources[i];
        let rate = f.rate_per_day * src.peak;
        let mut t = from;
        loop {
            let gap: f64 = Exp1.sample(&mut src.rng);
            t += gap / rate;
            match f.weekly_profile {
                None => return t,
                Some(w) => {
                    let m = w[(t as u64 % 7) as usize];
                    if src.rng.random::<f64>() * src.peak < m {
                        return t;
                    }
                }
            }
        }
    }

    pub(super) fn on_arrival(&mut self, flow: u32) {
        let sc = self.scenario;
        let f = &sc.flows[flow as usize];
        let src = &mut self.sources[flow as usize];
        src.next_seq += 1;
        let following = streams::shipment(self.seed, self.replication, flow, src.next_seq);
        let mut rng = std::mem::replace(&mut src.next_stream, following);
        let u: f64 = rng.random();
        let members = f
            .traders
            .iter()
            .find(|(cum, _)| u < *cum)
            .map_or(Members(0), |t| t.1);
        let value = f.value.sample(&mut rng);
        let revoke_draw: f64 = rng.random();
        let dest_country = sc.nodes[f.destination as usize].country;
        // The class is the trader's: revocations change how it is treated, not its class.
        let trusted = sc.is_trusted(members, dest_country);
        let shipment = Shipment {
            flow,
            created: self.now,
            value,
            members,
            trusted,
            stage: Stage::Queued(f.origin),
            destination: f.destination,
            hop: 0,
            customs_done: false,
            node_arrival: self.now,
            revoke_draw,
            screened: false,
            rng,
        };
        // Delivered shipments' slots are reused, the last freed first.
        let e = self.shipments.insert(shipment);
        self.created += 1;
        if self.options.max_live > 0 && self.live() > self.options.max_live {
            self.overflow = Some(Box::new(self.memory_exceeded()));
        }
        self.collector
            .created(self.now, dest_country, trusted, value);
        let next = self.next_arrival(flow as usize, self.now);
        self.calendar.schedule(next, Event::Arrival { flow });
        match f.response {
            Some(r) if self.shippers.is_some() => {
                self.respond(e, flow, r, members, revoke_draw, trusted, value);
            }
            _ => self.start_journey(e, f.origin, members, revoke_draw),
        }
    }

    /// Shipment `e` starts its journey at `origin`: after its origin customs' pre-departure
    /// screening if the destination's country is on alert as the origin knows it, else at
    /// once.
    pub(super) fn start_journey(
        &mut self,
        e: ShipmentId,
        origin: NodeId,
        members: Members,
        revoke_draw: f64,
    ) {
        if self.policy.screens_departures(self.scenario, self.strategy)
            && let Some(days) = self.screening_needed(e, origin)
        {
            if self.now >= self.scenario.warmup {
                self.assessments.screened += 1;
            }
            self.hold(e, origin, days);
            return;
        }
        self.enter_node(e, origin, members, revoke_draw);
    }

    /// The screening time of shipment `e` leaving `origin`, if its origin's customs
    /// screens it (asked only when [`Policy::screens_departures`]): not yet screened,
    /// bound for a partner country (an arrangement between them) whose alert level, as
    /// the origin has been told of it ([`Policy::alert_notice`]), is raised. The
    /// screening time is drawn from the shipment's stream.
    pub(super) fn screening_needed(&mut self, e: ShipmentId, origin: NodeId) -> Option<f64> {
        let sc = self.scenario;
        let (screened, destination) = {
            let s = self.shipments.get(e).expect("live shipment");
            (s.screened, s.destination)
        };
        let from = sc.nodes[origin as usize].country;
        let to = sc.nodes[destination as usize].country;
        if screened || from == to {
            return None;
        }
        let (own_from, own_to) = (
            sc.countries[from as usize].own_programmes,
            sc.countries[to as usize].own_programmes,
        );
        let a = sc
            .arrangements
            .iter()
            .filter(|a| a.programmes.any(own_from) && a.programmes.any(own_to))
            .min_by(|x, y| x.alert_notice.total_cmp(&y.alert_notice))?;
        let delay = self.policy.alert_notice(sc, self.strategy, a.alert_notice);
        let initial = sc.countries[to as usize].alert_level;
        if self.status.alert_level_at(to, self.now - delay, initial) <= initial {
            return None;
        }
        let s = self.shipment_mut(e);
        s.screened = true;
        Some(a.screening_time.sample(&mut s.rng))
    }

    /// The shipper of new shipment `e` on `flow` ships it, defers it, cancels it or shifts
    /// it to a substitute flow, by the flow's expected delay at the last review
    /// (docs/model.md, "Demand response").
    #[allow(clippy::too_many_arguments)]
    pub(super) fn respond(
        &mut self,
        e: ShipmentId,
        flow: u32,
        r: crate::scenario::Response,
        members: Members,
        revoke_draw: f64,
        trusted: bool,
        value: f64,
    ) {
        let sc = self.scenario;
        let f = &sc.flows[flow as usize];
        let country = sc.nodes[f.destination as usize].country;
        let known = self.effective_members(members, revoke_draw, country);
        let priority = self
            .policy
            .priority_class(sc, self.strategy, known, country);
        let lane = usize::from(!priority);
        let view = self.shippers.as_ref().expect("shippers' view");
        let delay = view.delay[2 * flow as usize + lane];
        let threshold = r.threshold[usize::from(!trusted)];
        if delay.is_nan() || delay <= threshold {
            self.start_journey(e, f.origin, members, revoke_draw);
            return;
        }
        let seq = self.sources[flow as usize].next_seq;
        let u: f64 = streams::stream(
            self.seed,
            self.replication,
            StreamKind::Response,
            (flow as u64) << 40 | seq,
        )
        .random();
        let subs = f
            .substitutes
            .iter()
            .map(|&(s, land)| view.delay[2 * s as usize + lane] + land);
        let action = respond::decide(&r, threshold, delay, u, subs);
        let counted = self.now >= sc.warmup;
        match action {
            respond::Action::Ship => self.start_journey(e, f.origin, members, revoke_draw),
            respond::Action::Cancel => {
                self.cancelled += 1;
                self.responses.cancelled += u64::from(counted);
                self.shipment_mut(e).stage = Stage::Delivered;
                self.shipments.release(e);
                self.collector.cancelled(self.now, country, trusted, value);
            }
            respond::Action::Defer => {
                self.responses.deferred += u64::from(counted);
                self.hold(e, f.origin, r.defer_for);
            }
            respond::Action::Shift(i) => {
                self.responses.shifted += u64::from(counted);
                let (to, land) = f.substitutes[i];
                let origin = sc.flows[to as usize].origin;
                let s = self.shipment_mut(e);
                s.flow = to;
                s.destination = sc.flows[to as usize].destination;
                s.hop = 0;
                s.stage = Stage::Queued(origin);
                if land > 0.0 {
                    self.hold(e, origin, land);
                } else {
                    self.start_journey(e, origin, members, revoke_draw);
                }
            }
        }
    }

    /// Shipment `e` waits with its shipper for `days`, then enters `node`.
    pub(super) fn hold(&mut self, e: ShipmentId, node: NodeId, days: f64) {
        self.holding += 1;
        self.shipment_mut(e).stage = Stage::Held(node);
        self.calendar
            .schedule(self.now + days, Event::Release { shipment: e });
    }

    /// A held shipment enters its node.
    pub(super) fn on_release(&mut self, node: NodeId, e: ShipmentId) {
        self.holding -= 1;
        let (members, revoke_draw) = self.queue_at(e, node);
        // Holds are before departure only (deferral, a land leg, screening).
        self.start_journey(e, node, members, revoke_draw);
    }

    /// The shippers' review of the expected extra delay on every responding flow and its
    /// substitutes (docs/model.md, "Demand response"): from the first onset on, at the
    /// periodic reviews and (shared information) at closures and reopenings.
    pub(super) fn review_demand(&mut self) {
        if !self
            .realisation
            .first_onset()
            .is_some_and(|t| self.now >= t)
        {
            return;
        }
        let Some(mut view) = self.shippers.take() else {
            return;
        };
        let sc = self.scenario;
        let now = self.now;
        let prio = self.policy.trusted_first(sc, self.strategy);
        for &fi in &view.flows {
            let f = &sc.flows[fi as usize];
            let routes: Vec<RouteId> = match &f.path {
                Some(p) => p.clone(),
                None => sc.static_paths[fi as usize]
                    .iter()
                    .map(|s| s.route)
                    .collect(),
            };
            let mut d = [0.0f64; 2];
            let nodes =
                std::iter::once(f.origin).chain(routes.iter().map(|&r| sc.routes[r as usize].to));
            for n in nodes {
                let NodeView {
                    available,
                    capacity_per_day: mu,
                    lanes,
                    ..
                } = self.node_view(n);
                let closed = (available - now).max(0.0);
                let all = (lanes[0] + lanes[1]) as f64;
                let high = if prio && self.knobs_apply(n) {
                    lanes[0] as f64
                } else {
                    all
                };
                for (lane, ahead) in [high, all].into_iter().enumerate() {
                    d[lane] += closed + if ahead > 0.0 { ahead / mu } else { 0.0 };
                }
            }
            for &r in &routes {
                let gate = &self.net.gates[r as usize];
                let mut w = gate.waiting.len() as f64 * sc.routes[r as usize].headway;
                if !gate.open {
                    w += self.route_wait(r);
                }
                d[0] += w;
                d[1] += w;
            }
            view.delay[2 * fi as usize] = d[0];
            view.delay[2 * fi as usize + 1] = d[1];
        }
        self.shippers = Some(view);
    }
}
