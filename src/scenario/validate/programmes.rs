//! `[[programmes]]` and `[[arrangements]]`: trusted-trader programmes, the mutual
//! recognition arrangements between them, and so which programmes each country
//! recognises.

use super::*;

/// Checks `[[programmes]]`: their index by id and the programmes; each country's own
/// programmes are set on `countries`.
pub(super) fn programmes<'r>(
    ck: &mut Checker,
    raw: &'r ScenarioFile,
    country_ix: &HashMap<&str, usize>,
    countries: &mut [Country],
) -> (HashMap<&'r str, usize>, Vec<Programme>) {
    let root = KeyPath::root();
    // [[programmes]] and [[arrangements]]
    let prog_ix = unique(
        ck,
        "programmes",
        raw.programmes.iter().map(|p| p.id.as_str()),
    );
    if raw.programmes.len() > 32 {
        ck.err(
            &root.key("programmes").index(32),
            format!(
                "at most 32 programmes are supported, found {}",
                raw.programmes.len()
            ),
            None,
        );
    }
    let mut programmes = Vec::new();
    for (i, p) in raw.programmes.iter().enumerate() {
        let pp = root.key("programmes").index(i);
        let country = ck
            .resolve(&pp.key("country"), "country", &p.country, country_ix)
            .unwrap_or(0);
        if i < 32
            && let Some(c) = countries.get_mut(country)
        {
            c.own_programmes.0 |= 1 << i;
            c.recognised_programmes.0 |= 1 << i;
        }
        programmes.push(Programme {
            id: p.id.clone(),
            name: p.name.clone().unwrap_or_else(|| p.id.clone()),
            country: country as CountryId,
        });
    }
    (prog_ix, programmes)
}

/// The programmes named by `ids` (at `path`) as a set; unknown ones are errors.
pub(super) fn members_of(
    ck: &mut Checker,
    path: &KeyPath,
    ids: &[String],
    prog_ix: &HashMap<&str, usize>,
) -> Members {
    let mut m = Members(0);
    for (j, id) in ids.iter().enumerate() {
        if let Some(k) = ck.resolve(&path.index(j), "programme", id, prog_ix)
            && k < 32
        {
            m.0 |= 1 << k;
        }
    }
    m
}

/// Checks `[[arrangements]]`; the countries of an arrangement's programmes recognise all
/// of its programmes (set on `countries`).
pub(super) fn arrangements(
    ck: &mut Checker,
    raw: &ScenarioFile,
    prog_ix: &HashMap<&str, usize>,
    programmes: &[Programme],
    countries: &mut [Country],
) -> Vec<Arrangement> {
    let root = KeyPath::root();
    unique(
        ck,
        "arrangements",
        raw.arrangements.iter().map(|a| a.id.as_str()),
    );
    let mut arrangements = Vec::new();
    for (i, a) in raw.arrangements.iter().enumerate() {
        let ap = root.key("arrangements").index(i);
        let m = members_of(ck, &ap.key("programmes"), &a.programmes, prog_ix);
        if m.0.count_ones() < 2 {
            ck.err(
                &ap.key("programmes"),
                "an arrangement needs at least two different programmes",
                None,
            );
        }
        let notice = a.revocation_notice.map_or(0.0, |d| d.0);
        if !(notice >= 0.0 && notice.is_finite()) {
            ck.err(
                &ap.key("revocation_notice"),
                format!("revocation_notice must be ≥ 0 days, found {notice}"),
                None,
            );
        }
        let alert_notice = a.alert_notice.map_or(2.0, |d| d.0);
        if !(alert_notice >= 0.0 && alert_notice.is_finite()) {
            ck.err(
                &ap.key("alert_notice"),
                format!("alert_notice must be ≥ 0 days, found {alert_notice}"),
                None,
            );
        }
        let screening_time = match &a.screening_time {
            Some(d) => ck.dist(&ap.key("screening_time"), d),
            None => Dist::fixed(0.1),
        };
        arrangements.push(Arrangement {
            id: a.id.clone(),
            name: a.name.clone().unwrap_or_else(|| a.id.clone()),
            programmes: m,
            revocation_notice: notice,
            alert_notice,
            screening_time,
        });
    }
    // Each country recognises the partner programmes of every arrangement its own are in:
    // the countries of an arrangement's programmes recognise all of its programmes.
    for a in &arrangements {
        for (k, p) in programmes.iter().enumerate().take(32) {
            if a.programmes.0 & (1 << k) != 0
                && let Some(c) = countries.get_mut(p.country as usize)
            {
                c.recognised_programmes.0 |= a.programmes.0;
            }
        }
    }
    arrangements
}
