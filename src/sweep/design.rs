//! Experimental designs: which points of the swept keys a sweep runs.
//!
//! Each swept key is a [`Parameter`] whose levels map a unit coordinate `u` in [0, 1] to a
//! scenario value: a [`Levels::Range`] linearly from `low` to `high` (whole numbers when both
//! ends are), a [`Levels::List`] to its `round(u·(n−1))`-th entry. A [`Design`] picks the
//! coordinates: every combination of grid levels (full factorial), a Latin hypercube
//! (McKay, Beckman & Conover 1979), one key at a time around a base point (for a tornado
//! plot), or Morris (1991) elementary-effects trajectories. The one-at-a-time and Morris
//! designs also record their [`Step`]s, the pairs of points that differ in one key only,
//! from which `sensitivity` computes effects.
//!
//! Sampled designs draw from their own PCG stream seeded by the design's seed, so the same
//! sweep gives the same points on every machine.

use crate::streams::{StreamKind, stream};
use rand::RngExt;
use rand::seq::SliceRandom;
use std::fmt;

/// The values one swept key takes.
#[derive(Debug, Clone, PartialEq)]
pub enum Levels {
    /// An explicit list (numbers, strings such as `"36h"`, booleans): grid levels in order.
    List(Vec<toml::Value>),
    /// A numeric interval: `steps` evenly spaced grid levels with both ends included, and the
    /// whole interval for sampled designs. Whole-number ends give whole-number values.
    Range {
        /// The interval's lower end, in the key's unit.
        low: f64,
        /// The interval's upper end, in the key's unit.
        high: f64,
        /// Grid levels, both ends included.
        steps: usize,
    },
}

/// One swept key: its path in the scenario (`disruptions.lockout.duration`) and levels.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    /// The key's path, as `sweep::path` resolves it.
    pub key: String,
    /// The values it takes.
    pub levels: Levels,
    /// True if the values are factors that multiply the key's own value(s) in the scenario
    /// (`path::Edit::Scale`), false if they replace it.
    pub scale: bool,
}

/// How the points are chosen.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Design {
    /// Every combination of every key's grid levels.
    Factorial,
    /// `samples` points; each key's unit interval cut into `samples` equal strata with one
    /// uniform draw in each, the strata matched across keys by random permutations.
    LatinHypercube {
        /// Points to draw (and strata per key).
        samples: usize,
        /// Seed of the draws, so the same design gives the same points.
        seed: u64,
    },
    /// The base point (each key at its middle level), then each key at each of its other
    /// grid levels with the others at base: the points of a tornado plot.
    OneAtATime,
    /// `trajectories` Morris trajectories of k + 1 points each (k keys): a random grid point,
    /// then each key in random order moved by its jump Δ (half its grid, up where it can).
    Morris {
        /// Trajectories to draw.
        trajectories: usize,
        /// Seed of the draws, so the same design gives the same points.
        seed: u64,
    },
}

impl Design {
    /// The design's name as a scenario file writes it.
    pub fn name(&self) -> &'static str {
        match self {
            Design::Factorial => "factorial",
            Design::LatinHypercube { .. } => "latin_hypercube",
            Design::OneAtATime => "one_at_a_time",
            Design::Morris { .. } => "morris",
        }
    }
}

/// One point of a design: a value per key, and the unit coordinates they came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// The scenario value of each key, in the order of the parameters.
    pub values: Vec<toml::Value>,
    /// Each key's coordinate in [0, 1].
    pub coords: Vec<f64>,
}

/// Two points of a design that differ in one key only: `to` − `from` is a move of `delta`
/// (unit coordinates, signed) in key `parameter`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Step {
    /// Index of the point before the move.
    pub from: usize,
    /// Index of the point after it.
    pub to: usize,
    /// The key that moved.
    pub parameter: usize,
    /// The move, in unit coordinates.
    pub delta: f64,
}

/// A design's points and, for one-at-a-time and Morris designs, its steps.
#[derive(Debug, Clone, PartialEq)]
pub struct Points {
    /// The points, in run order; point 0 is the base of a one-at-a-time design.
    pub points: Vec<Point>,
    /// The one-key moves between points (empty for factorial and Latin hypercube designs).
    pub steps: Vec<Step>,
}

/// A design that cannot be built, with what would be right.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DesignError(pub String);

impl fmt::Display for DesignError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DesignError {}

/// Most points a design may have: a guard against a factorial that explodes.
pub const MAX_POINTS: usize = 1_000_000;

impl Parameter {
    /// Number of grid levels.
    pub fn grid(&self) -> usize {
        match &self.levels {
            Levels::List(v) => v.len(),
            Levels::Range { steps, .. } => *steps,
        }
    }

    /// The scenario value at unit coordinate `u`.
    pub fn value_at(&self, u: f64) -> toml::Value {
        match &self.levels {
            Levels::List(v) => {
                let i = (u * (v.len() - 1) as f64).round() as usize;
                v[i.min(v.len() - 1)].clone()
            }
            Levels::Range { low, high, .. } => {
                let x = low + u * (high - low);
                if low.fract() == 0.0 && high.fract() == 0.0 {
                    toml::Value::Integer(x.round() as i64)
                } else {
                    toml::Value::Float(x)
                }
            }
        }
    }

    /// The edit that puts this key at `value` (one of this parameter's values).
    pub fn edit(&self, value: &toml::Value) -> super::path::Edit {
        match (self.scale, value) {
            (true, toml::Value::Integer(i)) => super::path::Edit::Scale(*i as f64),
            (true, toml::Value::Float(x)) => super::path::Edit::Scale(*x),
            _ => super::path::Edit::Set(value.clone()),
        }
    }

    /// Unit coordinate of grid level `j`.
    fn level(&self, j: usize) -> f64 {
        let n = self.grid();
        if n <= 1 {
            0.5
        } else {
            j as f64 / (n - 1) as f64
        }
    }

    fn check(&self) -> Result<(), DesignError> {
        match &self.levels {
            Levels::List(v) if v.is_empty() => Err(DesignError(format!(
                "sweep key `{}`: `values` is empty; give at least one value",
                self.key
            ))),
            Levels::Range { low, high, steps } => {
                if !(low.is_finite() && high.is_finite() && low < high) {
                    Err(DesignError(format!(
                        "sweep key `{}`: range [{low}, {high}] is not an interval; give low < high",
                        self.key
                    )))
                } else if *steps < 2 {
                    Err(DesignError(format!(
                        "sweep key `{}`: a range needs at least 2 steps (both ends), got {steps}",
                        self.key
                    )))
                } else {
                    Ok(())
                }
            }
            Levels::List(v)
                if self.scale
                    && v.iter()
                        .any(|x| x.as_float().or(x.as_integer().map(|i| i as f64)).is_none()) =>
            {
                Err(DesignError(format!(
                    "sweep key `{}`: a scaled key needs numeric factors",
                    self.key
                )))
            }
            Levels::List(_) => Ok(()),
        }
    }
}

impl Point {
    fn at(parameters: &[Parameter], coords: Vec<f64>) -> Point {
        let values = parameters
            .iter()
            .zip(&coords)
            .map(|(p, &u)| p.value_at(u))
            .collect();
        Point { values, coords }
    }
}

/// The points of `design` over `parameters`.
pub fn points(parameters: &[Parameter], design: Design) -> Result<Points, DesignError> {
    if parameters.is_empty() {
        return Err(DesignError("a sweep needs at least one key".into()));
    }
    for p in parameters {
        p.check()?;
    }
    let k = parameters.len();
    let count = match design {
        Design::Factorial => parameters
            .iter()
            .try_fold(1usize, |n, p| n.checked_mul(p.grid())),
        Design::LatinHypercube { samples, .. } => Some(samples),
        Design::OneAtATime => Some(1 + parameters.iter().map(|p| p.grid() - 1).sum::<usize>()),
        Design::Morris { trajectories, .. } => trajectories.checked_mul(k + 1),
    };
    match count {
        Some(0) => {
            return Err(DesignError(
                "the design has no points; ask for at least one".into(),
            ));
        }
        Some(n) if n <= MAX_POINTS => {}
        _ => {
            return Err(DesignError(format!(
                "the design has more than {MAX_POINTS} points; use fewer levels or a sampled design"
            )));
        }
    }
    Ok(match design {
        Design::Factorial => factorial(parameters),
        Design::LatinHypercube { samples, seed } => latin_hypercube(parameters, samples, seed),
        Design::OneAtATime => one_at_a_time(parameters),
        Design::Morris { trajectories, seed } => {
            if let Some(p) = parameters.iter().find(|p| p.grid() < 2) {
                return Err(DesignError(format!(
                    "sweep key `{}`: a Morris design needs at least 2 levels per key",
                    p.key
                )));
            }
            morris(parameters, trajectories, seed)
        }
    })
}

fn factorial(parameters: &[Parameter]) -> Points {
    let mut points = vec![];
    let mut idx = vec![0usize; parameters.len()];
    loop {
        let coords = parameters
            .iter()
            .zip(&idx)
            .map(|(p, &j)| p.level(j))
            .collect();
        points.push(Point::at(parameters, coords));
        // The last key varies fastest, as in nested loops written in key order.
        let mut i = parameters.len();
        loop {
            if i == 0 {
                return Points {
                    points,
                    steps: vec![],
                };
            }
            i -= 1;
            idx[i] += 1;
            if idx[i] < parameters[i].grid() {
                break;
            }
            idx[i] = 0;
        }
    }
}

fn latin_hypercube(parameters: &[Parameter], samples: usize, seed: u64) -> Points {
    let mut rng = stream(seed, 0, StreamKind::Design, 0);
    let mut coords = vec![vec![0.0; parameters.len()]; samples];
    for i in 0..parameters.len() {
        let mut strata: Vec<usize> = (0..samples).collect();
        strata.shuffle(&mut rng);
        for (s, row) in strata.into_iter().zip(coords.iter_mut()) {
            row[i] = (s as f64 + rng.random::<f64>()) / samples as f64;
        }
    }
    let points = coords
        .into_iter()
        .map(|c| Point::at(parameters, c))
        .collect();
    Points {
        points,
        steps: vec![],
    }
}

fn one_at_a_time(parameters: &[Parameter]) -> Points {
    let middle = |p: &Parameter| (p.grid() - 1) / 2;
    let base: Vec<f64> = parameters.iter().map(|p| p.level(middle(p))).collect();
    let mut points = vec![Point::at(parameters, base.clone())];
    let mut steps = vec![];
    for (i, p) in parameters.iter().enumerate() {
        // The key's middle level is the base point itself: not run twice.
        for j in (0..p.grid()).filter(|&j| j != middle(p)) {
            let mut c = base.clone();
            c[i] = p.level(j);
            steps.push(Step {
                from: 0,
                to: points.len(),
                parameter: i,
                delta: c[i] - base[i],
            });
            points.push(Point::at(parameters, c));
        }
    }
    Points { points, steps }
}

fn morris(parameters: &[Parameter], trajectories: usize, seed: u64) -> Points {
    let mut rng = stream(seed, 0, StreamKind::Design, 1);
    let k = parameters.len();
    let mut points = vec![];
    let mut steps = vec![];
    for _ in 0..trajectories {
        let mut grid: Vec<usize> = parameters
            .iter()
            .map(|p| rng.random_range(0..p.grid()))
            .collect();
        let coords = |g: &[usize]| parameters.iter().zip(g).map(|(p, &j)| p.level(j)).collect();
        points.push(Point::at(parameters, coords(&grid)));
        let mut order: Vec<usize> = (0..k).collect();
        order.shuffle(&mut rng);
        for i in order {
            let n = parameters[i].grid();
            let jump = n / 2;
            let before = parameters[i].level(grid[i]);
            grid[i] = if grid[i] + jump < n {
                grid[i] + jump
            } else {
                grid[i] - jump
            };
            let delta = parameters[i].level(grid[i]) - before;
            steps.push(Step {
                from: points.len() - 1,
                to: points.len(),
                parameter: i,
                delta,
            });
            points.push(Point::at(parameters, coords(&grid)));
        }
    }
    Points { points, steps }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(key: &str, low: f64, high: f64, steps: usize) -> Parameter {
        Parameter {
            key: key.into(),
            levels: Levels::Range { low, high, steps },
            scale: false,
        }
    }

    #[test]
    fn factorial_is_every_combination_last_key_fastest() {
        let ps = [
            range("a", 5.0, 30.0, 6),
            Parameter {
                key: "b".into(),
                levels: Levels::List(vec!["fifo".into(), "trusted_first".into()]),
                scale: false,
            },
        ];
        let pts = points(&ps, Design::Factorial).unwrap().points;
        assert_eq!(pts.len(), 12);
        assert_eq!(pts[0].values, vec![toml::Value::Integer(5), "fifo".into()]);
        assert_eq!(
            pts[1].values,
            vec![toml::Value::Integer(5), "trusted_first".into()]
        );
        assert_eq!(
            pts[11].values,
            vec![toml::Value::Integer(30), "trusted_first".into()]
        );
        let durations: Vec<_> = pts.iter().step_by(2).map(|p| p.values[0].clone()).collect();
        let want: Vec<toml::Value> = [5, 10, 15, 20, 25, 30].map(toml::Value::Integer).into();
        assert_eq!(durations, want);
    }

    #[test]
    fn latin_hypercube_has_one_point_in_each_stratum_of_each_key() {
        let ps = [
            range("a", 0.0, 1.5, 2),
            range("b", 0.1, 0.9, 2),
            range("c", 1.0, 2.0, 2),
        ];
        let pts = points(
            &ps,
            Design::LatinHypercube {
                samples: 50,
                seed: 7,
            },
        )
        .unwrap()
        .points;
        assert_eq!(pts.len(), 50);
        for i in 0..3 {
            let mut strata: Vec<usize> =
                pts.iter().map(|p| (p.coords[i] * 50.0) as usize).collect();
            strata.sort();
            assert_eq!(strata, (0..50).collect::<Vec<_>>(), "key {i}");
        }
        // Seeded: the same points again, other points with another seed.
        let again = points(
            &ps,
            Design::LatinHypercube {
                samples: 50,
                seed: 7,
            },
        )
        .unwrap()
        .points;
        assert_eq!(pts, again);
        let other = points(
            &ps,
            Design::LatinHypercube {
                samples: 50,
                seed: 8,
            },
        )
        .unwrap()
        .points;
        assert_ne!(pts, other);
    }

    #[test]
    fn one_at_a_time_moves_one_key_from_the_base() {
        let ps = [range("a", 0.0, 10.0, 3), range("b", 0.0, 1.5, 5)];
        let d = points(&ps, Design::OneAtATime).unwrap();
        assert_eq!(d.points.len(), 1 + 2 + 4);
        assert_eq!(d.points[0].coords, vec![0.5, 0.5]);
        for s in &d.steps {
            let (a, b) = (&d.points[s.from], &d.points[s.to]);
            for i in 0..2 {
                if i == s.parameter {
                    assert!((b.coords[i] - a.coords[i] - s.delta).abs() < 1e-12);
                } else {
                    assert_eq!(a.coords[i], b.coords[i]);
                }
            }
        }
    }

    #[test]
    fn morris_trajectories_move_each_key_once_by_half_its_grid() {
        let ps = [
            range("a", 0.0, 1.5, 4),
            range("b", 0.0, 1.5, 4),
            range("c", 0.0, 1.5, 6),
        ];
        let d = points(
            &ps,
            Design::Morris {
                trajectories: 20,
                seed: 3,
            },
        )
        .unwrap();
        assert_eq!(d.points.len(), 20 * 4);
        assert_eq!(d.steps.len(), 20 * 3);
        for t in d.steps.chunks(3) {
            let mut moved: Vec<usize> = t.iter().map(|s| s.parameter).collect();
            moved.sort();
            assert_eq!(moved, vec![0, 1, 2]);
        }
        for s in &d.steps {
            // Δ = p / (2 (p − 1)): 2/3 on a 4-level grid, 3/5 on a 6-level one.
            let want = if s.parameter == 2 { 0.6 } else { 2.0 / 3.0 };
            assert!((s.delta.abs() - want).abs() < 1e-12, "{s:?}");
            let (a, b) = (&d.points[s.from], &d.points[s.to]);
            assert!((b.coords[s.parameter] - a.coords[s.parameter] - s.delta).abs() < 1e-12);
            assert!((0.0..=1.0).contains(&b.coords[s.parameter]));
        }
    }

    #[test]
    fn bad_designs_say_what_would_be_right() {
        let e = points(&[range("d", 30.0, 5.0, 6)], Design::Factorial).unwrap_err();
        assert!(e.0.contains("give low < high"), "{e}");
        let e = points(&[range("d", 5.0, 30.0, 1)], Design::Factorial).unwrap_err();
        assert!(e.0.contains("at least 2 steps"), "{e}");
        let many: Vec<_> = (0..7)
            .map(|i| range(&format!("k{i}"), 0.0, 1.0, 10))
            .collect();
        let e = points(&many, Design::Factorial).unwrap_err();
        assert!(e.0.contains("more than 1000000 points"), "{e}");
        let e = points(
            &[range("d", 0.0, 1.0, 2)],
            Design::LatinHypercube {
                samples: 0,
                seed: 1,
            },
        )
        .unwrap_err();
        assert!(e.0.contains("no points"), "{e}");
    }
}
