//! Disruptions: earthquakes, security alerts, closures and revocations (MODEL.md,
//! "Disruptions"), and how each is realised in a replication.
//!
//! A scenario's disruptions are validated into [`Disruption`]s. At the start of a
//! replication, [`realise`] draws from each disruption's own random stream whether it
//! happens, its onset and its damage, and turns it into a time-ordered list of
//! [`Change`]s to the network's state that the engine applies as events. Because the draws
//! come from (seed, replication, disruption), every strategy sees the same realisation.
//! `realise` reads the scenario through [`Ground`] (the disruptions, the horizon, the
//! nodes and routes they act on), which `Scenario` implements; so `disruption` imports
//! nothing of the scenario, and the scenario can hold its validated `Disruption`s.

use crate::distribution::Dist;
use crate::ids::{CountryId, NodeId, RouteId};
use crate::streams::{self, StreamKind};
use rand::RngExt;
use rand_distr::{Distribution, StandardNormal};

/// A validated disruption.
#[derive(Debug, Clone)]
pub struct Disruption {
    /// The scenario's name for it, used in reports and error messages.
    pub id: String,
    /// Onset, days from the start.
    pub onset: Dist,
    /// Chance it happens in a replication.
    pub probability: f64,
    /// What it does to the network when it happens.
    pub effect: Effect,
}

/// What a disruption does.
#[derive(Debug, Clone)]
pub enum Effect {
    /// Capacity lost at nodes, restored over time.
    Earthquake {
        /// Epicentre as (latitude, longitude), degrees.
        epicenter: (f64, f64),
        /// Moment magnitude, the input of the attenuation rule.
        magnitude: f64,
        /// Capacity lost per node, listed or derived from distance and magnitude.
        damage: Damage,
    },
    /// A country's alert level raised to `level` for `duration` days.
    Alert {
        /// The country whose alert level rises.
        country: CountryId,
        /// The alert level reached (its multipliers raise inspection rates and times).
        level: u8,
        /// Days the level lasts after the onset.
        duration: f64,
    },
    /// Nodes and routes closed for `duration` days.
    Closure {
        /// Nodes closed (a country's closure lists its entry points).
        nodes: Vec<NodeId>,
        /// Routes closed; shipments on them wait or are rerouted.
        routes: Vec<RouteId>,
        /// Days the closure lasts after the onset.
        duration: f64,
    },
    /// A share of a programme's members (programme index) lose status.
    Revocation {
        /// Index of the programme whose members lose status.
        programme: u32,
        /// Share of its members (0–1) who lose status.
        share: f64,
    },
}

/// An earthquake's damage: listed per node, or derived by the attenuation rule.
#[derive(Debug, Clone)]
pub enum Damage {
    /// Damage given node by node in the scenario.
    Listed(Vec<NodeDamage>),
    /// Damage drawn per replication from distance to the epicentre and magnitude.
    Attenuation(Attenuation),
}

/// Damage at one node.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeDamage {
    /// The damaged node.
    pub node: NodeId,
    /// Share of servers lost at the onset.
    pub capacity_loss: f64,
    /// Days fully closed after the onset.
    pub closed_for: f64,
    /// How the lost capacity comes back after the closure.
    pub recovery: Recovery,
}

/// How capacity returns after `closed_for`.
#[derive(Debug, Clone, PartialEq)]
pub enum Recovery {
    /// The loss lasts to the horizon.
    None,
    /// Linear to full capacity over the days given.
    Linear(f64),
    /// 1 − loss·e^(−3t/D): 95% back after D days, then full.
    Exponential(f64),
    /// (days after onset, share of capacity), sorted by day.
    Steps(Vec<(f64, f64)>),
}

/// Parameters of the attenuation rule (docs/model.md).
#[derive(Debug, Clone, PartialEq)]
pub struct Attenuation {
    /// Shaking intensity below which a node loses no capacity.
    pub threshold: f64,
    /// Intensity above `threshold` at which the median loss reaches all capacity.
    pub span: f64,
    /// Standard deviation of the log of the random factor on each node's loss.
    pub noise_sd: f64,
    /// Days of linear recovery for a total loss (scaled by the share lost).
    pub recovery_days: f64,
    /// Share lost (0–1) from which the node is also fully closed for a while.
    pub closure_threshold: f64,
    /// Days closed for a total loss (scaled by the share lost), past the threshold.
    pub closure_days: f64,
}

impl Default for Attenuation {
    fn default() -> Self {
        Attenuation {
            threshold: 5.5,
            span: 2.5,
            noise_sd: 0.3,
            recovery_days: 365.0,
            closure_threshold: 0.5,
            closure_days: 30.0,
        }
    }
}

impl Attenuation {
    /// Shaking intensity at `km` from the epicentre of a magnitude-`m` quake.
    pub fn intensity(m: f64, km: f64) -> f64 {
        1.5 * m - 3.0 * (km + 10.0).log10()
    }

    /// Capacity lost at `km` before the random factor.
    pub fn median_loss(&self, m: f64, km: f64) -> f64 {
        ((Self::intensity(m, km) - self.threshold) / self.span).clamp(0.0, 1.0)
    }

    /// Radius (km) inside which some capacity is lost (the footprint on maps).
    pub fn footprint_km(&self, m: f64) -> f64 {
        (10f64.powf((1.5 * m - self.threshold) / 3.0) - 10.0).max(0.0)
    }
}

/// Great-circle distance in km.
pub fn haversine_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (la1, lo1, la2, lo2) = (
        a.0.to_radians(),
        a.1.to_radians(),
        b.0.to_radians(),
        b.1.to_radians(),
    );
    let h = ((la2 - la1) / 2.0).sin().powi(2)
        + la1.cos() * la2.cos() * ((lo2 - lo1) / 2.0).sin().powi(2);
    2.0 * 6371.0 * h.sqrt().asin()
}

/// A change to the network's state at an instant.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Change {
    /// Disruption `slot` now allows `share` of `node`'s servers (1 = no longer limits).
    NodeShare {
        /// The node whose servers are limited.
        node: NodeId,
        /// Index of the disruption in the scenario; each keeps its own limit on the node.
        slot: u32,
        /// Share of the node's servers (0–1) this disruption allows.
        share: f64,
    },
    /// A route closes (`closed`) or reopens.
    Route {
        /// The route that closes or reopens.
        route: RouteId,
        /// True when it closes, false when it reopens.
        closed: bool,
    },
    /// Disruption `slot` raises `country` to `level`, or (None) lifts its alert.
    Alert {
        /// The country whose alert level changes.
        country: CountryId,
        /// Index of the disruption in the scenario; the highest level raised holds.
        slot: u32,
        /// The level this disruption raises it to, or None when it lifts.
        level: Option<u8>,
    },
    /// A node becomes (or stops being) disruption-affected.
    Affect {
        /// The node whose disruption-affected status changes.
        node: NodeId,
        /// True while affected (strategies' knobs apply there), false after.
        on: bool,
    },
}

/// A revocation as it happens in a replication.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Revoked {
    /// Programme index.
    pub programme: u32,
    /// Share of the programme's members (0–1) who lose status.
    pub share: f64,
    /// When the status is lost, days from the start.
    pub time: f64,
}

/// Disruptions as they happen in one replication.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Realisation {
    /// Onset of each disruption, None if it did not happen.
    pub onsets: Vec<Option<f64>>,
    /// State changes, in order of time (ties in list order).
    pub changes: Vec<(f64, Change)>,
    /// Revocations that happen, in the order of the scenario's disruptions.
    pub revocations: Vec<Revoked>,
    /// Capacity lost at each node at the first onset of an earthquake (for maps).
    pub damage_at_onset: Vec<f64>,
}

impl Realisation {
    /// The earliest onset, if any disruption happened.
    pub fn first_onset(&self) -> Option<f64> {
        self.onsets.iter().flatten().copied().reduce(f64::min)
    }
}

/// What a realisation reads of the scenario it happens in: its disruptions, its horizon,
/// and the nodes and routes they act on. `scenario::Scenario` implements it.
pub trait Ground {
    /// The validated disruptions, in the scenario's order (slot = index).
    fn disruptions(&self) -> &[Disruption];
    /// The run's horizon, days: a disruption drawn at or after it does not happen.
    fn horizon(&self) -> f64;
    /// Number of nodes (ids `0..nodes()`).
    fn nodes(&self) -> usize;
    /// A node's (latitude, longitude), degrees: the attenuation rule's distance.
    fn position(&self, node: NodeId) -> (f64, f64);
    /// A node's handling servers in normal operation: damage comes back in whole servers.
    fn servers(&self, node: NodeId) -> u32;
    /// A node's country: an alert affects the country's nodes.
    fn country(&self, node: NodeId) -> CountryId;
    /// A route's origin node: a route closure affects it.
    fn route_origin(&self, route: RouteId) -> NodeId;
}

/// Draws replication `replication`'s disruptions in `scenario` (a `Scenario`).
pub fn realise(scenario: &impl Ground, replication: u64, seed: u64) -> Realisation {
    let mut out = Realisation {
        onsets: Vec::with_capacity(scenario.disruptions().len()),
        damage_at_onset: vec![0.0; scenario.nodes()],
        ..Realisation::default()
    };
    for (slot, d) in scenario.disruptions().iter().enumerate() {
        let mut rng = streams::stream(seed, replication, StreamKind::Disruption, slot as u64);
        // Always draw in the same order so that one disruption's draws never shift another's.
        let u: f64 = rng.random();
        let at = d.onset.sample(&mut rng);
        // Not happening in this replication, or not before the horizon.
        if u >= d.probability || at >= scenario.horizon() {
            out.onsets.push(None);
            continue;
        }
        out.onsets.push(Some(at));
        let slot = slot as u32;
        match &d.effect {
            Effect::Earthquake {
                epicenter,
                magnitude,
                damage,
            } => {
                let listed: Vec<NodeDamage> = match damage {
                    Damage::Listed(v) => v.clone(),
                    Damage::Attenuation(a) => (0..scenario.nodes())
                        .filter_map(|i| {
                            let z: f64 = StandardNormal.sample(&mut rng);
                            let position = scenario.position(i as NodeId);
                            let base =
                                a.median_loss(*magnitude, haversine_km(*epicenter, position));
                            if base <= 0.0 {
                                return None;
                            }
                            let loss = (base * (a.noise_sd * z).exp()).min(1.0);
                            Some(NodeDamage {
                                node: i as NodeId,
                                capacity_loss: loss,
                                closed_for: if loss >= a.closure_threshold {
                                    a.closure_days * loss
                                } else {
                                    0.0
                                },
                                recovery: Recovery::Linear(a.recovery_days * loss),
                            })
                        })
                        .collect(),
                };
                for nd in &listed {
                    out.damage_at_onset[nd.node as usize] =
                        out.damage_at_onset[nd.node as usize].max(nd.capacity_loss);
                    node_schedule(&mut out.changes, at, slot, scenario.servers(nd.node), nd);
                }
            }
            Effect::Alert {
                country,
                level,
                duration,
            } => {
                out.changes.push((
                    at,
                    Change::Alert {
                        country: *country,
                        slot,
                        level: Some(*level),
                    },
                ));
                out.changes.push((
                    at + duration,
                    Change::Alert {
                        country: *country,
                        slot,
                        level: None,
                    },
                ));
                for i in 0..scenario.nodes() {
                    if scenario.country(i as NodeId) == *country {
                        out.changes.push((
                            at,
                            Change::Affect {
                                node: i as NodeId,
                                on: true,
                            },
                        ));
                        out.changes.push((
                            at + duration,
                            Change::Affect {
                                node: i as NodeId,
                                on: false,
                            },
                        ));
                    }
                }
            }
            Effect::Closure {
                nodes,
                routes,
                duration,
            } => {
                let end = at + duration;
                for &n in nodes {
                    out.changes.push((at, Change::Affect { node: n, on: true }));
                    out.changes.push((
                        at,
                        Change::NodeShare {
                            node: n,
                            slot,
                            share: 0.0,
                        },
                    ));
                    out.changes.push((
                        end,
                        Change::NodeShare {
                            node: n,
                            slot,
                            share: 1.0,
                        },
                    ));
                    out.changes
                        .push((end, Change::Affect { node: n, on: false }));
                }
                for &r in routes {
                    let from = scenario.route_origin(r);
                    out.changes.push((
                        at,
                        Change::Affect {
                            node: from,
                            on: true,
                        },
                    ));
                    out.changes.push((
                        at,
                        Change::Route {
                            route: r,
                            closed: true,
                        },
                    ));
                    out.changes.push((
                        end,
                        Change::Route {
                            route: r,
                            closed: false,
                        },
                    ));
                    out.changes.push((
                        end,
                        Change::Affect {
                            node: from,
                            on: false,
                        },
                    ));
                }
            }
            Effect::Revocation { programme, share } => out.revocations.push(Revoked {
                programme: *programme,
                share: *share,
                time: at,
            }),
        }
    }
    // Stable: simultaneous changes keep the order they were listed in.
    out.changes.sort_by(|a, b| a.0.total_cmp(&b.0));
    out
}

/// Capacity changes at one damaged node: closed, then back in whole servers.
fn node_schedule(
    changes: &mut Vec<(f64, Change)>,
    at: f64,
    slot: u32,
    servers: u32,
    d: &NodeDamage,
) {
    let node = d.node;
    let loss = d.capacity_loss.clamp(0.0, 1.0);
    let share = |s: f64| Change::NodeShare {
        node,
        slot,
        share: s,
    };
    changes.push((at, Change::Affect { node, on: true }));
    let t1 = at + d.closed_for;
    if d.closed_for > 0.0 {
        changes.push((at, share(0.0)));
    }
    changes.push((t1, share(1.0 - loss)));
    let s = servers as f64;
    let full = match &d.recovery {
        Recovery::None => None,
        Recovery::Linear(dur) => {
            // Each whole server returns when the linear share reaches k/servers.
            for k in ((1.0 - loss) * s).floor() as u32 + 1..servers {
                let x = (k as f64 / s - (1.0 - loss)) / loss.max(f64::MIN_POSITIVE);
                changes.push((t1 + x * dur, share(k as f64 / s)));
            }
            Some(t1 + dur)
        }
        Recovery::Exponential(dur) => {
            for k in ((1.0 - loss) * s).floor() as u32 + 1..servers {
                let x = (-dur / 3.0) * ((1.0 - k as f64 / s) / loss.max(f64::MIN_POSITIVE)).ln();
                if x < *dur {
                    changes.push((t1 + x.max(0.0), share(k as f64 / s)));
                }
            }
            Some(t1 + dur)
        }
        Recovery::Steps(steps) => {
            let mut full = None;
            for &(day, sh) in steps {
                let t = (at + day).max(t1);
                changes.push((t, share(sh.min(1.0))));
                full = if sh >= 1.0 { Some(t) } else { None };
            }
            full
        }
    };
    if let Some(t) = full {
        changes.push((t, share(1.0)));
        changes.push((t, Change::Affect { node, on: false }));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_and_attenuation() {
        // Tokyo to Los Angeles ≈ 8,800 km.
        let d = haversine_km((35.62, 139.79), (33.74, -118.27));
        assert!((d - 8_800.0).abs() < 150.0, "{d}");
        let a = Attenuation::default();
        // M9 at Sendai (≈ 130 km) loses much; at Kobe (≈ 700 km) nothing.
        assert!(a.median_loss(9.0, 130.0) > 0.5);
        assert_eq!(a.median_loss(9.0, 700.0), 0.0);
        let r = a.footprint_km(9.0);
        assert!((Attenuation::intensity(9.0, r) - a.threshold).abs() < 1e-9);
    }

    #[test]
    fn linear_recovery_returns_whole_servers() {
        let mut ch = Vec::new();
        let d = NodeDamage {
            node: 0,
            capacity_loss: 0.5,
            closed_for: 2.0,
            recovery: Recovery::Linear(10.0),
        };
        node_schedule(&mut ch, 100.0, 0, 4, &d);
        let shares: Vec<(f64, f64)> = ch
            .iter()
            .filter_map(|&(t, c)| match c {
                Change::NodeShare { share, .. } => Some((t, share)),
                _ => None,
            })
            .collect();
        // Closed at 100, half at 102, 3/4 at 107, full at 112.
        assert_eq!(
            shares,
            vec![(100.0, 0.0), (102.0, 0.5), (107.0, 0.75), (112.0, 1.0)]
        );
    }
}
