//! `[[routes]]`: directed routes between nodes (a bidirectional entry is two), their
//! transit and capacity, and the route ids' index.

use super::*;

/// Checks `[[routes]]`: the directed routes and, for each, the key path of its entry.
pub(super) fn routes(
    ck: &mut Checker,
    raw: &ScenarioFile,
    node_ix: &HashMap<&str, usize>,
) -> (Vec<Route>, Vec<KeyPath>) {
    let root = KeyPath::root();
    // [[routes]] (bidirectional ones expand into two directed routes)
    let mut routes: Vec<Route> = Vec::new();
    let mut route_paths: Vec<KeyPath> = Vec::new();
    for (i, r) in raw.routes.iter().enumerate() {
        let rp = root.key("routes").index(i);
        let from = ck.resolve(&rp.key("from"), "node", &r.from, node_ix);
        let to = ck.resolve(&rp.key("to"), "node", &r.to, node_ix);
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
    (routes, route_paths)
}

/// The directed routes' index by id; an id used twice is an error.
pub(super) fn route_index<'a>(
    ck: &mut Checker,
    routes: &'a [Route],
    route_paths: &[KeyPath],
) -> HashMap<&'a str, usize> {
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
    route_ix
}
