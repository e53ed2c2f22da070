//! Where cargo goes: what carriers know of a flow's candidate ports at a review
//! ([`PortOptions`], built by the engine's `review_ports`) and the built-in choice among
//! them ([`quickest_by_margin`], the default of `Policy::choose_port`).
//!
//! The engine owns the estimate (queues, closures, the pipeline, transit: the pure
//! projection in `engine::divert`); the rule here only compares the estimates, so a rule
//! can change the choice without touching the engine.

use crate::ids::NodeId;

/// Switching margin: an alternate must be quicker than the current choice by at least
/// this many days [U].
pub const SWITCH_MARGIN_DAYS: f64 = 1.0;
/// Switching margin: … and by at least this share of the current choice's time [U].
pub const SWITCH_MARGIN_SHARE: f64 = 0.05;

/// What the carriers of one flow know at a review when they choose a port for one class
/// of its cargo (docs/model.md, "Port choice"). The slices are indexed alike: 0 is the
/// flow's destination, then its alternates in file order.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PortOptions<'a> {
    /// The flow (index into `Scenario::flows`).
    pub flow: u32,
    /// True when choosing for the priority class (`Policy::priority_class`), false for
    /// the ordinary one (or for all of the flow's cargo when there is no priority class).
    pub priority_class: bool,
    /// The candidate ports.
    pub candidates: &'a [NodeId],
    /// Index of the port chosen at the last review (0 before any diversion).
    pub current: usize,
    /// Expected transit from the flow's origin to each candidate under the routing in
    /// force, days (infinity if unreachable).
    pub transit_days: &'a [f64],
    /// Expected days from the review to clearance at each candidate: transit, the wait
    /// for capacity and for a berth behind the projected queue, handling and customs
    /// (infinity if unreachable or never open).
    pub days_to_clear: &'a [f64],
}

/// The switching margin for a current choice expected to take `current` days: the larger
/// of [`SWITCH_MARGIN_DAYS`] and [`SWITCH_MARGIN_SHARE`] of it.
pub fn switch_margin(current: f64) -> f64 {
    SWITCH_MARGIN_DAYS.max(SWITCH_MARGIN_SHARE * current)
}

/// The built-in choice among candidates (index 0 the flow's destination, then its
/// alternates) given each one's expected time to clear (`times`) and the current choice:
///
/// - the quickest candidate (the earliest listed among equals) if it beats the current
///   choice by the margin ([`switch_margin`]), or if the current choice cannot be reached or
///   never opens;
/// - else back to the destination if it is no slower than the current alternate (the
///   booked port needs no margin: the consignee's inland leg from an alternate is not
///   modelled and is assumed to cost at least as much);
/// - else the current choice.
pub fn quickest_by_margin(current: usize, times: &[f64]) -> usize {
    let mut best = 0;
    for (i, &t) in times.iter().enumerate() {
        if t < times[best] {
            best = i;
        }
    }
    let now = times[current];
    if best != current
        && (!now.is_finite() && times[best].is_finite() || times[best] < now - switch_margin(now))
    {
        return best;
    }
    if current != 0 && times[0] <= now {
        return 0;
    }
    current
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn switching_needs_the_margin_and_going_home_does_not() {
        // 0.5 days quicker: not enough to divert.
        assert_eq!(quickest_by_margin(0, &[20.0, 19.5]), 0);
        // 2 days quicker: divert (margin max(1, 5% of 20) = 1).
        assert_eq!(quickest_by_margin(0, &[20.0, 18.0]), 1);
        // Diverted, and the destination is as quick again: back home.
        assert_eq!(quickest_by_margin(1, &[18.0, 18.0]), 0);
        // Diverted, destination still slower: stay.
        assert_eq!(quickest_by_margin(1, &[18.5, 18.0]), 1);
        // Between alternates the margin applies.
        assert_eq!(quickest_by_margin(1, &[30.0, 20.0, 19.5]), 1);
        assert_eq!(quickest_by_margin(1, &[30.0, 20.0, 18.0]), 2);
        // A current choice that cannot be reached gives way to any that can.
        assert_eq!(quickest_by_margin(0, &[f64::INFINITY, 40.0]), 1);
        assert_eq!(quickest_by_margin(0, &[f64::INFINITY, f64::INFINITY]), 0);
        // The margin grows with the current time: 5% of 100 days is 5.
        assert_eq!(switch_margin(100.0), 5.0);
        assert_eq!(quickest_by_margin(0, &[100.0, 95.5]), 0);
        assert_eq!(quickest_by_margin(0, &[100.0, 94.5]), 1);
    }
}
