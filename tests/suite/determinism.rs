//! Determinism: the same scenario and seed give bit-identical results whatever the thread
//! count; a different seed gives different results; replication r does not depend on how
//! many replications run beside it (so shards merge into exactly a single run's result).

use crate::common::*;
use std::path::Path;
use tradesim::engine::RunOptions;
use tradesim::experiment::Plan;
use tradesim::scenario::Format;

const FILES: [&str; 3] = ["summary.json", "replications.csv", "timeseries.csv"];

/// `tradesim run scenarios/us-japan.toml` into `out` with extra flags; must succeed.
fn run_us_japan(out: &Path, flags: &[&str]) {
    let scenario = scenarios_dir().join("us-japan.toml");
    let mut args: Vec<&std::ffi::OsStr> = vec![
        "run".as_ref(),
        scenario.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
        "--quiet".as_ref(),
    ];
    args.extend(flags.iter().map(std::ffi::OsStr::new));
    let o = run_bin(&args);
    assert_eq!(o.status.code(), Some(0), "{flags:?}: {:?}", texts(&o));
}

fn read(dir: &Path, name: &str) -> Vec<u8> {
    std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn cli_results_do_not_depend_on_threads_but_on_seed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (one, two, other) = (
        dir.path().join("t1"),
        dir.path().join("t2"),
        dir.path().join("seed"),
    );
    let common = ["--replications", "4", "--strategies", "baseline,joint"];
    let with = |extra: &[&'static str]| {
        let mut v = common.to_vec();
        v.extend_from_slice(extra);
        v
    };
    run_us_japan(&one, &with(&["--seed", "11", "--threads", "1"]));
    run_us_japan(&two, &with(&["--seed", "11", "--threads", "2"]));
    for f in FILES {
        let (a, b) = (read(&one, f), read(&two, f));
        assert!(!a.is_empty(), "{f} is empty");
        assert!(a == b, "{f} differs between --threads 1 and --threads 2");
    }
    run_us_japan(&other, &with(&["--seed", "12", "--threads", "2"]));
    for f in FILES {
        assert!(
            read(&one, f) != read(&other, f),
            "{f} is the same for seeds 11 and 12"
        );
    }
    let summary: serde_json::Value =
        serde_json::from_slice(&read(&one, "summary.json")).expect("JSON");
    assert_eq!(summary["seed"], 11);
}

#[test]
fn library_results_do_not_depend_on_threads() {
    let s = parse_toml(
        &edit_settings(
            NETWORK,
            Format::Toml,
            &[("horizon", 600.0), ("warmup", 30.0)],
        ),
        "little-network.toml",
    );
    let strategies: Vec<usize> = (0..s.strategies.len()).collect();
    let plan = |threads| Plan {
        strategies: strategies.clone(),
        replications: 6,
        seed: 42,
        threads,
        options: RunOptions::default(),
        ..Plan::from_scenario(&s)
    };
    let a = run_plan(&s, &plan(1));
    let b = run_plan(&s, &plan(2));
    assert_eq!(a.results.len(), 6 * strategies.len());
    assert_same_results(&a.results, &b.results, "threads 1 vs 2");
    // The exact tallies too (every sum and histogram bucket).
    assert!(
        a.aggregate == b.aggregate,
        "aggregates differ between thread counts"
    );
    // The summaries too (Debug prints every f64 in round-trip form).
    assert_eq!(
        format!("{:?}", a.summaries),
        format!("{:?}", b.summaries),
        "summaries differ between thread counts"
    );
    // Replications differ from one another, and a different seed changes them.
    assert!(
        a.results[0].values != a.results[strategies.len()].values,
        "replications 0 and 1 are identical"
    );
    let c = run_plan(
        &s,
        &Plan {
            seed: 43,
            ..plan(2)
        },
    );
    assert!(
        a.results[0].values != c.results[0].values,
        "seeds 42 and 43 give the same replication 0"
    );
}

/// Replication r is the same in a run of 2 replications and in a run of 5 (so shards of a
/// batch merge into exactly a single run's result), and strategies share demand (common
/// random numbers): without disruptions the presets see the same arrivals.
#[test]
fn replication_results_do_not_depend_on_batch_size() {
    let s = parse_toml(
        &edit_settings(
            NETWORK,
            Format::Toml,
            &[("horizon", 300.0), ("warmup", 30.0)],
        ),
        "little-network.toml",
    );
    let small = run(&s, &["baseline", "joint"], 2, 9, 2);
    let big = run(&s, &["baseline", "joint"], 5, 9, 2);
    assert_same_results(
        &small.results,
        &big.results[..small.results.len()],
        "2 vs the first 2 of 5 replications",
    );
    // Common random numbers: both strategies see the same created count per replication.
    let created = small.schema.index("system.created").expect("measure");
    for pair in small.results.chunks(2) {
        assert_eq!(
            pair[0].values[created].to_bits(),
            pair[1].values[created].to_bits(),
            "replication {}: strategies saw different demand",
            pair[0].replication
        );
    }
}
