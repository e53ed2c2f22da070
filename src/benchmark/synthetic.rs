//! Synthetic networks: the scenario behind `tradesim generate` and the scaling table,
//! ports on a ring with random chords, flows between random ports, servers sized from
//! the expected load.

use crate::scenario::{Format, Scenario};
use rand::{RngExt, SeedableRng};
use std::fmt::Write as _;

/// Settings of a synthetic network ([`generate_network`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Synthetic {
    /// Ports (at least 2).
    pub ports: usize,
    /// Bidirectional links: a ring through every port, plus random chords up to this many
    /// (at least the ring's size: `ports`, or 1 for two ports).
    pub routes: usize,
    /// Shipments created per day over all flows.
    pub volume_per_day: f64,
    /// Days simulated; shipments created in a replication ≈ volume × horizon.
    pub horizon: f64,
    /// Seeds both the network's random layout (chords, flow ends and weights) and the
    /// generated scenario's `seed`: the same value gives the same network and run.
    pub seed: u64,
}

/// Default horizon of a synthetic network (days).
pub const SYNTHETIC_HORIZON: f64 = 100.0;

/// Country codes given to synthetic ports (in blocks of consecutive ports).
const CODES: [&str; 8] = ["JP", "US", "KR", "CN", "SG", "NL", "DE", "GB"];

/// Handling servers and inspection teams are sized for this utilisation at the expected
/// load (every node and customs post stays below 0.8).
const TARGET_UTILISATION: f64 = 0.7;

/// The most servers (and inspection teams) a node may have (the scenario format's limit).
const MAX_SERVERS: u32 = 100_000;

/// A synthetic network scenario (TOML) of `ports` ports, `routes` bidirectional links and
/// `volume_per_day` shipments a day, over [`SYNTHETIC_HORIZON`] days.
pub fn generate(
    ports: usize,
    routes: usize,
    volume_per_day: f64,
    seed: u64,
) -> Result<String, String> {
    generate_network(&Synthetic {
        ports,
        routes,
        volume_per_day,
        horizon: SYNTHETIC_HORIZON,
        seed,
    })
}

/// A synthetic network scenario (TOML):
///
/// - ports in 2 to 8 countries (consecutive ports share a country), each with customs;
/// - a ring of links through every port (so every port reaches every other) plus random
///   chords, all bidirectional, with transit times of 1 to 5 days;
/// - two flows out of every port to random other ports, sized so that their rates add up
///   to the volume; a quarter of the shipments from members of the origin's programme,
///   a fifth from members of both the origin's and the destination's;
/// - one trusted-trader programme per country and an arrangement between the first two;
/// - servers and inspection teams sized from the expected load (utilisation about 0.7);
/// - a warm-up of a tenth of the horizon; all three preset strategies, no disruptions.
pub fn generate_network(s: &Synthetic) -> Result<String, String> {
    let n = s.ports;
    if n < 2 {
        return Err(
            "--ports must be at least 2 (ports are spread over 2 or more countries)".into(),
        );
    }
    let ring = if n == 2 { 1 } else { n };
    let max_links = n * (n - 1) / 2;
    if s.routes < ring || s.routes > max_links {
        return Err(format!(
            "--routes must be between {ring} (a ring through the {n} ports) and {max_links} (every pair linked)"
        ));
    }
    if !(s.volume_per_day.is_finite() && s.volume_per_day > 0.0) {
        return Err("--volume must be a positive number of shipments a day".into());
    }
    if !(s.horizon.is_finite() && s.horizon >= 1.0) {
        return Err("--horizon must be at least 1 day".into());
    }
    let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(s.seed);
    let countries = (n / 10).clamp(2, CODES.len());
    let country_of = |i: usize| i * countries / n;

    // Links: the ring, then distinct random chords.
    let mut links: Vec<(usize, usize, f64)> = Vec::with_capacity(s.routes);
    let mut linked = std::collections::HashSet::new();
    for i in 0..ring {
        let (a, b) = (i, (i + 1) % n);
        linked.insert((a.min(b), a.max(b)));
        links.push((a, b, rng.random_range(1.0..5.0)));
    }
    while links.len() < s.routes {
        let a = rng.random_range(0..n);
        let b = rng.random_range(0..n);
        if a != b && linked.insert((a.min(b), a.max(b))) {
            links.push((a, b, rng.random_range(1.0..5.0)));
        }
    }
    // Flows: two per port, weights normalised to the volume.
    let mut flows: Vec<(usize, usize, f64)> = Vec::with_capacity(2 * n);
    for o in 0..n {
        for _ in 0..2 {
            let mut d = rng.random_range(0..n - 1);
            if d >= o {
                d += 1;
            }
            flows.push((o, d, rng.random_range(0.5..1.5)));
        }
    }
    let total: f64 = flows.iter().map(|f| f.2).sum();
    for f in &mut flows {
        f.2 *= s.volume_per_day / total;
    }

    // First pass with ample capacity, to learn each node's expected load from the
    // scenario's own routing; then size servers and inspectors from it.
    let ample = vec![(MAX_SERVERS, MAX_SERVERS); n];
    let draft = network_text(s, countries, &country_of, &links, &flows, &ample);
    let scenario = Scenario::parse(&draft, "synthetic.toml", Format::Toml)
        .map_err(|e| format!("internal: the synthetic network does not validate: {e}"))?;
    let load = scenario.baseline_load();
    let sizes: Vec<(u32, u32)> = (0..n)
        .map(|i| {
            let l = &load.nodes[i];
            let node = &scenario.nodes[i];
            let work = l.arrivals_per_day * node.service.mean() * l.slowdown;
            let servers = (work / TARGET_UTILISATION).ceil().max(1.0);
            let inspect = l.customs_utilisation * ample[i].1 as f64;
            let inspectors = (inspect / TARGET_UTILISATION).ceil().max(1.0);
            (servers as u32, inspectors as u32)
        })
        .collect();
    if sizes
        .iter()
        .any(|&(a, b)| a > MAX_SERVERS || b > MAX_SERVERS)
    {
        return Err(format!(
            "--volume {} needs more than {MAX_SERVERS} servers at a port: use more ports or less volume",
            s.volume_per_day
        ));
    }
    Ok(network_text(
        s,
        countries,
        &country_of,
        &links,
        &flows,
        &sizes,
    ))
}

/// The scenario text of a synthetic network with the given servers and inspectors.
fn network_text(
    s: &Synthetic,
    countries: usize,
    country_of: &dyn Fn(usize) -> usize,
    links: &[(usize, usize, f64)],
    flows: &[(usize, usize, f64)],
    sizes: &[(u32, u32)],
) -> String {
    let n = s.ports;
    let mut t = String::with_capacity(400 * (n + links.len() + flows.len()));
    let warmup = (s.horizon / 10.0).floor();
    let _ = writeln!(
        t,
        "# Synthetic network from `tradesim generate --ports {n} --routes {} --volume {} --horizon {} --seed {}`.\n\
         # Expect about volume x horizon = {:.0} shipments per replication and strategy.\n",
        links.len(),
        s.volume_per_day,
        s.horizon,
        s.seed,
        s.volume_per_day * s.horizon
    );
    let _ = writeln!(
        t,
        "[scenario]\nname = \"synthetic-{n}p-{}r\"\n\
         description = \"Synthetic network: {n} ports in {countries} countries, {} links, {} shipments a day.\"\n\
         horizon = {:?}\nwarmup = {warmup:?}\nseed = {}\nreplications = 1\n",
        links.len(),
        links.len(),
        s.volume_per_day,
        s.horizon,
        s.seed
    );
    for code in &CODES[..countries] {
        let _ = writeln!(
            t,
            "[[countries]]\ncode = \"{code}\"\nalert_levels = [\n  {{ level = 2, inspection_rate = 1.5, inspection_time = 1.2, handling_slowdown = 1.1 }},\n]\n"
        );
    }
    for (i, &(servers, inspectors)) in sizes.iter().enumerate() {
        let c = country_of(i);
        let lat = -60.0 + 120.0 * (i as f64 + 0.5) / n as f64;
        let lon = -179.0 + 358.0 * ((i as f64 * 0.618_033_988_75).fract());
        let _ = writeln!(
            t,
            "[[nodes]]\nid = \"P{i:04}\"\nkind = \"seaport\"\ncountry = \"{}\"\nlat = {lat:.3}\nlon = {lon:.3}\n\
             servers = {servers}\nservice = {{ dist = \"triangular\", min = 0.1, mode = 0.2, max = 0.6 }}\n\
             [nodes.customs]\ninspectors = {inspectors}\n\
             inspection = {{ dist = \"triangular\", min = 0.5, mode = 1.0, max = 2.0 }}\n\
             clearance = {{ dist = \"lognormal\", mean = 1.0, sd = 0.5 }}\n\
             trusted_clearance = {{ dist = \"lognormal\", mean = 0.5, sd = 0.25 }}\n\
             inspection_rate = {{ trusted = 0.01, ordinary = 0.05 }}\n",
            CODES[c]
        );
    }
    for &(a, b, d) in links {
        let _ = writeln!(
            t,
            "[[routes]]\nfrom = \"P{a:04}\"\nto = \"P{b:04}\"\nmode = \"sea\"\n\
             transit = {{ dist = \"triangular\", min = {:.3}, mode = {d:.3}, max = {:.3} }}\nbidirectional = true\n",
            d * 0.9,
            d * 1.3
        );
    }
    for code in &CODES[..countries] {
        let id = code.to_ascii_lowercase();
        let _ = writeln!(
            t,
            "[[programmes]]\nid = \"aeo-{id}\"\ncountry = \"{code}\"\n"
        );
    }
    let _ = writeln!(
        t,
        "[[arrangements]]\nid = \"mra-{}-{}\"\nprogrammes = [\"aeo-{}\", \"aeo-{}\"]\nrevocation_notice = \"30d\"\n",
        CODES[0].to_ascii_lowercase(),
        CODES[1].to_ascii_lowercase(),
        CODES[0].to_ascii_lowercase(),
        CODES[1].to_ascii_lowercase()
    );
    for (k, &(o, d, rate)) in flows.iter().enumerate() {
        let (co, cd) = (
            CODES[country_of(o)].to_ascii_lowercase(),
            CODES[country_of(d)].to_ascii_lowercase(),
        );
        let both = if co == cd {
            format!("\"aeo-{co}\"")
        } else {
            format!("\"aeo-{co}\", \"aeo-{cd}\"")
        };
        let _ = writeln!(
            t,
            "[[flows]]\nid = \"F{k:05}\"\norigin = \"P{o:04}\"\ndestination = \"P{d:04}\"\nrate_per_day = {rate:?}\n\
             value = {{ dist = \"lognormal\", mean = 50000, sd = 40000 }}\n\
             traders = [\n  {{ share = 0.25, programmes = [\"aeo-{co}\"] }},\n  {{ share = 0.2, programmes = [{both}] }},\n]\n"
        );
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synthetic_network_validates_and_is_stable() {
        let text = generate(30, 45, 500.0, 3).expect("generates");
        let s = Scenario::parse(&text, "synthetic.toml", Format::Toml).expect("validates");
        assert_eq!(s.nodes.len(), 30);
        assert_eq!(s.routes.len(), 90);
        let total: f64 = s.flows.iter().map(|f| f.rate_per_day).sum();
        assert!((total - 500.0).abs() < 1e-6);
        let load = s.baseline_load();
        assert!(
            load.nodes
                .iter()
                .all(|l| l.handling_utilisation < 0.8 && l.customs_utilisation < 0.8)
        );
        assert_eq!(text, generate(30, 45, 500.0, 3).expect("generates"));
        assert!(generate(30, 20, 500.0, 3).is_err());
        assert!(generate(1, 0, 500.0, 3).is_err());
    }
}
