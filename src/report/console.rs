//! The concise table that ends a run (`console_table`) and the text pieces it is made
//! of: means and Kaplan–Meier medians with their intervals, the recovery and ablation
//! tables, the `target_ci` sentence. Plain text, columns padded to the widest cell.

use crate::experiment::inference::{
    Difference, Estimate, NEITHER_REACHED, RecoveryAnalysis, TargetStatus, TimeToRecover,
};
use crate::experiment::{Outcome, stats::Stat};
use crate::measure::MeasureSchema;
use crate::scenario::Scenario;

/// `mean [lo, hi]` with `digits` decimals, or `mean` alone with one replication.
pub fn mean_ci(s: &Stat, digits: usize) -> String {
    if s.n == 0 {
        return "—".into();
    }
    if s.ci95[0].is_finite() {
        format!(
            "{:.d$} [{:.d$}, {:.d$}]",
            s.mean,
            s.ci95[0],
            s.ci95[1],
            d = digits
        )
    } else {
        format!("{:.d$}", s.mean, d = digits)
    }
}

/// The concise table that ends a run.
pub fn console_table(scenario: &Scenario, outcome: &Outcome) -> String {
    let mut out = String::new();
    let reps = outcome.aggregate.replications;
    out.push_str(&format!(
        "\n{} — {} replication{} × {} strateg{}, {:.0} days (warm-up {:.0}), seed {}\n",
        scenario.name,
        reps,
        if reps == 1 { "" } else { "s" },
        outcome.summaries.len(),
        if outcome.summaries.len() == 1 {
            "y"
        } else {
            "ies"
        },
        scenario.horizon,
        scenario.warmup,
        outcome.plan.seed
    ));
    out.push_str("mean [95% CI] over replications; times in days\n\n");
    let rows: Vec<[String; 5]> = outcome
        .summaries
        .iter()
        .map(|s| {
            let m = &s.measures;
            [
                scenario.strategies[s.strategy].name.clone(),
                mean_ci(&m[2], 1),
                mean_ci(&m[3], 0),
                mean_ci(&m[4], 2),
                mean_ci(&m[5], 2),
            ]
        })
        .collect();
    out.push_str(&table(
        &[
            "strategy",
            "deliveries/day",
            "WIP",
            "lead time",
            "lead time P90",
        ],
        &rows,
    ));
    if !scenario.disruptions.is_empty() {
        out.push_str(&recovery_table(scenario, outcome));
    }
    let reference = outcome
        .summaries
        .iter()
        .find(|s| scenario.strategies[s.strategy].name == crate::policy::Strategy::DEFAULTS)
        .or(outcome.summaries.first());
    if let Some(s) = reference {
        let mut nodes: Vec<(usize, f64)> = (0..scenario.nodes.len())
            .map(|i| (i, s.measures[MeasureSchema::node_offset(i) + 1].mean))
            .collect();
        nodes.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let shown = nodes.len().min(8);
        out.push_str(&format!(
            "\nbusiest nodes ({}{}):\n",
            scenario.strategies[s.strategy].name,
            if nodes.len() > shown {
                format!(", {shown} of {}", nodes.len())
            } else {
                String::new()
            }
        ));
        let rows: Vec<[String; 5]> = nodes[..shown]
            .iter()
            .map(|&(i, _)| {
                let o = MeasureSchema::node_offset(i);
                let m = &s.measures;
                [
                    scenario.nodes[i].id.clone(),
                    format!("{:.1}", m[o].mean),
                    format!("{:.3}", m[o + 1].mean),
                    format!("{:.3}", m[o + 2].mean),
                    format!("{:.2}", m[o + 3].mean),
                ]
            })
            .collect();
        out.push_str(&table(
            &[
                "node",
                "throughput/day",
                "utilisation",
                "wait (days)",
                "queue length",
            ],
            &rows,
        ));
    }
    out
}

/// A Kaplan–Meier median with its interval: `12.0 [10.0, 15.0]`, `not reached`, or with
/// an open upper end `40.0 [31.0, –]`.
pub fn median_ci(t: &TimeToRecover, digits: usize) -> String {
    if t.n == 0 {
        return "—".into();
    }
    let end = |x: Option<f64>| x.map_or("–".to_string(), |v| format!("{v:.digits$}"));
    match t.median {
        None => format!("not reached [{}, –]", end(t.median_ci95[0])),
        Some(m) => format!(
            "{m:.digits$} [{}, {}]",
            end(t.median_ci95[0]),
            end(t.median_ci95[1])
        ),
    }
}

/// An estimate with its interval: `2.08 [0.81, 4.96]` (ends that are not finite shown as –).
pub fn estimate_ci(e: &Estimate, digits: usize) -> String {
    if e.value.is_nan() {
        return "—".into();
    }
    let f = |v: f64| {
        if v.is_finite() {
            format!("{v:.digits$}")
        } else if v > 0.0 {
            "+inf".into()
        } else if v < 0.0 {
            "-inf".into()
        } else {
            "–".into()
        }
    };
    if e.ci95[0].is_nan() || e.ci95[1].is_nan() {
        return f(e.value);
    }
    format!("{} [{}, {}]", f(e.value), f(e.ci95[0]), f(e.ci95[1]))
}

/// A share as a whole percentage.
fn percent(x: f64) -> String {
    if x.is_nan() {
        "—".into()
    } else {
        format!("{:.0}%", 100.0 * x)
    }
}

/// The recovery comparison: a row per strategy, then each strategy's differences from
/// baseline with their verdicts, then the target's outcome.
fn recovery_table(scenario: &Scenario, outcome: &Outcome) -> String {
    let nc = scenario.countries.len();
    let a = &outcome.analysis;
    let rows: Vec<[String; 7]> = outcome
        .summaries
        .iter()
        .zip(&a.scopes)
        .map(|(s, sc)| {
            let (sys, tr, or) = (&sc[0], &sc[nc + 1], &sc[nc + 2]);
            [
                scenario.strategies[s.strategy].name.clone(),
                median_ci(&sys.ttr, 1),
                median_ci(&tr.ttr, 1),
                median_ci(&or.ttr, 1),
                median_ci(&sys.first_return, 1),
                format!(
                    "{} / {} / {}",
                    percent(sys.ttr.censored_share()),
                    percent(tr.ttr.censored_share()),
                    percent(or.ttr.censored_share())
                ),
                estimate_ci(&sys.resilience_loss, 2),
            ]
        })
        .collect();
    let occurred = &outcome.summaries.first().map(|s| s.measures[10]);
    let mut out = format!(
        "\nrecovery after the first onset: Kaplan–Meier median days [95% CI]; recovered = in band \
         for {:.0} days or to the horizon",
        scenario.hold_days.max(scenario.window_days)
    );
    if let Some(o) = occurred
        && o.n > 0
        && o.mean < 1.0
    {
        out.push_str(", over the replications with a disruption");
    }
    out.push_str(":\n");
    out.push_str(&table(
        &[
            "strategy",
            "time to recover",
            "trusted",
            "ordinary",
            "first return",
            "not recovered (all/trusted/ordinary)",
            "resilience loss",
        ],
        &rows,
    ));
    if !a.differences.is_empty() {
        let shown = [
            ("system", "ttr_days", "time to recover (median)", 1),
            (
                "class.trusted",
                "ttr_days",
                "trusted time to recover (median)",
                1,
            ),
            (
                "class.ordinary",
                "ttr_days",
                "ordinary time to recover (median)",
                1,
            ),
            (
                "system",
                "ttr_restricted_mean_days",
                "time to recover (restricted mean)",
                1,
            ),
            ("system", "first_return_days", "first return (median)", 1),
            (
                "system",
                "resilience_loss_days",
                "resilience loss (mean)",
                2,
            ),
            (
                "system",
                "excess_delay_shipment_days",
                "excess shipment-days (mean)",
                0,
            ),
        ];
        let rows: Vec<[String; 4]> = a
            .differences
            .iter()
            // An ablation's own strategies are shown in its table below.
            .filter(|d| {
                a.ablation.is_empty()
                    || !crate::policy::is_ablation_name(&scenario.strategies[d.strategy].name)
            })
            .filter_map(|d| {
                let (_, _, label, digits) = shown
                    .iter()
                    .find(|(sc, m, _, _)| *sc == d.scope && *m == d.measure)?;
                let value = match d.bound {
                    Some(NEITHER_REACHED) => "–".to_string(),
                    Some(side) => format!("{side} {}", estimate_ci(&d.estimate, *digits)),
                    None => estimate_ci(&d.estimate, *digits),
                };
                Some([
                    scenario.strategies[d.strategy].name.clone(),
                    (*label).to_string(),
                    value,
                    d.verdict(),
                ])
            })
            .collect();
        out.push_str(&format!(
            "\ndifference from baseline, paired over the same replications ({}):\n",
            if a.bootstrap {
                format!(
                    "bootstrap 95% CI, {} resamples",
                    crate::experiment::inference::RESAMPLES
                )
            } else {
                "large-sample 95% CI".to_string()
            }
        ));
        out.push_str(&table(
            &["strategy", "measure", "difference [95% CI]", "verdict"],
            &rows,
        ));
    }
    if !a.ablation.is_empty() {
        out.push_str(&ablation_table(scenario, a));
    }
    if let Some(t) = &a.target {
        out.push_str(&format!("\n{}\n", target_line(scenario, t)));
    }
    out
}

/// The ablation's table: per measure, the whole (joint − baseline), each mechanism alone
/// and left out with its verdict, and the sums of the parts.
fn ablation_table(scenario: &Scenario, a: &RecoveryAnalysis) -> String {
    use crate::experiment::inference::{ABLATION_MEASURES, AblationPart};
    let joint = scenario.strategy_index("joint");
    let cell = |d: &Difference, digits: usize| -> [String; 2] {
        let v = match d.bound {
            Some(NEITHER_REACHED) => "–".to_string(),
            Some(side) => format!("{side} {}", estimate_ci(&d.estimate, digits)),
            None => estimate_ci(&d.estimate, digits),
        };
        let verdict = if d.resolved() {
            "resolved".to_string()
        } else {
            format!("not resolved (n = {})", d.n)
        };
        [v, verdict]
    };
    let mut rows: Vec<[String; 6]> = Vec::new();
    for (measure, label) in ABLATION_MEASURES {
        let digits = if measure.starts_with("excess") { 0 } else { 1 };
        if let Some(w) = a
            .differences
            .iter()
            .find(|d| Some(d.strategy) == joint && d.scope == "system" && d.measure == measure)
        {
            let [v, verdict] = cell(w, digits);
            rows.push([
                label.to_string(),
                "whole (joint − baseline)".into(),
                v,
                verdict,
                String::new(),
                String::new(),
            ]);
        }
        let mut sums = [0.0f64; 2];
        let mut counts = [0usize; 2];
        for m in crate::policy::Mechanism::ALL {
            let find = |p: AblationPart| {
                a.ablation
                    .iter()
                    .find(|c| c.mechanism == m && c.part == p && c.difference.measure == measure)
            };
            let (alone, left) = (find(AblationPart::Alone), find(AblationPart::LeftOut));
            if alone.is_none() && left.is_none() {
                continue;
            }
            let mut row = [
                label.to_string(),
                m.name().to_string(),
                "".into(),
                "".into(),
                "".into(),
                "".into(),
            ];
            for (k, c) in [alone, left].into_iter().enumerate() {
                if let Some(c) = c {
                    let [v, verdict] = cell(&c.difference, digits);
                    row[2 + 2 * k] = v;
                    row[3 + 2 * k] = verdict;
                    sums[k] += c.difference.estimate.value;
                    counts[k] += 1;
                }
            }
            rows.push(row);
        }
        let n = crate::policy::Mechanism::ALL.len();
        let sum = |k: usize| {
            if counts[k] == n && sums[k].is_finite() {
                format!("{:.digits$}", sums[k])
            } else {
                String::new()
            }
        };
        rows.push([
            label.to_string(),
            "sum of the parts".into(),
            sum(0),
            String::new(),
            sum(1),
            String::new(),
        ]);
    }
    let mut out = String::from(
        "\nwhich mechanism buys what (system; alone = baseline+m − baseline, left out = joint − joint-m; paired 95% CI; the parts sum to the whole only where the mechanisms do not interact):\n",
    );
    out.push_str(&table(
        &[
            "measure",
            "mechanism",
            "alone [95% CI]",
            "verdict",
            "left out [95% CI]",
            "verdict",
        ],
        &rows,
    ));
    out
}

/// One sentence on a `target_ci` run: met at n, or not met at the cap, and for what.
pub fn target_line(scenario: &Scenario, t: &TargetStatus) -> String {
    let what = t.target.measures.join(", ");
    let worst = t
        .checked
        .iter()
        .map(|(d, hw)| {
            format!(
                "{} − baseline {}: ±{}{}",
                scenario.strategies[d.strategy].name,
                d.name(),
                if hw.is_finite() {
                    format!("{hw:.2}")
                } else {
                    "inf".into()
                },
                if d.resolved() { "" } else { " (not resolved)" }
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let goal = match t.target.half_width {
        crate::scenario::HalfWidth::Relative(_) => format!(
            "resolved with a half-width ≤ {} of the difference",
            t.target.half_width
        ),
        crate::scenario::HalfWidth::Absolute(_) => {
            format!("half-width ≤ {} days", t.target.half_width)
        }
    };
    if t.met {
        format!(
            "target met: {goal} for {what} after {} replications (cap {}; intervals at the adjusted level); {worst}",
            t.replications, t.cap
        )
    } else {
        format!(
            "target NOT met: {goal} for {what} not reached by the cap of {} replications; {worst}",
            t.cap
        )
    }
}

/// A plain text table with columns padded to their widest cell.
pub fn table<const N: usize>(header: &[&str; N], rows: &[[String; N]]) -> String {
    let mut width: [usize; N] = std::array::from_fn(|i| header[i].chars().count());
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            width[i] = width[i].max(c.chars().count());
        }
    }
    let line = |cells: Vec<String>| {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            let pad = width[i] - c.chars().count();
            if i == 0 {
                s.push_str(c);
                s.push_str(&" ".repeat(pad));
            } else {
                s.push_str("  ");
                s.push_str(&" ".repeat(pad));
                s.push_str(c);
            }
        }
        s.push('\n');
        s
    };
    let mut out = line(header.iter().map(|h| h.to_string()).collect());
    out.push_str(&line(width.iter().map(|w| "-".repeat(*w)).collect()));
    for r in rows {
        out.push_str(&line(r.to_vec()));
    }
    out
}
