//! The command line: `tradesim run` and `tradesim validate`. Parses arguments (clap),
//! loads the scenario, runs the experiment and writes the results. Exit codes: 0 success,
//! 2 bad input (scenario, flags, output folder), 1 an internal failure.
//!
//! How the pieces meet: this file holds the clap definitions and dispatch (and the small
//! `merge`, `report` and `slurm` commands); `settings` turns `run`'s arguments and the
//! scenario into a checked `RunSettings` (every flag check, exit code 2); `run`
//! orchestrates a run from those settings; `validate` prints the scenario summaries;
//! `bench` is `tradesim generate` and `tradesim bench` (the `bench` feature, on by
//! default, with the harness in `crate::benchmark`).

#[cfg(feature = "bench")]
mod bench;
mod run;
mod settings;
mod sweep;
mod validate;

pub use validate::validation_summary;

use run::run;
use settings::{choose_strategies, load, with_ablation};
use validate::validate;

use crate::experiment::Shard;
use crate::experiment::store;
use crate::report;
use crate::scenario::ScenarioErrors;
use clap::{Args, CommandFactory, Parser, Subcommand};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

/// tradesim: how long until trade recovers from a disruption, and how much faster when
/// customs administrations prioritise trusted traders jointly.
#[derive(Debug, Parser)]
#[command(name = "tradesim", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// The subcommand to run; none runs `run` with its defaults (the embedded scenario).
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
    /// Put finished runs side by side: each strategy's headline recovery figures and its
    /// differences from its own run's baseline (console, compare.csv and report.html).
    Compare {
        /// Output folders of finished runs (each with a summary.json).
        #[arg(required = true, num_args = 1..)]
        dirs: Vec<PathBuf>,
        /// Where to write compare.csv, report.html and plots/ (default: outputs/compare/).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Print the JSON Schema of the scenario format (for editors: see docs/scenarios.md).
    Schema,
    /// Write a synthetic network scenario (for scaling studies and benchmarks).
    #[cfg(feature = "bench")]
    Generate(bench::GenerateArgs),
    /// Run a benchmark and print plain figures (docs/performance.md).
    #[cfg(feature = "bench")]
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
    /// A sweep's points/<k>/summary.json: `full` (default), `system` (only the
    /// system-wide and strategy-level parts: no per-node or per-flow measures, no
    /// network) or `none`.
    #[arg(long, value_name = "WHICH", value_parser = report::PointSummaries::parse)]
    pub point_summaries: Option<report::PointSummaries>,
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
    /// For a sweep: the merge job's `--point-summaries` (`full`, `system`, `none`).
    #[arg(long, value_name = "WHICH", value_parser = report::PointSummaries::parse)]
    pub point_summaries: Option<report::PointSummaries>,
}

/// Arguments of `tradesim run`.
#[derive(Debug, Args, Default, Clone)]
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
    /// A sweep's points/<k>/summary.json: `full` (default), `system` (only the
    /// system-wide and strategy-level parts: no per-node or per-flow measures, no
    /// network) or `none`.
    #[arg(long, value_name = "WHICH", value_parser = report::PointSummaries::parse)]
    pub point_summaries: Option<report::PointSummaries>,
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
    /// `off`: no precision target; run the fixed replication count, even if the scenario
    /// sets `[scenario.target_ci]`.
    Off,
    /// Add replications until the targeted differences' 95% confidence intervals are at
    /// most this half-width.
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
    /// Print each valid scenario as it runs: one TOML document, with the files it
    /// `extends` merged in (and no summary).
    #[arg(long)]
    pub flatten: bool,
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
        Some(Command::Compare { dirs, out }) => compare(&dirs, out),
        #[cfg(feature = "bench")]
        Some(Command::Generate(args)) => bench::generate(args),
        #[cfg(feature = "bench")]
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

fn fail(code: u8, message: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(code)
}

fn merge(args: MergeArgs) -> ExitCode {
    let limit = args.max_input_size.unwrap_or(crate::input::MAX_STORE_BYTES);
    // A sweep's shards come in one folder of point-<k>/ folders.
    let summaries = args.point_summaries;
    if let Some(code) = sweep::merge_sweep(&args.dirs, &args.out, limit, summaries) {
        return code;
    }
    if summaries.is_some() {
        return fail(
            2,
            "--point-summaries applies to a sweep's shards only (folders of point-<k>/)",
        );
    }
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

/// `tradesim compare`: the runs' summaries side by side, on stdout, in compare.csv and
/// in report.html with its plots.
fn compare(dirs: &[PathBuf], out: Option<PathBuf>) -> ExitCode {
    use crate::report::compare;
    let runs = match compare::load(dirs) {
        Ok(r) => r,
        Err(e) => return fail(e.exit_code(), e),
    };
    let rows = compare::rows(&runs);
    let out = out.unwrap_or_else(|| compare::default_out().to_path_buf());
    if let Err(e) = report::prepare_dir(&out) {
        return fail(2, format!("output folder: {e}"));
    }
    let path = out.join("compare.csv");
    if let Err(e) = report::write_atomic(&path, &compare::csv(&rows)) {
        return fail(2, e);
    }
    if let Err(e) = report::html::write_compare_report(&out, &runs, &rows) {
        return fail(e.exit_code(), e);
    }
    say(&compare::console(&runs, &rows));
    say(&format!(
        "\ntable in {}, report in {}\n",
        path.display(),
        out.join("report.html").display()
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
    if args.point_summaries.is_some() && scenario.sweep.is_none() {
        return fail(
            2,
            "--point-summaries is for a scenario with a [sweep]; this one runs once (its summary.json is whole)",
        );
    }
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
        point_summaries: args.point_summaries,
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

/// Writes to stdout; a closed pipe (`| head`) is not an error worth a panic.
fn say(text: &str) {
    use std::io::Write;
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}
