//! The scenario as the ground disruptions happen on ([`crate::disruption::Ground`]):
//! what `disruption::realise` reads, so `disruption` need not import the scenario.

use super::Scenario;
use crate::disruption::{Disruption, Ground};
use crate::ids::{CountryId, NodeId, RouteId};

impl Ground for Scenario {
    #[inline]
    fn disruptions(&self) -> &[Disruption] {
        &self.disruptions
    }

    #[inline]
    fn horizon(&self) -> f64 {
        self.horizon
    }

    #[inline]
    fn nodes(&self) -> usize {
        self.nodes.len()
    }

    #[inline]
    fn position(&self, node: NodeId) -> (f64, f64) {
        let n = &self.nodes[node as usize];
        (n.lat, n.lon)
    }

    #[inline]
    fn servers(&self, node: NodeId) -> u32 {
        self.nodes[node as usize].servers
    }

    #[inline]
    fn country(&self, node: NodeId) -> CountryId {
        self.nodes[node as usize].country
    }

    #[inline]
    fn route_origin(&self, route: RouteId) -> NodeId {
        self.routes[route as usize].from
    }
}
