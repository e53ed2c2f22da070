//! Robust input and output: the committed JSON Schema is what `tradesim schema` prints;
//! a run that cannot write its results exits 2 with a clear message and leaves the
//! earlier results in the folder as they were (a final rename that fails, a full disk);
//! thousands of scenario errors are listed up to a cap, with a total.

use crate::common::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use tradesim::scenario::{Format, Scenario};

/// A one-port scenario that runs in a blink; `seed` changes every result file.
fn tiny_scenario(seed: u64) -> String {
    format!(
        r#"
[scenario]
name = "tiny"
horizon = 60
warmup = 5
seed = {seed}
replications = 2

[[countries]]
code = "JP"

[[nodes]]
id = "P"
kind = "seaport"
country = "JP"
lat = 35.0
lon = 139.0
servers = 2
service = {{ dist = "exponential", mean = 0.1 }}

[[flows]]
id = "P-P"
origin = "P"
destination = "P"
rate_per_day = 8
"#
    )
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write a test file");
    p
}

/// Every regular file under `dir` (plots/ too) but the lock file, by path relative to `dir`, with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, files: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).expect("read the output folder") {
            let e = e.expect("entry");
            let path = e.path();
            let kind = e.file_type().expect("file type");
            if kind.is_dir() {
                walk(root, &path, files);
            } else if kind.is_file() && !e.file_name().to_string_lossy().ends_with(".lock") {
                // The lock file is not a result: it names the last run that held the folder.
                let bytes = std::fs::read(&path).expect("read a result file");
                let rel = path.strip_prefix(root).unwrap_or(&path);
                files.insert(rel.to_string_lossy().into_owned(), bytes);
            }
        }
    }
    let mut files = BTreeMap::new();
    walk(dir, dir, &mut files);
    files
}

/// Names in `dir` that a failed run must not leave behind.
fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .expect("read the output folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-") || n.contains("probe") || n.ends_with(".partial"))
        .collect()
}

fn run_tiny(scenario: &Path, out: &Path) -> std::process::Output {
    run_bin([
        "run".as_ref(),
        scenario.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
        "--quiet".as_ref(),
    ])
}

#[test]
fn committed_schema_is_up_to_date() {
    let out = run_bin(["schema"]);
    let (stdout, stderr) = texts(&out);
    assert_eq!(out.status.code(), Some(0), "tradesim schema: {stderr}");
    let committed_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/scenario.schema.json");
    let committed = std::fs::read_to_string(&committed_path).unwrap_or_default();
    assert!(
        committed == stdout,
        "docs/scenario.schema.json is not what `tradesim schema` prints; regenerate it with\n  \
         cargo run --release -- schema > docs/scenario.schema.json"
    );
    let v: serde_json::Value = serde_json::from_str(&stdout).expect("the schema is JSON");
    assert_eq!(v["$schema"], "http://json-schema.org/draft-07/schema#");
    for def in [
        "Days",
        "Distribution",
        "DistributionTable",
        "NodeFile",
        "DisruptionFile",
    ] {
        assert!(
            v["definitions"][def].is_object(),
            "no definition `{def}` in the schema"
        );
    }
    // A whole scenario needs its sections; a file that `extends` others (or a network
    // without `[scenario] name`) is a fragment whose keys are checked but none required.
    assert_eq!(
        v["else"]["required"],
        serde_json::json!(["scenario", "nodes", "flows"])
    );
    assert_eq!(v["else"]["additionalProperties"], false);
    assert_eq!(
        v["if"]["anyOf"][0]["required"],
        serde_json::json!(["extends"])
    );
    assert_eq!(v["then"]["additionalProperties"], false);
    assert!(v["then"].get("required").is_none());
    assert!(v["definitions"]["FlowFile"]["required"].is_array());
    assert!(v["definitions"]["FragmentFlowFile"].is_object());
    assert!(
        v["definitions"]["FragmentFlowFile"]
            .get("required")
            .is_none()
    );
}

/// The final rename of `summary.json` fails (a folder is in its place): exit 2, the message
/// names the file, every other earlier result is byte for byte as it was, and nothing
/// temporary is left.
#[test]
fn a_failed_final_write_leaves_earlier_results_untouched() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("out");
    let first = write(dir.path(), "first.toml", &tiny_scenario(1));
    let second = write(dir.path(), "second.toml", &tiny_scenario(2));
    let ok = run_tiny(&first, &out);
    assert_eq!(ok.status.code(), Some(0), "first run: {}", texts(&ok).1);
    let mut before = snapshot(&out);
    assert!(before.contains_key("replications.csv") && before.contains_key("timeseries.csv"));

    before.remove("summary.json");
    std::fs::remove_file(out.join("summary.json")).expect("remove summary.json");
    std::fs::create_dir(out.join("summary.json")).expect("a folder in its place");
    std::fs::write(out.join("summary.json").join("keep"), b"x").expect("non-empty folder");
    before.insert("summary.json/keep".into(), b"x".to_vec());

    let failed = run_tiny(&second, &out);
    let (_, stderr) = texts(&failed);
    assert_eq!(failed.status.code(), Some(2), "second run: {stderr}");
    assert!(
        stderr.contains("summary.json") && stderr.contains("error"),
        "the message does not name summary.json: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(snapshot(&out), before, "earlier results were changed");
    assert_eq!(
        leftovers(&out),
        Vec::<String>::new(),
        "temporary files left"
    );
}

/// Unmounts the tmpfs at the end of the test, passed or failed.
struct Mount(PathBuf);

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

/// Fills the file system holding `dir` until a write fails.
fn fill(dir: &Path) {
    use std::io::Write;
    let mut f = std::fs::File::create(dir.join("filler")).expect("create the filler");
    let chunk = vec![0u8; 4096];
    while f.write_all(&chunk).and_then(|_| f.sync_all()).is_ok() {}
}

/// A full disk (a 4 MiB tmpfs, filled up): exit 2 with "No space left on device" and the
/// folder, earlier results untouched, nothing temporary left. Skipped where mounting is
/// not permitted (not root, or in a container without the capability).
#[test]
fn a_full_disk_leaves_earlier_results_untouched() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mnt = dir.path().join("mnt");
    std::fs::create_dir(&mnt).expect("mount point");
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=4m", "tmpfs"])
        .arg(&mnt)
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        eprintln!("skipped: cannot mount a tmpfs here (needs root)");
        return;
    }
    let _unmount = Mount(mnt.clone());
    let out = mnt.join("out");
    let first = write(dir.path(), "first.toml", &tiny_scenario(1));
    let second = write(dir.path(), "second.toml", &tiny_scenario(2));
    let ok = run_tiny(&first, &out);
    assert_eq!(ok.status.code(), Some(0), "first run: {}", texts(&ok).1);
    let before = snapshot(&out);

    fill(&mnt);
    let failed = run_tiny(&second, &out);
    let (_, stderr) = texts(&failed);
    assert_eq!(
        failed.status.code(),
        Some(2),
        "run on a full disk: {stderr}"
    );
    assert!(
        stderr.contains("No space left on device") && stderr.contains(&*out.to_string_lossy()),
        "unclear message: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(snapshot(&out), before, "earlier results were changed");
    assert_eq!(
        leftovers(&out),
        Vec::<String>::new(),
        "temporary files left"
    );

    // Room again: the same folder takes the new results.
    std::fs::remove_file(mnt.join("filler")).expect("remove the filler");
    let again = run_tiny(&second, &out);
    assert_eq!(
        again.status.code(),
        Some(0),
        "after freeing space: {}",
        texts(&again).1
    );
    assert_ne!(snapshot(&out), before, "the new results replace the old");
}

/// 3,000 dangling references: the first errors are listed with positions and suggestions,
/// the rest counted in one last entry, and it stays fast.
#[test]
fn thousands_of_errors_are_capped_and_cheap() {
    let mut text = tiny_scenario(1);
    for i in 0..3000 {
        text.push_str(&format!(
            "\n[[flows]]\nid = \"f{i}\"\norigin = \"Q\"\ndestination = \"P\"\nrate_per_day = 0.001\n"
        ));
    }
    let started = std::time::Instant::now();
    let errors = match Scenario::parse(&text, "many.toml", Format::Toml) {
        Ok(_) => panic!("3,000 dangling references validated"),
        Err(e) => e.0,
    };
    let took = started.elapsed().as_secs_f64();
    assert_eq!(errors.len(), 101, "100 listed and a total");
    assert!(errors[0].line > 0, "listed errors have a position");
    assert_eq!(errors[0].key, "flows[1].origin");
    assert!(
        errors[0]
            .help
            .as_deref()
            .unwrap_or("")
            .contains("did you mean `P`?"),
        "{:?}",
        errors[0].help
    );
    let last = errors.last().map(|e| e.message.clone()).unwrap_or_default();
    assert!(
        last.contains("2900 more problems") && last.contains("3000 in all"),
        "{last}"
    );
    assert!(took < 5.0, "3,000 errors took {took:.2} s");
}
