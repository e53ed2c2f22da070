//! Shippers' response to the delay they expect (docs/model.md, "Demand response").
//!
//! At each review the engine estimates, per flow and lane (priority, ordinary), the extra
//! delay a shipment booked now would meet on its flow's booked path: for every node on
//! it, the wait until it has capacity again plus the queue ahead over its capacity, and
//! for every route on it the wait until it reopens. A shipper whose flow's estimate
//! passes its class's threshold cancels, shifts to a substitute flow or defers, by one
//! draw against the response's shares ([`decide`]). The functions here are pure; the
//! engine gathers their inputs.

use crate::scenario::Response;

/// What a shipper does with a shipment when its order is placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Ships as booked.
    Ship,
    /// Holds the cargo for the response's `defer_for` days, then ships as booked.
    Defer,
    /// Cancels: the trade is lost.
    Cancel,
    /// Ships on the substitute flow (index into the flow's `substitutes`).
    Shift(usize),
}

/// The shipper's action for an expected delay `delay` on its flow, its class's threshold
/// `threshold`, draw `u` in [0, 1), and each substitute's expected delay including the land
/// leg to it (`substitutes`):
///
/// - at or below the threshold: ship;
/// - else, by `u` against the shares in the order cancel, shift, defer: cancel; shift to
///   the least delayed substitute whose delay is at or below the threshold (the earliest
///   listed among equals), or defer if there is none; defer; ship (the rest).
pub fn decide(
    response: &Response,
    threshold: f64,
    delay: f64,
    u: f64,
    substitutes: impl Iterator<Item = f64>,
) -> Action {
    if delay.is_nan() || delay <= threshold {
        return Action::Ship;
    }
    let r = response;
    if u < r.cancel {
        return Action::Cancel;
    }
    if u < r.cancel + r.shift {
        let mut best: Option<(usize, f64)> = None;
        for (i, d) in substitutes.enumerate() {
            if d <= threshold && best.is_none_or(|(_, b)| d < b) {
                best = Some((i, d));
            }
        }
        return match best {
            Some((i, _)) => Action::Shift(i),
            None => Action::Defer,
        };
    }
    if u < r.cancel + r.shift + r.defer {
        return Action::Defer;
    }
    Action::Ship
}

/// The expected wait at a place that is closed now, under shared information (`known_end`,
/// the announced reopening: infinity if none) or the shippers' own (`elapsed`: as long again
/// as the closure has lasted) [U].
pub fn closure_wait(now: f64, known_end: Option<f64>, closed_since: f64) -> f64 {
    match known_end {
        Some(end) => (end - now).max(0.0),
        None => (now - closed_since).max(0.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const R: Response = Response {
        threshold: [7.0, 5.0],
        defer: 0.3,
        cancel: 0.1,
        shift: 0.4,
        defer_for: 14.0,
    };

    #[test]
    fn below_the_threshold_everyone_ships() {
        for u in [0.0, 0.05, 0.5, 0.99] {
            assert_eq!(decide(&R, 7.0, 7.0, u, [0.0].into_iter()), Action::Ship);
        }
    }

    #[test]
    fn above_it_the_draw_picks_cancel_shift_defer_or_ship_by_the_shares() {
        let subs = || [9.0, 3.0, 3.0].into_iter();
        assert_eq!(decide(&R, 7.0, 20.0, 0.05, subs()), Action::Cancel);
        // The least delayed substitute under the threshold; the first of equals.
        assert_eq!(decide(&R, 7.0, 20.0, 0.2, subs()), Action::Shift(1));
        assert_eq!(decide(&R, 7.0, 20.0, 0.6, subs()), Action::Defer);
        assert_eq!(decide(&R, 7.0, 20.0, 0.85, subs()), Action::Ship);
        // No substitute under the threshold: the shifters defer.
        assert_eq!(decide(&R, 7.0, 20.0, 0.2, [8.0].into_iter()), Action::Defer);
        assert_eq!(
            decide(&R, 7.0, 20.0, 0.2, std::iter::empty()),
            Action::Defer
        );
    }

    #[test]
    fn a_closure_lasts_as_announced_or_as_long_again() {
        assert_eq!(closure_wait(10.0, Some(25.0), 4.0), 15.0);
        assert_eq!(closure_wait(10.0, None, 4.0), 6.0);
        assert_eq!(closure_wait(10.0, Some(f64::INFINITY), 4.0), f64::INFINITY);
    }
}
