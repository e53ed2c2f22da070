//! The strategies' decisions, as the engine asks for them: one narrow interface
//! ([`Policy`]) and the built-in rules every strategy follows ([`Builtin`], which reads the
//! strategy's knobs).
//!
//! The engine owns the mechanics (queues, clocks, draws, measures) and asks a `Policy` at
//! each point where a strategy decides:
//! - **recognition**: which programmes' members customs of a country treats as trusted
//!   for priority and relief ([`Policy::trusted_programmes`]), and which routine risk
//!   assessment trusts ([`Policy::routine_programmes`]);
//! - **notice**: when customs of a country acts on a revocation
//!   ([`Policy::revocation_notice`]);
//! - **lanes**: which lane a shipment joins at a node's berths ([`Policy::berth_lane`])
//!   and how customs treats it ([`Policy::customs`]: inspection lane, alert relief,
//!   documents pre-lodged), and a flow's priority class for carriers and shippers
//!   ([`Policy::priority_class`]);
//! - **where cargo goes**: whether carriers re-plan around closures and divert to a
//!   flow's alternate ports ([`Policy::reroutes`]), which port they pick among a flow's
//!   destination and alternates given the engine's estimates ([`Policy::choose_port`],
//!   with a [`PortOptions`]; the estimates are `engine::divert`'s), and when they learn
//!   of closures ([`Policy::shared_information`]);
//! - **alerts and data**: whether origins screen departures to a partner on alert and
//!   when they learn of its alert level ([`Policy::screens_departures`],
//!   [`Policy::alert_notice`]), and whether the partner's advance cargo data sharpens
//!   risk scores ([`Policy::sharpens_risk`]);
//! - **classes in carriers' and shippers' estimates**: whether queues put trusted cargo
//!   first at all ([`Policy::trusted_first`]), and which cargo is in the priority class
//!   ([`Policy::priority_class`]).
//!
//! Every method has the built-in rule as its default, so a new rule overrides one method
//! and keeps the rest (ARCHITECTURE.md, "How to add a strategy rule"). The engine is
//! generic over its policy (`engine::Simulation::with_policy`), so the built-in rules cost
//! no indirect call on the path of an event. Rules are pure: they read the scenario, the
//! strategy and the facts the engine passes, never the engine's state or a random stream.

use super::ports::{PortOptions, quickest_by_margin};
use super::{AlertNotice, Information, Priority, Recognition, Reroute, Strategy};
use crate::scenario::{Members, Scenario};

/// The queue lane a shipment joins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lane {
    /// Served before the ordinary lane.
    Priority,
    /// First come, first served after the priority lane.
    Ordinary,
}

impl Lane {
    /// True for the priority lane.
    #[inline]
    pub fn is_priority(self) -> bool {
        self == Lane::Priority
    }

    /// The priority lane if `priority`, else the ordinary one.
    #[inline]
    pub fn from_priority(priority: bool) -> Lane {
        if priority {
            Lane::Priority
        } else {
            Lane::Ordinary
        }
    }
}

/// What the engine knows of a shipment joining a queue at a node.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Joining {
    /// The node's country.
    pub country: u16,
    /// The trader's memberships as customs of that country knows them now (revocations it
    /// has been told of dropped).
    pub members: Members,
    /// The strategy's knobs apply at the node now (`Strategy::active` of its being
    /// disruption-affected).
    pub knobs_apply: bool,
    /// The node is resuming: closed in its current affected period, open now.
    pub resuming: bool,
}

/// How customs treats a shipment it assesses ([`Policy::customs`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Treatment {
    /// The inspection queue's lane, if it is inspected.
    pub lane: Lane,
    /// Assessed at the normal (level 1) inspection rate whatever the alert level.
    pub relief: bool,
    /// Documents pre-lodged: cleared without the document delay if not inspected.
    pub prelodged: bool,
}

/// The strategies' decisions. Each method's default is the built-in rule ([`Builtin`]);
/// `sc` is the scenario, `st` the strategy being run.
pub trait Policy: Clone + Send + Sync {
    /// The programmes whose members customs of `country` treats as trusted for priority
    /// and relief (the `recognition` knob): its own, or all it recognises.
    #[inline]
    fn trusted_programmes(&self, sc: &Scenario, st: &Strategy, country: u16) -> Members {
        match st.recognition {
            Recognition::Own => sc.countries[country as usize].own_programmes,
            Recognition::Mutual => self.routine_programmes(sc, st, country),
        }
    }

    /// The programmes whose members customs of `country` trusts in routine risk
    /// assessment: its own and, while the arrangements are in force, their partners
    /// (MRA III.A–B; the `arrangement` knob).
    #[inline]
    fn routine_programmes(&self, sc: &Scenario, st: &Strategy, country: u16) -> Members {
        let c = &sc.countries[country as usize];
        if st.recognises_partners() {
            c.recognised_programmes
        } else {
            c.own_programmes
        }
    }

    /// Days after a revocation of `programme` takes effect before customs of `country`
    /// drops it (the `notice` knob): none at home or with prompt notice, else the shortest
    /// notice of an arrangement joining the programme to one of the country's own;
    /// infinite if none does.
    #[inline]
    fn revocation_notice(&self, sc: &Scenario, st: &Strategy, programme: u32, country: u16) -> f64 {
        let home = sc.programmes[programme as usize].country;
        if home == country || st.notice == super::Notice::Prompt {
            return 0.0;
        }
        let bit = 1u32 << programme;
        let own = sc.countries[country as usize].own_programmes;
        sc.arrangements
            .iter()
            .filter(|a| a.programmes.0 & bit != 0 && a.programmes.any(own))
            .map(|a| a.revocation_notice)
            .fold(f64::INFINITY, f64::min)
    }

    /// True if customs of an origin screen departures bound for a partner country whose
    /// alert level is raised (the `alert_notice` knob, with the arrangements in force).
    /// Asked for every departure, so it takes no per-shipment facts.
    #[inline]
    fn screens_departures(&self, _sc: &Scenario, st: &Strategy) -> bool {
        st.alert_notice != AlertNotice::None && st.recognises_partners()
    }

    /// Days after a partner's alert-level change before an origin that screens departures
    /// to it acts on the change (the `alert_notice` knob): at once when shared, else
    /// `arrangement_notice`, the arrangement's `alert_notice` delay.
    #[inline]
    fn alert_notice(&self, _sc: &Scenario, st: &Strategy, arrangement_notice: f64) -> f64 {
        match st.alert_notice {
            AlertNotice::Shared => 0.0,
            _ => arrangement_notice,
        }
    }

    /// True if customs of `country` scores the risk of cargo from `origin` (a country)
    /// with the origin's advance cargo data (the `data_exchange` knob): with the
    /// arrangements in force, from a country whose own programmes it recognises.
    #[inline]
    fn sharpens_risk(&self, sc: &Scenario, st: &Strategy, origin: u16, country: u16) -> bool {
        st.data_exchange
            && st.recognises_partners()
            && origin != country
            && sc.countries[origin as usize]
                .own_programmes
                .any(sc.countries[country as usize].recognised_programmes)
    }

    /// True if queues serve trusted cargo first where the knobs apply (the `priority`
    /// knob): then carriers and shippers estimate waits for a priority and an ordinary
    /// class, else for one class.
    #[inline]
    fn trusted_first(&self, _sc: &Scenario, st: &Strategy) -> bool {
        st.priority == Priority::TrustedFirst
    }

    /// The lane shipment `j` joins at a node's berths (the `priority` and `reopening`
    /// knobs): trusted cargo first where the knobs apply under `trusted_first`; else, under
    /// the joint reopening protocol, the members routine assessment recognises first at a
    /// resuming port.
    #[inline]
    fn berth_lane(&self, sc: &Scenario, st: &Strategy, j: &Joining) -> Lane {
        if self.trusted_first(sc, st) && j.knobs_apply {
            return Lane::from_priority(j.members.any(self.trusted_programmes(sc, st, j.country)));
        }
        Lane::from_priority(
            st.reopening && j.resuming && j.members.any(self.routine_programmes(sc, st, j.country)),
        )
    }

    /// How customs treats shipment `j` (the `priority`, `alert_relief`, `screening` and
    /// `resumption` knobs); `screened`: its origin's customs screened it before departure.
    #[inline]
    fn customs(&self, sc: &Scenario, st: &Strategy, j: &Joining, screened: bool) -> Treatment {
        let trusted = j.members.any(self.trusted_programmes(sc, st, j.country));
        // Priority clearance on resumption: trusted cargo first, documents pre-lodged.
        let resumption = st.resumption && trusted && j.resuming;
        Treatment {
            lane: Lane::from_priority(
                (self.trusted_first(sc, st) && j.knobs_apply && trusted) || resumption,
            ),
            relief: (st.alert_relief && j.knobs_apply && trusted) || (st.screening && screened),
            prelodged: resumption,
        }
    }

    /// True if a shipment whose trader's memberships customs of `country` (its
    /// destination's) knows as `members` is in the priority class that carriers choose
    /// ports for and shippers estimate delays for.
    #[inline]
    fn priority_class(&self, sc: &Scenario, st: &Strategy, members: Members, country: u16) -> bool {
        self.trusted_first(sc, st) && members.any(self.trusted_programmes(sc, st, country))
    }

    /// True if carriers re-plan routes around closures and may divert cargo to a flow's
    /// alternate ports (the `reroute` knob).
    #[inline]
    fn reroutes(&self, _sc: &Scenario, st: &Strategy) -> bool {
        st.reroute == Reroute::OnClosure
    }

    /// The index into `o.candidates` of the port the carriers of flow `o.flow` send the
    /// class `o.priority_class` of its cargo to, from their review on (asked only while
    /// [`Policy::reroutes`]). Must be below `o.candidates.len()`; 0 keeps the booked
    /// destination. Built in: the quickest to clearance, if it beats the current choice by
    /// the switching margin ([`quickest_by_margin`]).
    #[inline]
    fn choose_port(&self, _sc: &Scenario, _st: &Strategy, o: &PortOptions<'_>) -> usize {
        quickest_by_margin(o.current, o.days_to_clear)
    }

    /// True if carriers and shippers learn of closures and reopenings at once (shared
    /// information), rather than at their next periodic review (the `information` knob).
    #[inline]
    fn shared_information(&self, _sc: &Scenario, st: &Strategy) -> bool {
        st.information == Information::Shared
    }
}

/// The built-in rules: every decision as the strategy's knobs say (docs/model.md).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Builtin;

impl Policy for Builtin {}
