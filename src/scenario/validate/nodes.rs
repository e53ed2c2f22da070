//! `[[nodes]]`: ports, airports and borders, their servers, service and customs.

use super::*;

/// Checks `[[nodes]]`: their index by id and the nodes.
pub(super) fn nodes<'r>(
    ck: &mut Checker,
    raw: &'r ScenarioFile,
    country_ix: &HashMap<&str, usize>,
) -> (HashMap<&'r str, usize>, Vec<Node>) {
    let root = KeyPath::root();
    // [[nodes]]
    if raw.nodes.is_empty() {
        ck.err(
            &root.key("nodes"),
            "a scenario needs at least one node",
            None,
        );
    }
    let node_ix = unique(ck, "nodes", raw.nodes.iter().map(|n| n.id.as_str()));
    let mut nodes = Vec::new();
    for (i, n) in raw.nodes.iter().enumerate() {
        let np = root.key("nodes").index(i);
        let country = ck
            .resolve(&np.key("country"), "country", &n.country, country_ix)
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
    (node_ix, nodes)
}
