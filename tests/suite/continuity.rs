//! Risk-based targeting and the customs continuity measures of joint business continuity
//! (docs/model.md, "Risk-based targeting" and "Customs continuity measures"), each shown
//! to change the outcome the way the domain says it should.

use crate::common::{parse_toml, run, values};
use tradesim::risk::normal_sf;
use tradesim::scenario::Scenario;

/// One Japanese port P exporting 30 shipments a day to one US port U with customs.
/// `traders` is the flow's trader mix, `us` goes into the US country's table, `customs`
/// replaces U's customs settings, `tail` is appended (strategies, disruptions).
fn scenario(traders: &str, us: &str, port: &str, customs: &str, tail: &str) -> Scenario {
    let text = format!(
        r#"
[scenario]
name = "continuity"
horizon = 120
warmup = 20
baseline_days = 10
seed = 5
replications = 4

[[countries]]
code = "JP"

[[countries]]
code = "US"
{us}

[[programmes]]
id = "ctpat"
country = "US"

[[programmes]]
id = "jp-aeo"
country = "JP"

[[arrangements]]
id = "mra"
programmes = ["ctpat", "jp-aeo"]

[[nodes]]
id = "P"
kind = "seaport"
country = "JP"
lat = 35.4
lon = 139.6
servers = 8
service = {{ dist = "exponential", mean = 0.1 }}

[[nodes]]
id = "U"
kind = "seaport"
country = "US"
lat = 33.7
lon = -118.2
{port}

[nodes.customs]
{customs}

[[routes]]
from = "P"
to = "U"
mode = "sea"
transit = 10

[[flows]]
id = "P-U"
origin = "P"
destination = "U"
rate_per_day = 30
traders = [{traders}]
{tail}
"#
    );
    parse_toml(&text, "continuity.toml")
}

const PORT: &str = r#"servers = 8
service = { dist = "exponential", mean = 0.1 }"#;

const CUSTOMS: &str = r#"inspectors = 40
inspection = { dist = "exponential", mean = 0.5 }
clearance = { dist = "exponential", mean = 0.2 }
inspection_rate = { trusted = 0.1, ordinary = 0.1 }"#;

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

fn mean_of(sc: &Scenario, strategy: &str, reps: u64, measure: &str) -> f64 {
    mean(&values(&run(sc, &[strategy], reps, 5, 1), measure))
}

/// The threshold above which 0.9 N(0, 1) + 0.1 N(2, 1) has mass 0.1, by bisection on the
/// closed-form tail (independent of the calibration under test).
fn closed_form_threshold() -> f64 {
    let share = |t: f64| 0.9 * normal_sf(t) + 0.1 * normal_sf(t - 2.0);
    let (mut lo, mut hi) = (-5.0, 5.0);
    for _ in 0..100 {
        let mid = 0.5 * (lo + hi);
        if share(mid) > 0.1 { lo = mid } else { hi = mid }
    }
    0.5 * (lo + hi)
}

/// US customs inspects the 10 % highest-scoring imports. 10 % of shipments are
/// non-compliant and score 2 higher; noise 1 with own information, 0.5 with Japan's
/// advance data (joint's `data_exchange`). The threshold τ ≈ 1.716 meets the target
/// rate; detection is P(N(2, σ) > τ): 0.612 with σ = 1, 0.715 with σ = 0.5, and the
/// sharper score inspects only 0.9 P(N(0, 0.5) > τ) + 0.1 × 0.715 ≈ 0.072 of cargo.
/// 32 replications of 3,000 decisions: standard errors 0.001 (share), 0.005 (detection).
#[test]
fn targeting_meets_its_rate_and_advance_data_finds_more_with_fewer_exams() {
    let sc = scenario(
        "",
        r#"[countries.targeting]
target_rate = 0.1
separation = 2
noise = 1
noise_shared = 0.5
non_compliant = { trusted = 0, ordinary = 0.1 }"#,
        PORT,
        CUSTOMS,
        r#"
[[strategies]]
name = "exchange-without-mra"
data_exchange = true
arrangement = "none""#,
    );
    let tau = closed_form_threshold();
    let us = &sc.countries[1];
    let t = us.targeting.as_ref().expect("targeting");
    assert!(
        (t.thresholds[0] - tau).abs() < 1e-6,
        "{} vs {tau}",
        t.thresholds[0]
    );

    let inspected = mean_of(&sc, "baseline", 32, "system.inspected_share_non_members");
    let detected = mean_of(&sc, "baseline", 32, "system.detection_rate");
    assert!(
        (inspected - 0.1).abs() < 0.004,
        "own information inspects 10 %: {inspected}"
    );
    let want = normal_sf(tau - 2.0);
    assert!(
        (detected - want).abs() < 0.02,
        "detection {detected} vs {want}"
    );
    let nc = mean_of(&sc, "baseline", 32, "system.non_compliant");
    assert!(
        (nc - 300.0).abs() < 12.0,
        "10 % of 3,000 non-compliant: {nc}"
    );

    let inspected_j = mean_of(&sc, "joint", 32, "system.inspected_share_non_members");
    let detected_j = mean_of(&sc, "joint", 32, "system.detection_rate");
    let want_j = normal_sf(2.0 * (tau - 2.0));
    let share_j = 0.9 * normal_sf(2.0 * tau) + 0.1 * want_j;
    assert!(
        (detected_j - want_j).abs() < 0.02,
        "shared data detects {detected_j} vs {want_j}"
    );
    assert!(
        (inspected_j - share_j).abs() < 0.004,
        "shared data inspects {inspected_j} vs {share_j}"
    );
    // No exchange without the Arrangement (with no members, the rest is baseline).
    let detected_0 = mean_of(&sc, "exchange-without-mra", 32, "system.detection_rate");
    assert_eq!(detected_0, detected);
}

/// Members' validation lowers the score (trusted_discount): with half the traders C-TPAT
/// members, the threshold is set on the whole mix, and members are inspected far less than
/// others; under no-mra, JP-AEO members lose the discount at US customs.
#[test]
fn trusted_status_lowers_the_score_and_recognition_extends_it_to_partner_members() {
    let sc = scenario(
        r#"{ share = 0.5, programmes = ["jp-aeo"] }"#,
        r#"[countries.targeting]
target_rate = 0.1
trusted_discount = 2
non_compliant = { trusted = 0.01, ordinary = 0.05 }"#,
        PORT,
        CUSTOMS,
        "",
    );
    let t = sc.countries[1].targeting.as_ref().expect("targeting");
    let [trusted, other] = t.class_rates[0];
    assert!((0.5 * trusted + 0.5 * other - 0.1).abs() < 1e-9);
    assert!(trusted < 0.02 && other > 0.18, "{trusted} {other}");
    let partner = mean_of(
        &sc,
        "baseline",
        16,
        "system.inspected_share_partner_members",
    );
    let none = mean_of(&sc, "baseline", 16, "system.inspected_share_non_members");
    assert!(
        (partner - trusted).abs() < 0.004,
        "members at {partner}, class rate {trusted}"
    );
    assert!(
        (none - other).abs() < 0.01,
        "others at {none}, class rate {other}"
    );
    // Without the Arrangement the threshold stays (the administration's rule), but JP-AEO
    // members lose the discount: 0.99 P(N(0, 1) > τ) + 0.01 P(N(2, 1) > τ).
    let tau = t.thresholds[0];
    let want = 0.99 * normal_sf(tau) + 0.01 * normal_sf(tau - 2.0);
    let partner_0 = mean_of(&sc, "no-mra", 16, "system.inspected_share_partner_members");
    assert!(
        (partner_0 - want).abs() < 0.01,
        "no-mra partner members at {partner_0} vs {want}"
    );
}

/// A US alert (level 2, inspection rate × 4) from day 40 to 80. Under shared alert notice
/// Japan screens US-bound departures at once, and US customs recognising that screening
/// assesses them at the normal rate: only arrivals in the first transit time of the alert
/// (days 40–50) meet the alert rate. Without recognition the screening is paid for and
/// changes nothing; under routine notice (2 days) Japan starts and stops 2 days late.
#[test]
fn recognised_pre_departure_screening_spares_re_inspection_during_an_alert() {
    let us = r#"[[countries.alert_levels]]
level = 2
inspection_rate = 4"#;
    let tail = r#"
[[strategies]]
name = "notice-only"
alert_notice = "shared"

[[strategies]]
name = "routine-screening"
alert_notice = "routine"
screening = true

[[disruptions]]
kind = "alert"
id = "alarm"
at = 40
country = "US"
level = 2
duration = "40d"
"#;
    let sc = scenario("", us, PORT, CUSTOMS, tail);
    let share = |s: &str| mean_of(&sc, s, 16, "system.inspected_share_non_members");
    let screened = |s: &str| mean_of(&sc, s, 16, "system.screened_departures");
    // Window days 20–120 (100 days); alert-rate days at customs: 40 (none recognised),
    // 10.25 (shared: arrivals 40–50.25 left before the notice), 12.25 (routine). Share
    // standard errors about 0.0015 at 16 replications.
    let (base, notice, joint, routine) = (
        share("baseline"),
        share("notice-only"),
        share("joint"),
        share("routine-screening"),
    );
    let closed = |days: f64| ((100.0 - days) * 0.1 + days * 0.4) / 100.0;
    assert!((base - closed(40.0)).abs() < 0.008, "baseline {base}");
    assert!(
        (notice - closed(40.0)).abs() < 0.008,
        "screening not recognised {notice}"
    );
    assert!((joint - closed(10.25)).abs() < 0.008, "joint {joint}");
    assert!(
        (routine - closed(12.25)).abs() < 0.008,
        "routine notice {routine}"
    );
    assert!(joint < base - 0.06);
    // Screened: 40 days of departures at 30 a day (Poisson, sd ≈ 9 for a mean of 16).
    assert_eq!(screened("baseline"), 0.0);
    for s in ["notice-only", "joint", "routine-screening"] {
        let n = screened(s);
        assert!((n - 1200.0).abs() < 40.0, "{s}: {n} screened");
    }
}

/// U closes for 10 days from day 40 with 4 berths left for 30 a day (capacity 40 a day):
/// the backlog of about 300 takes some 30 days to clear. With the joint reopening protocol
/// the recognised members (both programmes, half the traders) go first at the reopened
/// berths: their mean lead time falls well below baseline's and the others' rises.
#[test]
fn reopening_protocol_gives_reopened_capacity_to_recognised_members_first() {
    let tail = r#"
[[strategies]]
name = "reopening-only"
reopening = true

[[disruptions]]
kind = "closure"
id = "shut"
at = 40
nodes = ["U"]
duration = "10d"
"#;
    let port = r#"servers = 4
service = { dist = "exponential", mean = 0.1 }"#;
    let traders =
        r#"{ share = 0.25, programmes = ["jp-aeo"] }, { share = 0.25, programmes = ["ctpat"] }"#;
    let sc = scenario(traders, "", port, CUSTOMS, tail);
    let lead =
        |s: &str, class: &str| mean_of(&sc, s, 16, &format!("system.{class}_lead_time_mean_days"));
    let (bt, bo) = (lead("baseline", "trusted"), lead("baseline", "ordinary"));
    let (rt, ro) = (
        lead("reopening-only", "trusted"),
        lead("reopening-only", "ordinary"),
    );
    assert!(
        (bt - bo).abs() < 0.3,
        "FIFO treats both alike: {bt} vs {bo}"
    );
    assert!(rt < bt - 0.5, "members first: {rt} vs baseline {bt}");
    assert!(
        ro > bo + 0.3,
        "the others wait longer: {ro} vs baseline {bo}"
    );
}

/// Priority clearance on resumption (6 USC 942(c)): after the same closure, trusted cargo
/// at the reopened port's customs goes first for inspection and clears on pre-lodged
/// documents. With 4 inspection teams (busy 75 %) the post-closure surge queues at customs; trusted
/// cargo's lead time falls, the others' does not.
#[test]
fn resumption_clears_trusted_cargo_first_at_a_reopened_port() {
    let tail = r#"
[[strategies]]
name = "resumption-only"
resumption = true

[[disruptions]]
kind = "closure"
id = "shut"
at = 40
nodes = ["U"]
duration = "10d"
"#;
    let customs = r#"inspectors = 4
inspection = { dist = "exponential", mean = 0.5 }
clearance = { dist = "exponential", mean = 0.5 }
inspection_rate = { trusted = 0.2, ordinary = 0.2 }"#;
    let traders = r#"{ share = 0.5, programmes = ["ctpat"] }"#;
    let sc = scenario(traders, "", PORT, customs, tail);
    let lead =
        |s: &str, class: &str| mean_of(&sc, s, 16, &format!("system.{class}_lead_time_mean_days"));
    let (bt, bo) = (lead("baseline", "trusted"), lead("baseline", "ordinary"));
    let (rt, ro) = (
        lead("resumption-only", "trusted"),
        lead("resumption-only", "ordinary"),
    );
    assert!(
        rt < bt - 0.1,
        "trusted first on resumption: {rt} vs baseline {bt}"
    );
    assert!(
        ro >= bo - 0.05,
        "ordinary cargo gains nothing: {ro} vs {bo}"
    );
}
