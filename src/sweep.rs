//! Sweeps: one scenario run at many points of its keys, and what the points tell.
//!
//! A sweep names scenario keys by path ([`path`]: `disruptions.lockout.duration`), gives
//! each a list or a range of values, and a [`design`] chooses the points: full factorial,
//! Latin hypercube, one key at a time, or Morris trajectories. Each point is the scenario
//! with its keys set in the scenario's own text (so validation errors still point at the
//! user's line), run as usual with common random numbers across points. [`sensitivity`]
//! turns a measure at every point into a tornado (one key at a time) or Morris elementary
//! effects (μ*, σ): which keys a result such as the joint − baseline time to recover
//! depends on most.

pub mod design;
pub mod path;
pub mod run;
pub mod sensitivity;
pub mod spec;
