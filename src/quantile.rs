//! Percentiles by linear interpolation between order statistics (numpy's default), for
//! sorted data and, selecting in place, for unsorted data. At the bottom of the tree:
//! `measure` takes a replication's p90 and `experiment::stats` (which re-exports these)
//! summarises replications with the same definition.

/// The q-quantile of sorted data, interpolating linearly between order statistics.
pub fn quantile_sorted(v: &[f64], q: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    let h = (v.len() - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    v[lo] + (h - lo as f64) * (v[hi] - v[lo])
}

/// The q-quantile of unsorted data (reorders `v`), same definition as [`quantile_sorted`].
/// Items are ordered by `T`'s own order and read as numbers by `value`, which must keep
/// that order: e.g. the bits of non-negative floats (`f64::from_bits`), which select faster
/// than floats compared by `total_cmp`.
pub fn quantile_unsorted<T: Ord + Copy>(v: &mut [T], q: f64, value: impl Fn(T) -> f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    let h = (v.len() - 1) as f64 * q;
    let lo = h.floor() as usize;
    let (_, &mut a, upper) = v.select_nth_unstable(lo);
    let a = value(a);
    let frac = h - lo as f64;
    match upper.iter().min() {
        Some(&b) if frac != 0.0 => a + frac * (value(b) - a),
        _ => a,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_and_unsorted_agree() {
        assert_eq!(quantile_sorted(&[1.0, 2.0, 3.0, 4.0], 0.5), 2.5);
        assert!((quantile_sorted(&[1.0, 2.0, 3.0, 4.0], 0.9) - 3.7).abs() < 1e-12);
        let mut v: Vec<u64> = [4.0f64, 1.0, 3.0, 2.0].map(f64::to_bits).to_vec();
        assert!((quantile_unsorted(&mut v, 0.9, f64::from_bits) - 3.7).abs() < 1e-12);
        assert!(quantile_sorted(&[], 0.5).is_nan());
        assert!(quantile_unsorted::<u64>(&mut [], 0.5, f64::from_bits).is_nan());
    }
}
