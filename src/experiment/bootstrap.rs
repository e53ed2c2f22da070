//! The seeded bootstrap over replications: percentile intervals for a statistic of the
//! replications (a mean, a Kaplan–Meier median) and for paired differences between two
//! strategies (each resample draws the same replications for both, keeping the common
//! random numbers' pairing).
//!
//! Resamples are drawn by replication position from a PCG stream seeded with the run's
//! seed and a label naming the statistic, over data sorted by replication number: the
//! interval depends only on the seed and the data, never on thread count or job split.
//! Percentiles are order statistics (the ⌈B·q⌉-th of B sorted resamples, Hyndman & Fan
//! type 1), so infinite resamples (a median not reached) need no interpolation.
//!
//! Reference: Efron & Tibshirani, *An Introduction to the Bootstrap* (1993), ch. 13 (the
//! percentile interval); Davison & Hinkley (1997), ch. 5.

use crate::streams::Stream;
use rand::{RngExt, SeedableRng};

/// Resamples per interval.
pub const RESAMPLES: usize = 2000;

/// A PCG stream for the statistic called `label` under master seed `seed`.
pub fn stream(seed: u64, label: &str) -> Stream {
    let h = super::store::fnv1a(label.as_bytes());
    Stream::seed_from_u64(seed ^ h.rotate_left(17) ^ 0x6a09_e667_f3bc_c909)
}

/// Multiplicities of `n` items in `resamples` resamples with replacement: one vector of
/// length `n` per resample, drawn from `rng`.
pub fn multiplicities(n: usize, resamples: usize, rng: &mut Stream) -> Vec<Vec<u32>> {
    (0..resamples)
        .map(|_| {
            let mut m = vec![0u32; n];
            for _ in 0..n {
                m[rng.random_range(0..n)] += 1;
            }
            m
        })
        .collect()
}

/// The `level` percentile interval of `stat` over resamples: `stat` is given each
/// resample's multiplicities. Resamples where `stat` is NaN are dropped; NaN if more than
/// half are.
pub fn percentile_interval(
    n: usize,
    seed: u64,
    label: &str,
    level: f64,
    stat: impl Fn(&[u32]) -> f64,
) -> [f64; 2] {
    if n < 2 {
        return [f64::NAN; 2];
    }
    let mut rng = stream(seed, label);
    let mut values: Vec<f64> = multiplicities(n, RESAMPLES, &mut rng)
        .iter()
        .map(|m| stat(m))
        .filter(|x| !x.is_nan())
        .collect();
    if values.len() * 2 < RESAMPLES {
        return [f64::NAN; 2];
    }
    values.sort_by(f64::total_cmp);
    let alpha = (1.0 - level) / 2.0;
    [order_stat(&values, alpha), order_stat(&values, 1.0 - alpha)]
}

/// The ⌈B·q⌉-th smallest of `v` (sorted, B = its length), 1-based; the smallest for q = 0.
fn order_stat(v: &[f64], q: f64) -> f64 {
    let k = ((v.len() as f64 * q).ceil() as usize).clamp(1, v.len());
    v[k - 1]
}

/// The mean of `x` weighted by multiplicities `m`.
pub fn weighted_mean(x: &[f64], m: &[u32]) -> f64 {
    let (mut s, mut w) = (0.0, 0u64);
    for (&v, &k) in x.iter().zip(m) {
        if k > 0 {
            s += v * f64::from(k);
            w += u64::from(k);
        }
    }
    if w == 0 { f64::NAN } else { s / w as f64 }
}

/// Times to recover ready for resampling: each replication's index among the distinct
/// times, and whether it was censored.
#[derive(Debug, Clone)]
pub struct CensoredTimes {
    /// The distinct times, ascending, days.
    pub distinct: Vec<f64>,
    /// Per replication, the index of its time in `distinct`.
    pub index: Vec<usize>,
    /// Per replication, true if its time is a censoring time (not recovered).
    pub censored: Vec<bool>,
}

impl CensoredTimes {
    /// From times and censoring flags (NaN times are the caller's to drop beforehand).
    pub fn new(times: &[f64], censored: &[bool]) -> CensoredTimes {
        let mut distinct: Vec<f64> = times.to_vec();
        distinct.sort_by(f64::total_cmp);
        distinct.dedup();
        let index = times
            .iter()
            .map(|t| distinct.partition_point(|x| x < t))
            .collect();
        CensoredTimes {
            distinct,
            index,
            censored: censored.to_vec(),
        }
    }

    /// The Kaplan–Meier median of the replications weighted by `m` (+∞ if not reached;
    /// the same estimator as [`super::survival::KaplanMeier::median`], tie rule included:
    /// where S is exactly ½ the median is midway to the next event time). Streamed over
    /// the distinct times, with no Kaplan–Meier table built: it runs once per resample.
    pub fn median(&self, m: &[u32]) -> f64 {
        let mut counts = vec![(0u64, 0u64); self.distinct.len()];
        let mut n = 0u64;
        for ((&i, &c), &k) in self.index.iter().zip(&self.censored).zip(m) {
            let k = u64::from(k);
            if c {
                counts[i].1 += k;
            } else {
                counts[i].0 += k;
            }
            n += k;
        }
        if n == 0 {
            return f64::NAN;
        }
        let (mut risk, mut s) = (n, 1.0f64);
        let mut half_at: Option<f64> = None;
        for (&t, &(d, c)) in self.distinct.iter().zip(&counts) {
            if d > 0 {
                if let Some(h) = half_at {
                    return 0.5 * (h + t);
                }
                s *= 1.0 - d as f64 / risk as f64;
                if s <= 0.5 + 1e-12 {
                    if (s - 0.5).abs() <= 1e-12 {
                        half_at = Some(t);
                    } else {
                        return t;
                    }
                }
            }
            risk -= d + c;
        }
        half_at.unwrap_or(f64::INFINITY)
    }
}

/// a − b for medians that may not be reached (+∞): +∞ − finite = +∞, finite − +∞ = −∞,
/// and +∞ − +∞ = 0 (neither recovered in half the replications: no evidence of a
/// difference, which can only pull an interval towards 0).
pub fn median_difference(a: f64, b: f64) -> f64 {
    if a.is_infinite() && b.is_infinite() {
        0.0
    } else {
        a - b
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bootstrap_of_a_mean_is_seeded_bounded_and_about_right() {
        // 40 exponential-looking values ≥ 0: mean 2.05.
        let x: Vec<f64> = (0..40).map(|i| 0.1 * f64::from((i * 7) % 41)).collect();
        let mean = x.iter().sum::<f64>() / 40.0;
        let ci = percentile_interval(40, 7, "m", 0.95, |m| weighted_mean(&x, m));
        assert_eq!(
            ci,
            percentile_interval(40, 7, "m", 0.95, |m| weighted_mean(&x, m))
        );
        assert_ne!(
            ci,
            percentile_interval(40, 8, "m", 0.95, |m| weighted_mean(&x, m))
        );
        assert!(ci[0] < mean && mean < ci[1]);
        // The normal-theory half-width is 1.96 sd/√n; the percentile interval is close.
        let sd = (x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / 39.0).sqrt();
        let half = 1.96 * sd / 40f64.sqrt();
        assert!(
            ((ci[1] - ci[0]) / 2.0 - half).abs() < 0.15 * half,
            "{ci:?} vs ±{half}"
        );
        // A skewed non-negative sample: the interval stays above 0, where mean ± t·se does not.
        let mut y = vec![0.0; 11];
        y.push(400.0);
        let ci = percentile_interval(12, 7, "y", 0.95, |m| weighted_mean(&y, m));
        assert!(ci[0] >= 0.0 && ci[1] <= 400.0, "{ci:?}");
        let my = 400.0 / 12.0;
        let sy = (y.iter().map(|v| (v - my).powi(2)).sum::<f64>() / 11.0).sqrt();
        assert!(
            my - 2.201 * sy / 12f64.sqrt() < 0.0,
            "the t interval would go negative"
        );
    }

    #[test]
    fn resampled_medians_match_kaplan_meier_and_order_statistics_are_type_1() {
        let times = [5.0, 3.0, 9.0, 3.0, 12.0];
        let censored = [false, false, true, false, true];
        let ct = CensoredTimes::new(&times, &censored);
        assert_eq!(ct.distinct, [3.0, 5.0, 9.0, 12.0]);
        let mut t = super::super::survival::SurvivalTally::default();
        for (&x, &c) in times.iter().zip(&censored) {
            t.add(x, c);
        }
        assert_eq!(Some(ct.median(&[1; 5])), t.kaplan_meier().median());
        // Only the censored ones drawn: median not reached.
        assert_eq!(ct.median(&[0, 0, 2, 0, 3]), f64::INFINITY);
        assert_eq!(median_difference(f64::INFINITY, 4.0), f64::INFINITY);
        assert_eq!(median_difference(f64::INFINITY, f64::INFINITY), 0.0);
        // Against the full estimator on many weightings, ties at S = ½ included.
        let times: Vec<f64> = (0..24).map(|i| f64::from((i * 5) % 11)).collect();
        let censored: Vec<bool> = (0..24).map(|i| i % 4 == 3).collect();
        let ct = CensoredTimes::new(&times, &censored);
        let mut rng = stream(3, "weights");
        let mut exact_half = 0;
        for m in multiplicities(24, 500, &mut rng) {
            let mut t = super::super::survival::SurvivalTally::default();
            for ((&x, &c), &k) in times.iter().zip(&censored).zip(&m) {
                for _ in 0..k {
                    t.add(x, c);
                }
            }
            let km = t.kaplan_meier();
            let full = km.median().unwrap_or(f64::INFINITY);
            assert_eq!(ct.median(&m), full, "weights {m:?}");
            exact_half += usize::from(full.fract() == 0.5);
        }
        assert!(exact_half > 0, "no weighting hit S = 1/2 exactly");
        let v: Vec<f64> = (1..=2000).map(f64::from).collect();
        assert_eq!(order_stat(&v, 0.025), 50.0);
        assert_eq!(order_stat(&v, 0.975), 1950.0);
    }
}
