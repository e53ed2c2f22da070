//! The memory budget of a run: how many shipments may be in the network at once.
//!
//! Nearly all of a replication's memory that grows with the scenario is its shipments:
//! each one in the network (created, not yet delivered) holds its component row, a place
//! in a queue or on the calendar, and the slack of the vectors that hold them. Measured on
//! a closed port with 1 M and 4 M shipments waiting, that is about 150 bytes a shipment;
//! [`BYTES_PER_SHIPMENT`] counts 200 for the vectors' growth. Each worker thread holds
//! one replication, and with branching at the onset two simulations of it (the shared
//! run before the onset and one strategy's continuation), so a budget of B bytes over T
//! threads allows B / (T × 2 × 200) shipments in each simulation.
//!
//! The budget is checked twice: before a run, from the queues the disruptions imply
//! ([`queue_estimates`]: the arrivals at a closed node or route over the closure, the
//! excess over a damaged node's remaining capacity), and during the run, where the engine
//! stops a simulation once it holds more shipments than its share
//! ([`crate::engine::RunOptions::max_live`]).

use crate::disruption::{Damage, Effect, Recovery};
use crate::scenario::Scenario;

/// Bytes counted for each shipment in the network.
pub const BYTES_PER_SHIPMENT: u64 = 200;

/// Used when the machine's memory cannot be read.
const FALLBACK_BUDGET: u64 = 4 << 30;

/// The default budget: three quarters of the machine's memory, or of the control group's
/// limit if that is lower (Linux: `/proc/meminfo`, `/sys/fs/cgroup/memory.max`).
pub fn default_budget() -> u64 {
    let total = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("MemTotal:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map(|kb| kb * 1024);
    let cgroup = std::fs::read_to_string("/sys/fs/cgroup/memory.max")
        .ok()
        .and_then(|t| t.trim().parse::<u64>().ok());
    match (total, cgroup) {
        (Some(t), Some(c)) => t.min(c) / 4 * 3,
        (Some(m), None) | (None, Some(m)) => m / 4 * 3,
        (None, None) => FALLBACK_BUDGET,
    }
}

/// Simulations alive at once in one worker thread.
pub fn simulations_per_thread(branch: bool) -> u64 {
    if branch { 2 } else { 1 }
}

/// Shipments one simulation may hold under `budget` bytes over `threads` threads.
pub fn max_live(budget: u64, threads: usize, branch: bool) -> u64 {
    (budget / (threads.max(1) as u64 * simulations_per_thread(branch) * BYTES_PER_SHIPMENT)).max(1)
}

/// A queue a disruption implies.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueEstimate {
    /// The disruption's id.
    pub disruption: String,
    /// Where it grows and why, for a message: "node `P` closed for 99700 days at 999.0 arrivals a day".
    pub place: String,
    /// Shipments waiting at its peak.
    pub shipments: f64,
}

/// The queues the scenario's disruptions imply, largest first: the shipments that arrive
/// at a closed node or route while it is closed, and, at a node that loses capacity, the
/// arrivals beyond what its remaining servers handle until the capacity is back (half of
/// that over a gradual recovery). Alerts and derived (attenuation) damage are not
/// estimated: the check during the run catches them. Rerouting is not assumed, as the
/// baseline does not reroute.
pub fn queue_estimates(s: &Scenario) -> Vec<QueueEstimate> {
    let load = s.baseline_load();
    let mut out = Vec::new();
    for d in &s.disruptions {
        if d.probability <= 0.0 {
            continue;
        }
        let left = (s.horizon - d.onset.mean().max(0.0)).max(0.0);
        match &d.effect {
            Effect::Closure {
                nodes,
                routes,
                duration,
            } => {
                let days = duration.min(left);
                for &n in nodes {
                    let rate = load.nodes[n as usize].arrivals_per_day;
                    out.push(QueueEstimate {
                        disruption: d.id.clone(),
                        place: format!(
                            "node `{}` closed for {} days at {rate:.1} arrivals a day",
                            s.nodes[n as usize].id,
                            short(days)
                        ),
                        shipments: rate * days,
                    });
                }
                for &r in routes {
                    let rate = load.routes[r as usize];
                    let route = &s.routes[r as usize];
                    out.push(QueueEstimate {
                        disruption: d.id.clone(),
                        place: format!(
                            "route `{}` → `{}` closed for {} days at {rate:.1} departures a day",
                            s.nodes[route.from as usize].id,
                            s.nodes[route.to as usize].id,
                            short(days)
                        ),
                        shipments: rate * days,
                    });
                }
            }
            Effect::Earthquake {
                damage: Damage::Listed(list),
                ..
            } => {
                for nd in list {
                    let i = nd.node as usize;
                    let l = &load.nodes[i];
                    let closed = nd.closed_for.min(left);
                    // Capacity a day of the node's servers at full strength.
                    let full = if l.handling_utilisation > 0.0 {
                        l.arrivals_per_day / l.handling_utilisation
                    } else {
                        f64::INFINITY
                    };
                    let servers = s.nodes[i].servers as f64;
                    let remaining = (servers * (1.0 - nd.capacity_loss)).floor() / servers * full;
                    let deficit = (l.arrivals_per_day - remaining).max(0.0);
                    let after = (left - closed).max(0.0);
                    let slow = match &nd.recovery {
                        Recovery::None => deficit * after,
                        Recovery::Linear(days) | Recovery::Exponential(days) => {
                            deficit * days.min(after) / 2.0
                        }
                        Recovery::Steps(steps) => {
                            deficit * steps.last().map_or(0.0, |&(day, _)| day).min(after)
                        }
                    };
                    let shipments = l.arrivals_per_day * closed + slow;
                    if shipments > 0.0 {
                        out.push(QueueEstimate {
                            disruption: d.id.clone(),
                            place: format!(
                                "node `{}` damaged ({:.0}% of capacity lost, closed for {} days) at {:.1} arrivals a day",
                                s.nodes[i].id,
                                nd.capacity_loss * 100.0,
                                short(closed),
                                l.arrivals_per_day
                            ),
                            shipments,
                        });
                    }
                }
            }
            _ => {}
        }
    }
    out.sort_by(|a, b| b.shipments.total_cmp(&a.shipments));
    out
}

/// A number of days or shipments for a message: never hundreds of digits.
pub fn short(v: f64) -> String {
    if v.abs() >= 1e9 {
        format!("{v:.3e}")
    } else if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// What a run over the budget should change, for a message.
pub const REMEDY: &str = "shorten the disruption or lower the arrival rates (rate_per_day), add servers, \
run fewer --threads, or raise the budget with --memory-budget (or `memory_budget` in [scenario])";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_of_the_budget() {
        assert_eq!(max_live(4 << 30, 2, true), (4u64 << 30) / 800);
        assert_eq!(max_live(4 << 30, 1, false), (4u64 << 30) / 200);
        assert_eq!(max_live(10, 8, true), 1);
        assert!(default_budget() >= 1 << 20);
        assert_eq!(short(99700.0), "99700");
        assert_eq!(short(1e308), "1.000e308");
    }
}
