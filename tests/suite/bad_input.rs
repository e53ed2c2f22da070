//! Bad input through the binary: exit code 2, a message naming the file, the position
//! (`line:column`) and the key path, no panic, and nothing written (the `--out` folder is
//! not created).

use crate::common::*;
use std::path::{Path, PathBuf};

/// A small valid scenario the cases below break one line at a time.
const BASE: &str = r#"[scenario]
name = "bad-input"
horizon = 50
warmup = 5

[[countries]]
code = "JP"

[[countries]]
code = "US"

[[nodes]]
id = "JPTYO"
kind = "seaport"
country = "JP"
lat = 35.6
lon = 139.8
servers = 2
service = { dist = "exponential", mean = 0.1 }

[[nodes]]
id = "USLAX"
kind = "seaport"
country = "US"
lat = 33.7
lon = -118.3
servers = 3
service = { dist = "exponential", mean = 0.1 }

[[routes]]
from = "JPTYO"
to = "USLAX"
mode = "sea"
transit = 10

[[flows]]
id = "tyo-lax"
origin = "JPTYO"
destination = "USLAX"
rate_per_day = 5
"#;

/// `text` with `from` (which must occur exactly once) replaced by `to`.
fn replace_once(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "`{from}` must occur once");
    text.replacen(from, to, 1)
}

/// 1-based line of the first line containing `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("`{needle}` not in the text"))
        + 1
}

/// Every `file:LINE:COLUMN` position stderr gives for `file`.
fn positions(stderr: &str, file: &str) -> Vec<(usize, usize)> {
    let prefix = format!("{file}:");
    let mut found = Vec::new();
    for (i, _) in stderr.match_indices(&prefix) {
        let rest = &stderr[i + prefix.len()..];
        let mut parts = rest.splitn(3, ':');
        let line = parts.next().and_then(|x| x.parse::<usize>().ok());
        let col = parts.next().and_then(|x| {
            let digits: String = x.chars().take_while(|c| c.is_ascii_digit()).collect();
            digits.parse::<usize>().ok()
        });
        if let (Some(l), Some(c)) = (line, col) {
            found.push((l, c));
        }
    }
    found
}

/// What a bad-input run must show.
struct Expect<'a> {
    /// Line the error must point at (None: no position, e.g. a missing file).
    line: Option<usize>,
    /// Key path the message must name.
    key: Option<&'a str>,
    /// Further texts stderr must contain (message, help).
    contains: &'a [&'a str],
}

/// Runs `tradesim run <file> --out <dir>/out` and checks the bad-input contract.
fn check_run_fails(dir: &Path, file: &Path, expect: Expect) {
    let out_dir = dir.join("out");
    let out = run_bin([
        "run".as_ref(),
        file.as_os_str(),
        "--out".as_ref(),
        out_dir.as_os_str(),
        "--quiet".as_ref(),
    ]);
    let (stdout, stderr) = texts(&out);
    let ctx = format!("stdout:\n{stdout}\nstderr:\n{stderr}");
    assert_eq!(out.status.code(), Some(2), "exit code; {ctx}");
    assert!(!stderr.contains("panicked"), "a panic; {ctx}");
    let shown = file.display().to_string();
    assert!(stderr.contains(&shown), "stderr must name {shown}; {ctx}");
    if let Some(line) = expect.line {
        let pos = positions(&stderr, &shown);
        assert!(
            pos.iter().any(|&(l, c)| l == line && c >= 1),
            "stderr must give the position {shown}:{line}:COLUMN, found {pos:?}; {ctx}"
        );
    }
    if let Some(key) = expect.key {
        assert!(
            stderr.contains(key),
            "stderr must name the key `{key}`; {ctx}"
        );
    }
    for c in expect.contains {
        assert!(stderr.contains(c), "stderr must contain `{c}`; {ctx}");
    }
    assert!(
        !out_dir.exists(),
        "the output folder must not be created on bad input; {ctx}"
    );
}

/// Writes `text` to `<dir>/<name>` and returns its path.
fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("temp file");
    p
}

/// Writes a broken copy of [`BASE`] and checks the run fails as `expect` says; the
/// expected line is that of `marker` in the broken text.
fn case(name: &str, from: &str, to: &str, marker: &str, key: &str, contains: &[&str]) {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = replace_once(BASE, from, to);
    let file = write(dir.path(), name, &text);
    check_run_fails(
        dir.path(),
        &file,
        Expect {
            line: Some(line_of(&text, marker)),
            key: (!key.is_empty()).then_some(key),
            contains,
        },
    );
}

#[test]
fn base_scenario_is_valid() {
    // The cases below must fail because of their one change, not because BASE is broken.
    let s = parse_toml(BASE, "base.toml");
    assert_eq!(s.nodes.len(), 2);
    let dir = tempfile::tempdir().expect("temp dir");
    let file = write(dir.path(), "base.toml", BASE);
    let out = run_bin(["validate".as_ref(), file.as_os_str()]);
    assert_eq!(out.status.code(), Some(0), "{:?}", texts(&out));
}

#[test]
fn unknown_key_suggests_the_right_one() {
    case(
        "unknown-key.toml",
        "servers = 2",
        "servrs = 2",
        "servrs",
        "nodes[0].servrs",
        &["servers"],
    );
}

#[test]
fn wrong_type() {
    case(
        "wrong-type.toml",
        "servers = 2",
        "servers = \"ten\"",
        "\"ten\"",
        "nodes[0].servers",
        &["ten"],
    );
}

#[test]
fn unknown_flow_origin() {
    case(
        "unknown-origin.toml",
        "origin = \"JPTYO\"",
        "origin = \"JPXXX\"",
        "JPXXX",
        "flows[0].origin",
        &["JPXXX"],
    );
}

#[test]
fn unknown_node_country() {
    case(
        "unknown-country.toml",
        "country = \"US\"",
        "country = \"ZZ\"",
        "\"ZZ\"",
        "nodes[1].country",
        &["ZZ"],
    );
}

#[test]
fn zero_servers() {
    case(
        "zero-servers.toml",
        "servers = 3",
        "servers = 0",
        "servers = 0",
        "nodes[1].servers",
        &["at least 1"],
    );
}

#[test]
fn negative_rate() {
    case(
        "negative-rate.toml",
        "rate_per_day = 5",
        "rate_per_day = -5",
        "rate_per_day",
        "flows[0].rate_per_day",
        &["-5"],
    );
}

#[test]
fn unreachable_destination() {
    // Two nodes and no route between them.
    case(
        "unreachable.toml",
        "[[routes]]\nfrom = \"JPTYO\"\nto = \"USLAX\"\nmode = \"sea\"\ntransit = 10\n",
        "",
        "destination = ",
        "flows[0].destination",
        &["USLAX", "reach"],
    );
}

#[test]
fn overloaded_node_names_node_and_utilisation() {
    // 25/day × 0.1 d / 2 servers = 1.25 at JPTYO (USLAX: 0.833, fine).
    let dir = tempfile::tempdir().expect("temp dir");
    let text = replace_once(BASE, "rate_per_day = 5", "rate_per_day = 25");
    let file = write(dir.path(), "overloaded.toml", &text);
    check_run_fails(
        dir.path(),
        &file,
        Expect {
            line: Some(line_of(&text, "servers = 2")),
            key: Some("nodes[0].servers"),
            contains: &["JPTYO", "utilisation", "1.25"],
        },
    );
}

#[test]
fn malformed_toml() {
    case(
        "malformed.toml",
        "lon = -118.3",
        "lon = -118.3.4",
        "-118.3.4",
        "lon",
        &[],
    );
}

#[test]
fn unclosed_table_header() {
    case(
        "unclosed.toml",
        "[[routes]]",
        "[[routes]",
        "[[routes]",
        "",
        &[],
    );
}

/// [`BASE`] as JSON (pretty-printed, one key per line).
fn base_json() -> String {
    let doc: toml::Table = toml::from_str(BASE).expect("BASE is TOML");
    serde_json::to_string_pretty(&doc).expect("JSON")
}

#[test]
fn json_scenario_is_read() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = write(dir.path(), "base.json", &base_json());
    let out = run_bin(["validate".as_ref(), file.as_os_str()]);
    assert_eq!(out.status.code(), Some(0), "{:?}", texts(&out));
}

#[test]
fn json_wrong_type() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = replace_once(&base_json(), "\"servers\": 2", "\"servers\": \"ten\"");
    let file = write(dir.path(), "wrong-type.json", &text);
    check_run_fails(
        dir.path(),
        &file,
        Expect {
            line: Some(line_of(&text, "\"ten\"")),
            key: Some("nodes[0].servers"),
            contains: &["ten"],
        },
    );
}

#[test]
fn json_unknown_reference() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = replace_once(
        &base_json(),
        "\"origin\": \"JPTYO\"",
        "\"origin\": \"JPXXX\"",
    );
    let file = write(dir.path(), "unknown-origin.json", &text);
    check_run_fails(
        dir.path(),
        &file,
        Expect {
            line: Some(line_of(&text, "JPXXX")),
            key: Some("flows[0].origin"),
            contains: &["JPXXX"],
        },
    );
}

#[test]
fn json_malformed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = replace_once(&base_json(), "\"servers\": 2", "\"servers\": 2,,");
    let file = write(dir.path(), "malformed.json", &text);
    check_run_fails(
        dir.path(),
        &file,
        Expect {
            line: Some(line_of(&text, "2,,")),
            key: None,
            contains: &[],
        },
    );
}

#[test]
fn missing_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("no-such-scenario.toml");
    check_run_fails(
        dir.path(),
        &file,
        Expect {
            line: None,
            key: None,
            contains: &["no-such-scenario.toml"],
        },
    );
}

#[test]
fn validate_reports_bad_files_with_exit_2() {
    let dir = tempfile::tempdir().expect("temp dir");
    let good = write(dir.path(), "good.toml", BASE);
    let bad = write(
        dir.path(),
        "bad.toml",
        &replace_once(BASE, "servers = 2", "servers = 0"),
    );
    let out = run_bin(["validate".as_ref(), good.as_os_str(), bad.as_os_str()]);
    let (stdout, stderr) = texts(&out);
    assert_eq!(out.status.code(), Some(2), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("bad-input"),
        "the good file is still summarised: {stdout}"
    );
    assert!(stderr.contains(&bad.display().to_string()), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// Bad flags: clap's usage errors exit 2 and nothing is written.
#[test]
fn zero_threads_or_replications_exit_2() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = write(dir.path(), "base.toml", BASE);
    for flags in [
        ["--threads", "0"],
        ["--replications", "0"],
        ["--threads", "many"],
    ] {
        let out_dir = dir.path().join("out");
        let out = run_bin([
            "run".as_ref(),
            file.as_os_str(),
            "--out".as_ref(),
            out_dir.as_os_str(),
            flags[0].as_ref(),
            flags[1].as_ref(),
        ]);
        let (stdout, stderr) = texts(&out);
        assert_eq!(out.status.code(), Some(2), "{flags:?}: {stdout}\n{stderr}");
        assert!(stderr.contains(flags[0]), "{flags:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{flags:?}: {stderr}");
        assert!(!out_dir.exists(), "{flags:?}: output folder created");
    }
}

#[test]
fn an_alternate_port_in_another_country_is_refused() {
    // Cargo bound for the US diverted to Tokyo would never reach its market.
    case(
        "foreign-alternate.toml",
        "rate_per_day = 5",
        "rate_per_day = 5\nalternates = [\"JPTYO\"]",
        "alternates",
        "flows[0].alternates[0]",
        &["another country", "USLAX"],
    );
}

#[test]
fn a_target_for_a_strategy_that_does_not_exist_is_refused() {
    case(
        "target-strategy.toml",
        "warmup = 5",
        "warmup = 5\n\n[scenario.target_ci]\nhalf_width = \"50%\"\nstrategies = [\"jiont\"]",
        "jiont",
        "scenario.target_ci.strategies[0]",
        &["no strategy named `jiont`", "joint"],
    );
}
