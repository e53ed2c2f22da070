//! Disruptions: a realisation's changes carried out (capacity limits, route closures,
//! alerts, affected places), closures announced to carriers and shippers, and what they
//! expect of a closed node or route at their reviews.

use super::*;

/// A node's capacity as a review sees it ([`Simulation::node_view`]).
pub(super) struct NodeView {
    /// When it has working capacity: now, or its (expected) reopening.
    pub(super) available: f64,
    /// Working servers from `available` on / the mean handling time with the slowdown.
    pub(super) capacity_per_day: f64,
    /// Mean handling time with the alert level's slowdown.
    pub(super) handling_days: f64,
    /// Shipments waiting for a berth: [priority lane, ordinary lane].
    pub(super) lanes: [usize; 2],
}

impl<P: Policy> Simulation<'_, P> {
    pub(super) fn on_change(&mut self, index: u32) {
        let (_, change) = self.realisation.changes[index as usize];
        match change {
            Change::NodeShare { node, slot, share } => self.set_limit(node, slot, share),
            Change::Route { route, closed } => {
                let now = self.now;
                let gate = self.net.gate_mut(route);
                gate.open = !closed;
                let resume = !closed && !gate.waiting.is_empty() && !gate.ready_scheduled;
                if resume {
                    gate.ready_scheduled = true;
                    let at = gate.next_free.max(now);
                    self.calendar.schedule(at, Event::RouteReady { route });
                }
                if closed {
                    self.status.route_closed_since[route as usize] = now;
                }
                self.announce();
            }
            Change::Alert {
                country,
                slot,
                level,
            } => {
                let initial = self.scenario.countries[country as usize].alert_level;
                let st = &mut self.status;
                let list = &mut st.alerts[country as usize];
                list.retain(|&(s, _)| s != slot);
                if let Some(l) = level {
                    list.push((slot, l));
                }
                let lvl = list.iter().map(|&(_, l)| l).fold(initial, u8::max);
                if st.alert_level[country as usize] != lvl {
                    st.alert_history[country as usize].push((self.now, lvl));
                }
                st.alert_level[country as usize] = lvl;
            }
            Change::Affect { node, on } => {
                let st = &mut self.status;
                let i = node as usize;
                if on {
                    st.active[i] += 1;
                    st.draining[i] = false;
                    st.affected[i] = true;
                } else {
                    st.active[i] = st.active[i].saturating_sub(1);
                    if st.active[i] == 0 {
                        st.draining[i] = true;
                    }
                }
                if !on {
                    self.check_drained(node);
                }
            }
        }
    }

    /// Ends a node's affected period once no disruption acts on it and its queues are empty.
    pub(super) fn check_drained(&mut self, node: NodeId) {
        let i = node as usize;
        if !self.status.draining[i] {
            return;
        }
        let mut empty = self.net.berths[i].0.queued() == 0;
        if let Some(c) = &self.net.customs[i] {
            empty &= c.inspectors.queued() == 0;
        }
        if empty {
            let st = &mut self.status;
            st.draining[i] = false;
            st.affected[i] = false;
            st.was_closed[i] = false;
        }
    }

    /// Applies disruption `slot`'s limit on `node`'s servers (share 1 lifts it).
    pub(super) fn set_limit(&mut self, node: NodeId, slot: u32, share: f64) {
        let now = self.now;
        let servers = self.scenario.nodes[node as usize].servers;
        let (capacity, was_closed, closed) = {
            let st = &mut self.status;
            let was_closed = st.closed(node);
            let list = &mut st.limits[node as usize];
            list.retain(|&(s, _)| s != slot);
            if share < 1.0 {
                list.push((slot, share.max(0.0)));
            }
            let min = list.iter().map(|&(_, s)| s).fold(1.0, f64::min);
            (
                (servers as f64 * min + 1e-9).floor() as u32,
                was_closed,
                st.closed(node),
            )
        };
        self.net.berths_mut(node).0.set_capacity(now, capacity);
        loop {
            let next = self.net.berths_mut(node).0.next(now);
            match next {
                Some(x) => self.start_handling(x, node),
                None => break,
            }
        }
        if closed && !was_closed {
            self.status.closed_since[node as usize] = now;
            self.status.was_closed[node as usize] = true;
        }
        if was_closed != closed {
            self.announce();
        }
    }

    /// A node or route closed or reopened: under shared information (the joint
    /// mechanism's announcements) carriers and shippers review at once; under their own,
    /// they notice at their next periodic review.
    /// Routing around closures follows the same information: re-planned at once under
    /// shared information, at the next periodic review under the carriers' own.
    pub(super) fn announce(&mut self) {
        if self.shared_information() {
            self.reroute();
            self.review_ports();
            self.review_demand();
        } else {
            self.routing_stale = true;
        }
    }

    /// True if carriers and shippers learn of closures at once
    /// ([`Policy::shared_information`]).
    #[inline]
    pub(super) fn shared_information(&self) -> bool {
        self.policy.shared_information(self.scenario, self.strategy)
    }

    /// When closed `node` next has working capacity, from the disruptions' known schedule,
    /// and the share of its servers then (infinity and 0 if never).
    pub(super) fn reopening(&self, node: NodeId) -> (f64, f64) {
        let mut limits = self.status.limits[node as usize].clone();
        for &(t, c) in &self.realisation.changes {
            if t <= self.now {
                continue;
            }
            if let Change::NodeShare {
                node: n,
                slot,
                share,
            } = c
            {
                if n != node {
                    continue;
                }
                limits.retain(|&(s, _)| s != slot);
                if share < 1.0 {
                    limits.push((slot, share));
                }
                if limits.iter().all(|&(_, s)| s > 0.0) {
                    return (t, limits.iter().map(|&(_, s)| s).fold(1.0, f64::min));
                }
            }
        }
        (f64::INFINITY, 0.0)
    }

    /// When closed `node` is expected to have working capacity again, and the share of its
    /// servers then: the known schedule under shared information; under the carriers'
    /// own, as long again as it has been closed, with all its servers [U].
    pub(super) fn expected_reopening(&self, node: NodeId) -> (f64, f64) {
        if self.shared_information() {
            self.reopening(node)
        } else {
            let since = self.status.closed_since[node as usize];
            (self.now + (self.now - since).max(0.0), 1.0)
        }
    }

    /// What carriers and shippers see of `node`'s capacity at a review, under the strategy's
    /// information ([`Self::expected_reopening`] if it is closed).
    pub(super) fn node_view(&self, node: NodeId) -> NodeView {
        let sc = self.scenario;
        let n = &sc.nodes[node as usize];
        let level = self.status.alert_level[n.country as usize];
        let slow =
            sc.countries[n.country as usize].alert_effects[(level - 1) as usize].handling_slowdown;
        let berths = &self.net.berths[node as usize].0;
        let (available, servers) = if self.status.closed(node) {
            let (t, share) = self.expected_reopening(node);
            (t, (n.servers as f64 * share + 1e-9).floor())
        } else {
            (self.now, berths.capacity as f64)
        };
        let handling_days = n.service.mean() * slow;
        NodeView {
            available,
            capacity_per_day: servers / handling_days,
            handling_days,
            lanes: berths.queued_lanes(),
        }
    }

    /// The expected wait for closed `route` to reopen, as [`Self::expected_reopening`].
    pub(super) fn route_wait(&self, route: RouteId) -> f64 {
        let known = match self.shared_information() {
            false => None,
            true => Some(
                self.realisation
                    .changes
                    .iter()
                    .find(|&&(t, c)| {
                        t > self.now
                            && matches!(c, Change::Route { route: r, closed: false } if r == route)
                    })
                    .map_or(f64::INFINITY, |&(t, _)| t),
            ),
        };
        respond::closure_wait(
            self.now,
            known,
            self.status.route_closed_since[route as usize],
        )
    }
}
