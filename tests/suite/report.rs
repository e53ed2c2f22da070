//! Plots and `report.html`: `tradesim run` writes them, `tradesim report DIR` rebuilds
//! them from the output files alone (a merged shard run too), the page fetches nothing
//! and holds every plot inline, a scenario without disruptions still gets a page, and
//! missing or corrupt files are bad input (exit 2, the file named).

use crate::common::*;
use std::path::Path;

/// Every plot of a run with a disruption.
const PLOTS: [&str; 5] = [
    "deliveries",
    "backlog",
    "ttr_ecdf",
    "ttr_by_class",
    "network_map",
];

/// Two ports across the Pacific (the date line is crossed), an earthquake with listed
/// damage, a closure and an alert: every plot applies.
const QUAKE: &str = r#"
[scenario]
name = "report-quake"
description = "Tokyo <-> Los Angeles: a quake at Tokyo & a US alert. How fast does trade recover?"
horizon = 160
warmup = 30
seed = 7
replications = 4

[[countries]]
code = "JP"
[[countries]]
code = "US"
alert_levels = [{ level = 2, inspection_rate = 1.5, inspection_time = 1.2, handling_slowdown = 1.1 }]

[[nodes]]
id = "JPTYO"
name = "Tokyo"
kind = "seaport"
country = "JP"
lat = 35.617
lon = 139.783
servers = 40
service = { dist = "triangular", min = 1, mode = 2, max = 4 }
[nodes.customs]
inspectors = 2
inspection = { dist = "triangular", min = 0.5, mode = 1.0, max = 4.0 }
clearance = { dist = "lognormal", mean = "49.4h", sd = "24h" }
inspection_rate = { trusted = 0.01, ordinary = 0.05 }

[[nodes]]
id = "JPYOK"
name = "Yokohama"
kind = "seaport"
country = "JP"
lat = 35.44
lon = 139.65
servers = 30
service = { dist = "triangular", min = 1, mode = 2, max = 4 }

[[nodes]]
id = "USLAX"
name = "Los Angeles"
kind = "seaport"
country = "US"
lat = 33.74
lon = -118.27
servers = 60
service = { dist = "uniform", min = 2, max = 4 }
[nodes.customs]
inspectors = 2
inspection = { dist = "empirical", values = [2, 4, 14], weights = [70, 20, 10] }
clearance = "12h"
inspection_rate = { trusted = 0.01, ordinary = 0.05 }

[[routes]]
from = "JPTYO"
to = "USLAX"
mode = "sea"
transit = { dist = "triangular", min = 10, mode = 11, max = 13 }
bidirectional = true

[[routes]]
from = "JPYOK"
to = "USLAX"
mode = "sea"
transit = { dist = "triangular", min = 10, mode = 11, max = 13 }
bidirectional = true

[[flows]]
id = "JPTYO-USLAX"
origin = "JPTYO"
destination = "USLAX"
rate_per_day = 8
traders = [{ share = 0.4, programmes = ["ctpat", "jp-aeo"] }]

[[flows]]
id = "JPYOK-USLAX"
origin = "JPYOK"
destination = "USLAX"
rate_per_day = 4

[[flows]]
id = "USLAX-JPTYO"
origin = "USLAX"
destination = "JPTYO"
rate_per_day = 4
traders = [{ share = 0.3, programmes = ["ctpat"] }]

[[programmes]]
id = "ctpat"
country = "US"
[[programmes]]
id = "jp-aeo"
country = "JP"
[[arrangements]]
id = "us-japan-mra"
programmes = ["ctpat", "jp-aeo"]

[[disruptions]]
kind = "earthquake"
id = "tokyo-quake"
at = 70
epicenter = { lat = 35.3, lon = 139.8 }
magnitude = 7.9
[[disruptions.damage]]
node = "JPTYO"
capacity_loss = 1.0
closed_for = "5d"
recovery = { curve = "linear", duration = "30d" }

[[disruptions]]
kind = "closure"
id = "yokohama-closed"
at = 70
nodes = ["JPYOK"]
duration = "3d"

[[disruptions]]
kind = "alert"
at = 70
country = "US"
level = 2
duration = "14d"
"#;

/// One port, local demand, no disruption.
const CALM: &str = r#"
[scenario]
name = "report-calm"
horizon = 120
warmup = 20
seed = 3
replications = 3
[[countries]]
code = "JP"
[[nodes]]
id = "JPTYO"
kind = "seaport"
country = "JP"
lat = 35.62
lon = 139.79
servers = 3
service = { dist = "exponential", mean = 0.25 }
[[flows]]
id = "local"
origin = "JPTYO"
destination = "JPTYO"
rate_per_day = 8
"#;

/// Writes `text` as a scenario file in `dir` and runs it into `dir/out` (exit 0).
fn run_scenario(dir: &Path, text: &str, extra: &[&str]) -> std::path::PathBuf {
    let file = dir.join("scenario.toml");
    std::fs::write(&file, text).expect("write scenario");
    let out = dir.join("out");
    let mut args = vec![
        "run".as_ref(),
        file.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
        "--quiet".as_ref(),
    ];
    args.extend(extra.iter().map(|a| std::ffi::OsStr::new(*a)));
    let o = run_bin(&args);
    let (stdout, stderr) = texts(&o);
    assert_eq!(o.status.code(), Some(0), "{stdout}\n{stderr}");
    out
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Asserts `plots/<id>.png` is a PNG and `plots/<id>.svg` an SVG, for each id.
#[track_caller]
fn assert_plot_files(dir: &Path, ids: &[&str]) {
    for id in ids {
        let png = read(&dir.join("plots").join(format!("{id}.png")));
        assert!(
            png.len() > 5_000 && png.starts_with(b"\x89PNG\r\n\x1a\n"),
            "plots/{id}.png is not a drawn PNG ({} bytes)",
            png.len()
        );
        let svg = String::from_utf8(read(&dir.join("plots").join(format!("{id}.svg"))))
            .expect("SVG is UTF-8");
        assert!(
            svg.contains("<svg") && svg.contains("<text"),
            "plots/{id}.svg has no SVG with text"
        );
    }
}

/// Asserts the page is self-contained and holds an inline SVG figure per plot.
#[track_caller]
fn assert_page(html: &str, ids: &[&str]) {
    assert!(html.starts_with("<!DOCTYPE html>"), "not an HTML page");
    let lower = html.to_ascii_lowercase();
    for fetch in [
        "src=\"http",
        "src='http",
        "href=\"http",
        "href='http",
        "url(http",
        "url(\"http",
        "@import",
        "<script",
        "<link",
        "<iframe",
        "http://",
        "https://",
    ] {
        assert!(!lower.contains(fetch), "report.html contains `{fetch}`");
    }
    for id in ids {
        let at = html
            .find(&format!("<figure class=\"plot\" id=\"plot-{id}\""))
            .unwrap_or_else(|| panic!("no figure for plot `{id}`"));
        let end = html[at..].find("</figure>").expect("figure closes") + at;
        let figure = &html[at..end];
        assert!(
            figure.contains("<svg") && figure.contains("</svg>"),
            "plot `{id}` has no inline SVG"
        );
    }
    assert_eq!(
        html.matches("<figure class=\"plot\"").count(),
        ids.len(),
        "one figure per plot"
    );
}

#[test]
fn run_writes_the_report_and_report_rebuilds_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = run_scenario(dir.path(), QUAKE, &[]);
    assert_plot_files(&out, &PLOTS);
    let html = String::from_utf8(read(&out.join("report.html"))).expect("UTF-8");
    assert_page(&html, &PLOTS);
    // The scenario's summary and question, the tables, escaped text.
    assert!(html.contains("Tokyo &lt;-&gt; Los Angeles: a quake at Tokyo &amp; a US alert. How fast does trade recover?"));
    for id in [
        "comparison-table",
        "paired-table",
        "ports-table",
        "disruptions",
    ] {
        assert!(html.contains(&format!("id=\"{id}\"")), "no #{id}");
    }
    for strategy in ["baseline", "unilateral", "joint"] {
        assert!(html.contains(strategy), "no strategy {strategy}");
    }
    assert!(html.contains("JPYOK") && html.contains("Yokohama"));

    // `tradesim report DIR` from the output files alone.
    std::fs::remove_dir_all(out.join("plots")).expect("remove plots/");
    std::fs::remove_file(out.join("report.html")).expect("remove report.html");
    let o = run_bin(["report".as_ref(), out.as_os_str()]);
    let (stdout, stderr) = texts(&o);
    assert_eq!(o.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(stdout.contains("report.html"), "{stdout}");
    assert_plot_files(&out, &PLOTS);
    let again = String::from_utf8(read(&out.join("report.html"))).expect("UTF-8");
    assert_page(&again, &PLOTS);
    // The same files give the same page.
    assert_eq!(html, again);
    // No temporary files are left behind.
    for d in [out.clone(), out.join("plots")] {
        for e in std::fs::read_dir(&d).expect("dir") {
            let name = e.expect("entry").file_name().to_string_lossy().into_owned();
            assert!(
                !name.contains(".tmp-"),
                "leftover {name} in {}",
                d.display()
            );
        }
    }
}

#[test]
fn a_scenario_without_disruptions_gets_a_simpler_report() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = run_scenario(dir.path(), CALM, &[]);
    let drawn = ["deliveries", "backlog", "network_map"];
    assert_plot_files(&out, &drawn);
    for id in ["ttr_ecdf", "ttr_by_class"] {
        assert!(
            !out.join("plots").join(format!("{id}.png")).exists(),
            "{id} drawn without a disruption"
        );
    }
    let html = String::from_utf8(read(&out.join("report.html"))).expect("UTF-8");
    assert_page(&html, &drawn);
    assert!(html.contains("no disruptions"), "the page does not say so");
    assert!(html.contains("id=\"skipped-ttr_ecdf\""));
}

#[test]
fn merged_shards_get_a_report() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("scenario.toml");
    std::fs::write(&file, QUAKE).expect("write scenario");
    let shards = dir.path().join("shards");
    for k in ["1/2", "2/2"] {
        let o = run_bin([
            "run".as_ref(),
            file.as_os_str(),
            "--out".as_ref(),
            shards.as_os_str(),
            "--shard".as_ref(),
            k.as_ref(),
            "--quiet".as_ref(),
        ]);
        let (stdout, stderr) = texts(&o);
        assert_eq!(o.status.code(), Some(0), "{stdout}\n{stderr}");
    }
    assert!(
        !shards.join("report.html").exists(),
        "a shard has no report"
    );
    let merged = dir.path().join("merged");
    let o = run_bin([
        "merge".as_ref(),
        shards.as_os_str(),
        "--out".as_ref(),
        merged.as_os_str(),
    ]);
    let (stdout, stderr) = texts(&o);
    assert_eq!(o.status.code(), Some(0), "{stdout}\n{stderr}");
    assert_plot_files(&merged, &PLOTS);
    let html = String::from_utf8(read(&merged.join("report.html"))).expect("UTF-8");
    assert_page(&html, &PLOTS);
}

/// `tradesim report DIR` → exit 2 with `needle` (the file) in the message.
#[track_caller]
fn assert_bad_input(dir: &Path, needle: &str) {
    let o = run_bin(["report".as_ref(), dir.as_os_str()]);
    let (stdout, stderr) = texts(&o);
    assert_eq!(o.status.code(), Some(2), "{stdout}\n{stderr}");
    assert!(
        stderr.contains(needle),
        "stderr does not name {needle}: {stderr}"
    );
    assert!(!dir.join("report.html").exists(), "a report from bad input");
}

#[test]
fn missing_or_corrupt_files_are_bad_input() {
    let dir = tempfile::tempdir().expect("temp dir");
    let good = run_scenario(dir.path(), CALM, &[]);
    let copy = |name: &str, to: &Path| {
        std::fs::copy(good.join(name), to.join(name)).expect("copy");
    };

    // An empty folder, and one without summary.json.
    let empty = dir.path().join("empty");
    std::fs::create_dir_all(&empty).expect("mkdir");
    assert_bad_input(&empty, "summary.json");
    copy("timeseries.csv", &empty);
    copy("replications.csv", &empty);
    assert_bad_input(&empty, "summary.json");

    // Corrupt summary.json.
    std::fs::write(empty.join("summary.json"), b"{ not json").expect("write");
    assert_bad_input(&empty, "summary.json");
    std::fs::write(empty.join("summary.json"), b"{\"strategies\": {}}").expect("write");
    assert_bad_input(&empty, "summary.json");

    // A good summary.json, but timeseries.csv missing or wrong.
    copy("summary.json", &empty);
    std::fs::remove_file(empty.join("timeseries.csv")).expect("rm");
    assert_bad_input(&empty, "timeseries.csv");
    std::fs::write(empty.join("timeseries.csv"), b"day,strategy\n0,baseline\n").expect("write");
    assert_bad_input(&empty, "timeseries.csv");

    // replications.csv missing.
    copy("timeseries.csv", &empty);
    std::fs::remove_file(empty.join("replications.csv")).expect("rm");
    assert_bad_input(&empty, "replications.csv");

    // A folder that does not exist.
    assert_bad_input(&dir.path().join("nowhere"), "summary.json");

    // And the complete set works.
    copy("replications.csv", &empty);
    let o = run_bin(["report".as_ref(), empty.as_os_str()]);
    assert_eq!(o.status.code(), Some(0), "{:?}", texts(&o));
}

/// The joint strategy's `recovery_vs_baseline` entry for the system time to recover.
fn headline(summary: &serde_json::Value) -> serde_json::Value {
    summary["strategies"]["joint"]["recovery_vs_baseline"]
        .as_array()
        .expect("recovery_vs_baseline")
        .iter()
        .find(|d| d["measure"] == "recovery.system.ttr_days")
        .expect("system ttr difference")
        .clone()
}

#[test]
fn the_report_answers_in_words_with_its_limitations() {
    let text = QUAKE.replacen(
        "replications = 4\n",
        "replications = 4\nassumptions = [\"Yokohama's cranes are assumed idle during the quake.\"]\n",
        1,
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let out = run_scenario(dir.path(), &text, &[]);
    let html = String::from_utf8(read(&out.join("report.html"))).expect("UTF-8");
    let summary: serde_json::Value =
        serde_json::from_slice(&read(&out.join("summary.json"))).expect("summary.json");

    // The summary comes first: what was simulated, then each strategy against baseline.
    let at = html
        .find("<section id=\"summary\">")
        .expect("a summary section");
    assert!(at < html.find("id=\"disruptions\"").expect("disruptions"));
    let section = &html[at..html[at..].find("</section>").expect("closes") + at];
    assert!(
        section.contains("4 replications of 160 simulated days"),
        "{section}"
    );
    assert!(
        section.contains("tokyo-quake (earthquake, day 70)"),
        "{section}"
    );
    for s in ["unilateral", "joint"] {
        assert!(
            section.contains(&format!("Against <code>baseline</code>, <code>{s}</code>:")),
            "no sentence for {s}: {section}"
        );
    }
    // Each sentence carries the verdict at the n run, as summary.json has it.
    let head = headline(&summary);
    let verdict = if head["resolved"] == true {
        "resolved at n = 4"
    } else {
        "not resolved at n = 4"
    };
    assert!(section.contains(verdict), "{section}");
    // Four replications are too few: the warning is visible.
    assert!(section.contains("id=\"summary-warning\""), "{section}");
    assert!(
        section.contains("Only 4 replications per strategy"),
        "{section}"
    );

    // Limitations: the model's that apply (an earthquake here), then the scenario's.
    let limits = summary["limitations"].as_array().expect("limitations");
    let sources: Vec<&str> = limits
        .iter()
        .map(|l| l["source"].as_str().unwrap())
        .collect();
    assert_eq!(sources.last(), Some(&"scenario"), "{limits:?}");
    assert!(sources.contains(&"model"));
    let at = html
        .find("<section id=\"limitations\">")
        .expect("limitations section");
    let section = &html[at..];
    assert!(
        section.contains("Yokohama's cranes are assumed idle"),
        "the scenario's assumption (maud escapes & < > \" and leaves ' as is): {section}"
    );
    assert!(
        section.contains("An earthquake acts only through"),
        "{section}"
    );
    assert!(
        !section.contains("Risk scores are normal"),
        "no targeting here: {section}"
    );
}

#[test]
fn enough_replications_lift_the_warning_unless_the_headline_is_unresolved() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = run_scenario(dir.path(), QUAKE, &["--replications", "40"]);
    let html = String::from_utf8(read(&out.join("report.html"))).expect("UTF-8");
    let summary: serde_json::Value =
        serde_json::from_slice(&read(&out.join("summary.json"))).expect("summary.json");
    assert!(!html.contains("Only 40 replications"), "40 is not too few");
    let head = headline(&summary);
    assert_eq!(
        html.contains("id=\"summary-warning\""),
        head["resolved"] != true,
        "the warning shows exactly when the headline is not resolved: {head}"
    );
    assert!(html.contains("resolved at n = 40"));
}

/// The sizes of a run's SVG plots and report.html.
#[cfg(feature = "bench")]
fn plot_and_page_bytes(out: &Path) -> (u64, u64, u64) {
    let size = |p: &Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
    (
        size(&out.join("plots/deliveries.svg")),
        size(&out.join("plots/backlog.svg")),
        size(&out.join("report.html")),
    )
}

#[test]
#[cfg(feature = "bench")] // the queue's text comes from the benchmark harness
fn a_long_run_draws_its_series_at_the_plots_resolution() {
    // The same queue over 4,000 and 16,000 days: one point a day would make the second
    // run's plots four times the first's; drawn at the plot's resolution (each pixel
    // column's extremes) they cost about the same.
    let mut sizes = Vec::new();
    for days in [4_000.0, 16_000.0] {
        let dir = tempfile::tempdir().expect("temp dir");
        let text = tradesim::benchmark::mmc_text(90.0, 10.0, 10, days, 1);
        let out = run_scenario(dir.path(), &text, &[]);
        assert_plot_files(&out, &["deliveries", "backlog"]);
        sizes.push(plot_and_page_bytes(&out));
    }
    let (short, long) = (sizes[0], sizes[1]);
    for (what, a, b) in [
        ("deliveries.svg", short.0, long.0),
        ("backlog.svg", short.1, long.1),
        ("report.html", short.2, long.2),
    ] {
        assert!(
            (b as f64) < 1.3 * a as f64,
            "{what}: {a} bytes at 4,000 days but {b} at 16,000"
        );
    }
    assert!(long.0 < 150_000, "deliveries.svg is {} bytes", long.0);
}

#[test]
fn compressed_series_hold_the_same_table_and_the_report_reads_them() {
    use std::io::Read as _;
    let dir = tempfile::tempdir().expect("temp dir");
    let plain = run_scenario(dir.path(), QUAKE, &["--timeseries-scopes", "node"]);
    let csv = read(&plain.join("timeseries.csv"));
    let html = String::from_utf8(read(&plain.join("report.html"))).expect("UTF-8");
    assert!(
        html.contains("id=\"plot-top_movers\""),
        "node rows give top movers"
    );

    // The same run compressed into the same folder: the CSV of the earlier run goes.
    let out = run_scenario(
        dir.path(),
        QUAKE,
        &[
            "--timeseries-scopes",
            "node",
            "--timeseries-format",
            "csv.gz",
        ],
    );
    assert_eq!(out, plain);
    assert!(
        !out.join("timeseries.csv").exists(),
        "the stale CSV is removed"
    );
    let gz = read(&out.join("timeseries.csv.gz"));
    assert!(
        gz.len() * 2 < csv.len(),
        "{} bytes compressed, {} plain",
        gz.len(),
        csv.len()
    );
    let mut text = Vec::new();
    flate2::read::GzDecoder::new(gz.as_slice())
        .read_to_end(&mut text)
        .expect("gzip");
    assert_eq!(text, csv, "the same table, compressed");
    assert_eq!(
        read(&out.join("report.html")),
        html.as_bytes(),
        "the same page"
    );

    // `tradesim report DIR` reads the compressed file and draws the same page.
    std::fs::remove_file(out.join("report.html")).expect("remove report.html");
    let o = run_bin(["report".as_ref(), out.as_os_str()]);
    let (stdout, stderr) = texts(&o);
    assert_eq!(o.status.code(), Some(0), "{stdout}\n{stderr}");
    assert_eq!(read(&out.join("report.html")), html.as_bytes());

    let o = run_bin([
        "run".as_ref(),
        out.as_os_str(),
        "--timeseries-format".as_ref(),
        "parquet".as_ref(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(texts(&o).1.contains("csv.gz"), "{}", texts(&o).1);
}
