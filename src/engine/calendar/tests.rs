//! The calendar's tests: key order, pop order against a sorted reference across
//! layout changes, looking ahead, packing, and sequence numbers running out.

use super::*;

/// A deterministic stream of 64-bit states (a linear congruential generator).
fn lcg(mut x: u64) -> impl FnMut() -> u64 {
    move || {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        x
    }
}

/// Schedules an arrival at `t` whose flow is its sequence number, so that a popped
/// event gives back its key: `key(t, flow)`.
fn schedule_numbered(c: &mut Calendar, t: f64) -> u128 {
    let flow = c.seq + 1;
    let event = Event::Arrival { flow };
    c.schedule(t, event);
    assert_eq!(c.seq, flow);
    key(t, c.seq, event.pack())
}

/// The key of a popped arrival scheduled by [`schedule_numbered`].
fn popped_key(t: f64, event: Event) -> u128 {
    let Event::Arrival { flow } = event else {
        unreachable!("only arrivals are scheduled")
    };
    key(t, flow, event.pack())
}

#[test]
fn key_orders_as_total_cmp_then_sequence() {
    let times = [
        f64::NEG_INFINITY,
        -3.5,
        -0.0,
        0.0,
        1e-300,
        0.5,
        1.0,
        2.0,
        1e300,
        f64::INFINITY,
    ];
    for &a in &times {
        for &b in &times {
            for (sa, sb) in [(1, 2), (2, 1), (7, 7)] {
                let want = a.total_cmp(&b).then(u32::cmp(&sa, &sb));
                // The event's bits never decide between different sequence numbers.
                let (ka, kb) = (key(a, sa, u32::MAX), key(b, sb, 0));
                if sa != sb {
                    assert_eq!(ka.cmp(&kb), want, "{a} {sa} vs {b} {sb}");
                }
                assert_eq!(key(a, sa, 0).cmp(&key(b, sb, 0)), want);
                assert_eq!(time_of(ka).to_bits(), a.to_bits());
            }
        }
    }
}

#[test]
fn pops_in_key_order_like_a_sorted_list() {
    // A deterministic mix of times with many ties, scheduled and popped interleaved.
    let mut c = Calendar::new();
    let mut expected: Vec<(u128, f64, u32)> = Vec::new();
    let mut rand = lcg(12345);
    let mut now = 0.0;
    let mut popped = Vec::new();
    for i in 0..5000u32 {
        let x = rand();
        let t = now + ((x >> 40) % 50) as f64 * 0.25;
        c.schedule(t, Event::Arrival { flow: i });
        expected.push((key(t, c.seq, 0), t, i));
        if x.is_multiple_of(3) {
            let (t, e) = c.pop().expect("not empty");
            now = t;
            popped.push((t, e));
        }
    }
    while let Some(p) = c.pop() {
        popped.push(p);
    }
    expected.sort_by_key(|e| e.0);
    // Interleaved pops see only what was scheduled so far, but as times never go back,
    // the overall order is the sorted order.
    let want: Vec<(f64, Event)> = expected
        .iter()
        .map(|&(_, t, i)| (t, Event::Arrival { flow: i }))
        .collect();
    assert_eq!(popped, want);
}

#[test]
fn order_holds_across_layout_changes() {
    // Grows past MANY_UP, shrinks below FEW_DOWN and grows again, popping all the while:
    // every layout and every move between them.
    // Keys rise strictly: (time, sequence number) in order.
    let mut c = Calendar::new();
    let mut rand = lcg(99);
    let mut now = 0.0;
    let mut last = 0u128;
    let mut switched = 0;
    for phase in 0..6 {
        let (pushes, pops) = if phase % 2 == 0 { (3, 1) } else { (1, 3) };
        for _ in 0..6000 {
            for _ in 0..pushes {
                let t = now + ((rand() >> 33) % 1000) as f64 * 0.125;
                schedule_numbered(&mut c, t);
            }
            let was = c.layout;
            for _ in 0..pops {
                if let Some((t, ev)) = c.pop() {
                    let k = popped_key(t, ev);
                    assert!(k > last);
                    last = k;
                    now = t;
                }
            }
            switched += usize::from(was != c.layout);
        }
    }
    assert!(
        switched >= 4,
        "the test must cross the thresholds ({switched})"
    );
    while let Some((t, ev)) = c.pop() {
        let k = popped_key(t, ev);
        assert!(k > last);
        last = k;
    }
    assert!(c.is_empty() && c.layout == Layout::Few);
}

#[test]
fn looking_ahead_names_the_events_to_come() {
    // The engine looks a few events ahead after every pop, to prefetch their shipments:
    // with nothing scheduled meanwhile, the event named comes out that many pops later.
    let mut c = Calendar::new();
    let mut lcg = lcg(7);
    for _ in 0..2 * MANY_UP {
        schedule_numbered(&mut c, (lcg() >> 33) as f64 * 1e-5);
    }
    assert_eq!(c.layout, Layout::Many);
    let ahead = 3;
    let mut popped = Vec::new();
    let mut named = Vec::new();
    while let Some((_, ev)) = c.pop() {
        popped.push(ev);
        named.push(c.ahead_if_large(ahead));
    }
    let mut hits = 0;
    for (i, name) in named.iter().enumerate() {
        if let Some(ev) = name {
            assert_eq!(Some(ev), popped.get(i + 1 + ahead), "pop {i}");
            hits += 1;
        }
    }
    assert!(hits > MANY_UP, "the large layout was looked into ({hits})");
}

#[test]
fn a_key_below_the_last_taken_still_comes_out_in_order() {
    let mut c = Calendar::new();
    c.schedule(5.0, Event::Arrival { flow: 0 });
    c.schedule(6.0, Event::Arrival { flow: 1 });
    assert_eq!(c.pop(), Some((5.0, Event::Arrival { flow: 0 })));
    c.schedule(3.0, Event::Arrival { flow: 2 });
    c.schedule(4.0, Event::Arrival { flow: 3 });
    assert_eq!(c.peek_time(), Some(3.0));
    assert_eq!(c.pop(), Some((3.0, Event::Arrival { flow: 2 })));
    assert_eq!(c.pop(), Some((4.0, Event::Arrival { flow: 3 })));
    assert_eq!(c.pop(), Some((6.0, Event::Arrival { flow: 1 })));
    assert_eq!(c.pop(), None);
    assert!(c.is_empty());
}

#[test]
fn large_calendars_order_far_infinite_and_late_keys() {
    // Many pending (the windowed layout), at very different scales, with keys at
    // infinity and below the last taken out, and repeated times: every pop is the
    // smallest pending key, as a sorted set says.
    let mut c = Calendar::new();
    let mut pending = std::collections::BTreeSet::new();
    let mut lcg = lcg(3);
    let mut rand = move || lcg() >> 33;
    let mut now = 0.0;
    let mut rounds = 0;
    while rounds < 20 * MANY_UP {
        rounds += 1;
        let grow = (rounds / (4 * MANY_UP)).is_multiple_of(2);
        for _ in 0..if grow { 2 } else { rand() % 2 } {
            let r = rand();
            let t = match r % 11 {
                0 => f64::INFINITY,
                1 => 1e300 * (r % 1000) as f64,
                2 => now * 0.5,
                3 => now,
                4 => now + (r % 1000) as f64 * 1e-12,
                _ => now + (r % 10_000) as f64 * 0.01,
            };
            pending.insert(schedule_numbered(&mut c, t));
        }
        if let Some((t, ev)) = c.pop() {
            assert_eq!(
                Some(popped_key(t, ev)),
                pending.pop_first(),
                "round {rounds}"
            );
            if t.is_finite() {
                now = t;
            }
        }
    }
    assert!(c.len() > MANY_UP, "the windowed layout was used");
    while let Some((t, ev)) = c.pop() {
        assert_eq!(Some(popped_key(t, ev)), pending.pop_first());
    }
    assert!(c.is_empty() && pending.is_empty());
}

#[test]
fn earliest_first_ties_in_scheduling_order() {
    let mut c = Calendar::new();
    c.schedule(2.0, Event::DayEnd { day: 2 });
    c.schedule(1.0, Event::Arrival { flow: 1 });
    c.schedule(1.0, Event::Arrival { flow: 0 });
    c.schedule(0.5, Event::WarmupEnd);
    assert_eq!(c.pop(), Some((0.5, Event::WarmupEnd)));
    assert_eq!(c.pop(), Some((1.0, Event::Arrival { flow: 1 })));
    assert_eq!(c.pop(), Some((1.0, Event::Arrival { flow: 0 })));
    assert_eq!(c.pop(), Some((2.0, Event::DayEnd { day: 2 })));
    assert!(c.pop().is_none());
}

#[test]
fn every_event_packs_into_32_bits_and_back() {
    let top = (1 << VALUE_BITS) - 1;
    for v in [0, 1, 12_345, top] {
        let shipment = ShipmentId(v);
        for event in [
            Event::Arrival { flow: v },
            Event::HandlingDone { shipment },
            Event::InspectionDone { shipment },
            Event::ClearanceDone { shipment },
            Event::TransitDone { shipment },
            Event::RouteReady { route: v },
            Event::DayEnd { day: v },
            Event::WarmupEnd,
            Event::Change { index: v },
        ] {
            assert_eq!(Event::unpack(event.pack()), event);
            let entry = Entry::new(2.5, 7, event);
            assert_eq!((time_of(entry.key), entry.event()), (2.5, event));
        }
    }
}

#[test]
#[should_panic(expected = "below 2^28")]
fn a_number_past_the_packed_range_is_refused() {
    Event::DayEnd {
        day: 1 << VALUE_BITS,
    }
    .pack();
}

#[test]
fn order_holds_when_sequence_numbers_run_out() {
    // Numbers close to running out: they are renumbered (several times, in each layout,
    // as the calendar grows and shrinks) and the pops keep the order of (time, order
    // of scheduling), many times tied.
    for pending in [8, 200, 3 * MANY_UP] {
        let mut c = Calendar::new();
        c.seq = u32::MAX - 5000;
        let mut order = 0u64; // scheduling order, which the numbers stood for
        let mut reference = std::collections::BTreeMap::new();
        let mut rand = lcg(pending as u64);
        let mut now = 0.0;
        let mut renumbered = 0;
        for round in 0..40_000 {
            let grow = round % 10_000 < 6_000;
            if c.len() < pending && (grow || c.is_empty()) {
                let t = now + ((rand() >> 40) % 8) as f64 * 0.5;
                order += 1;
                let flow = (order % (1 << VALUE_BITS)) as u32;
                let before = c.seq;
                c.schedule(t, Event::Arrival { flow });
                renumbered += usize::from(c.seq < before);
                reference.insert((t.to_bits(), order), flow);
            } else if let Some((t, ev)) = c.pop() {
                let ((bits, _), flow) = reference.pop_first().expect("as many pending");
                assert_eq!((t, ev), (f64::from_bits(bits), Event::Arrival { flow }));
                now = t;
            }
            if round == 20_000 {
                c.seq = u32::MAX - 3000; // run out again
            }
        }
        assert!(renumbered >= 2, "renumbered {renumbered} times");
        while let Some((t, ev)) = c.pop() {
            let ((bits, _), flow) = reference.pop_first().expect("as many pending");
            assert_eq!((t, ev), (f64::from_bits(bits), Event::Arrival { flow }));
        }
        assert!(reference.is_empty());
    }
}

#[test]
fn crowded_windows_come_out_in_order() {
    // Thousands pending in a few windows (most within a narrow span, with ties, a few
    // far ahead to widen the windows): large buckets are spread over sub-windows
    // before sorting, and the pops are still the sorted order.
    let mut c = Calendar::new();
    let mut pending = std::collections::BTreeSet::new();
    let mut lcg = lcg(11);
    for i in 0..40_000u64 {
        let r = lcg() >> 33;
        let t = if i % 1000 == 0 {
            1000.0 + (r % 100) as f64
        } else {
            (r % 5_000) as f64 * 1e-3
        };
        pending.insert(schedule_numbered(&mut c, t));
    }
    assert_eq!(c.layout, Layout::Many);
    let crowded = c.windows.ring.iter().map(Vec::len).max().unwrap_or(0);
    assert!(
        crowded > 1000,
        "buckets large enough to be spread ({crowded})"
    );
    let (mut now, mut pops) = (0.0, 0);
    while let Some((t, ev)) = c.pop() {
        assert_eq!(Some(popped_key(t, ev)), pending.pop_first());
        pops += 1;
        if pops % 7 == 0 && t < 5.0 {
            // Some scheduled meanwhile, into the current window and the next ones.
            pending.insert(schedule_numbered(&mut c, t + (lcg() >> 60) as f64 * 1e-3));
        }
        now = t;
    }
    assert!(pending.is_empty() && now >= 1000.0);
}
