//! Recovery differences from the baseline with their verdicts, the `target_ci` note,
//! the sensitivity grid and the ablation table.

use super::*;

/// The recovery differences from baseline with verdicts, the target and the sensitivity.
pub(super) fn recovery_differences(h: &mut String, data: &RunData) {
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
        return;
    }
    h.push_str("<h2 id=\"recovery-differences\">Recovery: differences from the baseline</h2>\n");
    let method = &data.summary.intervals.method;
    let _ = writeln!(
        h,
        "<p>Strategy − baseline over the same replications ({}). A time to recover is \
         compared by its Kaplan–Meier median; where one median is not reached it is taken \
         at the follow-up, so the difference is a bound (“at most”, “at least”); where \
         neither is reached there is no median to compare and the restricted mean is the \
         figure to read. <b>Bold</b>: resolved, the 95% interval excludes zero.</p>",
        esc(method)
    );
    h.push_str(
        "<div class=\"scroll\"><table id=\"recovery-differences-table\">\n<tr><th>strategy</th>\
         <th>measure</th><th class=\"num\">difference [95% CI]</th><th>verdict</th></tr>\n",
    );
    for (i, s, d) in rows {
        let _ = writeln!(
            h,
            "<tr><td>{}{}</td><td>{}</td>{}<td>{}</td></tr>",
            swatch(i).0,
            esc(s),
            esc(&measure_label(&d.measure)),
            difference_cell(d),
            esc(&d.verdict)
        );
    }
    h.push_str("</table></div>\n");
    target(h, data);
    sensitivity(h, data);
    ablation_table(h, data);
}

/// Which mechanism buys what: per measure, the whole, each mechanism alone and left out,
/// and the sums of the parts (summary.json `ablation`).
pub(super) fn ablation_table(h: &mut String, data: &RunData) {
    let Some(ablation) = &data.summary.ablation else {
        return;
    };
    h.push_str("<h3 id=\"ablation\">Which mechanism buys what</h3>\n");
    h.push_str(
        "<p>Each of joint business continuity's mechanisms measured two ways, over the \
         same replications: <i>alone</i>, baseline with only that mechanism added \
         (baseline+m − baseline), and <i>left out</i>, what joint loses without it \
         (joint − joint-m). Negative is better (faster recovery, less delay). Where the \
         mechanisms do not interact both ways agree and the parts sum to the whole; where \
         they differ, a mechanism works through another (recognition, for example, \
         matters only through priority and relief). <b>Bold</b>: resolved, the 95% \
         interval excludes zero.</p>\n",
    );
    h.push_str(
        "<div class=\"scroll\"><table id=\"ablation-table\">\n<tr><th>mechanism</th>\
         <th class=\"num\">alone [95% CI]</th><th class=\"num\">left out [95% CI]</th></tr>\n",
    );
    for m in &ablation.measures {
        let label = m.label.as_str();
        let digits = if label.starts_with("excess") { 0 } else { 1 };
        let _ = writeln!(
            h,
            "<tr class=\"section\"><th colspan=\"3\">{}, system</th></tr>",
            esc(label)
        );
        if let Some(w) = &m.whole {
            let _ = writeln!(
                h,
                "<tr><td>whole (joint − baseline)</td>{}<td></td></tr>",
                difference_cell(w)
            );
        }
        for name in &ablation.mechanisms {
            let cell = |part: Part| {
                m.contributions
                    .iter()
                    .find(|c| c.mechanism == *name && c.part == part)
                    .map_or("<td class=\"num na\">—</td>".into(), |c| {
                        difference_cell(&c.difference)
                    })
            };
            let _ = writeln!(
                h,
                "<tr><td>{}</td>{}{}</tr>",
                esc(name),
                cell(Part::Alone),
                cell(Part::LeftOut)
            );
        }
        let _ = writeln!(
            h,
            "<tr><td>sum of the parts</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            fmt_num(m.sum_alone.value(), digits),
            fmt_num(m.sum_left_out.value(), digits)
        );
    }
    h.push_str("</table></div>\n");
}

/// "time to recover (KM median), system" from a difference's measure name.
pub(super) fn measure_label(name: &str) -> String {
    let rest = name.strip_prefix("recovery.").unwrap_or(name);
    let (scope, measure) = rest.rsplit_once('.').unwrap_or(("", rest));
    let what = match measure {
        "ttr_days" => "time to recover (KM median)",
        "ttr_restricted_mean_days" => "time to recover (restricted mean)",
        "first_return_days" => "first return (KM median)",
        "resilience_loss_days" => "resilience loss (mean)",
        "excess_delay_shipment_days" => "excess shipment-days (mean)",
        m => m,
    };
    let scope = match scope {
        "system" => "system".to_string(),
        "class.trusted" => "trusted cargo".into(),
        "class.ordinary" => "ordinary cargo".into(),
        s => s
            .strip_prefix("country.")
            .map_or(s.to_string(), |c| format!("cargo to {c}")),
    };
    format!("{what}, {scope}")
}

/// A difference with its CI below, bold when resolved; "–" where neither median is reached.
pub(super) fn difference_cell(d: &DifferenceSummary) -> String {
    let bound = d.bound.as_deref();
    if bound == Some(NEITHER_REACHED) {
        return "<td class=\"num na\">–<span class=\"ci\">neither median reached</span></td>"
            .into();
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
    let resolved = d.resolved;
    format!(
        "<td class=\"num{}\">{}{}<span class=\"ci\">[{}, {}]</span></td>",
        if resolved { " sig" } else { "" },
        bound.map_or(String::new(), |b| format!("{} ", esc(b))),
        signed(d.difference.value()),
        signed(d.ci95[0].value()),
        signed(d.ci95[1].value())
    )
}

/// Whether a `target_ci` run met its target, as a note.
pub(super) fn target(h: &mut String, data: &RunData) {
    let Some(t) = &data.summary.target_ci else {
        return;
    };
    let met = t.met;
    let _ = writeln!(
        h,
        "<p class=\"{}\" id=\"target-ci\"><b>{}</b> {} <span class=\"muted\">(Checked {}.)</span></p>",
        if met { "muted" } else { "note" },
        if met {
            "Precision target met."
        } else {
            "Precision target NOT met."
        },
        esc(&t.summary),
        esc(&t.checks)
    );
}

/// How the headline differences move with the tolerance and hold time.
pub(super) fn sensitivity(h: &mut String, data: &RunData) {
    let cells = &data.summary.sensitivity;
    if cells.is_empty() {
        return;
    }
    let mut tolerances: Vec<f64> = cells.iter().map(|c| c.tolerance).collect();
    let mut holds: Vec<f64> = cells.iter().map(|c| c.hold_days).collect();
    for v in [&mut tolerances, &mut holds] {
        v.sort_by(f64::total_cmp);
        v.dedup();
    }
    h.push_str("<h3 id=\"sensitivity\">Sensitivity of “recovered”</h3>\n");
    h.push_str(
        "<p>The difference of median times to recover from baseline, recomputed from the same \
         replications' series (no new simulation) with the band's tolerance and the hold \
         time halved and doubled. A conclusion that holds across the grid does not depend on \
         where the line for “recovered” is drawn. <b>Bold</b>: resolved.</p>\n",
    );
    let mut groups: Vec<(&String, &String)> = Vec::new();
    for c in cells {
        let key = (&c.strategy, &c.difference.measure);
        if !groups.contains(&key) {
            groups.push(key);
        }
    }
    h.push_str("<div class=\"scroll\"><table id=\"sensitivity-table\">\n");
    for (strategy, measure) in &groups {
        let i = data
            .strategies
            .iter()
            .position(|s| s == *strategy)
            .unwrap_or(0);
        let _ = write!(
            h,
            "<tr class=\"section\"><th colspan=\"{}\">{}{} − baseline: {}</th></tr>\n\
             <tr><th>tolerance</th>",
            holds.len() + 1,
            swatch(i).0,
            esc(strategy),
            esc(&measure_label(measure))
        );
        for hd in &holds {
            let _ = write!(h, "<th class=\"num\">hold {} d</th>", fmt_num(Some(*hd), 0));
        }
        h.push_str("</tr>\n");
        for tol in &tolerances {
            let _ = write!(h, "<tr><td>{:.1}%</td>", 100.0 * tol);
            for hd in &holds {
                let cell = cells.iter().find(|c| {
                    c.strategy == **strategy
                        && c.difference.measure == **measure
                        && c.tolerance == *tol
                        && c.hold_days == *hd
                });
                h.push_str(&cell.map_or("<td class=\"num na\">—</td>".into(), |c| {
                    difference_cell(&c.difference)
                }));
            }
            h.push_str("</tr>\n");
        }
    }
    h.push_str("</table></div>\n");
}
