//! Slurm batch scripts for a sharded run: a job array (one shard per task, from
//! `SLURM_ARRAY_TASK_ID`) and a merge job that starts only if every task succeeded.

use std::path::PathBuf;

/// What the scripts run.
#[derive(Debug, Clone)]
pub struct Scripts {
    /// Scenario name, used in the job names (`tradesim-<name>`, `tradesim-<name>-merge`).
    pub name: String,
    /// Path of the tradesim binary the jobs execute.
    pub binary: PathBuf,
    /// Path of the scenario file each task runs (the copy in the output folder).
    pub scenario: PathBuf,
    /// Output folder: scripts, `logs/`, `shards/` and the merged result go here.
    pub out: PathBuf,
    /// Replications of the whole experiment, split across the tasks.
    pub replications: u64,
    /// Array tasks, one shard each (`--array=1-<tasks>`).
    pub tasks: u64,
    /// Master seed passed to every task, so the shards make up one experiment.
    pub seed: u64,
    /// Strategy names, comma-separated, passed to `--strategies`.
    pub strategies: String,
    /// Slurm partition (`#SBATCH --partition`); none: the cluster's default.
    pub partition: Option<String>,
    /// Wall-time limit per job, in Slurm's format (`#SBATCH --time`, e.g. `1:00:00`).
    pub time: String,
    /// Memory per job, in Slurm's format (`#SBATCH --mem`, e.g. `2G`).
    pub mem: String,
    /// CPUs per task (`#SBATCH --cpus-per-task`); each task runs this many threads.
    pub cpus: u64,
    /// A sweep's `--point-summaries` choice, passed to the merge job (None: its default).
    pub point_summaries: Option<super::PointSummaries>,
}

/// Quotes a string for a POSIX shell.
fn q(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

impl Scripts {
    /// The `#SBATCH` lines. The log path is double-quoted: sbatch splits an unquoted
    /// directive at whitespace ("Invalid directive found in batch script").
    fn header(&self, job: &str, log: &str) -> String {
        let mut h = format!(
            "#!/bin/bash\n#SBATCH --job-name={job}\n#SBATCH --output=\"{}\"\n#SBATCH --time={}\n#SBATCH --mem={}\n#SBATCH --cpus-per-task={}\n",
            self.out.join("logs").join(log).display(),
            self.time,
            self.mem,
            self.cpus
        );
        if let Some(p) = &self.partition {
            h.push_str(&format!("#SBATCH --partition={p}\n"));
        }
        h
    }

    /// The job array: task K runs shard K of `tasks`.
    pub fn array(&self) -> String {
        format!(
            "{}#SBATCH --array=1-{}\n# Written by `tradesim slurm`: shard ${{SLURM_ARRAY_TASK_ID}} of {} of scenario {}.\nset -euo pipefail\nexec {} run {} --replications {} --seed {} --strategies {} --shard \"${{SLURM_ARRAY_TASK_ID}}/{}\" --threads \"${{SLURM_CPUS_PER_TASK:-1}}\" --out {} --quiet\n",
            self.header(&format!("tradesim-{}", self.name), "shard-%a.out"),
            self.tasks,
            self.tasks,
            self.name,
            q(&self.binary.display().to_string()),
            q(&self.scenario.display().to_string()),
            self.replications,
            self.seed,
            q(&self.strategies),
            self.tasks,
            q(&self.out.join("shards").display().to_string()),
        )
    }

    /// The merge job.
    pub fn merge(&self) -> String {
        format!(
            "{}# Written by `tradesim slurm`: merges the {} shards of scenario {}.\nset -euo pipefail\nexec {} merge {} --out {}{}\n",
            self.header(&format!("tradesim-{}-merge", self.name), "merge.out"),
            self.tasks,
            self.name,
            q(&self.binary.display().to_string()),
            q(&self.out.join("shards").display().to_string()),
            q(&self.out.display().to_string()),
            self.point_summaries.map_or(String::new(), |p| format!(
                " --point-summaries {}",
                p.name()
            )),
        )
    }

    /// Submits the array, then the merge job with `--dependency=afterok` on it.
    pub fn submit(&self) -> String {
        format!(
            "#!/bin/bash\n# Written by `tradesim slurm`: submits the shard array and the merge job that waits for it.\nset -euo pipefail\ncd {0}\narray=$(sbatch --parsable {1})\narray=${{array%%;*}}\nmerge=$(sbatch --parsable --dependency=afterok:\"$array\" {2})\necho \"submitted array job $array and merge job ${{merge%%;*}}\"\n",
            q(&self.out.display().to_string()),
            q(&self.out.join("array.sbatch").display().to_string()),
            q(&self.out.join("merge.sbatch").display().to_string()),
        )
    }
}
