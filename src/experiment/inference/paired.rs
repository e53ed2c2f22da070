//! The paired bootstrap statistic behind every strategy − baseline difference: which
//! record field a measure reads, and the difference of medians, restricted means or means
//! over replications resampled together (common random numbers pair them).

use super::{
    BOOT, Estimate, NEITHER_REACHED, Records, censored_times, field, restricted_mean_weighted,
};
use crate::experiment::bootstrap::{CensoredTimes, percentile_interval, weighted_mean};

/// The record field (index into [`super::RECORD_FIELDS`]) a target measure is computed from.
fn measure_field(measure: &str) -> usize {
    match measure {
        "ttr_days" | "ttr_restricted_mean_days" => 0,
        "first_return_days" => 2,
        "resilience_loss_days" => 4,
        _ => 5,
    }
}

/// A paired statistic of strategy − baseline over replications weighted by multiplicities:
/// the difference of Kaplan–Meier medians (a median not reached taken at the follow-up
/// `tau`, so the difference is then a bound), of restricted means to `tau`, or of means.
pub(super) struct PairedStatistic {
    kind: u8,
    a: CensoredTimes,
    b: CensoredTimes,
    d: Vec<f64>,
    tau: f64,
    pub(super) n: usize,
}

impl PairedStatistic {
    pub(super) fn new(
        ra: &Records,
        rb: &Records,
        k: usize,
        measure: &str,
        tau: f64,
    ) -> Option<Self> {
        let f = measure_field(measure);
        let kind = match measure {
            "ttr_days" | "first_return_days" => 0,
            "ttr_restricted_mean_days" => 1,
            _ => 2,
        };
        if kind < 2 {
            let (a, ka) = censored_times(ra, k, f);
            let (b, kb) = censored_times(rb, k, f);
            // Paired on the same replications (common random numbers: the same ones have
            // a disruption under every strategy).
            if ka != kb {
                return None;
            }
            Some(PairedStatistic::of_times(kind, a, b, tau))
        } else {
            let (xa, xb) = (ra.column(field(k, f)), rb.column(field(k, f)));
            let d: Vec<f64> = xa
                .iter()
                .zip(&xb)
                .map(|(a, b)| a - b)
                .filter(|v| !v.is_nan())
                .collect();
            let empty = CensoredTimes::new(&[], &[]);
            Some(PairedStatistic {
                kind,
                a: empty.clone(),
                b: empty,
                n: d.len(),
                d,
                tau,
            })
        }
    }

    /// The difference of medians (`kind` 0) or of restricted means (1) of censored times.
    pub(super) fn of_times(kind: u8, a: CensoredTimes, b: CensoredTimes, tau: f64) -> Self {
        let n = a.index.len();
        PairedStatistic {
            kind,
            a,
            b,
            d: Vec::new(),
            tau,
            n,
        }
    }

    fn eval(&self, m: &[u32]) -> f64 {
        match self.kind {
            0 => self.a.median(m).min(self.tau) - self.b.median(m).min(self.tau),
            1 => {
                restricted_mean_weighted(&self.a, m, self.tau)
                    - restricted_mean_weighted(&self.b, m, self.tau)
            }
            _ => weighted_mean(&self.d, m),
        }
    }

    /// The full-sample value and its percentile interval at `level`; for a difference of
    /// medians neither of which is reached, no estimate (NaN): both are only known to lie
    /// beyond the follow-up, and the restricted means are the comparison to read.
    pub(super) fn estimate(&self, seed: u64, label: &str, level: f64) -> Estimate {
        let full = vec![1u32; self.n];
        if self.bound() == Some(NEITHER_REACHED) {
            return Estimate {
                value: f64::NAN,
                ci95: [f64::NAN; 2],
                method: BOOT,
            };
        }
        Estimate {
            value: if self.n == 0 {
                f64::NAN
            } else {
                self.eval(&full)
            },
            ci95: percentile_interval(self.n, seed, label, level, |m| self.eval(m)),
            method: BOOT,
        }
    }

    /// Which side a median difference is a bound on: "at most" when only baseline's median
    /// is not reached, "at least" when only the strategy's is.
    pub(super) fn bound(&self) -> Option<&'static str> {
        if self.kind != 0 || self.n == 0 {
            return None;
        }
        let full = vec![1u32; self.n];
        match (
            self.a.median(&full).is_finite(),
            self.b.median(&full).is_finite(),
        ) {
            (true, false) => Some("at most"),
            (false, true) => Some("at least"),
            (false, false) => Some(NEITHER_REACHED),
            _ => None,
        }
    }
}
