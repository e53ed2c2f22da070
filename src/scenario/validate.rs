//! Raw file → validated [`Scenario`]: references, ranges, reachability and stability.
//! All errors found are reported together, each pointing at its key.
//!
//! How the pieces meet: [`validate`] calls one function per section of the file, in the
//! file's order (`settings` for `[scenario]`, then `countries`, `programmes` and
//! arrangements, `nodes`, `routes`, `flows` with `response`, `strategies`,
//! `disruptions`), each recording its errors on the shared [`Checker`] and giving back
//! the section's validated values and id index for the sections after it; then it
//! builds the [`Scenario`] and checks its stability.

use super::error::{Format, KeyPath, Locator, ScenarioError, did_you_mean};
use super::file::{ResponseFile, ScenarioFile};
use super::*;
use crate::disruption::{Attenuation, Damage, Disruption, Effect, NodeDamage, Recovery};
use crate::distribution::{Dist, DistSpec};
use crate::strategy::Strategy;
use std::collections::{HashMap, HashSet};

mod countries;
mod disruptions;
mod flows;
mod nodes;
mod programmes;
mod response;
mod routes;
mod settings;
mod strategies;
mod targeting;

/// Errors listed in full (position, snippet, suggestion). Past this many, further errors
/// are only counted, so a file with thousands of mistakes costs no more to check than a
/// good one; a last entry gives the total.
pub const MAX_LISTED_ERRORS: usize = 100;

/// The longest horizon, days (274 years): a replication keeps daily series per node and
/// scope, so a horizon of 10¹⁵ days would exhaust memory before the first event.
pub const MAX_HORIZON_DAYS: f64 = 100_000.0;
/// The most servers or inspectors at one node (damage and recovery act server by server).
pub const MAX_SERVERS: u32 = 100_000;
/// The most shipments one replication may be expected to create (Σ rate × horizon).
pub const MAX_SHIPMENTS: f64 = 1e8;
/// Most replications per strategy in one run (10⁷: ten times the largest studies MODEL.md
/// names; more would run for months and keep a checkpoint of gigabytes).
pub const MAX_REPLICATIONS: u64 = 10_000_000;

/// The document being validated: its file's name, and where its keys were written (one
/// text, or the files of a composed scenario), for locating errors.
pub(super) struct Source<'a> {
    pub file: &'a str,
    pub locator: Locator<'a>,
}

struct Checker<'a> {
    file: &'a str,
    /// Parses the document once, on the first error, for every error's position.
    locator: Locator<'a>,
    errors: Vec<ScenarioError>,
    /// Errors found after [`MAX_LISTED_ERRORS`], counted only.
    omitted: usize,
}

impl<'a> Checker<'a> {
    fn new(src: Source<'a>) -> Self {
        Checker {
            file: src.file,
            locator: src.locator,
            errors: Vec::new(),
            omitted: 0,
        }
    }

    /// True once [`MAX_LISTED_ERRORS`] errors are listed: later ones are only counted.
    fn full(&self) -> bool {
        self.errors.len() >= MAX_LISTED_ERRORS
    }

    /// True if any error was found.
    fn failed(&self) -> bool {
        !self.errors.is_empty()
    }

    fn err(&mut self, path: &KeyPath, message: impl Into<String>, help: Option<String>) {
        if self.full() {
            self.omitted += 1;
            return;
        }
        let e = self.locator.error(path, message, help);
        self.errors.push(e);
    }

    /// The errors found, with a last entry counting those not listed.
    fn into_errors(mut self) -> ScenarioErrors {
        if self.omitted > 0 {
            let total = self.errors.len() + self.omitted;
            self.errors.push(ScenarioError::summary(
                self.file,
                format!(
                    "{} more problems are not listed ({total} in all; the first {} are above): fix those and validate again",
                    self.omitted,
                    self.errors.len()
                ),
            ));
        }
        ScenarioErrors(self.errors)
    }

    /// Resolves an id among `names`, or records "no such X" with a suggestion.
    fn resolve(
        &mut self,
        path: &KeyPath,
        what: &str,
        id: &str,
        index: &HashMap<&str, usize>,
    ) -> Option<usize> {
        if let Some(&i) = index.get(id) {
            return Some(i);
        }
        if self.full() {
            self.omitted += 1;
            return None;
        }
        let help = match did_you_mean(id, index.keys().copied()) {
            Some(s) => Some(format!("did you mean `{s}`?")),
            None if index.is_empty() => Some(format!("this scenario defines no {what}s")),
            None => {
                let mut known: Vec<&str> = index.keys().copied().collect();
                known.sort_unstable();
                let more = known.len().saturating_sub(12);
                known.truncate(12);
                let list = known
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                Some(if more > 0 {
                    format!("known {what}s: {list} and {more} more")
                } else {
                    format!("known {what}s: {list}")
                })
            }
        };
        self.err(path, format!("no {what} `{id}`"), help);
        None
    }

    fn dist(&mut self, path: &KeyPath, spec: &DistSpec) -> Dist {
        match spec.build() {
            Ok(d) => d,
            Err(e) => {
                self.err(path, format!("bad {} distribution: {e}", spec.name()), None);
                Dist::fixed(0.0)
            }
        }
    }

    fn positive(&mut self, path: &KeyPath, v: f64, what: &str) -> f64 {
        if !(v.is_finite() && v > 0.0) {
            self.err(
                path,
                format!("{what} must be a number > 0, found {v}"),
                None,
            );
        }
        v
    }
}

/// The index of a section's ids; an empty or repeated id is an error.
fn unique<'a>(
    ck: &mut Checker,
    section: &str,
    ids: impl Iterator<Item = &'a str>,
) -> HashMap<&'a str, usize> {
    let mut map = HashMap::new();
    for (i, id) in ids.enumerate() {
        if id.is_empty() {
            ck.err(
                &KeyPath::root().key(section).index(i),
                "an id must not be empty",
                None,
            );
        }
        if let Some(first) = map.insert(id, i) {
            ck.err(
                &KeyPath::root().key(section).index(i),
                format!("duplicate id `{id}` (first used by {section}[{first}])"),
                Some("ids must be unique within a section".into()),
            );
            map.insert(id, first);
        }
    }
    map
}

/// Checks a parsed file section by section and builds the [`Scenario`]; every error
/// found is reported, in the file's order.
pub(super) fn validate(raw: ScenarioFile, src: Source<'_>) -> Result<Scenario, ScenarioErrors> {
    let mut ck = Checker::new(src);
    let root = KeyPath::root();
    let sc = &raw.scenario;
    let st = settings::scenario_settings(&mut ck, &raw);
    let (country_ix, mut countries) = countries::countries(&mut ck, &raw);
    let (prog_ix, programmes) = programmes::programmes(&mut ck, &raw, &country_ix, &mut countries);
    let arrangements =
        programmes::arrangements(&mut ck, &raw, &prog_ix, &programmes, &mut countries);
    let (node_ix, nodes) = nodes::nodes(&mut ck, &raw, &country_ix);
    let (routes, route_paths) = routes::routes(&mut ck, &raw, &node_ix);
    let route_ix = routes::route_index(&mut ck, &routes, &route_paths);
    let network = Network::new(
        nodes.len(),
        &routes
            .iter()
            .map(|r| (r.from, r.to, r.transit.mean()))
            .collect::<Vec<_>>(),
    );
    // Routing with every route open, per destination, computed once per distinct
    // destination (flows and alternates share them) and kept as `Scenario::routing`.
    let mut routing: Vec<Option<RoutingTable>> = vec![None; nodes.len()];
    let mut flows = flows::flows(
        &mut ck,
        &raw,
        &node_ix,
        &prog_ix,
        &nodes,
        &routes,
        &network,
        &mut routing,
    );
    if let Some(r) = &raw.response {
        response::check_response(&mut ck, &root.key("response"), r);
    }
    flows::substitutes(&mut ck, &raw, &mut flows, &nodes, &network, &mut routing);
    flows::demand(&mut ck, &flows, st.horizon);
    let (strategies, default_strategies, arrangement) = strategies::strategies(&mut ck, &raw);

    let disruptions = disruptions::disruptions(
        &mut ck,
        &raw,
        &nodes,
        &routes,
        st.warmup + st.baseline_days,
        &country_ix,
        &node_ix,
        &route_ix,
        &prog_ix,
    );

    if ck.failed() {
        return Err(ck.into_errors());
    }
    let mut scenario = Scenario {
        name: sc.name.clone(),
        description: sc.description.clone(),
        assumptions: sc.assumptions.clone().unwrap_or_default(),
        sweep: raw.sweep.clone(),
        horizon: st.horizon,
        warmup: st.warmup,
        seed: sc.seed.unwrap_or(1),
        replications: st.replications,
        teu_per_shipment: st.teu,
        baseline_days: st.baseline_days,
        window_days: st.window_days,
        tolerance: st.tolerance,
        hold_days: st.hold_days,
        target_ci: st.target_ci,
        review_days: st.review_days,
        memory_budget: st.memory_budget,
        timeseries_scopes: {
            use super::file::ScopeKindFile as K;
            let kinds = sc.timeseries_scopes.as_deref().unwrap_or(&[]);
            crate::ids::ScopeKinds {
                node: kinds.contains(&K::Node),
                country: kinds.contains(&K::Country),
                flow: kinds.contains(&K::Flow),
            }
        },
        countries,
        nodes,
        routes,
        flows,
        programmes,
        arrangements,
        strategies,
        default_strategies,
        network,
        disruptions,
        source: String::new(),
        format: Format::Toml,
        composition: None,
        routing: Vec::new(),
        static_paths: Vec::new(),
    };
    // The same tables as `Scenario::static_routing`, reusing those computed above.
    for f in &scenario.flows {
        for &d in std::iter::once(&f.destination).chain(&f.alternates) {
            routing[d as usize].get_or_insert_with(|| scenario.network.routing_to(d, |_| true));
        }
    }
    scenario.static_paths = scenario
        .flows
        .iter()
        .map(|f| {
            let mut path = Vec::new();
            if f.path.is_none()
                && let Some(t) = &routing[f.destination as usize]
            {
                let mut node = f.origin;
                // A shortest path visits each node at most once.
                while node != f.destination && path.len() < scenario.nodes.len() {
                    let Some(r) = t.next[node as usize] else {
                        break;
                    };
                    path.push(PathStep {
                        route: r,
                        from: node,
                    });
                    node = scenario.routes[r as usize].to;
                }
            }
            path
        })
        .collect();
    scenario.routing = routing;
    targeting::calibrate(
        &mut scenario,
        arrangement == crate::scenario::file::Arrangement::InForce,
    );

    stability(&mut ck, &scenario, &route_paths);
    if ck.failed() {
        return Err(ck.into_errors());
    }
    Ok(scenario)
}

/// Stability: every server group must be below 100% busy in normal operation, and every
/// route below its capacity.
fn stability(ck: &mut Checker, scenario: &Scenario, route_paths: &[KeyPath]) {
    let root = KeyPath::root();
    // Stability: every server group must be below 100% busy in normal operation.
    let load = scenario.baseline_load();
    for (i, l) in load.nodes.iter().enumerate() {
        let np = root.key("nodes").index(i);
        if l.handling_utilisation >= 1.0 {
            ck.err(
                &np.key("servers"),
                format!(
                    "node `{}` is overloaded: baseline utilisation {:.3} ≥ 1 ({:.2} shipments/day × {:.4} days mean service / {} servers)",
                    scenario.nodes[i].id, l.handling_utilisation, l.arrivals_per_day, scenario.nodes[i].service.mean() * l.slowdown, scenario.nodes[i].servers
                ),
                Some(format!("add servers (at least {}), shorten `service`, or lower the flows through it", (l.handling_utilisation * scenario.nodes[i].servers as f64).floor() as u64 + 1)),
            );
        }
        if l.customs_utilisation >= 1.0 {
            ck.err(
                &np.key("customs").key("inspectors"),
                format!(
                    "customs at node `{}` is overloaded: baseline inspector utilisation {:.3} ≥ 1",
                    scenario.nodes[i].id, l.customs_utilisation
                ),
                Some("add inspectors, shorten `inspection`, or lower the inspection rates".into()),
            );
        }
    }
    for (r, l) in load.routes.iter().enumerate() {
        let route = &scenario.routes[r];
        if route.headway > 0.0 && l * route.headway >= 1.0 {
            ck.err(
                &route_paths[r].key("capacity_per_day"),
                format!(
                    "route `{}` is overloaded: {:.2} shipments/day against a capacity of {:.2}/day",
                    route.id,
                    l,
                    1.0 / route.headway
                ),
                Some("raise capacity_per_day or lower the flows over it".into()),
            );
        }
    }
}
