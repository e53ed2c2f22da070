//! Accounting checks (audit mode, the test suite): the balance after every event, the
//! daily census of every shipment against the structure holding it, and the message when
//! the memory budget is exceeded.

use super::*;

impl<P: Policy> Simulation<'_, P> {
    /// What to say when the shipments in the network pass the limit: how many, and the
    /// longest queue (berths, inspectors or a route's departures; the first of equals).
    #[cold]
    pub(super) fn memory_exceeded(&self) -> MemoryExceeded {
        let sc = self.scenario;
        let mut longest = (
            0usize,
            String::from("none (the shipments are in service or in transit)"),
        );
        let mut consider = |len: usize, what: &dyn Fn() -> String| {
            if len > longest.0 {
                longest = (len, what());
            }
        };
        for (i, (b, c)) in self.net.berths.iter().zip(&self.net.customs).enumerate() {
            let id = &sc.nodes[i].id;
            consider(b.0.queued(), &|| format!("berths of node `{id}`"));
            if let Some(c) = c {
                consider(c.inspectors.queued(), &|| {
                    format!("customs inspectors of node `{id}`")
                });
            }
        }
        for (g, r) in self.net.gates.iter().zip(&sc.routes) {
            consider(g.waiting.len(), &|| {
                format!(
                    "departures on route `{}` → `{}`",
                    sc.nodes[r.from as usize].id, sc.nodes[r.to as usize].id
                )
            });
        }
        let queue = if longest.0 > 0 {
            format!("{} ({} waiting)", longest.1, longest.0)
        } else {
            longest.1
        };
        MemoryExceeded {
            time: self.now,
            replication: self.replication,
            strategy: self.strategy.name.clone(),
            live: self.live(),
            limit: self.options.max_live,
            queue,
        }
    }

    /// The audit after an event: the balance, and the daily census's verdict.
    pub(super) fn audit(&mut self) -> Result<(), AccountingError> {
        self.check_balance()?;
        match self.audit_error.take() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// Checks created = delivered + queued + in service + in transit, counting from the
    /// queues, servers and routes themselves.
    pub fn check_balance(&mut self) -> Result<(), AccountingError> {
        let mut held: u64 = 0;
        for (b, c) in self.net.berths.iter().zip(&self.net.customs) {
            held += b.0.queued() as u64 + b.0.busy as u64;
            if let Some(c) = c {
                held += c.inspectors.queued() as u64 + c.inspectors.busy as u64 + c.clearing as u64;
            }
        }
        for g in &self.net.gates {
            held += g.waiting.len() as u64 + g.in_transit as u64;
        }
        let with_shippers = held + self.holding;
        if self.created != self.delivered + self.cancelled + with_shippers
            || self.collector.wip() != with_shippers
        {
            return Err(AccountingError {
                time: self.now,
                detail: format!(
                    "created {} ≠ delivered {} + cancelled {} + in the network {} + held by shippers {} (collector WIP {})",
                    self.created,
                    self.delivered,
                    self.cancelled,
                    held,
                    self.holding,
                    self.collector.wip()
                ),
            });
        }
        Ok(())
    }

    /// A full census: every shipment's stage agrees with the structure holding it, the
    /// free list with the delivered slots, and the World with the scenario's network.
    pub fn census(&mut self) -> Result<(), AccountingError> {
        let n = self.scenario.nodes.len();
        let mut at_node = vec![[0u64; 5]; n];
        let mut on_route = vec![[0u64; 2]; self.scenario.routes.len()];
        let mut total = 0u64;
        let mut with_shippers = 0u64;
        for s in self.shipments.iter() {
            if s.stage == Stage::Delivered {
                continue;
            }
            total += 1;
            match s.stage {
                Stage::Queued(x) => at_node[x as usize][0] += 1,
                Stage::Handling(x) => at_node[x as usize][1] += 1,
                Stage::AwaitingInspection(x) => at_node[x as usize][2] += 1,
                Stage::Inspection(x) => at_node[x as usize][3] += 1,
                Stage::Clearance(x) => at_node[x as usize][4] += 1,
                Stage::AwaitingDeparture(r) => on_route[r as usize][0] += 1,
                Stage::InTransit(r) => on_route[r as usize][1] += 1,
                Stage::Held(_) => with_shippers += 1,
                Stage::Delivered => {}
            }
        }
        let err = |detail: String| AccountingError {
            time: self.now,
            detail,
        };
        self.shipments.check().map_err(&err)?;
        self.check_world().map_err(&err)?;
        if total != self.live() || with_shippers != self.holding {
            return Err(err(format!(
                "{total} live shipments ({with_shippers} held by shippers), but created − delivered − cancelled = {} ({} held)",
                self.live(),
                self.holding
            )));
        }
        for (i, counted) in at_node.iter().enumerate() {
            let b = &self.net.berths[i].0;
            let found = [b.queued() as u64, b.busy as u64];
            if found != [counted[0], counted[1]] {
                return Err(err(format!(
                    "node {}: berths hold {found:?} (queued, busy) but shipments say {:?}",
                    self.scenario.nodes[i].id,
                    &counted[..2]
                )));
            }
            let found = self.net.customs[i].as_ref().map_or([0; 3], |c| {
                [
                    c.inspectors.queued() as u64,
                    c.inspectors.busy as u64,
                    c.clearing as u64,
                ]
            });
            if found != [counted[2], counted[3], counted[4]] {
                return Err(err(format!(
                    "node {}: customs holds {found:?} but shipments say {:?}",
                    self.scenario.nodes[i].id,
                    &counted[2..]
                )));
            }
        }
        for (r, g) in self.net.gates.iter().enumerate() {
            let found = [g.waiting.len() as u64, g.in_transit as u64];
            if found != on_route[r] {
                return Err(err(format!(
                    "route {}: holds {found:?} but shipments say {:?}",
                    self.scenario.routes[r].id, on_route[r]
                )));
            }
        }
        self.check_references().map_err(err)
    }

    /// The World holds one [`Facility`] per node and one [`Link`] per route of the
    /// scenario, each index once, and the state vectors one entry per node and route.
    pub(super) fn check_world(&self) -> Result<(), String> {
        let sc = self.scenario;
        let world = &*self.world;
        let mut nodes = vec![0u32; sc.nodes.len()];
        let mut routes = vec![0u32; sc.routes.len()];
        for e in world.iter_entities() {
            if let Some(f) = e.get::<Facility>() {
                *nodes.get_mut(f.node as usize).ok_or(format!(
                    "a facility for node #{}, beyond the scenario",
                    f.node
                ))? += 1;
            }
            if let Some(l) = e.get::<Link>() {
                *routes.get_mut(l.route as usize).ok_or(format!(
                    "a link for route #{}, beyond the scenario",
                    l.route
                ))? += 1;
            }
        }
        if let Some(i) = nodes.iter().position(|&k| k != 1) {
            return Err(format!(
                "node #{i} has {} facilities in the World",
                nodes[i]
            ));
        }
        if let Some(r) = routes.iter().position(|&k| k != 1) {
            return Err(format!("route #{r} has {} links in the World", routes[r]));
        }
        let net = &self.net;
        let lens = [net.berths.len(), net.occupancy.len(), net.customs.len()];
        if lens != [sc.nodes.len(); 3] || net.gates.len() != sc.routes.len() {
            return Err(format!(
                "state for {lens:?} nodes and {} routes, but the scenario has {} and {}",
                net.gates.len(),
                sc.nodes.len(),
                sc.routes.len()
            ));
        }
        if let Some(i) =
            (0..sc.nodes.len()).find(|&i| net.customs[i].is_some() != sc.nodes[i].customs.is_some())
        {
            return Err(format!(
                "node {}: a customs post where the scenario has none, or none where it has one",
                sc.nodes[i].id
            ));
        }
        Ok(())
    }

    /// Every shipment a queue, a route or the calendar holds is a live shipment in the
    /// stage that place means: a queue's in its queue at that node or route, a pending
    /// event's in the stage the event ends, which is where the event will be carried out.
    pub(super) fn check_references(&self) -> Result<(), String> {
        let stage = |id: ShipmentId| self.shipments.get(id).map(|s| s.stage);
        let expect = |id: ShipmentId, want: Stage, place: &str| match stage(id) {
            Some(s) if s == want => Ok(()),
            found => Err(format!(
                "{place} holds shipment {id:?} whose stage is {found:?}, not {want:?}"
            )),
        };
        for (i, (b, c)) in self.net.berths.iter().zip(&self.net.customs).enumerate() {
            let node = i as NodeId;
            for w in b.0.waiting() {
                expect(w.shipment, Stage::Queued(node), "a berth queue")?;
            }
            if let Some(c) = c {
                for w in c.inspectors.waiting() {
                    expect(
                        w.shipment,
                        Stage::AwaitingInspection(node),
                        "an inspection queue",
                    )?;
                }
            }
        }
        for (r, g) in self.net.gates.iter().enumerate() {
            for &id in &g.waiting {
                expect(
                    id,
                    Stage::AwaitingDeparture(r as RouteId),
                    "a route's queue",
                )?;
            }
        }
        for event in self.calendar.pending() {
            let Some(id) = event.shipment() else { continue };
            let ok = matches!(
                (event, stage(id)),
                (Event::HandlingDone { .. }, Some(Stage::Handling(_)))
                    | (Event::InspectionDone { .. }, Some(Stage::Inspection(_)))
                    | (Event::ClearanceDone { .. }, Some(Stage::Clearance(_)))
                    | (Event::TransitDone { .. }, Some(Stage::InTransit(_)))
                    | (Event::Release { .. }, Some(Stage::Held(_)))
            );
            if !ok {
                return Err(format!(
                    "the calendar holds {event:?} for a shipment whose stage is {:?}",
                    stage(id)
                ));
            }
        }
        Ok(())
    }
}
