//! Customs: the assessment of an import (risk score or inspection rates, the strategy's
//! treatment asked of the policy), inspection by a team or document clearance.

use super::ports::member_category;
use super::*;

/// Customs decisions in the measurement window, by the trader's category at the customs
/// country ([`member_category`]: own programme, partner programme only, neither).
#[derive(Debug, Clone, Default)]
pub(super) struct Assessments {
    pub(super) decided: [u64; 3],
    pub(super) inspected: [u64; 3],
    /// Non-compliant shipments assessed (risk-based targeting only), and those inspected.
    pub(super) non_compliant: u64,
    pub(super) detected: u64,
    /// Departures screened by the origin's customs for a destination on alert.
    pub(super) screened: u64,
    /// Shipments assessed as trusted although a revocation that has taken effect (known
    /// there or not yet) removed the membership that made them so (MRA III.E).
    pub(super) exposure: u64,
}

impl<P: Policy> Simulation<'_, P> {
    pub(super) fn enter_customs(&mut self, e: ShipmentId, node: NodeId) {
        let sc = self.scenario;
        let now = self.now;
        let n = &sc.nodes[node as usize];
        let customs = n.customs.as_ref().expect("customs node");
        let country = &sc.countries[n.country as usize];
        let level = self.status.alert_level[n.country as usize];
        let effect = country.alert_effects[(level - 1) as usize];
        let (raw, revoke_draw) = {
            let s = self.shipments.get(e).expect("live shipment");
            (s.members, s.revoke_draw)
        };
        let joining = self.joining(node, raw, revoke_draw);
        let members = joining.members;
        // Routine risk assessment recognises the arrangements' partners while they are in
        // force (MRA III.B).
        let routine = self.routine_programmes(n.country);
        let routine_trusted = members.any(routine);
        // The trader's category, in the measurement window only.
        let category = (now >= sc.warmup).then(|| member_category(sc, raw, node));
        if let Some(k) = category {
            self.assessments.decided[k] += 1;
            if routine_trusted && !self.true_members(raw, revoke_draw).any(routine) {
                self.assessments.exposure += 1;
            }
        }
        let (screened, origin) = {
            let s = self.shipments.get(e).expect("live shipment");
            (
                s.screened,
                sc.nodes[sc.flows[s.flow as usize].origin as usize].country,
            )
        };
        // The strategy's treatment: the inspection lane; assessed at the normal (level 1)
        // rate (alert relief, or the partner's screening recognised); documents pre-lodged.
        let treatment = self.policy.customs(sc, self.strategy, &joining, screened);
        let relief = treatment.relief;
        let resumption = treatment.prelodged;
        let priority = treatment.lane.is_priority();
        let assessed_level = if relief { 1 } else { level };
        let sharpened = self
            .policy
            .sharpens_risk(sc, self.strategy, origin, n.country);
        let (inspect, clearance, non_compliant) = {
            let s = self.shipment_mut(e);
            let (inspect, non_compliant) = match &country.targeting {
                Some(t) => {
                    let member = raw.0 != 0;
                    let bad = s.rng.random::<f64>() < t.non_compliant[usize::from(!member)];
                    let z: f64 = s.rng.sample(rand_distr::StandardNormal);
                    let noise = if sharpened { t.noise_shared } else { t.noise };
                    let score = t.mean(origin, routine_trusted, bad) + noise * z;
                    (score > t.thresholds[(assessed_level - 1) as usize], bad)
                }
                None => {
                    let base = if routine_trusted {
                        customs.rate_trusted
                    } else {
                        customs.rate_ordinary
                    };
                    let rate = if relief {
                        base
                    } else {
                        (base * effect.inspection_rate).min(1.0)
                    };
                    (s.rng.random::<f64>() < rate, false)
                }
            };
            let clearance = if inspect || resumption {
                0.0
            } else if routine_trusted {
                customs.trusted_clearance.sample(&mut s.rng)
            } else {
                customs.clearance.sample(&mut s.rng)
            };
            s.stage = if inspect {
                Stage::AwaitingInspection(node)
            } else {
                Stage::Clearance(node)
            };
            (inspect, clearance, non_compliant)
        };
        if category.is_some() && non_compliant {
            self.assessments.non_compliant += 1;
            self.assessments.detected += u64::from(inspect);
        }
        let post = self.net.customs_mut(node);
        post.advance(now);
        post.in_customs += 1;
        post.decided += 1;
        if inspect {
            post.inspected += 1;
            if let Some(k) = category {
                self.assessments.inspected[k] += 1;
            }
            let post = self.net.customs_mut(node);
            if post.inspectors.arrive(now, e, priority) {
                self.start_inspection(e, node);
            }
        } else {
            post.clearing += 1;
            self.calendar
                .schedule(now + clearance, Event::ClearanceDone { shipment: e });
        }
    }

    pub(super) fn start_inspection(&mut self, e: ShipmentId, node: NodeId) {
        let sc = self.scenario;
        let n = &sc.nodes[node as usize];
        let level = self.status.alert_level[n.country as usize];
        let mult =
            sc.countries[n.country as usize].alert_effects[(level - 1) as usize].inspection_time;
        let customs = n.customs.as_ref().expect("customs node");
        let s = self.shipment_mut(e);
        s.stage = Stage::Inspection(node);
        let t = customs.inspection.sample(&mut s.rng) * mult;
        self.calendar
            .schedule(self.now + t, Event::InspectionDone { shipment: e });
    }

    pub(super) fn on_inspection_done(&mut self, node: NodeId, e: ShipmentId) {
        let now = self.now;
        let next = {
            let post = self.net.customs_mut(node);
            post.advance(now);
            post.in_customs -= 1;
            post.inspectors.finish(now)
        };
        if let Some(x) = next {
            self.start_inspection(x, node);
        }
        self.check_drained(node);
        self.leave_node(e, node);
    }

    pub(super) fn on_clearance_done(&mut self, node: NodeId, e: ShipmentId) {
        let now = self.now;
        let post = self.net.customs_mut(node);
        post.advance(now);
        post.in_customs -= 1;
        post.clearing -= 1;
        self.leave_node(e, node);
    }
}
