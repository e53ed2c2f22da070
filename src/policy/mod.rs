//! Strategies: the named sets of knobs that are compared (MODEL.md, "Strategies"), and
//! the decisions the engine asks of them.
//! A strategy changes only what happens at disruption-affected places and times
//! (`when = "disrupted"`), or everywhere (`when = "always"`).
//!
//! How the pieces meet: a [`Strategy`] is the knobs (validated from the scenario file,
//! or a preset; it lives in [`crate::strategy`], below the scenario, and is re-exported
//! here); [`Policy`] (in `policy/rules.rs`) is the one interface through which the
//! engine asks for every strategy decision, and [`Builtin`] its rules as the knobs say;
//! `policy/ports.rs` holds what the engine tells it when carriers choose a port
//! ([`PortOptions`]) and the built-in choice ([`quickest_by_margin`]).
//! The engine runs one `Strategy` under one `Policy` (`engine::Simulation::with_policy`;
//! `Simulation::new` takes `Builtin`).

mod ports;
mod rules;

pub use crate::strategy::{
    AlertNotice, Arrangement, Information, Mechanism, Notice, Prefix, Priority, Recognition,
    Reroute, Strategy, When, ablation_strategies, is_ablation_name,
};
pub use ports::{
    PortOptions, SWITCH_MARGIN_DAYS, SWITCH_MARGIN_SHARE, quickest_by_margin, switch_margin,
};
pub use rules::{Builtin, Joining, Lane, Policy, Treatment};
