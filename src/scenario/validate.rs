//! Raw file → validated [`Scenario`]: references, ranges, reachability and stability.
//! All errors found are reported together, each pointing at its key.

use super::error::{Format, KeyPath, Locator, ScenarioError, did_you_mean};
use super::file::{ResponseFile, ScenarioFile};
use super::*;
use crate::disruption::{Attenuation, Damage, Disruption, Effect, NodeDamage, Recovery};
use crate::distribution::{Dist, DistSpec};
use crate::policy::Strategy;
use std::collections::{HashMap, HashSet};

/// Errors listed in full (position, snippet, suggestion). Past this many, further errors
/// are only counted, so a file with thousands of mistakes costs no more to check than a
/// good one; a last entry gives the total.
pub const MAX_LISTED_ERRORS: usize = 100;

/// The longest horizon, days (274 years): a replication keeps daily series per node and
/// scope, so a horizon of 10¹⁵ days would exhaust memory before the first event.
pub const MAX_HORIZON_DAYS: f64 = 100_000.0;
/// The most servers or inspectors at one node (damage and recovery act server by server).
pub const MAX_SERVERS: u32 = 100_000;
/// The most shipments one replication may be expected to create (Σ rate × horizon).
pub const MAX_SHIPMENTS: f64 = 1e8;
/// Most replications per strategy in one run (10⁷: ten times the largest studies MODEL.md
/// names; more would run for months and keep a checkpoint of gigabytes).
pub const MAX_REPLICATIONS: u64 = 10_000_000;

/// The text being validated, for locating errors.
pub(super) struct Source<'a> {
    pub file: &'a str,
    pub text: &'a str,
    pub format: Format,
}

struct Checker<'a> {
    file: &'a str,
    /// Parses the document once, on the first error, for every error's position.
    locator: Locator<'a>,
    errors: Vec<ScenarioError>,
    /// Errors found after [`MAX_LISTED_ERRORS`], counted only.
    omitted: usize,
}

impl<'a> Checker<'a> {
    fn new(src: Source<'a>) -> Self {
        Checker {
            file: src.file,
            locator: Locator::new(src.file, src.text, src.format),
            errors: Vec::new(),
            omitted: 0,
        }
    }

    /// True once [`MAX_LISTED_ERRORS`] errors are listed: later ones are only counted.
    fn full(&self) -> bool {
        self.errors.len() >= MAX_LISTED_ERRORS
    }

    /// True if any error was found.
    fn failed(&self) -> bool {
        !self.errors.is_empty()
    }

    fn err(&mut self, path: &KeyPath, message: impl Into<String>, help: Option<String>) {
        if self.full() {
            self.omitted += 1;
            return;
        }
        let e = self.locator.error(path, message, help);
        self.errors.push(e);
    }

    /// The errors found, with a last entry counting those not listed.
    fn into_errors(mut self) -> ScenarioErrors {
        if self.omitted > 0 {
            let total = self.errors.len() + self.omitted;
            self.errors.push(ScenarioError::summary(
                self.file,
                format!(
                    "{} more problems are not listed ({total} in all; the first {} are above): fix those and validate again",
                    self.omitted,
                    self.errors.len()
                ),
            ));
        }
        ScenarioErrors(self.errors)
    }

    /// Resolves an id among `names`, or records "no such X" with a suggestion.
    fn resolve(
        &mut self,
        path: &KeyPath,
        what: &str,
        id: &str,
        index: &HashMap<&str, usize>,
    ) -> Option<usize> {
        if let Some(&i) = index.get(id) {
            return Some(i);
        }
        if self.full() {
            self.omitted += 1;
            return None;
        }
        let help = match did_you_mean(id, index.keys().copied()) {
            Some(s) => Some(format!("did you mean `{s}`?")),
            None if index.is_empty() => Some(format!("this scenario defines no {what}s")),
            None => {
                let mut known: Vec<&str> = index.keys().copied().collect();
                known.sort_unstable();
                let more = known.len().saturating_sub(12);
                known.truncate(12);
                let list = known
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                Some(if more > 0 {
                    format!("known {what}s: {list} and {more} more")
                } else {
                    format!("known {what}s: {list}")
                })
            }
        };
        self.err(path, format!("no {what} `{id}`"), help);
        None
    }

    fn dist(&mut self, path: &KeyPath, spec: &DistSpec) -> Dist {
        match spec.build() {
            Ok(d) => d,
            Err(e) => {
                self.err(path, format!("bad {} distribution: {e}", spec.name()), None);
                Dist::fixed(0.0)
            }
        }
    }

    fn positive(&mut self, path: &KeyPath, v: f64, what: &str) -> f64 {
        if !(v.is_finite() && v > 0.0) {
            self.err(
                path,
                format!("{what} must be a number > 0, found {v}"),
                None,
            );
        }
        v
    }
}

/// A country's `[countries.targeting]`, checked; thresholds are set later, from the
/// flows (`risk::calibrate`).
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

fn unique<'a>(
    ck: &mut Checker,
    section: &str,
    ids: impl Iterator<Item = &'a str>,
) -> HashMap<&'a str, usize> {
    let mut map = HashMap::new();
    for (i, id) in ids.enumerate() {
        if id.is_empty() {
            ck.err(
                &KeyPath::root().key(section).index(i),
                "an id must not be empty",
                None,
            );
        }
        if let Some(first) = map.insert(id, i) {
            ck.err(
                &KeyPath::root().key(section).index(i),
                format!("duplicate id `{id}` (first used by {section}[{first}])"),
                Some("ids must be unique within a section".into()),
            );
            map.insert(id, first);
        }
    }
    map
}

pub(super) fn validate(raw: ScenarioFile, src: Source<'_>) -> Result<Scenario, ScenarioErrors> {
    let mut ck = Checker::new(src);
    let root = KeyPath::root();
    let sc = &raw.scenario;
    let sp = root.key("scenario");

    // [scenario]
    if sc.name.is_empty()
        || !sc
            .name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        || sc.name.starts_with('.')
    {
        ck.err(
            &sp.key("name"),
            format!("`{}` cannot name an output folder", sc.name),
            Some("use letters, digits, `-`, `_` and `.` only".into()),
        );
    }
    let horizon = ck.positive(&sp.key("horizon"), sc.horizon.0, "horizon (days)");
    if horizon > MAX_HORIZON_DAYS {
        ck.err(
            &sp.key("horizon"),
            format!("horizon must be at most {MAX_HORIZON_DAYS} days, found {horizon}"),
            Some("a replication keeps daily series; split a longer study into replications".into()),
        );
    }
    let warmup = sc.warmup.map_or(0.0, |d| d.0);
    if !(warmup >= 0.0 && warmup < horizon) {
        ck.err(
            &sp.key("warmup"),
            format!(
                "warmup must be ≥ 0 and shorter than the horizon ({horizon} days), found {warmup}"
            ),
            None,
        );
    }
    let replications = sc.replications.unwrap_or(1);
    if replications == 0 {
        ck.err(
            &sp.key("replications"),
            "replications must be at least 1, found 0",
            None,
        );
    } else if replications > MAX_REPLICATIONS {
        ck.err(
            &sp.key("replications"),
            format!("replications must be at most {MAX_REPLICATIONS}, found {replications}"),
            Some("for a precision rather than a count, use target_ci with a cap".into()),
        );
    }
    let teu = sc.teu_per_shipment.unwrap_or(1.0);
    ck.positive(&sp.key("teu_per_shipment"), teu, "teu_per_shipment");
    let baseline_days = sc.baseline_days.map_or(28.0, |d| d.0);
    ck.positive(&sp.key("baseline_days"), baseline_days, "baseline_days");
    let window_days = sc.window_days.map_or(7.0, |d| d.0);
    if !(window_days >= 1.0 && window_days.fract() == 0.0) {
        ck.err(
            &sp.key("window_days"),
            format!("window_days must be a whole number of days ≥ 1, found {window_days}"),
            None,
        );
    }
    let review_days = sc.review_days.map_or(7.0, |d| d.0);
    if !(review_days >= 1.0 && review_days.fract() == 0.0 && review_days <= MAX_HORIZON_DAYS) {
        ck.err(
            &sp.key("review_days"),
            format!("review_days must be a whole number of days ≥ 1, found {review_days}"),
            Some("carriers review their port choice at day ends, every review_days days".into()),
        );
    }
    let memory_budget = sc.memory_budget.as_deref().and_then(|b| {
        crate::input::parse_bytes(b)
            .map_err(|e| {
                ck.err(
                    &sp.key("memory_budget"),
                    e,
                    Some("the memory the run's shipments may take, e.g. \"8GiB\"".into()),
                )
            })
            .ok()
    });
    let tolerance = sc.tolerance.unwrap_or(0.05);
    if !(0.0..1.0).contains(&tolerance) {
        ck.err(
            &sp.key("tolerance"),
            format!("tolerance must be in [0, 1), found {tolerance}"),
            None,
        );
    }
    let hold_days = sc.hold_days.map_or(28.0, |d| d.0);
    if !(hold_days >= 0.0 && hold_days.is_finite()) {
        ck.err(
            &sp.key("hold_days"),
            format!("hold_days must be a number of days ≥ 0, found {hold_days}"),
            Some("28 (four weeks) is the default; below window_days it is window_days".into()),
        );
    }
    let target_ci = sc.target_ci.as_ref().and_then(|t| {
        let tp = sp.key("target_ci");
        let half_width = match &t.half_width {
            crate::scenario::file::HalfWidthFile::Days(d) => {
                crate::scenario::HalfWidth::parse(&d.to_string())
            }
            crate::scenario::file::HalfWidthFile::Text(s) => crate::scenario::HalfWidth::parse(s),
        };
        let half_width = match half_width {
            Ok(h) => Some(h),
            Err(e) => {
                ck.err(&tp.key("half_width"), e, None);
                None
            }
        };
        let measures = t
            .measures
            .clone()
            .unwrap_or_else(|| vec!["recovery.system.ttr_days".into()]);
        if measures.is_empty() {
            ck.err(
                &tp.key("measures"),
                "measures is empty: name at least one, e.g. \"recovery.system.ttr_days\"",
                None,
            );
        }
        for (j, m) in measures.iter().enumerate() {
            if let Err(e) = crate::scenario::check_target_measure(
                m,
                raw.countries.iter().map(|c| c.code.as_str()),
            ) {
                ck.err(&tp.key("measures").index(j), e.0, Some(e.1));
            }
        }
        half_width.map(|half_width| crate::scenario::TargetCi {
            half_width,
            measures,
            strategies: t.strategies.clone().unwrap_or_default(),
        })
    });

    // [[countries]]
    let country_ix = unique(
        &mut ck,
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
        let targeting = c.targeting.as_ref().map(|t| {
            targeting(
                &mut ck,
                &p.key("targeting"),
                t,
                &country_ix,
                raw.countries.len(),
            )
        });
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

    // [[programmes]] and [[arrangements]]
    let prog_ix = unique(
        &mut ck,
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
            .resolve(&pp.key("country"), "country", &p.country, &country_ix)
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
    let members_of = |ck: &mut Checker, path: &KeyPath, ids: &[String]| -> Members {
        let mut m = Members(0);
        for (j, id) in ids.iter().enumerate() {
            if let Some(k) = ck.resolve(&path.index(j), "programme", id, &prog_ix)
                && k < 32
            {
                m.0 |= 1 << k;
            }
        }
        m
    };
    unique(
        &mut ck,
        "arrangements",
        raw.arrangements.iter().map(|a| a.id.as_str()),
    );
    let mut arrangements = Vec::new();
    for (i, a) in raw.arrangements.iter().enumerate() {
        let ap = root.key("arrangements").index(i);
        let m = members_of(&mut ck, &ap.key("programmes"), &a.programmes);
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

    // [[nodes]]
    if raw.nodes.is_empty() {
        ck.err(
            &root.key("nodes"),
            "a scenario needs at least one node",
            None,
        );
    }
    let node_ix = unique(&mut ck, "nodes", raw.nodes.iter().map(|n| n.id.as_str()));
    let mut nodes = Vec::new();
    for (i, n) in raw.nodes.iter().enumerate() {
        let np = root.key("nodes").index(i);
        let country = ck
            .resolve(&np.key("country"), "country", &n.country, &country_ix)
            .unwrap_or(0);
        if !(-90.0..=90.0).contains(&n.lat) {
            ck.err(
                &np.key("lat"),
                format!("latitude must be in [-90, 90], found {}", n.lat),
                None,
            );
        }
        if !(-180.0..=180.0).contains(&n.lon) {
            ck.err(
                &np.key("lon"),
                format!("longitude must be in [-180, 180], found {}", n.lon),
                None,
            );
        }
        if n.servers == 0 || n.servers > MAX_SERVERS {
            ck.err(
                &np.key("servers"),
                format!(
                    "servers must be at least 1 and at most {MAX_SERVERS}, found {}",
                    n.servers
                ),
                Some("servers are parallel service channels: berths, lanes, cranes".into()),
            );
        }
        let service = ck.dist(&np.key("service"), &n.service);
        let customs = n.customs.as_ref().map(|c| {
            let cp = np.key("customs");
            if c.inspectors == 0 || c.inspectors > MAX_SERVERS {
                ck.err(
                    &cp.key("inspectors"),
                    format!(
                        "inspectors must be at least 1 and at most {MAX_SERVERS}, found {}",
                        c.inspectors
                    ),
                    None,
                );
            }
            for (key, v) in [
                ("trusted", c.inspection_rate.trusted),
                ("ordinary", c.inspection_rate.ordinary),
            ] {
                if !(0.0..=1.0).contains(&v) {
                    ck.err(
                        &cp.key("inspection_rate").key(key),
                        format!("an inspection rate is a probability in [0, 1], found {v}"),
                        None,
                    );
                }
            }
            let inspection = ck.dist(&cp.key("inspection"), &c.inspection);
            let clearance = match &c.clearance {
                Some(d) => ck.dist(&cp.key("clearance"), d),
                None => Dist::fixed(0.0),
            };
            let trusted_clearance = match &c.trusted_clearance {
                Some(d) => ck.dist(&cp.key("trusted_clearance"), d),
                None => clearance.clone(),
            };
            Customs {
                inspectors: c.inspectors,
                inspection,
                clearance,
                trusted_clearance,
                rate_trusted: c.inspection_rate.trusted,
                rate_ordinary: c.inspection_rate.ordinary,
            }
        });
        nodes.push(Node {
            id: n.id.clone(),
            name: n.name.clone().unwrap_or_else(|| n.id.clone()),
            kind: n.kind,
            country: country as CountryId,
            lat: n.lat,
            lon: n.lon,
            servers: n.servers,
            service,
            customs,
        });
    }

    // [[routes]] (bidirectional ones expand into two directed routes)
    let mut routes: Vec<Route> = Vec::new();
    let mut route_paths: Vec<KeyPath> = Vec::new();
    for (i, r) in raw.routes.iter().enumerate() {
        let rp = root.key("routes").index(i);
        let from = ck.resolve(&rp.key("from"), "node", &r.from, &node_ix);
        let to = ck.resolve(&rp.key("to"), "node", &r.to, &node_ix);
        let transit = ck.dist(&rp.key("transit"), &r.transit);
        let headway = match r.capacity_per_day {
            Some(c) => 1.0 / ck.positive(&rp.key("capacity_per_day"), c, "capacity_per_day"),
            None => 0.0,
        };
        let (Some(from), Some(to)) = (from, to) else {
            continue;
        };
        if from == to {
            ck.err(
                &rp.key("to"),
                format!(
                    "a route must join two different nodes; both ends are `{}`",
                    r.from
                ),
                None,
            );
            continue;
        }
        let id =
            r.id.clone()
                .unwrap_or_else(|| format!("{}-{}", r.from, r.to));
        let mut push = |id: String, a: usize, b: usize| {
            routes.push(Route {
                id,
                from: a as NodeId,
                to: b as NodeId,
                mode: r.mode,
                transit: transit.clone(),
                headway,
            });
            route_paths.push(rp.clone());
        };
        push(id.clone(), from, to);
        if r.bidirectional {
            let rev = if r.id.is_some() {
                format!("{id}-rev")
            } else {
                format!("{}-{}", r.to, r.from)
            };
            push(rev, to, from);
        }
    }
    let mut route_ix: HashMap<&str, usize> = HashMap::new();
    for (i, r) in routes.iter().enumerate() {
        if let Some(first) = route_ix.insert(r.id.as_str(), i) {
            ck.err(
                &route_paths[i],
                format!(
                    "route id `{}` is used twice (routes have ids \"FROM-TO\" unless given)",
                    r.id
                ),
                Some(format!(
                    "give one of them an `id`; the first is at {}",
                    route_paths[first]
                )),
            );
        }
    }
    let network = Network::new(
        nodes.len(),
        &routes
            .iter()
            .map(|r| (r.from, r.to, r.transit.mean()))
            .collect::<Vec<_>>(),
    );
    // Routing with every route open, per destination, computed once per distinct
    // destination (flows and alternates share them) and kept as `Scenario::routing`.
    let mut routing: Vec<Option<RoutingTable>> = vec![None; nodes.len()];
    let reaches = |routing: &mut [Option<RoutingTable>], from: usize, to: usize| {
        routing[to]
            .get_or_insert_with(|| network.routing_to(to as NodeId, |_| true))
            .distance[from]
            .is_finite()
    };

    // [[flows]]
    if raw.flows.is_empty() {
        ck.err(
            &root.key("flows"),
            "a scenario needs at least one flow",
            None,
        );
    }
    unique(&mut ck, "flows", raw.flows.iter().map(|f| f.id.as_str()));
    let mut flows = Vec::new();
    for (i, f) in raw.flows.iter().enumerate() {
        let fp = root.key("flows").index(i);
        let origin = ck.resolve(&fp.key("origin"), "node", &f.origin, &node_ix);
        let destination = ck.resolve(&fp.key("destination"), "node", &f.destination, &node_ix);
        ck.positive(&fp.key("rate_per_day"), f.rate_per_day, "rate_per_day");
        let weekly_profile = f.weekly_profile.as_ref().and_then(|w| {
            if w.len() != 7 || w.iter().any(|x| !(x.is_finite() && *x >= 0.0)) || w.iter().sum::<f64>() <= 0.0 {
                ck.err(&fp.key("weekly_profile"), format!("weekly_profile needs 7 multipliers ≥ 0 (Monday first), not all 0; found {} values", w.len()), None);
                None
            } else {
                let mut a = [0.0; 7];
                a.copy_from_slice(w);
                Some(a)
            }
        });
        let value = match &f.value {
            Some(d) => ck.dist(&fp.key("value"), d),
            None => Dist::fixed(0.0),
        };
        let mut traders = Vec::new();
        let mut cum = 0.0;
        for (j, t) in f.traders.iter().enumerate() {
            let tp = fp.key("traders").index(j);
            if !(t.share > 0.0 && t.share <= 1.0) {
                ck.err(
                    &tp.key("share"),
                    format!("a share must be in (0, 1], found {}", t.share),
                    None,
                );
            }
            cum += t.share;
            let m = members_of(&mut ck, &tp.key("programmes"), &t.programmes);
            traders.push((cum, m));
        }
        if cum > 1.0 + 1e-9 {
            ck.err(&fp.key("traders"), format!("trader shares sum to {cum}, more than 1"), Some("the shares are fractions of the flow's shipments; what is left over belongs to no programme".into()));
        }
        let (Some(o), Some(d)) = (origin, destination) else {
            continue;
        };
        let path = match &f.path {
            Some(ids) => {
                let pp = fp.key("path");
                let mut nodes_on = Vec::new();
                for (j, id) in ids.iter().enumerate() {
                    if let Some(k) = ck.resolve(&pp.index(j), "node", id, &node_ix) {
                        nodes_on.push(k);
                    }
                }
                if nodes_on.len() != ids.len() {
                    None
                } else if nodes_on.first() != Some(&o) || nodes_on.last() != Some(&d) {
                    ck.err(
                        &pp,
                        format!(
                            "a path must start at the origin `{}` and end at the destination `{}`",
                            f.origin, f.destination
                        ),
                        None,
                    );
                    None
                } else {
                    let mut rs = Vec::new();
                    for (j, w) in nodes_on.windows(2).enumerate() {
                        // The quickest of the routes joining the two nodes.
                        let best = network
                            .routes_from(w[0] as NodeId)
                            .filter(|&r| routes[r as usize].to == w[1] as NodeId)
                            .min_by(|&a, &b| {
                                routes[a as usize]
                                    .transit
                                    .mean()
                                    .total_cmp(&routes[b as usize].transit.mean())
                                    .then(a.cmp(&b))
                            });
                        match best {
                            Some(r) => rs.push(r),
                            None => ck.err(
                                &pp.index(j + 1),
                                format!("no route from `{}` to `{}`", ids[j], ids[j + 1]),
                                Some("add a [[routes]] entry or change the path".into()),
                            ),
                        }
                    }
                    Some(rs)
                }
            }
            None => {
                if !reaches(&mut routing, o, d) {
                    ck.err(
                        &fp.key("destination"),
                        format!("destination `{}` cannot be reached from origin `{}` over the routes given", f.destination, f.origin),
                        Some("add a route (or a chain of routes) between them".into()),
                    );
                }
                None
            }
        };
        let mut alternates = Vec::new();
        for (j, a) in f.alternates.iter().enumerate() {
            let ap = fp.key("alternates").index(j);
            if let Some(k) = ck.resolve(&ap, "node", a, &node_ix) {
                if k == d {
                    ck.err(
                        &ap,
                        format!("`{a}` is the flow's destination; alternates are other ports"),
                        None,
                    );
                } else if nodes[k].country != nodes[d].country {
                    ck.err(
                        &ap,
                        format!(
                            "alternate `{a}` is in another country than the destination `{}`: cargo delivered there would not reach its market",
                            f.destination
                        ),
                        Some("name ports of the destination's country".into()),
                    );
                } else if !reaches(&mut routing, o, k) {
                    ck.err(
                        &ap,
                        format!(
                            "alternate `{a}` cannot be reached from origin `{}`",
                            f.origin
                        ),
                        None,
                    );
                } else if f.path.is_some() {
                    ck.err(&ap, "a flow with an explicit `path` cannot be diverted; drop `path` or `alternates`", None);
                } else {
                    alternates.push(k as NodeId);
                }
            }
        }
        let response = shipper_response(
            &mut ck,
            &fp.key("response"),
            f.response.as_ref(),
            raw.response.as_ref(),
        );
        flows.push(Flow {
            id: f.id.clone(),
            alternates,
            substitutes: Vec::new(),
            response,
            origin: o as NodeId,
            destination: d as NodeId,
            rate_per_day: f.rate_per_day,
            weekly_profile,
            value,
            path,
            traders,
        });
    }

    // Substitutes, once every flow is known: same destination country, origin reachable.
    if let Some(r) = &raw.response {
        check_response(&mut ck, &root.key("response"), r);
    }
    let flow_ix: HashMap<&str, usize> = flows
        .iter()
        .enumerate()
        .map(|(k, f)| (f.id.as_str(), k))
        .collect();
    let mut substitutes = vec![Vec::new(); flows.len()];
    for (i, f) in raw.flows.iter().enumerate() {
        let Some(&k) = flow_ix.get(f.id.as_str()) else {
            continue;
        };
        for (j, id) in f.substitutes.iter().enumerate() {
            let sp = root.key("flows").index(i).key("substitutes").index(j);
            let Some(t) = ck.resolve(&sp, "flow", id, &flow_ix) else {
                continue;
            };
            let (this, sub) = (&flows[k], &flows[t]);
            let country = |n: NodeId| nodes[n as usize].country;
            if t == k {
                ck.err(
                    &sp,
                    format!("flow `{id}` cannot be its own substitute"),
                    None,
                );
            } else if country(sub.destination) != country(this.destination) {
                ck.err(
                    &sp,
                    format!(
                        "substitute `{id}` goes to another country than `{}`: shifted cargo would not reach its market",
                        f.id
                    ),
                    Some("name flows to the same destination country".into()),
                );
            } else {
                let (o, so) = (this.origin as usize, sub.origin as usize);
                let land = if o == so {
                    0.0
                } else {
                    routing[so]
                        .get_or_insert_with(|| network.routing_to(so as NodeId, |_| true))
                        .distance[o]
                };
                if land.is_finite() {
                    substitutes[k].push((t as u32, land));
                } else {
                    ck.err(
                        &sp,
                        format!(
                            "the origin `{}` of substitute `{id}` cannot be reached from `{}` over the routes given",
                            nodes[so].id, f.origin
                        ),
                        Some("add a road or rail route between the two origins (the land leg)".into()),
                    );
                }
            }
        }
    }
    for (f, s) in flows.iter_mut().zip(substitutes) {
        f.substitutes = s;
    }

    // Demand the engine can hold: a free handling time (`service = 0`) escapes the
    // stability check, but not this.
    let shipments: f64 = flows
        .iter()
        .map(|f| {
            f.rate_per_day
                * f.weekly_profile
                    .map_or(1.0, |w| w.iter().sum::<f64>() / 7.0)
        })
        .sum::<f64>()
        * horizon;
    if shipments > MAX_SHIPMENTS && horizon <= MAX_HORIZON_DAYS {
        ck.err(
            &root.key("flows"),
            format!(
                "the flows would create about {shipments:.3e} shipments in a replication of {horizon} days; at most {MAX_SHIPMENTS:.0e} can be simulated"
            ),
            Some("lower rate_per_day or the horizon".into()),
        );
    }

    // Strategies: presets, then the file's own.
    let arrangement = sc
        .arrangement
        .unwrap_or(crate::scenario::file::Arrangement::InForce);
    let mut strategies = Strategy::presets(arrangement);
    let preset_count = strategies.len();
    let mut strategy_names: HashSet<String> = strategies.iter().map(|x| x.name.clone()).collect();
    for (i, s) in raw.strategies.iter().enumerate() {
        let spth = root.key("strategies").index(i);
        if !strategy_names.insert(s.name.clone()) {
            let what = if strategies[..preset_count].iter().any(|x| x.name == s.name) {
                "a preset"
            } else {
                "an earlier strategy"
            };
            ck.err(
                &spth.key("name"),
                format!("strategy `{}` is already defined ({what})", s.name),
                Some("choose another name".into()),
            );
            continue;
        }
        let b = strategies[..preset_count]
            .iter()
            .find(|x| x.name == Strategy::DEFAULTS)
            .expect("the defaults preset");
        strategies.push(Strategy {
            name: s.name.clone(),
            description: s.description.clone().unwrap_or_default(),
            priority: s.priority.unwrap_or(b.priority),
            recognition: s.recognition.unwrap_or(b.recognition),
            alert_relief: s.alert_relief.unwrap_or(b.alert_relief),
            reroute: s.reroute.unwrap_or(b.reroute),
            when: s.when.unwrap_or(b.when),
            notice: s.notice.unwrap_or(b.notice),
            information: s.information.unwrap_or(b.information),
            arrangement: s.arrangement.unwrap_or(b.arrangement),
            data_exchange: s.data_exchange.unwrap_or(b.data_exchange),
            resumption: s.resumption.unwrap_or(b.resumption),
            alert_notice: s.alert_notice.unwrap_or(b.alert_notice),
            screening: s.screening.unwrap_or(b.screening),
            reopening: s.reopening.unwrap_or(b.reopening),
        });
    }
    if let Some(names) = sc.target_ci.as_ref().and_then(|t| t.strategies.as_ref()) {
        for (j, n) in names.iter().enumerate() {
            if !strategy_names.contains(n) {
                let mut known: Vec<&str> = strategies.iter().map(|x| x.name.as_str()).collect();
                known.sort_unstable();
                ck.err(
                    &sp.key("target_ci").key("strategies").index(j),
                    format!("no strategy named `{n}`"),
                    Some(format!("one of: {}", known.join(", "))),
                );
            }
        }
    }
    let mut ablation = Vec::new();
    if sc.ablation == Some(true) {
        let find = |n: &str| {
            strategies
                .iter()
                .position(|x| x.name == n)
                .expect("a preset")
        };
        let (b, j) = (find("baseline"), find("joint"));
        ablation = vec![b, j];
        for a in crate::policy::ablation_strategies(&strategies[b], &strategies[j]) {
            if strategy_names.contains(&a.name) {
                ck.err(
                    &sp.key("ablation"),
                    format!(
                        "a strategy of the file is named `{}`, a name the ablation uses; \
                         rename it",
                        a.name
                    ),
                    None,
                );
            }
            strategy_names.insert(a.name.clone());
            strategies.push(a);
            ablation.push(strategies.len() - 1);
        }
    }
    let mut default_strategies = Vec::new();
    match &sc.strategies {
        Some(names) => {
            let ix: HashMap<&str, usize> = strategies
                .iter()
                .enumerate()
                .map(|(i, s)| (s.name.as_str(), i))
                .collect();
            let mut chosen = vec![false; strategies.len()];
            for (j, n) in names.iter().enumerate() {
                if let Some(k) = ck.resolve(&sp.key("strategies").index(j), "strategy", n, &ix)
                    && !std::mem::replace(&mut chosen[k], true)
                {
                    default_strategies.push(k);
                }
            }
            if names.is_empty() {
                ck.err(&sp.key("strategies"), "name at least one strategy", None);
            }
        }
        None if !ablation.is_empty() => default_strategies = ablation,
        None => default_strategies = (0..strategies.len()).collect(),
    }

    let disruptions = disruptions(
        &mut ck,
        &raw,
        &nodes,
        &routes,
        warmup + baseline_days,
        &country_ix,
        &node_ix,
        &route_ix,
        &prog_ix,
    );

    if ck.failed() {
        return Err(ck.into_errors());
    }
    let mut scenario = Scenario {
        name: sc.name.clone(),
        description: sc.description.clone(),
        assumptions: sc.assumptions.clone().unwrap_or_default(),
        sweep: raw.sweep.clone(),
        horizon,
        warmup,
        seed: sc.seed.unwrap_or(1),
        replications,
        teu_per_shipment: teu,
        baseline_days,
        window_days,
        tolerance,
        hold_days,
        target_ci,
        review_days,
        memory_budget,
        timeseries_scopes: {
            use super::file::ScopeKindFile as K;
            let kinds = sc.timeseries_scopes.as_deref().unwrap_or(&[]);
            crate::measure::ScopeKinds {
                node: kinds.contains(&K::Node),
                country: kinds.contains(&K::Country),
                flow: kinds.contains(&K::Flow),
            }
        },
        countries,
        nodes,
        routes,
        flows,
        programmes,
        arrangements,
        strategies,
        default_strategies,
        network,
        disruptions,
        source: String::new(),
        format: Format::Toml,
        routing: Vec::new(),
        static_paths: Vec::new(),
    };
    // The same tables as `Scenario::static_routing`, reusing those computed above.
    for f in &scenario.flows {
        for &d in std::iter::once(&f.destination).chain(&f.alternates) {
            routing[d as usize].get_or_insert_with(|| scenario.network.routing_to(d, |_| true));
        }
    }
    scenario.static_paths = scenario
        .flows
        .iter()
        .map(|f| {
            let mut path = Vec::new();
            if f.path.is_none()
                && let Some(t) = &routing[f.destination as usize]
            {
                let mut node = f.origin;
                // A shortest path visits each node at most once.
                while node != f.destination && path.len() < scenario.nodes.len() {
                    let Some(r) = t.next[node as usize] else {
                        break;
                    };
                    path.push(PathStep {
                        route: r,
                        from: node,
                    });
                    node = scenario.routes[r as usize].to;
                }
            }
            path
        })
        .collect();
    scenario.routing = routing;
    crate::risk::calibrate(
        &mut scenario,
        arrangement == crate::scenario::file::Arrangement::InForce,
    );

    // Stability: every server group must be below 100% busy in normal operation.
    let load = scenario.baseline_load();
    for (i, l) in load.nodes.iter().enumerate() {
        let np = root.key("nodes").index(i);
        if l.handling_utilisation >= 1.0 {
            ck.err(
                &np.key("servers"),
                format!(
                    "node `{}` is overloaded: baseline utilisation {:.3} ≥ 1 ({:.2} shipments/day × {:.4} days mean service / {} servers)",
                    scenario.nodes[i].id, l.handling_utilisation, l.arrivals_per_day, scenario.nodes[i].service.mean() * l.slowdown, scenario.nodes[i].servers
                ),
                Some(format!("add servers (at least {}), shorten `service`, or lower the flows through it", (l.handling_utilisation * scenario.nodes[i].servers as f64).floor() as u64 + 1)),
            );
        }
        if l.customs_utilisation >= 1.0 {
            ck.err(
                &np.key("customs").key("inspectors"),
                format!(
                    "customs at node `{}` is overloaded: baseline inspector utilisation {:.3} ≥ 1",
                    scenario.nodes[i].id, l.customs_utilisation
                ),
                Some("add inspectors, shorten `inspection`, or lower the inspection rates".into()),
            );
        }
    }
    for (r, l) in load.routes.iter().enumerate() {
        let route = &scenario.routes[r];
        if route.headway > 0.0 && l * route.headway >= 1.0 {
            ck.err(
                &route_paths[r].key("capacity_per_day"),
                format!(
                    "route `{}` is overloaded: {:.2} shipments/day against a capacity of {:.2}/day",
                    route.id,
                    l,
                    1.0 / route.headway
                ),
                Some("raise capacity_per_day or lower the flows over it".into()),
            );
        }
    }
    if ck.failed() {
        return Err(ck.into_errors());
    }
    Ok(scenario)
}

/// Validates `[[disruptions]]`.
#[allow(clippy::too_many_arguments)]
fn disruptions(
    ck: &mut Checker,
    raw: &ScenarioFile,
    nodes: &[Node],
    routes: &[Route],
    earliest: f64,
    country_ix: &HashMap<&str, usize>,
    node_ix: &HashMap<&str, usize>,
    route_ix: &HashMap<&str, usize>,
    prog_ix: &HashMap<&str, usize>,
) -> Vec<Disruption> {
    use crate::scenario::file::{Curve, DisruptionFile as D};
    let root = KeyPath::root().key("disruptions");
    let mut out = Vec::new();
    let mut ids: HashMap<String, usize> = HashMap::new();
    // Entry points per country, found once (on the first country closure).
    let mut entries: Option<HashMap<CountryId, Vec<NodeId>>> = None;
    for (i, d) in raw.disruptions.iter().enumerate() {
        let p = root.index(i);
        let (id, at, probability, kind) = match d {
            D::Earthquake {
                id,
                at,
                probability,
                ..
            } => (id, at, probability, "earthquake"),
            D::Alert {
                id,
                at,
                probability,
                ..
            } => (id, at, probability, "alert"),
            D::Closure {
                id,
                at,
                probability,
                ..
            } => (id, at, probability, "closure"),
            D::Revocation {
                id,
                at,
                probability,
                ..
            } => (id, at, probability, "revocation"),
        };
        let id = id.clone().unwrap_or_else(|| format!("{kind}-{}", i + 1));
        if let Some(first) = ids.insert(id.clone(), i) {
            ck.err(
                &p.key("id"),
                format!("duplicate disruption id `{id}` (first used by disruptions[{first}])"),
                None,
            );
        }
        let onset = ck.dist(&p.key("at"), at);
        if at.lower_bound() >= raw.scenario.horizon.0 {
            ck.err(
                &p.key("at"),
                format!(
                    "the onset (day {}) is not before the horizon (day {})",
                    at.lower_bound(),
                    raw.scenario.horizon.0
                ),
                None,
            );
        }
        if at.lower_bound() < earliest {
            ck.err(
                &p.key("at"),
                format!("the onset may come as early as day {}, before warmup + baseline_days = day {earliest}", at.lower_bound()),
                Some("measures need a baseline before the first onset: start it later, or shorten warmup or baseline_days".into()),
            );
        }
        let probability = probability.unwrap_or(1.0);
        if !(0.0..=1.0).contains(&probability) {
            ck.err(
                &p.key("probability"),
                format!("probability must be in [0, 1], found {probability}"),
                None,
            );
        }
        let duration = |ck: &mut Checker, key: &str, v: f64| {
            if !(v.is_finite() && v > 0.0) {
                ck.err(
                    &p.key(key),
                    format!("{key} must be a positive number of days, found {v}"),
                    None,
                );
            }
            v
        };
        let effect = match d {
            D::Earthquake {
                epicenter,
                magnitude,
                damage,
                attenuation,
                ..
            } => {
                if !(-90.0..=90.0).contains(&epicenter.lat)
                    || !(-180.0..=180.0).contains(&epicenter.lon)
                {
                    ck.err(
                        &p.key("epicenter"),
                        format!(
                            "epicenter must be a valid lat/lon, found ({}, {})",
                            epicenter.lat, epicenter.lon
                        ),
                        None,
                    );
                }
                if !(magnitude.is_finite() && *magnitude > 0.0 && *magnitude <= 10.0) {
                    ck.err(
                        &p.key("magnitude"),
                        format!("magnitude must be in (0, 10], found {magnitude}"),
                        None,
                    );
                }
                let dmg = if damage.is_empty() {
                    let a = attenuation
                        .clone()
                        .unwrap_or(crate::scenario::file::AttenuationFile {
                            threshold: None,
                            span: None,
                            noise_sd: None,
                            recovery_days: None,
                            closure_threshold: None,
                            closure_days: None,
                        });
                    let def = Attenuation::default();
                    let ap = p.key("attenuation");
                    let mut pos = |v: Option<f64>, dflt: f64, key: &str, zero_ok: bool| {
                        let v = v.unwrap_or(dflt);
                        if !(v.is_finite() && (v > 0.0 || (zero_ok && v == 0.0))) {
                            ck.err(
                                &ap.key(key),
                                format!(
                                    "{key} must be a number {} 0, found {v}",
                                    if zero_ok { "≥" } else { ">" }
                                ),
                                None,
                            );
                        }
                        v
                    };
                    Damage::Attenuation(Attenuation {
                        threshold: pos(a.threshold, def.threshold, "threshold", true),
                        span: pos(a.span, def.span, "span", false),
                        noise_sd: pos(a.noise_sd, def.noise_sd, "noise_sd", true),
                        recovery_days: pos(
                            a.recovery_days.map(|d| d.0),
                            def.recovery_days,
                            "recovery_days",
                            true,
                        ),
                        closure_threshold: pos(
                            a.closure_threshold,
                            def.closure_threshold,
                            "closure_threshold",
                            true,
                        ),
                        closure_days: pos(
                            a.closure_days.map(|d| d.0),
                            def.closure_days,
                            "closure_days",
                            true,
                        ),
                    })
                } else {
                    if attenuation.is_some() {
                        ck.err(&p.key("attenuation"), "give either `damage` (listed per node) or `attenuation` (derived), not both", None);
                    }
                    let mut listed = Vec::new();
                    for (j, nd) in damage.iter().enumerate() {
                        let dp = p.key("damage").index(j);
                        let node = ck.resolve(&dp.key("node"), "node", &nd.node, node_ix);
                        if !(0.0..=1.0).contains(&nd.capacity_loss) {
                            ck.err(
                                &dp.key("capacity_loss"),
                                format!(
                                    "capacity_loss is a share of capacity in [0, 1], found {}",
                                    nd.capacity_loss
                                ),
                                None,
                            );
                        }
                        let closed_for = nd.closed_for.map_or(0.0, |d| d.0);
                        if !(closed_for.is_finite() && closed_for >= 0.0) {
                            ck.err(
                                &dp.key("closed_for"),
                                format!("closed_for must be ≥ 0 days, found {closed_for}"),
                                None,
                            );
                        }
                        let recovery = match &nd.recovery {
                            None => Recovery::None,
                            Some(r) => {
                                let rp = dp.key("recovery");
                                match r.curve {
                                    Curve::Linear | Curve::Exponential => {
                                        let dur = match r.duration {
                                            Some(d) => duration(ck, "duration", d.0),
                                            None => {
                                                ck.err(&rp.key("curve"), format!("a {:?} recovery needs a `duration`", r.curve).to_lowercase(), Some("e.g. recovery = { curve = \"linear\", duration = \"90d\" }".into()));
                                                1.0
                                            }
                                        };
                                        if !r.steps.is_empty() {
                                            ck.err(
                                                &rp.key("steps"),
                                                "`steps` goes with curve = \"steps\" only",
                                                None,
                                            );
                                        }
                                        if r.curve == Curve::Linear {
                                            Recovery::Linear(dur)
                                        } else {
                                            Recovery::Exponential(dur)
                                        }
                                    }
                                    Curve::Steps => {
                                        if r.steps.is_empty() {
                                            ck.err(&rp.key("steps"), "a steps recovery needs a table of [day, share] pairs", Some("e.g. steps = [[20, 0.25], [81, 0.4], [356, 0.74]]".into()));
                                        }
                                        let mut prev = f64::NEG_INFINITY;
                                        for (k, (day, share)) in r.steps.iter().enumerate() {
                                            if day.0.partial_cmp(&prev)
                                                != Some(std::cmp::Ordering::Greater)
                                            {
                                                ck.err(&rp.key("steps").index(k), format!("steps must be sorted by day, strictly increasing: day {} comes after day {prev}", day.0), None);
                                            }
                                            if day.0 < 0.0 {
                                                ck.err(&rp.key("steps").index(k), format!("a step's day counts from the onset and must be ≥ 0, found {}", day.0), None);
                                            }
                                            if !(0.0..=1.0).contains(share) {
                                                ck.err(&rp.key("steps").index(k), format!("a step's share of capacity must be in [0, 1], found {share}"), None);
                                            }
                                            prev = day.0;
                                        }
                                        if r.duration.is_some() {
                                            ck.err(&rp.key("duration"), "`duration` goes with linear and exponential curves; steps give their own days", None);
                                        }
                                        Recovery::Steps(
                                            r.steps.iter().map(|(d, s)| (d.0, *s)).collect(),
                                        )
                                    }
                                }
                            }
                        };
                        if let Some(node) = node {
                            listed.push(NodeDamage {
                                node: node as NodeId,
                                capacity_loss: nd.capacity_loss,
                                closed_for,
                                recovery,
                            });
                        }
                    }
                    Damage::Listed(listed)
                };
                Effect::Earthquake {
                    epicenter: (epicenter.lat, epicenter.lon),
                    magnitude: *magnitude,
                    damage: dmg,
                }
            }
            D::Alert {
                country,
                level,
                duration: dur,
                ..
            } => {
                let c = ck
                    .resolve(&p.key("country"), "country", country, country_ix)
                    .unwrap_or(0);
                if !(1..=3).contains(level) {
                    ck.err(
                        &p.key("level"),
                        format!("alert level must be 1, 2 or 3, found {level}"),
                        None,
                    );
                }
                Effect::Alert {
                    country: c as CountryId,
                    level: (*level).clamp(1, 3),
                    duration: duration(ck, "duration", dur.0),
                }
            }
            D::Closure {
                nodes: ns,
                routes: rs,
                country,
                duration: dur,
                ..
            } => {
                let mut closed_nodes = Vec::new();
                for (j, n) in ns.iter().enumerate() {
                    if let Some(k) = ck.resolve(&p.key("nodes").index(j), "node", n, node_ix) {
                        closed_nodes.push(k as NodeId);
                    }
                }
                let mut closed_routes = Vec::new();
                for (j, r) in rs.iter().enumerate() {
                    if let Some(k) = ck.resolve(&p.key("routes").index(j), "route", r, route_ix) {
                        closed_routes.push(k as RouteId);
                    }
                }
                if let Some(c) = country
                    && let Some(ci) = ck.resolve(&p.key("country"), "country", c, country_ix)
                {
                    let entry = entries
                        .get_or_insert_with(|| entry_points(nodes, routes))
                        .get(&(ci as CountryId))
                        .cloned()
                        .unwrap_or_default();
                    if entry.is_empty() {
                        ck.err(&p.key("country"), format!("country `{c}` has no entry points (no route reaches it from abroad)"), None);
                    }
                    closed_nodes.extend(entry);
                }
                closed_nodes.sort_unstable();
                closed_nodes.dedup();
                if ns.is_empty() && rs.is_empty() && country.is_none() {
                    ck.err(&p, "a closure needs `nodes`, `routes` or `country`", None);
                }
                Effect::Closure {
                    nodes: closed_nodes,
                    routes: closed_routes,
                    duration: duration(ck, "duration", dur.0),
                }
            }
            D::Revocation {
                programme, share, ..
            } => {
                let k = ck
                    .resolve(&p.key("programme"), "programme", programme, prog_ix)
                    .unwrap_or(0);
                if !(0.0..=1.0).contains(share) {
                    ck.err(
                        &p.key("share"),
                        format!("share must be in [0, 1], found {share}"),
                        None,
                    );
                }
                Effect::Revocation {
                    programme: k as u32,
                    share: *share,
                }
            }
        };
        out.push(Disruption {
            id,
            onset,
            probability,
            effect,
        });
    }
    out
}

/// Every country's entry points: the nodes a route reaches from another country, sorted.
fn entry_points(nodes: &[Node], routes: &[Route]) -> HashMap<CountryId, Vec<NodeId>> {
    let mut entries: HashMap<CountryId, Vec<NodeId>> = HashMap::new();
    for r in routes {
        let to = nodes[r.to as usize].country;
        if nodes[r.from as usize].country != to {
            entries.entry(to).or_default().push(r.to);
        }
    }
    for e in entries.values_mut() {
        e.sort_unstable();
        e.dedup();
    }
    entries
}

/// Checks the shares, threshold and deferral of a `response` table where it is written.
fn check_response(ck: &mut Checker, path: &KeyPath, r: &ResponseFile) {
    let mut sum = 0.0;
    for (key, v) in [("defer", r.defer), ("cancel", r.cancel), ("shift", r.shift)] {
        if let Some(v) = v {
            if !(0.0..=1.0).contains(&v) {
                ck.err(
                    &path.key(key),
                    format!("{key} is a share of the shippers who act, in [0, 1]; found {v}"),
                    None,
                );
            }
            sum += v;
        }
    }
    if sum > 1.0 + 1e-9 {
        ck.err(path, format!("defer + cancel + shift = {sum}, more than 1"), Some("the shares are fractions of the shippers above the threshold; the rest ship as booked".into()));
    }
    if let Some(t) = &r.threshold {
        for (key, d) in [("trusted", t.trusted), ("ordinary", t.ordinary)] {
            if !(d.0 >= 0.0 && d.0.is_finite()) {
                ck.err(
                    &path.key("threshold").key(key),
                    format!("a threshold is a delay ≥ 0 days, found {}", d.0),
                    None,
                );
            }
        }
    }
    if let Some(d) = r.defer_for
        && !(d.0 > 0.0 && d.0.is_finite())
    {
        ck.err(
            &path.key("defer_for"),
            format!("defer_for must be > 0 days, found {}", d.0),
            None,
        );
    }
}

/// A flow's shippers' response: its own `response` over the scenario's `[response]`
/// over the defaults, key by key; None if neither is written.
fn shipper_response(
    ck: &mut Checker,
    path: &KeyPath,
    own: Option<&ResponseFile>,
    all: Option<&ResponseFile>,
) -> Option<Response> {
    if own.is_none() && all.is_none() {
        return None;
    }
    if let Some(r) = own {
        check_response(ck, path, r);
    }
    let pick = |f: fn(&ResponseFile) -> Option<f64>, default: f64| {
        own.and_then(f)
            .or_else(|| all.and_then(f))
            .unwrap_or(default)
    };
    let d = Response::DEFAULT;
    let threshold = own
        .and_then(|r| r.threshold.as_ref())
        .or_else(|| all.and_then(|r| r.threshold.as_ref()))
        .map_or(d.threshold, |t| [t.trusted.0, t.ordinary.0]);
    Some(Response {
        threshold,
        defer: pick(|r| r.defer, d.defer),
        cancel: pick(|r| r.cancel, d.cancel),
        shift: pick(|r| r.shift, d.shift),
        defer_for: pick(|r| r.defer_for.map(|x| x.0), d.defer_for),
    })
}
