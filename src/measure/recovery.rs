//! Recovery measures of one scope (the system, a country, a node or a trader class) from
//! its daily deliveries and work-in-process series (MODEL.md, "Measures").
//!
//! - baseline: mean daily deliveries and mean WIP over the `baseline_days` before the
//!   first onset's day;
//! - time to recover: from the onset to the first day D from which, for `window_days` in
//!   a row, the 7-day trailing means of deliveries and WIP are both within their bands
//!   (deliveries ≥ baseline − band, WIP ≤ baseline + band; each band the wider of
//!   `tolerance` × baseline and two standard deviations of the trailing mean over the
//!   baseline window). D is sought from the first day the condition fails on or after the
//!   onset's day, so that a scope the disruption reaches late (a US port after a Japanese
//!   earthquake) is not called recovered before it was hit; a scope never out of its band
//!   recovers in 0 days. Not recovered by the horizon: censored, reported as horizon − onset;
//! - resilience loss: Σ over days from the onset's day to recovery of
//!   max(0, 1 − deliveries / baseline) (days of lost output);
//! - excess delay: Σ over days from the onset's day to recovery of (WIP − baseline WIP),
//!   in shipment-days (and the same for the value in WIP, in USD-days). By Little's law
//!   this is the extra time shipments spent in the system because of the disruption, the
//!   sum of their lead times above normal, without the bias that cutting off shipments
//!   still under way at the horizon would bring;
//! - backlog peak: the largest daily WIP above the baseline WIP after the onset, and the
//!   day (counted from the onset's day) it happened.

/// Settings from the scenario.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RecoveryParams {
    pub baseline_days: f64,
    pub window_days: f64,
    pub tolerance: f64,
}

/// One scope's recovery.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Recovery {
    pub baseline_deliveries: f64,
    pub baseline_wip: f64,
    pub ttr_days: f64,
    pub censored: bool,
    pub resilience_loss_days: f64,
    /// Shipment-days (or USD-days with a value series) above the baseline WIP until recovery.
    pub excess_delay: f64,
    pub excess_value_delay: f64,
    pub backlog_peak: f64,
    pub backlog_peak_day: f64,
}

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
    let band_del = (p.tolerance * base_del).max(2.0 * sd(&trail_del));
    let band_wip = (p.tolerance * base_wip).max(2.0 * sd(&trail_wip));
    let ok = |d: usize| {
        trailing(deliveries, d) >= base_del - band_del && trailing(wip, d) <= base_wip + band_wip
    };
    let window = p.window_days.max(1.0) as usize;
    let first_fail = (o..days).find(|&d| !ok(d));
    let (end, ttr, censored) = match first_fail {
        None => (o, 0.0, false),
        Some(f) => {
            let mut run = 0;
            let mut found = None;
            for d in f..days {
                if ok(d) {
                    run += 1;
                    if run == window {
                        found = Some(d + 1 - window);
                        break;
                    }
                } else {
                    run = 0;
                }
            }
            match found {
                Some(dd) => (dd, (dd as f64 - onset).max(0.0), false),
                None => (days, (days as f64 - onset).max(0.0), true),
            }
        }
    };
    let resilience = if base_del > 0.0 {
        deliveries[o..end]
            .iter()
            .map(|x| (1.0 - x / base_del).max(0.0))
            .sum()
    } else {
        f64::NAN
    };
    let excess_delay = wip[o..end].iter().map(|w| w - base_wip).sum();
    let excess_value_delay = if value_wip.len() >= end {
        let base_value = mean(&value_wip[b0..o]);
        value_wip[o..end].iter().map(|w| w - base_value).sum()
    } else {
        f64::NAN
    };
    let mut peak = f64::NAN;
    let mut peak_day = f64::NAN;
    for (k, w) in wip[o..days].iter().enumerate() {
        let excess = w - base_wip;
        if peak.is_nan() || excess > peak {
            peak = excess;
            peak_day = k as f64;
        }
    }
    Recovery {
        baseline_deliveries: base_del,
        baseline_wip: base_wip,
        ttr_days: ttr,
        censored,
        resilience_loss_days: resilience,
        excess_delay,
        excess_value_delay,
        backlog_peak: peak,
        backlog_peak_day: peak_day,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: RecoveryParams = RecoveryParams {
        baseline_days: 28.0,
        window_days: 7.0,
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
}
