//! Handling at nodes: a shipment arriving at a node joins its berths' queue (the lane
//! asked of the policy), is handled, then goes to customs or leaves; and the trader's
//! memberships as a country's customs knows them (revocations and their notice).

use super::*;

impl<P: Policy> Simulation<'_, P> {
    /// The programmes whose members customs of `country` trusts in routine risk
    /// assessment ([`Policy::routine_programmes`]).
    #[inline]
    pub(super) fn routine_programmes(&self, country: u16) -> Members {
        self.policy
            .routine_programmes(self.scenario, self.strategy, country)
    }

    /// A trader's memberships with every revocation whose onset has passed dropped, known
    /// or not: the truth that revocation exposure is measured against.
    #[inline]
    pub(super) fn true_members(&self, members: Members, revoke_draw: f64) -> Members {
        let mut m = members;
        for r in &self.realisation.revocations {
            if revoke_draw < r.share && self.now >= r.time {
                m.0 &= !(1u32 << r.programme);
            }
        }
        m
    }

    /// True if the strategy's knobs apply at `node` now.
    #[inline]
    pub(super) fn knobs_apply(&self, node: NodeId) -> bool {
        self.strategy.active(self.status.affected[node as usize])
    }

    /// What the policy is told of a shipment of `members` (before revocations) and
    /// `revoke_draw` joining a queue at `node` now.
    #[inline]
    pub(super) fn joining(&self, node: NodeId, members: Members, revoke_draw: f64) -> Joining {
        let country = self.scenario.nodes[node as usize].country;
        Joining {
            country,
            members: self.effective_members(members, revoke_draw, country),
            knobs_apply: self.knobs_apply(node),
            resuming: self.status.resuming(node),
        }
    }

    /// True if the shipment joins the priority lane of `node`'s berths
    /// ([`Policy::berth_lane`]).
    #[inline]
    pub(super) fn priority_at(&self, node: NodeId, members: Members, revoke_draw: f64) -> bool {
        let j = self.joining(node, members, revoke_draw);
        self.policy
            .berth_lane(self.scenario, self.strategy, &j)
            .is_priority()
    }

    /// A trader's memberships as customs of `country` knows them now: revoked ones are
    /// dropped once that country has learnt of the revocation (at once at home; a partner
    /// after the arrangement's notice delay, or at once with prompt notice).
    #[inline]
    pub(super) fn effective_members(
        &self,
        members: Members,
        revoke_draw: f64,
        country: u16,
    ) -> Members {
        let mut m = members;
        for r in &self.realisation.revocations {
            let bit = 1u32 << r.programme;
            if m.0 & bit == 0 || revoke_draw >= r.share {
                continue;
            }
            let delay =
                self.policy
                    .revocation_notice(self.scenario, self.strategy, r.programme, country);
            if self.now >= r.time + if delay.is_finite() { delay } else { 0.0 } {
                m.0 &= !bit;
            }
        }
        m
    }

    /// Shipment `e` is at `node` now, to queue for its berths: its stage and arrival time
    /// set; returns its trader's memberships and revocation draw.
    #[inline]
    pub(super) fn queue_at(&mut self, e: ShipmentId, node: NodeId) -> (Members, f64) {
        let now = self.now;
        let s = self.shipment_mut(e);
        s.stage = Stage::Queued(node);
        s.node_arrival = now;
        (s.members, s.revoke_draw)
    }

    /// Shipment `e` arrives at `node` off a route and joins it.
    pub(super) fn arrive_at_node(&mut self, e: ShipmentId, node: NodeId) {
        let (members, revoke_draw) = self.queue_at(e, node);
        if let Some(pc) = &mut self.ports {
            pc.pipeline(self.scenario, node, members, self.now, true);
        }
        self.enter_node(e, node, members, revoke_draw);
    }

    /// A shipment whose stage (`Queued(node)`) and arrival time are set joins the node.
    pub(super) fn enter_node(
        &mut self,
        e: ShipmentId,
        node: NodeId,
        members: Members,
        revoke_draw: f64,
    ) {
        let now = self.now;
        let priority = self.priority_at(node, members, revoke_draw);
        let (berths, occ) = self.net.node_mut(node);
        occ.enter(now);
        let start = berths.0.arrive(now, e, priority);
        if start {
            self.start_handling(e, node);
        }
    }

    pub(super) fn start_handling(&mut self, e: ShipmentId, node: NodeId) {
        let sc = self.scenario;
        let n = &sc.nodes[node as usize];
        let level = self.status.alert_level[n.country as usize];
        let slowdown =
            sc.countries[n.country as usize].alert_effects[(level - 1) as usize].handling_slowdown;
        let s = self.shipment_mut(e);
        s.stage = Stage::Handling(node);
        let t = n.service.sample(&mut s.rng) * slowdown;
        self.calendar
            .schedule(self.now + t, Event::HandlingDone { shipment: e });
    }

    pub(super) fn on_handling_done(&mut self, node: NodeId, e: ShipmentId) {
        let next = self.net.berths_mut(node).0.finish(self.now);
        if let Some(x) = next {
            self.start_handling(x, node);
        }
        self.check_drained(node);
        let sc = self.scenario;
        let n = &sc.nodes[node as usize];
        // One lookup: customs marked done on entering the destination's country, and, if
        // the shipment does not stop for customs here, its leaving the node recorded.
        let leaving = {
            let s = self.shipment_mut(e);
            let f = &sc.flows[s.flow as usize];
            let dest_country = sc.nodes[f.destination as usize].country;
            let first = !s.customs_done && n.country == dest_country;
            if first {
                s.customs_done = true;
            }
            let import = sc.nodes[f.origin as usize].country != dest_country;
            if first && import && n.customs.is_some() {
                None
            } else {
                Some(Leaving::record(s, node))
            }
        };
        match leaving {
            None => self.enter_customs(e, node),
            Some(l) => self.left_node(e, node, l),
        }
    }
}
