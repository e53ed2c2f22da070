//! The command line: `tradesim run` and `tradesim validate`. Parses arguments (clap),
//! loads the scenario, runs the experiment and writes the results. Exit codes: 0 success,
//! 2 bad input (scenario, flags, output folder), 1 an internal failure.

mod bench;
mod sweep;

use crate::experiment::store::{self, Checkpoint, Fingerprint, ShardFile};
use crate::experiment::{Plan, Runner, Shard};
use crate::report;
use crate::scenario::{Scenario, ScenarioErrors};
use clap::{Args, CommandFactory, Parser, Subcommand};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
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
    /// Combine shard files (from `run --shard K/M`) into the result one run would give.
    Merge(MergeArgs),
    /// Write Slurm batch scripts: a job array of shards and a merge job that waits for it.
    Slurm(SlurmArgs),
    /// Rebuild plots/ and report.html from a run's output folder (a merged run too).
    Report {
        /// The output folder of a run: summary.json, timeseries.csv, replications.csv.
        dir: PathBuf,
    },
    /// Print the JSON Schema of the scenario format (for editors: see docs/scenarios.md).
    Schema,
    /// Write a synthetic network scenario (for scaling studies and benchmarks).
    Generate(bench::GenerateArgs),
    /// Run a benchmark and print plain figures (docs/performance.md).
    Bench(bench::BenchArgs),
    /// Print a shell completion script (e.g. `tradesim completions bash > ~/.local/share/bash-completion/completions/tradesim`).
    Completions {
        /// The shell to complete for.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) for tradesim and its subcommands (e.g. `tradesim man | man -l -`).
    Man {
        /// Write one page per command (tradesim.1, tradesim-run.1, ...) into this folder instead.
        #[arg(long)]
        dir: Option<PathBuf>,
    },
}

/// Arguments of `tradesim merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Folders holding shard-K-of-M.json files.
    #[arg(required = true)]
    pub dirs: Vec<PathBuf>,
    /// Where to write the merged results.
    #[arg(long)]
    pub out: PathBuf,
    /// Largest shard or rows file read (e.g. 4GiB; default 1 GiB).
    #[arg(long, value_name = "SIZE", value_parser = crate::input::parse_bytes)]
    pub max_input_size: Option<u64>,
    /// How the daily series are written: `csv` (timeseries.csv) or `csv.gz`
    /// (timeseries.csv.gz, gzip, a third to a sixth of the size).
    #[arg(long, value_name = "FORMAT", default_value = "csv", value_parser = report::SeriesFormat::parse)]
    pub timeseries_format: report::SeriesFormat,
}

/// Arguments of `tradesim slurm`.
#[derive(Debug, Args)]
pub struct SlurmArgs {
    /// Scenario file (without it, the embedded default is written out and used).
    pub scenario: Option<PathBuf>,
    /// Replications per strategy, split over the tasks.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=crate::scenario::MAX_REPLICATIONS))]
    pub replications: u64,
    /// Array tasks (shards).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..100_001))]
    pub tasks: u64,
    /// Master seed (default: the scenario's).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Strategies, comma-separated (default: the scenario's).
    #[arg(long, value_delimiter = ',')]
    pub strategies: Option<Vec<String>>,
    /// Run the mechanism ablation (as `tradesim run --ablation`) over the array.
    #[arg(long)]
    pub ablation: bool,
    /// Slurm partition.
    #[arg(long)]
    pub partition: Option<String>,
    /// Time limit per task (Slurm format, e.g. 1:00:00).
    #[arg(long, default_value = "1:00:00")]
    pub time: String,
    /// Memory per task (Slurm format, e.g. 2G).
    #[arg(long, default_value = "2G")]
    pub mem: String,
    /// CPUs per task (threads of each shard).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..1025))]
    pub cpus: u64,
    /// The tradesim binary as the cluster's nodes see it (default: this one).
    #[arg(long)]
    pub tradesim: Option<PathBuf>,
    /// Folder for the scripts, shards, logs and the merged results.
    #[arg(long)]
    pub out: PathBuf,
    /// Largest scenario file read (e.g. 256MiB; default 64 MiB).
    #[arg(long, value_name = "SIZE", value_parser = crate::input::parse_bytes)]
    pub max_input_size: Option<u64>,
}

/// Arguments of `tradesim run`.
#[derive(Debug, Args, Default)]
pub struct RunArgs {
    /// Scenario file (TOML or .json); without it, the embedded default (us-japan-tohoku-2011).
    pub scenario: Option<PathBuf>,
    /// Replications per strategy (default: the scenario's `replications`).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=crate::scenario::MAX_REPLICATIONS))]
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
    /// Strategies to run, comma-separated (default: the scenario's; presets: no-mra,
    /// baseline, unilateral, joint).
    #[arg(long, value_delimiter = ',')]
    pub strategies: Option<Vec<String>>,
    /// Which mechanism buys what: run baseline, joint, each of joint's mechanisms
    /// (priority, recognition, alert_relief, notice, information, data_exchange,
    /// resumption, alert_notice, screening, reopening) added alone to baseline
    /// and each left out of joint, on common random numbers, and report each one's
    /// contribution (docs/outputs.md, "Ablation").
    #[arg(long)]
    pub ablation: bool,
    /// No progress bar or messages on stderr.
    #[arg(long, short)]
    pub quiet: bool,
    /// Run only shard K of M (1 ≤ K ≤ M) and write shard-K-of-M.json for `tradesim merge`.
    #[arg(long, value_parser = parse_shard)]
    pub shard: Option<Shard>,
    /// Add replications until the 95% CI half-width of every targeted strategy − baseline
    /// difference is at most D days (e.g. 2) or D% of the difference (e.g. 50%: the
    /// difference is then resolved); `--replications` is the cap. `off` ignores the
    /// scenario's own `target_ci`.
    #[arg(long, value_name = "D", value_parser = parse_target)]
    pub target_ci: Option<TargetArg>,
    /// Measures the target applies to, comma-separated (default: the scenario's, else
    /// recovery.system.ttr_days), e.g. recovery.system.ttr_days,recovery.class.trusted.ttr_days.
    #[arg(long, value_delimiter = ',', value_name = "MEASURE")]
    pub target_measure: Option<Vec<String>>,
    /// Strategies whose differences from baseline the target applies to, comma-separated
    /// (default: the scenario's, else every strategy of the run but baseline), e.g. joint.
    #[arg(long, value_delimiter = ',', value_name = "STRATEGY")]
    pub target_strategy: Option<Vec<String>>,
    /// Seconds between checkpoints (a killed run started again resumes from the last).
    #[arg(long, default_value_t = 10.0, value_parser = parse_positive)]
    pub checkpoint_every: f64,
    /// Ignore a checkpoint left in the output folder and start over.
    #[arg(long)]
    pub fresh: bool,
    /// Do not branch strategies at the first onset (slower; same results).
    #[arg(long, hide = true)]
    pub no_branch: bool,
    /// Largest scenario file read (e.g. 256MiB; default 64 MiB).
    #[arg(long, value_name = "SIZE", value_parser = crate::input::parse_bytes)]
    pub max_input_size: Option<u64>,
    /// Memory the shipments in the network may take, over all threads (e.g. 8GiB; default:
    /// the scenario's `memory_budget`, else three quarters of the machine's memory).
    #[arg(long, value_name = "SIZE", value_parser = crate::input::parse_bytes)]
    pub memory_budget: Option<u64>,
    /// Scopes whose daily series timeseries.csv also gets, comma-separated: node, country,
    /// flow; `none` for the system's alone (default: the scenario's `timeseries_scopes`).
    #[arg(long, value_name = "KINDS", value_parser = parse_scopes)]
    pub timeseries_scopes: Option<crate::measure::ScopeKinds>,
    /// How the daily series are written: `csv` (timeseries.csv) or `csv.gz`
    /// (timeseries.csv.gz, gzip, a third to a sixth of the size).
    #[arg(long, value_name = "FORMAT", default_value = "csv", value_parser = report::SeriesFormat::parse)]
    pub timeseries_format: report::SeriesFormat,
}

fn parse_scopes(s: &str) -> Result<crate::measure::ScopeKinds, String> {
    if s.trim() == "none" {
        return Ok(crate::measure::ScopeKinds::NONE);
    }
    crate::measure::ScopeKinds::parse(&s.split(',').collect::<Vec<_>>())
}

/// `--target-ci`: a half-width, or `off`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TargetArg {
    Off,
    HalfWidth(crate::scenario::HalfWidth),
}

fn parse_target(s: &str) -> Result<TargetArg, String> {
    if s.trim() == "off" {
        return Ok(TargetArg::Off);
    }
    crate::scenario::HalfWidth::parse(s).map(TargetArg::HalfWidth)
}

fn parse_shard(s: &str) -> Result<Shard, String> {
    Shard::parse(s)
}

fn parse_positive(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 => Ok(v),
        _ => Err(format!("`{s}` is not a positive number")),
    }
}

/// Arguments of `tradesim validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Scenario files to check.
    #[arg(required = true)]
    pub scenarios: Vec<PathBuf>,
    /// Largest scenario file read (e.g. 256MiB; default 64 MiB).
    #[arg(long, value_name = "SIZE", value_parser = crate::input::parse_bytes)]
    pub max_input_size: Option<u64>,
    /// The memory budget to warn against (default: as `run` would use with all cores).
    #[arg(long, value_name = "SIZE", value_parser = crate::input::parse_bytes)]
    pub memory_budget: Option<u64>,
}

/// Parses the process arguments and runs; the process exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        None => run(RunArgs::default()),
        Some(Command::Run(args)) => run(args),
        Some(Command::Validate(args)) => validate(args),
        Some(Command::Merge(args)) => merge(args),
        Some(Command::Slurm(args)) => slurm(args),
        Some(Command::Report { dir }) => report_command(&dir),
        Some(Command::Generate(args)) => bench::generate(args),
        Some(Command::Bench(args)) => bench::bench(args),
        Some(Command::Schema) => {
            say(&crate::scenario::file::json_schema());
            ExitCode::SUCCESS
        }
        Some(Command::Completions { shell }) => {
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "tradesim", &mut out);
            write_stdout(&out)
        }
        Some(Command::Man { dir: None }) => {
            let pages = man_pages();
            write_stdout(
                &pages
                    .into_iter()
                    .flat_map(|(_, page)| page)
                    .collect::<Vec<u8>>(),
            )
        }
        Some(Command::Man { dir: Some(dir) }) => {
            if let Err(e) = std::fs::create_dir_all(&dir) {
                eprintln!("error: cannot create {}: {e}", dir.display());
                return ExitCode::from(2);
            }
            for (name, page) in man_pages() {
                let path = dir.join(format!("{name}.1"));
                if let Err(e) = report::write_atomic(&path, &page) {
                    eprintln!("error: cannot write {}: {e}", path.display());
                    return ExitCode::from(2);
                }
            }
            ExitCode::SUCCESS
        }
    }
}

/// The manual pages, (name, roff): `tradesim(1)` and one `tradesim-<sub>(1)` per
/// subcommand, as clap_mangen renders them from the argument definitions.
pub fn man_pages() -> Vec<(String, Vec<u8>)> {
    let cmd = Cli::command();
    let mut pages = vec![(cmd.get_name().to_string(), cmd.clone())];
    for sub in cmd.get_subcommands() {
        let name = format!("tradesim-{}", sub.get_name());
        pages.push((name.clone(), sub.clone().name(name.clone()).bin_name(name)));
    }
    pages
        .into_iter()
        .map(|(name, cmd)| {
            let mut page = Vec::new();
            // Rendering into a Vec cannot fail: roff writes only to the buffer.
            clap_mangen::Man::new(cmd)
                .render(&mut page)
                .expect("writing to a Vec");
            (name, page)
        })
        .collect()
}

/// Writes generated text to stdout; a closed pipe (`| head`) is not an error.
fn write_stdout(bytes: &[u8]) -> ExitCode {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: could not write to stdout: {e}");
            ExitCode::from(1)
        }
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

fn load(path: Option<&PathBuf>, limit: Option<u64>) -> Result<Scenario, ExitCode> {
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
fn choose_strategies(scenario: &mut Scenario, names: &[String]) -> Result<Vec<usize>, ExitCode> {
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
fn with_ablation(scenario: &mut Scenario) -> Result<Vec<usize>, ExitCode> {
    scenario
        .add_ablation()
        .map_err(|e| fail(2, format!("--ablation: {e}")))
}

/// `run` on a scenario with a `[sweep]`: the flags that make sense for every point.
fn run_sweep(scenario: &Scenario, path: &Path, args: &RunArgs) -> ExitCode {
    let unsupported = [
        (args.ablation, "--ablation"),
        (args.strategies.is_some(), "--strategies"),
        (args.shard.is_some(), "--shard"),
        (args.target_ci.is_some(), "--target-ci"),
    ];
    if let Some((_, flag)) = unsupported.iter().find(|(given, _)| *given) {
        return fail(
            2,
            format!(
                "{flag} does not apply to a sweep yet; run without it, or remove [sweep] to run the scenario once"
            ),
        );
    }
    sweep::sweep(
        scenario,
        &sweep::SweepArgs {
            path: path.to_path_buf(),
            out: args.out.clone(),
            replications: args.replications,
            seed: args.seed,
            threads: args.threads.map(|t| t as usize),
            quiet: args.quiet,
            max_input: args
                .max_input_size
                .unwrap_or(crate::input::MAX_SCENARIO_BYTES),
        },
    )
}

fn fail(code: u8, message: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(code)
}

fn run(args: RunArgs) -> ExitCode {
    let mut scenario = match load(args.scenario.as_ref(), args.max_input_size) {
        Ok(s) => s,
        Err(code) => return code,
    };
    if scenario.sweep.is_some()
        && let Some(path) = &args.scenario
    {
        return run_sweep(&scenario, path, &args);
    }
    if args.ablation {
        if args.strategies.is_some() {
            return fail(
                2,
                "--ablation chooses the strategies itself; give --ablation or --strategies, not both",
            );
        }
        match with_ablation(&mut scenario) {
            Ok(ix) => scenario.default_strategies = ix,
            Err(code) => return code,
        }
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
        match choose_strategies(&mut scenario, names) {
            Ok(c) => plan.strategies = c,
            Err(code) => return code,
        }
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
                return fail(
                    2,
                    "--target-ci decides the replication count as it goes, so it cannot be split into --shard runs",
                );
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
            return fail(
                2,
                "--target-measure needs a target: give --target-ci too (e.g. --target-ci 50%)",
            );
        };
        for m in measures {
            if let Err((what, help)) = crate::scenario::check_target_measure(
                m,
                scenario.countries.iter().map(|c| c.code.as_str()),
            ) {
                return fail(2, format!("--target-measure: {what}; {help}"));
            }
        }
        t.measures = measures.clone();
    }
    if let Some(names) = &args.target_strategy {
        let Some(t) = plan.target_ci.as_mut() else {
            return fail(
                2,
                "--target-strategy needs a target: give --target-ci too (e.g. --target-ci 50%)",
            );
        };
        for n in names {
            if !scenario.strategies.iter().any(|s| &s.name == n) {
                let known: Vec<&str> = scenario
                    .strategies
                    .iter()
                    .map(|s| s.name.as_str())
                    .collect();
                return fail(
                    2,
                    format!(
                        "--target-strategy: no strategy named `{n}`; one of: {}",
                        known.join(", ")
                    ),
                );
            }
        }
        t.strategies = names.clone();
    }
    if let Some(sh) = plan.shard
        && sh.count > plan.replications
    {
        return fail(
            2,
            format!(
                "--shard {}/{}: more shards than the {} replications",
                sh.index, sh.count, plan.replications
            ),
        );
    }
    let budget = Budget::of(&scenario, args.memory_budget, &plan);
    plan.options.max_live = budget.max_live;
    if let Some(problem) = budget.exceeded_by(&scenario) {
        return fail(
            2,
            format!(
                "{problem}. Nothing was run. To change: {}",
                crate::budget::REMEDY
            ),
        );
    }
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("outputs").join(&scenario.name));
    if let Err(e) = report::prepare_dir(&out) {
        return fail(2, format!("output folder: {e}"));
    }
    // Held until the process ends: nothing else writes into `out` meanwhile.
    let lock_name = crate::lock::lock_name(plan.shard.map(|s| (s.index, s.count)));
    let _lock = match crate::lock::lock_folder(&out, &lock_name, "run") {
        Ok(l) => l,
        Err(e) => return fail(2, e),
    };
    let fingerprint = Fingerprint::of(&scenario, &plan);
    let checkpoint_path = out.join(store::checkpoint_name(plan.shard));
    report::remove_stale_temporaries(&out);
    let rows_final = out.join(match plan.shard {
        Some(sh) => store::shard_rows_name(sh),
        None => "replications.csv".into(),
    });
    let rows_partial = rows_final.with_extension("csv.partial");

    // Resume from a checkpoint of the same run, if there is one.
    let mut resume = None;
    if !args.fresh {
        match store::load_checkpoint(&checkpoint_path) {
            Ok(Some(c)) => {
                if let Some(diff) = c
                    .fingerprint
                    .difference(&fingerprint)
                    .or_else(|| (c.shard != plan.shard).then(|| "another --shard".to_string()))
                    .or_else(|| {
                        (c.state.aggregate.scopes != plan.timeseries_scopes)
                            .then(|| "other --timeseries-scopes".to_string())
                    })
                {
                    return fail(
                        2,
                        format!(
                            "{} holds a checkpoint of a different run ({diff}); use --fresh to start over, or another --out",
                            checkpoint_path.display()
                        ),
                    );
                }
                resume = Some(c);
            }
            Ok(None) => {}
            Err(e) => return fail(2, format!("{e}; use --fresh to start over")),
        }
    }
    // A run that stops early (a full disk, say) leaves no partial rows behind, unless a
    // checkpoint can resume them.
    let _partial = PartialRows {
        rows: &rows_partial,
        checkpoint: &checkpoint_path,
    };
    let mut rows = match open_rows(
        &rows_partial,
        resume.as_ref().map(|c| c.rows_len),
        &report::replications_header(&crate::measure::MeasureSchema::new(&scenario)),
    ) {
        Ok(f) => f,
        Err(e) => return fail(2, e),
    };
    let (from, to) = plan.range();
    let total = to - from;
    let already = resume
        .as_ref()
        .map_or(0, |c| c.state.aggregate.replications);
    if !args.quiet {
        eprintln!(
            "running {}{} ({} replication{} × {} strateg{}, {} thread{}){}",
            scenario.name,
            plan.shard
                .map_or(String::new(), |s| format!(" shard {}/{}", s.index, s.count)),
            total,
            if total == 1 { "" } else { "s" },
            plan.strategies.len(),
            if plan.strategies.len() == 1 {
                "y"
            } else {
                "ies"
            },
            plan.threads,
            if plan.threads == 1 { "" } else { "s" },
            if already > 0 {
                format!("; resuming after {already} done")
            } else {
                String::new()
            }
        );
    }
    let bar = progress_bar(total, args.quiet);
    bar.set_position(already);
    let mut runner = match Runner::new(&scenario, plan.clone(), resume.map(|c| c.state)) {
        Ok(r) => r,
        Err(e) => return fail(1, e),
    };
    let batch = (plan.threads as u64 * 2).max(2);
    let mut last_checkpoint = std::time::Instant::now();
    loop {
        let results = match runner.next_batch(batch) {
            Ok(Some(r)) => r,
            Ok(None) => break,
            Err(crate::experiment::ExperimentError::Memory(m)) => {
                bar.finish_and_clear();
                return fail(
                    2,
                    format!(
                        "memory budget reached, the run stopped: {m}. {}; no results were written (a checkpoint, if one was saved, resumes the run). To change: {}",
                        budget.describe(),
                        crate::budget::REMEDY
                    ),
                );
            }
            Err(e) => {
                bar.finish_and_clear();
                return fail(1, format!("internal: {e}"));
            }
        };
        let flat: Vec<_> = results.into_iter().flatten().collect();
        if let Err(e) = append_rows(&mut rows, &report::replication_rows(&scenario, &flat)) {
            bar.finish_and_clear();
            return fail(2, format!("cannot write {}: {e}", rows_partial.display()));
        }
        bar.set_position(runner.done());
        if last_checkpoint.elapsed().as_secs_f64() >= args.checkpoint_every {
            let c = Checkpoint {
                fingerprint: fingerprint.clone(),
                shard: plan.shard,
                state: runner.state().clone(),
                rows_len: rows.1,
            };
            if let Err(e) = store::save_checkpoint(&checkpoint_path, &c) {
                bar.finish_and_clear();
                return fail(2, e);
            }
            last_checkpoint = std::time::Instant::now();
        }
    }
    bar.finish_and_clear();
    drop(rows);
    let outcome = runner.finish();
    let written = match plan.shard {
        Some(sh) => {
            let rows = match store::RowsDigest::of_file(&rows_partial) {
                Ok(d) => d,
                Err(e) => return fail(2, format!("{}: {e}", rows_partial.display())),
            };
            let file = ShardFile {
                fingerprint,
                shard: sh,
                rows,
                aggregate: outcome.aggregate.clone(),
                scenario_text: scenario.source.clone(),
                scenario_format: if scenario.format == crate::scenario::Format::Json {
                    "json".into()
                } else {
                    "toml".into()
                },
                seconds: outcome.seconds,
            };
            store::save_shard(&out.join(store::shard_name(sh)), &file).map_err(|e| e.to_string())
        }
        None => report::write_outputs(&out, &scenario, &outcome, args.timeseries_format)
            .map_err(|e| e.to_string()),
    };
    if let Err(e) = written.and_then(|_| {
        std::fs::rename(&rows_partial, &rows_final)
            .map_err(|e| format!("cannot rename {}: {e}", rows_partial.display()))
    }) {
        return fail(2, e);
    }
    let _ = std::fs::remove_file(&checkpoint_path);
    if plan.shard.is_none()
        && let Err(e) =
            report::html::write_report_with(&out, Some(report::report_series(&scenario, &outcome)))
    {
        return fail(e.exit_code(), e);
    }
    let rate = outcome.aggregate.events as f64 / outcome.seconds.max(1e-9) / 1e6;
    match plan.shard {
        Some(sh) => {
            if !args.quiet {
                eprintln!(
                    "shard {}/{} done: {} in {}/ ({:.1} s)",
                    sh.index,
                    sh.count,
                    store::shard_name(sh),
                    out.display(),
                    outcome.seconds
                );
            }
        }
        None => say(&format!(
            "{}\nresults in {}/ (summary.json, replications.csv, {}, report.html, plots/); {:.1} s, {:.1} M events/s\n",
            report::console_table(&scenario, &outcome),
            out.display(),
            args.timeseries_format.file_name(),
            outcome.seconds,
            rate
        )),
    }
    ExitCode::SUCCESS
}

/// A replication rate to three significant digits ("2.71/s", "271/s", "12 300/s"); a
/// rate below one a second reads as seconds per replication.
fn rate_text(per_sec: f64) -> String {
    if !per_sec.is_finite() || per_sec <= 0.0 {
        return "–/s".into();
    }
    if per_sec < 1.0 {
        return format!("{} s each", significant(1.0 / per_sec));
    }
    format!("{}/s", significant(per_sec))
}

/// `x` (positive) to three significant digits, no more decimals than that needs.
fn significant(x: f64) -> String {
    let magnitude = x.log10().floor() as i32;
    if magnitude < 3 {
        let decimals = (2 - magnitude).clamp(0, 6) as usize;
        return format!("{x:.decimals$}");
    }
    let step = 10f64.powi(magnitude - 2);
    let rounded = format!("{:.0}", (x / step).round() * step);
    if rounded.len() <= 4 {
        return rounded;
    }
    // Group thousands with a thin space so 12 300 reads at a glance.
    let digits = rounded.len();
    let mut out = String::new();
    for (i, c) in rounded.chars().enumerate() {
        if i > 0 && (digits - i) % 3 == 0 {
            out.push('\u{2009}');
        }
        out.push(c);
    }
    out
}

/// The progress bar on stderr: hidden with --quiet or when stderr is not a terminal.
fn progress_bar(total: u64, quiet: bool) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(total);
    if !quiet && std::io::stderr().is_terminal() {
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} {pos}/{len} replications [{bar:30}] {rate} ETA {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .with_key(
                "rate",
                |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                    let _ = w.write_str(&rate_text(state.per_sec()));
                },
            )
            .progress_chars("=> "),
        );
    } else {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    bar
}

/// Removes the partial rows file when dropped, unless a checkpoint refers to it (once the
/// run is done it has been renamed, and there is nothing to remove).
struct PartialRows<'a> {
    rows: &'a std::path::Path,
    checkpoint: &'a std::path::Path,
}

impl Drop for PartialRows<'_> {
    fn drop(&mut self) {
        if !self.checkpoint.exists() {
            let _ = std::fs::remove_file(self.rows);
        }
    }
}

/// Opens the partial rows file: new with a header, or cut back to `len` bytes to resume.
fn open_rows(
    path: &std::path::Path,
    len: Option<u64>,
    header: &[u8],
) -> Result<(std::fs::File, u64), String> {
    use std::io::{Seek, Write};
    let err = |e: std::io::Error| format!("{}: {e}", path.display());
    match len {
        Some(len) => {
            let mut f = std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .map_err(|e| format!("{} (needed to resume; use --fresh): {e}", path.display()))?;
            let actual = f.metadata().map_err(err)?.len();
            if actual < len {
                return Err(format!(
                    "{} is shorter than its checkpoint says ({actual} < {len} bytes); use --fresh",
                    path.display()
                ));
            }
            f.set_len(len).map_err(err)?;
            f.seek(std::io::SeekFrom::End(0)).map_err(err)?;
            Ok((f, len))
        }
        None => {
            let mut f = std::fs::File::create(path).map_err(err)?;
            f.write_all(header).map_err(err)?;
            Ok((f, header.len() as u64))
        }
    }
}

/// Appends rows and makes them durable before a checkpoint can refer to them.
fn append_rows(rows: &mut (std::fs::File, u64), bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    rows.0.write_all(bytes)?;
    rows.0.sync_data()?;
    rows.1 += bytes.len() as u64;
    Ok(())
}

fn merge(args: MergeArgs) -> ExitCode {
    let limit = args.max_input_size.unwrap_or(crate::input::MAX_STORE_BYTES);
    // Everything is read and checked before the output folder is made or touched.
    let merged = match store::merge(&args.dirs, limit) {
        Ok(m) => m,
        Err(e) => return fail(2, e),
    };
    let all = match store::merged_rows(&merged, limit) {
        Ok(rows) => rows,
        Err(e) => return fail(2, e),
    };
    let outcome = crate::experiment::outcome(
        &merged.scenario,
        merged.plan,
        merged.aggregate,
        merged.seconds,
    );
    if let Err(e) = report::prepare_dir(&args.out) {
        return fail(2, format!("output folder: {e}"));
    }
    let _lock = match crate::lock::lock_folder(&args.out, crate::lock::LOCK_FILE, "merge") {
        Ok(l) => l,
        Err(e) => return fail(2, e),
    };
    if let Err(e) = report::write_outputs_with_rows(
        &args.out,
        &merged.scenario,
        &outcome,
        Some(&all),
        args.timeseries_format,
    ) {
        return fail(2, e);
    }
    let series = report::report_series(&merged.scenario, &outcome);
    if let Err(e) = report::html::write_report_with(&args.out, Some(series)) {
        return fail(e.exit_code(), e);
    }
    say(&format!(
        "{}\nmerged {} shard{} into {}/ (summary.json, replications.csv, {}, report.html, plots/)\n",
        report::console_table(&merged.scenario, &outcome),
        merged.rows.len(),
        if merged.rows.len() == 1 { "" } else { "s" },
        args.out.display(),
        args.timeseries_format.file_name()
    ));
    ExitCode::SUCCESS
}

/// `tradesim report DIR`: plots/ and report.html from the run's files in DIR.
fn report_command(dir: &std::path::Path) -> ExitCode {
    match report::html::write_report(dir) {
        Ok(w) => {
            say(&format!(
                "wrote {} and {} plot files in {}/\n",
                w.report.display(),
                w.plots.len(),
                dir.join("plots").display()
            ));
            for (title, reason) in &w.skipped {
                say(&format!("  not drawn: {title} ({reason})\n"));
            }
            ExitCode::SUCCESS
        }
        Err(e) => fail(e.exit_code(), e),
    }
}

fn slurm(args: SlurmArgs) -> ExitCode {
    let mut scenario = match load(args.scenario.as_ref(), args.max_input_size) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let strategies = match (&args.strategies, args.ablation) {
        (Some(_), true) => {
            return fail(
                2,
                "--ablation chooses the strategies itself; give --ablation or --strategies, not both",
            );
        }
        (None, true) => match with_ablation(&mut scenario) {
            Ok(c) => c,
            Err(code) => return code,
        },
        (Some(names), false) => match choose_strategies(&mut scenario, names) {
            Ok(c) => c,
            Err(code) => return code,
        },
        (None, false) => scenario.default_strategies.clone(),
    };
    if args.tasks > args.replications {
        return fail(
            2,
            format!(
                "--tasks {} is more than --replications {}: each task needs at least one replication",
                args.tasks, args.replications
            ),
        );
    }
    if let Err(e) = report::prepare_dir(&args.out.join("logs")) {
        return fail(2, format!("output folder: {e}"));
    }
    let out = match std::fs::canonicalize(&args.out) {
        Ok(p) => p,
        Err(e) => return fail(2, format!("{}: {e}", args.out.display())),
    };
    let binary = match args.tradesim.clone().map_or_else(std::env::current_exe, Ok) {
        Ok(p) => p,
        Err(e) => {
            return fail(
                2,
                format!("cannot find the tradesim binary (give --tradesim PATH): {e}"),
            );
        }
    };
    let ext = if scenario.format == crate::scenario::Format::Json {
        "json"
    } else {
        "toml"
    };
    let scenario_copy = out.join(format!("scenario.{ext}"));
    let names: Vec<&str> = strategies
        .iter()
        .map(|&i| scenario.strategies[i].name.as_str())
        .collect();
    let scripts = crate::report::slurm::Scripts {
        name: scenario.name.clone(),
        binary,
        scenario: scenario_copy.clone(),
        out: out.clone(),
        replications: args.replications,
        tasks: args.tasks,
        seed: args.seed.unwrap_or(scenario.seed),
        strategies: names.join(","),
        partition: args.partition.clone(),
        time: args.time.clone(),
        mem: args.mem.clone(),
        cpus: args.cpus,
    };
    let files = [
        (scenario_copy.clone(), scenario.source.clone()),
        (out.join("array.sbatch"), scripts.array()),
        (out.join("merge.sbatch"), scripts.merge()),
        (out.join("submit.sh"), scripts.submit()),
    ];
    for (path, text) in &files {
        if let Err(e) = report::write_atomic(path, text.as_bytes()) {
            return fail(2, e);
        }
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(
            out.join("submit.sh"),
            std::fs::Permissions::from_mode(0o755),
        );
    }
    say(&format!(
        "wrote {0}/array.sbatch ({1} tasks × {2} replications in all), {0}/merge.sbatch (afterok) and {0}/submit.sh\nsubmit with: {0}/submit.sh   (results: {0}/summary.json)\n",
        out.display(),
        args.tasks,
        args.replications
    ));
    ExitCode::SUCCESS
}

fn validate(args: ValidateArgs) -> ExitCode {
    let mut failed = 0;
    for path in &args.scenarios {
        match Scenario::load_limited(
            path,
            args.max_input_size
                .unwrap_or(crate::input::MAX_SCENARIO_BYTES),
        ) {
            Ok(s) => {
                say(&validation_summary(&path.display().to_string(), &s));
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

/// The memory budget of a run and its share per simulation.
struct Budget {
    bytes: u64,
    threads: usize,
    branch: bool,
    max_live: u64,
}

impl Budget {
    /// `--memory-budget`, else the scenario's `memory_budget`, else the machine's default.
    fn of(scenario: &Scenario, flag: Option<u64>, plan: &Plan) -> Budget {
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
    fn describe(&self) -> String {
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
    fn exceeded_by(&self, scenario: &Scenario) -> Option<String> {
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
    if !s.disruptions.is_empty() {
        let list: Vec<String> = s
            .disruptions
            .iter()
            .map(|d| {
                let kind = match &d.effect {
                    crate::disruption::Effect::Earthquake { magnitude, .. } => {
                        format!("earthquake M{magnitude}")
                    }
                    crate::disruption::Effect::Alert { country, level, .. } => format!(
                        "alert level {level} in {}",
                        s.countries[*country as usize].code
                    ),
                    crate::disruption::Effect::Closure { nodes, routes, .. } => {
                        format!("closure of {} nodes, {} routes", nodes.len(), routes.len())
                    }
                    crate::disruption::Effect::Revocation { share, .. } => {
                        format!("revocation of {:.0}%", share * 100.0)
                    }
                };
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

#[cfg(test)]
mod tests {
    use super::rate_text;

    #[test]
    fn progress_rate_has_three_significant_digits() {
        assert_eq!(rate_text(2.71), "2.71/s");
        assert_eq!(rate_text(27.14), "27.1/s");
        assert_eq!(rate_text(271.6), "272/s");
        assert_eq!(rate_text(2718.2), "2720/s");
        assert_eq!(rate_text(12_345.6), "12\u{2009}300/s");
        assert_eq!(rate_text(0.25), "4.00 s each");
        assert_eq!(rate_text(0.0), "–/s");
        assert_eq!(rate_text(f64::NAN), "–/s");
    }
}
