//! Guards against lost or silently wrong results (issue 18): an output folder locked
//! against a second writer; merge that checks every shard's rows against its shard file
//! and writes nothing until all pass; input read only from regular files up to a limit;
//! a memory budget checked before and during a run; input caps and precise messages.

use crate::common::*;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn p(path: &Path) -> &str {
    path.to_str().expect("UTF-8 temp path")
}

/// Runs the binary expecting exit 2 and no panic; returns stderr.
#[track_caller]
fn exit_2(args: &[&str]) -> String {
    let o = run_bin(args);
    let (stdout, stderr) = texts(&o);
    assert!(!stderr.contains("panicked"), "{args:?} panicked: {stderr}");
    assert_eq!(
        o.status.code(),
        Some(2),
        "{args:?} should exit 2:\n{stdout}\n{stderr}"
    );
    stderr
}

#[track_caller]
fn exit_0(args: &[&str]) -> String {
    let o = run_bin(args);
    let (stdout, stderr) = texts(&o);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{args:?} should succeed:\n{stdout}\n{stderr}"
    );
    stdout
}

/// One port, one flow; `extra` goes into [scenario], `disruptions` at the end.
pub fn port_scenario(
    horizon: f64,
    rate: f64,
    servers: u32,
    extra: &str,
    disruptions: &str,
) -> String {
    format!(
        r#"
[scenario]
name = "port"
horizon = {horizon}
warmup = 5
seed = 1
replications = 4
{extra}

[[countries]]
code = "JP"

[[nodes]]
id = "P"
kind = "seaport"
country = "JP"
lat = 35.0
lon = 139.0
servers = {servers}
service = {{ dist = "exponential", mean = 0.1 }}

[[flows]]
id = "P-P"
origin = "P"
destination = "P"
rate_per_day = {rate}
{disruptions}
"#
    )
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write a test file");
    path
}

// ---- 2. the output folder's lock ----------------------------------------------------

/// A second run into a folder a run is writing exits 2 at once, naming the holder's pid,
/// and leaves the first run's work alone; once the first is gone the folder is free.
#[test]
fn a_second_run_into_a_locked_folder_exits_2_naming_the_holder() {
    let dir = tempfile::tempdir().expect("temp dir");
    // Long enough to be still running while the second starts (it is killed).
    let scenario = write(
        dir.path(),
        "slow.toml",
        &port_scenario(2000.0, 50.0, 8, "", ""),
    );
    let out = dir.path().join("out");
    let mut first = bin()
        .args([
            "run",
            p(&scenario),
            "--replications",
            "100000",
            "--quiet",
            "--out",
            p(&out),
        ])
        .spawn()
        .expect("start the first run");
    let lock = out.join(".tradesim.lock");
    let t0 = Instant::now();
    while !std::fs::read_to_string(&lock).is_ok_and(|t| t.starts_with("pid ")) {
        assert!(
            t0.elapsed() < Duration::from_secs(30),
            "the first run took no lock"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let started = Instant::now();
    let stderr = exit_2(&[
        "run",
        p(&scenario),
        "--seed",
        "2",
        "--quiet",
        "--out",
        p(&out),
    ]);
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "the second run waited"
    );
    assert!(
        stderr.contains(&format!(
            "in use by another tradesim (pid {} (run))",
            first.id()
        )),
        "{stderr}"
    );
    assert!(stderr.contains("another --out"), "{stderr}");
    // A merge into it is refused too (its shards are checked first: make some).
    let shards = dir.path().join("shards");
    exit_0(&[
        "run",
        p(&scenario),
        "--replications",
        "1",
        "--shard",
        "1/1",
        "--quiet",
        "--out",
        p(&shards),
    ]);
    let stderr = exit_2(&["merge", p(&shards), "--out", p(&out)]);
    assert!(stderr.contains(&format!("pid {}", first.id())), "{stderr}");
    first.kill().expect("kill the first run");
    first.wait().expect("reap it");
    // The lock went with the process.
    let tiny = write(
        dir.path(),
        "tiny.toml",
        &port_scenario(60.0, 8.0, 2, "", ""),
    );
    exit_0(&["run", p(&tiny), "--quiet", "--fresh", "--out", p(&out)]);
    assert!(out.join("summary.json").is_file());
}

// ---- 3. merge checks provenance -------------------------------------------------------

fn listing(d: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(d)
        .map(|entries| {
            entries
                .map(|e| {
                    let e = e.expect("entry");
                    (
                        e.file_name().to_string_lossy().into_owned(),
                        std::fs::read(e.path()).unwrap_or_default(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// Shard 2's rows swapped for another seed's, or shard 1's rows reversed: merge exits 2
/// naming the file and writes nothing (no --out folder is made); untouched, it merges.
#[test]
fn merge_refuses_rows_from_another_run_or_reordered() {
    let dir = tempfile::tempdir().expect("temp dir");
    let scenario = write(dir.path(), "s.toml", &port_scenario(60.0, 8.0, 2, "", ""));
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    for k in 1..=3 {
        let shard = format!("{k}/3");
        exit_0(&[
            "run",
            p(&scenario),
            "--seed",
            "2011",
            "--replications",
            "6",
            "--shard",
            &shard,
            "--quiet",
            "--out",
            p(&a),
        ]);
    }
    exit_0(&[
        "run",
        p(&scenario),
        "--seed",
        "3",
        "--replications",
        "6",
        "--shard",
        "2/3",
        "--quiet",
        "--out",
        p(&b),
    ]);
    let rows2 = a.join("shard-2-of-3.replications.csv");
    let own2 = std::fs::read(&rows2).expect("rows 2");
    let other = std::fs::read(b.join("shard-2-of-3.replications.csv")).expect("seed 3 rows");
    assert_ne!(own2, other);
    std::fs::write(&rows2, &other).expect("swap rows");
    let out = dir.path().join("merged");
    let stderr = exit_2(&["merge", p(&a), "--out", p(&out)]);
    assert!(stderr.contains("shard-2-of-3.replications.csv"), "{stderr}");
    assert!(
        stderr.contains("not the rows written with shard-2-of-3.json"),
        "{stderr}"
    );
    assert!(!out.exists(), "a failed merge made its --out folder");

    // Rows reversed within shard 1 (same bytes, another order).
    std::fs::write(&rows2, &own2).expect("restore rows");
    let rows1 = a.join("shard-1-of-3.replications.csv");
    let own1 = String::from_utf8(std::fs::read(&rows1).expect("rows 1")).expect("UTF-8");
    let mut lines: Vec<&str> = own1.lines().collect();
    lines[1..].reverse();
    let reversed = lines.join("\n") + "\n";
    assert_ne!(reversed, own1);
    std::fs::write(&rows1, &reversed).expect("reverse rows");
    let existing = dir.path().join("existing");
    std::fs::create_dir(&existing).expect("mkdir");
    std::fs::write(existing.join("summary.json"), "{}").expect("earlier results");
    let before = listing(&existing);
    let stderr = exit_2(&["merge", p(&a), "--out", p(&existing)]);
    assert!(stderr.contains("shard-1-of-3.replications.csv"), "{stderr}");
    assert_eq!(
        listing(&existing),
        before,
        "a failed merge changed its --out"
    );

    std::fs::write(&rows1, &own1).expect("restore rows");
    let stdout = exit_0(&["merge", p(&a), "--out", p(&out)]);
    assert!(stdout.contains("merged 3 shards"), "{stdout}");
}

/// A shard file of another seed than its siblings is refused, naming the seeds (the
/// identity in the shard file: version, scenario hash, seed, replications, shard k/n).
#[test]
fn merge_names_what_differs_between_shard_files() {
    let dir = tempfile::tempdir().expect("temp dir");
    let scenario = write(dir.path(), "s.toml", &port_scenario(60.0, 8.0, 2, "", ""));
    let a = dir.path().join("a");
    for (k, seed) in [(1, "2011"), (2, "3")] {
        let shard = format!("{k}/2");
        exit_0(&[
            "run",
            p(&scenario),
            "--seed",
            seed,
            "--replications",
            "4",
            "--shard",
            &shard,
            "--quiet",
            "--out",
            p(&a),
        ]);
    }
    let shard: serde_json::Value =
        serde_json::from_slice(&std::fs::read(a.join("shard-2-of-2.json")).expect("shard"))
            .expect("JSON");
    for key in ["tradesim_version", "scenario_hash", "seed", "replications"] {
        assert!(
            !shard["fingerprint"][key].is_null(),
            "no {key} in a shard file"
        );
    }
    assert_eq!(shard["shard"]["index"], 2);
    assert!(
        shard["rows"]["fnv1a"].is_string(),
        "no rows checksum in a shard file"
    );
    let stderr = exit_2(&["merge", p(&a), "--out", p(&dir.path().join("m"))]);
    assert!(stderr.contains("seed: 2011 vs 3"), "{stderr}");
}

// ---- 4. input size and kind -----------------------------------------------------------

/// `validate /dev/zero`, a FIFO without a writer, a folder and a file over 64 MiB: exit 2
/// at once with the reason; `--max-input-size` lets a larger file be read.
#[test]
fn only_regular_files_up_to_the_limit_are_read() {
    let started = Instant::now();
    let stderr = exit_2(&["validate", "/dev/zero"]);
    assert!(
        stderr.contains("not a regular file (it is a character device)"),
        "{stderr}"
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let fifo = dir.path().join("pipe.toml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let stderr = exit_2(&["validate", p(&fifo)]);
    assert!(stderr.contains("a FIFO"), "{stderr}");
    let stderr = exit_2(&[
        "run",
        p(&fifo),
        "--quiet",
        "--out",
        p(&dir.path().join("o")),
    ]);
    assert!(stderr.contains("a FIFO"), "{stderr}");
    let stderr = exit_2(&["validate", p(dir.path())]);
    assert!(stderr.contains("it is a folder"), "{stderr}");
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "a read blocked"
    );

    let big = dir.path().join("big.toml");
    let f = std::fs::File::create(&big).expect("create");
    f.set_len(65 << 20).expect("sparse 65 MiB");
    let stderr = exit_2(&["validate", p(&big)]);
    assert!(stderr.contains("over the limit of 64 MiB"), "{stderr}");
    assert!(stderr.contains("--max-input-size"), "{stderr}");
    let stderr = exit_2(&["validate", p(&big), "--max-input-size", "66MiB"]);
    assert!(!stderr.contains("over the limit"), "{stderr}");
    let stderr = exit_2(&["validate", p(&big), "--max-input-size", "lots"]);
    assert!(stderr.contains("not a size"), "{stderr}");
}

// ---- 1. the memory budget -------------------------------------------------------------

/// The issue's scenario: M/M/1000 at 999 a day over 100,000 days, its port closed for
/// 99,700 days (about 10⁸ shipments waiting, some 20 GB a simulation). `validate` warns,
/// naming the closure; `run` refuses at once with exit 2, naming the node and what to
/// change, and writes nothing. Before the budget, it was killed by the kernel at 24 GB.
#[test]
fn a_run_that_would_need_many_gigabytes_fails_fast() {
    let dir = tempfile::tempdir().expect("temp dir");
    let closure = r#"
[[disruptions]]
kind = "closure"
id = "long-closure"
at = 200
nodes = ["P"]
duration = "99700d"
"#;
    let scenario = write(
        dir.path(),
        "huge.toml",
        &port_scenario(100_000.0, 999.0, 1000, "", closure),
    );
    let stdout = exit_0(&["validate", p(&scenario), "--memory-budget", "8GiB"]);
    assert!(
        stdout.contains("warning: over the memory budget"),
        "{stdout}"
    );
    assert!(stdout.contains("disruption `long-closure`"), "{stdout}");
    let out = dir.path().join("out");
    let started = Instant::now();
    let stderr = exit_2(&[
        "run",
        p(&scenario),
        "--replications",
        "2",
        "--threads",
        "2",
        "--memory-budget",
        "8GiB",
        "--quiet",
        "--out",
        p(&out),
    ]);
    assert!(started.elapsed() < Duration::from_secs(10), "not fast");
    assert!(
        stderr.contains("node `P` closed for 99700 days"),
        "{stderr}"
    );
    assert!(stderr.contains("--memory-budget"), "{stderr}");
    assert!(stderr.contains("Nothing was run"), "{stderr}");
    assert!(!out.exists(), "a refused run made its output folder");
    // The scenario key does the same; a budget large enough lets validate pass quietly.
    let keyed = write(
        dir.path(),
        "keyed.toml",
        &port_scenario(100_000.0, 999.0, 1000, "memory_budget = \"8GiB\"", closure),
    );
    let stderr = exit_2(&[
        "run",
        p(&keyed),
        "--threads",
        "1",
        "--quiet",
        "--out",
        p(&out),
    ]);
    assert!(
        stderr.contains("memory budget of 8 GiB over 1 thread"),
        "{stderr}"
    );
    let stdout = exit_0(&["validate", p(&keyed), "--memory-budget", "1TiB"]);
    assert!(!stdout.contains("warning"), "{stdout}");
    let bad = write(
        dir.path(),
        "bad.toml",
        &port_scenario(60.0, 8.0, 2, "memory_budget = \"lots\"", ""),
    );
    let stderr = exit_2(&["validate", p(&bad)]);
    assert!(stderr.contains("scenario.memory_budget"), "{stderr}");
}

/// A queue the estimate before the run does not foresee (an alert that slows handling
/// 20-fold, so the port falls behind): the run stops during the replication, exit 2,
/// naming the berths of the port that grew, and leaves no results or partial rows.
#[test]
fn a_run_that_outgrows_the_budget_stops_during_the_run() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = port_scenario(
        3000.0,
        80.0,
        10,
        "",
        r#"
[[disruptions]]
kind = "alert"
id = "slow"
at = 50
country = "JP"
level = 3
duration = "2500d"
"#,
    )
    .replace(
        "code = \"JP\"",
        "code = \"JP\"\nalert_levels = [{ level = 3, inspection_rate = 1, inspection_time = 1, handling_slowdown = 20 }]",
    );
    let scenario = write(dir.path(), "slow.toml", &text);
    exit_0(&["validate", p(&scenario), "--memory-budget", "64MiB"]);
    let out = dir.path().join("out");
    let started = Instant::now();
    let stderr = exit_2(&[
        "run",
        p(&scenario),
        "--replications",
        "2",
        "--threads",
        "2",
        "--memory-budget",
        "64MiB",
        "--quiet",
        "--out",
        p(&out),
    ]);
    assert!(started.elapsed() < Duration::from_secs(30), "not fast");
    assert!(stderr.contains("memory budget reached"), "{stderr}");
    assert!(
        stderr.contains("the longest queue: berths of node `P`"),
        "{stderr}"
    );
    assert!(stderr.contains("allows 83886 shipments"), "{stderr}");
    let left: Vec<String> = std::fs::read_dir(&out)
        .expect("out")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n != ".tradesim.lock")
        .collect();
    assert!(left.is_empty(), "a stopped run left {left:?}");
    // With a budget that holds it, the same run completes.
    exit_0(&[
        "run",
        p(&scenario),
        "--replications",
        "1",
        "--quiet",
        "--out",
        p(&out),
    ]);
}

// ---- 5. input that was accepted but should not be -------------------------------------

/// Replications beyond 10⁷ (in the file or on the command line), a strategy named twice,
/// and messages that neither echo 309 digits, misread an exponent as a unit, point at a
/// table instead of its key, nor blame a key for text after a JSON document.
#[test]
fn inputs_that_were_accepted_or_misreported() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ok = port_scenario(60.0, 8.0, 2, "", "");
    let huge = write(
        dir.path(),
        "reps.toml",
        &ok.replace("replications = 4", "replications = 1000000000000"),
    );
    let stderr = exit_2(&["validate", p(&huge)]);
    assert!(
        stderr.contains("scenario.replications: replications must be at most 10000000"),
        "{stderr}"
    );
    let good = write(dir.path(), "ok.toml", &ok);
    let out = dir.path().join("o");
    let stderr = exit_2(&[
        "run",
        p(&good),
        "--replications",
        "1000000000000",
        "--out",
        p(&out),
    ]);
    assert!(stderr.contains("1..=10000000"), "{stderr}");
    let stderr = exit_2(&[
        "run",
        p(&good),
        "--strategies",
        "baseline,baseline",
        "--out",
        p(&out),
    ]);
    assert!(stderr.contains("`baseline` is given twice"), "{stderr}");
    assert!(!out.exists(), "a refused run made its output folder");

    let h = write(
        dir.path(),
        "h.toml",
        &ok.replace("horizon = 60", "horizon = 1e308"),
    );
    let stderr = exit_2(&["validate", p(&h)]);
    assert!(stderr.contains("found 1e308"), "{stderr}");
    assert!(!stderr.contains("0000000000000000000000"), "{stderr}");

    let quake = |closed_for: &str| {
        format!(
            r#"
[[disruptions]]
kind = "earthquake"
id = "q"
at = 40
epicenter = {{ lat = 35.0, lon = 139.0 }}
magnitude = 7
damage = [
  {{ node = "P", capacity_loss = 0.5, closed_for = "{closed_for}", recovery = {{ curve = "linear", duration = "10d" }} }},
]
"#
        )
    };
    // An exponent is part of the number: 1e308 days is a closure to the horizon.
    let cf = write(
        dir.path(),
        "cf.toml",
        &port_scenario(60.0, 8.0, 2, "", &quake("1e308d")),
    );
    exit_0(&["validate", p(&cf)]);
    exit_0(&[
        "run",
        p(&cf),
        "--replications",
        "1",
        "--quiet",
        "--out",
        p(&dir.path().join("cf")),
    ]);
    let cf = write(
        dir.path(),
        "cfw.toml",
        &port_scenario(60.0, 8.0, 2, "", &quake("1e308w")),
    );
    let stderr = exit_2(&["validate", p(&cf)]);
    assert!(
        stderr.contains("disruptions[0].damage[0].closed_for: `1e308w` is not a finite duration"),
        "{stderr}"
    );
    // A bad unit points at the key, not at the [[disruptions]] table.
    let cf = write(
        dir.path(),
        "cfx.toml",
        &port_scenario(60.0, 8.0, 2, "", &quake("3x")),
    );
    let stderr = exit_2(&["validate", p(&cf)]);
    assert!(
        stderr.contains("disruptions[0].damage[0].closed_for: unknown time unit `x`"),
        "{stderr}"
    );

    let json = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/tandem.json"),
    )
    .expect("a JSON scenario");
    let trailing = write(dir.path(), "t.json", &format!("{} xyz\n", json.trim_end()));
    let stderr = exit_2(&["validate", p(&trailing)]);
    assert!(
        stderr.contains("text after the end of the JSON document"),
        "{stderr}"
    );
    assert!(!stderr.contains("rate_per_day"), "{stderr}");
}
