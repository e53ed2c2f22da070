//! Probability distributions of times and values, as written in a scenario file
//! (`{ dist = "triangular", min = 10, mode = 11, max = 14 }`, or a bare number or
//! duration for a fixed value) and as sampled by the engine (via `rand_distr`).

use crate::time::Days;
use rand::Rng;
use rand_distr::{
    Distribution, Exp, Gamma, LogNormal, Normal, Triangular, Uniform, Weibull,
    weighted::WeightedIndex,
};
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::fmt;

/// A distribution as written in a scenario file. Time parameters are in days and accept
/// duration strings (`"36h"`); value distributions are in their own unit (USD).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "dist", rename_all = "lowercase", deny_unknown_fields)]
#[schemars(rename = "DistributionTable")]
pub enum DistSpec {
    /// Always `value`.
    Fixed {
        /// The value every draw takes, in days (or in the field's own unit, such as USD).
        value: Days,
    },
    /// Uniform on [`min`, `max`].
    Uniform {
        /// Smallest value a draw can take (≥ 0), in days (or the field's own unit).
        min: Days,
        /// Largest value a draw can take, in days (or the field's own unit); at least `min`.
        max: Days,
    },
    /// Triangular on [`min`, `max`] with peak at `mode`.
    Triangular {
        /// Smallest value a draw can take (≥ 0), in days (or the field's own unit).
        min: Days,
        /// Most likely value, between `min` and `max`.
        mode: Days,
        /// Largest value a draw can take, in days (or the field's own unit).
        max: Days,
    },
    /// Exponential with the given `mean`.
    Exponential {
        /// Mean of the draws, in days (or the field's own unit); must be > 0.
        mean: Days,
    },
    /// Normal(`mean`, `sd`) truncated at 0 (negative draws are redrawn); `mean` must be > 0.
    Normal {
        /// Mean before truncation at 0, in days (or the field's own unit); must be > 0.
        mean: Days,
        /// Standard deviation before truncation at 0, in the same unit as `mean`.
        sd: Days,
    },
    /// Lognormal with the given `mean` and `sd` of the variable itself (not of its log).
    Lognormal {
        /// Mean of the variable itself (not of its log), in days (or the field's own unit).
        mean: Days,
        /// Standard deviation of the variable itself (not of its log), same unit as `mean`.
        sd: Days,
    },
    /// Gamma with `shape` k and `scale` θ (mean kθ).
    Gamma {
        /// Shape k (unitless, > 0); the mean is `shape` × `scale`.
        shape: f64,
        /// Scale θ (> 0), in days (or the field's own unit).
        scale: Days,
    },
    /// Weibull with `shape` k and `scale` λ.
    Weibull {
        /// Shape k (unitless, > 0); below 1 gives a long tail, above 1 a peak.
        shape: f64,
        /// Scale λ (> 0), in days (or the field's own unit).
        scale: Days,
    },
    /// One of `values`, with probabilities proportional to `weights` (equal if omitted).
    Empirical {
        /// The values a draw can take, in days (or the field's own unit).
        values: Vec<Days>,
        /// Relative weight of each of `values` (same length, not negative); omitted means
        /// all values are equally likely.
        #[serde(default)]
        weights: Option<Vec<f64>>,
    },
}

/// What a distribution field accepts, for the JSON Schema only: a fixed number of days, a
/// duration string, or a distribution table (what [`deserialize_dist`] reads).
pub struct DistributionField;

impl JsonSchema for DistributionField {
    fn schema_name() -> Cow<'static, str> {
        "Distribution".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let table = generator.subschema_for::<DistSpec>();
        json_schema!({
            "description": "A fixed value (a number, or a duration string such as \"36h\"), or a distribution table such as { dist = \"triangular\", min = 10, mode = 11, max = 14 }.",
            "oneOf": [
                { "type": "number" },
                { "type": "string", "pattern": crate::time::DURATION_PATTERN },
                table
            ]
        })
    }
}

/// Accepts a table (`{ dist = ... }`), or a bare number / duration string meaning `fixed`.
pub fn deserialize_dist<'de, D: Deserializer<'de>>(d: D) -> Result<DistSpec, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = DistSpec;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a distribution table such as { dist = \"exponential\", mean = 0.1 }, or a fixed number of days")
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<DistSpec, E> {
            Ok(DistSpec::Fixed { value: Days(v) })
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<DistSpec, E> {
            Ok(DistSpec::Fixed {
                value: Days(v as f64),
            })
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<DistSpec, E> {
            Ok(DistSpec::Fixed {
                value: Days(v as f64),
            })
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<DistSpec, E> {
            crate::time::parse_duration(v)
                .map(|x| DistSpec::Fixed { value: Days(x) })
                .map_err(E::custom)
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<DistSpec, A::Error> {
            DistSpec::deserialize(de::value::MapAccessDeserializer::new(map))
        }
    }
    d.deserialize_any(V)
}

/// Same as [`deserialize_dist`] for an optional field.
pub fn deserialize_opt_dist<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DistSpec>, D::Error> {
    deserialize_dist(d).map(Some)
}

/// A validated, ready-to-sample distribution with its exact mean.
#[derive(Debug, Clone)]
pub struct Dist {
    sampler: Sampler,
    mean: f64,
    /// The smallest and largest value a draw can take (the upper one may be infinite).
    support: [f64; 2],
}

#[derive(Debug, Clone)]
enum Sampler {
    Fixed(f64),
    Uniform(Uniform<f64>),
    Triangular(Triangular<f64>),
    Exponential(Exp<f64>),
    TruncNormal(Normal<f64>),
    Lognormal(LogNormal<f64>),
    Gamma(Gamma<f64>),
    Weibull(Weibull<f64>),
    Empirical {
        values: Vec<f64>,
        index: WeightedIndex<f64>,
    },
}

impl DistSpec {
    /// The distribution's name as written (`"triangular"`).
    pub fn name(&self) -> &'static str {
        match self {
            DistSpec::Fixed { .. } => "fixed",
            DistSpec::Uniform { .. } => "uniform",
            DistSpec::Triangular { .. } => "triangular",
            DistSpec::Exponential { .. } => "exponential",
            DistSpec::Normal { .. } => "normal",
            DistSpec::Lognormal { .. } => "lognormal",
            DistSpec::Gamma { .. } => "gamma",
            DistSpec::Weibull { .. } => "weibull",
            DistSpec::Empirical { .. } => "empirical",
        }
    }

    /// The smallest value a draw can take (0 for families unbounded below at 0).
    pub fn lower_bound(&self) -> f64 {
        match self {
            DistSpec::Fixed { value } => value.0,
            DistSpec::Uniform { min, .. } | DistSpec::Triangular { min, .. } => min.0,
            DistSpec::Empirical { values, .. } => {
                values.iter().map(|v| v.0).fold(f64::INFINITY, f64::min)
            }
            _ => 0.0,
        }
    }

    /// Checks the parameters (all values ≥ 0, the shape constraints of each family) and
    /// builds the sampler. The error says which parameter is wrong and what would be right.
    pub fn build(&self) -> Result<Dist, String> {
        fn nonneg(name: &str, v: f64) -> Result<f64, String> {
            if v.is_finite() && v >= 0.0 {
                Ok(v)
            } else {
                Err(format!("`{name}` must be a finite number ≥ 0, found {v}"))
            }
        }
        fn pos(name: &str, v: f64) -> Result<f64, String> {
            if v.is_finite() && v > 0.0 {
                Ok(v)
            } else {
                Err(format!("`{name}` must be a finite number > 0, found {v}"))
            }
        }
        let fixed = |v: f64| (Sampler::Fixed(v), v);
        let (sampler, mean) = match self {
            DistSpec::Fixed { value } => fixed(nonneg("value", value.0)?),
            DistSpec::Uniform { min, max } => {
                let (a, b) = (nonneg("min", min.0)?, nonneg("max", max.0)?);
                if a > b {
                    return Err(format!(
                        "uniform needs min ≤ max, found min = {a}, max = {b}"
                    ));
                }
                if a == b {
                    fixed(a)
                } else {
                    (
                        Sampler::Uniform(Uniform::new_inclusive(a, b).map_err(|e| e.to_string())?),
                        (a + b) / 2.0,
                    )
                }
            }
            DistSpec::Triangular { min, mode, max } => {
                let (a, c, b) = (
                    nonneg("min", min.0)?,
                    nonneg("mode", mode.0)?,
                    nonneg("max", max.0)?,
                );
                if !(a <= c && c <= b) {
                    return Err(format!(
                        "triangular needs min ≤ mode ≤ max, found min = {a}, mode = {c}, max = {b}"
                    ));
                }
                if a == b {
                    fixed(a)
                } else {
                    (
                        Sampler::Triangular(Triangular::new(a, b, c).map_err(|e| e.to_string())?),
                        (a + b + c) / 3.0,
                    )
                }
            }
            DistSpec::Exponential { mean } => {
                let m = pos("mean", mean.0)?;
                (
                    Sampler::Exponential(Exp::new(1.0 / m).map_err(|e| e.to_string())?),
                    m,
                )
            }
            DistSpec::Normal { mean, sd } => {
                let m = pos("mean", mean.0)?;
                let s = nonneg("sd", sd.0)?;
                if s == 0.0 {
                    fixed(m)
                } else {
                    // Mean of N(m, s²) truncated below at 0: m + s·φ(α)/(1 − Φ(α)), α = −m/s.
                    let alpha = -m / s;
                    let phi = (-alpha * alpha / 2.0).exp() / (2.0 * std::f64::consts::PI).sqrt();
                    let tail = 0.5 * erfc(alpha / std::f64::consts::SQRT_2);
                    (
                        Sampler::TruncNormal(Normal::new(m, s).map_err(|e| e.to_string())?),
                        m + s * phi / tail,
                    )
                }
            }
            DistSpec::Lognormal { mean, sd } => {
                let m = pos("mean", mean.0)?;
                let s = nonneg("sd", sd.0)?;
                if s == 0.0 {
                    fixed(m)
                } else {
                    let sigma2 = (1.0 + (s / m).powi(2)).ln();
                    let mu = m.ln() - sigma2 / 2.0;
                    (
                        Sampler::Lognormal(
                            LogNormal::new(mu, sigma2.sqrt()).map_err(|e| e.to_string())?,
                        ),
                        m,
                    )
                }
            }
            DistSpec::Gamma { shape, scale } => {
                let (k, th) = (pos("shape", *shape)?, pos("scale", scale.0)?);
                (
                    Sampler::Gamma(Gamma::new(k, th).map_err(|e| e.to_string())?),
                    k * th,
                )
            }
            DistSpec::Weibull { shape, scale } => {
                let (k, l) = (pos("shape", *shape)?, pos("scale", scale.0)?);
                (
                    Sampler::Weibull(Weibull::new(l, k).map_err(|e| e.to_string())?),
                    l * ln_gamma(1.0 + 1.0 / k).exp(),
                )
            }
            DistSpec::Empirical { values, weights } => {
                if values.is_empty() {
                    return Err("empirical needs at least one value in `values`".into());
                }
                let vals = values
                    .iter()
                    .map(|v| nonneg("values", v.0))
                    .collect::<Result<Vec<_>, _>>()?;
                let w = match weights {
                    Some(w) => {
                        if w.len() != vals.len() {
                            return Err(format!(
                                "empirical has {} values but {} weights; give one weight per value",
                                vals.len(),
                                w.len()
                            ));
                        }
                        for x in w {
                            nonneg("weights", *x)?;
                        }
                        if w.iter().sum::<f64>() <= 0.0 {
                            return Err("empirical `weights` must not all be 0".into());
                        }
                        w.clone()
                    }
                    None => vec![1.0; vals.len()],
                };
                let total: f64 = w.iter().sum();
                let mean = vals.iter().zip(&w).map(|(v, x)| v * x).sum::<f64>() / total;
                let index = WeightedIndex::new(w).map_err(|e| e.to_string())?;
                (
                    Sampler::Empirical {
                        values: vals,
                        index,
                    },
                    mean,
                )
            }
        };
        let support = match self {
            DistSpec::Fixed { value } => [value.0, value.0],
            DistSpec::Uniform { min, max } | DistSpec::Triangular { min, max, .. } => {
                [min.0, max.0]
            }
            DistSpec::Empirical { values, .. } => [
                self.lower_bound(),
                values.iter().map(|v| v.0).fold(f64::NEG_INFINITY, f64::max),
            ],
            _ => [0.0, f64::INFINITY],
        };
        Ok(Dist {
            sampler,
            mean,
            support,
        })
    }
}

impl Dist {
    /// A distribution that always gives `v`.
    pub fn fixed(v: f64) -> Dist {
        Dist {
            sampler: Sampler::Fixed(v),
            mean: v,
            support: [v, v],
        }
    }

    /// One draw (always ≥ 0).
    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        // The two most used shapes inline at the call site; the rest out of line, so a
        // fixed value costs a comparison rather than a call through a nine-way match.
        match &self.sampler {
            Sampler::Fixed(v) => *v,
            Sampler::Exponential(d) => d.sample(rng),
            _ => self.sample_other(rng),
        }
    }

    /// [`Dist::sample`] for the shapes other than fixed and exponential.
    #[inline(never)]
    fn sample_other<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match &self.sampler {
            Sampler::Fixed(v) => *v,
            Sampler::Uniform(d) => d.sample(rng),
            Sampler::Triangular(d) => d.sample(rng),
            Sampler::Exponential(d) => d.sample(rng),
            Sampler::TruncNormal(d) => loop {
                let x = d.sample(rng);
                if x >= 0.0 {
                    break x;
                }
            },
            Sampler::Lognormal(d) => d.sample(rng),
            Sampler::Gamma(d) => d.sample(rng),
            Sampler::Weibull(d) => d.sample(rng),
            Sampler::Empirical { values, index } => values[index.sample(rng)],
        }
    }

    /// The exact mean (used for routing by expected transit and for baseline utilisation).
    pub fn mean(&self) -> f64 {
        self.mean
    }

    /// The smallest and largest value a draw can take; the largest is infinite for the
    /// families unbounded above (exponential, normal, lognormal, gamma, Weibull).
    pub fn support(&self) -> [f64; 2] {
        self.support
    }

    /// True when every draw is the same number.
    pub fn is_fixed(&self) -> bool {
        matches!(self.sampler, Sampler::Fixed(_))
    }
}

/// Complementary error function (W. J. Cody's rational approximations via erfc = 1 − erf
/// would lose precision in the tail; this uses Numerical Recipes' erfcc, |ε| < 1.2e-7).
fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let r = t
        * (-z * z - 1.26551223
            + t * (1.00002368
                + t * (0.37409196
                    + t * (0.09678418
                        + t * (-0.18628806
                            + t * (0.27886807
                                + t * (-1.13520398
                                    + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))))
            .exp();
    if x >= 0.0 { r } else { 2.0 - r }
}

/// ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; relative error below 1e-13).
fn ln_gamma(x: f64) -> f64 {
    const G: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = G[0];
    let t = x + 7.5;
    for (i, g) in G.iter().enumerate().skip(1) {
        a += g / (x + i as f64);
    }
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn spec(toml_text: &str) -> DistSpec {
        #[derive(Deserialize)]
        struct W {
            #[serde(deserialize_with = "deserialize_dist")]
            d: DistSpec,
        }
        toml::from_str::<W>(toml_text).unwrap().d
    }

    /// The sample mean of 200,000 draws lies within 1% of the closed-form mean.
    #[test]
    fn sample_means_match_closed_forms() {
        let cases = [
            "d = { dist = \"uniform\", min = 1, max = 3 }",
            "d = { dist = \"triangular\", min = 10, mode = 11, max = 14 }",
            "d = { dist = \"exponential\", mean = 0.1 }",
            "d = { dist = \"normal\", mean = 1.0, sd = 1.0 }",
            "d = { dist = \"lognormal\", mean = 2.0, sd = 0.5 }",
            "d = { dist = \"gamma\", shape = 2.0, scale = 1.5 }",
            "d = { dist = \"weibull\", shape = 1.5, scale = 2.0 }",
            "d = { dist = \"empirical\", values = [1, 2, 10], weights = [1, 1, 2] }",
            "d = \"36h\"",
        ];
        for c in cases {
            let d = spec(c).build().unwrap();
            let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(7);
            let n = 200_000;
            let m = (0..n).map(|_| d.sample(&mut rng)).sum::<f64>() / n as f64;
            assert!(
                (m - d.mean()).abs() < 0.01 * d.mean(),
                "{c}: sample mean {m} vs {}",
                d.mean()
            );
        }
    }

    #[test]
    fn bad_parameters_are_explained() {
        let e = spec("d = { dist = \"triangular\", min = 5, mode = 1, max = 4 }")
            .build()
            .unwrap_err();
        assert!(e.contains("min ≤ mode ≤ max"), "{e}");
        let e = spec("d = { dist = \"exponential\", mean = 0 }")
            .build()
            .unwrap_err();
        assert!(e.contains("> 0"), "{e}");
        assert!(toml::from_str::<toml::Value>("d = 1").is_ok());
    }

    #[test]
    fn special_functions() {
        assert!((ln_gamma(5.0) - 24f64.ln()).abs() < 1e-12);
        assert!((erfc(0.0) - 1.0).abs() < 1e-7);
        assert!((erfc(1.0) - 0.157_299_207).abs() < 1e-7);
        assert!((erfc(-1.0) - 1.842_700_793).abs() < 1e-7);
    }
}
