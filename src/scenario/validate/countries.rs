//! `[[countries]]`: codes, alert levels and their effects, risk-based targeting.

use super::*;

/// Checks `[[countries]]`: their index by code and the countries (programmes are added
/// to them later, by [`super::programmes::programmes`] and the arrangements).
pub(super) fn countries<'r>(
    ck: &mut Checker,
    raw: &'r ScenarioFile,
) -> (HashMap<&'r str, usize>, Vec<Country>) {
    let root = KeyPath::root();
    // [[countries]]
    let country_ix = unique(
        ck,
        "countries",
        raw.countries.iter().map(|c| c.code.as_str()),
    );
    let mut countries = Vec::new();
    for (i, c) in raw.countries.iter().enumerate() {
        let p = root.key("countries").index(i);
        if !(c.code.len() == 2 && c.code.chars().all(|ch| ch.is_ascii_uppercase())) {
            ck.err(
                &p.key("code"),
                format!("`{}` is not an ISO 3166 alpha-2 code", c.code),
                Some("two capital letters, e.g. \"JP\", \"US\"".into()),
            );
        }
        let level = c.alert_level.unwrap_or(1);
        if !(1..=3).contains(&level) {
            ck.err(
                &p.key("alert_level"),
                format!("alert level must be 1, 2 or 3, found {level}"),
                None,
            );
        }
        let mut effects = [AlertEffect::NONE; 3];
        let mut seen = [false; 3];
        for (j, l) in c.alert_levels.iter().enumerate() {
            let lp = p.key("alert_levels").index(j);
            if !(1..=3).contains(&l.level) {
                ck.err(
                    &lp.key("level"),
                    format!("alert level must be 1, 2 or 3, found {}", l.level),
                    None,
                );
                continue;
            }
            let k = (l.level - 1) as usize;
            if seen[k] {
                ck.err(
                    &lp.key("level"),
                    format!("alert level {} is given twice", l.level),
                    None,
                );
            }
            seen[k] = true;
            let mut m = |v: Option<f64>, key: &str| {
                let v = v.unwrap_or(1.0);
                ck.positive(&lp.key(key), v, key)
            };
            effects[k] = AlertEffect {
                inspection_rate: m(l.inspection_rate, "inspection_rate"),
                inspection_time: m(l.inspection_time, "inspection_time"),
                handling_slowdown: m(l.handling_slowdown, "handling_slowdown"),
            };
        }
        let targeting = c
            .targeting
            .as_ref()
            .map(|t| targeting(ck, &p.key("targeting"), t, &country_ix, raw.countries.len()));
        countries.push(Country {
            code: c.code.clone(),
            name: c.name.clone().unwrap_or_else(|| c.code.clone()),
            alert_level: level.clamp(1, 3),
            alert_effects: effects,
            own_programmes: Members(0),
            recognised_programmes: Members(0),
            targeting,
        });
    }
    (country_ix, countries)
}

/// A country's `[countries.targeting]`, checked; thresholds are set later, from the
/// flows (`targeting::calibrate`).
fn targeting(
    ck: &mut Checker,
    path: &KeyPath,
    t: &super::file::TargetingFile,
    country_ix: &HashMap<&str, usize>,
    countries: usize,
) -> crate::risk::Targeting {
    let share = |ck: &mut Checker, key: &KeyPath, v: f64, what: &str| {
        if !(0.0..=1.0).contains(&v) {
            ck.err(
                key,
                format!("{what} must be a share between 0 and 1, found {v}"),
                None,
            );
        }
        v
    };
    let target_rate = share(ck, &path.key("target_rate"), t.target_rate, "target_rate");
    let separation = ck.positive(
        &path.key("separation"),
        t.separation.unwrap_or(2.0),
        "separation",
    );
    let noise = ck.positive(&path.key("noise"), t.noise.unwrap_or(1.0), "noise");
    let noise_shared = ck.positive(
        &path.key("noise_shared"),
        t.noise_shared.unwrap_or(noise),
        "noise_shared",
    );
    let trusted_discount = t.trusted_discount.unwrap_or(0.0);
    if !(trusted_discount >= 0.0 && trusted_discount.is_finite()) {
        ck.err(
            &path.key("trusted_discount"),
            format!("trusted_discount must be ≥ 0, found {trusted_discount}"),
            None,
        );
    }
    let mut origin_risk = vec![0.0; countries];
    for (code, &v) in &t.origin_risk {
        let key = path.key("origin_risk");
        if let Some(i) = ck.resolve(&key.key(code), "country", code, country_ix) {
            if !v.is_finite() {
                ck.err(
                    &key.key(code),
                    format!("origin risk must be a number, found {v}"),
                    None,
                );
            }
            origin_risk[i] = v;
        }
    }
    let non_compliant = match &t.non_compliant {
        Some(n) => {
            let np = path.key("non_compliant");
            [
                share(ck, &np.key("trusted"), n.trusted, "non_compliant.trusted"),
                share(
                    ck,
                    &np.key("ordinary"),
                    n.ordinary,
                    "non_compliant.ordinary",
                ),
            ]
        }
        None => [0.0, 0.0],
    };
    crate::risk::Targeting {
        target_rate,
        separation,
        noise,
        noise_shared,
        trusted_discount,
        origin_risk,
        non_compliant,
        thresholds: [f64::INFINITY; 3],
        class_rates: [[0.0; 2]; 3],
    }
}
