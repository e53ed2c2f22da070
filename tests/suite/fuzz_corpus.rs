//! The fuzzing corpus on every `cargo test` (stable Rust, no libFuzzer): each input in
//! `fuzz/corpus-min/` goes through what its fuzz target does (`fuzz/fuzz_targets/`), so a
//! regression on an input fuzzing once reached shows in CI. docs/robustness.md says how
//! the corpus was made (set-cover merge of the fuzzing runs' corpora).

use std::path::{Path, PathBuf};
use tradesim::experiment::store;
use tradesim::scenario::{Format, Scenario};

fn corpus(target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus-min")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    files
}

/// Runs `f` on every input of `target`'s corpus; names the inputs that panicked.
fn replay(target: &str, min: usize, f: impl Fn(&[u8]) + std::panic::RefUnwindSafe) {
    let files = corpus(target);
    assert!(
        files.len() >= min,
        "only {} inputs in fuzz/corpus-min/{target}",
        files.len()
    );
    let failed: Vec<String> = files
        .iter()
        .filter(|p| {
            let data = std::fs::read(p).expect("read a corpus input");
            std::panic::catch_unwind(|| f(&data)).is_err()
        })
        .map(|p| p.display().to_string())
        .collect();
    assert!(
        failed.is_empty(),
        "{} inputs panicked: {failed:?}",
        failed.len()
    );
}

/// As `fuzz/fuzz_targets/scenario.rs`.
#[test]
fn scenario_corpus_replays_without_a_panic() {
    replay("scenario", 100, |data| {
        let text = String::from_utf8_lossy(data);
        for format in [Format::Toml, Format::Json] {
            match Scenario::parse(&text, "fuzz.scenario", format) {
                Ok(s) => {
                    let _ = tradesim::cli::validation_summary("fuzz.scenario", &s);
                    let _ = tradesim::budget::queue_estimates(&s);
                }
                Err(errors) => {
                    let handler = miette::GraphicalReportHandler::new_themed(
                        miette::GraphicalTheme::unicode_nocolor(),
                    );
                    for e in &errors.0 {
                        let mut out = String::new();
                        let _ = handler.render_report(&mut out, e);
                    }
                    let _ = errors.to_string();
                }
            }
        }
    });
}

/// As `fuzz/fuzz_targets/shard.rs`: shard file, NUL, rows file; merged as shard 1 of 1.
#[test]
fn shard_corpus_replays_without_a_panic() {
    let dir = tempfile::tempdir().expect("temp dir");
    let dir = dir.path().to_path_buf();
    replay("shard", 1, move |data| {
        let (shard, rows) = match data.iter().position(|&b| b == 0) {
            Some(i) => (&data[..i], &data[i + 1..]),
            None => (data, &[][..]),
        };
        std::fs::write(dir.join("shard-1-of-1.json"), shard).expect("write");
        std::fs::write(dir.join("shard-1-of-1.replications.csv"), rows).expect("write");
        if let Ok(merged) = store::merge(std::slice::from_ref(&dir), 1 << 24)
            && store::merged_rows(&merged, 1 << 24).is_ok()
        {
            let outcome = tradesim::experiment::outcome(
                &merged.scenario,
                merged.plan,
                merged.aggregate,
                merged.seconds,
            );
            let _ = tradesim::report::console_table(&merged.scenario, &outcome);
        }
    });
}

/// The shard seed is a real shard: it merges (so the replay reaches the summary).
#[test]
fn the_shard_seed_merges() {
    let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds-shard/tiny.bin");
    let data = std::fs::read(&seed).expect("the shard seed");
    let i = data.iter().position(|&b| b == 0).expect("a NUL");
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("shard-1-of-1.json"), &data[..i]).expect("write");
    std::fs::write(
        dir.path().join("shard-1-of-1.replications.csv"),
        &data[i + 1..],
    )
    .expect("write");
    let merged = store::merge(&[dir.path().to_path_buf()], 1 << 24).expect("the seed merges");
    store::merged_rows(&merged, 1 << 24).expect("its rows check");
}
