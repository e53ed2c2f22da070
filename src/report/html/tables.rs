//! The strategy comparison (means with 95% CIs, customs, Kaplan–Meier recovery rows)
//! and the paired differences from the baseline.

use super::*;

/// A cell with no value.
pub(super) fn na_cell() -> Markup {
    html! { td class="num na" { "—" } }
}

/// A table cell: the mean, and the 95% CI below it.
pub(super) fn stat_cell(s: Option<StatView>, digits: usize, signed: bool) -> Markup {
    let Some(s) = s.filter(|s| s.n > 0) else {
        return na_cell();
    };
    let sign = |x: Option<f64>| {
        let t = fmt_num(x, digits);
        if signed && x.is_some_and(|v| v > 0.0) && t != fmt_num(Some(0.0), digits) {
            format!("+{t}")
        } else {
            t
        }
    };
    // A paired difference whose CI excludes zero is marked.
    let clear = signed
        && match (s.lo, s.hi) {
            (Some(lo), Some(hi)) => lo > 0.0 || hi < 0.0,
            _ => false,
        };
    html! {
        td class=(if clear { "num sig" } else { "num" }) {
            (sign(s.mean))
            @match (s.lo, s.hi) {
                (Some(lo), Some(hi)) => {
                    span class="ci" { "[" (sign(Some(lo))) ", " (sign(Some(hi))) "]" }
                }
                _ => { span class="ci" { "(one replication)" } }
            }
        }
    }
}

/// The columns of the strategy comparison: (heading, unit, path, digits).
pub(super) type Column = (&'static str, &'static str, At, usize);

/// Where a column's stat is in a strategy's results.
#[derive(Clone, Copy)]
pub(super) enum At {
    /// A system measure, by name (`measures.<name>`).
    Measure(&'static str),
    /// A measure of the system's recovery.
    Recovery(fn(&RecoveryScope) -> &StatSummary),
}

impl At {
    /// The stat of `strategy` at this place.
    pub(super) fn stat(self, data: &RunData, strategy: &str) -> Option<StatView> {
        match self {
            At::Measure(m) => data.measure(strategy, m),
            At::Recovery(f) => data.recovery(strategy, "system").map(|r| f(r).into()),
        }
    }
}

pub(super) const OVERALL: [Column; 4] = [
    (
        "deliveries",
        "shipments/day",
        At::Measure("deliveries_per_day"),
        1,
    ),
    ("WIP", "shipments", At::Measure("mean_wip"), 0),
    ("lead time", "days", At::Measure("lead_time_mean_days"), 2),
    (
        "lead time P90",
        "days",
        At::Measure("lead_time_p90_days"),
        2,
    ),
];

/// Customs rows of the comparison, each shown only where some strategy has a value other
/// than 0: the speed side (who is inspected) next to the security side (what is found).
pub(super) const CUSTOMS: [Column; 6] = [
    (
        "inspected: own members",
        "share of customs decisions",
        At::Measure("inspected_share_own_members"),
        3,
    ),
    (
        "inspected: partner members",
        "share of customs decisions",
        At::Measure("inspected_share_partner_members"),
        3,
    ),
    (
        "inspected: non-members",
        "share of customs decisions",
        At::Measure("inspected_share_non_members"),
        3,
    ),
    (
        "non-compliant found",
        "share of non-compliant shipments inspected",
        At::Measure("detection_rate"),
        3,
    ),
    (
        "revocation exposure",
        "trusted decisions after a revocation",
        At::Measure("revocation_exposure"),
        0,
    ),
    (
        "screened before departure",
        "shipments",
        At::Measure("screened_departures"),
        0,
    ),
];

/// Kaplan–Meier rows of the comparison: (heading, unit, scope, measure).
/// A Kaplan–Meier time of a recovery scope.
pub(super) type KmOf = fn(&RecoveryScope) -> &KmTime;

pub(super) const KM_ROWS: [(&str, &str, &str, KmOf); 4] = [
    ("time to recover", "days, KM median", "system", |r| {
        &r.ttr_days
    }),
    (
        "trusted cargo",
        "days to recover, KM median",
        "class.trusted",
        |r| &r.ttr_days,
    ),
    (
        "ordinary cargo",
        "days to recover, KM median",
        "class.ordinary",
        |r| &r.ttr_days,
    ),
    (
        "first return",
        "days to the band, KM median",
        "system",
        |r| &r.first_return_days,
    ),
];

pub(super) const RECOVERY: [Column; 2] = [
    (
        "resilience loss",
        "days",
        At::Recovery(|r| &r.resilience_loss_days),
        2,
    ),
    (
        "excess delay",
        "shipment-days",
        At::Recovery(|r| &r.excess_delay_shipment_days),
        0,
    ),
];

/// A Kaplan–Meier median cell: the median (or "not reached") and its 95% CI below.
pub(super) fn km_cell(v: Option<&KmTime>) -> Markup {
    let Some(v) = v.filter(|v| v.n > 0) else {
        return na_cell();
    };
    let day = |x: Option<f64>| match x {
        Some(d) => fmt_num(Some(d), 1),
        None => "–".into(),
    };
    let median = match v.km_median {
        Some(m) => fmt_num(Some(m), 1),
        None => "not reached".into(),
    };
    html! {
        td class="num" {
            (median)
            span class="ci" { "[" (day(v.km_median_ci95[0])) ", " (day(v.km_median_ci95[1])) "]" }
        }
    }
}

/// The `vs_baseline` key of a system measure's column.
pub(super) fn paired_key(at: At) -> Option<String> {
    match at {
        At::Measure(m) => Some(format!("system.{m}")),
        At::Recovery(_) => None,
    }
}

/// One row of a measure, with its heading and unit, per strategy (columns).
pub(super) fn measure_row(name: &str, unit: &str, cells: impl Iterator<Item = Markup>) -> Markup {
    html! {
        tr {
            th { (name) " " span class="unit" { (unit) } }
            @for c in cells { (c) }
        }
        "\n"
    }
}

/// A full-width sub-heading row.
pub(super) fn section_row(span: usize, text: &str) -> Markup {
    html! {
        tr class="section" { th colspan=(span + 1) { (text) } }
        "\n"
    }
}

/// The strategy comparison: means with their 95% CIs, per strategy (columns).
pub(super) fn comparison(data: &RunData) -> Markup {
    let recovery = data.has_recovery();
    let n = data.strategies.len();
    let rows = |cols: &[&Column]| -> Markup {
        html! {
            @for col in cols {
                (measure_row(col.0, col.1, data.strategies.iter().map(|s| {
                    stat_cell(col.2.stat(data, s), col.3, false)
                })))
            }
        }
    };
    let shown: Vec<&Column> = CUSTOMS
        .iter()
        .filter(|col| {
            data.strategies.iter().any(|s| {
                col.2
                    .stat(data, s)
                    .and_then(|v| v.mean)
                    .is_some_and(|m| m != 0.0)
            })
        })
        .collect();
    html! {
        h2 id="comparison" { "Strategies compared" } "\n"
        p {
            "Mean over the " (data.replications) " replications of each strategy, with the \
             95% confidence interval of the mean below it. Deliveries, WIP and lead times \
             cover the run after the warm-up."
            @if recovery {
                " The recovery figures count from the first disruption onset, over the \
                 replications with a disruption. A scope has recovered when it is back in its \
                 band and stays there for the hold time (or to the end of the run). A \
                 replication that has not recovered by the end is right-censored: times to \
                 recover are Kaplan–Meier medians with their 95% CI (“not reached” when more \
                 than half never recover), never means with the censored ones cut at the \
                 horizon; the restricted mean is the mean of the time capped at the shortest \
                 follow-up. Resilience loss and excess delay have bootstrap intervals, which \
                 stay within their bounds."
            }
        }
        "\n"
        div class="scroll" {
            table id="comparison-table" {
                "\n"
                tr {
                    th { "measure" }
                    @for (i, s) in data.strategies.iter().enumerate() {
                        th class="num" { (swatch(i)) (s) }
                    }
                }
                "\n"
                (section_row(n, "after the warm-up"))
                (rows(&OVERALL.iter().collect::<Vec<_>>()))
                @if !shown.is_empty() {
                    (section_row(n, "customs: inspections and security"))
                    (rows(&shown))
                }
                @if recovery { (recovery_rows(data)) }
            }
        }
        "\n"
    }
}

/// The comparison's rows of the recovery after the first onset.
fn recovery_rows(data: &RunData) -> Markup {
    let n = data.strategies.len();
    let censored = data.strategies.iter().map(|s| {
        let share = |scope: &str| {
            data.ttr(s, scope)
                .and_then(|v| v.censored_share)
                .map_or("—".to_string(), |x| format!("{:.0}%", 100.0 * x))
        };
        html! {
            td class="num" {
                (share("system")) " / " (share("class.trusted")) " / " (share("class.ordinary"))
            }
        }
    });
    let restricted = data.strategies.iter().map(|s| {
        let v = data.ttr(s, "system");
        stat_cell(
            Some(v.map_or_else(StatView::default, |v| StatView {
                n: v.n,
                mean: v.restricted_mean,
                lo: v.restricted_mean_ci95[0],
                hi: v.restricted_mean_ci95[1],
            })),
            1,
            false,
        )
    });
    let tau = data
        .strategies
        .first()
        .and_then(|s| data.ttr(s, "system"))
        .and_then(|v| v.restricted_to_days);
    let unit = format!("days, mean of min(time, {} d)", fmt_num(tau, 0));
    html! {
        (section_row(n, "recovery after the first onset"))
        @for (name, unit, scope, key) in KM_ROWS {
            (measure_row(name, unit, data.strategies.iter().map(|s| {
                km_cell(data.recovery(s, scope).map(key))
            })))
        }
        (measure_row("not recovered", "share censored: all / trusted / ordinary", censored))
        (measure_row("restricted mean time to recover", &unit, restricted))
        @for col in &RECOVERY {
            (measure_row(col.0, col.1, data.strategies.iter().map(|s| {
                stat_cell(col.2.stat(data, s), col.3, false)
            })))
        }
    }
}

/// The paired differences from the baseline, per strategy that has them (columns).
pub(super) fn paired(data: &RunData) -> Markup {
    let with_pairs: Vec<(usize, &String)> = data
        .strategies
        .iter()
        .enumerate()
        .filter(|(_, s)| {
            data.strategy(s)
                .is_some_and(|st| !st.vs_baseline.is_empty())
        })
        .collect();
    if with_pairs.is_empty() {
        return html! {
            h2 id="paired" { "Paired differences from the baseline" } "\n"
            p class="muted" {
                "No paired differences: this run has no " code { "baseline" } " strategy to \
                 compare with, or no other strategy."
            }
            "\n"
        };
    }
    let diff = |s: &str, at: At| {
        let key = paired_key(at)?;
        data.strategy(s)?.vs_baseline.get(&key).map(StatView::from)
    };
    html! {
        h2 id="paired" { "Paired differences from the baseline" } "\n"
        p {
            "Strategy − baseline, replication by replication: every strategy faces the same \
             demand and the same disruptions in a replication (common random numbers), so \
             these intervals are much tighter than the difference of the intervals above. \
             Below zero is better for every measure but deliveries. "
            b { "Bold" } ": the 95% CI excludes zero."
        }
        "\n"
        div class="scroll" {
            table id="paired-table" {
                "\n"
                tr {
                    th { "measure" }
                    @for (i, s) in &with_pairs {
                        th class="num" { (swatch(*i)) (s) " − baseline" }
                    }
                }
                "\n"
                (section_row(with_pairs.len(), "after the warm-up"))
                @for col in &OVERALL {
                    (measure_row(col.0, col.1, with_pairs.iter().map(|(_, s)| {
                        stat_cell(diff(s, col.2), col.3, true)
                    })))
                }
            }
        }
        "\n"
        @if data.has_recovery() {
            p {
                "The recovery measures' differences, with their verdicts, are in "
                a href="#recovery-differences" { "Recovery: differences from the baseline" }
                "."
            }
            "\n"
        }
    }
}
