//! Times to recover as right-censored data: the Kaplan–Meier estimator over replications.
//!
//! A replication that has not recovered by the horizon is censored at its follow-up time
//! (horizon − onset): it is known to take longer than that, not to take that long. Its
//! time is never averaged in. [`SurvivalTally`] counts recoveries and censorings per
//! distinct time, exactly and mergeably (shards, threads and resumes agree bit for bit);
//! [`KaplanMeier`] turns the counts into the estimate of P(not yet recovered by t), its
//! Greenwood variance, the median with the Brookmeyer–Crowley interval, the chance of
//! having recovered by a day, and the restricted mean to a horizon.
//!
//! Conventions are those of R's `survival::survfit` (the default `conf.type = "log"`):
//! censorings at a time of recoveries are still at risk at it; the pointwise 95%
//! interval of S(t) is exp(log S ± 1.96 σ) with σ² the Greenwood sum, cut at 1; the median
//! is the first time S ≤ 0.5 (the middle of the flat stretch where S is exactly 0.5); its
//! interval runs from the first time the lower band is ≤ 0.5 to the first time the upper
//! band is (open above if that never happens). The unit tests check the estimator on the
//! 6-MP arm of Freireich et al. (1963), as published by Kalbfleisch & Prentice and printed
//! by `survfit`.
//!
//! References: Kaplan & Meier (1958), JASA 53:457; Greenwood (1926); Brookmeyer & Crowley
//! (1982), Biometrics 38:29; Klein & Moeschberger, *Survival Analysis* (2003), ch. 4.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// z for a two-sided 95% interval.
pub const Z95: f64 = 1.959_963_984_540_054;

/// Recoveries and censorings per distinct time (f64 bits of times ≥ 0 order as the times).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SurvivalTally {
    /// time bits → [recoveries, censorings]
    counts: BTreeMap<u64, [u64; 2]>,
}

impl SurvivalTally {
    /// Records one replication: its time and whether it was censored. NaN (no disruption
    /// in that replication) is skipped.
    pub fn add(&mut self, time: f64, censored: bool) {
        if time.is_nan() {
            return;
        }
        let t = time.max(0.0) + 0.0;
        self.counts.entry(t.to_bits()).or_default()[usize::from(censored)] += 1;
    }

    /// Adds another tally.
    pub fn merge(&mut self, other: &SurvivalTally) {
        for (&t, c) in &other.counts {
            let e = self.counts.entry(t).or_default();
            e[0] += c[0];
            e[1] += c[1];
        }
    }

    /// Replications recorded.
    pub fn n(&self) -> u64 {
        self.counts.values().map(|c| c[0] + c[1]).sum()
    }

    /// The Kaplan–Meier estimate of these times.
    pub fn kaplan_meier(&self) -> KaplanMeier {
        KaplanMeier::from_counts(
            self.counts
                .iter()
                .map(|(&t, c)| (f64::from_bits(t), c[0], c[1])),
        )
    }
}

/// The Kaplan–Meier estimate: S(t) = P(not recovered by t), a step at each recovery time.
#[derive(Debug, Clone, PartialEq)]
pub struct KaplanMeier {
    /// Subjects (replications).
    pub n: u64,
    /// Of them censored.
    pub censored: u64,
    /// Distinct recovery times, increasing.
    pub times: Vec<f64>,
    /// Recoveries at each time.
    pub events: Vec<u64>,
    /// At risk just before each time.
    pub at_risk: Vec<u64>,
    /// S just after each time.
    pub survival: Vec<f64>,
    /// Greenwood's Σ d / (n (n − d)) up to each time: the variance of log S.
    pub greenwood: Vec<f64>,
    /// The largest time observed, recovery or censoring.
    pub last_time: f64,
}

impl KaplanMeier {
    /// From (time, recoveries, censorings) in increasing time order.
    pub fn from_counts(counts: impl Iterator<Item = (f64, u64, u64)>) -> KaplanMeier {
        let counts: Vec<(f64, u64, u64)> = counts.collect();
        let n: u64 = counts.iter().map(|c| c.1 + c.2).sum();
        let mut km = KaplanMeier {
            n,
            censored: counts.iter().map(|c| c.2).sum(),
            times: Vec::new(),
            events: Vec::new(),
            at_risk: Vec::new(),
            survival: Vec::new(),
            greenwood: Vec::new(),
            last_time: counts.last().map_or(f64::NAN, |c| c.0),
        };
        let (mut risk, mut s, mut g) = (n, 1.0, 0.0);
        for &(t, d, c) in &counts {
            if d > 0 {
                s *= 1.0 - d as f64 / risk as f64;
                g += if risk > d {
                    d as f64 / (risk as f64 * (risk - d) as f64)
                } else {
                    f64::INFINITY
                };
                km.times.push(t);
                km.events.push(d);
                km.at_risk.push(risk);
                km.survival.push(s);
                km.greenwood.push(g);
            }
            risk -= d + c;
        }
        km
    }

    /// Index of the last step at or before `t`.
    fn step(&self, t: f64) -> Option<usize> {
        self.times.partition_point(|&x| x <= t).checked_sub(1)
    }

    /// S(t): the estimated chance of not having recovered by `t`; NaN past the last
    /// observation when that was a censoring (the estimate is undefined there).
    pub fn survival_at(&self, t: f64) -> f64 {
        if self.n == 0 || (t > self.last_time && self.survival.last().is_none_or(|&s| s > 0.0)) {
            return f64::NAN;
        }
        self.step(t).map_or(1.0, |i| self.survival[i])
    }

    /// Pointwise 95% interval of S(t) (log transform, cut at 1).
    pub fn survival_ci(&self, t: f64) -> [f64; 2] {
        match self.step(t) {
            None if self.n > 0 => [1.0, 1.0],
            None => [f64::NAN; 2],
            Some(i) => band(self.survival[i], self.greenwood[i]),
        }
    }

    /// Standard error of S just after step `i` (Greenwood).
    pub fn std_err(&self, i: usize) -> f64 {
        self.survival[i] * self.greenwood[i].sqrt()
    }

    /// The p-quantile of the time to recover: the first time with S ≤ 1 − p (the middle of
    /// a flat stretch where S equals 1 − p exactly); None if never reached.
    pub fn quantile(&self, p: f64) -> Option<f64> {
        first_at_or_below(&self.times, &self.survival, 1.0 - p)
    }

    /// The median time to recover (None: not reached, over half never recovered).
    pub fn median(&self) -> Option<f64> {
        self.quantile(0.5)
    }

    /// The Brookmeyer–Crowley 95% interval of the median: [first time the lower band of S
    /// is ≤ 0.5, first time the upper band is]; None for an end never reached.
    pub fn median_ci(&self) -> [Option<f64>; 2] {
        let (lower, upper): (Vec<f64>, Vec<f64>) = self
            .survival
            .iter()
            .zip(&self.greenwood)
            .map(|(&s, &g)| {
                let b = band(s, g);
                (b[0], b[1])
            })
            .unzip();
        [
            first_at_or_below(&self.times, &lower, 0.5),
            first_at_or_below(&self.times, &upper, 0.5),
        ]
    }

    /// The chance of having recovered by day `t`, 1 − S(t), with its 95% interval.
    pub fn recovered_by(&self, t: f64) -> (f64, [f64; 2]) {
        let s = self.survival_at(t);
        let [lo, hi] = if s.is_nan() {
            [f64::NAN; 2]
        } else {
            self.survival_ci(t)
        };
        (1.0 - s, [1.0 - hi, 1.0 - lo])
    }

    /// The restricted mean time to recover up to `tau`: ∫₀^τ S(t) dt (a mean that stays
    /// defined with censoring, for times capped at τ).
    pub fn restricted_mean(&self, tau: f64) -> f64 {
        if self.n == 0 || tau.is_nan() {
            return f64::NAN;
        }
        let (mut area, mut prev, mut s) = (0.0, 0.0, 1.0);
        for (&t, &next) in self.times.iter().zip(&self.survival) {
            if t >= tau {
                break;
            }
            area += s * (t - prev);
            prev = t;
            s = next;
        }
        area + s * (tau - prev).max(0.0)
    }
}

/// exp(log S ± z σ), cut to [0, 1]; S = 0 gives [0, 0].
fn band(s: f64, greenwood: f64) -> [f64; 2] {
    if s <= 0.0 {
        return [0.0, 0.0];
    }
    let h = Z95 * greenwood.sqrt();
    [(s * (-h).exp()).clamp(0.0, 1.0), (s * h.exp()).min(1.0)]
}

/// The first time the step curve `s` is ≤ `level`, with survfit's midpoint rule for a
/// stretch exactly at the level.
fn first_at_or_below(times: &[f64], s: &[f64], level: f64) -> Option<f64> {
    let i = s.iter().position(|&x| x <= level + 1e-12)?;
    if (s[i] - level).abs() <= 1e-12 && i + 1 < times.len() {
        Some(0.5 * (times[i] + times[i + 1]))
    } else {
        Some(times[i])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The 6-MP arm of Freireich et al. (1963): remission times in weeks, censored marked.
    fn six_mp() -> SurvivalTally {
        let data: [(f64, bool); 21] = [
            (6.0, false),
            (6.0, false),
            (6.0, false),
            (6.0, true),
            (7.0, false),
            (9.0, true),
            (10.0, false),
            (10.0, true),
            (11.0, true),
            (13.0, false),
            (16.0, false),
            (17.0, true),
            (19.0, true),
            (20.0, true),
            (22.0, false),
            (23.0, false),
            (25.0, true),
            (32.0, true),
            (32.0, true),
            (34.0, true),
            (35.0, true),
        ];
        let mut t = SurvivalTally::default();
        // Added out of order: the tally sorts.
        for &(x, c) in data.iter().rev() {
            t.add(x, c);
        }
        t
    }

    #[test]
    fn kaplan_meier_matches_the_published_6mp_table() {
        let km = six_mp().kaplan_meier();
        assert_eq!((km.n, km.censored), (21, 12));
        assert_eq!(km.times, [6.0, 7.0, 10.0, 13.0, 16.0, 22.0, 23.0]);
        assert_eq!(km.at_risk, [21, 17, 15, 12, 11, 7, 6]);
        // survfit(Surv(time, status) ~ 1): survival, std.err, lower and upper 95% CI.
        let published = [
            (0.857, 0.0764, 0.720, 1.000),
            (0.807, 0.0869, 0.653, 0.996),
            (0.753, 0.0963, 0.586, 0.968),
            (0.690, 0.1068, 0.510, 0.935),
            (0.627, 0.1141, 0.439, 0.896),
            (0.538, 0.1282, 0.337, 0.858),
            (0.448, 0.1346, 0.249, 0.807),
        ];
        for (i, &(s, se, lo, hi)) in published.iter().enumerate() {
            let t = km.times[i];
            assert!(
                (km.survival[i] - s).abs() < 5e-4,
                "S({t}) = {}",
                km.survival[i]
            );
            assert!(
                (km.std_err(i) - se).abs() < 5e-5,
                "se({t}) = {}",
                km.std_err(i)
            );
            let [l, h] = km.survival_ci(t);
            assert!(
                (l - lo).abs() < 5e-4 && (h - hi).abs() < 5e-4,
                "CI({t}) = [{l}, {h}]"
            );
        }
        // Median 23 weeks, 95% CI [16, not reached].
        assert_eq!(km.median(), Some(23.0));
        assert_eq!(km.median_ci(), [Some(16.0), None]);
        // Between steps S is flat; before the first it is 1; past the last censoring, undefined.
        assert_eq!(km.survival_at(8.5), km.survival[1]);
        assert_eq!(km.survival_at(5.0), 1.0);
        assert!(km.survival_at(36.0).is_nan());
        let (p, [lo, hi]) = km.recovered_by(13.0);
        assert!((p - 0.310).abs() < 5e-4 && lo < p && p < hi && lo >= 0.0);
        // Restricted mean to 23: 6·1 + 1·0.857 + 3·0.807 + 3·0.753 + 3·0.690 + 6·0.627 + 1·0.538.
        let s = &km.survival;
        let want = 6.0 + s[0] + 3.0 * s[1] + 3.0 * s[2] + 3.0 * s[3] + 6.0 * s[4] + s[5];
        assert!((km.restricted_mean(23.0) - want).abs() < 1e-12);
        assert!((km.restricted_mean(23.0) - 17.909).abs() < 5e-3);
    }

    #[test]
    fn no_censoring_gives_the_empirical_distribution_and_merges_exactly() {
        let mut a = SurvivalTally::default();
        let mut b = SurvivalTally::default();
        for (i, x) in [3.0, 1.0, 2.0, 4.0].into_iter().enumerate() {
            if i % 2 == 0 { &mut a } else { &mut b }.add(x, false);
        }
        let mut whole = a.clone();
        whole.merge(&b);
        let km = whole.kaplan_meier();
        assert_eq!(km.survival, [0.75, 0.5, 0.25, 0.0]);
        // S is exactly 0.5 from 2 to 3: the median is the middle, 2.5 (as `median` in R).
        assert_eq!(km.median(), Some(2.5));
        assert_eq!(
            km.restricted_mean(10.0),
            2.5,
            "the plain mean with no censoring"
        );
        assert_eq!(km.survival_at(100.0), 0.0);
        // Every replication censored: no median, S = 1 throughout.
        let mut c = SurvivalTally::default();
        for _ in 0..5 {
            c.add(50.0, true);
        }
        let km = c.kaplan_meier();
        assert_eq!(km.median(), None);
        assert_eq!(km.median_ci(), [None, None]);
        assert_eq!(km.restricted_mean(50.0), 50.0);
        assert_eq!(km.recovered_by(20.0).0, 0.0);
    }
}
