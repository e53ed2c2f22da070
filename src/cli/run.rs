//! `tradesim run`: given the checked [`RunSettings`], prepares and locks the output folder,
//! resumes from a checkpoint of the same run, runs the replications in batches (streaming
//! their rows, checkpointing now and then) and writes the results or the shard file.

use super::settings::RunSettings;
use super::{RunArgs, fail, say};
use crate::experiment::Runner;
use crate::experiment::store::{self, Checkpoint, Fingerprint, ShardFile};
use crate::report;
use std::io::IsTerminal;
use std::process::ExitCode;

/// Runs `tradesim run`: [`RunSettings::from_args`] checks the arguments, then this
/// orchestrates the folder, the resume, the run and the outputs.
pub(super) fn run(args: RunArgs) -> ExitCode {
    let settings = match RunSettings::from_args(&args) {
        Ok(s) => s,
        Err(code) => return code,
    };
    if settings.scenario.sweep.is_some()
        && let Some(path) = &args.scenario
    {
        return super::sweep::from_run_args(&settings.scenario, path, &args);
    }
    if args.point_summaries.is_some() {
        return super::fail(
            2,
            "--point-summaries applies to a scenario with a [sweep] only",
        );
    }
    run_settings(settings, &args)
}

/// Runs checked settings: the output folder, the resume, the run and the outputs (one
/// scenario; a sweep's shard runs each point through here).
pub(super) fn run_settings(settings: RunSettings, args: &RunArgs) -> ExitCode {
    let RunSettings {
        scenario,
        plan,
        budget,
        out,
    } = settings;
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
