//! Performance measurements, shared by the criterion benches in `benches/` and by
//! `tradesim bench` (the plain-command form of each benchmark), and the synthetic network
//! generator behind `tradesim generate`. docs/performance.md states the targets and the
//! figures measured with these functions.
//!
//! Behind the `bench` cargo feature (on by default): the harness is not part of the
//! simulation library's core, and a library user can leave it out.
//!
//! Every timing returns wall-clock seconds and the CPU seconds of the threads that did the
//! work (on Linux; NaN elsewhere). On a shared machine the CPU figure is the steadier one:
//! wall time grows with other load, CPU time much less.

use crate::distribution::DistSpec;
use crate::engine::{RunOptions, Simulation};
use crate::experiment::{self, Plan};
use crate::scenario::file::{
    CountryFile, FlowFile, NodeFile, NodeKind, ScenarioFile, ScenarioSection,
};
use crate::scenario::{Format, Scenario};
use crate::time::Days;
use rand::{RngExt, SeedableRng};
use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

/// Arrival rate of the reference M/M/c queue (per day), as in `../shared/bench`.
pub const MMC_LAMBDA: f64 = 90.0;
/// Service rate of one server of the reference queue (per day).
pub const MMC_MU: f64 = 10.0;
/// Servers of the reference queue.
pub const MMC_SERVERS: u32 = 10;

/// One timed piece of work.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measurement {
    /// Units of work done (shipments, replications, …: the function says which).
    pub count: u64,
    /// Events the engine processed.
    pub events: u64,
    /// Wall-clock seconds.
    pub seconds: f64,
    /// CPU seconds of the working threads (NaN where unknown).
    pub cpu_seconds: f64,
}

impl Measurement {
    /// Units per wall-clock second.
    pub fn per_second(&self) -> f64 {
        self.count as f64 / self.seconds.max(1e-12)
    }
    /// Units per CPU second.
    pub fn per_cpu_second(&self) -> f64 {
        self.count as f64 / self.cpu_seconds.max(1e-12)
    }
    /// Events per wall-clock second.
    pub fn events_per_second(&self) -> f64 {
        self.events as f64 / self.seconds.max(1e-12)
    }
    /// Events per CPU second.
    pub fn events_per_cpu_second(&self) -> f64 {
        self.events as f64 / self.cpu_seconds.max(1e-12)
    }
}

/// Which CPU clock to read.
#[derive(Debug, Clone, Copy)]
enum Clock {
    /// The calling thread.
    Thread,
    /// Every thread of the process.
    Process,
}

/// CPU seconds used so far by the calling thread or the whole process.
fn cpu_seconds(clock: Clock) -> f64 {
    #[cfg(target_os = "linux")]
    {
        let id = match clock {
            Clock::Thread => libc::CLOCK_THREAD_CPUTIME_ID,
            Clock::Process => libc::CLOCK_PROCESS_CPUTIME_ID,
        };
        let mut ts = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: `ts` is a valid, writable timespec; the clock ids are constants.
        if unsafe { libc::clock_gettime(id, &mut ts) } == 0 {
            return ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9;
        }
        f64::NAN
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = clock;
        f64::NAN
    }
}

/// Times `f` (wall clock and CPU of `clock`).
fn timed<T>(clock: Clock, f: impl FnOnce() -> T) -> (T, f64, f64) {
    let c0 = cpu_seconds(clock);
    let t0 = Instant::now();
    let out = f();
    let seconds = t0.elapsed().as_secs_f64();
    (out, seconds, cpu_seconds(clock) - c0)
}

// ---- the engine on one M/M/c queue ---------------------------------------------------------

/// One queue as a scenario: a node of `servers` servers with exponential service at
/// rate `mu` per day, Poisson arrivals at `lambda` per day that are handled once and
/// delivered there, the baseline strategy only. The engine and memory benchmarks use it,
/// built as a [`ScenarioFile`] value (validated directly, or written out as TOML for a
/// child run).
struct OneQueue<'a> {
    name: &'a str,
    description: &'a str,
    flow: &'a str,
    lambda: f64,
    mu: f64,
    servers: u32,
    days: f64,
    warmup: f64,
    replications: u64,
    seed: u64,
}

impl OneQueue<'_> {
    /// The queue as the scenario file's structure.
    fn file(&self) -> ScenarioFile {
        ScenarioFile {
            extends: None,
            scenario: ScenarioSection {
                name: self.name.into(),
                description: Some(self.description.into()),
                assumptions: None,
                horizon: Days(self.days),
                warmup: Some(Days(self.warmup)),
                seed: Some(self.seed),
                replications: Some(self.replications),
                teu_per_shipment: None,
                baseline_days: None,
                window_days: None,
                tolerance: None,
                hold_days: None,
                target_ci: None,
                strategies: Some(vec!["baseline".into()]),
                review_days: None,
                arrangement: None,
                memory_budget: None,
                timeseries_scopes: None,
                ablation: None,
            },
            countries: vec![CountryFile {
                code: "JP".into(),
                name: None,
                alert_level: None,
                alert_levels: Vec::new(),
                targeting: None,
            }],
            nodes: vec![NodeFile {
                id: "Q".into(),
                name: None,
                kind: NodeKind::Seaport,
                country: "JP".into(),
                lat: 35.6,
                lon: 139.8,
                servers: self.servers,
                service: DistSpec::Exponential {
                    mean: Days(1.0 / self.mu),
                },
                customs: None,
            }],
            routes: Vec::new(),
            flows: vec![FlowFile {
                id: self.flow.into(),
                origin: "Q".into(),
                destination: "Q".into(),
                rate_per_day: self.lambda,
                weekly_profile: None,
                value: None,
                path: None,
                alternates: Vec::new(),
                substitutes: Vec::new(),
                response: None,
                traders: Vec::new(),
            }],
            programmes: Vec::new(),
            arrangements: Vec::new(),
            strategies: Vec::new(),
            disruptions: Vec::new(),
            response: None,
            sweep: None,
        }
    }

    /// The queue as scenario text (TOML), for a child run or a test's file.
    fn text(&self) -> String {
        toml::to_string(&self.file()).expect("a scenario file serialises")
    }

    /// The queue, validated.
    fn scenario(&self) -> Scenario {
        Scenario::from_file(self.file(), &format!("{}.toml", self.name))
            .expect("the benchmark's queue is valid")
    }
}

/// The M/M/c queue of the engine benchmark ([`OneQueue`]), `days` long, no warm-up.
fn mmc_queue(lambda: f64, mu: f64, servers: u32, days: f64, seed: u64) -> OneQueue<'static> {
    OneQueue {
        name: "bench-mmc",
        description: "M/M/c queue for the engine benchmark (same queue as ../shared/bench).",
        flow: "mmc",
        lambda,
        mu,
        servers,
        days,
        warmup: 0.0,
        replications: 1,
        seed,
    }
}

/// Scenario text of one M/M/c queue ([`OneQueue`]), `days` long, no warm-up.
pub fn mmc_text(lambda: f64, mu: f64, servers: u32, days: f64, seed: u64) -> String {
    mmc_queue(lambda, mu, servers, days, seed).text()
}

/// The M/M/c scenario of [`mmc_text`], validated (built as a value, not parsed).
pub fn mmc_scenario(lambda: f64, mu: f64, servers: u32, days: f64, seed: u64) -> Scenario {
    mmc_queue(lambda, mu, servers, days, seed).scenario()
}

/// One replication of the M/M/c queue on the calling thread; only `Simulation::run` is
/// timed. `count` is the shipments created (the floor program counts customers served,
/// which differs by the few still waiting at the end).
pub fn engine_mmc_with(lambda: f64, mu: f64, servers: u32, days: f64, seed: u64) -> Measurement {
    let scenario = mmc_scenario(lambda, mu, servers, days, seed);
    let sim = Simulation::new(&scenario, 0, 0, seed, RunOptions::default());
    let ((created, events), seconds, cpu) = timed(Clock::Thread, || {
        let mut sim = sim;
        sim.run_until(scenario.horizon).expect("accounting holds");
        let (created, _) = sim.counts();
        let result = sim.finish();
        (created, result.events)
    });
    Measurement {
        count: created,
        events,
        seconds,
        cpu_seconds: cpu,
    }
}

/// The reference queue (λ = 90/day, μ = 10/day, c = 10) for `days` days, seed 1:
/// (shipments, seconds of `Simulation::run`).
pub fn engine_mmc(days: f64) -> (u64, f64) {
    let m = engine_mmc_with(MMC_LAMBDA, MMC_MU, MMC_SERVERS, days, 1);
    (m.count, m.seconds)
}

// ---- the default scenario ------------------------------------------------------------------

/// Replications `0..replications` of every default strategy of the embedded default
/// scenario, one after the other on the calling thread, each simulated from time 0 (no
/// branching at the onset, so every event counted was processed). `count` is the
/// strategy runs; the events per CPU second are the events per second per core.
pub fn default_scenario_events(replications: u64) -> Measurement {
    let scenario = Scenario::embedded_default();
    scenario_events(&scenario, replications)
}

/// As [`default_scenario_events`], for any scenario.
pub fn scenario_events(scenario: &Scenario, replications: u64) -> Measurement {
    let ((runs, events), seconds, cpu) = timed(Clock::Thread, || {
        let (mut runs, mut events) = (0, 0);
        for r in 0..replications {
            for &s in &scenario.default_strategies {
                let sim = Simulation::new(scenario, s, r, scenario.seed, RunOptions::default());
                events += sim.run().expect("accounting holds").events;
                runs += 1;
            }
        }
        (runs, events)
    });
    Measurement {
        count: runs,
        events,
        seconds,
        cpu_seconds: cpu,
    }
}

// ---- replications on several threads ---------------------------------------------------

/// `replications` replications of the embedded default scenario (its strategies, seed and
/// branching, as `tradesim run` does) on `threads` worker threads. `count` is the
/// replications; `cpu_seconds` covers the whole process.
pub fn replications_per_second(threads: usize, replications: u64) -> Measurement {
    let scenario = Scenario::embedded_default();
    replications_on(&scenario, threads, replications)
}

/// As [`replications_per_second`], for any scenario.
pub fn replications_on(scenario: &Scenario, threads: usize, replications: u64) -> Measurement {
    let mut plan = Plan::from_scenario(scenario);
    plan.threads = threads.max(1);
    plan.replications = replications;
    let (outcome, seconds, cpu) = timed(Clock::Process, || {
        experiment::run(scenario, &plan, &|_| {}).expect("the experiment runs")
    });
    Measurement {
        count: outcome.aggregate.replications,
        events: outcome.aggregate.events,
        seconds,
        cpu_seconds: cpu,
    }
}

// ---- peak memory -----------------------------------------------------------------------

/// The small scenario of the memory benchmark: one tiny queue (M/M/1, ρ = 0.4), 20 days,
/// baseline only, so that 100,000 replications take about a minute.
pub fn small_scenario() -> String {
    OneQueue {
        name: "bench-small",
        description: "One tiny queue for the peak-memory benchmark: many replications, little work each.",
        flow: "small",
        lambda: 2.0,
        mu: 5.0,
        servers: 1,
        days: 20.0,
        warmup: 2.0,
        replications: 1000,
        seed: 1,
    }
    .text()
}

/// What a child `tradesim run` used.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MemoryRun {
    /// Replications the child ran (`--replications`).
    pub replications: u64,
    /// Peak resident set size, KiB (the kernel's `ru_maxrss` of the child).
    pub peak_kib: u64,
    /// Wall-clock seconds of the child, from spawn to exit.
    pub seconds: f64,
}

/// Runs `exe run SMALL --replications N --quiet --out DIR` as a child process in a
/// temporary folder and returns its peak resident memory.
pub fn peak_memory(exe: &Path, replications: u64) -> Result<MemoryRun, String> {
    let dir = std::env::temp_dir().join(format!(
        "tradesim-bench-memory-{}-{replications}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let scenario = dir.join("bench-small.toml");
    std::fs::write(&scenario, small_scenario())
        .map_err(|e| format!("{}: {e}", scenario.display()))?;
    let mut cmd = std::process::Command::new(exe);
    cmd.arg("run")
        .arg(&scenario)
        .args([
            "--replications",
            &replications.to_string(),
            "--quiet",
            "--fresh",
            "--out",
        ])
        .arg(dir.join("out"))
        .stdout(std::process::Stdio::null());
    let t0 = Instant::now();
    let result = wait_peak(cmd);
    let seconds = t0.elapsed().as_secs_f64();
    let _ = std::fs::remove_dir_all(&dir);
    let peak_kib = result?;
    Ok(MemoryRun {
        replications,
        peak_kib,
        seconds,
    })
}

// ---- whole-process cost of a long run ------------------------------------------------

/// Days of the whole-process benchmark: the reference M/M/c queue over 20,000 days,
/// about 1.8 M shipments in one replication (docs/performance.md, issue 20's target).
pub const OUTPUTS_DAYS: f64 = 20_000.0;

/// One `tradesim run` of a long single replication against the engine alone.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OutputsRun {
    /// Wall seconds of the whole child process: parse, run, every output file, report.
    pub whole_seconds: f64,
    /// Peak resident set size of the child, KiB.
    pub peak_kib: u64,
    /// Wall seconds of `Simulation::run` alone on the same queue, seed and horizon.
    pub engine_seconds: f64,
    /// Bytes of every file the run wrote.
    pub output_bytes: u64,
}

impl OutputsRun {
    /// Whole process over engine: the target is at most 2.
    pub fn ratio(&self) -> f64 {
        self.whole_seconds / self.engine_seconds
    }
}

/// Runs `exe run MMC --out DIR --quiet` on the 20,000-day M/M/c queue (with
/// `extra` arguments, e.g. `--timeseries-format csv.gz`) as a child process, and times
/// the engine alone on the same replication in this process.
pub fn outputs_cost(exe: &Path, extra: &[&str]) -> Result<OutputsRun, String> {
    let dir = std::env::temp_dir().join(format!("tradesim-bench-outputs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let scenario = dir.join("bench-mmc.toml");
    let text = mmc_text(MMC_LAMBDA, MMC_MU, MMC_SERVERS, OUTPUTS_DAYS, 1);
    std::fs::write(&scenario, text).map_err(|e| format!("{}: {e}", scenario.display()))?;
    let out = dir.join("out");
    let mut cmd = std::process::Command::new(exe);
    cmd.arg("run")
        .arg(&scenario)
        .args(["--quiet", "--fresh", "--threads", "1"])
        .args(extra)
        .arg("--out")
        .arg(&out)
        .stdout(std::process::Stdio::null());
    let t0 = Instant::now();
    let result = wait_peak(cmd);
    let whole_seconds = t0.elapsed().as_secs_f64();
    let output_bytes = dir_bytes(&out);
    let _ = std::fs::remove_dir_all(&dir);
    let peak_kib = result?;
    let engine = engine_mmc_with(MMC_LAMBDA, MMC_MU, MMC_SERVERS, OUTPUTS_DAYS, 1);
    Ok(OutputsRun {
        whole_seconds,
        peak_kib,
        engine_seconds: engine.seconds,
        output_bytes,
    })
}

/// Total size of the files under `dir`.
fn dir_bytes(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| match e.metadata() {
            Ok(m) if m.is_dir() => dir_bytes(&e.path()),
            Ok(m) => m.len(),
            Err(_) => 0,
        })
        .sum()
}

/// Spawns `cmd`, waits for it and returns its peak RSS in KiB.
#[cfg(unix)]
fn wait_peak(mut cmd: std::process::Command) -> Result<u64, String> {
    let child = cmd
        .spawn()
        .map_err(|e| format!("cannot start {:?}: {e}", cmd.get_program()))?;
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value of this plain C struct.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our own child, not yet waited for; both pointers are valid.
    let got = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    // `child` is dropped without a wait: the process was reaped just above.
    drop(child);
    if got != pid {
        return Err(format!("wait4: {}", std::io::Error::last_os_error()));
    }
    if !(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0) {
        return Err(format!("the child run failed (wait status {status})"));
    }
    // Linux reports ru_maxrss in KiB.
    Ok(usage.ru_maxrss as u64)
}

#[cfg(not(unix))]
fn wait_peak(_cmd: std::process::Command) -> Result<u64, String> {
    Err("peak memory is measured on Unix only".into())
}

// ---- synthetic networks --------------------------------------------------------------

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

// ---- scaling -------------------------------------------------------------------------

/// One row of the scaling table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScalingRow {
    /// Ports of the synthetic network.
    pub ports: usize,
    /// Bidirectional links of the synthetic network.
    pub routes: usize,
    /// Flows of the generated scenario (two per port).
    pub flows: usize,
    /// Shipments created per day over all flows.
    pub volume_per_day: f64,
    /// Days simulated in the replication.
    pub horizon: f64,
    /// Generating the text, parsing and validating it (routing tables included).
    pub setup_seconds: f64,
    /// One replication of the baseline strategy: `count` = shipments created.
    pub run: Measurement,
}

/// A synthetic network made ready to run: generated, parsed and validated.
struct ScalingNetwork {
    synthetic: Synthetic,
    scenario: Scenario,
    setup_seconds: f64,
}

impl ScalingNetwork {
    fn prepare(s: &Synthetic) -> Result<Self, String> {
        let t0 = Instant::now();
        let text = generate_network(s)?;
        let scenario = Scenario::parse(&text, "synthetic.toml", Format::Toml)
            .map_err(|e| format!("the synthetic network does not validate: {e}"))?;
        Ok(ScalingNetwork {
            synthetic: *s,
            scenario,
            setup_seconds: t0.elapsed().as_secs_f64(),
        })
    }

    /// One replication of the baseline strategy on the calling thread, timing
    /// `Simulation::new` and `run`.
    fn run(&self) -> Measurement {
        let ((created, events), seconds, cpu_seconds) = timed(Clock::Thread, || {
            let mut sim = Simulation::new(
                &self.scenario,
                0,
                0,
                self.synthetic.seed,
                RunOptions::default(),
            );
            sim.run_until(self.scenario.horizon)
                .expect("accounting holds");
            let (created, _) = sim.counts();
            (created, sim.finish().events)
        });
        Measurement {
            count: created,
            events,
            seconds,
            cpu_seconds,
        }
    }

    fn row(&self, run: Measurement) -> ScalingRow {
        let s = &self.synthetic;
        ScalingRow {
            ports: s.ports,
            routes: s.routes,
            flows: self.scenario.flows.len(),
            volume_per_day: s.volume_per_day,
            horizon: s.horizon,
            setup_seconds: self.setup_seconds,
            run,
        }
    }
}

/// Generates the network, then runs one replication of its baseline strategy on the
/// calling thread (timing `Simulation::new` and `run`), `repeat` times: the fastest run
/// counts (a busy machine only ever adds time; every run gives the same result).
pub fn scaling_point(s: &Synthetic, repeat: usize) -> Result<ScalingRow, String> {
    let mut rows = scaling_rows(std::slice::from_ref(s), repeat, |_, _| {})?;
    Ok(rows.remove(0))
}

/// The rows of [`scaling_point`] for every network of `points`, with the repeats taken in
/// rounds (every network once, then every network again, …) rather than network by
/// network, so that a spell of load on the machine slows one run of every network alike
/// and the fastest runs, which the ratios compare, come from the same conditions.
/// `progress` is told each round and network before it runs.
pub fn scaling_rows(
    points: &[Synthetic],
    repeat: usize,
    mut progress: impl FnMut(usize, &Synthetic),
) -> Result<Vec<ScalingRow>, String> {
    let networks = points
        .iter()
        .map(ScalingNetwork::prepare)
        .collect::<Result<Vec<_>, _>>()?;
    let mut best: Vec<Option<Measurement>> = vec![None; networks.len()];
    for round in 0..repeat.max(1) {
        for (n, b) in networks.iter().zip(&mut best) {
            progress(round, &n.synthetic);
            let run = n.run();
            // The faster in CPU time.
            *b = Some(
                b.filter(|b| b.cpu_seconds <= run.cpu_seconds)
                    .unwrap_or(run),
            );
        }
    }
    Ok(networks
        .iter()
        .zip(best)
        .map(|(n, b)| n.row(b.expect("at least one round")))
        .collect())
}

/// The networks of the scaling table, three axes: size at a fixed volume (10 to 1,000
/// ports, 10^5 shipments); volume on 100 ports (10^4 to 10^6 shipments, more of them in
/// flight at once); and days at a fixed volume (10^5 to 10^6 shipments, as many in flight),
/// on 100 and on 1,000 ports. Routes are twice the ports.
pub fn scaling_points(max_ports: usize, max_volume: f64) -> Vec<Synthetic> {
    let point = |ports: usize, volume_per_day: f64, horizon: f64| Synthetic {
        ports,
        routes: 2 * ports,
        volume_per_day,
        horizon,
        seed: 1,
    };
    let mut out = Vec::new();
    let mut p = 10;
    while p <= max_ports {
        out.push(point(p, 1000.0, SYNTHETIC_HORIZON));
        p *= 10;
    }
    let mut v = 100.0;
    while v <= max_volume {
        if v != 1000.0 {
            out.push(point(100.min(max_ports), v, SYNTHETIC_HORIZON));
        }
        v *= 10.0;
    }
    if max_ports >= 1000 && max_volume >= 10_000.0 {
        out.push(point(1000, 10_000.0, SYNTHETIC_HORIZON));
    }
    if max_volume >= 10_000.0 {
        for p in [100, 1000] {
            if p <= max_ports {
                out.push(point(p, 1000.0, 10.0 * SYNTHETIC_HORIZON));
            }
        }
    }
    out
}

/// The scaling table as plain text.
pub fn scaling_table(rows: &[ScalingRow]) -> String {
    let mut t = String::new();
    let _ = writeln!(
        t,
        "{:>6} {:>6} {:>6} {:>9} {:>5} {:>10} {:>11} {:>8} {:>8} {:>8} {:>8} {:>8}",
        "ports",
        "routes",
        "flows",
        "vol/day",
        "days",
        "shipments",
        "events",
        "setup_s",
        "run_s",
        "cpu_s",
        "us/ship",
        "ns/event"
    );
    for r in rows {
        let m = &r.run;
        let _ = writeln!(
            t,
            "{:>6} {:>6} {:>6} {:>9} {:>5} {:>10} {:>11} {:>8.3} {:>8.3} {:>8.3} {:>8.3} {:>8.1}",
            r.ports,
            r.routes,
            r.flows,
            r.volume_per_day,
            r.horizon,
            m.count,
            m.events,
            r.setup_seconds,
            m.seconds,
            m.cpu_seconds,
            m.seconds * 1e6 / m.count.max(1) as f64,
            m.seconds * 1e9 / m.events.max(1) as f64
        );
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mmc_scenario_is_valid() {
        let s = mmc_scenario(MMC_LAMBDA, MMC_MU, MMC_SERVERS, 50.0, 1);
        assert_eq!(s.nodes[0].servers, 10);
        let m = engine_mmc_with(MMC_LAMBDA, MMC_MU, MMC_SERVERS, 50.0, 1);
        assert!(m.count > 3000 && m.count < 6000, "{m:?}");
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

    #[test]
    fn scaling_runs_every_network_once_a_round() {
        let point = |ports, volume_per_day| Synthetic {
            ports,
            routes: 2 * ports,
            volume_per_day,
            horizon: 5.0,
            seed: 1,
        };
        let points = [point(10, 100.0), point(20, 200.0)];
        let mut order = Vec::new();
        let rows = scaling_rows(&points, 2, |round, s| order.push((round, s.ports))).expect("runs");
        assert_eq!(order, [(0, 10), (0, 20), (1, 10), (1, 20)]);
        for (row, s) in rows.iter().zip(&points) {
            let alone = scaling_point(s, 1).expect("runs");
            assert_eq!((row.ports, row.flows), (s.ports, alone.flows));
            assert_eq!(
                (row.run.count, row.run.events),
                (alone.run.count, alone.run.events)
            );
            assert!(row.run.count > 0 && row.run.cpu_seconds >= 0.0);
        }
    }

    #[test]
    fn mmc_text_reads_back_as_the_same_queue() {
        let value = mmc_scenario(MMC_LAMBDA, MMC_MU, MMC_SERVERS, 50.0, 7);
        let text = mmc_text(MMC_LAMBDA, MMC_MU, MMC_SERVERS, 50.0, 7);
        let parsed = Scenario::parse(&text, "bench-mmc.toml", Format::Toml).expect("valid");
        assert_eq!(format!("{:?}", value.nodes), format!("{:?}", parsed.nodes));
        assert_eq!(format!("{:?}", value.flows), format!("{:?}", parsed.flows));
        assert_eq!(
            (value.horizon, value.warmup, value.seed, value.replications),
            (
                parsed.horizon,
                parsed.warmup,
                parsed.seed,
                parsed.replications
            )
        );
        assert_eq!(value.default_strategies, parsed.default_strategies);
        let run = |s: &Scenario| {
            let mut sim = Simulation::new(s, 0, 0, s.seed, RunOptions::default());
            sim.run_until(s.horizon).expect("accounting holds");
            sim.finish().values
        };
        let (a, b) = (run(&value), run(&parsed));
        assert_eq!(
            a.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
            b.iter().map(|x| x.to_bits()).collect::<Vec<_>>()
        );
    }

    #[test]
    fn small_scenario_is_valid() {
        Scenario::parse(&small_scenario(), "bench-small.toml", Format::Toml).expect("valid");
    }
}
