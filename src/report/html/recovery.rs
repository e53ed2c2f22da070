//! Recovery differences from the baseline with their verdicts, the `target_ci` note,
//! the sensitivity grid and the ablation table.

use super::*;

/// The recovery differences from baseline with verdicts, the target and the sensitivity.
pub(super) fn recovery_differences(data: &RunData) -> Markup {
    let ablation = data.summary.ablation.is_some();
    let rows: Vec<(usize, &String, &DifferenceSummary)> = data
        .strategies
        .iter()
        .enumerate()
        // An ablation's own strategies have their table below.
        .filter(|(_, s)| !(ablation && crate::policy::is_ablation_name(s)))
        .flat_map(|(i, s)| data.recovery_vs_baseline(s).iter().map(move |d| (i, s, d)))
        .collect();
    if rows.is_empty() {
        return html! {};
    }
    html! {
        h2 id="recovery-differences" { "Recovery: differences from the baseline" } "\n"
        p {
            "Strategy − baseline over the same replications (" (data.summary.intervals.method)
            "). A time to recover is compared by its Kaplan–Meier median; where one median is \
             not reached it is taken at the follow-up, so the difference is a bound (“at \
             most”, “at least”); where neither is reached there is no median to compare and \
             the restricted mean is the figure to read. "
            b { "Bold" } ": resolved, the 95% interval excludes zero."
        }
        "\n"
        div class="scroll" {
            table id="recovery-differences-table" {
                "\n"
                tr {
                    th { "strategy" } th { "measure" }
                    th class="num" { "difference [95% CI]" } th { "verdict" }
                }
                "\n"
                @for (i, s, d) in rows {
                    tr {
                        td { (swatch(i)) (s) }
                        td { (measure_label(&d.measure)) }
                        (difference_cell(d))
                        td { (d.verdict) }
                    }
                    "\n"
                }
            }
        }
        "\n"
        (target(data))
        (sensitivity(data))
        (ablation_table(data))
    }
}

/// Which mechanism buys what: per measure, the whole, each mechanism alone and left out,
/// and the sums of the parts (summary.json `ablation`).
pub(super) fn ablation_table(data: &RunData) -> Markup {
    let Some(ablation) = &data.summary.ablation else {
        return html! {};
    };
    html! {
        h3 id="ablation" { "Which mechanism buys what" } "\n"
        p {
            "Each of joint business continuity's mechanisms measured two ways, over the \
             same replications: " i { "alone" } ", baseline with only that mechanism added \
             (baseline+m − baseline), and " i { "left out" } ", what joint loses without it \
             (joint − joint-m). Negative is better (faster recovery, less delay). Where the \
             mechanisms do not interact both ways agree and the parts sum to the whole; where \
             they differ, a mechanism works through another (recognition, for example, \
             matters only through priority and relief). "
            b { "Bold" } ": resolved, the 95% interval excludes zero."
        }
        "\n"
        div class="scroll" {
            table id="ablation-table" {
                "\n"
                tr {
                    th { "mechanism" }
                    th class="num" { "alone [95% CI]" } th class="num" { "left out [95% CI]" }
                }
                "\n"
                @for m in &ablation.measures {
                    @let digits = if m.label.starts_with("excess") { 0 } else { 1 };
                    tr class="section" { th colspan="3" { (m.label) ", system" } } "\n"
                    @if let Some(w) = &m.whole {
                        tr { td { "whole (joint − baseline)" } (difference_cell(w)) td {} } "\n"
                    }
                    @for name in &ablation.mechanisms {
                        @let cell = |part: Part| {
                            m.contributions
                                .iter()
                                .find(|c| c.mechanism == *name && c.part == part)
                                .map_or_else(na_cell, |c| difference_cell(&c.difference))
                        };
                        tr { td { (name) } (cell(Part::Alone)) (cell(Part::LeftOut)) } "\n"
                    }
                    tr {
                        td { "sum of the parts" }
                        td class="num" { (fmt_num(m.sum_alone.value(), digits)) }
                        td class="num" { (fmt_num(m.sum_left_out.value(), digits)) }
                    }
                    "\n"
                }
            }
        }
        "\n"
    }
}

/// A difference with its CI below, bold when resolved; "–" where neither median is reached.
pub(super) fn difference_cell(d: &DifferenceSummary) -> Markup {
    let bound = d.bound.as_deref();
    if bound == Some(NEITHER_REACHED) {
        return html! { td class="num na" { "–" span class="ci" { "neither median reached" } } };
    }
    let measure = d.measure.as_str();
    let digits = if measure.ends_with("excess_delay_shipment_days") {
        0
    } else if measure.ends_with("resilience_loss_days") {
        2
    } else {
        1
    };
    let signed = |v: Option<f64>| fmt_signed(v, digits);
    html! {
        td class=(if d.resolved { "num sig" } else { "num" }) {
            @if let Some(b) = bound { (b) " " }
            (signed(d.difference.value()))
            span class="ci" { "[" (signed(d.ci95[0].value())) ", " (signed(d.ci95[1].value())) "]" }
        }
    }
}

/// Whether a `target_ci` run met its target, as a note.
pub(super) fn target(data: &RunData) -> Markup {
    let Some(t) = &data.summary.target_ci else {
        return html! {};
    };
    html! {
        p class=(if t.met { "muted" } else { "note" }) id="target-ci" {
            b {
                (if t.met { "Precision target met." } else { "Precision target NOT met." })
            }
            " " (t.summary) " "
            span class="muted" { "(Checked " (t.checks) ".)" }
        }
        "\n"
    }
}

/// How the headline differences move with the tolerance and hold time.
pub(super) fn sensitivity(data: &RunData) -> Markup {
    let cells = &data.summary.sensitivity;
    if cells.is_empty() {
        return html! {};
    }
    let mut tolerances: Vec<f64> = cells.iter().map(|c| c.tolerance).collect();
    let mut holds: Vec<f64> = cells.iter().map(|c| c.hold_days).collect();
    for v in [&mut tolerances, &mut holds] {
        v.sort_by(f64::total_cmp);
        v.dedup();
    }
    let mut groups: Vec<(&String, &String)> = Vec::new();
    for c in cells {
        let key = (&c.strategy, &c.difference.measure);
        if !groups.contains(&key) {
            groups.push(key);
        }
    }
    let cell = |strategy: &str, measure: &str, tol: f64, hd: f64| {
        cells
            .iter()
            .find(|c| {
                c.strategy == strategy
                    && c.difference.measure == measure
                    && c.tolerance == tol
                    && c.hold_days == hd
            })
            .map_or_else(na_cell, |c| difference_cell(&c.difference))
    };
    html! {
        h3 id="sensitivity" { "Sensitivity of “recovered”" } "\n"
        p {
            "The difference of median times to recover from baseline, recomputed from the same \
             replications' series (no new simulation) with the band's tolerance and the hold \
             time halved and doubled. A conclusion that holds across the grid does not depend on \
             where the line for “recovered” is drawn. "
            b { "Bold" } ": resolved."
        }
        "\n"
        div class="scroll" {
            table id="sensitivity-table" {
                "\n"
                @for (strategy, measure) in &groups {
                    @let i = data.strategies.iter().position(|s| s == *strategy).unwrap_or(0);
                    tr class="section" {
                        th colspan=(holds.len() + 1) {
                            (swatch(i)) (strategy) " − baseline: " (measure_label(measure))
                        }
                    }
                    "\n"
                    tr {
                        th { "tolerance" }
                        @for hd in &holds { th class="num" { "hold " (fmt_num(Some(*hd), 0)) " d" } }
                    }
                    "\n"
                    @for tol in &tolerances {
                        tr {
                            td { (format!("{:.1}%", 100.0 * tol)) }
                            @for hd in &holds { (cell(strategy, measure, *tol, *hd)) }
                        }
                        "\n"
                    }
                }
            }
        }
        "\n"
    }
}
