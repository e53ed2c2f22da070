//! Experiment state on disk: checkpoints (to resume a killed run), shard files (a share
//! of the replications, run anywhere) and merging shards into one result.
//!
//! Every file carries a [`Fingerprint`] of what produced it (tradesim version, scenario
//! text, seed, replications, strategies), so a resume or merge never mixes results of
//! different experiments. Files are JSON, written atomically.

use super::{Aggregate, Plan, RunnerState, Shard};
use crate::report::{WriteError, write_atomic_streamed};
use crate::scenario::{Format, Scenario};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// What an experiment is: two results merge or resume only if these agree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fingerprint {
    pub tradesim_version: String,
    pub scenario: String,
    /// FNV-1a hash of the scenario text (hex).
    pub scenario_hash: String,
    pub seed: u64,
    pub replications: u64,
    pub strategies: Vec<String>,
    pub target_ci: Option<crate::scenario::TargetCi>,
}

impl Fingerprint {
    /// The fingerprint of running `plan` on `scenario`.
    pub fn of(scenario: &Scenario, plan: &Plan) -> Fingerprint {
        Fingerprint {
            tradesim_version: env!("CARGO_PKG_VERSION").to_string(),
            scenario: scenario.name.clone(),
            scenario_hash: format!("{:016x}", fnv1a(scenario.source.as_bytes())),
            seed: plan.seed,
            replications: plan.replications,
            strategies: plan
                .strategies
                .iter()
                .map(|&s| scenario.strategies[s].name.clone())
                .collect(),
            target_ci: plan.target_ci.clone(),
        }
    }

    /// The first difference from `other`, described for a user.
    pub fn difference(&self, other: &Fingerprint) -> Option<String> {
        let d = |what: &str, a: String, b: String| Some(format!("{what}: {a} vs {b}"));
        if self.tradesim_version != other.tradesim_version {
            return d(
                "tradesim version",
                self.tradesim_version.clone(),
                other.tradesim_version.clone(),
            );
        }
        if self.scenario != other.scenario || self.scenario_hash != other.scenario_hash {
            return d(
                "scenario",
                format!("{} ({})", self.scenario, self.scenario_hash),
                format!("{} ({})", other.scenario, other.scenario_hash),
            );
        }
        if self.seed != other.seed {
            return d("seed", self.seed.to_string(), other.seed.to_string());
        }
        if self.replications != other.replications {
            return d(
                "replications",
                self.replications.to_string(),
                other.replications.to_string(),
            );
        }
        if self.strategies != other.strategies {
            return d(
                "strategies",
                self.strategies.join(","),
                other.strategies.join(","),
            );
        }
        if self.target_ci != other.target_ci {
            return d(
                "--target-ci",
                format!("{:?}", self.target_ci),
                format!("{:?}", other.target_ci),
            );
        }
        None
    }
}

/// 64-bit FNV-1a (stable across platforms and releases).
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// A resumable run's progress.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Checkpoint {
    pub fingerprint: Fingerprint,
    pub shard: Option<Shard>,
    pub state: RunnerState,
    /// Bytes of the rows file that belong to the replications in `state`.
    pub rows_len: u64,
}

/// A finished shard: its aggregate, and the scenario so a merge can rebuild the report.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ShardFile {
    pub fingerprint: Fingerprint,
    pub shard: Shard,
    pub aggregate: Aggregate,
    pub scenario_text: String,
    pub scenario_format: String,
    /// Wall-clock seconds this shard took.
    pub seconds: f64,
}

/// File names inside an output folder.
pub fn shard_name(s: Shard) -> String {
    format!("shard-{}-of-{}.json", s.index, s.count)
}

/// The rows file of a shard.
pub fn shard_rows_name(s: Shard) -> String {
    format!("shard-{}-of-{}.replications.csv", s.index, s.count)
}

/// The checkpoint of a run (or of one shard) in an output folder.
pub fn checkpoint_name(s: Option<Shard>) -> String {
    match s {
        Some(s) => format!(".checkpoint-shard-{}-of-{}.json", s.index, s.count),
        None => ".checkpoint.json".into(),
    }
}

/// Problems with stored files (the user's input: exit 2).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path}: cannot read: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: not a valid tradesim {what} file (corrupt or truncated?): {detail}")]
    Corrupt {
        path: PathBuf,
        what: &'static str,
        detail: String,
    },
    #[error("{0}")]
    Mismatch(String),
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// Writes a checkpoint atomically, streamed: its histograms are never held twice in memory.
pub fn save_checkpoint(path: &Path, c: &Checkpoint) -> Result<(), WriteError> {
    write_atomic_streamed(path, |w| Ok(serde_json::to_writer(w, c)?))
}

/// Reads a checkpoint; Ok(None) if there is none.
pub fn load_checkpoint(path: &Path) -> Result<Option<Checkpoint>, StoreError> {
    match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| StoreError::Corrupt {
                path: path.to_path_buf(),
                what: "checkpoint",
                detail: e.to_string(),
            }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(StoreError::Read {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// Writes a shard file atomically.
pub fn save_shard(path: &Path, s: &ShardFile) -> Result<(), WriteError> {
    write_atomic_streamed(path, |w| Ok(serde_json::to_writer(w, s)?))
}

/// Reads a shard file.
pub fn load_shard(path: &Path) -> Result<ShardFile, StoreError> {
    let bytes = std::fs::read(path).map_err(|source| StoreError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    serde_json::from_slice(&bytes).map_err(|e| StoreError::Corrupt {
        path: path.to_path_buf(),
        what: "shard",
        detail: e.to_string(),
    })
}

/// Shards found for a merge, checked complete and consistent.
pub struct MergedShards {
    pub scenario: Scenario,
    pub plan: Plan,
    pub aggregate: Aggregate,
    /// Rows files in shard order.
    pub rows: Vec<PathBuf>,
    pub seconds: f64,
}

/// Finds `shard-K-of-M.json` files in `dirs`, checks that shards 1..M are each present once
/// and all come from the same experiment, and merges them.
pub fn merge(dirs: &[PathBuf]) -> Result<MergedShards, StoreError> {
    let mut files: Vec<PathBuf> = Vec::new();
    for d in dirs {
        let entries = std::fs::read_dir(d).map_err(|source| StoreError::Read {
            path: d.clone(),
            source,
        })?;
        let mut found: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                let n = p
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                n.starts_with("shard-") && n.ends_with(".json")
            })
            .collect();
        found.sort();
        files.extend(found);
    }
    if files.is_empty() {
        return Err(StoreError::Mismatch(format!(
            "no shard files (shard-K-of-M.json) in {}",
            dirs.iter()
                .map(|d| d.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    // First pass: check every file, keeping only what identifies it (one shard's tallies
    // in memory at a time, however many shards there are).
    let mut shards: Vec<(PathBuf, ShardFile)> = Vec::new();
    for f in files {
        let mut s = load_shard(&f)?;
        if !shards.is_empty() {
            s.aggregate.strategies.clear();
            s.aggregate.records.clear();
            s.scenario_text.clear();
        }
        shards.push((f, s));
    }
    let first_path = shards[0].0.clone();
    let first = {
        let s = &shards[0].1;
        ShardFile {
            fingerprint: s.fingerprint.clone(),
            shard: s.shard,
            aggregate: Aggregate {
                strategies: Vec::new(),
                baseline: s.aggregate.baseline,
                replications: 0,
                events: 0,
                records: Vec::new(),
                keep_records: true,
            },
            scenario_text: s.scenario_text.clone(),
            scenario_format: s.scenario_format.clone(),
            seconds: 0.0,
        }
    };
    let m = first.shard.count;
    let mut by_index: Vec<Option<usize>> = vec![None; m as usize];
    for (i, (p, s)) in shards.iter().enumerate() {
        if let Some(diff) = first.fingerprint.difference(&s.fingerprint) {
            return Err(StoreError::Mismatch(format!(
                "{} and {} come from different experiments ({diff})",
                first_path.display(),
                p.display()
            )));
        }
        if s.shard.count != m {
            return Err(StoreError::Mismatch(format!(
                "{} is shard {}/{}, but {} is of {m} shards",
                p.display(),
                s.shard.index,
                s.shard.count,
                first_path.display()
            )));
        }
        let slot = &mut by_index[(s.shard.index - 1) as usize];
        if let Some(j) = slot {
            return Err(StoreError::Mismatch(format!(
                "shard {}/{m} is given twice: {} and {}",
                s.shard.index,
                shards[*j].0.display(),
                p.display()
            )));
        }
        *slot = Some(i);
    }
    let missing: Vec<String> = by_index
        .iter()
        .enumerate()
        .filter(|(_, s)| s.is_none())
        .map(|(k, _)| format!("{}/{m}", k + 1))
        .collect();
    if !missing.is_empty() {
        return Err(StoreError::Mismatch(format!(
            "missing shard{} {} (have {} of {m})",
            if missing.len() == 1 { "" } else { "s" },
            missing.join(", "),
            m as usize - missing.len()
        )));
    }
    let format = if first.scenario_format == "json" {
        Format::Json
    } else {
        Format::Toml
    };
    let scenario = Scenario::parse(
        &first.scenario_text,
        &format!(
            "{} (from {})",
            first.fingerprint.scenario,
            first_path.display()
        ),
        format,
    )
    .map_err(|e| StoreError::Corrupt {
        path: first_path.clone(),
        what: "shard",
        detail: format!("its scenario does not validate: {e}"),
    })?;
    let strategies: Vec<usize> = first
        .fingerprint
        .strategies
        .iter()
        .map(|n| {
            scenario
                .strategy_index(n)
                .ok_or_else(|| StoreError::Corrupt {
                    path: first_path.clone(),
                    what: "shard",
                    detail: format!("unknown strategy {n}"),
                })
        })
        .collect::<Result<_, _>>()?;
    let mut aggregate = Aggregate::new(&scenario, &strategies);
    let mut rows = Vec::new();
    let mut seconds = 0.0;
    for slot in by_index {
        let (p, header) = &shards[slot.expect("checked complete")];
        // Second pass: load each shard's tallies, merge, let go.
        let loaded;
        let s = if header.aggregate.strategies.is_empty() {
            loaded = load_shard(p)?;
            &loaded
        } else {
            header
        };
        if !aggregate.compatible(&s.aggregate) {
            return Err(StoreError::Corrupt {
                path: p.clone(),
                what: "shard",
                detail: "its tallies do not fit the scenario".into(),
            });
        }
        aggregate.merge(&s.aggregate);
        seconds += s.seconds;
        let rows_path = p.with_file_name(shard_rows_name(s.shard));
        if !rows_path.exists() {
            return Err(StoreError::Mismatch(format!(
                "{} has no rows file {}",
                p.display(),
                rows_path.display()
            )));
        }
        rows.push(rows_path);
    }
    let plan = Plan {
        strategies,
        replications: first.fingerprint.replications,
        seed: first.fingerprint.seed,
        threads: 1,
        options: Default::default(),
        shard: None,
        target_ci: first.fingerprint.target_ci.clone(),
        branch: true,
    };
    Ok(MergedShards {
        scenario,
        plan,
        aggregate,
        rows,
        seconds,
    })
}
