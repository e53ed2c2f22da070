//! Experiment state on disk: checkpoints (to resume a killed run), shard files (a share
//! of the replications, run anywhere) and merging shards into one result.
//!
//! Every file carries a [`Fingerprint`] of what produced it (tradesim version, scenario
//! text, seed, replications, strategies), so a resume or merge never mixes results of
//! different experiments. Files are JSON, written atomically.

use super::{Aggregate, Plan, RunnerState, Shard};
use crate::input::{InputError, MAX_STORE_BYTES, read_regular};
use crate::io::{WriteError, write_atomic_streamed};
use crate::measure::MeasureSchema;
use crate::scenario::{Format, Scenario};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// What an experiment is: two results merge or resume only if these agree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fingerprint {
    /// Version of tradesim that wrote the file (`CARGO_PKG_VERSION`); results of
    /// different versions never mix.
    pub tradesim_version: String,
    /// The scenario's name.
    pub scenario: String,
    /// FNV-1a hash of the scenario text (hex).
    pub scenario_hash: String,
    /// Master seed of the run; replication streams derive from it.
    pub seed: u64,
    /// Replications of the whole experiment (all shards together).
    pub replications: u64,
    /// Names of the strategies run, in plan order.
    pub strategies: Vec<String>,
    /// Precision target that stops the run early, if one was set (`--target-ci`).
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
    fnv1a_more(FNV_OFFSET, bytes)
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// FNV-1a continued over more bytes from the hash `h` so far.
fn fnv1a_more(mut h: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// A resumable run's progress.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Checkpoint {
    /// The experiment this progress belongs to; a resume refuses any other.
    pub fingerprint: Fingerprint,
    /// The shard being run, or `None` for a whole (unsharded) run.
    pub shard: Option<Shard>,
    /// The next replication to run and everything folded so far.
    pub state: RunnerState,
    /// Bytes of the rows file that belong to the replications in `state`.
    pub rows_len: u64,
}

/// A finished shard: its aggregate, and the scenario so a merge can rebuild the report.
/// The identity of the run is its `fingerprint` (tradesim version, scenario and its hash,
/// seed, replications, strategies) and `shard` (k of n); `rows` binds the shard's rows
/// file to it, so that a rows file from another run, or one changed, is refused.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ShardFile {
    /// The experiment the shard is part of; a merge requires all shards to agree.
    pub fingerprint: Fingerprint,
    /// Which share of the replications this is (k of n).
    pub shard: Shard,
    /// Size and checksum of the shard's rows file, as written with it.
    pub rows: RowsDigest,
    /// The shard's tallies, merged with the other shards' into the final result.
    pub aggregate: Aggregate,
    /// The scenario file's text, verbatim, so a merge can rebuild the scenario.
    pub scenario_text: String,
    /// Format of `scenario_text`: `"json"` or `"toml"`.
    pub scenario_format: String,
    /// Wall-clock seconds this shard took.
    pub seconds: f64,
}

/// The size and checksum of a rows file (header included), as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowsDigest {
    /// Size of the file in bytes.
    pub bytes: u64,
    /// FNV-1a (64-bit, hex) of the file's bytes: any change of a byte, any reordering of
    /// rows, any rows from another run changes it.
    pub fnv1a: String,
}

impl RowsDigest {
    /// The digest of `bytes`.
    pub fn of(bytes: &[u8]) -> RowsDigest {
        RowsDigest {
            bytes: bytes.len() as u64,
            fnv1a: format!("{:016x}", fnv1a(bytes)),
        }
    }

    /// The digest of the file at `path`, read in pieces.
    pub fn of_file(path: &Path) -> std::io::Result<RowsDigest> {
        use std::io::Read;
        let mut f = std::fs::File::open(path)?;
        let mut buf = vec![0u8; 1 << 16];
        let (mut h, mut n) = (FNV_OFFSET, 0u64);
        loop {
            let k = f.read(&mut buf)?;
            if k == 0 {
                break;
            }
            h = fnv1a_more(h, &buf[..k]);
            n += k as u64;
        }
        Ok(RowsDigest {
            bytes: n,
            fnv1a: format!("{h:016x}"),
        })
    }
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
    /// A stored file could not be read (missing, not a regular file, too large, I/O).
    #[error("{path}: cannot read: {source}")]
    Read {
        /// The file that could not be read.
        path: PathBuf,
        /// Why it could not be read.
        source: std::io::Error,
    },
    /// A stored file was read but does not parse or does not make sense.
    #[error("{path}: not a valid tradesim {what} file (corrupt or truncated?): {detail}")]
    Corrupt {
        /// The offending file.
        path: PathBuf,
        /// Kind of file expected: `"checkpoint"` or `"shard"`.
        what: &'static str,
        /// What is wrong with it.
        detail: String,
    },
    /// Files that are each valid but do not belong together: from different experiments,
    /// shards missing or given twice, rows files that are not the ones written.
    #[error("{0}")]
    Mismatch(String),
    /// A stored file could not be written.
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// Writes a checkpoint atomically, streamed: its histograms are never held twice in memory.
pub fn save_checkpoint(path: &Path, c: &Checkpoint) -> Result<(), WriteError> {
    write_atomic_streamed(path, |w| Ok(serde_json::to_writer(w, c)?))
}

/// Reads a checkpoint; Ok(None) if there is none.
pub fn load_checkpoint(path: &Path) -> Result<Option<Checkpoint>, StoreError> {
    match read_stored(path, MAX_STORE_BYTES) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| StoreError::Corrupt {
                path: path.to_path_buf(),
                what: "checkpoint",
                detail: e.to_string(),
            }),
        Err(StoreError::Read { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

/// A stored file's bytes: a regular file of at most `limit` bytes.
fn read_stored(path: &Path, limit: u64) -> Result<Vec<u8>, StoreError> {
    read_regular(path, limit).map_err(|e| StoreError::Read {
        path: path.to_path_buf(),
        source: match e {
            InputError::Io(e) => e,
            other => std::io::Error::other(other.to_string()),
        },
    })
}

/// Writes a shard file atomically.
pub fn save_shard(path: &Path, s: &ShardFile) -> Result<(), WriteError> {
    write_atomic_streamed(path, |w| Ok(serde_json::to_writer(w, s)?))
}

/// Reads a shard file (a regular file of at most `limit` bytes).
pub fn load_shard(path: &Path, limit: u64) -> Result<ShardFile, StoreError> {
    let bytes = read_stored(path, limit)?;
    parse_shard(&bytes, path)
}

/// A shard file from its bytes (`path` names it in messages); its shard number is checked.
pub fn parse_shard(bytes: &[u8], path: &Path) -> Result<ShardFile, StoreError> {
    let s: ShardFile = serde_json::from_slice(bytes).map_err(|e| StoreError::Corrupt {
        path: path.to_path_buf(),
        what: "shard",
        detail: e.to_string(),
    })?;
    if s.shard.index == 0
        || s.shard.index > s.shard.count
        || s.shard.count > s.fingerprint.replications
    {
        return Err(StoreError::Corrupt {
            path: path.to_path_buf(),
            what: "shard",
            detail: format!(
                "shard {}/{} of {} replications is not a possible shard",
                s.shard.index, s.shard.count, s.fingerprint.replications
            ),
        });
    }
    Ok(s)
}

/// Shards found for a merge, checked complete and consistent.
pub struct MergedShards {
    /// The scenario, rebuilt from the shard files' text (with ablation strategies added
    /// if the run used them).
    pub scenario: Scenario,
    /// The plan of the whole experiment, recovered from the fingerprint.
    pub plan: Plan,
    /// All shards' tallies merged, as if the replications had run in one process.
    pub aggregate: Aggregate,
    /// Rows files in shard order, with the digest each shard file gives for its rows.
    pub rows: Vec<(PathBuf, RowsDigest)>,
    /// Wall-clock seconds summed over all shards (compute time, not elapsed time).
    pub seconds: f64,
}

/// Finds `shard-K-of-M.json` files in `dirs`, checks that shards 1..M are each present once
/// and all come from the same experiment, and merges them.
///
/// Every shard's rows file must be the one written with it (its size and checksum are in
/// the shard file); the rows are checked in [`merged_rows`].
pub fn merge(dirs: &[PathBuf], limit: u64) -> Result<MergedShards, StoreError> {
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
        let mut s = load_shard(&f, limit)?;
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
            rows: s.rows.clone(),
            aggregate: Aggregate {
                strategies: Vec::new(),
                baseline: s.aggregate.baseline,
                replications: 0,
                events: 0,
                records: Vec::new(),
                keep_records: true,
                scopes: s.aggregate.scopes,
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
    let mut scenario = scenario;
    if first
        .fingerprint
        .strategies
        .iter()
        .any(|n| crate::policy::is_ablation_name(n) && scenario.strategy_index(n).is_none())
    {
        scenario
            .add_ablation()
            .map_err(|detail| StoreError::Corrupt {
                path: first_path.clone(),
                what: "shard",
                detail,
            })?;
    }
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
    let mut aggregate = Aggregate::with_scopes(&scenario, &strategies, first.aggregate.scopes);
    let mut rows = Vec::new();
    let mut seconds = 0.0;
    for slot in by_index {
        let (p, header) = &shards[slot.expect("checked complete")];
        // Second pass: load each shard's tallies, merge, let go.
        let loaded;
        let s = if header.aggregate.strategies.is_empty() {
            loaded = load_shard(p, limit)?;
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
        rows.push((rows_path, s.rows.clone()));
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
        timeseries_scopes: aggregate.scopes,
    };
    Ok(MergedShards {
        scenario,
        plan,
        aggregate,
        rows,
        seconds,
    })
}

/// The header line of `replications.csv`: replication, strategy, then every measure.
/// `report` writes it before the rows; a merge checks every shard's rows file against it.
pub fn replications_header(schema: &MeasureSchema) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["replication".to_string(), "strategy".to_string()];
    header.extend(schema.names.iter().cloned());
    w.write_record(&header).expect("in-memory CSV");
    w.into_inner().expect("in-memory CSV")
}

/// The body of the merged `replications.csv`: the header, then each shard's rows in shard
/// order. Every rows file is checked whole before anything is returned: its size and
/// checksum against its shard file (rows from another run, reordered or edited rows), then
/// its header, the width of every row, the count of rows, the final newline.
pub fn merged_rows(merged: &MergedShards, limit: u64) -> Result<Vec<u8>, StoreError> {
    let schema = MeasureSchema::new(&merged.scenario);
    let header = replications_header(&schema);
    let width = schema.names.len() + 2;
    let shards = merged.rows.len() as u64;
    let strategies = merged.plan.strategies.len() as u64;
    let mut all = header.clone();
    for (k, (p, digest)) in merged.rows.iter().enumerate() {
        let bad = |detail: String| StoreError::Mismatch(format!("{}: {detail}", p.display()));
        let bytes = read_stored(p, limit.max(digest.bytes))?;
        let actual = RowsDigest::of(&bytes);
        if actual != *digest {
            return Err(bad(format!(
                "not the rows written with {} ({} bytes, checksum {}; the shard file says {} bytes, checksum {}): \
                 rows from another run, or changed since; rerun that shard",
                shard_name(Shard {
                    index: k as u64 + 1,
                    count: shards
                }),
                actual.bytes,
                actual.fnv1a,
                digest.bytes,
                digest.fnv1a
            )));
        }
        if !bytes.starts_with(&header) {
            return Err(bad(
                "not a rows file of this experiment (its header differs)".into(),
            ));
        }
        let body = &bytes[header.len()..];
        let (from, to) = Shard {
            index: k as u64 + 1,
            count: shards,
        }
        .range(merged.plan.replications);
        let expected = (to - from) * strategies;
        let mut rows = 0u64;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(body);
        for record in reader.records() {
            match record {
                Ok(r) if r.len() == width => rows += 1,
                Ok(r) => {
                    return Err(bad(format!(
                        "row {} has {} fields, expected {width} (truncated?)",
                        rows + 1,
                        r.len()
                    )));
                }
                Err(e) => return Err(bad(e.to_string())),
            }
        }
        if rows != expected || (!body.is_empty() && !body.ends_with(b"\n")) {
            return Err(bad(format!(
                "{rows} rows, expected {expected} (replications {from}..{to} × {strategies} strategies); the file is truncated or damaged: rerun that shard"
            )));
        }
        all.extend_from_slice(body);
    }
    Ok(all)
}
