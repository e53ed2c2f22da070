//! Where the network's components sit in the World, recorded once the network is spawned,
//! so that an event reaches a node's servers or a route's gate in one load.
//!
//! Nodes and routes are spawned when a simulation is made (or forked), before these
//! records, and never again; they are never despawned nor given or stripped of a
//! component. No other entity shares their archetypes (shipments have one of their own),
//! so no row is ever added to or removed from their tables: their columns never move and
//! each component keeps the cell it was recorded at. Going through bevy instead (a cached
//! `QueryState`) checks the World, reads the entity's record in `Entities`, checks its
//! archetype against the query's and then finds the table and column: five or six loads,
//! one after another, on the path of every event.
//!
//! Each access takes a borrow of the World the cells were recorded in (checked by id), so
//! bevy's borrow rules govern them as they do its own queries. `Simulation::census` (audit
//! mode, in the test suite) checks every recorded cell against bevy's own lookup.

use bevy_ecs::component::{Component, ComponentId};
use bevy_ecs::prelude::*;
use bevy_ecs::storage::TableId;
use bevy_ecs::world::WorldId;
use std::any::TypeId;
use std::cell::UnsafeCell;
use std::ptr::NonNull;

/// Component `T` of each of a fixed list of entities (by position in the list), or `None`
/// where the entity has none.
pub(super) struct Cells<T> {
    world: WorldId,
    cells: Vec<Option<NonNull<UnsafeCell<T>>>>,
}

// SAFETY: a cell is only dereferenced through a borrow of the World that owns it (checked
// by id), so that World's borrow rules govern every access, from whatever thread; the
// components are `Send + Sync` (`Component` requires it).
unsafe impl<T: Component> Send for Cells<T> {}
// SAFETY: as for `Send`: `&Cells` gives no access to a component without the World.
unsafe impl<T: Component> Sync for Cells<T> {}

/// The column of component `T` (whose id is `component`) in table `table` of `world`, as
/// bevy has it now: one cell per row; `None` if there is no such table or column.
pub(super) fn column<T: Component>(
    world: &World,
    table: TableId,
    component: ComponentId,
) -> Option<&[UnsafeCell<T>]> {
    let table = world.storages().tables.get(table)?;
    debug_assert_eq!(world.component_id::<T>(), Some(component));
    // SAFETY: the column of `T`'s component id stores `T`s (the callers pass that id), and
    // the slice's length is the table's row count, as `get_data_slice_for` requires.
    unsafe { table.get_data_slice_for::<T>(component) }
}

/// Entity `e`'s cell of component `T`, looked up through bevy's own records.
fn lookup<T: Component>(world: &World, e: Entity) -> Option<NonNull<UnsafeCell<T>>> {
    let at = world.entities().get_spawned(e).ok()?;
    column::<T>(world, at.table_id, world.component_id::<T>()?)?
        .get(at.table_row.index_u32() as usize)
        .map(NonNull::from)
}

impl<T: Component> Cells<T> {
    /// Records component `T` of each of `entities`. Every entity of their archetypes must
    /// already be spawned, and none ever spawned or despawned after (see the module doc).
    pub(super) fn record(world: &World, entities: &[Entity]) -> Self {
        Cells {
            world: world.id(),
            cells: entities.iter().map(|&e| lookup(world, e)).collect(),
        }
    }

    /// The cell of entity `i`, if it has a `T` and `world` is the one recorded.
    #[inline(always)]
    fn cell(&self, world: &World, i: usize) -> Option<NonNull<UnsafeCell<T>>> {
        let cell = (*self.cells.get(i)?)?;
        (world.id() == self.world).then_some(cell)
    }

    /// Entity `i`'s `T`, to change.
    #[inline]
    pub(super) fn get_mut<'w>(&self, world: &'w mut World, i: usize) -> Option<&'w mut T> {
        let cell = self.cell(world, i)?;
        // SAFETY: the cell is `i`'s `T` in this World, and has not moved since it was
        // recorded (module doc). `world` is borrowed mutably for `'w`, so nothing else can
        // read or write the World's components meanwhile: this is the only reference.
        Some(unsafe { &mut *cell.as_ref().get() })
    }

    /// Entity `i`'s `T`, to read.
    #[inline]
    pub(super) fn get<'w>(&self, world: &'w World, i: usize) -> Option<&'w T> {
        let cell = self.cell(world, i)?;
        // SAFETY: as in `get_mut`; `world` is borrowed for `'w`, so no one writes it.
        Some(unsafe { &*cell.as_ref().get() })
    }

    /// Checks every recorded cell against bevy's lookup for `entities` (the list recorded
    /// from): an error names the first entity whose component is elsewhere.
    pub(super) fn check(&self, world: &World, entities: &[Entity]) -> Result<(), String> {
        if world.id() != self.world || entities.len() != self.cells.len() {
            return Err(format!(
                "{} cells recorded in another World or for another list",
                std::any::type_name::<T>()
            ));
        }
        for (i, (&e, &cell)) in entities.iter().zip(&self.cells).enumerate() {
            if lookup::<T>(world, e) != cell {
                return Err(format!(
                    "entity {e} (#{i}): its {} is not where it was recorded",
                    std::any::type_name::<T>()
                ));
            }
        }
        Ok(())
    }
}

/// Entity `i`'s `A` and `B` at once (two different components), to change.
#[inline]
pub(super) fn pair_mut<'w, A: Component, B: Component>(
    a: &Cells<A>,
    b: &Cells<B>,
    world: &'w mut World,
    i: usize,
) -> Option<(&'w mut A, &'w mut B)> {
    assert_ne!(
        TypeId::of::<A>(),
        TypeId::of::<B>(),
        "two different components"
    );
    let (x, y) = (a.cell(world, i)?, b.cell(world, i)?);
    // SAFETY: as in `Cells::get_mut`; the two cells hold different component types, so they
    // are in different columns and never overlap.
    Some(unsafe { (&mut *x.as_ref().get(), &mut *y.as_ref().get()) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Component, Debug, Clone, PartialEq)]
    struct Servers(u32);
    #[derive(Component, Debug, Clone, PartialEq)]
    struct Post(u32);

    #[test]
    fn each_entity_reaches_its_own_components() {
        let mut world = World::new();
        let places: Vec<Entity> = (0..50)
            .map(|i| {
                let mut e = world.spawn(Servers(i));
                if i % 3 == 0 {
                    e.insert(Post(100 + i));
                }
                e.id()
            })
            .collect();
        let servers = Cells::<Servers>::record(&world, &places);
        let posts = Cells::<Post>::record(&world, &places);
        for (i, &e) in places.iter().enumerate() {
            servers.get_mut(&mut world, i).expect("servers").0 += 1000;
            assert_eq!(world.get::<Servers>(e), Some(&Servers(1000 + i as u32)));
            let post = posts.get(&world, i).map(|p| p.0);
            assert_eq!(post, (i % 3 == 0).then_some(100 + i as u32));
            if let Some((s, p)) = pair_mut(&servers, &posts, &mut world, i) {
                p.0 = s.0;
            }
        }
        assert_eq!(world.get::<Post>(places[3]), Some(&Post(1003)));
        assert!(servers.get(&world, 50).is_none());
        assert!(servers.check(&world, &places).is_ok());
        assert!(posts.check(&world, &places).is_ok());
        // Another World's entities are not looked up with these records.
        let mut other = World::new();
        other.spawn(Servers(7));
        assert!(servers.get(&other, 0).is_none());
    }

    #[test]
    fn a_moved_component_is_reported() {
        let mut world = World::new();
        let places: Vec<Entity> = (0..3).map(|i| world.spawn(Servers(i)).id()).collect();
        let servers = Cells::<Servers>::record(&world, &places);
        // Despawning moves the last row into the freed one: the engine never does this.
        world.despawn(places[0]);
        let rest = &places[1..];
        let err = Cells::<Servers>::record(&world, rest)
            .check(&world, &places)
            .expect_err("another list");
        assert!(err.contains("another list"), "{err}");
        let moved = Cells {
            world: servers.world,
            cells: servers.cells[1..].to_vec(),
        };
        let err = moved.check(&world, rest).expect_err("a row has moved");
        assert!(err.contains(&format!("{}", places[2])), "{err}");
    }
}
