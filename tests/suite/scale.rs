//! Scale of input: a generated scenario of 5,000 nodes (about 10 MB of TOML) loads and
//! validates in seconds, TOML and JSON alike, and a 10 MB file full of mistakes is just
//! as quick (errors are capped). The time grows about linearly with the size: 500, 1,000
//! and 5,000 nodes are timed and compared (`cargo test --release scale -- --nocapture`
//! prints the table quoted in docs/robustness.md).

use std::fmt::Write;
use std::time::Instant;
use tradesim::scenario::{Format, Scenario};

/// Destinations: the first `HUBS` nodes form a ring with chords, every other node hangs
/// off two hubs, and every flow ends at a hub. Routing is a table per distinct
/// destination, so their number (not the node count) multiplies the routing work.
const HUBS: usize = 100;
/// Flows per node: sets the file at about 2 KB per node.
const FLOWS_PER_NODE: usize = 4;

/// A valid scenario with `nodes` nodes in 50 countries, about 2 KB of TOML per node.
pub fn large_scenario(nodes: usize) -> String {
    let hubs = HUBS.min(nodes / 5).max(2);
    let mut rng = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move |n: usize| {
        // xorshift64*: reproducible, no dependency.
        rng ^= rng >> 12;
        rng ^= rng << 25;
        rng ^= rng >> 27;
        (rng.wrapping_mul(0x2545_F491_4F6C_DD1D) % n as u64) as usize
    };
    let code = |c: usize| {
        let b = [b'A' + (c / 26) as u8, b'A' + (c % 26) as u8];
        String::from_utf8_lossy(&b).into_owned()
    };
    let countries = 50;
    let mut t = String::with_capacity(nodes * 2200);
    let _ = writeln!(
        t,
        "[scenario]\nname = \"large-{nodes}\"\ndescription = \"Generated: {nodes} nodes, {hubs} hub ports.\"\nhorizon = 400\nwarmup = 30\nseed = 11\nreplications = 2\n"
    );
    for c in 0..countries {
        let _ = writeln!(
            t,
            "[[countries]]\ncode = \"{}\"\nname = \"Country {c}\"\nalert_levels = [{{ level = 2, inspection_rate = 1.5, inspection_time = 1.2, handling_slowdown = 1.1 }}]\n",
            code(c)
        );
    }
    t.push_str("[[programmes]]\nid = \"aeo\"\ncountry = \"AA\"\n\n[[programmes]]\nid = \"ctpat\"\ncountry = \"AB\"\n\n");
    t.push_str("[[arrangements]]\nid = \"mra\"\nprogrammes = [\"aeo\", \"ctpat\"]\nrevocation_notice = \"2w\"\n\n");
    for i in 0..nodes {
        let hub = i < hubs;
        let _ = writeln!(
            t,
            "[[nodes]]\nid = \"N{i:05}\"\nname = \"Port {i} of country {}: a generated hub or inland node of the scale test, about 2 KB of TOML each\"\nkind = \"{}\"\ncountry = \"{}\"\nlat = {:.4}\nlon = {:.4}\nservers = {}\nservice = {{ dist = \"triangular\", min = 0.05, mode = 0.1, max = 0.2 }}\n\n[nodes.customs]\ninspectors = {}\ninspection = {{ dist = \"exponential\", mean = 0.2 }}\nclearance = {{ dist = \"lognormal\", mean = 0.3, sd = 0.1 }}\ntrusted_clearance = \"2h\"\ninspection_rate = {{ trusted = 0.02, ordinary = 0.1 }}\n",
            code(i % countries),
            if hub { "seaport" } else { "inland_hub" },
            code(i % countries),
            -60.0 + (i % 1200) as f64 * 0.1,
            -170.0 + (i / 1200) as f64 * 3.0 + (i % 7) as f64 * 0.01,
            if hub { 40 } else { 4 },
            if hub { 8 } else { 2 },
        );
    }
    let route = |t: &mut String, a: usize, b: usize, transit: f64, mode: &str| {
        let _ = writeln!(
            t,
            "[[routes]]\nfrom = \"N{a:05}\"\nto = \"N{b:05}\"\nmode = \"{mode}\"\ntransit = {{ dist = \"triangular\", min = {:.2}, mode = {transit:.2}, max = {:.2} }}\ncapacity_per_day = 500\nbidirectional = true\n",
            transit * 0.8,
            transit * 1.3
        );
    };
    for h in 0..hubs {
        route(&mut t, h, (h + 1) % hubs, 3.0, "sea");
        let chord = (h * 7 + 3) % hubs;
        // Each chord once (h < chord), and none doubling a ring route.
        if h < chord && chord != h + 1 && (chord + 1) % hubs != h {
            route(&mut t, h, chord, 9.0, "sea");
        }
    }
    for i in hubs..nodes {
        let a = next(hubs);
        let b = (a + 1 + next(hubs - 1)) % hubs;
        route(&mut t, i, a, 1.0, "road");
        route(&mut t, i, b, 1.5, "rail");
    }
    for k in 0..nodes * FLOWS_PER_NODE {
        let origin = hubs + next(nodes - hubs);
        let destination = next(hubs);
        let _ = writeln!(
            t,
            "[[flows]]\nid = \"F{k:06}\"\norigin = \"N{origin:05}\"\ndestination = \"N{destination:05}\"\nrate_per_day = 0.002\nweekly_profile = [1.2, 1.2, 1.2, 1.2, 1.2, 0.5, 0.5]\nvalue = {{ dist = \"lognormal\", mean = 50000, sd = 20000 }}\ntraders = [{{ share = 0.3, programmes = [\"aeo\"] }}, {{ share = 0.2, programmes = [\"aeo\", \"ctpat\"] }}]\n"
        );
    }
    t.push_str("[[strategies]]\nname = \"reroute\"\nreroute = \"on_closure\"\n\n");
    t.push_str("[[disruptions]]\nkind = \"earthquake\"\nat = 200\nepicenter = { lat = 0.0, lon = -150.0 }\nmagnitude = 8.5\n\n");
    t.push_str(
        "[[disruptions]]\nkind = \"closure\"\nat = 220\ncountry = \"AC\"\nduration = \"3w\"\n\n",
    );
    t.push_str("[[disruptions]]\nkind = \"alert\"\nat = { dist = \"uniform\", min = 100, max = 300 }\ncountry = \"AD\"\nlevel = 2\nduration = 30\n");
    t
}

/// Seconds to parse and validate `text`, which must be valid.
fn load_seconds(text: &str, format: Format, nodes: usize) -> f64 {
    let started = Instant::now();
    let s = Scenario::parse(text, "large", format)
        .unwrap_or_else(|e| panic!("the generated scenario is invalid: {e}"));
    let took = started.elapsed().as_secs_f64();
    assert_eq!(s.nodes.len(), nodes);
    assert_eq!(s.flows.len(), nodes * FLOWS_PER_NODE);
    took
}

/// Generous for a shared 2-core machine; the release build takes about a second.
fn limit() -> f64 {
    if cfg!(debug_assertions) { 60.0 } else { 10.0 }
}

#[test]
fn a_10_mb_scenario_with_5000_nodes_loads_in_seconds() {
    let mut rows = Vec::new();
    for nodes in [500, 1000, 5000] {
        let toml_text = large_scenario(nodes);
        let doc: toml::Table = toml::from_str(&toml_text).expect("generated TOML parses");
        let json_text = serde_json::to_string_pretty(&doc).expect("JSON serialises");
        let toml_s = load_seconds(&toml_text, Format::Toml, nodes);
        let json_s = load_seconds(&json_text, Format::Json, nodes);
        rows.push((nodes, toml_text.len(), toml_s, json_text.len(), json_s));
    }
    eprintln!("| nodes | TOML MB | TOML s | JSON MB | JSON s |");
    eprintln!("| ---: | ---: | ---: | ---: | ---: |");
    for (n, tb, ts, jb, js) in &rows {
        eprintln!(
            "| {n} | {:.1} | {ts:.2} | {:.1} | {js:.2} |",
            *tb as f64 / 1e6,
            *jb as f64 / 1e6
        );
    }
    let (_, bytes, toml_s, _, json_s) = rows[2];
    assert!(bytes >= 10_000_000, "only {bytes} bytes");
    assert!(toml_s < limit(), "5,000 nodes (TOML) took {toml_s:.1} s");
    assert!(json_s < limit(), "5,000 nodes (JSON) took {json_s:.1} s");
    // Ten times the nodes: linear is 10×, quadratic 100×.
    let ratio = toml_s / rows[0].2.max(0.02);
    assert!(ratio < 40.0, "500 → 5,000 nodes took {ratio:.0}× as long");
}

/// Every flow of the 10 MB file names a missing origin: 20,000 errors, 100 listed (with
/// positions and suggestions), one total, in seconds.
#[test]
fn a_10_mb_scenario_full_of_errors_is_reported_in_seconds() {
    let text = large_scenario(5000).replace("origin = \"N", "origin = \"M");
    let started = Instant::now();
    let errors = match Scenario::parse(&text, "large-bad.toml", Format::Toml) {
        Ok(_) => panic!("20,000 dangling origins validated"),
        Err(e) => e.0,
    };
    let took = started.elapsed().as_secs_f64();
    eprintln!("5,000 nodes, 20,000 errors: {took:.2} s");
    assert_eq!(errors.len(), 101);
    assert!(errors[0].line > 0 && errors[0].key == "flows[0].origin");
    assert!(
        errors[0]
            .help
            .as_deref()
            .is_some_and(|h| h.starts_with("did you mean `N")),
        "{:?}",
        errors[0].help
    );
    assert!(
        errors[100].message.contains("20000 in all"),
        "{}",
        errors[100].message
    );
    assert!(took < limit(), "20,000 errors took {took:.1} s");
}
