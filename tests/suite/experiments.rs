//! Monte Carlo experiments (issue 4): branching at the first onset gives exactly the
//! results of running every strategy from the start; results do not depend on the thread
//! count; shards merge into exactly the one-machine result, and merging refuses missing,
//! duplicate, mismatched or corrupt shards; a run killed with SIGKILL resumes from its
//! checkpoint into byte-identical files; `--target-ci` stops at a multiple of the step;
//! paired differences with baseline; bad experiment flags exit 2.

use crate::common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};
use tradesim::disruption::realise;
use tradesim::engine::RunOptions;
use tradesim::experiment::tally::Tally;
use tradesim::experiment::{self, Aggregate, Plan, RunnerState, Shard, TARGET_CI_STEP, store};
use tradesim::scenario::{Format, HalfWidth, Scenario, TargetCi};

const FILES: [&str; 3] = ["summary.json", "replications.csv", "timeseries.csv"];

/// Port `P` (country XX, customs, 8 berths at ρ ≈ 0.8) fed from `O` (YY) and by local
/// demand, with trusted traders of both countries under an MRA, and four disruptions that
/// each happen with some probability at a random onset: a closure of `P`, an earthquake
/// at `P`, a level-3 alert in XX and a revocation of YY's programme (which may come
/// first). Strategies: the presets, `always` (joint knobs at all times, so it differs
/// from the others before any onset) and `slow-notice` (another `when = "disrupted"`).
fn port_scenario(name: &str, horizon: f64) -> String {
    format!(
        r#"
[scenario]
name = "{name}"
horizon = {horizon}
warmup = 30
seed = 17
replications = 6

[[countries]]
code = "XX"
alert_levels = [{{ level = 3, inspection_rate = 3.0, inspection_time = 1.5, handling_slowdown = 1.1 }}]

[[countries]]
code = "YY"

[[programmes]]
id = "xx-aeo"
country = "XX"

[[programmes]]
id = "yy-aeo"
country = "YY"

[[arrangements]]
id = "mra"
programmes = ["xx-aeo", "yy-aeo"]
revocation_notice = "20d"

[[nodes]]
id = "O"
kind = "seaport"
country = "YY"
lat = 0
lon = 0
servers = 20
service = {{ dist = "exponential", mean = 0.05 }}

[[nodes]]
id = "P"
kind = "seaport"
country = "XX"
lat = 10
lon = 10
servers = 8
service = {{ dist = "exponential", mean = 0.13 }}
customs = {{ inspectors = 6, inspection = {{ dist = "exponential", mean = 0.5 }}, clearance = {{ dist = "uniform", min = 0.1, max = 0.5 }}, inspection_rate = {{ trusted = 0.05, ordinary = 0.2 }} }}

[[routes]]
from = "O"
to = "P"
mode = "sea"
transit = {{ dist = "triangular", min = 2, mode = 3, max = 5 }}

[[flows]]
id = "imports"
origin = "O"
destination = "P"
rate_per_day = 35
traders = [{{ share = 0.3, programmes = ["yy-aeo"] }}, {{ share = 0.2, programmes = ["xx-aeo"] }}]

[[flows]]
id = "local"
origin = "P"
destination = "P"
rate_per_day = 14
traders = [{{ share = 0.4, programmes = ["xx-aeo"] }}]

[[disruptions]]
kind = "closure"
id = "shut"
at = {{ dist = "uniform", min = 70, max = 130 }}
probability = 0.6
nodes = ["P"]
duration = "6d"

[[disruptions]]
kind = "earthquake"
id = "quake"
at = {{ dist = "uniform", min = 70, max = 150 }}
probability = 0.6
epicenter = {{ lat = 10, lon = 10 }}
magnitude = 7.5
[[disruptions.damage]]
node = "P"
capacity_loss = 0.5
recovery = {{ curve = "linear", duration = "20d" }}

[[disruptions]]
kind = "alert"
id = "alarm"
at = {{ dist = "uniform", min = 70, max = 150 }}
probability = 0.5
country = "XX"
level = 3
duration = "15d"

[[disruptions]]
kind = "revocation"
id = "revoke"
at = {{ dist = "uniform", min = 60, max = 150 }}
probability = 0.5
programme = "yy-aeo"
share = 0.4

[[strategies]]
name = "always"
priority = "trusted_first"
recognition = "mutual"
alert_relief = true
reroute = "on_closure"
notice = "prompt"
when = "always"

[[strategies]]
name = "slow-notice"
priority = "trusted_first"
recognition = "mutual"
alert_relief = true
notice = "arrangement"
"#
    )
}

fn parse(text: &str, file: &str) -> Scenario {
    parse_toml(text, file)
}

/// Writes `text` to `dir/<file>` and returns the path.
fn write(dir: &Path, file: &str, text: &str) -> PathBuf {
    let p = dir.join(file);
    std::fs::write(&p, text).expect("write scenario");
    p
}

fn p(path: &Path) -> &str {
    path.to_str().expect("UTF-8 temp path")
}

/// Runs the binary; asserts it did not panic.
#[track_caller]
fn tradesim(args: &[&str]) -> Output {
    let o = run_bin(args);
    let (_, stderr) = texts(&o);
    assert!(
        o.status.code() != Some(101) && !stderr.contains("panicked"),
        "{args:?} panicked: {stderr}"
    );
    o
}

/// Runs the binary and asserts success.
#[track_caller]
fn tradesim_ok(args: &[&str]) -> Output {
    let o = tradesim(args);
    assert_eq!(o.status.code(), Some(0), "{args:?}: {:?}", texts(&o));
    o
}

/// Runs the binary and asserts exit code 2; returns stderr.
#[track_caller]
fn tradesim_2(args: &[&str]) -> String {
    let o = tradesim(args);
    let (stdout, stderr) = texts(&o);
    assert_eq!(
        o.status.code(),
        Some(2),
        "{args:?} should exit 2:\n{stdout}\n{stderr}"
    );
    stderr
}

fn read(dir: &Path, name: &str) -> Vec<u8> {
    std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{}: {e}", dir.join(name).display()))
}

/// Asserts the three result files of `a` and `b` are byte-identical and not empty.
#[track_caller]
fn assert_same_files(a: &Path, b: &Path, what: &str) {
    for f in FILES {
        let (x, y) = (read(a, f), read(b, f));
        assert!(!x.is_empty(), "{what}: {f} is empty");
        if x != y {
            let (x, y) = (String::from_utf8_lossy(&x), String::from_utf8_lossy(&y));
            let line = x
                .lines()
                .zip(y.lines())
                .position(|(u, v)| u != v)
                .unwrap_or(x.lines().count().min(y.lines().count()));
            panic!(
                "{what}: {f} differs ({} vs {} bytes); first difference at line {}:\n{:?}\n{:?}",
                x.len(),
                y.len(),
                line + 1,
                x.lines().nth(line),
                y.lines().nth(line)
            );
        }
    }
}

fn summary(dir: &Path) -> Value {
    serde_json::from_slice(&read(dir, "summary.json")).expect("summary.json is JSON")
}

/// The scenario's strategies by name, as indices.
fn indices(s: &Scenario, names: &[&str]) -> Vec<usize> {
    names
        .iter()
        .map(|n| {
            s.strategy_index(n)
                .unwrap_or_else(|| panic!("no strategy {n}"))
        })
        .collect()
}

/// Branched and unbranched runs of every replication agree bit for bit, for every
/// strategy (values, daily series and event counts).
fn assert_branching_exact(s: &Scenario, strategies: &[usize], reps: u64, seed: u64, label: &str) {
    for r in 0..reps {
        let branched =
            experiment::run_replication_set(s, strategies, r, seed, RunOptions::default(), true)
                .unwrap_or_else(|e| panic!("{label} rep {r} (branched): {e}"));
        let plain =
            experiment::run_replication_set(s, strategies, r, seed, RunOptions::default(), false)
                .unwrap_or_else(|e| panic!("{label} rep {r} (from the start): {e}"));
        assert_eq!(branched.len(), strategies.len());
        for (k, x) in branched.iter().enumerate() {
            assert_eq!(
                x.strategy, strategies[k],
                "{label}: results not in plan order"
            );
            assert_eq!(x.replication, r);
        }
        assert_same_results(
            &branched,
            &plain,
            &format!("{label}: branched vs from the start"),
        );
    }
}

/// The first onset of replication `r`, and which disruption it is (None: none happened).
fn first(s: &Scenario, r: u64, seed: u64) -> Option<(usize, f64)> {
    realise(s, r, seed)
        .onsets
        .iter()
        .enumerate()
        .filter_map(|(i, t)| t.map(|t| (i, t)))
        .min_by(|a, b| a.1.total_cmp(&b.1))
}

#[test]
fn branching_at_the_onset_gives_the_results_of_running_from_the_start() {
    let s = parse(&port_scenario("port", 200.0), "port.toml");
    let names = ["baseline", "unilateral", "joint", "always", "slow-notice"];
    let strategies = indices(&s, &names);
    let (reps, seed) = (10, s.seed);
    // The replications cover the cases branching must get right: each kind of
    // disruption first (a revocation has no event of its own), several disruptions, none.
    let firsts: Vec<Option<(usize, f64)>> = (0..reps).map(|r| first(&s, r, seed)).collect();
    let happened = |r: u64| {
        realise(&s, r, seed)
            .onsets
            .iter()
            .filter(|t| t.is_some())
            .count()
    };
    eprintln!("first onsets: {firsts:?}");
    let revoke = s
        .disruptions
        .iter()
        .position(|d| d.id == "revoke")
        .expect("revoke");
    assert!(
        firsts.iter().any(|f| f.is_some_and(|(i, _)| i == revoke)),
        "no replication where the revocation comes first: pick another seed"
    );
    assert!(
        firsts.iter().any(|f| f.is_some_and(|(i, _)| i != revoke)),
        "no replication where another disruption comes first"
    );
    assert!((0..reps).any(|r| happened(r) >= 3), "never 3 disruptions");
    assert_branching_exact(&s, &strategies, reps, seed, "port");

    // The test can tell strategies apart: `always` differs from baseline before the first
    // onset (so it must not be branched from a shared prefix), and joint after it.
    let one =
        experiment::run_replication_set(&s, &strategies, 0, seed, RunOptions::default(), true)
            .expect("run");
    let onset = firsts[0].expect("replication 0 has a disruption").1 as usize;
    assert!(
        format!("{:?}", &one[0].daily[..onset]) != format!("{:?}", &one[3].daily[..onset]),
        "`always` and baseline agree before the onset: the test cannot catch a wrong branch"
    );
    assert_eq!(
        format!("{:?}", &one[0].daily[..onset]),
        format!("{:?}", &one[2].daily[..onset]),
        "baseline and joint differ before the first onset"
    );
    assert!(
        one[0].values != one[2].values,
        "baseline and joint agree after the onset"
    );
}

/// The shipped West Coast closure (all its strategies plus one with `when = "always"`),
/// shortened to 150 days: the closure starts on day 100.
#[test]
fn branching_is_exact_on_the_west_coast_closure() {
    let text = format!(
        "{}\n[[strategies]]\nname = \"always-joint\"\npriority = \"trusted_first\"\nrecognition = \"mutual\"\nalert_relief = true\nreroute = \"on_closure\"\nwhen = \"always\"\n",
        scenario_text("us-west-coast-closure.toml")
    );
    let text = edit_settings(&text, Format::Toml, &[("horizon", 150.0)]);
    let s = parse(&text, "us-west-coast-closure-150.toml");
    assert!(s.strategies.len() >= 5, "{:?}", s.strategies.len());
    let strategies: Vec<usize> = (0..s.strategies.len()).collect();
    assert_branching_exact(&s, &strategies, 2, s.seed, "us-west-coast-closure");
}

#[test]
fn library_results_do_not_depend_on_threads_and_shards_merge_exactly() {
    let s = parse(&port_scenario("port", 200.0), "port.toml");
    let plan = |threads| Plan {
        strategies: (0..s.strategies.len()).collect(),
        replications: 9,
        threads,
        ..Plan::from_scenario(&s)
    };
    let a = experiment::run(&s, &plan(1), &|_| {}).expect("1 thread");
    let b = experiment::run(&s, &plan(2), &|_| {}).expect("2 threads");
    assert_eq!(a.aggregate.replications, 9);
    assert!(
        a.aggregate == b.aggregate,
        "aggregates differ between 1 and 2 threads"
    );
    assert_eq!(
        format!("{:?}", a.summaries),
        format!("{:?}", b.summaries),
        "summaries differ between 1 and 2 threads"
    );
    // The censoring-aware figures (Kaplan–Meier, bootstrap intervals, paired differences,
    // the sensitivity grid) too: the bootstrap draws by replication number.
    assert!(
        !a.analysis.differences.is_empty() && !a.analysis.sensitivity.is_empty(),
        "the scenario's closure gives recovery differences"
    );
    assert_eq!(
        format!("{:?}", a.analysis),
        format!("{:?}", b.analysis),
        "recovery analysis differs between 1 and 2 threads"
    );
    // Unbranched: the same tallies.
    let c = experiment::run(
        &s,
        &Plan {
            branch: false,
            ..plan(2)
        },
        &|_| {},
    )
    .expect("unbranched");
    assert!(
        a.aggregate == c.aggregate,
        "branching changed the aggregate"
    );
    // Shards 1..3 of 9, merged in any order, are exactly the whole.
    let shard = |k| {
        experiment::run(
            &s,
            &Plan {
                shard: Some(Shard { index: k, count: 3 }),
                ..plan(2)
            },
            &|_| {},
        )
        .expect("shard")
        .aggregate
    };
    let (one, two, three) = (shard(1), shard(2), shard(3));
    assert_eq!(
        (one.replications, two.replications, three.replications),
        (3, 3, 3)
    );
    let mut merged = Aggregate::new(&s, &plan(1).strategies);
    for part in [&three, &one, &two] {
        assert!(merged.compatible(part));
        merged.merge(part);
    }
    assert_same_aggregate(&merged, &a.aggregate, "shards merged in the order 3, 1, 2");
    assert_eq!(
        format!("{:?}", experiment::summarise(&a.schema, &merged)),
        format!("{:?}", a.summaries),
        "summaries of the merged shards differ from the one-machine run"
    );
    assert_eq!(
        format!(
            "{:?}",
            experiment::inference::analyse(&s, &plan(1), &merged)
        ),
        format!("{:?}", a.analysis),
        "recovery analysis of the merged shards differs from the one-machine run"
    );
    // A run that stops at a precision target stops at the same replication whatever the
    // thread count, with the same figures.
    let targeted = |threads| {
        let plan = Plan {
            replications: 40,
            target_ci: Some(TargetCi {
                half_width: HalfWidth::Relative(0.5),
                measures: vec!["recovery.system.resilience_loss_days".into()],
                strategies: Vec::new(),
            }),
            ..plan(threads)
        };
        experiment::run(&s, &plan, &|_| {}).expect("targeted run")
    };
    let (t1, t2) = (targeted(1), targeted(2));
    assert_eq!(t1.aggregate.replications, t2.aggregate.replications);
    assert_eq!(format!("{:?}", t1.analysis), format!("{:?}", t2.analysis));
    assert!(t1.analysis.target.is_some(), "the target's status is kept");
}

/// Two tallies hold the same values: counts, histogram, and exact sums (compared by
/// value: an `ExactSum` may hold the same number with carries pending or not).
#[track_caller]
fn assert_same_tally(x: &Tally, y: &Tally, at: &str) {
    assert_eq!((x.n, x.undefined), (y.n, y.undefined), "{at}: counts");
    assert!(x.histogram == y.histogram, "{at}: histograms differ");
    assert_eq!(
        (x.sum.value().to_bits(), x.sum_sq.value().to_bits()),
        (y.sum.value().to_bits(), y.sum_sq.value().to_bits()),
        "{at}: sums differ: {} vs {}",
        x.sum.value(),
        y.sum.value()
    );
    assert!(
        x == y,
        "{at}: equal tallies compare unequal (PartialEq):\n{x:?}\n{y:?}"
    );
}

/// Two aggregates hold the same statistics, tally by tally.
#[track_caller]
fn assert_same_aggregate(a: &Aggregate, b: &Aggregate, what: &str) {
    assert_eq!(
        (a.replications, a.events, a.baseline),
        (b.replications, b.events, b.baseline),
        "{what}"
    );
    assert!(a.compatible(b), "{what}: not compatible");
    for (s, t) in a.strategies.iter().zip(&b.strategies) {
        for (i, (x, y)) in s.measures.iter().zip(&t.measures).enumerate() {
            assert_same_tally(
                x,
                y,
                &format!("{what}: strategy {} measure {i}", s.strategy),
            );
        }
        for (d, (p, q)) in s.daily.iter().zip(&t.daily).enumerate() {
            for (k, (x, y)) in p.iter().zip(q).enumerate() {
                assert_same_tally(
                    x,
                    y,
                    &format!("{what}: strategy {} day {d} series {k}", s.strategy),
                );
            }
        }
        for (i, (x, y)) in s.paired.iter().zip(&t.paired).enumerate() {
            assert_same_tally(x, y, &format!("{what}: strategy {} paired {i}", s.strategy));
        }
    }
}

#[test]
fn shards_merge_into_the_one_machine_result() {
    let dir = tempfile::tempdir().expect("temp dir");
    let scen = write(dir.path(), "port.toml", &port_scenario("port", 180.0));
    let (d1, d2, m, one) = (
        dir.path().join("d1"),
        dir.path().join("d2"),
        dir.path().join("merged"),
        dir.path().join("one"),
    );
    for (k, d) in [(1, &d1), (2, &d2), (3, &d1)] {
        tradesim_ok(&[
            "run",
            p(&scen),
            "--replications",
            "6",
            "--shard",
            &format!("{k}/3"),
            "--out",
            p(d),
            "--quiet",
        ]);
        assert!(
            d.join(format!("shard-{k}-of-3.json")).is_file(),
            "shard {k}/3 wrote no shard file"
        );
        assert!(
            !d.join("summary.json").exists(),
            "a shard run wrote summary.json"
        );
    }
    let o = tradesim_ok(&["merge", p(&d1), p(&d2), "--out", p(&m)]);
    assert!(texts(&o).0.contains("3 shards"), "{:?}", texts(&o));
    tradesim_ok(&[
        "run",
        p(&scen),
        "--replications",
        "6",
        "--out",
        p(&one),
        "--quiet",
    ]);
    assert_same_files(&one, &m, "merge of 3 shards vs one machine");
    assert_eq!(summary(&m)["replications"], 6);
    // The shards' rows: 6 replications × 6 strategies (4 presets + the file's 2).
    let rows = String::from_utf8(read(&m, "replications.csv")).expect("UTF-8");
    assert_eq!(rows.lines().count(), 1 + 6 * 6);
}

/// Runs `tradesim merge dirs --out out` expecting exit 2; checks that `out`'s contents
/// (a pre-existing summary.json) are untouched; returns stderr.
#[track_caller]
fn merge_fails(dirs: &[&Path], out: &Path) -> String {
    let listing = |d: &Path| {
        let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(d)
            .expect("merge --out folder")
            .map(|e| {
                let e = e.expect("entry");
                (
                    e.file_name().to_string_lossy().into_owned(),
                    std::fs::read(e.path()).unwrap_or_default(),
                )
            })
            .collect();
        v.sort();
        v
    };
    let before = listing(out);
    let mut args = vec!["merge"];
    args.extend(dirs.iter().map(|d| p(d)));
    args.extend(["--out", p(out)]);
    let stderr = tradesim_2(&args);
    assert!(
        listing(out) == before,
        "a failed merge changed {}",
        out.display()
    );
    stderr
}

#[test]
fn merge_refuses_missing_duplicate_mismatched_and_corrupt_shards() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = |n: &str| dir.path().join(n);
    let scen = write(dir.path(), "port.toml", &port_scenario("port", 150.0));
    let other = write(
        dir.path(),
        "other.toml",
        &port_scenario("other-port", 150.0),
    );
    let shard = |scenario: &Path, k: &str, out: &Path, extra: &[&str]| {
        let mut args = vec![
            "run",
            p(scenario),
            "--replications",
            "6",
            "--shard",
            k,
            "--out",
            p(out),
            "--quiet",
            "--strategies",
            "baseline,joint",
        ];
        args.extend_from_slice(extra);
        tradesim_ok(&args);
    };
    shard(&scen, "1/3", &d("d1"), &[]);
    shard(&scen, "3/3", &d("d1"), &[]);
    shard(&scen, "2/3", &d("d2"), &[]);
    shard(&scen, "2/3", &d("seed"), &["--seed", "77"]);
    shard(&other, "2/3", &d("other"), &[]);
    shard(&scen, "2/2", &d("count"), &[]);
    // A copy of shard 2/3 (a duplicate), and one with its JSON cut in half.
    for copy in ["dup", "corrupt", "norows"] {
        std::fs::create_dir_all(d(copy)).expect("mkdir");
        for f in ["shard-2-of-3.json", "shard-2-of-3.replications.csv"] {
            if copy == "norows" && f.ends_with(".csv") {
                continue;
            }
            std::fs::copy(d("d2").join(f), d(copy).join(f)).expect("copy shard");
        }
    }
    let json = read(&d("corrupt"), "shard-2-of-3.json");
    std::fs::write(
        d("corrupt").join("shard-2-of-3.json"),
        &json[..json.len() / 2],
    )
    .expect("truncate");

    let out = d("merged");
    std::fs::create_dir_all(&out).expect("mkdir");
    std::fs::write(out.join("summary.json"), b"{\"earlier\": \"results\"}\n").expect("write");

    let e = merge_fails(&[&d("d1")], &out);
    assert!(e.contains("2/3"), "missing shard 2/3 not named: {e}");
    assert!(
        !e.contains("1/3") && !e.contains("3/3,"),
        "names present shards as missing: {e}"
    );

    let e = merge_fails(&[&d("d1"), &d("d2"), &d("dup")], &out);
    assert!(
        e.contains("2/3") && e.contains(p(&d("d2"))) && e.contains(p(&d("dup"))),
        "duplicate shard 2/3 and its two places not named: {e}"
    );

    let e = merge_fails(&[&d("d1"), &d("seed")], &out);
    assert!(e.contains("seed"), "seed mismatch not named: {e}");
    assert!(e.contains("77"), "the other seed not named: {e}");

    let e = merge_fails(&[&d("d1"), &d("other")], &out);
    assert!(e.contains("scenario"), "scenario mismatch not named: {e}");
    assert!(
        e.contains("other-port"),
        "the other scenario not named: {e}"
    );

    let e = merge_fails(&[&d("d1"), &d("count")], &out);
    assert!(e.contains("2/2"), "shard count mismatch not named: {e}");

    let e = merge_fails(&[&d("d1"), &d("corrupt")], &out);
    assert!(
        e.contains(p(&d("corrupt").join("shard-2-of-3.json"))),
        "the corrupt file is not named: {e}"
    );

    let e = merge_fails(&[&d("d1"), &d("norows")], &out);
    assert!(
        e.contains("shard-2-of-3.replications.csv"),
        "the missing rows file is not named: {e}"
    );

    let e = merge_fails(&[&d("d1"), &d("no-such-folder")], &out);
    assert!(e.contains("no-such-folder"), "{e}");
    let e = merge_fails(&[&d("merged")], &out);
    assert!(e.contains("no shard files"), "{e}");

    // And the good set still merges over the earlier results.
    tradesim_ok(&["merge", p(&d("d1")), p(&d("d2")), "--out", p(&out)]);
    assert_eq!(summary(&out)["replications"], 6);
}

/// A shard's rows file cut short (a copy interrupted, a full disk): the merge must not
/// write a replications.csv with rows missing or half a row.
#[test]
fn merge_refuses_a_truncated_rows_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = |n: &str| dir.path().join(n);
    let scen = write(dir.path(), "port.toml", &port_scenario("port", 150.0));
    for k in ["1/2", "2/2"] {
        tradesim_ok(&[
            "run",
            p(&scen),
            "--replications",
            "4",
            "--shard",
            k,
            "--out",
            p(&d("shards")),
            "--quiet",
            "--strategies",
            "baseline,joint",
        ]);
    }
    let rows = d("shards").join("shard-2-of-2.replications.csv");
    let text = read(&d("shards"), "shard-2-of-2.replications.csv");
    let out = d("merged");
    std::fs::create_dir_all(&out).expect("mkdir");
    std::fs::write(out.join("summary.json"), b"{}\n").expect("write");
    // Cut in the middle of the last row, then at a row boundary (one row missing).
    let last_row = text[..text.len() - 1]
        .iter()
        .rposition(|&b| b == b'\n')
        .expect("rows")
        + 1;
    for cut in [text.len() - 5, last_row] {
        std::fs::write(&rows, &text[..cut]).expect("truncate");
        let e = merge_fails(&[&d("shards")], &out);
        assert!(
            e.contains("shard-2-of-2.replications.csv"),
            "the truncated rows file (cut at {cut} of {} bytes) is not named: {e}",
            text.len()
        );
    }
}

#[test]
fn bad_experiment_flags_exit_2() {
    let dir = tempfile::tempdir().expect("temp dir");
    let scen = write(dir.path(), "port.toml", &port_scenario("port", 150.0));
    let out = dir.path().join("out");
    let regular = write(dir.path(), "a-file", "not a folder");
    let under_file = regular.join("out");
    let cases: Vec<(Vec<&str>, Vec<&str>)> = vec![
        (vec!["--shard", "3/2"], vec!["3/2"]),
        (vec!["--shard", "0/2"], vec!["0/2"]),
        (vec!["--shard", "2"], vec!["--shard"]),
        (vec!["--shard", "1/0"], vec!["1/0"]),
        (
            vec!["--shard", "4/4", "--replications", "3"],
            vec!["4/4", "more shards"],
        ),
        (vec!["--replications", "0"], vec!["--replications"]),
        (vec!["--threads", "0"], vec!["--threads"]),
        (vec!["--target-ci", "0"], vec!["--target-ci"]),
        (vec!["--target-ci=-1"], vec!["--target-ci"]),
        (vec!["--checkpoint-every", "0"], vec!["--checkpoint-every"]),
        (
            vec!["--target-ci", "5", "--shard", "1/2"],
            vec!["--target-ci", "--shard"],
        ),
    ];
    for (flags, needles) in &cases {
        let mut args = vec!["run", p(&scen), "--out", p(&out), "--quiet"];
        args.extend(flags);
        let e = tradesim_2(&args);
        for n in needles {
            assert!(
                e.contains(n),
                "{flags:?}: the message does not name `{n}`: {e}"
            );
        }
        assert!(
            !out.exists(),
            "{flags:?}: the output folder was created for bad flags"
        );
    }
    for bad in [Path::new("/proc/tradesim-x"), under_file.as_path()] {
        let e = tradesim_2(&["run", p(&scen), "--out", p(bad), "--quiet"]);
        assert!(
            e.contains(p(bad)),
            "unwritable --out {}: not named: {e}",
            bad.display()
        );
    }
}

/// The command of the resume test.
fn resume_args<'a>(scen: &'a Path, n: &'a str, out: &'a Path) -> Vec<&'a str> {
    vec![
        "run",
        p(scen),
        "--replications",
        n,
        "--strategies",
        "baseline,joint",
        "--threads",
        "2",
        "--checkpoint-every",
        "0.2",
        "--out",
        p(out),
    ]
}

#[test]
fn a_run_killed_with_sigkill_resumes_to_identical_files() {
    use std::os::unix::process::ExitStatusExt;
    let dir = tempfile::tempdir().expect("temp dir");
    let scen = write(dir.path(), "port.toml", &port_scenario("port", 200.0));
    for n in [60u64, 240, 960] {
        let n_text = n.to_string();
        let killed = dir.path().join(format!("killed-{n}"));
        let checkpoint = killed.join(".checkpoint.json");
        let args = resume_args(&scen, &n_text, &killed);
        let mut child = bin()
            .args(&args)
            .arg("--quiet")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start tradesim");
        let started = Instant::now();
        while !checkpoint.exists() {
            if child.try_wait().expect("try_wait").is_some() {
                break;
            }
            if started.elapsed() > Duration::from_secs(120) {
                let _ = child.kill();
                let _ = child.wait();
                panic!("no checkpoint after 120 s");
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        // Let it write some rows past the checkpoint (they must be dropped on resume).
        std::thread::sleep(Duration::from_millis(150));
        let _ = child.kill(); // SIGKILL
        let status = child.wait().expect("wait");
        if status.signal() != Some(9) || !checkpoint.exists() {
            eprintln!("{n} replications finished before the kill ({status:?}); retrying longer");
            continue;
        }
        assert!(
            !killed.join("summary.json").exists(),
            "killed run wrote summary.json"
        );
        assert!(killed.join("replications.csv.partial").exists());
        let o = tradesim_ok(&args);
        let (_, stderr) = texts(&o);
        let done: u64 = stderr
            .split("resuming after ")
            .nth(1)
            .and_then(|t| t.split_whitespace().next())
            .and_then(|k| k.parse().ok())
            .unwrap_or_else(|| panic!("the restarted run did not resume: {stderr}"));
        assert!(
            done > 0 && done < n,
            "resumed after {done} of {n} replications"
        );
        eprintln!("killed and resumed after {done} of {n} replications");
        assert!(
            !stderr.contains("replications ["),
            "progress bar drawn on a captured stderr: {stderr}"
        );
        let one = dir.path().join(format!("one-{n}"));
        let mut plain = resume_args(&scen, &n_text, &one);
        plain.push("--quiet");
        tradesim_ok(&plain);
        assert_same_files(&one, &killed, "killed and resumed vs uninterrupted");
        for gone in [".checkpoint.json", "replications.csv.partial"] {
            assert!(
                !killed.join(gone).exists(),
                "{gone} left behind after the resumed run"
            );
            assert!(!one.join(gone).exists(), "{gone} left behind");
        }
        assert_eq!(summary(&killed)["replications"], n);
        return;
    }
    panic!("every run finished before it could be killed");
}

#[test]
fn a_stale_or_corrupt_checkpoint_needs_fresh() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = port_scenario("port", 150.0);
    let scen = write(dir.path(), "port.toml", &text);
    let s = parse(&text, p(&scen));
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).expect("mkdir");
    let ckpt = out.join(store::checkpoint_name(None));
    // A checkpoint of the same scenario with another seed.
    let plan = Plan {
        seed: 999,
        ..Plan::from_scenario(&s)
    };
    let c = store::Checkpoint {
        fingerprint: store::Fingerprint::of(&s, &plan),
        shard: None,
        state: RunnerState {
            next: 0,
            aggregate: Aggregate::new(&s, &plan.strategies),
            done: false,
        },
        rows_len: 0,
    };
    store::save_checkpoint(&ckpt, &c).expect("save checkpoint");
    let args = [
        "run",
        p(&scen),
        "--out",
        p(&out),
        "--quiet",
        "--replications",
        "2",
    ];
    let e = tradesim_2(&args);
    assert!(e.contains("--fresh"), "{e}");
    assert!(
        e.contains("seed") && e.contains("999"),
        "the difference is not named: {e}"
    );
    assert!(
        ckpt.exists(),
        "the stale checkpoint was removed without --fresh"
    );
    assert!(!out.join("summary.json").exists());
    // A corrupt checkpoint.
    std::fs::write(&ckpt, b"{\"fingerprint\": {").expect("write");
    let e = tradesim_2(&args);
    assert!(
        e.contains("--fresh") && e.contains(".checkpoint.json"),
        "{e}"
    );
    // --fresh starts over.
    let mut fresh = args.to_vec();
    fresh.push("--fresh");
    tradesim_ok(&fresh);
    assert!(!ckpt.exists(), "checkpoint left after a completed run");
    assert_eq!(summary(&out)["replications"], 2);
}

#[test]
fn target_ci_stops_early_at_a_step_and_runs_to_the_cap_when_tiny() {
    assert_eq!(TARGET_CI_STEP, 10);
    let dir = tempfile::tempdir().expect("temp dir");
    let scen = write(dir.path(), "port.toml", &port_scenario("port", 170.0));
    let cap = 3 * TARGET_CI_STEP;
    let go = |d: &str, threads: &str, name: &str| {
        let out = dir.path().join(name);
        tradesim_ok(&[
            "run",
            p(&scen),
            "--replications",
            &cap.to_string(),
            "--strategies",
            "baseline,joint",
            "--target-ci",
            d,
            "--threads",
            threads,
            "--out",
            p(&out),
            "--quiet",
        ]);
        let n = summary(&out)["replications"]
            .as_u64()
            .expect("replications");
        let rows = String::from_utf8(read(&out, "replications.csv")).expect("UTF-8");
        assert_eq!(
            rows.lines().count() as u64,
            1 + 2 * n,
            "rows for {n} replications"
        );
        (out, n)
    };
    let (a, n) = go("1000", "1", "generous-1");
    assert!(n < cap, "a generous --target-ci ran to the cap ({n})");
    assert!(
        n >= 2 && n % TARGET_CI_STEP == 0,
        "stopped after {n}, not a multiple of {TARGET_CI_STEP}"
    );
    let (b, n2) = go("1000", "2", "generous-2");
    assert_eq!(n, n2);
    assert_same_files(&a, &b, "--target-ci with 1 and 2 threads");
    // 1% of a difference: not met at this cap (nor ever where the difference is 0).
    let (c, n) = go("1%", "2", "tiny-2");
    assert_eq!(n, cap, "a tiny --target-ci stopped before the cap");
    // Reaching the cap gives the plain run's result (bar the fingerprint, not in outputs).
    let plain = dir.path().join("plain");
    tradesim_ok(&[
        "run",
        p(&scen),
        "--replications",
        &cap.to_string(),
        "--strategies",
        "baseline,joint",
        "--out",
        p(&plain),
        "--quiet",
    ]);
    // The same rows and series; summary.json differs only by its `target_ci` record, which
    // says the target was not met at the cap.
    for f in ["replications.csv", "timeseries.csv"] {
        assert_eq!(
            read(&plain, f),
            read(&c, f),
            "{f}: tiny --target-ci vs a plain run"
        );
    }
    let (mut a, mut b) = (summary(&plain), summary(&c));
    assert!(a["target_ci"].is_null());
    assert_eq!(b["target_ci"]["met"], false);
    assert_eq!(b["target_ci"]["stopped"], "cap reached");
    assert_eq!(b["target_ci"]["cap"], cap);
    a.as_object_mut().unwrap().remove("target_ci");
    b.as_object_mut().unwrap().remove("target_ci");
    assert_eq!(a, b, "summary.json beyond target_ci");
}

/// numpy's default (linear) quantile of sorted values.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * q;
    let lo = h.floor() as usize;
    let frac = h - lo as f64;
    if frac == 0.0 {
        sorted[lo]
    } else {
        sorted[lo] + frac * (sorted[lo + 1] - sorted[lo])
    }
}

#[test]
fn paired_differences_and_percentiles_agree_with_the_replications() {
    let dir = tempfile::tempdir().expect("temp dir");
    let scen = write(dir.path(), "port.toml", &port_scenario("port", 170.0));
    let out = dir.path().join("out");
    let reps = 12;
    let o = tradesim_ok(&[
        "run",
        p(&scen),
        "--replications",
        &reps.to_string(),
        "--strategies",
        "baseline,joint,always",
        "--out",
        p(&out),
    ]);
    // Captured stderr is not a terminal: the "running" line, but no progress bar.
    let (_, stderr) = texts(&o);
    assert!(stderr.contains("running"), "{stderr}");
    assert!(
        !stderr.contains("replications [") && !stderr.contains('\r'),
        "progress bar drawn on a captured stderr: {stderr:?}"
    );

    let sm = summary(&out);
    let st = &sm["strategies"];
    assert_eq!(
        st["baseline"]["vs_baseline"].as_object().map(|m| m.len()),
        Some(0),
        "baseline compared with itself"
    );
    // Per-replication values from replications.csv.
    let text = String::from_utf8(read(&out, "replications.csv")).expect("UTF-8");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let column = |strategy: &str, name: &str| -> Vec<f64> {
        let i = header
            .iter()
            .position(|h| *h == name)
            .unwrap_or_else(|| panic!("no column {name}"));
        rows.iter()
            .filter(|r| r[1] == strategy)
            .map(|r| r[i].parse::<f64>().unwrap_or(f64::NAN))
            .collect()
    };
    let recovery_names: Vec<&str> = header
        .iter()
        .copied()
        .filter(|h| h.starts_with("recovery."))
        // Censored times are compared as Kaplan–Meier medians (recovery_vs_baseline).
        .filter(|h| !h.contains(".ttr_") && !h.contains(".first_return_"))
        .collect();
    assert!(!recovery_names.is_empty());
    for s in ["joint", "always"] {
        let vs = st[s]["vs_baseline"]
            .as_object()
            .unwrap_or_else(|| panic!("no vs_baseline for {s}"));
        for m in tradesim::measure::SYSTEM_MEASURES
            .iter()
            .map(|m| format!("system.{m}"))
            .chain(recovery_names.iter().map(|m| m.to_string()))
        {
            assert!(vs.contains_key(&m), "{s}: vs_baseline lacks {m}");
        }
        for m in [
            "deliveries_per_day",
            "lead_time_mean_days",
            "mean_wip",
            "created",
        ] {
            let name = format!("system.{m}");
            let d = &vs[&name];
            assert_eq!(d["n"], reps, "{s}.vs_baseline.{name}.n");
            let diff = d["mean"].as_f64().expect("paired mean");
            let a = st[s]["measures"][m]["mean"].as_f64().expect("mean");
            let b = st["baseline"]["measures"][m]["mean"]
                .as_f64()
                .expect("mean");
            let scale = a.abs().max(b.abs()).max(1e-300);
            assert!(
                (diff - (a - b)).abs() <= 1e-9 * scale,
                "{s}: vs_baseline {name} mean {diff} ≠ {a} − {b} = {}",
                a - b
            );
            // And from the rows, pair by pair.
            let (x, y) = (column(s, &name), column("baseline", &name));
            let direct = x.iter().zip(&y).map(|(u, v)| u - v).sum::<f64>() / reps as f64;
            assert!(
                (diff - direct).abs() <= 1e-9 * scale,
                "{s}: vs_baseline {name} {diff}, from the rows {direct}"
            );
            // The paired sd is of the differences, not of either strategy.
            let pairs: Vec<f64> = x.iter().zip(&y).map(|(u, v)| u - v).collect();
            let var = pairs.iter().map(|v| (v - direct).powi(2)).sum::<f64>() / (reps - 1) as f64;
            let sd = d["sd"].as_f64().unwrap_or(0.0);
            assert!(
                (sd - var.sqrt()).abs() <= 1e-6 * scale.max(var.sqrt()),
                "{s}: vs_baseline {name} sd {sd}, from the rows {}",
                var.sqrt()
            );
        }
        // `always` acts before any onset: the difference is not trivially zero.
        let d = vs["system.lead_time_mean_days"]["mean"].as_f64().unwrap();
        assert!(d != 0.0, "{s}: no difference in lead time");
    }
    // Percentiles come from a log-bucket histogram: within ~0.4 % of the exact ones.
    for s in ["baseline", "joint"] {
        for m in ["lead_time_mean_days", "deliveries_per_day", "mean_wip"] {
            let mut v = column(s, &format!("system.{m}"));
            v.sort_by(f64::total_cmp);
            let stat = &st[s]["measures"][m];
            for (key, q) in [("p50", 0.5), ("p90", 0.9), ("p99", 0.99)] {
                let got = stat[key].as_f64().expect("percentile");
                let want = quantile(&v, q);
                assert!(
                    (got - want).abs() <= 0.004 * want.abs(),
                    "{s}.{m}.{key}: {got}, exact {want}"
                );
            }
            let mean = v.iter().sum::<f64>() / v.len() as f64;
            let got = stat["mean"].as_f64().expect("mean");
            assert!(
                (got - mean).abs() <= 1e-12 * mean.abs(),
                "{s}.{m}.mean {got} vs {mean}"
            );
        }
    }
}
