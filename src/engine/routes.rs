//! Routes: a shipment leaving a node is delivered, diverted or sent down its next route
//! (headway, closures, transit); rerouting around closures when the policy reroutes.

use super::*;

impl<P: Policy> Simulation<'_, P> {
    pub(super) fn leave_node(&mut self, e: ShipmentId, node: NodeId) {
        let l = Leaving::record(self.shipment_mut(e), node);
        self.left_node(e, node, l);
    }

    /// The shipment, whose leaving is recorded in `l`, goes on from `node`: delivered,
    /// diverted, or onto its next route.
    pub(super) fn left_node(&mut self, e: ShipmentId, node: NodeId, l: Leaving) {
        let now = self.now;
        let Leaving {
            arrived,
            hop,
            mut dest,
            done,
        } = l;
        let flow = done.flow;
        self.net.occupancy_mut(node).leave(now, arrived);
        let f = &self.scenario.flows[flow as usize];
        if node != dest
            && dest == f.destination
            && self.policy.reroutes(self.scenario, self.strategy)
            && let Some(a) = self.diversion(e, flow, node)
        {
            dest = a;
            self.shipment_mut(e).destination = a;
        }
        if node == dest {
            if let Some(ns) = &mut self.node_series {
                ns.delivered[node as usize] += 1;
            }
            self.deliver(e, done);
            return;
        }
        let route = match &f.path {
            Some(p) => p[hop as usize],
            None => {
                // On its flow's static path (no rerouting in force, not diverted, and the
                // route taken at this hop leaves from here): the same route the
                // destination's table gives, read from one short vector.
                let on_path = self.scenario.static_paths[flow as usize]
                    .get(hop as usize)
                    .filter(|step| {
                        self.routing.is_none() && dest == f.destination && step.from == node
                    })
                    .map(|step| step.route);
                on_path.unwrap_or_else(|| self.next_route(dest, node))
            }
        };
        self.depart(e, route);
    }

    /// The next route toward `dest` from `node` under the routing in force.
    pub(super) fn next_route(&self, dest: NodeId, node: NodeId) -> RouteId {
        let table = |r: &Vec<Option<RoutingTable>>| {
            r[dest as usize]
                .as_ref()
                .and_then(|t| t.next[node as usize])
        };
        self.routing
            .as_ref()
            .and_then(table)
            .or_else(|| table(&self.scenario.routing))
            .expect("validated: every flow destination is reachable from every node on its paths")
    }

    pub(super) fn depart(&mut self, e: ShipmentId, route: RouteId) {
        let now = self.now;
        let headway = self.scenario.routes[route as usize].headway;
        let gate = self.net.gate_mut(route);
        if gate.open && gate.waiting.is_empty() && gate.next_free <= now {
            gate.next_free = now + headway;
            self.start_transit(e, route);
        } else {
            gate.waiting.push_back(e);
            let ready_at = gate.next_free.max(now);
            let schedule = gate.open && !gate.ready_scheduled;
            if schedule {
                gate.ready_scheduled = true;
            }
            self.shipment_mut(e).stage = Stage::AwaitingDeparture(route);
            if schedule {
                self.calendar
                    .schedule(ready_at, Event::RouteReady { route });
            }
        }
    }

    pub(super) fn on_route_ready(&mut self, route: RouteId) {
        let now = self.now;
        let headway = self.scenario.routes[route as usize].headway;
        let gate = self.net.gate_mut(route);
        gate.ready_scheduled = false;
        if !gate.open {
            return;
        }
        let Some(e) = gate.waiting.pop_front() else {
            return;
        };
        gate.next_free = now + headway;
        let more = !gate.waiting.is_empty();
        if more {
            gate.ready_scheduled = true;
            let at = gate.next_free;
            self.calendar.schedule(at, Event::RouteReady { route });
        }
        self.start_transit(e, route);
    }

    pub(super) fn start_transit(&mut self, e: ShipmentId, route: RouteId) {
        let r = &self.scenario.routes[route as usize];
        self.net.gate_mut(route).in_transit += 1;
        let s = self.shipment_mut(e);
        s.stage = Stage::InTransit(route);
        let t = r.transit.sample(&mut s.rng);
        let members = s.members;
        let at = self.now + t;
        self.calendar
            .schedule(at, Event::TransitDone { shipment: e });
        if let Some(pc) = &mut self.ports {
            pc.pipeline(self.scenario, r.to, members, at, false);
        }
    }

    pub(super) fn on_transit_done(&mut self, route: RouteId, e: ShipmentId) {
        self.net.gate_mut(route).in_transit -= 1;
        self.arrive_at_node(e, self.scenario.routes[route as usize].to);
    }

    pub(super) fn deliver(&mut self, e: ShipmentId, s: Delivery) {
        let country =
            self.scenario.nodes[self.scenario.flows[s.flow as usize].destination as usize].country;
        self.collector
            .delivered(self.now, s.flow, country, s.trusted, s.created, s.value);
        self.delivered += 1;
        if !s.marked {
            self.shipment_mut(e).stage = Stage::Delivered;
        }
        self.shipments.release(e);
    }

    /// With rerouting on, recomputes routing around closed nodes and routes.
    pub(super) fn reroute(&mut self) {
        if !self.policy.reroutes(self.scenario, self.strategy) {
            return;
        }
        let sc = self.scenario;
        let st = &self.status;
        let open: Vec<bool> = (0..sc.routes.len())
            .map(|r| self.net.gates[r].open && !st.closed(sc.routes[r].to))
            .collect();
        if open.iter().all(|&o| o) {
            self.routing = None;
            return;
        }
        let tables = sc
            .routing
            .iter()
            .enumerate()
            .map(|(d, t)| {
                t.as_ref()
                    .map(|_| sc.network.routing_to(d as NodeId, |r| open[r as usize]))
            })
            .collect();
        self.routing = Some(tables);
    }
}
