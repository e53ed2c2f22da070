//! Which mechanism buys what (`tradesim run --ablation`, docs/outputs.md "Ablation"):
//! on a scenario built to be additive the parts sum to the whole, mechanisms with
//! nothing to act on contribute exactly nothing, and the ablation splits over shards.

use crate::common::{parse_toml, run_bin, texts};
use serde_json::Value;
use std::path::Path;

/// Two independent parts. In country XX, port P closes for 20 days from day 100 and
/// its flow may divert to Q (shared information diverts at once, own at weekly
/// reviews). In country YY, customs at B is at alert level 3 (inspection rate ×4) over
/// the same days; half the traders are YY-AEO members (alert relief keeps them at the
/// 5 % trusted rate). No partner programmes and no revocation: recognition and notice
/// have nothing to act on. The system's excess shipment-days is a sum over shipments,
/// so each part's effect adds.
const ADDITIVE: &str = include_str!("ablation-additive.toml");

fn ablation_run(dir: &Path, extra: &[&str]) -> Value {
    let file = dir.join("additive.toml");
    std::fs::write(&file, ADDITIVE).expect("write the scenario");
    let out = dir.join("out");
    let mut args = vec![
        "run".to_string(),
        file.display().to_string(),
        "--ablation".into(),
        "--out".into(),
        out.display().to_string(),
        "--quiet".into(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    let o = run_bin(&args);
    assert_eq!(o.status.code(), Some(0), "{:?}", texts(&o));
    let bytes = std::fs::read(out.join("summary.json")).expect("summary.json");
    serde_json::from_slice(&bytes).expect("JSON")
}

fn f(v: &Value, k: &str) -> f64 {
    v.get(k)
        .and_then(Value::as_f64)
        .unwrap_or_else(|| panic!("no number {k} in {v}"))
}

/// The contribution of `mechanism` (`part` alone or left_out) to `measure`.
fn part<'a>(m: &'a Value, mechanism: &str, part: &str) -> &'a Value {
    m["contributions"]
        .as_array()
        .expect("contributions")
        .iter()
        .find(|c| c["mechanism"] == mechanism && c["part"] == part)
        .unwrap_or_else(|| panic!("no {mechanism} {part}"))
}

/// The parts of the excess delay sum to the whole within 5 % (measured: 0.4 % at n = 30;
/// the interaction is zero in expectation, and what is left is sampling noise of two
/// different sets of runs); alert relief and information each resolve, alone and left out,
/// and agree within 10 %; priority only reorders work-conserving queues (its effect on
/// the total delay is under 5 % of the whole); recognition, notice and the customs
/// continuity measures change nothing at all here (identical runs, a difference of
/// exactly 0).
#[test]
fn on_an_additive_scenario_the_parts_sum_to_the_whole() {
    let dir = tempfile::tempdir().expect("temp dir");
    let s = ablation_run(dir.path(), &["--replications", "30"]);
    let a = &s["ablation"];
    assert_eq!(
        a["mechanisms"],
        serde_json::json!([
            "priority",
            "recognition",
            "alert_relief",
            "notice",
            "information",
            "data_exchange",
            "resumption",
            "alert_notice",
            "screening",
            "reopening"
        ])
    );
    let m = a["measures"]
        .as_array()
        .expect("measures")
        .iter()
        .find(|m| m["measure"] == "recovery.system.excess_delay_shipment_days")
        .expect("excess delay");
    let whole = f(&m["whole"], "difference");
    assert!(
        m["whole"]["resolved"] == true && whole < 0.0,
        "whole {whole}"
    );
    for sum in ["sum_alone", "sum_left_out"] {
        let x = f(m, sum);
        assert!(
            (x - whole).abs() <= 0.05 * whole.abs(),
            "{sum} {x} vs whole {whole}"
        );
    }
    for mech in ["alert_relief", "information"] {
        let (alone, left) = (part(m, mech, "alone"), part(m, mech, "left_out"));
        assert!(
            alone["resolved"] == true && left["resolved"] == true,
            "{mech}"
        );
        let (x, y) = (f(alone, "difference"), f(left, "difference"));
        assert!(
            x < 0.0 && (x - y).abs() <= 0.1 * x.abs(),
            "{mech}: {x} vs {y}"
        );
    }
    for p in ["alone", "left_out"] {
        let x = f(part(m, "priority", p), "difference");
        assert!(x.abs() < 0.05 * whole.abs(), "priority {p}: {x}");
        // No arrangement, no targeting, no customs or members at the closed port: the
        // customs continuity measures have nothing to act on.
        for mech in [
            "recognition",
            "notice",
            "data_exchange",
            "resumption",
            "alert_notice",
            "screening",
            "reopening",
        ] {
            let c = part(m, mech, p);
            assert_eq!(f(c, "difference"), 0.0, "{mech} {p}");
            assert_eq!(c["resolved"], false, "{mech} {p}");
        }
    }
}

/// `--ablation` over two shards merges into the one-machine result, byte for byte, and
/// refuses `--strategies` beside it.
#[test]
fn the_ablation_splits_over_shards_and_refuses_strategies() {
    let dir = tempfile::tempdir().expect("temp dir");
    let one = ablation_run(dir.path(), &["--replications", "6"]);
    let file = dir.path().join("additive.toml");
    let shards = dir.path().join("shards");
    for k in 1..=2 {
        let o = run_bin([
            "run",
            file.to_str().expect("path"),
            "--ablation",
            "--replications",
            "6",
            "--shard",
            &format!("{k}/2"),
            "--out",
            shards.to_str().expect("path"),
            "--quiet",
        ]);
        assert_eq!(o.status.code(), Some(0), "{:?}", texts(&o));
    }
    let merged = dir.path().join("merged");
    let o = run_bin([
        "merge",
        shards.to_str().expect("path"),
        "--out",
        merged.to_str().expect("path"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{:?}", texts(&o));
    let m: Value =
        serde_json::from_slice(&std::fs::read(merged.join("summary.json")).expect("read"))
            .expect("JSON");
    assert_eq!(m["ablation"], one["ablation"]);
    assert_eq!(
        std::fs::read(merged.join("replications.csv")).expect("merged rows"),
        std::fs::read(dir.path().join("out/replications.csv")).expect("rows")
    );
    let o = run_bin([
        "run",
        file.to_str().expect("path"),
        "--ablation",
        "--strategies",
        "joint",
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(texts(&o).1.contains("--ablation"), "{:?}", texts(&o));
}

/// `[scenario] ablation = true` makes the ablation the scenario's default run, in order.
#[test]
fn the_scenario_key_makes_the_ablation_the_default() {
    let text = ADDITIVE.replace("review_days = 7", "review_days = 7\nablation = true");
    let s = parse_toml(&text, "additive.toml");
    let names: Vec<&str> = s
        .default_strategies
        .iter()
        .map(|&i| s.strategies[i].name.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "baseline",
            "joint",
            "baseline+priority",
            "baseline+recognition",
            "baseline+alert_relief",
            "baseline+notice",
            "baseline+information",
            "baseline+data_exchange",
            "baseline+resumption",
            "baseline+alert_notice",
            "baseline+screening",
            "baseline+reopening",
            "joint-priority",
            "joint-recognition",
            "joint-alert_relief",
            "joint-notice",
            "joint-information",
            "joint-data_exchange",
            "joint-resumption",
            "joint-alert_notice",
            "joint-screening",
            "joint-reopening"
        ]
    );
    let k = s
        .strategy_index("joint-information")
        .expect("ablation strategy");
    let j = &s.strategies[s.strategy_index("joint").expect("joint")];
    assert_eq!(s.strategies[k].priority, j.priority);
    assert_ne!(s.strategies[k].information, j.information);
}
