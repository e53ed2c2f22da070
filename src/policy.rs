//! Strategies: the named sets of knobs that are compared (MODEL.md, "Strategies").
//! A strategy changes only what happens at disruption-affected places and times
//! (`when = "disrupted"`), or everywhere (`when = "always"`).

pub use crate::scenario::file::{Information, Notice, Priority, Recognition, Reroute, When};

/// A strategy as applied by the engine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Strategy {
    pub name: String,
    pub description: String,
    pub priority: Priority,
    pub recognition: Recognition,
    /// Trusted shipments are exempt from the alert-level rise in inspection rate.
    pub alert_relief: bool,
    pub reroute: Reroute,
    pub when: When,
    /// When a partner customs learns of a revocation.
    pub notice: Notice,
    /// What carriers and shippers know of closures and capacity when they review.
    pub information: Information,
}

impl Strategy {
    /// The three presets every scenario has: `baseline`, `unilateral`, `joint`.
    pub fn presets() -> Vec<Strategy> {
        vec![
            Strategy {
                name: "baseline".into(),
                description: "no prioritisation: FIFO everywhere, own programmes only, no relief; carriers reroute and shippers respond on what they see themselves, at their weekly reviews".into(),
                priority: Priority::Fifo,
                recognition: Recognition::Own,
                alert_relief: false,
                reroute: Reroute::OnClosure,
                when: When::Disrupted,
                notice: Notice::Arrangement,
                information: Information::Own,
            },
            Strategy {
                name: "unilateral".into(),
                description: "each country prioritises its own programme's members, with alert relief; carriers and shippers act on their own information".into(),
                priority: Priority::TrustedFirst,
                recognition: Recognition::Own,
                alert_relief: true,
                reroute: Reroute::OnClosure,
                when: When::Disrupted,
                notice: Notice::Arrangement,
                information: Information::Own,
            },
            Strategy {
                name: "joint".into(),
                description: "MRA joint business continuity: both programmes prioritised on both sides, shared closure and revocation information, rerouting and port choice on that shared information".into(),
                priority: Priority::TrustedFirst,
                recognition: Recognition::Mutual,
                alert_relief: true,
                reroute: Reroute::OnClosure,
                when: When::Disrupted,
                notice: Notice::Prompt,
                information: Information::Shared,
            },
        ]
    }

    /// True if, with `disrupted` telling whether the place is affected now, the knobs apply.
    #[inline]
    pub fn active(&self, disrupted: bool) -> bool {
        self.when == When::Always || disrupted
    }
}
