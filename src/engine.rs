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
//!
//! How the files meet: this file holds [`Simulation`], its run loop and the dispatch of
//! each event kind to its handler; every handler is a method of `Simulation` in the file
//! of its concern, and asks the strategy's decisions of the [`Policy`] (`crate::policy`):
//! - `state.rs`: the state types (nodes, routes, shipments, network status);
//! - `shipments.rs`: the shipments' slab ([`ShipmentId`]); `calendar.rs`: the events;
//!   `queue.rs`: the two-lane server pools;
//! - `demand.rs`: arrivals, new shipments, screening, the shippers' response (`respond.rs`
//!   the rule) and their reviews;
//! - `handling.rs`: a node's berths, and memberships as a customs post knows them;
//! - `customs.rs`: assessment, inspection, clearance;
//! - `routes.rs`: leaving a node, departures, transit, delivery, rerouting;
//! - `ports.rs`: carriers' port choice and diversion (`divert.rs` the estimate; the
//!   choice is `Policy::choose_port`'s);
//! - `disruptions.rs`: a realisation's changes, announcements, what reviews expect;
//! - `finish.rs`: day ends, warm-up, the measures at the horizon;
//! - `audit.rs`: the balance, the census, the memory-budget message.

mod audit;
pub mod calendar;
mod customs;
mod demand;
mod disruptions;
pub mod divert;
mod finish;
mod handling;
mod ports;
pub mod queue;
pub mod respond;
mod routes;
mod shipments;
mod state;

use crate::disruption::{self, Change, Realisation};
use crate::measure::{Collector, MeasureSchema, NODE_MEASURES, ReplicationResult};
use crate::network::RoutingTable;
use crate::policy::{Builtin, Joining, Policy, Strategy, When};
use crate::scenario::{Members, NodeId, RouteId, Scenario};
use crate::streams::{self, Stream, StreamKind};
use bevy_ecs::prelude::*;
use calendar::{Calendar, Event};
use customs::Assessments;
use demand::{FlowSource, Responses, ShipperView};
use finish::NodeSeries;
use ports::PortChoice;
use queue::ServerPool;
use rand::RngExt;
use rand_distr::{Distribution, Exp1};
pub use shipments::ShipmentId;
use shipments::Shipments;
pub use state::{
    Berths, CustomsPost, Facility, Link, NetworkState, NetworkStatus, Occupancy, RouteGate,
    Shipment, Stage,
};
use state::{Delivery, Leaving, network_world};
use std::collections::VecDeque;
use std::sync::Arc;

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
    /// A shipment was lost or counted twice: a bug, reported rather than hidden.
    #[error(transparent)]
    Accounting(#[from] AccountingError),
    /// The network held more shipments than the memory budget allows.
    #[error(transparent)]
    Memory(#[from] MemoryExceeded),
}

/// More shipments in the network than the memory budget allows.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error(
    "{live} shipments in the network at day {time:.1} of replication {replication} ({strategy}), over the limit of {limit}; the longest queue: {queue}"
)]
pub struct MemoryExceeded {
    /// When the limit was passed, days from the start.
    pub time: f64,
    /// The replication that passed it.
    pub replication: u64,
    /// Name of the strategy being run.
    pub strategy: String,
    /// Shipments in the network at that moment.
    pub live: u64,
    /// Most shipments the memory budget allows in the network at once.
    pub limit: u64,
    /// The queue that grew most, e.g. "berths of node `P` (999,000 waiting)".
    pub queue: String,
}

/// Shipment accounting failed: something was lost or double-counted.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("shipment accounting broken at t = {time}: {detail}")]
pub struct AccountingError {
    /// When the mismatch was found, days from the start.
    pub time: f64,
    /// Which count disagreed, and by how much.
    pub detail: String,
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

    /// The disruptions as they happen in this replication.
    pub fn realisation(&self) -> &Realisation {
        &self.realisation
    }
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
