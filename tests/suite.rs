//! The integration test suite: one test binary (`cargo test --release`), a module per
//! topic in `tests/suite/`. A crate root's modules resolve beside it, hence the paths.
//!
//! - `validation`: closed forms (Erlang C, M/M/1, Jackson tandem), Little's law, utilisation;
//! - `accounting`: every shipped scenario, every strategy, audited shipment balance;
//! - `bad_input`: scenario and flag errors through the binary (exit 2, file:line:column, key);
//! - `determinism`: bit-identical results whatever the thread count; seeds matter;
//! - `cli`: the result files' shape, `validate`, `--help`;
//! - `recovery`: disruptions, strategies and recovery measures on small known networks;
//! - `disruption_input`: bad disruption and strategy input.

#[path = "suite/common.rs"]
mod common;

#[path = "suite/accounting.rs"]
mod accounting;
#[path = "suite/bad_input.rs"]
mod bad_input;
#[path = "suite/cli.rs"]
mod cli;
#[path = "suite/determinism.rs"]
mod determinism;
#[path = "suite/disruption_input.rs"]
mod disruption_input;
#[path = "suite/recovery.rs"]
mod recovery;
#[path = "suite/validation.rs"]
mod validation;
