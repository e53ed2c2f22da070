//! The per-port table: capacity lost, throughput, utilisation, wait and time to
//! recover per node.

use super::*;

pub(super) fn ports(h: &mut String, data: &RunData) {
    h.push_str("<h2 id=\"ports\">Ports</h2>\n");
    if data.network.nodes.is_empty() {
        h.push_str("<p class=\"muted\">summary.json has no network section.</p>\n");
        return;
    }
    let recovery = data.has_recovery();
    let first = data.reference_strategy();
    let _ = writeln!(
        h,
        "<p>Per node, in file order. Capacity lost is the share of handling capacity lost at \
         the first onset (mean over replications). Throughput and utilisation are under \
         <b>{}</b>; the wait (for a berth, before handling){} is given per strategy. \
         Means over the replications.</p>",
        esc(first),
        if recovery {
            " and the node's time to recover (days from the first onset until its \
             throughput and queue are back in their baseline band)"
        } else {
            ""
        }
    );
    let n = data.strategies.len();
    h.push_str("<div class=\"scroll\"><table id=\"ports-table\">\n<tr>");
    h.push_str(
        "<th rowspan=\"2\">node</th><th rowspan=\"2\">country</th><th rowspan=\"2\">kind</th>",
    );
    if recovery {
        h.push_str("<th rowspan=\"2\" class=\"num\">capacity lost<span class=\"unit\">at onset</span></th>");
    }
    h.push_str(
        "<th rowspan=\"2\" class=\"num\">throughput<span class=\"unit\">shipments/day</span></th>\
         <th rowspan=\"2\" class=\"num\">utilisation<span class=\"unit\">berths</span></th>",
    );
    let _ = write!(h, "<th colspan=\"{n}\" class=\"num\">wait (days)</th>");
    if recovery {
        let _ = write!(
            h,
            "<th colspan=\"{n}\" class=\"num\">time to recover (days)</th>"
        );
    }
    h.push_str("</tr>\n<tr>");
    let groups = if recovery { 2 } else { 1 };
    for _ in 0..groups {
        for (i, s) in data.strategies.iter().enumerate() {
            let _ = write!(h, "<th class=\"num\">{}{}</th>", swatch(i), esc(s));
        }
    }
    h.push_str("</tr>\n");
    let mean = |s: &str, node: &str, m: &str| data.node_measure(s, node, m).and_then(|v| v.mean);
    let mut any_censored = false;
    for node in &data.network.nodes {
        let id = node.id.as_str();
        let _ = write!(
            h,
            "<tr><th>{}{}</th><td>{}</td><td>{}</td>",
            esc(id),
            node.name.as_ref().map_or(String::new(), |n| format!(
                "<span class=\"name\">{}</span>",
                esc(n)
            )),
            esc(&node.country),
            esc(&node.kind.replace('_', " "))
        );
        if recovery {
            let _ = write!(
                h,
                "<td class=\"num\">{}{}</td>",
                node.capacity_lost
                    .map_or("—".into(), |c| format!("{:.0}%", 100.0 * c)),
                if node.closed { " (closed)" } else { "" }
            );
        }
        let _ = write!(
            h,
            "<td class=\"num\">{}</td><td class=\"num\">{}</td>",
            fmt_num(mean(first, id, "throughput_per_day"), 1),
            fmt_num(mean(first, id, "utilisation"), 2)
        );
        for s in &data.strategies {
            let _ = write!(
                h,
                "<td class=\"num\">{}</td>",
                fmt_num(mean(s, id, "mean_wait_days"), 2)
            );
        }
        if recovery {
            let scope = format!("node.{id}");
            for s in &data.strategies {
                let censored = data
                    .recovery(s, &scope)
                    .and_then(|r| r.ttr_censored.mean)
                    .unwrap_or(0.0);
                any_censored |= censored > 0.0;
                let _ = write!(
                    h,
                    "<td class=\"num\">{}{}</td>",
                    fmt_num(data.ttr(s, &scope).and_then(|t| t.mean), 1),
                    if censored > 0.0 { "<sup>*</sup>" } else { "" }
                );
            }
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</table></div>\n");
    if any_censored {
        h.push_str(
            "<p class=\"muted\"><sup>*</sup> Not recovered by the end of the run in some \
             replications: their time to recover counts as horizon − onset, so the mean \
             understates it.</p>\n",
        );
    }
}
