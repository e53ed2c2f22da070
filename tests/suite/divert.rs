//! Carriers' port choice among a flow's destination and `alternates` (docs/model.md,
//! "Port choice"): diversion in the West Coast closure moves cargo east and changes the
//! recovery; decisions change only at reviews.

use crate::common::{parse_toml, plan_for, run_plan, scenario_text};
use tradesim::engine::{RunOptions, Simulation};
use tradesim::experiment::stats::t975;
use tradesim::measure::MeasureSchema;

/// Mean and 95% half-width of paired differences (Student t).
fn paired(d: &[f64]) -> (f64, f64) {
    let n = d.len() as f64;
    let mean = d.iter().sum::<f64>() / n;
    let sd = (d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    (mean, t975(d.len() as u64 - 1) * sd / n.sqrt())
}

#[test]
fn west_coast_diversion_moves_cargo_east_and_changes_the_time_to_recover() {
    let s = parse_toml(
        &scenario_text("us-west-coast-closure.toml"),
        "us-west-coast-closure.toml",
    );
    let n = 16;
    // Common random numbers: the same replication seeds for both strategies.
    let ran = run_plan(&s, &plan_for(&s, &["joint", "joint-no-divert"], n, 2011, 2));
    let schema = MeasureSchema::new(&s);
    let col = |name: &str| {
        schema
            .index(name)
            .unwrap_or_else(|| panic!("no measure {name}"))
    };
    let (nyc, sav) = (
        col("nodes.USNYC.throughput_per_day"),
        col("nodes.USSAV.throughput_per_day"),
    );
    let ttr = col("recovery.system.ttr_days");
    let mut east = Vec::new();
    let mut ttr_diff = Vec::new();
    for r in 0..n as usize {
        let (joint, stay) = (&ran.results[2 * r], &ran.results[2 * r + 1]);
        assert_eq!((joint.replication, stay.replication), (r as u64, r as u64));
        let d = joint.values[nyc] + joint.values[sav] - stay.values[nyc] - stay.values[sav];
        // Same demand, same closure: the East Coast ports handle more only by diversion.
        assert!(
            d > 0.0,
            "replication {r}: USNYC+USSAV throughput {d:+} a day with diversion"
        );
        east.push(d);
        ttr_diff.push(joint.values[ttr] - stay.values[ttr]);
    }
    let (e, eh) = paired(&east);
    assert!(e - eh > 0.0, "East Coast throughput {e:+} ± {eh} a day");
    let (t, th) = paired(&ttr_diff);
    eprintln!("n = {n}: USNYC+USSAV {e:+.3} ± {eh:.3} a day; system TTR {t:+.2} ± {th:.2} days");
    assert!(
        t - th > 0.0 || t + th < 0.0,
        "system time to recover, joint − joint-no-divert: {t:+} ± {th} days (n = {n})"
    );
}

/// Two ports of one country: P one day from the origin O, Q two days; P closes for 20
/// days from day 100.
const DETOUR: &str = r#"
[scenario]
name = "detour"
horizon = 200
warmup = 30
seed = 5
replications = 1
review_days = 7

[[countries]]
code = "XX"

[[nodes]]
id = "O"
kind = "seaport"
country = "XX"
lat = 0
lon = 0
servers = 8
service = { dist = "exponential", mean = 0.05 }

[[nodes]]
id = "P"
kind = "seaport"
country = "XX"
lat = 1
lon = 1
servers = 8
service = { dist = "exponential", mean = 0.1 }

[[nodes]]
id = "Q"
kind = "seaport"
country = "XX"
lat = 2
lon = 2
servers = 8
service = { dist = "exponential", mean = 0.1 }

[[routes]]
from = "O"
to = "P"
mode = "sea"
transit = 1

[[routes]]
from = "O"
to = "Q"
mode = "sea"
transit = 2

[[flows]]
id = "o-p"
origin = "O"
destination = "P"
rate_per_day = 30
alternates = ["Q"]

[[disruptions]]
kind = "closure"
at = 100
nodes = ["P"]
duration = "20d"
"#;

#[test]
fn port_choice_changes_only_at_reviews_closures_and_reopenings() {
    let s = parse_toml(DETOUR, "detour.toml");
    let joint = s.strategy_index("joint").expect("preset");
    let (p, q) = (s.node_index("P").expect("P"), s.node_index("Q").expect("Q"));
    let mut sim = Simulation::new(
        &s,
        joint,
        0,
        s.seed,
        RunOptions {
            audit: true,
            ..Default::default()
        },
    );
    let reviews = |a: f64, b: f64| {
        // A review time in (a, b]: a multiple of review_days, the closure or the reopening.
        (a.floor() as u64 + 1..=b.floor() as u64).any(|d| d % 7 == 0 || d == 100 || d == 120)
    };
    let mut last = sim.port_choice(0, false);
    assert_eq!(last, p);
    let mut seen = Vec::new();
    let mut t = 0.0;
    while t < 200.0 {
        let next = t + 0.25;
        sim.run_until(next).expect("accounting holds");
        let now = sim.port_choice(0, false);
        if now != last {
            assert!(
                reviews(t, next),
                "choice changed from {last} to {now} in ({t}, {next}], with no review there"
            );
            seen.push((next, now));
        }
        last = now;
        t = next;
    }
    // Diverted to Q at the closure's announcement; back to P at the review of day 119,
    // whose cargo (a day from P) meets the reopening on day 120.
    assert_eq!(seen, vec![(100.0, q), (119.0, p)], "changes {seen:?}");
    let (created, delivered) = sim.counts();
    assert!(created > delivered);
    sim.check_balance()
        .expect("created = delivered + in system");
}

#[test]
fn on_their_own_information_carriers_divert_later_and_with_no_route_choice_not_at_all() {
    // P closes on day 100 for 20 days. Under joint (shared information) the carriers
    // divert at the announcement. On their own (baseline, unilateral) they notice at the
    // next weekly review (day 105), guess the closure to last as long again (5 days)
    // and still divert, as Q (2 days away) beats P (1 day away, then closed 4 more days
    // and a backlog); at the review of day 112, seeing 12 days of closure, they stay;
    // not knowing the reopening, they come back only at the review of day 126.
    let mut text = DETOUR.to_string();
    text.push_str("\n[[strategies]]\nname = \"stay\"\nreroute = \"none\"\n");
    let s = parse_toml(&text, "detour.toml");
    let (p, q) = (s.node_index("P").expect("P"), s.node_index("Q").expect("Q"));
    let choice_at = |name: &str, t: f64| {
        let k = s.strategy_index(name).expect("strategy");
        let mut sim = Simulation::new(&s, k, 0, s.seed, RunOptions::default());
        sim.run_until(t).expect("runs");
        sim.port_choice(0, false)
    };
    assert_eq!(
        choice_at("joint", 100.5),
        q,
        "joint diverts at the announcement"
    );
    assert_eq!(choice_at("joint", 121.0), p, "and is back by the reopening");
    for name in ["baseline", "unilateral"] {
        assert_eq!(choice_at(name, 104.9), p, "{name}: before its first review");
        assert_eq!(
            choice_at(name, 105.5),
            q,
            "{name}: at its review of day 105"
        );
        assert_eq!(
            choice_at(name, 121.0),
            q,
            "{name}: the reopening is not announced"
        );
        assert_eq!(
            choice_at(name, 126.5),
            p,
            "{name}: back at the review of day 126"
        );
    }
    for t in [100.5, 105.5, 115.0] {
        assert_eq!(
            choice_at("stay", t),
            p,
            "reroute = none keeps the destination"
        );
    }
}

#[test]
fn bad_review_days_are_rejected_with_the_key() {
    for bad in ["-7", "0", "2.5", "nan", "inf", "\"-3d\""] {
        let text = DETOUR.replace("review_days = 7", &format!("review_days = {bad}"));
        let err = tradesim::scenario::Scenario::parse(
            &text,
            "detour.toml",
            tradesim::scenario::Format::Toml,
        )
        .err()
        .unwrap_or_else(|| panic!("review_days = {bad} accepted"))
        .to_string();
        assert!(
            err.contains("review_days"),
            "review_days = {bad}: the error does not name the key: {err}"
        );
    }
    // Days with a unit are fine.
    let text = DETOUR.replace("review_days = 7", "review_days = \"2w\"");
    assert_eq!(parse_toml(&text, "detour.toml").review_days, 14.0);
}
