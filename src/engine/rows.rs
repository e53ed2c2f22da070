//! Shipments by [`ShipmentId`], their row in the World's shipment table, so that an event
//! reaches its shipment in one load.
//!
//! Shipments are spawned with a single component and never despawned (a delivered one is
//! reused for a new shipment) nor given or stripped of components, so each keeps the table
//! row it was spawned in for the rest of the replication: that row is its identity in the
//! engine (events, queues and routes hold it). Going through bevy instead (`Query::get`)
//! first reads the entity's record in `Entities`, one of ~24 bytes per entity that is
//! rarely in cache when 10⁵ shipments are in flight and cannot be prefetched (bevy does not
//! expose its address), then checks the archetype and the world; and an [`Entity`] takes 8
//! bytes in every event and queue place where a row takes 4 (docs/performance.md, Scaling).
//!
//! The column's address is kept too, taken from bevy after every spawn: a table's column
//! is reallocated only when rows are added to it, and rows are added to the shipments'
//! table only by [`ShipmentRows::spawn`] (the engine's World is private to it, and no
//! shipment is ever despawned). Reaching a shipment is then one load, where going through
//! the World's tables each time was four more, one after another, on the path of every
//! event.
//!
//! A wrong id could only give another shipment's component, never memory that is not a
//! `Shipment`: the id is bounds-checked against the column's length, and a World other
//! than the one the rows were made for gets `None`. `Simulation::census` (audit mode, in
//! the test suite) checks the table and the kept column against bevy's own records, and
//! every id the queues and routes hold against the shipment's stage. Writes through
//! [`ShipmentRows::get_mut`] do not mark the component changed for bevy's change
//! detection, which nothing in tradesim reads.

use super::Shipment;
use bevy_ecs::component::ComponentId;
use bevy_ecs::prelude::*;
use bevy_ecs::storage::TableId;
use bevy_ecs::world::WorldId;
use std::cell::UnsafeCell;
use std::ptr::NonNull;

/// A shipment in the engine: its row in the World's shipment table, fixed for the
/// replication (see the module doc).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ShipmentId(pub(super) u32);

impl ShipmentId {
    /// The row, as an index.
    #[inline(always)]
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// The shipments' table and column in one World. Not `Clone`: its column address belongs
/// to one World.
#[derive(Debug)]
pub(super) struct ShipmentRows {
    component: ComponentId,
    /// The World the rows are recorded in.
    world: WorldId,
    /// The shipments' table, once the first one is spawned.
    table: Option<TableId>,
    /// The table's `Shipment` column as of the last spawn: its first cell and its length
    /// (dangling and 0 before the first spawn).
    column: NonNull<UnsafeCell<Shipment>>,
    len: usize,
}

// SAFETY: the column address is only dereferenced through `cell`, which takes a borrow of
// the World that owns the column (checked by id), so the usual borrow rules of that World
// govern every access, from whatever thread; `Shipment` is itself `Send + Sync`.
unsafe impl Send for ShipmentRows {}
// SAFETY: as for `Send`: `&ShipmentRows` gives no access to the column without the World.
unsafe impl Sync for ShipmentRows {}

impl ShipmentRows {
    /// No shipment yet.
    pub(super) fn new(world: &mut World) -> Self {
        ShipmentRows {
            component: world.register_component::<Shipment>(),
            world: world.id(),
            table: None,
            column: NonNull::dangling(),
            len: 0,
        }
    }

    /// The shipments' column in `world`'s table as bevy has it now (`None` before any spawn).
    fn column_now<'w>(&self, world: &'w World) -> Option<&'w [UnsafeCell<Shipment>]> {
        super::cells::column(world, self.table?, self.component)
    }

    /// Spawns `shipment`; its id is the row it was given.
    pub(super) fn spawn(&mut self, world: &mut World, shipment: Shipment) -> ShipmentId {
        assert_eq!(
            world.id(),
            self.world,
            "shipments spawned in their rows' World"
        );
        let e = world.spawn(shipment).id();
        let at = world.entities().get_spawned(e).expect("just spawned");
        let table = *self.table.get_or_insert(at.table_id);
        assert_eq!(table, at.table_id, "every shipment lives in one table");
        // The spawn may have moved the column: keep its new place.
        let column = self.column_now(world).expect("the shipments' column");
        self.column = NonNull::from(column).cast();
        self.len = column.len();
        ShipmentId(at.table_row.index_u32())
    }

    /// The cell holding shipment `id`'s component; `None` if there is no such shipment.
    #[inline(always)]
    fn cell<'w>(&self, world: &'w World, id: ShipmentId) -> Option<&'w UnsafeCell<Shipment>> {
        if id.index() >= self.len || world.id() != self.world {
            return None;
        }
        // SAFETY: `column` and `len` are the shipments' column in this World (checked by
        // id) as it was after the last spawn, and only a spawn, which refreshes them, adds
        // rows to that table (the engine never despawns a shipment nor gives one another
        // component): the column has not moved or shrunk since, so the row is within it.
        // The cell lives as long as the World's borrow, `'w`.
        Some(unsafe { &*self.column.as_ptr().add(id.index()) })
    }

    /// Shipment `id`'s component; `None` if there is no such shipment.
    #[inline]
    pub(super) fn get_mut<'w>(
        &self,
        world: &'w mut World,
        id: ShipmentId,
    ) -> Option<&'w mut Shipment> {
        let cell = self.cell(world, id)?;
        // SAFETY: `world` is borrowed mutably for `'w`, so nothing else can read or write
        // the World's components meanwhile: this is the only reference to the cell's value.
        Some(unsafe { &mut *cell.get() })
    }

    /// Shipment `id`'s component, to read; `None` if there is no such shipment.
    #[inline]
    pub(super) fn get<'w>(&self, world: &'w World, id: ShipmentId) -> Option<&'w Shipment> {
        let cell = self.cell(world, id)?;
        // SAFETY: `world` is borrowed for `'w`, so no one can write the World meanwhile.
        Some(unsafe { &*cell.get() })
    }

    /// Asks the processor to load shipment `id`'s component (both lines its row may span);
    /// a hint, no effect if there is no such shipment.
    #[inline]
    pub(super) fn prefetch(&self, world: &World, id: ShipmentId) {
        if let Some(c) = self.cell(world, id) {
            let p = c.get() as *const u8;
            super::prefetch_line(p);
            super::prefetch_line(p.wrapping_add(size_of::<Shipment>() - 1));
        }
    }

    /// Every shipment's id, in row order.
    pub(super) fn ids(&self) -> impl Iterator<Item = ShipmentId> + use<> {
        (0..self.len as u32).map(ShipmentId)
    }

    /// The entity of shipment `id` (for audits and copies), looked up in bevy's table.
    pub(super) fn entity(&self, world: &World, id: ShipmentId) -> Option<Entity> {
        let table = world.storages().tables.get(self.table?)?;
        table.entities().get(id.index()).copied()
    }

    /// Checks the kept column against bevy's table, given the number of `Shipment`
    /// components in the World: an error says what has changed behind the rows' back.
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
        let column = self.column_now(world).ok_or("no shipments' column")?;
        if (column.as_ptr(), column.len()) != (self.column.as_ptr().cast_const(), self.len) {
            return Err(
                "the shipments' column has moved or changed length since the last spawn".into(),
            );
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
            screened: false,
            rng: crate::streams::shipment(1, 0, flow, 0),
        }
    }

    #[test]
    fn each_shipment_is_found_by_its_id_among_other_entities() {
        let mut world = World::new();
        let mut rows = ShipmentRows::new(&mut world);
        let mut spawned = Vec::new();
        for flow in 0..100 {
            if flow % 7 == 0 {
                world.spawn_empty(); // other entities take indices in between
            }
            spawned.push(rows.spawn(&mut world, shipment(flow)));
        }
        for (flow, &id) in spawned.iter().enumerate() {
            assert_eq!(rows.get(&world, id).map(|s| s.flow), Some(flow as u32));
            rows.get_mut(&mut world, id).expect("shipment").hop = flow as u16;
            let e = rows.entity(&world, id).expect("an entity");
            assert_eq!(world.get::<Shipment>(e).map(|s| s.hop), Some(flow as u16));
        }
        assert!(rows.get(&world, ShipmentId(100)).is_none());
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
        let e = rows.entity(&world, a).expect("an entity");
        world.despawn(e);
        let err = rows.check(&world, 2).expect_err("a row has moved");
        assert!(err.contains("column"), "{err}");
    }

    #[test]
    fn a_column_changed_behind_the_rows_is_reported() {
        let mut world = World::new();
        let mut rows = ShipmentRows::new(&mut world);
        let a = rows.spawn(&mut world, shipment(0));
        assert!(rows.check(&world, 1).is_ok());
        // Shipments spawned behind the rows' back grow (move) the column; despawned again,
        // the count is right but the kept column is not. The engine never does this.
        let behind: Vec<Entity> = (1..1000).map(|f| world.spawn(shipment(f)).id()).collect();
        let err = rows.check(&world, 1000).expect_err("the column moved");
        assert!(err.contains("column"), "{err}");
        for e in behind {
            world.despawn(e);
        }
        let err = rows.check(&world, 1).expect_err("the column moved");
        assert!(err.contains("column"), "{err}");
        // Rows of another World are not looked up in this one.
        let mut other = World::new();
        let _ = ShipmentRows::new(&mut other).spawn(&mut other, shipment(2));
        assert!(rows.get(&other, a).is_none());
    }
}
