//! A sweep's `report.html`: what was swept, the screened difference at every point
//! with its interval and verdict, the sensitivity in words, tables and plots
//! ([`super::plots::write_sweep_plots`]). Built from a [`SweepData`] alone, so a local
//! sweep and a merge of its shards write the same bytes.

use super::*;
use crate::report::data::sweep::{MorrisKey, PointEstimate, Sensitivity, SweepData};

/// Writes `dir/plots/*.svg` and `dir/report.html` of a sweep (each atomically); the
/// paths written, the page first.
pub fn write_sweep_report(dir: &Path, data: &SweepData) -> Result<Vec<PathBuf>, ReportError> {
    let plots_dir = dir.join("plots");
    std::fs::create_dir_all(&plots_dir).map_err(|source| WriteError {
        path: plots_dir.clone(),
        source,
    })?;
    let drawn = plots::write_sweep_plots(data, &plots_dir)?;
    let report = dir.join("report.html");
    write_atomic(&report, render_sweep(data, &drawn).as_bytes())?;
    Ok(std::iter::once(report)
        .chain(drawn.into_iter().flat_map(|p| p.files))
        .collect())
}

/// Decimals for the screened measure: whole shipment-days, tenths of days.
fn digits(measure: &str) -> usize {
    if measure.ends_with("shipment_days") || measure.ends_with("usd_days") {
        0
    } else {
        1
    }
}

/// The page.
pub fn render_sweep(data: &SweepData, plots: &[Plot]) -> String {
    let content = html! {
        p class="muted" { "tradesim sweep report" } "\n"
        h1 { (data.scenario) } "\n"
        @if let Some(d) = &data.description { p class="lead" { (d) } "\n" }
        (summary(data))
        (swept(data))
        (points(data))
        (sensitivity_table(data))
        h2 id="plots" { "Plots" } "\n"
        @if plots.is_empty() {
            p class="note" {
                "No plot applies to this design: the tornado needs a one_at_a_time design, \
                 the Morris chart a morris design, the line plot a factorial design over one \
                 or two keys."
            }
            "\n"
        }
        @for p in plots { (figures::figure(p)) }
        footer {
            "Built by " code { "tradesim run" } " on a scenario with a [sweep] (or "
            code { "tradesim merge" } " of its shards). Every point's rows are in "
            code { "sweep.csv" } ", the design and sensitivity in " code { "sweep.json" }
            ". docs/outputs.md defines every measure."
        }
        "\n"
    };
    page(&format!("tradesim sweep: {}", data.scenario), content)
}

/// The summary in words: which key matters most, and whether it is resolved.
fn summary(data: &SweepData) -> Markup {
    let n = data.replications;
    let dg = digits(&data.measure);
    let what = data.measure_label();
    let (resolved, with) = data.resolved_count();
    let mut lines: Vec<String> = vec![];
    let key = |i: usize| data.keys[i].key.as_str();
    match &data.sensitivity {
        Sensitivity::Tornado { bars, .. } => {
            if let Some(b) = bars.first().filter(|b| b.swing.is_some()) {
                let k = &data.keys[b.key];
                let mut s = format!(
                    "The result ({what}) depends most on {}: with the other keys at the base \
                     point it is {} at {} and {} at {}, a swing of {}",
                    k.key,
                    fmt_signed(b.at_low, dg),
                    k.lowest,
                    fmt_signed(b.at_high, dg),
                    k.highest,
                    fmt_num(b.swing, dg),
                );
                if let Some(next) = bars.get(1).filter(|b| b.swing.is_some()) {
                    s += &format!(
                        " (against {} for {})",
                        fmt_num(next.swing, dg),
                        key(next.key)
                    );
                }
                s += ". ";
                s += if b.resolved {
                    "The swing is resolved at n = "
                } else {
                    "The swing is not resolved at n = "
                };
                s += &format!("{n}: ");
                s += if b.resolved {
                    "the 95% intervals at its two ends do not overlap."
                } else {
                    "the 95% intervals at its two ends overlap, so more replications are \
                     needed before the ranking can be trusted."
                };
                lines.push(s);
            }
        }
        Sensitivity::Morris { effects } => {
            let mut ranked: Vec<&MorrisKey> =
                effects.iter().filter(|e| e.mu_star.is_some()).collect();
            ranked.sort_by(|a, b| {
                b.mu_star
                    .unwrap_or(0.0)
                    .total_cmp(&a.mu_star.unwrap_or(0.0))
            });
            if let Some(top) = ranked.first() {
                let mut s = format!(
                    "The result ({what}) depends most on {}: μ* = {} per whole range of the key",
                    key(top.key),
                    fmt_num(top.mu_star, 2)
                );
                if let Some(next) = ranked.get(1) {
                    s += &format!(", then {} at {}", key(next.key), fmt_num(next.mu_star, 2));
                }
                s += ". ";
                match (top.sigma, top.mu_star) {
                    (Some(sd), Some(m)) if sd > 0.5 * m => {
                        s += &format!(
                            "Its effects spread widely (σ = {}): it acts non-linearly or through \
                         the other keys. ",
                            fmt_num(Some(sd), 2)
                        )
                    }
                    (Some(sd), _) => {
                        s += &format!(
                            "Its effects agree (σ = {}): it acts about linearly. ",
                            fmt_num(Some(sd), 2)
                        )
                    }
                    _ => {}
                }
                s += &if top.resolved() {
                    format!(
                        "Its μ* is above the noise of one elementary effect at n = {n} ({}), \
                         so its lead is resolved; {} of {} keys stand out from the noise.",
                        fmt_num(top.noise, 2),
                        effects.iter().filter(|e| e.resolved()).count(),
                        effects.len()
                    )
                } else {
                    format!(
                        "Its μ* is within the noise of one elementary effect at n = {n} ({}), \
                         so the ranking is not resolved: run more replications.",
                        fmt_num(top.noise, 2)
                    )
                };
                lines.push(s);
            }
        }
        Sensitivity::None => {
            let main = data.main_effects();
            if let Some(&(k, range)) = main.first() {
                let mut s = if data.keys.len() == 1 {
                    format!(
                        "Over the levels of {}, the result ({what}) ranges over {}",
                        key(k),
                        fmt_num(Some(range), dg)
                    )
                } else {
                    format!(
                        "The result ({what}) depends most on {}: its mean over the points at \
                         each of its levels ranges over {}",
                        key(k),
                        fmt_num(Some(range), dg)
                    )
                };
                if let Some(&(k2, r2)) = main.get(1) {
                    s += &format!(" (against {} for {})", fmt_num(Some(r2), dg), key(k2));
                }
                s += ".";
                lines.push(s);
            } else if data.design == "latin_hypercube" {
                lines.push(
                    "A Latin hypercube's points are scattered: this page gives no screening \
                     of them; the table below and sweep.csv hold every point."
                        .into(),
                );
            }
        }
    }
    if let Some((k, v)) = data.largest() {
        let e = data.points[k].estimate.as_ref();
        lines.push(format!(
            "The difference is largest in size at point {k} ({}): {} {}, {}.",
            data.describe(k),
            fmt_signed(Some(v), dg),
            e.map_or(String::new(), |e| interval(e, dg)),
            e.map_or("", |e| e.verdict.as_str())
        ));
    }
    lines.push(format!(
        "At n = {n} replications per strategy, {resolved} of {with} points' differences are \
         resolved (their 95% interval excludes zero)."
    ));
    html! {
        h2 id="summary" { "Summary" } "\n"
        @for l in &lines { p { (l) } "\n" }
        @if n < 30 {
            p class="note warning" {
                "Each point ran " (n) " replications per strategy; fewer than 30 leave wide \
                 intervals, and a ranking of keys resting on them may change with more."
            }
            "\n"
        }
    }
}

/// `[lo, hi]` of an estimate, with open ends as "open".
fn interval(e: &PointEstimate, dg: usize) -> String {
    let end = |x: Option<f64>| x.map_or("open".into(), |v| fmt_signed(Some(v), dg));
    format!("[{}, {}]", end(e.ci95[0]), end(e.ci95[1]))
}

fn swept(data: &SweepData) -> Markup {
    let design = match data.design_seed {
        Some(s) => format!("{} (design seed {s})", data.design),
        None => data.design.clone(),
    };
    let facts: [(&str, String); 6] = [
        ("design", design),
        ("points", data.points.len().to_string()),
        (
            "replications",
            format!("{} per strategy at every point", data.replications),
        ),
        (
            "seed",
            format!(
                "{}, the same at every point (common random numbers)",
                data.seed
            ),
        ),
        ("strategies", data.strategies.join(", ")),
        ("screened", data.measure_label()),
    ];
    html! {
        h2 id="swept" { "What was swept" } "\n"
        dl class="facts" {
            "\n"
            @for (k, v) in &facts { dt { (k) } dd { (v) } "\n" }
        }
        "\n"
        table id="keys-table" {
            "\n"
            tr { th { "key" } th { "levels" } th { "how" } }
            "\n"
            @for k in &data.keys {
                tr {
                    td { code { (k.key) } }
                    td { (k.levels) }
                    td { (if k.scale { "multiplies the scenario's value" } else { "sets the value" }) }
                }
                "\n"
            }
        }
        "\n"
    }
}

fn points(data: &SweepData) -> Markup {
    let dg = digits(&data.measure);
    html! {
        h2 id="points" { "The result at every point" } "\n"
        p { (data.measure_label()) ", with its 95% interval; bold where resolved." } "\n"
        div class="scroll" {
            table id="points-table" {
                "\n"
                tr {
                    th class="num" { "point" }
                    @for k in &data.keys { th { (k.key) } }
                    th class="num" { "difference" span class="unit" { "95% CI" } }
                    th { "verdict" }
                }
                "\n"
                @for (i, p) in data.points.iter().enumerate() {
                    tr {
                        td class="num" { (i) }
                        @for v in &p.values { td { (v) } }
                        @match &p.estimate {
                            Some(e) => {
                                td class=(if e.resolved() { "num sig" } else { "num" }) {
                                    (fmt_signed(e.value, dg))
                                    span class="ci" { (interval(e, dg)) }
                                }
                                td { (e.verdict) }
                            }
                            None => { (na_cell()) td class="na" { "not in this run" } }
                        }
                    }
                    "\n"
                }
            }
        }
        "\n"
    }
}

fn sensitivity_table(data: &SweepData) -> Markup {
    let dg = digits(&data.measure);
    let key = |i: usize| data.keys[i].key.as_str();
    let yes = |b: bool| if b { "yes" } else { "no" };
    match &data.sensitivity {
        Sensitivity::Tornado { base, bars } => html! {
            h2 id="sensitivity" { "One key at a time" } "\n"
            p {
                "Around the base point (" (fmt_signed(*base, dg)) "), each key moved alone \
                 to its lowest and highest level; largest swing first. Resolved: the 95% \
                 intervals at the swing's two ends do not overlap."
            }
            "\n"
            table id="tornado-table" {
                "\n"
                tr {
                    th { "key" } th class="num" { "at lowest" } th class="num" { "at highest" }
                    th class="num" { "swing" } th { "resolved" }
                }
                "\n"
                @for b in bars {
                    tr {
                        td { code { (key(b.key)) } }
                        td class="num" { (fmt_signed(b.at_low, dg)) }
                        td class="num" { (fmt_signed(b.at_high, dg)) }
                        td class="num" { (fmt_num(b.swing, dg)) }
                        td { (yes(b.resolved)) }
                    }
                    "\n"
                }
            }
            "\n"
        },
        Sensitivity::Morris { effects } => html! {
            h2 id="sensitivity" { "Morris elementary effects" } "\n"
            p {
                "Per whole range of each key. μ* (mean absolute effect) ranks the keys; σ \
                 is large where a key acts non-linearly or through others; noise is what \
                 one effect may move from the points' 95% intervals alone. Resolved: μ* \
                 exceeds the noise."
            }
            "\n"
            table id="morris-table" {
                "\n"
                tr {
                    th { "key" } th class="num" { "μ*" } th class="num" { "μ" }
                    th class="num" { "σ" } th class="num" { "noise" }
                    th class="num" { "effects" } th { "resolved" }
                }
                "\n"
                @for e in effects {
                    tr {
                        td { code { (key(e.key)) } }
                        td class="num" { (fmt_num(e.mu_star, 2)) }
                        td class="num" { (fmt_signed(e.mu, 2)) }
                        td class="num" { (fmt_num(e.sigma, 2)) }
                        td class="num" { (fmt_num(e.noise, 2)) }
                        td class="num" { (e.n) }
                        td { (yes(e.resolved())) }
                    }
                    "\n"
                }
            }
            "\n"
        },
        Sensitivity::None => html! {},
    }
}
