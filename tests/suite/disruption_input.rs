//! Bad disruption and strategy input (issue 3): exit 2 with file, line and key, and the
//! valid choices.

use std::process::Command;

const BASE: &str = r#"[scenario]
name = "bad"
horizon = 200
warmup = 20

[[countries]]
code = "XX"

[[programmes]]
id = "xx-aeo"
country = "XX"

[[nodes]]
id = "P"
kind = "seaport"
country = "XX"
lat = 10
lon = 10
servers = 8
service = 0.1

[[flows]]
id = "local"
origin = "P"
destination = "P"
rate_per_day = 20
"#;

/// Runs `tradesim validate` on BASE + `extra`; returns stderr after asserting exit 2.
fn rejected(extra: &str) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("bad.toml");
    std::fs::write(&path, format!("{BASE}{extra}")).expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_tradesim"))
        .arg("validate")
        .arg(&path)
        .output()
        .expect("run tradesim");
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(
        out.status.code(),
        Some(2),
        "expected exit 2 for:\n{extra}\nstderr:\n{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.contains("bad.toml:"), "no file name in:\n{err}");
    err
}

/// The 1-based line of the first line of `extra` containing `needle`.
fn line_of(extra: &str, needle: &str) -> usize {
    BASE.lines().count()
        + extra
            .lines()
            .position(|l| l.contains(needle))
            .expect("needle in extra")
        + 1
}

#[test]
fn a_disruption_naming_a_missing_node_country_route_or_programme() {
    for (extra, key, needle) in [
        (
            "[[disruptions]]\nkind = \"closure\"\nat = 100\nnodes = [\"Q\"]\nduration = 5\n",
            "disruptions[0].nodes[0]",
            "nodes =",
        ),
        (
            "[[disruptions]]\nkind = \"alert\"\nat = 100\ncountry = \"ZZ\"\nlevel = 2\nduration = 5\n",
            "disruptions[0].country",
            "country =",
        ),
        (
            "[[disruptions]]\nkind = \"closure\"\nat = 100\nroutes = [\"P-Q\"]\nduration = 5\n",
            "disruptions[0].routes[0]",
            "routes =",
        ),
        (
            "[[disruptions]]\nkind = \"revocation\"\nat = 100\nprogramme = \"xx-aoe\"\nshare = 0.1\n",
            "disruptions[0].programme",
            "programme =",
        ),
    ] {
        let err = rejected(extra);
        assert!(err.contains(key), "key {key} missing from:\n{err}");
        assert!(
            err.contains(&format!("bad.toml:{}:", line_of(extra, needle))),
            "line of {needle} missing from:\n{err}"
        );
    }
    assert!(rejected("[[disruptions]]\nkind = \"revocation\"\nat = 100\nprogramme = \"xx-aoe\"\nshare = 0.1\n").contains("xx-aeo"));
}

#[test]
fn out_of_range_values() {
    let err = rejected(
        "[[disruptions]]\nkind = \"earthquake\"\nat = 100\nepicenter = { lat = 10, lon = 10 }\nmagnitude = 7\n[[disruptions.damage]]\nnode = \"P\"\ncapacity_loss = 1.5\n",
    );
    assert!(
        err.contains("disruptions[0].damage[0].capacity_loss") && err.contains("[0, 1]"),
        "{err}"
    );
    let err = rejected(
        "[[disruptions]]\nkind = \"closure\"\nat = 100\nprobability = 1.2\nnodes = [\"P\"]\nduration = 5\n",
    );
    assert!(
        err.contains("disruptions[0].probability") && err.contains("[0, 1]"),
        "{err}"
    );
    let err =
        rejected("[[disruptions]]\nkind = \"closure\"\nat = 5\nnodes = [\"P\"]\nduration = 5\n");
    assert!(
        err.contains("disruptions[0].at") && err.contains("baseline"),
        "{err}"
    );
}

#[test]
fn a_step_table_not_sorted_by_day() {
    let extra = "[[disruptions]]\nkind = \"earthquake\"\nat = 100\nepicenter = { lat = 10, lon = 10 }\nmagnitude = 7\n[[disruptions.damage]]\nnode = \"P\"\ncapacity_loss = 0.5\nrecovery = { curve = \"steps\", steps = [[30, 0.6], [20, 0.8]] }\n";
    let err = rejected(extra);
    assert!(err.contains("sorted by day"), "{err}");
    assert!(
        err.contains(&format!("bad.toml:{}:", line_of(extra, "steps ="))),
        "{err}"
    );
}

#[test]
fn unknown_strategy_knob_values_list_the_choices() {
    let err = rejected("[[strategies]]\nname = \"x\"\npriority = \"trusted_frist\"\n");
    assert!(
        err.contains("trusted_first") && err.contains("fifo"),
        "{err}"
    );
    let err = rejected("[[strategies]]\nname = \"x\"\nreroute = \"sometimes\"\n");
    assert!(err.contains("on_closure"), "{err}");
    let err = rejected("[[disruptions]]\nkind = \"flood\"\nat = 100\n");
    assert!(
        err.contains("earthquake") && err.contains("closure"),
        "{err}"
    );
}
