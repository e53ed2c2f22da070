//! Shippers who respond to the delay they expect (docs/model.md, "Demand response"):
//! defer, cancel or shift to a substitute flow; every shipment accounted for; shared
//! information makes them act sooner than their own.

use crate::common::parse_toml;
use tradesim::engine::{RunOptions, Simulation};
use tradesim::measure::{DAILY_SERIES, MeasureSchema};
use tradesim::scenario::Scenario;

/// Two ports of loading P and Q, one market D (same country: no customs). P's shippers
/// (20 a day) may shift to Q's flow (the road P–Q is the land leg). P closes at day 50.
fn scenario(closure_days: f64, response: bool) -> Scenario {
    let response = if response {
        r#"
[response]
threshold = { trusted = "3d", ordinary = "3d" }
defer = 0.3
cancel = 0.1
shift = 0.5
defer_for = "10d"
"#
    } else {
        ""
    };
    let text = format!(
        r#"
[scenario]
name = "shippers"
horizon = 150
warmup = 20
seed = 7
replications = 6

[[countries]]
code = "JP"

[[nodes]]
id = "P"
kind = "seaport"
country = "JP"
lat = 38.3
lon = 141.0
servers = 4
service = {{ dist = "exponential", mean = 0.1 }}

[[nodes]]
id = "Q"
kind = "seaport"
country = "JP"
lat = 37.9
lon = 139.1
servers = 4
service = {{ dist = "exponential", mean = 0.1 }}

[[nodes]]
id = "D"
kind = "inland_hub"
country = "JP"
lat = 35.6
lon = 139.8
servers = 8
service = {{ dist = "exponential", mean = 0.1 }}

[[routes]]
from = "P"
to = "D"
mode = "sea"
transit = 2

[[routes]]
from = "Q"
to = "D"
mode = "sea"
transit = 2.5

[[routes]]
from = "P"
to = "Q"
mode = "road"
transit = 0.5
bidirectional = true

[[flows]]
id = "P-D"
origin = "P"
destination = "D"
rate_per_day = 20
substitutes = ["Q-D"]

[[flows]]
id = "Q-D"
origin = "Q"
destination = "D"
rate_per_day = 5
response = {{ defer = 0, cancel = 0, shift = 0 }}
{response}
[[disruptions]]
kind = "closure"
at = 50
nodes = ["P"]
duration = "{closure_days}d"
"#
    );
    parse_toml(&text, "shippers.toml")
}

/// Runs replication `r` of `strategy` audited (the balance after every event, a census
/// every day); returns its measures and (created, delivered, cancelled, live) at the end.
fn audited(s: &Scenario, strategy: &str, r: u64) -> (Vec<f64>, [u64; 4]) {
    let k = s.strategy_index(strategy).expect("strategy");
    let options = RunOptions {
        audit: true,
        ..RunOptions::default()
    };
    let mut sim = Simulation::new(s, k, r, s.seed, options);
    sim.run_until(s.horizon).expect("audited run");
    let (created, delivered) = sim.counts();
    let (cancelled, _held) = sim.responses();
    let live = created - delivered - cancelled;
    (sim.finish().values, [created, delivered, cancelled, live])
}

#[test]
fn every_shipment_is_delivered_in_the_network_held_or_cancelled() {
    let s = scenario(20.0, true);
    let schema = MeasureSchema::new(&s);
    let col = |n: &str| schema.index(n).unwrap_or_else(|| panic!("no {n}"));
    let mut acted = [0.0; 3];
    for strategy in ["baseline", "joint"] {
        for r in 0..3 {
            let (v, [created, delivered, cancelled, live]) = audited(&s, strategy, r);
            assert!(
                delivered + cancelled <= created && live < created,
                "{strategy} {r}"
            );
            for (k, m) in ["system.deferred", "system.cancelled", "system.shifted"]
                .iter()
                .enumerate()
            {
                acted[k] += v[col(m)];
            }
            assert!(v[col("system.cancelled")] <= cancelled as f64);
        }
    }
    assert!(
        acted.iter().all(|&a| a > 0.0),
        "a 20-day closure makes shippers defer, cancel and shift: {acted:?}"
    );
}

#[test]
fn shifting_raises_throughput_at_the_substitute_port_and_cancelling_lowers_deliveries() {
    let (with, without) = (scenario(20.0, true), scenario(20.0, false));
    let schema = MeasureSchema::new(&with);
    let col = |n: &str| schema.index(n).unwrap_or_else(|| panic!("no {n}"));
    for r in 0..4 {
        let (a, _) = audited(&with, "joint", r);
        let (b, _) = audited(&without, "joint", r);
        // Same demand (common random numbers): Q handles more only by shifted cargo.
        let q = col("nodes.Q.throughput_per_day");
        let shifted = a[col("system.shifted")];
        assert!(shifted > 0.0, "replication {r}: nothing shifted");
        assert!(
            a[q] > b[q],
            "replication {r}: Q throughput {} with responding shippers vs {} without",
            a[q],
            b[q]
        );
        // The created count is the orders, the same with or without the response.
        assert_eq!(a[col("system.created")], b[col("system.created")]);
        assert!(
            a[col("system.delivered")] < b[col("system.delivered")],
            "replication {r}: cancelled cargo is never delivered"
        );
        assert_eq!(b[col("system.shifted")] + b[col("system.deferred")], 0.0);
    }
}

#[test]
fn with_shared_information_shippers_act_on_a_short_closure_and_with_their_own_they_do_not() {
    // P closes on day 50 for 5 days, between two weekly reviews (days 49 and 56). The
    // joint mechanism announces the closure and its end: shippers expecting 5 days'
    // delay (over the 3-day threshold) act at once. On their own view they notice only
    // at the review on day 56, when P has reopened and its backlog is draining.
    let s = scenario(5.0, true);
    let schema = MeasureSchema::new(&s);
    let acted = |v: &[f64]| {
        ["system.deferred", "system.cancelled", "system.shifted"]
            .iter()
            .map(|m| v[schema.index(m).expect("measure")])
            .sum::<f64>()
    };
    for r in 0..3 {
        let (joint, _) = audited(&s, "joint", r);
        let (baseline, _) = audited(&s, "baseline", r);
        assert!(
            acted(&joint) > 20.0,
            "replication {r}: joint {}",
            acted(&joint)
        );
        assert_eq!(acted(&baseline), 0.0, "replication {r}: baseline");
    }
}

#[test]
fn deferred_cargo_comes_back_as_a_catch_up_surge() {
    // Everyone above the threshold defers for 10 days: the cargo held during the closure
    // (days 50-70) comes back over days 60-80 and is delivered as a surge above the
    // normal 25 a day once P reopens; had they cancelled, it would be lost.
    let with = |defer: f64, cancel: f64| {
        let mut s = scenario(20.0, true);
        let r = s.flows[0].response.as_mut().expect("response");
        (r.defer, r.cancel, r.shift) = (defer, cancel, 0.0);
        s
    };
    let (deferring, cancelling) = (with(1.0, 0.0), with(0.0, 1.0));
    let schema = MeasureSchema::new(&deferring);
    let col = |n: &str| schema.index(n).unwrap_or_else(|| panic!("no {n}"));
    let deliveries = DAILY_SERIES
        .iter()
        .position(|&x| x == "deliveries")
        .expect("series");
    let k = deferring.strategy_index("joint").expect("joint");
    let options = RunOptions {
        audit: true,
        ..RunOptions::default()
    };
    for r in 0..3 {
        let d = Simulation::new(&deferring, k, r, 7, options)
            .run()
            .expect("run");
        let c = Simulation::new(&cancelling, k, r, 7, options)
            .run()
            .expect("run");
        assert!(d.values[col("system.deferred")] > 50.0);
        assert_eq!(d.values[col("system.cancelled")], 0.0);
        let surge: f64 = (72..86).map(|day| d.daily[day][deliveries]).sum::<f64>() / 14.0;
        assert!(
            surge > 32.0,
            "replication {r}: {surge} deliveries a day after reopening"
        );
        // Deferred cargo is delivered; cancelled cargo is not.
        assert!(
            d.values[col("system.delivered")] > c.values[col("system.delivered")] + 100.0,
            "replication {r}"
        );
    }
}
