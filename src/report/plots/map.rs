//! The `network_map` plot: ports at their coordinates, routes, capacity lost at the
//! onset, earthquake footprints and closures, with an enlarged detail panel.

use super::geo::{degree_digits, footprint, lat_label, lon_label};
use super::*;

/// Each earthquake with an epicentre: (lat, lon, footprint km, magnitude).
pub(super) fn quakes(data: &RunData) -> Vec<(f64, f64, f64, Option<f64>)> {
    data.network
        .disruptions
        .iter()
        .filter_map(|d| {
            d.epicenter.map(|(lat, lon)| {
                (
                    lat,
                    lon,
                    d.footprint_km.unwrap_or(0.0).max(0.0),
                    d.magnitude,
                )
            })
        })
        .collect()
}

pub(super) fn network_box(data: &RunData, proj: &Proj) -> Option<BBox> {
    let mut pts: Vec<(f64, f64)> = data
        .network
        .nodes
        .iter()
        .map(|n| proj.xy(n.lat, n.lon))
        .collect();
    for (lat, lon, km, _) in quakes(data) {
        pts.extend(footprint(proj, lat, lon, km.min(1500.0)));
    }
    BBox::of(pts)
}

/// The box of the earthquakes' footprints, when it is small beside the whole network
/// (then the map adds an enlarged panel of it).
pub(super) fn detail_box(data: &RunData, proj: &Proj) -> Option<BBox> {
    let q = quakes(data);
    if q.is_empty() {
        return None;
    }
    let mut pts: Vec<(f64, f64)> = Vec::new();
    for &(lat, lon, km, _) in &q {
        pts.extend(footprint(proj, lat, lon, km.max(50.0)));
    }
    let fp = BBox::of(pts)?;
    // The damaged or nearby nodes.
    let near = BBox::of(
        data.network
            .nodes
            .iter()
            .map(|n| proj.xy(n.lat, n.lon))
            .filter(|p| fp.pad(0.15, 0.0).contains(*p))
            .chain([(fp.x0, fp.y0), (fp.x1, fp.y1)]),
    )?;
    let whole = network_box(data, proj)?;
    (near.w() < 0.4 * whole.w() && near.h() < 0.8 * whole.h().max(near.h() + 1e-9)
        || near.w() < 0.25 * whole.w())
    .then(|| near.pad(0.08, 2.0))
}

/// Capacity lost (0–1) as a colour: pale yellow to dark red (ColorBrewer YlOrRd).
pub(super) fn loss_colour(x: f64) -> RGBColor {
    const STOPS: [(f64, (f64, f64, f64)); 5] = [
        (0.0, (255.0, 255.0, 204.0)),
        (0.25, (254.0, 217.0, 118.0)),
        (0.5, (253.0, 141.0, 60.0)),
        (0.75, (227.0, 26.0, 28.0)),
        (1.0, (128.0, 0.0, 38.0)),
    ];
    let x = if x.is_finite() {
        x.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let k = STOPS.iter().position(|s| s.0 >= x).unwrap_or(4).max(1);
    let (a, b) = (STOPS[k - 1], STOPS[k]);
    let t = (x - a.0) / (b.0 - a.0);
    let mix = |p: f64, q: f64| (p + t * (q - p)).round() as u8;
    RGBColor(mix(a.1.0, b.1.0), mix(a.1.1, b.1.1), mix(a.1.2, b.1.2))
}

pub(super) fn route_colour(mode: &str) -> RGBColor {
    match mode {
        "air" => RGBColor(120, 160, 210),
        "road" | "rail" => RGBColor(150, 120, 90),
        _ => RGBColor(140, 150, 160),
    }
}

pub(super) const SEA: RGBColor = RGBColor(236, 243, 249);
pub(super) const CLOSED_ROUTE: RGBColor = RGBColor(150, 20, 60);

pub(super) fn draw_map<DB: DrawingBackend>(root: &Area<DB>, data: &RunData) -> Res {
    let proj = Proj::new(data);
    let Some(whole) = network_box(data, &proj) else {
        return Ok(());
    };
    let detail = detail_box(data, &proj);
    let disrupted = !data.network.disruptions.is_empty();
    let area = titled(
        root,
        if disrupted {
            "The network and the disruption"
        } else {
            "The network"
        },
        if disrupted {
            "nodes coloured by capacity lost at the first onset (mean over replications)"
        } else {
            "nodes at their coordinates; the scenario has no disruptions"
        },
    )?;
    let (w, h) = area.dim_in_pixel();
    let side_w = 250;
    let (maps, side) = area.split_horizontally(w.saturating_sub(side_w));
    if let Some(d) = detail {
        let (top, bottom) = maps.split_vertically(((h as f64) * 0.38) as u32);
        map_panel(
            root,
            &top,
            data,
            &proj,
            whole.pad(0.05, 2.0),
            "whole network",
            6,
            Some(d),
        )?;
        map_panel(
            root,
            &bottom,
            data,
            &proj,
            d,
            "enlarged: the earthquake's footprint",
            10,
            None,
        )?;
    } else {
        map_panel(root, &maps, data, &proj, whole.pad(0.06, 2.0), "", 9, None)?;
    }
    map_legend(&side, data)
}

#[allow(clippy::too_many_arguments)]
pub(super) fn map_panel<DB: DrawingBackend>(
    root: &Area<DB>,
    area: &Area<DB>,
    data: &RunData,
    proj: &Proj,
    bbox: BBox,
    title: &str,
    node_r: i32,
    inset: Option<BBox>,
) -> Res {
    let (w, h) = area.dim_in_pixel();
    let (margin, lx, ly, cap) = (
        12u32,
        40u32,
        70u32,
        if title.is_empty() { 0 } else { 34u32 },
    );
    let pw = w.saturating_sub(2 * margin + ly + 10) as f64;
    let ph = h.saturating_sub(2 * margin + lx + cap) as f64;
    let bb = bbox.fit(pw.max(10.0), ph.max(10.0), proj.k);
    let mut builder = ChartBuilder::on(area);
    builder
        .margin(margin)
        .margin_right(margin + 10)
        .x_label_area_size(lx)
        .y_label_area_size(ly);
    if !title.is_empty() {
        builder.caption(title, font(19));
    }
    let mut chart = builder
        .build_cartesian_2d(bb.x0..bb.x1, bb.y0..bb.y1)
        .map_err(err)?;
    chart.plotting_area().fill(&SEA).map_err(err)?;
    coast::draw(&mut chart, proj, &bb)?;
    chart
        .configure_mesh()
        .label_style(font(15))
        .light_line_style(RGBColor(226, 233, 240))
        .bold_line_style(RGBColor(210, 220, 230))
        .max_light_lines(1)
        .x_labels(9)
        .y_labels(6)
        .x_label_formatter(&|x| lon_label(*x, degree_digits(bb.w())))
        .y_label_formatter(&|y| lat_label(*y, degree_digits(bb.h())))
        .draw()
        .map_err(err)?;
    // Footprints.
    for (lat, lon, km, _) in quakes(data) {
        if km <= 0.0 {
            continue;
        }
        let ring = footprint(proj, lat, lon, km);
        let inside = bb.clip_polygon(&ring);
        if inside.len() > 2 {
            chart
                .draw_series(std::iter::once(Polygon::new(
                    inside,
                    QUAKE.mix(0.08).filled(),
                )))
                .map_err(err)?;
        }
        for seg in ring.windows(2) {
            if let Some((a, b)) = bb.clip(seg[0], seg[1]) {
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        vec![a, b],
                        QUAKE.stroke_width(2),
                    )))
                    .map_err(err)?;
            }
        }
    }
    // Routes, once per pair of nodes (closed if either direction is), closed ones dashed.
    let at = |id: &str| {
        data.network
            .nodes
            .iter()
            .find(|n| n.id == id)
            .map(|n| proj.xy(n.lat, n.lon))
    };
    let mut pairs: Vec<(&str, &str, &MapRoute, bool)> = Vec::new();
    for r in &data.network.routes {
        let (a, b) = (r.from.as_str(), r.to.as_str());
        let key = if a <= b { (a, b) } else { (b, a) };
        match pairs.iter_mut().find(|p| (p.0, p.1) == key) {
            Some(p) => p.3 |= r.closed,
            None => pairs.push((key.0, key.1, r, r.closed)),
        }
    }
    // Open routes first, closed ones on top.
    pairs.sort_by_key(|p| p.3);
    for (a, b, r, closed) in pairs {
        if let (Some(pa), Some(pb)) = (at(a), at(b))
            && let Some((ca, cb)) = bb.clip(pa, pb)
        {
            if closed {
                chart
                    .draw_series(std::iter::once(DashedPathElement::new(
                        vec![ca, cb],
                        9,
                        6,
                        CLOSED_ROUTE.stroke_width(2),
                    )))
                    .map_err(err)?;
            } else {
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        vec![ca, cb],
                        route_colour(&r.mode).mix(0.75).stroke_width(2),
                    )))
                    .map_err(err)?;
            }
        }
    }
    // The enlarged box.
    if let Some(d) = inset {
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(d.x0, d.y1), (d.x1, d.y0)],
                BLACK.stroke_width(2),
            )))
            .map_err(err)?;
        chart
            .draw_series(std::iter::once(
                EmptyElement::at((d.x1, d.y1))
                    + Text::new(
                        "enlarged below",
                        (6, 0),
                        font(15).pos(Pos::new(HPos::Left, VPos::Top)),
                    ),
            ))
            .map_err(err)?;
    }
    // Nodes, most damaged last (on top).
    let mut nodes: Vec<&MapNode> = data.network.nodes.iter().collect();
    nodes.sort_by(|a, b| {
        a.capacity_lost
            .unwrap_or(0.0)
            .total_cmp(&b.capacity_lost.unwrap_or(0.0))
    });
    let mut placed: Vec<(i32, i32, i32, i32)> = Vec::new();
    for n in &nodes {
        let p = proj.xy(n.lat, n.lon);
        if !bb.contains(p) {
            continue;
        }
        let (px, py) = chart.backend_coord(&p);
        let r = if n.closed { node_r + 7 } else { node_r + 1 };
        placed.push((px - r, py - r, px + r, py + r));
    }
    for n in &nodes {
        let p = proj.xy(n.lat, n.lon);
        if !bb.contains(p) {
            continue;
        }
        let fill = loss_colour(n.capacity_lost.unwrap_or(0.0));
        let e = EmptyElement::at(p)
            + Circle::new((0, 0), node_r, fill.filled())
            + Circle::new((0, 0), node_r, RGBColor(50, 50, 50).stroke_width(1));
        chart.draw_series(std::iter::once(e)).map_err(err)?;
        if n.closed {
            let ring = EmptyElement::at(p) + Circle::new((0, 0), node_r + 5, BLACK.stroke_width(3));
            chart.draw_series(std::iter::once(ring)).map_err(err)?;
        }
    }
    // Epicentres; with several quakes each star carries its magnitude.
    let qs = quakes(data);
    for &(lat, lon, _, mag) in &qs {
        let p = proj.xy(lat, lon);
        if !bb.contains(p) {
            continue;
        }
        let star = star_points(node_r + 8);
        let (px, py) = chart.backend_coord(&p);
        let r = node_r + 8;
        placed.push((px - r, py - r, px + r, py + r));
        chart
            .draw_series(std::iter::once(
                EmptyElement::at(p)
                    + Polygon::new(star.clone(), QUAKE.filled())
                    + PathElement::new(star, BLACK.stroke_width(1)),
            ))
            .map_err(err)?;
        if let (true, Some(m)) = (qs.len() > 1, mag) {
            let text = format!("M{m:.1}");
            let w = (text.chars().count() as f64 * 14.0 * 0.62) as i32 + 2;
            placed.push((px + r, py, px + r + w, py + r + 14));
            chart
                .draw_series(std::iter::once(
                    EmptyElement::at(p)
                        + Text::new(
                            text,
                            (r, r - 4),
                            (FAMILY, 14)
                                .into_font()
                                .color(&QUAKE)
                                .pos(Pos::new(HPos::Left, VPos::Center)),
                        ),
                ))
                .map_err(err)?;
        }
    }
    // Labels: node ids, placed where they overlap nothing drawn so far; inside an
    // enlarged box they are left to the enlarged panel.
    let size = if node_r >= 9 { 16 } else { 14 };
    for n in nodes.iter().rev() {
        let p = proj.xy(n.lat, n.lon);
        if !bb.contains(p) || inset.is_some_and(|d| d.contains(p)) {
            continue;
        }
        let (px, py) = chart.backend_coord(&p);
        let tw = (n.id.chars().count() as f64 * size as f64 * 0.62) as i32 + 2;
        let th = size as i32;
        let gap = if n.closed { node_r + 9 } else { node_r + 4 };
        let (xr, yr) = chart.plotting_area().get_pixel_range();
        // Beside the node first, then at its corners, then above and below it.
        let d = gap * 7 / 10;
        let candidates = [
            (px + gap, py - th / 2),
            (px - gap - tw, py - th / 2),
            (px + d, py - d - th),
            (px + d, py + d),
            (px - d - tw, py - d - th),
            (px - d - tw, py + d),
            (px - tw / 2, py - gap - th - 2),
            (px - tw / 2, py + gap + 2),
        ];
        let fits = |&(x, y): &(i32, i32)| {
            x >= xr.start
                && x + tw <= xr.end
                && y >= yr.start
                && y + th <= yr.end
                && !placed
                    .iter()
                    .any(|&(a, b, c, d)| x < c && x + tw > a && y < d && y + th > b)
        };
        let Some(&(x, y)) = candidates.iter().find(|c| fits(c)) else {
            continue;
        };
        placed.push((x, y, x + tw, y + th));
        // A pale box behind the label keeps it legible over routes.
        root.draw(&Rectangle::new(
            [(x - 2, y - 1), (x + tw, y + th + 1)],
            WHITE.mix(0.7).filled(),
        ))
        .map_err(err)?;
        root.draw(&Text::new(
            n.id.clone(),
            (x, y),
            font(size).pos(Pos::new(HPos::Left, VPos::Top)),
        ))
        .map_err(err)?;
    }
    Ok(())
}

/// A five-pointed star of outer radius `r`, in pixels around (0, 0).
pub(super) fn star_points(r: i32) -> Vec<(i32, i32)> {
    (0..10)
        .map(|k| {
            let rr = if k % 2 == 0 {
                r as f64
            } else {
                r as f64 * 0.45
            };
            let t = -std::f64::consts::FRAC_PI_2 + k as f64 * std::f64::consts::PI / 5.0;
            ((rr * t.cos()).round() as i32, (rr * t.sin()).round() as i32)
        })
        .collect()
}

/// The map's legend column: colour bar, symbols, route modes.
pub(super) fn map_legend<DB: DrawingBackend>(side: &Area<DB>, data: &RunData) -> Res {
    let x = 20;
    let mut y = 30;
    let draw_text =
        |s: &str, at: (i32, i32), style: TextStyle| side.draw_text(s, &style, at).map_err(err);
    // The colour bar, when there is a disruption to colour by.
    if !data.network.disruptions.is_empty() {
        draw_text("capacity lost", (x, y), font(18))?;
        draw_text("at the first onset", (x, y + 22), font(18))?;
        y += 56;
        let bar_h = 220;
        let bar_w = 28;
        for k in 0..bar_h {
            let v = 1.0 - k as f64 / (bar_h - 1) as f64;
            side.draw(&Rectangle::new(
                [(x, y + k), (x + bar_w, (y + k + 2).min(y + bar_h))],
                loss_colour(v).filled(),
            ))
            .map_err(err)?;
        }
        side.draw(&Rectangle::new(
            [(x, y), (x + bar_w, y + bar_h)],
            RGBColor(80, 80, 80).stroke_width(1),
        ))
        .map_err(err)?;
        for q in [0.0, 0.25, 0.5, 0.75, 1.0] {
            let ty = y + ((1.0 - q) * (bar_h - 1) as f64).round() as i32;
            side.draw(&PathElement::new(
                vec![(x + bar_w, ty), (x + bar_w + 6, ty)],
                BLACK.stroke_width(1),
            ))
            .map_err(err)?;
            draw_text(
                &format!("{:.0}%", 100.0 * q),
                (x + bar_w + 10, ty),
                font(16).pos(Pos::new(HPos::Left, VPos::Center)),
            )?;
        }
        y += bar_h + 40;
    }
    let sym_x = x + 14;
    let row = |label: &str, y: i32| {
        draw_text(
            label,
            (x + 40, y),
            font(16).pos(Pos::new(HPos::Left, VPos::Center)),
        )
    };
    let any_closed = data.network.nodes.iter().any(|n| n.closed);
    // A plain node.
    side.draw(
        &(EmptyElement::at((sym_x, y))
            + Circle::new((0, 0), 8, loss_colour(0.0).filled())
            + Circle::new((0, 0), 8, RGBColor(50, 50, 50).stroke_width(1))),
    )
    .map_err(err)?;
    row("node (port)", y)?;
    y += 34;
    if any_closed {
        side.draw(
            &(EmptyElement::at((sym_x, y))
                + Circle::new((0, 0), 8, loss_colour(1.0).filled())
                + Circle::new((0, 0), 13, BLACK.stroke_width(3))),
        )
        .map_err(err)?;
        row("closed by a disruption", y)?;
        y += 38;
    }
    let qs = quakes(data);
    if !qs.is_empty() {
        // One quake: its magnitude and footprint; several: their ranges (each star on
        // the map carries its own magnitude).
        let range = |v: Vec<f64>, digits: usize, unit: &str| {
            let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            if hi - lo < 0.5 * 10f64.powi(-(digits as i32)) {
                format!("{lo:.digits$}{unit}")
            } else {
                format!("{lo:.digits$}–{hi:.digits$}{unit}")
            }
        };
        let mags: Vec<f64> = qs.iter().filter_map(|q| q.3).collect();
        let kms: Vec<f64> = qs.iter().map(|q| q.2).collect();
        let star = star_points(14);
        side.draw(
            &(EmptyElement::at((sym_x, y))
                + Polygon::new(star.clone(), QUAKE.filled())
                + PathElement::new(star, BLACK.stroke_width(1))),
        )
        .map_err(err)?;
        let what = if qs.len() == 1 {
            "epicentre".to_string()
        } else {
            format!("{} epicentres", qs.len())
        };
        row(
            &if mags.is_empty() {
                what
            } else {
                format!("{what} (M{})", range(mags, 1, ""))
            },
            y,
        )?;
        y += 36;
        side.draw(
            &(EmptyElement::at((sym_x, y))
                + Circle::new((0, 0), 12, QUAKE.mix(0.08).filled())
                + Circle::new((0, 0), 12, QUAKE.stroke_width(2))),
        )
        .map_err(err)?;
        row(&format!("footprint, {}", range(kms, 0, " km")), y)?;
        y += 36;
    }
    let mut modes: Vec<&str> = data
        .network
        .routes
        .iter()
        .map(|r| r.mode.as_str())
        .collect();
    modes.sort_unstable();
    modes.dedup();
    let mut shown: Vec<&str> = Vec::new();
    for m in modes {
        let label = match m {
            "road" | "rail" => "road/rail route",
            "air" => "air route",
            _ => "sea route",
        };
        if shown.contains(&label) {
            continue;
        }
        shown.push(label);
        side.draw(&PathElement::new(
            vec![(sym_x - 14, y), (sym_x + 14, y)],
            route_colour(m).stroke_width(3),
        ))
        .map_err(err)?;
        row(label, y)?;
        y += 30;
    }
    if data.network.routes.iter().any(|r| r.closed) {
        side.draw(&DashedPathElement::new(
            vec![(sym_x - 14, y), (sym_x + 14, y)],
            8,
            5,
            CLOSED_ROUTE.stroke_width(3),
        ))
        .map_err(err)?;
        row("route closed", y)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loss_colours_run_from_pale_to_dark() {
        assert_eq!(loss_colour(0.0), RGBColor(255, 255, 204));
        assert_eq!(loss_colour(1.0), RGBColor(128, 0, 38));
        assert_eq!(loss_colour(f64::NAN), loss_colour(0.0));
        let mid = loss_colour(0.5);
        assert_eq!(mid, RGBColor(253, 141, 60));
    }
}
