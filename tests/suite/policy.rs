//! The strategy-rule interface (`tradesim::policy::Policy`): a toy rule added through it
//! changes the outcome, and the built-in rules give what `Simulation::new` gives.

use crate::common::parse_toml;
use tradesim::engine::{RunOptions, Simulation};
use tradesim::measure::MeasureSchema;
use tradesim::policy::{Builtin, Joining, Lane, Policy, Strategy};
use tradesim::scenario::Scenario;

/// One congested port (M/M/10 at ρ = 0.9), half its traders members of the country's
/// programme, and a strategy that puts trusted cargo first everywhere.
const PORT: &str = r#"
[scenario]
name = "policy-toy"
horizon = 400
warmup = 50
seed = 7
replications = 1

[[countries]]
code = "JP"

[[programmes]]
id = "jp-aeo"
name = "Japan AEO"
country = "JP"

[[nodes]]
id = "P"
name = "Port"
kind = "seaport"
country = "JP"
lat = 35.6
lon = 139.8
servers = 10
service = { dist = "exponential", mean = 0.1 }

[[flows]]
id = "f"
origin = "P"
destination = "P"
rate_per_day = 90.0
traders = [{ share = 0.5, programmes = ["jp-aeo"] }]

[[strategies]]
name = "always-priority"
priority = "trusted_first"
when = "always"
"#;

/// A toy rule: every shipment joins the berths' priority lane, whoever its trader; the
/// other decisions are the built-in ones.
#[derive(Clone)]
struct EveryoneFirst;

impl Policy for EveryoneFirst {
    fn berth_lane(&self, _: &Scenario, _: &Strategy, _: &Joining) -> Lane {
        Lane::Priority
    }
}

/// The trusted and ordinary mean lead times (days) of `s`'s strategy `k`, replication 0,
/// under `policy`.
fn lead_times<P: Policy>(s: &Scenario, k: usize, policy: P) -> [f64; 2] {
    let r = Simulation::with_policy(s, k, 0, s.seed, RunOptions::default(), policy)
        .run()
        .expect("runs");
    let names = MeasureSchema::new(s).names;
    let at = |m: &str| r.values[names.iter().position(|n| n == m).expect(m)];
    [
        at("system.trusted_lead_time_mean_days"),
        at("system.ordinary_lead_time_mean_days"),
    ]
}

#[test]
fn a_toy_rule_through_the_interface_changes_the_lane_split() {
    let s = parse_toml(PORT, "policy-toy.toml");
    let k = s
        .strategies
        .iter()
        .position(|x| x.name == "always-priority")
        .expect("the strategy");
    let [trusted, ordinary] = lead_times(&s, k, Builtin);
    // The built-in rule: trusted cargo first, so it waits far less than ordinary cargo.
    assert!(
        trusted < 0.8 * ordinary,
        "built-in: trusted {trusted}, ordinary {ordinary}"
    );
    // Everyone in one lane is first come, first served: the split closes.
    let [t, o] = lead_times(&s, k, EveryoneFirst);
    assert!(
        (t - o).abs() < 0.1 * o,
        "everyone first: trusted {t}, ordinary {o}"
    );
    assert!(t > trusted && o < ordinary, "the rule moved the waits");
    // The built-in rules are what `Simulation::new` runs.
    let r = Simulation::new(&s, k, 0, s.seed, RunOptions::default())
        .run()
        .expect("runs");
    let b = Simulation::with_policy(&s, k, 0, s.seed, RunOptions::default(), Builtin)
        .run()
        .expect("runs");
    assert_eq!(r.values.len(), b.values.len());
    for (x, y) in r.values.iter().zip(&b.values) {
        assert!(x.to_bits() == y.to_bits(), "{x} ≠ {y}");
    }
}
