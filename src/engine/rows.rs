//! Where each shipment's [`Shipment`] component sits in the World's table, kept by the
//! engine so that an event reaches its shipment in one lookup.
//!
//! Shipments are spawned with a single component and never despawned (a delivered one is
//! reused for a new shipment) nor given or stripped of components, so each keeps the table
//! row it was spawned in. Recording that row at spawn time lets the engine go from an
//! [`Entity`] straight to its component: bevy's own path (`Query::get`) first reads the
//! entity's record in `Entities`, one of ~24 bytes per entity that is rarely in cache when
//! 10⁵ shipments are in flight and cannot be prefetched (bevy does not expose its address),
//! then checks the archetype and the world. With the row known, the coming events'
//! shipments are prefetched from this record alone (docs/performance.md, Scaling).
//!
//! A wrong row could only give another shipment's component, never memory that is not a
//! `Shipment`: the row is bounds-checked against the column. `Simulation::census` (audit
//! mode, in the test suite) checks every recorded row against bevy's own record. Writes
//! through [`ShipmentRows::get_mut`] do not mark the component changed for bevy's change
//! detection, which nothing in tradesim reads.

use super::Shipment;
use bevy_ecs::component::ComponentId;
use bevy_ecs::prelude::*;
use bevy_ecs::storage::TableId;
use std::cell::UnsafeCell;

/// The table row of every shipment, by entity index.
#[derive(Debug, Clone)]
pub(super) struct ShipmentRows {
    component: ComponentId,
    /// The shipments' table, once the first one is spawned.
    table: Option<TableId>,
    /// Table row by entity index; `u32::MAX` (beyond any table) for other entities.
    rows: Vec<u32>,
}

impl ShipmentRows {
    /// No shipment yet.
    pub(super) fn new(world: &mut World) -> Self {
        ShipmentRows {
            component: world.register_component::<Shipment>(),
            table: None,
            rows: Vec::new(),
        }
    }

    /// Spawns `shipment` and records its row.
    pub(super) fn spawn(&mut self, world: &mut World, shipment: Shipment) -> Entity {
        let e = world.spawn(shipment).id();
        let at = world.entities().get_spawned(e).expect("just spawned");
        let table = *self.table.get_or_insert(at.table_id);
        assert_eq!(table, at.table_id, "every shipment lives in one table");
        let i = e.index_u32() as usize;
        if self.rows.len() <= i {
            self.rows.resize(i + 1, u32::MAX);
        }
        self.rows[i] = at.table_row.index_u32();
        e
    }

    /// The cell holding shipment `e`'s component; `None` if `e` is not a shipment.
    #[inline(always)]
    fn cell<'w>(&self, world: &'w World, e: Entity) -> Option<&'w UnsafeCell<Shipment>> {
        let row = *self.rows.get(e.index_u32() as usize)? as usize;
        let table = world.storages().tables.get(self.table?)?;
        // SAFETY: the column of `self.component` stores `Shipment`s, and the slice's length
        // is the table's row count, as `get_data_slice_for` requires.
        let rows = unsafe { table.get_data_slice_for::<Shipment>(self.component) }?;
        rows.get(row)
    }

    /// Shipment `e`'s component; `None` if `e` is not a shipment.
    #[inline]
    pub(super) fn get_mut<'w>(&self, world: &'w mut World, e: Entity) -> Option<&'w mut Shipment> {
        let cell = self.cell(world, e)?;
        // SAFETY: `world` is borrowed mutably for `'w`, so nothing else can read or write
        // the World's components meanwhile: this is the only reference to the cell's value.
        Some(unsafe { &mut *cell.get() })
    }

    /// Shipment `e`'s component, to read; `None` if `e` is not a shipment.
    #[inline]
    pub(super) fn get<'w>(&self, world: &'w World, e: Entity) -> Option<&'w Shipment> {
        let cell = self.cell(world, e)?;
        // SAFETY: `world` is borrowed for `'w`, so no one can write the World meanwhile.
        Some(unsafe { &*cell.get() })
    }

    /// The address of shipment `e`'s component, for a prefetch; `None` if not a shipment.
    #[inline]
    fn address(&self, world: &World, e: Entity) -> Option<*const Shipment> {
        self.cell(world, e).map(|c| c.get() as *const Shipment)
    }

    /// Asks the processor to load shipment `e`'s component (both lines its row may span);
    /// a hint, no effect if `e` is not a shipment.
    #[inline]
    pub(super) fn prefetch(&self, world: &World, e: Entity) {
        if let Some(p) = self.address(world, e) {
            super::prefetch_line(p as *const u8);
            super::prefetch_line((p as *const u8).wrapping_add(size_of::<Shipment>() - 1));
        }
    }

    /// Asks the processor to load `e`'s recorded row number, which [`Self::prefetch`]
    /// reads first: a hint, to be given further ahead.
    #[inline]
    pub(super) fn prefetch_record(&self, e: Entity) {
        if let Some(r) = self.rows.get(e.index_u32() as usize) {
            super::prefetch_line(r as *const u32 as *const u8);
        }
    }

    /// Checks the recorded rows against bevy's table, given the number of `Shipment`
    /// components in the World: an error names the first shipment whose row has moved.
    pub(super) fn check(&self, world: &World, shipments: usize) -> Result<(), String> {
        let Some(table) = self.table.and_then(|t| world.storages().tables.get(t)) else {
            return match shipments {
                0 => Ok(()),
                n => Err(format!("{n} shipments but no recorded table")),
            };
        };
        if table.entity_count() as usize != shipments {
            return Err(format!(
                "{shipments} shipments, but {} rows in the shipments' table",
                table.entity_count()
            ));
        }
        for (row, e) in table.entities().iter().enumerate() {
            let recorded = self.rows.get(e.index_u32() as usize).copied();
            if recorded != Some(row as u32) {
                return Err(format!(
                    "shipment {e} is at row {row}, recorded at {recorded:?}"
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Stage;
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
            rng: crate::streams::shipment(1, 0, flow, 0),
        }
    }

    #[test]
    fn each_shipment_is_found_at_its_row_among_other_entities() {
        let mut world = World::new();
        let mut rows = ShipmentRows::new(&mut world);
        let mut spawned = Vec::new();
        for flow in 0..100 {
            if flow % 7 == 0 {
                world.spawn_empty(); // other entities take indices in between
            }
            spawned.push(rows.spawn(&mut world, shipment(flow)));
        }
        let other = world.spawn_empty().id();
        for (flow, &e) in spawned.iter().enumerate() {
            assert_eq!(rows.get(&world, e).map(|s| s.flow), Some(flow as u32));
            rows.get_mut(&mut world, e).expect("shipment").hop = flow as u16;
            assert_eq!(world.get::<Shipment>(e).map(|s| s.hop), Some(flow as u16));
        }
        assert!(rows.get(&world, other).is_none());
        assert!(rows.address(&world, other).is_none());
        assert!(rows.check(&world, 100).is_ok());
        assert!(rows.check(&world, 99).is_err());
    }

    #[test]
    fn a_moved_row_is_reported() {
        let mut world = World::new();
        let mut rows = ShipmentRows::new(&mut world);
        let a = rows.spawn(&mut world, shipment(0));
        rows.spawn(&mut world, shipment(1));
        rows.spawn(&mut world, shipment(2));
        // Despawning moves the last row into the freed one: the engine never does this.
        world.despawn(a);
        let err = rows.check(&world, 2).expect_err("a row has moved");
        assert!(err.contains("row 0"), "{err}");
    }
}
