//! `[[flows]]`: origin–destination demand, its traders, path, alternates and shippers'
//! response; then the flows' substitutes and the demand the engine can hold.

use super::programmes::members_of;
use super::response::shipper_response;
use super::*;

/// True if `to` can be reached from `from` with every route open (the routing table to
/// `to` is computed on first use and kept).
pub(super) fn reaches(
    network: &Network,
    routing: &mut [Option<RoutingTable>],
    from: usize,
    to: usize,
) -> bool {
    routing[to]
        .get_or_insert_with(|| network.routing_to(to as NodeId, |_| true))
        .distance[from]
        .is_finite()
}

/// Checks `[[flows]]` (but their substitutes, which need every flow: [`substitutes`]).
#[allow(clippy::too_many_arguments)]
pub(super) fn flows(
    ck: &mut Checker,
    raw: &ScenarioFile,
    node_ix: &HashMap<&str, usize>,
    prog_ix: &HashMap<&str, usize>,
    nodes: &[Node],
    routes: &[Route],
    network: &Network,
    routing: &mut [Option<RoutingTable>],
) -> Vec<Flow> {
    let root = KeyPath::root();
    // [[flows]]
    if raw.flows.is_empty() {
        ck.err(
            &root.key("flows"),
            "a scenario needs at least one flow",
            None,
        );
    }
    unique(ck, "flows", raw.flows.iter().map(|f| f.id.as_str()));
    let mut flows = Vec::new();
    for (i, f) in raw.flows.iter().enumerate() {
        let fp = root.key("flows").index(i);
        let origin = ck.resolve(&fp.key("origin"), "node", &f.origin, node_ix);
        let destination = ck.resolve(&fp.key("destination"), "node", &f.destination, node_ix);
        ck.positive(&fp.key("rate_per_day"), f.rate_per_day, "rate_per_day");
        let weekly_profile = f.weekly_profile.as_ref().and_then(|w| {
            if w.len() != 7 || w.iter().any(|x| !(x.is_finite() && *x >= 0.0)) || w.iter().sum::<f64>() <= 0.0 {
                ck.err(&fp.key("weekly_profile"), format!("weekly_profile needs 7 multipliers ≥ 0 (Monday first), not all 0; found {} values", w.len()), None);
                None
            } else {
                let mut a = [0.0; 7];
                a.copy_from_slice(w);
                Some(a)
            }
        });
        let value = match &f.value {
            Some(d) => ck.dist(&fp.key("value"), d),
            None => Dist::fixed(0.0),
        };
        let mut traders = Vec::new();
        let mut cum = 0.0;
        for (j, t) in f.traders.iter().enumerate() {
            let tp = fp.key("traders").index(j);
            if !(t.share > 0.0 && t.share <= 1.0) {
                ck.err(
                    &tp.key("share"),
                    format!("a share must be in (0, 1], found {}", t.share),
                    None,
                );
            }
            cum += t.share;
            let m = members_of(ck, &tp.key("programmes"), &t.programmes, prog_ix);
            traders.push((cum, m));
        }
        if cum > 1.0 + 1e-9 {
            ck.err(&fp.key("traders"), format!("trader shares sum to {cum}, more than 1"), Some("the shares are fractions of the flow's shipments; what is left over belongs to no programme".into()));
        }
        let (Some(o), Some(d)) = (origin, destination) else {
            continue;
        };
        let path = match &f.path {
            Some(ids) => {
                let pp = fp.key("path");
                let mut nodes_on = Vec::new();
                for (j, id) in ids.iter().enumerate() {
                    if let Some(k) = ck.resolve(&pp.index(j), "node", id, node_ix) {
                        nodes_on.push(k);
                    }
                }
                if nodes_on.len() != ids.len() {
                    None
                } else if nodes_on.first() != Some(&o) || nodes_on.last() != Some(&d) {
                    ck.err(
                        &pp,
                        format!(
                            "a path must start at the origin `{}` and end at the destination `{}`",
                            f.origin, f.destination
                        ),
                        None,
                    );
                    None
                } else {
                    let mut rs = Vec::new();
                    for (j, w) in nodes_on.windows(2).enumerate() {
                        // The quickest of the routes joining the two nodes.
                        let best = network
                            .routes_from(w[0] as NodeId)
                            .filter(|&r| routes[r as usize].to == w[1] as NodeId)
                            .min_by(|&a, &b| {
                                routes[a as usize]
                                    .transit
                                    .mean()
                                    .total_cmp(&routes[b as usize].transit.mean())
                                    .then(a.cmp(&b))
                            });
                        match best {
                            Some(r) => rs.push(r),
                            None => ck.err(
                                &pp.index(j + 1),
                                format!("no route from `{}` to `{}`", ids[j], ids[j + 1]),
                                Some("add a [[routes]] entry or change the path".into()),
                            ),
                        }
                    }
                    Some(rs)
                }
            }
            None => {
                if !reaches(network, routing, o, d) {
                    ck.err(
                        &fp.key("destination"),
                        format!("destination `{}` cannot be reached from origin `{}` over the routes given", f.destination, f.origin),
                        Some("add a route (or a chain of routes) between them".into()),
                    );
                }
                None
            }
        };
        let mut alternates = Vec::new();
        for (j, a) in f.alternates.iter().enumerate() {
            let ap = fp.key("alternates").index(j);
            if let Some(k) = ck.resolve(&ap, "node", a, node_ix) {
                if k == d {
                    ck.err(
                        &ap,
                        format!("`{a}` is the flow's destination; alternates are other ports"),
                        None,
                    );
                } else if nodes[k].country != nodes[d].country {
                    ck.err(
                        &ap,
                        format!(
                            "alternate `{a}` is in another country than the destination `{}`: cargo delivered there would not reach its market",
                            f.destination
                        ),
                        Some("name ports of the destination's country".into()),
                    );
                } else if !reaches(network, routing, o, k) {
                    ck.err(
                        &ap,
                        format!(
                            "alternate `{a}` cannot be reached from origin `{}`",
                            f.origin
                        ),
                        None,
                    );
                } else if f.path.is_some() {
                    ck.err(&ap, "a flow with an explicit `path` cannot be diverted; drop `path` or `alternates`", None);
                } else {
                    alternates.push(k as NodeId);
                }
            }
        }
        let response = shipper_response(
            ck,
            &fp.key("response"),
            f.response.as_ref(),
            raw.response.as_ref(),
        );
        flows.push(Flow {
            id: f.id.clone(),
            alternates,
            substitutes: Vec::new(),
            response,
            origin: o as NodeId,
            destination: d as NodeId,
            rate_per_day: f.rate_per_day,
            weekly_profile,
            value,
            path,
            traders,
        });
    }
    flows
}

/// Checks and sets each flow's `substitutes`, once every flow is known: same destination
/// country, origin reachable.
pub(super) fn substitutes(
    ck: &mut Checker,
    raw: &ScenarioFile,
    flows: &mut [Flow],
    nodes: &[Node],
    network: &Network,
    routing: &mut [Option<RoutingTable>],
) {
    let root = KeyPath::root();
    let flow_ix: HashMap<&str, usize> = flows
        .iter()
        .enumerate()
        .map(|(k, f)| (f.id.as_str(), k))
        .collect();
    let mut substitutes = vec![Vec::new(); flows.len()];
    for (i, f) in raw.flows.iter().enumerate() {
        let Some(&k) = flow_ix.get(f.id.as_str()) else {
            continue;
        };
        for (j, id) in f.substitutes.iter().enumerate() {
            let sp = root.key("flows").index(i).key("substitutes").index(j);
            let Some(t) = ck.resolve(&sp, "flow", id, &flow_ix) else {
                continue;
            };
            let (this, sub) = (&flows[k], &flows[t]);
            let country = |n: NodeId| nodes[n as usize].country;
            if t == k {
                ck.err(
                    &sp,
                    format!("flow `{id}` cannot be its own substitute"),
                    None,
                );
            } else if country(sub.destination) != country(this.destination) {
                ck.err(
                    &sp,
                    format!(
                        "substitute `{id}` goes to another country than `{}`: shifted cargo would not reach its market",
                        f.id
                    ),
                    Some("name flows to the same destination country".into()),
                );
            } else {
                let (o, so) = (this.origin as usize, sub.origin as usize);
                let land = if o == so {
                    0.0
                } else {
                    routing[so]
                        .get_or_insert_with(|| network.routing_to(so as NodeId, |_| true))
                        .distance[o]
                };
                if land.is_finite() {
                    substitutes[k].push((t as u32, land));
                } else {
                    ck.err(
                        &sp,
                        format!(
                            "the origin `{}` of substitute `{id}` cannot be reached from `{}` over the routes given",
                            nodes[so].id, f.origin
                        ),
                        Some("add a road or rail route between the two origins (the land leg)".into()),
                    );
                }
            }
        }
    }
    for (f, s) in flows.iter_mut().zip(substitutes) {
        f.substitutes = s;
    }
}

/// Checks that the flows create no more shipments in a replication than the engine can
/// hold.
pub(super) fn demand(ck: &mut Checker, flows: &[Flow], horizon: f64) {
    let root = KeyPath::root();
    // Demand the engine can hold: a free handling time (`service = 0`) escapes the
    // stability check, but not this.
    let shipments: f64 = flows
        .iter()
        .map(|f| {
            f.rate_per_day
                * f.weekly_profile
                    .map_or(1.0, |w| w.iter().sum::<f64>() / 7.0)
        })
        .sum::<f64>()
        * horizon;
    if shipments > MAX_SHIPMENTS && horizon <= MAX_HORIZON_DAYS {
        ck.err(
            &root.key("flows"),
            format!(
                "the flows would create about {shipments:.3e} shipments in a replication of {horizon} days; at most {MAX_SHIPMENTS:.0e} can be simulated"
            ),
            Some("lower rate_per_day or the horizon".into()),
        );
    }
}
