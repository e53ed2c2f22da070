//! Shipment accounting: every scenario file shipped in `scenarios/` (globbed at test time,
//! TOML and JSON), every strategy, one replication with the engine's audit on (balance
//! checked after every event, a full census every day). Nothing may be lost or counted
//! twice: created = delivered + in the system, counted independently from the World.

use crate::common::*;
use std::path::Path;
use std::time::Instant;
use tradesim::disruption::realise;
use tradesim::engine::Stage;
use tradesim::engine::{RunOptions, Simulation};
use tradesim::measure::DAILY_SERIES;
use tradesim::scenario::{Format, Scenario};

/// Horizons longer than this are cut for the audited runs (an audit checks every
/// event): validation scenarios run 20,000 days and the disruption studies up to 560
/// (`us-japan-tohoku-2011`), but their onsets are around day 100 (at most 160), so 250
/// days still take every disruption through its onset and into recovery.
const MAX_AUDIT_HORIZON: f64 = 250.0;

/// Loads a scenario file, with its horizon cut to [`MAX_AUDIT_HORIZON`] if longer.
fn load_for_audit(path: &Path) -> Scenario {
    let text = std::fs::read_to_string(path).expect("scenario file is readable");
    let s = parse_file_text(&text, path);
    if s.horizon <= MAX_AUDIT_HORIZON {
        return s;
    }
    let warmup = s.warmup.min(MAX_AUDIT_HORIZON / 4.0);
    let edited = edit_settings(
        &text,
        Format::from_path(path),
        &[("horizon", MAX_AUDIT_HORIZON), ("warmup", warmup)],
    );
    parse_file_text(&edited, path)
}

/// The replication to audit: the first (of 50) in which a disruption starts inside the
/// horizon, so that the audit covers the disruption and what follows; 0 if there is none.
fn audited_replication(s: &Scenario, label: &str) -> u64 {
    if s.disruptions.is_empty() {
        return 0;
    }
    (0..50)
        .find(|&r| {
            realise(s, r, s.seed)
                .first_onset()
                .is_some_and(|t| t < s.horizon - 30.0)
        })
        .unwrap_or_else(|| {
            panic!(
                "{label}: no disruption starts before day {} in 50 replications: the audit would not exercise it",
                s.horizon - 30.0
            )
        })
}

/// Runs strategy `k` of `s` audited to the horizon and checks the books at the end.
fn audit(s: &Scenario, k: usize, replication: u64, label: &str) {
    let started = Instant::now();
    let name = &s.strategies[k].name;
    let mut sim = Simulation::new(
        s,
        k,
        replication,
        s.seed,
        RunOptions {
            audit: true,
            ..Default::default()
        },
    );
    if let Err(e) = sim.run_until(s.horizon) {
        panic!("{label} / {name}: {e}");
    }
    if let Err(e) = sim.check_balance() {
        panic!("{label} / {name} at the horizon: {e}");
    }
    if let Err(e) = sim.census() {
        panic!("{label} / {name} at the horizon: {e}");
    }
    let (created, delivered) = sim.counts();
    assert!(created > 0, "{label} / {name}: no shipment was created");
    assert!(delivered > 0, "{label} / {name}: no shipment was delivered");

    // An independent count: the shipment slots not yet delivered (delivered shipments'
    // slots are kept for reuse, marked `Stage::Delivered`).
    let mut in_system = 0u64;
    for sh in sim.shipments() {
        if sh.stage != Stage::Delivered {
            in_system += 1;
            assert!(
                sh.created <= sim.now(),
                "{label} / {name}: a shipment created in the future ({})",
                sh.created
            );
        }
    }
    // Cancelled shipments' slots are marked delivered too: their count is the engine's.
    let (cancelled, held) = sim.responses();
    assert!(
        held <= in_system,
        "{label} / {name}: {held} held, {in_system} in system"
    );
    assert_eq!(
        created,
        delivered + cancelled + in_system,
        "{label} / {name}: created {created} ≠ delivered {delivered} + cancelled {cancelled} + in system {in_system}"
    );
    // The daily series account for the same shipments.
    let r = sim.finish();
    let col = |series: &str| {
        DAILY_SERIES
            .iter()
            .position(|x| *x == series)
            .unwrap_or_else(|| panic!("no daily series `{series}`"))
    };
    let (ia, id) = (col("arrivals"), col("deliveries"));
    let arrivals: f64 = r.daily.iter().map(|d| d[ia]).sum();
    let deliveries: f64 = r.daily.iter().map(|d| d[id]).sum();
    assert_eq!(
        arrivals, created as f64,
        "{label} / {name}: daily arrivals sum to {arrivals}, but {created} were created"
    );
    assert_eq!(
        deliveries, delivered as f64,
        "{label} / {name}: daily deliveries sum to {deliveries}, but {delivered} were delivered"
    );
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "{label} / {name} (replication {replication}): {} days, {created} created, {delivered} delivered, {in_system} in the system ({secs:.2} s)",
        s.horizon
    );
}

#[test]
fn every_scenario_file_balances_under_every_strategy() {
    let files = scenario_files();
    assert!(
        files.len() >= 3,
        "expected the shipped scenarios in scenarios/, found {files:?}"
    );
    for path in &files {
        let s = load_for_audit(path);
        let label = path.file_name().unwrap().to_string_lossy().into_owned();
        let r = audited_replication(&s, &label);
        for k in 0..s.strategies.len() {
            audit(&s, k, r, &label);
        }
    }
}

/// The synthetic two-country network (customs on both sides, a capacity-capped route so
/// that shipments wait for departures, and priority lanes always on).
#[test]
fn synthetic_network_balances_under_every_strategy() {
    let text = edit_settings(
        NETWORK,
        Format::Toml,
        &[("horizon", 400.0), ("warmup", 30.0)],
    );
    let s = parse_toml(&text, "little-network.toml");
    assert!(s.strategies.len() >= 4);
    for k in 0..s.strategies.len() {
        audit(&s, k, 0, "little-network");
    }
}

/// Audit mode does not change results: the same replication with and without it.
#[test]
fn audit_does_not_change_results() {
    let s = parse_toml(
        &edit_settings(
            NETWORK,
            Format::Toml,
            &[("horizon", 200.0), ("warmup", 20.0)],
        ),
        "little-network.toml",
    );
    for k in 0..s.strategies.len() {
        let a = tradesim::engine::run_replication(
            &s,
            k,
            3,
            99,
            RunOptions {
                audit: true,
                ..Default::default()
            },
        )
        .expect("audited run");
        let b = tradesim::engine::run_replication(&s, k, 3, 99, RunOptions::default())
            .expect("plain run");
        assert_eq!(a.events, b.events);
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&a.values), bits(&b.values), "strategy {k}");
    }
}
