//! Sweeps (issue 19): a scenario run at many points of its keys, with common random
//! numbers across points, and the sensitivity of a measure to each key.

use crate::common::{parse_toml, plan_for, run_bin, scenario_text, texts};
use tradesim::experiment;
use tradesim::sweep::design::{Design, Levels, Parameter, points};
use tradesim::sweep::run::{PointSettings, Row, point_scenario, rows, run};
use tradesim::sweep::sensitivity::tornado;

const FILE: &str = "us-west-coast-closure.toml";
const CLOSURE: &str = "disruptions.west-coast-lockout.duration";

fn settings(replications: u64) -> PointSettings {
    PointSettings {
        replications: Some(replications),
        seed: Some(2011),
        threads: 2,
        strategies: None,
    }
}

fn duration(values: &[i64]) -> Parameter {
    Parameter {
        key: CLOSURE.into(),
        levels: Levels::List(values.iter().map(|&v| toml::Value::Integer(v)).collect()),
        scale: false,
    }
}

fn value(rows: &[Row], strategy: &str, measure: &str, statistic: &str) -> f64 {
    rows.iter()
        .find(|r| r.strategy == strategy && r.measure == measure && r.statistic == statistic)
        .unwrap_or_else(|| panic!("no row {strategy} {measure} {statistic}"))
        .value
}

#[test]
fn a_point_that_changes_nothing_is_the_plain_run_bit_for_bit() {
    let text = scenario_text(FILE);
    // The shipped closure lasts "11d": 11 days again, written as a number.
    let ps = [duration(&[11])];
    let design = points(&ps, Design::Factorial).unwrap();
    let at_point = point_scenario(&text, FILE, &ps, &design.points[0], 0).unwrap();
    let plain = parse_toml(&text, FILE);
    let names: Vec<&str> = plain.strategies.iter().map(|s| s.name.as_str()).collect();
    let plan = plan_for(&plain, &names, 4, 2011, 2);
    let a = experiment::run(&plain, &plan, &|_| {}).unwrap();
    let b = experiment::run(&at_point, &plan, &|_| {}).unwrap();
    let (ra, rb) = (rows(&plain, &a), rows(&at_point, &b));
    assert!(ra.len() > 100, "{} rows", ra.len());
    // Bit for bit, NaNs included.
    let bits = |r: &[Row]| {
        r.iter()
            .map(|x| (x.value.to_bits(), x.ci95.map(f64::to_bits)))
            .collect::<Vec<_>>()
    };
    assert_eq!(bits(&ra), bits(&rb));
}

#[test]
fn a_longer_closure_takes_longer_to_recover_and_diversion_matters_more() {
    let text = scenario_text(FILE);
    let ps = [duration(&[5, 12, 24])];
    let design = points(&ps, Design::OneAtATime).unwrap();
    // Base = the middle level (12), then 5 and 24.
    assert_eq!(design.points.len(), 3);
    let mut per_point = vec![];
    let pick = |r: &Row| {
        r.strategy == "joint"
            && r.measure == "recovery.system.excess_delay_shipment_days"
            && r.statistic == "difference_from_baseline"
    };
    let y = run(
        &text,
        FILE,
        &ps,
        &design,
        settings(6),
        &pick,
        &mut |k, _, _, rows| {
            per_point.push((
                k,
                value(
                    rows,
                    "baseline",
                    "recovery.system.ttr_days",
                    "restricted_mean",
                ),
                value(
                    rows,
                    "joint",
                    "recovery.system.excess_delay_shipment_days",
                    "difference_from_baseline",
                ),
            ));
            Ok(())
        },
    )
    .unwrap();
    let (mid, short, long) = (per_point[0], per_point[1], per_point[2]);
    eprintln!("5 d: {short:?}\n12 d: {mid:?}\n24 d: {long:?}");
    // The baseline's time to recover grows with the closure it recovers from.
    assert!(
        short.1 < mid.1 && mid.1 < long.1,
        "{short:?} {mid:?} {long:?}"
    );
    // Joint business continuity saves more shipment-days the longer the closure.
    assert!(
        long.2 < mid.2 && mid.2 < short.2 && short.2 < 0.0,
        "{short:?} {mid:?} {long:?}"
    );
    // The tornado's bar for the one key spans the three levels.
    let (base, bars) = tornado(&design, 1, &y);
    assert_eq!(base.to_bits(), mid.2.to_bits());
    assert_eq!((bars[0].at_low, bars[0].at_high), (short.2, long.2));
}

#[test]
fn a_point_that_breaks_the_scenario_names_its_values() {
    let text = scenario_text(FILE);
    let ps = [duration(&[-3])];
    let design = points(&ps, Design::Factorial).unwrap();
    let e = point_scenario(&text, FILE, &ps, &design.points[0], 0).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("sweep point 0 ({CLOSURE} = -3) is not a valid scenario")
    );
    let ps = [Parameter {
        key: "disruptions.west-coast-lockot.duration".into(),
        ..duration(&[3])
    }];
    let e = point_scenario(&text, FILE, &ps, &design.points[0], 0).unwrap_err();
    assert!(
        e.to_string().contains("did you mean `west-coast-lockout`?"),
        "{e}"
    );
}

/// The West Coast closure with a `[sweep]` appended, written into `dir`.
fn sweep_file(dir: &std::path::Path, sweep: &str) -> std::path::PathBuf {
    let path = dir.join("wc-sweep.toml");
    std::fs::write(&path, format!("{}\n{sweep}", scenario_text(FILE))).unwrap();
    path
}

#[test]
fn run_on_a_sweep_writes_one_tidy_table_a_summary_per_point_and_a_tornado() {
    let dir = tempfile::tempdir().unwrap();
    let path = sweep_file(
        dir.path(),
        r#"[sweep]
design = "one_at_a_time"
measure = "recovery.system.excess_delay_shipment_days"

[[sweep.keys]]
key = "disruptions.west-coast-lockout.duration"
values = [5, 11, 20]

[[sweep.keys]]
key = "flows.*.traders.*.share"
range = [0.5, 1.4]
steps = 2
scale = true
"#,
    );
    let out = dir.path().join("out");
    let o = run_bin([
        "run".as_ref(),
        path.as_os_str(),
        "--replications".as_ref(),
        "2".as_ref(),
        "--quiet".as_ref(),
        "--out".as_ref(),
        out.as_os_str(),
    ]);
    let (stdout, stderr) = texts(&o);
    assert!(o.status.success(), "{stderr}");
    // Base (11 days, shares × 0.5: the lower of two levels is the middle), 5 d, 20 d, × 1.4.
    assert!(
        stdout.contains("sweep: 4 points (one_at_a_time)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("one at a time around the base point"),
        "{stdout}"
    );
    let table = std::fs::read_to_string(out.join("sweep.csv")).unwrap();
    let header = table.lines().next().unwrap();
    assert_eq!(
        header,
        "point,disruptions.west-coast-lockout.duration,flows.*.traders.*.share,strategy,measure,\
statistic,value,ci95_low,ci95_high,n,censored_share,verdict"
    );
    let rows: Vec<&str> = table.lines().skip(1).collect();
    let per_point = rows.len() / 4;
    assert_eq!(rows.len(), 4 * per_point);
    for (k, want) in [
        (0, "0,11,0.5,"),
        (1, "1,5,0.5,"),
        (2, "2,20,0.5,"),
        (3, "3,11,1.4,"),
    ] {
        assert!(
            rows[k * per_point].starts_with(want),
            "{}",
            rows[k * per_point]
        );
    }
    assert!(
        rows.iter()
            .any(|r| r.contains(",joint,recovery.system.ttr_days,difference_from_baseline,"))
    );
    for k in 0..4 {
        let s: serde_json::Value = serde_json::from_slice(
            &std::fs::read(out.join(format!("points/{k}/summary.json"))).unwrap(),
        )
        .unwrap();
        assert_eq!(s["replications"], 2, "point {k}");
    }
    let sweep: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("sweep.json")).unwrap()).unwrap();
    assert_eq!(sweep["design"], "one_at_a_time");
    assert_eq!(sweep["points"].as_array().unwrap().len(), 4);
    let bars = sweep["sensitivity"]["bars"].as_array().unwrap();
    assert_eq!(
        bars[0]["key"], "disruptions.west-coast-lockout.duration",
        "{bars:?}"
    );
    assert!(!out.join("sweep.csv.partial").exists());
    // The report page: what was swept, every point, the tornado in words and as a plot.
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    for key in [CLOSURE, "flows.*.traders.*.share"] {
        assert!(html.contains(key), "report.html does not name {key}");
    }
    assert!(html.contains("one_at_a_time"), "no design");
    assert!(
        html.contains(&format!("The result (joint − baseline: excess shipment-days (mean), system) depends most on {CLOSURE}")),
        "no sentence naming the key that matters most"
    );
    assert!(html.contains("at n = 2"), "no statement of resolution at n");
    assert_eq!(
        html.matches("<tr><td class=\"num\">").count(),
        4,
        "one row per point in the points table"
    );
    assert_plots(&out, &html, &["tornado"]);
    assert!(!out.join("plots/morris.svg").exists());
    assert!(stdout.contains("report.html"), "{stdout}");
}

/// Each plot in `ids` is a non-empty SVG in `out/plots/`, inline in `html` and linked.
fn assert_plots(out: &std::path::Path, html: &str, ids: &[&str]) {
    for id in ids {
        let svg = std::fs::read_to_string(out.join(format!("plots/{id}.svg")))
            .unwrap_or_else(|e| panic!("plots/{id}.svg: {e}"));
        assert!(svg.starts_with("<svg") && svg.contains("<text"), "{id}.svg");
        assert!(
            html.contains(&format!("href=\"plots/{id}.svg\"")),
            "report.html does not link plots/{id}.svg"
        );
        assert!(
            html.contains(&format!("<figure class=\"plot\" id=\"plot-{id}\"")),
            "report.html does not show {id}"
        );
    }
}

/// Runs `tradesim run FILE --replications 2 --strategies baseline,joint ARGS --out OUT`.
fn quick_sweep(path: &std::path::Path, out: &std::path::Path, args: &[&str]) -> String {
    let mut all: Vec<std::ffi::OsString> = vec![
        "run".into(),
        path.into(),
        "--replications".into(),
        "2".into(),
        "--strategies".into(),
        "baseline,joint".into(),
        "--quiet".into(),
        "--out".into(),
        out.into(),
    ];
    all.extend(args.iter().map(|a| a.into()));
    let o = run_bin(all);
    assert!(o.status.success(), "{}", texts(&o).1);
    texts(&o).0
}

#[test]
fn a_morris_sweep_plots_each_key_and_a_two_key_factorial_draws_a_line_per_level() {
    let dir = tempfile::tempdir().unwrap();
    let keys = format!(
        r#"
[[sweep.keys]]
key = "{CLOSURE}"
range = [5, 20]
steps = 4

[[sweep.keys]]
key = "flows.*.traders.*.share"
values = [0.5, 1.0]
scale = true
"#
    );
    let path = sweep_file(
        dir.path(),
        &format!("[sweep]\ndesign = \"morris\"\ntrajectories = 2\nseed = 3\n{keys}"),
    );
    let out = dir.path().join("morris");
    let stdout = quick_sweep(&path, &out, &["--point-summaries", "none"]);
    assert!(stdout.contains("Morris elementary effects"), "{stdout}");
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("morris (design seed 3)"), "no design seed");
    assert!(
        html.contains("depends most on"),
        "no sentence on the key that matters most"
    );
    assert!(html.contains("id=\"morris-table\""));
    assert_plots(&out, &html, &["morris"]);
    let svg = std::fs::read_to_string(out.join("plots/morris.svg")).unwrap();
    for key in [CLOSURE, "flows.*.traders.*.share"] {
        assert!(
            html.contains(key) && svg.contains(key),
            "{key} not labelled"
        );
    }
    // `--point-summaries none`: no points/ folder.
    assert!(!out.join("points").exists());

    // The same keys, factorial: the measure against the closure, a line per share factor.
    let path = sweep_file(dir.path(), &format!("[sweep]\n{keys}"));
    let out = dir.path().join("factorial");
    quick_sweep(&path, &out, &["--point-summaries", "system"]);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert_plots(&out, &html, &["factorial"]);
    let svg = std::fs::read_to_string(out.join("plots/factorial.svg")).unwrap();
    for level in [
        "flows.*.traders.*.share × 0.5",
        "flows.*.traders.*.share × 1",
    ] {
        assert!(svg.contains(level), "no line for {level}");
    }
    assert!(html.contains("The difference is largest in size at point"));
    // `system` keeps what compare reads and drops the per-node and per-flow parts.
    let s: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("points/0/summary.json")).unwrap()).unwrap();
    let joint = &s["strategies"]["joint"];
    assert!(joint["nodes"].as_object().unwrap().is_empty());
    assert!(joint["flows"].as_object().unwrap().is_empty());
    assert!(joint["recovery"]["system"].is_object());
    assert!(
        !joint["recovery"]
            .as_object()
            .unwrap()
            .keys()
            .any(|k| k.starts_with("node."))
    );
    assert!(s["network"]["nodes"].as_array().unwrap().is_empty());
    let cmp = dir.path().join("cmp");
    let o = run_bin([
        "compare".as_ref(),
        out.join("points/0").as_os_str(),
        out.join("points/3").as_os_str(),
        "--out".as_ref(),
        cmp.as_os_str(),
    ]);
    assert!(o.status.success(), "{}", texts(&o).1);
    // A plain run takes no --point-summaries, and an unknown choice is refused.
    let o = run_bin([
        "run".as_ref(),
        crate::common::scenarios_dir()
            .join("mmc-check.toml")
            .as_os_str(),
        "--point-summaries".as_ref(),
        "system".as_ref(),
        "--out".as_ref(),
        dir.path().join("plain").as_os_str(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(texts(&o).1.contains("[sweep] only"), "{}", texts(&o).1);
    assert!(!dir.path().join("plain").exists());
    let o = run_bin([
        "run".as_ref(),
        path.as_os_str(),
        "--point-summaries".as_ref(),
        "most".as_ref(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        texts(&o).1.contains("expected `full`, `system` or `none`"),
        "{}",
        texts(&o).1
    );
}

#[test]
fn a_bad_sweep_key_is_an_error_at_its_line_and_nothing_runs() {
    let dir = tempfile::tempdir().unwrap();
    let path = sweep_file(
        dir.path(),
        "[sweep]\n[[sweep.keys]]\nkey = \"disruptions.west-coast-lockot.duration\"\nvalues = [5, 20]\n",
    );
    let line = scenario_text(FILE).lines().count() + 4;
    let out = dir.path().join("out");
    let o = run_bin([
        "run".as_ref(),
        path.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
    ]);
    let (_, stderr) = texts(&o);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!("wc-sweep.toml:{line}:")),
        "{stderr}"
    );
    assert!(
        stderr.contains("did you mean `west-coast-lockout`?"),
        "{stderr}"
    );
    assert!(!out.join("sweep.csv").exists());
    // validate checks the sweep too.
    let o = run_bin(["validate".as_ref(), path.as_os_str()]);
    assert_eq!(o.status.code(), Some(2), "{}", texts(&o).0);
    assert!(texts(&o).1.contains("did you mean `west-coast-lockout`?"));
    let o = run_bin(["run".as_ref(), path.as_os_str(), "--ablation".as_ref()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        texts(&o).1.contains("--ablation does not apply to a sweep"),
        "{}",
        texts(&o).1
    );
}

#[test]
fn a_sweep_split_into_shards_merges_to_the_local_sweep_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let path = sweep_file(
        dir.path(),
        "[sweep]\n[[sweep.keys]]\nkey = \"disruptions.west-coast-lockout.duration\"\nvalues = [5, 20]\n",
    );
    let d = |name: &str| dir.path().join(name);
    let run = |extra: &[&str], out: &std::path::Path| {
        let mut args: Vec<std::ffi::OsString> = vec![
            "run".into(),
            path.clone().into(),
            "--replications".into(),
            "3".into(),
            "--quiet".into(),
        ];
        args.extend(extra.iter().map(|a| a.into()));
        args.extend(["--out".into(), out.into()]);
        let o = run_bin(args);
        assert!(o.status.success(), "{}", texts(&o).1);
    };
    run(&["--threads", "2"], &d("local"));
    run(&["--shard", "1/2", "--threads", "1"], &d("shards"));
    run(&["--shard", "2/2", "--threads", "1"], &d("shards"));
    assert!(d("shards/point-1/shard-2-of-2.json").exists());
    let o = run_bin([
        "merge".as_ref(),
        d("shards").as_os_str(),
        "--out".as_ref(),
        d("merged").as_os_str(),
    ]);
    assert!(o.status.success(), "{}", texts(&o).1);
    for f in [
        "sweep.csv",
        "sweep.json",
        "points/0/summary.json",
        "points/1/summary.json",
        "report.html",
        "plots/factorial.svg",
    ] {
        let (a, b) = (
            std::fs::read(d("local").join(f)).unwrap(),
            std::fs::read(d("merged").join(f)).unwrap(),
        );
        assert!(
            a == b,
            "{f} differs between the local sweep and the merged shards"
        );
    }
    // A point folder missing is an error before anything is written.
    std::fs::remove_dir_all(d("shards/point-1")).unwrap();
    std::fs::create_dir_all(d("shards/point-2")).unwrap();
    let o = run_bin([
        "merge".as_ref(),
        d("shards").as_os_str(),
        "--out".as_ref(),
        d("merged2").as_os_str(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", texts(&o).1);
    assert!(!d("merged2/sweep.csv").exists());
}

/// `tradesim slurm` of a sweep passes `--point-summaries` to its merge job; on a scenario
/// that runs once the flag is refused before anything is written (exit 2).
#[test]
fn slurm_passes_point_summaries_to_the_merge_job() {
    let dir = tempfile::tempdir().unwrap();
    let path = sweep_file(
        dir.path(),
        "[sweep]\n[[sweep.keys]]\nkey = \"disruptions.west-coast-lockout.duration\"\nvalues = [5, 11]\n",
    );
    let out = dir.path().join("slurm");
    let args = |file: &std::path::Path, out: &std::path::Path| {
        vec![
            "slurm".to_string(),
            file.display().to_string(),
            "--replications".into(),
            "4".into(),
            "--tasks".into(),
            "2".into(),
            "--point-summaries".into(),
            "system".into(),
            "--out".into(),
            out.display().to_string(),
        ]
    };
    let o = run_bin(args(&path, &out));
    assert!(o.status.success(), "{:?}", texts(&o));
    let merge = std::fs::read_to_string(out.join("merge.sbatch")).unwrap();
    assert!(merge.contains("--point-summaries system"), "{merge}");
    let plain = dir.path().join("plain.toml");
    std::fs::write(&plain, scenario_text(FILE)).unwrap();
    let refused = dir.path().join("refused");
    let o = run_bin(args(&plain, &refused));
    assert_eq!(o.status.code(), Some(2), "{:?}", texts(&o));
    assert!(
        texts(&o)
            .1
            .contains("--point-summaries is for a scenario with a [sweep]")
    );
    assert!(!refused.join("merge.sbatch").exists());
}
