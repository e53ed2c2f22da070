//! Disruptions, strategies and recovery measures (issue 3): behaviour a policy team relies
//! on, on small networks where the effect is known in advance.

use crate::common::{Ran, plan_for, run_plan};
use tradesim::measure::MeasureSchema;
use tradesim::scenario::{Format, Scenario};

/// One port `P` (country XX) with local demand of 50/day on 8 berths (ρ ≈ 0.63), 30% of it
/// from members of XX's programme `xx-aeo`, and whatever `extra` adds.
fn one_port(extra: &str) -> String {
    format!(
        r#"
[scenario]
name = "one-port"
horizon = 260
warmup = 40
seed = 7
replications = 6

[[countries]]
code = "XX"

[[programmes]]
id = "xx-aeo"
country = "XX"

[[nodes]]
id = "P"
kind = "seaport"
country = "XX"
lat = 10
lon = 10
servers = 8
service = {{ dist = "exponential", mean = 0.1 }}

[[flows]]
id = "local"
origin = "P"
destination = "P"
rate_per_day = 50
traders = [{{ share = 0.3, programmes = ["xx-aeo"] }}]
{extra}
"#
    )
}

fn parse(text: &str) -> Scenario {
    Scenario::parse(text, "test.toml", Format::Toml)
        .unwrap_or_else(|e| panic!("invalid test scenario: {e}"))
}

/// Runs the named strategies over the scenario's replications.
fn run(s: &Scenario, strategies: &[&str]) -> Ran {
    run_plan(s, &plan_for(s, strategies, s.replications, s.seed, 2))
}

/// Mean over replications of measure `name` for the `k`-th strategy run.
fn mean(o: &Ran, k: usize, name: &str) -> f64 {
    let i = o
        .schema
        .index(name)
        .unwrap_or_else(|| panic!("no measure {name}"));
    o.summaries[k].measures[i].mean
}

/// Per-replication values of `name` for the `k`-th strategy.
fn values(o: &Ran, k: usize, name: &str) -> Vec<f64> {
    let i = o
        .schema
        .index(name)
        .unwrap_or_else(|| panic!("no measure {name}"));
    let s = o.plan.strategies[k];
    o.results
        .iter()
        .filter(|r| r.strategy == s)
        .map(|r| r.values[i])
        .collect()
}

const CLOSURE: &str = r#"
[[disruptions]]
kind = "closure"
at = 100
nodes = ["P"]
duration = "10d"
"#;

#[test]
fn a_closure_leaves_a_backlog_that_clears_after_it_ends() {
    let s = parse(&one_port(CLOSURE));
    let o = run(&s, &["baseline"]);
    for (r, ttr) in values(&o, 0, "recovery.system.ttr_days").iter().enumerate() {
        assert!(
            *ttr > 10.0,
            "replication {r}: recovered in {ttr} days, before the 10-day closure ended"
        );
        // A port this small has a narrow band (its WIP is ~5), so noise can delay the call.
        assert!(
            *ttr < 120.0,
            "replication {r}: took {ttr} days; the backlog should clear"
        );
    }
    assert_eq!(mean(&o, 0, "recovery.system.ttr_censored"), 0.0);
    // Ten days × 50/day pile up: the backlog peaks near 500 shipments, around the reopening.
    let peak = mean(&o, 0, "recovery.system.backlog_peak");
    assert!((350.0..650.0).contains(&peak), "backlog peak {peak}");
    let peak_day = mean(&o, 0, "recovery.system.backlog_peak_day");
    assert!(
        (8.0..13.0).contains(&peak_day),
        "backlog peak on day {peak_day} after onset"
    );
    // About ten days of output lost, and the excess waiting is of the order of the
    // backlog triangle (500 × 10 / 2 while closed, plus the drain).
    let loss = mean(&o, 0, "recovery.system.resilience_loss_days");
    assert!((9.0..12.0).contains(&loss), "resilience loss {loss}");
    let excess = mean(&o, 0, "recovery.system.excess_delay_shipment_days");
    assert!(excess > 2_500.0, "excess delay {excess}");
    // By the end, the daily WIP is back at its pre-closure level.
    let wip = &o.summaries[0].daily;
    let before = wip[90][2].mean;
    let end = wip[wip.len() - 2][2].mean;
    assert!(
        (end - before).abs() < 0.2 * before,
        "WIP {before} before, {end} at the end"
    );
}

#[test]
fn a_scope_never_hit_recovers_at_once_and_no_disruption_means_no_recovery_figures() {
    let s = parse(&one_port(""));
    let o = run(&s, &["baseline"]);
    assert!(mean(&o, 0, "recovery.system.ttr_days").is_nan());
    assert_eq!(mean(&o, 0, "system.disrupted"), 0.0);
    let s = parse(&one_port(
        &CLOSURE.replace("kind = \"closure\"", "kind = \"closure\"\nprobability = 0"),
    ));
    let o = run(&s, &["baseline"]);
    assert!(mean(&o, 0, "system.first_onset_day").is_nan());
}

#[test]
fn trusted_first_recovers_trusted_cargo_faster_than_fifo() {
    let extra =
        format!("{CLOSURE}\n[[strategies]]\nname = \"priority\"\npriority = \"trusted_first\"\n");
    let s = parse(&one_port(&extra));
    let o = run(&s, &["baseline", "priority"]);
    // First return: the backlog of trusted cargo clears much sooner. The sustained
    // recovery (in band for 28 days) also comes sooner, but noise relapses of a class
    // this small (WIP ≈ 1.5) blur the ratio.
    let fifo = mean(&o, 0, "recovery.class.trusted.first_return_days");
    let prio = mean(&o, 1, "recovery.class.trusted.first_return_days");
    assert!(
        prio < 0.7 * fifo,
        "trusted cargo returns in {prio} days with trusted_first, {fifo} with fifo"
    );
    let fifo_s = mean(&o, 0, "recovery.class.trusted.ttr_days");
    let prio_s = mean(&o, 1, "recovery.class.trusted.ttr_days");
    assert!(
        prio_s < fifo_s,
        "trusted cargo recovers in {prio_s} days with trusted_first, {fifo_s} with fifo"
    );
    // Ordinary cargo pays for it.
    let fifo_o = mean(&o, 0, "recovery.class.ordinary.ttr_days");
    let prio_o = mean(&o, 1, "recovery.class.ordinary.ttr_days");
    assert!(
        prio_o >= fifo_o,
        "ordinary: {prio_o} with priority, {fifo_o} without"
    );
    // The whole system's backlog is the same work either way.
    let a = mean(&o, 0, "recovery.system.backlog_peak");
    let b = mean(&o, 1, "recovery.system.backlog_peak");
    assert!((a - b).abs() < 0.05 * a, "backlog peak {a} vs {b}");
}

/// Port `P` in XX, fed by origin `O` in YY; YY's programme `yy-aeo` is recognised by XX's
/// `xx-ctpat` under an arrangement; 30% of the cargo is from `yy-aeo`-only members.
fn two_countries(extra: &str, notice: &str) -> String {
    format!(
        r#"
[scenario]
name = "two-countries"
horizon = 260
warmup = 40
seed = 11
replications = 6

[[countries]]
code = "XX"
alert_levels = [{{ level = 3, inspection_rate = 4.0, inspection_time = 1.0, handling_slowdown = 1.0 }}]

[[countries]]
code = "YY"

[[programmes]]
id = "xx-ctpat"
country = "XX"

[[programmes]]
id = "yy-aeo"
country = "YY"

[[arrangements]]
id = "mra"
programmes = ["xx-ctpat", "yy-aeo"]
revocation_notice = "{notice}"

[[nodes]]
id = "O"
kind = "seaport"
country = "YY"
lat = 0
lon = 0
servers = 20
service = {{ dist = "exponential", mean = 0.05 }}

[[nodes]]
id = "P"
kind = "seaport"
country = "XX"
lat = 10
lon = 10
servers = 8
service = {{ dist = "exponential", mean = 0.1 }}
customs = {{ inspectors = 40, inspection = 1.0, clearance = 0.1, inspection_rate = {{ trusted = 0.05, ordinary = 0.2 }} }}

[[routes]]
from = "O"
to = "P"
mode = "sea"
transit = 3

[[flows]]
id = "imports"
origin = "O"
destination = "P"
rate_per_day = 50
traders = [{{ share = 0.3, programmes = ["yy-aeo"] }}]
{extra}
"#
    )
}

#[test]
fn mutual_recognition_shortens_partner_members_recovery() {
    let extra = format!(
        "{}\n[[strategies]]\nname = \"own\"\npriority = \"trusted_first\"\nrecognition = \"own\"\n\n[[strategies]]\nname = \"mutual\"\npriority = \"trusted_first\"\nrecognition = \"mutual\"\n",
        CLOSURE
    );
    let s = parse(&two_countries(&extra, "30d").replace("replications = 6", "replications = 12"));
    let o = run(&s, &["own", "mutual"]);
    // Partner members are the trusted class at XX's customs; only `mutual` puts them first.
    // Their backlog then clears within days of the reopening instead of with everyone's.
    let own = mean(&o, 0, "recovery.class.trusted.excess_delay_shipment_days");
    let mutual = mean(&o, 1, "recovery.class.trusted.excess_delay_shipment_days");
    assert!(
        mutual < 0.7 * own,
        "partner members' excess delay {mutual} shipment-days with mutual recognition, {own} with own"
    );
    // Time to recover is the noisier measure (a class's band is a few shipments wide).
    let own = mean(&o, 0, "recovery.class.trusted.ttr_days");
    let mutual = mean(&o, 1, "recovery.class.trusted.ttr_days");
    assert!(
        mutual < own - 3.0,
        "partner members recover in {mutual} days with mutual recognition, {own} with own"
    );
}

#[test]
fn rerouting_moves_volume_to_an_open_alternate_port() {
    // A → B1 → C is quicker than A → B2 → C; B1 closes for 30 days.
    let text = r#"
[scenario]
name = "detour"
horizon = 220
warmup = 30
seed = 3
replications = 3

[[countries]]
code = "XX"

[[nodes]]
id = "A"
kind = "seaport"
country = "XX"
lat = 0
lon = 0
servers = 10
service = { dist = "exponential", mean = 0.05 }

[[nodes]]
id = "B1"
kind = "seaport"
country = "XX"
lat = 1
lon = 1
servers = 10
service = { dist = "exponential", mean = 0.1 }

[[nodes]]
id = "B2"
kind = "seaport"
country = "XX"
lat = 1
lon = -1
servers = 10
service = { dist = "exponential", mean = 0.1 }

[[nodes]]
id = "C"
kind = "inland_hub"
country = "XX"
lat = 2
lon = 0
servers = 10
service = { dist = "exponential", mean = 0.05 }

[[routes]]
from = "A"
to = "B1"
mode = "sea"
transit = 1

[[routes]]
from = "A"
to = "B2"
mode = "sea"
transit = 2

[[routes]]
from = "B1"
to = "C"
mode = "road"
transit = 0.5

[[routes]]
from = "B2"
to = "C"
mode = "road"
transit = 0.5

[[flows]]
id = "f"
origin = "A"
destination = "C"
rate_per_day = 40

[[disruptions]]
kind = "closure"
at = 100
nodes = ["B1"]
duration = "30d"
"#;
    let s = parse(&format!(
        "{text}\n[[strategies]]\nname = \"stay\"\nreroute = \"none\"\n"
    ));
    let o = run(&s, &["stay", "joint", "baseline"]);
    let stay = mean(&o, 0, "nodes.B2.throughput_per_day");
    let moved = mean(&o, 1, "nodes.B2.throughput_per_day");
    let later = mean(&o, 2, "nodes.B2.throughput_per_day");
    assert_eq!(stay, 0.0, "without rerouting nothing uses B2");
    // 30 of the 190 measured days at 40/day ≈ 6.3/day go through B2.
    assert!(moved > 5.0, "with rerouting B2 handles {moved}/day");
    // On their own information carriers re-plan at the weekly review (day 105) and
    // back at the review after the reopening (day 133): B2 still takes the cargo.
    assert!(later > 4.0, "on own information B2 handles {later}/day");
    let ttr_stay = mean(&o, 0, "recovery.system.ttr_days");
    let ttr_moved = mean(&o, 1, "recovery.system.ttr_days");
    assert!(
        ttr_moved < ttr_stay,
        "recovery {ttr_moved} days with rerouting, {ttr_stay} without"
    );
}

#[test]
fn diversion_delivers_at_an_alternate_when_the_destination_is_closed() {
    let text = one_port("").replace(
        "[[flows]]\nid = \"local\"\norigin = \"P\"\ndestination = \"P\"\nrate_per_day = 50\ntraders = [{ share = 0.3, programmes = [\"xx-aeo\"] }]",
        r#"[[nodes]]
id = "Q"
kind = "seaport"
country = "XX"
lat = 10
lon = 12
servers = 8
service = { dist = "exponential", mean = 0.1 }

[[nodes]]
id = "O"
kind = "seaport"
country = "XX"
lat = 5
lon = 5
servers = 8
service = { dist = "exponential", mean = 0.05 }

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
id = "to-p"
origin = "O"
destination = "P"
rate_per_day = 30
alternates = ["Q"]

[[disruptions]]
kind = "closure"
at = 100
nodes = ["P"]
duration = "20d"
"#,
    );
    let s = parse(&format!(
        "{text}\n[[strategies]]\nname = \"stay\"\nreroute = \"none\"\n"
    ));
    let o = run(&s, &["stay", "joint", "baseline"]);
    assert_eq!(mean(&o, 0, "nodes.Q.throughput_per_day"), 0.0);
    let (shared, own) = (
        mean(&o, 1, "nodes.Q.throughput_per_day"),
        mean(&o, 2, "nodes.Q.throughput_per_day"),
    );
    assert!(shared > 2.0, "joint delivers {shared}/day at Q");
    // On their own information carriers divert from the review of day 105, not day 100.
    assert!(
        own > 0.0 && own != shared,
        "baseline {own}/day at Q, joint {shared}"
    );
}

#[test]
fn alert_relief_cuts_trusted_cargo_inspection_delay() {
    let alert = "\n[[disruptions]]\nkind = \"alert\"\nat = 100\ncountry = \"XX\"\nlevel = 3\nduration = \"60d\"\n\n[[strategies]]\nname = \"relief\"\nrecognition = \"mutual\"\nalert_relief = true\n";
    let s = parse(&two_countries(alert, "30d"));
    let o = run(&s, &["baseline", "relief"]);
    // At level 3 the trusted rate 0.05 becomes 0.2 without relief and stays 0.05 with it;
    // each inspection adds a day.
    let without = mean(&o, 0, "flows.imports.trusted.lead_time_mean_days");
    let with = mean(&o, 1, "flows.imports.trusted.lead_time_mean_days");
    assert!(
        with < without - 0.03,
        "trusted lead time {with} with relief, {without} without"
    );
    // Ordinary cargo is not relieved.
    let a = mean(&o, 0, "flows.imports.ordinary.lead_time_mean_days");
    let b = mean(&o, 1, "flows.imports.ordinary.lead_time_mean_days");
    assert!((a - b).abs() < 0.02, "ordinary lead time {a} vs {b}");
    let inspected = (
        mean(&o, 0, "nodes.P.inspected_share"),
        mean(&o, 1, "nodes.P.inspected_share"),
    );
    assert!(inspected.1 < inspected.0, "inspected share {inspected:?}");
}

#[test]
fn a_prompt_revocation_notice_changes_what_the_partner_inspects() {
    let revoke = "\n[[disruptions]]\nkind = \"revocation\"\nat = 100\nprogramme = \"yy-aeo\"\nshare = 0.5\n\n[[strategies]]\nname = \"prompt\"\nnotice = \"prompt\"\n";
    let s = parse(&two_countries(revoke, "60d"));
    let o = run(&s, &["baseline", "prompt"]);
    // Half of yy-aeo's members lose status on day 100; XX learns on day 160, or at once.
    // Until it learns, it inspects them at the trusted rate; knowing, at the ordinary rate.
    let late = values(&o, 0, "nodes.P.inspected_share");
    let prompt = values(&o, 1, "nodes.P.inspected_share");
    for (r, (a, b)) in late.iter().zip(&prompt).enumerate() {
        assert!(
            b > a,
            "replication {r}: inspected share {b} with prompt notice, {a} with the arrangement's delay"
        );
    }
    // Expected difference: 60 days × 15% of cargo × (0.2 − 0.05) over 220 days ≈ 0.006.
    let d = mean(&o, 1, "nodes.P.inspected_share") - mean(&o, 0, "nodes.P.inspected_share");
    assert!((0.003..0.01).contains(&d), "difference {d}");
}

#[test]
fn a_disruption_at_a_node_no_flow_uses_changes_nothing() {
    let idle_node = "\n[[nodes]]\nid = \"Z\"\nkind = \"seaport\"\ncountry = \"XX\"\nlat = 40\nlon = 40\nservers = 2\nservice = 0.1\n";
    let quake = "\n[[disruptions]]\nid = \"far-away\"\nkind = \"earthquake\"\nat = 150\nepicenter = { lat = 40, lon = 40 }\nmagnitude = 8\n[[disruptions.damage]]\nnode = \"Z\"\ncapacity_loss = 1\nclosed_for = \"20d\"\nrecovery = { curve = \"linear\", duration = \"30d\" }\n";
    let strategies =
        "\n[[strategies]]\nname = \"always\"\npriority = \"trusted_first\"\nwhen = \"always\"\n";
    let base = parse(&one_port(&format!("{CLOSURE}{idle_node}{strategies}")));
    let with = parse(&one_port(&format!(
        "{CLOSURE}{idle_node}{strategies}{quake}"
    )));
    assert_eq!(MeasureSchema::new(&base), MeasureSchema::new(&with));
    let names = ["baseline", "unilateral", "joint", "always"];
    let (a, b) = (run(&base, &names), run(&with, &names));
    assert_eq!(a.results.len(), b.results.len());
    let lost = a
        .schema
        .index("nodes.Z.capacity_lost_at_onset")
        .expect("measure");
    for (x, y) in a.results.iter().zip(&b.results) {
        // The quake happened (it is on record as capacity lost at Z) ...
        assert_eq!((x.values[lost], y.values[lost]), (0.0, 1.0));
        // ... and nothing else differs: no shipment saw it.
        for (k, (u, v)) in x.values.iter().zip(&y.values).enumerate() {
            if a.schema.names[k].ends_with(".capacity_lost_at_onset") {
                continue;
            }
            assert_eq!(
                u.to_bits(),
                v.to_bits(),
                "{} differs: {u} vs {v}",
                a.schema.names[k]
            );
        }
        assert_eq!(format!("{:?}", x.daily), format!("{:?}", y.daily));
    }
}

#[test]
fn earthquake_capacity_follows_the_step_table_and_strategies_share_the_realisation() {
    let quake = r#"
[[disruptions]]
kind = "earthquake"
at = { dist = "uniform", min = 90, max = 120 }
epicenter = { lat = 10.5, lon = 10.5 }
magnitude = 7.5
[[disruptions.damage]]
node = "P"
capacity_loss = 0.75
recovery = { curve = "steps", steps = [[30, 0.5], [60, 1.0]] }
"#;
    let s = parse(&one_port(quake));
    let o = run(&s, &["baseline", "joint"]);
    // Two berths left of eight for 30 days: 50/day against a capacity of 20/day.
    let onsets = values(&o, 0, "system.first_onset_day");
    assert_eq!(
        onsets,
        values(&o, 1, "system.first_onset_day"),
        "strategies must see the same onset"
    );
    assert!(onsets.iter().all(|t| (90.0..=120.0).contains(t)));
    assert!(
        onsets.windows(2).any(|w| w[0] != w[1]),
        "onsets are drawn per replication"
    );
    for ttr in values(&o, 0, "recovery.system.ttr_days") {
        assert!(ttr > 30.0, "TTR {ttr}: capacity was a quarter for 30 days");
    }
    // Berth utilisation counts only working berths.
    let u = mean(&o, 0, "nodes.P.utilisation");
    assert!(u > 0.6 && u < 1.0, "utilisation {u}");
}

/// A 30-day closure at a random onset late in the run: 1,500 shipments pile up and take
/// about 50 days to drain, so the port recovers some 80 days after the onset, and for
/// onsets after about day 170 the run ends first: about three in four are censored.
fn late_closure(horizon: u32) -> Scenario {
    let closure = r#"
[[disruptions]]
kind = "closure"
at = { dist = "uniform", min = 160, max = 220 }
nodes = ["P"]
duration = "30d"
"#;
    let text = one_port(closure)
        .replace("horizon = 260", &format!("horizon = {horizon}"))
        .replace("replications = 6", "replications = 40");
    parse(&text)
}

#[test]
fn a_run_that_ends_before_most_replications_recover_censors_them_and_kaplan_meier_corrects_for_it()
{
    let short = run(&late_closure(260), &["baseline"]);
    let long = run(&late_closure(560), &["baseline"]);
    let censored = values(&short, 0, "recovery.system.ttr_censored");
    let share = censored.iter().sum::<f64>() / censored.len() as f64;
    assert!(share > 0.5, "only {:.0}% censored", 100.0 * share);
    // With the long horizon every replication recovers: the times the short run could
    // not see, on the same draws (common random numbers: onsets and demand alike).
    assert_eq!(mean(&long, 0, "recovery.system.ttr_censored"), 0.0);
    let mut truth = values(&long, 0, "recovery.system.ttr_days");
    truth.sort_by(f64::total_cmp);
    let true_median = (truth[19] + truth[20]) / 2.0;
    let km = &short.analysis.scopes[0][0].ttr;
    assert_eq!(km.censored as f64, censored.iter().sum::<f64>());
    // Censoring depends only on the onset, not on how recovery goes, so Kaplan–Meier is
    // unbiased here: its median matches the uncensored one...
    let median = km.median.expect("the KM median is reached");
    assert!(
        (median - true_median).abs() <= 0.1 * true_median,
        "KM median {median} vs {true_median} without censoring"
    );
    let [lo, hi] = km.median_ci95;
    assert!(
        lo.is_some_and(|lo| lo <= true_median) && hi.is_none_or(|hi| hi >= true_median),
        "CI {lo:?}..{hi:?} misses {true_median}"
    );
    // ...while averaging the censored times in (cut at the horizon) understates it.
    let cut: Vec<f64> = values(&short, 0, "recovery.system.ttr_days");
    let mut sorted = cut.clone();
    sorted.sort_by(f64::total_cmp);
    let naive = (sorted[19] + sorted[20]) / 2.0;
    assert!(
        naive < 0.9 * true_median,
        "cutting at the horizon gives {naive}, not below {true_median}"
    );
    // The restricted mean is bounded by the shortest follow-up and its interval too.
    let rm = &km.restricted_mean;
    assert!(rm.value <= km.tau && rm.ci95[1] <= km.tau + 1e-9 && rm.ci95[0] >= 0.0);
}
