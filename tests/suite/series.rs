//! Scoped daily series (`timeseries_scopes`, `--timeseries-scopes`): per-node, per-country
//! and per-flow rows of `timeseries.csv` add up to the system's, a closed port handles
//! nothing, they do not depend on threads or shards, and they are off unless asked for.

use crate::common::*;
use tradesim::experiment::{self, Aggregate, Plan, Shard};
use tradesim::measure::{ReplicationResult, ScopeKinds, scope_rows};
use tradesim::scenario::Scenario;

const ALL: ScopeKinds = ScopeKinds {
    node: true,
    country: true,
    flow: true,
};

fn closure() -> Scenario {
    parse_toml(
        &scenario_text("us-west-coast-closure.toml"),
        "us-west-coast-closure.toml",
    )
}

fn plan(s: &Scenario, threads: usize) -> Plan {
    Plan {
        timeseries_scopes: ALL,
        ..plan_for(s, &["baseline", "joint"], 3, 7, threads)
    }
}

/// Series `kind`/`id`/`series` of one replication, day by day.
fn series<'a>(
    s: &Scenario,
    r: &'a ReplicationResult,
    kind: &str,
    id: &str,
    name: &str,
) -> &'a [f64] {
    let days = r.daily.len();
    let k = scope_rows(s, ALL)
        .iter()
        .position(|x| x.kind == kind && x.id == id && x.series == name)
        .unwrap_or_else(|| panic!("no {kind} {id} {name}"));
    &r.scope_daily[k * days..(k + 1) * days]
}

#[test]
fn scoped_deliveries_add_up_and_a_closed_port_handles_nothing() {
    let s = closure();
    let ran = run_plan(&s, &plan(&s, 2));
    let lax = s.nodes.iter().position(|n| n.id == "USLAX").expect("USLAX");
    let mut east = [0.0; 2];
    for r in &ran.results {
        let days = r.daily.len();
        for d in 0..days {
            let system = r.daily[d][1];
            let sum = |kind: &str, ids: Vec<String>| -> f64 {
                ids.iter()
                    .map(|id| series(&s, r, kind, id, "deliveries")[d])
                    .sum()
            };
            let nodes = sum("node", s.nodes.iter().map(|n| n.id.clone()).collect());
            let countries = sum(
                "country",
                s.countries.iter().map(|c| c.code.clone()).collect(),
            );
            let flows = sum("flow", s.flows.iter().map(|f| f.id.clone()).collect());
            assert_eq!(
                nodes, system,
                "day {d}: node deliveries sum to the system's"
            );
            assert_eq!(countries, system, "day {d}: country deliveries");
            assert_eq!(flows, system, "day {d}: flow deliveries");
            // Deliveries at a node are part of what it handles.
            for n in &s.nodes {
                let t = series(&s, r, "node", &n.id, "throughput")[d];
                assert!(series(&s, r, "node", &n.id, "deliveries")[d] <= t);
            }
        }
        // Closed 11 days from day 100: no working server; once the handling in hand at
        // the closure (dwell up to 5 days) is done, only shipments finishing a customs
        // exam (up to 30 days) leave the node: a trickle beside its 139 a day.
        for d in 101..110 {
            assert_eq!(series(&s, r, "node", "USLAX", "working_servers")[d], 0.0);
        }
        for d in 106..110 {
            let t = series(&s, r, "node", "USLAX", "throughput")[d];
            assert!(t <= 5.0, "day {d}: {t} left a closed port");
        }
        let before = series(&s, r, "node", "USLAX", "working_servers")[90];
        // A day's time average of the capacity integral: exact up to rounding.
        let servers = f64::from(s.nodes[lax].servers);
        assert!(
            (before - servers).abs() < 1e-9 * servers,
            "{before} vs {servers}"
        );
        let k = usize::from(s.strategies[r.strategy].name == "joint");
        east[k] += ["USNYC", "USSAV"]
            .iter()
            .map(|id| {
                series(&s, r, "node", id, "deliveries")[100..130]
                    .iter()
                    .sum::<f64>()
            })
            .sum::<f64>();
    }
    assert!(
        east[1] > east[0],
        "joint diverts West Coast cargo to New York and Savannah: {east:?}"
    );
}

#[test]
fn scoped_series_do_not_depend_on_threads_or_shards() {
    let s = closure();
    let one = experiment::run(&s, &plan(&s, 1), &|_| {}).expect("runs");
    let two = experiment::run(&s, &plan(&s, 2), &|_| {}).expect("runs");
    assert!(!one.aggregate.strategies[0].scope_daily.is_empty());
    assert_eq!(one.aggregate, two.aggregate, "threads");
    let mut merged = Aggregate::with_scopes(&s, &plan(&s, 1).strategies, ALL);
    for k in [2, 1] {
        let p = Plan {
            shard: Some(Shard { index: k, count: 2 }),
            ..plan(&s, 2)
        };
        merged.merge(&experiment::run(&s, &p, &|_| {}).expect("runs").aggregate);
    }
    merged.keep_records = one.aggregate.keep_records;
    merged.records = one.aggregate.records.clone();
    assert_eq!(
        merged.strategies[1].scope_daily, one.aggregate.strategies[1].scope_daily,
        "shards"
    );
    let a = tradesim::report::timeseries_csv(&s, &one);
    let b = tradesim::report::timeseries_csv(&s, &two);
    assert_eq!(a, b);
}

/// Rows of `timeseries.csv` in `dir` by scope kind.
fn kinds(dir: &std::path::Path) -> std::collections::BTreeMap<String, usize> {
    let text = std::fs::read_to_string(dir.join("timeseries.csv")).expect("csv");
    let mut lines = text.lines();
    assert!(
        lines
            .next()
            .expect("header")
            .starts_with("day,strategy,scope_kind,scope_id,series,n,mean,sd,p10,p50,p90")
    );
    let mut m = std::collections::BTreeMap::new();
    for l in lines {
        *m.entry(l.split(',').nth(2).expect("scope_kind").to_string())
            .or_insert(0) += 1;
    }
    m
}

#[test]
fn scoped_rows_are_opt_in_by_key_or_flag() {
    let dir = tempfile::tempdir().expect("temp dir");
    let tandem = scenarios_dir().join("tandem.toml");
    let go = |out: &std::path::Path, extra: &[&str]| {
        let mut args = vec![
            "run",
            tandem.to_str().expect("utf-8"),
            "--replications",
            "2",
            "--quiet",
            "--out",
            out.to_str().expect("utf-8"),
        ];
        args.extend(extra);
        let o = run_bin(&args);
        assert_eq!(o.status.code(), Some(0), "{:?}", texts(&o));
    };
    let off = dir.path().join("off");
    go(&off, &[]);
    assert_eq!(kinds(&off).keys().collect::<Vec<_>>(), ["system"]);
    let on = dir.path().join("on");
    go(&on, &["--timeseries-scopes", "node,country"]);
    let k = kinds(&on);
    assert_eq!(k.keys().collect::<Vec<_>>(), ["country", "node", "system"]);
    let s = parse_toml(&scenario_text("tandem.toml"), "tandem.toml");
    let per_day_strategy = k["system"] / 8;
    assert_eq!(k["node"], per_day_strategy * 5 * s.nodes.len());
    // The report still reads the system rows among the scoped ones.
    assert!(on.join("plots").join("deliveries.svg").exists());
    // The scenario key, and `none` on the command line to switch it off.
    let keyed = dir.path().join("tandem-keyed.toml");
    let text = scenario_text("tandem.toml").replacen(
        "[scenario]\n",
        "[scenario]\ntimeseries_scopes = [\"flow\"]\n",
        1,
    );
    std::fs::write(&keyed, text).expect("write");
    let out = dir.path().join("keyed");
    let o = run_bin([
        "run",
        keyed.to_str().expect("utf-8"),
        "--replications",
        "2",
        "--quiet",
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{:?}", texts(&o));
    assert_eq!(kinds(&out).keys().collect::<Vec<_>>(), ["flow", "system"]);
}

#[test]
fn unknown_scope_kinds_exit_2() {
    let dir = tempfile::tempdir().expect("temp dir");
    let tandem = scenarios_dir().join("tandem.toml");
    let o = run_bin([
        "run",
        tandem.to_str().expect("utf-8"),
        "--timeseries-scopes",
        "node,port",
        "--out",
        dir.path().join("x").to_str().expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        texts(&o).1.contains("unknown scope kind `port`"),
        "{:?}",
        texts(&o)
    );
    let bad = dir.path().join("bad.toml");
    let text = scenario_text("tandem.toml").replacen(
        "[scenario]\n",
        "[scenario]\ntimeseries_scopes = [\"nodes\"]\n",
        1,
    );
    std::fs::write(&bad, text).expect("write");
    let o = run_bin(["validate", bad.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(2));
    let err = texts(&o).1;
    assert!(err.contains("nodes") && err.contains("node"), "{err}");
}
