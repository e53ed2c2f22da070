//! Sweeps (issue 19): a scenario run at many points of its keys, with common random
//! numbers across points, and the sensitivity of a measure to each key.

use crate::common::{parse_toml, plan_for, scenario_text};
use tradesim::experiment;
use tradesim::sweep::design::{Design, Levels, Parameter, points};
use tradesim::sweep::run::{PointSettings, Row, point_scenario, rows, run};
use tradesim::sweep::sensitivity::tornado;

const FILE: &str = "us-west-coast-closure.toml";
const CLOSURE: &str = "disruptions.west-coast-lockout.duration";

fn settings(replications: u64) -> PointSettings {
    PointSettings {
        replications: Some(replications),
        seed: Some(2011),
        threads: 2,
    }
}

fn duration(values: &[i64]) -> Parameter {
    Parameter {
        key: CLOSURE.into(),
        levels: Levels::List(values.iter().map(|&v| toml::Value::Integer(v)).collect()),
        scale: false,
    }
}

fn value(rows: &[Row], strategy: &str, measure: &str, statistic: &str) -> f64 {
    rows.iter()
        .find(|r| r.strategy == strategy && r.measure == measure && r.statistic == statistic)
        .unwrap_or_else(|| panic!("no row {strategy} {measure} {statistic}"))
        .value
}

#[test]
fn a_point_that_changes_nothing_is_the_plain_run_bit_for_bit() {
    let text = scenario_text(FILE);
    // The shipped closure lasts "11d": 11 days again, written as a number.
    let ps = [duration(&[11])];
    let design = points(&ps, Design::Factorial).unwrap();
    let at_point = point_scenario(&text, FILE, &ps, &design.points[0], 0).unwrap();
    let plain = parse_toml(&text, FILE);
    let names: Vec<&str> = plain.strategies.iter().map(|s| s.name.as_str()).collect();
    let plan = plan_for(&plain, &names, 4, 2011, 2);
    let a = experiment::run(&plain, &plan, &|_| {}).unwrap();
    let b = experiment::run(&at_point, &plan, &|_| {}).unwrap();
    let (ra, rb) = (rows(&plain, &a), rows(&at_point, &b));
    assert!(ra.len() > 100, "{} rows", ra.len());
    // Bit for bit, NaNs included.
    let bits = |r: &[Row]| {
        r.iter()
            .map(|x| (x.value.to_bits(), x.ci95.map(f64::to_bits)))
            .collect::<Vec<_>>()
    };
    assert_eq!(bits(&ra), bits(&rb));
}

#[test]
fn a_longer_closure_takes_longer_to_recover_and_diversion_matters_more() {
    let text = scenario_text(FILE);
    let ps = [duration(&[5, 12, 24])];
    let design = points(&ps, Design::OneAtATime).unwrap();
    // Base = the middle level (12), then 5, 12, 24.
    assert_eq!(design.points.len(), 4);
    let mut per_point = vec![];
    let pick = |r: &Row| {
        r.strategy == "joint"
            && r.measure == "recovery.system.excess_delay_shipment_days"
            && r.statistic == "difference_from_baseline"
    };
    let y = run(
        &text,
        FILE,
        &ps,
        &design,
        settings(6),
        &pick,
        &mut |k, _, _, rows| {
            per_point.push((
                k,
                value(
                    rows,
                    "baseline",
                    "recovery.system.ttr_days",
                    "restricted_mean",
                ),
                value(
                    rows,
                    "joint",
                    "recovery.system.excess_delay_shipment_days",
                    "difference_from_baseline",
                ),
            ));
            Ok(())
        },
    )
    .unwrap();
    let by_level = |p: usize| per_point[p];
    let (short, mid, long) = (by_level(1), by_level(2), by_level(3));
    eprintln!("5 d: {short:?}\n12 d: {mid:?}\n24 d: {long:?}");
    // The baseline's time to recover grows with the closure it recovers from.
    assert!(
        short.1 < mid.1 && mid.1 < long.1,
        "{short:?} {mid:?} {long:?}"
    );
    // Joint business continuity saves more shipment-days the longer the closure.
    assert!(
        long.2 < mid.2 && mid.2 < short.2 && short.2 < 0.0,
        "{short:?} {mid:?} {long:?}"
    );
    // The base point repeats the 12-day level exactly (same seed, same scenario).
    assert_eq!(per_point[0].1.to_bits(), mid.1.to_bits());
    // The tornado's bar for the one key spans the three levels.
    let (base, bars) = tornado(&design, 1, &y);
    assert_eq!(base.to_bits(), mid.2.to_bits());
    assert_eq!((bars[0].at_low, bars[0].at_high), (short.2, long.2));
}

#[test]
fn a_point_that_breaks_the_scenario_names_its_values() {
    let text = scenario_text(FILE);
    let ps = [duration(&[-3])];
    let design = points(&ps, Design::Factorial).unwrap();
    let e = point_scenario(&text, FILE, &ps, &design.points[0], 0).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("sweep point 0 ({CLOSURE} = -3) is not a valid scenario")
    );
    let ps = [Parameter {
        key: "disruptions.west-coast-lockot.duration".into(),
        ..duration(&[3])
    }];
    let e = point_scenario(&text, FILE, &ps, &design.points[0], 0).unwrap_err();
    assert!(
        e.to_string().contains("did you mean `west-coast-lockout`?"),
        "{e}"
    );
}
