//! Resources of a child `tradesim run`: peak resident memory (libc `wait4`'s
//! `ru_maxrss`, Unix only), wall time and the bytes it wrote, for the memory benchmark
//! and the whole-process cost of a long run.

use super::queue::{MMC_LAMBDA, MMC_MU, MMC_SERVERS, engine_mmc_with, mmc_text, small_scenario};
use std::path::Path;
use std::time::Instant;

/// What a child `tradesim run` used.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MemoryRun {
    /// Replications the child ran (`--replications`).
    pub replications: u64,
    /// Peak resident set size, KiB (the kernel's `ru_maxrss` of the child).
    pub peak_kib: u64,
    /// Wall-clock seconds of the child, from spawn to exit.
    pub seconds: f64,
}

/// Runs `exe run SMALL --replications N --quiet --out DIR` as a child process in a
/// temporary folder and returns its peak resident memory.
pub fn peak_memory(exe: &Path, replications: u64) -> Result<MemoryRun, String> {
    let dir = std::env::temp_dir().join(format!(
        "tradesim-bench-memory-{}-{replications}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let scenario = dir.join("bench-small.toml");
    std::fs::write(&scenario, small_scenario())
        .map_err(|e| format!("{}: {e}", scenario.display()))?;
    let mut cmd = std::process::Command::new(exe);
    cmd.arg("run")
        .arg(&scenario)
        .args([
            "--replications",
            &replications.to_string(),
            "--quiet",
            "--fresh",
            "--out",
        ])
        .arg(dir.join("out"))
        .stdout(std::process::Stdio::null());
    let t0 = Instant::now();
    let result = wait_peak(cmd);
    let seconds = t0.elapsed().as_secs_f64();
    let _ = std::fs::remove_dir_all(&dir);
    let peak_kib = result?;
    Ok(MemoryRun {
        replications,
        peak_kib,
        seconds,
    })
}

/// Days of the whole-process benchmark: the reference M/M/c queue over 20,000 days,
/// about 1.8 M shipments in one replication (docs/performance.md, issue 20's target).
pub const OUTPUTS_DAYS: f64 = 20_000.0;

/// One `tradesim run` of a long single replication against the engine alone.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OutputsRun {
    /// Wall seconds of the whole child process: parse, run, every output file, report.
    pub whole_seconds: f64,
    /// Peak resident set size of the child, KiB.
    pub peak_kib: u64,
    /// Wall seconds of `Simulation::run` alone on the same queue, seed and horizon.
    pub engine_seconds: f64,
    /// Bytes of every file the run wrote.
    pub output_bytes: u64,
}

impl OutputsRun {
    /// Whole process over engine: the target is at most 2.
    pub fn ratio(&self) -> f64 {
        self.whole_seconds / self.engine_seconds
    }
}

/// Runs `exe run MMC --out DIR --quiet` on the 20,000-day M/M/c queue (with
/// `extra` arguments, e.g. `--timeseries-format csv.gz`) as a child process, and times
/// the engine alone on the same replication in this process.
pub fn outputs_cost(exe: &Path, extra: &[&str]) -> Result<OutputsRun, String> {
    let dir = std::env::temp_dir().join(format!("tradesim-bench-outputs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let scenario = dir.join("bench-mmc.toml");
    let text = mmc_text(MMC_LAMBDA, MMC_MU, MMC_SERVERS, OUTPUTS_DAYS, 1);
    std::fs::write(&scenario, text).map_err(|e| format!("{}: {e}", scenario.display()))?;
    let out = dir.join("out");
    let mut cmd = std::process::Command::new(exe);
    cmd.arg("run")
        .arg(&scenario)
        .args(["--quiet", "--fresh", "--threads", "1"])
        .args(extra)
        .arg("--out")
        .arg(&out)
        .stdout(std::process::Stdio::null());
    let t0 = Instant::now();
    let result = wait_peak(cmd);
    let whole_seconds = t0.elapsed().as_secs_f64();
    let output_bytes = dir_bytes(&out);
    let _ = std::fs::remove_dir_all(&dir);
    let peak_kib = result?;
    let engine = engine_mmc_with(MMC_LAMBDA, MMC_MU, MMC_SERVERS, OUTPUTS_DAYS, 1);
    Ok(OutputsRun {
        whole_seconds,
        peak_kib,
        engine_seconds: engine.seconds,
        output_bytes,
    })
}

/// Total size of the files under `dir`.
fn dir_bytes(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| match e.metadata() {
            Ok(m) if m.is_dir() => dir_bytes(&e.path()),
            Ok(m) => m.len(),
            Err(_) => 0,
        })
        .sum()
}

/// Spawns `cmd`, waits for it and returns its peak RSS in KiB.
#[cfg(unix)]
fn wait_peak(mut cmd: std::process::Command) -> Result<u64, String> {
    let child = cmd
        .spawn()
        .map_err(|e| format!("cannot start {:?}: {e}", cmd.get_program()))?;
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value of this plain C struct.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our own child, not yet waited for; both pointers are valid.
    let got = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    // `child` is dropped without a wait: the process was reaped just above.
    drop(child);
    if got != pid {
        return Err(format!("wait4: {}", std::io::Error::last_os_error()));
    }
    if !(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0) {
        return Err(format!("the child run failed (wait status {status})"));
    }
    // Linux reports ru_maxrss in KiB.
    Ok(usage.ru_maxrss as u64)
}

#[cfg(not(unix))]
fn wait_peak(_cmd: std::process::Command) -> Result<u64, String> {
    Err("peak memory is measured on Unix only".into())
}
