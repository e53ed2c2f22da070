//! Whether a `target_ci` is met: the targeted differences (or, without a baseline, each
//! strategy's own intervals) with their half-widths, Bonferroni-adjusted over the looks a
//! sequential run may take, so that stopping early stays honest.

use super::paired::PairedStatistic;
use super::{
    BC, Difference, Estimate, ScopeRecovery, TargetStatus, TimeToRecover, analyse_with,
    bootstrap_ready, follow_up, targeted_differences,
};
use crate::experiment::{Aggregate, Plan};
use crate::measure::recovery_scopes;
use crate::scenario::{Scenario, TargetCi};

/// The status of `target` on `aggregate` with the current replications: each targeted
/// difference (every non-baseline strategy; without baseline, each strategy's own
/// interval) with its half-width, and whether all meet the target. Stopping checks use
/// Bonferroni-adjusted intervals over the checks the cap allows (`looks`), so that
/// stopping early does not make a difference look resolved more often than 5% of the
/// time when it is not.
pub fn target_status(
    scenario: &Scenario,
    plan: &Plan,
    aggregate: &Aggregate,
    target: &TargetCi,
    looks: u64,
) -> TargetStatus {
    // The targeted strategies this run has (all of them if it has none of those named).
    let run: Vec<&str> = aggregate
        .strategies
        .iter()
        .map(|t| scenario.strategies[t.strategy].name.as_str())
        .collect();
    let targeted: Vec<&str> = target
        .strategies
        .iter()
        .map(String::as_str)
        .filter(|n| run.contains(n))
        .collect();
    let wanted =
        |s: usize| targeted.is_empty() || targeted.contains(&scenario.strategies[s].name.as_str());
    let boot = bootstrap_ready(aggregate);
    // With the records, only the targeted differences are computed; otherwise (or where
    // one cannot be paired) the whole analysis, which is cheap without a bootstrap.
    let alone: Option<Vec<Vec<Difference>>> = match aggregate.baseline {
        Some(b) if boot => target
            .measures
            .iter()
            .map(|name| targeted_differences(scenario, plan, aggregate, b, name, &wanted))
            .collect(),
        _ => None,
    };
    let analysis = if alone.is_none() {
        Some(analyse_with(scenario, plan, aggregate, false))
    } else {
        None
    };
    let mut checked = Vec::new();
    for (j, name) in target.measures.iter().enumerate() {
        let rest = name.strip_prefix("recovery.").unwrap_or(name);
        if aggregate.baseline.is_some() {
            let found: Vec<Difference> = match (&alone, &analysis) {
                (Some(alone), _) => alone[j].clone(),
                (None, Some(a)) => a
                    .differences
                    .iter()
                    .filter(|d| d.name() == *name && wanted(d.strategy))
                    .cloned()
                    .collect(),
                (None, None) => Vec::new(),
            };
            for mut d in found {
                if looks > 1 && boot {
                    d.estimate.ci95 = adjusted(scenario, plan, aggregate, &d, looks);
                }
                let hw = half_width(&d.estimate);
                checked.push((d, hw));
            }
        } else {
            // No baseline: each strategy's own interval of the measure.
            for (si, t) in analysis.iter().flat_map(|a| a.scopes.iter()).enumerate() {
                if let Some(s) = t
                    .iter()
                    .find(|s| rest.starts_with(&format!("{}.", s.scope)))
                {
                    let m = &rest[s.scope.len() + 1..];
                    let e = own_estimate(s, m);
                    let d = Difference {
                        strategy: aggregate.strategies[si].strategy,
                        scope: s.scope.clone(),
                        measure: m.to_string(),
                        estimate: e,
                        n: aggregate.disrupted(si),
                        bound: None,
                    };
                    let hw = half_width(&e);
                    checked.push((d, hw));
                }
            }
        }
    }
    let met = !checked.is_empty()
        && checked.iter().all(|(d, hw)| {
            target
                .half_width
                .met(*hw, d.estimate.value, d.estimate.ci95)
        });
    TargetStatus {
        target: target.clone(),
        met,
        replications: aggregate.replications,
        cap: plan.replications,
        checked,
    }
}

/// A strategy's own estimate of `measure` (medians for times, means otherwise).
fn own_estimate(s: &ScopeRecovery, measure: &str) -> Estimate {
    let median = |t: &TimeToRecover| Estimate {
        value: t.median.unwrap_or(f64::INFINITY),
        ci95: [
            t.median_ci95[0].unwrap_or(f64::INFINITY),
            t.median_ci95[1].unwrap_or(f64::INFINITY),
        ],
        method: BC,
    };
    match measure {
        "ttr_days" => median(&s.ttr),
        "first_return_days" => median(&s.first_return),
        "ttr_restricted_mean_days" => s.ttr.restricted_mean,
        "resilience_loss_days" => s.resilience_loss,
        _ => s.excess_delay,
    }
}

/// Half the interval's width (∞ if either end is open or unknown).
pub fn half_width(e: &Estimate) -> f64 {
    let w = (e.ci95[1] - e.ci95[0]) / 2.0;
    if w.is_nan() { f64::INFINITY } else { w }
}

/// The interval of difference `d` at level 1 − 0.05 / `looks` (same resamples' seed).
fn adjusted(
    scenario: &Scenario,
    plan: &Plan,
    aggregate: &Aggregate,
    d: &Difference,
    looks: u64,
) -> [f64; 2] {
    let level = 1.0 - 0.05 / looks as f64;
    let si = aggregate
        .strategies
        .iter()
        .position(|t| t.strategy == d.strategy)
        .expect("strategy");
    let b = aggregate.baseline.expect("baseline");
    let k = recovery_scopes(scenario)
        .iter()
        .position(|s| *s == d.scope)
        .expect("scope");
    let label = format!("{si}-{b}|{}|{}", d.scope, d.measure);
    let (ra, rb) = (&aggregate.records[si], &aggregate.records[b]);
    PairedStatistic::new(ra, rb, k, &d.measure, follow_up(scenario, rb))
        .map_or([f64::NAN; 2], |p| p.estimate(plan.seed, &label, level).ci95)
}
