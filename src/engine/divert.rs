//! Carriers' estimate of each candidate port for flows with `alternates` (docs/model.md,
//! "Port choice").
//!
//! At a review, each candidate port (the flow's destination and its alternates) gets an
//! expected time from the review to clearance there: the expected transit to it, the wait
//! until it has capacity (a closure's announced end), the wait for a berth behind the
//! queue expected ahead on arrival, the mean handling time and the expected customs time.
//! The queue ahead comes from a day-step fluid projection of the port's queue: what waits
//! there now, plus the shipments already on their way (the pipeline, known by arrival day)
//! and the cargo created at the port itself, served at the port's capacity once it has
//! any. The functions here are pure; the engine gathers their inputs (`ports.rs`) and
//! hands the estimates to the policy, which chooses (`Policy::choose_port`; the built-in
//! rule, quickest by a margin, is `policy::quickest_by_margin`).

/// Under priority, ordinary cargo is assumed to get at least this share of a port's
/// capacity when estimating its wait (so that an estimate stays finite) [U].
const MIN_LOW_SHARE: f64 = 0.05;

/// A candidate port as the carriers see it at a review.
#[derive(Debug, Clone, Default)]
pub struct PortView {
    /// When the review happens.
    pub now: f64,
    /// When the port has working capacity: `now` if it has some, the announced reopening
    /// if closed (infinity if it never reopens).
    pub available: f64,
    /// Service capacity from `available` on, shipments a day: working servers / (mean
    /// handling time × the alert level's handling slowdown).
    pub capacity_per_day: f64,
    /// Shipments waiting for a berth now: [priority lane, ordinary lane].
    pub queued: [f64; 2],
    /// Shipments on their way, by arrival day from the day of `now` on: [priority, ordinary].
    pub due: Vec<[f64; 2]>,
    /// Shipments a day joining the port's queue that are not on a route to it (cargo
    /// created there): [priority, ordinary].
    pub local_per_day: [f64; 2],
    /// Priority shipments arriving a day after the review horizon (for the ordinary
    /// class's wait under priority).
    pub priority_per_day: f64,
    /// True if the port serves its priority lane first (`Policy::trusted_first`, where
    /// the strategy's knobs apply).
    pub priority: bool,
    /// Mean handling plus expected customs time (added to every arrival's time).
    pub fixed_days: f64,
}

/// The port's projected queue [priority, ordinary] at `now + k` days, k = 0..=steps.
pub fn project(v: &PortView, steps: usize) -> Vec<[f64; 2]> {
    let mut q = v.queued;
    let mut out = Vec::with_capacity(steps + 1);
    out.push(q);
    for k in 0..steps {
        let t0 = v.now + k as f64;
        let due = v.due.get(k).copied().unwrap_or([0.0; 2]);
        q[0] += due[0] + v.local_per_day[0];
        q[1] += due[1] + v.local_per_day[1];
        let open = if v.available.is_finite() {
            (t0 + 1.0 - t0.max(v.available)).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let cap = v.capacity_per_day * open;
        if v.priority {
            let s = cap.min(q[0]);
            q[0] -= s;
            q[1] = (q[1] - (cap - s)).max(0.0);
        } else {
            let total = q[0] + q[1];
            if total > 0.0 {
                let keep = 1.0 - cap.min(total) / total;
                q[0] *= keep;
                q[1] *= keep;
            }
        }
        out.push(q);
    }
    out
}

/// The projected queue `x` days after the review (linear between whole days; the last
/// projected day beyond).
fn queue_at(proj: &[[f64; 2]], x: f64) -> [f64; 2] {
    let last = proj.len() - 1;
    let x = x.max(0.0);
    let k = (x.floor() as usize).min(last);
    if k == last {
        return proj[last];
    }
    let f = x - k as f64;
    let (a, b) = (proj[k], proj[k + 1]);
    [a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1])]
}

/// Expected days from arrival `x` days after the review to the start of handling, for a
/// shipment of the priority class (`priority_class`) or the ordinary one.
pub fn wait(v: &PortView, proj: &[[f64; 2]], x: f64, priority_class: bool) -> f64 {
    if !(v.capacity_per_day > 0.0 && v.available.is_finite()) {
        return f64::INFINITY;
    }
    let arrival = v.now + x;
    let closed = (v.available - arrival).max(0.0);
    let q = queue_at(proj, x);
    let mu = v.capacity_per_day;
    if !v.priority {
        closed + (q[0] + q[1]) / mu
    } else if priority_class {
        closed + q[0] / mu
    } else {
        // Behind everything queued, and behind priority cargo arriving while it waits.
        closed + (q[0] + q[1]) / (mu - v.priority_per_day).max(MIN_LOW_SHARE * mu)
    }
}

/// Expected days from the review to clearance at the port, for a shipment `transit` days
/// away from it (infinity if unreachable or never open).
pub fn time_to_clear(v: &PortView, proj: &[[f64; 2]], transit: f64, priority_class: bool) -> f64 {
    if !transit.is_finite() {
        return f64::INFINITY;
    }
    transit + wait(v, proj, transit, priority_class) + v.fixed_days
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::quickest_by_margin as choose;

    /// A port of `mu` shipments a day receiving `rate` a day in transit, `transit` days
    /// from the flow's origin.
    fn port(now: f64, available: f64, mu: f64, rate: f64, days: usize) -> PortView {
        PortView {
            now,
            available,
            capacity_per_day: mu,
            queued: [0.0, 0.0],
            due: vec![[0.0, rate]; days],
            local_per_day: [0.0; 2],
            priority_per_day: 0.0,
            priority: false,
            fixed_days: 1.0,
        }
    }

    #[test]
    fn a_closed_port_with_a_big_backlog_loses_to_an_open_alternate_further_away() {
        // Destination: 10 days away, closed for 30 days, 100 a day on the way and 80 a
        // day more arriving after (the pipeline of a 10-day route), capacity 120 a day.
        let mut dest = port(0.0, 30.0, 120.0, 100.0, 10);
        dest.queued = [0.0, 500.0];
        let pd = project(&dest, 12);
        let t_dest = time_to_clear(&dest, &pd, 10.0, false);
        // 20 days of closure still to wait after arrival, then 1,500 shipments ahead.
        assert!(
            (t_dest - (10.0 + 20.0 + 1500.0 / 120.0 + 1.0)).abs() < 1e-9,
            "{t_dest}"
        );
        // Alternate: 15 days away, open, lightly loaded.
        let alt = port(0.0, 0.0, 50.0, 20.0, 16);
        let pa = project(&alt, 16);
        let t_alt = time_to_clear(&alt, &pa, 15.0, false);
        assert!((t_alt - 16.0).abs() < 1e-9, "{t_alt}");
        assert_eq!(choose(0, &[t_dest, t_alt]), 1);
    }

    #[test]
    fn a_short_closure_with_no_queue_keeps_the_destination() {
        // Closed for 2 days, 10 days away: open and empty when the cargo gets there.
        let dest = port(0.0, 2.0, 120.0, 10.0, 12);
        let pd = project(&dest, 12);
        let t_dest = time_to_clear(&dest, &pd, 10.0, false);
        assert!((t_dest - 11.0).abs() < 1e-9, "{t_dest}");
        let alt = port(0.0, 0.0, 50.0, 10.0, 16);
        let t_alt = time_to_clear(&alt, &project(&alt, 16), 15.0, false);
        assert_eq!(choose(0, &[t_dest, t_alt]), 0);
    }

    #[test]
    fn priority_cargo_waits_behind_priority_cargo_only() {
        let mut p = port(0.0, 5.0, 100.0, 0.0, 10);
        p.queued = [200.0, 300.0];
        p.priority = true;
        p.priority_per_day = 50.0;
        let proj = project(&p, 10);
        // Arriving on day 5 (reopening): 200 priority ahead, 300 ordinary.
        let high = wait(&p, &proj, 5.0, true);
        let low = wait(&p, &proj, 5.0, false);
        assert!((high - 2.0).abs() < 1e-9, "{high}");
        // 500 ahead at the 50 a day left over by priority arrivals.
        assert!((low - 10.0).abs() < 1e-9, "{low}");
        // Without priority both see the whole queue.
        p.priority = false;
        let proj = project(&p, 10);
        assert!((wait(&p, &proj, 5.0, true) - 5.0).abs() < 1e-9);
    }

    #[test]
    fn the_projection_drains_at_capacity_once_open() {
        let mut p = port(0.0, 2.0, 100.0, 0.0, 0);
        p.queued = [0.0, 250.0];
        let proj = project(&p, 5);
        let total: Vec<f64> = proj.iter().map(|q| q[0] + q[1]).collect();
        for (got, want) in total.iter().zip([250.0, 250.0, 250.0, 150.0, 50.0, 0.0]) {
            assert!((got - want).abs() < 1e-9, "{total:?}");
        }
        // A port that never reopens cannot be chosen.
        p.available = f64::INFINITY;
        assert_eq!(wait(&p, &project(&p, 5), 3.0, false), f64::INFINITY);
    }
}
