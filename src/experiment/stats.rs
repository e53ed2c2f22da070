//! Statistics over replications: mean, standard deviation, Student-t 95% confidence
//! interval, and percentiles (linear interpolation between order statistics, as numpy's
//! default). NaN values (a measure undefined in a replication) are left out and counted.

use serde::Serialize;

pub use crate::quantile::{quantile_sorted, quantile_unsorted};

/// Summary of one measure over replications.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Stat {
    /// Replications in which the measure was defined.
    pub n: u64,
    /// Mean over those replications, in the measure's unit.
    pub mean: f64,
    /// Sample standard deviation (NaN below 2 replications).
    pub sd: f64,
    /// Student's t 95% interval of the mean (NaN below 2 replications).
    pub ci95: [f64; 2],
    /// Median over replications.
    pub p50: f64,
    /// 90th percentile over replications.
    pub p90: f64,
    /// 99th percentile over replications.
    pub p99: f64,
}

impl Stat {
    /// Summarises `values` (NaN entries skipped).
    pub fn of(values: &[f64]) -> Stat {
        let mut v: Vec<f64> = values.iter().copied().filter(|x| !x.is_nan()).collect();
        let n = v.len();
        if n == 0 {
            return Stat {
                n: 0,
                mean: f64::NAN,
                sd: f64::NAN,
                ci95: [f64::NAN; 2],
                p50: f64::NAN,
                p90: f64::NAN,
                p99: f64::NAN,
            };
        }
        let mean = v.iter().sum::<f64>() / n as f64;
        let sd = if n > 1 {
            (v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt()
        } else {
            f64::NAN
        };
        let half = if n > 1 {
            t975(n as u64 - 1) * sd / (n as f64).sqrt()
        } else {
            f64::NAN
        };
        v.sort_by(f64::total_cmp);
        Stat {
            n: n as u64,
            mean,
            sd,
            ci95: [mean - half, mean + half],
            p50: quantile_sorted(&v, 0.5),
            p90: quantile_sorted(&v, 0.9),
            p99: quantile_sorted(&v, 0.99),
        }
    }

    /// Half-width of the 95% confidence interval.
    pub fn half_width(&self) -> f64 {
        (self.ci95[1] - self.ci95[0]) / 2.0
    }
}

/// The 0.975 quantile of Student's t with `df` degrees of freedom.
pub fn t975(df: u64) -> f64 {
    const TABLE: [f64; 30] = [
        12.706_204_7,
        4.302_652_7,
        3.182_446_3,
        2.776_445_1,
        2.570_581_8,
        2.446_911_9,
        2.364_624_3,
        2.306_004_1,
        2.262_157_2,
        2.228_138_9,
        2.200_985_2,
        2.178_812_8,
        2.160_368_7,
        2.144_786_7,
        2.131_449_5,
        2.119_905_3,
        2.109_815_5,
        2.100_922_0,
        2.093_024_1,
        2.085_963_4,
        2.079_613_8,
        2.073_873_1,
        2.068_657_6,
        2.063_898_6,
        2.059_538_6,
        2.055_529_4,
        2.051_830_5,
        2.048_407_1,
        2.045_229_6,
        2.042_272_5,
    ];
    if df == 0 {
        return f64::NAN;
    }
    if df <= 30 {
        return TABLE[df as usize - 1];
    }
    // Cornish–Fisher expansion around the normal quantile (error < 1e-6 for df > 30).
    let z: f64 = 1.959_963_984_540_054;
    let v = df as f64;
    let z3 = z.powi(3);
    let z5 = z.powi(5);
    let z7 = z.powi(7);
    let z9 = z.powi(9);
    z + (z3 + z) / (4.0 * v)
        + (5.0 * z5 + 16.0 * z3 + 3.0 * z) / (96.0 * v * v)
        + (3.0 * z7 + 19.0 * z5 + 17.0 * z3 - 15.0 * z) / (384.0 * v.powi(3))
        + (79.0 * z9 + 776.0 * z7 + 1482.0 * z5 - 1920.0 * z3 - 945.0 * z) / (92160.0 * v.powi(4))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_quantiles() {
        assert!((t975(10) - 2.228_138_9).abs() < 1e-6);
        // Published values: df 40 → 2.021075, df 120 → 1.979930.
        assert!((t975(40) - 2.021_075).abs() < 1e-5, "{}", t975(40));
        assert!((t975(120) - 1.979_930).abs() < 1e-5, "{}", t975(120));
        assert!((t975(31) - 2.039_513).abs() < 2e-5, "{}", t975(31));
    }

    #[test]
    fn summary_of_known_data() {
        let s = Stat::of(&[1.0, 2.0, 3.0, 4.0, f64::NAN]);
        assert_eq!(s.n, 4);
        assert_eq!(s.mean, 2.5);
        assert!((s.sd - 1.290_994_448_7).abs() < 1e-9);
        assert!((s.half_width() - 3.182_446_3 * s.sd / 2.0).abs() < 1e-9);
        assert_eq!(s.p50, 2.5);
        assert!((s.p90 - 3.7).abs() < 1e-12);
        assert!(Stat::of(&[]).mean.is_nan());
    }
}
