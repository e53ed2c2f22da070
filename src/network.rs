//! The network: nodes and directed routes as a petgraph graph, and routing by shortest
//! expected (mean) transit time over the routes that are open.
//!
//! Routing is a table per destination: for every node, the next route to take. Tables
//! are computed with Dijkstra on the reversed graph and recomputed when the set of open
//! routes changes (closures, with rerouting on). Ties go to the lowest route index, so
//! routing is deterministic.

use crate::ids::{NodeId, RouteId};
use petgraph::graph::{DiGraph, EdgeIndex, NodeIndex};
use petgraph::visit::{EdgeFiltered, EdgeRef, Reversed};

/// The graph: node weights are node ids, edge weights route ids.
#[derive(Debug, Clone)]
pub struct Network {
    graph: DiGraph<NodeId, RouteId>,
    /// Mean transit of each route (the routing weight).
    weight: Vec<f64>,
    /// `to` of each route.
    target: Vec<NodeId>,
}

/// For one destination: the next route from every node (None = destination or unreachable)
/// and the expected remaining transit.
#[derive(Debug, Clone, PartialEq)]
pub struct RoutingTable {
    /// Per node, the route to take next towards the destination.
    pub next: Vec<Option<RouteId>>,
    /// Per node, the sum of mean transits to the destination, days (∞ if unreachable).
    pub distance: Vec<f64>,
}

impl Network {
    /// Builds the graph from `node_count` nodes and routes given as (from, to, mean transit).
    pub fn new(node_count: usize, routes: &[(NodeId, NodeId, f64)]) -> Network {
        let mut graph = DiGraph::with_capacity(node_count, routes.len());
        for i in 0..node_count {
            graph.add_node(i as NodeId);
        }
        for (i, &(a, b, _)) in routes.iter().enumerate() {
            graph.add_edge(
                NodeIndex::new(a as usize),
                NodeIndex::new(b as usize),
                i as RouteId,
            );
        }
        Network {
            graph,
            weight: routes.iter().map(|r| r.2).collect(),
            target: routes.iter().map(|r| r.1).collect(),
        }
    }

    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.graph.node_count()
    }

    /// The petgraph graph (node weight = node id, edge weight = route id).
    pub fn graph(&self) -> &DiGraph<NodeId, RouteId> {
        &self.graph
    }

    /// Shortest expected transit to `dest` from every node, over routes for which `open`
    /// is true.
    pub fn routing_to(&self, dest: NodeId, open: impl Fn(RouteId) -> bool) -> RoutingTable {
        let n = self.graph.node_count();
        let filtered = EdgeFiltered::from_fn(&self.graph, |e| open(*e.weight()));
        let reversed = Reversed(&filtered);
        let dist_map =
            petgraph::algo::dijkstra(reversed, NodeIndex::new(dest as usize), None, |e| {
                self.weight[*e.weight() as usize]
            });
        let mut distance = vec![f64::INFINITY; n];
        for (node, d) in dist_map {
            distance[node.index()] = d;
        }
        let mut next = vec![None; n];
        for u in 0..n {
            if u == dest as usize || !distance[u].is_finite() {
                continue;
            }
            let mut best: Option<(f64, RouteId)> = None;
            for e in self.graph.edges(NodeIndex::new(u)) {
                let r = *e.weight();
                if !open(r) {
                    continue;
                }
                let cost = self.weight[r as usize] + distance[self.target[r as usize] as usize];
                // Lowest cost, ties to the lowest route index (determinism).
                let better = match best {
                    None => true,
                    Some((c, br)) => cost < c || (cost == c && r < br),
                };
                if better && cost.is_finite() {
                    best = Some((cost, r));
                }
            }
            next[u] = best.map(|b| b.1);
        }
        RoutingTable { next, distance }
    }

    /// The route ids leaving `node`.
    pub fn routes_from(&self, node: NodeId) -> impl Iterator<Item = RouteId> + '_ {
        self.graph
            .edges(NodeIndex::new(node as usize))
            .map(|e| *e.weight())
    }

    /// The route id of a petgraph edge.
    pub fn route_of(&self, e: EdgeIndex) -> RouteId {
        self.graph[e]
    }
}

impl RoutingTable {
    /// The routes from `from` to the table's destination, in order; None if unreachable.
    pub fn path(&self, from: NodeId, routes_to: &[NodeId]) -> Option<Vec<RouteId>> {
        let mut path = Vec::new();
        let mut at = from;
        while let Some(r) = self.next[at as usize] {
            path.push(r);
            at = routes_to[r as usize];
            if path.len() > self.next.len() {
                return None;
            }
        }
        if self.distance[at as usize] == 0.0 {
            Some(path)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortest_expected_transit_and_closures() {
        // 0 -> 1 -> 3 costs 2; 0 -> 2 -> 3 costs 3; direct 0 -> 3 costs 5.
        let routes = [
            (0, 1, 1.0),
            (1, 3, 1.0),
            (0, 2, 1.5),
            (2, 3, 1.5),
            (0, 3, 5.0),
        ];
        let net = Network::new(4, &routes);
        let to: Vec<NodeId> = routes.iter().map(|r| r.1).collect();
        let t = net.routing_to(3, |_| true);
        assert_eq!(t.path(0, &to), Some(vec![0, 1]));
        assert_eq!(t.distance[0], 2.0);
        // Close 1 -> 3: go via 2.
        let t = net.routing_to(3, |r| r != 1);
        assert_eq!(t.path(0, &to), Some(vec![2, 3]));
        // Close everything into 3 but the direct route.
        let t = net.routing_to(3, |r| r == 4 || r == 0);
        assert_eq!(t.path(0, &to), Some(vec![4]));
        // Unreachable.
        let t = net.routing_to(0, |_| true);
        assert_eq!(t.path(3, &to), None);
        assert_eq!(t.next[3], None);
    }
}
