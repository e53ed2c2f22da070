//! Risk-based targeting's thresholds, set from the scenario's flows: each targeting
//! country's normal-time import mix (every import flow by its mean rate, the traders'
//! routine trust and membership) goes to [`crate::risk::Targeting::calibrate`]. The
//! scenario is read here, so `risk` need not import it.

use crate::ids::{CountryId, Members};
use crate::risk::Component;
use crate::scenario::Scenario;

/// The mixture of scores at `country`'s customs in normal operation: every import flow
/// into the country by its mean rate, split by routine trust (`routine` programmes) and
/// compliance, with the own-information noise; each part tagged trusted or not.
pub(super) fn import_mix(
    sc: &Scenario,
    country: CountryId,
    routine: Members,
) -> Vec<(bool, Component)> {
    let Some(t) = sc.countries[country as usize].targeting.as_ref() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for f in &sc.flows {
        let origin = sc.nodes[f.origin as usize].country;
        if sc.nodes[f.destination as usize].country != country || origin == country {
            continue;
        }
        let rate = f.rate_per_day
            * f.weekly_profile
                .map_or(1.0, |w| w.iter().sum::<f64>() / 7.0);
        t.add_flow(&mut out, origin, rate, |trusted, member| {
            sc.trader_share(f, |m| m.any(routine) == trusted && (m.0 != 0) == member)
        });
    }
    out
}

/// Sets every targeting country's thresholds from its import mix: level L's threshold
/// meets `target_rate` × the level's inspection-rate multiplier (capped at 1).
/// `in_force` says whether routine assessment recognises the partner programmes (the
/// scenario's `arrangement`).
pub(super) fn calibrate(sc: &mut Scenario, in_force: bool) {
    for c in 0..sc.countries.len() {
        let country = &sc.countries[c];
        if country.targeting.is_none() {
            continue;
        }
        let routine = if in_force {
            country.recognised_programmes
        } else {
            country.own_programmes
        };
        let mix = import_mix(sc, c as CountryId, routine);
        let country = &mut sc.countries[c];
        let multipliers = country.alert_effects.map(|e| e.inspection_rate);
        let t = country.targeting.as_mut().expect("targeting");
        t.calibrate(&mix, multipliers);
    }
}
