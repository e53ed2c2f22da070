//! Sensitivity of one measure (say joint − baseline time to recover) to the swept keys.
//!
//! Two screenings, from the points of a one-at-a-time or Morris design
//! ([`super::design`]) and the measure's value at each point:
//! - a **tornado**: per key, the measure at the key's lowest and highest level with every
//!   other key at the base point, sorted by swing (largest first);
//! - **Morris elementary effects** (Morris 1991; μ* from Campolongo, Cariboni & Saltelli
//!   2007): per key, the effect of moving it by Δ in unit coordinates,
//!   EE = (y(x + Δ·eᵢ) − y(x)) / Δ, over many trajectories. μ* (the mean |EE|) ranks
//!   the keys by influence; σ (the EEs' standard deviation) is large where the key acts
//!   non-linearly or through interactions with others.
//!
//! Effects are in the measure's unit per whole range of the key (a coordinate of 0 → 1).
//! A point whose measure is not estimable (NaN, e.g. a median time to recover not reached)
//! drops the steps that touch it; `n` says how many effects remain.

use super::design::Points;

/// Morris screening of one key.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ElementaryEffects {
    /// The key (index into the sweep's parameters).
    pub parameter: usize,
    /// Elementary effects used (steps whose two points are both estimable).
    pub n: usize,
    /// Mean effect: its sign says the direction, when effects agree.
    pub mu: f64,
    /// Mean absolute effect: the influence ranking.
    pub mu_star: f64,
    /// Standard deviation of the effects (n − 1 divisor); NaN below two effects.
    pub sigma: f64,
}

/// Elementary effects per key from a design's steps and the measure `y` at each point.
pub fn elementary_effects(design: &Points, keys: usize, y: &[f64]) -> Vec<ElementaryEffects> {
    assert_eq!(
        design.points.len(),
        y.len(),
        "one measure value per design point"
    );
    let mut effects: Vec<Vec<f64>> = vec![vec![]; keys];
    for s in &design.steps {
        let d = y[s.to] - y[s.from];
        if d.is_finite() && s.delta != 0.0 {
            effects[s.parameter].push(d / s.delta);
        }
    }
    effects
        .into_iter()
        .enumerate()
        .map(|(parameter, ee)| {
            let n = ee.len();
            let mean = |f: &dyn Fn(f64) -> f64| ee.iter().map(|&e| f(e)).sum::<f64>() / n as f64;
            let (mu, mu_star) = if n == 0 {
                (f64::NAN, f64::NAN)
            } else {
                (mean(&|e| e), mean(&f64::abs))
            };
            let sigma = if n < 2 {
                f64::NAN
            } else {
                (ee.iter().map(|e| (e - mu).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt()
            };
            ElementaryEffects {
                parameter,
                n,
                mu,
                mu_star,
                sigma,
            }
        })
        .collect()
}

/// One bar of a tornado plot.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TornadoBar {
    /// The key (index into the sweep's parameters).
    pub parameter: usize,
    /// The measure with this key at its lowest level, the others at base.
    pub at_low: f64,
    /// The measure with this key at its highest level, the others at base.
    pub at_high: f64,
    /// Largest minus smallest measure over the key's levels (base included).
    pub swing: f64,
    /// The point where the measure is smallest over the key's levels (None: none estimable).
    pub min_point: Option<usize>,
    /// The point where it is largest: with `min_point`, the two ends of the swing.
    pub max_point: Option<usize>,
}

/// The base point's measure and one bar per key, largest swing first, from a
/// one-at-a-time design (point 0 is the base) and the measure `y` at each point.
pub fn tornado(design: &Points, keys: usize, y: &[f64]) -> (f64, Vec<TornadoBar>) {
    assert_eq!(
        design.points.len(),
        y.len(),
        "one measure value per design point"
    );
    let base = y[0];
    let mut bars: Vec<TornadoBar> = (0..keys)
        .map(|i| {
            // The key's levels: the base point's and each move's, as
            // (coordinate, measure, point).
            let levels: Vec<(f64, f64, usize)> = std::iter::once(0)
                .chain(
                    design
                        .steps
                        .iter()
                        .filter(|s| s.parameter == i)
                        .map(|s| s.to),
                )
                .map(|p| (design.points[p].coords[i], y[p], p))
                .collect();
            let lowest = levels.iter().min_by(|a, b| a.0.total_cmp(&b.0));
            let highest = levels.iter().max_by(|a, b| a.0.total_cmp(&b.0));
            let seen: Vec<&(f64, f64, usize)> = levels.iter().filter(|l| l.1.is_finite()).collect();
            // The first of equal values, so ties name the earlier point.
            let min = seen
                .iter()
                .copied()
                .reduce(|a, b| if b.1 < a.1 { b } else { a });
            let max = seen
                .iter()
                .copied()
                .reduce(|a, b| if b.1 > a.1 { b } else { a });
            TornadoBar {
                parameter: i,
                at_low: lowest.map_or(f64::NAN, |l| l.1),
                at_high: highest.map_or(f64::NAN, |l| l.1),
                swing: match (min, max) {
                    (Some(a), Some(b)) => b.1 - a.1,
                    _ => f64::NAN,
                },
                min_point: min.map(|l| l.2),
                max_point: max.map(|l| l.2),
            }
        })
        .collect();
    // Largest swing first; a NaN swing (nothing estimable) last; ties in key order.
    bars.sort_by(|a, b| {
        b.swing
            .total_cmp(&a.swing)
            .then(a.parameter.cmp(&b.parameter))
    });
    bars.sort_by_key(|b| b.swing.is_nan());
    (base, bars)
}

/// The noise in one elementary effect of each key, from each point's 95% interval `ci`
/// of the measure: over the key's steps whose two intervals are finite, the mean of
/// (half-width at `from` + half-width at `to`) / |Δ|, in the measure's unit per whole
/// range (NaN if no step has both). An effect larger than this moves the measure by more
/// than the two intervals' half-widths together, so a key whose μ* exceeds its noise is
/// told apart from the replications' noise at the n run.
pub fn effect_noise(design: &Points, keys: usize, ci: &[[f64; 2]]) -> Vec<f64> {
    assert_eq!(
        design.points.len(),
        ci.len(),
        "one interval per design point"
    );
    let half = |c: &[f64; 2]| (c[1] - c[0]) / 2.0;
    let mut sums = vec![(0.0, 0usize); keys];
    for s in &design.steps {
        let w = half(&ci[s.from]) + half(&ci[s.to]);
        if w.is_finite() && s.delta != 0.0 {
            let e = &mut sums[s.parameter];
            e.0 += w / s.delta.abs();
            e.1 += 1;
        }
    }
    sums.into_iter()
        .map(|(sum, n)| if n == 0 { f64::NAN } else { sum / n as f64 })
        .collect()
}

/// True if two 95% intervals are both finite and do not overlap: the two estimates
/// differ by more than the replications' noise (conservative for points run on common
/// random numbers, whose paired difference has a narrower interval).
pub fn apart(a: [f64; 2], b: [f64; 2]) -> bool {
    a.iter().chain(&b).all(|x| x.is_finite()) && (a[1] < b[0] || b[1] < a[0])
}

#[cfg(test)]
mod tests {
    use super::super::design::{Design, Levels, Parameter, points};
    use super::*;

    fn keys(n: usize, steps: usize) -> Vec<Parameter> {
        (0..n)
            .map(|i| Parameter {
                key: format!("k{i}"),
                levels: Levels::Range {
                    low: 0.0,
                    high: 1.0,
                    steps,
                },
                scale: false,
            })
            .collect()
    }

    fn measure(design: &Points, f: impl Fn(&[f64]) -> f64) -> Vec<f64> {
        design.points.iter().map(|p| f(&p.coords)).collect()
    }

    #[test]
    fn morris_recovers_the_coefficients_of_a_linear_measure() {
        let d = points(
            &keys(3, 4),
            Design::Morris {
                trajectories: 10,
                seed: 11,
            },
        )
        .unwrap();
        let y = measure(&d, |u| 3.0 * u[0] - 2.0 * u[1]);
        let ee = elementary_effects(&d, 3, &y);
        let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
        assert!(close(ee[0].mu, 3.0) && close(ee[0].mu_star, 3.0) && close(ee[0].sigma, 0.0));
        assert!(close(ee[1].mu, -2.0) && close(ee[1].mu_star, 2.0) && close(ee[1].sigma, 0.0));
        assert!(close(ee[2].mu_star, 0.0));
        assert!(ee.iter().all(|e| e.n == 10));
    }

    #[test]
    fn morris_sigma_shows_an_interaction_and_mu_star_a_cancelling_effect() {
        let d = points(
            &keys(3, 4),
            Design::Morris {
                trajectories: 40,
                seed: 5,
            },
        )
        .unwrap();
        // k0 and k1 act only together; k2 acts as |u − ½|, whose signed effects cancel.
        let y = measure(&d, |u| 4.0 * u[0] * u[1] + 2.0 * (u[2] - 0.5).abs());
        let ee = elementary_effects(&d, 3, &y);
        assert!(ee[0].sigma > 0.5 && ee[1].sigma > 0.5, "{ee:?}");
        // |u − ½| on levels {0, ⅓, ⅔, 1} with Δ = ⅔: every move changes it by ±⅓ · 2.
        assert!((ee[2].mu_star - 1.0).abs() < 1e-9, "{:?}", ee[2]);
        assert!(ee[2].mu.abs() < ee[2].mu_star, "{:?}", ee[2]);
    }

    #[test]
    fn a_not_estimable_point_drops_only_its_own_effects() {
        let d = points(
            &keys(2, 4),
            Design::Morris {
                trajectories: 5,
                seed: 1,
            },
        )
        .unwrap();
        let mut y = measure(&d, |u| u[0] + u[1]);
        y[0] = f64::NAN; // the first trajectory's start: one effect of one key
        let ee = elementary_effects(&d, 2, &y);
        assert_eq!(ee[0].n + ee[1].n, 9);
        assert!(ee.iter().all(|e| (e.mu - 1.0).abs() < 1e-9));
    }

    #[test]
    fn tornado_ranks_keys_by_swing_around_the_base() {
        let d = points(&keys(3, 5), Design::OneAtATime).unwrap();
        let y = measure(&d, |u| 3.0 * u[0] - 2.0 * u[1] + 0.5 * u[2]);
        let (base, bars) = tornado(&d, 3, &y);
        assert!((base - 0.75).abs() < 1e-12);
        let order: Vec<usize> = bars.iter().map(|b| b.parameter).collect();
        assert_eq!(order, vec![0, 1, 2]);
        assert!((bars[0].at_low - (base - 1.5)).abs() < 1e-12);
        assert!((bars[0].at_high - (base + 1.5)).abs() < 1e-12);
        assert!(
            (bars[1].at_low - (base + 1.0)).abs() < 1e-12,
            "{:?}",
            bars[1]
        );
        assert!((bars[0].swing - 3.0).abs() < 1e-12 && (bars[2].swing - 0.5).abs() < 1e-12);
        // The swing's ends are the points at k0's lowest and highest levels.
        let ends = |b: &TornadoBar| (b.min_point.unwrap(), b.max_point.unwrap());
        let (lo, hi) = ends(&bars[0]);
        assert!(d.points[lo].coords[0] == 0.0 && d.points[hi].coords[0] == 1.0);
        let (lo, hi) = ends(&bars[1]);
        assert!(d.points[lo].coords[1] == 1.0 && d.points[hi].coords[1] == 0.0);
    }

    #[test]
    fn effect_noise_is_the_intervals_half_widths_per_unit_move() {
        let d = points(&keys(2, 3), Design::OneAtATime).unwrap();
        // Half-width 1 at every point; moves of ½ in each key.
        let ci = vec![[-1.0, 1.0]; d.points.len()];
        let noise = effect_noise(&d, 2, &ci);
        assert!(noise.iter().all(|n| (n - 4.0).abs() < 1e-12), "{noise:?}");
        let mut open = ci.clone();
        open[0] = [f64::NAN, 1.0];
        assert!(effect_noise(&d, 2, &open).iter().all(|n| n.is_nan()));
        assert!(apart([0.0, 1.0], [1.5, 2.0]) && !apart([0.0, 1.0], [0.5, 2.0]));
        assert!(!apart([0.0, f64::NAN], [1.5, 2.0]));
    }
}
