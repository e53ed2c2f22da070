//! Series reduced to the plot's resolution: a line of 20,000 days drawn on 1,000 pixel
//! columns needs no more than each column's lowest and highest point, so a long run's
//! plots cost what a reader can see, not what the horizon is (issue 20, item 3).
//!
//! A series is reduced only when it has more than [`POINTS_PER_COLUMN`] points per
//! column; shorter ones are drawn point for point, exactly as before.

use std::ops::Range;

/// Points per pixel column above which a series is reduced.
pub const POINTS_PER_COLUMN: usize = 2;

/// The pixel column of `x` on `columns` columns spanning `range`.
fn column(x: f64, range: &Range<f64>, columns: usize) -> usize {
    let w = range.end - range.start;
    if w <= 0.0 || !x.is_finite() {
        return 0;
    }
    let c = ((x - range.start) / w * columns as f64).floor();
    c.clamp(0.0, (columns - 1) as f64) as usize
}

/// Consecutive runs of `points` (in x order) that fall into one pixel column.
fn runs<'a, T>(
    points: &'a [T],
    x: impl Fn(&T) -> f64 + 'a,
    range: &'a Range<f64>,
    columns: usize,
) -> impl Iterator<Item = &'a [T]> + 'a {
    points.chunk_by(move |a, b| column(x(a), range, columns) == column(x(b), range, columns))
}

/// A line too dense to draw point for point (more than [`POINTS_PER_COLUMN`] points a
/// column), as the polygon of its per-column extremes widened by `half_width` (in y
/// units) up and down: drawn filled, it covers the pixels the full line covers. A filled
/// area, not a thick polyline: plotters' thick lines grow spikes at the sharp turns a
/// dense zigzag has. `None` when the line is short enough to draw as it is.
pub fn dense_line(
    points: &[(f64, f64)],
    range: &Range<f64>,
    columns: usize,
    half_width: f64,
) -> Option<Vec<(f64, f64)>> {
    if points.len() <= POINTS_PER_COLUMN * columns.max(1) {
        return None;
    }
    let widened: Vec<(f64, f64, f64)> = points
        .iter()
        .map(|&(x, y)| (x, y - half_width, y + half_width))
        .collect();
    Some(band(&widened, range, columns))
}

/// The polygon of a band `(x, low, high)` (x ascending): the upper edge left to right,
/// then the lower edge back. Reduced, each column spans from its first to its last x at
/// the column's highest `high` and lowest `low`, so the filled area covers the same
/// pixels in every column as the full band's.
pub fn band(points: &[(f64, f64, f64)], range: &Range<f64>, columns: usize) -> Vec<(f64, f64)> {
    let columns = columns.max(1);
    if points.len() <= POINTS_PER_COLUMN * columns {
        let mut poly: Vec<(f64, f64)> = points.iter().map(|p| (p.0, p.2)).collect();
        poly.extend(points.iter().rev().map(|p| (p.0, p.1)));
        return poly;
    }
    let mut upper = Vec::with_capacity(2 * columns);
    let mut lower = Vec::with_capacity(2 * columns);
    for run in runs(points, |p| p.0, range, columns) {
        let (x0, x1) = (run[0].0, run[run.len() - 1].0);
        let hi = run.iter().map(|p| p.2).fold(f64::NEG_INFINITY, f64::max);
        let lo = run.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
        upper.push((x0, hi));
        lower.push((x0, lo));
        if x1 > x0 {
            upper.push((x1, hi));
            lower.push((x1, lo));
        }
    }
    upper.extend(lower.into_iter().rev());
    upper
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wiggle(n: usize) -> Vec<(f64, f64)> {
        (0..n)
            .map(|d| {
                (
                    d as f64,
                    ((d * 7919) % 101) as f64 + (d as f64 / 50.0).sin(),
                )
            })
            .collect()
    }

    /// Each column's (min, max) of y over `points`.
    fn spans(points: &[(f64, f64)], range: &Range<f64>, columns: usize) -> Vec<(f64, f64)> {
        let mut s = vec![(f64::INFINITY, f64::NEG_INFINITY); columns];
        for p in points {
            let c = column(p.0, range, columns);
            s[c] = (s[c].0.min(p.1), s[c].1.max(p.1));
        }
        s
    }

    #[test]
    fn short_series_are_drawn_point_for_point() {
        let pts = wiggle(300);
        let r = 0.0..300.0;
        assert_eq!(dense_line(&pts, &r, 800, 1.0), None);
        let b: Vec<_> = pts.iter().map(|p| (p.0, p.1 - 1.0, p.1 + 1.0)).collect();
        let poly = band(&b, &r, 800);
        assert_eq!(poly.len(), 600);
        assert_eq!(poly[0], (0.0, pts[0].1 + 1.0));
        assert_eq!(poly[599], (0.0, pts[0].1 - 1.0));
    }

    #[test]
    fn a_dense_line_is_drawn_as_its_widened_envelope() {
        let pts = wiggle(20_000);
        let (r, cols) = (0.0..20_000.0, 900);
        assert_eq!(dense_line(&pts[..1000], &r, cols, 0.5), None);
        let poly = dense_line(&pts, &r, cols, 0.5).expect("reduced");
        assert!(poly.len() <= 4 * cols);
        let (upper, lower) = poly.split_at(poly.len() / 2);
        let top: Vec<f64> = spans(upper, &r, cols).iter().map(|s| s.1 - 0.5).collect();
        let bottom: Vec<f64> = spans(lower, &r, cols).iter().map(|s| s.0 + 0.5).collect();
        let full = spans(&pts, &r, cols);
        let near = |a: &[f64], b: Vec<f64>| {
            a.len() == b.len() && a.iter().zip(&b).all(|(x, y)| (x - y).abs() < 1e-9)
        };
        assert!(near(&top, full.iter().map(|s| s.1).collect()), "upper edge");
        assert!(
            near(&bottom, full.iter().map(|s| s.0).collect()),
            "lower edge"
        );
    }

    #[test]
    fn a_long_band_covers_the_same_span_in_every_column() {
        let pts = wiggle(20_000);
        let b: Vec<_> = pts.iter().map(|p| (p.0, p.1 - 2.0, p.1 + 3.0)).collect();
        let (r, cols) = (0.0..20_000.0, 900);
        let poly = band(&b, &r, cols);
        assert!(poly.len() <= 4 * cols);
        let (upper, lower) = poly.split_at(poly.len() / 2);
        let hi: Vec<_> = b.iter().map(|p| (p.0, p.2)).collect();
        let lo: Vec<_> = b.iter().map(|p| (p.0, p.1)).collect();
        let top = |s: Vec<(f64, f64)>| s.into_iter().map(|x| x.1).collect::<Vec<_>>();
        let bottom = |s: Vec<(f64, f64)>| s.into_iter().map(|x| x.0).collect::<Vec<_>>();
        assert_eq!(top(spans(upper, &r, cols)), top(spans(&hi, &r, cols)));
        assert_eq!(bottom(spans(lower, &r, cols)), bottom(spans(&lo, &r, cols)));
    }
}
