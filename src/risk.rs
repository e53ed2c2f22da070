//! Risk-based targeting at customs (docs/model.md, "Risk-based targeting"): each import
//! shipment gets a risk score, and customs inspects the shipments whose score is above a
//! threshold set, once per alert level, so that the expected share inspected meets the
//! administration's target rate.
//!
//! The score of a shipment is
//!
//! ```text
//! score = origin_risk[origin country] − trusted_discount · [trusted] + separation · [non-compliant] + noise · Z
//! ```
//!
//! with `Z` standard normal: the programmes' validation lowers a member's score, the
//! signal separates non-compliant from compliant cargo by `separation`, and the partner's
//! advance cargo data (MRA Section IV, `data_exchange`) narrows the noise to
//! `noise_shared`. The thresholds are fixed by the administration's rule — normal-time
//! import mix, routine recognition as the scenario sets it, own information only — and
//! do not change with the strategy, so a strategy that sharpens the score inspects less
//! of compliant cargo and finds more of non-compliant cargo at the same threshold.
//!
//! The rule is compiled here ([`Targeting::calibrate`], from the import mix that
//! [`Targeting::add_flow`] builds flow by flow); the scenario's validation feeds it the
//! flows (`scenario/validate/targeting.rs`), and the engine draws the score
//! (`engine::Engine::enter_customs`). `risk` imports nothing of the scenario.

use crate::ids::CountryId;

/// A country's targeting rule, compiled.
#[derive(Debug, Clone, PartialEq)]
pub struct Targeting {
    /// Expected share inspected at alert level 1 (before the level's multiplier).
    pub target_rate: f64,
    /// Score shift of a non-compliant shipment.
    pub separation: f64,
    /// Standard deviation of the score's noise, own information.
    pub noise: f64,
    /// The same with the partner's advance data (`data_exchange`).
    pub noise_shared: f64,
    /// Score lowered for a shipment customs trusts in routine assessment.
    pub trusted_discount: f64,
    /// Score added by the origin's country, by country index (0 unless given).
    pub origin_risk: Vec<f64>,
    /// Share of non-compliant shipments: [members of any programme, others].
    pub non_compliant: [f64; 2],
    /// Thresholds at alert levels 1, 2, 3 (set by [`Targeting::calibrate`]).
    pub thresholds: [f64; 3],
    /// Expected share inspected at levels 1, 2, 3, of [trusted, other] imports in the
    /// normal-time mix (set by [`Targeting::calibrate`]; for load checks and carriers'
    /// estimates).
    pub class_rates: [[f64; 2]; 3],
}

/// One part of the score's mixture: weight, mean and standard deviation of a normal.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Component {
    /// Share of shipments (0–1) whose score follows this normal.
    pub weight: f64,
    /// Mean score of those shipments.
    pub mean: f64,
    /// Standard deviation of their score.
    pub sd: f64,
}

/// P(X > x) for X ~ Normal(0, 1).
#[inline]
pub fn normal_sf(x: f64) -> f64 {
    0.5 * libm::erfc(x / std::f64::consts::SQRT_2)
}

/// The expected share of a mixture above `threshold`.
pub fn share_above(components: &[Component], threshold: f64) -> f64 {
    let total: f64 = components.iter().map(|c| c.weight).sum();
    if total <= 0.0 {
        return 0.0;
    }
    components
        .iter()
        .map(|c| c.weight * normal_sf((threshold - c.mean) / c.sd))
        .sum::<f64>()
        / total
}

/// The threshold above which the expected share of the mixture is `rate` (−∞ at rate 1,
/// +∞ at rate 0), by bisection to 1e-12.
pub fn threshold_for(components: &[Component], rate: f64) -> f64 {
    if rate >= 1.0 {
        return f64::NEG_INFINITY;
    }
    if rate <= 0.0 || components.iter().all(|c| c.weight <= 0.0) {
        return f64::INFINITY;
    }
    let (mut lo, mut hi) = (-1.0, 1.0);
    while share_above(components, lo) < rate {
        lo *= 2.0;
    }
    while share_above(components, hi) > rate {
        hi *= 2.0;
    }
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if share_above(components, mid) > rate {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi - lo < 1e-12 {
            break;
        }
    }
    0.5 * (lo + hi)
}

impl Targeting {
    /// The score's mean for a shipment from `origin`, trusted or not, compliant or not.
    #[inline]
    pub fn mean(&self, origin: CountryId, trusted: bool, non_compliant: bool) -> f64 {
        let mut m = self.origin_risk[origin as usize];
        if trusted {
            m -= self.trusted_discount;
        }
        if non_compliant {
            m += self.separation;
        }
        m
    }
}

impl Targeting {
    /// Adds one import flow's parts to `mix`, the mixture of scores at its customs in
    /// normal operation: `rate` shipments a day from `origin`, split by routine trust and
    /// membership of any programme (`share(trusted, member)`: the flow's share of traders
    /// in that class) and by compliance, with the own-information noise; each part tagged
    /// trusted or not.
    pub fn add_flow(
        &self,
        mix: &mut Vec<(bool, Component)>,
        origin: CountryId,
        rate: f64,
        share: impl Fn(bool, bool) -> f64,
    ) {
        // Classes: trusted in routine assessment or not, crossed with membership of any
        // programme (which sets the non-compliant share).
        for trusted in [true, false] {
            for member in [true, false] {
                let share = share(trusted, member);
                if share <= 0.0 {
                    continue;
                }
                let nc = self.non_compliant[usize::from(!member)];
                for (bad, p) in [(true, nc), (false, 1.0 - nc)] {
                    if p > 0.0 {
                        mix.push((
                            trusted,
                            Component {
                                weight: rate * share * p,
                                mean: self.mean(origin, trusted, bad),
                                sd: self.noise,
                            },
                        ));
                    }
                }
            }
        }
    }

    /// Sets the thresholds and class rates from the country's import `mix` ([`add_flow`]):
    /// level L's threshold meets `target_rate` × `multipliers[L-1]` (the level's
    /// inspection-rate multiplier), capped at 1.
    ///
    /// [`add_flow`]: Targeting::add_flow
    pub fn calibrate(&mut self, mix: &[(bool, Component)], multipliers: [f64; 3]) {
        let all: Vec<Component> = mix.iter().map(|p| p.1).collect();
        let class = |trusted: bool| -> Vec<Component> {
            mix.iter().filter(|p| p.0 == trusted).map(|p| p.1).collect()
        };
        let (trusted, other) = (class(true), class(false));
        let thresholds: [f64; 3] = std::array::from_fn(|k| {
            let rate = (self.target_rate * multipliers[k]).min(1.0);
            threshold_for(&all, rate)
        });
        self.class_rates = thresholds.map(|x| [share_above(&trusted, x), share_above(&other, x)]);
        self.thresholds = thresholds;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_tail_matches_tables() {
        assert!((normal_sf(0.0) - 0.5).abs() < 1e-15);
        assert!((normal_sf(1.959963984540054) - 0.025).abs() < 1e-12);
        assert!((normal_sf(-1.0) - 0.841344746068543).abs() < 1e-12);
    }

    #[test]
    fn threshold_meets_the_rate_of_a_mixture() {
        let mix = [
            Component {
                weight: 9.0,
                mean: 0.0,
                sd: 1.0,
            },
            Component {
                weight: 1.0,
                mean: 2.0,
                sd: 1.0,
            },
        ];
        for rate in [0.01, 0.1, 0.5, 0.9] {
            let t = threshold_for(&mix, rate);
            assert!((share_above(&mix, t) - rate).abs() < 1e-9, "rate {rate}");
        }
        assert_eq!(threshold_for(&mix, 1.0), f64::NEG_INFINITY);
        assert_eq!(threshold_for(&mix, 0.0), f64::INFINITY);
        // One standard normal: the threshold is the normal quantile.
        let one = [Component {
            weight: 1.0,
            mean: 0.0,
            sd: 1.0,
        }];
        assert!((threshold_for(&one, 0.025) - 1.959963984540054).abs() < 1e-9);
    }
}
