//! Carriers' port choice for flows with alternates (docs/model.md, "Port choice"): the
//! pipeline of shipments due at each candidate port, the reviews (the estimate is the pure
//! projection of `divert.rs`; the choice is `Policy::choose_port`'s), and the diversion of
//! a shipment to the port chosen for its class.

use super::disruptions::NodeView;
use super::*;
use crate::policy::PortOptions;

/// A node no flow with alternates can be sent to.
pub(super) const NOT_WATCHED: u32 = u32::MAX;

/// What the carriers of flows with `alternates` go by, and what they chose
/// (docs/model.md, "Port choice"). The pipeline (shipments on their way to each candidate
/// port, by arrival day) is kept under every strategy, so that a strategy branched from a
/// shared prefix finds it complete; choices change only under `reroute = "on_closure"`.
#[derive(Debug, Clone)]
pub(super) struct PortChoice {
    /// Per node: its index in `ports`, or `NOT_WATCHED`.
    pub(super) watch: Vec<u32>,
    /// The candidate ports: every destination and alternate of a flow with alternates.
    pub(super) ports: Vec<NodeId>,
    /// Arrival days tracked: the horizon's, and one for arrivals after it.
    pub(super) days: usize,
    /// Per port and arrival day: shipments in transit to it, by member category at the
    /// port's country ([`member_category`]).
    pub(super) due: Vec<[u32; 3]>,
    /// Per port: shipments a day created there in normal operation, by category.
    pub(super) local: Vec<[f64; 3]>,
    /// Per port: shipments a day handled there in normal operation, by category.
    pub(super) through: Vec<[f64; 3]>,
    /// The flows with alternates.
    pub(super) flows: Vec<u32>,
    /// Per flow: mean shipments a day, and its shares by category at its destination's
    /// country.
    pub(super) rate: Vec<f64>,
    pub(super) shares: Vec<[f64; 3]>,
    /// Per flow and class (2f: priority, 2f + 1: ordinary): the port chosen.
    pub(super) choice: Vec<NodeId>,
    /// Per flow: true if one of its classes is sent elsewhere than its destination.
    pub(super) diverting: Vec<bool>,
}

/// A trader's category at `node`'s country: 0 a member of one of its own programmes, 1 of
/// a partner programme only, 2 neither.
#[inline]
pub(super) fn member_category(sc: &Scenario, members: Members, node: NodeId) -> usize {
    let c = &sc.countries[sc.nodes[node as usize].country as usize];
    if members.any(c.own_programmes) {
        0
    } else if members.any(c.recognised_programmes) {
        1
    } else {
        2
    }
}

impl PortChoice {
    /// None if no flow has alternates.
    pub(super) fn new(sc: &Scenario) -> Option<Box<PortChoice>> {
        let flows: Vec<u32> = (0..sc.flows.len() as u32)
            .filter(|&i| !sc.flows[i as usize].alternates.is_empty())
            .collect();
        if flows.is_empty() {
            return None;
        }
        let mut watch = vec![NOT_WATCHED; sc.nodes.len()];
        let mut ports = Vec::new();
        for &i in &flows {
            let f = &sc.flows[i as usize];
            for &d in std::iter::once(&f.destination).chain(&f.alternates) {
                if watch[d as usize] == NOT_WATCHED {
                    watch[d as usize] = ports.len() as u32;
                    ports.push(d);
                }
            }
        }
        let days = sc.horizon.ceil() as usize + 1;
        let mut local = vec![[0.0; 3]; ports.len()];
        let mut through = vec![[0.0; 3]; ports.len()];
        let share = |f: &crate::scenario::Flow, node: NodeId| {
            let mut s = [0.0; 3];
            for (k, x) in s.iter_mut().enumerate() {
                *x = sc.trader_share(f, |m| member_category(sc, m, node) == k);
            }
            s
        };
        let mut rate = vec![0.0; sc.flows.len()];
        let mut shares = vec![[0.0; 3]; sc.flows.len()];
        for (i, f) in sc.flows.iter().enumerate() {
            rate[i] = f.rate_per_day
                * f.weekly_profile
                    .map_or(1.0, |w| w.iter().sum::<f64>() / 7.0);
            shares[i] = share(f, f.destination);
            let on_path: Vec<NodeId> = match &f.path {
                Some(p) => p.iter().map(|&r| sc.routes[r as usize].to).collect(),
                None => sc.static_paths[i]
                    .iter()
                    .map(|s| sc.routes[s.route as usize].to)
                    .collect(),
            };
            for &n in std::iter::once(&f.origin).chain(&on_path) {
                let w = watch[n as usize];
                if w == NOT_WATCHED {
                    continue;
                }
                let s = share(f, n);
                for k in 0..3 {
                    through[w as usize][k] += rate[i] * s[k];
                    if n == f.origin {
                        local[w as usize][k] += rate[i] * s[k];
                    }
                }
            }
        }
        let choice = sc
            .flows
            .iter()
            .flat_map(|f| [f.destination, f.destination])
            .collect();
        Some(Box::new(PortChoice {
            due: vec![[0; 3]; ports.len() * days],
            diverting: vec![false; sc.flows.len()],
            watch,
            ports,
            days,
            local,
            through,
            flows,
            rate,
            shares,
            choice,
        }))
    }

    /// A shipment of `members` is due at `node` at time `at` (`arriving`: it has arrived).
    #[inline]
    pub(super) fn pipeline(
        &mut self,
        sc: &Scenario,
        node: NodeId,
        members: Members,
        at: f64,
        arriving: bool,
    ) {
        let w = self.watch[node as usize];
        if w == NOT_WATCHED {
            return;
        }
        let day = (at.max(0.0) as usize).min(self.days - 1);
        let cell = &mut self.due[w as usize * self.days + day][member_category(sc, members, node)];
        if arriving {
            *cell -= 1;
        } else {
            *cell += 1;
        }
    }
}

impl<P: Policy> Simulation<'_, P> {
    /// The port the carriers of `flow` chose at their last review for shipment `e`'s class,
    /// if it is not the destination and can be reached from `node` (docs/model.md, "Port
    /// choice"). Reads the stored choice; the review computed it.
    #[inline]
    pub(super) fn diversion(&self, e: ShipmentId, flow: u32, node: NodeId) -> Option<NodeId> {
        let pc = self.ports.as_ref()?;
        if !pc.diverting[flow as usize] {
            return None;
        }
        let sc = self.scenario;
        let dest = sc.flows[flow as usize].destination;
        let priority = {
            let s = self.shipments.get(e).expect("live shipment");
            let country = sc.nodes[dest as usize].country;
            let known = self.effective_members(s.members, s.revoke_draw, country);
            self.policy
                .priority_class(sc, self.strategy, known, country)
        };
        let a = pc.choice[2 * flow as usize + usize::from(!priority)];
        (a != dest && (a == node || self.distance(a, node).is_finite())).then_some(a)
    }

    /// Expected transit from `node` to `port` under the routing in force; if none and
    /// `port` itself is closed, with every route open (its closure counts as a wait).
    pub(super) fn distance(&self, port: NodeId, node: NodeId) -> f64 {
        let sc = self.scenario;
        let of = |tables: &Vec<Option<RoutingTable>>| {
            tables[port as usize]
                .as_ref()
                .map_or(f64::INFINITY, |t| t.distance[node as usize])
        };
        let d = self.routing.as_ref().map_or(f64::INFINITY, of);
        if d.is_finite() {
            d
        } else if self.routing.is_none() || self.status.closed(port) {
            of(&sc.routing)
        } else {
            d
        }
    }

    /// The carriers' review of every flow with alternates (docs/model.md, "Port choice"):
    /// at day ends every `review_days`, and when a node closes or reopens or a route closes
    /// or reopens. Only under `reroute = "on_closure"`, and under `when = "disrupted"` only
    /// from the first onset on (so that a strategy's run before it is the shared prefix's).
    pub(super) fn review_ports(&mut self) {
        if !self.policy.reroutes(self.scenario, self.strategy) {
            return;
        }
        if self.strategy.when == When::Disrupted
            && !self
                .realisation
                .first_onset()
                .is_some_and(|t| self.now >= t)
        {
            return;
        }
        let Some(mut pc) = self.ports.take() else {
            return;
        };
        let sc = self.scenario;
        let now = self.now;
        let prio = self.policy.trusted_first(sc, self.strategy);
        // Per port: which member categories at its country are in the priority class.
        let high: Vec<[bool; 3]> = pc
            .ports
            .iter()
            .map(|&c| self.priority_categories(c))
            .collect();
        // Counts by member category at port `w`'s country → [priority, ordinary].
        let split = |w: usize, x: [f64; 3]| {
            let mut s = [0.0; 2];
            for (k, v) in x.iter().enumerate() {
                s[usize::from(!high[w][k])] += v;
            }
            s
        };
        // Priority cargo a day at each port, with the diversions in force.
        let mut prio_rate: Vec<f64> = pc
            .through
            .iter()
            .enumerate()
            .map(|(w, &t)| split(w, t)[0])
            .collect();
        for &fi in &pc.flows {
            let f = &sc.flows[fi as usize];
            let to = pc.choice[2 * fi as usize];
            if to != f.destination {
                let from = pc.watch[f.destination as usize] as usize;
                let r = pc.rate[fi as usize] * split(from, pc.shares[fi as usize])[0];
                prio_rate[from] -= r;
                prio_rate[pc.watch[to as usize] as usize] += r;
            }
        }
        // Expected transit from each flow's origin to each of its candidates; how far
        // ahead each port's queue is projected.
        let mut steps = vec![0usize; pc.ports.len()];
        let mut transit = Vec::with_capacity(pc.flows.len());
        for &fi in &pc.flows {
            let f = &sc.flows[fi as usize];
            let d: Vec<f64> = std::iter::once(&f.destination)
                .chain(&f.alternates)
                .map(|&c| {
                    let d = self.distance(c, f.origin);
                    if d.is_finite() {
                        let w = pc.watch[c as usize] as usize;
                        steps[w] = steps[w].max(d.ceil() as usize + 1).min(pc.days);
                    }
                    d
                })
                .collect();
            transit.push(d);
        }
        let day0 = (now as usize).min(pc.days - 1);
        let views: Vec<(divert::PortView, Vec<[f64; 2]>)> = pc
            .ports
            .iter()
            .enumerate()
            .map(|(w, &c)| {
                let NodeView {
                    available,
                    capacity_per_day,
                    handling_days,
                    lanes,
                } = self.node_view(c);
                let due = (day0..(day0 + steps[w]).min(pc.days))
                    .map(|d| {
                        let x = pc.due[w * pc.days + d];
                        split(w, [x[0] as f64, x[1] as f64, x[2] as f64])
                    })
                    .collect();
                let view = divert::PortView {
                    now,
                    available,
                    capacity_per_day,
                    queued: [lanes[0] as f64, lanes[1] as f64],
                    due,
                    local_per_day: split(w, pc.local[w]),
                    priority_per_day: prio_rate[w].max(0.0),
                    priority: prio && self.knobs_apply(c),
                    fixed_days: handling_days,
                };
                let proj = divert::project(&view, steps[w]);
                (view, proj)
            })
            .collect();
        for (j, &fi) in pc.flows.iter().enumerate() {
            let f = &sc.flows[fi as usize];
            let cands: Vec<NodeId> = std::iter::once(f.destination)
                .chain(f.alternates.iter().copied())
                .collect();
            let customs: Vec<f64> = cands.iter().map(|&c| self.expected_customs(f, c)).collect();
            for class in 0..2 {
                if class == 0 && !prio {
                    continue;
                }
                let times: Vec<f64> = cands
                    .iter()
                    .enumerate()
                    .map(|(k, &c)| {
                        let (v, proj) = &views[pc.watch[c as usize] as usize];
                        divert::time_to_clear(v, proj, transit[j][k], class == 0) + customs[k]
                    })
                    .collect();
                let slot = 2 * fi as usize + class;
                let current = cands
                    .iter()
                    .position(|&c| c == pc.choice[slot])
                    .unwrap_or(0);
                let options = PortOptions {
                    flow: fi,
                    priority_class: class == 0,
                    candidates: &cands,
                    current,
                    transit_days: &transit[j],
                    days_to_clear: &times,
                };
                pc.choice[slot] = cands[self.policy.choose_port(sc, self.strategy, &options)];
            }
            if !prio {
                pc.choice[2 * fi as usize] = pc.choice[2 * fi as usize + 1];
            }
            pc.diverting[fi as usize] = pc.choice[2 * fi as usize] != f.destination
                || pc.choice[2 * fi as usize + 1] != f.destination;
        }
        self.ports = Some(pc);
    }

    /// Which member categories at `node`'s country ([`member_category`]: own programmes,
    /// partners' only, none) are in the priority class for carriers' estimates, as the
    /// policy says of a trader in all of the category's programmes
    /// ([`Policy::priority_class`]).
    fn priority_categories(&self, node: NodeId) -> [bool; 3] {
        let sc = self.scenario;
        let country = sc.nodes[node as usize].country;
        let own = sc.countries[country as usize].own_programmes;
        let partners = Members(sc.countries[country as usize].recognised_programmes.0 & !own.0);
        [own, partners, Members(0)]
            .map(|m| self.policy.priority_class(sc, self.strategy, m, country))
    }

    /// Expected customs time at `port` for a shipment of flow `f` if it clears there (an
    /// import whose first node in the country is `port`): inspected at the class rates and
    /// the alert level now, else document clearance; queues for inspectors not counted.
    pub(super) fn expected_customs(&self, f: &crate::scenario::Flow, port: NodeId) -> f64 {
        let sc = self.scenario;
        let node = &sc.nodes[port as usize];
        let Some(cu) = &node.customs else {
            return 0.0;
        };
        if sc.nodes[f.origin as usize].country == node.country {
            return 0.0;
        }
        let country = &sc.countries[node.country as usize];
        let level = self.status.alert_level[node.country as usize];
        let eff = country.alert_effects[(level - 1) as usize];
        let inspection = cu.inspection.mean() * eff.inspection_time;
        let routine = self.routine_programmes(node.country);
        let trusted = sc.trader_share(f, |m| m.any(routine));
        let class = |trusted: bool, clearance: f64| {
            let p = sc.inspection_probability(port, level, trusted);
            p * inspection + (1.0 - p) * clearance
        };
        trusted * class(true, cu.trusted_clearance.mean())
            + (1.0 - trusted) * class(false, cu.clearance.mean())
    }

    /// The port the carriers of flow `flow` send its priority (`priority_class`) or its
    /// ordinary cargo to now (the destination unless a review chose an alternate).
    pub fn port_choice(&self, flow: usize, priority_class: bool) -> NodeId {
        match &self.ports {
            Some(pc) => pc.choice[2 * flow + usize::from(!priority_class)],
            None => self.scenario.flows[flow].destination,
        }
    }
}
