//! The strategy knobs' values: the enums a `[[strategies]]` entry (and `[scenario]
//! arrangement`) sets, read by the decision rules. They live here, beside [`super::Strategy`],
//! below the scenario; `scenario::file` re-exports them for the file format (their doc
//! comments are the JSON schema's descriptions).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Queue discipline in handling and inspection queues.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    /// First come, first served.
    Fifo,
    /// Trusted shipments first: a priority lane a free server takes first (non-preemptive).
    TrustedFirst,
}

/// Whose programme members count as trusted for priority.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Recognition {
    /// Only the members of the node's own country's programmes.
    Own,
    /// Members of partner programmes recognised through arrangements too.
    Mutual,
}

/// Whether shipments re-plan around closures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Reroute {
    /// Carriers keep the booked route and port whatever happens.
    None,
    /// Shipments re-plan around closed nodes and routes, and carriers choose among the
    /// destination and `alternates`.
    OnClosure,
}

/// When a strategy's knobs apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum When {
    /// Only at disruption-affected nodes, while the disruption lasts there.
    Disrupted,
    /// Everywhere, all the time.
    Always,
}

/// How a partner administration learns that a country raised or lowered its alert level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AlertNotice {
    /// It does not: no pre-departure screening for the alerting country.
    None,
    /// After the arrangement's `alert_notice` delay, for raising and for relaxing.
    Routine,
    /// At once (joint business continuity): the partner raises and relaxes together.
    Shared,
}

/// Whether the `[[arrangements]]` are in force (MRA Sections III.A–B): with `none`, each
/// customs administration treats only its own programmes' members as trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Arrangement {
    /// The partner programmes recognised through arrangements count as trusted in
    /// routine risk assessment.
    InForce,
    /// A world without the arrangements: partner members are assessed as ordinary.
    None,
}

/// What carriers and shippers know when they review their choices (docs/model.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Information {
    /// Closure schedules, capacity and queues shared by both administrations with the
    /// trade as they change (MRA Section III.C): reviews also at every closure and
    /// reopening, a closure's announced end known.
    Shared,
    /// Only what each sees itself, at its periodic reviews: a closure's end is not known
    /// and is guessed as long again as it has lasted.
    Own,
}

/// How fast a partner customs learns that a programme revoked members.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Notice {
    /// After the arrangement's `revocation_notice` delay (MRA Section III.E).
    Arrangement,
    /// At once (shared through the joint business-continuity mechanism).
    Prompt,
}
