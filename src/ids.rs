//! Ids at the bottom of the tree: the indices that name nodes, routes, countries and
//! programme sets. They are plain numbers, so the modules below [`crate::scenario`]
//! (`network`, `disruption`, `risk`, the engine) can name them without importing the
//! scenario; [`crate::scenario`] re-exports them, so `scenario::NodeId` still works.
//! Units of time ([`crate::time::Days`]) live in `time`, also at the bottom.
//! [`ScopeKinds`] (which kinds of scope get daily series) is here for the same reason:
//! the scenario holds it and `measure` (which re-exports it) reads it.

use serde::{Deserialize, Serialize};

/// Index of a node in `Scenario::nodes`.
pub type NodeId = u32;
/// Index of a directed route in `Scenario::routes`.
pub type RouteId = u32;
/// Index of a country in `Scenario::countries`.
pub type CountryId = u16;

/// A set of programme memberships (bit i = programme i); at most 32 programmes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Members(pub u32);

impl Members {
    /// True if the two sets share a programme.
    #[inline]
    pub fn any(self, other: Members) -> bool {
        self.0 & other.0 != 0
    }
}

/// The kinds of scope that can have daily series in `timeseries.csv` beyond the system's
/// (`[scenario] timeseries_scopes`, `tradesim run --timeseries-scopes`). Off by default:
/// each adds rows to the file, tallies to the aggregate and a little work to the engine.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScopeKinds {
    /// Per node: `measure::NODE_SERIES`.
    pub node: bool,
    /// Per country: `measure::COUNTRY_SERIES`.
    pub country: bool,
    /// Per flow: `measure::FLOW_SERIES`.
    pub flow: bool,
}

/// The names of the scope kinds, as in the scenario key, the flag and `scope_kind`.
pub const SCOPE_KINDS: [&str; 3] = ["node", "country", "flow"];

impl ScopeKinds {
    /// No scope but the system.
    pub const NONE: ScopeKinds = ScopeKinds {
        node: false,
        country: false,
        flow: false,
    };

    /// The kinds named in `names` ([`SCOPE_KINDS`]); an unknown name is an error that
    /// lists the known ones.
    pub fn parse<S: AsRef<str>>(names: &[S]) -> Result<ScopeKinds, String> {
        let mut k = ScopeKinds::NONE;
        for n in names {
            match n.as_ref().trim() {
                "node" => k.node = true,
                "country" => k.country = true,
                "flow" => k.flow = true,
                "" => {}
                other => {
                    return Err(format!(
                        "unknown scope kind `{other}` (known: node, country, flow)"
                    ));
                }
            }
        }
        Ok(k)
    }

    /// True if any kind beyond the system is on.
    pub fn any(&self) -> bool {
        self.node || self.country || self.flow
    }
}
