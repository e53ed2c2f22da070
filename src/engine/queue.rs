//! A multi-server queue with two lanes: a priority lane (trusted shipments under a
//! `trusted_first` strategy) and the ordinary lane. Non-preemptive: a freed server takes
//! the head of the priority lane, else the head of the ordinary lane; FIFO within a lane.
//! With `fifo` every shipment joins the ordinary lane, so it is a plain FIFO queue.
//!
//! The pool also integrates its own time-weighted statistics (queue length, busy and
//! active servers) so that measures need no extra events.

use super::ShipmentId;
use std::collections::VecDeque;

/// A shipment waiting for a server.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Waiting {
    /// The shipment in the queue.
    pub shipment: ShipmentId,
    /// When it joined the queue, days from the start (its wait is counted from here).
    pub since: f64,
}

/// Servers with a two-lane queue and its running statistics.
#[derive(Debug, Clone)]
pub struct ServerPool {
    /// Servers working now (capacity may fall with damage and return with recovery).
    pub capacity: u32,
    /// Servers busy now (may exceed capacity briefly after a loss: work in hand finishes).
    pub busy: u32,
    lanes: [VecDeque<Waiting>; 2],
    stats: PoolStats,
}

/// Time integrals and counts since the last reset.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PoolStats {
    /// When the statistics were last reset (the warm-up's end), days.
    pub since: f64,
    /// Up to when the areas are integrated, days.
    pub last: f64,
    /// Integral of the queue length over time, shipment-days.
    pub queue_area: f64,
    /// Integral of the busy servers over time, server-days.
    pub busy_area: f64,
    /// Integral of the working servers over time, server-days (utilisation's base).
    pub capacity_area: f64,
    /// Shipments that joined the queue or went straight into service.
    pub arrivals: u64,
    /// Shipments that started service, and the sum of their waits.
    pub started: u64,
    /// Sum of the waits of the shipments that started service, days.
    pub wait_sum: f64,
}

impl ServerPool {
    /// A pool of `capacity` idle servers, statistics starting at time 0.
    pub fn new(capacity: u32) -> Self {
        ServerPool {
            capacity,
            busy: 0,
            lanes: [VecDeque::new(), VecDeque::new()],
            stats: PoolStats::default(),
        }
    }

    /// Number waiting in both lanes.
    #[inline]
    pub fn queued(&self) -> usize {
        self.lanes[0].len() + self.lanes[1].len()
    }

    /// Number waiting in each lane: [priority, ordinary].
    #[inline]
    pub fn queued_lanes(&self) -> [usize; 2] {
        [self.lanes[0].len(), self.lanes[1].len()]
    }

    /// True if a server is free now.
    #[inline]
    pub fn has_free_server(&self) -> bool {
        self.busy < self.capacity
    }

    /// Brings the time integrals up to `now`.
    #[inline]
    pub fn advance(&mut self, now: f64) {
        let dt = now - self.stats.last;
        if dt > 0.0 {
            // Through i64: one instruction where usize to f64 takes several.
            self.stats.queue_area += self.queued() as i64 as f64 * dt;
            self.stats.busy_area += self.busy as f64 * dt;
            self.stats.capacity_area += self.capacity as f64 * dt;
            self.stats.last = now;
        }
    }

    /// A shipment arrives: true if it takes a server at once (the caller starts service),
    /// false if it joins a lane.
    #[inline]
    pub fn arrive(&mut self, now: f64, shipment: ShipmentId, priority: bool) -> bool {
        self.advance(now);
        self.stats.arrivals += 1;
        if self.busy < self.capacity && self.queued() == 0 {
            self.busy += 1;
            self.stats.started += 1;
            true
        } else {
            self.lanes[if priority { 0 } else { 1 }].push_back(Waiting {
                shipment,
                since: now,
            });
            false
        }
    }

    /// A server finishes: frees it and returns the next shipment to start, if any
    /// (the server is then taken again).
    #[inline]
    pub fn finish(&mut self, now: f64) -> Option<ShipmentId> {
        self.advance(now);
        self.busy -= 1;
        self.next(now)
    }

    /// Starts waiting shipments while servers are free (after capacity returns); the
    /// caller starts service for each returned shipment.
    pub fn next(&mut self, now: f64) -> Option<ShipmentId> {
        if self.busy >= self.capacity {
            return None;
        }
        let w = self.lanes[0]
            .pop_front()
            .or_else(|| self.lanes[1].pop_front())?;
        self.busy += 1;
        self.stats.started += 1;
        self.stats.wait_sum += now - w.since;
        Some(w.shipment)
    }

    /// Changes the number of working servers (damage, recovery, closure).
    pub fn set_capacity(&mut self, now: f64, capacity: u32) {
        self.advance(now);
        self.capacity = capacity;
    }

    /// The statistics so far, integrated up to `now`.
    pub fn stats(&mut self, now: f64) -> PoolStats {
        self.advance(now);
        self.stats
    }

    /// Starts a new measurement window at `now` (end of warm-up).
    pub fn reset_stats(&mut self, now: f64) {
        self.advance(now);
        self.stats = PoolStats {
            since: now,
            last: now,
            ..PoolStats::default()
        };
    }

    /// Every waiting shipment, priority lane first (for audits).
    pub fn waiting(&self) -> impl Iterator<Item = &Waiting> {
        self.lanes[0].iter().chain(self.lanes[1].iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(i: u32) -> ShipmentId {
        ShipmentId(i)
    }

    #[test]
    fn priority_lane_first_fifo_within() {
        let mut p = ServerPool::new(1);
        assert!(p.arrive(0.0, e(1), false));
        assert!(!p.arrive(1.0, e(2), false));
        assert!(!p.arrive(2.0, e(3), true));
        assert!(!p.arrive(3.0, e(4), true));
        assert_eq!(p.finish(4.0), Some(e(3)));
        assert_eq!(p.finish(5.0), Some(e(4)));
        assert_eq!(p.finish(6.0), Some(e(2)));
        assert_eq!(p.finish(7.0), None);
        let s = p.stats(7.0);
        assert_eq!(s.started, 4);
        // Waits: 0 + (4−2) + (5−3) + (6−1) = 9.
        assert_eq!(s.wait_sum, 9.0);
        // Busy all of [0, 7): area 7.
        assert_eq!(s.busy_area, 7.0);
        // Queue: 1 in [1,2), 2 in [2,3), 3 in [3,4), 2 in [4,5), 1 in [5,6) → 9 (Little: L·T = Σ waits).
        assert_eq!(s.queue_area, 9.0);
    }

    #[test]
    fn capacity_loss_lets_work_in_hand_finish() {
        let mut p = ServerPool::new(2);
        assert!(p.arrive(0.0, e(1), false));
        assert!(p.arrive(0.0, e(2), false));
        p.set_capacity(1.0, 0);
        assert!(!p.arrive(1.0, e(3), false));
        assert_eq!(p.finish(2.0), None);
        assert_eq!(p.finish(3.0), None);
        p.set_capacity(4.0, 1);
        assert_eq!(p.next(4.0), Some(e(3)));
        assert_eq!(p.next(4.0), None);
    }
}
