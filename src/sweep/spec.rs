//! `[sweep]` as written, checked into a runnable [`Spec`]: every error points at its line
//! in the scenario file and says what would be right.

use super::design::{Design, Levels, Parameter, Points, points};
use super::path;
use crate::scenario::ScenarioErrors;
use crate::scenario::error::{Format, KeyPath, ScenarioError};
use crate::scenario::file::{SweepDesignFile, SweepFile};
use toml_edit::DocumentMut;

/// Grid levels of a `range` without `steps`.
pub const DEFAULT_STEPS: u64 = 5;
/// Points of a Latin hypercube without `samples`, trajectories of a Morris design
/// without `trajectories`.
pub const DEFAULT_SAMPLES: u64 = 10;
/// The screened measure without `measure`.
pub const DEFAULT_MEASURE: &str = "recovery.system.ttr_days";
/// The strategy compared with baseline without `strategy`.
pub const DEFAULT_STRATEGY: &str = "joint";

/// A checked sweep.
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    /// The swept keys, in the file's order.
    pub parameters: Vec<Parameter>,
    /// How points are chosen.
    pub design: Design,
    /// The points (and, for one-at-a-time and Morris designs, the one-key steps).
    pub points: Points,
    /// The screened measure (a difference from baseline of `strategy`).
    pub measure: String,
    /// The strategy of that difference.
    pub strategy: String,
}

/// Checks `sweep` (from `text`, the scenario file `file` in `format`, whose master seed is
/// `seed`) and builds its points.
pub fn compile<'a>(
    sweep: &SweepFile,
    base: impl Into<super::run::Base<'a>>,
    file: &str,
    format: Format,
    seed: u64,
) -> Result<Spec, ScenarioErrors> {
    let base = base.into();
    let text = base.text;
    let mut at = base.locator(file, format);
    let mut errors: Vec<ScenarioError> = vec![];
    let root = KeyPath::root().key("sweep");
    if format != Format::Toml {
        errors.push(at.error(
            &root,
            "a sweep needs a TOML scenario",
            Some("write the scenario in TOML: a sweep edits its keys in the text".into()),
        ));
        return Err(ScenarioErrors(errors));
    }
    let doc: Option<DocumentMut> = text.parse().ok();
    let mut parameters = vec![];
    for (i, k) in sweep.keys.iter().enumerate() {
        let here = root.key("keys").index(i);
        let levels = match (&k.values, k.range) {
            (Some(values), None) => {
                let v: Result<Vec<toml::Value>, _> = values
                    .iter()
                    .map(|v| toml::Value::try_from(v.clone()))
                    .collect();
                match v {
                    Ok(v) => Levels::List(v),
                    Err(e) => {
                        let msg = format!("a value cannot be a scenario value: {e}");
                        errors.push(at.error(&here.key("values"), msg, None));
                        continue;
                    }
                }
            }
            (None, Some([low, high])) => Levels::Range {
                low,
                high,
                steps: k.steps.unwrap_or(DEFAULT_STEPS) as usize,
            },
            (Some(_), Some(_)) => {
                let help = "keep one: a list of values, or a range with steps".to_string();
                errors.push(at.error(&here, "both `values` and `range` given", Some(help)));
                continue;
            }
            (None, None) => {
                let help = "add `values = [..]` or `range = [low, high]`".to_string();
                errors.push(at.error(&here, format!("`{}` has no values", k.key), Some(help)));
                continue;
            }
        };
        if k.steps.is_some() && k.values.is_some() {
            let help = "`steps` divides a `range`; a list gives its own levels".to_string();
            errors.push(at.error(&here.key("steps"), "`steps` without a `range`", Some(help)));
        }
        let p = Parameter {
            key: k.key.clone(),
            levels,
            scale: k.scale,
        };
        // The key must resolve in the scenario: try its first value on a copy.
        if let Some(doc) = &doc {
            let first = p.value_at(0.0);
            if let Err(e) = path::apply(&mut doc.clone(), &p.key, &p.edit(&first)) {
                errors.push(at.error(&here.key("key"), e.problem, None));
            }
        }
        parameters.push(p);
    }
    if sweep.keys.is_empty() {
        let help = "add [[sweep.keys]] with `key` and `values` or `range`".to_string();
        errors.push(at.error(
            &root.key("keys"),
            "a sweep needs at least one key",
            Some(help),
        ));
    }
    let mut count = |v: Option<u64>, key: &str| {
        let n = v.unwrap_or(DEFAULT_SAMPLES);
        if n == 0 {
            errors.push(at.error(&root.key(key), format!("`{key}` must be at least 1"), None));
        }
        n as usize
    };
    let design_seed = sweep.seed.unwrap_or(seed);
    let design = match sweep.design {
        SweepDesignFile::Factorial => Design::Factorial,
        SweepDesignFile::OneAtATime => Design::OneAtATime,
        SweepDesignFile::LatinHypercube => Design::LatinHypercube {
            samples: count(sweep.samples, "samples"),
            seed: design_seed,
        },
        SweepDesignFile::Morris => Design::Morris {
            trajectories: count(sweep.trajectories, "trajectories"),
            seed: design_seed,
        },
    };
    for (key, given, used_by, name) in [
        (
            "samples",
            sweep.samples.is_some(),
            SweepDesignFile::LatinHypercube,
            "latin_hypercube",
        ),
        (
            "trajectories",
            sweep.trajectories.is_some(),
            SweepDesignFile::Morris,
            "morris",
        ),
    ] {
        if given && sweep.design != used_by {
            let help = format!("it applies to design = \"{name}\" only");
            errors.push(at.error(
                &root.key(key),
                format!("`{key}` is not used by this design"),
                Some(help),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(ScenarioErrors(errors));
    }
    let points = points(&parameters, design)
        .map_err(|e| ScenarioErrors(vec![at.error(&root, e.0, None)]))?;
    Ok(Spec {
        parameters,
        design,
        points,
        measure: sweep
            .measure
            .clone()
            .unwrap_or_else(|| DEFAULT_MEASURE.into()),
        strategy: sweep
            .strategy
            .clone()
            .unwrap_or_else(|| DEFAULT_STRATEGY.into()),
    })
}
