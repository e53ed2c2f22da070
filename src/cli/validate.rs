//! `tradesim validate`: checks scenario files and prints a one-screen summary of each
//! (sizes, strategies, disruptions, the busiest nodes' baseline utilisation), with a
//! warning when `tradesim run` would refuse the scenario's memory budget.

use super::settings::Budget;
use super::{ValidateArgs, print_scenario_errors, say};
use crate::disruption::Effect;
use crate::experiment::Plan;
use crate::scenario::Scenario;
use std::process::ExitCode;

/// Runs `tradesim validate`: exit code 2 if any file is invalid.
pub(super) fn validate(args: ValidateArgs) -> ExitCode {
    let mut failed = 0;
    for path in &args.scenarios {
        match Scenario::load_limited(
            path,
            args.max_input_size
                .unwrap_or(crate::input::MAX_SCENARIO_BYTES),
        ) {
            Ok(s) if args.flatten => say(&s.source),
            Ok(s) => {
                say(&validation_summary(&path.display().to_string(), &s));
                if s.sweep.is_some() {
                    match super::sweep::check(&s, &path.display().to_string()) {
                        Ok(line) => say(&line),
                        Err(_) => {
                            failed += 1;
                            continue;
                        }
                    }
                }
                let budget = Budget::of(&s, args.memory_budget, &Plan::from_scenario(&s));
                if let Some(problem) = budget.exceeded_by(&s) {
                    say(&format!(
                        "  warning: {problem}; `tradesim run` would refuse it. To change: {}\n",
                        crate::budget::REMEDY
                    ));
                }
            }
            Err(e) => {
                failed += 1;
                print_scenario_errors(&e);
            }
        }
    }
    if failed > 0 {
        eprintln!(
            "{failed} of {} scenario file{} invalid",
            args.scenarios.len(),
            if args.scenarios.len() == 1 { "" } else { "s" }
        );
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    }
}

/// The one-screen summary `tradesim validate` prints for a valid scenario.
pub fn validation_summary(file: &str, s: &Scenario) -> String {
    let load = s.baseline_load();
    let demand: f64 = s.flows.iter().map(|f| f.rate_per_day).sum();
    let mut out = format!("✓ {file}: scenario `{}`\n", s.name);
    if let Some(d) = &s.description {
        out.push_str(&format!("  {}\n", d.trim()));
    }
    if let Some(c) = &s.composition {
        let bases: Vec<&str> = c.files[1..].iter().map(|f| f.label.as_str()).collect();
        out.push_str(&format!("  extends {}\n", bases.join(", ")));
    }
    out.push_str(&format!(
        "  horizon {} days (warm-up {}), {} replication{}, seed {}, {} TEU per shipment\n",
        s.horizon,
        s.warmup,
        s.replications,
        if s.replications == 1 { "" } else { "s" },
        s.seed,
        s.teu_per_shipment
    ));
    out.push_str(&format!(
        "  {} countries, {} nodes, {} routes, {} flows ({:.1} shipments/day), {} programmes, {} arrangements\n",
        s.countries.len(),
        s.nodes.len(),
        s.routes.len(),
        s.flows.len(),
        demand,
        s.programmes.len(),
        s.arrangements.len()
    ));
    let names: Vec<&str> = s
        .default_strategies
        .iter()
        .map(|&i| s.strategies[i].name.as_str())
        .collect();
    out.push_str(&format!("  strategies: {}\n", names.join(", ")));
    if !s.disruptions.is_empty() {
        let list: Vec<String> = s
            .disruptions
            .iter()
            .map(|d| {
                let kind = effect_text(&d.effect, s);
                let p = if d.probability < 1.0 {
                    format!(", p = {}", d.probability)
                } else {
                    String::new()
                };
                format!("{} ({kind}, {}{p})", d.id, onset_text(&d.onset))
            })
            .collect();
        out.push_str(&format!("  disruptions: {}\n", list.join("; ")));
    }
    let mut nodes: Vec<usize> = (0..s.nodes.len()).collect();
    nodes.sort_by(|&a, &b| {
        load.nodes[b]
            .handling_utilisation
            .total_cmp(&load.nodes[a].handling_utilisation)
            .then(a.cmp(&b))
    });
    let shown = nodes.len().min(6);
    out.push_str(&format!(
        "  baseline utilisation, busiest {shown} of {} nodes:\n",
        s.nodes.len()
    ));
    for &i in &nodes[..shown] {
        let l = &load.nodes[i];
        let customs = if s.nodes[i].customs.is_some() {
            format!(", inspectors {:.2}", l.customs_utilisation)
        } else {
            String::new()
        };
        out.push_str(&format!(
            "    {:<10} {:>8.1}/day  berths {:.2}{customs}\n",
            s.nodes[i].id, l.arrivals_per_day, l.handling_utilisation
        ));
    }
    out
}

/// A disruption's onset as `validate` shows it: "day 100" when fixed, else its range
/// ("day 100–200, mean 150") or, unbounded above, "day ≥ 100, mean 150".
fn onset_text(onset: &crate::distribution::Dist) -> String {
    let [lo, hi] = onset.support();
    if onset.is_fixed() {
        format!("day {lo:.0}")
    } else if hi.is_finite() {
        format!("day {lo:.0}–{hi:.0} at random, mean {:.0}", onset.mean())
    } else {
        format!("day ≥ {lo:.0} at random, mean {:.0}", onset.mean())
    }
}

/// What a disruption does, as `validate` shows it: "earthquake M9", "alert level 2 in JP",
/// "closure of 2 nodes, 0 routes", "revocation of 30%".
fn effect_text(effect: &Effect, s: &Scenario) -> String {
    match effect {
        Effect::Earthquake { magnitude, .. } => format!("earthquake M{magnitude}"),
        Effect::Alert { country, level, .. } => format!(
            "alert level {level} in {}",
            s.countries[*country as usize].code
        ),
        Effect::Closure { nodes, routes, .. } => {
            format!("closure of {} nodes, {} routes", nodes.len(), routes.len())
        }
        Effect::Revocation { share, .. } => format!("revocation of {:.0}%", share * 100.0),
    }
}
