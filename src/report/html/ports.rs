//! The per-port table: capacity lost, throughput, utilisation, wait and time to
//! recover per node.

use super::*;

pub(super) fn ports(data: &RunData) -> Markup {
    if data.network.nodes.is_empty() {
        return html! {
            h2 id="ports" { "Ports" } "\n"
            p class="muted" { "summary.json has no network section." } "\n"
        };
    }
    let recovery = data.has_recovery();
    let first = data.reference_strategy();
    let n = data.strategies.len();
    let groups = if recovery { 2 } else { 1 };
    let mean = |s: &str, node: &str, m: &str| data.node_measure(s, node, m).and_then(|v| v.mean);
    // Whether `s` left node `scope` unrecovered in some replication.
    let censored = |s: &str, scope: &str| {
        data.recovery(s, scope)
            .and_then(|r| r.ttr_censored.mean)
            .unwrap_or(0.0)
            > 0.0
    };
    let any_censored = recovery
        && data.network.nodes.iter().any(|node| {
            let scope = format!("node.{}", node.id);
            data.strategies.iter().any(|s| censored(s, &scope))
        });
    let rows: Vec<Markup> = data
        .network
        .nodes
        .iter()
        .map(|node| {
            let id = node.id.as_str();
            let scope = format!("node.{id}");
            html! {
                tr {
                    th {
                        (id)
                        @if let Some(name) = &node.name { span class="name" { (name) } }
                    }
                    td { (node.country) }
                    td { (node.kind.replace('_', " ")) }
                    @if recovery {
                        td class="num" {
                            (node.capacity_lost.map_or("—".into(), |c| format!("{:.0}%", 100.0 * c)))
                            @if node.closed { " (closed)" }
                        }
                    }
                    td class="num" { (fmt_num(mean(first, id, "throughput_per_day"), 1)) }
                    td class="num" { (fmt_num(mean(first, id, "utilisation"), 2)) }
                    @for s in &data.strategies {
                        td class="num" { (fmt_num(mean(s, id, "mean_wait_days"), 2)) }
                    }
                    @if recovery {
                        @for s in &data.strategies {
                            td class="num" {
                                (fmt_num(data.ttr(s, &scope).and_then(|t| t.mean), 1))
                                @if censored(s, &scope) { sup { "*" } }
                            }
                        }
                    }
                }
                "\n"
            }
        })
        .collect();
    html! {
        h2 id="ports" { "Ports" } "\n"
        p {
            "Per node, in file order. Capacity lost is the share of handling capacity lost at \
             the first onset (mean over replications). Throughput and utilisation are under "
            b { (first) }
            "; the wait (for a berth, before handling)"
            @if recovery {
                " and the node's time to recover (days from the first onset until its \
                 throughput and queue are back in their baseline band)"
            }
            " is given per strategy. Means over the replications."
        }
        "\n"
        div class="scroll" {
            table id="ports-table" {
                "\n"
                tr {
                    th rowspan="2" { "node" } th rowspan="2" { "country" } th rowspan="2" { "kind" }
                    @if recovery {
                        th rowspan="2" class="num" { "capacity lost" span class="unit" { "at onset" } }
                    }
                    th rowspan="2" class="num" { "throughput" span class="unit" { "shipments/day" } }
                    th rowspan="2" class="num" { "utilisation" span class="unit" { "berths" } }
                    th colspan=(n) class="num" { "wait (days)" }
                    @if recovery {
                        th colspan=(n) class="num" { "time to recover (days)" }
                    }
                }
                "\n"
                tr {
                    @for _ in 0..groups {
                        @for (i, s) in data.strategies.iter().enumerate() {
                            th class="num" { (swatch(i)) (s) }
                        }
                    }
                }
                "\n"
                @for row in rows { (row) }
            }
        }
        "\n"
        @if any_censored {
            p class="muted" {
                sup { "*" }
                " Not recovered by the end of the run in some replications: their time to \
                 recover counts as horizon − onset, so the mean understates it."
            }
            "\n"
        }
    }
}
