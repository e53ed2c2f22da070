//! The report's data model, apart from its drawing: the typed schema of `summary.json`
//! ([`Summary`] and the types below it) and, in [`run`], everything the page and the
//! plots read from a run's output folder ([`RunData`]).
//!
//! The same structs are written by [`super::summary_json`] and read back by
//! `tradesim report DIR`, so the file and its reader cannot drift apart: a field is
//! renamed or retyped in one place. Fields are written in struct order (serde_json keeps
//! it with `preserve_order`); a number that is not finite is written as `null`, which
//! is why most statistics are `Option<f64>` ([`finite`] maps NaN and infinities to
//! `None`). docs/outputs.md documents every field.
//!
//! Layering: `data` is at the bottom of `report`; `plots` and `html` read it, `html`
//! embeds what `plots` draws, and nothing here imports either.

pub mod run;
pub mod sweep;

pub use run::{
    DayPoint, MapDisruption, MapNode, MapRoute, Network, ReportError, RunData, Timeseries, Ttr,
};

use super::limitations::Limitation;
use crate::policy::{
    AlertNotice, Arrangement, Information, Notice, Priority, Recognition, Reroute, When,
};
use crate::scenario::{Mode, NodeKind};
use indexmap::IndexMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// `x` if it is finite, else `None` (written as `null`: JSON has no NaN or infinity).
pub fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

/// A 95% interval, its ends `null` where not finite.
pub type Interval = [Option<f64>; 2];

/// An interval from two ends, each through [`finite`].
pub fn interval(ci: [f64; 2]) -> Interval {
    [finite(ci[0]), finite(ci[1])]
}

/// A signed difference as summary.json writes it: a number, `"+inf"`/`"-inf"` where a
/// median is not reached, `null` for NaN.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct SignedNum(pub f64);

impl SignedNum {
    /// The value if it is finite (what a table can print as a number).
    pub fn value(self) -> Option<f64> {
        finite(self.0)
    }
}

impl Serialize for SignedNum {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let x = self.0;
        if x.is_finite() {
            s.serialize_f64(x)
        } else if x.is_nan() {
            s.serialize_unit()
        } else if x > 0.0 {
            s.serialize_str("+inf")
        } else {
            s.serialize_str("-inf")
        }
    }
}

impl<'de> Deserialize<'de> for SignedNum {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl serde::de::Visitor<'_> for Visit {
            type Value = SignedNum;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a number, \"+inf\", \"-inf\" or null")
            }
            fn visit_f64<E>(self, v: f64) -> Result<SignedNum, E> {
                Ok(SignedNum(v))
            }
            fn visit_u64<E>(self, v: u64) -> Result<SignedNum, E> {
                Ok(SignedNum(v as f64))
            }
            fn visit_i64<E>(self, v: i64) -> Result<SignedNum, E> {
                Ok(SignedNum(v as f64))
            }
            fn visit_unit<E>(self) -> Result<SignedNum, E> {
                Ok(SignedNum(f64::NAN))
            }
            fn visit_none<E>(self) -> Result<SignedNum, E> {
                Ok(SignedNum(f64::NAN))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<SignedNum, E> {
                match v {
                    "+inf" => Ok(SignedNum(f64::INFINITY)),
                    "-inf" => Ok(SignedNum(f64::NEG_INFINITY)),
                    _ => Err(E::invalid_value(serde::de::Unexpected::Str(v), &self)),
                }
            }
        }
        d.deserialize_any(Visit)
    }
}

/// A measure summarised over replications: mean, spread, 95% CI of the mean, quantiles.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatSummary {
    /// Replications in which the measure was defined.
    pub n: u64,
    /// The mean over the replications that define it.
    pub mean: Option<f64>,
    /// Standard deviation over those replications.
    pub sd: Option<f64>,
    /// 95% confidence interval of the mean.
    pub ci95: Interval,
    /// Median over replications.
    pub p50: Option<f64>,
    /// 90th percentile over replications.
    pub p90: Option<f64>,
    /// 99th percentile over replications.
    pub p99: Option<f64>,
    /// How `ci95` was found, where the recovery analysis gives the interval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ci95_method: Option<String>,
}

/// One point of a Kaplan–Meier curve: the share recovered by `day`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecoveredBy {
    /// Days after the first onset.
    pub day: f64,
    /// Kaplan–Meier share recovered by `day`.
    pub p: Option<f64>,
    /// Its 95% interval.
    pub ci95: Interval,
}

/// A censored time (time to recover, first return) summarised by Kaplan–Meier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KmTime {
    /// Replications with a disruption.
    pub n: u64,
    /// Of those, the ones not recovered by the horizon.
    pub censored: u64,
    /// `censored / n`.
    pub censored_share: Option<f64>,
    /// Kaplan–Meier median; `None` when not reached.
    pub km_median: Option<f64>,
    /// Its 95% interval (an open end is `None`).
    pub km_median_ci95: Interval,
    /// Share recovered by fixed days.
    pub recovered_by: Vec<RecoveredBy>,
    /// Mean of the time capped at `restricted_to_days`.
    pub restricted_mean: Option<f64>,
    /// Its 95% interval.
    pub restricted_mean_ci95: Interval,
    /// The cap: the shortest follow-up.
    pub restricted_to_days: Option<f64>,
    /// The mean a report may show: the restricted mean (as `restricted_mean`).
    pub mean: Option<f64>,
    /// The interval of `mean`.
    pub ci95: Interval,
    /// What `mean` is (a fixed sentence).
    pub mean_is: String,
}

/// The recovery measures of one scope (`system`, `class.trusted`, `node.<id>` …), in
/// the order of [`crate::measure::RECOVERY_MEASURES`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecoveryScope {
    /// Deliveries per day in the baseline window.
    pub baseline_deliveries_per_day: StatSummary,
    /// Work in process in the baseline window.
    pub baseline_wip: StatSummary,
    /// Time to recover (sustained), Kaplan–Meier.
    pub ttr_days: KmTime,
    /// Share not recovered by the horizon.
    pub ttr_censored: StatSummary,
    /// Resilience loss: the lost share of throughput, summed over days.
    pub resilience_loss_days: StatSummary,
    /// Delay beyond the baseline, in shipment-days.
    pub excess_delay_shipment_days: StatSummary,
    /// Delay beyond the baseline, weighted by cargo value.
    pub excess_delay_usd_days: StatSummary,
    /// The highest backlog after the onset.
    pub backlog_peak: StatSummary,
    /// When the backlog peaked.
    pub backlog_peak_day: StatSummary,
    /// Time to the first return to the band, Kaplan–Meier.
    pub first_return_days: KmTime,
    /// Share that never returned to the band.
    pub first_return_censored: StatSummary,
    /// Times the scope left the band again after returning.
    pub relapses: StatSummary,
}

/// What a difference compares: Kaplan–Meier medians (times) or means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Compared {
    /// Times to recover: Kaplan–Meier medians.
    #[serde(rename = "Kaplan–Meier medians")]
    Medians,
    /// Everything else: means.
    #[serde(rename = "means")]
    Means,
}

/// A strategy − baseline difference of a recovery measure, with its verdict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DifferenceSummary {
    /// `recovery.<scope>.<measure>`.
    pub measure: String,
    /// Medians or means.
    pub of: Compared,
    /// Strategy − baseline.
    pub difference: SignedNum,
    /// Its 95% interval.
    pub ci95: [SignedNum; 2],
    /// How the interval was found.
    pub method: String,
    /// "at most", "at least" or "neither reached" where a median is not reached.
    pub bound: Option<String>,
    /// Paired replications.
    pub n: u64,
    /// The interval excludes zero.
    pub resolved: bool,
    /// "resolved", or why not, in words.
    pub verdict: String,
}

/// The `bound` of a difference for which neither median is reached.
pub const NEITHER_REACHED: &str = crate::experiment::inference::NEITHER_REACHED;

/// Which way an ablation measures a mechanism's contribution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    /// baseline+m − baseline.
    Alone,
    /// joint − joint-m.
    LeftOut,
}

/// One mechanism's contribution, one way.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContributionSummary {
    /// The contribution, as a difference.
    #[serde(flatten)]
    pub difference: DifferenceSummary,
    /// The mechanism (one of `Ablation::mechanisms`).
    pub mechanism: String,
    /// Alone or left out.
    pub part: Part,
}

/// An ablation's figures for one measure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AblationMeasure {
    /// `recovery.system.<measure>`.
    pub measure: String,
    /// The measure in words.
    pub label: String,
    /// joint − baseline.
    pub whole: Option<DifferenceSummary>,
    /// The parts' sum, `null` unless every mechanism has one.
    pub sum_alone: SignedNum,
    /// The left-out parts' sum, likewise.
    pub sum_left_out: SignedNum,
    /// Each mechanism, alone and left out.
    pub contributions: Vec<ContributionSummary>,
}

/// The ablation's section (`--ablation` runs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ablation {
    /// The mechanisms, in table order.
    pub mechanisms: Vec<String>,
    /// What "alone" means (a fixed sentence).
    pub alone: String,
    /// What "left out" means (a fixed sentence).
    pub left_out: String,
    /// One entry per measure ablated.
    pub measures: Vec<AblationMeasure>,
}

/// A difference checked against a `target_ci`, with its half-width.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckedDifference {
    /// The difference checked.
    #[serde(flatten)]
    pub difference: DifferenceSummary,
    /// Its strategy.
    pub strategy: String,
    /// Its interval's half-width.
    pub half_width: SignedNum,
}

/// What a `target_ci` run found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Target {
    /// The target half-width as set (`0.1`, `10%` …).
    pub half_width: String,
    /// The measures it applies to.
    pub measures: Vec<String>,
    /// Whether every checked difference met it.
    pub met: bool,
    /// Replications run.
    pub replications: u64,
    /// The most it would have run.
    pub cap: u64,
    /// Why the run stopped.
    pub stopped: String,
    /// When and at which level it was checked.
    pub checks: String,
    /// The differences checked at the end.
    pub checked: Vec<CheckedDifference>,
    /// The whole finding in one sentence (as the console prints it).
    pub summary: String,
}

/// A difference recomputed with another tolerance and hold time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SensitivityCell {
    /// The difference at this cell.
    #[serde(flatten)]
    pub difference: DifferenceSummary,
    /// Its strategy.
    pub strategy: String,
    /// The band's tolerance used.
    pub tolerance: f64,
    /// The hold time used.
    pub hold_days: f64,
}

/// How the intervals were computed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Intervals {
    /// The method in words.
    pub method: String,
    /// Bootstrap resamples, if bootstrapped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resamples: Option<u64>,
    /// The bootstrap's seed, if bootstrapped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
}

/// A strategy's knobs, as the scenario set them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Knobs {
    /// The strategy's `priority` knob.
    pub priority: Priority,
    /// The strategy's `recognition` knob.
    pub recognition: Recognition,
    /// The strategy's `alert_relief` knob.
    pub alert_relief: bool,
    /// The strategy's `reroute` knob.
    pub reroute: Reroute,
    /// The strategy's `when` knob.
    pub when: When,
    /// The strategy's `notice` knob.
    pub notice: Notice,
    /// The strategy's `information` knob.
    pub information: Information,
    /// The strategy's `arrangement` knob.
    pub arrangement: Arrangement,
    /// The strategy's `data_exchange` knob.
    pub data_exchange: bool,
    /// The strategy's `resumption` knob.
    pub resumption: bool,
    /// The strategy's `alert_notice` knob.
    pub alert_notice: AlertNotice,
    /// The strategy's `screening` knob.
    pub screening: bool,
    /// The strategy's `reopening` knob.
    pub reopening: bool,
}

/// Measures by name ([`crate::measure`]'s lists), each summarised over replications.
pub type Measures = IndexMap<String, StatSummary>;

/// One strategy's results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StrategySummary {
    /// The strategy's description.
    pub description: String,
    /// Its knobs.
    pub knobs: Knobs,
    /// System measures by name.
    pub measures: Measures,
    /// Recovery by scope (empty without disruptions).
    pub recovery: IndexMap<String, RecoveryScope>,
    /// Paired strategy − baseline differences, by measure column name.
    pub vs_baseline: Measures,
    /// Recovery differences from the baseline.
    pub recovery_vs_baseline: Vec<DifferenceSummary>,
    /// Node measures by node id.
    pub nodes: IndexMap<String, Measures>,
    /// Flow measures by flow id, then class.
    pub flows: IndexMap<String, IndexMap<String, Measures>>,
}

/// A node of `network`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetNode {
    /// Node id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Seaport, airport …
    pub kind: NodeKind,
    /// Country code.
    pub country: String,
    /// Latitude, degrees.
    pub lat: f64,
    /// Longitude, degrees.
    pub lon: f64,
    /// Berths (handling servers).
    pub servers: u32,
    /// Whether it has customs.
    pub customs: bool,
}

/// A route of `network`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetRoute {
    /// Route id.
    pub id: String,
    /// Origin node id.
    pub from: String,
    /// Destination node id.
    pub to: String,
    /// Sea, air, road or rail.
    pub mode: Mode,
    /// Mean transit time.
    pub mean_transit_days: Option<f64>,
}

/// An earthquake's epicentre.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LatLon {
    /// Latitude, degrees.
    pub lat: f64,
    /// Longitude, degrees.
    pub lon: f64,
}

/// What a disruption does, by kind (written as `kind` and the kind's own fields).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Effect {
    /// Damage around an epicentre.
    Earthquake {
        /// Where it strikes.
        epicenter: LatLon,
        /// Its magnitude.
        magnitude: f64,
        /// The distance to the farthest damaged node, or the attenuation rule's reach.
        footprint_km: Option<f64>,
        /// The damaged nodes, where the scenario lists them.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        nodes: Option<Vec<String>>,
    },
    /// A country's security alert level raised for a while.
    Alert {
        /// Country code.
        country: String,
        /// The alert level.
        level: u8,
        /// How long it lasts.
        duration_days: f64,
    },
    /// Nodes and routes closed for a while.
    Closure {
        /// Node ids closed.
        nodes: Vec<String>,
        /// Route ids closed.
        routes: Vec<String>,
        /// How long they stay closed.
        duration_days: f64,
    },
    /// A share of a programme's members revoked.
    Revocation {
        /// Programme id.
        programme: String,
        /// Share of members revoked.
        share: f64,
    },
}

/// A disruption's kind, without its fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DisruptionKind {
    /// [`Effect::Earthquake`].
    Earthquake,
    /// [`Effect::Alert`].
    Alert,
    /// [`Effect::Closure`].
    Closure,
    /// [`Effect::Revocation`].
    Revocation,
}

impl DisruptionKind {
    /// The name summary.json and the page use.
    pub fn name(self) -> &'static str {
        match self {
            DisruptionKind::Earthquake => "earthquake",
            DisruptionKind::Alert => "alert",
            DisruptionKind::Closure => "closure",
            DisruptionKind::Revocation => "revocation",
        }
    }
}

impl Effect {
    /// The effect's kind.
    pub fn kind(&self) -> DisruptionKind {
        match self {
            Effect::Earthquake { .. } => DisruptionKind::Earthquake,
            Effect::Alert { .. } => DisruptionKind::Alert,
            Effect::Closure { .. } => DisruptionKind::Closure,
            Effect::Revocation { .. } => DisruptionKind::Revocation,
        }
    }
}

/// A disruption of `network`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetDisruption {
    /// Disruption id.
    pub id: String,
    /// Probability it happens in a replication.
    pub probability: f64,
    /// Mean onset day.
    pub mean_onset_day: Option<f64>,
    /// What it does (`kind` and its fields).
    #[serde(flatten)]
    pub effect: Effect,
}

/// The network and its disruptions, for maps and reports built from the outputs alone.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct NetworkSummary {
    /// Nodes in file order.
    pub nodes: Vec<NetNode>,
    /// Routes as listed.
    pub routes: Vec<NetRoute>,
    /// Disruptions in file order.
    pub disruptions: Vec<NetDisruption>,
}

/// The `summary.json` document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// The version that wrote the file.
    pub tradesim_version: String,
    /// The scenario's name.
    pub scenario: String,
    /// The scenario's description.
    #[serde(default)]
    pub description: Option<String>,
    /// The run's seed.
    pub seed: u64,
    /// Replications per strategy.
    pub replications: u64,
    /// Simulated days per replication.
    pub horizon_days: f64,
    /// Warm-up days, left out of the measures.
    pub warmup_days: f64,
    /// TEU per shipment.
    pub teu_per_shipment: f64,
    /// Days before the onset that set the baseline band.
    pub baseline_days: f64,
    /// Days in band that count as recovered.
    pub window_days: f64,
    /// The band's tolerance.
    pub tolerance: f64,
    /// Hold time for a sustained recovery.
    pub hold_days: f64,
    /// How intervals were computed.
    pub intervals: Intervals,
    /// A `target_ci` run's outcome.
    #[serde(default)]
    pub target_ci: Option<Target>,
    /// The recovery sensitivity grid.
    #[serde(default)]
    pub sensitivity: Vec<SensitivityCell>,
    /// An `--ablation` run's section.
    #[serde(default)]
    pub ablation: Option<Ablation>,
    /// Disruption ids, in scenario order.
    pub disruptions: Vec<String>,
    /// The network, for maps.
    #[serde(default)]
    pub network: NetworkSummary,
    /// Strategies in the order they were run.
    pub strategy_order: Vec<String>,
    /// Each strategy's results, by name.
    pub strategies: IndexMap<String, StrategySummary>,
    /// The reference strategy's node measures (baseline if it ran, else the first).
    #[serde(default)]
    pub nodes: Option<IndexMap<String, Measures>>,
    /// What the results do not show.
    #[serde(default)]
    pub limitations: Vec<Limitation>,
}

/// A stat as far as the page and plots use it: n, the mean and its 95% CI.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct StatView {
    /// Replications with a value.
    pub n: u64,
    /// The mean.
    pub mean: Option<f64>,
    /// Lower end of the 95% CI.
    pub lo: Option<f64>,
    /// Upper end of the 95% CI.
    pub hi: Option<f64>,
}

impl From<&StatSummary> for StatView {
    fn from(s: &StatSummary) -> StatView {
        StatView {
            n: s.n,
            mean: s.mean,
            lo: s.ci95[0],
            hi: s.ci95[1],
        }
    }
}

impl From<&KmTime> for StatView {
    /// The restricted mean with its interval.
    fn from(t: &KmTime) -> StatView {
        StatView {
            n: t.n,
            mean: t.mean,
            lo: t.ci95[0],
            hi: t.ci95[1],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovery_scope_fields_follow_the_measure_list() {
        let stat = StatSummary {
            n: 0,
            mean: None,
            sd: None,
            ci95: [None, None],
            p50: None,
            p90: None,
            p99: None,
            ci95_method: None,
        };
        let time = KmTime {
            n: 0,
            censored: 0,
            censored_share: None,
            km_median: None,
            km_median_ci95: [None, None],
            recovered_by: vec![],
            restricted_mean: None,
            restricted_mean_ci95: [None, None],
            restricted_to_days: None,
            mean: None,
            ci95: [None, None],
            mean_is: String::new(),
        };
        let scope = RecoveryScope {
            baseline_deliveries_per_day: stat.clone(),
            baseline_wip: stat.clone(),
            ttr_days: time.clone(),
            ttr_censored: stat.clone(),
            resilience_loss_days: stat.clone(),
            excess_delay_shipment_days: stat.clone(),
            excess_delay_usd_days: stat.clone(),
            backlog_peak: stat.clone(),
            backlog_peak_day: stat.clone(),
            first_return_days: time,
            first_return_censored: stat.clone(),
            relapses: stat,
        };
        let v = serde_json::to_value(&scope).expect("serialises");
        let keys: Vec<&str> = v
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, crate::measure::RECOVERY_MEASURES);
    }

    #[test]
    fn signed_numbers_round_trip() {
        for x in [1.5, -2.0, f64::INFINITY, f64::NEG_INFINITY] {
            let text = serde_json::to_string(&SignedNum(x)).expect("serialises");
            let back: SignedNum = serde_json::from_str(&text).expect("reads back");
            assert_eq!(back, SignedNum(x), "{text}");
        }
        assert_eq!(serde_json::to_string(&SignedNum(f64::NAN)).unwrap(), "null");
        let back: SignedNum = serde_json::from_str("null").unwrap();
        assert!(back.0.is_nan());
    }
}
