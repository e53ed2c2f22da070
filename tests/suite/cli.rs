//! The command line: `tradesim run` writes its three result files with the documented
//! shape, `validate` summarises every shipped scenario, `--help` works, bad strategy
//! names are refused.

use crate::common::*;
use serde_json::Value;
use std::path::Path;
use tradesim::measure::{DAILY_SERIES, NODE_MEASURES, SYSTEM_MEASURES};

const STAT_KEYS: [&str; 6] = ["mean", "sd", "ci95", "p50", "p90", "p99"];

/// Asserts `v` is a statistic object with every key (`ci95` a pair).
#[track_caller]
fn assert_stat(v: &Value, at: &str) {
    let o = v
        .as_object()
        .unwrap_or_else(|| panic!("{at}: not an object: {v}"));
    for k in STAT_KEYS {
        assert!(o.contains_key(k), "{at}: no `{k}` in {v}");
    }
    assert_eq!(o["ci95"].as_array().map(|a| a.len()), Some(2), "{at}.ci95");
    for k in ["mean", "sd", "p50", "p90", "p99"] {
        assert!(
            o[k].is_number() || o[k].is_null(),
            "{at}.{k} is neither a number nor null"
        );
    }
}

/// Asserts the folder holds no leftover temporary or probe files.
fn assert_no_temp_files(dir: &Path) {
    for e in std::fs::read_dir(dir).expect("output folder") {
        let name = e.expect("entry").file_name().to_string_lossy().into_owned();
        assert!(
            !(name.starts_with('.') && (name.contains(".tmp-") || name.contains("probe"))),
            "leftover temporary file {name} in {}",
            dir.display()
        );
    }
}

/// `tradesim run scenarios/us-japan.toml --replications 3 --strategies baseline,joint`.
#[test]
fn run_writes_summary_and_csvs() {
    let scenario_path = scenarios_dir().join("us-japan.toml");
    let s = parse_toml(&scenario_text("us-japan.toml"), "us-japan.toml");
    let dir = tempfile::tempdir().expect("temp dir");
    let out_dir = dir.path().join("nested").join("out");
    let out = run_bin([
        "run".as_ref(),
        scenario_path.as_os_str(),
        "--out".as_ref(),
        out_dir.as_os_str(),
        "--replications".as_ref(),
        "3".as_ref(),
        "--strategies".as_ref(),
        "baseline,joint".as_ref(),
        "--seed".as_ref(),
        "5".as_ref(),
        "--quiet".as_ref(),
    ]);
    let (stdout, stderr) = texts(&out);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("baseline") && stdout.contains("joint"),
        "{stdout}"
    );
    assert!(stdout.contains(&out_dir.display().to_string()), "{stdout}");

    // summary.json
    let summary: Value =
        serde_json::from_slice(&std::fs::read(out_dir.join("summary.json")).expect("summary.json"))
            .expect("summary.json is JSON");
    assert_eq!(summary["scenario"], "us-japan");
    assert_eq!(summary["seed"], 5);
    assert_eq!(summary["replications"], 3);
    assert_eq!(
        summary["strategy_order"],
        serde_json::json!(["baseline", "joint"])
    );
    let strategies = summary["strategies"].as_object().expect("strategies");
    assert_eq!(strategies.len(), 2);
    for (name, st) in strategies {
        for m in SYSTEM_MEASURES {
            assert_stat(
                &st["measures"][m],
                &format!("strategies.{name}.measures.{m}"),
            );
        }
        assert_eq!(st["measures"]["created"]["n"], 3);
        let d = st["measures"]["deliveries_per_day"]["mean"]
            .as_f64()
            .expect("deliveries_per_day mean");
        assert!(d > 100.0, "{name}: {d} deliveries a day");
        for n in &s.nodes {
            for m in NODE_MEASURES.iter().take(6) {
                assert_stat(
                    &st["nodes"][&n.id][m],
                    &format!("strategies.{name}.nodes.{}.{m}", n.id),
                );
            }
        }
    }
    let nodes = summary["nodes"].as_object().expect("top-level nodes");
    assert_eq!(nodes.len(), s.nodes.len());
    for n in &s.nodes {
        for m in [
            "throughput_per_day",
            "utilisation",
            "mean_wait_days",
            "mean_queue_len",
        ] {
            assert_stat(&nodes[&n.id][m], &format!("nodes.{}.{m}", n.id));
        }
        let u = nodes[&n.id]["utilisation"]["mean"]
            .as_f64()
            .expect("utilisation");
        assert!(u > 0.0 && u < 1.0, "node {}: utilisation {u}", n.id);
    }

    // replications.csv: a row per replication × strategy.
    let text = std::fs::read_to_string(out_dir.join("replications.csv")).expect("csv");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    assert_eq!(&header[..2], ["replication", "strategy"]);
    assert!(header.contains(&"nodes.JPTYO.mean_wait_days"), "{header:?}");
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 6, "3 replications × 2 strategies");
    for r in &rows {
        assert_eq!(r.len(), header.len(), "row {r:?}");
        assert!(r[0].parse::<u64>().is_ok_and(|x| x < 3), "row {r:?}");
        assert!(r[1] == "baseline" || r[1] == "joint", "row {r:?}");
    }

    // timeseries.csv: a row per day × strategy × series.
    let text = std::fs::read_to_string(out_dir.join("timeseries.csv")).expect("csv");
    let mut lines = text.lines();
    let header = lines.next().expect("header");
    assert!(
        header.starts_with("day,strategy,scope_kind,scope_id,series,"),
        "{header}"
    );
    let days = s.horizon.ceil() as usize;
    assert_eq!(lines.count(), days * 2 * DAILY_SERIES.len());

    assert_no_temp_files(&out_dir);
}

/// Without a scenario file the embedded default runs and writes under outputs/<name>/.
#[test]
fn run_without_arguments_uses_embedded_default() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = bin()
        .current_dir(dir.path())
        .args([
            "run",
            "--replications",
            "1",
            "--strategies",
            "baseline",
            "--quiet",
        ])
        .output()
        .expect("binary starts");
    assert_eq!(out.status.code(), Some(0), "{:?}", texts(&out));
    let folder = dir.path().join("outputs").join("us-japan-tohoku-2011");
    for f in ["summary.json", "replications.csv", "timeseries.csv"] {
        let len = std::fs::metadata(folder.join(f)).map_or(0, |m| m.len());
        assert!(len > 0, "{f} missing or empty in {}", folder.display());
    }
    assert_no_temp_files(&folder);
}

#[test]
fn help_works() {
    for args in [
        vec!["--help"],
        vec!["run", "--help"],
        vec!["validate", "--help"],
        vec!["help", "run"],
    ] {
        let out = run_bin(&args);
        let (stdout, stderr) = texts(&out);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(stdout.contains("Usage"), "{args:?}: {stdout}");
    }
    let (stdout, _) = texts(&run_bin(["run", "--help"]));
    for flag in [
        "--replications",
        "--seed",
        "--threads",
        "--out",
        "--strategies",
    ] {
        assert!(stdout.contains(flag), "run --help lacks {flag}");
    }
}

/// `tradesim completions SHELL` prints a script that knows the subcommands and the run
/// flags; an unknown shell is a usage error (exit 2).
#[test]
fn completions_know_the_subcommands_and_flags() {
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef tradesim"),
        ("fish", "complete -c tradesim"),
    ] {
        let out = run_bin(["completions", shell]);
        let (stdout, stderr) = texts(&out);
        assert_eq!(out.status.code(), Some(0), "{shell}: {stderr}");
        assert!(stdout.contains(marker), "{shell}: no {marker:?}");
        for word in ["validate", "merge", "--replications", "--ablation"] {
            assert!(stdout.contains(word), "{shell} completion lacks {word}");
        }
    }
    let out = run_bin(["completions", "cmd.exe"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(texts(&out).1.contains("possible values"));
}

/// `tradesim man` prints roff pages for tradesim and each subcommand; `--dir` writes them
/// as tradesim.1, tradesim-run.1, ... with the run page listing the run flags.
#[test]
fn man_pages_cover_every_subcommand() {
    let out = run_bin(["man"]);
    let (stdout, _) = texts(&out);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout.starts_with(".ie") || stdout.contains(".TH tradesim 1"));
    assert_eq!(
        stdout.matches(".TH ").count(),
        12,
        "tradesim and 11 subcommands"
    );
    let dir = tempfile::tempdir().unwrap();
    let out = run_bin(["man", "--dir", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", texts(&out).1);
    for page in [
        "tradesim.1",
        "tradesim-run.1",
        "tradesim-validate.1",
        "tradesim-compare.1",
        "tradesim-man.1",
    ] {
        assert!(dir.path().join(page).is_file(), "{page} missing");
    }
    let run = std::fs::read_to_string(dir.path().join("tradesim-run.1")).unwrap();
    assert!(run.contains(".TH tradesim\\-run 1") || run.contains("tradesim\\-run"));
    assert!(run.contains("replications"));
}

/// `tradesim validate scenarios/*.toml` (globbed now): exit 0 and each scenario's name.
#[test]
fn validate_shipped_scenarios() {
    let files: Vec<_> = scenario_files()
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    assert!(!files.is_empty());
    let out = run_bin(
        ["validate".as_ref()]
            .into_iter()
            .chain(files.iter().map(|p| p.as_os_str())),
    );
    let (stdout, stderr) = texts(&out);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    for p in &files {
        let s = parse_file_text(&std::fs::read_to_string(p).expect("file"), p);
        assert!(
            stdout.contains(&format!("scenario `{}`", s.name)),
            "validate does not name `{}` ({}): {stdout}",
            s.name,
            p.display()
        );
    }
}

#[test]
fn unknown_strategy_exits_2() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out_dir = dir.path().join("out");
    let scenario_path = scenarios_dir().join("mmc-check.toml");
    let out = run_bin([
        "run".as_ref(),
        scenario_path.as_os_str(),
        "--out".as_ref(),
        out_dir.as_os_str(),
        "--strategies".as_ref(),
        "baseline,nosuch".as_ref(),
    ]);
    let (stdout, stderr) = texts(&out);
    assert_eq!(out.status.code(), Some(2), "{stdout}\n{stderr}");
    assert!(stderr.contains("nosuch"), "{stderr}");
    assert!(
        stderr.contains("joint"),
        "the known strategies are listed: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!out_dir.exists(), "output folder created for a bad flag");
}

/// `validate` shows a random onset as its range and mean, a fixed one as its day.
#[test]
fn validate_shows_a_random_onset_as_its_range() {
    let random = scenarios_dir().join("random-quakes.toml");
    let o = run_bin(["validate", random.to_str().expect("path")]);
    let (out, err) = texts(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        out.contains("tokyo-bay-m7.3 (earthquake M7.3, day 100–160 at random, mean 130"),
        "{out}"
    );
    let fixed = scenarios_dir().join("mra-revocation.toml");
    let (out, _) = texts(&run_bin(["validate", fixed.to_str().expect("path")]));
    assert!(
        out.contains("jp-aeo-revocation (revocation of 20%, day 100)"),
        "{out}"
    );
}

#[test]
fn compare_puts_runs_side_by_side_with_each_runs_own_differences() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = scenarios_dir().join("us-alert-level3.toml");
    let outs: Vec<_> = ["a", "b"].iter().map(|n| dir.path().join(n)).collect();
    for (out, seed) in outs.iter().zip(["1", "2"]) {
        let o = run_bin([
            "run".as_ref(),
            scenario.as_os_str(),
            "--replications".as_ref(),
            "2".as_ref(),
            "--seed".as_ref(),
            seed.as_ref(),
            "--strategies".as_ref(),
            "baseline,joint".as_ref(),
            "--quiet".as_ref(),
            "--out".as_ref(),
            out.as_os_str(),
        ]);
        assert!(o.status.success(), "{}", texts(&o).1);
    }
    let cmp = dir.path().join("cmp");
    let o = run_bin([
        "compare".as_ref(),
        outs[0].as_os_str(),
        outs[1].as_os_str(),
        "--out".as_ref(),
        cmp.as_os_str(),
    ]);
    let (stdout, stderr) = texts(&o);
    assert!(o.status.success(), "{stderr}");
    // Two runs of one scenario: labelled by folder too.
    let label_a = format!("us-alert-level3 ({})", outs[0].display());
    assert!(stdout.contains(&label_a), "{stdout}");
    assert!(
        stdout.contains("differences from each run's baseline"),
        "{stdout}"
    );
    let csv = std::fs::read_to_string(cmp.join("compare.csv")).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("run,strategy,measure,statistic,value,ci95_low,ci95_high,n,censored_share,verdict")
    );
    let rows: Vec<&str> = lines.collect();
    // Per run: 2 strategies x 4 headline measures, and joint's 4 differences.
    assert_eq!(rows.len(), 2 * (2 * 4 + 4), "{csv}");
    let joint_ttr: Vec<&&str> = rows
        .iter()
        .filter(|r| r.contains(",joint,recovery.system.ttr_days,difference_from_baseline,"))
        .collect();
    assert_eq!(joint_ttr.len(), 2, "{csv}");
    assert!(
        joint_ttr
            .iter()
            .all(|r| r.ends_with("at n = 2") || r.ends_with(",resolved")),
        "{joint_ttr:?}"
    );
    // The report page: every run, every measure's plot, the runs' differences.
    let html = std::fs::read_to_string(cmp.join("report.html")).unwrap();
    assert!(html.contains(&label_a), "report.html does not name run a");
    assert!(
        html.contains(&format!("us-alert-level3 ({})", outs[1].display())),
        "report.html does not name run b"
    );
    assert!(html.contains("Runs are not paired across scenarios."));
    for id in [
        "compare_ttr",
        "compare_excess_delay",
        "compare_resilience_loss",
    ] {
        let svg = std::fs::read_to_string(cmp.join(format!("plots/{id}.svg")))
            .unwrap_or_else(|e| panic!("plots/{id}.svg: {e}"));
        assert!(svg.contains("joint"), "{id}.svg has no joint row");
        assert!(
            html.contains(&format!("href=\"plots/{id}.svg\"")),
            "report.html does not link {id}.svg"
        );
    }
    assert_eq!(
        html.matches("<tr><td>us-alert-level3 (").count(),
        2 * (1 + 2 + 1),
        "per run: a row in the runs table, one per strategy, and one for joint's differences"
    );
    assert!(stdout.contains("report.html"), "{stdout}");
    // A folder without a summary.json is exit 2, naming the file, and writes nothing.
    let cmp2 = dir.path().join("cmp2");
    let o = run_bin([
        "compare".as_ref(),
        outs[0].as_os_str(),
        dir.path().join("none").as_os_str(),
        "--out".as_ref(),
        cmp2.as_os_str(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(texts(&o).1.contains("none/summary.json"), "{}", texts(&o).1);
    assert!(!cmp2.join("report.html").exists());
    // So is a summary.json that is not one tradesim wrote.
    let bad = dir.path().join("bad");
    std::fs::create_dir_all(&bad).unwrap();
    std::fs::write(bad.join("summary.json"), "{\"scenario\": 3}").unwrap();
    let o = run_bin([
        "compare".as_ref(),
        bad.as_os_str(),
        "--out".as_ref(),
        cmp2.as_os_str(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        texts(&o)
            .1
            .contains("not a summary.json as tradesim writes it"),
        "{}",
        texts(&o).1
    );
    assert!(!cmp2.join("report.html").exists());
}
