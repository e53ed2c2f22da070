//! The `[scenario]` table: horizon, warm-up, replications, windows, memory budget and
//! the confidence target, each checked against its range.

use super::*;

/// The `[scenario]` table's numbers, checked (defaults filled in).
pub(super) struct Settings {
    pub horizon: f64,
    pub warmup: f64,
    pub replications: u64,
    pub teu: f64,
    pub baseline_days: f64,
    pub window_days: f64,
    pub review_days: f64,
    pub memory_budget: Option<u64>,
    pub tolerance: f64,
    pub hold_days: f64,
    pub target_ci: Option<TargetCi>,
}

/// Checks `[scenario]`; the names and strategies it refers to are checked with theirs.
pub(super) fn scenario_settings(ck: &mut Checker, raw: &ScenarioFile) -> Settings {
    let sc = &raw.scenario;
    let sp = KeyPath::root().key("scenario");

    // [scenario]
    if sc.name.is_empty()
        || !sc
            .name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        || sc.name.starts_with('.')
    {
        ck.err(
            &sp.key("name"),
            format!("`{}` cannot name an output folder", sc.name),
            Some("use letters, digits, `-`, `_` and `.` only".into()),
        );
    }
    let horizon = ck.positive(&sp.key("horizon"), sc.horizon.0, "horizon (days)");
    if horizon > MAX_HORIZON_DAYS {
        ck.err(
            &sp.key("horizon"),
            format!("horizon must be at most {MAX_HORIZON_DAYS} days, found {horizon}"),
            Some("a replication keeps daily series; split a longer study into replications".into()),
        );
    }
    let warmup = sc.warmup.map_or(0.0, |d| d.0);
    if !(warmup >= 0.0 && warmup < horizon) {
        ck.err(
            &sp.key("warmup"),
            format!(
                "warmup must be ≥ 0 and shorter than the horizon ({horizon} days), found {warmup}"
            ),
            None,
        );
    }
    let replications = sc.replications.unwrap_or(1);
    if replications == 0 {
        ck.err(
            &sp.key("replications"),
            "replications must be at least 1, found 0",
            None,
        );
    } else if replications > MAX_REPLICATIONS {
        ck.err(
            &sp.key("replications"),
            format!("replications must be at most {MAX_REPLICATIONS}, found {replications}"),
            Some("for a precision rather than a count, use target_ci with a cap".into()),
        );
    }
    let teu = sc.teu_per_shipment.unwrap_or(1.0);
    ck.positive(&sp.key("teu_per_shipment"), teu, "teu_per_shipment");
    let baseline_days = sc.baseline_days.map_or(28.0, |d| d.0);
    ck.positive(&sp.key("baseline_days"), baseline_days, "baseline_days");
    let window_days = sc.window_days.map_or(7.0, |d| d.0);
    if !(window_days >= 1.0 && window_days.fract() == 0.0) {
        ck.err(
            &sp.key("window_days"),
            format!("window_days must be a whole number of days ≥ 1, found {window_days}"),
            None,
        );
    }
    let review_days = sc.review_days.map_or(7.0, |d| d.0);
    if !(review_days >= 1.0 && review_days.fract() == 0.0 && review_days <= MAX_HORIZON_DAYS) {
        ck.err(
            &sp.key("review_days"),
            format!("review_days must be a whole number of days ≥ 1, found {review_days}"),
            Some("carriers review their port choice at day ends, every review_days days".into()),
        );
    }
    let memory_budget = sc.memory_budget.as_deref().and_then(|b| {
        crate::input::parse_bytes(b)
            .map_err(|e| {
                ck.err(
                    &sp.key("memory_budget"),
                    e,
                    Some("the memory the run's shipments may take, e.g. \"8GiB\"".into()),
                )
            })
            .ok()
    });
    let tolerance = sc.tolerance.unwrap_or(0.05);
    if !(0.0..1.0).contains(&tolerance) {
        ck.err(
            &sp.key("tolerance"),
            format!("tolerance must be in [0, 1), found {tolerance}"),
            None,
        );
    }
    let hold_days = sc.hold_days.map_or(28.0, |d| d.0);
    if !(hold_days >= 0.0 && hold_days.is_finite()) {
        ck.err(
            &sp.key("hold_days"),
            format!("hold_days must be a number of days ≥ 0, found {hold_days}"),
            Some("28 (four weeks) is the default; below window_days it is window_days".into()),
        );
    }
    let target_ci = sc.target_ci.as_ref().and_then(|t| {
        let tp = sp.key("target_ci");
        let half_width = match &t.half_width {
            crate::scenario::file::HalfWidthFile::Days(d) => {
                crate::scenario::HalfWidth::parse(&d.to_string())
            }
            crate::scenario::file::HalfWidthFile::Text(s) => crate::scenario::HalfWidth::parse(s),
        };
        let half_width = match half_width {
            Ok(h) => Some(h),
            Err(e) => {
                ck.err(&tp.key("half_width"), e, None);
                None
            }
        };
        let measures = t
            .measures
            .clone()
            .unwrap_or_else(|| vec!["recovery.system.ttr_days".into()]);
        if measures.is_empty() {
            ck.err(
                &tp.key("measures"),
                "measures is empty: name at least one, e.g. \"recovery.system.ttr_days\"",
                None,
            );
        }
        for (j, m) in measures.iter().enumerate() {
            if let Err(e) = crate::scenario::check_target_measure(
                m,
                raw.countries.iter().map(|c| c.code.as_str()),
            ) {
                ck.err(&tp.key("measures").index(j), e.0, Some(e.1));
            }
        }
        half_width.map(|half_width| crate::scenario::TargetCi {
            half_width,
            measures,
            strategies: t.strategies.clone().unwrap_or_default(),
        })
    });

    Settings {
        horizon,
        warmup,
        replications,
        teu,
        baseline_days,
        window_days,
        review_days,
        memory_budget,
        tolerance,
        hold_days,
        target_ci,
    }
}
