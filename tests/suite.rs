//! The integration test suite: one test binary (`cargo test --release`), a module per
//! topic in `tests/suite/`. A crate root's modules resolve beside it, hence the paths.
//!
//! - `validation`: closed forms (Erlang C, M/M/1, Jackson tandem), Little's law, utilisation;
//! - `arrangement`: the Arrangement as a switch (no-mra vs recognition), revocation
//!   exposure;
//! - `ablation`: `--ablation` (which mechanism buys what): additivity, shards, the key;
//! - `accounting`: every shipped scenario, every strategy, audited shipment balance;
//! - `bad_input`: scenario and flag errors through the binary (exit 2, file:line:column, key);
//! - `compose`: scenarios that `extend` a network (issue 19): merge rules, errors in the
//!   file that wrote the key, flattened text, sweeps over a base's keys, shards;
//! - `demand`: shippers' response to expected delay (defer, cancel, shift; information);
//! - `determinism`: bit-identical results whatever the thread count; seeds matter;
//! - `cli`: the result files' shape, `validate`, `--help`;
//! - `recovery`: disruptions, strategies and recovery measures on small known networks;
//! - `disruption_input`: bad disruption and strategy input;
//! - `divert`: carriers' port choice (diversion in the West Coast closure, reviews);
//! - `experiments`: branching at the onset, threads, shards and merge, checkpoint/resume
//!   after SIGKILL, `--target-ci`, paired differences, experiment flag errors;
//! - `fuzz_corpus`: the minimised fuzzing corpus (`fuzz/corpus-min/`) replayed;
//! - `guards`: the output folder's lock, merge provenance (rows checksums), bounded input,
//!   the memory budget, input caps (issue 18);
//! - `policy`: a toy strategy rule added through `policy::Policy` changes the outcome;
//! - `properties`: random valid scenarios (proptest): audited accounting, no negative
//!   measure, determinism;
//! - `robustness`: the committed JSON Schema, failed and full-disk writes, error caps;
//! - `sweep`: sweeps over scenario keys (issue 19): a no-op point is the plain run bit for
//!   bit, a longer closure recovers later, errors name the point;
//! - `series`: the scoped daily series of `timeseries.csv` (node, country, flow);
//! - `scale`: a 10 MB, 5,000-node scenario loads and validates in seconds.

#[path = "suite/common.rs"]
mod common;

#[path = "suite/ablation.rs"]
mod ablation;
#[path = "suite/accounting.rs"]
mod accounting;
#[path = "suite/arrangement.rs"]
mod arrangement;
#[path = "suite/bad_input.rs"]
mod bad_input;
#[path = "suite/cli.rs"]
mod cli;
#[path = "suite/compose.rs"]
mod compose;
#[path = "suite/continuity.rs"]
mod continuity;
#[path = "suite/demand.rs"]
mod demand;
#[path = "suite/determinism.rs"]
mod determinism;
#[path = "suite/disruption_input.rs"]
mod disruption_input;
#[path = "suite/divert.rs"]
mod divert;
#[path = "suite/experiments.rs"]
mod experiments;
#[path = "suite/fuzz_corpus.rs"]
mod fuzz_corpus;
#[path = "suite/guards.rs"]
mod guards;
#[path = "suite/policy.rs"]
mod policy;
#[path = "suite/properties.rs"]
mod properties;
#[path = "suite/recovery.rs"]
mod recovery;
#[path = "suite/report.rs"]
mod report;
#[path = "suite/robustness.rs"]
mod robustness;
#[path = "suite/scale.rs"]
mod scale;
#[path = "suite/series.rs"]
mod series;
#[path = "suite/sweep.rs"]
mod sweep;
#[path = "suite/validation.rs"]
mod validation;
