//! Running a sweep: each point's scenario built from the user's text, run as usual, and
//! its results flattened into tidy rows.
//!
//! A point's scenario is the scenario text with the point's keys edited ([`point_text`]),
//! validated like any scenario (so an edit that makes it invalid is reported with the
//! point's values), then run with the same seed at every point: replication r sees the
//! same arrival and service streams at every point, so differences between points are
//! paired (common random numbers) wherever the edit leaves those streams' meaning alone.
//! Points run one after another, each on all threads; only the sensitivity measure of
//! each point is kept, so memory does not grow with the number of points.

use super::design::{Parameter, Point, Points};
use super::path::{self, PathError};
use crate::experiment::inference::demand_scopes;
use crate::experiment::{self, ExperimentError, Outcome, Plan};
use crate::scenario::compose::Composition;
use crate::scenario::error::Locator;
use crate::scenario::{Format, Scenario, ScenarioErrors};
use std::sync::Arc;
use toml_edit::DocumentMut;

/// The text a sweep edits (the scenario as it runs) and, for a composed scenario, where
/// each of its keys was written, so that a point's errors point at the files written.
#[derive(Debug, Clone, Copy)]
pub struct Base<'a> {
    /// The scenario's text ([`Scenario::source`]: flattened if composed).
    pub text: &'a str,
    /// The scenario's composition, if it `extends` other files.
    pub composition: Option<&'a Arc<Composition>>,
}

impl<'a> From<&'a str> for Base<'a> {
    fn from(text: &'a str) -> Self {
        Base {
            text,
            composition: None,
        }
    }
}

impl<'a> From<&'a String> for Base<'a> {
    fn from(text: &'a String) -> Self {
        Base::from(text.as_str())
    }
}

impl<'a> From<&'a Scenario> for Base<'a> {
    fn from(s: &'a Scenario) -> Self {
        Base {
            text: &s.source,
            composition: s.composition.as_ref(),
        }
    }
}

impl Base<'_> {
    /// A locator for errors in this text, through the composition if there is one.
    pub fn locator<'l>(&'l self, file: &'l str, format: Format) -> Locator<'l> {
        match self.composition {
            Some(c) => c.locator(),
            None => Locator::new(file, self.text, format),
        }
    }
}

/// The scenario text of `point`: `text` with each key edited to the point's value.
pub fn point_text(
    text: &str,
    parameters: &[Parameter],
    point: &Point,
) -> Result<String, PathError> {
    let mut doc: DocumentMut = text.parse().map_err(|e| PathError {
        path: String::new(),
        problem: format!("the scenario is not TOML that can be edited: {e}"),
    })?;
    for (p, v) in parameters.iter().zip(&point.values) {
        path::apply(&mut doc, &p.key, &p.edit(v))?;
    }
    Ok(doc.to_string())
}

/// What may stop a sweep.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    /// A key does not resolve in the scenario.
    #[error(transparent)]
    Path(#[from] PathError),
    /// A point's scenario is invalid (its keys' values are given).
    #[error("sweep point {point} ({values}) is not a valid scenario")]
    Point {
        /// The point's index in the design, from 0.
        point: usize,
        /// Its keys' values, as `key = value` pairs for the message.
        values: String,
        /// What the scenario's validation found.
        errors: Box<ScenarioErrors>,
    },
    /// `--strategies` names a strategy the scenario lacks.
    #[error("--strategies: no strategy `{0}` in the scenario")]
    Strategy(String),
    /// The experiment of a point failed.
    #[error("sweep point {point}: {source}")]
    Experiment {
        /// The point's index in the design, from 0.
        point: usize,
        /// How its experiment failed.
        source: ExperimentError,
    },
}

/// One row of the tidy table: one point × strategy × measure × statistic.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The measure's name (`system.deliveries_per_day`, `recovery.class.trusted.ttr_days`).
    pub measure: String,
    /// The strategy's name.
    pub strategy: String,
    /// `mean`, `km_median` (Kaplan–Meier median), `restricted_mean`, or
    /// `difference_from_baseline`.
    pub statistic: &'static str,
    /// The estimate (NaN: not estimable, e.g. a median not reached).
    pub value: f64,
    /// Its 95% interval (NaN ends: open).
    pub ci95: [f64; 2],
    /// Replications it rests on.
    pub n: u64,
    /// Share of replications not recovered by the horizon (times to recover only).
    pub censored_share: f64,
    /// For a difference: `resolved`, `not resolved at n = …` or `not estimable at n = …`.
    pub verdict: String,
}

/// The tidy rows of one point's outcome: the system measures' means, each demand scope's
/// recovery (Kaplan–Meier median and restricted mean of the time to recover, resilience
/// loss, excess delay), and every difference from baseline with its verdict.
pub fn rows(scenario: &Scenario, outcome: &Outcome) -> Vec<Row> {
    let name = |k: usize| scenario.strategies[k].name.clone();
    let mut rows = vec![];
    let plain = |measure: String, strategy: String, statistic, value, ci95, n| Row {
        measure,
        strategy,
        statistic,
        value,
        ci95,
        n,
        censored_share: f64::NAN,
        verdict: String::new(),
    };
    for (i, summary) in outcome.summaries.iter().enumerate() {
        let strategy = name(summary.strategy);
        for (m, stat) in outcome.schema.names.iter().zip(&summary.measures) {
            if m.starts_with("system.") {
                rows.push(plain(
                    m.clone(),
                    strategy.clone(),
                    "mean",
                    stat.mean,
                    stat.ci95,
                    stat.n,
                ));
            }
        }
        let scopes = outcome.analysis.scopes.get(i).map_or(&[][..], |s| &s[..]);
        for scope in scopes.iter().take(demand_scopes(scenario)) {
            let ttr = &scope.ttr;
            let open = |v: Option<f64>| v.unwrap_or(f64::NAN);
            rows.push(Row {
                censored_share: ttr.censored_share(),
                ..plain(
                    format!("recovery.{}.ttr_days", scope.scope),
                    strategy.clone(),
                    "km_median",
                    open(ttr.median),
                    ttr.median_ci95.map(open),
                    ttr.n,
                )
            });
            let rm = &ttr.restricted_mean;
            rows.push(Row {
                censored_share: ttr.censored_share(),
                ..plain(
                    format!("recovery.{}.ttr_days", scope.scope),
                    strategy.clone(),
                    "restricted_mean",
                    rm.value,
                    rm.ci95,
                    ttr.n,
                )
            });
            for (m, e) in [
                ("resilience_loss_days", &scope.resilience_loss),
                ("excess_delay_shipment_days", &scope.excess_delay),
            ] {
                let measure = format!("recovery.{}.{m}", scope.scope);
                rows.push(plain(
                    measure,
                    strategy.clone(),
                    "mean",
                    e.value,
                    e.ci95,
                    ttr.n,
                ));
            }
        }
    }
    for d in &outcome.analysis.differences {
        rows.push(Row {
            verdict: d.verdict(),
            ..plain(
                d.name(),
                name(d.strategy),
                "difference_from_baseline",
                d.estimate.value,
                d.estimate.ci95,
                d.n,
            )
        });
    }
    rows
}

/// What the caller sets for every point: the run's replications, seed and threads (the
/// point's scenario gives the rest).
#[derive(Debug, Clone, PartialEq)]
pub struct PointSettings {
    /// Replications per strategy at each point (None: the scenario's).
    pub replications: Option<u64>,
    /// Master seed, the same at every point (None: the scenario's).
    pub seed: Option<u64>,
    /// Worker threads (results do not depend on it).
    pub threads: usize,
    /// Strategies to run at each point, by name (None: the scenario's).
    pub strategies: Option<Vec<String>>,
}

/// Receives each finished point: its index, scenario, outcome and tidy rows.
pub type PointSink<'a> = dyn FnMut(usize, &Scenario, &Outcome, &[Row]) -> std::io::Result<()> + 'a;

/// Runs every point of `design` in order. `sink` gets each point's index, scenario,
/// outcome and tidy rows as soon as the point is done (to write them out); the return is
/// the sensitivity measure at each point: the value of the first row `pick` selects
/// (NaN where no row is selected or the value is not estimable).
pub fn run<'a>(
    base: impl Into<Base<'a>>,
    file: &str,
    parameters: &[Parameter],
    design: &Points,
    settings: PointSettings,
    pick: &dyn Fn(&Row) -> bool,
    sink: &mut PointSink<'_>,
) -> Result<Vec<f64>, RunError> {
    let base = base.into();
    // Every point's scenario is checked before any is run, so that a bad point costs
    // seconds, not the run.
    for (k, point) in design.points.iter().enumerate() {
        point_scenario(base, file, parameters, point, k)?;
    }
    let mut measure = Vec::with_capacity(design.points.len());
    for (k, point) in design.points.iter().enumerate() {
        let scenario = point_scenario(base, file, parameters, point, k)?;
        let mut plan = Plan::from_scenario(&scenario);
        plan.replications = settings.replications.unwrap_or(plan.replications);
        plan.seed = settings.seed.unwrap_or(plan.seed);
        plan.threads = settings.threads.max(1);
        plan.target_ci = None;
        if let Some(names) = &settings.strategies {
            plan.strategies = names
                .iter()
                .map(|n| {
                    scenario
                        .strategy_index(n.trim())
                        .ok_or_else(|| SweepError::Strategy(n.clone()))
                })
                .collect::<Result<_, _>>()?;
        }
        let outcome = experiment::run(&scenario, &plan, &|_| {})
            .map_err(|source| SweepError::Experiment { point: k, source })?;
        let rows = rows(&scenario, &outcome);
        measure.push(rows.iter().find(|r| pick(r)).map_or(f64::NAN, |r| r.value));
        sink(k, &scenario, &outcome, &rows)?;
    }
    Ok(measure)
}

/// The validated scenario of point `k`: the `base` text edited at the point's keys.
pub fn point_scenario<'a>(
    base: impl Into<Base<'a>>,
    file: &str,
    parameters: &[Parameter],
    point: &Point,
    k: usize,
) -> Result<Scenario, SweepError> {
    let base = base.into();
    let edited = point_text(base.text, parameters, point)?;
    let parsed = match base.composition {
        Some(c) => Scenario::parse_flat(edited, file, c.clone()),
        None => Scenario::parse(&edited, file, Format::Toml),
    };
    parsed.map_err(|errors| SweepError::Point {
        point: k,
        values: describe(parameters, point),
        errors: Box::new(errors),
    })
}

/// `key = value, …` for a point.
pub fn describe(parameters: &[Parameter], point: &Point) -> String {
    parameters
        .iter()
        .zip(&point.values)
        .map(|(p, v)| format!("{} {} {v}", p.key, if p.scale { "×" } else { "=" }))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A sweep's failure: the sweep's own, or writing its results.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The sweep could not run a point.
    #[error(transparent)]
    Sweep(#[from] SweepError),
    /// Writing a point's results failed.
    #[error("writing a sweep point's results: {0}")]
    Io(#[from] std::io::Error),
}

impl From<PathError> for RunError {
    fn from(e: PathError) -> Self {
        RunError::Sweep(SweepError::Path(e))
    }
}
