//! The command line: `tradesim run` and `tradesim validate`. Parses arguments (clap),
//! loads the scenario, runs the experiment and writes the results. Exit codes: 0 success,
//! 2 bad input (scenario, flags, output folder), 1 an internal failure.

use crate::experiment::{self, Plan};
use crate::report;
use crate::scenario::{Scenario, ScenarioErrors};
use clap::{Args, Parser, Subcommand};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

/// tradesim: how long until trade recovers from a disruption, and how much faster when
/// customs administrations prioritise trusted traders jointly.
#[derive(Debug, Parser)]
#[command(name = "tradesim", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a scenario's replications and write results under outputs/<name>/.
    Run(RunArgs),
    /// Check scenario files and print a one-screen summary of each.
    Validate(ValidateArgs),
}

/// Arguments of `tradesim run`.
#[derive(Debug, Args, Default)]
pub struct RunArgs {
    /// Scenario file (TOML or .json); without it, the embedded default (us-japan).
    pub scenario: Option<PathBuf>,
    /// Replications per strategy (default: the scenario's `replications`).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub replications: Option<u64>,
    /// Master seed (default: the scenario's `seed`).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..1025))]
    pub threads: Option<u64>,
    /// Output folder (default: outputs/<scenario name>/).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Strategies to run, comma-separated (default: the scenario's; presets: baseline,
    /// unilateral, joint).
    #[arg(long, value_delimiter = ',')]
    pub strategies: Option<Vec<String>>,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Arguments of `tradesim validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Scenario files to check.
    #[arg(required = true)]
    pub scenarios: Vec<PathBuf>,
}

/// Parses the process arguments and runs; the process exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        None => run(RunArgs::default()),
        Some(Command::Run(args)) => run(args),
        Some(Command::Validate(args)) => validate(args),
    }
}

/// Prints scenario errors with their source snippets.
pub fn print_scenario_errors(errors: &ScenarioErrors) {
    let theme = if std::io::stderr().is_terminal() {
        miette::GraphicalTheme::unicode()
    } else {
        miette::GraphicalTheme::unicode_nocolor()
    };
    let handler = miette::GraphicalReportHandler::new_themed(theme);
    for e in &errors.0 {
        let mut s = String::new();
        if handler.render_report(&mut s, e).is_err() {
            s = e.to_string();
        }
        eprintln!("{s}");
    }
    let n = errors.0.len();
    eprintln!(
        "error: {n} problem{} in the scenario; nothing was run",
        if n == 1 { "" } else { "s" }
    );
}

fn load(path: Option<&PathBuf>) -> Result<Scenario, ExitCode> {
    match path {
        None => Ok(Scenario::embedded_default()),
        Some(p) => Scenario::load(p).map_err(|e| {
            print_scenario_errors(&e);
            ExitCode::from(2)
        }),
    }
}

fn run(args: RunArgs) -> ExitCode {
    let scenario = match load(args.scenario.as_ref()) {
        Ok(s) => s,
        Err(code) => return code,
    };
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
        let mut chosen = Vec::new();
        for n in names {
            match scenario.strategy_index(n.trim()) {
                Some(i) if !chosen.contains(&i) => chosen.push(i),
                Some(_) => {}
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
                    return ExitCode::from(2);
                }
            }
        }
        plan.strategies = chosen;
    }
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("outputs").join(&scenario.name));
    if let Err(e) = report::prepare_dir(&out) {
        eprintln!("error: output folder: {e}");
        return ExitCode::from(2);
    }
    let show = !args.quiet && std::io::stderr().is_terminal();
    let bar = indicatif::ProgressBar::new(plan.replications);
    if show {
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} {pos}/{len} replications [{bar:30}] {per_sec} ETA {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
    } else {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    if !args.quiet {
        eprintln!(
            "running {} ({} replication{} × {} strateg{}, {} thread{})",
            scenario.name,
            plan.replications,
            if plan.replications == 1 { "" } else { "s" },
            plan.strategies.len(),
            if plan.strategies.len() == 1 {
                "y"
            } else {
                "ies"
            },
            plan.threads,
            if plan.threads == 1 { "" } else { "s" }
        );
    }
    let outcome = experiment::run(&scenario, &plan, &|n| bar.set_position(n));
    bar.finish_and_clear();
    let outcome = match outcome {
        Ok(o) => o,
        Err(e) => {
            eprintln!("internal error: {e}");
            return ExitCode::from(1);
        }
    };
    if let Err(e) = report::write_outputs(&out, &scenario, &outcome) {
        eprintln!("error: {e}");
        return ExitCode::from(2);
    }
    let events: u64 = outcome.results.iter().map(|r| r.events).sum();
    let text = format!(
        "{}\nresults in {}/ (summary.json, replications.csv, timeseries.csv); {:.1} s, {:.1} M events/s\n",
        report::console_table(&scenario, &outcome),
        out.display(),
        outcome.seconds,
        events as f64 / outcome.seconds.max(1e-9) / 1e6
    );
    say(&text);
    ExitCode::SUCCESS
}

fn validate(args: ValidateArgs) -> ExitCode {
    let mut failed = 0;
    for path in &args.scenarios {
        match Scenario::load(path) {
            Ok(s) => say(&validation_summary(&path.display().to_string(), &s)),
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

/// Writes to stdout; a closed pipe (`| head`) is not an error worth a panic.
fn say(text: &str) {
    use std::io::Write;
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

/// The one-screen summary `tradesim validate` prints for a valid scenario.
pub fn validation_summary(file: &str, s: &Scenario) -> String {
    let load = s.baseline_load();
    let demand: f64 = s.flows.iter().map(|f| f.rate_per_day).sum();
    let mut out = format!("✓ {file}: scenario `{}`\n", s.name);
    if let Some(d) = &s.description {
        out.push_str(&format!("  {}\n", d.trim()));
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
