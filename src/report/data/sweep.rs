//! What a sweep's report page and plots read: the design, each point's screened
//! difference with its interval and verdict, and the sensitivity (tornado or Morris).
//!
//! `cli::sweep` fills a [`SweepData`] from the sweep's spec and each point's outcome as
//! the points finish (a local sweep and a merge of its shards fill it with the same
//! numbers), and `html::write_sweep_report` draws it. Everything here is plain numbers
//! and text, so the page depends on nothing but these values.

use super::Interval;
use crate::report::text::measure_label;

/// A sweep, as its report shows it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SweepData {
    /// The scenario's name.
    pub scenario: String,
    /// The scenario's description (its question).
    pub description: Option<String>,
    /// The design's name: `factorial`, `latin_hypercube`, `one_at_a_time`, `morris`.
    pub design: String,
    /// The seed of a sampled design's draws.
    pub design_seed: Option<u64>,
    /// The swept keys, in the sweep's order.
    pub keys: Vec<SweepKey>,
    /// The strategy screened against baseline.
    pub strategy: String,
    /// The measure screened (`recovery.system.ttr_days`, …).
    pub measure: String,
    /// Replications per strategy at every point.
    pub replications: u64,
    /// The replications' master seed, the same at every point.
    pub seed: u64,
    /// The strategies run at every point.
    pub strategies: Vec<String>,
    /// The points, in the design's order.
    pub points: Vec<SweepPoint>,
    /// The screening of the measure over the keys, if the design gives one.
    pub sensitivity: Sensitivity,
}

/// One swept key.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SweepKey {
    /// Its path in the scenario.
    pub key: String,
    /// True if its levels multiply the scenario's own values.
    pub scale: bool,
    /// Its levels in words (`5, 11, 20` or `0.5 to 1.4, 4 steps`).
    pub levels: String,
    /// Its lowest level, as the page writes it.
    pub lowest: String,
    /// Its highest level.
    pub highest: String,
}

/// One point of the sweep.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SweepPoint {
    /// Each key's value, as `sweep.csv` writes it.
    pub values: Vec<String>,
    /// Each key's value as a number, where it is one.
    pub numbers: Vec<Option<f64>>,
    /// Each key's unit coordinate in [0, 1] (orders levels that are not numbers).
    pub coords: Vec<f64>,
    /// The screened difference at this point (None: the strategy or baseline did not run).
    pub estimate: Option<PointEstimate>,
}

/// The screened strategy − baseline difference at one point.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PointEstimate {
    /// The estimate (None: not estimable, e.g. a median not reached).
    pub value: Option<f64>,
    /// Its 95% interval.
    pub ci95: Interval,
    /// Replications it rests on.
    pub n: u64,
    /// `resolved`, `not resolved at n = …` or `not estimable at n = …`.
    pub verdict: String,
}

impl PointEstimate {
    /// True if the difference is resolved (its interval excludes zero) at the n run.
    pub fn resolved(&self) -> bool {
        self.verdict == "resolved"
    }
}

/// The screening of the measure over the keys.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Sensitivity {
    /// The design gives none (factorial, Latin hypercube).
    #[default]
    None,
    /// One key at a time around the base point: a bar per key, largest swing first.
    Tornado {
        /// The measure at the base point.
        base: Option<f64>,
        /// The bars.
        bars: Vec<TornadoBar>,
    },
    /// Morris elementary effects, one per key in the keys' order.
    Morris {
        /// The keys' effects.
        effects: Vec<MorrisKey>,
    },
}

/// One key's bar of a tornado.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TornadoBar {
    /// The key (index into [`SweepData::keys`]).
    pub key: usize,
    /// The measure with the key at its lowest level, the others at base.
    pub at_low: Option<f64>,
    /// The measure with the key at its highest level.
    pub at_high: Option<f64>,
    /// Largest minus smallest measure over the key's levels.
    pub swing: Option<f64>,
    /// True if the intervals at the swing's two ends do not overlap.
    pub resolved: bool,
}

/// One key's Morris screening.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MorrisKey {
    /// The key (index into [`SweepData::keys`]).
    pub key: usize,
    /// Elementary effects used.
    pub n: usize,
    /// Mean effect (per whole range of the key).
    pub mu: Option<f64>,
    /// Mean absolute effect: the influence ranking.
    pub mu_star: Option<f64>,
    /// Standard deviation of the effects: non-linearity or interaction.
    pub sigma: Option<f64>,
    /// The noise of one effect from the points' intervals (`sensitivity::effect_noise`).
    pub noise: Option<f64>,
}

impl MorrisKey {
    /// True if μ* exceeds the noise of one effect: the key is told apart from the
    /// replications' noise at the n run.
    pub fn resolved(&self) -> bool {
        matches!((self.mu_star, self.noise), (Some(m), Some(n)) if m > n)
    }
}

/// A line of the factorial plot: the measure against the first key at one level of the
/// second (or the only line, with one key).
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// The second key's level (`key = value`), or empty with one key.
    pub label: String,
    /// (x, estimate, 95% interval) per level of the first key, in its order.
    pub points: Vec<(f64, Option<f64>, Interval)>,
}

impl SweepData {
    /// The screened result in words: `joint − baseline: time to recover (KM median, days)`.
    pub fn measure_label(&self) -> String {
        format!(
            "{} − baseline: {}",
            self.strategy,
            measure_label(&self.measure)
        )
    }

    /// Points whose difference is resolved, and points with a difference at all.
    pub fn resolved_count(&self) -> (usize, usize) {
        let with: Vec<&PointEstimate> = self
            .points
            .iter()
            .filter_map(|p| p.estimate.as_ref())
            .collect();
        (with.iter().filter(|e| e.resolved()).count(), with.len())
    }

    /// True if the first key's levels are all numbers (the factorial plot's x axis is
    /// then the key's own scale; else its levels are evenly spaced and named).
    pub fn numeric_first_key(&self) -> bool {
        self.points
            .iter()
            .all(|p| p.numbers.first().is_some_and(|x| x.is_some()))
    }

    /// The factorial plot's lines: a factorial design over one or two keys gives one line
    /// per level of the second key, the measure against the first. None otherwise.
    pub fn factorial_lines(&self) -> Option<Vec<Line>> {
        if self.design != "factorial" || !(1..=2).contains(&self.keys.len()) {
            return None;
        }
        let numeric = self.numeric_first_key();
        let mut lines: Vec<Line> = vec![];
        for p in &self.points {
            let label = match self.keys.get(1) {
                Some(k) => format!(
                    "{} {} {}",
                    k.key,
                    if k.scale { "×" } else { "=" },
                    p.values[1]
                ),
                None => String::new(),
            };
            let x = if numeric {
                p.numbers[0].unwrap_or(p.coords[0])
            } else {
                p.coords[0]
            };
            let (y, ci) = p
                .estimate
                .as_ref()
                .map_or((None, [None, None]), |e| (e.value, e.ci95));
            match lines.iter_mut().find(|l| l.label == label) {
                Some(l) => l.points.push((x, y, ci)),
                None => lines.push(Line {
                    label,
                    points: vec![(x, y, ci)],
                }),
            }
        }
        for l in &mut lines {
            l.points.sort_by(|a, b| a.0.total_cmp(&b.0));
        }
        Some(lines)
    }

    /// For a factorial design: per key, the range (largest − smallest) of the measure's
    /// mean over the points at each of its levels (the key's main effect), largest first.
    pub fn main_effects(&self) -> Vec<(usize, f64)> {
        if self.design != "factorial" {
            return vec![];
        }
        let mut out: Vec<(usize, f64)> = (0..self.keys.len())
            .filter_map(|k| {
                let mut levels: Vec<(String, f64, usize)> = vec![];
                for p in &self.points {
                    let Some(y) = p.estimate.as_ref().and_then(|e| e.value) else {
                        continue;
                    };
                    match levels.iter_mut().find(|l| l.0 == p.values[k]) {
                        Some(l) => {
                            l.1 += y;
                            l.2 += 1;
                        }
                        None => levels.push((p.values[k].clone(), y, 1)),
                    }
                }
                let means = levels.iter().map(|l| l.1 / l.2 as f64);
                let lo = means.clone().fold(f64::INFINITY, f64::min);
                let hi = means.fold(f64::NEG_INFINITY, f64::max);
                (levels.len() > 1).then_some((k, hi - lo))
            })
            .collect();
        out.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        out
    }

    /// The point whose difference is largest in size, with its value.
    pub fn largest(&self) -> Option<(usize, f64)> {
        self.points
            .iter()
            .enumerate()
            .filter_map(|(k, p)| Some((k, p.estimate.as_ref()?.value?)))
            .reduce(|a, b| if b.1.abs() > a.1.abs() { b } else { a })
    }

    /// `key = value, …` for point `k`.
    pub fn describe(&self, k: usize) -> String {
        self.keys
            .iter()
            .zip(&self.points[k].values)
            .map(|(key, v)| format!("{} {} {v}", key.key, if key.scale { "×" } else { "=" }))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(values: [&str; 2], y: f64) -> SweepPoint {
        SweepPoint {
            values: values.iter().map(|v| v.to_string()).collect(),
            numbers: values.iter().map(|v| v.parse().ok()).collect(),
            coords: vec![0.0, 0.0],
            estimate: Some(PointEstimate {
                value: Some(y),
                ci95: [Some(y - 1.0), Some(y + 1.0)],
                n: 4,
                verdict: if y.abs() > 1.0 {
                    "resolved"
                } else {
                    "not resolved at n = 4"
                }
                .into(),
            }),
        }
    }

    #[test]
    fn a_two_key_factorial_gives_a_line_per_level_of_the_second_key_and_main_effects() {
        let key = |k: &str| SweepKey {
            key: k.into(),
            ..SweepKey::default()
        };
        let data = SweepData {
            design: "factorial".into(),
            keys: vec![key("days"), key("share")],
            // y = −days · share: the second key's level sets each line's slope.
            points: [
                (5, 0.2),
                (5, 0.8),
                (20, 0.2),
                (20, 0.8),
                (10, 0.2),
                (10, 0.8),
            ]
            .iter()
            .map(|&(d, s)| point([&d.to_string(), &s.to_string()], -(d as f64) * s))
            .collect(),
            ..SweepData::default()
        };
        let lines = data.factorial_lines().unwrap();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].label, "share = 0.2");
        let xs: Vec<f64> = lines[1].points.iter().map(|p| p.0).collect();
        assert_eq!(xs, vec![5.0, 10.0, 20.0]);
        assert_eq!(lines[1].points[2].1, Some(-16.0));
        // days moves the mean by 7.5 (−2.5 to −10), share by 7 (−2.33 to −9.33).
        let main = data.main_effects();
        assert_eq!(main[0].0, 0);
        assert!((main[0].1 - 7.5).abs() < 1e-9, "{main:?}");
        assert_eq!(data.largest(), Some((3, -16.0)));
        assert_eq!(data.resolved_count(), (5, 6));
        assert_eq!(data.describe(3), "days = 20, share = 0.8");
    }
}
