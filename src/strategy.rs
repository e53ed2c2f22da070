//! Strategies: the named sets of knobs that are compared (MODEL.md, "Strategies"): the
//! presets (`no-mra`, `baseline`, `unilateral`, `joint`), the knobs' values (`knobs.rs`),
//! and the ablation's one-mechanism strategies.
//!
//! How the pieces meet: the scenario's validation builds each [`Strategy`] from the file
//! (or a preset) and holds it; the decisions the engine asks of a strategy are in
//! [`crate::policy`], which reads these knobs. This module imports nothing of the crate,
//! so the scenario can hold strategies without a circle (`policy` re-exports everything
//! here under its old paths).

mod knobs;

pub use knobs::{
    AlertNotice, Arrangement, Information, Notice, Priority, Recognition, Reroute, When,
};

/// The knobs a strategy acts on before the first onset: strategies with the same prefix
/// can share one pre-onset run and branch at the onset (`experiment::run_replication_set`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Prefix {
    /// Whether the arrangements are in force, which already shapes inspection pre-onset.
    pub arrangement: Arrangement,
    /// Only where some country targets by risk score (else it changes nothing).
    pub data_exchange: bool,
}

/// A strategy as applied by the engine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Strategy {
    /// The scenario's name for it, as reports and `target_ci` name it.
    pub name: String,
    /// One line for reports: what the strategy does.
    pub description: String,
    /// Queue discipline at berths and inspection: FIFO or trusted shipments first.
    pub priority: Priority,
    /// Whose programme members count as trusted for priority: own or mutual.
    pub recognition: Recognition,
    /// Trusted shipments are exempt from the alert-level rise in inspection rate.
    pub alert_relief: bool,
    /// Whether shipments re-plan their routes around closures.
    pub reroute: Reroute,
    /// When the knobs apply: only at disruption-affected places, or always.
    pub when: When,
    /// When a partner customs learns of a revocation.
    pub notice: Notice,
    /// What carriers and shippers know of closures and capacity when they review.
    pub information: Information,
    /// Whether routine risk assessment recognises the partner programmes (MRA III.A–B).
    pub arrangement: Arrangement,
    /// The partner's advance cargo data sharpens risk scores (MRA IV; `risk`).
    pub data_exchange: bool,
    /// Priority clearance of trusted cargo at reopened ports (6 USC 942(c)).
    pub resumption: bool,
    /// How partners learn of alert-level changes (and screen departures to the country).
    pub alert_notice: AlertNotice,
    /// Customs on alert accepts the partner's pre-departure screening.
    pub screening: bool,
    /// Joint reopening protocol: recognised members first at reopened ports' berths.
    pub reopening: bool,
}

impl Strategy {
    /// The presets every scenario has, a ladder of what the Arrangement adds: `no-mra`
    /// (no mutual recognition), `baseline` (recognition only, the 2009 status quo),
    /// `unilateral` (+ each country's own continuity measures), `joint` (+ joint business
    /// continuity). `arrangement` is the scenario's setting for all but `no-mra`.
    pub fn presets(arrangement: Arrangement) -> Vec<Strategy> {
        let mut presets = vec![
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
                arrangement,
                data_exchange: false,
                resumption: false,
                alert_notice: AlertNotice::None,
                screening: false,
                reopening: false,
            },
            Strategy {
                name: "unilateral".into(),
                description: "each country prioritises its own programme's members, with alert relief and priority clearance on resumption; carriers and shippers act on their own information".into(),
                priority: Priority::TrustedFirst,
                recognition: Recognition::Own,
                alert_relief: true,
                reroute: Reroute::OnClosure,
                when: When::Disrupted,
                notice: Notice::Arrangement,
                information: Information::Own,
                arrangement,
                data_exchange: false,
                resumption: true,
                alert_notice: AlertNotice::None,
                screening: false,
                reopening: false,
            },
            Strategy {
                name: "joint".into(),
                description: "MRA joint business continuity: both programmes prioritised on both sides, shared closure, alert and revocation information, advance cargo data, recognised pre-departure screening, members first at reopened ports, rerouting and port choice on the shared information".into(),
                priority: Priority::TrustedFirst,
                recognition: Recognition::Mutual,
                alert_relief: true,
                reroute: Reroute::OnClosure,
                when: When::Disrupted,
                notice: Notice::Prompt,
                information: Information::Shared,
                arrangement,
                data_exchange: true,
                resumption: true,
                alert_notice: AlertNotice::Shared,
                screening: true,
                reopening: true,
            },
        ];
        // The world without the Arrangement: baseline's knobs, no recognition.
        let no_mra = Strategy {
            name: "no-mra".into(),
            description: "a world without mutual recognition: each administration trusts only its own programme's members; otherwise as baseline".into(),
            arrangement: Arrangement::None,
            ..presets[0].clone()
        };
        presets.insert(0, no_mra);
        presets
    }

    /// The preset every `[[strategies]]` entry takes its unset knobs from.
    pub const DEFAULTS: &'static str = "baseline";

    /// True if the arrangements are in force for routine risk assessment.
    #[inline]
    pub fn recognises_partners(&self) -> bool {
        self.arrangement == Arrangement::InForce
    }

    /// What the strategy does before the first disruption onset, if that is the same for
    /// every strategy with the same key (a `when = "disrupted"` strategy acts only from
    /// the onset on, except through routine risk assessment); None if it acts from time 0.
    /// `targeting`: whether some country assesses by risk score, where the partner's
    /// advance data acts from time 0.
    pub fn prefix(&self, targeting: bool) -> Option<Prefix> {
        (self.when == When::Disrupted).then_some(Prefix {
            arrangement: self.arrangement,
            data_exchange: targeting && self.data_exchange,
        })
    }

    /// True if, with `disrupted` telling whether the place is affected now, the knobs apply.
    #[inline]
    pub fn active(&self, disrupted: bool) -> bool {
        self.when == When::Always || disrupted
    }
}

/// One of the mechanisms joint business continuity adds to the 2009 status quo
/// (`baseline` → `joint`): the unit of `tradesim run --ablation`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mechanism {
    /// Trusted cargo first in handling and inspection queues (`priority`).
    Priority,
    /// The partner programme's members count for priority and relief (`recognition`).
    Recognition,
    /// Trusted cargo exempt from the alert rise in inspection rate (`alert_relief`).
    AlertRelief,
    /// The partner learns of revocations at once (`notice`, MRA III.E).
    Notice,
    /// Carriers and shippers act on shared closure information (`information`, III.C).
    Information,
    /// Advance cargo data sharpens risk scores (`data_exchange`, Section IV).
    DataExchange,
    /// Trusted cargo cleared first, documents pre-lodged, at reopened ports (`resumption`).
    Resumption,
    /// Partners told of alert-level changes at once, and screen departures
    /// (`alert_notice`).
    AlertNotice,
    /// The partner's pre-departure screening accepted during an alert (`screening`).
    Screening,
    /// Recognised members first at reopened ports' berths (`reopening`).
    Reopening,
}

impl Mechanism {
    /// Every mechanism, in the order tables and plots show them.
    pub const ALL: [Mechanism; 10] = [
        Mechanism::Priority,
        Mechanism::Recognition,
        Mechanism::AlertRelief,
        Mechanism::Notice,
        Mechanism::Information,
        Mechanism::DataExchange,
        Mechanism::Resumption,
        Mechanism::AlertNotice,
        Mechanism::Screening,
        Mechanism::Reopening,
    ];

    /// The knob's name, as in scenario files.
    pub fn name(self) -> &'static str {
        match self {
            Mechanism::Priority => "priority",
            Mechanism::Recognition => "recognition",
            Mechanism::AlertRelief => "alert_relief",
            Mechanism::Notice => "notice",
            Mechanism::Information => "information",
            Mechanism::DataExchange => "data_exchange",
            Mechanism::Resumption => "resumption",
            Mechanism::AlertNotice => "alert_notice",
            Mechanism::Screening => "screening",
            Mechanism::Reopening => "reopening",
        }
    }

    /// Sets the mechanism's knob of `to` to its value in `from`.
    pub fn copy(self, from: &Strategy, to: &mut Strategy) {
        match self {
            Mechanism::Priority => to.priority = from.priority,
            Mechanism::Recognition => to.recognition = from.recognition,
            Mechanism::AlertRelief => to.alert_relief = from.alert_relief,
            Mechanism::Notice => to.notice = from.notice,
            Mechanism::Information => to.information = from.information,
            Mechanism::DataExchange => to.data_exchange = from.data_exchange,
            Mechanism::Resumption => to.resumption = from.resumption,
            Mechanism::AlertNotice => to.alert_notice = from.alert_notice,
            Mechanism::Screening => to.screening = from.screening,
            Mechanism::Reopening => to.reopening = from.reopening,
        }
    }

    /// Name of the strategy with only this mechanism added to `baseline`.
    pub fn alone(self) -> String {
        format!("baseline+{}", self.name())
    }

    /// Name of the strategy with this mechanism taken out of `joint`.
    pub fn left_out(self) -> String {
        format!("joint-{}", self.name())
    }
}

/// The ablation's strategies, [`Mechanism::ALL`] order: each mechanism added alone to
/// `baseline`, then each left out of `joint`. The other knobs (`reroute`, `when`,
/// `arrangement`) are `baseline`'s; where `joint` sets them differently the difference
/// stays in the whole and is in no mechanism.
pub fn ablation_strategies(baseline: &Strategy, joint: &Strategy) -> Vec<Strategy> {
    let mut out = Vec::new();
    for m in Mechanism::ALL {
        let mut s = baseline.clone();
        m.copy(joint, &mut s);
        s.name = m.alone();
        s.description = format!("baseline with joint's {} only (ablation)", m.name());
        out.push(s);
    }
    for m in Mechanism::ALL {
        let mut s = joint.clone();
        m.copy(baseline, &mut s);
        s.name = m.left_out();
        s.description = format!("joint without its {} (ablation)", m.name());
        out.push(s);
    }
    out
}

/// True if `name` is one of the ablation's strategy names.
pub fn is_ablation_name(name: &str) -> bool {
    Mechanism::ALL
        .iter()
        .any(|m| m.alone() == name || m.left_out() == name)
}
