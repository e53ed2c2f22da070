//! The strategy-rule interface (`tradesim::policy::Policy`): toy rules added through it
//! change the outcome (a lane rule, port-choice rules), and the built-in rules give what
//! `Simulation::new` gives.

use crate::common::{parse_toml, scenario_text};
use tradesim::engine::{RunOptions, Simulation};
use tradesim::measure::MeasureSchema;
use tradesim::policy::{Builtin, Joining, Lane, Policy, PortOptions, Strategy};
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

/// A toy port rule: carriers never divert, whatever the estimates say.
#[derive(Clone)]
struct NeverDivert;

impl Policy for NeverDivert {
    fn choose_port(&self, _: &Scenario, _: &Strategy, _: &PortOptions<'_>) -> usize {
        0
    }
}

/// A toy port rule: carriers send everything to the flow's first alternate from their
/// first review on, if it can be reached, however slow it is.
#[derive(Clone)]
struct FirstAlternate;

impl Policy for FirstAlternate {
    fn choose_port(&self, _: &Scenario, _: &Strategy, o: &PortOptions<'_>) -> usize {
        usize::from(o.candidates.len() > 1 && o.days_to_clear[1].is_finite())
    }
}

/// Throughput a day at [USNYC, USSAV] of replication `r` of `s`'s strategy `k` under
/// `policy`, and the ports the flows with alternates send their ordinary cargo to at the
/// horizon.
fn east_coast<P: Policy>(s: &Scenario, k: usize, r: u64, policy: P) -> ([f64; 2], Vec<u32>) {
    let mut sim = Simulation::with_policy(s, k, r, s.seed, RunOptions::default(), policy);
    sim.run_until(s.horizon).expect("runs");
    let chosen = (0..s.flows.len())
        .filter(|&f| !s.flows[f].alternates.is_empty())
        .map(|f| sim.port_choice(f, false))
        .collect();
    let v = sim.finish().values;
    let schema = MeasureSchema::new(s);
    let at = |m: &str| v[schema.index(m).expect(m)];
    (
        [
            at("nodes.USNYC.throughput_per_day"),
            at("nodes.USSAV.throughput_per_day"),
        ],
        chosen,
    )
}

#[test]
fn toy_port_rules_through_the_interface_change_where_cargo_goes() {
    let s = parse_toml(
        &scenario_text("us-west-coast-closure.toml"),
        "us-west-coast-closure.toml",
    );
    let joint = s.strategy_index("joint").expect("preset");
    let nyc = s.node_index("USNYC").expect("USNYC");
    let booked: Vec<u32> = s
        .flows
        .iter()
        .filter(|f| !f.alternates.is_empty())
        .map(|f| f.destination)
        .collect();
    assert!(!booked.is_empty(), "the scenario has flows with alternates");
    for r in 0..2 {
        let ([b_nyc, b_sav], b_chosen) = east_coast(&s, joint, r, Builtin);
        let ([n_nyc, n_sav], n_chosen) = east_coast(&s, joint, r, NeverDivert);
        let ([f_nyc, f_sav], f_chosen) = east_coast(&s, joint, r, FirstAlternate);
        eprintln!(
            "replication {r}: USNYC, USSAV a day: built-in {b_nyc:.2}, {b_sav:.2}; \
             never {n_nyc:.2}, {n_sav:.2}; first alternate {f_nyc:.2}, {f_sav:.2}"
        );
        // Built in, carriers are back at the booked ports once the West Coast reopens.
        assert_eq!(
            b_chosen, booked,
            "replication {r}: built-in choices at the horizon"
        );
        // Never diverting keeps every flow booked, and the East Coast handles less.
        assert_eq!(n_chosen, booked, "replication {r}: never-divert choices");
        assert!(
            n_nyc + n_sav < b_nyc + b_sav,
            "replication {r}: never diverting still moved cargo east"
        );
        // The first alternate (USNYC for every flow) takes everything from the onset to the
        // horizon, more than the built-in rule sends it; USSAV, never chosen, handles just
        // its own cargo, as when nobody diverts.
        assert!(
            f_chosen.iter().all(|&p| p == nyc),
            "replication {r}: {f_chosen:?}"
        );
        assert!(
            f_nyc > b_nyc,
            "replication {r}: USNYC {f_nyc} a day under first-alternate, {b_nyc} built in"
        );
        assert_eq!(f_sav, n_sav, "replication {r}: USSAV under first-alternate");
    }
}
