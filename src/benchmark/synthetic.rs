//! Synthetic networks: the scenario behind `tradesim generate` and the scaling table,
//! ports on a ring with random chords, flows between random ports, servers sized from
//! the expected load. The network is built as a [`ScenarioFile`] value
//! ([`synthetic_file`]), validated as it is, and serialised with `toml` for
//! `tradesim generate` ([`generate_network`]): the text is always a valid scenario.

use crate::distribution::DistSpec;
use crate::scenario::Scenario;
use crate::scenario::file::{
    AlertLevelFile, ArrangementFile, CountryFile, CustomsFile, FlowFile, InspectionRateFile, Mode,
    NodeFile, NodeKind, ProgrammeFile, RouteFile, ScenarioFile, TraderFile,
};
use crate::time::Days;
use rand::{RngExt, SeedableRng};

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

/// A synthetic network scenario (TOML): [`synthetic_file`] serialised, after two comment
/// lines that give the command and the shipments to expect.
pub fn generate_network(s: &Synthetic) -> Result<String, String> {
    let file = synthetic_file(s)?;
    let body = toml::to_string(&file)
        .map_err(|e| format!("internal: the synthetic network does not serialise: {e}"))?;
    Ok(format!(
        "# Synthetic network from `tradesim generate --ports {} --routes {} --volume {} --horizon {} --seed {}`.\n\
         # Expect about volume x horizon = {:.0} shipments per replication and strategy.\n\n{body}",
        s.ports,
        s.routes,
        s.volume_per_day,
        s.horizon,
        s.seed,
        s.volume_per_day * s.horizon
    ))
}

/// A synthetic network, as the scenario file's structure:
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
///
/// Positions and transit times are rounded to 3 decimals, so the value and its TOML text
/// ([`generate_network`]) describe the same network.
pub fn synthetic_file(s: &Synthetic) -> Result<ScenarioFile, String> {
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
    let net = Layout {
        s,
        countries,
        links,
        flows,
    };

    // First pass with ample capacity, to learn each node's expected load from the
    // scenario's own routing; then size servers and inspectors from it.
    let ample = vec![(MAX_SERVERS, MAX_SERVERS); n];
    let scenario = Scenario::from_file(net.file(&ample), "synthetic.toml")
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
    Ok(net.file(&sizes))
}

/// A synthetic network's random layout: links (a, b, mean transit days) and flows
/// (origin, destination, shipments a day), ports in `countries` countries.
struct Layout<'a> {
    s: &'a Synthetic,
    countries: usize,
    links: Vec<(usize, usize, f64)>,
    flows: Vec<(usize, usize, f64)>,
}

/// `x` as the file gives it: 3 decimals.
fn decimals3(x: f64) -> f64 {
    format!("{x:.3}")
        .parse()
        .expect("a formatted number parses")
}

/// A triangular distribution of days.
fn triangular(min: f64, mode: f64, max: f64) -> DistSpec {
    DistSpec::Triangular {
        min: Days(min),
        mode: Days(mode),
        max: Days(max),
    }
}

/// A lognormal distribution given by its mean and standard deviation.
fn lognormal(mean: f64, sd: f64) -> DistSpec {
    DistSpec::Lognormal {
        mean: Days(mean),
        sd: Days(sd),
    }
}

impl Layout<'_> {
    /// Country index of port `i`: consecutive ports share a country.
    fn country_of(&self, i: usize) -> usize {
        i * self.countries / self.s.ports
    }

    /// The programme id of country `c`.
    fn programme(c: usize) -> String {
        format!("aeo-{}", CODES[c].to_ascii_lowercase())
    }

    /// The scenario with the given (servers, inspectors) per port.
    fn file(&self, sizes: &[(u32, u32)]) -> ScenarioFile {
        let (s, n) = (self.s, self.s.ports);
        let port = |i: usize| format!("P{i:04}");
        let codes = &CODES[..self.countries];
        ScenarioFile {
            extends: None,
            scenario: super::section(
                format!("synthetic-{n}p-{}r", self.links.len()),
                format!(
                    "Synthetic network: {n} ports in {} countries, {} links, {} shipments a day.",
                    self.countries,
                    self.links.len(),
                    s.volume_per_day
                ),
                s.horizon,
                (s.horizon / 10.0).floor(),
                s.seed,
                1,
            ),
            countries: codes
                .iter()
                .map(|code| CountryFile {
                    code: (*code).into(),
                    name: None,
                    alert_level: None,
                    alert_levels: vec![AlertLevelFile {
                        level: 2,
                        inspection_rate: Some(1.5),
                        inspection_time: Some(1.2),
                        handling_slowdown: Some(1.1),
                    }],
                    targeting: None,
                })
                .collect(),
            nodes: sizes
                .iter()
                .enumerate()
                .map(|(i, &(servers, inspectors))| NodeFile {
                    id: port(i),
                    name: None,
                    kind: NodeKind::Seaport,
                    country: CODES[self.country_of(i)].into(),
                    lat: decimals3(-60.0 + 120.0 * (i as f64 + 0.5) / n as f64),
                    lon: decimals3(-179.0 + 358.0 * ((i as f64 * 0.618_033_988_75).fract())),
                    servers,
                    service: triangular(0.1, 0.2, 0.6),
                    customs: Some(CustomsFile {
                        inspectors,
                        inspection: triangular(0.5, 1.0, 2.0),
                        clearance: Some(lognormal(1.0, 0.5)),
                        trusted_clearance: Some(lognormal(0.5, 0.25)),
                        inspection_rate: InspectionRateFile {
                            trusted: 0.01,
                            ordinary: 0.05,
                        },
                    }),
                })
                .collect(),
            routes: self
                .links
                .iter()
                .map(|&(a, b, d)| RouteFile {
                    id: None,
                    from: port(a),
                    to: port(b),
                    mode: Mode::Sea,
                    transit: triangular(decimals3(d * 0.9), decimals3(d), decimals3(d * 1.3)),
                    capacity_per_day: None,
                    bidirectional: true,
                })
                .collect(),
            flows: self
                .flows
                .iter()
                .enumerate()
                .map(|(k, &(o, d, rate))| {
                    let (co, cd) = (self.country_of(o), self.country_of(d));
                    let mut both = vec![Self::programme(co)];
                    if cd != co {
                        both.push(Self::programme(cd));
                    }
                    FlowFile {
                        id: format!("F{k:05}"),
                        origin: port(o),
                        destination: port(d),
                        rate_per_day: rate,
                        weekly_profile: None,
                        value: Some(lognormal(50_000.0, 40_000.0)),
                        path: None,
                        alternates: Vec::new(),
                        substitutes: Vec::new(),
                        response: None,
                        traders: vec![
                            TraderFile {
                                share: 0.25,
                                programmes: vec![Self::programme(co)],
                            },
                            TraderFile {
                                share: 0.2,
                                programmes: both,
                            },
                        ],
                    }
                })
                .collect(),
            programmes: (0..self.countries)
                .map(|c| ProgrammeFile {
                    id: Self::programme(c),
                    name: None,
                    country: CODES[c].into(),
                })
                .collect(),
            arrangements: vec![ArrangementFile {
                id: format!(
                    "mra-{}-{}",
                    CODES[0].to_ascii_lowercase(),
                    CODES[1].to_ascii_lowercase()
                ),
                name: None,
                programmes: vec![Self::programme(0), Self::programme(1)],
                revocation_notice: Some(Days(30.0)),
                alert_notice: None,
                screening_time: None,
            }],
            strategies: Vec::new(),
            disruptions: Vec::new(),
            response: None,
            sweep: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Format;

    #[test]
    fn generated_text_reads_back_as_the_same_network() {
        let s = Synthetic {
            ports: 12,
            routes: 20,
            volume_per_day: 300.0,
            horizon: 20.0,
            seed: 5,
        };
        let value = Scenario::from_file(synthetic_file(&s).expect("builds"), "synthetic.toml")
            .expect("the value validates");
        let text = generate_network(&s).expect("generates");
        assert!(
            text.starts_with("# Synthetic network from `tradesim generate --ports 12 --routes 20")
        );
        let parsed = Scenario::parse(&text, "synthetic.toml", Format::Toml).expect("validates");
        for (a, b) in [
            (
                format!("{:?}", value.countries),
                format!("{:?}", parsed.countries),
            ),
            (format!("{:?}", value.nodes), format!("{:?}", parsed.nodes)),
            (
                format!("{:?}", value.routes),
                format!("{:?}", parsed.routes),
            ),
            (format!("{:?}", value.flows), format!("{:?}", parsed.flows)),
            (
                format!("{:?}", value.programmes),
                format!("{:?}", parsed.programmes),
            ),
            (
                format!("{:?}", value.arrangements),
                format!("{:?}", parsed.arrangements),
            ),
        ] {
            assert_eq!(a, b);
        }
        assert_eq!(value.default_strategies, parsed.default_strategies);
        // -60 + 120 * 3.5 / 12; -179 + 358 * 0.618... = 42.25617, given to 3 decimals.
        assert_eq!((parsed.nodes[3].lat, parsed.nodes[1].lon), (-25.0, 42.256));
        crate::benchmark::assert_same_run(&value, &parsed);
    }

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
