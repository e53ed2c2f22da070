//! `[sweep]` as written: the keys to vary and how (checked and run by `crate::sweep`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// `[sweep]`: the keys to vary, how to choose their points, and the measure whose
/// sensitivity to them is reported.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SweepFile {
    /// How the points are chosen. Default `factorial`.
    #[serde(default)]
    pub design: SweepDesignFile,
    /// Points of a `latin_hypercube` design. Default 10.
    pub samples: Option<u64>,
    /// Trajectories of a `morris` design (each one point more than there are keys).
    /// Default 10.
    pub trajectories: Option<u64>,
    /// Seed of a sampled design (`latin_hypercube`, `morris`); the replications' seed
    /// stays the scenario's. Default: the scenario's seed.
    pub seed: Option<u64>,
    /// The measure whose sensitivity to the keys is screened, as a difference of
    /// `strategy` from baseline. Default `recovery.system.ttr_days`.
    pub measure: Option<String>,
    /// The strategy of that difference. Default `joint`.
    pub strategy: Option<String>,
    /// The keys to vary, each with its values.
    pub keys: Vec<SweepKeyFile>,
}

/// How a sweep chooses its points.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SweepDesignFile {
    /// Every combination of every key's values.
    #[default]
    Factorial,
    /// `samples` points spread over every key's range (seeded).
    LatinHypercube,
    /// A base point (every key at its middle value), then each key at each of its values
    /// with the others at base: a tornado of the measure.
    OneAtATime,
    /// Morris elementary-effects trajectories (seeded): the keys ranked by influence.
    Morris,
}

/// One swept key: `key` with either a list of `values` or a numeric `range`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SweepKeyFile {
    /// The key's path: `disruptions.lockout.duration`, `nodes.USLAX.servers`,
    /// `flows.*.traders.*.share` (an element of a list by its `id`, `code` or `name`, by
    /// position, or `*` for all).
    pub key: String,
    /// The values, in order (numbers, strings such as "36h", booleans).
    pub values: Option<Vec<serde_json::Value>>,
    /// A numeric interval [low, high]; whole-number ends give whole numbers.
    pub range: Option<[f64; 2]>,
    /// Evenly spaced values of `range` for grid designs, both ends included. Default 5.
    pub steps: Option<u64>,
    /// The values are factors that multiply the key's own number(s) rather than replace
    /// them. Default false.
    #[serde(default)]
    pub scale: bool,
}
