//! `[[disruptions]]`: earthquakes, alerts, closures and revocations, their onsets,
//! targets and recovery.

use super::*;

/// Validates `[[disruptions]]`.
#[allow(clippy::too_many_arguments)]
pub(super) fn disruptions(
    ck: &mut Checker,
    raw: &ScenarioFile,
    nodes: &[Node],
    routes: &[Route],
    earliest: f64,
    country_ix: &HashMap<&str, usize>,
    node_ix: &HashMap<&str, usize>,
    route_ix: &HashMap<&str, usize>,
    prog_ix: &HashMap<&str, usize>,
) -> Vec<Disruption> {
    use crate::scenario::file::{Curve, DisruptionFile as D};
    let root = KeyPath::root().key("disruptions");
    let mut out = Vec::new();
    let mut ids: HashMap<String, usize> = HashMap::new();
    // Entry points per country, found once (on the first country closure).
    let mut entries: Option<HashMap<CountryId, Vec<NodeId>>> = None;
    for (i, d) in raw.disruptions.iter().enumerate() {
        let p = root.index(i);
        let (id, at, probability, kind) = match d {
            D::Earthquake {
                id,
                at,
                probability,
                ..
            } => (id, at, probability, "earthquake"),
            D::Alert {
                id,
                at,
                probability,
                ..
            } => (id, at, probability, "alert"),
            D::Closure {
                id,
                at,
                probability,
                ..
            } => (id, at, probability, "closure"),
            D::Revocation {
                id,
                at,
                probability,
                ..
            } => (id, at, probability, "revocation"),
        };
        let id = id.clone().unwrap_or_else(|| format!("{kind}-{}", i + 1));
        if let Some(first) = ids.insert(id.clone(), i) {
            ck.err(
                &p.key("id"),
                format!("duplicate disruption id `{id}` (first used by disruptions[{first}])"),
                None,
            );
        }
        let onset = ck.dist(&p.key("at"), at);
        if at.lower_bound() >= raw.scenario.horizon.0 {
            ck.err(
                &p.key("at"),
                format!(
                    "the onset (day {}) is not before the horizon (day {})",
                    at.lower_bound(),
                    raw.scenario.horizon.0
                ),
                None,
            );
        }
        if at.lower_bound() < earliest {
            ck.err(
                &p.key("at"),
                format!("the onset may come as early as day {}, before warmup + baseline_days = day {earliest}", at.lower_bound()),
                Some("measures need a baseline before the first onset: start it later, or shorten warmup or baseline_days".into()),
            );
        }
        let probability = probability.unwrap_or(1.0);
        if !(0.0..=1.0).contains(&probability) {
            ck.err(
                &p.key("probability"),
                format!("probability must be in [0, 1], found {probability}"),
                None,
            );
        }
        let duration = |ck: &mut Checker, key: &str, v: f64| {
            if !(v.is_finite() && v > 0.0) {
                ck.err(
                    &p.key(key),
                    format!("{key} must be a positive number of days, found {v}"),
                    None,
                );
            }
            v
        };
        let effect = match d {
            D::Earthquake {
                epicenter,
                magnitude,
                damage,
                attenuation,
                ..
            } => {
                if !(-90.0..=90.0).contains(&epicenter.lat)
                    || !(-180.0..=180.0).contains(&epicenter.lon)
                {
                    ck.err(
                        &p.key("epicenter"),
                        format!(
                            "epicenter must be a valid lat/lon, found ({}, {})",
                            epicenter.lat, epicenter.lon
                        ),
                        None,
                    );
                }
                if !(magnitude.is_finite() && *magnitude > 0.0 && *magnitude <= 10.0) {
                    ck.err(
                        &p.key("magnitude"),
                        format!("magnitude must be in (0, 10], found {magnitude}"),
                        None,
                    );
                }
                let dmg = if damage.is_empty() {
                    let a = attenuation
                        .clone()
                        .unwrap_or(crate::scenario::file::AttenuationFile {
                            threshold: None,
                            span: None,
                            noise_sd: None,
                            recovery_days: None,
                            closure_threshold: None,
                            closure_days: None,
                        });
                    let def = Attenuation::default();
                    let ap = p.key("attenuation");
                    let mut pos = |v: Option<f64>, dflt: f64, key: &str, zero_ok: bool| {
                        let v = v.unwrap_or(dflt);
                        if !(v.is_finite() && (v > 0.0 || (zero_ok && v == 0.0))) {
                            ck.err(
                                &ap.key(key),
                                format!(
                                    "{key} must be a number {} 0, found {v}",
                                    if zero_ok { "≥" } else { ">" }
                                ),
                                None,
                            );
                        }
                        v
                    };
                    Damage::Attenuation(Attenuation {
                        threshold: pos(a.threshold, def.threshold, "threshold", true),
                        span: pos(a.span, def.span, "span", false),
                        noise_sd: pos(a.noise_sd, def.noise_sd, "noise_sd", true),
                        recovery_days: pos(
                            a.recovery_days.map(|d| d.0),
                            def.recovery_days,
                            "recovery_days",
                            true,
                        ),
                        closure_threshold: pos(
                            a.closure_threshold,
                            def.closure_threshold,
                            "closure_threshold",
                            true,
                        ),
                        closure_days: pos(
                            a.closure_days.map(|d| d.0),
                            def.closure_days,
                            "closure_days",
                            true,
                        ),
                    })
                } else {
                    if attenuation.is_some() {
                        ck.err(&p.key("attenuation"), "give either `damage` (listed per node) or `attenuation` (derived), not both", None);
                    }
                    let mut listed = Vec::new();
                    for (j, nd) in damage.iter().enumerate() {
                        let dp = p.key("damage").index(j);
                        let node = ck.resolve(&dp.key("node"), "node", &nd.node, node_ix);
                        if !(0.0..=1.0).contains(&nd.capacity_loss) {
                            ck.err(
                                &dp.key("capacity_loss"),
                                format!(
                                    "capacity_loss is a share of capacity in [0, 1], found {}",
                                    nd.capacity_loss
                                ),
                                None,
                            );
                        }
                        let closed_for = nd.closed_for.map_or(0.0, |d| d.0);
                        if !(closed_for.is_finite() && closed_for >= 0.0) {
                            ck.err(
                                &dp.key("closed_for"),
                                format!("closed_for must be ≥ 0 days, found {closed_for}"),
                                None,
                            );
                        }
                        let recovery = match &nd.recovery {
                            None => Recovery::None,
                            Some(r) => {
                                let rp = dp.key("recovery");
                                match r.curve {
                                    Curve::Linear | Curve::Exponential => {
                                        let dur = match r.duration {
                                            Some(d) => duration(ck, "duration", d.0),
                                            None => {
                                                ck.err(&rp.key("curve"), format!("a {:?} recovery needs a `duration`", r.curve).to_lowercase(), Some("e.g. recovery = { curve = \"linear\", duration = \"90d\" }".into()));
                                                1.0
                                            }
                                        };
                                        if !r.steps.is_empty() {
                                            ck.err(
                                                &rp.key("steps"),
                                                "`steps` goes with curve = \"steps\" only",
                                                None,
                                            );
                                        }
                                        if r.curve == Curve::Linear {
                                            Recovery::Linear(dur)
                                        } else {
                                            Recovery::Exponential(dur)
                                        }
                                    }
                                    Curve::Steps => {
                                        if r.steps.is_empty() {
                                            ck.err(&rp.key("steps"), "a steps recovery needs a table of [day, share] pairs", Some("e.g. steps = [[20, 0.25], [81, 0.4], [356, 0.74]]".into()));
                                        }
                                        let mut prev = f64::NEG_INFINITY;
                                        for (k, (day, share)) in r.steps.iter().enumerate() {
                                            if day.0.partial_cmp(&prev)
                                                != Some(std::cmp::Ordering::Greater)
                                            {
                                                ck.err(&rp.key("steps").index(k), format!("steps must be sorted by day, strictly increasing: day {} comes after day {prev}", day.0), None);
                                            }
                                            if day.0 < 0.0 {
                                                ck.err(&rp.key("steps").index(k), format!("a step's day counts from the onset and must be ≥ 0, found {}", day.0), None);
                                            }
                                            if !(0.0..=1.0).contains(share) {
                                                ck.err(&rp.key("steps").index(k), format!("a step's share of capacity must be in [0, 1], found {share}"), None);
                                            }
                                            prev = day.0;
                                        }
                                        if r.duration.is_some() {
                                            ck.err(&rp.key("duration"), "`duration` goes with linear and exponential curves; steps give their own days", None);
                                        }
                                        Recovery::Steps(
                                            r.steps.iter().map(|(d, s)| (d.0, *s)).collect(),
                                        )
                                    }
                                }
                            }
                        };
                        if let Some(node) = node {
                            listed.push(NodeDamage {
                                node: node as NodeId,
                                capacity_loss: nd.capacity_loss,
                                closed_for,
                                recovery,
                            });
                        }
                    }
                    Damage::Listed(listed)
                };
                Effect::Earthquake {
                    epicenter: (epicenter.lat, epicenter.lon),
                    magnitude: *magnitude,
                    damage: dmg,
                }
            }
            D::Alert {
                country,
                level,
                duration: dur,
                ..
            } => {
                let c = ck
                    .resolve(&p.key("country"), "country", country, country_ix)
                    .unwrap_or(0);
                if !(1..=3).contains(level) {
                    ck.err(
                        &p.key("level"),
                        format!("alert level must be 1, 2 or 3, found {level}"),
                        None,
                    );
                }
                Effect::Alert {
                    country: c as CountryId,
                    level: (*level).clamp(1, 3),
                    duration: duration(ck, "duration", dur.0),
                }
            }
            D::Closure {
                nodes: ns,
                routes: rs,
                country,
                duration: dur,
                ..
            } => {
                let mut closed_nodes = Vec::new();
                for (j, n) in ns.iter().enumerate() {
                    if let Some(k) = ck.resolve(&p.key("nodes").index(j), "node", n, node_ix) {
                        closed_nodes.push(k as NodeId);
                    }
                }
                let mut closed_routes = Vec::new();
                for (j, r) in rs.iter().enumerate() {
                    if let Some(k) = ck.resolve(&p.key("routes").index(j), "route", r, route_ix) {
                        closed_routes.push(k as RouteId);
                    }
                }
                if let Some(c) = country
                    && let Some(ci) = ck.resolve(&p.key("country"), "country", c, country_ix)
                {
                    let entry = entries
                        .get_or_insert_with(|| entry_points(nodes, routes))
                        .get(&(ci as CountryId))
                        .cloned()
                        .unwrap_or_default();
                    if entry.is_empty() {
                        ck.err(&p.key("country"), format!("country `{c}` has no entry points (no route reaches it from abroad)"), None);
                    }
                    closed_nodes.extend(entry);
                }
                closed_nodes.sort_unstable();
                closed_nodes.dedup();
                if ns.is_empty() && rs.is_empty() && country.is_none() {
                    ck.err(&p, "a closure needs `nodes`, `routes` or `country`", None);
                }
                Effect::Closure {
                    nodes: closed_nodes,
                    routes: closed_routes,
                    duration: duration(ck, "duration", dur.0),
                }
            }
            D::Revocation {
                programme, share, ..
            } => {
                let k = ck
                    .resolve(&p.key("programme"), "programme", programme, prog_ix)
                    .unwrap_or(0);
                if !(0.0..=1.0).contains(share) {
                    ck.err(
                        &p.key("share"),
                        format!("share must be in [0, 1], found {share}"),
                        None,
                    );
                }
                Effect::Revocation {
                    programme: k as u32,
                    share: *share,
                }
            }
        };
        out.push(Disruption {
            id,
            onset,
            probability,
            effect,
        });
    }
    out
}

/// Every country's entry points: the nodes a route reaches from another country, sorted.
fn entry_points(nodes: &[Node], routes: &[Route]) -> HashMap<CountryId, Vec<NodeId>> {
    let mut entries: HashMap<CountryId, Vec<NodeId>> = HashMap::new();
    for r in routes {
        let to = nodes[r.to as usize].country;
        if nodes[r.from as usize].country != to {
            entries.entry(to).or_default().push(r.to);
        }
    }
    for e in entries.values_mut() {
        e.sort_unstable();
        e.dedup();
    }
    entries
}
