//! Shippers' `response` tables (the scenario's `[response]` and a flow's own): shares,
//! threshold and deferral, merged key by key.

use super::*;

/// Checks the shares, threshold and deferral of a `response` table where it is written.
pub(super) fn check_response(ck: &mut Checker, path: &KeyPath, r: &ResponseFile) {
    let mut sum = 0.0;
    for (key, v) in [("defer", r.defer), ("cancel", r.cancel), ("shift", r.shift)] {
        if let Some(v) = v {
            if !(0.0..=1.0).contains(&v) {
                ck.err(
                    &path.key(key),
                    format!("{key} is a share of the shippers who act, in [0, 1]; found {v}"),
                    None,
                );
            }
            sum += v;
        }
    }
    if sum > 1.0 + 1e-9 {
        ck.err(path, format!("defer + cancel + shift = {sum}, more than 1"), Some("the shares are fractions of the shippers above the threshold; the rest ship as booked".into()));
    }
    if let Some(t) = &r.threshold {
        for (key, d) in [("trusted", t.trusted), ("ordinary", t.ordinary)] {
            if !(d.0 >= 0.0 && d.0.is_finite()) {
                ck.err(
                    &path.key("threshold").key(key),
                    format!("a threshold is a delay ≥ 0 days, found {}", d.0),
                    None,
                );
            }
        }
    }
    if let Some(d) = r.defer_for
        && !(d.0 > 0.0 && d.0.is_finite())
    {
        ck.err(
            &path.key("defer_for"),
            format!("defer_for must be > 0 days, found {}", d.0),
            None,
        );
    }
}

/// A flow's shippers' response: its own `response` over the scenario's `[response]`
/// over the defaults, key by key; None if neither is written.
pub(super) fn shipper_response(
    ck: &mut Checker,
    path: &KeyPath,
    own: Option<&ResponseFile>,
    all: Option<&ResponseFile>,
) -> Option<Response> {
    if own.is_none() && all.is_none() {
        return None;
    }
    if let Some(r) = own {
        check_response(ck, path, r);
    }
    let pick = |f: fn(&ResponseFile) -> Option<f64>, default: f64| {
        own.and_then(f)
            .or_else(|| all.and_then(f))
            .unwrap_or(default)
    };
    let d = Response::DEFAULT;
    let threshold = own
        .and_then(|r| r.threshold.as_ref())
        .or_else(|| all.and_then(|r| r.threshold.as_ref()))
        .map_or(d.threshold, |t| [t.trusted.0, t.ordinary.0]);
    Some(Response {
        threshold,
        defer: pick(|r| r.defer, d.defer),
        cancel: pick(|r| r.cancel, d.cancel),
        shift: pick(|r| r.shift, d.shift),
        defer_for: pick(|r| r.defer_for.map(|x| x.0), d.defer_for),
    })
}
