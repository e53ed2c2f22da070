//! The event calendar, ordered by (time, sequence number). The sequence number breaks
//! ties in scheduling order, so simultaneous events run in a deterministic order. Keys are
//! unique, so the pop order is fixed whatever the queue's layout, which lets the calendar
//! change layout with its size: a sorted vector while few events are pending (an M/M/c
//! queue has a dozen), a binary heap for thousands, and time windows (a calendar queue)
//! when many more are (hundreds of thousands on a large network: appends to a window's
//! bucket, sorted whole when its window comes up, instead of a cache miss per heap level).
//! A pending event takes 16 bytes (`Entry`): on large runs the calendar's appends and
//! sorts move memory, and fewer bytes move faster. Measured in docs/performance.md.

use std::collections::BinaryHeap;

use super::ShipmentId;
use crate::scenario::RouteId;

/// What happens at an instant. An event about a shipment names only the shipment: where it
/// happens (the node or route) is the shipment's stage, set when the event was scheduled
/// and unchanged until it comes up, so the calendar need not keep it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// The next shipment of a flow is created.
    Arrival {
        /// Index of the flow in the scenario.
        flow: u32,
    },
    /// A server at the shipment's node finishes handling it.
    HandlingDone {
        /// The shipment handled.
        shipment: ShipmentId,
    },
    /// An inspection team finishes inspecting the shipment.
    InspectionDone {
        /// The shipment inspected.
        shipment: ShipmentId,
    },
    /// A shipment not inspected is cleared (document delay, no server).
    ClearanceDone {
        /// The shipment cleared.
        shipment: ShipmentId,
    },
    /// The shipment reaches the end of its route.
    TransitDone {
        /// The shipment arriving.
        shipment: ShipmentId,
    },
    /// A shipment held by its shipper enters its node.
    Release {
        /// The shipment released.
        shipment: ShipmentId,
    },
    /// A capacity-limited route can dispatch its next waiting shipment.
    RouteReady {
        /// The route free to dispatch.
        route: RouteId,
    },
    /// The end of day `day`: daily series are closed.
    DayEnd {
        /// The day ending, counted from 0 at the start.
        day: u32,
    },
    /// The warm-up ends: measures start.
    WarmupEnd,
    /// A disruption changes the network's state (index into the replication's changes).
    Change {
        /// Index into the realisation's time-ordered list of changes.
        index: u32,
    },
}

/// Bits of a packed event that hold its number (flow, shipment, route, day or change);
/// the four above them hold its kind.
const VALUE_BITS: u32 = 28;

impl Event {
    /// The shipment the event is about, if any.
    #[inline]
    pub fn shipment(self) -> Option<ShipmentId> {
        match self {
            Event::HandlingDone { shipment }
            | Event::InspectionDone { shipment }
            | Event::ClearanceDone { shipment }
            | Event::TransitDone { shipment }
            | Event::Release { shipment } => Some(shipment),
            _ => None,
        }
    }

    /// The event in 32 bits: its kind, then its number. Numbers reach 2²⁸: scenarios are
    /// validated to create at most 10⁸ shipments in a replication (fewer are ever in
    /// flight, and shipment ids are reused), over at most 10⁵ days.
    #[inline]
    fn pack(self) -> u32 {
        let (kind, value) = match self {
            Event::Arrival { flow } => (0, flow),
            Event::HandlingDone { shipment } => (1, shipment.0),
            Event::InspectionDone { shipment } => (2, shipment.0),
            Event::ClearanceDone { shipment } => (3, shipment.0),
            Event::TransitDone { shipment } => (4, shipment.0),
            Event::RouteReady { route } => (5, route),
            Event::DayEnd { day } => (6, day),
            Event::WarmupEnd => (7, 0),
            Event::Change { index } => (8, index),
            Event::Release { shipment } => (9, shipment.0),
        };
        assert!(
            value < 1 << VALUE_BITS,
            "{self:?}: the calendar holds numbers below 2^{VALUE_BITS}"
        );
        kind << VALUE_BITS | value
    }

    /// The event [`Event::pack`] made `bits` of.
    #[inline]
    fn unpack(bits: u32) -> Event {
        let value = bits & ((1 << VALUE_BITS) - 1);
        let shipment = ShipmentId(value);
        match bits >> VALUE_BITS {
            0 => Event::Arrival { flow: value },
            1 => Event::HandlingDone { shipment },
            2 => Event::InspectionDone { shipment },
            3 => Event::ClearanceDone { shipment },
            4 => Event::TransitDone { shipment },
            5 => Event::RouteReady { route: value },
            6 => Event::DayEnd { day: value },
            7 => Event::WarmupEnd,
            8 => Event::Change { index: value },
            _ => Event::Release { shipment },
        }
    }
}

/// A pending event in 16 bytes, ordered as (time by `f64::total_cmp`, then sequence
/// number): the time's bits mapped to an unsigned integer with the order of
/// `f64::total_cmp` (the same transform it applies) in the high 64 bits, the sequence
/// number in the next 32, the packed event in the low 32. Sequence numbers are unique among
/// pending entries, so the event never decides an order, and every comparison is a single
/// integer comparison. Half the bytes of a key beside an unpacked event: with 10⁵ events
/// pending, the calendar's appends and sorts move half as much memory.
#[derive(Debug, Clone, Copy)]
struct Entry {
    key: u128,
}

impl Entry {
    #[inline]
    fn new(time: f64, seq: u32, event: Event) -> Self {
        Entry {
            key: key(time, seq, event.pack()),
        }
    }

    #[inline]
    fn event(self) -> Event {
        Event::unpack(self.key as u32)
    }

    /// The same entry with sequence number `seq`.
    #[inline]
    fn renumbered(self, seq: u32) -> Self {
        Entry {
            key: (self.key & !(u128::from(u32::MAX) << 32)) | u128::from(seq) << 32,
        }
    }
}

/// The sort key of (`time`, `seq`, `low`); see [`Entry`].
#[inline]
fn key(time: f64, seq: u32, low: u32) -> u128 {
    let bits = time.to_bits() as i64;
    let ordered = bits ^ ((((bits >> 63) as u64) >> 1) as i64);
    let unsigned = (ordered as u64) ^ (1 << 63);
    ((unsigned as u128) << 64) | u128::from(seq) << 32 | u128::from(low)
}

/// The time half of a key: the time's bits, as an unsigned integer ordered as the times.
#[inline]
fn time_half(key: u128) -> u64 {
    (key >> 64) as u64
}

/// The time of a key (the transform is its own inverse).
#[inline]
fn time_of(key: u128) -> f64 {
    let ordered = (time_half(key) ^ (1 << 63)) as i64;
    f64::from_bits((ordered ^ ((((ordered >> 63) as u64) >> 1) as i64)) as u64)
}

/// Sorts `entries` latest first (the order in which they are taken from the end).
#[inline]
fn sort_latest_first(entries: &mut [Entry]) {
    entries.sort_unstable_by_key(|e| std::cmp::Reverse(e.key));
}

/// Windows in the ring of [`Windows`].
const WINDOWS: usize = 1024;

/// Pending events in time order when many are pending: a calendar queue (after Brown,
/// 1988) over the time half of the keys.
///
/// The time bits of a key (its high 64 bits, which order as the times do) are cut into
/// windows of 2^`shift` units from `origin`. Each window of the ring after the current one,
/// `cur`, has an unsorted bucket; entries past the ring wait in `overflow`. The current
/// window's bucket is sorted when it comes up (`current`, latest first, taken from the end);
/// entries scheduled into it (or below it) after that go to a binary heap (`late`). A key's
/// window never decreases as the key grows, so the smaller of the two heads is the
/// calendar's minimum. When both are empty the next non-empty bucket becomes current;
/// when the ring is used up it is rebuilt around the overflow, its width chosen so that
/// most entries fall inside. An entry is moved a few times (bucket, sorted window, now and
/// then a rebuild), where a radix heap moved it once for every leading bit its key shared
/// with the minimum; buckets are appended to sequentially and sorted whole, which costs
/// less than a heap's sift per entry, so large calendars stay cache-friendly.
#[derive(Debug, Clone, Default)]
struct Windows {
    /// The current window, sorted latest first.
    current: Vec<Entry>,
    /// Entries scheduled into the current window or below after it was sorted.
    late: BinaryHeap<Entry>,
    /// The buckets, made at the first rebuild (most calendars never need them).
    ring: Vec<Vec<Entry>>,
    /// Bit w set when `ring[w]` is not empty.
    nonempty: [u64; WINDOWS / 64],
    overflow: Vec<Entry>,
    /// Room to sort a window's bucket into (`sort_window`).
    scratch: Vec<Entry>,
    origin: u64,
    shift: u32,
    cur: u64,
    len: usize,
}

impl Windows {
    #[inline]
    fn push(&mut self, entry: Entry) {
        self.len += 1;
        // Keys below the origin (below the last taken out) count as window 0.
        let w = time_half(entry.key).saturating_sub(self.origin) >> self.shift;
        if w <= self.cur {
            self.late.push(entry);
        } else if w < WINDOWS as u64 {
            let w = w as usize;
            let bucket = &mut self.ring[w];
            // Buckets grow at 1,024 places at once, too many for the processor to see as
            // streams: ask for the line two ahead of the end, so the append does not wait.
            super::prefetch_line(bucket.as_ptr().wrapping_add(bucket.len() + 4) as *const u8);
            bucket.push(entry);
            self.nonempty[w / 64] |= 1 << (w % 64);
        } else {
            self.overflow.push(entry);
        }
    }

    /// Makes the next non-empty window current (both heads being empty), rebuilding the
    /// ring around the overflow when it is used up. False if nothing is pending.
    fn advance(&mut self) -> bool {
        debug_assert!(self.current.is_empty() && self.late.is_empty());
        if self.len == 0 {
            return false;
        }
        // Windows up to `cur` are always empty (their entries go to the late heap), so the
        // first marked window is the next one.
        if let Some(i) = self.nonempty.iter().position(|&m| m != 0) {
            let w = i * 64 + self.nonempty[i].trailing_zeros() as usize;
            self.nonempty[i] &= !(1 << (w % 64));
            self.cur = w as u64;
            self.sort_window(w);
            // The emptied vector goes back to the ring for the window's next use:
            // allocation is slower than holding on.
            std::mem::swap(&mut self.current, &mut self.ring[w]);
        } else {
            self.rebuild();
        }
        true
    }

    /// Sorts bucket `w`, latest first. A large bucket is first spread by the next bits of
    /// time below its window (a counting sort on 6 bits: 64 sub-windows, in order), then
    /// each sub-window sorted: buckets hold pending ÷ 1,024 entries on average, and a
    /// comparison sort's cost per entry grows with their logarithm, which made the sort
    /// the part of a large run that grew faster than the run (docs/performance.md,
    /// Scaling). The order is the same: keys are unique and the spreading keeps time order.
    fn sort_window(&mut self, w: usize) {
        const SUB_BITS: u32 = 6;
        const SUBS: usize = 1 << SUB_BITS;
        let bucket = &mut self.ring[w];
        let n = bucket.len();
        if n <= 2 * SUBS || self.shift < SUB_BITS {
            sort_latest_first(bucket);
            return;
        }
        let (origin, below) = (self.origin, self.shift - SUB_BITS);
        // Latest sub-window first. Entries in the ring are at or above the origin.
        let sub = |e: &Entry| {
            SUBS - 1 - ((time_half(e.key).wrapping_sub(origin) >> below) as usize & (SUBS - 1))
        };
        let mut start = [0usize; SUBS + 1];
        for e in bucket.iter() {
            start[sub(e) + 1] += 1;
        }
        for i in 1..=SUBS {
            start[i] += start[i - 1];
        }
        let scratch = &mut self.scratch;
        scratch.clear();
        scratch.resize(n, Entry { key: 0 });
        let mut next = start;
        for &e in bucket.iter() {
            let s = sub(&e);
            scratch[next[s]] = e;
            next[s] += 1;
        }
        for s in 0..SUBS {
            sort_latest_first(&mut scratch[start[s]..start[s + 1]]);
        }
        std::mem::swap(bucket, scratch);
    }

    /// Takes `entries` (the windows being empty) and spreads them over a new ring.
    fn fill(&mut self, entries: Vec<Entry>) {
        debug_assert!(self.len == 0);
        self.len = entries.len();
        self.overflow = entries;
        self.rebuild();
    }

    /// Spreads the overflow over a new ring (heap and ring are empty): the origin at its
    /// smallest key, the width such that seven in eight of its entries fall in the ring.
    #[cold]
    fn rebuild(&mut self) {
        if self.ring.is_empty() {
            self.ring = vec![Vec::new(); WINDOWS];
        }
        let mut all = std::mem::take(&mut self.overflow);
        let Some(origin) = all.iter().map(|e| time_half(e.key)).min() else {
            return;
        };
        let q = (all.len() - 1) * 7 / 8;
        let span = time_half(all.select_nth_unstable_by_key(q, |e| e.key).1.key) - origin;
        // The smallest width (a power of two) that puts the quantile inside the ring.
        self.origin = origin;
        self.shift = (64 - span.leading_zeros()).saturating_sub(WINDOWS.trailing_zeros());
        self.cur = 0;
        self.len -= all.len();
        for e in all.drain(..) {
            self.push(e);
        }
    }

    /// True if the earliest entry is the late heap's (else the sorted window's), advancing
    /// to the next window if both are empty; `None` if nothing is pending.
    #[inline]
    fn head_is_late(&mut self) -> Option<bool> {
        if self.current.is_empty() && self.late.is_empty() && !self.advance() {
            return None;
        }
        Some(match (self.current.last(), self.late.peek()) {
            (Some(a), Some(b)) => b.key < a.key,
            (None, _) => true,
            (_, None) => false,
        })
    }

    /// Removes and returns the earliest entry if its key is at most `bound`.
    #[inline]
    fn pop_at_most(&mut self, bound: u128) -> Option<Entry> {
        let late = self.head_is_late()?;
        let head = if late {
            self.late.peek()
        } else {
            self.current.last()
        };
        if head?.key > bound {
            return None;
        }
        self.len -= 1;
        if late {
            self.late.pop()
        } else {
            self.current.pop()
        }
    }

    /// The earliest entry.
    fn peek_entry(&mut self) -> Option<&Entry> {
        if self.head_is_late()? {
            self.late.peek()
        } else {
            self.current.last()
        }
    }

    /// Takes every entry out, in no particular order.
    fn drain_into(&mut self, out: &mut Vec<Entry>) {
        out.append(&mut self.current);
        out.extend(self.late.drain());
        for b in &mut self.ring {
            out.append(b);
        }
        out.append(&mut self.overflow);
        self.nonempty = [0; WINDOWS / 64];
        self.len = 0;
    }

    /// Every entry, in no particular order.
    fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.current
            .iter()
            .chain(self.late.iter())
            .chain(self.ring.iter().flatten())
            .chain(self.overflow.iter())
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
    /// Time windows: a calendar queue.
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
    heap: BinaryHeap<Entry>,
    windows: Windows,
    layout: Layout,
    /// The last sequence number given.
    seq: u32,
}

impl Calendar {
    /// An empty calendar.
    pub fn new() -> Self {
        Self::default()
    }

    /// Schedules `event` at `time`.
    #[inline]
    pub fn schedule(&mut self, time: f64, event: Event) {
        if self.seq == u32::MAX {
            self.renumber();
        }
        self.seq += 1;
        let entry = Entry::new(time, self.seq, event);
        if self.layout == Layout::Few {
            // Insertion from the earliest end, where most new events land.
            self.few.push(entry);
            // On a slice, whose length and address the compiler keeps in registers.
            let few = self.few.as_mut_slice();
            let mut i = few.len() - 1;
            // The new entry's sequence number is the largest yet, so a pending key is
            // below it exactly when its time half is at or below the new time half: one
            // 64-bit comparison a step instead of a 128-bit one.
            let new_time = time_half(entry.key);
            while i > 0 && time_half(few[i - 1].key) <= new_time {
                few[i] = few[i - 1];
                i -= 1;
            }
            few[i] = entry;
            if self.few.len() > FEW_UP {
                self.relayout(Layout::Some);
            }
        } else {
            self.schedule_layered(entry);
        }
    }

    /// [`Calendar::schedule`] for the heap layouts (apart, like `pop_layered`, so that the
    /// small layout's path stays tight).
    #[inline(never)]
    fn schedule_layered(&mut self, entry: Entry) {
        if self.layout == Layout::Some {
            self.heap.push(entry);
            if self.heap.len() > MANY_UP {
                self.relayout(Layout::Many);
            }
        } else {
            self.windows.push(entry);
        }
    }

    /// Gives the pending entries sequence numbers 1, 2, … in their order, when the numbers
    /// have run out (after 2³² events scheduled): only their order among themselves matters,
    /// and it is kept, so what comes out is unchanged.
    #[cold]
    #[inline(never)]
    fn renumber(&mut self) {
        let mut all = self.take_all();
        all.sort_unstable_by_key(|e| e.key);
        assert!(
            all.len() < u32::MAX as usize,
            "{} events pending: more than sequence numbers can order",
            all.len()
        );
        for (i, e) in all.iter_mut().enumerate() {
            *e = e.renumbered(i as u32 + 1);
        }
        self.seq = all.len() as u32;
        self.put_all(all, self.layout);
    }

    /// Takes every pending entry out, in no particular order.
    fn take_all(&mut self) -> Vec<Entry> {
        let mut all = std::mem::take(&mut self.few);
        all.append(&mut std::mem::take(&mut self.heap).into_vec());
        self.windows.drain_into(&mut all);
        all
    }

    /// Puts `all` (the calendar being empty) into `layout`.
    fn put_all(&mut self, mut all: Vec<Entry>, layout: Layout) {
        self.layout = layout;
        match layout {
            Layout::Few => {
                sort_latest_first(&mut all);
                self.few = all;
            }
            Layout::Some => self.heap = all.into(),
            Layout::Many => self.windows.fill(all),
        }
    }

    /// Moves every pending event into `layout`.
    #[cold]
    #[inline(never)]
    fn relayout(&mut self, layout: Layout) {
        let all = self.take_all();
        self.put_all(all, layout);
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
        self.pop_at_most(key(t, u32::MAX, u32::MAX))
    }

    /// Removes and returns the earliest event if it is due strictly before `t`.
    #[inline]
    pub fn pop_before(&mut self, t: f64) -> Option<(f64, Event)> {
        // The smallest key at time `t`, less one: due if at or below it.
        self.pop_at_most(key(t, 0, 0).checked_sub(1)?)
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
        Some((time_of(e.key), e.event()))
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
            let e = self.windows.pop_at_most(bound)?;
            if self.windows.len < MANY_DOWN {
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
            Layout::Many => self.windows.peek_entry().map(|e| time_of(e.key)),
        }
    }

    /// An event a few places (`ahead`) behind the earliest, when the calendar is in its
    /// large layout and the current window holds one there, else `None`: a hint of what
    /// is coming (an entry scheduled meanwhile may come first), never a promise.
    #[inline]
    pub fn ahead_if_large(&self, ahead: usize) -> Option<Event> {
        if self.layout != Layout::Many {
            return None;
        }
        let current = &self.windows.current;
        current
            .len()
            .checked_sub(ahead + 1)
            .map(|i| current[i].event())
    }

    /// Number of pending events.
    pub fn len(&self) -> usize {
        self.few.len() + self.heap.len() + self.windows.len
    }

    /// Every pending event, in no particular order (for audits).
    pub fn pending(&self) -> impl Iterator<Item = Event> + '_ {
        self.few
            .iter()
            .chain(self.heap.iter())
            .chain(self.windows.entries())
            .map(|e| e.event())
    }

    /// True when nothing is pending.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests;
