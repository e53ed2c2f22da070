//! The scenario file exactly as written (TOML, or JSON with the same keys), before any
//! checking beyond types. `validate` turns it into a [`crate::scenario::Scenario`].
//!
//! Every struct denies unknown keys so a misspelt key is an error, not a silent default.

use crate::distribution::{DistSpec, DistributionField, deserialize_dist, deserialize_opt_dist};
use crate::time::Days;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The strategy knobs' enums live in `strategy`, beside the `Strategy` they make up.
pub use crate::strategy::{
    AlertNotice, Arrangement, Information, Notice, Priority, Recognition, Reroute, When,
};

mod schema;
mod sweep;
pub use schema::json_schema;
pub use sweep::{SweepDesignFile, SweepFile, SweepKeyFile};

/// The whole file.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "tradesim scenario",
    description = "A tradesim scenario file (TOML, or JSON with the same keys). Reference: docs/scenarios.md."
)]
pub struct ScenarioFile {
    /// Files this scenario builds on (a network, shared strategies): a path relative to
    /// this file, or a list applied in order; this file's keys merge over theirs
    /// (docs/scenarios.md, "Composition"). Only the scenario as composed must be whole.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extends: Option<Extends>,
    /// The run's settings: name, horizon, replications, measures.
    pub scenario: ScenarioSection,
    /// `[[countries]]`: customs territories and their alert levels. Default none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub countries: Vec<CountryFile>,
    /// `[[nodes]]`: the facilities (ports, border crossings, hubs).
    pub nodes: Vec<NodeFile>,
    /// `[[routes]]`: the links between nodes. Default none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub routes: Vec<RouteFile>,
    /// `[[flows]]`: the demand, in shipments a day between an origin and a destination.
    pub flows: Vec<FlowFile>,
    /// `[[programmes]]`: trusted-trader programmes (C-TPAT, AEO). Default none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub programmes: Vec<ProgrammeFile>,
    /// `[[arrangements]]`: mutual recognition between programmes. Default none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub arrangements: Vec<ArrangementFile>,
    /// `[[strategies]]`: strategies compared with the presets (`no-mra`, `baseline`,
    /// `unilateral`, `joint`). Default none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub strategies: Vec<StrategyFile>,
    /// `[[disruptions]]`: earthquakes, alerts, closures and revocations. Default none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub disruptions: Vec<DisruptionFile>,
    /// Shippers' response to the delay they expect (defer, cancel, shift to a substitute
    /// flow), for every flow; a flow's own `response` overrides it key by key. Default:
    /// none (demand keeps its rate whatever the delay).
    #[serde(default)]
    pub response: Option<ResponseFile>,
    /// Run the scenario at many points of its keys (docs/experiments.md). A scenario
    /// without it runs once.
    #[serde(default)]
    pub sweep: Option<SweepFile>,
}

/// `extends`: one file or several.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum Extends {
    /// One file.
    One(String),
    /// Several, merged in order (a later one's keys win).
    Many(Vec<String>),
}

/// `[response]` (or a flow's `response`): what shippers do when the delay they expect on
/// their flow passes a threshold (docs/model.md, "Demand response").
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResponseFile {
    /// Expected extra delay above which a shipper acts, by class (e.g. "7d").
    #[serde(default)]
    pub threshold: Option<ClassDaysFile>,
    /// Share of the shippers above the threshold who defer (ship `defer_for` later).
    #[serde(default)]
    #[schemars(range(min = 0, max = 1))]
    pub defer: Option<f64>,
    /// Share who cancel (the trade is lost).
    #[serde(default)]
    #[schemars(range(min = 0, max = 1))]
    pub cancel: Option<f64>,
    /// Share who shift to the least delayed of the flow's `substitutes` (another port or
    /// mode); if every substitute is as delayed, they defer.
    #[serde(default)]
    #[schemars(range(min = 0, max = 1))]
    pub shift: Option<f64>,
    /// How long deferred cargo waits before it ships whatever the delay.
    #[serde(default)]
    pub defer_for: Option<Days>,
}

/// A duration by trader class.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClassDaysFile {
    /// For trusted traders' shipments.
    pub trusted: Days,
    /// For all others.
    pub ordinary: Days,
}

/// `[scenario]`: run settings.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScenarioSection {
    /// Names the output folder `outputs/<name>/`; letters, digits, `-`, `_`, `.`.
    #[schemars(pattern(r"^[A-Za-z0-9_-][A-Za-z0-9._-]*$"))]
    pub name: String,
    /// One or two sentences: what question this scenario answers.
    #[serde(default)]
    pub description: Option<String>,
    /// The scenario's own assumptions and limits, one plain sentence each; the report
    /// lists them under "Limitations" after the model's. Default none.
    #[serde(default)]
    pub assumptions: Option<Vec<String>>,
    /// Simulated length of a replication, days (or "20w").
    pub horizon: Days,
    /// Initial period ignored by every measure (the network starts empty). Default 0.
    #[serde(default)]
    pub warmup: Option<Days>,
    /// Master seed. Default 1.
    #[serde(default)]
    pub seed: Option<u64>,
    /// Replications per strategy. Default 1.
    #[serde(default)]
    #[schemars(range(min = 1))]
    pub replications: Option<u64>,
    /// Containers (TEU) a shipment stands for. Default 1.
    #[serde(default)]
    pub teu_per_shipment: Option<f64>,
    /// Days before the first onset that define the baseline. Default 28.
    #[serde(default)]
    pub baseline_days: Option<Days>,
    /// Days in a row the recovery condition must hold. Default 7.
    #[serde(default)]
    pub window_days: Option<Days>,
    /// Relative band around the baseline for recovery. Default 0.05.
    #[serde(default)]
    #[schemars(range(min = 0, max = 1))]
    pub tolerance: Option<f64>,
    /// Days a return to the band must last (or reach the horizon) to count as the
    /// sustained recovery; shorter returns are relapses. Default 28.
    #[serde(default)]
    pub hold_days: Option<Days>,
    /// Run replications until a paired difference with baseline is known to this
    /// precision, up to `replications` (the cap). `--target-ci` overrides it.
    #[serde(default)]
    pub target_ci: Option<TargetCiFile>,
    /// Strategies run by default (names of presets or of `[[strategies]]`). Default: all.
    #[serde(default)]
    pub strategies: Option<Vec<String>>,
    /// Days between carriers' reviews of the port each diverting flow is sent to (strategies
    /// with `reroute = "on_closure"`, flows with `alternates`): a whole number ≥ 1. Default 7.
    #[serde(default)]
    pub review_days: Option<Days>,
    /// Whether the `[[arrangements]]` are in force, for every strategy that does not set
    /// its own `arrangement` (presets included, except `no-mra`): `in_force` or `none`.
    /// Default `in_force`.
    #[serde(default)]
    pub arrangement: Option<Arrangement>,
    /// Memory a run may use for the shipments in its network, e.g. "8GiB" (units B, KiB,
    /// MiB, GiB, TiB; K/M/G/T and KB/MB/GB/TB mean the same). `--memory-budget` overrides
    /// it. Default: three quarters of the machine's memory.
    #[serde(default)]
    pub memory_budget: Option<String>,
    /// Scopes whose daily series `timeseries.csv` also gets, beyond the system's: any of
    /// "node", "country", "flow" (docs/outputs.md gives each scope's series and the file
    /// size). `tradesim run --timeseries-scopes` overrides it. Default: none.
    #[serde(default)]
    pub timeseries_scopes: Option<Vec<ScopeKindFile>>,
    /// Run the mechanism ablation by default: `baseline`, `joint`, each of joint's
    /// mechanisms added alone to baseline (`baseline+<knob>`) and each left out of joint
    /// (`joint-<knob>`), as `tradesim run --ablation` does. Default false.
    #[serde(default)]
    pub ablation: Option<bool>,
}

/// A kind of scope with daily series in `timeseries.csv` (`timeseries_scopes`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ScopeKindFile {
    /// Per node: throughput, deliveries, shipments at the node, berth queue, working servers.
    Node,
    /// Per destination country: arrivals, deliveries and WIP of the cargo bound for it.
    Country,
    /// Per flow: deliveries.
    Flow,
}

/// `[scenario.target_ci]`: when a run has enough replications.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetCiFile {
    /// Largest 95% CI half-width of each targeted difference: days (a number or "3d") or
    /// a share of the difference's size ("50%": the difference is then resolved, its CI
    /// excluding 0, when the target is met).
    pub half_width: HalfWidthFile,
    /// Measures whose strategy − baseline differences are targeted, e.g.
    /// "recovery.system.ttr_days" (Kaplan–Meier median) or
    /// "recovery.class.trusted.resilience_loss_days" (mean). Default: the system's time
    /// to recover.
    #[serde(default)]
    pub measures: Option<Vec<String>>,
    /// Strategies whose differences from baseline are targeted, e.g. ["joint"]. Default:
    /// every strategy of the run but baseline.
    #[serde(default)]
    pub strategies: Option<Vec<String>>,
}

/// A half-width: days, or a percentage of the estimate ("50%").
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum HalfWidthFile {
    /// A number of days, e.g. 3.
    Days(f64),
    /// A duration such as "3d", or a share of the estimate such as "50%".
    Text(String),
}

/// `[[countries]]`: a customs territory with its security alert level.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CountryFile {
    /// ISO 3166 alpha-2, e.g. "JP".
    #[schemars(pattern(r"^[A-Z]{2}$"))]
    pub code: String,
    /// Display name. Default none.
    #[serde(default)]
    pub name: Option<String>,
    /// Alert level at the start: 1 normal, 2 elevated, 3 imminent. Default 1.
    #[serde(default)]
    #[schemars(range(min = 1, max = 3))]
    pub alert_level: Option<u8>,
    /// Multipliers per alert level; level 1 is 1, 1, 1 unless given.
    #[serde(default)]
    pub alert_levels: Vec<AlertLevelFile>,
    /// Risk-based targeting at this country's customs: a risk score per shipment and a
    /// threshold, instead of the nodes' fixed `inspection_rate` (docs/model.md).
    #[serde(default)]
    pub targeting: Option<TargetingFile>,
}

/// `[countries.targeting]`: inspect the shipments whose risk score is above a threshold
/// set to meet a target rate (docs/model.md, "Risk-based targeting").
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetingFile {
    /// Expected share of imports inspected at alert level 1, normal-time mix; an alert
    /// level's `inspection_rate` multiplies it.
    #[schemars(range(min = 0, max = 1))]
    pub target_rate: f64,
    /// Score shift of a non-compliant shipment, in score units. Default 2.
    #[serde(default)]
    pub separation: Option<f64>,
    /// Standard deviation of the score's noise with customs' own information. Default 1.
    #[serde(default)]
    pub noise: Option<f64>,
    /// The same with the partner's advance cargo data (strategies with
    /// `data_exchange = true`, shipments from a partner country). Default: `noise`.
    #[serde(default)]
    pub noise_shared: Option<f64>,
    /// Score lowered for a shipment trusted in routine assessment (programme validation).
    /// Default 0.
    #[serde(default)]
    pub trusted_discount: Option<f64>,
    /// Score added for shipments from a country, by code, e.g. `{ JP = 0.2 }`. Default 0.
    #[serde(default)]
    pub origin_risk: std::collections::BTreeMap<String, f64>,
    /// Share of non-compliant shipments, by class.
    #[serde(default)]
    pub non_compliant: Option<NonCompliantFile>,
}

/// The seeded share of non-compliant shipments: members of any programme and others.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NonCompliantFile {
    /// The share of trusted shipments (members of any programme) that are non-compliant, in
    /// [0, 1].
    #[schemars(range(min = 0, max = 1))]
    pub trusted: f64,
    /// The share of other shipments that are non-compliant, in [0, 1].
    #[schemars(range(min = 0, max = 1))]
    pub ordinary: f64,
}

/// One alert level's effect on inspections and handling in a country.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AlertLevelFile {
    /// 1, 2 or 3.
    #[schemars(range(min = 1, max = 3))]
    pub level: u8,
    /// Multiplier on every class's inspection rate (result capped at 1). Default 1.
    #[serde(default)]
    pub inspection_rate: Option<f64>,
    /// Multiplier on inspection times. Default 1.
    #[serde(default)]
    pub inspection_time: Option<f64>,
    /// Multiplier on handling (service) times at the country's nodes. Default 1.
    #[serde(default)]
    pub handling_slowdown: Option<f64>,
}

/// `[[nodes]]`: a facility.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NodeFile {
    /// Unique id; the shipped scenarios use UN/LOCODEs ("JPTYO", "USLAX").
    pub id: String,
    /// Display name. Default none.
    #[serde(default)]
    pub name: Option<String>,
    /// Kind of facility.
    pub kind: NodeKind,
    /// ISO 3166 alpha-2 code of the country the node is in.
    pub country: String,
    /// Latitude, degrees.
    #[schemars(range(min = -90, max = 90))]
    pub lat: f64,
    /// Longitude, degrees.
    #[schemars(range(min = -180, max = 180))]
    pub lon: f64,
    /// Parallel service channels (berths, lanes, cranes).
    #[schemars(range(min = 1))]
    pub servers: u32,
    /// Handling time per shipment, days.
    #[serde(deserialize_with = "deserialize_dist")]
    #[schemars(with = "DistributionField")]
    pub service: DistSpec,
    /// Import clearance at this node; without it, shipments entering the country here are
    /// not cleared.
    #[serde(default)]
    pub customs: Option<CustomsFile>,
}

/// The kind of facility.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    /// A seaport.
    Seaport,
    /// An airport.
    Airport,
    /// A land border crossing.
    LandBorder,
    /// An inland hub (dry port, rail or road terminal).
    InlandHub,
}

/// `[nodes.customs]`: import clearance at this node.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomsFile {
    /// Inspection teams (servers) working in parallel.
    #[schemars(range(min = 1))]
    pub inspectors: u32,
    /// Time of a physical inspection, days.
    #[serde(deserialize_with = "deserialize_dist")]
    #[schemars(with = "DistributionField")]
    pub inspection: DistSpec,
    /// Document clearance time of a shipment not inspected, days (a delay, no server).
    #[serde(default, deserialize_with = "deserialize_opt_dist")]
    #[schemars(with = "DistributionField")]
    pub clearance: Option<DistSpec>,
    /// Clearance time of a trusted shipment not inspected; default: `clearance`.
    #[serde(default, deserialize_with = "deserialize_opt_dist")]
    #[schemars(with = "DistributionField")]
    pub trusted_clearance: Option<DistSpec>,
    /// Probability of inspection at alert level 1, by class.
    pub inspection_rate: InspectionRateFile,
}

/// Inspection probability by trader class.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InspectionRateFile {
    /// Probability that a trusted trader's shipment is inspected.
    #[schemars(range(min = 0, max = 1))]
    pub trusted: f64,
    /// Probability that any other shipment is inspected.
    #[schemars(range(min = 0, max = 1))]
    pub ordinary: f64,
}

/// `[[routes]]`: a directed link (or two, with `bidirectional`).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RouteFile {
    /// Optional name, used by closures; default "FROM-TO".
    #[serde(default)]
    pub id: Option<String>,
    /// Node id the route leaves.
    pub from: String,
    /// Node id the route reaches.
    pub to: String,
    /// Transport mode.
    pub mode: Mode,
    /// Transit time, days.
    #[serde(deserialize_with = "deserialize_dist")]
    #[schemars(with = "DistributionField")]
    pub transit: DistSpec,
    /// Departures a day; shipments over it wait at the origin. Default: unlimited.
    #[serde(default)]
    pub capacity_per_day: Option<f64>,
    /// Also create the route `to → from` with the same settings. Default false.
    #[serde(default)]
    pub bidirectional: bool,
}

/// Transport mode of a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// By sea.
    Sea,
    /// By air.
    Air,
    /// By road.
    Road,
    /// By rail.
    Rail,
}

/// `[[flows]]`: demand between an origin and a destination.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FlowFile {
    /// Unique id.
    pub id: String,
    /// Node id where the flow's shipments are created.
    pub origin: String,
    /// Node id where they are delivered.
    pub destination: String,
    /// Mean shipments a day (Poisson arrivals).
    pub rate_per_day: f64,
    /// Seven multipliers, Monday first (day 0 is a Monday); their mean should be 1.
    #[serde(default)]
    #[schemars(length(equal = 7))]
    pub weekly_profile: Option<Vec<f64>>,
    /// Value of a shipment, USD. Default fixed 0.
    #[serde(default, deserialize_with = "deserialize_opt_dist")]
    #[schemars(with = "DistributionField")]
    pub value: Option<DistSpec>,
    /// Explicit node path from origin to destination; default: shortest expected transit.
    #[serde(default)]
    pub path: Option<Vec<String>>,
    /// Ports the cargo may be sent to instead of the destination when the strategy reroutes
    /// (`reroute = "on_closure"`) and the carriers' review finds one quicker to clear
    /// (closure, queue, capacity, customs, extra transit); delivered there. Default none.
    #[serde(default)]
    pub alternates: Vec<String>,
    /// Flows (ids) the flow's shippers may move their cargo to when its expected delay
    /// passes the response threshold: another port of loading or another mode, to a
    /// destination in the same country. Cargo reaches a substitute's origin over the
    /// network's routes (the land leg). Default none.
    #[serde(default)]
    pub substitutes: Vec<String>,
    /// Overrides `[response]` for this flow, key by key.
    #[serde(default)]
    pub response: Option<ResponseFile>,
    /// The trader mix: shares of shipments by programme memberships. Shares sum to ≤ 1;
    /// the rest belong to no programme.
    #[serde(default)]
    pub traders: Vec<TraderFile>,
}

/// A class of traders in a flow.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TraderFile {
    /// Share of the flow's shipments, in (0, 1].
    #[schemars(range(min = 0, max = 1))]
    pub share: f64,
    /// Programme ids the trader is a member of; empty = none.
    #[serde(default)]
    pub programmes: Vec<String>,
}

/// `[[programmes]]`: a trusted-trader programme (C-TPAT, AEO).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProgrammeFile {
    /// Unique id, referred to by flows' `traders` and by arrangements.
    pub id: String,
    /// Display name. Default none.
    #[serde(default)]
    pub name: Option<String>,
    /// The country whose customs runs the programme.
    pub country: String,
}

/// `[[arrangements]]`: mutual recognition between programmes.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ArrangementFile {
    /// Unique id.
    pub id: String,
    /// Display name. Default none.
    #[serde(default)]
    pub name: Option<String>,
    /// Two or more programme ids that recognise each other.
    pub programmes: Vec<String>,
    /// Delay before a partner learns of a revocation (MRA III.E). Default 0.
    #[serde(default)]
    pub revocation_notice: Option<Days>,
    /// Delay before a partner learns of an alert-level change under routine notice
    /// (`alert_notice = "routine"`). Default 2 days [U].
    #[serde(default)]
    pub alert_notice: Option<Days>,
    /// Time a partner's pre-departure screening adds to a shipment bound for a country
    /// on alert. Default 0.1 days [U]: documentary screening of the advance manifest,
    /// mostly inside the 24-hour rule's filing window.
    #[serde(default, deserialize_with = "deserialize_opt_dist")]
    #[schemars(with = "DistributionField")]
    pub screening_time: Option<DistSpec>,
}

/// `[[strategies]]`: a named set of knobs; unset knobs take the `baseline` values.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StrategyFile {
    /// Unique name; not a preset name (`no-mra`, `baseline`, `unilateral`, `joint`).
    pub name: String,
    /// Display text. Default none.
    #[serde(default)]
    pub description: Option<String>,
    /// Queue discipline in handling and inspection queues. Default `fifo`.
    #[serde(default)]
    pub priority: Option<Priority>,
    /// Whose programme members count as trusted for priority: `own` or `mutual`. Default
    /// `own`.
    #[serde(default)]
    pub recognition: Option<Recognition>,
    /// Trusted shipments are exempt from an alert level's rise in inspection rate. Default
    /// false.
    #[serde(default)]
    pub alert_relief: Option<bool>,
    /// Whether shipments re-plan around closed nodes and routes. Default `on_closure`.
    #[serde(default)]
    pub reroute: Option<Reroute>,
    /// Where and when `priority` and `alert_relief` apply. Default `disrupted`.
    #[serde(default)]
    pub when: Option<When>,
    /// When a partner learns of a revocation: after the arrangement's notice delay, or
    /// at once (joint mechanism). Default `arrangement`.
    #[serde(default)]
    pub notice: Option<Notice>,
    /// What carriers and shippers know of closures and capacity: `shared` (the joint
    /// mechanism's information, at once) or `own` (what they see themselves, at their
    /// reviews). Default `own`.
    #[serde(default)]
    pub information: Option<Information>,
    /// Whether the mutual recognition arrangements are in force for this strategy's
    /// routine risk assessment: `in_force` (the 2009 status quo) or `none` (each
    /// administration trusts only its own programme's members). Default: the scenario's
    /// `[scenario] arrangement`, else `in_force`.
    #[serde(default)]
    pub arrangement: Option<Arrangement>,
    /// The partner's advance cargo data sharpens risk scores of its exports (MRA Section
    /// IV; only where a country has `targeting`). Default false.
    #[serde(default)]
    pub data_exchange: Option<bool>,
    /// Priority clearance of trusted cargo on resumption at a reopened port: first in the
    /// inspection queue, documents pre-lodged (no clearance delay). Default false.
    #[serde(default)]
    pub resumption: Option<bool>,
    /// How a partner learns of an alert-level change, so that it screens departures to
    /// the alerting country: `none`, `routine` (after the arrangement's `alert_notice`
    /// delay, raising and relaxing) or `shared` (at once). Default `none`.
    #[serde(default)]
    pub alert_notice: Option<AlertNotice>,
    /// Customs on alert accepts the partner's pre-departure screening: screened shipments
    /// are assessed at the normal (level 1) rate. Default false.
    #[serde(default)]
    pub screening: Option<bool>,
    /// Joint reopening protocol: at a reopened port, recognised members (both programmes
    /// while the arrangements are in force) go first at the berths. Default false.
    #[serde(default)]
    pub reopening: Option<bool>,
}

/// `[[disruptions]]`: something that happens to the network, by `kind`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum DisruptionFile {
    /// Capacity lost at nodes near an epicentre, restored over time.
    Earthquake {
        /// Name in the outputs, unique among disruptions. Default "earthquake-<position>".
        #[serde(default)]
        id: Option<String>,
        /// Onset, days from the start (a time or a distribution).
        #[serde(deserialize_with = "deserialize_dist")]
        #[schemars(with = "DistributionField")]
        at: DistSpec,
        /// Chance it happens in a replication. Default 1.
        #[serde(default)]
        #[schemars(range(min = 0, max = 1))]
        probability: Option<f64>,
        /// Centre of the earthquake, used by the attenuation rule.
        epicenter: LatLonFile,
        /// Moment magnitude, in (0, 10].
        #[schemars(range(min = 0, max = 10))]
        magnitude: f64,
        /// Damage listed per node; without it, damage follows the attenuation rule.
        #[serde(default)]
        damage: Vec<DamageFile>,
        /// Parameters of the attenuation rule (used when `damage` is empty).
        #[serde(default)]
        attenuation: Option<AttenuationFile>,
    },
    /// A country's security alert level goes to `level` for `duration`.
    Alert {
        /// Name in the outputs, unique among disruptions. Default "alert-<position>".
        #[serde(default)]
        id: Option<String>,
        /// Onset, days from the start (a time or a distribution).
        #[serde(deserialize_with = "deserialize_dist")]
        #[schemars(with = "DistributionField")]
        at: DistSpec,
        /// Chance it happens in a replication. Default 1.
        #[serde(default)]
        #[schemars(range(min = 0, max = 1))]
        probability: Option<f64>,
        /// Code of the country (a `[[countries]]` entry) whose alert level changes.
        country: String,
        /// The alert level while it lasts: 1, 2 or 3.
        #[schemars(range(min = 1, max = 3))]
        level: u8,
        /// How long the alert lasts, days.
        duration: Days,
    },
    /// Nodes, routes, or all entry points of a country closed for `duration`.
    Closure {
        /// Name in the outputs, unique among disruptions. Default "closure-<position>".
        #[serde(default)]
        id: Option<String>,
        /// Onset, days from the start (a time or a distribution).
        #[serde(deserialize_with = "deserialize_dist")]
        #[schemars(with = "DistributionField")]
        at: DistSpec,
        /// Chance it happens in a replication. Default 1.
        #[serde(default)]
        #[schemars(range(min = 0, max = 1))]
        probability: Option<f64>,
        /// Nodes closed (0 servers): arrivals queue, service under way finishes. Default
        /// none.
        #[serde(default)]
        nodes: Vec<String>,
        /// Routes closed (by id): shipments wait at the route's origin. Default none.
        #[serde(default)]
        routes: Vec<String>,
        /// Closes every entry point of this country (nodes reached by a route from abroad).
        #[serde(default)]
        country: Option<String>,
        /// How long the closure lasts, days.
        duration: Days,
    },
    /// A share of a programme's members lose their status.
    Revocation {
        /// Name in the outputs, unique among disruptions. Default "revocation-<position>".
        #[serde(default)]
        id: Option<String>,
        /// Onset, days from the start (a time or a distribution).
        #[serde(deserialize_with = "deserialize_dist")]
        #[schemars(with = "DistributionField")]
        at: DistSpec,
        /// Chance it happens in a replication. Default 1.
        #[serde(default)]
        #[schemars(range(min = 0, max = 1))]
        probability: Option<f64>,
        /// Id of the programme whose members lose their status.
        programme: String,
        /// Share of the programme's members revoked, in [0, 1].
        #[schemars(range(min = 0, max = 1))]
        share: f64,
    },
}

/// A point on the globe.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LatLonFile {
    /// Latitude, degrees.
    #[schemars(range(min = -90, max = 90))]
    pub lat: f64,
    /// Longitude, degrees.
    #[schemars(range(min = -180, max = 180))]
    pub lon: f64,
}

/// Earthquake damage at one node.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DamageFile {
    /// Id of the damaged node.
    pub node: String,
    /// Share of the node's servers lost at the onset, in [0, 1].
    #[schemars(range(min = 0, max = 1))]
    pub capacity_loss: f64,
    /// Fully closed this long after the onset (then recovery starts). Default 0.
    #[serde(default)]
    pub closed_for: Option<Days>,
    /// How capacity comes back. Default: none (the loss lasts to the horizon).
    #[serde(default)]
    pub recovery: Option<RecoveryFile>,
}

/// How lost capacity is restored.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecoveryFile {
    /// `linear` or `exponential` (with `duration`), or `steps` (with `steps`).
    pub curve: Curve,
    /// Days from the end of `closed_for` to full capacity (linear; exponential reaches 95%
    /// then, and 100% at that time).
    #[serde(default)]
    pub duration: Option<Days>,
    /// (days after the onset, share of capacity) pairs, sorted by day; the share holds
    /// until the next step.
    #[serde(default)]
    pub steps: Vec<(Days, f64)>,
}

/// Shape of a recovery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Curve {
    /// Capacity returns linearly to full over `duration`.
    Linear,
    /// Capacity returns exponentially: 95% of the loss made good after `duration`.
    Exponential,
    /// Capacity returns in `steps`, each share holding until the next step.
    Steps,
}

/// The attenuation rule's parameters (docs/model.md): intensity at distance d km is
/// I = 1.5·M − 3·log10(d + 10); capacity loss = clamp((I − threshold)/span, 0, 1) times a
/// lognormal factor (median 1, `noise_sd`) drawn per node and replication.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AttenuationFile {
    /// Intensity below which nothing is lost. Default 5.5.
    #[serde(default)]
    pub threshold: Option<f64>,
    /// Intensity range from no loss to total loss. Default 2.5.
    #[serde(default)]
    pub span: Option<f64>,
    /// Log-scale standard deviation of the per-node factor. Default 0.3.
    #[serde(default)]
    pub noise_sd: Option<f64>,
    /// Days of linear recovery per unit of capacity lost. Default 365.
    #[serde(default)]
    pub recovery_days: Option<Days>,
    /// Losses at or above this share close the node first. Default 0.5.
    #[serde(default)]
    pub closure_threshold: Option<f64>,
    /// Days closed per unit of capacity lost, for losses over the closure threshold. Default 30.
    #[serde(default)]
    pub closure_days: Option<Days>,
}
