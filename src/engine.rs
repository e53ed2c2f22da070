//! The discrete-event engine: one replication of one strategy.
//!
//! State is plain owned data, indexed by the scenario's ids: per node its [`Berths`],
//! [`Occupancy`] and optional [`CustomsPost`], per directed route its [`RouteGate`]
//! ([`NetworkState`]), every shipment in a slab by [`ShipmentId`] (`shipments`), and the
//! network-wide status ([`NetworkStatus`]). A bevy_ecs [`World`] holds the network's static
//! entities (a [`Facility`] per node, a [`Link`] per route), built once and shared by the
//! forks of a simulation; nothing on the path of an event reads it. The event loop is plain
//! Rust: pop the earliest event from the [`Calendar`], advance the clock, dispatch on its
//! kind. No bevy schedule runs per event (see ARCHITECTURE.md for why and for the figures).
//!
//! A shipment's life: created at its origin → handled at each node on its path (queue for
//! a berth) → route (waits for the route's headway) → transit → next node … → at the
//! first node in the destination's country: customs (inspected by a team, or cleared
//! after a document delay) → delivered at the destination (its slot kept for reuse).

pub mod calendar;
pub mod divert;
pub mod queue;
pub mod respond;
mod shipments;

use crate::disruption::{self, Change, Realisation};
use crate::measure::{Collector, MeasureSchema, NODE_MEASURES, ReplicationResult};
use crate::network::RoutingTable;
use crate::policy::{AlertNotice, Builtin, Joining, Policy, Priority, Recognition, Strategy, When};
use crate::scenario::{Members, NodeId, RouteId, Scenario};
use crate::streams::{self, Stream, StreamKind};
use bevy_ecs::prelude::*;
use calendar::{Calendar, Event};
use queue::ServerPool;
use rand::RngExt;
use rand_distr::{Distribution, Exp1};
pub use shipments::ShipmentId;
use shipments::Shipments;
use std::collections::VecDeque;
use std::sync::Arc;

/// A node's entity in the simulation's [`World`]: its index in the scenario.
#[derive(Component, Debug, Clone)]
pub struct Facility {
    pub node: NodeId,
}

/// A directed route's entity in the simulation's [`World`]: its index in the scenario.
#[derive(Component, Debug, Clone)]
pub struct Link {
    /// The route's index in `Scenario::routes`.
    pub route: RouteId,
}

/// The node's handling servers (berths, lanes, cranes) and their queue.
#[derive(Debug, Clone)]
pub struct Berths(pub ServerPool);

/// Import clearance at a node: inspection teams and their queue, and shipments in
/// document clearance (a delay without a server).
#[derive(Debug, Clone)]
pub struct CustomsPost {
    pub inspectors: ServerPool,
    pub clearing: u32,
    /// Customs decisions in the window, and how many were inspections.
    pub decided: u64,
    pub inspected: u64,
    pub in_customs: u32,
    pub in_customs_area: f64,
    pub last: f64,
}

/// Shipments at a node (queued, handled or in customs), integrated over time.
#[derive(Debug, Clone, Default)]
pub struct Occupancy {
    pub present: u32,
    pub area: f64,
    pub last: f64,
    /// Shipments that left the node (or were delivered there) in the window.
    pub departures: u64,
    pub time_sum: f64,
    /// Since time 0 (never reset): departures and time-integral of shipments present.
    pub total_departures: u64,
    pub total_area: f64,
}

/// A directed route's dispatching state.
#[derive(Debug, Clone)]
pub struct RouteGate {
    pub route: RouteId,
    /// False while a closure holds the route.
    pub open: bool,
    /// Earliest time the next departure may leave (capacity headway).
    pub next_free: f64,
    pub waiting: VecDeque<ShipmentId>,
    pub ready_scheduled: bool,
    pub in_transit: u32,
}

/// Where a shipment is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Waiting for a berth at a node.
    Queued(NodeId),
    /// Being handled at a node.
    Handling(NodeId),
    /// Waiting for an inspection team.
    AwaitingInspection(NodeId),
    /// Being inspected.
    Inspection(NodeId),
    /// In document clearance.
    Clearance(NodeId),
    /// Waiting at the origin of a route for a departure slot or reopening.
    AwaitingDeparture(RouteId),
    /// On a route.
    InTransit(RouteId),
    /// Held by its shipper (deferred, or on the land leg to a substitute flow's origin)
    /// until a `Release` event enters it at the node.
    Held(NodeId),
    /// Delivered (or cancelled): the slot waits to be reused for a new shipment.
    Delivered,
}

/// A consignment of `teu_per_shipment` containers.
#[derive(Debug, Clone)]
pub struct Shipment {
    pub flow: u32,
    pub created: f64,
    pub value: f64,
    pub members: Members,
    /// Trusted at its destination's customs (its class in the measures).
    pub trusted: bool,
    pub stage: Stage,
    /// Where it will be delivered: the flow's destination, or an alternate after diversion.
    pub destination: NodeId,
    /// Routes taken so far (position in an explicit path).
    pub hop: u16,
    pub customs_done: bool,
    pub node_arrival: f64,
    /// Decides which revocations reach this shipment's trader (revoked if below the share).
    pub revoke_draw: f64,
    /// Screened before departure by its origin's customs for a destination on alert.
    pub screened: bool,
    /// The shipment's own random stream.
    pub rng: Stream,
}

/// The network's state now: alert levels, capacity limits and which places are
/// disruption-affected.
#[derive(Debug, Clone)]
pub struct NetworkStatus {
    /// Alert level of each country.
    pub alert_level: Vec<u8>,
    /// Alerts in force per country: (disruption, level).
    pub alerts: Vec<Vec<(u32, u8)>>,
    /// Capacity limits in force per node: (disruption, share of servers).
    pub limits: Vec<Vec<(u32, f64)>>,
    /// Nodes where a disruption or its recovery is in progress (strategies apply there):
    /// while a disruption acts on them, then until their queues first empty.
    pub affected: Vec<bool>,
    /// Disruptions acting on each node now.
    pub active: Vec<u32>,
    /// Nodes no longer disrupted but still clearing their backlog.
    pub draining: Vec<bool>,
    /// When each node last closed, and each route (what a closure's length is guessed
    /// from under `information = "own"`).
    pub closed_since: Vec<f64>,
    pub route_closed_since: Vec<f64>,
    /// Nodes closed at some time in their current affected period (a reopened port is
    /// one of these that is open again).
    pub was_closed: Vec<bool>,
    /// Every change of each country's alert level: (time, new level), oldest first.
    pub alert_history: Vec<Vec<(f64, u8)>>,
}

impl NetworkStatus {
    /// True if `node` has no working capacity (closed, or destroyed).
    pub fn closed(&self, node: NodeId) -> bool {
        self.limits[node as usize].iter().any(|&(_, s)| s <= 0.0)
    }

    /// True if `node` is resuming: closed during its current affected period, open now.
    #[inline]
    pub fn resuming(&self, node: NodeId) -> bool {
        let i = node as usize;
        self.affected[i] && self.was_closed[i] && !self.closed(node)
    }

    /// `country`'s alert level as it was at time `t` (`initial` before any change).
    pub fn alert_level_at(&self, country: u16, t: f64, initial: u8) -> u8 {
        self.alert_history[country as usize]
            .iter()
            .rev()
            .find(|&&(at, _)| at <= t)
            .map_or(initial, |&(_, l)| l)
    }
}

/// What delivering a shipment records, read with the lookup that decided it; `marked` if
/// its stage is already `Delivered`.
#[derive(Debug, Clone, Copy)]
struct Delivery {
    flow: u32,
    trusted: bool,
    created: f64,
    value: f64,
    marked: bool,
}

/// What the rest of a shipment's leaving a node needs, read with the lookup that recorded
/// it (the hop counted, and the stage set to `Delivered` at its destination).
#[derive(Debug, Clone, Copy)]
struct Leaving {
    arrived: f64,
    hop: u16,
    dest: NodeId,
    done: Delivery,
}

impl Leaving {
    #[inline]
    fn record(s: &mut Shipment, node: NodeId) -> Leaving {
        s.hop += 1;
        let marked = s.destination == node;
        if marked {
            s.stage = Stage::Delivered;
        }
        Leaving {
            arrived: s.node_arrival,
            hop: s.hop - 1,
            dest: s.destination,
            done: Delivery {
                flow: s.flow,
                trusted: s.trusted,
                created: s.created,
                value: s.value,
                marked,
            },
        }
    }
}

/// A node no flow with alternates can be sent to.
const NOT_WATCHED: u32 = u32::MAX;

/// What the carriers of flows with `alternates` go by, and what they chose
/// (docs/model.md, "Port choice"). The pipeline (shipments on their way to each candidate
/// port, by arrival day) is kept under every strategy, so that a strategy branched from a
/// shared prefix finds it complete; choices change only under `reroute = "on_closure"`.
#[derive(Debug, Clone)]
struct PortChoice {
    /// Per node: its index in `ports`, or `NOT_WATCHED`.
    watch: Vec<u32>,
    /// The candidate ports: every destination and alternate of a flow with alternates.
    ports: Vec<NodeId>,
    /// Arrival days tracked: the horizon's, and one for arrivals after it.
    days: usize,
    /// Per port and arrival day: shipments in transit to it, by member category at the
    /// port's country ([`member_category`]).
    due: Vec<[u32; 3]>,
    /// Per port: shipments a day created there in normal operation, by category.
    local: Vec<[f64; 3]>,
    /// Per port: shipments a day handled there in normal operation, by category.
    through: Vec<[f64; 3]>,
    /// The flows with alternates.
    flows: Vec<u32>,
    /// Per flow: mean shipments a day, and its shares by category at its destination's
    /// country.
    rate: Vec<f64>,
    shares: Vec<[f64; 3]>,
    /// Per flow and class (2f: priority, 2f + 1: ordinary): the port chosen.
    choice: Vec<NodeId>,
    /// Per flow: true if one of its classes is sent elsewhere than its destination.
    diverting: Vec<bool>,
}

/// A trader's category at `node`'s country: 0 a member of one of its own programmes, 1 of
/// a partner programme only, 2 neither.
#[inline]
fn member_category(sc: &Scenario, members: Members, node: NodeId) -> usize {
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
    fn new(sc: &Scenario) -> Option<Box<PortChoice>> {
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
    fn pipeline(&mut self, sc: &Scenario, node: NodeId, members: Members, at: f64, arriving: bool) {
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

/// The shippers' view of their flows' expected extra delay (docs/model.md, "Demand
/// response"), kept when a flow responds; updated at reviews ([`respond`]).
#[derive(Debug, Clone)]
struct ShipperView {
    /// Flows whose delay is estimated: those that respond, and their substitutes.
    flows: Vec<u32>,
    /// Per flow and lane (2f: priority, 2f + 1: ordinary): expected extra delay, days.
    delay: Vec<f64>,
}

impl ShipperView {
    /// None if no flow responds.
    fn new(sc: &Scenario) -> Option<Box<ShipperView>> {
        let mut watched = vec![false; sc.flows.len()];
        for (i, f) in sc.flows.iter().enumerate() {
            if f.response.is_some() {
                watched[i] = true;
                for &(s, _) in &f.substitutes {
                    watched[s as usize] = true;
                }
            }
        }
        let flows: Vec<u32> = (0..sc.flows.len() as u32)
            .filter(|&i| watched[i as usize])
            .collect();
        (!flows.is_empty()).then(|| {
            Box::new(ShipperView {
                flows,
                delay: vec![0.0; 2 * sc.flows.len()],
            })
        })
    }
}

/// A node's capacity as a review sees it ([`Simulation::node_view`]).
struct NodeView {
    /// When it has working capacity: now, or its (expected) reopening.
    available: f64,
    /// Working servers from `available` on / the mean handling time with the slowdown.
    capacity_per_day: f64,
    /// Mean handling time with the alert level's slowdown.
    handling_days: f64,
    /// Shipments waiting for a berth: [priority lane, ordinary lane].
    lanes: [usize; 2],
}

/// Customs decisions in the measurement window, by the trader's category at the customs
/// country ([`member_category`]: own programme, partner programme only, neither).
#[derive(Debug, Clone, Default)]
struct Assessments {
    decided: [u64; 3],
    inspected: [u64; 3],
    /// Non-compliant shipments assessed (risk-based targeting only), and those inspected.
    non_compliant: u64,
    detected: u64,
    /// Departures screened by the origin's customs for a destination on alert.
    screened: u64,
    /// Shipments assessed as trusted although a revocation that has taken effect (known
    /// there or not yet) removed the membership that made them so (MRA III.E).
    exposure: u64,
}

/// Counts of the shippers' responses in the measurement window.
#[derive(Debug, Clone, Copy, Default)]
struct Responses {
    deferred: u64,
    cancelled: u64,
    shifted: u64,
}

/// A flow's arrival process.
#[derive(Debug, Clone)]
struct FlowSource {
    rng: Stream,
    next_seq: u64,
    /// The stream of shipment `next_seq`, made when the previous shipment arrived: its
    /// five mixing rounds are then off the path from an arrival to the new shipment's draws.
    next_stream: Stream,
    /// Largest weekly multiplier (thinning bound).
    peak: f64,
}

/// The per-node daily series of `timeseries.csv` (`measure::NODE_SERIES`), kept only
/// when the `node` scope is asked for: deliveries are counted per node as they happen, the
/// rest is read from the nodes' own integrals once a day.
#[derive(Debug, Clone, Default)]
struct NodeSeries {
    /// Deliveries at each node since time 0.
    delivered: Vec<u64>,
    /// At the last day end, per node: deliveries, and the berths' queue and capacity
    /// integrals (less what the warm-up reset took away in that day).
    last: Vec<(u64, f64, f64)>,
    /// Per closed day, per node (day-major): `measure::NODE_SERIES`.
    daily: Vec<[f64; 5]>,
}

/// Options for a run.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct RunOptions {
    /// Check the shipment balance after every event and a full census every day
    /// (slow; tests use it).
    pub audit: bool,
    /// Stop with [`RunError::Memory`] once more shipments than this are in the network at
    /// once (created, not delivered): the memory budget's share of one simulation. 0: no
    /// limit. A limit that is not reached changes nothing in the results.
    pub max_live: u64,
    /// Scoped daily series to keep for `timeseries.csv` (none by default).
    pub scopes: crate::measure::ScopeKinds,
}

/// Why a replication stopped before its horizon.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Accounting(#[from] AccountingError),
    #[error(transparent)]
    Memory(#[from] MemoryExceeded),
}

/// More shipments in the network than the memory budget allows.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error(
    "{live} shipments in the network at day {time:.1} of replication {replication} ({strategy}), over the limit of {limit}; the longest queue: {queue}"
)]
pub struct MemoryExceeded {
    pub time: f64,
    pub replication: u64,
    pub strategy: String,
    pub live: u64,
    pub limit: u64,
    /// The queue that grew most, e.g. "berths of node `P` (999,000 waiting)".
    pub queue: String,
}

/// Shipment accounting failed: something was lost or double-counted.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("shipment accounting broken at t = {time}: {detail}")]
pub struct AccountingError {
    pub time: f64,
    pub detail: String,
}

/// The nodes' and routes' state, by node and by route index: plain vectors, so that an
/// event reaches a node's servers or a route's gate with one bounds-checked index.
/// Shipments, far more numerous and made during the run, are in their own slab
/// ([`ShipmentId`], [`Shipments`]).
#[derive(Debug, Clone)]
pub struct NetworkState {
    /// Each node's handling servers.
    pub berths: Vec<Berths>,
    /// Each node's occupancy record.
    pub occupancy: Vec<Occupancy>,
    /// Each node's customs post, if it has customs.
    pub customs: Vec<Option<CustomsPost>>,
    /// Each route's gate.
    pub gates: Vec<RouteGate>,
}

impl NetworkState {
    /// The network at time 0: every server idle, every route open, nothing queued.
    fn new(scenario: &Scenario) -> Self {
        NetworkState {
            berths: scenario
                .nodes
                .iter()
                .map(|n| Berths(ServerPool::new(n.servers)))
                .collect(),
            occupancy: vec![Occupancy::default(); scenario.nodes.len()],
            customs: scenario
                .nodes
                .iter()
                .map(|n| {
                    n.customs.as_ref().map(|c| CustomsPost {
                        inspectors: ServerPool::new(c.inspectors),
                        clearing: 0,
                        decided: 0,
                        inspected: 0,
                        in_customs: 0,
                        in_customs_area: 0.0,
                        last: 0.0,
                    })
                })
                .collect(),
            gates: (0..scenario.routes.len())
                .map(|r| RouteGate {
                    route: r as RouteId,
                    open: true,
                    next_free: 0.0,
                    waiting: VecDeque::new(),
                    ready_scheduled: false,
                    in_transit: 0,
                })
                .collect(),
        }
    }

    /// Route `route`'s gate.
    #[inline]
    fn gate_mut(&mut self, route: RouteId) -> &mut RouteGate {
        &mut self.gates[route as usize]
    }

    /// Node `node`'s berths.
    #[inline]
    fn berths_mut(&mut self, node: NodeId) -> &mut Berths {
        &mut self.berths[node as usize]
    }

    /// Node `node`'s occupancy record.
    #[inline]
    fn occupancy_mut(&mut self, node: NodeId) -> &mut Occupancy {
        &mut self.occupancy[node as usize]
    }

    /// Node `node`'s berths and occupancy record at once.
    #[inline]
    fn node_mut(&mut self, node: NodeId) -> (&mut Berths, &mut Occupancy) {
        (
            &mut self.berths[node as usize],
            &mut self.occupancy[node as usize],
        )
    }

    /// Customs node `node`'s post (events reach it only at nodes with customs).
    #[inline]
    fn customs_mut(&mut self, node: NodeId) -> &mut CustomsPost {
        self.customs[node as usize].as_mut().expect("customs post")
    }
}

/// The network's static entities: a [`Facility`] per node and a [`Link`] per route, spawned
/// in index order. Read only by audits and tools; shared, never changed, by the forks of a
/// simulation.
fn network_world(scenario: &Scenario) -> World {
    let mut world = World::new();
    for i in 0..scenario.nodes.len() {
        world.spawn(Facility { node: i as NodeId });
    }
    for r in 0..scenario.routes.len() {
        world.spawn(Link {
            route: r as RouteId,
        });
    }
    world
}

/// A hint to bring the cache line holding `p` closer (no effect on results; none on other
/// processors than x86-64). Measured: 10⁶-shipment runs 1.4–1.65 × faster with the run
/// loop's shipment prefetch, 10–15 % with the calendar buckets' (docs/performance.md).
#[inline(always)]
fn prefetch_line(p: *const u8) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: `_mm_prefetch` is unsafe only for its `sse` target feature, which every
    // x86-64 processor has; a prefetch never faults, whatever the address, and changes no
    // value. There is no safe way to issue one.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(p as *const i8);
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

/// How many events ahead the run loop prefetches a shipment's slot.
const PREFETCH_AHEAD: usize = 4;

/// One replication of one strategy in progress. Plain owned data (and borrows of the
/// scenario): a clone is an exact copy, whose future is this simulation's ([`Self::fork`]).
///
/// `P` is the [`Policy`] the engine asks for every strategy decision: the built-in rules
/// ([`Builtin`], [`Simulation::new`]) unless another is given ([`Simulation::with_policy`]).
#[derive(Clone)]
pub struct Simulation<'a, P: Policy = Builtin> {
    scenario: &'a Scenario,
    strategy: &'a Strategy,
    /// The strategy's decisions.
    policy: P,
    strategy_index: usize,
    replication: u64,
    seed: u64,
    /// The network's static entities (audits and tools only), shared by forks.
    world: Arc<World>,
    /// The nodes' and routes' state.
    net: NetworkState,
    /// Every shipment, by id, and the delivered slots to reuse.
    shipments: Shipments,
    calendar: Calendar,
    now: f64,
    sources: Vec<FlowSource>,
    collector: Collector,
    /// Routing in force, if it differs from the scenario's static routing.
    routing: Option<Vec<Option<RoutingTable>>>,
    created: u64,
    delivered: u64,
    events: u64,
    options: RunOptions,
    realisation: Realisation,
    /// Alert levels, capacity limits and affected places.
    status: NetworkStatus,
    /// A failed daily census (audit mode), reported by `run_until`.
    audit_error: Option<AccountingError>,
    /// Set when the shipments in the network pass `options.max_live`; stops the run.
    overflow: Option<Box<MemoryExceeded>>,
    /// Per node, per full day: departures and mean shipments present.
    node_daily: Vec<Vec<[f64; 2]>>,
    /// Node totals at the last day end (departures, area).
    node_last: Vec<(u64, f64)>,
    /// The `node` scope of `timeseries.csv`, if asked for (`RunOptions::scopes`).
    node_series: Option<Box<NodeSeries>>,
    /// Carriers' port choice for flows with alternates (None if no flow has any).
    ports: Option<Box<PortChoice>>,
    /// Shippers' expected delays for flows that respond (None if none does).
    shippers: Option<Box<ShipperView>>,
    /// A closure or reopening not yet seen by carriers acting on their own information
    /// (routing is re-planned at their next review).
    routing_stale: bool,
    /// Shipments cancelled by their shippers (since time 0), and held by them now.
    cancelled: u64,
    holding: u64,
    /// Responses in the measurement window.
    responses: Responses,
    /// Customs decisions in the measurement window.
    assessments: Assessments,
}

impl<'a> Simulation<'a> {
    /// Sets up replication `replication` of strategy `strategy` (index into the
    /// scenario's strategies) with master seed `seed`: an empty network at time 0, the
    /// strategy's decisions taken by the built-in rules.
    pub fn new(
        scenario: &'a Scenario,
        strategy: usize,
        replication: u64,
        seed: u64,
        options: RunOptions,
    ) -> Self {
        Self::with_policy(scenario, strategy, replication, seed, options, Builtin)
    }
}

impl<'a, P: Policy> Simulation<'a, P> {
    /// As [`Simulation::new`], with the strategy's decisions taken by `policy`.
    pub fn with_policy(
        scenario: &'a Scenario,
        strategy: usize,
        replication: u64,
        seed: u64,
        options: RunOptions,
        policy: P,
    ) -> Self {
        let n = scenario.nodes.len();
        let status = NetworkStatus {
            alert_level: scenario.countries.iter().map(|c| c.alert_level).collect(),
            alerts: vec![Vec::new(); scenario.countries.len()],
            limits: vec![Vec::new(); n],
            affected: vec![false; n],
            active: vec![0; n],
            draining: vec![false; n],
            closed_since: vec![0.0; n],
            route_closed_since: vec![0.0; scenario.routes.len()],
            was_closed: vec![false; n],
            alert_history: vec![Vec::new(); scenario.countries.len()],
        };
        let realisation = disruption::realise(scenario, replication, seed);
        let days = scenario.horizon.ceil() as usize;
        let mut sim = Simulation {
            scenario,
            strategy: &scenario.strategies[strategy],
            policy,
            strategy_index: strategy,
            replication,
            seed,
            world: Arc::new(network_world(scenario)),
            net: NetworkState::new(scenario),
            shipments: Shipments::default(),
            calendar: Calendar::new(),
            now: 0.0,
            sources: Vec::with_capacity(scenario.flows.len()),
            collector: {
                let mut c = Collector::new(scenario);
                if options.scopes.flow {
                    c.keep_flows(scenario.flows.len());
                }
                c
            },
            routing: None,
            created: 0,
            delivered: 0,
            events: 0,
            options,
            node_daily: vec![Vec::with_capacity(days); n],
            node_last: vec![(0, 0.0); n],
            node_series: options.scopes.node.then(|| {
                Box::new(NodeSeries {
                    delivered: vec![0; n],
                    last: vec![(0, 0.0, 0.0); n],
                    daily: Vec::with_capacity(days * n),
                })
            }),
            audit_error: None,
            overflow: None,
            status,
            realisation,
            ports: PortChoice::new(scenario),
            shippers: ShipperView::new(scenario),
            routing_stale: false,
            cancelled: 0,
            holding: 0,
            responses: Responses::default(),
            assessments: Assessments::default(),
        };
        for (i, &(t, _)) in sim.realisation.changes.iter().enumerate() {
            sim.calendar.schedule(t, Event::Change { index: i as u32 });
        }
        for (i, f) in scenario.flows.iter().enumerate() {
            let peak = f
                .weekly_profile
                .map_or(1.0, |w| w.iter().copied().fold(0.0, f64::max));
            sim.sources.push(FlowSource {
                rng: streams::stream(seed, replication, StreamKind::FlowArrivals, i as u64),
                next_seq: 0,
                next_stream: streams::shipment(seed, replication, i as u32, 0),
                peak,
            });
            let t = sim.next_arrival(i, 0.0);
            sim.calendar.schedule(t, Event::Arrival { flow: i as u32 });
        }
        if scenario.warmup > 0.0 {
            sim.calendar.schedule(scenario.warmup, Event::WarmupEnd);
        }
        if scenario.horizon >= 1.0 {
            sim.calendar.schedule(1.0, Event::DayEnd { day: 0 });
        }
        sim
    }

    /// Simulated time now.
    pub fn now(&self) -> f64 {
        self.now
    }

    /// The World of the network's static entities (for inspection in tests and tools).
    pub fn world(&self) -> &World {
        &self.world
    }

    /// Every shipment slot, live or delivered (marked [`Stage::Delivered`], kept for
    /// reuse), in slot order (for inspection in tests and tools).
    pub fn shipments(&self) -> impl Iterator<Item = &Shipment> {
        self.shipments.iter()
    }

    /// The nodes' and routes' state now (for inspection in tests and tools).
    pub fn network(&self) -> &NetworkState {
        &self.net
    }

    /// Events processed so far.
    pub fn events(&self) -> u64 {
        self.events
    }

    /// Shipments created and delivered so far.
    pub fn counts(&self) -> (u64, u64) {
        (self.created, self.delivered)
    }

    /// Shipments their shippers cancelled so far, and those they hold now (deferred or on
    /// a land leg): created = delivered + cancelled + in the network + held.
    pub fn responses(&self) -> (u64, u64) {
        (self.cancelled, self.holding)
    }

    /// Shipments created and neither delivered nor cancelled.
    fn live(&self) -> u64 {
        self.created - self.delivered - self.cancelled
    }

    /// Runs to the horizon and returns the replication's measures.
    pub fn run(mut self) -> Result<ReplicationResult, RunError> {
        self.run_until(self.scenario.horizon)?;
        Ok(self.finish())
    }

    /// Asks the processor to load what coming events will read, while the events before
    /// them are handled: with many shipments in flight their rows are rarely in cache, and
    /// the large calendar's current window is sorted, so the coming events are known
    /// (docs/performance.md, Scaling): the shipment's row `PREFETCH_AHEAD` events on.
    /// Hints only.
    #[inline]
    fn prefetch_ahead(&self) {
        let coming = self.calendar.ahead_if_large(PREFETCH_AHEAD);
        if let Some(e) = coming.and_then(Event::shipment) {
            self.shipments.prefetch(e);
        }
    }

    /// Processes every event up to and including time `t`.
    pub fn run_until(&mut self, t: f64) -> Result<(), RunError> {
        self.run_while(|c| c.pop_until(t))?;
        self.now = self.now.max(t.min(self.scenario.horizon));
        Ok(())
    }

    /// Processes every event strictly before time `t` (to branch at a disruption's onset).
    pub fn run_before(&mut self, t: f64) -> Result<(), RunError> {
        self.run_while(|c| c.pop_before(t))
    }

    /// The event loop: carries out the events `next` takes from the calendar, prefetching
    /// for the events to come in large calendars, and auditing if asked.
    #[inline]
    fn run_while(
        &mut self,
        next: impl Fn(&mut Calendar) -> Option<(f64, Event)>,
    ) -> Result<(), RunError> {
        while let Some((at, event)) = next(&mut self.calendar) {
            self.prefetch_ahead();
            self.dispatch(at, event);
            if self.options.audit {
                self.audit()?;
            }
            if let Some(e) = self.overflow.take() {
                return Err(RunError::Memory(*e));
            }
        }
        Ok(())
    }

    /// What to say when the shipments in the network pass the limit: how many, and the
    /// longest queue (berths, inspectors or a route's departures; the first of equals).
    #[cold]
    fn memory_exceeded(&self) -> MemoryExceeded {
        let sc = self.scenario;
        let mut longest = (
            0usize,
            String::from("none (the shipments are in service or in transit)"),
        );
        let mut consider = |len: usize, what: &dyn Fn() -> String| {
            if len > longest.0 {
                longest = (len, what());
            }
        };
        for (i, (b, c)) in self.net.berths.iter().zip(&self.net.customs).enumerate() {
            let id = &sc.nodes[i].id;
            consider(b.0.queued(), &|| format!("berths of node `{id}`"));
            if let Some(c) = c {
                consider(c.inspectors.queued(), &|| {
                    format!("customs inspectors of node `{id}`")
                });
            }
        }
        for (g, r) in self.net.gates.iter().zip(&sc.routes) {
            consider(g.waiting.len(), &|| {
                format!(
                    "departures on route `{}` → `{}`",
                    sc.nodes[r.from as usize].id, sc.nodes[r.to as usize].id
                )
            });
        }
        let queue = if longest.0 > 0 {
            format!("{} ({} waiting)", longest.1, longest.0)
        } else {
            longest.1
        };
        MemoryExceeded {
            time: self.now,
            replication: self.replication,
            strategy: self.strategy.name.clone(),
            live: self.live(),
            limit: self.options.max_live,
            queue,
        }
    }

    /// The audit after an event: the balance, and the daily census's verdict.
    fn audit(&mut self) -> Result<(), AccountingError> {
        self.check_balance()?;
        match self.audit_error.take() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// An exact copy of this simulation that continues under strategy `strategy`: a
    /// clone, so the copy's future is the future this simulation would have had under that
    /// strategy.
    pub fn fork(&self, strategy: usize) -> Simulation<'a, P> {
        let mut copy = self.clone();
        copy.strategy = &self.scenario.strategies[strategy];
        copy.strategy_index = strategy;
        copy.audit_error = None;
        copy.overflow = None;
        copy
    }

    /// Processes the earliest event; false if none is pending.
    pub fn step(&mut self) -> bool {
        match self.calendar.pop() {
            Some((t, event)) => {
                self.dispatch(t, event);
                true
            }
            None => false,
        }
    }

    /// Advances the clock to `t` and carries out `event`.
    #[inline]
    fn dispatch(&mut self, t: f64, event: Event) {
        self.now = t;
        self.events += 1;
        match event {
            Event::Arrival { flow } => self.on_arrival(flow),
            Event::HandlingDone { shipment } => match self.stage(shipment) {
                Stage::Handling(node) => self.on_handling_done(node, shipment),
                stage => unreachable!("handling done for a shipment {stage:?}"),
            },
            Event::InspectionDone { shipment } => match self.stage(shipment) {
                Stage::Inspection(node) => self.on_inspection_done(node, shipment),
                stage => unreachable!("inspection done for a shipment {stage:?}"),
            },
            Event::ClearanceDone { shipment } => match self.stage(shipment) {
                Stage::Clearance(node) => self.on_clearance_done(node, shipment),
                stage => unreachable!("clearance done for a shipment {stage:?}"),
            },
            Event::TransitDone { shipment } => match self.stage(shipment) {
                Stage::InTransit(route) => self.on_transit_done(route, shipment),
                stage => unreachable!("transit done for a shipment {stage:?}"),
            },
            Event::Release { shipment } => match self.stage(shipment) {
                Stage::Held(node) => self.on_release(node, shipment),
                stage => unreachable!("release for a shipment {stage:?}"),
            },
            Event::RouteReady { route } => self.on_route_ready(route),
            Event::DayEnd { day } => self.on_day_end(day),
            Event::WarmupEnd => self.on_warmup_end(),
            Event::Change { index } => self.on_change(index),
        }
    }

    /// Shipment `e`, to change: events, queues and gates name only live shipments.
    #[inline]
    fn shipment_mut(&mut self, e: ShipmentId) -> &mut Shipment {
        self.shipments.get_mut(e).expect("live shipment")
    }

    /// Shipment `e`'s stage, which says where its pending event happens (the calendar keeps
    /// only the shipment).
    #[inline]
    fn stage(&self, e: ShipmentId) -> Stage {
        self.shipments.get(e).expect("live shipment").stage
    }

    // ---- demand ------------------------------------------------------------------------

    /// The next arrival time of flow `i` after `from` (Poisson; thinning for a weekly profile).
    fn next_arrival(&mut self, i: usize, from: f64) -> f64 {
        let f = &self.scenario.flows[i];
        let src = &mut self.sources[i];
        let rate = f.rate_per_day * src.peak;
        let mut t = from;
        loop {
            let gap: f64 = Exp1.sample(&mut src.rng);
            t += gap / rate;
            match f.weekly_profile {
                None => return t,
                Some(w) => {
                    let m = w[(t as u64 % 7) as usize];
                    if src.rng.random::<f64>() * src.peak < m {
                        return t;
                    }
                }
            }
        }
    }

    fn on_arrival(&mut self, flow: u32) {
        let sc = self.scenario;
        let f = &sc.flows[flow as usize];
        let src = &mut self.sources[flow as usize];
        src.next_seq += 1;
        let following = streams::shipment(self.seed, self.replication, flow, src.next_seq);
        let mut rng = std::mem::replace(&mut src.next_stream, following);
        let u: f64 = rng.random();
        let members = f
            .traders
            .iter()
            .find(|(cum, _)| u < *cum)
            .map_or(Members(0), |t| t.1);
        let value = f.value.sample(&mut rng);
        let revoke_draw: f64 = rng.random();
        let dest_country = sc.nodes[f.destination as usize].country;
        // The class is the trader's: revocations change how it is treated, not its class.
        let trusted = sc.is_trusted(members, dest_country);
        let shipment = Shipment {
            flow,
            created: self.now,
            value,
            members,
            trusted,
            stage: Stage::Queued(f.origin),
            destination: f.destination,
            hop: 0,
            customs_done: false,
            node_arrival: self.now,
            revoke_draw,
            screened: false,
            rng,
        };
        // Delivered shipments' slots are reused, the last freed first.
        let e = self.shipments.insert(shipment);
        self.created += 1;
        if self.options.max_live > 0 && self.live() > self.options.max_live {
            self.overflow = Some(Box::new(self.memory_exceeded()));
        }
        self.collector
            .created(self.now, dest_country, trusted, value);
        let next = self.next_arrival(flow as usize, self.now);
        self.calendar.schedule(next, Event::Arrival { flow });
        match f.response {
            Some(r) if self.shippers.is_some() => {
                self.respond(e, flow, r, members, revoke_draw, trusted, value);
            }
            _ => self.start_journey(e, f.origin, members, revoke_draw),
        }
    }

    /// Shipment `e` starts its journey at `origin`: after its origin customs' pre-departure
    /// screening if the destination's country is on alert as the origin knows it, else at
    /// once.
    fn start_journey(&mut self, e: ShipmentId, origin: NodeId, members: Members, revoke_draw: f64) {
        if self.strategy.alert_notice != AlertNotice::None
            && let Some(days) = self.screening_needed(e, origin)
        {
            if self.now >= self.scenario.warmup {
                self.assessments.screened += 1;
            }
            self.hold(e, origin, days);
            return;
        }
        self.enter_node(e, origin, members, revoke_draw);
    }

    /// The screening time of shipment `e` leaving `origin`, if its origin's customs
    /// screens it: not yet screened, bound for a partner country (an arrangement in
    /// force between them) whose alert level, as the origin has been told of it, is
    /// raised. The screening time is drawn from the shipment's stream.
    fn screening_needed(&mut self, e: ShipmentId, origin: NodeId) -> Option<f64> {
        let sc = self.scenario;
        if !self.strategy.recognises_partners() {
            return None;
        }
        let (screened, destination) = {
            let s = self.shipments.get(e).expect("live shipment");
            (s.screened, s.destination)
        };
        let from = sc.nodes[origin as usize].country;
        let to = sc.nodes[destination as usize].country;
        if screened || from == to {
            return None;
        }
        let (own_from, own_to) = (
            sc.countries[from as usize].own_programmes,
            sc.countries[to as usize].own_programmes,
        );
        let a = sc
            .arrangements
            .iter()
            .filter(|a| a.programmes.any(own_from) && a.programmes.any(own_to))
            .min_by(|x, y| x.alert_notice.total_cmp(&y.alert_notice))?;
        let delay = match self.strategy.alert_notice {
            AlertNotice::Shared => 0.0,
            _ => a.alert_notice,
        };
        let initial = sc.countries[to as usize].alert_level;
        if self.status.alert_level_at(to, self.now - delay, initial) <= initial {
            return None;
        }
        let s = self.shipment_mut(e);
        s.screened = true;
        Some(a.screening_time.sample(&mut s.rng))
    }

    /// The shipper of new shipment `e` on `flow` ships it, defers it, cancels it or shifts
    /// it to a substitute flow, by the flow's expected delay at the last review
    /// (docs/model.md, "Demand response").
    #[allow(clippy::too_many_arguments)]
    fn respond(
        &mut self,
        e: ShipmentId,
        flow: u32,
        r: crate::scenario::Response,
        members: Members,
        revoke_draw: f64,
        trusted: bool,
        value: f64,
    ) {
        let sc = self.scenario;
        let f = &sc.flows[flow as usize];
        let country = sc.nodes[f.destination as usize].country;
        let known = self.effective_members(members, revoke_draw, country);
        let priority = self
            .policy
            .priority_class(sc, self.strategy, known, country);
        let lane = usize::from(!priority);
        let view = self.shippers.as_ref().expect("shippers' view");
        let delay = view.delay[2 * flow as usize + lane];
        let threshold = r.threshold[usize::from(!trusted)];
        if delay.is_nan() || delay <= threshold {
            self.start_journey(e, f.origin, members, revoke_draw);
            return;
        }
        let seq = self.sources[flow as usize].next_seq;
        let u: f64 = streams::stream(
            self.seed,
            self.replication,
            StreamKind::Response,
            (flow as u64) << 40 | seq,
        )
        .random();
        let subs = f
            .substitutes
            .iter()
            .map(|&(s, land)| view.delay[2 * s as usize + lane] + land);
        let action = respond::decide(&r, threshold, delay, u, subs);
        let counted = self.now >= sc.warmup;
        match action {
            respond::Action::Ship => self.start_journey(e, f.origin, members, revoke_draw),
            respond::Action::Cancel => {
                self.cancelled += 1;
                self.responses.cancelled += u64::from(counted);
                self.shipment_mut(e).stage = Stage::Delivered;
                self.shipments.release(e);
                self.collector.cancelled(self.now, country, trusted, value);
            }
            respond::Action::Defer => {
                self.responses.deferred += u64::from(counted);
                self.hold(e, f.origin, r.defer_for);
            }
            respond::Action::Shift(i) => {
                self.responses.shifted += u64::from(counted);
                let (to, land) = f.substitutes[i];
                let origin = sc.flows[to as usize].origin;
                let s = self.shipment_mut(e);
                s.flow = to;
                s.destination = sc.flows[to as usize].destination;
                s.hop = 0;
                s.stage = Stage::Queued(origin);
                if land > 0.0 {
                    self.hold(e, origin, land);
                } else {
                    self.start_journey(e, origin, members, revoke_draw);
                }
            }
        }
    }

    /// Shipment `e` waits with its shipper for `days`, then enters `node`.
    fn hold(&mut self, e: ShipmentId, node: NodeId, days: f64) {
        self.holding += 1;
        self.shipment_mut(e).stage = Stage::Held(node);
        self.calendar
            .schedule(self.now + days, Event::Release { shipment: e });
    }

    /// A held shipment enters its node.
    fn on_release(&mut self, node: NodeId, e: ShipmentId) {
        self.holding -= 1;
        let now = self.now;
        let (members, revoke_draw) = {
            let s = self.shipment_mut(e);
            s.stage = Stage::Queued(node);
            s.node_arrival = now;
            (s.members, s.revoke_draw)
        };
        // Holds are before departure only (deferral, a land leg, screening).
        self.start_journey(e, node, members, revoke_draw);
    }

    // ---- handling at nodes -------------------------------------------------------------

    /// The programmes whose members customs of `country` trusts in routine risk
    /// assessment ([`Policy::routine_programmes`]).
    #[inline]
    fn routine_programmes(&self, country: u16) -> Members {
        self.policy
            .routine_programmes(self.scenario, self.strategy, country)
    }

    /// A trader's memberships with every revocation whose onset has passed dropped, known
    /// or not: the truth that revocation exposure is measured against.
    #[inline]
    fn true_members(&self, members: Members, revoke_draw: f64) -> Members {
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
    fn knobs_apply(&self, node: NodeId) -> bool {
        self.strategy.active(self.status.affected[node as usize])
    }

    /// What the policy is told of a shipment of `members` (before revocations) and
    /// `revoke_draw` joining a queue at `node` now.
    #[inline]
    fn joining(&self, node: NodeId, members: Members, revoke_draw: f64) -> Joining {
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
    fn priority_at(&self, node: NodeId, members: Members, revoke_draw: f64) -> bool {
        let j = self.joining(node, members, revoke_draw);
        self.policy
            .berth_lane(self.scenario, self.strategy, &j)
            .is_priority()
    }

    /// A trader's memberships as customs of `country` knows them now: revoked ones are
    /// dropped once that country has learnt of the revocation (at once at home; a partner
    /// after the arrangement's notice delay, or at once with prompt notice).
    #[inline]
    fn effective_members(&self, members: Members, revoke_draw: f64, country: u16) -> Members {
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

    fn arrive_at_node(&mut self, e: ShipmentId, node: NodeId) {
        let now = self.now;
        let (members, revoke_draw) = {
            let s = self.shipment_mut(e);
            s.stage = Stage::Queued(node);
            s.node_arrival = now;
            (s.members, s.revoke_draw)
        };
        if let Some(pc) = &mut self.ports {
            pc.pipeline(self.scenario, node, members, now, true);
        }
        self.enter_node(e, node, members, revoke_draw);
    }

    /// A shipment whose stage (`Queued(node)`) and arrival time are set joins the node.
    fn enter_node(&mut self, e: ShipmentId, node: NodeId, members: Members, revoke_draw: f64) {
        let now = self.now;
        let priority = self.priority_at(node, members, revoke_draw);
        let (berths, occ) = self.net.node_mut(node);
        occ.enter(now);
        let start = berths.0.arrive(now, e, priority);
        if start {
            self.start_handling(e, node);
        }
    }

    fn start_handling(&mut self, e: ShipmentId, node: NodeId) {
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

    fn on_handling_done(&mut self, node: NodeId, e: ShipmentId) {
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

    // ---- customs -----------------------------------------------------------------------

    fn enter_customs(&mut self, e: ShipmentId, node: NodeId) {
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
        let sharpened = self.strategy.data_exchange
            && self.strategy.recognises_partners()
            && origin != n.country
            && sc.countries[origin as usize]
                .own_programmes
                .any(country.recognised_programmes);
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

    fn start_inspection(&mut self, e: ShipmentId, node: NodeId) {
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

    fn on_inspection_done(&mut self, node: NodeId, e: ShipmentId) {
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

    fn on_clearance_done(&mut self, node: NodeId, e: ShipmentId) {
        let now = self.now;
        let post = self.net.customs_mut(node);
        post.advance(now);
        post.in_customs -= 1;
        post.clearing -= 1;
        self.leave_node(e, node);
    }

    // ---- routes ------------------------------------------------------------------------

    fn leave_node(&mut self, e: ShipmentId, node: NodeId) {
        let l = Leaving::record(self.shipment_mut(e), node);
        self.left_node(e, node, l);
    }

    /// The shipment, whose leaving is recorded in `l`, goes on from `node`: delivered,
    /// diverted, or onto its next route.
    fn left_node(&mut self, e: ShipmentId, node: NodeId, l: Leaving) {
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

    /// The port the carriers of `flow` chose at their last review for shipment `e`'s class,
    /// if it is not the destination and can be reached from `node` (docs/model.md, "Port
    /// choice"). Reads the stored choice; the review computed it.
    #[inline]
    fn diversion(&self, e: ShipmentId, flow: u32, node: NodeId) -> Option<NodeId> {
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
    fn distance(&self, port: NodeId, node: NodeId) -> f64 {
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
    fn review_ports(&mut self) {
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
        let prio = self.strategy.priority == Priority::TrustedFirst;
        let mutual =
            self.strategy.recognition == Recognition::Mutual && self.strategy.recognises_partners();
        let high = |k: usize| prio && (k == 0 || (k == 1 && mutual));
        let split = |x: [f64; 3]| {
            let mut s = [0.0; 2];
            for (k, v) in x.iter().enumerate() {
                s[usize::from(!high(k))] += v;
            }
            s
        };
        // Priority cargo a day at each port, with the diversions in force.
        let mut prio_rate: Vec<f64> = pc.through.iter().map(|&t| split(t)[0]).collect();
        for &fi in &pc.flows {
            let f = &sc.flows[fi as usize];
            let to = pc.choice[2 * fi as usize];
            if to != f.destination {
                let r = pc.rate[fi as usize] * split(pc.shares[fi as usize])[0];
                prio_rate[pc.watch[f.destination as usize] as usize] -= r;
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
                        split([x[0] as f64, x[1] as f64, x[2] as f64])
                    })
                    .collect();
                let view = divert::PortView {
                    now,
                    available,
                    capacity_per_day,
                    queued: [lanes[0] as f64, lanes[1] as f64],
                    due,
                    local_per_day: split(pc.local[w]),
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
                pc.choice[slot] = cands[divert::choose(current, &times)];
            }
            if !prio {
                pc.choice[2 * fi as usize] = pc.choice[2 * fi as usize + 1];
            }
            pc.diverting[fi as usize] = pc.choice[2 * fi as usize] != f.destination
                || pc.choice[2 * fi as usize + 1] != f.destination;
        }
        self.ports = Some(pc);
    }

    /// Expected customs time at `port` for a shipment of flow `f` if it clears there (an
    /// import whose first node in the country is `port`): inspected at the class rates and
    /// the alert level now, else document clearance; queues for inspectors not counted.
    fn expected_customs(&self, f: &crate::scenario::Flow, port: NodeId) -> f64 {
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

    /// When closed `node` next has working capacity, from the disruptions' known schedule,
    /// and the share of its servers then (infinity and 0 if never).
    fn reopening(&self, node: NodeId) -> (f64, f64) {
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

    /// The next route toward `dest` from `node` under the routing in force.
    fn next_route(&self, dest: NodeId, node: NodeId) -> RouteId {
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

    fn depart(&mut self, e: ShipmentId, route: RouteId) {
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

    fn on_route_ready(&mut self, route: RouteId) {
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

    fn start_transit(&mut self, e: ShipmentId, route: RouteId) {
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

    fn on_transit_done(&mut self, route: RouteId, e: ShipmentId) {
        self.net.gate_mut(route).in_transit -= 1;
        self.arrive_at_node(e, self.scenario.routes[route as usize].to);
    }

    fn deliver(&mut self, e: ShipmentId, s: Delivery) {
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

    // ---- time boundaries ---------------------------------------------------------------

    fn on_day_end(&mut self, day: u32) {
        self.close_day(1.0);
        if (day as f64 + 1.0) % self.scenario.review_days == 0.0 {
            if self.routing_stale {
                self.routing_stale = false;
                self.reroute();
            }
            if self.ports.is_some() {
                self.review_ports();
            }
            if self.shippers.is_some() {
                self.review_demand();
            }
        }
        let next = day as f64 + 2.0;
        if next <= self.scenario.horizon {
            self.calendar.schedule(next, Event::DayEnd { day: day + 1 });
        }
        if self.options.audit && self.audit_error.is_none() {
            self.audit_error = self.census().err();
        }
    }

    /// Closes a day of `length` days: system, country, class and node series.
    fn close_day(&mut self, length: f64) {
        let now = self.now;
        self.collector.close_day(now, length);
        for i in 0..self.scenario.nodes.len() {
            let o = self.net.occupancy_mut(i as NodeId);
            o.advance(now);
            let (dep, area) = (o.total_departures, o.total_area);
            let (ld, la) = self.node_last[i];
            self.node_daily[i].push([(dep - ld) as f64, (area - la) / length]);
            self.node_last[i] = (dep, area);
        }
        if let Some(ns) = &mut self.node_series {
            for i in 0..self.scenario.nodes.len() {
                let b = self.net.berths_mut(i as NodeId).0.stats(now);
                let d = ns.delivered[i];
                let (ld, lq, lc) = ns.last[i];
                let [throughput, in_node] = *self.node_daily[i].last().expect("pushed above");
                ns.daily.push([
                    throughput,
                    (d - ld) as f64,
                    in_node,
                    (b.queue_area - lq) / length,
                    (b.capacity_area - lc) / length,
                ]);
                ns.last[i] = (d, b.queue_area, b.capacity_area);
            }
        }
    }

    fn on_warmup_end(&mut self) {
        let now = self.now;
        self.collector.mark(now);
        if let Some(ns) = &mut self.node_series {
            // The reset below zeroes the berths' integrals: carry today's part so far.
            for i in 0..self.scenario.nodes.len() {
                let b = self.net.berths_mut(i as NodeId).0.stats(now);
                let l = &mut ns.last[i];
                *l = (l.0, l.1 - b.queue_area, l.2 - b.capacity_area);
            }
        }
        let net = &mut self.net;
        for ((b, o), c) in net
            .berths
            .iter_mut()
            .zip(&mut net.occupancy)
            .zip(&mut net.customs)
        {
            b.0.reset_stats(now);
            o.reset(now);
            if let Some(c) = c {
                c.reset(now);
            }
        }
    }

    // ---- results -----------------------------------------------------------------------

    /// Closes the books at the horizon and returns the measures.
    pub fn finish(mut self) -> ReplicationResult {
        let sc = self.scenario;
        let now = sc.horizon;
        self.now = now;
        let full_days = self.collector.days_closed();
        if (full_days as f64) < now {
            self.close_day(now - full_days as f64);
        }
        let window = (now - sc.warmup).max(f64::MIN_POSITIVE);
        let mut values = vec![f64::NAN; MeasureSchema::len_for(sc)];
        for i in 0..self.scenario.nodes.len() {
            let o = MeasureSchema::node_offset(i);
            let v = &mut values[o..o + NODE_MEASURES.len()];
            let (berths, occ) = self.net.node_mut(i as NodeId);
            let b = berths.0.stats(now);
            occ.advance(now);
            v[0] = occ.departures as f64 / window;
            v[1] = ratio(b.busy_area, b.capacity_area);
            v[2] = ratio(b.wait_sum, b.started as f64);
            v[3] = b.queue_area / window;
            v[4] = occ.area / window;
            v[5] = ratio(occ.time_sum, occ.departures as f64);
            if let Some(c) = self.net.customs[i].as_mut() {
                c.advance(now);
                let s = c.inspectors.stats(now);
                v[6] = ratio(s.busy_area, s.capacity_area);
                v[7] = ratio(c.inspected as f64, c.decided as f64);
                v[8] = ratio(s.wait_sum, s.started as f64);
                v[9] = s.queue_area / window;
                v[10] = c.in_customs_area / window;
            }
            v[11] = if self.realisation.first_onset().is_some() {
                self.realisation.damage_at_onset[i]
            } else {
                f64::NAN
            };
        }
        let daily = self.collector.finish(now, sc.nodes.len(), &mut values);
        let sensitivity = self.recovery_measures(full_days, &mut values);
        let scope_daily = self.scope_daily(daily.len());
        ReplicationResult {
            replication: self.replication,
            strategy: self.strategy_index,
            values,
            daily,
            scope_daily,
            sensitivity,
            events: self.events,
        }
    }

    // ---- disruptions -------------------------------------------------------------------

    fn on_change(&mut self, index: u32) {
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
    fn check_drained(&mut self, node: NodeId) {
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
    fn set_limit(&mut self, node: NodeId, slot: u32, share: f64) {
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
    fn announce(&mut self) {
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
    fn shared_information(&self) -> bool {
        self.policy.shared_information(self.scenario, self.strategy)
    }

    /// When closed `node` is expected to have working capacity again, and the share of its
    /// servers then: the known schedule under shared information; under the carriers'
    /// own, as long again as it has been closed, with all its servers [U].
    fn expected_reopening(&self, node: NodeId) -> (f64, f64) {
        if self.shared_information() {
            self.reopening(node)
        } else {
            let since = self.status.closed_since[node as usize];
            (self.now + (self.now - since).max(0.0), 1.0)
        }
    }

    /// What carriers and shippers see of `node`'s capacity at a review, under the strategy's
    /// information ([`Self::expected_reopening`] if it is closed).
    fn node_view(&self, node: NodeId) -> NodeView {
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
    fn route_wait(&self, route: RouteId) -> f64 {
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

    /// The shippers' review of the expected extra delay on every responding flow and its
    /// substitutes (docs/model.md, "Demand response"): from the first onset on, at the
    /// periodic reviews and (shared information) at closures and reopenings.
    fn review_demand(&mut self) {
        if !self
            .realisation
            .first_onset()
            .is_some_and(|t| self.now >= t)
        {
            return;
        }
        let Some(mut view) = self.shippers.take() else {
            return;
        };
        let sc = self.scenario;
        let now = self.now;
        let prio = self.strategy.priority == Priority::TrustedFirst;
        for &fi in &view.flows {
            let f = &sc.flows[fi as usize];
            let routes: Vec<RouteId> = match &f.path {
                Some(p) => p.clone(),
                None => sc.static_paths[fi as usize]
                    .iter()
                    .map(|s| s.route)
                    .collect(),
            };
            let mut d = [0.0f64; 2];
            let nodes =
                std::iter::once(f.origin).chain(routes.iter().map(|&r| sc.routes[r as usize].to));
            for n in nodes {
                let NodeView {
                    available,
                    capacity_per_day: mu,
                    lanes,
                    ..
                } = self.node_view(n);
                let closed = (available - now).max(0.0);
                let all = (lanes[0] + lanes[1]) as f64;
                let high = if prio && self.knobs_apply(n) {
                    lanes[0] as f64
                } else {
                    all
                };
                for (lane, ahead) in [high, all].into_iter().enumerate() {
                    d[lane] += closed + if ahead > 0.0 { ahead / mu } else { 0.0 };
                }
            }
            for &r in &routes {
                let gate = &self.net.gates[r as usize];
                let mut w = gate.waiting.len() as f64 * sc.routes[r as usize].headway;
                if !gate.open {
                    w += self.route_wait(r);
                }
                d[0] += w;
                d[1] += w;
            }
            view.delay[2 * fi as usize] = d[0];
            view.delay[2 * fi as usize + 1] = d[1];
        }
        self.shippers = Some(view);
    }

    /// With rerouting on, recomputes routing around closed nodes and routes.
    fn reroute(&mut self) {
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

    /// Recovery measures of every scope, from the daily series of `full_days` whole days
    /// (the rule and its parts: [`crate::measure::recovery_values`]).
    fn recovery_measures(&mut self, full_days: usize, values: &mut [f64]) -> Vec<f64> {
        let sc = self.scenario;
        let onset = self.realisation.first_onset();
        values[10] = if onset.is_some() { 1.0 } else { 0.0 };
        values[11] = onset.unwrap_or(f64::NAN);
        values[12] = self.responses.deferred as f64;
        values[13] = self.responses.cancelled as f64;
        values[14] = self.responses.shifted as f64;
        let a = &self.assessments;
        for k in 0..3 {
            values[15 + k] = ratio(a.inspected[k] as f64, a.decided[k] as f64);
        }
        values[18] = a.exposure as f64;
        values[19] = a.non_compliant as f64;
        values[20] = a.detected as f64;
        values[21] = ratio(a.detected as f64, a.non_compliant as f64);
        values[22] = a.screened as f64;
        let Some(onset) = onset else {
            return Vec::new();
        };
        let demand: Vec<[Vec<f64>; 3]> = (0..sc.countries.len() + 3)
            .map(|k| self.collector.scope_series(k))
            .collect();
        let nodes: Vec<[Vec<f64>; 2]> = self
            .node_daily
            .iter()
            .map(|d| {
                [
                    d.iter().map(|x| x[0]).collect(),
                    d.iter().map(|x| x[1]).collect(),
                ]
            })
            .collect();
        crate::measure::recovery_values(sc, &demand, &nodes, full_days, onset, values)
    }

    /// The scoped daily series of `timeseries.csv` over `days` days, in
    /// `measure::scope_rows` order, series-major (empty without scopes).
    fn scope_daily(&self, days: usize) -> Vec<f64> {
        use crate::measure::{COUNTRY_SERIES, NODE_SERIES};
        let (sc, kinds) = (self.scenario, self.options.scopes);
        let mut out = Vec::new();
        let mut push = |series: &mut dyn Iterator<Item = f64>| {
            let start = out.len();
            out.extend(series.take(days));
            out.resize(start + days, f64::NAN);
        };
        if let Some(ns) = &self.node_series {
            let n = sc.nodes.len();
            for i in 0..n {
                for k in 0..NODE_SERIES.len() {
                    push(&mut ns.daily.iter().skip(i).step_by(n).map(|x| x[k]));
                }
            }
        }
        if kinds.country {
            for c in 0..sc.countries.len() {
                for k in 0..COUNTRY_SERIES.len() {
                    push(&mut self.collector.demand_series(1 + c, k));
                }
            }
        }
        if kinds.flow {
            for f in 0..sc.flows.len() {
                push(&mut self.collector.flow_series(f));
            }
        }
        out
    }

    /// The disruptions as they happen in this replication.
    pub fn realisation(&self) -> &Realisation {
        &self.realisation
    }

    // ---- accounting --------------------------------------------------------------------

    /// Checks created = delivered + queued + in service + in transit, counting from the
    /// queues, servers and routes themselves.
    pub fn check_balance(&mut self) -> Result<(), AccountingError> {
        let mut held: u64 = 0;
        for (b, c) in self.net.berths.iter().zip(&self.net.customs) {
            held += b.0.queued() as u64 + b.0.busy as u64;
            if let Some(c) = c {
                held += c.inspectors.queued() as u64 + c.inspectors.busy as u64 + c.clearing as u64;
            }
        }
        for g in &self.net.gates {
            held += g.waiting.len() as u64 + g.in_transit as u64;
        }
        let with_shippers = held + self.holding;
        if self.created != self.delivered + self.cancelled + with_shippers
            || self.collector.wip() != with_shippers
        {
            return Err(AccountingError {
                time: self.now,
                detail: format!(
                    "created {} ≠ delivered {} + cancelled {} + in the network {} + held by shippers {} (collector WIP {})",
                    self.created,
                    self.delivered,
                    self.cancelled,
                    held,
                    self.holding,
                    self.collector.wip()
                ),
            });
        }
        Ok(())
    }

    /// A full census: every shipment's stage agrees with the structure holding it, the
    /// free list with the delivered slots, and the World with the scenario's network.
    pub fn census(&mut self) -> Result<(), AccountingError> {
        let n = self.scenario.nodes.len();
        let mut at_node = vec![[0u64; 5]; n];
        let mut on_route = vec![[0u64; 2]; self.scenario.routes.len()];
        let mut total = 0u64;
        let mut with_shippers = 0u64;
        for s in self.shipments.iter() {
            if s.stage == Stage::Delivered {
                continue;
            }
            total += 1;
            match s.stage {
                Stage::Queued(x) => at_node[x as usize][0] += 1,
                Stage::Handling(x) => at_node[x as usize][1] += 1,
                Stage::AwaitingInspection(x) => at_node[x as usize][2] += 1,
                Stage::Inspection(x) => at_node[x as usize][3] += 1,
                Stage::Clearance(x) => at_node[x as usize][4] += 1,
                Stage::AwaitingDeparture(r) => on_route[r as usize][0] += 1,
                Stage::InTransit(r) => on_route[r as usize][1] += 1,
                Stage::Held(_) => with_shippers += 1,
                Stage::Delivered => {}
            }
        }
        let err = |detail: String| AccountingError {
            time: self.now,
            detail,
        };
        self.shipments.check().map_err(&err)?;
        self.check_world().map_err(&err)?;
        if total != self.live() || with_shippers != self.holding {
            return Err(err(format!(
                "{total} live shipments ({with_shippers} held by shippers), but created − delivered − cancelled = {} ({} held)",
                self.live(),
                self.holding
            )));
        }
        for (i, counted) in at_node.iter().enumerate() {
            let b = &self.net.berths[i].0;
            let found = [b.queued() as u64, b.busy as u64];
            if found != [counted[0], counted[1]] {
                return Err(err(format!(
                    "node {}: berths hold {found:?} (queued, busy) but shipments say {:?}",
                    self.scenario.nodes[i].id,
                    &counted[..2]
                )));
            }
            let found = self.net.customs[i].as_ref().map_or([0; 3], |c| {
                [
                    c.inspectors.queued() as u64,
                    c.inspectors.busy as u64,
                    c.clearing as u64,
                ]
            });
            if found != [counted[2], counted[3], counted[4]] {
                return Err(err(format!(
                    "node {}: customs holds {found:?} but shipments say {:?}",
                    self.scenario.nodes[i].id,
                    &counted[2..]
                )));
            }
        }
        for (r, g) in self.net.gates.iter().enumerate() {
            let found = [g.waiting.len() as u64, g.in_transit as u64];
            if found != on_route[r] {
                return Err(err(format!(
                    "route {}: holds {found:?} but shipments say {:?}",
                    self.scenario.routes[r].id, on_route[r]
                )));
            }
        }
        self.check_references().map_err(err)
    }

    /// The World holds one [`Facility`] per node and one [`Link`] per route of the
    /// scenario, each index once, and the state vectors one entry per node and route.
    fn check_world(&self) -> Result<(), String> {
        let sc = self.scenario;
        let world = &*self.world;
        let mut nodes = vec![0u32; sc.nodes.len()];
        let mut routes = vec![0u32; sc.routes.len()];
        for e in world.iter_entities() {
            if let Some(f) = e.get::<Facility>() {
                *nodes.get_mut(f.node as usize).ok_or(format!(
                    "a facility for node #{}, beyond the scenario",
                    f.node
                ))? += 1;
            }
            if let Some(l) = e.get::<Link>() {
                *routes.get_mut(l.route as usize).ok_or(format!(
                    "a link for route #{}, beyond the scenario",
                    l.route
                ))? += 1;
            }
        }
        if let Some(i) = nodes.iter().position(|&k| k != 1) {
            return Err(format!(
                "node #{i} has {} facilities in the World",
                nodes[i]
            ));
        }
        if let Some(r) = routes.iter().position(|&k| k != 1) {
            return Err(format!("route #{r} has {} links in the World", routes[r]));
        }
        let net = &self.net;
        let lens = [net.berths.len(), net.occupancy.len(), net.customs.len()];
        if lens != [sc.nodes.len(); 3] || net.gates.len() != sc.routes.len() {
            return Err(format!(
                "state for {lens:?} nodes and {} routes, but the scenario has {} and {}",
                net.gates.len(),
                sc.nodes.len(),
                sc.routes.len()
            ));
        }
        if let Some(i) =
            (0..sc.nodes.len()).find(|&i| net.customs[i].is_some() != sc.nodes[i].customs.is_some())
        {
            return Err(format!(
                "node {}: a customs post where the scenario has none, or none where it has one",
                sc.nodes[i].id
            ));
        }
        Ok(())
    }

    /// Every shipment a queue, a route or the calendar holds is a live shipment in the
    /// stage that place means: a queue's in its queue at that node or route, a pending
    /// event's in the stage the event ends, which is where the event will be carried out.
    fn check_references(&self) -> Result<(), String> {
        let stage = |id: ShipmentId| self.shipments.get(id).map(|s| s.stage);
        let expect = |id: ShipmentId, want: Stage, place: &str| match stage(id) {
            Some(s) if s == want => Ok(()),
            found => Err(format!(
                "{place} holds shipment {id:?} whose stage is {found:?}, not {want:?}"
            )),
        };
        for (i, (b, c)) in self.net.berths.iter().zip(&self.net.customs).enumerate() {
            let node = i as NodeId;
            for w in b.0.waiting() {
                expect(w.shipment, Stage::Queued(node), "a berth queue")?;
            }
            if let Some(c) = c {
                for w in c.inspectors.waiting() {
                    expect(
                        w.shipment,
                        Stage::AwaitingInspection(node),
                        "an inspection queue",
                    )?;
                }
            }
        }
        for (r, g) in self.net.gates.iter().enumerate() {
            for &id in &g.waiting {
                expect(
                    id,
                    Stage::AwaitingDeparture(r as RouteId),
                    "a route's queue",
                )?;
            }
        }
        for event in self.calendar.pending() {
            let Some(id) = event.shipment() else { continue };
            let ok = matches!(
                (event, stage(id)),
                (Event::HandlingDone { .. }, Some(Stage::Handling(_)))
                    | (Event::InspectionDone { .. }, Some(Stage::Inspection(_)))
                    | (Event::ClearanceDone { .. }, Some(Stage::Clearance(_)))
                    | (Event::TransitDone { .. }, Some(Stage::InTransit(_)))
                    | (Event::Release { .. }, Some(Stage::Held(_)))
            );
            if !ok {
                return Err(format!(
                    "the calendar holds {event:?} for a shipment whose stage is {:?}",
                    stage(id)
                ));
            }
        }
        Ok(())
    }
}

impl Occupancy {
    #[inline]
    fn advance(&mut self, now: f64) {
        let a = self.present as f64 * (now - self.last);
        self.area += a;
        self.total_area += a;
        self.last = now;
    }
    #[inline]
    fn enter(&mut self, now: f64) {
        self.advance(now);
        self.present += 1;
    }
    #[inline]
    fn leave(&mut self, now: f64, arrived: f64) {
        self.advance(now);
        self.present -= 1;
        self.departures += 1;
        self.total_departures += 1;
        self.time_sum += now - arrived;
    }
    fn reset(&mut self, now: f64) {
        self.advance(now);
        // The totals since time 0 stay: the daily node series are their differences.
        *self = Occupancy {
            present: self.present,
            last: now,
            total_departures: self.total_departures,
            total_area: self.total_area,
            ..Occupancy::default()
        };
    }
}

impl CustomsPost {
    #[inline]
    fn advance(&mut self, now: f64) {
        self.in_customs_area += self.in_customs as f64 * (now - self.last);
        self.last = now;
    }
    fn reset(&mut self, now: f64) {
        self.advance(now);
        self.inspectors.reset_stats(now);
        self.decided = 0;
        self.inspected = 0;
        self.in_customs_area = 0.0;
    }
}

/// a / b, or NaN when b is 0.
fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 { a / b } else { f64::NAN }
}

/// Runs replication `replication` of strategy `strategy` to the horizon.
pub fn run_replication(
    scenario: &Scenario,
    strategy: usize,
    replication: u64,
    seed: u64,
    options: RunOptions,
) -> Result<ReplicationResult, RunError> {
    Simulation::new(scenario, strategy, replication, seed, options).run()
}
