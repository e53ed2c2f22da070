//! The report's answer in words: what was simulated, what each strategy changed
//! against the baseline and whether that is resolved at the n run, a warning when
//! the headline is not, and the limitations (summary.json `limitations`).

use super::{RunData, fmt_num, fmt_signed};
use crate::report::data::{DifferenceSummary, NEITHER_REACHED};
use maud::{Markup, html};

/// Below this many replications the summary warns that the intervals rest on few values.
pub const FEW_REPLICATIONS: u64 = 30;

/// The headline measure: the system's time to recover (Kaplan–Meier median).
const HEADLINE: &str = "recovery.system.ttr_days";

/// The measures the summary puts in words, with what they are about.
const SENTENCES: [(&str, &str, &str); 4] = [
    (HEADLINE, "the time to recover", "days"),
    (
        "recovery.system.excess_delay_shipment_days",
        "the excess delay",
        "shipment-days",
    ),
    (
        "recovery.class.trusted.ttr_days",
        "trusted cargo's time to recover",
        "days",
    ),
    (
        "recovery.class.ordinary.ttr_days",
        "ordinary cargo's time to recover",
        "days",
    ),
];

/// The strategies the summary compares with the baseline: not the reference itself,
/// and not an ablation's own variants (they have their table).
fn compared(data: &RunData) -> Vec<&String> {
    let reference = data.reference_strategy();
    data.strategies
        .iter()
        .filter(|s| s.as_str() != reference && !crate::policy::is_ablation_name(s))
        .collect()
}

/// The strategy whose system time to recover is the headline: `joint` if it ran,
/// else the last compared strategy (the ladder's top).
fn headline(data: &RunData) -> Option<&String> {
    let c = compared(data);
    c.iter()
        .find(|s| s.as_str() == "joint")
        .or(c.last())
        .copied()
}

/// A strategy's `recovery_vs_baseline` entry for `measure`.
fn difference<'a>(
    data: &'a RunData,
    strategy: &str,
    measure: &str,
) -> Option<&'a DifferenceSummary> {
    data.recovery_vs_baseline(strategy)
        .iter()
        .find(|d| d.measure == measure)
}

/// One difference in words, e.g. "shortened the time to recover by 8.5 days (95% CI
/// 6.0 to 20.5): resolved at n = 20".
fn sentence(d: &DifferenceSummary, what: &str, unit: &str) -> String {
    let digits = if unit == "days" { 1 } else { 0 };
    let x = d.difference.value();
    let (lo, hi) = (d.ci95[0].value(), d.ci95[1].value());
    let n = d.n;
    let bound = d.bound.as_deref();
    if bound == Some(NEITHER_REACHED) {
        return format!(
            "{what}: neither median is reached within the horizon, so there is no median to \
             compare (the restricted mean in the table below is the figure to read)"
        );
    }
    let bound = bound.map_or(String::new(), |b| format!("{b} "));
    let ci_text = format!(
        "95% CI of the difference {} to {}",
        fmt_signed(lo, digits),
        fmt_signed(hi, digits)
    );
    if d.resolved {
        let verb = match (x.unwrap_or(0.0) < 0.0, unit == "days") {
            (true, true) => "shortened",
            (false, true) => "lengthened",
            (true, false) => "lowered",
            (false, false) => "raised",
        };
        format!(
            "{verb} {what} by {bound}{} {unit} ({ci_text}): resolved at n = {n}",
            fmt_num(x.map(f64::abs), digits)
        )
    } else {
        format!(
            "changed {what} by {bound}{} {unit} ({ci_text}): not resolved at n = {n}, the \
             interval includes zero",
            fmt_signed(x, digits)
        )
    }
}

/// What was simulated, in one paragraph.
fn simulated(data: &RunData) -> Markup {
    let d = &data.network.disruptions;
    let ablation = data
        .strategies
        .iter()
        .any(|s| crate::policy::is_ablation_name(s));
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    html! {
        (data.replications) " replication" (plural(data.replications as usize)) " of "
        (fmt_num(Some(data.horizon), 0)) " simulated days of the network of "
        (data.network.nodes.len()) " nodes under "
        @if d.is_empty() {
            "no disruption"
        } @else {
            (d.len()) " disruption" (plural(d.len())) ": "
            @for (i, x) in d.iter().enumerate() {
                @if i > 0 { ", " }
                (x.id) " (" (x.kind.name())
                @if let Some(o) = x.mean_onset_day { ", day " (fmt_num(Some(o), 0)) }
                ")"
            }
        }
        "; strategies compared: "
        @for (i, s) in data
            .strategies
            .iter()
            .filter(|s| !crate::policy::is_ablation_name(s))
            .enumerate()
        {
            @if i > 0 { ", " }
            code { (s) }
        }
        @if ablation { " (and an ablation of the mechanisms, below)" }
        "."
    }
}

/// The baseline's own recovery, as the figure the differences are taken from.
fn reference_recovery(data: &RunData) -> Option<Markup> {
    let reference = data.reference_strategy();
    let ttr = data.ttr(reference, "system")?;
    let n = ttr.n;
    if n == 0 {
        return None;
    }
    let censored = ttr.censored;
    let median = match ttr.km_median {
        Some(m) => {
            let end = |i: usize| ttr.km_median_ci95[i];
            format!(
                "a median of {} days (95% CI {} to {})",
                fmt_num(Some(m), 1),
                fmt_num(end(0), 1),
                end(1).map_or("not reached".into(), |v| fmt_num(Some(v), 1))
            )
        }
        None => "no median within the horizon (more than half did not recover)".into(),
    };
    Some(html! {
        "Under " code { (reference) } " the network took " (median) " to recover"
        @if censored > 0 {
            "; " (censored) " of " (n) " replications had not recovered by the horizon and \
             are censored there"
        }
        "."
    })
}

/// The summary section, after the scenario's description.
pub fn summary(data: &RunData) -> Markup {
    let n = data.replications;
    let head = headline(data);
    let head_diff = head.and_then(|s| difference(data, s, HEADLINE));
    let mut warnings = Vec::new();
    if n < FEW_REPLICATIONS {
        warnings.push(html! {
            "Only " (n) " replication" (if n == 1 { "" } else { "s" }) " per strategy: the \
             intervals rest on few values. Run at least " (FEW_REPLICATIONS) " ("
            code { "--replications" } ", or " code { "--target-ci" } ") before citing these \
             figures."
        });
    }
    if let (Some(s), Some(d)) = (head, head_diff)
        && !d.resolved
    {
        warnings.push(html! {
            "The headline, " code { (s) } "'s change to the time to recover, is not resolved \
             at n = " (n) ": its 95% interval includes zero. Say “not resolved”, not “no \
             effect”; more replications narrow the interval."
        });
    }
    html! {
        section id="summary" {
            "\n"
            h2 { "Summary" } "\n"
            p { (simulated(data)) } "\n"
            @if !warnings.is_empty() {
                p class="note warning" id="summary-warning" {
                    b { "Too few replications for the headline." }
                    @for w in &warnings { " " (w) }
                }
                "\n"
            }
            @if !data.has_recovery() {
                p {
                    "No disruption happened in this run, so there is no recovery to compare; \
                     the tables below give the delays and throughput of normal times."
                }
                "\n"
            } @else {
                (compared_strategies(data))
            }
        }
        "\n"
    }
}

/// The baseline's recovery and, per compared strategy, its differences in words.
fn compared_strategies(data: &RunData) -> Markup {
    let compared = compared(data);
    html! {
        @if let Some(r) = reference_recovery(data) { p { (r) } "\n" }
        @if compared.is_empty() {
            p {
                "Only one strategy ran, so nothing is compared with it; run the scenario's \
                 other strategies (or " code { "--strategies" } ") to see what they change."
            }
            "\n"
        }
        @for s in compared {
            @let parts: Vec<String> = SENTENCES
                .iter()
                .filter_map(|(m, what, unit)| {
                    difference(data, s, m).map(|d| sentence(d, what, unit))
                })
                .collect();
            @if !parts.is_empty() {
                p class="strategy-summary" {
                    "Against " code { (data.reference_strategy()) } ", " code { (s) } ":"
                }
                "\n"
                ul {
                    "\n"
                    @for (i, p) in parts.iter().enumerate() {
                        li { (p) (if i + 1 == parts.len() { "." } else { ";" }) } "\n"
                    }
                }
                "\n"
            }
        }
    }
}

/// The limitations section, from summary.json `limitations`.
pub fn limitations(data: &RunData) -> Markup {
    let items = &data.summary.limitations;
    if items.is_empty() {
        return html! {};
    }
    html! {
        section id="limitations" {
            "\n"
            h2 { "Limitations" } "\n"
            p {
                "What these results do not show: the model's assumptions that bear on this run \
                 (docs/model.md), then the scenario's own."
            }
            "\n"
            ul {
                "\n"
                @for l in items {
                    @let source = l.source.as_str();
                    li class={ "limitation-" (source) } {
                        span class="muted" { (source) ":" } " " (l.text)
                    }
                    "\n"
                }
            }
            "\n"
        }
        "\n"
    }
}
