//! Ids at the bottom of the tree: the indices that name nodes, routes, countries and
//! programme sets. They are plain numbers, so the modules below [`crate::scenario`]
//! (`network`, `disruption`, `risk`, the engine) can name them without importing the
//! scenario; [`crate::scenario`] re-exports them, so `scenario::NodeId` still works.
//! Units of time ([`crate::time::Days`]) live in `time`, also at the bottom.

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
