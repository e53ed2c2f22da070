//! Recovery measures of one scope (the system, a country, a node or a trader class) from
//! its daily deliveries and work-in-process series (MODEL.md, "Measures"; the rule in full
//! is docs/model.md, "Recovery").
//!
//! - baseline: mean daily deliveries and mean WIP over the `baseline_days` before the
//!   first onset's day;
//! - in band: a day on which the 7-day trailing means of deliveries and WIP are both within
//!   their bands (deliveries ≥ baseline − band, WIP ≤ baseline + band; each band the wider
//!   of `tolerance` × baseline and three standard deviations of the 7-day mean's noise
//!   over the baseline window, [`BAND_SDS`]: the larger of the trailing means' spread and
//!   the daily values' over √7). Recovery is sought from the first day out of band on or after the
//!   onset's day, so that a scope the disruption reaches late (a US port after a Japanese
//!   earthquake) is not called recovered before it was hit; a scope never out of band
//!   recovers in 0 days;
//! - first return: the start of the first run of `window_days` days in band (the figure
//!   earlier versions called time to recover);
//! - time to recover (sustained): the start of the first run in band that lasts
//!   `hold_days` (or `window_days`, if longer) or, having lasted at least `window_days`,
//!   reaches the horizon. A run that returned and then fell out of band before that is a
//!   relapse (counted). Not recovered by the horizon: right-censored, with the censoring
//!   time horizon − onset in `ttr_days` and `ttr_censored` = 1 (statistics over
//!   replications treat it as censored, never as a recovery at the horizon);
//! - resilience loss: Σ over days from the onset's day to the sustained recovery (or the
//!   horizon, if censored) of max(0, 1 − deliveries / baseline) (days of lost output);
//! - excess delay: Σ over the same days of (WIP − baseline WIP), in shipment-days (and the
//!   same for the value in WIP, in USD-days). By Little's law this is the extra time
//!   shipments spent in the system because of the disruption, the sum of their lead times
//!   above normal, without the bias that cutting off shipments still under way at the
//!   horizon would bring;
//! - backlog peak: the largest daily WIP above the baseline WIP after the onset, and the
//!   day (counted from the onset's day) it happened.
//!
//! A scope made of parts (the system: its trader classes and destination countries) has
//! recovered when it and every part have: [`compose`] takes the latest of their recoveries,
//! so the system can never be called recovered before a class or country, nor censored
//! while all of them recovered (the invariant tested in tests/suite/properties.rs).

/// Settings from the scenario.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RecoveryParams {
    /// Days before the first onset's day whose means are the baseline.
    pub baseline_days: f64,
    /// Days in band that make a return.
    pub window_days: f64,
    /// Days a return must stay in band (or reach the horizon) to be a recovery.
    pub hold_days: f64,
    /// The band's least width, as a share of the baseline (e.g. 0.05).
    pub tolerance: f64,
}

/// One scope's recovery.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Recovery {
    /// Mean daily deliveries over the baseline window, shipments a day.
    pub baseline_deliveries: f64,
    /// Mean work in process over the baseline window, shipments.
    pub baseline_wip: f64,
    /// Days from the onset to the sustained recovery (to the horizon if censored).
    pub ttr_days: f64,
    /// Not recovered by the horizon: `ttr_days` is a censoring time.
    pub censored: bool,
    /// Days from the onset to the first return (to the horizon if censored).
    pub first_return_days: f64,
    /// No return by the horizon: `first_return_days` is a censoring time.
    pub first_return_censored: bool,
    /// Returns that fell out of band again before the sustained recovery (or the horizon).
    pub relapses: u32,
    /// Σ of max(0, 1 − deliveries / baseline) from the onset's day to the recovery, days
    /// of lost output (NaN with no baseline deliveries).
    pub resilience_loss_days: f64,
    /// Shipment-days (or USD-days with a value series) above the baseline WIP until recovery.
    pub excess_delay: f64,
    /// Value in WIP above its baseline until recovery, USD-days (NaN without the series).
    pub excess_value_delay: f64,
    /// The largest daily WIP above the baseline WIP after the onset, shipments.
    pub backlog_peak: f64,
    /// Days from the onset's day to that peak.
    pub backlog_peak_day: f64,
    /// Day index the integrals run to: the sustained recovery's, or the series' end.
    pub end_day: usize,
    /// Day index of the first return, or the series' end.
    pub first_return_day: usize,
}

/// Standard deviations of the baseline's trailing mean a band spans at least: Shewhart's
/// three-sigma control limits, so that ordinary noise seldom reads as a relapse (at two,
/// a 28-day hold was broken by noise alone in a good share of undisturbed replications).
pub const BAND_SDS: f64 = 3.0;

/// Length of the trailing mean, days.
pub const TRAILING_DAYS: usize = 7;

fn trailing(x: &[f64], d: usize) -> f64 {
    let lo = (d + 1).saturating_sub(TRAILING_DAYS);
    x[lo..=d].iter().sum::<f64>() / (d + 1 - lo) as f64
}

fn mean(x: &[f64]) -> f64 {
    if x.is_empty() {
        f64::NAN
    } else {
        x.iter().sum::<f64>() / x.len() as f64
    }
}

fn sd(x: &[f64]) -> f64 {
    if x.len() < 2 {
        return 0.0;
    }
    let m = mean(x);
    (x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (x.len() - 1) as f64).sqrt()
}

/// When a scope returns and recovers, from its days in band: day indices (first return,
/// sustained recovery), each None if it never happens, and the relapses.
fn recovery_days(ok: &[bool], o: usize, p: &RecoveryParams) -> (Option<usize>, Option<usize>, u32) {
    let days = ok.len();
    let window = p.window_days.max(1.0) as usize;
    let hold = (p.hold_days.max(0.0).ceil() as usize).max(window);
    let Some(first_fail) = (o..days).find(|&d| !ok[d]) else {
        return (Some(o), Some(o), 0);
    };
    let (mut first, mut relapses) = (None, 0);
    let mut d = first_fail;
    while d < days {
        if !ok[d] {
            d += 1;
            continue;
        }
        let start = d;
        while d < days && ok[d] {
            d += 1;
        }
        let len = d - start;
        if len >= window {
            first.get_or_insert(start);
            if len >= hold || d == days {
                return (first, Some(start), relapses);
            }
            relapses += 1;
        }
    }
    (first, None, relapses)
}

/// Computes a scope's recovery from its daily series (full days only), given the first
/// onset time (days). `value_wip` (USD in the system per day) may be empty.
pub fn recovery(
    deliveries: &[f64],
    wip: &[f64],
    value_wip: &[f64],
    onset: f64,
    p: &RecoveryParams,
) -> Recovery {
    let days = deliveries.len().min(wip.len());
    let o = (onset.floor() as usize).min(days);
    let b0 = o.saturating_sub(p.baseline_days.ceil() as usize);
    let base_del = mean(&deliveries[b0..o]);
    let base_wip = mean(&wip[b0..o]);
    let trail_del: Vec<f64> = (b0..o).map(|d| trailing(deliveries, d)).collect();
    let trail_wip: Vec<f64> = (b0..o).map(|d| trailing(wip, d)).collect();
    // The noise of a 7-day mean: the larger of its spread over the baseline (28 strongly
    // overlapping means, so a noisy estimate) and that of 7 independent days.
    let noise = |x: &[f64], trail: &[f64]| sd(trail).max(sd(x) / (TRAILING_DAYS as f64).sqrt());
    let band_del = (p.tolerance * base_del).max(BAND_SDS * noise(&deliveries[b0..o], &trail_del));
    let band_wip = (p.tolerance * base_wip).max(BAND_SDS * noise(&wip[b0..o], &trail_wip));
    let ok: Vec<bool> = (0..days)
        .map(|d| {
            d >= o
                && trailing(deliveries, d) >= base_del - band_del
                && trailing(wip, d) <= base_wip + band_wip
        })
        .collect();
    let (first, sustained, relapses) = recovery_days(&ok, o, p);
    let mut r = Recovery {
        baseline_deliveries: base_del,
        baseline_wip: base_wip,
        ttr_days: 0.0,
        censored: false,
        first_return_days: 0.0,
        first_return_censored: false,
        relapses,
        resilience_loss_days: f64::NAN,
        excess_delay: f64::NAN,
        excess_value_delay: f64::NAN,
        backlog_peak: f64::NAN,
        backlog_peak_day: f64::NAN,
        end_day: o,
        first_return_day: o,
    };
    r.first_return_day = first.unwrap_or(days);
    r.first_return_censored = first.is_none();
    r.first_return_days = (r.first_return_day as f64 - onset).max(0.0);
    integrate(
        &mut r,
        deliveries,
        wip,
        value_wip,
        onset,
        b0,
        sustained.unwrap_or(days),
        sustained.is_none(),
    );
    let mut peak = f64::NAN;
    let mut peak_day = f64::NAN;
    for (k, w) in wip[o..days].iter().enumerate() {
        let excess = w - base_wip;
        if peak.is_nan() || excess > peak {
            peak = excess;
            peak_day = k as f64;
        }
    }
    r.backlog_peak = peak;
    r.backlog_peak_day = peak_day;
    r
}

/// Sets the recovery day `end` (censored: the series' end) and the integrals up to it.
#[allow(clippy::too_many_arguments)]
fn integrate(
    r: &mut Recovery,
    deliveries: &[f64],
    wip: &[f64],
    value_wip: &[f64],
    onset: f64,
    b0: usize,
    end: usize,
    censored: bool,
) {
    let o = (onset.floor() as usize).min(end);
    r.end_day = end;
    r.censored = censored;
    r.ttr_days = (end as f64 - onset).max(0.0);
    let base_del = r.baseline_deliveries;
    r.resilience_loss_days = if base_del > 0.0 {
        deliveries[o..end]
            .iter()
            .map(|x| (1.0 - x / base_del).max(0.0))
            .sum()
    } else {
        f64::NAN
    };
    r.excess_delay = wip[o..end].iter().map(|w| w - r.baseline_wip).sum();
    r.excess_value_delay = if value_wip.len() >= end && b0 < o {
        let base_value = mean(&value_wip[b0..o]);
        value_wip[o..end].iter().map(|w| w - base_value).sum()
    } else {
        f64::NAN
    };
}

/// The recovery of a scope made of `parts` (the system: its trader classes and its
/// destination countries), from its own series: it has returned and recovered when the
/// last of its parts has, and is censored if any part is; resilience loss and excess
/// delay are its own series' up to that day. Its relapses and backlog are its own.
pub fn compose(
    deliveries: &[f64],
    wip: &[f64],
    value_wip: &[f64],
    onset: f64,
    p: &RecoveryParams,
    parts: &[Recovery],
) -> Recovery {
    let mut r = recovery(deliveries, wip, value_wip, onset, p);
    if parts.is_empty() {
        return r;
    }
    let days = deliveries.len().min(wip.len());
    let o = (onset.floor() as usize).min(days);
    let b0 = o.saturating_sub(p.baseline_days.ceil() as usize);
    let end = parts.iter().map(|q| q.end_day).max().unwrap_or(o).min(days);
    let censored = parts.iter().any(|q| q.censored);
    integrate(&mut r, deliveries, wip, value_wip, onset, b0, end, censored);
    r.first_return_day = parts
        .iter()
        .map(|q| q.first_return_day)
        .max()
        .unwrap_or(o)
        .min(days);
    r.first_return_censored = parts.iter().any(|q| q.first_return_censored);
    r.first_return_days = (r.first_return_day as f64 - onset).max(0.0);
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: RecoveryParams = RecoveryParams {
        baseline_days: 28.0,
        window_days: 7.0,
        hold_days: 28.0,
        tolerance: 0.05,
    };

    #[test]
    fn a_ten_day_stop_recovers_after_the_backlog_clears() {
        // 100/day, WIP 1000; days 50–59 deliver nothing and WIP grows by 100 a day; then
        // 200/day for 10 days drains it.
        let mut del = vec![100.0; 120];
        let mut wip = vec![1000.0; 120];
        for d in 50..60 {
            del[d] = 0.0;
            wip[d] = 1000.0 + 100.0 * (d - 49) as f64;
        }
        for d in 60..70 {
            del[d] = 200.0;
            wip[d] = 2000.0 - 100.0 * (d - 59) as f64;
        }
        let r = recovery(&del, &wip, &[], 50.0, &P);
        assert_eq!(r.baseline_deliveries, 100.0);
        assert_eq!(r.baseline_wip, 1000.0);
        assert!(!r.censored);
        // WIP back under 1,050 on day 69 (1,000), but the 7-day trailing WIP needs until day 75.
        assert!(r.ttr_days > 10.0 && r.ttr_days < 30.0, "{}", r.ttr_days);
        assert_eq!(r.backlog_peak, 1000.0);
        assert_eq!(r.backlog_peak_day, 9.0);
        // Ten days of no output.
        assert_eq!(r.resilience_loss_days, 10.0);
        // Excess WIP: 100 + 200 + … + 1,000, then 900 down to 0: 5,500 + 4,500 shipment-days.
        assert_eq!(r.excess_delay, 10_000.0);
        assert!(r.excess_value_delay.is_nan());
    }

    #[test]
    fn never_recovered_is_censored_and_untouched_recovers_at_once() {
        let mut del = vec![100.0; 80];
        let wip = vec![1000.0; 80];
        for x in del.iter_mut().skip(50) {
            *x = 50.0;
        }
        let r = recovery(&del, &wip, &wip, 50.0, &P);
        assert!(r.censored);
        assert_eq!(r.ttr_days, 30.0);
        assert_eq!(r.resilience_loss_days, 15.0);
        let r = recovery(&vec![100.0; 80], &wip, &[], 50.0, &P);
        assert!(!r.censored);
        assert_eq!(r.ttr_days, 0.0);
    }

    /// Deliveries of 100 a day and WIP 1,000, with WIP raised to 2,000 on the given days.
    fn with_backlog(days: usize, high: &[(usize, usize)]) -> (Vec<f64>, Vec<f64>) {
        let del = vec![100.0; days];
        let mut wip = vec![1000.0; days];
        for &(a, b) in high {
            wip[a..b].fill(2000.0);
        }
        (del, wip)
    }

    #[test]
    fn a_relapse_delays_the_sustained_recovery_and_is_counted() {
        // Out of band 50–59, back for 15 days (60–74 trailing means settle after 7), out
        // again 75–89, then back for good.
        let (del, wip) = with_backlog(200, &[(50, 60), (75, 90)]);
        let r = recovery(&del, &wip, &[], 50.0, &P);
        assert!(!r.censored && !r.first_return_censored);
        // The trailing mean of WIP is in band from day 66 (seven days at 1,000 after 59).
        assert_eq!(r.first_return_days, 16.0);
        assert_eq!(r.ttr_days, 46.0, "back in band from day 96, for good");
        assert_eq!(r.relapses, 1);
        // Excess delay covers both episodes up to the recovery: 25 days at +1,000.
        assert_eq!(r.excess_delay, 25_000.0);
    }

    #[test]
    fn a_return_that_reaches_the_horizon_counts_a_short_one_does_not() {
        // Back in band from day 66 to the horizon at 80 (14 days ≥ the 7-day window, < 28).
        let (del, wip) = with_backlog(80, &[(50, 60)]);
        let r = recovery(&del, &wip, &[], 50.0, &P);
        assert!(!r.censored);
        assert_eq!(r.ttr_days, 16.0);
        // Back from day 66 but the horizon at day 70: four days, not a return.
        let (del, wip) = with_backlog(70, &[(50, 60)]);
        let r = recovery(&del, &wip, &[], 50.0, &P);
        assert!(r.censored && r.first_return_censored);
        assert_eq!(r.ttr_days, 20.0);
        assert_eq!(r.excess_delay, 10_000.0);
    }

    #[test]
    fn a_whole_recovers_with_its_last_part() {
        let (del, wip) = with_backlog(200, &[(50, 60)]);
        let quick = recovery(&del, &wip, &[], 50.0, &P);
        let (del2, wip2) = with_backlog(200, &[(50, 80)]);
        let slow = recovery(&del2, &wip2, &[], 50.0, &P);
        assert!(slow.ttr_days > quick.ttr_days);
        // The whole's own series recovers as the quick part does; composed, as the slow one.
        let whole = compose(&del, &wip, &[], 50.0, &P, &[quick, slow]);
        assert_eq!(whole.ttr_days, slow.ttr_days);
        assert_eq!(whole.first_return_days, slow.first_return_days);
        assert!(!whole.censored);
        // Its integrals are its own series' up to that day.
        assert_eq!(whole.excess_delay, 10_000.0);
        let (del3, wip3) = with_backlog(100, &[(50, 100)]);
        let never = recovery(&del3, &wip3, &[], 50.0, &P);
        assert!(never.censored);
        let whole = compose(&del[..100], &wip[..100], &[], 50.0, &P, &[quick, never]);
        assert!(whole.censored);
        assert_eq!(whole.ttr_days, 50.0);
    }
}
