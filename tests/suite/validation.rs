//! Validation against closed forms: M/M/c (Erlang C), M/M/1, a Jackson tandem, Little's
//! law at every node, utilisation.
//!
//! Run lengths are chosen so that each tolerance is at least ~4 standard errors of the
//! simulated estimate (the standard error is computed from the replications and checked
//! too, so a shortened run fails loudly instead of passing by luck). Seeds are fixed: the
//! tests are deterministic.

use crate::common::*;
use tradesim::measure::MeasureSchema;
use tradesim::scenario::Scenario;

/// Replications are independent, so their spread gives the standard error; require the
/// tolerance to be at least `k` standard errors, so the run is long enough to test it.
#[track_caller]
fn assert_power(what: &str, se: f64, expected: f64, rel: f64, k: f64) {
    assert!(
        k * se <= rel * expected.abs(),
        "{what}: standard error {se:.6} is too large for a {:.1} % test ({k} se = {:.3} %): \
         lengthen the run",
        100.0 * rel,
        100.0 * k * se / expected.abs()
    );
}

#[test]
fn erlang_c_formula() {
    // Reference values: C(10, 9) = 0.66873 (scenarios/mmc-check.toml), C(2, 1.6) = 0.71111
    // (scenarios/tandem.toml), and C(1, ρ) = ρ for M/M/1.
    assert!((erlang_c(10, 9.0) - 0.66873).abs() < 5e-5);
    assert!((erlang_c(2, 1.6) - 0.711_111).abs() < 5e-6);
    assert!((erlang_c(1, 0.7) - 0.7).abs() < 1e-12);
    assert!((mmc_wq(7.0, 10.0, 1) - 0.7 / 3.0).abs() < 1e-12);
}

/// M/M/10 at ρ = 0.9 (λ = 90/day, μ = 10/day): mean wait in queue against Erlang C
/// (Wq = 0.066873 d) within 3 %, and utilisation λ E[S] / c = 0.9 within 1 %.
/// 12 replications × 20,000 days: ≈ 22 M shipments, standard error ≈ 0.55 % of Wq.
#[test]
fn mmc_wait_matches_erlang_c_and_utilisation() {
    let (lambda, mu, c) = (90.0, 10.0, 10);
    let s = mmc_scenario(lambda, mu, c, 20_000.0, 200.0);
    let out = run(&s, &["baseline"], 12, 20_250, 2);
    let wq = mmc_wq(lambda, mu, c);
    assert!((wq - 0.066873).abs() < 1e-5, "Erlang C Wq = {wq}");

    let (w, se) = mean_se(&values(&out, "nodes.JPTYO.mean_wait_days"));
    eprintln!("M/M/10: Wq simulated {w:.6} ± {se:.6} (se), Erlang C {wq:.6}");
    assert_power("M/M/10 mean wait", se, wq, 0.03, 4.0);
    assert_rel("M/M/10 mean wait in queue (days)", w, wq, 0.03);

    let rho = lambda / (mu * c as f64);
    let (u, se_u) = mean_se(&values(&out, "nodes.JPTYO.utilisation"));
    eprintln!("M/M/10: utilisation simulated {u:.6} ± {se_u:.6}, λE[S]/c = {rho}");
    assert_power("M/M/10 utilisation", se_u, rho, 0.01, 4.0);
    assert_rel("M/M/10 utilisation", u, rho, 0.01);

    // Derived figures: throughput λ, Lq = λ Wq, lead time W = Wq + 1/μ.
    let (thr, _) = mean_se(&values(&out, "nodes.JPTYO.throughput_per_day"));
    assert_rel("M/M/10 throughput (per day)", thr, lambda, 0.01);
    let (lq, _) = mean_se(&values(&out, "nodes.JPTYO.mean_queue_len"));
    assert_rel("M/M/10 mean queue length", lq, lambda * wq, 0.03);
    let (lead, _) = mean_se(&values(&out, "system.lead_time_mean_days"));
    assert_rel("M/M/10 mean lead time (days)", lead, wq + 1.0 / mu, 0.03);
}

/// M/M/1 at ρ = 0.7 (λ = 7/day, μ = 10/day): Wq = ρ / (μ − λ) = 0.2333 d within 3 %.
/// 16 replications × 30,000 days: standard error ≈ 0.5 % of Wq.
#[test]
fn mm1_wait_matches_closed_form() {
    let (lambda, mu) = (7.0, 10.0);
    let s = mmc_scenario(lambda, mu, 1, 30_000.0, 200.0);
    let out = run(&s, &["baseline"], 16, 7, 2);
    let wq = (lambda / mu) / (mu - lambda);
    let (w, se) = mean_se(&values(&out, "nodes.JPTYO.mean_wait_days"));
    eprintln!("M/M/1: Wq simulated {w:.6} ± {se:.6} (se), closed form {wq:.6}");
    assert_power("M/M/1 mean wait", se, wq, 0.03, 4.0);
    assert_rel("M/M/1 mean wait in queue (days)", w, wq, 0.03);
    let (u, _) = mean_se(&values(&out, "nodes.JPTYO.utilisation"));
    assert_rel("M/M/1 utilisation", u, lambda / mu, 0.01);
    let (t, _) = mean_se(&values(&out, "nodes.JPTYO.mean_time_in_node_days"));
    assert_rel(
        "M/M/1 time in node W = 1/(μ−λ)",
        t,
        1.0 / (mu - lambda),
        0.03,
    );
}

/// Little's law, L = λW, from one replication's measures, at every node and for the
/// whole system: these are sample-path identities up to boundary terms at the warm-up
/// end and the horizon, so 1 % holds on any long run whatever the randomness.
fn assert_littles_law(s: &Scenario, out: &Ran, label: &str) {
    let m = |r: &tradesim::measure::ReplicationResult, name: &str| {
        r.values[out
            .schema
            .index(name)
            .unwrap_or_else(|| panic!("no measure {name}"))]
    };
    let mut checked = 0;
    for r in &out.results {
        let strategy = &s.strategies[r.strategy].name;
        for n in &s.nodes {
            let p = |k: &str| m(r, &format!("nodes.{}.{k}", n.id));
            let thr = p("throughput_per_day");
            assert!(
                thr > 0.0,
                "{label}/{strategy}: node {} has no throughput",
                n.id
            );
            let what = format!(
                "{label}/{strategy} rep {}: node {} mean_queue_len vs throughput × mean_wait",
                r.replication, n.id
            );
            assert_rel(&what, p("mean_queue_len"), thr * p("mean_wait_days"), 0.01);
            let what = format!(
                "{label}/{strategy} rep {}: node {} mean_in_node vs throughput × mean_time_in_node",
                r.replication, n.id
            );
            assert_rel(
                &what,
                p("mean_in_node"),
                thr * p("mean_time_in_node_days"),
                0.01,
            );
            checked += 1;
        }
        let what = format!(
            "{label}/{strategy} rep {}: system mean_wip vs deliveries/day × lead time",
            r.replication
        );
        assert_rel(
            &what,
            m(r, "system.mean_wip"),
            m(r, "system.deliveries_per_day") * m(r, "system.lead_time_mean_days"),
            0.01,
        );
    }
    assert!(checked > 0);
}

#[test]
fn littles_law_tandem() {
    let s = parse_toml(&scenario_text("tandem.toml"), "tandem.toml");
    let out = run(&s, &["baseline"], 2, s.seed, 2);
    assert_littles_law(&s, &out, "tandem");
}

/// The small two-country network with customs of `common::NETWORK`, under FIFO and under
/// priority lanes that are always on.
#[test]
fn littles_law_network_with_customs() {
    let s = parse_toml(NETWORK, "little-network.toml");
    let out = run(&s, &["baseline", "always-priority"], 1, s.seed, 2);
    assert_littles_law(&s, &out, "little-network");
    // Customs did work at both import nodes.
    for id in ["JPA", "USC"] {
        let i = out
            .schema
            .index(&format!("nodes.{id}.inspected_share"))
            .expect("customs measure");
        for r in &out.results {
            assert!(
                r.values[i] > 0.05 && r.values[i] < 0.6,
                "node {id}: inspected share {}",
                r.values[i]
            );
        }
    }
}

/// scenarios/us-japan.toml with its horizon extended: Little's law at every node of the
/// full default network (17 ports, customs everywhere).
#[test]
fn littles_law_us_japan_extended() {
    let text = edit_settings(
        &scenario_text("us-japan.toml"),
        tradesim::scenario::Format::Toml,
        &[("horizon", 2000.0), ("warmup", 60.0)],
    );
    let s = parse_toml(&text, "us-japan-extended.toml");
    let out = run(&s, &["baseline"], 1, s.seed, 1);
    assert_littles_law(&s, &out, "us-japan-extended");
}

/// scenarios/tandem.toml: M/M/1 → fixed 0.5 d → M/M/2, λ = 8/day, ρ = 0.8 at both
/// stations. Jackson / product form: W_A = 1/(μ_A − λ) = 0.5 d; W_B = Wq_B + 1/μ_B with
/// Erlang C (0.5556 d); end-to-end lead time W_A + 0.5 + W_B = 1.5556 d; all within 3 %.
#[test]
fn tandem_matches_jackson_network() {
    let s = parse_toml(&scenario_text("tandem.toml"), "tandem.toml");
    assert_eq!(s.nodes.len(), 2);
    let lambda = s.flows[0].rate_per_day;
    assert_eq!(lambda, 8.0);
    let (mu_a, mu_b) = (
        1.0 / s.nodes[0].service.mean(),
        1.0 / s.nodes[1].service.mean(),
    );
    let c_b = s.nodes[1].servers;
    assert_eq!((s.nodes[0].servers, c_b), (1, 2));
    let transit = s.routes[0].transit.mean();
    let w_a = 1.0 / (mu_a - lambda);
    let w_b = mmc_wq(lambda, mu_b, c_b) + 1.0 / mu_b;
    let lead = w_a + transit + w_b;
    assert!(
        (lead - 1.55556).abs() < 1e-4,
        "closed form lead time {lead}"
    );

    // 24 replications × 20,000 days: standard error ≈ 0.5 % of W_A, 0.25 % of the lead time.
    let out = run(&s, &["baseline"], 24, s.seed, 2);
    for (name, expected) in [
        ("nodes.A.mean_time_in_node_days", w_a),
        ("nodes.B.mean_time_in_node_days", w_b),
        ("system.lead_time_mean_days", lead),
    ] {
        let (x, se) = mean_se(&values(&out, name));
        eprintln!("tandem: {name} simulated {x:.6} ± {se:.6}, Jackson {expected:.6}");
        assert_power(name, se, expected, 0.03, 4.0);
        assert_rel(name, x, expected, 0.03);
    }
    // Mean WIP by Little's law on the whole network: λ W.
    let (wip, _) = mean_se(&values(&out, "system.mean_wip"));
    assert_rel("tandem mean WIP vs λW", wip, lambda * lead, 0.03);
    // Node offsets agree with names (the doc example relies on them).
    let util_b = out.schema.index("nodes.B.utilisation").unwrap();
    assert_eq!(util_b, MeasureSchema::node_offset(1) + 1);
}
