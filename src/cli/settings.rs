//! `tradesim run`'s settings, validated in one place: [`RunSettings::from_args`] turns the
//! raw arguments and the scenario they name into a checked plan (strategies, seed,
//! replications, shards, confidence target, memory budget, output folder), as ripgrep
//! turns its flags into a configuration. Every check that needs no file but the scenario
//! is here, with its exit-code-2 message; `cli::run` then only orchestrates (output
//! folder, lock, resume, the run, the results).

use super::{RunArgs, TargetArg, fail, print_scenario_errors};
use crate::experiment::Plan;
use crate::scenario::Scenario;
use std::path::PathBuf;
use std::process::ExitCode;

/// What `tradesim run` runs, checked: nothing in it can make the run refuse to start
/// but the output folder, its lock and a checkpoint.
pub(super) struct RunSettings {
    /// The scenario, with the ablation's strategies added if they were asked for.
    pub(super) scenario: Scenario,
    /// The experiment: the scenario's settings with the flags' overrides.
    pub(super) plan: Plan,
    /// The memory budget the plan's `max_live` comes from (for messages).
    pub(super) budget: Budget,
    /// The output folder (`--out`, else `outputs/<scenario name>`).
    pub(super) out: PathBuf,
}

impl RunSettings {
    /// Loads the scenario and applies and checks every flag, in the order the messages
    /// have always come in; on a problem prints it and gives the exit code (2).
    pub(super) fn from_args(args: &RunArgs) -> Result<RunSettings, ExitCode> {
        let scenario = load(args.scenario.as_ref(), args.max_input_size)?;
        Self::for_scenario(scenario, args)
    }

    /// [`RunSettings::from_args`] for a scenario already loaded (a sweep's point).
    pub(super) fn for_scenario(
        mut scenario: Scenario,
        args: &RunArgs,
    ) -> Result<RunSettings, ExitCode> {
        if args.ablation {
            if args.strategies.is_some() {
                return Err(fail(
                    2,
                    "--ablation chooses the strategies itself; give --ablation or --strategies, not both",
                ));
            }
            scenario.default_strategies = with_ablation(&mut scenario)?;
        }
        let mut plan = Plan::from_scenario(&scenario);
        if let Some(r) = args.replications {
            plan.replications = r;
        }
        if let Some(s) = args.seed {
            plan.seed = s;
        }
        if let Some(t) = args.threads {
            plan.threads = t as usize;
        }
        if let Some(names) = &args.strategies {
            plan.strategies = choose_strategies(&mut scenario, names)?;
        }
        plan.shard = args.shard;
        plan.branch = !args.no_branch;
        if let Some(k) = args.timeseries_scopes {
            plan.timeseries_scopes = k;
        }
        match args.target_ci {
            Some(TargetArg::Off) => plan.target_ci = None,
            Some(TargetArg::HalfWidth(half_width)) => {
                if plan.shard.is_some() {
                    return Err(fail(
                        2,
                        "--target-ci decides the replication count as it goes, so it cannot be split into --shard runs",
                    ));
                }
                let (measures, strategies) = plan
                    .target_ci
                    .take()
                    .map(|t| (t.measures, t.strategies))
                    .unwrap_or_else(|| (vec!["recovery.system.ttr_days".into()], Vec::new()));
                plan.target_ci = Some(crate::scenario::TargetCi {
                    half_width,
                    measures,
                    strategies,
                });
            }
            // A shard runs its share of the cap: a scenario's own target needs the whole run.
            None if plan.shard.is_some() => plan.target_ci = None,
            None => {}
        }
        if let Some(measures) = &args.target_measure {
            let Some(t) = plan.target_ci.as_mut() else {
                return Err(fail(
                    2,
                    "--target-measure needs a target: give --target-ci too (e.g. --target-ci 50%)",
                ));
            };
            for m in measures {
                if let Err((what, help)) = crate::scenario::check_target_measure(
                    m,
                    scenario.countries.iter().map(|c| c.code.as_str()),
                ) {
                    return Err(fail(2, format!("--target-measure: {what}; {help}")));
                }
            }
            t.measures = measures.clone();
        }
        if let Some(names) = &args.target_strategy {
            let Some(t) = plan.target_ci.as_mut() else {
                return Err(fail(
                    2,
                    "--target-strategy needs a target: give --target-ci too (e.g. --target-ci 50%)",
                ));
            };
            for n in names {
                if !scenario.strategies.iter().any(|s| &s.name == n) {
                    let known: Vec<&str> = scenario
                        .strategies
                        .iter()
                        .map(|s| s.name.as_str())
                        .collect();
                    return Err(fail(
                        2,
                        format!(
                            "--target-strategy: no strategy named `{n}`; one of: {}",
                            known.join(", ")
                        ),
                    ));
                }
            }
            t.strategies = names.clone();
        }
        if let Some(sh) = plan.shard
            && sh.count > plan.replications
        {
            return Err(fail(
                2,
                format!(
                    "--shard {}/{}: more shards than the {} replications",
                    sh.index, sh.count, plan.replications
                ),
            ));
        }
        let budget = Budget::of(&scenario, args.memory_budget, &plan);
        plan.options.max_live = budget.max_live;
        if let Some(problem) = budget.exceeded_by(&scenario) {
            return Err(fail(
                2,
                format!(
                    "{problem}. Nothing was run. To change: {}",
                    crate::budget::REMEDY
                ),
            ));
        }
        let out = args
            .out
            .clone()
            .unwrap_or_else(|| PathBuf::from("outputs").join(&scenario.name));
        Ok(RunSettings {
            scenario,
            plan,
            budget,
            out,
        })
    }
}

/// The scenario at `path` (the embedded default without one); prints its errors itself.
pub(super) fn load(path: Option<&PathBuf>, limit: Option<u64>) -> Result<Scenario, ExitCode> {
    match path {
        None => Ok(Scenario::embedded_default()),
        Some(p) => Scenario::load_limited(p, limit.unwrap_or(crate::input::MAX_SCENARIO_BYTES))
            .map_err(|e| {
                print_scenario_errors(&e);
                ExitCode::from(2)
            }),
    }
}

/// Resolves `--strategies` names, adding the ablation's strategies to the scenario if a
/// name is one of theirs; prints the error itself.
pub(super) fn choose_strategies(
    scenario: &mut Scenario,
    names: &[String],
) -> Result<Vec<usize>, ExitCode> {
    if names.iter().any(|n| {
        crate::policy::is_ablation_name(n.trim()) && scenario.strategy_index(n.trim()).is_none()
    }) {
        with_ablation(scenario)?;
    }
    let mut chosen = Vec::new();
    for n in names {
        match scenario.strategy_index(n.trim()) {
            Some(i) if !chosen.contains(&i) => chosen.push(i),
            Some(_) => {
                eprintln!(
                    "error: --strategies: `{}` is given twice; name each strategy once",
                    n.trim()
                );
                return Err(ExitCode::from(2));
            }
            None => {
                let known: Vec<&str> = scenario
                    .strategies
                    .iter()
                    .map(|s| s.name.as_str())
                    .collect();
                eprintln!(
                    "error: --strategies: no strategy `{n}`; this scenario has: {}",
                    known.join(", ")
                );
                return Err(ExitCode::from(2));
            }
        }
    }
    Ok(chosen)
}

/// [`Scenario::add_ablation`]; prints the error itself.
pub(super) fn with_ablation(scenario: &mut Scenario) -> Result<Vec<usize>, ExitCode> {
    scenario
        .add_ablation()
        .map_err(|e| fail(2, format!("--ablation: {e}")))
}

/// The memory budget of a run and its share per simulation.
pub(super) struct Budget {
    bytes: u64,
    threads: usize,
    branch: bool,
    /// Shipments a simulation may hold live (the engine's `max_live`).
    pub(super) max_live: u64,
}

impl Budget {
    /// `--memory-budget`, else the scenario's `memory_budget`, else the machine's default.
    pub(super) fn of(scenario: &Scenario, flag: Option<u64>, plan: &Plan) -> Budget {
        let bytes = flag
            .or(scenario.memory_budget)
            .unwrap_or_else(crate::budget::default_budget);
        Budget {
            bytes,
            threads: plan.threads,
            branch: plan.branch,
            max_live: crate::budget::max_live(bytes, plan.threads, plan.branch),
        }
    }

    /// "the memory budget of 4 GiB over 2 threads … allows N shipments".
    pub(super) fn describe(&self) -> String {
        format!(
            "the memory budget of {} over {} thread{} ({} simulation{} each, about {} bytes a shipment) allows {} shipments in a simulation",
            crate::input::format_bytes(self.bytes),
            self.threads,
            if self.threads == 1 { "" } else { "s" },
            crate::budget::simulations_per_thread(self.branch),
            if self.branch { "s" } else { "" },
            crate::budget::BYTES_PER_SHIPMENT,
            self.max_live
        )
    }

    /// What goes over the budget before anything runs: the queues the disruptions imply.
    pub(super) fn exceeded_by(&self, scenario: &Scenario) -> Option<String> {
        let queues = crate::budget::queue_estimates(scenario);
        let total: f64 = queues.iter().map(|q| q.shipments).sum();
        if total <= self.max_live as f64 {
            return None;
        }
        let top = &queues[0];
        let bytes = total * crate::budget::BYTES_PER_SHIPMENT as f64;
        Some(format!(
            "over the memory budget: disruption `{}` would queue about {} shipments ({}){}, about {} in a simulation; {}",
            top.disruption,
            crate::budget::short(top.shipments.round()),
            top.place,
            if queues.len() > 1 {
                format!(
                    ", {} shipments in all with the other disruptions",
                    crate::budget::short(total.round())
                )
            } else {
                String::new()
            },
            crate::input::format_bytes(bytes.min(u64::MAX as f64) as u64),
            self.describe()
        ))
    }
}
