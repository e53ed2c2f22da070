//! Arbitrary bytes into `tradesim merge`'s reader, as the command runs it up to writing:
//! the input is split at its first NUL byte into a shard file (JSON) and its rows file
//! (CSV), both written to a scratch folder as shard 1 of 1; then `store::merge` (parse,
//! shard number, identity, the scenario inside, the tallies' fit), `store::merged_rows`
//! (size and checksum, header, widths, count) and the summary of the merged aggregate.
//! Errors are fine; a panic, an abort or a stack overflow is a bug.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tradesim::experiment::store;

fuzz_target!(|data: &[u8]| {
    let (shard, rows) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let dir = std::env::temp_dir().join(format!("tradesim-fuzz-shard-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    if std::fs::write(dir.join("shard-1-of-1.json"), shard).is_err()
        || std::fs::write(dir.join("shard-1-of-1.replications.csv"), rows).is_err()
    {
        return;
    }
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
