//! Builds `summary.json`'s typed document ([`Summary`]) from a run's outcome. The
//! structs are in [`super::data`], which the report reads back with; serde writes them
//! field by field in declaration order.

use super::data::{
    Ablation, AblationMeasure, CheckedDifference, Compared, ContributionSummary, DifferenceSummary,
    Effect, Intervals, KmTime, Knobs, LatLon, Measures, NetDisruption, NetNode, NetRoute,
    NetworkSummary, Part, RecoveredBy, RecoveryScope, SensitivityCell, SignedNum, StatSummary,
    StrategySummary, Summary, Target, finite, interval,
};
use super::{limitations, target_line};
use crate::experiment::inference::{
    AblationPart, Difference, Estimate, TargetStatus, TimeToRecover,
};
use crate::experiment::{Outcome, stats::Stat};
use crate::measure::{
    CLASSES, FLOW_MEASURES, MeasureSchema, NODE_MEASURES, RECOVERY_MEASURES, SYSTEM_MEASURES,
    recovery_scopes,
};
use crate::scenario::Scenario;
use indexmap::IndexMap;

fn stat(s: &Stat) -> StatSummary {
    StatSummary {
        n: s.n,
        mean: finite(s.mean),
        sd: finite(s.sd),
        ci95: interval(s.ci95),
        p50: finite(s.p50),
        p90: finite(s.p90),
        p99: finite(s.p99),
        ci95_method: None,
    }
}

/// A mean's summary with the interval the analysis gives it (bounded where the measure is).
fn with_estimate(mut s: StatSummary, e: &Estimate) -> StatSummary {
    s.ci95 = interval(e.ci95);
    s.ci95_method = Some(e.method.to_string());
    s
}

/// A Kaplan–Meier summary of censored times.
fn km_time(t: &TimeToRecover) -> KmTime {
    KmTime {
        n: t.n,
        censored: t.censored,
        censored_share: finite(t.censored_share()),
        km_median: t.median.and_then(finite),
        km_median_ci95: [
            t.median_ci95[0].and_then(finite),
            t.median_ci95[1].and_then(finite),
        ],
        recovered_by: t
            .recovered_by
            .iter()
            .map(|(d, p, ci)| RecoveredBy {
                day: *d,
                p: finite(*p),
                ci95: interval(*ci),
            })
            .collect(),
        restricted_mean: finite(t.restricted_mean.value),
        restricted_mean_ci95: interval(t.restricted_mean.ci95),
        restricted_to_days: finite(t.tau),
        // The mean a report may show: the restricted mean to the shortest follow-up.
        mean: finite(t.restricted_mean.value),
        ci95: interval(t.restricted_mean.ci95),
        mean_is: "restricted mean to restricted_to_days (censoring-aware), not a plain mean".into(),
    }
}

/// A strategy − baseline difference.
fn difference(d: &Difference) -> DifferenceSummary {
    DifferenceSummary {
        measure: d.name(),
        of: if d.measure.ends_with("ttr_days") || d.measure == "first_return_days" {
            Compared::Medians
        } else {
            Compared::Means
        },
        difference: SignedNum(d.estimate.value),
        ci95: [SignedNum(d.estimate.ci95[0]), SignedNum(d.estimate.ci95[1])],
        method: d.estimate.method.to_string(),
        bound: d.bound.map(String::from),
        n: d.n,
        resolved: d.resolved(),
        verdict: d.verdict(),
    }
}

/// The ablation's section (`None` without one): per measure, the whole
/// (joint − baseline), each mechanism's contribution alone and left out, and the sums.
fn ablation(scenario: &Scenario, outcome: &Outcome) -> Option<Ablation> {
    use crate::experiment::inference::ABLATION_MEASURES;
    let a = &outcome.analysis.ablation;
    if a.is_empty() {
        return None;
    }
    let joint = scenario.strategy_index("joint");
    let measures = ABLATION_MEASURES
        .iter()
        .map(|(measure, label)| {
            let whole = outcome.analysis.differences.iter().find(|d| {
                Some(d.strategy) == joint && d.scope == "system" && d.measure == *measure
            });
            let parts: Vec<&crate::experiment::inference::Contribution> = a
                .iter()
                .filter(|c| c.difference.measure == *measure)
                .collect();
            let sum = |p: AblationPart| {
                let v: Vec<f64> = parts
                    .iter()
                    .filter(|c| c.part == p)
                    .map(|c| c.difference.estimate.value)
                    .collect();
                if v.len() == crate::policy::Mechanism::ALL.len() {
                    SignedNum(v.iter().sum())
                } else {
                    SignedNum(f64::NAN)
                }
            };
            AblationMeasure {
                measure: format!("recovery.system.{measure}"),
                label: label.to_string(),
                whole: whole.map(difference),
                sum_alone: sum(AblationPart::Alone),
                sum_left_out: sum(AblationPart::LeftOut),
                contributions: parts
                    .iter()
                    .map(|c| ContributionSummary {
                        difference: difference(&c.difference),
                        mechanism: c.mechanism.name().to_string(),
                        part: match c.part {
                            AblationPart::Alone => Part::Alone,
                            AblationPart::LeftOut => Part::LeftOut,
                        },
                    })
                    .collect(),
            }
        })
        .collect();
    Some(Ablation {
        mechanisms: crate::policy::Mechanism::ALL
            .iter()
            .map(|m| m.name().to_string())
            .collect(),
        alone: "baseline+<mechanism> − baseline".into(),
        left_out: "joint − joint-<mechanism>".into(),
        measures,
    })
}

/// What a `target_ci` run found.
fn target(scenario: &Scenario, t: &TargetStatus) -> Target {
    Target {
        half_width: t.target.half_width.to_string(),
        measures: t.target.measures.clone(),
        met: t.met,
        replications: t.replications,
        cap: t.cap,
        stopped: if t.met { "target met" } else { "cap reached" }.into(),
        checks: "every 10 replications, each at the Bonferroni-adjusted level 1 - 0.05/(cap/10)"
            .into(),
        checked: t
            .checked
            .iter()
            .map(|(d, hw)| CheckedDifference {
                difference: difference(d),
                strategy: scenario.strategies[d.strategy].name.clone(),
                half_width: SignedNum(*hw),
            })
            .collect(),
        summary: target_line(scenario, t),
    }
}

/// One scope's recovery measures; `at(j)` is the stat of [`RECOVERY_MEASURES`]`[j]`.
fn recovery_scope(
    at: impl Fn(&str) -> StatSummary,
    sr: &crate::experiment::inference::ScopeRecovery,
) -> RecoveryScope {
    RecoveryScope {
        baseline_deliveries_per_day: at("baseline_deliveries_per_day"),
        baseline_wip: at("baseline_wip"),
        // Censored times: Kaplan–Meier, never a mean.
        ttr_days: km_time(&sr.ttr),
        ttr_censored: at("ttr_censored"),
        resilience_loss_days: with_estimate(at("resilience_loss_days"), &sr.resilience_loss),
        excess_delay_shipment_days: with_estimate(
            at("excess_delay_shipment_days"),
            &sr.excess_delay,
        ),
        excess_delay_usd_days: at("excess_delay_usd_days"),
        backlog_peak: at("backlog_peak"),
        backlog_peak_day: at("backlog_peak_day"),
        first_return_days: km_time(&sr.first_return),
        first_return_censored: at("first_return_censored"),
        relapses: at("relapses"),
    }
}

/// The `summary.json` document.
pub fn summary_json(scenario: &Scenario, outcome: &Outcome) -> Summary {
    let mut strategies = IndexMap::new();
    let nodes_count = scenario.nodes.len();
    let mut first_nodes = None;
    for s in &outcome.summaries {
        let st = &scenario.strategies[s.strategy];
        let measures: Measures = SYSTEM_MEASURES
            .iter()
            .enumerate()
            .map(|(i, name)| (name.to_string(), stat(&s.measures[i])))
            .collect();
        let mut nodes = IndexMap::new();
        for (i, n) in scenario.nodes.iter().enumerate() {
            let o = MeasureSchema::node_offset(i);
            let mut m = Measures::new();
            for (k, name) in NODE_MEASURES.iter().enumerate() {
                if n.customs.is_none() && (6..11).contains(&k) {
                    continue;
                }
                m.insert(name.to_string(), stat(&s.measures[o + k]));
            }
            nodes.insert(n.id.clone(), m);
        }
        let mut flows = IndexMap::new();
        for (i, f) in scenario.flows.iter().enumerate() {
            let o = MeasureSchema::flow_offset(nodes_count, i);
            let mut classes = IndexMap::new();
            for (c, class) in CLASSES.iter().enumerate() {
                let m: Measures = FLOW_MEASURES
                    .iter()
                    .enumerate()
                    .map(|(k, name)| {
                        let v = &s.measures[o + c * FLOW_MEASURES.len() + k];
                        (name.to_string(), stat(v))
                    })
                    .collect();
                classes.insert(class.to_string(), m);
            }
            flows.insert(f.id.clone(), classes);
        }
        let mut recovery = IndexMap::new();
        let si = outcome
            .summaries
            .iter()
            .position(|x| x.strategy == s.strategy)
            .expect("a summary per strategy");
        if !scenario.disruptions.is_empty() {
            for (k, scope) in recovery_scopes(scenario).iter().enumerate() {
                let o = MeasureSchema::recovery_offset(nodes_count, scenario.flows.len(), k);
                let at = |name: &str| {
                    let j = RECOVERY_MEASURES
                        .iter()
                        .position(|m| *m == name)
                        .expect("a recovery measure");
                    stat(&s.measures[o + j])
                };
                let sr = &outcome.analysis.scopes[si][k];
                recovery.insert(scope.clone(), recovery_scope(at, sr));
            }
        }
        let differences = outcome
            .analysis
            .differences
            .iter()
            .filter(|d| d.strategy == s.strategy)
            .map(difference)
            .collect();
        let vs_baseline: Measures = s
            .paired
            .iter()
            .map(|(i, v)| (outcome.schema.names[*i].clone(), stat(v)))
            .collect();
        // The reference strategy's: baseline if it ran, else the first.
        if first_nodes.is_none() || st.name == crate::policy::Strategy::DEFAULTS {
            first_nodes = Some(nodes.clone());
        }
        strategies.insert(
            st.name.clone(),
            StrategySummary {
                description: st.description.clone(),
                knobs: Knobs {
                    priority: st.priority,
                    recognition: st.recognition,
                    alert_relief: st.alert_relief,
                    reroute: st.reroute,
                    when: st.when,
                    notice: st.notice,
                    information: st.information,
                    arrangement: st.arrangement,
                    data_exchange: st.data_exchange,
                    resumption: st.resumption,
                    alert_notice: st.alert_notice,
                    screening: st.screening,
                    reopening: st.reopening,
                },
                measures,
                recovery,
                vs_baseline,
                recovery_vs_baseline: differences,
                nodes,
                flows,
            },
        );
    }
    let intervals = if outcome.analysis.bootstrap {
        Intervals {
            method: "bootstrap percentile, paired for differences".into(),
            resamples: Some(crate::experiment::inference::RESAMPLES as u64),
            seed: Some(outcome.plan.seed),
        }
    } else {
        Intervals {
            method: "large-sample: Student t cut to [0, inf) for non-negative means, paired t \
                     for differences of means, independent normal approximation for \
                     differences of medians"
                .into(),
            resamples: None,
            seed: None,
        }
    };
    Summary {
        tradesim_version: env!("CARGO_PKG_VERSION").into(),
        scenario: scenario.name.clone(),
        description: scenario.description.clone(),
        seed: outcome.plan.seed,
        replications: outcome.aggregate.replications,
        horizon_days: scenario.horizon,
        warmup_days: scenario.warmup,
        teu_per_shipment: scenario.teu_per_shipment,
        baseline_days: scenario.baseline_days,
        window_days: scenario.window_days,
        tolerance: scenario.tolerance,
        hold_days: scenario.hold_days,
        intervals,
        target_ci: outcome
            .analysis
            .target
            .as_ref()
            .map(|t| target(scenario, t)),
        sensitivity: outcome
            .analysis
            .sensitivity
            .iter()
            .map(|c| SensitivityCell {
                difference: difference(&c.difference),
                strategy: scenario.strategies[c.difference.strategy].name.clone(),
                tolerance: c.tolerance,
                hold_days: c.hold_days,
            })
            .collect(),
        ablation: ablation(scenario, outcome),
        disruptions: scenario.disruptions.iter().map(|d| d.id.clone()).collect(),
        network: network_json(scenario),
        strategy_order: outcome
            .summaries
            .iter()
            .map(|s| scenario.strategies[s.strategy].name.clone())
            .collect(),
        strategies,
        nodes: first_nodes,
        limitations: limitations::limitations(
            scenario,
            &outcome
                .summaries
                .iter()
                .map(|s| &scenario.strategies[s.strategy])
                .collect::<Vec<_>>(),
        ),
    }
}

/// The network and its disruptions, for maps and reports built from the outputs alone.
pub fn network_json(scenario: &Scenario) -> NetworkSummary {
    use crate::disruption::{Damage, Effect as E};
    let node_id = |n: u32| scenario.nodes[n as usize].id.clone();
    let nodes = scenario
        .nodes
        .iter()
        .map(|n| NetNode {
            id: n.id.clone(),
            name: n.name.clone(),
            kind: n.kind,
            country: scenario.countries[n.country as usize].code.clone(),
            lat: n.lat,
            lon: n.lon,
            servers: n.servers,
            customs: n.customs.is_some(),
        })
        .collect();
    let routes = scenario
        .routes
        .iter()
        .map(|r| NetRoute {
            id: r.id.clone(),
            from: node_id(r.from),
            to: node_id(r.to),
            mode: r.mode,
            mean_transit_days: finite(r.transit.mean()),
        })
        .collect();
    let disruptions = scenario
        .disruptions
        .iter()
        .map(|d| {
            let effect = match &d.effect {
                E::Earthquake {
                    epicenter,
                    magnitude,
                    damage,
                } => {
                    let footprint = match damage {
                        Damage::Attenuation(a) => a.footprint_km(*magnitude),
                        Damage::Listed(l) => l
                            .iter()
                            .map(|nd| {
                                let n = &scenario.nodes[nd.node as usize];
                                crate::disruption::haversine_km(*epicenter, (n.lat, n.lon))
                            })
                            .fold(0.0, f64::max),
                    };
                    Effect::Earthquake {
                        epicenter: LatLon {
                            lat: epicenter.0,
                            lon: epicenter.1,
                        },
                        magnitude: *magnitude,
                        footprint_km: finite(footprint),
                        nodes: match damage {
                            Damage::Listed(l) => {
                                Some(l.iter().map(|nd| node_id(nd.node)).collect())
                            }
                            Damage::Attenuation(_) => None,
                        },
                    }
                }
                E::Alert {
                    country,
                    level,
                    duration,
                } => Effect::Alert {
                    country: scenario.countries[*country as usize].code.clone(),
                    level: *level,
                    duration_days: *duration,
                },
                E::Closure {
                    nodes,
                    routes,
                    duration,
                } => Effect::Closure {
                    nodes: nodes.iter().map(|&n| node_id(n)).collect(),
                    routes: routes
                        .iter()
                        .map(|&r| scenario.routes[r as usize].id.clone())
                        .collect(),
                    duration_days: *duration,
                },
                E::Revocation { programme, share } => Effect::Revocation {
                    programme: scenario.programmes[*programme as usize].id.clone(),
                    share: *share,
                },
            };
            NetDisruption {
                id: d.id.clone(),
                probability: d.probability,
                mean_onset_day: finite(d.onset.mean()),
                effect,
            }
        })
        .collect();
    NetworkSummary {
        nodes,
        routes,
        disruptions,
    }
}

/// Which `points/<k>/summary.json` a sweep writes (`--point-summaries`): every point's
/// whole summary, its system-wide and strategy-level parts only, or none. On the
/// US-Japan network a whole one is about 5.5 MB, most of it per node and per flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PointSummaries {
    /// The whole `summary.json` (the default).
    #[default]
    Full,
    /// Without the per-node and per-flow parts ([`system_only`]).
    System,
    /// No point summaries.
    None,
}

impl PointSummaries {
    /// The name on the command line (`full`, `system`, `none`).
    pub fn name(self) -> &'static str {
        match self {
            PointSummaries::Full => "full",
            PointSummaries::System => "system",
            PointSummaries::None => "none",
        }
    }

    /// The choice named `name` on the command line.
    pub fn parse(name: &str) -> Result<PointSummaries, String> {
        [Self::Full, Self::System, Self::None]
            .into_iter()
            .find(|p| p.name() == name.trim())
            .ok_or_else(|| {
                format!("unknown point summaries `{name}`: expected `full`, `system` or `none`")
            })
    }
}

/// `summary` without its per-node and per-flow parts: the network, the reference
/// strategy's node table, and in every strategy the node and flow measures, the node
/// scopes' recovery and their differences. What stays (system measures, recovery of the
/// system, its classes and countries, differences from baseline, the sensitivity grid,
/// limitations) is what `tradesim compare` and a sweep's analysis read.
pub fn system_only(summary: &mut Summary) {
    summary.network = NetworkSummary::default();
    summary.nodes = None;
    let per_part = |m: &str| {
        m.starts_with("nodes.") || m.starts_with("flows.") || m.starts_with("recovery.node.")
    };
    for s in summary.strategies.values_mut() {
        s.nodes.clear();
        s.flows.clear();
        s.recovery.retain(|scope, _| !scope.starts_with("node."));
        s.vs_baseline.retain(|m, _| !per_part(m));
        s.recovery_vs_baseline.retain(|d| !per_part(&d.measure));
    }
    summary
        .sensitivity
        .retain(|c| !per_part(&c.difference.measure));
}
