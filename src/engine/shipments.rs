//! The shipments of one replication: a slab (a `Vec` of slots) indexed by [`ShipmentId`],
//! with a free list of delivered slots.
//!
//! A shipment keeps its slot from creation to delivery (or cancellation); its slot is then
//! marked [`Stage::Delivered`] and put on the free list, and the next new shipment takes
//! the slot freed last. A [`ShipmentId`] (4 bytes) is what events, queues and route gates
//! hold. The slab is plain owned data: cloning it (`Simulation::fork`) copies every
//! shipment with its id, so nothing that holds an id needs rewriting.

use super::{Shipment, Stage};

/// A shipment in the engine: its slot in the replication's shipment slab, fixed from its
/// creation to its delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ShipmentId(pub(super) u32);

impl ShipmentId {
    /// The slot, as an index.
    #[inline(always)]
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Every shipment slot of a replication, live or delivered, and the delivered slots to
/// reuse (last freed, first reused).
#[derive(Debug, Clone, Default)]
pub(super) struct Shipments {
    slots: Vec<Shipment>,
    free: Vec<ShipmentId>,
}

impl Shipments {
    /// Stores new shipment `shipment` in the slot freed last, or in a new slot if none is
    /// free; returns its id.
    #[inline]
    pub(super) fn insert(&mut self, shipment: Shipment) -> ShipmentId {
        match self.free.pop() {
            Some(id) => {
                self.slots[id.index()] = shipment;
                id
            }
            None => {
                let id = ShipmentId(u32::try_from(self.slots.len()).expect("< 2^32 shipments"));
                self.slots.push(shipment);
                id
            }
        }
    }

    /// Puts delivered (or cancelled) shipment `id`, whose stage is already
    /// [`Stage::Delivered`], on the free list.
    #[inline]
    pub(super) fn release(&mut self, id: ShipmentId) {
        debug_assert_eq!(self.slots[id.index()].stage, Stage::Delivered);
        self.free.push(id);
    }

    /// Shipment `id`; `None` if there is no such slot.
    #[inline(always)]
    pub(super) fn get(&self, id: ShipmentId) -> Option<&Shipment> {
        self.slots.get(id.index())
    }

    /// Shipment `id`, to change; `None` if there is no such slot.
    #[inline(always)]
    pub(super) fn get_mut(&mut self, id: ShipmentId) -> Option<&mut Shipment> {
        self.slots.get_mut(id.index())
    }

    /// Asks the processor to load shipment `id` (both lines its slot may span); a hint, no
    /// effect if there is no such slot.
    #[inline]
    pub(super) fn prefetch(&self, id: ShipmentId) {
        if let Some(s) = self.slots.get(id.index()) {
            let p = (s as *const Shipment).cast::<u8>();
            super::prefetch_line(p);
            super::prefetch_line(p.wrapping_add(size_of::<Shipment>() - 1));
        }
    }

    /// Every slot, live or delivered, in slot order.
    pub(super) fn iter(&self) -> impl Iterator<Item = &Shipment> {
        self.slots.iter()
    }

    /// Checks the free list against the slots: every free slot exists, is marked
    /// delivered and is listed once, and every slot marked delivered is free.
    pub(super) fn check(&self) -> Result<(), String> {
        let mut listed = vec![false; self.slots.len()];
        for &id in &self.free {
            match self.slots.get(id.index()) {
                None => return Err(format!("the free list holds {id:?}, beyond the slots")),
                Some(s) if s.stage != Stage::Delivered => {
                    return Err(format!(
                        "the free list holds {id:?}, whose stage is {:?}",
                        s.stage
                    ));
                }
                Some(_) if listed[id.index()] => {
                    return Err(format!("the free list holds {id:?} twice"));
                }
                Some(_) => listed[id.index()] = true,
            }
        }
        let delivered = self
            .slots
            .iter()
            .filter(|s| s.stage == Stage::Delivered)
            .count();
        if delivered != self.free.len() {
            return Err(format!(
                "{delivered} slots marked delivered, but {} on the free list",
                self.free.len()
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Members;

    fn shipment(flow: u32) -> Shipment {
        Shipment {
            flow,
            created: 0.0,
            value: 1.0,
            members: Members(0),
            trusted: false,
            stage: Stage::Queued(0),
            destination: 1,
            hop: 0,
            customs_done: false,
            node_arrival: 0.0,
            revoke_draw: 0.5,
            screened: false,
            rng: crate::streams::shipment(1, 0, flow, 0),
        }
    }

    #[test]
    fn delivered_slots_are_reused_last_freed_first() {
        let mut s = Shipments::default();
        let ids: Vec<ShipmentId> = (0..5).map(|f| s.insert(shipment(f))).collect();
        assert_eq!(ids, (0..5).map(ShipmentId).collect::<Vec<_>>());
        for &id in &ids[1..3] {
            s.get_mut(id).expect("slot").stage = Stage::Delivered;
            s.release(id);
        }
        assert!(s.check().is_ok());
        assert_eq!(s.insert(shipment(10)), ids[2]);
        assert_eq!(s.insert(shipment(11)), ids[1]);
        assert_eq!(s.insert(shipment(12)), ShipmentId(5));
        assert_eq!(s.get(ids[2]).map(|x| x.flow), Some(10));
        assert!(s.get(ShipmentId(6)).is_none());
        assert!(s.check().is_ok());
    }

    #[test]
    fn a_free_list_out_of_step_is_reported() {
        let mut s = Shipments::default();
        let a = s.insert(shipment(0));
        s.get_mut(a).expect("slot").stage = Stage::Delivered;
        let err = s.check().expect_err("delivered but not free");
        assert!(err.contains("free list"), "{err}");
        s.release(a);
        assert!(s.check().is_ok());
        s.get_mut(a).expect("slot").stage = Stage::Queued(0);
        let err = s.check().expect_err("free but live");
        assert!(err.contains("stage"), "{err}");
    }
}
