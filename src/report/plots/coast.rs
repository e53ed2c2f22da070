//! The network map's coastline: Natural Earth's 1:50m coastline (public domain,
//! naturalearthdata.com), shipped as `assets/coastline/ne_50m_coastline.bin` (built by
//! `scripts/coastline.R`, which documents the format), drawn as light land under the
//! routes, nodes and footprints.

use super::{BBox, Chart, Proj, Res, err};
use plotters::prelude::*;

/// The embedded coastline (about 100 kB; source and version in `assets/coastline/`).
static COASTLINE: &[u8] = include_bytes!("../../../assets/coastline/ne_50m_coastline.bin");

const LAND: RGBColor = RGBColor(243, 241, 235);
const COAST: RGBColor = RGBColor(160, 165, 172);

/// What a line of the coastline bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// Not closed (Antarctica, cut at ±180°): drawn, not filled.
    Open,
    /// A closed ring of coast around land.
    Ring,
    /// Land closed along the ±180° meridian (Eurasia, Chukotka): filled as a ring, its
    /// closing edge on the meridian not drawn as coast.
    Seam,
    /// A closed ring of coast around water inside land (the Caspian Sea).
    Water,
}

/// A line of the coastline: (lat, lon) in degrees.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Line {
    pub kind: Kind,
    pub pts: Vec<(f64, f64)>,
}

/// The embedded coastline, decoded once.
pub(super) fn coastline() -> &'static [Line] {
    static LINES: std::sync::OnceLock<Vec<Line>> = std::sync::OnceLock::new();
    // The file is part of the build; a bad one fails the unit tests, not a report.
    LINES.get_or_init(|| decode(COASTLINE).unwrap_or_default())
}

/// Decodes the format that `scripts/coastline.R` writes.
pub(super) fn decode(bytes: &[u8]) -> Result<Vec<Line>, String> {
    let body = bytes
        .strip_prefix(b"TSCOAST1")
        .ok_or("not a coastline file (no TSCOAST1 header)")?;
    let mut at = 0usize;
    let mut varint = || -> Result<u64, String> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = *body.get(at).ok_or("the coastline file ends early")?;
            at += 1;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err("a number in the coastline file is too long".into())
    };
    let units = varint()? as f64;
    if units <= 0.0 {
        return Err("the coastline file has no unit".into());
    }
    let count = varint()?;
    let mut lines = Vec::with_capacity(count.min(1 << 16) as usize);
    for _ in 0..count {
        let kind = match varint()? {
            0 => Kind::Open,
            1 => Kind::Ring,
            2 => Kind::Seam,
            3 => Kind::Water,
            k => return Err(format!("unknown kind {k} of coastline line")),
        };
        let n = varint()?;
        let (mut lon, mut lat) = (0i64, 0i64);
        let mut pts = Vec::with_capacity(n.min(1 << 20) as usize);
        for _ in 0..n {
            let zigzag = |v: u64| (v >> 1) as i64 ^ -((v & 1) as i64);
            lon += zigzag(varint()?);
            lat += zigzag(varint()?);
            let p = (lat as f64 / units, lon as f64 / units);
            if p.0.abs() > 90.0 || p.1.abs() > 180.0 {
                return Err(format!("coastline point {p:?} is off the globe"));
            }
            pts.push(p);
        }
        lines.push(Line { kind, pts });
    }
    if at != body.len() {
        return Err("the coastline file has bytes after its last line".into());
    }
    Ok(lines)
}

/// A line projected, each longitude moved by whole turns to within 180° of the one
/// before it (so no segment jumps across the map where the projection's seam cuts the
/// line: ±180°, or Greenwich when the map is shifted across the Pacific), and its box.
pub(super) fn project(proj: &Proj, line: &Line) -> (Vec<(f64, f64)>, Option<BBox>) {
    let mut out: Vec<(f64, f64)> = Vec::with_capacity(line.pts.len());
    for &(lat, lon) in &line.pts {
        let (mut x, y) = proj.xy(lat, lon);
        if let Some(&(px, _)) = out.last() {
            x -= 360.0 * ((x - px) / 360.0).round();
        }
        out.push((x, y));
    }
    let b = BBox::of(out.iter().copied());
    (out, b)
}

fn overlaps(a: &BBox, b: &BBox) -> bool {
    a.x0 <= b.x1 && b.x0 <= a.x1 && a.y0 <= b.y1 && b.y0 <= a.y1
}

/// Drops points less than `px` pixels from the last one kept (`sx`, `sy`: pixels per
/// unit of x and y); keeps the last point.
fn thin(pts: &[(f64, f64)], sx: f64, sy: f64, px: f64) -> Vec<(f64, f64)> {
    let mut out: Vec<(f64, f64)> = Vec::with_capacity(pts.len());
    for (i, &p) in pts.iter().enumerate() {
        let keep = match out.last() {
            None => true,
            Some(&q) => i + 1 == pts.len() || ((p.0 - q.0) * sx).hypot((p.1 - q.1) * sy) >= px,
        };
        if keep {
            out.push(p);
        }
    }
    out
}

/// Draws the land and its coast inside `bb`: every line whose box meets the panel, at
/// each whole turn of longitude where it does, thinned to points 2 pixels apart, cut to
/// the box.
pub(super) fn draw<DB: DrawingBackend>(chart: &mut Chart<'_, DB>, proj: &Proj, bb: &BBox) -> Res {
    let (xr, yr) = chart.plotting_area().get_pixel_range();
    let sx = f64::from((xr.end - xr.start).max(1)) / bb.w().max(1e-9);
    let sy = f64::from((yr.end - yr.start).max(1)) / bb.h().max(1e-9);
    let mut fills: Vec<(Vec<(f64, f64)>, RGBColor)> = Vec::new();
    let mut coasts: Vec<Vec<(f64, f64)>> = Vec::new();
    for line in coastline() {
        let (pts, Some(b)) = project(proj, line) else {
            continue;
        };
        for turn in [-360.0, 0.0, 360.0] {
            let moved = BBox {
                x0: b.x0 + turn,
                x1: b.x1 + turn,
                ..b
            };
            // Islands of under 3 pixels are left out.
            if !overlaps(&moved, bb) || (b.w() * sx < 3.0 && b.h() * sy < 3.0) {
                continue;
            }
            let pts: Vec<(f64, f64)> = pts.iter().map(|&(x, y)| (x + turn, y)).collect();
            let mut pts = thin(&pts, sx, sy, 2.0);
            // A ring that winds round the pole does not close after unwrapping: no fill.
            let closes = pts.len() > 2 && (pts[0].0 - pts[pts.len() - 1].0).abs() < 180.0;
            if line.kind != Kind::Open && closes {
                let cut = bb.clip_polygon(&pts);
                if cut.len() > 2 {
                    let colour = if line.kind == Kind::Water {
                        super::map::SEA
                    } else {
                        LAND
                    };
                    fills.push((cut, colour));
                }
            }
            if matches!(line.kind, Kind::Ring | Kind::Water) {
                pts.push(pts[0]);
            }
            // The coast as runs of joined segments inside the box.
            let mut run: Vec<(f64, f64)> = Vec::new();
            for seg in pts.windows(2) {
                match bb.clip(seg[0], seg[1]) {
                    Some((a, c)) => {
                        if run.last() != Some(&a) {
                            if run.len() > 1 {
                                coasts.push(std::mem::take(&mut run));
                            }
                            run.clear();
                            run.push(a);
                        }
                        run.push(c);
                    }
                    None => {
                        if run.len() > 1 {
                            coasts.push(std::mem::take(&mut run));
                        }
                        run.clear();
                    }
                }
            }
            if run.len() > 1 {
                coasts.push(run);
            }
        }
    }
    chart
        .draw_series(fills.into_iter().map(|(p, c)| Polygon::new(p, c.filled())))
        .map_err(err)?;
    chart
        .draw_series(
            coasts
                .into_iter()
                .map(|p| PathElement::new(p, COAST.stroke_width(1))),
        )
        .map_err(err)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The distance in km from (lat, lon) to the nearest coastline point.
    fn nearest_km(lat: f64, lon: f64) -> f64 {
        coastline()
            .iter()
            .flat_map(|l| l.pts.iter())
            .map(|&(a, b)| {
                let (p1, p2) = (lat.to_radians(), a.to_radians());
                let dl = (b - lon).to_radians();
                let c = p1.sin() * p2.sin() + p1.cos() * p2.cos() * dl.cos();
                6371.0 * c.clamp(-1.0, 1.0).acos()
            })
            .fold(f64::INFINITY, f64::min)
    }

    #[test]
    fn the_embedded_coastline_parses() {
        let lines = decode(COASTLINE).unwrap();
        assert_eq!(lines.len(), coastline().len());
        assert!(lines.len() > 1000, "{} lines", lines.len());
        let points: usize = lines.iter().map(|l| l.pts.len()).sum();
        assert!(points > 30_000, "{points} points");
        for k in [Kind::Open, Kind::Ring, Kind::Seam, Kind::Water] {
            assert!(lines.iter().any(|l| l.kind == k), "no {k:?} line");
        }
        assert!(decode(b"TSCOAST1\x64\x01\x01\x05").is_err());
        assert!(decode(b"not a coastline").is_err());
    }

    #[test]
    fn the_coastline_runs_past_the_ports_and_not_across_the_pacific() {
        // Ports of the scenarios: Tokyo, Kobe, Sendai, Niigata, Los Angeles, Seattle,
        // Oakland, New York, Savannah.
        for (lat, lon) in [
            (35.62, 139.78),
            (34.68, 135.20),
            (38.27, 141.02),
            (37.95, 139.06),
            (33.74, -118.26),
            (47.58, -122.35),
            (37.80, -122.30),
            (40.67, -74.04),
            (32.08, -81.09),
        ] {
            let d = nearest_km(lat, lon);
            assert!(d < 25.0, "({lat}, {lon}) is {d:.0} km from the coast");
        }
        // The middle of the North Pacific, and of the Atlantic.
        assert!(nearest_km(30.0, -150.0) > 1000.0);
        assert!(nearest_km(35.0, -40.0) > 500.0);
    }

    #[test]
    fn coast_across_the_pacific_is_unwrapped_not_drawn_across_the_map() {
        let proj = Proj::fit(&[(35.6, 139.8), (33.7, -118.3)]);
        assert!(proj.shift);
        let mut honshu = false;
        for line in coastline() {
            let (pts, b) = project(&proj, line);
            assert!(pts.windows(2).all(|s| (s[1].0 - s[0].0).abs() < 180.0));
            let b = b.unwrap();
            // Honshu: round Tokyo, in the map's frame.
            if b.contains(proj.xy(35.6, 139.8)) && b.w() < 15.0 {
                honshu = true;
                assert!(b.x0 > 129.0 && b.x1 < 143.0, "{b:?}");
            }
            // Rings close; Eurasia, cut by the shifted map's seam at Greenwich, too.
            if line.kind != Kind::Open {
                let (a, z) = (pts[0], pts[pts.len() - 1]);
                assert!((a.0 - z.0).abs() < 180.0, "{:?}: {a:?} to {z:?}", line.kind);
            }
        }
        assert!(honshu);
    }

    #[test]
    fn thinning_keeps_the_ends() {
        let pts: Vec<(f64, f64)> = (0..=100).map(|i| (i as f64 * 0.01, 0.0)).collect();
        let t = thin(&pts, 100.0, 100.0, 1.5);
        assert_eq!(t.first(), pts.first());
        assert_eq!(t.last(), pts.last());
        assert!(t.len() < 60, "{}", t.len());
    }
}
