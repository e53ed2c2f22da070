//! What a reader of the results should not take from them: the model's stated
//! assumptions that bear on this run (docs/model.md), and the scenario's own
//! (`[scenario] assumptions`). Written to summary.json `limitations` and shown in the
//! report's "Limitations" section.

use crate::disruption::Effect;
use crate::policy::{AlertNotice, Reroute, Strategy};
use crate::scenario::Scenario;
use serde::{Deserialize, Serialize};

/// Whose assumption a limitation states.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// An assumption of tradesim's model (docs/model.md).
    Model,
    /// The scenario file's own (`[scenario] assumptions`).
    Scenario,
}

impl Source {
    /// The name summary.json uses.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Model => "model",
            Source::Scenario => "scenario",
        }
    }
}

/// One limitation of a run's results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Limitation {
    /// Whose assumption it is.
    pub source: Source,
    /// One or two plain sentences.
    pub text: String,
}

fn model(text: String) -> Limitation {
    Limitation {
        source: Source::Model,
        text,
    }
}

/// The limitations of a run of `strategies` on `scenario`: the model's that apply
/// (conditioned on the disruptions, strategies and keys the run uses), then the
/// scenario's own assumptions in file order.
pub fn limitations(scenario: &Scenario, strategies: &[&Strategy]) -> Vec<Limitation> {
    let mut out = Vec::new();
    out.push(model(
        "The intervals show the simulation's own randomness over the replications run, \
         not the uncertainty of its inputs (rates, capacities and the parameters marked \
         [U] in docs/model.md): a difference resolved here can still change with them."
            .into(),
    ));
    out.push(model(format!(
        "Demand is the flows' stated rates as random (Poisson) arrivals; it does not follow \
         prices, inventories or the wider economy{}.",
        if scenario.flows.iter().any(|f| f.response.is_some()) {
            ", beyond the shippers' stated defer, cancel and shift rules"
        } else {
            ""
        }
    )));
    if !scenario.disruptions.is_empty() {
        out.push(model(format!(
            "Recovery is a definition: the start of the first run of days, after the onset \
             has pushed the scope out of band, on which the 7-day means of deliveries and of \
             work in process stay within the band around their {:.0}-day pre-onset baseline \
             (the wider of {:.0}% and three standard deviations of its noise) for {:.0} days, \
             or to the horizon. Another band gives other dates; runs not recovered by the \
             {:.0}-day horizon are censored there, and their medians are Kaplan–Meier \
             estimates.",
            scenario.baseline_days,
            100.0 * scenario.tolerance,
            scenario.hold_days.max(scenario.window_days),
            scenario.horizon
        )));
    }
    let effects = || scenario.disruptions.iter().map(|d| &d.effect);
    if effects().any(|e| matches!(e, Effect::Earthquake { .. })) {
        out.push(model(
            "An earthquake acts only through the capacity it takes from the network's \
             nodes and the schedule on which it returns; damage to suppliers, factories and \
             roads inland is outside the model unless the scenario lists it."
                .into(),
        ));
    }
    if effects().any(|e| matches!(e, Effect::Alert { .. })) {
        out.push(model(
            "An alert level acts through the scenario's inspection-rate and handling-time \
             multipliers; how much real inspections rise at each level is an assumption \
             of the scenario, not a published figure."
                .into(),
        ));
    }
    if strategies.iter().any(|s| s.reroute == Reroute::OnClosure)
        && scenario.flows.iter().any(|f| !f.alternates.is_empty())
    {
        out.push(model(format!(
            "Carriers choose ports by expected time (queue, capacity, customs and extra \
             transit) with a switching threshold, reviewed every {:.0} days [U]; real \
             carriers also weigh contracts, rates and slot availability.",
            scenario.review_days
        )));
    }
    if scenario.countries.iter().any(|c| c.targeting.is_some()) {
        out.push(model(
            "Risk scores are normal with an assumed separation and noise [U]: the detection \
             rates show how the mechanisms shift the trade-off, not real enforcement \
             figures."
                .into(),
        ));
    }
    if strategies
        .iter()
        .any(|s| s.alert_notice == AlertNotice::Routine)
        && let Some(a) = scenario.arrangements.first()
    {
        out.push(model(format!(
            "Routine alert notices reach the partner after {:.1} days [U].",
            a.alert_notice
        )));
    }
    out.extend(scenario.assumptions.iter().map(|text| Limitation {
        source: Source::Scenario,
        text: text.clone(),
    }));
    out
}
