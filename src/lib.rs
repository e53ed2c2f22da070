//! # tradesim
//!
//! A discrete-event simulator of trade disruptions and business continuity: ports,
//! airports and land borders joined by routes, cargo flowing between them as shipments
//! (some from trusted traders: C-TPAT, Japan's AEO, recognised by each other under the
//! 2009 US–Japan Mutual Recognition Arrangement), customs clearing it.
//!
//! How the pieces meet (ARCHITECTURE.md has the full map onto MODEL.md):
//!
//! - [`scenario`] reads a scenario file (and the files it `extends`, merged by
//!   [`scenario::compose`]) and validates it into a [`scenario::Scenario`], which holds
//!   the [`strategy`] knobs to compare;
//! - [`network`] holds the petgraph graph and routes by shortest expected transit;
//! - [`engine`] runs one replication of one strategy as discrete events over plain state
//!   vectors, asking the strategy's decisions of a [`policy::Policy`] and drawing from the
//!   random [`streams`];
//! - [`measure`] records what happens; [`experiment`] runs replications in parallel and
//!   summarises them; [`sweep`] runs a scenario at many points of its keys; [`report`]
//!   writes the results; [`cli`] is the command line.
//!
//! ```
//! use tradesim::scenario::{Format, Scenario};
//! use tradesim::engine::{RunOptions, run_replication};
//!
//! let text = r#"
//! [scenario]
//! name = "mm1"
//! horizon = 500
//! warmup = 50
//! [[countries]]
//! code = "JP"
//! [[nodes]]
//! id = "JPTYO"
//! kind = "seaport"
//! country = "JP"
//! lat = 35.62
//! lon = 139.79
//! servers = 1
//! service = { dist = "exponential", mean = 0.1 }
//! [[flows]]
//! id = "local"
//! origin = "JPTYO"
//! destination = "JPTYO"
//! rate_per_day = 5
//! "#;
//! let scenario = Scenario::parse(text, "mm1.toml", Format::Toml).unwrap();
//! let result = run_replication(&scenario, 0, 0, scenario.seed, RunOptions::default()).unwrap();
//! let utilisation = result.values[tradesim::measure::MeasureSchema::node_offset(0) + 1];
//! assert!((utilisation - 0.5).abs() < 0.05); // ρ = λ/μ = 5/10
//! ```

// Every public item says what it is and why (issue 21); clippy -D warnings enforces it.
#![warn(missing_docs)]

#[cfg(feature = "bench")]
pub mod benchmark;
pub mod budget;
pub mod cli;
pub mod disruption;
pub mod distribution;
pub mod engine;
pub mod experiment;
pub mod ids;
pub mod input;
pub mod io;
pub mod lock;
pub mod measure;
pub mod network;
pub mod policy;
pub mod quantile;
pub mod report;
pub mod risk;
pub mod scenario;
pub mod strategy;
pub mod streams;
pub mod sweep;
pub mod time;
