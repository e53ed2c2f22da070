//! The map's geometry: the projection, degree labels, boxes and clipping (used by the
//! `network_map` plot and the coastline).

use super::*;

/// An equirectangular projection: x = longitude, y = latitude, drawn with a degree of
/// longitude `k` = cos(mid latitude) times as wide as a degree of latitude.
/// Longitudes west of Greenwich shift by +360° when that makes the network narrower
/// (a network across the Pacific, e.g. US–Japan, then is not split at the date line).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Proj {
    pub(super) shift: bool,
    pub(super) k: f64,
}

impl Proj {
    pub(super) fn new(data: &RunData) -> Proj {
        let mut pts: Vec<(f64, f64)> = data.network.nodes.iter().map(|n| (n.lat, n.lon)).collect();
        pts.extend(data.network.disruptions.iter().filter_map(|d| d.epicenter));
        Proj::fit(&pts)
    }

    pub(super) fn fit(pts: &[(f64, f64)]) -> Proj {
        let span = |shift: bool| {
            let lons = pts
                .iter()
                .map(|p| if shift && p.1 < 0.0 { p.1 + 360.0 } else { p.1 });
            let (lo, hi) = lons.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
                (a.min(x), b.max(x))
            });
            hi - lo
        };
        let shift = !pts.is_empty() && span(true) + 1e-9 < span(false);
        let (lo, hi) = pts
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| {
                (a.min(p.0), b.max(p.0))
            });
        let mid = if lo.is_finite() { (lo + hi) / 2.0 } else { 0.0 };
        Proj {
            shift,
            k: mid.to_radians().cos().max(0.2),
        }
    }

    pub(super) fn xy(&self, lat: f64, lon: f64) -> (f64, f64) {
        let lon = if self.shift && lon < 0.0 {
            lon + 360.0
        } else {
            lon
        };
        (lon, lat)
    }
}

/// Decimals for degree ticks over a `range` of degrees.
pub(super) fn degree_digits(range: f64) -> usize {
    if range < 2.0 {
        2
    } else if range < 12.0 {
        1
    } else {
        0
    }
}

/// A longitude tick: 140°E, 118°W, 180°.
pub(super) fn lon_label(lon: f64, digits: usize) -> String {
    let mut l = lon;
    while l > 180.0 {
        l -= 360.0;
    }
    while l <= -180.0 {
        l += 360.0;
    }
    let r = format!("{:.*}", digits, l.abs());
    let zero = r.parse::<f64>().unwrap_or(0.0);
    if zero == 0.0 || zero == 180.0 {
        format!("{r}°")
    } else if l > 0.0 {
        format!("{r}°E")
    } else {
        format!("{r}°W")
    }
}

/// A latitude tick: 35°N, 12°S.
pub(super) fn lat_label(lat: f64, digits: usize) -> String {
    let r = format!("{:.*}", digits, lat.abs());
    if r.parse::<f64>().unwrap_or(0.0) == 0.0 {
        format!("{r}°")
    } else if lat > 0.0 {
        format!("{r}°N")
    } else {
        format!("{r}°S")
    }
}

/// A box in projected coordinates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct BBox {
    pub(super) x0: f64,
    pub(super) x1: f64,
    pub(super) y0: f64,
    pub(super) y1: f64,
}

impl BBox {
    pub(super) fn of(pts: impl IntoIterator<Item = (f64, f64)>) -> Option<BBox> {
        let mut b: Option<BBox> = None;
        for (x, y) in pts {
            if !(x.is_finite() && y.is_finite()) {
                continue;
            }
            b = Some(match b {
                None => BBox {
                    x0: x,
                    x1: x,
                    y0: y,
                    y1: y,
                },
                Some(b) => BBox {
                    x0: b.x0.min(x),
                    x1: b.x1.max(x),
                    y0: b.y0.min(y),
                    y1: b.y1.max(y),
                },
            });
        }
        b
    }

    pub(super) fn w(&self) -> f64 {
        self.x1 - self.x0
    }

    pub(super) fn h(&self) -> f64 {
        self.y1 - self.y0
    }

    /// Grown by `frac` of its size on each side, and to at least `min` wide and high.
    pub(super) fn pad(self, frac: f64, min: f64) -> BBox {
        let dx = (self.w() * frac).max((min - self.w()) / 2.0).max(0.0);
        let dy = (self.h() * frac).max((min - self.h()) / 2.0).max(0.0);
        BBox {
            x0: self.x0 - dx,
            x1: self.x1 + dx,
            y0: self.y0 - dy,
            y1: self.y1 + dy,
        }
    }

    /// Grown to the aspect ratio of a `w` × `h` pixel area, a degree of longitude
    /// drawn `k` times as wide as one of latitude.
    pub(super) fn fit(self, w: f64, h: f64, k: f64) -> BBox {
        let want = w / h.max(1.0);
        let have = self.w() * k / self.h().max(1e-9);
        if have < want {
            let dx = (self.h() * want / k - self.w()) / 2.0;
            BBox {
                x0: self.x0 - dx,
                x1: self.x1 + dx,
                ..self
            }
        } else {
            let dy = (self.w() * k / want - self.h()) / 2.0;
            BBox {
                y0: self.y0 - dy,
                y1: self.y1 + dy,
                ..self
            }
        }
    }

    pub(super) fn contains(&self, p: (f64, f64)) -> bool {
        p.0 >= self.x0 && p.0 <= self.x1 && p.1 >= self.y0 && p.1 <= self.y1
    }

    /// The part of segment a–b inside the box (Liang–Barsky).
    pub(super) fn clip(&self, a: (f64, f64), b: (f64, f64)) -> Option<((f64, f64), (f64, f64))> {
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let (mut t0, mut t1) = (0.0f64, 1.0f64);
        for (p, q) in [
            (-dx, a.0 - self.x0),
            (dx, self.x1 - a.0),
            (-dy, a.1 - self.y0),
            (dy, self.y1 - a.1),
        ] {
            if p == 0.0 {
                if q < 0.0 {
                    return None;
                }
            } else {
                let r = q / p;
                if p < 0.0 {
                    t0 = t0.max(r);
                } else {
                    t1 = t1.min(r);
                }
            }
        }
        (t0 <= t1).then_some((
            (a.0 + t0 * dx, a.1 + t0 * dy),
            (a.0 + t1 * dx, a.1 + t1 * dy),
        ))
    }

    /// A polygon cut to the box (Sutherland–Hodgman).
    pub(super) fn clip_polygon(&self, poly: &[(f64, f64)]) -> Vec<(f64, f64)> {
        let mut out = poly.to_vec();
        type Inside = fn(&BBox, (f64, f64)) -> bool;
        type Cut = fn(&BBox, (f64, f64), (f64, f64)) -> (f64, f64);
        let edges: [(Inside, Cut); 4] = [
            (|b, p| p.0 >= b.x0, |b, p, q| cut_x(p, q, b.x0)),
            (|b, p| p.0 <= b.x1, |b, p, q| cut_x(p, q, b.x1)),
            (|b, p| p.1 >= b.y0, |b, p, q| cut_y(p, q, b.y0)),
            (|b, p| p.1 <= b.y1, |b, p, q| cut_y(p, q, b.y1)),
        ];
        for (inside, cut) in edges {
            let input = std::mem::take(&mut out);
            for (j, &p) in input.iter().enumerate() {
                let prev = input[(j + input.len() - 1) % input.len()];
                match (inside(self, prev), inside(self, p)) {
                    (true, true) => out.push(p),
                    (true, false) => out.push(cut(self, prev, p)),
                    (false, true) => {
                        out.push(cut(self, prev, p));
                        out.push(p);
                    }
                    (false, false) => {}
                }
            }
            if out.is_empty() {
                break;
            }
        }
        out
    }
}

pub(super) fn cut_x(p: (f64, f64), q: (f64, f64), x: f64) -> (f64, f64) {
    let t = (x - p.0) / (q.0 - p.0);
    (x, p.1 + t * (q.1 - p.1))
}

pub(super) fn cut_y(p: (f64, f64), q: (f64, f64), y: f64) -> (f64, f64) {
    let t = (y - p.1) / (q.1 - p.1);
    (p.0 + t * (q.0 - p.0), y)
}

/// A circle of `km` around (lat, lon), in projected coordinates (a spherical earth,
/// degrees of latitude of 111.2 km).
pub(super) fn footprint(proj: &Proj, lat: f64, lon: f64, km: f64) -> Vec<(f64, f64)> {
    let r = km / 111.195;
    let c = lat.to_radians().cos().max(0.05);
    (0..=96)
        .map(|k| {
            let t = k as f64 / 96.0 * std::f64::consts::TAU;
            proj.xy(lat + r * t.sin(), lon + r * t.cos() / c)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pacific_networks_are_not_split_at_the_date_line() {
        // Tokyo and Los Angeles: 139.8°E and 118.3°W are 102° apart across the Pacific.
        let p = Proj::fit(&[(35.6, 139.8), (33.7, -118.3)]);
        assert!(p.shift);
        let (a, b) = (p.xy(35.6, 139.8), p.xy(33.7, -118.3));
        assert!((b.0 - a.0 - 101.9).abs() < 1e-9);
        assert_eq!(lon_label(b.0, 0), "118°W");
        assert_eq!(lon_label(180.0, 0), "180°");
        assert_eq!(lon_label(139.75, 1), "139.8°E");
        assert_eq!(lat_label(-12.0, 0), "12°S");
        // Rotterdam and Shanghai: the short way is east of Greenwich, no shift.
        assert!(!Proj::fit(&[(51.9, 4.5), (31.2, 121.5)]).shift);
    }

    #[test]
    fn clipping() {
        let b = BBox {
            x0: 0.0,
            x1: 10.0,
            y0: 0.0,
            y1: 10.0,
        };
        assert_eq!(
            b.clip((-5.0, 5.0), (5.0, 5.0)),
            Some(((0.0, 5.0), (5.0, 5.0)))
        );
        assert_eq!(b.clip((-5.0, 20.0), (-1.0, 30.0)), None);
        let square = [(-5.0, -5.0), (5.0, -5.0), (5.0, 5.0), (-5.0, 5.0)];
        let cut = b.clip_polygon(&square);
        assert!(cut.iter().all(|p| b.contains(*p)), "{cut:?}");
        assert_eq!(cut.len(), 4);
    }
}
