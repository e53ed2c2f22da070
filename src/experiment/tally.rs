//! Order-independent, mergeable statistics of one measure over replications.
//!
//! A [`Tally`] holds an exact sum and sum of squares ([`ExactSum`]: a fixed-point
//! accumulator spanning the whole f64 range, so addition is exact and associative) and a
//! log-bucket [`Histogram`] for percentiles. Two tallies merge into exactly the tally of
//! the union, whatever the grouping, so a run split across threads, shards or restarts
//! gives bit-identical statistics, in memory that does not grow with the replication count.

use super::stats::{Stat, t975};
use serde::{Deserialize, Serialize};

const NORMALISE_EVERY: u32 = 1 << 29;

/// An exact sum of f64 values: a fixed-point number with its lowest bit at 2^-1074, kept as
/// 32-bit limbs (carries deferred in i64) over only the range of limbs touched so far, so a
/// sum of values of similar size costs a few words.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ExactSum {
    /// Index of `limbs[0]` (limb i holds bits 32i .. 32i + 31).
    base: usize,
    limbs: Vec<i64>,
    pending: u32,
}

impl PartialEq for ExactSum {
    /// Equal values, whatever the layout of the limbs.
    fn eq(&self, other: &Self) -> bool {
        self.canonical() == other.canonical()
    }
}

impl ExactSum {
    /// (index of the lowest nonzero limb, limbs up to the highest nonzero one), carries done.
    fn canonical(&self) -> (usize, Vec<i64>) {
        let mut c = self.clone();
        c.normalise();
        // Fold sign-extension limbs: a top limb of −1 over a limb ≥ 2^31 is the same number
        // as that limb minus 2^32 alone.
        while c.limbs.len() >= 2 {
            let n = c.limbs.len();
            if c.limbs[n - 1] == -1 && c.limbs[n - 2] >= 1 << 31 {
                c.limbs[n - 2] -= 1 << 32;
                c.limbs.pop();
            } else if c.limbs[n - 1] == 0 {
                c.limbs.pop();
            } else {
                break;
            }
        }
        let Some(lo) = c.limbs.iter().position(|&v| v != 0) else {
            return (0, Vec::new());
        };
        let hi = c.limbs.iter().rposition(|&v| v != 0).unwrap_or(lo);
        (c.base + lo, c.limbs[lo..=hi].to_vec())
    }

    /// Makes limbs `from..to` addressable (plus one spare limb on top for carries).
    fn reserve(&mut self, from: usize, to: usize) {
        if self.limbs.is_empty() {
            self.base = from;
            self.limbs = vec![0; to + 1 - from];
            return;
        }
        if from < self.base {
            let mut grown = vec![0; self.base - from];
            grown.extend_from_slice(&self.limbs);
            self.limbs = grown;
            self.base = from;
        }
        let top = self.base + self.limbs.len();
        if to + 1 > top {
            self.limbs.resize(to + 1 - self.base, 0);
        }
    }

    /// Adds a finite value exactly (non-finite values are ignored).
    pub fn add(&mut self, x: f64) {
        if !x.is_finite() || x == 0.0 {
            return;
        }
        let bits = x.to_bits();
        let negative = bits >> 63 == 1;
        let exp = ((bits >> 52) & 0x7ff) as i64;
        let frac = bits & ((1u64 << 52) - 1);
        let (m, e) = if exp == 0 {
            (frac, -1074)
        } else {
            (frac | (1u64 << 52), exp - 1075)
        };
        let p = (e + 1074) as usize;
        let (i, s) = (p / 32, p % 32);
        self.reserve(i, i + 3);
        let wide = (m as u128) << s;
        let o = i - self.base;
        for k in 0..3 {
            let chunk = ((wide >> (32 * k)) & 0xffff_ffff) as i64;
            if chunk != 0 {
                self.limbs[o + k] += if negative { -chunk } else { chunk };
            }
        }
        self.pending += 1;
        if self.pending >= NORMALISE_EVERY {
            self.normalise();
        }
    }

    /// Adds another sum exactly.
    pub fn merge(&mut self, other: &ExactSum) {
        if other.limbs.is_empty() {
            return;
        }
        self.reserve(other.base, other.base + other.limbs.len());
        let o = other.base - self.base;
        for (k, &v) in other.limbs.iter().enumerate() {
            self.limbs[o + k] += v;
        }
        self.normalise();
    }

    /// Propagates carries: every limb but the top in [0, 2^32); keeps one spare top limb.
    fn normalise(&mut self) {
        if self.limbs.is_empty() {
            return;
        }
        let n = self.limbs.len();
        for i in 0..n - 1 {
            let carry = self.limbs[i] >> 32;
            self.limbs[i] -= carry << 32;
            self.limbs[i + 1] += carry;
        }
        // The top limb may have grown past 32 bits: give it room.
        if self.limbs[n - 1] >> 31 != 0 && self.limbs[n - 1] >> 31 != -1 {
            self.limbs.push(0);
            let carry = self.limbs[n - 1] >> 32;
            self.limbs[n - 1] -= carry << 32;
            self.limbs[n] += carry;
        }
        self.pending = 0;
    }

    /// The sum, rounded to f64 (deterministic: depends only on the exact value).
    pub fn value(&self) -> f64 {
        if self.limbs.is_empty() {
            return 0.0;
        }
        let mut l = self.limbs.clone();
        let n = l.len();
        for i in 0..n - 1 {
            let carry = l[i] >> 32;
            l[i] -= carry << 32;
            l[i + 1] += carry;
        }
        let negative = l[n - 1] < 0;
        if negative {
            // Negate every limb and propagate again: the magnitude, top limb positive.
            for v in l.iter_mut() {
                *v = -*v;
            }
            for i in 0..n - 1 {
                let carry = l[i] >> 32;
                l[i] -= carry << 32;
                l[i + 1] += carry;
            }
        }
        let Some(top) = l.iter().rposition(|&v| v != 0) else {
            return 0.0;
        };
        let mut v = 0.0f64;
        for (j, &limb) in l
            .iter()
            .enumerate()
            .take(top + 1)
            .skip(top.saturating_sub(3))
        {
            v += limb as f64 * 2f64.powi(32 * (self.base + j) as i32 - 1074);
        }
        if negative { -v } else { v }
    }
}

/// Counts, smallest and largest value in one bucket.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Bucket {
    /// Values recorded in the bucket.
    pub count: u64,
    /// The smallest of them.
    pub min: f64,
    /// The largest of them.
    pub max: f64,
}

/// Buckets a histogram keeps at most: its memory is bounded whatever the number of
/// replications (the peak-memory target of docs/performance.md).
pub const MAX_BUCKETS: usize = 512;

/// Values grouped by sign, exponent and the top `8 − coarsen` mantissa bits (relative
/// width 2^(coarsen − 8): ≈ 0.4 % at full resolution), with each bucket's exact minimum and
/// maximum: percentiles are exact when a bucket holds one distinct value, and within the
/// bucket's width otherwise. Buckets are kept sorted by key in a vector.
///
/// At most [`MAX_BUCKETS`] buckets are kept: when a new value would need one more, the
/// histogram halves its resolution (`coarsen` + 1, neighbouring buckets merged) until it
/// fits. The result depends only on the values recorded, never on their order or on how
/// histograms were merged: `coarsen` ends as the finest level at which all the values fit,
/// and a bucket's count, minimum and maximum are those of its values. So shards, threads
/// and resumed runs still agree bit for bit.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Histogram {
    /// Mantissa bits dropped beyond the finest resolution.
    #[serde(default)]
    coarsen: u8,
    buckets: Vec<(u64, Bucket)>,
}

impl Histogram {
    fn key(x: f64, coarsen: u8) -> u64 {
        let bits = x.to_bits();
        let ordered = if bits >> 63 == 1 {
            !bits
        } else {
            bits | (1 << 63)
        };
        ordered >> (44 + coarsen as u32)
    }

    /// Records a finite value.
    #[inline]
    pub fn add(&mut self, x: f64) {
        self.put(
            Self::key(x, self.coarsen),
            Bucket {
                count: 1,
                min: x,
                max: x,
            },
        );
    }

    /// Adds `b` under `key` (at the current resolution), coarsening first if a new bucket
    /// would exceed the bound.
    fn put(&mut self, mut key: u64, b: Bucket) {
        loop {
            match self.buckets.binary_search_by_key(&key, |e| e.0) {
                Ok(i) => {
                    let e = &mut self.buckets[i].1;
                    e.count += b.count;
                    e.min = e.min.min(b.min);
                    e.max = e.max.max(b.max);
                    return;
                }
                Err(i) if self.buckets.len() < MAX_BUCKETS => {
                    if self.buckets.capacity() == 0 {
                        // Room for one: most daily tallies of a long single-replication
                        // run hold one value (32 bytes, not the default 128).
                        self.buckets.reserve_exact(1);
                    }
                    self.buckets.insert(i, (key, b));
                    return;
                }
                Err(_) => {
                    self.coarsen_to(self.coarsen + 1);
                    key >>= 1;
                }
            }
        }
    }

    /// Drops resolution to `level` (≥ the current one), merging buckets that now share a key.
    fn coarsen_to(&mut self, level: u8) {
        let shift = level - self.coarsen;
        if shift == 0 {
            return;
        }
        self.coarsen = level;
        let mut out: Vec<(u64, Bucket)> = Vec::with_capacity(self.buckets.len());
        for &(k, b) in &self.buckets {
            let k = k >> shift;
            match out.last_mut() {
                Some((lk, lb)) if *lk == k => {
                    lb.count += b.count;
                    lb.min = lb.min.min(b.min);
                    lb.max = lb.max.max(b.max);
                }
                _ => out.push((k, b)),
            }
        }
        self.buckets.clear();
        self.buckets.extend_from_slice(&out);
    }

    /// Adds another histogram's counts.
    pub fn merge(&mut self, other: &Histogram) {
        self.coarsen_to(self.coarsen.max(other.coarsen));
        for &(k, o) in &other.buckets {
            // `put` may coarsen self further: bring the key to self's level each time.
            self.put(k >> (self.coarsen - other.coarsen), o);
        }
    }

    /// The k-th smallest value (0-based), interpolated within its bucket.
    fn order_statistic(&self, k: u64) -> f64 {
        let mut seen = 0;
        for (_, b) in &self.buckets {
            if k < seen + b.count {
                if b.count == 1 || b.min == b.max {
                    return b.min;
                }
                return b.min + (b.max - b.min) * (k - seen) as f64 / (b.count - 1) as f64;
            }
            seen += b.count;
        }
        f64::NAN
    }

    /// The q-quantile with numpy's default (linear) interpolation between order statistics.
    pub fn quantile(&self, q: f64, n: u64) -> f64 {
        if n == 0 {
            return f64::NAN;
        }
        let h = (n - 1) as f64 * q;
        let lo = h.floor() as u64;
        let a = self.order_statistic(lo);
        let frac = h - lo as f64;
        if frac == 0.0 {
            a
        } else {
            a + frac * (self.order_statistic(lo + 1) - a)
        }
    }
}

/// Everything needed for a measure's summary over replications.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Tally {
    /// Replications in which the measure was defined.
    pub n: u64,
    /// Replications in which it was undefined (NaN).
    pub undefined: u64,
    /// Exact sum of the defined values (the mean's numerator, order-independent).
    pub sum: ExactSum,
    /// Exact sum of their squares (for the standard deviation).
    pub sum_sq: ExactSum,
    /// Bounded histogram of the values, for the quantiles.
    pub histogram: Histogram,
}

impl Tally {
    /// Records one replication's value (NaN = undefined).
    pub fn add(&mut self, x: f64) {
        if x.is_nan() {
            self.undefined += 1;
            return;
        }
        self.n += 1;
        self.sum.add(x);
        self.sum_sq.add(x * x);
        self.histogram.add(x);
    }

    /// Adds another tally (exactly).
    pub fn merge(&mut self, other: &Tally) {
        self.n += other.n;
        self.undefined += other.undefined;
        self.sum.merge(&other.sum);
        self.sum_sq.merge(&other.sum_sq);
        self.histogram.merge(&other.histogram);
    }

    /// Mean.
    pub fn mean(&self) -> f64 {
        if self.n == 0 {
            f64::NAN
        } else {
            self.sum.value() / self.n as f64
        }
    }

    /// Sample standard deviation (NaN below two values).
    pub fn sd(&self) -> f64 {
        if self.n < 2 {
            return f64::NAN;
        }
        let n = self.n as f64;
        let s1 = self.sum.value();
        let var = (self.sum_sq.value() - s1 * s1 / n) / (n - 1.0);
        var.max(0.0).sqrt()
    }

    /// The q-quantile.
    pub fn quantile(&self, q: f64) -> f64 {
        self.histogram.quantile(q, self.n)
    }

    /// The summary reported for the measure.
    pub fn stat(&self) -> Stat {
        let mean = self.mean();
        let sd = self.sd();
        let half = if self.n > 1 {
            t975(self.n - 1) * sd / (self.n as f64).sqrt()
        } else {
            f64::NAN
        };
        Stat {
            n: self.n,
            mean,
            sd,
            ci95: [mean - half, mean + half],
            p50: self.quantile(0.5),
            p90: self.quantile(0.9),
            p99: self.quantile(0.99),
        }
    }
}

/// Grid of a [`SeriesTally`]: values are recorded in steps of 1/`SERIES_SCALE`
/// (counts exactly; time averages rounded to the nearest step, 0.001 shipment).
pub const SERIES_SCALE: f64 = 1024.0;

/// Buckets a [`SeriesTally`] keeps at most.
pub const SERIES_BUCKETS: usize = 64;

/// A compact, exact, mergeable tally of one day of one scoped daily series over
/// replications (`timeseries.csv`'s node, country and flow rows, of which there can be
/// hundreds of thousands): about 64 bytes plus 8 per bucket, at most [`SERIES_BUCKETS`].
///
/// Each value is recorded as a whole number of steps of 1/[`SERIES_SCALE`] (a count is
/// exact; a time average is rounded to the nearest step). Sums of steps and of their
/// squares are integers, so the mean and sd are exact for the recorded steps and do not
/// depend on order. Percentiles come from a histogram of steps that is exact (one step per
/// bucket) until more than [`SERIES_BUCKETS`] distinct values arrive; it then halves its
/// resolution (neighbouring buckets merged) until they fit, like [`Histogram`], so its
/// state depends only on the values recorded, never on their order or grouping.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SeriesTally {
    /// Replications with a value.
    pub n: u32,
    /// Replications without one (NaN).
    pub undefined: u32,
    /// Sum of the steps.
    sum: u64,
    /// Sum of the squared steps, as (high, low) 64-bit halves.
    sum_sq: (u64, u64),
    /// Bits dropped from a step to give its bucket.
    level: u8,
    /// (step >> level, count), sorted by key.
    buckets: Vec<(u32, u32)>,
}

impl SeriesTally {
    /// The value in steps (negative values, which no series has, count as 0; values past
    /// 4 million shipments saturate).
    fn steps(x: f64) -> u32 {
        (x * SERIES_SCALE).round().clamp(0.0, u32::MAX as f64) as u32
    }

    fn sq(&self) -> u128 {
        (u128::from(self.sum_sq.0) << 64) | u128::from(self.sum_sq.1)
    }

    /// Records one replication's value (NaN = undefined).
    pub fn add(&mut self, x: f64) {
        if x.is_nan() {
            self.undefined += 1;
            return;
        }
        let s = Self::steps(x);
        self.n += 1;
        self.sum += u64::from(s);
        let q = self.sq() + u128::from(s) * u128::from(s);
        self.sum_sq = ((q >> 64) as u64, q as u64);
        self.put(s >> self.level, 1);
    }

    fn put(&mut self, mut key: u32, count: u32) {
        loop {
            match self.buckets.binary_search_by_key(&key, |b| b.0) {
                Ok(i) => {
                    self.buckets[i].1 += count;
                    return;
                }
                Err(i) if self.buckets.len() < SERIES_BUCKETS => {
                    self.buckets.insert(i, (key, count));
                    return;
                }
                Err(_) => {
                    self.coarsen_to(self.level + 1);
                    key >>= 1;
                }
            }
        }
    }

    fn coarsen_to(&mut self, level: u8) {
        let shift = level - self.level;
        if shift == 0 {
            return;
        }
        self.level = level;
        let mut out: Vec<(u32, u32)> = Vec::with_capacity(self.buckets.len());
        for &(k, c) in &self.buckets {
            let k = k >> shift;
            match out.last_mut() {
                Some((lk, lc)) if *lk == k => *lc += c,
                _ => out.push((k, c)),
            }
        }
        self.buckets = out;
    }

    /// Adds another tally (exactly).
    pub fn merge(&mut self, other: &SeriesTally) {
        self.n += other.n;
        self.undefined += other.undefined;
        self.sum += other.sum;
        let q = self.sq() + other.sq();
        self.sum_sq = ((q >> 64) as u64, q as u64);
        self.coarsen_to(self.level.max(other.level));
        for &(k, c) in &other.buckets {
            self.put(k >> (self.level - other.level), c);
        }
    }

    /// Mean of the recorded values (NaN without any).
    pub fn mean(&self) -> f64 {
        if self.n == 0 {
            return f64::NAN;
        }
        self.sum as f64 / f64::from(self.n) / SERIES_SCALE
    }

    /// Sample standard deviation (NaN below two values).
    pub fn sd(&self) -> f64 {
        if self.n < 2 {
            return f64::NAN;
        }
        let n = u128::from(self.n);
        let s = u128::from(self.sum);
        // n·Σx² − (Σx)², exact in integers, ≥ 0.
        let num = (n * self.sq()).saturating_sub(s * s);
        (num as f64 / (f64::from(self.n) * f64::from(self.n - 1))).sqrt() / SERIES_SCALE
    }

    /// The k-th smallest value (0-based), in steps: exact at full resolution, else spread
    /// evenly over its bucket's steps.
    fn order_statistic(&self, k: u64) -> f64 {
        let mut seen = 0u64;
        let width = f64::from(1u32 << self.level.min(31));
        for &(key, c) in &self.buckets {
            let c = u64::from(c);
            if k < seen + c {
                let lo = f64::from(key) * width;
                if self.level == 0 {
                    return lo;
                }
                return lo + (width - 1.0) * ((k - seen) as f64 + 0.5) / c as f64;
            }
            seen += c;
        }
        f64::NAN
    }

    /// The q-quantile with linear interpolation between order statistics (as
    /// [`Histogram::quantile`]).
    pub fn quantile(&self, q: f64) -> f64 {
        if self.n == 0 {
            return f64::NAN;
        }
        let h = f64::from(self.n - 1) * q;
        let lo = h.floor() as u64;
        let a = self.order_statistic(lo);
        let frac = h - lo as f64;
        let v = if frac == 0.0 {
            a
        } else {
            a + frac * (self.order_statistic(lo + 1) - a)
        };
        v / SERIES_SCALE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_tally_is_exact_bounded_and_order_free() {
        // Counts: exact statistics.
        let xs = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0, 5.0, 3.0];
        let mut t = SeriesTally::default();
        xs.iter().for_each(|&x| t.add(x));
        let direct = Stat::of(&xs);
        assert_eq!(t.mean(), direct.mean);
        assert!((t.sd() - direct.sd).abs() < 1e-12);
        assert_eq!(t.quantile(0.5), direct.p50);
        assert_eq!(t.quantile(0.9), direct.p90);
        assert_eq!(t.quantile(0.1), 1.0);
        // Many distinct time averages: bounded, and the same whatever the order and grouping.
        let ys: Vec<f64> = (0..5000u64)
            .map(|i| 100.0 + ((i.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40) as f64) / 1e4)
            .collect();
        let mut one = SeriesTally::default();
        ys.iter().for_each(|&y| one.add(y));
        assert!(one.buckets.len() <= SERIES_BUCKETS && one.level > 0);
        let mut rev = SeriesTally::default();
        ys.iter().rev().for_each(|&y| rev.add(y));
        assert_eq!(rev, one);
        let mut parts = vec![SeriesTally::default(); 3];
        for (i, &y) in ys.iter().enumerate() {
            parts[(i * 7) % 3].add(y);
        }
        let mut merged = parts[2].clone();
        merged.merge(&parts[0]);
        merged.merge(&parts[1]);
        assert_eq!(merged, one);
        assert_eq!(merged.mean().to_bits(), one.mean().to_bits());
        let mean = ys.iter().sum::<f64>() / ys.len() as f64;
        assert!((one.mean() - mean).abs() < 1.0 / SERIES_SCALE);
        let mut sorted = ys.clone();
        sorted.sort_by(f64::total_cmp);
        let p90 = sorted[(0.9 * (sorted.len() - 1) as f64) as usize];
        // Within two buckets of the coarsened histogram (2^level steps of 1/SERIES_SCALE).
        let bucket = (1u64 << one.level) as f64 / SERIES_SCALE;
        assert!(
            (one.quantile(0.9) - p90).abs() <= 2.0 * bucket,
            "{} vs {p90} (bucket {bucket})",
            one.quantile(0.9)
        );
    }

    #[test]
    fn exact_sums_do_not_depend_on_order_or_grouping() {
        let xs: Vec<f64> = (0..2000)
            .map(|i| ((i as f64) * 0.731).sin() * 10f64.powi((i % 17) - 8))
            .collect();
        let mut a = ExactSum::default();
        xs.iter().for_each(|&x| a.add(x));
        let mut b = ExactSum::default();
        xs.iter().rev().for_each(|&x| b.add(x));
        let mut c = ExactSum::default();
        let mut d = ExactSum::default();
        xs[..700].iter().for_each(|&x| c.add(x));
        xs[700..].iter().for_each(|&x| d.add(x));
        c.merge(&d);
        assert_eq!(a.value().to_bits(), b.value().to_bits());
        assert_eq!(a.value().to_bits(), c.value().to_bits());
        // Cancellation that naive summation gets wrong.
        let mut e = ExactSum::default();
        for x in [1e20, 1.0, -1e20, 0.5, -3.25] {
            e.add(x);
        }
        assert_eq!(e.value(), -1.75);
        let mut f = ExactSum::default();
        f.add(0.1);
        f.add(0.2);
        assert_eq!(f.value(), 0.30000000000000004);
    }

    #[test]
    fn tally_matches_direct_statistics() {
        let xs = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0, 5.0, 3.0, f64::NAN];
        let mut t = Tally::default();
        xs.iter().for_each(|&x| t.add(x));
        let direct = Stat::of(&xs);
        let s = t.stat();
        assert_eq!(s.n, 10);
        assert_eq!(t.undefined, 1);
        assert!((s.mean - direct.mean).abs() < 1e-12);
        assert!((s.sd - direct.sd).abs() < 1e-12);
        // Small integers sit alone in their buckets: percentiles are exact.
        assert_eq!(s.p50, direct.p50);
        assert_eq!(s.p90, direct.p90);
        assert_eq!(s.p99, direct.p99);
        let mut u = Tally::default();
        xs[..4].iter().for_each(|&x| u.add(x));
        let mut v = Tally::default();
        xs[4..].iter().for_each(|&x| v.add(x));
        u.merge(&v);
        assert_eq!(u, t);
    }

    #[test]
    fn percentiles_of_continuous_data_are_within_a_bucket() {
        let xs: Vec<f64> = (1..=10_000)
            .map(|i| 100.0 + (i as f64).ln() * 7.0)
            .collect();
        let mut t = Tally::default();
        xs.iter().for_each(|&x| t.add(x));
        let direct = Stat::of(&xs);
        let s = t.stat();
        for (a, b) in [
            (s.p50, direct.p50),
            (s.p90, direct.p90),
            (s.p99, direct.p99),
        ] {
            assert!((a - b).abs() / b < 0.004, "{a} vs {b}");
        }
        let mut neg = Tally::default();
        for x in [-5.0, -1.0, 0.0, 2.0] {
            neg.add(x);
        }
        assert_eq!(neg.quantile(0.0), -5.0);
        assert_eq!(neg.quantile(1.0), 2.0);
        assert_eq!(neg.quantile(0.5), -0.5);
    }

    #[test]
    fn histogram_memory_is_bounded_and_order_free() {
        // Values over 40 octaves need far more than MAX_BUCKETS buckets at full resolution.
        let xs: Vec<f64> = (0..50_000u64)
            .map(|i| {
                let u = (i.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 11) as f64 / (1u64 << 53) as f64;
                (u * 40.0 - 20.0).exp2() * if i % 7 == 0 { -1.0 } else { 1.0 }
            })
            .collect();
        let mut one = Histogram::default();
        xs.iter().for_each(|&x| one.add(x));
        assert!(one.buckets.len() <= MAX_BUCKETS && one.coarsen > 0);
        assert!(one.buckets.capacity() <= MAX_BUCKETS);
        // Reversed, and in uneven shards merged in another order: the same histogram.
        let mut rev = Histogram::default();
        xs.iter().rev().for_each(|&x| rev.add(x));
        assert_eq!(rev, one);
        let mut shards: Vec<Histogram> = vec![Histogram::default(); 5];
        for (i, &x) in xs.iter().enumerate() {
            shards[(i * i) % 5].add(x);
        }
        let mut merged = shards[3].clone();
        for k in [0, 4, 1, 2] {
            merged.merge(&shards[k]);
        }
        assert_eq!(merged, one);
        // Counts, extremes and a coarse percentile survive the coarsening.
        let total: u64 = one.buckets.iter().map(|b| b.1.count).sum();
        assert_eq!(total, xs.len() as u64);
        let (lo, hi) = xs
            .iter()
            .fold((f64::MAX, f64::MIN), |(a, b), &x| (a.min(x), b.max(x)));
        assert_eq!(one.quantile(0.0, total), lo);
        assert_eq!(one.quantile(1.0, total), hi);
        let mut sorted = xs.clone();
        sorted.sort_by(f64::total_cmp);
        let want = sorted[(0.9 * (sorted.len() - 1) as f64) as usize];
        let width = f64::powi(2.0, one.coarsen as i32 - 8);
        let got = one.quantile(0.9, total);
        assert!(
            (got - want).abs() <= 2.0 * width * want.abs(),
            "{got} vs {want}"
        );
    }
}
