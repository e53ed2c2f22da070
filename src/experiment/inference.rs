//! What the replications say about recovery, with honest uncertainty: per strategy and
//! scope, the Kaplan–Meier median time to recover and the chance of having recovered by a
//! few days (censoring treated as censoring), bounded intervals for resilience loss and
//! excess delay, and strategy − baseline differences that say whether they are resolved
//! at the n run; the sensitivity of the headline difference to what "recovered" means;
//! and whether a `target_ci` was met.
//!
//! The inputs are an [`super::Aggregate`]: its survival tallies (every scope, exact and
//! mergeable) and, for runs of at most [`RECORD_LIMIT`] replications, its per-replication
//! [`Records`] of the demand scopes (system, countries, classes), which the seeded paired
//! bootstrap ([`super::bootstrap`]) resamples. Above the limit the intervals are the
//! large-sample ones: Student's t intersected with [0, ∞) for non-negative means (an
//! interval cut to the parameter's range keeps its coverage), the paired t for differences
//! of means, and for a difference of medians the normal approximation from the two
//! Brookmeyer–Crowley intervals taken as independent (conservative: common random numbers
//! correlate the strategies positively, which narrows the true interval).

use super::bootstrap::{
    self, CensoredTimes, median_difference, percentile_interval, weighted_mean,
};
use super::survival::{KaplanMeier, Z95};
use super::{Aggregate, Plan};
use crate::measure::{
    EXCESS_DELAY, FIRST_RETURN, FIRST_RETURN_CENSORED, MeasureSchema, RECOVERY_MEASURES,
    RESILIENCE_LOSS, ReplicationResult, SENSITIVITY_HOLD, SENSITIVITY_SCOPES,
    SENSITIVITY_TOLERANCE, TTR, TTR_CENSORED, recovery_scopes, sensitivity_index,
};
use crate::scenario::{Scenario, TargetCi};
use serde::{Deserialize, Serialize};

mod paired;
mod target;

use paired::PairedStatistic;
pub use target::{half_width, target_status};

/// Runs of at most this many replications keep per-replication records for the bootstrap
/// (about 0.5 kB per replication and strategy); larger runs use large-sample intervals.
pub const RECORD_LIMIT: u64 = 20_000;

/// Values kept per demand scope in a record, in this order.
pub const RECORD_FIELDS: [usize; 6] = [
    TTR,
    TTR_CENSORED,
    FIRST_RETURN,
    FIRST_RETURN_CENSORED,
    RESILIENCE_LOSS,
    EXCESS_DELAY,
];

/// Days at which the chance of having recovered is reported (those within the follow-up).
pub const RECOVERED_BY_DAYS: [f64; 5] = [7.0, 14.0, 30.0, 60.0, 90.0];

/// One strategy's per-replication recovery figures for the demand scopes: for each
/// replication, [`RECORD_FIELDS`] of each scope, then its follow-up (days from the onset to
/// the horizon), then the sensitivity grid. Stored as f64 bits (JSON keeps NaN so).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Records {
    /// The replication each record comes from (those with a disruption), in order.
    pub replications: Vec<u64>,
    /// Values per record: the row length of `bits`.
    pub stride: usize,
    /// The records' values as `f64::to_bits`, record after record.
    pub bits: Vec<u64>,
}

impl Records {
    /// Adds replication `r`'s record (nothing without a disruption).
    pub fn add(&mut self, scenario: &Scenario, r: &ReplicationResult) {
        if r.sensitivity.is_empty() {
            return;
        }
        let (nn, nf) = (scenario.nodes.len(), scenario.flows.len());
        let onset = r.values[11];
        let mut row = Vec::new();
        for k in 0..demand_scopes(scenario) {
            let o = MeasureSchema::recovery_offset(nn, nf, k);
            row.extend(RECORD_FIELDS.iter().map(|&j| r.values[o + j]));
        }
        row.push(r.daily.len() as f64 - onset);
        row.extend_from_slice(&r.sensitivity);
        self.stride = row.len();
        self.replications.push(r.replication);
        self.bits.extend(row.iter().map(|x| x.to_bits()));
    }

    /// Adds another set (a shard's, a batch's) and keeps the rows in replication order.
    pub fn merge(&mut self, other: &Records) {
        if other.replications.is_empty() {
            return;
        }
        self.stride = other.stride;
        self.replications.extend_from_slice(&other.replications);
        self.bits.extend_from_slice(&other.bits);
        self.sort();
    }

    fn sort(&mut self) {
        if self.replications.is_sorted() {
            return;
        }
        let mut order: Vec<usize> = (0..self.replications.len()).collect();
        order.sort_by_key(|&i| self.replications[i]);
        let s = self.stride;
        self.bits = order
            .iter()
            .flat_map(|&i| self.bits[i * s..(i + 1) * s].iter().copied())
            .collect();
        self.replications = order.iter().map(|&i| self.replications[i]).collect();
    }

    /// Number of records.
    pub fn len(&self) -> usize {
        self.replications.len()
    }

    /// True if there are none.
    pub fn is_empty(&self) -> bool {
        self.replications.is_empty()
    }

    /// Column `j` of every record.
    pub fn column(&self, j: usize) -> Vec<f64> {
        (0..self.len())
            .map(|i| f64::from_bits(self.bits[i * self.stride + j]))
            .collect()
    }
}

/// Demand scopes (system, countries, two classes): the first recovery scopes.
pub fn demand_scopes(scenario: &Scenario) -> usize {
    scenario.countries.len() + 3
}

/// Column of field `f` (index into [`RECORD_FIELDS`]) of demand scope `k`.
fn field(k: usize, f: usize) -> usize {
    k * RECORD_FIELDS.len() + f
}

/// A value with its 95% interval, and how the interval was made.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// The point estimate, in the measure's unit (days for times); NaN if none.
    pub value: f64,
    /// Lower and upper ends of the 95% interval (wider when adjusted for looks).
    pub ci95: [f64; 2],
    /// How the interval was made, as the reports print it.
    pub method: &'static str,
}

/// Kaplan–Meier figures of one scope's times (to recover, or to the first return).
#[derive(Debug, Clone, PartialEq)]
pub struct TimeToRecover {
    /// Replications with a disruption (the times observed or censored).
    pub n: u64,
    /// Of those, the ones not recovered by the horizon (censored).
    pub censored: u64,
    /// Median (None: not reached) and its Brookmeyer–Crowley interval (None: open).
    pub median: Option<f64>,
    /// Lower and upper ends of the median's 95% interval, days (None: open).
    pub median_ci95: [Option<f64>; 2],
    /// (day, P(recovered by it), 95% interval), for the days within the follow-up.
    pub recovered_by: Vec<(f64, f64, [f64; 2])>,
    /// Restricted mean to `tau` (the shortest follow-up), with its interval.
    pub restricted_mean: Estimate,
    /// The shortest follow-up among the replications, days from the onset.
    pub tau: f64,
}

impl TimeToRecover {
    fn from_km(km: &KaplanMeier, tau: f64, rmst_ci: [f64; 2], method: &'static str) -> Self {
        TimeToRecover {
            n: km.n,
            censored: km.censored,
            median: km.median(),
            median_ci95: km.median_ci(),
            recovered_by: RECOVERED_BY_DAYS
                .iter()
                .filter(|&&d| d <= tau)
                .map(|&d| {
                    let (p, ci) = km.recovered_by(d);
                    (d, p, ci)
                })
                .collect(),
            restricted_mean: Estimate {
                value: km.restricted_mean(tau),
                ci95: rmst_ci,
                method,
            },
            tau,
        }
    }

    /// Share of replications censored (not recovered by the horizon).
    pub fn censored_share(&self) -> f64 {
        if self.n == 0 {
            f64::NAN
        } else {
            self.censored as f64 / self.n as f64
        }
    }
}

/// One strategy's recovery figures for one scope.
#[derive(Debug, Clone, PartialEq)]
pub struct ScopeRecovery {
    /// The scope's name: `system`, `class.trusted`, a country's or a node's.
    pub scope: String,
    /// Time to a sustained recovery, days from the onset.
    pub ttr: TimeToRecover,
    /// Time to the first return to the baseline band, days from the onset.
    pub first_return: TimeToRecover,
    /// Mean relapses per replication.
    pub relapses: f64,
    /// Mean resilience loss over replications, days of lost output.
    pub resilience_loss: Estimate,
    /// Mean excess delay over the recovery, shipment-days.
    pub excess_delay: Estimate,
}

/// A strategy − baseline difference.
#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    /// Index into the scenario's strategies of the strategy compared with baseline.
    pub strategy: usize,
    /// The recovery scope's name, as in [`ScopeRecovery::scope`].
    pub scope: String,
    /// `ttr_days` and `first_return_days`: of Kaplan–Meier medians; the others: of means.
    pub measure: String,
    /// Strategy − baseline, days (or shipment-days), with its interval.
    pub estimate: Estimate,
    /// Replications paired.
    pub n: u64,
    /// For a difference of medians one of which is not reached (taken at the follow-up):
    /// "at most" or "at least", the side the true difference lies on; neither reached:
    /// [`NEITHER_REACHED`], with no estimate.
    pub bound: Option<&'static str>,
}

impl Difference {
    /// True if the 95% interval excludes 0.
    pub fn resolved(&self) -> bool {
        let [lo, hi] = self.estimate.ci95;
        lo > 0.0 || hi < 0.0
    }

    /// "resolved", "not resolved at n = …", or, for medians neither of which is reached,
    /// "not estimable at n = …".
    pub fn verdict(&self) -> String {
        if self.resolved() {
            "resolved".into()
        } else if self.bound == Some(NEITHER_REACHED) {
            format!("not estimable at n = {}: neither median reached", self.n)
        } else {
            format!("not resolved at n = {}", self.n)
        }
    }

    /// `recovery.<scope>.<measure>`.
    pub fn name(&self) -> String {
        format!("recovery.{}.{}", self.scope, self.measure)
    }
}

/// One cell of the sensitivity grid: the difference of median times to recover with
/// tolerance and hold time scaled.
#[derive(Debug, Clone, PartialEq)]
pub struct SensitivityCell {
    /// The tolerance used: the band's least width, as a share of the baseline.
    pub tolerance: f64,
    /// The hold time used: days a recovery must last to count.
    pub hold_days: f64,
    /// The difference of median times to recover under that definition.
    pub difference: Difference,
}

/// The measures of the system an ablation apportions, with their table labels.
pub const ABLATION_MEASURES: [(&str, &str); 3] = [
    (
        "ttr_restricted_mean_days",
        "time to recover (restricted mean)",
    ),
    ("ttr_days", "time to recover (median)"),
    ("excess_delay_shipment_days", "excess shipment-days (mean)"),
];

/// Which way a mechanism's contribution is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AblationPart {
    /// `baseline+<knob>` − `baseline`: the mechanism on its own.
    Alone,
    /// `joint` − `joint-<knob>`: what joint loses without it.
    LeftOut,
}

impl AblationPart {
    /// `alone` or `left_out`.
    pub fn name(self) -> &'static str {
        match self {
            AblationPart::Alone => "alone",
            AblationPart::LeftOut => "left_out",
        }
    }
}

/// One mechanism's contribution to one measure, as a paired difference over the same
/// replications (its `strategy` is the first of the pair).
#[derive(Debug, Clone, PartialEq)]
pub struct Contribution {
    /// The mechanism (knob) measured.
    pub mechanism: crate::policy::Mechanism,
    /// Whether added to baseline alone or left out of joint.
    pub part: AblationPart,
    /// The paired difference that measures it.
    pub difference: Difference,
}

/// What a `target_ci` run found.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetStatus {
    /// The target as the scenario gave it.
    pub target: TargetCi,
    /// Every checked interval is within the target's half-width.
    pub met: bool,
    /// Replications run, and the cap.
    pub replications: u64,
    /// The most replications the plan allows.
    pub cap: u64,
    /// The targeted differences at the end (or the strategies' own intervals without a
    /// baseline), with their half-widths.
    pub checked: Vec<(Difference, f64)>,
}

/// Everything of this module for one run.
#[derive(Debug, Clone, PartialEq)]
pub struct RecoveryAnalysis {
    /// Per strategy (aggregate order), per recovery scope (all of them: demand scopes
    /// first, then nodes).
    pub scopes: Vec<Vec<ScopeRecovery>>,
    /// Every non-baseline strategy against baseline, for the demand scopes.
    pub differences: Vec<Difference>,
    /// Each strategy against baseline under other recovery definitions.
    pub sensitivity: Vec<SensitivityCell>,
    /// True if the bootstrap was used (records kept), false for large-sample intervals.
    pub bootstrap: bool,
    /// Whether the `target_ci` was met, if the run had one.
    pub target: Option<TargetStatus>,
    /// The mechanisms' contributions, where the run has `baseline`, `joint` and the
    /// ablation's strategies (`tradesim run --ablation`): mechanism, then part, then
    /// [`ABLATION_MEASURES`] order; pairs not run are left out.
    pub ablation: Vec<Contribution>,
}

const BOOT: &str = "bootstrap percentile (paired where a difference)";
const BC: &str = "Kaplan–Meier, Greenwood variance";
const LARGE: &str = "large-sample (t, cut to [0, inf))";

/// The analysis of `aggregate` (run with `plan` on `scenario`).
pub fn analyse(scenario: &Scenario, plan: &Plan, aggregate: &Aggregate) -> RecoveryAnalysis {
    analyse_with(scenario, plan, aggregate, true)
}

/// [`analyse`], with the sensitivity grid only if `grid` (stopping checks need none).
fn analyse_with(
    scenario: &Scenario,
    plan: &Plan,
    aggregate: &Aggregate,
    grid: bool,
) -> RecoveryAnalysis {
    let seed = plan.seed;
    let scopes = recovery_scopes(scenario);
    let dem = demand_scopes(scenario);
    let (nn, nf) = (scenario.nodes.len(), scenario.flows.len());
    let boot = bootstrap_ready(aggregate);
    let per_strategy: Vec<Vec<ScopeRecovery>> = aggregate
        .strategies
        .iter()
        .enumerate()
        .map(|(si, t)| {
            let rec = &aggregate.records[si];
            let follow = if boot && !rec.is_empty() {
                follow_up(scenario, rec)
            } else {
                // The latest onset (the histogram's top bucket keeps the exact maximum).
                scenario.horizon.floor() - t.measures[11].quantile(1.0).max(0.0)
            };
            scopes
                .iter()
                .enumerate()
                .map(|(k, scope)| {
                    let o = MeasureSchema::recovery_offset(nn, nf, k);
                    let km = t.survival[k].kaplan_meier();
                    let km_first = t.first_return[k].kaplan_meier();
                    let mean_of = |j: usize, f: usize, what: &str| -> Estimate {
                        if boot && k < dem {
                            let x: Vec<f64> = rec
                                .column(field(k, f))
                                .into_iter()
                                .filter(|v| !v.is_nan())
                                .collect();
                            let label = format!("{}|{scope}|{what}", si);
                            Estimate {
                                value: mean(&x),
                                ci95: percentile_interval(x.len(), seed, &label, 0.95, |m| {
                                    weighted_mean(&x, m)
                                }),
                                method: BOOT,
                            }
                        } else {
                            large_sample_nonnegative(&t.measures[o + j], j == EXCESS_DELAY)
                        }
                    };
                    let rmst = |f: usize, what: &str| -> [f64; 2] {
                        if boot && k < dem {
                            let (ct, _) = censored_times(rec, k, f);
                            let label = format!("{si}|{scope}|{what}");
                            percentile_interval(ct.index.len(), seed, &label, 0.95, |m| {
                                restricted_mean_weighted(&ct, m, follow)
                            })
                        } else {
                            [f64::NAN; 2]
                        }
                    };
                    ScopeRecovery {
                        scope: scope.clone(),
                        ttr: TimeToRecover::from_km(
                            &km,
                            follow,
                            rmst(0, "rmst"),
                            if boot && k < dem { BOOT } else { BC },
                        ),
                        first_return: TimeToRecover::from_km(
                            &km_first,
                            follow,
                            rmst(2, "rmst-first"),
                            if boot && k < dem { BOOT } else { BC },
                        ),
                        relapses: t.measures[o + 11].mean(),
                        resilience_loss: mean_of(RESILIENCE_LOSS, 4, "resilience"),
                        excess_delay: mean_of(EXCESS_DELAY, 5, "excess"),
                    }
                })
                .collect()
        })
        .collect();
    let mut differences = Vec::new();
    let mut sensitivity = Vec::new();
    if let Some(b) = aggregate.baseline {
        for si in (0..aggregate.strategies.len()).filter(|&s| s != b) {
            for (k, scope) in scopes.iter().enumerate().take(dem) {
                for measure in crate::scenario::TARGET_MEASURES {
                    differences.push(difference(
                        scenario,
                        plan,
                        aggregate,
                        boot,
                        si,
                        b,
                        k,
                        scope,
                        measure,
                        &per_strategy,
                    ));
                }
            }
            if boot && grid {
                sensitivity.extend(sensitivity_cells(scenario, seed, aggregate, si, b));
            }
        }
    }
    let ablation = if grid {
        ablation(scenario, plan, aggregate, boot, &per_strategy)
    } else {
        Vec::new()
    };
    RecoveryAnalysis {
        scopes: per_strategy,
        differences,
        sensitivity,
        bootstrap: boot,
        target: None,
        ablation,
    }
}

/// The contributions of the mechanisms whose ablation strategies ran (see
/// [`RecoveryAnalysis::ablation`]).
fn ablation(
    scenario: &Scenario,
    plan: &Plan,
    aggregate: &Aggregate,
    boot: bool,
    per_strategy: &[Vec<ScopeRecovery>],
) -> Vec<Contribution> {
    let index = |name: &str| {
        aggregate
            .strategies
            .iter()
            .position(|t| scenario.strategies[t.strategy].name == name)
    };
    let (Some(b), Some(j)) = (index("baseline"), index("joint")) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for m in crate::policy::Mechanism::ALL {
        let pairs = [
            (AblationPart::Alone, index(&m.alone()).map(|a| (a, b))),
            (AblationPart::LeftOut, index(&m.left_out()).map(|l| (j, l))),
        ];
        for (part, pair) in pairs {
            let Some((first, second)) = pair else {
                continue;
            };
            for (measure, _) in ABLATION_MEASURES {
                out.push(Contribution {
                    mechanism: m,
                    part,
                    difference: difference(
                        scenario,
                        plan,
                        aggregate,
                        boot,
                        first,
                        second,
                        0,
                        "system",
                        measure,
                        per_strategy,
                    ),
                });
            }
        }
    }
    out
}

/// True if every strategy kept the record of every disrupted replication (the bootstrap
/// needs them; runs over [`RECORD_LIMIT`] replications have none).
fn bootstrap_ready(aggregate: &Aggregate) -> bool {
    aggregate.keep_records
        && aggregate
            .records
            .iter()
            .all(|r| r.len() as u64 == aggregate.disrupted(0))
}

/// The differences from baseline `b` of measure `name` (`recovery.<scope>.<measure>`) for
/// the strategies `wanted` accepts, computed alone (a stopping check needs no more); None
/// where a difference cannot be paired, for the caller to fall back on [`analyse_with`].
fn targeted_differences(
    scenario: &Scenario,
    plan: &Plan,
    aggregate: &Aggregate,
    b: usize,
    name: &str,
    wanted: &dyn Fn(usize) -> bool,
) -> Option<Vec<Difference>> {
    let rest = name.strip_prefix("recovery.")?;
    let scopes = recovery_scopes(scenario);
    let (k, scope, measure) = scopes
        .iter()
        .take(demand_scopes(scenario))
        .enumerate()
        .find_map(|(k, sc)| {
            let m = rest.strip_prefix(sc.as_str())?.strip_prefix('.')?;
            Some((k, sc, m))
        })?;
    let mut out = Vec::new();
    for si in (0..aggregate.strategies.len()).filter(|&s| s != b) {
        if !wanted(aggregate.strategies[si].strategy) {
            continue;
        }
        let (ra, rb) = (&aggregate.records[si], &aggregate.records[b]);
        PairedStatistic::new(ra, rb, k, measure, follow_up(scenario, rb))?;
        out.push(difference(
            scenario,
            plan,
            aggregate,
            true,
            si,
            b,
            k,
            scope,
            measure,
            &[],
        ));
    }
    Some(out)
}

fn mean(x: &[f64]) -> f64 {
    if x.is_empty() {
        f64::NAN
    } else {
        x.iter().sum::<f64>() / x.len() as f64
    }
}

/// Student's t interval of a tally's mean, cut to [0, ∞) unless `signed`.
fn large_sample_nonnegative(t: &super::tally::Tally, signed: bool) -> Estimate {
    let s = t.stat();
    let ci = if signed {
        s.ci95
    } else {
        [s.ci95[0].max(0.0), s.ci95[1].max(0.0)]
    };
    Estimate {
        value: s.mean,
        ci95: ci,
        method: LARGE,
    }
}

/// Times of field `f` (0: time to recover, 2: first return) of demand scope `k`, with
/// the positions of the records kept (those with a time).
fn censored_times(rec: &Records, k: usize, f: usize) -> (CensoredTimes, Vec<usize>) {
    let t = rec.column(field(k, f));
    let c = rec.column(field(k, f + 1));
    let keep: Vec<usize> = (0..t.len()).filter(|&i| !t[i].is_nan()).collect();
    let times: Vec<f64> = keep.iter().map(|&i| t[i]).collect();
    let cens: Vec<bool> = keep.iter().map(|&i| c[i] >= 0.5).collect();
    (CensoredTimes::new(&times, &cens), keep)
}

/// The restricted mean to `tau` of the replications weighted by `m`.
fn restricted_mean_weighted(ct: &CensoredTimes, m: &[u32], tau: f64) -> f64 {
    let t = ct.distinct.len();
    let mut counts = vec![[0u64; 2]; t];
    for ((&i, &c), &k) in ct.index.iter().zip(&ct.censored).zip(m) {
        counts[i][usize::from(c)] += u64::from(k);
    }
    KaplanMeier::from_counts((0..t).map(|j| (ct.distinct[j], counts[j][0], counts[j][1])))
        .restricted_mean(tau)
}

/// [`Difference::bound`] of a difference of medians neither of which is reached.
pub const NEITHER_REACHED: &str = "neither reached";

/// The shortest follow-up (days from the onset to the horizon) among a strategy's records.
fn follow_up(scenario: &Scenario, rec: &Records) -> f64 {
    rec.column(demand_scopes(scenario) * RECORD_FIELDS.len())
        .into_iter()
        .fold(f64::INFINITY, f64::min)
}

/// Strategy `si` − baseline `b` for `measure` of demand scope `k`.
#[allow(clippy::too_many_arguments)]
fn difference(
    scenario: &Scenario,
    plan: &Plan,
    aggregate: &Aggregate,
    boot: bool,
    si: usize,
    b: usize,
    k: usize,
    scope: &str,
    measure: &str,
    per_strategy: &[Vec<ScopeRecovery>],
) -> Difference {
    let label = format!("{si}-{b}|{scope}|{measure}");
    let n = aggregate.disrupted(si);
    let (ra, rb) = (&aggregate.records[si], &aggregate.records[b]);
    let paired = if boot {
        PairedStatistic::new(ra, rb, k, measure, follow_up(scenario, rb))
    } else {
        None
    };
    let mut bound = None;
    let estimate = if let Some(p) = &paired {
        bound = p.bound();
        p.estimate(plan.seed, &label, 0.95)
    } else if measure == "ttr_days"
        || measure == "first_return_days"
        || measure == "ttr_restricted_mean_days"
    {
        let get = |s: usize| {
            let r = &per_strategy[s][k];
            if measure == "first_return_days" {
                r.first_return.clone()
            } else {
                r.ttr.clone()
            }
        };
        let (a, c) = (get(si), get(b));
        if measure == "ttr_restricted_mean_days" {
            Estimate {
                value: a.restricted_mean.value - c.restricted_mean.value,
                ci95: [f64::NAN; 2],
                method: "no interval without the per-replication records (runs over 20,000 replications)",
            }
        } else {
            let se = |t: &TimeToRecover| match (t.median_ci95, t.median) {
                ([Some(lo), Some(hi)], Some(_)) => (hi - lo) / (2.0 * Z95),
                _ => f64::INFINITY,
            };
            let value = median_difference(
                a.median.unwrap_or(f64::INFINITY),
                c.median.unwrap_or(f64::INFINITY),
            );
            let h = Z95 * (se(&a).powi(2) + se(&c).powi(2)).sqrt();
            Estimate {
                value,
                ci95: [value - h, value + h],
                method: "normal approximation, strategies taken as independent (conservative)",
            }
        }
    } else {
        let i = MeasureSchema::recovery_offset(scenario.nodes.len(), scenario.flows.len(), k)
            + RECOVERY_MEASURES
                .iter()
                .position(|&m| m == measure)
                .expect("a recovery measure");
        let paired = super::paired_measures(&MeasureSchema::new(scenario));
        let p = paired
            .iter()
            .position(|&x| x == i)
            .expect("recovery measures are paired");
        let s = aggregate.strategies[si].paired[p].stat();
        if aggregate.baseline == Some(b) {
            Estimate {
                value: s.mean,
                ci95: s.ci95,
                method: "paired t",
            }
        } else {
            // The tallies pair each strategy with baseline only: (a − base) − (b − base).
            Estimate {
                value: s.mean - aggregate.strategies[b].paired[p].stat().mean,
                ci95: [f64::NAN; 2],
                method: "no interval without the per-replication records (runs over 20,000 replications)",
            }
        }
    };
    Difference {
        strategy: aggregate.strategies[si].strategy,
        scope: scope.to_string(),
        measure: measure.to_string(),
        estimate,
        n,
        bound,
    }
}

/// The sensitivity grid of strategy `si` against baseline `b`.
fn sensitivity_cells(
    scenario: &Scenario,
    seed: u64,
    aggregate: &Aggregate,
    si: usize,
    b: usize,
) -> Vec<SensitivityCell> {
    let (ra, rb) = (&aggregate.records[si], &aggregate.records[b]);
    let base = demand_scopes(scenario) * RECORD_FIELDS.len() + 1;
    let mut out = Vec::new();
    for (t, &tm) in SENSITIVITY_TOLERANCE.iter().enumerate() {
        for (h, &hm) in SENSITIVITY_HOLD.iter().enumerate() {
            for (k, scope) in SENSITIVITY_SCOPES.iter().enumerate() {
                let j = base + sensitivity_index(t, h, k);
                let times = |r: &Records| {
                    let c: Vec<bool> = r.column(j + 1).iter().map(|&x| x >= 0.5).collect();
                    CensoredTimes::new(&r.column(j), &c)
                };
                let p = PairedStatistic::of_times(0, times(ra), times(rb), follow_up(scenario, rb));
                let label = format!("{si}-{b}|{scope}|sensitivity|{t}|{h}");
                let n = p.n as u64;
                out.push(SensitivityCell {
                    tolerance: (scenario.tolerance * tm).min(0.99),
                    hold_days: scenario.hold_days * hm,
                    difference: Difference {
                        strategy: aggregate.strategies[si].strategy,
                        scope: (*scope).to_string(),
                        measure: "ttr_days".into(),
                        estimate: p.estimate(seed, &label, 0.95),
                        n,
                        bound: p.bound(),
                    },
                });
            }
        }
    }
    out
}

/// Re-exported for the report: the bootstrap's resamples.
pub const RESAMPLES: usize = bootstrap::RESAMPLES;
