//! The engine's state types: the nodes' and routes' state by index ([`NetworkState`]:
//! [`Berths`], [`Occupancy`], [`CustomsPost`], [`RouteGate`]), a shipment ([`Shipment`],
//! its [`Stage`]), the network's disruption status ([`NetworkStatus`]) and the static
//! entities of the simulation's World ([`Facility`], [`Link`]). Handlers (the sibling
//! files) change them; `engine.rs` holds them in `Simulation`.

use super::*;

/// A node's entity in the simulation's [`World`]: its index in the scenario.
#[derive(Component, Debug, Clone)]
pub struct Facility {
    /// The node's index in `Scenario::nodes`.
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
    /// Inspection teams and the shipments waiting for one.
    pub inspectors: ServerPool,
    /// Shipments in document clearance now (not inspected, no server needed).
    pub clearing: u32,
    /// Customs decisions in the window, and how many were inspections.
    pub decided: u64,
    /// Of those decisions, the ones that sent the shipment to inspection.
    pub inspected: u64,
    /// Shipments in customs now (waiting, inspected or in document clearance).
    pub in_customs: u32,
    /// Integral of `in_customs` over the window so far, shipment-days.
    pub in_customs_area: f64,
    /// Up to when `in_customs_area` is integrated, days.
    pub last: f64,
}

/// Shipments at a node (queued, handled or in customs), integrated over time.
#[derive(Debug, Clone, Default)]
pub struct Occupancy {
    /// Shipments at the node now.
    pub present: u32,
    /// Integral of `present` over the window so far, shipment-days.
    pub area: f64,
    /// Up to when the areas are integrated, days.
    pub last: f64,
    /// Shipments that left the node (or were delivered there) in the window.
    pub departures: u64,
    /// Sum of those departures' times at the node, days (mean time in node's numerator).
    pub time_sum: f64,
    /// Since time 0 (never reset): departures and time-integral of shipments present.
    pub total_departures: u64,
    /// Integral of `present` since time 0, shipment-days.
    pub total_area: f64,
}

/// A directed route's dispatching state.
#[derive(Debug, Clone)]
pub struct RouteGate {
    /// The route's index in `Scenario::routes`.
    pub route: RouteId,
    /// False while a closure holds the route.
    pub open: bool,
    /// Earliest time the next departure may leave (capacity headway).
    pub next_free: f64,
    /// Shipments at the origin waiting for a departure slot or the reopening, FIFO.
    pub waiting: VecDeque<ShipmentId>,
    /// A `RouteReady` event is on the calendar (so a second is not scheduled).
    pub ready_scheduled: bool,
    /// Shipments on the route now.
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
    /// Index of its flow in `Scenario::flows`.
    pub flow: u32,
    /// When it was created, days from the start (lead times count from here).
    pub created: f64,
    /// Declared value of the cargo, USD (weights the value-based delay measures).
    pub value: f64,
    /// The trusted-trader programmes its trader belongs to.
    pub members: Members,
    /// Trusted at its destination's customs (its class in the measures).
    pub trusted: bool,
    /// Where it is now, and so where its next event happens.
    pub stage: Stage,
    /// Where it will be delivered: the flow's destination, or an alternate after diversion.
    pub destination: NodeId,
    /// Routes taken so far (position in an explicit path).
    pub hop: u16,
    /// It has entered its destination's country, so customs is behind it.
    pub customs_done: bool,
    /// When it entered its current node, days (its time in the node counts from here).
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
    /// When each route last closed, days.
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
pub(super) struct Delivery {
    pub(super) flow: u32,
    pub(super) trusted: bool,
    pub(super) created: f64,
    pub(super) value: f64,
    pub(super) marked: bool,
}

/// What the rest of a shipment's leaving a node needs, read with the lookup that recorded
/// it (the hop counted, and the stage set to `Delivered` at its destination).
#[derive(Debug, Clone, Copy)]
pub(super) struct Leaving {
    pub(super) arrived: f64,
    pub(super) hop: u16,
    pub(super) dest: NodeId,
    pub(super) done: Delivery,
}

impl Leaving {
    #[inline]
    pub(super) fn record(s: &mut Shipment, node: NodeId) -> Leaving {
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

/// The nodes' and routes' state, by node and by route index: plain vectors, so that an
/// event reaches a node's servers or a route's gate with one bounds-checked index.
/// Shipments, far more numerous and made during the run, are in their own slab
/// ([`ShipmentId`], `engine/shipments.rs`).
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
    pub(super) fn new(scenario: &Scenario) -> Self {
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
    pub(super) fn gate_mut(&mut self, route: RouteId) -> &mut RouteGate {
        &mut self.gates[route as usize]
    }

    /// Node `node`'s berths.
    #[inline]
    pub(super) fn berths_mut(&mut self, node: NodeId) -> &mut Berths {
        &mut self.berths[node as usize]
    }

    /// Node `node`'s occupancy record.
    #[inline]
    pub(super) fn occupancy_mut(&mut self, node: NodeId) -> &mut Occupancy {
        &mut self.occupancy[node as usize]
    }

    /// Node `node`'s berths and occupancy record at once.
    #[inline]
    pub(super) fn node_mut(&mut self, node: NodeId) -> (&mut Berths, &mut Occupancy) {
        (
            &mut self.berths[node as usize],
            &mut self.occupancy[node as usize],
        )
    }

    /// Customs node `node`'s post (events reach it only at nodes with customs).
    #[inline]
    pub(super) fn customs_mut(&mut self, node: NodeId) -> &mut CustomsPost {
        self.customs[node as usize].as_mut().expect("customs post")
    }
}

/// The network's static entities: a [`Facility`] per node and a [`Link`] per route, spawned
/// in index order. Read only by audits and tools; shared, never changed, by the forks of a
/// simulation.
pub(super) fn network_world(scenario: &Scenario) -> World {
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

impl Occupancy {
    #[inline]
    pub(super) fn advance(&mut self, now: f64) {
        let a = self.present as f64 * (now - self.last);
        self.area += a;
        self.total_area += a;
        self.last = now;
    }
    #[inline]
    pub(super) fn enter(&mut self, now: f64) {
        self.advance(now);
        self.present += 1;
    }
    #[inline]
    pub(super) fn leave(&mut self, now: f64, arrived: f64) {
        self.advance(now);
        self.present -= 1;
        self.departures += 1;
        self.total_departures += 1;
        self.time_sum += now - arrived;
    }
    pub(super) fn reset(&mut self, now: f64) {
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
    pub(super) fn advance(&mut self, now: f64) {
        self.in_customs_area += self.in_customs as f64 * (now - self.last);
        self.last = now;
    }
    pub(super) fn reset(&mut self, now: f64) {
        self.advance(now);
        self.inspectors.reset_stats(now);
        self.decided = 0;
        self.inspected = 0;
        self.in_customs_area = 0.0;
    }
}
