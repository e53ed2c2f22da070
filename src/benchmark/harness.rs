//! The timing harness: a [`Measurement`] (work done, wall and CPU seconds), the CPU
//! clocks (libc `clock_gettime`, Linux only), and the benchmarks that time whole
//! scenarios: the default scenario's events on one thread, replications on several.

use crate::engine::{RunOptions, Simulation};
use crate::experiment::{self, Plan};
use crate::scenario::Scenario;
use std::time::Instant;

/// One timed piece of work.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measurement {
    /// Units of work done (shipments, replications, …: the function says which).
    pub count: u64,
    /// Events the engine processed.
    pub events: u64,
    /// Wall-clock seconds.
    pub seconds: f64,
    /// CPU seconds of the working threads (NaN where unknown).
    pub cpu_seconds: f64,
}

impl Measurement {
    /// Units per wall-clock second.
    pub fn per_second(&self) -> f64 {
        self.count as f64 / self.seconds.max(1e-12)
    }
    /// Units per CPU second.
    pub fn per_cpu_second(&self) -> f64 {
        self.count as f64 / self.cpu_seconds.max(1e-12)
    }
    /// Events per wall-clock second.
    pub fn events_per_second(&self) -> f64 {
        self.events as f64 / self.seconds.max(1e-12)
    }
    /// Events per CPU second.
    pub fn events_per_cpu_second(&self) -> f64 {
        self.events as f64 / self.cpu_seconds.max(1e-12)
    }
}

/// Which CPU clock to read.
#[derive(Debug, Clone, Copy)]
pub(super) enum Clock {
    /// The calling thread.
    Thread,
    /// Every thread of the process.
    Process,
}

/// CPU seconds used so far by the calling thread or the whole process.
pub(super) fn cpu_seconds(clock: Clock) -> f64 {
    #[cfg(target_os = "linux")]
    {
        let id = match clock {
            Clock::Thread => libc::CLOCK_THREAD_CPUTIME_ID,
            Clock::Process => libc::CLOCK_PROCESS_CPUTIME_ID,
        };
        let mut ts = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: `ts` is a valid, writable timespec; the clock ids are constants.
        if unsafe { libc::clock_gettime(id, &mut ts) } == 0 {
            return ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9;
        }
        f64::NAN
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = clock;
        f64::NAN
    }
}

/// Times `f` (wall clock and CPU of `clock`).
pub(super) fn timed<T>(clock: Clock, f: impl FnOnce() -> T) -> (T, f64, f64) {
    let c0 = cpu_seconds(clock);
    let t0 = Instant::now();
    let out = f();
    let seconds = t0.elapsed().as_secs_f64();
    (out, seconds, cpu_seconds(clock) - c0)
}

/// Replications `0..replications` of every default strategy of the embedded default
/// scenario, one after the other on the calling thread, each simulated from time 0 (no
/// branching at the onset, so every event counted was processed). `count` is the
/// strategy runs; the events per CPU second are the events per second per core.
pub fn default_scenario_events(replications: u64) -> Measurement {
    let scenario = Scenario::embedded_default();
    scenario_events(&scenario, replications)
}

/// As [`default_scenario_events`], for any scenario.
pub fn scenario_events(scenario: &Scenario, replications: u64) -> Measurement {
    let ((runs, events), seconds, cpu) = timed(Clock::Thread, || {
        let (mut runs, mut events) = (0, 0);
        for r in 0..replications {
            for &s in &scenario.default_strategies {
                let sim = Simulation::new(scenario, s, r, scenario.seed, RunOptions::default());
                events += sim.run().expect("accounting holds").events;
                runs += 1;
            }
        }
        (runs, events)
    });
    Measurement {
        count: runs,
        events,
        seconds,
        cpu_seconds: cpu,
    }
}

/// `replications` replications of the embedded default scenario (its strategies, seed and
/// branching, as `tradesim run` does) on `threads` worker threads. `count` is the
/// replications; `cpu_seconds` covers the whole process.
pub fn replications_per_second(threads: usize, replications: u64) -> Measurement {
    let scenario = Scenario::embedded_default();
    replications_on(&scenario, threads, replications)
}

/// As [`replications_per_second`], for any scenario.
pub fn replications_on(scenario: &Scenario, threads: usize, replications: u64) -> Measurement {
    let mut plan = Plan::from_scenario(scenario);
    plan.threads = threads.max(1);
    plan.replications = replications;
    let (outcome, seconds, cpu) = timed(Clock::Process, || {
        experiment::run(scenario, &plan, &|_| {}).expect("the experiment runs")
    });
    Measurement {
        count: outcome.aggregate.replications,
        events: outcome.aggregate.events,
        seconds,
        cpu_seconds: cpu,
    }
}
