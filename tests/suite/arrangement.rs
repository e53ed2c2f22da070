//! The Arrangement itself (docs/model.md, "Trusted status" and "The Arrangement,
//! paragraph by paragraph"): recognition as a switch, revocation exposure.

use crate::common::{parse_toml, run, values};
use tradesim::scenario::Scenario;

/// One Japanese port P exporting to one US port U with customs. A third of the traders
/// are C-TPAT members, a third JP-AEO only, a third neither; exam rates 5 % trusted,
/// 40 % ordinary, so shares are far apart and well estimated.
fn scenario(extra: &str) -> Scenario {
    scenario_with(extra, "")
}

/// [`scenario`] with `tail` (e.g. `[[disruptions]]`) appended.
fn scenario_with(extra: &str, tail: &str) -> Scenario {
    let text = format!(
        r#"
[scenario]
name = "recognition"
horizon = 120
warmup = 20
seed = 3
replications = 4
{extra}

[[countries]]
code = "JP"

[[countries]]
code = "US"

[[programmes]]
id = "ctpat"
country = "US"

[[programmes]]
id = "jp-aeo"
country = "JP"

[[arrangements]]
id = "mra"
programmes = ["ctpat", "jp-aeo"]
revocation_notice = "30d"

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
servers = 8
service = {{ dist = "exponential", mean = 0.1 }}

[nodes.customs]
inspectors = 20
inspection = {{ dist = "exponential", mean = 0.5 }}
clearance = {{ dist = "exponential", mean = 0.2 }}
trusted_clearance = {{ dist = "exponential", mean = 0.1 }}
inspection_rate = {{ trusted = 0.05, ordinary = 0.4 }}

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
traders = [{{ share = 0.3333, programmes = ["ctpat"] }}, {{ share = 0.3333, programmes = ["jp-aeo"] }}]
{tail}
"#
    );
    parse_toml(&text, "recognition.toml")
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

/// Mean inspected shares (own, partner, non-members) of `strategy`.
fn shares(sc: &Scenario, strategy: &str) -> [f64; 3] {
    let ran = run(sc, &[strategy], 4, 3, 1);
    [
        "system.inspected_share_own_members",
        "system.inspected_share_partner_members",
        "system.inspected_share_non_members",
    ]
    .map(|m| mean(&values(&ran, m)))
}

/// With the Arrangement in force (baseline), JP-AEO members are inspected at US customs
/// at the domestic (C-TPAT) members' rate; without it (no-mra) at the ordinary rate. About
/// 10 × 30 × 100 / 3 = 1,000 decisions per class and replication: the binomial standard
/// error of a share near 0.05 over 4,000 decisions is 0.0035, near 0.4 it is 0.008.
#[test]
fn recognition_alone_brings_partner_members_to_the_domestic_rate() {
    let sc = scenario("");
    let [own, partner, none] = shares(&sc, "baseline");
    assert!((own - 0.05).abs() < 0.015, "own members at 5 %: {own}");
    assert!(
        (partner - own).abs() < 0.015,
        "partner {partner} ~ own {own}"
    );
    assert!((none - 0.4).abs() < 0.03, "non-members at 40 %: {none}");

    let [own0, partner0, none0] = shares(&sc, "no-mra");
    assert!((own0 - 0.05).abs() < 0.015, "own members unchanged: {own0}");
    assert!(
        (partner0 - 0.4).abs() < 0.03,
        "partner as ordinary: {partner0}"
    );
    assert!((none0 - 0.4).abs() < 0.03, "non-members unchanged: {none0}");
    // Recognition is a time-0 property: the two strategies part before any disruption.
    assert!(partner0 > partner + 0.25);
}

/// `[scenario] arrangement = "none"` takes the Arrangement out for every preset: joint's
/// partner members are then inspected as ordinary too.
#[test]
fn scenario_setting_removes_the_arrangement_for_every_preset() {
    let sc = scenario(r#"arrangement = "none""#);
    for s in ["baseline", "unilateral", "joint"] {
        let k = sc.strategy_index(s).expect("preset");
        assert_eq!(
            sc.strategies[k].arrangement,
            tradesim::policy::Arrangement::None,
            "{s}"
        );
    }
    let [_, partner, none] = shares(&sc, "joint");
    assert!(
        (partner - none).abs() < 0.04,
        "partner {partner} ~ ordinary {none}"
    );
}

/// Japan revokes half of its AEO members on day 50. US customs learns of it after the
/// Arrangement's 30-day notice under baseline, at once under joint (notice = "prompt").
/// In between, revoked JP-AEO-only traders still clear as trusted in the US: 30/day x 1/3
/// AEO-only x 1/2 revoked x 30 days = 150 exposed decisions a replication (Poisson, so
/// the mean of 4 has a standard deviation near 6). Japan itself knows at once.
#[test]
fn revocation_exposure_lasts_the_notice_delay_and_vanishes_with_prompt_notice() {
    let sc = scenario_with(
        "",
        r#"
[[disruptions]]
kind = "revocation"
id = "aeo-breach"
at = 50
programme = "jp-aeo"
share = 0.5
"#,
    );
    let exposure = |s: &str| {
        mean(&values(
            &run(&sc, &[s], 4, 3, 1),
            "system.revocation_exposure",
        ))
    };
    let routine = exposure("baseline");
    assert!((routine - 150.0).abs() < 30.0, "30-day notice: {routine}");
    assert_eq!(exposure("joint"), 0.0, "prompt notice leaves no exposure");
    // Without the Arrangement the US never trusted AEO-only traders: nothing to expose.
    assert_eq!(exposure("no-mra"), 0.0);
}
