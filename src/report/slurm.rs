//! Slurm batch scripts for a sharded run: a job array (one shard per task, from
//! `SLURM_ARRAY_TASK_ID`) and a merge job that starts only if every task succeeded.

use std::path::PathBuf;

/// What the scripts run.
#[derive(Debug, Clone)]
pub struct Scripts {
    pub name: String,
    pub binary: PathBuf,
    pub scenario: PathBuf,
    pub out: PathBuf,
    pub replications: u64,
    pub tasks: u64,
    pub seed: u64,
    pub strategies: String,
    pub partition: Option<String>,
    pub time: String,
    pub mem: String,
    pub cpus: u64,
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
            "{}# Written by `tradesim slurm`: merges the {} shards of scenario {}.\nset -euo pipefail\nexec {} merge {} --out {}\n",
            self.header(&format!("tradesim-{}-merge", self.name), "merge.out"),
            self.tasks,
            self.name,
            q(&self.binary.display().to_string()),
            q(&self.out.join("shards").display().to_string()),
            q(&self.out.display().to_string()),
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
