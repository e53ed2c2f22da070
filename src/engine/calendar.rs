//! The event calendar: a binary min-heap on (time, sequence number). The sequence number
//! breaks ties in scheduling order, so simultaneous events run in a deterministic order.

use bevy_ecs::entity::Entity;
use std::cmp::Ordering;
use std::collections::BinaryHeap;

use crate::scenario::{NodeId, RouteId};

/// What happens at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// The next shipment of a flow is created.
    Arrival { flow: u32 },
    /// A server at a node finishes handling a shipment.
    HandlingDone { node: NodeId, shipment: Entity },
    /// An inspection team finishes inspecting a shipment.
    InspectionDone { node: NodeId, shipment: Entity },
    /// A shipment not inspected is cleared (document delay, no server).
    ClearanceDone { node: NodeId, shipment: Entity },
    /// A shipment reaches the end of a route.
    TransitDone { route: RouteId, shipment: Entity },
    /// A capacity-limited route can dispatch its next waiting shipment.
    RouteReady { route: RouteId },
    /// The end of day `day`: daily series are closed.
    DayEnd { day: u32 },
    /// The warm-up ends: measures start.
    WarmupEnd,
    /// A disruption changes the network's state (index into the replication's changes).
    Change { index: u32 },
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    time: f64,
    seq: u64,
    event: Event,
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Entry {
    /// Reversed so that `BinaryHeap` (a max-heap) pops the earliest event first.
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .time
            .total_cmp(&self.time)
            .then_with(|| other.seq.cmp(&self.seq))
    }
}

/// Pending events in time order.
#[derive(Debug, Default, Clone)]
pub struct Calendar {
    heap: BinaryHeap<Entry>,
    seq: u64,
}

impl Calendar {
    /// An empty calendar.
    pub fn new() -> Self {
        Self::default()
    }

    /// Schedules `event` at `time`.
    #[inline]
    pub fn schedule(&mut self, time: f64, event: Event) {
        self.seq += 1;
        self.heap.push(Entry {
            time,
            seq: self.seq,
            event,
        });
    }

    /// Removes and returns the earliest event.
    #[inline]
    pub fn pop(&mut self) -> Option<(f64, Event)> {
        self.heap.pop().map(|e| (e.time, e.event))
    }

    /// The time of the earliest event.
    pub fn peek_time(&self) -> Option<f64> {
        self.heap.peek().map(|e| e.time)
    }

    /// Number of pending events.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// Rewrites the shipment entity of every pending event (when a simulation is copied
    /// into a new World); the pop order is unchanged.
    pub fn map_shipments(&mut self, f: impl Fn(Entity) -> Entity) {
        let mut entries = std::mem::take(&mut self.heap).into_vec();
        for e in &mut entries {
            match &mut e.event {
                Event::HandlingDone { shipment, .. }
                | Event::InspectionDone { shipment, .. }
                | Event::ClearanceDone { shipment, .. }
                | Event::TransitDone { shipment, .. } => *shipment = f(*shipment),
                _ => {}
            }
        }
        self.heap = BinaryHeap::from(entries);
    }

    /// True when nothing is pending.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn earliest_first_ties_in_scheduling_order() {
        let mut c = Calendar::new();
        c.schedule(2.0, Event::DayEnd { day: 2 });
        c.schedule(1.0, Event::Arrival { flow: 1 });
        c.schedule(1.0, Event::Arrival { flow: 0 });
        c.schedule(0.5, Event::WarmupEnd);
        assert_eq!(c.pop(), Some((0.5, Event::WarmupEnd)));
        assert_eq!(c.pop(), Some((1.0, Event::Arrival { flow: 1 })));
        assert_eq!(c.pop(), Some((1.0, Event::Arrival { flow: 0 })));
        assert_eq!(c.pop(), Some((2.0, Event::DayEnd { day: 2 })));
        assert!(c.pop().is_none());
    }
}
