//! The event calendar, ordered by (time, sequence number). The sequence number breaks
//! ties in scheduling order, so simultaneous events run in a deterministic order. Keys are
//! unique, so the pop order is fixed whatever the queue's layout, which lets the calendar
//! change layout with its size: a binary heap while few events are pending (an M/M/c
//! queue has a dozen: a few comparisons per event), a radix heap when many are (hundreds
//! of thousands on a large network: sequential moves instead of a cache miss per heap
//! level). Measured in docs/performance.md.

use bevy_ecs::entity::Entity;

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

impl Event {
    /// The shipment the event is about, if any.
    #[inline]
    pub fn shipment(&self) -> Option<Entity> {
        match *self {
            Event::HandlingDone { shipment, .. }
            | Event::InspectionDone { shipment, .. }
            | Event::ClearanceDone { shipment, .. }
            | Event::TransitDone { shipment, .. } => Some(shipment),
            _ => None,
        }
    }
}

/// A pending event. `key` orders entries exactly as (time by `f64::total_cmp`, then
/// sequence number) would, computed once when the event is scheduled so that every heap
/// comparison is a single integer comparison.
#[derive(Debug, Clone, Copy)]
struct Entry {
    key: u128,
    event: Event,
}

/// The sort key of (`time`, `seq`): the bits of `time` mapped to an unsigned integer with
/// the order of `f64::total_cmp` (the same transform it applies), in the high half, and
/// the sequence number in the low half.
#[inline]
fn key(time: f64, seq: u64) -> u128 {
    let bits = time.to_bits() as i64;
    let ordered = bits ^ ((((bits >> 63) as u64) >> 1) as i64);
    let unsigned = (ordered as u64) ^ (1 << 63);
    ((unsigned as u128) << 64) | seq as u128
}

/// The time of a key (the transform is its own inverse).
#[inline]
fn time_of(key: u128) -> f64 {
    let ordered = (((key >> 64) as u64) ^ (1 << 63)) as i64;
    f64::from_bits((ordered ^ ((((ordered >> 63) as u64) >> 1) as i64)) as u64)
}

/// Buckets of the radix heap: bucket 0 and one per bit of a key.
const BUCKETS: usize = 129;

/// Pending events in time order: a radix heap on `key`.
///
/// Simulated time never goes back (every event is scheduled at or after the current
/// time, and a later sequence number breaks ties), so every key pushed is above the
/// last key taken out, `last`. Bucket 0 holds keys at or below `last`; bucket b ≥ 1
/// holds keys whose highest bit differing from `last` is bit b − 1. Taking out the
/// minimum empties the lowest non-empty bucket into lower ones around its smallest key.
/// Each entry only ever moves down, through sequential vectors, which keeps a calendar of
/// hundreds of thousands of events cache-friendly where a binary heap misses the cache on
/// every level. A key below `last` (which the engine never schedules) still comes out in
/// order: it waits in bucket 0, whose minimum is always the calendar's.
#[derive(Debug, Clone)]
struct RadixHeap {
    buckets: Vec<Vec<Entry>>,
    /// Bit b set when bucket b is not empty.
    nonempty: [u64; 3],
    last: u128,
    len: usize,
}

impl Default for RadixHeap {
    fn default() -> Self {
        RadixHeap {
            buckets: vec![Vec::new(); BUCKETS],
            nonempty: [0; 3],
            last: 0,
            len: 0,
        }
    }
}

impl RadixHeap {
    #[inline]
    fn bucket(&self, key: u128) -> usize {
        if key <= self.last {
            0
        } else {
            128 - (key ^ self.last).leading_zeros() as usize
        }
    }

    #[inline]
    fn put(&mut self, entry: Entry) {
        let b = self.bucket(entry.key);
        self.buckets[b].push(entry);
        self.nonempty[b / 64] |= 1 << (b % 64);
    }

    #[inline]
    fn push(&mut self, entry: Entry) {
        self.put(entry);
        self.len += 1;
    }

    /// Makes bucket 0 hold the minimum: if it is empty, redistributes the lowest
    /// non-empty bucket around that bucket's smallest key. False if nothing is pending.
    #[inline]
    fn settle(&mut self) -> bool {
        if self.len == 0 {
            return false;
        }
        if self.nonempty[0] & 1 != 0 {
            return true;
        }
        let b = match self.nonempty.iter().position(|&w| w != 0) {
            Some(w) => w * 64 + self.nonempty[w].trailing_zeros() as usize,
            None => unreachable!("len > 0 but every bucket is empty"),
        };
        let mut moved = std::mem::take(&mut self.buckets[b]);
        self.nonempty[b / 64] &= !(1 << (b % 64));
        self.last = moved.iter().map(|e| e.key).min().expect("a marked bucket");
        for e in moved.drain(..) {
            self.put(e);
        }
        // Keep the allocation for the next entries of this bucket: faster than freeing it
        // (measured: 15-25 % on large calendars), at the price of each bucket holding on to
        // its largest size (+24 MB peak on the 10^6-shipment scaling run).
        self.buckets[b] = moved;
        true
    }

    /// Removes and returns the earliest entry if its key is at most `bound` (one settle
    /// and one scan of bucket 0 for both the test and the removal).
    #[inline]
    fn pop_at_most(&mut self, bound: u128) -> Option<Entry> {
        if !self.settle() {
            return None;
        }
        let b0 = &mut self.buckets[0];
        // Usually one entry; more only if keys below `last` were scheduled.
        let mut i = 0;
        for (j, e) in b0.iter().enumerate().skip(1) {
            if e.key < b0[i].key {
                i = j;
            }
        }
        if b0[i].key > bound {
            return None;
        }
        let e = b0.swap_remove(i);
        if b0.is_empty() {
            self.nonempty[0] &= !1;
        }
        self.len -= 1;
        Some(e)
    }

    /// The earliest entry.
    fn peek_entry(&mut self) -> Option<&Entry> {
        if !self.settle() {
            return None;
        }
        self.buckets[0].iter().min_by_key(|e| e.key)
    }

    /// The earliest key.
    fn peek(&mut self) -> Option<u128> {
        if !self.settle() {
            return None;
        }
        self.buckets[0].iter().map(|e| e.key).min()
    }

    /// Takes every entry out, in no particular order (the allocations are kept).
    fn drain_into(&mut self, out: &mut Vec<Entry>) {
        for b in &mut self.buckets {
            out.append(b);
        }
        self.nonempty = [0; 3];
        self.len = 0;
    }
}

impl PartialEq for Entry {
    fn eq(&self, o: &Self) -> bool {
        self.key == o.key
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
/// Reversed, so that the standard (max-)heap gives the earliest key first.
impl Ord for Entry {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        o.key.cmp(&self.key)
    }
}

/// Where the pending events are kept; each layout holds the same keys, so which one is in
/// use never changes what comes out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum Layout {
    /// A vector sorted latest first: scheduling inserts (a few moves), taking the earliest
    /// pops the last entry.
    #[default]
    Few,
    /// A binary heap.
    Some,
    /// A radix heap.
    Many,
}

/// Pending events above which the calendar leaves `Few` for `Some`, and below which it
/// returns (the gap keeps a calendar near a boundary from moving back and forth).
const FEW_UP: usize = 32;
const FEW_DOWN: usize = 16;
/// The same between `Some` and `Many`.
const MANY_UP: usize = 4096;
const MANY_DOWN: usize = 1024;

/// Pending events in time order, in the layout that suits their number.
#[derive(Debug, Clone, Default)]
pub struct Calendar {
    /// Sorted by key, latest first.
    few: Vec<Entry>,
    heap: std::collections::BinaryHeap<Entry>,
    radix: RadixHeap,
    layout: Layout,
    /// The last key taken out: no key scheduled since is below it.
    last: u128,
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
        let entry = Entry {
            key: key(time, self.seq),
            event,
        };
        match self.layout {
            Layout::Few => {
                // Insertion from the earliest end, where most new events land.
                let few = &mut self.few;
                few.push(entry);
                let mut i = few.len() - 1;
                while i > 0 && few[i - 1].key < entry.key {
                    few[i] = few[i - 1];
                    i -= 1;
                }
                few[i] = entry;
                if self.few.len() > FEW_UP {
                    self.relayout(Layout::Some);
                }
            }
            Layout::Some => {
                self.heap.push(entry);
                if self.heap.len() > MANY_UP {
                    self.relayout(Layout::Many);
                }
            }
            Layout::Many => self.radix.push(entry),
        }
    }

    /// Moves every pending event into `layout`.
    #[cold]
    #[inline(never)]
    fn relayout(&mut self, layout: Layout) {
        let mut all = std::mem::take(&mut self.few);
        all.append(&mut std::mem::take(&mut self.heap).into_vec());
        self.radix.drain_into(&mut all);
        self.layout = layout;
        match layout {
            Layout::Few => {
                all.sort_unstable_by_key(|e| std::cmp::Reverse(e.key));
                self.few = all;
            }
            Layout::Some => self.heap = all.into(),
            Layout::Many => {
                self.radix.last = self.last;
                for e in all {
                    self.radix.push(e);
                }
            }
        }
    }

    /// Removes and returns the earliest event.
    #[inline]
    pub fn pop(&mut self) -> Option<(f64, Event)> {
        self.pop_at_most(u128::MAX)
    }

    /// Removes and returns the earliest event if it is due at or before `t`.
    #[inline]
    pub fn pop_until(&mut self, t: f64) -> Option<(f64, Event)> {
        // The largest key at time `t`: due if at or below it.
        self.pop_at_most(key(t, u64::MAX))
    }

    /// Removes and returns the earliest event if it is due strictly before `t`.
    #[inline]
    pub fn pop_before(&mut self, t: f64) -> Option<(f64, Event)> {
        // The smallest key at time `t`, less one: due if at or below it.
        self.pop_at_most(key(t, 0).checked_sub(1)?)
    }

    /// Removes and returns the earliest event if its key is at most `bound`.
    #[inline]
    fn pop_at_most(&mut self, bound: u128) -> Option<(f64, Event)> {
        let e = if self.layout == Layout::Few {
            // The common case on its own: a small function the compiler keeps tight
            // (a single match over every layout cost 13 more instructions an event).
            if self.few.last()?.key > bound {
                return None;
            }
            self.few.pop()?
        } else {
            self.pop_layered(bound)?
        };
        self.last = e.key;
        Some((time_of(e.key), e.event))
    }

    /// [`Calendar::pop_at_most`] for the heap layouts, moving to a smaller layout when the
    /// calendar has shrunk.
    fn pop_layered(&mut self, bound: u128) -> Option<Entry> {
        if self.layout == Layout::Some {
            if self.heap.peek()?.key > bound {
                return None;
            }
            let e = self.heap.pop()?;
            if self.heap.len() < FEW_DOWN {
                self.relayout(Layout::Few);
            }
            Some(e)
        } else {
            let e = self.radix.pop_at_most(bound)?;
            if self.radix.len < MANY_DOWN {
                self.relayout(Layout::Some);
            }
            Some(e)
        }
    }

    /// The time of the earliest event.
    #[inline]
    pub fn peek_time(&mut self) -> Option<f64> {
        match self.layout {
            Layout::Few => self.few.last().map(|e| time_of(e.key)),
            Layout::Some => self.heap.peek().map(|e| time_of(e.key)),
            Layout::Many => self.radix.peek().map(time_of),
        }
    }

    /// The next event, when the calendar is in its large layout, else `None`. Settling the
    /// radix heap here instead of in the next pop moves work without adding any (an entry
    /// scheduled below the new minimum waits in bucket 0, which pops scan).
    #[inline]
    pub fn peek_if_large(&mut self) -> Option<Event> {
        if self.layout != Layout::Many {
            return None;
        }
        self.radix.peek_entry().map(|e| e.event)
    }

    /// Number of pending events.
    pub fn len(&self) -> usize {
        self.few.len() + self.heap.len() + self.radix.len
    }

    /// Rewrites the shipment entity of every pending event (when a simulation is copied
    /// into a new World); the keys, and so the pop order, are unchanged.
    pub fn map_shipments(&mut self, f: impl Fn(Entity) -> Entity) {
        let remap = |e: &mut Entry| match &mut e.event {
            Event::HandlingDone { shipment, .. }
            | Event::InspectionDone { shipment, .. }
            | Event::ClearanceDone { shipment, .. }
            | Event::TransitDone { shipment, .. } => *shipment = f(*shipment),
            _ => {}
        };
        self.few.iter_mut().for_each(&remap);
        let mut v = std::mem::take(&mut self.heap).into_vec();
        v.iter_mut().for_each(&remap);
        self.heap = v.into();
        self.radix.buckets.iter_mut().flatten().for_each(&remap);
    }

    /// True when nothing is pending.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_orders_as_total_cmp_then_sequence() {
        let times = [
            f64::NEG_INFINITY,
            -3.5,
            -0.0,
            0.0,
            1e-300,
            0.5,
            1.0,
            2.0,
            1e300,
            f64::INFINITY,
        ];
        for &a in &times {
            for &b in &times {
                for (sa, sb) in [(1, 2), (2, 1), (7, 7)] {
                    let want = a.total_cmp(&b).then(u64::cmp(&sa, &sb));
                    assert_eq!(key(a, sa).cmp(&key(b, sb)), want, "{a} {sa} vs {b} {sb}");
                    assert_eq!(time_of(key(a, sa)).to_bits(), a.to_bits());
                }
            }
        }
    }

    #[test]
    fn pops_in_key_order_like_a_sorted_list() {
        // A deterministic mix of times with many ties, scheduled and popped interleaved.
        let mut c = Calendar::new();
        let mut expected: Vec<(u128, f64, u32)> = Vec::new();
        let mut x: u64 = 12345;
        let mut now = 0.0;
        let mut popped = Vec::new();
        for i in 0..5000u32 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let t = now + ((x >> 40) % 50) as f64 * 0.25;
            c.schedule(t, Event::Arrival { flow: i });
            expected.push((key(t, c.seq), t, i));
            if x.is_multiple_of(3) {
                let (t, e) = c.pop().expect("not empty");
                now = t;
                popped.push((t, e));
            }
        }
        while let Some(p) = c.pop() {
            popped.push(p);
        }
        expected.sort_by_key(|e| e.0);
        // Interleaved pops see only what was scheduled so far, but as times never go back,
        // the overall order is the sorted order.
        let want: Vec<(f64, Event)> = expected
            .iter()
            .map(|&(_, t, i)| (t, Event::Arrival { flow: i }))
            .collect();
        assert_eq!(popped, want);
    }

    #[test]
    fn order_holds_across_layout_changes() {
        // Grows past MANY_UP, shrinks below FEW_DOWN and grows again, popping all the while:
        // every layout and every move between them.
        let mut c = Calendar::new();
        let mut x: u64 = 99;
        let mut now = 0.0;
        let mut last = (f64::NEG_INFINITY, 0u64);
        let mut id = 0u32;
        let mut seqs = std::collections::HashMap::new();
        let mut switched = 0;
        for phase in 0..6 {
            let (pushes, pops) = if phase % 2 == 0 { (3, 1) } else { (1, 3) };
            for _ in 0..6000 {
                for _ in 0..pushes {
                    x = x
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    let t = now + ((x >> 33) % 1000) as f64 * 0.125;
                    c.schedule(t, Event::Arrival { flow: id });
                    seqs.insert(id, c.seq);
                    id += 1;
                }
                let was = c.layout;
                for _ in 0..pops {
                    if let Some((t, Event::Arrival { flow })) = c.pop() {
                        let k = (t, seqs[&flow]);
                        assert!(k.0 > last.0 || (k.0 == last.0 && k.1 > last.1));
                        last = k;
                        now = t;
                    }
                }
                switched += usize::from(was != c.layout);
            }
        }
        assert!(
            switched >= 4,
            "the test must cross the thresholds ({switched})"
        );
        while let Some((t, Event::Arrival { flow })) = c.pop() {
            let k = (t, seqs[&flow]);
            assert!(k.0 > last.0 || (k.0 == last.0 && k.1 > last.1));
            last = k;
        }
        assert!(c.is_empty() && c.layout == Layout::Few);
    }

    #[test]
    fn peeking_ahead_changes_no_order() {
        // The engine peeks at the next event after every pop (to prefetch its shipment)
        // and then schedules events, some before the one it peeked at: the pops must still
        // come out in key order, and the peeked event next when nothing earlier arrived.
        let mut c = Calendar::new();
        let mut x: u64 = 7;
        let mut rand = move || {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            x >> 33
        };
        // Each event's id is its sequence number.
        let schedule = |c: &mut Calendar, t: f64| {
            let flow = c.seq as u32 + 1;
            c.schedule(t, Event::Arrival { flow });
            assert_eq!(c.seq, flow as u64);
        };
        for _ in 0..2 * MANY_UP {
            schedule(&mut c, (rand() % 100_000) as f64 * 0.01);
        }
        assert_eq!(c.layout, Layout::Many);
        let mut last = (f64::NEG_INFINITY, 0u64);
        let (mut peeked, mut hits, mut earlier) = (None, 0, 0);
        while let Some((t, ev)) = c.pop() {
            let Event::Arrival { flow } = ev else {
                unreachable!()
            };
            let k = (t, flow as u64);
            assert!(k.0 > last.0 || (k.0 == last.0 && k.1 > last.1));
            last = k;
            if let Some(p) = peeked.take() {
                assert!(p == ev || c.is_empty() || earlier > 0);
                hits += usize::from(p == ev);
            }
            earlier = 0;
            peeked = c.peek_if_large();
            if c.len() > MANY_UP && rand() % 3 == 0 {
                // Before the peeked event (or at the same time, later in sequence).
                let next = c.peek_time().unwrap_or(t);
                schedule(&mut c, t + (next - t) * (rand() % 4) as f64 / 4.0);
                earlier += 1;
            }
        }
        assert!(hits > MANY_UP, "the large layout was peeked at ({hits})");
    }

    #[test]
    fn a_key_below_the_last_taken_still_comes_out_in_order() {
        let mut c = Calendar::new();
        c.schedule(5.0, Event::Arrival { flow: 0 });
        c.schedule(6.0, Event::Arrival { flow: 1 });
        assert_eq!(c.pop(), Some((5.0, Event::Arrival { flow: 0 })));
        c.schedule(3.0, Event::Arrival { flow: 2 });
        c.schedule(4.0, Event::Arrival { flow: 3 });
        assert_eq!(c.peek_time(), Some(3.0));
        assert_eq!(c.pop(), Some((3.0, Event::Arrival { flow: 2 })));
        assert_eq!(c.pop(), Some((4.0, Event::Arrival { flow: 3 })));
        assert_eq!(c.pop(), Some((6.0, Event::Arrival { flow: 1 })));
        assert_eq!(c.pop(), None);
        assert!(c.is_empty());
    }

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
