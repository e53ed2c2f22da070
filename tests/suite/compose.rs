//! Composition (`extends`, issue 19 item 1): the merge rules, errors at the file and line
//! that wrote the key, a flattened text that runs on its own, sweeps over a base's keys,
//! and the shipped scenarios as short files over one network.

use crate::common::*;
use std::path::Path;
use tradesim::scenario::Scenario;
use tradesim::sweep::design::{Parameter, Points, points};

/// A two-port network: no `[scenario]` name or horizon, so it is not whole on its own.
const NETWORK: &str = r#"# a network file
[scenario]
warmup = 10
seed = 3

[[countries]]
code = "JP"

[[nodes]]
id = "A"
kind = "seaport"
country = "JP"
lat = 35.6
lon = 139.8
servers = 2
service = { dist = "exponential", mean = 0.1 }

[[nodes]]
id = "B"
kind = "seaport"
country = "JP"
lat = 35.4
lon = 139.7
servers = 2
service = { dist = "exponential", mean = 0.1 }

[[routes]]
id = "A-B"
from = "A"
to = "B"
mode = "road"
transit = 0.5

[[flows]]
id = "a-to-b"
origin = "A"
destination = "B"
rate_per_day = 8.0
"#;

/// Writes `files` (relative path, text) under a fresh temporary folder.
fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    for (name, text) in files {
        let p = dir.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

fn load(dir: &Path, name: &str) -> Result<Scenario, String> {
    Scenario::load(&dir.join(name)).map_err(|e| e.to_string())
}

#[test]
fn a_scenario_merges_over_its_network_by_the_documented_rules() {
    let dir = folder(&[
        ("net/two-ports.toml", NETWORK),
        (
            "study.toml",
            r#"extends = "net/two-ports.toml"
[scenario]
name = "study"
horizon = 60
seed = 7

[[nodes]]
id = "B"
servers = 5

[[nodes]]
id = "C"
kind = "seaport"
country = "JP"
lat = 35.0
lon = 139.0
servers = 1
service = 0.2

[[routes]]
id = "A-C"
from = "A"
to = "C"
mode = "road"
transit = 1

[[flows]]
id = "a-to-b"
rate_per_day = 3.0

[[flows]]
id = "a-to-c"
origin = "A"
destination = "C"
rate_per_day = 1.0
"#,
        ),
    ]);
    let s = load(dir.path(), "study.toml").expect("the composed scenario is valid");
    // [scenario] merges key by key: the network's warmup stays, the study's seed wins.
    assert_eq!(
        (s.name.as_str(), s.horizon, s.warmup, s.seed),
        ("study", 60.0, 10.0, 7)
    );
    // Named elements merge in place by id; new ones are appended.
    let ids: Vec<&str> = s.nodes.iter().map(|n| n.id.as_str()).collect();
    assert_eq!(ids, ["A", "B", "C"]);
    assert_eq!(s.nodes[1].servers, 5, "B's servers come from the study");
    assert_eq!(s.nodes[1].lat, 35.4, "B's other keys come from the network");
    let flows: Vec<(&str, f64)> = s
        .flows
        .iter()
        .map(|f| (f.id.as_str(), f.rate_per_day))
        .collect();
    assert_eq!(flows, [("a-to-b", 3.0), ("a-to-c", 1.0)]);
    assert!(s.composition.is_some());
    // The flattened text is a whole scenario on its own: parsed with no files around, it
    // runs to the same results as the composed one.
    let flat = Scenario::parse(&s.source, "flat.toml", tradesim::scenario::Format::Toml)
        .expect("the flattened text is valid alone");
    let plan = plan_for(&s, &["baseline", "joint"], 3, 1, 1);
    let (a, b) = (run_plan(&s, &plan), run_plan(&flat, &plan));
    assert_same_results(&a.results, &b.results, "composed vs flattened");
}

#[test]
fn errors_point_at_the_file_and_line_that_wrote_the_key() {
    let bad_network = NETWORK.replace(
        "servers = 2\nservice = { dist = \"exponential\", mean = 0.1 }\n\n[[nodes]]\nid = \"B\"",
        "servers = 0\nservice = { dist = \"exponential\", mean = 0.1 }\n\n[[nodes]]\nid = \"B\"",
    );
    assert_ne!(bad_network, NETWORK);
    let dir = folder(&[
        ("net/two-ports.toml", NETWORK),
        ("net/bad.toml", &bad_network),
        (
            "rate.toml",
            "extends = \"net/two-ports.toml\"\n[scenario]\nname = \"r\"\nhorizon = 60\n\n[[flows]]\nid = \"a-to-b\"\nrate_per_day = -3\n",
        ),
        (
            "typed.toml",
            "extends = \"net/two-ports.toml\"\n[scenario]\nname = \"t\"\nhorizon = 60\n\n[[flows]]\nid = \"a-to-b\"\nrate_per_day = \"lots\"\n",
        ),
        (
            "base-bad.toml",
            "extends = \"net/bad.toml\"\n[scenario]\nname = \"b\"\nhorizon = 60\n",
        ),
        (
            "missing.toml",
            "extends = [\"net/nowhere.toml\"]\n[scenario]\nname = \"m\"\n",
        ),
        ("loop-a.toml", "extends = \"loop-b.toml\"\n"),
        ("loop-b.toml", "extends = \"loop-a.toml\"\n"),
        (
            "incomplete.toml",
            "# no horizon here or in the network\nextends = \"net/two-ports.toml\"\n[scenario]\nname = \"i\"\n",
        ),
    ]);
    let err = |name: &str| load(dir.path(), name).expect_err(name);
    let net = Path::new("net").join("two-ports.toml");
    let e = err("rate.toml");
    assert!(e.contains("rate.toml:8:16: flows[0].rate_per_day"), "{e}");
    let e = err("typed.toml");
    assert!(
        e.contains("typed.toml:8:16: flows[0].rate_per_day") && e.contains("invalid type"),
        "{e}"
    );
    let e = err("base-bad.toml");
    assert!(
        e.contains(&format!("{}:", Path::new("net").join("bad.toml").display())),
        "{e}"
    );
    assert!(
        e.contains(":15:11: nodes[0].servers"),
        "the network's line 15: {e}"
    );
    let e = err("missing.toml");
    assert!(
        e.contains("missing.toml:1:12: extends[0]: cannot read"),
        "{e}"
    );
    let e = err("loop-a.toml");
    assert!(e.contains("extends itself"), "{e}");
    let e = err("incomplete.toml");
    assert!(
        e.contains("incomplete.toml:3:1: scenario: missing field `horizon`"),
        "{e}"
    );
    assert!(!e.contains(&net.display().to_string()), "{e}");
}

#[test]
fn a_sweep_varies_a_key_its_network_wrote_and_places_errors_there() {
    let dir = folder(&[
        ("net/two-ports.toml", NETWORK),
        (
            "study.toml",
            "extends = \"net/two-ports.toml\"\n[scenario]\nname = \"s\"\nhorizon = 60\n",
        ),
    ]);
    let s = load(dir.path(), "study.toml").unwrap();
    let param = |values: Vec<toml::Value>| Parameter {
        key: "nodes.B.servers".into(),
        levels: tradesim::sweep::design::Levels::List(values),
        scale: false,
    };
    let design = |p: &Parameter| -> Points {
        points(
            std::slice::from_ref(p),
            tradesim::sweep::design::Design::Factorial,
        )
        .unwrap()
    };
    let file = dir.path().join("study.toml").display().to_string();
    let good = param(vec![toml::Value::Integer(4)]);
    let at = tradesim::sweep::run::point_scenario(
        &s,
        &file,
        std::slice::from_ref(&good),
        &design(&good).points[0],
        0,
    )
    .expect("a valid point");
    assert_eq!(at.nodes[1].servers, 4);
    let bad = param(vec![toml::Value::Integer(0)]);
    let e = tradesim::sweep::run::point_scenario(
        &s,
        &file,
        std::slice::from_ref(&bad),
        &design(&bad).points[0],
        0,
    )
    .expect_err("0 servers is invalid");
    let tradesim::sweep::run::SweepError::Point { errors, .. } = e else {
        panic!("a point error")
    };
    let text = errors.to_string();
    // The servers key was written in the network, at its line 24.
    assert!(
        text.contains(&format!(
            "{}:24:11:",
            Path::new("net").join("two-ports.toml").display()
        )) || text.contains("two-ports.toml:24:11:"),
        "{text}"
    );
}

#[test]
fn shipped_scenarios_are_short_files_over_one_network() {
    let network = scenarios_dir().join("networks").join("us-japan.toml");
    for name in [
        "us-japan.toml",
        "us-japan-tohoku-2011.toml",
        "us-alert-level3.toml",
        "us-west-coast-closure.toml",
        "mra-revocation.toml",
        "random-quakes.toml",
    ] {
        let path = scenarios_dir().join(name);
        let own = std::fs::read_to_string(&path).unwrap();
        assert!(
            own.lines().count() < 600,
            "{name} is {} lines",
            own.lines().count()
        );
        let s = Scenario::load(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
        let c = s.composition.as_ref().expect("composed");
        assert!(
            c.files
                .iter()
                .any(|f| Path::new(&f.label).ends_with("networks/us-japan.toml")),
            "{name} extends {}",
            network.display()
        );
        assert_eq!(
            (s.nodes.len(), s.flows.len()),
            (27, 194),
            "{name}: the whole network"
        );
    }
    // The West Coast closure's alternates are merged into the network's flows.
    let s = Scenario::load(&scenarios_dir().join("us-west-coast-closure.toml")).unwrap();
    assert_eq!(
        s.flows.iter().filter(|f| !f.alternates.is_empty()).count(),
        50
    );
    // The embedded default is compiled in with its network.
    let d = Scenario::embedded_default();
    assert_eq!(
        (d.name.as_str(), d.flows.len()),
        ("us-japan-tohoku-2011", 194)
    );
}

#[test]
fn shards_of_a_composed_scenario_merge_without_its_files() {
    let dir = folder(&[
        ("net/two-ports.toml", NETWORK),
        (
            "study.toml",
            "extends = \"net/two-ports.toml\"\n[scenario]\nname = \"s\"\nhorizon = 40\nreplications = 4\n",
        ),
    ]);
    let d = dir.path();
    let study = d.join("study.toml");
    let arg = |p: &Path| p.display().to_string();
    let out = run_bin([
        "run",
        &arg(&study),
        "--quiet",
        "--out",
        &arg(&d.join("local")),
    ]);
    assert!(out.status.success(), "{:?}", texts(&out));
    for k in 1..=2 {
        let o = run_bin([
            "run",
            &arg(&study),
            "--quiet",
            "--shard",
            &format!("{k}/2"),
            "--out",
            &arg(&d.join("shards")),
        ]);
        assert!(o.status.success(), "{:?}", texts(&o));
    }
    // The shards carry the flattened scenario: the files it was composed from can go.
    std::fs::remove_dir_all(d.join("net")).unwrap();
    std::fs::remove_file(&study).unwrap();
    let o = run_bin([
        "merge",
        &arg(&d.join("shards")),
        "--out",
        &arg(&d.join("merged")),
    ]);
    assert!(o.status.success(), "{:?}", texts(&o));
    let a = std::fs::read(d.join("local/summary.json")).unwrap();
    let b = std::fs::read(d.join("merged/summary.json")).unwrap();
    assert!(a == b, "merged summary.json differs from the local run's");
}
