//! The validated scenario: everything the engine needs, with ids resolved to indices,
//! distributions built and the network's routing computed.
//!
//! Raw text becomes a `Scenario` in one place ([`Scenario::parse`]): first serde into
//! [`file::ScenarioFile`] (types, unknown keys), then [`validate`] (references, ranges,
//! reachability, stability). Every error carries file, line, column and key.

pub mod compose;
pub mod error;
pub mod file;
mod ground;
mod validate;

use crate::distribution::Dist;
use crate::network::{Network, RoutingTable};
pub use error::{Format, KeyPath, ScenarioError};
pub use file::{Information, Mode, NodeKind, Notice, Priority, Recognition, Reroute, When};
use std::path::Path;
pub use validate::MAX_REPLICATIONS;

// Ids live at the bottom of the tree (crate::ids); re-exported for the old paths.
pub use crate::ids::{CountryId, Members, NodeId, RouteId};

/// The scenario compiled into the binary: `tradesim run` without a file runs it.
pub const DEFAULT_SCENARIO: &str = include_str!("../scenarios/us-japan-tohoku-2011.toml");
/// The file name shown in messages about the embedded default.
pub const DEFAULT_SCENARIO_FILE: &str = "<embedded>/scenarios/us-japan-tohoku-2011.toml";
/// The network the embedded default extends, compiled in with it.
pub const DEFAULT_NETWORK: &str = include_str!("../scenarios/networks/us-japan.toml");
/// The path the embedded default's `extends` resolves to.
pub const DEFAULT_NETWORK_FILE: &str = "<embedded>/scenarios/networks/us-japan.toml";

/// The files compiled into the binary, for the embedded default's `extends`.
pub struct Embedded;

impl compose::Files for Embedded {
    fn read(&self, path: &Path) -> Result<String, String> {
        match path == Path::new(DEFAULT_NETWORK_FILE) {
            true => Ok(DEFAULT_NETWORK.to_string()),
            false => Err("not compiled into the binary".into()),
        }
    }
}

/// How precisely a run must know its targeted differences before it stops adding
/// replications (`[scenario.target_ci]`, `--target-ci`).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TargetCi {
    /// Largest half-width of the 95% interval of each targeted difference.
    pub half_width: HalfWidth,
    /// Measure names (`recovery.<demand scope>.<measure>`), at least one.
    pub measures: Vec<String>,
    /// Strategy names whose differences from baseline are targeted; empty: every strategy
    /// of the run but baseline. Named strategies the run leaves out are skipped.
    pub strategies: Vec<String>,
}

/// A target half-width of a 95% confidence interval.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum HalfWidth {
    /// At most this many of the measure's units.
    Absolute(f64),
    /// At most this share of the estimate's magnitude (Law & Kelton's relative precision),
    /// with the interval excluding 0.
    Relative(f64),
}

impl HalfWidth {
    /// Parses "3", "3d" (absolute) or "50%" (relative, in (0, 100]).
    pub fn parse(text: &str) -> Result<HalfWidth, String> {
        let t = text.trim();
        if let Some(p) = t.strip_suffix('%') {
            return match p.trim().parse::<f64>() {
                Ok(x) if x > 0.0 && x <= 100.0 => Ok(HalfWidth::Relative(x / 100.0)),
                _ => Err(format!(
                    "`{text}`: a percentage must be in (0, 100], e.g. 50%"
                )),
            };
        }
        let n = t.strip_suffix('d').unwrap_or(t).trim();
        match n.parse::<f64>() {
            Ok(x) if x.is_finite() && x > 0.0 => Ok(HalfWidth::Absolute(x)),
            _ => Err(format!(
                "`{text}` is not a half-width: give days > 0 (e.g. 3 or 3d) or a share of the estimate (e.g. 50%)"
            )),
        }
    }

    /// True if the interval `ci` (half-width `hw`) around `estimate` meets the target. A
    /// relative target also asks that the interval exclude 0 (the difference is resolved):
    /// a bootstrap interval need not be symmetric, so a half-width below |estimate| alone
    /// would not imply it.
    pub fn met(&self, hw: f64, estimate: f64, ci: [f64; 2]) -> bool {
        match *self {
            HalfWidth::Absolute(d) => hw <= d,
            HalfWidth::Relative(r) => {
                hw <= r * estimate.abs() && estimate != 0.0 && (ci[0] > 0.0 || ci[1] < 0.0)
            }
        }
    }
}

impl std::fmt::Display for HalfWidth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HalfWidth::Absolute(d) => write!(f, "{d}"),
            HalfWidth::Relative(r) => write!(f, "{}%", r * 100.0),
        }
    }
}

/// Measures a target may name: `recovery.<scope>.<one of these>`.
pub const TARGET_MEASURES: [&str; 5] = [
    "ttr_days",
    "ttr_restricted_mean_days",
    "first_return_days",
    "resilience_loss_days",
    "excess_delay_shipment_days",
];

/// Checks a target's measure name against the demand scopes of a scenario with countries
/// `codes`; on error, (what is wrong, what would be right).
pub fn check_target_measure<'a>(
    name: &str,
    codes: impl Iterator<Item = &'a str>,
) -> Result<(), (String, String)> {
    let mut scopes: Vec<String> = vec![
        "system".into(),
        "class.trusted".into(),
        "class.ordinary".into(),
    ];
    scopes.extend(codes.map(|c| format!("country.{c}")));
    let ok = name.strip_prefix("recovery.").is_some_and(|rest| {
        scopes.iter().any(|s| {
            rest.strip_prefix(s.as_str())
                .and_then(|m| m.strip_prefix('.'))
                .is_some_and(|m| TARGET_MEASURES.contains(&m))
        })
    });
    if ok {
        Ok(())
    } else {
        Err((
            format!("`{name}` is not a measure a target can name"),
            format!(
                "use recovery.<scope>.<measure>, scope one of {}, measure one of {}",
                scopes.join(", "),
                TARGET_MEASURES.join(", ")
            ),
        ))
    }
}

/// A validated scenario.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// `[scenario] name`: names the output folder `outputs/<name>/`.
    pub name: String,
    /// `[scenario] description`: the question the scenario answers, if given.
    pub description: Option<String>,
    /// `[scenario] assumptions`: the file's own stated assumptions, in order.
    pub assumptions: Vec<String>,
    /// `[sweep]` as written: the points to run this scenario at (`crate::sweep` checks and
    /// runs it; a single run ignores it).
    pub sweep: Option<file::SweepFile>,
    /// Days simulated per replication.
    pub horizon: f64,
    /// Days ignored by the measures at the start.
    pub warmup: f64,
    /// Master seed of the replications' random streams.
    pub seed: u64,
    /// Replications per strategy (the cap when `target_ci` is set).
    pub replications: u64,
    /// Containers (TEU) a shipment stands for.
    pub teu_per_shipment: f64,
    /// Days before the first onset that define the baseline.
    pub baseline_days: f64,
    /// Days in a row the recovery condition must hold.
    pub window_days: f64,
    /// Relative band around the baseline within which a measure counts as recovered.
    pub tolerance: f64,
    /// Days a return must stay in band to be the sustained recovery.
    pub hold_days: f64,
    /// When to stop adding replications, if set.
    pub target_ci: Option<TargetCi>,
    /// Days between carriers' reviews of their port choice (whole, ≥ 1).
    pub review_days: f64,
    /// `memory_budget` in bytes, if the file gives one.
    pub memory_budget: Option<u64>,
    /// Scopes with daily series in `timeseries.csv` (`timeseries_scopes`; none by default).
    pub timeseries_scopes: crate::ids::ScopeKinds,
    /// Customs territories, indexed by [`CountryId`].
    pub countries: Vec<Country>,
    /// Facilities, indexed by [`NodeId`].
    pub nodes: Vec<Node>,
    /// Directed routes (a bidirectional one as two), indexed by [`RouteId`].
    pub routes: Vec<Route>,
    /// Demand, in file order.
    pub flows: Vec<Flow>,
    /// Trusted-trader programmes, in file order (the bit order of [`Members`]).
    pub programmes: Vec<Programme>,
    /// Mutual-recognition arrangements, in file order.
    pub arrangements: Vec<Arrangement>,
    /// Presets first (`no-mra`, `baseline`, `unilateral`, `joint`), then the file's own,
    /// then the ablation's if [`Scenario::add_ablation`] added them.
    pub strategies: Vec<crate::strategy::Strategy>,
    /// Indices into `strategies` run when the command line names none.
    pub default_strategies: Vec<usize>,
    /// The nodes and routes as a graph, for routing.
    pub network: Network,
    /// Disruptions in file order (their index picks their random stream).
    pub disruptions: Vec<crate::disruption::Disruption>,
    /// The text the scenario was read from (shards carry it, and fingerprints hash it).
    pub source: String,
    /// The format of `source`.
    pub format: Format,
    /// The files a composed scenario (`extends`) was read from, and where each key of its
    /// flattened `source` was written; None for a scenario read from one text.
    pub composition: Option<std::sync::Arc<compose::Composition>>,
    /// Routing with every route open, per destination node (Some for flow destinations).
    pub routing: Vec<Option<RoutingTable>>,
    /// Per flow, the routes from its origin to its destination under `routing` (empty for
    /// a flow with an explicit path). The engine reads a shipment's next route here, in one
    /// short vector per flow, instead of in its destination's table for every node.
    pub static_paths: Vec<Vec<PathStep>>,
}

/// A route of a flow's static path, with the node it leaves from: the engine checks that
/// a shipment is where the path says from the same cache line as the route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PathStep {
    /// The route taken.
    pub route: RouteId,
    /// The node it leaves from.
    pub from: NodeId,
}

/// Expected load in normal operation (alert levels at their start values).
#[derive(Debug, Clone, Default)]
pub struct BaselineLoad {
    /// Expected load of each node, indexed by [`NodeId`].
    pub nodes: Vec<NodeLoad>,
    /// Shipments a day over each route.
    pub routes: Vec<f64>,
}

/// Expected load of one node.
#[derive(Debug, Clone, Default)]
pub struct NodeLoad {
    /// Shipments a day handled.
    pub arrivals_per_day: f64,
    /// Handling-time multiplier of the node's country at its start alert level.
    pub slowdown: f64,
    /// λ·E[S]·slowdown / servers.
    pub handling_utilisation: f64,
    /// Shipments a day entering customs here.
    pub imports_per_day: f64,
    /// Inspector utilisation (0 without customs).
    pub customs_utilisation: f64,
}

/// A customs territory.
#[derive(Debug, Clone)]
pub struct Country {
    /// ISO 3166 alpha-2 code, e.g. "JP".
    pub code: String,
    /// Display name; the code if the file gives none.
    pub name: String,
    /// Alert level at time 0 (1..=3).
    pub alert_level: u8,
    /// Effects of levels 1, 2, 3 (index level − 1).
    pub alert_effects: [AlertEffect; 3],
    /// Programmes run by this country's customs.
    pub own_programmes: Members,
    /// Own programmes plus those an arrangement makes this country recognise.
    pub recognised_programmes: Members,
    /// Risk-based targeting at its customs, if set (else the nodes' fixed rates).
    pub targeting: Option<crate::risk::Targeting>,
}

/// What an alert level does in a country.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AlertEffect {
    /// Multiplier on every class's inspection rate (result capped at 1).
    pub inspection_rate: f64,
    /// Multiplier on inspection times.
    pub inspection_time: f64,
    /// Multiplier on handling (service) times at the country's nodes.
    pub handling_slowdown: f64,
}

impl AlertEffect {
    /// No effect (level 1 by default).
    pub const NONE: AlertEffect = AlertEffect {
        inspection_rate: 1.0,
        inspection_time: 1.0,
        handling_slowdown: 1.0,
    };
}

/// A facility.
#[derive(Debug, Clone)]
pub struct Node {
    /// Unique id from the file (a UN/LOCODE in the shipped scenarios).
    pub id: String,
    /// Display name; the id if the file gives none.
    pub name: String,
    /// Kind of facility.
    pub kind: NodeKind,
    /// The country the node is in.
    pub country: CountryId,
    /// Latitude, degrees.
    pub lat: f64,
    /// Longitude, degrees.
    pub lon: f64,
    /// Parallel service channels (berths, lanes, cranes): the node's capacity.
    pub servers: u32,
    /// Handling time per shipment on one server, days.
    pub service: Dist,
    /// Import clearance at this node; None: shipments entering here are not cleared.
    pub customs: Option<Customs>,
}

/// Import clearance at a node.
#[derive(Debug, Clone)]
pub struct Customs {
    /// Inspection teams working in parallel.
    pub inspectors: u32,
    /// Time of one physical inspection on one team, days.
    pub inspection: Dist,
    /// Document clearance delay of a shipment not inspected, days (no server).
    pub clearance: Dist,
    /// The same for a trusted shipment, days.
    pub trusted_clearance: Dist,
    /// Probability that a trusted shipment is inspected at alert level 1.
    pub rate_trusted: f64,
    /// Probability that any other shipment is inspected at alert level 1.
    pub rate_ordinary: f64,
}

/// A directed route.
#[derive(Debug, Clone)]
pub struct Route {
    /// The file's id, or "FROM-TO".
    pub id: String,
    /// Node the route leaves.
    pub from: NodeId,
    /// Node the route reaches.
    pub to: NodeId,
    /// Transport mode.
    pub mode: Mode,
    /// Transit time of one shipment, days.
    pub transit: Dist,
    /// Minimum days between departures (1 / capacity_per_day), 0 if uncapped.
    pub headway: f64,
}

/// Demand between two nodes.
#[derive(Debug, Clone)]
pub struct Flow {
    /// Unique id from the file.
    pub id: String,
    /// Node where the flow's shipments are created.
    pub origin: NodeId,
    /// Node where they are delivered.
    pub destination: NodeId,
    /// Mean shipments a day (Poisson arrivals), before the weekly profile.
    pub rate_per_day: f64,
    /// Seven multipliers (Monday first), or None for a constant rate.
    pub weekly_profile: Option<[f64; 7]>,
    /// Value of one shipment, USD (weights the value-weighted excess delay).
    pub value: Dist,
    /// Explicit routes in order, or None to follow shortest expected transit.
    pub path: Option<Vec<RouteId>>,
    /// Ports the flow's carriers may choose instead of the destination (with rerouting).
    pub alternates: Vec<NodeId>,
    /// Flows its shippers may shift to, with the expected land-leg days from this flow's
    /// origin to the substitute's.
    pub substitutes: Vec<(u32, f64)>,
    /// The shippers' response to expected delay; None if they do not respond.
    pub response: Option<Response>,
    /// Trader classes: cumulative share and memberships, in file order.
    pub traders: Vec<(f64, Members)>,
}

/// Shippers' response to the delay they expect on a flow (docs/model.md, "Demand response").
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Response {
    /// Expected extra delay (days) above which a shipper acts: [trusted, ordinary].
    pub threshold: [f64; 2],
    /// Shares of the acting shippers who defer, cancel and shift (sum ≤ 1; the rest ship).
    pub defer: f64,
    /// Share of the acting shippers who cancel.
    pub cancel: f64,
    /// Share of the acting shippers who shift to a substitute flow.
    pub shift: f64,
    /// Days deferred cargo waits.
    pub defer_for: f64,
}

impl Response {
    /// Defaults [U] (docs/model.md, "Demand response").
    pub const DEFAULT: Response = Response {
        threshold: [7.0, 7.0],
        defer: 0.3,
        cancel: 0.05,
        shift: 0.5,
        defer_for: 14.0,
    };
}

/// A trusted-trader programme.
#[derive(Debug, Clone)]
pub struct Programme {
    /// Unique id from the file.
    pub id: String,
    /// Display name; the id if the file gives none.
    pub name: String,
    /// The country whose customs runs the programme.
    pub country: CountryId,
}

/// A mutual-recognition arrangement.
#[derive(Debug, Clone)]
pub struct Arrangement {
    /// Unique id from the file.
    pub id: String,
    /// Display name; the id if the file gives none.
    pub name: String,
    /// The programmes that recognise each other.
    pub programmes: Members,
    /// Delay before a partner learns of a revocation, days.
    pub revocation_notice: f64,
    /// Delay of routine alert-level notices to the partner, days.
    pub alert_notice: f64,
    /// Pre-departure screening time the partner adds during an alert.
    pub screening_time: Dist,
}

impl Scenario {
    /// Reads and validates a scenario file (TOML, or JSON by extension).
    /// Only a regular file of at most [`crate::input::MAX_SCENARIO_BYTES`] is read.
    pub fn load(path: &Path) -> Result<Scenario, ScenarioErrors> {
        Scenario::load_limited(path, crate::input::MAX_SCENARIO_BYTES)
    }

    /// [`Scenario::load`] with another size limit (`--max-input-size`).
    pub fn load_limited(path: &Path, limit: u64) -> Result<Scenario, ScenarioErrors> {
        let label = path.display().to_string();
        let disk = compose::Disk { limit };
        let text = compose::Files::read(&disk, path).map_err(|e| {
            ScenarioErrors(vec![ScenarioError::io(&label, &std::io::Error::other(e))])
        })?;
        Scenario::parse_with(&text, &label, Format::from_path(path), &disk)
    }

    /// The embedded default scenario.
    pub fn embedded_default() -> Scenario {
        match Scenario::parse_with(
            DEFAULT_SCENARIO,
            DEFAULT_SCENARIO_FILE,
            Format::Toml,
            &Embedded,
        ) {
            Ok(s) => s,
            // The embedded file is checked by the test suite; reaching this is a build defect.
            Err(e) => panic!("the embedded default scenario is invalid: {e}"),
        }
    }

    /// Parses and validates scenario text; `file` names it in messages. A scenario that
    /// `extends` other files reads them relative to `file`'s directory ([`compose`]).
    pub fn parse(text: &str, file: &str, format: Format) -> Result<Scenario, ScenarioErrors> {
        let disk = compose::Disk {
            limit: crate::input::MAX_SCENARIO_BYTES,
        };
        Scenario::parse_with(text, file, format, &disk)
    }

    /// [`Scenario::parse`], reading the files it extends through `files`.
    pub fn parse_with(
        text: &str,
        file: &str,
        format: Format,
        files: &dyn compose::Files,
    ) -> Result<Scenario, ScenarioErrors> {
        let typed = match format {
            Format::Toml => toml::from_str::<file::ScenarioFile>(text)
                .map_err(|e| ScenarioErrors(vec![ScenarioError::from_toml(file, text, &e)])),
            Format::Json => serde_json::from_str::<file::ScenarioFile>(text)
                .map_err(|e| ScenarioErrors(vec![ScenarioError::from_json(file, text, &e)])),
        };
        let raw = match typed {
            Ok(raw) if raw.extends.is_none() => raw,
            // A scenario that extends others need not be whole on its own.
            Ok(_) => return Scenario::parse_composed(text, file, format, files),
            Err(_) if compose::extends_anything(text, format) => {
                return Scenario::parse_composed(text, file, format, files);
            }
            Err(e) => return Err(e),
        };
        let locator = error::Locator::new(file, text, format);
        let mut scenario = validate::validate(raw, validate::Source { file, locator })?;
        scenario.source = text.to_string();
        scenario.format = format;
        Ok(scenario)
    }

    /// Composes `text` with the files it extends and validates the merged document; its
    /// flattened text becomes [`Scenario::source`].
    fn parse_composed(
        text: &str,
        file: &str,
        format: Format,
        files: &dyn compose::Files,
    ) -> Result<Scenario, ScenarioErrors> {
        let (flat, composition) = compose::compose(text, file, format, files)?;
        Scenario::parse_flat(flat, file, std::sync::Arc::new(composition))
    }

    /// Validates `flat`, the flattened text of a composed scenario (or that text edited
    /// with the same keys, as a sweep point is), placing errors through `composition`.
    pub fn parse_flat(
        flat: String,
        file: &str,
        composition: std::sync::Arc<compose::Composition>,
    ) -> Result<Scenario, ScenarioErrors> {
        let raw: file::ScenarioFile = toml::from_str(&flat).map_err(|e| {
            let (path, message, help) = error::toml_error_path(&flat, &e);
            let mut at = composition.locator();
            ScenarioErrors(vec![at.error_narrowed(&path, message, help, true)])
        })?;
        let locator = composition.locator();
        let mut scenario = validate::validate(raw, validate::Source { file, locator })?;
        scenario.source = flat;
        scenario.format = Format::Toml;
        scenario.composition = Some(composition.clone());
        Ok(scenario)
    }

    /// Validates a scenario built as a value rather than read from text (the benchmark
    /// harness builds its queues so); `file` names it in messages, which carry key paths
    /// but no line and column. `source` stays empty.
    pub fn from_file(raw: file::ScenarioFile, file: &str) -> Result<Scenario, ScenarioErrors> {
        let locator = error::Locator::new(file, "", Format::Toml);
        validate::validate(raw, validate::Source { file, locator })
    }

    /// Routing tables with every route open, for each node that some flow ends at.
    pub fn static_routing(&self) -> Vec<Option<RoutingTable>> {
        let mut tables = vec![None; self.nodes.len()];
        for f in &self.flows {
            for &d in std::iter::once(&f.destination).chain(&f.alternates) {
                if tables[d as usize].is_none() {
                    tables[d as usize] = Some(self.network.routing_to(d, |_| true));
                }
            }
        }
        tables
    }

    /// The nodes a flow visits in normal operation, origin first.
    pub fn flow_nodes(&self, flow: &Flow) -> Vec<NodeId> {
        let route_to: Vec<NodeId> = self.routes.iter().map(|r| r.to).collect();
        self.flow_nodes_with(flow, &self.flow_routes(flow, &route_to))
    }

    /// The routes a flow takes in normal operation; `route_to` is every route's `to`.
    fn flow_routes(&self, flow: &Flow, route_to: &[NodeId]) -> Vec<RouteId> {
        match &flow.path {
            Some(p) => p.clone(),
            None => self
                .routing
                .get(flow.destination as usize)
                .and_then(|t| t.as_ref())
                .and_then(|t| t.path(flow.origin, route_to))
                .unwrap_or_default(),
        }
    }

    /// The origin, then the node each of `routes` leads to.
    fn flow_nodes_with(&self, flow: &Flow, routes: &[RouteId]) -> Vec<NodeId> {
        std::iter::once(flow.origin)
            .chain(routes.iter().map(|&r| self.routes[r as usize].to))
            .collect()
    }

    /// The expected probability that an import of a trusted (or other) trader is
    /// inspected at customs node `node` at alert `level`: the node's fixed rate times the
    /// level's multiplier, or under risk-based targeting the class's expected share above
    /// the level's threshold in the normal-time mix.
    pub fn inspection_probability(&self, node: NodeId, level: u8, trusted: bool) -> f64 {
        let n = &self.nodes[node as usize];
        let country = &self.countries[n.country as usize];
        let k = (level.clamp(1, 3) - 1) as usize;
        if let Some(t) = &country.targeting {
            return t.class_rates[k][usize::from(!trusted)];
        }
        let Some(c) = &n.customs else {
            return 0.0;
        };
        let rate = if trusted {
            c.rate_trusted
        } else {
            c.rate_ordinary
        };
        (rate * country.alert_effects[k].inspection_rate).min(1.0)
    }

    /// The share of a flow's shipments whose memberships satisfy `pred`.
    pub fn trader_share(&self, flow: &Flow, pred: impl Fn(Members) -> bool) -> f64 {
        let mut prev = 0.0;
        let mut share = 0.0;
        for &(cum, m) in &flow.traders {
            if pred(m) {
                share += cum - prev;
            }
            prev = cum;
        }
        if pred(Members(0)) {
            share += (1.0 - prev).max(0.0);
        }
        share
    }

    /// Where a flow clears customs: the first node on its path in the destination's
    /// country, if the origin is in another country and that node has customs.
    pub fn customs_node(&self, flow: &Flow, nodes_on_path: &[NodeId]) -> Option<NodeId> {
        let dc = self.nodes[flow.destination as usize].country;
        if self.nodes[flow.origin as usize].country == dc {
            return None;
        }
        let first = nodes_on_path
            .iter()
            .copied()
            .find(|&n| self.nodes[n as usize].country == dc)?;
        self.nodes[first as usize].customs.as_ref().map(|_| first)
    }

    /// Expected utilisation of every node and route in normal operation.
    pub fn baseline_load(&self) -> BaselineLoad {
        let mut load = BaselineLoad {
            nodes: vec![NodeLoad::default(); self.nodes.len()],
            routes: vec![0.0; self.routes.len()],
        };
        let mut inspect_work = vec![0.0; self.nodes.len()];
        // Built once: per flow it would make the pass quadratic on large networks.
        let route_to: Vec<NodeId> = self.routes.iter().map(|r| r.to).collect();
        for f in &self.flows {
            let rate = f.rate_per_day
                * f.weekly_profile
                    .map_or(1.0, |w| w.iter().sum::<f64>() / 7.0);
            let taken = self.flow_routes(f, &route_to);
            let on_path = self.flow_nodes_with(f, &taken);
            for &n in &on_path {
                load.nodes[n as usize].arrivals_per_day += rate;
            }
            for &r in &taken {
                load.routes[r as usize] += rate;
            }
            if let Some(c) = self.customs_node(f, &on_path) {
                let node = &self.nodes[c as usize];
                let country = &self.countries[node.country as usize];
                let eff = country.alert_effects[(country.alert_level - 1) as usize];
                let customs = node.customs.as_ref().expect("customs_node has customs");
                let trusted = self.trader_share(f, |m| m.any(country.recognised_programmes));
                let p_inspect = trusted * self.inspection_probability(c, country.alert_level, true)
                    + (1.0 - trusted) * self.inspection_probability(c, country.alert_level, false);
                load.nodes[c as usize].imports_per_day += rate;
                inspect_work[c as usize] +=
                    rate * p_inspect * customs.inspection.mean() * eff.inspection_time;
            }
        }
        for (i, n) in self.nodes.iter().enumerate() {
            let country = &self.countries[n.country as usize];
            let eff = country.alert_effects[(country.alert_level - 1) as usize];
            let l = &mut load.nodes[i];
            l.slowdown = eff.handling_slowdown;
            l.handling_utilisation =
                l.arrivals_per_day * n.service.mean() * eff.handling_slowdown / n.servers as f64;
            if let Some(c) = &n.customs {
                l.customs_utilisation = inspect_work[i] / c.inspectors as f64;
            }
        }
        load
    }

    /// The index of a node by id.
    pub fn node_index(&self, id: &str) -> Option<NodeId> {
        self.nodes
            .iter()
            .position(|n| n.id == id)
            .map(|i| i as NodeId)
    }

    /// The index of a strategy by name.
    pub fn strategy_index(&self, name: &str) -> Option<usize> {
        self.strategies.iter().position(|s| s.name == name)
    }

    /// Adds the ablation's strategies ([`crate::strategy::ablation_strategies`]) unless
    /// they are here already, and returns the strategies an ablation runs: `baseline`,
    /// `joint`, each mechanism alone, each left out. Err if the file defines a strategy
    /// of an ablation name with other knobs.
    pub fn add_ablation(&mut self) -> Result<Vec<usize>, String> {
        let (Some(b), Some(j)) = (
            self.strategy_index("baseline"),
            self.strategy_index("joint"),
        ) else {
            return Err("the ablation needs the presets baseline and joint".into());
        };
        let mut out = vec![b, j];
        for s in crate::strategy::ablation_strategies(&self.strategies[b], &self.strategies[j]) {
            match self.strategy_index(&s.name) {
                Some(k) if self.strategies[k] == s => out.push(k),
                Some(_) => {
                    return Err(format!(
                        "the file's strategy `{}` has the name of an ablation strategy; \
                         rename it to run --ablation",
                        s.name
                    ));
                }
                None => {
                    self.strategies.push(s);
                    out.push(self.strategies.len() - 1);
                }
            }
        }
        Ok(out)
    }

    /// Members trusted at customs of `country` for routine risk assessment (always with
    /// the arrangements' recognition: MRA Section III.B).
    #[inline]
    pub fn is_trusted(&self, members: Members, country: CountryId) -> bool {
        members.any(self.countries[country as usize].recognised_programmes)
    }
}

/// One or more scenario errors, reported together.
#[derive(Debug)]
pub struct ScenarioErrors(pub Vec<ScenarioError>);

impl std::fmt::Display for ScenarioErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
            if let Some(h) = &e.help {
                write!(f, " ({h})")?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for ScenarioErrors {}
