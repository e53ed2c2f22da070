//! Strategies: the presets, then the file's `[[strategies]]`, the ablation's, and which
//! of them a run runs by default (`[scenario] strategies`).

use super::*;

/// Checks `[[strategies]]` and the `[scenario]` keys that name strategies: all the
/// strategies, the default ones (indices), and the arrangement the presets assume.
pub(super) fn strategies(
    ck: &mut Checker,
    raw: &ScenarioFile,
) -> (Vec<Strategy>, Vec<usize>, super::file::Arrangement) {
    let root = KeyPath::root();
    let sc = &raw.scenario;
    let sp = root.key("scenario");
    // Strategies: presets, then the file's own.
    let arrangement = sc
        .arrangement
        .unwrap_or(crate::scenario::file::Arrangement::InForce);
    let mut strategies = Strategy::presets(arrangement);
    let preset_count = strategies.len();
    let mut strategy_names: HashSet<String> = strategies.iter().map(|x| x.name.clone()).collect();
    for (i, s) in raw.strategies.iter().enumerate() {
        let spth = root.key("strategies").index(i);
        if !strategy_names.insert(s.name.clone()) {
            let what = if strategies[..preset_count].iter().any(|x| x.name == s.name) {
                "a preset"
            } else {
                "an earlier strategy"
            };
            ck.err(
                &spth.key("name"),
                format!("strategy `{}` is already defined ({what})", s.name),
                Some("choose another name".into()),
            );
            continue;
        }
        let b = strategies[..preset_count]
            .iter()
            .find(|x| x.name == Strategy::DEFAULTS)
            .expect("the defaults preset");
        strategies.push(Strategy {
            name: s.name.clone(),
            description: s.description.clone().unwrap_or_default(),
            priority: s.priority.unwrap_or(b.priority),
            recognition: s.recognition.unwrap_or(b.recognition),
            alert_relief: s.alert_relief.unwrap_or(b.alert_relief),
            reroute: s.reroute.unwrap_or(b.reroute),
            when: s.when.unwrap_or(b.when),
            notice: s.notice.unwrap_or(b.notice),
            information: s.information.unwrap_or(b.information),
            arrangement: s.arrangement.unwrap_or(b.arrangement),
            data_exchange: s.data_exchange.unwrap_or(b.data_exchange),
            resumption: s.resumption.unwrap_or(b.resumption),
            alert_notice: s.alert_notice.unwrap_or(b.alert_notice),
            screening: s.screening.unwrap_or(b.screening),
            reopening: s.reopening.unwrap_or(b.reopening),
        });
    }
    if let Some(names) = sc.target_ci.as_ref().and_then(|t| t.strategies.as_ref()) {
        for (j, n) in names.iter().enumerate() {
            if !strategy_names.contains(n) {
                let mut known: Vec<&str> = strategies.iter().map(|x| x.name.as_str()).collect();
                known.sort_unstable();
                ck.err(
                    &sp.key("target_ci").key("strategies").index(j),
                    format!("no strategy named `{n}`"),
                    Some(format!("one of: {}", known.join(", "))),
                );
            }
        }
    }
    let mut ablation = Vec::new();
    if sc.ablation == Some(true) {
        let find = |n: &str| {
            strategies
                .iter()
                .position(|x| x.name == n)
                .expect("a preset")
        };
        let (b, j) = (find("baseline"), find("joint"));
        ablation = vec![b, j];
        for a in crate::strategy::ablation_strategies(&strategies[b], &strategies[j]) {
            if strategy_names.contains(&a.name) {
                ck.err(
                    &sp.key("ablation"),
                    format!(
                        "a strategy of the file is named `{}`, a name the ablation uses; \
                         rename it",
                        a.name
                    ),
                    None,
                );
            }
            strategy_names.insert(a.name.clone());
            strategies.push(a);
            ablation.push(strategies.len() - 1);
        }
    }
    let mut default_strategies = Vec::new();
    match &sc.strategies {
        Some(names) => {
            let ix: HashMap<&str, usize> = strategies
                .iter()
                .enumerate()
                .map(|(i, s)| (s.name.as_str(), i))
                .collect();
            let mut chosen = vec![false; strategies.len()];
            for (j, n) in names.iter().enumerate() {
                if let Some(k) = ck.resolve(&sp.key("strategies").index(j), "strategy", n, &ix)
                    && !std::mem::replace(&mut chosen[k], true)
                {
                    default_strategies.push(k);
                }
            }
            if names.is_empty() {
                ck.err(&sp.key("strategies"), "name at least one strategy", None);
            }
        }
        None if !ablation.is_empty() => default_strategies = ablation,
        None => default_strategies = (0..strategies.len()).collect(),
    }
    (strategies, default_strategies, arrangement)
}
